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
/// - Governance (`gov`): genesis writes its params, first proposal id and virtual-stake switch
///   under `gov/`, and the scenario gains a proposal that is funded, voted and executed. New
///   keys only, but a running chain cannot take this binary by itself: it needs an upgrade
///   whose migration writes gov's genesis state (the upgrade module is still to come).
const PINNED_APP_HASHES: &[&str] = &[
    "consumer 0 607372c04805c725104707c16a586614c1034e529006a3cd9ee0d3e1c59a8543",
    "provider 0 216cff2818fbeaddf2bae01dc0e10f30d99859f73b3e5abd28ed73dc513520fb",
    "provider 1 e5479c99def9ca543c7f2177b11b48400cd01112acfc1419bbb02e5b3f07adbb",
    "consumer 1 35340451c112e81e18d0257a2bccd064dd18b37a2a00a3b094f073dc6bf70031",
    "consumer 2 74e4cd62e1bbc98e430aefe037dddc2bbc52d243986c5aabe30c3eb2cb531e0c",
    "provider 2 17b74bc971e91966261a1e68642506398b6d7c3a3916fe51010b65b75863d376",
    "consumer 3 30fee990d4bcc8c44db4b472371f9e0e90181b0dd9381c86ad16ae290ef47136",
    "provider 3 d3f3bc8e878ac065ce7c0205238089647ceb7d9ce062f9acd1d81ab878705c99",
    "consumer 4 e62e8fc7e06002e0138f60b858b015a7366186469239dc15e1bd99e08c0dcb97",
    "provider 4 e7c9728f5aabaa908e2ac179edc1d978bc2dd8eb00448614f45519abdec2fb24",
    "provider 5 f6ff683afff5c6d04d11268157a58274bee8ba891ff6704e8c610ae200241580",
    "consumer 5 e1511d4c42c8606756adf91bdb5bca973c132239ea67ac58dd571ad98b74b830",
    "provider 6 f33254589c2bddfcbaa5391aaf2cfd2afe6db0584c87c772cd57bd450f40fa7c",
    "consumer 6 b31148017b4289be94b6065a2945293643c2219e65a5aa322e8900b5ae1e35e1",
    "consumer 7 cd0ea872b1ffbb152a9c06155f495bfd32bfdf9a31ec06d4ac4313d9dd8ad0e5",
    "consumer 8 2d515ec61f904e88d55f0e42a7213acaf1538a4e70f08eca83027753d7a8d7d7",
    "consumer 9 4a180447805287d8ea967c46a4a3750eb4c571de615fcaabf30eecb3ea595532",
    "consumer 10 ab8c830d8e890ff256fddfc22e6546a477ed96e64c888246087543fcdd3f15ac",
    "consumer 11 7665ab7ecdbe30261221e712fd1b1674b1441bf16b2a370f21216e3724e45ba8",
    "provider 7 e100d8694013130ccee35d7e302c2c9b7f10c30d2d7f53e7b104cabc01bc427c",
    "consumer 12 f1cd82c7ac92e820de7bd4a39166ea8482ce150a8404f246faaed075fddebfae",
    "provider 8 802b62589531565bb8b09425d78ad045c7f4cb84fe20b0cfb817f6bb2b4d604b",
    "consumer 13 a59d133461d299224344db32d8d34968064865e8fcbc3973dfe7740203cd089a",
    "consumer 14 4724f913ceff421001b9d63560a1c20af00c4981ae8615ddae40145816125219",
    "provider 9 017416fd003c80d9136e353bcf5b767694d0d93e94a50fc39e8e8c22e44f0bd0",
    "consumer 15 389b8b7ff80c6911b582bba6b7026f3653134476157e4bc19f5f4cae524afd05",
    "provider 10 e536d5d7463f1237f6a411bc5d888bef4b8c7185a811d4262110c601f2c19deb",
    "consumer 16 98deb2c515d2955bf7b51ee6300f3144e4c425f937a3ae1b5793080ff4ab6af6",
    "provider 11 254388d3358eb37046de187af92dc3b150cae8ae71df9a482e990b26ae08fb0e",
    "consumer 17 169c2491f20b3b4892a05f06b690a160dcbff7679cd935d496b6e43d4748d5f6",
    "consumer 18 7da53db276a2823ec34ad7ba38cd28b87b08e8484bcb39a878fbdefc056fd103",
    "provider 12 1985206c62a5708095b9297706137f526fc38b8237b8d908127c0aaa4d67e1af",
    "consumer 19 9356ea6955935e3dc5d25441ef5c292eb5f1446c8cb2e244bebc6156cfae1fab",
    "provider 13 81f4cedd7c13bc4653c8b4ca6c58ff652b125b1705eaee77cac040d686e8dea8",
    "consumer 20 d17946c29974559ec12197e9f3e5a80fa58f2da612e2107cf44702a20d491a2a",
    "consumer 21 a4c6184664b183d93d73cfe2ad577b0ff405f471c559b248d3283158cb69e330",
    "provider 14 8c8058ab43763ee455c79c4e1e053ab12aa464f98d3e7dc67b7b7172f65fb6d6",
    "consumer 22 4bf0e2a24243c660890d6db32a04ea5c8799f8f146246f1a2d6f4a2807577969",
    "provider 15 4b091308d6ca448c4357fc379c483141b0fad2d43374dd341d02ef8c6f6396d4",
    "consumer 23 6d959affee56f56f00a1cbd8dc44399d3bcb248e838254d8d268b33761a8f7d5",
    "consumer 24 a44fc69fcaab96b6d40a597b49f5ce79c86745a35a7e05a6737416d87ddf3631",
    "consumer 25 8e93d4c386578ebb32a2ed16a4cc3b3ded14774d0ac8870c144c2ee4fd40f83e",
    "consumer 26 fb093aabce78a45cc333dabc82af8ba9d926adadeeb1aa103a8c8f0f4d794924",
    "consumer 27 3bcae820c8e2b63efc70af9c67e1dafec6715f328788ad48c1a03ffbf3cdd1f2",
    "consumer 28 77abf7cdb00019c71f20685cc2c229a3d76ee8767a84beb1d6d4e27746b34a0c",
    "consumer 29 3d7889d4aaddeac867b1baf23264a4d72b0e3e8f466ec964ff4e0b74872bbc63",
    "consumer 30 8f81579ce5c617c2c68d2b11005a2d27b479ee09013327ede856ad6fd4fdb9df",
    "provider 16 c340778b3defb87dc622daac13d8ba305cde1bd69b94eaa337a913837de70862",
    "consumer 31 ed5c6688874b746eac7fce2dc08d55ea870e72396dbde688667ced668f8dffa7",
    "provider 17 05a5f0560d9d9de817655adbc7788b13b19be80756308fd44bd6bda9aa1f0f7d",
    "consumer 32 08014c7f1e248359d3caae0990822664d2b7c5c01a09eadcf845794c1c60ed43",
    "consumer 33 86ceb0fac6748a07498aaab88e10004acd37b7b8a189b789ec9aa063098df591",
    "provider 18 9f7784f777320564ad8ede70bac92b479cdb3c4cd546ef2536729f82863d3c2a",
    "consumer 34 d416461c05e6088fd690543851118d7ced6a20fcbac75c7206d97e44b2cbf40b",
    "provider 19 abddbf9def120ddac32d1d101760aba50b65d248570bb8a87be05e1502bb6902",
    "consumer 35 78939963df297815cedd15b2cb2bca51f4ce04c5a196a06c61c74d4cb494a6b7",
    "consumer 36 ddaa5fa34d800a243eb23920fcac038d81681981716e27592d0b1763c38b8f4e",
    "provider 20 2226dce4c1fb198859dc32dbe6841528df0cc4f739232e96d5738f7844633363",
    "consumer 37 a67e80f2b94e181bbd03a0fab359fa4f25a75805302d43a76891d907e9fa4201",
    "provider 21 69b6134ffa2260707434ae9a4570e06b9d372d7f6dbd9898f4eca6156f88c46d",
    "consumer 38 d47c57dadc94723ae82658e1fa351ef1b9d4968b7a7feeba8b30ad25ccea933e",
    "consumer 39 af0c2c8d879de9f02372153848480063729ce47edcc8926159281ff58f9fdae9",
    "consumer 40 74989807f81c0fadb8bc001d3738acca5ee83d90a55e1281105636484853c1b5",
    "consumer 41 6837426488a97cdb4b4f8a19245cd45ceddb9c219640d53ac5417e6644a9757c",
    "provider 22 a62d911cb3eb5f48b784548cc2d0bc7b765f5053d4e60b1f15ef927e075b8ac4",
    "consumer 42 64fa583f58c3fbcdb2574a12a685d9ff602e2ee0aaf6b520ab7a5fb12a073269",
    "provider 23 dabe8c68ee6040ded223280699ac0c507e3cffa5c8980f9934399bb725085884",
    "consumer 43 64af9f4065c69548f5774ace0c2ba5802499b1b880e287ed7cfb001fdf1747d9",
    "consumer 44 50e2fdf08d805b2636055a3b2f0c8ffa21dcced05de1e10f21d6db4952d161a7",
    "consumer 45 b599f644d392bffed5e86017aea8f0750928d5f8f5cca92d59e2421b132d8875",
    "consumer 46 2a44acbaf5eeacf6f4d30e6a8b3fecc03ffc153a1c760e471660de111a2cfe33",
    "consumer 47 3f42806109df8ceb8f70b613ddd821a07aaca31896149cd77eab029f9a361e22",
    "provider 24 28499ebfe3882ae6b300a994b28da8aa7811d652e233ae768438dafbfc8d0863",
    "consumer 48 5217e973206361b6fa9b87f70be9910010302c1070da68f7a44c275074d1390d",
    "provider 25 b65bfe11cbcda224314a3cf6a589e43f3363bf3d8e274b789d695ca03dc38e6a",
    "consumer 49 d5d50911f1b0cd97338e05abdd0bbd5961dd17033ba0391ee7cd035b69e3091d",
    "consumer 50 73d2deca2129cdd1650f1f1fd12d21f806af3072a1272f8c48264fd85ef4f772",
    "consumer 51 4776fc0732a66d30eff7cc26bd100dd86056eb283c0252af6e9c40d12b4672f9",
    "provider 26 2cb2007d0de6983e421676a765d1092c3e3dea66405b2eae67859e624610031b",
    "consumer 52 5727851fd1b568354d0641267c850984e36a905385102fe085035091b1f66540",
    "provider 27 916804312096f69a5ffb7672611d51bf7dc4179a4627d8c6e9c4cc23ef142975",
    "provider 28 7b20323dcc48154c37f9b79861d78a04da02ec4fa13e64b9bea3a280186daaeb",
    "consumer 53 b3df95c3497774a4aec93d2cfda74cf50600e004b0760ad20684923dfc45b5f7",
    "provider 29 e2bf89ab10e5687235ecae550dc23e0073ecd2d4ec3f4be6644788150ae1f121",
    "provider 30 27e434a560343cdfba51f1db390e543ee573021891e4389a306ceb1ce3479217",
    "provider 31 5a88c617c4a97f252d8b37ce94aa8d26971d17106a3ee6f8c6bb3612ee80b1de",
    "provider 32 0c541f3163846392b8140521040285a1027a27c8fbd385273fd628115021007b",
    "provider 33 20c4efdf4d4482f8e96cf9aa7948fc248f6d9c9a90dbf6352d27e4dd230b11cf",
    "provider 34 9b76b4a0c0962f97b64ea6ff6e9a1bafe0f8a27d507fdd6c270ecc6933697741",
    "provider 35 5d0c8ef8e7a92b880562fdc8be71212d894262af3e855de675cb0ba8fead0d66",
    "consumer 54 2c25ada486593ee954d6915085f0412c3395fc43d182238dd7bdc3c05a50d744",
    "consumer 55 90d5608d64885868a5dbe88bdcb5ff8644aeb621fec9dd5b696384323e459cdb",
    "consumer 56 c9db9352ee6ea61da42e9d8f45d187843b665276bc71a41e0a81273d0228f2d3",
    "provider 36 a4d2ece92d1146ef0e48236e83056e998a37cbbcc0e951197dbf7abcc67282d8",
    "consumer 57 fc573ce7248b7454de69b1ef02168b5d826fbc7672cc5a7452cc87d70185ecb6",
    "provider 37 82cb6553f18da936b1c1d6ed120a9b3b36c1cc0dfefcb57f8b3f47fdfd4a2b7f",
    "consumer 58 63a10b3580c89deee470580969cb92ba27b2e058464ed00e581a71407e3b8d9c",
    "consumer 59 fab91f9c2f99659249647f48c3a0045434fa5f0ba42285539c34e87e05ab66ba",
    "consumer 60 379bbf4ba93ebadf8c01a5c10c1a29024b05fefe1133da16aa466eeec95c94a4",
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
    let proposed = sent.note(&[msg(GovUpdateParams {
        authority: gov_account,
        params: Some(gov_params),
    })]);
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
