//! The IBC query services relayers and wallets use (`ibc.core.client|connection|channel.v1`,
//! `ibc.applications.transfer.v1`), answered from a committed snapshot: the latest or the one
//! named by `x-cosmos-block-height`. ibc-rs's query functions are synchronous, so each runs on
//! a blocking thread over that snapshot.

use cnidarium::Snapshot;
use ibc::core::channel::types::channel::IdentifiedChannelEnd;
use ibc::core::channel::types::packet::PacketState;
use ibc::core::client::context::ClientValidationContext;
use ibc::core::client::types::Height;
use ibc::core::connection::types::IdentifiedConnectionEnd;
use ibc::core::host::types::error::HostError;
use ibc::core::host::types::identifiers::{ChannelId, ClientId, ConnectionId, PortId, Sequence};
use ibc::core::host::types::path::{
    ChannelEndPath, ClientConnectionPath, CommitmentPath, Path, ReceiptPath,
};
use ibc::core::host::{ClientStateRef, ConsensusStateRef, ValidationContext};
use ibc_proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};
use ibc_proto::ibc::applications::transfer::v1 as transfer;
use ibc_proto::ibc::core::channel::v1 as channel;
use ibc_proto::ibc::core::client::v1 as client;
use ibc_proto::ibc::core::commitment::v1::MerkleProof;
use ibc_proto::ibc::core::connection::v1 as connection;
use ibc_query::core::context::{ProvableContext, QueryContext};
use ibc_query::utils::{IntoDomain, IntoResponse, TryIntoDomain};
use prost::Message;
use rmesh_core::query::{paginate_up_to, snapshot_for, status, Committed, PageAsk};
use rmesh_core::StoreRead;
use tonic::{Request, Response, Status};

use crate::context::IbcContext;
use crate::host::Host;
use crate::state_key;
use crate::store::{run, IbcStore, SnapshotStore};
use crate::transfer::{escrow_address, voucher_denom};

type SnapshotContext = IbcContext<SnapshotStore>;

fn retrieve(err: rmesh_core::SdkError) -> HostError {
    HostError::failed_to_retrieve(err)
}

impl SnapshotContext {
    /// The (suffix, value) pairs under an IBC path prefix.
    fn entries_under(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>, HostError> {
        let full = state_key::ibc_path(&prefix);
        let entries = self.store.entries_under(&full).map_err(retrieve)?;
        Ok(entries
            .into_iter()
            .map(|(key, value)| (key[full.len()..].to_string(), value))
            .collect())
    }

    /// The key suffixes under an IBC path prefix (values unread).
    fn suffixes_under(&self, prefix: &str) -> Result<Vec<String>, HostError> {
        let full = state_key::ibc_path(&prefix);
        let keys = self.store.keys_under(&full).map_err(retrieve)?;
        Ok(keys
            .into_iter()
            .map(|key| key[full.len()..].to_string())
            .collect())
    }

    fn packet_states(
        &self,
        kind: &str,
        path: &ChannelEndPath,
    ) -> Result<Vec<PacketState>, HostError> {
        let prefix = format!("{kind}/ports/{}/channels/{}/sequences/", path.0, path.1);
        let mut states: Vec<PacketState> = self
            .entries_under(&prefix)?
            .into_iter()
            .filter_map(|(suffix, data)| {
                let seq: u64 = suffix.parse().ok()?;
                Some(PacketState {
                    port_id: path.0.clone(),
                    chan_id: path.1.clone(),
                    seq: Sequence::from(seq),
                    data,
                })
            })
            .collect();
        states.sort_by_key(|s| s.seq);
        Ok(states)
    }
}

impl ProvableContext for SnapshotContext {
    fn get_proof(&self, height: Height, path: &Path) -> Option<Vec<u8>> {
        let snapshot = self.store.at(height.revision_height())?;
        let key = state_key::ibc_path(path).into_bytes();
        let (_, proof) = run(snapshot.get_with_proof(key)).ok()?;
        Some(
            MerkleProof {
                proofs: proof.proofs,
            }
            .encode_to_vec(),
        )
    }
}

impl QueryContext for SnapshotContext {
    fn client_states(&self) -> Result<Vec<(ClientId, ClientStateRef<Self>)>, HostError> {
        let mut states = Vec::new();
        for suffix in self.suffixes_under("clients/")? {
            if let Some(id) = suffix.strip_suffix("/clientState") {
                let id: ClientId = id
                    .parse()
                    .map_err(|e| HostError::invalid_state(format!("client id {id}: {e}")))?;
                states.push((id.clone(), self.client_state(&id)?));
            }
        }
        Ok(states)
    }

    fn consensus_states(
        &self,
        client_id: &ClientId,
    ) -> Result<Vec<(Height, ConsensusStateRef<Self>)>, HostError> {
        self.consensus_heights(client_id)?
            .into_iter()
            .map(|height| {
                let path = ibc::core::host::types::path::ClientConsensusStatePath::new(
                    client_id.clone(),
                    height.revision_number(),
                    height.revision_height(),
                );
                Ok((height, self.consensus_state(&path)?))
            })
            .collect()
    }

    fn consensus_state_heights(&self, client_id: &ClientId) -> Result<Vec<Height>, HostError> {
        self.consensus_heights(client_id)
    }

    fn connection_ends(&self) -> Result<Vec<IdentifiedConnectionEnd>, HostError> {
        let mut ends = Vec::new();
        for suffix in self.suffixes_under("connections/")? {
            let id: ConnectionId = suffix
                .parse()
                .map_err(|e| HostError::invalid_state(format!("connection id {suffix}: {e}")))?;
            ends.push(IdentifiedConnectionEnd::new(
                id.clone(),
                self.connection_end(&id)?,
            ));
        }
        Ok(ends)
    }

    fn client_connection_ends(&self, client_id: &ClientId) -> Result<Vec<ConnectionId>, HostError> {
        let path = ClientConnectionPath::new(client_id.clone());
        let Some(bytes) = self
            .store
            .get(&state_key::ibc_path(&path))
            .map_err(retrieve)?
        else {
            return Ok(vec![]);
        };
        let paths = connection::ClientPaths::decode(bytes.as_slice())
            .map_err(|e| HostError::invalid_state(format!("{path}: {e}")))?;
        paths
            .paths
            .iter()
            .map(|id| {
                id.parse()
                    .map_err(|e| HostError::invalid_state(format!("connection id {id}: {e}")))
            })
            .collect()
    }

    fn channel_ends(&self) -> Result<Vec<IdentifiedChannelEnd>, HostError> {
        let mut ends = Vec::new();
        for suffix in self.suffixes_under("channelEnds/ports/")? {
            let Some((port, channel)) = suffix.split_once("/channels/") else {
                continue;
            };
            let invalid = |e: String| HostError::invalid_state(format!("channel {suffix}: {e}"));
            let port: PortId = port.parse().map_err(|e| invalid(format!("{e}")))?;
            let channel: ChannelId = channel.parse().map_err(|e| invalid(format!("{e}")))?;
            let end = self.channel_end(&ChannelEndPath::new(&port, &channel))?;
            ends.push(IdentifiedChannelEnd::new(port, channel, end));
        }
        Ok(ends)
    }

    fn packet_commitments(&self, path: &ChannelEndPath) -> Result<Vec<PacketState>, HostError> {
        self.packet_states("commitments", path)
    }

    fn packet_acknowledgements(
        &self,
        path: &ChannelEndPath,
        sequences: impl ExactSizeIterator<Item = Sequence>,
    ) -> Result<Vec<PacketState>, HostError> {
        let all = self.packet_states("acks", path)?;
        let wanted: Vec<Sequence> = sequences.collect();
        Ok(all
            .into_iter()
            .filter(|state| wanted.is_empty() || wanted.contains(&state.seq))
            .collect())
    }

    fn unreceived_packets(
        &self,
        path: &ChannelEndPath,
        sequences: impl ExactSizeIterator<Item = Sequence>,
    ) -> Result<Vec<Sequence>, HostError> {
        let mut missing = Vec::new();
        for seq in sequences {
            let receipt = ReceiptPath::new(&path.0, &path.1, seq);
            if self
                .store
                .get(&state_key::ibc_path(&receipt))
                .map_err(retrieve)?
                .is_none()
            {
                missing.push(seq);
            }
        }
        Ok(missing)
    }

    /// Of the given sequences (all if none), those whose commitment still waits for its ack.
    fn unreceived_acks(
        &self,
        path: &ChannelEndPath,
        sequences: impl ExactSizeIterator<Item = Sequence>,
    ) -> Result<Vec<Sequence>, HostError> {
        let wanted: Vec<Sequence> = sequences.collect();
        if wanted.is_empty() {
            return Ok(self
                .packet_commitments(path)?
                .into_iter()
                .map(|state| state.seq)
                .collect());
        }
        let mut pending = Vec::new();
        for seq in wanted {
            let commitment = CommitmentPath::new(&path.0, &path.1, seq);
            if self
                .store
                .get(&state_key::ibc_path(&commitment))
                .map_err(retrieve)?
                .is_some()
            {
                pending.push(seq);
            }
        }
        Ok(pending)
    }
}

/// Serves every IBC query over committed snapshots.
pub struct IbcQuery {
    storage: Committed,
}

impl IbcQuery {
    pub fn new(storage: Committed) -> Self {
        IbcQuery { storage }
    }

    /// Runs `query` on a blocking thread over the snapshot the request names.
    async fn on_snapshot<Raw, T: Send + 'static>(
        &self,
        request: &Request<Raw>,
        query: impl FnOnce(&SnapshotContext) -> Result<T, Status> + Send + 'static,
    ) -> Result<T, Status> {
        let snapshot = snapshot_for(&self.storage, request)?;
        let host = Host::of_snapshot(&snapshot).await.map_err(status)?;
        let store = SnapshotStore::new(snapshot, self.storage.clone());
        tokio::task::spawn_blocking(move || query(&IbcContext::new(store, host)))
            .await
            .map_err(|e| Status::internal(format!("IBC query failed: {e}")))?
    }
}

/// A query service: each listed method converts the raw request to ibc-query's domain request
/// (`try` when that can fail) and answers with the matching ibc-query function; the methods
/// after the list are written out.
/// ibc-query answers lists whole, so a list method names its repeated field (`pages field`)
/// and the answer is cut to the page its request asks for.
macro_rules! query_service {
    ($trait:path { $($method:ident($raw:ty) -> $response:ty = $function:path, $convert:ident $(, pages $field:ident)?;)* } $($extra:tt)*) => {
        #[tonic::async_trait]
        impl $trait for IbcQuery {
            $(
                async fn $method(&self, request: Request<$raw>) -> Result<Response<$response>, Status> {
                    let metadata = Request::from_parts(request.metadata().clone(), Default::default(), ());
                    $( let _ = stringify!($field); let asked = request.get_ref().pagination.clone(); )?
                    let domain = query_service!(@convert request, $convert);
                    let answer = self
                        .on_snapshot(&metadata, move |ctx| $function(ctx, &domain).map_err(Status::from))
                        .await?;
                    #[allow(unused_mut)]
                    let mut response: Response<$response> = answer.into_response()?;
                    $(
                        let listed = std::mem::take(&mut response.get_mut().$field);
                        let (listed, pagination) = page_of(listed, asked.as_ref())?;
                        response.get_mut().$field = listed;
                        response.get_mut().pagination = pagination;
                    )?
                    Ok(response)
                }
            )*
            $($extra)*
        }
    };
    (@convert $request:ident, try) => { $request.try_into_domain()? };
    (@convert $request:ident, plain) => { $request.into_domain() };
}

/// The page of `items` a request asks for, with its `PageResponse`; see [`paginate_up_to`] for
/// why IBC's lists take any limit.
fn page_of<T>(
    items: Vec<T>,
    asked: Option<&PageRequest>,
) -> Result<(Vec<T>, Option<PageResponse>), Status> {
    let ask = asked
        .map(|asked| PageAsk {
            key: asked.key.clone(),
            offset: asked.offset,
            limit: asked.limit,
            count_total: asked.count_total,
            reverse: asked.reverse,
        })
        .unwrap_or_default();
    let page = paginate_up_to(items, &ask, u64::MAX)?;
    Ok((
        page.items,
        Some(PageResponse {
            next_key: page.next_key,
            total: page.total,
        }),
    ))
}

/// ibc-go's answer while nothing of the kind is pending; rmesh schedules no chain or channel
/// upgrades, so none ever is.
fn no_upgrade<T>(what: &str) -> Result<Response<T>, Status> {
    Err(Status::not_found(format!(
        "{what} not found: rmesh schedules no upgrades"
    )))
}

query_service! {
    client::query_server::Query {
        client_state(client::QueryClientStateRequest) -> client::QueryClientStateResponse = ibc_query::core::client::query_client_state, try;
        client_states(client::QueryClientStatesRequest) -> client::QueryClientStatesResponse = ibc_query::core::client::query_client_states, plain, pages client_states;
        consensus_state(client::QueryConsensusStateRequest) -> client::QueryConsensusStateResponse = ibc_query::core::client::query_consensus_state, try;
        consensus_states(client::QueryConsensusStatesRequest) -> client::QueryConsensusStatesResponse = ibc_query::core::client::query_consensus_states, try, pages consensus_states;
        consensus_state_heights(client::QueryConsensusStateHeightsRequest) -> client::QueryConsensusStateHeightsResponse = ibc_query::core::client::query_consensus_state_heights, try, pages consensus_state_heights;
        client_status(client::QueryClientStatusRequest) -> client::QueryClientStatusResponse = ibc_query::core::client::query_client_status, try;
    }

    async fn client_params(
        &self,
        _request: Request<client::QueryClientParamsRequest>,
    ) -> Result<Response<client::QueryClientParamsResponse>, Status> {
        Ok(Response::new(client::QueryClientParamsResponse {
            params: Some(client::Params {
                allowed_clients: vec!["07-tendermint".into()],
            }),
        }))
    }

    async fn upgraded_client_state(
        &self,
        _request: Request<client::QueryUpgradedClientStateRequest>,
    ) -> Result<Response<client::QueryUpgradedClientStateResponse>, Status> {
        no_upgrade("upgraded client state")
    }

    async fn upgraded_consensus_state(
        &self,
        _request: Request<client::QueryUpgradedConsensusStateRequest>,
    ) -> Result<Response<client::QueryUpgradedConsensusStateResponse>, Status> {
        no_upgrade("upgraded consensus state")
    }
}

query_service! {
    connection::query_server::Query {
        connection(connection::QueryConnectionRequest) -> connection::QueryConnectionResponse = ibc_query::core::connection::query_connection, try;
        connections(connection::QueryConnectionsRequest) -> connection::QueryConnectionsResponse = ibc_query::core::connection::query_connections, plain, pages connections;
        client_connections(connection::QueryClientConnectionsRequest) -> connection::QueryClientConnectionsResponse = ibc_query::core::connection::query_client_connections, try;
        connection_client_state(connection::QueryConnectionClientStateRequest) -> connection::QueryConnectionClientStateResponse = ibc_query::core::connection::query_connection_client_state, try;
        connection_consensus_state(connection::QueryConnectionConsensusStateRequest) -> connection::QueryConnectionConsensusStateResponse = ibc_query::core::connection::query_connection_consensus_state, try;
        connection_params(connection::QueryConnectionParamsRequest) -> connection::QueryConnectionParamsResponse = ibc_query::core::connection::query_connection_params, plain;
    }

}

query_service! {
    channel::query_server::Query {
        channel(channel::QueryChannelRequest) -> channel::QueryChannelResponse = ibc_query::core::channel::query_channel, try;
        channels(channel::QueryChannelsRequest) -> channel::QueryChannelsResponse = ibc_query::core::channel::query_channels, plain, pages channels;
        connection_channels(channel::QueryConnectionChannelsRequest) -> channel::QueryConnectionChannelsResponse = ibc_query::core::channel::query_connection_channels, try, pages channels;
        channel_client_state(channel::QueryChannelClientStateRequest) -> channel::QueryChannelClientStateResponse = ibc_query::core::channel::query_channel_client_state, try;
        channel_consensus_state(channel::QueryChannelConsensusStateRequest) -> channel::QueryChannelConsensusStateResponse = ibc_query::core::channel::query_channel_consensus_state, try;
        packet_commitment(channel::QueryPacketCommitmentRequest) -> channel::QueryPacketCommitmentResponse = ibc_query::core::channel::query_packet_commitment, try;
        packet_commitments(channel::QueryPacketCommitmentsRequest) -> channel::QueryPacketCommitmentsResponse = ibc_query::core::channel::query_packet_commitments, try, pages commitments;
        packet_receipt(channel::QueryPacketReceiptRequest) -> channel::QueryPacketReceiptResponse = ibc_query::core::channel::query_packet_receipt, try;
        packet_acknowledgement(channel::QueryPacketAcknowledgementRequest) -> channel::QueryPacketAcknowledgementResponse = ibc_query::core::channel::query_packet_acknowledgement, try;
        packet_acknowledgements(channel::QueryPacketAcknowledgementsRequest) -> channel::QueryPacketAcknowledgementsResponse = ibc_query::core::channel::query_packet_acknowledgements, try, pages acknowledgements;
        unreceived_packets(channel::QueryUnreceivedPacketsRequest) -> channel::QueryUnreceivedPacketsResponse = ibc_query::core::channel::query_unreceived_packets, try;
        unreceived_acks(channel::QueryUnreceivedAcksRequest) -> channel::QueryUnreceivedAcksResponse = ibc_query::core::channel::query_unreceived_acks, try;
        next_sequence_receive(channel::QueryNextSequenceReceiveRequest) -> channel::QueryNextSequenceReceiveResponse = ibc_query::core::channel::query_next_sequence_receive, try;
        next_sequence_send(channel::QueryNextSequenceSendRequest) -> channel::QueryNextSequenceSendResponse = ibc_query::core::channel::query_next_sequence_send, try;
    }

    async fn upgrade_error(
        &self,
        request: Request<channel::QueryUpgradeErrorRequest>,
    ) -> Result<Response<channel::QueryUpgradeErrorResponse>, Status> {
        let r = request.get_ref();
        no_upgrade(&format!("upgrade error receipt for {}/{}", r.port_id, r.channel_id))
    }

    async fn upgrade(
        &self,
        request: Request<channel::QueryUpgradeRequest>,
    ) -> Result<Response<channel::QueryUpgradeResponse>, Status> {
        let r = request.get_ref();
        no_upgrade(&format!("upgrade for {}/{}", r.port_id, r.channel_id))
    }

    /// Not offered by reflection (the node's descriptor set leaves it out): these params only
    /// time channel upgrades.
    async fn channel_params(
        &self,
        _request: Request<channel::QueryChannelParamsRequest>,
    ) -> Result<Response<channel::QueryChannelParamsResponse>, Status> {
        Err(Status::unimplemented(
            "rmesh runs no channel upgrades, so it has no channel upgrade params",
        ))
    }
}

async fn trace_of(snapshot: &Snapshot, hash: &str) -> Result<transfer::DenomTrace, Status> {
    let hash = hash.trim_start_matches("ibc/").to_uppercase();
    let trace = snapshot
        .get_bytes(&state_key::denom_trace(&hash))
        .await
        .map_err(status)?
        .ok_or_else(|| Status::not_found(format!("no denom trace for {hash}")))?;
    Ok(denom_trace(&String::from_utf8_lossy(&trace)))
}

/// `transfer/channel-0/uatom` as (path `transfer/channel-0`, base denom `uatom`).
fn denom_trace(full: &str) -> transfer::DenomTrace {
    let parts: Vec<&str> = full.split('/').collect();
    let hops = parts.len().saturating_sub(1) / 2 * 2;
    transfer::DenomTrace {
        path: parts[..hops].join("/"),
        base_denom: parts[hops..].join("/"),
    }
}

#[tonic::async_trait]
impl transfer::query_server::Query for IbcQuery {
    async fn denom_traces(
        &self,
        request: Request<transfer::QueryDenomTracesRequest>,
    ) -> Result<Response<transfer::QueryDenomTracesResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let entries = snapshot
            .prefix_entries(state_key::DENOM_TRACE_PREFIX)
            .await
            .map_err(status)?;
        let denom_traces = entries
            .iter()
            .map(|(_, trace)| denom_trace(&String::from_utf8_lossy(trace)))
            .collect();
        let (denom_traces, pagination) =
            page_of(denom_traces, request.get_ref().pagination.as_ref())?;
        Ok(Response::new(transfer::QueryDenomTracesResponse {
            denom_traces,
            pagination,
        }))
    }

    async fn denom_trace(
        &self,
        request: Request<transfer::QueryDenomTraceRequest>,
    ) -> Result<Response<transfer::QueryDenomTraceResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        Ok(Response::new(transfer::QueryDenomTraceResponse {
            denom_trace: Some(trace_of(&snapshot, &request.get_ref().hash).await?),
        }))
    }

    async fn params(
        &self,
        _request: Request<transfer::QueryParamsRequest>,
    ) -> Result<Response<transfer::QueryParamsResponse>, Status> {
        Ok(Response::new(transfer::QueryParamsResponse {
            params: Some(transfer::Params {
                send_enabled: true,
                receive_enabled: true,
            }),
        }))
    }

    async fn denom_hash(
        &self,
        request: Request<transfer::QueryDenomHashRequest>,
    ) -> Result<Response<transfer::QueryDenomHashResponse>, Status> {
        let voucher = voucher_denom(&request.get_ref().trace);
        Ok(Response::new(transfer::QueryDenomHashResponse {
            hash: voucher.trim_start_matches("ibc/").to_string(),
        }))
    }

    async fn escrow_address(
        &self,
        request: Request<transfer::QueryEscrowAddressRequest>,
    ) -> Result<Response<transfer::QueryEscrowAddressResponse>, Status> {
        let snapshot = snapshot_for(&self.storage, &request)?;
        let port: PortId = request
            .get_ref()
            .port_id
            .parse()
            .map_err(|e| Status::invalid_argument(format!("port: {e}")))?;
        let channel: ChannelId = request
            .get_ref()
            .channel_id
            .parse()
            .map_err(|e| Status::invalid_argument(format!("channel: {e}")))?;
        let prefix = rmesh_auth::AccountRead::bech32_prefix(&snapshot)
            .await
            .map_err(status)?;
        Ok(Response::new(transfer::QueryEscrowAddressResponse {
            escrow_address: escrow_address(&port, &channel).to_bech32(&prefix),
        }))
    }

    /// What the transfer channels' escrow accounts hold of `denom`, summed.
    async fn total_escrow_for_denom(
        &self,
        request: Request<transfer::QueryTotalEscrowForDenomRequest>,
    ) -> Result<Response<transfer::QueryTotalEscrowForDenomResponse>, Status> {
        use rmesh_bank::BankRead;
        let denom = request.get_ref().denom.clone();
        let ends = self
            .on_snapshot(&request, |ctx| {
                ctx.channel_ends()
                    .map_err(|e| Status::internal(format!("channel ends: {e}")))
            })
            .await?;
        let snapshot = snapshot_for(&self.storage, &request)?;
        let transfer_port = PortId::transfer();
        let mut total: u128 = 0;
        for end in ends.iter().filter(|end| end.port_id == transfer_port) {
            let held = snapshot
                .balance(&escrow_address(&end.port_id, &end.channel_id), &denom)
                .await
                .map_err(status)?;
            total = total
                .checked_add(held)
                .ok_or_else(|| Status::internal("escrowed amounts overflow"))?;
        }
        Ok(Response::new(transfer::QueryTotalEscrowForDenomResponse {
            amount: Some(ibc_proto::cosmos::base::v1beta1::Coin {
                denom,
                amount: total.to_string(),
            }),
        }))
    }
}
