//! Signed sign-off: reviews signed with SSH keys (key files and ssh-agent),
//! verified by `check` against an allowed-signers file, interoperable with
//! `ssh-keygen -Y verify`, and forgeries refused.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::common::{ANA, EVA, LUIS, Person, Run, TestEnv};

const SIGNERS: &str = ".verbatim/allowed_signers";

/// A key pair made by `ssh-keygen` in the test's temporary directory.
struct Key {
    private: PathBuf,
    public: PathBuf,
    line: String,
}

fn keygen(env: &TestEnv, name: &str, kind: &str) -> Key {
    let dir = env.dir.path().join("keys");
    std::fs::create_dir_all(&dir).unwrap();
    let private = dir.join(name);
    let mut cmd = Command::new("ssh-keygen");
    cmd.args(["-q", "-t", kind, "-N", "", "-C", name, "-f"])
        .arg(&private);
    if kind == "rsa" {
        cmd.args(["-b", "2048"]);
    }
    let out = cmd.output().expect("ssh-keygen runs");
    assert!(out.status.success(), "{out:?}");
    let public = dir.join(format!("{name}.pub"));
    let line = std::fs::read_to_string(&public).unwrap().trim().to_string();
    Key {
        private,
        public,
        line,
    }
}

/// Sets `user.signingkey` in the person's own git config.
fn set_signing_key(env: &TestEnv, who: Person, value: &Path) {
    let config = env
        .dir
        .path()
        .join("home")
        .join(who.email)
        .join(".gitconfig");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(&format!(
        "[user]\n\tsigningkey = {}\n[gpg]\n\tformat = ssh\n",
        value.display()
    ));
    std::fs::write(&config, text).unwrap();
}

/// An allowed-signers line: `email key-type key comment`.
fn allow(email: &str, key: &Key) -> String {
    format!("{email} {}\n", key.line)
}

/// A newsroom requiring signed reviews, whose allowed signers are `lines`;
/// quotes `call/a` and `call/b` added by Ana and quoted in the article.
fn newsroom(lines: &str) -> TestEnv {
    let env = TestEnv::new();
    let policy = env.read("verbatim.toml").replacen(
        "require_signed_reviews = false\n",
        &format!("require_signed_reviews = true\nallowed_signers = \"{SIGNERS}\"\n"),
        1,
    );
    assert!(policy.contains("allowed_signers = \""), "{policy}");
    env.write("verbatim.toml", &policy);
    env.write(SIGNERS, &format!("# newsroom keys\n{lines}"));
    env.add_quote("call/a", "Es cordial.", "It is cordial.");
    env.add_quote("call/b", "No es necesario.", "It is not necessary.");
    env.write(
        "articles/call.md",
        "Translated from Spanish. She said it “is cordial” and “it is not necessary”.\n",
    );
    env.git(&["add", "-A"]);
    env.git(&["commit", "-qm", "policy, keys, article"]);
    env
}

fn check(env: &TestEnv, extra: &[&str]) -> Run {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    env.run(EVA, &args)
}

fn codes(run: &Run) -> Vec<String> {
    run.json_lines()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

/// The reviews of a record, as TOML tables.
fn reviews(env: &TestEnv, quote: &str) -> Vec<toml::Table> {
    let text = env.read(&format!("translations/{quote}.toml"));
    let table: toml::Table = toml::from_str(&text).unwrap();
    table["review"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_table().unwrap().clone())
        .collect()
}

/// The canonical message of docs/FORMAT.md, built independently here.
fn message(quote: &str, review: &toml::Table) -> String {
    let s = |k: &str| review[k].as_str().unwrap().to_string();
    let comment = match review.get("comment") {
        Some(c) => {
            use sha2::Digest;
            let h = sha2::Sha256::digest(c.as_str().unwrap().as_bytes());
            format!(
                "sha256:{}",
                h.iter().map(|b| format!("{b:02x}")).collect::<String>()
            )
        }
        None => "none".into(),
    };
    format!(
        "verbatim-review-signature-v1\nquote {quote}\nrevision {}\ndigest {}\nverdict {}\nreviewer {}\nat {}\ncomment {comment}\n",
        review["revision"].as_integer().unwrap(),
        s("digest"),
        s("verdict"),
        s("reviewer"),
        s("at"),
    )
}

/// `ssh-keygen -Y verify` of a review signature against the allowed-signers file.
fn openssh_verifies(env: &TestEnv, email: &str, signature: &str, message: &str) -> bool {
    let sig = env.dir.path().join("review.sig");
    std::fs::write(&sig, format!("{signature}\n")).unwrap();
    let mut child = Command::new("ssh-keygen")
        .args(["-Y", "verify", "-n", "verbatim", "-f"])
        .arg(env.root().join(SIGNERS))
        .args(["-I", email, "-s"])
        .arg(&sig)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("ssh-keygen runs");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(message.as_bytes())
        .unwrap();
    child.wait().unwrap().success()
}

/// Line of the `n`th (0-based) `[[review]]` table of a record.
fn review_line(env: &TestEnv, quote: &str, n: usize) -> u64 {
    env.read(&format!("translations/{quote}.toml"))
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == "[[review]]")
        .nth(n)
        .map(|(i, _)| i as u64 + 1)
        .unwrap()
}

#[test]
fn ed25519_key_file_signs_and_check_verifies_like_openssh() {
    let env = newsroom("");
    let eva = keygen(&env, "eva", "ed25519");
    env.write(SIGNERS, &allow(EVA.email, &eva));
    env.git(&["commit", "-qam", "eva's key"]);
    set_signing_key(&env, EVA, &eva.private);

    env.run(
        EVA,
        &["approve", "call/a", "--comment", "checked “the video”"],
    )
    .ok();
    env.run(EVA, &["approve", "call/b"]).ok();
    let record = env.read("translations/call/a.toml");
    assert!(
        record.contains("signature = \"\"\"\n-----BEGIN SSH SIGNATURE-----"),
        "{record}"
    );
    check(&env, &[]).code(0);
    assert_eq!(env.state("call/a"), "approved");

    // OpenSSH verifies the stored signature over the documented message.
    let review = &reviews(&env, "call/a")[0];
    let signature = review["signature"].as_str().unwrap();
    let msg = message("call/a", review);
    assert!(openssh_verifies(&env, EVA.email, signature, &msg));
    // ...and refuses it for a tampered message or another identity.
    let tampered = msg.replace("verdict approved", "verdict changes-requested");
    assert!(!openssh_verifies(&env, EVA.email, signature, &tampered));
    assert!(!openssh_verifies(&env, LUIS.email, signature, &msg));

    // Serialisation stays deterministic: reading and rewriting keeps bytes.
    let again = env.read("translations/call/a.toml");
    assert_eq!(record, again);

    // `log` says which key signed each review.
    let fingerprint = std::process::Command::new("ssh-keygen")
        .args(["-l", "-E", "sha256", "-f"])
        .arg(&eva.private)
        .output()
        .unwrap();
    let fingerprint = String::from_utf8_lossy(&fingerprint.stdout)
        .split_whitespace()
        .nth(1)
        .unwrap()
        .to_string();
    let log = env.run(EVA, &["log", "call/a"]);
    log.ok();
    log.stdout_has(&format!("[signed with ssh-ed25519 {fingerprint}]"));
    let events = env
        .run(EVA, &["log", "call/a", "--format", "json"])
        .json_lines();
    let review = events.iter().find(|e| e["kind"] == "review").unwrap();
    assert_eq!(
        review["signature"],
        format!("signed with ssh-ed25519 {fingerprint}")
    );
    assert!(events.iter().find(|e| e["kind"] == "revision").unwrap()["signature"].is_null());
}

/// ssh-agent started for one test, killed when dropped.
struct Agent {
    child: Child,
    socket: PathBuf,
}

impl Agent {
    fn start(env: &TestEnv) -> Agent {
        let socket = env.dir.path().join("agent.sock");
        let child = Command::new("ssh-agent")
            .arg("-D")
            .arg("-a")
            .arg(&socket)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("ssh-agent runs");
        for _ in 0..100 {
            if socket.exists() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Agent { child, socket }
    }

    fn add(&self, key: &Key) {
        let out = Command::new("ssh-add")
            .arg(&key.private)
            .env("SSH_AUTH_SOCK", &self.socket)
            .output()
            .expect("ssh-add runs");
        assert!(out.status.success(), "{out:?}");
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn rsa_key_in_ssh_agent_signs() {
    let env = newsroom("");
    let eva = keygen(&env, "eva-rsa", "rsa");
    env.write(SIGNERS, &allow(EVA.email, &eva));
    env.git(&["commit", "-qam", "eva's key"]);
    // The public key file: the private half is only in the agent.
    set_signing_key(&env, EVA, &eva.public);
    let agent = Agent::start(&env);

    // Without the agent: a clear refusal, nothing written.
    let before = env.snapshot();
    env.run(EVA, &["approve", "call/a"])
        .code(2)
        .stderr_has("SSH_AUTH_SOCK");
    assert_eq!(before, env.snapshot());

    agent.add(&eva);
    let out = env
        .command(EVA)
        .env("SSH_AUTH_SOCK", &agent.socket)
        .args(["approve", "call/a"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    env.run(EVA, &["approve", "call/b", "--no-commit"])
        .code(2)
        .stderr_has("ssh-agent");
    let review = &reviews(&env, "call/a")[0];
    assert!(openssh_verifies(
        &env,
        EVA.email,
        review["signature"].as_str().unwrap(),
        &message("call/a", review)
    ));
    let run = check(&env, &[]);
    assert_eq!(codes(&run), ["unapproved"], "only call/b is unapproved");
}

#[test]
fn literal_public_key_config_uses_the_agent() {
    let env = newsroom("");
    let eva = keygen(&env, "eva", "ed25519");
    env.write(SIGNERS, &allow(EVA.email, &eva));
    env.git(&["commit", "-qam", "eva's key"]);
    set_signing_key(&env, EVA, Path::new(&format!("key::{}", eva.line)));
    let agent = Agent::start(&env);
    agent.add(&eva);
    for q in ["call/a", "call/b"] {
        let out = env
            .command(EVA)
            .env("SSH_AUTH_SOCK", &agent.socket)
            .args(["approve", q])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
    }
    check(&env, &[]).code(0);
}

#[test]
fn signing_required_without_a_key_refuses_and_unsigned_reviews_fail() {
    let env = newsroom("");
    let before = env.snapshot();
    env.run(EVA, &["approve", "call/a"])
        .code(2)
        .stderr_has("user.signingkey");
    assert_eq!(before, env.snapshot(), "a refused approval changes nothing");

    // An approval typed by hand, without a signature, does not count.
    let digest = env
        .run(EVA, &["show", "call/a", "--format", "json"])
        .json_lines()[0]["digest"]
        .as_str()
        .unwrap()
        .to_string();
    let record = env.read("translations/call/a.toml");
    let typed = format!(
        "{record}\n# typed by hand\n\n[[review]]\nverdict = \"approved\"\nreviewer = \"Eva Editora <eva@example.org>\"\nat = \"2026-01-13T10:00:00Z\"\nrevision = 1\ndigest = \"{digest}\"\n"
    );
    env.write("translations/call/a.toml", &typed);
    let run = check(&env, &["call"]);
    run.code(1);
    let findings = run.json_lines();
    let unsigned = findings
        .iter()
        .find(|f| f["code"] == "unsigned-review")
        .expect("unsigned-review finding");
    assert_eq!(unsigned["file"], "translations/call/a.toml");
    assert_eq!(unsigned["line"], review_line(&env, "call/a", 0));
    assert!(codes(&run).contains(&"unapproved".to_string()));
}

/// Eva (allowed) approves call/a; returns the env and Eva's key.
fn approved_by_eva() -> (TestEnv, Key) {
    let env = newsroom("");
    let eva = keygen(&env, "eva", "ed25519");
    env.write(SIGNERS, &allow(EVA.email, &eva));
    env.git(&["commit", "-qam", "eva's key"]);
    set_signing_key(&env, EVA, &eva.private);
    env.run(EVA, &["approve", "call/a"]).ok();
    (env, eva)
}

#[test]
fn edited_digest_is_a_bad_signature() {
    let (env, _) = approved_by_eva();
    // Ana revises; then someone moves Eva's old approval onto the new text.
    env.run(
        ANA,
        &[
            "revise",
            "call/a",
            "--translation",
            "It is very cordial.",
            "--note",
            "x",
        ],
    )
    .ok();
    let new_digest = env
        .run(EVA, &["show", "call/a", "--format", "json"])
        .json_lines()[0]["digest"]
        .as_str()
        .unwrap()
        .to_string();
    let old_digest = reviews(&env, "call/a")[0]["digest"]
        .as_str()
        .unwrap()
        .to_string();
    let text = env
        .read("translations/call/a.toml")
        .replace(&old_digest, &new_digest)
        .replace("revision = 1\ndigest", "revision = 2\ndigest");
    env.write("translations/call/a.toml", &text);
    let run = check(&env, &["call"]);
    run.code(1);
    assert!(
        codes(&run).contains(&"bad-signature".to_string()),
        "{run:?}"
    );
    assert_ne!(env.state("call/a"), "approved");
}

#[test]
fn edited_verdict_is_a_bad_signature() {
    let env = newsroom("");
    let eva = keygen(&env, "eva", "ed25519");
    env.write(SIGNERS, &allow(EVA.email, &eva));
    env.git(&["commit", "-qam", "eva's key"]);
    set_signing_key(&env, EVA, &eva.private);
    env.run(
        EVA,
        &[
            "request-changes",
            "call/a",
            "--comment",
            "'very', not 'quite'",
        ],
    )
    .ok();
    assert_eq!(env.state("call/a"), "changes-requested");
    let text = env
        .read("translations/call/a.toml")
        .replace("verdict = \"changes-requested\"", "verdict = \"approved\"");
    env.write("translations/call/a.toml", &text);
    let run = check(&env, &["call"]);
    run.code(1);
    let bad = run
        .json_lines()
        .into_iter()
        .find(|f| f["code"] == "bad-signature")
        .expect("bad-signature");
    assert_eq!(bad["line"], review_line(&env, "call/a", 0));
    assert_eq!(env.state("call/a"), "pending");
}

#[test]
fn signature_copied_from_another_quote_fails() {
    let (env, _) = approved_by_eva();
    let review_a = env.read("translations/call/a.toml");
    let block = &review_a[review_a.find("[[review]]").unwrap()..];
    let digest_a = reviews(&env, "call/a")[0]["digest"]
        .as_str()
        .unwrap()
        .to_string();
    let digest_b = env
        .run(EVA, &["show", "call/b", "--format", "json"])
        .json_lines()[0]["digest"]
        .as_str()
        .unwrap()
        .to_string();
    let copied = format!(
        "{}\n{}",
        env.read("translations/call/b.toml"),
        block.replace(&digest_a, &digest_b)
    );
    env.write("translations/call/b.toml", &copied);
    let run = check(&env, &["call"]);
    run.code(1);
    let findings = run.json_lines();
    assert!(
        findings
            .iter()
            .any(|f| f["code"] == "bad-signature" && f["quote"] == "call/b"),
        "{run:?}"
    );
    assert_eq!(env.state("call/b"), "pending");
    assert_eq!(env.state("call/a"), "approved");
}

#[test]
fn key_not_listed_or_listed_for_another_email_is_unknown() {
    let env = newsroom("");
    let eva = keygen(&env, "eva", "ed25519");
    let luis = keygen(&env, "luis", "ed25519");
    // Eva's key is listed, but for Luis; Luis's key is listed for nobody.
    env.write(SIGNERS, &allow(LUIS.email, &eva));
    env.git(&["commit", "-qam", "keys"]);
    set_signing_key(&env, EVA, &eva.private);
    set_signing_key(&env, LUIS, &luis.private);
    env.run(EVA, &["approve", "call/a"]).ok();
    env.run(LUIS, &["approve", "call/b"]).ok();
    let run = check(&env, &["call"]);
    run.code(1);
    let unknown: Vec<_> = run
        .json_lines()
        .into_iter()
        .filter(|f| f["code"] == "unknown-signer")
        .map(|f| f["quote"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(unknown, ["call/a", "call/b"]);
    assert_eq!(env.state("call/a"), "pending");

    // A namespace restriction that leaves out `verbatim` does not allow it.
    env.write(
        SIGNERS,
        &format!("{} namespaces=\"git\" {}\n", EVA.email, eva.line),
    );
    let run = check(&env, &["call"]);
    assert!(codes(&run).contains(&"unknown-signer".to_string()));
    env.write(
        SIGNERS,
        &format!("{} namespaces=\"git,verbatim\" {}\n", EVA.email, eva.line),
    );
    assert_eq!(env.state("call/a"), "approved");
}

#[test]
fn approval_signed_with_the_authors_key_is_a_self_approval() {
    let env = newsroom("");
    let ana = keygen(&env, "ana", "ed25519");
    // One key listed for both the translator and the editor.
    env.write(
        SIGNERS,
        &format!("{},{} {}\n", ANA.email, EVA.email, ana.line),
    );
    env.git(&["commit", "-qam", "shared key"]);
    set_signing_key(&env, EVA, &ana.private);
    env.run(EVA, &["approve", "call/a"]).ok();
    let run = check(&env, &["call"]);
    run.code(1);
    assert!(
        codes(&run).contains(&"self-approval".to_string()),
        "{run:?}"
    );
    assert_eq!(env.state("call/a"), "pending");
}

#[test]
fn trust_reads_the_allowed_signers_of_another_revision() {
    let env = newsroom("");
    let eva = keygen(&env, "eva", "ed25519");
    let luis = keygen(&env, "luis", "ed25519");
    env.write(SIGNERS, &allow(EVA.email, &eva));
    env.git(&["commit", "-qam", "eva's key"]);
    let trusted = env.git(&["rev-parse", "HEAD"]).trim().to_string();
    set_signing_key(&env, EVA, &eva.private);
    set_signing_key(&env, LUIS, &luis.private);
    env.run(EVA, &["approve", "call/a"]).ok();

    // The change adds Luis's key and approves with it.
    env.write(
        SIGNERS,
        &format!("{}{}", allow(EVA.email, &eva), allow(LUIS.email, &luis)),
    );
    env.git(&["commit", "-qam", "add my own key"]);
    env.run(LUIS, &["approve", "call/b"]).ok();
    check(&env, &[]).code(0);
    let run = check(&env, &["--trust", &trusted]);
    run.code(1);
    let findings = run.json_lines();
    assert_eq!(
        findings
            .iter()
            .filter(|f| f["code"] == "unknown-signer")
            .map(|f| f["quote"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["call/b"]
    );
    assert!(codes(&run).contains(&"unapproved".to_string()));

    // A change can't switch the requirement off either.
    let policy = env.read("verbatim.toml").replace(
        "require_signed_reviews = true\n",
        "require_signed_reviews = false\n",
    );
    env.write("verbatim.toml", &policy);
    check(&env, &["--trust", &trusted]).code(1);
    check(&env, &["--trust", "no-such-rev"]).code(2);
}

#[test]
fn sign_flag_signs_without_the_policy() {
    let env = TestEnv::new();
    env.add_quote("call/a", "Es cordial.", "It is cordial.");
    let eva = keygen(&env, "eva", "ed25519");
    set_signing_key(&env, EVA, &eva.private);
    env.run(EVA, &["approve", "call/a", "--sign"]).ok();
    assert!(
        env.read("translations/call/a.toml")
            .contains("BEGIN SSH SIGNATURE")
    );
    env.run(EVA, &["request-changes", "call/a", "--comment", "hm"])
        .ok();
    let r = reviews(&env, "call/a");
    assert!(r[1].get("signature").is_none());
}

#[test]
fn review_session_signs_each_verdict() {
    let env = newsroom("");
    let eva = keygen(&env, "eva", "ed25519");
    env.write(SIGNERS, &allow(EVA.email, &eva));
    env.git(&["commit", "-qam", "eva's key"]);
    set_signing_key(&env, EVA, &eva.private);
    let mut cmd = env.command(EVA);
    cmd.env_remove("CI")
        .env("TERM", "xterm-256color")
        .arg("review");
    let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).expect("spawn review");
    let pick = |p: &mut rexpect::session::PtySession, downs: usize| {
        p.exp_string("quit").expect("decision menu");
        std::thread::sleep(std::time::Duration::from_millis(200));
        for _ in 0..downs {
            p.send("j").unwrap();
        }
        p.send("\r").unwrap();
        p.flush().unwrap();
    };
    // a: approve; b: request changes with a comment.
    p.exp_string("call/a").unwrap();
    pick(&mut p, 0);
    p.exp_string("call/b").unwrap();
    pick(&mut p, 1);
    p.exp_string("What should change?").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    p.send("say 'needed'\r").unwrap();
    p.flush().unwrap();
    p.exp_eof().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(100));

    for q in ["call/a", "call/b"] {
        let review = &reviews(&env, q)[0];
        assert!(openssh_verifies(
            &env,
            EVA.email,
            review["signature"].as_str().expect("signed"),
            &message(q, review)
        ));
    }
    assert_eq!(env.state("call/a"), "approved");
    assert_eq!(env.state("call/b"), "changes-requested");
    let run = check(&env, &["call"]);
    assert_eq!(codes(&run), ["unapproved"], "{run:?}");
}
