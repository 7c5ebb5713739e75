//! Human and JSON output of dead letters.
//!
//! Human output passes every stored string through [`printable`], because
//! endpoints, headers, errors and bodies come from outside and could carry
//! terminal escape sequences.

use std::fmt::Write as _;

use hookforge::client::RESPONSE_BODY_LABEL;
use hookforge::outbox::{Delivery, DeliveryState};
use serde_json::{json, Value};

use super::time::format_instant;

/// Hex digits per line when a body is not UTF-8.
const HEX_LINE_BYTES: usize = 32;

/// Maximum characters of the last error in a list row. A longer error is
/// shortened to its end, which names the cause, behind a leading `…`. The
/// response-body excerpt is left out of list rows; `dlq show` prints it.
const LIST_ERROR_CHARS: usize = 60;

/// Formats one line per delivery under a header, for `dlq list`.
pub fn list_human(deliveries: &[Delivery]) -> String {
    let mut out = String::new();
    if deliveries.is_empty() {
        return out;
    }
    let rows: Vec<[String; 6]> = deliveries
        .iter()
        .map(|delivery| {
            [
                delivery.id.to_string(),
                delivery.dead_at.map(format_instant).unwrap_or_default(),
                delivery.attempts.to_string(),
                printable(&delivery.message.event_type),
                printable(&delivery.message.endpoint),
                keep_end(
                    &printable(split_response_body(delivery.last_error.as_deref().unwrap_or("")).0),
                    LIST_ERROR_CHARS,
                ),
            ]
        })
        .collect();
    let header = [
        "ID",
        "DIED (UTC)",
        "ATTEMPTS",
        "EVENT TYPE",
        "ENDPOINT",
        "LAST ERROR",
    ];
    let mut widths = header.map(|title| title.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    push_row(&mut out, &header.map(String::from), &widths);
    for row in &rows {
        push_row(&mut out, row, &widths);
    }
    out
}

fn push_row(out: &mut String, cells: &[String; 6], widths: &[usize; 6]) {
    let mut line = String::new();
    for (index, (cell, width)) in cells.iter().zip(widths).enumerate() {
        if index > 0 {
            line.push_str("  ");
        }
        let _ = write!(line, "{cell:<width$}");
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

/// Formats every field of one delivery, for `dlq show`.
///
/// A UTF-8 body is printed as text; a body that is not UTF-8, or contains
/// control characters other than line breaks and tabs, is printed as
/// lowercase hex, 32 bytes a line. The `body` line says which.
pub fn show_human(delivery: &Delivery) -> String {
    let mut out = String::new();
    let message = &delivery.message;
    let mut field = |name: &str, value: &str| {
        let _ = writeln!(out, "{name:<16} {}", printable(value));
    };
    field("id:", &delivery.id.to_string());
    field("webhook id:", &message.webhook_id);
    field("state:", state_name(delivery.state));
    field("endpoint:", &message.endpoint);
    field("event type:", &message.event_type);
    field("attempts:", &delivery.attempts.to_string());
    let (last_error, response_body) =
        split_response_body(delivery.last_error.as_deref().unwrap_or("(none)"));
    field("last error:", last_error);
    if let Some(response_body) = response_body {
        field("response body:", response_body);
    }
    field("created at:", &format_instant(delivery.created_at));
    match delivery.dead_at {
        Some(dead_at) => field("dead at:", &format_instant(dead_at)),
        None => field("next attempt:", &format_instant(delivery.next_attempt_at)),
    }

    out.push_str("headers:\n");
    if message.headers.is_empty() {
        out.push_str("  (none)\n");
    }
    for (name, value) in &message.headers {
        let _ = writeln!(out, "  {}: {}", printable(name), printable(value));
    }

    let length = message.body.len();
    match std::str::from_utf8(&message.body) {
        Ok(text) if !text.chars().any(is_binary_control) => {
            let _ = writeln!(out, "body ({length} bytes, UTF-8 text):");
            let text = printable(text);
            out.push_str(&text);
            if !text.is_empty() && !text.ends_with('\n') {
                out.push('\n');
            }
        }
        Ok(_) => {
            let _ = writeln!(
                out,
                "body ({length} bytes, UTF-8 with control characters, shown as hex):"
            );
            push_hex_lines(&mut out, &message.body);
        }
        Err(_) => {
            let _ = writeln!(out, "body ({length} bytes, not UTF-8, shown as hex):");
            push_hex_lines(&mut out, &message.body);
        }
    }
    out
}

/// Splits a stored error into the attempt's error and the excerpt of the
/// endpoint's response body that the sender appends behind
/// [`RESPONSE_BODY_LABEL`], if any.
fn split_response_body(error: &str) -> (&str, Option<&str>) {
    match error.split_once(RESPONSE_BODY_LABEL) {
        Some((attempt, body)) => (attempt, Some(body)),
        None => (error, None),
    }
}

/// Returns whether `c` marks a body as binary for human output: a control
/// character other than the line breaks and tabs of ordinary text.
fn is_binary_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\r' | '\t')
}

fn push_hex_lines(out: &mut String, bytes: &[u8]) {
    for chunk in bytes.chunks(HEX_LINE_BYTES) {
        out.push_str(&hex(chunk));
        out.push('\n');
    }
}

/// Builds a summary object per delivery (no headers or body), for
/// `dlq list`.
pub fn list_json(deliveries: &[Delivery]) -> Value {
    Value::Array(deliveries.iter().map(summary_json).collect())
}

/// Builds an object with every field of one delivery, for `dlq show`. The body is a string in
/// `body`, with `body_encoding` `"utf-8"` or, for any other bytes, `"hex"`.
pub fn show_json(delivery: &Delivery) -> Value {
    let mut value = summary_json(delivery);
    let message = &delivery.message;
    let (encoding, body) = match std::str::from_utf8(&message.body) {
        Ok(text) => ("utf-8", text.to_owned()),
        Err(_) => ("hex", hex(&message.body)),
    };
    if let Value::Object(object) = &mut value {
        let headers: Vec<Value> = message
            .headers
            .iter()
            .map(|(name, header_value)| json!([name, header_value]))
            .collect();
        object.insert("headers".into(), Value::Array(headers));
        object.insert("body_encoding".into(), json!(encoding));
        object.insert("body".into(), json!(body));
    }
    value
}

fn summary_json(delivery: &Delivery) -> Value {
    json!({
        "id": delivery.id.0,
        "webhook_id": delivery.message.webhook_id,
        "state": state_name(delivery.state),
        "endpoint": delivery.message.endpoint,
        "event_type": delivery.message.event_type,
        "attempts": delivery.attempts,
        "last_error": delivery.last_error,
        "created_at": format_instant(delivery.created_at),
        "next_attempt_at": match delivery.state {
            DeliveryState::Pending => Some(format_instant(delivery.next_attempt_at)),
            DeliveryState::Dead => None,
        },
        "dead_at": delivery.dead_at.map(format_instant),
        "body_bytes": delivery.message.body.len(),
    })
}

fn state_name(state: DeliveryState) -> &'static str {
    match state {
        DeliveryState::Pending => "pending",
        DeliveryState::Dead => "dead",
    }
}

fn hex(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(text, "{byte:02x}");
    }
    text
}

/// Escapes control characters other than line feed and tab as `\u{..}`,
/// so stored text cannot move the cursor or change colours.
fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && !matches!(c, '\n' | '\t') {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// Shortens `text` to at most `max_chars` characters by keeping its end,
/// marked with a leading `…`, and replaces line breaks so a list row stays
/// on one line.
///
/// Errors nest as `context: cause`, with the cause last, so the kept end
/// starts after a `": "` separator when one leaves a tail that fits.
/// Otherwise the last `max_chars - 1` characters are kept.
fn keep_end(text: &str, max_chars: usize) -> String {
    let one_line = text.replace(['\n', '\r'], " ");
    let length = one_line.chars().count();
    if length <= max_chars {
        return one_line;
    }
    let room = max_chars.saturating_sub(1);
    let tail = one_line
        .match_indices(": ")
        .map(|(index, separator)| &one_line[index + separator.len()..])
        .find(|rest| !rest.is_empty() && rest.chars().count() <= room)
        .map(str::to_owned)
        .unwrap_or_else(|| one_line.chars().skip(length - room).collect());
    format!("…{tail}")
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use hookforge::outbox::{DeliveryId, NewDelivery};

    use super::*;

    fn dead_letter(body: &[u8]) -> Delivery {
        Delivery {
            id: DeliveryId(3),
            message: NewDelivery {
                webhook_id: "msg_1".into(),
                endpoint: "http://127.0.0.1:9/\u{1b}[2J".into(),
                event_type: "a.b".into(),
                headers: Vec::new(),
                body: body.to_vec(),
            },
            state: DeliveryState::Dead,
            attempts: 1,
            last_error: Some("line one\nline two".into()),
            created_at: UNIX_EPOCH,
            next_attempt_at: UNIX_EPOCH,
            dead_at: Some(UNIX_EPOCH),
        }
    }

    #[test]
    fn show_escapes_terminal_sequences() {
        let text = show_human(&dead_letter(b"ok"));
        assert!(!text.contains('\u{1b}'), "{text:?}");
        assert!(text.contains("http://127.0.0.1:9/\\u{1b}[2J"), "{text}");
    }

    #[test]
    fn show_prints_control_bytes_as_hex() {
        let text = show_human(&dead_letter(b"a\x1bb"));
        assert!(
            text.ends_with(
                "body (3 bytes, UTF-8 with control characters, shown as hex):\n611b62\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn show_keeps_line_breaks_as_text() {
        let text = show_human(&dead_letter(b"a\r\n\tb"));
        assert!(
            text.ends_with("body (5 bytes, UTF-8 text):\na\\u{d}\n\tb\n"),
            "{text}"
        );
    }

    #[test]
    fn show_json_keeps_control_text_exact() {
        let value = show_json(&dead_letter(b"a\x1bb"));
        assert_eq!(value["body_encoding"], "utf-8");
        assert_eq!(value["body"], "a\u{1b}b");
    }

    #[test]
    fn list_row_stays_on_one_line() {
        let text = list_human(&[dead_letter(b"")]);
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(text.contains("line one line two"), "{text}");
    }

    #[test]
    fn show_prints_response_body_line() {
        let mut delivery = dead_letter(b"");
        delivery.last_error = Some(
            "HTTP 400 Bad Request; the attempt failed permanently; \
             response body: {\"error\": \"bad \u{1b}[2J\"}"
                .into(),
        );
        let text = show_human(&delivery);
        assert!(
            text.contains(
                "last error:      HTTP 400 Bad Request; the attempt failed permanently\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("response body:   {\"error\": \"bad \\u{1b}[2J\"}\n"),
            "{text}"
        );
    }

    #[test]
    fn show_without_response_body_has_no_line() {
        let text = show_human(&dead_letter(b""));
        assert!(!text.contains("response body:"), "{text}");
    }

    #[test]
    fn list_row_leaves_out_response_body() {
        let mut delivery = dead_letter(b"");
        delivery.last_error = Some(
            "HTTP 400 Bad Request; the attempt failed permanently; \
             response body: {\"error\": \"the payload does not match its schema\"}"
                .into(),
        );
        let text = list_human(&[delivery]);
        assert!(
            text.contains("HTTP 400 Bad Request; the attempt failed permanently\n"),
            "{text}"
        );
        assert!(!text.contains("schema"), "{text}");
    }

    #[test]
    fn keep_end_leaves_short_text() {
        assert_eq!(keep_end("abcd", 4), "abcd");
    }

    #[test]
    fn keep_end_keeps_last_characters() {
        assert_eq!(keep_end("abcdef", 4), "…def");
    }

    #[test]
    fn keep_end_starts_after_separator() {
        let error = "error sending request for url (http://127.0.0.1:3917/hooks): \
                     client error (Connect): tcp connect error: Connection refused \
                     (os error 111)";
        let kept = keep_end(error, LIST_ERROR_CHARS);
        assert_eq!(
            kept,
            "…tcp connect error: Connection refused (os error 111)"
        );
        assert!(kept.chars().count() <= LIST_ERROR_CHARS);
    }

    #[test]
    fn keep_end_cuts_long_last_part() {
        let error = format!("context: {}", "x".repeat(100));
        let kept = keep_end(&error, 10);
        assert_eq!(kept, format!("…{}", "x".repeat(9)));
    }

    #[test]
    fn list_row_shows_end_of_long_error() {
        let mut delivery = dead_letter(b"");
        delivery.last_error = Some(format!(
            "error sending request for url (http://127.0.0.1:3917/hooks): {}: Connection refused",
            "y".repeat(80)
        ));
        let text = list_human(&[delivery]);
        assert!(text.contains("…Connection refused"), "{text}");
        assert!(!text.contains("error sending request"), "{text}");
    }
}
