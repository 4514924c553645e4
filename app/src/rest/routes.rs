//! The REST route table, read from the `google.api.http` rules of the node's served methods: no
//! route is written by hand. A rule's path template (`/cosmos/bank/v1beta1/balances/{address}`)
//! becomes a list of parts; a request path matches a route when every part matches, and when
//! several match, the one with a literal at the first place where they differ wins, as
//! grpc-gateway's literal-first ordering has it (`supply/by_denom` before `supply/{denom}`).

use prost_reflect::{DescriptorPool, DynamicMessage, MethodDescriptor, Value};

/// The HTTP verbs the SDK's query and tx rules use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
}

impl Verb {
    pub fn name(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Post => "POST",
        }
    }
}

/// One part of a path template. `variable` is the index of the path variable the part belongs
/// to, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Part {
    kind: PartKind,
    variable: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum PartKind {
    /// Ordered so that a literal is preferred over a wildcard when routes overlap.
    Literal(String),
    /// One segment.
    Segment,
    /// One or more segments (`**`, only at the end).
    Rest,
}

/// One REST binding of a gRPC method.
#[derive(Debug, Clone)]
pub struct Route {
    pub verb: Verb,
    pub template: String,
    parts: Vec<Part>,
    /// The request field each path variable sets, as a dotted field path.
    variables: Vec<String>,
    /// `*` (the whole request is the body), a field name, or empty (no body).
    pub body: String,
    /// The gRPC path, `/cosmos.bank.v1beta1.Query/Balance`.
    pub grpc_path: String,
    pub method: MethodDescriptor,
}

/// A matched route with the values its path variables took, by field path.
#[derive(Debug)]
pub struct Matched<'a> {
    pub route: &'a Route,
    pub bindings: Vec<(String, String)>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TemplateError {
    #[error("path template {template:?} of {method}: {reason}")]
    Invalid {
        template: String,
        method: String,
        reason: String,
    },
}

impl Route {
    fn new(
        verb: Verb,
        template: &str,
        body: String,
        method: &MethodDescriptor,
    ) -> Result<Route, TemplateError> {
        let invalid = |reason: &str| TemplateError::Invalid {
            template: template.to_string(),
            method: method.full_name().to_string(),
            reason: reason.to_string(),
        };
        let path = template
            .strip_prefix('/')
            .ok_or_else(|| invalid("does not start with /"))?;
        // A custom verb (`:verb`) is not used by any served rule; refuse it rather than misroute.
        if path
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains(':'))
        {
            return Err(invalid("custom verbs are not supported"));
        }
        let mut parts = Vec::new();
        let mut variables = Vec::new();
        let mut rest = path;
        while !rest.is_empty() {
            if let Some(inner) = rest.strip_prefix('{') {
                let end = inner.find('}').ok_or_else(|| invalid("an unclosed {"))?;
                let (field, pattern) = match inner[..end].split_once('=') {
                    Some((field, pattern)) => (field, pattern),
                    None => (&inner[..end], "*"),
                };
                let index = variables.len();
                variables.push(field.to_string());
                for segment in pattern.split('/') {
                    parts.push(Part {
                        kind: segment_kind(segment),
                        variable: Some(index),
                    });
                }
                rest = inner[end + 1..].trim_start_matches('/');
            } else {
                let (segment, after) = rest.split_once('/').unwrap_or((rest, ""));
                if segment.contains('}') {
                    return Err(invalid("a } without {"));
                }
                parts.push(Part {
                    kind: segment_kind(segment),
                    variable: None,
                });
                rest = after;
            }
        }
        if parts
            .iter()
            .filter(|part| part.kind == PartKind::Rest)
            .count()
            > 1
        {
            return Err(invalid("more than one ** cannot be matched unambiguously"));
        }
        Ok(Route {
            verb,
            template: template.to_string(),
            parts,
            variables,
            body,
            grpc_path: format!("/{}/{}", method.parent_service().full_name(), method.name()),
            method: method.clone(),
        })
    }

    /// The values of the path variables when `segments` match this route.
    fn bind(&self, segments: &[&str]) -> Option<Vec<(String, String)>> {
        let mut values: Vec<Vec<&str>> = vec![Vec::new(); self.variables.len()];
        if !match_parts(&self.parts, segments, &mut values) {
            return None;
        }
        Some(
            self.variables
                .iter()
                .cloned()
                .zip(values.into_iter().map(|parts| parts.join("/")))
                .collect(),
        )
    }
}

/// Matches `parts` against `segments`, collecting each variable's segments. A `**` takes as many
/// segments (at least one) as leaves the parts after it a match (`denoms/{denom=**}/total_escrow`
/// takes every segment of an `ibc/...` denom).
fn match_parts<'s>(parts: &[Part], segments: &[&'s str], values: &mut [Vec<&'s str>]) -> bool {
    let Some((part, rest)) = parts.split_first() else {
        return segments.is_empty();
    };
    let take = |count: usize, values: &mut [Vec<&'s str>]| {
        if let Some(index) = part.variable {
            values[index].extend_from_slice(&segments[..count]);
        }
    };
    match &part.kind {
        PartKind::Literal(literal) => {
            if segments.first() != Some(&literal.as_str()) {
                return false;
            }
            take(1, values);
            match_parts(rest, &segments[1..], values)
        }
        PartKind::Segment => {
            if segments.first().is_none_or(|segment| segment.is_empty()) {
                return false;
            }
            take(1, values);
            match_parts(rest, &segments[1..], values)
        }
        PartKind::Rest => {
            // The parts after `**` are fixed-width (only one `**` per template).
            let after = rest.len();
            if segments.len() <= after {
                return false;
            }
            let count = segments.len() - after;
            take(count, values);
            match_parts(rest, &segments[count..], values)
        }
    }
}

fn segment_kind(segment: &str) -> PartKind {
    match segment {
        "*" => PartKind::Segment,
        "**" => PartKind::Rest,
        literal => PartKind::Literal(literal.to_string()),
    }
}

/// Every REST binding of the methods the node serves.
#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    routes: Vec<Route>,
}

impl RouteTable {
    /// The bindings of every method in `pool` whose gRPC path `is_served` accepts.
    pub fn from_pool(
        pool: &DescriptorPool,
        is_served: impl Fn(&str) -> bool,
    ) -> Result<RouteTable, TemplateError> {
        let mut routes = Vec::new();
        let Some(http) = pool.get_extension_by_name("google.api.http") else {
            return Ok(RouteTable::default());
        };
        for service in pool.services() {
            for method in service.methods() {
                let grpc_path = format!("/{}/{}", service.full_name(), method.name());
                if !is_served(&grpc_path) {
                    continue;
                }
                let options = method.options();
                if !options.has_extension(&http) {
                    continue;
                }
                if let Value::Message(rule) = options.get_extension(&http).as_ref() {
                    add_rule(&mut routes, rule, &method)?;
                }
            }
        }
        Ok(RouteTable { routes })
    }

    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// The route `verb path` takes, or whether the path has routes for other verbs only.
    pub fn find(&self, verb: Verb, path: &str) -> Result<Matched<'_>, NoRoute> {
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let mut best: Option<Matched<'_>> = None;
        let mut other_verb = false;
        for route in &self.routes {
            let Some(bindings) = route.bind(&segments) else {
                continue;
            };
            if route.verb != verb {
                other_verb = true;
                continue;
            }
            let better = best.as_ref().is_none_or(|current| {
                let kinds = |r: &Route| r.parts.iter().map(|p| p.kind.clone()).collect::<Vec<_>>();
                specificity(&kinds(route)) < specificity(&kinds(current.route))
            });
            if better {
                best = Some(Matched { route, bindings });
            }
        }
        best.ok_or(if other_verb {
            NoRoute::WrongVerb
        } else {
            NoRoute::Unknown
        })
    }
}

/// Literal beats one segment beats many, at the first place two routes differ.
fn specificity(kinds: &[PartKind]) -> Vec<u8> {
    kinds
        .iter()
        .map(|kind| match kind {
            PartKind::Literal(_) => 0,
            PartKind::Segment => 1,
            PartKind::Rest => 2,
        })
        .collect()
}

#[derive(Debug, PartialEq, Eq)]
pub enum NoRoute {
    Unknown,
    WrongVerb,
}

fn add_rule(
    routes: &mut Vec<Route>,
    rule: &DynamicMessage,
    method: &MethodDescriptor,
) -> Result<(), TemplateError> {
    let text = |name: &str| {
        rule.get_field_by_name(name)
            .and_then(|value| value.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    let body = text("body");
    for (name, verb) in [("get", Verb::Get), ("post", Verb::Post)] {
        if rule.has_field_by_name(name) {
            routes.push(Route::new(verb, &text(name), body.clone(), method)?);
        }
    }
    if let Some(Value::List(more)) = rule.get_field_by_name("additional_bindings").as_deref() {
        for binding in more.iter().filter_map(Value::as_message) {
            add_rule(routes, binding, method)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> RouteTable {
        RouteTable::from_pool(crate::descriptors::pool(), |_| true).unwrap()
    }

    fn grpc_path(verb: Verb, path: &str) -> String {
        let table = table();
        table.find(verb, path).unwrap().route.grpc_path.clone()
    }

    #[test]
    fn literal_segments_win_over_variables_where_routes_overlap() {
        assert_eq!(
            grpc_path(Verb::Get, "/cosmos/bank/v1beta1/supply/by_denom"),
            "/cosmos.bank.v1beta1.Query/SupplyOf"
        );
        assert_eq!(
            grpc_path(Verb::Get, "/cosmos/tx/v1beta1/txs/block/7"),
            "/cosmos.tx.v1beta1.Service/GetBlockWithTxs"
        );
        assert_eq!(
            grpc_path(Verb::Get, "/cosmos/tx/v1beta1/txs/ABCDEF"),
            "/cosmos.tx.v1beta1.Service/GetTx"
        );
    }

    #[test]
    fn path_variables_bind_the_request_fields_they_name() {
        let table = table();
        let matched = table
            .find(
                Verb::Get,
                "/cosmos/bank/v1beta1/balances/rmesh1xyz/by_denom",
            )
            .unwrap();
        assert_eq!(
            matched.route.grpc_path,
            "/cosmos.bank.v1beta1.Query/Balance"
        );
        assert_eq!(
            matched.bindings,
            vec![("address".to_string(), "rmesh1xyz".to_string())]
        );
        let transfer = table
            .find(
                Verb::Get,
                "/ibc/apps/transfer/v1/denom_traces/transfer/channel-0/uatom",
            )
            .unwrap();
        assert_eq!(
            transfer.bindings,
            vec![("hash".to_string(), "transfer/channel-0/uatom".to_string())]
        );
    }

    #[test]
    fn a_multi_segment_variable_may_stand_before_literals() {
        let table = table();
        let matched = table
            .find(
                Verb::Get,
                "/ibc/apps/transfer/v1/denoms/ibc/ABC123/total_escrow",
            )
            .unwrap();
        assert_eq!(
            matched.route.grpc_path,
            "/ibc.applications.transfer.v1.Query/TotalEscrowForDenom"
        );
        assert_eq!(
            matched.bindings,
            vec![("denom".to_string(), "ibc/ABC123".to_string())]
        );
    }

    #[test]
    fn rmesh_services_have_routes_under_their_module() {
        assert_eq!(
            grpc_path(Verb::Get, "/rmesh/converter/v1/providers/osmo/positions"),
            "/rmesh.converter.v1.Query/Positions"
        );
        assert_eq!(
            grpc_path(Verb::Get, "/rmesh/virtualstaking/v1/epoch"),
            "/rmesh.virtualstaking.v1.Query/EpochInfo"
        );
    }

    #[test]
    fn a_known_path_with_another_verb_is_told_apart_from_an_unknown_path() {
        let table = table();
        assert_eq!(
            table
                .find(Verb::Get, "/cosmos/tx/v1beta1/simulate")
                .unwrap_err(),
            NoRoute::WrongVerb
        );
        assert_eq!(
            table.find(Verb::Get, "/cosmos/nothing/here").unwrap_err(),
            NoRoute::Unknown
        );
        assert_eq!(
            grpc_path(Verb::Post, "/cosmos/tx/v1beta1/txs"),
            "/cosmos.tx.v1beta1.Service/BroadcastTx"
        );
    }

    #[test]
    fn templates_that_cannot_be_matched_are_refused() {
        let method = crate::descriptors::pool()
            .get_service_by_name("cosmos.bank.v1beta1.Query")
            .unwrap()
            .methods()
            .next()
            .unwrap();
        for template in ["no/slash", "/a/{b", "/a/**/c/**", "/a/b:verb"] {
            assert!(
                Route::new(Verb::Get, template, String::new(), &method).is_err(),
                "{template}"
            );
        }
    }
}
