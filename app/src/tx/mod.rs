//! The tx pipeline: decode, ante (signers, memo, size gas, fee, signatures, sequences), then the
//! messages, each stage in its own discardable overlay.

pub mod ante;
pub mod decode;
pub mod execute;
pub mod router;
pub mod strict;

pub use decode::{decode_tx, DecodedTx};
pub use execute::{run_tx, ExecMode, TxOutcome};
