//! The lifecycle every module plugs into: genesis, then work around each block's txs.

use async_trait::async_trait;
use cnidarium::StateWrite;
use tendermint::abci::types::{CommitInfo, Misbehavior};

use crate::error::SdkError;

/// What a block brings besides its txs; every block phase of every module receives it.
pub struct BlockHeader<'a> {
    pub height: u64,
    pub time: tendermint::Time,
    /// The app hash in this block's header: the root the previous block committed.
    pub previous_app_hash: Vec<u8>,
    pub next_validators_hash: tendermint::Hash,
    pub proposer_address: tendermint::account::Id,
    pub last_commit: &'a CommitInfo,
    pub misbehavior: &'a [Misbehavior],
}

/// An account a module keeps funds in, as `cosmos.auth` lists module accounts: its name (the
/// address is `Address::module(name)`) and what the module may do with its balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModuleAccount {
    pub name: &'static str,
    pub permissions: &'static [&'static str],
}

/// The gov module's account name: every authority defaults to its account, which signs the
/// messages of passed proposals (named here since modules below gov need it too).
pub const GOV_MODULE: &str = "gov";

/// The SDK's module account permissions.
pub const MINTER: &str = "minter";
pub const BURNER: &str = "burner";
pub const STAKING: &str = "staking";

/// A module's lifecycle inside an app `A`. `A` is the app's one type that carries its wiring (its
/// staking hooks, its IBC applications); core cannot name those, so each module bounds `A` by
/// the trait of the crate that defines what it needs (e.g. `rmesh_staking::StakingApp`), and
/// modules that need nothing accept any `A`.
///
/// The app runs each phase over its module list; the block phases default to doing nothing so
/// a module only writes the phases it has work in.
#[async_trait]
pub trait Component<A> {
    /// The key of this module's section in genesis `app_state`.
    const GENESIS_KEY: &'static str;
    type Genesis: serde::de::DeserializeOwned + Default + Send;
    /// The module accounts this module keeps funds in.
    const MODULE_ACCOUNTS: &'static [ModuleAccount] = &[];

    /// Validates and writes the module's genesis; a bad genesis is refused with a clear error.
    async fn init_chain<S: StateWrite>(
        state: &mut S,
        genesis: Self::Genesis,
    ) -> Result<(), SdkError>;

    /// Before the block's txs, with the block context already in place.
    async fn begin_block<S: StateWrite>(
        _state: &mut S,
        _header: &BlockHeader<'_>,
    ) -> Result<(), SdkError> {
        Ok(())
    }

    /// After the block's txs, up to and including the new validator set (staking's end block).
    async fn end_block<S: StateWrite>(
        _state: &mut S,
        _header: &BlockHeader<'_>,
    ) -> Result<(), SdkError> {
        Ok(())
    }

    /// After every `end_block`: work that needs the block's validator set, or the unbondings
    /// staking paid out at its end block, to be final.
    async fn after_validator_set<S: StateWrite>(
        _state: &mut S,
        _header: &BlockHeader<'_>,
    ) -> Result<(), SdkError> {
        Ok(())
    }
}
