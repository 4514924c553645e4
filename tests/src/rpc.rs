//! A tiny blocking JSON-RPC client for CometBFT's RPC (HTTP/1.0 over `std::net`).
//!
//! Every call is bounded: connect, write and read each have a timeout, so a hung node can never hang
//! a test.

use anyhow::{anyhow, bail, Context, Result};
use base64::{engine::general_purpose::STANDARD as B64, Engine as _};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// How long one RPC call may take before it counts as failed.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// Calls `method` with `params` and returns the JSON-RPC `result` (or the JSON-RPC error as `Err`).
pub fn call(addr: SocketAddr, method: &str, params: Value) -> Result<Value> {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
    let raw = post(addr, body.as_bytes()).with_context(|| format!("{method} on {addr}"))?;
    let v: Value = serde_json::from_slice(&raw)
        .with_context(|| format!("{method} on {addr}: response is not JSON: {}", lossy(&raw)))?;
    if let Some(err) = v.get("error").filter(|e| !e.is_null()) {
        bail!("{method} on {addr}: JSON-RPC error: {err}");
    }
    v.get("result")
        .cloned()
        .ok_or_else(|| anyhow!("{method} on {addr}: no result in {v}"))
}

fn post(addr: SocketAddr, body: &[u8]) -> Result<Vec<u8>> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
    s.set_read_timeout(Some(CALL_TIMEOUT))?;
    s.set_write_timeout(Some(CALL_TIMEOUT))?;
    let head = format!(
        "POST / HTTP/1.0\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes())?;
    s.write_all(body)?;
    let mut resp = Vec::new();
    s.read_to_end(&mut resp)?;
    let split = resp
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| anyhow!("malformed HTTP response: {}", lossy(&resp)))?;
    let status_line = lossy(&resp[..split]);
    let status_line = status_line.lines().next().unwrap_or_default();
    let body = resp[split + 4..].to_vec();
    // CometBFT answers JSON-RPC errors with HTTP 500 and a JSON body; let the caller read it.
    if !status_line.contains(" 200 ") && !status_line.contains(" 500 ") {
        bail!("HTTP {status_line}: {}", lossy(&body));
    }
    Ok(body)
}

/// One plain HTTP exchange's answer.
#[derive(Debug, Clone)]
pub struct HttpAnswer {
    pub status: u16,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpAnswer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Result<Value> {
        serde_json::from_slice(&self.body).with_context(|| {
            format!(
                "HTTP {} body is not JSON: {}",
                self.status,
                lossy(&self.body)
            )
        })
    }
}

/// One HTTP/1.0 request (`method` `target`, e.g. `GET /cosmos/...?a=b`) with extra headers and
/// a body; any status is returned, for the caller to check.
pub fn http(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<HttpAnswer> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2))
        .with_context(|| format!("connecting to {addr}"))?;
    s.set_read_timeout(Some(CALL_TIMEOUT))?;
    s.set_write_timeout(Some(CALL_TIMEOUT))?;
    let mut head = format!(
        "{method} {target} HTTP/1.0\r\nHost: {addr}\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes())?;
    // A server may refuse before reading an oversized body and close; its answer still counts.
    let _ = s.write_all(body);
    let mut resp = Vec::new();
    s.read_to_end(&mut resp)
        .with_context(|| format!("{method} {target} on {addr}"))?;
    let split = resp
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| anyhow!("malformed HTTP response: {}", lossy(&resp)))?;
    let head = lossy(&resp[..split]);
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| anyhow!("no HTTP status in {head}"))?;
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Ok(HttpAnswer {
        status,
        headers,
        body: resp[split + 4..].to_vec(),
    })
}

fn lossy(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(b);
    s.chars().take(2000).collect()
}

/// The fields of an ABCI query response that tests look at.
#[derive(Debug, Clone)]
pub struct AbciQuery {
    pub code: u32,
    pub log: String,
    pub value: Vec<u8>,
    pub height: u64,
    pub proof_ops: Value,
}

/// `abci_query` with `path` (e.g. "/cosmos.bank.v1beta1.Query/Balance") and protobuf `data`.
/// `height` 0 means latest.
pub fn abci_query(
    addr: SocketAddr,
    path: &str,
    data: &[u8],
    height: u64,
    prove: bool,
) -> Result<AbciQuery> {
    let r = call(
        addr,
        "abci_query",
        json!({"path": path, "data": hex::encode(data), "height": height.to_string(), "prove": prove}),
    )?;
    let resp = r
        .get("response")
        .ok_or_else(|| anyhow!("abci_query: no response in {r}"))?;
    let value = match resp.get("value").and_then(Value::as_str) {
        Some(s) => B64.decode(s).context("abci_query value is not base64")?,
        None => Vec::new(),
    };
    Ok(AbciQuery {
        code: u32_field(resp, "code"),
        log: str_field(resp, "log"),
        value,
        height: u64_field(resp, "height"),
        proof_ops: resp
            .get("proofOps")
            .or_else(|| resp.get("proof_ops"))
            .cloned()
            .unwrap_or(Value::Null),
    })
}

/// The CheckTx answer to `broadcast_tx_sync`.
#[derive(Debug, Clone)]
pub struct Broadcast {
    pub code: u32,
    pub log: String,
    pub codespace: String,
    /// Upper-case hex, as CometBFT prints it.
    pub hash: String,
}

pub fn broadcast_tx_sync(addr: SocketAddr, tx: &[u8]) -> Result<Broadcast> {
    let r = call(addr, "broadcast_tx_sync", json!({"tx": B64.encode(tx)}))?;
    Ok(Broadcast {
        code: u32_field(&r, "code"),
        log: str_field(&r, "log"),
        codespace: str_field(&r, "codespace"),
        hash: str_field(&r, "hash"),
    })
}

/// Looks a committed tx up by its hex hash; `Ok(None)` while it is not (yet) indexed.
pub fn tx(addr: SocketAddr, hash_hex: &str) -> Result<Option<Value>> {
    let hash = hex::decode(hash_hex).context("tx hash is not hex")?;
    match call(
        addr,
        "tx",
        json!({"hash": B64.encode(hash), "prove": false}),
    ) {
        Ok(v) => Ok(Some(v)),
        Err(e) if format!("{e:#}").contains("not found") => Ok(None),
        Err(e) => Err(e),
    }
}

/// Reads a field that CometBFT may encode as a number, a decimal string, or omit (meaning 0).
pub fn u64_field(v: &Value, key: &str) -> u64 {
    match v.get(key) {
        Some(Value::Number(n)) => n.as_u64().unwrap_or(0),
        Some(Value::String(s)) => s.parse().unwrap_or(0),
        _ => 0,
    }
}

pub fn u32_field(v: &Value, key: &str) -> u32 {
    u64_field(v, key) as u32
}

pub fn str_field(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// The node's latest committed height.
pub fn height(addr: SocketAddr) -> Result<u64> {
    let status = call(addr, "status", json!({}))?;
    Ok(u64_field(&status["sync_info"], "latest_block_height"))
}

pub fn block(addr: SocketAddr, height: u64) -> Result<Value> {
    call(addr, "block", json!({"height": height.to_string()}))
}

/// A block's header time, as CometBFT prints it (RFC 3339).
pub fn block_time(addr: SocketAddr, height: u64) -> Result<String> {
    let block = block(addr, height)?;
    let header = &block["block"]["header"];
    header["time"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| anyhow!("no time in {header}"))
}

/// The time of the latest committed block, in Unix seconds: the clock the state machine judges
/// unbondings, jailings and packet timeouts by.
pub fn chain_time(addr: SocketAddr) -> Result<i64> {
    let status = call(addr, "status", json!({}))?;
    let text = status["sync_info"]["latest_block_time"]
        .as_str()
        .ok_or_else(|| anyhow!("no latest_block_time in {status}"))?;
    let time = tendermint::Time::parse_from_rfc3339(text)
        .map_err(|e| anyhow!("latest_block_time {text:?}: {e}"))?;
    Ok(time.unix_timestamp())
}

/// (address, voting power) of every validator at `height` (latest if None).
pub fn validators(addr: SocketAddr, height: Option<u64>) -> Result<Vec<(String, u64)>> {
    let mut params = json!({"per_page": "100"});
    if let Some(h) = height {
        params["height"] = h.to_string().into();
    }
    let v = call(addr, "validators", params)?;
    let list = v["validators"]
        .as_array()
        .ok_or_else(|| anyhow!("no validators in {v}"))?;
    if u64_field(&v, "total") != list.len() as u64 {
        bail!("more than one page of validators: {v}");
    }
    Ok(list
        .iter()
        .map(|x| (str_field(x, "address"), u64_field(x, "voting_power")))
        .collect())
}

pub fn broadcast_evidence(addr: SocketAddr, evidence: &Value) -> Result<Value> {
    call(addr, "broadcast_evidence", json!({ "evidence": evidence }))
}
