//! The lifecycle every module plugs into.

use async_trait::async_trait;
use cnidarium::StateWrite;

use crate::error::SdkError;

#[async_trait]
pub trait Component {
    /// The key of this module's section in genesis `app_state`.
    const GENESIS_KEY: &'static str;
    type Genesis: serde::de::DeserializeOwned + Default + Send;

    /// Validates and writes the module's genesis; a bad genesis is refused with a clear error.
    async fn init_chain<S: StateWrite>(
        state: &mut S,
        genesis: Self::Genesis,
    ) -> Result<(), SdkError>;
}
