//! A read-only reader of git's index file (`.git/index`, versions 2 to 4),
//! keeping only the entries a caller asks for, with their stat data.
//!
//! `changes.rs` compares these entries with the work tree itself: libgit2
//! has no way to read only the entries under some folders, and checks the
//! SHA-1 of the whole file on every read (git itself does not). Anything
//! this reader does not understand — a mandatory extension such as a split
//! or sparse index, a conflict, an intent-to-add entry, a malformed file —
//! is [`Unsupported`], and the caller falls back to libgit2.
//!
//! Format: git's Documentation/gitformat-index.txt.

use std::path::Path;

/// Why the fast reader declined; the caller falls back to libgit2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported(pub String);

/// The stat data git records for an entry (each field as git stores it:
/// the low 32 bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StatData {
    /// Inode change time, seconds and nanoseconds.
    pub ctime: (u32, u32),
    /// Modification time, seconds and nanoseconds.
    pub mtime: (u32, u32),
    /// Inode number.
    pub ino: u32,
    /// Owner.
    pub uid: u32,
    /// Group.
    pub gid: u32,
    /// File size in bytes.
    pub size: u32,
}

/// One stage-0 entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Stat data at the time git last looked at the file.
    pub stat: StatData,
    /// Git file mode: 0o100644, 0o100755, 0o120000 (symlink) or 0o160000
    /// (submodule).
    pub mode: u32,
    /// The blob id (SHA-1).
    pub oid: [u8; 20],
    /// skip-worktree (sparse checkout): the file is meant to be absent.
    pub skip_worktree: bool,
    path: (usize, usize),
}

/// The kept entries of an index, in index order (sorted by path bytes).
#[derive(Debug, Default)]
pub struct IndexFile {
    entries: Vec<Entry>,
    paths: Vec<u8>,
}

const SHA1_LEN: usize = 20;
/// ctime, mtime (2 × 2), dev, ino, mode, uid, gid, size: ten 32-bit fields.
const STAT_LEN: usize = 40;
const FLAG_EXTENDED: u16 = 0x4000;
const FLAG_STAGE: u16 = 0x3000;
const FLAG_NAME_LEN: u16 = 0x0fff;
const EXT_SKIP_WORKTREE: u16 = 0x4000;
const EXT_INTENT_TO_ADD: u16 = 0x2000;

impl IndexFile {
    /// Reads the index at `path`, keeping the entries whose path `keep`
    /// accepts. A missing file is an empty index (a repository before its
    /// first `git add`).
    pub fn read(path: &Path, keep: impl Fn(&[u8]) -> bool) -> Result<IndexFile, Unsupported> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(IndexFile::default()),
            Err(e) => return Err(Unsupported(format!("cannot read the index: {e}"))),
        };
        IndexFile::parse(&bytes, keep)
    }

    /// Parses an index file's bytes (see [`IndexFile::read`]).
    pub fn parse(bytes: &[u8], keep: impl Fn(&[u8]) -> bool) -> Result<IndexFile, Unsupported> {
        let bad = |what: &str| Unsupported(format!("index: {what}"));
        if bytes.len() < 12 + SHA1_LEN || &bytes[..4] != b"DIRC" {
            return Err(bad("no DIRC header"));
        }
        let version = be32(bytes, 4);
        if !(2..=4).contains(&version) {
            return Err(bad(&format!("version {version}")));
        }
        let count = be32(bytes, 8) as usize;
        let end = bytes.len() - SHA1_LEN;
        let mut at = 12;
        let mut index = IndexFile {
            entries: Vec::with_capacity(count.min(bytes.len() / 62)),
            // Paths take about half of a version 2 file.
            paths: Vec::with_capacity(bytes.len() / 2),
        };
        // Version 4 writes each path as a suffix of the previous one.
        let mut previous: Vec<u8> = Vec::new();
        for _ in 0..count {
            let fixed = STAT_LEN + SHA1_LEN + 2;
            if at + fixed > end {
                return Err(bad("truncated entry"));
            }
            let flags = be16(bytes, at + STAT_LEN + SHA1_LEN);
            let mut name_at = at + fixed;
            let mut extended = 0;
            if flags & FLAG_EXTENDED != 0 {
                if version < 3 || name_at + 2 > end {
                    return Err(bad("extended flags"));
                }
                extended = be16(bytes, name_at);
                name_at += 2;
            }
            let (path, next): (&[u8], usize) = if version == 4 {
                let (strip, after) = varint(bytes, name_at, end).ok_or_else(|| bad("varint"))?;
                let nul = find_nul(bytes, after, end).ok_or_else(|| bad("unterminated path"))?;
                if strip > previous.len() {
                    return Err(bad("path prefix"));
                }
                previous.truncate(previous.len() - strip);
                previous.extend_from_slice(&bytes[after..nul]);
                (&previous, nul + 1)
            } else {
                let len = (flags & FLAG_NAME_LEN) as usize;
                let nul = if len < FLAG_NAME_LEN as usize {
                    name_at + len
                } else {
                    find_nul(bytes, name_at, end).ok_or_else(|| bad("unterminated path"))?
                };
                if nul >= end || bytes[nul] != 0 {
                    return Err(bad("path length"));
                }
                // Entries are padded with 1 to 8 NULs to a multiple of 8.
                let entry_len = (nul - at + 8) & !7;
                (&bytes[name_at..nul], at + entry_len)
            };
            if next > end {
                return Err(bad("truncated entry"));
            }
            if keep(path) {
                let mode = be32(bytes, at + 24);
                if flags & FLAG_STAGE != 0 {
                    return Err(bad("unmerged entries (a conflict)"));
                }
                if extended & EXT_INTENT_TO_ADD != 0 {
                    return Err(bad("intent-to-add entries"));
                }
                if mode & 0o170000 == 0o040000 {
                    return Err(bad("sparse directory entries"));
                }
                let mut oid = [0u8; 20];
                oid.copy_from_slice(&bytes[at + STAT_LEN..at + STAT_LEN + SHA1_LEN]);
                let start = index.paths.len();
                index.paths.extend_from_slice(path);
                index.entries.push(Entry {
                    stat: StatData {
                        ctime: (be32(bytes, at), be32(bytes, at + 4)),
                        mtime: (be32(bytes, at + 8), be32(bytes, at + 12)),
                        ino: be32(bytes, at + 20),
                        uid: be32(bytes, at + 28),
                        gid: be32(bytes, at + 32),
                        size: be32(bytes, at + 36),
                    },
                    mode,
                    oid,
                    skip_worktree: extended & EXT_SKIP_WORKTREE != 0,
                    path: (start, path.len()),
                });
            }
            at = next;
        }
        // Extensions: an upper-case signature is optional (cache tree,
        // untracked cache, …) and skipped; a lower-case one (`link`: split
        // index, `sdir`: sparse index) changes what the entries mean.
        while at < end {
            if at + 8 > end {
                return Err(bad("truncated extension"));
            }
            let signature = &bytes[at..at + 4];
            if !signature[0].is_ascii_uppercase() {
                return Err(bad(&format!(
                    "mandatory extension `{}`",
                    String::from_utf8_lossy(signature)
                )));
            }
            let size = be32(bytes, at + 4) as usize;
            at = at
                .checked_add(8 + size)
                .filter(|a| *a <= end)
                .ok_or_else(|| bad("extension size"))?;
        }
        Ok(index)
    }

    /// The kept entries, sorted by path.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// An entry's path (relative to the work tree, `/`-separated).
    pub fn path(&self, entry: &Entry) -> &[u8] {
        &self.paths[entry.path.0..entry.path.0 + entry.path.1]
    }
}

fn be32(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

fn be16(bytes: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([bytes[at], bytes[at + 1]])
}

fn find_nul(bytes: &[u8], from: usize, end: usize) -> Option<usize> {
    bytes[from..end]
        .iter()
        .position(|b| *b == 0)
        .map(|i| from + i)
}

/// git's offset varint (version 4): 7 bits a byte, most significant first,
/// each continuation adding one.
fn varint(bytes: &[u8], mut at: usize, end: usize) -> Option<(usize, usize)> {
    let mut byte = *bytes.get(at).filter(|_| at < end)?;
    at += 1;
    let mut value = (byte & 0x7f) as usize;
    while byte & 0x80 != 0 {
        byte = *bytes.get(at).filter(|_| at < end)?;
        at += 1;
        value = value
            .checked_add(1)?
            .checked_mul(128)?
            .checked_add((byte & 0x7f) as usize)?;
    }
    Some((value, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index file as git writes it, of the given version, with
    /// `(path, flags-extended)` entries (stage 0, mode 100644).
    fn index_bytes(version: u32, paths: &[(&str, u16)], extensions: &[u8]) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(b"DIRC");
        b.extend_from_slice(&version.to_be_bytes());
        b.extend_from_slice(&(paths.len() as u32).to_be_bytes());
        let mut previous = String::new();
        for (i, (path, extended)) in paths.iter().enumerate() {
            let start = b.len();
            for field in [1u32, 2, 3, 4, 0, 100 + i as u32, 0o100644, 1000, 1000, 42] {
                b.extend_from_slice(&field.to_be_bytes());
            }
            b.extend_from_slice(&[i as u8; 20]);
            let mut flags = path.len().min(0xfff) as u16;
            if *extended != 0 {
                flags |= FLAG_EXTENDED;
            }
            b.extend_from_slice(&flags.to_be_bytes());
            if *extended != 0 {
                b.extend_from_slice(&extended.to_be_bytes());
            }
            if version == 4 {
                let common = previous
                    .bytes()
                    .zip(path.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                let strip = previous.len() - common;
                assert!(strip < 128, "the test writes one-byte varints");
                b.push(strip as u8);
                b.extend_from_slice(&path.as_bytes()[common..]);
                b.push(0);
                previous = path.to_string();
            } else {
                b.extend_from_slice(path.as_bytes());
                let len = b.len() - start;
                let padded = (len + 8) & !7;
                b.resize(start + padded, 0);
            }
        }
        b.extend_from_slice(extensions);
        b.extend_from_slice(&[0u8; 20]);
        b
    }

    fn kept(index: &IndexFile) -> Vec<String> {
        index
            .entries()
            .iter()
            .map(|e| String::from_utf8_lossy(index.path(e)).into_owned())
            .collect()
    }

    const PATHS: [(&str, u16); 4] = [
        ("README.md", 0),
        ("articles/a.md", 0),
        ("translations/a/q1.toml", 0),
        ("translations/a/q2.toml", 0),
    ];

    fn under_translations(p: &[u8]) -> bool {
        p.starts_with(b"translations/")
    }

    #[test]
    fn versions_two_three_and_four_give_the_same_entries() {
        for version in [2, 3, 4] {
            let bytes = index_bytes(version, &PATHS, b"");
            let index = IndexFile::parse(&bytes, under_translations).unwrap();
            assert_eq!(
                kept(&index),
                ["translations/a/q1.toml", "translations/a/q2.toml"],
                "version {version}"
            );
            let e = &index.entries()[1];
            assert_eq!(e.mode, 0o100644);
            assert_eq!(e.oid, [3u8; 20]);
            assert_eq!(
                e.stat,
                StatData {
                    ctime: (1, 2),
                    mtime: (3, 4),
                    ino: 103,
                    uid: 1000,
                    gid: 1000,
                    size: 42
                }
            );
        }
    }

    #[test]
    fn long_paths_and_optional_extensions() {
        let long = format!("translations/a/{}.toml", "x".repeat(5000));
        let mut ext = Vec::new();
        ext.extend_from_slice(b"TREE");
        ext.extend_from_slice(&3u32.to_be_bytes());
        ext.extend_from_slice(b"abc");
        let bytes = index_bytes(2, &[("articles/a.md", 0), (long.as_str(), 0)], &ext);
        let index = IndexFile::parse(&bytes, under_translations).unwrap();
        assert_eq!(kept(&index), [long]);
    }

    #[test]
    fn skip_worktree_is_kept_and_flagged() {
        let bytes = index_bytes(3, &[("translations/a/q1.toml", EXT_SKIP_WORKTREE)], b"");
        let index = IndexFile::parse(&bytes, under_translations).unwrap();
        assert!(index.entries()[0].skip_worktree);
    }

    #[test]
    fn what_it_does_not_understand_is_unsupported() {
        // A mandatory extension (split index).
        let mut link = b"link".to_vec();
        link.extend_from_slice(&0u32.to_be_bytes());
        assert!(IndexFile::parse(&index_bytes(2, &PATHS, &link), |_| true).is_err());
        // Intent-to-add, only where kept.
        let ita = index_bytes(3, &[("notes.md", EXT_INTENT_TO_ADD)], b"");
        assert!(IndexFile::parse(&ita, under_translations).is_ok());
        assert!(IndexFile::parse(&ita, |_| true).is_err());
        // Truncated at every length, a wrong version, no header.
        let good = index_bytes(2, &PATHS, b"");
        for len in 0..good.len() - 20 {
            let mut cut = good[..len].to_vec();
            cut.extend_from_slice(&[0u8; 20]);
            assert!(
                IndexFile::parse(&cut, |_| true).is_err(),
                "cut at {len} parsed"
            );
        }
        let mut v5 = good.clone();
        v5[7] = 5;
        assert!(IndexFile::parse(&v5, |_| true).is_err());
        assert!(IndexFile::parse(b"", |_| true).is_err());
    }

    #[test]
    fn the_varint_of_version_four() {
        assert_eq!(varint(&[0x05], 0, 1), Some((5, 1)));
        // 0x80 0x00 is 128 in git's encoding.
        assert_eq!(varint(&[0x80, 0x00], 0, 2), Some((128, 2)));
        assert_eq!(varint(&[0x80], 0, 1), None);
    }
}
