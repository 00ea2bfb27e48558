//! HTTP middleware that serves no route of its own, for the route table (`model::contract`):
//! an `app.use(x)` without a path whose `x` seaworthy does not know may answer any path, so it
//! makes the table incomplete; these do not. `HTTP_MIDDLEWARE` is matched exactly against the
//! last name of the callee in `app.use(callee(…))` (`json` for `express.json()`); `ROUTELESS_PACKAGES`
//! exactly against the package a mounted or registered identifier is imported from
//! (`fastify.register(cors)` with `import cors from '@fastify/cors'`).

use super::Entry;

pub(crate) const HTTP_MIDDLEWARE: &[Entry] = &[
    Entry {
        name: "json",
        reason: "body parser (express.json, bodyParser.json): parses bodies, calls next",
        source: "expressjs/body-parser README; express 4.16+ express.json",
    },
    Entry {
        name: "urlencoded",
        reason: "body parser: parses form bodies, calls next",
        source: "expressjs/body-parser README",
    },
    Entry {
        name: "text",
        reason: "body parser: parses text bodies, calls next",
        source: "expressjs/body-parser README",
    },
    Entry {
        name: "raw",
        reason: "body parser: parses raw bodies, calls next",
        source: "expressjs/body-parser README",
    },
    Entry {
        name: "bodyParser",
        reason: "koa-bodyparser: parses bodies, calls next",
        source: "koajs/bodyparser README",
    },
    Entry {
        name: "koaBody",
        reason: "koa-body: parses bodies, calls next",
        source: "koa-body README",
    },
    Entry {
        name: "helmet",
        reason: "sets security headers, calls next",
        source: "helmetjs/helmet README",
    },
    Entry {
        name: "cors",
        reason: "sets CORS headers; answers only preflight OPTIONS requests",
        source: "expressjs/cors README",
    },
    Entry {
        name: "compression",
        reason: "compresses responses, calls next",
        source: "expressjs/compression README",
    },
    Entry {
        name: "cookieParser",
        reason: "parses cookies, calls next",
        source: "expressjs/cookie-parser README",
    },
    Entry {
        name: "morgan",
        reason: "request logging, calls next",
        source: "expressjs/morgan README",
    },
    Entry {
        name: "pinoHttp",
        reason: "request logging, calls next",
        source: "pinojs/pino-http README",
    },
    Entry {
        name: "logger",
        reason: "koa-logger and express-winston's logger: request logging, calls next",
        source: "koajs/logger README; bithavoc/express-winston README",
    },
    Entry {
        name: "session",
        reason: "express-session: loads the session, calls next",
        source: "expressjs/session README",
    },
    Entry {
        name: "rateLimit",
        reason: "express-rate-limit: answers 429 past the limit, else calls next",
        source: "express-rate-limit README",
    },
    Entry {
        name: "slowDown",
        reason: "express-slow-down: delays, calls next",
        source: "express-slow-down README",
    },
    Entry {
        name: "csurf",
        reason: "CSRF token check: 403 on a bad token, else calls next",
        source: "expressjs/csurf README",
    },
    Entry {
        name: "hpp",
        reason: "HTTP parameter pollution guard, calls next",
        source: "analog-nico/hpp README",
    },
    Entry {
        name: "initialize",
        reason: "passport.initialize(): sets up passport, calls next",
        source: "jaredhanson/passport README",
    },
    Entry {
        name: "methodOverride",
        reason: "rewrites req.method, calls next",
        source: "expressjs/method-override README",
    },
    Entry {
        name: "responseTime",
        reason: "sets X-Response-Time, calls next",
        source: "expressjs/response-time README",
    },
    Entry {
        name: "requestId",
        reason: "sets a request id, calls next",
        source: "express-request-id README",
    },
    Entry {
        name: "timeout",
        reason: "connect-timeout: times requests out, calls next",
        source: "expressjs/timeout README",
    },
];

pub(crate) const ROUTELESS_PACKAGES: &[Entry] = &[
    Entry {
        name: "@fastify/cors",
        reason: "CORS headers and preflight answers; no routes of its own",
        source: "fastify/fastify-cors README",
    },
    Entry {
        name: "@fastify/helmet",
        reason: "security headers; no routes",
        source: "fastify/fastify-helmet README",
    },
    Entry {
        name: "@fastify/cookie",
        reason: "cookie parsing; no routes",
        source: "fastify/fastify-cookie README",
    },
    Entry {
        name: "@fastify/rate-limit",
        reason: "rate limiting; no routes",
        source: "fastify/fastify-rate-limit README",
    },
    Entry {
        name: "@fastify/compress",
        reason: "response compression; no routes",
        source: "fastify/fastify-compress README",
    },
    Entry {
        name: "@fastify/formbody",
        reason: "form body parser; no routes",
        source: "fastify/fastify-formbody README",
    },
    Entry {
        name: "@fastify/multipart",
        reason: "multipart parser; no routes",
        source: "fastify/fastify-multipart README",
    },
    Entry {
        name: "@fastify/sensible",
        reason: "reply helpers; no routes",
        source: "fastify/fastify-sensible README",
    },
    Entry {
        name: "@fastify/jwt",
        reason: "JWT decorators; no routes",
        source: "fastify/fastify-jwt README",
    },
    Entry {
        name: "@fastify/env",
        reason: "env loading; no routes",
        source: "fastify/fastify-env README",
    },
    Entry {
        name: "cors",
        reason: "express CORS middleware used as is",
        source: "expressjs/cors README",
    },
    Entry {
        name: "helmet",
        reason: "security headers",
        source: "helmetjs/helmet README",
    },
    Entry {
        name: "compression",
        reason: "response compression",
        source: "expressjs/compression README",
    },
    Entry {
        name: "cookie-parser",
        reason: "cookie parsing",
        source: "expressjs/cookie-parser README",
    },
    Entry {
        name: "body-parser",
        reason: "body parsing",
        source: "expressjs/body-parser README",
    },
    Entry {
        name: "morgan",
        reason: "request logging",
        source: "expressjs/morgan README",
    },
];
