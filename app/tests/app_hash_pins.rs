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
use cosmos_sdk_proto::cosmos::gov::v1::{
    MsgDeposit, MsgSubmitProposal, MsgUpdateParams as GovUpdateParams, MsgVote, MsgVoteWeighted,
    ProposalStatus, VoteOption, WeightedVoteOption,
};
use cosmos_sdk_proto::cosmos::staking::v1beta1::MsgCancelUnbondingDelegation;
use cosmos_sdk_proto::cosmos::upgrade::v1beta1::{MsgCancelUpgrade, MsgSoftwareUpgrade, Plan};
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
use rmesh_gov::GovRead;
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
/// - Governance (`gov`) and upgrades (`upgrade`): genesis writes gov's params, first proposal
///   id and virtual-stake switch under `gov/` and every module's consensus version under
///   `upgrade/versions/`, and the scenario gains a proposal that is funded, voted and executed
///   (it schedules an upgrade plan and cancels it). New keys only, but a chain started
///   before them cannot take this binary by itself: it has no upgrade module to schedule the
///   switch, so it needs a coordinated restart with a migration that writes both modules'
///   genesis state. Later changes can go through a plan.
const PINNED_APP_HASHES: &[&str] = &[
    "consumer 0 d545b20e2013770e2259b8cd054e0f3088da735943ed46a437075ba318686af7",
    "provider 0 27f0f5d56a251a852c06ecd5a219626cf8be6ddcb64918d6c0f67669ccd65896",
    "provider 1 86eecdbdba50a00b2eb6ab6cf2905ef85135b6912061578bb8173be4efae5ada",
    "consumer 1 2c5f50c37a9b192cab08db7ecc358a489b18b292c9a601fe4571c8e524d5711b",
    "consumer 2 10755c3e12683f9e391718e5e4866a7b69ed3ca57b5a058359bc89760f542829",
    "provider 2 49a69fe352b1ba2cce7bb19ffcdf399a84e2025d416acd37e7acb475f521f8d1",
    "consumer 3 72748a4480b8f113118968e78860fe66d984261cc7736db61e49b1d33975dd5c",
    "provider 3 220dd12f35dd74daf19a56594cfec58dbc08b90466c81900bb9d738e3ef50ca2",
    "consumer 4 dd200a043ba2336efd8a25cba8dfe083137a6ac8302dc8ddf347f0f6c9311583",
    "provider 4 e7fd9a70792cbf31f7bd00601e4304d29f6adea937cc3c03bb209b434af2e073",
    "provider 5 230be9bc6e6cd0b362ccca70f435af53c0ab8accbf9bf91bece2a604202acb33",
    "consumer 5 59f4d373654c0094142cf5a772bbeba648dd594c49791016ec4544ce4460cf9f",
    "provider 6 3afec7576b5fff870e74d143d2e76c1599df5bc6fc5b1b4caa45f03bd4f035cf",
    "consumer 6 fcc50a42f89e6fe202eb8dfcf64e463ad60f871ae6f6f1fa0a604b27fd7e6819",
    "consumer 7 dca8f255302e640095d7382ab1a3b458320f082590b9536949ff6dfa4f3b7779",
    "consumer 8 a0208c3773d316b286616d9854e043195cf39639ab0d4a59beb951e6f5667073",
    "consumer 9 10b08db1709c93e9d675484917eb50a7a10d0a003485d38db68fd8241f6abbc9",
    "consumer 10 9d0e9b8b10bd30085a41d5c1ea773f72186210e0a2a66cb2f7dcd4c6d8bb1c77",
    "consumer 11 1d902a4698abf57b95135c49e157cefedcad76d55b82d68a36e129e89050e075",
    "provider 7 9dcc74fa441d685cd264e9970fa2f3553c5a9210effcad5774820fda9280d1f4",
    "consumer 12 0a24fe96625c2be150a75cbe710b24692a1b98665bb475f2be5c4b44ab21af12",
    "provider 8 e910ea44b9624b72394f1cda75545afca47fba1a21231c08b1e6873c599a6462",
    "consumer 13 c465112029aef1434b98da1cf25b31a810b2da74ce42777f57f24096f8bd73ee",
    "consumer 14 bbc0964735b146d2e6e8f7c7e0f926af54d098053d243dcc6c634cac5198916f",
    "provider 9 3510d30308e02ae5e5ccda4b289453b32c1de8c421a92d4be2c9e90c2ac8e0e1",
    "consumer 15 ad8d128fd31b44cdb40bac8e61c3678235f61882ac1f72e83cd1b75f891d9fbf",
    "provider 10 db06676b07706951f0d7534bb065906651441a8cbfd80201b82541a08ecfeea4",
    "consumer 16 40850ec918b9144dc8518be6ba95fe3a61cd20a30b4bcbb3206bd8da5066420f",
    "provider 11 1b92b7f5e97e0dd38d86c602bcf6818766e82047a8b17380c83eedeeb5f4a973",
    "consumer 17 b0db9bc464acc04d9547e3fdebf349a42e90ee0337daf352ccb1458a9eb502d7",
    "consumer 18 8380264c2d49064fb982edfae8d5bf44c5f0bfdace92915e3d6d57c8bf3cf185",
    "provider 12 9d60886e5b666d60ad7e5eb3c94982019225bfbb5b7b272dc9f8aeb494497b1c",
    "consumer 19 6cbb72b72ce1e08b8598c3ad8659045933c7c50d3bb24891f6194380052b5080",
    "provider 13 55656ce9b2c523aff97cb32e5f96bea7ca8191660eafe7dd000bc934b8e67dc9",
    "consumer 20 94fefa8b8fc4e7fdba44a7587c8b0b7a5474e640e8887f2cd874b4a2c241860f",
    "consumer 21 e8799ffaf73b55f031643aee303178d7c3e0df24e26981bb63bd8efeebd90a0f",
    "provider 14 15375a07a7c8066a1c03c2d71f76c2ba2b0479577e08b65736defbaa0c556024",
    "consumer 22 913fe0ae543cf2ecfc169ece7860b4e9dcaf718dfcfa273ffe720f3328cc6c38",
    "provider 15 b710e2c1d6da12b0b0c7c3c712cb6deab52821bee34bc91e0a9c6391699d8c8c",
    "consumer 23 25705948621e15401ce2154c8787049b3fad341bf93b6bc70340ffe4c5403da4",
    "consumer 24 395574c9a6e58d46f64e921296d0dee017aa6798ee6f5cb44582906733b11d68",
    "consumer 25 583a942e5dfbfc393642c4b66ec0c9de4512286ec432271b1d1da3f2a660630d",
    "consumer 26 36ab03394f4fc34b535279489d6122b48f964bee2b1d58a34f6a234d0cb5129a",
    "consumer 27 fdba6a4a8ea1e8ed0811ece7bfe930cb1bde4974b87a01c198abf3c888031124",
    "consumer 28 fc5f1ac05cc6ce9cb3947752f9c90560559e59fdda62649eb64f263080895e0f",
    "consumer 29 29ba950abc5d64c9365e506a9bba38782671dae28f2884cc0482b00d5cd79f6f",
    "consumer 30 ade48775e29af1f8ad74f1bb485767481239b45c634f6c49f3f353c26f77854c",
    "provider 16 3b63e8c558c10e9081ad6bb109481bff0b0e1b911a28154902a1c126d9176802",
    "consumer 31 e32fa000b6658ef14f60167c3a5def56885d61bb849c41945e5bc7f32ac2ca40",
    "provider 17 56a662c5700e433c7b1d93d8e331c7910dad2f52a578ad26984d87b2b160776e",
    "consumer 32 0234fa11c5d4063be846cb11005f6ef65a7dd49384e42b602d78eb20c63be83f",
    "consumer 33 272059056449e1c8d66145d1fa7193656ef37ee562f12ca99d15cb9383dd5ea7",
    "provider 18 b193f13727492cd095bf61e284a87b87edbe69c76bd1671ae9ae69658115b963",
    "consumer 34 a1903d21f877b1b042cea8b283c95b558f9dfe502cb57d60d2537161c84a53a8",
    "provider 19 844878df3cca3b936c903a5e007e2a5d591f85f80d884fa076094bd58c1d340a",
    "consumer 35 1cd75d3be9b9d94128f1f07e242d266d708b2ede068aae21f00c89c6637ba16b",
    "consumer 36 807351aef25489e9c98c1e05a181be49c258f24fe08b1dcec9f04cb5f888c275",
    "provider 20 7729b9b7ab417a571feab5c72c6a378f6f343a13dd4f856960d25d5defdfa5d4",
    "consumer 37 56a61c8b54102f3412ec0bbcac3ef78aec1428986976e953edaa78c7433fe796",
    "provider 21 47bdd87f944b4b849009e5ba788f6fbf409bb618a7d698b00d8e8abf79d700e4",
    "consumer 38 b33351eb95b79d487641615f1defd663e86cb0c3343ead09881a4efc72e57984",
    "consumer 39 9ad3695dc621fc1d054b8557c1ab2db0aeb2b02811f1445ec7d18666a460840a",
    "consumer 40 450be12237f505fc0580de88f6ce41e76699249659e2457ac90426f6ca1fc99a",
    "consumer 41 e32bedc57b6eeba9845b7d88983cc2f853546f026631b782a796c105afc62b18",
    "provider 22 1cb673822541534045d7d0ed218b60d56f18bece2a571969f75497a04cfe73fb",
    "consumer 42 d6cba56d585a11ae73cc17766ca264958b055b0e6082aee58ec797a088e72b3f",
    "provider 23 20dc0218b3f8e3e69601d13c45b404faf8485936c5f50d90166907c00f3af0b2",
    "consumer 43 4d157606cfc5c7bf631463ffbb1a3664635b7eb175c2616cfcef1e349d2e8cbd",
    "consumer 44 fc7e67b07905a31fc7d64298816220babc90327884befff5ef25df80462ef2e8",
    "consumer 45 3ec7acdfa8ca54ceab01bcec16b53627371bc26fc28ecb16ac52a087344d41eb",
    "consumer 46 ea53cbb837b6c76f87e4849498b323ffe0a8d60074cee18d6e2476735d9eaee1",
    "consumer 47 d37516ea477d9f2ef33cda0f9d1fe92c9de9f061a1d3cb3964658d1d692214e4",
    "provider 24 18c760e3dce5fafabcff0f3ff1349d9fb42acf1eeffbaa95a4c20a63ab20c95a",
    "consumer 48 deef71e61731639a54df9c29e9573ee593f80974a5860d62869f5b080199f7a0",
    "provider 25 a923435cc32972168e1d16248d56a58346fc920767b0d88d697e4b73fb764028",
    "consumer 49 f0563bb7b9036a1c61b75a701c92a010390fb2042f37348ee7e0cc8201e8f391",
    "consumer 50 98655cd9fea82ccdd6fc4bb6b6a827232d5bd2da11b5fc9a31076efe49ff4cc2",
    "consumer 51 7191c3dabe2a992ac9a79b8767efbaf937b870830bd5146bae7b83c909651167",
    "provider 26 1737374438c0a8876a55c3bfe88fa75f75b269c538219eb646fbd0b8eb159c91",
    "consumer 52 7bc3a2e464558ec236fb9e3f63a63b2d3739d537931108927e5003b57e9bc649",
    "provider 27 a545361ff0caa04041b98e0784fcfe2270952b2661aa395b40c6a89c837d0be5",
    "provider 28 98291ee5a3602f52db1564f3f976f5f40c89c679a9fb5f24c7e5bd81af3dbb7a",
    "consumer 53 2a3add0bcbfaaf73e20c05818863866296c30616447d181cb31103e3fa041ac8",
    "provider 29 0474b27da53bf09778eb98decc5b2f495c91162b1cf90b3ed9b92c29c58563b6",
    "provider 30 7d32be2cf3c0beb805794d7f0c923dbb5502699ecb3821c2010ea85eef3ef2b9",
    "provider 31 3e8f6280aec8df9efb6fed144edff01596e895a7836de708b0db4a8263a11ea4",
    "provider 32 0af78f7b6ce9d50453e3ea22acfd5949030c82af344ba75896de4462c3653182",
    "provider 33 7d42128486b82c6939f42db41bb30c360ae8b07e008ff90132491e307d062007",
    "provider 34 6b00b4559221e62e603ec7777bbc2e8ac8b033ed707083f2991dad027a468920",
    "provider 35 9d232b6f574e5b598e960983e3c02aef81a8122376cfd5cd492fe1bcae64ad43",
    "consumer 54 7f0d421935e2c61ee810ef2229a623b4eaeb8a4f18379aca6c61caafd6163a35",
    "consumer 55 9d2f6186e10797adfb6db321ab890b823bc492cffb8321ae0c0387d76132aa1f",
    "consumer 56 948aee3b427a6932770b814495724262b50e571445e7fe6c7e335d6c61184b99",
    "provider 36 eae673e9384f473003894f3cac2276ea1c07478040166affd66b17d88ac1ec13",
    "consumer 57 e4372cbace5dfa11d2d48fa9eb47c7d629b98b4d73d3c98f3ee5edfbbb54b161",
    "provider 37 ec29d702ef00801eab6ddf1de6f27529a9bd52698bfd894c7c6da08bdf884477",
    "consumer 58 64f60b18dfe16362346587e110443aeea376546a9577307a72d83b970972d94d",
    "consumer 59 3c4d221efaefcd174bc4287f1409b165136bba7f85ee3c6c20d9db20edc91f47",
    "consumer 60 5db3d83985212102215099c5a619d4e843cc30f8416e0417c96e3b4bd5d4764f",
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

    // Governance: a proposal funded in two deposits, voted plainly and by weight, passes and
    // changes gov's own params as the gov account.
    let prefix = delegator.split('1').next().unwrap_or_default();
    let gov_account = Address::module("gov").to_bech32(prefix);
    let mut gov_params = rmesh_gov::Params::default()
        .with_default_deposits(DENOM)
        .to_proto();
    gov_params.min_deposit[0].amount = (2 * support::pair::GOV_MIN_DEPOSIT).to_string();
    gov_params.voting_period = Some(tendermint_proto::google::protobuf::Duration {
        seconds: 25,
        nanos: 0,
    });
    gov_params.expedited_voting_period = Some(tendermint_proto::google::protobuf::Duration {
        seconds: 10,
        nanos: 0,
    });
    // It also schedules an upgrade plan and cancels it again.
    let proposed = sent.note(&[
        msg(GovUpdateParams {
            authority: gov_account.clone(),
            params: Some(gov_params),
        }),
        msg(MsgSoftwareUpgrade {
            authority: gov_account.clone(),
            plan: Some(Plan {
                name: "v2".into(),
                height: 1_000_000,
                info: "binaries at https://example.invalid".into(),
                ..Default::default()
            }),
        }),
        msg(MsgCancelUpgrade {
            authority: gov_account,
        }),
    ]);
    let half = support::pair::GOV_MIN_DEPOSIT / 2;
    let submit = sent.note(&[msg(MsgSubmitProposal {
        messages: proposed,
        initial_deposit: vec![coin(half).unwrap()],
        proposer: delegator.clone(),
        metadata: String::new(),
        title: "Longer votes".into(),
        summary: "Proposals need more deposit and time.".into(),
        expedited: false,
    })]);
    let top_up = sent.note(&[msg(MsgDeposit {
        proposal_id: 1,
        depositor: newcomer.clone(),
        amount: vec![coin(half).unwrap()],
    })]);
    let txs = vec![
        consumer_tx(&mut pair, DELEGATOR, submit),
        consumer_tx(&mut pair, NEWCOMER, top_up),
    ];
    consumer_block_all_ok(&mut pair, txs).await;
    let yes = sent.note(&[msg(MsgVote {
        proposal_id: 1,
        voter: operator0.clone(),
        option: VoteOption::Yes as i32,
        metadata: String::new(),
    })]);
    let split = sent.note(&[msg(MsgVoteWeighted {
        proposal_id: 1,
        voter: operator1.clone(),
        options: vec![
            WeightedVoteOption {
                option: VoteOption::Yes as i32,
                weight: "0.5".into(),
            },
            WeightedVoteOption {
                option: VoteOption::Abstain as i32,
                weight: "0.5".into(),
            },
        ],
        metadata: String::new(),
    })]);
    let txs = vec![
        consumer_tx(&mut pair, 0, yes),
        consumer_tx(&mut pair, 1, split),
    ];
    consumer_block_all_ok(&mut pair, txs).await;
    for _ in 0..5 {
        pair.consumer_block(vec![]).await;
    }
    let snapshot = pair.consumer.storage.latest_snapshot();
    let decided = snapshot.proposal(1).await.unwrap().unwrap();
    assert_eq!(
        decided.status,
        ProposalStatus::Passed as i32,
        "{}",
        decided.failed_reason
    );
    assert_eq!(snapshot.gov_params().await.unwrap().voting_period, 25);
    pair.relay().await;

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
