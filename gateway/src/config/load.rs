//! Reading a config file: YAML or JSON → `${ENV}` expansion → typed config (errors name the
//! field path) → semantic validation.

use super::env::{expand_tree, EnvLookup};
use super::schema::GatewayConfig;
use super::validate::validate;
use serde_json::Value;
use std::path::Path;

/// A configuration problem, with the field path in the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// Largest config file read.
const MAX_CONFIG_BYTES: u64 = 4 * 1024 * 1024;

/// Read, expand, type and validate a config file.
pub fn load_file(path: &Path, env: &dyn EnvLookup) -> Result<GatewayConfig, ConfigError> {
    let meta = std::fs::metadata(path)
        .map_err(|e| ConfigError(format!("cannot read {}: {e}", path.display())))?;
    if meta.len() > MAX_CONFIG_BYTES {
        return Err(ConfigError(format!(
            "{} is larger than {MAX_CONFIG_BYTES} bytes",
            path.display()
        )));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError(format!("cannot read {}: {e}", path.display())))?;
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    parse_str(&text, is_json, env).map_err(|e| ConfigError(format!("{}: {e}", path.display())))
}

/// Parse config text (`json` selects the JSON parser, otherwise YAML, which also reads JSON).
pub fn parse_str(
    text: &str,
    json: bool,
    env: &dyn EnvLookup,
) -> Result<GatewayConfig, ConfigError> {
    let mut tree: Value = if json {
        serde_json::from_str(text).map_err(|e| ConfigError(format!("invalid JSON: {e}")))?
    } else {
        serde_norway::from_str(text).map_err(|e| ConfigError(format!("invalid YAML: {e}")))?
    };
    if tree.is_null() {
        tree = Value::Object(Default::default());
    }
    if !tree.is_object() {
        return Err(ConfigError(
            "the top level must be a mapping (backends:, virtual_keys:, router:, ...)".into(),
        ));
    }
    expand_tree(&mut tree, "", env).map_err(ConfigError)?;
    let mut config: GatewayConfig = serde_path_to_error::deserialize(tree).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." || path.is_empty() {
            ConfigError(inner.to_string())
        } else {
            ConfigError(format!("{path}: {inner}"))
        }
    })?;
    // `${VAR:-}` may expand to nothing: an empty token means "not set".
    for tok in [
        &mut config.server.admin_token,
        &mut config.server.read_only_admin_token,
    ] {
        if tok.as_deref() == Some("") {
            *tok = None;
        }
    }
    validate(&config).map_err(ConfigError)?;
    Ok(config)
}
