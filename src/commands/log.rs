//! `verbatim log`: a quote's revisions, reviews and publications, each with
//! the git commit that recorded it.

use std::path::Path;

use clap::Args;
use console::Style;
use serde::Serialize;

use crate::error::CommandError;
use crate::history::{self, HistoryError};
use crate::history_index::HistoryIndex;
use crate::newsroom::Newsroom;
use crate::publication::{self, Publication};
use crate::render::sanitize_inline;
use crate::store::{QuoteRef, Store};
use crate::ui::{Format, Ui};

/// Show a quote's history: revisions, reviews, publications, with commits.
///
/// Show a quote's history: every revision, review and publication of its
/// article that included it, oldest first, each with the git commit that
/// recorded it (`-` when none did, e.g. after `--no-commit`).
///
/// Examples:
///   verbatim log sheinbaum-call/no-necesario
///   verbatim log sheinbaum-call/no-necesario --format json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct LogArgs {
    /// The quote, as SLUG/ID.
    #[arg(value_name = "SLUG/ID", add = clap_complete::ArgValueCompleter::new(super::completions::complete_quote))]
    pub quote: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
}

/// What kind of event a log line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    /// A revision of the quote pair.
    Revision,
    /// A verdict on a revision.
    Review,
    /// A publication of the article holding this quote.
    Publication,
}

/// One event of a quote's history, as `--format json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    /// `revision`, `review` or `publication`.
    pub kind: EventKind,
    /// `SLUG/ID`.
    pub quote: String,
    /// When, RFC 3339 UTC.
    pub time: String,
    /// Who: author, reviewer or publisher, `Name <email>`.
    pub who: String,
    /// Full id of the commit that recorded it, or null.
    pub commit: Option<String>,
    /// Revision number (revision) or publication number (publication).
    pub number: Option<u32>,
    /// The quote's revision reviewed (review) or published (publication).
    pub revision: Option<u32>,
    /// `approved` or `changes-requested` (review).
    pub verdict: Option<&'static str>,
    /// The reviewer's comment (review).
    pub comment: Option<String>,
    /// The revision's note (revision).
    pub note: Option<String>,
    /// The publication's tag (publication).
    pub tag: Option<String>,
    /// For a signed review: the signing key, `signed with ssh-ed25519 SHA256:…`
    /// (who signed; `check` says whether the signature is valid).
    pub signature: Option<String>,
}

impl From<HistoryError> for CommandError {
    fn from(e: HistoryError) -> Self {
        let hint = match &e {
            HistoryError::BadRevision { .. } => {
                Some("`git log --oneline` and `git tag` list what exists".to_string())
            }
            _ => None,
        };
        let mut err = CommandError::usage(e.to_string());
        err.hint = hint;
        err
    }
}

/// The events of a quote's history, oldest first. Events with the same
/// time keep workflow order: a revision, then its reviews, then a
/// publication of it.
pub fn events(newsroom: &Newsroom, r: &QuoteRef) -> Result<Vec<Event>, CommandError> {
    let quote = newsroom.store.load(r)?;
    let rel = Store::record_rel_path(r);
    let git = &newsroom.repo.git;
    let mut index = HistoryIndex::open(git);
    let commits = history::record_commits(git, &mut index, &rel, &quote)?;
    let name = r.to_string();
    let mut keyed: Vec<((u32, u8), Event)> = Vec::new();
    for (rev, commit) in quote.revisions.iter().zip(&commits.revisions) {
        keyed.push((
            (rev.number, 0),
            Event {
                kind: EventKind::Revision,
                quote: name.clone(),
                time: rev.at.clone(),
                who: rev.author.to_string(),
                commit: commit.map(|c| c.to_string()),
                number: Some(rev.number),
                revision: Some(rev.number),
                verdict: None,
                comment: None,
                note: rev.note.clone(),
                tag: None,
                signature: None,
            },
        ));
    }
    for (review, commit) in quote.reviews.iter().zip(&commits.reviews) {
        keyed.push((
            (review.revision, 1),
            Event {
                kind: EventKind::Review,
                quote: name.clone(),
                time: review.at.clone(),
                who: review.reviewer.to_string(),
                commit: commit.map(|c| c.to_string()),
                number: None,
                revision: Some(review.revision),
                verdict: Some(review.verdict.as_str()),
                comment: review.comment.clone(),
                note: None,
                tag: None,
                signature: review
                    .signature
                    .as_deref()
                    .map(crate::signing::describe_signature),
            },
        ));
    }
    let publications: Vec<Publication> = publication::publications(&newsroom.store, &r.slug)
        .map_err(|e| CommandError::usage(e.to_string()))?;
    for p in publications {
        let Some(published) = p.quotes.iter().find(|q| q.id == r.id) else {
            continue;
        };
        let commit =
            history::adding_commit(git, &mut index, &Publication::rel_path(&r.slug, p.number))?;
        keyed.push((
            (published.revision, 2),
            Event {
                kind: EventKind::Publication,
                quote: name.clone(),
                time: p.at.clone(),
                who: p.publisher.to_string(),
                commit: commit.map(|c| c.to_string()),
                number: Some(p.number),
                revision: Some(published.revision),
                verdict: None,
                comment: None,
                note: None,
                tag: Some(p.tag.clone()),
                signature: None,
            },
        ));
    }
    // Best effort: a read-only repository only makes the next `log` slower.
    index.save();
    // Times are RFC 3339 UTC with the same layout, so they sort as text.
    keyed.sort_by(|(ka, a), (kb, b)| a.time.cmp(&b.time).then(ka.cmp(kb)));
    Ok(keyed.into_iter().map(|(_, e)| e).collect())
}

/// Runs `log`.
pub fn run(ui: &mut Ui, dir: &Path, args: &LogArgs) -> Result<u8, CommandError> {
    let r = QuoteRef::parse(&args.quote)?;
    let newsroom = Newsroom::open(dir)?;
    // `log` only reads and shows history. Like git's own reads, it does not
    // hash again every object it inflates (zlib's checksums still catch a
    // damaged file): libgit2's check (SHA-1 with collision detection) was
    // half of the first `log` in a clone, which reads every version of the
    // record (docs/PERFORMANCE.md). Commands that write, and `check
    // --verify-history`, keep the check.
    git2::opts::strict_hash_verification(false);
    let events = events(&newsroom, &r)?;
    ui.start_pager();
    if args.format == Format::Json {
        for e in &events {
            ui.json(e)?;
        }
        return Ok(0);
    }
    let dim = Style::new().dim();
    let yellow = Style::new().yellow();
    let bold = Style::new().bold();
    // "[unsigned]" means something only where signatures are expected: the
    // policy requires them, or some review of this quote carries one.
    let signing =
        newsroom.policy.require_signed_reviews || events.iter().any(|e| e.signature.is_some());
    ui.line(ui.paint(&bold, &r.to_string()))?;
    for e in &events {
        let commit = match &e.commit {
            Some(c) => ui.paint(&yellow, &c[..10]),
            None => ui.paint(&dim, &format!("{:<10}", "-")),
        };
        let what = match e.kind {
            EventKind::Revision => format!(
                "revision {}{}",
                e.number.unwrap_or_default(),
                e.note
                    .as_deref()
                    .map(|n| format!(": {}", sanitize_inline(n)))
                    .unwrap_or_default()
            ),
            EventKind::Review => format!(
                "{} revision {}{}{}",
                e.verdict.unwrap_or_default(),
                e.revision.unwrap_or_default(),
                e.comment
                    .as_deref()
                    .map(|c| format!(": {}", sanitize_inline(c)))
                    .unwrap_or_default(),
                match (&e.signature, signing) {
                    (Some(s), _) => format!(" [{s}]"),
                    (None, true) => " [unsigned]".to_string(),
                    (None, false) => String::new(),
                },
            ),
            EventKind::Publication => format!(
                "publication {} (revision {}) {}",
                e.number.unwrap_or_default(),
                e.revision.unwrap_or_default(),
                sanitize_inline(e.tag.as_deref().unwrap_or_default())
            ),
        };
        ui.line(format!(
            "{commit}  {}  {what}  ({})",
            ui.paint(&dim, &sanitize_inline(&e.time)),
            sanitize_inline(&e.who),
        ))?;
    }
    Ok(0)
}
