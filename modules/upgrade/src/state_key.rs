//! Every storage key of the upgrade module.

pub const PLAN: &str = "upgrade/plan";
pub const DONE_PREFIX: &str = "upgrade/done/";
pub const VERSIONS_PREFIX: &str = "upgrade/versions/";

/// The height the plan `name` was applied at.
pub fn done(name: &str) -> String {
    format!("{DONE_PREFIX}{name}")
}

/// A module's consensus version.
pub fn version(module: &str) -> String {
    format!("{VERSIONS_PREFIX}{module}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys are part of the app hash: changing one silently forks a running chain.
    #[test]
    fn storage_keys_are_pinned() {
        assert_eq!(PLAN, "upgrade/plan");
        assert_eq!(done("v2"), "upgrade/done/v2");
        assert_eq!(version("bank"), "upgrade/versions/bank");
    }
}
