//! Channel parameters: the names in an address and the declared
//! `parameters` match one to one.

use std::collections::HashSet;

use super::inventory::Channel;
use super::template::placeholders;
use super::walk::{field_entries, pointer_text};
use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::validate::structure::formats::braces_balanced;

/// Reports address parameters that are not declared and declared
/// parameters that the address does not use.
pub(super) fn check(context: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for channel in &context.inventory.channels {
        check_channel(context, channel, out);
    }
}

fn check_channel(context: &Context<'_>, channel: &Channel<'_>, out: &mut Vec<Diagnostic>) {
    // A null or absent 3.x address is unknown until run time, so there is
    // nothing to compare the parameters with.
    let Some(address) = &channel.address else {
        return;
    };
    // An unclosed `{` hides the names after it; the structural rules
    // report the address, and matching it would add misleading errors.
    if !braces_balanced(address.text) {
        return;
    }
    let used = placeholders(address.text);
    let declared = field_entries(context.document, &channel.node, "parameters");
    let declared_names: HashSet<&str> = declared.iter().map(|p| p.name).collect();

    let mut reported = HashSet::new();
    for name in &used {
        if declared_names.contains(name) || !reported.insert(*name) {
            continue;
        }
        let where_declared = if declared.is_empty() {
            "the channel has no `parameters`".to_owned()
        } else {
            let names: Vec<&str> = declared.iter().map(|p| p.name).collect();
            format!("`parameters` declares only {}", names.join(", "))
        };
        out.push(
            Diagnostic::error(
                Code::ParameterUndeclared,
                format!(
                    "channel address {:?} uses parameter {{{name}}}, but {where_declared}",
                    address.text
                ),
            )
            .at(address.pointer.clone(), address.span)
            .with_help(format!(
                "declare it as `parameters: {{{name}: {{...}}}}` on the channel, or remove {{{name}}} from the address"
            )),
        );
    }

    for parameter in &declared {
        if used.contains(&parameter.name) {
            continue;
        }
        out.push(
            Diagnostic::error(
                Code::ParameterUnused,
                format!(
                    "channel parameter {:?} is not used in the address {:?}",
                    parameter.name, address.text
                ),
            )
            .at(pointer_text(&parameter.value), parameter.key_span)
            .with_help(format!(
                "use it in the address as {{{}}}, or remove the parameter; the names must match exactly",
                parameter.name
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{assert_no_semantic_errors, with_code};
    use crate::diagnostic::Code;

    /// A 3.0 channel whose address uses one parameter declared by `$ref`
    /// and one inline, next to a channel without parameters.
    const ADDRESS_PARAMETERS: &str = r"asyncapi: 3.0.0
info: {title: address parameters, version: 1.0.0}
channels:
  userCreated:
    address: users/{userId}/created/{region}
    parameters:
      userId:
        $ref: '#/components/parameters/userId'
      region:
        enum: [eu, us]
        default: eu
    messages:
      created:
        payload: {type: object, properties: {name: {type: string}}}
  staticChannel:
    address: users/all
operations:
  sendUserCreated:
    action: send
    channel: {$ref: '#/channels/userCreated'}
components:
  parameters:
    userId:
      description: identifier of the user
      examples: [u1]
";

    #[test]
    fn parameters_by_ref_and_inline_pass() {
        assert_no_semantic_errors(ADDRESS_PARAMETERS);
    }

    #[test]
    fn undeclared_without_parameters_object() {
        let text = r"asyncapi: 2.6.0
info: {title: t, version: '1'}
channels:
  users/{userId}:
    publish:
      message: {payload: {type: string}}
";
        let found = with_code(text, Code::ParameterUndeclared);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].pointer, "/channels/users~1{userId}");
        assert_eq!(found[0].span.map(|s| s.start.line), Some(4));
        assert!(
            found[0].message.contains("{userId}"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn undeclared_v3_points_at_address() {
        let text = r"asyncapi: 3.0.0
info: {title: t, version: '1'}
channels:
  c:
    address: users/{userId}/{other}
    parameters:
      userId: {}
";
        let found = with_code(text, Code::ParameterUndeclared);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].pointer, "/channels/c/address");
        assert!(found[0].message.contains("{other}"), "{}", found[0].message);
    }

    #[test]
    fn unused_parameter_at_its_key() {
        let text = r"asyncapi: 3.0.0
info: {title: t, version: '1'}
channels:
  c:
    address: users/{userId}
    parameters:
      userId: {}
      region: {}
";
        let found = with_code(text, Code::ParameterUnused);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].pointer, "/channels/c/parameters/region");
        assert_eq!(
            found[0].span.map(|s| (s.start.line, s.start.column)),
            Some((8, 7))
        );
    }

    #[test]
    fn null_address_skips_parameters() {
        let text = r"asyncapi: 3.0.0
info: {title: t, version: '1'}
channels:
  c:
    address: null
    parameters:
      userId: {}
";
        assert!(with_code(text, Code::ParameterUnused).is_empty());
    }

    #[test]
    fn shared_component_channel_checked_per_address() {
        let text = r"asyncapi: 2.6.0
info: {title: t, version: '1'}
channels:
  a/{id}:
    $ref: '#/components/channels/shared'
  b/{key}:
    $ref: '#/components/channels/shared'
components:
  channels:
    shared:
      parameters:
        id: {schema: {type: string}}
";
        let undeclared = with_code(text, Code::ParameterUndeclared);
        assert_eq!(undeclared.len(), 1);
        assert_eq!(undeclared[0].pointer, "/channels/b~1{key}");
        let unused = with_code(text, Code::ParameterUnused);
        assert_eq!(unused.len(), 1);
        assert!(
            unused[0].message.contains("b/{key}"),
            "{}",
            unused[0].message
        );
    }
}
