//! `cosmos.tx.v1beta1.Service`: simulation runs here against the mempool's state (the committed
//! state plus the txs waiting for a block); committed txs and broadcasting go through CometBFT.

use cosmos_sdk_proto::cosmos::base::abci::v1beta1::{
    GasInfo, Result as AbciResult, TxMsgData, TxResponse,
};
use cosmos_sdk_proto::cosmos::tx::v1beta1::{self as pb, service_server::Service, Tx};
use prost::Message;
use tendermint_rpc::Client;
use tonic::{Request, Response, Status};

use cnidarium::Storage;
use cosmos_sdk_proto::cosmos::base::query::v1beta1::PageResponse;

use super::blocks::{requested_block_height, to_tx, BlockReader, Page, DEFAULT_LIMIT};
use super::comet::Comet;
use crate::node::mempool::Mempool;
use crate::tx::{decode_tx, run_tx, DecodedTx, ExecMode};

pub struct TxService {
    mempool: Mempool,
    comet: Comet,
    storage: Storage,
}

impl TxService {
    pub fn new(mempool: Mempool, comet: Comet, storage: Storage) -> Self {
        TxService {
            mempool,
            comet,
            storage,
        }
    }

    async fn blocks(&self) -> Result<BlockReader, Status> {
        BlockReader::new(&self.comet, &self.storage).await
    }
}

/// A `GetTxsEvent` request as CometBFT's `tx_search` takes it.
struct TxSearch {
    query: tendermint_rpc::query::Query,
    page: u32,
    per_page: u8,
    order: tendermint_rpc::Order,
}

impl TxSearch {
    #[allow(deprecated)]
    fn of(request: &pb::GetTxsEventRequest) -> Result<TxSearch, Status> {
        let text = if !request.query.trim().is_empty() {
            request.query.clone()
        } else if !request.events.is_empty() {
            request
                .events
                .iter()
                .map(|event| event_condition(event))
                .collect::<Result<Vec<_>, _>>()?
                .join(" AND ")
        } else {
            return Err(Status::invalid_argument("query cannot be empty"));
        };
        let query = text
            .parse()
            .map_err(|e| Status::invalid_argument(format!("invalid tx query {text:?}: {e}")))?;
        // The older clients page with `pagination` (offset/limit); newer ones with page/limit.
        let legacy = request.pagination.as_ref();
        let limit = match (request.limit, legacy.map(|p| p.limit)) {
            (0, Some(limit)) if limit > 0 => limit,
            (0, _) => DEFAULT_LIMIT,
            (limit, _) => limit,
        };
        let page = match (request.page, legacy.map(|p| p.offset)) {
            (0, Some(offset)) => offset / limit + 1,
            (0, None) => 1,
            (page, _) => page,
        };
        let order = match pb::OrderBy::try_from(request.order_by) {
            Ok(pb::OrderBy::Desc) => tendermint_rpc::Order::Descending,
            Ok(_) => tendermint_rpc::Order::Ascending,
            Err(_) => {
                return Err(Status::invalid_argument(format!(
                    "unknown order_by {}",
                    request.order_by
                )))
            }
        };
        Ok(TxSearch {
            query,
            page: u32::try_from(page)
                .map_err(|_| Status::invalid_argument(format!("page {page} is too large")))?,
            // CometBFT returns at most 100 per page.
            per_page: u8::try_from(limit.min(100)).unwrap_or(100),
            order,
        })
    }
}

/// One `type.attribute=value` event of the older `events` list as a CometBFT condition: values
/// quoted (they are strings), except the numeric `tx.height`.
fn event_condition(event: &str) -> Result<String, Status> {
    let invalid = || {
        Status::invalid_argument(format!(
            "invalid event {event:?}: expected type.attribute=value"
        ))
    };
    let (key, value) = event.split_once('=').ok_or_else(invalid)?;
    let (key, value) = (key.trim(), value.trim());
    let well_formed = key.contains('.')
        && !value.is_empty()
        && !key.chars().any(char::is_whitespace)
        && !key.contains('\'');
    if !well_formed {
        return Err(invalid());
    }
    if key == "tx.height" || (value.starts_with('\'') && value.ends_with('\'') && value.len() > 1) {
        Ok(format!("{key}={value}"))
    } else if value.contains('\'') {
        Err(invalid())
    } else {
        Ok(format!("{key}='{value}'"))
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
        let mut blocks = self.blocks().await?;
        let found = blocks.client().tx(hash, false).await.map_err(|e| {
            Status::not_found(format!(
                "tx not found: {}",
                crate::client::rpc_error_text(&e)
            ))
        })?;
        let (tx, response) = blocks
            .tx_response(found.hash, found.height.value(), &found.tx, found.tx_result)
            .await?;
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

    /// CometBFT's tx search: the SDK 0.50 `query` string, or the older `events` list joined
    /// with AND; pages counted from 1.
    async fn get_txs_event(
        &self,
        request: Request<pb::GetTxsEventRequest>,
    ) -> Result<Response<pb::GetTxsEventResponse>, Status> {
        let request = request.into_inner();
        let search = TxSearch::of(&request)?;
        let mut blocks = self.blocks().await?;
        let found = blocks
            .client()
            .tx_search(
                search.query,
                false,
                search.page,
                search.per_page,
                search.order,
            )
            .await
            .map_err(|e| {
                Status::invalid_argument(format!(
                    "tx search failed: {}",
                    crate::client::rpc_error_text(&e)
                ))
            })?;
        let mut txs = Vec::with_capacity(found.txs.len());
        let mut tx_responses = Vec::with_capacity(found.txs.len());
        for item in found.txs {
            let (tx, response) = blocks
                .tx_response(item.hash, item.height.value(), &item.tx, item.tx_result)
                .await?;
            txs.push(tx);
            tx_responses.push(response);
        }
        let total = u64::from(found.total_count);
        #[allow(deprecated)]
        Ok(Response::new(pb::GetTxsEventResponse {
            txs,
            tx_responses,
            pagination: Some(PageResponse {
                next_key: vec![],
                total,
            }),
            total,
        }))
    }

    async fn get_block_with_txs(
        &self,
        request: Request<pb::GetBlockWithTxsRequest>,
    ) -> Result<Response<pb::GetBlockWithTxsResponse>, Status> {
        let request = request.into_inner();
        let page = Page::of(request.pagination.as_ref())?;
        let blocks = self.blocks().await?;
        let height = requested_block_height(request.height, blocks.latest_height().await?)?;
        let block = blocks.block(height).await?;
        let count = block.txs.len() as u64;
        if page.offset >= count && count != 0 {
            return Err(Status::invalid_argument(format!(
                "out of range: cannot paginate {count} txs with offset {} and limit {}",
                page.offset, page.limit
            )));
        }
        let mut order: Vec<&Vec<u8>> = block.txs.iter().collect();
        if page.reverse {
            order.reverse();
        }
        let txs = order
            .into_iter()
            .skip(usize::try_from(page.offset).unwrap_or(usize::MAX))
            .take(usize::try_from(page.limit).unwrap_or(usize::MAX))
            .map(|bytes| decoded(bytes).map(to_tx))
            .collect::<Result<_, _>>()?;
        Ok(Response::new(pb::GetBlockWithTxsResponse {
            txs,
            block_id: Some(block.block_id),
            block: Some(block.block),
            pagination: Some(PageResponse {
                next_key: vec![],
                total: count,
            }),
        }))
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
            "rmesh does not implement the legacy binary amino codec (amino JSON signing needs none)",
        ))
    }

    async fn tx_decode_amino(
        &self,
        _request: Request<pb::TxDecodeAminoRequest>,
    ) -> Result<Response<pb::TxDecodeAminoResponse>, Status> {
        Err(Status::unimplemented(
            "rmesh does not implement the legacy binary amino codec (amino JSON signing needs none)",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_older_events_list_becomes_a_quoted_condition_per_event_joined_with_and() {
        assert_eq!(
            event_condition("message.sender=rmesh1abc").unwrap(),
            "message.sender='rmesh1abc'"
        );
        assert_eq!(event_condition("tx.height=5").unwrap(), "tx.height=5");
        assert_eq!(
            event_condition("message.action='/cosmos.bank.v1beta1.MsgSend'").unwrap(),
            "message.action='/cosmos.bank.v1beta1.MsgSend'"
        );
        for bad in [
            "noequals",
            "nodot=1",
            "message.sender=",
            "a b.c=1",
            "m.s=x'y",
        ] {
            let refusal = event_condition(bad).unwrap_err();
            assert_eq!(refusal.code(), tonic::Code::InvalidArgument, "{bad}");
        }
        #[allow(deprecated)]
        let request = pb::GetTxsEventRequest {
            events: vec!["message.sender=rmesh1abc".into(), "tx.height=5".into()],
            ..Default::default()
        };
        let search = TxSearch::of(&request).unwrap();
        assert_eq!(
            search.query.to_string(),
            "message.sender = 'rmesh1abc' AND tx.height = 5"
        );
    }

    #[test]
    fn a_tx_search_pages_from_one_by_page_and_limit_or_the_older_offset_and_limit() {
        let plain = TxSearch::of(&pb::GetTxsEventRequest {
            query: "tx.height>1".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!((plain.page, plain.per_page), (1, 100));
        assert_eq!(plain.order, tendermint_rpc::Order::Ascending);
        let paged = TxSearch::of(&pb::GetTxsEventRequest {
            query: "tx.height>1".into(),
            page: 3,
            limit: 7,
            order_by: pb::OrderBy::Desc as i32,
            ..Default::default()
        })
        .unwrap();
        assert_eq!((paged.page, paged.per_page), (3, 7));
        assert_eq!(paged.order, tendermint_rpc::Order::Descending);
        #[allow(deprecated)]
        let legacy = TxSearch::of(&pb::GetTxsEventRequest {
            query: "tx.height>1".into(),
            pagination: Some(
                cosmos_sdk_proto::cosmos::base::query::v1beta1::PageRequest {
                    offset: 20,
                    limit: 10,
                    ..Default::default()
                },
            ),
            ..Default::default()
        })
        .unwrap();
        assert_eq!((legacy.page, legacy.per_page), (3, 10));
        let refusal = TxSearch::of(&pb::GetTxsEventRequest::default())
            .err()
            .unwrap();
        assert_eq!(refusal.message(), "query cannot be empty");
        let refusal = TxSearch::of(&pb::GetTxsEventRequest {
            query: "tx.height >>> 1".into(),
            ..Default::default()
        })
        .err()
        .unwrap();
        assert_eq!(refusal.code(), tonic::Code::InvalidArgument);
    }

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
