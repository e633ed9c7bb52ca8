use std::collections::BTreeMap;

/// A credential. Its `Debug` and `Display` never show the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wrap a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// Where and how to reach one provider.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderSettings {
    /// The name models are prefixed with (`openai` in `openai:gpt-4o`).
    pub name: String,
    /// API key, when the service needs one.
    pub api_key: Option<Secret>,
    /// Base URL, version path included where the provider's SDK includes it.
    pub base_url: String,
    /// Headers added to every request.
    pub headers: BTreeMap<String, String>,
    /// Query parameters added to every request.
    pub query: BTreeMap<String, String>,
}

impl ProviderSettings {
    /// Settings with a name and base URL only.
    pub fn new(name: impl Into<String>, base_url: impl Into<String>) -> Self {
        ProviderSettings {
            name: name.into(),
            api_key: None,
            base_url: base_url.into(),
            headers: BTreeMap::new(),
            query: BTreeMap::new(),
        }
    }

    /// `base_url` + `path` + the configured query parameters.
    pub fn url(&self, path: &str) -> String {
        let mut url = format!("{}{}", self.base_url.trim_end_matches('/'), path);
        if !self.query.is_empty() {
            url.push(if url.contains('?') { '&' } else { '?' });
            let pairs: Vec<String> = self
                .query
                .iter()
                .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
                .collect();
            url.push_str(&pairs.join("&"));
        }
        url
    }
}

/// Percent-encode a query component.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
