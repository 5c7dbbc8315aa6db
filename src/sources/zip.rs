//! Reading the members of a ZIP archive (Epoch AI publishes its benchmark
//! hub as `benchmark_data.zip`), on the `zip` crate with only its deflate
//! codec (through `flate2`, already the gzip of every HTTP answer).
//!
//! An archive comes from outside: a member's inflated size is capped and
//! read through a limit, so a bad or hostile archive is an error, never a
//! panic or a memory blow-up; the crate checks each member's CRC as it is
//! read.

use std::io::{Cursor, Read};

/// Why an archive could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZipError {
    #[error("not a ZIP archive, or a damaged one: {0}")]
    NotZip(String),
    #[error("ZIP member `{name}` cannot be read: {detail}")]
    Member { name: String, detail: String },
    #[error("ZIP member `{name}` is larger than {limit} bytes once inflated")]
    TooLarge { name: String, limit: u64 },
}

/// The inflated size a member may have (the hub's CSVs are tens of KB).
pub const MAX_MEMBER_BYTES: u64 = 64 * 1024 * 1024;

/// A ZIP archive held in memory.
pub struct Archive<'a> {
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
}

impl<'a> Archive<'a> {
    /// Reads the archive's directory.
    pub fn open(bytes: &'a [u8]) -> Result<Self, ZipError> {
        zip::ZipArchive::new(Cursor::new(bytes))
            .map(|zip| Archive { zip })
            .map_err(|e| ZipError::NotZip(e.to_string()))
    }

    /// The members' names, in the archive's order.
    pub fn names(&self) -> Vec<String> {
        self.zip
            .file_names()
            .filter_map(|name| name.ok().map(|n| n.into_owned()))
            .collect()
    }

    /// The member whose file name (its last path segment) is `file`,
    /// inflated; `None` when the archive has no such member. A ZIP made of
    /// a folder names its members `folder/file.csv`.
    pub fn read(&mut self, file: &str) -> Result<Option<Vec<u8>>, ZipError> {
        let Some(name) = self
            .names()
            .into_iter()
            .find(|n| n.rsplit('/').next() == Some(file))
        else {
            return Ok(None);
        };
        let failed = |e: &dyn std::fmt::Display| ZipError::Member {
            name: name.clone(),
            detail: e.to_string(),
        };
        let member = self.zip.by_name(&name).map_err(|e| failed(&e))?;
        if member.size() > MAX_MEMBER_BYTES {
            return Err(ZipError::TooLarge {
                name,
                limit: MAX_MEMBER_BYTES,
            });
        }
        let mut bytes = Vec::with_capacity(member.size() as usize);
        // The directory's size may lie: never inflate past the cap.
        member
            .take(MAX_MEMBER_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| failed(&e))?;
        if bytes.len() as u64 > MAX_MEMBER_BYTES {
            return Err(ZipError::TooLarge {
                name,
                limit: MAX_MEMBER_BYTES,
            });
        }
        Ok(Some(bytes))
    }
}

/// Writes a ZIP archive of `(name, bytes)` members, deflated: what tests
/// and a mirror's tooling use to make an archive like Epoch's.
pub fn write(members: &[(&str, &[u8])]) -> Result<Vec<u8>, ZipError> {
    use std::io::Write;
    let failed = |e: &dyn std::fmt::Display| ZipError::NotZip(e.to_string());
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in members {
        writer.start_file(*name, options).map_err(|e| failed(&e))?;
        writer.write_all(data).map_err(|e| failed(&e))?;
    }
    Ok(writer.finish().map_err(|e| failed(&e))?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_written_come_back_by_their_file_name() {
        let zip =
            write(&[("benchmark_data/a.csv", b"x,y\n1,2\n"), ("b.csv", b"hello")]).expect("writes");
        let mut archive = Archive::open(&zip).expect("opens");
        assert_eq!(archive.names(), ["benchmark_data/a.csv", "b.csv"]);
        assert_eq!(
            archive.read("a.csv").expect("reads").as_deref(),
            Some(&b"x,y\n1,2\n"[..])
        );
        assert_eq!(archive.read("missing.csv").expect("reads"), None);
    }

    #[test]
    fn a_damaged_or_foreign_file_is_an_error_not_a_panic() {
        assert!(matches!(
            Archive::open(b"not a zip"),
            Err(ZipError::NotZip(_))
        ));
        assert!(matches!(Archive::open(b""), Err(ZipError::NotZip(_))));
        let zip = write(&[("a.csv", b"0123456789".repeat(100).as_slice())]).expect("writes");
        // Cut short, and flipped inside the deflated data.
        for cut in [10, zip.len() / 2, zip.len() - 5] {
            let _ = Archive::open(&zip[..cut]).and_then(|mut a| a.read("a.csv"));
        }
        let mut flipped = zip.clone();
        flipped[40] ^= 0xff;
        let read = Archive::open(&flipped).and_then(|mut a| a.read("a.csv"));
        assert!(read.is_err(), "{read:?}");
    }
}
