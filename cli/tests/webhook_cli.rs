//! Runs `hookforge webhook sign` and `verify` as a script would: output on
//! stdout, exit codes, secrets from variables and files, and rotation.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

mod common;

use common::TempDir;

// The first v1 vector published with the Standard Webhooks reference
// libraries.
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TS: &str = "1614265330";
const BODY: &str = r#"{"test": 2432232314}"#;
const SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
// The same message signed with a second key.
const SECRET_2: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const SIGNATURE_2: &str = "v1,78nXHjpFP0tVJQW5D0SBwmVyyW87BV/rL6MgfM/Bw44=";
// The official v1a vector for the same message.
const ED_SECRET: &str =
    "whsk_6Xb/dCcHpPea21PS1N9VY/NZW723CEc77N4rJCubMbfVKIDij2HKpMKkioLlX0dRqSKJp4AJ6p9lMicMFs6Kvg==";
const ED_PUBLIC: &str = "whpk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4=";
const ED_SIGNATURE: &str =
    "v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg==";

/// Runs hookforge with `args` and the environment variables `env`.
fn hookforge(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hookforge"));
    command.args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("hookforge runs")
}

fn text(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temp path")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs `verify` on the vector message with `signature`, at `now`.
fn verify_vector(signature: &str, now: &str, extra: &[&str]) -> Output {
    let temp = TempDir::new("verify");
    let body = temp.write("body.json", BODY);
    let mut args = vec![
        "webhook",
        "verify",
        "--secret-env",
        "HF_TEST_SECRET",
        "--id",
        ID,
        "--timestamp",
        TS,
        "--signature",
        signature,
        "--now",
        now,
    ];
    args.extend_from_slice(extra);
    args.push(text(&body));
    hookforge(&args, &[("HF_TEST_SECRET", SECRET)])
}

#[test]
fn sign_prints_only_header_value() {
    let temp = TempDir::new("sign");
    let body = temp.write("body.json", BODY);
    let out = hookforge(
        &[
            "webhook",
            "sign",
            "--secret-env",
            "HF_TEST_SECRET",
            "--id",
            ID,
            "--timestamp",
            TS,
            text(&body),
        ],
        &[("HF_TEST_SECRET", SECRET)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{SIGNATURE}\n"));
}

#[test]
fn sign_reads_body_from_stdin() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hookforge"))
        .args([
            "webhook",
            "sign",
            "--secret-env",
            "HF_TEST_SECRET",
            "--id",
            ID,
            "--timestamp",
            TS,
            "-",
        ])
        .env("HF_TEST_SECRET", SECRET)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("hookforge starts");
    child
        .stdin
        .take()
        .expect("stdin piped")
        .write_all(BODY.as_bytes())
        .expect("body written");
    let out = child.wait_with_output().expect("hookforge finishes");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim_end(), SIGNATURE);
}

#[test]
fn sign_with_rotated_secrets() {
    let temp = TempDir::new("rotation");
    let body = temp.write("body.json", BODY);
    let second = temp.write("second.key", format!("{SECRET_2}\n"));
    let out = hookforge(
        &[
            "webhook",
            "sign",
            "--secret-env",
            "HF_TEST_SECRET",
            "--secret-file",
            text(&second),
            "--id",
            ID,
            "--timestamp",
            TS,
            text(&body),
        ],
        &[("HF_TEST_SECRET", SECRET)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out).trim_end(),
        format!("{SIGNATURE} {SIGNATURE_2}")
    );
}

#[test]
fn sign_with_ed25519_secret() {
    let temp = TempDir::new("ed25519");
    let body = temp.write("body.json", BODY);
    let out = hookforge(
        &[
            "webhook",
            "sign",
            "--secret-env",
            "HF_TEST_ED",
            "--id",
            ID,
            "--timestamp",
            TS,
            text(&body),
        ],
        &[("HF_TEST_ED", ED_SECRET)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim_end(), ED_SIGNATURE);
}

#[test]
fn sign_defaults_to_now() {
    let temp = TempDir::new("now");
    let body = temp.write("body.json", BODY);
    let before = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    let out = hookforge(
        &[
            "webhook",
            "sign",
            "--secret-env",
            "HF_TEST_SECRET",
            "--id",
            ID,
            text(&body),
        ],
        &[("HF_TEST_SECRET", SECRET)],
    );
    let after = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let signature = stdout(&out).trim_end().to_owned();
    // Exactly one second in the window produced this signature.
    let matches: Vec<u64> = (before..=after)
        .filter(|second| {
            let second = second.to_string();
            let check = hookforge(
                &[
                    "webhook",
                    "verify",
                    "--secret-env",
                    "HF_TEST_SECRET",
                    "--id",
                    ID,
                    "--timestamp",
                    &second,
                    "--signature",
                    &signature,
                    text(&body),
                ],
                &[("HF_TEST_SECRET", SECRET)],
            );
            check.status.code() == Some(0)
        })
        .collect();
    assert_eq!(matches.len(), 1, "{signature} for {before}..={after}");
}

#[test]
fn sign_accepts_negative_timestamp() {
    let temp = TempDir::new("negative");
    let body = temp.write("body.json", BODY);
    let out = hookforge(
        &[
            "webhook",
            "sign",
            "--secret-env",
            "HF_TEST_SECRET",
            "--id",
            ID,
            "--timestamp",
            "-5",
            text(&body),
        ],
        &[("HF_TEST_SECRET", SECRET)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("v1,"));
}

#[test]
fn verify_valid_exits_zero() {
    let out = verify_vector(SIGNATURE, TS, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
}

#[test]
fn verify_tampered_exits_one() {
    let out = verify_vector("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=", TS, &[]);
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(message.contains("no signature"), "{message}");
    assert!(!message.contains(&SIGNATURE[3..]), "{message}");
}

#[test]
fn verify_reports_timestamp_checks() {
    let base: i64 = TS.parse().expect("integer");
    let cases = [
        ((base + 301).to_string(), "old"),
        ((base - 301).to_string(), "future"),
    ];
    for (now, expected) in cases {
        let out = verify_vector(SIGNATURE, &now, &[]);
        assert_eq!(out.status.code(), Some(1), "now {now}");
        assert!(
            stderr(&out).contains(expected),
            "now {now}: {}",
            stderr(&out)
        );
    }
    let edge = (base + 300).to_string();
    assert_eq!(verify_vector(SIGNATURE, &edge, &[]).status.code(), Some(0));
}

#[test]
fn verify_custom_tolerance() {
    let now = (TS.parse::<i64>().expect("integer") + 1000).to_string();
    assert_eq!(verify_vector(SIGNATURE, &now, &[]).status.code(), Some(1));
    let out = verify_vector(SIGNATURE, &now, &["--tolerance", "1000"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn verify_skips_other_versions() {
    let relabelled = format!("v2,{}", &SIGNATURE[3..]);
    let out = verify_vector(&relabelled, TS, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no entry of a version"),
        "{}",
        stderr(&out)
    );

    let listed = format!("v2,AAAA  {SIGNATURE} v1a,AAAA");
    assert_eq!(verify_vector(&listed, TS, &[]).status.code(), Some(0));
}

#[test]
fn verify_millisecond_timestamp_hint() {
    let temp = TempDir::new("millis");
    let body = temp.write("body.json", BODY);
    let out = hookforge(
        &[
            "webhook",
            "verify",
            "--secret-env",
            "HF_TEST_SECRET",
            "--id",
            ID,
            "--timestamp",
            "1614265330000",
            "--signature",
            SIGNATURE,
            "--now",
            TS,
            text(&body),
        ],
        &[("HF_TEST_SECRET", SECRET)],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("milliseconds"), "{}", stderr(&out));
}

#[test]
fn verify_ed25519_with_public_key() {
    let temp = TempDir::new("ed-verify");
    let body = temp.write("body.json", BODY);
    let public = temp.write("public.key", ED_PUBLIC);
    let args = [
        "webhook",
        "verify",
        "--secret-file",
        text(&public),
        "--id",
        ID,
        "--timestamp",
        TS,
        "--signature",
        ED_SIGNATURE,
        "--now",
        TS,
        text(&body),
    ];
    let out = hookforge(&args, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn verify_rejects_secret_key() {
    let temp = TempDir::new("ed-secret");
    let body = temp.write("body.json", BODY);
    let out = hookforge(
        &[
            "webhook",
            "verify",
            "--secret-env",
            "HF_TEST_ED",
            "--id",
            ID,
            "--timestamp",
            TS,
            "--signature",
            ED_SIGNATURE,
            "--now",
            TS,
            text(&body),
        ],
        &[("HF_TEST_ED", ED_SECRET)],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("whpk_"), "{}", stderr(&out));
}

#[test]
fn verify_with_either_rotated_secret() {
    let temp = TempDir::new("verify-rotation");
    let body = temp.write("body.json", BODY);
    for signature in [SIGNATURE, SIGNATURE_2] {
        let out = hookforge(
            &[
                "webhook",
                "verify",
                "--secret-env",
                "HF_TEST_A",
                "--secret-env",
                "HF_TEST_B",
                "--id",
                ID,
                "--timestamp",
                TS,
                "--signature",
                signature,
                "--now",
                TS,
                text(&body),
            ],
            &[("HF_TEST_A", SECRET), ("HF_TEST_B", SECRET_2)],
        );
        assert_eq!(out.status.code(), Some(0), "{signature}: {}", stderr(&out));
    }
}

#[test]
fn missing_variable_is_named() {
    let temp = TempDir::new("no-var");
    let body = temp.write("body.json", BODY);
    let out = hookforge(
        &[
            "webhook",
            "sign",
            "--secret-env",
            "HF_TEST_UNSET_VARIABLE",
            "--id",
            ID,
            text(&body),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("HF_TEST_UNSET_VARIABLE"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stdout(&out), "");
}

#[test]
fn invalid_secrets_exit_two() {
    let temp = TempDir::new("bad-secret");
    let body = temp.write("body.json", BODY);
    let cases = [
        (format!("v1,{SECRET}"), "`v1,`"),
        (String::new(), "empty"),
        ("whsec_".to_owned(), "empty"),
        (format!(" {SECRET}"), "whitespace"),
        ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned(), "prefix"),
    ];
    for (secret, expected) in cases {
        let out = hookforge(
            &[
                "webhook",
                "verify",
                "--secret-env",
                "HF_TEST_SECRET",
                "--id",
                ID,
                "--timestamp",
                TS,
                "--signature",
                SIGNATURE,
                "--now",
                TS,
                text(&body),
            ],
            &[("HF_TEST_SECRET", &secret)],
        );
        assert_eq!(out.status.code(), Some(2), "{secret:?}");
        let message = stderr(&out);
        assert!(message.contains("HF_TEST_SECRET"), "{secret:?}: {message}");
        assert!(message.contains(expected), "{secret:?}: {message}");
    }
}

#[test]
fn secret_file_trims_one_newline() {
    let temp = TempDir::new("secret-file");
    let body = temp.write("body.json", BODY);
    for (content, code) in [
        (format!("{SECRET}\n"), 0),
        (format!("{SECRET}\r\n"), 0),
        (SECRET.to_owned(), 0),
        (format!("{SECRET}\n\n"), 2),
        (format!("{SECRET} \n"), 2),
    ] {
        let file = temp.write("secret.key", &content);
        let out = hookforge(
            &[
                "webhook",
                "sign",
                "--secret-file",
                text(&file),
                "--id",
                ID,
                "--timestamp",
                TS,
                text(&body),
            ],
            &[],
        );
        assert_eq!(
            out.status.code(),
            Some(code),
            "{content:?}: {}",
            stderr(&out)
        );
        if code == 0 {
            assert_eq!(stdout(&out).trim_end(), SIGNATURE, "{content:?}");
        }
    }
}

/// Runs `sign` on the vector message with the secret in `secret_file`.
fn sign_with_secret_file(secret_file: &Path, body: &Path) -> Output {
    hookforge(
        &[
            "webhook",
            "sign",
            "--secret-file",
            text(secret_file),
            "--id",
            ID,
            "--timestamp",
            TS,
            text(body),
        ],
        &[],
    )
}

#[test]
#[cfg(unix)]
fn secret_file_symlink_is_followed() {
    let temp = TempDir::new("secret-link");
    let body = temp.write("body.json", BODY);
    let target = temp.write("secret.key", format!("{SECRET}\n"));
    let link = temp.path.join("secret.link");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    let out = sign_with_secret_file(&link, &body);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim_end(), SIGNATURE);
}

#[test]
#[cfg(unix)]
fn secret_file_must_be_regular() {
    let temp = TempDir::new("secret-special");
    let body = temp.write("body.json", BODY);
    let link = temp.path.join("null.link");
    std::os::unix::fs::symlink("/dev/null", &link).expect("symlink");
    for (path, kind) in [
        (Path::new("/dev/null"), "a character device"),
        (link.as_path(), "a character device"),
        (temp.path.as_path(), "a directory"),
    ] {
        let out = sign_with_secret_file(path, &body);
        let message = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{path:?}: {message}");
        assert!(message.contains(text(path)), "{path:?}: {message}");
        assert!(message.contains(kind), "{path:?}: {message}");
        assert!(
            message.contains("not a regular file"),
            "{path:?}: {message}"
        );
    }
}

#[test]
fn secret_file_over_64_kib_rejected() {
    let temp = TempDir::new("secret-large");
    let body = temp.write("body.json", BODY);
    let at_limit = temp.write("limit.key", vec![b'a'; 64 * 1024]);
    let out = sign_with_secret_file(&at_limit, &body);
    let message = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{message}");
    assert!(
        message.contains("is invalid"),
        "a 64 KiB file must be read and then fail as a secret: {message}"
    );

    let over = temp.write("large.key", vec![b'a'; 64 * 1024 + 1]);
    let out = sign_with_secret_file(&over, &body);
    let message = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{message}");
    assert!(message.contains(text(&over)), "{message}");
    assert!(message.contains("64 KiB"), "{message}");
}

#[test]
fn unreadable_files_exit_two() {
    let temp = TempDir::new("missing");
    let body = temp.write("body.json", BODY);
    let missing = temp.path.join("absent");
    let out = hookforge(
        &[
            "webhook",
            "sign",
            "--secret-file",
            text(&missing),
            "--id",
            ID,
            text(&body),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("absent"), "{}", stderr(&out));

    let out = hookforge(
        &[
            "webhook",
            "sign",
            "--secret-env",
            "HF_TEST_SECRET",
            "--id",
            ID,
            text(&missing),
        ],
        &[("HF_TEST_SECRET", SECRET)],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("body file"), "{}", stderr(&out));
}

#[test]
fn usage_errors_exit_two() {
    let temp = TempDir::new("usage");
    let body = temp.write("body.json", BODY);
    let cases: [&[&str]; 3] = [
        &["webhook", "sign", "--id", ID, text(&body)],
        &[
            "webhook",
            "verify",
            "--secret-env",
            "HF_TEST_SECRET",
            "--id",
            ID,
            text(&body),
        ],
        &[
            "webhook",
            "verify",
            "--secret-env",
            "HF_TEST_SECRET",
            "--id",
            ID,
            "--timestamp",
            TS,
            "--signature",
            SIGNATURE,
            "--now",
            "soon",
            text(&body),
        ],
    ];
    for args in cases {
        let out = hookforge(args, &[("HF_TEST_SECRET", SECRET)]);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}
