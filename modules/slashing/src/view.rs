//! Signing infos and the missed-blocks window, per consensus address.

use async_trait::async_trait;
use cnidarium::{StateRead, StateWrite};
use rmesh_core::{SdkError, StoreRead, StoreWrite};
use serde::{Deserialize, Serialize};

use crate::params::Params;
use crate::state_key;

/// The SDK's ValidatorSigningInfo.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningInfo {
    pub start_height: u64,
    pub index_offset: u64,
    pub jailed_until_nanos: u64,
    pub tombstoned: bool,
    pub missed_blocks_counter: u64,
}

#[async_trait]
pub trait SlashingRead: StateRead {
    async fn slashing_params(&self) -> Result<Params, SdkError> {
        Ok(self.get_json(state_key::PARAMS).await?.unwrap_or_default())
    }

    async fn signing_info(&self, consensus: &[u8; 20]) -> Result<Option<SigningInfo>, SdkError> {
        self.get_json(&state_key::signing_info(consensus)).await
    }

    async fn missed_at(&self, consensus: &[u8; 20], index: u64) -> Result<bool, SdkError> {
        Ok(self
            .get_bytes(&state_key::missed(consensus, index))
            .await?
            .is_some())
    }

    /// (consensus address hex, info) for every validator that has signed or missed.
    async fn all_signing_infos(&self) -> Result<Vec<(String, SigningInfo)>, SdkError> {
        let mut infos = Vec::new();
        for (key, value) in self.prefix_entries(state_key::SIGNING_INFO_PREFIX).await? {
            let info = serde_json::from_slice(&value)
                .map_err(|e| SdkError::Internal(format!("corrupt signing info at {key}: {e}")))?;
            infos.push((
                key[state_key::SIGNING_INFO_PREFIX.len()..].to_string(),
                info,
            ));
        }
        Ok(infos)
    }
}

impl<T: StateRead + ?Sized> SlashingRead for T {}

#[async_trait]
pub trait SlashingWrite: StateWrite {
    fn put_slashing_params(&mut self, params: &Params) -> Result<(), SdkError> {
        self.put_json(state_key::PARAMS.to_string(), params)
    }

    fn put_signing_info(
        &mut self,
        consensus: &[u8; 20],
        info: &SigningInfo,
    ) -> Result<(), SdkError> {
        self.put_json(state_key::signing_info(consensus), info)
    }

    fn put_missed(
        &mut self,
        consensus: &[u8; 20],
        index: u64,
        missed: bool,
    ) -> Result<(), SdkError> {
        let key = state_key::missed(consensus, index);
        if missed {
            self.put_bytes(key, vec![1])
        } else {
            self.delete_key(key)
        }
    }

    /// Forgets the whole window (after a jailing, the validator starts afresh).
    async fn clear_missed(&mut self, consensus: &[u8; 20]) -> Result<(), SdkError> {
        for key in self
            .prefix_keys_while(&state_key::missed_prefix(consensus), |_| true)
            .await?
        {
            self.delete_key(key)?;
        }
        Ok(())
    }
}

impl<T: StateWrite + ?Sized> SlashingWrite for T {}
