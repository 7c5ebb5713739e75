//! The CloudEvents HTTP binding: binary and structured modes.
