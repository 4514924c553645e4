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
const PINNED_APP_HASHES: &[&str] = &[
    "consumer 0 6025affd15fdaeb88bd01795940cac34540890a8a7d68d62b57538817af3845c",
    "provider 0 eb50ea7286675a7a5cf733c833178738f59d4760c0a613de993257e58d3a40c2",
    "provider 1 7a362e8fa8340f992a355c3df09d88618cddd83d5aff01569feaa10666ade438",
    "consumer 1 f44b197047e65e47143cd741f76faf5ea2d6dbbdf4cf6731a71bd70e5188af7a",
    "consumer 2 6a89e6174da1f6993dbec9889228add26d5a209ccdb00281fb3ff3f700273912",
    "provider 2 cad85478bbbd7e1f2c72f68cad65a495b8ce21375a7da29104f28d9107705c9a",
    "consumer 3 d4e9a5c704276cf5fc6ae18a305b26cff3af1586718840010bb554fa2b590b29",
    "provider 3 ea8512917576e636a5e84a34ece5945f268f8227c47da5726e25a3dda87b7a5a",
    "consumer 4 f338cdcd0976befe276e0f740a1ed66e197bdb8dd486f25f728b59bb262275d5",
    "provider 4 e7bff88bcf42bf3add768d8dcf2adefbf8b630b5f02781dd9a434e184a2e7d20",
    "provider 5 6005bb019b460580277acb753481b22bf525ae59c16cf382b90bf968b40afb84",
    "consumer 5 54ba3586f2836ee5af3cdab6a52f57c25a1d810cdf29f00116b672021fb4a0a2",
    "provider 6 d05ebe7ec871e3fd0674bb933681c0173308d9df39ff826b955f6ca47acae862",
    "consumer 6 a3cd4e285ec182b44d54d4caef50aaf1636a9ebb723538b9f072832c29d655c2",
    "consumer 7 373f45ad5ff88b04de8d5ce1ed5c0056c79e1d488280b26a978a8c71f368d1bb",
    "consumer 8 d5a2a3e58dbac0bee8f34860d13481abaa500ca434704c84212951042b568913",
    "consumer 9 031710310114266cec17fbd5544e312f2a00d4a32fa6825e0aeec12ae0914fa6",
    "consumer 10 e17c6a1799a8f8ce6c1bafe8340ac7739433fd0e7f174fb8d369af3f3f847659",
    "consumer 11 461791caecdfc967d48a520ca28b13098910e48fcee06f817e2d6524ca5442fa",
    "provider 7 8e00f6ad3cb45cebdbd6d62f7129dad6e8e2ce43778300607fd2d86f246eeea1",
    "consumer 12 9fa28080965628c16987c33cb171f7672d904eed225b9a08d265fe55e126b61c",
    "provider 8 c2226e18421b19d3187dc6e9e5c35ec13f960fcbbe7eb00376282d7c1265820a",
    "consumer 13 737b8554a4133daaad878834f4912825ef1be5d250fa95089a3f199955649732",
    "consumer 14 060042caeb906ced34ec591d6f4ae7ed6c57ce08ac25fc01c7616d09ff18850a",
    "provider 9 5c9041c8c7896f0b85d823cea82197961ee8639603e0a98b1bf1cc0c1190e872",
    "consumer 15 a290479c8e01e39db80562ce4081fa931bae320997eb2bb05922652c941d6af3",
    "provider 10 033dc80f7c4e072980d2550ca65712cc3a718935de1df98212fcfedd6503d44a",
    "consumer 16 518efb16a7078e7fecf4711c80ceacca368fbc5d5b0f86faff224b46915fac46",
    "provider 11 5155acb2a52c6f9f2a635e99b2e89dbc604489149ae55a2a1d9848db40ae3a0a",
    "consumer 17 c6deb3ed971bb01ceab790880afa7d5c30c5c8a41f4381166cea6072ba126cd9",
    "consumer 18 3ffb99fb038b70630d8b88c88c1813a53180286135034eb4dae427da0f099037",
    "provider 12 5b1112ea737719ec7481eb1f4eb2dccf6c538e5710a67f108bdfe11e25b92871",
    "consumer 19 9e955d42cb8307cbcf03f29da16ae729e8be4d346b940c1fedd0337eb0cdb3f2",
    "provider 13 d849ed69be6663c4bf99991f72ce30700334f658090caeb2155984ebfc7f865c",
    "consumer 20 eb3118818b78ef2217ee5718856951ef9283c5f7dda0abc8442c88f5e9b8b662",
    "consumer 21 ffb937ac0b12723dc849ee94cd4f6193e815134cd4834dcad0631466442ddcac",
    "provider 14 852ec83a360fdec5dbf009bc7f24d5d4e2fe24e32b9a70435e7b94799038498b",
    "consumer 22 7da931ec19c06fa1c5e62e1d9beb92e95aee694a66e95148eb498d71e956240b",
    "provider 15 26b6b8b3b2b0ca543ea600c5b425ee61b40a6199f688f7a32a46aed7cf3da9d5",
    "consumer 23 35e1bbf32d063a850db98aa8b8db4c494da275da376100ad2ae0bd07a2a846e2",
    "consumer 24 a3469526f638bbbbcc7561a5e9c8f59ab708ea951fba2683d2372a4bbb4ebee9",
    "provider 16 38bfe3810397f7737ef10dbae97a05235f85d0f4055262aaec78ac81570a8a04",
    "consumer 25 3306efe0766fc7c005c5d1fd38ac167b9da028b53c7d537965fd019c19f42f8d",
    "provider 17 4964539a031b355cba31fcfee0b77409be95e215e3633de0bd9d2cd33c959828",
    "consumer 26 229df9aa6aa7582e2e09a3c6f6c6230e777fef09429ae587290e49981f9c9c93",
    "provider 18 449f46e92838179413de7e1d7a678befab8c1baee61679c8d99fc92fb570e0c8",
    "consumer 27 a55b7edeba88175ed58242ff002d5f7e7162ca9140c19eec267910bbeb775c44",
    "consumer 28 6e4eca1ec689dcf93ff3d179385b34b57bf100b64edb83cec386577382639223",
    "consumer 29 9c8386a3c458e053d84890e11963871e49ffef7d0b504cf0d71902ecbf5490cf",
    "consumer 30 9ab8cf9ff6515392c15db15c3b39164f0fa91b049eeb8727acb8165aa777b935",
    "consumer 31 39692d7c089b21bfba9c8a0cf20f4290920cb9e8dbf2e5bc09d8d1d2fff5a5f7",
    "provider 19 80a770c0cf062bb19fd3aca9ba588a482d5d9a4a0e123ff86eb82dd7207a229d",
    "consumer 32 a950928387ae1f87eea5428ac183bc7cbca5e7ef50010df61a914c5bc979f4b7",
    "provider 20 37092697794896aba1f84b7db9acb66dd70c004129e220293cac362a6e84236d",
    "consumer 33 b3960f7d6676b48f520350b53661a51b655bff9a180b4d6ef66b2de1ecfb7cbb",
    "provider 21 f4c596d3e2fca0e4190f1ed0a5deb6f39a479aef71befe9c23fde30ded521250",
    "consumer 34 a4e5695af05bd88ed9bcdf04d38bfec2dc1a0c2421ead74bf972e9d760ab0f19",
    "consumer 35 2130c2e577b1cabfe175f9ec3d4eccf62088d2c927661369e86cf56de26d3afe",
    "consumer 36 ca8ca86e2dec4dcf50a5e9f900ddd38c913b13206fb9a1bc72cf6502d123af92",
    "consumer 37 371be09cb4fff988b0a46ea137df375cab9a8552938f0098c5f067b23f6f4cf8",
    "consumer 38 ac6d73dd72232c3eea2679d1b5cb13af0ee480c320f0f07352e38ee665119ddc",
    "provider 22 4e9c20e025b1b41596c92d1cf58a7fc3a18768f055cad29cf5450a2987da1c10",
    "consumer 39 a04e99e274e2c4da39cd5c97561c1efde7861e9ac7dc2c171eb1018eb5fe7cb2",
    "provider 23 a7ebdcb806705012db99cf2c06bf6686de87e8b85a055617565cc1ece7adce39",
    "consumer 40 e73dd604cbe0f055983d220db45111a76ce2547936cf694a75debb9dba3f9fd3",
    "consumer 41 9d3558b0ef228e65f718de5ad9226e73b8608afe05e830b70a02583b0babec83",
    "provider 24 86d234d89727694a7a9e583b1868df9365ac484b9d0c5f966f495ef9630fc131",
    "consumer 42 c9fc4b5e0b05eac8b237f4b620c14dc0ec3cc67c27e4569e19f3eb8c3f43f7a0",
    "provider 25 a5163018dce420384f083caa71f5f151ae99dd36d1085ede92ab32249576363f",
    "provider 26 51deba032a147c38a7a637b65c0a9b638d0f0783c5a31e61f6272d3af3070823",
    "consumer 43 48e547207f279542973b8a221576476f804a30b8b27c2b7c6189fbe51e3a60b8",
    "provider 27 a74522953b6fdc0feaabaeb4b0c5dc8b231467216d85f7f98ddf6eb71b10d520",
    "provider 28 bcd09a1f43e7eed42bb6e21c11a0348827477b455df44cb4c8742366e5095b72",
    "provider 29 a2b5d17230f90de8661adb9d46d869abe255dbec3e9ce1076a2dc664b3562e43",
    "provider 30 a49dcb6d7974697f4a329302bf3765d7bb723b135ed24be699cf17fdc211c90e",
    "provider 31 2442f7d058e3d7c2e0a35643747ef99ae5f2e124df6cb88e0365d5cdde939961",
    "provider 32 df557a184a9d9597dca4d9d424db8fd37b286c4b19b48642941322dfc2e1c7d7",
    "provider 33 383db27c3bac0e07e7b6fbe49b7cf47e84ac820f26317fb204552fd110ca4161",
    "consumer 44 3e12302fa79cd6021a6f35f77f0298277a81e71206dbf9b39479f0d054b91696",
    "consumer 45 791e2d3fb2e74d9d5bb300b9a22f50fd6d98bfbe88ce8596ccc9d162bd17f135",
    "consumer 46 9869311370210ec97a16a63e30d1a65bce875597910fcdec0b8d40c9fd3068ae",
    "provider 34 32827cc95517d63b960d52ac19bb900191deadad55051872cb86970ac9e6fb9b",
    "consumer 47 2c99ab82bc11210456bbc4afdfe10d2cedbf2af2cc517025263b18e7689140ec",
    "provider 35 d2cf444048237939ef64378afdf42c17754029424da9a0079ab71e65fa437539",
    "consumer 48 6467b5efdaf8c4a1e9367cd171cd3e2362b09e955d012ddcc1c335be5ffdb606",
    "consumer 49 b70bf195195a58d49a034854f51c6effeb18a60d577c2a89ead4b146c1afccee",
    "consumer 50 57b889d9751c4650e915cd9808c51a00e1df2816eebdec3bfb16674e2f0c09c8",
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
