//! The app's subscribers to staking events, in one place. Distribution is the subscriber today;
//! virtual staking joins here when it arrives.

pub type AppHooks = rmesh_distribution::DistributionHooks;
