//! The newsroom on disk: `articles/<slug>.md` and
//! `translations/<slug>/<id>.toml`. Reads and validates records, and writes
//! them atomically (temp file in the same directory, synced, renamed).

use std::fs;
use std::io::Write;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};

use rustix::buffer::spare_capacity;
use rustix::fs::{FileType, Mode, OFlags};
use rustix::io::Errno;

use crate::quote::{Quote, SCHEMA_VERSION};

mod canonical;

/// Folder of articles, relative to the repository root.
pub const ARTICLES_DIR: &str = "articles";
/// Folder of quote records, relative to the repository root.
pub const TRANSLATIONS_DIR: &str = "translations";
/// Largest record file read, in bytes; a larger one is refused.
pub const MAX_RECORD_BYTES: u64 = 16 * 1024 * 1024;

/// What can go wrong reading or writing the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A slug, id or `SLUG/ID` reference that breaks the naming rules.
    #[error("{0}")]
    BadName(String),
    /// The quote has no record.
    #[error("no quote {quote}: {path} does not exist{}", suggestion.as_ref().map(|s| format!("; did you mean {s}?")).unwrap_or_default())]
    NotFound {
        /// `SLUG/ID`.
        quote: String,
        /// The record path that was looked for.
        path: String,
        /// The closest existing quote, if one is close.
        suggestion: Option<String>,
    },
    /// `add` of a quote that exists.
    #[error("quote {quote} already exists")]
    Exists {
        /// `SLUG/ID`.
        quote: String,
    },
    /// A record file that can't be read.
    #[error(transparent)]
    InvalidRecord(#[from] RecordError),
    /// A file-system failure.
    #[error("{path}: {source}")]
    Io {
        /// The path at fault.
        path: String,
        /// What the OS said.
        source: std::io::Error,
    },
}

/// A record file that can't be read, with the place at fault.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("{path}:{line}:{column}: {message}")]
pub struct RecordError {
    /// Path relative to the repository root.
    pub path: String,
    /// 1-based line (1 when the whole file is at fault).
    pub line: usize,
    /// 1-based column in characters.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// A quote named on the command line as `SLUG/ID`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QuoteRef {
    /// The article's slug.
    pub slug: String,
    /// The quote's id within the article.
    pub id: String,
}

impl QuoteRef {
    /// `SLUG/ID`: what `to_string()` gives, in one allocation where
    /// formatting grows the string twice. `check` names the matched record
    /// of every quotation.
    pub fn joined(&self) -> String {
        [self.slug.as_str(), "/", self.id.as_str()].concat()
    }

    /// Parses and validates `SLUG/ID`.
    pub fn parse(s: &str) -> Result<QuoteRef, StoreError> {
        let Some((slug, id)) = s.split_once('/') else {
            return Err(StoreError::BadName(format!(
                "`{}` is not a quote reference: write it as SLUG/ID, e.g. sheinbaum-call/no-necesario",
                crate::render::sanitize_inline(s)
            )));
        };
        validate_slug(slug)?;
        validate_id(id)?;
        Ok(QuoteRef {
            slug: slug.to_string(),
            id: id.to_string(),
        })
    }
}

impl std::fmt::Display for QuoteRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.slug, self.id)
    }
}

fn valid_name(s: &str, max: usize) -> bool {
    let bytes = s.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= max
        && (bytes[0].is_ascii_lowercase() || bytes[0].is_ascii_digit())
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && !is_device_name(s)
}

/// Names Windows reserves for devices in every folder (`con`, `nul`,
/// `com1`…): a newsroom cloned there could not hold such a file.
fn is_device_name(s: &str) -> bool {
    matches!(s, "con" | "prn" | "aux" | "nul")
        || (s.len() == 4
            && (s.starts_with("com") || s.starts_with("lpt"))
            && s.as_bytes()[3].is_ascii_digit())
}

/// Checks an article slug: `[a-z0-9][a-z0-9-]{0,127}`.
pub fn validate_slug(s: &str) -> Result<(), StoreError> {
    if valid_name(s, 128) {
        Ok(())
    } else {
        Err(StoreError::BadName(format!(
            "`{}` is not a valid article slug: use 1 to 128 lowercase letters, digits and dashes, starting with a letter or digit (not a device name like `con` or `nul`)",
            crate::render::sanitize_inline(&truncate(s, 80))
        )))
    }
}

/// Checks a quote id: `[a-z0-9][a-z0-9-]{0,63}`.
pub fn validate_id(s: &str) -> Result<(), StoreError> {
    if valid_name(s, 64) {
        Ok(())
    } else {
        Err(StoreError::BadName(format!(
            "`{}` is not a valid quote id: use 1 to 64 lowercase letters, digits and dashes, starting with a letter or digit (not a device name like `con` or `nul`)",
            crate::render::sanitize_inline(&truncate(s, 80))
        )))
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() > n {
        let mut t: String = s.chars().take(n).collect();
        t.push('…');
        t
    } else {
        s.to_string()
    }
}

/// The newsroom rooted at a repository's work tree.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

/// `entry.path().is_dir()`, without building the path or asking the file
/// system again when the directory listing already says the entry is a
/// directory or a plain file: only a symbolic link needs following.
fn is_dir_following_links(entry: &fs::DirEntry) -> bool {
    match entry.file_type() {
        Ok(t) if t.is_dir() => true,
        Ok(t) if !t.is_symlink() => false,
        _ => entry.path().is_dir(),
    }
}

impl Store {
    /// A store rooted at `root` (the repository's work tree).
    pub fn new(root: impl Into<PathBuf>) -> Store {
        Store { root: root.into() }
    }

    /// The work tree.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `translations/<slug>/<id>.toml`, relative to the root.
    pub fn record_rel_path(r: &QuoteRef) -> String {
        Self::record_rel_path_of(&r.slug, &r.id)
    }

    /// [`Self::record_rel_path`] from a slug and an id that may not be
    /// valid yet. `concat` sizes the string once; `format!` grew it two or
    /// three times, and `check` builds one per record and finding.
    pub fn record_rel_path_of(slug: &str, id: &str) -> String {
        [TRANSLATIONS_DIR, "/", slug, "/", id, ".toml"].concat()
    }

    /// `articles/<slug>.md`, relative to the root.
    pub fn article_rel_path(slug: &str) -> String {
        [ARTICLES_DIR, "/", slug, ".md"].concat()
    }

    /// Absolute path of a relative one.
    pub fn abs(&self, rel: &str) -> PathBuf {
        // `root.join(rel)`, in one allocation instead of a copy of the root
        // that then grows: pushing onto an empty path just takes the root.
        let mut path = PathBuf::with_capacity(self.root.as_os_str().len() + 1 + rel.len());
        path.push(&self.root);
        path.push(rel);
        path
    }

    /// Whether the quote has a record file.
    pub fn exists(&self, r: &QuoteRef) -> bool {
        self.abs(&Self::record_rel_path(r)).exists()
    }

    /// Reads one record.
    pub fn load(&self, r: &QuoteRef) -> Result<Quote, StoreError> {
        let rel = Self::record_rel_path(r);
        let path = self.abs(&rel);
        if !path.exists() {
            return Err(StoreError::NotFound {
                quote: r.to_string(),
                path: rel,
                suggestion: closest_quote(self, r),
            });
        }
        Ok(self.load_path(&rel)?)
    }

    /// Reads and validates a record file given by relative path.
    pub fn load_path(&self, rel: &str) -> Result<Quote, RecordError> {
        let path = self.abs(rel);
        let whole = |message: String| RecordError {
            path: rel.to_string(),
            line: 1,
            column: 1,
            message,
        };
        // one open, then the size from the open file: `check` reads every
        // record, and a second path lookup per file showed in its profile
        let cannot = |e: std::io::Error| whole(format!("cannot read: {e}"));
        let mut file = fs::File::open(&path).map_err(cannot)?;
        let meta = file.metadata().map_err(cannot)?;
        if meta.is_dir() {
            return Err(whole("is a directory, not a record file".into()));
        }
        if meta.len() > MAX_RECORD_BYTES {
            return Err(whole(format!(
                "is {} bytes; records larger than {MAX_RECORD_BYTES} bytes are refused",
                meta.len()
            )));
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
        std::io::Read::read_to_end(&mut file, &mut bytes).map_err(cannot)?;
        parse_record(rel, &bytes)
    }

    /// The ids of the records of one article, sorted.
    pub fn record_ids(&self, slug: &str) -> Result<Vec<String>, StoreError> {
        Ok(match self.record_folder(slug)? {
            Some(mut folder) => folder.ids(),
            None => Vec::new(),
        })
    }

    /// The records folder of one article, open; `None` if it does not exist.
    pub fn record_folder<'s>(&self, slug: &'s str) -> Result<Option<RecordFolder<'s>>, StoreError> {
        let rel = [TRANSLATIONS_DIR, "/", slug].concat();
        // As `fs::read_dir`: a symbolic link to a folder is followed.
        let flags = OFlags::RDONLY | OFlags::CLOEXEC | OFlags::DIRECTORY;
        match rustix::fs::open(self.abs(&rel), flags, Mode::empty()) {
            Ok(fd) => Ok(Some(RecordFolder {
                slug,
                dir: rustix::fs::Dir::new(fd).map_err(|e| StoreError::Io {
                    path: rel,
                    source: e.into(),
                })?,
                buf: Vec::with_capacity(RECORD_BUFFER_BYTES),
            })),
            Err(Errno::NOENT) => Ok(None),
            Err(e) => Err(StoreError::Io {
                path: rel,
                source: e.into(),
            }),
        }
    }

    /// Every article slug: those with an article file and those with records.
    pub fn slugs(&self) -> Result<Vec<String>, StoreError> {
        let mut slugs = Vec::new();
        for (dir, is_article) in [(ARTICLES_DIR, true), (TRANSLATIONS_DIR, false)] {
            let entries = match fs::read_dir(self.abs(dir)) {
                Ok(e) => e,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => {
                    return Err(StoreError::Io {
                        path: dir.to_string(),
                        source: e,
                    });
                }
            };
            for entry in entries.flatten() {
                // The file name becomes the slug in place, without a copy.
                let Ok(mut name) = entry.file_name().into_string() else {
                    continue;
                };
                if is_article {
                    match name.strip_suffix(".md").map(str::len) {
                        Some(slug_len) => name.truncate(slug_len),
                        None => continue,
                    }
                } else if !is_dir_following_links(&entry) {
                    continue;
                }
                if valid_name(&name, 128) {
                    slugs.push(name);
                }
            }
        }
        slugs.sort();
        slugs.dedup();
        Ok(slugs)
    }

    /// Whether the article file exists.
    pub fn article_exists(&self, slug: &str) -> bool {
        self.abs(&Self::article_rel_path(slug)).is_file()
    }

    /// Writes a record atomically and returns its relative path.
    pub fn save(&self, r: &QuoteRef, quote: &Quote) -> Result<String, StoreError> {
        let rel = Self::record_rel_path(r);
        let text = serialize_record(quote);
        write_atomic(&self.abs(&rel), text.as_bytes()).map_err(|source| StoreError::Io {
            path: rel.clone(),
            source,
        })?;
        Ok(rel)
    }
}

/// The bytes of a record file: deterministic for the same content.
pub fn serialize_record(quote: &Quote) -> String {
    let body = toml::to_string_pretty(quote).expect("a quote record always serialises to TOML");
    format!(
        "# verbatim quote record; docs/FORMAT.md describes it. Edit with `verbatim revise`.\n{body}"
    )
}

/// Room for a typical record file (a few KiB) in one read: a larger one
/// costs one `fstat` more (see [`read_whole_at`]), nothing else.
const RECORD_BUFFER_BYTES: usize = 16 * 1024;

/// The records folder `translations/<slug>/` of one article, open.
///
/// `check` reads every record of every article. Listing the folder once and
/// opening each record relative to the folder's descriptor spares the
/// kernel a lookup of the whole path per file, and [`read_whole_at`] spares
/// the `fstat` and `lseek` calls that `std::fs` makes around each read. The
/// outcome is that of [`Store::record_ids`] and [`Store::load_path`] on the
/// same files, errors included (the tests compare them).
pub struct RecordFolder<'s> {
    slug: &'s str,
    dir: rustix::fs::Dir,
    /// Reused by every record read.
    buf: Vec<u8>,
}

impl RecordFolder<'_> {
    /// The ids of the records (`<id>.toml` files), sorted. As
    /// `fs::read_dir(..).flatten()`: names that are not UTF-8 are left out,
    /// and the listing stops at an error.
    pub fn ids(&mut self) -> Vec<String> {
        let mut ids = Vec::new();
        while let Some(Ok(entry)) = self.dir.read() {
            let Ok(name) = entry.file_name().to_str() else {
                continue;
            };
            if let Some(id) = name.strip_suffix(".toml") {
                ids.push(id.to_string());
            }
        }
        ids.sort();
        ids
    }

    /// Reads and validates the record `id` (a valid id: one file name).
    pub fn load(&mut self, id: &str) -> Result<Quote, RecordError> {
        let rel = Store::record_rel_path_of(self.slug, id);
        let whole = |message: String| RecordError {
            path: rel.clone(),
            line: 1,
            column: 1,
            message,
        };
        let cannot = |e: std::io::Error| whole(format!("cannot read: {e}"));
        let dir = self.dir.fd().map_err(|e| cannot(e.into()))?;
        let name = [id, ".toml"].concat();
        match read_whole_at(dir, &name, MAX_RECORD_BYTES, &mut self.buf) {
            Ok(()) => parse_record(&rel, &self.buf),
            Err(ReadError::Io(e)) => Err(cannot(e)),
            Err(ReadError::IsDir) => Err(whole("is a directory, not a record file".into())),
            Err(ReadError::TooLarge(len)) => Err(whole(format!(
                "is {len} bytes; records larger than {MAX_RECORD_BYTES} bytes are refused"
            ))),
        }
    }
}

/// Why [`read_whole_at`] read no file.
#[derive(Debug)]
pub enum ReadError {
    /// Opening or reading failed.
    Io(std::io::Error),
    /// The name is a folder.
    IsDir,
    /// The file has this many bytes, more than allowed.
    TooLarge(u64),
}

/// Reads the file `name` in the folder `dir` (following a symbolic link,
/// as `fs::File::open`) whole into `buf`, refusing one of more than `max`
/// bytes.
///
/// Open, read until a read returns nothing, close: no `fstat` while the
/// file fits the room `buf` already has, which is why this is faster than
/// `fs::read`. The outcome is still that of checking the file's metadata
/// first: a folder fails its first read (`EISDIR`), a file larger than
/// `max` that fits is counted whole, and one that does not fit is sized by
/// one `fstat` before the buffer grows, so a huge file is refused unread.
pub fn read_whole_at(
    dir: impl AsFd,
    name: impl rustix::path::Arg,
    max: u64,
    buf: &mut Vec<u8>,
) -> Result<(), ReadError> {
    buf.clear();
    let io = |e: Errno| ReadError::Io(e.into());
    let flags = OFlags::RDONLY | OFlags::CLOEXEC;
    let file = rustix::fs::openat(dir, name, flags, Mode::empty()).map_err(io)?;
    let mut sized = false;
    loop {
        if buf.len() == buf.capacity() {
            if sized {
                // the file grew since: keep reading, as `read_to_end`
                buf.reserve(buf.len().max(RECORD_BUFFER_BYTES));
            } else {
                let stat = rustix::fs::fstat(&file).map_err(io)?;
                if FileType::from_raw_mode(stat.st_mode) == FileType::Directory {
                    return Err(ReadError::IsDir);
                }
                let len = u64::try_from(stat.st_size).unwrap_or(0);
                if len > max {
                    return Err(ReadError::TooLarge(len));
                }
                let rest = usize::try_from(len).unwrap_or(0).saturating_sub(buf.len());
                // one byte more, for the read that finds the end
                buf.reserve(rest + 1);
                sized = true;
            }
        }
        match rustix::io::read(&file, spare_capacity(buf)) {
            Ok(0) => break,
            Ok(_) | Err(Errno::INTR) => {}
            Err(Errno::ISDIR) => return Err(ReadError::IsDir),
            Err(e) => return Err(io(e)),
        }
    }
    let len = buf.len() as u64;
    if len > max {
        return Err(ReadError::TooLarge(len));
    }
    Ok(())
}

/// Parses and validates record bytes; errors name `path:line:column`.
pub fn parse_record(rel: &str, bytes: &[u8]) -> Result<Quote, RecordError> {
    let err_at = |offset: usize, text: &str, message: String| {
        let (line, column) = line_col(text, offset);
        RecordError {
            path: rel.to_string(),
            line,
            column,
            message,
        }
    };
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            let valid = std::str::from_utf8(valid).unwrap_or_default();
            return Err(err_at(
                valid.len(),
                valid,
                "is not valid UTF-8 text".to_string(),
            ));
        }
    };
    if text.trim().is_empty() {
        return Err(err_at(
            0,
            text,
            "is empty; a record needs at least a schema and one revision".into(),
        ));
    }
    // Records in the shape verbatim writes are read by a small reader of
    // just that shape; anything else goes to `toml`, exactly as before.
    let quote: Quote = match canonical::parse(text) {
        Some(quote) => quote,
        None => toml::from_str(text).map_err(|e| {
            let offset = e.span().map(|s| s.start).unwrap_or(0);
            err_at(offset, text, e.message().trim().replace('\n', "; "))
        })?,
    };
    if quote.schema != SCHEMA_VERSION {
        return Err(err_at(
            key_offset(text, "schema"),
            text,
            format!(
                "schema {} is not supported by this verbatim (it reads schema {SCHEMA_VERSION}); upgrade verbatim",
                quote.schema
            ),
        ));
    }
    if quote.revisions.is_empty() {
        return Err(err_at(
            0,
            text,
            "has no [[revision]]; a record needs at least one".into(),
        ));
    }
    // Where a table starts is looked up only for an error: finding it for
    // every table made a record with a long history quadratic to read.
    for (i, rev) in quote.revisions.iter().enumerate() {
        let at = || find_table(text, "revision", i);
        if rev.number as usize != i + 1 {
            return Err(err_at(
                at(),
                text,
                format!(
                    "revision {} is listed where revision {} belongs: revisions are numbered 1, 2, 3… in order",
                    rev.number,
                    i + 1
                ),
            ));
        }
        if rev.original.trim().is_empty() {
            return Err(err_at(
                at(),
                text,
                format!("revision {} has an empty original", rev.number),
            ));
        }
        if rev
            .translation
            .as_deref()
            .is_some_and(|t| t.trim().is_empty())
        {
            return Err(err_at(
                at(),
                text,
                format!("revision {} has an empty translation", rev.number),
            ));
        }
    }
    for (i, review) in quote.reviews.iter().enumerate() {
        let at = || find_table(text, "review", i);
        if quote.revision(review.revision).is_none() {
            return Err(err_at(
                at(),
                text,
                format!(
                    "review {} names revision {}, which does not exist",
                    i + 1,
                    review.revision
                ),
            ));
        }
        if !review.digest.starts_with("sha256:") {
            return Err(err_at(
                at(),
                text,
                format!("review {} has a digest that is not `sha256:…`", i + 1),
            ));
        }
    }
    Ok(quote)
}

/// 1-based line and character column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Byte offset of the line that sets `key` (`key = …`), or 0: where to
/// point an error about a value that parsed but is not allowed.
pub fn key_offset(text: &str, key: &str) -> usize {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let sets_key = line
            .trim_start()
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with('='));
        if sets_key {
            return offset;
        }
        offset += line.len();
    }
    0
}

/// Byte offset of the `n`th `[[name]]` header (0-based), or 0.
fn find_table(text: &str, name: &str, n: usize) -> usize {
    let header = format!("[[{name}]]");
    let mut offset = 0;
    let mut seen = 0;
    for line in text.split_inclusive('\n') {
        if line.trim() == header {
            if seen == n {
                return offset;
            }
            seen += 1;
        }
        offset += line.len();
    }
    0
}

/// Writes `bytes` to `path` atomically: a temporary file in the same
/// directory, flushed and synced, renamed over the target, and the directory
/// synced, so a crash leaves either the old file or the new one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let mut tmp = temp_file_for(path, dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    if let Ok(d) = fs::File::open(dir) {
        // Not every file system can sync a directory; the rename is done either way.
        let _ = d.sync_all();
    }
    Ok(())
}

/// A temporary file in `dir` that will be renamed over `target`, with the
/// mode the result should have: `target`'s own if it exists (a rewrite
/// changes no one's access, and git sees no mode change), else what any
/// program creating a file gets (0666 less the umask), not tempfile's
/// private 0600, so the rest of a shared newsroom can read it.
pub(crate) fn temp_file_for(target: &Path, dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".verbatim-").suffix(".tmp");
    #[cfg(unix)]
    let new_file_mode = {
        use std::os::unix::fs::PermissionsExt;
        fs::Permissions::from_mode(0o666)
    };
    #[cfg(unix)]
    builder.permissions(new_file_mode);
    let tmp = builder.tempfile_in(dir)?;
    if let Ok(meta) = fs::metadata(target) {
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    Ok(tmp)
}

/// Removes the temporary files of [`write_atomic`] that a killed verbatim
/// left in `dir`. Only call it holding verbatim's write lock: then no other
/// verbatim is writing one.
pub fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(".verbatim-") && name.ends_with(".tmp") {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The closest existing quote to a mistyped one, for "did you mean …?".
pub fn closest_quote(store: &Store, wanted: &QuoteRef) -> Option<String> {
    let mut best: Option<(usize, String)> = None;
    let target = wanted.to_string();
    for slug in store.slugs().ok()? {
        for id in store.record_ids(&slug).ok()? {
            let candidate = format!("{slug}/{id}");
            let d = edit_distance(&target, &candidate);
            if best.as_ref().is_none_or(|(b, _)| d < *b) {
                best = Some((d, candidate));
            }
        }
    }
    best.filter(|(d, c)| *d <= (c.len() / 3).max(2))
        .map(|(_, c)| c)
}

/// The closest existing article slug to a mistyped one.
pub fn closest_slug(store: &Store, wanted: &str) -> Option<String> {
    store
        .slugs()
        .ok()?
        .into_iter()
        .map(|s| (edit_distance(wanted, &s), s))
        .min()
        .filter(|(d, s)| *d <= (s.len() / 3).max(2))
        .map(|(_, s)| s)
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_come_from_article_files_and_record_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("articles/not-an-article")).unwrap();
        fs::create_dir_all(root.join("translations/with-records")).unwrap();
        fs::create_dir_all(root.join("elsewhere/linked-folder")).unwrap();
        fs::write(root.join("articles/written.md"), "").unwrap();
        fs::write(root.join("articles/notes.txt"), "").unwrap();
        fs::write(root.join("articles/Bad_Name.md"), "").unwrap();
        fs::write(root.join("translations/stray-file"), "").unwrap();
        fs::write(root.join("elsewhere/file"), "").unwrap();
        #[cfg(unix)]
        {
            let link = |to: &str, at: &str| {
                std::os::unix::fs::symlink(root.join(to), root.join(at)).unwrap()
            };
            link("elsewhere/linked-folder", "translations/linked-folder");
            link("elsewhere/file", "translations/linked-file");
            link("elsewhere/missing", "translations/dangling");
        }
        let mut expected = vec!["with-records", "written"];
        if cfg!(unix) {
            expected.insert(0, "linked-folder");
        }
        assert_eq!(Store::new(root).slugs().unwrap(), expected);
    }

    #[test]
    fn paths_are_built_as_join_and_format_build_them() {
        for root in ["/srv/news", "/srv/news/", "relative/root", "", "/"] {
            let store = Store::new(root);
            for rel in ["translations/a/b.toml", "articles/x.md", "", "a//b"] {
                assert_eq!(
                    store.abs(rel),
                    Path::new(root).join(rel),
                    "{root:?} {rel:?}"
                );
            }
        }
        let r = QuoteRef {
            slug: "sheinbaum-call".into(),
            id: "q1".into(),
        };
        assert_eq!(
            Store::record_rel_path(&r),
            format!("{TRANSLATIONS_DIR}/{}/{}.toml", r.slug, r.id)
        );
        assert_eq!(r.joined(), r.to_string());
        assert_eq!(
            Store::article_rel_path("sheinbaum-call"),
            format!("{ARTICLES_DIR}/sheinbaum-call.md")
        );
    }

    #[test]
    fn names_follow_the_spec() {
        for good in ["a", "0", "sheinbaum-call", &"a".repeat(128)] {
            assert!(validate_slug(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "../x",
            "a/b",
            ".git",
            "A",
            "-a",
            "a_b",
            "a b",
            &"a".repeat(129),
            "é",
            "con",
            "nul",
            "com1",
            "lpt9",
        ] {
            assert!(validate_slug(bad).is_err(), "{bad}");
        }
        assert!(validate_id(&"a".repeat(64)).is_ok());
        assert!(validate_id(&"a".repeat(65)).is_err());
    }

    #[test]
    fn distances() {
        assert_eq!(edit_distance("no-necesario", "no-necesario"), 0);
        assert_eq!(edit_distance("no-nesesario", "no-necesario"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn key_offset_finds_the_setting_not_a_longer_key() {
        let text = "schema_note = 1\n  schema = 2\n";
        assert_eq!(key_offset(text, "schema"), 16);
        assert_eq!(key_offset(text, "absent"), 0);
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncdé", 5), (2, 3));
        assert_eq!(line_col("ab\ncdé", 7), (2, 4));
        assert_eq!(line_col("", 0), (1, 1));
    }
}

#[cfg(test)]
mod record_folder_tests {
    use super::*;

    const GOOD_RECORD: &str = r#"# verbatim quote record; docs/FORMAT.md describes it. Edit with `verbatim revise`.
schema = 1
speaker = "Pedro Sánchez"
original_lang = "es"
origin = "own"
source = "Press conference 148"
said_on = "2026-01-14"

[[revision]]
number = 1
original = "Todo ello en beneficio del consumidor."
translation = "All this is to the good of the consumer."
author = "Ana Traductora <ana@newsroom.example>"
at = "2026-01-07T20:17:00Z"
note = "first translation"

[[review]]
verdict = "approved"
reviewer = "Eva Editora <eva@newsroom.example>"
at = "2026-01-07T20:18:00Z"
revision = 1
digest = "sha256:aec2401c9a981a1ba3482d25316dbcf1ea0576c02da3b0d028d9e72c875489aa"
"#;

    /// The listing as `record_ids` made it with `fs::read_dir` before
    /// `RecordFolder`.
    fn std_ids(folder: &Path) -> Vec<String> {
        let mut ids: Vec<String> = fs::read_dir(folder)
            .unwrap()
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter_map(|n| n.strip_suffix(".toml").map(str::to_string))
            .collect();
        ids.sort();
        ids
    }

    #[test]
    fn reads_as_the_path_based_reader_does() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let folder = root.join("translations/slug");
        fs::create_dir_all(&folder).unwrap();
        fs::create_dir_all(root.join("elsewhere/folder")).unwrap();
        let good = GOOD_RECORD;
        fs::write(folder.join("good.toml"), good).unwrap();
        fs::write(folder.join("empty.toml"), "").unwrap();
        fs::write(folder.join("broken.toml"), "schema = ").unwrap();
        fs::write(folder.join("latin1.toml"), b"schema = 1\n# caf\xe9\n").unwrap();
        // larger than the reader's first buffer: read in several parts
        let big = format!("{good}\n{}", "# padding line\n".repeat(5000));
        assert!(big.len() > 3 * RECORD_BUFFER_BYTES);
        fs::write(folder.join("big.toml"), &big).unwrap();
        fs::create_dir(folder.join("folder.toml")).unwrap();
        fs::write(folder.join("notes.txt"), "").unwrap();
        std::os::unix::fs::symlink(folder.join("good.toml"), folder.join("link.toml")).unwrap();
        std::os::unix::fs::symlink(root.join("elsewhere/folder"), folder.join("dirlink.toml"))
            .unwrap();
        std::os::unix::fs::symlink(root.join("gone"), folder.join("dangling.toml")).unwrap();

        let store = Store::new(root);
        let mut open = store.record_folder("slug").unwrap().unwrap();
        let ids = open.ids();
        assert_eq!(ids, std_ids(&folder));
        assert_eq!(ids.len(), 9);
        for id in &ids {
            let by_path = store.load_path(&Store::record_rel_path_of("slug", id));
            assert_eq!(open.load(id), by_path, "{id}");
        }
        assert!(open.load("good").is_ok());
        assert!(open.load("big").is_ok());
        assert_eq!(
            open.load("folder").unwrap_err().message,
            "is a directory, not a record file"
        );
        assert!(
            open.load("dangling")
                .unwrap_err()
                .message
                .starts_with("cannot read: ")
        );
        assert!(
            open.load("missing")
                .unwrap_err()
                .message
                .starts_with("cannot read: ")
        );
    }

    #[test]
    fn a_missing_folder_has_no_records_and_a_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("translations")).unwrap();
        fs::write(root.join("translations/file"), "").unwrap();
        let store = Store::new(root);
        assert!(store.record_folder("missing").unwrap().is_none());
        assert!(store.record_ids("missing").unwrap().is_empty());
        let err = store.record_ids("file").err().unwrap().to_string();
        let std_err = fs::read_dir(root.join("translations/file")).err().unwrap();
        assert_eq!(err, format!("translations/file: {std_err}"));
    }

    #[test]
    fn read_whole_at_sizes_and_refuses_as_metadata_would() {
        let dir = tempfile::tempdir().unwrap();
        let at = fs::File::open(dir.path()).unwrap();
        let text: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        fs::write(dir.path().join("f"), &text).unwrap();
        fs::create_dir(dir.path().join("d")).unwrap();
        for room in [0, 1, 4096, 99_999, 100_000, 100_001, 200_000] {
            let mut buf = Vec::with_capacity(room);
            read_whole_at(&at, "f", 100_000, &mut buf).unwrap();
            assert_eq!(buf, text, "room {room}");
            let mut buf = Vec::with_capacity(room);
            let refused = read_whole_at(&at, "f", 99_999, &mut buf);
            assert!(
                matches!(refused, Err(ReadError::TooLarge(100_000))),
                "room {room}"
            );
            let mut buf = Vec::with_capacity(room);
            assert!(matches!(
                read_whole_at(&at, "d", 10, &mut buf),
                Err(ReadError::IsDir)
            ));
            let missing = read_whole_at(&at, "nothing", 10, &mut buf);
            assert!(
                matches!(missing, Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound)
            );
        }
        // a file larger than `max` is refused before it is read whole
        let mut buf = Vec::with_capacity(10);
        assert!(matches!(
            read_whole_at(&at, "f", 50, &mut buf),
            Err(ReadError::TooLarge(100_000))
        ));
        assert!(buf.len() <= 10);
    }
}
