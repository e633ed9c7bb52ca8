use base64::Engine as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Where the bytes of an image or file come from.
///
/// JSON shape: `{"url": "https://..."}` or `{"base64": "..."}`. Raw bytes serialize as base64, so
/// a value always round-trips through JSON as one of the two. A `data:` URL is accepted as a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataSource {
    /// A URL the provider (or Ditto) fetches, including `data:` URLs.
    Url(String),
    /// Base64-encoded bytes (standard alphabet, padded).
    Base64(String),
    /// Raw bytes.
    Bytes(bytes::Bytes),
}

impl DataSource {
    /// The data as base64, when it is inline (bytes, base64, or a base64 `data:` URL).
    pub fn to_base64(&self) -> Option<String> {
        match self {
            DataSource::Base64(b) => Some(b.clone()),
            DataSource::Bytes(b) => Some(base64::engine::general_purpose::STANDARD.encode(b)),
            DataSource::Url(u) => parse_data_url(u).map(|(_, data)| data.to_owned()),
        }
    }

    /// A URL form: the URL itself, or a `data:<media_type>;base64,...` URL for inline data.
    pub fn to_url(&self, media_type: &str) -> String {
        match self {
            DataSource::Url(u) => u.clone(),
            other => format!(
                "data:{media_type};base64,{}",
                other.to_base64().unwrap_or_default()
            ),
        }
    }

    /// The media type named by a `data:` URL, if this is one.
    pub fn data_url_media_type(&self) -> Option<&str> {
        match self {
            DataSource::Url(u) => parse_data_url(u).map(|(mt, _)| mt),
            _ => None,
        }
    }
}

/// Split `data:<mt>;base64,<data>` into its media type and payload.
fn parse_data_url(url: &str) -> Option<(&str, &str)> {
    let rest = url.strip_prefix("data:")?;
    let (meta, data) = rest.split_once(',')?;
    let media_type = meta.strip_suffix(";base64")?;
    Some((media_type, data))
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum DataSourceRepr {
    Url(String),
    Base64(String),
}

impl Serialize for DataSource {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            DataSource::Url(u) => DataSourceRepr::Url(u.clone()),
            other => DataSourceRepr::Base64(other.to_base64().unwrap_or_default()),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for DataSource {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Loose {
            Tagged(DataSourceRepr),
            Plain(String),
        }
        Ok(match Loose::deserialize(d)? {
            Loose::Tagged(DataSourceRepr::Url(u)) => DataSource::Url(u),
            Loose::Tagged(DataSourceRepr::Base64(b)) => DataSource::Base64(b),
            Loose::Plain(s) if looks_like_url(&s) => DataSource::Url(s),
            Loose::Plain(s) => DataSource::Base64(s),
        })
    }
}

fn looks_like_url(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://") || s.starts_with("data:")
}
