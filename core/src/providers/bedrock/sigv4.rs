//! AWS Signature Version 4 for Bedrock requests, written against the published algorithm
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html>).
//! SHA-256 comes from the `sha2` crate; HMAC (RFC 2104) is built on it here. Pure: the clock is
//! an argument, so the AWS test-suite vectors run as unit tests.

use sha2::{Digest, Sha256};

/// AWS credentials (a session token for temporary ones).
#[derive(Clone, PartialEq, Eq)]
pub struct AwsCredentials {
    /// `AKIA...`.
    pub access_key_id: String,
    /// The secret; never printed.
    pub secret_access_key: String,
    /// `x-amz-security-token` for temporary credentials.
    pub session_token: Option<String>,
}

impl std::fmt::Debug for AwsCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AwsCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"***")
            .field("session_token", &self.session_token.as_ref().map(|_| "***"))
            .finish()
    }
}

/// SHA-256 as lowercase hex.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

/// HMAC-SHA256 (RFC 2104).
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(data);
    let inner = inner.finalize();
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner);
    outer.finalize().into()
}

/// RFC 3986 percent-encoding of everything but unreserved characters.
pub fn uri_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b'/' if keep_slash => out.push('/'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `YYYYMMDD'T'HHMMSS'Z'` for Unix seconds (UTC).
pub fn amz_date(unix: u64) -> String {
    let days = (unix / 86_400) as i64;
    let secs = unix % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    )
}

/// What to sign.
#[derive(Debug, Clone)]
pub struct SigningInput<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// The request path as sent (already percent-encoded).
    pub path: &'a str,
    /// The raw query string (without `?`), possibly empty.
    pub query: &'a str,
    /// Headers to sign (any case; values as sent).
    pub headers: &'a [(String, String)],
    /// SHA-256 hex of the body.
    pub payload_hash: &'a str,
    /// `YYYYMMDD'T'HHMMSS'Z'`.
    pub amz_date: &'a str,
    /// e.g. `us-east-1`.
    pub region: &'a str,
    /// e.g. `bedrock`.
    pub service: &'a str,
}

/// The canonical path: every segment URI-encoded once more (non-S3 services double-encode).
fn canonical_path(path: &str) -> String {
    if path.is_empty() {
        return "/".into();
    }
    path.split('/')
        .map(|seg| uri_encode(seg, false))
        .collect::<Vec<_>>()
        .join("/")
}

fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                uri_encode(&percent_decode(k), false),
                uri_encode(&percent_decode(v), false),
            )
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn percent_decode(s: &str) -> String {
    let hexval = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hexval(bytes[i + 1]), hexval(bytes[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `(signed_headers, signature)` for `input` with `secret`.
pub fn signature(input: &SigningInput<'_>, secret: &str) -> (String, String) {
    let mut headers: Vec<(String, String)> = input
        .headers
        .iter()
        .map(|(k, v)| {
            let value = v.split_whitespace().collect::<Vec<_>>().join(" ");
            (k.to_ascii_lowercase(), value)
        })
        .collect();
    headers.sort();
    let canonical_headers: String = headers.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let signed: String = headers
        .iter()
        .map(|(k, _)| k.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let canonical_request = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        input.method,
        canonical_path(input.path),
        canonical_query(input.query),
        canonical_headers,
        signed,
        input.payload_hash
    );
    let date = &input.amz_date[..8.min(input.amz_date.len())];
    let scope = format!("{date}/{}/{}/aws4_request", input.region, input.service);
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{}\n{scope}\n{}",
        input.amz_date,
        sha256_hex(canonical_request.as_bytes())
    );
    let k_date = hmac_sha256(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac_sha256(&k_date, input.region.as_bytes());
    let k_service = hmac_sha256(&k_region, input.service.as_bytes());
    let k_signing = hmac_sha256(&k_service, b"aws4_request");
    (
        signed,
        hex(&hmac_sha256(&k_signing, string_to_sign.as_bytes())),
    )
}

/// Sign a request: returns the headers to add (`host`, `x-amz-date`, `x-amz-content-sha256`,
/// `x-amz-security-token`, `authorization`). `extra` are further headers to sign as sent
/// (e.g. `content-type`).
#[allow(clippy::too_many_arguments)] // each argument is one input of the algorithm
pub fn sign_request(
    creds: &AwsCredentials,
    region: &str,
    service: &str,
    method: &str,
    url: &str,
    extra: &[(String, String)],
    body: &[u8],
    unix_time: u64,
) -> Vec<(String, String)> {
    let (host, path, query) = split_url(url);
    let date = amz_date(unix_time);
    let payload_hash = sha256_hex(body);
    let mut signed_headers = vec![
        ("host".to_owned(), host.to_owned()),
        ("x-amz-date".to_owned(), date.clone()),
        ("x-amz-content-sha256".to_owned(), payload_hash.clone()),
    ];
    if let Some(token) = &creds.session_token {
        signed_headers.push(("x-amz-security-token".to_owned(), token.clone()));
    }
    signed_headers.extend(extra.iter().cloned());
    let input = SigningInput {
        method,
        path,
        query,
        headers: &signed_headers,
        payload_hash: &payload_hash,
        amz_date: &date,
        region,
        service,
    };
    let (signed, sig) = signature(&input, &creds.secret_access_key);
    let mut out: Vec<(String, String)> = signed_headers
        .into_iter()
        .filter(|(k, _)| !extra.iter().any(|(e, _)| e == k))
        .collect();
    out.push((
        "authorization".into(),
        format!(
            "AWS4-HMAC-SHA256 Credential={}/{}/{region}/{service}/aws4_request, SignedHeaders={signed}, Signature={sig}",
            creds.access_key_id,
            &date[..8]
        ),
    ));
    out
}

/// `(host[:port], path, query)` of an absolute URL.
pub fn split_url(url: &str) -> (&str, &str, &str) {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let (authority, path_query) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let (path, query) = path_query.split_once('?').unwrap_or((path_query, ""));
    (authority, path, query)
}
