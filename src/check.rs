//! The CI gate: every quotation of an article against the article's quote
//! records. Pure domain: it returns findings; `render::report` prints them.

use serde::Serialize;

use crate::article::{self, ExtractedArticle, Quotation};
use crate::matching::{self, Candidate, Match, Side};
use crate::policy::Policy;
use crate::publication::Publication;
use crate::quote::{Quote, Revision, State, Verdict};
use crate::render::diff::{Segment, word_diff};
use crate::store::{QuoteRef, ReadError, RecordError, Store, read_whole_at};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Fails the check.
    Error,
    /// Reported, does not fail.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem found, at `file:line:column`.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// The finding code (`untracked-quote`, `drift`, …; docs/CHECKS.md).
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// Path relative to the repository root.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The quote record concerned, `SLUG/ID`, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The quotation's text as the article has it, if the finding is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// For drift: the word diff from the record's text to the article's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<Vec<Segment>>,
}

/// A quotation of an article and what it matched.
#[derive(Debug, Clone, Serialize)]
pub struct QuotationResult {
    /// 1-based line of the opening mark.
    pub line: usize,
    /// 1-based column of the opening mark.
    pub column: usize,
    /// The quoted text.
    pub text: String,
    /// The record it matched, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// What the quotation is: `matched`, `drift`, `untracked`, `exempt`.
    pub status: &'static str,
    /// The matched record's state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<State>,
}

/// Everything `check` learned about one article.
#[derive(Debug, Clone, Default)]
pub struct ArticleReport {
    /// The slug.
    pub slug: String,
    /// `articles/<slug>.md`.
    pub file: String,
    /// Whether the article file exists.
    pub exists: bool,
    /// Quotations in article order.
    pub quotations: Vec<QuotationResult>,
    /// Findings, in file then line order.
    pub findings: Vec<Finding>,
    /// Records that could be read, by id, with their state.
    pub records: Vec<(String, State)>,
    /// Ids of records whose text the article does not quote.
    pub orphans: Vec<String>,
    /// Exemptions declared in the article.
    pub exemptions: Vec<String>,
}

impl ArticleReport {
    /// Number of error findings.
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    }

    /// Number of warning findings.
    pub fn warnings(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count()
    }
}

/// An article file that can't be read at all.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ArticleError {
    /// The file.
    pub path: String,
    /// Why.
    pub message: String,
}

/// Largest article read, in bytes.
pub const MAX_ARTICLE_BYTES: u64 = 64 * 1024 * 1024;

/// Room for a typical article in the first read; a larger one costs one
/// `fstat` more (see [`read_whole_at`]).
const ARTICLE_BUFFER_BYTES: usize = 16 * 1024;

/// Reads an article's text, if the file exists.
///
/// `check` reads every article: open and read it whole with
/// [`read_whole_at`], which looks the path up once and needs no `fstat` for
/// an article of typical size, where metadata first and then `fs::read`
/// looked it up twice and made two `statx` calls and an `lseek`. An open that
/// fails other than for a missing file (permission denied, say) goes the
/// old way, [`read_article_by_metadata`], so that every error is as before
/// (a folder or a too large file is named so even if unreadable).
pub fn read_article(store: &Store, slug: &str) -> Result<Option<String>, ArticleError> {
    let rel = Store::article_rel_path(slug);
    let path = store.abs(&rel);
    let mut bytes = Vec::with_capacity(ARTICLE_BUFFER_BYTES);
    match read_whole_at(rustix::fs::CWD, &path, MAX_ARTICLE_BYTES, &mut bytes) {
        Ok(()) => article_text(rel, bytes).map(Some),
        Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(ReadError::IsDir) => Err(ArticleError {
            path: rel,
            message: "is a directory, not a Markdown file".into(),
        }),
        Err(ReadError::TooLarge(len)) => Err(ArticleError {
            path: rel,
            message: format!(
                "is {len} bytes; articles larger than {MAX_ARTICLE_BYTES} bytes are refused"
            ),
        }),
        Err(ReadError::Io(_)) => read_article_by_metadata(rel, &path),
    }
}

/// [`read_article`] the simple way: metadata first, then the whole file.
fn read_article_by_metadata(
    rel: String,
    path: &std::path::Path,
) -> Result<Option<String>, ArticleError> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(ArticleError {
                path: rel,
                message: format!("cannot read: {e}"),
            });
        }
    };
    if meta.is_dir() {
        return Err(ArticleError {
            path: rel,
            message: "is a directory, not a Markdown file".into(),
        });
    }
    if meta.len() > MAX_ARTICLE_BYTES {
        return Err(ArticleError {
            path: rel,
            message: format!(
                "is {} bytes; articles larger than {MAX_ARTICLE_BYTES} bytes are refused",
                meta.len()
            ),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| ArticleError {
        path: rel.clone(),
        message: format!("cannot read: {e}"),
    })?;
    article_text(rel, bytes).map(Some)
}

/// An article's bytes as text, or where they stop being UTF-8.
fn article_text(rel: String, bytes: Vec<u8>) -> Result<String, ArticleError> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let text = String::from_utf8_lossy(valid);
            let (line, column) = crate::store::line_col(&text, text.len());
            Err(ArticleError {
                path: format!("{rel}:{line}:{column}"),
                message: "is not valid UTF-8 text; save it as UTF-8".into(),
            })
        }
    }
}

/// Loads an article's records: the readable ones, and a finding for each
/// that can't be read.
pub fn load_records(store: &Store, slug: &str) -> (Vec<(QuoteRef, Quote)>, Vec<RecordError>) {
    let mut good = Vec::new();
    let mut bad = Vec::new();
    let mut folder = match store.record_folder(slug) {
        Ok(Some(folder)) => folder,
        Ok(None) => return (good, bad),
        Err(e) => {
            bad.push(RecordError {
                path: format!("{}/{slug}", crate::store::TRANSLATIONS_DIR),
                line: 1,
                column: 1,
                message: e.to_string(),
            });
            return (good, bad);
        }
    };
    let ids = folder.ids();
    good.reserve_exact(ids.len());
    for id in ids {
        if crate::store::validate_id(&id).is_err() {
            bad.push(RecordError {
                path: Store::record_rel_path_of(slug, &id),
                line: 1,
                column: 1,
                message: format!(
                    "`{}` is not a valid quote id; rename the file",
                    crate::render::sanitize_inline(&id)
                ),
            });
            continue;
        }
        match folder.load(&id) {
            Ok(q) => good.push((
                QuoteRef {
                    slug: slug.to_string(),
                    id,
                },
                q,
            )),
            Err(e) => bad.push(e),
        }
    }
    (good, bad)
}

/// Checks one article against its records.
pub fn check_article(
    store: &Store,
    policy: &Policy,
    slug: &str,
    latest: Option<&Publication>,
) -> Result<ArticleReport, ArticleError> {
    let source = read_article(store, slug)?;
    let (records, bad) = load_records(store, slug);
    let mut report = check_loaded(policy, slug, source.as_deref(), &records, &bad, latest);
    relocate_review_findings(store, &records, &mut report.findings);
    Ok(report)
}

/// Codes of the findings about a review's signature.
pub const SIGNATURE_CODES: [&str; 4] = [
    "unsigned-review",
    "bad-signature",
    "unknown-signer",
    "self-approval",
];

/// Lines (1-based) of the `[[review]]` table headers of a record's text.
fn review_table_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == "[[review]]")
        .map(|(i, _)| i + 1)
        .collect()
}

/// Signature findings point at a `[[review]]` table of the record as
/// verbatim writes it (`check_loaded` has no file text); this moves each to
/// the same table in the file on disk, which a hand edit may have laid out
/// differently.
pub fn relocate_review_findings(
    store: &Store,
    records: &[(QuoteRef, Quote)],
    findings: &mut [Finding],
) {
    for f in findings
        .iter_mut()
        .filter(|f| SIGNATURE_CODES.contains(&f.code))
    {
        let Some((r, q)) = records
            .iter()
            .find(|(r, _)| f.quote.as_deref() == Some(r.to_string().as_str()))
        else {
            continue;
        };
        if f.file != Store::record_rel_path(r) {
            continue;
        }
        let canonical = review_table_lines(&crate::store::serialize_record(q));
        let Some(i) = canonical.iter().position(|l| *l == f.line) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(store.abs(&f.file)) else {
            continue;
        };
        if let Some(line) = review_table_lines(&text).get(i) {
            f.line = *line;
        }
    }
}

/// Checks an article whose text and records are already loaded.
pub fn check_loaded(
    policy: &Policy,
    slug: &str,
    source: Option<&str>,
    records: &[(QuoteRef, Quote)],
    bad: &[RecordError],
    latest: Option<&Publication>,
) -> ArticleReport {
    let rules = policy.rules();
    let file = Store::article_rel_path(slug);
    let mut report = ArticleReport {
        slug: slug.to_string(),
        file: file.clone(),
        exists: source.is_some(),
        ..ArticleReport::default()
    };
    for e in bad {
        report.findings.push(Finding {
            code: "invalid-record",
            severity: Severity::Error,
            file: e.path.clone(),
            line: e.line,
            column: e.column,
            quote: None,
            message: e.message.clone(),
            text: None,
            diff: None,
        });
    }
    // Each record's current texts are normalised once: for its digest (its
    // state) and for matching the article's quotations.
    let currents: Vec<&Revision> = records.iter().map(|(_, q)| q.current()).collect();
    let candidates: Vec<Candidate> = currents
        .iter()
        .map(|rev| Candidate {
            translation: rev.translation.as_deref(),
            original: &rev.original,
        })
        .collect();
    let mut cache = matching::NormCache::filled(&candidates);
    let states: Vec<State> = records
        .iter()
        .enumerate()
        .map(|(i, (r, q))| {
            let digest = matching::digest_normalized(
                cache.get(i, Side::Original).unwrap_or_default(),
                cache.get(i, Side::Translation),
            );
            crate::signing::under_policy(policy, r, q).state_of_digest(
                &digest,
                &rules,
                latest.and_then(|p| p.digest_of(&r.id)),
            )
        })
        .collect();
    report.records = records
        .iter()
        .zip(&states)
        .map(|((r, _), s)| (r.id.clone(), *s))
        .collect();
    for (r, q) in records {
        self_approval_findings(r, q, &mut report.findings);
        report
            .findings
            .extend(crate::quality::record_findings(policy, r, q));
        signature_findings(policy, r, q, &mut report.findings);
    }
    let Some(source) = source else {
        return report;
    };
    let mut extracted = article::extract(source);
    let exempt: Vec<String> = extracted
        .exemptions
        .iter()
        .map(|e| matching::normalize(&e.text))
        .collect();
    report.exemptions = extracted
        .exemptions
        .iter()
        .map(|e| e.text.clone())
        .collect();
    let mut used = vec![false; records.len()];
    report.quotations.reserve_exact(extracted.quotations.len());
    let mut translated_quoted = false;
    // Each quotation's text moves into its result once checked.
    for quotation in std::mem::take(&mut extracted.quotations) {
        let mut result = check_quotation(
            &quotation,
            &exempt,
            records,
            &states,
            &candidates,
            &mut cache,
            &file,
            &mut report.findings,
        );
        if let Some(i) = result.1 {
            used[i] = true;
            if records[i].1.current().translation.is_some() && result.2 == Some(Side::Translation) {
                translated_quoted = true;
            }
        }
        result.0.text = quotation.text;
        report.quotations.push(result.0);
    }
    if translated_quoted {
        disclosure_finding(policy, &extracted, &file, &mut report.findings);
    }
    for (i, (r, _)) in records.iter().enumerate() {
        if !used[i] {
            report.orphans.push(r.id.clone());
            report.findings.push(Finding {
                code: "orphan-record",
                severity: Severity::Warning,
                file: Store::record_rel_path(r),
                line: 1,
                column: 1,
                quote: Some(r.to_string()),
                message: format!("the text of {r} appears nowhere in {file}"),
                text: None,
                diff: None,
            });
        }
    }
    report.findings.sort_by(|a, b| {
        (a.file != file, &a.file, a.line, a.column).cmp(&(
            b.file != file,
            &b.file,
            b.line,
            b.column,
        ))
    });
    report
}

/// Matches one quotation; returns its result (with an empty `text`, which
/// the caller moves in), the record index it matched (exactly or as drift),
/// and the side matched.
// The article's state is passed piecewise, as before the normalisation cache
// joined it; a struct for one private call would only rename the problem.
#[allow(clippy::too_many_arguments)]
fn check_quotation<'r>(
    quotation: &Quotation,
    exempt: &[String],
    records: &[(QuoteRef, Quote)],
    states: &[State],
    candidates: &[Candidate<'r>],
    cache: &mut matching::NormCache<'r>,
    file: &str,
    findings: &mut Vec<Finding>,
) -> (QuotationResult, Option<usize>, Option<Side>) {
    let mut result = QuotationResult {
        line: quotation.line,
        column: quotation.column,
        text: String::new(),
        quote: None,
        status: "untracked",
        state: None,
    };
    let finding = |code: &'static str,
                   quote: Option<String>,
                   message: String,
                   diff: Option<Vec<Segment>>| Finding {
        code,
        severity: Severity::Error,
        file: file.to_string(),
        line: quotation.line,
        column: quotation.column,
        quote,
        message,
        text: Some(quotation.text.clone()),
        diff,
    };
    if let Some(c) = first_suspicious(&quotation.text) {
        findings.push(finding(
            "suspicious-text",
            None,
            format!(
                "the quotation contains the invisible or direction-changing character U+{:04X}; remove it",
                c as u32
            ),
            None,
        ));
    }
    // Only findings show the text: most quotations match an approved record.
    let shown = || crate::render::ellipsize(&crate::render::sanitize_inline(&quotation.text), 80);
    let norm = matching::normalize_cow(&quotation.text);
    if exempt.iter().any(|e| *e == *norm) {
        result.status = "exempt";
        return (result, None, None);
    }
    match matching::match_normalized(&norm, candidates, cache) {
        Match::Exact { index, side } => {
            let (r, q) = &records[index];
            let state = states[index];
            result.quote = Some(r.joined());
            result.status = "matched";
            result.state = Some(state);
            match state {
                State::Pending | State::ChangesRequested => findings.push(finding(
                    "unapproved",
                    Some(r.to_string()),
                    format!(
                        "“{}” is {r}, which is {state}: it needs an approved translation",
                        shown()
                    ),
                    None,
                )),
                State::Stale => {
                    let rev = q.current().number;
                    findings.push(finding(
                        "stale-approval",
                        Some(r.to_string()),
                        format!("“{}” is {r}, whose approval is stale: revision {rev} changed the text after it was approved", shown()),
                        None,
                    ))
                }
                State::Approved | State::Published => {}
            }
            (result, Some(index), Some(side))
        }
        Match::Drift {
            index,
            side,
            closest,
            similarity,
        } => {
            let (r, _) = &records[index];
            result.quote = Some(r.joined());
            result.status = "drift";
            result.state = Some(states[index]);
            let which = match side {
                Side::Translation => "translation",
                Side::Original => "original",
            };
            findings.push(finding(
                "drift",
                Some(r.to_string()),
                format!(
                    "“{}” differs from the recorded {which} of {r} ({:.0}% alike): quote the record's words, or revise the record",
                    shown(),
                    similarity * 100.0
                ),
                // Punctuation around the quotation is the article's own.
                Some(word_diff(&closest, quotation.text.trim_matches(|c: char| !c.is_alphanumeric()))),
            ));
            (result, Some(index), Some(side))
        }
        Match::None => {
            findings.push(finding(
                "untracked-quote",
                None,
                format!("“{}” matches no quote record of this article", shown()),
                None,
            ));
            (result, None, None)
        }
    }
}

/// The first bidi control or zero-width character of `text`, if any. Each
/// is U+061C or above, so its UTF-8 starts with a byte of 0xD8 or more: the
/// text before the first such byte (often all of it) is skipped unread.
fn first_suspicious(text: &str) -> Option<char> {
    // a byte of 0xD8 or more starts a char, so `from` is a char boundary
    let from = text.bytes().position(|b| b >= 0xD8)?;
    text[from..]
        .chars()
        .find(|&c| crate::render::is_suspicious(c))
}

fn disclosure_finding(
    policy: &Policy,
    extracted: &ExtractedArticle,
    file: &str,
    findings: &mut Vec<Finding>,
) {
    // An invalid pattern is refused when the policy is read.
    if policy.disclosure_in(&extracted.prose) == Ok(false) {
        findings.push(Finding {
            code: "missing-disclosure",
            severity: Severity::Error,
            file: file.to_string(),
            line: 1,
            column: 1,
            quote: None,
            message: format!(
                "the article quotes translated words but does not say so (no text matches the disclosure pattern `{}` of verbatim.toml)",
                policy.disclosure
            ),
            text: None,
            diff: None,
        });
    }
}

/// An approval written by the author of the revision it approves never
/// counts; finding one in a file means it was typed by hand.
fn self_approval_findings(r: &QuoteRef, q: &Quote, findings: &mut Vec<Finding>) {
    for (i, review) in q.reviews.iter().enumerate() {
        if review.verdict == Verdict::Approved && q.is_self_review(review) {
            findings.push(Finding {
                code: "self-approval",
                severity: Severity::Error,
                file: Store::record_rel_path(r),
                line: 1,
                column: 1,
                quote: Some(r.to_string()),
                message: format!(
                    "review {} approves revision {} by its own author {}; it does not count",
                    i + 1,
                    review.revision,
                    crate::render::sanitize_inline(&review.reviewer.to_string())
                ),
                text: None,
                diff: None,
            });
        }
    }
}

/// Under `require_signed_reviews`, every review's signature is verified
/// (docs/SIGNING.md). A failure on a review of the current content is an
/// error; on a review of earlier content (which no longer counts for
/// anything) a warning, so that turning the policy on does not make old,
/// unsigned history an error forever.
fn signature_findings(policy: &Policy, r: &QuoteRef, q: &Quote, findings: &mut Vec<Finding>) {
    if !policy.require_signed_reviews {
        return;
    }
    let none = crate::signing::AllowedSigners::default();
    let allowed = policy.signers.as_ref().unwrap_or(&none);
    let name = r.to_string();
    let current = q.current_digest();
    // The line in the record as verbatim writes it; `check_article` moves
    // it to the file's own layout (relocate_review_findings).
    let review_lines = review_table_lines(&crate::store::serialize_record(q));
    for (i, review) in q.reviews.iter().enumerate() {
        let result = crate::signing::verify_review(&name, q, review, allowed);
        let Some(code) = result.code() else {
            continue;
        };
        let why = match &result {
            crate::signing::SignatureCheck::Unsigned => {
                "is not signed, and verbatim.toml requires signed reviews".to_string()
            }
            crate::signing::SignatureCheck::Bad(m)
            | crate::signing::SignatureCheck::UnknownSigner(m)
            | crate::signing::SignatureCheck::SelfApproval(m) => m.clone(),
            crate::signing::SignatureCheck::Valid { .. } => continue,
        };
        let counts = if review.verdict == Verdict::Approved {
            "; it does not count"
        } else {
            ""
        };
        findings.push(Finding {
            code,
            severity: if review.digest == current {
                Severity::Error
            } else {
                Severity::Warning
            },
            file: Store::record_rel_path(r),
            line: review_lines.get(i).copied().unwrap_or(1),
            column: 1,
            quote: Some(name.clone()),
            message: crate::render::sanitize_inline(&format!(
                "review {} ({} by {}): {why}{counts}",
                i + 1,
                review.verdict.as_str(),
                review.reviewer
            )),
            text: None,
            diff: None,
        });
    }
}

/// Where an article quotes a revision's text: (line, that line of the
/// article), for the review screen.
pub fn locate(source: &str, revision: &Revision) -> Vec<(usize, String)> {
    let extracted = article::extract(source);
    let candidate = [Candidate {
        translation: revision.translation.as_deref(),
        original: &revision.original,
    }];
    let lines: Vec<&str> = source.lines().collect();
    extracted
        .quotations
        .iter()
        .filter(|q| {
            matches!(
                matching::match_quotation(&q.text, &candidate),
                Match::Exact { .. } | Match::Drift { .. }
            )
        })
        .map(|q| {
            (
                q.line,
                lines
                    .get(q.line - 1)
                    .map(|l| l.trim().to_string())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::first_suspicious;

    fn reference(text: &str) -> Option<char> {
        text.chars().find(|&c| crate::render::is_suspicious(c))
    }

    #[test]
    fn first_suspicious_finds_each_kind() {
        for c in [
            '\u{061C}', '\u{200B}', '\u{200D}', '\u{200E}', '\u{202E}', '\u{2060}', '\u{2069}',
            '\u{FEFF}',
        ] {
            let text = format!("a “b” é{c}ñ\u{202E}");
            assert_eq!(first_suspicious(&text), Some(c), "{c:?}");
        }
        assert_eq!(first_suspicious("plain “text” — é ñ 😀 \u{600}"), None);
        assert_eq!(first_suspicious(""), None);
    }

    proptest! {
        #[test]
        fn first_suspicious_is_the_first_char_found(
            text in prop::collection::vec(
                prop_oneof![
                    any::<char>(),
                    prop::sample::select(vec![
                        'a', ' ', 'é', '“', '”', '—', '\u{061B}', '\u{061C}', '\u{061D}',
                        '\u{200A}', '\u{200B}', '\u{200F}', '\u{2010}', '\u{202E}',
                        '\u{2066}', '\u{2064}', '\u{2065}', '\u{FEFE}', '\u{FEFF}',
                    ]),
                ],
                0..24,
            ).prop_map(|v| v.into_iter().collect::<String>())
        ) {
            prop_assert_eq!(first_suspicious(&text), reference(&text));
        }
    }
}

#[cfg(test)]
mod read_article_tests {
    use super::*;

    fn outcome(r: Result<Option<String>, ArticleError>) -> Result<Option<String>, String> {
        r.map_err(|e| e.to_string())
    }

    #[test]
    fn reads_as_metadata_then_fs_read_did() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let articles = root.join("articles");
        std::fs::create_dir_all(articles.join("folder.md")).unwrap();
        std::fs::create_dir_all(root.join("elsewhere/folder")).unwrap();
        std::fs::write(articles.join("plain.md"), "# Title\n\nText “quoted”.\n").unwrap();
        std::fs::write(articles.join("empty.md"), "").unwrap();
        std::fs::write(articles.join("latin1.md"), b"# Caf\xe9\n").unwrap();
        // more than the first read's room
        let long = "A line of an article, long enough.\n".repeat(3000);
        assert!(long.len() > 4 * ARTICLE_BUFFER_BYTES);
        std::fs::write(articles.join("long.md"), &long).unwrap();
        std::os::unix::fs::symlink(articles.join("plain.md"), articles.join("link.md")).unwrap();
        std::os::unix::fs::symlink(root.join("elsewhere/folder"), articles.join("dirlink.md"))
            .unwrap();
        std::os::unix::fs::symlink(root.join("gone"), articles.join("dangling.md")).unwrap();
        let store = Store::new(root);
        let slugs = [
            "folder", "plain", "empty", "latin1", "long", "link", "dirlink", "dangling", "missing",
        ];
        for slug in slugs {
            let rel = Store::article_rel_path(slug);
            let path = store.abs(&rel);
            assert_eq!(
                outcome(read_article(&store, slug)),
                outcome(read_article_by_metadata(rel, &path)),
                "{slug}"
            );
        }
        assert_eq!(read_article(&store, "long").unwrap().unwrap(), long);
        assert!(read_article(&store, "missing").unwrap().is_none());
        assert!(read_article(&store, "dangling").unwrap().is_none());
        assert!(read_article(&store, "latin1").is_err());
        assert!(read_article(&store, "folder").is_err());

        // `articles` a file: the open fails other than "not found"
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("articles"), "").unwrap();
        let store = Store::new(dir.path());
        let rel = Store::article_rel_path("any");
        let path = store.abs(&rel);
        let err = read_article(&store, "any").unwrap_err().to_string();
        assert!(err.starts_with("articles/any.md: cannot read: "), "{err}");
        assert_eq!(Err(err), outcome(read_article_by_metadata(rel, &path)));
    }
}
