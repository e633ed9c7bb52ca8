//! Minimal UTC time helpers: Unix seconds ↔ RFC 3339 (`2027-01-31T00:00:00Z`).

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch, now.
pub fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Parse `YYYY-MM-DDTHH:MM:SS[.frac](Z|+00:00)` (UTC only) or `YYYY-MM-DD`.
pub fn parse_rfc3339(s: &str) -> Result<u64, String> {
    let bad = || format!("`{s}` is not an RFC 3339 UTC time like 2027-01-31T00:00:00Z");
    let num = |t: &str| t.parse::<i64>().map_err(|_| bad());
    let (date, time) = match s.split_once(['T', 't', ' ']) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let parts: Vec<&str> = date.split('-').collect();
    if parts.len() != 3 || parts[0].len() != 4 {
        return Err(bad());
    }
    let (y, mo, d) = (num(parts[0])?, num(parts[1])?, num(parts[2])?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return Err(bad());
    }
    let mut secs = 0;
    if let Some(t) = time {
        let t = t
            .strip_suffix(['Z', 'z'])
            .or_else(|| t.strip_suffix("+00:00"))
            .ok_or_else(|| format!("{}: only UTC (`Z`) is accepted", bad()))?;
        let t = t.split('.').next().unwrap_or(t);
        let hms: Vec<&str> = t.split(':').collect();
        if hms.len() != 3 {
            return Err(bad());
        }
        let (h, mi, se) = (num(hms[0])?, num(hms[1])?, num(hms[2])?);
        if h > 23 || mi > 59 || se > 60 {
            return Err(bad());
        }
        secs = h * 3600 + mi * 60 + se;
    }
    let total = days_from_civil(y, mo, d) * 86_400 + secs;
    u64::try_from(total).map_err(|_| bad())
}

/// Format Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_rfc3339(unix: u64) -> String {
    let days = (unix / 86_400) as i64;
    let rem = unix % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

/// An expiry given as Unix seconds (number) or an RFC 3339 string.
pub fn parse_expiry(v: &serde_json::Value) -> Result<Option<u64>, String> {
    match v {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::Number(n) => n
            .as_u64()
            .map(Some)
            .ok_or_else(|| format!("{n} is not a non-negative whole number of Unix seconds")),
        serde_json::Value::String(s) => parse_rfc3339(s).map(Some),
        other => Err(format!(
            "expected Unix seconds or an RFC 3339 string, got {other}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z").unwrap(), 0);
        assert_eq!(
            parse_rfc3339("2027-01-31T00:00:00Z").unwrap(),
            1_801_353_600
        );
        assert_eq!(format_rfc3339(1_801_353_600), "2027-01-31T00:00:00Z");
        assert_eq!(parse_rfc3339("2024-02-29").unwrap(), 1_709_164_800);
        assert!(parse_rfc3339("2027-01-31T00:00:00+02:00").is_err());
        assert!(parse_rfc3339("tomorrow").is_err());
    }
}
