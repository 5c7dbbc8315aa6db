//! Progress of a refresh: one spinner per source on a terminal; elsewhere
//! the log lines of each fetch say the same, so nothing extra is drawn.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::domain::SourceId;
use crate::sources::{FetchObserver, FetchPlan, SourceOutcome};

/// Spinners per source, or nothing when stderr is not a terminal.
pub struct Progress {
    bars: Mutex<HashMap<SourceId, ProgressBar>>,
    multi: Option<MultiProgress>,
}

impl Progress {
    pub fn new(plan: &FetchPlan) -> Self {
        if !std::io::stderr().is_terminal() {
            return Progress {
                bars: Mutex::new(HashMap::new()),
                multi: None,
            };
        }
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template("{spinner} {prefix:<20} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        let mut bars = HashMap::new();
        for id in SourceId::ALL.into_iter().filter(|id| plan.selects(*id)) {
            let bar = multi.add(ProgressBar::new_spinner());
            bar.set_style(style.clone());
            bar.set_prefix(id.as_str());
            bar.set_message("waiting");
            bars.insert(id, bar);
        }
        Progress {
            bars: Mutex::new(bars),
            multi: Some(multi),
        }
    }

    /// Clears the spinners before the summary is printed.
    pub fn finish(&self) {
        if let Some(multi) = &self.multi {
            let _ = multi.clear();
        }
    }

    fn with_bar(&self, source: SourceId, f: impl FnOnce(&ProgressBar)) {
        if let Ok(bars) = self.bars.lock()
            && let Some(bar) = bars.get(&source)
        {
            f(bar);
        }
    }
}

impl FetchObserver for Progress {
    fn started(&self, source: SourceId) {
        self.with_bar(source, |bar| {
            bar.set_message("fetching");
            bar.enable_steady_tick(Duration::from_millis(100));
        });
    }

    fn finished(&self, source: SourceId, outcome: &SourceOutcome) {
        let message = match outcome {
            SourceOutcome::Ok(fresh) => format!("ok, {} rows", fresh.batch.rows_read),
            SourceOutcome::Unchanged { .. } => "ok, unchanged".to_string(),
            SourceOutcome::Failed { error, .. } => format!("failed: {error}"),
            SourceOutcome::Skipped { reason, .. } => format!("skipped: {reason}"),
        };
        let message = crate::text::one_line(&message);
        self.with_bar(source, |bar| bar.finish_with_message(message));
    }
}
