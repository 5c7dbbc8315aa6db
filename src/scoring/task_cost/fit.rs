//! What the runs reveal about token appetite, fitted on every record's
//! runs at once (a fit of a few hundred numbers, well under a millisecond):
//!
//! - **effort shifts**: how much more a setting of each effort spends than
//!   its line's plain model, from pairs of settings of one line run on one
//!   benchmark (gpt-5 low, medium and high on aider);
//! - **the population's appetite on the reference**: a regression of the
//!   reference runs' log appetite (less the effort shift) on whether the
//!   weights are open and on the log price, with its residual sd;
//! - **conversions**: how a benchmark's appetite relates to the reference's,
//!   from records run on both (the median log ratio and its sd), else from
//!   the population's regression;
//! - **variance components**: how far a record strays from its line
//!   (within-line spread) and a line from the population.
//!
//! Identical runs listed twice (bash-only and Verified) count once.

use std::collections::BTreeMap;

use super::effort::EffortClass;
use super::runs::{Run, Unit};

/// A record as the fit and the estimate see it.
#[derive(Debug, Clone)]
pub struct Subject {
    /// The model line (the record's own id when it has none).
    pub line: String,
    pub effort: EffortClass,
    pub open: bool,
    /// The blended list price today, USD per million tokens (paid only).
    pub price: Option<f64>,
    pub runs: Vec<Run>,
    /// The coding ability θ and its sd (from the composite), if scored.
    pub ability: Option<(f64, f64)>,
}

impl Subject {
    /// Log appetite of each run: what a task attempted cost over the
    /// blended price, in millions of blended tokens.
    pub fn appetites(&self) -> Vec<(&Run, f64)> {
        let Some(price) = self.price else {
            return Vec::new();
        };
        self.runs
            .iter()
            .map(|r| (r, (r.cost_per_task / price).ln()))
            .filter(|(_, a)| a.is_finite())
            .collect()
    }

    fn appetite_on(&self, unit: &Unit) -> Option<(&Run, f64)> {
        self.appetites().into_iter().find(|(r, _)| &r.unit == unit)
    }

    /// The population regression's covariates: 1, open weights, log price.
    fn covariates(&self, which: Covariates) -> Option<Vec<f64>> {
        let mut x = vec![1.0];
        if which.open {
            x.push(if self.open { 1.0 } else { 0.0 });
        }
        if which.price {
            x.push(self.price?.ln());
        }
        Some(x)
    }
}

/// Which covariates the population regression uses (fewer when the runs
/// are too few to tell them apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Covariates {
    pub open: bool,
    pub price: bool,
}

/// How a benchmark's log appetite converts to the reference's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Conversion {
    /// Added to a run's log appetite to read it on the reference.
    pub shift: f64,
    /// The conversion's error (sd, log scale).
    pub sd: f64,
    /// Records run on both (0: converted through the population).
    pub pairs: usize,
}

/// The fitted appetite model.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// Log appetite shift of each effort class over the plain model, and
    /// the pairs of runs it rests on.
    pub shifts: BTreeMap<EffortClass, (f64, usize)>,
    /// The sd of an effort shift's error for one pair.
    pub shift_sd: f64,
    pub covariates: Covariates,
    pub beta: Vec<f64>,
    /// The residual sd of the population regression (log scale).
    pub prior_sd: f64,
    pub conversions: BTreeMap<String, Conversion>,
    /// Variance of a record around its line, and of a line around the
    /// population (log scale; they add up to `prior_sd²`).
    pub record_var: f64,
    pub line_var: f64,
    /// Distinct reference runs the regression rests on.
    pub references: usize,
}

/// Fewest distinct reference runs to fit the population on; below it no
/// estimate is made (never from nothing).
pub const MIN_REFERENCES: usize = 3;
/// Floors: no fit on a few hundred runs is surer than this.
const MIN_PRIOR_SD: f64 = 0.4;
const MIN_SHIFT_SD: f64 = 0.3;
const MIN_RECORD_SD: f64 = 0.3;
const MIN_LINE_SD: f64 = 0.2;
const MIN_CONVERSION_SD: f64 = 0.5;
/// A conversion measured on fewer than five pairs, or read through the
/// population, is at best this sure.
const THIN_CONVERSION_SD: f64 = 1.0;
/// Pairs (records on both benchmarks) a conversion needs.
const MIN_PAIRS: usize = 3;

impl Fit {
    /// The log appetite shift of `class` and its variance.
    pub fn shift(&self, class: EffortClass) -> (f64, f64) {
        if class == EffortClass::Plain {
            return (0.0, 0.0);
        }
        let (shift, pairs) = self.shifts.get(&class).copied().unwrap_or((0.0, 0));
        (shift, self.shift_sd.powi(2) / (1.0 + pairs as f64))
    }

    /// The population's expected log appetite of `s` on the reference,
    /// before its effort shift; `None` without a price.
    pub fn population(&self, s: &Subject) -> Option<f64> {
        let x = s.covariates(self.covariates)?;
        Some(x.iter().zip(&self.beta).map(|(a, b)| a * b).sum())
    }

    /// What a record's own runs say of its log appetite on the reference:
    /// the reference run itself (variance 0), else its other runs converted
    /// (precision-weighted). `None` without usable runs.
    pub fn own(&self, s: &Subject) -> Option<(f64, f64, bool)> {
        if let Some((_, a)) = s.appetite_on(&Unit::Reference) {
            return Some((a, 0.0, true));
        }
        let (mut weight, mut sum) = (0.0, 0.0);
        for (run, a) in s.appetites() {
            let Unit::Benchmark(key) = &run.unit else {
                continue;
            };
            if let Some(c) = self.conversions.get(key) {
                let v = c.sd.powi(2);
                weight += 1.0 / v;
                sum += (a + c.shift) / v;
            }
        }
        (weight > 0.0).then(|| (sum / weight, 1.0 / weight, false))
    }
}

/// Fits the appetite model on `subjects`; `None` with fewer than
/// [`MIN_REFERENCES`] distinct priced reference runs.
pub fn fit(subjects: &[Subject]) -> Option<Fit> {
    let (shifts, shift_sd) = effort_shifts(subjects);
    let shift_of = |class: EffortClass| match class {
        EffortClass::Plain => 0.0,
        c => shifts.get(&c).map_or(0.0, |(s, _)| *s),
    };

    // The reference runs, each distinct run weighed once in all.
    let references: Vec<(&Subject, &Run, f64)> = subjects
        .iter()
        .filter_map(|s| s.appetite_on(&Unit::Reference).map(|(r, a)| (s, r, a)))
        .collect();
    let copies = |run: &Run| references.iter().filter(|(_, r, _)| r.same_as(run)).count();
    let distinct: f64 = references
        .iter()
        .map(|(_, r, _)| 1.0 / copies(r) as f64)
        .sum();
    if (distinct.round() as usize) < MIN_REFERENCES {
        return None;
    }
    let open = references.iter().filter(|(s, _, _)| s.open).count();
    let covariates = Covariates {
        open: distinct >= 8.0 && open >= 3 && references.len() - open >= 3,
        price: distinct >= 5.0,
    };
    let (mut xs, mut ys, mut ws) = (Vec::new(), Vec::new(), Vec::new());
    for (s, run, a) in &references {
        let Some(x) = s.covariates(covariates) else {
            continue;
        };
        xs.push(x);
        ys.push(a - shift_of(s.effort));
        ws.push(1.0 / copies(run) as f64);
    }
    let mut beta = least_squares(&xs, &ys, &ws, 0.0)?;
    // Cheaper models spend more tokens, but never so many more that a lower
    // price would raise a task's cost: the price's slope is at least −1.
    if covariates.price && beta.last().is_some_and(|slope| *slope < -1.0) {
        let k = beta.len() - 1;
        let rest: Vec<Vec<f64>> = xs.iter().map(|x| x[..k].to_vec()).collect();
        let shifted: Vec<f64> = ys.iter().zip(&xs).map(|(y, x)| y + x[k]).collect();
        beta = least_squares(&rest, &shifted, &ws, 0.0)?;
        beta.push(-1.0);
    }
    let residual = |x: &[f64], y: f64| y - x.iter().zip(&beta).map(|(a, b)| a * b).sum::<f64>();
    let total_w: f64 = ws.iter().sum();
    let squares: f64 = xs
        .iter()
        .zip(&ys)
        .zip(&ws)
        .map(|((x, y), w)| w * residual(x, *y).powi(2))
        .sum();
    let dof = (total_w - beta.len() as f64).max(1.0);
    let prior_sd = (squares / dof).sqrt().max(MIN_PRIOR_SD);

    let mut fit = Fit {
        shifts,
        shift_sd,
        covariates,
        beta,
        prior_sd,
        conversions: BTreeMap::new(),
        record_var: 0.0,
        line_var: 0.0,
        references: distinct.round() as usize,
    };
    fit.conversions = conversions(subjects, &fit);
    let record_var = within_line_variance(subjects, &fit)
        .unwrap_or(0.5f64.powi(2))
        .max(MIN_RECORD_SD.powi(2))
        .min(0.8 * prior_sd.powi(2));
    fit.record_var = record_var;
    fit.line_var = (prior_sd.powi(2) - record_var).max(MIN_LINE_SD.powi(2));
    Some(fit)
}

/// Effort shifts from pairs of settings of one line on one benchmark:
/// least squares on their log appetite differences, the plain model at 0
/// and every shift pulled toward 0 by one pseudo-pair (so a class seen once
/// moves half way). Returns the shifts with their pair counts, and the sd
/// of one pair's residual.
fn effort_shifts(subjects: &[Subject]) -> (BTreeMap<EffortClass, (f64, usize)>, f64) {
    let mut by_line: BTreeMap<&str, Vec<&Subject>> = BTreeMap::new();
    for s in subjects.iter().filter(|s| s.price.is_some()) {
        by_line.entry(s.line.as_str()).or_default().push(s);
    }
    let mut classes: Vec<EffortClass> = subjects
        .iter()
        .map(|s| s.effort)
        .filter(|c| *c != EffortClass::Plain)
        .collect();
    classes.sort();
    classes.dedup();
    let column = |c: EffortClass| classes.iter().position(|k| *k == c);
    let (mut rows, mut diffs) = (Vec::new(), Vec::new());
    for members in by_line.values() {
        for (i, a) in members.iter().enumerate() {
            for b in &members[i + 1..] {
                if a.effort == b.effort {
                    continue;
                }
                for (run_a, app_a) in a.appetites() {
                    let Some((run_b, app_b)) = b.appetite_on(&run_a.unit) else {
                        continue;
                    };
                    if run_a.same_as(run_b) {
                        continue;
                    }
                    let mut row = vec![0.0; classes.len()];
                    if let Some(k) = column(a.effort) {
                        row[k] += 1.0;
                    }
                    if let Some(k) = column(b.effort) {
                        row[k] -= 1.0;
                    }
                    rows.push(row);
                    diffs.push(app_a - app_b);
                }
            }
        }
    }
    let mut shifts = BTreeMap::new();
    if rows.is_empty() {
        return (shifts, 0.5);
    }
    let weights = vec![1.0; rows.len()];
    let Some(solution) = least_squares(&rows, &diffs, &weights, 1.0) else {
        return (shifts, 0.5);
    };
    let residuals: Vec<f64> = rows
        .iter()
        .zip(&diffs)
        .map(|(r, d)| d - r.iter().zip(&solution).map(|(a, b)| a * b).sum::<f64>())
        .collect();
    let sd = if residuals.len() > 2 {
        (residuals.iter().map(|r| r * r).sum::<f64>() / residuals.len() as f64).sqrt()
    } else {
        0.5
    };
    for (k, class) in classes.iter().enumerate() {
        let pairs = rows.iter().filter(|r| r[k] != 0.0).count();
        shifts.insert(*class, (solution[k], pairs));
    }
    (shifts, sd.max(MIN_SHIFT_SD))
}

/// Each non-reference benchmark's conversion to the reference.
fn conversions(subjects: &[Subject], fit: &Fit) -> BTreeMap<String, Conversion> {
    let mut keys: Vec<&str> = subjects
        .iter()
        .flat_map(|s| s.runs.iter())
        .filter_map(|r| match &r.unit {
            Unit::Benchmark(k) => Some(k.as_str()),
            Unit::Reference => None,
        })
        .collect();
    keys.sort();
    keys.dedup();
    let mut out = BTreeMap::new();
    for key in keys {
        let unit = Unit::Benchmark(key.to_string());
        let paired: Vec<f64> = subjects
            .iter()
            .filter_map(|s| {
                let (_, reference) = s.appetite_on(&Unit::Reference)?;
                let (_, other) = s.appetite_on(&unit)?;
                Some(reference - other)
            })
            .collect();
        let conversion = if paired.len() >= MIN_PAIRS {
            let sd = sample_sd(&paired);
            let sd = if paired.len() >= 5 {
                sd
            } else {
                sd.max(THIN_CONVERSION_SD)
            };
            Conversion {
                shift: median(&paired),
                sd: sd.max(MIN_CONVERSION_SD),
                pairs: paired.len(),
            }
        } else {
            // No records on both: read the benchmark against what the
            // population would spend on the reference.
            let through: Vec<f64> = subjects
                .iter()
                .filter_map(|s| {
                    let (_, other) = s.appetite_on(&unit)?;
                    Some(fit.population(s)? + fit.shift(s.effort).0 - other)
                })
                .collect();
            if through.len() < MIN_PAIRS {
                continue;
            }
            Conversion {
                shift: median(&through),
                sd: sample_sd(&through).max(THIN_CONVERSION_SD),
                pairs: 0,
            }
        };
        out.insert(key.to_string(), conversion);
    }
    out
}

/// The pooled variance of records' appetites (less the population and
/// the effort shift) around their line's mean, over lines with two or more
/// distinct runs; `None` with fewer than four such records.
fn within_line_variance(subjects: &[Subject], fit: &Fit) -> Option<f64> {
    let mut by_line: BTreeMap<&str, Vec<(f64, &Subject)>> = BTreeMap::new();
    for s in subjects {
        let (Some((own, _, _)), Some(population)) = (fit.own(s), fit.population(s)) else {
            continue;
        };
        let members = by_line.entry(s.line.as_str()).or_default();
        // The same runs on two records of a line are one observation.
        if members.iter().any(|(_, m)| {
            m.runs.len() == s.runs.len()
                && m.runs
                    .iter()
                    .all(|r| s.runs.iter().any(|other| other.same_as(r)))
        }) {
            continue;
        }
        members.push((own - population - fit.shift(s.effort).0, s));
    }
    let mut squares = Vec::new();
    for members in by_line.values().filter(|m| m.len() >= 2) {
        let n = members.len() as f64;
        let mean = members.iter().map(|(z, _)| z).sum::<f64>() / n;
        squares.extend(
            members
                .iter()
                .map(|(z, _)| (z - mean).powi(2) * n / (n - 1.0)),
        );
    }
    (squares.len() >= 4).then(|| squares.iter().sum::<f64>() / squares.len() as f64)
}

pub(super) fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

fn sample_sd(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    if n < 2.0 {
        return 0.0;
    }
    let mean = values.iter().sum::<f64>() / n;
    (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
}

/// Weighted least squares, every coefficient pulled toward 0 by `ridge`:
/// the normal equations solved by Gaussian elimination (a handful of
/// unknowns). `None` when they are singular.
pub(super) fn least_squares(
    xs: &[Vec<f64>],
    ys: &[f64],
    ws: &[f64],
    ridge: f64,
) -> Option<Vec<f64>> {
    let k = xs.first()?.len();
    let mut a = vec![vec![0.0; k + 1]; k];
    for ((x, y), w) in xs.iter().zip(ys).zip(ws) {
        for i in 0..k {
            for j in 0..k {
                a[i][j] += w * x[i] * x[j];
            }
            a[i][k] += w * x[i] * y;
        }
    }
    for (i, row) in a.iter_mut().enumerate() {
        row[i] += ridge;
    }
    for col in 0..k {
        let pivot = (col..k).max_by(|p, q| a[*p][col].abs().total_cmp(&a[*q][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        let pivot_row = a[col].clone();
        for (r, row) in a.iter_mut().enumerate() {
            if r != col {
                let factor = row[col] / pivot_row[col];
                for (x, p) in row.iter_mut().zip(&pivot_row).skip(col) {
                    *x -= factor * p;
                }
            }
        }
    }
    Some((0..k).map(|i| a[i][k] / a[i][i]).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn least_squares_recovers_a_line() {
        let xs: Vec<Vec<f64>> = (0..5).map(|i| vec![1.0, f64::from(i)]).collect();
        let ys: Vec<f64> = (0..5).map(|i| 2.0 + 3.0 * f64::from(i)).collect();
        let b = least_squares(&xs, &ys, &[1.0; 5], 0.0).expect("solvable");
        assert!((b[0] - 2.0).abs() < 1e-9 && (b[1] - 3.0).abs() < 1e-9);
        assert_eq!(least_squares(&[vec![0.0]], &[1.0], &[1.0], 0.0), None);
    }

    #[test]
    fn the_median_of_an_even_count_is_the_middle_pair_mean() {
        assert_eq!(median(&[3.0, 1.0, 2.0, 10.0]), 2.5);
        assert_eq!(median(&[5.0]), 5.0);
    }
}
