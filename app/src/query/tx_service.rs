//! `cosmos.tx.v1beta1.Service`: simulation runs here against the mempool's state (the committed
//! state plus the txs waiting for a block); committed txs and broadcasting go through CometBFT.

use cosmos_sdk_proto::cosmos::base::abci::v1beta1::{
    GasInfo, Result as AbciResult, TxMsgData, TxResponse,
};
use cosmos_sdk_proto::cosmos::tx::v1beta1::{self as pb, service_server::Service, Tx};
use prost::Message;
use tendermint_rpc::Client;
use tonic::{Request, Response, Status};

use super::comet::Comet;
use crate::node::mempool::Mempool;
use crate::tx::{decode_tx, run_tx, DecodedTx, ExecMode};

pub struct TxService {
    mempool: Mempool,
    comet: Comet,
}

impl TxService {
    pub fn new(mempool: Mempool, comet: Comet) -> Self {
        TxService { mempool, comet }
    }
}

/// A tx hash as clients send it: 64 hex digits, either case.
fn parse_tx_hash(text: &str) -> Result<tendermint::Hash, Status> {
    let invalid =
        || Status::invalid_argument(format!("invalid tx hash {text:?}: expected 64 hex digits"));
    let bytes: [u8; 32] = hex::decode(text)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or_else(invalid)?;
    Ok(tendermint::Hash::Sha256(bytes))
}

fn to_raw(tx: Tx) -> pb::TxRaw {
    pb::TxRaw {
        body_bytes: tx.body.map(|b| b.encode_to_vec()).unwrap_or_default(),
        auth_info_bytes: tx.auth_info.map(|a| a.encode_to_vec()).unwrap_or_default(),
        signatures: tx.signatures,
    }
}

fn to_tx(decoded: DecodedTx) -> Tx {
    Tx {
        body: Some(decoded.body),
        auth_info: Some(decoded.auth_info),
        signatures: decoded.signatures,
    }
}

fn decoded(bytes: &[u8]) -> Result<DecodedTx, Status> {
    decode_tx(bytes).map_err(|e| Status::invalid_argument(e.to_string()))
}

fn proto_events(events: Vec<tendermint::abci::Event>) -> Vec<tendermint_proto::abci::Event> {
    events.into_iter().map(Into::into).collect()
}

#[tonic::async_trait]
impl Service for TxService {
    #[allow(deprecated)]
    async fn simulate(
        &self,
        request: Request<pb::SimulateRequest>,
    ) -> Result<Response<pb::SimulateResponse>, Status> {
        let request = request.into_inner();
        #[allow(deprecated)]
        let bytes = match (request.tx_bytes.is_empty(), request.tx) {
            (false, _) => request.tx_bytes,
            (true, Some(tx)) => to_raw(tx).encode_to_vec(),
            (true, None) => return Err(Status::invalid_argument("empty tx")),
        };
        let mut state = self
            .mempool
            .pending_state()
            .await
            .map_err(|e| Status::unavailable(format!("mempool state: {e}")))?;
        let outcome = run_tx(&mut state, &bytes, &ExecMode::Simulate).await;
        if !outcome.is_ok() {
            return Err(Status::invalid_argument(outcome.log));
        }
        let msg_responses = TxMsgData::decode(outcome.data.as_slice())
            .map(|d| d.msg_responses)
            .unwrap_or_default();
        Ok(Response::new(pb::SimulateResponse {
            gas_info: Some(GasInfo {
                gas_wanted: outcome.gas_wanted,
                gas_used: outcome.gas_used,
            }),
            result: Some(AbciResult {
                data: outcome.data,
                log: outcome.log,
                events: proto_events(outcome.events),
                msg_responses,
            }),
        }))
    }

    async fn get_tx(
        &self,
        request: Request<pb::GetTxRequest>,
    ) -> Result<Response<pb::GetTxResponse>, Status> {
        let hash = parse_tx_hash(&request.get_ref().hash)?;
        let client = self.comet.client()?;
        let found = client.tx(hash, false).await.map_err(|e| {
            Status::not_found(format!(
                "tx not found: {}",
                crate::client::rpc_error_text(&e)
            ))
        })?;
        let block = client
            .block(found.height)
            .await
            .map_err(|e| self.comet.unavailable(e))?;
        let tx = to_tx(decoded(&found.tx)?);
        let result = found.tx_result;
        let response = TxResponse {
            height: found.height.value() as i64,
            txhash: found.hash.to_string(),
            codespace: result.codespace,
            code: result.code.value(),
            data: hex::encode_upper(&result.data),
            raw_log: result.log,
            logs: vec![],
            info: result.info,
            gas_wanted: result.gas_wanted,
            gas_used: result.gas_used,
            tx: Some(cosmos_sdk_proto::Any {
                type_url: "/cosmos.tx.v1beta1.Tx".into(),
                value: tx.encode_to_vec(),
            }),
            timestamp: block.block.header.time.to_rfc3339(),
            events: proto_events(result.events),
        };
        Ok(Response::new(pb::GetTxResponse {
            tx: Some(tx),
            tx_response: Some(response),
        }))
    }

    async fn broadcast_tx(
        &self,
        request: Request<pb::BroadcastTxRequest>,
    ) -> Result<Response<pb::BroadcastTxResponse>, Status> {
        let bytes = request.into_inner().tx_bytes;
        let result = self
            .comet
            .client()?
            .broadcast_tx_sync(bytes)
            .await
            .map_err(|e| self.comet.unavailable(e))?;
        Ok(Response::new(pb::BroadcastTxResponse {
            tx_response: Some(TxResponse {
                txhash: result.hash.to_string(),
                codespace: result.codespace,
                code: result.code.value(),
                raw_log: result.log,
                ..Default::default()
            }),
        }))
    }

    async fn get_txs_event(
        &self,
        _request: Request<pb::GetTxsEventRequest>,
    ) -> Result<Response<pb::GetTxsEventResponse>, Status> {
        Err(Status::unimplemented(
            "search txs with the CometBFT RPC (/tx_search)",
        ))
    }

    async fn get_block_with_txs(
        &self,
        _request: Request<pb::GetBlockWithTxsRequest>,
    ) -> Result<Response<pb::GetBlockWithTxsResponse>, Status> {
        Err(Status::unimplemented(
            "read blocks from the CometBFT RPC (/block)",
        ))
    }

    async fn tx_decode(
        &self,
        request: Request<pb::TxDecodeRequest>,
    ) -> Result<Response<pb::TxDecodeResponse>, Status> {
        let tx = to_tx(decoded(&request.get_ref().tx_bytes)?);
        Ok(Response::new(pb::TxDecodeResponse { tx: Some(tx) }))
    }

    async fn tx_encode(
        &self,
        request: Request<pb::TxEncodeRequest>,
    ) -> Result<Response<pb::TxEncodeResponse>, Status> {
        let tx = request
            .into_inner()
            .tx
            .ok_or_else(|| Status::invalid_argument("missing tx"))?;
        Ok(Response::new(pb::TxEncodeResponse {
            tx_bytes: to_raw(tx).encode_to_vec(),
        }))
    }

    async fn tx_encode_amino(
        &self,
        _request: Request<pb::TxEncodeAminoRequest>,
    ) -> Result<Response<pb::TxEncodeAminoResponse>, Status> {
        Err(Status::unimplemented(
            "rmesh accepts SIGN_MODE_DIRECT txs only; amino JSON is not supported",
        ))
    }

    async fn tx_decode_amino(
        &self,
        _request: Request<pb::TxDecodeAminoRequest>,
    ) -> Result<Response<pb::TxDecodeAminoResponse>, Status> {
        Err(Status::unimplemented(
            "rmesh accepts SIGN_MODE_DIRECT txs only; amino JSON is not supported",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tx_hashes_are_64_hex_digits_and_a_bad_one_is_refused_without_internals() {
        let hash = "AB".repeat(32);
        assert_eq!(
            parse_tx_hash(&hash).unwrap(),
            tendermint::Hash::Sha256([0xab; 32])
        );
        assert_eq!(
            parse_tx_hash(&hash.to_lowercase()).unwrap(),
            parse_tx_hash(&hash).unwrap()
        );
        for bad in ["zz", "", "AB", &"A".repeat(63), &"AB".repeat(33)] {
            let refusal = parse_tx_hash(bad).unwrap_err();
            assert_eq!(refusal.code(), tonic::Code::InvalidArgument);
            assert!(
                refusal.message().contains("expected 64 hex digits"),
                "{refusal:?}"
            );
            assert!(!refusal.message().contains(".rs"), "{refusal:?}");
        }
    }
}
