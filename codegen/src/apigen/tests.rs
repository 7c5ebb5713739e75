//! Unit tests of the API generator.
