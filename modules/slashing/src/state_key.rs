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
