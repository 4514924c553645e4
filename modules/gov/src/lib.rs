//! Governance (`cosmos.gov.v1`): proposals carrying messages the gov module account signs,
//! deposits, votes (weighted too) and the SDK's tally, with one difference the mesh needs:
//! **virtual stake does not govern**. Stake minted for provider chains secures this chain but
//! must not decide its governance, so the tally leaves virtual delegations out, also from the
//! power their validators would inherit (a genesis switch, `virtual_stake_governs`, lets it in).
//!
//! Passed proposals execute their messages atomically through the app's message router (the
//! app's [`GovApp::Router`]); a failing message fails the proposal and is recorded on it.

mod component;
mod deposit;
mod error;
mod event;
mod genesis;
mod msg_deposit;
mod msg_submit_proposal;
mod msg_update_params;
mod msg_vote;
mod params;
mod query;
mod state_key;
mod tally;
mod time;
mod view;

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use cosmos_sdk_proto::Any;
use rmesh_core::{Address, SdkError};

pub use component::Gov;
pub use error::GovError;
pub use genesis::GenesisState;
pub use msg_deposit::DepositHandler;
pub use msg_submit_proposal::SubmitProposalHandler;
pub use msg_update_params::UpdateParamsHandler;
pub use msg_vote::{VoteHandler, VoteWeightedHandler};
pub use params::Params;
pub use query::GovQuery;
pub use tally::TallyOutcome;
pub use view::{GovRead, GovWrite};

/// The module account that holds deposits and signs the messages of passed proposals.
pub const MODULE_NAME: &str = rmesh_core::component::GOV_MODULE;

/// The gov module account's address, as the SDK derives it.
pub fn module_address() -> Address {
    Address::module(MODULE_NAME)
}

/// How gov reaches the app's messages: the same router a tx's messages go through.
#[async_trait]
pub trait ProposalRouter: Send + Sync + 'static {
    /// Decodes `msg`, runs its stateless checks and returns the accounts that must sign it.
    async fn signers<S: StateRead>(state: &S, msg: &Any) -> Result<Vec<Address>, SdkError>;
    /// Executes `msg` (its signers already checked) and returns its response.
    async fn execute<S: StateWrite>(state: &mut S, msg: &Any) -> Result<Any, SdkError>;
}

/// What the app gives gov: its message router.
pub trait GovApp: Send + Sync + 'static {
    type Router: ProposalRouter;
}
