//! `rmesh.vault.v1.Query`: a user's collateral and liens, and local stake.

use std::collections::BTreeMap;

use cnidarium::StateRead;
use rmesh_auth::AccountRead;
use rmesh_core::query::{snapshot_for, status, Committed};
use rmesh_core::{Address, SdkError};
use rmesh_proto::vault::v1::{self as pb, query_server::Query};
use tonic::{Request, Response, Status};

use crate::liens::Collateral;
use crate::local::LocalRead;
use crate::view::VaultRead;

pub struct VaultQuery {
    storage: Committed,
}

impl VaultQuery {
    pub fn new(storage: Committed) -> Self {
        VaultQuery { storage }
    }
}

/// The proto account. `slashable` is an integer, rounded up: a client never sees less at stake
/// than there is, and `collateral - max(max_lien, slashable)` gives `free` exactly.
pub fn account_proto(owner: String, account: &Collateral) -> pb::Account {
    pb::Account {
        owner,
        collateral: account.collateral.to_string(),
        max_lien: account.max_lien().to_string(),
        slashable: account.slashable().ceil().to_string(),
        free: account.free().to_string(),
        liens: account
            .liens
            .iter()
            .map(|(holder, lien)| pb::Lien {
                holder: holder.clone(),
                amount: lien.amount.to_string(),
                slashable: lien.slashable.to_string(),
            })
            .collect(),
    }
}

/// An owner's local stake per validator (in validator order): the tokens the delegation is
/// worth now and the unbondings still in progress (`completes_at` in unix seconds).
pub async fn local_stakes_proto<S: StateRead + ?Sized>(
    state: &S,
    owner: &Address,
) -> Result<Vec<pb::LocalStake>, SdkError> {
    let mut validators: BTreeMap<Address, Vec<pb::LocalUnbonding>> = BTreeMap::new();
    for (validator, _) in state.local_delegations(owner).await? {
        validators.entry(validator).or_default();
    }
    for unbonding in state.local_unbondings(owner).await? {
        validators
            .entry(unbonding.validator)
            .or_default()
            .push(pb::LocalUnbonding {
                amount: unbonding.amount.to_string(),
                completes_at: unbonding.completes_at_nanos / 1_000_000_000,
            });
    }
    let mut stakes = Vec::new();
    for (validator, unbondings) in validators {
        stakes.push(pb::LocalStake {
            validator: state.format_operator(&validator).await?,
            amount: state.local_worth(owner, &validator).await?.to_string(),
            unbondings,
        });
    }
    Ok(stakes)
}

#[tonic::async_trait]
impl Query for VaultQuery {
    async fn local_stakes(
        &self,
        request: Request<pb::QueryLocalStakesRequest>,
    ) -> Result<Response<pb::QueryLocalStakesResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let owner = &request.get_ref().owner;
        let read = async {
            let user = snapshot.parse_address(owner).await?;
            local_stakes_proto(&snapshot, &user).await
        };
        let stakes = read.await.map_err(status)?;
        Ok(Response::new(pb::QueryLocalStakesResponse { stakes }))
    }

    async fn account(
        &self,
        request: Request<pb::QueryAccountRequest>,
    ) -> Result<Response<pb::QueryAccountResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let owner = &request.get_ref().owner;
        let read = async {
            let user = snapshot.parse_address(owner).await?;
            snapshot.vault_account(&user).await
        };
        let account = read.await.map_err(status)?;
        Ok(Response::new(pb::QueryAccountResponse {
            account: Some(account_proto(owner.clone(), &account)),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::liens::Lien;

    #[test]
    fn an_account_reports_slashable_rounded_up_so_free_adds_up() {
        let half: rmesh_core::Decimal = "0.5".parse().unwrap();
        let lien = Lien {
            amount: 3,
            slashable: half,
        };
        let account = Collateral {
            collateral: 10,
            liens: [("a", lien), ("b", lien), ("c", lien)]
                .into_iter()
                .map(|(holder, lien)| (holder.to_string(), lien))
                .collect(),
        };
        let proto = account_proto("rmesh1owner".into(), &account);
        assert_eq!(
            (
                proto.collateral.as_str(),
                proto.max_lien.as_str(),
                proto.slashable.as_str(),
                proto.free.as_str()
            ),
            ("10", "3", "5", "5")
        );
        assert_eq!(proto.liens.len(), 3);
        assert_eq!(proto.liens[0].holder, "a");
        assert_eq!(proto.liens[0].slashable, "0.500000000000000000");
    }
}
