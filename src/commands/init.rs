//! `verbatim init`: make a newsroom repository.

use std::path::Path;

use clap::Args;

use crate::error::CommandError;
use crate::policy::{DEFAULT_POLICY_TEXT, POLICY_FILE};
use crate::repo::{self, Repo, commit_message};
use crate::store::{ARTICLES_DIR, TRANSLATIONS_DIR, write_atomic};
use crate::ui::Ui;

/// Make a newsroom: articles/, translations/ and verbatim.toml.
///
/// Make articles/, translations/ and verbatim.toml in the current git
/// repository (running `git init` first when there is none). Running it
/// again changes nothing.
///
/// Examples:
///   verbatim init
///   verbatim -C newsroom init
///   verbatim init --ci github
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct InitArgs {
    /// Also write a ready CI job: a GitHub Actions workflow, or a GitLab CI
    /// job with a JUnit report.
    #[arg(long, value_enum, value_name = "SERVICE")]
    pub ci: Option<CiService>,
    /// Write the files but make no commit.
    #[arg(long)]
    pub no_commit: bool,
}

/// CI services `init --ci` writes a job for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CiService {
    /// `.github/workflows/verbatim.yml`.
    Github,
    /// `.gitlab-ci.yml`.
    Gitlab,
}

/// The GitHub Actions workflow `init --ci github` writes.
pub const GITHUB_WORKFLOW: &str = r#"# Written by `verbatim init --ci github`. Fails the build when an article
# quotes anything that is not an approved translation.
name: verbatim
on:
  push:
  pull_request:
jobs:
  quotes:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: dtolnay/rust-toolchain@stable
      - run: cargo install --locked verbatim
      - name: verbatim check (changed articles on pull requests)
        if: github.event_name == 'pull_request'
        run: verbatim check --format github --changed-since "origin/${{ github.base_ref }}"
      - name: verbatim check (every article on push)
        if: github.event_name != 'pull_request'
        run: verbatim check --format github
"#;

/// The GitLab CI job `init --ci gitlab` writes.
pub const GITLAB_JOB: &str = r#"# Written by `verbatim init --ci gitlab`. Fails the pipeline when an article
# quotes anything that is not an approved translation; the JUnit report shows
# one test case per quotation in the merge request.
verbatim:
  image: rust:latest
  script:
    - cargo install --locked verbatim
    - verbatim check --format junit > verbatim-junit.xml
  artifacts:
    when: always
    reports:
      junit: verbatim-junit.xml
"#;

/// Runs `init`.
pub fn run(ui: &mut Ui, dir: &Path, args: &InitArgs) -> Result<u8, CommandError> {
    let existing = git2::Repository::discover(dir).ok();
    let root = match &existing {
        Some(git) => match git.workdir() {
            Some(w) => w.to_path_buf(),
            None => {
                return Err(CommandError::usage(format!(
                    "{} is a bare git repository; run init in a work tree",
                    git.path().display()
                )));
            }
        },
        None => dir.to_path_buf(),
    };
    let mut wanted = vec![
        (format!("{ARTICLES_DIR}/.gitkeep"), ""),
        (format!("{TRANSLATIONS_DIR}/.gitkeep"), ""),
        (POLICY_FILE.to_string(), DEFAULT_POLICY_TEXT),
    ];
    match args.ci {
        Some(CiService::Github) => {
            wanted.push((".github/workflows/verbatim.yml".into(), GITHUB_WORKFLOW))
        }
        Some(CiService::Gitlab) => wanted.push((".gitlab-ci.yml".into(), GITLAB_JOB)),
        None => {}
    }
    let missing: Vec<&(String, &str)> = wanted
        .iter()
        .filter(|(rel, _)| {
            let p = root.join(rel);
            // A folder that already holds files needs no placeholder.
            if rel.ends_with(".gitkeep") {
                let folder = p.parent().map(|f| f.to_path_buf()).unwrap_or_default();
                !folder.is_dir()
                    || std::fs::read_dir(&folder)
                        .map(|mut d| d.next().is_none())
                        .unwrap_or(true)
            } else {
                !p.exists()
            }
        })
        .collect();
    if missing.is_empty() && existing.is_some() {
        ui.status(format!(
            "{} is already a verbatim newsroom; nothing to do",
            root.display()
        ));
        return Ok(0);
    }
    if root.join(POLICY_FILE).exists() {
        // Refuse to build on a broken policy rather than silently keep it.
        crate::policy::Policy::load(&root)?;
    }
    // Check everything that could fail before touching anything.
    let moment = repo::now()?;
    let author = if args.no_commit {
        None
    } else {
        let config = match &existing {
            Some(git) => git.config(),
            None => git2::Config::open_default(),
        }
        .map_err(|e| CommandError::internal(format!("cannot read git config: {e}")))?;
        Some(repo::identity_of(&config)?)
    };
    let git = match existing {
        Some(git) => git,
        None => {
            let git = git2::Repository::init(&root).map_err(|e| {
                CommandError::usage(format!(
                    "cannot create a git repository in {}: {e}",
                    root.display()
                ))
            })?;
            ui.status(format!(
                "Initialised an empty git repository in {}",
                root.display()
            ));
            git
        }
    };
    let repo = Repo::from_git(git)?;
    let mut written = Vec::new();
    for (rel, text) in &missing {
        write_atomic(&root.join(rel), text.as_bytes())?;
        written.push(rel.clone());
    }
    for rel in &written {
        ui.status(format!("created {rel}"));
    }
    if let Some(author) = author {
        let msg = commit_message("init", "init newsroom", None, &[]);
        let oid = repo.commit_paths(&written, &msg, &author, &moment)?;
        ui.status(format!("Committed {}", &oid.to_string()[..10]));
    }
    Ok(0)
}
