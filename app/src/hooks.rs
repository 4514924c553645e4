//! The app's subscribers to staking events, in one place and in order: distribution settles
//! rewards first, then the converter reports to providers and accounts for virtual stake.

pub type AppHooks = (
    rmesh_distribution::DistributionHooks,
    (rmesh_converter::ConverterHooks, rmesh_vault::VaultHooks),
);

#[cfg(test)]
mod tests {
    use super::*;

    /// The module crates named in a type's name: `rmesh_vault::VaultHooks` is the vault's.
    fn modules_in(type_name: &str) -> Vec<String> {
        type_name
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
            .filter_map(|path| path.strip_prefix("rmesh_"))
            .filter_map(|path| path.split("::").next())
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn every_staking_subscriber_belongs_to_a_declared_module() {
        let modules = modules_in(std::any::type_name::<AppHooks>());
        assert_eq!(modules, ["distribution", "converter", "vault"]);
        for module in modules {
            assert!(
                crate::modules::is_declared(&module),
                "{module} subscribes to staking but the app does not declare it"
            );
        }
    }
}
