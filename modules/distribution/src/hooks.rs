//! Distribution's subscriptions to staking: validators get reward records, a new delegation
//! closes its validator's period first, delegations settle before they change and restart
//! after, slashes split periods.

use async_trait::async_trait;
use cnidarium::StateWrite;
use rmesh_core::{Address, Decimal, SdkError};
use rmesh_staking::{StakingHooks, Validator};

use crate::f1;
use crate::view::DistributionRead;

pub struct DistributionHooks;

#[async_trait]
impl StakingHooks for DistributionHooks {
    async fn after_validator_created<S: StateWrite>(
        state: &mut S,
        validator: &Validator,
    ) -> Result<(), SdkError> {
        f1::initialize_validator(state, &validator.operator).await
    }

    /// The validator's current period closes before the new delegation starts, as the SDK's
    /// BeforeDelegationCreated does: what it earned so far belongs to the delegations it had.
    async fn before_delegation_created<S: StateWrite>(
        state: &mut S,
        _delegator: &Address,
        operator: &Address,
    ) -> Result<(), SdkError> {
        f1::increment_period(state, operator).await.map(|_| ())
    }

    async fn before_delegation_modified<S: StateWrite>(
        state: &mut S,
        delegator: &Address,
        operator: &Address,
    ) -> Result<(), SdkError> {
        if state.starting_info(delegator, operator).await?.is_some() {
            f1::withdraw_rewards(state, delegator, operator).await?;
        }
        Ok(())
    }

    async fn after_delegation_modified<S: StateWrite>(
        state: &mut S,
        delegator: &Address,
        operator: &Address,
    ) -> Result<(), SdkError> {
        f1::initialize_delegation(state, delegator, operator).await
    }

    async fn before_validator_slashed<S: StateWrite>(
        state: &mut S,
        operator: &Address,
        fraction: Decimal,
    ) -> Result<(), SdkError> {
        f1::record_slash(state, operator, fraction).await
    }
}
