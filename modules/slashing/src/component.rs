//! At the start of each block: liveness from the last commit's votes, then duplicate-vote
//! evidence. Both slash through staking, which tells its subscribers.

use async_trait::async_trait;
use cnidarium::StateWrite;
use rmesh_auth::AccountRead;
use rmesh_core::{BlockContextExt, BlockHeader, Component, Decimal, SdkError};
use rmesh_staking::{StakingApp, StakingHooks, StakingRead, StakingWrite};
use tendermint::abci::types::{CommitInfo, Misbehavior, MisbehaviorKind};

use crate::error::SlashingError;
use crate::genesis::GenesisState;
use crate::view::{SigningInfo, SlashingRead, SlashingWrite};

pub struct Slashing;

/// Tombstoned validators can never leave jail.
pub const JAILED_FOREVER: u64 = u64::MAX;

#[async_trait]
impl<A: StakingApp> Component<A> for Slashing {
    const GENESIS_KEY: &'static str = "slashing";
    type Genesis = GenesisState;

    async fn init_chain<S: StateWrite>(
        state: &mut S,
        genesis: GenesisState,
    ) -> Result<(), SdkError> {
        genesis
            .params
            .validate()
            .map_err(|e| SlashingError::InvalidGenesis(format!("params: {e}")))?;
        state.put_slashing_params(&genesis.params)
    }

    /// Liveness from the last commit, then double-sign evidence.
    async fn begin_block<S: StateWrite>(
        state: &mut S,
        header: &BlockHeader<'_>,
    ) -> Result<(), SdkError> {
        Slashing::begin_block::<S, A::Hooks>(state, header.last_commit, header.misbehavior).await
    }
}

impl Slashing {
    pub async fn begin_block<S: StateWrite, H: StakingHooks>(
        state: &mut S,
        last_commit: &CommitInfo,
        misbehavior: &[Misbehavior],
    ) -> Result<(), SdkError> {
        for vote in &last_commit.votes {
            let power = vote.validator.power.value();
            handle_signature::<S, H>(
                state,
                &vote.validator.address,
                power,
                vote.sig_info.is_signed(),
            )
            .await?;
        }
        for evidence in misbehavior {
            if evidence.kind == MisbehaviorKind::DuplicateVote {
                handle_double_sign::<S, H>(state, evidence).await?;
            }
        }
        Ok(())
    }
}

async fn handle_signature<S: StateWrite, H: StakingHooks>(
    state: &mut S,
    consensus: &[u8; 20],
    power: u64,
    signed: bool,
) -> Result<(), SdkError> {
    let Some(validator) = state.validator_by_consensus(consensus).await? else {
        return Ok(());
    };
    if validator.jailed {
        return Ok(());
    }
    let params = state.slashing_params().await?;
    let context = state.block_context();
    let mut info = state.signing_info(consensus).await?.unwrap_or(SigningInfo {
        start_height: context.height,
        ..SigningInfo::default()
    });
    let index = info.index_offset % params.signed_blocks_window;
    info.index_offset = info
        .index_offset
        .checked_add(1)
        .ok_or(SlashingError::ArithmeticOverflow("signing window index"))?;
    let missed = !signed;
    if state.missed_at(consensus, index).await? != missed {
        state.put_missed(consensus, index, missed)?;
        // The counter equals the missed marks in the window; a mark flips only with it.
        let counter = info.missed_blocks_counter;
        info.missed_blocks_counter = if signed {
            counter.checked_sub(1)
        } else {
            counter.checked_add(1)
        }
        .ok_or(SlashingError::ArithmeticOverflow("missed blocks counter"))?;
    }
    if !signed {
        let address = state.format_operator(&validator.operator).await?;
        state.record(crate::event::liveness(
            &address,
            info.missed_blocks_counter,
            context.height,
        ));
    }
    let warmed_up = context.height
        > info
            .start_height
            .saturating_add(params.signed_blocks_window);
    if warmed_up && info.missed_blocks_counter > params.max_missed() {
        // The infraction is the block CometBFT last ran with this power (updates lag two blocks).
        let infraction_height = context.height.saturating_sub(2);
        let burned = state
            .slash_validator::<H>(
                &validator.operator,
                infraction_height,
                context.time_seconds,
                power,
                params.slash_fraction_downtime,
            )
            .await?;
        state.jail::<H>(&validator.operator).await?;
        info.jailed_until_nanos = context.unix_nanos().saturating_add(
            params
                .downtime_jail_duration_seconds
                .saturating_mul(1_000_000_000),
        );
        info.missed_blocks_counter = 0;
        info.index_offset = 0;
        state.clear_missed(consensus).await?;
        let address = state.format_operator(&validator.operator).await?;
        state.record(crate::event::slash(
            &address,
            power,
            "missing_signature",
            &address,
            burned,
        ));
    }
    state.put_signing_info(consensus, &info)
}

async fn handle_double_sign<S: StateWrite, H: StakingHooks>(
    state: &mut S,
    evidence: &Misbehavior,
) -> Result<(), SdkError> {
    let consensus = evidence.validator.address;
    let Some(validator) = state.validator_by_consensus(&consensus).await? else {
        return Ok(());
    };
    let mut info = state.signing_info(&consensus).await?.unwrap_or_default();
    if info.tombstoned {
        return Ok(());
    }
    let context = state.block_context();
    let evidence_time = tendermint_proto::google::protobuf::Timestamp::from(evidence.time);
    let unbonding = rmesh_staking::StakingRead::staking_params(state)
        .await?
        .unbonding_time_seconds;
    if context.time_seconds.saturating_sub(evidence_time.seconds) > unbonding as i64 {
        return Ok(());
    }
    let fraction: Decimal = state.slashing_params().await?.slash_fraction_double_sign;
    let power = evidence.validator.power.value();
    let burned = state
        .slash_validator::<H>(
            &validator.operator,
            evidence.height.value(),
            evidence_time.seconds,
            power,
            fraction,
        )
        .await?;
    state.jail::<H>(&validator.operator).await?;
    info.tombstoned = true;
    info.jailed_until_nanos = JAILED_FOREVER;
    state.put_signing_info(&consensus, &info)?;
    if let Some(tombstoned) = state.validator(&validator.operator).await? {
        H::after_validator_tombstoned(state, &tombstoned).await?;
    }
    let address = state.format_operator(&validator.operator).await?;
    state.record(crate::event::slash(
        &address,
        power,
        "double_sign",
        &address,
        burned,
    ));
    Ok(())
}
