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
pub struct TxStore<'a, S: StateWrite>(pub Rc<RefCell<&'a mut S>>);

impl<S: StateWrite> Clone for TxStore<'_, S> {
    fn clone(&self) -> Self {
        TxStore(self.0.clone())
    }
}

impl<'a, S: StateWrite> TxStore<'a, S> {
    pub fn new(state: &'a mut S) -> Self {
        TxStore(Rc::new(RefCell::new(state)))
    }

    pub fn balance(&self, address: &Address, denom: &str) -> Result<u128, SdkError> {
        let state = self.0.borrow();
        run(state.balance(address, denom))
    }

    pub fn send(&self, from: &Address, to: &Address, coins: &Coins) -> Result<(), SdkError> {
        let mut state = self.0.borrow_mut();
        run(state.send(from, to, coins))
    }

    pub fn mint(&self, to: &Address, coins: &Coins) -> Result<(), SdkError> {
        let mut state = self.0.borrow_mut();
        run(state.mint(to, coins))
    }

    pub fn burn(&self, from: &Address, coins: &Coins) -> Result<(), SdkError> {
        let mut state = self.0.borrow_mut();
        run(state.burn(from, coins))
    }
}

impl<S: StateWrite> IbcStore for TxStore<'_, S> {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, SdkError> {
        let state = self.0.borrow();
        run(state.get_bytes(key))
    }

    fn keys_under(&self, prefix: &str) -> Result<Vec<String>, SdkError> {
        let state = self.0.borrow();
        run(state.prefix_keys_while(prefix, |_| true))
    }

    fn put(&self, key: String, value: Vec<u8>) -> Result<(), SdkError> {
        self.0.borrow_mut().put_bytes(key, value)
    }

    fn delete(&self, key: String) -> Result<(), SdkError> {
        self.0.borrow_mut().delete_key(key)
    }

    fn record(&self, event: Event) {
        self.0.borrow_mut().record(event);
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
