//! Runs the refunds example binary and checks that each webhook of the
//! 2.6 document went in the direction its `subscribe` or `publish`
//! operation defines.

use std::time::Duration;

const EXAMPLE: &str = env!("CARGO_BIN_EXE_hookforge-example-refunds");

#[tokio::test]
async fn refund_round_trips_both_directions() {
    let run = tokio::process::Command::new(EXAMPLE)
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(60), run)
        .await
        .expect("the example finishes within a minute")
        .expect("the example starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the example failed:\n{stdout}\n{stderr}"
    );

    // `subscribe` is sent by the payment service and received by the
    // merchant, `publish` the other way round, each once, in this order.
    let expected = [
        "[payments] sent     refund.requested rfd_18",
        "[merchant] received refund.requested rfd_18",
        "[merchant] sent     refund.decided rfd_18",
        "[payments] received refund.decided rfd_18 of tenant tnt_4f9a2c: approved",
        "[payments] sent     refund.completed rfd_18",
        "[merchant] received refund.completed rfd_18",
        "3 of 3 webhooks delivered and handled",
    ];
    let mut position = 0;
    for line in expected {
        assert_eq!(stdout.matches(line).count(), 1, "{line:?} in:\n{stdout}");
        let found = stdout[position..]
            .find(line)
            .unwrap_or_else(|| panic!("{line:?} is out of order in:\n{stdout}"));
        position += found + line.len();
    }
}
