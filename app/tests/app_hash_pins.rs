//! What the chain commits to, pinned: a fixed two-chain scenario (seeded keys, scripted
//! consensus) whose app hash after genesis and after every block must equal the constants in
//! `PINNED_APP_HASHES`. A binary compared with itself cannot catch a renamed field of a stored
//! JSON value, a reordered key or a changed rounding; these constants can.
//!
//! The scenario sends every message type the router accepts (a test below checks the list against
//! `accepted_type_urls`), a packet of each IBC application in each direction it flows (ICS-20,
//! consumer to provider and provider to consumer on the mesh channel, with their acks), a jailing
//! and an unjailing, double-sign evidence, and epochs. IBC core messages whose proofs only a
//! counterparty chain can make (handshake steps after Init, packet relay, client updates) are sent
//! with proofs that do not verify: their refusal, and the fee and sequence it still costs, is what
//! is pinned for them, with each one's (codespace, code) in `PINNED_IBC_CORE_CODES`. The
//! proof-verified handshake and relay are exercised by the `ibc_recv_packet` bench and the Hermes
//! end-to-end tests.

mod support;

use std::collections::BTreeSet;

use cosmos_sdk_proto::cosmos::bank::v1beta1::{Input, MsgMultiSend, Output};
use cosmos_sdk_proto::cosmos::distribution::v1beta1::{
    MsgSetWithdrawAddress, MsgWithdrawDelegatorReward, MsgWithdrawValidatorCommission,
};
use cosmos_sdk_proto::cosmos::staking::v1beta1::MsgCancelUnbondingDelegation;
use cosmos_sdk_proto::Any;
use ibc::clients::tendermint::types::ConsensusState as TmConsensusState;
use ibc::core::commitment_types::commitment::CommitmentRoot;
use ibc::primitives::proto::Any as IbcAny;
use ibc_proto::cosmos::base::v1beta1::Coin as IbcCoin;
use ibc_proto::ibc::applications::transfer::v1::MsgTransfer;
use ibc_proto::ibc::core::channel::v1 as channel;
use ibc_proto::ibc::core::client::v1 as client;
use ibc_proto::ibc::core::commitment::v1::MerklePrefix;
use ibc_proto::ibc::core::connection::v1 as connection;
use prost::Name;
use rmesh_bank::BankRead;
use rmesh_core::Address;
use rmesh_proto::converter::v1::{
    MsgAddProvider, MsgCloseChannel, MsgRemoveProvider, MsgSetPrice, MsgUpdateProvider,
};
use rmesh_proto::externalstaking::v1::{MsgUnstake, MsgWithdrawRewards, MsgWithdrawUnbonded};
use rmesh_proto::vault::v1::{
    MsgBond, MsgStakeLocal, MsgStakeRemote, MsgUnbond, MsgUnstakeLocal, MsgWithdrawLocalRewards,
};
use rmesh_proto::virtualstaking::v1::{MsgUpdateParams, Params};
use rmesh_staking::StakingRead;
use support::mesh::{valoper_of, PROVIDER};
use support::pair::{double_sign, MeshPair, ProviderTerms, CHANNEL, CONSUMER, TRANSFER_PORT};
use support::staking::{
    coin, create_validator_msg, delegate_msg, edit_validator_msg, redelegate_msg, undelegate_msg,
    unjail_msg, valoper, vote, FEE, GAS, JAIL_SECONDS,
};
use support::{packed, send_msg, TestChain, DENOM};

/// The scenario's keys: change it and every pin changes.
const SEED: u64 = 14;

/// Consumer accounts: 0 and 1 run the genesis validators (0 is also the mesh authority), 2 is a
/// delegator, 3 becomes a validator by MsgCreateValidator.
const AUTHORITY: usize = 0;
const DELEGATOR: usize = 2;
const NEWCOMER: usize = 3;
/// Provider accounts 1 and 2 cross-stake; account 3 receives the ICS-20 transfer.
const STAKER: usize = 1;
const SECOND_STAKER: usize = 2;
const RECEIVER: usize = 3;

/// The app hash after genesis and after every block of the scenario, for each chain in the
/// order the blocks were made. These are consensus: every node must compute them, and a node
/// that computes another forks. A change here is a change of what the chain stores or how it
/// computes it; it ships only with a store migration (see the upgrade work) and a note on why,
/// never by pasting the new values to make this test pass.
///
/// Changes so far:
/// - Staking records the SDK's `HistoricalInfo` (header and signing set) at every begin block
///   under `staking/historical/`, keeping `historical_entries` of them. New keys only: a node
///   that upgrades at height H starts the record at H, and no stored value changes, so the
///   migration is empty; every block's hash after genesis moved.
const PINNED_APP_HASHES: &[&str] = &[
    "consumer 0 6025affd15fdaeb88bd01795940cac34540890a8a7d68d62b57538817af3845c",
    "provider 0 eb50ea7286675a7a5cf733c833178738f59d4760c0a613de993257e58d3a40c2",
    "provider 1 d919648726c1d5a17a26e62769a166b9f50e134157f756db1b81ab052b05fb02",
    "consumer 1 53fc27329255299759e317e23def16d6e0ce9fd1930b168966258f2e2391450e",
    "consumer 2 0082e9a7ed9981a743587c61661eb2fc524b47c345d6a4c4fd4355a388ce1e1e",
    "provider 2 3367efcf22b347a5029035b054b7b03c011a6a224dd6ede14665d38eeaf5b0ff",
    "consumer 3 915a8813a7084d5b13db2810207094018e3793aab3ab9c68e3ecfaa4ba0250ff",
    "provider 3 4cead78360ed9d3c3dca29f6f8d6a35eb6a703238d287d1ba01a84d148ef6b55",
    "consumer 4 a488b08bad459be3409ae3842ac1dee15773be2e9ba4489e040e8766c8c091f7",
    "provider 4 72cc50f4fb7aba1f5f088e7d5f6715a56351cae6abb35c022e1aa717fa0d7b0a",
    "provider 5 a266e51f03a23fcabbb1b8d258d9b83824adbbb965985fc4664c4105d07b0f9a",
    "consumer 5 0b29ccbaf8fba702556a79ff8556985546419b0d91422e482ce2f5a518b468ba",
    "provider 6 a4e658d464e06e3f29dee544214ca9db071b6484613c1175684ecf39f6b0f2af",
    "consumer 6 b7f07200f74d923bdddcef96690d23d464c341269fcab1d27dee02a537607ae6",
    "consumer 7 af9e1c6b5c87d5c1a0ca153e5200bf065ac1d3a26c3c6d453487d5a7658eeb9d",
    "consumer 8 de5dcf334974498e77e54f0e2cb2d7d2318be7f92e0f6d3d095fd6a08eacb7bf",
    "consumer 9 ac4e7b745f9cdb3c81664a05c2568852269541154a3fd439e42d2db3bdb1a6b5",
    "consumer 10 8fad8792faf706fb69b54ffedfa1a42636aec936fa23505eb985f8ef7705ff8b",
    "consumer 11 20d3da31e46c7994cf9e88257cc622f094ad9406d22189f777ed1f80df934655",
    "provider 7 821ba359c81f0ab78b175befbce0182e083125df3ef4fd04e9723cd6a05474fa",
    "consumer 12 a5e2ac80414cb257995459336b3e932112669bd8233e60eaca00131cd0310522",
    "provider 8 3797ff5519b2f384e78c8335d6bd86192918a2f35a8d26b5315b3044899dfc90",
    "consumer 13 f1f4bb5b850f2d3acaa46450676bb265e393cde4d978b75546e52687ce309a41",
    "consumer 14 b68abc4515695462c2fe683666c102b1a431e53618bfad1ad1996498b7f83bca",
    "provider 9 861737b82b6c9e9311eef7b93d45f0b879d83443e6be3853a6bb8bf6b10bb4ab",
    "consumer 15 58201edcf9ee4fca3eb7974215d869730d35da7e50f838a4d52c6f3557387279",
    "provider 10 1e2c8897a8224ab0e571c0a3cba6f6836194ee41127ee6bd25348bd4a7861088",
    "consumer 16 905178cd846edecebbf9d83c405f002bfd71ba8a6cd388ec79e6d31eb0e6132b",
    "provider 11 2db27d0b59caa0011cdc8fa7e883838872d92befbc7b6a82474ec47f6629d032",
    "consumer 17 64a2aa7c88f8404f8e1fe8a688c8b5a65f91cdc2cbe02c3b890173066b8c4c0a",
    "consumer 18 b5c4de78927c5600800cc77de7a12eb2e52d7e23b24f73615448bb2b254497fb",
    "provider 12 cd8f2fc8390bc74ee32ca89a45963151652573b60a05156777c39cc97ab6f6f6",
    "consumer 19 56ce7747d2b12a779f17c2ef9b71890a1246fc678bee83ffe2d587aa0e600caf",
    "provider 13 7538f2f800aaf2ef9bde439ec32e9ad8f60f43fad1551a0efe15b1cb4a09deab",
    "consumer 20 fc51e05548be9c0b4c6e763d6605399484ec53eb1d9b1ebd297719fd8d03e156",
    "consumer 21 f08671fefc7c71973e4654e23e5f6a9b8431194b0dccc5eff5d655f7e2e03a1b",
    "provider 14 04730e730f6b118949350d011fe9e129f9b434beecc3bdeccc971366e3e5b493",
    "consumer 22 ebfc01cfd26aadf08fe0e76ebcb61c8857c9c39398d92dc60728cbd122ad7875",
    "provider 15 578c053a6790941381bebe15209fe126f5279f8ae443a425471fa09336b3b76d",
    "consumer 23 64d728ceb21c83b1a010661f5a8b4f48b24ac7c2cad9fd09efdd7a9814dcd7fb",
    "consumer 24 b6ac8082f7ffaefc97452d0d2e95f097a125c5bbe07b25f965ba5df23b74d83b",
    "provider 16 97bf59e906903d742f25c3a01e4be926919e9af690b56a3e5860d7a2461f2b4b",
    "consumer 25 5a2b08803ea1508bad4355ddd07320576756a7e43c1b72d917b28975fe2d98a3",
    "provider 17 6c2ab2a3b50449567060217b87a1d597414cad9ac3c78b0cb6a61c168cfd4b01",
    "consumer 26 763e2b31233428e5c61cb0c9a142820be945499bcd0af0c615351f32651a5743",
    "provider 18 d888a2960f4ce058e872e3e0dd0160d789aabba78525700ecd15ef862d15ce73",
    "consumer 27 ef93f58fd81781fecd8f63f87fdecfbb278c962c44f8f5d344172101a0cd2adb",
    "consumer 28 067ab7a0fff9f087702717bd42bd90cef2490aeec4dddabc7fbcb97641c9b67f",
    "consumer 29 c570cfaddfefbd5abb52f308cfcf1fb2d61633f55ea5affcd876869f78a13988",
    "consumer 30 f8cee6438b9351185dc1cb86d0924f800b9700aaff6a110ef1364a5d2f46392e",
    "consumer 31 0019d5733a81c1ee25694bb8a55f4a66ec851579c1773bded88074e34105cc2e",
    "provider 19 d45e38a258e5108b1e7fcaaaeb197443e6a6c3e0795f23068c9b2a3abb9aa0bd",
    "consumer 32 d11cca2cb4635c411285a90bc6abba6ad34f579143502faa82e37e1d35281f9c",
    "provider 20 2854fae388d782c9b5e456c6ace22ab26a154dffb10da13697a2003b2d306414",
    "consumer 33 bbcb7eb295e48631edb9f303c545f61067f654910539a36e49d2339d877195ec",
    "provider 21 01fc887e2ab59e83ef05c620119be329b13f5f0beb01c1ab7dd1923120ab79ae",
    "consumer 34 4760dc7ff5c00ed37c1e28196ccb647da4cf87fc4be0bce835e1b460d7a4aece",
    "consumer 35 d1d863ee85d66fbacecc30ab8ef7a7baede3a472a9df2f65046d2f701062865f",
    "consumer 36 ff22fef6b416031b8ad92a0cc65459323a9f75bd8d2e6c7e29e231916ea64fbf",
    "consumer 37 ca77a0ab4137ee8f63d7b5860f7f21a8b4e4a6cc6ce5a33d6378f6ea136d7dd2",
    "consumer 38 f0c43707199812bb4320ccf9adff1deedd3b29c72ab6e5cef71b9f04cbe7e5d2",
    "provider 22 25aa91f0d3bac1d0117cd16dc6d9a6966e82fb6575805a8eeb9575ae01bc0aa3",
    "consumer 39 eddcda070d762fab1ee2d819cf62245b15415b7acb1f65d07de2e910c80d7392",
    "provider 23 0fc16542b52e3b9013f4ddfd052172d7061ea30bc5e9cffa0c43b6aba2c8cc30",
    "consumer 40 7d39d636629e3fcf151e11032f160bceab23aba5aa9ec3026a9579767d8fc5eb",
    "consumer 41 04e4e7807bf85daf522c2370c8f9474a1a4e22e4ab2874073fdd6f5fe2ef0b8e",
    "provider 24 b97892cc4624634b81ae5d1555e8385c7a282945a9a38eb77bd83d7bfd7b38d1",
    "consumer 42 6676ea8697c778e0095bcd80940686a0c7d61ed3f65bfe6ffe065eec62352c74",
    "provider 25 7c71b50cecc517928de5b07bd1e4cb770246e85835b703a218cc6a9e8c3c15eb",
    "provider 26 0026d22932a57cbcc46a392758b329bf4f5b2583c12b3ceb7bab4af2cf62431e",
    "consumer 43 af5d3264ca667abbabda3aa0da3c3f2b6c4dd3529a22db500a84d06070e738e9",
    "provider 27 4fac1620facc0ff86c897908920632524694bfd893fe0f36bf228b9e933bbb8f",
    "provider 28 e5aa65bfca12f63996f27b91ace2085dcec18d23703dec6b600a517d2a22bba6",
    "provider 29 1b7593f0e7ab372b5b9470bc6c9b9f10bd57b8e96069da9c64a8f2356ef359ad",
    "provider 30 eedccb355cdee21b2b6523effd48a65209d941e588c08cc531abfe101cb48efb",
    "provider 31 bf9428c8ae5c970dbf1f3a9f729e4572027741e450cc7ed782a5542c15525615",
    "provider 32 27bd928a9a774cd0b74bad280bc7d1a3dbccecef65a2527b8b099120b9182f7a",
    "provider 33 885f8b3e696d3062cff6c349c39349fe2473e5724b8f457aecfc29ab123a7872",
    "consumer 44 b037b8ffc9707e5bd54fa783564da7b4e6a4c93fd8c6bb1d77663637d14e10c9",
    "consumer 45 7a3915ab836ed84c5c945f56f29882d040eb636b7583c537dddd8dc21fb57113",
    "consumer 46 e1ca3c77525fe6e736855c60f7c69777db442b43bd3d3ffbed61b2ed0d7fa759",
    "provider 34 9b3176b2edb97036af1e2c321313205733216000a3d2935d41bfae8889b745e8",
    "consumer 47 037140b897d7fed56947ac50e0d00a7f6f20bfc10b1506077d2c4baf5462fda0",
    "provider 35 efc85fb915e1b4dd9c93d1bcb0550c96cc0b624961506b52679f838f48ba50e2",
    "consumer 48 2894ee5f7d40b42f1e6ef191b3d97731cb534ce934e455fb73fcf4f4eb50b515",
    "consumer 49 9a1b86118890576ff1e186dfc2c7476599e79063fad5d3b30fd949c4f5ecdd43",
    "consumer 50 e7612631b2004cf72bed403ec24c72ccec4a8f3fe016faca079483f053970bd5",
];

/// How each IBC core message sent without a verifiable proof (or with nothing to act on) is
/// answered: pinned with the app hashes.
const PINNED_IBC_CORE_CODES: &[(&str, &str, u32)] = &[
    ("MsgCreateClient", "", 0),
    ("MsgUpdateClient", "ibc", 3),
    ("MsgUpgradeClient", "ibc", 3),
    ("MsgSubmitMisbehaviour", "ibc", 3),
    ("MsgConnectionOpenInit", "", 0),
    ("MsgConnectionOpenTry", "ibc", 3),
    ("MsgConnectionOpenAck", "ibc", 3),
    ("MsgConnectionOpenConfirm", "ibc", 3),
    ("MsgChannelOpenInit", "", 0),
    ("MsgChannelOpenTry", "ibc", 3),
    ("MsgChannelOpenAck", "ibc", 3),
    ("MsgChannelOpenConfirm", "ibc", 3),
    // ICS-20 refuses to close a channel: vouchers could never return.
    ("MsgChannelCloseInit", "ibc", 3),
    ("MsgChannelCloseConfirm", "ibc", 3),
    ("MsgRecvPacket", "ibc", 3),
    ("MsgAcknowledgement", "ibc", 3),
    ("MsgTimeout", "ibc", 3),
    ("MsgTimeoutOnClose", "ibc", 3),
];

fn msg<M: Name + prost::Message>(message: M) -> Any {
    packed(message)
}

fn address(text: &str) -> Address {
    Address::from_bech32_any_prefix(text).unwrap().1
}

/// The provider's validator (account 0 of the provider chain).
fn provider_valoper(pair: &MeshPair) -> String {
    valoper(&pair.provider.accounts[0].address)
}

fn consumer_address(pair: &MeshPair, index: usize) -> String {
    pair.consumer.accounts[index].address.clone()
}

/// The scenario's txs carry several messages: a gas limit for four, and its fee.
const TX_GAS: u64 = 4 * GAS;
const TX_FEE: u128 = 4 * FEE;

/// Signs one tx of `messages` by consumer account `index`.
fn consumer_tx(pair: &mut MeshPair, index: usize, messages: Vec<Any>) -> Vec<u8> {
    pair.consumer.accounts[index].sign(messages, TX_FEE, TX_GAS)
}

fn provider_tx(pair: &mut MeshPair, index: usize, messages: Vec<Any>) -> Vec<u8> {
    pair.provider_account(index).sign(messages, TX_FEE, TX_GAS)
}

async fn consumer_block_all_ok(pair: &mut MeshPair, txs: Vec<Vec<u8>>) {
    let block = pair.consumer_block(txs).await;
    for (code, log) in block.tx_codes.iter().zip(&block.tx_logs) {
        assert_eq!(*code, 0, "consumer block {}: {log}", pair.consumer.height);
    }
}

fn raw_height(height: u64) -> Option<client::Height> {
    Some(client::Height {
        revision_number: 1,
        revision_height: height,
    })
}

/// A 07-tendermint client of a chain `other-1` and its consensus state at height 1.
fn tendermint_client() -> (IbcAny, IbcAny) {
    let client = support::pair::tendermint_client("other-1");
    let consensus = TmConsensusState::new(
        CommitmentRoot::from_bytes(&[3; 32]),
        TestChain::time_of(1),
        tendermint::Hash::Sha256([4; 32]),
    );
    (IbcAny::from(client), IbcAny::from(consensus))
}

/// A proof that parses as nothing: what a relayer with no counterparty would send.
const BOGUS_PROOF: &[u8] = &[0x0a, 0x02, 0x0a, 0x00];

fn transfer_packet(sequence: u64) -> channel::Packet {
    channel::Packet {
        sequence,
        source_port: TRANSFER_PORT.into(),
        source_channel: CHANNEL.into(),
        destination_port: TRANSFER_PORT.into(),
        destination_channel: CHANNEL.into(),
        data: br#"{"amount":"1","denom":"uother","receiver":"x","sender":"y"}"#.to_vec(),
        timeout_height: None,
        timeout_timestamp: 1,
    }
}

/// One message of each IBC core type, signed by `signer`: the client, connection and channel
/// Inits can succeed on their own; every other step needs a counterparty's proof.
fn ibc_core_messages(signer: &str) -> Vec<Any> {
    let (client_state, consensus_state) = tendermint_client();
    let signer = signer.to_string();
    let counterparty = connection::Counterparty {
        client_id: "07-tendermint-0".into(),
        connection_id: "connection-0".into(),
        prefix: Some(MerklePrefix {
            key_prefix: b"ibc".to_vec(),
        }),
    };
    let version = connection::Version {
        identifier: "1".into(),
        features: vec!["ORDER_ORDERED".into(), "ORDER_UNORDERED".into()],
    };
    let channel_end = |state: channel::State| channel::Channel {
        state: state as i32,
        ordering: channel::Order::Unordered as i32,
        counterparty: Some(channel::Counterparty {
            port_id: TRANSFER_PORT.into(),
            channel_id: if state == channel::State::Init {
                String::new()
            } else {
                "channel-1".into()
            },
        }),
        connection_hops: vec!["connection-1".into()],
        version: "ics20-1".into(),
        upgrade_sequence: 0,
    };
    vec![
        msg(client::MsgCreateClient {
            client_state: Some(client_state.clone()),
            consensus_state: Some(consensus_state.clone()),
            signer: signer.clone(),
        }),
        msg(client::MsgUpdateClient {
            client_id: "07-tendermint-1".into(),
            client_message: Some(consensus_state.clone()),
            signer: signer.clone(),
        }),
        msg(client::MsgUpgradeClient {
            client_id: "07-tendermint-1".into(),
            client_state: Some(client_state.clone()),
            consensus_state: Some(consensus_state.clone()),
            proof_upgrade_client: BOGUS_PROOF.to_vec(),
            proof_upgrade_consensus_state: BOGUS_PROOF.to_vec(),
            signer: signer.clone(),
        }),
        msg(client::MsgSubmitMisbehaviour {
            client_id: "07-tendermint-1".into(),
            misbehaviour: Some(consensus_state.clone()),
            signer: signer.clone(),
        }),
        msg(connection::MsgConnectionOpenInit {
            client_id: "07-tendermint-1".into(),
            counterparty: Some(connection::Counterparty {
                connection_id: String::new(),
                ..counterparty.clone()
            }),
            version: Some(version.clone()),
            delay_period: 0,
            signer: signer.clone(),
        }),
        #[allow(deprecated)] // previous_connection_id: unset, as ibc-go 8 requires
        msg(connection::MsgConnectionOpenTry {
            previous_connection_id: String::new(),
            client_id: "07-tendermint-1".into(),
            client_state: Some(client_state.clone()),
            counterparty: Some(counterparty.clone()),
            delay_period: 0,
            counterparty_versions: vec![version.clone()],
            proof_height: raw_height(1),
            proof_init: BOGUS_PROOF.to_vec(),
            proof_client: BOGUS_PROOF.to_vec(),
            proof_consensus: BOGUS_PROOF.to_vec(),
            consensus_height: raw_height(1),
            signer: signer.clone(),
            host_consensus_state_proof: vec![],
        }),
        msg(connection::MsgConnectionOpenAck {
            connection_id: "connection-1".into(),
            counterparty_connection_id: "connection-0".into(),
            version: Some(version),
            client_state: Some(client_state),
            proof_height: raw_height(1),
            proof_try: BOGUS_PROOF.to_vec(),
            proof_client: BOGUS_PROOF.to_vec(),
            proof_consensus: BOGUS_PROOF.to_vec(),
            consensus_height: raw_height(1),
            signer: signer.clone(),
            host_consensus_state_proof: vec![],
        }),
        msg(connection::MsgConnectionOpenConfirm {
            connection_id: "connection-1".into(),
            proof_ack: BOGUS_PROOF.to_vec(),
            proof_height: raw_height(1),
            signer: signer.clone(),
        }),
        msg(channel::MsgChannelOpenInit {
            port_id: TRANSFER_PORT.into(),
            channel: Some(channel_end(channel::State::Init)),
            signer: signer.clone(),
        }),
        #[allow(deprecated)] // previous_channel_id: unset, as ibc-go 8 requires
        msg(channel::MsgChannelOpenTry {
            previous_channel_id: String::new(),
            port_id: TRANSFER_PORT.into(),
            channel: Some(channel_end(channel::State::Tryopen)),
            counterparty_version: "ics20-1".into(),
            proof_init: BOGUS_PROOF.to_vec(),
            proof_height: raw_height(1),
            signer: signer.clone(),
        }),
        msg(channel::MsgChannelOpenAck {
            port_id: TRANSFER_PORT.into(),
            channel_id: "channel-1".into(),
            counterparty_channel_id: "channel-1".into(),
            counterparty_version: "ics20-1".into(),
            proof_try: BOGUS_PROOF.to_vec(),
            proof_height: raw_height(1),
            signer: signer.clone(),
        }),
        msg(channel::MsgChannelOpenConfirm {
            port_id: TRANSFER_PORT.into(),
            channel_id: "channel-1".into(),
            proof_ack: BOGUS_PROOF.to_vec(),
            proof_height: raw_height(1),
            signer: signer.clone(),
        }),
        msg(channel::MsgChannelCloseInit {
            port_id: TRANSFER_PORT.into(),
            channel_id: CHANNEL.into(),
            signer: signer.clone(),
        }),
        msg(channel::MsgChannelCloseConfirm {
            port_id: TRANSFER_PORT.into(),
            channel_id: CHANNEL.into(),
            proof_init: BOGUS_PROOF.to_vec(),
            proof_height: raw_height(1),
            signer: signer.clone(),
            counterparty_upgrade_sequence: 0,
        }),
        msg(channel::MsgRecvPacket {
            packet: Some(transfer_packet(7)),
            proof_commitment: BOGUS_PROOF.to_vec(),
            proof_height: raw_height(1),
            signer: signer.clone(),
        }),
        msg(channel::MsgAcknowledgement {
            packet: Some(transfer_packet(1)),
            acknowledgement: br#"{"result":"AQ=="}"#.to_vec(),
            proof_acked: BOGUS_PROOF.to_vec(),
            proof_height: raw_height(1),
            signer: signer.clone(),
        }),
        msg(channel::MsgTimeout {
            packet: Some(transfer_packet(1)),
            proof_unreceived: BOGUS_PROOF.to_vec(),
            proof_height: raw_height(1),
            next_sequence_recv: 1,
            signer: signer.clone(),
        }),
        msg(channel::MsgTimeoutOnClose {
            packet: Some(transfer_packet(1)),
            proof_unreceived: BOGUS_PROOF.to_vec(),
            proof_close: BOGUS_PROOF.to_vec(),
            proof_height: raw_height(1),
            next_sequence_recv: 1,
            signer,
            counterparty_upgrade_sequence: 0,
        }),
    ]
}

/// Every message type the scenario sends, recorded as it signs them.
#[derive(Default)]
struct Sent(BTreeSet<String>);

impl Sent {
    fn note(&mut self, messages: &[Any]) -> Vec<Any> {
        self.0.extend(messages.iter().map(|m| m.type_url.clone()));
        messages.to_vec()
    }
}

/// Runs the scenario; returns the app-hash log, the IBC core codes and the message types sent.
async fn scenario() -> (Vec<String>, Vec<(String, String, u32, String)>, Sent) {
    let mut sent = Sent::default();
    let mut pair = MeshPair::start_seeded(2, ProviderTerms::default(), SEED).await;
    use support::mesh::Step;
    pair.consumer_block_with(
        vec![],
        vec![Step::SeedChannel(TRANSFER_PORT, TRANSFER_PORT)],
    )
    .await;
    pair.provider_block_with(
        vec![],
        vec![Step::SeedChannel(TRANSFER_PORT, TRANSFER_PORT)],
    )
    .await;

    // Provider: collateral, cross-stake with both consumer validators, local stake.
    let (staker, second) = (pair.staker(STAKER), pair.staker(SECOND_STAKER));
    let (v0, v1) = (valoper_of(&pair.consumer, 0), valoper_of(&pair.consumer, 1));
    let local = provider_valoper(&pair);
    let first = sent.note(&[
        msg(MsgBond {
            owner: staker.clone(),
            amount: "100000000".into(),
        }),
        msg(MsgStakeRemote {
            owner: staker.clone(),
            consumer_id: CONSUMER.into(),
            validator: v0.clone(),
            amount: "50000000".into(),
        }),
        msg(MsgStakeLocal {
            owner: staker.clone(),
            validator: local.clone(),
            amount: "10000000".into(),
        }),
    ]);
    let second_tx = sent.note(&[
        msg(MsgBond {
            owner: second.clone(),
            amount: "20000000".into(),
        }),
        msg(MsgStakeRemote {
            owner: second.clone(),
            consumer_id: CONSUMER.into(),
            validator: v1.clone(),
            amount: "10000000".into(),
        }),
    ]);
    let txs = vec![
        provider_tx(&mut pair, STAKER, first),
        provider_tx(&mut pair, SECOND_STAKER, second_tx),
    ];
    pair.provider_txs(txs).await;
    pair.relay().await;
    pair.until_consumer_epoch().await;

    // Consumer: bank, staking, distribution, converter, virtual staking and ICS-20.
    let (authority, delegator, newcomer) = (
        consumer_address(&pair, AUTHORITY),
        consumer_address(&pair, DELEGATOR),
        consumer_address(&pair, NEWCOMER),
    );
    let (operator0, operator1) = (consumer_address(&pair, 0), consumer_address(&pair, 1));
    let bank = sent.note(&[
        send_msg(&delegator, &newcomer, 1_000),
        msg(MsgMultiSend {
            inputs: vec![Input {
                address: delegator.clone(),
                coins: vec![coin(1_000).unwrap()],
            }],
            outputs: vec![
                Output {
                    address: newcomer.clone(),
                    coins: vec![coin(600).unwrap()],
                },
                Output {
                    address: authority.clone(),
                    coins: vec![coin(400).unwrap()],
                },
            ],
        }),
    ]);
    let staking = sent.note(&[
        delegate_msg(&delegator, &operator0, 5_000_000),
        redelegate_msg(&delegator, &operator0, &operator1, 1_000_000),
        undelegate_msg(&delegator, &operator0, 1_000_000),
        msg(MsgSetWithdrawAddress {
            delegator_address: delegator.clone(),
            withdraw_address: newcomer.clone(),
        }),
    ]);
    let create = sent.note(&[create_validator_msg(&newcomer, 2, 1_000_000)]);
    let converter = sent.note(&[
        msg(MsgAddProvider {
            authority: authority.clone(),
            id: "juno".into(),
            remote_denom: "ujuno".into(),
            price: "0.25".into(),
            discount: "0.2".into(),
            cap: "1000000".into(),
            price_feeder: String::new(),
            connection_id: String::new(),
        }),
        msg(MsgUpdateProvider {
            authority: authority.clone(),
            id: "juno".into(),
            discount: "0.3".into(),
            cap: "2000000".into(),
            price_feeder: delegator.clone(),
            status: "paused".into(),
            connection_id: String::new(),
        }),
        msg(MsgUpdateParams {
            authority: authority.clone(),
            params: Some(Params {
                epoch_length: support::mesh::EPOCH,
                total_cap: "1000000000000".into(),
                max_remote_share: "0.9".into(),
                max_virtual_stake_per_validator: String::new(),
                tombstone_auto_unbond: true,
            }),
        }),
    ]);
    let timeout = TestChain::time_of(10_000).unix_timestamp() as u64 * 1_000_000_000;
    let transfer = sent.note(&[msg(MsgTransfer {
        source_port: TRANSFER_PORT.into(),
        source_channel: CHANNEL.into(),
        token: Some(IbcCoin {
            denom: DENOM.into(),
            amount: "12345".into(),
        }),
        sender: delegator.clone(),
        receiver: pair.provider.accounts[RECEIVER].address.clone(),
        timeout_height: None,
        timeout_timestamp: timeout,
        memo: String::new(),
    })]);
    let txs = vec![
        consumer_tx(&mut pair, DELEGATOR, bank),
        consumer_tx(&mut pair, DELEGATOR, staking),
        consumer_tx(&mut pair, NEWCOMER, create),
        consumer_tx(&mut pair, AUTHORITY, converter),
        consumer_tx(&mut pair, DELEGATOR, transfer),
    ];
    consumer_block_all_ok(&mut pair, txs).await;
    let unbonding_height = pair.consumer.height as i64;
    pair.relay().await;
    let voucher = rmesh_ibc::voucher_denom(&format!("transfer/{CHANNEL}/{DENOM}"));
    let receiver = address(&pair.provider.accounts[RECEIVER].address);
    let snapshot = pair.provider.storage.latest_snapshot();
    let received = snapshot.balance(&receiver, &voucher).await.unwrap();
    assert_eq!(received, 12_345, "the ICS-20 transfer reached the provider");

    let later = sent.note(&[
        msg(MsgCancelUnbondingDelegation {
            delegator_address: delegator.clone(),
            validator_address: valoper(&operator0),
            amount: coin(400_000),
            creation_height: unbonding_height,
        }),
        msg(MsgWithdrawDelegatorReward {
            delegator_address: delegator.clone(),
            validator_address: valoper(&operator0),
        }),
        msg(MsgSetPrice {
            sender: delegator.clone(),
            id: "juno".into(),
            price: "0.3".into(),
        }),
    ]);
    let commission = sent.note(&[msg(MsgWithdrawValidatorCommission {
        validator_address: valoper(&operator1),
    })]);
    let edit = sent.note(&[edit_validator_msg(&newcomer, "renamed")]);
    let remove = sent.note(&[msg(MsgRemoveProvider {
        authority: authority.clone(),
        id: "juno".into(),
    })]);
    let txs = vec![
        consumer_tx(&mut pair, DELEGATOR, later),
        consumer_tx(&mut pair, 1, commission),
        consumer_tx(&mut pair, NEWCOMER, edit),
        consumer_tx(&mut pair, AUTHORITY, remove),
    ];
    consumer_block_all_ok(&mut pair, txs).await;
    pair.relay().await;
    pair.until_consumer_epoch().await;

    // Double-sign evidence against the newcomer, then validator 1 misses blocks until jailed.
    let evidence = double_sign(2, pair.consumer.height, 1);
    pair.consumer_block_full(vec![], vec![evidence], vec![])
        .await;
    pair.relay().await;
    pair.consumer_votes[1] = vote(1, 10, false);
    let operator1_address = address(&operator1);
    let mut jailed = false;
    for _ in 0..30 {
        pair.consumer_block(vec![]).await;
        pair.relay().await;
        let snapshot = pair.consumer.storage.latest_snapshot();
        let validator = snapshot.validator(&operator1_address).await.unwrap();
        jailed = validator.is_some_and(|v| v.jailed);
        if jailed {
            break;
        }
    }
    assert!(jailed, "validator 1 was never jailed for downtime");
    pair.consumer_votes[1] = vote(1, 10, true);
    let jail_blocks = JAIL_SECONDS / 5 + 1;
    for _ in 0..jail_blocks {
        pair.consumer_block(vec![]).await;
    }
    let unjail = sent.note(&[unjail_msg(&operator1)]);
    let tx = consumer_tx(&mut pair, 1, unjail);
    consumer_block_all_ok(&mut pair, vec![tx]).await;
    pair.relay().await;
    pair.until_consumer_epoch().await;

    // Provider: unstake both ways, withdraw rewards.
    let unstake = sent.note(&[
        msg(MsgUnstake {
            owner: staker.clone(),
            consumer_id: CONSUMER.into(),
            validator: v0.clone(),
            amount: "5000000".into(),
        }),
        msg(MsgUnstakeLocal {
            owner: staker.clone(),
            validator: local.clone(),
            amount: "1000000".into(),
        }),
        msg(MsgWithdrawLocalRewards {
            owner: staker.clone(),
            validator: local.clone(),
        }),
        msg(MsgWithdrawRewards {
            owner: staker.clone(),
            consumer_id: CONSUMER.into(),
            validator: v0.clone(),
            recipient: staker.clone(),
        }),
    ]);
    let tx = provider_tx(&mut pair, STAKER, unstake);
    pair.provider_txs(vec![tx]).await;
    pair.relay().await;
    for _ in 0..support::pair::PROVIDER_UNBONDING_SECONDS / 5 + 1 {
        pair.provider_block_with(vec![], vec![]).await;
    }
    let release = sent.note(&[
        msg(MsgWithdrawUnbonded {
            owner: staker.clone(),
            consumer_id: CONSUMER.into(),
        }),
        msg(MsgUnbond {
            owner: staker.clone(),
            amount: "1000000".into(),
        }),
    ]);
    let tx = provider_tx(&mut pair, STAKER, release);
    pair.provider_txs(vec![tx]).await;

    // IBC core messages, each in its own tx.
    let messages = sent.note(&ibc_core_messages(&delegator));
    let txs = messages
        .iter()
        .map(|m| consumer_tx(&mut pair, DELEGATOR, vec![m.clone()]))
        .collect();
    let block = pair.consumer_block(txs).await;
    let ibc_codes = messages
        .iter()
        .zip(block.tx_codes.iter().zip(&block.tx_codespaces))
        .zip(&block.tx_logs)
        .map(|((m, (code, codespace)), log)| {
            let name = m.type_url.rsplit('.').next().unwrap().to_string();
            (name, codespace.clone(), *code, log.clone())
        })
        .collect();
    pair.relay().await;

    // The authority closes the mesh channel: the cross-stake is released, then the channel.
    let close = sent.note(&[msg(MsgCloseChannel {
        authority: authority.clone(),
        id: PROVIDER.into(),
        grace_period_seconds: 0,
    })]);
    let tx = consumer_tx(&mut pair, AUTHORITY, close);
    consumer_block_all_ok(&mut pair, vec![tx]).await;
    pair.relay().await;
    pair.until_consumer_epoch().await;

    (pair.app_hashes, ibc_codes, sent)
}

fn as_rust_list(lines: &[String]) -> String {
    lines.iter().map(|l| format!("    {l:?},\n")).collect()
}

#[tokio::test]
async fn the_app_hash_after_every_block_of_the_fixed_scenario_is_the_pinned_one() {
    let (hashes, ibc_codes, _) = scenario().await;
    let logs: Vec<String> = ibc_codes
        .iter()
        .map(|(name, _, _, log)| format!("{name}: {log}"))
        .collect();
    let ibc_codes: Vec<String> = ibc_codes
        .iter()
        .map(|(name, space, code, _)| format!("({name:?}, {space:?}, {code})"))
        .collect();
    let pinned_codes: Vec<String> = PINNED_IBC_CORE_CODES
        .iter()
        .map(|(name, space, code)| format!("({name:?}, {space:?}, {code})"))
        .collect();
    assert!(
        ibc_codes == pinned_codes,
        "IBC core messages are answered differently; now:\n{}\nbecause:\n{}",
        ibc_codes.join(",\n"),
        logs.join("\n")
    );
    let pinned: Vec<String> = PINNED_APP_HASHES.iter().map(|s| s.to_string()).collect();
    if let Some(first) = hashes.iter().zip(&pinned).position(|(a, b)| a != b) {
        panic!(
            "the app hash differs from the pinned one first at `{}` (pinned `{}`): the chain \
             now stores or computes something else, which forks it from every node running the \
             pinned code. If that is intended, it needs a store migration; the new list is:\n{}",
            hashes[first],
            pinned[first],
            as_rust_list(&hashes)
        );
    }
    assert!(
        hashes.len() == pinned.len(),
        "the scenario made {} blocks, {} are pinned; the new list is:\n{}",
        hashes.len(),
        pinned.len(),
        as_rust_list(&hashes)
    );
}

#[tokio::test]
async fn the_pinned_scenario_sends_every_message_type_the_router_accepts() {
    let (_, _, sent) = scenario().await;
    let accepted: BTreeSet<String> = rmeshd::tx::router::accepted_type_urls()
        .into_iter()
        .collect();
    let missing: Vec<&String> = accepted.difference(&sent.0).collect();
    assert!(
        missing.is_empty(),
        "the app-hash scenario sends no {missing:?}: add each to it, so its effects are pinned"
    );
}
