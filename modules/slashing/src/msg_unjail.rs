//! `MsgUnjail`: a jailed (not tombstoned) validator returns once its jail time is over and its
//! self-delegation meets its minimum.

use std::marker::PhantomData;

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use cosmos_sdk_proto::cosmos::slashing::v1beta1::{MsgUnjail, MsgUnjailResponse};
use rmesh_core::{Address, BlockContextExt, MsgHandler, SdkError};
use rmesh_staking::delegation::{existing_validator, parse_operator};
use rmesh_staking::slash::{self_bond, unjail};
use rmesh_staking::StakingHooks;

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
        Ok(vec![parse_operator(state, &msg.validator_addr).await?])
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgUnjail,
    ) -> Result<MsgUnjailResponse, SdkError> {
        let operator = parse_operator(state, &msg.validator_addr).await?;
        let mut validator = existing_validator(state, &operator).await?;
        if !validator.jailed {
            return Err(SdkError::InvalidRequest(
                "validator not jailed; cannot be unjailed".into(),
            ));
        }
        let info = state
            .signing_info(&validator.consensus_address())
            .await?
            .unwrap_or_default();
        if info.tombstoned {
            return Err(SdkError::InvalidRequest(
                "validator is tombstoned and can never be unjailed".into(),
            ));
        }
        if state.block_context().unix_nanos() < info.jailed_until_nanos {
            return Err(SdkError::InvalidRequest(
                "validator still jailed; cannot be unjailed".into(),
            ));
        }
        if self_bond(state, &validator).await? < validator.min_self_delegation {
            return Err(SdkError::InvalidRequest(
                "validator's self delegation less than minimum; cannot be unjailed".into(),
            ));
        }
        unjail::<S, H>(state, &mut validator).await?;
        Ok(MsgUnjailResponse {})
    }
}
