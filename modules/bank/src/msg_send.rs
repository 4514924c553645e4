//! `MsgSend`: one sender, one recipient, any coins.

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use cosmos_sdk_proto::cosmos::bank::v1beta1::{MsgSend, MsgSendResponse};
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use rmesh_auth::AccountRead;
use rmesh_core::{Address, Coins, MsgHandler, SdkError};

use crate::view::BankWrite;

pub struct SendHandler;

/// Converts protobuf coins into a non-empty set of positive, valid coins, listed as the SDK
/// requires (sorted, each denom once).
pub fn positive_coins(coins: &[ProtoCoin]) -> Result<Coins, SdkError> {
    let set = Coins::validated(
        coins
            .iter()
            .map(|coin| (coin.denom.as_str(), coin.amount.as_str())),
    )?;
    if set.is_empty() {
        return Err(SdkError::InvalidCoins("no coins to send".into()));
    }
    Ok(set)
}

#[async_trait]
impl MsgHandler for SendHandler {
    type Msg = MsgSend;
    type Response = MsgSendResponse;
    const MODULE: &'static str = "bank";

    fn check_stateless(msg: &MsgSend) -> Result<(), SdkError> {
        positive_coins(&msg.amount).map(|_| ())
    }

    async fn signers<S: StateRead>(state: &S, msg: &MsgSend) -> Result<Vec<Address>, SdkError> {
        Ok(vec![state.parse_address(&msg.from_address).await?])
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgSend,
    ) -> Result<MsgSendResponse, SdkError> {
        let from = state.parse_address(&msg.from_address).await?;
        let to = state.parse_address(&msg.to_address).await?;
        state
            .send(&from, &to, &positive_coins(&msg.amount)?)
            .await?;
        Ok(MsgSendResponse {})
    }
}
