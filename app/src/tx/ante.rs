//! The ante handler, in the SDK's order: timeout height, signers, memo, size gas, fee, signatures.

use cnidarium::StateWrite;
use rmesh_auth::{verify_signer, AccountRead, SignatureMode, SignerInput};
use rmesh_bank::BankWrite;
use rmesh_core::{
    Address, BlockContextExt, Coin, Coins, EventBuilder, GasMeterExt, GasMeterWriteExt, SdkError,
};

use super::amino::{AminoError, AminoSignDoc};
use super::decode::{DecodedTx, SignerMode};
use super::execute::ExecMode;
use super::router::{self, CheckedMsg};
use crate::config::GasPrice;

/// Gas charged for deducting the fee, whatever its coins (reads and writes of two balances).
pub const FEE_DEDUCTION_GAS: u64 = 10_000;

/// Returns each message's checked form, for the execution that follows.
pub async fn ante<S: StateWrite>(
    state: &mut S,
    tx: &DecodedTx,
    mode: &ExecMode,
) -> Result<Vec<CheckedMsg>, SdkError> {
    let context = state.block_context();
    let timeout = tx.body.timeout_height;
    if timeout != 0 && context.height > timeout {
        return Err(SdkError::TxTimeoutHeight(format!(
            "block height: {}, timeout height: {timeout}",
            context.height
        )));
    }
    let mut checked = Vec::with_capacity(tx.body.messages.len());
    for message in &tx.body.messages {
        checked.push(router::check(state, message).await?);
    }
    let signers = tx_signers(tx, &checked)?;
    let params = state.auth_params().await?;
    let memo_len = tx.body.memo.chars().count() as u64;
    if memo_len > params.max_memo_characters {
        return Err(SdkError::MemoTooLarge(format!(
            "maximum number of characters is {} but received {memo_len} characters",
            params.max_memo_characters
        )));
    }
    if signers.len() as u64 > params.tx_sig_limit {
        return Err(SdkError::TooManySignatures(format!(
            "signatures: {}, limit: {}",
            signers.len(),
            params.tx_sig_limit
        )));
    }
    state.consume_gas(params.tx_size_cost_per_byte * tx.len as u64, "txSize")?;
    deduct_fee(state, tx, &signers, mode).await?;
    let (signature_mode, sign_modes) = match mode {
        ExecMode::Simulate | ExecMode::Recheck => (SignatureMode::Skip, vec![]),
        _ => (SignatureMode::Verify, tx.sign_modes()?),
    };
    // Rendered once for all amino signers; a tx it cannot render fails at its first amino
    // signer, after that signer's sequence check, as in the SDK.
    let amino_doc = sign_modes
        .contains(&SignerMode::LegacyAminoJson)
        .then(|| AminoSignDoc::new(tx));
    let chain_id = context.chain_id.as_str();
    for (index, signer) in signers.iter().enumerate() {
        let info = &tx.auth_info.signer_infos[index];
        let input = SignerInput {
            signer: *signer,
            public_key: info.public_key.as_ref(),
            sequence: info.sequence,
            signature: &tx.signatures[index],
        };
        match (sign_modes.get(index), &amino_doc) {
            (Some(SignerMode::LegacyAminoJson), Some(Ok(doc))) => {
                verify_signer(state, input, chain_id, signature_mode, |number| {
                    doc.sign_bytes(number, chain_id, info.sequence)
                })
                .await?
            }
            (Some(SignerMode::LegacyAminoJson), Some(Err(err))) => {
                return Err(amino_refusal(state, signer, info.sequence, err, chain_id).await)
            }
            _ => {
                verify_signer(state, input, chain_id, signature_mode, |number| {
                    tx.sign_bytes(chain_id, number)
                })
                .await?
            }
        }
        let text = state.format_address(signer).await?;
        state.record(
            EventBuilder::new("tx")
                .attr("acc_seq", format!("{text}/{}", info.sequence))
                .build(),
        );
    }
    Ok(checked)
}

/// The error for an amino signer of a tx whose sign doc cannot be built: the SDK checks the
/// account and its sequence before it builds the doc, so those errors come first.
async fn amino_refusal<S: StateWrite>(
    state: &S,
    signer: &Address,
    sequence: u64,
    err: &AminoError,
    chain_id: &str,
) -> SdkError {
    match state.account(signer).await {
        Err(err) => err,
        Ok(None) => match state.format_address(signer).await {
            Ok(text) => SdkError::UnknownAddress(format!("account {text} not found")),
            Err(err) => err,
        },
        Ok(Some(account)) if account.sequence != sequence => SdkError::WrongSequence {
            expected: account.sequence,
            got: sequence,
        },
        Ok(Some(account)) => err.clone().into_sdk_error(account.account_number, chain_id),
    }
}

/// The distinct signers of all messages in order of first appearance; one signer info each.
fn tx_signers(tx: &DecodedTx, checked: &[CheckedMsg]) -> Result<Vec<Address>, SdkError> {
    let mut signers: Vec<Address> = Vec::new();
    for signer in checked.iter().flat_map(|message| &message.signers) {
        if !signers.contains(signer) {
            signers.push(*signer);
        }
    }
    if signers.len() != tx.auth_info.signer_infos.len() {
        return Err(SdkError::Unauthorized(format!(
            "invalid number of signer; expected: {}, got {}",
            signers.len(),
            tx.auth_info.signer_infos.len()
        )));
    }
    Ok(signers)
}

/// The fee as the SDK reads it: a list of zero amounts is no fee (simulations send `0urmesh`);
/// anything else must be a valid coin list (sorted, each denom once, positive).
fn fee_coins(amount: &[cosmos_sdk_proto::cosmos::base::v1beta1::Coin]) -> Result<Coins, SdkError> {
    let mut all_zero = true;
    for coin in amount {
        all_zero &= Coin::from_proto(&coin.denom, &coin.amount)?.amount == 0;
    }
    if all_zero {
        return Ok(Coins::new());
    }
    Coins::validated(
        amount
            .iter()
            .map(|coin| (coin.denom.as_str(), coin.amount.as_str())),
    )
}

async fn deduct_fee<S: StateWrite>(
    state: &mut S,
    tx: &DecodedTx,
    signers: &[Address],
    mode: &ExecMode,
) -> Result<(), SdkError> {
    let fee = tx
        .auth_info
        .fee
        .as_ref()
        .ok_or_else(|| SdkError::InvalidRequest("missing fee".into()))?;
    if !fee.granter.is_empty() {
        return Err(SdkError::InvalidRequest(
            "fee grants are not supported".into(),
        ));
    }
    let coins = fee_coins(&fee.amount).map_err(|e| match e {
        SdkError::InvalidCoins(reason) => {
            SdkError::InsufficientFee(format!("invalid fee amount: {reason}"))
        }
        other => other,
    })?;
    let payer = if fee.payer.is_empty() {
        signers[0]
    } else {
        let payer = state.parse_address(&fee.payer).await?;
        if !signers.contains(&payer) {
            return Err(SdkError::Unauthorized(format!(
                "fee payer {} is not a signer",
                fee.payer
            )));
        }
        payer
    };
    if let ExecMode::Check { minimum_gas_prices } = mode {
        check_minimum_fee(&coins, fee.gas_limit, minimum_gas_prices)?;
    }
    // A flat price: simulations carry no fee, yet must cost what the signed tx will.
    state.consume_gas(FEE_DEDUCTION_GAS, "fee deduction")?;
    if !coins.is_empty() {
        let meter = state.take_gas_meter();
        let paid = state.collect_fee(&payer, &coins).await;
        if let Some(meter) = meter {
            state.install_gas_meter(meter);
        }
        paid?;
    }
    let payer_text = state.format_address(&payer).await?;
    state.record(
        EventBuilder::new("tx")
            .attr("fee", coins.to_string())
            .attr("fee_payer", payer_text)
            .build(),
    );
    Ok(())
}

/// A node's own price floor (CheckTx only, as in the SDK): the fee must cover gas x price in at
/// least one of the accepted denoms.
fn check_minimum_fee(fee: &Coins, gas_limit: u64, prices: &[GasPrice]) -> Result<(), SdkError> {
    let mut required = Vec::new();
    for price in prices {
        let amount = price.price.mul_ceil(u128::from(gas_limit)).map_err(|e| {
            SdkError::InsufficientFee(format!("cannot compute the required fee: {e}"))
        })?;
        if amount == 0 || fee.amount_of(&price.denom) >= amount {
            return Ok(());
        }
        required.push(Coin::new(amount, price.denom.clone()).to_string());
    }
    if required.is_empty() {
        return Ok(());
    }
    Err(SdkError::InsufficientFee(format!(
        "insufficient fees; got: {fee} required: {}",
        required.join(",")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prices(text: &str) -> Vec<GasPrice> {
        crate::config::parse_gas_prices(text).unwrap()
    }

    #[test]
    fn the_fee_must_cover_gas_times_price_rounded_up() {
        let floor = prices("0.0025urmesh");
        assert!(check_minimum_fee(&"500urmesh".parse().unwrap(), 200_000, &floor).is_ok());
        let err = check_minimum_fee(&"499urmesh".parse().unwrap(), 200_000, &floor).unwrap_err();
        assert_eq!(
            err.to_string(),
            "insufficient fees; got: 499urmesh required: 500urmesh: insufficient fee"
        );
        assert!(
            check_minimum_fee(&"1urmesh".parse().unwrap(), 1, &floor).is_ok(),
            "0.0025 rounds up to 1"
        );
    }

    #[test]
    fn any_accepted_denom_pays_and_no_floor_accepts_free_txs() {
        let floor = prices("0.0025urmesh,0.1uatom");
        assert!(check_minimum_fee(&"20000uatom".parse().unwrap(), 200_000, &floor).is_ok());
        assert!(check_minimum_fee(&Coins::new(), 200_000, &[]).is_ok());
        assert!(check_minimum_fee(&Coins::new(), 200_000, &prices("0urmesh")).is_ok());
    }
}
