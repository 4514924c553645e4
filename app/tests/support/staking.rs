//! Chains with staking validators, and the staking messages tests send.

use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmos_sdk_proto::cosmos::staking::v1beta1::{
    CommissionRates, Description, MsgBeginRedelegate, MsgCreateValidator, MsgDelegate,
    MsgEditValidator, MsgUndelegate,
};
use cosmos_sdk_proto::Any;
use prost::{Message, Name};
use rmesh_core::Address;
use rmesh_staking::GenesisValidator;
use tendermint::validator::Update;

use super::{TestChain, DENOM};

pub const GAS: u64 = 300_000;
pub const FEE: u128 = 750;
pub const SELF_BOND: u128 = 10_000_000;
/// Blocks are 5 s apart in the scripted consensus; unbonding takes 4 blocks.
pub const UNBONDING_SECONDS: u64 = 20;

/// Liveness over 10 blocks, at least half signed; a jailing lasts two blocks.
pub const SIGNED_BLOCKS_WINDOW: u64 = 10;
pub const JAIL_SECONDS: u64 = 10;

pub fn consensus_key(index: usize) -> [u8; 32] {
    let mut key = [0u8; 32];
    key[0] = index as u8 + 1;
    key[31] = 7;
    key
}

pub fn valoper(address: &str) -> String {
    let (_, bytes) = Address::from_bech32_any_prefix(address).unwrap();
    bytes.to_bech32("rmeshvaloper")
}

/// `validators` of the `accounts` run validators with a 10-token self-bond.
pub async fn staked_chain(
    accounts: usize,
    validators: usize,
    max_validators: u32,
) -> (TestChain, Vec<Update>) {
    let accounts = (0..accounts as u64).map(super::Account::random).collect();
    staked_chain_with(accounts, validators, max_validators, |_| {}).await
}

/// Like [`staked_chain`], letting the test edit the rest of the genesis.
pub async fn staked_chain_with(
    accounts: Vec<super::Account>,
    validators: usize,
    max_validators: u32,
    edit: impl FnOnce(&mut rmeshd::genesis::AppState),
) -> (TestChain, Vec<Update>) {
    TestChain::start_with_accounts(accounts, |genesis| {
        genesis.staking.params.unbonding_time_seconds = UNBONDING_SECONDS;
        genesis.staking.params.max_validators = max_validators;
        genesis.slashing.params.signed_blocks_window = SIGNED_BLOCKS_WINDOW;
        genesis.slashing.params.downtime_jail_duration_seconds = JAIL_SECONDS;
        let addresses: Vec<String> = genesis
            .auth
            .accounts
            .iter()
            .map(|a| a.address.clone())
            .collect();
        for (index, operator) in addresses.iter().take(validators).enumerate() {
            use base64::Engine;
            genesis.staking.validators.push(GenesisValidator {
                operator: operator.clone(),
                consensus_pubkey: base64::engine::general_purpose::STANDARD
                    .encode(consensus_key(index)),
                moniker: format!("validator-{index}"),
                self_bond: SELF_BOND + index as u128 * 1_000_000,
                commission_rate: "0.1".parse().unwrap(),
                commission_max_rate: "0.2".parse().unwrap(),
                commission_max_change_rate: "0.01".parse().unwrap(),
                min_self_delegation: 1,
            });
        }
        edit(genesis);
    })
    .await
}

pub fn power_of(updates: &[Update], index: usize) -> Option<u64> {
    let key = tendermint::PublicKey::from_raw_ed25519(&consensus_key(index)).unwrap();
    updates
        .iter()
        .find(|u| u.pub_key == key)
        .map(|u| u.power.value())
}

pub fn coin(amount: u128) -> Option<ProtoCoin> {
    Some(ProtoCoin {
        denom: DENOM.into(),
        amount: amount.to_string(),
    })
}

pub fn delegate_msg(delegator: &str, operator: &str, amount: u128) -> Any {
    let msg = MsgDelegate {
        delegator_address: delegator.into(),
        validator_address: valoper(operator),
        amount: coin(amount),
    };
    Any {
        type_url: MsgDelegate::type_url(),
        value: msg.encode_to_vec(),
    }
}

pub fn undelegate_msg(delegator: &str, operator: &str, amount: u128) -> Any {
    let msg = MsgUndelegate {
        delegator_address: delegator.into(),
        validator_address: valoper(operator),
        amount: coin(amount),
    };
    Any {
        type_url: MsgUndelegate::type_url(),
        value: msg.encode_to_vec(),
    }
}

/// The CometBFT address of test validator `index`.
pub fn consensus_address(index: usize) -> [u8; 20] {
    rmesh_staking::consensus_address(&consensus_key(index))
}

/// A last-commit vote of validator `index`.
pub fn vote(index: usize, power: u64, signed: bool) -> tendermint::abci::types::VoteInfo {
    use tendermint::abci::types::{BlockSignatureInfo, VoteInfo};
    use tendermint::block::BlockIdFlag;
    let flag = if signed {
        BlockIdFlag::Commit
    } else {
        BlockIdFlag::Absent
    };
    VoteInfo {
        validator: tendermint::abci::types::Validator {
            address: consensus_address(index),
            power: power.try_into().unwrap(),
        },
        sig_info: BlockSignatureInfo::Flag(flag),
    }
}

pub fn unjail_msg(operator: &str) -> Any {
    use cosmos_sdk_proto::cosmos::slashing::v1beta1::MsgUnjail;
    let msg = MsgUnjail {
        validator_addr: valoper(operator),
    };
    Any {
        type_url: MsgUnjail::type_url(),
        value: msg.encode_to_vec(),
    }
}

pub fn redelegate_msg(delegator: &str, source: &str, destination: &str, amount: u128) -> Any {
    super::packed(MsgBeginRedelegate {
        delegator_address: delegator.into(),
        validator_src_address: valoper(source),
        validator_dst_address: valoper(destination),
        amount: coin(amount),
    })
}

/// A decimal in the SDK's proto form: its 18-place atomics as an integer.
pub fn atomics(decimal: &str) -> String {
    decimal
        .parse::<rmesh_core::Decimal>()
        .unwrap()
        .atomics()
        .to_string()
}

/// Test consensus key `index` as a validator's pubkey `Any`.
pub fn ed25519_pubkey(index: usize) -> Any {
    let key = cosmos_sdk_proto::cosmos::crypto::ed25519::PubKey {
        key: consensus_key(index).to_vec(),
    };
    super::packed(key)
}

/// `operator`'s `MsgCreateValidator` with test consensus key `key_index`, self-bonding
/// `self_bond` (commission 10%, at most 20%, changing by at most 1% a day).
pub fn new_validator(operator: &str, key_index: usize, self_bond: u128) -> MsgCreateValidator {
    MsgCreateValidator {
        description: Some(Description {
            moniker: format!("validator-{key_index}"),
            ..Default::default()
        }),
        commission: Some(CommissionRates {
            rate: atomics("0.1"),
            max_rate: atomics("0.2"),
            max_change_rate: atomics("0.01"),
        }),
        min_self_delegation: "1".into(),
        validator_address: valoper(operator),
        pubkey: Some(ed25519_pubkey(key_index)),
        value: coin(self_bond),
        ..Default::default()
    }
}

/// [`new_validator`] as a tx message.
pub fn create_validator_msg(operator: &str, key_index: usize, self_bond: u128) -> Any {
    super::packed(new_validator(operator, key_index, self_bond))
}

/// `operator`'s `MsgEditValidator` that changes nothing.
pub fn unchanged_validator(operator: &str) -> MsgEditValidator {
    MsgEditValidator {
        description: None,
        validator_address: valoper(operator),
        commission_rate: String::new(),
        min_self_delegation: String::new(),
    }
}

/// `operator` renames its validator, changing nothing else.
pub fn edit_validator_msg(operator: &str, moniker: &str) -> Any {
    super::packed(MsgEditValidator {
        description: Some(Description {
            moniker: moniker.into(),
            ..Default::default()
        }),
        ..unchanged_validator(operator)
    })
}
