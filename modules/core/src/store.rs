//! Typed, gas-metered storage helpers shared by every module's `view.rs`.

use async_trait::async_trait;
use cnidarium::{StateDelta, StateRead, StateWrite};
use futures::StreamExt;
use prost::Message;
use serde::{de::DeserializeOwned, Serialize};

use crate::error::SdkError;
use crate::gas::{cost, GasMeterExt};

#[async_trait]
pub trait StoreRead: StateRead {
    async fn get_bytes(&self, key: &str) -> Result<Option<Vec<u8>>, SdkError> {
        self.consume_gas(cost::READ_FLAT, "ReadFlat")?;
        let value = self.get_raw(key).await?;
        let len = value.as_ref().map_or(0, Vec::len) as u64;
        self.consume_gas(len * cost::READ_PER_BYTE, "ReadPerByte")?;
        Ok(value)
    }

    async fn get_proto<T: Message + Default>(&self, key: &str) -> Result<Option<T>, SdkError> {
        match self.get_bytes(key).await? {
            Some(bytes) => T::decode(bytes.as_slice())
                .map(Some)
                .map_err(|e| SdkError::Internal(format!("corrupt value at {key}: {e}"))),
            None => Ok(None),
        }
    }

    async fn get_json<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, SdkError> {
        match self.get_bytes(key).await? {
            Some(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| SdkError::Internal(format!("corrupt value at {key}: {e}"))),
            None => Ok(None),
        }
    }

    /// Keys under a prefix in key order, stopping at the first for which `keep_going` is false;
    /// queues ordered by time read only their due head this way.
    async fn prefix_keys_while(
        &self,
        prefix: &str,
        keep_going: impl for<'k> Fn(&'k str) -> bool + Send + 'async_trait,
    ) -> Result<Vec<String>, SdkError> {
        let mut stream = Box::pin(self.prefix_keys(prefix));
        let mut keys = Vec::new();
        while let Some(key) = stream.next().await {
            let key = key?;
            self.consume_gas(cost::ITER_NEXT_FLAT, "IterNext")?;
            if !keep_going(&key) {
                break;
            }
            keys.push(key);
        }
        Ok(keys)
    }

    /// Every protobuf value under a prefix, in key order.
    async fn prefix_protos<T: Message + Default>(&self, prefix: &str) -> Result<Vec<T>, SdkError> {
        self.prefix_entries(prefix)
            .await?
            .into_iter()
            .map(|(key, value)| {
                T::decode(value.as_slice())
                    .map_err(|e| SdkError::Internal(format!("corrupt value at {key}: {e}")))
            })
            .collect()
    }

    /// A 128-bit amount; absent means zero.
    async fn get_amount(&self, key: &str) -> Result<u128, SdkError> {
        match self.get_bytes(key).await? {
            Some(bytes) => {
                let array: [u8; 16] = bytes
                    .as_slice()
                    .try_into()
                    .map_err(|_| SdkError::Internal(format!("corrupt amount at {key}")))?;
                Ok(u128::from_be_bytes(array))
            }
            None => Ok(0),
        }
    }

    /// All (key, value) pairs under a prefix, in key order.
    async fn prefix_entries(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>, SdkError> {
        let mut stream = Box::pin(self.prefix_raw(prefix));
        let mut entries = Vec::new();
        while let Some(item) = stream.next().await {
            let (key, value) = item?;
            self.consume_gas(
                cost::ITER_NEXT_FLAT + (value.len() as u64) * cost::READ_PER_BYTE,
                "IterNext",
            )?;
            entries.push((key, value));
        }
        Ok(entries)
    }
}

impl<T: StateRead + ?Sized> StoreRead for T {}

pub trait StoreWrite: StateWrite {
    fn put_bytes(&mut self, key: String, value: Vec<u8>) -> Result<(), SdkError> {
        self.consume_gas(
            cost::WRITE_FLAT + (key.len() + value.len()) as u64 * cost::WRITE_PER_BYTE,
            "WriteFlat",
        )?;
        self.put_raw(key, value);
        Ok(())
    }

    fn put_proto<T: Message>(&mut self, key: String, value: &T) -> Result<(), SdkError> {
        self.put_bytes(key, value.encode_to_vec())
    }

    fn put_json<T: Serialize>(&mut self, key: String, value: &T) -> Result<(), SdkError> {
        let bytes = serde_json::to_vec(value)
            .map_err(|e| SdkError::Internal(format!("cannot encode value at {key}: {e}")))?;
        self.put_bytes(key, bytes)
    }

    /// Stores a 128-bit amount; zero deletes the key so state holds no empty entries.
    fn put_amount(&mut self, key: String, amount: u128) -> Result<(), SdkError> {
        if amount == 0 {
            self.delete_key(key)
        } else {
            self.put_bytes(key, amount.to_be_bytes().to_vec())
        }
    }

    fn delete_key(&mut self, key: String) -> Result<(), SdkError> {
        self.consume_gas(cost::DELETE, "Delete")?;
        self.delete(key);
        Ok(())
    }
}

impl<T: StateWrite + ?Sized> StoreWrite for T {}

/// Keeps what an overlay did: its writes go to the parent and so do its events (cnidarium hands
/// them back instead of passing them on).
pub fn keep_overlay<S: StateWrite>(overlay: StateDelta<&mut S>) {
    let (parent, events) = overlay.apply();
    for event in events {
        parent.record(event);
    }
}

/// Runs `apply` in an overlay of `state` and keeps what it did only when it succeeds, so a
/// failure leaves no trace; the outcome is answered either way, by `succeeded` or by `failed`
/// with the error's text. This is how an IBC application takes a packet: the packet is received
/// whatever happens, and its ack tells the sender whether it was applied.
pub async fn answer_atomically<S: StateWrite, R>(
    state: &mut S,
    apply: impl AsyncFnOnce(&mut StateDelta<&mut S>) -> Result<(), SdkError>,
    succeeded: impl FnOnce() -> R,
    failed: impl FnOnce(&str) -> R,
) -> R {
    let mut overlay = StateDelta::new(&mut *state);
    match apply(&mut overlay).await {
        Ok(()) => {
            keep_overlay(overlay);
            succeeded()
        }
        Err(err) => failed(&err.to_string()),
    }
}
