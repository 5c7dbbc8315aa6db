//! Caps on a custom benchmark file (`import-benchmark`), so a huge or
//! hostile file is refused with a message instead of filling the memory.

use super::bounds::bounded;
use super::{ConfigError, FileConfig};
use crate::sources::custom::ImportLimits;

/// The row and byte caps, from the environment, the file or the defaults.
pub(super) fn resolve(file: &FileConfig) -> Result<ImportLimits, ConfigError> {
    let defaults = ImportLimits::default();
    Ok(ImportLimits {
        max_rows: bounded(
            "LLMRANK_IMPORT_MAX_ROWS / import_max_rows",
            "LLMRANK_IMPORT_MAX_ROWS",
            file.import_max_rows,
            defaults.max_rows as u64,
            1..=10_000_000,
            "a whole number",
        )? as usize,
        max_bytes: bounded(
            "LLMRANK_IMPORT_MAX_BYTES / import_max_bytes",
            "LLMRANK_IMPORT_MAX_BYTES",
            file.import_max_bytes,
            defaults.max_bytes,
            1..=1 << 30,
            "a whole number",
        )?,
    })
}
