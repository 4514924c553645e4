//! Errors of the gov module, under the SDK's `gov` codespace and its codes; rmesh's own start
//! at 1000.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GovError {
    #[error("proposal {0} doesn't exist: unknown proposal")]
    UnknownProposal(u64),
    #[error("proposal {id} is {why}: inactive proposal")]
    InactiveProposal { id: u64, why: &'static str },
    #[error("{0}: invalid proposal content")]
    InvalidProposalContent(String),
    #[error("{0}: invalid vote option")]
    InvalidVote(String),
    #[error("{0}: invalid proposal message")]
    InvalidProposalMsg(String),
    #[error("{0}: expected gov account as only signer for proposal message")]
    InvalidSigner(String),
    #[error("{0}: metadata too long")]
    MetadataTooLong(String),
    #[error("{0}: minimum deposit is too small")]
    MinDepositTooSmall(String),
    #[error("{0}: invalid deposit denom")]
    InvalidDepositDenom(String),
    #[error("invalid gov params: {0}")]
    InvalidParams(String),
    #[error("gov arithmetic overflow: {0}")]
    Overflow(String),
    #[error("message {index} ({type_url}) failed: {reason}")]
    ProposalMessageFailed {
        index: usize,
        type_url: String,
        reason: String,
    },
}

rmesh_core::module_error_codes!(GovError in "gov" {
    UnknownProposal = 2,
    InactiveProposal = 3,
    InvalidProposalContent = 5,
    InvalidVote = 7,
    InvalidProposalMsg = 12,
    InvalidSigner = 13,
    MetadataTooLong = 15,
    MinDepositTooSmall = 16,
    InvalidDepositDenom = 23,
    InvalidParams = 1_000,
    Overflow = 1_001,
    ProposalMessageFailed = 1_002,
});

impl From<rmesh_core::decimal::DecimalError> for GovError {
    fn from(err: rmesh_core::decimal::DecimalError) -> Self {
        GovError::Overflow(err.to_string())
    }
}
