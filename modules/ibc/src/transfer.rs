//! ICS-20 fungible token transfer: ibc-rs's handlers over our bank. Native tokens leave into an
//! escrow account per channel; tokens from elsewhere arrive as `ibc/<SHA256(trace)>` vouchers,
//! minted on receipt and burned when sent back, their traces kept for queries and for sending.

use cnidarium::StateWrite;
use ibc::apps::transfer::context::{TokenTransferExecutionContext, TokenTransferValidationContext};
use ibc::apps::transfer::module as ics20;
use ibc::apps::transfer::types::error::TokenTransferError;
use ibc::apps::transfer::types::{Memo, PrefixedCoin, PrefixedDenom};
use ibc::core::channel::types::acknowledgement::Acknowledgement;
use ibc::core::channel::types::channel::{Counterparty, Order};
use ibc::core::channel::types::error::ChannelError;
use ibc::core::channel::types::packet::Packet;
use ibc::core::channel::types::Version;
use ibc::core::host::types::error::HostError;
use ibc::core::host::types::identifiers::{ChannelId, ConnectionId, PortId};
use ibc::core::router::module::Module;
use ibc::core::router::types::module::ModuleExtras;
use ibc::primitives::Signer;
use rmesh_core::{Address, Coin, Coins, SdkError};
use sha2::{Digest, Sha256};

use crate::state_key;
use crate::store::{IbcStore, TxStore};

pub struct TransferModule<'a, S: StateWrite> {
    store: TxStore<'a, S>,
    account_prefix: String,
}

impl<S: StateWrite> std::fmt::Debug for TransferModule<'_, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TransferModule")
    }
}

/// `ibc/` + upper-case hex SHA-256 of the full trace, as ibc-go names vouchers.
pub fn voucher_denom(trace: &str) -> String {
    format!(
        "ibc/{}",
        hex::encode_upper(Sha256::digest(trace.as_bytes()))
    )
}

/// The account escrowing native tokens sent out on `port/channel` (ibc-go's derivation).
pub fn escrow_address(port: &PortId, channel: &ChannelId) -> Address {
    let mut preimage = b"ics20-1\0".to_vec();
    preimage.extend_from_slice(format!("{port}/{channel}").as_bytes());
    let digest = Sha256::digest(&preimage);
    let mut bytes = [0u8; 20];
    bytes.copy_from_slice(&digest[..20]);
    Address(bytes)
}

/// The bank denom of an ICS-20 denom: itself when native, else its voucher.
fn bank_denom(denom: &PrefixedDenom) -> String {
    if denom.trace_path.is_empty() {
        denom.base_denom.to_string()
    } else {
        voucher_denom(&denom.to_string())
    }
}

fn host_error(err: SdkError) -> HostError {
    HostError::failed_to_store(err)
}

fn coins_of(coin: &PrefixedCoin) -> Result<Coins, HostError> {
    let amount: u128 = coin.amount.to_string().parse().map_err(|_| {
        HostError::invalid_state(format!("amount {} exceeds 128 bits", coin.amount))
    })?;
    let mut coins = Coins::new();
    coins
        .add(&Coin::new(amount, bank_denom(&coin.denom)))
        .map_err(host_error)?;
    Ok(coins)
}

impl<'a, S: StateWrite> TransferModule<'a, S> {
    pub fn new(store: TxStore<'a, S>, account_prefix: String) -> Self {
        TransferModule {
            store,
            account_prefix,
        }
    }

    fn account(&self, signer: &Signer) -> Result<Address, HostError> {
        Address::from_bech32(signer.as_ref(), &self.account_prefix)
            .map_err(|e| HostError::invalid_state(format!("account {signer}: {e}")))
    }

    fn ensure_balance(&self, holder: &Address, coin: &PrefixedCoin) -> Result<(), HostError> {
        for wanted in coins_of(coin)?.iter() {
            let held = self
                .store
                .balance(holder, &wanted.denom)
                .map_err(HostError::failed_to_retrieve)?;
            if held < wanted.amount {
                return Err(HostError::invalid_state(format!(
                    "balance {held}{} is smaller than {wanted}",
                    wanted.denom
                )));
            }
        }
        Ok(())
    }
}

impl<S: StateWrite> TokenTransferValidationContext for TransferModule<'_, S> {
    type AccountId = Address;

    fn sender_account(&self, sender: &Signer) -> Result<Address, HostError> {
        self.account(sender)
    }

    fn receiver_account(&self, receiver: &Signer) -> Result<Address, HostError> {
        self.account(receiver)
    }

    fn get_port(&self) -> Result<PortId, HostError> {
        Ok(PortId::transfer())
    }

    fn can_send_coins(&self) -> Result<(), HostError> {
        Ok(())
    }

    fn can_receive_coins(&self) -> Result<(), HostError> {
        Ok(())
    }

    fn escrow_coins_validate(
        &self,
        from: &Address,
        _port: &PortId,
        _channel: &ChannelId,
        coin: &PrefixedCoin,
        _memo: &Memo,
    ) -> Result<(), HostError> {
        self.ensure_balance(from, coin)
    }

    fn unescrow_coins_validate(
        &self,
        _to: &Address,
        port: &PortId,
        channel: &ChannelId,
        coin: &PrefixedCoin,
    ) -> Result<(), HostError> {
        self.ensure_balance(&escrow_address(port, channel), coin)
    }

    fn mint_coins_validate(
        &self,
        _account: &Address,
        coin: &PrefixedCoin,
    ) -> Result<(), HostError> {
        coins_of(coin).map(|_| ())
    }

    fn burn_coins_validate(
        &self,
        account: &Address,
        coin: &PrefixedCoin,
        _memo: &Memo,
    ) -> Result<(), HostError> {
        self.ensure_balance(account, coin)
    }

    fn denom_hash_string(&self, denom: &PrefixedDenom) -> Option<String> {
        let voucher = bank_denom(denom);
        voucher.strip_prefix("ibc/").map(str::to_string)
    }
}

impl<S: StateWrite> TokenTransferExecutionContext for TransferModule<'_, S> {
    fn escrow_coins_execute(
        &mut self,
        from: &Address,
        port: &PortId,
        channel: &ChannelId,
        coin: &PrefixedCoin,
        _memo: &Memo,
    ) -> Result<(), HostError> {
        let escrow = escrow_address(port, channel);
        self.store
            .send(from, &escrow, &coins_of(coin)?)
            .map_err(host_error)
    }

    fn unescrow_coins_execute(
        &mut self,
        to: &Address,
        port: &PortId,
        channel: &ChannelId,
        coin: &PrefixedCoin,
    ) -> Result<(), HostError> {
        let escrow = escrow_address(port, channel);
        self.store
            .send(&escrow, to, &coins_of(coin)?)
            .map_err(host_error)
    }

    fn mint_coins_execute(
        &mut self,
        account: &Address,
        coin: &PrefixedCoin,
    ) -> Result<(), HostError> {
        let trace = coin.denom.to_string();
        if let Some(hash) = voucher_denom(&trace).strip_prefix("ibc/") {
            self.store
                .put(state_key::denom_trace(hash), trace.clone().into_bytes())
                .map_err(host_error)?;
        }
        self.store
            .mint(account, &coins_of(coin)?)
            .map_err(host_error)
    }

    fn burn_coins_execute(
        &mut self,
        account: &Address,
        coin: &PrefixedCoin,
        _memo: &Memo,
    ) -> Result<(), HostError> {
        self.store
            .burn(account, &coins_of(coin)?)
            .map_err(host_error)
    }
}

fn channel_error(err: TokenTransferError) -> ChannelError {
    ChannelError::AppSpecific {
        description: err.to_string(),
    }
}

impl<S: StateWrite> Module for TransferModule<'_, S> {
    fn on_chan_open_init_validate(
        &self,
        order: Order,
        hops: &[ConnectionId],
        port: &PortId,
        channel: &ChannelId,
        counterparty: &Counterparty,
        version: &Version,
    ) -> Result<Version, ChannelError> {
        ics20::on_chan_open_init_validate(self, order, hops, port, channel, counterparty, version)
            .map_err(channel_error)?;
        Ok(Version::new(
            ibc::apps::transfer::types::VERSION.to_string(),
        ))
    }

    fn on_chan_open_init_execute(
        &mut self,
        order: Order,
        hops: &[ConnectionId],
        port: &PortId,
        channel: &ChannelId,
        counterparty: &Counterparty,
        version: &Version,
    ) -> Result<(ModuleExtras, Version), ChannelError> {
        ics20::on_chan_open_init_execute(self, order, hops, port, channel, counterparty, version)
            .map_err(channel_error)
    }

    fn on_chan_open_try_validate(
        &self,
        order: Order,
        hops: &[ConnectionId],
        port: &PortId,
        channel: &ChannelId,
        counterparty: &Counterparty,
        version: &Version,
    ) -> Result<Version, ChannelError> {
        ics20::on_chan_open_try_validate(self, order, hops, port, channel, counterparty, version)
            .map_err(channel_error)?;
        Ok(Version::new(
            ibc::apps::transfer::types::VERSION.to_string(),
        ))
    }

    fn on_chan_open_try_execute(
        &mut self,
        order: Order,
        hops: &[ConnectionId],
        port: &PortId,
        channel: &ChannelId,
        counterparty: &Counterparty,
        version: &Version,
    ) -> Result<(ModuleExtras, Version), ChannelError> {
        ics20::on_chan_open_try_execute(self, order, hops, port, channel, counterparty, version)
            .map_err(channel_error)
    }

    fn on_chan_open_ack_validate(
        &self,
        port: &PortId,
        channel: &ChannelId,
        version: &Version,
    ) -> Result<(), ChannelError> {
        ics20::on_chan_open_ack_validate(self, port, channel, version).map_err(channel_error)
    }

    // No one may close an ICS-20 channel (ibc-go refuses too): vouchers can only go home over
    // the channel that minted them, so a closed one strands them for good. The router's
    // defaults accept, so both steps say no here.
    fn on_chan_close_init_validate(
        &self,
        port: &PortId,
        channel: &ChannelId,
    ) -> Result<(), ChannelError> {
        ics20::on_chan_close_init_validate(self, port, channel).map_err(channel_error)
    }

    fn on_chan_close_init_execute(
        &mut self,
        port: &PortId,
        channel: &ChannelId,
    ) -> Result<ModuleExtras, ChannelError> {
        ics20::on_chan_close_init_execute(self, port, channel).map_err(channel_error)
    }

    fn on_recv_packet_execute(
        &mut self,
        packet: &Packet,
        _relayer: &Signer,
    ) -> (ModuleExtras, Option<Acknowledgement>) {
        let (extras, ack) = ics20::on_recv_packet_execute(self, packet);
        (extras, Some(ack))
    }

    fn on_acknowledgement_packet_validate(
        &self,
        packet: &Packet,
        acknowledgement: &Acknowledgement,
        relayer: &Signer,
    ) -> Result<(), ChannelError> {
        ics20::on_acknowledgement_packet_validate(self, packet, acknowledgement, relayer)
            .map_err(channel_error)
    }

    fn on_acknowledgement_packet_execute(
        &mut self,
        packet: &Packet,
        acknowledgement: &Acknowledgement,
        relayer: &Signer,
    ) -> (ModuleExtras, Result<(), ChannelError>) {
        let (extras, result) =
            ics20::on_acknowledgement_packet_execute(self, packet, acknowledgement, relayer);
        (extras, result.map_err(channel_error))
    }

    fn on_timeout_packet_validate(
        &self,
        packet: &Packet,
        relayer: &Signer,
    ) -> Result<(), ChannelError> {
        ics20::on_timeout_packet_validate(self, packet, relayer).map_err(channel_error)
    }

    fn on_timeout_packet_execute(
        &mut self,
        packet: &Packet,
        relayer: &Signer,
    ) -> (ModuleExtras, Result<(), ChannelError>) {
        let (extras, result) = ics20::on_timeout_packet_execute(self, packet, relayer);
        (extras, result.map_err(channel_error))
    }
}

#[cfg(test)]
mod tests {
    use cnidarium::{StateDelta, TempStorage};

    use super::*;

    #[tokio::test]
    async fn no_one_may_start_closing_an_ics20_channel() {
        let storage = TempStorage::new().await.unwrap();
        let mut state = StateDelta::new(storage.latest_snapshot());
        let mut module = TransferModule::new(TxStore::new(&mut state), "rmesh".into());
        let (port, channel) = (PortId::transfer(), ChannelId::new(0));
        assert!(module.on_chan_close_init_validate(&port, &channel).is_err());
        assert!(module.on_chan_close_init_execute(&port, &channel).is_err());
    }
}
