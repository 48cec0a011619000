//! init, add, revise, show, list through the binary.

use crate::common::{ANA, EVA, TestEnv};

#[test]
fn init_makes_a_newsroom_and_is_idempotent() {
    let env = TestEnv::bare();
    env.run(ANA, &["init"]).ok();
    assert!(env.exists("verbatim.toml"));
    assert!(env.root().join("articles").is_dir());
    assert!(env.root().join("translations").is_dir());
    assert_eq!(env.commit_count(), 1);
    let before = env.snapshot();
    env.run(ANA, &["init"]).ok();
    assert_eq!(env.snapshot(), before, "a second init changes nothing");
}

#[test]
fn add_revise_show_list_round_trip() {
    let env = TestEnv::new();
    let run = env.run(
        ANA,
        &[
            "add",
            "sheinbaum-call/no-necesario",
            "--speaker",
            "Claudia Sheinbaum",
            "--original",
            "No es necesario.",
            "--translation",
            "It is not necessary.",
            "--source",
            "Mañanera, Palacio Nacional",
            "--source-url",
            "https://example.org/mananera",
            "--said-on",
            "2026-01-13",
            "--timecode",
            "00:41:10",
            "--origin",
            "own",
            "--note",
            "first draft",
        ],
    );
    run.ok();
    run.stderr_has("articles/sheinbaum-call.md does not exist yet");
    let record = env.read("translations/sheinbaum-call/no-necesario.toml");
    assert!(record.contains("schema = 1"), "{record}");
    assert!(
        record.contains("translation = \"It is not necessary.\""),
        "{record}"
    );
    assert!(
        record.contains("author = \"Ana Traductora <ana@example.org>\""),
        "{record}"
    );
    assert!(record.contains("at = \"2026-01-13T10:00:00Z\""), "{record}");
    assert_eq!(env.commit_count(), 2);
    let log = env.git(&["log", "-1", "--format=%an <%ae>%n%B"]);
    assert!(
        log.starts_with(
            "Ana Traductora <ana@example.org>\nverbatim: add sheinbaum-call/no-necesario"
        ),
        "{log}"
    );
    assert!(log.contains("Verbatim-Action: add"), "{log}");
    assert!(
        log.contains("Verbatim-Quote: sheinbaum-call/no-necesario"),
        "{log}"
    );
    let files = env.git(&["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(
        files.trim(),
        "translations/sheinbaum-call/no-necesario.toml"
    );

    env.run(
        ANA,
        &[
            "revise",
            "sheinbaum-call/no-necesario",
            "--translation",
            "It isn't necessary.",
            "--note",
            "tone",
        ],
    )
    .ok();
    assert_eq!(env.commit_count(), 3);

    let show = env.run(EVA, &["show", "sheinbaum-call/no-necesario"]);
    show.ok();
    show.stdout_has("pending")
        .stdout_has("(revision 2)")
        .stdout_has("It isn't necessary.");
    show.stdout_has("No es necesario.")
        .stdout_has("Mañanera, Palacio Nacional")
        .stdout_has("tone");

    let json = env.run(
        EVA,
        &["show", "sheinbaum-call/no-necesario", "--format", "json"],
    );
    let v = &json.json_lines()[0];
    assert_eq!(v["state"], "pending");
    assert_eq!(v["revision"], 2);
    assert_eq!(v["translation"], "It isn't necessary.");
    assert_eq!(
        v["record"]["revision"][0]["translation"],
        "It is not necessary."
    );

    let list = env.run(EVA, &["list"]);
    list.ok();
    list.stdout_has("sheinbaum-call/no-necesario")
        .stdout_has("pending")
        .stdout_has("Claudia Sheinbaum");
    let list = env.run(EVA, &["list", "--state", "approved", "--format", "json"]);
    assert!(list.json_lines().is_empty());
    let list = env.run(
        EVA,
        &[
            "list",
            "sheinbaum-call",
            "--state",
            "pending",
            "--format",
            "json",
        ],
    );
    assert_eq!(list.json_lines().len(), 1);
}

#[test]
fn english_original_has_no_translation() {
    let env = TestEnv::new();
    env.run(
        ANA,
        &[
            "add",
            "call/state-dept",
            "--original-lang",
            "en",
            "--speaker",
            "Tommy Pigott",
            "--original",
            "Secretary Rubio reaffirmed the United States’s commitment.",
        ],
    )
    .ok();
    let v = &env
        .run(ANA, &["show", "call/state-dept", "--format", "json"])
        .json_lines()[0];
    assert_eq!(v["translation"], serde_json::Value::Null);
    assert_eq!(v["record"]["original_lang"], "en");
    let before = env.snapshot();
    env.run(
        ANA,
        &[
            "revise",
            "call/state-dept",
            "--translation",
            "x",
            "--note",
            "n",
        ],
    )
    .code(2)
    .stderr_has("has no translation");
    assert_eq!(env.snapshot(), before);
}

#[test]
fn texts_from_stdin_keep_paragraphs() {
    let env = TestEnv::new();
    let original = "Primer párrafo, “con comillas”.\n\nSegundo párrafo.";
    env.run_stdin(
        ANA,
        &[
            "add",
            "a/b",
            "--speaker",
            "S",
            "--original",
            "-",
            "--translation",
            "First paragraph.",
        ],
        &format!("{original}\n"),
    )
    .ok();
    let v = &env
        .run(ANA, &["show", "a/b", "--format", "json"])
        .json_lines()[0];
    assert_eq!(v["original"], original);
}

#[test]
fn users_other_changes_are_left_alone() {
    let env = TestEnv::new();
    env.write("notes.txt", "committed\n");
    env.write("staged.txt", "one\n");
    env.git(&["add", "notes.txt", "staged.txt"]);
    env.git(&["commit", "-q", "-m", "user work"]);
    env.write("staged.txt", "two\n");
    env.git(&["add", "staged.txt"]);
    env.write("staged.txt", "three\n");
    env.write("notes.txt", "edited, not staged\n");
    env.write("untracked.txt", "new\n");
    let status_before = env.git(&["status", "--porcelain=v1"]);
    let staged_before = env.git(&["diff", "--cached"]);
    env.add_quote("a/q", "No es necesario.", "It is not necessary.");
    assert_eq!(env.git(&["status", "--porcelain=v1"]), status_before);
    assert_eq!(env.git(&["diff", "--cached"]), staged_before);
    assert_eq!(env.read("staged.txt"), "three\n");
    let files = env.git(&["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(files.trim(), "translations/a/q.toml");
}

#[test]
fn works_on_an_unborn_head_without_init() {
    let env = TestEnv::bare();
    env.git(&["init", "-q"]);
    env.add_quote("a/q", "No es necesario.", "It is not necessary.");
    assert_eq!(env.commit_count(), 1);
    assert_eq!(env.git(&["status", "--porcelain=v1"]), "");
}

#[test]
fn no_commit_writes_only_the_file() {
    let env = TestEnv::new();
    env.run(
        ANA,
        &[
            "add",
            "a/q",
            "--speaker",
            "S",
            "--original",
            "Sí.",
            "--translation",
            "Yes.",
            "--no-commit",
        ],
    )
    .ok();
    assert!(env.exists("translations/a/q.toml"));
    assert_eq!(env.commit_count(), 1);
    assert!(
        env.git(&["status", "--porcelain=v1"])
            .contains("?? translations/")
    );
}

#[test]
fn refusals_change_nothing() {
    let env = TestEnv::new();
    env.add_quote("a/q", "No es necesario.", "It is not necessary.");
    let before = env.snapshot();
    let base = [
        "--speaker",
        "S",
        "--original",
        "Sí.",
        "--translation",
        "Yes.",
    ];
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["add", "../x/q"], "not a valid article slug"),
        (vec!["add", "a/b/c"], "not a valid quote id"),
        (vec!["add", ".git/q"], "not a valid article slug"),
        (vec!["add", "a/.git"], "not a valid quote id"),
        (vec!["add", "/q"], "not a valid article slug"),
        (vec!["add", "a/"], "not a valid quote id"),
        (vec!["add", "noslash"], "not a quote reference"),
        (vec!["add", "A/q"], "not a valid article slug"),
        (vec!["add", "a/q"], "already exists"),
        (vec!["add", "a/q2", "--said-on", "2026-02-30"], "--said-on"),
        (vec!["add", "a/q2", "--timecode", "soon"], "--timecode"),
        (
            vec!["add", "a/q2", "--source-url", "not a url"],
            "--source-url",
        ),
        (vec!["add", "a/q2", "--origin", "friend"], "--origin"),
        (
            vec!["add", "a/q2", "--original-lang", "E N"],
            "--original-lang",
        ),
        (
            vec!["add", "a/q2", "--original-lang", "en"],
            "has no translation",
        ),
        (vec!["revise", "a/q", "--note", "n"], "nothing to revise"),
        (
            vec![
                "revise",
                "a/q",
                "--translation",
                "It is not necessary.",
                "--note",
                "n",
            ],
            "nothing to revise",
        ),
        (
            vec!["revise", "a/missing", "--translation", "x", "--note", "n"],
            "no quote a/missing",
        ),
        (vec!["show", "a/missing"], "no quote a/missing"),
        (vec!["list", "nothing-here"], "no article"),
    ];
    for (args, message) in cases {
        let mut full = args.clone();
        if args[0] == "add" {
            full.extend(base);
        }
        let run = env.run(ANA, &full);
        run.code(2).stderr_has(message);
        assert_eq!(env.snapshot(), before, "{args:?} changed something");
    }
    let long = format!("a/{}", "x".repeat(200));
    let mut args = vec!["add", long.as_str()];
    args.extend(base);
    env.run(ANA, &args)
        .code(2)
        .stderr_has("not a valid quote id");
    for (field, text) in [
        ("--original", ""),
        ("--translation", "   "),
        ("--original", "a\u{1b}[31mb"),
        ("--translation", "x\ry"),
    ] {
        let mut args = vec![
            "add",
            "a/q3",
            "--speaker",
            "S",
            "--original",
            "Sí.",
            "--translation",
            "Yes.",
        ];
        let i = args.iter().position(|a| *a == field).unwrap();
        args[i + 1] = text;
        env.run(ANA, &args).code(2).stderr_has(field);
    }
    env.run(ANA, &["add", "a/q3", "--speaker", "S"])
        .code(2)
        .stderr_has("missing --original, --translation");
    env.run_as(
        None,
        &[
            "add",
            "a/q3",
            "--speaker",
            "S",
            "--original",
            "Sí.",
            "--translation",
            "Yes.",
        ],
        None,
    )
    .code(2)
    .stderr_has("user.name")
    .stderr_has("git config user.name");
    assert_eq!(env.snapshot(), before);
}

#[test]
fn outside_a_repository_is_a_clear_error() {
    let env = TestEnv::bare();
    env.run(ANA, &["list"])
        .code(2)
        .stderr_has("not inside a git repository")
        .stderr_has("verbatim init");
}

#[test]
fn broken_record_names_file_and_line() {
    let env = TestEnv::new();
    env.add_quote("a/q", "No es necesario.", "It is not necessary.");
    let text = env
        .read("translations/a/q.toml")
        .replace("speaker =", "aproved = true\nspeaker =");
    env.write("translations/a/q.toml", &text);
    let before = env.snapshot();
    let run = env.run(ANA, &["show", "a/q"]);
    run.code(2)
        .stderr_has("translations/a/q.toml:3:")
        .stderr_has("aproved");
    env.run(ANA, &["list"])
        .code(2)
        .stderr_has("translations/a/q.toml:3:");
    env.run(ANA, &["revise", "a/q", "--translation", "x", "--note", "n"])
        .code(2);
    assert_eq!(env.snapshot(), before);
}
