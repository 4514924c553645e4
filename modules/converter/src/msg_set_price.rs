//! `MsgSetPrice`: the price feed. The authority or the provider's price feeder posts the price
//! the next epoch re-prices every position with.

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use rmesh_auth::AccountRead;
use rmesh_core::{Address, MsgHandler, SdkError};
use rmesh_proto::converter::v1::{MsgSetPrice, MsgSetPriceResponse};
use rmesh_virtual_staking::VirtualStakingRead;

use crate::error::ConverterError;
use crate::event::converter as event;
use crate::msg::decimal;
use crate::view::{ConverterRead, ConverterWrite};

pub struct SetPriceHandler;

#[async_trait]
impl MsgHandler for SetPriceHandler {
    type Msg = MsgSetPrice;
    type Response = MsgSetPriceResponse;
    const MODULE: &'static str = "converter";

    fn check_stateless(msg: &MsgSetPrice) -> Result<(), SdkError> {
        if decimal("price", &msg.price)?.is_zero() {
            return Err(ConverterError::InvalidProvider("price must be positive".into()).into());
        }
        Ok(())
    }

    async fn signers<S: StateRead>(state: &S, msg: &MsgSetPrice) -> Result<Vec<Address>, SdkError> {
        Ok(vec![state.parse_address(&msg.sender).await?])
    }

    async fn execute<S: StateWrite>(
        state: &mut S,
        msg: &MsgSetPrice,
    ) -> Result<MsgSetPriceResponse, SdkError> {
        let mut provider = state.existing_provider(&msg.id).await?;
        let sender = state.parse_address(&msg.sender).await?;
        let is_feeder = provider.price_feeder == Some(sender);
        if !is_feeder && state.ensure_authority(&msg.sender).await.is_err() {
            return Err(ConverterError::NotPriceFeeder {
                provider: msg.id.clone(),
                sender: msg.sender.clone(),
            }
            .into());
        }
        provider.price = decimal("price", &msg.price)?;
        state.put_provider(&provider)?;
        state.record(event(
            "price",
            &provider.id,
            &[
                ("price", provider.price.to_string()),
                ("sender", msg.sender.clone()),
            ],
        ));
        Ok(MsgSetPriceResponse {})
    }
}
