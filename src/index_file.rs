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
    /// accepts, a piece at a time (the file is not held whole: 58 MB at
    /// 550,000 entries). A missing file is an empty index (a repository
    /// before its first `git add`).
    pub fn read(path: &Path, keep: impl Fn(&[u8]) -> bool) -> Result<IndexFile, Unsupported> {
        IndexFile::read_by(path, keep, CHUNK)
    }

    /// [`IndexFile::read`], `chunk` bytes at a time.
    fn read_by(
        path: &Path,
        keep: impl Fn(&[u8]) -> bool,
        chunk: usize,
    ) -> Result<IndexFile, Unsupported> {
        use std::io::Read;
        let cannot = |e: std::io::Error| Unsupported(format!("cannot read the index: {e}"));
        let mut file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(IndexFile::default()),
            Err(e) => return Err(cannot(e)),
        };
        let len = file.metadata().map_err(cannot)?.len() as usize;
        let mut header = [0u8; 12];
        file.read_exact(&mut header).map_err(cannot)?;
        let mut parser = Parser::new(&header, len, keep)?;
        // The entries end before the checksum; `window` holds the unparsed
        // bytes read so far, starting at file offset `base`.
        let end = len - SHA1_LEN;
        let (mut window, mut base, mut at) = (Vec::with_capacity(chunk), 12, 0);
        while parser.remaining > 0 {
            let limit = window.len().min(end - base);
            match parser.entry(&window[at..limit])? {
                Some(used) => at += used,
                None if base + window.len() >= end => return Err(truncated()),
                None => {
                    window.drain(..at);
                    base += at;
                    at = 0;
                    let have = window.len();
                    let want = (have + chunk).min(len - base);
                    window.resize(want, 0);
                    file.read_exact(&mut window[have..]).map_err(cannot)?;
                }
            }
        }
        let mut rest = window.split_off(at);
        file.read_to_end(&mut rest).map_err(cannot)?;
        parser.finish(&rest)
    }

    /// Parses an index file's bytes (see [`IndexFile::read`]).
    pub fn parse(bytes: &[u8], keep: impl Fn(&[u8]) -> bool) -> Result<IndexFile, Unsupported> {
        let mut parser = Parser::new(bytes, bytes.len(), keep)?;
        let end = bytes.len() - SHA1_LEN;
        let mut at = 12;
        while parser.remaining > 0 {
            at += parser.entry(&bytes[at..end])?.ok_or_else(truncated)?;
        }
        parser.finish(&bytes[at..])
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

/// How much of the file [`IndexFile::read`] reads at a time.
const CHUNK: usize = 1 << 20;

fn bad(what: &str) -> Unsupported {
    Unsupported(format!("index: {what}"))
}

fn truncated() -> Unsupported {
    bad("truncated entry")
}

/// The entries of one index file, parsed one at a time.
struct Parser<K> {
    keep: K,
    version: u32,
    remaining: usize,
    index: IndexFile,
    /// Version 4 writes each path as a suffix of the previous one.
    previous: Vec<u8>,
}

impl<K: Fn(&[u8]) -> bool> Parser<K> {
    /// From the file's first 12 bytes and its length.
    fn new(header: &[u8], len: usize, keep: K) -> Result<Parser<K>, Unsupported> {
        if len < 12 + SHA1_LEN || header.len() < 12 || &header[..4] != b"DIRC" {
            return Err(bad("no DIRC header"));
        }
        let version = be32(header, 4);
        if !(2..=4).contains(&version) {
            return Err(bad(&format!("version {version}")));
        }
        let count = be32(header, 8) as usize;
        // An entry takes at least 62 bytes; paths about half of the file.
        let index = IndexFile {
            entries: Vec::with_capacity(count.min(len / 62)),
            paths: Vec::with_capacity(len / 2),
        };
        Ok(Parser {
            keep,
            version,
            remaining: count,
            index,
            previous: Vec::new(),
        })
    }

    /// Parses the entry at the start of `bytes` (which end at the latest
    /// where the entries do) and returns its length, or `None` when
    /// `bytes` does not hold all of it.
    fn entry(&mut self, bytes: &[u8]) -> Result<Option<usize>, Unsupported> {
        let end = bytes.len();
        let fixed = STAT_LEN + SHA1_LEN + 2;
        if fixed > end {
            return Ok(None);
        }
        let flags = be16(bytes, STAT_LEN + SHA1_LEN);
        let mut name_at = fixed;
        let mut extended = 0;
        if flags & FLAG_EXTENDED != 0 {
            if self.version < 3 {
                return Err(bad("extended flags"));
            }
            if name_at + 2 > end {
                return Ok(None);
            }
            extended = be16(bytes, name_at);
            name_at += 2;
        }
        let (path, next): (&[u8], usize) = if self.version == 4 {
            let Some((strip, after)) = varint(bytes, name_at, end) else {
                return Ok(None);
            };
            let Some(nul) = find_nul(bytes, after, end) else {
                return Ok(None);
            };
            if strip > self.previous.len() {
                return Err(bad("path prefix"));
            }
            self.previous.truncate(self.previous.len() - strip);
            self.previous.extend_from_slice(&bytes[after..nul]);
            (&self.previous, nul + 1)
        } else {
            let len = (flags & FLAG_NAME_LEN) as usize;
            let nul = if len < FLAG_NAME_LEN as usize {
                name_at + len
            } else {
                match find_nul(bytes, name_at, end) {
                    Some(nul) => nul,
                    None => return Ok(None),
                }
            };
            // Entries are padded with 1 to 8 NULs to a multiple of 8.
            let entry_len = (nul + 8) & !7;
            if entry_len > end {
                return Ok(None);
            }
            if bytes[nul] != 0 {
                return Err(bad("path length"));
            }
            (&bytes[name_at..nul], entry_len)
        };
        if (self.keep)(path) {
            let mode = be32(bytes, 24);
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
            oid.copy_from_slice(&bytes[STAT_LEN..STAT_LEN + SHA1_LEN]);
            let index = &mut self.index;
            let start = index.paths.len();
            index.paths.extend_from_slice(path);
            index.entries.push(Entry {
                stat: StatData {
                    ctime: (be32(bytes, 0), be32(bytes, 4)),
                    mtime: (be32(bytes, 8), be32(bytes, 12)),
                    ino: be32(bytes, 20),
                    uid: be32(bytes, 28),
                    gid: be32(bytes, 32),
                    size: be32(bytes, 36),
                },
                mode,
                oid,
                skip_worktree: extended & EXT_SKIP_WORKTREE != 0,
                path: (start, path.len()),
            });
        }
        self.remaining -= 1;
        Ok(Some(next))
    }

    /// Checks what follows the entries (extensions, then the checksum) and
    /// returns the index.
    fn finish(self, tail: &[u8]) -> Result<IndexFile, Unsupported> {
        if tail.len() < SHA1_LEN {
            return Err(truncated());
        }
        let end = tail.len() - SHA1_LEN;
        let bytes = tail;
        let mut at = 0;
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
        Ok(self.index)
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
    fn reading_a_piece_at_a_time_is_parsing_it_whole() {
        let paths: Vec<String> = (0..300)
            .map(|i| format!("translations/s{:03}/{}.toml", i / 7, "q".repeat(1 + i % 40)))
            .collect();
        let mut sorted: Vec<(&str, u16)> = paths.iter().map(|p| (p.as_str(), 0)).collect();
        sorted.sort();
        sorted.dedup();
        let dir = tempfile::tempdir().unwrap();
        for version in [2, 3, 4] {
            let mut ext = b"UNTR".to_vec();
            ext.extend_from_slice(&5u32.to_be_bytes());
            ext.extend_from_slice(b"12345");
            let bytes = index_bytes(version, &sorted, &ext);
            let path = dir.path().join("index");
            std::fs::write(&path, &bytes).unwrap();
            let whole = IndexFile::parse(&bytes, under_translations).unwrap();
            assert_eq!(whole.entries().len(), sorted.len());
            for chunk in [1, 7, 64, 1000, CHUNK] {
                let read = IndexFile::read_by(&path, under_translations, chunk).unwrap();
                assert_eq!(
                    kept(&read),
                    kept(&whole),
                    "version {version}, chunk {chunk}"
                );
                assert_eq!(read.entries(), whole.entries());
            }
            // Cut anywhere, a file is refused, never misread.
            for len in [13, 100, bytes.len() / 2, bytes.len() - 21] {
                let mut cut = bytes[..len].to_vec();
                cut.extend_from_slice(&[0u8; 20]);
                std::fs::write(&path, &cut).unwrap();
                assert!(
                    IndexFile::read_by(&path, |_| true, 64).is_err(),
                    "cut at {len}"
                );
            }
        }
        assert_eq!(
            IndexFile::read(&dir.path().join("none"), |_| true)
                .unwrap()
                .entries()
                .len(),
            0
        );
    }

    #[test]
    fn the_varint_of_version_four() {
        assert_eq!(varint(&[0x05], 0, 1), Some((5, 1)));
        // 0x80 0x00 is 128 in git's encoding.
        assert_eq!(varint(&[0x80, 0x00], 0, 2), Some((128, 2)));
        assert_eq!(varint(&[0x80], 0, 1), None);
    }

    proptest::proptest! {
        /// A damaged index never panics the reader: it parses or declines.
        #[test]
        fn any_bytes_parse_or_decline(
            version in 2u32..5,
            flips in proptest::collection::vec((0usize..4096, proptest::prelude::any::<u8>()), 0..8),
            cut in 0usize..4096,
        ) {
            let mut bytes = index_bytes(
                version,
                &[("articles/a.md", 0), ("translations/a/q1.toml", 0), ("translations/b/q2.toml", 0)],
                b"",
            );
            for (at, byte) in flips {
                let n = bytes.len();
                bytes[at % n] = byte;
            }
            bytes.truncate(cut.min(bytes.len()));
            let _ = IndexFile::parse(&bytes, |_| true);
        }
    }
}
