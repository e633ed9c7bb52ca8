//! Configuration: schema, `${ENV}` expansion, validation, the embedded default.

pub mod default;
pub mod env;
mod load;
pub mod schema;
pub mod time;
mod validate;

pub use load::{load_file, parse_str, ConfigError};
pub use schema::*;
pub use validate::{glob_match, provider_kind};
