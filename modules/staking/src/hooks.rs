//! What other modules (slashing, distribution, virtual staking) learn from staking, synchronously
//! and in order. The app wires one implementation; every method defaults to doing nothing.

use async_trait::async_trait;
use cnidarium::StateWrite;
use rmesh_core::{Address, Decimal, SdkError};

use crate::validator::Validator;

/// A slash as it happened, with everything a provider chain needs to mirror it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlashRecord {
    pub operator: Address,
    pub infraction_height: u64,
    /// Block time of the infraction, unix seconds.
    pub infraction_time_seconds: i64,
    /// The validator's voting power at the infraction.
    pub power: u64,
    pub fraction: Decimal,
    /// Tokens actually burned (validator, unbondings and redelegations together).
    pub amount: u128,
}

#[async_trait]
pub trait StakingHooks: Send + Sync + 'static {
    async fn after_validator_created<S: StateWrite>(
        _state: &mut S,
        _validator: &Validator,
    ) -> Result<(), SdkError> {
        Ok(())
    }

    async fn after_validator_bonded<S: StateWrite>(
        _state: &mut S,
        _validator: &Validator,
    ) -> Result<(), SdkError> {
        Ok(())
    }

    async fn after_validator_begin_unbonding<S: StateWrite>(
        _state: &mut S,
        _validator: &Validator,
    ) -> Result<(), SdkError> {
        Ok(())
    }

    /// After a validator's tokens, commission, description or jail status changed.
    async fn after_validator_modified<S: StateWrite>(
        _state: &mut S,
        _validator: &Validator,
    ) -> Result<(), SdkError> {
        Ok(())
    }

    /// Before a delegation that does not exist yet is created (the SDK's
    /// BeforeDelegationCreated): distribution closes the validator's period here, so rewards
    /// earned before the delegation existed are not shared with it.
    async fn before_delegation_created<S: StateWrite>(
        _state: &mut S,
        _delegator: &Address,
        _operator: &Address,
    ) -> Result<(), SdkError> {
        Ok(())
    }

    /// Before an existing delegation's shares change: rewards are settled at the old shares.
    async fn before_delegation_modified<S: StateWrite>(
        _state: &mut S,
        _delegator: &Address,
        _operator: &Address,
    ) -> Result<(), SdkError> {
        Ok(())
    }

    async fn after_delegation_modified<S: StateWrite>(
        _state: &mut S,
        _delegator: &Address,
        _operator: &Address,
    ) -> Result<(), SdkError> {
        Ok(())
    }

    /// After the operator edited the validator (description, commission, min self-delegation).
    async fn after_validator_edited<S: StateWrite>(
        _state: &mut S,
        _validator: &Validator,
    ) -> Result<(), SdkError> {
        Ok(())
    }

    async fn after_validator_jailed<S: StateWrite>(
        _state: &mut S,
        _validator: &Validator,
    ) -> Result<(), SdkError> {
        Ok(())
    }

    async fn after_validator_unjailed<S: StateWrite>(
        _state: &mut S,
        _validator: &Validator,
    ) -> Result<(), SdkError> {
        Ok(())
    }

    async fn after_validator_tombstoned<S: StateWrite>(
        _state: &mut S,
        _validator: &Validator,
    ) -> Result<(), SdkError> {
        Ok(())
    }

    /// Before a validator's tokens shrink by `fraction` (rewards up to now use the old stake).
    async fn before_validator_slashed<S: StateWrite>(
        _state: &mut S,
        _operator: &Address,
        _fraction: Decimal,
    ) -> Result<(), SdkError> {
        Ok(())
    }

    async fn after_validator_slashed<S: StateWrite>(
        _state: &mut S,
        _record: &SlashRecord,
    ) -> Result<(), SdkError> {
        Ok(())
    }
}

/// Two subscribers, called in order (the app composes its subscribers as nested pairs).
macro_rules! both {
    ($($method:ident($($arg:ident: $ty:ty),*)),* $(,)?) => {
        #[async_trait]
        impl<A: StakingHooks, B: StakingHooks> StakingHooks for (A, B) {$(
            async fn $method<S: StateWrite>(state: &mut S, $($arg: $ty),*) -> Result<(), SdkError> {
                A::$method(state, $($arg),*).await?;
                B::$method(state, $($arg),*).await
            }
        )*}
    };
}

both!(
    after_validator_created(validator: &Validator),
    after_validator_bonded(validator: &Validator),
    after_validator_begin_unbonding(validator: &Validator),
    after_validator_modified(validator: &Validator),
    after_validator_edited(validator: &Validator),
    before_delegation_created(delegator: &Address, operator: &Address),
    before_delegation_modified(delegator: &Address, operator: &Address),
    after_delegation_modified(delegator: &Address, operator: &Address),
    after_validator_jailed(validator: &Validator),
    after_validator_unjailed(validator: &Validator),
    after_validator_tombstoned(validator: &Validator),
    before_validator_slashed(operator: &Address, fraction: Decimal),
    after_validator_slashed(record: &SlashRecord),
);

/// For chains (and tests) where nothing subscribes.
pub struct NoHooks;

impl StakingHooks for NoHooks {}

/// What an app tells the modules that react to staking: its subscribers, in order. The app's
/// one wiring type implements it (and the other crates' app traits) and is the `A` of
/// `rmesh_core::Component<A>`.
pub trait StakingApp: Send + Sync + 'static {
    type Hooks: StakingHooks;
}

/// An app whose staking has no subscribers, for tests of a module on its own.
impl StakingApp for NoHooks {
    type Hooks = NoHooks;
}
