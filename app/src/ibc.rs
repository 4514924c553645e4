//! The IBC applications of rmesh besides ICS-20: the converter on `mesh-security` (consumer
//! role) and external staking on `external-staking` (provider role).

use cnidarium::StateWrite;
use ibc::core::host::types::identifiers::PortId;
use ibc::core::router::module::Module;
use rmesh_converter::ibc_app::{ConverterModule, PORT};
use rmesh_external_staking::ibc_app::{ExternalStakingModule, PORT as PROVIDER_PORT};
use rmesh_ibc::store::TxStore;
use rmesh_ibc::{AppModules, Host};

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

    #[test]
    fn both_mesh_ports_are_valid_ibc_port_ids() {
        assert!(PortId::new(PORT.to_string()).is_ok());
        assert!(PortId::new(PROVIDER_PORT.to_string()).is_ok());
    }
}
