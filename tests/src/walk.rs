//! A walk over the node's gRPC services as a generic client sees them: every service and method
//! comes from the node's reflection, every request is built from the method's descriptor with
//! values the test names by field, and every answer is decoded against the response descriptor,
//! so a method that answers `Unimplemented`, an error, or bytes of another shape is caught.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{anyhow, bail, Context, Result};
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
        let request = build_request(method, inputs)?;
        let path = format!("/{}/{}", method.parent_service().full_name(), method.name());
        let mut grpc = tonic::client::Grpc::new(self.channel.clone());
        grpc.ready().await?;
        let answer = grpc
            .unary(
                tonic::Request::new(request.encode_to_vec()),
                path.parse()?,
                RawCodec,
            )
            .await;
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
