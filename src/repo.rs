//! git, through git2: opening the newsroom repository, the user's identity,
//! the clock, and commits that hold only the files verbatim wrote.

use std::fs::File;
use std::path::{Path, PathBuf};

use git2::{Oid, Repository, Signature};

use crate::quote::Person;

/// Environment variable that pins the clock (RFC 3339), for reproducible
/// runs and tests. Documented in README.md.
pub const NOW_ENV: &str = "VERBATIM_NOW";

/// What can go wrong with git.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// No repository at or above the directory.
    #[error("{dir} is not inside a git repository")]
    NotARepository {
        /// Where verbatim looked.
        dir: String,
    },
    /// A bare repository has no work tree to hold articles.
    #[error(
        "{dir} is a bare git repository; verbatim needs a work tree with articles/ and translations/"
    )]
    Bare {
        /// The repository.
        dir: String,
    },
    /// user.name or user.email is not set.
    #[error("git identity is not set: `{key}` is missing from git config")]
    MissingIdentity {
        /// The missing key.
        key: &'static str,
    },
    /// A lock file is in the way.
    #[error("{path} exists: {what}")]
    Locked {
        /// The lock file.
        path: String,
        /// Who holds it.
        what: String,
    },
    /// The clock override is malformed.
    #[error("{NOW_ENV}=`{value}` is not an RFC 3339 time like 2026-01-13T10:00:00Z")]
    BadClock {
        /// The value found.
        value: String,
    },
    /// Any other git failure.
    #[error("git: {0}")]
    Git(#[from] git2::Error),
    /// A file-system failure.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// How long a changing command waits for another verbatim to finish.
pub const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// The newsroom's git repository.
pub struct Repo {
    /// The git2 handle.
    pub git: Repository,
    root: PathBuf,
}

/// A point in time, as verbatim records it.
#[derive(Debug, Clone)]
pub struct Moment {
    /// Seconds since the Unix epoch.
    pub unix: i64,
    /// RFC 3339, UTC, seconds precision: `2026-01-13T10:00:00Z`.
    pub rfc3339: String,
}

/// Now, or the time pinned by `VERBATIM_NOW`.
pub fn now() -> Result<Moment, RepoError> {
    use time::format_description::well_known::Rfc3339;
    let t = match std::env::var(NOW_ENV) {
        Ok(value) if !value.is_empty() => time::OffsetDateTime::parse(&value, &Rfc3339)
            .map_err(|_| RepoError::BadClock { value })?,
        _ => time::OffsetDateTime::now_utc(),
    };
    let t = t
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(t);
    let rfc3339 = t
        .format(&Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string());
    Ok(Moment {
        unix: t.unix_timestamp(),
        rfc3339,
    })
}

/// The identity a git config gives: `user.name` and `user.email`.
pub fn identity_of(config: &git2::Config) -> Result<Person, RepoError> {
    let get = |key: &'static str| -> Result<String, RepoError> {
        match config.get_string(key) {
            Ok(v) if !v.trim().is_empty() => Ok(v.trim().to_string()),
            _ => Err(RepoError::MissingIdentity { key }),
        }
    };
    Ok(Person {
        name: get("user.name")?,
        email: get("user.email")?,
    })
}

/// File in `.git/` that exists while verbatim commits: if verbatim is
/// killed while git2 holds `index.lock` or a ref's lock, the lock stays
/// behind, and this file lets the next verbatim say who left it. verbatim
/// still never deletes git's locks (docs/SECURITY.md).
pub const COMMIT_MARKER: &str = "verbatim-committing";

/// Removes the commit marker when the commit is done (or failed cleanly).
struct CommitMarker(PathBuf);

impl CommitMarker {
    /// Writes the marker: the process id, then the paths being committed.
    fn set(git_dir: &Path, paths: &[String]) -> CommitMarker {
        let path = git_dir.join(COMMIT_MARKER);
        let mut text = format!("{}\n", std::process::id());
        for p in paths {
            text.push_str(p);
            text.push('\n');
        }
        // Best effort: the marker only improves an error message and lets
        // the next verbatim finish the index update.
        let _ = std::fs::write(&path, text);
        CommitMarker(path)
    }
}

impl Drop for CommitMarker {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Holds verbatim's own lock for the duration of a changing command: two
/// verbatim processes never write the same repository at once. The OS
/// releases it when the process ends, even when killed.
pub struct WriteLock {
    _file: File,
}

impl Repo {
    /// Opens the repository containing `dir`.
    pub fn discover(dir: &Path) -> Result<Repo, RepoError> {
        let git = Repository::discover(dir).map_err(|_| RepoError::NotARepository {
            dir: dir.display().to_string(),
        })?;
        Repo::from_git(git)
    }

    /// Wraps an opened repository.
    pub fn from_git(git: Repository) -> Result<Repo, RepoError> {
        let root = match git.workdir() {
            Some(w) => w.to_path_buf(),
            None => {
                return Err(RepoError::Bare {
                    dir: git.path().display().to_string(),
                });
            }
        };
        Ok(Repo { git, root })
    }

    /// The work tree.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The user's identity: `user.name` and `user.email` from git config.
    pub fn identity(&self) -> Result<Person, RepoError> {
        identity_of(&self.git.config()?)
    }

    /// Takes verbatim's write lock, waiting up to [`LOCK_WAIT`] for another
    /// verbatim in the same repository to finish; then says it is busy.
    pub fn lock(&self) -> Result<WriteLock, RepoError> {
        let path = self.git.path().join("verbatim.lock");
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)?;
        let deadline = std::time::Instant::now() + LOCK_WAIT;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(WriteLock { _file: file }),
                Err(_) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(25));
                }
                Err(_) => {
                    return Err(RepoError::Locked {
                        path: path.display().to_string(),
                        what: "another verbatim is running in this repository; try again when it has finished"
                            .into(),
                    });
                }
            }
        }
    }

    /// Finishes the work of a verbatim killed while committing, once its
    /// marker is found and git's locks are gone (the user removed the one
    /// it left): the index entries of the paths it was committing are set
    /// to the work tree where the work tree matches HEAD, as the commit
    /// would have left them. Call it holding the write lock, so that the
    /// marker's writer is known to be dead.
    pub fn recover_interrupted_commit(&self) -> Result<(), RepoError> {
        let marker = self.git.path().join(COMMIT_MARKER);
        let Ok(text) = std::fs::read_to_string(&marker) else {
            return Ok(());
        };
        if self.check_git_locks().is_err() {
            // The next commit names the lock and says who left it.
            return Ok(());
        }
        let mut index = self.git.index()?;
        for rel in text.lines().skip(1) {
            let p = Path::new(rel);
            if rel.is_empty()
                || !p
                    .components()
                    .all(|c| matches!(c, std::path::Component::Normal(_)))
            {
                continue;
            }
            let abs = self.root.join(rel);
            let at_head = self.blob_at_head(rel)?;
            let in_work_tree = if abs.is_file() {
                Some(Oid::hash_file(git2::ObjectType::Blob, &abs)?)
            } else {
                None
            };
            if at_head != in_work_tree {
                continue;
            }
            match in_work_tree {
                Some(_) => index.add_path(p)?,
                None => {
                    let _ = index.remove_path(p);
                }
            }
        }
        index.write()?;
        let _ = std::fs::remove_file(&marker);
        Ok(())
    }

    /// Refuses to go on when git's own locks are held (a running git, or
    /// one that crashed): verbatim never deletes them.
    pub fn check_git_locks(&self) -> Result<(), RepoError> {
        let mut locks = vec![
            self.git.path().join("index.lock"),
            self.git.path().join("HEAD.lock"),
        ];
        if let Ok(head) = self.git.find_reference("HEAD")
            && let Ok(Some(target)) = head.symbolic_target()
        {
            locks.push(self.git.path().join(format!("{target}.lock")));
        }
        let killed_verbatim = self.git.path().join(COMMIT_MARKER).exists();
        for lock in locks {
            if lock.exists() {
                let what = if killed_verbatim {
                    "a verbatim was killed while committing and left git's lock behind \
                     (.git/verbatim-committing says so), or git is running; \
                     verbatim never deletes git's locks: if no git command is running, delete it"
                } else {
                    "git is running, or a git command crashed and left it behind"
                };
                return Err(RepoError::Locked {
                    path: lock.display().to_string(),
                    what: what.into(),
                });
            }
        }
        Ok(())
    }

    /// Commits exactly `paths` (relative to the root) as they are in the
    /// work tree — added, changed or deleted — on top of HEAD, and updates
    /// only those entries of the index. The user's other staged and
    /// unstaged changes are left as they were. Works on an unborn HEAD.
    pub fn commit_paths(
        &self,
        paths: &[String],
        message: &str,
        author: &Person,
        when: &Moment,
    ) -> Result<Oid, RepoError> {
        self.commit_paths_amending(None, paths, message, author, when)
    }

    /// Like [`Repo::commit_paths`], but when `previous` is this session's
    /// own commit and still HEAD, replaces it (same parents, its tree plus
    /// `paths`) so that a session makes one commit however many times it
    /// writes. If HEAD moved meanwhile, a new commit is made on top instead.
    pub fn commit_paths_amending(
        &self,
        previous: Option<Oid>,
        paths: &[String],
        message: &str,
        author: &Person,
        when: &Moment,
    ) -> Result<Oid, RepoError> {
        self.check_git_locks()?;
        let _marker = CommitMarker::set(self.git.path(), paths);
        let git = &self.git;
        let head = match git.head() {
            Ok(head) => Some(head.peel_to_commit()?),
            Err(e)
                if e.code() == git2::ErrorCode::UnbornBranch
                    || e.code() == git2::ErrorCode::NotFound =>
            {
                None
            }
            Err(e) => return Err(e.into()),
        };
        let amend = match (&head, previous) {
            (Some(h), Some(prev)) if h.id() == prev => Some(h.clone()),
            _ => None,
        };
        let baseline = match &head {
            Some(c) => c.tree()?,
            None => {
                let empty = git.treebuilder(None)?.write()?;
                git.find_tree(empty)?
            }
        };
        let mut update = git2::build::TreeUpdateBuilder::new();
        for rel in paths {
            let abs = self.root.join(rel);
            if abs.is_file() {
                let blob = git.blob_path(&abs)?;
                update.upsert(rel.as_str(), blob, git2::FileMode::Blob);
            } else {
                update.remove(rel.as_str());
            }
        }
        let tree_id = update.create_updated(git, &baseline)?;
        let tree = git.find_tree(tree_id)?;
        let time = git2::Time::new(when.unix, 0);
        let sig = Signature::new(&author.name, &author.email, &time)?;
        let oid = match amend {
            None => {
                let parents: Vec<&git2::Commit> = head.iter().collect();
                // git2 refuses to move HEAD if it no longer points at the
                // parent: a concurrent commit is never overwritten.
                git.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)?
            }
            Some(old) => {
                let parents: Vec<git2::Commit> = old.parents().collect();
                let parent_refs: Vec<&git2::Commit> = parents.iter().collect();
                let oid = git.commit(None, &sig, &sig, message, &tree, &parent_refs)?;
                let head_ref = git.find_reference("HEAD")?;
                let branch = head_ref
                    .symbolic_target()
                    .ok()
                    .flatten()
                    .map(str::to_string);
                match branch {
                    Some(name) => {
                        // Compare-and-swap: only replaces our own commit.
                        git.reference_matching(&name, oid, true, old.id(), "verbatim: review")?;
                    }
                    None => {
                        git.set_head_detached(oid)?;
                    }
                }
                oid
            }
        };
        let mut index = git.index()?;
        for rel in paths {
            let p = Path::new(rel);
            if self.root.join(rel).is_file() {
                index.add_path(p)?;
            } else {
                let _ = index.remove_path(p);
            }
        }
        index.write()?;
        // What this commit changed, for `log` (best effort, never fails).
        crate::history_index::note_commit(git, oid);
        Ok(oid)
    }

    /// Whether `rel` differs between HEAD and the work tree (or the index).
    pub fn is_dirty(&self, rel: &str) -> Result<bool, RepoError> {
        let status = match self.git.status_file(Path::new(rel)) {
            Ok(s) => s,
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(false),
            Err(e) => return Err(e.into()),
        };
        Ok(!(status.is_empty()
            || status == git2::Status::CURRENT
            || status.contains(git2::Status::IGNORED)))
    }
    /// The files under any of `paths` (a file, or a folder and everything
    /// in it) that differ between HEAD, the index and the work tree:
    /// staged, unstaged, untracked or deleted. Sorted.
    pub fn dirty_paths(&self, paths: &[String]) -> Result<Vec<String>, RepoError> {
        let mut opts = git2::StatusOptions::new();
        opts.include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_ignored(false);
        for p in paths {
            opts.pathspec(p);
        }
        let statuses = self.git.statuses(Some(&mut opts))?;
        let mut dirty: Vec<String> = statuses
            .iter()
            .filter(|e| {
                let s = e.status();
                !(s.is_empty() || s == git2::Status::CURRENT || s.contains(git2::Status::IGNORED))
            })
            .filter_map(|e| e.path().ok().map(str::to_string))
            // A pathspec is a prefix; keep only the files asked about, not
            // `articles/day.md.bak` for `articles/day.md`.
            .filter(|path| {
                paths.iter().any(|p| {
                    let p = p.trim_end_matches('/');
                    path == p || path.starts_with(&format!("{p}/"))
                })
            })
            .collect();
        dirty.sort();
        dirty.dedup();
        Ok(dirty)
    }

    /// The blob id of `rel` in HEAD's tree, if HEAD has that file.
    pub fn blob_at_head(&self, rel: &str) -> Result<Option<Oid>, RepoError> {
        let head = match self.git.head() {
            Ok(h) => h.peel_to_tree()?,
            Err(_) => return Ok(None),
        };
        match head.get_path(Path::new(rel)) {
            Ok(entry) if entry.kind() == Some(git2::ObjectType::Blob) => Ok(Some(entry.id())),
            Ok(_) => Ok(None),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Whether the tag `name` exists.
    pub fn tag_exists(&self, name: &str) -> bool {
        self.git
            .find_reference(&format!("refs/tags/{name}"))
            .is_ok()
    }

    /// Creates the annotated tag `name` on commit `target`, signed by
    /// `tagger` at `when`. Never moves an existing tag.
    pub fn create_tag(
        &self,
        name: &str,
        target: Oid,
        message: &str,
        tagger: &Person,
        when: &Moment,
    ) -> Result<Oid, RepoError> {
        let object = self
            .git
            .find_object(target, Some(git2::ObjectType::Commit))?;
        let time = git2::Time::new(when.unix, 0);
        let sig = Signature::new(&tagger.name, &tagger.email, &time)?;
        Ok(self.git.tag(name, &object, &sig, message, false)?)
    }
}

/// A commit message in verbatim's style: a subject, an optional body, and
/// trailers that let tools find verbatim's commits.
pub fn commit_message(
    action: &str,
    subject: &str,
    body: Option<&str>,
    quotes: &[String],
) -> String {
    let mut msg = format!("verbatim: {subject}\n\n");
    if let Some(body) = body.map(str::trim).filter(|b| !b.is_empty()) {
        msg.push_str(body);
        msg.push_str("\n\n");
    }
    msg.push_str(&format!("Verbatim-Action: {action}\n"));
    for q in quotes {
        msg.push_str(&format!("Verbatim-Quote: {q}\n"));
    }
    msg
}

/// git's order of tree entries: names compared bytewise, a subtree's name
/// read as if it ended in `/` (so `a.b` < folder `a` < `a0`). Both tree
/// walks that merge two trees entry by entry (changes.rs, history_index.rs)
/// need it.
pub fn git_tree_order(a: &[u8], a_is_tree: bool, b: &[u8], b_is_tree: bool) -> std::cmp::Ordering {
    let n = a.len().min(b.len());
    a[..n].cmp(&b[..n]).then_with(|| {
        let end =
            |name: &[u8], tree: bool| name.get(n).copied().unwrap_or(if tree { b'/' } else { 0 });
        end(a, a_is_tree).cmp(&end(b, b_is_tree))
    })
}

#[cfg(test)]
mod tree_order_tests {
    use super::git_tree_order;
    use std::cmp::Ordering::*;

    #[test]
    fn git_tree_order_reads_folders_as_ending_in_a_slash() {
        // git sorts "a.toml" < "a/" (folder a) < "a0": '.' < '/' < '0'.
        assert_eq!(git_tree_order(b"a.toml", false, b"a", true), Less);
        assert_eq!(git_tree_order(b"a.b", false, b"a", true), Less);
        assert_eq!(git_tree_order(b"a", true, b"a0", false), Less);
        assert_eq!(git_tree_order(b"a", false, b"a.b", false), Less);
        assert_eq!(git_tree_order(b"a", false, b"a", true), Less);
        assert_eq!(git_tree_order(b"a", true, b"a", true), Equal);
    }
}
