//! The converter: the mesh-security consumer's face to provider chains. It keeps providers
//! (denom, price feed, discount, cap, status), holds every position in the provider's denom,
//! answers provider packets with the reference's acks, re-prices positions into virtual-staking
//! requests at each epoch, and queues what providers must hear: validator set news with true
//! slash data, rewards, forced unstakes. The IBC layer (`ConverterModule` on `PORT`) calls the
//! packet and channel hooks of `Converter`.

mod close;
mod component;
mod epoch;
mod error;
mod event;
mod genesis;
mod hooks;
mod ibc_app;
mod msg;
mod msg_add_provider;
mod msg_close_channel;
mod msg_remove_provider;
mod msg_set_price;
mod msg_update_provider;
mod outbox;
mod packet;
mod positions;
mod provider;
mod query;
mod receive;
mod state_key;
mod valset;
mod view;

pub use component::Converter;
pub use error::ConverterError;
pub use genesis::GenesisState;
pub use hooks::ConverterHooks;
pub use ibc_app::{ConverterModule, PORT};
pub use msg_add_provider::AddProviderHandler;
pub use msg_close_channel::CloseChannelHandler;
pub use msg_remove_provider::RemoveProviderHandler;
pub use msg_set_price::SetPriceHandler;
pub use msg_update_provider::UpdateProviderHandler;
pub use provider::{ChannelClose, Provider, ProviderStatus};
pub use query::ConverterQuery;
pub use view::{ConverterRead, ConverterWrite, Positions};

/// The module account holding rewards for providers' stakers until they are transferred.
pub const CONVERTER_ACCOUNT: &str = "converter";
