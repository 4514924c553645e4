//! Between REST and protobuf, by descriptor: a request message from path variables, query
//! parameters and a JSON body; JSON from a response message, written as the SDK's gateway writes
//! it (proto field names, 64-bit integers as strings, enums by name, bytes as base64, default
//! values emitted, `Any` with `@type`, unset messages as `null`).

use base64::Engine;
use prost::Message;
use prost_reflect::{
    DeserializeOptions, DynamicMessage, FieldDescriptor, Kind, MessageDescriptor, ReflectMessage,
    SerializeOptions, Value,
};
use serde_json::Value as Json;

/// Why a request could not be built; shown to the caller with HTTP 400.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RequestError {
    #[error("{message} has no field {path:?}")]
    NoField { message: String, path: String },
    #[error("field {path:?} is a message; give its fields one by one ({path}.<field>=...)")]
    MessageField { path: String },
    #[error("field {path:?}: {value:?} is not a valid {kind}")]
    BadValue {
        path: String,
        value: String,
        kind: String,
    },
    #[error("the request body is not valid JSON for {message}: {reason}")]
    Body { message: String, reason: String },
    #[error("field {path:?} is given more than once but is not repeated")]
    Repeated { path: String },
}

/// The request message of `descriptor` from path variables and query parameters (both by dotted
/// field path) and an optional JSON `body` for `body_field` (`*` = the whole message). A path
/// variable of a repeated field lists its values with commas (`.../1,2,3/unreceived_packets`);
/// a repeated query parameter is given once per value.
pub fn build_request(
    descriptor: &MessageDescriptor,
    body_field: &str,
    body: &[u8],
    path_bindings: &[(String, String)],
    query_bindings: &[(String, String)],
) -> Result<DynamicMessage, RequestError> {
    let mut message = DynamicMessage::new(descriptor.clone());
    if !body_field.is_empty() && !body.is_empty() {
        let body_error = |reason: String| RequestError::Body {
            message: descriptor.full_name().to_string(),
            reason,
        };
        if body_field == "*" {
            message = from_json(descriptor, body).map_err(body_error)?;
        } else {
            let field = descriptor
                .get_field_by_name(body_field)
                .ok_or_else(|| body_error(format!("no body field {body_field}")))?;
            let Kind::Message(inner) = field.kind() else {
                return Err(body_error(format!("body field {body_field} is no message")));
            };
            let value = from_json(&inner, body).map_err(body_error)?;
            message.set_field(&field, Value::Message(value));
        }
    }
    let mut seen: Vec<&str> = Vec::new();
    for (path, text) in path_bindings {
        if is_repeated(descriptor, path) {
            for item in text.split(',').filter(|item| !item.is_empty()) {
                set_path(&mut message, path, item, false)?;
            }
        } else {
            set_path(&mut message, path, text, false)?;
        }
        seen.push(path);
    }
    for (path, text) in query_bindings {
        set_path(&mut message, path, text, seen.contains(&path.as_str()))?;
        seen.push(path);
    }
    Ok(message)
}

/// Whether the field at a dotted path is a repeated one.
fn is_repeated(descriptor: &MessageDescriptor, path: &str) -> bool {
    let mut descriptor = descriptor.clone();
    let mut names = path.split('.').peekable();
    while let Some(name) = names.next() {
        let Some(field) = descriptor.get_field_by_name(name) else {
            return false;
        };
        if names.peek().is_none() {
            return field.is_list();
        }
        match field.kind() {
            Kind::Message(inner) => descriptor = inner,
            _ => return false,
        }
    }
    false
}

/// Sets the scalar at a dotted field path from its text, appending when the field is repeated.
fn set_path(
    message: &mut DynamicMessage,
    path: &str,
    text: &str,
    again: bool,
) -> Result<(), RequestError> {
    let no_field = |message: &DynamicMessage| RequestError::NoField {
        message: message.descriptor().full_name().to_string(),
        path: path.to_string(),
    };
    let mut names = path.split('.').peekable();
    let mut target = message;
    while let Some(name) = names.next() {
        let field = target
            .descriptor()
            .get_field_by_name(name)
            .ok_or_else(|| no_field(target))?;
        if names.peek().is_none() {
            let value = scalar(&field, path, text)?;
            if field.is_list() {
                if let Value::List(items) = target.get_field_mut(&field) {
                    items.push(value);
                }
            } else if again {
                return Err(RequestError::Repeated {
                    path: path.to_string(),
                });
            } else {
                target.set_field(&field, value);
            }
            return Ok(());
        }
        if !matches!(field.kind(), Kind::Message(_)) || field.is_list() || field.is_map() {
            return Err(no_field(target));
        }
        let parent = target.descriptor().full_name().to_string();
        target = match target.get_field_mut(&field) {
            Value::Message(inner) => inner,
            _ => {
                return Err(RequestError::NoField {
                    message: parent,
                    path: path.to_string(),
                })
            }
        };
    }
    Ok(())
}

fn scalar(field: &FieldDescriptor, path: &str, text: &str) -> Result<Value, RequestError> {
    let kind = field.kind();
    let bad = |name: &str| RequestError::BadValue {
        path: path.to_string(),
        value: text.to_string(),
        kind: name.to_string(),
    };
    Ok(match kind {
        Kind::String => Value::String(text.to_string()),
        Kind::Bool => Value::Bool(text.parse().map_err(|_| bad("bool"))?),
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => {
            Value::I64(text.parse().map_err(|_| bad("int64"))?)
        }
        Kind::Uint64 | Kind::Fixed64 => Value::U64(text.parse().map_err(|_| bad("uint64"))?),
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => {
            Value::I32(text.parse().map_err(|_| bad("int32"))?)
        }
        Kind::Uint32 | Kind::Fixed32 => Value::U32(text.parse().map_err(|_| bad("uint32"))?),
        Kind::Float | Kind::Double => return Err(bad("number (floats are not used here)")),
        Kind::Bytes => Value::Bytes(decode_base64(text).ok_or_else(|| bad("base64"))?.into()),
        Kind::Enum(descriptor) => {
            let number = match descriptor.get_value_by_name(text) {
                Some(value) => value.number(),
                None => text
                    .parse::<i32>()
                    .ok()
                    .filter(|n| descriptor.get_value(*n).is_some())
                    .ok_or_else(|| bad(descriptor.full_name()))?,
            };
            Value::EnumNumber(number)
        }
        Kind::Message(_) => {
            return Err(RequestError::MessageField {
                path: path.to_string(),
            })
        }
    })
}

/// Standard or URL-safe base64, padded or not, as the gateway accepts `pagination.key`.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    [STANDARD, URL_SAFE, STANDARD_NO_PAD, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(text).ok())
}

/// The gateway's JSON for a message.
pub fn to_json(message: &DynamicMessage) -> Result<Json, serde_json::Error> {
    let options = SerializeOptions::new()
        .use_proto_field_name(true)
        .skip_default_fields(false)
        .stringify_64_bit_integers(true);
    // protobuf JSON (and prost-reflect) resolve `Any` only under `type.googleapis.com/`; Cosmos
    // writes `/cosmos.bank.v1beta1.MsgSend`. The URLs go out in the resolvable form and back.
    let mut message = message.clone();
    map_any_urls(&mut message, &|url| {
        url.starts_with('/').then(|| format!("{RESOLVABLE}{url}"))
    })
    .map_err(serde::ser::Error::custom)?;
    let mut json = message.serialize_with_options(serde_json::value::Serializer, &options)?;
    emit_unset_messages(&mut json, &message.descriptor(), &options)?;
    map_json_any_urls(&mut json, &|url| {
        url.strip_prefix(RESOLVABLE).map(str::to_string)
    });
    Ok(json)
}

/// A message of `descriptor` from the gateway's JSON (proto or JSON field names, `Any` with
/// Cosmos's `/package.Message` type URLs); unknown fields are refused.
pub fn from_json(descriptor: &MessageDescriptor, json: &[u8]) -> Result<DynamicMessage, String> {
    let mut json: Json = serde_json::from_slice(json).map_err(|e| e.to_string())?;
    map_json_any_urls(&mut json, &|url| {
        url.starts_with('/').then(|| format!("{RESOLVABLE}{url}"))
    });
    let mut message = DynamicMessage::deserialize_with_options(
        descriptor.clone(),
        json,
        &DeserializeOptions::new(),
    )
    .map_err(|e| e.to_string())?;
    map_any_urls(&mut message, &|url| {
        url.strip_prefix(RESOLVABLE).map(str::to_string)
    })?;
    Ok(message)
}

/// Re-encodes every `Any` payload (recursively) the way this pool encodes it, so that two
/// messages that mean the same compare equal as bytes even when their producers ordered fields
/// differently.
pub fn canonicalize_anys(message: &mut DynamicMessage) -> Result<(), String> {
    map_any_urls(message, &|_| None)
}

/// The prefix under which protobuf JSON resolves an `Any`'s type.
const RESOLVABLE: &str = "type.googleapis.com";

/// Rewrites the type URL of every `Any` in `message` that `map` maps, payloads included.
fn map_any_urls(
    message: &mut DynamicMessage,
    map: &dyn Fn(&str) -> Option<String>,
) -> Result<(), String> {
    let fields: Vec<FieldDescriptor> = message.fields().map(|(field, _)| field).collect();
    for field in fields {
        match message.get_field_mut(&field) {
            Value::Message(inner) => map_message_any_urls(inner, map)?,
            Value::List(items) => {
                for item in items {
                    if let Value::Message(inner) = item {
                        map_message_any_urls(inner, map)?;
                    }
                }
            }
            Value::Map(entries) => {
                for value in entries.values_mut() {
                    if let Value::Message(inner) = value {
                        map_message_any_urls(inner, map)?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// [`map_any_urls`] for one message that may itself be an `Any`.
fn map_message_any_urls(
    message: &mut DynamicMessage,
    map: &dyn Fn(&str) -> Option<String>,
) -> Result<(), String> {
    if message.descriptor().full_name() != "google.protobuf.Any" {
        return map_any_urls(message, map);
    }
    let url = message
        .get_field_by_number(1)
        .and_then(|value| value.as_str().map(str::to_string))
        .unwrap_or_default();
    let payload = message
        .get_field_by_number(2)
        .and_then(|value| value.as_bytes().cloned())
        .unwrap_or_default();
    let name = url.rsplit('/').next().unwrap_or_default();
    if let Some(payload_descriptor) = message.descriptor().parent_pool().get_message_by_name(name) {
        let mut inner = DynamicMessage::decode(payload_descriptor, payload.as_ref())
            .map_err(|e| format!("the {url} in an Any does not decode: {e}"))?;
        map_any_urls(&mut inner, map)?;
        message.set_field_by_number(2, Value::Bytes(inner.encode_to_vec().into()));
    }
    if let Some(mapped) = map(&url) {
        message.set_field_by_number(1, Value::String(mapped));
    }
    Ok(())
}

/// Rewrites every `"@type"` string in a JSON tree that `map` maps.
fn map_json_any_urls(json: &mut Json, map: &dyn Fn(&str) -> Option<String>) {
    match json {
        Json::Object(object) => {
            if let Some(Json::String(url)) = object.get_mut("@type") {
                if let Some(mapped) = map(url) {
                    *url = mapped;
                }
            }
            for value in object.values_mut() {
                map_json_any_urls(value, map);
            }
        }
        Json::Array(items) => {
            for item in items {
                map_json_any_urls(item, map);
            }
        }
        _ => {}
    }
}

/// Writes the message fields protobuf JSON leaves out when unset as the gateway does: `null`, or
/// the default message for a field gogoproto declares non-nullable (Go always has a value there).
fn emit_unset_messages(
    json: &mut Json,
    descriptor: &MessageDescriptor,
    options: &SerializeOptions,
) -> Result<(), serde_json::Error> {
    // Well-known types have their own JSON forms (`Any` with `@type`, timestamps as text).
    if descriptor.package_name() == "google.protobuf" {
        return Ok(());
    }
    let Json::Object(object) = json else {
        return Ok(());
    };
    for field in descriptor.fields() {
        // Empty bytes are nil in Go, which the gateway writes as null (`"next_key": null`).
        if field.kind() == Kind::Bytes && !field.is_list() {
            if let Some(value) = object.get_mut(field.name()) {
                if value.as_str() == Some("") {
                    *value = Json::Null;
                }
            }
            continue;
        }
        let Kind::Message(inner) = field.kind() else {
            continue;
        };
        // A oneof shows only its chosen member, as the gateway writes it.
        if field.is_map() || field.containing_oneof().is_some() {
            continue;
        }
        match object.get_mut(field.name()) {
            Some(Json::Array(items)) => {
                for item in items {
                    emit_unset_messages(item, &inner, options)?;
                }
            }
            Some(value) => emit_unset_messages(value, &inner, options)?,
            None if field.is_list() => {}
            None => {
                let value = if is_non_nullable(&field) {
                    let default = DynamicMessage::new(inner.clone());
                    let mut value =
                        default.serialize_with_options(serde_json::value::Serializer, options)?;
                    emit_unset_messages(&mut value, &inner, options)?;
                    value
                } else {
                    Json::Null
                };
                object.insert(field.name().to_string(), value);
            }
        }
    }
    Ok(())
}

/// Whether the field carries `(gogoproto.nullable) = false`.
fn is_non_nullable(field: &FieldDescriptor) -> bool {
    let pool = field.parent_file().parent_pool().clone();
    let Some(nullable) = pool.get_extension_by_name("gogoproto.nullable") else {
        return false;
    };
    let options = field.options();
    options.has_extension(&nullable) && options.get_extension(&nullable).as_bool() == Some(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(name: &str) -> MessageDescriptor {
        crate::descriptors::pool()
            .get_message_by_name(name)
            .unwrap()
    }

    fn bind(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn query_parameters_fill_nested_fields_and_decode_base64_keys() {
        let request = build_request(
            &message("cosmos.bank.v1beta1.QueryAllBalancesRequest"),
            "",
            b"",
            &bind(&[("address", "rmesh1abc")]),
            &bind(&[
                ("pagination.key", "AAE="),
                ("pagination.limit", "7"),
                ("pagination.count_total", "true"),
                ("pagination.reverse", "true"),
            ]),
        )
        .unwrap();
        let decoded = cosmos_sdk_proto::cosmos::bank::v1beta1::QueryAllBalancesRequest::decode(
            request.encode_to_vec().as_slice(),
        )
        .unwrap();
        assert_eq!(decoded.address, "rmesh1abc");
        let page = decoded.pagination.unwrap();
        assert_eq!(page.key, vec![0, 1]);
        assert_eq!(page.limit, 7);
        assert!(page.count_total && page.reverse);
    }

    #[test]
    fn enums_are_given_by_name_or_number_and_repeated_fields_by_repetition() {
        let mode = |text: &str| {
            build_request(
                &message("cosmos.tx.v1beta1.BroadcastTxRequest"),
                "",
                b"",
                &[],
                &bind(&[("mode", text)]),
            )
            .map(|request| request.get_field_by_name("mode").unwrap().as_enum_number())
        };
        assert_eq!(mode("BROADCAST_MODE_SYNC").unwrap(), Some(2));
        assert_eq!(mode("3").unwrap(), Some(3));
        assert!(mode("BROADCAST_MODE_SOMETIME").is_err());
        assert!(mode("99").is_err());
        let request = build_request(
            &message("cosmos.tx.v1beta1.GetTxsEventRequest"),
            "",
            b"",
            &[],
            &bind(&[("events", "a.b='c'"), ("events", "tx.height=5")]),
        )
        .unwrap();
        assert_eq!(
            request
                .get_field_by_name("events")
                .unwrap()
                .as_list()
                .unwrap()
                .len(),
            2
        );
    }

    #[test]
    fn a_repeated_path_variable_lists_its_values_with_commas() {
        let request = build_request(
            &message("ibc.core.channel.v1.QueryUnreceivedPacketsRequest"),
            "",
            b"",
            &bind(&[
                ("port_id", "transfer"),
                ("channel_id", "channel-0"),
                ("packet_commitment_sequences", "1,2,5"),
            ]),
            &[],
        )
        .unwrap();
        let sequences = request
            .get_field_by_name("packet_commitment_sequences")
            .unwrap()
            .as_list()
            .unwrap()
            .iter()
            .filter_map(Value::as_u64)
            .collect::<Vec<_>>();
        assert_eq!(sequences, vec![1, 2, 5]);
    }

    #[test]
    fn client_states_in_any_are_written_with_their_fields() {
        use ibc_proto::ibc::core::client::v1::QueryClientStateResponse;
        use ibc_proto::ibc::lightclients::tendermint::v1::ClientState;
        let state = ClientState {
            chain_id: "provider".into(),
            ..Default::default()
        };
        let response = QueryClientStateResponse {
            client_state: Some(ibc_proto::google::protobuf::Any {
                type_url: "/ibc.lightclients.tendermint.v1.ClientState".into(),
                value: state.encode_to_vec(),
            }),
            proof: vec![],
            proof_height: None,
        };
        let descriptor = message("ibc.core.client.v1.QueryClientStateResponse");
        let dynamic =
            DynamicMessage::decode(descriptor.clone(), response.encode_to_vec().as_slice())
                .unwrap();
        let json = to_json(&dynamic).unwrap();
        assert_eq!(json["client_state"]["chain_id"], "provider");
        let back = from_json(&descriptor, json.to_string().as_bytes()).unwrap();
        assert_eq!(
            back.get_field_by_name("client_state")
                .unwrap()
                .as_message()
                .unwrap()
                .encode_to_vec(),
            dynamic
                .get_field_by_name("client_state")
                .unwrap()
                .as_message()
                .unwrap()
                .encode_to_vec()
        );
    }

    #[test]
    fn wrong_values_and_unknown_fields_say_which_parameter_is_wrong() {
        let descriptor = message("cosmos.bank.v1beta1.QueryAllBalancesRequest");
        let refuse = |pairs: &[(&str, &str)]| {
            build_request(&descriptor, "", b"", &[], &bind(pairs))
                .unwrap_err()
                .to_string()
        };
        assert!(refuse(&[("pagination.limit", "many")]).contains("\"pagination.limit\""));
        assert!(refuse(&[("pagination.nothing", "1")]).contains("no field"));
        assert!(refuse(&[("pagination", "1")]).contains("is a message"));
        assert!(refuse(&[("address", "a"), ("address", "b")]).contains("more than once"));
        let body = build_request(
            &message("cosmos.tx.v1beta1.BroadcastTxRequest"),
            "*",
            b"{\"tx_bytes\": 5",
            &[],
            &[],
        )
        .unwrap_err();
        assert!(matches!(body, RequestError::Body { .. }), "{body}");
    }

    #[test]
    fn responses_are_written_as_the_gateway_writes_them() {
        use cosmos_sdk_proto::cosmos::bank::v1beta1::QueryAllBalancesResponse;
        use cosmos_sdk_proto::cosmos::base::query::v1beta1::PageResponse;
        use cosmos_sdk_proto::cosmos::base::v1beta1::Coin;
        let response = QueryAllBalancesResponse {
            balances: vec![Coin {
                denom: "urmesh".into(),
                amount: "5".into(),
            }],
            pagination: Some(PageResponse {
                next_key: vec![],
                total: 1,
            }),
        };
        let dynamic = DynamicMessage::decode(
            message("cosmos.bank.v1beta1.QueryAllBalancesResponse"),
            response.encode_to_vec().as_slice(),
        )
        .unwrap();
        assert_eq!(
            to_json(&dynamic).unwrap(),
            serde_json::json!({
                "balances": [{"denom": "urmesh", "amount": "5"}],
                "pagination": {"next_key": null, "total": "1"}
            })
        );
        // An unset nullable message is null; a non-nullable one is written with its defaults.
        let balance = DynamicMessage::new(message("cosmos.bank.v1beta1.QueryBalanceResponse"));
        assert_eq!(
            to_json(&balance).unwrap(),
            serde_json::json!({ "balance": null })
        );
        let validator =
            DynamicMessage::new(message("cosmos.staking.v1beta1.QueryValidatorResponse"));
        assert_eq!(to_json(&validator).unwrap()["validator"]["jailed"], false);
    }

    #[test]
    fn any_values_keep_cosmos_type_urls_both_ways() {
        use cosmos_sdk_proto::cosmos::auth::v1beta1::{BaseAccount, QueryAccountResponse};
        let key = cosmos_sdk_proto::Any {
            type_url: "/cosmos.crypto.secp256k1.PubKey".into(),
            value: cosmos_sdk_proto::cosmos::crypto::secp256k1::PubKey { key: vec![2; 33] }
                .encode_to_vec(),
        };
        let account = BaseAccount {
            address: "rmesh1abc".into(),
            pub_key: Some(key),
            account_number: 7,
            sequence: 3,
        };
        let response = QueryAccountResponse {
            account: Some(cosmos_sdk_proto::Any {
                type_url: "/cosmos.auth.v1beta1.BaseAccount".into(),
                value: account.encode_to_vec(),
            }),
        };
        let descriptor = message("cosmos.auth.v1beta1.QueryAccountResponse");
        let dynamic =
            DynamicMessage::decode(descriptor.clone(), response.encode_to_vec().as_slice())
                .unwrap();
        let json = to_json(&dynamic).unwrap();
        assert_eq!(json["account"]["@type"], "/cosmos.auth.v1beta1.BaseAccount");
        assert_eq!(json["account"]["account_number"], "7");
        assert_eq!(
            json["account"]["pub_key"]["@type"],
            "/cosmos.crypto.secp256k1.PubKey"
        );
        let back = from_json(&descriptor, json.to_string().as_bytes()).unwrap();
        assert_eq!(back.encode_to_vec(), response.encode_to_vec());
    }

    #[test]
    fn empty_bytes_are_written_as_null_and_read_back_as_empty() {
        use cosmos_sdk_proto::cosmos::base::query::v1beta1::PageResponse;
        let descriptor = message("cosmos.base.query.v1beta1.PageResponse");
        let written = |page: PageResponse| {
            let dynamic =
                DynamicMessage::decode(descriptor.clone(), page.encode_to_vec().as_slice())
                    .unwrap();
            to_json(&dynamic).unwrap()
        };
        let last = written(PageResponse {
            next_key: vec![],
            total: 3,
        });
        assert_eq!(last, serde_json::json!({ "next_key": null, "total": "3" }));
        let more = written(PageResponse {
            next_key: vec![0, 1],
            total: 0,
        });
        assert_eq!(more["next_key"], "AAE=");
        let read = from_json(&descriptor, last.to_string().as_bytes()).unwrap();
        assert_eq!(
            read.get_field_by_name("next_key")
                .unwrap()
                .as_bytes()
                .map(|b| b.len()),
            Some(0)
        );
    }

    #[test]
    fn non_nullable_messages_are_written_with_their_defaults() {
        let validator = DynamicMessage::new(message("cosmos.staking.v1beta1.Validator"));
        let json = to_json(&validator).unwrap();
        assert_eq!(json["status"], "BOND_STATUS_UNSPECIFIED");
        assert_eq!(json["consensus_pubkey"], Json::Null);
        assert_eq!(json["description"]["moniker"], "");
        assert_eq!(json["commission"]["commission_rates"]["rate"], "");
        assert_eq!(json["unbonding_height"], "0");
    }
}
