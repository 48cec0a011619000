//! Where an article stands with respect to publication, and the publish
//! gate. The state is derived from `check` (never re-implemented here), the
//! article's publication records and the current files.
//!
//! docs/PUBLISHING.md describes the states and the gate for users.

use serde::Serialize;

use crate::check::{self, ArticleError, ArticleReport, Severity};
use crate::policy::Policy;
use crate::publication::{self, Publication, PublishedQuote};
use crate::quote::Person;
use crate::repo::{Moment, Repo, RepoError};
use crate::store::{ARTICLES_DIR, RecordError, Store, TRANSLATIONS_DIR};

/// Where an article stands with respect to publication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ArticleState {
    /// Never published, and `check` finds errors.
    #[serde(rename = "draft")]
    Draft,
    /// Never published, and `check` finds no error.
    #[serde(rename = "ready")]
    Ready,
    /// The latest publication holds exactly the current article and quotes.
    #[serde(rename = "published")]
    Published,
    /// Published, changed since, and `check` finds errors.
    #[serde(rename = "changed since publication")]
    ChangedSincePublication,
    /// Published, changed since, and `check` passes again: the next
    /// publication would be a correction.
    #[serde(rename = "correction pending")]
    CorrectionPending,
}

impl ArticleState {
    /// The name shown to users.
    pub fn as_str(self) -> &'static str {
        match self {
            ArticleState::Draft => "draft",
            ArticleState::Ready => "ready",
            ArticleState::Published => "published",
            ArticleState::ChangedSincePublication => "changed since publication",
            ArticleState::CorrectionPending => "correction pending",
        }
    }

    /// Derives the state from the three facts it depends on.
    pub fn derive(has_errors: bool, published: bool, unchanged: bool) -> ArticleState {
        match (published, unchanged, has_errors) {
            (false, _, true) => ArticleState::Draft,
            (false, _, false) => ArticleState::Ready,
            (true, true, _) => ArticleState::Published,
            (true, false, true) => ArticleState::ChangedSincePublication,
            (true, false, false) => ArticleState::CorrectionPending,
        }
    }
}

impl std::fmt::Display for ArticleState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What can stop an article's status from being computed.
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    /// The article file can't be read.
    #[error(transparent)]
    Article(#[from] ArticleError),
    /// A publication record can't be read.
    #[error(transparent)]
    Publication(#[from] RecordError),
}

/// Everything known about one article's publication.
#[derive(Debug, Clone)]
pub struct ArticleStatus {
    /// `check`'s report on the article as it is in the work tree.
    pub report: ArticleReport,
    /// Every readable record's current revision and digest, by id.
    pub quotes: Vec<PublishedQuote>,
    /// git blob id of the article file in the work tree, if it exists.
    pub article_blob: Option<String>,
    /// The publications, oldest first.
    pub publications: Vec<Publication>,
    /// The derived state.
    pub state: ArticleState,
}

impl ArticleStatus {
    /// The latest publication.
    pub fn latest(&self) -> Option<&Publication> {
        self.publications.last()
    }

    /// Whether the article and every quote are exactly as last published
    /// (false when never published).
    pub fn unchanged(&self) -> bool {
        self.latest()
            .is_some_and(|p| same_as_published(p, self.article_blob.as_deref(), &self.quotes))
    }
}

/// Whether the article blob and the set of quotes with their digests are
/// those of publication `p`. A quote added or removed since is a change.
pub fn same_as_published(
    p: &Publication,
    article_blob: Option<&str>,
    quotes: &[PublishedQuote],
) -> bool {
    if article_blob != Some(p.article_blob.as_str()) || p.quotes.len() != quotes.len() {
        return false;
    }
    quotes
        .iter()
        .all(|q| p.digest_of(&q.id) == Some(q.digest.as_str()))
}

/// The correction list of a new publication: ids of quotes whose digest
/// differs from, or is absent in, the previous publication. Empty for the
/// first publication.
pub fn corrections(previous: Option<&Publication>, quotes: &[PublishedQuote]) -> Vec<String> {
    let Some(prev) = previous else {
        return Vec::new();
    };
    quotes
        .iter()
        .filter(|q| prev.digest_of(&q.id) != Some(q.digest.as_str()))
        .map(|q| q.id.clone())
        .collect()
}

/// Computes an article's status from the work tree.
pub fn article_status(
    store: &Store,
    policy: &Policy,
    slug: &str,
) -> Result<ArticleStatus, StatusError> {
    let publications = publication::publications(store, slug)?;
    let source = check::read_article(store, slug)?;
    let (records, bad) = check::load_records(store, slug);
    let mut report = check::check_loaded(
        policy,
        slug,
        source.as_deref(),
        &records,
        &bad,
        publications.last(),
    );
    check::relocate_review_findings(store, &records, &mut report.findings);
    let quotes: Vec<PublishedQuote> = records
        .iter()
        .map(|(r, q)| PublishedQuote {
            id: r.id.clone(),
            revision: q.current().number,
            digest: q.current_digest(),
        })
        .collect();
    let article_blob = source.as_deref().and_then(|s| {
        git2::Oid::hash_object(git2::ObjectType::Blob, s.as_bytes())
            .ok()
            .map(|o| o.to_string())
    });
    let mut status = ArticleStatus {
        report,
        quotes,
        article_blob,
        publications,
        state: ArticleState::Draft,
    };
    // An article with no file can't be published, whatever its records say.
    let has_errors = !status.report.exists || status.report.errors() > 0;
    status.state = ArticleState::derive(has_errors, status.latest().is_some(), status.unchanged());
    Ok(status)
}

/// The outcome of the publish gate: the publication it would record, and
/// every reason it refuses (none when it may go ahead).
#[derive(Debug, Clone)]
pub struct PublishPlan {
    /// The publication to record.
    pub publication: Publication,
    /// Why publishing is refused, one sentence each; empty when allowed.
    pub refusals: Vec<String>,
}

/// `published/<slug>/<n>`.
pub fn tag_name(slug: &str, n: u32) -> String {
    format!("published/{slug}/{n}")
}

/// Runs the publish gate for an article and prepares its next publication.
/// Writes nothing.
pub fn plan(
    repo: &Repo,
    store: &Store,
    policy: &Policy,
    slug: &str,
    publisher: &Person,
    when: &Moment,
) -> Result<PublishPlan, PlanError> {
    let status = article_status(store, policy, slug)?;
    let article_rel = Store::article_rel_path(slug);
    let mut refusals = Vec::new();

    let watched = vec![
        article_rel.clone(),
        format!("{TRANSLATIONS_DIR}/{slug}"),
        format!("{}/{slug}", publication::PUBLICATIONS_DIR),
    ];
    for path in repo.dirty_paths(&watched)? {
        let what = if path.starts_with(ARTICLES_DIR) {
            "the article"
        } else if path.starts_with(TRANSLATIONS_DIR) {
            "a quote record"
        } else {
            "a publication record"
        };
        let path = crate::render::sanitize_inline(&path);
        refusals.push(format!(
            "{path} ({what}) has uncommitted changes (staged, unstaged or untracked); commit them first"
        ));
    }

    for f in status
        .report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
    {
        refusals.push(format!(
            "check: {}:{}:{}: {} [{}]",
            f.file,
            f.line,
            f.column,
            crate::render::sanitize_inline(&f.message),
            f.code
        ));
    }

    let number = status.latest().map_or(1, |p| p.number + 1);
    let tag = tag_name(slug, number);
    if repo.tag_exists(&tag) {
        refusals.push(format!(
            "the tag {tag} already exists, but publications/{slug}/ has no record of publication {number}"
        ));
    }
    if status.unchanged()
        && let Some(p) = status.latest()
    {
        refusals.push(format!(
            "nothing changed since publication {} ({}): the article and every quote are as published",
            p.number, p.tag
        ));
    }

    let article_blob = repo
        .blob_at_head(&article_rel)?
        .map(|o| o.to_string())
        .unwrap_or_default();
    let corrections = corrections(status.latest(), &status.quotes);
    let publication = Publication {
        schema: 1,
        article: slug.to_string(),
        number,
        tag,
        publisher: publisher.clone(),
        at: when.rfc3339.clone(),
        article_blob,
        corrections,
        quotes: status.quotes,
    };
    Ok(PublishPlan {
        publication,
        refusals,
    })
}

/// What can stop the publish gate from running at all (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The article or a publication record can't be read.
    #[error(transparent)]
    Status(#[from] StatusError),
    /// git failed.
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// The annotated tag's message: the quotes published and the corrections.
pub fn tag_message(p: &Publication) -> String {
    let mut msg = format!("Publish {} ({})\n\n", p.article, p.number);
    msg.push_str(&format!("Article blob: {}\n", p.article_blob));
    if p.quotes.is_empty() {
        msg.push_str("Quotes: none\n");
    } else {
        msg.push_str("Quotes:\n");
        for q in &p.quotes {
            msg.push_str(&format!(
                "  {}/{} revision {} {}\n",
                p.article, q.id, q.revision, q.digest
            ));
        }
    }
    if !p.corrections.is_empty() {
        msg.push_str("Corrections:\n");
        for id in &p.corrections {
            msg.push_str(&format!("  {}/{id}\n", p.article));
        }
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote(id: &str, digest: &str) -> PublishedQuote {
        PublishedQuote {
            id: id.into(),
            revision: 1,
            digest: digest.into(),
        }
    }

    fn publication(quotes: Vec<PublishedQuote>) -> Publication {
        Publication {
            schema: 1,
            article: "day".into(),
            number: 1,
            tag: tag_name("day", 1),
            publisher: Person {
                name: "Eva".into(),
                email: "eva@example.org".into(),
            },
            at: "2026-01-13T10:00:00Z".into(),
            article_blob: "b1".into(),
            corrections: vec![],
            quotes,
        }
    }

    #[test]
    fn states_follow_the_three_facts() {
        use ArticleState::*;
        assert_eq!(ArticleState::derive(true, false, false), Draft);
        assert_eq!(ArticleState::derive(false, false, false), Ready);
        assert_eq!(ArticleState::derive(false, true, true), Published);
        assert_eq!(ArticleState::derive(true, true, true), Published);
        assert_eq!(
            ArticleState::derive(true, true, false),
            ChangedSincePublication
        );
        assert_eq!(ArticleState::derive(false, true, false), CorrectionPending);
    }

    #[test]
    fn unchanged_means_same_blob_and_same_quotes() {
        let p = publication(vec![quote("a", "d1"), quote("b", "d2")]);
        let now = [quote("a", "d1"), quote("b", "d2")];
        assert!(same_as_published(&p, Some("b1"), &now));
        assert!(!same_as_published(&p, Some("b2"), &now));
        assert!(!same_as_published(&p, None, &now));
        assert!(!same_as_published(
            &p,
            Some("b1"),
            &[quote("a", "d1"), quote("b", "d3")]
        ));
        assert!(!same_as_published(&p, Some("b1"), &[quote("a", "d1")]));
        assert!(!same_as_published(
            &p,
            Some("b1"),
            &[quote("a", "d1"), quote("b", "d2"), quote("c", "d4")]
        ));
    }

    #[test]
    fn corrections_name_changed_and_new_quotes() {
        let p = publication(vec![quote("a", "d1"), quote("b", "d2")]);
        let now = [quote("a", "d1"), quote("b", "d9"), quote("c", "d4")];
        assert_eq!(corrections(Some(&p), &now), vec!["b", "c"]);
        assert!(corrections(None, &now).is_empty());
    }
}
