//! Structured output: JSON objects that match a schema, generated or streamed.
//!
//! See `docs/objects.md`.

mod partial;
mod validate;

pub use partial::{PartialJsonParser, DEFAULT_MAX_OBJECT_BYTES};
pub use validate::{
    ignored_keywords, json_equal, validate, ValidationError, MAX_VALIDATION_ERRORS,
};
