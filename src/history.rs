//! What git remembers about records: the commit that recorded each revision,
//! review and publication, and the records as they stood at any commit.
//!
//! Everything here reads git objects through git2 (trees and blobs), never the
//! work tree, so it answers for any commit, branch or tag.

use std::collections::{BTreeMap, HashMap};

use git2::{Commit, ObjectType, Oid, Repository};

use crate::history_index::{Entry, HistoryIndex, TreeCache, blob_at};

use crate::publication::{PUBLICATIONS_DIR, Publication};
use crate::quote::{Quote, Review, Revision};
use crate::store::{RecordError, TRANSLATIONS_DIR, parse_record, validate_id, validate_slug};

/// What can go wrong reading history.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// A revision name git cannot resolve to a commit.
    #[error("`{spec}` is not a commit, branch or tag in this repository")]
    BadRevision {
        /// What the user gave.
        spec: String,
    },
    /// A record or publication file in a commit cannot be read.
    #[error("in commit {commit}: {error}")]
    InvalidRecord {
        /// Short id of the commit.
        commit: String,
        /// Where and why.
        error: RecordError,
    },
    /// Any other git failure.
    #[error("git: {0}")]
    Git(#[from] git2::Error),
}

/// Which commits first recorded each revision and review of one record.
/// `None` where no commit holds the entry (written with `--no-commit`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordCommits {
    /// One per revision of the record, in the record's order.
    pub revisions: Vec<Option<Oid>>,
    /// One per review of the record, in the record's order.
    pub reviews: Vec<Option<Oid>>,
}

/// Walks the commits reachable from HEAD, newest first, that changed `rel`:
/// those whose blob for `rel` differs from the blob in every parent (so a
/// merge that took the file from one side is skipped, as `git log` does).
/// `visit` gets the commit, its blob (if the file exists there) and the
/// parents' blobs; it returns `true` to stop the walk.
///
/// Which commits changed `rel` comes from `index` (history_index.rs): a
/// commit it lacks is computed from its trees and added, so only the first
/// walk over a history reads every commit's trees. The caller saves the
/// index ([`HistoryIndex::save`]) when done.
pub fn walk_file_changes(
    repo: &Repository,
    index: &mut HistoryIndex,
    rel: &str,
    mut visit: impl FnMut(Oid, Option<Oid>, &[Option<Oid>]) -> Result<bool, HistoryError>,
) -> Result<(), HistoryError> {
    let head = match repo.head() {
        Ok(h) => h,
        // No commit yet: nothing was recorded in git.
        Err(e)
            if e.code() == git2::ErrorCode::UnbornBranch
                || e.code() == git2::ErrorCode::NotFound =>
        {
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    let Some(head) = head.target() else {
        return Ok(());
    };
    let mut walk = repo.revwalk()?;
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME)?;
    walk.push(head)?;
    let mut trees = TreeCache::default();
    for oid in walk {
        let oid = oid?;
        let (blob, parents) = match index.entry(repo, &mut trees, oid)? {
            Entry::Many => {
                // Too many files to list: look the path up in the trees.
                let commit = repo.find_commit(oid)?;
                let blob = blob_at(&trees.get(repo, commit.tree_id())?, rel);
                let mut parents = Vec::with_capacity(commit.parent_count());
                for parent in commit.parents() {
                    parents.push(blob_at(&trees.get(repo, parent.tree_id())?, rel));
                }
                let unchanged = if parents.is_empty() {
                    blob.is_none()
                } else {
                    parents.contains(&blob)
                };
                if unchanged {
                    continue;
                }
                (blob, parents)
            }
            listed => match listed.change(rel) {
                Some(change) => (change.blob, change.parents.clone()),
                None => continue,
            },
        };
        if visit(oid, blob, &parents)? {
            break;
        }
    }
    Ok(())
}

/// Parsed record blobs by id: walking newest first, a commit's parent blob
/// is usually the next commit's own, so each blob is parsed once.
type RecordCache = HashMap<Oid, Option<Quote>>;

/// Parses a record blob; a blob that does not parse counts as holding no
/// entries (history may hold a broken record that was later fixed).
fn record_at<'c>(
    repo: &Repository,
    cache: &'c mut RecordCache,
    rel: &str,
    blob: Option<Oid>,
) -> Result<Option<&'c Quote>, HistoryError> {
    let Some(id) = blob else { return Ok(None) };
    if let std::collections::hash_map::Entry::Vacant(slot) = cache.entry(id) {
        let blob = repo.find_blob(id)?;
        slot.insert(parse_record(rel, blob.content()).ok());
    }
    Ok(cache.get(&id).and_then(Option::as_ref))
}

/// A review's identity within a record: the same reviewer cannot give two
/// verdicts on the same digest at the same second.
fn review_key(review: &Review) -> (u32, &str, &str, &str) {
    (
        review.revision,
        review.at.as_str(),
        review.reviewer.email.as_str(),
        review.digest.as_str(),
    )
}

type RevisionIndex<'q> = HashMap<u32, &'q Revision>;
type ReviewIndex<'q> = HashMap<(u32, &'q str, &'q str, &'q str), &'q Review>;

/// A record's entries indexed for lookup, so that matching the current
/// record against each of its versions stays linear in its length.
fn entries(quote: &Quote) -> (RevisionIndex<'_>, ReviewIndex<'_>) {
    (
        quote.revisions.iter().map(|r| (r.number, r)).collect(),
        quote.reviews.iter().map(|r| (review_key(r), r)).collect(),
    )
}

/// Finds, for every revision and review of `quote` (the record at `rel` as
/// it stands now), the first commit whose version of the file holds it.
/// Stops as soon as every entry is found.
pub fn record_commits(
    repo: &Repository,
    index: &mut HistoryIndex,
    rel: &str,
    quote: &Quote,
) -> Result<RecordCommits, HistoryError> {
    if let Some(found) = record_commits_append_only(repo, index, rel, quote)? {
        return Ok(found);
    }
    let mut found = RecordCommits {
        revisions: vec![None; quote.revisions.len()],
        reviews: vec![None; quote.reviews.len()],
    };
    let mut cache = RecordCache::new();
    walk_file_changes(repo, index, rel, |commit, blob, parents| {
        // An entry is recorded by this commit when the commit holds it and
        // no parent does. Walking newest first, a later (older) find wins,
        // which only matters for an entry removed and added back.
        let mut new_revisions = Vec::new();
        let mut new_reviews = Vec::new();
        {
            let Some(here) = record_at(repo, &mut cache, rel, blob)? else {
                return Ok(false);
            };
            let (revs, reviews) = entries(here);
            for (i, rev) in quote.revisions.iter().enumerate() {
                if revs.get(&rev.number).is_some_and(|r| *r == rev) {
                    new_revisions.push(i);
                }
            }
            for (i, review) in quote.reviews.iter().enumerate() {
                if reviews
                    .get(&review_key(review))
                    .is_some_and(|r| *r == review)
                {
                    new_reviews.push(i);
                }
            }
        }
        for p in parents {
            if let Some(before) = record_at(repo, &mut cache, rel, *p)? {
                let (revs, reviews) = entries(before);
                new_revisions.retain(|&i| {
                    let rev = &quote.revisions[i];
                    revs.get(&rev.number).is_none_or(|r| *r != rev)
                });
                new_reviews.retain(|&i| {
                    let review = &quote.reviews[i];
                    reviews
                        .get(&review_key(review))
                        .is_none_or(|r| *r != review)
                });
            }
        }
        for i in new_revisions {
            found.revisions[i] = Some(commit);
        }
        for i in new_reviews {
            found.reviews[i] = Some(commit);
        }
        Ok(
            found.revisions.iter().all(Option::is_some)
                && found.reviews.iter().all(Option::is_some),
        )
    })?;
    Ok(found)
}

/// The fast path for the history verbatim itself writes: records only ever
/// grow, so revision k (review k) was recorded by the oldest commit whose
/// version holds at least k `[[revision]]` (`[[review]]`) tables. Comparing
/// table texts needs no TOML parsing, which makes `log` linear in the size
/// of the history instead of parsing every version. Used only when the
/// file's history is a straight line, each version holds the one before's
/// text up to its first table and its tables unchanged (so no entry was
/// edited, and each version is the newest with its last tables left out),
/// and the newest committed version is exactly the first entries of `quote`;
/// otherwise `None`, and the exact entry-by-entry walk runs.
fn record_commits_append_only(
    repo: &Repository,
    index: &mut HistoryIndex,
    rel: &str,
    quote: &Quote,
) -> Result<Option<RecordCommits>, HistoryError> {
    let mut changes: Vec<(Oid, Option<Oid>, Vec<Option<Oid>>)> = Vec::new();
    walk_file_changes(repo, index, rel, |commit, blob, parents| {
        changes.push((commit, blob, parents.to_vec()));
        Ok(false)
    })?;
    // A straight line: each change's parent version is the next older change's.
    for (i, (_, _, parents)) in changes.iter().enumerate() {
        let older = changes.get(i + 1).and_then(|c| c.1);
        if parents.len() > 1 || parents.first().copied().flatten() != older {
            return Ok(None);
        }
    }
    let Some(newest) = changes.first().and_then(|c| c.1) else {
        return Ok(Some(RecordCommits {
            revisions: vec![None; quote.revisions.len()],
            reviews: vec![None; quote.reviews.len()],
        }));
    };
    // The newest committed version must be a prefix of the record shown.
    let blob = repo.find_blob(newest)?;
    let Ok(committed) = crate::store::parse_record(rel, blob.content()) else {
        return Ok(None);
    };
    let prefix = committed.revisions.len() <= quote.revisions.len()
        && committed.reviews.len() <= quote.reviews.len()
        && committed.revisions[..] == quote.revisions[..committed.revisions.len()]
        && committed.reviews[..] == quote.reviews[..committed.reviews.len()];
    if !prefix {
        return Ok(None);
    }
    let mut found = RecordCommits {
        revisions: vec![None; quote.revisions.len()],
        reviews: vec![None; quote.reviews.len()],
    };
    let (mut had_revisions, mut had_reviews) = (0, 0);
    for (commit, blob, parents) in changes.iter().rev() {
        // Read once per version and kept in the index: a long record's
        // versions add up to gigabytes.
        let (revisions, reviews) = match blob {
            Some(id) => {
                let v = index.version(repo, *id, parents.first().copied().flatten())?;
                // Every version must be the newest with its last tables left
                // out (no entry edited), and valid as such: a version that
                // does not parse holds no entry for the exact walk.
                if !v.extends || v.tables.revisions == 0 {
                    return Ok(None);
                }
                (v.tables.revisions as usize, v.tables.reviews as usize)
            }
            None => (0, 0),
        };
        if revisions < had_revisions || reviews < had_reviews {
            return Ok(None);
        }
        // A review of a revision this version does not have yet would make
        // it invalid.
        if committed
            .reviews
            .iter()
            .take(reviews)
            .skip(had_reviews)
            .any(|r| r.revision as usize > revisions)
        {
            return Ok(None);
        }
        for slot in found
            .revisions
            .iter_mut()
            .take(revisions)
            .skip(had_revisions)
        {
            *slot = Some(*commit);
        }
        for slot in found.reviews.iter_mut().take(reviews).skip(had_reviews) {
            *slot = Some(*commit);
        }
        (had_revisions, had_reviews) = (revisions, reviews);
    }
    if had_revisions != committed.revisions.len() || had_reviews != committed.reviews.len() {
        return Ok(None);
    }
    Ok(Some(found))
}

/// The commit that added the file at `rel` (the oldest commit reachable from
/// HEAD that created it), if any.
pub fn adding_commit(
    repo: &Repository,
    index: &mut HistoryIndex,
    rel: &str,
) -> Result<Option<Oid>, HistoryError> {
    let mut added = None;
    walk_file_changes(repo, index, rel, |commit, blob, parents| {
        if blob.is_some() && parents.iter().all(Option::is_none) {
            added = Some(commit);
        }
        Ok(false)
    })?;
    Ok(added)
}

/// Resolves a revision (commit id, branch, tag, `HEAD~2`…) to a commit.
pub fn resolve_commit<'r>(repo: &'r Repository, spec: &str) -> Result<Commit<'r>, HistoryError> {
    let bad = || HistoryError::BadRevision {
        spec: spec.to_string(),
    };
    let object = repo.revparse_single(spec).map_err(|_| bad())?;
    object.peel_to_commit().map_err(|_| bad())
}

/// The short id verbatim shows for a commit.
pub fn short_id(oid: Oid) -> String {
    oid.to_string()[..10].to_string()
}

/// A quote as named in a tree: (slug, id).
pub type QuoteKey = (String, String);

/// Every record in a commit's tree (optionally of one article), by quote,
/// with its blob id.
pub fn records_at(
    repo: &Repository,
    commit: &Commit,
    only_slug: Option<&str>,
) -> Result<BTreeMap<QuoteKey, (Oid, Quote)>, HistoryError> {
    let mut out = BTreeMap::new();
    let tree = commit.tree()?;
    let Ok(translations) = tree.get_path(std::path::Path::new(TRANSLATIONS_DIR)) else {
        return Ok(out);
    };
    let Ok(translations) = translations.to_object(repo)?.peel_to_tree() else {
        return Ok(out);
    };
    for slug_entry in translations.iter() {
        let Some(slug) = slug_entry.name().ok() else {
            continue;
        };
        // Names that are not valid slugs or ids are not records (the store
        // ignores them too), and must never reach a terminal raw.
        if only_slug.is_some_and(|s| s != slug)
            || slug_entry.kind() != Some(ObjectType::Tree)
            || validate_slug(slug).is_err()
        {
            continue;
        }
        let slug_tree = repo.find_tree(slug_entry.id())?;
        for entry in slug_tree.iter() {
            let Some(id) = entry.name().ok().and_then(|n| n.strip_suffix(".toml")) else {
                continue;
            };
            if entry.kind() != Some(ObjectType::Blob) || validate_id(id).is_err() {
                continue;
            }
            let rel = format!("{TRANSLATIONS_DIR}/{slug}/{id}.toml");
            let blob = repo.find_blob(entry.id())?;
            let quote = parse_record(&rel, blob.content()).map_err(|error| {
                HistoryError::InvalidRecord {
                    commit: short_id(commit.id()),
                    error,
                }
            })?;
            out.insert((slug.to_string(), id.to_string()), (entry.id(), quote));
        }
    }
    Ok(out)
}

/// Every publication record in a commit's tree (optionally of one article),
/// by its path.
pub fn publications_at(
    repo: &Repository,
    commit: &Commit,
    only_slug: Option<&str>,
) -> Result<BTreeMap<String, Publication>, HistoryError> {
    let mut out = BTreeMap::new();
    let tree = commit.tree()?;
    let Ok(dir) = tree.get_path(std::path::Path::new(PUBLICATIONS_DIR)) else {
        return Ok(out);
    };
    let Ok(dir) = dir.to_object(repo)?.peel_to_tree() else {
        return Ok(out);
    };
    for slug_entry in dir.iter() {
        let Some(slug) = slug_entry.name().ok() else {
            continue;
        };
        if only_slug.is_some_and(|s| s != slug)
            || slug_entry.kind() != Some(ObjectType::Tree)
            || validate_slug(slug).is_err()
        {
            continue;
        }
        for entry in repo.find_tree(slug_entry.id())?.iter() {
            let Some(name) = entry.name().ok().filter(|n| n.ends_with(".toml")) else {
                continue;
            };
            if entry.kind() != Some(ObjectType::Blob) {
                continue;
            }
            let rel = format!("{PUBLICATIONS_DIR}/{slug}/{name}");
            let blob = repo.find_blob(entry.id())?;
            let invalid = |message: String| HistoryError::InvalidRecord {
                commit: short_id(commit.id()),
                error: RecordError {
                    path: rel.clone(),
                    line: 1,
                    column: 1,
                    message,
                },
            };
            let text = std::str::from_utf8(blob.content())
                .map_err(|_| invalid("is not valid UTF-8 text".into()))?;
            let publication: Publication = toml::from_str(text)
                .map_err(|e| invalid(e.message().trim().replace('\n', "; ")))?;
            out.insert(rel, publication);
        }
    }
    Ok(out)
}
