//! What a test asks a running net: CometBFT's RPC, abci_query, the CLI's queries and txs, and
//! waits on heights, times, txs and balances.

use super::*;

impl TestNet {
    // -- CometBFT RPC ---------------------------------------------------------------------------

    pub fn rpc(&self, i: usize, method: &str, params: Value) -> Result<Value> {
        rpc::call(self.nodes[i].rpc_addr(), method, params)
    }

    /// The result of CometBFT's `/status` on node `i`.
    pub fn status(&self, i: usize) -> Result<Value> {
        self.rpc(i, "status", serde_json::json!({}))
    }

    /// Node `i`'s latest committed height.
    pub fn height(&self, i: usize) -> Result<u64> {
        rpc::height(self.nodes[i].rpc_addr())
    }

    /// Waits until node `i` has committed `height`; returns its height then.
    pub fn wait_for_height(&self, i: usize, height: u64, timeout: Duration) -> Result<u64> {
        let mut h = 0;
        wait_until(
            &format!("node{i} to reach height {height}"),
            timeout,
            || {
                h = self.height(i)?;
                Ok(h >= height)
            },
        )
        .map_err(|e| e.context(self.log_tails(25)))?;
        Ok(h)
    }

    /// Waits until every node whose CometBFT runs (was started and not stopped or killed) has
    /// committed `height`.
    pub fn wait_all_for_height(&self, height: u64, timeout: Duration) -> Result<()> {
        for (i, _) in self
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.cometbft.is_some())
        {
            self.wait_for_height(i, height, timeout)?;
        }
        Ok(())
    }

    /// Node `i`'s latest block time, in Unix seconds.
    pub fn chain_time(&self, i: usize) -> Result<i64> {
        rpc::chain_time(self.nodes[i].rpc_addr())
    }

    /// Waits until node `i` has committed a block whose time is at least `unix_seconds`: what a
    /// test waiting out an unbonding, a jailing or a packet timeout needs, instead of a sleep
    /// that is too short on a loaded machine and too long on an idle one.
    pub fn wait_for_chain_time(&self, i: usize, unix_seconds: i64) -> Result<()> {
        wait_until(
            &format!("node{i}'s block time to reach {unix_seconds}"),
            WAIT,
            || Ok(self.chain_time(i)? >= unix_seconds),
        )
    }

    /// Waits for `n` more blocks on node `i`.
    pub fn wait_blocks(&self, i: usize, n: u64) -> Result<u64> {
        let h = self.height(i)?;
        self.wait_for_height(i, h + n, WAIT)
    }

    /// CometBFT's `/block` at `height` on node `i`: `{"block_id":…, "block":…}`.
    pub fn block(&self, i: usize, height: u64) -> Result<Value> {
        rpc::block(self.nodes[i].rpc_addr(), height)
    }

    /// The header of block `height` on node `i` (from `/block`).
    pub fn header(&self, i: usize, height: u64) -> Result<Value> {
        Ok(self.block(i, height)?["block"]["header"].clone())
    }

    /// The time in block `height`'s header, RFC 3339 as CometBFT prints it.
    pub fn block_time(&self, i: usize, height: u64) -> Result<String> {
        rpc::block_time(self.nodes[i].rpc_addr(), height)
    }

    /// CometBFT's validator set for `height` (the latest when `None`) as node `i` reports it
    /// through `/validators`: `(upper-case hex address, voting power)` in CometBFT's order (the
    /// position is the validator index).
    pub fn validators(&self, i: usize, height: Option<u64>) -> Result<Vec<(String, u64)>> {
        rpc::validators(self.nodes[i].rpc_addr(), height)
    }

    /// Node `victim`'s consensus key signs two precommits for different blocks at a committed
    /// height (duplicate-vote evidence a watcher would submit); returns the height of the block
    /// that carried the evidence.
    pub fn double_sign(&self, victim: usize) -> Result<u64> {
        let height = self.wait_for_height(0, 3, WAIT)? - 1;
        self.double_sign_at(victim, height)
    }

    /// [`Self::double_sign`] for an infraction at an earlier committed `height`.
    pub fn double_sign_at(&self, victim: usize, height: u64) -> Result<u64> {
        evidence::double_sign(
            self.nodes[0].rpc_addr(),
            &self.chain_id,
            &self.nodes[victim].priv_validator_key_file(),
            height,
        )
    }

    pub fn broadcast_evidence(&self, i: usize, evidence: &Value) -> Result<Value> {
        rpc::broadcast_evidence(self.nodes[i].rpc_addr(), evidence)
    }

    /// The app hash recorded in block `height`'s header: the state after block `height - 1`.
    pub fn app_hash_in_header(&self, i: usize, height: u64) -> Result<String> {
        let h = self.header(i, height)?;
        h.get("app_hash")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| anyhow!("no app_hash in {h}"))
    }

    /// What node `i`'s app itself reports through ABCI Info: `(last_block_height, app hash as
    /// upper-case hex)`.
    pub fn app_info(&self, i: usize) -> Result<(u64, String)> {
        let info = self.rpc(i, "abci_info", serde_json::json!({}))?;
        let r = &info["response"];
        let hash = r
            .get("last_block_app_hash")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let hash = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, hash)
            .with_context(|| format!("last_block_app_hash is not base64: {info}"))?;
        Ok((
            rpc::u64_field(r, "last_block_height"),
            hex::encode_upper(hash),
        ))
    }

    /// Node `i`'s validator address (upper-case hex), from `/status`.
    pub fn validator_address(&self, i: usize) -> Result<String> {
        let s = self.status(i)?;
        s["validator_info"]["address"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| anyhow!("no validator address in {s}"))
    }

    /// Whether the commit for block `height` (as node `j` stores it) carries a signature of `validator`.
    pub fn signed_commit(&self, j: usize, height: u64, validator: &str) -> Result<bool> {
        let c = self.rpc(
            j,
            "commit",
            serde_json::json!({"height": height.to_string()}),
        )?;
        let sigs = c["signed_header"]["commit"]["signatures"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        Ok(sigs.iter().any(|s| {
            s["validator_address"].as_str() == Some(validator)
                && s["block_id_flag"].as_u64() == Some(2)
        }))
    }

    pub fn abci_query(&self, i: usize, path: &str, data: &[u8]) -> Result<rpc::AbciQuery> {
        rpc::abci_query(self.nodes[i].rpc_addr(), path, data, 0, false)
    }

    pub fn broadcast(&self, i: usize, tx: &[u8]) -> Result<rpc::Broadcast> {
        rpc::broadcast_tx_sync(self.nodes[i].rpc_addr(), tx)
    }

    /// Waits until tx `hash` is in a block on node `i`; returns CometBFT's `/tx` result.
    pub fn wait_for_tx(&self, i: usize, hash: &str, timeout: Duration) -> Result<Value> {
        let mut found = None;
        wait_until(&format!("tx {hash} on node{i}"), timeout, || {
            found = rpc::tx(self.nodes[i].rpc_addr(), hash)?;
            Ok(found.is_some())
        })?;
        Ok(found.expect("set when the wait succeeds"))
    }

    // -- chain state ----------------------------------------------------------------------------

    /// `rmeshd query <args> --node <node i>`, its JSON.
    pub fn query(&self, i: usize, args: &[&str]) -> Result<Value> {
        let url = self.nodes[i].rpc_url();
        let mut all = vec!["query"];
        all.extend_from_slice(args);
        all.extend(["--node", &url]);
        self.cli_json(&all)
    }

    /// `rmeshd query bank balances <address> --node <node i>`, the urmesh amount.
    pub fn balance(&self, i: usize, address: &str) -> Result<u128> {
        balance_of(&self.query(i, &["bank", "balances", address])?, DENOM)
    }

    /// The staking module's view of validator `valoper` (`query staking validator`): operator
    /// address, moniker, status, jailed, tokens, delegator shares.
    pub fn staking_validator(&self, i: usize, valoper: &str) -> Result<Value> {
        let v = self.query(i, &["staking", "validator", valoper])?;
        ensure!(v["validator"].is_object(), "no validator {valoper}: {v}");
        Ok(v["validator"].clone())
    }

    /// The slashing module's signing info (`query slashing signing-infos`) of the validator with
    /// consensus address `address` (upper-case hex, as CometBFT prints it).
    pub fn signing_info(&self, i: usize, address: &str) -> Result<Value> {
        let valcons = cosmrs::AccountId::new(&format!("{PREFIX}valcons"), &hex::decode(address)?);
        let valcons = client::ey(valcons)?.to_string();
        let infos = self.query(i, &["slashing", "signing-infos"])?;
        infos["info"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["address"].as_str() == Some(&valcons)))
            .cloned()
            .ok_or_else(|| anyhow!("no signing info for {valcons} in {infos}"))
    }

    /// The urmesh balance via `abci_query /cosmos.bank.v1beta1.Query/Balance` (how cosmjs reads it).
    pub fn balance_abci(&self, i: usize, address: &str) -> Result<u128> {
        let r = self.abci_query(
            i,
            "/cosmos.bank.v1beta1.Query/Balance",
            &client::balance_request(address, DENOM),
        )?;
        ensure!(
            r.code == 0,
            "Query/Balance failed with code {}: {}",
            r.code,
            r.log
        );
        client::decode_balance(&r.value)
    }

    /// `(account_number, sequence)` via `abci_query /cosmos.auth.v1beta1.Query/Account`.
    pub fn account(&self, i: usize, address: &str) -> Result<(u64, u64)> {
        let r = self.abci_query(
            i,
            "/cosmos.auth.v1beta1.Query/Account",
            &client::account_request(address),
        )?;
        ensure!(
            r.code == 0,
            "Query/Account for {address} failed with code {}: {}",
            r.code,
            r.log
        );
        let a = client::decode_base_account(&r.value)?;
        Ok((a.account_number, a.sequence))
    }

    /// Waits until node `i` reports `expected` urmesh for `address` (via the CLI).
    pub fn wait_for_balance(&self, i: usize, address: &str, expected: u128) -> Result<()> {
        let mut seen = None;
        wait_until(
            &format!("balance of {address} on node{i} to be {expected}"),
            WAIT,
            || {
                seen = Some(self.balance(i, address)?);
                Ok(seen == Some(expected))
            },
        )
        .map_err(|e| e.context(format!("last balance seen: {seen:?}")))
    }

    /// `rmeshd tx bank send <from> <to> <amount> --wait` against node `i`, with the standard fee.
    /// Returns the printed JSON; fails if the CLI exits non-zero.
    pub fn cli_send(&self, i: usize, from: &str, to: &str, amount: &str) -> Result<Value> {
        self.cli_json(&strs(&self.send_args(i, from, to, amount, true)))
    }

    /// The argument list of a CLI bank send to node `i` (for tests that want the raw output).
    pub fn send_args(
        &self,
        i: usize,
        from: &str,
        to: &str,
        amount: &str,
        wait: bool,
    ) -> Vec<String> {
        let gas = GAS.to_string();
        self.tx_args(i, &["bank", "send", from, to, amount, "--gas", &gas], wait)
    }

    /// `rmeshd tx <args> --wait` against node `i` with the standard fee and gas `auto`, e.g.
    /// `cli_tx(0, &["staking", "delegate", &valoper, "5urmesh", "--from", "bob"])`. Returns the
    /// committed tx's JSON (`height`, `code`, `events`…); fails if the CLI exits non-zero (the tx
    /// was refused or failed in its block).
    pub fn cli_tx(&self, i: usize, args: &[&str]) -> Result<Value> {
        self.cli_json(&strs(&self.tx_args(i, args, true)))
    }

    /// `tx <args>` plus the chain id, node `i`'s RPC, the standard fee and the test keyring.
    pub fn tx_args(&self, i: usize, args: &[&str], wait: bool) -> Vec<String> {
        let mut a: Vec<String> = std::iter::once("tx")
            .chain(args.iter().copied())
            .map(str::to_string)
            .collect();
        a.extend([
            "--chain-id".into(),
            self.chain_id.clone(),
            "--node".into(),
            self.nodes[i].rpc_url(),
            "--fees".into(),
            format!("{FEE}{DENOM}"),
            "--home".into(),
            self.keys_home.display().to_string(),
        ]);
        if wait {
            a.push("--wait".into());
        }
        a
    }
}
