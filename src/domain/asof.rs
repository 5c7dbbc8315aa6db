//! The one date a figure is shown with, the same on the model page, in the
//! API and in the terminal: the source's own date for the figure, else its
//! whole batch's; and never a date before the model it measures was
//! released. A figure from a dataset dated before the model (LiveBench's
//! tables are named by their release and edited for months after) takes
//! the model's release date instead, marked as estimated: the figure
//! cannot be older than its model, and is at least that new.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Where a figure's shown date comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateBasis {
    /// The source dates this figure itself.
    Own,
    /// The source's whole batch is dated: the figure is as current as it.
    Batch,
    /// The source's date precedes the model's release: the release date,
    /// the earliest the figure can be from.
    Estimated,
}

impl DateBasis {
    /// A mark beside a shown date: `*` for a batch's date, `~` for an
    /// estimate, nothing for the figure's own.
    pub fn mark(self) -> &'static str {
        match self {
            DateBasis::Own => "",
            DateBasis::Batch => "*",
            DateBasis::Estimated => "~",
        }
    }

    /// In words, for tooltips and legends.
    pub fn describe(self) -> &'static str {
        match self {
            DateBasis::Own => "the source's date for this figure",
            DateBasis::Batch => "the date of the source's data as a whole",
            DateBasis::Estimated => {
                "estimated: the source's date is before the model's release, so the release date"
            }
        }
    }
}

/// A figure's shown date and where it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FigureDate {
    pub at: Option<DateTime<Utc>>,
    pub basis: DateBasis,
}

impl FigureDate {
    /// The date of a figure the source dates `own`, in a batch dated
    /// `batch`, about a model released on `release`.
    pub fn of(
        own: Option<DateTime<Utc>>,
        batch: Option<DateTime<Utc>>,
        release: Option<NaiveDate>,
    ) -> Self {
        let (at, basis) = match own {
            Some(own) => (Some(own), DateBasis::Own),
            None => (batch, DateBasis::Batch),
        };
        let released = release
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc());
        match (at, released) {
            (Some(at), Some(released)) if at < released => FigureDate {
                at: Some(released),
                basis: DateBasis::Estimated,
            },
            _ => FigureDate { at, basis },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc())
            .expect("a date")
    }

    #[test]
    fn a_figure_is_never_dated_before_its_model() {
        let released = NaiveDate::from_ymd_opt(2026, 6, 16);
        let date = FigureDate::of(Some(day(2026, 1, 8)), Some(day(2026, 7, 1)), released);
        assert_eq!(date.at, Some(day(2026, 6, 16)));
        assert_eq!(date.basis, DateBasis::Estimated);
        let date = FigureDate::of(None, Some(day(2026, 1, 8)), released);
        assert_eq!(
            (date.at, date.basis),
            (Some(day(2026, 6, 16)), DateBasis::Estimated)
        );
    }

    #[test]
    fn the_figures_own_date_comes_first_then_its_batchs() {
        let date = FigureDate::of(Some(day(2026, 3, 1)), Some(day(2026, 7, 1)), None);
        assert_eq!(
            (date.at, date.basis),
            (Some(day(2026, 3, 1)), DateBasis::Own)
        );
        let date = FigureDate::of(
            None,
            Some(day(2026, 7, 1)),
            NaiveDate::from_ymd_opt(2026, 1, 1),
        );
        assert_eq!(
            (date.at, date.basis),
            (Some(day(2026, 7, 1)), DateBasis::Batch)
        );
        assert_eq!(FigureDate::of(None, None, None).at, None);
    }
}
