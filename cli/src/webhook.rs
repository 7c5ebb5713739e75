//! `hookforge webhook sign|verify`: Standard Webhooks signatures from the
//! shell, for scripts and for checking a sender or receiver by hand.
//!
//! Secrets come from environment variables or files, never from the
//! command line, where other users could read them in the process list.

use std::env;
use std::fmt;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::{Args, Subcommand};
use hookforge::signing::{Signer, SigningKey, Verifier, VerifyingKey, WebhookHeaders};

/// Options of `hookforge webhook`.
#[derive(Debug, Args)]
pub struct WebhookArgs {
    #[command(subcommand)]
    command: WebhookCommand,
}

/// Maximum size of a `--secret-file`. A `whsec_` secret has fewer than
/// 100 characters, so a larger file is a mistake, not a key.
const MAX_SECRET_FILE_BYTES: u64 = 64 * 1024;

/// The exit codes of `hookforge webhook verify`, shown under its help.
const VERIFY_EXIT_STATUS: &str = "Exit status:
  0  the signature and timestamp are valid
  1  the webhook is invalid (the failed check is printed on stderr)
  2  a usage error, an invalid secret, or a secret or body that could not be read";

#[derive(Debug, Subcommand)]
enum WebhookCommand {
    /// Print the webhook-signature header value for a body.
    Sign(SignArgs),
    /// Check a webhook's signature and timestamp.
    #[command(after_help = VERIFY_EXIT_STATUS)]
    Verify(VerifyArgs),
}

/// Secret sources. At least one is required. Each option may be repeated,
/// and every secret given is used, for key rotation.
#[derive(Debug, Args)]
#[group(required = true, multiple = true)]
struct SecretArgs {
    /// Environment variable that contains one secret (`whsec_…`, or
    /// `whsk_…` to sign and `whpk_…` to verify with Ed25519). Repeat the
    /// option for several keys.
    #[arg(long, value_name = "VAR")]
    secret_env: Vec<String>,

    /// File that contains one secret. One trailing newline is removed;
    /// any other whitespace makes the secret invalid. Repeat the option
    /// for several keys.
    #[arg(long, value_name = "PATH")]
    secret_file: Vec<PathBuf>,
}

/// Options of `hookforge webhook sign`.
#[derive(Debug, Args)]
struct SignArgs {
    #[command(flatten)]
    secrets: SecretArgs,

    /// The webhook-id value.
    #[arg(long)]
    id: String,

    /// The webhook-timestamp value, in Unix seconds. Defaults to now.
    #[arg(long, value_name = "TS", allow_hyphen_values = true)]
    timestamp: Option<i64>,

    /// File with the raw body bytes, or `-` for stdin.
    #[arg(value_name = "BODY_FILE")]
    body: PathBuf,
}

/// Options of `hookforge webhook verify`.
#[derive(Debug, Args)]
struct VerifyArgs {
    #[command(flatten)]
    secrets: SecretArgs,

    /// The webhook-id value.
    #[arg(long)]
    id: String,

    /// The webhook-timestamp value as received, in Unix seconds.
    #[arg(long, value_name = "TS", allow_hyphen_values = true)]
    timestamp: String,

    /// The webhook-signature value: space-separated `version,base64`
    /// entries.
    #[arg(long, value_name = "SIG", allow_hyphen_values = true)]
    signature: String,

    /// The time to check the timestamp against, in Unix seconds. Defaults
    /// to now.
    #[arg(long, value_name = "TS", allow_hyphen_values = true)]
    now: Option<i64>,

    /// How far the timestamp may lie from now, in seconds, in the past or
    /// the future.
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    tolerance: u64,

    /// File with the raw body bytes, or `-` for stdin.
    #[arg(value_name = "BODY_FILE")]
    body: PathBuf,
}

/// A failure that exits with code 2: bad configuration or I/O.
struct UsageError(String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Runs `hookforge webhook sign` or `verify`.
pub fn run(args: &WebhookArgs) -> ExitCode {
    let result = match &args.command {
        WebhookCommand::Sign(args) => sign(args),
        WebhookCommand::Verify(args) => verify(args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("hookforge: {error}");
            ExitCode::from(2)
        }
    }
}

/// Prints the signature header value on stdout, and nothing else, so a
/// script can capture it.
fn sign(args: &SignArgs) -> Result<ExitCode, UsageError> {
    let keys = load_keys::<SigningKey>(&args.secrets)?;
    let body = read_body(&args.body)?;
    let timestamp = match args.timestamp {
        Some(timestamp) => timestamp,
        None => unix_now()?,
    };
    let header = Signer::new(keys).sign(&args.id, timestamp, &body);
    let mut stdout = io::stdout().lock();
    match writeln!(stdout, "{header}").and_then(|()| stdout.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::from(2)),
        Err(error) => Err(UsageError(format!(
            "failed to write the signature to stdout: {error}"
        ))),
    }
}

/// Exits with 0 when the webhook is valid and 1 when a check fails.
fn verify(args: &VerifyArgs) -> Result<ExitCode, UsageError> {
    let keys = load_keys::<VerifyingKey>(&args.secrets)?;
    let body = read_body(&args.body)?;
    let now = match args.now {
        Some(seconds) => system_time(seconds)?,
        None => SystemTime::now(),
    };
    let verifier = Verifier::new(keys).with_tolerance(Duration::from_secs(args.tolerance));
    let headers = WebhookHeaders {
        id: &args.id,
        timestamp: &args.timestamp,
        signature: &args.signature,
    };
    match verifier.verify(&headers, &body, now) {
        Ok(()) => {
            eprintln!("hookforge: the webhook is valid");
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            eprintln!("hookforge: the webhook is invalid: {error}");
            Ok(ExitCode::from(1))
        }
    }
}

/// Reads and parses every configured secret, environment variables first.
fn load_keys<K>(secrets: &SecretArgs) -> Result<Vec<K>, UsageError>
where
    K: std::str::FromStr,
    K::Err: fmt::Display,
{
    let mut keys = Vec::new();
    for name in &secrets.secret_env {
        let text = env::var(name).map_err(|error| match error {
            env::VarError::NotPresent => {
                UsageError(format!("environment variable {name} is not set"))
            }
            env::VarError::NotUnicode(_) => UsageError(format!(
                "environment variable {name} does not contain valid UTF-8"
            )),
        })?;
        let key = text.parse().map_err(|error| {
            UsageError(format!(
                "the secret in environment variable {name} is invalid: {error}"
            ))
        })?;
        keys.push(key);
    }
    for path in &secrets.secret_file {
        let text = read_secret_file(path)?;
        let key = strip_one_newline(&text).parse().map_err(|error| {
            UsageError(format!(
                "the secret in {} is invalid: {error}",
                path.display()
            ))
        })?;
        keys.push(key);
    }
    Ok(keys)
}

/// Reads a secret file of at most [`MAX_SECRET_FILE_BYTES`].
///
/// Anything other than a regular file (after following symlinks) is
/// rejected before it is opened, because opening a FIFO blocks until a
/// writer appears and a device such as `/dev/zero` never ends.
fn read_secret_file(path: &Path) -> Result<String, UsageError> {
    let failed = |reason: String| {
        UsageError(format!(
            "failed to read the secret file {}: {reason}",
            path.display()
        ))
    };
    let metadata = fs::metadata(path).map_err(|error| failed(error.to_string()))?;
    if !metadata.is_file() {
        return Err(failed(format!(
            "it is {}, not a regular file; pass a file that contains the secret",
            file_kind(metadata.file_type())
        )));
    }
    let file = fs::File::open(path).map_err(|error| failed(error.to_string()))?;
    let mut bytes = Vec::new();
    file.take(MAX_SECRET_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| failed(error.to_string()))?;
    if bytes.len() as u64 > MAX_SECRET_FILE_BYTES {
        return Err(failed(format!(
            "the file is larger than the limit of {} KiB for a secret",
            MAX_SECRET_FILE_BYTES / 1024
        )));
    }
    String::from_utf8(bytes).map_err(|_| failed("the file is not valid UTF-8".to_owned()))
}

/// Names the kind of a file that is not a regular file, for errors.
fn file_kind(file_type: fs::FileType) -> &'static str {
    if file_type.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;

        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

/// Removes one trailing `\n` or `\r\n`, which editors and `echo` add.
fn strip_one_newline(text: &str) -> &str {
    text.strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(text)
}

fn read_body(path: &Path) -> Result<Vec<u8>, UsageError> {
    if path.as_os_str() == "-" {
        let mut body = Vec::new();
        io::stdin()
            .lock()
            .read_to_end(&mut body)
            .map_err(|error| UsageError(format!("failed to read the body from stdin: {error}")))?;
        return Ok(body);
    }
    fs::read(path).map_err(|error| {
        UsageError(format!(
            "failed to read the body file {}: {error}",
            path.display()
        ))
    })
}

fn unix_now() -> Result<i64, UsageError> {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .ok()
        .and_then(|since| i64::try_from(since.as_secs()).ok())
        .ok_or_else(|| UsageError("the system clock is before 1970".to_owned()))
}

/// Converts Unix seconds to a `SystemTime`, failing instead of overflowing.
fn system_time(seconds: i64) -> Result<SystemTime, UsageError> {
    let offset = Duration::from_secs(seconds.unsigned_abs());
    let time = if seconds >= 0 {
        UNIX_EPOCH.checked_add(offset)
    } else {
        UNIX_EPOCH.checked_sub(offset)
    };
    time.ok_or_else(|| UsageError(format!("--now {seconds} is out of range")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_one_newline_only() {
        assert_eq!(strip_one_newline("whsec_a\n"), "whsec_a");
        assert_eq!(strip_one_newline("whsec_a\r\n"), "whsec_a");
        assert_eq!(strip_one_newline("whsec_a\n\n"), "whsec_a\n");
        assert_eq!(strip_one_newline(" whsec_a"), " whsec_a");
    }

    #[test]
    fn system_time_before_epoch() {
        let time = system_time(-5).ok();
        assert_eq!(time, UNIX_EPOCH.checked_sub(Duration::from_secs(5)));
    }
}
