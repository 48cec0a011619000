//! The newsroom on disk: `articles/<slug>.md` and
//! `translations/<slug>/<id>.toml`. Reads and validates records, and writes
//! them atomically (temp file in the same directory, synced, renamed).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

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
        format!("{TRANSLATIONS_DIR}/{}/{}.toml", r.slug, r.id)
    }

    /// `articles/<slug>.md`, relative to the root.
    pub fn article_rel_path(slug: &str) -> String {
        format!("{ARTICLES_DIR}/{slug}.md")
    }

    /// Absolute path of a relative one.
    pub fn abs(&self, rel: &str) -> PathBuf {
        // sized up front: `join` grows its copy of the root to fit `rel`, a
        // second allocation for every file `check` opens
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
        let dir = self.abs(&format!("{TRANSLATIONS_DIR}/{slug}"));
        let mut ids = Vec::new();
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ids),
            Err(e) => {
                return Err(StoreError::Io {
                    path: format!("{TRANSLATIONS_DIR}/{slug}"),
                    source: e,
                });
            }
        };
        for entry in entries.flatten() {
            // the name's own string becomes the id: one copy less per record
            let Ok(mut name) = entry.file_name().into_string() else {
                continue;
            };
            if let Some(id) = name.strip_suffix(".toml") {
                name.truncate(id.len());
                ids.push(name);
            }
        }
        ids.sort();
        Ok(ids)
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
                let name = entry.file_name();
                let Some(name) = name.to_str() else { continue };
                let slug = if is_article {
                    match name.strip_suffix(".md") {
                        Some(s) => s,
                        None => continue,
                    }
                } else if entry.path().is_dir() {
                    name
                } else {
                    continue;
                };
                if valid_name(slug, 128) {
                    slugs.push(slug.to_string());
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
