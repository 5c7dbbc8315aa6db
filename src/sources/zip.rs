//! Reading the members of a ZIP archive (Epoch AI publishes its benchmark
//! hub as `benchmark_data.zip`). Only what such an archive uses: stored
//! and deflated members, the central directory at the end, no ZIP64, no
//! encryption. Written here on `flate2` (already the gzip of every HTTP
//! answer) rather than taking a ZIP crate: the format's reading half is a
//! page, and the crates bring writers, other codecs and their trees along.
//!
//! Every size and offset comes from outside: each is checked against the
//! archive's length before it is used, and a member's inflated size is
//! capped, so a bad or hostile archive is an error, never a panic or a
//! memory blow-up.

use std::io::Read;

/// Why an archive could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZipError {
    #[error("not a ZIP archive (no end-of-directory record)")]
    NotZip,
    #[error("the ZIP archive is cut short or inconsistent: {0}")]
    Corrupt(&'static str),
    #[error(
        "ZIP member `{name}` uses compression method {method}; only stored and deflated members are read"
    )]
    Method { name: String, method: u16 },
    #[error("ZIP member `{name}` is larger than {limit} bytes once inflated")]
    TooLarge { name: String, limit: u64 },
    #[error(
        "ZIP member `{name}` does not inflate to what its directory says (CRC or size differs)"
    )]
    Checksum { name: String },
}

/// One member's name and place in the archive.
#[derive(Debug, Clone)]
struct Member {
    name: String,
    method: u16,
    crc: u32,
    compressed: u64,
    size: u64,
    local_header: u64,
}

/// A ZIP archive held in memory.
pub struct Archive<'a> {
    bytes: &'a [u8],
    members: Vec<Member>,
}

/// The inflated size a member may have (the hub's CSVs are tens of KB).
pub const MAX_MEMBER_BYTES: u64 = 64 * 1024 * 1024;

const END_OF_DIRECTORY: u32 = 0x0605_4b50;
const DIRECTORY_ENTRY: u32 = 0x0201_4b50;
const LOCAL_HEADER: u32 = 0x0403_4b50;

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    bytes
        .get(at..at + 2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    bytes
        .get(at..at + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

impl<'a> Archive<'a> {
    /// Reads the archive's directory.
    pub fn open(bytes: &'a [u8]) -> Result<Self, ZipError> {
        // The end record sits in the last 22 bytes plus a comment of at
        // most 64 KiB.
        let earliest = bytes.len().saturating_sub(22 + 65_535);
        let end = (earliest..=bytes.len().saturating_sub(22))
            .rev()
            .find(|at| u32_at(bytes, *at) == Some(END_OF_DIRECTORY))
            .ok_or(ZipError::NotZip)?;
        let count = u16_at(bytes, end + 10).ok_or(ZipError::NotZip)? as usize;
        let offset = u32_at(bytes, end + 16).ok_or(ZipError::NotZip)? as usize;
        let mut members = Vec::with_capacity(count);
        let mut at = offset;
        for _ in 0..count {
            if u32_at(bytes, at) != Some(DIRECTORY_ENTRY) {
                return Err(ZipError::Corrupt("a directory entry is missing"));
            }
            let field = |off: usize| u32_at(bytes, at + off).map(u64::from);
            let short = |off: usize| u16_at(bytes, at + off);
            let truncated = ZipError::Corrupt("a directory entry is cut short");
            let method = short(10).ok_or(truncated.clone())?;
            let crc = u32_at(bytes, at + 16).ok_or(truncated.clone())?;
            let compressed = field(20).ok_or(truncated.clone())?;
            let size = field(24).ok_or(truncated.clone())?;
            let name_len = short(28).ok_or(truncated.clone())? as usize;
            let extra_len = short(30).ok_or(truncated.clone())? as usize;
            let comment_len = short(32).ok_or(truncated.clone())? as usize;
            let local_header = field(42).ok_or(truncated.clone())?;
            let name = bytes
                .get(at + 46..at + 46 + name_len)
                .ok_or(truncated.clone())?;
            if compressed == u64::from(u32::MAX) || size == u64::from(u32::MAX) {
                return Err(ZipError::Corrupt("ZIP64 members are not read"));
            }
            members.push(Member {
                name: String::from_utf8_lossy(name).into_owned(),
                method,
                crc,
                compressed,
                size,
                local_header,
            });
            at += 46 + name_len + extra_len + comment_len;
        }
        Ok(Archive { bytes, members })
    }

    /// The members' names, in the archive's order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.members.iter().map(|m| m.name.as_str())
    }

    /// The member whose file name (its last path segment) is `file`,
    /// inflated; `None` when the archive has no such member. A ZIP made of
    /// a folder names its members `folder/file.csv`.
    pub fn read(&self, file: &str) -> Result<Option<Vec<u8>>, ZipError> {
        let Some(member) = self
            .members
            .iter()
            .find(|m| m.name.rsplit('/').next() == Some(file))
        else {
            return Ok(None);
        };
        if member.size > MAX_MEMBER_BYTES {
            return Err(ZipError::TooLarge {
                name: member.name.clone(),
                limit: MAX_MEMBER_BYTES,
            });
        }
        let at = usize::try_from(member.local_header)
            .map_err(|_| ZipError::Corrupt("a member lies past the archive's end"))?;
        if u32_at(self.bytes, at) != Some(LOCAL_HEADER) {
            return Err(ZipError::Corrupt("a member's local header is missing"));
        }
        let truncated = ZipError::Corrupt("a member is cut short");
        let name_len = u16_at(self.bytes, at + 26).ok_or(truncated.clone())? as usize;
        let extra_len = u16_at(self.bytes, at + 28).ok_or(truncated.clone())? as usize;
        let start = at + 30 + name_len + extra_len;
        let len = usize::try_from(member.compressed).map_err(|_| truncated.clone())?;
        let data = self
            .bytes
            .get(start..start.saturating_add(len))
            .ok_or(truncated)?;
        let mut out = Vec::with_capacity(member.size as usize);
        match member.method {
            0 => out.extend_from_slice(data),
            8 => {
                flate2::read::DeflateDecoder::new(data)
                    .take(MAX_MEMBER_BYTES + 1)
                    .read_to_end(&mut out)
                    .map_err(|_| ZipError::Checksum {
                        name: member.name.clone(),
                    })?;
            }
            method => {
                return Err(ZipError::Method {
                    name: member.name.clone(),
                    method,
                });
            }
        }
        let mut crc = flate2::Crc::new();
        crc.update(&out);
        if out.len() as u64 != member.size || crc.sum() != member.crc {
            return Err(ZipError::Checksum {
                name: member.name.clone(),
            });
        }
        Ok(Some(out))
    }
}

/// Writes a ZIP archive of `(name, bytes)` members, deflated: what tests
/// and a mirror's tooling use to make an archive like Epoch's.
pub fn write(members: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut out = Vec::new();
    let mut directory = Vec::new();
    for (name, data) in members {
        let mut encoder =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        // Writing into a Vec cannot fail.
        let _ = encoder.write_all(data);
        let compressed = encoder.finish().unwrap_or_default();
        let mut crc = flate2::Crc::new();
        crc.update(data);
        let offset = out.len() as u32;
        let fixed = |buf: &mut Vec<u8>, version_made: bool| {
            if version_made {
                buf.extend_from_slice(&20u16.to_le_bytes());
            }
            buf.extend_from_slice(&20u16.to_le_bytes()); // version needed
            buf.extend_from_slice(&0u16.to_le_bytes()); // flags
            buf.extend_from_slice(&8u16.to_le_bytes()); // deflate
            buf.extend_from_slice(&0u32.to_le_bytes()); // time, date
            buf.extend_from_slice(&crc.sum().to_le_bytes());
            buf.extend_from_slice(&(compressed.len() as u32).to_le_bytes());
            buf.extend_from_slice(&(data.len() as u32).to_le_bytes());
            buf.extend_from_slice(&(name.len() as u16).to_le_bytes());
            buf.extend_from_slice(&0u16.to_le_bytes()); // extra
        };
        out.extend_from_slice(&LOCAL_HEADER.to_le_bytes());
        fixed(&mut out, false);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&compressed);
        directory.extend_from_slice(&DIRECTORY_ENTRY.to_le_bytes());
        fixed(&mut directory, true);
        directory.extend_from_slice(&[0; 6]); // comment, disk, internal attributes
        directory.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        directory.extend_from_slice(&offset.to_le_bytes());
        directory.extend_from_slice(name.as_bytes());
    }
    let start = out.len() as u32;
    out.extend_from_slice(&directory);
    out.extend_from_slice(&END_OF_DIRECTORY.to_le_bytes());
    out.extend_from_slice(&[0; 4]); // disk numbers
    out.extend_from_slice(&(members.len() as u16).to_le_bytes());
    out.extend_from_slice(&(members.len() as u16).to_le_bytes());
    out.extend_from_slice(&(directory.len() as u32).to_le_bytes());
    out.extend_from_slice(&start.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_written_come_back_by_their_file_name() {
        let zip = write(&[("benchmark_data/a.csv", b"x,y\n1,2\n"), ("b.csv", b"hello")]);
        let archive = Archive::open(&zip).expect("opens");
        assert_eq!(
            archive.names().collect::<Vec<_>>(),
            ["benchmark_data/a.csv", "b.csv"]
        );
        assert_eq!(
            archive.read("a.csv").expect("reads").as_deref(),
            Some(&b"x,y\n1,2\n"[..])
        );
        assert_eq!(archive.read("missing.csv").expect("reads"), None);
    }

    #[test]
    fn a_damaged_or_foreign_file_is_an_error_not_a_panic() {
        assert_eq!(Archive::open(b"not a zip").err(), Some(ZipError::NotZip));
        assert_eq!(Archive::open(b"").err(), Some(ZipError::NotZip));
        let zip = write(&[("a.csv", b"0123456789".repeat(100).as_slice())]);
        // Cut short, and flipped inside the deflated data.
        for cut in [10, zip.len() / 2, zip.len() - 5] {
            let _ = Archive::open(&zip[..cut]).and_then(|a| a.read("a.csv"));
        }
        let mut flipped = zip.clone();
        flipped[40] ^= 0xff;
        let read = Archive::open(&flipped).and_then(|a| a.read("a.csv"));
        assert!(read.is_err(), "{read:?}");
    }
}
