//! The vault's subscription to staking: native slashes of validators with local stake.

use async_trait::async_trait;
use cnidarium::StateWrite;
use rmesh_core::SdkError;
use rmesh_staking::{SlashRecord, StakingHooks};

use crate::local::on_validator_slashed;

/// Staking hooks of the vault. Only slashes move tokens; jailing alone changes nothing here.
pub struct VaultHooks;

#[async_trait]
impl StakingHooks for VaultHooks {
    /// Runs after staking burned from the validator and its unbondings, so the loss is read
    /// off staking's own (rounded) numbers rather than recomputed from the fraction.
    async fn after_validator_slashed<S: StateWrite>(
        state: &mut S,
        record: &SlashRecord,
    ) -> Result<(), SdkError> {
        on_validator_slashed(state, &record.operator).await
    }
}
