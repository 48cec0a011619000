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
