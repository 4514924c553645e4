//! Bech32 (BIP-173, the checksum the SDK uses for addresses) straight between bytes and text.
//!
//! Every tx decodes the addresses in its messages and encodes them again into its events, several
//! times each, so this sits on the tx path: it goes from bytes to characters in one pass, with one
//! allocation for the result and none in between.

use thiserror::Error;

const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const GENERATOR: [u32; 5] = [
    0x3b6a_57b2,
    0x2650_8e6d,
    0x1ea1_19fa,
    0x3d42_33dd,
    0x2a14_62b3,
];
/// What the checksum of a valid bech32 (not bech32m) string leaves.
const BECH32_CONSTANT: u32 = 1;
const CHECKSUM_CHARS: usize = 6;
const SEPARATOR: u8 = b'1';
/// The longest string the SDK decodes.
const MAX_LEN: usize = 1023;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum Bech32Error {
    #[error("a bech32 string is 8 to {MAX_LEN} characters, this one has {0}")]
    Length(usize),
    #[error("mixes upper and lower case")]
    MixedCase,
    #[error("has no '1' separating the prefix from the data")]
    MissingSeparator,
    #[error("has an empty prefix or a prefix with a character outside ASCII 33-126")]
    Prefix,
    #[error("has {0:?}, which is not a bech32 data character")]
    Character(char),
    #[error("checksum does not match")]
    Checksum,
    #[error("data does not end on a whole byte")]
    Padding,
}

/// The BCH code over 5-bit values that bech32 appends as six characters.
struct Checksum(u32);

impl Checksum {
    fn of_prefix(prefix: &[u8]) -> Self {
        let mut checksum = Checksum(1);
        prefix.iter().for_each(|c| checksum.push(c >> 5));
        checksum.push(0);
        prefix.iter().for_each(|c| checksum.push(c & 0x1f));
        checksum
    }

    fn push(&mut self, value: u8) {
        let top = self.0 >> 25;
        self.0 = ((self.0 & 0x01ff_ffff) << 5) ^ u32::from(value);
        for (bit, generator) in GENERATOR.iter().enumerate() {
            if (top >> bit) & 1 == 1 {
                self.0 ^= generator;
            }
        }
    }
}

fn valid_prefix(prefix: &[u8]) -> bool {
    !prefix.is_empty() && prefix.iter().all(|c| (33..=126).contains(c))
}

/// `prefix` + `1` + `data` in 5-bit characters + checksum. The prefix must be lowercase.
pub fn encode(prefix: &str, data: &[u8]) -> Result<String, Bech32Error> {
    let prefix_bytes = prefix.as_bytes();
    if !valid_prefix(prefix_bytes) || prefix_bytes.iter().any(u8::is_ascii_uppercase) {
        return Err(Bech32Error::Prefix);
    }
    let mut text =
        String::with_capacity(prefix.len() + 1 + (data.len() * 8).div_ceil(5) + CHECKSUM_CHARS);
    text.push_str(prefix);
    text.push(char::from(SEPARATOR));
    let mut checksum = Checksum::of_prefix(prefix_bytes);
    let mut emit = |value: u8| {
        checksum.push(value);
        text.push(char::from(CHARSET[usize::from(value)]));
    };
    let (mut bits, mut pending) = (0u32, 0u32);
    for byte in data {
        pending = (pending << 8) | u32::from(*byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            emit(((pending >> bits) & 0x1f) as u8);
        }
    }
    if bits > 0 {
        emit(((pending << (5 - bits)) & 0x1f) as u8);
    }
    (0..CHECKSUM_CHARS).for_each(|_| checksum.push(0));
    let residue = checksum.0 ^ BECH32_CONSTANT;
    for i in (0..CHECKSUM_CHARS).rev() {
        text.push(char::from(CHARSET[((residue >> (5 * i)) & 0x1f) as usize]));
    }
    Ok(text)
}

/// The lowercase prefix and the data bytes of a bech32 string, checksum checked.
pub fn decode(text: &str) -> Result<(String, Vec<u8>), Bech32Error> {
    let bytes = text.as_bytes();
    if !(8..=MAX_LEN).contains(&bytes.len()) {
        return Err(Bech32Error::Length(bytes.len()));
    }
    if bytes.iter().any(u8::is_ascii_uppercase) && bytes.iter().any(u8::is_ascii_lowercase) {
        return Err(Bech32Error::MixedCase);
    }
    let split = bytes
        .iter()
        .rposition(|c| *c == SEPARATOR)
        .ok_or(Bech32Error::MissingSeparator)?;
    let prefix = text[..split].to_ascii_lowercase();
    if !valid_prefix(prefix.as_bytes()) {
        return Err(Bech32Error::Prefix);
    }
    let chars = &bytes[split + 1..];
    if chars.len() < CHECKSUM_CHARS {
        return Err(Bech32Error::Checksum);
    }
    let mut checksum = Checksum::of_prefix(prefix.as_bytes());
    let mut data = Vec::with_capacity(chars.len() * 5 / 8);
    let (mut bits, mut pending) = (0u32, 0u32);
    let payload_chars = chars.len() - CHECKSUM_CHARS;
    for (i, c) in chars.iter().enumerate() {
        let value = char_value(*c)?;
        checksum.push(value);
        if i < payload_chars {
            pending = (pending << 5) | u32::from(value);
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                data.push((pending >> bits) as u8);
            }
        }
    }
    if checksum.0 != BECH32_CONSTANT {
        return Err(Bech32Error::Checksum);
    }
    // At most four padding bits, all zero.
    if bits >= 5 || pending & ((1 << bits) - 1) != 0 {
        return Err(Bech32Error::Padding);
    }
    Ok((prefix, data))
}

/// Each ASCII character's value in `CHARSET`, either case; `NOT_IN_CHARSET` for the rest.
const CHAR_VALUES: [u8; 128] = {
    let mut values = [NOT_IN_CHARSET; 128];
    let mut i = 0;
    while i < CHARSET.len() {
        values[CHARSET[i] as usize] = i as u8;
        values[CHARSET[i].to_ascii_uppercase() as usize] = i as u8;
        i += 1;
    }
    values
};
const NOT_IN_CHARSET: u8 = u8::MAX;

fn char_value(c: u8) -> Result<u8, Bech32Error> {
    match CHAR_VALUES.get(usize::from(c)) {
        Some(value) if *value != NOT_IN_CHARSET => Ok(*value),
        _ => Err(Bech32Error::Character(char::from(c))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_bip173_valid_strings_decode_and_encode_back() {
        for text in [
            "A12UEL5L",
            "a12uel5l",
            "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
            "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
            "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
            "?1ezyfcl",
        ] {
            let (prefix, data) = decode(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(encode(&prefix, &data).ok(), Some(text.to_ascii_lowercase()));
        }
    }

    #[test]
    fn the_bip173_invalid_strings_are_refused() {
        for text in [
            "\u{20}1nwldj5",
            "pzry9x0s0muk",
            "1pzry9x0s0muk",
            "x1b4n0q5v",
            "li1dgmt3",
            "A1G7SGD8",
            "10a06t8",
            "1qzzfhee",
            "abc1Qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
        ] {
            assert!(decode(text).is_err(), "{text:?} decoded");
        }
    }

    #[test]
    fn an_sdk_address_decodes_to_its_twenty_bytes() {
        let (prefix, data) = decode("cosmos17xpfvakm2amg962yls6f84z3kell8c5lserqta").unwrap();
        assert_eq!(prefix, "cosmos");
        assert_eq!(data.len(), 20);
        assert_eq!(
            encode("cosmos", &data).unwrap(),
            "cosmos17xpfvakm2amg962yls6f84z3kell8c5lserqta"
        );
    }

    #[test]
    fn a_prefix_with_upper_case_is_not_encoded() {
        assert_eq!(encode("Rmesh", &[1; 20]), Err(Bech32Error::Prefix));
        assert_eq!(encode("", &[1; 20]), Err(Bech32Error::Prefix));
    }

    proptest! {
        #[test]
        fn any_bytes_round_trip(prefix in "[a-z0-9]{1,12}", data in prop::collection::vec(any::<u8>(), 0..64)) {
            let text = encode(&prefix, &data).unwrap();
            prop_assert_eq!(decode(&text).unwrap(), (prefix.clone(), data.clone()));
            prop_assert_eq!(decode(&text.to_ascii_uppercase()).unwrap(), (prefix, data));
        }

        #[test]
        fn changing_one_data_character_breaks_the_checksum(data in prop::collection::vec(any::<u8>(), 1..40), at in any::<prop::sample::Index>(), by in 1u8..32) {
            let text = encode("rmesh", &data).unwrap();
            let mut chars = text.into_bytes();
            let i = 6 + at.index(chars.len() - 6);
            let value = char_value(chars[i]).unwrap();
            chars[i] = CHARSET[usize::from((value + by) % 32)];
            prop_assert_eq!(decode(std::str::from_utf8(&chars).unwrap()), Err(Bech32Error::Checksum));
        }
    }
}
