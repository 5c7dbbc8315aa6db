//! Are the intervals honest? Two checks on data the composite was not
//! given, reported by `llmrank validate`:
//!
//! - **coverage**: leave a source family out, compute each model's
//!   composite and its 90 % interval without it, put what the family itself
//!   says of the model on the composite's scale with the fitted item model
//!   (its benchmarks' implied abilities averaged by information, not shrunk)
//!   and count how often that falls inside the interval. The family's own
//!   reading carries its own error, so a 90 % interval for the ability
//!   covers it somewhat less often than 90 %.
//! - **separated pairs**: with the family left out, rank every model on
//!   those composites (rank intervals as the ranking has them, see
//!   [`super::ranks`]); of two models that both have the family, a pair
//!   whose rank intervals do not overlap is called separated, and it
//!   agrees when the family alone orders the two the same way.

use serde::Serialize;

use super::composite::{CompositeSettings, Z90, composite, evidence, family_of};
use super::ranks::{Point, place};
use crate::domain::CustomBenchmark;

/// One family's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FamilyIntervals {
    pub family: String,
    /// Models with the family and a composite without it.
    pub cases: usize,
    pub coverage: f64,
    pub pairs_called_separated: usize,
    pub separated_pairs_agreeing: f64,
}

/// The whole check (the `intervals` object of `validate --format json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntervalCheck {
    /// Share of (model, left-out family) cases whose family reading lies
    /// inside the composite's 90 % interval computed without the family.
    pub coverage: f64,
    pub cases: usize,
    /// Pairs whose rank intervals (family left out) do not overlap.
    pub pairs_called_separated: usize,
    /// The share of them the left-out family orders the same way.
    pub separated_pairs_agreeing: f64,
    pub families: Vec<FamilyIntervals>,
}

/// What the family says of a model (its unshrunk ability on the composite
/// scale), and the composite without the family.
struct Case {
    reading: f64,
    ability: f64,
    sd: f64,
}

/// Checks the intervals on `models` (each model's known scores, built-in
/// keys and custom names).
pub fn check(
    models: &[Vec<(&str, f64)>],
    custom: &[CustomBenchmark],
    settings: &CompositeSettings,
) -> IntervalCheck {
    let mut families: Vec<String> = models.iter().flatten().map(|(k, _)| family_of(k)).collect();
    families.sort();
    families.dedup();
    let mut out = Vec::new();
    for family in &families {
        let in_family = |k: &str| family_of(k) == *family;
        // Every model's composite without the family (the ranking it would
        // have), and the cases: models that also have the family.
        let mut points: Vec<Point> = Vec::new();
        let mut cases: Vec<(usize, Case)> = Vec::new();
        for scores in models {
            let Some(without) = composite(scores, custom, settings, &in_family) else {
                continue;
            };
            let own = evidence(scores, custom, settings, &|k| !in_family(k));
            let information: f64 = own.iter().map(|e| e.information).sum();
            if information > 0.0 {
                let reading =
                    own.iter().map(|e| e.information * e.ability).sum::<f64>() / information;
                cases.push((
                    points.len(),
                    Case {
                        reading,
                        ability: without.ability,
                        sd: without.ability_sd,
                    },
                ));
            }
            points.push(Point {
                score: without.score,
                low: without.ci_low,
                high: without.ci_high,
            });
        }
        if cases.is_empty() {
            continue;
        }
        let inside = cases
            .iter()
            .filter(|(_, c)| (c.reading - c.ability).abs() <= Z90 * c.sd)
            .count();
        let mut order: Vec<usize> = (0..points.len()).collect();
        order.sort_by(|a, b| points[*b].score.total_cmp(&points[*a].score).then(a.cmp(b)));
        let placed = place(&points, &order);
        let (mut separated, mut agreeing) = (0usize, 0usize);
        for (x, cx) in &cases {
            for (y, cy) in &cases {
                if placed[*x].high < placed[*y].low {
                    separated += 1;
                    if cx.reading > cy.reading {
                        agreeing += 1;
                    }
                }
            }
        }
        out.push(FamilyIntervals {
            family: family.clone(),
            cases: cases.len(),
            coverage: inside as f64 / cases.len() as f64,
            pairs_called_separated: separated,
            separated_pairs_agreeing: share(agreeing, separated),
        });
    }
    let cases: usize = out.iter().map(|f| f.cases).sum();
    let inside: f64 = out.iter().map(|f| f.coverage * f.cases as f64).sum();
    let separated: usize = out.iter().map(|f| f.pairs_called_separated).sum();
    let agreeing: f64 = out
        .iter()
        .map(|f| f.separated_pairs_agreeing * f.pairs_called_separated as f64)
        .sum();
    IntervalCheck {
        coverage: if cases == 0 {
            0.0
        } else {
            inside / cases as f64
        },
        cases,
        pairs_called_separated: separated,
        separated_pairs_agreeing: if separated == 0 {
            0.0
        } else {
            agreeing / separated as f64
        },
        families: out,
    }
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

impl IntervalCheck {
    /// The check as a table (what `llmrank validate` prints after the taus).
    pub fn table(&self) -> String {
        let mut text = format!(
            "{:<26} {:>7} {:>9} {:>10} {:>9}\n",
            "intervals (family out)", "models", "coverage", "separated", "agreeing"
        );
        let line = |name: &str, cases: usize, coverage: f64, pairs: usize, agreeing: f64| {
            format!("{name:<26} {cases:>7} {coverage:>9.3} {pairs:>10} {agreeing:>9.3}\n")
        };
        for f in &self.families {
            text.push_str(&line(
                &f.family,
                f.cases,
                f.coverage,
                f.pairs_called_separated,
                f.separated_pairs_agreeing,
            ));
        }
        text.push_str(&line(
            "all",
            self.cases,
            self.coverage,
            self.pairs_called_separated,
            self.separated_pairs_agreeing,
        ));
        text.push_str(
            "coverage: the family's own reading inside the composite's 90 % interval\n\
             computed without it; separated: pairs whose rank intervals (family left out)\n\
             do not overlap; agreeing: the share of them the family orders alike.\n",
        );
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_that_agree_across_families_are_covered_and_ordered_alike() {
        // Ten models whose three families say the same: every reading is
        // inside, every separated pair agrees.
        let keys = ["humaneval", "livecodebench", "aider_polyglot"];
        let scores: Vec<Vec<(&str, f64)>> = (0..10)
            .map(|i| {
                let ability = -1.5 + i as f64 / 3.0;
                keys.iter()
                    .map(|k| {
                        let spec = crate::scoring::composite::spec_of(k).expect("built in");
                        let logit = spec.slope * ability + spec.offset;
                        (*k, 100.0 / (1.0 + (-logit).exp()))
                    })
                    .collect()
            })
            .collect();
        let check = check(&scores, &[], &CompositeSettings::default());
        assert_eq!(check.families.len(), 3);
        assert!(check.pairs_called_separated > 0, "{check:?}");
        assert_eq!(check.separated_pairs_agreeing, 1.0, "{check:?}");
        assert!(check.coverage > 0.5, "{check:?}");
    }
}
