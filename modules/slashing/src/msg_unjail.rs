//! `MsgUnjail`: a jailed (not tombstoned) validator returns once its jail time is over and its
//! self-delegation meets its minimum.

use std::marker::PhantomData;

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use cosmos_sdk_proto::cosmos::slashing::v1beta1::{MsgUnjail, MsgUnjailResponse};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, BlockContextExt, MsgHandler, SdkError};
use rmesh_staking::{StakingHooks, StakingRead, StakingWrite};

use crate::error::SlashingError;
use crate::view::SlashingRead;

pub struct UnjailHandler<H>(PhantomData<H>);

#[async_trait]
impl<H: StakingHooks> MsgHandler for UnjailHandler<H> {
    type Msg = MsgUnjail;
    type Response = MsgUnjailResponse;
    const MODULE: &'static str = "slashing";

    fn check_stateless(_msg: &MsgUnjail) -> Result<(), SdkError> {
        Ok(())
    }

    async fn signers<S: StateRead>(state: &S, msg: &MsgUnjail) -> Result<Vec<Address>, SdkError> {
        Ok(vec![state.parse_operator(&msg.validator_addr).await?])
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgUnjail,
    ) -> Result<MsgUnjailResponse, SdkError> {
        let operator = state.parse_operator(&msg.validator_addr).await?;
        let mut validator = state
            .validator(&operator)
            .await?
            .ok_or(SlashingError::NoValidatorForAddress)?;
        if !validator.jailed {
            return Err(SlashingError::ValidatorNotJailed.into());
        }
        let info = state
            .signing_info(&validator.consensus_address())
            .await?
            .unwrap_or_default();
        if info.tombstoned {
            return Err(SlashingError::ValidatorTombstoned.into());
        }
        if state.block_context().unix_nanos() < info.jailed_until_nanos {
            return Err(SlashingError::ValidatorJailed {
                until: block_time_text(info.jailed_until_nanos),
            }
            .into());
        }
        let held = state.self_bond(&validator).await?;
        if held < validator.min_self_delegation {
            return Err(SlashingError::SelfDelegationTooLowToUnjail {
                self_bond: held,
                minimum: validator.min_self_delegation,
            }
            .into());
        }
        state.unjail::<H>(&mut validator).await?;
        Ok(MsgUnjailResponse {})
    }
}

/// A block time (unix nanoseconds) as the RFC 3339 text block explorers show.
fn block_time_text(unix_nanos: u64) -> String {
    let seconds = i64::try_from(unix_nanos / 1_000_000_000).unwrap_or(i64::MAX);
    let nanos = (unix_nanos % 1_000_000_000) as u32;
    tendermint::Time::from_unix_timestamp(seconds, nanos)
        .map(|time| time.to_rfc3339())
        .unwrap_or_else(|_| format!("{unix_nanos} ns after the unix epoch"))
}
