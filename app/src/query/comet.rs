//! A client for this node's own CometBFT RPC, used by queries that CometBFT answers (node info,
//! committed txs, broadcasting).

use std::time::Duration;

use tendermint_rpc::client::CompatMode;
use tendermint_rpc::HttpClient;
use tonic::Status;

#[derive(Clone)]
pub struct Comet {
    url: String,
}

impl Comet {
    pub fn new(url: &str) -> Self {
        Comet {
            url: url.to_string(),
        }
    }

    pub fn client(&self) -> Result<HttpClient, Status> {
        let url = self.url.parse().map_err(|e| {
            Status::failed_precondition(format!(
                "bad CometBFT RPC url {}: {}",
                self.url,
                crate::client::rpc_error_text(&e)
            ))
        })?;
        HttpClient::builder(url)
            .compat_mode(CompatMode::V0_38)
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| self.unavailable(e))
    }

    pub fn unavailable(&self, err: tendermint_rpc::Error) -> Status {
        let text = crate::client::rpc_error_text(&err);
        Status::unavailable(format!("CometBFT RPC {}: {text}", self.url))
    }
}
