use super::{NDJSON_CONTENT_TYPE, SSE_CONTENT_TYPE};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// How events are framed on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Framing {
    /// Server-sent events: `data: <json>\n\n`, ending with `data: [DONE]\n\n`.
    Sse,
    /// Newline-delimited JSON: `<json>\n`, ending at end of input.
    Ndjson,
}

impl Framing {
    /// The stable name: `"sse"` or `"ndjson"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Framing::Sse => "sse",
            Framing::Ndjson => "ndjson",
        }
    }

    /// The HTTP content type of this framing.
    pub fn content_type(self) -> &'static str {
        match self {
            Framing::Sse => SSE_CONTENT_TYPE,
            Framing::Ndjson => NDJSON_CONTENT_TYPE,
        }
    }

    /// The framing of an HTTP `content-type` value (parameters such as `; charset=utf-8` are
    /// ignored). `application/jsonl` and `application/ndjson` count as NDJSON. Anything else is
    /// an [`ErrorKind::Stream`](crate::ErrorKind::Stream) error naming the type.
    #[allow(clippy::result_large_err)] // the crate-wide error type
    pub fn from_content_type(content_type: &str) -> Result<Framing> {
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            SSE_CONTENT_TYPE => Ok(Framing::Sse),
            NDJSON_CONTENT_TYPE | "application/ndjson" | "application/jsonl" => Ok(Framing::Ndjson),
            _ => Err(Error::stream(format!(
                "unknown Ditto stream framing: content type {content_type:?} (expected \
                 {SSE_CONTENT_TYPE} or {NDJSON_CONTENT_TYPE})"
            ))),
        }
    }
}

impl std::fmt::Display for Framing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Framing {
    type Err = Error;

    /// `"sse"` or `"ndjson"` (case-insensitive); anything else is an
    /// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) error.
    fn from_str(s: &str) -> Result<Framing> {
        match s.to_ascii_lowercase().as_str() {
            "sse" => Ok(Framing::Sse),
            "ndjson" => Ok(Framing::Ndjson),
            _ => Err(Error::invalid_request(format!(
                "unknown Ditto stream framing {s:?} (expected \"sse\" or \"ndjson\")"
            ))),
        }
    }
}
