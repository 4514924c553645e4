//! A walk over the node's gRPC services as a generic client sees them: every service and method
//! comes from the node's reflection, every request is built from the method's descriptor with
//! values the test names by field, and every answer is decoded against the response descriptor,
//! so a method that answers `Unimplemented`, an error, or bytes of another shape is caught.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{anyhow, bail, Context, Result};
use cosmrs::AccountId;

use crate::client::{ey, msg_send, TxParams, Wallet};
use crate::{TestNet, ALICE, DENOM, PREFIX, WAIT};
use prost::bytes::{Buf, BufMut};
use prost::Message;
use prost_reflect::{
    DescriptorPool, DynamicMessage, Kind, MessageDescriptor, MethodDescriptor, ReflectMessage,
    Value,
};
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::transport::Channel;
use tonic::Status;
use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;
use tonic_reflection::pb::v1::ServerReflectionRequest;

/// A request field's value, converted to the field's kind when the request is built.
#[derive(Debug, Clone)]
pub enum Input {
    Text(String),
    Bytes(Vec<u8>),
    /// A message field, given encoded.
    Message(Vec<u8>),
    Texts(Vec<String>),
    Numbers(Vec<u64>),
    /// Leave the field unset for this method.
    Unset,
}

impl Input {
    pub fn text(value: impl ToString) -> Input {
        Input::Text(value.to_string())
    }
}

/// The values of the walk's requests: by field name for every method, overridden per method
/// (by its full name, `cosmos.bank.v1beta1.Query.Balance`).
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    fields: BTreeMap<String, Input>,
    methods: BTreeMap<String, BTreeMap<String, Input>>,
}

impl Inputs {
    pub fn field(mut self, name: &str, value: Input) -> Self {
        self.fields.insert(name.to_string(), value);
        self
    }

    pub fn method(mut self, method: &str, field: &str, value: Input) -> Self {
        self.methods
            .entry(method.to_string())
            .or_default()
            .insert(field.to_string(), value);
        self
    }

    fn value_for(&self, method: &str, field: &str) -> Option<&Input> {
        self.methods
            .get(method)
            .and_then(|fields| fields.get(field))
            .or_else(|| self.fields.get(field))
    }
}

/// The node's services as its reflection describes them.
pub struct Walk {
    channel: Channel,
    pool: DescriptorPool,
    services: Vec<String>,
}

impl Walk {
    pub async fn connect(grpc_addr: &str) -> Result<Walk> {
        let channel = Channel::from_shared(format!("http://{grpc_addr}"))?
            .connect()
            .await?;
        let MessageResponse::ListServicesResponse(list) =
            reflect(&channel, MessageRequest::ListServices(String::new())).await?
        else {
            bail!("ListServices answered something else");
        };
        let services: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
        let mut files = BTreeMap::new();
        for service in &services {
            let MessageResponse::FileDescriptorResponse(answer) = reflect(
                &channel,
                MessageRequest::FileContainingSymbol(service.clone()),
            )
            .await?
            else {
                bail!("{service} is not described");
            };
            for bytes in answer.file_descriptor_proto {
                let file = prost_types::FileDescriptorProto::decode(bytes.as_slice())?;
                files.insert(file.name().to_string(), file);
            }
        }
        // Then every import, by file name, as grpcurl resolves them.
        loop {
            let missing: BTreeSet<String> = files
                .values()
                .flat_map(|file| file.dependency.iter())
                .filter(|name| !files.contains_key(*name))
                .cloned()
                .collect();
            if missing.is_empty() {
                break;
            }
            for name in missing {
                let MessageResponse::FileDescriptorResponse(answer) =
                    reflect(&channel, MessageRequest::FileByFilename(name.clone())).await?
                else {
                    bail!("the import {name} is not described");
                };
                for bytes in answer.file_descriptor_proto {
                    let file = prost_types::FileDescriptorProto::decode(bytes.as_slice())?;
                    files.insert(file.name().to_string(), file);
                }
                if !files.contains_key(&name) {
                    bail!("reflection did not answer the import {name}");
                }
            }
        }
        let mut pool = DescriptorPool::new();
        pool.add_file_descriptor_protos(files.into_values())
            .context("the node's descriptors do not form a valid set")?;
        Ok(Walk {
            channel,
            pool,
            services,
        })
    }

    /// Every method of every listed service whose name `include` accepts (reflection's own
    /// service aside).
    pub fn methods(&self, include: impl Fn(&str) -> bool) -> Result<Vec<MethodDescriptor>> {
        let mut methods = Vec::new();
        for name in self.services.iter().filter(|name| include(name)) {
            if name.starts_with("grpc.reflection.") {
                continue;
            }
            let service = self
                .pool
                .get_service_by_name(name)
                .ok_or_else(|| anyhow!("{name} is listed but not described"))?;
            methods.extend(service.methods());
        }
        Ok(methods)
    }

    pub fn message(&self, name: &str) -> Result<MessageDescriptor> {
        self.pool
            .get_message_by_name(name)
            .ok_or_else(|| anyhow!("{name} is not described"))
    }

    /// Calls `method` with a request built from `inputs`; the answer decoded by its descriptor.
    pub async fn call(
        &self,
        method: &MethodDescriptor,
        inputs: &Inputs,
    ) -> Result<std::result::Result<DynamicMessage, Status>> {
        self.call_at(method, inputs, 0).await
    }

    /// [`Walk::call`] at a height (`x-cosmos-block-height`; 0 = latest).
    pub async fn call_at(
        &self,
        method: &MethodDescriptor,
        inputs: &Inputs,
        height: u64,
    ) -> Result<std::result::Result<DynamicMessage, Status>> {
        let request = build_request(method, inputs)?;
        let path = format!("/{}/{}", method.parent_service().full_name(), method.name());
        let mut grpc = tonic::client::Grpc::new(self.channel.clone());
        grpc.ready().await?;
        let mut call = tonic::Request::new(request.encode_to_vec());
        if height > 0 {
            call.metadata_mut()
                .insert("x-cosmos-block-height", height.to_string().parse()?);
        }
        let answer = grpc.unary(call, path.parse()?, RawCodec).await;
        let bytes = match answer {
            Ok(answer) => answer.into_inner(),
            Err(status) => return Ok(Err(status)),
        };
        let response = DynamicMessage::decode(method.output(), bytes.as_slice())
            .with_context(|| format!("{path} answered bytes that are not its response"))?;
        Ok(Ok(response))
    }

    /// Calls the method named `Service.Method` (full service name) and requires an answer.
    pub async fn answer(&self, method: &str, inputs: &Inputs) -> Result<DynamicMessage> {
        let (service, name) = method
            .rsplit_once('.')
            .ok_or_else(|| anyhow!("{method} is not Service.Method"))?;
        let descriptor = self
            .pool
            .get_service_by_name(service)
            .and_then(|s| s.methods().find(|m| m.name() == name))
            .ok_or_else(|| anyhow!("{method} is not described"))?;
        self.call(&descriptor, inputs)
            .await?
            .map_err(|status| anyhow!("{method}: {status:?}"))
    }

    /// Calls every method of the services `include` accepts, each with a request from `inputs`.
    /// Every answer must be a response of the method's type with no field the descriptor lacks;
    /// a method in `not_found` must instead answer NotFound (an SDK answer when nothing of the
    /// kind exists). Returns the walked method names; fails listing every method that did not.
    pub async fn walk(
        &self,
        include: impl Fn(&str) -> bool,
        inputs: &Inputs,
        not_found: &[&str],
    ) -> Result<BTreeSet<String>> {
        let mut walked = BTreeSet::new();
        let mut failures = Vec::new();
        for method in self.methods(include)? {
            let name = method.full_name().to_string();
            let outcome = self.call(&method, inputs).await;
            let expect_not_found = not_found.contains(&name.as_str());
            match outcome {
                Ok(Ok(response)) if !expect_not_found => match unknown_field(&response) {
                    Some(path) => failures.push(format!(
                        "{name}: the answer has a field its descriptor lacks at {path}"
                    )),
                    None => {
                        walked.insert(name);
                    }
                },
                Ok(Ok(_)) => failures.push(format!("{name}: answered, expected NotFound")),
                Ok(Err(status)) if expect_not_found && status.code() == tonic::Code::NotFound => {
                    walked.insert(name);
                }
                Ok(Err(status)) => {
                    failures.push(format!("{name}: {:?} {}", status.code(), status.message()))
                }
                Err(err) => failures.push(format!("{name}: {err:#}")),
            }
        }
        if !failures.is_empty() {
            bail!(
                "{} of {} methods did not answer as the SDK does:\n{}",
                failures.len(),
                failures.len() + walked.len(),
                failures.join("\n")
            );
        }
        Ok(walked)
    }

    /// Asks every method of the services `include` accepts that has a GET route over the REST
    /// API at `api` (`127.0.0.1:1317`), with the request `inputs` build. Every answer must be
    /// HTTP 200 with JSON that reads as the method's response type; unless the method is in
    /// `volatile` (answers that change between two asks, like the latest block), it must equal
    /// the gRPC answer at the height the REST answer names. A method in `not_found` must answer
    /// HTTP 404 with the gateway's NotFound body. Returns the walked method names.
    pub async fn walk_rest(
        &self,
        api: std::net::SocketAddr,
        include: impl Fn(&str) -> bool,
        inputs: &Inputs,
        not_found: &[&str],
        volatile: &[&str],
    ) -> Result<BTreeSet<String>> {
        let mut walked = BTreeSet::new();
        let mut failures = Vec::new();
        let mut shapes = BTreeSet::new();
        for method in self.methods(include)? {
            let Some((verb, template, _)) = http_rule(&method) else {
                continue;
            };
            // A route of the same shape as an earlier one is shadowed by it, in the SDK's
            // gateway as here (`bech32/{address_string}` behind `bech32/{address_bytes}`).
            if verb != "get" || !shapes.insert(rest_shape(&template)) {
                continue;
            }
            let name = method.full_name().to_string();
            let expect = if not_found.contains(&name.as_str()) {
                Expect::NotFound
            } else if volatile.contains(&name.as_str()) {
                Expect::Shape
            } else {
                Expect::SameAsGrpc
            };
            match self
                .compare_rest(api, &method, &template, inputs, expect)
                .await
            {
                Ok(()) => {
                    walked.insert(name);
                }
                Err(err) => failures.push(format!("{name} (GET {template}): {err:#}")),
            }
        }
        if !failures.is_empty() {
            bail!(
                "{} of {} GET routes did not answer as gRPC does:\n{}",
                failures.len(),
                failures.len() + walked.len(),
                failures.join("\n")
            );
        }
        Ok(walked)
    }

    async fn compare_rest(
        &self,
        api: std::net::SocketAddr,
        method: &MethodDescriptor,
        template: &str,
        inputs: &Inputs,
        expect: Expect,
    ) -> Result<()> {
        let request = build_request(method, inputs)?;
        let target = rest_target(template, &request)?;
        let answer =
            tokio::task::spawn_blocking(move || crate::rpc::http(api, "GET", &target, &[], b""))
                .await??;
        if expect == Expect::NotFound {
            let body = answer.json()?;
            anyhow::ensure!(
                answer.status == 404
                    && body["code"] == 5
                    && body["details"] == serde_json::json!([]),
                "expected the gateway's NotFound, got HTTP {}: {body}",
                answer.status
            );
            return Ok(());
        }
        anyhow::ensure!(
            answer.status == 200,
            "HTTP {}: {}",
            answer.status,
            String::from_utf8_lossy(&answer.body)
        );
        // Read as protobuf JSON, with Cosmos's `Any` type URLs (`/cosmos.auth.v1beta1.BaseAccount`),
        // against the node's full descriptor set: reflection lists only the services' own files,
        // not every type an `Any` may carry.
        let output = rmeshd::descriptors::pool()
            .get_message_by_name(method.output().full_name())
            .ok_or_else(|| anyhow!("{} is not in the node's set", method.output().full_name()))?;
        let mut from_rest = rmeshd::rest::transcode::from_json(&output, &answer.body)
            .map_err(|e| anyhow!("the JSON is not the method's response: {e}"))?;
        if expect == Expect::Shape {
            return Ok(());
        }
        let height: u64 = answer
            .header("x-cosmos-block-height")
            .ok_or_else(|| anyhow!("no x-cosmos-block-height header"))?
            .parse()?;
        let from_grpc = self
            .call_at(method, inputs, height)
            .await?
            .map_err(|status| anyhow!("gRPC answered {status:?}"))?;
        // In the node's set too, so that an `Any` in it can be shown.
        let mut from_grpc = DynamicMessage::decode(output, from_grpc.encode_to_vec().as_slice())?;
        prune_empty_messages(&mut from_rest);
        prune_empty_messages(&mut from_grpc);
        for message in [&mut from_rest, &mut from_grpc] {
            rmeshd::rest::transcode::canonicalize_anys(message).map_err(|e| anyhow!(e))?;
        }
        // Compared as protobuf bytes: proto3 does not tell a default value from an absent one.
        anyhow::ensure!(
            from_rest.encode_to_vec() == from_grpc.encode_to_vec(),
            "REST answered {}\ngRPC answered {}",
            String::from_utf8_lossy(&answer.body),
            rmeshd::rest::transcode::to_json(&from_grpc)?
        );
        Ok(())
    }
}

/// A single chain with something to find: Bob delegated and unbonded, and Alice signed a send
/// that is not broadcast. `inputs` fill every request of the services a single chain answers
/// (see `needs_a_counterparty`); `height` is the block of Bob's unbond.
pub struct SingleChain {
    pub inputs: Inputs,
    pub height: String,
}

/// The services whose lookups need a counterparty chain: walked by the IBC and mesh tests, on
/// chains that have clients, channels, providers and consumers.
pub fn needs_a_counterparty(service: &str) -> bool {
    service.starts_with("ibc.")
        || service == "rmesh.converter.v1.Query"
        || service == "rmesh.externalstaking.v1.Query"
}

pub fn single_chain_fixture(net: &TestNet) -> Result<SingleChain> {
    let bob = net.address("bob");
    let valoper = net.valoper("validator0")?;
    // Bob proposes (a text proposal: no messages) and votes on it, for the gov lookups.
    let proposal = net.root.join("walk-proposal.json");
    std::fs::write(
        &proposal,
        serde_json::json!({
            "messages": [],
            "deposit": format!("10000000{DENOM}"),
            "title": "Every lookup",
            "summary": "A proposal for the gov queries to find."
        })
        .to_string(),
    )?;
    let proposal = proposal.display().to_string();
    net.cli_tx(0, &["gov", "submit-proposal", &proposal, "--from", "bob"])?;
    net.cli_tx(0, &["gov", "vote", "1", "yes", "--from", "bob"])?;
    // Bob delegates and unbonds part of it, so each staking and distribution lookup has an
    // answer; his txs give the tx lookups a hash and a block with txs.
    net.cli_tx(
        0,
        &[
            "staking",
            "delegate",
            &valoper,
            "50000000urmesh",
            "--from",
            "bob",
        ],
    )?;
    let unbond = net.cli_tx(
        0,
        &[
            "staking",
            "unbond",
            &valoper,
            "10000000urmesh",
            "--from",
            "bob",
        ],
    )?;
    let hash = unbond["txhash"].as_str().context("no txhash")?.to_string();
    let height = net.wait_for_tx(0, &hash, WAIT)?["height"]
        .as_str()
        .context("no tx height")?
        .to_string();
    net.wait_blocks(0, 1)?;
    let latest = net.height(0)?;
    // A fresh tx from alice to simulate, broadcast, decode and encode.
    let alice = Wallet::from_mnemonic(ALICE)?;
    let (number, sequence) = net.account(0, alice.address.as_ref())?;
    let bob_id: AccountId = ey(bob.parse())?;
    let tx_bytes = alice.sign(
        vec![msg_send(&alice.address, &bob_id, 1)?],
        &TxParams::new(&net.chain_id, number, sequence),
    )?;
    let raw = cosmrs::proto::cosmos::tx::v1beta1::TxRaw::decode(tx_bytes.as_slice())?;
    let tx = cosmos_sdk_proto::cosmos::tx::v1beta1::Tx {
        body: Some(Message::decode(raw.body_bytes.as_slice())?),
        auth_info: Some(Message::decode(raw.auth_info_bytes.as_slice())?),
        signatures: raw.signatures.clone(),
    };
    let valcons = ey(AccountId::new(
        &format!("{PREFIX}valcons"),
        &hex::decode(net.validator_address(0)?)?,
    ))?
    .to_string();

    let inputs = Inputs::default()
        .field("address", Input::text(&bob))
        .field("delegator_addr", Input::text(&bob))
        .field("delegator_address", Input::text(&bob))
        .field("owner", Input::text(&bob))
        .field("validator_addr", Input::text(&valoper))
        .field("validator_address", Input::text(&valoper))
        .field("validator", Input::text(&valoper))
        .field("denom", Input::text(DENOM))
        .field("denoms", Input::Texts(vec![DENOM.into()]))
        .field("address_string", Input::text(&bob))
        .field("address_bytes", Input::Bytes(bob_id.to_bytes()))
        .field("account_id", Input::text(0))
        .field("name", Input::text("bonded_tokens_pool"))
        .field("cons_address", Input::text(&valcons))
        .field("height", Input::text(&height))
        .field("hash", Input::text(&hash))
        .field("tx_bytes", Input::Bytes(tx_bytes.clone()))
        .field("tx", Input::Message(tx.encode_to_vec()))
        .field("mode", Input::text("BROADCAST_MODE_SYNC"))
        .field("query", Input::text(format!("tx.height={height}")))
        .field("status", Input::text("BOND_STATUS_BONDED"))
        .field("starting_height", Input::text(1))
        .field("ending_height", Input::text(latest))
        .field("subspace", Input::text("baseapp"))
        .field("proposal_id", Input::text(1))
        .field("voter", Input::text(&bob))
        .field("depositor", Input::text(&bob))
        .field("params_type", Input::text("voting"))
        .method(
            "cosmos.params.v1beta1.Query.Params",
            "key",
            Input::text("BlockParams"),
        )
        .method(
            "cosmos.base.tendermint.v1beta1.Service.ABCIQuery",
            "path",
            Input::text("/cosmos.bank.v1beta1.Query/Params"),
        )
        // Without a source or destination: Bob's redelegations (none yet).
        .method(
            "cosmos.staking.v1beta1.Query.Redelegations",
            "src_validator_addr",
            Input::Unset,
        );
    Ok(SingleChain { inputs, height })
}

/// What a REST walk expects of one method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    SameAsGrpc,
    /// Only an answer of the right type: it changes between two asks.
    Shape,
    NotFound,
}

/// The REST binding of a method, from its `google.api.http` option: the verb (`get`, `post`),
/// the path template and the body field. The rule is read from the descriptor set compiled into
/// the node: gRPC reflection (tonic's) re-encodes descriptors without extension options.
pub fn http_rule(method: &MethodDescriptor) -> Option<(String, String, String)> {
    let pool = rmeshd::descriptors::pool();
    let method = pool
        .get_service_by_name(method.parent_service().full_name())?
        .methods()
        .find(|m| m.name() == method.name())?;
    let http = pool.get_extension_by_name("google.api.http")?;
    let options = method.options();
    if !options.has_extension(&http) {
        return None;
    }
    let rule = options.get_extension(&http).as_message()?.clone();
    let text = |name: &str| {
        rule.get_field_by_name(name)
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    ["get", "post"]
        .into_iter()
        .find(|verb| rule.has_field_by_name(verb))
        .map(|verb| (verb.to_string(), text(verb), text("body")))
}

/// A path template with its variables blanked: two routes of one shape match the same paths.
pub fn rest_shape(template: &str) -> String {
    template
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                "*"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The URL path and query of a GET request: path variables from the template take their fields'
/// values, every other set field becomes a query parameter (`pagination.limit=5`).
pub fn rest_target(template: &str, request: &DynamicMessage) -> Result<String> {
    let mut path = String::new();
    let mut used = BTreeSet::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let end = rest[start..]
            .find('}')
            .map(|e| start + e)
            .ok_or_else(|| anyhow!("unclosed {{ in {template}"))?;
        path.push_str(&rest[..start]);
        let variable = &rest[start + 1..end];
        let field = variable.split('=').next().unwrap_or(variable);
        let value = field_at(request, &field.split('.').collect::<Vec<_>>())
            .ok_or_else(|| anyhow!("{template}: the request sets no {field}"))?;
        // A repeated path variable lists its values with commas, as grpc-gateway reads it.
        let text = match &value {
            Value::List(items) => items
                .iter()
                .map(query_text)
                .collect::<Result<Vec<_>>>()?
                .join(","),
            single => query_text(single)?,
        };
        path.push_str(&text);
        used.insert(field.to_string());
        rest = &rest[end + 1..];
    }
    path.push_str(rest);
    let mut query = form_urlencoded::Serializer::new(String::new());
    add_query(&mut query, "", request, &used)?;
    let query = query.finish();
    Ok(if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    })
}

fn add_query(
    query: &mut form_urlencoded::Serializer<'_, String>,
    prefix: &str,
    message: &DynamicMessage,
    used: &BTreeSet<String>,
) -> Result<()> {
    for (field, value) in message.fields() {
        let name = format!("{prefix}{}", field.name());
        if used.contains(&name) {
            continue;
        }
        match value {
            Value::Message(inner) => add_query(query, &format!("{name}."), inner, used)?,
            Value::List(items) => {
                for item in items {
                    query.append_pair(&name, &query_text(item)?);
                }
            }
            scalar => {
                query.append_pair(&name, &query_text(scalar)?);
            }
        }
    }
    Ok(())
}

fn query_text(value: &Value) -> Result<String> {
    use base64::Engine;
    Ok(match value {
        Value::String(text) => text.clone(),
        Value::Bool(b) => b.to_string(),
        Value::I32(n) => n.to_string(),
        Value::I64(n) => n.to_string(),
        Value::U32(n) => n.to_string(),
        Value::U64(n) => n.to_string(),
        Value::EnumNumber(n) => n.to_string(),
        Value::Bytes(bytes) => base64::engine::general_purpose::STANDARD.encode(bytes),
        other => bail!("{other:?} cannot be a query parameter"),
    })
}

/// Clears message fields that hold an empty message, so that an answer read from JSON (where the
/// gateway writes non-nullable messages out in full) compares equal to the same answer decoded
/// from protobuf (where an empty message may be absent).
pub fn prune_empty_messages(message: &mut DynamicMessage) {
    let fields: Vec<_> = message.fields().map(|(f, _)| f).collect();
    for field in fields {
        match message.get_field_mut(&field) {
            Value::Message(inner) => {
                prune_empty_messages(inner);
                if inner.encoded_len() == 0 {
                    message.clear_field(&field);
                }
            }
            Value::List(items) => {
                for item in items.iter_mut() {
                    if let Value::Message(inner) = item {
                        prune_empty_messages(inner);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The value at a path of field names (`["params", "block", "max_gas"]`), if every step is set.
pub fn field_at(message: &DynamicMessage, path: &[&str]) -> Option<Value> {
    let (first, rest) = path.split_first()?;
    let value = message.get_field_by_name(first)?.into_owned();
    match rest {
        [] => Some(value),
        _ => field_at(value.as_message()?, rest),
    }
}

/// The path to the first field the response carries that its descriptor does not declare.
fn unknown_field(message: &DynamicMessage) -> Option<String> {
    if let Some(field) = message.unknown_fields().next() {
        return Some(format!(
            "{}#{}",
            message.descriptor().full_name(),
            field.number()
        ));
    }
    for (field, value) in message.fields() {
        let nested: Vec<&DynamicMessage> = match value {
            Value::Message(inner) => vec![inner],
            Value::List(items) => items.iter().filter_map(Value::as_message).collect(),
            _ => vec![],
        };
        if let Some(path) = nested.into_iter().find_map(unknown_field) {
            return Some(format!("{}.{path}", field.name()));
        }
    }
    None
}

fn build_request(method: &MethodDescriptor, inputs: &Inputs) -> Result<DynamicMessage> {
    let descriptor = method.input();
    let mut request = DynamicMessage::new(descriptor.clone());
    for field in descriptor.fields() {
        let Some(input) = inputs.value_for(method.full_name(), field.name()) else {
            continue;
        };
        let value = match (input, field.kind(), field.is_list()) {
            (Input::Unset, _, _) => continue,
            (Input::Texts(items), Kind::String, true) => {
                Value::List(items.iter().cloned().map(Value::String).collect())
            }
            (Input::Numbers(items), Kind::Uint64, true) => {
                Value::List(items.iter().copied().map(Value::U64).collect())
            }
            (Input::Text(text), kind, false) => scalar(text, &kind)
                .with_context(|| format!("{}: field {}", method.full_name(), field.name()))?,
            (Input::Bytes(bytes), Kind::Bytes, false) => Value::Bytes(bytes.clone().into()),
            (Input::Message(bytes), Kind::Message(inner), false) => {
                Value::Message(DynamicMessage::decode(inner, bytes.as_slice())?)
            }
            (input, kind, list) => bail!(
                "{}: field {} ({kind:?}, list {list}) cannot take {input:?}",
                method.full_name(),
                field.name()
            ),
        };
        request.set_field(&field, value);
    }
    Ok(request)
}

fn scalar(text: &str, kind: &Kind) -> Result<Value> {
    Ok(match kind {
        Kind::String => Value::String(text.to_string()),
        Kind::Bool => Value::Bool(text.parse()?),
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => Value::I64(text.parse()?),
        Kind::Uint64 | Kind::Fixed64 => Value::U64(text.parse()?),
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => Value::I32(text.parse()?),
        Kind::Uint32 | Kind::Fixed32 => Value::U32(text.parse()?),
        Kind::Enum(descriptor) => Value::EnumNumber(
            descriptor
                .get_value_by_name(text)
                .ok_or_else(|| anyhow!("{text} is not a value of {}", descriptor.full_name()))?
                .number(),
        ),
        Kind::Bytes => Value::Bytes(text.as_bytes().to_vec().into()),
        other => bail!("{other:?} from text"),
    })
}

/// One reflection request on a fresh stream; returns its single answer.
pub async fn reflect(channel: &Channel, request: MessageRequest) -> Result<MessageResponse> {
    let mut client = ServerReflectionClient::new(channel.clone());
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(request),
    };
    let mut answers = client
        .server_reflection_info(tokio_stream::iter([request]))
        .await?
        .into_inner();
    answers
        .message()
        .await?
        .and_then(|answer| answer.message_response)
        .ok_or_else(|| anyhow!("reflection gave no answer"))
}

/// Sends and receives message bytes as they are: the walk encodes and decodes by descriptor.
#[derive(Clone, Copy)]
struct RawCodec;

struct RawEncoder;
struct RawDecoder;

impl Codec for RawCodec {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = RawEncoder;
    type Decoder = RawDecoder;

    fn encoder(&mut self) -> RawEncoder {
        RawEncoder
    }

    fn decoder(&mut self) -> RawDecoder {
        RawDecoder
    }
}

impl Encoder for RawEncoder {
    type Item = Vec<u8>;
    type Error = Status;

    fn encode(&mut self, item: Vec<u8>, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for RawDecoder {
    type Item = Vec<u8>;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Vec<u8>>, Status> {
        let mut bytes = vec![0; src.remaining()];
        src.copy_to_slice(&mut bytes);
        Ok(Some(bytes))
    }
}
