//! Generates the prost messages and tonic servers of rmesh's own protobuf packages, plus the
//! descriptor sets gRPC reflection serves: rmesh's own, and the Cosmos SDK and IBC query
//! services the node also serves.

use std::path::{Path, PathBuf};
use std::process::Command;

use prost::Message;

type BuildResult<T> = Result<T, Box<dyn std::error::Error>>;

const RMESH_PROTOS: [&str; 4] = [
    "rmesh/converter/v1/converter.proto",
    "rmesh/virtualstaking/v1/virtualstaking.proto",
    "rmesh/vault/v1/vault.proto",
    "rmesh/externalstaking/v1/externalstaking.proto",
];

/// The SDK release the node advertises; its `.proto` files come from its Go module.
const COSMOS_SDK_MODULE: &str = "github.com/cosmos/cosmos-sdk@v0.50.10";

/// Every SDK and IBC service `app/src/query/grpc.rs` serves, by the file that declares it.
const SERVED_COSMOS_PROTOS: [&str; 16] = [
    "cosmos/auth/v1beta1/query.proto",
    "cosmos/consensus/v1/query.proto",
    "cosmos/params/v1beta1/query.proto",
    "cosmos/bank/v1beta1/query.proto",
    "cosmos/staking/v1beta1/query.proto",
    "cosmos/slashing/v1beta1/query.proto",
    "cosmos/distribution/v1beta1/query.proto",
    "cosmos/gov/v1/query.proto",
    "cosmos/upgrade/v1beta1/query.proto",
    "cosmos/tx/v1beta1/service.proto",
    "cosmos/base/tendermint/v1beta1/query.proto",
    "cosmos/base/node/v1beta1/query.proto",
    "ibc/core/client/v1/query.proto",
    "ibc/core/connection/v1/query.proto",
    "ibc/core/channel/v1/query.proto",
    "ibc/applications/transfer/v1/query.proto",
];

/// Every tx part and message the node accepts (beyond rmesh's own), so decoding can refuse
/// unknown fields as the SDK does; compiled into the same set as the served files.
const TX_PROTOS: [&str; 15] = [
    "cosmos/tx/v1beta1/tx.proto",
    "cosmos/bank/v1beta1/tx.proto",
    "cosmos/staking/v1beta1/tx.proto",
    "cosmos/distribution/v1beta1/tx.proto",
    "cosmos/slashing/v1beta1/tx.proto",
    "cosmos/gov/v1/tx.proto",
    "cosmos/upgrade/v1beta1/tx.proto",
    "cosmos/crypto/secp256k1/keys.proto",
    "cosmos/crypto/ed25519/keys.proto",
    "cosmos/crypto/multisig/keys.proto",
    "ibc/core/client/v1/tx.proto",
    "ibc/core/connection/v1/tx.proto",
    "ibc/core/channel/v1/tx.proto",
    "ibc/applications/transfer/v1/tx.proto",
    "ibc/lightclients/tendermint/v1/tendermint.proto",
];

fn main() -> BuildResult<()> {
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    cosmos_descriptor_set(&out_dir)?;
    rmesh_packages(&out_dir)?;
    consensus_query_service(&out_dir)
}

/// rmesh's own packages. Their REST routes (`google.api.http`) and amino names (`amino.name`)
/// are options from files of the IBC set, which protoc reads as already compiled; the set written
/// for reflection keeps only rmesh's files, since the SDK and IBC set already holds the imports.
fn rmesh_packages(out_dir: &Path) -> BuildResult<()> {
    let set = out_dir.join("rmesh_descriptor.bin");
    tonic_build::configure()
        .build_client(false)
        .extern_path(
            ".cosmos.base.query.v1beta1",
            "::cosmos_sdk_proto::cosmos::base::query::v1beta1",
        )
        .protoc_arg(format!(
            "--descriptor_set_in={}",
            out_dir.join("ibc_descriptor.bin").display()
        ))
        .file_descriptor_set_path(&set)
        .compile_protos(&RMESH_PROTOS, &["."])?;
    for proto in RMESH_PROTOS {
        println!("cargo:rerun-if-changed={proto}");
    }
    let all = std::fs::read(&set)?;
    let own = edit_fields(&all, |number, file| match number {
        FILE_DESCRIPTOR_SET_FILE
            if !string_field(file, FILE_NAME)?
                .unwrap_or_default()
                .starts_with("rmesh/") =>
        {
            Ok(Edit::Drop)
        }
        _ => Ok(Edit::Keep),
    })?;
    std::fs::write(&set, own)?;
    Ok(())
}

/// `cosmos.consensus.v1`'s query service: `cosmos-sdk-proto` ships its messages but not in its
/// module tree, so its server is generated here from the SDK's own file, with the CometBFT
/// types it answers with taken from `tendermint-proto` like everywhere else in the node.
fn consensus_query_service(out_dir: &Path) -> BuildResult<()> {
    const FILE: &str = "cosmos/consensus/v1/query.proto";
    let all = std::fs::read(out_dir.join("cosmos_descriptor.bin"))?;
    let mut set = prost_types::FileDescriptorSet::decode(all.as_slice())?;
    // prost needs the imported files to see the types it refers to; it writes code for them
    // too, which nothing includes.
    let mut needed = vec![FILE.to_owned()];
    let mut index = 0;
    while let Some(name) = needed.get(index).cloned() {
        let file = set
            .file
            .iter()
            .find(|file| file.name() == name)
            .ok_or_else(|| format!("{name} is missing from the SDK descriptor set"))?;
        for import in &file.dependency {
            if !needed.contains(import) {
                needed.push(import.clone());
            }
        }
        index += 1;
    }
    set.file
        .retain(|file| needed.iter().any(|name| name == file.name()));
    tonic_build::configure()
        .build_client(false)
        .extern_path(".tendermint", "::tendermint_proto")
        .compile_fds(set)?;
    Ok(())
}

/// Compiles the served SDK and IBC files and the tx files with everything they import into one
/// descriptor set.
/// The SDK's files come from its Go module; the IBC files and the imports both share (gogoproto,
/// cosmos_proto, google.api, amino) come from `ibc-proto`'s own descriptor set, so IBC is
/// described exactly as the generated types the node uses.
fn cosmos_descriptor_set(out_dir: &Path) -> BuildResult<()> {
    let sdk_protos = go_module_dir(COSMOS_SDK_MODULE, out_dir)?.join("proto");
    let ibc_set = out_dir.join("ibc_descriptor.bin");
    std::fs::write(&ibc_set, ibc_proto::FILE_DESCRIPTOR_SET)?;
    let protoc = std::env::var("PROTOC").unwrap_or_else(|_| "protoc".to_owned());
    let output = Command::new(&protoc)
        .arg("-I")
        .arg(&sdk_protos)
        .arg(format!("--descriptor_set_in={}", ibc_set.display()))
        .arg("--include_imports")
        .arg(format!(
            "--descriptor_set_out={}",
            out_dir.join("cosmos_descriptor.bin").display()
        ))
        .args(SERVED_COSMOS_PROTOS)
        .args(TX_PROTOS)
        .output()
        .map_err(|e| format!("running {protoc} (scripts/install-tools.sh installs it): {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{protoc} could not build the SDK and IBC descriptor set: {}",
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    unlist_unserved_methods(&out_dir.join("cosmos_descriptor.bin"))
}

/// Methods of served services that the node does not serve, by service: reflection must not
/// offer what answers only `Unimplemented`.
const UNSERVED_METHODS: [(&str, &[&str]); 2] = [
    // These convert between amino JSON and the legacy binary amino codec, which rmesh does not
    // implement (amino JSON signing needs neither).
    (
        "cosmos.tx.v1beta1.Service",
        &["TxEncodeAmino", "TxDecodeAmino"],
    ),
    // rmesh does not run channel upgrades, whose timeout these params set.
    ("ibc.core.channel.v1.Query", &["ChannelParams"]),
];

/// Removes the unserved methods from the descriptor set in place. The set is edited field by
/// field on the wire rather than through `prost_types`, which would drop every option that is an
/// extension (`google.api.http`, the amino and cosmos options) that clients read from reflection.
fn unlist_unserved_methods(path: &Path) -> BuildResult<()> {
    let set = std::fs::read(path)?;
    let mut removed = Vec::new();
    let edited = edit_fields(&set, |number, file| match number {
        FILE_DESCRIPTOR_SET_FILE => Ok(Edit::Replace(edit_file(file, &mut removed)?)),
        _ => Ok(Edit::Keep),
    })?;
    for (service, methods) in UNSERVED_METHODS {
        for method in methods {
            if !removed.contains(&format!("{service}.{method}")) {
                return Err(format!("{service} has no method {method} to leave out").into());
            }
        }
    }
    std::fs::write(path, edited)?;
    Ok(())
}

// Field numbers of descriptor.proto that the edit walks through.
const FILE_DESCRIPTOR_SET_FILE: u64 = 1;
const FILE_NAME: u64 = 1;
const FILE_PACKAGE: u64 = 2;
const FILE_SERVICE: u64 = 6;
const SERVICE_NAME: u64 = 1;
const SERVICE_METHOD: u64 = 2;
const METHOD_NAME: u64 = 1;

fn edit_file(file: &[u8], removed: &mut Vec<String>) -> BuildResult<Vec<u8>> {
    let package = string_field(file, FILE_PACKAGE)?.unwrap_or_default();
    edit_fields(file, |number, service| {
        if number != FILE_SERVICE {
            return Ok(Edit::Keep);
        }
        let name = string_field(service, SERVICE_NAME)?.unwrap_or_default();
        let full = format!("{package}.{name}");
        let Some((_, unserved)) = UNSERVED_METHODS.iter().find(|(s, _)| *s == full) else {
            return Ok(Edit::Keep);
        };
        let edited = edit_fields(service, |number, method| {
            if number != SERVICE_METHOD {
                return Ok(Edit::Keep);
            }
            let name = string_field(method, METHOD_NAME)?.unwrap_or_default();
            if unserved.contains(&name.as_str()) {
                removed.push(format!("{full}.{name}"));
                return Ok(Edit::Drop);
            }
            Ok(Edit::Keep)
        })?;
        Ok(Edit::Replace(edited))
    })
}

/// What becomes of one length-delimited field of a message being edited.
enum Edit {
    Keep,
    Replace(Vec<u8>),
    Drop,
}

/// Rewrites a message: each length-delimited field goes through `edit` with its number and
/// contents; every other field is copied as it is.
fn edit_fields(
    message: &[u8],
    mut edit: impl FnMut(u64, &[u8]) -> BuildResult<Edit>,
) -> BuildResult<Vec<u8>> {
    let mut out = Vec::with_capacity(message.len());
    let mut at = 0;
    while at < message.len() {
        let start = at;
        let key = varint(message, &mut at)?;
        let (number, wire_type) = (key >> 3, key & 7);
        match wire_type {
            0 => {
                varint(message, &mut at)?;
            }
            1 => at += 8,
            5 => at += 4,
            2 => {
                let len = usize::try_from(varint(message, &mut at)?)?;
                let contents = message
                    .get(at..at + len)
                    .ok_or("a descriptor field runs past its message")?;
                at += len;
                match edit(number, contents)? {
                    Edit::Keep => out.extend_from_slice(&message[start..at]),
                    Edit::Drop => {}
                    Edit::Replace(edited) => {
                        put_varint(&mut out, key);
                        put_varint(&mut out, edited.len() as u64);
                        out.extend_from_slice(&edited);
                    }
                }
                continue;
            }
            other => return Err(format!("unexpected wire type {other} in a descriptor").into()),
        }
        out.extend_from_slice(message.get(start..at).ok_or("a truncated descriptor")?);
    }
    Ok(out)
}

/// The last value of a string field, as protobuf reads a repeated scalar.
fn string_field(message: &[u8], wanted: u64) -> BuildResult<Option<String>> {
    let mut found = None;
    edit_fields(message, |number, contents| {
        if number == wanted {
            found = Some(String::from_utf8(contents.to_vec())?);
        }
        Ok(Edit::Keep)
    })?;
    Ok(found)
}

fn varint(bytes: &[u8], at: &mut usize) -> BuildResult<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes.get(*at).ok_or("a truncated varint in a descriptor")?;
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err("a varint longer than 64 bits in a descriptor".into())
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// The directory of a Go module in the module cache, downloading it when missing (Go is already
/// needed to install CometBFT).
fn go_module_dir(module: &str, out_dir: &Path) -> BuildResult<PathBuf> {
    let output = Command::new("go")
        .args(["mod", "download", "-json", module])
        .current_dir(out_dir)
        .env("GO111MODULE", "on")
        .output()
        .map_err(|e| format!("running go to fetch {module}'s .proto files: {e}"))?;
    let info: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("go mod download {module} printed no module info ({e})"))?;
    if !output.status.success() || info.get("Error").is_some() {
        return Err(format!(
            "go mod download {module} failed: {} {}",
            info.get("Error").unwrap_or(&serde_json::Value::Null),
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    info.get("Dir")
        .and_then(serde_json::Value::as_str)
        .map(PathBuf::from)
        .ok_or_else(|| format!("go mod download {module} named no directory").into())
}
