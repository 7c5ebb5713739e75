//! Conversions between outbox types and the column values both database
//! backends store: times as Unix milliseconds, headers as a JSON array of
//! `[name, value]` pairs, the state as a small integer.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{DeadLetterFilter, Delivery, DeliveryId, DeliveryState, NewDelivery, StoreError};

/// Column value of [`DeliveryState::Pending`].
pub(crate) const STATE_PENDING: i64 = 0;
/// Column value of [`DeliveryState::Dead`].
pub(crate) const STATE_DEAD: i64 = 1;

/// Converts `time` to signed Unix milliseconds, saturating at the ends of
/// the `i64` range.
pub(crate) fn to_millis(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_millis())
            .map(|millis| -millis)
            .unwrap_or(i64::MIN),
    }
}

/// Converts signed Unix milliseconds back to a time.
pub(crate) fn from_millis(millis: i64) -> SystemTime {
    let magnitude = Duration::from_millis(millis.unsigned_abs());
    if millis >= 0 {
        UNIX_EPOCH + magnitude
    } else {
        UNIX_EPOCH - magnitude
    }
}

/// Returns `now + lease` in Unix milliseconds, saturating.
pub(crate) fn lease_end_millis(now: SystemTime, lease: Duration) -> i64 {
    let lease_millis = i64::try_from(lease.as_millis()).unwrap_or(i64::MAX);
    to_millis(now).saturating_add(lease_millis)
}

/// Encodes headers as a JSON array of `[name, value]` pairs, which keeps
/// their order and duplicates.
pub(crate) fn encode_headers(headers: &[(String, String)]) -> String {
    let pairs: Vec<[&str; 2]> = headers
        .iter()
        .map(|(name, value)| [name.as_str(), value.as_str()])
        .collect();
    // serde_json fails only on maps with non-string keys and on `Serialize`
    // impls that return errors, and a list of string pairs has neither.
    serde_json::to_string(&pairs).unwrap_or_else(|_| String::from("[]"))
}

/// The columns of one delivery row, as both backends read them.
pub(crate) struct RawRow {
    pub id: i64,
    pub webhook_id: String,
    pub endpoint: String,
    pub event_type: String,
    pub headers: String,
    pub body: Vec<u8>,
    pub state: i64,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub next_attempt_at: i64,
    pub dead_at: Option<i64>,
}

impl RawRow {
    /// Decodes the row, rejecting values the store never writes.
    pub(crate) fn decode(self) -> Result<Delivery, StoreError> {
        let id = DeliveryId(self.id);
        let corrupt = |reason: String| StoreError::Corrupt { id, reason };

        let state = match self.state {
            STATE_PENDING => DeliveryState::Pending,
            STATE_DEAD => DeliveryState::Dead,
            other => return Err(corrupt(format!("unknown state {other}"))),
        };
        let attempts = u32::try_from(self.attempts)
            .map_err(|_| corrupt(format!("attempt count {} is out of range", self.attempts)))?;
        let pairs: Vec<(String, String)> = serde_json::from_str(&self.headers)
            .map_err(|error| corrupt(format!("headers are not a JSON list of pairs: {error}")))?;

        Ok(Delivery {
            id,
            message: NewDelivery {
                webhook_id: self.webhook_id,
                endpoint: self.endpoint,
                event_type: self.event_type,
                headers: pairs,
                body: self.body,
            },
            state,
            attempts,
            last_error: self.last_error,
            created_at: from_millis(self.created_at),
            next_attempt_at: from_millis(self.next_attempt_at),
            dead_at: self.dead_at.map(from_millis),
        })
    }
}

/// One bound value of a dead-letter filter.
pub(crate) enum FilterParam<'a> {
    Text(&'a str),
    Millis(i64),
    Id(i64),
}

/// Builds the conditions of `filter` (without its `limit`) as SQL to append
/// after a `WHERE state = <dead>` clause, with the values to bind.
///
/// `placeholder` renders the n-th parameter (1-based) in the backend's
/// syntax, and numbering starts after `bound_before` parameters the caller
/// already uses.
pub(crate) fn dead_filter_sql<'a>(
    filter: &'a DeadLetterFilter,
    bound_before: usize,
    placeholder: fn(usize) -> String,
) -> (String, Vec<FilterParam<'a>>) {
    let mut sql = String::new();
    let mut params = Vec::new();
    // NOTE: each id is one bound parameter, so a list longer than the
    // backend's parameter limit (32 766 in SQLite since 3.32, 65 535 in
    // PostgreSQL) fails with a backend error.
    if !filter.ids.is_empty() {
        let mut placeholders = Vec::with_capacity(filter.ids.len());
        for id in &filter.ids {
            params.push(FilterParam::Id(id.0));
            placeholders.push(placeholder(bound_before + params.len()));
        }
        sql.push_str(&format!(" AND id IN ({})", placeholders.join(", ")));
    }

    let mut push = |column_test: &str, param: FilterParam<'a>| {
        params.push(param);
        let index = bound_before + params.len();
        sql.push_str(&format!(" AND {column_test} {}", placeholder(index)));
    };
    if let Some(endpoint) = &filter.endpoint {
        push("endpoint =", FilterParam::Text(endpoint));
    }
    if let Some(event_type) = &filter.event_type {
        push("event_type =", FilterParam::Text(event_type));
    }
    if let Some(since) = filter.dead_since {
        push("dead_at >=", FilterParam::Millis(to_millis(since)));
    }
    if let Some(before) = filter.dead_before {
        push("dead_at <", FilterParam::Millis(to_millis(before)));
    }
    (sql, params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_sql_numbers_ids_first() {
        let filter = DeadLetterFilter {
            ids: vec![DeliveryId(4), DeliveryId(9)],
            endpoint: Some("http://127.0.0.1/".into()),
            ..DeadLetterFilter::default()
        };
        let (sql, params) = dead_filter_sql(&filter, 1, |index| format!("${index}"));
        assert_eq!(sql, " AND id IN ($2, $3) AND endpoint = $4");
        assert_eq!(params.len(), 3);
        assert!(matches!(params[0], FilterParam::Id(4)));
        assert!(matches!(params[1], FilterParam::Id(9)));
    }

    #[test]
    fn filter_sql_empty_ids_add_nothing() {
        let filter = DeadLetterFilter::default();
        let (sql, params) = dead_filter_sql(&filter, 1, |index| format!("?{index}"));
        assert_eq!(sql, "");
        assert!(params.is_empty());
    }

    #[test]
    fn millis_round_trip() {
        for millis in [0, 1, 1_700_000_000_123, -1, -86_400_000] {
            assert_eq!(to_millis(from_millis(millis)), millis);
        }
    }

    #[test]
    fn millis_truncate_sub_millisecond() {
        let time = UNIX_EPOCH + Duration::from_micros(1_999);
        assert_eq!(to_millis(time), 1);
    }

    #[test]
    fn lease_end_saturates() {
        let end = lease_end_millis(UNIX_EPOCH, Duration::MAX);
        assert_eq!(end, i64::MAX);
    }

    #[test]
    fn headers_keep_order_and_duplicates() {
        let headers = vec![
            ("b".to_owned(), "1".to_owned()),
            ("a".to_owned(), "2".to_owned()),
            ("b".to_owned(), "3".to_owned()),
        ];
        let text = encode_headers(&headers);
        let decoded: Vec<(String, String)> = serde_json::from_str(&text).expect("headers decode");
        assert_eq!(decoded, headers);
    }

    #[test]
    fn decode_rejects_negative_attempts() {
        let row = RawRow {
            id: 7,
            webhook_id: "msg_1".into(),
            endpoint: "http://127.0.0.1/".into(),
            event_type: "a.b".into(),
            headers: "[]".into(),
            body: Vec::new(),
            state: STATE_PENDING,
            attempts: -1,
            last_error: None,
            created_at: 0,
            next_attempt_at: 0,
            dead_at: None,
        };
        let error = row.decode().expect_err("negative attempts must fail");
        assert!(matches!(
            error,
            StoreError::Corrupt {
                id: DeliveryId(7),
                ..
            }
        ));
    }
}
