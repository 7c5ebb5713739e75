//! `hookforge dlq list|show|replay|purge`: the dead-letter queue of a
//! sender's outbox, from the shell.
//!
//! The store is named by `--store sqlite:PATH` or `--store
//! postgres://...`; PostgreSQL tables live in the schema given by
//! `--schema`.

mod change;
mod render;
mod time;

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use clap::{Args, Subcommand, ValueEnum};
use hookforge::outbox::postgres::{PostgresOutbox, DEFAULT_SCHEMA};
use hookforge::outbox::sqlite::SqliteOutbox;
use hookforge::outbox::{DeadLetterFilter, DeliveryId, OutboxStore, StoreError};

/// Options of `hookforge dlq`.
#[derive(Debug, Args)]
pub struct DlqArgs {
    #[command(subcommand)]
    command: DlqCommand,
}

/// The exit codes of `dlq list`, shown under its help.
const LIST_EXIT_STATUS: &str = "Exit status:
  0  success (also when no dead letter matches)
  2  a usage error, or the store could not be opened or read";

/// The exit codes of `dlq show`, shown under its help.
const SHOW_EXIT_STATUS: &str = "Exit status:
  0  success
  1  no delivery has that id
  2  a usage error, or the store could not be opened or read";

/// The exit codes of `dlq replay` and `dlq purge`, shown under their help.
const CHANGE_EXIT_STATUS: &str = "Exit status:
  0  success (also when no dead letter matches)
  1  an --id names no delivery, or a pending one; nothing was changed
  2  a usage error, or the store could not be opened, read or written";

#[derive(Debug, Subcommand)]
enum DlqCommand {
    /// List dead letters, oldest death first.
    ///
    /// In human output, a LAST ERROR longer than 60 characters is shortened
    /// to its end, where the cause is, behind a leading `…`. `dlq show ID`
    /// prints it whole.
    #[command(after_help = LIST_EXIT_STATUS)]
    List(ListArgs),
    /// Print one delivery (dead or pending) with its headers and body.
    #[command(after_help = SHOW_EXIT_STATUS)]
    Show(ShowArgs),
    /// Move matching dead letters back to the queue, due now.
    ///
    /// Each keeps its webhook id and body, and its attempt count restarts
    /// at zero. Receivers that deduplicate by webhook id recognise
    /// deliveries they already handled. Without --id or a filter, --all is
    /// required.
    #[command(after_help = CHANGE_EXIT_STATUS)]
    Replay(change::ChangeArgs),
    /// Delete matching dead letters.
    ///
    /// Without --id or a filter, --all is required.
    #[command(after_help = CHANGE_EXIT_STATUS)]
    Purge(change::ChangeArgs),
}

/// Store selection options.
#[derive(Debug, Args)]
struct StoreArgs {
    /// The outbox: `sqlite:PATH` for a SQLite file (which must exist), or
    /// a `postgres://` or `postgresql://` connection URL.
    #[arg(long, value_name = "STORE")]
    store: String,

    /// PostgreSQL schema that contains the outbox tables [default:
    /// hookforge]. Not valid with a SQLite store.
    #[arg(long, value_name = "NAME")]
    schema: Option<String>,
}

/// Dead-letter filter options. Every option given must match.
#[derive(Debug, Args)]
struct FilterArgs {
    /// Only deliveries to this exact endpoint URL.
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,

    /// Only deliveries of this exact event type.
    #[arg(long, value_name = "TYPE")]
    event_type: Option<String>,

    /// Only deliveries that died at or after TIME (RFC 3339, such as
    /// 2026-12-04T20:30:00Z, or Unix seconds).
    #[arg(long, value_name = "TIME", value_parser = time::parse_instant)]
    since: Option<SystemTime>,

    /// Only deliveries that died before TIME (RFC 3339 or Unix seconds).
    #[arg(long, value_name = "TIME", value_parser = time::parse_instant)]
    until: Option<SystemTime>,
}

impl FilterArgs {
    fn filter(&self) -> DeadLetterFilter {
        DeadLetterFilter {
            endpoint: self.endpoint.clone(),
            event_type: self.event_type.clone(),
            dead_since: self.since,
            dead_before: self.until,
            ..DeadLetterFilter::default()
        }
    }

    fn is_empty(&self) -> bool {
        self.endpoint.is_none()
            && self.event_type.is_none()
            && self.since.is_none()
            && self.until.is_none()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Aligned text for people.
    Human,
    /// JSON for scripts.
    Json,
}

#[derive(Debug, Args)]
struct ListArgs {
    #[command(flatten)]
    store: StoreArgs,
    #[command(flatten)]
    filter: FilterArgs,

    /// Print at most N dead letters (the oldest).
    #[arg(long, value_name = "N")]
    limit: Option<u32>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Debug, Args)]
struct ShowArgs {
    #[command(flatten)]
    store: StoreArgs,

    /// The delivery id, as `dlq list` prints it.
    #[arg(value_name = "ID")]
    id: i64,

    /// Output format. In human output a body that is not UTF-8 is printed
    /// as hex; in JSON, `body_encoding` is `utf-8` or `hex`.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

/// A failure, with the exit code it maps to.
#[derive(Debug)]
enum Failure {
    /// Exit 1: no delivery has this id.
    NotFound(DeliveryId),
    /// Exit 1: `replay` or `purge` named a pending delivery by id.
    NotDead(DeliveryId),
    /// Exit 2: bad options, or the store failed.
    Usage(String),
    Store(StoreError),
    Output(io::Error),
}

/// Runs a `dlq` subcommand. Returns 0 on success, 1 when an id names no
/// delivery (or, for `replay` and `purge`, a pending one), and 2 on a
/// usage error or a store or output failure.
pub fn run(args: &DlqArgs) -> ExitCode {
    match run_command(&args.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::NotFound(id)) => {
            eprintln!("error: no delivery has id {id}");
            ExitCode::from(1)
        }
        Err(Failure::NotDead(id)) => {
            eprintln!(
                "error: delivery {id} is pending, not a dead letter; replay and purge change \
                 dead letters only, so nothing was changed"
            );
            ExitCode::from(1)
        }
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Store(error)) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
        // A closed pipe (`hookforge dlq list | head`) is not worth a message.
        Err(Failure::Output(error)) if error.kind() == io::ErrorKind::BrokenPipe => {
            ExitCode::from(2)
        }
        Err(Failure::Output(error)) => {
            eprintln!("error: cannot write output: {error}");
            ExitCode::from(2)
        }
    }
}

fn run_command(command: &DlqCommand) -> Result<(), Failure> {
    let store_args = match command {
        DlqCommand::List(args) => &args.store,
        DlqCommand::Show(args) => &args.store,
        DlqCommand::Replay(args) => &args.store,
        DlqCommand::Purge(args) => &args.store,
    };
    // Check the selection before the store is opened, so a rejected
    // command touches nothing.
    match command {
        DlqCommand::Replay(args) => args.check_selection("replay", "replay")?,
        DlqCommand::Purge(args) => args.check_selection("purge", "delete")?,
        DlqCommand::List(_) | DlqCommand::Show(_) => {}
    }
    let location = StoreLocation::parse(store_args)?;

    // One thread is plenty for a handful of statements.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| Failure::Usage(format!("cannot start the async runtime: {error}")))?;
    runtime.block_on(async {
        match location {
            StoreLocation::Sqlite(path) => {
                let store = SqliteOutbox::open_existing(&path).map_err(Failure::Store)?;
                execute(&store, command).await
            }
            StoreLocation::Postgres { url, schema } => {
                let store = PostgresOutbox::connect(&url, &schema)
                    .await
                    .map_err(Failure::Store)?;
                execute(&store, command).await
            }
        }
    })
}

/// Store location parsed from `--store` and `--schema`.
enum StoreLocation {
    Sqlite(PathBuf),
    Postgres { url: String, schema: String },
}

impl StoreLocation {
    fn parse(args: &StoreArgs) -> Result<Self, Failure> {
        if let Some(path) = args.store.strip_prefix("sqlite:") {
            if args.schema.is_some() {
                return Err(Failure::Usage(
                    "--schema applies to PostgreSQL stores only".into(),
                ));
            }
            if path.is_empty() {
                return Err(Failure::Usage(
                    "--store sqlite: needs a file path, as in sqlite:/var/lib/app/outbox.db".into(),
                ));
            }
            let path = PathBuf::from(path);
            // A clearer message than SQLite's "unable to open database file".
            if !path.is_file() {
                return Err(Failure::Usage(format!(
                    "no SQLite file at {}; check the path given to --store",
                    path.display()
                )));
            }
            return Ok(Self::Sqlite(path));
        }
        if args.store.starts_with("postgres://") || args.store.starts_with("postgresql://") {
            return Ok(Self::Postgres {
                url: args.store.clone(),
                schema: args
                    .schema
                    .clone()
                    .unwrap_or_else(|| DEFAULT_SCHEMA.to_owned()),
            });
        }
        // The value may be a URL with a password, so it is not echoed.
        Err(Failure::Usage(
            "invalid --store: expected sqlite:PATH or a postgres:// URL".into(),
        ))
    }
}

async fn execute<S: OutboxStore>(store: &S, command: &DlqCommand) -> Result<(), Failure> {
    let mut stdout = io::stdout().lock();
    match command {
        DlqCommand::List(args) => {
            let filter = DeadLetterFilter {
                limit: args.limit,
                ..args.filter.filter()
            };
            let deliveries = store.list_dead(&filter).await.map_err(Failure::Store)?;
            match args.format {
                Format::Human if deliveries.is_empty() => {
                    eprintln!("no dead letters match");
                }
                Format::Human => write!(stdout, "{}", render::list_human(&deliveries))
                    .map_err(Failure::Output)?,
                Format::Json => writeln!(stdout, "{:#}", render::list_json(&deliveries))
                    .map_err(Failure::Output)?,
            }
        }
        DlqCommand::Show(args) => {
            let id = DeliveryId(args.id);
            let delivery = store
                .get(id)
                .await
                .map_err(Failure::Store)?
                .ok_or(Failure::NotFound(id))?;
            match args.format {
                Format::Human => write!(stdout, "{}", render::show_human(&delivery)),
                Format::Json => writeln!(stdout, "{:#}", render::show_json(&delivery)),
            }
            .map_err(Failure::Output)?;
        }
        DlqCommand::Replay(args) => {
            let filter = args.filter();
            change::check_dead(store, &filter.ids).await?;
            let replayed = store
                .replay(&filter, SystemTime::now())
                .await
                .map_err(Failure::Store)?;
            writeln!(stdout, "replayed {replayed} dead {}", letters(replayed))
                .map_err(Failure::Output)?;
        }
        DlqCommand::Purge(args) => {
            let filter = args.filter();
            change::check_dead(store, &filter.ids).await?;
            let purged = store.purge(&filter).await.map_err(Failure::Store)?;
            writeln!(stdout, "purged {purged} dead {}", letters(purged))
                .map_err(Failure::Output)?;
        }
    }
    stdout.flush().map_err(Failure::Output)
}

fn letters(count: u64) -> &'static str {
    if count == 1 {
        "letter"
    } else {
        "letters"
    }
}
