//! `cosmos.auth.v1beta1.Query`, read from committed snapshots.

use cosmos_sdk_proto::cosmos::auth::v1beta1::{self as pb, query_server::Query, BaseAccount};
use cosmos_sdk_proto::cosmos::base::query::v1beta1::PageResponse;
use prost::Message;
use rmesh_core::query::{snapshot_for, status, Committed};
use rmesh_core::Address;
use tonic::{Request, Response, Status};

use crate::genesis::BASE_ACCOUNT_TYPE;
use crate::view::AccountRead;

pub struct AuthQuery {
    storage: Committed,
}

impl AuthQuery {
    pub fn new(storage: Committed) -> Self {
        AuthQuery { storage }
    }
}

fn pack(account: &BaseAccount) -> cosmos_sdk_proto::Any {
    cosmos_sdk_proto::Any {
        type_url: BASE_ACCOUNT_TYPE.to_string(),
        value: account.encode_to_vec(),
    }
}

#[tonic::async_trait]
impl Query for AuthQuery {
    async fn accounts(
        &self,
        request: Request<pb::QueryAccountsRequest>,
    ) -> Result<Response<pb::QueryAccountsResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let accounts = snapshot.all_accounts().await.map_err(status)?;
        Ok(Response::new(pb::QueryAccountsResponse {
            pagination: Some(PageResponse {
                next_key: vec![],
                total: accounts.len() as u64,
            }),
            accounts: accounts.iter().map(pack).collect(),
        }))
    }

    async fn account(
        &self,
        request: Request<pb::QueryAccountRequest>,
    ) -> Result<Response<pb::QueryAccountResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let text = &request.get_ref().address;
        let address = snapshot.parse_address(text).await.map_err(status)?;
        let account = snapshot.account(&address).await.map_err(status)?;
        let account =
            account.ok_or_else(|| Status::not_found(format!("account {text} not found")))?;
        Ok(Response::new(pb::QueryAccountResponse {
            account: Some(pack(&account)),
        }))
    }

    async fn account_address_by_id(
        &self,
        request: Request<pb::QueryAccountAddressByIdRequest>,
    ) -> Result<Response<pb::QueryAccountAddressByIdResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        #[allow(deprecated)]
        if request.get_ref().id != 0 {
            return Err(Status::invalid_argument(
                "requesting with id isn't supported, try to request using account-id",
            ));
        }
        let id = request.get_ref().account_id;
        let accounts = snapshot.all_accounts().await.map_err(status)?;
        let account = accounts
            .into_iter()
            .find(|account| account.account_number == id)
            .ok_or_else(|| Status::not_found(format!("account number {id} not found")))?;
        Ok(Response::new(pb::QueryAccountAddressByIdResponse {
            account_address: account.address,
        }))
    }

    async fn params(
        &self,
        request: Request<pb::QueryParamsRequest>,
    ) -> Result<Response<pb::QueryParamsResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let params = snapshot.auth_params().await.map_err(status)?;
        Ok(Response::new(pb::QueryParamsResponse {
            params: Some(params.to_proto()),
        }))
    }

    async fn module_accounts(
        &self,
        _request: Request<pb::QueryModuleAccountsRequest>,
    ) -> Result<Response<pb::QueryModuleAccountsResponse>, Status> {
        Err(Status::unimplemented(
            "rmesh keeps no module account registry",
        ))
    }

    async fn module_account_by_name(
        &self,
        _request: Request<pb::QueryModuleAccountByNameRequest>,
    ) -> Result<Response<pb::QueryModuleAccountByNameResponse>, Status> {
        Err(Status::unimplemented(
            "rmesh keeps no module account registry",
        ))
    }

    async fn bech32_prefix(
        &self,
        request: Request<pb::Bech32PrefixRequest>,
    ) -> Result<Response<pb::Bech32PrefixResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let prefix = snapshot.bech32_prefix().await.map_err(status)?;
        Ok(Response::new(pb::Bech32PrefixResponse {
            bech32_prefix: prefix,
        }))
    }

    async fn address_bytes_to_string(
        &self,
        request: Request<pb::AddressBytesToStringRequest>,
    ) -> Result<Response<pb::AddressBytesToStringResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let address = Address::from_slice(&request.get_ref().address_bytes).map_err(status)?;
        let text = snapshot.format_address(&address).await.map_err(status)?;
        Ok(Response::new(pb::AddressBytesToStringResponse {
            address_string: text,
        }))
    }

    async fn address_string_to_bytes(
        &self,
        request: Request<pb::AddressStringToBytesRequest>,
    ) -> Result<Response<pb::AddressStringToBytesResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let address = snapshot
            .parse_address(&request.get_ref().address_string)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::AddressStringToBytesResponse {
            address_bytes: address.0.to_vec(),
        }))
    }

    async fn account_info(
        &self,
        request: Request<pb::QueryAccountInfoRequest>,
    ) -> Result<Response<pb::QueryAccountInfoResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let text = &request.get_ref().address;
        let address = snapshot.parse_address(text).await.map_err(status)?;
        let info = snapshot.account(&address).await.map_err(status)?;
        let info = info.ok_or_else(|| Status::not_found(format!("account {text} not found")))?;
        Ok(Response::new(pb::QueryAccountInfoResponse {
            info: Some(info),
        }))
    }
}
