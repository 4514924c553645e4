//! Deposits: what `MsgSubmitProposal`'s initial deposit and `MsgDeposit` share, and their
//! refund or burn when a proposal ends.

use cnidarium::StateWrite;
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmos_sdk_proto::cosmos::gov::v1::{Deposit, Proposal, ProposalStatus};
use rmesh_auth::AccountRead;
use rmesh_bank::BankWrite;
use rmesh_core::{Address, BlockContextExt, Coin, Coins, Decimal, SdkError};

use crate::error::GovError;
use crate::event;
use crate::params::Params;
use crate::time::{nanos_of, timestamp};
use crate::view::{GovRead, GovWrite};

/// Coins of a proto list, merged; invalid amounts or denoms refused.
pub(crate) fn coins_of(list: &[ProtoCoin]) -> Result<Coins, SdkError> {
    let mut coins = Coins::new();
    for coin in list {
        coins.add(&Coin::from_proto(&coin.denom, &coin.amount)?)?;
    }
    Ok(coins)
}

pub(crate) fn proto_coins(coins: &Coins) -> Vec<ProtoCoin> {
    coins
        .iter()
        .map(|coin| ProtoCoin {
            denom: coin.denom,
            amount: coin.amount.to_string(),
        })
        .collect()
}

fn is_all_gte(have: &Coins, want: &Coins) -> bool {
    want.iter()
        .all(|coin| have.amount_of(&coin.denom) >= coin.amount)
}

/// `min_deposit × ratio`, each amount floored.
fn scaled(min: &Coins, ratio: Decimal) -> Result<Coins, GovError> {
    let mut scaled = Coins::new();
    for coin in min.iter() {
        let amount = ratio.mul_floor(coin.amount)?;
        if amount > 0 {
            scaled
                .add(&Coin::new(amount, coin.denom))
                .map_err(|e| GovError::Overflow(e.to_string()))?;
        }
    }
    Ok(scaled)
}

/// The SDK's checks on a submission's initial deposit: only deposit denoms, and at least
/// `min_initial_deposit_ratio` of the minimum.
pub(crate) fn check_initial(
    params: &Params,
    deposit: &Coins,
    expedited: bool,
) -> Result<(), SdkError> {
    let min = params.min_deposit_coins(expedited)?;
    check_denoms(&min, deposit)?;
    let wanted = scaled(&min, params.min_initial_deposit_ratio)?;
    if !is_all_gte(deposit, &wanted) {
        return Err(
            GovError::MinDepositTooSmall(format!("was ({deposit}), need ({wanted})")).into(),
        );
    }
    Ok(())
}

fn check_denoms(min: &Coins, deposit: &Coins) -> Result<(), SdkError> {
    for coin in deposit.iter() {
        if min.amount_of(&coin.denom) == 0 {
            return Err(GovError::InvalidDepositDenom(format!(
                "deposited {coin}, but gov accepts only {min}"
            ))
            .into());
        }
    }
    Ok(())
}

/// Moves `amount` from `depositor` into gov's account for `proposal` and starts its voting
/// period once the deposits reach the minimum. `is_submit`: the initial deposit, which the
/// per-deposit minimum does not apply to. Returns whether voting started.
pub(crate) async fn add<S: StateWrite>(
    state: &mut S,
    proposal: &mut Proposal,
    depositor: &Address,
    amount: &Coins,
    is_submit: bool,
) -> Result<bool, SdkError> {
    let status = proposal.status();
    if status != ProposalStatus::DepositPeriod && status != ProposalStatus::VotingPeriod {
        return Err(GovError::InactiveProposal {
            id: proposal.id,
            why: "no longer taking deposits",
        }
        .into());
    }
    let params = state.gov_params().await?;
    let min = params.min_deposit_coins(proposal.expedited)?;
    check_denoms(&min, amount)?;
    if !is_submit {
        let wanted = scaled(&min, params.min_deposit_ratio)?;
        let any_enough = wanted.is_empty()
            || wanted
                .iter()
                .any(|coin| amount.amount_of(&coin.denom) >= coin.amount);
        if !any_enough {
            return Err(GovError::MinDepositTooSmall(format!(
                "received {amount} but need at least one of the following: {wanted}"
            ))
            .into());
        }
    }
    state
        .send(depositor, &crate::module_address(), amount)
        .await?;

    let mut total = coins_of(&proposal.total_deposit)?;
    for coin in amount.iter() {
        total.add(&coin)?;
    }
    proposal.total_deposit = proto_coins(&total);

    let depositor_text = state.format_address(depositor).await?;
    let mut deposited = match state.deposit(proposal.id, depositor).await? {
        Some(deposit) => coins_of(&deposit.amount)?,
        None => Coins::new(),
    };
    for coin in amount.iter() {
        deposited.add(&coin)?;
    }
    state.put_deposit(
        depositor,
        &Deposit {
            proposal_id: proposal.id,
            depositor: depositor_text.clone(),
            amount: proto_coins(&deposited),
        },
    )?;
    state.record(event::deposited(
        proposal.id,
        &depositor_text,
        &amount.to_string(),
    ));

    let activated = status == ProposalStatus::DepositPeriod && is_all_gte(&total, &min);
    if activated {
        start_voting(state, proposal, &params).await?;
    }
    state.put_proposal(proposal)?;
    Ok(activated)
}

async fn start_voting<S: StateWrite>(
    state: &mut S,
    proposal: &mut Proposal,
    params: &Params,
) -> Result<(), SdkError> {
    let now = state.block_context().unix_nanos();
    let deposit_end = nanos_of(proposal.deposit_end_time.as_ref());
    state.unqueue_for_deposits(deposit_end, proposal.id)?;
    let end = now
        .checked_add(
            params
                .voting_period_of(proposal.expedited)
                .saturating_mul(1_000_000_000),
        )
        .ok_or_else(|| GovError::Overflow("voting end time".into()))?;
    proposal.status = ProposalStatus::VotingPeriod as i32;
    proposal.voting_start_time = Some(timestamp(now));
    proposal.voting_end_time = Some(timestamp(end));
    state.queue_for_voting(end, proposal.id)?;
    state.record(event::voting_started(proposal.id));
    Ok(())
}

/// Returns every deposit of `id` to its depositor (`burn`: burns them instead) and forgets them.
pub(crate) async fn settle<S: StateWrite>(
    state: &mut S,
    id: u64,
    burn: bool,
) -> Result<(), SdkError> {
    let gov = crate::module_address();
    for deposit in state.deposits(id).await? {
        let depositor = state.parse_address(&deposit.depositor).await?;
        let amount = coins_of(&deposit.amount)?;
        if burn {
            state.burn(&gov, &amount).await?;
        } else {
            state.send(&gov, &depositor, &amount).await?;
        }
        state.delete_deposit(id, &depositor)?;
    }
    Ok(())
}
