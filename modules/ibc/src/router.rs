//! Which application owns which port. The app names its applications (`AppModules`); ICS-20
//! is always there.

use cnidarium::StateWrite;
use ibc::core::host::types::identifiers::PortId;
use ibc::core::router::module::Module;
use ibc::core::router::router::Router;
use ibc::core::router::types::module::ModuleId;

use crate::host::Host;
use crate::store::TxStore;
use crate::transfer::TransferModule;

/// The IBC applications of a chain beyond ICS-20, each bound to its port, built per message
/// over the message's state.
pub trait AppModules: Send + Sync + 'static {
    fn modules<'a, S: StateWrite>(
        store: &TxStore<'a, S>,
        host: &Host,
    ) -> Vec<(PortId, Box<dyn Module + 'a>)>;
}

/// What an app tells the modules that drive IBC: its applications besides ICS-20. Implemented
/// by the app's one wiring type, the `A` of `rmesh_core::Component<A>`.
pub trait IbcApp: rmesh_staking::StakingApp {
    type IbcModules: AppModules;
}

/// A chain whose only IBC application is ICS-20.
pub struct TransferOnly;

impl AppModules for TransferOnly {
    fn modules<'a, S: StateWrite>(
        _: &TxStore<'a, S>,
        _: &Host,
    ) -> Vec<(PortId, Box<dyn Module + 'a>)> {
        vec![]
    }
}

/// Routes by port: the port's name is its module's id.
pub struct PortRouter<'a> {
    modules: Vec<(PortId, ModuleId, Box<dyn Module + 'a>)>,
}

impl<'a> PortRouter<'a> {
    pub fn new<S: StateWrite, A: AppModules>(store: &TxStore<'a, S>, host: &Host) -> Self {
        let transfer: Box<dyn Module + 'a> = Box::new(TransferModule::new(
            store.clone(),
            host.account_prefix.clone(),
        ));
        let modules = std::iter::once((PortId::transfer(), transfer))
            .chain(A::modules(store, host))
            .map(|(port, module)| {
                let id = ModuleId::new(port.to_string());
                (port, id, module)
            })
            .collect();
        PortRouter { modules }
    }
}

impl Router for PortRouter<'_> {
    fn get_route(&self, module_id: &ModuleId) -> Option<&dyn Module> {
        self.modules
            .iter()
            .find(|(_, id, _)| id == module_id)
            .map(|(_, _, module)| module.as_ref())
    }

    fn get_route_mut(&mut self, module_id: &ModuleId) -> Option<&mut dyn Module> {
        for (_, id, module) in self.modules.iter_mut() {
            if id == module_id {
                return Some(module.as_mut());
            }
        }
        None
    }

    fn lookup_module(&self, port_id: &PortId) -> Option<ModuleId> {
        self.modules
            .iter()
            .find(|(port, _, _)| port == port_id)
            .map(|(_, id, _)| id.clone())
    }
}
