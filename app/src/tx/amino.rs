//! SIGN_MODE_LEGACY_AMINO_JSON: the sign doc Ledger devices, Keplr's amino signer and cosmjs's
//! `Secp256k1HdWallet` sign, built exactly as the Cosmos SDK 0.50 builds it
//! (`cosmossdk.io/x/tx/signing/aminojson`), generically from the node's protobuf descriptors.
//!
//! The sign doc is the legacy `StdSignDoc`:
//! `{"account_number","chain_id","fee":{"amount","gas"[,"granter"][,"payer"]},"memo","msgs",
//! "sequence"[,"timeout_height"]}` in compact JSON. Each message is `{"type":<amino name>,
//! "value":{...}}` and is rendered from its descriptor by the SDK's rules:
//! - fields in the order of their (amino) names, zero values left out unless the field has
//!   `(amino.dont_omitempty)`, names from `(amino.field_name)`;
//! - 64-bit integers as decimal strings, 32-bit integers and enums as numbers, bytes as
//!   padded base64, `Timestamp` as RFC 3339 (UTC, fraction only when non-zero), `Duration` as
//!   nanoseconds in a string, an `Any` as `{"type":<amino name of the packed message>,"value"}`;
//! - `(amino.encoding) = "legacy_coins"`: an empty coin list is `[]`;
//! - `(cosmos_proto.scalar) = "cosmos.Dec"`: the wire's 18-decimal atomics as the legacy
//!   decimal text (`"100000000000000000"` -> `"0.100000000000000000"`), as x/tx 0.13.6+ and
//!   cosmjs do; `"cosmos.Int"`: `"0"` when empty;
//! - `(amino.message_encoding) = "key_field"` (public keys): the key bytes alone, in base64.
//!
//! Unlike the SDK, which falls back to the type URL for a message without an amino name, a
//! message without `(amino.name)` is refused: only the relayer's IBC core messages lack one, and
//! they are signed with SIGN_MODE_DIRECT.

use std::fmt::Write as _;

use base64::Engine as _;
use prost::Message as _;
use prost_reflect::{
    DescriptorPool, DynamicMessage, ExtensionDescriptor, FieldDescriptor, MessageDescriptor,
    ReflectMessage, Value,
};
use rmesh_core::SdkError;

use super::decode::DecodedTx;

/// How deep messages may nest inside a message (the strict decoder refuses deeper txs already).
const MAX_DEPTH: usize = 100;

const TIMESTAMP: &str = "google.protobuf.Timestamp";
const DURATION: &str = "google.protobuf.Duration";
const ANY: &str = "google.protobuf.Any";
const COIN: &str = "cosmos.base.v1beta1.Coin";

/// Why a tx cannot be rendered as an amino JSON sign doc.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AminoError {
    #[error(
        "{type_url} has no amino name and cannot be signed with SIGN_MODE_LEGACY_AMINO_JSON{hint}",
        hint = direct_only_hint(.type_url)
    )]
    NoAminoName { type_url: String },
    #[error("cannot resolve type URL {0}")]
    UnknownType(String),
    #[error("cannot decode {type_name} for amino JSON: {reason}")]
    Decode { type_name: String, reason: String },
    #[error("amino JSON does not support {0}")]
    Unsupported(String),
    #[error("invalid {kind} {value:?} for amino JSON: {reason}")]
    InvalidNumber {
        kind: &'static str,
        value: String,
        reason: &'static str,
    },
    #[error("not supported: dont_omit_empty=true on invalid (nil?) message field: {0}")]
    NilMessageField(String),
    #[error("messages nest deeper than {MAX_DEPTH} levels")]
    TooDeep,
    #[error("the amino and cosmos_proto options are missing from the node's descriptors")]
    MissingOptions,
}

impl AminoError {
    /// The SDK reports a sign doc it cannot build as a failed signature verification
    /// (`ErrUnauthorized`, code 4), with the reason.
    pub fn into_sdk_error(self, account_number: u64, chain_id: &str) -> SdkError {
        SdkError::Unauthorized(format!(
            "signature verification failed; please verify account number ({account_number}) and chain-id ({chain_id}): ({self})"
        ))
    }
}

fn direct_only_hint(type_url: &str) -> &'static str {
    if is_relayer_message(type_url) {
        "; IBC core (relayer) messages are signed with SIGN_MODE_DIRECT only"
    } else {
        "; sign it with SIGN_MODE_DIRECT"
    }
}

/// IBC core messages (client, connection and channel handshakes, packets) are what a relayer
/// signs; they carry no amino name.
pub fn is_relayer_message(type_url: &str) -> bool {
    type_url.starts_with("/ibc.core.")
}

/// The descriptors of the extension options the encoder reads.
struct Options {
    name: ExtensionDescriptor,
    message_encoding: ExtensionDescriptor,
    encoding: ExtensionDescriptor,
    field_name: ExtensionDescriptor,
    dont_omitempty: ExtensionDescriptor,
    oneof_name: ExtensionDescriptor,
    scalar: ExtensionDescriptor,
}

impl Options {
    fn of(pool: &DescriptorPool) -> Result<Options, AminoError> {
        let get = |name: &str| {
            pool.get_extension_by_name(name)
                .ok_or(AminoError::MissingOptions)
        };
        Ok(Options {
            name: get("amino.name")?,
            message_encoding: get("amino.message_encoding")?,
            encoding: get("amino.encoding")?,
            field_name: get("amino.field_name")?,
            dont_omitempty: get("amino.dont_omitempty")?,
            oneof_name: get("amino.oneof_name")?,
            scalar: get("cosmos_proto.scalar")?,
        })
    }

    fn string(options: &DynamicMessage, extension: &ExtensionDescriptor) -> Option<String> {
        if !options.has_extension(extension) {
            return None;
        }
        options.get_extension(extension).as_str().map(str::to_owned)
    }

    fn message_name(&self, message: &MessageDescriptor) -> Option<String> {
        Self::string(&message.options(), &self.name)
    }
}

/// The amino name of a message type (`(amino.name)`), from the node's descriptors.
pub fn amino_name(full_name: &str) -> Option<String> {
    let pool = crate::descriptors::pool();
    let options = Options::of(pool).ok()?;
    options.message_name(&pool.get_message_by_name(full_name)?)
}

/// A tx's amino JSON sign doc, rendered once: each signer's bytes only differ in the account
/// number, chain ID and sequence, which sit before and after the rendered fee, memo and messages
/// in the sorted document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AminoSignDoc {
    /// `"fee":{...},"memo":"...","msgs":[...]`
    fee_memo_msgs: String,
    timeout_height: u64,
}

impl AminoSignDoc {
    pub fn new(tx: &DecodedTx) -> Result<AminoSignDoc, AminoError> {
        Self::with_pool(crate::descriptors::pool(), tx)
    }

    fn with_pool(pool: &DescriptorPool, tx: &DecodedTx) -> Result<AminoSignDoc, AminoError> {
        let encoder = Encoder {
            pool,
            options: Options::of(pool)?,
        };
        let mut out = String::with_capacity(256 + tx.body_bytes.len() * 2);
        // AminoSignFee: amount (legacy_coins, dont_omitempty), gas (dont_omitempty), granter,
        // payer.
        out.push_str("\"fee\":{\"amount\":");
        let (amount, gas, payer, granter) = match &tx.auth_info.fee {
            Some(fee) => (
                fee.amount.as_slice(),
                fee.gas_limit,
                fee.payer.as_str(),
                fee.granter.as_str(),
            ),
            None => (&[][..], 0, "", ""),
        };
        if amount.is_empty() {
            out.push_str("[]");
        } else {
            let coin = pool
                .get_message_by_name(COIN)
                .ok_or_else(|| AminoError::UnknownType(COIN.into()))?;
            out.push('[');
            for (index, item) in amount.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                let message = decode(&coin, &item.encode_to_vec())?;
                encoder.message(&mut out, &message, 0)?;
            }
            out.push(']');
        }
        let _ = write!(out, ",\"gas\":\"{gas}\"");
        if !granter.is_empty() {
            out.push_str(",\"granter\":");
            json_string(&mut out, granter);
        }
        if !payer.is_empty() {
            out.push_str(",\"payer\":");
            json_string(&mut out, payer);
        }
        out.push_str("},\"memo\":");
        json_string(&mut out, &tx.body.memo);
        out.push_str(",\"msgs\":[");
        for (index, any) in tx.body.messages.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            encoder.any(&mut out, &any.type_url, &any.value, true, 0)?;
        }
        out.push(']');
        Ok(AminoSignDoc {
            fee_memo_msgs: out,
            timeout_height: tx.body.timeout_height,
        })
    }

    /// The bytes one signer signs (the signature covers their SHA-256).
    pub fn sign_bytes(&self, account_number: u64, chain_id: &str, sequence: u64) -> Vec<u8> {
        let mut out = String::with_capacity(self.fee_memo_msgs.len() + chain_id.len() + 96);
        let _ = write!(
            out,
            "{{\"account_number\":\"{account_number}\",\"chain_id\":"
        );
        json_string(&mut out, chain_id);
        out.push(',');
        out.push_str(&self.fee_memo_msgs);
        let _ = write!(out, ",\"sequence\":\"{sequence}\"");
        if self.timeout_height != 0 {
            let _ = write!(out, ",\"timeout_height\":\"{}\"", self.timeout_height);
        }
        out.push('}');
        out.into_bytes()
    }
}

fn decode(descriptor: &MessageDescriptor, bytes: &[u8]) -> Result<DynamicMessage, AminoError> {
    DynamicMessage::decode(descriptor.clone(), bytes).map_err(|e| AminoError::Decode {
        type_name: descriptor.full_name().to_owned(),
        reason: e.to_string(),
    })
}

/// How a field's value is written, from its options (`getFieldEncoding` in the SDK).
enum FieldEncoding {
    Default,
    InlineJson,
    LegacyCoins,
    Dec,
    Int,
}

struct Encoder<'a> {
    pool: &'a DescriptorPool,
    options: Options,
}

impl Encoder<'_> {
    /// A packed message as `{"type":<amino name>,"value":<message>}`. Messages of the tx must
    /// have an amino name; a packed value inside one (a public key) falls back to its type URL,
    /// as in the SDK.
    fn any(
        &self,
        out: &mut String,
        type_url: &str,
        value: &[u8],
        require_name: bool,
        depth: usize,
    ) -> Result<(), AminoError> {
        let full_name = type_url.rsplit('/').next().unwrap_or_default();
        let descriptor = self
            .pool
            .get_message_by_name(full_name)
            .ok_or_else(|| AminoError::UnknownType(type_url.to_owned()))?;
        let name = match self.options.message_name(&descriptor) {
            Some(name) => name,
            None if require_name => {
                return Err(AminoError::NoAminoName {
                    type_url: type_url.to_owned(),
                })
            }
            None => format!("/{full_name}"),
        };
        let message = decode(&descriptor, value)?;
        out.push_str("{\"type\":\"");
        out.push_str(&name);
        out.push_str("\",\"value\":");
        self.message(out, &message, depth + 1)?;
        out.push('}');
        Ok(())
    }

    fn message(
        &self,
        out: &mut String,
        message: &DynamicMessage,
        depth: usize,
    ) -> Result<(), AminoError> {
        if depth > MAX_DEPTH {
            return Err(AminoError::TooDeep);
        }
        let descriptor = message.descriptor();
        match descriptor.full_name() {
            TIMESTAMP => return timestamp(out, message),
            DURATION => return duration(out, message),
            ANY => {
                let type_url = message
                    .get_field_by_name("type_url")
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                let value = message
                    .get_field_by_name("value")
                    .and_then(|v| v.as_bytes().cloned())
                    .unwrap_or_default();
                return self.any(out, &type_url, &value, false, depth);
            }
            _ => {}
        }
        match Options::string(&descriptor.options(), &self.options.message_encoding).as_deref() {
            Some("key_field") => return key_field(out, message),
            Some(other @ ("module_account" | "threshold_string")) => {
                return Err(AminoError::Unsupported(format!(
                    "the {other} encoding of {}",
                    descriptor.full_name()
                )))
            }
            _ => {}
        }
        let mut fields: Vec<(String, FieldDescriptor)> = descriptor
            .fields()
            .map(|field| {
                let name = Options::string(&field.options(), &self.options.field_name)
                    .unwrap_or_else(|| field.name().to_owned());
                (name, field)
            })
            .collect();
        fields.sort_by(|a, b| a.0.cmp(&b.0));
        out.push('{');
        let mut first = true;
        let mut empty_oneofs_written: Vec<String> = Vec::new();
        for (name, field) in fields {
            let options = field.options();
            let oneof = field.containing_oneof();
            let oneof_names = match &oneof {
                Some(oneof) => {
                    let type_name = Options::string(&options, &self.options.oneof_name)
                        .ok_or_else(|| {
                            AminoError::Unsupported(format!(
                                "field {} within a oneof without the amino.oneof_name option",
                                field.name()
                            ))
                        })?;
                    Some((to_camel(oneof.name()), type_name))
                }
                None => None,
            };
            let mut name = name;
            let mut write_nil = false;
            if !message.has_field(&field) {
                let oneof_unset = oneof
                    .as_ref()
                    .is_some_and(|oneof| !oneof.fields().any(|f| message.has_field(&f)));
                match &oneof_names {
                    Some((oneof_field, _))
                        if oneof_unset && !empty_oneofs_written.contains(oneof_field) =>
                    {
                        name = oneof_field.clone();
                        write_nil = true;
                        empty_oneofs_written.push(oneof_field.clone());
                    }
                    _ if !self.dont_omit_empty(&options) => continue,
                    _ if field.kind().as_message().is_some() && !field.is_list() => {
                        return Err(AminoError::NilMessageField(name));
                    }
                    _ => {}
                }
            }
            if !first {
                out.push(',');
            }
            first = false;
            let wrap = match &oneof_names {
                Some((oneof_field, type_name)) if !write_nil => {
                    out.push('"');
                    out.push_str(oneof_field);
                    out.push_str("\":{\"type\":\"");
                    out.push_str(type_name);
                    out.push_str("\",\"value\":{");
                    true
                }
                _ => false,
            };
            json_string(out, &name);
            out.push(':');
            let value = message.get_field(&field);
            match self.field_encoding(&options) {
                FieldEncoding::LegacyCoins => match value.as_ref() {
                    Value::List(items) if items.is_empty() => out.push_str("[]"),
                    Value::List(items) => self.list(out, items, depth)?,
                    _ => {
                        return Err(AminoError::Unsupported(format!(
                            "legacy_coins on the non-list field {}",
                            field.full_name()
                        )))
                    }
                },
                FieldEncoding::InlineJson => {
                    return Err(AminoError::Unsupported(format!(
                        "the inline_json encoding of {}",
                        field.full_name()
                    )))
                }
                FieldEncoding::Dec => scalar_text(out, value.as_ref(), true)?,
                FieldEncoding::Int => scalar_text(out, value.as_ref(), false)?,
                FieldEncoding::Default if write_nil => out.push_str("null"),
                FieldEncoding::Default => self.value(out, value.as_ref(), depth)?,
            }
            if wrap {
                out.push_str("}}");
            }
        }
        out.push('}');
        Ok(())
    }

    fn dont_omit_empty(&self, options: &DynamicMessage) -> bool {
        options.has_extension(&self.options.dont_omitempty)
            && options
                .get_extension(&self.options.dont_omitempty)
                .as_bool()
                .unwrap_or(false)
    }

    fn field_encoding(&self, options: &DynamicMessage) -> FieldEncoding {
        // Unknown encodings fall through to the scalar check, as in the SDK; `inline_json` (raw
        // JSON in bytes, CosmWasm's) is refused rather than re-serialised through floats.
        if let Some(encoding) = Options::string(options, &self.options.encoding) {
            match encoding.as_str() {
                "legacy_coins" => return FieldEncoding::LegacyCoins,
                "inline_json" => return FieldEncoding::InlineJson,
                _ => {}
            }
        }
        match Options::string(options, &self.options.scalar).as_deref() {
            Some("cosmos.Dec") => FieldEncoding::Dec,
            Some("cosmos.Int") => FieldEncoding::Int,
            _ => FieldEncoding::Default,
        }
    }

    fn list(&self, out: &mut String, items: &[Value], depth: usize) -> Result<(), AminoError> {
        out.push('[');
        for (index, item) in items.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            self.value(out, item, depth)?;
        }
        out.push(']');
        Ok(())
    }

    fn value(&self, out: &mut String, value: &Value, depth: usize) -> Result<(), AminoError> {
        match value {
            Value::Message(message) => self.message(out, message, depth + 1)?,
            // An empty list reaches here only with dont_omitempty: Go's nil slice.
            Value::List(items) if items.is_empty() => out.push_str("null"),
            Value::List(items) => self.list(out, items, depth)?,
            Value::Map(_) => return Err(AminoError::Unsupported("maps".into())),
            Value::String(text) => json_string(out, text),
            Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
            Value::I32(number) => {
                let _ = write!(out, "{number}");
            }
            Value::U32(number) => {
                let _ = write!(out, "{number}");
            }
            Value::EnumNumber(number) => {
                let _ = write!(out, "{number}");
            }
            Value::I64(number) => {
                let _ = write!(out, "\"{number}\"");
            }
            Value::U64(number) => {
                let _ = write!(out, "\"{number}\"");
            }
            Value::Bytes(bytes) => {
                out.push('"');
                out.push_str(&base64::engine::general_purpose::STANDARD.encode(bytes));
                out.push('"');
            }
            Value::F32(_) | Value::F64(_) => {
                return Err(AminoError::Unsupported("floating-point fields".into()))
            }
        }
        Ok(())
    }
}

/// `strcase.ToCamel` for protobuf names: `sum` -> `Sum`, `my_field` -> `MyField`.
fn to_camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for c in name.chars() {
        if c == '_' || c == '-' || c == ' ' || c == '.' {
            upper = true;
            continue;
        }
        if upper {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        upper = c.is_ascii_digit();
    }
    out
}

/// `cosmos.Dec` and `cosmos.Int` fields (strings, or bytes holding the same text).
fn scalar_text(out: &mut String, value: &Value, decimal: bool) -> Result<(), AminoError> {
    let text = match value {
        Value::String(text) => text.clone(),
        Value::Bytes(bytes) => {
            String::from_utf8(bytes.to_vec()).map_err(|_| AminoError::InvalidNumber {
                kind: if decimal { "cosmos.Dec" } else { "cosmos.Int" },
                value: hex::encode(bytes),
                reason: "not UTF-8 text",
            })?
        }
        _ => {
            return Err(AminoError::Unsupported(
                "cosmos.Dec or cosmos.Int scalars that are neither strings nor bytes".into(),
            ))
        }
    };
    if text.is_empty() {
        out.push_str("\"0\"");
        return Ok(());
    }
    if decimal {
        json_string(out, &legacy_dec_text(&text)?);
    } else if matches!(value, Value::Bytes(_)) {
        json_string(out, &canonical_integer(&text, "cosmos.Int", INT_MAX)?);
    } else {
        // The SDK writes a string `cosmos.Int` as it is.
        json_string(out, &text);
    }
    Ok(())
}

/// 2^256 - 1: `math.Int`'s bound.
const INT_MAX: &str =
    "115792089237316195423570985008687907853269984665640564039457584007913129639935";
/// 2^315 - 1: `math.LegacyDec`'s bound on its atomics.
const DEC_MAX: &str = "66749594872528440074844428317798503581334516323645399060845050244444366430645017188217565216767";

/// An integer's canonical text (`-` and digits, no leading zeros), within `max` in magnitude.
/// Go's parser also reads `0x..` and octal forms; those are refused here.
fn canonical_integer(text: &str, kind: &'static str, max: &str) -> Result<String, AminoError> {
    let invalid = |reason| AminoError::InvalidNumber {
        kind,
        value: text.to_owned(),
        reason,
    };
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid("not a decimal integer"));
    }
    if digits.len() > 1 && digits.starts_with('0') {
        return Err(invalid("leading zeros"));
    }
    if digits.len() > max.len() || (digits.len() == max.len() && digits > max) {
        return Err(invalid("out of range"));
    }
    Ok(if negative && digits != "0" {
        format!("-{digits}")
    } else {
        digits.to_owned()
    })
}

/// `LegacyDec.String()` of the wire's atomics (the decimal times 10^18).
fn legacy_dec_text(atomics: &str) -> Result<String, AminoError> {
    let canonical = canonical_integer(atomics, "cosmos.Dec", DEC_MAX)?;
    let (negative, digits) = match canonical.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, canonical.as_str()),
    };
    let padded = format!("{digits:0>19}");
    let (whole, fraction) = padded.split_at(padded.len() - 18);
    Ok(format!(
        "{}{whole}.{fraction}",
        if negative { "-" } else { "" }
    ))
}

fn key_field(out: &mut String, message: &DynamicMessage) -> Result<(), AminoError> {
    let key = message.get_field_by_name("key").ok_or_else(|| {
        AminoError::Unsupported(format!(
            "the key_field encoding of {}, which has no key field",
            message.descriptor().full_name()
        ))
    })?;
    match key.as_bytes() {
        Some(bytes) if !bytes.is_empty() => {
            out.push('"');
            out.push_str(&base64::engine::general_purpose::STANDARD.encode(bytes));
            out.push('"');
        }
        _ => out.push_str("null"),
    }
    Ok(())
}

fn int_field(message: &DynamicMessage, name: &str) -> i64 {
    match message.get_field_by_name(name).as_deref() {
        Some(Value::I64(number)) => *number,
        Some(Value::I32(number)) => i64::from(*number),
        _ => 0,
    }
}

/// Go's `time.Unix(s, n).UTC().Format(time.RFC3339)` (or `RFC3339Nano` when `n` is non-zero).
fn timestamp(out: &mut String, message: &DynamicMessage) -> Result<(), AminoError> {
    let seconds = int_field(message, "seconds");
    let nanos = int_field(message, "nanos");
    if nanos < 0 {
        return Err(AminoError::InvalidNumber {
            kind: "timestamp",
            value: format!("{seconds}s {nanos}ns"),
            reason: "nanos must be non-negative",
        });
    }
    // time.Unix normalises nanos of a second or more into the seconds.
    let seconds = seconds.saturating_add(nanos / 1_000_000_000);
    let nanos = nanos % 1_000_000_000;
    let days = seconds.div_euclid(86_400);
    let second_of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    out.push('"');
    if year < 0 {
        out.push('-');
    }
    let _ = write!(
        out,
        "{:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        year.unsigned_abs(),
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60
    );
    if nanos != 0 {
        let fraction = format!("{nanos:09}");
        out.push('.');
        out.push_str(fraction.trim_end_matches('0'));
    }
    out.push_str("Z\"");
    Ok(())
}

/// The proleptic Gregorian date of a day count from 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = (if mp < 10 { mp + 3 } else { mp - 9 }) as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The SDK writes a `Duration` as its nanoseconds (an int64) in a string.
fn duration(out: &mut String, message: &DynamicMessage) -> Result<(), AminoError> {
    const MAX_SECONDS: i64 = i64::MAX / 1_000_000_000 - 1;
    let seconds = int_field(message, "seconds");
    if seconds > MAX_SECONDS {
        return Err(AminoError::InvalidNumber {
            kind: "duration",
            value: format!("{seconds}s"),
            reason: "overflows an int64 of nanoseconds",
        });
    }
    let nanos = int_field(message, "nanos");
    let total = nanos.wrapping_add(seconds.wrapping_mul(1_000_000_000));
    let _ = write!(out, "\"{total}\"");
    Ok(())
}

/// A JSON string as Go's `json.Marshal` writes it: HTML-safe (`<`, `>`, `&` escaped), U+2028
/// and U+2029 escaped, control characters as short escapes or `\u00xx`.
fn json_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
#[path = "amino_tests.rs"]
mod tests;
