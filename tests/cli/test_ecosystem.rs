//! Completions, man pages, the pager, progress, CI templates, typo hints and
//! configuration precedence.

use std::time::Duration;

use crate::common::{ANA, EVA, TestEnv};

#[test]
fn completion_scripts_for_every_shell() {
    let env = TestEnv::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let dynamic = env.run(ANA, &["completions", shell]);
        assert!(
            dynamic.ok().contains("VERBATIM_COMPLETE"),
            "{shell}: {}",
            dynamic.stdout
        );
        let fixed = env.run(ANA, &["completions", shell, "--static"]);
        assert!(
            fixed.ok().contains("request-changes"),
            "{shell} static script names the commands"
        );
    }
}

#[test]
fn dynamic_completion_offers_quote_ids_from_the_repository() {
    let env = TestEnv::new();
    env.add_quote(
        "sheinbaum-call/no-necesario",
        "No es necesario.",
        "It is not necessary.",
    );
    env.add_quote("sheinbaum-call/cordial", "Fue cordial.", "It was cordial.");
    let mut cmd = env.command(ANA);
    cmd.env("VERBATIM_COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", "2")
        .env("COMP_TYPE", "9")
        .args(["--", "verbatim", "show", "sheinbaum-call/no"]);
    let out = cmd.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).replace('\u{b}', "\n");
    assert_eq!(text.trim(), "sheinbaum-call/no-necesario");
}

#[test]
fn man_pages_for_every_command() {
    let env = TestEnv::new();
    let out = env.dir.path().join("man");
    env.run(ANA, &["man", "--out", out.to_str().unwrap()]).ok();
    for page in [
        "verbatim.1",
        "verbatim-check.1",
        "verbatim-review.1",
        "verbatim-publish.1",
    ] {
        let text = std::fs::read_to_string(out.join(page)).unwrap();
        assert!(text.contains(".TH"), "{page} is a man page");
    }
    if std::process::Command::new("man")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        let rendered = std::process::Command::new("man")
            .env("MANWIDTH", "80")
            .env("MANPAGER", "cat")
            .args(["-l", out.join("verbatim-check.1").to_str().unwrap()])
            .output()
            .unwrap();
        assert!(rendered.status.success());
        assert!(String::from_utf8_lossy(&rendered.stdout).contains("--changed-since"));
    }
}

#[test]
fn pager_only_on_a_terminal() {
    let env = TestEnv::new();
    env.add_quote("a/q", "Sí.", "Yes.");
    let marker = env.dir.path().join("pager-ran");
    let pager = format!("touch {}", marker.display());
    let mut cmd = env.command(EVA);
    cmd.env("VERBATIM_PAGER", &pager).args(["show", "a/q"]);
    let out = cmd.output().unwrap();
    assert!(out.status.success());
    assert!(!marker.exists(), "no pager when piped");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Yes."));

    let mut cmd = env.command(EVA);
    cmd.env_remove("CI")
        .env("TERM", "xterm")
        .env("VERBATIM_PAGER", &pager)
        .args(["show", "a/q"]);
    let mut p = rexpect::session::spawn_command(cmd, Some(10_000)).unwrap();
    p.exp_eof().unwrap();
    std::thread::sleep(Duration::from_millis(100));
    assert!(marker.exists(), "the pager runs on a terminal");

    std::fs::remove_file(&marker).unwrap();
    let mut cmd = env.command(EVA);
    cmd.env_remove("CI")
        .env("TERM", "xterm")
        .env("VERBATIM_PAGER", &pager)
        .args(["--no-pager", "show", "a/q"]);
    let mut p = rexpect::session::spawn_command(cmd, Some(10_000)).unwrap();
    p.exp_string("Yes.").unwrap();
    p.exp_eof().unwrap();
    assert!(!marker.exists(), "--no-pager turns it off");
}

#[test]
fn no_progress_bar_in_captured_output() {
    let env = TestEnv::new();
    for i in 0..30 {
        env.write(&format!("articles/a{i}.md"), "Nothing quoted here.\n");
    }
    let run = env.run(EVA, &["check"]);
    run.ok();
    assert!(
        !run.stderr.contains("articles") && !run.stderr.contains('\u{1b}'),
        "{}",
        run.stderr
    );
}

#[test]
fn init_writes_ci_jobs() {
    let env = TestEnv::new();
    env.run(ANA, &["init", "--ci", "github"]).ok();
    let text = env.read(".github/workflows/verbatim.yml");
    let docs = yaml_rust2::YamlLoader::load_from_str(&text).expect("valid YAML");
    let steps = &docs[0]["jobs"]["quotes"]["steps"];
    let runs: Vec<&str> = steps
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect();
    assert!(
        runs.iter()
            .any(|r| r.starts_with("verbatim check --format github --changed-since")),
        "{runs:?}"
    );
    assert_eq!(env.git(&["status", "--porcelain=v1"]), "", "committed");

    env.run(ANA, &["init", "--ci", "gitlab"]).ok();
    let text = env.read(".gitlab-ci.yml");
    let docs = yaml_rust2::YamlLoader::load_from_str(&text).expect("valid YAML");
    assert_eq!(
        docs[0]["verbatim"]["artifacts"]["reports"]["junit"].as_str(),
        Some("verbatim-junit.xml")
    );

    let hooks = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.pre-commit-hooks.yaml"
    ))
    .unwrap();
    let docs = yaml_rust2::YamlLoader::load_from_str(&hooks).expect("valid YAML");
    assert_eq!(docs[0][0]["entry"].as_str(), Some("verbatim check"));
}

#[test]
fn typos_get_a_suggestion() {
    let env = TestEnv::new();
    env.add_quote(
        "sheinbaum-call/no-necesario",
        "No es necesario.",
        "It is not necessary.",
    );
    env.run(EVA, &["show", "sheinbaum-call/no-nesesario"])
        .code(2)
        .stderr_has("did you mean sheinbaum-call/no-necesario?");
    env.run(EVA, &["lsit"]).code(2).stderr_has("list");
}

#[test]
fn flags_beat_environment_beat_defaults() {
    let env = TestEnv::new();
    env.add_quote("a/q", "Sí.", "Yes.");
    let plain = env.run(EVA, &["list"]);
    assert!(
        !plain.stdout.contains('\u{1b}'),
        "no colour when piped by default"
    );
    let mut cmd = env.command(EVA);
    cmd.env("VERBATIM_COLOR", "always").arg("list");
    let coloured = String::from_utf8(cmd.output().unwrap().stdout).unwrap();
    assert!(
        coloured.contains('\u{1b}'),
        "VERBATIM_COLOR=always colours: {coloured}"
    );
    let mut cmd = env.command(EVA);
    cmd.env("VERBATIM_COLOR", "always")
        .args(["--color", "never", "list"]);
    let flagged = String::from_utf8(cmd.output().unwrap().stdout).unwrap();
    assert!(
        !flagged.contains('\u{1b}'),
        "the flag wins over the environment"
    );
    let mut cmd = env.command(EVA);
    cmd.env("NO_COLOR", "1").arg("list");
    assert!(
        !String::from_utf8(cmd.output().unwrap().stdout)
            .unwrap()
            .contains('\u{1b}')
    );
    let mut cmd = env.command(EVA);
    cmd.env("VERBATIM_QUIET", "1").args(["approve", "a/q"]);
    let out = cmd.output().unwrap();
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "VERBATIM_QUIET=1 silences status lines"
    );
}
