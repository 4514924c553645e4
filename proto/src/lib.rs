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
