//! status and publish through the binary: a whole newsroom day, every
//! refusal of the publish gate, and every publication state.

use crate::common::{ANA, EVA, TestEnv};

const ARTICLE_V1: &str = "---\ntitle: A day at the palace\n---\n\
# A day at the palace\n\n\
The president said: “It is not necessary.”\n\n\
She promised that “we will keep talking with everyone”, and that “the border stays open.”\n\n\
Quotes translated from Spanish by our newsroom.\n";

const UNTRACKED_LINE: &str = "\nShe closed with “Nobody is above the law.”\n";

/// Ana records a quote of the article `day`.
fn add(env: &TestEnv, id: &str, original: &str, translation: &str) {
    env.add_quote(&format!("day/{id}"), original, translation);
}

fn approve(env: &TestEnv, id: &str) {
    env.run(EVA, &["approve", &format!("day/{id}")]).ok();
}

fn commit_all(env: &TestEnv, message: &str) {
    env.git(&["add", "-A"]);
    env.git(&["commit", "-q", "-m", message]);
}

/// The `status --format json` row of the article `slug`.
fn status_row(env: &TestEnv, slug: &str) -> serde_json::Value {
    let run = env.run(EVA, &["status", "--format", "json"]);
    run.ok();
    run.json_lines()
        .into_iter()
        .find(|r| r["article"] == slug)
        .unwrap_or_else(|| panic!("no row for {slug}:\n{}", run.stdout))
}

fn digest_of(env: &TestEnv, quote: &str) -> String {
    let run = env.run(EVA, &["show", quote, "--format", "json"]);
    run.ok();
    run.json_lines()[0]["digest"]
        .as_str()
        .expect("digest")
        .to_string()
}

/// A newsroom whose article `day` is committed and ready to publish: three
/// approved quotes, quoted with the disclosure.
fn ready_newsroom() -> TestEnv {
    let env = TestEnv::new();
    add(
        &env,
        "no-necesario",
        "No es necesario.",
        "It is not necessary.",
    );
    add(
        &env,
        "dialogo",
        "Vamos a seguir dialogando con todos.",
        "We will keep talking with everyone.",
    );
    add(
        &env,
        "frontera",
        "La frontera sigue abierta.",
        "The border stays open.",
    );
    for id in ["no-necesario", "dialogo", "frontera"] {
        approve(&env, id);
    }
    env.write("articles/day.md", ARTICLE_V1);
    commit_all(&env, "article: day");
    env
}

#[test]
fn a_whole_newsroom_day_from_first_quote_to_correction() {
    let env = TestEnv::new();
    add(
        &env,
        "no-necesario",
        "No es necesario.",
        "It is not necessary.",
    );
    add(
        &env,
        "dialogo",
        "Vamos a seguir dialogando con todos.",
        "We will keep talking to all.",
    );
    add(
        &env,
        "frontera",
        "La frontera sigue abierta.",
        "The border stays open.",
    );
    approve(&env, "no-necesario");
    env.run(
        EVA,
        &[
            "request-changes",
            "day/dialogo",
            "--comment",
            "\"with everyone\" is closer",
        ],
    )
    .ok();
    env.run(
        ANA,
        &[
            "revise",
            "day/dialogo",
            "--translation",
            "We will keep talking with everyone.",
            "--note",
            "as Eva asked",
        ],
    )
    .ok();
    approve(&env, "dialogo");
    approve(&env, "frontera");

    // The article quotes one sentence nobody recorded: check fails, and the
    // article is a draft with one untracked quotation.
    env.write("articles/day.md", &format!("{ARTICLE_V1}{UNTRACKED_LINE}"));
    env.run(EVA, &["check", "day"])
        .code(1)
        .stdout_has("untracked-quote");
    let row = status_row(&env, "day");
    assert_eq!(row["state"], "draft", "{row}");
    assert_eq!(row["untracked"], 1, "{row}");
    assert_eq!(row["approved"], 3, "{row}");
    assert_eq!(row["tag"], serde_json::Value::Null, "{row}");

    add(
        &env,
        "ley",
        "Nadie está por encima de la ley.",
        "Nobody is above the law.",
    );
    let row = status_row(&env, "day");
    assert_eq!(
        (row["pending"].clone(), row["untracked"].clone()),
        (1.into(), 0.into())
    );
    approve(&env, "ley");
    env.run(EVA, &["check", "day"]).ok();
    assert_eq!(status_row(&env, "day")["state"], "ready");
    commit_all(&env, "article: day");

    // First publication, by Eva.
    let run = env.run(EVA, &["publish", "day"]);
    run.ok();
    run.stderr_has("published/day/1");
    assert_eq!(
        env.git(&["cat-file", "-t", "published/day/1"]).trim(),
        "tag"
    );
    assert_eq!(
        env.git(&[
            "for-each-ref",
            "--format=%(taggername) %(taggeremail)",
            "refs/tags/published/day/1"
        ])
        .trim(),
        "Eva Editora <eva@example.org>"
    );
    assert_eq!(
        env.git(&["rev-parse", "published/day/1^{commit}"]),
        env.git(&["rev-parse", "HEAD"]),
        "the tag names the publication commit"
    );
    let log = env.git(&["log", "-1", "--format=%an%n%B"]);
    assert!(
        log.starts_with("Eva Editora\nverbatim: publish day (1)"),
        "{log}"
    );
    assert!(log.contains("Verbatim-Action: publish"), "{log}");
    assert_eq!(
        env.git(&["show", "--name-only", "--format=", "HEAD"])
            .trim(),
        "publications/day/1.toml"
    );
    let record = env.read("publications/day/1.toml");
    for id in ["no-necesario", "dialogo", "frontera", "ley"] {
        let digest = digest_of(&env, &format!("day/{id}"));
        assert!(record.contains(&format!("id = \"{id}\"")), "{record}");
        assert!(record.contains(&digest), "{id} {digest}:\n{record}");
    }
    assert!(
        record.contains("publisher = \"Eva Editora <eva@example.org>\""),
        "{record}"
    );
    assert!(record.contains("at = \"2026-01-13T10:00:00Z\""), "{record}");
    let blob = env.git(&["rev-parse", "HEAD:articles/day.md"]);
    assert!(
        record.contains(&format!("article_blob = \"{}\"", blob.trim())),
        "{record}"
    );
    assert!(!record.contains("corrections"), "{record}");
    let tag_msg = env.git(&["tag", "-l", "--format=%(contents)", "published/day/1"]);
    assert!(tag_msg.contains("day/dialogo revision 2"), "{tag_msg}");

    let row = status_row(&env, "day");
    assert_eq!(row["state"], "published", "{row}");
    assert_eq!(row["published"], 4, "{row}");
    assert_eq!(row["tag"], "published/day/1", "{row}");
    env.run(EVA, &["list", "day", "--state", "published"])
        .stdout_has("day/frontera");

    // A correction: Ana revises a quote and the article; until Eva approves
    // it the article is changed since publication.
    env.run(
        ANA,
        &[
            "revise",
            "day/frontera",
            "--translation",
            "The border remains open.",
            "--note",
            "sigue: remains",
        ],
    )
    .ok();
    env.write(
        "articles/day.md",
        &format!("{ARTICLE_V1}{UNTRACKED_LINE}").replace("stays open", "remains open"),
    );
    let row = status_row(&env, "day");
    assert_eq!(row["state"], "changed since publication", "{row}");
    assert_eq!(row["stale"], 1, "{row}");
    env.run(EVA, &["publish", "day"])
        .code(1)
        .stderr_has("stale-approval");
    approve(&env, "frontera");
    commit_all(&env, "article: day, corrected");
    let run = env.run(EVA, &["status"]);
    run.ok();
    run.stdout_has("correction pending");
    assert_eq!(status_row(&env, "day")["state"], "correction pending");

    env.run(EVA, &["publish", "day"]).ok();
    assert_eq!(
        env.git(&["cat-file", "-t", "published/day/2"]).trim(),
        "tag"
    );
    let record = env.read("publications/day/2.toml");
    assert!(record.contains("number = 2"), "{record}");
    assert!(record.contains("corrections = [\"frontera\"]"), "{record}");
    assert!(
        record.contains(&digest_of(&env, "day/frontera")),
        "{record}"
    );
    let tag_msg = env.git(&["tag", "-l", "--format=%(contents)", "published/day/2"]);
    assert!(
        tag_msg.contains("Corrections:\n  day/frontera"),
        "{tag_msg}"
    );
    let log = env.git(&["log", "-1", "--format=%B"]);
    assert!(log.contains("Corrections: day/frontera"), "{log}");
    let row = status_row(&env, "day");
    assert_eq!(row["state"], "published", "{row}");
    assert_eq!(row["publications"], 2, "{row}");
    assert_eq!(row["tag"], "published/day/2", "{row}");
}

/// Runs publish, expects a refusal naming every text, and proves that
/// nothing changed.
#[track_caller]
fn refused(env: &TestEnv, reasons: &[&str]) -> String {
    let before = env.snapshot();
    let refs = env.git(&["show-ref"]);
    let run = env.run(EVA, &["publish", "day"]);
    run.code(1);
    run.stderr_has("cannot publish day");
    for reason in reasons {
        run.stderr_has(reason);
    }
    assert_eq!(env.snapshot(), before, "a refused publish changes nothing");
    assert_eq!(env.git(&["show-ref"]), refs, "and makes no tag");
    run.stderr
}

#[test]
fn publish_refuses_a_dirty_article() {
    let env = ready_newsroom();
    env.write("articles/day.md", &format!("{ARTICLE_V1}\nMore prose.\n"));
    refused(
        &env,
        &["articles/day.md (the article) has uncommitted changes"],
    );
    // Staged is dirty too.
    env.git(&["add", "articles/day.md"]);
    refused(
        &env,
        &["articles/day.md (the article) has uncommitted changes"],
    );
}

#[test]
fn publish_refuses_an_untracked_article() {
    let env = ready_newsroom();
    env.git(&["rm", "-q", "--cached", "articles/day.md"]);
    env.git(&["commit", "-q", "-m", "untrack"]);
    refused(
        &env,
        &["articles/day.md (the article) has uncommitted changes"],
    );
}

#[test]
fn publish_refuses_dirty_records() {
    let env = ready_newsroom();
    let rel = "translations/day/frontera.toml";
    env.write(rel, &format!("{}# a hand edit\n", env.read(rel)));
    refused(
        &env,
        &["translations/day/frontera.toml (a quote record) has uncommitted"],
    );
    env.git(&["add", rel]);
    refused(&env, &["translations/day/frontera.toml (a quote record)"]);
    env.git(&["reset", "-q", "--hard"]);
    // A new record nobody committed, and a deleted one.
    env.run(
        ANA,
        &[
            "add",
            "day/nuevo",
            "--speaker",
            "X",
            "--original",
            "Nuevo.",
            "--translation",
            "New.",
            "--no-commit",
        ],
    )
    .ok();
    std::fs::remove_file(env.root().join("translations/day/dialogo.toml")).unwrap();
    refused(
        &env,
        &[
            "translations/day/nuevo.toml (a quote record)",
            "translations/day/dialogo.toml (a quote record)",
        ],
    );
}

#[test]
fn publish_refuses_a_failing_check() {
    let env = ready_newsroom();
    env.write("articles/day.md", &format!("{ARTICLE_V1}{UNTRACKED_LINE}"));
    commit_all(&env, "untracked quote");
    refused(
        &env,
        &[
            "check: articles/day.md:",
            "[untracked-quote]",
            "Nobody is above the law.",
        ],
    );
    assert_eq!(status_row(&env, "day")["state"], "draft");
}

#[test]
fn publish_refuses_an_existing_tag() {
    let env = ready_newsroom();
    env.git(&["tag", "published/day/1"]);
    refused(&env, &["the tag published/day/1 already exists"]);
}

#[test]
fn publish_names_every_reason_at_once() {
    let env = ready_newsroom();
    env.git(&["tag", "published/day/1"]);
    env.write("articles/day.md", &format!("{ARTICLE_V1}{UNTRACKED_LINE}"));
    let rel = "translations/day/dialogo.toml";
    env.write(rel, &format!("{}# a hand edit\n", env.read(rel)));
    let stderr = refused(
        &env,
        &[
            "4 reasons",
            "articles/day.md (the article)",
            "translations/day/dialogo.toml (a quote record)",
            "[untracked-quote]",
            "the tag published/day/1 already exists",
        ],
    );
    assert!(stderr.contains("hint:"), "{stderr}");
    // --dry-run runs the same gate.
    let before = env.snapshot();
    env.run(EVA, &["publish", "day", "--dry-run"])
        .code(1)
        .stderr_has("4 reasons");
    assert_eq!(env.snapshot(), before);
}

#[test]
fn publish_refuses_when_nothing_changed_since_publication() {
    let env = ready_newsroom();
    env.run(EVA, &["publish", "day"]).ok();
    refused(
        &env,
        &["nothing changed since publication 1 (published/day/1)"],
    );
}

#[test]
fn dry_run_says_what_would_happen_and_writes_nothing() {
    let env = ready_newsroom();
    let before = env.snapshot();
    let run = env.run(EVA, &["publish", "day", "--dry-run"]);
    run.ok();
    run.stdout_has("Would publish day as publication 1 and tag published/day/1")
        .stdout_has("day/dialogo revision 1")
        .stdout_has("Nothing was written.");
    assert_eq!(env.snapshot(), before);
}

#[test]
fn publish_needs_an_existing_article() {
    let env = TestEnv::new();
    env.run(EVA, &["publish", "nope"])
        .code(2)
        .stderr_has("no article `nope`");
}

#[test]
fn status_lists_every_publication_state() {
    let env = ready_newsroom();
    // draft: an article with an unapproved quote.
    env.add_quote("second/uno", "Uno.", "One thing.");
    env.write(
        "articles/second.md",
        "She said “One thing.”\n\nTranslated from Spanish.\n",
    );
    // ready: approved, never published.
    env.add_quote("third/dos", "Dos.", "Two things.");
    env.run(EVA, &["approve", "third/dos"]).ok();
    env.write(
        "articles/third.md",
        "She said “Two things.”\n\nTranslated from Spanish.\n",
    );
    commit_all(&env, "articles");
    env.run(EVA, &["publish", "day"]).ok();
    // published, then changed since publication: a new quotation, untracked.
    env.run(EVA, &["publish", "third"]).ok();
    env.write(
        "articles/third.md",
        "She said “Two things.” And “three.”\n\nTranslated from Spanish.\n",
    );

    let rows = env.run(EVA, &["status", "--format", "json"]);
    rows.ok();
    let rows = rows.json_lines();
    let states: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["article"].as_str().unwrap().to_string(),
                r["state"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            ("day".to_string(), "published".to_string()),
            ("second".to_string(), "draft".to_string()),
            ("third".to_string(), "changed since publication".to_string()),
        ]
    );
    let second = &rows[1];
    for (field, value) in [
        ("pending", 1),
        ("changes_requested", 0),
        ("stale", 0),
        ("approved", 0),
        ("published", 0),
        ("untracked", 0),
        ("exempt", 0),
        ("errors", 1),
        ("publications", 0),
    ] {
        assert_eq!(second[field], value, "{field}: {second}");
    }
    assert_eq!(rows[2]["untracked"], 1);
    assert_eq!(rows[2]["published"], 1);
    assert_eq!(rows[2]["tag"], "published/third/1");

    // Human table: one row per article, with the latest tag.
    let human = env.run(EVA, &["status"]);
    human.ok();
    human
        .stdout_has("ARTICLE")
        .stdout_has("changed since publication")
        .stdout_has("published/day/1");
    assert!(!human.stdout.contains('\u{1b}'), "no colour when piped");

    // correction pending: the new words recorded and approved.
    env.add_quote("third/tres", "Tres.", "Three.");
    env.run(EVA, &["approve", "third/tres"]).ok();
    assert_eq!(status_row(&env, "third")["state"], "correction pending");
}

#[test]
fn status_of_one_article_lists_each_quotation() {
    let env = ready_newsroom();
    env.add_quote("day/orphan", "Huérfana.", "Nobody quotes this.");
    env.write(
        "articles/day.md",
        "She said “It is not necessary.” and “we will keep talking with all”.\n\n\
         “Something nobody recorded\u{202E}.” “Make America great again.”\n\n\
         <!-- verbatim:ignore \"Make America great again.\" -->\n\n\
         Translated from Spanish.\n",
    );
    let run = env.run(EVA, &["status", "day", "--format", "json"]);
    run.ok();
    let rows = run.json_lines();
    let got: Vec<(String, serde_json::Value, serde_json::Value, String)> = rows
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap().to_string(),
                r["line"].clone(),
                r["quote"].clone(),
                r["state"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "quotation".into(),
                1.into(),
                "day/no-necesario".into(),
                "approved".into()
            ),
            (
                "quotation".into(),
                1.into(),
                "day/dialogo".into(),
                "drift".into()
            ),
            (
                "quotation".into(),
                3.into(),
                serde_json::Value::Null,
                "untracked".into()
            ),
            (
                "quotation".into(),
                3.into(),
                serde_json::Value::Null,
                "exempt".into()
            ),
            (
                "record".into(),
                serde_json::Value::Null,
                "day/frontera".into(),
                "approved".into()
            ),
            (
                "record".into(),
                serde_json::Value::Null,
                "day/orphan".into(),
                "pending".into()
            ),
        ]
    );
    assert_eq!(rows[0]["text"], "It is not necessary.");

    let human = env.run(EVA, &["status", "day"]);
    human.ok();
    human
        .stdout_has("day: draft")
        .stdout_has("LINE")
        .stdout_has("untracked")
        .stdout_has("\\u{202E}");
    assert!(
        !human.stdout.contains('\u{202E}'),
        "bidi override never raw"
    );

    let colour = env.run(EVA, &["status", "day", "--color", "always"]);
    colour.ok();
    assert!(colour.stdout.contains('\u{1b}'), "colour when asked");

    env.run(EVA, &["status", "nope"])
        .code(2)
        .stderr_has("no article `nope`");
}

#[test]
fn a_tag_that_cannot_be_created_is_reported_with_the_commit() {
    let env = ready_newsroom();
    // A tag named `published/day` makes `published/day/1` impossible.
    env.git(&["tag", "published/day"]);
    let run = env.run(EVA, &["publish", "day"]);
    run.code(2)
        .stderr_has("publication 1 of day is recorded in commit")
        .stderr_has("the tag published/day/1 could not be created")
        .stderr_has("hint: create it by hand: git tag -a published/day/1");
    let head = env.git(&["rev-parse", "HEAD"]);
    assert!(run.stderr.contains(head.trim()), "{}", run.stderr);
    assert!(env.exists("publications/day/1.toml"));
    assert_eq!(
        env.git(&["log", "-1", "--format=%s"]).trim(),
        "verbatim: publish day (1)"
    );
}

/// A `publish` killed after its commit and before its tag: the rerun tags
/// the commit that recorded the publication, instead of refusing with
/// "nothing changed" and leaving the publication untagged for good.
#[test]
fn rerun_of_a_publish_interrupted_before_its_tag_tags_it() {
    let env = ready_newsroom();
    env.run(EVA, &["publish", "day"]).ok();
    let recorded = env.git(&["rev-parse", "HEAD"]);
    // Later work lands on top before anyone notices the missing tag.
    env.write("notes.txt", "later work\n");
    commit_all(&env, "later work");
    env.git(&["tag", "-d", "published/day/1"]);

    // --dry-run says what it would do and writes nothing.
    let before = env.snapshot();
    env.run(EVA, &["publish", "day", "--dry-run"])
        .code(0)
        .stdout_has("Would tag");
    assert_eq!(env.snapshot(), before);

    env.run(EVA, &["publish", "day"])
        .code(0)
        .stderr_has("never tagged")
        .stderr_has("published/day/1");
    assert_eq!(
        env.git(&["rev-parse", "published/day/1^{commit}"]),
        recorded,
        "the tag points at the commit that recorded publication 1"
    );
    // Done: nothing left to repair, nothing changed.
    refused(
        &env,
        &["nothing changed since publication 1 (published/day/1)"],
    );
}
