//! `compose/`: docker-compose files against the repository and the code behind each service.

pub mod obsolete_version;
