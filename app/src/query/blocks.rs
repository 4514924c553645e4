//! Blocks, validator sets and committed txs as the SDK's services answer them, read from this
//! node's CometBFT: its RPC is the record of blocks, the app keeps none.

use std::collections::BTreeMap;

use cosmos_sdk_proto::cosmos::base::abci::v1beta1::TxResponse;
use cosmos_sdk_proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};
use cosmos_sdk_proto::cosmos::base::tendermint::v1beta1 as tm_pb;
use cosmos_sdk_proto::cosmos::crypto::ed25519::PubKey as Ed25519PubKey;
use cosmos_sdk_proto::cosmos::tx::v1beta1::Tx;
use prost::Message;
use rmesh_core::Address;
use tendermint_proto::types::{Block as RawBlock, BlockId as RawBlockId, Header as RawHeader};
use tendermint_rpc::{Client, HttpClient, Paging};
use tonic::Status;

use super::comet::Comet;
use crate::tx::{decode_tx, DecodedTx};

/// The SDK's page size when a request names none.
pub const DEFAULT_LIMIT: u64 = 100;

/// CometBFT serves at most this many validators or txs per page.
const COMET_MAX_PER_PAGE: u64 = 100;

/// A block as the SDK's services answer it: CometBFT's encoding, and the SDK's own, whose header
/// names the proposer by its bech32 consensus address.
pub struct ServedBlock {
    pub block_id: RawBlockId,
    pub block: RawBlock,
    pub sdk_block: tm_pb::Block,
    pub txs: Vec<Vec<u8>>,
}

impl ServedBlock {
    fn new(response: tendermint_rpc::endpoint::block::Response, valcons_prefix: &str) -> Self {
        let txs = response.block.data.clone();
        let block: RawBlock = response.block.into();
        let header = block
            .header
            .clone()
            .map(|header| sdk_header(header, valcons_prefix));
        ServedBlock {
            block_id: response.block_id.into(),
            sdk_block: tm_pb::Block {
                header,
                data: block.data.clone(),
                evidence: block.evidence.clone(),
                last_commit: block.last_commit.clone(),
            },
            block,
            txs,
        }
    }
}

fn sdk_header(header: RawHeader, valcons_prefix: &str) -> tm_pb::Header {
    tm_pb::Header {
        version: header.version,
        chain_id: header.chain_id,
        height: header.height,
        time: header.time,
        last_block_id: header.last_block_id,
        last_commit_hash: header.last_commit_hash,
        data_hash: header.data_hash,
        validators_hash: header.validators_hash,
        next_validators_hash: header.next_validators_hash,
        consensus_hash: header.consensus_hash,
        app_hash: header.app_hash,
        last_results_hash: header.last_results_hash,
        evidence_hash: header.evidence_hash,
        proposer_address: consensus_address_text(&header.proposer_address, valcons_prefix),
    }
}

/// A consensus address (20 bytes) as `<prefix>valcons1...`; an address of another length is
/// shown in hex rather than dropped.
fn consensus_address_text(bytes: &[u8], valcons_prefix: &str) -> String {
    match Address::from_slice(bytes) {
        Ok(address) => address.to_bech32(valcons_prefix),
        Err(_) => hex::encode_upper(bytes),
    }
}

/// The height a request names, which must be a block CometBFT has: from 1 up to its latest.
pub fn requested_block_height(height: i64, latest: u64) -> Result<u64, Status> {
    match u64::try_from(height) {
        Ok(height) if height >= 1 && height <= latest => Ok(height),
        _ => Err(Status::invalid_argument(format!(
            "requested height {height} but height must not be less than 1 or greater than the \
             current height {latest}"
        ))),
    }
}

/// An offset/limit page of a list: the SDK's `PageRequest` as its CometBFT-backed services read
/// it (no keys; `limit` 0 means the default).
pub struct Page {
    pub offset: u64,
    pub limit: u64,
    pub reverse: bool,
}

impl Page {
    pub fn of(request: Option<&PageRequest>) -> Result<Page, Status> {
        let Some(request) = request else {
            return Ok(Page {
                offset: 0,
                limit: DEFAULT_LIMIT,
                reverse: false,
            });
        };
        if !request.key.is_empty() {
            return Err(Status::invalid_argument(
                "this list is paged by offset and limit, not by key",
            ));
        }
        Ok(Page {
            offset: request.offset,
            limit: if request.limit == 0 {
                DEFAULT_LIMIT
            } else {
                request.limit
            },
            reverse: request.reverse,
        })
    }
}

/// Reads blocks, validator sets and txs from CometBFT for one request.
pub struct BlockReader {
    client: HttpClient,
    comet: Comet,
    valcons_prefix: String,
    /// Block times by height, so a page of txs asks for each block once.
    times: BTreeMap<u64, String>,
}

impl BlockReader {
    /// A reader that names addresses with the chain's prefix, as committed in `storage`.
    pub async fn new(comet: &Comet, storage: &cnidarium::Storage) -> Result<Self, Status> {
        use rmesh_auth::AccountRead;
        let bech32_prefix = storage
            .latest_snapshot()
            .bech32_prefix()
            .await
            .map_err(|e| Status::internal(e.to_string()))?;
        Ok(BlockReader {
            client: comet.client()?,
            comet: comet.clone(),
            valcons_prefix: format!("{bech32_prefix}valcons"),
            times: BTreeMap::new(),
        })
    }

    pub async fn latest_height(&self) -> Result<u64, Status> {
        let status = self
            .client
            .status()
            .await
            .map_err(|e| self.comet.unavailable(e))?;
        Ok(status.sync_info.latest_block_height.value())
    }

    pub async fn latest_block(&self) -> Result<ServedBlock, Status> {
        let response = self
            .client
            .latest_block()
            .await
            .map_err(|e| self.comet.unavailable(e))?;
        Ok(ServedBlock::new(response, &self.valcons_prefix))
    }

    pub async fn block(&self, height: u64) -> Result<ServedBlock, Status> {
        let response = self
            .client
            .block(comet_height(height)?)
            .await
            .map_err(|e| self.comet.unavailable(e))?;
        Ok(ServedBlock::new(response, &self.valcons_prefix))
    }

    /// The validator set CometBFT used at `height`, a page of it, and the set's size.
    pub async fn validator_set(
        &self,
        height: u64,
        page: &Page,
    ) -> Result<(Vec<tm_pb::Validator>, PageResponse), Status> {
        // CometBFT pages by page number; the SDK's offset/limit is read as the page the offset
        // falls in, as the SDK itself does.
        let per_page = page.limit.min(COMET_MAX_PER_PAGE);
        let page_number = page.offset / per_page + 1;
        let response = self
            .client
            .validators(
                comet_height(height)?,
                Paging::Specific {
                    page_number: usize::try_from(page_number)
                        .map_err(|_| Status::invalid_argument("page offset too large"))?
                        .into(),
                    per_page: u8::try_from(per_page)
                        .map_err(|_| Status::invalid_argument("page limit too large"))?
                        .into(),
                },
            )
            .await
            .map_err(|e| self.comet.unavailable(e))?;
        let validators = response
            .validators
            .into_iter()
            .map(|validator| tm_pb::Validator {
                address: consensus_address_text(validator.address.as_bytes(), &self.valcons_prefix),
                pub_key: Some(public_key_any(validator.pub_key)),
                voting_power: i64::try_from(validator.power.value()).unwrap_or(i64::MAX),
                proposer_priority: validator.proposer_priority.value(),
            })
            .collect();
        Ok((
            validators,
            PageResponse {
                next_key: vec![],
                total: u64::try_from(response.total).unwrap_or(0),
            },
        ))
    }

    /// A committed tx with the SDK's response around it (height, hash, result, block time).
    pub async fn tx_response(
        &mut self,
        hash: tendermint::Hash,
        height: u64,
        bytes: &[u8],
        result: tendermint::abci::types::ExecTxResult,
    ) -> Result<(Tx, TxResponse), Status> {
        let tx = to_tx(decode_tx(bytes).map_err(|e| Status::internal(e.to_string()))?);
        let timestamp = self.block_time(height).await?;
        let response = TxResponse {
            height: i64::try_from(height).unwrap_or(i64::MAX),
            txhash: hash.to_string(),
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
            timestamp,
            events: result.events.into_iter().map(Into::into).collect(),
        };
        Ok((tx, response))
    }

    async fn block_time(&mut self, height: u64) -> Result<String, Status> {
        if let Some(time) = self.times.get(&height) {
            return Ok(time.clone());
        }
        let block = self
            .client
            .block(comet_height(height)?)
            .await
            .map_err(|e| self.comet.unavailable(e))?;
        let time = block.block.header.time.to_rfc3339();
        self.times.insert(height, time.clone());
        Ok(time)
    }

    pub fn client(&self) -> &HttpClient {
        &self.client
    }

    pub fn comet(&self) -> &Comet {
        &self.comet
    }
}

fn comet_height(height: u64) -> Result<tendermint::block::Height, Status> {
    tendermint::block::Height::try_from(height)
        .map_err(|_| Status::invalid_argument(format!("height {height} is out of range")))
}

/// A consensus key as the SDK packs it, by its `cosmos.crypto` type (CometBFT's other key type
/// is secp256k1, whose message has the same one bytes field).
fn public_key_any(key: tendermint::PublicKey) -> tendermint_proto::google::protobuf::Any {
    let type_url = if key.ed25519().is_some() {
        "/cosmos.crypto.ed25519.PubKey"
    } else {
        "/cosmos.crypto.secp256k1.PubKey"
    };
    tendermint_proto::google::protobuf::Any {
        type_url: type_url.into(),
        value: Ed25519PubKey {
            key: key.to_bytes(),
        }
        .encode_to_vec(),
    }
}

pub fn to_tx(decoded: DecodedTx) -> Tx {
    Tx {
        body: Some(decoded.body),
        auth_info: Some(decoded.auth_info),
        signatures: decoded.signatures,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_height_must_be_between_one_and_the_latest() {
        assert_eq!(requested_block_height(5, 9).unwrap(), 5);
        assert_eq!(requested_block_height(9, 9).unwrap(), 9);
        for bad in [0, -1, 10] {
            let refusal = requested_block_height(bad, 9).unwrap_err();
            assert_eq!(refusal.code(), tonic::Code::InvalidArgument);
            assert!(
                refusal.message().contains("current height 9"),
                "{refusal:?}"
            );
        }
    }

    #[test]
    fn pages_default_to_the_sdks_limit_and_refuse_keys() {
        let page = Page::of(None).unwrap();
        assert_eq!(
            (page.offset, page.limit, page.reverse),
            (0, DEFAULT_LIMIT, false)
        );
        let page = Page::of(Some(&PageRequest {
            offset: 4,
            limit: 0,
            reverse: true,
            ..Default::default()
        }))
        .unwrap();
        assert_eq!(
            (page.offset, page.limit, page.reverse),
            (4, DEFAULT_LIMIT, true)
        );
        let keyed = Page::of(Some(&PageRequest {
            key: vec![1],
            ..Default::default()
        }));
        assert!(keyed.is_err());
    }

    #[test]
    fn a_proposer_is_named_by_its_bech32_consensus_address() {
        assert_eq!(
            consensus_address_text(&[0; 20], "rmeshvalcons"),
            Address([0; 20]).to_bech32("rmeshvalcons")
        );
        assert_eq!(consensus_address_text(&[0xab; 3], "rmeshvalcons"), "ABABAB");
    }
}
