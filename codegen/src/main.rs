//! The `hookforge` command-line tool.

fn main() {}
