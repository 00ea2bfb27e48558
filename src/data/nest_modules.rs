//! The NestJS library modules whose exports seaworthy knows, one entry per module form (the
//! class imported as is, or one of its static methods), read from each package's `dist/`
//! (`../shared/research/nestjs-di.md` §2 lists the versions). `model::nest` looks an imported
//! module up by package, class and method; a library module that is not here may provide
//! anything, so it never causes a finding.
//!
//! Tokens are written as the name the package exports (`ConfigService`), or as
//! `package:Name` when the class comes from another package (`typeorm:DataSource`).

/// Whether importing the module makes its exports visible everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Global {
    No,
    Yes,
    /// Global when the first argument's option `key` is true (`default` when absent). An
    /// option seaworthy cannot read (a variable) counts as global: a miss, not a false alarm.
    Option {
        key: &'static str,
        default: bool,
    },
}

/// Tokens a module form provides beyond its fixed exports, derived from its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Derived {
    None,
    /// `TypeOrmModule.forFeature([User], 'conn')`: `conn_UserRepository` per entity
    /// (`getRepositoryToken`, typeorm.utils.js); `@InjectRepository(User)` asks for it.
    TypeOrmRepositories,
    /// `MongooseModule.forFeature([{ name: 'Cat' }])`: `CatModel` (`getModelToken`,
    /// mongoose.utils.js); `@InjectModel('Cat')` asks for it.
    MongooseModels,
    /// `SequelizeModule.forFeature([User])`: `UserRepository` (sequelize.utils.js);
    /// `@InjectModel(User)` asks for it.
    SequelizeModels,
    /// `BullModule.registerQueue({ name: 'mail' }, …)`: `BullQueue_mail`
    /// (`getQueueToken`, bull-shared); `@InjectQueue('mail')` asks for it.
    BullQueues,
    /// `ClientsModule.register([{ name: 'MATH' }])`: the `name` (string or symbol) of each
    /// client (clients.module.js).
    Clients,
    /// Exports nothing seaworthy models: the module may provide anything.
    Opaque,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LibraryModule {
    /// The packages that export the class.
    pub(crate) packages: &'static [&'static str],
    pub(crate) class: &'static str,
    /// The static methods this form covers; empty for the class imported as is.
    pub(crate) methods: &'static [&'static str],
    pub(crate) exports: &'static [&'static str],
    pub(crate) global: Global,
    pub(crate) derived: Derived,
    pub(crate) reason: &'static str,
    pub(crate) source: &'static str,
}

/// Tokens every module context can resolve: per-module core providers and the exports of
/// the global `InternalCoreModule` (`module.js: addCoreProviders`,
/// `injector/internal-core-module/*.js`).
pub(crate) const CORE_TOKENS: &[&str] = &[
    "ModuleRef",
    "ApplicationConfig",
    "Reflector",
    "REQUEST",
    "INQUIRER",
    "HttpAdapterHost",
    "ModulesContainer",
    "LazyModuleLoader",
    "ExternalContextCreator",
    "SerializedGraph",
];

/// The package the core tokens come from.
pub(crate) const CORE_PACKAGE: &str = "@nestjs/core";

const TERMINUS_EXPORTS: &[&str] = &[
    "HealthIndicatorService",
    "HealthCheckService",
    "TypeOrmHealthIndicator",
    "HttpHealthIndicator",
    "MongooseHealthIndicator",
    "SequelizeHealthIndicator",
    "DiskHealthIndicator",
    "MemoryHealthIndicator",
    "MicroserviceHealthIndicator",
    "GRPCHealthIndicator",
    "MikroOrmHealthIndicator",
    "PrismaHealthIndicator",
];

const CQRS_EXPORTS: &[&str] = &[
    "CommandBus",
    "QueryBus",
    "EventBus",
    "UnhandledExceptionBus",
    "EventPublisher",
];

pub(crate) const LIBRARY_MODULES: &[LibraryModule] = &[
    LibraryModule {
        packages: &["@nestjs/config"],
        class: "ConfigModule",
        methods: &[],
        exports: &["ConfigService"],
        global: Global::No,
        derived: Derived::None,
        reason: "ConfigService is an alias provider of ConfigModule; the global ConfigHostModule exports only the CONFIGURATION tokens",
        source: "@nestjs/config 12.0.1 dist/config.module.js, config-host.module.js",
    },
    LibraryModule {
        packages: &["@nestjs/config"],
        class: "ConfigModule",
        methods: &["forRoot"],
        exports: &["ConfigService"],
        global: Global::Option {
            key: "isGlobal",
            default: false,
        },
        derived: Derived::None,
        reason: "forRoot returns { global: options.isGlobal, providers, exports: [ConfigService, …load tokens] }",
        source: "@nestjs/config 12.0.1 dist/config.module.js",
    },
    LibraryModule {
        packages: &["@nestjs/config"],
        class: "ConfigModule",
        methods: &["forFeature"],
        exports: &["ConfigService"],
        global: Global::No,
        derived: Derived::None,
        reason: "forFeature exports ConfigService and the factory's KEY",
        source: "@nestjs/config 12.0.1 dist/config.module.js",
    },
    LibraryModule {
        packages: &["@nestjs/jwt"],
        class: "JwtModule",
        methods: &["", "register", "registerAsync"],
        exports: &["JwtService"],
        global: Global::Option {
            key: "global",
            default: false,
        },
        derived: Derived::None,
        reason: "JwtModule exports JwtService; register/registerAsync set global from options.global",
        source: "@nestjs/jwt 12.0.2 dist/jwt.module.js",
    },
    LibraryModule {
        packages: &["@nestjs/passport"],
        class: "PassportModule",
        methods: &["", "register", "registerAsync"],
        exports: &["AuthModuleOptions"],
        global: Global::No,
        derived: Derived::None,
        reason: "strategies are providers of the host module, not of PassportModule",
        source: "@nestjs/passport 12.0.0 dist/passport.module.js",
    },
    LibraryModule {
        packages: &["@nestjs/typeorm"],
        class: "TypeOrmModule",
        methods: &["forRoot", "forRootAsync"],
        exports: &[
            "typeorm:DataSource",
            "typeorm:EntityManager",
            "typeorm:Connection",
        ],
        global: Global::Yes,
        derived: Derived::None,
        reason: "the core module TypeOrmCoreModule is @Global and exports the data source and entity manager",
        source: "@nestjs/typeorm 12.0.2 dist/typeorm-core.module.js",
    },
    LibraryModule {
        packages: &["@nestjs/typeorm"],
        class: "TypeOrmModule",
        methods: &["forFeature"],
        exports: &[],
        global: Global::No,
        derived: Derived::TypeOrmRepositories,
        reason: "one repository token per entity, visible only where this forFeature is imported",
        source: "@nestjs/typeorm 12.0.2 dist/typeorm.module.js, common/typeorm.utils.js",
    },
    LibraryModule {
        packages: &["@nestjs/mongoose"],
        class: "MongooseModule",
        methods: &["forRoot", "forRootAsync"],
        exports: &[],
        global: Global::Yes,
        derived: Derived::None,
        reason: "MongooseCoreModule is @Global and exports the connection token",
        source: "@nestjs/mongoose 12.0.0 dist/mongoose-core.module.js",
    },
    LibraryModule {
        packages: &["@nestjs/mongoose"],
        class: "MongooseModule",
        methods: &["forFeature", "forFeatureAsync"],
        exports: &[],
        global: Global::No,
        derived: Derived::MongooseModels,
        reason: "one <name>Model token per model definition",
        source: "@nestjs/mongoose 12.0.0 dist/mongoose.module.js, common/mongoose.utils.js",
    },
    LibraryModule {
        packages: &["@nestjs/sequelize"],
        class: "SequelizeModule",
        methods: &["forRoot", "forRootAsync"],
        exports: &[],
        global: Global::Yes,
        derived: Derived::None,
        reason: "SequelizeCoreModule is @Global and exports the connection",
        source: "@nestjs/sequelize dist/sequelize-core.module.js",
    },
    LibraryModule {
        packages: &["@nestjs/sequelize"],
        class: "SequelizeModule",
        methods: &["forFeature"],
        exports: &[],
        global: Global::No,
        derived: Derived::SequelizeModels,
        reason: "one <Model>Repository token per model",
        source: "@nestjs/sequelize dist/sequelize.module.js, common/sequelize.utils.js",
    },
    LibraryModule {
        packages: &["@nestjs/bull", "@nestjs/bullmq"],
        class: "BullModule",
        methods: &["forRoot", "forRootAsync"],
        exports: &[],
        global: Global::Yes,
        derived: Derived::None,
        reason: "forRoot registers the shared configuration globally",
        source: "@nestjs/bull 12.0.0, @nestjs/bullmq 12.0.0 dist/bull.module.js",
    },
    LibraryModule {
        packages: &["@nestjs/bull", "@nestjs/bullmq"],
        class: "BullModule",
        methods: &["registerQueue", "registerQueueAsync"],
        exports: &[],
        global: Global::No,
        derived: Derived::BullQueues,
        reason: "one BullQueue_<name> token per queue",
        source: "@nestjs/bull-shared dist/utils/get-queue-token.util.js",
    },
    LibraryModule {
        packages: &["@nestjs/terminus"],
        class: "TerminusModule",
        methods: &["", "forRoot", "forRootAsync"],
        exports: TERMINUS_EXPORTS,
        global: Global::No,
        derived: Derived::None,
        reason: "TerminusModule exports HealthCheckService, HealthIndicatorService and every indicator",
        source: "@nestjs/terminus 12.1.0 dist/terminus.module.js; tag 11.1.1 lib/terminus.module.ts",
    },
    LibraryModule {
        packages: &["@nestjs/axios"],
        class: "HttpModule",
        methods: &["", "register", "registerAsync"],
        exports: &["HttpService"],
        global: Global::Option {
            key: "global",
            default: false,
        },
        derived: Derived::None,
        reason: "HttpModule exports HttpService; register sets global from the config",
        source: "@nestjs/axios 12.0.1 dist/http.module.js",
    },
    LibraryModule {
        packages: &["@nestjs/microservices"],
        class: "ClientsModule",
        methods: &["register", "registerAsync"],
        exports: &[],
        global: Global::Option {
            key: "isGlobal",
            default: false,
        },
        derived: Derived::Clients,
        reason: "one ClientProxy token per client name",
        source: "@nestjs/microservices 12.1.1 dist/module/clients.module.js",
    },
    LibraryModule {
        packages: &["@nestjs/schedule"],
        class: "ScheduleModule",
        methods: &["forRoot"],
        exports: &["SchedulerRegistry"],
        global: Global::Yes,
        derived: Derived::None,
        reason: "forRoot returns a global module exporting SchedulerRegistry",
        source: "@nestjs/schedule 12.0.2 dist/schedule.module.js",
    },
    LibraryModule {
        packages: &["@nestjs/event-emitter"],
        class: "EventEmitterModule",
        methods: &["forRoot"],
        exports: &[
            "EventEmitter2",
            "eventemitter2:EventEmitter2",
            "EventEmitterReadinessWatcher",
        ],
        global: Global::Option {
            key: "global",
            default: true,
        },
        derived: Derived::None,
        reason: "forRoot is global unless options.global is false",
        source: "@nestjs/event-emitter 12.0.1 dist/event-emitter.module.js",
    },
    LibraryModule {
        packages: &["@nestjs/cache-manager"],
        class: "CacheModule",
        methods: &["", "register", "registerAsync"],
        exports: &["CACHE_MANAGER"],
        global: Global::Option {
            key: "isGlobal",
            default: false,
        },
        derived: Derived::None,
        reason: "CacheModule exports CACHE_MANAGER; register sets global from isGlobal",
        source: "@nestjs/cache-manager 12.0.0 dist/cache.module.js",
    },
    LibraryModule {
        packages: &["@nestjs/throttler"],
        class: "ThrottlerModule",
        methods: &["forRoot", "forRootAsync"],
        exports: &[],
        global: Global::Yes,
        derived: Derived::None,
        reason: "ThrottlerModule is a @Global() class; its guard is usually an APP_GUARD",
        source: "@nestjs/throttler 6.7.1 dist/throttler.module.js",
    },
    LibraryModule {
        packages: &["@nestjs/cqrs"],
        class: "CqrsModule",
        methods: &[""],
        exports: CQRS_EXPORTS,
        global: Global::No,
        derived: Derived::None,
        reason: "a plain import of CqrsModule is not global",
        source: "@nestjs/cqrs 12.0.0 dist/cqrs.module.js",
    },
    LibraryModule {
        packages: &["@nestjs/cqrs"],
        class: "CqrsModule",
        methods: &["forRoot"],
        exports: CQRS_EXPORTS,
        global: Global::Yes,
        derived: Derived::None,
        reason: "forRoot returns { global: true }",
        source: "@nestjs/cqrs 12.0.0 dist/cqrs.module.js",
    },
    LibraryModule {
        packages: &["@nestjs/graphql"],
        class: "GraphQLModule",
        methods: &["forRoot", "forRootAsync"],
        exports: &[],
        global: Global::No,
        derived: Derived::Opaque,
        reason: "the driver decides what GraphQLModule provides; seaworthy does not model it",
        source: "@nestjs/graphql dist/graphql.module.js",
    },
    LibraryModule {
        packages: &["@nestjs/core"],
        class: "DiscoveryModule",
        methods: &[""],
        exports: &["DiscoveryService", "MetadataScanner"],
        global: Global::No,
        derived: Derived::None,
        reason: "DiscoveryService and MetadataScanner are not core providers",
        source: "@nestjs/core 12.5.1 discovery/discovery-module.js",
    },
];

/// The entry for `Class.method` (`""` for the class itself) imported from `package`.
pub(crate) fn library_module(
    package: &str,
    class: &str,
    method: &str,
) -> Option<&'static LibraryModule> {
    LIBRARY_MODULES.iter().find(|m| {
        m.class == class
            && m.packages.contains(&package)
            && (m.methods.contains(&method) || (method.is_empty() && m.methods.is_empty()))
    })
}

/// Whether seaworthy knows which module provides `name` from `package` (a token a table
/// module exports, or a core token). Tokens of other packages are not judged.
pub(crate) fn is_known_token(package: &str, name: &str) -> bool {
    (package == CORE_PACKAGE && CORE_TOKENS.contains(&name))
        || LIBRARY_MODULES.iter().any(|m| {
            m.exports.iter().any(|t| match t.split_once(':') {
                Some((p, n)) => p == package && n == name,
                None => m.packages.contains(&package) && *t == name,
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_module_form_is_listed_once() {
        let mut seen = std::collections::BTreeSet::new();
        for m in LIBRARY_MODULES {
            let methods: &[&str] = if m.methods.is_empty() {
                &[""]
            } else {
                m.methods
            };
            for package in m.packages {
                for method in methods {
                    assert!(
                        seen.insert((*package, m.class, *method)),
                        "{package} {}.{method} is listed twice",
                        m.class
                    );
                }
            }
            assert!(!m.reason.is_empty() && !m.source.is_empty());
        }
        assert!(library_module("@nestjs/config", "ConfigModule", "forRoot").is_some());
        assert!(library_module("@nestjs/config", "ConfigModule", "").is_some());
        assert!(library_module("@nestjs/config", "ConfigModule", "forRootAsync").is_none());
        assert!(library_module("@nestjs/bullmq", "BullModule", "registerQueue").is_some());
        assert!(is_known_token("typeorm", "DataSource"));
        assert!(is_known_token("@nestjs/core", "ModuleRef"));
        assert!(!is_known_token("@nestjs/core", "NestFactory"));
    }
}
