//! Structured output: JSON objects that match a schema, generated or streamed.
//!
//! - [`generate_object`] / [`stream_object`] run an [`ObjectRequest`]: `object`, `array`
//!   (elements streamed one by one), `enum` or `no-schema` output, asked for in `auto`
//!   (provider-native), `json` or `tool` mode.
//! - [`PartialJsonParser`] turns a growing JSON text into best-effort partial values.
//! - [`validate`] checks a value against a JSON Schema subset.
//! - Output that is not valid fails with [`crate::ErrorKind::NoObjectGenerated`], after an
//!   optional [`ObjectRepair`] hook had its chance.
//!
//! See `docs/objects.md`.

mod finalize;
mod generate;
mod partial;
mod request;
mod stream;
#[cfg(test)]
mod test_text;
mod validate;

pub use finalize::ObjectRepair;
pub use generate::{generate_object, GenerateObjectResult};
pub use partial::{PartialJsonParser, DEFAULT_MAX_OBJECT_BYTES, MAX_DEPTH, SNAPSHOT_EVERY_BYTES};
pub use request::{ObjectMode, ObjectOutput, ObjectRequest, JSON_TOOL_NAME};
pub use stream::{stream_object, ObjectStream, ObjectStreamEvent};
pub use validate::{
    ignored_keywords, json_equal, validate, ValidationError, MAX_VALIDATION_ERRORS,
};
