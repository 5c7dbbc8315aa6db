//! What the index files under a key: a model and the date of the name it
//! was found by. Its own module because reading a record, filing it and
//! offering candidates all speak of it, and none of them owns the others.

use super::name::NameDate;

/// A date an index entry carries, and how much it says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct EntryDate {
    pub(super) date: NameDate,
    /// Strong: part of the model's own name (`-20241022`, `-0324`). Weak: a
    /// listing label (OpenRouter's canonical slug) or a month remark, which
    /// may differ from the snapshot by days.
    pub(super) strong: bool,
}

/// A model (its index in the resolution) and the date of the name it was
/// found by.
pub(super) type Entry = (usize, Option<EntryDate>);
