//! The decorators whose arguments the NestJS model reads. The TypeScript walk converts the
//! arguments of these only (exact name match on the decorator's callee); any other decorator
//! (`@Component`, `@Entity`, `@ApiProperty`, …) is kept as its name, which is all the model
//! needs of it (a decorated class has metadata). Angular components alone would otherwise
//! cost tens of megabytes of expression trees in a large monorepo.

use super::Entry;

const COMMON: &str = "@nestjs/common, read from its dist/decorators/";

pub(crate) const NEST_DECORATORS: &[Entry] = &[
    Entry {
        name: "Module",
        reason: "imports, providers, controllers, exports",
        source: COMMON,
    },
    Entry {
        name: "Injectable",
        reason: "a provider class (its options are not read, but kept small)",
        source: COMMON,
    },
    Entry {
        name: "Controller",
        reason: "the route prefix, for health routes",
        source: COMMON,
    },
    Entry {
        name: "UseGuards",
        reason: "enhancers resolved in the controller's module",
        source: COMMON,
    },
    Entry {
        name: "UseInterceptors",
        reason: "enhancers resolved in the controller's module",
        source: COMMON,
    },
    Entry {
        name: "UsePipes",
        reason: "enhancers resolved in the controller's module",
        source: COMMON,
    },
    Entry {
        name: "UseFilters",
        reason: "enhancers resolved in the controller's module",
        source: COMMON,
    },
    Entry {
        name: "Get",
        reason: "route paths, for health routes and the route table",
        source: COMMON,
    },
    Entry {
        name: "Head",
        reason: "route paths, for health routes and the route table",
        source: COMMON,
    },
    Entry {
        name: "All",
        reason: "route paths, for health routes and the route table",
        source: COMMON,
    },
    Entry {
        name: "Post",
        reason: "route paths, for health routes and the route table",
        source: COMMON,
    },
    Entry {
        name: "Put",
        reason: "route paths, for the route table",
        source: COMMON,
    },
    Entry {
        name: "Patch",
        reason: "route paths, for the route table",
        source: COMMON,
    },
    Entry {
        name: "Delete",
        reason: "route paths, for the route table",
        source: COMMON,
    },
    Entry {
        name: "Options",
        reason: "route paths, for the route table",
        source: COMMON,
    },
    Entry {
        name: "Search",
        reason: "route paths, for the route table",
        source: COMMON,
    },
    Entry {
        name: "Sse",
        reason: "a GET route path (server-sent events), for the route table",
        source: COMMON,
    },
    Entry {
        name: "Version",
        reason: "the route version, for URI versioning in the route table",
        source: COMMON,
    },
    Entry {
        name: "Inject",
        reason: "the token of a constructor parameter",
        source: COMMON,
    },
    Entry {
        name: "Body",
        reason: "pipes named by class resolve in the controller's module",
        source: COMMON,
    },
    Entry {
        name: "Param",
        reason: "pipes named by class resolve in the controller's module",
        source: COMMON,
    },
    Entry {
        name: "Query",
        reason: "pipes named by class resolve in the controller's module",
        source: COMMON,
    },
    Entry {
        name: "Headers",
        reason: "pipes named by class resolve in the controller's module",
        source: COMMON,
    },
    Entry {
        name: "UploadedFile",
        reason: "pipes named by class resolve in the controller's module",
        source: COMMON,
    },
    Entry {
        name: "UploadedFiles",
        reason: "pipes named by class resolve in the controller's module",
        source: COMMON,
    },
    Entry {
        name: "InjectRepository",
        reason: "the repository token (getRepositoryToken)",
        source: "@nestjs/typeorm dist/common/typeorm.decorators.js",
    },
    Entry {
        name: "InjectModel",
        reason: "the model token (getModelToken)",
        source: "@nestjs/mongoose and @nestjs/sequelize dist/common/*.decorators.js",
    },
    Entry {
        name: "InjectQueue",
        reason: "the queue token (getQueueToken)",
        source: "@nestjs/bull-shared dist/utils/get-queue-token.util.js",
    },
];
