//! Errors of the virtual-staking module (codespace `virtual_staking`).

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VirtualStakingError {
    #[error("only the mesh authority {authority} may do this, not {sender}")]
    NotAuthority { authority: String, sender: String },
    #[error("invalid virtual-staking params: {0}")]
    InvalidParams(String),
    #[error("virtual-staking arithmetic overflow: {0}")]
    ArithmeticOverflow(&'static str),
}

rmesh_core::module_error_codes!(VirtualStakingError in "virtual_staking" {
    NotAuthority = 2,
    InvalidParams = 3,
    ArithmeticOverflow = 4,
});
