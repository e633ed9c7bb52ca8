use super::{ContentPart, ProviderOptions};
use serde::{Deserialize, Deserializer, Serialize};

/// Who said a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Instructions.
    System,
    /// The user.
    User,
    /// The model.
    Assistant,
    /// Tool results.
    Tool,
}

/// One message of a conversation.
///
/// JSON: `{"role": "user", "content": [parts...]}`; `content` may also be a plain string, which
/// means one text part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Who said it.
    pub role: Role,
    /// What was said.
    #[serde(deserialize_with = "string_or_parts")]
    pub content: Vec<ContentPart>,
    /// Per-message provider options (e.g. Anthropic `cache_control`).
    #[serde(default, skip_serializing_if = "ProviderOptions::is_empty")]
    pub provider_options: ProviderOptions,
}

impl Message {
    /// A message with one text part.
    pub fn text(role: Role, text: impl Into<String>) -> Self {
        Message {
            role,
            content: vec![ContentPart::text(text)],
            provider_options: ProviderOptions::default(),
        }
    }

    /// A system message.
    pub fn system(text: impl Into<String>) -> Self {
        Self::text(Role::System, text)
    }

    /// A user message.
    pub fn user(text: impl Into<String>) -> Self {
        Self::text(Role::User, text)
    }

    /// An assistant message.
    pub fn assistant(text: impl Into<String>) -> Self {
        Self::text(Role::Assistant, text)
    }

    /// A message with the given parts.
    pub fn with_parts(role: Role, content: Vec<ContentPart>) -> Self {
        Message {
            role,
            content,
            provider_options: ProviderOptions::default(),
        }
    }

    /// The text parts joined (no separator), for roles where only text matters.
    pub fn joined_text(&self) -> String {
        self.content
            .iter()
            .filter_map(ContentPart::as_text)
            .collect()
    }
}

fn string_or_parts<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ContentPart>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Content {
        Text(String),
        Parts(Vec<ContentPart>),
    }
    // Untagged enums hide the inner error; parse parts explicitly to keep the message useful.
    let value = serde_json::Value::deserialize(d)?;
    match value {
        serde_json::Value::String(s) => Ok(vec![ContentPart::text(s)]),
        other => match serde_json::from_value::<Content>(other.clone()) {
            Ok(Content::Parts(p)) => Ok(p),
            Ok(Content::Text(s)) => Ok(vec![ContentPart::text(s)]),
            Err(_) => {
                serde_json::from_value::<Vec<ContentPart>>(other).map_err(serde::de::Error::custom)
            }
        },
    }
}
