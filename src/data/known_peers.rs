//! Peer dependencies of common packages, for `deps/unused` where the lockfile does not record
//! them (yarn 1, or no lockfile): a declared dependency that is a peer of another declared
//! dependency is used by that package. Each name is `"<package> <peer>"`, matched exactly. Where
//! the lockfile records peers (pnpm, npm 7+, yarn berry, Bun) the lockfile is used instead.

use super::Entry;

/// `"<package> <peer>"`: `<peer>` is a peer dependency (optional ones included) of `<package>`.
pub(crate) const KNOWN_PEERS: &[Entry] = &[
    Entry {
        name: "@nestjs/core rxjs",
        reason: "a peer of @nestjs/core",
        source: "@nestjs/core package.json peerDependencies",
    },
    Entry {
        name: "@nestjs/core reflect-metadata",
        reason: "a peer of @nestjs/core",
        source: "@nestjs/core package.json peerDependencies",
    },
    Entry {
        name: "@nestjs/core @nestjs/common",
        reason: "a peer of @nestjs/core",
        source: "@nestjs/core package.json peerDependencies",
    },
    Entry {
        name: "@nestjs/core @nestjs/platform-express",
        reason: "an optional peer of @nestjs/core: NestFactory loads it as the default HTTP adapter",
        source: "@nestjs/core package.json peerDependenciesMeta; NestJS docs: platform",
    },
    Entry {
        name: "@nestjs/core @nestjs/microservices",
        reason: "an optional peer of @nestjs/core, loaded when the app connects a microservice",
        source: "@nestjs/core package.json peerDependenciesMeta",
    },
    Entry {
        name: "@nestjs/core @nestjs/websockets",
        reason: "an optional peer of @nestjs/core, loaded for gateways",
        source: "@nestjs/core package.json peerDependenciesMeta",
    },
    Entry {
        name: "@nestjs/common rxjs",
        reason: "a peer of @nestjs/common",
        source: "@nestjs/common package.json peerDependencies",
    },
    Entry {
        name: "@nestjs/common reflect-metadata",
        reason: "a peer of @nestjs/common",
        source: "@nestjs/common package.json peerDependencies",
    },
    Entry {
        name: "@nestjs/common class-validator",
        reason: "an optional peer of @nestjs/common, loaded by ValidationPipe",
        source: "@nestjs/common package.json peerDependenciesMeta",
    },
    Entry {
        name: "@nestjs/common class-transformer",
        reason: "an optional peer of @nestjs/common, loaded by ValidationPipe and ClassSerializerInterceptor",
        source: "@nestjs/common package.json peerDependenciesMeta",
    },
    Entry {
        name: "@nestjs/passport passport",
        reason: "a peer of @nestjs/passport",
        source: "@nestjs/passport package.json peerDependencies",
    },
    Entry {
        name: "@nestjs/typeorm typeorm",
        reason: "a peer of @nestjs/typeorm",
        source: "@nestjs/typeorm package.json peerDependencies",
    },
    Entry {
        name: "@nestjs/mongoose mongoose",
        reason: "a peer of @nestjs/mongoose",
        source: "@nestjs/mongoose package.json peerDependencies",
    },
    Entry {
        name: "@nestjs/graphql graphql",
        reason: "a peer of @nestjs/graphql",
        source: "@nestjs/graphql package.json peerDependencies",
    },
    Entry {
        name: "@nestjs/apollo @apollo/server",
        reason: "a peer of @nestjs/apollo",
        source: "@nestjs/apollo package.json peerDependencies",
    },
    Entry {
        name: "@nestjs/apollo graphql",
        reason: "a peer of @nestjs/apollo",
        source: "@nestjs/apollo package.json peerDependencies",
    },
    Entry {
        name: "@nestjs/websockets @nestjs/platform-socket.io",
        reason: "an optional peer of @nestjs/websockets, its default adapter",
        source: "@nestjs/websockets package.json peerDependenciesMeta",
    },
    Entry {
        name: "@nestjs/websockets rxjs",
        reason: "a peer of @nestjs/websockets",
        source: "@nestjs/websockets package.json peerDependencies",
    },
    Entry {
        name: "@nestjs/platform-socket.io rxjs",
        reason: "a peer of @nestjs/platform-socket.io",
        source: "@nestjs/platform-socket.io package.json peerDependencies",
    },
    Entry {
        name: "@nestjs/microservices rxjs",
        reason: "a peer of @nestjs/microservices",
        source: "@nestjs/microservices package.json peerDependencies",
    },
    Entry {
        name: "next react",
        reason: "a peer of next",
        source: "next package.json peerDependencies",
    },
    Entry {
        name: "next react-dom",
        reason: "a peer of next",
        source: "next package.json peerDependencies",
    },
    Entry {
        name: "react-dom react",
        reason: "a peer of react-dom",
        source: "react-dom package.json peerDependencies",
    },
    Entry {
        name: "@angular/core rxjs",
        reason: "a peer of @angular/core",
        source: "@angular/core package.json peerDependencies",
    },
    Entry {
        name: "@angular/core zone.js",
        reason: "a peer of @angular/core",
        source: "@angular/core package.json peerDependencies",
    },
    Entry {
        name: "@angular/platform-browser @angular/animations",
        reason: "an optional peer of @angular/platform-browser, loaded by its animations module",
        source: "@angular/platform-browser package.json peerDependenciesMeta",
    },
    Entry {
        name: "@angular/material @angular/cdk",
        reason: "a peer of @angular/material",
        source: "@angular/material package.json peerDependencies",
    },
    Entry {
        name: "@angular/material @angular/forms",
        reason: "a peer of @angular/material",
        source: "@angular/material package.json peerDependencies",
    },
    Entry {
        name: "@angular/material @angular/animations",
        reason: "a peer of @angular/material (before v18)",
        source: "@angular/material package.json peerDependencies",
    },
    Entry {
        name: "@nestjs/axios axios",
        reason: "a peer of @nestjs/axios",
        source: "@nestjs/axios package.json peerDependencies",
    },
    Entry {
        name: "@nestjs/axios rxjs",
        reason: "a peer of @nestjs/axios",
        source: "@nestjs/axios package.json peerDependencies",
    },
    Entry {
        name: "@nestjs/axios @nestjs/common",
        reason: "a peer of @nestjs/axios",
        source: "@nestjs/axios package.json peerDependencies",
    },
    Entry {
        name: "@nestjs/microservices kafkajs",
        reason: "a peer of @nestjs/microservices (optional: the transport it loads when configured)",
        source: "@nestjs/microservices package.json peerDependencies",
    },
    Entry {
        name: "@nestjs/microservices mqtt",
        reason: "a peer of @nestjs/microservices (optional: the transport it loads when configured)",
        source: "@nestjs/microservices package.json peerDependencies",
    },
    Entry {
        name: "@nestjs/microservices amqplib",
        reason: "a peer of @nestjs/microservices (optional: the transport it loads when configured)",
        source: "@nestjs/microservices package.json peerDependencies",
    },
    Entry {
        name: "@nestjs/microservices amqp-connection-manager",
        reason: "a peer of @nestjs/microservices (optional: the transport it loads when configured)",
        source: "@nestjs/microservices package.json peerDependencies",
    },
    Entry {
        name: "@nestjs/microservices ioredis",
        reason: "a peer of @nestjs/microservices (optional: the transport it loads when configured)",
        source: "@nestjs/microservices package.json peerDependencies",
    },
    Entry {
        name: "@nestjs/microservices @grpc/grpc-js",
        reason: "a peer of @nestjs/microservices (optional: the transport it loads when configured)",
        source: "@nestjs/microservices package.json peerDependencies",
    },
    Entry {
        name: "@nestjs/microservices @nats-io/transport-node",
        reason: "a peer of @nestjs/microservices (optional: the transport it loads when configured)",
        source: "@nestjs/microservices package.json peerDependencies",
    },
    Entry {
        name: "@nestjs/microservices nats",
        reason: "a peer of @nestjs/microservices (optional: the transport it loads when configured)",
        source: "@nestjs/microservices package.json peerDependencies (nats before v11)",
    },
    Entry {
        name: "@nestjs/swagger class-transformer",
        reason: "a peer of @nestjs/swagger",
        source: "@nestjs/swagger package.json peerDependencies",
    },
    Entry {
        name: "@nestjs/swagger class-validator",
        reason: "a peer of @nestjs/swagger",
        source: "@nestjs/swagger package.json peerDependencies",
    },
    Entry {
        name: "@nestjs/swagger @fastify/static",
        reason: "a peer of @nestjs/swagger",
        source: "@nestjs/swagger package.json peerDependencies",
    },
    Entry {
        name: "@nestjs/apollo @nestjs/graphql",
        reason: "a peer of @nestjs/apollo",
        source: "@nestjs/apollo package.json peerDependencies",
    },
    Entry {
        name: "@nestjs/apollo @apollo/gateway",
        reason: "a peer of @nestjs/apollo",
        source: "@nestjs/apollo package.json peerDependencies",
    },
    Entry {
        name: "@nestjs/apollo @apollo/subgraph",
        reason: "a peer of @nestjs/apollo",
        source: "@nestjs/apollo package.json peerDependencies",
    },
    Entry {
        name: "jest-preset-angular @angular/platform-browser-dynamic",
        reason: "a peer of jest-preset-angular",
        source: "jest-preset-angular package.json peerDependencies (v12 to v16)",
    },
    Entry {
        name: "jest-preset-angular @angular/platform-browser",
        reason: "a peer of jest-preset-angular",
        source: "jest-preset-angular package.json peerDependencies",
    },
    Entry {
        name: "jest-preset-angular @angular/compiler-cli",
        reason: "a peer of jest-preset-angular",
        source: "jest-preset-angular package.json peerDependencies",
    },
    Entry {
        name: "jest-preset-angular jsdom",
        reason: "a peer of jest-preset-angular",
        source: "jest-preset-angular package.json peerDependencies (v15+)",
    },
];
