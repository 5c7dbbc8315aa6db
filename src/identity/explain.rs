//! What `llmrank resolve --explain` shows: the stage that decided and what
//! each stage saw.

/// How a record was (or was not) matched, for `resolve --explain`.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub stage: &'static str,
    /// The model chosen, if any.
    pub model: Option<String>,
    /// The models it might be, when the evidence did not settle between
    /// them: the name stays unmatched, listed with these.
    pub candidates: Vec<String>,
    /// What each stage saw.
    pub notes: Vec<String>,
}

impl Decision {
    pub(super) fn matched(stage: &'static str, model: String, notes: Notes) -> Self {
        Decision {
            stage,
            model: Some(model),
            candidates: Vec::new(),
            notes: notes.lines,
        }
    }

    /// No model fits: a source that creates models makes a new one.
    pub(super) fn none(notes: Notes) -> Self {
        Decision {
            stage: "no match",
            model: None,
            candidates: Vec::new(),
            notes: notes.lines,
        }
    }

    /// Several models might fit, or one on thin evidence: the name stays
    /// unmatched with them.
    pub(super) fn undecided(stage: &'static str, candidates: Vec<String>, notes: Notes) -> Self {
        Decision {
            stage,
            model: None,
            candidates,
            notes: notes.lines,
        }
    }
}

/// What each stage saw, kept only for a record being explained (writing
/// them for every record would cost more than resolving).
pub(super) struct Notes {
    pub(super) on: bool,
    pub(super) lines: Vec<String>,
}

impl Notes {
    pub(super) fn new(on: bool) -> Self {
        Notes {
            on,
            lines: Vec::new(),
        }
    }

    pub(super) fn add(&mut self, line: impl FnOnce() -> String) {
        if self.on {
            self.lines.push(line());
        }
    }
}
