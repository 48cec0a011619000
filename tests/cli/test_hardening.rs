//! Concurrent use, locks left behind, prompting on a terminal, hostile text.

use std::time::Duration;

use crate::common::{ANA, EVA, TestEnv};

#[test]
fn eight_concurrent_adds_all_land() {
    let env = TestEnv::new();
    let children: Vec<_> = (0..8)
        .map(|i| {
            let mut cmd = env.command(ANA);
            cmd.args([
                "add",
                &format!("call/q{i}"),
                "--speaker",
                "S",
                "--original",
                &format!("Frase {i}."),
                "--translation",
                &format!("Sentence {i}."),
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
            cmd.spawn().unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(env.commit_count(), 9, "every add made its own commit");
    let tree = env.git(&["ls-tree", "-r", "--name-only", "HEAD", "translations/call"]);
    assert_eq!(tree.lines().count(), 8, "{tree}");
    assert_eq!(env.git(&["status", "--porcelain=v1"]), "");
    env.git(&["fsck", "--no-progress"]);
}

#[test]
fn a_stale_git_lock_is_named_and_left_alone() {
    let env = TestEnv::new();
    env.write(".git/index.lock", "");
    let before = env.snapshot_without_git_status();
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
        ],
    )
    .code(2)
    .stderr_has("index.lock");
    assert!(
        env.exists(".git/index.lock"),
        "verbatim never deletes git's lock"
    );
    assert_eq!(env.snapshot_without_git_status(), before);
}

#[test]
fn add_prompts_for_missing_fields_on_a_terminal() {
    let env = TestEnv::new();
    let mut cmd = env.command(ANA);
    cmd.env_remove("CI").env("TERM", "xterm-256color").args([
        "add",
        "call/prompted",
        "--original",
        "No es necesario.",
    ]);
    let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).unwrap();
    p.exp_string("Speaker").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    p.send("Claudia Sheinbaum\r").unwrap();
    p.flush().unwrap();
    p.exp_string("Translation (en)").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    p.send("It is not necessary.\r").unwrap();
    p.flush().unwrap();
    p.exp_eof().unwrap();
    let v = &env.show("call/prompted");
    assert_eq!(v["record"]["speaker"], "Claudia Sheinbaum");
    assert_eq!(v["translation"], "It is not necessary.");
}

#[test]
fn hostile_text_never_reaches_the_terminal_raw() {
    let env = TestEnv::new();
    let evil = "It is \u{202E}not\u{202C} necessary \u{200B}ok";
    env.run(
        ANA,
        &[
            "add",
            "a/q",
            "--speaker",
            "Spe\u{202E}aker",
            "--original",
            "No es necesario.",
            "--translation",
            evil,
        ],
    )
    .ok();
    for args in [vec!["show", "a/q"], vec!["list"]] {
        let run = env.run(EVA, &args);
        run.ok();
        assert!(
            !run.stdout.contains('\u{202E}') && !run.stdout.contains('\u{200B}'),
            "{args:?}: {}",
            run.stdout
        );
        assert!(
            run.stdout.contains("\\u{202E}"),
            "{args:?} shows the escape visibly: {}",
            run.stdout
        );
    }
    env.write(
        "articles/a.md",
        &format!("She said “{evil}”. Translated from Spanish.\n"),
    );
    let run = env.run(EVA, &["check"]);
    run.code(1).stdout_has("suspicious-text");
    assert!(!run.stdout.contains('\u{202E}'), "{}", run.stdout);
}

/// A small deterministic pseudo-random sequence (64-bit LCG), so that a
/// failing run of the kill test can be replayed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

/// Runs `args` as `who` and kills it with SIGKILL after `delay`; returns
/// whether it had already finished.
fn kill_after(env: &TestEnv, who: crate::common::Person, args: &[&str], delay: Duration) -> bool {
    let mut child = env
        .command(who)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(delay);
    let finished = child.try_wait().unwrap().is_some();
    let _ = child.kill(); // SIGKILL on Unix
    child.wait().unwrap();
    finished
}

/// After a kill: every record parses, git's locks left by the killed
/// verbatim are named by the next command (and then removed, as its hint
/// tells the user), and the repository is sound.
fn assert_recoverable(env: &TestEnv, locks_left: &mut usize) {
    for lock in [
        ".git/index.lock",
        ".git/refs/heads/main.lock",
        ".git/HEAD.lock",
    ] {
        if env.exists(lock) {
            *locks_left += 1;
            env.run(
                ANA,
                &[
                    "add",
                    "k/probe",
                    "--speaker",
                    "S",
                    "--original",
                    "Sí.",
                    "--translation",
                    "Yes.",
                ],
            )
            .code(2)
            .stderr_has(lock.trim_start_matches(".git/"))
            .stderr_has("killed while committing");
            std::fs::remove_file(env.root().join(lock)).unwrap();
        }
    }
    env.run(EVA, &["list"]).ok();
}

#[test]
fn sigkill_at_any_moment_leaves_a_sound_repository() {
    let env = TestEnv::new();
    let add = |i: usize| -> Vec<String> {
        [
            "add",
            &format!("k/q{i}"),
            "--speaker",
            "S",
            "--original",
            &format!("Frase {i}."),
            "--translation",
            &format!("Sentence {i}."),
        ]
        .map(String::from)
        .to_vec()
    };
    // How long an uninterrupted add takes here: the delays spread over it.
    let started = std::time::Instant::now();
    let warm: Vec<String> = add(1000);
    env.run(ANA, &warm.iter().map(String::as_str).collect::<Vec<_>>())
        .ok();
    let whole = (started.elapsed().as_micros() as u64).clamp(2_000, 200_000);
    // Half the kills anywhere in the run, half in its second half, where
    // the record is written and committed.
    let pick = |rng: &mut Lcg| {
        let at = if rng.below(2) == 0 {
            rng.below(whole)
        } else {
            whole / 2 + rng.below(whole * 3 / 5)
        };
        Duration::from_micros(at)
    };
    let mut rng = Lcg(0x5eed);
    let (mut kills, mut finished, mut locks_left) = (0, 0, 0);
    for i in 0..100 {
        let args = add(i);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let delay = pick(&mut rng);
        finished += usize::from(kill_after(&env, ANA, &args, delay));
        kills += 1;
        assert_recoverable(&env, &mut locks_left);
        // Rerunning the same add finishes what the killed one began.
        let rerun = env.run(ANA, &args);
        assert!(
            rerun.code == 0
                || (rerun.stderr.contains("already exists") && !rerun.stderr.contains("differs")),
            "rerun of add {i}: {rerun:?}"
        );
        let quote = format!("k/q{i}");
        let approve = ["approve", quote.as_str()];
        let delay = pick(&mut rng);
        finished += usize::from(kill_after(&env, EVA, &approve, delay));
        kills += 1;
        assert_recoverable(&env, &mut locks_left);
        env.run(EVA, &approve).ok();
        // Nothing of this quote is left uncommitted.
        let status = env.git(&["status", "--porcelain=v1", "translations"]);
        assert_eq!(status, "", "after approving {quote}");
        if i % 25 == 24 {
            env.git(&["fsck", "--no-progress"]);
        }
    }
    assert!(kills >= 200);
    assert!(finished < kills, "the kills hit running commands");
    env.git(&["fsck", "--no-progress"]);
    let list = env.run(EVA, &["list", "--format", "json"]);
    let states: Vec<String> = list
        .json_lines()
        .iter()
        .map(|v| v["state"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(states.len(), 101);
    assert!(
        states.iter().all(|s| s == "approved" || s == "pending"),
        "{states:?}"
    );
    eprintln!(
        "{kills} kills, {finished} after the command had finished, {locks_left} git locks left behind"
    );
}

/// A record whose line 17 holds a value of the wrong type.
const BAD_ON_LINE_17: &str = r#"# verbatim quote record; docs/FORMAT.md describes it. Edit with `verbatim revise`.
schema = 1
speaker = "S"
original_lang = "es"
origin = "own"

[[revision]]
number = 1
original = "Sí."
translation = "Yes."
author = "Ana Traductora <ana@example.org>"
at = "2026-01-13T10:00:00Z"

[[review]]
verdict = "approved"
reviewer = "Eva Editora <eva@example.org>"
revision = "one"
at = "2026-01-13T10:00:00Z"
digest = "sha256:00"
"#;

/// Sets up a newsroom with one committed quote `k/q`, breaks it with
/// `breakage` (committed too, so a refusal can be seen to change nothing),
/// and returns the environment.
fn newsroom_with_broken_record(breakage: impl Fn(&TestEnv)) -> TestEnv {
    let env = TestEnv::new();
    env.write(
        "articles/k.md",
        "She said “Yes.” Translated from Spanish.\n",
    );
    env.add_quote("k/q", "Sí.", "Yes.");
    breakage(&env);
    env.git(&["add", "-A"]);
    env.git(&["commit", "-q", "-m", "break it"]);
    env
}

#[track_caller]
fn every_command_refuses(env: &TestEnv, needle: &str) {
    let before = env.snapshot();
    for args in [
        vec!["show", "k/q"],
        vec!["list"],
        vec!["approve", "k/q"],
        vec!["revise", "k/q", "--translation", "Yes!", "--note", "n"],
    ] {
        let run = env.run(EVA, &args);
        run.code(2).stderr_has(needle);
        assert!(!run.stderr.contains("panicked"), "{args:?}: {}", run.stderr);
    }
    let check = env.run(EVA, &["check"]);
    check
        .code(1)
        .stdout_has("invalid-record")
        .stdout_has(needle);
    assert_eq!(env.snapshot(), before, "a refusal changes nothing");
}

#[test]
fn a_bad_value_is_named_by_file_and_line() {
    let env = newsroom_with_broken_record(|env| env.write("translations/k/q.toml", BAD_ON_LINE_17));
    every_command_refuses(&env, "translations/k/q.toml:17:");
}

#[test]
fn a_record_that_is_not_utf8_is_named() {
    let env = newsroom_with_broken_record(|env| {
        let mut bytes = env.read("translations/k/q.toml").into_bytes();
        let at = bytes.iter().position(|b| *b == b'Y').unwrap();
        bytes[at] = 0xff;
        std::fs::write(env.root().join("translations/k/q.toml"), bytes).unwrap();
    });
    every_command_refuses(&env, "translations/k/q.toml:");
    env.run(EVA, &["show", "k/q"]).stderr_has("not valid UTF-8");
}

#[test]
fn an_empty_record_is_named() {
    let env = newsroom_with_broken_record(|env| env.write("translations/k/q.toml", ""));
    every_command_refuses(&env, "translations/k/q.toml:1:1");
    env.run(EVA, &["show", "k/q"]).stderr_has("is empty");
}

#[test]
fn a_directory_where_a_record_belongs_is_named() {
    let env = newsroom_with_broken_record(|env| {
        std::fs::remove_file(env.root().join("translations/k/q.toml")).unwrap();
        env.write("translations/k/q.toml/keep", "");
    });
    every_command_refuses(&env, "translations/k/q.toml");
    env.run(EVA, &["show", "k/q"]).stderr_has("is a directory");
}

#[test]
fn a_record_file_with_an_invalid_id_is_named() {
    let env = newsroom_with_broken_record(|env| {
        let text = env.read("translations/k/q.toml");
        env.write("translations/k/Bad_Name.toml", &text);
    });
    let before = env.snapshot();
    env.run(EVA, &["list"])
        .code(2)
        .stderr_has("translations/k/Bad_Name.toml");
    env.run(EVA, &["check", "--format", "json"])
        .code(1)
        .stdout_has("invalid-record")
        .stdout_has("translations/k/Bad_Name.toml");
    env.run(EVA, &["show", "k/Bad_Name"])
        .code(2)
        .stderr_has("not a valid quote id");
    assert_eq!(env.snapshot(), before);
}

#[test]
fn a_broken_policy_stops_every_command_with_its_line() {
    let env = TestEnv::new();
    env.add_quote("k/q", "Sí.", "Yes.");
    let policy = env
        .read("verbatim.toml")
        .replace("required_approvals = 1", "required_approvals = 0");
    env.write("verbatim.toml", &policy);
    let line = policy
        .lines()
        .position(|l| l.starts_with("required_approvals"))
        .unwrap()
        + 1;
    let before = env.snapshot();
    for args in [
        vec!["show", "k/q"],
        vec!["list"],
        vec!["approve", "k/q"],
        vec!["check"],
    ] {
        env.run(EVA, &args)
            .code(2)
            .stderr_has(&format!("verbatim.toml:{line}"));
    }
    env.write("verbatim.toml", &policy.replace("schema = 1", "schema = ["));
    env.run(EVA, &["check"])
        .code(2)
        .stderr_has("verbatim.toml:");
    env.write("verbatim.toml", &policy);
    assert_eq!(env.snapshot(), before);
}

#[test]
fn an_article_that_is_not_utf8_stops_check_with_its_place() {
    let env = TestEnv::new();
    let mut bytes = "# Title\n\nShe said “Sí”.\nAnd th\u{e9}n: "
        .as_bytes()
        .to_vec();
    bytes.push(0xe9);
    bytes.extend_from_slice(b" more\n");
    std::fs::write(env.root().join("articles/x.md"), bytes).unwrap();
    let col = "And thén: ".chars().count() + 1;
    env.run(EVA, &["check"])
        .code(2)
        .stderr_has(&format!("articles/x.md:4:{col}"))
        .stderr_has("UTF-8");
    env.run(EVA, &["check", "x"])
        .code(2)
        .stderr_has("articles/x.md:4:");
}

fn nfd(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfd().collect()
}

#[test]
fn nfc_and_nfd_are_one_text_everywhere() {
    let env = TestEnv::new();
    let original = "Está bien, señora; no habrá intervención.";
    let translation = "It’s fine, ma’am; there will be no intervention.";
    assert_ne!(nfd(original), original);
    env.add_quote("a/q", original, translation);
    env.run(EVA, &["approve", "a/q"]).ok();
    let before = env.snapshot();

    // revise with the NFD spelling of the same text: nothing to revise.
    env.run(
        ANA,
        &["revise", "a/q", "--original", &nfd(original), "--note", "n"],
    )
    .code(2)
    .stderr_has("nothing to revise");
    assert_eq!(env.snapshot(), before);

    // The article may quote either form: one text.
    env.write(
        "articles/a.md",
        &format!("She said “{}” Translated from Spanish.\n", nfd(translation)),
    );
    env.run(EVA, &["check", "a"]).ok();

    // Translation memory finds the NFC original from its NFD form.
    let found = env.run(
        EVA,
        &["suggest", "--original", &nfd(original), "--format", "json"],
    );
    let found = found.json_lines();
    assert_eq!(found[0]["quote"], "a/q", "{found:?}");
    assert_eq!(found[0]["similarity"], 1.0, "{found:?}");

    // The same original in another article, in NFD, with the same
    // translation in NFD: consistent. With another translation: not.
    env.add_quote("b/q", &nfd(original), &nfd(translation));
    let lint = env.run(EVA, &["lint", "--format", "json"]);
    assert!(!lint.stdout.contains("inconsistent"), "{}", lint.stdout);
    env.add_quote(
        "c/q",
        &nfd(original),
        "It is all right, madam; no intervention.",
    );
    env.run(EVA, &["lint", "--format", "json"])
        .stdout_has("inconsistent");
}

#[test]
fn a_typographic_only_revision_keeps_its_approval() {
    let env = TestEnv::new();
    env.add_quote("a/q", "No es necesario.", "It's \"not\" necessary.");
    env.run(EVA, &["approve", "a/q"]).ok();
    env.run(
        ANA,
        &[
            "revise",
            "a/q",
            "--translation",
            "It’s “not” necessary.",
            "--note",
            "curly quotes",
        ],
    )
    .ok();
    let shown = &env.show("a/q");
    assert_eq!(shown["state"], "approved", "{shown}");
    assert_eq!(shown["translation"], "It’s “not” necessary.");
}

/// Names no command may accept as a slug or id.
const HOSTILE_NAMES: &[&str] = &[
    "../x",
    "..",
    ".",
    "/etc/x",
    "a/b",
    "a\\b",
    ".git",
    ".GIT",
    "CON",
    "con",
    "nul",
    "com1",
    "lpt9",
    "x.",
    "x ",
    " x",
    "x..",
    "x.toml",
    "-x",
    "X",
    "\u{0430}bc",  // Cyrillic а
    "ab\u{200B}c", // zero-width space
    "\u{FF58}",    // fullwidth x
    "e\u{301}",    // e + combining acute
    "",
];

#[test]
fn hostile_names_are_refused_by_every_command() {
    let env = TestEnv::new();
    env.add_quote("ok/q", "Sí.", "Yes.");
    let long = "a".repeat(300);
    let mut names: Vec<String> = HOSTILE_NAMES.iter().map(|s| s.to_string()).collect();
    names.push(long);
    let before = env.snapshot();
    for name in &names {
        let as_slug: Vec<Vec<&str>> = vec![
            vec!["check", name],
            vec!["list", name],
            vec!["status", name],
            vec!["publish", name, "--dry-run"],
            vec!["lint", name],
            vec!["review", name],
        ];
        let quote_slug = format!("{name}/q");
        let quote_id = format!("ok/{name}");
        let mut runs = as_slug;
        for q in [&quote_slug, &quote_id] {
            runs.push(vec![
                "add",
                q,
                "--speaker",
                "S",
                "--original",
                "Sí.",
                "--translation",
                "Yes.",
            ]);
            runs.push(vec!["revise", q, "--translation", "Yes!", "--note", "n"]);
            runs.push(vec!["show", q]);
            runs.push(vec!["approve", q]);
            runs.push(vec!["request-changes", q, "--comment", "c"]);
        }
        for args in runs {
            let run = env.run(EVA, &args);
            assert_eq!(run.code, 2, "{args:?} was accepted: {run:?}");
            assert!(
                run.stderr.contains("not a valid")
                    || run.stderr.contains("not a quote reference")
                    || run.stderr.contains("unexpected argument"),
                "{args:?}: {}",
                run.stderr
            );
        }
    }
    assert_eq!(env.snapshot(), before);
}

mod properties {
    use std::path::{Component, Path};

    use proptest::prelude::*;
    use verbatim::store::{QuoteRef, Store};

    fn hostile_name() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z0-9./\\\\ _-]{0,12}",
            "[a-zA-Z0-9.\\-\u{0}\u{430}\u{FF58}\u{200B}\u{301}/]{0,10}",
            any::<String>(),
            prop::sample::select(super::HOSTILE_NAMES).prop_map(String::from),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Whatever `SLUG/ID` is accepted names a file two levels inside
        /// translations/, never elsewhere.
        #[test]
        fn accepted_names_stay_inside_translations(slug in hostile_name(), id in hostile_name()) {
            let Ok(r) = QuoteRef::parse(&format!("{slug}/{id}")) else { return Ok(()); };
            let rel = Store::record_rel_path(&r);
            let components: Vec<Component<'_>> = Path::new(&rel).components().collect();
            prop_assert_eq!(components.len(), 3, "{}", rel);
            prop_assert!(components.iter().all(|c| matches!(c, Component::Normal(_))), "{}", rel);
            prop_assert!(!r.slug.eq_ignore_ascii_case(".git"));
            let root = tempfile::tempdir().unwrap();
            let path = root.path().join(&rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "").unwrap();
            let inside = root.path().join("translations").canonicalize().unwrap();
            prop_assert!(path.canonicalize().unwrap().starts_with(&inside), "{}", rel);
        }

        /// Extraction never panics, and every quotation's offset, line and
        /// column agree and lie inside the input (the fuzz target's body).
        #[test]
        fn quotation_positions_lie_inside_the_input(source in article_text()) {
            let article = verbatim::article::extract(&source);
            for q in &article.quotations {
                prop_assert!(q.offset < source.len());
                prop_assert!(source.is_char_boundary(q.offset));
                prop_assert_eq!((q.line, q.column), position(&source, q.offset));
            }
        }

        /// The record parser never panics, and its errors point inside the file.
        #[test]
        fn record_parser_errors_point_inside_the_file(bytes in record_bytes()) {
            let rel = "translations/a/q.toml";
            match verbatim::store::parse_record(rel, &bytes) {
                Ok(quote) => {
                    let text = verbatim::store::serialize_record(&quote);
                    prop_assert!(verbatim::store::parse_record(rel, text.as_bytes()).is_ok());
                }
                Err(e) => {
                    let lines = bytes.split(|b| *b == b'\n').count();
                    prop_assert!(e.line >= 1 && e.line <= lines.max(1));
                    prop_assert!(e.column >= 1);
                }
            }
        }
    }

    /// Markdown-ish text rich in quote marks, markup and line ends.
    fn article_text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("“".to_string()),
            Just("”".to_string()),
            Just("\"".to_string()),
            Just("«".to_string()),
            Just("»".to_string()),
            Just("‘".to_string()),
            Just("’".to_string()),
            Just("\n".to_string()),
            Just("\r\n".to_string()),
            Just("\r".to_string()),
            Just("\n\n".to_string()),
            Just("> ".to_string()),
            Just("*".to_string()),
            Just("_".to_string()),
            Just("`".to_string()),
            Just("```\n".to_string()),
            Just("---\n".to_string()),
            Just("[".to_string()),
            Just("](http://x)".to_string()),
            Just("<!-- verbatim:ignore \"x\" -->".to_string()),
            Just("<b>".to_string()),
            Just("\u{feff}".to_string()),
            Just("- ".to_string()),
            Just("| a | b |\n|---|---|\n".to_string()),
            "[a-zA-Zé ]{1,8}",
            any::<char>().prop_map(String::from),
        ];
        prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
    }

    /// Record files: real ones cut and spliced, and arbitrary bytes.
    fn record_bytes() -> impl Strategy<Value = Vec<u8>> {
        let good = "# c\nschema = 1\nspeaker = \"S\"\noriginal_lang = \"es\"\norigin = \"own\"\n\n[[revision]]\nnumber = 1\noriginal = \"Sí.\"\ntranslation = \"Yes.\"\nauthor = \"A <a@x>\"\nat = \"2026-01-13T10:00:00Z\"\n\n[[review]]\nverdict = \"approved\"\nreviewer = \"E <e@x>\"\nat = \"2026-01-13T10:00:00Z\"\nrevision = 1\ndigest = \"sha256:00\"\n";
        prop_oneof![
            (0..good.len(), 0..good.len(), any::<Vec<u8>>()).prop_map(move |(a, b, junk)| {
                let (a, b) = (a.min(b), a.max(b));
                let mut v = good.as_bytes()[..a].to_vec();
                v.extend(junk);
                v.extend(&good.as_bytes()[b..]);
                v
            }),
            any::<Vec<u8>>(),
        ]
    }

    /// Line and column counted independently of the extractor: lines end
    /// at `\n`, `\r\n` or a lone `\r`; a byte-order mark does not count.
    fn position(source: &str, offset: usize) -> (usize, usize) {
        let (mut line, mut column) = (1, 1);
        for (i, c) in source[..offset].char_indices() {
            match c {
                '\n' => (line, column) = (line + 1, 1),
                '\r' if !source[i + 1..].starts_with('\n') => (line, column) = (line + 1, 1),
                '\r' => {}
                '\u{feff}' if i == 0 => {}
                _ => column += 1,
            }
        }
        (line, column)
    }
}

#[test]
fn verify_history_reports_sign_offs_nobody_committed() {
    let env = TestEnv::new();
    env.write(
        "articles/a.md",
        "She said “Yes.” Translated from Spanish.\n",
    );
    env.add_quote("a/yes", "Sí.", "Yes.");
    env.add_quote("a/no", "No.", "No.");
    env.run(EVA, &["approve", "a/yes"]).ok();
    env.git(&["add", "articles/a.md"]);
    env.git(&["commit", "-q", "-m", "article"]);
    env.run(EVA, &["check", "--verify-history"]).ok();

    // Ana types Luis's approval into the record herself and commits it.
    let forged = env.read("translations/a/yes.toml");
    let review = &forged[forged.find("[[review]]").unwrap()..];
    let review = review
        .replace(
            "Eva Editora <eva@example.org>",
            "Luis Editor <luis@example.org>",
        )
        .replace("2026-01-13T10:00:00Z", "2026-01-13T11:00:00Z");
    env.write("translations/a/yes.toml", &format!("{forged}\n{review}"));
    let line = env
        .read("translations/a/yes.toml")
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "[[review]]")
        .nth(1)
        .unwrap()
        .0
        + 1;
    env.git(&["commit", "-q", "-am", "approve"]);
    env.run(EVA, &["check"]).ok();
    let run = env.run(EVA, &["check", "--verify-history", "--format", "json"]);
    run.code(1);
    let findings: Vec<_> = run
        .json_lines()
        .into_iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["code"], "unverified-review");
    assert_eq!(findings[0]["severity"], "error");
    assert_eq!(findings[0]["file"], "translations/a/yes.toml");
    assert_eq!(findings[0]["line"], line);
    let message = findings[0]["message"].as_str().unwrap();
    assert!(
        message.contains("Luis Editor") && message.contains("ana@example.org"),
        "{message}"
    );
    // The history index it walks with (docs/HISTORY.md) changes nothing:
    // damaged, or gone, the answer is the same.
    let index = env.root().join(".git/verbatim/history-index");
    assert!(index.exists(), "--verify-history keeps the history index");
    std::fs::write(&index, b"garbage").unwrap();
    let again = env.run(EVA, &["check", "--verify-history", "--format", "json"]);
    assert_eq!(again.stdout, run.stdout);
    std::fs::remove_file(&index).unwrap();
    let again = env.run(EVA, &["check", "--verify-history", "--format", "json"]);
    assert_eq!(again.stdout, run.stdout);

    // An approval written with --no-commit is in no commit yet.
    env.git(&["reset", "-q", "--hard", "HEAD~1"]);
    env.run(EVA, &["approve", "a/no", "--no-commit"]).ok();
    env.run(EVA, &["check", "--verify-history"])
        .code(1)
        .stdout_has("unverified-review")
        .stdout_has("in no commit");
}

/// Runs `verbatim check` with at most 2 GiB of address space and returns
/// the run and how long it took.
fn bounded_check(env: &TestEnv, slug: &str) -> (crate::common::Run, Duration) {
    let started = std::time::Instant::now();
    let sandboxed = env.command(EVA);
    let out = std::process::Command::new("sh")
        .env_clear()
        .envs(sandboxed.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .env("VERBATIM_BIN", env!("CARGO_BIN_EXE_verbatim"))
        .current_dir(env.root())
        .args([
            "-c",
            "ulimit -v 2097152 && exec \"$VERBATIM_BIN\" check \"$1\"",
            "sh",
            slug,
        ])
        .output()
        .unwrap();
    let run = crate::common::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    (run, started.elapsed())
}

#[test]
fn an_article_past_the_size_limit_is_refused_at_once() {
    let env = TestEnv::new();
    let file = std::fs::File::create(env.root().join("articles/big.md")).unwrap();
    file.set_len(100 * 1024 * 1024).unwrap(); // 100 MiB, sparse
    let (run, took) = bounded_check(&env, "big");
    run.code(2)
        .stderr_has("articles/big.md")
        .stderr_has("larger than 67108864 bytes");
    assert!(took < Duration::from_secs(10), "{took:?}");
}

#[test]
fn a_million_character_line_and_deep_nesting_stay_bounded() {
    let env = TestEnv::new();
    env.add_quote("deep/q", "Sí.", "Yes.");
    let words = "word ".repeat(200_000);
    let cases = [
        (
            "line",
            format!("She said “Yes.” {words}“{words}” and “Yes.”\n"),
        ),
        ("quotes", format!("{}“Yes.”\n", ">".repeat(10_000))),
        ("spaced-quotes", format!("{}“Yes.”\n", "> ".repeat(10_000))),
        (
            "emphasis",
            format!("{}“Yes.”{}\n", "*".repeat(10_000), "*".repeat(10_000)),
        ),
        (
            "underscores",
            format!("{}“Yes.”{}\n", "_".repeat(10_000), "_".repeat(10_000)),
        ),
        (
            "brackets",
            format!("{}“Yes.”{}\n", "[".repeat(10_000), "](x)".repeat(10_000)),
        ),
        (
            "parens",
            format!("[a]{}“Yes.”{}\n", "(".repeat(10_000), ")".repeat(10_000)),
        ),
        ("lists", format!("{}“Yes.”\n", "- ".repeat(10_000))),
        ("ordered-lists", format!("{}“Yes.”\n", "1. ".repeat(10_000))),
        (
            "curly",
            format!("{}Yes.{}\n", "“".repeat(10_000), "”".repeat(10_000)),
        ),
        (
            "html",
            format!("{}“Yes.”{}\n", "<b>".repeat(10_000), "</b>".repeat(10_000)),
        ),
    ];
    for (name, text) in cases {
        env.write(
            "articles/deep.md",
            &format!("Translated from Spanish.\n\n{text}"),
        );
        let (run, took) = bounded_check(&env, "deep");
        assert!(run.code == 0 || run.code == 1, "{name}: {run:?}");
        assert!(
            !run.stderr.contains("panicked") && !run.stderr.contains("overflow"),
            "{name}: {}",
            run.stderr
        );
        assert!(took < Duration::from_secs(60), "{name} took {took:?}");
        eprintln!("{name}: exit {} in {took:?}", run.code);
    }
}

#[test]
fn a_record_past_the_size_limit_is_refused_by_path() {
    let env = newsroom_with_broken_record(|env| {
        let file = std::fs::File::options()
            .write(true)
            .open(env.root().join("translations/k/q.toml"))
            .unwrap();
        file.set_len(17 * 1024 * 1024).unwrap(); // zeros after the record
    });
    env.run(EVA, &["show", "k/q"])
        .code(2)
        .stderr_has("translations/k/q.toml")
        .stderr_has("larger than 16777216 bytes");
    env.run(EVA, &["check"])
        .code(1)
        .stdout_has("invalid-record");
}

/// A `request-changes` killed between writing the record and committing
/// it (here: written with `--no-commit`) is finished by its rerun, not
/// recorded a second time; a different comment is a new request.
#[test]
fn rerun_of_an_interrupted_request_changes_commits_it_once() {
    let env = TestEnv::new();
    env.add_quote("a/q", "Sí.", "Yes.");
    let ask = [
        "request-changes",
        "a/q",
        "--comment",
        "Say \"yes\" with more force.",
    ];
    let mut first = ask.to_vec();
    first.push("--no-commit");
    env.run(EVA, &first).ok();
    let requests = |env: &TestEnv| {
        env.read("translations/a/q.toml")
            .matches("verdict = \"changes-requested\"")
            .count()
    };
    assert_eq!(requests(&env), 1);
    assert_ne!(env.git(&["status", "--porcelain=v1", "translations"]), "");

    env.run(EVA, &ask)
        .code(0)
        .stderr_has("interrupted verbatim but never committed; committed it now");
    assert_eq!(requests(&env), 1, "{}", env.read("translations/a/q.toml"));
    assert_eq!(env.git(&["status", "--porcelain=v1", "translations"]), "");
    assert_eq!(env.state("a/q"), "changes-requested");

    // Asked again once committed, or with other words: a new request.
    env.run(
        EVA,
        &[
            "request-changes",
            "a/q",
            "--comment",
            "And keep the accent.",
        ],
    )
    .ok();
    assert_eq!(requests(&env), 2);
    env.run(EVA, &ask).ok();
    assert_eq!(requests(&env), 3);
}

/// Files verbatim writes are created like any other file (readable by the
/// rest of the newsroom under the usual umask), and a file it rewrites keeps
/// the mode it had: a shared checkout stays readable, and git sees no mode
/// change.
#[test]
#[cfg(unix)]
fn written_files_get_the_usual_mode_and_rewrites_keep_theirs() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new();
    let mode = |rel: &str| {
        std::fs::metadata(env.root().join(rel))
            .unwrap()
            .permissions()
            .mode()
            & 0o7777
    };
    // What this process's umask gives a new file (the test does not set it).
    std::fs::write(env.root().join("plain.txt"), "x").unwrap();
    let usual = mode("plain.txt");
    std::fs::remove_file(env.root().join("plain.txt")).unwrap();

    env.add_quote("call/q", "No es necesario.", "It is not necessary.");
    assert_eq!(mode("verbatim.toml"), usual, "init's policy file");
    assert_eq!(mode("translations/call/q.toml"), usual, "a new record");

    let record = env.root().join("translations/call/q.toml");
    std::fs::set_permissions(&record, std::fs::Permissions::from_mode(0o664)).unwrap();
    env.run(
        ANA,
        &[
            "revise",
            "call/q",
            "--translation",
            "It isn't necessary.",
            "--note",
            "tone",
        ],
    )
    .ok();
    assert_eq!(
        mode("translations/call/q.toml"),
        0o664,
        "a revised record keeps its mode"
    );
    env.run(EVA, &["approve", "call/q"]).ok();
    assert_eq!(
        mode("translations/call/q.toml"),
        0o664,
        "an approved record keeps its mode"
    );
}
