//! snake_case JSON (the core's serde shapes) → camelCase JSON (what JavaScript users get).
//!
//! Only the structural keys are renamed. Values the user or the provider owns — tool inputs and
//! outputs, provider metadata and options, headers, JSON schemas, raw chunks — keep their keys
//! exactly as they are.

use serde_json::{Map, Value};

/// Keys whose values are passed through untouched (already in camelCase form where relevant).
const OPAQUE: [&str; 10] = [
    "input",
    "object",
    "element",
    "output",
    "raw_value",
    "provider_metadata",
    "provider_options",
    "headers",
    "schema",
    "input_schema",
];

/// `cache_read_tokens` → `cacheReadTokens`. Keys without `_` come back unchanged.
pub fn camel_key(key: &str) -> String {
    if !key.contains('_') {
        return key.to_owned();
    }
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for ch in key.chars() {
        if ch == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.extend(ch.to_uppercase());
            upper = false;
        } else {
            out.push(ch);
        }
    }
    out
}

/// Rename the structural keys of `value` to camelCase, in place of a copy.
pub fn to_camel(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::with_capacity(map.len());
            for (key, v) in map {
                let v = if OPAQUE.contains(&key.as_str()) {
                    v
                } else {
                    to_camel(v)
                };
                out.insert(camel_key(&key), v);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(to_camel).collect()),
        other => other,
    }
}

/// `cacheReadTokens` → `cache_read_tokens`.
pub fn snake_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for ch in key.chars() {
        if ch.is_ascii_uppercase() {
            out.push('_');
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// The inverse of [`to_camel`]: camelCase structural keys back to the core's snake_case, the
/// same [`OPAQUE`] values untouched. Used for values JavaScript hands back (events to encode,
/// repaired tool calls).
pub fn to_snake(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::with_capacity(map.len());
            for (key, v) in map {
                let name = snake_key(&key);
                let v = if OPAQUE.contains(&name.as_str()) {
                    v
                } else {
                    to_snake(v)
                };
                out.insert(name, v);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(to_snake).collect()),
        other => other,
    }
}

/// Serialize `value` as camelCase JSON text.
pub fn camel_json<T: serde::Serialize>(value: &T) -> ditto_llm::Result<String> {
    let v = serde_json::to_value(value)
        .map_err(|e| ditto_llm::Error::internal(format!("cannot serialize a result: {e}")))?;
    Ok(to_camel(v).to_string())
}

#[cfg(test)]
#[path = "case_tests.rs"]
mod tests;
