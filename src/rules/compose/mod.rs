//! `compose/`: docker-compose files against the repository and the code behind each service.

pub(crate) mod obsolete_version;
