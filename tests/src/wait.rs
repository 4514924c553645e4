//! Bounded waits and the JSON a test reads from CLI and RPC answers.

use super::*;

/// The address cosmrs derives from `mnemonic` on the SDK's path m/44'/118'/0'/0/0, independently
/// of rmeshd's keyring (so the CLI's derivation is checked against another implementation).
pub fn cosmrs_address(mnemonic: &str) -> Result<String> {
    let seed = bip39::Mnemonic::parse(mnemonic)?.to_seed("");
    let path = "m/44'/118'/0'/0/0".parse().map_err(|e| anyhow!("{e}"))?;
    let key = cosmrs::crypto::secp256k1::SigningKey::derive_from_path(seed, &path)
        .map_err(|e| anyhow!("{e}"))?;
    let address = key.public_key().account_id(PREFIX);
    Ok(address.map_err(|e| anyhow!("{e}"))?.to_string())
}

pub fn parse_json(s: &str) -> Result<Value> {
    let start = s
        .find(['{', '['])
        .ok_or_else(|| anyhow!("no JSON in output: {s:?}"))?;
    serde_json::from_str(s[start..].trim()).with_context(|| format!("output is not JSON: {s:?}"))
}

/// An error that ends a [`wait_until`] at once instead of being retried (e.g. a process died).
#[derive(Debug)]
pub struct Fatal(pub String);

impl std::fmt::Display for Fatal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Fatal {}

/// Polls `f` every 200ms until it returns `Ok(true)`; fails after `timeout` with the last error.
pub fn wait_until(
    what: &str,
    timeout: Duration,
    mut f: impl FnMut() -> Result<bool>,
) -> Result<()> {
    let deadline = Instant::now() + timeout;
    let mut last = String::from("condition never held");
    loop {
        match f() {
            Ok(true) => return Ok(()),
            Ok(false) => {}
            Err(e) if e.downcast_ref::<Fatal>().is_some() => {
                return Err(e.context(format!("while waiting for {what}")))
            }
            Err(e) => last = format!("{e:#}"),
        }
        if Instant::now() > deadline {
            bail!("timed out after {timeout:?} waiting for {what} (last: {last})");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Depth-first search for `key` anywhere in a JSON value (for outputs whose nesting may vary).
pub fn find_key<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    match v {
        Value::Object(m) => m
            .get(key)
            .or_else(|| m.values().find_map(|x| find_key(x, key))),
        Value::Array(a) => a.iter().find_map(|x| find_key(x, key)),
        _ => None,
    }
}

/// A JSON number or decimal string as u128.
pub fn as_u128(v: &Value) -> Option<u128> {
    match v {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_u64().map(u128::from),
        _ => None,
    }
}

/// The `denom` amount in an SDK-shaped `{"balances":[{"denom":..,"amount":..}]}` (0 when absent).
pub fn balance_of(balances: &Value, denom: &str) -> Result<u128> {
    let list = balances
        .get("balances")
        .and_then(Value::as_array)
        .ok_or_else(|| anyhow!("no \"balances\" array in {balances}"))?;
    for c in list {
        if c.get("denom").and_then(Value::as_str) == Some(denom) {
            return c
                .get("amount")
                .and_then(as_u128)
                .ok_or_else(|| anyhow!("bad amount in {c}"));
        }
    }
    Ok(0)
}
