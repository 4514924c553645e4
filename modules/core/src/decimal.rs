//! Fixed-point decimals with 18 places, as the SDK's `LegacyDec`: no floats in the state machine.

use std::fmt;
use std::str::FromStr;

const PLACES: usize = 18;
const ONE: u128 = 1_000_000_000_000_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Decimal(u128);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    #[error("invalid decimal {0:?}: expected digits with an optional '.' and at most 18 places")]
    Malformed(String),
    #[error("decimal {0:?} is out of range")]
    OutOfRange(String),
    #[error("decimal arithmetic overflowed")]
    Overflow,
    #[error("division by zero")]
    DivisionByZero,
}

impl Decimal {
    pub const ZERO: Decimal = Decimal(0);
    pub const ONE: Decimal = Decimal(ONE);

    pub fn from_atomics(atomics: u128) -> Self {
        Decimal(atomics)
    }

    pub fn atomics(self) -> u128 {
        self.0
    }

    pub fn from_integer(n: u128) -> Result<Self, DecimalError> {
        n.checked_mul(ONE)
            .map(Decimal)
            .ok_or(DecimalError::Overflow)
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn checked_sub(self, other: Decimal) -> Option<Decimal> {
        self.0.checked_sub(other.0).map(Decimal)
    }

    pub fn checked_add(self, other: Decimal) -> Option<Decimal> {
        self.0.checked_add(other.0).map(Decimal)
    }

    /// `self - other`, or zero.
    pub fn saturating_sub(self, other: Decimal) -> Decimal {
        Decimal(self.0.saturating_sub(other.0))
    }

    /// `self * other`, floored to 18 places.
    pub fn checked_mul(self, other: Decimal) -> Result<Decimal, DecimalError> {
        mul_div(self.0, other.0, ONE, Rounding::Down).map(Decimal)
    }

    /// `self * n`, exact.
    pub fn checked_mul_int(self, n: u128) -> Result<Decimal, DecimalError> {
        self.0
            .checked_mul(n)
            .map(Decimal)
            .ok_or(DecimalError::Overflow)
    }

    /// `self / n`, floored to 18 places.
    pub fn div_int(self, n: u128) -> Result<Decimal, DecimalError> {
        if n == 0 {
            return Err(DecimalError::DivisionByZero);
        }
        Ok(Decimal(self.0 / n))
    }

    /// The whole part.
    pub fn floor(self) -> u128 {
        self.0 / ONE
    }

    /// `floor(amount * self)`.
    pub fn mul_floor(self, amount: u128) -> Result<u128, DecimalError> {
        mul_div(amount, self.0, ONE, Rounding::Down)
    }

    /// `ceil(amount * self)`: fees are rounded up so a payer never pays less than the price.
    pub fn mul_ceil(self, amount: u128) -> Result<u128, DecimalError> {
        mul_div(amount, self.0, ONE, Rounding::Up)
    }

    /// `floor(amount / self)`.
    pub fn div_floor(self, amount: u128) -> Result<u128, DecimalError> {
        if self.0 == 0 {
            return Err(DecimalError::DivisionByZero);
        }
        mul_div(amount, ONE, self.0, Rounding::Down)
    }
}

/// `floor(a * b / c)` with a 256-bit intermediate: exact share and pro-rata arithmetic.
pub fn mul_div_floor(a: u128, b: u128, c: u128) -> Result<u128, DecimalError> {
    mul_div(a, b, c, Rounding::Down)
}

#[derive(Clone, Copy)]
enum Rounding {
    Down,
    Up,
}

/// `a * b / c` with a 256-bit intermediate, so no product of two u128 can overflow.
fn mul_div(a: u128, b: u128, c: u128, rounding: Rounding) -> Result<u128, DecimalError> {
    let (hi, lo) = wide_mul(a, b);
    let (quotient, remainder) = wide_div(hi, lo, c)?;
    match rounding {
        Rounding::Down => Ok(quotient),
        Rounding::Up if remainder == 0 => Ok(quotient),
        Rounding::Up => quotient.checked_add(1).ok_or(DecimalError::Overflow),
    }
}

fn wide_mul(a: u128, b: u128) -> (u128, u128) {
    const MASK: u128 = u64::MAX as u128;
    let (a_hi, a_lo) = (a >> 64, a & MASK);
    let (b_hi, b_lo) = (b >> 64, b & MASK);
    let lo_lo = a_lo * b_lo;
    let hi_lo = a_hi * b_lo;
    let lo_hi = a_lo * b_hi;
    let hi_hi = a_hi * b_hi;
    let middle = (lo_lo >> 64) + (hi_lo & MASK) + (lo_hi & MASK);
    let lo = (middle << 64) | (lo_lo & MASK);
    let hi = hi_hi + (hi_lo >> 64) + (lo_hi >> 64) + (middle >> 64);
    (hi, lo)
}

/// Binary long division of the 256-bit `hi:lo` by `divisor`; fails if the quotient exceeds u128.
fn wide_div(hi: u128, lo: u128, divisor: u128) -> Result<(u128, u128), DecimalError> {
    if divisor == 0 {
        return Err(DecimalError::DivisionByZero);
    }
    if hi >= divisor {
        return Err(DecimalError::Overflow);
    }
    let mut remainder = hi;
    let mut quotient = 0u128;
    for bit in (0..128).rev() {
        let carry = remainder >> 127;
        remainder = (remainder << 1) | ((lo >> bit) & 1);
        quotient <<= 1;
        if carry == 1 || remainder >= divisor {
            remainder = remainder.wrapping_sub(divisor);
            quotient |= 1;
        }
    }
    Ok((quotient, remainder))
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:018}", self.0 / ONE, self.0 % ONE)
    }
}

impl FromStr for Decimal {
    type Err = DecimalError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let malformed = || DecimalError::Malformed(s.to_string());
        let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
        let digits_only = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits_only(whole) || !digits_only(frac) || frac.len() > PLACES {
            return Err(malformed());
        }
        if s.ends_with('.') {
            return Err(malformed());
        }
        let out_of_range = || DecimalError::OutOfRange(s.to_string());
        let whole: u128 = whole.parse().map_err(|_| out_of_range())?;
        let frac_atomics: u128 = if frac.is_empty() {
            0
        } else {
            format!("{frac:0<18}").parse().map_err(|_| malformed())?
        };
        whole
            .checked_mul(ONE)
            .and_then(|w| w.checked_add(frac_atomics))
            .map(Decimal)
            .ok_or_else(out_of_range)
    }
}

impl serde::Serialize for Decimal {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> serde::Deserialize<'de> for Decimal {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn decimals_print_with_eighteen_places() {
        let d: Decimal = "0.1".parse().unwrap();
        assert_eq!(d.to_string(), "0.100000000000000000");
        assert_eq!(
            "2".parse::<Decimal>().unwrap().to_string(),
            "2.000000000000000000"
        );
    }

    #[test]
    fn malformed_decimals_are_refused() {
        for bad in ["", ".5", "1.", "-1", "1e5", "0.0000000000000000001", "abc"] {
            assert!(bad.parse::<Decimal>().is_err(), "{bad} should not parse");
        }
    }

    #[test]
    fn multiplication_rounds_as_asked() {
        let price: Decimal = "0.0025".parse().unwrap();
        assert_eq!(price.mul_ceil(200_001).unwrap(), 501);
        assert_eq!(price.mul_floor(200_001).unwrap(), 500);
        let half: Decimal = "0.5".parse().unwrap();
        assert_eq!(half.div_floor(7).unwrap(), 14);
    }

    proptest! {
        #[test]
        fn wide_multiplication_matches_narrow_when_it_fits(a in any::<u64>(), b in any::<u64>()) {
            let (hi, lo) = wide_mul(a as u128, b as u128);
            prop_assert_eq!(hi, 0);
            prop_assert_eq!(lo, a as u128 * b as u128);
        }

        #[test]
        fn mul_div_inverts_multiplication(a in any::<u128>(), b in 1u128..u128::MAX) {
            let (hi, lo) = wide_mul(a, b);
            let (q, r) = wide_div(hi, lo, b).unwrap();
            prop_assert_eq!(q, a);
            prop_assert_eq!(r, 0);
        }

        #[test]
        fn display_and_parse_round_trip(atomics in any::<u128>()) {
            let d = Decimal::from_atomics(atomics);
            prop_assert_eq!(d.to_string().parse::<Decimal>().unwrap(), d);
        }
    }
}
