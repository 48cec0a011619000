//! Which files under some folders differ between a revision and the work
//! tree, for `check --changed-since REV`.
//!
//! Three comparisons, each as cheap as it can be while still seeing
//! everything an editor has not committed yet:
//!
//! 1. REV's tree against HEAD's, tree to tree: equal subtrees are skipped
//!    by id, so the cost follows the size of the change, not of the archive.
//! 2. HEAD's tree against the index, without reading HEAD's subtrees: the
//!    tree ids the index *would* have are hashed from its entries (no
//!    object is read or written) and compared with HEAD's; only subtrees
//!    whose ids differ are opened.
//! 3. The index against the work tree, as `git status` does: each entry's
//!    stat data against `lstat` of its file (the content hashed only when
//!    they differ), and each folder listed to find files the index lacks.
//!
//! 2 and 3 read the index with [`crate::index_file`] (libgit2 has no way to
//! read only some folders' entries and checks the SHA-1 of the whole file
//! first) and run on every core. An index it declines (split or sparse
//! index, conflicts, intent-to-add entries) takes libgit2's
//! `diff_tree_to_workdir_with_index` instead: slower (every tree of HEAD
//! read), and it leaves out files `.gitignore` ignores.
//!
//! The answer may be larger than the exact difference, never smaller: a
//! path staged and then changed back counts, a file whose clean filter
//! (line endings, `.gitattributes`) changes its bytes counts, and so does a
//! file ignored by `.gitignore` (`check` reads it all the same). A folder
//! that differs as a whole (untracked, or present on one side only) is
//! given as the folder's path, not its files'.

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::io::Read;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::fs::MetadataExt;

use git2::{Oid, Repository, Tree};
use rustix::fs::{self, AtFlags, FileType, Mode, OFlags};
use rustix::io::Errno;

use crate::index_file::{Entry, IndexFile, Unsupported};

const MODE_TREE: u32 = 0o040000;
const MODE_SYMLINK: u32 = 0o120000;
const MODE_SUBMODULE: u32 = 0o160000;

/// Paths under `dirs` (top-level folder names, relative and `/`-separated)
/// that differ between `rev` and the work tree: committed since, staged,
/// unstaged, untracked or deleted. See the module documentation for what
/// "differ" includes.
pub fn changed_paths(
    git: &Repository,
    rev: &Tree,
    dirs: &[&str],
) -> Result<BTreeSet<String>, git2::Error> {
    let head = head_tree(git)?;
    let mut out = committed_paths(git, rev, head.as_ref(), dirs)?;
    out.extend(uncommitted_paths(git, head.as_ref(), dirs)?);
    Ok(out)
}

/// HEAD's tree; `None` before the first commit.
pub fn head_tree(git: &Repository) -> Result<Option<Tree<'_>>, git2::Error> {
    match git.head() {
        Ok(h) => Ok(Some(h.peel_to_tree()?)),
        Err(e) if e.code() == git2::ErrorCode::UnbornBranch => Ok(None),
        Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Step 1: the paths under `dirs` where the trees `rev` and `head` differ.
pub fn committed_paths(
    git: &Repository,
    rev: &Tree,
    head: Option<&Tree>,
    dirs: &[&str],
) -> Result<BTreeSet<String>, git2::Error> {
    let mut out = Paths::default();
    for dir in dirs {
        let a = top_entry(Some(rev), dir);
        let b = top_entry(head, dir);
        diff_entries(git, dir.as_bytes(), a, b, &mut out)?;
    }
    Ok(strings(out))
}

/// Steps 2 and 3: the paths under `dirs` where the index or the work tree
/// differ from `head` (HEAD's tree).
pub fn uncommitted_paths(
    git: &Repository,
    head: Option<&Tree>,
    dirs: &[&str],
) -> Result<BTreeSet<String>, git2::Error> {
    let mut out = Paths::new();
    match Worktree::new(git, head, dirs).and_then(|w| w.changes()) {
        Ok(found) => out = found,
        Err(Fallback::Git(e)) => return Err(e),
        Err(Fallback::Declined(_)) => worktree_by_libgit2(git, head, dirs, &mut out)?,
    }
    Ok(strings(out))
}

fn strings(paths: Paths) -> BTreeSet<String> {
    paths
        .into_iter()
        .map(|p| String::from_utf8_lossy(&p).into_owned())
        .collect()
}

type Paths = BTreeSet<Vec<u8>>;

/// A tree entry's mode and id.
type Item = (u32, Oid);

/// A folder's children, by name, in tree order.
type Items<'a> = Vec<(&'a [u8], Item)>;

fn top_entry(tree: Option<&Tree>, name: &str) -> Option<Item> {
    let entry = tree?.get_name(name)?;
    Some((entry.filemode() as u32, entry.id()))
}

/// Adds the paths where `a` and `b` (the entries at `path` on two sides)
/// differ: subtrees with equal ids are skipped unopened. A folder on one
/// side only is added as the folder, except at the top, where its entries
/// are (`translations/SLUG`, `articles/SLUG.md`).
fn diff_entries(
    git: &Repository,
    path: &[u8],
    a: Option<Item>,
    b: Option<Item>,
    out: &mut Paths,
) -> Result<(), git2::Error> {
    if a == b {
        return Ok(());
    }
    let tree = |item: Option<Item>| match item {
        Some((MODE_TREE, id)) => git.find_tree(id).map(Some),
        _ => Ok(None),
    };
    let top = !path.contains(&b'/');
    let (ta, tb) = match (a, b) {
        (Some((MODE_TREE, _)), Some((MODE_TREE, _))) => (tree(a)?, tree(b)?),
        _ if top => {
            out.insert(path.to_vec());
            (tree(a)?, tree(b)?)
        }
        _ => {
            out.insert(path.to_vec());
            return Ok(());
        }
    };
    let ea: Vec<git2::TreeEntry> = ta.iter().flat_map(|t| t.iter()).collect();
    let eb: Vec<git2::TreeEntry> = tb.iter().flat_map(|t| t.iter()).collect();
    merge(&items(&ea), &items(&eb), |name, l, r| {
        diff_entries(git, &join(path, name), l.map(|l| l.1), r.map(|r| r.1), out)
    })
}

/// Tree entries as (name, item).
fn items<'t>(entries: &'t [git2::TreeEntry<'_>]) -> Vec<(&'t [u8], Item)> {
    entries
        .iter()
        .map(|e| (e.name_bytes(), (e.filemode() as u32, e.id())))
        .collect()
}

fn join(dir: &[u8], name: &[u8]) -> Vec<u8> {
    let mut p = Vec::with_capacity(dir.len() + 1 + name.len());
    p.extend_from_slice(dir);
    p.push(b'/');
    p.extend_from_slice(name);
    p
}

/// Walks two lists of entries in tree order and calls `f` once per name,
/// with the position and item on each side (`None` where that side lacks
/// it).
fn merge<E>(
    left: &[(&[u8], Item)],
    right: &[(&[u8], Item)],
    mut f: impl FnMut(&[u8], Option<(usize, Item)>, Option<(usize, Item)>) -> Result<(), E>,
) -> Result<(), E> {
    let (mut i, mut j) = (0, 0);
    while i < left.len() || j < right.len() {
        let order = match (left.get(i), right.get(j)) {
            (Some(l), Some(r)) => {
                crate::repo::git_tree_order(l.0, l.1.0 == MODE_TREE, r.0, r.1.0 == MODE_TREE)
            }
            (Some(_), None) => Ordering::Less,
            _ => Ordering::Greater,
        };
        match order {
            Ordering::Less => {
                f(left[i].0, Some((i, left[i].1)), None)?;
                i += 1;
            }
            Ordering::Greater => {
                f(right[j].0, None, Some((j, right[j].1)))?;
                j += 1;
            }
            Ordering::Equal => {
                f(left[i].0, Some((i, left[i].1)), Some((j, right[j].1)))?;
                i += 1;
                j += 1;
            }
        }
    }
    Ok(())
}

/// The id of the tree object holding `children` (in tree order), as git
/// would write it; nothing is written.
fn hash_tree(children: &[(&[u8], Item)]) -> Result<Oid, git2::Error> {
    use std::io::Write;
    let mut buf = Vec::with_capacity(children.len() * 48);
    for (name, (mode, id)) in children {
        // Writing to a Vec cannot fail.
        let _ = write!(buf, "{mode:o} ");
        buf.extend_from_slice(name);
        buf.push(0);
        buf.extend_from_slice(id.as_bytes());
    }
    object_id("tree", &buf)
}

/// A git object's id: the SHA-1 of `KIND LEN\0` and the content. (The
/// sha1 crate uses the CPU's SHA instructions where there are; libgit2's
/// collision-detecting SHA-1 took 7 % of the work-tree comparison.)
fn object_id(kind: &str, content: &[u8]) -> Result<Oid, git2::Error> {
    use sha1::Digest;
    let mut hasher = sha1::Sha1::new();
    hasher.update(format!("{kind} {}\0", content.len()).as_bytes());
    hasher.update(content);
    Oid::from_bytes(&hasher.finalize())
}

/// Why the fast work-tree comparison did not answer.
#[derive(Debug)]
enum Fallback {
    /// The index is in a form the reader declines: ask libgit2. (The
    /// reason shows in `Debug`, for tests and debugging.)
    Declined(#[allow(dead_code)] Unsupported),
    /// Reading HEAD's objects failed: an error for the caller.
    Git(git2::Error),
}

impl From<git2::Error> for Fallback {
    fn from(e: git2::Error) -> Self {
        Fallback::Git(e)
    }
}

/// The slow, general path: libgit2 compares HEAD's tree with the index and
/// the work tree (every tree read, every file stat'ed).
fn worktree_by_libgit2(
    git: &Repository,
    head: Option<&Tree>,
    dirs: &[&str],
    out: &mut Paths,
) -> Result<(), git2::Error> {
    let mut opts = git2::DiffOptions::new();
    opts.include_untracked(true).recurse_untracked_dirs(true);
    for dir in dirs {
        opts.pathspec(dir);
    }
    let diff = git.diff_tree_to_workdir_with_index(head, Some(&mut opts))?;
    for delta in diff.deltas() {
        for file in [delta.old_file(), delta.new_file()] {
            if let Some(path) = file.path_bytes() {
                out.insert(path.to_vec());
            }
        }
    }
    Ok(())
}

/// The fast comparison of HEAD, the index and the work tree.
struct Worktree<'r> {
    git: &'r Repository,
    head: Option<&'r Tree<'r>>,
    dirs: &'r [&'r str],
    scanner: Scanner,
}

/// What the threads share: the work tree's root and the index's entries
/// (no git2 handle: those are not `Sync`).
struct Scanner {
    /// The work tree's root folder, open.
    root: OwnedFd,
    index: IndexFile,
    /// The index file's modification time (seconds): an entry modified in
    /// that second or later may have changed without its stat data showing
    /// it ("racily clean"), so its content is compared.
    index_mtime: i64,
}

/// The entries of one folder's child: a file, or a subfolder and every
/// entry under it.
#[derive(Clone, Copy)]
enum Child<'a> {
    File(&'a Entry),
    Dir(&'a [Entry]),
}

impl<'r> Worktree<'r> {
    fn new(
        git: &'r Repository,
        head: Option<&'r Tree<'r>>,
        dirs: &'r [&'r str],
    ) -> Result<Worktree<'r>, Fallback> {
        let root = git
            .workdir()
            .ok_or_else(|| Fallback::Declined(Unsupported("a bare repository".into())))?;
        let root = fs::open(
            root,
            OFlags::RDONLY | OFlags::CLOEXEC | OFlags::DIRECTORY,
            Mode::empty(),
        )
        .map_err(|e| Fallback::Declined(Unsupported(format!("cannot open the work tree: {e}"))))?;
        let path = git.path().join("index");
        let index_mtime = std::fs::metadata(&path).map(|m| m.mtime()).unwrap_or(0);
        let index = IndexFile::read(&path, |p| {
            dirs.iter()
                .any(|d| p.len() > d.len() && p.starts_with(d.as_bytes()) && p[d.len()] == b'/')
        })
        .map_err(Fallback::Declined)?;
        Ok(Worktree {
            git,
            head,
            dirs,
            scanner: Scanner {
                root,
                index,
                index_mtime,
            },
        })
    }

    fn changes(&self) -> Result<Paths, Fallback> {
        let s = &self.scanner;
        let entries = s.index.entries();
        let mut out = Paths::new();
        for dir in self.dirs {
            let prefix = format!("{dir}/");
            let prefix = prefix.as_bytes();
            let lo = entries.partition_point(|e| s.index.path(e) < prefix);
            let hi = lo + entries[lo..].partition_point(|e| s.index.path(e).starts_with(prefix));
            let groups = s.children(&entries[lo..hi], prefix.len());
            let (children, found) = s.scan_top(dir.as_bytes(), &groups)?;
            out.extend(found);
            let index_item = match groups.is_empty() {
                true => None,
                false => Some((MODE_TREE, hash_tree(&children)?)),
            };
            let head_item = top_entry(self.head, dir);
            if index_item != head_item {
                self.diff_index_dir(dir.as_bytes(), &groups, &children, head_item, &mut out)?;
            }
        }
        Ok(out)
    }

    /// Adds the paths under `dir` where the index (`groups`, whose items
    /// are `children`) differs from HEAD's entry `head` at `dir`; only
    /// subtrees whose ids differ are opened.
    fn diff_index_dir(
        &self,
        dir: &[u8],
        groups: &[(&[u8], Child)],
        children: &[(&[u8], Item)],
        head: Option<Item>,
        out: &mut Paths,
    ) -> Result<(), Fallback> {
        let tree = match head {
            Some((MODE_TREE, id)) => Some(self.git.find_tree(id)?),
            Some(_) => {
                out.insert(dir.to_vec());
                None
            }
            None if dir.contains(&b'/') => {
                // A folder HEAD lacks: the folder is the change.
                out.insert(dir.to_vec());
                return Ok(());
            }
            None => None,
        };
        let entries: Vec<git2::TreeEntry> = tree.iter().flat_map(|t| t.iter()).collect();
        merge(children, &items(&entries), |name, l, r| {
            let path = join(dir, name);
            match (l, r) {
                (Some((_, l)), Some((_, r))) if l == r => Ok(()),
                (Some((i, (MODE_TREE, _))), Some((_, r @ (MODE_TREE, _)))) => {
                    let Child::Dir(slice) = groups[i].1 else {
                        out.insert(path);
                        return Ok(());
                    };
                    let sub = self.scanner.children(slice, path.len() + 1);
                    let items = self.scanner.items(&path, &sub)?;
                    self.diff_index_dir(&path, &sub, &items, Some(r), out)
                }
                _ => {
                    out.insert(path);
                    Ok(())
                }
            }
        })
    }
}

impl Scanner {
    /// The children of the folder whose entries are `slice` (all starting
    /// with the same `prefix_len` bytes, the folder's path and `/`), in
    /// index order, which is tree order.
    fn children<'a>(&'a self, slice: &'a [Entry], prefix_len: usize) -> Vec<(&'a [u8], Child<'a>)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < slice.len() {
            let path = self.index.path(&slice[i]);
            let rest = &path[prefix_len..];
            match rest.iter().position(|c| *c == b'/') {
                None => {
                    out.push((rest, Child::File(&slice[i])));
                    i += 1;
                }
                Some(at) => {
                    let sub = &path[..prefix_len + at + 1];
                    let n = slice[i..].partition_point(|e| self.index.path(e).starts_with(sub));
                    out.push((&rest[..at], Child::Dir(&slice[i..i + n])));
                    i += n;
                }
            }
        }
        out
    }

    /// The children's items, subfolders hashed from the index (no file is
    /// looked at).
    fn items<'a>(
        &'a self,
        dir: &[u8],
        groups: &[(&'a [u8], Child<'a>)],
    ) -> Result<Items<'a>, git2::Error> {
        groups
            .iter()
            .map(|(name, child)| {
                let item = match child {
                    Child::File(e) => (e.mode, Oid::from_bytes(&e.oid)?),
                    Child::Dir(slice) => {
                        let path = join(dir, name);
                        let sub = self.children(slice, path.len() + 1);
                        (MODE_TREE, hash_tree(&self.items(&path, &sub)?)?)
                    }
                };
                Ok((*name, item))
            })
            .collect()
    }

    /// For the top-level folder `dir` (its index entries as `groups`): the
    /// children's items (subfolders hashed from the index) and the paths
    /// where the work tree differs from the index. On every core when
    /// there are many children.
    fn scan_top<'a>(
        &'a self,
        dir: &[u8],
        groups: &[(&'a [u8], Child<'a>)],
    ) -> Result<(Items<'a>, Paths), git2::Error> {
        let mut found = Paths::new();
        let fd = match open_dir(&self.root, dir) {
            Ok(fd) => fd,
            Err(_) => {
                // No such folder in the work tree: each child that should
                // be there is missing.
                for (name, child) in groups {
                    if child_expected(child) {
                        found.insert(join(dir, name));
                    }
                }
                return Ok((self.items(dir, groups)?, found));
            }
        };
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1);
        let mut present = 0;
        let items = if threads == 1 || groups.len() < 256 {
            self.scan(&fd, dir, groups, &mut found, &mut present)?
        } else {
            let chunk = groups.len().div_ceil(threads);
            let fd = &fd;
            let parts: Vec<Result<(Items, Paths, usize), git2::Error>> =
                std::thread::scope(|scope| {
                    let handles: Vec<_> = groups
                        .chunks(chunk)
                        .map(|part| {
                            scope.spawn(move || {
                                let mut found = Paths::new();
                                let mut present = 0;
                                let items = self.scan(fd, dir, part, &mut found, &mut present)?;
                                Ok((items, found, present))
                            })
                        })
                        .collect();
                    handles
                        .into_iter()
                        .map(|h| {
                            h.join().unwrap_or_else(|_| {
                                Err(git2::Error::from_str("a work-tree thread failed"))
                            })
                        })
                        .collect()
                });
            let mut items = Vec::with_capacity(groups.len());
            for part in parts {
                let (i, f, p) = part?;
                items.extend(i);
                found.extend(f);
                present += p;
            }
            items
        };
        untracked(fd, dir, groups, present, &mut found);
        Ok((items, found))
    }

    /// For the children `groups` of the folder `dir`, open as `fd`: stats
    /// each file, opens and lists each subfolder, hashes each subfolder's
    /// tree from the index. Returns the children's items; counts in
    /// `present` the children found in the work tree.
    fn scan<'a>(
        &'a self,
        fd: &OwnedFd,
        dir: &[u8],
        groups: &[(&'a [u8], Child<'a>)],
        found: &mut Paths,
        present: &mut usize,
    ) -> Result<Items<'a>, git2::Error> {
        groups
            .iter()
            .map(|(name, child)| {
                let item = match child {
                    Child::File(e) => {
                        let (here, same) = self.compare_file(fd, name, e);
                        *present += usize::from(here);
                        if !same {
                            found.insert(self.index.path(e).to_vec());
                        }
                        (e.mode, Oid::from_bytes(&e.oid)?)
                    }
                    Child::Dir(slice) => {
                        let path = join(dir, name);
                        let sub = self.children(slice, path.len() + 1);
                        let items = match open_dir(fd, name) {
                            Ok(sub_fd) => {
                                *present += 1;
                                let mut sub_present = 0;
                                let items =
                                    self.scan(&sub_fd, &path, &sub, found, &mut sub_present)?;
                                untracked(sub_fd, &path, &sub, sub_present, found);
                                items
                            }
                            Err(_) => {
                                if child_expected(child) {
                                    found.insert(path.clone());
                                }
                                self.items(&path, &sub)?
                            }
                        };
                        (MODE_TREE, hash_tree(&items)?)
                    }
                };
                Ok((*name, item))
            })
            .collect()
    }

    /// Whether the file `name` in the folder `fd` exists, and whether it
    /// is as the index entry `e` says: stat data equal to the index's (and
    /// not racily so) mean unchanged, as for git; otherwise the content is
    /// hashed and compared.
    fn compare_file(&self, fd: &OwnedFd, name: &[u8], e: &Entry) -> (bool, bool) {
        let st = match fs::statat(fd, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(st) => st,
            // Sparse checkout: absent, as meant.
            Err(Errno::NOENT) => return (false, e.skip_worktree),
            Err(_) => return (false, false),
        };
        (
            true,
            e.mode == MODE_SUBMODULE || self.file_matches(fd, name, e, &st),
        )
    }

    /// `compare_file` once the file is known to exist, with its stat data.
    fn file_matches(&self, fd: &OwnedFd, name: &[u8], e: &Entry, st: &fs::Stat) -> bool {
        let kind = FileType::from_raw_mode(st.st_mode);
        let link = e.mode == MODE_SYMLINK;
        if kind
            != if link {
                FileType::Symlink
            } else {
                FileType::RegularFile
            }
        {
            return false;
        }
        if stat_matches(e, st) && i64::from(e.stat.mtime.0) < self.index_mtime {
            return true;
        }
        let content = if link {
            fs::readlinkat(fd, name, Vec::new())
                .map(|target| target.into_bytes())
                .ok()
        } else {
            fs::openat(fd, name, read_flags(), Mode::empty())
                .ok()
                .and_then(|file| {
                    let mut bytes = Vec::new();
                    std::fs::File::from(file).read_to_end(&mut bytes).ok()?;
                    Some(bytes)
                })
        };
        content
            .and_then(|bytes| object_id("blob", &bytes).ok())
            .is_some_and(|id| id.as_bytes() == e.oid)
    }
}

/// Whether the index means the child to be in the work tree (some entry
/// under it is not skip-worktree).
fn child_expected(child: &Child) -> bool {
    match child {
        Child::File(e) => !e.skip_worktree,
        Child::Dir(slice) => slice.iter().any(|e| !e.skip_worktree),
    }
}

fn read_flags() -> OFlags {
    OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NOFOLLOW
}

/// Opens the folder `name` in `at`, not following a symbolic link (as git,
/// which sees a link where the index has a folder as the folder gone).
fn open_dir(at: impl AsFd, name: impl AsRef<[u8]>) -> rustix::io::Result<OwnedFd> {
    fs::openat(
        at,
        name.as_ref(),
        read_flags() | OFlags::DIRECTORY,
        Mode::empty(),
    )
}

/// Adds each name in the folder `fd` (at `dir`) that is none of the
/// index's `groups`: an untracked file or folder, ignored or not (`check`
/// reads it either way). `present` of the groups were found in the folder:
/// when that is all of them and the folder has no more names, there is
/// nothing to compare, name by name.
fn untracked(
    fd: OwnedFd,
    dir: &[u8],
    groups: &[(&[u8], Child)],
    present: usize,
    found: &mut Paths,
) {
    let Ok(mut listing) = fs::Dir::new(fd) else {
        found.insert(dir.to_vec());
        return;
    };
    let mut names = 0;
    for entry in listing.by_ref() {
        let Ok(entry) = entry else {
            found.insert(dir.to_vec());
            return;
        };
        let name = entry.file_name().to_bytes();
        names += usize::from(name != b"." && name != b"..");
    }
    if present == groups.len() && names == groups.len() {
        return;
    }
    listing.rewind();
    let mut known: Vec<&[u8]> = groups.iter().map(|(name, _)| *name).collect();
    known.sort_unstable();
    for entry in listing {
        let Ok(entry) = entry else {
            found.insert(dir.to_vec());
            return;
        };
        let name = entry.file_name().to_bytes();
        if name != b"." && name != b".." && known.binary_search(&name).is_err() {
            found.insert(join(dir, name));
        }
    }
}

/// Whether the file's stat data are those the index recorded (git's
/// `ie_match_stat` with core.checkStat=default; the device is not compared,
/// nanoseconds only where the index has them).
#[allow(clippy::unnecessary_cast)] // the field types differ between platforms
fn stat_matches(e: &Entry, st: &fs::Stat) -> bool {
    let s = &e.stat;
    let time = |(sec, nsec): (u32, u32), (fsec, fnsec): (i64, i64)| {
        sec == fsec as u32 && (nsec == 0 || nsec == fnsec as u32)
    };
    time(s.mtime, (st.st_mtime as i64, st.st_mtime_nsec as i64))
        && time(s.ctime, (st.st_ctime as i64, st.st_ctime_nsec as i64))
        && s.ino == st.st_ino as u32
        && s.uid == st.st_uid as u32
        && s.gid == st.st_gid as u32
        && s.size == st.st_size as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use git2::ObjectType;
    use std::collections::BTreeMap;
    use std::path::Path;

    const DIRS: [&str; 2] = ["articles", "translations"];

    /// A repository with articles `s0`…`s3` and two records each, committed.
    fn repo() -> (tempfile::TempDir, Repository) {
        let dir = tempfile::tempdir().unwrap();
        let git = Repository::init(dir.path()).unwrap();
        for s in 0..4 {
            write(
                dir.path(),
                &format!("articles/s{s}.md"),
                &format!("article {s}\n"),
            );
            for q in 0..2 {
                write(
                    dir.path(),
                    &format!("translations/s{s}/q{q}.toml"),
                    &format!("record {s} {q}\n"),
                );
            }
        }
        write(dir.path(), "README.md", "outside\n");
        commit_all(&git, "base");
        (dir, git)
    }

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn commit_all(git: &Repository, message: &str) {
        let mut index = git.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.update_all(["*"], None).unwrap();
        index.write().unwrap();
        let tree = git.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = git2::Signature::now("t", "t@example.org").unwrap();
        let parent = git.head().ok().map(|h| h.peel_to_commit().unwrap());
        let parents: Vec<&git2::Commit> = parent.iter().collect();
        git.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
            .unwrap();
    }

    fn head_tree(git: &Repository) -> Tree<'_> {
        git.head().unwrap().peel_to_tree().unwrap()
    }

    /// The slug a path counts for, as `check` maps it (the top folder and
    /// the first name, `.md` dropped).
    fn slugs(paths: impl IntoIterator<Item = String>) -> BTreeSet<String> {
        paths
            .into_iter()
            .filter_map(|p| {
                let mut parts = p.splitn(3, '/');
                let (top, name) = (parts.next()?, parts.next()?);
                Some(name.strip_suffix(".md").unwrap_or(name).to_string())
                    .filter(|_| DIRS.contains(&top))
            })
            .collect()
    }

    /// The truth, by brute force: every file under DIRS in HEAD, the index
    /// and the work tree, by content.
    fn oracle(git: &Repository, rev: &Tree) -> BTreeSet<String> {
        let root = git.workdir().unwrap().to_path_buf();
        let mut sides: [BTreeMap<String, Oid>; 4] = Default::default();
        for (side, tree) in [(0, rev.clone()), (1, head_tree(git))] {
            tree.walk(git2::TreeWalkMode::PreOrder, |dir, e| {
                if e.kind() == Some(ObjectType::Blob) {
                    sides[side].insert(format!("{dir}{}", e.name().unwrap()), e.id());
                }
                git2::TreeWalkResult::Ok
            })
            .unwrap();
        }
        let index = git.index().unwrap();
        for e in index.iter() {
            sides[2].insert(String::from_utf8(e.path).unwrap(), e.id);
        }
        fn walk(root: &Path, rel: &str, out: &mut BTreeMap<String, Oid>) {
            let Ok(listing) = std::fs::read_dir(root.join(rel)) else {
                return;
            };
            for entry in listing.flatten() {
                let name = entry.file_name().into_string().unwrap();
                let path = format!("{rel}/{name}");
                if entry.file_type().unwrap().is_dir() {
                    walk(root, &path, out);
                } else {
                    let bytes = std::fs::read(entry.path()).unwrap();
                    out.insert(path, Oid::hash_object(ObjectType::Blob, &bytes).unwrap());
                }
            }
        }
        for dir in DIRS {
            walk(&root, dir, &mut sides[3]);
        }
        let mut differ = Vec::new();
        let all: BTreeSet<&String> = sides.iter().flat_map(|s| s.keys()).collect();
        for path in all {
            let ids: Vec<Option<&Oid>> = sides.iter().map(|s| s.get(path)).collect();
            // REV against the work tree, and the index against HEAD.
            if ids[0] != ids[3] || ids[1] != ids[2] {
                differ.push(path.clone());
            }
        }
        slugs(differ)
    }

    fn fast(git: &Repository, rev: &Tree) -> BTreeSet<String> {
        slugs(changed_paths(git, rev, &DIRS).unwrap())
    }

    fn by_libgit2(git: &Repository) -> BTreeSet<String> {
        let head = head_tree(git);
        let mut out = Paths::new();
        worktree_by_libgit2(git, Some(&head), &DIRS, &mut out).unwrap();
        slugs(out.into_iter().map(|p| String::from_utf8(p).unwrap()))
    }

    /// The fast path was taken (not libgit2's).
    fn assert_fast(git: &Repository) {
        let head = head_tree(git);
        let w = Worktree::new(git, Some(&head), &DIRS).unwrap();
        w.changes().unwrap();
    }

    #[test]
    fn object_ids_are_gits() {
        for content in [&b""[..], b"hello\n", &[7u8; 100_000]] {
            assert_eq!(
                object_id("blob", content).unwrap(),
                Oid::hash_object(ObjectType::Blob, content).unwrap()
            );
        }
    }

    #[test]
    fn hashed_trees_are_gits() {
        let (dir, git) = repo();
        let _ = dir;
        let head = head_tree(&git);
        let index = git.index().unwrap();
        let ours = Worktree::new(&git, Some(&head), &DIRS).unwrap();
        let s = &ours.scanner;
        for top in DIRS {
            let prefix = format!("{top}/");
            let entries: Vec<Entry> = s
                .index
                .entries()
                .iter()
                .filter(|e| s.index.path(e).starts_with(prefix.as_bytes()))
                .cloned()
                .collect();
            let groups = s.children(&entries, prefix.len());
            let items = s.items(top.as_bytes(), &groups).unwrap();
            let want = head.get_name(top).unwrap().id();
            assert_eq!(hash_tree(&items).unwrap(), want, "{top}");
        }
        drop(index);
    }

    #[test]
    fn a_clean_work_tree_has_no_changes() {
        let (_dir, git) = repo();
        assert_fast(&git);
        assert_eq!(fast(&git, &head_tree(&git)), BTreeSet::new());
    }

    #[test]
    fn committed_changes_between_trees() {
        let (dir, git) = repo();
        let base = head_tree(&git);
        write(dir.path(), "articles/s1.md", "changed\n");
        std::fs::remove_file(dir.path().join("translations/s2/q0.toml")).unwrap();
        std::fs::remove_dir_all(dir.path().join("translations/s3")).unwrap();
        write(dir.path(), "translations/s9/q0.toml", "new\n");
        commit_all(&git, "changes");
        let mut out = Paths::new();
        for top in DIRS {
            diff_entries(
                &git,
                top.as_bytes(),
                top_entry(Some(&base), top),
                top_entry(Some(&head_tree(&git)), top),
                &mut out,
            )
            .unwrap();
        }
        let got: Vec<String> = out
            .into_iter()
            .map(|p| String::from_utf8(p).unwrap())
            .collect();
        assert_eq!(
            got,
            [
                "articles/s1.md",
                "translations/s2/q0.toml",
                "translations/s3",
                "translations/s9"
            ]
        );
        assert_eq!(fast(&git, &base), oracle(&git, &base));
    }

    /// A small deterministic generator (no dependency).
    struct Lcg(u64);
    impl Lcg {
        fn below(&mut self, n: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) % n
        }
    }

    /// Random edits of every kind — content, same-size content, rewrites
    /// of the same bytes, deletions, new files and folders, staging,
    /// unstaging, commits, renames — and after each round the fast answer
    /// is the brute-force one, and libgit2's is no larger.
    #[test]
    fn random_edits_agree_with_brute_force() {
        let mut nonempty = 0;
        for seed in 0..12 {
            let (dir, git) = repo();
            let root = dir.path();
            let base = head_tree(&git);
            let mut rng = Lcg(seed);
            for round in 0..6 {
                for _ in 0..1 + rng.below(3) {
                    let s = rng.below(6);
                    let q = rng.below(3);
                    let article = format!("articles/s{s}.md");
                    let record = format!("translations/s{s}/q{q}.toml");
                    let target = if rng.below(2) == 0 { &article } else { &record };
                    let abs = root.join(target);
                    match rng.below(9) {
                        0 => write(root, target, &format!("edited {seed} {round}\n")),
                        1 => {
                            // Same size, new bytes.
                            if let Ok(text) = std::fs::read_to_string(&abs) {
                                write(root, target, &text.to_uppercase());
                            }
                        }
                        2 => {
                            if let Ok(text) = std::fs::read_to_string(&abs) {
                                write(root, target, &text);
                            }
                        }
                        3 => {
                            let _ = std::fs::remove_file(&abs);
                        }
                        4 => {
                            let mut index = git.index().unwrap();
                            if abs.exists() {
                                index.add_path(Path::new(target)).unwrap();
                            } else {
                                let _ = index.remove_path(Path::new(target));
                            }
                            index.write().unwrap();
                        }
                        5 => {
                            // Unstage: the index entry back to HEAD's.
                            let mut index = git.index().unwrap();
                            match head_tree(&git).get_path(Path::new(target)) {
                                Ok(e) => index
                                    .add(&git2::IndexEntry {
                                        ctime: git2::IndexTime::new(0, 0),
                                        mtime: git2::IndexTime::new(0, 0),
                                        dev: 0,
                                        ino: 0,
                                        mode: e.filemode() as u32,
                                        uid: 0,
                                        gid: 0,
                                        file_size: 0,
                                        id: e.id(),
                                        flags: 0,
                                        flags_extended: 0,
                                        path: target.as_bytes().to_vec(),
                                    })
                                    .unwrap(),
                                Err(_) => {
                                    let _ = index.remove_path(Path::new(target));
                                }
                            }
                            index.write().unwrap();
                        }
                        6 => commit_all(&git, &format!("round {round}")),
                        7 => {
                            let to = root.join(format!("articles/s{}.md", 6 + rng.below(3)));
                            let _ = std::fs::rename(root.join(&article), to);
                        }
                        _ => {
                            let _ =
                                std::fs::remove_dir_all(root.join(format!("translations/s{s}")));
                        }
                    }
                }
                assert_fast(&git);
                let want = oracle(&git, &base);
                assert_eq!(fast(&git, &base), want, "seed {seed}, round {round}");
                nonempty += usize::from(!want.is_empty());
                let head = head_tree(&git);
                let worktree_only = oracle(&git, &head);
                assert_eq!(
                    fast(&git, &head),
                    worktree_only,
                    "seed {seed}, round {round}"
                );
                let slow = by_libgit2(&git);
                assert!(
                    slow.is_subset(&worktree_only),
                    "{slow:?} ⊄ {worktree_only:?}"
                );
            }
        }
        assert!(
            nonempty > 48,
            "something changed in only {nonempty} of 72 rounds"
        );
    }

    #[test]
    fn an_index_it_declines_falls_back_to_libgit2() {
        // A conflict: stages 1 to 3 of one record.
        let (_dir, git) = repo();
        let head = head_tree(&git);
        let id = head
            .get_path(Path::new("translations/s2/q0.toml"))
            .unwrap()
            .id();
        let mut index = git.index().unwrap();
        index
            .remove_path(Path::new("translations/s2/q0.toml"))
            .unwrap();
        for stage in 1..=3u16 {
            index
                .add(&git2::IndexEntry {
                    ctime: git2::IndexTime::new(0, 0),
                    mtime: git2::IndexTime::new(0, 0),
                    dev: 0,
                    ino: 0,
                    mode: 0o100644,
                    uid: 0,
                    gid: 0,
                    file_size: 0,
                    id,
                    flags: stage << 12,
                    flags_extended: 0,
                    path: b"translations/s2/q0.toml".to_vec(),
                })
                .unwrap();
        }
        index.write().unwrap();
        let git = Repository::open(git.path()).unwrap();
        let head = head_tree(&git);
        let declined = Worktree::new(&git, Some(&head), &DIRS).map(|_| ());
        assert!(
            matches!(&declined, Err(Fallback::Declined(Unsupported(why))) if why.contains("unmerged")),
            "{declined:?}"
        );
        assert_eq!(fast(&git, &head), BTreeSet::from(["s2".to_string()]));
    }

    /// A racily clean entry: stat data equal to the file's, recorded in the
    /// same second as the index was written, content changed since. Only
    /// the content can tell (coarse timestamps make this real).
    #[test]
    fn a_racily_clean_entry_is_compared_by_content() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "articles/a.md", "new text\n");
        let m = std::fs::symlink_metadata(dir.path().join("articles/a.md")).unwrap();
        let old = Oid::hash_object(ObjectType::Blob, b"old text\n").unwrap();
        let new = Oid::hash_object(ObjectType::Blob, b"new text\n").unwrap();
        // One version 2 entry, as git writes it.
        let index_with = |id: Oid| {
            let mut b = b"DIRC\0\0\0\x02\0\0\0\x01".to_vec();
            for field in [
                m.ctime(),
                m.ctime_nsec(),
                m.mtime(),
                m.mtime_nsec(),
                m.dev() as i64,
                m.ino() as i64,
                0o100644,
                i64::from(m.uid()),
                i64::from(m.gid()),
                m.size() as i64,
            ] {
                b.extend_from_slice(&(field as u32).to_be_bytes());
            }
            b.extend_from_slice(id.as_bytes());
            b.extend_from_slice(&13u16.to_be_bytes());
            b.extend_from_slice(b"articles/a.md\0\0\0\0\0\0\0\0");
            b.truncate(12 + (62 + 13 + 8) / 8 * 8);
            b.extend_from_slice(&[0u8; 20]);
            IndexFile::parse(&b, |_| true).unwrap()
        };
        let root = fs::open(
            dir.path(),
            OFlags::RDONLY | OFlags::DIRECTORY,
            Mode::empty(),
        )
        .unwrap();
        let articles = open_dir(&root, "articles").unwrap();
        for (id, index_mtime, same) in [
            // Written in a later second: the stat data are trusted.
            (old, m.mtime() + 1, true),
            // Written in the same second: the content is compared.
            (old, m.mtime(), false),
            (new, m.mtime(), true),
        ] {
            let scanner = Scanner {
                root: root.try_clone().unwrap(),
                index: index_with(id),
                index_mtime,
            };
            let e = &scanner.index.entries()[0];
            assert_eq!(scanner.compare_file(&articles, b"a.md", e), (true, same));
        }
    }
}
