//! `verbatim check --changed-since REV`: every way an article or its records
//! can differ from REV — committed since, staged, unstaged, untracked,
//! deleted, renamed — selects that article, and nothing else is checked;
//! with the index in each format git writes.

use std::collections::BTreeSet;

use crate::common::{EVA, TestEnv};

/// The ways git stores the index; the fast path reads it itself.
#[derive(Clone, Copy, Debug)]
enum IndexFormat {
    /// What libgit2 and git write by default (version 2).
    Default,
    /// Version 4: path prefixes compressed.
    V4,
    /// git's untracked cache and cache-tree extensions present.
    Extensions,
}

// Not a split index (`git update-index --split-index`): libgit2 refuses
// its mandatory `link` extension, so no verbatim command reads one.
const FORMATS: [IndexFormat; 3] = [
    IndexFormat::Default,
    IndexFormat::V4,
    IndexFormat::Extensions,
];

/// Articles `a`, `b`, `c`, each with one untracked quotation, one record
/// `q1` and one unreadable record `broken` (an `invalid-record` finding, so
/// a checked slug always has a finding, with or without its article).
/// Everything committed and tagged `base`.
fn newsroom(format: IndexFormat) -> TestEnv {
    let env = TestEnv::new();
    for slug in ["a", "b", "c"] {
        env.add_quote(
            &format!("{slug}/q1"),
            &format!("Dijo {slug} algo."),
            &format!("{slug} said something."),
        );
        env.write(
            &format!("articles/{slug}.md"),
            &format!("Article {slug}: “an untracked quotation of {slug}”.\n"),
        );
        env.write(&format!("translations/{slug}/broken.toml"), "not = [toml\n");
    }
    env.git(&["add", "-A"]);
    env.git(&["commit", "-q", "-m", "articles"]);
    match format {
        IndexFormat::Default => {}
        IndexFormat::V4 => {
            env.git(&["update-index", "--index-version", "4"]);
        }
        IndexFormat::Extensions => {
            env.git(&["config", "core.untrackedCache", "true"]);
            env.git(&["read-tree", "HEAD"]);
            env.git(&["update-index", "--untracked-cache", "--refresh"]);
            env.git(&["status", "--porcelain"]);
        }
    }
    env.git(&["tag", "base"]);
    env
}

/// The slugs `check --changed-since REV` checked: those with a finding.
#[track_caller]
fn checked(env: &TestEnv, rev: &str) -> BTreeSet<String> {
    let run = env.run(
        EVA,
        &[
            "check",
            "--changed-since",
            rev,
            "--format",
            "json",
            "--quiet",
        ],
    );
    assert!(
        run.code == 0 || run.code == 1,
        "check failed: {}{}",
        run.stdout,
        run.stderr
    );
    run.json_lines()
        .iter()
        .map(|f| {
            let file = f["file"].as_str().unwrap();
            match file.strip_prefix("articles/") {
                Some(rest) => rest.strip_suffix(".md").unwrap().to_string(),
                None => file.split('/').nth(1).unwrap().to_string(),
            }
        })
        .collect()
}

fn set(slugs: &[&str]) -> BTreeSet<String> {
    slugs.iter().map(|s| s.to_string()).collect()
}

/// Runs `change` on a fresh newsroom in every index format and expects
/// `check --changed-since base` to check exactly `expected`.
#[track_caller]
fn expect_checked(change: impl Fn(&TestEnv), expected: &[&str]) {
    for format in FORMATS {
        let env = newsroom(format);
        change(&env);
        assert_eq!(checked(&env, "base"), set(expected), "index: {format:?}");
    }
}

#[test]
fn nothing_changed_checks_nothing() {
    expect_checked(|_| {}, &[]);
}

#[test]
fn a_change_committed_since_rev() {
    expect_checked(
        |env| {
            env.write("articles/a.md", "Article a: “now a different quotation”.\n");
            env.git(&["commit", "-q", "-am", "edit a"]);
        },
        &["a"],
    );
    // The same change is not "changed since HEAD".
    let env = newsroom(IndexFormat::Default);
    env.write("articles/a.md", "Article a: “now a different quotation”.\n");
    env.git(&["commit", "-q", "-am", "edit a"]);
    assert_eq!(checked(&env, "HEAD"), set(&[]));
    assert_eq!(checked(&env, "HEAD~1"), set(&["a"]));
}

#[test]
fn a_record_changed_by_a_commit_since_rev() {
    expect_checked(
        |env| {
            env.run(EVA, &["approve", "b/q1"]).ok();
        },
        &["b"],
    );
}

#[test]
fn a_staged_change() {
    expect_checked(
        |env| {
            env.write("articles/b.md", "Article b: “a staged quotation”.\n");
            env.git(&["add", "articles/b.md"]);
        },
        &["b"],
    );
}

#[test]
fn a_staged_change_undone_in_the_work_tree_still_counts() {
    // The index differs from HEAD; the work tree is back to HEAD's text.
    expect_checked(
        |env| {
            let before = env.read("articles/b.md");
            env.write("articles/b.md", "Article b: “a staged quotation”.\n");
            env.git(&["add", "articles/b.md"]);
            env.write("articles/b.md", &before);
        },
        &["b"],
    );
}

#[test]
fn an_unstaged_modification_of_an_article_or_a_record() {
    expect_checked(
        |env| {
            env.write("articles/c.md", "Article c: “an unsaved quotation”.\n");
        },
        &["c"],
    );
    expect_checked(
        |env| {
            let record = env.read("translations/a/q1.toml");
            env.write("translations/a/q1.toml", &record.replace("said", "told"));
        },
        &["a"],
    );
}

#[test]
fn an_unstaged_modification_of_the_same_size_and_time() {
    // Same length, and the file's modification time put back: only the
    // inode change time (or the content) tells.
    expect_checked(
        |env| {
            let path = env.root().join("articles/c.md");
            let meta = std::fs::metadata(&path).unwrap();
            let text = env.read("articles/c.md");
            env.write("articles/c.md", &text.replace("of c", "of C"));
            let file = std::fs::File::options().write(true).open(&path).unwrap();
            file.set_modified(meta.modified().unwrap()).unwrap();
        },
        &["c"],
    );
}

#[test]
fn an_untracked_new_article() {
    expect_checked(
        |env| env.write("articles/d.md", "Article d: “brand new”.\n"),
        &["d"],
    );
}

#[test]
fn an_untracked_new_record_in_an_existing_slug() {
    expect_checked(
        |env| {
            let record = env.read("translations/b/q1.toml");
            env.write("translations/b/q2.toml", &record);
        },
        &["b"],
    );
}

#[test]
fn an_untracked_records_folder_of_a_new_slug() {
    expect_checked(
        |env| env.write("translations/e/q1.toml", "not = [toml\n"),
        &["e"],
    );
}

#[test]
fn a_deleted_record_unstaged_or_staged() {
    expect_checked(
        |env| std::fs::remove_file(env.root().join("translations/a/q1.toml")).unwrap(),
        &["a"],
    );
    expect_checked(
        |env| {
            env.git(&["rm", "-q", "translations/a/q1.toml"]);
        },
        &["a"],
    );
}

#[test]
fn a_deleted_article_unstaged_staged_or_committed() {
    // b's records remain, so b is reported when checked.
    expect_checked(
        |env| std::fs::remove_file(env.root().join("articles/b.md")).unwrap(),
        &["b"],
    );
    expect_checked(
        |env| {
            env.git(&["rm", "-q", "articles/b.md"]);
        },
        &["b"],
    );
    expect_checked(
        |env| {
            env.git(&["rm", "-q", "articles/b.md"]);
            env.git(&["commit", "-q", "-m", "drop b"]);
        },
        &["b"],
    );
}

#[test]
fn a_renamed_article_counts_under_both_names() {
    // c keeps its records; f has c's untracked quotation.
    expect_checked(
        |env| {
            env.git(&["mv", "articles/c.md", "articles/f.md"]);
        },
        &["c", "f"],
    );
    expect_checked(
        |env| {
            std::fs::rename(
                env.root().join("articles/c.md"),
                env.root().join("articles/f.md"),
            )
            .unwrap();
        },
        &["c", "f"],
    );
    expect_checked(
        |env| {
            env.git(&["mv", "articles/c.md", "articles/f.md"]);
            env.git(&["commit", "-q", "-m", "rename c"]);
        },
        &["c", "f"],
    );
}

#[test]
fn files_outside_articles_and_translations_do_not_count() {
    expect_checked(
        |env| {
            env.write("README.md", "A newsroom.\n");
            env.write("notes/a.md", "Not an article.\n");
            env.git(&["add", "notes/a.md"]);
        },
        &[],
    );
}

#[test]
fn a_touched_but_unchanged_file_does_not_count() {
    // Stat data differ from the index; the content does not.
    expect_checked(
        |env| {
            let text = env.read("articles/a.md");
            std::thread::sleep(std::time::Duration::from_millis(20));
            env.write("articles/a.md", &text);
        },
        &[],
    );
}

#[test]
fn several_changes_at_once() {
    expect_checked(
        |env| {
            env.write("articles/a.md", "Article a: “committed”.\n");
            env.git(&["commit", "-q", "-am", "edit a"]);
            env.write("articles/b.md", "Article b: “staged”.\n");
            env.git(&["add", "articles/b.md"]);
            env.write("articles/d.md", "Article d: “untracked”.\n");
        },
        &["a", "b", "d"],
    );
}

/// The policy applies to every article: a change to `verbatim.toml` since
/// REV, committed or not, checks them all.
#[test]
fn a_policy_change_checks_every_article() {
    expect_checked(
        |env| {
            let policy = env.read("verbatim.toml");
            env.write("verbatim.toml", &format!("{policy}\n# stricter soon\n"));
        },
        &["a", "b", "c"],
    );
    expect_checked(
        |env| {
            let policy = env.read("verbatim.toml");
            env.write("verbatim.toml", &format!("{policy}\n# stricter soon\n"));
            env.git(&["commit", "-q", "-am", "policy"]);
        },
        &["a", "b", "c"],
    );
}

/// A publication record belongs to its article: one added since REV makes
/// `check` read that article's publications (here an unreadable one, which
/// stops the check naming it); without the change the file is never read.
#[test]
fn a_publication_change_checks_its_article() {
    for format in FORMATS {
        let env = newsroom(format);
        env.write("publications/b/1.toml", "not = [toml\n");
        env.run(EVA, &["check", "--changed-since", "base"])
            .code(2)
            .stderr_has("publications/b/1.toml");
        env.git(&["add", "publications"]);
        env.git(&["commit", "-q", "-m", "publication"]);
        env.run(EVA, &["check", "--changed-since", "HEAD~1"])
            .code(2)
            .stderr_has("publications/b/1.toml");
        // Not changed since HEAD: article b is not checked, so not read.
        assert_eq!(checked(&env, "HEAD"), set(&[]), "index: {format:?}");
    }
}
