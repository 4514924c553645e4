//! Queries. Each gRPC method is served by tonic and, with the same handler, through
//! `abci_query` with the method path as `path` (how cosmjs and Hermes ask). Raw store reads with
//! ICS-23 proofs answer `store/<substore>/key`.

pub mod blocks;
pub mod comet;
pub mod consensus_service;
pub mod grpc;
pub mod node_service;
pub mod tx_service;

use std::collections::BTreeMap;
use std::sync::Arc;

use cnidarium::Storage;
use cosmos_sdk_proto::cosmos::auth::v1beta1::query_server::Query as AuthApi;
use cosmos_sdk_proto::cosmos::bank::v1beta1::query_server::Query as BankApi;
use cosmos_sdk_proto::cosmos::base::node::v1beta1::service_server::Service as NodeApi;
use cosmos_sdk_proto::cosmos::base::tendermint::v1beta1::service_server::Service as TendermintApi;
use cosmos_sdk_proto::cosmos::distribution::v1beta1::query_server::Query as DistributionApi;
use cosmos_sdk_proto::cosmos::gov::v1::query_server::Query as GovApi;
use cosmos_sdk_proto::cosmos::params::v1beta1::query_server::Query as ParamsApi;
use cosmos_sdk_proto::cosmos::slashing::v1beta1::query_server::Query as SlashingApi;
use cosmos_sdk_proto::cosmos::staking::v1beta1::query_server::Query as StakingApi;
use cosmos_sdk_proto::cosmos::tx::v1beta1::service_server::Service as TxApi;
use cosmos_sdk_proto::cosmos::upgrade::v1beta1::query_server::Query as UpgradeApi;
use futures::future::BoxFuture;
use ibc_proto::ibc::applications::transfer::v1::query_server::Query as TransferApi;
use ibc_proto::ibc::core::channel::v1::query_server::Query as ChannelApi;
use ibc_proto::ibc::core::client::v1::query_server::Query as ClientApi;
use ibc_proto::ibc::core::connection::v1::query_server::Query as ConnectionApi;
use prost::Message;
use rmesh_auth::AuthQuery;
use rmesh_bank::BankQuery;
use rmesh_converter::ConverterQuery;
use rmesh_core::query::{check_height, Committed, HEIGHT_HEADER};
use rmesh_distribution::DistributionQuery;
use rmesh_external_staking::ExternalStakingQuery;
use rmesh_gov::GovQuery;
use rmesh_ibc::IbcQuery;
use rmesh_proto::consensus::v1::query_server::Query as ConsensusApi;
use rmesh_proto::converter::v1::query_server::Query as ConverterApi;
use rmesh_proto::externalstaking::v1::query_server::Query as ExternalStakingApi;
use rmesh_proto::vault::v1::query_server::Query as VaultApi;
use rmesh_proto::virtualstaking::v1::query_server::Query as VirtualStakingApi;
use rmesh_slashing::SlashingQuery;
use rmesh_staking::StakingQuery;
use rmesh_upgrade::UpgradeQuery;
use rmesh_vault::VaultQuery;
use rmesh_virtual_staking::VirtualStakingQuery;
use tendermint::merkle::proof::{ProofOp, ProofOps};
use tonic::Status;

use crate::config::AppConfig;
use crate::node::mempool::Mempool;
use crate::node::SUBSTORES;
use comet::Comet;
use consensus_service::ConsensusService;
use node_service::NodeService;
use tx_service::TxService;

type Handler =
    Arc<dyn Fn(Vec<u8>, u64) -> BoxFuture<'static, Result<Vec<u8>, Status>> + Send + Sync>;

/// The services, shared by the gRPC server and the `abci_query` routes. A module's service is
/// under the module's name (see `crate::modules`); `tx` and `node` are the node's own.
#[derive(Clone)]
pub struct Services {
    pub auth: Arc<AuthQuery>,
    pub bank: Arc<BankQuery>,
    pub staking: Arc<StakingQuery>,
    pub slashing: Arc<SlashingQuery>,
    pub distribution: Arc<DistributionQuery>,
    pub virtual_staking: Arc<VirtualStakingQuery>,
    pub converter: Arc<ConverterQuery>,
    pub external_staking: Arc<ExternalStakingQuery>,
    pub vault: Arc<VaultQuery>,
    pub gov: Arc<GovQuery>,
    pub upgrade: Arc<UpgradeQuery>,
    pub ibc: Arc<IbcQuery>,
    pub tx: Arc<TxService>,
    pub node: Arc<NodeService>,
    pub consensus: Arc<ConsensusService>,
}

#[derive(Clone)]
pub struct QueryRouter {
    pub storage: Storage,
    committed: Committed,
    pub services: Services,
    /// Each `abci_query` path with the name of the service (field of `Services`) answering it.
    routes: Arc<BTreeMap<&'static str, (&'static str, Handler)>>,
}

/// A tonic request carrying the height an `abci_query` asked for (0 = latest).
fn at_height<T>(message: T, height: u64) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    if height > 0 {
        if let Ok(value) = height.to_string().parse() {
            request.metadata_mut().insert(HEIGHT_HEADER, value);
        }
    }
    request
}

macro_rules! routes {
    ($map:expr, $services:ident.$owner:ident, $api:path, { $($path:literal => $method:ident),* $(,)? }) => {$(
        let service = $services.$owner.clone();
        let handler: Handler = Arc::new(move |data: Vec<u8>, height: u64| {
            let service = service.clone();
            Box::pin(async move {
                let message = Message::decode(data.as_slice())
                    .map_err(|e| Status::invalid_argument(format!("cannot decode request: {e}")))?;
                let response = <_ as $api>::$method(&*service, at_height(message, height)).await?;
                Ok(response.get_ref().encode_to_vec())
            })
        });
        $map.insert($path, (stringify!($owner), handler));
    )*};
}

impl QueryRouter {
    /// Simulations run on `mempool`'s state.
    pub fn new(storage: Storage, config: &AppConfig, mempool: Mempool) -> Self {
        let committed = Committed::new(storage.clone(), SUBSTORES);
        let comet = Comet::new(&config.comet_rpc);
        let services = Services {
            auth: Arc::new(AuthQuery::new(
                committed.clone(),
                crate::modules::module_accounts(),
            )),
            bank: Arc::new(BankQuery::new(committed.clone())),
            staking: Arc::new(StakingQuery::new(committed.clone())),
            slashing: Arc::new(SlashingQuery::new(committed.clone())),
            distribution: Arc::new(DistributionQuery::new(committed.clone())),
            virtual_staking: Arc::new(VirtualStakingQuery::new(committed.clone())),
            converter: Arc::new(ConverterQuery::new(committed.clone())),
            external_staking: Arc::new(ExternalStakingQuery::new(committed.clone())),
            vault: Arc::new(VaultQuery::new(committed.clone())),
            gov: Arc::new(GovQuery::new(committed.clone())),
            upgrade: Arc::new(UpgradeQuery::new(committed.clone())),
            ibc: Arc::new(IbcQuery::new(committed.clone())),
            tx: Arc::new(TxService::new(mempool, comet.clone(), storage.clone())),
            consensus: Arc::new(ConsensusService::new(storage.clone(), comet.clone())),
            node: Arc::new(NodeService::new(
                storage.clone(),
                comet,
                config.minimum_gas_prices.clone(),
            )),
        };
        let mut map: BTreeMap<&'static str, (&'static str, Handler)> = BTreeMap::new();
        routes!(map, services.auth, AuthApi, {
            "/cosmos.auth.v1beta1.Query/Accounts" => accounts,
            "/cosmos.auth.v1beta1.Query/Account" => account,
            "/cosmos.auth.v1beta1.Query/AccountAddressByID" => account_address_by_id,
            "/cosmos.auth.v1beta1.Query/Params" => params,
            "/cosmos.auth.v1beta1.Query/Bech32Prefix" => bech32_prefix,
            "/cosmos.auth.v1beta1.Query/AddressBytesToString" => address_bytes_to_string,
            "/cosmos.auth.v1beta1.Query/AddressStringToBytes" => address_string_to_bytes,
            "/cosmos.auth.v1beta1.Query/AccountInfo" => account_info,
            "/cosmos.auth.v1beta1.Query/ModuleAccounts" => module_accounts,
            "/cosmos.auth.v1beta1.Query/ModuleAccountByName" => module_account_by_name,
        });
        routes!(map, services.bank, BankApi, {
            "/cosmos.bank.v1beta1.Query/Balance" => balance,
            "/cosmos.bank.v1beta1.Query/AllBalances" => all_balances,
            "/cosmos.bank.v1beta1.Query/SpendableBalances" => spendable_balances,
            "/cosmos.bank.v1beta1.Query/SpendableBalanceByDenom" => spendable_balance_by_denom,
            "/cosmos.bank.v1beta1.Query/TotalSupply" => total_supply,
            "/cosmos.bank.v1beta1.Query/SupplyOf" => supply_of,
            "/cosmos.bank.v1beta1.Query/Params" => params,
            "/cosmos.bank.v1beta1.Query/DenomMetadata" => denom_metadata,
            "/cosmos.bank.v1beta1.Query/DenomMetadataByQueryString" => denom_metadata_by_query_string,
            "/cosmos.bank.v1beta1.Query/DenomsMetadata" => denoms_metadata,
            "/cosmos.bank.v1beta1.Query/DenomOwners" => denom_owners,
            "/cosmos.bank.v1beta1.Query/DenomOwnersByQuery" => denom_owners_by_query,
            "/cosmos.bank.v1beta1.Query/SendEnabled" => send_enabled,
        });
        routes!(map, services.staking, StakingApi, {
            "/cosmos.staking.v1beta1.Query/Validators" => validators,
            "/cosmos.staking.v1beta1.Query/Validator" => validator,
            "/cosmos.staking.v1beta1.Query/ValidatorDelegations" => validator_delegations,
            "/cosmos.staking.v1beta1.Query/ValidatorUnbondingDelegations" => validator_unbonding_delegations,
            "/cosmos.staking.v1beta1.Query/Delegation" => delegation,
            "/cosmos.staking.v1beta1.Query/UnbondingDelegation" => unbonding_delegation,
            "/cosmos.staking.v1beta1.Query/DelegatorDelegations" => delegator_delegations,
            "/cosmos.staking.v1beta1.Query/DelegatorUnbondingDelegations" => delegator_unbonding_delegations,
            "/cosmos.staking.v1beta1.Query/Redelegations" => redelegations,
            "/cosmos.staking.v1beta1.Query/DelegatorValidators" => delegator_validators,
            "/cosmos.staking.v1beta1.Query/DelegatorValidator" => delegator_validator,
            "/cosmos.staking.v1beta1.Query/HistoricalInfo" => historical_info,
            "/cosmos.staking.v1beta1.Query/Pool" => pool,
            "/cosmos.staking.v1beta1.Query/Params" => params,
        });
        routes!(map, services.gov, GovApi, {
            "/cosmos.gov.v1.Query/Constitution" => constitution,
            "/cosmos.gov.v1.Query/Proposal" => proposal,
            "/cosmos.gov.v1.Query/Proposals" => proposals,
            "/cosmos.gov.v1.Query/Vote" => vote,
            "/cosmos.gov.v1.Query/Votes" => votes,
            "/cosmos.gov.v1.Query/Params" => params,
            "/cosmos.gov.v1.Query/Deposit" => deposit,
            "/cosmos.gov.v1.Query/Deposits" => deposits,
            "/cosmos.gov.v1.Query/TallyResult" => tally_result,
        });
        routes!(map, services.upgrade, UpgradeApi, {
            "/cosmos.upgrade.v1beta1.Query/CurrentPlan" => current_plan,
            "/cosmos.upgrade.v1beta1.Query/AppliedPlan" => applied_plan,
            "/cosmos.upgrade.v1beta1.Query/UpgradedConsensusState" => upgraded_consensus_state,
            "/cosmos.upgrade.v1beta1.Query/ModuleVersions" => module_versions,
            "/cosmos.upgrade.v1beta1.Query/Authority" => authority,
        });
        routes!(map, services.slashing, SlashingApi, {
            "/cosmos.slashing.v1beta1.Query/Params" => params,
            "/cosmos.slashing.v1beta1.Query/SigningInfo" => signing_info,
            "/cosmos.slashing.v1beta1.Query/SigningInfos" => signing_infos,
        });
        routes!(map, services.distribution, DistributionApi, {
            "/cosmos.distribution.v1beta1.Query/Params" => params,
            "/cosmos.distribution.v1beta1.Query/ValidatorDistributionInfo" => validator_distribution_info,
            "/cosmos.distribution.v1beta1.Query/ValidatorOutstandingRewards" => validator_outstanding_rewards,
            "/cosmos.distribution.v1beta1.Query/ValidatorCommission" => validator_commission,
            "/cosmos.distribution.v1beta1.Query/ValidatorSlashes" => validator_slashes,
            "/cosmos.distribution.v1beta1.Query/DelegationRewards" => delegation_rewards,
            "/cosmos.distribution.v1beta1.Query/DelegationTotalRewards" => delegation_total_rewards,
            "/cosmos.distribution.v1beta1.Query/DelegatorValidators" => delegator_validators,
            "/cosmos.distribution.v1beta1.Query/DelegatorWithdrawAddress" => delegator_withdraw_address,
            "/cosmos.distribution.v1beta1.Query/CommunityPool" => community_pool,
        });
        routes!(map, services.virtual_staking, VirtualStakingApi, {
            "/rmesh.virtualstaking.v1.Query/Params" => params,
            "/rmesh.virtualstaking.v1.Query/EpochInfo" => epoch_info,
            "/rmesh.virtualstaking.v1.Query/VirtualStake" => virtual_stake,
            "/rmesh.virtualstaking.v1.Query/Supply" => supply,
        });
        routes!(map, services.converter, ConverterApi, {
            "/rmesh.converter.v1.Query/Providers" => providers,
            "/rmesh.converter.v1.Query/Provider" => provider,
            "/rmesh.converter.v1.Query/Positions" => positions,
            "/rmesh.converter.v1.Query/PendingPackets" => pending_packets,
        });
        routes!(map, services.external_staking, ExternalStakingApi, {
            "/rmesh.externalstaking.v1.Query/Consumers" => consumers,
            "/rmesh.externalstaking.v1.Query/Validators" => validators,
            "/rmesh.externalstaking.v1.Query/Stakes" => stakes,
            "/rmesh.externalstaking.v1.Query/PendingTxs" => pending_txs,
        });
        routes!(map, services.vault, VaultApi, {
            "/rmesh.vault.v1.Query/Account" => account,
            "/rmesh.vault.v1.Query/LocalStakes" => local_stakes,
        });
        routes!(map, services.ibc, ClientApi, {
            "/ibc.core.client.v1.Query/ClientState" => client_state,
            "/ibc.core.client.v1.Query/ClientStates" => client_states,
            "/ibc.core.client.v1.Query/ConsensusState" => consensus_state,
            "/ibc.core.client.v1.Query/ConsensusStates" => consensus_states,
            "/ibc.core.client.v1.Query/ConsensusStateHeights" => consensus_state_heights,
            "/ibc.core.client.v1.Query/ClientStatus" => client_status,
            "/ibc.core.client.v1.Query/ClientParams" => client_params,
            "/ibc.core.client.v1.Query/UpgradedClientState" => upgraded_client_state,
            "/ibc.core.client.v1.Query/UpgradedConsensusState" => upgraded_consensus_state,
        });
        routes!(map, services.ibc, ConnectionApi, {
            "/ibc.core.connection.v1.Query/Connection" => connection,
            "/ibc.core.connection.v1.Query/Connections" => connections,
            "/ibc.core.connection.v1.Query/ClientConnections" => client_connections,
            "/ibc.core.connection.v1.Query/ConnectionClientState" => connection_client_state,
            "/ibc.core.connection.v1.Query/ConnectionConsensusState" => connection_consensus_state,
            "/ibc.core.connection.v1.Query/ConnectionParams" => connection_params,
        });
        routes!(map, services.ibc, ChannelApi, {
            "/ibc.core.channel.v1.Query/Channel" => channel,
            "/ibc.core.channel.v1.Query/Channels" => channels,
            "/ibc.core.channel.v1.Query/ConnectionChannels" => connection_channels,
            "/ibc.core.channel.v1.Query/ChannelClientState" => channel_client_state,
            "/ibc.core.channel.v1.Query/ChannelConsensusState" => channel_consensus_state,
            "/ibc.core.channel.v1.Query/PacketCommitment" => packet_commitment,
            "/ibc.core.channel.v1.Query/PacketCommitments" => packet_commitments,
            "/ibc.core.channel.v1.Query/PacketReceipt" => packet_receipt,
            "/ibc.core.channel.v1.Query/PacketAcknowledgement" => packet_acknowledgement,
            "/ibc.core.channel.v1.Query/PacketAcknowledgements" => packet_acknowledgements,
            "/ibc.core.channel.v1.Query/UnreceivedPackets" => unreceived_packets,
            "/ibc.core.channel.v1.Query/UnreceivedAcks" => unreceived_acks,
            "/ibc.core.channel.v1.Query/NextSequenceReceive" => next_sequence_receive,
            "/ibc.core.channel.v1.Query/NextSequenceSend" => next_sequence_send,
            "/ibc.core.channel.v1.Query/UpgradeError" => upgrade_error,
            "/ibc.core.channel.v1.Query/Upgrade" => upgrade,
            "/ibc.core.channel.v1.Query/ChannelParams" => channel_params,
        });
        routes!(map, services.ibc, TransferApi, {
            "/ibc.applications.transfer.v1.Query/DenomTraces" => denom_traces,
            "/ibc.applications.transfer.v1.Query/DenomTrace" => denom_trace,
            "/ibc.applications.transfer.v1.Query/Params" => params,
            "/ibc.applications.transfer.v1.Query/DenomHash" => denom_hash,
            "/ibc.applications.transfer.v1.Query/EscrowAddress" => escrow_address,
            "/ibc.applications.transfer.v1.Query/TotalEscrowForDenom" => total_escrow_for_denom,
        });
        routes!(map, services.tx, TxApi, {
            "/cosmos.tx.v1beta1.Service/Simulate" => simulate,
            "/cosmos.tx.v1beta1.Service/GetTx" => get_tx,
            "/cosmos.tx.v1beta1.Service/BroadcastTx" => broadcast_tx,
            "/cosmos.tx.v1beta1.Service/TxDecode" => tx_decode,
            "/cosmos.tx.v1beta1.Service/TxEncode" => tx_encode,
            "/cosmos.tx.v1beta1.Service/GetTxsEvent" => get_txs_event,
            "/cosmos.tx.v1beta1.Service/GetBlockWithTxs" => get_block_with_txs,
        });
        routes!(map, services.node, TendermintApi, {
            "/cosmos.base.tendermint.v1beta1.Service/GetNodeInfo" => get_node_info,
            "/cosmos.base.tendermint.v1beta1.Service/GetSyncing" => get_syncing,
            "/cosmos.base.tendermint.v1beta1.Service/GetLatestBlock" => get_latest_block,
            "/cosmos.base.tendermint.v1beta1.Service/GetBlockByHeight" => get_block_by_height,
            "/cosmos.base.tendermint.v1beta1.Service/GetLatestValidatorSet" => get_latest_validator_set,
            "/cosmos.base.tendermint.v1beta1.Service/GetValidatorSetByHeight" => get_validator_set_by_height,
            "/cosmos.base.tendermint.v1beta1.Service/ABCIQuery" => abci_query,
        });
        routes!(map, services.consensus, ConsensusApi, {
            "/cosmos.consensus.v1.Query/Params" => params,
        });
        routes!(map, services.consensus, ParamsApi, {
            "/cosmos.params.v1beta1.Query/Params" => params,
            "/cosmos.params.v1beta1.Query/Subspaces" => subspaces,
        });
        routes!(map, services.node, NodeApi, {
            "/cosmos.base.node.v1beta1.Service/Config" => config,
            "/cosmos.base.node.v1beta1.Service/Status" => status,
        });
        QueryRouter {
            storage,
            committed,
            services,
            routes: Arc::new(map),
        }
    }

    /// Each `abci_query` path with the service answering it: a module's name or a node service.
    pub fn route_owners(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        self.routes.iter().map(|(path, (owner, _))| (*path, *owner))
    }

    /// Reopens the committed versions queries kept before the node last stopped.
    pub async fn restore_history(&self) -> usize {
        self.committed.restore_history().await
    }

    /// Answers an `abci_query`. Returns the value, its proof when asked, and the height read.
    pub async fn query(
        &self,
        path: &str,
        data: Vec<u8>,
        height: u64,
        prove: bool,
    ) -> Result<QueryAnswer, Status> {
        let latest = crate::node::state::committed_height(&self.storage);
        check_height(height, latest)?;
        let height = if height == 0 { latest } else { height };
        if let Some(substore) = store_path(path) {
            return self.store_query(substore, data, height, prove).await;
        }
        let (_, handler) = self
            .routes
            .get(path)
            .ok_or_else(|| Status::unimplemented(format!("unknown query path {path}")))?;
        let value = handler(data, height).await?;
        Ok(QueryAnswer {
            key: vec![],
            value,
            proof: None,
            height,
        })
    }

    async fn store_query(
        &self,
        substore: &str,
        key: Vec<u8>,
        height: u64,
        prove: bool,
    ) -> Result<QueryAnswer, Status> {
        let snapshot = self
            .committed
            .snapshot(height)
            .ok_or_else(|| Status::invalid_argument(format!("height {height} is not available")))?;
        let mut full_key = format!("{substore}/").into_bytes();
        full_key.extend_from_slice(&key);
        let (value, proof) = snapshot
            .get_with_proof(full_key)
            .await
            .map_err(|e| Status::internal(format!("proof failed: {e:#}")))?;
        let proof = prove.then(|| proof_ops(&key, substore, proof.proofs));
        Ok(QueryAnswer {
            key,
            value: value.unwrap_or_default(),
            proof,
            height,
        })
    }
}

pub struct QueryAnswer {
    pub key: Vec<u8>,
    pub value: Vec<u8>,
    pub proof: Option<ProofOps>,
    pub height: u64,
}

/// `store/ibc/key` (with or without a leading slash) names the `ibc` substore.
fn store_path(path: &str) -> Option<&'static str> {
    let rest = path.trim_start_matches('/').strip_prefix("store/")?;
    let name = rest.strip_suffix("/key")?;
    SUBSTORES.iter().copied().find(|substore| *substore == name)
}

/// Two ops, as ibc-go expects: the key inside the substore, then the substore inside the root.
fn proof_ops(key: &[u8], substore: &str, proofs: Vec<ics23::CommitmentProof>) -> ProofOps {
    let keys = [key.to_vec(), substore.as_bytes().to_vec()];
    ProofOps {
        ops: proofs
            .into_iter()
            .zip(keys)
            .map(|(proof, key)| ProofOp {
                field_type: "ics23:jmt".into(),
                key,
                data: proof.encode_to_vec(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmesh_auth::VerifiedSignatures;

    /// The services that belong to the node rather than to a module of `crate::modules`.
    const NODE_SERVICES: [&str; 3] = ["tx", "node", "consensus"];

    #[tokio::test]
    async fn every_query_route_is_served_by_a_declared_module_or_the_node() {
        let storage = cnidarium::TempStorage::new().await.unwrap();
        let mempool = Mempool::new(storage.clone(), vec![], VerifiedSignatures::new());
        let router = QueryRouter::new(storage.clone(), &AppConfig::default(), mempool);
        let mut owners = std::collections::BTreeSet::new();
        for (path, owner) in router.route_owners() {
            assert!(
                crate::modules::is_declared(owner) || NODE_SERVICES.contains(&owner),
                "{path} is answered by {owner}, neither a declared module nor the node"
            );
            owners.insert(owner);
        }
        // Every module the app declares answers queries (ICS-20 and IBC core are `ibc`'s).
        for module in crate::modules::MODULES {
            assert!(owners.contains(module), "{module} serves no query");
        }
    }

    #[tokio::test]
    async fn module_accounts_list_every_declared_module_account_with_its_permissions() {
        use cosmos_sdk_proto::cosmos::auth::v1beta1 as auth;
        let storage = cnidarium::TempStorage::new().await.unwrap();
        let mempool = Mempool::new(storage.clone(), vec![], VerifiedSignatures::new());
        let router = QueryRouter::new(storage.clone(), &AppConfig::default(), mempool);
        let listed = router
            .services
            .auth
            .module_accounts(tonic::Request::new(auth::QueryModuleAccountsRequest {}))
            .await
            .unwrap()
            .into_inner()
            .accounts;
        let accounts: Vec<(String, Vec<String>)> = listed
            .iter()
            .map(|any| {
                assert_eq!(any.type_url, "/cosmos.auth.v1beta1.ModuleAccount");
                let account = auth::ModuleAccount::decode(any.value.as_slice()).unwrap();
                (account.name, account.permissions)
            })
            .collect();
        let expected: Vec<(String, Vec<String>)> = [
            ("bonded_tokens_pool", vec!["burner", "staking"]),
            ("converter", vec![]),
            ("distribution", vec!["minter"]),
            ("fee_collector", vec![]),
            ("gov", vec!["burner"]),
            ("not_bonded_tokens_pool", vec!["burner", "staking"]),
            ("vault", vec!["burner"]),
        ]
        .into_iter()
        .map(|(name, permissions)| {
            let permissions = permissions.into_iter().map(String::from).collect();
            (name.to_string(), permissions)
        })
        .collect();
        assert_eq!(accounts, expected);
        let unknown = router
            .services
            .auth
            .module_account_by_name(tonic::Request::new(auth::QueryModuleAccountByNameRequest {
                name: "mint".into(),
            }))
            .await
            .unwrap_err();
        assert_eq!(unknown.code(), tonic::Code::NotFound);
        assert_eq!(unknown.message(), "account mint not found");
    }

    #[tokio::test]
    async fn grpc_serves_exactly_the_services_abci_query_routes_to() {
        let storage = cnidarium::TempStorage::new().await.unwrap();
        let mempool = Mempool::new(storage.clone(), vec![], VerifiedSignatures::new());
        let router = QueryRouter::new(storage.clone(), &AppConfig::default(), mempool);
        let routed: std::collections::BTreeSet<&str> = router
            .route_owners()
            .filter_map(|(path, _)| path.trim_start_matches('/').split_once('/'))
            .map(|(service, _)| service)
            .collect();
        let served: std::collections::BTreeSet<&str> =
            grpc::served_names(&router.services).into_iter().collect();
        assert_eq!(routed, served);
    }
}
