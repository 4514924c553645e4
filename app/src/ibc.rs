//! The IBC applications of rmesh besides ICS-20: the converter on its `mesh-security` port.

use cnidarium::StateWrite;
use ibc::core::host::types::identifiers::PortId;
use ibc::core::router::module::Module;
use rmesh_converter::ibc_app::{ConverterModule, PORT};
use rmesh_ibc::store::TxStore;
use rmesh_ibc::{AppModules, Host};

pub struct AppIbcModules;

impl AppModules for AppIbcModules {
    fn modules<'a, S: StateWrite>(
        store: &TxStore<'a, S>,
        _host: &Host,
    ) -> Vec<(PortId, Box<dyn Module + 'a>)> {
        let converter: Box<dyn Module + 'a> = Box::new(ConverterModule::new(store.clone()));
        PortId::new(PORT.to_string())
            .map(|port| (port, converter))
            .into_iter()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_converter_port_is_a_valid_ibc_port_id() {
        assert!(PortId::new(PORT.to_string()).is_ok());
    }
}
