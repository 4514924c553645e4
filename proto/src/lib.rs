//! rmesh's own protobuf packages (generated from `proto/rmesh/**`), with `prost::Name` so the
//! tx router can match their type URLs.

macro_rules! named {
    ($package:literal, $($message:ident),* $(,)?) => {$(
        impl prost::Name for $message {
            const NAME: &'static str = stringify!($message);
            const PACKAGE: &'static str = $package;
        }
    )*};
}

pub mod converter {
    pub mod v1 {
        tonic::include_proto!("rmesh.converter.v1");
        named!(
            "rmesh.converter.v1",
            MsgAddProvider,
            MsgAddProviderResponse,
            MsgUpdateProvider,
            MsgUpdateProviderResponse,
            MsgSetPrice,
            MsgSetPriceResponse,
            MsgRemoveProvider,
            MsgRemoveProviderResponse,
            MsgCloseChannel,
            MsgCloseChannelResponse,
        );
    }
}

pub mod virtualstaking {
    pub mod v1 {
        tonic::include_proto!("rmesh.virtualstaking.v1");
        named!(
            "rmesh.virtualstaking.v1",
            MsgUpdateParams,
            MsgUpdateParamsResponse
        );
    }
}

pub mod vault {
    pub mod v1 {
        tonic::include_proto!("rmesh.vault.v1");
        named!(
            "rmesh.vault.v1",
            MsgBond,
            MsgBondResponse,
            MsgUnbond,
            MsgUnbondResponse,
            MsgStakeLocal,
            MsgStakeLocalResponse,
            MsgUnstakeLocal,
            MsgUnstakeLocalResponse,
            MsgWithdrawLocalRewards,
            MsgWithdrawLocalRewardsResponse,
            MsgStakeRemote,
            MsgStakeRemoteResponse,
        );
    }
}

pub mod externalstaking {
    pub mod v1 {
        tonic::include_proto!("rmesh.externalstaking.v1");
        named!(
            "rmesh.externalstaking.v1",
            MsgUnstake,
            MsgUnstakeResponse,
            MsgWithdrawUnbonded,
            MsgWithdrawUnbondedResponse,
            MsgWithdrawRewards,
            MsgWithdrawRewardsResponse,
        );
    }
}

/// The SDK's `cosmos.consensus.v1` query service, which `cosmos-sdk-proto` does not export.
pub mod consensus {
    pub mod v1 {
        tonic::include_proto!("cosmos.consensus.v1");
    }
}

/// The descriptors of the packages above, for gRPC reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("rmesh_descriptor");

/// The descriptors of the Cosmos SDK and IBC query services the node serves, with everything
/// they import, for gRPC reflection.
pub const COSMOS_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("cosmos_descriptor");

#[cfg(test)]
mod tests {
    use prost::Message;

    use super::COSMOS_DESCRIPTOR_SET;

    #[test]
    fn the_served_descriptors_leave_out_unserved_methods_and_keep_every_option() {
        let set = prost_types::FileDescriptorSet::decode(COSMOS_DESCRIPTOR_SET).unwrap();
        let methods: Vec<String> = set
            .file
            .iter()
            .flat_map(|file| {
                file.service.iter().flat_map(move |service| {
                    service.method.iter().map(move |method| {
                        format!("{}.{}.{}", file.package(), service.name(), method.name())
                    })
                })
            })
            .collect();
        assert!(methods.contains(&"cosmos.tx.v1beta1.Service.GetTx".to_string()));
        for unserved in [
            "cosmos.tx.v1beta1.Service.TxEncodeAmino",
            "cosmos.tx.v1beta1.Service.TxDecodeAmino",
            "ibc.core.channel.v1.Query.ChannelParams",
        ] {
            assert!(
                !methods.contains(&unserved.to_string()),
                "{unserved} is listed"
            );
        }
        // The REST rules are options (extensions) of the methods: a rewrite through prost_types
        // would have dropped them.
        let rule = b"/cosmos/bank/v1beta1/balances/{address}/by_denom";
        assert!(COSMOS_DESCRIPTOR_SET
            .windows(rule.len())
            .any(|window| window == rule));
    }
}
