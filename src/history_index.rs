//! What verbatim has learnt about the git history, kept so that it is
//! learnt once: a derived, rebuildable index in `.git/verbatim/history-index`
//! of which files each commit changed, and of how many `[[revision]]` and
//! `[[review]]` tables each version of a record holds.
//!
//! Following one file through the history (`log`) means, for every commit,
//! looking the path up in its tree and its parents' trees. Each lookup reads
//! the commit's `translations/` tree, which has one entry per article: with
//! 10,000 commits and 5,000 articles that is 10,000 reads of a 250 KB object
//! (35 s on loose objects), for a file changed by one commit in ten. Then
//! each version of the record is read to count its tables: a record with
//! 1,000 revisions is 2 MB, and its 1,000 versions are a gigabyte.
//!
//! Both are facts about immutable objects: a commit's id is the hash of its
//! tree and parents, a blob's the hash of its bytes. So an entry never goes
//! stale. A commit's entry is the exact set of paths
//! `history::walk_file_changes` would visit it for, with the blob ids the
//! walk needs; a blob's entry is the two counts. Entries of commits that
//! history rewriting made unreachable stay (they are only unused); deleting
//! the file only makes the next walk slow.
//!
//! The file is a cache: one that is missing, truncated, corrupt or of
//! another format version is ignored and rewritten; one that cannot be
//! written (a read-only repository) leaves verbatim answering as before,
//! only slower. A shallow repository (or one with grafts) shows commits with
//! parents other than their own, so there the index lives in memory only.
//! The format is described in docs/FORMAT.md.

use std::collections::HashMap;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use git2::{ObjectType, Oid, Repository, Tree};
use sha2::{Digest, Sha256};

use crate::repo::git_tree_order;

/// The index file, under git's common directory (shared by worktrees).
pub const INDEX_FILE: &str = "verbatim/history-index";

/// A commit that changes more files than this is stored as [`Entry::Many`]
/// and answered by looking the path up in its trees (the bulk import of a
/// newsroom: one commit, tens of thousands of files).
pub const MANY: usize = 512;

const MAGIC: &[u8; 8] = b"VBTMHIX\0";
const VERSION: u32 = 1;
const OID_LEN: usize = 20;
const HEADER_LEN: usize = 8 + 4 + 1 + 4;
const TRAILER_LEN: usize = 32;

/// One file a commit changed, as the history walk sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The file's path from the root, `/`-separated.
    pub path: String,
    /// Its blob in the commit; `None` where the commit has no file there.
    pub blob: Option<Oid>,
    /// Its blob in each parent, in the commit's parent order.
    pub parents: Vec<Option<Oid>>,
}

/// What one commit changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// Every file whose blob differs from its blob in every parent (for a
    /// root commit: every file), sorted by path.
    Changes(Vec<Change>),
    /// More than [`MANY`] files (or a tree git would not write): the walk
    /// looks paths up in this commit's trees.
    Many,
}

impl Entry {
    /// The change of `path`, if the entry lists it.
    pub fn change(&self, path: &str) -> Option<&Change> {
        match self {
            Entry::Changes(changes) => changes
                .binary_search_by(|c| c.path.as_str().cmp(path))
                .ok()
                .map(|i| &changes[i]),
            Entry::Many => None,
        }
    }
}

/// Numbers of `[[revision]]` and `[[review]]` tables in a record version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tables {
    /// `[[revision]]` headers.
    pub revisions: u32,
    /// `[[review]]` headers.
    pub reviews: u32,
}

/// What the index knows, as read from and written to the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Facts {
    /// What each commit changed.
    commits: HashMap<Oid, Entry>,
    /// The tables of each record blob that was counted.
    tables: HashMap<Oid, Tables>,
    /// For pairs of record blobs (older, newer) that were compared: whether
    /// the newer holds the older's text before its first table and every
    /// one of its tables unchanged (see [`extends`]).
    extensions: HashMap<(Oid, Oid), bool>,
}

/// One version of a record, as `log`'s fast path reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version {
    /// Its tables.
    pub tables: Tables,
    /// Whether it only adds tables to the version it was asked about (true
    /// when it was asked about none).
    pub extends: bool,
}

/// The index: loaded from the file and added to as commits and blobs are
/// computed.
pub struct HistoryIndex {
    /// Where the index is kept; `None` when it lives in memory only.
    file: Option<PathBuf>,
    facts: Facts,
    /// Entries computed since the file was read.
    added: usize,
    /// The last record blobs read, as a version is compared with the one
    /// before.
    recent: Vec<Rc<RecordText>>,
}

/// A record blob's bytes and layout.
struct RecordText {
    id: Oid,
    bytes: Box<[u8]>,
    layout: Option<Layout>,
}

impl RecordText {
    fn tables(&self) -> Tables {
        match &self.layout {
            Some(layout) => layout.tables(),
            None => count_tables(&self.bytes),
        }
    }
}

impl HistoryIndex {
    /// The repository's index: read from its file when that is whole and of
    /// this version, else empty. Never fails.
    pub fn open(repo: &Repository) -> HistoryIndex {
        let file = index_path(repo);
        let facts = file
            .as_deref()
            .and_then(|p| std::fs::read(p).ok())
            .and_then(|bytes| decode(&bytes))
            .unwrap_or_default();
        HistoryIndex {
            file,
            facts,
            added: 0,
            recent: Vec::new(),
        }
    }

    /// The entry of `commit`, computed (and kept) if the index lacks it.
    pub fn entry<'r>(
        &mut self,
        repo: &'r Repository,
        trees: &mut TreeCache<'r>,
        commit: Oid,
    ) -> Result<&Entry, git2::Error> {
        match self.facts.commits.entry(commit) {
            std::collections::hash_map::Entry::Occupied(known) => Ok(known.into_mut()),
            std::collections::hash_map::Entry::Vacant(slot) => {
                let entry = compute(repo, trees, commit)?;
                self.added += 1;
                Ok(slot.insert(entry))
            }
        }
    }

    /// The record blob `blob`: its tables, and whether it extends the
    /// version `after` (its parent's). Computed (and kept) if the index
    /// lacks them.
    pub fn version(
        &mut self,
        repo: &Repository,
        blob: Oid,
        after: Option<Oid>,
    ) -> Result<Version, git2::Error> {
        let mut tables = self.facts.tables.get(&blob).copied();
        let extends = match after {
            None => true,
            Some(older) => match self.facts.extensions.get(&(older, blob)) {
                Some(known) => *known,
                None => {
                    let before = self.read(repo, older)?;
                    let now = self.read(repo, blob)?;
                    let extends = match (&before.layout, &now.layout) {
                        (Some(a), Some(b)) => layout_extends(&before.bytes, a, &now.bytes, b),
                        _ => false,
                    };
                    if tables.is_none() {
                        tables = Some(now.tables());
                    }
                    self.facts.extensions.insert((older, blob), extends);
                    self.added += 1;
                    extends
                }
            },
        };
        let tables = match tables {
            Some(tables) => tables,
            None => self.read(repo, blob)?.tables(),
        };
        if let std::collections::hash_map::Entry::Vacant(slot) = self.facts.tables.entry(blob) {
            slot.insert(tables);
            self.added += 1;
        }
        Ok(Version { tables, extends })
    }

    /// A record blob, read and cut into tables; the last two read are kept,
    /// so that walking a record's versions in order reads each once.
    fn read(&mut self, repo: &Repository, id: Oid) -> Result<Rc<RecordText>, git2::Error> {
        if let Some(known) = self.recent.iter().find(|r| r.id == id) {
            return Ok(known.clone());
        }
        let bytes: Box<[u8]> = repo.find_blob(id)?.content().into();
        let text = Rc::new(RecordText {
            id,
            layout: layout(&bytes),
            bytes,
        });
        if self.recent.len() >= 2 {
            self.recent.remove(0);
        }
        self.recent.push(text.clone());
        Ok(text)
    }

    /// Writes the index back if entries were added, atomically (a temporary
    /// file renamed over the old one). Best effort: a repository that cannot
    /// be written keeps its old index, or none.
    pub fn save(&mut self) {
        if self.added == 0 {
            return;
        }
        if let Some(file) = &self.file
            && write_file(file, &encode(&self.facts)).is_ok()
        {
            self.added = 0;
        }
    }
}

/// After verbatim made `commit`: adds its entry to the index, if the
/// repository has one (the next walk then need not compute it). Best
/// effort: never fails the command that committed.
pub fn note_commit(repo: &Repository, commit: Oid) {
    let Some(file) = index_path(repo) else { return };
    if !file.is_file() {
        // No one has walked this history yet: the first walk indexes it all.
        return;
    }
    let mut index = HistoryIndex::open(repo);
    let Ok(entry) = index.entry(repo, &mut TreeCache::default(), commit) else {
        return;
    };
    // The records it wrote get their versions read too, so that `log`
    // finds everything it needs here.
    let records: Vec<(Oid, Option<Oid>)> = match entry {
        Entry::Changes(changes) => changes
            .iter()
            .filter(|c| c.path.starts_with("translations/") && c.path.ends_with(".toml"))
            .filter_map(|c| {
                let after = match c.parents[..] {
                    [one] => one,
                    _ => None,
                };
                c.blob.map(|b| (b, after))
            })
            .collect(),
        Entry::Many => Vec::new(),
    };
    for (blob, after) in records {
        if index.version(repo, blob, after).is_err() {
            return;
        }
    }
    index.save();
}

/// Where the index is kept, or `None` in a repository whose commits may
/// show other parents than their own (shallow, or grafted).
fn index_path(repo: &Repository) -> Option<PathBuf> {
    let common = repo.commondir();
    if repo.is_shallow() || common.join("shallow").exists() || common.join("info/grafts").exists() {
        return None;
    }
    Some(common.join(INDEX_FILE))
}

/// Numbers of `[[revision]]` and `[[review]]` table headers in a record.
pub fn count_tables(bytes: &[u8]) -> Tables {
    let mut tables = Tables {
        revisions: 0,
        reviews: 0,
    };
    for line in bytes.split(|b| *b == b'\n') {
        match line.trim_ascii() {
            b"[[revision]]" => tables.revisions += 1,
            b"[[review]]" => tables.reviews += 1,
            _ => {}
        }
    }
    tables
}

/// A record's text cut at its `[[revision]]` and `[[review]]` headers, as
/// byte ranges.
struct Layout {
    /// Everything before the first table.
    head: Range<usize>,
    revisions: Vec<Range<usize>>,
    reviews: Vec<Range<usize>>,
}

impl Layout {
    fn tables(&self) -> Tables {
        Tables {
            revisions: self.revisions.len() as u32,
            reviews: self.reviews.len() as u32,
        }
    }
}

/// The range without its trailing blank space.
fn trim_end(bytes: &[u8], range: Range<usize>) -> Range<usize> {
    let kept = bytes[range.clone()].trim_ascii_end().len();
    range.start..range.start + kept
}

/// The layout of a record, or `None` when another table (a line starting
/// with `[`) follows the first revision or review: then cutting at headers
/// says nothing certain about the entries.
fn layout(bytes: &[u8]) -> Option<Layout> {
    let mut out = Layout {
        head: 0..bytes.len(),
        revisions: Vec::new(),
        reviews: Vec::new(),
    };
    // (kind, start) of the table being read: true for a revision.
    let mut open: Option<(bool, usize)> = None;
    let close = |open: Option<(bool, usize)>, end: usize, out: &mut Layout| {
        if let Some((revision, start)) = open {
            let table = trim_end(bytes, start..end);
            if revision {
                out.revisions.push(table);
            } else {
                out.reviews.push(table);
            }
        }
    };
    let mut at = 0;
    for line in bytes.split_inclusive(|b| *b == b'\n') {
        let trimmed = line.trim_ascii();
        let kind = match trimmed {
            b"[[revision]]" => Some(true),
            b"[[review]]" => Some(false),
            _ if open.is_some() && trimmed.starts_with(b"[") => return None,
            _ => None,
        };
        if let Some(revision) = kind {
            match open {
                None => out.head = trim_end(bytes, 0..at),
                Some(_) => close(open, at, &mut out),
            }
            open = Some((revision, at));
        }
        at += line.len();
    }
    close(open, bytes.len(), &mut out);
    Some(out)
}

/// Whether the record version `newer` keeps everything of `older` that its
/// entries are read from: the same text before the first table, and each of
/// `older`'s revision and review tables, in order, as the first tables of
/// their kind (trailing blank space aside). Then `older` is `newer` with its
/// last tables left out: every entry of `older` is in `newer`, unchanged.
pub fn extends(older: &[u8], newer: &[u8]) -> bool {
    match (layout(older), layout(newer)) {
        (Some(a), Some(b)) => layout_extends(older, &a, newer, &b),
        _ => false,
    }
}

fn layout_extends(older: &[u8], a: &Layout, newer: &[u8], b: &Layout) -> bool {
    let same = |x: &Range<usize>, y: &Range<usize>| older[x.clone()] == newer[y.clone()];
    same(&a.head, &b.head)
        && a.revisions.len() <= b.revisions.len()
        && a.reviews.len() <= b.reviews.len()
        && a.revisions
            .iter()
            .zip(&b.revisions)
            .all(|(x, y)| same(x, y))
        && a.reviews.iter().zip(&b.reviews).all(|(x, y)| same(x, y))
}

/// Temporary files older than this in the index's folder were left by a
/// verbatim that was killed while writing; they are removed.
const STALE_TEMP: std::time::Duration = std::time::Duration::from_secs(3600);

fn write_file(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    remove_stale_temp_files(dir);
    let mut tmp = crate::store::temp_file_for(file, dir)?;
    tmp.write_all(bytes)?;
    // No fsync: a file cut short by a crash fails its checksum and is
    // rebuilt, like any other damaged index.
    tmp.persist(file).map_err(|e| e.error)?;
    Ok(())
}

fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_TEMP);
        if stale && name.starts_with(".verbatim-") && name.ends_with(".tmp") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Recently read trees by id. Walking history newest first, a commit's
/// parent is usually the next commit, so each large tree is read once.
/// Two generations: when the newer fills up it becomes the older, so the
/// trees just used survive.
#[derive(Default)]
pub struct TreeCache<'r> {
    trees: HashMap<Oid, Tree<'r>>,
    older: HashMap<Oid, Tree<'r>>,
}

impl<'r> TreeCache<'r> {
    const CAPACITY: usize = 16;

    /// The tree `id`, read once while it stays in the cache.
    pub fn get(&mut self, repo: &'r Repository, id: Oid) -> Result<Tree<'r>, git2::Error> {
        if let Some(tree) = self.trees.get(&id) {
            return Ok(tree.clone());
        }
        let tree = match self.older.remove(&id) {
            Some(tree) => tree,
            None => repo.find_tree(id)?,
        };
        if self.trees.len() >= Self::CAPACITY {
            self.older = std::mem::take(&mut self.trees);
        }
        self.trees.insert(id, tree.clone());
        Ok(tree)
    }
}

/// The blob id of `path` in a tree, as the history walk compares them:
/// `None` when there is no file (or a folder, or a submodule) there.
pub fn blob_at(tree: &Tree, path: &str) -> Option<Oid> {
    let entry = tree.get_path(Path::new(path)).ok()?;
    (entry.kind() == Some(ObjectType::Blob)).then(|| entry.id())
}

/// Computes a commit's entry from its tree and its parents' trees.
pub fn compute<'r>(
    repo: &'r Repository,
    trees: &mut TreeCache<'r>,
    commit: Oid,
) -> Result<Entry, git2::Error> {
    let commit = repo.find_commit(commit)?;
    let tree = commit.tree_id();
    let parents: Vec<Oid> = commit
        .parent_ids()
        .map(|p| repo.find_commit(p).map(|c| c.tree_id()))
        .collect::<Result<_, _>>()?;
    if parents.len() <= 1 {
        // A root commit adds every file; one parent: what differs from it.
        let parent = parents.first().copied();
        let Some(files) = diff(repo, trees, tree, parent)? else {
            return Ok(Entry::Many);
        };
        return Ok(Entry::Changes(
            files
                .into_iter()
                .map(|(path, blob, before)| Change {
                    path,
                    blob,
                    parents: parent.map(|_| before).into_iter().collect(),
                })
                .collect(),
        ));
    }
    // A merge changed a file when the file differs from every parent: the
    // files that differ from one parent, kept where they differ from the
    // others too. Any parent's list will do; the first that is not Many.
    let mut listed = None;
    for (i, &parent) in parents.iter().enumerate() {
        if let Some(files) = diff(repo, trees, tree, Some(parent))? {
            listed = Some((i, files));
            break;
        }
    }
    let Some((listed_parent, files)) = listed else {
        return Ok(Entry::Many);
    };
    let parent_trees: Vec<Tree> = parents
        .iter()
        .map(|&p| trees.get(repo, p))
        .collect::<Result<_, _>>()?;
    let mut changes = Vec::new();
    for (path, blob, before) in files {
        let blobs: Vec<Option<Oid>> = parent_trees
            .iter()
            .enumerate()
            .map(|(i, t)| {
                if i == listed_parent {
                    before
                } else {
                    blob_at(t, &path)
                }
            })
            .collect();
        if !blobs.contains(&blob) {
            changes.push(Change {
                path,
                blob,
                parents: blobs,
            });
        }
    }
    Ok(Entry::Changes(changes))
}

/// A file that differs between two trees: path, blob in the new tree, blob
/// in the old.
type FileDiff = (String, Option<Oid>, Option<Oid>);

/// The files whose blob differs between `new` and `old` (`None`: the empty
/// tree), sorted by path; `None` when there are more than [`MANY`], or a
/// tree is not sorted as git writes trees (the walk then looks paths up).
/// Paths that are not UTF-8 are left out: no walk can ask for them.
fn diff<'r>(
    repo: &'r Repository,
    trees: &mut TreeCache<'r>,
    new: Oid,
    old: Option<Oid>,
) -> Result<Option<Vec<FileDiff>>, git2::Error> {
    let mut out = Vec::new();
    let mut prefix = Vec::new();
    if !diff_trees(repo, trees, Some(new), old, &mut prefix, &mut out)? {
        return Ok(None);
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Some(out))
}

/// One side of the merge of two trees: the entries in order, each name
/// read once.
struct Cursor<'t> {
    tree: Option<Tree<'t>>,
    next: usize,
    done: bool,
    name: Vec<u8>,
    id: Oid,
    kind: Option<ObjectType>,
    before: Vec<u8>,
}

impl<'t> Cursor<'t> {
    /// A cursor on the first entry; `Err` as for [`Cursor::advance`].
    fn new(tree: Option<Tree<'t>>) -> Result<Cursor<'t>, ()> {
        let mut cursor = Cursor {
            tree,
            next: 0,
            done: false,
            name: Vec::new(),
            id: Oid::ZERO_SHA1,
            kind: None,
            before: Vec::new(),
        };
        cursor.advance()?;
        Ok(cursor)
    }

    fn is_tree(&self) -> bool {
        self.kind == Some(ObjectType::Tree)
    }

    /// The entry's id if it is of `kind`.
    fn id_of(&self, kind: ObjectType) -> Option<Oid> {
        (self.kind == Some(kind)).then_some(self.id)
    }

    /// Moves to the next entry. `Err` when it does not come strictly after
    /// the one before in git's order: a tree git would not write, where a
    /// path lookup (a binary search) and this merge could disagree.
    fn advance(&mut self) -> Result<(), ()> {
        let Some(entry) = self.tree.as_ref().and_then(|t| t.get(self.next)) else {
            self.done = true;
            return Ok(());
        };
        let was_tree = self.is_tree();
        std::mem::swap(&mut self.before, &mut self.name);
        self.name.clear();
        self.name.extend_from_slice(entry.name_bytes());
        self.id = entry.id();
        self.kind = entry.kind();
        if self.next > 0
            && git_tree_order(&self.before, was_tree, &self.name, self.is_tree())
                != std::cmp::Ordering::Less
        {
            return Err(());
        }
        self.next += 1;
        Ok(())
    }
}

/// Adds to `out` every file under `prefix` whose blob differs between the
/// two trees. Returns `false` when the list would pass [`MANY`] or a tree is
/// out of order.
fn diff_trees<'r>(
    repo: &'r Repository,
    trees: &mut TreeCache<'r>,
    new: Option<Oid>,
    old: Option<Oid>,
    prefix: &mut Vec<u8>,
    out: &mut Vec<FileDiff>,
) -> Result<bool, git2::Error> {
    let new_tree = new.map(|id| trees.get(repo, id)).transpose()?;
    let old_tree = old.map(|id| trees.get(repo, id)).transpose()?;
    let (Ok(mut a), Ok(mut b)) = (Cursor::new(new_tree), Cursor::new(old_tree)) else {
        return Ok(false);
    };
    loop {
        let order = match (a.done, b.done) {
            (true, true) => return Ok(true),
            (false, false) => git_tree_order(&a.name, a.is_tree(), &b.name, b.is_tree()),
            (false, true) => std::cmp::Ordering::Less,
            (true, false) => std::cmp::Ordering::Greater,
        };
        // Same key on both sides, or the entry only one side has.
        let in_new = order != std::cmp::Ordering::Greater;
        let in_old = order != std::cmp::Ordering::Less;
        if !(in_new && in_old && a.id == b.id) {
            let len = prefix.len();
            prefix.extend_from_slice(if in_new { &a.name } else { &b.name });
            let side = |c: &Cursor, here: bool, kind| if here { c.id_of(kind) } else { None };
            let sub_new = side(&a, in_new, ObjectType::Tree);
            let sub_old = side(&b, in_old, ObjectType::Tree);
            let within = if sub_new.is_some() || sub_old.is_some() {
                // Same key, so both are folders, or one side has nothing here.
                prefix.push(b'/');
                diff_trees(repo, trees, sub_new, sub_old, prefix, out)?
            } else {
                let now = side(&a, in_new, ObjectType::Blob);
                let before = side(&b, in_old, ObjectType::Blob);
                if now != before
                    && let Ok(path) = std::str::from_utf8(prefix)
                {
                    out.push((path.to_string(), now, before));
                }
                out.len() <= MANY
            };
            prefix.truncate(len);
            if !within {
                return Ok(false);
            }
        }
        if (in_new && a.advance().is_err()) || (in_old && b.advance().is_err()) {
            return Ok(false);
        }
    }
}

// The file format (docs/FORMAT.md): a header, the entries, and a SHA-256
// of everything before it. Integers are little-endian.

fn encode(facts: &Facts) -> Vec<u8> {
    let mut out = Vec::with_capacity(
        HEADER_LEN + facts.commits.len() * 64 + facts.tables.len() * 28 + 4 + TRAILER_LEN,
    );
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.push(OID_LEN as u8);
    let oid = |out: &mut Vec<u8>, id: Option<Oid>| match id {
        Some(id) => out.extend_from_slice(id.as_bytes()),
        None => out.extend_from_slice(&[0; OID_LEN]),
    };
    let mut commits: Vec<&Oid> = facts.commits.keys().collect();
    commits.sort();
    out.extend_from_slice(&(commits.len() as u32).to_le_bytes());
    for commit in commits {
        out.extend_from_slice(commit.as_bytes());
        match &facts.commits[commit] {
            Entry::Many => out.push(1),
            Entry::Changes(changes) => {
                out.push(0);
                let parents = changes.first().map_or(0, |c| c.parents.len());
                out.extend_from_slice(&(parents as u16).to_le_bytes());
                out.extend_from_slice(&(changes.len() as u32).to_le_bytes());
                for change in changes {
                    out.extend_from_slice(&(change.path.len() as u32).to_le_bytes());
                    out.extend_from_slice(change.path.as_bytes());
                    oid(&mut out, change.blob);
                    for p in &change.parents {
                        oid(&mut out, *p);
                    }
                }
            }
        }
    }
    let mut blobs: Vec<&Oid> = facts.tables.keys().collect();
    blobs.sort();
    out.extend_from_slice(&(blobs.len() as u32).to_le_bytes());
    for blob in blobs {
        let t = facts.tables[blob];
        out.extend_from_slice(blob.as_bytes());
        out.extend_from_slice(&t.revisions.to_le_bytes());
        out.extend_from_slice(&t.reviews.to_le_bytes());
    }
    let mut pairs: Vec<&(Oid, Oid)> = facts.extensions.keys().collect();
    pairs.sort();
    out.extend_from_slice(&(pairs.len() as u32).to_le_bytes());
    for pair in pairs {
        out.extend_from_slice(pair.0.as_bytes());
        out.extend_from_slice(pair.1.as_bytes());
        out.push(u8::from(facts.extensions[pair]));
    }
    let sum = Sha256::digest(&out);
    out.extend_from_slice(&sum);
    out
}

/// Reads bytes off the front of a slice.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn oid(&mut self) -> Option<Option<Oid>> {
        let bytes = self.take(OID_LEN)?;
        if bytes.iter().all(|b| *b == 0) {
            return Some(None);
        }
        Oid::from_bytes(bytes).ok().map(Some)
    }
}

/// What an index file holds; `None` for anything but a whole file of this
/// version.
fn decode(bytes: &[u8]) -> Option<Facts> {
    let body_len = bytes.len().checked_sub(TRAILER_LEN)?;
    let (body, sum) = bytes.split_at(body_len);
    if body.len() < HEADER_LEN || Sha256::digest(body).as_slice() != sum {
        return None;
    }
    let mut r = Reader(body);
    if r.take(MAGIC.len())? != MAGIC || r.u32()? != VERSION || r.u8()? as usize != OID_LEN {
        return None;
    }
    let mut facts = Facts::default();
    let count = r.u32()? as usize;
    // Each entry takes at least 21 bytes: a count past that is corrupt.
    facts.commits.reserve(count.min(r.0.len() / (OID_LEN + 1)));
    for _ in 0..count {
        let commit = r.oid()??;
        let entry = match r.u8()? {
            1 => Entry::Many,
            0 => {
                let parents = r.u16()? as usize;
                let n = r.u32()? as usize;
                let mut changes: Vec<Change> = Vec::with_capacity(n.min(MANY + 1));
                for _ in 0..n {
                    let len = r.u32()? as usize;
                    let path = std::str::from_utf8(r.take(len)?).ok()?.to_string();
                    if changes.last().is_some_and(|c| c.path >= path) {
                        return None;
                    }
                    let blob = r.oid()?;
                    let parents = (0..parents).map(|_| r.oid()).collect::<Option<_>>()?;
                    changes.push(Change {
                        path,
                        blob,
                        parents,
                    });
                }
                Entry::Changes(changes)
            }
            _ => return None,
        };
        if facts.commits.insert(commit, entry).is_some() {
            return None;
        }
    }
    let count = r.u32()? as usize;
    facts.tables.reserve(count.min(r.0.len() / (OID_LEN + 8)));
    for _ in 0..count {
        let blob = r.oid()??;
        let tables = Tables {
            revisions: r.u32()?,
            reviews: r.u32()?,
        };
        if facts.tables.insert(blob, tables).is_some() {
            return None;
        }
    }
    let count = r.u32()? as usize;
    facts
        .extensions
        .reserve(count.min(r.0.len() / (2 * OID_LEN + 1)));
    for _ in 0..count {
        let pair = (r.oid()??, r.oid()??);
        let extends = match r.u8()? {
            0 => false,
            1 => true,
            _ => return None,
        };
        if facts.extensions.insert(pair, extends).is_some() {
            return None;
        }
    }
    r.0.is_empty().then_some(facts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oid(n: u8) -> Oid {
        Oid::from_bytes(&[n; OID_LEN]).unwrap()
    }

    fn sample() -> Facts {
        let mut facts = Facts::default();
        let entries = &mut facts.commits;
        entries.insert(oid(1), Entry::Many);
        entries.insert(oid(2), Entry::Changes(Vec::new()));
        entries.insert(
            oid(3),
            Entry::Changes(vec![
                Change {
                    path: "publications/day/1.toml".into(),
                    blob: Some(oid(4)),
                    parents: vec![None],
                },
                Change {
                    path: "translations/day/q.toml".into(),
                    blob: Some(oid(5)),
                    parents: vec![Some(oid(6))],
                },
            ]),
        );
        entries.insert(
            oid(7),
            Entry::Changes(vec![Change {
                path: "translations/día/q.toml".into(),
                blob: None,
                parents: vec![Some(oid(8)), Some(oid(9))],
            }]),
        );
        facts.tables.insert(
            oid(5),
            Tables {
                revisions: 3,
                reviews: 2,
            },
        );
        facts.extensions.insert((oid(6), oid(5)), true);
        facts.extensions.insert((oid(5), oid(6)), false);
        facts.tables.insert(
            oid(6),
            Tables {
                revisions: 2,
                reviews: 0,
            },
        );
        facts
    }

    #[test]
    fn entries_survive_a_round_trip() {
        let facts = sample();
        let bytes = encode(&facts);
        assert_eq!(decode(&bytes), Some(facts.clone()));
        assert_eq!(encode(&decode(&bytes).unwrap()), bytes, "deterministic");
        assert_eq!(decode(&encode(&Facts::default())), Some(Facts::default()));
    }

    #[test]
    fn a_cut_or_damaged_file_is_refused() {
        let bytes = encode(&sample());
        for len in 0..bytes.len() {
            assert_eq!(decode(&bytes[..len]), None, "cut at {len}");
        }
        for i in 0..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[i] ^= 0x20;
            assert_eq!(decode(&damaged), None, "byte {i} flipped");
        }
        assert_eq!(decode(b"garbage"), None);
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode(&longer), None);
    }

    #[test]
    fn another_version_is_refused_even_with_a_good_checksum() {
        let bytes = encode(&sample());
        let mut body = bytes[..bytes.len() - TRAILER_LEN].to_vec();
        body[8..12].copy_from_slice(&2u32.to_le_bytes());
        let sum = Sha256::digest(&body);
        body.extend_from_slice(&sum);
        assert_eq!(decode(&body), None);
    }

    #[test]
    fn tables_are_counted_by_header_line() {
        let text =
            b"schema = 1\n\n[[revision]]\nnote = \"[[review]]\"\n  [[revision]]  \n\n[[review]]\n";
        assert_eq!(
            count_tables(text),
            Tables {
                revisions: 2,
                reviews: 1
            }
        );
    }

    const V1: &str = "schema = 1\nspeaker = \"S\"\n\n[[revision]]\nnumber = 1\noriginal = \"a\"\n\n[[review]]\nrevision = 1\n";

    #[test]
    fn a_version_that_only_adds_tables_extends_the_one_before() {
        let v2 = "schema = 1\nspeaker = \"S\"\n\n[[revision]]\nnumber = 1\noriginal = \"a\"\n\n\
                  [[revision]]\nnumber = 2\noriginal = \"b\"\n\n[[review]]\nrevision = 1\n\n\
                  [[review]]\nrevision = 2\n";
        assert!(extends(V1.as_bytes(), v2.as_bytes()));
        assert!(extends(V1.as_bytes(), V1.as_bytes()));
        assert!(!extends(v2.as_bytes(), V1.as_bytes()), "tables removed");
        // An entry edited, even with one added beside it.
        let edited = v2.replacen("original = \"a\"", "original = \"A\"", 1);
        assert!(!extends(V1.as_bytes(), edited.as_bytes()));
        let edited_review = V1.replace("revision = 1\n", "revision = 1\ncomment = \"x\"\n");
        assert!(!extends(V1.as_bytes(), edited_review.as_bytes()));
        // The text before the tables changed.
        let head = v2.replace("speaker = \"S\"", "speaker = \"T\"");
        assert!(!extends(V1.as_bytes(), head.as_bytes()));
        // Another table among the entries: nothing certain.
        let other = format!("{V1}\n[extra]\nx = 1\n");
        assert!(!extends(V1.as_bytes(), other.as_bytes()));
        assert!(!extends(other.as_bytes(), other.as_bytes()));
        let v1 = V1.as_bytes();
        let l = layout(v1).unwrap();
        assert_eq!(&v1[l.head.clone()], b"schema = 1\nspeaker = \"S\"");
        assert_eq!(
            &v1[l.revisions[0].clone()],
            b"[[revision]]\nnumber = 1\noriginal = \"a\""
        );
        assert_eq!(&v1[l.reviews[0].clone()], b"[[review]]\nrevision = 1");
        assert_eq!(l.tables(), count_tables(v1));
    }

    /// A tree holding `files` (path → content) in a fresh repository.
    fn tree_of(repo: &Repository, files: &[(&str, &str)]) -> Oid {
        let empty = repo.treebuilder(None).unwrap().write().unwrap();
        let mut update = git2::build::TreeUpdateBuilder::new();
        for (path, text) in files {
            let blob = repo.blob(text.as_bytes()).unwrap();
            update.upsert(*path, blob, git2::FileMode::Blob);
        }
        update
            .create_updated(repo, &repo.find_tree(empty).unwrap())
            .unwrap()
    }

    /// Every file path in a tree.
    fn paths(repo: &Repository, tree: Oid) -> Vec<String> {
        let mut out = Vec::new();
        repo.find_tree(tree)
            .unwrap()
            .walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
                if entry.kind() == Some(ObjectType::Blob) {
                    out.push(format!("{dir}{}", entry.name().unwrap()));
                }
                git2::TreeWalkResult::Ok
            })
            .unwrap();
        out
    }

    #[test]
    fn the_tree_diff_lists_exactly_the_paths_whose_blob_a_lookup_sees_change() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let versions: Vec<Vec<(&str, &str)>> = vec![
            vec![],
            vec![("a", "1"), ("a.toml", "2"), ("a0", "3"), ("b/c/d", "4")],
            // A file becomes a folder of that name, and back; siblings
            // sorting around "a/" ('.' < '/' < '0').
            vec![("a/x", "1"), ("a.toml", "2"), ("a0", "3"), ("b/c/d", "5")],
            vec![("a", "1"), ("a.toml", "2b"), ("b/c/d", "5"), ("b/e", "6")],
            vec![("a", "1"), ("b", "7"), ("c/a.toml", "8")],
        ];
        let trees: Vec<Oid> = versions.iter().map(|v| tree_of(&repo, v)).collect();
        let mut cache = TreeCache::default();
        for &new in &trees {
            for old in std::iter::once(None).chain(trees.iter().copied().map(Some)) {
                let listed = diff(&repo, &mut cache, new, old).unwrap().unwrap();
                let mut all = paths(&repo, new);
                if let Some(old) = old {
                    all.extend(paths(&repo, old));
                }
                all.sort();
                all.dedup();
                let new_tree = repo.find_tree(new).unwrap();
                let old_tree = old.map(|o| repo.find_tree(o).unwrap());
                let expected: Vec<FileDiff> = all
                    .into_iter()
                    .filter_map(|p| {
                        let now = blob_at(&new_tree, &p);
                        let before = old_tree.as_ref().and_then(|t| blob_at(t, &p));
                        (now != before).then_some((p, now, before))
                    })
                    .collect();
                assert_eq!(listed, expected, "{new} against {old:?}");
            }
        }
    }

    #[test]
    fn more_than_many_changed_files_make_a_many_entry() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let names: Vec<String> = (0..=MANY)
            .map(|i| format!("t/s{}/q.toml", i % 7 + i))
            .collect();
        let files: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "x")).collect();
        let mut cache = TreeCache::default();
        let all = tree_of(&repo, &files);
        let one_fewer = tree_of(&repo, &files[1..]);
        assert_eq!(diff(&repo, &mut cache, all, None).unwrap(), None);
        assert_eq!(
            diff(&repo, &mut cache, one_fewer, None)
                .unwrap()
                .map(|d| d.len()),
            Some(MANY)
        );
        assert_eq!(
            diff(&repo, &mut cache, all, Some(one_fewer))
                .unwrap()
                .map(|d| d.len()),
            Some(1)
        );
    }

    #[test]
    fn lookups_find_listed_paths_only() {
        let facts = sample();
        let e = &facts.commits[&oid(3)];
        assert_eq!(
            e.change("translations/day/q.toml").map(|c| c.blob),
            Some(Some(oid(5)))
        );
        assert!(e.change("translations/day/r.toml").is_none());
        assert!(Entry::Many.change("x").is_none());
    }
}
