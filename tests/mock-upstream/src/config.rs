//! Server configuration and the default fixture folders.

use std::path::{Path, PathBuf};

/// Default size of the recorded-request ring.
pub const DEFAULT_MAX_RECORDED: usize = 1000;

/// Environment variable holding extra fixture folders, separated by `:`.
pub const FIXTURES_ENV: &str = "MOCK_FIXTURES_DIRS";

/// Configuration of a [`crate::MockServer`].
#[derive(Clone, Debug)]
pub struct MockConfig {
    /// Folders searched, in order, for fixture files named by
    /// `x-mock-fixture` or a step's `fixture`.
    pub fixtures_dirs: Vec<PathBuf>,
    /// How many received requests are kept (oldest are dropped first).
    pub max_recorded: usize,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            fixtures_dirs: Vec::new(),
            max_recorded: DEFAULT_MAX_RECORDED,
        }
    }
}

impl MockConfig {
    /// A default config whose fixture folders are [`default_fixture_dirs`]
    /// plus the folders named in [`FIXTURES_ENV`].
    pub fn with_default_fixtures() -> Self {
        let mut fixtures_dirs = default_fixture_dirs();
        fixtures_dirs.extend(env_fixture_dirs());
        Self {
            fixtures_dirs,
            ..Self::default()
        }
    }
}

/// The fixture folders used when none are given: `tests/fixtures` under the
/// current directory and the shared AI SDK recordings
/// (`<workspace>/../shared/fixtures/ai-sdk`), each only when it exists.
pub fn default_fixture_dirs() -> Vec<PathBuf> {
    let local = PathBuf::from("tests/fixtures");
    let shared = ai_sdk_fixtures_path();
    [local, shared]
        .into_iter()
        .filter(|dir| dir.is_dir())
        .collect()
}

/// Where the shared AI SDK recordings are expected, whether or not they exist.
pub fn ai_sdk_fixtures_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/ai-sdk")
}

/// Folders listed in the [`FIXTURES_ENV`] variable (empty entries skipped).
pub fn env_fixture_dirs() -> Vec<PathBuf> {
    std::env::var(FIXTURES_ENV)
        .map(|value| split_dirs(&value))
        .unwrap_or_default()
}

fn split_dirs(value: &str) -> Vec<PathBuf> {
    value
        .split(':')
        .filter(|part| !part.is_empty())
        .map(PathBuf::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_skips_empty_parts() {
        assert_eq!(
            split_dirs("a::b:"),
            vec![PathBuf::from("a"), PathBuf::from("b")]
        );
    }

    #[test]
    fn default_is_empty_with_1000() {
        let config = MockConfig::default();
        assert!(config.fixtures_dirs.is_empty());
        assert_eq!(config.max_recorded, 1000);
    }
}
