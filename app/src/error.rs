//! Errors of the command line: one clear line each, never a panic.

use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Input(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("node at {node}: {message}")]
    Node { node: String, message: String },
    #[error("{0}")]
    Keyring(String),
    #[error("{0}")]
    Other(String),
}

impl CliError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        CliError::Io {
            path: path.display().to_string(),
            source,
        }
    }
}

impl From<rmesh_core::SdkError> for CliError {
    fn from(err: rmesh_core::SdkError) -> Self {
        CliError::Input(err.to_string())
    }
}
