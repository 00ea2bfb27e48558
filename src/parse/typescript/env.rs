//! Environment variable reads: what a file reads from the environment, where, and whether the
//! code can run without it. The facts behind `compose/missing-env` (issue 9, "env contract").
//!
//! Collected in the one walk, from a few node kinds only (member and subscript expressions
//! whose object is `process.env`, calls whose callee ends in `.get`/`.getOrThrow`/`.parse`/…,
//! variable declarators, classes), each filtered by a byte-length or text comparison before
//! anything is allocated:
//!
//! - `process.env.X`, `process.env['X']`, `process.env?.X`, `import.meta.env.X`, and the names
//!   of `const { X, Y = 'd' } = process.env`;
//! - `configService.get('X')`, `.get<T>('X', default)`, `.getOrThrow('X')` on a receiver whose
//!   name ends in `configService` or `config` (`this.configService`, `config`, `this.config`);
//!   only env-shaped keys (`^[A-Z_][A-Z0-9_]*$`): `get('database.url')` is a config path;
//! - the keys of env schemas: zod objects parsed against `process.env` or named as env
//!   schemas, t3-env's `createEnv({ server, client, shared })`, joi objects given to
//!   `ConfigModule.forRoot({ validationSchema })` or named as env/config schemas, envalid's
//!   `cleanEnv(process.env, { … })`, and class-validator classes used with `plainToInstance`
//!   or named as environment classes.
//!
//! Reads with a computed name (`process.env[name]`, `` process.env[`X_${a}`] ``) are not
//! collected: no variable can be named. Writes (`process.env.X = …`, `??=`, `delete`) are not
//! reads. Aliases (`const env = process.env; env.X`, `const { env } = process`) and helper
//! functions (`requireEnv('X')`) are not followed.

use tree_sitter::Node;

use super::{Cx, State, call_arguments, object_value, string_value};
use crate::source::Span;

/// One variable the code reads from the environment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EnvRead {
    pub name: String,
    /// The read: the `process.env.X` expression, the `get('X')` call, the destructured name,
    /// or the schema key.
    pub span: Span,
    pub class: EnvClass,
    pub source: EnvSource,
}

/// Whether the code needs the variable, as far as the text shows.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum EnvClass {
    /// Read with no fallback, in a way that fails when it is absent: `process.env.X!`,
    /// `getOrThrow('X')`, `if (!process.env.X) throw …` (or `process.exit`), `const x =
    /// process.env.X; if (!x) throw …`, `process.env.X ?? throwError()`, `assert(process.env.X)`,
    /// a required key of an env schema.
    Required,
    /// Read with a fallback: `?? 'x'`, `|| 'x'`, a destructuring default, `get('X', 'd')`, a
    /// schema key with a default or marked optional.
    Optional,
    /// Read with neither (`const url = process.env.DATABASE_URL`): the code uses the value and
    /// may break without it, but nothing shows that it is required.
    Plain,
    /// Only tested for presence or compared (`if (process.env.DEBUG)`, `process.env.X ===
    /// 'true'`, `typeof process.env.X`): the code runs without it.
    Test,
}

/// How the variable is read.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum EnvSource {
    ProcessEnv,
    /// `import.meta.env.X` (Vite and its kin): replaced at build time, in the bundle.
    ImportMetaEnv,
    /// `@nestjs/config`'s `ConfigService.get`/`getOrThrow`.
    ConfigService,
    /// A zod object used as an env schema (also the validators of t3-env's `createEnv`).
    Zod,
    Joi,
    /// A class-validator class validated against the environment.
    ClassValidator,
    /// envalid's `cleanEnv`.
    Envalid,
}

/// Whether `name` is shaped like an environment variable: `^[A-Z_][A-Z0-9_]*$`.
pub fn is_env_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_uppercase() || b == b'_')
        && bytes.all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// The walk's env state: the reads so far, and the candidates decided at the end of the file
/// (a schema or class is an env schema when the file validates the environment with it, which
/// may come after its declaration).
#[derive(Default)]
pub(super) struct Collector<'t> {
    pub(super) reads: Vec<EnvRead>,
    /// `const name = z.object({…})`-like declarations not (yet) known to be env schemas.
    schemas: Vec<(&'t str, Schema<'t>)>,
    /// Names the file validates the environment with (`name.parse(process.env)`,
    /// `validationSchema: name`, `plainToInstance(name, …)`).
    used: Vec<&'t str>,
    /// Classes, by name, for class-validator env classes.
    classes: Vec<(&'t str, Node<'t>)>,
}

#[derive(Clone, Copy)]
struct Schema<'t> {
    lib: Lib,
    /// The object literal of the schema's keys.
    object: Node<'t>,
    /// `.partial()` in the chain: every key is optional.
    partial: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lib {
    Zod,
    Joi,
}

/// The deepest chain of parents a read is classified through (`(process.env.X as string) ??
/// 'd'` takes three).
const MAX_CLIMB: usize = 8;

/// The most statements after a declaration searched for its `if (!x) throw` guard.
const GUARD_LOOKAHEAD: usize = 4;

impl<'t> Collector<'t> {
    /// A `member_expression`: `process.env.X`, `process.env?.X`, `import.meta.env.X`.
    pub(super) fn member(&mut self, cx: &Cx<'t>, node: Node<'t>, ancestors: &[(Node<'t>, State)]) {
        let Some(object) = node.child_by_field_id(cx.fields.object) else {
            return;
        };
        let Some(source) = env_object(cx, object) else {
            return;
        };
        let Some(property) = node.child_by_field_id(cx.fields.property) else {
            return;
        };
        if cx.kind(property) != "property_identifier" {
            return;
        }
        self.read(cx, node, cx.text_of(property), source, ancestors);
    }

    /// A `subscript_expression`: `process.env['X']`.
    pub(super) fn subscript(
        &mut self,
        cx: &Cx<'t>,
        node: Node<'t>,
        ancestors: &[(Node<'t>, State)],
    ) {
        let Some(object) = node.child_by_field_id(cx.fields.object) else {
            return;
        };
        let Some(source) = env_object(cx, object) else {
            return;
        };
        let Some(index) = cx.field(node, "index") else {
            return;
        };
        // `process.env[name]` and `` process.env[`X_${a}`] `` name no variable.
        let Some(name) = string_value(index, cx.text) else {
            return;
        };
        self.read(cx, node, &name, source, ancestors);
    }

    fn read(
        &mut self,
        cx: &Cx<'t>,
        node: Node<'t>,
        name: &str,
        source: EnvSource,
        ancestors: &[(Node<'t>, State)],
    ) {
        if name.is_empty() {
            return;
        }
        let Some(class) = classify(cx, node, ancestors) else {
            return;
        };
        self.reads.push(EnvRead {
            name: name.to_string(),
            span: cx.span(node),
            class,
            source,
        });
    }

    /// A `variable_declarator`: `const { X, Y = 'd' } = process.env`, and schema candidates
    /// (`const envSchema = z.object({…})`).
    pub(super) fn declarator(
        &mut self,
        cx: &Cx<'t>,
        node: Node<'t>,
        ancestors: &[(Node<'t>, State)],
    ) {
        let (Some(name), Some(value)) = (cx.field(node, "name"), cx.field(node, "value")) else {
            return;
        };
        match (cx.kind(name), cx.kind(value)) {
            ("object_pattern", "member_expression")
                if env_object(cx, value) == Some(EnvSource::ProcessEnv) =>
            {
                self.destructured(cx, name, ancestors);
            }
            ("identifier", "call_expression") => {
                let Some(schema) = schema_call(cx, value) else {
                    return;
                };
                let binding = cx.text_of(name);
                let named = match schema.lib {
                    Lib::Zod => names_env(binding),
                    Lib::Joi => names_env(binding) || names_config_schema(binding),
                };
                if named {
                    self.schema_keys(cx, schema);
                } else {
                    self.schemas.push((binding, schema));
                }
            }
            _ => {}
        }
    }

    /// The names of `{ X, Y = 'd', Z: z }` destructured from `process.env`.
    fn destructured(&mut self, cx: &Cx<'t>, pattern: Node<'t>, ancestors: &[(Node<'t>, State)]) {
        let mut cursor = pattern.walk();
        for part in pattern.named_children(&mut cursor) {
            let (key, local, class) = match cx.kind(part) {
                "shorthand_property_identifier_pattern" => (part, part, EnvClass::Plain),
                "object_assignment_pattern" => {
                    let Some(left) = cx.field(part, "left") else {
                        continue;
                    };
                    (left, left, EnvClass::Optional)
                }
                "pair_pattern" => {
                    let (Some(key), Some(value)) = (cx.field(part, "key"), cx.field(part, "value"))
                    else {
                        continue;
                    };
                    match cx.kind(value) {
                        "identifier" => (key, value, EnvClass::Plain),
                        "assignment_pattern" => {
                            let Some(left) = cx.field(value, "left") else {
                                continue;
                            };
                            (key, left, EnvClass::Optional)
                        }
                        _ => continue,
                    }
                }
                _ => continue,
            };
            let name = match cx.kind(key) {
                "string" => string_value(key, cx.text).unwrap_or_default(),
                _ => cx.text_of(key).to_string(),
            };
            if name.is_empty() {
                continue;
            }
            // `lexical_declaration` is the parent of the declarator: the guard follows it.
            let class =
                if class == EnvClass::Plain && guarded_after(cx, ancestors, cx.text_of(local)) {
                    EnvClass::Required
                } else {
                    class
                };
            self.reads.push(EnvRead {
                name,
                span: cx.span(part),
                class,
                source: EnvSource::ProcessEnv,
            });
        }
    }

    /// A call: `configService.get('X')`, `schema.parse(process.env)`, `createEnv({…})`,
    /// `cleanEnv(process.env, {…})`, `ConfigModule.forRoot({ validationSchema })`,
    /// `plainToInstance(Env, config)`.
    pub(super) fn call(
        &mut self,
        cx: &Cx<'t>,
        node: Node<'t>,
        function: Node<'t>,
        ancestors: &[(Node<'t>, State)],
    ) {
        match cx.kind(function) {
            "member_expression" => {
                let Some(property) = function.child_by_field_id(cx.fields.property) else {
                    return;
                };
                match cx.text_of(property) {
                    "get" | "getOrThrow" => self.config_get(cx, node, function, ancestors),
                    "parse" | "safeParse" | "parseAsync" | "safeParseAsync" | "validate" => {
                        self.parse_env(cx, node, function);
                    }
                    "forRoot" => self.config_module(cx, node, function),
                    _ => {}
                }
            }
            "identifier" => match cx.text_of(function) {
                "createEnv" => self.create_env(cx, node),
                "cleanEnv" => self.clean_env(cx, node),
                "plainToInstance" | "plainToClass" => {
                    if let Some(first) = call_arguments(cx, node).into_iter().next()
                        && cx.kind(first) == "identifier"
                    {
                        self.used.push(cx.text_of(first));
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }

    fn config_get(
        &mut self,
        cx: &Cx<'t>,
        node: Node<'t>,
        function: Node<'t>,
        ancestors: &[(Node<'t>, State)],
    ) {
        let Some(receiver) = function.child_by_field_id(cx.fields.object) else {
            return;
        };
        if !is_config_receiver(cx, receiver) {
            return;
        }
        let mut args = call_arguments(cx, node).into_iter();
        let Some(key) = args.next().and_then(|k| string_value(k, cx.text)) else {
            return;
        };
        if !is_env_name(&key) {
            return;
        }
        let or_throw = function
            .child_by_field_id(cx.fields.property)
            .is_some_and(|p| cx.text_of(p) == "getOrThrow");
        // `get(key, defaultValue, options)`, but also `get(key, { infer: true })`: an
        // options object is not a default.
        let default = args.next().is_some_and(|d| !is_get_options(cx, d));
        let class = if or_throw {
            Some(EnvClass::Required)
        } else if default {
            Some(EnvClass::Optional)
        } else {
            classify(cx, node, ancestors)
        };
        let Some(class) = class else { return };
        self.reads.push(EnvRead {
            name: key,
            span: cx.span(node),
            class,
            source: EnvSource::ConfigService,
        });
    }

    /// `schema.parse(process.env)` (zod; `validate` for joi) and the inline form
    /// `z.object({…}).parse(process.env)`.
    fn parse_env(&mut self, cx: &Cx<'t>, node: Node<'t>, function: Node<'t>) {
        let Some(first) = call_arguments(cx, node).into_iter().next() else {
            return;
        };
        if env_object(cx, first) != Some(EnvSource::ProcessEnv) {
            return;
        }
        let Some(schema) = function.child_by_field_id(cx.fields.object) else {
            return;
        };
        if cx.kind(schema) == "identifier" {
            self.used.push(cx.text_of(schema));
        } else if let Some(schema) = schema_call(cx, schema) {
            self.schema_keys(cx, schema);
        }
    }

    /// `ConfigModule.forRoot({ validationSchema: Joi.object({…}) })`.
    fn config_module(&mut self, cx: &Cx<'t>, node: Node<'t>, function: Node<'t>) {
        let is_config_module = function
            .child_by_field_id(cx.fields.object)
            .is_some_and(|o| cx.text_of(o) == "ConfigModule");
        if !is_config_module {
            return;
        }
        let Some(options) = call_arguments(cx, node)
            .into_iter()
            .next()
            .filter(|o| cx.kind(o) == "object")
        else {
            return;
        };
        let Some(value) = object_value(cx, options, "validationSchema") else {
            return;
        };
        if cx.kind(value) == "identifier" {
            self.used.push(cx.text_of(value));
        } else if let Some(schema) = schema_call(cx, value) {
            self.schema_keys(cx, schema);
        }
    }

    /// t3-env's `createEnv({ server: {…}, client: {…}, shared: {…} })`: zod validators by
    /// key. With `skipValidation` set (to anything but `false`) nothing is enforced, so no key
    /// is required.
    fn create_env(&mut self, cx: &Cx<'t>, node: Node<'t>) {
        let Some(options) = call_arguments(cx, node)
            .into_iter()
            .next()
            .filter(|o| cx.kind(o) == "object")
        else {
            return;
        };
        let skip =
            object_value(cx, options, "skipValidation").is_some_and(|v| cx.kind(v) != "false");
        for group in ["server", "client", "shared"] {
            let Some(object) = object_value(cx, options, group).filter(|o| cx.kind(o) == "object")
            else {
                continue;
            };
            let start = self.reads.len();
            self.schema_keys(
                cx,
                Schema {
                    lib: Lib::Zod,
                    object,
                    partial: false,
                },
            );
            if skip {
                for read in &mut self.reads[start..] {
                    if read.class == EnvClass::Required {
                        read.class = EnvClass::Plain;
                    }
                }
            }
        }
    }

    /// envalid's `cleanEnv(process.env, { X: str(), Y: str({ default: 'a' }) })`.
    fn clean_env(&mut self, cx: &Cx<'t>, node: Node<'t>) {
        let mut args = call_arguments(cx, node).into_iter();
        let (Some(env), Some(specs)) = (args.next(), args.next()) else {
            return;
        };
        if env_object(cx, env) != Some(EnvSource::ProcessEnv) || cx.kind(specs) != "object" {
            return;
        }
        for (key, name, value) in pairs(cx, specs) {
            let class = envalid_class(cx, value);
            self.reads.push(EnvRead {
                name,
                span: cx.span(key),
                class,
                source: EnvSource::Envalid,
            });
        }
    }

    /// Every env-shaped key of a zod or joi object, classified by its validator.
    fn schema_keys(&mut self, cx: &Cx<'t>, schema: Schema<'t>) {
        for (key, name, value) in pairs(cx, schema.object) {
            let class = match (schema.lib, value) {
                (_, None) => EnvClass::Plain,
                (_, Some(_)) if schema.partial => EnvClass::Optional,
                (Lib::Zod, Some(v)) => zod_class(cx, v),
                (Lib::Joi, Some(v)) => joi_class(cx, v),
            };
            self.reads.push(EnvRead {
                name,
                span: cx.span(key),
                class,
                source: match schema.lib {
                    Lib::Zod => EnvSource::Zod,
                    Lib::Joi => EnvSource::Joi,
                },
            });
        }
    }

    /// A class declaration: a class-validator env class candidate.
    pub(super) fn class(&mut self, cx: &Cx<'t>, node: Node<'t>) {
        if let Some(name) = cx.field(node, "name") {
            self.classes.push((cx.text_of(name), node));
        }
    }

    /// The reads decided at the end of the file: schemas and classes the file validates the
    /// environment with. In source order.
    pub(super) fn finish(mut self, cx: &Cx<'t>) -> Vec<EnvRead> {
        let used = std::mem::take(&mut self.used);
        let schemas = std::mem::take(&mut self.schemas);
        for (name, schema) in schemas {
            if used.contains(&name) {
                self.schema_keys(cx, schema);
            }
        }
        let classes = std::mem::take(&mut self.classes);
        for (name, node) in classes {
            if used.contains(&name) || names_env_class(name) {
                self.env_class(cx, node);
            }
        }
        let mut reads = self.reads;
        reads.sort_by(|a, b| (a.span, &a.name).cmp(&(b.span, &b.name)));
        reads.dedup();
        reads
    }

    /// The fields of a class-validator class: required unless `@IsOptional()`/`@ValidateIf`,
    /// `?` or an initializer; only when some field carries a validation decorator (a class
    /// named `Env` with none is not a schema).
    fn env_class(&mut self, cx: &Cx<'t>, node: Node<'t>) {
        let Some(body) = cx.field(node, "body") else {
            return;
        };
        let mut fields = Vec::new();
        let mut validated = false;
        let mut cursor = body.walk();
        for member in body.named_children(&mut cursor) {
            if cx.kind(member) != "public_field_definition" {
                continue;
            }
            let Some(name) = cx.field(member, "name") else {
                continue;
            };
            let name = cx.text_of(name);
            if !is_env_name(name) {
                continue;
            }
            let mut optional =
                cx.field(member, "value").is_some() || super::has_keyword_child(cx, member, "?");
            let mut checks = false;
            let mut c = member.walk();
            for decorator in member
                .children(&mut c)
                .filter(|d| cx.kind(d) == "decorator")
            {
                let callee = decorator
                    .named_child(0)
                    .map(|d| {
                        if cx.kind(d) == "call_expression" {
                            d.child_by_field_id(cx.fields.function).unwrap_or(d)
                        } else {
                            d
                        }
                    })
                    .map(|d| cx.text_of(d))
                    .unwrap_or_default();
                let callee = callee.rsplit('.').next().unwrap_or(callee);
                match callee {
                    "IsOptional" | "ValidateIf" => optional = true,
                    "Type" | "Transform" | "Expose" | "Exclude" => {}
                    _ if is_validator_name(callee) => checks = true,
                    _ => {}
                }
            }
            validated |= checks;
            let class = if optional {
                EnvClass::Optional
            } else if checks {
                EnvClass::Required
            } else {
                EnvClass::Plain
            };
            fields.push(EnvRead {
                name: name.to_string(),
                span: cx.span(member),
                class,
                source: EnvSource::ClassValidator,
            });
        }
        if validated {
            self.reads.extend(fields);
        }
    }
}

/// `IsString`, `IsNotEmpty`, `Min`, `Matches`, …: class-validator's decorators (its
/// `decorator/` folder: `Is*` for type and format checks, and the few others below).
fn is_validator_name(name: &str) -> bool {
    let is = name
        .strip_prefix("Is")
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()));
    is || matches!(
        name,
        "Min" | "Max" | "Matches" | "Length" | "MinLength" | "MaxLength" | "Contains" | "Equals"
    )
}

/// Whether `node` is `process.env` (also `process?.env`) or `import.meta.env`. The length
/// check first: this runs for the object of every member expression of the file.
fn env_object(cx: &Cx<'_>, node: Node<'_>) -> Option<EnvSource> {
    let len = node.byte_range().len();
    if cx.kind(node) != "member_expression" || !(11..=15).contains(&len) {
        return None;
    }
    let text = cx.text_of(node);
    match text {
        "process.env" | "process?.env" => Some(EnvSource::ProcessEnv),
        "import.meta.env" => Some(EnvSource::ImportMetaEnv),
        _ => None,
    }
}

/// Whether a call's receiver is a config service: an identifier or member whose last name
/// ends in `configService` or `config`, any case (`this.configService`, `config`,
/// `this.appConfig`); `map.get` and `this.cache.get` are not.
fn is_config_receiver(cx: &Cx<'_>, receiver: Node<'_>) -> bool {
    let last = match cx.kind(receiver) {
        "identifier" => receiver,
        "member_expression" => match receiver.child_by_field_id(cx.fields.property) {
            Some(p) => p,
            None => return false,
        },
        _ => return false,
    };
    let name = cx.text_of(last).to_ascii_lowercase();
    name.ends_with("configservice") || name.ends_with("config")
}

/// `{ infer: true }`: the options argument of `ConfigService.get`, not a default value.
fn is_get_options(cx: &Cx<'_>, node: Node<'_>) -> bool {
    if cx.kind(node) != "object" {
        return false;
    }
    let mut cursor = node.walk();
    let mut keys = node.named_children(&mut cursor).filter_map(|p| {
        (cx.kind(p) == "pair")
            .then(|| cx.field(p, "key"))
            .flatten()
            .map(|k| cx.text_of(k))
    });
    keys.next() == Some("infer") && keys.next().is_none()
}

/// The env-shaped keys of an object literal: (key node, name, value); a shorthand property
/// has no value to read (`{ DATABASE_URL }` names a validator defined elsewhere).
fn pairs<'t>(cx: &Cx<'_>, object: Node<'t>) -> Vec<(Node<'t>, String, Option<Node<'t>>)> {
    let mut out = Vec::new();
    let mut cursor = object.walk();
    for part in object.named_children(&mut cursor) {
        let (key, value) = match cx.kind(part) {
            "pair" => match cx.field(part, "key") {
                Some(key) => (key, cx.field(part, "value")),
                None => continue,
            },
            "shorthand_property_identifier" => (part, None),
            _ => continue,
        };
        let name = match cx.kind(key) {
            "property_identifier" | "shorthand_property_identifier" => cx.text_of(key).to_string(),
            "string" => string_value(key, cx.text).unwrap_or_default(),
            _ => continue,
        };
        if is_env_name(&name) {
            out.push((key, name, value));
        }
    }
    out
}

/// The method names of a call chain, outermost first, and its root callee:
/// `z.coerce.number().min(1).default(3000)` gives `["default", "min"]` and `z.coerce.number`.
/// At most `2 × MAX_CLIMB` links.
fn chain<'t>(cx: &Cx<'t>, node: Node<'_>) -> (Vec<&'t str>, &'t str) {
    let mut methods = Vec::new();
    let mut node = node;
    for _ in 0..MAX_CLIMB * 2 {
        if cx.kind(node) != "call_expression" {
            break;
        }
        let Some(function) = node.child_by_field_id(cx.fields.function) else {
            break;
        };
        if cx.kind(function) != "member_expression" {
            return (methods, cx.text_of(function));
        }
        let object = function.child_by_field_id(cx.fields.object);
        match object {
            Some(o) if cx.kind(o) == "call_expression" => {
                if let Some(p) = function.child_by_field_id(cx.fields.property) {
                    methods.push(cx.text_of(p));
                }
                node = o;
            }
            // The first call: its whole callee is the root (`z.string`, `Joi.string`).
            _ => return (methods, cx.text_of(function)),
        }
    }
    (methods, "")
}

/// Finds the schema object of `z.object({…})`, `z.strictObject({…})`, `Joi.object({…})` or
/// `Joi.object().keys({…})` at the root of a call chain (`.strict()`, `.extend(…)`,
/// `.partial()` after it).
fn schema_call<'t>(cx: &Cx<'t>, node: Node<'t>) -> Option<Schema<'t>> {
    let mut node = node;
    let mut partial = false;
    for _ in 0..MAX_CLIMB * 2 {
        if cx.kind(node) != "call_expression" {
            return None;
        }
        let function = node.child_by_field_id(cx.fields.function)?;
        if cx.kind(function) != "member_expression" {
            return None;
        }
        let object = function.child_by_field_id(cx.fields.object)?;
        let property = cx.text_of(function.child_by_field_id(cx.fields.property)?);
        let lib = match cx.text_of(object) {
            "z" | "zod" => Some(Lib::Zod),
            "Joi" | "joi" => Some(Lib::Joi),
            _ => None,
        };
        let keys = match (lib, property) {
            (Some(Lib::Zod), "object" | "strictObject" | "looseObject") => true,
            (Some(Lib::Joi), "object") => true,
            // `Joi.object().keys({…})`
            (None, "keys") => schema_lib_of_empty_object(cx, object) == Some(Lib::Joi),
            _ => false,
        };
        if keys {
            let object = call_arguments(cx, node)
                .into_iter()
                .next()
                .filter(|o| cx.kind(o) == "object")?;
            return Some(Schema {
                lib: lib.unwrap_or(Lib::Joi),
                object,
                partial,
            });
        }
        if lib.is_some() {
            return None;
        }
        partial |= matches!(property, "partial" | "deepPartial");
        node = object;
    }
    None
}

/// `Joi.object()` with no arguments.
fn schema_lib_of_empty_object(cx: &Cx<'_>, node: Node<'_>) -> Option<Lib> {
    if cx.kind(node) != "call_expression" || call_arguments(cx, node).into_iter().next().is_some() {
        return None;
    }
    let callee = cx.text_of(node.child_by_field_id(cx.fields.function)?);
    matches!(callee, "Joi.object" | "joi.object").then_some(Lib::Joi)
}

/// A zod validator: required unless the chain makes it optional (`.optional()`,
/// `.default(…)`, `.nullish()`, `.catch(…)`, `.or(…)`), or its root accepts `undefined`
/// (`z.optional`, `z.any`, `z.unknown`, `z.coerce.string`/`boolean`, which turn `undefined`
/// into `"undefined"`/`false`). A validator that is not a `z.` chain (a variable,
/// `z.preprocess`) is [`EnvClass::Plain`].
fn zod_class(cx: &Cx<'_>, value: Node<'_>) -> EnvClass {
    let (methods, root) = chain(cx, value);
    let Some(root) = root
        .strip_prefix("z.")
        .or_else(|| root.strip_prefix("zod."))
    else {
        return EnvClass::Plain;
    };
    if methods.iter().any(|m| {
        matches!(
            *m,
            "optional" | "default" | "nullish" | "catch" | "or" | "prefault"
        )
    }) {
        return EnvClass::Optional;
    }
    match root {
        "optional" | "any" | "unknown" | "undefined" | "void" | "never" | "coerce.string"
        | "coerce.boolean" | "stringbool" => EnvClass::Optional,
        "preprocess" | "lazy" | "custom" => EnvClass::Plain,
        _ => EnvClass::Required,
    }
}

/// A joi validator: keys are optional unless `.required()` (and a `.default(…)` fills in).
fn joi_class(cx: &Cx<'_>, value: Node<'_>) -> EnvClass {
    let (methods, root) = chain(cx, value);
    if !(root.starts_with("Joi.") || root.starts_with("joi.")) {
        return EnvClass::Plain;
    }
    if methods.iter().any(|m| matches!(*m, "default" | "optional")) {
        EnvClass::Optional
    } else if methods.contains(&"required") || methods.contains(&"exist") {
        EnvClass::Required
    } else {
        EnvClass::Optional
    }
}

/// An envalid validator (`str()`, `port({ default: 3000 })`): optional with `default` or
/// `devDefault`. envalid applies `devDefault` only outside production, so in a container the
/// variable is still needed; it counts as optional anyway, because a false "missing" report
/// costs more than a miss.
fn envalid_class(cx: &Cx<'_>, value: Option<Node<'_>>) -> EnvClass {
    let Some(value) = value.filter(|v| cx.kind(v) == "call_expression") else {
        return EnvClass::Plain;
    };
    let options = call_arguments(cx, value)
        .into_iter()
        .next()
        .filter(|o| cx.kind(o) == "object");
    let defaulted = options.is_some_and(|o| {
        object_value(cx, o, "default").is_some() || object_value(cx, o, "devDefault").is_some()
    });
    if defaulted {
        EnvClass::Optional
    } else {
        EnvClass::Required
    }
}

/// Whether a binding names an env schema: one of its words (camelCase, snake_case) is
/// `env`, `envs` or `environment` (`envSchema`, `EnvSchema`, `env`, `ENV_SCHEMA`,
/// `environmentSchema`; not `envelopeSchema`).
fn names_env(name: &str) -> bool {
    words(name).any(|w| matches!(w.as_str(), "env" | "envs" | "environment" | "environments"))
}

/// `configSchema`, `configValidationSchema`, `CONFIG_SCHEMA`.
fn names_config_schema(name: &str) -> bool {
    let words: Vec<String> = words(name).collect();
    words.iter().any(|w| w == "config" || w == "configuration")
        && words.iter().any(|w| w == "schema")
}

/// `EnvironmentVariables`, `EnvVars`, `AppEnv`, `Env`, `EnvConfig`.
fn names_env_class(name: &str) -> bool {
    names_env(name) || words(name).any(|w| w == "envvars")
}

/// The lowercase words of an identifier: split at `_`, `$`, digits-to-letters and lower-to-
/// upper case changes (`envSchema` → `env`, `schema`; `ENV_SCHEMA` → `env`, `schema`).
fn words(name: &str) -> impl Iterator<Item = String> + '_ {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c == '_' || c == '$' || c == '-' {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        word.push(c.to_ascii_lowercase());
    }
    if !word.is_empty() {
        out.push(word);
    }
    out.into_iter()
}

/// How a read is used, from its parents (`ancestors` ends with the read's parent); `None`
/// for a write (`process.env.X = …`, `??=`, `delete process.env.X`).
fn classify(cx: &Cx<'_>, read: Node<'_>, ancestors: &[(Node<'_>, State)]) -> Option<EnvClass> {
    let mut child = read;
    for (depth, (parent, _)) in ancestors.iter().rev().enumerate() {
        if depth >= MAX_CLIMB {
            break;
        }
        let parent = *parent;
        let is_field = |name: &str| cx.field(parent, name) == Some(child);
        match cx.kind(parent) {
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "type_assertion" => {}
            "non_null_expression" => return Some(EnvClass::Required),
            "binary_expression" => {
                let operator = cx
                    .field(parent, "operator")
                    .map(|o| cx.text_of(o))
                    .unwrap_or_default();
                let left = is_field("left");
                match operator {
                    "??" | "||" if left => {
                        let throws = cx
                            .field(parent, "right")
                            .is_some_and(|r| is_throwing_call(cx, r));
                        return Some(if throws {
                            EnvClass::Required
                        } else {
                            EnvClass::Optional
                        });
                    }
                    // `a ?? process.env.X`: the value may be the read's; the parent decides.
                    "??" | "||" => {}
                    "&&" if left => return Some(EnvClass::Test),
                    "&&" => {}
                    "===" | "==" => {
                        let other = cx.field(parent, if left { "right" } else { "left" });
                        let absent = other.is_some_and(|o| is_absent_value(cx, o));
                        if absent
                            && guards_exit(cx, parent, &ancestors[..ancestors.len() - depth - 1])
                        {
                            return Some(EnvClass::Required);
                        }
                        return Some(EnvClass::Test);
                    }
                    "!==" | "!=" | "<" | ">" | "<=" | ">=" | "in" | "instanceof" => {
                        return Some(EnvClass::Test);
                    }
                    _ => return Some(EnvClass::Plain),
                }
            }
            "unary_expression" => {
                let operator = cx
                    .field(parent, "operator")
                    .map(|o| cx.text_of(o))
                    .unwrap_or_default();
                return match operator {
                    "!" if guards_exit(cx, parent, &ancestors[..ancestors.len() - depth - 1]) => {
                        Some(EnvClass::Required)
                    }
                    "!" | "typeof" | "void" => Some(EnvClass::Test),
                    "delete" => None,
                    _ => Some(EnvClass::Plain),
                };
            }
            "if_statement" | "while_statement" | "do_statement" => {
                return Some(if is_field("condition") {
                    EnvClass::Test
                } else {
                    EnvClass::Plain
                });
            }
            "ternary_expression" => {
                return Some(if is_field("condition") {
                    EnvClass::Test
                } else {
                    EnvClass::Plain
                });
            }
            "assignment_expression" => {
                return if is_field("left") {
                    None
                } else {
                    Some(EnvClass::Plain)
                };
            }
            "augmented_assignment_expression" | "update_expression" => {
                return if is_field("left") || cx.kind(parent) == "update_expression" {
                    None
                } else {
                    Some(EnvClass::Plain)
                };
            }
            "variable_declarator" => {
                let guarded = cx
                    .field(parent, "name")
                    .filter(|n| cx.kind(n) == "identifier")
                    .is_some_and(|n| {
                        let rest = &ancestors[..ancestors.len() - depth - 1];
                        guarded_after(cx, rest, cx.text_of(n))
                    });
                return Some(if guarded {
                    EnvClass::Required
                } else {
                    EnvClass::Plain
                });
            }
            "arguments" => {
                let callee = ancestors
                    .len()
                    .checked_sub(depth + 2)
                    .and_then(|i| ancestors.get(i))
                    .filter(|(c, _)| cx.kind(c) == "call_expression")
                    .and_then(|(c, _)| c.child_by_field_id(cx.fields.function))
                    .map(|f| cx.text_of(f))
                    .unwrap_or_default();
                let first = parent.named_child(0).is_some_and(|a| a.id() == child.id());
                return Some(match callee {
                    "assert" | "assert.ok" | "assert.strict" | "invariant" | "ok" if first => {
                        EnvClass::Required
                    }
                    "Boolean" => EnvClass::Test,
                    _ => EnvClass::Plain,
                });
            }
            _ => return Some(EnvClass::Plain),
        }
        child = parent;
    }
    Some(EnvClass::Plain)
}

/// `undefined`, `null`, `void 0`, `''`: what an absent variable compares equal to.
fn is_absent_value(cx: &Cx<'_>, node: Node<'_>) -> bool {
    match cx.kind(node) {
        "undefined" | "null" => true,
        "identifier" => cx.text_of(node) == "undefined",
        "string" => string_value(node, cx.text).is_some_and(|s| s.is_empty() || s == "undefined"),
        "unary_expression" => cx.text_of(node) == "void 0",
        _ => false,
    }
}

/// `throwError()`, `fail('…')`, `required('X')`, `(() => { throw … })()`: the right side
/// of `process.env.X ?? …` that fails instead of giving a value.
fn is_throwing_call(cx: &Cx<'_>, node: Node<'_>) -> bool {
    if cx.kind(node) != "call_expression" {
        return false;
    }
    let Some(function) = node.child_by_field_id(cx.fields.function) else {
        return false;
    };
    match cx.kind(function) {
        "identifier" | "member_expression" => {
            let name = cx.text_of(function);
            let last = name.rsplit('.').next().unwrap_or(name).to_ascii_lowercase();
            ["throw", "fail", "missing", "required", "panic", "abort"]
                .iter()
                .any(|w| last.contains(w))
        }
        "parenthesized_expression" => function.named_child(0).is_some_and(|f| {
            matches!(cx.kind(f), "arrow_function" | "function_expression")
                && cx
                    .field(f, "body")
                    .is_some_and(|b| cx.kind(b) == "statement_block" && exits(cx, b))
        }),
        _ => false,
    }
}

/// Whether `test` (a `!read` or `read === undefined`) is, through parentheses and `||`, the
/// condition of an `if` whose consequence throws or exits (`ancestors` ends with `test`'s
/// parent).
fn guards_exit(cx: &Cx<'_>, test: Node<'_>, ancestors: &[(Node<'_>, State)]) -> bool {
    let mut child = test;
    for (parent, _) in ancestors.iter().rev().take(MAX_CLIMB) {
        let parent = *parent;
        match cx.kind(parent) {
            "parenthesized_expression" => {}
            "binary_expression"
                if cx
                    .field(parent, "operator")
                    .is_some_and(|o| cx.text_of(o) == "||") => {}
            "if_statement" => {
                return cx.field(parent, "condition") == Some(child)
                    && cx
                        .field(parent, "consequence")
                        .is_some_and(|c| exits(cx, c));
            }
            _ => return false,
        }
        child = parent;
    }
    false
}

/// Whether a statement throws or calls `process.exit` (a block: any of its statements).
fn exits(cx: &Cx<'_>, statement: Node<'_>) -> bool {
    match cx.kind(statement) {
        "throw_statement" => true,
        "expression_statement" => statement.named_child(0).is_some_and(|e| {
            cx.kind(e) == "call_expression"
                && e.child_by_field_id(cx.fields.function)
                    .is_some_and(|f| cx.text_of(f) == "process.exit")
        }),
        "statement_block" => {
            let mut cursor = statement.walk();
            statement.named_children(&mut cursor).any(|s| {
                matches!(cx.kind(s), "throw_statement" | "expression_statement") && exits(cx, s)
            })
        }
        _ => false,
    }
}

/// Whether one of the few statements after a declaration is `if (!name) throw …` (or
/// `process.exit`), `name` alone or in an `||` chain. `ancestors` ends with the declarator's
/// parent (the `lexical_declaration`), whose parent holds the statements.
fn guarded_after(cx: &Cx<'_>, ancestors: &[(Node<'_>, State)], name: &str) -> bool {
    let Some(&(mut declaration, _)) = ancestors.last() else {
        return false;
    };
    let at = |back: usize| {
        ancestors
            .len()
            .checked_sub(back)
            .and_then(|i| ancestors.get(i))
            .map(|&(n, _)| n)
    };
    let Some(mut block) = at(2) else {
        return false;
    };
    // `export const x = process.env.X;`: the statement is the export.
    if cx.kind(block) == "export_statement" {
        let Some(parent) = at(3) else {
            return false;
        };
        declaration = block;
        block = parent;
    }
    let mut cursor = block.walk();
    let mut after = block
        .named_children(&mut cursor)
        .skip_while(|s| s.id() != declaration.id())
        .skip(1)
        .filter(|s| cx.kind(s) != "comment")
        .take(GUARD_LOOKAHEAD);
    after.any(|s| {
        cx.kind(s) == "if_statement"
            && cx.field(s, "consequence").is_some_and(|c| exits(cx, c))
            && cx
                .field(s, "condition")
                .is_some_and(|c| tests_absent(cx, c, name, 0))
    })
}

/// Whether a condition is true when `name` is absent: `!name`, `name === undefined`, `typeof
/// name === 'undefined'`, or an `||` of those.
fn tests_absent(cx: &Cx<'_>, condition: Node<'_>, name: &str, depth: usize) -> bool {
    if depth > MAX_CLIMB {
        return false;
    }
    match cx.kind(condition) {
        "parenthesized_expression" => condition
            .named_child(0)
            .is_some_and(|c| tests_absent(cx, c, name, depth + 1)),
        "unary_expression" => {
            let operator = cx.field(condition, "operator").map(|o| cx.text_of(o));
            operator == Some("!")
                && cx
                    .field(condition, "argument")
                    .is_some_and(|a| cx.text_of(a) == name)
        }
        "binary_expression" => {
            let operator = cx
                .field(condition, "operator")
                .map(|o| cx.text_of(o))
                .unwrap_or_default();
            let (Some(left), Some(right)) =
                (cx.field(condition, "left"), cx.field(condition, "right"))
            else {
                return false;
            };
            match operator {
                "||" => {
                    tests_absent(cx, left, name, depth + 1)
                        || tests_absent(cx, right, name, depth + 1)
                }
                "===" | "==" => {
                    (cx.text_of(left) == name && is_absent_value(cx, right))
                        || (cx.text_of(right) == name && is_absent_value(cx, left))
                }
                _ => false,
            }
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::typescript::parse;
    use EnvClass::{Optional, Plain, Required, Test};

    fn reads(path: &str, text: &str) -> Vec<(String, EnvClass, EnvSource)> {
        let facts = parse(path, text).unwrap();
        facts
            .env_reads
            .into_iter()
            .map(|r| (r.name, r.class, r.source))
            .collect()
    }

    /// The names and classes of a file's reads, whatever their source.
    fn classes(text: &str) -> Vec<(String, EnvClass)> {
        reads("src/x.ts", text)
            .into_iter()
            .map(|(n, c, _)| (n, c))
            .collect()
    }

    fn expect(text: &str, expected: &[(&str, EnvClass)]) {
        let expected: Vec<(String, EnvClass)> = expected
            .iter()
            .map(|(n, c)| ((*n).to_string(), *c))
            .collect();
        assert_eq!(classes(text), expected, "in:\n{text}");
    }

    #[test]
    fn process_env_reads_in_every_form() {
        expect(
            "const a = process.env.A;\nconst b = process.env['B'];\nconst c = process.env[\"C\"];\nconst d = process.env?.D;\nconst e = process?.env?.E;\nconst f = process.env[`F`];\n",
            &[
                ("A", Plain),
                ("B", Plain),
                ("C", Plain),
                ("D", Plain),
                ("E", Plain),
                ("F", Plain),
            ],
        );
        assert_eq!(
            reads(
                "src/main.tsx",
                "const url = import.meta.env.VITE_API_URL;\n"
            ),
            [("VITE_API_URL".to_string(), Plain, EnvSource::ImportMetaEnv)]
        );
        // Destructuring: a default is a fallback; a renamed key reads the key.
        expect(
            "const { X, Y = 'd', Z: z, W: w = 'e', ...rest } = process.env;\n",
            &[("X", Plain), ("Y", Optional), ("Z", Plain), ("W", Optional)],
        );
        // `NODE_ENV` and lowercase names are facts too; the rules decide what to ignore.
        expect(
            "if (process.env.NODE_ENV === 'production') {}\nconst v = process.env.npm_package_version;\n",
            &[("NODE_ENV", Test), ("npm_package_version", Plain)],
        );
    }

    #[test]
    fn computed_names_writes_and_aliases_are_not_reads() {
        expect(
            "const k = 'A';\nprocess.env[k];\nprocess.env[`X_${k}`];\nprocess.env['X_' + k];\nprocess.env.W = '1';\nprocess.env.V ??= '2';\ndelete process.env.U;\nconst env = process.env;\nconst { env: e2 } = process;\nenv.NOT_FOLLOWED;\nconst p = process.env;\nmyenv.env.X;\nprocessX.env.Y;\n",
            &[],
        );
        // Inside types nothing runs.
        expect(
            "type T = typeof process.env.A;\ndeclare global { namespace NodeJS { interface ProcessEnv { B: string } } }\n",
            &[],
        );
    }

    #[test]
    fn fallbacks_make_a_read_optional() {
        expect(
            "const a = process.env.A ?? 'x';\nconst b = process.env.B || 'x';\nconst c = (process.env.C as string) ?? 'x';\nconst d = Number(process.env.D ?? 3000);\nconst e = other ?? process.env.E ?? 'x';\nconst f = other ?? process.env.F;\n",
            &[
                ("A", Optional),
                ("B", Optional),
                ("C", Optional),
                ("D", Optional),
                ("E", Optional),
                ("F", Plain),
            ],
        );
    }

    #[test]
    fn required_shapes() {
        expect(
            r#"const a = process.env.A!;
if (!process.env.B) throw new Error('B is required');
if (!process.env.C || !process.env.D) { console.error('missing'); process.exit(1); }
const e = process.env.E;
if (!e) {
  throw new Error('E');
}
const { F, G } = process.env;
if (!F) throw new Error('F');
const h = process.env.H ?? throwError('H');
const i = process.env.I || (() => { throw new Error('I'); })();
if (process.env.J === undefined) throw new Error('J');
assert(process.env.K, 'K is required');
export const m = process.env.M;
if (!m) throw new Error('M is required');
function f() {
  const l = process.env.L;
  // a comment between
  if (typeof x === 'string' || !l) throw new Error('L');
}
"#,
            &[
                ("A", Required),
                ("B", Required),
                ("C", Required),
                ("D", Required),
                ("E", Required),
                ("F", Required),
                ("G", Plain),
                ("H", Required),
                ("I", Required),
                ("J", Required),
                ("K", Required),
                ("M", Required),
                ("L", Required),
            ],
        );
    }

    #[test]
    fn presence_tests_and_comparisons_never_require() {
        expect(
            r#"if (process.env.DEBUG) log();
const prod = process.env.NODE_ENV === 'production';
const on = process.env.FLAG !== 'false';
const t = process.env.T ? 'a' : 'b';
process.env.V && enable();
const typed = typeof process.env.W;
if (!process.env.SKIP) return;
const m = Boolean(process.env.M);
while (process.env.LOOP) {}
"#,
            &[
                ("DEBUG", Test),
                ("NODE_ENV", Test),
                ("FLAG", Test),
                ("T", Test),
                ("V", Test),
                ("W", Test),
                ("SKIP", Test),
                ("M", Test),
                ("LOOP", Test),
            ],
        );
        // A guard whose consequence does not exit is a test too.
        expect(
            "const x = process.env.X;\nif (!x) console.warn('no X');\n",
            &[("X", Plain)],
        );
    }

    #[test]
    fn plain_uses() {
        expect(
            "const url = `${process.env.HOST}:${process.env.PORT}`;\nconnect({ url: process.env.DATABASE_URL });\nconst parts = process.env.LIST.split(',');\nexport default () => process.env.RET;\nx = process.env.ASSIGNED;\n",
            &[
                ("HOST", Plain),
                ("PORT", Plain),
                ("DATABASE_URL", Plain),
                ("LIST", Plain),
                ("RET", Plain),
                ("ASSIGNED", Plain),
            ],
        );
    }

    #[test]
    fn register_as_reads_are_ordinary_reads() {
        expect(
            "import { registerAs } from '@nestjs/config';\nexport default registerAs('db', () => ({\n  url: process.env.DATABASE_URL,\n  port: parseInt(process.env.DB_PORT ?? '5432', 10),\n}));\n",
            &[("DATABASE_URL", Plain), ("DB_PORT", Optional)],
        );
    }

    #[test]
    fn config_service_reads() {
        let text = r#"@Injectable()
export class S {
  constructor(private readonly configService: ConfigService, private config: ConfigService) {}
  a() {
    const a = this.configService.get('A');
    const b = this.configService.get<string>('B', 'default');
    const c = this.configService.getOrThrow<string>('C');
    const d = this.config.get('D', { infer: true });
    const e = configService.get('E')!;
    const f = appConfig.get('F') ?? 'x';
    if (this.configService.get('G')) {}
    const path = this.configService.get('database.url');
    const lower = this.configService.get('port');
    const m = map.get('M');
    const n = this.cache.get('N');
    const o = this.configService.get(key);
    const p = this.configService.get(`P_${x}`);
  }
}
"#;
        let got = reads("src/s.ts", text);
        let expected = [
            ("A", Plain),
            ("B", Optional),
            ("C", Required),
            ("D", Plain),
            ("E", Required),
            ("F", Optional),
            ("G", Test),
        ];
        let expected: Vec<_> = expected
            .iter()
            .map(|(n, c)| ((*n).to_string(), *c, EnvSource::ConfigService))
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn zod_env_schemas() {
        let text = r#"import { z } from 'zod';
const envSchema = z.object({
  DATABASE_URL: z.string().url(),
  PORT: z.coerce.number().default(3000),
  X: z.string().optional(),
  NODE_ENV: z.enum(['development', 'production']).default('development'),
  DEBUG: z.coerce.boolean(),
  SHARED,
  lowercase: z.string(),
  'QUOTED': z.string().min(1),
});
export const env = envSchema.parse(process.env);
"#;
        let got = reads("src/env.ts", text);
        let names: Vec<_> = got.iter().map(|(n, c, _)| (n.as_str(), *c)).collect();
        assert_eq!(
            names,
            [
                ("DATABASE_URL", Required),
                ("PORT", Optional),
                ("X", Optional),
                ("NODE_ENV", Optional),
                ("DEBUG", Optional),
                ("SHARED", Plain),
                ("QUOTED", Required),
            ]
        );
        assert!(got.iter().all(|(_, _, s)| *s == EnvSource::Zod));
        // Parsed against process.env, whatever the name, and inline; `.partial()` makes
        // every key optional.
        expect(
            "const schema = z.object({ A: z.string() }).strict();\nschema.parse(process.env);\nz.object({ B: z.string() }).safeParse(process.env);\nconst config = z.object({ C: z.string() }).partial().parse(process.env);\n",
            &[("A", Required), ("B", Required), ("C", Optional)],
        );
        // A zod object that is not an env schema: not named so, not parsed against the env.
        expect(
            "const userSchema = z.object({ NAME: z.string() });\nuserSchema.parse(body);\nconst envelopeSchema = z.object({ ID: z.string() });\n",
            &[],
        );
    }

    #[test]
    fn t3_env_and_envalid() {
        expect(
            r#"export const env = createEnv({
  server: { DATABASE_URL: z.string().url(), SECRET: z.string().optional() },
  client: { NEXT_PUBLIC_URL: z.string() },
  runtimeEnv: { DATABASE_URL: process.env.DATABASE_URL },
});
"#,
            &[
                ("DATABASE_URL", Required),
                ("SECRET", Optional),
                ("NEXT_PUBLIC_URL", Required),
                ("DATABASE_URL", Plain),
            ],
        );
        // With `skipValidation`, nothing is enforced.
        expect(
            "createEnv({ server: { A: z.string() }, skipValidation: !!process.env.SKIP });\n",
            &[("A", Plain), ("SKIP", Test)],
        );
        let got = reads(
            "src/env.ts",
            "const env = cleanEnv(process.env, {\n  A: str(),\n  B: str({ default: 'b' }),\n  C: port({ devDefault: 3000 }),\n  D: url({ desc: 'x' }),\n  E: custom,\n});\n",
        );
        assert_eq!(
            got,
            [
                ("A".to_string(), Required, EnvSource::Envalid),
                ("B".to_string(), Optional, EnvSource::Envalid),
                ("C".to_string(), Optional, EnvSource::Envalid),
                ("D".to_string(), Required, EnvSource::Envalid),
                ("E".to_string(), Plain, EnvSource::Envalid),
            ]
        );
        // `cleanEnv` of something else is not the environment.
        expect("cleanEnv(other, { A: str() });\n", &[]);
    }

    #[test]
    fn joi_validation_schemas() {
        let text = r#"@Module({
  imports: [
    ConfigModule.forRoot({
      validationSchema: Joi.object({
        DATABASE_URL: Joi.string().required(),
        PORT: Joi.number().default(3000),
        LOG_LEVEL: Joi.string(),
        R: Joi.string().required().default('x'),
      }),
    }),
  ],
})
export class AppModule {}
"#;
        let got = reads("src/app.module.ts", text);
        let names: Vec<_> = got.iter().map(|(n, c, _)| (n.as_str(), *c)).collect();
        assert_eq!(
            names,
            [
                ("DATABASE_URL", Required),
                ("PORT", Optional),
                ("LOG_LEVEL", Optional),
                ("R", Optional),
            ]
        );
        assert!(got.iter().all(|(_, _, s)| *s == EnvSource::Joi));
        expect(
            "export const configValidationSchema = Joi.object({ A: Joi.string().required() });\nconst validationSchema = Joi.object().keys({ B: Joi.string().required() });\nConfigModule.forRoot({ validationSchema });\nconst bodySchema = Joi.object({ C: Joi.string().required() });\n",
            &[("A", Required)],
        );
        // The shorthand `validationSchema` names the binding: read at the end of the file.
        expect(
            "const schema = Joi.object().keys({ B: Joi.string().required() });\nConfigModule.forRoot({ validationSchema: schema });\n",
            &[("B", Required)],
        );
    }

    #[test]
    fn class_validator_env_classes() {
        let text = r#"class EnvironmentVariables {
  @IsEnum(Environment)
  NODE_ENV: Environment;

  @IsString() @IsNotEmpty()
  DATABASE_URL: string;

  @IsOptional() @IsNumber()
  PORT: number;

  @IsString()
  HOST?: string;

  @IsNumber()
  TIMEOUT: number = 30;

  @Type(() => Number)
  RAW: number;

  helper(): void {}
}
export function validate(config: Record<string, unknown>) {
  const validated = plainToInstance(EnvironmentVariables, config, { enableImplicitConversion: true });
  return validated;
}
"#;
        let got = reads("src/env.validation.ts", text);
        let names: Vec<_> = got.iter().map(|(n, c, _)| (n.as_str(), *c)).collect();
        assert_eq!(
            names,
            [
                ("NODE_ENV", Required),
                ("DATABASE_URL", Required),
                ("PORT", Optional),
                ("HOST", Optional),
                ("TIMEOUT", Optional),
                ("RAW", Plain),
            ]
        );
        assert!(got.iter().all(|(_, _, s)| *s == EnvSource::ClassValidator));
        // Used with plainToInstance under another name.
        expect(
            "class Settings { @IsString() A: string; }\nplainToInstance(Settings, config);\n",
            &[("A", Required)],
        );
        // A DTO is not an env class; an `Env` class without validation decorators is not a
        // schema.
        expect(
            "class CreateUserDto { @IsString() NAME: string; }\nclass Env { A: string; }\n",
            &[],
        );
    }

    #[test]
    fn broken_and_empty_input_never_panics() {
        for text in [
            "",
            "process.env.",
            "process.env[",
            "const { A = } = process.env",
            "if (!process.env.A) throw",
            "configService.get(",
            "z.object({ A: z.string( }).parse(process.env",
            "class Env { @IsString() A",
            "cleanEnv(process.env, { A: str(",
            "createEnv({ server: { A: z.",
        ] {
            let _ = parse("src/x.ts", text);
        }
    }

    #[test]
    fn env_names() {
        assert!(is_env_name("DATABASE_URL"));
        assert!(is_env_name("_X1"));
        assert!(!is_env_name("database.url"));
        assert!(!is_env_name("1X"));
        assert!(!is_env_name("Port"));
        assert!(!is_env_name(""));
        assert!(names_env("envSchema"));
        assert!(names_env("EnvSchema"));
        assert!(names_env("env"));
        assert!(names_env("ENV_SCHEMA"));
        assert!(names_env("environmentSchema"));
        assert!(!names_env("envelopeSchema"));
        assert!(!names_env("inventory"));
        assert!(names_config_schema("configValidationSchema"));
        assert!(!names_config_schema("validationSchema"));
        assert!(names_env_class("EnvironmentVariables"));
        assert!(names_env_class("EnvVars"));
        assert!(names_env_class("AppEnv"));
    }
}
