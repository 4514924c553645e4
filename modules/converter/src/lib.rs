//! The converter: the mesh-security consumer's face to provider chains. It keeps providers
//! (denom, price feed, discount, cap, status), holds every position in the provider's denom,
//! answers provider packets with the reference's acks, re-prices positions into virtual-staking
//! requests at each epoch, and queues what providers must hear: validator set news with true
//! slash data, rewards, forced unstakes. The IBC layer calls `receive::on_recv_packet`,
//! `outbox::take_unsent`, `outbox::on_acknowledgement` / `on_timeout` and the channel hooks of
//! `Converter`.

pub mod close;
pub mod component;
pub mod epoch;
pub mod error;
pub mod event;
pub mod genesis;
pub mod hooks;
pub mod ibc_app;
pub mod msg;
pub mod msg_add_provider;
pub mod msg_close_channel;
pub mod msg_remove_provider;
pub mod msg_set_price;
pub mod msg_update_provider;
pub mod outbox;
pub mod packet;
pub mod positions;
pub mod provider;
pub mod query;
pub mod receive;
pub mod state_key;
pub mod valset;
pub mod view;

pub use component::Converter;
pub use error::ConverterError;
pub use hooks::ConverterHooks;
pub use msg_add_provider::AddProviderHandler;
pub use msg_close_channel::CloseChannelHandler;
pub use msg_remove_provider::RemoveProviderHandler;
pub use msg_set_price::SetPriceHandler;
pub use msg_update_provider::UpdateProviderHandler;
pub use provider::{ChannelClose, Provider, ProviderStatus};
pub use view::{ConverterRead, ConverterWrite};

/// The module account holding rewards for providers' stakers until they are transferred.
pub const CONVERTER_ACCOUNT: &str = "converter";
