//! A file keyring under `<home>/keyring-file`: one JSON file per key holding its BIP39 mnemonic,
//! unencrypted like the SDK's `test` backend. Keys derive on m/44'/118'/0'/0/0.

use std::path::{Path, PathBuf};

use cosmrs::crypto::secp256k1::SigningKey;
use rand::RngCore;
use serde::{Deserialize, Serialize};

use crate::error::CliError;

pub const HD_PATH: &str = "m/44'/118'/0'/0/0";

pub struct Key {
    pub name: String,
    pub signing_key: SigningKey,
}

impl Key {
    pub fn from_mnemonic(name: &str, phrase: &str) -> Result<Self, CliError> {
        let mnemonic = bip39::Mnemonic::parse_normalized(phrase.trim())
            .map_err(|e| CliError::Keyring(format!("invalid mnemonic: {e}")))?;
        let seed = mnemonic.to_seed("");
        let path = HD_PATH
            .parse()
            .map_err(|e| CliError::Keyring(format!("bad HD path: {e}")))?;
        let signing_key = SigningKey::derive_from_path(seed, &path)
            .map_err(|e| CliError::Keyring(format!("cannot derive key: {e}")))?;
        Ok(Key {
            name: name.to_string(),
            signing_key,
        })
    }

    pub fn address(&self, prefix: &str) -> Result<String, CliError> {
        self.signing_key
            .public_key()
            .account_id(prefix)
            .map(|id| id.to_string())
            .map_err(|e| CliError::Keyring(format!("cannot encode address: {e}")))
    }
}

#[derive(Serialize, Deserialize)]
struct StoredKey {
    name: String,
    mnemonic: String,
}

pub struct Keyring {
    dir: PathBuf,
}

/// A fresh 24-word mnemonic from the OS's randomness.
pub fn new_mnemonic() -> Result<String, CliError> {
    let mut entropy = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut entropy);
    bip39::Mnemonic::from_entropy(&entropy)
        .map(|m| m.to_string())
        .map_err(|e| CliError::Keyring(format!("cannot create mnemonic: {e}")))
}

impl Keyring {
    pub fn open(home: &Path) -> Self {
        Keyring {
            dir: home.join("keyring-file"),
        }
    }

    fn path(&self, name: &str) -> Result<PathBuf, CliError> {
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        if !valid || name.starts_with('.') {
            return Err(CliError::Keyring(format!(
                "invalid key name {name:?}: use letters, digits, '-', '_' and '.'"
            )));
        }
        Ok(self.dir.join(format!("{name}.json")))
    }

    /// Stores a key from `mnemonic`; refuses to overwrite an existing name.
    pub fn add(&self, name: &str, mnemonic: &str) -> Result<Key, CliError> {
        let path = self.path(name)?;
        if path.exists() {
            return Err(CliError::Keyring(format!(
                "key {name:?} already exists in {}",
                self.dir.display()
            )));
        }
        let key = Key::from_mnemonic(name, mnemonic)?;
        std::fs::create_dir_all(&self.dir).map_err(|e| CliError::io(&self.dir, e))?;
        let stored = StoredKey {
            name: name.to_string(),
            mnemonic: mnemonic.trim().to_string(),
        };
        let text =
            serde_json::to_string_pretty(&stored).map_err(|e| CliError::Keyring(e.to_string()))?;
        write_private(&path, &text)?;
        Ok(key)
    }

    pub fn get(&self, name: &str) -> Result<Key, CliError> {
        let path = self.path(name)?;
        if !path.exists() {
            return Err(CliError::Keyring(format!(
                "key {name:?} not found in {}",
                self.dir.display()
            )));
        }
        let text = std::fs::read_to_string(&path).map_err(|e| CliError::io(&path, e))?;
        let stored: StoredKey = serde_json::from_str(&text)
            .map_err(|e| CliError::Keyring(format!("{}: {e}", path.display())))?;
        Key::from_mnemonic(&stored.name, &stored.mnemonic)
    }

    /// All keys, by name.
    pub fn list(&self) -> Result<Vec<Key>, CliError> {
        if !self.dir.exists() {
            return Ok(vec![]);
        }
        let entries = std::fs::read_dir(&self.dir).map_err(|e| CliError::io(&self.dir, e))?;
        let mut names: Vec<String> = entries
            .filter_map(|entry| entry.ok())
            .filter_map(|entry| {
                entry
                    .file_name()
                    .to_str()?
                    .strip_suffix(".json")
                    .map(str::to_string)
            })
            .collect();
        names.sort();
        names.iter().map(|name| self.get(name)).collect()
    }
}

fn write_private(path: &Path, text: &str) -> Result<(), CliError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| CliError::io(path, e))?;
    file.write_all(text.as_bytes())
        .map_err(|e| CliError::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A well-known test vector: this mnemonic's first cosmos address on m/44'/118'/0'/0/0.
    #[test]
    fn a_mnemonic_derives_the_same_address_as_the_sdk() {
        let phrase = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
        let key = Key::from_mnemonic("test", phrase).unwrap();
        assert_eq!(
            key.address("cosmos").unwrap(),
            "cosmos19rl4cm2hmr8afy4kldpxz3fka4jguq0auqdal4"
        );
    }

    #[test]
    fn keys_are_stored_listed_and_never_overwritten() {
        let home = tempfile::tempdir().unwrap();
        let keyring = Keyring::open(home.path());
        let phrase = new_mnemonic().unwrap();
        let added = keyring.add("alice", &phrase).unwrap();
        let loaded = keyring.get("alice").unwrap();
        assert_eq!(
            added.address("rmesh").unwrap(),
            loaded.address("rmesh").unwrap()
        );
        assert!(keyring.add("alice", &phrase).is_err());
        assert_eq!(keyring.list().unwrap().len(), 1);
        assert!(keyring.get("bob").is_err());
        assert!(keyring.add("../evil", &phrase).is_err());
    }
}
