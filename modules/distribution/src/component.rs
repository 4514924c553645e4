//! Each block's allocation: the fee collector's bond-denom fees plus the block provision, split
//! by power among the validators of the last commit after the community tax.

use async_trait::async_trait;
use cnidarium::StateWrite;
use rmesh_bank::{BankRead, BankWrite, FEE_COLLECTOR};
use rmesh_core::component::MINTER;
use rmesh_core::{Address, BlockHeader, Coin, Coins, Component, Decimal, ModuleAccount, SdkError};
use rmesh_staking::StakingRead;
use tendermint::abci::types::CommitInfo;

use crate::error::DistributionError;
use crate::f1::math;
use crate::genesis::GenesisState;
use crate::view::{CurrentRewards, DistributionRead, DistributionWrite};
use crate::DISTRIBUTION_ACCOUNT;

pub struct Distribution;

#[async_trait]
impl<A> Component<A> for Distribution {
    const GENESIS_KEY: &'static str = "distribution";
    /// Minter: the block provision is minted here before it is shared out.
    const MODULE_ACCOUNTS: &'static [ModuleAccount] = &[ModuleAccount {
        name: DISTRIBUTION_ACCOUNT,
        permissions: &[MINTER],
    }];
    type Genesis = GenesisState;

    async fn init_chain<S: StateWrite>(
        state: &mut S,
        genesis: GenesisState,
    ) -> Result<(), SdkError> {
        if genesis.params.community_tax > Decimal::ONE {
            return Err(DistributionError::InvalidGenesis(format!(
                "community_tax {} must be at most 1",
                genesis.params.community_tax
            ))
            .into());
        }
        state.put_distribution_params(&genesis.params)?;
        // Genesis validators were bonded before distribution existed: start their records now.
        for validator in state.all_validators().await? {
            crate::f1::initialize_validator(state, &validator.operator).await?;
            for (delegator, _) in state.delegators_of(&validator.operator).await? {
                crate::f1::initialize_delegation(state, &delegator, &validator.operator).await?;
            }
        }
        Ok(())
    }

    /// The last commit's fees and provision, to its validators by power.
    async fn begin_block<S: StateWrite>(
        state: &mut S,
        header: &BlockHeader<'_>,
    ) -> Result<(), SdkError> {
        Distribution::begin_block(state, header.last_commit).await
    }
}

impl Distribution {
    pub async fn begin_block<S: StateWrite>(
        state: &mut S,
        last_commit: &CommitInfo,
    ) -> Result<(), SdkError> {
        let params = state.distribution_params().await?;
        let denom = state.staking_params().await?.bond_denom;
        let module = Address::module(DISTRIBUTION_ACCOUNT);
        let fees = state
            .balance(&Address::module(FEE_COLLECTOR), &denom)
            .await?;
        let mut fee_coins = Coins::new();
        fee_coins.add(&Coin::new(fees, denom.clone()))?;
        if fees > 0 {
            state
                .send(&Address::module(FEE_COLLECTOR), &module, &fee_coins)
                .await?;
        }
        if params.block_provision > 0 {
            let mut minted = Coins::new();
            minted.add(&Coin::new(params.block_provision, denom))?;
            state.mint(&module, &minted).await?;
        }
        let paid = fees.checked_add(params.block_provision).ok_or_else(|| {
            SdkError::Internal("reward arithmetic: fees plus the block provision overflow".into())
        })?;
        let total = Decimal::from_integer(paid).map_err(math)?;
        let tax = total.checked_mul(params.community_tax).map_err(math)?;
        let for_validators = total.saturating_sub(tax);
        let total_power: u128 = last_commit
            .votes
            .iter()
            .map(|v| u128::from(v.validator.power.value()))
            .sum();
        let mut allocated = Decimal::ZERO;
        if total_power > 0 {
            for vote in &last_commit.votes {
                let Some(validator) = state
                    .validator_by_consensus(&vote.validator.address)
                    .await?
                else {
                    continue;
                };
                let share = for_validators
                    .checked_mul_int(u128::from(vote.validator.power.value()))
                    .and_then(|d| d.div_int(total_power))
                    .map_err(math)?;
                allocate_to_validator(state, &validator, share).await?;
                allocated = allocated.checked_add(share).unwrap_or(allocated);
            }
        }
        let pool = state.community_pool().await?;
        let rest = total.saturating_sub(allocated);
        state.put_community_pool(pool.checked_add(rest).unwrap_or(pool))
    }
}

/// Commission to the operator, the rest to the validator's open period.
async fn allocate_to_validator<S: StateWrite>(
    state: &mut S,
    validator: &rmesh_staking::Validator,
    reward: Decimal,
) -> Result<(), SdkError> {
    let operator = validator.operator;
    let commission = reward
        .checked_mul(validator.commission.rate)
        .map_err(math)?;
    let accumulated = state.accumulated_commission(&operator).await?;
    state.put_accumulated_commission(
        &operator,
        accumulated.checked_add(commission).unwrap_or(accumulated),
    )?;
    let mut current = state
        .current_rewards(&operator)
        .await?
        .unwrap_or(CurrentRewards {
            period: 1,
            rewards: Decimal::ZERO,
        });
    current.rewards = current
        .rewards
        .checked_add(reward.saturating_sub(commission))
        .unwrap_or(current.rewards);
    state.put_current_rewards(&operator, &current)?;
    let outstanding = state.outstanding_rewards(&operator).await?;
    state.put_outstanding_rewards(
        &operator,
        outstanding.checked_add(reward).unwrap_or(outstanding),
    )
}
