//! The IBC host context ibc-rs's handlers run against: every ICS-24 path in the `ibc` substore,
//! encoded as ibc-go encodes it, over any `IbcStore` (a tx's state or a query's snapshot).

use std::time::Duration;

use ibc::clients::tendermint::client_state::ClientState as TmClientState;
use ibc::clients::tendermint::consensus_state::ConsensusState as TmConsensusState;
use ibc::core::channel::types::channel::ChannelEnd;
use ibc::core::channel::types::commitment::{AcknowledgementCommitment, PacketCommitment};
use ibc::core::channel::types::packet::Receipt;
use ibc::core::client::context::{
    ClientExecutionContext, ClientValidationContext, ExtClientValidationContext,
};
use ibc::core::client::types::Height;
use ibc::core::commitment_types::commitment::CommitmentPrefix;
use ibc::core::commitment_types::specs::ProofSpecs;
use ibc::core::connection::types::ConnectionEnd;
use ibc::core::handler::types::events::IbcEvent;
use ibc::core::host::types::error::HostError;
use ibc::core::host::types::identifiers::{ChainId, ClientId, ConnectionId, Sequence};
use ibc::core::host::types::path::{
    AckPath, ChannelEndPath, ClientConnectionPath, ClientConsensusStatePath, ClientStatePath,
    ClientUpdateHeightPath, ClientUpdateTimePath, CommitmentPath, ConnectionPath,
    NextChannelSequencePath, NextClientSequencePath, NextConnectionSequencePath, ReceiptPath,
    SeqAckPath, SeqRecvPath, SeqSendPath,
};
use ibc::core::host::{ExecutionContext, ValidationContext};
use ibc::cosmos_host::ValidateSelfClientContext;
use ibc::primitives::proto::{Any, Protobuf};
use ibc::primitives::{Signer, Timestamp};
use ibc_proto::ibc::core::connection::v1::ClientPaths;
use prost::Message;
use rmesh_core::{Address, SdkError};

use crate::host::{proof_specs, Host};
use crate::state_key::ibc_path;
use crate::store::IbcStore;

/// The blocks a counterparty may expect per unit of delay (ibc-go's default parameter).
const MAX_EXPECTED_TIME_PER_BLOCK: Duration = Duration::from_secs(30);
/// Where a chain upgrade would publish the next client state (ibc-go's default).
const UPGRADE_PATH: [&str; 2] = ["upgrade", "upgradedIBCState"];

pub struct IbcContext<B: IbcStore> {
    pub store: B,
    pub host: Host,
    specs: ProofSpecs,
    upgrade_path: Vec<String>,
}

impl<B: IbcStore> std::fmt::Debug for IbcContext<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IbcContext at {}", self.host.height)
    }
}

fn retrieve(err: SdkError) -> HostError {
    HostError::failed_to_retrieve(err)
}

fn store_error(err: SdkError) -> HostError {
    HostError::failed_to_store(err)
}

impl<B: IbcStore> IbcContext<B> {
    pub fn new(store: B, host: Host) -> Self {
        IbcContext {
            store,
            host,
            specs: proof_specs(),
            upgrade_path: UPGRADE_PATH.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn read(&self, path: &impl std::fmt::Display) -> Result<Option<Vec<u8>>, HostError> {
        self.store.get(&ibc_path(path)).map_err(retrieve)
    }

    fn required(&self, path: &impl std::fmt::Display) -> Result<Vec<u8>, HostError> {
        self.read(path)?
            .ok_or_else(|| HostError::missing_state(format!("nothing stored at {path}")))
    }

    fn write(&self, path: &impl std::fmt::Display, value: Vec<u8>) -> Result<(), HostError> {
        self.store.put(ibc_path(path), value).map_err(store_error)
    }

    fn remove(&self, path: &impl std::fmt::Display) -> Result<(), HostError> {
        self.store.delete(ibc_path(path)).map_err(store_error)
    }

    fn read_u64(&self, path: &impl std::fmt::Display) -> Result<Option<u64>, HostError> {
        self.read(path)?
            .map(|bytes| {
                <[u8; 8]>::try_from(bytes.as_slice())
                    .map(u64::from_be_bytes)
                    .map_err(|_| HostError::invalid_state(format!("{path} is not a u64")))
            })
            .transpose()
    }

    fn write_u64(&self, path: &impl std::fmt::Display, value: u64) -> Result<(), HostError> {
        self.write(path, value.to_be_bytes().to_vec())
    }

    fn counter(&self, path: &impl std::fmt::Display) -> Result<u64, HostError> {
        Ok(self.read_u64(path)?.unwrap_or(0))
    }

    fn increase(&self, path: &impl std::fmt::Display) -> Result<(), HostError> {
        self.write_u64(path, self.counter(path)? + 1)
    }

    fn sequence(&self, path: &impl std::fmt::Display) -> Result<Sequence, HostError> {
        self.read_u64(path)?
            .map(Sequence::from)
            .ok_or_else(|| HostError::missing_state(format!("no sequence at {path}")))
    }

    fn decode_any(bytes: &[u8], path: &impl std::fmt::Display) -> Result<Any, HostError> {
        Any::decode(bytes).map_err(|e| HostError::invalid_state(format!("{path}: {e}")))
    }

    /// Heights with a stored consensus state of `client_id`, ascending.
    pub fn consensus_heights(&self, client_id: &ClientId) -> Result<Vec<Height>, HostError> {
        let prefix = ibc_path(&format!("clients/{client_id}/consensusStates/"));
        let mut heights: Vec<Height> = self
            .store
            .keys_under(&prefix)
            .map_err(retrieve)?
            .iter()
            .filter_map(|key| key.strip_prefix(&prefix))
            .filter(|rest| !rest.contains('/'))
            .filter_map(|rest| rest.parse().ok())
            .collect();
        heights.sort();
        Ok(heights)
    }

    fn consensus_at(
        &self,
        client_id: &ClientId,
        height: &Height,
    ) -> Result<TmConsensusState, HostError> {
        self.consensus_state(&ClientConsensusStatePath::new(
            client_id.clone(),
            height.revision_number(),
            height.revision_height(),
        ))
    }
}

impl<B: IbcStore> ClientValidationContext for IbcContext<B> {
    type ClientStateRef = TmClientState;
    type ConsensusStateRef = TmConsensusState;

    fn client_state(&self, client_id: &ClientId) -> Result<TmClientState, HostError> {
        let path = ClientStatePath::new(client_id.clone());
        let any = Self::decode_any(&self.required(&path)?, &path)?;
        TmClientState::try_from(any).map_err(|e| HostError::invalid_state(e.to_string()))
    }

    fn consensus_state(
        &self,
        path: &ClientConsensusStatePath,
    ) -> Result<TmConsensusState, HostError> {
        let any = Self::decode_any(&self.required(path)?, path)?;
        TmConsensusState::try_from(any).map_err(|e| HostError::invalid_state(e.to_string()))
    }

    fn client_update_meta(
        &self,
        client_id: &ClientId,
        height: &Height,
    ) -> Result<(Timestamp, Height), HostError> {
        let (rev, h) = (height.revision_number(), height.revision_height());
        let time_path = ClientUpdateTimePath::new(client_id.clone(), rev, h);
        let height_path = ClientUpdateHeightPath::new(client_id.clone(), rev, h);
        let time = self
            .read_u64(&time_path)?
            .ok_or_else(|| HostError::missing_state(format!("no update time at {time_path}")))?;
        let bytes = self.required(&height_path)?;
        let text = String::from_utf8(bytes)
            .map_err(|_| HostError::invalid_state(format!("{height_path} is not text")))?;
        let processed = text
            .parse()
            .map_err(|_| HostError::invalid_state(format!("{height_path}: bad height {text}")))?;
        Ok((Timestamp::from_nanoseconds(time), processed))
    }
}

impl<B: IbcStore> ClientExecutionContext for IbcContext<B> {
    type ClientStateMut = TmClientState;

    fn store_client_state(
        &mut self,
        path: ClientStatePath,
        client_state: TmClientState,
    ) -> Result<(), HostError> {
        self.write(&path, Any::from(client_state).encode_to_vec())
    }

    fn store_consensus_state(
        &mut self,
        path: ClientConsensusStatePath,
        consensus_state: TmConsensusState,
    ) -> Result<(), HostError> {
        self.write(&path, Any::from(consensus_state).encode_to_vec())
    }

    fn delete_consensus_state(&mut self, path: ClientConsensusStatePath) -> Result<(), HostError> {
        self.remove(&path)
    }

    fn store_update_meta(
        &mut self,
        client_id: ClientId,
        height: Height,
        host_timestamp: Timestamp,
        host_height: Height,
    ) -> Result<(), HostError> {
        let (rev, h) = (height.revision_number(), height.revision_height());
        self.write_u64(
            &ClientUpdateTimePath::new(client_id.clone(), rev, h),
            host_timestamp.nanoseconds(),
        )?;
        self.write(
            &ClientUpdateHeightPath::new(client_id, rev, h),
            host_height.to_string().into_bytes(),
        )
    }

    fn delete_update_meta(&mut self, client_id: ClientId, height: Height) -> Result<(), HostError> {
        let (rev, h) = (height.revision_number(), height.revision_height());
        self.remove(&ClientUpdateTimePath::new(client_id.clone(), rev, h))?;
        self.remove(&ClientUpdateHeightPath::new(client_id, rev, h))
    }
}

impl<B: IbcStore> ExtClientValidationContext for IbcContext<B> {
    fn host_timestamp(&self) -> Result<Timestamp, HostError> {
        Ok(self.host.timestamp)
    }

    fn host_height(&self) -> Result<Height, HostError> {
        Ok(self.host.height)
    }

    fn consensus_state_heights(&self, client_id: &ClientId) -> Result<Vec<Height>, HostError> {
        self.consensus_heights(client_id)
    }

    fn next_consensus_state(
        &self,
        client_id: &ClientId,
        height: &Height,
    ) -> Result<Option<TmConsensusState>, HostError> {
        let heights = self.consensus_heights(client_id)?;
        heights
            .iter()
            .find(|h| *h > height)
            .map(|h| self.consensus_at(client_id, h))
            .transpose()
    }

    fn prev_consensus_state(
        &self,
        client_id: &ClientId,
        height: &Height,
    ) -> Result<Option<TmConsensusState>, HostError> {
        let heights = self.consensus_heights(client_id)?;
        heights
            .iter()
            .rev()
            .find(|h| *h < height)
            .map(|h| self.consensus_at(client_id, h))
            .transpose()
    }
}

impl<B: IbcStore> ValidateSelfClientContext for IbcContext<B> {
    fn chain_id(&self) -> &ChainId {
        &self.host.chain_id
    }

    fn host_current_height(&self) -> Height {
        self.host.height
    }

    fn proof_specs(&self) -> &ProofSpecs {
        &self.specs
    }

    fn unbonding_period(&self) -> Duration {
        self.host.unbonding
    }

    fn upgrade_path(&self) -> &[String] {
        &self.upgrade_path
    }
}

impl<B: IbcStore> ValidationContext for IbcContext<B> {
    type V = Self;
    type HostClientState = TmClientState;
    type HostConsensusState = TmConsensusState;

    fn get_client_validation_context(&self) -> &Self {
        self
    }

    fn host_height(&self) -> Result<Height, HostError> {
        Ok(self.host.height)
    }

    fn host_timestamp(&self) -> Result<Timestamp, HostError> {
        Ok(self.host.timestamp)
    }

    fn host_consensus_state(&self, height: &Height) -> Result<TmConsensusState, HostError> {
        let key = crate::state_key::host_consensus_state(height.revision_height());
        let bytes = self.store.get(&key).map_err(retrieve)?.ok_or_else(|| {
            HostError::missing_state(format!("no own consensus state at {height}"))
        })?;
        let any = Self::decode_any(&bytes, &key)?;
        TmConsensusState::try_from(any).map_err(|e| HostError::invalid_state(e.to_string()))
    }

    fn client_counter(&self) -> Result<u64, HostError> {
        self.counter(&NextClientSequencePath)
    }

    fn connection_end(&self, conn_id: &ConnectionId) -> Result<ConnectionEnd, HostError> {
        let path = ConnectionPath::new(conn_id);
        ConnectionEnd::decode_vec(&self.required(&path)?)
            .map_err(|e| HostError::invalid_state(format!("{path}: {e}")))
    }

    fn validate_self_client(&self, client_state: TmClientState) -> Result<(), HostError> {
        self.validate_self_tendermint_client(client_state.inner().clone())
    }

    fn commitment_prefix(&self) -> CommitmentPrefix {
        CommitmentPrefix::from_bytes(b"ibc")
    }

    fn connection_counter(&self) -> Result<u64, HostError> {
        self.counter(&NextConnectionSequencePath)
    }

    fn channel_end(&self, path: &ChannelEndPath) -> Result<ChannelEnd, HostError> {
        ChannelEnd::decode_vec(&self.required(path)?)
            .map_err(|e| HostError::invalid_state(format!("{path}: {e}")))
    }

    fn get_next_sequence_send(&self, path: &SeqSendPath) -> Result<Sequence, HostError> {
        self.sequence(path)
    }

    fn get_next_sequence_recv(&self, path: &SeqRecvPath) -> Result<Sequence, HostError> {
        self.sequence(path)
    }

    fn get_next_sequence_ack(&self, path: &SeqAckPath) -> Result<Sequence, HostError> {
        self.sequence(path)
    }

    fn get_packet_commitment(&self, path: &CommitmentPath) -> Result<PacketCommitment, HostError> {
        Ok(PacketCommitment::from(self.required(path)?))
    }

    /// Absent means not received (`Receipt::None`), never an error: unordered channels rely on it.
    fn get_packet_receipt(&self, path: &ReceiptPath) -> Result<Receipt, HostError> {
        Ok(match self.read(path)? {
            Some(_) => Receipt::Ok,
            None => Receipt::None,
        })
    }

    fn get_packet_acknowledgement(
        &self,
        path: &AckPath,
    ) -> Result<AcknowledgementCommitment, HostError> {
        Ok(AcknowledgementCommitment::from(self.required(path)?))
    }

    fn channel_counter(&self) -> Result<u64, HostError> {
        self.counter(&NextChannelSequencePath)
    }

    fn max_expected_time_per_block(&self) -> Duration {
        MAX_EXPECTED_TIME_PER_BLOCK
    }

    fn validate_message_signer(&self, signer: &Signer) -> Result<(), HostError> {
        Address::from_bech32(signer.as_ref(), &self.host.account_prefix)
            .map(|_| ())
            .map_err(|e| HostError::invalid_state(format!("signer {signer}: {e}")))
    }
}

impl<B: IbcStore> ExecutionContext for IbcContext<B> {
    type E = Self;

    fn get_client_execution_context(&mut self) -> &mut Self {
        self
    }

    fn increase_client_counter(&mut self) -> Result<(), HostError> {
        self.increase(&NextClientSequencePath)
    }

    fn store_connection(
        &mut self,
        path: &ConnectionPath,
        connection_end: ConnectionEnd,
    ) -> Result<(), HostError> {
        self.write(path, connection_end.encode_vec())
    }

    /// ibc-go keeps a client's connections as one `ClientPaths` list.
    fn store_connection_to_client(
        &mut self,
        path: &ClientConnectionPath,
        conn_id: ConnectionId,
    ) -> Result<(), HostError> {
        let mut paths = match self.read(path)? {
            Some(bytes) => ClientPaths::decode(bytes.as_slice())
                .map_err(|e| HostError::invalid_state(format!("{path}: {e}")))?,
            None => ClientPaths::default(),
        };
        paths.paths.push(conn_id.to_string());
        self.write(path, paths.encode_to_vec())
    }

    fn increase_connection_counter(&mut self) -> Result<(), HostError> {
        self.increase(&NextConnectionSequencePath)
    }

    fn store_packet_commitment(
        &mut self,
        path: &CommitmentPath,
        commitment: PacketCommitment,
    ) -> Result<(), HostError> {
        self.write(path, commitment.into_vec())
    }

    fn delete_packet_commitment(&mut self, path: &CommitmentPath) -> Result<(), HostError> {
        self.remove(path)
    }

    fn store_packet_receipt(
        &mut self,
        path: &ReceiptPath,
        _receipt: Receipt,
    ) -> Result<(), HostError> {
        self.write(path, vec![1])
    }

    fn store_packet_acknowledgement(
        &mut self,
        path: &AckPath,
        commitment: AcknowledgementCommitment,
    ) -> Result<(), HostError> {
        self.write(path, commitment.into_vec())
    }

    fn delete_packet_acknowledgement(&mut self, path: &AckPath) -> Result<(), HostError> {
        self.remove(path)
    }

    fn store_channel(
        &mut self,
        path: &ChannelEndPath,
        channel_end: ChannelEnd,
    ) -> Result<(), HostError> {
        self.write(path, channel_end.encode_vec())
    }

    fn store_next_sequence_send(
        &mut self,
        path: &SeqSendPath,
        seq: Sequence,
    ) -> Result<(), HostError> {
        self.write_u64(path, seq.value())
    }

    fn store_next_sequence_recv(
        &mut self,
        path: &SeqRecvPath,
        seq: Sequence,
    ) -> Result<(), HostError> {
        self.write_u64(path, seq.value())
    }

    fn store_next_sequence_ack(
        &mut self,
        path: &SeqAckPath,
        seq: Sequence,
    ) -> Result<(), HostError> {
        self.write_u64(path, seq.value())
    }

    fn increase_channel_counter(&mut self) -> Result<(), HostError> {
        self.increase(&NextChannelSequencePath)
    }

    fn emit_ibc_event(&mut self, event: IbcEvent) -> Result<(), HostError> {
        let event = crate::event::indexed(event)?;
        self.store.record(event);
        Ok(())
    }

    fn log_message(&mut self, _message: String) -> Result<(), HostError> {
        Ok(())
    }
}
