//! The fixed curves that map raw figures (tokens, seconds, dollars) onto
//! 0–100. Fixed reference points keep a model's score independent of which
//! other models happen to be present.

/// Context length score: linear in log2(tokens) through 512→0, 4K→30,
/// 32K→60, 128K→80, 1M→100, capped at 100.
pub fn context_score(tokens: f64) -> f64 {
    const POINTS: [(f64, f64); 5] = [
        (512.0, 0.0),
        (4096.0, 30.0),
        (32768.0, 60.0),
        (131072.0, 80.0),
        (1048576.0, 100.0),
    ];
    if !tokens.is_finite() || tokens <= POINTS[0].0 {
        return 0.0;
    }
    let x = tokens.log2();
    for pair in POINTS.windows(2) {
        let ((t0, s0), (t1, s1)) = (pair[0], pair[1]);
        if tokens <= t1 {
            let (x0, x1) = (t0.log2(), t1.log2());
            return s0 + (s1 - s0) * (x - x0) / (x1 - x0);
        }
    }
    100.0
}

/// Maps `value` onto 0–100 on a log scale: `low` → 0, `high` → 100, clamped.
pub fn log_scale(value: f64, low: f64, high: f64) -> f64 {
    if !value.is_finite() || value <= 0.0 {
        return 0.0;
    }
    let t = (value.ln() - low.ln()) / (high.ln() - low.ln());
    (t * 100.0).clamp(0.0, 100.0)
}

/// Coding points per blended dollar, on a log scale (1 point per $ → 0,
/// 1,000 points per $ → 100). Free models score 100; without a coding score
/// (there are no points to buy) or a price the efficiency is unknown.
pub fn price_efficiency(
    coding: Option<f64>,
    price_blended: Option<f64>,
    is_free: bool,
) -> Option<f64> {
    let coding = coding?;
    if is_free {
        return Some(100.0);
    }
    let price = price_blended?;
    if price <= 0.0 {
        return Some(100.0);
    }
    Some(log_scale(coding / price, 1.0, 1000.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn context_curve_passes_through_its_fixed_points() {
        assert!(close(context_score(4096.0), 30.0));
        assert!(close(context_score(32768.0), 60.0));
        assert!(close(context_score(131072.0), 80.0));
        assert!(close(context_score(1048576.0), 100.0));
        assert!(close(context_score(2_000_000.0), 100.0));
        assert!(close(context_score(512.0), 0.0));
        assert!(close(context_score(100.0), 0.0));
    }

    #[test]
    fn context_curve_is_linear_in_log2_between_points() {
        // 8K and 16K sit a third and two thirds of the way from 4K to 32K.
        assert!(close(context_score(8192.0), 40.0));
        assert!(close(context_score(16384.0), 50.0));
    }

    #[test]
    fn free_models_with_a_coding_score_have_full_price_efficiency() {
        assert_eq!(price_efficiency(Some(10.0), None, true), Some(100.0));
        assert_eq!(price_efficiency(None, None, true), None, "no points to buy");
        assert_eq!(price_efficiency(Some(50.0), None, false), None);
        assert_eq!(price_efficiency(None, Some(1.0), false), None);
    }

    #[test]
    fn log_scale_clamps_at_both_ends() {
        assert!(close(log_scale(5.0, 10.0, 1000.0), 0.0));
        assert!(close(log_scale(100.0, 10.0, 1000.0), 50.0));
        assert!(close(log_scale(1e6, 10.0, 1000.0), 100.0));
    }
}
