//! `MsgCreateValidator`: a new validator with its operator's self-delegation.

use std::marker::PhantomData;

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use cosmos_sdk_proto::cosmos::crypto::ed25519::PubKey;
use cosmos_sdk_proto::cosmos::staking::v1beta1::{MsgCreateValidator, MsgCreateValidatorResponse};
use prost::Message;
use rmesh_auth::AccountRead;
use rmesh_core::{Address, BlockContextExt, MsgHandler, SdkError};

use crate::component::create_validator;
use crate::error::StakingError;
use crate::hooks::StakingHooks;
use crate::msg::{bond_amount, decimal_from_proto, parse_amount};
use crate::validator::{Commission, Description, Validator};

pub struct CreateValidatorHandler<H>(PhantomData<H>);

pub const ED25519_TYPE_URL: &str = "/cosmos.crypto.ed25519.PubKey";

fn consensus_key(msg: &MsgCreateValidator) -> Result<[u8; 32], SdkError> {
    let any = msg
        .pubkey
        .as_ref()
        .ok_or(StakingError::EmptyValidatorPubKey)?;
    if any.type_url != ED25519_TYPE_URL {
        return Err(StakingError::ValidatorPubKeyTypeNotSupported {
            expected: ED25519_TYPE_URL,
            got: any.type_url.clone(),
        }
        .into());
    }
    let key =
        PubKey::decode(any.value.as_slice()).map_err(|e| SdkError::InvalidPubKey(e.to_string()))?;
    key.key
        .try_into()
        .map_err(|_| SdkError::InvalidPubKey("ed25519 keys are 32 bytes".into()))
}

fn description(msg: &MsgCreateValidator) -> Description {
    let d = msg.description.clone().unwrap_or_default();
    Description {
        moniker: d.moniker,
        identity: d.identity,
        website: d.website,
        security_contact: d.security_contact,
        details: d.details,
    }
}

#[async_trait]
impl<H: StakingHooks> MsgHandler for CreateValidatorHandler<H> {
    type Msg = MsgCreateValidator;
    type Response = MsgCreateValidatorResponse;
    const MODULE: &'static str = "staking";

    fn check_stateless(msg: &MsgCreateValidator) -> Result<(), SdkError> {
        consensus_key(msg)?;
        if description(msg).moniker.trim().is_empty() {
            return Err(SdkError::InvalidRequest(
                "empty description: moniker is required".into(),
            ));
        }
        if msg.commission.is_none() {
            return Err(SdkError::InvalidRequest("missing commission rates".into()));
        }
        parse_amount(&msg.min_self_delegation, "minimum self delegation")?;
        Ok(())
    }

    async fn signers<S: StateRead>(
        state: &S,
        msg: &MsgCreateValidator,
    ) -> Result<Vec<Address>, SdkError> {
        Ok(vec![state.parse_operator(&msg.validator_address).await?])
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgCreateValidator,
    ) -> Result<MsgCreateValidatorResponse, SdkError> {
        let operator = state.parse_operator(&msg.validator_address).await?;
        let rates = msg.commission.clone().unwrap_or_default();
        let commission = Commission {
            rate: decimal_from_proto(&rates.rate)?,
            max_rate: decimal_from_proto(&rates.max_rate)?,
            max_change_rate: decimal_from_proto(&rates.max_change_rate)?,
            update_time_nanos: state.block_context().unix_nanos(),
        };
        let min_self_delegation =
            parse_amount(&msg.min_self_delegation, "minimum self delegation")?;
        let validator = Validator::new(
            operator,
            consensus_key(msg)?,
            description(msg),
            commission,
            min_self_delegation,
        );
        let self_bond = bond_amount(state, msg.value.as_ref()).await?;
        create_validator::<S, H>(state, validator, self_bond).await?;
        Ok(MsgCreateValidatorResponse {})
    }
}
