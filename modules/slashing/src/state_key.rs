//! Every storage key of the slashing module, by consensus address (hex).

pub const PARAMS: &str = "slashing/params";

pub const SIGNING_INFO_PREFIX: &str = "slashing/signing_info/";

fn hex(bytes: &[u8; 20]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn signing_info(consensus: &[u8; 20]) -> String {
    format!("{SIGNING_INFO_PREFIX}{}", hex(consensus))
}

/// Set when the block at this position of the window was missed.
pub fn missed(consensus: &[u8; 20], index: u64) -> String {
    format!("slashing/missed/{}/{index:010}", hex(consensus))
}

pub fn missed_prefix(consensus: &[u8; 20]) -> String {
    format!("slashing/missed/{}/", hex(consensus))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// These keys are what the chain commits to: changing one forks the chain unless a store
    /// migration moves the data (the upgrade work), so a change here must come with one.
    #[test]
    fn storage_keys_are_pinned() {
        let consensus = [0x0c; 20];
        let hex = "0c".repeat(20);
        assert_eq!(PARAMS, "slashing/params");
        assert_eq!(SIGNING_INFO_PREFIX, "slashing/signing_info/");
        assert_eq!(
            signing_info(&consensus),
            format!("slashing/signing_info/{hex}")
        );
        assert_eq!(
            missed(&consensus, 42),
            format!("slashing/missed/{hex}/0000000042")
        );
        assert_eq!(missed_prefix(&consensus), format!("slashing/missed/{hex}/"));
    }
}
