//! [`validate`]: a small JSON Schema validator (a draft 2020-12 subset) for model output.
//!
//! Supported: boolean schemas, `type` (one or a list; `integer` accepts `1.0`), `enum`,
//! `const`, `properties`, `required`, `additionalProperties`, `minProperties`,
//! `maxProperties`, `items` (a schema, or a list as in draft 4–7), `prefixItems`, `minItems`,
//! `maxItems`, `uniqueItems`, `minLength` / `maxLength` (in code points), `minimum`,
//! `maximum`, `exclusiveMinimum`, `exclusiveMaximum` (numbers, or the draft 4 booleans),
//! `multipleOf`, `anyOf`, `oneOf`, `allOf`, `not`, and local `$ref` (`#`, `#/$defs/...`,
//! `#/definitions/...`, any JSON pointer into the root schema).
//!
//! Not checked (see [`ignored_keywords`]): `pattern` and `patternProperties` (the crate has no
//! regex engine), `format`, and every other keyword. Numbers compare by value (`1 == 1.0`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// At most this many errors are collected.
pub const MAX_VALIDATION_ERRORS: usize = 64;

/// Deepest schema recursion (through `$ref`, combinators and nesting) before validation stops.
const MAX_SCHEMA_DEPTH: usize = 256;

/// Keywords the validator recognises but does not check.
const IGNORED_KEYWORDS: [&str; 3] = ["pattern", "patternProperties", "format"];

/// One way a value fails its schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationError {
    /// JSON Pointer to the failing part of the value (`""` is the whole value).
    pub path: String,
    /// The schema keyword that failed (`"type"`, `"required"`, ...).
    pub keyword: String,
    /// What is wrong, for people.
    pub message: String,
}

impl std::fmt::Display for ValidationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        write!(f, "{path}: {}", self.message)
    }
}

/// Check `value` against the JSON Schema `schema`. `Err` holds every failure found (at most
/// [`MAX_VALIDATION_ERRORS`]), in document order.
///
/// ```
/// use ditto_llm::object::validate;
/// use serde_json::json;
///
/// let schema = json!({"type": "object", "properties": {"n": {"type": "integer", "minimum": 1}},
///                     "required": ["n"]});
/// assert!(validate(&schema, &json!({"n": 2})).is_ok());
/// let errors = validate(&schema, &json!({"n": 0})).unwrap_err();
/// assert_eq!(errors[0].path, "/n");
/// assert_eq!(errors[0].keyword, "minimum");
/// ```
pub fn validate(schema: &Value, value: &Value) -> Result<(), Vec<ValidationError>> {
    let mut v = Validator {
        root: schema,
        errors: Vec::new(),
    };
    let mut path = String::new();
    v.check(schema, value, &mut path, 0);
    if v.errors.is_empty() {
        Ok(())
    } else {
        Err(v.errors)
    }
}

/// The keywords in `schema` (searched recursively) that [`validate`] does not check, sorted and
/// without duplicates — e.g. to warn that `pattern` was not enforced.
pub fn ignored_keywords(schema: &Value) -> Vec<String> {
    fn walk(s: &Value, out: &mut Vec<String>, depth: usize) {
        if depth > MAX_SCHEMA_DEPTH {
            return;
        }
        match s {
            Value::Object(m) => {
                for (k, v) in m {
                    if IGNORED_KEYWORDS.contains(&k.as_str()) && !out.contains(k) {
                        out.push(k.clone());
                    }
                    // `properties` / `$defs` map names to schemas: their keys are not keywords.
                    if matches!(k.as_str(), "properties" | "$defs" | "definitions") {
                        if let Value::Object(children) = v {
                            children.values().for_each(|c| walk(c, out, depth + 1));
                        }
                    } else if !matches!(k.as_str(), "enum" | "const" | "default" | "examples") {
                        walk(v, out, depth + 1);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|c| walk(c, out, depth + 1)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(schema, &mut out, 0);
    out.sort();
    out
}

/// JSON equality where numbers compare by value (`1 == 1.0`).
pub fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => match (x.as_u64(), y.as_u64()) {
                (Some(x), Some(y)) => x == y,
                _ => x.as_f64() == y.as_f64(),
            },
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

struct Validator<'a> {
    root: &'a Value,
    errors: Vec<ValidationError>,
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn is_type(v: &Value, ty: &str) -> bool {
    match (ty, v) {
        ("null", Value::Null) | ("boolean", Value::Bool(_)) => true,
        ("number", Value::Number(_)) | ("string", Value::String(_)) => true,
        ("array", Value::Array(_)) | ("object", Value::Object(_)) => true,
        ("integer", Value::Number(n)) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => false,
    }
}

/// Append `/token` (escaped as a JSON Pointer) to `path`; returns the old length.
fn push_path(path: &mut String, token: &str) -> usize {
    let len = path.len();
    path.push('/');
    for c in token.chars() {
        match c {
            '~' => path.push_str("~0"),
            '/' => path.push_str("~1"),
            c => path.push(c),
        }
    }
    len
}

fn resolve<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    if pointer.is_empty() {
        return Some(root);
    }
    root.pointer(pointer)
}

impl<'a> Validator<'a> {
    fn error(&mut self, path: &str, keyword: &str, message: String) {
        if self.errors.len() < MAX_VALIDATION_ERRORS {
            self.errors.push(ValidationError {
                path: path.to_owned(),
                keyword: keyword.to_owned(),
                message,
            });
        }
    }

    /// Validate in a scratch validator: true when `value` passes `schema`.
    fn passes(&self, schema: &Value, value: &Value, path: &mut String, depth: usize) -> bool {
        let mut sub = Validator {
            root: self.root,
            errors: Vec::new(),
        };
        sub.check(schema, value, path, depth);
        sub.errors.is_empty()
    }

    fn check(&mut self, schema: &'a Value, value: &Value, path: &mut String, depth: usize) {
        if depth > MAX_SCHEMA_DEPTH {
            self.error(
                path,
                "$ref",
                "the schema nests or recurses too deeply".into(),
            );
            return;
        }
        let s = match schema {
            Value::Bool(true) => return,
            Value::Bool(false) => {
                return self.error(path, "false", "no value is allowed here".into());
            }
            Value::Object(s) => s,
            _ => return, // not a schema: accept, like an empty one
        };
        if let Some(r) = s.get("$ref").and_then(Value::as_str) {
            match resolve(self.root, r) {
                Some(target) => self.check(target, value, path, depth + 1),
                None => self.error(path, "$ref", format!("cannot resolve `{r}`")),
            }
        }
        self.check_type(s, value, path);
        if let Some(options) = s.get("enum").and_then(Value::as_array) {
            if !options.iter().any(|o| json_equal(o, value)) {
                let list = serde_json::to_string(options).unwrap_or_default();
                self.error(path, "enum", format!("must be one of {list}"));
            }
        }
        if let Some(c) = s.get("const") {
            if !json_equal(c, value) {
                self.error(path, "const", format!("must be {c}"));
            }
        }
        match value {
            Value::Object(m) => self.check_object(s, m, path, depth),
            Value::Array(items) => self.check_array(s, items, path, depth),
            Value::String(text) => self.check_string(s, text, path),
            Value::Number(n) => self.check_number(s, n, path),
            _ => {}
        }
        self.check_combinators(s, value, path, depth);
    }

    fn check_type(&mut self, s: &Map<String, Value>, value: &Value, path: &str) {
        let ok = match s.get("type") {
            Some(Value::String(t)) => is_type(value, t),
            Some(Value::Array(ts)) => ts
                .iter()
                .any(|t| t.as_str().is_some_and(|t| is_type(value, t))),
            _ => return,
        };
        if !ok {
            let want = match &s["type"] {
                Value::String(t) => t.clone(),
                other => other.to_string(),
            };
            self.error(
                path,
                "type",
                format!("expected {want}, got {}", type_name(value)),
            );
        }
    }

    fn check_object(
        &mut self,
        s: &'a Map<String, Value>,
        m: &Map<String, Value>,
        path: &mut String,
        depth: usize,
    ) {
        if let Some(required) = s.get("required").and_then(Value::as_array) {
            for name in required.iter().filter_map(Value::as_str) {
                if !m.contains_key(name) {
                    self.error(
                        path,
                        "required",
                        format!("missing required property `{name}`"),
                    );
                }
            }
        }
        let count = m.len() as u64;
        if let Some(min) = s.get("minProperties").and_then(Value::as_u64) {
            if count < min {
                self.error(
                    path,
                    "minProperties",
                    format!("needs at least {min} properties"),
                );
            }
        }
        if let Some(max) = s.get("maxProperties").and_then(Value::as_u64) {
            if count > max {
                self.error(
                    path,
                    "maxProperties",
                    format!("allows at most {max} properties"),
                );
            }
        }
        let props = s.get("properties").and_then(Value::as_object);
        // With `patternProperties` (not checked) we cannot tell which properties are additional.
        let additional = s
            .get("additionalProperties")
            .filter(|_| !s.contains_key("patternProperties"));
        for (k, v) in m {
            let len = push_path(path, k);
            match props.and_then(|p| p.get(k)) {
                Some(sub) => self.check(sub, v, path, depth + 1),
                None => match additional {
                    Some(Value::Bool(false)) => {
                        path.truncate(len);
                        self.error(
                            path,
                            "additionalProperties",
                            format!("property `{k}` is not allowed"),
                        );
                    }
                    Some(sub) => self.check(sub, v, path, depth + 1),
                    None => {}
                },
            }
            path.truncate(len);
        }
    }

    fn check_array(
        &mut self,
        s: &'a Map<String, Value>,
        items: &[Value],
        path: &mut String,
        depth: usize,
    ) {
        let n = items.len() as u64;
        if let Some(min) = s.get("minItems").and_then(Value::as_u64) {
            if n < min {
                self.error(
                    path,
                    "minItems",
                    format!("needs at least {min} items, got {n}"),
                );
            }
        }
        if let Some(max) = s.get("maxItems").and_then(Value::as_u64) {
            if n > max {
                self.error(
                    path,
                    "maxItems",
                    format!("allows at most {max} items, got {n}"),
                );
            }
        }
        if s.get("uniqueItems") == Some(&Value::Bool(true)) {
            'outer: for (i, a) in items.iter().enumerate() {
                for (j, b) in items.iter().enumerate().skip(i + 1) {
                    if json_equal(a, b) {
                        self.error(path, "uniqueItems", format!("items {i} and {j} are equal"));
                        break 'outer;
                    }
                }
            }
        }
        // Draft 2020-12: `prefixItems` + `items` for the rest; drafts 4-7: `items` as a list.
        let (prefix, rest): (&[Value], Option<&Value>) =
            match (s.get("prefixItems"), s.get("items")) {
                (Some(Value::Array(p)), rest) => (p, rest),
                (_, Some(Value::Array(p))) => (p, s.get("additionalItems")),
                (_, rest) => (&[], rest),
            };
        for (i, item) in items.iter().enumerate() {
            let sub = prefix.get(i).or(rest);
            if let Some(sub) = sub {
                let len = push_path(path, &i.to_string());
                self.check(sub, item, path, depth + 1);
                path.truncate(len);
            }
        }
    }

    fn check_string(&mut self, s: &Map<String, Value>, text: &str, path: &str) {
        let n = text.chars().count() as u64;
        if let Some(min) = s.get("minLength").and_then(Value::as_u64) {
            if n < min {
                self.error(
                    path,
                    "minLength",
                    format!("needs at least {min} characters"),
                );
            }
        }
        if let Some(max) = s.get("maxLength").and_then(Value::as_u64) {
            if n > max {
                self.error(
                    path,
                    "maxLength",
                    format!("allows at most {max} characters"),
                );
            }
        }
    }

    fn check_number(&mut self, s: &Map<String, Value>, n: &serde_json::Number, path: &str) {
        let Some(x) = n.as_f64() else { return };
        let num = |k: &str| s.get(k).and_then(Value::as_f64);
        let flag = |k: &str| s.get(k) == Some(&Value::Bool(true));
        if let Some(min) = num("minimum") {
            if flag("exclusiveMinimum") && x <= min {
                self.error(
                    path,
                    "exclusiveMinimum",
                    format!("must be greater than {min}"),
                );
            } else if x < min {
                self.error(path, "minimum", format!("must be at least {min}"));
            }
        }
        if let Some(max) = num("maximum") {
            if flag("exclusiveMaximum") && x >= max {
                self.error(path, "exclusiveMaximum", format!("must be less than {max}"));
            } else if x > max {
                self.error(path, "maximum", format!("must be at most {max}"));
            }
        }
        if let Some(min) = num("exclusiveMinimum") {
            if x <= min {
                self.error(
                    path,
                    "exclusiveMinimum",
                    format!("must be greater than {min}"),
                );
            }
        }
        if let Some(max) = num("exclusiveMaximum") {
            if x >= max {
                self.error(path, "exclusiveMaximum", format!("must be less than {max}"));
            }
        }
        if let Some(m) = num("multipleOf").filter(|m| *m > 0.0) {
            let q = x / m;
            let ok = match (n.as_i64(), s["multipleOf"].as_i64()) {
                (Some(a), Some(b)) => a % b == 0,
                _ => q.is_finite() && (q - q.round()).abs() <= 1e-9 * q.abs().max(1.0),
            };
            if !ok {
                self.error(path, "multipleOf", format!("must be a multiple of {m}"));
            }
        }
    }

    fn check_combinators(
        &mut self,
        s: &'a Map<String, Value>,
        value: &Value,
        path: &mut String,
        depth: usize,
    ) {
        if let Some(all) = s.get("allOf").and_then(Value::as_array) {
            for sub in all {
                self.check(sub, value, path, depth + 1);
            }
        }
        if let Some(any) = s.get("anyOf").and_then(Value::as_array) {
            if !any
                .iter()
                .any(|sub| self.passes(sub, value, path, depth + 1))
            {
                self.error(path, "anyOf", "matches none of the `anyOf` schemas".into());
            }
        }
        if let Some(one) = s.get("oneOf").and_then(Value::as_array) {
            let matched = one
                .iter()
                .filter(|sub| self.passes(sub, value, path, depth + 1))
                .count();
            if matched != 1 {
                self.error(
                    path,
                    "oneOf",
                    format!("must match exactly one `oneOf` schema, matches {matched}"),
                );
            }
        }
        if let Some(not) = s.get("not") {
            if self.passes(not, value, path, depth + 1) {
                self.error(path, "not", "must not match the `not` schema".into());
            }
        }
    }
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
