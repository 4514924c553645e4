//! Errors of bank (codespace `bank`). Codes are the Cosmos SDK v0.50 x/bank codes where the SDK
//! has the same error; rmesh's own start above the SDK's highest (9). Balance and coin errors
//! (insufficient funds, invalid coins) keep the SDK's root codes, as in the SDK.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BankError {
    #[error("no inputs to send transaction: a multi-send takes exactly one input")]
    NoInputs,
    #[error("no outputs to send transaction: a multi-send needs at least one output")]
    NoOutputs,
    #[error("sum inputs != sum outputs: the outputs add up to {outputs}, the input is {input}")]
    InputOutputMismatch { input: String, outputs: String },
    #[error("multiple senders not allowed: a multi-send takes exactly one input, got {inputs}")]
    MultipleSenders { inputs: usize },
    #[error("invalid bank genesis: {0}")]
    InvalidGenesis(String),
}

rmesh_core::module_error_codes!(BankError in "bank" {
    NoInputs = 2,
    NoOutputs = 3,
    InputOutputMismatch = 4,
    MultipleSenders = 9,
    InvalidGenesis = 10,
});
