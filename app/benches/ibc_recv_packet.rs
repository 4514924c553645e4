//! ICS-20 packets per second through RecvPacket, proof verification included, in-process (prints
//! figures; asserts no timing). Two rmesh chains run side by side in this process, each driven
//! through its own ABCI consensus and query services (no sockets, no CometBFT, no Hermes); this
//! file relays between them the way Hermes does, with signed txs in blocks:
//!
//!  1. each chain has one genesis validator whose ed25519 consensus key the bench holds, so it
//!     signs the Tendermint headers (commit of that validator set) CometBFT would produce for
//!     each height: app hash committed by the previous block, the block's time, validator hashes;
//!  2. 07-tendermint clients of each other (MsgCreateClient), then the connection and the
//!     `transfer` channel handshakes, every step proved with `store/ibc/key` abci queries
//!     (ICS-23, prove=true) against a consensus state installed by a verified MsgUpdateClient;
//!  3. RECV_PACKETS (1,000) ICS-20 MsgTransfers on chain A, one MsgUpdateClient of A's client on
//!     B to the header after them, then the timed part: MsgRecvPacket txs of RECV_MSGS_PER_TX
//!     (50) messages, RECV_TXS_PER_BLOCK (4) txs per block, each packet's `proof_commitment` A's
//!     ICS-23 proof of its commitment, verified by ibc-rs against the client's consensus root.
//!
//! Every tx must succeed and every packet must write a success acknowledgement and credit its
//! voucher, or the bench fails instead of printing a figure; before the timed blocks, a packet
//! altered after its commitment was proved must be refused by proof verification.

mod common;

use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, ensure, Context, Result};
use cosmos_sdk_proto::Any as TxAny;
use cosmrs::crypto::secp256k1::SigningKey;
use ibc::clients::tendermint::types::{
    AllowUpdate, ClientState as TmClientState, ConsensusState as TmConsensusState,
    Header as TmHeader, TrustThreshold,
};
use ibc::core::client::types::Height;
use ibc::core::commitment_types::commitment::CommitmentRoot;
use ibc::core::host::types::identifiers::{ChainId, ChannelId, ClientId, ConnectionId, PortId};
use ibc::core::host::types::path::{
    ChannelEndPath, ClientConsensusStatePath, ClientStatePath, CommitmentPath, ConnectionPath,
};
use ibc::primitives::proto::Any as IbcAny;
use ibc_proto::cosmos::base::v1beta1::Coin as IbcCoin;
use ibc_proto::ibc::applications::transfer::v1::MsgTransfer;
use ibc_proto::ibc::core::channel::v1 as channel;
use ibc_proto::ibc::core::client::v1::{Height as RawHeight, MsgCreateClient, MsgUpdateClient};
use ibc_proto::ibc::core::commitment::v1::{MerklePrefix, MerkleProof};
use ibc_proto::ibc::core::connection::v1 as connection;
use ibc_proto::ics23::CommitmentProof;
use prost::{Message, Name};
use rmesh_auth::GenesisAccount;
use rmesh_bank::Balance;
use rmesh_core::{Address, Coin};
use rmesh_staking::GenesisValidator;
use rmeshd::client::{sign_tx, SignerAccount, TxFee};
use rmeshd::config::AppConfig;
use rmeshd::genesis::AppState;
use rmeshd::node::consensus::Consensus;
use rmeshd::node::info::Info;
use rmeshd::node::mempool::Mempool;
use rmeshd::node::open_storage;
use rmeshd::query::QueryRouter;
use sha2::{Digest, Sha256};
use tendermint::abci::Event;
use tendermint::block::{self, parts, CommitSig, Round};
use tendermint::v0_38::abci::{
    request, response, ConsensusRequest, ConsensusResponse, InfoRequest, InfoResponse,
};
use tendermint::vote::{self, ValidatorIndex, Vote};
use tendermint::{account, validator, AppHash, Hash, PublicKey, Time};
use tower::{Service, ServiceExt};

use common::{init_chain_with_id, size, DENOM, GENESIS_TIME};

const CHAIN_A: &str = "bencha-1";
const CHAIN_B: &str = "benchb-1";
/// Both chains have one client of the other, one connection and one channel: the first ids.
const CLIENT: &str = "07-tendermint-0";
const CONNECTION: &str = "connection-0";
const CHANNEL: &str = "channel-0";
const ICS20_VERSION: &str = "ics20-1";
/// What each ICS-20 transfer moves.
const AMOUNT: u128 = 1;
/// Transfers per tx on chain A (setup; not timed).
const SEND_MSGS_PER_TX: usize = 100;
/// Transfers per block on chain A.
const SEND_PER_BLOCK: usize = 5_000;
/// A flat fee and a gas limit no relay tx reaches.
const FEE: u128 = 10_000;
const GAS_LIMIT: u64 = 1_000_000_000;
const FUNDS: u128 = 1_000_000_000_000;
/// ICS-20's success acknowledgement (`{"result":"AQ=="}`), as ibc-rs writes it.
const SUCCESS_ACK: &str = r#"{"result":"AQ=="}"#;

/// Block times: one clock for both chains, a second per block whichever chain makes it, so a
/// header of one chain is always in the past of the other's next block.
struct Clock(i64);

impl Clock {
    fn tick(&mut self) -> Time {
        self.0 += 1;
        Time::from_unix_timestamp(GENESIS_TIME + self.0, 0).unwrap()
    }
}

fn sha256(bytes: impl AsRef<[u8]>) -> Hash {
    Hash::Sha256(Sha256::digest(bytes).into())
}

fn seeded_secret(tag: &str, chain_id: &str) -> [u8; 32] {
    Sha256::digest(format!("ibc_recv_packet/{tag}/{chain_id}")).into()
}

/// A secp256k1 account signing txs on one chain.
struct Account {
    key: SigningKey,
    address: String,
    number: u64,
    sequence: u64,
}

impl Account {
    fn seeded(tag: &str, chain_id: &str, number: u64) -> Self {
        let key = SigningKey::from_slice(&seeded_secret(tag, chain_id)).unwrap();
        let address = key.public_key().account_id("rmesh").unwrap().to_string();
        Account {
            key,
            address,
            number,
            sequence: 0,
        }
    }
}

/// The validator signing the chain's headers: its consensus key and the set it forms alone.
struct Validator {
    key: ed25519_consensus::SigningKey,
    address: account::Id,
    set: validator::Set,
}

/// One chain: the node's consensus and query services over its own store, plus what its
/// validator and relayer know.
struct Chain {
    id: String,
    _home: tempfile::TempDir,
    consensus: Consensus,
    info: Info,
    height: u64,
    /// `roots[h]`: the app hash committed by block `h` (0: genesis).
    roots: Vec<Vec<u8>>,
    /// `times[h]`: the time of block `h`.
    times: Vec<Time>,
    validator: Validator,
    relayer: Account,
    /// The height of the newest consensus state this chain's client of the other one holds.
    client_height: u64,
    /// The chain's unbonding period (a client of it must carry exactly this one).
    unbonding: Duration,
}

fn to_tx_any<M: Message + Name>(msg: &M) -> TxAny {
    TxAny {
        type_url: M::type_url(),
        value: msg.encode_to_vec(),
    }
}

fn raw_height(height: u64) -> Option<RawHeight> {
    Some(RawHeight {
        revision_number: 1,
        revision_height: height,
    })
}

fn attribute<'e>(event: &'e Event, key: &str) -> Result<&'e str> {
    event
        .attributes
        .iter()
        .find(|a| a.key_str().ok() == Some(key))
        .and_then(|a| a.value_str().ok())
        .ok_or_else(|| anyhow!("event {} has no {key}", event.kind))
}

impl Chain {
    async fn start(chain_id: &str, clock: &mut Clock) -> Result<Self> {
        let relayer = Account::seeded("relayer", chain_id, 0);
        let operator = Account::seeded("operator", chain_id, 1);
        let key = ed25519_consensus::SigningKey::from(seeded_secret("consensus", chain_id));
        let mut genesis = AppState::default();
        for account in [&relayer, &operator] {
            genesis
                .auth
                .accounts
                .push(GenesisAccount::new(account.address.clone(), account.number));
            genesis.bank.balances.push(Balance {
                address: account.address.clone(),
                coins: vec![Coin::new(FUNDS, DENOM)],
            });
        }
        use base64::Engine;
        genesis.staking.validators.push(GenesisValidator {
            operator: operator.address.clone(),
            consensus_pubkey: base64::engine::general_purpose::STANDARD
                .encode(key.verification_key().to_bytes()),
            moniker: "v0".into(),
            self_bond: 10_000_000,
            commission_rate: "0.1".parse().unwrap(),
            commission_max_rate: "0.2".parse().unwrap(),
            commission_max_change_rate: "0.01".parse().unwrap(),
            min_self_delegation: 1,
        });

        let home = tempfile::tempdir()?;
        let storage = open_storage(home.path()).await?;
        let mut consensus = Consensus::new(storage.clone(), rmesh_auth::VerifiedSignatures::new());
        let init = init_chain_with_id(&mut consensus, &genesis, chain_id).await;
        // The validator set CometBFT starts with is the one InitChain answers.
        let infos: Vec<validator::Info> = init
            .validators
            .iter()
            .map(|update| validator::Info::new(update.pub_key, update.power))
            .collect();
        ensure!(infos.len() == 1, "one genesis validator expected");
        let public = PublicKey::from_raw_ed25519(&key.verification_key().to_bytes()).unwrap();
        ensure!(infos[0].pub_key == public, "the genesis validator is ours");
        let set = validator::Set::new(infos.clone(), Some(infos[0].clone()));
        let mempool = Mempool::new(
            storage.clone(),
            vec![],
            rmesh_auth::VerifiedSignatures::new(),
        );
        let router = QueryRouter::new(storage.clone(), &AppConfig::default(), mempool);
        let mut chain = Chain {
            id: chain_id.into(),
            _home: home,
            consensus,
            info: Info::new(storage, router),
            height: 0,
            roots: vec![init.app_hash.as_bytes().to_vec()],
            times: vec![Time::from_unix_timestamp(GENESIS_TIME, 0).unwrap()],
            validator: Validator {
                key,
                address: account::Id::from(public),
                set,
            },
            relayer,
            client_height: 0,
            unbonding: Duration::from_secs(genesis.staking.params.unbonding_time_seconds),
        };
        chain.block(vec![], clock).await?;
        Ok(chain)
    }

    fn chain_id(&self) -> ChainId {
        ChainId::new(&self.id).unwrap()
    }

    async fn consensus_call(&mut self, request: ConsensusRequest) -> Result<ConsensusResponse> {
        self.consensus
            .ready()
            .await
            .map_err(|e| anyhow!("{e}"))?
            .call(request)
            .await
            .map_err(|e| anyhow!("{e}"))
    }

    /// FinalizeBlock and Commit of the next height, as CometBFT would send them; returns the
    /// FinalizeBlock response and both durations.
    async fn timed_block(
        &mut self,
        txs: Vec<Vec<u8>>,
        clock: &mut Clock,
    ) -> Result<(response::FinalizeBlock, Duration, Duration)> {
        let height = self.height + 1;
        let time = clock.tick();
        let request = request::FinalizeBlock {
            txs: txs.into_iter().map(Into::into).collect(),
            decided_last_commit: tendermint::abci::types::CommitInfo {
                round: 0u16.into(),
                votes: vec![],
            },
            misbehavior: vec![],
            hash: tendermint::Hash::None,
            height: height.try_into()?,
            time,
            next_validators_hash: self.validator.set.hash(),
            proposer_address: self.validator.address,
        };
        let started = Instant::now();
        let ConsensusResponse::FinalizeBlock(finalized) = self
            .consensus_call(ConsensusRequest::FinalizeBlock(request))
            .await?
        else {
            bail!("FinalizeBlock answered with another response")
        };
        let finalize = started.elapsed();
        let started = Instant::now();
        let commit = self.consensus_call(ConsensusRequest::Commit).await?;
        let commit_time = started.elapsed();
        ensure!(
            matches!(commit, ConsensusResponse::Commit(_)),
            "Commit failed"
        );
        self.height = height;
        self.roots.push(finalized.app_hash.as_bytes().to_vec());
        self.times.push(time);
        Ok((finalized, finalize, commit_time))
    }

    async fn block(
        &mut self,
        txs: Vec<Vec<u8>>,
        clock: &mut Clock,
    ) -> Result<response::FinalizeBlock> {
        Ok(self.timed_block(txs, clock).await?.0)
    }

    /// A block whose txs must all succeed.
    async fn deliver(
        &mut self,
        txs: Vec<Vec<u8>>,
        clock: &mut Clock,
        what: &str,
    ) -> Result<response::FinalizeBlock> {
        let finalized = self.block(txs, clock).await?;
        for (index, result) in finalized.tx_results.iter().enumerate() {
            ensure!(
                result.code.is_ok(),
                "{what} on {}: tx {index} failed with code {}: {}",
                self.id,
                result.code.value(),
                result.log
            );
        }
        Ok(finalized)
    }

    /// A tx of the relayer's with `messages`, at its next sequence.
    fn relayer_tx(&mut self, messages: Vec<TxAny>) -> Vec<u8> {
        let signer = SignerAccount {
            chain_id: self.id.clone(),
            account_number: self.relayer.number,
            sequence: self.relayer.sequence,
        };
        self.relayer.sequence += 1;
        let fee = TxFee {
            amount: vec![Coin::new(FEE, DENOM)],
            gas_limit: GAS_LIMIT,
        };
        sign_tx(&self.relayer.key, &signer, messages, &fee, "").unwrap()
    }

    /// The signed header of `height` as CometBFT would have it: the app hash committed by the
    /// block before, this block's time, the (unchanging) validator set, and a commit signed by
    /// the one validator.
    fn signed_header(&self, height: u64) -> Result<block::signed_header::SignedHeader> {
        ensure!(
            (1..=self.height).contains(&height),
            "{} has no block {height}",
            self.id
        );
        let chain_id: tendermint::chain::Id = self.id.parse()?;
        let part = |hash: Hash| -> Result<block::Id> {
            Ok(block::Id {
                hash,
                part_set_header: parts::Header::new(1, hash)?,
            })
        };
        let validators_hash = self.validator.set.hash();
        let header = block::Header {
            version: block::header::Version { block: 11, app: 0 },
            chain_id: chain_id.clone(),
            height: height.try_into()?,
            time: self.times[height as usize],
            last_block_id: if height > 1 {
                Some(part(sha256(format!("{}/block/{}", self.id, height - 1)))?)
            } else {
                None
            },
            last_commit_hash: Some(sha256(format!("{}/commit/{}", self.id, height - 1))),
            data_hash: Some(sha256(format!("{}/data/{height}", self.id))),
            validators_hash,
            next_validators_hash: validators_hash,
            consensus_hash: sha256("consensus params"),
            app_hash: AppHash::try_from(self.roots[height as usize - 1].clone())?,
            last_results_hash: Some(sha256(format!("{}/results/{}", self.id, height - 1))),
            evidence_hash: Some(sha256("no evidence")),
            proposer_address: self.validator.address,
        };
        let block_id = part(header.hash())?;
        let vote = Vote {
            vote_type: vote::Type::Precommit,
            height: header.height,
            round: Round::default(),
            block_id: Some(block_id),
            timestamp: Some(header.time),
            validator_address: self.validator.address,
            validator_index: ValidatorIndex::try_from(0u32)?,
            signature: None,
            extension: vec![],
            extension_signature: None,
        };
        let signature = self.validator.key.sign(&vote.into_signable_vec(chain_id));
        let commit = block::Commit {
            height: header.height,
            round: Round::default(),
            block_id,
            signatures: vec![CommitSig::BlockIdFlagCommit {
                validator_address: self.validator.address,
                timestamp: header.time,
                signature: tendermint::Signature::new(signature.to_bytes())?,
            }],
        };
        Ok(block::signed_header::SignedHeader::new(header, commit)?)
    }

    /// What a client of this chain stores for `height`: the header's root, time and next
    /// validators hash.
    fn consensus_state(&self, height: u64) -> Result<TmConsensusState> {
        let header = self.signed_header(height)?.header;
        Ok(TmConsensusState::new(
            CommitmentRoot::from_bytes(header.app_hash.as_bytes()),
            header.time,
            header.next_validators_hash,
        ))
    }

    /// A client state of this chain at `height`, as Hermes builds one: trust 1/3, two thirds of
    /// the unbonding period (which must be the chain's own), the chain's JMT proof specs.
    fn client_state(&self, height: u64) -> Result<TmClientState> {
        let unbonding = self.unbonding;
        Ok(TmClientState::new(
            self.chain_id(),
            TrustThreshold::ONE_THIRD,
            unbonding * 2 / 3,
            unbonding,
            Duration::from_secs(40),
            Height::new(1, height)?,
            rmesh_ibc::proof_specs(),
            vec!["upgrade".into(), "upgradedIBCState".into()],
            AllowUpdate {
                after_expiry: true,
                after_misbehaviour: true,
            },
        )?)
    }

    /// A MsgUpdateClient of the other chain's client of this one (which trusts `trusted`) with
    /// the header of this chain's latest block; returns it and that height.
    fn update_from(&self, trusted: u64, signer: &str) -> Result<(TxAny, u64)> {
        let height = self.height;
        let header = TmHeader {
            signed_header: self.signed_header(height)?,
            validator_set: self.validator.set.clone(),
            trusted_height: Height::new(1, trusted)?,
            trusted_next_validator_set: self.validator.set.clone(),
        };
        let msg = MsgUpdateClient {
            client_id: CLIENT.into(),
            client_message: Some(IbcAny::from(header)),
            signer: signer.into(),
        };
        Ok((to_tx_any(&msg), height))
    }

    /// `key` of the `ibc` substore at `height` through `store/ibc/key` with prove=true, as a
    /// relayer asks it: the value and its ICS-23 proof (key in substore, substore in root).
    async fn prove(&mut self, key: &str, height: u64) -> Result<(Vec<u8>, Vec<u8>)> {
        let request = request::Query {
            data: key.as_bytes().to_vec().into(),
            path: "store/ibc/key".into(),
            height: height.try_into()?,
            prove: true,
        };
        let answer = self
            .info
            .ready()
            .await
            .map_err(|e| anyhow!("{e}"))?
            .call(InfoRequest::Query(request))
            .await
            .map_err(|e| anyhow!("{e}"))?;
        let InfoResponse::Query(answer) = answer else {
            bail!("the query answered with another response")
        };
        ensure!(answer.code.is_ok(), "query {key}: {}", answer.log);
        ensure!(!answer.value.is_empty(), "{key} is absent at {height}");
        let ops = answer.proof.context("no proof")?.ops;
        let proofs = ops
            .iter()
            .map(|op| CommitmentProof::decode(op.data.as_slice()))
            .collect::<Result<Vec<_>, _>>()?;
        ensure!(proofs.len() == 2, "two proof ops expected");
        Ok((
            answer.value.to_vec(),
            MerkleProof { proofs }.encode_to_vec(),
        ))
    }

    async fn voucher_balance(&mut self, address: &str, denom: &str) -> Result<u128> {
        use cosmos_sdk_proto::cosmos::bank::v1beta1::{QueryBalanceRequest, QueryBalanceResponse};
        let request = request::Query {
            data: QueryBalanceRequest {
                address: address.into(),
                denom: denom.into(),
            }
            .encode_to_vec()
            .into(),
            path: "/cosmos.bank.v1beta1.Query/Balance".into(),
            height: 0u32.into(),
            prove: false,
        };
        let InfoResponse::Query(answer) = self
            .info
            .ready()
            .await
            .map_err(|e| anyhow!("{e}"))?
            .call(InfoRequest::Query(request))
            .await
            .map_err(|e| anyhow!("{e}"))?
        else {
            bail!("the query answered with another response")
        };
        ensure!(answer.code.is_ok(), "balance query: {}", answer.log);
        let balance = QueryBalanceResponse::decode(answer.value.as_ref())?
            .balance
            .context("no balance")?;
        Ok(balance.amount.parse()?)
    }
}

/// Relays what `src` committed to `dst`: `src` makes one more block so a header carries the app
/// hash that commits it, `dst`'s client gets that header, and the proofs are read at the block
/// before. Returns the update message, the proof query height and the proof height.
async fn header_for_proofs(
    src: &mut Chain,
    dst: &Chain,
    clock: &mut Clock,
) -> Result<(TxAny, u64, u64)> {
    src.block(vec![], clock).await?;
    let (update, height) = src.update_from(dst.client_height, &dst.relayer.address)?;
    Ok((update, height - 1, height))
}

/// Delivers `[update, msg]` on `dst` (as Hermes batches them) and records the new client height.
async fn deliver_with_update(
    dst: &mut Chain,
    update: TxAny,
    proof_height: u64,
    msg: TxAny,
    clock: &mut Clock,
    what: &str,
) -> Result<response::FinalizeBlock> {
    let tx = dst.relayer_tx(vec![update, msg]);
    let finalized = dst.deliver(vec![tx], clock, what).await?;
    dst.client_height = proof_height;
    Ok(finalized)
}

fn prefix() -> Option<MerklePrefix> {
    Some(MerklePrefix {
        key_prefix: b"ibc".to_vec(),
    })
}

fn connection_version() -> connection::Version {
    connection::Version {
        identifier: "1".into(),
        features: vec!["ORDER_ORDERED".into(), "ORDER_UNORDERED".into()],
    }
}

/// A MsgCreateClient on `host` of `other` at its latest height (no header is verified here).
async fn create_client(host: &mut Chain, other: &Chain, clock: &mut Clock) -> Result<()> {
    let msg = MsgCreateClient {
        client_state: Some(IbcAny::from(other.client_state(other.height)?)),
        consensus_state: Some(IbcAny::from(other.consensus_state(other.height)?)),
        signer: host.relayer.address.clone(),
    };
    let tx = host.relayer_tx(vec![to_tx_any(&msg)]);
    host.deliver(vec![tx], clock, "MsgCreateClient").await?;
    host.client_height = other.height;
    Ok(())
}

/// ConnOpenInit on A, Try on B, Ack on A, Confirm on B.
async fn open_connection(a: &mut Chain, b: &mut Chain, clock: &mut Clock) -> Result<()> {
    let client_id = ClientId::new("07-tendermint", 0)?;
    let connection_id = ConnectionId::new(0);
    let init = connection::MsgConnectionOpenInit {
        client_id: CLIENT.into(),
        counterparty: Some(connection::Counterparty {
            client_id: CLIENT.into(),
            connection_id: String::new(),
            prefix: prefix(),
        }),
        version: Some(connection_version()),
        delay_period: 0,
        signer: a.relayer.address.clone(),
    };
    let tx = a.relayer_tx(vec![to_tx_any(&init)]);
    a.deliver(vec![tx], clock, "ConnOpenInit").await?;

    // Try on B (proofs of A's end, A's client of B and its consensus state), then Ack on A.
    for step in ["ConnOpenTry", "ConnOpenAck"] {
        let (src, dst) = if step == "ConnOpenTry" {
            (&mut *a, &mut *b)
        } else {
            (&mut *b, &mut *a)
        };
        let (update, at, proof_height) = header_for_proofs(src, dst, clock).await?;
        let (_, proof_connection) = src
            .prove(&ConnectionPath::new(&connection_id).to_string(), at)
            .await?;
        let (client_state, proof_client) = src
            .prove(&ClientStatePath::new(client_id.clone()).to_string(), at)
            .await?;
        let consensus_height = src.client_height;
        let consensus_path = ClientConsensusStatePath::new(client_id.clone(), 1, consensus_height);
        let (_, proof_consensus) = src.prove(&consensus_path.to_string(), at).await?;
        let client_state = Some(IbcAny::decode(client_state.as_slice())?);
        let msg = if step == "ConnOpenTry" {
            to_tx_any(&connection::MsgConnectionOpenTry {
                client_id: CLIENT.into(),
                client_state,
                counterparty: Some(connection::Counterparty {
                    client_id: CLIENT.into(),
                    connection_id: CONNECTION.into(),
                    prefix: prefix(),
                }),
                delay_period: 0,
                counterparty_versions: vec![connection_version()],
                proof_height: raw_height(proof_height),
                proof_init: proof_connection,
                proof_client,
                proof_consensus,
                consensus_height: raw_height(consensus_height),
                signer: dst.relayer.address.clone(),
                host_consensus_state_proof: vec![],
                ..Default::default()
            })
        } else {
            to_tx_any(&connection::MsgConnectionOpenAck {
                connection_id: CONNECTION.into(),
                counterparty_connection_id: CONNECTION.into(),
                version: Some(connection_version()),
                client_state,
                proof_height: raw_height(proof_height),
                proof_try: proof_connection,
                proof_client,
                proof_consensus,
                consensus_height: raw_height(consensus_height),
                signer: dst.relayer.address.clone(),
                host_consensus_state_proof: vec![],
            })
        };
        deliver_with_update(dst, update, proof_height, msg, clock, step).await?;
    }

    let (update, at, proof_height) = header_for_proofs(a, b, clock).await?;
    let (_, proof_ack) = a
        .prove(&ConnectionPath::new(&connection_id).to_string(), at)
        .await?;
    let confirm = connection::MsgConnectionOpenConfirm {
        connection_id: CONNECTION.into(),
        proof_ack,
        proof_height: raw_height(proof_height),
        signer: b.relayer.address.clone(),
    };
    let msg = to_tx_any(&confirm);
    deliver_with_update(b, update, proof_height, msg, clock, "ConnOpenConfirm").await?;
    Ok(())
}

fn transfer_channel_end(state: channel::State, counterparty_channel: &str) -> channel::Channel {
    channel::Channel {
        state: state as i32,
        ordering: channel::Order::Unordered as i32,
        counterparty: Some(channel::Counterparty {
            port_id: "transfer".into(),
            channel_id: counterparty_channel.into(),
        }),
        connection_hops: vec![CONNECTION.into()],
        version: ICS20_VERSION.into(),
        upgrade_sequence: 0,
    }
}

/// ChanOpenInit on A, Try on B, Ack on A, Confirm on B, for `transfer` (unordered, ics20-1).
async fn open_transfer_channel(a: &mut Chain, b: &mut Chain, clock: &mut Clock) -> Result<()> {
    let port = PortId::transfer();
    let channel_path = ChannelEndPath::new(&port, &ChannelId::new(0)).to_string();
    let init = channel::MsgChannelOpenInit {
        port_id: "transfer".into(),
        channel: Some(transfer_channel_end(channel::State::Init, "")),
        signer: a.relayer.address.clone(),
    };
    let tx = a.relayer_tx(vec![to_tx_any(&init)]);
    a.deliver(vec![tx], clock, "ChanOpenInit").await?;

    let (update, at, proof_height) = header_for_proofs(a, b, clock).await?;
    let (_, proof_init) = a.prove(&channel_path, at).await?;
    let open_try = channel::MsgChannelOpenTry {
        port_id: "transfer".into(),
        channel: Some(transfer_channel_end(channel::State::Tryopen, CHANNEL)),
        counterparty_version: ICS20_VERSION.into(),
        proof_init,
        proof_height: raw_height(proof_height),
        signer: b.relayer.address.clone(),
        ..Default::default()
    };
    let msg = to_tx_any(&open_try);
    deliver_with_update(b, update, proof_height, msg, clock, "ChanOpenTry").await?;

    let (update, at, proof_height) = header_for_proofs(b, a, clock).await?;
    let (_, proof_try) = b.prove(&channel_path, at).await?;
    let ack = channel::MsgChannelOpenAck {
        port_id: "transfer".into(),
        channel_id: CHANNEL.into(),
        counterparty_channel_id: CHANNEL.into(),
        counterparty_version: ICS20_VERSION.into(),
        proof_try,
        proof_height: raw_height(proof_height),
        signer: a.relayer.address.clone(),
    };
    let msg = to_tx_any(&ack);
    deliver_with_update(a, update, proof_height, msg, clock, "ChanOpenAck").await?;

    let (update, at, proof_height) = header_for_proofs(a, b, clock).await?;
    let (_, proof_ack) = a.prove(&channel_path, at).await?;
    let confirm = channel::MsgChannelOpenConfirm {
        port_id: "transfer".into(),
        channel_id: CHANNEL.into(),
        proof_ack,
        proof_height: raw_height(proof_height),
        signer: b.relayer.address.clone(),
    };
    let msg = to_tx_any(&confirm);
    deliver_with_update(b, update, proof_height, msg, clock, "ChanOpenConfirm").await?;
    Ok(())
}

/// `count` ICS-20 transfers of 1 urmesh from A's relayer to `receiver` on B; returns the packets
/// as A's `send_packet` events describe them (what a relayer reads).
async fn send_transfers(
    a: &mut Chain,
    count: usize,
    receiver: &str,
    clock: &mut Clock,
) -> Result<Vec<channel::Packet>> {
    let timeout = (GENESIS_TIME as u64 + 30 * 24 * 3600) * 1_000_000_000;
    let transfer = to_tx_any(&MsgTransfer {
        source_port: "transfer".into(),
        source_channel: CHANNEL.into(),
        token: Some(IbcCoin {
            denom: DENOM.into(),
            amount: AMOUNT.to_string(),
        }),
        sender: a.relayer.address.clone(),
        receiver: receiver.into(),
        timeout_height: None,
        timeout_timestamp: timeout,
        memo: String::new(),
    });
    let mut packets = Vec::with_capacity(count);
    let mut sent = 0;
    while sent < count {
        let in_block = (count - sent).min(SEND_PER_BLOCK);
        let mut txs = Vec::new();
        let mut queued = 0;
        while queued < in_block {
            let n = (in_block - queued).min(SEND_MSGS_PER_TX);
            txs.push(a.relayer_tx(vec![transfer.clone(); n]));
            queued += n;
        }
        let finalized = a.deliver(txs, clock, "MsgTransfer").await?;
        for event in finalized.tx_results.iter().flat_map(|r| &r.events) {
            if event.kind == "send_packet" {
                packets.push(packet_of(event)?);
            }
        }
        sent += in_block;
    }
    ensure!(
        packets.len() == count,
        "{count} transfers sent {} packets",
        packets.len()
    );
    Ok(packets)
}

fn packet_of(event: &Event) -> Result<channel::Packet> {
    let timeout_height = match attribute(event, "packet_timeout_height")? {
        "0-0" => None,
        other => {
            let (revision, height) = other.split_once('-').context("bad timeout height")?;
            Some(RawHeight {
                revision_number: revision.parse()?,
                revision_height: height.parse()?,
            })
        }
    };
    Ok(channel::Packet {
        sequence: attribute(event, "packet_sequence")?.parse()?,
        source_port: attribute(event, "packet_src_port")?.into(),
        source_channel: attribute(event, "packet_src_channel")?.into(),
        destination_port: attribute(event, "packet_dst_port")?.into(),
        destination_channel: attribute(event, "packet_dst_channel")?.into(),
        data: hex::decode(attribute(event, "packet_data_hex")?)?,
        timeout_height,
        timeout_timestamp: attribute(event, "packet_timeout_timestamp")?.parse()?,
    })
}

/// Guards the figure: the proofs are checked. The first MsgRecvPacket with one byte of its
/// packet data changed (so its commitment differs from the proved one) must fail on B.
async fn refuse_altered_packet(b: &mut Chain, recv: &TxAny, clock: &mut Clock) -> Result<()> {
    let mut msg = channel::MsgRecvPacket::decode(recv.value.as_slice())?;
    let packet = msg.packet.as_mut().context("no packet")?;
    let last = packet.data.last_mut().context("empty packet data")?;
    *last ^= 1;
    let tx = b.relayer_tx(vec![to_tx_any(&msg)]);
    let finalized = b.block(vec![tx], clock).await?;
    let result = &finalized.tx_results[0];
    ensure!(
        !result.code.is_ok(),
        "a MsgRecvPacket whose data does not match the proved commitment was accepted"
    );
    ensure!(
        result.log.contains("IBC handler") && result.log.contains("membership"),
        "the altered packet failed for another reason than its proof: {}",
        result.log
    );
    println!(
        "  an altered packet is refused by proof verification (code {}: {})",
        result.code.value(),
        result.log
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let packet_count = size("RECV_PACKETS", 1_000).max(1);
    let per_tx = size("RECV_MSGS_PER_TX", 50).max(1);
    let txs_per_block = size("RECV_TXS_PER_BLOCK", 4).max(1);
    println!(
        "ibc recv_packet: {packet_count} ICS-20 packets {CHAIN_A} -> {CHAIN_B}, in-process, \
         MsgRecvPacket txs of {per_tx} messages, {txs_per_block} txs per block"
    );

    let setup = Instant::now();
    let mut clock = Clock(0);
    let mut a = Chain::start(CHAIN_A, &mut clock).await?;
    let mut b = Chain::start(CHAIN_B, &mut clock).await?;
    create_client(&mut a, &b, &mut clock).await?;
    create_client(&mut b, &a, &mut clock).await?;
    open_connection(&mut a, &mut b, &mut clock).await?;
    open_transfer_channel(&mut a, &mut b, &mut clock).await?;
    println!(
        "  clients, connection and channel opened with verified headers and proofs in {:.1?}",
        setup.elapsed()
    );

    let receiver = Address([0xcc; 20]).to_bech32("rmesh");
    let started = Instant::now();
    let packets = send_transfers(&mut a, packet_count, &receiver, &mut clock).await?;
    println!(
        "  {packet_count} transfers committed on {CHAIN_A} in {:.1?} (setup, not the figure)",
        started.elapsed()
    );

    // One header of A after the packets: B's client trusts it before the timed blocks.
    let (update, at, proof_height) = header_for_proofs(&mut a, &b, &mut clock).await?;
    let tx = b.relayer_tx(vec![update]);
    let (finalized, update_time, _) = b.timed_block(vec![tx], &mut clock).await?;
    let result = &finalized.tx_results[0];
    ensure!(
        result.code.is_ok(),
        "MsgUpdateClient failed: {}",
        result.log
    );
    b.client_height = proof_height;
    println!(
        "  MsgUpdateClient of {CLIENT} on {CHAIN_B} to {CHAIN_A} height {proof_height}: \
         FinalizeBlock {update_time:.1?}"
    );

    let started = Instant::now();
    let mut recvs = Vec::with_capacity(packets.len());
    for packet in packets {
        let path = CommitmentPath::new(
            &PortId::transfer(),
            &ChannelId::new(0),
            packet.sequence.into(),
        );
        let (_, proof_commitment) = a.prove(&path.to_string(), at).await?;
        recvs.push(to_tx_any(&channel::MsgRecvPacket {
            packet: Some(packet),
            proof_commitment,
            proof_height: raw_height(proof_height),
            signer: b.relayer.address.clone(),
        }));
    }
    let queried = started.elapsed();
    let proof_bytes: usize = recvs.iter().map(|m| m.value.len()).sum();
    println!(
        "  {packet_count} commitment proofs queried from {CHAIN_A} at height {at} in \
         {queried:.1?} (setup; {} bytes per MsgRecvPacket)",
        proof_bytes / packet_count
    );
    refuse_altered_packet(&mut b, &recvs[0], &mut clock).await?;
    // Signed after the guard's tx, in sequence order.
    let txs: Vec<Vec<u8>> = recvs
        .chunks(per_tx)
        .map(|chunk| b.relayer_tx(chunk.to_vec()))
        .collect();

    let (mut finalize_total, mut commit_total) = (Duration::ZERO, Duration::ZERO);
    let (mut blocks, mut acks, mut gas) = (0usize, 0usize, 0i64);
    let mut slowest = Duration::ZERO;
    let mut tx_batches = txs.into_iter().peekable();
    while tx_batches.peek().is_some() {
        let batch: Vec<Vec<u8>> = tx_batches.by_ref().take(txs_per_block).collect();
        let (finalized, finalize, commit) = b.timed_block(batch, &mut clock).await?;
        finalize_total += finalize;
        commit_total += commit;
        slowest = slowest.max(finalize + commit);
        blocks += 1;
        for (index, result) in finalized.tx_results.iter().enumerate() {
            ensure!(
                result.code.is_ok(),
                "block {}: MsgRecvPacket tx {index} failed with code {}: {}",
                b.height,
                result.code.value(),
                result.log
            );
            gas += result.gas_used;
            for event in result
                .events
                .iter()
                .filter(|e| e.kind == "write_acknowledgement")
            {
                let ack = attribute(event, "packet_ack")?;
                ensure!(
                    ack == SUCCESS_ACK,
                    "packet {} was acknowledged with {ack}",
                    attribute(event, "packet_sequence")?
                );
                acks += 1;
            }
        }
    }
    ensure!(
        acks == packet_count,
        "{packet_count} packets relayed but {acks} success acknowledgements written"
    );
    let voucher = rmesh_ibc::voucher_denom(&format!("transfer/{CHANNEL}/{DENOM}"));
    let credited = b.voucher_balance(&receiver, &voucher).await?;
    ensure!(
        credited == AMOUNT * packet_count as u128,
        "the receiver holds {credited}{voucher}, not {}",
        AMOUNT * packet_count as u128
    );

    let both = finalize_total + commit_total;
    println!(
        "  {packet_count} packets received in {blocks} blocks: FinalizeBlock {:.3} s, Commit {:.3} s \
         (slowest block {slowest:.1?}); {} gas per packet",
        finalize_total.as_secs_f64(),
        commit_total.as_secs_f64(),
        gas / packet_count as i64
    );
    println!(
        "  {:.0} packets/s FinalizeBlock only, {:.0} packets/s FinalizeBlock + Commit",
        packet_count as f64 / finalize_total.as_secs_f64(),
        packet_count as f64 / both.as_secs_f64()
    );
    println!(
        "  {acks} success acknowledgements written; {credited} {voucher} credited to the receiver"
    );
    Ok(())
}
