//! The signature part of the ante handler: one signer's key, sequence and signature.

use cnidarium::StateWrite;
use rmesh_core::{Address, GasMeterExt, SdkError};

use crate::pubkey::{Any, PublicKey};
use crate::view::{AccountRead, AccountWrite};

pub struct SignerInput<'a> {
    pub signer: Address,
    /// The key from the tx's signer info; required until the account has one on chain.
    pub public_key: Option<&'a Any>,
    pub sequence: u64,
    pub signature: &'a [u8],
}

/// How the signature is checked: in a simulation the signature bytes are not verified (clients
/// simulate before they sign), everything else is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureMode {
    Verify,
    Simulate,
}

/// Checks the signer's key, sequence and signature, charges verification gas, then increments
/// the sequence and records the key. `sign_bytes` builds the sign doc for an account number.
pub async fn verify_signer<S: StateWrite>(
    state: &mut S,
    input: SignerInput<'_>,
    chain_id: &str,
    mode: SignatureMode,
    sign_bytes: impl Fn(u64) -> Vec<u8> + Send,
) -> Result<(), SdkError> {
    let mut account = match state.account(&input.signer).await? {
        Some(account) => account,
        None => {
            let text = state.format_address(&input.signer).await?;
            return Err(SdkError::UnknownAddress(format!("account {text} not found")));
        }
    };
    let key = signer_key(state, &input, account.pub_key.as_ref()).await?;
    if input.sequence != account.sequence {
        return Err(SdkError::WrongSequence { expected: account.sequence, got: input.sequence });
    }
    let cost = state.auth_params().await?.sig_verify_cost_secp256k1;
    state.consume_gas(cost, "ante verify: secp256k1")?;
    if mode == SignatureMode::Verify && !key.verify(&sign_bytes(account.account_number), input.signature) {
        return Err(SdkError::Unauthorized(format!(
            "signature verification failed; please verify account number ({}), sequence ({}) and chain-id ({chain_id})",
            account.account_number, account.sequence
        )));
    }
    account.sequence += 1;
    account.pub_key = Some(key.to_any());
    state.put_account(&input.signer, &account)
}

/// The key on chain wins; a first tx must carry a key whose address is the signer's.
async fn signer_key<S: StateWrite>(
    state: &S,
    input: &SignerInput<'_>,
    stored: Option<&Any>,
) -> Result<PublicKey, SdkError> {
    if let Some(stored) = stored {
        return PublicKey::from_any(stored);
    }
    let provided = input.public_key.ok_or_else(|| {
        SdkError::InvalidPubKey("the account has no public key yet; the tx must include it".into())
    })?;
    let key = PublicKey::from_any(provided)?;
    if key.address() != input.signer {
        let signer = state.format_address(&input.signer).await?;
        return Err(SdkError::InvalidPubKey(format!(
            "pubKey does not match signer address {signer}"
        )));
    }
    Ok(key)
}
