// Each test binary uses a different part of this support module.
#![allow(dead_code)]
//! A scripted consensus for whole-app tests: it drives the node's ABCI services in-process, block
//! by block, with no sockets and no CometBFT.

pub mod gov;
pub mod mesh;
pub mod pair;
pub mod staking;

use std::time::Duration;

use cnidarium::Storage;
use cosmos_sdk_proto::cosmos::bank::v1beta1::MsgSend;
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmos_sdk_proto::Any;
use cosmrs::crypto::secp256k1::SigningKey;
use prost::{Message, Name};
use rmesh_auth::GenesisAccount;
use rmesh_bank::Balance;
use rmesh_core::Coin;
use rmeshd::client::{sign_tx, SignerAccount, TxFee};
use rmeshd::config::{AppConfig, GasPrice};
use rmeshd::genesis::AppState;
use rmeshd::node::{consensus::Consensus, info::Info, mempool::Mempool, open_storage};
use rmeshd::query::QueryRouter;
use tendermint::v0_38::abci::{
    request, response, ConsensusRequest, ConsensusResponse, InfoRequest, InfoResponse,
    MempoolRequest, MempoolResponse,
};
use tendermint::{block::Height, Time};
use tower::{Service, ServiceExt};

pub const CHAIN_ID: &str = "scripted-1";
pub const DENOM: &str = "urmesh";

pub struct Account {
    pub key: SigningKey,
    pub address: String,
    pub number: u64,
    pub sequence: u64,
}

impl Account {
    pub fn random(number: u64) -> Self {
        Self::with_key(number, SigningKey::random())
    }

    /// The same key for the same (seed, number): chains built twice get the same genesis.
    pub fn seeded(seed: u64, number: u64) -> Self {
        use sha2::{Digest, Sha256};
        let secret = Sha256::digest([seed.to_be_bytes(), number.to_be_bytes()].concat());
        Self::with_key(number, SigningKey::from_slice(&secret).unwrap())
    }

    /// The same key under account number `number`.
    pub fn with_number(mut self, number: u64) -> Self {
        self.number = number;
        self
    }

    fn with_key(number: u64, key: SigningKey) -> Self {
        let address = key.public_key().account_id("rmesh").unwrap().to_string();
        Account {
            key,
            address,
            number,
            sequence: 0,
        }
    }

    /// Signs a tx with the account's next sequence (and advances it).
    pub fn sign(&mut self, messages: Vec<Any>, fee: u128, gas_limit: u64) -> Vec<u8> {
        self.sequence += 1;
        self.sign_at(self.sequence - 1, messages, fee, gas_limit)
    }

    /// Signs with an explicit sequence, leaving the account's own untouched.
    pub fn sign_at(&self, sequence: u64, messages: Vec<Any>, fee: u128, gas_limit: u64) -> Vec<u8> {
        self.sign_for_chain(CHAIN_ID, sequence, messages, fee, gas_limit)
    }

    pub fn sign_for_chain(
        &self,
        chain_id: &str,
        sequence: u64,
        messages: Vec<Any>,
        fee: u128,
        gas_limit: u64,
    ) -> Vec<u8> {
        let signer = SignerAccount {
            chain_id: chain_id.into(),
            account_number: self.number,
            sequence,
        };
        let fee = TxFee {
            amount: vec![Coin::new(fee, DENOM)],
            gas_limit,
        };
        sign_tx(&self.key, &signer, messages, &fee, "").unwrap()
    }
}

/// `message` as a tx's `Any`.
pub fn packed<M: Message + Name>(message: M) -> Any {
    Any {
        type_url: M::type_url(),
        value: message.encode_to_vec(),
    }
}

pub fn send_msg(from: &str, to: &str, amount: u128) -> Any {
    let msg = MsgSend {
        from_address: from.into(),
        to_address: to.into(),
        amount: vec![ProtoCoin {
            denom: DENOM.into(),
            amount: amount.to_string(),
        }],
    };
    Any {
        type_url: MsgSend::type_url(),
        value: msg.encode_to_vec(),
    }
}

pub struct TestChain {
    home: tempfile::TempDir,
    pub storage: Storage,
    consensus: Consensus,
    mempool: Mempool,
    info: Info,
    pub height: u64,
    pub accounts: Vec<Account>,
    pub last_app_hash: Vec<u8>,
}

/// Genesis funds for each account.
pub const GENESIS_FUNDS: u128 = 1_000_000_000;

impl TestChain {
    /// A chain whose genesis funds `accounts` fresh keys, started with InitChain.
    pub async fn start(accounts: usize) -> Self {
        Self::start_with(accounts, |_| {}).await.0
    }

    /// Like [`start`], letting the test edit the genesis (validators, params) before InitChain;
    /// also returns the validator set InitChain gave CometBFT.
    pub async fn start_with(
        accounts: usize,
        edit: impl FnOnce(&mut AppState),
    ) -> (Self, Vec<tendermint::validator::Update>) {
        Self::start_with_accounts((0..accounts as u64).map(Account::random).collect(), edit).await
    }

    /// Like [`start_with`], with the given accounts.
    pub async fn start_with_accounts(
        accounts: Vec<Account>,
        edit: impl FnOnce(&mut AppState),
    ) -> (Self, Vec<tendermint::validator::Update>) {
        let home = tempfile::tempdir().unwrap();
        let mut genesis = AppState::default();
        for account in &accounts {
            genesis
                .auth
                .accounts
                .push(GenesisAccount::new(account.address.clone(), account.number));
            genesis.bank.balances.push(Balance {
                address: account.address.clone(),
                coins: vec![Coin::new(GENESIS_FUNDS, DENOM)],
            });
        }
        edit(&mut genesis);
        let mut chain = Self::open(home, accounts).await;
        let response = chain
            .init_chain(serde_json::to_vec(&genesis).unwrap())
            .await
            .unwrap();
        chain.last_app_hash = response.app_hash.as_bytes().to_vec();
        (chain, response.validators)
    }

    /// The node's services over the state in `home`, as a (re)started rmeshd has them.
    async fn open(home: tempfile::TempDir, accounts: Vec<Account>) -> Self {
        Self::open_with(home, accounts, rmeshd::upgrades::Upgrades::default()).await
    }

    /// [`open`](Self::open) as a binary carrying `upgrades` (writing `upgrade-info.json` under
    /// the home's `data` when they say so).
    async fn open_with(
        home: tempfile::TempDir,
        accounts: Vec<Account>,
        upgrades: rmeshd::upgrades::Upgrades,
    ) -> Self {
        let storage = open_storage(home.path()).await.unwrap();
        let signatures = rmesh_auth::VerifiedSignatures::new();
        let price = GasPrice {
            price: "0.0025".parse().unwrap(),
            denom: DENOM.into(),
        };
        let mempool = Mempool::new(storage.clone(), vec![price], signatures.clone());
        let router = QueryRouter::new(storage.clone(), &AppConfig::default(), mempool.clone());
        router.restore_history().await;
        TestChain {
            consensus: Consensus::with_upgrades(storage.clone(), signatures, upgrades),
            mempool,
            info: Info::new(storage.clone(), router),
            height: rmeshd::node::state::committed_height(&storage),
            storage,
            home,
            accounts,
            last_app_hash: vec![],
        }
    }

    /// Stops the node (closing its database) and starts it again on the same home.
    pub async fn restart(self) -> Self {
        self.restart_with(rmeshd::upgrades::Upgrades::default())
            .await
    }

    /// The node's home directory.
    pub fn home(&self) -> &std::path::Path {
        self.home.path()
    }

    /// [`restart`](Self::restart) with another binary: one carrying `upgrades`.
    pub async fn restart_with(self, upgrades: rmeshd::upgrades::Upgrades) -> Self {
        let TestChain {
            home,
            storage,
            consensus,
            mempool,
            info,
            accounts,
            ..
        } = self;
        drop((consensus, mempool, info));
        storage.release().await;
        Self::open_with(home, accounts, upgrades).await
    }

    pub async fn init_chain(&mut self, app_state: Vec<u8>) -> Result<response::InitChain, String> {
        init_chain_with(&mut self.consensus, app_state).await
    }

    /// Runs FinalizeBlock and Commit for the next height with `txs`.
    pub async fn block(&mut self, txs: Vec<Vec<u8>>) -> response::FinalizeBlock {
        self.block_with(txs, vec![], vec![]).await
    }

    /// Block time of `height` in the scripted consensus (5 s apart).
    pub fn time_of(height: u64) -> Time {
        Time::from_unix_timestamp(1_700_000_000 + height as i64 * 5, 0).unwrap()
    }

    /// A block whose last commit carries `votes` and which reports `misbehavior`.
    pub async fn block_with(
        &mut self,
        txs: Vec<Vec<u8>>,
        votes: Vec<tendermint::abci::types::VoteInfo>,
        misbehavior: Vec<tendermint::abci::types::Misbehavior>,
    ) -> response::FinalizeBlock {
        self.try_block_with(txs, votes, misbehavior).await.unwrap()
    }

    /// FinalizeBlock and Commit for the next height with `txs`, or the error the node stops
    /// with (as CometBFT would see it; the height is then not taken).
    pub async fn try_block(
        &mut self,
        txs: Vec<Vec<u8>>,
    ) -> Result<response::FinalizeBlock, String> {
        self.try_block_with(txs, vec![], vec![]).await
    }

    async fn try_block_with(
        &mut self,
        txs: Vec<Vec<u8>>,
        votes: Vec<tendermint::abci::types::VoteInfo>,
        misbehavior: Vec<tendermint::abci::types::Misbehavior>,
    ) -> Result<response::FinalizeBlock, String> {
        let height = self.height + 1;
        let request = request::FinalizeBlock {
            txs: txs.into_iter().map(Into::into).collect(),
            decided_last_commit: tendermint::abci::types::CommitInfo {
                round: 0u16.into(),
                votes,
            },
            misbehavior,
            hash: tendermint::Hash::None,
            height: Height::try_from(height).unwrap(),
            time: Self::time_of(height),
            next_validators_hash: tendermint::Hash::None,
            proposer_address: tendermint::account::Id::new([0; 20]),
        };
        let ConsensusResponse::FinalizeBlock(finalized) = self
            .consensus
            .ready()
            .await
            .unwrap()
            .call(ConsensusRequest::FinalizeBlock(request))
            .await
            .map_err(|e| e.to_string())?
        else {
            panic!("FinalizeBlock answered with another response")
        };
        let commit = self
            .consensus
            .ready()
            .await
            .unwrap()
            .call(ConsensusRequest::Commit)
            .await
            .unwrap();
        assert!(matches!(commit, ConsensusResponse::Commit(_)));
        self.height = height;
        self.last_app_hash = finalized.app_hash.as_bytes().to_vec();
        Ok(finalized)
    }

    pub async fn check_tx(&mut self, tx: Vec<u8>) -> response::CheckTx {
        self.check_tx_of_kind(tx, request::CheckTxKind::New).await
    }

    pub async fn check_tx_of_kind(
        &mut self,
        tx: Vec<u8>,
        kind: request::CheckTxKind,
    ) -> response::CheckTx {
        let request = request::CheckTx {
            tx: tx.into(),
            kind,
        };
        let MempoolResponse::CheckTx(response) = self
            .mempool
            .ready()
            .await
            .unwrap()
            .call(MempoolRequest::CheckTx(request))
            .await
            .unwrap();
        response
    }

    pub async fn abci_query(
        &mut self,
        path: &str,
        data: Vec<u8>,
        height: u64,
        prove: bool,
    ) -> response::Query {
        let request = request::Query {
            data: data.into(),
            path: path.into(),
            height: Height::try_from(height).unwrap(),
            prove,
        };
        match self
            .info
            .ready()
            .await
            .unwrap()
            .call(InfoRequest::Query(request))
            .await
            .unwrap()
        {
            InfoResponse::Query(response) => response,
            other => panic!("unexpected response {other:?}"),
        }
    }

    pub async fn info(&mut self) -> response::Info {
        let request = request::Info {
            version: "0.38.25".into(),
            block_version: 11,
            p2p_version: 8,
            abci_version: "2.0.0".into(),
        };
        match self
            .info
            .ready()
            .await
            .unwrap()
            .call(InfoRequest::Info(request))
            .await
            .unwrap()
        {
            InfoResponse::Info(response) => response,
            other => panic!("unexpected response {other:?}"),
        }
    }

    pub async fn balance(&mut self, address: &str) -> u128 {
        use cosmos_sdk_proto::cosmos::bank::v1beta1::{QueryBalanceRequest, QueryBalanceResponse};
        let request = QueryBalanceRequest {
            address: address.into(),
            denom: DENOM.into(),
        };
        let response = self
            .abci_query(
                "/cosmos.bank.v1beta1.Query/Balance",
                request.encode_to_vec(),
                0,
                false,
            )
            .await;
        assert!(
            response.code.is_ok(),
            "balance query failed: {}",
            response.log
        );
        let decoded = QueryBalanceResponse::decode(response.value.as_ref()).unwrap();
        decoded.balance.unwrap().amount.parse().unwrap()
    }
}

/// Runs InitChain on a fresh consensus service over `storage`.
pub async fn init_chain_on(
    storage: &Storage,
    app_state: Vec<u8>,
) -> Result<response::InitChain, String> {
    let signatures = rmesh_auth::VerifiedSignatures::new();
    init_chain_with(&mut Consensus::new(storage.clone(), signatures), app_state).await
}

async fn init_chain_with(
    consensus: &mut Consensus,
    app_state: Vec<u8>,
) -> Result<response::InitChain, String> {
    let request = request::InitChain {
        time: Time::from_unix_timestamp(1_700_000_000, 0).unwrap(),
        chain_id: CHAIN_ID.into(),
        consensus_params: default_consensus_params(),
        validators: vec![],
        app_state_bytes: app_state.into(),
        initial_height: Height::from(1u32),
    };
    match consensus
        .ready()
        .await
        .unwrap()
        .call(ConsensusRequest::InitChain(request))
        .await
    {
        Ok(ConsensusResponse::InitChain(response)) => Ok(response),
        Ok(other) => Err(format!("unexpected response {other:?}")),
        Err(err) => Err(err.to_string()),
    }
}

fn default_consensus_params() -> tendermint::consensus::Params {
    use tendermint::{block, consensus, evidence, public_key::Algorithm};
    consensus::Params {
        block: block::Size {
            max_bytes: 22_020_096,
            max_gas: -1,
            time_iota_ms: 1000,
        },
        evidence: evidence::Params {
            max_age_num_blocks: 100_000,
            max_age_duration: evidence::Duration(Duration::from_secs(172_800)),
            max_bytes: 1_048_576,
        },
        validator: consensus::params::ValidatorParams {
            pub_key_types: vec![Algorithm::Ed25519],
        },
        version: Some(consensus::params::VersionParams { app: 0 }),
        abci: Default::default(),
    }
}
