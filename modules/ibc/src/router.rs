//! Which application owns which port.

use cnidarium::StateWrite;
use ibc::core::host::types::identifiers::PortId;
use ibc::core::router::module::Module;
use ibc::core::router::router::Router;
use ibc::core::router::types::module::ModuleId;

use crate::transfer::TransferModule;

const TRANSFER: &str = "transfer";

pub struct IbcRouter<'a, S: StateWrite> {
    pub transfer: TransferModule<'a, S>,
}

impl<S: StateWrite> Router for IbcRouter<'_, S> {
    fn get_route(&self, module_id: &ModuleId) -> Option<&dyn Module> {
        (module_id == &ModuleId::new(TRANSFER.into())).then_some(&self.transfer as &dyn Module)
    }

    fn get_route_mut(&mut self, module_id: &ModuleId) -> Option<&mut dyn Module> {
        (module_id == &ModuleId::new(TRANSFER.into()))
            .then_some(&mut self.transfer as &mut dyn Module)
    }

    fn lookup_module(&self, port_id: &PortId) -> Option<ModuleId> {
        (port_id == &PortId::transfer()).then(|| ModuleId::new(TRANSFER.into()))
    }
}
