//! The providers Ditto knows by name: which adapter serves them, their default base URL and
//! the environment variables their official SDKs read. `Ditto::from_env()` registers every
//! preset whose variables are set; a configured provider with a preset name gets its defaults.

use crate::config::ProviderKind;
use crate::providers::openai::request::ChatDialect;

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
    Preset {
        name: "mistral",
        kind: ProviderKind::OpenaiCompatible,
        default_base_url: Some("https://api.mistral.ai/v1"),
        api_key_env: &["MISTRAL_API_KEY"],
        base_url_env: &["MISTRAL_BASE_URL"],
        key_required: true,
    },
    Preset {
        name: "deepseek",
        kind: ProviderKind::OpenaiCompatible,
        default_base_url: Some("https://api.deepseek.com/v1"),
        api_key_env: &["DEEPSEEK_API_KEY"],
        base_url_env: &["DEEPSEEK_BASE_URL"],
        key_required: true,
    },
    Preset {
        name: "xai",
        kind: ProviderKind::OpenaiCompatible,
        default_base_url: Some("https://api.x.ai/v1"),
        api_key_env: &["XAI_API_KEY"],
        base_url_env: &["XAI_BASE_URL"],
        key_required: true,
    },
    Preset {
        name: "groq",
        kind: ProviderKind::OpenaiCompatible,
        default_base_url: Some("https://api.groq.com/openai/v1"),
        api_key_env: &["GROQ_API_KEY"],
        base_url_env: &["GROQ_BASE_URL"],
        key_required: true,
    },
    Preset {
        name: "perplexity",
        kind: ProviderKind::OpenaiCompatible,
        default_base_url: Some("https://api.perplexity.ai"),
        api_key_env: &["PERPLEXITY_API_KEY", "PPLX_API_KEY"],
        base_url_env: &["PERPLEXITY_BASE_URL"],
        key_required: true,
    },
    Preset {
        name: "openrouter",
        kind: ProviderKind::OpenaiCompatible,
        default_base_url: Some("https://openrouter.ai/api/v1"),
        api_key_env: &["OPENROUTER_API_KEY"],
        base_url_env: &["OPENROUTER_BASE_URL"],
        key_required: true,
    },
    Preset {
        name: "together",
        kind: ProviderKind::OpenaiCompatible,
        default_base_url: Some("https://api.together.xyz/v1"),
        api_key_env: &["TOGETHER_API_KEY", "TOGETHER_AI_API_KEY"],
        base_url_env: &["TOGETHER_BASE_URL"],
        key_required: true,
    },
    Preset {
        name: "fireworks",
        kind: ProviderKind::OpenaiCompatible,
        default_base_url: Some("https://api.fireworks.ai/inference/v1"),
        api_key_env: &["FIREWORKS_API_KEY"],
        base_url_env: &["FIREWORKS_BASE_URL"],
        key_required: true,
    },
    Preset {
        name: "ollama",
        kind: ProviderKind::OpenaiCompatible,
        default_base_url: Some("http://localhost:11434/v1"),
        api_key_env: &["OLLAMA_API_KEY"],
        base_url_env: &["OLLAMA_BASE_URL"],
        key_required: false,
    },
    Preset {
        name: "vllm",
        kind: ProviderKind::OpenaiCompatible,
        default_base_url: Some("http://localhost:8000/v1"),
        api_key_env: &["VLLM_API_KEY"],
        base_url_env: &["VLLM_BASE_URL"],
        key_required: false,
    },
    Preset {
        name: "lmstudio",
        kind: ProviderKind::OpenaiCompatible,
        default_base_url: Some("http://localhost:1234/v1"),
        api_key_env: &["LMSTUDIO_API_KEY"],
        base_url_env: &["LMSTUDIO_BASE_URL"],
        key_required: false,
    },
    Preset {
        name: "bedrock",
        kind: ProviderKind::Bedrock,
        // Computed from the region: https://bedrock-runtime.{region}.amazonaws.com
        default_base_url: None,
        api_key_env: &["AWS_BEARER_TOKEN_BEDROCK"],
        base_url_env: &["BEDROCK_BASE_URL", "AWS_BEDROCK_BASE_URL"],
        key_required: true,
    },
    Preset {
        name: "azure",
        kind: ProviderKind::Azure,
        // Computed from AZURE_RESOURCE_NAME / AZURE_OPENAI_ENDPOINT when not given.
        default_base_url: None,
        api_key_env: &["AZURE_API_KEY", "AZURE_OPENAI_API_KEY"],
        base_url_env: &["AZURE_BASE_URL"],
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

    /// True when any of this preset's variables is set. Local servers (no key required) are
    /// registered only when their base URL variable is set.
    pub fn in_env(&self) -> bool {
        let base = Self::env(self.base_url_env).is_some();
        let extra = match self.kind {
            ProviderKind::Azure => {
                Self::env(AZURE_RESOURCE_ENV).is_some() || Self::env(AZURE_ENDPOINT_ENV).is_some()
            }
            ProviderKind::Bedrock => {
                Self::env(AWS_ACCESS_KEY_ENV).is_some() || Self::env(&["AWS_PROFILE"]).is_some()
            }
            _ => false,
        };
        base || extra || (self.key_required && Self::env(self.api_key_env).is_some())
    }
}

/// AWS access key id (Bedrock).
pub const AWS_ACCESS_KEY_ENV: &[&str] = &["AWS_ACCESS_KEY_ID"];
/// AWS secret access key (Bedrock).
pub const AWS_SECRET_KEY_ENV: &[&str] = &["AWS_SECRET_ACCESS_KEY"];
/// AWS session token (Bedrock).
pub const AWS_SESSION_TOKEN_ENV: &[&str] = &["AWS_SESSION_TOKEN"];
/// AWS region (Bedrock); `us-east-1` when unset.
pub const AWS_REGION_ENV: &[&str] = &["AWS_REGION", "AWS_DEFAULT_REGION"];

/// Azure resource name (`https://{name}.openai.azure.com/openai`).
pub const AZURE_RESOURCE_ENV: &[&str] = &["AZURE_RESOURCE_NAME"];
/// Azure endpoint (`https://{name}.openai.azure.com`), `/openai` is appended.
pub const AZURE_ENDPOINT_ENV: &[&str] = &["AZURE_OPENAI_ENDPOINT"];
/// Azure API version (`api-version` query parameter of deployment URLs).
pub const AZURE_API_VERSION_ENV: &[&str] = &["AZURE_API_VERSION", "OPENAI_API_VERSION"];
/// The `api-version` used when none is configured.
pub const AZURE_DEFAULT_API_VERSION: &str = "2024-10-21";

/// The Chat Completions quirks of the OpenAI-compatible service `name`.
pub fn chat_dialect(name: &str) -> ChatDialect {
    let mut d = ChatDialect::default();
    match name {
        "mistral" => {
            d.omit_stream_options = true;
            d.random_seed = true;
            d.any_for_required = true;
        }
        "deepseek" => d.json_object_only = true,
        "perplexity" => {
            d.no_tools = true;
            d.supports_top_k = true;
        }
        "openrouter" | "together" | "fireworks" | "vllm" => d.supports_top_k = true,
        _ => {}
    }
    d
}
