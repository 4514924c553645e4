//! The app's subscribers to staking events. Slashing, distribution and virtual staking plug in
//! here as they arrive; until then nothing subscribes.

pub type AppHooks = rmesh_staking::NoHooks;
