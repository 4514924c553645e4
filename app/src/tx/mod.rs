//! The tx pipeline: decode, ante (signers, memo, size gas, fee, signatures, sequences), then the
//! messages, each stage in its own discardable overlay.

pub mod amino;
pub mod ante;
pub mod decode;
pub mod execute;
pub mod router;
pub mod strict;

pub use amino::{AminoError, AminoSignDoc};
pub use decode::{decode_tx, DecodedTx, SignerMode};
pub use execute::{run_tx, ExecMode, TxOutcome};
