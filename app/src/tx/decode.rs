//! `cosmos.tx.v1beta1.TxRaw` decoding and the stateless checks the SDK's ante handler makes
//! before it touches state.

use cosmos_sdk_proto::cosmos::tx::signing::v1beta1::SignMode;
use cosmos_sdk_proto::cosmos::tx::v1beta1::{mode_info, AuthInfo, SignDoc, TxBody, TxRaw};
use prost::Message;
use rmesh_core::SdkError;
use sha2::{Digest, Sha256};

use super::strict::{check_auth_info_fields, check_body_fields, check_canonical_tx_raw, Schemas};

/// A tx split into its signed parts; the original bytes are kept because signatures cover them.
#[derive(Debug, Clone)]
pub struct DecodedTx {
    pub hash: [u8; 32],
    pub len: usize,
    pub body: TxBody,
    pub body_bytes: Vec<u8>,
    pub auth_info: AuthInfo,
    pub auth_info_bytes: Vec<u8>,
    pub signatures: Vec<Vec<u8>>,
}

/// Decodes a tx as strictly as the SDK's decoder (see `strict`), then makes its stateless checks.
pub fn decode_tx(bytes: &[u8]) -> Result<DecodedTx, SdkError> {
    check_canonical_tx_raw(bytes)?;
    let raw =
        TxRaw::decode(bytes).map_err(|e| SdkError::TxDecode(format!("invalid TxRaw: {e}")))?;
    let schemas = Schemas::node();
    check_body_fields(schemas, &raw.body_bytes)?;
    let body = TxBody::decode(raw.body_bytes.as_slice())
        .map_err(|e| SdkError::TxDecode(format!("invalid tx body: {e}")))?;
    check_auth_info_fields(schemas, &raw.auth_info_bytes)?;
    let auth_info = AuthInfo::decode(raw.auth_info_bytes.as_slice())
        .map_err(|e| SdkError::TxDecode(format!("invalid auth info: {e}")))?;
    let tx = DecodedTx {
        hash: Sha256::digest(bytes).into(),
        len: bytes.len(),
        body,
        body_bytes: raw.body_bytes,
        auth_info,
        auth_info_bytes: raw.auth_info_bytes,
        signatures: raw.signatures,
    };
    tx.check_basic()?;
    Ok(tx)
}

impl DecodedTx {
    pub fn hash_hex(&self) -> String {
        hex::encode_upper(self.hash)
    }

    pub fn gas_limit(&self) -> u64 {
        self.auth_info.fee.as_ref().map_or(0, |fee| fee.gas_limit)
    }

    /// The SIGN_MODE_DIRECT sign doc bytes for one signer's account number.
    pub fn sign_bytes(&self, chain_id: &str, account_number: u64) -> Vec<u8> {
        SignDoc {
            body_bytes: self.body_bytes.clone(),
            auth_info_bytes: self.auth_info_bytes.clone(),
            chain_id: chain_id.to_string(),
            account_number,
        }
        .encode_to_vec()
    }

    /// The SDK's `ValidateBasic` for txs.
    fn check_basic(&self) -> Result<(), SdkError> {
        if self.body.messages.is_empty() {
            return Err(SdkError::InvalidRequest(
                "must contain at least one message".into(),
            ));
        }
        if !self.body.extension_options.is_empty()
            || !self.body.non_critical_extension_options.is_empty()
        {
            return Err(SdkError::InvalidRequest(
                "rmesh accepts no tx extension options".into(),
            ));
        }
        if self.auth_info.fee.is_none() {
            return Err(SdkError::InvalidRequest("missing fee".into()));
        }
        if self.signatures.is_empty() {
            return Err(SdkError::NoSignatures("no signatures supplied".into()));
        }
        if self.signatures.len() != self.auth_info.signer_infos.len() {
            return Err(SdkError::Unauthorized(format!(
                "wrong number of signatures; expected {}, got {}",
                self.auth_info.signer_infos.len(),
                self.signatures.len()
            )));
        }
        Ok(())
    }

    /// How each signer signed: a single key in SIGN_MODE_DIRECT or SIGN_MODE_LEGACY_AMINO_JSON
    /// (see `amino`). Simulations (unsigned) are exempt, as in the SDK.
    pub fn sign_modes(&self) -> Result<Vec<SignerMode>, SdkError> {
        self.auth_info
            .signer_infos
            .iter()
            .map(|info| match info.mode_info.as_ref().and_then(|m| m.sum.as_ref()) {
                Some(mode_info::Sum::Single(single)) if single.mode == SignMode::Direct as i32 => {
                    Ok(SignerMode::Direct)
                }
                Some(mode_info::Sum::Single(single))
                    if single.mode == SignMode::LegacyAminoJson as i32 =>
                {
                    Ok(SignerMode::LegacyAminoJson)
                }
                _ => Err(SdkError::Unauthorized(
                    "only single signatures in SIGN_MODE_DIRECT or SIGN_MODE_LEGACY_AMINO_JSON are supported"
                        .into(),
                )),
            })
            .collect()
    }
}

/// The sign modes a signer may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignerMode {
    Direct,
    LegacyAminoJson,
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmos_sdk_proto::cosmos::tx::v1beta1::{Fee, ModeInfo, SignerInfo};

    fn signer_info(mode: SignMode) -> SignerInfo {
        SignerInfo {
            public_key: None,
            mode_info: Some(ModeInfo {
                sum: Some(mode_info::Sum::Single(mode_info::Single {
                    mode: mode as i32,
                })),
            }),
            sequence: 0,
        }
    }

    fn raw(messages: usize, infos: Vec<SignerInfo>, signatures: usize, fee: bool) -> Vec<u8> {
        let body = TxBody {
            messages: (0..messages)
                .map(|_| cosmos_sdk_proto::Any {
                    type_url: "/cosmos.bank.v1beta1.MsgSend".into(),
                    value: vec![],
                })
                .collect(),
            ..Default::default()
        };
        let auth_info = AuthInfo {
            signer_infos: infos,
            fee: fee.then(|| Fee {
                gas_limit: 1,
                ..Default::default()
            }),
            ..Default::default()
        };
        TxRaw {
            body_bytes: body.encode_to_vec(),
            auth_info_bytes: auth_info.encode_to_vec(),
            signatures: vec![vec![1; 64]; signatures],
        }
        .encode_to_vec()
    }

    fn refusal(bytes: &[u8]) -> String {
        decode_tx(bytes).unwrap_err().to_string()
    }

    #[test]
    fn a_well_formed_tx_decodes_and_keeps_its_signed_bytes() {
        let bytes = raw(1, vec![signer_info(SignMode::Direct)], 1, true);
        let tx = decode_tx(&bytes).unwrap();
        assert_eq!(tx.len, bytes.len());
        assert_eq!(tx.gas_limit(), 1);
        assert_eq!(tx.hash_hex().len(), 64);
    }

    #[test]
    fn malformed_txs_are_refused_with_the_reason() {
        assert!(refusal(b"\xff\xff").contains("tx parse error"));
        assert!(
            refusal(&raw(0, vec![signer_info(SignMode::Direct)], 1, true))
                .contains("at least one message")
        );
        assert!(
            refusal(&raw(1, vec![signer_info(SignMode::Direct)], 1, false)).contains("missing fee")
        );
        assert!(refusal(&raw(1, vec![], 0, true)).contains("no signatures"));
        assert!(
            refusal(&raw(1, vec![signer_info(SignMode::Direct)], 2, true))
                .contains("wrong number of signatures")
        );
        let mixed = decode_tx(&raw(
            1,
            vec![
                signer_info(SignMode::LegacyAminoJson),
                signer_info(SignMode::Direct),
            ],
            2,
            true,
        ))
        .unwrap();
        assert_eq!(
            mixed.sign_modes().unwrap(),
            vec![SignerMode::LegacyAminoJson, SignerMode::Direct]
        );
        let textual = decode_tx(&raw(1, vec![signer_info(SignMode::Textual)], 1, true)).unwrap();
        assert!(textual
            .sign_modes()
            .unwrap_err()
            .to_string()
            .contains("SIGN_MODE_DIRECT or SIGN_MODE_LEGACY_AMINO_JSON"));
    }
}
