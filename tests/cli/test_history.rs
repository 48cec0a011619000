//! `verbatim log` and `verbatim diff`: history read from git, word diffs
//! between revisions and between commits.

use crate::common::{ANA, EVA, LUIS, TestEnv};

const Q: &str = "sheinbaum-call/no-necesario";

/// A quote with three revisions and two reviews, each step at its own time:
/// revision 1 (Ana), approved by Eva, revision 2 (translation), changes
/// requested by Eva, revision 3 (original and translation).
fn three_revisions() -> TestEnv {
    let mut env = TestEnv::new();
    env.now = "2026-01-13T10:00:00Z".into();
    env.add_quote(
        Q,
        "No es necesario, dijo la presidenta.",
        "It is not necessary, the president said.",
    );
    env.now = "2026-01-13T11:00:00Z".into();
    env.run(EVA, &["approve", Q, "--comment", "checked"]).ok();
    env.now = "2026-01-13T12:00:00Z".into();
    env.run(
        ANA,
        &[
            "revise",
            Q,
            "--translation",
            "It is not needed, the president said.",
            "--note",
            "plainer",
        ],
    )
    .ok();
    env.now = "2026-01-13T13:00:00Z".into();
    env.run(EVA, &["request-changes", Q, "--comment", "check the video"])
        .ok();
    env.now = "2026-01-13T14:00:00Z".into();
    env.run(
        ANA,
        &[
            "revise",
            Q,
            "--original",
            "No es necesario, afirmó la presidenta.",
            "--translation",
            "It is not needed, the president stated.",
            "--note",
            "checked the video",
        ],
    )
    .ok();
    env
}

#[test]
fn test_history_log_lists_every_event_with_its_commit() {
    let env = three_revisions();
    let run = env.run(ANA, &["log", Q, "--format", "json"]);
    let events = run.json_lines();
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["revision", "review", "revision", "review", "revision"]
    );
    let actions = ["add", "approve", "revise", "request-changes", "revise"];
    for (event, action) in events.iter().zip(actions) {
        let commit = event["commit"].as_str().expect("a commit id");
        let resolved = env.git(&["rev-parse", "--verify", &format!("{commit}^{{commit}}")]);
        assert_eq!(resolved.trim(), commit);
        let message = env.git(&["log", "-1", "--format=%B", commit]);
        assert!(
            message.contains(&format!("Verbatim-Action: {action}\n")),
            "{commit} does not record {action}: {message}"
        );
    }
    assert_eq!(events[0]["number"], 1);
    assert_eq!(events[0]["who"], "Ana Traductora <ana@example.org>");
    assert_eq!(events[1]["verdict"], "approved");
    assert_eq!(events[1]["comment"], "checked");
    assert_eq!(events[1]["revision"], 1);
    assert_eq!(events[2]["note"], "plainer");
    assert_eq!(events[3]["verdict"], "changes-requested");
    assert_eq!(events[4]["time"], "2026-01-13T14:00:00Z");

    let human = env.run(ANA, &["log", Q]);
    let lines: Vec<&str> = human.ok().lines().collect();
    assert_eq!(lines[0], Q);
    assert_eq!(lines.len(), 6, "{}", human.stdout);
    let short = &events[2]["commit"].as_str().unwrap()[..10];
    assert!(lines[3].starts_with(short), "{}", lines[3]);
    assert!(lines[3].contains("revision 2: plainer"), "{}", lines[3]);
    assert!(lines[4].contains("changes-requested revision 2: check the video"));
}

#[test]
fn test_history_log_shows_dash_without_commit() {
    let mut env = three_revisions();
    env.now = "2026-01-13T15:00:00Z".into();
    env.run(LUIS, &["approve", Q, "--no-commit"]).ok();
    let events = env.run(ANA, &["log", Q, "--format", "json"]).json_lines();
    assert_eq!(events.len(), 6);
    assert!(events[5]["commit"].is_null());
    assert_eq!(events[5]["who"], "Luis Editor <luis@example.org>");
    assert!(events[4]["commit"].is_string());
    let human = env.run(ANA, &["log", Q]);
    let last = human.ok().lines().last().unwrap().to_string();
    assert!(last.starts_with("- "), "{last}");
    assert!(last.contains("approved revision 3"), "{last}");
}

#[test]
fn test_history_log_same_time_keeps_workflow_order() {
    // Every step at the pinned clock: order comes from the workflow.
    let env = TestEnv::new();
    env.add_quote(Q, "No es necesario.", "It is not necessary.");
    env.run(EVA, &["approve", Q]).ok();
    env.run(
        ANA,
        &[
            "revise",
            Q,
            "--translation",
            "It isn't needed.",
            "--note",
            "n",
        ],
    )
    .ok();
    let events = env.run(ANA, &["log", Q, "--format", "json"]).json_lines();
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["revision", "review", "revision"]);
}

#[test]
fn test_history_log_and_diff_see_publications() {
    let env = three_revisions();
    env.run(LUIS, &["approve", Q]).ok();
    let digest = env.run(ANA, &["show", Q, "--format", "json"]).json_lines()[0]["digest"]
        .as_str()
        .unwrap()
        .to_string();
    // Written by hand as `verbatim publish` would, so this test does not
    // depend on the publish command.
    env.write(
        "publications/sheinbaum-call/1.toml",
        &format!(
            "schema = 1\narticle = \"sheinbaum-call\"\nnumber = 1\n\
             tag = \"published/sheinbaum-call/1\"\n\
             publisher = \"Eva Editora <eva@example.org>\"\nat = \"2026-01-14T09:00:00Z\"\n\
             article_blob = \"0000000000000000000000000000000000000000\"\n\n\
             [[quote]]\nid = \"no-necesario\"\nrevision = 3\ndigest = \"{digest}\"\n"
        ),
    );
    env.git(&["add", "publications"]);
    env.git(&["commit", "-q", "-m", "publish sheinbaum-call"]);
    let events = env.run(ANA, &["log", Q, "--format", "json"]).json_lines();
    let last = events.last().unwrap();
    assert_eq!(last["kind"], "publication");
    assert_eq!(last["number"], 1);
    assert_eq!(last["tag"], "published/sheinbaum-call/1");
    assert_eq!(
        last["commit"].as_str().unwrap(),
        env.git(&["rev-parse", "HEAD"]).trim()
    );
    env.run(ANA, &["log", Q])
        .stdout_has("publication 1 (revision 3) published/sheinbaum-call/1");

    // `published` names revision 3; after a revision, diff shows the change.
    env.run(ANA, &["diff", Q, "published", "current"])
        .code(0)
        .stderr_has("No changes");
    env.run(
        ANA,
        &[
            "revise",
            Q,
            "--translation",
            "It is not needed, the president declared.",
            "--note",
            "correction",
        ],
    )
    .ok();
    env.run(ANA, &["diff", Q, "published", "current"])
        .code(0)
        .stdout_has("revision 3 → revision 4")
        .stdout_has("[-stated-]{+declared+}");
}

#[test]
fn test_history_diff_between_revisions() {
    let env = three_revisions();
    let out = env.run(ANA, &["diff", Q, "1", "3"]);
    let text = out.ok();
    assert!(
        text.starts_with(&format!("{Q}: revision 1 → revision 3\n")),
        "{text}"
    );
    let original = text.find("Original (es)").expect("original diff");
    let translation = text.find("Translation").expect("translation diff");
    assert!(original < translation, "original first: {text}");
    assert!(
        text.contains("No es necesario, [-dijo-]{+afirmó+} la presidenta."),
        "{text}"
    );
    assert!(
        text.contains("It is not [-necessary-]{+needed+}, the president [-said-]{+stated+}."),
        "{text}"
    );

    // Only the translation changed from 1 to 2: no original section.
    let out = env.run(ANA, &["diff", Q, "1", "2"]);
    assert!(!out.ok().contains("Original"), "{}", out.stdout);
    out.stdout_has("[-necessary-]{+needed+}");
}

#[test]
fn test_history_diff_default_and_approved() {
    let env = three_revisions();
    // Revision 1 is the last approved one.
    let default = env.run(ANA, &["diff", Q]);
    default
        .code(0)
        .stdout_has(&format!("{Q}: revision 1 → revision 3"));
    let named = env.run(ANA, &["diff", Q, "approved", "current"]);
    assert_eq!(named.ok(), default.stdout);
    named.stdout_has("[-dijo-]{+afirmó+}");

    // Never approved: the default is the previous revision.
    env.add_quote("sheinbaum-call/otra", "Otra cosa.", "Another thing.");
    env.run(
        ANA,
        &[
            "revise",
            "sheinbaum-call/otra",
            "--translation",
            "Something else.",
            "--note",
            "n",
        ],
    )
    .ok();
    env.run(ANA, &["diff", "sheinbaum-call/otra"])
        .code(0)
        .stdout_has("revision 1 → revision 2")
        .stdout_has("[-Another thing-]{+Something else+}.");

    // Approved current revision: nothing to show.
    env.run(EVA, &["approve", Q]).ok();
    let same = env.run(ANA, &["diff", Q]);
    same.code(0).stderr_has("No changes");
    assert_eq!(same.stdout, "");
    env.run(ANA, &["diff", Q, "2", "2"])
        .code(0)
        .stderr_has("No changes");
}

#[test]
fn test_history_diff_json_ops() {
    let env = three_revisions();
    let lines = env
        .run(ANA, &["diff", Q, "1", "3", "--format", "json"])
        .json_lines();
    assert_eq!(lines.len(), 1);
    let d = &lines[0];
    assert_eq!(d["quote"], Q);
    assert_eq!(d["from"], 1);
    assert_eq!(d["to"], 3);
    for side in ["original", "translation"] {
        assert_eq!(d[side]["changed"], true);
        let ops = d[side]["ops"].as_array().unwrap();
        assert!(ops.iter().all(|o| {
            matches!(o["op"].as_str(), Some("equal" | "delete" | "insert")) && o["text"].is_string()
        }));
    }
    let ops = d["translation"]["ops"].as_array().unwrap();
    assert!(ops.contains(&serde_json::json!({"op": "delete", "text": "necessary"})));
    assert!(ops.contains(&serde_json::json!({"op": "insert", "text": "needed"})));
    // Original unchanged between 1 and 2: null.
    let d = &env
        .run(ANA, &["diff", Q, "1", "2", "--format", "json"])
        .json_lines()[0];
    assert!(d["original"].is_null());
}

#[test]
fn test_history_diff_color_on_request() {
    let env = three_revisions();
    let out = env.run(ANA, &["--color", "always", "diff", Q, "1", "2"]);
    let text = out.ok();
    assert!(text.contains('\u{1b}'), "{text}");
    assert!(!text.contains("[-"), "{text}");
}

#[test]
fn test_history_diff_git_between_tags() {
    let env = TestEnv::new();
    env.add_quote(Q, "No es necesario.", "It is not necessary.");
    env.git(&["tag", "v1"]);
    env.add_quote(
        "sheinbaum-call/soberania",
        "Soberanía, sí.",
        "Sovereignty, yes.",
    );
    env.run(
        ANA,
        &[
            "revise",
            Q,
            "--translation",
            "It is not needed.",
            "--note",
            "n",
        ],
    )
    .ok();
    env.run(EVA, &["approve", Q]).ok();
    env.git(&["tag", "-a", "v2", "-m", "second"]);
    // Uncommitted work is not read: only the two commits are.
    env.run(
        ANA,
        &[
            "revise",
            Q,
            "--translation",
            "Not needed.",
            "--note",
            "n",
            "--no-commit",
        ],
    )
    .ok();

    let out = env.run(ANA, &["diff", "--git", "v1..v2"]);
    let text = out.ok();
    assert!(
        text.contains(&format!("{Q}: revised 1 → 2, approved by Eva Editora\n")),
        "{text}"
    );
    assert!(
        text.contains("It is not [-necessary-]{+needed+}."),
        "{text}"
    );
    assert!(
        text.contains("sheinbaum-call/soberania: added (revision 1)"),
        "{text}"
    );
    assert!(text.contains("{+Sovereignty, yes.+}"), "{text}");
    assert!(!text.contains("Not needed"), "{text}");

    // The last two commits: the revision and the approval.
    env.run(ANA, &["diff", "--git", "HEAD~2..HEAD"])
        .code(0)
        .stdout_has(&format!("{Q}: revised 1 → 2, approved by Eva Editora"));
    let soberania = env.run(ANA, &["diff", "--git", "HEAD~2..HEAD"]);
    assert!(
        !soberania.stdout.contains("soberania"),
        "{}",
        soberania.stdout
    );

    // Backwards: removed and un-revised.
    env.run(ANA, &["diff", "--git", "v2..v1"])
        .code(0)
        .stdout_has("sheinbaum-call/soberania: removed (was revision 1)")
        .stdout_has(&format!("{Q}: revised 2 → 1"));

    // One article only.
    env.run(ANA, &["diff", "--git", "v1..v2", "other-story"])
        .code(0)
        .stderr_has("No quote changed");

    let lines = env
        .run(ANA, &["diff", "--git", "v1..v2", "--format", "json"])
        .json_lines();
    assert_eq!(lines.len(), 2);
    let revised = lines.iter().find(|l| l["quote"] == Q).unwrap();
    assert_eq!(revised["status"], "changed");
    assert_eq!(revised["from_revision"], 1);
    assert_eq!(revised["to_revision"], 2);
    assert_eq!(
        revised["actions"],
        serde_json::json!(["revised 1 → 2", "approved by Eva Editora"])
    );
    assert!(revised["original"].is_null());
    assert!(revised["translation"]["ops"].is_array());
    let added = lines
        .iter()
        .find(|l| l["quote"] == "sheinbaum-call/soberania")
        .unwrap();
    assert_eq!(added["status"], "added");
    assert!(added["from_revision"].is_null());
}

#[test]
fn test_history_errors_exit_2() {
    let env = three_revisions();
    env.run(ANA, &["diff", Q, "9"])
        .code(2)
        .stderr_has("has no revision 9; it has revisions 1 to 3");
    env.run(ANA, &["diff", Q, "1", "9"])
        .code(2)
        .stderr_has("has no revision 9");
    env.run(ANA, &["diff", Q, "published"])
        .code(2)
        .stderr_has("sheinbaum-call has never been published")
        .stderr_has("it has revisions 1 to 3");
    env.run(ANA, &["diff", Q, "latest"]).code(2).stderr_has(
        "`latest` is not a revision: give a number, `approved`, `published` or `current`",
    );
    env.add_quote("sheinbaum-call/otra", "Otra cosa.", "Another thing.");
    env.run(ANA, &["diff", "sheinbaum-call/otra", "approved"])
        .code(2)
        .stderr_has("sheinbaum-call/otra has never been approved")
        .stderr_has("it has only revision 1");
    env.run(ANA, &["diff", "sheinbaum-call/missing"])
        .code(2)
        .stderr_has("error:");
    env.run(ANA, &["log", "sheinbaum-call/missing"])
        .code(2)
        .stderr_has("error:");
    env.run(ANA, &["log", "not a quote"])
        .code(2)
        .stderr_has("SLUG/ID");
    env.run(ANA, &["diff"])
        .code(2)
        .stderr_has("name a quote as SLUG/ID, or give --git REV1..REV2");
    env.run(ANA, &["diff", "--git", "nope..HEAD"])
        .code(2)
        .stderr_has("`nope` is not a commit, branch or tag in this repository");
    env.run(ANA, &["diff", "--git", "HEAD..nope"])
        .code(2)
        .stderr_has("`nope` is not a commit");
    env.run(ANA, &["diff", "--git", "HEAD"])
        .code(2)
        .stderr_has("write the two commits as REV1..REV2");
    env.run(ANA, &["diff", "--git", "HEAD~1..HEAD", "Bad Slug"])
        .code(2)
        .stderr_has("error:");
    env.run(
        ANA,
        &["diff", "--git", "HEAD~1..HEAD", "sheinbaum-call", "2"],
    )
    .code(2)
    .stderr_has("with --git, give at most one article SLUG");
}

#[test]
fn test_history_after_a_real_publication() {
    let env = TestEnv::new();
    env.add_quote(
        "day/no-necesario",
        "No es necesario.",
        "It is not necessary.",
    );
    env.run(EVA, &["approve", "day/no-necesario"]).ok();
    env.write(
        "articles/day.md",
        "# Day\n\nThe president said: “It is not necessary.”\n\n\
         Quotes translated from Spanish by our newsroom.\n",
    );
    env.git(&["add", "-A"]);
    env.git(&["commit", "-q", "-m", "article: day"]);
    env.run(EVA, &["publish", "day"]).ok();
    let publish_commit = env.git(&["rev-parse", "published/day/1^{commit}"]);

    let events = env
        .run(ANA, &["log", "day/no-necesario", "--format", "json"])
        .json_lines();
    let last = events.last().unwrap();
    assert_eq!(last["kind"], "publication");
    assert_eq!(last["tag"], "published/day/1");
    assert_eq!(last["who"], "Eva Editora <eva@example.org>");
    assert_eq!(last["commit"].as_str().unwrap(), publish_commit.trim());

    env.run(
        ANA,
        &[
            "revise",
            "day/no-necesario",
            "--translation",
            "It is not needed.",
            "--note",
            "correction",
        ],
    )
    .ok();
    env.run(ANA, &["diff", "day/no-necesario", "published", "current"])
        .code(0)
        .stdout_has("It is not [-necessary-]{+needed+}.");
    env.run(ANA, &["diff", "--git", "published/day/1..HEAD"])
        .code(0)
        .stdout_has("day/no-necesario: revised 1 → 2")
        .stdout_has("[-necessary-]{+needed+}");
    // From the add (HEAD~4) to the publication: approval and publication.
    env.run(ANA, &["diff", "--git", "HEAD~4..published/day/1", "day"])
        .code(0)
        .stdout_has("day/no-necesario: approved by Eva Editora, published (publication 1)");
}

#[test]
fn test_history_same_revision_json_says_unchanged() {
    let env = three_revisions();
    let lines = env
        .run(ANA, &["diff", Q, "3", "current", "--format", "json"])
        .json_lines();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["from"], 3);
    assert_eq!(lines[0]["to"], 3);
    assert_eq!(lines[0]["translation"]["changed"], false);
}

/// On a branch `fix`, Ana revises Q's translation (an hour later); main
/// meanwhile records another quote; `fix` is merged into main with a merge
/// commit. Returns the id of the revising commit.
fn revise_on_a_branch_and_merge(env: &mut TestEnv) -> String {
    env.git(&["checkout", "-q", "-b", "fix"]);
    env.now = "2026-01-13T11:00:00Z".into();
    env.run(
        ANA,
        &[
            "revise",
            Q,
            "--translation",
            "It is not needed.",
            "--note",
            "fix",
        ],
    )
    .ok();
    let revise_commit = env.git(&["rev-parse", "HEAD"]);
    env.git(&["checkout", "-q", "main"]);
    env.add_quote("sheinbaum-call/otra", "Otra cosa.", "Another thing.");
    env.git(&["merge", "-q", "--no-ff", "fix", "-m", "merge fix"]);
    revise_commit
}

#[test]
fn test_history_log_through_a_merge_names_the_branch_commit() {
    let mut env = TestEnv::new();
    env.add_quote(Q, "No es necesario.", "It is not necessary.");
    let revise_commit = revise_on_a_branch_and_merge(&mut env);
    let events = env.run(ANA, &["log", Q, "--format", "json"]).json_lines();
    assert_eq!(events.len(), 2);
    assert_eq!(events[1]["commit"].as_str().unwrap(), revise_commit.trim());
    // Across the merge from main's side, the revision arrives.
    env.run(ANA, &["diff", "--git", "HEAD^1..HEAD"])
        .code(0)
        .stdout_has(&format!("{Q}: revised 1 → 2"));
    // From the branch's side, the other quote arrives.
    env.run(ANA, &["diff", "--git", "fix..HEAD"])
        .code(0)
        .stdout_has("sheinbaum-call/otra: added (revision 1)");
}

#[test]
fn test_history_diff_git_refuses_an_unreadable_record_in_a_commit() {
    let env = TestEnv::new();
    env.add_quote(Q, "No es necesario.", "It is not necessary.");
    env.write(
        "translations/sheinbaum-call/roto.toml",
        "schema = 1\nspeaker = [\n",
    );
    env.git(&["add", "-A"]);
    env.git(&["commit", "-q", "-m", "broken record"]);
    let head = env.git(&["rev-parse", "HEAD"]);
    env.run(ANA, &["diff", "--git", "HEAD~1..HEAD"])
        .code(2)
        .stderr_has(&format!("in commit {}", &head[..10]))
        .stderr_has("translations/sheinbaum-call/roto.toml:");
    // Another article is unaffected.
    env.run(ANA, &["diff", "--git", "HEAD~1..HEAD", "other-story"])
        .code(0);
}

/// verbatim's history index (docs/FORMAT.md): a cache under `.git`.
const INDEX: &str = ".git/verbatim/history-index";

/// Deletes the history index, whatever stands in its place.
fn remove_index(env: &TestEnv) {
    let dir = env.root().join(".git/verbatim");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&dir);
}

/// The index's bytes, if it is a file.
fn index_bytes(env: &TestEnv) -> Option<Vec<u8>> {
    std::fs::read(env.root().join(INDEX)).ok()
}

/// `log` of a quote, as JSON and as text.
#[track_caller]
fn log_outputs(env: &TestEnv, quote: &str) -> String {
    let json = env.run(ANA, &["log", quote, "--format", "json"]);
    let human = env.run(ANA, &["log", quote]);
    assert_eq!(json.stderr, "", "log says nothing on stderr");
    format!("{}--\n{}", json.ok(), human.ok())
}

/// `log` answers the same with the index as it stands, with no index (which
/// builds one), and with the index just built. Returns the answer.
#[track_caller]
fn log_same_with_and_without_index(env: &TestEnv, quote: &str) -> String {
    let as_is = log_outputs(env, quote);
    remove_index(env);
    let without = log_outputs(env, quote);
    assert!(env.exists(INDEX), "log builds the index");
    let fresh = log_outputs(env, quote);
    assert_eq!(as_is, without, "the index as it stood changed the answer");
    assert_eq!(without, fresh, "the index just built changed the answer");
    fresh
}

/// Adds publication 1 of sheinbaum-call, holding revision 3 of Q, by hand
/// with plain git (as in test_history_log_and_diff_see_publications).
fn publish_by_hand(env: &TestEnv) {
    let digest = env.show(Q)["digest"].as_str().unwrap().to_string();
    env.write(
        "publications/sheinbaum-call/1.toml",
        &format!(
            "schema = 1\narticle = \"sheinbaum-call\"\nnumber = 1\n\
             tag = \"published/sheinbaum-call/1\"\n\
             publisher = \"Eva Editora <eva@example.org>\"\nat = \"2026-01-14T09:00:00Z\"\n\
             article_blob = \"0000000000000000000000000000000000000000\"\n\n\
             [[quote]]\nid = \"no-necesario\"\nrevision = 3\ndigest = \"{digest}\"\n"
        ),
    );
    env.git(&["add", "publications"]);
    env.git(&["commit", "-q", "-m", "publish sheinbaum-call"]);
}

#[test]
fn test_history_log_index_gives_the_same_answer_and_stays_out_of_the_work_tree() {
    let mut env = three_revisions();
    env.now = "2026-01-13T15:00:00Z".into();
    env.run(LUIS, &["approve", Q]).ok();
    publish_by_hand(&env);
    let before = env.snapshot();
    let answer = log_same_with_and_without_index(&env, Q);
    assert!(
        answer.contains("publication 1 (revision 3) published/sheinbaum-call/1"),
        "{answer}"
    );
    // The index is git's business, not the newsroom's: no file in the work
    // tree, nothing to commit.
    assert_eq!(env.snapshot(), before);
    // A walk the index already answers leaves it as it was.
    let built = index_bytes(&env).expect("an index");
    log_outputs(&env, Q);
    assert_eq!(index_bytes(&env).unwrap(), built, "nothing new to learn");
    // Other quotes' histories are answered from the same index.
    env.add_quote("sheinbaum-call/otra", "Otra cosa.", "Another thing.");
    log_same_with_and_without_index(&env, "sheinbaum-call/otra");
}

#[test]
fn test_history_log_index_learns_verbatim_commits_as_they_are_made() {
    let mut env = three_revisions();
    log_outputs(&env, Q);
    let built = index_bytes(&env).expect("log builds the index");
    env.now = "2026-01-13T15:00:00Z".into();
    env.run(
        ANA,
        &[
            "revise",
            Q,
            "--translation",
            "It is not needed, the president declared.",
            "--note",
            "n",
        ],
    )
    .ok();
    env.now = "2026-01-13T16:00:00Z".into();
    env.run(EVA, &["approve", Q]).ok();
    let learnt = index_bytes(&env).unwrap();
    assert_ne!(
        learnt, built,
        "verbatim's commits are added as it makes them"
    );
    let events = env.run(ANA, &["log", Q, "--format", "json"]).json_lines();
    assert_eq!(
        index_bytes(&env).unwrap(),
        learnt,
        "log found everything it needed in the index"
    );
    assert_eq!(events.len(), 7);
    assert_eq!(
        events[6]["commit"].as_str().unwrap(),
        env.git(&["rev-parse", "HEAD"]).trim()
    );
    assert_eq!(
        events[5]["commit"].as_str().unwrap(),
        env.git(&["rev-parse", "HEAD~1"]).trim()
    );
    log_same_with_and_without_index(&env, Q);

    // A repository with no index gets none from a commit: the first log
    // builds it whole.
    remove_index(&env);
    env.run(EVA, &["request-changes", Q, "--comment", "again"])
        .ok();
    assert!(!env.exists(INDEX));
    log_same_with_and_without_index(&env, Q);
}

#[test]
fn test_history_log_index_after_plain_git_commits_and_rewritten_history() {
    let mut env = three_revisions();
    log_outputs(&env, Q);
    let rel = "translations/sheinbaum-call/no-necesario.toml";

    // A hand edit committed with git: the edited revision now belongs to
    // that commit.
    let text = env
        .read(rel)
        .replace("note = \"plainer\"", "note = \"simpler\"");
    env.write(rel, &text);
    env.git(&["commit", "-q", "-am", "hand edit"]);
    let answer = log_same_with_and_without_index(&env, Q);
    let hand = env.git(&["rev-parse", "HEAD"]);
    let events = env.run(ANA, &["log", Q, "--format", "json"]).json_lines();
    assert_eq!(events[2]["note"], "simpler");
    assert_eq!(events[2]["commit"].as_str().unwrap(), hand.trim());
    assert!(answer.contains("revision 2: simpler"), "{answer}");

    // Amended: the indexed commit is no longer reachable.
    let text = env
        .read(rel)
        .replace("note = \"simpler\"", "note = \"clearer\"");
    env.write(rel, &text);
    env.git(&["commit", "-q", "-a", "--amend", "-m", "hand edit, amended"]);
    let amended = env.git(&["rev-parse", "HEAD"]);
    assert_ne!(amended, hand);
    log_same_with_and_without_index(&env, Q);
    let events = env.run(ANA, &["log", Q, "--format", "json"]).json_lines();
    assert_eq!(events[2]["commit"].as_str().unwrap(), amended.trim());
    // The other entries keep the commits that recorded them.
    assert_eq!(
        events[4]["commit"].as_str().unwrap(),
        env.git(&["rev-parse", "HEAD~1"]).trim()
    );

    // Reset away and redone by verbatim: the rewritten commits get new ids.
    env.git(&["reset", "-q", "--hard", "HEAD~2"]);
    log_same_with_and_without_index(&env, Q);
    env.now = "2026-01-13T16:00:00Z".into();
    env.run(
        ANA,
        &[
            "revise",
            Q,
            "--translation",
            "It is not needed, the president said again.",
            "--note",
            "redone",
        ],
    )
    .ok();
    let events = env.run(ANA, &["log", Q, "--format", "json"]).json_lines();
    assert_eq!(events.len(), 5);
    assert_eq!(events[4]["note"], "redone");
    assert_eq!(
        events[4]["commit"].as_str().unwrap(),
        env.git(&["rev-parse", "HEAD"]).trim()
    );
    log_same_with_and_without_index(&env, Q);

    // A rebase onto another line of history.
    env.git(&["checkout", "-q", "-b", "side", "HEAD~1"]);
    env.add_quote("sheinbaum-call/otra", "Otra cosa.", "Another thing.");
    env.git(&["checkout", "-q", "main"]);
    log_outputs(&env, Q);
    env.git(&["rebase", "-q", "side"]);
    let answer = log_same_with_and_without_index(&env, Q);
    assert!(answer.contains("revision 3: redone"), "{answer}");
}

#[test]
fn test_history_log_index_through_merges() {
    let mut env = TestEnv::new();
    env.add_quote(Q, "No es necesario.", "It is not necessary.");
    log_outputs(&env, Q);
    // A merge that takes the file from one side is skipped: the branch's
    // commit recorded the revision.
    let revise_commit = revise_on_a_branch_and_merge(&mut env);
    log_same_with_and_without_index(&env, Q);
    let events = env.run(ANA, &["log", Q, "--format", "json"]).json_lines();
    assert_eq!(events[1]["commit"].as_str().unwrap(), revise_commit.trim());

    // A merge whose own version of the file differs from both parents: it
    // recorded what it added.
    env.git(&["checkout", "-q", "-b", "other", "HEAD~1"]);
    env.now = "2026-01-13T12:00:00Z".into();
    env.run(EVA, &["approve", "sheinbaum-call/otra"]).ok();
    env.git(&["checkout", "-q", "main"]);
    env.git(&["merge", "-q", "--no-ff", "--no-commit", "other"]);
    env.now = "2026-01-13T13:00:00Z".into();
    env.run(EVA, &["approve", Q, "--no-commit"]).ok();
    env.git(&["add", "-A"]);
    env.git(&["commit", "-q", "-m", "merge other, approving"]);
    let merge = env.git(&["rev-parse", "HEAD"]);
    log_same_with_and_without_index(&env, Q);
    let events = env.run(ANA, &["log", Q, "--format", "json"]).json_lines();
    assert_eq!(events.len(), 3);
    assert_eq!(events[2]["kind"], "review");
    assert_eq!(events[2]["commit"].as_str().unwrap(), merge.trim());
    log_same_with_and_without_index(&env, "sheinbaum-call/otra");
}

#[test]
fn test_history_log_a_damaged_or_unwritable_index_is_not_fatal() {
    let mut env = three_revisions();
    env.now = "2026-01-13T15:00:00Z".into();
    env.run(LUIS, &["approve", Q]).ok();
    publish_by_hand(&env);
    let answer = log_same_with_and_without_index(&env, Q);
    let good = index_bytes(&env).unwrap();
    let index = env.root().join(INDEX);

    let garbage: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    let damaged: Vec<(&str, Vec<u8>)> = vec![
        ("garbage", garbage),
        ("empty", Vec::new()),
        ("cut short", good[..good.len() / 2].to_vec()),
        ("one byte short", good[..good.len() - 1].to_vec()),
        ("one byte flipped", {
            let mut b = good.clone();
            let mid = b.len() / 2;
            b[mid] ^= 0x01;
            b
        }),
        ("another version", {
            let mut b = good.clone();
            b[8] = b[8].wrapping_add(1);
            b
        }),
    ];
    for (what, bytes) in damaged {
        std::fs::write(&index, &bytes).unwrap();
        assert_eq!(log_outputs(&env, Q), answer, "{what}");
        assert_eq!(index_bytes(&env).unwrap(), good, "{what}: rebuilt");
    }

    // Nowhere to write it (a directory in the way, or `.git/verbatim` is a
    // file): log answers all the same, only slower.
    remove_index(&env);
    std::fs::create_dir_all(&index).unwrap();
    assert_eq!(log_outputs(&env, Q), answer);
    assert!(index.is_dir());
    remove_index(&env);
    std::fs::write(env.root().join(".git/verbatim"), "not a folder").unwrap();
    assert_eq!(log_outputs(&env, Q), answer);
    // Nor does a commit fail for it.
    env.now = "2026-01-13T16:00:00Z".into();
    env.run(EVA, &["request-changes", Q, "--comment", "again"])
        .ok();
    remove_index(&env);
    log_same_with_and_without_index(&env, Q);
}

#[test]
fn test_history_log_in_a_shallow_clone_keeps_no_index() {
    let env = three_revisions();
    let clone = TestEnv::bare();
    std::fs::remove_dir(clone.root()).unwrap();
    let source = format!("file://{}", env.root().display());
    env.git(&[
        "clone",
        "-q",
        "--depth",
        "2",
        &source,
        clone.root().to_str().unwrap(),
    ]);
    // Commits at the clone's edge show no parents: what they "changed"
    // holds only in this clone, so nothing is kept.
    let shallow = log_outputs(&clone, Q);
    assert_eq!(log_outputs(&clone, Q), shallow);
    assert!(!clone.exists(INDEX));
    // The two commits in the clone are named; the older events hold
    // the edge commit, which the clone shows as adding the file.
    let events = clone.run(ANA, &["log", Q, "--format", "json"]).json_lines();
    assert_eq!(events.len(), 5);
    let head = clone.git(&["rev-parse", "HEAD"]);
    assert_eq!(events[4]["commit"].as_str().unwrap(), head.trim());
}

#[test]
fn test_history_log_names_the_commit_of_an_entry_edited_along_with_a_new_one() {
    // Revision 1's note edited by hand, then committed by `revise` together
    // with revision 4: that commit is the first to hold the edited entry.
    // Counting tables alone would credit the `add` commit.
    let mut env = three_revisions();
    let rel = "translations/sheinbaum-call/no-necesario.toml";
    let text = env
        .read(rel)
        .replacen("number = 1\n", "number = 1\nnote = \"first draft\"\n", 1);
    env.write(rel, &text);
    env.now = "2026-01-13T15:00:00Z".into();
    env.run(
        ANA,
        &[
            "revise",
            Q,
            "--translation",
            "It is not needed, the president declared.",
            "--note",
            "n",
        ],
    )
    .ok();
    let head = env.git(&["rev-parse", "HEAD"]);
    log_same_with_and_without_index(&env, Q);
    let events = env.run(ANA, &["log", Q, "--format", "json"]).json_lines();
    assert_eq!(events[0]["note"], "first draft");
    assert_eq!(events[0]["commit"].as_str().unwrap(), head.trim());
    assert_eq!(events[5]["commit"].as_str().unwrap(), head.trim());
    assert_eq!(
        events[4]["commit"].as_str().unwrap(),
        env.git(&["rev-parse", "HEAD~1"]).trim()
    );
}

/// A newsroom that does not sign sees no "[unsigned]" on every review; one
/// that requires signatures does.
#[test]
fn log_marks_unsigned_reviews_only_where_signatures_are_required() {
    let env = three_revisions();
    let log = env.run(EVA, &["log", Q]);
    log.ok();
    assert!(log.stdout.contains("approved revision 1"), "{}", log.stdout);
    assert!(!log.stdout.contains("[unsigned]"), "{}", log.stdout);
    let policy = env.read("verbatim.toml").replace(
        "require_signed_reviews = false\n# allowed_signers = \".verbatim/allowed_signers\"",
        "require_signed_reviews = true\nallowed_signers = \".verbatim/allowed_signers\"",
    );
    env.write("verbatim.toml", &policy);
    env.write(".verbatim/allowed_signers", "");
    env.run(EVA, &["log", Q])
        .code(0)
        .stdout_has("approved revision 1: checked [unsigned]");
}
