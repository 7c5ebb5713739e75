//! The Components Object: reusable objects by name.

use indexmap::IndexMap;

use super::reader::{Located, Reader};
use super::server::server_variable;
use super::{
    CorrelationId, Extensions, Message, Parameter, SchemaRef, SecurityScheme, ServerVariable,
};

/// Reusable objects of the document (the Components Object).
///
/// Channels, operations, servers, replies, traits and bindings under
/// `components` are not listed here: the model reads them where a `$ref`
/// uses them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Components {
    /// Schemas by name, as handles.
    pub schemas: IndexMap<String, SchemaRef>,
    /// Messages by name, with their traits merged.
    pub messages: IndexMap<String, Message>,
    /// Security schemes by name.
    pub security_schemes: IndexMap<String, SecurityScheme>,
    /// Channel parameters by name.
    pub parameters: IndexMap<String, Parameter>,
    /// Correlation ids by name.
    pub correlation_ids: IndexMap<String, CorrelationId>,
    /// Server variables by name.
    pub server_variables: IndexMap<String, ServerVariable>,
    /// `x-` extensions of the Components Object.
    pub extensions: Extensions,
}

impl Reader<'_> {
    /// Reads the `components` of `root`; entries that are not objects are
    /// skipped.
    pub(crate) fn components(&self, root: &Located<'_>) -> Components {
        let Some(components) = self.object_field(root, "components") else {
            return Components::default();
        };
        let section = |key: &str| {
            components
                .field(key)
                .map(|section| section.entries())
                .unwrap_or_default()
        };
        Components {
            schemas: section("schemas")
                .into_iter()
                .filter_map(|(name, schema)| Some((name, self.schema(schema, None, None)?)))
                .collect(),
            messages: section("messages")
                .into_iter()
                .filter_map(|(name, message)| Some((name, self.message(message)?)))
                .collect(),
            security_schemes: section("securitySchemes")
                .into_iter()
                .filter_map(|(name, scheme)| {
                    Some((name, self.security_scheme(&self.object(scheme)?)))
                })
                .collect(),
            parameters: section("parameters")
                .into_iter()
                .filter_map(|(name, parameter)| {
                    Some((name, self.parameter(&self.object(parameter)?)))
                })
                .collect(),
            correlation_ids: section("correlationIds")
                .into_iter()
                .filter_map(|(name, id)| Some((name, self.correlation_id(id)?)))
                .collect(),
            server_variables: section("serverVariables")
                .into_iter()
                .filter_map(|(name, variable)| {
                    Some((name, server_variable(&self.object(variable)?)))
                })
                .collect(),
            extensions: components.extensions(),
        }
    }
}
