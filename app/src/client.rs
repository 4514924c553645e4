//! A Rust client for rmesh over CometBFT's RPC, as any Cosmos client talks to it: queries through
//! `abci_query` with gRPC method paths, txs signed SIGN_MODE_DIRECT and broadcast in sync mode.

use std::time::{Duration, Instant};

use cosmos_sdk_proto::cosmos::auth::v1beta1::{
    BaseAccount, Bech32PrefixRequest, Bech32PrefixResponse, QueryAccountRequest,
    QueryAccountResponse,
};
use cosmos_sdk_proto::cosmos::bank::v1beta1::{QueryAllBalancesRequest, QueryAllBalancesResponse};
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmos_sdk_proto::cosmos::tx::signing::v1beta1::SignMode;
use cosmos_sdk_proto::cosmos::tx::v1beta1::{
    mode_info, AuthInfo, Fee, ModeInfo, SignDoc, SignerInfo, TxBody, TxRaw,
};
use cosmos_sdk_proto::Any;
use cosmrs::crypto::secp256k1::SigningKey;
use prost::Message;
use rmesh_core::Coin;
use tendermint_rpc::client::CompatMode;
use tendermint_rpc::{Client, HttpClient};

use crate::error::CliError;

pub struct ChainClient {
    url: String,
    rpc: HttpClient,
}

/// What CheckTx said about a broadcast tx.
#[derive(Debug, Clone)]
pub struct Broadcast {
    pub hash: String,
    pub code: u32,
    pub log: String,
}

/// A tx as committed in a block.
#[derive(Debug, Clone)]
pub struct Committed {
    pub hash: String,
    pub height: u64,
    pub code: u32,
    pub log: String,
    pub gas_wanted: i64,
    pub gas_used: i64,
    pub events: Vec<tendermint::abci::Event>,
}

/// What a signer needs besides its key.
pub struct SignerAccount {
    pub chain_id: String,
    pub account_number: u64,
    pub sequence: u64,
}

pub struct TxFee {
    pub amount: Vec<Coin>,
    pub gas_limit: u64,
}

impl ChainClient {
    pub fn connect(url: &str) -> Result<Self, CliError> {
        let parsed = url.parse().map_err(|e| {
            CliError::Input(format!("invalid node url {url}: {}", rpc_error_text(&e)))
        })?;
        let rpc = HttpClient::builder(parsed)
            .compat_mode(CompatMode::V0_38)
            .timeout(Duration::from_secs(20))
            .build()
            .map_err(|e| {
                CliError::Input(format!("invalid node url {url}: {}", rpc_error_text(&e)))
            })?;
        Ok(ChainClient {
            url: url.to_string(),
            rpc,
        })
    }

    pub fn rpc(&self) -> &HttpClient {
        &self.rpc
    }

    fn node_error(&self, message: impl std::fmt::Display) -> CliError {
        CliError::Node {
            node: self.url.clone(),
            message: message.to_string(),
        }
    }

    /// An RPC failure in one line: the error's own Display carries a backtrace.
    fn rpc_error(&self, err: tendermint_rpc::Error) -> CliError {
        self.node_error(rpc_error_text(&err))
    }

    /// Calls a gRPC query method through `abci_query`; `height` 0 reads the latest state.
    pub async fn query<Req: Message, Resp: Message + Default>(
        &self,
        path: &str,
        request: &Req,
        height: u64,
    ) -> Result<Resp, CliError> {
        let height = if height == 0 {
            None
        } else {
            Some(
                height
                    .try_into()
                    .map_err(|e| CliError::Input(format!("bad height: {e}")))?,
            )
        };
        let answer = self
            .rpc
            .abci_query(
                Some(path.to_string()),
                request.encode_to_vec(),
                height,
                false,
            )
            .await
            .map_err(|e| self.rpc_error(e))?;
        if answer.code.is_err() {
            return Err(self.node_error(answer.log));
        }
        Resp::decode(answer.value.as_slice())
            .map_err(|e| self.node_error(format!("bad {path} response: {e}")))
    }

    pub async fn bech32_prefix(&self) -> Result<String, CliError> {
        let response: Bech32PrefixResponse = self
            .query(
                "/cosmos.auth.v1beta1.Query/Bech32Prefix",
                &Bech32PrefixRequest {},
                0,
            )
            .await?;
        Ok(response.bech32_prefix)
    }

    pub async fn account(&self, address: &str) -> Result<BaseAccount, CliError> {
        let request = QueryAccountRequest {
            address: address.to_string(),
        };
        let response: QueryAccountResponse = self
            .query("/cosmos.auth.v1beta1.Query/Account", &request, 0)
            .await?;
        let any = response
            .account
            .ok_or_else(|| self.node_error("empty account response"))?;
        BaseAccount::decode(any.value.as_slice())
            .map_err(|e| self.node_error(format!("bad account: {e}")))
    }

    pub async fn balances(&self, address: &str, height: u64) -> Result<Vec<ProtoCoin>, CliError> {
        let request = QueryAllBalancesRequest {
            address: address.to_string(),
            pagination: None,
            resolve_denom: false,
        };
        let response: QueryAllBalancesResponse = self
            .query("/cosmos.bank.v1beta1.Query/AllBalances", &request, height)
            .await?;
        Ok(response.balances)
    }

    /// Gas the tx would use now (the node runs it without checking signatures).
    #[allow(deprecated)]
    pub async fn simulate(&self, tx: Vec<u8>) -> Result<u64, CliError> {
        use cosmos_sdk_proto::cosmos::tx::v1beta1::{SimulateRequest, SimulateResponse};
        let request = SimulateRequest {
            tx: None,
            tx_bytes: tx,
        };
        let response: SimulateResponse = self
            .query("/cosmos.tx.v1beta1.Service/Simulate", &request, 0)
            .await?;
        Ok(response.gas_info.map_or(0, |g| g.gas_used))
    }

    pub async fn chain_id(&self) -> Result<String, CliError> {
        let status = self.rpc.status().await.map_err(|e| self.rpc_error(e))?;
        Ok(status.node_info.network.to_string())
    }

    pub async fn broadcast(&self, tx: Vec<u8>) -> Result<Broadcast, CliError> {
        let result = self
            .rpc
            .broadcast_tx_sync(tx)
            .await
            .map_err(|e| self.rpc_error(e))?;
        Ok(Broadcast {
            hash: result.hash.to_string(),
            code: result.code.value(),
            log: result.log,
        })
    }

    pub async fn committed_tx(&self, hash: &str) -> Result<Committed, CliError> {
        let parsed = hash
            .parse()
            .map_err(|e| CliError::Input(format!("invalid tx hash {hash}: {e}")))?;
        let found = self
            .rpc
            .tx(parsed, false)
            .await
            .map_err(|e| self.rpc_error(e))?;
        Ok(Committed {
            hash: found.hash.to_string(),
            height: found.height.value(),
            code: found.tx_result.code.value(),
            log: found.tx_result.log,
            gas_wanted: found.tx_result.gas_wanted,
            gas_used: found.tx_result.gas_used,
            events: found.tx_result.events,
        })
    }

    /// Polls until the tx is in a committed block, at most `timeout`.
    pub async fn wait_for_tx(&self, hash: &str, timeout: Duration) -> Result<Committed, CliError> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.committed_tx(hash).await {
                Ok(committed) => return Ok(committed),
                Err(err) if Instant::now() >= deadline => {
                    return Err(self
                        .node_error(format!("tx {hash} not committed within {timeout:?}: {err}")))
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(250)).await,
            }
        }
    }
}

/// Builds and signs (SIGN_MODE_DIRECT) a single-signer tx; returns the TxRaw bytes.
pub fn sign_tx(
    key: &SigningKey,
    account: &SignerAccount,
    messages: Vec<Any>,
    fee: &TxFee,
    memo: &str,
) -> Result<Vec<u8>, CliError> {
    let body = TxBody {
        messages,
        memo: memo.to_string(),
        ..Default::default()
    };
    let public_key = key
        .public_key()
        .to_any()
        .map_err(|e| CliError::Keyring(format!("cannot encode public key: {e}")))?;
    let auth_info = AuthInfo {
        signer_infos: vec![SignerInfo {
            public_key: Some(Any {
                type_url: public_key.type_url,
                value: public_key.value,
            }),
            mode_info: Some(ModeInfo {
                sum: Some(mode_info::Sum::Single(mode_info::Single {
                    mode: SignMode::Direct as i32,
                })),
            }),
            sequence: account.sequence,
        }],
        fee: Some(Fee {
            amount: fee
                .amount
                .iter()
                .map(|c| ProtoCoin {
                    denom: c.denom.clone(),
                    amount: c.amount.to_string(),
                })
                .collect(),
            gas_limit: fee.gas_limit,
            payer: String::new(),
            granter: String::new(),
        }),
        ..Default::default()
    };
    let (body_bytes, auth_info_bytes) = (body.encode_to_vec(), auth_info.encode_to_vec());
    let sign_doc = SignDoc {
        body_bytes: body_bytes.clone(),
        auth_info_bytes: auth_info_bytes.clone(),
        chain_id: account.chain_id.clone(),
        account_number: account.account_number,
    };
    let signature = key
        .sign(&sign_doc.encode_to_vec())
        .map_err(|e| CliError::Keyring(format!("cannot sign: {e}")))?;
    Ok(TxRaw {
        body_bytes,
        auth_info_bytes,
        signatures: vec![signature.to_bytes().to_vec()],
    }
    .encode_to_vec())
}

/// An RPC error and its causes on one line, without flex-error's location and backtrace.
pub fn rpc_error_text(err: &tendermint_rpc::Error) -> String {
    let text = err.to_string();
    text.lines()
        .map(str::trim)
        .take_while(|line| !line.starts_with("Location:") && !line.starts_with("Stack backtrace:"))
        .filter(|line| !line.is_empty() && *line != "Caused by:")
        .collect::<Vec<_>>()
        .join(": ")
}
