//! When a source's data was current: the date a batch carries (`as_of`),
//! from what the data itself and its file say.
//!
//! A dataset's date is the newest date its own content or its file's
//! metadata supports, and no newer. Each source's rule is one [`Dating`];
//! [`dated_by`] says it in words for `/sources`, and `docs/SOURCES.md`
//! lists them.

use chrono::{DateTime, Utc};

use crate::domain::SourceId;

/// How a source's data is dated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dating {
    /// A live API whose answer is the source's data as of that moment
    /// (prices, speeds): fetched live, it is current when it arrives; a copy
    /// of an answer is dated by its content, like [`Dating::Content`].
    LiveApi,
    /// The content dates its own entries (runs, submissions, listings,
    /// problems): the newest of them, or a live file's `Last-Modified` when
    /// newer. A copy's file time is used only when the content has no date:
    /// copying a file gives it a new time, its data stays as old as it was.
    Content,
}

/// The rule of `source`.
pub fn dating(source: SourceId) -> Dating {
    match source {
        SourceId::OpenRouter | SourceId::ArtificialAnalysis => Dating::LiveApi,
        _ => Dating::Content,
    }
}

/// Whether a live answer of `source` that is unchanged (a 304) is current
/// at the time it was confirmed: only a live API's is; an unchanged file
/// keeps its date.
pub fn current_when_confirmed(source: SourceId) -> bool {
    dating(source) == Dating::LiveApi
}

/// What the data date of `source` is read from, in words.
pub fn dated_by(source: SourceId) -> &'static str {
    match source {
        SourceId::OpenRouter => "live: the fetch; a copy: its newest listing (`created`)",
        SourceId::LiteLlm => {
            "the `last_updated` a mirror adds, else the file's date (Last-Modified or modification time)"
        }
        SourceId::ModelsDev => "the newest `last_updated` of its models",
        SourceId::EvalPlus => {
            "the file's date (Last-Modified or modification time): the data has none"
        }
        SourceId::BigCodeBench => "the newest model `date` in either file",
        SourceId::SweBench => "the newest submission date",
        SourceId::LiveBench => {
            "the release in the file's name or the newest date in its model names; live, its Last-Modified when newer (the table is edited long after its release; a copy's file time says when it was copied, not when it was edited)"
        }
        SourceId::LiveCodeBench => "the newest problem's contest date",
        SourceId::Aider => "the newest run date",
        SourceId::ArtificialAnalysis => "live: the fetch; a copy: its newest model release",
        SourceId::DeepSwe => {
            "the export's `generated_at` (when its rows were last computed); live, its Last-Modified when newer"
        }
        SourceId::Epoch => {
            "the newest run date in its tables (SWE-bench runs, Terminal-Bench runs, aider evaluations; not model release dates); live, the ZIP's Last-Modified when newer"
        }
        SourceId::Vals => {
            "the newest `benchmark_updated` of its scores (when Vals last updated a benchmark); live, the file's Last-Modified when newer"
        }
        SourceId::SweBenchLive => {
            "the newest submission `date`; live, the file's Last-Modified when newer"
        }
        SourceId::Custom => "each score's own date",
    }
}

/// The date of one fetched batch of `source`: `content` is the newest date
/// its data carries, `file` the file's own date (HTTP `Last-Modified`, or a
/// directory file's modification time; the newest of the source's files).
pub fn data_as_of(
    source: SourceId,
    live: bool,
    content: Option<DateTime<Utc>>,
    file: Option<DateTime<Utc>>,
    fetched_at: DateTime<Utc>,
) -> DateTime<Utc> {
    let newest = |a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>| match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    let dated = match dating(source) {
        Dating::LiveApi if live => Some(fetched_at),
        Dating::LiveApi => content.or(file),
        Dating::Content if live => newest(content, file),
        Dating::Content => content.or(file),
    };
    // Nothing is dated after it was read: a clock ahead, or a date in the
    // future in the data, never makes data look fresher than the fetch.
    dated.map_or(fetched_at, |d| d.min(fetched_at))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> DateTime<Utc> {
        chrono::NaiveDate::from_ymd_opt(2026, 1, d)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc())
            .expect("a date")
    }

    #[test]
    fn a_copy_is_dated_by_its_content_not_by_when_it_was_copied() {
        let copied = day(20);
        for source in [
            SourceId::OpenRouter,
            SourceId::SweBench,
            SourceId::ArtificialAnalysis,
        ] {
            assert_eq!(
                data_as_of(source, false, Some(day(3)), Some(copied), day(25)),
                day(3),
                "{source}"
            );
        }
    }

    #[test]
    fn a_file_without_a_date_of_its_own_is_dated_by_its_metadata() {
        assert_eq!(
            data_as_of(SourceId::EvalPlus, false, None, Some(day(9)), day(25)),
            day(9)
        );
        assert_eq!(
            data_as_of(SourceId::EvalPlus, true, None, None, day(25)),
            day(25),
            "nothing says otherwise: the fetch"
        );
    }

    #[test]
    fn livebench_is_dated_by_its_live_file_when_newer_than_the_release_but_not_by_a_copy() {
        assert_eq!(
            data_as_of(
                SourceId::LiveBench,
                true,
                Some(day(8)),
                Some(day(19)),
                day(25)
            ),
            day(19)
        );
        assert_eq!(
            data_as_of(
                SourceId::LiveBench,
                false,
                Some(day(8)),
                Some(day(19)),
                day(25)
            ),
            day(8),
            "a copy's time is when it was copied"
        );
    }

    #[test]
    fn a_live_api_is_current_when_it_arrives_and_a_live_file_when_it_was_last_modified() {
        assert_eq!(
            data_as_of(SourceId::OpenRouter, true, Some(day(3)), None, day(25)),
            day(25)
        );
        assert_eq!(
            data_as_of(
                SourceId::SweBench,
                true,
                Some(day(3)),
                Some(day(12)),
                day(25)
            ),
            day(12)
        );
        assert!(current_when_confirmed(SourceId::ArtificialAnalysis));
        assert!(!current_when_confirmed(SourceId::LiveBench));
    }

    #[test]
    fn no_data_is_dated_after_it_was_read() {
        assert_eq!(
            data_as_of(SourceId::Aider, false, Some(day(30)), None, day(25)),
            day(25)
        );
    }
}
