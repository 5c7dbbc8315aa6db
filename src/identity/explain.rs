//! What `llmrank resolve --explain` shows: the stage that decided and what
//! each stage saw.

/// How a record was (or was not) matched, for `resolve --explain`.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub stage: &'static str,
    /// The model chosen, if any.
    pub model: Option<String>,
    /// What each stage saw.
    pub notes: Vec<String>,
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
