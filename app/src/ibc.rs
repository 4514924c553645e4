//! The IBC applications of rmesh besides ICS-20: the converter on `mesh-security` (consumer
//! role) and external staking on `external-staking` (provider role).

use cnidarium::StateWrite;
use ibc::core::host::types::identifiers::PortId;
use ibc::core::router::module::Module;
use rmesh_converter::{ConverterModule, PORT};
use rmesh_external_staking::{ExternalStakingModule, PORT as PROVIDER_PORT};
use rmesh_ibc::{AppModules, Host, TxStore};

/// Each application's port with the module (as `crate::modules` names it) that owns it, in the
/// order `AppIbcModules` binds them; a test holds the two to each other and to the module list.
pub const APPLICATIONS: [(&str, &str); 2] =
    [(PORT, "converter"), (PROVIDER_PORT, "external_staking")];

pub struct AppIbcModules;

impl AppModules for AppIbcModules {
    fn modules<'a, S: StateWrite>(
        store: &TxStore<'a, S>,
        _host: &Host,
    ) -> Vec<(PortId, Box<dyn Module + 'a>)> {
        let converter: Box<dyn Module + 'a> = Box::new(ConverterModule::new(store.clone()));
        let provider: Box<dyn Module + 'a> = Box::new(ExternalStakingModule::new(store.clone()));
        [(PORT, converter), (PROVIDER_PORT, provider)]
            .into_iter()
            .filter_map(|(port, module)| Some((PortId::new(port.to_string()).ok()?, module)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cnidarium::{StateDelta, TempStorage};
    use ibc::core::client::types::Height;
    use ibc::core::host::types::identifiers::ChainId;
    use ibc::primitives::Timestamp;

    #[test]
    fn both_mesh_ports_are_valid_ibc_port_ids() {
        assert!(PortId::new(PORT.to_string()).is_ok());
        assert!(PortId::new(PROVIDER_PORT.to_string()).is_ok());
    }

    #[tokio::test]
    async fn every_bound_port_belongs_to_a_declared_module() {
        let storage = TempStorage::new().await.unwrap();
        let mut state = StateDelta::new(storage.latest_snapshot());
        let store = TxStore::new(&mut state);
        let host = Host {
            chain_id: ChainId::new("rmesh-1").unwrap(),
            height: Height::new(1, 1).unwrap(),
            timestamp: Timestamp::from_nanoseconds(1),
            unbonding: std::time::Duration::from_secs(1),
            account_prefix: "mesh".into(),
        };
        let bound: Vec<String> = AppIbcModules::modules(&store, &host)
            .into_iter()
            .map(|(port, _)| port.to_string())
            .collect();
        let listed: Vec<String> = APPLICATIONS
            .iter()
            .map(|(port, _)| port.to_string())
            .collect();
        assert_eq!(bound, listed, "APPLICATIONS lists exactly the bound ports");
        for (port, module) in APPLICATIONS {
            assert!(
                crate::modules::is_declared(module),
                "port {port} belongs to {module}, which the app does not declare"
            );
        }
    }
}
