//! Operations grouped by the HTTP route or NATS subject filter that
//! receives them.
//!
//! Operations that one side receives with the same HTTP method and route
//! share one axum route, and those on the same NATS subject filter share
//! one dispatcher branch. Its decoder tries the messages of all of them,
//! the most specific first, and the handler method of the operation whose
//! message matched is called. Both perspectives group the same way:
//! the receiver to build the routes, the sender to leave out the client
//! methods whose messages no route would hand to their operation.

use std::cmp::Reverse;

use super::plan::OperationPlan;
use super::transport::Transport;
use crate::model::Location;
use crate::typegen::names::{pascal_case, snake_case, NameScope};

/// One route of the generated router, or one subject filter of the NATS
/// dispatcher.
#[derive(Debug)]
pub(super) struct RoutePlan {
    /// Upper-case HTTP method; `NATS` for a subject filter.
    pub http_method: String,
    /// The axum path, with parameters named `p0`, `p1`, ..., or the NATS
    /// subject filter.
    pub path: String,
    /// Indexes into `Plan::received` (or `Plan::nats_received`), in
    /// document order.
    pub operations: Vec<usize>,
    /// The dispatch items of a route with more than one operation.
    pub shared: Option<SharedRoute>,
}

/// The private enum and decoder of a route that several operations share.
#[derive(Debug)]
pub(super) struct SharedRoute {
    /// The enum with one variant per operation.
    pub enum_name: String,
    /// One variant name per entry of [`RoutePlan::operations`].
    pub variants: Vec<String>,
    /// The decoding function that returns the enum.
    pub decoder: String,
    /// The decoding order: `(position in RoutePlan::operations, candidate
    /// index)`, most specific payload first, with a message that an earlier
    /// operation of the route also carries left out.
    pub order: Vec<(usize, usize)>,
}

/// The reason an operation cannot join the route of an earlier operation.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Conflict {
    /// The earlier operation's channel has another address, or other
    /// allowed values for a parameter, so one parameters struct cannot
    /// serve both.
    Parameters { operation: String, address: String },
    /// Every message of the operation is also a message of an earlier
    /// operation on the route, which receives it.
    Shadowed { operation: String },
}

/// The routes seen so far by one side, in document order.
#[derive(Debug, Default)]
pub(super) struct RouteTable {
    groups: Vec<Group>,
}

#[derive(Debug)]
struct Group {
    transport: Transport,
    /// Whether this perspective sends the operations; the other side then
    /// receives them on this route.
    sends: bool,
    http_method: String,
    path: String,
    first_operation: String,
    address: String,
    allowed_values: Vec<Vec<String>>,
    /// The messages of the route's operations, with the operation that
    /// receives each.
    messages: Vec<(Location, String)>,
    /// Indexes into `Plan::received` (or `Plan::nats_received`) of the
    /// operations on the route.
    received: Vec<usize>,
}

/// An operation asking for a place on a route.
pub(super) struct RouteRequest<'a> {
    pub transport: Transport,
    pub sends: bool,
    pub operation_id: &'a str,
    pub http_method: &'a str,
    pub path: &'a str,
    pub address: &'a str,
    /// The allowed values of each address parameter, in address order.
    pub allowed_values: Vec<Vec<String>>,
    /// The locations of the operation's messages.
    pub messages: Vec<Location>,
}

/// The route an admitted operation joins.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Admission {
    /// The group index to pass to [`RouteTable::record_received`].
    pub group: usize,
    /// Messages of the operation that an earlier operation on the route
    /// also carries, with that operation's id. The earlier operation
    /// receives them.
    pub shadowed: Vec<(Location, String)>,
}

impl RouteTable {
    /// Admits an operation to its route, creating the route when it is the
    /// first operation on it.
    ///
    /// # Errors
    ///
    /// A [`Conflict`] when the route is taken by an operation whose
    /// parameters differ, or whose messages include all of this one's.
    pub fn admit(&mut self, request: RouteRequest<'_>) -> Result<Admission, Conflict> {
        let existing = self.groups.iter().position(|group| {
            group.transport == request.transport
                && group.sends == request.sends
                && group.http_method == request.http_method
                && group.path == request.path
        });
        let Some(index) = existing else {
            self.groups.push(Group {
                transport: request.transport,
                sends: request.sends,
                http_method: request.http_method.to_owned(),
                path: request.path.to_owned(),
                first_operation: request.operation_id.to_owned(),
                address: request.address.to_owned(),
                allowed_values: request.allowed_values,
                messages: request
                    .messages
                    .into_iter()
                    .map(|location| (location, request.operation_id.to_owned()))
                    .collect(),
                received: Vec::new(),
            });
            return Ok(Admission {
                group: self.groups.len() - 1,
                shadowed: Vec::new(),
            });
        };
        let group = &mut self.groups[index];
        if group.address != request.address || group.allowed_values != request.allowed_values {
            return Err(Conflict::Parameters {
                operation: group.first_operation.clone(),
                address: group.address.clone(),
            });
        }
        let shadowed: Vec<(Location, String)> = request
            .messages
            .iter()
            .filter_map(|location| {
                group
                    .messages
                    .iter()
                    .find(|(known, _)| known == location)
                    .cloned()
            })
            .collect();
        if shadowed.len() == request.messages.len() {
            let operation = shadowed
                .first()
                .map_or_else(|| group.first_operation.clone(), |(_, id)| id.clone());
            return Err(Conflict::Shadowed { operation });
        }
        for location in request.messages {
            if !group.messages.iter().any(|(known, _)| *known == location) {
                group
                    .messages
                    .push((location, request.operation_id.to_owned()));
            }
        }
        Ok(Admission {
            group: index,
            shadowed,
        })
    }

    /// Records that the received operation at `received` (an index into
    /// `Plan::received` or `Plan::nats_received`) serves on the route of
    /// `group`.
    pub fn record_received(&mut self, group: usize, received: usize) {
        self.groups[group].received.push(received);
    }

    /// Builds the routes of the received operations of `transport`, whose
    /// plans are `received`, naming the items of shared routes in `types`
    /// and `functions`.
    pub fn routes(
        &self,
        transport: Transport,
        received: &[OperationPlan],
        types: &mut NameScope,
        functions: &mut NameScope,
    ) -> Vec<RoutePlan> {
        self.groups
            .iter()
            .filter(|group| {
                group.transport == transport && !group.sends && !group.received.is_empty()
            })
            .map(|group| {
                let shared = (group.received.len() > 1)
                    .then(|| shared_route(group, received, types, functions));
                RoutePlan {
                    http_method: group.http_method.clone(),
                    path: group.path.clone(),
                    operations: group.received.clone(),
                    shared,
                }
            })
            .collect()
    }
}

fn shared_route(
    group: &Group,
    received: &[OperationPlan],
    types: &mut NameScope,
    functions: &mut NameScope,
) -> SharedRoute {
    let base = pascal_case(
        &format!(
            "{} {}",
            group.http_method.to_ascii_lowercase(),
            group.address
        ),
        "Route",
    );
    let enum_name = types.claim(&format!("{base}Route"));
    let decoder = functions.claim(&format!(
        "decode_{}",
        snake_case(&format!("{base}Route"), "route").trim_start_matches("r#")
    ));

    let mut variant_names = NameScope::default();
    let variants = group
        .received
        .iter()
        .map(|&index| variant_names.claim(&pascal_case(&received[index].operation_id, "Operation")))
        .collect();

    // A message that several operations list reaches the first of them.
    let mut seen: Vec<&Location> = Vec::new();
    let mut order = Vec::new();
    for (position, &index) in group.received.iter().enumerate() {
        for (candidate_index, candidate) in received[index].message.candidates.iter().enumerate() {
            if seen.contains(&&candidate.location) {
                continue;
            }
            seen.push(&candidate.location);
            order.push((candidate.specificity, position, candidate_index));
        }
    }

    // Stable: equally specific messages keep the document's order.
    order.sort_by_key(|(specificity, _, _)| Reverse(*specificity));
    SharedRoute {
        enum_name,
        variants,
        decoder,
        order: order
            .into_iter()
            .map(|(_, position, candidate)| (position, candidate))
            .collect(),
    }
}
