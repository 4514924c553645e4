//! `MsgEditValidator`: description, commission rate (within its bounds, once a day) and the
//! minimum self-delegation (which may only rise).

use std::marker::PhantomData;

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use cosmos_sdk_proto::cosmos::staking::v1beta1::{MsgEditValidator, MsgEditValidatorResponse};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, BlockContextExt, MsgHandler, SdkError};

use crate::error::StakingError;
use crate::hooks::StakingHooks;
use crate::msg::{decimal_from_proto, parse_amount};
use crate::view::{StakingRead, StakingWrite};

pub struct EditValidatorHandler<H>(PhantomData<H>);

/// The SDK keeps this value ("[do-not-modify]") for description fields left unchanged.
const DO_NOT_MODIFY: &str = "[do-not-modify]";
const DAY_NANOS: u64 = 24 * 3600 * 1_000_000_000;

fn edited(current: &mut String, new: &str) {
    if new != DO_NOT_MODIFY {
        *current = new.to_string();
    }
}

#[async_trait]
impl<H: StakingHooks> MsgHandler for EditValidatorHandler<H> {
    type Msg = MsgEditValidator;
    type Response = MsgEditValidatorResponse;
    const MODULE: &'static str = "staking";

    fn check_stateless(_msg: &MsgEditValidator) -> Result<(), SdkError> {
        Ok(())
    }

    async fn signers<S: StateRead>(
        state: &S,
        msg: &MsgEditValidator,
    ) -> Result<Vec<Address>, SdkError> {
        Ok(vec![state.parse_operator(&msg.validator_address).await?])
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgEditValidator,
    ) -> Result<MsgEditValidatorResponse, SdkError> {
        let operator = state.parse_operator(&msg.validator_address).await?;
        let mut validator = state.existing_validator(&operator).await?;
        if let Some(d) = &msg.description {
            edited(&mut validator.description.moniker, &d.moniker);
            edited(&mut validator.description.identity, &d.identity);
            edited(&mut validator.description.website, &d.website);
            edited(
                &mut validator.description.security_contact,
                &d.security_contact,
            );
            edited(&mut validator.description.details, &d.details);
        }
        if !msg.commission_rate.is_empty() {
            let rate = decimal_from_proto(&msg.commission_rate)?;
            let now = state.block_context().unix_nanos();
            let commission = &mut validator.commission;
            if now.saturating_sub(commission.update_time_nanos) < DAY_NANOS {
                return Err(StakingError::CommissionUpdateTime.into());
            }
            let change = rate
                .max(commission.rate)
                .checked_sub(rate.min(commission.rate))
                .unwrap_or_default();
            if change > commission.max_change_rate {
                return Err(StakingError::CommissionGtMaxChangeRate {
                    from: commission.rate,
                    to: rate,
                    max_change_rate: commission.max_change_rate,
                }
                .into());
            }
            commission.rate = rate;
            commission.update_time_nanos = now;
            let min_rate = state.staking_params().await?.min_commission_rate;
            validator.commission.validate(min_rate)?;
        }
        if !msg.min_self_delegation.is_empty() {
            let min = parse_amount(&msg.min_self_delegation, "minimum self delegation")?;
            if min <= validator.min_self_delegation {
                return Err(StakingError::MinSelfDelegationDecreased {
                    current: validator.min_self_delegation,
                }
                .into());
            }
            if min > validator.tokens {
                return Err(StakingError::SelfDelegationBelowMinimum {
                    bonded: validator.tokens,
                    minimum: min,
                }
                .into());
            }
            validator.min_self_delegation = min;
        }
        state.put_validator(&validator).await?;
        H::after_validator_modified(state, &validator).await?;
        H::after_validator_edited(state, &validator).await?;
        let text = state.format_operator(&operator).await?;
        state.record(crate::event::edit_validator(&text));
        Ok(MsgEditValidatorResponse {})
    }
}
