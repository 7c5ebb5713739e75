//! Selection of the dead letters that `dlq replay` and `dlq purge`
//! change: by id, by filter, or all of them.

use clap::Args;
use hookforge::outbox::{DeadLetterFilter, DeliveryId, DeliveryState, OutboxStore};

use super::{Failure, FilterArgs, StoreArgs};

/// Options of `dlq replay` and `dlq purge`, which change dead letters.
#[derive(Debug, Args)]
pub(super) struct ChangeArgs {
    #[command(flatten)]
    pub(super) store: StoreArgs,
    #[command(flatten)]
    filter: FilterArgs,

    /// Only the dead letter with this id, as `dlq list` prints it. Repeat
    /// the option for several. Filters given as well must also match. An
    /// id that names no delivery, or a pending one, is an error and nothing
    /// is changed.
    #[arg(long = "id", value_name = "ID")]
    ids: Vec<i64>,

    /// Act on every dead letter. Required when neither --id nor a filter is
    /// given, so a forgotten option never touches the whole queue.
    #[arg(long, conflicts_with_all = ["endpoint", "event_type", "since", "until", "ids"])]
    all: bool,
}

impl ChangeArgs {
    /// Fails when nothing selects dead letters and `--all` is missing.
    /// `command` and `effect` name the subcommand and what it does to a
    /// dead letter, for the message.
    pub(super) fn check_selection(&self, command: &str, effect: &str) -> Result<(), Failure> {
        if self.ids.is_empty() && self.filter.is_empty() && !self.all {
            return Err(Failure::Usage(format!(
                "{command} without --id or a filter would {effect} every dead letter; pass \
                 --all to confirm, or select with --id, --endpoint, --event-type, --since or \
                 --until"
            )));
        }
        Ok(())
    }

    pub(super) fn filter(&self) -> DeadLetterFilter {
        DeadLetterFilter {
            ids: self.ids.iter().copied().map(DeliveryId).collect(),
            ..self.filter.filter()
        }
    }
}

/// Fails unless every id names a dead letter, before anything changes.
///
/// NOTE: a worker may dead-letter or complete a row between this check and
/// the change. The change itself still touches dead letters only.
pub(super) async fn check_dead<S: OutboxStore>(
    store: &S,
    ids: &[DeliveryId],
) -> Result<(), Failure> {
    for &id in ids {
        let delivery = store
            .get(id)
            .await
            .map_err(Failure::Store)?
            .ok_or(Failure::NotFound(id))?;
        if delivery.state != DeliveryState::Dead {
            return Err(Failure::NotDead(id));
        }
    }
    Ok(())
}
