use serde::{Deserialize, Serialize};

/// Something the provider could not honour. Providers report what they dropped instead of
/// silently degrading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Warning {
    /// A call setting was ignored (`top_k` on OpenAI, ...).
    UnsupportedSetting {
        /// The setting's name as in [`crate::types::CallSettings`].
        setting: String,
        /// Why, or what was done instead.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        details: Option<String>,
    },
    /// A tool could not be passed to the provider.
    UnsupportedTool {
        /// The tool's name.
        tool_name: String,
        /// Why.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        details: Option<String>,
    },
    /// A feature works only approximately on this provider.
    Compatibility {
        /// The feature.
        feature: String,
        /// How it differs.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        details: Option<String>,
    },
    /// Anything else.
    Other {
        /// What happened.
        message: String,
    },
}

impl Warning {
    /// An [`Warning::UnsupportedSetting`].
    pub fn unsupported_setting(setting: &str, details: impl Into<Option<String>>) -> Self {
        Warning::UnsupportedSetting {
            setting: setting.to_owned(),
            details: details.into(),
        }
    }

    /// An [`Warning::Other`].
    pub fn other(message: impl Into<String>) -> Self {
        Warning::Other {
            message: message.into(),
        }
    }
}
