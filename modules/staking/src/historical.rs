//! The SDK's historical info: at the start of each block, the block's header and the validator
//! set that signs it, kept for the last `historical_entries` blocks so clients (and IBC peers
//! checking our past consensus states) can read past validator sets.

use cnidarium::{StateRead, StateWrite};
use cosmos_sdk_proto::cosmos::staking::v1beta1::HistoricalInfo;
use rmesh_core::{BlockContextExt, BlockHeader, SdkError, StoreRead, StoreWrite};

use crate::query::validator_proto;
use crate::state_key;
use crate::view::StakingRead;

/// Records `header`'s block and prunes the entries older than `historical_entries` blocks.
pub async fn track<S: StateWrite>(state: &mut S, header: &BlockHeader<'_>) -> Result<(), SdkError> {
    let entries = u64::from(state.staking_params().await?.historical_entries);
    // From the oldest height that falls out of the window down to the first one already gone,
    // as the SDK does: one deletion per block, more after `historical_entries` shrinks.
    let mut stale = header.height.checked_sub(entries);
    while let Some(height) = stale.filter(|height| *height > 0) {
        let key = state_key::historical_info(height);
        if state.get_bytes(&key).await?.is_none() {
            break;
        }
        state.delete_key(key)?;
        stale = height.checked_sub(1);
    }
    if entries == 0 {
        return Ok(());
    }
    let info = HistoricalInfo {
        header: Some(sdk_block_header(state, header)),
        valset: signing_set(state).await?,
    };
    state.put_proto(state_key::historical_info(header.height), &info)
}

/// The header as the SDK's FinalizeBlock knows it: CometBFT hands the app only these fields.
fn sdk_block_header<S: StateRead>(
    state: &S,
    header: &BlockHeader<'_>,
) -> tendermint_proto::types::Header {
    tendermint_proto::types::Header {
        chain_id: state.block_context().chain_id,
        height: i64::try_from(header.height).unwrap_or(i64::MAX),
        time: Some(header.time.into()),
        next_validators_hash: header.next_validators_hash.as_bytes().to_vec(),
        app_hash: header.previous_app_hash.clone(),
        proposer_address: header.proposer_address.as_bytes().to_vec(),
        ..Default::default()
    }
}

/// The validators CometBFT holds (the last end block's set), in CometBFT's order: power
/// descending, then consensus address ascending.
async fn signing_set<S: StateRead>(
    state: &S,
) -> Result<Vec<cosmos_sdk_proto::cosmos::staking::v1beta1::Validator>, SdkError> {
    let mut members = Vec::new();
    for (operator, power) in state.last_powers().await? {
        let validator = state.validator(&operator).await?.ok_or_else(|| {
            SdkError::Internal(format!(
                "the active set names an unknown validator {operator:?}"
            ))
        })?;
        members.push((power, validator));
    }
    members.sort_by(|(power_a, a), (power_b, b)| {
        power_b
            .cmp(power_a)
            .then_with(|| a.consensus_address().cmp(&b.consensus_address()))
    });
    let mut valset = Vec::with_capacity(members.len());
    for (_, validator) in &members {
        valset.push(validator_proto(state, validator).await?);
    }
    Ok(valset)
}

/// The recorded entry for `height`, if it is still in the window.
pub async fn historical_info<S: StateRead>(
    state: &S,
    height: u64,
) -> Result<Option<HistoricalInfo>, SdkError> {
    state.get_proto(&state_key::historical_info(height)).await
}

#[cfg(test)]
mod tests {
    use cnidarium::{StateDelta, TempStorage};
    use rmesh_bank::BankWrite;
    use rmesh_core::{Address, Coin, Coins, Decimal};
    use tendermint::abci::types::CommitInfo;

    use super::*;
    use crate::component::create_validator;
    use crate::validator::{Commission, Description, Validator};
    use crate::view::StakingWrite;
    use crate::{NoHooks, Params, Staking};

    fn header(height: u64, commit: &CommitInfo) -> BlockHeader<'_> {
        BlockHeader {
            height,
            time: tendermint::Time::from_unix_timestamp(1_700_000_000 + height as i64, 0).unwrap(),
            previous_app_hash: vec![height as u8; 32],
            next_validators_hash: tendermint::Hash::Sha256([7; 32]),
            proposer_address: tendermint::account::Id::new([9; 20]),
            last_commit: commit,
            misbehavior: &[],
        }
    }

    async fn bonded_validator<S: StateWrite>(state: &mut S, index: u8, bond: u128) {
        let operator = Address([index; 20]);
        let mut coins = Coins::new();
        coins.add(&Coin::new(bond, "urmesh")).unwrap();
        state.mint(&operator, &coins).await.unwrap();
        let commission = Commission {
            rate: Decimal::ZERO,
            max_rate: Decimal::ONE,
            max_change_rate: Decimal::ONE,
            update_time_nanos: 0,
        };
        let validator =
            Validator::new(operator, [index; 32], Description::default(), commission, 1);
        create_validator::<_, NoHooks>(state, validator, bond)
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn each_block_records_its_header_and_signing_set_and_only_the_last_entries_are_kept() {
        let storage = TempStorage::new().await.unwrap();
        let mut state = StateDelta::new(storage.latest_snapshot());
        state
            .put_staking_params(&Params {
                historical_entries: 2,
                ..Params::default()
            })
            .unwrap();
        bonded_validator(&mut state, 1, 5_000_000).await;
        bonded_validator(&mut state, 2, 9_000_000).await;
        Staking::end_block::<_, NoHooks>(&mut state).await.unwrap();
        let commit = CommitInfo {
            round: 0u16.into(),
            votes: vec![],
        };
        for height in 1..=4 {
            track(&mut state, &header(height, &commit)).await.unwrap();
        }
        for gone in 1..=2 {
            assert!(historical_info(&state, gone).await.unwrap().is_none());
        }
        let info = historical_info(&state, 4).await.unwrap().expect("kept");
        let header = info.header.expect("a header");
        assert_eq!(header.height, 4);
        assert_eq!(header.app_hash, vec![4; 32]);
        assert_eq!(header.proposer_address, vec![9; 20]);
        assert_eq!(header.next_validators_hash, vec![7; 32]);
        let tokens: Vec<&str> = info.valset.iter().map(|v| v.tokens.as_str()).collect();
        assert_eq!(tokens, ["9000000", "5000000"], "highest power first");
        assert!(historical_info(&state, 3).await.unwrap().is_some());
    }
}
