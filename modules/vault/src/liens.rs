//! The vault's arithmetic, free of state: one user's collateral and the liens on it, what is
//! free, whether a lien fits, and how a slash propagates to the other lien holders.
//!
//! Rounding: `slashable` is kept exact. An integer amount times an 18-place ratio has at most 18
//! places, so the sum is held as whole units plus an 18-place fraction (`ExactAmount`) and
//! compared with the collateral without any loss. Only `free` rounds, and it rounds down (the
//! slashable part is taken up to the next unit), so unbonding free collateral can never leave a
//! promise uncovered. Pro-rata cuts floor the remaining liens, which can only cut more than
//! needed, never less.

use std::collections::BTreeMap;
use std::fmt;

use rmesh_core::coin::amount_string;
use rmesh_core::decimal::mul_div_floor;
use rmesh_core::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::VaultError;

/// `10^18`: one unit in decimal atomics.
fn one() -> u128 {
    Decimal::ONE.atomics()
}

/// A promise of collateral to one lien holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lien {
    #[serde(with = "amount_string")]
    pub amount: u128,
    /// The share of `amount` the holder may slash, in [0, 1].
    pub slashable: Decimal,
}

/// A non-negative amount with 18 exact decimal places: whole units and a fraction in atomics
/// (`fraction < 10^18`). Field order makes the derived ordering the numeric one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct ExactAmount {
    whole: u128,
    fraction: u128,
}

impl ExactAmount {
    pub const ZERO: ExactAmount = ExactAmount {
        whole: 0,
        fraction: 0,
    };

    pub fn from_whole(whole: u128) -> Self {
        ExactAmount { whole, fraction: 0 }
    }

    /// `amount * ratio`, exactly. Only a product beyond u128 whole units (a ratio above 1 on an
    /// amount near u128::MAX) saturates.
    pub fn product(amount: u128, ratio: Decimal) -> Self {
        let one = one();
        let whole = mul_div_floor(amount, ratio.atomics(), one).unwrap_or(u128::MAX);
        // amount * ratio mod 10^18 only depends on both factors mod 10^18 (product < 10^36).
        let fraction = ((amount % one) * (ratio.atomics() % one)) % one;
        ExactAmount { whole, fraction }
    }

    /// Saturates at u128::MAX whole units, which still compares above any collateral.
    pub fn saturating_add(self, other: ExactAmount) -> Self {
        let one = one();
        let fraction = self.fraction + other.fraction;
        let carry = u128::from(fraction >= one);
        ExactAmount {
            whole: self.whole.saturating_add(other.whole).saturating_add(carry),
            fraction: fraction % one,
        }
    }

    /// `self - whole`, or zero.
    pub fn saturating_sub_whole(self, whole: u128) -> Self {
        match self.whole.checked_sub(whole) {
            Some(rest) => ExactAmount {
                whole: rest,
                fraction: self.fraction,
            },
            None => ExactAmount::ZERO,
        }
    }

    pub fn floor(self) -> u128 {
        self.whole
    }

    pub fn ceil(self) -> u128 {
        self.whole.saturating_add(u128::from(self.fraction > 0))
    }

    /// Whether this is strictly more than `amount` units.
    pub fn exceeds(self, amount: u128) -> bool {
        self > ExactAmount::from_whole(amount)
    }

    /// In decimal atomics, if that fits u128 (below about 3.4e20 units).
    pub fn atomics(self) -> Option<u128> {
        self.whole.checked_mul(one())?.checked_add(self.fraction)
    }

    pub fn to_decimal(self) -> Option<Decimal> {
        self.atomics().map(Decimal::from_atomics)
    }

    /// The fewest whole units `u` with `u * ratio >= self`; `None` if the ratio is zero or the
    /// numbers are beyond u128 atomics.
    fn units_to_cover(self, ratio: Decimal) -> Option<u128> {
        let ratio = ratio.atomics();
        if ratio == 0 {
            return None;
        }
        let atomics = self.atomics()?;
        Some(atomics / ratio + u128::from(atomics % ratio != 0))
    }
}

impl fmt::Display for ExactAmount {
    /// As `Decimal` prints: whole units, a dot, 18 places.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:018}", self.whole, self.fraction)
    }
}

/// What a slash did: the tokens taken from the collateral (to burn) and, per other holder, the
/// lien it lost because the smaller collateral can no longer back it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SlashOutcome {
    pub slashed: u128,
    /// Sorted by holder; no zero entries.
    pub cuts: Vec<(String, u128)>,
}

/// One user's collateral and the liens on it, by holder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Collateral {
    pub collateral: u128,
    pub liens: BTreeMap<String, Lien>,
}

/// Lien holders are opaque ids ("local", "external/<consumer>"); they only need to be
/// printable and bounded, since they end up in keys and events.
pub fn validate_holder(holder: &str) -> Result<(), VaultError> {
    let printable = !holder.chars().any(char::is_control);
    if printable && (1..=128).contains(&holder.len()) {
        Ok(())
    } else {
        Err(VaultError::InvalidHolder(holder.to_string()))
    }
}

pub fn validate_ratio(ratio: Decimal) -> Result<(), VaultError> {
    if ratio <= Decimal::ONE {
        Ok(())
    } else {
        Err(VaultError::InvalidRatio(ratio.to_string()))
    }
}

impl Collateral {
    /// The largest lien, or zero without liens.
    pub fn max_lien(&self) -> u128 {
        self.liens
            .values()
            .map(|lien| lien.amount)
            .max()
            .unwrap_or(0)
    }

    /// Sum of `amount * slashable` over the liens, exact.
    pub fn slashable(&self) -> ExactAmount {
        self.liens.values().fold(ExactAmount::ZERO, |sum, lien| {
            sum.saturating_add(ExactAmount::product(lien.amount, lien.slashable))
        })
    }

    /// The collateral the liens tie up: the larger of the max lien and the slashable amount
    /// (rounded up, so `free` rounds down).
    pub fn used(&self) -> u128 {
        self.max_lien().max(self.slashable().ceil())
    }

    /// `collateral - max(max_lien, slashable)`; zero for a state that breaks the invariant.
    pub fn free(&self) -> u128 {
        self.collateral.saturating_sub(self.used())
    }

    /// The invariant: the collateral backs both the largest lien and every slashable promise.
    pub fn is_covered(&self) -> bool {
        self.max_lien() <= self.collateral && !self.slashable().exceeds(self.collateral)
    }

    pub fn can_add_lien(&self, holder: &str, amount: u128, slashable: Decimal) -> bool {
        let mut candidate = self.clone();
        candidate.add_lien(holder, amount, slashable).is_ok()
    }

    /// Grows `holder`'s lien by `amount`. The slashable ratio becomes the larger of the old and
    /// the new one: a holder may ask for more slashing power, never silently for less. Refused
    /// if the collateral could no longer back every lien.
    pub fn add_lien(
        &mut self,
        holder: &str,
        amount: u128,
        slashable: Decimal,
    ) -> Result<(), VaultError> {
        validate_holder(holder)?;
        validate_ratio(slashable)?;
        if amount == 0 {
            return Err(VaultError::InvalidAmount(
                "a lien must be positive".to_string(),
            ));
        }
        let current = self.liens.get(holder).copied().unwrap_or(Lien {
            amount: 0,
            slashable,
        });
        let lien = Lien {
            amount: current.amount.checked_add(amount).ok_or_else(|| {
                VaultError::InvalidAmount(format!("lien of {holder:?} overflows"))
            })?,
            slashable: current.slashable.max(slashable),
        };
        let mut candidate = self.clone();
        candidate.liens.insert(holder.to_string(), lien);
        if !candidate.is_covered() {
            return Err(VaultError::LienExceedsCollateral {
                holder: holder.to_string(),
                amount,
                max_lien: candidate.max_lien(),
                slashable: candidate.slashable().to_string(),
                collateral: self.collateral,
            });
        }
        *self = candidate;
        Ok(())
    }

    /// Shrinks `holder`'s lien by `amount`, deleting it at zero. Releasing nothing is a no-op.
    pub fn release_lien(&mut self, holder: &str, amount: u128) -> Result<(), VaultError> {
        if amount == 0 {
            return Ok(());
        }
        let lien = self
            .liens
            .get_mut(holder)
            .ok_or_else(|| VaultError::NoLien(holder.to_string()))?;
        lien.amount =
            lien.amount
                .checked_sub(amount)
                .ok_or_else(|| VaultError::ReleaseExceedsLien {
                    holder: holder.to_string(),
                    wanted: amount,
                    lien: lien.amount,
                })?;
        if lien.amount == 0 {
            self.liens.remove(holder);
        }
        Ok(())
    }

    /// `holder` slashes `amount` of this collateral. The slash is capped at the holder's lien and
    /// at the collateral; both fall by the slashed amount. If the smaller collateral no longer
    /// backs the other liens, first every lien above it is cut down to it, then, if the slashable
    /// promises still exceed it, every lien is scaled down pro rata. The cuts are returned so the
    /// holders can drop the stake they can no longer back.
    pub fn slash(&mut self, holder: &str, amount: u128) -> SlashOutcome {
        let slashed = match self.liens.get_mut(holder) {
            Some(lien) => {
                let slashed = amount.min(lien.amount).min(self.collateral);
                lien.amount -= slashed;
                slashed
            }
            None => 0,
        };
        self.collateral -= slashed;
        let mut cuts = BTreeMap::new();
        self.cut_liens_above_collateral(&mut cuts);
        self.cut_slashable_pro_rata(&mut cuts);
        self.liens.retain(|_, lien| lien.amount > 0);
        SlashOutcome {
            slashed,
            cuts: cuts.into_iter().filter(|(_, cut)| *cut > 0).collect(),
        }
    }

    fn cut_liens_above_collateral(&mut self, cuts: &mut BTreeMap<String, u128>) {
        let collateral = self.collateral;
        for (holder, lien) in &mut self.liens {
            if lien.amount > collateral {
                record_cut(cuts, holder, lien.amount - collateral);
                lien.amount = collateral;
            }
        }
    }

    fn cut_slashable_pro_rata(&mut self, cuts: &mut BTreeMap<String, u128>) {
        let slashable = self.slashable();
        if !slashable.exceeds(self.collateral) {
            return;
        }
        let collateral = self.collateral;
        for (holder, lien) in &mut self.liens {
            let scaled = scale_down(lien.amount, collateral, slashable);
            record_cut(cuts, holder, lien.amount - scaled);
            lien.amount = scaled;
        }
        self.cut_largest_until_covered(cuts);
    }

    /// Exact flooring already covers the collateral; this only matters on the coarser path for
    /// amounts beyond u128 atomics. Each step either covers the whole excess or empties a lien,
    /// so it ends after at most one step per lien.
    fn cut_largest_until_covered(&mut self, cuts: &mut BTreeMap<String, u128>) {
        loop {
            let slashable = self.slashable();
            if !slashable.exceeds(self.collateral) {
                return;
            }
            let excess = slashable.saturating_sub_whole(self.collateral);
            // The largest lien that still counts toward the slashable sum; ties go to the first
            // holder so the choice is deterministic.
            let largest = self
                .liens
                .iter_mut()
                .filter(|(_, lien)| lien.amount > 0 && !lien.slashable.is_zero())
                .reduce(|best, next| {
                    if next.1.amount > best.1.amount {
                        next
                    } else {
                        best
                    }
                });
            let Some((holder, lien)) = largest else {
                return;
            };
            let units = excess
                .units_to_cover(lien.slashable)
                .unwrap_or(lien.amount)
                .min(lien.amount);
            record_cut(cuts, holder, units);
            lien.amount -= units;
        }
    }
}

/// `floor(amount * collateral / slashable)`, exact while the numbers fit u128 atomics (below
/// about 3.4e20 units); beyond, the slashable sum is rounded up first, which cuts a little more.
fn scale_down(amount: u128, collateral: u128, slashable: ExactAmount) -> u128 {
    let exact = collateral
        .checked_mul(one())
        .zip(slashable.atomics())
        .and_then(|(collateral, slashable)| mul_div_floor(amount, collateral, slashable).ok());
    match exact {
        Some(scaled) => scaled,
        // Dividing by zero or overflowing cannot happen for slashable > collateral; cutting the
        // whole lien is the safe answer if it ever did.
        None => mul_div_floor(amount, collateral, slashable.ceil()).unwrap_or(0),
    }
}

fn record_cut(cuts: &mut BTreeMap<String, u128>, holder: &str, cut: u128) {
    if cut > 0 {
        let total = cuts.entry(holder.to_string()).or_insert(0);
        *total = total.saturating_add(cut);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ratio(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn account(collateral: u128, liens: &[(&str, u128, &str)]) -> Collateral {
        Collateral {
            collateral,
            liens: liens
                .iter()
                .map(|(holder, amount, slashable)| {
                    (
                        holder.to_string(),
                        Lien {
                            amount: *amount,
                            slashable: ratio(slashable),
                        },
                    )
                })
                .collect(),
        }
    }

    fn lien(account: &Collateral, holder: &str) -> u128 {
        account.liens.get(holder).map_or(0, |lien| lien.amount)
    }

    /// collateral 200, local 190, cross liens ext/a 100 and ext/b 50, all slashable at 10%.
    fn cross_staked() -> Collateral {
        account(
            200,
            &[
                ("local", 190, "0.1"),
                ("ext/a", 100, "0.1"),
                ("ext/b", 50, "0.1"),
            ],
        )
    }

    #[test]
    fn free_collateral_is_what_neither_the_max_lien_nor_the_slashable_sum_ties_up() {
        let vault = cross_staked();
        assert_eq!(vault.max_lien(), 190);
        assert_eq!(vault.slashable(), ExactAmount::from_whole(34));
        assert_eq!(vault.free(), 10);
        assert!(vault.is_covered());
    }

    #[test]
    fn slashable_is_exact_and_free_rounds_down() {
        let vault = account(10, &[("a", 3, "0.5"), ("b", 3, "0.5"), ("c", 3, "0.5")]);
        assert_eq!(vault.slashable().to_string(), "4.500000000000000000");
        assert_eq!(vault.slashable().ceil(), 5);
        assert_eq!(vault.free(), 5, "10 - 4.5 rounds down");
        let tight = account(4, &[("a", 3, "0.5"), ("b", 3, "0.5"), ("c", 3, "0.5")]);
        assert!(
            !tight.is_covered(),
            "4.5 slashable is more than 4 collateral"
        );
    }

    #[test]
    fn an_external_slash_of_ten_percent_takes_only_from_its_lien_and_the_collateral() {
        let mut vault = cross_staked();
        let outcome = vault.slash("ext/a", 10);
        assert_eq!(
            outcome,
            SlashOutcome {
                slashed: 10,
                cuts: vec![]
            }
        );
        assert_eq!(vault.collateral, 190);
        assert_eq!(lien(&vault, "ext/a"), 90);
        assert_eq!(lien(&vault, "local"), 190);
        assert_eq!(lien(&vault, "ext/b"), 50);
        assert_eq!(vault.free(), 0);
        assert!(vault.is_covered());
    }

    #[test]
    fn a_local_slash_of_ten_percent_frees_the_difference_to_the_next_lien() {
        let mut vault = cross_staked();
        let outcome = vault.slash("local", 19);
        assert_eq!(outcome.slashed, 19);
        assert!(outcome.cuts.is_empty());
        assert_eq!(vault.collateral, 181);
        assert_eq!(lien(&vault, "local"), 171);
        assert_eq!(lien(&vault, "ext/a"), 100);
        assert_eq!(lien(&vault, "ext/b"), 50);
        assert_eq!(vault.free(), 10);
    }

    #[test]
    fn a_slash_that_leaves_a_lien_above_the_collateral_cuts_that_lien_down_to_it() {
        let mut vault = account(
            200,
            &[
                ("local", 190, "0.1"),
                ("ext/a", 150, "0.1"),
                ("ext/b", 50, "0.1"),
            ],
        );
        let outcome = vault.slash("ext/a", 15);
        assert_eq!(
            outcome,
            SlashOutcome {
                slashed: 15,
                cuts: vec![("local".to_string(), 5)]
            }
        );
        assert_eq!(vault.collateral, 185);
        assert_eq!(lien(&vault, "ext/a"), 135);
        assert_eq!(lien(&vault, "local"), 185);
        assert_eq!(lien(&vault, "ext/b"), 50);
        assert_eq!(vault.free(), 0);
        assert!(vault.is_covered());
    }

    #[test]
    fn a_slash_that_leaves_too_much_slashable_scales_every_lien_down_pro_rata() {
        let mut vault = account(
            200,
            &[
                ("local", 100, "0.5"),
                ("ext/a", 100, "1.0"),
                ("ext/b", 100, "0.5"),
            ],
        );
        assert_eq!(vault.slashable(), ExactAmount::from_whole(200));
        assert_eq!(vault.free(), 0);
        let outcome = vault.slash("ext/b", 10);
        // After the slash: collateral 190, slashable 50 + 100 + 45 = 195, so every lien is
        // scaled by 190/195 and floored.
        assert_eq!(outcome.slashed, 10);
        assert_eq!(
            outcome.cuts,
            vec![
                ("ext/a".to_string(), 3),
                ("ext/b".to_string(), 3),
                ("local".to_string(), 3)
            ]
        );
        assert_eq!(vault.collateral, 190);
        assert_eq!(lien(&vault, "local"), 97);
        assert_eq!(lien(&vault, "ext/a"), 97);
        assert_eq!(lien(&vault, "ext/b"), 87);
        assert_eq!(vault.slashable(), ExactAmount::from_whole(189));
        assert!(vault.is_covered());
    }

    #[test]
    fn a_slash_above_the_lien_is_capped_at_the_lien() {
        let mut vault = cross_staked();
        let outcome = vault.slash("ext/b", 80);
        assert_eq!(outcome.slashed, 50);
        assert_eq!(vault.collateral, 150);
        assert!(
            !vault.liens.contains_key("ext/b"),
            "an emptied lien is gone"
        );
        // local's 190 no longer fits the 150 left.
        assert_eq!(outcome.cuts, vec![("local".to_string(), 40)]);
        assert_eq!(lien(&vault, "local"), 150);
    }

    #[test]
    fn a_slash_by_a_holder_without_a_lien_slashes_nothing() {
        let mut vault = cross_staked();
        let outcome = vault.slash("ext/unknown", 10);
        assert_eq!(outcome, SlashOutcome::default());
        assert_eq!(vault, cross_staked());
    }

    #[test]
    fn a_lien_beyond_the_collateral_is_refused() {
        let mut vault = cross_staked();
        assert!(!vault.can_add_lien("ext/c", 201, ratio("0.1")));
        let err = vault.add_lien("local", 11, ratio("0.1")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot lien 11 to \"local\": the max lien would be 201 and the slashable collateral \
             35.100000000000000000, above the collateral of 200; bond more first"
        );
        assert_eq!(vault, cross_staked(), "a refused lien changes nothing");
    }

    #[test]
    fn lien_slashable_sums_beyond_the_collateral_are_refused() {
        let mut vault = account(100, &[("local", 100, "0.6")]);
        assert!(vault.can_add_lien("ext/a", 100, ratio("0.4")));
        assert!(!vault.can_add_lien("ext/a", 100, ratio("0.41")));
        vault.add_lien("ext/a", 100, ratio("0.4")).unwrap();
        assert_eq!(vault.free(), 0);
    }

    #[test]
    fn adding_to_a_lien_grows_it_and_keeps_the_larger_ratio() {
        let mut vault = account(1_000, &[("ext/a", 100, "0.2")]);
        vault.add_lien("ext/a", 50, ratio("0.1")).unwrap();
        assert_eq!(
            vault.liens["ext/a"],
            Lien {
                amount: 150,
                slashable: ratio("0.2")
            }
        );
        vault.add_lien("ext/a", 50, ratio("0.3")).unwrap();
        assert_eq!(vault.liens["ext/a"].slashable, ratio("0.3"));
    }

    #[test]
    fn ratios_above_one_empty_holders_and_zero_liens_are_refused() {
        let mut vault = account(1_000, &[]);
        assert_eq!(
            vault.add_lien("a", 1, ratio("1.01")),
            Err(VaultError::InvalidRatio("1.010000000000000000".into()))
        );
        assert!(matches!(
            vault.add_lien("", 1, ratio("0.1")),
            Err(VaultError::InvalidHolder(_))
        ));
        assert!(matches!(
            vault.add_lien("a", 0, ratio("0.1")),
            Err(VaultError::InvalidAmount(_))
        ));
    }

    #[test]
    fn releasing_more_than_the_lien_is_refused_and_releasing_all_of_it_deletes_it() {
        let mut vault = cross_staked();
        assert_eq!(
            vault.release_lien("ext/b", 51),
            Err(VaultError::ReleaseExceedsLien {
                holder: "ext/b".into(),
                wanted: 51,
                lien: 50
            })
        );
        assert_eq!(
            vault.release_lien("ext/c", 1),
            Err(VaultError::NoLien("ext/c".into()))
        );
        vault.release_lien("ext/b", 50).unwrap();
        assert!(!vault.liens.contains_key("ext/b"));
        vault.release_lien("local", 0).unwrap();
        assert_eq!(lien(&vault, "local"), 190);
    }

    #[test]
    fn exact_products_keep_every_place() {
        let product = ExactAmount::product(3, ratio("0.333333333333333333"));
        assert_eq!(product.to_string(), "0.999999999999999999");
        let big = ExactAmount::product(u128::MAX, Decimal::ONE);
        assert_eq!(big, ExactAmount::from_whole(u128::MAX));
        assert_eq!(big.atomics(), None);
        assert!(big.saturating_add(big).exceeds(u128::MAX - 1));
    }

    #[test]
    fn pro_rata_cuts_of_amounts_beyond_u128_atomics_still_cover_the_collateral() {
        let unit = 10u128.pow(28);
        let mut vault = account(
            200 * unit,
            &[
                ("local", 100 * unit, "0.5"),
                ("ext/a", 100 * unit, "1"),
                ("ext/b", 100 * unit, "0.5"),
            ],
        );
        let outcome = vault.slash("ext/b", 10 * unit);
        assert_eq!(outcome.slashed, 10 * unit);
        let scaled = |amount: u128| mul_div_floor(amount, 190, 195).unwrap();
        assert_eq!(lien(&vault, "local"), scaled(100 * unit));
        assert_eq!(lien(&vault, "ext/a"), scaled(100 * unit));
        assert_eq!(lien(&vault, "ext/b"), scaled(90 * unit));
        assert!(vault.is_covered());
    }

    #[test]
    fn the_last_resort_takes_units_from_the_largest_lien_first() {
        let mut vault = account(10, &[("a", 5, "1"), ("b", 10, "1")]);
        let mut cuts = BTreeMap::new();
        vault.cut_largest_until_covered(&mut cuts);
        assert_eq!(cuts, BTreeMap::from([("b".to_string(), 5)]));
        assert_eq!(lien(&vault, "a"), 5);
        assert_eq!(lien(&vault, "b"), 5);
        assert!(vault.is_covered());
    }

    /// A covered account built by adding random liens, skipping those it refuses.
    fn covered_account(max: u128) -> impl Strategy<Value = Collateral> {
        let one = one();
        (
            1..=max,
            // Whole and half ratios fill the slashable sum, so slashes often have to propagate.
            prop::collection::vec(
                (
                    0u8..6,
                    1..=max,
                    prop_oneof![Just(one), Just(one / 2), 0..=one],
                ),
                0..6,
            ),
        )
            .prop_map(|(collateral, liens)| {
                let mut account = Collateral {
                    collateral,
                    liens: BTreeMap::new(),
                };
                for (holder, amount, atomics) in liens {
                    let holder = format!("holder/{holder}");
                    let amount = amount.min(collateral);
                    let _ = account.add_lien(&holder, amount, Decimal::from_atomics(atomics));
                }
                account
            })
    }

    fn slash_keeps_the_invariant(
        before: Collateral,
        holder: u8,
        amount: u128,
    ) -> Result<(), TestCaseError> {
        prop_assert!(before.is_covered());
        let holder = format!("holder/{holder}");
        let mut after = before.clone();
        let outcome = after.slash(&holder, amount);
        prop_assert!(after.is_covered(), "{after:?} after {outcome:?}");
        prop_assert!(outcome.slashed <= amount);
        prop_assert_eq!(after.collateral, before.collateral - outcome.slashed);
        let cuts: BTreeMap<_, _> = outcome.cuts.iter().cloned().collect();
        prop_assert_eq!(cuts.len(), outcome.cuts.len(), "one cut per holder");
        prop_assert!(cuts.values().all(|cut| *cut > 0));
        for (name, lien) in &after.liens {
            prop_assert!(before.liens.contains_key(name), "no new lien");
            prop_assert!(lien.amount > 0, "no empty lien is kept");
        }
        for (name, old) in &before.liens {
            let new = after.liens.get(name).map_or(0, |lien| lien.amount);
            prop_assert!(new <= old.amount, "lien {} grew", name);
            let slashed_here = if *name == holder { outcome.slashed } else { 0 };
            let cut = cuts.get(name).copied().unwrap_or(0);
            prop_assert_eq!(old.amount - new, slashed_here + cut, "lien {} loss", name);
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn a_slash_keeps_the_collateral_covering_every_lien(
            before in covered_account(1_000_000),
            holder in 0u8..7,
            amount in 0u128..2_000_000,
        ) {
            slash_keeps_the_invariant(before, holder, amount)?;
        }

        #[test]
        fn a_slash_of_amounts_beyond_u128_atomics_keeps_the_invariant_too(
            before in covered_account(u128::MAX / 8),
            holder in 0u8..7,
            amount in any::<u128>(),
        ) {
            slash_keeps_the_invariant(before, holder, amount)?;
        }
    }
}
