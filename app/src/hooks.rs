//! The app's subscribers to staking events, in one place and in order: distribution settles
//! rewards first, then the converter reports to providers and accounts for virtual stake.

pub type AppHooks = (
    rmesh_distribution::DistributionHooks,
    (rmesh_converter::ConverterHooks, rmesh_vault::VaultHooks),
);
