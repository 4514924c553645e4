//! Mesh-security scenarios: a chain with provider packets delivered in its blocks (after the
//! txs, as IBC's RecvPacket txs will be) and the converter's channel and ack events.

use cnidarium::StateDelta;
use rmesh_converter::{Converter, Provider, ProviderStatus};
use rmesh_proto::converter::v1::OutgoingPacket;
use rmesh_staking::{PowerUpdate, StakingWrite};
use rmeshd::block::{begin_block, close_block, BlockHeader};
use rmeshd::genesis::AppState;
use rmeshd::tx::{run_tx, ExecMode};
use tendermint::abci::types::{CommitInfo, Misbehavior, VoteInfo};
use tendermint::abci::Event;

use super::staking::{staked_chain_with, valoper};
use super::{Account, TestChain};

pub const PROVIDER: &str = "osmo";
pub const REMOTE_DENOM: &str = "uosmo";
pub const EPOCH: u64 = 5;
/// A provider cap no test reaches unless it sets its own.
pub const NO_CAP: u128 = 1_000_000_000_000_000;

/// What happens in a block after its txs.
pub enum Step {
    Packet(String, String),
    OpenChannel(String, String),
    CloseChannel(String),
    TakeUnsent(String),
    Ack(String, u64, String),
    Timeout(String, u64),
    /// Seeds a finished mesh-channel handshake on this chain (`port` to `counterparty_port`,
    /// see `pair`) and tells its application the channel is open.
    SeedChannel(&'static str, &'static str),
    /// An IBC packet from the other chain, delivered to its application.
    Recv(ibc::core::channel::types::packet::Packet),
    /// The other chain's ack of a packet this chain sent.
    AckPacket(ibc::core::channel::types::packet::Packet, Vec<u8>),
    /// Staking slashes `fraction` of a validator's current stake (an infraction at this height),
    /// as the slashing module would, with every module's hooks.
    Slash(rmesh_core::Address, rmesh_core::Decimal),
}

pub fn packet(provider: &str, json: String) -> Step {
    Step::Packet(provider.into(), json)
}

#[derive(Default)]
pub struct MeshBlock {
    pub tx_codes: Vec<u32>,
    pub tx_codespaces: Vec<String>,
    pub tx_logs: Vec<String>,
    pub acks: Vec<String>,
    pub sent: Vec<OutgoingPacket>,
    pub updates: Vec<PowerUpdate>,
    pub events: Vec<Event>,
    pub tx_events: Vec<Event>,
    /// Acks this chain wrote for the packets it received (`Step::Recv`).
    pub written_acks: Vec<(ibc::core::channel::types::packet::Packet, Vec<u8>)>,
}

impl MeshBlock {
    pub fn events_of(&self, kind: &str) -> Vec<&Event> {
        self.events.iter().filter(|e| e.kind == kind).collect()
    }
}

pub fn provider(id: &str, price: &str, discount: &str, cap: u128) -> Provider {
    Provider {
        id: id.into(),
        remote_denom: REMOTE_DENOM.into(),
        price: price.parse().unwrap(),
        discount: discount.parse().unwrap(),
        cap,
        status: ProviderStatus::Active,
        price_feeder: None,
        channel_id: None,
        connection_id: None,
        channel_close: None,
    }
}

/// `validators` validators (self-bonds 10, 11, 12... tokens), accounts[0] as the mesh
/// authority, epochs of 5 blocks and provider `osmo` at price 0.5, discount 0.1.
pub async fn mesh_chain(validators: usize, edit: impl FnOnce(&mut AppState)) -> TestChain {
    let accounts = (0..validators as u64 + 2).map(Account::random).collect();
    mesh_chain_of(accounts, validators, edit).await
}

/// [`mesh_chain`] with the given accounts (seeded ones give the same genesis twice).
pub async fn mesh_chain_of(
    accounts: Vec<Account>,
    validators: usize,
    edit: impl FnOnce(&mut AppState),
) -> TestChain {
    let (chain, _) = staked_chain_with(accounts, validators, 10, |genesis| {
        genesis.virtual_staking.authority = genesis.auth.accounts[0].address.clone();
        genesis.virtual_staking.params.epoch_length = EPOCH;
        genesis.converter.providers = vec![provider(PROVIDER, "0.5", "0.1", NO_CAP)];
        edit(genesis);
    })
    .await;
    chain
}

pub fn valoper_of(chain: &TestChain, index: usize) -> String {
    valoper(&chain.accounts[index].address)
}

pub fn stake(delegator: &str, validator: &str, amount: u128) -> String {
    format!(
        r#"{{"stake":{{"delegator":"{delegator}","validator":"{validator}","stake":{{"denom":"{REMOTE_DENOM}","amount":"{amount}"}},"tx_id":9223372036854775808}}}}"#
    )
}

pub fn unstake(delegator: &str, validator: &str, amount: u128) -> String {
    format!(
        r#"{{"unstake":{{"delegator":"{delegator}","validator":"{validator}","unstake":{{"denom":"{REMOTE_DENOM}","amount":"{amount}"}},"tx_id":9223372036854775809}}}}"#
    )
}

pub fn burn(validators: &[String], amount: u128) -> String {
    let list = serde_json::to_string(validators).unwrap();
    format!(
        r#"{{"burn":{{"validators":{list},"burn":{{"denom":"{REMOTE_DENOM}","amount":"{amount}"}}}}}}"#
    )
}

pub fn transfer_rewards(recipient: &str, amount: u128) -> String {
    format!(
        r#"{{"transfer_rewards":{{"rewards":{{"denom":"urmesh","amount":"{amount}"}},"recipient":"{recipient}","tx_id":9223372036854775810}}}}"#
    )
}

pub const SUCCESS: &str = r#"{"result":"e30="}"#;

impl TestChain {
    /// Runs and commits the next block: begin-block, `txs`, then `steps`, then end-block.
    pub async fn mesh_block(
        &mut self,
        txs: Vec<Vec<u8>>,
        votes: Vec<VoteInfo>,
        misbehavior: Vec<Misbehavior>,
        steps: Vec<Step>,
    ) -> MeshBlock {
        self.height += 1;
        let snapshot = self.storage.latest_snapshot();
        let previous_app_hash = snapshot.root_hash().await.unwrap().0.to_vec();
        let mut state = StateDelta::new(snapshot);
        let commit = CommitInfo {
            round: 0u16.into(),
            votes,
        };
        let header = BlockHeader {
            height: self.height,
            time: TestChain::time_of(self.height),
            previous_app_hash,
            next_validators_hash: tendermint::Hash::None,
            proposer_address: tendermint::account::Id::new([0; 20]),
            last_commit: &commit,
            misbehavior: &misbehavior,
        };
        let mut block = MeshBlock {
            events: begin_block(&mut state, &header).await.unwrap(),
            ..MeshBlock::default()
        };
        for tx in txs {
            let outcome = run_tx(&mut state, &tx, &ExecMode::Deliver).await;
            block.tx_codes.push(outcome.code);
            block.tx_codespaces.push(outcome.codespace);
            block.tx_logs.push(outcome.log);
            block.tx_events.extend(outcome.events);
        }
        for step in steps {
            match step {
                Step::Packet(provider, json) => {
                    let ack =
                        Converter::on_recv_packet(&mut state, &provider, json.as_bytes()).await;
                    block.acks.push(String::from_utf8(ack).unwrap());
                }
                Step::OpenChannel(provider, channel) => {
                    Converter::on_channel_open(&mut state, &provider, &channel)
                        .await
                        .unwrap();
                }
                Step::CloseChannel(channel) => {
                    Converter::on_channel_close(&mut state, &channel)
                        .await
                        .unwrap();
                }
                Step::TakeUnsent(provider) => {
                    block
                        .sent
                        .extend(Converter::take_unsent(&mut state, &provider).await.unwrap());
                }
                Step::Ack(provider, id, ack) => {
                    Converter::on_acknowledgement(&mut state, &provider, id, ack.as_bytes())
                        .await
                        .unwrap();
                }
                Step::Timeout(provider, id) => {
                    Converter::on_timeout(&mut state, &provider, id)
                        .await
                        .unwrap();
                }
                Step::SeedChannel(port, counterparty_port) => {
                    super::pair::seed_channel_end(&mut state, port, counterparty_port).unwrap();
                    if port == super::pair::TRANSFER_PORT {
                        // ICS-20 keeps no state of its own about open channels.
                    } else if port == rmesh_converter::PORT {
                        Converter::on_channel_open(&mut state, PROVIDER, super::pair::CHANNEL)
                            .await
                            .unwrap();
                    } else {
                        rmesh_external_staking::ExternalStaking::on_channel_open(
                            &mut state,
                            super::pair::CONSUMER,
                            super::pair::CHANNEL,
                        )
                        .await
                        .unwrap();
                    }
                }
                Step::Recv(packet) => {
                    let ack = super::pair::receive(&mut state, &packet);
                    block.written_acks.push((packet, ack));
                }
                Step::AckPacket(packet, ack) => {
                    super::pair::acknowledge(&mut state, &packet, &ack);
                }
                Step::Slash(operator, fraction) => {
                    use rmesh_staking::StakingRead;
                    let validator = state.validator(&operator).await.unwrap().unwrap();
                    let power =
                        validator.power(state.staking_params().await.unwrap().power_reduction);
                    let time = TestChain::time_of(self.height).unix_timestamp();
                    state
                        .slash_validator::<rmeshd::hooks::AppHooks>(
                            &operator,
                            self.height,
                            time,
                            power,
                            fraction,
                        )
                        .await
                        .unwrap();
                }
            }
        }
        let (updates, events) = close_block(&mut state, &header).await.unwrap();
        block.updates = updates;
        block.events.extend(events);
        let root = self.storage.commit(state).await.unwrap();
        self.last_app_hash = root.0.to_vec();
        block
    }

    /// A block with only provider-side steps.
    pub async fn steps(&mut self, steps: Vec<Step>) -> MeshBlock {
        self.mesh_block(vec![], vec![], vec![], steps).await
    }

    /// Empty blocks until the one that ends the current epoch (returned).
    pub async fn until_epoch_end(&mut self) -> MeshBlock {
        loop {
            let block = self.steps(vec![]).await;
            if self.height.is_multiple_of(EPOCH) {
                return block;
            }
        }
    }
}
