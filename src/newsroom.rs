//! The opened newsroom: repository, store and policy together, as every
//! command that reads records needs them.

use std::path::Path;

use crate::error::CommandError;
use crate::policy::Policy;
use crate::publication::Publication;
use crate::quote::{Quote, State};
use crate::repo::Repo;
use crate::store::{QuoteRef, Store};

/// A newsroom repository, opened.
pub struct Newsroom {
    /// git.
    pub repo: Repo,
    /// The files.
    pub store: Store,
    /// `verbatim.toml`.
    pub policy: Policy,
    /// verbatim's write lock, once taken; held until the command ends.
    lock: std::cell::RefCell<Option<crate::repo::WriteLock>>,
}

impl Newsroom {
    /// Opens the newsroom containing `dir`.
    pub fn open(dir: &Path) -> Result<Newsroom, CommandError> {
        let repo = Repo::discover(dir)?;
        let store = Store::new(repo.root());
        let policy = Policy::load(repo.root())?;
        Ok(Newsroom {
            repo,
            store,
            policy,
            lock: std::cell::RefCell::new(None),
        })
    }

    /// Opens the newsroom for a command that changes records: takes the
    /// write lock first, so that what the command reads is still what is on
    /// disk when it writes (no lost updates between two verbatims).
    pub fn open_for_change(dir: &Path) -> Result<Newsroom, CommandError> {
        let newsroom = Newsroom::open(dir)?;
        newsroom.hold_lock()?;
        Ok(newsroom)
    }

    /// Validates a slug named on the command line and checks the article
    /// exists: its file, or at least records under translations/<slug>/.
    pub fn known_slug(&self, slug: &str) -> Result<(), CommandError> {
        crate::store::validate_slug(slug)?;
        if !self.store.article_exists(slug) && self.store.record_ids(slug)?.is_empty() {
            let mut e = CommandError::usage(format!(
                "no article `{slug}`: neither {} nor records under translations/{slug}/ exist",
                crate::store::Store::article_rel_path(slug)
            ));
            if let Some(close) = crate::store::closest_slug(&self.store, slug) {
                e = e.with_hint(format!("did you mean {close}?"));
            }
            return Err(e);
        }
        Ok(())
    }

    /// Takes the write lock unless this command already holds it.
    pub fn hold_lock(&self) -> Result<(), CommandError> {
        let mut slot = self.lock.borrow_mut();
        if slot.is_none() {
            *slot = Some(self.repo.lock()?);
            self.repo.recover_interrupted_commit()?;
        }
        Ok(())
    }

    /// The state of a quote, given its article's latest publication.
    pub fn state_of(&self, r: &QuoteRef, quote: &Quote, latest: Option<&Publication>) -> State {
        let published = latest.and_then(|p| p.digest_of(&r.id));
        crate::signing::under_policy(&self.policy, r, quote).state(&self.policy.rules(), published)
    }

    /// The latest publication of an article; an unreadable one is an error.
    pub fn latest_publication(&self, slug: &str) -> Result<Option<Publication>, CommandError> {
        crate::publication::latest(&self.store, slug)
            .map_err(|e| CommandError::usage(e.to_string()))
    }
}

/// Files a command is about to write: their new contents, by relative path.
pub type Changes = Vec<(String, Vec<u8>)>;

impl Newsroom {
    /// Writes `changes` atomically and commits exactly those files (unless
    /// `no_commit`). Holds verbatim's lock throughout. If anything fails,
    /// every file is put back as it was and no commit is made.
    pub fn write_and_commit(
        &self,
        changes: &Changes,
        message: &str,
        author: &crate::quote::Person,
        when: &crate::repo::Moment,
        no_commit: bool,
    ) -> Result<Option<git2::Oid>, CommandError> {
        self.hold_lock()?;
        if !no_commit {
            self.repo.check_git_locks()?;
        }
        let mut before: Vec<(String, Option<Vec<u8>>)> = Vec::new();
        for (rel, _) in changes {
            let abs = self.store.abs(rel);
            if abs.is_dir() {
                return Err(CommandError::usage(format!(
                    "{rel} is a directory where a file belongs; move it away"
                )));
            }
            before.push((rel.clone(), std::fs::read(&abs).ok()));
        }
        let restore = |before: &[(String, Option<Vec<u8>>)]| {
            for (rel, old) in before {
                let abs = self.store.abs(rel);
                match old {
                    Some(bytes) => {
                        let _ = crate::store::write_atomic(&abs, bytes);
                    }
                    None => {
                        let _ = std::fs::remove_file(&abs);
                        if let Some(parent) = abs.parent() {
                            // Only removes the folder when we left it empty.
                            let _ = std::fs::remove_dir(parent);
                        }
                    }
                }
            }
        };
        for (rel, _) in changes {
            if let Some(dir) = self.store.abs(rel).parent() {
                crate::store::remove_stale_temp_files(dir);
            }
        }
        for (rel, bytes) in changes {
            if let Err(e) = crate::store::write_atomic(&self.store.abs(rel), bytes) {
                restore(&before);
                return Err(CommandError::internal(format!("cannot write {rel}: {e}")));
            }
        }
        if no_commit {
            return Ok(None);
        }
        let paths: Vec<String> = changes.iter().map(|(p, _)| p.clone()).collect();
        match self.repo.commit_paths(&paths, message, author, when) {
            Ok(oid) => Ok(Some(oid)),
            Err(e) => {
                restore(&before);
                Err(e.into())
            }
        }
    }
}
