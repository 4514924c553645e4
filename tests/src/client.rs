//! A Rust client built on cosmrs, the way a wallet or a relayer would talk to rmesh: keys from BIP39
//! mnemonics on m/44'/118'/0'/0/0, SIGN_MODE_DIRECT txs, queries through `abci_query` with the gRPC
//! method path as `path`.

use anyhow::{anyhow, Context, Result};
use cosmrs::{
    bank::MsgSend,
    crypto::{secp256k1::SigningKey, PublicKey},
    proto::cosmos::{auth::v1beta1 as auth, bank::v1beta1 as bank},
    tx::{Body, Fee, Msg, SignDoc, SignerInfo},
    AccountId, Any, Coin,
};
use prost::Message;

use crate::{DENOM, PREFIX};

/// The SDK's HD path for secp256k1 accounts (coin type 118).
pub const HD_PATH: &str = "m/44'/118'/0'/0/0";

/// Turns a cosmrs (eyre) error into an anyhow one.
pub fn ey<T>(r: std::result::Result<T, cosmrs::ErrorReport>) -> Result<T> {
    r.map_err(|e| anyhow!("{e}"))
}

/// A secp256k1 key and its bech32 account address.
pub struct Wallet {
    pub key: SigningKey,
    pub address: AccountId,
}

impl Wallet {
    pub fn from_mnemonic(mnemonic: &str) -> Result<Self> {
        let m = bip39::Mnemonic::parse(mnemonic).context("invalid mnemonic")?;
        let path = HD_PATH.parse().map_err(|e| anyhow!("{e}"))?;
        let key = SigningKey::derive_from_path(m.to_seed(""), &path).map_err(|e| anyhow!("{e}"))?;
        Self::from_key(key)
    }

    pub fn random() -> Result<Self> {
        Self::from_key(SigningKey::random())
    }

    fn from_key(key: SigningKey) -> Result<Self> {
        let address = ey(key.public_key().account_id(PREFIX))?;
        Ok(Self { key, address })
    }

    pub fn public_key(&self) -> PublicKey {
        self.key.public_key()
    }

    /// Signs `msgs` as this wallet (its own public key in the signer info).
    pub fn sign(&self, msgs: Vec<Any>, p: &TxParams) -> Result<Vec<u8>> {
        sign_tx(&self.key, self.public_key(), msgs, p)
    }
}

/// What goes into the auth info and the sign doc besides the messages.
#[derive(Debug, Clone)]
pub struct TxParams {
    pub chain_id: String,
    pub account_number: u64,
    pub sequence: u64,
    pub fee: u128,
    pub fee_denom: String,
    pub gas: u64,
    pub memo: String,
}

impl TxParams {
    /// Fee and gas that satisfy the test nets' 0.001urmesh minimum gas price with room to spare.
    pub fn new(chain_id: &str, account_number: u64, sequence: u64) -> Self {
        Self {
            chain_id: chain_id.to_string(),
            account_number,
            sequence,
            fee: 2000,
            fee_denom: DENOM.to_string(),
            gas: crate::GAS,
            memo: String::new(),
        }
    }
}

/// Builds a signed `TxRaw`. `public_key` goes into the signer info and `key` signs, so a test can
/// make them disagree.
pub fn sign_tx(
    key: &SigningKey,
    public_key: PublicKey,
    msgs: Vec<Any>,
    p: &TxParams,
) -> Result<Vec<u8>> {
    let body = Body::new(msgs, p.memo.clone(), 0u32);
    let fee = Fee::from_amount_and_gas(coin(p.fee, &p.fee_denom)?, p.gas);
    let auth_info = SignerInfo::single_direct(Some(public_key), p.sequence).auth_info(fee);
    let chain_id = p
        .chain_id
        .parse()
        .map_err(|e| anyhow!("chain id {}: {e}", p.chain_id))?;
    let doc = ey(SignDoc::new(&body, &auth_info, &chain_id, p.account_number))?;
    ey(ey(doc.sign(key))?.to_bytes())
}

pub fn coin(amount: u128, denom: &str) -> Result<Coin> {
    ey(Coin::new(amount, denom))
}

/// A `cosmos.bank.v1beta1.MsgSend` of `amount` urmesh packed as `Any`.
pub fn msg_send(from: &AccountId, to: &AccountId, amount: u128) -> Result<Any> {
    let msg = MsgSend {
        from_address: from.clone(),
        to_address: to.clone(),
        amount: vec![coin(amount, DENOM)?],
    };
    ey(msg.to_any())
}

/// Request bytes for `/cosmos.auth.v1beta1.Query/Account`.
pub fn account_request(address: &str) -> Vec<u8> {
    auth::QueryAccountRequest {
        address: address.to_string(),
    }
    .encode_to_vec()
}

/// Decodes a `QueryAccountResponse` holding a `BaseAccount`.
pub fn decode_base_account(bytes: &[u8]) -> Result<auth::BaseAccount> {
    let resp = auth::QueryAccountResponse::decode(bytes).context("QueryAccountResponse")?;
    let any = resp
        .account
        .ok_or_else(|| anyhow!("QueryAccountResponse has no account"))?;
    anyhow::ensure!(
        any.type_url == "/cosmos.auth.v1beta1.BaseAccount",
        "account type is {}, expected /cosmos.auth.v1beta1.BaseAccount",
        any.type_url
    );
    auth::BaseAccount::decode(any.value.as_slice()).context("BaseAccount")
}

/// Request bytes for `/cosmos.bank.v1beta1.Query/Balance`.
pub fn balance_request(address: &str, denom: &str) -> Vec<u8> {
    bank::QueryBalanceRequest {
        address: address.to_string(),
        denom: denom.to_string(),
    }
    .encode_to_vec()
}

/// Decodes a `QueryBalanceResponse` into an amount (a missing balance is 0).
pub fn decode_balance(bytes: &[u8]) -> Result<u128> {
    let resp = bank::QueryBalanceResponse::decode(bytes).context("QueryBalanceResponse")?;
    match resp.balance {
        None => Ok(0),
        Some(c) => c
            .amount
            .parse()
            .with_context(|| format!("balance amount {:?}", c.amount)),
    }
}
