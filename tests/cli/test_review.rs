//! The interactive review through a real pseudo-terminal, and the
//! non-interactive sign-off rules.

use std::time::Duration;

use rexpect::session::PtySession;

use crate::common::{ANA, EVA, LUIS, TestEnv};

/// Four pending quotes a, b, c, d in article `call`, added by Ana.
fn four_quotes() -> TestEnv {
    let env = TestEnv::new();
    env.add_quote("call/a", "Es cordial.", "It is cordial.");
    env.add_quote("call/b", "Siempre insiste.", "He always insists in it.");
    env.add_quote("call/c", "No es necesario.", "It is not necessary.");
    env.add_quote("call/d", "Está funcionando.", "It is working.");
    env.write("articles/call.md", "She said it “is working”.\n");
    env.git(&["add", "articles/call.md"]);
    env.git(&["commit", "-qm", "article"]);
    env
}

fn spawn_review(env: &TestEnv, editor: &str) -> PtySession {
    let mut cmd = env.command(EVA);
    cmd.env_remove("CI")
        .env("TERM", "xterm-256color")
        .env("EDITOR", editor)
        .env("VISUAL", editor)
        .arg("review");
    rexpect::session::spawn_command(cmd, Some(20_000)).expect("spawn verbatim review in a pty")
}

/// Waits for the decision menu and picks entry `n` (0 = first).
fn choose(p: &mut PtySession, n: usize) {
    if let Err(e) = p.exp_string("quit") {
        panic!("no decision menu: {e}");
    }
    std::thread::sleep(Duration::from_millis(200));
    for _ in 0..n {
        p.send(DOWN).unwrap();
    }
    p.send(ENTER).unwrap();
    p.flush().unwrap();
}

/// Types a line of text at a prompt.
fn type_line(p: &mut PtySession, text: &str) {
    std::thread::sleep(Duration::from_millis(200));
    p.send(text).unwrap();
    p.send(ENTER).unwrap();
    p.flush().unwrap();
}

const DOWN: &str = "j";
const ENTER: &str = "\r";

#[test]
fn review_through_a_terminal_approves_requests_edits_and_skips() {
    let env = four_quotes();
    let commits_before = env.commit_count();
    let mut p = spawn_review(&env, "sed -i s/not/never/");
    // a: approve (the default choice).
    p.exp_string("call/a").unwrap();
    choose(&mut p, 0);
    // b: request changes, with a comment.
    p.exp_string("He always insists in it.").unwrap();
    choose(&mut p, 1);
    p.exp_string("What should change?").unwrap();
    type_line(&mut p, "insists on, not in");
    // c: edit the translation with $EDITOR, keep the default note.
    p.exp_string("call/c").unwrap();
    choose(&mut p, 2);
    p.exp_string("revision note").unwrap();
    type_line(&mut p, "");
    // d: skip; the screen shows where the article quotes it.
    p.exp_string("call/d").unwrap();
    p.exp_string("She said it").unwrap();
    choose(&mut p, 3);
    p.exp_string("skipped").unwrap();
    p.exp_eof().unwrap();
    std::thread::sleep(Duration::from_millis(100));

    assert_eq!(env.state("call/a"), "approved");
    assert_eq!(env.state("call/b"), "changes-requested");
    assert_eq!(env.state("call/c"), "pending");
    assert_eq!(env.state("call/d"), "pending");
    let c = env
        .run(EVA, &["show", "call/c", "--format", "json"])
        .json_lines()[0]
        .clone();
    assert_eq!(c["translation"], "It is never necessary.");
    assert_eq!(
        c["record"]["revision"][1]["author"],
        "Eva Editora <eva@example.org>"
    );
    assert_eq!(c["record"]["revision"][1]["note"], "edited during review");
    let b = env
        .run(EVA, &["show", "call/b", "--format", "json"])
        .json_lines()[0]
        .clone();
    assert_eq!(b["record"]["review"][0]["comment"], "insists on, not in");
    // One commit for the whole session, by the editor, holding the three records.
    assert_eq!(env.commit_count(), commits_before + 1);
    let head = env.git(&["log", "-1", "--format=%an%n%s"]);
    assert_eq!(
        head,
        "Eva Editora\nverbatim: review (1 approved, 1 changes requested, 1 edited)\n"
    );
    let files = env.git(&["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(
        files.trim(),
        "translations/call/a.toml\ntranslations/call/b.toml\ntranslations/call/c.toml"
    );
    // The editor wrote revision 2 of c, so she cannot approve it.
    env.run(EVA, &["approve", "call/c"])
        .code(2)
        .stderr_has("cannot approve");
}

#[test]
fn quit_and_ctrl_c_keep_every_earlier_decision() {
    let env = four_quotes();
    let mut p = spawn_review(&env, "true");
    choose(&mut p, 0);
    p.exp_string("call/b").unwrap();
    p.exp_string("quit").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    p.send_control('c').unwrap();
    p.exp_eof().unwrap();
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(env.state("call/a"), "approved");
    assert_eq!(env.state("call/b"), "pending");
    assert_eq!(
        env.git(&["status", "--porcelain=v1"]),
        "",
        "the approval is committed, nothing left dangling"
    );

    let mut p = spawn_review(&env, "true");
    p.exp_string("call/b").unwrap();
    choose(&mut p, 0);
    p.exp_string("call/c").unwrap();
    choose(&mut p, 4);
    p.exp_string("skipped").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(env.state("call/b"), "approved");
    assert_eq!(env.state("call/c"), "pending");
}

#[test]
fn review_without_a_terminal_names_the_other_commands() {
    let env = four_quotes();
    let before = env.snapshot();
    env.run(EVA, &["review"])
        .code(2)
        .stderr_has("needs a terminal")
        .stderr_has("verbatim approve")
        .stderr_has("request-changes");
    assert_eq!(env.snapshot(), before);
}

#[test]
fn sign_off_rules() {
    let env = four_quotes();
    let before = env.snapshot();
    env.run(ANA, &["approve", "call/a"])
        .code(2)
        .stderr_has("never approves their own work");
    env.run(EVA, &["request-changes", "call/a", "--comment", ""])
        .code(2);
    assert_eq!(env.snapshot(), before, "refusals write nothing");

    // Reviewer list.
    env.write("verbatim.toml", "reviewers = [\"luis@example.org\"]\n");
    env.git(&["commit", "-qam", "policy"]);
    env.run(EVA, &["approve", "call/a"])
        .code(2)
        .stderr_has("not among the reviewers");
    env.run(LUIS, &["approve", "call/a"]).ok();
    assert_eq!(env.state("call/a"), "approved");

    // Two approvals from two different people.
    env.write("verbatim.toml", "required_approvals = 2\n");
    env.git(&["commit", "-qam", "policy"]);
    assert_eq!(env.state("call/a"), "pending");
    env.run(LUIS, &["approve", "call/a"]).ok().to_string();
    assert_eq!(
        env.state("call/a"),
        "pending",
        "the same person twice is one approval"
    );
    env.run(EVA, &["approve", "call/a"]).ok();
    assert_eq!(env.state("call/a"), "approved");
    let log = env.git(&["log", "-1", "--format=%an%n%B"]);
    assert!(
        log.starts_with("Eva Editora\nverbatim: approve call/a (revision 1)"),
        "{log}"
    );

    // A typographic-only revision (straight to curly quotes, spacing) keeps
    // the approval; a change of words makes it stale.
    env.write("verbatim.toml", "");
    env.git(&["commit", "-qam", "policy"]);
    env.add_quote("call/e", "Dijo \"no\".", "He said \"no\".");
    env.run(EVA, &["approve", "call/e"]).ok();
    env.run(
        ANA,
        &[
            "revise",
            "call/e",
            "--translation",
            "He  said \u{201c}no\u{201d}.",
            "--note",
            "typography",
        ],
    )
    .ok();
    assert_eq!(env.state("call/e"), "approved");
    env.run(
        ANA,
        &[
            "revise",
            "call/e",
            "--translation",
            "He said \u{201c}never\u{201d}.",
            "--note",
            "words",
        ],
    )
    .ok();
    assert_eq!(env.state("call/e"), "stale");
    // Request changes, revise, approve.
    env.run(
        EVA,
        &["request-changes", "call/e", "--comment", "it was 'no'"],
    )
    .ok();
    assert_eq!(env.state("call/e"), "changes-requested");
    env.run(
        ANA,
        &[
            "revise",
            "call/e",
            "--translation",
            "He said \u{201c}no\u{201d} again.",
            "--note",
            "fixed",
        ],
    )
    .ok();
    assert_eq!(env.state("call/e"), "stale");
    env.run(EVA, &["approve", "call/e"]).ok();
    assert_eq!(env.state("call/e"), "approved");
}

#[test]
fn review_offers_the_translation_memory() {
    let env = TestEnv::new();
    env.add_quote(
        "call/x",
        "No es necesario enviar tropas a México.",
        "It is not necessary to send troops to Mexico.",
    );
    env.run(EVA, &["approve", "call/x"]).ok();
    env.add_quote(
        "other/y",
        "No es necesario enviar tropas a México ahora.",
        "There is no need for troops.",
    );
    let mut p = spawn_review(&env, "true");
    p.exp_string("other/y").unwrap();
    p.exp_string("Translation memory").unwrap();
    p.exp_string("It is not necessary to send troops to Mexico.")
        .unwrap();
    p.exp_string("use the translation of call/x").unwrap();
    choose(&mut p, 3);
    p.exp_string("edited").unwrap();
    p.exp_eof().unwrap();
    let y = env
        .run(EVA, &["show", "other/y", "--format", "json"])
        .json_lines()[0]
        .clone();
    assert_eq!(
        y["translation"],
        "It is not necessary to send troops to Mexico."
    );
    assert_eq!(
        y["record"]["revision"][1]["note"],
        "reused the approved translation of call/x"
    );
    assert_eq!(
        y["record"]["revision"][1]["author"],
        "Eva Editora <eva@example.org>"
    );
}
