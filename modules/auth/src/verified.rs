//! Signatures this node has already verified, so a tx checked by the mempool is not verified
//! again when its block runs. A hit needs the same key, signature and sign doc, whose validity
//! is a pure function of them: skipping the check never changes a result.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use cnidarium::{StateRead, StateWrite};
use sha2::{Digest, Sha256};

const OBJECT_KEY: &str = "auth/verified_signatures";
/// Bounded memory: when full the set starts over.
const CAPACITY: usize = 200_000;

#[derive(Debug, Default)]
pub struct VerifiedSignatures {
    seen: Mutex<HashSet<[u8; 32]>>,
}

impl VerifiedSignatures {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    pub fn fingerprint(public_key: &[u8], signature: &[u8], sign_bytes: &[u8]) -> [u8; 32] {
        let mut hasher = Sha256::new();
        for part in [public_key, signature, sign_bytes] {
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part);
        }
        hasher.finalize().into()
    }

    pub fn contains(&self, fingerprint: &[u8; 32]) -> bool {
        self.seen
            .lock()
            .map(|seen| seen.contains(fingerprint))
            .unwrap_or(false)
    }

    pub fn insert(&self, fingerprint: [u8; 32]) {
        if let Ok(mut seen) = self.seen.lock() {
            if seen.len() >= CAPACITY {
                seen.clear();
            }
            seen.insert(fingerprint);
        }
    }
}

pub trait VerifiedSignaturesExt: StateRead {
    fn verified_signatures(&self) -> Option<Arc<VerifiedSignatures>> {
        self.object_get::<Arc<VerifiedSignatures>>(OBJECT_KEY)
    }
}

impl<T: StateRead + ?Sized> VerifiedSignaturesExt for T {}

pub trait VerifiedSignaturesWriteExt: StateWrite {
    /// Shares the node's cache with the block or mempool overlay about to run.
    fn use_verified_signatures(&mut self, cache: Arc<VerifiedSignatures>) {
        self.object_put(OBJECT_KEY, cache);
    }
}

impl<T: StateWrite + ?Sized> VerifiedSignaturesWriteExt for T {}
