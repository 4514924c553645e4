//! The protobuf descriptors of everything the node serves and accepts (the SDK and IBC files and
//! rmesh's own), with every option kept: the REST routes (`google.api.http`) and the amino names
//! are options of the methods and messages.

use std::sync::OnceLock;

use prost::Message;
use prost_reflect::DescriptorPool;

/// The node's descriptor pool, built once. Both sets are compiled into the binary by the proto
/// build, which checks they form one valid set; a failure here is a build defect, reported by the
/// pool being empty of the affected files rather than by a panic.
pub fn pool() -> &'static DescriptorPool {
    static POOL: OnceLock<DescriptorPool> = OnceLock::new();
    POOL.get_or_init(|| {
        let mut pool = DescriptorPool::new();
        let cosmos = with_current_ics23(rmesh_proto::COSMOS_DESCRIPTOR_SET);
        for set in [cosmos.as_slice(), rmesh_proto::FILE_DESCRIPTOR_SET] {
            if let Err(err) = pool.decode_file_descriptor_set(set) {
                tracing::error!(%err, "a compiled-in descriptor set does not load");
            }
        }
        pool
    })
}

/// The SDK's copy of `cosmos/ics23/v1/proofs.proto` predates `ProofSpec`'s field 5
/// (`prehash_key_before_comparison`), which relayers set in every client of rmesh's JMT; the
/// `ics23` crate's copy has it. The set is rebuilt file by file on the wire, with that file
/// swapped, so every other file keeps its options.
fn with_current_ics23(set: &[u8]) -> Vec<u8> {
    let current: Option<prost_types::FileDescriptorProto> =
        prost_types::FileDescriptorSet::decode(ics23::FILE_DESCRIPTOR_SET)
            .ok()
            .and_then(|ics23| ics23.file.into_iter().next());
    let mut rebuilt = Vec::with_capacity(set.len());
    let mut rest = set;
    while !rest.is_empty() {
        let Ok((field, bytes, after)) = next_file(rest) else {
            // Not a well-formed set: leave it as it is for the pool to report.
            return set.to_vec();
        };
        rest = after;
        let sdk_file = prost_types::FileDescriptorProto::decode(bytes).ok();
        match (&current, sdk_file) {
            // Same package, under the SDK's file name that the other files import.
            (Some(file), Some(sdk_file)) if field == 1 && file.package() == sdk_file.package() => {
                let mut file = file.clone();
                file.name = sdk_file.name;
                prost::encoding::message::encode(1, &file, &mut rebuilt)
            }
            _ => prost::encoding::bytes::encode(field, &bytes.to_vec(), &mut rebuilt),
        }
    }
    rebuilt
}

/// The next length-delimited field of a message: its number, contents and what follows.
fn next_file(bytes: &[u8]) -> Result<(u32, &[u8], &[u8]), prost::DecodeError> {
    let mut buf = bytes;
    let key = prost::encoding::decode_varint(&mut buf)?;
    let length = usize::try_from(prost::encoding::decode_varint(&mut buf)?)
        .map_err(|_| prost::DecodeError::new("a field longer than memory"))?;
    if key & 7 != 2 || buf.len() < length {
        return Err(prost::DecodeError::new("not a length-delimited field"));
    }
    let field = u32::try_from(key >> 3).map_err(|_| prost::DecodeError::new("field number"))?;
    Ok((field, &buf[..length], &buf[length..]))
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_compiled_in_descriptor_sets_load_into_one_pool() {
        let pool = super::pool();
        for service in [
            "cosmos.bank.v1beta1.Query",
            "ibc.core.channel.v1.Query",
            "rmesh.converter.v1.Query",
            "rmesh.vault.v1.Query",
        ] {
            assert!(pool.get_service_by_name(service).is_some(), "{service}");
        }
    }

    #[test]
    fn proof_specs_know_the_prehash_field_relayers_set() {
        let spec = super::pool()
            .get_message_by_name("cosmos.ics23.v1.ProofSpec")
            .unwrap();
        assert!(spec.get_field(5).is_some());
        // And the REST rules (options) of the other files are still there.
        let balance = super::pool()
            .get_service_by_name("cosmos.bank.v1beta1.Query")
            .unwrap()
            .methods()
            .find(|m| m.name() == "Balance")
            .unwrap();
        let http = super::pool()
            .get_extension_by_name("google.api.http")
            .unwrap();
        assert!(balance.options().has_extension(&http));
    }
}
