//! A sandboxed newsroom for tests: a temporary git repository, pinned
//! identities, clock and environment, and the real binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The pinned clock.
pub const NOW: &str = "2026-01-13T10:00:00Z";

/// One person of the newsroom, with their own HOME and git identity.
#[derive(Clone, Copy, Debug)]
pub struct Person {
    pub name: &'static str,
    pub email: &'static str,
}

/// The translator.
pub const ANA: Person = Person {
    name: "Ana Traductora",
    email: "ana@example.org",
};
/// The editor.
pub const EVA: Person = Person {
    name: "Eva Editora",
    email: "eva@example.org",
};
/// A second editor.
pub const LUIS: Person = Person {
    name: "Luis Editor",
    email: "luis@example.org",
};

/// The result of one run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Asserts success and returns stdout.
    #[track_caller]
    pub fn ok(&self) -> &str {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        &self.stdout
    }

    /// Asserts the exit code.
    #[track_caller]
    pub fn code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts stderr contains a text.
    #[track_caller]
    pub fn stderr_has(&self, text: &str) -> &Self {
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}:\n{}",
            self.stderr
        );
        self
    }

    /// Asserts stdout contains a text.
    #[track_caller]
    pub fn stdout_has(&self, text: &str) -> &Self {
        assert!(
            self.stdout.contains(text),
            "stdout lacks {text:?}:\n{}",
            self.stdout
        );
        self
    }

    /// stdout as JSON Lines.
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
            .collect()
    }
}

/// A temporary newsroom.
pub struct TestEnv {
    pub dir: tempfile::TempDir,
    pub now: String,
}

impl TestEnv {
    /// An empty temporary directory, not yet a repository.
    pub fn bare() -> TestEnv {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("repo")).unwrap();
        for p in [ANA, EVA, LUIS] {
            let home = dir.path().join("home").join(p.email);
            std::fs::create_dir_all(&home).unwrap();
            std::fs::write(
                home.join(".gitconfig"),
                format!(
                    "[user]\n\tname = {}\n\temail = {}\n[init]\n\tdefaultBranch = main\n",
                    p.name, p.email
                ),
            )
            .unwrap();
        }
        std::fs::create_dir_all(dir.path().join("home/nobody")).unwrap();
        TestEnv {
            dir,
            now: NOW.to_string(),
        }
    }

    /// A newsroom made by `verbatim init`, as Ana.
    pub fn new() -> TestEnv {
        let env = TestEnv::bare();
        env.run(ANA, &["init"]).ok();
        env
    }

    /// The repository's work tree.
    pub fn root(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    fn home(&self, who: Option<Person>) -> PathBuf {
        match who {
            Some(p) => self.dir.path().join("home").join(p.email),
            None => self.dir.path().join("home/nobody"),
        }
    }

    fn sandbox(&self, cmd: &mut Command, who: Option<Person>) {
        let home = self.home(who);
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", home.join(".gitconfig"))
            .env("LANG", "C.UTF-8")
            .env("TZ", "UTC")
            .env("CI", "true")
            .env("VERBATIM_NOW", &self.now)
            .current_dir(self.root());
    }

    /// Runs verbatim as `who`.
    pub fn run(&self, who: Person, args: &[&str]) -> Run {
        self.run_as(Some(who), args, None)
    }

    /// Runs verbatim as `who` with standard input.
    pub fn run_stdin(&self, who: Person, args: &[&str], stdin: &str) -> Run {
        self.run_as(Some(who), args, Some(stdin))
    }

    /// Runs verbatim as `who` (or with no identity), optionally with stdin.
    pub fn run_as(&self, who: Option<Person>, args: &[&str], stdin: Option<&str>) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_verbatim"));
        self.sandbox(&mut cmd, who);
        cmd.args(args);
        let out = match stdin {
            Some(input) => {
                use std::io::Write;
                cmd.stdin(std::process::Stdio::piped())
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped());
                let mut child = cmd.spawn().expect("spawn verbatim");
                child
                    .stdin
                    .take()
                    .unwrap()
                    .write_all(input.as_bytes())
                    .unwrap();
                child.wait_with_output().unwrap()
            }
            None => cmd
                .stdin(std::process::Stdio::null())
                .output()
                .expect("run verbatim"),
        };
        Run::from(out)
    }

    /// A command for the binary in the sandbox (for pseudo-terminal tests).
    pub fn command(&self, who: Person) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_verbatim"));
        self.sandbox(&mut cmd, Some(who));
        cmd
    }

    /// Runs git in the repository (as Ana) and returns stdout.
    #[track_caller]
    pub fn git(&self, args: &[&str]) -> String {
        let mut cmd = Command::new("git");
        self.sandbox(&mut cmd, Some(ANA));
        let out = cmd.args(args).output().expect("run git");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Writes a file under the root.
    pub fn write(&self, rel: &str, text: &str) {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// Reads a file under the root.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Whether a file exists under the root.
    pub fn exists(&self, rel: &str) -> bool {
        self.root().join(rel).exists()
    }

    /// A fingerprint of everything a command could change: every file's
    /// bytes (outside .git), git status, the index and the history.
    pub fn snapshot(&self) -> String {
        let mut files = Vec::new();
        collect(&self.root(), &self.root(), &mut files);
        files.sort();
        let mut s = String::new();
        for (rel, bytes) in files {
            s.push_str(&format!("{rel}: {:?}\n", String::from_utf8_lossy(&bytes)));
        }
        s.push_str(&self.git(&["status", "--porcelain=v1", "--untracked-files=all"]));
        s.push_str(&self.git(&["ls-files", "--stage"]));
        s.push_str(&self.git(&["log", "--all", "--format=%H %s"]).to_string());
        s
    }

    /// Like [`TestEnv::snapshot`], without `git status` (which refreshes
    /// and so needs the index lock).
    pub fn snapshot_without_git_status(&self) -> String {
        let mut files = Vec::new();
        collect(&self.root(), &self.root(), &mut files);
        files.sort();
        let mut s = String::new();
        for (rel, bytes) in files {
            s.push_str(&format!("{rel}: {:?}\n", String::from_utf8_lossy(&bytes)));
        }
        s.push_str(&self.git(&["log", "--all", "--format=%H %s"]));
        s
    }

    /// Adds a quote as Ana with the usual fields.
    pub fn add_quote(&self, quote: &str, original: &str, translation: &str) {
        self.run(
            ANA,
            &[
                "add",
                quote,
                "--speaker",
                "Claudia Sheinbaum",
                "--original",
                original,
                "--translation",
                translation,
                "--source",
                "Mañanera, Palacio Nacional",
                "--said-on",
                "2026-01-13",
            ],
        )
        .ok();
    }

    /// `verbatim show QUOTE --format json`, as Eva: the record and its state.
    #[track_caller]
    pub fn show(&self, quote: &str) -> serde_json::Value {
        let run = self.run(EVA, &["show", quote, "--format", "json"]);
        run.ok();
        run.json_lines().remove(0)
    }

    /// The derived state of a quote, as `show` reports it.
    #[track_caller]
    pub fn state(&self, quote: &str) -> String {
        self.show(quote)["state"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Number of commits on HEAD.
    pub fn commit_count(&self) -> usize {
        self.git(&["rev-list", "--count", "HEAD"])
            .trim()
            .parse()
            .unwrap()
    }
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.file_name().is_some_and(|n| n == ".git") {
            continue;
        }
        if path.is_dir() {
            collect(root, &path, out);
        } else {
            let rel = path.strip_prefix(root).unwrap().display().to_string();
            out.push((rel, std::fs::read(&path).unwrap()));
        }
    }
}
