//! rmeshd: the rmesh node (ABCI 2.0 application for CometBFT v0.38), its CLI and a Rust client.

pub mod block;
pub mod cli;
pub mod client;
pub mod config;
pub mod descriptors;
pub mod error;
pub mod genesis;
pub mod hooks;
pub mod ibc;
pub mod keyring;
pub mod metrics;
pub mod modules;
pub mod node;
pub mod query;
pub mod rest;
pub mod tx;
pub mod upgrades;
