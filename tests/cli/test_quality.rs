//! `lint`, `suggest`, and quality checks in `check` and `add`.

use crate::common::{ANA, EVA, TestEnv};

const ORIGINAL: &str = "No vamos a permitir que se viole nuestra soberanía nacional.";
const TRANSLATION: &str = "We will not allow our national sovereignty to be violated.";

/// A newsroom with one quote whose translation changed a number.
fn numbers_newsroom() -> TestEnv {
    let env = TestEnv::new();
    env.add_quote(
        "sinaloa/muertos",
        "Hubo 72 muertos en Sinaloa.",
        "There were 27 dead in Sinaloa.",
    );
    env
}

fn set_lint_policy(env: &TestEnv, disabled: &str, fail_on: &str) {
    let policy = env
        .read("verbatim.toml")
        .replace("disabled = []", &format!("disabled = [{disabled}]"))
        .replace("fail_on = []", &format!("fail_on = [{fail_on}]"));
    env.write("verbatim.toml", &policy);
}

#[test]
fn lint_reports_a_changed_number_as_a_warning() {
    let env = numbers_newsroom();
    let run = env.run(EVA, &["lint"]);
    run.code(0)
        .stdout_has("translations/sinaloa/muertos.toml")
        .stdout_has("warning[numbers]")
        .stdout_has("72")
        .stdout_has("27")
        .stdout_has("0 errors, 2 warnings in 1 quote record");
}

#[test]
fn fail_on_makes_a_check_an_error() {
    let env = numbers_newsroom();
    set_lint_policy(&env, "", "\"numbers\"");
    env.run(EVA, &["lint"]).code(1).stdout_has("error[numbers]");
    env.write("articles/sinaloa.md", "“There were 27 dead in Sinaloa.”\n");
    let check = env.run(EVA, &["check", "sinaloa", "--format", "json"]);
    check.code(1);
    assert!(
        check
            .json_lines()
            .iter()
            .any(|f| f["code"] == "numbers" && f["severity"] == "error"),
        "{}",
        check.stdout
    );
}

#[test]
fn a_disabled_check_is_silent() {
    let env = numbers_newsroom();
    set_lint_policy(&env, "\"numbers\"", "\"numbers\"");
    let run = env.run(EVA, &["lint"]);
    run.code(0).stdout_has("0 errors, 0 warnings");
    assert!(!run.stdout.contains("numbers"), "{}", run.stdout);
}

#[test]
fn unknown_check_in_policy_is_refused_with_its_line() {
    let env = numbers_newsroom();
    set_lint_policy(&env, "\"nombres\"", "");
    let line = env
        .read("verbatim.toml")
        .lines()
        .position(|l| l.contains("nombres"))
        .unwrap()
        + 1;
    env.run(EVA, &["lint"])
        .code(2)
        .stderr_has(&format!("verbatim.toml:{line}:"))
        .stderr_has("`nombres` is not a quality check");
}

#[test]
fn lint_json_has_the_finding_fields() {
    let env = numbers_newsroom();
    let run = env.run(EVA, &["lint", "sinaloa", "--format", "json"]);
    run.code(0);
    let lines = run.json_lines();
    // 72 is missing from the translation, and 27 is new in it.
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    let f = &lines[0];
    assert_eq!(f["code"], "numbers");
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["file"], "translations/sinaloa/muertos.toml");
    assert_eq!(f["quote"], "sinaloa/muertos");
    assert!(f["column"].as_u64().unwrap() >= 1);
    assert!(f["message"].as_str().unwrap().contains("72"));
    let line = f["line"].as_u64().unwrap() as usize;
    let record = env.read("translations/sinaloa/muertos.toml");
    assert!(
        record
            .lines()
            .nth(line - 1)
            .unwrap()
            .starts_with("translation"),
        "line {line} of\n{record}"
    );
}

#[test]
fn lint_refuses_an_unknown_article() {
    let env = numbers_newsroom();
    env.run(EVA, &["lint", "no-such-article"])
        .code(2)
        .stderr_has("no article `no-such-article`");
    env.run(EVA, &["lint", "Bad_Slug"]).code(2);
}

#[test]
fn inconsistent_translations_across_articles() {
    let env = TestEnv::new();
    env.add_quote("one/soberania", ORIGINAL, TRANSLATION);
    env.add_quote(
        "two/soberania",
        ORIGINAL,
        "We won't let anyone violate our national sovereignty.",
    );
    env.add_quote(
        "three/other",
        "Vamos a seguir trabajando.",
        "We will keep working.",
    );
    let run = env.run(EVA, &["lint", "two", "--format", "json"]);
    run.code(0);
    let lines = run.json_lines();
    assert_eq!(lines.len(), 1, "{}", run.stdout);
    assert_eq!(lines[0]["code"], "inconsistent");
    assert_eq!(lines[0]["file"], "translations/two/soberania.toml");
    assert!(
        lines[0]["message"]
            .as_str()
            .unwrap()
            .contains("one/soberania"),
        "{}",
        run.stdout
    );
    let all = env.run(EVA, &["lint"]);
    all.code(0)
        .stdout_has("warning[inconsistent]")
        .stdout_has("translations/one/soberania.toml")
        .stdout_has("translations/two/soberania.toml");
    assert!(!all.stdout.contains("three/other"), "{}", all.stdout);
}

#[test]
fn check_shows_lint_hits_of_the_checked_article_only() {
    let env = numbers_newsroom();
    env.add_quote("other/muertos", "Hubo 5 muertos.", "There were 6 dead.");
    env.write(
        "articles/sinaloa.md",
        "Translated from the Spanish.\n\n“There were 27 dead in Sinaloa.”\n",
    );
    env.run(EVA, &["approve", "sinaloa/muertos"]).ok();
    let run = env.run(EVA, &["check", "sinaloa"]);
    run.code(0)
        .stdout_has("warning[numbers]")
        .stdout_has("translations/sinaloa/muertos.toml");
    assert!(!run.stdout.contains("other/muertos"), "{}", run.stdout);
}

fn approved(env: &TestEnv, quote: &str, original: &str, translation: &str) {
    env.add_quote(quote, original, translation);
    env.run(EVA, &["approve", quote]).ok();
}

#[test]
fn suggest_ranks_identical_first_and_skips_unapproved() {
    let env = TestEnv::new();
    approved(&env, "one/soberania", ORIGINAL, TRANSLATION);
    approved(
        &env,
        "two/soberania",
        "No vamos a permitir que se viole nuestra soberanía territorial.",
        "We will not allow our territorial sovereignty to be violated.",
    );
    approved(
        &env,
        "three/other",
        "Vamos a seguir trabajando por el pueblo.",
        "We will keep working for the people.",
    );
    // Identical, but still pending: not in the memory.
    env.add_quote("four/soberania", ORIGINAL, "Unreviewed translation.");
    let run = env.run(
        ANA,
        &["suggest", "--original", ORIGINAL, "--format", "json"],
    );
    run.code(0);
    let lines = run.json_lines();
    let quotes: Vec<&str> = lines.iter().map(|l| l["quote"].as_str().unwrap()).collect();
    assert_eq!(quotes, ["one/soberania", "two/soberania"], "{}", run.stdout);
    assert_eq!(lines[0]["similarity"], 1.0);
    assert!(lines[1]["similarity"].as_f64().unwrap() < 1.0);
    assert_eq!(lines[0]["translation"], TRANSLATION);
    assert_eq!(lines[0]["speaker"], "Claudia Sheinbaum");
    assert_eq!(lines[0]["article"], "one");

    let human = env.run(ANA, &["suggest", "--original", ORIGINAL, "--limit", "1"]);
    human
        .code(0)
        .stdout_has("SIMILARITY")
        .stdout_has("1.00")
        .stdout_has("one/soberania");
    assert!(!human.stdout.contains("two/soberania"), "{}", human.stdout);

    let stdin = env.run_stdin(
        ANA,
        &["suggest", "--original", "-", "--format", "json"],
        ORIGINAL,
    );
    assert_eq!(stdin.code(0).json_lines().len(), 2);

    let none = env.run(
        ANA,
        &["suggest", "--original", "Algo completamente distinto."],
    );
    none.code(0).stderr_has("No approved translation");
    assert!(none.stdout.is_empty(), "{}", none.stdout);
    env.run(ANA, &["suggest", "--original", "x", "--min", "2"])
        .code(2);
}

#[test]
fn add_notes_similar_approved_translations() {
    let env = TestEnv::new();
    approved(&env, "one/soberania", ORIGINAL, TRANSLATION);
    let run = env.run(
        ANA,
        &[
            "add",
            "two/soberania",
            "--speaker",
            "Claudia Sheinbaum",
            "--original",
            ORIGINAL,
            "--translation",
            "Our sovereignty will not be violated.",
        ],
    );
    run.code(0)
        .stderr_has("note: approved translations of similar originals")
        .stderr_has("1.00  one/soberania")
        .stderr_has(TRANSLATION);
    let other = env.run(
        ANA,
        &[
            "add",
            "three/other",
            "--speaker",
            "Claudia Sheinbaum",
            "--original",
            "Vamos a seguir trabajando.",
            "--translation",
            "We will keep working.",
        ],
    );
    assert!(
        !other.code(0).stderr.contains("note: approved"),
        "{}",
        other.stderr
    );
}

#[test]
fn review_screen_has_a_quality_section() {
    use verbatim::newsroom::Newsroom;
    use verbatim::review::session::{Item, render_item};
    use verbatim::store::QuoteRef;

    let env = numbers_newsroom();
    env.add_quote("sinaloa/clean", ORIGINAL, TRANSLATION);
    let newsroom = Newsroom::open(&env.root()).unwrap();
    let item = |quote: &str| {
        let quote_ref = QuoteRef::parse(quote).unwrap();
        let quote = newsroom.store.load(&quote_ref).unwrap();
        let state = newsroom.state_of(&quote_ref, &quote, None);
        Item {
            quote_ref,
            quote,
            state,
            locations: Vec::new(),
            suggestions: Vec::new(),
        }
    };
    let screen = render_item(&item("sinaloa/muertos"), 1, 2, &newsroom, false);
    assert!(screen.contains("\nQuality\n"), "{screen}");
    assert!(
        screen.contains("  warning[numbers] number \"72\" in the original is missing"),
        "{screen}"
    );
    let screen = render_item(&item("sinaloa/clean"), 2, 2, &newsroom, false);
    assert!(!screen.contains("Quality"), "{screen}");
}

/// On a terminal, `add` without --translation offers the approved
/// translation of a similar original; choosing it records it. Driven
/// through a pseudo-terminal made by util-linux `script` (skipped without it).
#[test]
fn add_on_a_terminal_offers_to_reuse_an_approved_translation() {
    use std::io::Write;
    use std::process::Stdio;

    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("`script` not found; skipping");
        return;
    }
    let env = TestEnv::new();
    approved(&env, "one/soberania", ORIGINAL, TRANSLATION);
    let shell_quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let line = [
        env!("CARGO_BIN_EXE_verbatim"),
        "add",
        "two/soberania",
        "--speaker",
        "Claudia Sheinbaum",
        "--original",
        ORIGINAL,
    ]
    .map(shell_quote)
    .join(" ");
    // The sandbox's environment, without CI so that verbatim may prompt.
    let sandbox = env.command(ANA);
    let mut script = std::process::Command::new("script");
    script
        .env_clear()
        .envs(
            sandbox
                .get_envs()
                .filter(|(k, _)| *k != "CI")
                .filter_map(|(k, v)| v.map(|v| (k, v))),
        )
        .env("TERM", "xterm")
        .current_dir(env.root())
        .args(["-qec", &line, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = script.spawn().expect("spawn script");
    let mut stdin = child.stdin.take().unwrap();
    // Down to the first suggestion, then Enter.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    stdin.write_all(b"\x1b[B").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    stdin.write_all(b"\r").unwrap();
    stdin.flush().unwrap();
    let out = child.wait_with_output().unwrap();
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{screen}");
    assert!(
        screen.contains("Reuse an approved translation?"),
        "{screen}"
    );
    let record = env.read("translations/two/soberania.toml");
    assert!(record.contains(TRANSLATION), "{record}\n{screen}");
}
