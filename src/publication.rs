//! Publications: `publications/<slug>/<N>.toml`, one file per publication of
//! an article, written by `verbatim publish` beside the annotated tag
//! `published/<slug>/<N>`.

use serde::{Deserialize, Serialize};

use crate::quote::Person;
use crate::store::{RecordError, Store, line_col, write_atomic};

/// Folder of publication records.
pub const PUBLICATIONS_DIR: &str = "publications";

/// One publication of one article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publication {
    /// Schema version (1).
    pub schema: u32,
    /// The article's slug.
    pub article: String,
    /// 1 for the first publication, then 2, 3…
    pub number: u32,
    /// The annotated tag, `published/<slug>/<N>`.
    pub tag: String,
    /// Who published (git identity).
    pub publisher: Person,
    /// When, RFC 3339 UTC.
    pub at: String,
    /// git blob id of the article file as published.
    pub article_blob: String,
    /// Quotes whose content changed since the previous publication (the
    /// correction list); empty for the first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<String>,
    /// Every quote of the article as published.
    #[serde(rename = "quote", default)]
    pub quotes: Vec<PublishedQuote>,
}

/// One quote as it stood when the article was published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishedQuote {
    /// The quote id.
    pub id: String,
    /// Its revision number.
    pub revision: u32,
    /// Its digest.
    pub digest: String,
}

impl Publication {
    /// The digest this publication holds for a quote id.
    pub fn digest_of(&self, id: &str) -> Option<&str> {
        self.quotes
            .iter()
            .find(|q| q.id == id)
            .map(|q| q.digest.as_str())
    }

    /// Relative path of publication `n` of `slug`.
    pub fn rel_path(slug: &str, n: u32) -> String {
        format!("{PUBLICATIONS_DIR}/{slug}/{n}.toml")
    }
}

/// Every publication of an article, oldest first.
pub fn publications(store: &Store, slug: &str) -> Result<Vec<Publication>, RecordError> {
    let dir = store.abs(&[PUBLICATIONS_DIR, "/", slug].concat());
    let mut numbers: Vec<u32> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .flatten()
            .filter_map(|e| e.file_name().to_str()?.strip_suffix(".toml")?.parse().ok())
            .collect(),
        Err(_) => Vec::new(),
    };
    numbers.sort_unstable();
    numbers
        .into_iter()
        .map(|n| load(store, &Publication::rel_path(slug, n)))
        .collect()
}

/// The newest publication of an article.
pub fn latest(store: &Store, slug: &str) -> Result<Option<Publication>, RecordError> {
    Ok(publications(store, slug)?.pop())
}

fn load(store: &Store, rel: &str) -> Result<Publication, RecordError> {
    let text = std::fs::read_to_string(store.abs(rel)).map_err(|e| RecordError {
        path: rel.to_string(),
        line: 1,
        column: 1,
        message: format!("cannot read: {e}"),
    })?;
    toml::from_str(&text).map_err(|e| {
        let (line, column) = line_col(&text, e.span().map(|s| s.start).unwrap_or(0));
        RecordError {
            path: rel.to_string(),
            line,
            column,
            message: e.message().trim().replace('\n', "; "),
        }
    })
}

/// The bytes of a publication record: deterministic for the same content.
pub fn serialize(p: &Publication) -> String {
    let body = toml::to_string_pretty(p).expect("a publication always serialises to TOML");
    format!("# verbatim publication record; docs/PUBLISHING.md describes it.\n{body}")
}

/// Writes a publication record atomically; returns its relative path.
pub fn save(store: &Store, p: &Publication) -> std::io::Result<String> {
    let rel = Publication::rel_path(&p.article, p.number);
    write_atomic(&store.abs(&rel), serialize(p).as_bytes())?;
    Ok(rel)
}
