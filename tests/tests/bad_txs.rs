//! Bad transactions are refused at CheckTx with a clear log and change nothing; multi-message txs
//! apply all or nothing. Messages are built with cosmrs and txs signed with rmeshd's client.

use anyhow::Result;
use rmesh_e2e::client::{msg_send, resign, TxParams, Wallet};
use rmesh_e2e::rpc::{u32_field, Broadcast};
use rmesh_e2e::{TestNet, ALICE, BOB, CAROL, DAVE, GENESIS_COINS, WAIT};

/// A one-validator chain where alice and bob hold [`GENESIS_COINS`] and carol and dave nothing.
struct Chain {
    net: TestNet,
    alice: Wallet,
    bob: Wallet,
    carol: Wallet,
    dave: Wallet,
    number: u64,
    sequence: u64,
}

impl Chain {
    fn start() -> Result<Chain> {
        let net = TestNet::start(1)?;
        let alice = Wallet::from_mnemonic(ALICE)?;
        let (number, sequence) = net.account(0, alice.address.as_ref())?;
        Ok(Chain {
            net,
            alice,
            bob: Wallet::from_mnemonic(BOB)?,
            carol: Wallet::from_mnemonic(CAROL)?,
            dave: Wallet::from_mnemonic(DAVE)?,
            number,
            sequence,
        })
    }

    /// Valid params for alice's next tx.
    fn params(&self) -> TxParams {
        TxParams::new(&self.net.chain_id, self.number, self.sequence)
    }

    /// A valid send of `amount` from alice to carol, with `p`.
    fn send_to_carol(&self, amount: u128, p: &TxParams) -> Result<Vec<u8>> {
        self.alice.sign(
            vec![msg_send(&self.alice.address, &self.carol.address, amount)?],
            p,
        )
    }

    /// Broadcasts `tx` and requires CheckTx to refuse it.
    fn refused(&self, tx: &[u8]) -> Result<Broadcast> {
        let r = self.net.broadcast(0, tx)?;
        assert_ne!(r.code, 0, "CheckTx accepted a bad tx (log: {})", r.log);
        assert!(
            !r.log.trim().is_empty(),
            "refused with code {} but no log",
            r.code
        );
        Ok(r)
    }

    fn balance(&self, w: &Wallet) -> Result<u128> {
        self.net.balance_abci(0, w.address.as_ref())
    }

    /// Two blocks later, no balance or sequence moved, and alice's next valid tx still goes through
    /// with the sequence she had.
    fn assert_nothing_changed(&self) -> Result<()> {
        self.net.wait_blocks(0, 2)?;
        assert_eq!(self.balance(&self.alice)?, GENESIS_COINS, "alice's balance");
        assert_eq!(self.balance(&self.bob)?, GENESIS_COINS, "bob's balance");
        assert_eq!(self.balance(&self.carol)?, 0, "carol's balance");
        assert_eq!(self.balance(&self.dave)?, 0, "dave's balance");
        assert_eq!(
            self.net.account(0, self.alice.address.as_ref())?.1,
            self.sequence,
            "alice's sequence"
        );
        let ok = self
            .net
            .broadcast(0, &self.send_to_carol(1, &self.params())?)?;
        assert_eq!(
            ok.code, 0,
            "a valid tx after the bad one was refused: {}",
            ok.log
        );
        self.net.wait_for_tx(0, &ok.hash, WAIT)?;
        Ok(())
    }
}

fn contains(log: &str, needle: &str) -> bool {
    log.to_lowercase().contains(&needle.to_lowercase())
}

#[test]
fn an_undecodable_tx_is_refused_and_changes_nothing() -> Result<()> {
    let c = Chain::start()?;
    c.refused(b"\x0a\xff\xffthis is not a tx")?;
    c.assert_nothing_changed()
}

#[test]
fn a_tx_signed_with_the_wrong_key_is_refused_for_its_signature() -> Result<()> {
    let c = Chain::start()?;
    let msg = msg_send(&c.alice.address, &c.carol.address, 10)?;
    // alice's public key in the signer info, bob's key on the signature.
    let tx = resign(
        &c.alice.sign(vec![msg], &c.params())?,
        &c.bob.key,
        &c.params(),
    )?;
    let r = c.refused(&tx)?;
    assert!(
        contains(&r.log, "signature"),
        "log does not mention the signature: {}",
        r.log
    );
    c.assert_nothing_changed()
}

#[test]
fn a_message_from_an_account_that_did_not_sign_is_refused() -> Result<()> {
    let c = Chain::start()?;
    // bob's coins, alice's signature.
    let tx = c.alice.sign(
        vec![msg_send(&c.bob.address, &c.carol.address, 10)?],
        &c.params(),
    )?;
    c.refused(&tx)?;
    c.assert_nothing_changed()
}

#[test]
fn a_tx_signed_for_another_chain_id_is_refused() -> Result<()> {
    let c = Chain::start()?;
    let mut p = c.params();
    p.chain_id = "some-other-chain".into();
    let r = c.refused(&c.send_to_carol(10, &p)?)?;
    assert!(
        contains(&r.log, "signature") || contains(&r.log, "chain"),
        "unclear log: {}",
        r.log
    );
    c.assert_nothing_changed()
}

#[test]
fn a_tx_with_a_wrong_sequence_gets_code_32_and_the_sdk_mismatch_text() -> Result<()> {
    let c = Chain::start()?;
    let mut p = c.params();
    p.sequence = c.sequence + 3;
    let r = c.refused(&c.send_to_carol(10, &p)?)?;
    assert_eq!(r.code, 32, "log: {}", r.log);
    let text = format!(
        "account sequence mismatch, expected {}, got {}",
        c.sequence,
        c.sequence + 3
    );
    assert!(r.log.contains(&text), "log {:?} lacks {text:?}", r.log);
    c.assert_nothing_changed()
}

#[test]
fn a_committed_tx_replayed_after_a_restart_is_refused_with_code_32() -> Result<()> {
    let mut c = Chain::start()?;
    let tx = c.send_to_carol(10, &c.params())?;
    let ok = c.net.broadcast(0, &tx)?;
    assert_eq!(ok.code, 0, "{}", ok.log);
    c.net.wait_for_tx(0, &ok.hash, WAIT)?;
    // A restart empties CometBFT's mempool cache, so the replay reaches the app's CheckTx.
    c.net.restart_node(0)?;
    let h = c.net.height(0)?;
    c.net.wait_for_height(0, h + 1, WAIT)?;
    let r = c.refused(&tx)?;
    assert_eq!(r.code, 32, "log: {}", r.log);
    assert!(
        r.log
            .contains("account sequence mismatch, expected 1, got 0"),
        "log: {}",
        r.log
    );
    c.net.wait_blocks(0, 2)?;
    assert_eq!(c.balance(&c.carol)?, 10, "the replay moved coins again");
    Ok(())
}

#[test]
fn a_send_of_more_than_the_balance_is_refused_with_insufficient_funds() -> Result<()> {
    let c = Chain::start()?;
    let r = c.refused(&c.send_to_carol(GENESIS_COINS + 1, &c.params())?)?;
    assert!(contains(&r.log, "insufficient funds"), "log: {}", r.log);
    c.assert_nothing_changed()
}

#[test]
fn a_fee_below_the_minimum_gas_price_is_refused() -> Result<()> {
    let c = Chain::start()?;
    let mut p = c.params();
    p.fee = 1; // 200000 gas at 0.001urmesh needs 200urmesh
    let r = c.refused(&c.send_to_carol(10, &p)?)?;
    assert!(contains(&r.log, "insufficient fee"), "log: {}", r.log);
    c.assert_nothing_changed()
}

#[test]
fn a_fee_in_a_foreign_denom_is_refused() -> Result<()> {
    let c = Chain::start()?;
    let mut p = c.params();
    p.fee_denom = "uatom".into();
    let r = c.refused(&c.send_to_carol(10, &p)?)?;
    assert!(contains(&r.log, "fee"), "log: {}", r.log);
    c.assert_nothing_changed()
}

#[test]
fn a_fee_larger_than_the_balance_is_refused() -> Result<()> {
    let c = Chain::start()?;
    let mut p = c.params();
    p.fee = GENESIS_COINS + 1;
    let r = c.refused(&c.send_to_carol(10, &p)?)?;
    assert!(contains(&r.log, "insufficient"), "log: {}", r.log);
    c.assert_nothing_changed()
}

#[test]
fn a_tx_with_too_little_gas_is_refused_with_out_of_gas() -> Result<()> {
    let c = Chain::start()?;
    let mut p = c.params();
    p.gas = 10;
    p.fee = 1; // covers 10 gas at the minimum price
    let r = c.refused(&c.send_to_carol(10, &p)?)?;
    assert!(contains(&r.log, "out of gas"), "log: {}", r.log);
    c.assert_nothing_changed()
}

#[test]
fn a_tx_with_an_unknown_message_is_refused_naming_its_type() -> Result<()> {
    let c = Chain::start()?;
    let type_url = "/rmesh.e2e.v1.MsgNobodyKnows";
    let unknown = cosmrs::Any {
        type_url: type_url.into(),
        value: vec![],
    };
    let r = c.refused(&c.alice.sign(vec![unknown], &c.params())?)?;
    assert!(
        r.log.contains(type_url),
        "log does not name {type_url}: {}",
        r.log
    );
    c.assert_nothing_changed()
}

#[test]
fn a_multi_message_tx_with_one_failing_message_applies_none_of_them() -> Result<()> {
    let c = Chain::start()?;
    let msgs = vec![
        msg_send(&c.alice.address, &c.carol.address, 100)?,
        msg_send(&c.alice.address, &c.dave.address, GENESIS_COINS * 2)?,
    ];
    let r = c.net.broadcast(0, &c.alice.sign(msgs, &c.params())?)?;
    if r.code == 0 {
        // Accepted into the mempool: then it must fail as a whole in the block.
        let res = c.net.wait_for_tx(0, &r.hash, WAIT)?;
        assert_ne!(
            u32_field(&res["tx_result"], "code"),
            0,
            "the overdrawing tx succeeded: {res}"
        );
    }
    c.net.wait_blocks(0, 2)?;
    assert_eq!(c.balance(&c.carol)?, 0, "the first message was applied");
    assert_eq!(c.balance(&c.dave)?, 0);
    Ok(())
}

#[test]
fn a_multi_message_tx_applies_all_of_its_messages() -> Result<()> {
    let c = Chain::start()?;
    let msgs = vec![
        msg_send(&c.alice.address, &c.carol.address, 100)?,
        msg_send(&c.alice.address, &c.dave.address, 200)?,
        msg_send(&c.alice.address, &c.carol.address, 3)?,
    ];
    let r = c.net.broadcast(0, &c.alice.sign(msgs, &c.params())?)?;
    assert_eq!(r.code, 0, "{}", r.log);
    let res = c.net.wait_for_tx(0, &r.hash, WAIT)?;
    assert_eq!(u32_field(&res["tx_result"], "code"), 0, "{res}");
    assert_eq!(c.balance(&c.carol)?, 103);
    assert_eq!(c.balance(&c.dave)?, 200);
    assert_eq!(c.balance(&c.alice)?, GENESIS_COINS - 303 - c.params().fee);
    Ok(())
}
