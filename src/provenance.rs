//! `check --verify-history`: is every sign-off in a record file backed by a
//! commit its reviewer authored?
//!
//! A review entry is only text in a TOML file; anyone can type one. What
//! git adds is who committed it. For each record, this walks the history of
//! its file and finds every commit that *introduced* each review entry (the
//! entry is in the commit's version of the file and in none of its parents'
//! versions). A review is verified when it was introduced at least once and
//! every commit that introduced it is authored by the reviewer's e-mail.
//! Commit authors are git config too, so this catches hand-edited and
//! pasted sign-offs, not a forger who also sets `user.email`: signing is
//! the answer to that (docs/SECURITY.md).

use std::collections::{HashMap, HashSet};

use git2::{Oid, Repository};

use crate::check::{Finding, Severity};
use crate::history::HistoryError;
use crate::history_index::HistoryIndex;
use crate::quote::{Quote, Review};
use crate::store::{QuoteRef, Store};

/// The finding code.
pub const UNVERIFIED_REVIEW: &str = "unverified-review";

/// What identifies one review entry, whatever its comment says.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ReviewKey {
    email: String,
    at: String,
    revision: u32,
    digest: String,
    verdict: String,
}

impl ReviewKey {
    fn of(review: &Review) -> ReviewKey {
        ReviewKey {
            email: review.reviewer.email.to_ascii_lowercase(),
            at: review.at.clone(),
            revision: review.revision,
            digest: review.digest.clone(),
            verdict: format!("{:?}", review.verdict),
        }
    }
}

/// Who introduced a review entry: commit id and author e-mail.
type Introductions = HashMap<ReviewKey, Vec<(Oid, String, String)>>;

/// Review entries of one version of a record file, by blob; an unreadable
/// version holds none.
struct BlobReviews<'r> {
    git: &'r Repository,
    rel: String,
    cache: HashMap<Oid, HashSet<ReviewKey>>,
}

impl BlobReviews<'_> {
    fn of(&mut self, blob: Option<Oid>) -> HashSet<ReviewKey> {
        let Some(id) = blob else {
            return HashSet::new();
        };
        if let Some(keys) = self.cache.get(&id) {
            return keys.clone();
        }
        let keys: HashSet<ReviewKey> = self
            .git
            .find_blob(id)
            .ok()
            .and_then(|blob| crate::store::parse_record(&self.rel, blob.content()).ok())
            .map(|q| q.reviews.iter().map(ReviewKey::of).collect())
            .unwrap_or_default();
        self.cache.insert(id, keys.clone());
        keys
    }
}

/// Every commit reachable from HEAD that introduced a review entry into
/// `rel`. Only a commit whose version of the file differs from every
/// parent's can introduce one (one equal to a parent's holds that parent's
/// entries), and those are the commits `history::walk_file_changes` visits,
/// from the history index where it knows them.
fn introductions(
    git: &Repository,
    index: &mut HistoryIndex,
    rel: &str,
) -> Result<Introductions, HistoryError> {
    let mut found = Introductions::new();
    let mut blobs = BlobReviews {
        git,
        rel: rel.to_string(),
        cache: HashMap::new(),
    };
    crate::history::walk_file_changes(git, index, rel, |oid, blob, parents| {
        let keys = blobs.of(blob);
        if keys.is_empty() {
            return Ok(false);
        }
        let mut in_parents = HashSet::new();
        for parent in parents {
            in_parents.extend(blobs.of(*parent));
        }
        let commit = git.find_commit(oid)?;
        let author = commit.author();
        let email = author.email().unwrap_or_default().to_string();
        let name = author.name().unwrap_or_default().to_string();
        for key in keys.difference(&in_parents) {
            found
                .entry(key.clone())
                .or_default()
                .push((oid, name.clone(), email.clone()));
        }
        Ok(false)
    })?;
    Ok(found)
}

/// 1-based line of the `n`th `[[review]]` header (0-based) of a record file.
fn review_line(text: &str, n: usize) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == "[[review]]")
        .nth(n)
        .map(|(i, _)| i + 1)
        .unwrap_or(1)
}

/// `unverified-review` findings for the records of one article.
pub fn unverified_reviews(
    git: &Repository,
    index: &mut HistoryIndex,
    store: &Store,
    records: &[(QuoteRef, Quote)],
) -> Result<Vec<Finding>, HistoryError> {
    let mut findings = Vec::new();
    for (r, quote) in records {
        if quote.reviews.is_empty() {
            continue;
        }
        let rel = Store::record_rel_path(r);
        let found = introductions(git, index, &rel)?;
        let text = std::fs::read_to_string(store.abs(&rel)).unwrap_or_default();
        for (n, review) in quote.reviews.iter().enumerate() {
            let who = crate::render::sanitize_inline(&review.reviewer.to_string());
            let what = format!(
                "review {} ({} of revision {} by {who})",
                n + 1,
                match review.verdict {
                    crate::quote::Verdict::Approved => "approval",
                    crate::quote::Verdict::ChangesRequested => "request for changes",
                },
                review.revision
            );
            let message = match found.get(&ReviewKey::of(review)) {
                None => Some(format!("{what} is in no commit of this branch's history")),
                Some(commits) => commits
                    .iter()
                    .find(|(_, _, email)| !email.eq_ignore_ascii_case(&review.reviewer.email))
                    .map(|(oid, name, email)| {
                        format!(
                            "{what} was introduced by commit {}, authored by {}",
                            &oid.to_string()[..10],
                            crate::render::sanitize_inline(&format!("{name} <{email}>"))
                        )
                    }),
            };
            if let Some(message) = message {
                findings.push(Finding {
                    code: UNVERIFIED_REVIEW,
                    severity: Severity::Error,
                    file: rel.clone(),
                    line: review_line(&text, n),
                    column: 1,
                    quote: Some(r.to_string()),
                    message,
                    text: None,
                    diff: None,
                });
            }
        }
    }
    Ok(findings)
}
