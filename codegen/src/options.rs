//! What to generate from a document, shared by the `build.rs` builder, the
//! CLI and the library entry points.

use crate::document::LoadOptions;

/// Whose side of the document the generated code takes.
///
/// An AsyncAPI document describes one application: in 3.x its `send`
/// operations are what that application sends, and in 2.x a `subscribe`
/// operation is what it sends (readers subscribe to it) while `publish` is
/// what it receives. [`Perspective::Application`] generates that
/// application; [`Perspective::Mirror`] generates its counterpart, such as
/// a webhook consumer built from its provider's document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Perspective {
    /// The application the document describes: a sender for its `send`
    /// operations and a handler for its `receive` operations.
    #[default]
    Application,
    /// The other side: a handler for the document's `send` operations and a
    /// sender for its `receive` operations.
    Mirror,
}

/// Settings of one generation run.
#[derive(Debug, Clone, Default)]
pub struct GenerateOptions {
    /// How the document and the files it references are read.
    pub load: LoadOptions,
    /// Whose side the senders and handlers take.
    pub perspective: Perspective,
    /// Derives added to every generated struct and enum, as Rust paths
    /// (`"Hash"`, `"schemars::JsonSchema"`).
    pub extra_derives: Vec<String>,
    /// Schemas replaced by a type of the application: the key is a
    /// component schema name (`"Money"`) or a JSON pointer into the root
    /// document (`"/components/schemas/Money"`), the value a Rust type
    /// path (`"crate::money::Money"`). The replaced schema gets no
    /// generated type, and every use of it names the replacement.
    pub type_replacements: Vec<(String, String)>,
}
