use std::io::Read;
use std::path::Path;

use clap::Subcommand;

use crate::error::CliError;
use crate::keyring::{new_mnemonic, Key, Keyring};

#[derive(Subcommand)]
pub enum KeysCommand {
    /// Creates a key and prints its mnemonic; with --recover, reads a mnemonic from stdin.
    Add {
        name: String,
        #[arg(long)]
        recover: bool,
        #[arg(long, default_value = "rmesh")]
        prefix: String,
    },
    /// Imports a key from a BIP39 mnemonic read from stdin.
    Import {
        name: String,
        #[arg(long, default_value = "rmesh")]
        prefix: String,
    },
    /// Lists all keys.
    List {
        #[arg(long, default_value = "rmesh")]
        prefix: String,
    },
    /// Shows one key.
    Show {
        name: String,
        /// Print only the address.
        #[arg(short = 'a', long)]
        address: bool,
        #[arg(long, default_value = "rmesh")]
        prefix: String,
    },
}

fn describe(key: &Key, prefix: &str) -> Result<serde_json::Value, CliError> {
    let public_key = key.signing_key.public_key();
    Ok(serde_json::json!({
        "name": key.name,
        "type": "local",
        "address": key.address(prefix)?,
        "pubkey": {
            "@type": "/cosmos.crypto.secp256k1.PubKey",
            "key": base64_standard(&public_key.to_bytes()),
        },
    }))
}

fn base64_standard(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn read_mnemonic() -> Result<String, CliError> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| CliError::Input(format!("cannot read stdin: {e}")))?;
    Ok(text.trim().to_string())
}

pub fn run(home: &Path, command: KeysCommand) -> Result<(), CliError> {
    let keyring = Keyring::open(home);
    match command {
        KeysCommand::Add {
            name,
            recover,
            prefix,
        } => {
            let (mnemonic, show) = if recover {
                (read_mnemonic()?, false)
            } else {
                (new_mnemonic()?, true)
            };
            let key = keyring.add(&name, &mnemonic)?;
            let mut output = describe(&key, &prefix)?;
            if show {
                output["mnemonic"] = mnemonic.into();
            }
            super::print_json(&output);
        }
        KeysCommand::Import { name, prefix } => {
            let key = keyring.add(&name, &read_mnemonic()?)?;
            super::print_json(&describe(&key, &prefix)?);
        }
        KeysCommand::List { prefix } => {
            let keys = keyring.list()?;
            let listed = keys
                .iter()
                .map(|key| describe(key, &prefix))
                .collect::<Result<Vec<_>, _>>()?;
            super::print_json(&serde_json::Value::Array(listed));
        }
        KeysCommand::Show {
            name,
            address,
            prefix,
        } => {
            let key = keyring.get(&name)?;
            if address {
                println!("{}", key.address(&prefix)?);
            } else {
                super::print_json(&describe(&key, &prefix)?);
            }
        }
    }
    Ok(())
}
