//! The exact McNemar test: with two models run on the same tasks, only the
//! discordant tasks (solved by one and not the other) say which is better;
//! under "neither is better" each of them goes either way with probability
//! ½, so the count of one side is binomial(n, ½) and the two-sided p-value
//! is twice the smaller tail, at most 1. Computed in logarithms, so a
//! thousand discordant tasks do not underflow.

/// The exact two-sided McNemar p-value of `only_a` tasks solved by A alone
/// against `only_b` solved by B alone; 1 when there are none.
pub fn mcnemar(only_a: u32, only_b: u32) -> f64 {
    let n = only_a + only_b;
    if n == 0 {
        return 1.0;
    }
    let k = only_a.min(only_b);
    // The smaller side holds at least half the probability: p is 1.
    if 2 * k + 1 >= n {
        return 1.0;
    }
    let n_ln2 = f64::from(n) * std::f64::consts::LN_2;
    // ln C(n, i) by C(n, i+1) = C(n, i) · (n − i) / (i + 1).
    let mut ln_choose = 0.0;
    let mut terms = Vec::with_capacity(k as usize + 1);
    for i in 0..=k {
        terms.push(ln_choose - n_ln2);
        ln_choose += f64::from(n - i).ln() - f64::from(i + 1).ln();
    }
    let top = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let tail = top.exp() * terms.iter().map(|t| (t - top).exp()).sum::<f64>();
    (2.0 * tail).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1e-300)
    }

    #[test]
    fn small_cases_match_the_binomial_by_hand() {
        // n = 4, k = 0: 2 · 1/16.
        assert!(close(mcnemar(0, 4), 0.125));
        assert!(close(mcnemar(4, 0), 0.125));
        // n = 10, k = 2: 2 · (1 + 10 + 45) / 1024.
        assert!(close(mcnemar(2, 8), 112.0 / 1024.0));
        // An even split, or nothing discordant, is no evidence at all.
        assert_eq!(mcnemar(5, 5), 1.0);
        assert_eq!(mcnemar(0, 0), 1.0);
        assert_eq!(mcnemar(3, 4), 1.0);
    }

    #[test]
    fn large_counts_neither_underflow_nor_exceed_one() {
        let p = mcnemar(10, 990);
        assert!(p > 0.0 && p < 1e-250, "{p}");
        let q = mcnemar(480, 520);
        assert!(q > 0.2 && q < 0.25, "{q}");
    }
}
