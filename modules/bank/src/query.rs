//! `cosmos.bank.v1beta1.Query`, read from committed snapshots.

use cnidarium::Snapshot;
use cosmos_sdk_proto::cosmos::bank::v1beta1::{self as pb, query_server::Query, DenomOwner};
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use rmesh_auth::AccountRead;
use rmesh_core::query::{page, snapshot_for, status, Committed};
use rmesh_core::{Address, Coin, Coins, StoreRead};
use tonic::{Request, Response, Status};

use crate::state_key;
use crate::view::BankRead;

pub struct BankQuery {
    storage: Committed,
}

impl BankQuery {
    pub fn new(storage: Committed) -> Self {
        BankQuery { storage }
    }
}

fn proto_coin(coin: Coin) -> ProtoCoin {
    ProtoCoin {
        denom: coin.denom,
        amount: coin.amount.to_string(),
    }
}

fn proto_coins(coins: &Coins) -> Vec<ProtoCoin> {
    coins.iter().map(proto_coin).collect()
}

async fn address(snapshot: &Snapshot, text: &str) -> Result<Address, Status> {
    snapshot.parse_address(text).await.map_err(status)
}

async fn balance_of(snapshot: &Snapshot, text: &str, denom: &str) -> Result<ProtoCoin, Status> {
    rmesh_core::coin::validate_denom(denom).map_err(status)?;
    let address = address(snapshot, text).await?;
    let amount = snapshot.balance(&address, denom).await.map_err(status)?;
    Ok(proto_coin(Coin::new(amount, denom)))
}

async fn all_balances_of(snapshot: &Snapshot, text: &str) -> Result<Vec<ProtoCoin>, Status> {
    let address = address(snapshot, text).await?;
    Ok(proto_coins(
        &snapshot.all_balances(&address).await.map_err(status)?,
    ))
}

/// Every holder of `denom`: a scan over all balances, as in the SDK's non-indexed path.
async fn owners_of(snapshot: &Snapshot, denom: &str) -> Result<Vec<DenomOwner>, Status> {
    let prefix = snapshot.bech32_prefix().await.map_err(status)?;
    let suffix = format!("/{denom}");
    let mut owners = Vec::new();
    for (key, value) in snapshot
        .prefix_entries(state_key::BALANCES_PREFIX)
        .await
        .map_err(status)?
    {
        let Some(hex) = key
            .strip_prefix(state_key::BALANCES_PREFIX)
            .and_then(|k| k.strip_suffix(&suffix))
        else {
            continue;
        };
        let Some(address) = Address::from_hex(hex) else {
            continue;
        };
        let amount = u128::from_be_bytes(value.as_slice().try_into().unwrap_or([0; 16]));
        owners.push(DenomOwner {
            address: address.to_bech32(&prefix),
            balance: Some(proto_coin(Coin::new(amount, denom))),
        });
    }
    Ok(owners)
}

async fn metadata_of(snapshot: &Snapshot, denom: &str) -> Result<pb::Metadata, Status> {
    snapshot
        .denom_metadata(denom)
        .await
        .map_err(status)?
        .ok_or_else(|| Status::not_found(format!("client metadata for denom {denom}")))
}

/// Sending is enabled for every denom; the SDK's deprecated per-denom list stays empty.
#[allow(deprecated)]
fn send_enabled_params() -> pb::Params {
    pb::Params {
        send_enabled: vec![],
        default_send_enabled: true,
    }
}

#[tonic::async_trait]
impl Query for BankQuery {
    async fn balance(
        &self,
        request: Request<pb::QueryBalanceRequest>,
    ) -> Result<Response<pb::QueryBalanceResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let req = request.get_ref();
        let balance = balance_of(&snapshot, &req.address, &req.denom).await?;
        Ok(Response::new(pb::QueryBalanceResponse {
            balance: Some(balance),
        }))
    }

    async fn all_balances(
        &self,
        request: Request<pb::QueryAllBalancesRequest>,
    ) -> Result<Response<pb::QueryAllBalancesResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let balances = all_balances_of(&snapshot, &request.get_ref().address).await?;
        let (balances, pagination) = page(balances, request.get_ref().pagination.as_ref())?;
        Ok(Response::new(pb::QueryAllBalancesResponse {
            pagination,
            balances,
        }))
    }

    async fn spendable_balances(
        &self,
        request: Request<pb::QuerySpendableBalancesRequest>,
    ) -> Result<Response<pb::QuerySpendableBalancesResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let balances = all_balances_of(&snapshot, &request.get_ref().address).await?;
        let (balances, pagination) = page(balances, request.get_ref().pagination.as_ref())?;
        Ok(Response::new(pb::QuerySpendableBalancesResponse {
            pagination,
            balances,
        }))
    }

    async fn spendable_balance_by_denom(
        &self,
        request: Request<pb::QuerySpendableBalanceByDenomRequest>,
    ) -> Result<Response<pb::QuerySpendableBalanceByDenomResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let req = request.get_ref();
        let balance = balance_of(&snapshot, &req.address, &req.denom).await?;
        Ok(Response::new(pb::QuerySpendableBalanceByDenomResponse {
            balance: Some(balance),
        }))
    }

    async fn total_supply(
        &self,
        request: Request<pb::QueryTotalSupplyRequest>,
    ) -> Result<Response<pb::QueryTotalSupplyResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let supply = proto_coins(&snapshot.total_supply().await.map_err(status)?);
        let (supply, pagination) = page(supply, request.get_ref().pagination.as_ref())?;
        Ok(Response::new(pb::QueryTotalSupplyResponse {
            pagination,
            supply,
        }))
    }

    async fn supply_of(
        &self,
        request: Request<pb::QuerySupplyOfRequest>,
    ) -> Result<Response<pb::QuerySupplyOfResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let denom = &request.get_ref().denom;
        let amount = snapshot
            .get_amount(&state_key::supply(denom))
            .await
            .map_err(status)?;
        Ok(Response::new(pb::QuerySupplyOfResponse {
            amount: Some(proto_coin(Coin::new(amount, denom))),
        }))
    }

    async fn params(
        &self,
        _request: Request<pb::QueryParamsRequest>,
    ) -> Result<Response<pb::QueryParamsResponse>, Status> {
        Ok(Response::new(pb::QueryParamsResponse {
            params: Some(send_enabled_params()),
        }))
    }

    async fn denom_metadata(
        &self,
        request: Request<pb::QueryDenomMetadataRequest>,
    ) -> Result<Response<pb::QueryDenomMetadataResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let metadata = metadata_of(&snapshot, &request.get_ref().denom).await?;
        Ok(Response::new(pb::QueryDenomMetadataResponse {
            metadata: Some(metadata),
        }))
    }

    async fn denom_metadata_by_query_string(
        &self,
        request: Request<pb::QueryDenomMetadataByQueryStringRequest>,
    ) -> Result<Response<pb::QueryDenomMetadataByQueryStringResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let metadata = metadata_of(&snapshot, &request.get_ref().denom).await?;
        Ok(Response::new(pb::QueryDenomMetadataByQueryStringResponse {
            metadata: Some(metadata),
        }))
    }

    async fn denoms_metadata(
        &self,
        request: Request<pb::QueryDenomsMetadataRequest>,
    ) -> Result<Response<pb::QueryDenomsMetadataResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let metadatas = snapshot.all_denom_metadata().await.map_err(status)?;
        let (metadatas, pagination) = page(metadatas, request.get_ref().pagination.as_ref())?;
        Ok(Response::new(pb::QueryDenomsMetadataResponse {
            pagination,
            metadatas,
        }))
    }

    async fn denom_owners(
        &self,
        request: Request<pb::QueryDenomOwnersRequest>,
    ) -> Result<Response<pb::QueryDenomOwnersResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let denom_owners = owners_of(&snapshot, &request.get_ref().denom).await?;
        let (denom_owners, pagination) = page(denom_owners, request.get_ref().pagination.as_ref())?;
        Ok(Response::new(pb::QueryDenomOwnersResponse {
            pagination,
            denom_owners,
        }))
    }

    async fn denom_owners_by_query(
        &self,
        request: Request<pb::QueryDenomOwnersByQueryRequest>,
    ) -> Result<Response<pb::QueryDenomOwnersByQueryResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let denom_owners = owners_of(&snapshot, &request.get_ref().denom).await?;
        let (denom_owners, pagination) = page(denom_owners, request.get_ref().pagination.as_ref())?;
        Ok(Response::new(pb::QueryDenomOwnersByQueryResponse {
            pagination,
            denom_owners,
        }))
    }

    async fn send_enabled(
        &self,
        request: Request<pb::QuerySendEnabledRequest>,
    ) -> Result<Response<pb::QuerySendEnabledResponse>, Status> {
        let send_enabled: Vec<pb::SendEnabled> = request
            .get_ref()
            .denoms
            .iter()
            .map(|denom| pb::SendEnabled {
                denom: denom.clone(),
                enabled: true,
            })
            .collect();
        let (send_enabled, pagination) = page(send_enabled, request.get_ref().pagination.as_ref())?;
        Ok(Response::new(pb::QuerySendEnabledResponse {
            pagination,
            send_enabled,
        }))
    }
}
