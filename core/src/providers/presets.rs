//! The providers Ditto knows by name: which adapter serves them, their default base URL and
//! the environment variables their official SDKs read. `Ditto::from_env()` registers every
//! preset whose variables are set; a configured provider with a preset name gets its defaults.

use crate::config::ProviderKind;

/// One known provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    /// The model prefix (`anthropic` in `anthropic:claude-...`).
    pub name: &'static str,
    /// The adapter.
    pub kind: ProviderKind,
    /// The base URL used when none is configured (`None`: one must be given).
    pub default_base_url: Option<&'static str>,
    /// Environment variables holding the API key, first found wins.
    pub api_key_env: &'static [&'static str],
    /// Environment variables holding the base URL, first found wins.
    pub base_url_env: &'static [&'static str],
    /// Whether calls without an API key are refused up front (hosted services).
    pub key_required: bool,
}

/// Every preset.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "openai",
        kind: ProviderKind::Openai,
        default_base_url: Some("https://api.openai.com/v1"),
        api_key_env: &["OPENAI_API_KEY"],
        base_url_env: &["OPENAI_BASE_URL"],
        key_required: true,
    },
    Preset {
        name: "openai-responses",
        kind: ProviderKind::OpenaiResponses,
        default_base_url: Some("https://api.openai.com/v1"),
        api_key_env: &["OPENAI_API_KEY"],
        base_url_env: &["OPENAI_BASE_URL"],
        key_required: true,
    },
    Preset {
        name: "anthropic",
        kind: ProviderKind::Anthropic,
        default_base_url: Some("https://api.anthropic.com"),
        api_key_env: &["ANTHROPIC_API_KEY"],
        base_url_env: &["ANTHROPIC_BASE_URL"],
        key_required: true,
    },
    Preset {
        name: "google",
        kind: ProviderKind::Google,
        default_base_url: Some("https://generativelanguage.googleapis.com"),
        api_key_env: &[
            "GEMINI_API_KEY",
            "GOOGLE_API_KEY",
            "GOOGLE_GENERATIVE_AI_API_KEY",
        ],
        base_url_env: &["GOOGLE_BASE_URL", "GEMINI_BASE_URL"],
        key_required: true,
    },
    Preset {
        name: "gemini",
        kind: ProviderKind::Google,
        default_base_url: Some("https://generativelanguage.googleapis.com"),
        api_key_env: &[
            "GEMINI_API_KEY",
            "GOOGLE_API_KEY",
            "GOOGLE_GENERATIVE_AI_API_KEY",
        ],
        base_url_env: &["GEMINI_BASE_URL", "GOOGLE_BASE_URL"],
        key_required: true,
    },
    Preset {
        name: "vertex",
        kind: ProviderKind::Vertex,
        // Computed from the location: https://{location}-aiplatform.googleapis.com
        default_base_url: None,
        api_key_env: &["GOOGLE_VERTEX_ACCESS_TOKEN"],
        base_url_env: &["GOOGLE_VERTEX_BASE_URL"],
        key_required: true,
    },
    Preset {
        name: "cohere",
        kind: ProviderKind::Cohere,
        default_base_url: Some("https://api.cohere.com"),
        api_key_env: &["COHERE_API_KEY", "CO_API_KEY"],
        base_url_env: &["COHERE_BASE_URL", "CO_API_URL"],
        key_required: true,
    },
];

/// Environment variables of a Vertex AI project and location.
pub const VERTEX_PROJECT_ENV: &[&str] = &["GOOGLE_VERTEX_PROJECT", "GOOGLE_CLOUD_PROJECT"];
/// See [`VERTEX_PROJECT_ENV`].
pub const VERTEX_LOCATION_ENV: &[&str] = &["GOOGLE_VERTEX_LOCATION", "GOOGLE_CLOUD_LOCATION"];

/// The preset named `name`.
pub fn preset(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

impl Preset {
    /// The first non-empty variable of `names`.
    pub fn env(names: &[&str]) -> Option<String> {
        names
            .iter()
            .find_map(|n| std::env::var(n).ok().filter(|v| !v.is_empty()))
    }

    /// True when any of this preset's variables is set.
    pub fn in_env(&self) -> bool {
        Self::env(self.api_key_env).is_some() || Self::env(self.base_url_env).is_some()
    }
}
