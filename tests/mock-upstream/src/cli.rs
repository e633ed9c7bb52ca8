//! Command-line parsing for the `ditto-mock-upstream` binary (by hand, no
//! argument-parsing crate).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use crate::config::{default_fixture_dirs, env_fixture_dirs, MockConfig, DEFAULT_MAX_RECORDED};

/// Usage text printed for `--help` and on errors.
pub const USAGE: &str = "usage: ditto-mock-upstream [--host 127.0.0.1] [--port 0] \
[--fixtures DIR]... [--max-recorded N]\n\
Extra fixture folders may be listed in MOCK_FIXTURES_DIRS (colon-separated).";

/// Parsed command-line options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliArgs {
    /// Loopback address to bind.
    pub host: IpAddr,
    /// Port to bind (0 picks a free one).
    pub port: u16,
    /// Fixture folders given with `--fixtures` (may be empty).
    pub fixtures: Vec<PathBuf>,
    /// Size of the recorded-request ring.
    pub max_recorded: usize,
}

/// What the binary should do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Serve with these options.
    Run(CliArgs),
    /// Print [`USAGE`] and exit.
    Help,
}

impl CliArgs {
    /// The socket address to bind.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::new(self.host, self.port)
    }

    /// The server config: the given fixture folders (or the defaults when
    /// none were given), then the folders from `MOCK_FIXTURES_DIRS`.
    pub fn config(&self) -> MockConfig {
        let mut fixtures_dirs = if self.fixtures.is_empty() {
            default_fixture_dirs()
        } else {
            self.fixtures.clone()
        };
        fixtures_dirs.extend(env_fixture_dirs());
        MockConfig {
            fixtures_dirs,
            max_recorded: self.max_recorded,
        }
    }
}

/// Parses the arguments after the program name. Accepts `--flag value` and
/// `--flag=value`.
pub fn parse_args<I>(args: I) -> Result<Command, String>
where
    I: IntoIterator<Item = String>,
{
    let mut parsed = CliArgs {
        host: IpAddr::V4(Ipv4Addr::LOCALHOST),
        port: 0,
        fixtures: Vec::new(),
        max_recorded: DEFAULT_MAX_RECORDED,
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        if flag == "--help" || flag == "-h" {
            return Ok(Command::Help);
        }
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--host" => parsed.host = parse_host(&value()?)?,
            "--port" => {
                let text = value()?;
                parsed.port = text.parse().map_err(|_| format!("bad --port {text:?}"))?;
            }
            "--fixtures" => parsed.fixtures.push(PathBuf::from(value()?)),
            "--max-recorded" => {
                let text = value()?;
                parsed.max_recorded = text
                    .parse()
                    .map_err(|_| format!("bad --max-recorded {text:?}"))?;
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Command::Run(parsed))
}

/// A loopback address (`localhost` means `127.0.0.1`); anything else is refused.
fn parse_host(text: &str) -> Result<IpAddr, String> {
    let ip = if text == "localhost" {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    } else {
        text.trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .map_err(|_| format!("bad --host {text:?}: expected an IP address"))?
    };
    if !ip.is_loopback() {
        return Err(format!(
            "refusing --host {text}: the mock only binds loopback addresses"
        ));
    }
    Ok(ip)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, String> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn defaults() {
        let Command::Run(args) = parse(&[]).unwrap() else {
            panic!("expected run")
        };
        assert_eq!(args.addr(), "127.0.0.1:0".parse().unwrap());
        assert!(args.fixtures.is_empty());
        assert_eq!(args.max_recorded, 1000);
    }

    #[test]
    fn all_flags() {
        let Command::Run(args) = parse(&[
            "--host",
            "::1",
            "--port=8080",
            "--fixtures",
            "a",
            "--fixtures=b",
            "--max-recorded",
            "5",
        ])
        .unwrap() else {
            panic!("expected run")
        };
        assert_eq!(args.addr(), "[::1]:8080".parse().unwrap());
        assert_eq!(args.fixtures, [PathBuf::from("a"), PathBuf::from("b")]);
        assert_eq!(args.max_recorded, 5);
        assert_eq!(args.config().fixtures_dirs[..2], args.fixtures[..]);
    }

    #[test]
    fn refuses_bad_input() {
        assert!(parse(&["--host", "0.0.0.0"]).is_err());
        assert!(parse(&["--host", "example.com"]).is_err());
        assert!(parse(&["--port", "x"]).is_err());
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--what"]).is_err());
        assert_eq!(parse(&["--help"]).unwrap(), Command::Help);
        assert!(parse(&["--host", "localhost"]).is_ok());
    }
}
