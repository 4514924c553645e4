//! Genesis and the end of each block: matured unbondings and redelegations, validators that
//! finished unbonding, and the validator set changes CometBFT must apply.

use async_trait::async_trait;
use base64::Engine;
use cnidarium::StateWrite;
use rmesh_auth::AccountRead;
use rmesh_core::component::{BURNER, STAKING};
use rmesh_core::{
    Address, BlockContextExt, BlockHeader, Component, ModuleAccount, SdkError, StoreRead,
    StoreWrite,
};

use crate::delegation::{self, move_tokens, BONDED_POOL, NOT_BONDED_POOL};
use crate::error::StakingError;
use crate::genesis::{GenesisState, GenesisValidator};
use crate::hooks::{NoHooks, StakingApp, StakingHooks};
use crate::state_key;
use crate::validator::{BondStatus, Commission, Description, Validator};
use crate::view::{StakingRead, StakingWrite};
use crate::StoreWriteExt;

pub struct Staking;

/// A change CometBFT must apply: the validator's ed25519 key and its new power (0 removes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PowerUpdate {
    pub consensus_pubkey: [u8; 32],
    pub power: u64,
}

/// Where `end_block` leaves the block's validator set changes for the app to hand to CometBFT:
/// ephemeral, so they never reach the committed state.
pub(crate) const POWER_UPDATES: &str = "staking/power_updates";

#[async_trait]
impl<A: StakingApp> Component<A> for Staking {
    const GENESIS_KEY: &'static str = "staking";
    const MODULE_ACCOUNTS: &'static [ModuleAccount] = &[
        ModuleAccount {
            name: BONDED_POOL,
            permissions: &[BURNER, STAKING],
        },
        ModuleAccount {
            name: NOT_BONDED_POOL,
            permissions: &[BURNER, STAKING],
        },
    ];
    type Genesis = GenesisState;

    async fn init_chain<S: StateWrite>(
        state: &mut S,
        genesis: GenesisState,
    ) -> Result<(), SdkError> {
        genesis
            .params
            .validate()
            .map_err(|e| StakingError::InvalidGenesis(format!("params: {e}")))?;
        state.put_staking_params(&genesis.params)?;
        for entry in &genesis.validators {
            let operator = state.parse_address(&entry.operator).await?;
            let validator = genesis_validator(entry, operator)?;
            create_validator::<S, NoHooks>(state, validator, entry.self_bond).await?;
        }
        Ok(())
    }

    /// The block's header and signing set, for `HistoricalInfo`.
    async fn begin_block<S: StateWrite>(
        state: &mut S,
        header: &BlockHeader<'_>,
    ) -> Result<(), SdkError> {
        crate::historical::track(state, header).await
    }

    /// The new validator set, left for the app with `take_power_updates`.
    async fn end_block<S: StateWrite>(
        state: &mut S,
        _header: &BlockHeader<'_>,
    ) -> Result<(), SdkError> {
        let updates = Staking::end_block::<S, A::Hooks>(state).await?;
        state.object_put(POWER_UPDATES, updates);
        Ok(())
    }
}

fn genesis_validator(
    entry: &GenesisValidator,
    operator: Address,
) -> Result<Validator, StakingError> {
    let invalid =
        |why: String| StakingError::InvalidGenesis(format!("validator {}: {why}", entry.moniker));
    let key = base64::engine::general_purpose::STANDARD
        .decode(&entry.consensus_pubkey)
        .map_err(|e| invalid(format!("consensus_pubkey is not base64: {e}")))?;
    let consensus_pubkey: [u8; 32] = key
        .try_into()
        .map_err(|_| invalid("consensus_pubkey must be a 32-byte ed25519 key".into()))?;
    let commission = Commission {
        rate: entry.commission_rate,
        max_rate: entry.commission_max_rate,
        max_change_rate: entry.commission_max_change_rate,
        update_time_nanos: 0,
    };
    let description = Description {
        moniker: entry.moniker.clone(),
        ..Description::default()
    };
    Ok(Validator::new(
        operator,
        consensus_pubkey,
        description,
        commission,
        entry.min_self_delegation,
    ))
}

/// Registers a new validator and bonds its operator's self-delegation.
pub async fn create_validator<S: StateWrite, H: StakingHooks>(
    state: &mut S,
    validator: Validator,
    self_bond: u128,
) -> Result<(), SdkError> {
    let params = state.staking_params().await?;
    validator.commission.validate(params.min_commission_rate)?;
    if state.validator(&validator.operator).await?.is_some() {
        return Err(StakingError::ValidatorOwnerExists.into());
    }
    if state
        .validator_by_consensus(&validator.consensus_address())
        .await?
        .is_some()
    {
        return Err(StakingError::ValidatorPubKeyExists.into());
    }
    if self_bond < validator.min_self_delegation.max(1) {
        return Err(StakingError::SelfDelegationBelowMinimum {
            bonded: self_bond,
            minimum: validator.min_self_delegation.max(1),
        }
        .into());
    }
    let operator = validator.operator;
    state.put_validator(&validator).await?;
    H::after_validator_created(state, &validator).await?;
    delegation::delegate::<S, H>(state, &operator, &operator, self_bond).await?;
    let text = state.format_operator(&operator).await?;
    state.record(crate::event::create_validator(
        &text,
        &self_bond.to_string(),
    ));
    Ok(())
}

impl Staking {
    /// End of block: maturities first, then the active set. Returns CometBFT's updates.
    pub async fn end_block<S: StateWrite, H: StakingHooks>(
        state: &mut S,
    ) -> Result<Vec<PowerUpdate>, SdkError> {
        complete_unbondings(state).await?;
        complete_redelegations(state).await?;
        complete_validator_unbonding(state).await?;
        apply_validator_set::<S, H>(state).await
    }
}

/// Queue keys due at or before now: `<prefix><time:020>/...`.
async fn due<S: StateWrite + ?Sized>(
    state: &S,
    prefix: &'static str,
) -> Result<Vec<String>, SdkError> {
    let now = format!("{:020}", state.block_context().unix_nanos());
    state
        .prefix_keys_while(prefix, move |key| {
            key[prefix.len()..]
                .get(..20)
                .is_some_and(|time| time <= now.as_str())
        })
        .await
}

/// The address segments after the time in a queue key.
fn queue_addresses(key: &str, prefix: &str) -> Vec<Address> {
    key[prefix.len()..]
        .split('/')
        .skip(1)
        .filter_map(Address::from_hex)
        .collect()
}

async fn complete_unbondings<S: StateWrite>(state: &mut S) -> Result<(), SdkError> {
    let now = state.block_context().unix_nanos();
    for key in due(state, state_key::UNBONDING_QUEUE_PREFIX).await? {
        if let [delegator, operator] = queue_addresses(&key, state_key::UNBONDING_QUEUE_PREFIX)[..]
        {
            let entries = state.unbonding(&delegator, &operator).await?;
            let (matured, pending): (Vec<_>, Vec<_>) = entries
                .into_iter()
                .partition(|entry| entry.completion_time_nanos <= now);
            let amount: u128 = matured.iter().map(|entry| entry.balance).sum();
            move_tokens(state, &Address::module(NOT_BONDED_POOL), &delegator, amount).await?;
            state.put_unbonding(&delegator, &operator, &pending)?;
            let validator = state.format_operator(&operator).await?;
            let delegator_text = state.format_address(&delegator).await?;
            state.record(crate::event::complete_unbonding(
                &validator,
                &delegator_text,
                &amount.to_string(),
            ));
        }
        state.delete_key(key)?;
    }
    Ok(())
}

async fn complete_redelegations<S: StateWrite>(state: &mut S) -> Result<(), SdkError> {
    let now = state.block_context().unix_nanos();
    for key in due(state, state_key::REDELEGATION_QUEUE_PREFIX).await? {
        if let [delegator, source, destination] =
            queue_addresses(&key, state_key::REDELEGATION_QUEUE_PREFIX)[..]
        {
            let mut entries = state
                .redelegation(&delegator, &source, &destination)
                .await?;
            entries.retain(|entry| entry.completion_time_nanos > now);
            state.put_redelegation(&delegator, &source, &destination, &entries)?;
        }
        state.delete_key(key)?;
    }
    Ok(())
}

async fn complete_validator_unbonding<S: StateWrite>(state: &mut S) -> Result<(), SdkError> {
    for key in due(state, state_key::VALIDATOR_QUEUE_PREFIX).await? {
        if let [operator] = queue_addresses(&key, state_key::VALIDATOR_QUEUE_PREFIX)[..] {
            if let Some(mut validator) = state.validator(&operator).await? {
                if validator.status == BondStatus::Unbonding {
                    validator.status = BondStatus::Unbonded;
                    state.put_validator(&validator).await?;
                }
            }
        }
        state.delete_key(key)?;
    }
    Ok(())
}

/// Bonds the top `max_validators` by power, unbonds those that left, and reports only changes.
async fn apply_validator_set<S: StateWrite, H: StakingHooks>(
    state: &mut S,
) -> Result<Vec<PowerUpdate>, SdkError> {
    let params = state.staking_params().await?;
    let mut last = state.last_powers().await?;
    let mut updates = Vec::new();
    for operator in state
        .operators_by_power(params.max_validators as usize)
        .await?
    {
        let mut validator = state.existing_validator(&operator).await?;
        let power = validator.power(params.power_reduction);
        if validator.status != BondStatus::Bonded {
            let pools = (
                Address::module(NOT_BONDED_POOL),
                Address::module(BONDED_POOL),
            );
            move_tokens(state, &pools.0, &pools.1, validator.tokens).await?;
            validator.status = BondStatus::Bonded;
            validator.unbonding_height = 0;
            validator.unbonding_time_nanos = 0;
            state.put_validator(&validator).await?;
            H::after_validator_bonded(state, &validator).await?;
        }
        if last.remove(&operator) != Some(power) {
            state.put_last_power(&operator, power)?;
            updates.push(PowerUpdate {
                consensus_pubkey: validator.consensus_pubkey,
                power,
            });
        }
    }
    for operator in last.into_keys() {
        let validator = state.existing_validator(&operator).await?;
        state.put_last_power(&operator, 0)?;
        updates.push(PowerUpdate {
            consensus_pubkey: validator.consensus_pubkey,
            power: 0,
        });
        begin_unbonding::<S, H>(state, validator, params.unbonding_nanos()).await?;
    }
    Ok(updates)
}

async fn begin_unbonding<S: StateWrite, H: StakingHooks>(
    state: &mut S,
    mut validator: Validator,
    unbonding_nanos: u64,
) -> Result<(), SdkError> {
    let context = state.block_context();
    let completion = context.unix_nanos().saturating_add(unbonding_nanos);
    move_tokens(
        state,
        &Address::module(BONDED_POOL),
        &Address::module(NOT_BONDED_POOL),
        validator.tokens,
    )
    .await?;
    validator.status = BondStatus::Unbonding;
    validator.unbonding_height = context.height;
    validator.unbonding_time_nanos = completion;
    state.put_validator(&validator).await?;
    state.put_marker(state_key::validator_queue(completion, &validator.operator))?;
    H::after_validator_begin_unbonding(state, &validator).await
}
