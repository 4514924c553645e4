//! A consumer and a provider chain in one process, joined by a mesh-security channel: each end
//! is a real IBC channel end on its chain (light client, connection and channel records seeded
//! as a finished handshake leaves them, so each application sends through ibc-rs), and packets,
//! acks and the close handshake are relayed between the two applications' IBC callbacks the
//! way a relayer delivers them. Proof verification is left to the end-to-end tests (Hermes).

use std::time::Duration;

use cnidarium::StateWrite;
use ibc::clients::tendermint::types::{
    AllowUpdate, ClientState as TmClientState, ConsensusState as TmConsensusState, TrustThreshold,
};
use ibc::core::channel::types::acknowledgement::Acknowledgement;
use ibc::core::channel::types::packet::Packet;
use ibc::core::channel::types::timeout::{TimeoutHeight, TimeoutTimestamp};
use ibc::core::client::types::Height;
use ibc::core::commitment_types::commitment::CommitmentRoot;
use ibc::core::host::types::identifiers::{
    ChainId, ChannelId, ClientId, ConnectionId, PortId, Sequence,
};
use ibc::core::host::types::path::{
    ChannelEndPath, ClientConsensusStatePath, ClientStatePath, ConnectionPath,
    NextChannelSequencePath, NextClientSequencePath, NextConnectionSequencePath, SeqAckPath,
    SeqRecvPath, SeqSendPath,
};
use ibc::core::router::module::Module;
use ibc::primitives::proto::Any as IbcAny;
use ibc::primitives::{Signer, Timestamp};
use ibc_proto::ibc::core::channel::v1 as channel;
use ibc_proto::ibc::core::commitment::v1::MerklePrefix;
use ibc_proto::ibc::core::connection::v1 as connection;
use prost::Message;
use rmesh_converter::{ConverterModule, PORT as CONSUMER_PORT};
use rmesh_core::StoreWrite;
use rmesh_external_staking::{Consumer, ExternalStakingModule, PORT as PROVIDER_PORT};
use rmesh_ibc::{ibc_path, TransferModule, TxStore};
use tendermint::abci::types::{Misbehavior, MisbehaviorKind};
use tendermint::abci::Event;

use super::mesh::{mesh_chain_of, MeshBlock, Step};
use super::staking::vote;
use super::{Account, TestChain};

/// The consumer's minimum proposal deposit; its votes last 20 s (four blocks).
pub const GOV_MIN_DEPOSIT: u128 = 1_000_000;
pub const CONSUMER: &str = "consumer-1";
pub const CONNECTION: &str = "connection-0";
pub const CHANNEL: &str = "channel-0";
const CLIENT: &str = "07-tendermint-0";
/// The provider's unbonding period for cross-stake (4 blocks of the scripted consensus).
pub const PROVIDER_UNBONDING_SECONDS: u64 = 20;
/// Most relay rounds before a test is told its packets never settle.
const MAX_RELAY_ROUNDS: usize = 12;

/// How the provider end is configured.
#[derive(Clone, Copy, Default)]
pub struct ProviderTerms {
    /// Refuse the consumer's channel close, as the reference provider contract does.
    pub refuse_close_confirm: bool,
}

pub struct MeshPair {
    pub consumer: TestChain,
    pub provider: TestChain,
    /// Every consumer block's last commit (by default each validator signs, so rewards
    /// accrue; a test makes one miss blocks here).
    pub consumer_votes: Vec<tendermint::abci::types::VoteInfo>,
    /// Packets sent by either chain that the other (the `End`) has not received yet.
    in_flight: Vec<(End, Packet)>,
    /// Packets received whose acks their sender (the `End`) has not processed yet.
    acks: Vec<(End, Packet, Vec<u8>)>,
    /// Every packet delivered so far, oldest first.
    pub delivered: Vec<Packet>,
    /// The app hash after genesis and after every block, in order: `consumer 7 <hex>`.
    pub app_hashes: Vec<String>,
}

/// Which application of which chain a packet is for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum End {
    Consumer,
    Provider,
}

impl End {
    fn other(self) -> End {
        match self {
            End::Consumer => End::Provider,
            End::Provider => End::Consumer,
        }
    }
}

/// The port of ICS-20 on both chains.
pub const TRANSFER_PORT: &str = "transfer";

/// The application bound to `port` on a chain: the mesh application of its end, or ICS-20.
fn application<'a, S: StateWrite>(port: &PortId, store: TxStore<'a, S>) -> Box<dyn Module + 'a> {
    match port.as_str() {
        CONSUMER_PORT => Box::new(ConverterModule::new(store)),
        PROVIDER_PORT => Box::new(ExternalStakingModule::new(store)),
        TRANSFER_PORT => Box::new(TransferModule::new(store, "rmesh".into())),
        other => panic!("no application on port {other}"),
    }
}

fn attribute<'e>(event: &'e Event, key: &str) -> Option<&'e str> {
    event
        .attributes
        .iter()
        .find(|a| a.key_bytes() == key.as_bytes())
        .and_then(|a| a.value_str().ok())
}

/// The packets of a block's `send_packet` events.
pub fn sent_packets(events: &[Event]) -> Vec<Packet> {
    events
        .iter()
        .filter(|e| e.kind == "send_packet")
        .map(|e| {
            let get =
                |key| attribute(e, key).unwrap_or_else(|| panic!("send_packet without {key}"));
            let nanos: u64 = get("packet_timeout_timestamp").parse().unwrap();
            Packet {
                seq_on_a: Sequence::from(get("packet_sequence").parse::<u64>().unwrap()),
                port_id_on_a: get("packet_src_port").parse().unwrap(),
                chan_id_on_a: get("packet_src_channel").parse().unwrap(),
                port_id_on_b: get("packet_dst_port").parse().unwrap(),
                chan_id_on_b: get("packet_dst_channel").parse().unwrap(),
                data: get("packet_data").as_bytes().to_vec(),
                timeout_height_on_b: TimeoutHeight::Never,
                timeout_timestamp_on_b: TimeoutTimestamp::At(Timestamp::from_nanoseconds(nanos)),
            }
        })
        .collect()
}

/// A 07-tendermint client of `chain_id` trusted at its height 1, with the parameters Hermes
/// gives rmesh's clients.
pub fn tendermint_client(chain_id: &str) -> TmClientState {
    let chain_id = ChainId::new(chain_id).unwrap();
    let height = Height::new(chain_id.revision_number(), 1).unwrap();
    TmClientState::new(
        chain_id,
        TrustThreshold::ONE_THIRD,
        Duration::from_secs(14 * 24 * 3600),
        Duration::from_secs(21 * 24 * 3600),
        Duration::from_secs(40),
        height,
        rmesh_ibc::proof_specs(),
        vec!["upgrade".into(), "upgradedIBCState".into()],
        AllowUpdate {
            after_expiry: true,
            after_misbehaviour: true,
        },
    )
    .unwrap()
}

/// Writes the IBC records a finished handshake leaves on one chain for the mesh channel:
/// a light client of the other chain (trusted from genesis time), an open connection and an
/// open unordered channel on `port` to `counterparty_port`.
pub fn seed_channel_end<S: StateWrite>(
    state: &mut S,
    port: &str,
    counterparty_port: &str,
) -> Result<(), rmesh_core::SdkError> {
    let client_id: ClientId = CLIENT.parse().unwrap();
    let client = tendermint_client(super::CHAIN_ID);
    let height = client.latest_height;
    let consensus = TmConsensusState::new(
        CommitmentRoot::from_bytes(&[1; 32]),
        TestChain::time_of(0),
        tendermint::Hash::Sha256([2; 32]),
    );
    let connection_id: ConnectionId = CONNECTION.parse().unwrap();
    let connection = connection::ConnectionEnd {
        client_id: CLIENT.into(),
        versions: vec![connection::Version {
            identifier: "1".into(),
            features: vec!["ORDER_ORDERED".into(), "ORDER_UNORDERED".into()],
        }],
        state: connection::State::Open as i32,
        counterparty: Some(connection::Counterparty {
            client_id: CLIENT.into(),
            connection_id: CONNECTION.into(),
            prefix: Some(MerklePrefix {
                key_prefix: b"ibc".to_vec(),
            }),
        }),
        delay_period: 0,
    };
    let port_id: PortId = port.parse().unwrap();
    let channel_id: ChannelId = CHANNEL.parse().unwrap();
    let end = channel::Channel {
        state: channel::State::Open as i32,
        ordering: channel::Order::Unordered as i32,
        counterparty: Some(channel::Counterparty {
            port_id: counterparty_port.into(),
            channel_id: CHANNEL.into(),
        }),
        connection_hops: vec![CONNECTION.into()],
        version: if port == TRANSFER_PORT {
            "ics20-1".into()
        } else {
            rmesh_mesh_wire::VERSION.into()
        },
        upgrade_sequence: 0,
    };
    let mut put = |path: String, value: Vec<u8>| state.put_bytes(ibc_path(&path), value);
    put(
        ClientStatePath::new(client_id.clone()).to_string(),
        IbcAny::from(client).encode_to_vec(),
    )?;
    put(
        ClientConsensusStatePath::new(client_id, height.revision_number(), 1).to_string(),
        IbcAny::from(consensus).encode_to_vec(),
    )?;
    put(
        ConnectionPath::new(&connection_id).to_string(),
        connection.encode_to_vec(),
    )?;
    put(
        ChannelEndPath::new(&port_id, &channel_id).to_string(),
        end.encode_to_vec(),
    )?;
    for path in [
        SeqSendPath::new(&port_id, &channel_id).to_string(),
        SeqRecvPath::new(&port_id, &channel_id).to_string(),
        SeqAckPath::new(&port_id, &channel_id).to_string(),
    ] {
        put(path, 1u64.to_be_bytes().to_vec())?;
    }
    // The handshake used the first client, connection and channel ids: the next are 1.
    for path in [
        NextClientSequencePath.to_string(),
        NextConnectionSequencePath.to_string(),
        NextChannelSequencePath.to_string(),
    ] {
        put(path, 1u64.to_be_bytes().to_vec())?;
    }
    Ok(())
}

fn relayer() -> Signer {
    Signer::from("relayer".to_string())
}

/// Delivers `packet` to the application it is for; returns the ack it wrote.
pub fn receive<S: StateWrite>(state: &mut S, packet: &Packet) -> Vec<u8> {
    let mut module = application(&packet.port_id_on_b, TxStore::new(state));
    let (_, ack) = module.on_recv_packet_execute(packet, &relayer());
    ack.expect("rmesh's applications acknowledge synchronously")
        .as_bytes()
        .to_vec()
}

/// Hands the sender of `packet` the ack its counterparty wrote.
pub fn acknowledge<S: StateWrite>(state: &mut S, packet: &Packet, ack: &[u8]) {
    let mut module = application(&packet.port_id_on_a, TxStore::new(state));
    let ack = Acknowledgement::try_from(ack.to_vec()).unwrap();
    let (_, result) = module.on_acknowledgement_packet_execute(packet, &ack, &relayer());
    result.unwrap();
}

/// What the relayer's ChanCloseConfirm on the provider gets from its application: the
/// refusal, or the provider's release of the channel.
pub fn confirm_close_on_provider<S: StateWrite>(state: &mut S) -> Result<(), String> {
    let store = TxStore::new(state);
    let mut module = ExternalStakingModule::new(store);
    let (port, channel) = (
        PROVIDER_PORT.parse().unwrap(),
        CHANNEL.parse::<ChannelId>().unwrap(),
    );
    module
        .on_chan_close_confirm_validate(&port, &channel)
        .map_err(|e| e.to_string())?;
    module
        .on_chan_close_confirm_execute(&port, &channel)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

impl MeshPair {
    /// A consumer with `validators` validators (the mesh chain of `support::mesh`, provider
    /// `osmo` on `connection-0`) and a provider with one validator and `stakers` funded accounts
    /// (accounts 1.. of the provider chain), the channel open on both and the consumer's
    /// validator set already known to the provider.
    pub async fn start(validators: usize, terms: ProviderTerms) -> Self {
        Self::start_with_keys(validators, terms, Account::random).await
    }

    /// [`start`](Self::start) with every account's key derived from `seed`: the same pair, with
    /// the same app hashes, on every run.
    pub async fn start_seeded(validators: usize, terms: ProviderTerms, seed: u64) -> Self {
        Self::start_with_keys(validators, terms, |number| Account::seeded(seed, number)).await
    }

    async fn start_with_keys(
        validators: usize,
        terms: ProviderTerms,
        account: impl Fn(u64) -> Account,
    ) -> Self {
        let consumer_accounts = (0..validators as u64 + 2).map(&account).collect();
        let consumer = mesh_chain_of(consumer_accounts, validators, |genesis| {
            let provider = &mut genesis.converter.providers[0];
            provider.connection_id = Some(CONNECTION.into());
            // The provider chain stakes its own bond denom.
            provider.remote_denom = super::DENOM.into();
            // Proposals decided within a few blocks.
            let gov = &mut genesis.gov.params;
            gov.min_deposit = vec![rmesh_core::Coin::new(GOV_MIN_DEPOSIT, super::DENOM)];
            gov.expedited_min_deposit =
                vec![rmesh_core::Coin::new(5 * GOV_MIN_DEPOSIT, super::DENOM)];
            gov.max_deposit_period = 10;
            gov.voting_period = 20;
            gov.expedited_voting_period = 10;
        })
        .await;
        // Provider keys differ from the consumer's: offset numbers keep seeded keys apart.
        let provider_accounts = (0..4).map(|n| account(n + 1_000).with_number(n)).collect();
        let provider = provider_chain(terms, provider_accounts).await;
        let mut pair = MeshPair {
            consumer,
            provider,
            consumer_votes: (0..validators).map(|i| vote(i, 10, true)).collect(),
            in_flight: vec![],
            acks: vec![],
            delivered: vec![],
            app_hashes: vec![],
        };
        pair.log_app_hash(End::Consumer);
        pair.log_app_hash(End::Provider);
        pair.provider_block_with(
            vec![],
            vec![Step::SeedChannel(PROVIDER_PORT, CONSUMER_PORT)],
        )
        .await;
        pair.consumer_block_with(
            vec![],
            vec![Step::SeedChannel(CONSUMER_PORT, PROVIDER_PORT)],
        )
        .await;
        pair.relay().await;
        pair
    }

    fn log_app_hash(&mut self, end: End) {
        let (name, chain) = match end {
            End::Consumer => ("consumer", &self.consumer),
            End::Provider => ("provider", &self.provider),
        };
        let entry = format!(
            "{name} {} {}",
            chain.height,
            hex::encode(&chain.last_app_hash)
        );
        self.app_hashes.push(entry);
    }

    /// Takes note of what a block on `end` sent and acknowledged, for the relay.
    fn collect(&mut self, end: End, block: &MeshBlock) {
        self.log_app_hash(end);
        let sent = sent_packets(&block.tx_events)
            .into_iter()
            .chain(sent_packets(&block.events));
        self.in_flight.extend(sent.map(|p| (end.other(), p)));
        let acks = block.written_acks.iter().cloned();
        self.acks
            .extend(acks.map(|(packet, ack)| (end.other(), packet, ack)));
    }

    pub async fn consumer_block_with(&mut self, txs: Vec<Vec<u8>>, steps: Vec<Step>) -> MeshBlock {
        self.consumer_block_full(txs, vec![], steps).await
    }

    /// A consumer block that also carries double-sign `evidence`.
    pub async fn consumer_block_full(
        &mut self,
        txs: Vec<Vec<u8>>,
        evidence: Vec<Misbehavior>,
        steps: Vec<Step>,
    ) -> MeshBlock {
        let votes = self.consumer_votes.clone();
        let block = self.consumer.mesh_block(txs, votes, evidence, steps).await;
        self.collect(End::Consumer, &block);
        block
    }

    pub async fn provider_block_with(&mut self, txs: Vec<Vec<u8>>, steps: Vec<Step>) -> MeshBlock {
        self.provider_block_full(txs, vec![], steps).await
    }

    /// A provider block that also carries double-sign `evidence`.
    pub async fn provider_block_full(
        &mut self,
        txs: Vec<Vec<u8>>,
        evidence: Vec<Misbehavior>,
        steps: Vec<Step>,
    ) -> MeshBlock {
        let block = self.provider.mesh_block(txs, vec![], evidence, steps).await;
        self.collect(End::Provider, &block);
        block
    }

    pub async fn consumer_block(&mut self, txs: Vec<Vec<u8>>) -> MeshBlock {
        self.consumer_block_with(txs, vec![]).await
    }

    /// A provider block with `txs`, every one of which must succeed.
    pub async fn provider_txs(&mut self, txs: Vec<Vec<u8>>) -> MeshBlock {
        let block = self.provider_block_with(txs, vec![]).await;
        for (code, log) in block.tx_codes.iter().zip(&block.tx_logs) {
            assert_eq!(*code, 0, "{log}");
        }
        block
    }

    /// Delivers every packet in flight and every ack, round after round (one block on each
    /// chain per round), until nothing is left to relay.
    pub async fn relay(&mut self) {
        for _ in 0..MAX_RELAY_ROUNDS {
            if self.in_flight.is_empty() && self.acks.is_empty() {
                return;
            }
            for end in [End::Consumer, End::Provider] {
                let mut steps = vec![];
                let (packets, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.in_flight)
                    .into_iter()
                    .partition(|(to, _)| *to == end);
                self.in_flight = rest;
                let packets: Vec<Packet> = packets.into_iter().map(|(_, p)| p).collect();
                self.delivered.extend(packets.iter().cloned());
                steps.extend(packets.into_iter().map(Step::Recv));
                let (acks, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.acks)
                    .into_iter()
                    .partition(|(to, _, _)| *to == end);
                self.acks = rest;
                steps.extend(acks.into_iter().map(|(_, p, a)| Step::AckPacket(p, a)));
                match end {
                    End::Consumer => self.consumer_block_with(vec![], steps).await,
                    End::Provider => self.provider_block_with(vec![], steps).await,
                };
            }
        }
        panic!(
            "packets still in flight after {MAX_RELAY_ROUNDS} relay rounds: {:?}",
            self.in_flight
        );
    }

    /// Consumer blocks (relaying after each) until the one that ends the current epoch.
    pub async fn until_consumer_epoch(&mut self) {
        loop {
            self.consumer_block(vec![]).await;
            let ended = self.consumer.height.is_multiple_of(super::mesh::EPOCH);
            self.relay().await;
            if ended {
                return;
            }
        }
    }

    /// A provider staker: account `index` of the provider chain.
    pub fn staker(&self, index: usize) -> String {
        self.provider.accounts[index].address.clone()
    }

    pub fn provider_account(&mut self, index: usize) -> &mut Account {
        &mut self.provider.accounts[index]
    }

    /// The JSON of every delivered packet of kind `kind` (its wire tag).
    pub fn delivered_of(&self, kind: &str) -> Vec<serde_json::Value> {
        self.delivered
            .iter()
            .filter_map(|p| serde_json::from_slice::<serde_json::Value>(&p.data).ok())
            .filter_map(|json| json.get(kind).cloned())
            .collect()
    }
}

/// Duplicate-vote evidence against validator `index` (of the chain's test validators) for an
/// infraction at `height` when it had `power`.
pub fn double_sign(index: usize, height: u64, power: u64) -> Misbehavior {
    Misbehavior {
        kind: MisbehaviorKind::DuplicateVote,
        validator: tendermint::abci::types::Validator {
            address: super::staking::consensus_address(index),
            power: power.try_into().unwrap(),
        },
        height: height.try_into().unwrap(),
        time: TestChain::time_of(height),
        total_voting_power: power.try_into().unwrap(),
    }
}

/// A provider chain with one validator whose external staking accepts the consumer's channel.
async fn provider_chain(terms: ProviderTerms, accounts: Vec<Account>) -> TestChain {
    let (chain, _) = super::staking::staked_chain_with(accounts, 1, 10, |genesis| {
        genesis.external_staking.consumers = vec![Consumer {
            id: CONSUMER.into(),
            connection_id: CONNECTION.into(),
            counterparty_port: CONSUMER_PORT.into(),
            channel_id: None,
            unbonding_seconds: PROVIDER_UNBONDING_SECONDS,
            max_slashing: "0.1".parse().unwrap(),
            packet_timeout_seconds: 600,
            refuse_close_confirm: terms.refuse_close_confirm,
        }];
    })
    .await;
    chain
}
