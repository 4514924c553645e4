//! The signature part of the ante handler: one signer's key, sequence and signature.

use cnidarium::StateWrite;
use rmesh_core::{Address, GasMeterExt, SdkError};

use crate::pubkey::{Any, PublicKey};
use crate::verified::{VerifiedSignatures, VerifiedSignaturesExt};
use crate::view::{AccountRead, AccountWrite};

pub struct SignerInput<'a> {
    pub signer: Address,
    /// The key from the tx's signer info; required until the account has one on chain.
    pub public_key: Option<&'a Any>,
    pub sequence: u64,
    pub signature: &'a [u8],
}

/// How the signature is checked. Simulations are unsigned (clients simulate before they sign)
/// and rechecks re-run txs whose signatures were verified when the mempool admitted them; both
/// skip only the signature bytes, everything else is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureMode {
    Verify,
    Skip,
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
            return Err(SdkError::UnknownAddress(format!(
                "account {text} not found"
            )));
        }
    };
    let key = signer_key(state, &input, account.pub_key.as_ref()).await?;
    if input.sequence != account.sequence {
        return Err(SdkError::WrongSequence {
            expected: account.sequence,
            got: input.sequence,
        });
    }
    let cost = state.auth_params().await?.sig_verify_cost_secp256k1;
    state.consume_gas(cost, "ante verify: secp256k1")?;
    if mode == SignatureMode::Verify
        && !verify_once(
            state,
            &key,
            input.signature,
            &sign_bytes(account.account_number),
        )
    {
        return Err(SdkError::Unauthorized(format!(
            "signature verification failed; please verify account number ({}), sequence ({}) and chain-id ({chain_id})",
            account.account_number, account.sequence
        )));
    }
    account.sequence += 1;
    account.pub_key = Some(key.to_any());
    state.put_account(&input.signer, &account)
}

/// Verifies, unless this node already verified exactly this (key, signature, sign doc).
fn verify_once<S: StateWrite>(
    state: &S,
    key: &PublicKey,
    signature: &[u8],
    sign_bytes: &[u8],
) -> bool {
    let cache = state.verified_signatures();
    let fingerprint = VerifiedSignatures::fingerprint(key.compressed(), signature, sign_bytes);
    if cache
        .as_ref()
        .is_some_and(|cache| cache.contains(&fingerprint))
    {
        return true;
    }
    let valid = key.verify(sign_bytes, signature);
    if let (true, Some(cache)) = (valid, cache) {
        cache.insert(fingerprint);
    }
    valid
}

/// The key on chain wins; a first tx must carry a key whose address is the signer's.
async fn signer_key<S: StateWrite>(
    state: &S,
    input: &SignerInput<'_>,
    stored: Option<&Any>,
) -> Result<PublicKey, SdkError> {
    if let Some(stored) = stored {
        return PublicKey::from_stored_any(stored);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pubkey::PublicKey;
    use crate::view::{AccountRead, AccountWrite};
    use cnidarium::{StateDelta, TempStorage};
    use k256::ecdsa::{signature::Signer, Signature, SigningKey};
    use rmesh_core::AbciCode;

    struct Signer1 {
        key: SigningKey,
        public: PublicKey,
    }

    fn signer() -> Signer1 {
        let key = SigningKey::random(&mut rand::thread_rng());
        let public =
            PublicKey::from_sec1(key.verifying_key().to_encoded_point(true).as_bytes()).unwrap();
        Signer1 { key, public }
    }

    fn sign(key: &SigningKey, message: &[u8]) -> Vec<u8> {
        let signature: Signature = key.sign(message);
        signature.to_bytes().to_vec()
    }

    fn doc(account_number: u64) -> Vec<u8> {
        format!("sign doc for account {account_number}").into_bytes()
    }

    async fn check(
        state: &mut StateDelta<cnidarium::Snapshot>,
        who: &Signer1,
        sequence: u64,
        signature: &[u8],
    ) -> Result<(), SdkError> {
        let any = who.public.to_any();
        let input = SignerInput {
            signer: who.public.address(),
            public_key: Some(&any),
            sequence,
            signature,
        };
        verify_signer(state, input, "test-1", SignatureMode::Verify, doc).await
    }

    #[tokio::test]
    async fn a_valid_signature_advances_the_sequence_and_records_the_key() {
        let storage = TempStorage::new().await.unwrap();
        let mut state = StateDelta::new(storage.latest_snapshot());
        let alice = signer();
        let number = state
            .ensure_account(&alice.public.address())
            .await
            .unwrap()
            .account_number;
        check(&mut state, &alice, 0, &sign(&alice.key, &doc(number)))
            .await
            .unwrap();
        let account = state
            .account(&alice.public.address())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(account.sequence, 1);
        assert_eq!(account.pub_key, Some(alice.public.to_any()));
    }

    #[tokio::test]
    async fn wrong_sequences_signatures_and_unknown_accounts_are_refused() {
        let storage = TempStorage::new().await.unwrap();
        let mut state = StateDelta::new(storage.latest_snapshot());
        let (alice, mallory) = (signer(), signer());
        let good = sign(&alice.key, &doc(0));
        assert_eq!(
            check(&mut state, &alice, 0, &good)
                .await
                .unwrap_err()
                .code(),
            9
        );
        state.ensure_account(&alice.public.address()).await.unwrap();
        assert_eq!(
            check(&mut state, &alice, 4, &good).await.unwrap_err(),
            SdkError::WrongSequence {
                expected: 0,
                got: 4
            }
        );
        let forged = sign(&mallory.key, &doc(0));
        assert_eq!(
            check(&mut state, &alice, 0, &forged)
                .await
                .unwrap_err()
                .code(),
            4
        );
        let other_doc = sign(&alice.key, &doc(7));
        assert_eq!(
            check(&mut state, &alice, 0, &other_doc)
                .await
                .unwrap_err()
                .code(),
            4
        );
        assert_eq!(
            state
                .account(&alice.public.address())
                .await
                .unwrap()
                .unwrap()
                .sequence,
            0
        );
    }

    #[tokio::test]
    async fn a_remembered_signature_never_lets_a_different_one_through() {
        use crate::verified::{VerifiedSignatures, VerifiedSignaturesWriteExt};
        let storage = TempStorage::new().await.unwrap();
        let mut state = StateDelta::new(storage.latest_snapshot());
        state.use_verified_signatures(VerifiedSignatures::new());
        let (alice, mallory) = (signer(), signer());
        let number = state
            .ensure_account(&alice.public.address())
            .await
            .unwrap()
            .account_number;
        check(&mut state, &alice, 0, &sign(&alice.key, &doc(number)))
            .await
            .unwrap();
        let forged = sign(&mallory.key, &doc(number));
        assert_eq!(
            check(&mut state, &alice, 1, &forged)
                .await
                .unwrap_err()
                .code(),
            4
        );
    }

    #[tokio::test]
    async fn a_high_s_signature_is_refused_even_though_it_verifies_mathematically() {
        let alice = signer();
        let signature: Signature = alice.key.sign(&doc(0));
        let (r, s) = signature.split_scalars();
        let high_s = Signature::from_scalars(r, -*s).unwrap();
        assert!(!alice.public.verify(&doc(0), &high_s.to_bytes()));
        assert!(alice.public.verify(&doc(0), &signature.to_bytes()));
    }
}
