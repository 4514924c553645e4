//! Proof of stake: validators, delegations, unbonding and redelegation, and the validator set
//! CometBFT runs with.

pub mod component;
pub mod delegation;
pub mod error;
pub mod event;
pub mod genesis;
mod historical;
pub mod hooks;
pub mod params;
pub mod query;
pub mod slash;
pub mod state_key;
pub mod validator;
pub mod view;

pub use component::Staking;
pub use error::StakingError;
pub use hooks::{NoHooks, SlashRecord, StakingApp, StakingHooks};
pub use params::Params;
pub use validator::{BondStatus, Validator};
pub use view::{StakingRead, StakingWrite};

use rmesh_core::{SdkError, StoreWrite};

/// Index and queue entries carry their meaning in the key alone.
pub(crate) trait StoreWriteExt: StoreWrite {
    fn put_marker(&mut self, key: String) -> Result<(), SdkError> {
        self.put_bytes(key, vec![])
    }
}

impl<T: StoreWrite + ?Sized> StoreWriteExt for T {}

pub mod msg;
pub mod msg_cancel_unbonding;
pub mod msg_create_validator;
pub mod msg_delegate;
pub mod msg_edit_validator;
pub mod msg_redelegate;
pub mod msg_undelegate;

pub use msg_cancel_unbonding::CancelUnbondingHandler;
pub use msg_create_validator::CreateValidatorHandler;
pub use msg_delegate::DelegateHandler;
pub use msg_edit_validator::EditValidatorHandler;
pub use msg_redelegate::RedelegateHandler;
pub use msg_undelegate::UndelegateHandler;
