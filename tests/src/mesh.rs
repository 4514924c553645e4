//! A full mesh for tests: a consumer chain and a provider chain (both rmesh, one validator
//! each), stock Hermes with a connection, and the mesh-security channel the consumer opened,
//! with the provider already knowing the consumer's validator. alice is the consumer's mesh
//! authority; on the provider alice and bob own collateral.

use anyhow::{anyhow, Result};
use serde_json::Value;

use crate::hermes::{relayed_builder, Hermes};
use crate::{as_u128, cosmrs_address, wait_until, TestNet, ALICE, DAVE, WAIT};

pub const CONSUMER: &str = "consumer-1";
pub const PROVIDER: &str = "provider-1";

pub struct MeshPair {
    pub consumer: TestNet,
    pub provider: TestNet,
    pub hermes: Hermes,
    /// The consumer's first validator (operator address), which the tests stake with.
    pub validator: String,
}

/// Terms of the pair: the consumer's epoch and the provider's unbonding and packet timeout.
pub struct MeshTerms {
    pub consumer_validators: usize,
    pub provider_validators: usize,
    pub epoch_length: u64,
    pub unbonding_seconds: u64,
    pub packet_timeout_seconds: u64,
    /// More `rmeshd genesis set-params` flags (without `--`) for the consumer.
    pub consumer_params: Vec<(&'static str, &'static str)>,
    /// The provider refuses the consumer's channel close, as the reference provider does.
    pub provider_refuses_close: bool,
}

impl Default for MeshTerms {
    fn default() -> Self {
        MeshTerms {
            consumer_validators: 1,
            provider_validators: 1,
            epoch_length: 3,
            unbonding_seconds: 20,
            packet_timeout_seconds: 600,
            consumer_params: vec![],
            provider_refuses_close: false,
        }
    }
}

impl MeshPair {
    /// Starts both chains and Hermes, registers the provider on the consumer (price 0.5,
    /// discount 0.1, as the reference suite) and opens the mesh-security channel.
    pub fn start(terms: MeshTerms) -> Result<Self> {
        let consumer = terms
            .consumer_params
            .iter()
            .fold(relayed_builder(CONSUMER), |net, (flag, value)| {
                net.genesis_param(flag, value)
            })
            .validators(terms.consumer_validators)
            .genesis_param("mesh-authority", &cosmrs_address(ALICE)?)
            .genesis_param("epoch-length", &terms.epoch_length.to_string())
            .start()?;
        let (unbonding, timeout) = (
            terms.unbonding_seconds.to_string(),
            terms.packet_timeout_seconds.to_string(),
        );
        let mut add_consumer = vec![
            "add-consumer",
            CONSUMER,
            "--connection-id",
            "connection-0",
            "--unbonding-seconds",
            &unbonding,
            "--packet-timeout-seconds",
            &timeout,
        ];
        if terms.provider_refuses_close {
            add_consumer.push("--refuse-close-confirm");
        }
        let provider = relayed_builder(PROVIDER)
            .validators(terms.provider_validators)
            .genesis_command(&add_consumer)
            .start()?;
        let mut hermes =
            Hermes::configure(consumer.root.join("hermes"), &[&consumer, &provider], DAVE)?;
        hermes.create_connection(CONSUMER, PROVIDER)?;
        consumer.cli_tx(
            0,
            &[
                "converter",
                "add-provider",
                PROVIDER,
                "urmesh",
                "--price",
                "0.5",
                "--discount",
                "0.1",
                "--cap",
                "1000000000000",
                "--connection-id",
                "connection-0",
                "--from",
                "alice",
            ],
        )?;
        hermes.create_mesh_channel(CONSUMER)?;
        hermes.start()?;
        let validator = consumer.valoper("validator0")?;
        let pair = MeshPair {
            consumer,
            provider,
            hermes,
            validator,
        };
        wait_until("the provider knows the consumer's validators", WAIT, || {
            Ok(pair.provider_validators()?.len() == terms.consumer_validators)
        })?;
        Ok(pair)
    }

    /// The states the provider recorded for a consumer validator, in the order it received
    /// them (from the `external_staking_validator` events of its relayed packets).
    pub fn provider_history(&self, valoper: &str) -> Result<Vec<String>> {
        let found = self.provider.rpc(
            0,
            "tx_search",
            serde_json::json!({
                "query": format!("external_staking_validator.validator='{valoper}'"),
                "per_page": "100",
                "order_by": "asc",
            }),
        )?;
        let mut states = vec![];
        for tx in found["txs"].as_array().into_iter().flatten() {
            for event in tx["tx_result"]["events"].as_array().into_iter().flatten() {
                let attribute = |key: &str| {
                    event["attributes"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .find(|a| a["key"] == key)
                        .and_then(|a| a["value"].as_str())
                        .map(str::to_string)
                };
                if event["type"] == "external_staking_validator"
                    && attribute("validator").as_deref() == Some(valoper)
                {
                    states.extend(attribute("status"));
                }
            }
        }
        Ok(states)
    }

    pub fn provider_validators(&self) -> Result<Vec<Value>> {
        let known = self
            .provider
            .query(0, &["external-staking", "validators", CONSUMER])?;
        Ok(known["validators"].as_array().cloned().unwrap_or_default())
    }

    /// `tx <args> --from <from>` on the provider; fails unless the tx succeeds.
    pub fn provider_tx(&self, from: &str, args: &[&str]) -> Result<Value> {
        let mut all = args.to_vec();
        all.extend(["--from", from]);
        self.provider.cli_tx(0, &all)
    }

    /// `owner` bonds `collateral` in the provider's vault and cross-stakes `amount` of it with
    /// the consumer's validator.
    pub fn bond_and_cross_stake(&self, owner: &str, collateral: &str, amount: &str) -> Result<()> {
        self.provider_tx(owner, &["vault", "bond", collateral])?;
        self.provider_tx(
            owner,
            &["vault", "stake-remote", CONSUMER, &self.validator, amount],
        )?;
        Ok(())
    }

    /// The stderr of a provider tx that must fail.
    pub fn provider_tx_refused(&self, from: &str, args: &[&str]) -> Result<String> {
        let mut all = args.to_vec();
        all.extend(["--from", from]);
        let out = self
            .provider
            .cli(&crate::strs(&self.provider.tx_args(0, &all, true)))?;
        if out.success() {
            return Err(anyhow!("provider tx {args:?} was accepted: {}", out.stdout));
        }
        Ok(out.stderr)
    }

    /// An owner's vault account on the provider.
    pub fn vault(&self, owner: &str) -> Result<Value> {
        let address = self.provider.address(owner);
        self.provider.query(0, &["vault", "account", &address])
    }

    /// The lien `holder` has on an owner's collateral (0 without one).
    pub fn lien(&self, owner: &str, holder: &str) -> Result<u128> {
        let account = self.vault(owner)?;
        Ok(account["liens"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|lien| lien["holder"] == holder)
            .and_then(|lien| as_u128(&lien["amount"]))
            .unwrap_or(0))
    }

    /// An owner's cross-stake with the consumer's validator on the provider (None without one).
    pub fn stake(&self, owner: &str) -> Result<Option<Value>> {
        let address = self.provider.address(owner);
        let stakes = self.provider.query(
            0,
            &["external-staking", "stakes", CONSUMER, "--owner", &address],
        )?;
        Ok(stakes["stakes"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|stake| stake["validator"] == self.validator.as_str())
            .cloned())
    }

    pub fn staked(&self, owner: &str) -> Result<u128> {
        Ok(self
            .stake(owner)?
            .and_then(|stake| as_u128(&stake["amount"]))
            .unwrap_or(0))
    }

    pub fn pending_txs(&self) -> Result<Vec<Value>> {
        let pending = self
            .provider
            .query(0, &["external-staking", "pending-txs", CONSUMER])?;
        Ok(pending["txs"].as_array().cloned().unwrap_or_default())
    }

    /// Waits until no stake, unstake or withdrawal waits for the consumer's ack.
    pub fn wait_settled(&self) -> Result<()> {
        wait_until("the consumer acknowledged every provider tx", WAIT, || {
            Ok(self.pending_txs()?.is_empty())
        })
    }

    /// Virtual stake the consumer delegated for the provider to its validator.
    pub fn virtual_stake(&self) -> Result<u128> {
        let provider = self
            .consumer
            .query(0, &["converter", "provider", PROVIDER])?;
        as_u128(&provider["delegated"]).ok_or_else(|| anyhow!("no delegated in {provider}"))
    }

    /// The consumer's position for a provider `owner` (provider denom) with the validator.
    pub fn consumer_position(&self, owner: &str) -> Result<u128> {
        let delegator = self.provider.address(owner);
        let positions = self.consumer.query(
            0,
            &[
                "converter",
                "positions",
                PROVIDER,
                "--delegator",
                &delegator,
            ],
        )?;
        Ok(positions["positions"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["validator"] == self.validator.as_str())
            .and_then(|p| as_u128(&p["amount"]))
            .unwrap_or(0))
    }

    /// The provider's stake with the consumer's validators as the consumer books it (provider
    /// denom): its positions less burns not yet attributed to a delegator.
    pub fn consumer_positions(&self) -> Result<u128> {
        let provider = self
            .consumer
            .query(0, &["converter", "provider", PROVIDER])?;
        as_u128(&provider["staked"]).ok_or_else(|| anyhow!("no staked in {provider}"))
    }
}
