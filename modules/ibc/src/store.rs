//! ibc-rs's contexts are synchronous and our state is async, so the IBC contexts read through
//! `IbcStore`, a small synchronous view. Reads block on cnidarium's future outside tokio's
//! cooperative budget (`unconstrained`): a long handler would otherwise park the worker forever
//! once the budget ran out. Writes and events are synchronous in cnidarium already.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use cnidarium::{Snapshot, StateWrite};
use rmesh_bank::{BankRead, BankWrite};
use rmesh_core::query::Committed;
use rmesh_core::{Address, Coins, SdkError, StoreRead, StoreWrite};
use tendermint::abci::Event;

/// Runs an async store operation to completion from synchronous IBC code.
pub fn run<F: Future>(future: F) -> F::Output {
    futures::executor::block_on(tokio::task::unconstrained(future))
}

pub trait IbcStore {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, SdkError>;
    /// Every key under `prefix`, in key order.
    fn keys_under(&self, prefix: &str) -> Result<Vec<String>, SdkError>;
    fn put(&self, key: String, value: Vec<u8>) -> Result<(), SdkError>;
    fn delete(&self, key: String) -> Result<(), SdkError>;
    fn record(&self, event: Event);
}

/// The state a tx executes on, shared by the core context and the applications of one message.
/// It is reached only through [`read`](Self::read) and [`write`](Self::write): a callback that
/// re-entered the store while it is borrowed gets an error, never the RefCell's panic inside
/// FinalizeBlock.
pub struct TxStore<'a, S: StateWrite>(Rc<RefCell<&'a mut S>>);

impl<S: StateWrite> Clone for TxStore<'_, S> {
    fn clone(&self) -> Self {
        TxStore(self.0.clone())
    }
}

fn reentered() -> SdkError {
    SdkError::Internal("the tx's state is already borrowed: an IBC callback re-entered it".into())
}

impl<'a, S: StateWrite> TxStore<'a, S> {
    pub fn new(state: &'a mut S) -> Self {
        TxStore(Rc::new(RefCell::new(state)))
    }

    /// Runs `f` on the state, read-only.
    pub fn read<R>(&self, f: impl FnOnce(&S) -> Result<R, SdkError>) -> Result<R, SdkError> {
        let state = self.0.try_borrow().map_err(|_| reentered())?;
        f(&state)
    }

    /// Runs `f` on the state; what it writes is the tx's.
    pub fn write<R>(&self, f: impl FnOnce(&mut S) -> Result<R, SdkError>) -> Result<R, SdkError> {
        let mut state = self.0.try_borrow_mut().map_err(|_| reentered())?;
        f(&mut state)
    }

    pub fn balance(&self, address: &Address, denom: &str) -> Result<u128, SdkError> {
        self.read(|state| run(state.balance(address, denom)))
    }

    pub fn send(&self, from: &Address, to: &Address, coins: &Coins) -> Result<(), SdkError> {
        self.write(|state| run(state.send(from, to, coins)))
    }

    pub fn mint(&self, to: &Address, coins: &Coins) -> Result<(), SdkError> {
        self.write(|state| run(state.mint(to, coins)))
    }

    pub fn burn(&self, from: &Address, coins: &Coins) -> Result<(), SdkError> {
        self.write(|state| run(state.burn(from, coins)))
    }
}

impl<S: StateWrite> IbcStore for TxStore<'_, S> {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, SdkError> {
        self.read(|state| run(state.get_bytes(key)))
    }

    fn keys_under(&self, prefix: &str) -> Result<Vec<String>, SdkError> {
        self.read(|state| run(state.prefix_keys_while(prefix, |_| true)))
    }

    fn put(&self, key: String, value: Vec<u8>) -> Result<(), SdkError> {
        self.write(|state| state.put_bytes(key, value))
    }

    fn delete(&self, key: String) -> Result<(), SdkError> {
        self.write(|state| state.delete_key(key))
    }

    fn record(&self, event: Event) {
        // ibc-rs emits events outside any callback, so the state is free here.
        let _ = self.write(|state| {
            state.record(event);
            Ok(())
        });
    }
}

/// A committed snapshot for queries: reads only (and proofs at other heights).
#[derive(Clone)]
pub struct SnapshotStore {
    snapshot: Snapshot,
    committed: Committed,
}

impl SnapshotStore {
    pub fn new(snapshot: Snapshot, committed: Committed) -> Self {
        SnapshotStore {
            snapshot,
            committed,
        }
    }

    /// The snapshot committed at `height`, if still kept.
    pub fn at(&self, height: u64) -> Option<Snapshot> {
        self.committed.snapshot(height)
    }

    /// Every (key, value) under `prefix`, in key order, in one pass.
    pub fn entries_under(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>, SdkError> {
        run(self.snapshot.prefix_entries(prefix))
    }
}

impl IbcStore for SnapshotStore {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, SdkError> {
        run(self.snapshot.get_bytes(key))
    }

    fn keys_under(&self, prefix: &str) -> Result<Vec<String>, SdkError> {
        run(self.snapshot.prefix_keys_while(prefix, |_| true))
    }

    fn put(&self, key: String, _value: Vec<u8>) -> Result<(), SdkError> {
        Err(SdkError::Internal(format!("a query cannot write {key}")))
    }

    fn delete(&self, key: String) -> Result<(), SdkError> {
        Err(SdkError::Internal(format!("a query cannot delete {key}")))
    }

    fn record(&self, _event: Event) {}
}

#[cfg(test)]
mod tests {
    use cnidarium::{StateDelta, TempStorage};

    use super::*;

    #[tokio::test]
    async fn a_callback_that_reenters_the_tx_state_gets_an_error_instead_of_a_panic() {
        let storage = TempStorage::new().await.unwrap();
        let mut state = StateDelta::new(storage.latest_snapshot());
        let store = TxStore::new(&mut state);
        let inner = store.clone();
        let nested = store.write(|_| inner.read(|_| Ok(())));
        assert!(matches!(nested, Err(SdkError::Internal(_))), "{nested:?}");
        let nested = store.read(|_| inner.put("key".into(), vec![1]));
        assert!(matches!(nested, Err(SdkError::Internal(_))), "{nested:?}");
        // Outside any callback the store is free again.
        store.put("key".into(), vec![1]).unwrap();
        assert_eq!(store.get("key").unwrap(), Some(vec![1]));
    }
}
