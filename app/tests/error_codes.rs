//! Every (codespace, code) the app can answer with, pinned; and the codes of staking, slashing,
//! distribution and bank seen the way a client sees them: in CheckTx's answer.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use cosmos_sdk_proto::cosmos::bank::v1beta1::{Input, MsgMultiSend, Output};
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmos_sdk_proto::cosmos::distribution::v1beta1::{
    MsgWithdrawDelegatorReward, MsgWithdrawValidatorCommission,
};
use cosmos_sdk_proto::cosmos::staking::v1beta1::{
    MsgCancelUnbondingDelegation, MsgCreateValidator, MsgEditValidator,
};
use cosmos_sdk_proto::Any;
use rmesh_core::error::ROOT_CODESPACE;
use rmesh_core::{ModuleError, SdkError};
use support::pair::double_sign;
use support::staking::*;
use support::{packed, Account, TestChain, DENOM};

/// Every code the app answers with, by codespace and variant. Changing a pin is a
/// consensus-visible change that clients depend on: a tx's code is part of the block results
/// every node hashes (CometBFT's `LastResultsHash`), and cosmjs users, explorers and relayers
/// match on (codespace, code). Never renumber a code or reuse a retired one; a new error takes a
/// new code (above the SDK's highest where the SDK has the codespace) and a new pin here.
const PINNED: &[(&str, &[(&str, u32)])] = &[
    (
        "sdk",
        &[
            ("Internal", 1),
            ("TxDecode", 2),
            ("Unauthorized", 4),
            ("InsufficientFunds", 5),
            ("UnknownRequest", 6),
            ("InvalidAddress", 7),
            ("InvalidPubKey", 8),
            ("UnknownAddress", 9),
            ("InvalidCoins", 10),
            ("OutOfGas", 11),
            ("MemoTooLarge", 12),
            ("InsufficientFee", 13),
            ("TooManySignatures", 14),
            ("NoSignatures", 15),
            ("InvalidRequest", 18),
            ("TxTooLarge", 21),
            ("TxTimeoutHeight", 30),
            ("WrongSequence", 32),
            ("NotFound", 38),
            ("InvalidGasLimit", 41),
        ],
    ),
    ("auth", &[("InvalidGenesisAccount", 2)]),
    (
        "bank",
        &[
            ("NoInputs", 2),
            ("NoOutputs", 3),
            ("InputOutputMismatch", 4),
            ("MultipleSenders", 9),
            ("InvalidGenesis", 10),
        ],
    ),
    (
        "staking",
        &[
            ("NoValidatorFound", 3),
            ("ValidatorOwnerExists", 4),
            ("ValidatorPubKeyExists", 5),
            ("ValidatorPubKeyTypeNotSupported", 6),
            ("ValidatorJailed", 7),
            ("CommissionHuge", 10),
            ("CommissionGtMaxRate", 11),
            ("CommissionUpdateTime", 12),
            ("CommissionChangeRateGtMaxRate", 14),
            ("CommissionGtMaxChangeRate", 15),
            ("SelfDelegationBelowMinimum", 16),
            ("MinSelfDelegationDecreased", 17),
            ("NoDelegation", 19),
            ("InsufficientShares", 22),
            ("NotEnoughDelegationShares", 24),
            ("MaxUnbondingDelegationEntries", 27),
            ("SelfRedelegation", 29),
            ("BadRedelegationDst", 31),
            ("TransitiveRedelegation", 32),
            ("MaxRedelegationEntries", 33),
            ("EmptyValidatorPubKey", 39),
            ("CommissionLtMinRate", 40),
            ("BadRedelegationSrc", 44),
            ("ArithmeticOverflow", 46),
            ("InvalidGenesis", 47),
        ],
    ),
    (
        "slashing",
        &[
            ("NoValidatorForAddress", 2),
            ("ValidatorJailed", 4),
            ("ValidatorNotJailed", 5),
            ("SelfDelegationTooLowToUnjail", 7),
            ("ValidatorTombstoned", 9),
            ("InvalidGenesis", 10),
            ("ArithmeticOverflow", 11),
        ],
    ),
    (
        "distribution",
        &[
            ("EmptyDelegationDistInfo", 5),
            ("NoValidatorCommission", 7),
            ("InvalidGenesis", 14),
        ],
    ),
    (
        "ibc",
        &[
            ("Decode", 2),
            ("Handler", 3),
            ("Transfer", 4),
            ("UnknownDenom", 5),
        ],
    ),
    (
        "virtual_staking",
        &[
            ("NotAuthority", 2),
            ("InvalidParams", 3),
            ("ArithmeticOverflow", 4),
        ],
    ),
    (
        "converter",
        &[
            ("UnknownProvider", 2),
            ("ProviderExists", 3),
            ("InvalidProvider", 4),
            ("ProviderNotActive", 5),
            ("NotPriceFeeder", 6),
            ("MalformedPacket", 7),
            ("WrongDenom", 8),
            ("ValidatorUnavailable", 9),
            ("NoPosition", 10),
            ("BurnExceedsStake", 11),
            ("InsufficientRewards", 12),
            ("UnknownPacket", 13),
            ("Channel", 14),
            ("UnknownConnection", 15),
        ],
    ),
    (
        "vault",
        &[
            ("InvalidAmount", 2),
            ("InsufficientFree", 3),
            ("LienExceedsCollateral", 4),
            ("NoLien", 5),
            ("ReleaseExceedsLien", 6),
            ("InvalidRatio", 7),
            ("InvalidHolder", 8),
            ("InvalidGenesis", 9),
            ("UnknownValidator", 10),
            ("InsufficientLocalStake", 11),
            ("NoLocalStake", 12),
        ],
    ),
    (
        "external_staking",
        &[
            ("UnknownConsumer", 2),
            ("ConsumerExists", 3),
            ("InvalidConsumer", 4),
            ("Wire", 5),
            ("NoStake", 6),
            ("Channel", 7),
            ("NoChannel", 8),
            ("ValidatorNotActive", 9),
            ("InsufficientStake", 10),
            ("NoRewards", 11),
            ("InvalidAmount", 12),
            ("WrongRewardDenom", 13),
            ("ArithmeticOverflow", 14),
        ],
    ),
    (
        "gov",
        &[
            ("UnknownProposal", 2),
            ("InactiveProposal", 3),
            ("InvalidProposalContent", 5),
            ("InvalidVote", 7),
            ("InvalidProposalMsg", 12),
            ("InvalidSigner", 13),
            ("MetadataTooLong", 15),
            ("MinDepositTooSmall", 16),
            ("InvalidDepositDenom", 23),
            ("InvalidParams", 1000),
            ("ProposalMessageFailed", 1002),
            ("Overflow", 1001),
        ],
    ),
    ("upgrade", &[("InvalidAuthority", 1)]),
];

type Codes = (&'static str, &'static [(&'static str, u32)]);

fn codes_of<E: ModuleError>() -> Codes {
    (E::CODESPACE, E::CODES)
}

/// The codes of every error type the app returns: the SDK's root errors and each module's enum
/// (whose `CODES` come from the same list as its exhaustive `code` match).
fn every_error_type() -> Vec<Codes> {
    vec![
        (ROOT_CODESPACE, SdkError::CODES),
        codes_of::<rmesh_auth::AuthError>(),
        codes_of::<rmesh_bank::BankError>(),
        codes_of::<rmesh_staking::StakingError>(),
        codes_of::<rmesh_slashing::SlashingError>(),
        codes_of::<rmesh_distribution::DistributionError>(),
        codes_of::<rmesh_ibc::IbcError>(),
        codes_of::<rmesh_virtual_staking::VirtualStakingError>(),
        codes_of::<rmesh_converter::ConverterError>(),
        codes_of::<rmesh_vault::VaultError>(),
        codes_of::<rmesh_external_staking::ExternalStakingError>(),
        codes_of::<rmesh_gov::GovError>(),
        codes_of::<rmesh_upgrade::UpgradeError>(),
    ]
}

#[test]
fn every_error_code_the_app_returns_is_pinned_and_unique_in_its_codespace() {
    let live = every_error_type();
    let mut codespaces = BTreeSet::new();
    for (codespace, codes) in &live {
        assert!(
            codespaces.insert(*codespace),
            "two error types share the codespace {codespace}"
        );
        let mut seen = BTreeMap::new();
        for (variant, code) in codes.iter() {
            if let Some(other) = seen.insert(*code, *variant) {
                panic!("{codespace}: {variant} and {other} share code {code}");
            }
        }
    }
    let pinned = flatten(PINNED);
    let live = flatten(&live);
    let unpinned: Vec<_> = live.difference(&pinned).collect();
    let stale: Vec<_> = pinned.difference(&live).collect();
    assert!(
        unpinned.is_empty() && stale.is_empty(),
        "codes without their pin: {unpinned:?}\npins without their code: {stale:?}"
    );
}

fn flatten(lists: &[Codes]) -> BTreeSet<(&'static str, &'static str, u32)> {
    lists
        .iter()
        .flat_map(|(codespace, codes)| {
            codes
                .iter()
                .map(move |(variant, code)| (*codespace, *variant, *code))
        })
        .collect()
}

/// A module that gains an error enum must add it to [`every_error_type`], or its codes go
/// unpinned: every `module_error_codes!` in the modules' sources must be listed there.
#[test]
fn every_module_error_enum_is_among_the_pinned_error_types() {
    let modules = Path::new(env!("CARGO_MANIFEST_DIR")).join("../modules");
    let mut declared = BTreeSet::new();
    for file in rust_files(&modules) {
        let source = std::fs::read_to_string(&file).unwrap();
        for line in source.lines().map(str::trim) {
            if line.starts_with("//") || !line.contains("module_error_codes!(") {
                continue;
            }
            let codespace = line
                .split('"')
                .nth(1)
                .unwrap_or_else(|| panic!("{}: no quoted codespace in {line:?}", file.display()));
            declared.insert(codespace.to_string());
        }
    }
    let listed: BTreeSet<String> = every_error_type()
        .into_iter()
        .map(|(codespace, _)| codespace.to_string())
        .filter(|codespace| codespace != ROOT_CODESPACE)
        .collect();
    assert_eq!(declared, listed);
}

fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() && path.file_name() != Some("target".as_ref()) {
            files.extend(rust_files(&path));
        } else if path.extension() == Some("rs".as_ref()) {
            files.push(path);
        }
    }
    files
}

/// A tx a module refuses, with the (codespace, code) and a phrase of the log a client must see.
struct Refusal {
    what: &'static str,
    tx: Vec<u8>,
    code: (&'static str, u32),
    phrase: &'static str,
}

async fn assert_refused_at_check_tx(chain: &mut TestChain, refusals: Vec<Refusal>) {
    for Refusal {
        what,
        tx,
        code,
        phrase,
    } in refusals
    {
        let answer = chain.check_tx(tx).await;
        assert_eq!(
            (answer.codespace.as_str(), answer.code.value()),
            code,
            "{what}: {}",
            answer.log
        );
        assert!(answer.log.contains(phrase), "{what}: {}", answer.log);
    }
}

/// Signs `msg` with account `index`'s next sequence, without using it up: a refused tx leaves
/// the sequence where it was.
fn tx(chain: &TestChain, index: usize, msg: Any) -> Vec<u8> {
    let account = &chain.accounts[index];
    account.sign_at(account.sequence, vec![msg], FEE, GAS)
}

/// A valid `MsgCreateValidator` for `operator` with a fresh consensus key, as `edit` leaves it.
fn create_validator(operator: &str, edit: impl FnOnce(&mut MsgCreateValidator)) -> Any {
    let mut msg = new_validator(operator, 9, 1_000_000);
    edit(&mut msg);
    packed(msg)
}

fn edit_validator(operator: &str, edit: impl FnOnce(&mut MsgEditValidator)) -> Any {
    let mut msg = unchanged_validator(operator);
    edit(&mut msg);
    packed(msg)
}

#[tokio::test]
async fn staking_refusals_reach_check_tx_with_the_sdk_staking_codes() {
    const DELEGATOR: usize = 3;
    const NEWCOMER: usize = 4;
    let accounts = (0..5).map(Account::random).collect();
    // Validator 2's minimum self-delegation is its whole self-bond, so unbonding any of it jails.
    let jailed_self_bond = SELF_BOND + 2_000_000;
    let (mut chain, _) = staked_chain_with(accounts, 3, 10, |genesis| {
        genesis.staking.params.max_entries = 1;
        genesis.staking.params.min_commission_rate = "0.05".parse().unwrap();
        genesis.staking.validators[2].min_self_delegation = jailed_self_bond;
    })
    .await;
    let address = |index: usize| chain.accounts[index].address.clone();
    let (v0, v1, v2) = (address(0), address(1), address(2));
    let (delegator, newcomer) = (address(DELEGATOR), address(NEWCOMER));

    let setup = vec![
        chain.accounts[DELEGATOR].sign(vec![delegate_msg(&delegator, &v0, 5_000_000)], FEE, GAS),
        chain.accounts[DELEGATOR].sign(
            vec![redelegate_msg(&delegator, &v0, &v1, 1_000_000)],
            FEE,
            GAS,
        ),
        chain.accounts[DELEGATOR].sign(vec![undelegate_msg(&delegator, &v0, 1_000_000)], FEE, GAS),
        chain.accounts[2].sign(vec![undelegate_msg(&v2, &v2, 1)], FEE, GAS),
        chain.accounts[0].sign(
            vec![edit_validator(&v0, |msg| {
                msg.commission_rate = atomics("0.105")
            })],
            FEE,
            GAS,
        ),
    ];
    let block = chain.block(setup).await;
    for result in &block.tx_results {
        assert_eq!(result.code.value(), 0, "setup: {}", result.log);
    }
    let unbonding_height = chain.height as i64;

    let refusals = vec![
        Refusal {
            what: "a delegation to an account that runs no validator",
            tx: tx(&chain, DELEGATOR, delegate_msg(&delegator, &newcomer, 1)),
            code: ("staking", 3),
            phrase: "validator does not exist",
        },
        Refusal {
            what: "a second validator for the same operator",
            tx: tx(&chain, 0, create_validator(&v0, |_| {})),
            code: ("staking", 4),
            phrase: "validator already exist for this operator address",
        },
        Refusal {
            what: "a validator with another validator's consensus key",
            tx: tx(
                &chain,
                NEWCOMER,
                create_validator(&newcomer, |msg| msg.pubkey = Some(ed25519_pubkey(1))),
            ),
            code: ("staking", 5),
            phrase: "validator already exist for this pubkey",
        },
        Refusal {
            what: "a validator with a secp256k1 consensus key",
            tx: tx(
                &chain,
                NEWCOMER,
                create_validator(&newcomer, |msg| {
                    let key = msg.pubkey.as_mut().unwrap();
                    key.type_url = "/cosmos.crypto.secp256k1.PubKey".into();
                }),
            ),
            code: ("staking", 6),
            phrase: "validator pubkey type is not supported",
        },
        Refusal {
            what: "cancelling an unbonding from a jailed validator",
            tx: tx(
                &chain,
                2,
                packed(MsgCancelUnbondingDelegation {
                    delegator_address: v2.clone(),
                    validator_address: valoper(&v2),
                    amount: coin(1),
                    creation_height: unbonding_height,
                }),
            ),
            code: ("staking", 7),
            phrase: "currently jailed",
        },
        Refusal {
            what: "a max commission above 100%",
            tx: tx(
                &chain,
                NEWCOMER,
                create_validator(&newcomer, |msg| {
                    msg.commission.as_mut().unwrap().max_rate = atomics("1.5")
                }),
            ),
            code: ("staking", 10),
            phrase: "commission cannot be more than 100%",
        },
        Refusal {
            what: "a commission above its max rate",
            tx: tx(
                &chain,
                NEWCOMER,
                create_validator(&newcomer, |msg| {
                    msg.commission.as_mut().unwrap().rate = atomics("0.3")
                }),
            ),
            code: ("staking", 11),
            phrase: "commission cannot be more than the max rate",
        },
        Refusal {
            what: "a second commission change within 24h",
            tx: tx(
                &chain,
                0,
                edit_validator(&v0, |msg| msg.commission_rate = atomics("0.11")),
            ),
            code: ("staking", 12),
            phrase: "more than once in 24h",
        },
        Refusal {
            what: "a max change rate above the max rate",
            tx: tx(
                &chain,
                NEWCOMER,
                create_validator(&newcomer, |msg| {
                    msg.commission.as_mut().unwrap().max_change_rate = atomics("0.3")
                }),
            ),
            code: ("staking", 14),
            phrase: "commission change rate cannot be more than the max rate",
        },
        Refusal {
            what: "a commission change above the max change rate",
            tx: tx(
                &chain,
                1,
                edit_validator(&v1, |msg| msg.commission_rate = atomics("0.15")),
            ),
            code: ("staking", 15),
            phrase: "more than max change rate",
        },
        Refusal {
            what: "a self-bond below the minimum self-delegation",
            tx: tx(
                &chain,
                NEWCOMER,
                create_validator(&newcomer, |msg| msg.min_self_delegation = "5000000".into()),
            ),
            code: ("staking", 16),
            phrase: "minimum self delegation 5000000 is above the 1000000 tokens",
        },
        Refusal {
            what: "a minimum self-delegation that does not rise",
            tx: tx(
                &chain,
                1,
                edit_validator(&v1, |msg| msg.min_self_delegation = "1".into()),
            ),
            code: ("staking", 17),
            phrase: "minimum self delegation cannot be decreased",
        },
        Refusal {
            what: "undelegating without a delegation",
            tx: tx(&chain, NEWCOMER, undelegate_msg(&newcomer, &v0, 1)),
            code: ("staking", 19),
            phrase: "no delegation for (address, validator) tuple",
        },
        Refusal {
            what: "an unbonding beyond max_entries",
            tx: tx(&chain, DELEGATOR, undelegate_msg(&delegator, &v0, 1)),
            code: ("staking", 27),
            phrase: "too many unbonding delegation entries",
        },
        Refusal {
            what: "a redelegation to the same validator",
            tx: tx(&chain, DELEGATOR, redelegate_msg(&delegator, &v0, &v0, 1)),
            code: ("staking", 29),
            phrase: "cannot redelegate to the same validator",
        },
        Refusal {
            what: "a redelegation to an account that runs no validator",
            tx: tx(
                &chain,
                DELEGATOR,
                redelegate_msg(&delegator, &v0, &newcomer, 1),
            ),
            code: ("staking", 31),
            phrase: "redelegation destination validator not found",
        },
        Refusal {
            what: "redelegating stake that is still arriving by redelegation",
            tx: tx(&chain, DELEGATOR, redelegate_msg(&delegator, &v1, &v2, 1)),
            code: ("staking", 32),
            phrase: "redelegation to this validator already in progress",
        },
        Refusal {
            what: "a redelegation beyond max_entries",
            tx: tx(&chain, DELEGATOR, redelegate_msg(&delegator, &v0, &v1, 1)),
            code: ("staking", 33),
            phrase: "too many redelegation entries",
        },
        Refusal {
            what: "a validator without a consensus key",
            tx: tx(
                &chain,
                NEWCOMER,
                create_validator(&newcomer, |msg| msg.pubkey = None),
            ),
            code: ("staking", 39),
            phrase: "empty validator public key",
        },
        Refusal {
            what: "a commission below the chain's minimum",
            tx: tx(
                &chain,
                NEWCOMER,
                create_validator(&newcomer, |msg| {
                    msg.commission.as_mut().unwrap().rate = atomics("0.01")
                }),
            ),
            code: ("staking", 40),
            phrase: "commission cannot be less than min rate",
        },
        Refusal {
            what: "a redelegation from an account that runs no validator",
            tx: tx(
                &chain,
                DELEGATOR,
                redelegate_msg(&delegator, &newcomer, &v0, 1),
            ),
            code: ("staking", 44),
            phrase: "redelegation source validator not found",
        },
    ];
    assert_refused_at_check_tx(&mut chain, refusals).await;
}

#[tokio::test]
async fn slashing_refusals_reach_check_tx_with_the_sdk_slashing_codes() {
    const OUTSIDER: usize = 4;
    let accounts = (0..5).map(Account::random).collect();
    let (mut chain, _) = staked_chain_with(accounts, 4, 10, |genesis| {
        genesis.staking.validators[0].min_self_delegation = SELF_BOND;
    })
    .await;
    let address = |index: usize| chain.accounts[index].address.clone();
    let (v0, v1, v2, v3, outsider) = (address(0), address(1), address(2), address(3), address(4));

    // Validator 0 unbonds below its minimum self-delegation; validator 2 double-signs.
    let below_minimum = chain.accounts[0].sign(vec![undelegate_msg(&v0, &v0, 1)], FEE, GAS);
    chain.block(vec![below_minimum]).await;
    let evidence = double_sign(2, chain.height, 12);
    chain.block_with(vec![], vec![], vec![evidence]).await;
    // Validator 1 misses blocks until it is jailed; its jail time has not passed at the next block.
    let mut jailed = false;
    for _ in 0..(SIGNED_BLOCKS_WINDOW + 8) {
        let votes = vec![vote(1, 11, false), vote(3, 13, true)];
        let block = chain.block_with(vec![], votes, vec![]).await;
        if power_of(&block.validator_updates, 1) == Some(0) {
            jailed = true;
            break;
        }
    }
    assert!(jailed, "validator 1 was never jailed for downtime");

    let refusals = vec![
        Refusal {
            what: "unjailing an account that runs no validator",
            tx: tx(&chain, OUTSIDER, unjail_msg(&outsider)),
            code: ("slashing", 2),
            phrase: "address is not associated with any known validator",
        },
        Refusal {
            what: "unjailing before the jail time is over",
            tx: tx(&chain, 1, unjail_msg(&v1)),
            code: ("slashing", 4),
            phrase: "validator still jailed; cannot be unjailed before",
        },
        Refusal {
            what: "unjailing a validator that is not jailed",
            tx: tx(&chain, 3, unjail_msg(&v3)),
            code: ("slashing", 5),
            phrase: "validator not jailed",
        },
        Refusal {
            what: "unjailing with a self-delegation below the minimum",
            tx: tx(&chain, 0, unjail_msg(&v0)),
            code: ("slashing", 7),
            phrase: "self delegation less than minimum",
        },
        Refusal {
            what: "unjailing a tombstoned validator",
            tx: tx(&chain, 2, unjail_msg(&v2)),
            code: ("slashing", 9),
            phrase: "tombstoned",
        },
    ];
    assert_refused_at_check_tx(&mut chain, refusals).await;
}

fn multi_send(inputs: &[(&str, u128)], outputs: &[(&str, u128)]) -> Any {
    let coins = |amount: u128| {
        vec![ProtoCoin {
            denom: DENOM.into(),
            amount: amount.to_string(),
        }]
    };
    packed(MsgMultiSend {
        inputs: inputs
            .iter()
            .map(|(address, amount)| Input {
                address: address.to_string(),
                coins: coins(*amount),
            })
            .collect(),
        outputs: outputs
            .iter()
            .map(|(address, amount)| Output {
                address: address.to_string(),
                coins: coins(*amount),
            })
            .collect(),
    })
}

#[tokio::test]
async fn distribution_and_bank_refusals_reach_check_tx_with_their_sdk_codes() {
    let (mut chain, _) = staked_chain(3, 1, 10).await;
    let address = |index: usize| chain.accounts[index].address.clone();
    let (validator, alice, bob) = (address(0), address(1), address(2));
    let refusals = vec![
        Refusal {
            what: "withdrawing rewards without a delegation",
            tx: tx(
                &chain,
                1,
                packed(MsgWithdrawDelegatorReward {
                    delegator_address: alice.clone(),
                    validator_address: valoper(&validator),
                }),
            ),
            code: ("distribution", 5),
            phrase: "no delegation distribution info",
        },
        Refusal {
            what: "withdrawing commission before any has accrued",
            tx: tx(
                &chain,
                0,
                packed(MsgWithdrawValidatorCommission {
                    validator_address: valoper(&validator),
                }),
            ),
            code: ("distribution", 7),
            phrase: "no validator commission to withdraw",
        },
        Refusal {
            what: "a multi-send without inputs",
            tx: tx(&chain, 1, multi_send(&[], &[(&bob, 1)])),
            code: ("bank", 2),
            phrase: "no inputs to send transaction",
        },
        Refusal {
            what: "a multi-send without outputs",
            tx: tx(&chain, 1, multi_send(&[(&alice, 1)], &[])),
            code: ("bank", 3),
            phrase: "no outputs to send transaction",
        },
        Refusal {
            what: "a multi-send whose outputs do not add up to its input",
            tx: tx(&chain, 1, multi_send(&[(&alice, 2)], &[(&bob, 1)])),
            code: ("bank", 4),
            phrase: "sum inputs != sum outputs",
        },
        Refusal {
            what: "a multi-send from two senders",
            tx: tx(
                &chain,
                1,
                multi_send(&[(&alice, 1), (&bob, 1)], &[(&bob, 2)]),
            ),
            code: ("bank", 9),
            phrase: "multiple senders not allowed",
        },
    ];
    assert_refused_at_check_tx(&mut chain, refusals).await;
}

/// Genesis errors reach no client, only the operator starting the node: each names the module
/// whose section to fix.
#[tokio::test]
async fn an_invalid_genesis_section_is_refused_naming_its_module() {
    type Edit = fn(&mut rmeshd::genesis::AppState);
    let cases: [(Edit, &str); 5] = [
        (
            |genesis| genesis.auth.accounts[0].type_url = "/cosmos.vesting.v1beta1.X".into(),
            "invalid auth genesis: account",
        ),
        (
            |genesis| {
                let twice = genesis.bank.balances[0].clone();
                genesis.bank.balances.push(twice);
            },
            "invalid bank genesis",
        ),
        (
            |genesis| genesis.staking.params.max_validators = 0,
            "invalid staking genesis",
        ),
        (
            |genesis| genesis.slashing.params.signed_blocks_window = 0,
            "invalid slashing genesis",
        ),
        (
            |genesis| genesis.distribution.params.community_tax = "1.5".parse().unwrap(),
            "invalid distribution genesis",
        ),
    ];
    for (edit, phrase) in cases {
        let account = Account::random(0);
        let mut genesis = rmeshd::genesis::AppState::default();
        genesis
            .auth
            .accounts
            .push(rmesh_auth::GenesisAccount::new(account.address.clone(), 0));
        genesis.bank.balances.push(rmesh_bank::Balance {
            address: account.address.clone(),
            coins: vec![rmesh_core::Coin::new(1, DENOM)],
        });
        edit(&mut genesis);
        let home = tempfile::tempdir().unwrap();
        let storage = rmeshd::node::open_storage(home.path()).await.unwrap();
        let refusal = support::init_chain_on(&storage, serde_json::to_vec(&genesis).unwrap())
            .await
            .unwrap_err();
        assert!(refusal.contains(phrase), "{refusal}");
    }
}
