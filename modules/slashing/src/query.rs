//! `cosmos.slashing.v1beta1.Query`: params and signing infos (consensus addresses `<prefix>valcons`).

use cnidarium::Snapshot;
use cosmos_sdk_proto::cosmos::slashing::v1beta1::{self as pb, query_server::Query};
use rmesh_auth::AccountRead;
use rmesh_core::query::{page, snapshot_for, status, Committed};
use rmesh_core::{Address, SdkError};
use tonic::{Request, Response, Status};

use crate::view::{SigningInfo, SlashingRead};

pub struct SlashingQuery {
    storage: Committed,
}

impl SlashingQuery {
    pub fn new(storage: Committed) -> Self {
        SlashingQuery { storage }
    }
}

fn timestamp(nanos: u64) -> tendermint_proto::google::protobuf::Timestamp {
    let nanos = nanos.min(i64::MAX as u64 / 2);
    tendermint_proto::google::protobuf::Timestamp {
        seconds: (nanos / 1_000_000_000) as i64,
        nanos: (nanos % 1_000_000_000) as i32,
    }
}

async fn info_proto(
    snapshot: &Snapshot,
    consensus: &Address,
    info: &SigningInfo,
) -> Result<pb::ValidatorSigningInfo, SdkError> {
    let prefix = format!("{}valcons", snapshot.bech32_prefix().await?);
    Ok(pb::ValidatorSigningInfo {
        address: consensus.to_bech32(&prefix),
        start_height: info.start_height as i64,
        index_offset: info.index_offset as i64,
        jailed_until: Some(timestamp(info.jailed_until_nanos)),
        tombstoned: info.tombstoned,
        missed_blocks_counter: info.missed_blocks_counter as i64,
    })
}

#[tonic::async_trait]
impl Query for SlashingQuery {
    async fn params(
        &self,
        request: Request<pb::QueryParamsRequest>,
    ) -> Result<Response<pb::QueryParamsResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let p = snapshot.slashing_params().await.map_err(status)?;
        let dec = |d: rmesh_core::Decimal| d.atomics().to_string().into_bytes();
        Ok(Response::new(pb::QueryParamsResponse {
            params: Some(pb::Params {
                signed_blocks_window: p.signed_blocks_window as i64,
                min_signed_per_window: dec(p.min_signed_per_window),
                downtime_jail_duration: Some(tendermint_proto::google::protobuf::Duration {
                    seconds: p.downtime_jail_duration_seconds as i64,
                    nanos: 0,
                }),
                slash_fraction_double_sign: dec(p.slash_fraction_double_sign),
                slash_fraction_downtime: dec(p.slash_fraction_downtime),
            }),
        }))
    }

    async fn signing_info(
        &self,
        request: Request<pb::QuerySigningInfoRequest>,
    ) -> Result<Response<pb::QuerySigningInfoResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let (_, consensus) =
            Address::from_bech32_any_prefix(&request.get_ref().cons_address).map_err(status)?;
        let info = snapshot
            .signing_info(&consensus.0)
            .await
            .map_err(status)?
            .ok_or_else(|| Status::not_found("signing info not found"))?;
        let proto = info_proto(&snapshot, &consensus, &info)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::QuerySigningInfoResponse {
            val_signing_info: Some(proto),
        }))
    }

    async fn signing_infos(
        &self,
        request: Request<pb::QuerySigningInfosRequest>,
    ) -> Result<Response<pb::QuerySigningInfosResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let mut infos = Vec::new();
        for (hex, info) in snapshot.all_signing_infos().await.map_err(status)? {
            if let Some(consensus) = Address::from_hex(&hex) {
                infos.push(
                    info_proto(&snapshot, &consensus, &info)
                        .await
                        .map_err(status)?,
                );
            }
        }
        let (infos, pagination) = page(infos, request.get_ref().pagination.as_ref())?;
        Ok(Response::new(pb::QuerySigningInfosResponse {
            pagination,
            info: infos,
        }))
    }
}
