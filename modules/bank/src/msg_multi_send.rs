//! `MsgMultiSend`: one input (as in SDK v0.50) fanned out to many outputs; the sums must match.

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use cosmos_sdk_proto::cosmos::bank::v1beta1::{MsgMultiSend, MsgMultiSendResponse};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, Coins, MsgHandler, SdkError};

use crate::error::BankError;
use crate::msg_send::positive_coins;
use crate::view::BankWrite;

pub struct MultiSendHandler;

#[async_trait]
impl MsgHandler for MultiSendHandler {
    type Msg = MsgMultiSend;
    type Response = MsgMultiSendResponse;
    const MODULE: &'static str = "bank";

    fn check_stateless(msg: &MsgMultiSend) -> Result<(), SdkError> {
        let input = match msg.inputs.as_slice() {
            [] => return Err(BankError::NoInputs.into()),
            [input] => input,
            inputs => {
                return Err(BankError::MultipleSenders {
                    inputs: inputs.len(),
                }
                .into())
            }
        };
        if msg.outputs.is_empty() {
            return Err(BankError::NoOutputs.into());
        }
        let mut total = Coins::new();
        for output in &msg.outputs {
            for coin in positive_coins(&output.coins)?.iter() {
                total.add(&coin)?;
            }
        }
        let sent = positive_coins(&input.coins)?;
        if total != sent {
            return Err(BankError::InputOutputMismatch {
                input: sent.to_string(),
                outputs: total.to_string(),
            }
            .into());
        }
        Ok(())
    }

    async fn signers<S: StateRead>(
        state: &S,
        msg: &MsgMultiSend,
    ) -> Result<Vec<Address>, SdkError> {
        let mut signers = Vec::new();
        for input in &msg.inputs {
            signers.push(state.parse_address(&input.address).await?);
        }
        Ok(signers)
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgMultiSend,
    ) -> Result<MsgMultiSendResponse, SdkError> {
        Self::check_stateless(msg)?;
        let from = state.parse_address(&msg.inputs[0].address).await?;
        for output in &msg.outputs {
            let to = state.parse_address(&output.address).await?;
            state
                .send(&from, &to, &positive_coins(&output.coins)?)
                .await?;
        }
        Ok(MsgMultiSendResponse {})
    }
}
