//! The Rust client the tests use: rmeshd's own (`rmeshd::keyring::Key` derives keys from BIP39
//! mnemonics on m/44'/118'/0'/0/0, `rmeshd::client::sign_tx` signs SIGN_MODE_DIRECT), plus what
//! only tests need: tx parameters that a test can bend, messages built with cosmrs, a tx whose
//! signature comes from the wrong key, and the query encodings the harness reads through
//! `abci_query` with the gRPC method path as `path`.

use anyhow::{anyhow, Context, Result};
use cosmrs::{
    bank::MsgSend,
    crypto::{secp256k1::SigningKey, PublicKey},
    proto::cosmos::{
        auth::v1beta1 as auth,
        bank::v1beta1 as bank,
        tx::v1beta1::{SignDoc, TxRaw},
    },
    tx::Msg,
    AccountId, Any, Coin,
};
use prost::Message;
use rmeshd::client::{SignerAccount, TxFee};

use crate::{DENOM, PREFIX};

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
    /// The key rmeshd's keyring derives from `mnemonic`.
    pub fn from_mnemonic(mnemonic: &str) -> Result<Self> {
        Self::from_key(rmeshd::keyring::Key::from_mnemonic("", mnemonic)?.signing_key)
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

    /// Signs `msgs` as this wallet with rmeshd's signer (its own public key in the signer info).
    pub fn sign(&self, msgs: Vec<Any>, p: &TxParams) -> Result<Vec<u8>> {
        Ok(rmeshd::client::sign_tx(
            &self.key,
            &p.signer(),
            msgs,
            &p.fee(),
            &p.memo,
        )?)
    }
}

/// What goes into the auth info and the sign doc besides the messages, in one struct a test can
/// bend (a wrong chain id, sequence, fee, denom or gas).
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
            fee: crate::FEE,
            fee_denom: DENOM.to_string(),
            gas: crate::GAS,
            memo: String::new(),
        }
    }

    pub fn signer(&self) -> SignerAccount {
        SignerAccount {
            chain_id: self.chain_id.clone(),
            account_number: self.account_number,
            sequence: self.sequence,
        }
    }

    pub fn fee(&self) -> TxFee {
        TxFee {
            amount: vec![rmesh_core::Coin {
                denom: self.fee_denom.clone(),
                amount: self.fee,
            }],
            gas_limit: self.gas,
        }
    }
}

/// `tx` with its signature replaced by `key`'s over the same sign doc: the signer info still names
/// the original signer's public key, so the signature does not match it.
pub fn resign(tx: &[u8], key: &SigningKey, p: &TxParams) -> Result<Vec<u8>> {
    let mut raw = TxRaw::decode(tx).context("TxRaw")?;
    let doc = SignDoc {
        body_bytes: raw.body_bytes.clone(),
        auth_info_bytes: raw.auth_info_bytes.clone(),
        chain_id: p.chain_id.clone(),
        account_number: p.account_number,
    };
    let signature = ey(key.sign(&doc.encode_to_vec()))?;
    raw.signatures = vec![signature.to_bytes().to_vec()];
    Ok(raw.encode_to_vec())
}

pub fn coin(amount: u128, denom: &str) -> Result<Coin> {
    ey(Coin::new(amount, denom))
}

/// A `cosmos.bank.v1beta1.MsgSend` of `amount` urmesh packed as `Any` (encoded by cosmrs).
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
