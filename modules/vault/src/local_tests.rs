//! Local staking against real staking state: a validator with a self-bond of 1000 (power
//! reduction 1, so a 10% slash burns exactly 10% of its tokens) and an owner with 200 bonded.

use cnidarium::{Snapshot, StateDelta, TempStorage};
use rmesh_auth::AccountRead;
use rmesh_bank::{BankRead, BankWrite};
use rmesh_core::error::AbciCode;
use rmesh_core::{Address, BlockContext, BlockContextWriteExt, Coin, Coins, Decimal, MsgHandler};
use rmesh_proto::vault::v1::{self as pb, MsgStakeLocal, MsgUnstakeLocal};
use rmesh_staking::{
    Commission, Description, Params, Staking, StakingRead, StakingWrite, Validator,
};

use crate::local::{local_proxy, LocalRead, LOCAL_HOLDER};
use crate::query::local_stakes_proto;
use crate::view::{VaultRead, VaultWrite};
use crate::{StakeLocalHandler, UnstakeLocalHandler, Vault, VaultHooks, VAULT_ACCOUNT};

const DENOM: &str = "urmesh";
const UNBONDING_SECONDS: i64 = 100;
const START: i64 = 1_000;

type State = StateDelta<Snapshot>;

fn owner() -> Address {
    Address([7; 20])
}

fn operator() -> Address {
    Address([9; 20])
}

fn vault() -> Address {
    Address::module(VAULT_ACCOUNT)
}

fn ratio(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn at(state: &mut State, height: u64, time_seconds: i64) {
    state.put_block_context(BlockContext {
        chain_id: "rmesh-test".into(),
        height,
        time_seconds,
        time_nanos: 0,
    });
}

async fn mint(state: &mut State, to: &Address, amount: u128) {
    let mut coins = Coins::new();
    coins.add(&Coin::new(amount, DENOM)).unwrap();
    state.mint(to, &coins).await.unwrap();
}

async fn chain(storage: &TempStorage) -> State {
    let mut state = StateDelta::new(storage.latest_snapshot());
    at(&mut state, 10, START);
    state
        .put_staking_params(&Params {
            power_reduction: 1,
            unbonding_time_seconds: UNBONDING_SECONDS as u64,
            ..Params::default()
        })
        .unwrap();
    mint(&mut state, &operator(), 1_000).await;
    let validator = Validator::new(
        operator(),
        [5; 32],
        Description {
            moniker: "local".into(),
            ..Description::default()
        },
        Commission {
            rate: Decimal::ZERO,
            max_rate: Decimal::ONE,
            max_change_rate: Decimal::ONE,
            update_time_nanos: 0,
        },
        1,
    );
    state
        .create_validator::<VaultHooks>(validator, 1_000)
        .await
        .unwrap();
    mint(&mut state, &owner(), 1_000).await;
    state.bond(&owner(), 200).await.unwrap();
    state
}

async fn stake(state: &mut State, amount: &str) -> Result<(), rmesh_core::SdkError> {
    let msg = MsgStakeLocal {
        owner: state.format_address(&owner()).await.unwrap(),
        validator: state.format_operator(&operator()).await.unwrap(),
        amount: amount.into(),
    };
    StakeLocalHandler::<VaultHooks>::execute(state, &msg)
        .await
        .map(|_| ())
}

async fn unstake(state: &mut State, amount: &str) -> Result<(), rmesh_core::SdkError> {
    let msg = MsgUnstakeLocal {
        owner: state.format_address(&owner()).await.unwrap(),
        validator: state.format_operator(&operator()).await.unwrap(),
        amount: amount.into(),
    };
    UnstakeLocalHandler::<VaultHooks>::execute(state, &msg)
        .await
        .map(|_| ())
}

async fn tokens(state: &State) -> u128 {
    state.validator(&operator()).await.unwrap().unwrap().tokens
}

async fn lien(state: &State, holder: &str) -> u128 {
    state
        .liens(&owner())
        .await
        .unwrap()
        .get(holder)
        .map_or(0, |lien| lien.amount)
}

async fn slash_ten_percent(state: &mut State, infraction_height: u64, power: u64) -> u128 {
    state
        .slash_validator::<VaultHooks>(&operator(), infraction_height, START, power, ratio("0.1"))
        .await
        .unwrap()
}

/// The vault account holds exactly the owner's collateral that is not staked locally, plus the
/// slash burns still owed.
async fn assert_vault_holds_the_unstaked_collateral(state: &State) {
    let expected = state.collateral(&owner()).await.unwrap()
        + state.burn_owed_by(&owner()).await.unwrap()
        - state.local_outstanding(&owner()).await.unwrap();
    assert_eq!(state.balance(&vault(), DENOM).await.unwrap(), expected);
}

#[tokio::test]
async fn stake_local_delegates_through_the_proxy_and_raises_the_validators_tokens() {
    let storage = TempStorage::new().await.unwrap();
    let mut state = chain(&storage).await;
    stake(&mut state, "190").await.unwrap();

    assert_eq!(tokens(&state).await, 1_190);
    let shares = state
        .delegation(&local_proxy(&owner()), &operator())
        .await
        .unwrap();
    assert_eq!(shares, Decimal::from_integer(190).unwrap());
    assert_eq!(state.balance(&vault(), DENOM).await.unwrap(), 10);
    assert_eq!(
        state.balance(&local_proxy(&owner()), DENOM).await.unwrap(),
        0
    );
    let account = state.vault_account(&owner()).await.unwrap();
    assert_eq!(account.collateral, 200, "staking moves no collateral");
    // The slashing module's default fractions: double sign 5%, downtime 1%.
    assert_eq!(account.liens[LOCAL_HOLDER].amount, 190);
    assert_eq!(account.liens[LOCAL_HOLDER].slashable, ratio("0.05"));
    assert_eq!(account.free(), 10);
    assert_eq!(
        local_stakes_proto(&state, &owner()).await.unwrap(),
        vec![pb::LocalStake {
            validator: state.format_operator(&operator()).await.unwrap(),
            amount: "190".into(),
            unbondings: vec![],
        }]
    );
}

#[tokio::test]
async fn stake_beyond_free_collateral_is_refused_and_changes_nothing() {
    let storage = TempStorage::new().await.unwrap();
    let mut state = chain(&storage).await;
    let err = stake(&mut state, "201").await.unwrap_err();
    assert_eq!((err.codespace(), AbciCode::code(&err)), ("vault", 4));
    assert!(err.to_string().ends_with("bond more first"), "{err}");

    assert_eq!(tokens(&state).await, 1_000);
    assert_eq!(state.balance(&vault(), DENOM).await.unwrap(), 200);
    assert!(state.liens(&owner()).await.unwrap().is_empty());
    assert!(local_stakes_proto(&state, &owner())
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn staking_with_an_unknown_validator_or_unstaking_more_than_is_staked_is_refused() {
    let storage = TempStorage::new().await.unwrap();
    let mut state = chain(&storage).await;
    let msg = MsgStakeLocal {
        owner: state.format_address(&owner()).await.unwrap(),
        validator: state.format_operator(&Address([1; 20])).await.unwrap(),
        amount: "10".into(),
    };
    let err = StakeLocalHandler::<VaultHooks>::execute(&mut state, &msg)
        .await
        .unwrap_err();
    assert_eq!((err.codespace(), AbciCode::code(&err)), ("vault", 10));

    stake(&mut state, "50").await.unwrap();
    let err = unstake(&mut state, "51").await.unwrap_err();
    assert_eq!((err.codespace(), AbciCode::code(&err)), ("vault", 11));
    assert!(
        err.to_string().contains("only 50 is staked there locally"),
        "{err}"
    );
}

#[tokio::test]
async fn unstake_local_then_end_block_after_the_unbonding_time_returns_tokens_and_releases_the_lien(
) {
    let storage = TempStorage::new().await.unwrap();
    let mut state = chain(&storage).await;
    stake(&mut state, "190").await.unwrap();
    unstake(&mut state, "190").await.unwrap();
    assert_eq!(tokens(&state).await, 1_000);
    assert_eq!(
        lien(&state, LOCAL_HOLDER).await,
        190,
        "held while unbonding"
    );
    assert_eq!(
        local_stakes_proto(&state, &owner()).await.unwrap()[0].unbondings,
        vec![pb::LocalUnbonding {
            amount: "190".into(),
            completes_at: (START + UNBONDING_SECONDS) as u64,
        }]
    );

    at(&mut state, 20, START + UNBONDING_SECONDS);
    // Before staking has paid the proxy, the sweep waits.
    Vault::end_block::<_, VaultHooks>(&mut state).await.unwrap();
    assert_eq!(lien(&state, LOCAL_HOLDER).await, 190);
    Staking::end_block::<_, VaultHooks>(&mut state)
        .await
        .unwrap();
    Vault::end_block::<_, VaultHooks>(&mut state).await.unwrap();

    assert_eq!(state.balance(&vault(), DENOM).await.unwrap(), 200);
    assert_eq!(
        state.balance(&local_proxy(&owner()), DENOM).await.unwrap(),
        0
    );
    let account = state.vault_account(&owner()).await.unwrap();
    assert!(account.liens.is_empty());
    assert_eq!(account.free(), 200);
    assert!(local_stakes_proto(&state, &owner())
        .await
        .unwrap()
        .is_empty());
    assert!(state.local_stakers(&operator()).await.unwrap().is_empty());
    assert_vault_holds_the_unstaked_collateral(&state).await;
}

/// Collateral 200, local 190 (@5%), external/a 190 (@10%). A native 10% slash takes 19 of the
/// local stake: collateral 181 and local 171, and external/a (190 > 181) is cut to 181, the 9
/// queued for its holder (`Collateral::slash` cuts every lien above the collateral down to it;
/// the slashable sum 171 x 0.05 + 181 x 0.1 = 26.65 stays below 181, so nothing is pro rata).
#[tokio::test]
async fn a_ten_percent_native_slash_takes_exactly_what_staking_burned_and_queues_the_cross_cut() {
    let storage = TempStorage::new().await.unwrap();
    let mut state = chain(&storage).await;
    stake(&mut state, "190").await.unwrap();
    state
        .add_lien(&owner(), "external/a", 190, ratio("0.1"))
        .await
        .unwrap();
    let supply = state.supply_of(DENOM).await.unwrap();

    let burned = slash_ten_percent(&mut state, 10, 1_190).await;

    assert_eq!(burned, 119);
    assert_eq!(
        state.supply_of(DENOM).await.unwrap(),
        supply - 119,
        "the vault burns nothing again"
    );
    assert_eq!(state.balance(&vault(), DENOM).await.unwrap(), 10);
    let account = state.vault_account(&owner()).await.unwrap();
    assert_eq!(account.collateral, 181);
    assert_eq!(account.liens[LOCAL_HOLDER].amount, 171);
    assert_eq!(account.liens["external/a"].amount, 181);
    assert!(account.is_covered());
    assert_eq!(
        state.queued_cuts("external/a").await.unwrap(),
        vec![(owner(), 9)]
    );
    assert!(state.queued_cuts(LOCAL_HOLDER).await.unwrap().is_empty());
    assert_eq!(
        state.local_delegation(&owner(), &operator()).await.unwrap(),
        171
    );
    assert_eq!(
        local_stakes_proto(&state, &owner()).await.unwrap()[0].amount,
        "171"
    );
    assert_vault_holds_the_unstaked_collateral(&state).await;
}

#[tokio::test]
async fn a_slash_during_unbonding_is_lost_and_the_sweep_returns_only_what_is_left() {
    let storage = TempStorage::new().await.unwrap();
    let mut state = chain(&storage).await;
    stake(&mut state, "190").await.unwrap();
    unstake(&mut state, "100").await.unwrap();
    at(&mut state, 11, START + 1);

    // The infraction at height 10 reaches the unbonding begun there: 10 of its 100, then 109
    // of the validator's 1090 tokens, of which the proxy's 90 shares lose 9.
    let burned = slash_ten_percent(&mut state, 10, 1_190).await;
    assert_eq!(burned, 119);
    let account = state.vault_account(&owner()).await.unwrap();
    assert_eq!(account.collateral, 181);
    assert_eq!(account.liens[LOCAL_HOLDER].amount, 171);
    assert_eq!(
        state.local_delegation(&owner(), &operator()).await.unwrap(),
        81
    );
    assert_eq!(
        state.local_unbondings(&owner()).await.unwrap()[0].amount,
        90
    );

    at(&mut state, 30, START + UNBONDING_SECONDS);
    Staking::end_block::<_, VaultHooks>(&mut state)
        .await
        .unwrap();
    Vault::end_block::<_, VaultHooks>(&mut state).await.unwrap();
    assert_eq!(state.balance(&vault(), DENOM).await.unwrap(), 100);
    let account = state.vault_account(&owner()).await.unwrap();
    assert_eq!(account.collateral, 181);
    assert_eq!(account.liens[LOCAL_HOLDER].amount, 81);
    assert_eq!(account.free(), 100);
    assert_vault_holds_the_unstaked_collateral(&state).await;
}

/// Collateral 200 with 190 delegated locally and external/a 150: external/a slashes 15, which
/// leaves local (190) above the collateral (185), so local is cut by 5. Only 10 of the owner's
/// tokens are in the vault: 10 are burned at once and 5 once the cut stake is back.
#[tokio::test]
async fn a_cut_of_the_local_lien_unstakes_at_once_and_pays_the_deferred_burn() {
    let storage = TempStorage::new().await.unwrap();
    let mut state = chain(&storage).await;
    stake(&mut state, "190").await.unwrap();
    state
        .add_lien(&owner(), "external/a", 150, ratio("0.1"))
        .await
        .unwrap();
    let supply = state.supply_of(DENOM).await.unwrap();

    state.slash(&owner(), "external/a", 15).await.unwrap();
    assert_eq!(state.supply_of(DENOM).await.unwrap(), supply - 10);
    assert_eq!(state.balance(&vault(), DENOM).await.unwrap(), 0);
    assert_eq!(state.burn_owed_by(&owner()).await.unwrap(), 5);
    let err = state.unbond(&owner(), 1).await.unwrap_err();
    assert_eq!(AbciCode::code(&err), 3, "nothing is free: {err}");

    Vault::end_block::<_, VaultHooks>(&mut state).await.unwrap();
    assert_eq!(state.supply_of(DENOM).await.unwrap(), supply - 15);
    assert_eq!(state.burn_owed_by(&owner()).await.unwrap(), 0);
    assert_eq!(state.balance(&vault(), DENOM).await.unwrap(), 0);
    assert_eq!(tokens(&state).await, 1_185);
    let account = state.vault_account(&owner()).await.unwrap();
    assert_eq!(account.collateral, 185);
    assert_eq!(account.liens[LOCAL_HOLDER].amount, 185);
    assert_eq!(account.liens["external/a"].amount, 135);
    assert_eq!(
        state.local_delegation(&owner(), &operator()).await.unwrap(),
        185
    );
    assert!(state.queued_cuts(LOCAL_HOLDER).await.unwrap().is_empty());
    assert_vault_holds_the_unstaked_collateral(&state).await;
}

/// As above, but everything is unbonding: the cut of 5 cannot leave at once, so it stays
/// unbacked until the unbonding matures; then the lien is released only by the 185 it backs and
/// the owed 5 is burned from the tokens that came back.
#[tokio::test]
async fn a_cut_beyond_the_delegations_waits_for_the_unbonding_and_releases_only_the_backed_lien() {
    let storage = TempStorage::new().await.unwrap();
    let mut state = chain(&storage).await;
    stake(&mut state, "190").await.unwrap();
    unstake(&mut state, "190").await.unwrap();
    state
        .add_lien(&owner(), "external/a", 150, ratio("0.1"))
        .await
        .unwrap();
    let supply = state.supply_of(DENOM).await.unwrap();

    state.slash(&owner(), "external/a", 15).await.unwrap();
    Vault::end_block::<_, VaultHooks>(&mut state).await.unwrap();
    assert_eq!(state.burn_owed_by(&owner()).await.unwrap(), 5);
    assert_eq!(lien(&state, LOCAL_HOLDER).await, 185);

    at(&mut state, 20, START + UNBONDING_SECONDS);
    Staking::end_block::<_, VaultHooks>(&mut state)
        .await
        .unwrap();
    Vault::end_block::<_, VaultHooks>(&mut state).await.unwrap();
    assert_eq!(lien(&state, LOCAL_HOLDER).await, 0);
    assert_eq!(state.burn_owed_by(&owner()).await.unwrap(), 0);
    assert_eq!(state.supply_of(DENOM).await.unwrap(), supply - 15);
    assert_eq!(state.balance(&vault(), DENOM).await.unwrap(), 185);
    let account = state.vault_account(&owner()).await.unwrap();
    assert_eq!(account.collateral, 185);
    assert_eq!(account.free(), 50, "external/a still holds 135");
    assert_vault_holds_the_unstaked_collateral(&state).await;
}

/// After a 10% slash the validator has 1071 tokens for 1190 shares. Ten more tokens mint
/// 11.111111111111111111 shares (rounded down), and the proxy's 201.111111111111111111 shares
/// are worth 180.99.. tokens, paid as 180: one unit stays with the validator and is lost.
#[tokio::test]
async fn staking_into_a_slashed_validator_loses_only_the_unit_stakings_rounding_keeps() {
    let storage = TempStorage::new().await.unwrap();
    let mut state = chain(&storage).await;
    stake(&mut state, "190").await.unwrap();
    slash_ten_percent(&mut state, 10, 1_190).await;
    stake(&mut state, "10").await.unwrap();

    assert_eq!(state.local_worth(&owner(), &operator()).await.unwrap(), 180);
    assert_eq!(
        state.local_delegation(&owner(), &operator()).await.unwrap(),
        180
    );
    let account = state.vault_account(&owner()).await.unwrap();
    assert_eq!(account.collateral, 180);
    assert_eq!(account.liens[LOCAL_HOLDER].amount, 180);
    assert_vault_holds_the_unstaked_collateral(&state).await;
}

#[tokio::test]
async fn an_end_block_with_nothing_staked_locally_changes_nothing() {
    let storage = TempStorage::new().await.unwrap();
    let mut state = chain(&storage).await;
    let before = state.vault_account(&owner()).await.unwrap();
    Vault::end_block::<_, VaultHooks>(&mut state).await.unwrap();
    assert_eq!(state.vault_account(&owner()).await.unwrap(), before);
    assert_eq!(state.balance(&vault(), DENOM).await.unwrap(), 200);
}
