//! `${VAR}` expansion inside every string of a parsed config tree, before it is typed.
//!
//! `${VAR}` is replaced by the variable's value; `${VAR:-default}` falls back to `default` when
//! the variable is unset or empty; `$$` is a literal `$`. A missing variable is an error naming
//! both the variable and the field path.

use serde_json::Value;

/// Looks a variable up (the process environment in production, a map in tests).
pub trait EnvLookup {
    /// The value of `name`, if set.
    fn get(&self, name: &str) -> Option<String>;
}

/// The process environment.
#[derive(Debug, Clone, Copy)]
pub struct ProcessEnv;

impl EnvLookup for ProcessEnv {
    fn get(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}

impl EnvLookup for std::collections::BTreeMap<String, String> {
    fn get(&self, name: &str) -> Option<String> {
        self.get(name).cloned()
    }
}

/// Expand every string in `value`; `path` is the field path of `value` (`""` for the root).
pub fn expand_tree(value: &mut Value, path: &str, env: &dyn EnvLookup) -> Result<(), String> {
    match value {
        Value::String(s) => {
            if s.contains('$') {
                *s = expand_str(s, path, env)?;
            }
            Ok(())
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                expand_tree(item, &format!("{path}[{i}]"), env)?;
            }
            Ok(())
        }
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                let child = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                expand_tree(v, &child, env)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Expand one string.
pub fn expand_str(input: &str, path: &str, env: &dyn EnvLookup) -> Result<String, String> {
    let mut out = String::with_capacity(input.len());
    let mut rest = input;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(body) = after.strip_prefix('{') {
            let end = body
                .find('}')
                .ok_or_else(|| format!("{path}: unclosed `${{` in `{input}`"))?;
            let expr = &body[..end];
            let (name, default) = match expr.split_once(":-") {
                Some((n, d)) => (n, Some(d)),
                None => (expr, None),
            };
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(format!(
                    "{path}: `${{{expr}}}` is not a valid variable name"
                ));
            }
            match (env.get(name).filter(|v| !v.is_empty()), default) {
                (Some(v), _) => out.push_str(&v),
                (None, Some(d)) => out.push_str(d),
                (None, None) => {
                    return Err(format!(
                        "{path}: environment variable `{name}` is not set (write `${{{name}:-default}}` for a fallback)"
                    ))
                }
            }
            rest = &body[end + 1..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(out)
}
