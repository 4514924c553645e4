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
const SERVED_COSMOS_PROTOS: [&str; 14] = [
    "cosmos/auth/v1beta1/query.proto",
    "cosmos/consensus/v1/query.proto",
    "cosmos/params/v1beta1/query.proto",
    "cosmos/bank/v1beta1/query.proto",
    "cosmos/staking/v1beta1/query.proto",
    "cosmos/slashing/v1beta1/query.proto",
    "cosmos/distribution/v1beta1/query.proto",
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
const TX_PROTOS: [&str; 13] = [
    "cosmos/tx/v1beta1/tx.proto",
    "cosmos/bank/v1beta1/tx.proto",
    "cosmos/staking/v1beta1/tx.proto",
    "cosmos/distribution/v1beta1/tx.proto",
    "cosmos/slashing/v1beta1/tx.proto",
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
    tonic_build::configure()
        .build_client(false)
        .file_descriptor_set_path(out_dir.join("rmesh_descriptor.bin"))
        .compile_protos(&RMESH_PROTOS, &["."])?;
    for proto in RMESH_PROTOS {
        println!("cargo:rerun-if-changed={proto}");
    }
    cosmos_descriptor_set(&out_dir)?;
    consensus_query_service(&out_dir)
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
    // Amino JSON signing is not accepted (yet); its encoders would have nothing to encode for.
    (
        "cosmos.tx.v1beta1.Service",
        &["TxEncodeAmino", "TxDecodeAmino"],
    ),
    // rmesh does not run channel upgrades, whose timeout these params set.
    ("ibc.core.channel.v1.Query", &["ChannelParams"]),
];

fn unlist_unserved_methods(path: &Path) -> BuildResult<()> {
    let mut set = prost_types::FileDescriptorSet::decode(std::fs::read(path)?.as_slice())?;
    for (service_name, methods) in UNSERVED_METHODS {
        let (package, name) = service_name
            .rsplit_once('.')
            .ok_or("a service name has a package")?;
        let service = set
            .file
            .iter_mut()
            .filter(|file| file.package() == package)
            .flat_map(|file| file.service.iter_mut())
            .find(|service| service.name() == name)
            .ok_or_else(|| format!("{service_name} is missing from the descriptor set"))?;
        let before = service.method.len();
        service
            .method
            .retain(|method| !methods.contains(&method.name()));
        if service.method.len() + methods.len() != before {
            return Err(format!("{service_name} lacks one of {methods:?}").into());
        }
    }
    std::fs::write(path, set.encode_to_vec())?;
    Ok(())
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
