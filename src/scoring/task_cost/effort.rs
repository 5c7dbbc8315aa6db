//! A setting's effort, read from the words its variant is named with
//! (`high effort`, `thinking (32k budget)`, `adaptive thinking, max
//! effort`, `no thinking`: the convention of `identity::naming`).
//!
//! Two uses: the effort ladder lists a line's settings from the least
//! effort to the most, and the task-cost estimate borrows a setting's
//! token appetite from "settings of the same effort" ([`EffortClass`]).

use std::cmp::Ordering;

/// A reasoning-effort level, as vendors name them, least first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Minimal,
    Low,
    Medium,
    High,
    ExtraHigh,
    Max,
}

impl Level {
    fn of_word(word: &str) -> Option<Level> {
        match word {
            "minimal" => Some(Level::Minimal),
            "low" => Some(Level::Low),
            "medium" => Some(Level::Medium),
            "high" => Some(Level::High),
            "extra-high" | "xhigh" => Some(Level::ExtraHigh),
            "max" => Some(Level::Max),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Minimal => "minimal",
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::ExtraHigh => "extra-high",
            Level::Max => "max",
        }
    }
}

/// What a setting asks of its model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Effort {
    /// The stated effort level, if any.
    pub level: Option<Level>,
    /// Thinking (extended reasoning) switched on.
    pub thinking: bool,
    /// The thinking budget in tokens, where one is stated.
    pub budget: Option<u32>,
}

/// The groups whose appetites are compared: settings of one effort level
/// (whatever their thinking budget), thinking without a level, and plain
/// models (no variant, or thinking switched off).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EffortClass {
    Plain,
    Thinking,
    Level(Level),
}

impl EffortClass {
    pub fn as_str(self) -> &'static str {
        match self {
            EffortClass::Plain => "plain",
            EffortClass::Thinking => "thinking",
            EffortClass::Level(level) => level.as_str(),
        }
    }
}

impl Effort {
    /// The effort of a variant named `variant` (`None`: the plain model).
    pub fn of(variant: Option<&str>) -> Effort {
        let Some(text) = variant else {
            return Effort::default();
        };
        let text = text.to_lowercase();
        let mut effort = Effort::default();
        for part in text.split(',').map(str::trim) {
            if part == "no thinking" {
                continue;
            }
            if let Some(level) = part
                .strip_suffix(" effort")
                .and_then(|w| Level::of_word(w.trim()))
            {
                effort.level = Some(level);
            } else if part.contains("thinking") {
                effort.thinking = true;
                effort.budget = part
                    .split_once('(')
                    .and_then(|(_, rest)| rest.split_whitespace().next())
                    .and_then(budget_tokens);
            }
        }
        effort
    }

    /// The group this setting's appetite is compared within.
    pub fn class(self) -> EffortClass {
        match (self.level, self.thinking) {
            (Some(level), _) => EffortClass::Level(level),
            (None, true) => EffortClass::Thinking,
            (None, false) => EffortClass::Plain,
        }
    }

    /// Orders settings from the least effort to the most: the plain model
    /// first, then by level (thinking without a level counts as medium, the
    /// usual default), thinking after not thinking, smaller budgets first.
    pub fn ladder_cmp(&self, other: &Effort) -> Ordering {
        self.rank()
            .cmp(&other.rank())
            .then(self.thinking.cmp(&other.thinking))
            .then(self.budget.cmp(&other.budget))
    }

    /// 0 for the plain model, then the level's place, in halves so that
    /// thinking without a level sits with medium.
    fn rank(&self) -> u8 {
        match (self.level, self.thinking) {
            (Some(level), _) => 2 * (level as u8 + 1),
            (None, true) => 2 * (Level::Medium as u8 + 1),
            (None, false) => 0,
        }
    }
}

/// `32k` → 32 000, `3200` → 3 200, `1M` → 1 000 000.
fn budget_tokens(word: &str) -> Option<u32> {
    let word = word.trim().to_lowercase();
    let (digits, scale) = match word.chars().last()? {
        'k' => (&word[..word.len() - 1], 1_000.0),
        'm' => (&word[..word.len() - 1], 1_000_000.0),
        _ => (word.as_str(), 1.0),
    };
    let n: f64 = digits.parse().ok()?;
    (n.is_finite() && n > 0.0 && n * scale < f64::from(u32::MAX)).then_some((n * scale) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_read_as_efforts_in_the_naming_convention() {
        let high = Effort::of(Some("high effort"));
        assert_eq!(high.class(), EffortClass::Level(Level::High));
        assert!(!high.thinking);
        let budget = Effort::of(Some("thinking (32k budget)"));
        assert_eq!(budget.class(), EffortClass::Thinking);
        assert_eq!(budget.budget, Some(32_000));
        let both = Effort::of(Some("thinking (64k budget), high effort"));
        assert_eq!(both.class(), EffortClass::Level(Level::High));
        assert_eq!(both.budget, Some(64_000));
        assert_eq!(
            Effort::of(Some("adaptive thinking, max effort")).class(),
            EffortClass::Level(Level::Max)
        );
        assert_eq!(
            Effort::of(Some("extra-high effort")).class(),
            EffortClass::Level(Level::ExtraHigh)
        );
        assert_eq!(Effort::of(Some("no thinking")).class(), EffortClass::Plain);
        assert_eq!(Effort::of(None).class(), EffortClass::Plain);
        assert_eq!(
            Effort::of(Some("thinking (3200 budget)")).budget,
            Some(3_200)
        );
    }

    #[test]
    fn the_ladder_runs_from_plain_through_the_levels_to_max() {
        let names = [
            "max effort",
            "high effort",
            "thinking (64k budget)",
            "low effort",
            "extra-high effort",
            "minimal effort",
            "medium effort",
            "thinking (32k budget)",
        ];
        let mut efforts: Vec<(Effort, &str)> =
            names.iter().map(|n| (Effort::of(Some(n)), *n)).collect();
        efforts.push((Effort::of(None), "plain"));
        efforts.sort_by(|a, b| a.0.ladder_cmp(&b.0));
        let order: Vec<&str> = efforts.iter().map(|(_, n)| *n).collect();
        assert_eq!(
            order,
            [
                "plain",
                "minimal effort",
                "low effort",
                "medium effort",
                "thinking (32k budget)",
                "thinking (64k budget)",
                "high effort",
                "extra-high effort",
                "max effort",
            ]
        );
    }
}
