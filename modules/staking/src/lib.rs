//! Proof of stake: validators, delegations, unbonding and redelegation, and the validator set
//! CometBFT runs with.

mod component;
mod delegation;
mod error;
mod event;
mod genesis;
mod historical;
mod hooks;
mod msg;
mod msg_cancel_unbonding;
mod msg_create_validator;
mod msg_delegate;
mod msg_edit_validator;
mod msg_redelegate;
mod msg_undelegate;
mod params;
mod query;
mod slash;
mod state_key;
mod validator;
mod view;

pub use component::{PowerUpdate, Staking};
pub use delegation::{BONDED_POOL, NOT_BONDED_POOL};
pub use error::StakingError;
pub use genesis::{GenesisState, GenesisValidator};
pub use hooks::{NoHooks, SlashRecord, StakingApp, StakingHooks};
pub use msg_cancel_unbonding::CancelUnbondingHandler;
pub use msg_create_validator::CreateValidatorHandler;
pub use msg_delegate::DelegateHandler;
pub use msg_edit_validator::EditValidatorHandler;
pub use msg_redelegate::RedelegateHandler;
pub use msg_undelegate::UndelegateHandler;
pub use params::Params;
pub use query::StakingQuery;
pub use validator::{
    consensus_address, BondStatus, Commission, Description, RedelegationEntry, UnbondingEntry,
    Validator,
};
pub use view::{StakingRead, StakingWrite};

use rmesh_core::{SdkError, StoreWrite};

/// Index and queue entries carry their meaning in the key alone.
pub(crate) trait StoreWriteExt: StoreWrite {
    fn put_marker(&mut self, key: String) -> Result<(), SdkError> {
        self.put_bytes(key, vec![])
    }
}

impl<T: StoreWrite + ?Sized> StoreWriteExt for T {}
