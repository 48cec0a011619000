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
    let v = &env
        .run(EVA, &["show", "call/prompted", "--format", "json"])
        .json_lines()[0];
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
