//! The Info Object and the small objects shared by many others: tags and
//! external documentation.

use super::reader::{Located, Reader};
use super::Extensions;

/// General information about the API (the Info Object).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Info {
    /// The API's title; empty when the document omits it.
    pub title: String,
    /// The API's own version; empty when the document omits it.
    pub version: String,
    /// Longer description, CommonMark allowed.
    pub description: Option<String>,
    /// URL of the terms of service.
    pub terms_of_service: Option<String>,
    /// Contact for the API.
    pub contact: Option<Contact>,
    /// License of the API.
    pub license: Option<License>,
    /// Tags of the API; a 2.x document's root `tags` land here, as in 3.0.
    pub tags: Vec<Tag>,
    /// Further documentation; a 2.x document's root `externalDocs` land
    /// here, as in 3.0.
    pub external_docs: Option<ExternalDocs>,
    /// `x-` extensions of the Info Object.
    pub extensions: Extensions,
}

/// Contact information (the Contact Object).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Contact {
    /// Name of the contact person or organization.
    pub name: Option<String>,
    /// URL of the contact information.
    pub url: Option<String>,
    /// Email address of the contact.
    pub email: Option<String>,
    /// `x-` extensions.
    pub extensions: Extensions,
}

/// License information (the License Object).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct License {
    /// License name, such as `Apache 2.0`.
    pub name: String,
    /// URL of the license text.
    pub url: Option<String>,
    /// `x-` extensions.
    pub extensions: Extensions,
}

/// A tag (the Tag Object).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tag {
    /// Tag name.
    pub name: String,
    /// Description of the tag.
    pub description: Option<String>,
    /// Further documentation for the tag.
    pub external_docs: Option<ExternalDocs>,
    /// `x-` extensions.
    pub extensions: Extensions,
}

/// A link to further documentation (the External Documentation Object).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExternalDocs {
    /// URL of the documentation.
    pub url: String,
    /// Description of the documentation.
    pub description: Option<String>,
    /// `x-` extensions.
    pub extensions: Extensions,
}

impl Reader<'_> {
    /// Reads the Info Object of `root`; 2.x root `tags` and `externalDocs`
    /// are moved into it.
    pub(crate) fn info(&self, root: &Located<'_>) -> Info {
        let Some(info) = self.object_field(root, "info") else {
            return Info::default();
        };
        // 2.x keeps tags and external docs at the root; 3.0 moved them into
        // the Info Object.
        let holder = if self.version.is_v2() { root } else { &info };
        let tags = self.tags(holder, "tags");
        let external_docs = self.external_docs(holder, "externalDocs");
        Info {
            title: info.string("title").unwrap_or_default(),
            version: info.string("version").unwrap_or_default(),
            description: info.string("description"),
            terms_of_service: info.string("termsOfService"),
            contact: self.object_field(&info, "contact").map(|contact| Contact {
                name: contact.string("name"),
                url: contact.string("url"),
                email: contact.string("email"),
                extensions: contact.extensions(),
            }),
            license: self.object_field(&info, "license").and_then(|license| {
                Some(License {
                    name: license.string("name")?,
                    url: license.string("url"),
                    extensions: license.extensions(),
                })
            }),
            tags,
            external_docs,
            extensions: info.extensions(),
        }
    }
}
