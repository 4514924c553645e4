//! Runs one tx against a state, all-or-nothing per stage: a failing ante leaves nothing behind;
//! failing messages leave only the ante's fee and sequence (as the SDK does in blocks).

use cnidarium::{StateDelta, StateWrite};
use cosmos_sdk_proto::cosmos::base::abci::v1beta1::TxMsgData;
use cosmos_sdk_proto::Any;
use prost::Message;
use rmesh_auth::AccountRead;
use rmesh_core::{AbciCode, EventBuilder, GasMeter, GasMeterWriteExt, SdkError};
use tendermint::abci::Event;

use super::ante::ante;
use super::decode::decode_tx;
use super::router::{self, CheckedMsg};
use crate::config::GasPrice;

#[derive(Debug, Clone)]
pub enum ExecMode {
    /// Mempool admission: the node's minimum gas prices apply; a failing message rejects the tx.
    Check { minimum_gas_prices: Vec<GasPrice> },
    /// Re-admission after a block of a tx the mempool already holds: its signature was verified.
    Recheck,
    /// Block execution.
    Deliver,
    /// Gas estimation: signatures are not verified and gas is unlimited.
    Simulate,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TxOutcome {
    pub code: u32,
    pub codespace: String,
    pub log: String,
    pub gas_wanted: u64,
    pub gas_used: u64,
    pub events: Vec<Event>,
    pub data: Vec<u8>,
}

impl TxOutcome {
    fn failed(err: &SdkError, gas_wanted: u64, gas_used: u64, events: Vec<Event>) -> Self {
        TxOutcome {
            code: err.code(),
            codespace: err.codespace().to_string(),
            log: err.log(),
            gas_wanted,
            gas_used,
            events,
            data: vec![],
        }
    }

    pub fn is_ok(&self) -> bool {
        self.code == 0
    }
}

pub async fn run_tx<S: StateWrite>(state: &mut S, bytes: &[u8], mode: &ExecMode) -> TxOutcome {
    let tx = match decode_tx(bytes) {
        Ok(tx) => tx,
        Err(err) => return TxOutcome::failed(&err, 0, 0, vec![]),
    };
    let gas_wanted = tx.gas_limit();
    let meter = match mode {
        ExecMode::Simulate => GasMeter::new(u64::MAX),
        _ if gas_wanted == 0 => {
            let err = SdkError::InvalidGasLimit("gas limit must be positive".into());
            return TxOutcome::failed(&err, 0, 0, vec![]);
        }
        _ => GasMeter::new(gas_wanted),
    };
    let mut ante_state = StateDelta::new(&mut *state);
    ante_state.install_gas_meter(meter.clone());
    let checked = match ante(&mut ante_state, &tx, mode).await {
        Ok(checked) => checked,
        Err(err) => return TxOutcome::failed(&err, gas_wanted, meter.consumed(), vec![]),
    };
    let mut msg_state = StateDelta::new(&mut ante_state);
    let result = run_messages(&mut msg_state, &tx.body.messages, &checked).await;
    match result {
        Ok(responses) => {
            let (_, msg_events) = msg_state.apply();
            // The meter belongs to this tx: block hooks after it must run unmetered.
            ante_state.take_gas_meter();
            let (_, mut events) = ante_state.apply();
            events.extend(msg_events);
            TxOutcome {
                gas_wanted,
                gas_used: meter.consumed(),
                events,
                data: msg_data(responses),
                ..TxOutcome::default()
            }
        }
        Err(err) if matches!(mode, ExecMode::Deliver) => {
            drop(msg_state);
            ante_state.take_gas_meter();
            let (_, ante_events) = ante_state.apply();
            TxOutcome::failed(&err, gas_wanted, meter.consumed(), ante_events)
        }
        Err(err) => TxOutcome::failed(&err, gas_wanted, meter.consumed(), vec![]),
    }
}

async fn run_messages<S: StateWrite>(
    state: &mut S,
    messages: &[Any],
    checked: &[CheckedMsg],
) -> Result<Vec<Any>, SdkError> {
    let mut responses = Vec::with_capacity(messages.len());
    for (index, (message, checked)) in messages.iter().zip(checked).enumerate() {
        let sender = match checked.signers.first() {
            Some(signer) => state.format_address(signer).await?,
            None => String::new(),
        };
        state.record(
            EventBuilder::new("message")
                .attr("action", message.type_url.clone())
                .attr("sender", sender)
                .attr("module", checked.module)
                .attr("msg_index", index.to_string())
                .build(),
        );
        responses.push(router::execute(state, message).await?);
    }
    Ok(responses)
}

/// The tx result's `data`: the messages' responses, in the SDK v0.50 form.
#[allow(deprecated)]
fn msg_data(msg_responses: Vec<Any>) -> Vec<u8> {
    TxMsgData {
        data: vec![],
        msg_responses,
    }
    .encode_to_vec()
}
