//! Genesis `app_state`: one section per module, applied in dependency order.

use cnidarium::StateWrite;
use rmesh_auth::Auth;
use rmesh_bank::Bank;
use rmesh_converter::Converter;
use rmesh_core::{Component, SdkError};
use rmesh_distribution::Distribution;
use rmesh_external_staking::ExternalStaking;
use rmesh_ibc::Ibc;
use rmesh_slashing::Slashing;
use rmesh_staking::Staking;
use rmesh_vault::Vault;
use rmesh_virtual_staking::VirtualStaking;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppState {
    #[serde(default)]
    pub auth: rmesh_auth::GenesisState,
    #[serde(default)]
    pub bank: rmesh_bank::GenesisState,
    #[serde(default)]
    pub staking: rmesh_staking::genesis::GenesisState,
    #[serde(default)]
    pub slashing: rmesh_slashing::genesis::GenesisState,
    #[serde(default)]
    pub distribution: rmesh_distribution::genesis::GenesisState,
    #[serde(default)]
    pub virtual_staking: rmesh_virtual_staking::genesis::GenesisState,
    #[serde(default)]
    pub converter: rmesh_converter::genesis::GenesisState,
    #[serde(default)]
    pub ibc: rmesh_ibc::component::GenesisState,
    #[serde(default)]
    pub vault: rmesh_vault::genesis::GenesisState,
    #[serde(default)]
    pub external_staking: rmesh_external_staking::genesis::GenesisState,
}

impl AppState {
    /// Parses `app_state` bytes; empty bytes mean an empty genesis.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, SdkError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(AppState::default());
        }
        serde_json::from_slice(bytes)
            .map_err(|e| SdkError::InvalidRequest(format!("invalid genesis app_state: {e}")))
    }
}

/// Writes every module's genesis; the first invalid section aborts with its error.
pub async fn init_chain<S: StateWrite>(state: &mut S, app_state: AppState) -> Result<(), SdkError> {
    Auth::init_chain(state, app_state.auth).await?;
    Bank::init_chain(state, app_state.bank).await?;
    Staking::init_chain(state, app_state.staking).await?;
    Slashing::init_chain(state, app_state.slashing).await?;
    Distribution::init_chain(state, app_state.distribution).await?;
    VirtualStaking::init_chain(state, app_state.virtual_staking).await?;
    Converter::init_chain(state, app_state.converter).await?;
    Ibc::init_chain(state, app_state.ibc).await?;
    Vault::init_chain(state, app_state.vault).await?;
    ExternalStaking::init_chain(state, app_state.external_staking).await?;
    Ok(())
}
