//! Tokens: generation from the OS CSPRNG, SHA-256 hashing, constant-time comparison.

use sha2::{Digest, Sha256};
use std::io::Read;
use subtle::ConstantTimeEq;

/// Hex SHA-256 of a token (lower case; encoded by hand: `hex::encode` collects `char`s one by
/// one, which cost as much as the digest on the request path).
pub fn hash_token(token: &str) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(token.as_bytes());
    let mut out = Vec::with_capacity(digest.len() * 2);
    for b in digest {
        out.push(DIGITS[usize::from(b >> 4)]);
        out.push(DIGITS[usize::from(b & 0x0f)]);
    }
    String::from_utf8(out).unwrap_or_default()
}

/// SHA-256 of a token, raw (the key table is indexed by it; [`hash_token`] is its hex form).
pub fn token_digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// The raw digest of a hex SHA-256 as [`hash_token`] writes it (None unless 64 lower-case hex
/// digits).
pub fn digest_from_hex(hex: &str) -> Option<[u8; 32]> {
    let b = hex.as_bytes();
    if b.len() != 64 {
        return None;
    }
    let val = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = (val(b[2 * i])? << 4) | val(b[2 * i + 1])?;
    }
    Some(out)
}

/// Constant-time equality of two strings (length may leak, content does not).
pub fn ct_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// `n` random bytes from the OS.
pub fn random_bytes(n: usize) -> std::io::Result<Vec<u8>> {
    let mut buf = vec![0u8; n];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut buf)?;
    Ok(buf)
}

/// A new random token with a prefix: `sk-ditto-<32 hex>`.
pub fn new_token(prefix: &str) -> std::io::Result<String> {
    Ok(format!("{prefix}{}", hex::encode(random_bytes(16)?)))
}

/// A short random id (12 hex characters) from the OS CSPRNG, for things people see once
/// (key ids). Not for per-request ids: see [`unique_id`].
pub fn new_id() -> String {
    match random_bytes(6) {
        Ok(b) => hex::encode(b),
        Err(_) => format!("{:012x}", fastrand::u64(..) & 0xffff_ffff_ffff),
    }
}

/// A process-unique id without a system call: a random per-process prefix and a counter
/// (request ids, reservation ids, completion ids; none of them is a secret).
pub fn unique_id() -> String {
    let mut s = String::with_capacity(24);
    push_unique_id(&mut s);
    s
}

/// [`unique_id`] appended to `out` (hex digits written by hand: no `format!` on the request
/// path).
pub fn push_unique_id(out: &mut String) {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::OnceLock;
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    static PREFIX: OnceLock<String> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let prefix = PREFIX.get_or_init(|| {
        random_bytes(4)
            .map(hex::encode)
            .unwrap_or_else(|_| format!("{:08x}", fastrand::u32(..)))
    });
    out.push_str(prefix);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let digits = (64 - n.leading_zeros()).div_ceil(4).max(1);
    for i in (0..digits).rev() {
        out.push(char::from(DIGITS[((n >> (i * 4)) & 0xf) as usize]));
    }
}

/// What may be shown of a token: its first 12 characters and an ellipsis.
pub fn hint(token: &str) -> String {
    let cut: String = token.chars().take(12).collect();
    format!("{cut}…")
}

/// A bearer token from `Authorization: Bearer ...`, `x-api-key` or `api-key`.
pub fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    if let Some(v) = headers.get("authorization").and_then(|v| v.to_str().ok()) {
        let v = v.trim();
        let rest = v
            .strip_prefix("Bearer ")
            .or_else(|| v.strip_prefix("bearer "))
            .unwrap_or(v);
        return Some(rest.trim());
    }
    headers
        .get("x-api-key")
        .or_else(|| headers.get("api-key"))
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_hashes() {
        let t = new_token("sk-ditto-").unwrap();
        assert_eq!(t.len(), "sk-ditto-".len() + 32);
        assert_eq!(hash_token("abc").len(), 64);
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(ct_eq("same", "same"));
        assert!(!ct_eq("same", "sane"));
        assert!(!ct_eq("same", "same!"));
        assert_ne!(new_token("k").unwrap(), new_token("k").unwrap());
        assert_eq!(
            digest_from_hex(&hash_token("abc")),
            Some(token_digest("abc"))
        );
        assert_eq!(digest_from_hex("ab"), None);
        assert_eq!(digest_from_hex(&hash_token("abc").to_uppercase()), None);
        assert_eq!(digest_from_hex(&"g".repeat(64)), None);
        let (a, b) = (unique_id(), unique_id());
        assert_ne!(a, b);
        assert!(a.len() >= 9, "{a}");
        let mut s = String::new();
        push_unique_id(&mut s);
        assert!(s.bytes().all(|c| c.is_ascii_hexdigit()), "{s}");
    }
}
