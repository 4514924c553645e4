//! `cosmos.auth.v1beta1.Query`, read from committed snapshots.

use cosmos_sdk_proto::cosmos::auth::v1beta1::{self as pb, query_server::Query, BaseAccount};
use prost::Message;
use rmesh_core::query::{page, snapshot_for, status, Committed};
use rmesh_core::{Address, ModuleAccount};
use tonic::{Request, Response, Status};

use crate::genesis::BASE_ACCOUNT_TYPE;
use crate::view::AccountRead;

pub struct AuthQuery {
    storage: Committed,
    /// The app's module accounts, which answer as `ModuleAccount`s, as in the SDK.
    module_accounts: Vec<ModuleAccount>,
}

const MODULE_ACCOUNT_TYPE: &str = "/cosmos.auth.v1beta1.ModuleAccount";

impl AuthQuery {
    pub fn new(storage: Committed, module_accounts: Vec<ModuleAccount>) -> Self {
        AuthQuery {
            storage,
            module_accounts,
        }
    }

    /// An account as the SDK packs it: a module account with its name and permissions, any
    /// other as a `BaseAccount`.
    fn pack(&self, account: &BaseAccount, prefix: &str) -> cosmos_sdk_proto::Any {
        let module = self
            .module_accounts
            .iter()
            .find(|module| Address::module(module.name).to_bech32(prefix) == account.address);
        match module {
            Some(module) => module_account_any(module, account.clone()),
            None => cosmos_sdk_proto::Any {
                type_url: BASE_ACCOUNT_TYPE.to_string(),
                value: account.encode_to_vec(),
            },
        }
    }

    /// A module account with its number and sequence when it has been used (the SDK creates
    /// them at genesis; here an unused one has no account yet and shows number 0).
    async fn module_account<S: AccountRead>(
        &self,
        state: &S,
        module: &ModuleAccount,
    ) -> Result<cosmos_sdk_proto::Any, Status> {
        let address = Address::module(module.name);
        let account = match state.account(&address).await.map_err(status)? {
            Some(account) => account,
            None => BaseAccount {
                address: state.format_address(&address).await.map_err(status)?,
                ..BaseAccount::default()
            },
        };
        Ok(module_account_any(module, account))
    }
}

fn module_account_any(module: &ModuleAccount, base: BaseAccount) -> cosmos_sdk_proto::Any {
    cosmos_sdk_proto::Any {
        type_url: MODULE_ACCOUNT_TYPE.to_string(),
        value: pb::ModuleAccount {
            base_account: Some(base),
            name: module.name.to_string(),
            permissions: module.permissions.iter().map(|p| p.to_string()).collect(),
        }
        .encode_to_vec(),
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
        let prefix = snapshot.bech32_prefix().await.map_err(status)?;
        let (accounts, pagination) = page(accounts, request.get_ref().pagination.as_ref())?;
        Ok(Response::new(pb::QueryAccountsResponse {
            pagination,
            accounts: accounts
                .iter()
                .map(|account| self.pack(account, &prefix))
                .collect(),
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
        let prefix = snapshot.bech32_prefix().await.map_err(status)?;
        Ok(Response::new(pb::QueryAccountResponse {
            account: Some(self.pack(&account, &prefix)),
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
        request: Request<pb::QueryModuleAccountsRequest>,
    ) -> Result<Response<pb::QueryModuleAccountsResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let mut accounts = Vec::with_capacity(self.module_accounts.len());
        for module in &self.module_accounts {
            accounts.push(self.module_account(&snapshot, module).await?);
        }
        Ok(Response::new(pb::QueryModuleAccountsResponse { accounts }))
    }

    async fn module_account_by_name(
        &self,
        request: Request<pb::QueryModuleAccountByNameRequest>,
    ) -> Result<Response<pb::QueryModuleAccountByNameResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let name = &request.get_ref().name;
        if name.is_empty() {
            return Err(Status::invalid_argument("module name is empty"));
        }
        let module = self
            .module_accounts
            .iter()
            .find(|module| module.name == name)
            .ok_or_else(|| Status::not_found(format!("account {name} not found")))?;
        Ok(Response::new(pb::QueryModuleAccountByNameResponse {
            account: Some(self.module_account(&snapshot, module).await?),
        }))
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
