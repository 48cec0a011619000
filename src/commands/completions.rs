//! `verbatim completions` and `verbatim man`: fitting into the shell.

use std::ffi::OsStr;
use std::path::PathBuf;

use clap::{Args, CommandFactory};
use clap_complete::engine::CompletionCandidate;

use crate::cli::Cli;
use crate::error::CommandError;
use crate::store::Store;
use crate::ui::Ui;

/// Environment variable through which the shell asks verbatim for
/// completions (dynamic completion).
pub const COMPLETE_ENV: &str = "VERBATIM_COMPLETE";

/// Shells verbatim completes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    /// Bash.
    Bash,
    /// Zsh.
    Zsh,
    /// Fish.
    Fish,
    /// PowerShell.
    Powershell,
    /// Elvish.
    Elvish,
}

/// Print a shell completion script.
///
/// Print a shell completion script. By default the script asks verbatim
/// itself for completions, so quote references (SLUG/ID) and article slugs
/// complete from the repository you are in; `--static` prints a script that
/// completes commands and flags only.
///
/// Examples:
///   verbatim completions bash > ~/.local/share/bash-completion/completions/verbatim
///   verbatim completions zsh > "${fpath[1]}/_verbatim"
///   verbatim completions fish > ~/.config/fish/completions/verbatim.fish
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: Shell,
    /// Complete commands and flags only, without asking verbatim.
    #[arg(long = "static")]
    pub static_only: bool,
}

/// Write one man page per command (verbatim.1, verbatim-check.1, …).
///
/// Examples:
///   verbatim man --out /usr/local/share/man/man1
///   verbatim man --out target/man && man -l target/man/verbatim-check.1
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ManArgs {
    /// The directory to write the pages to (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// Runs `completions`.
pub fn run_completions(ui: &mut Ui, args: &CompletionsArgs) -> Result<u8, CommandError> {
    let name = match args.shell {
        Shell::Bash => "bash",
        Shell::Zsh => "zsh",
        Shell::Fish => "fish",
        Shell::Powershell => "powershell",
        Shell::Elvish => "elvish",
    };
    if args.static_only {
        let shell = match args.shell {
            Shell::Bash => clap_complete::Shell::Bash,
            Shell::Zsh => clap_complete::Shell::Zsh,
            Shell::Fish => clap_complete::Shell::Fish,
            Shell::Powershell => clap_complete::Shell::PowerShell,
            Shell::Elvish => clap_complete::Shell::Elvish,
        };
        clap_complete::generate(shell, &mut Cli::command(), "verbatim", ui.out());
        return Ok(0);
    }
    let shells = clap_complete::env::Shells::builtins();
    let completer = shells
        .completer(name)
        .ok_or_else(|| CommandError::internal(format!("no completion support for {name}")))?;
    completer.write_registration(COMPLETE_ENV, "verbatim", "verbatim", "verbatim", ui.out())?;
    Ok(0)
}

/// Runs `man`.
pub fn run_man(ui: &mut Ui, args: &ManArgs) -> Result<u8, CommandError> {
    let root = Cli::command();
    std::fs::create_dir_all(&args.out)
        .map_err(|e| CommandError::usage(format!("{}: cannot create: {e}", args.out.display())))?;
    let mut written = 0;
    let mut pages: Vec<(String, clap::Command)> = vec![("verbatim".into(), root.clone())];
    for sub in root.get_subcommands() {
        let name = format!("verbatim-{}", sub.get_name());
        pages.push((name.clone(), sub.clone().name(name.clone()).bin_name(name)));
    }
    for (name, cmd) in pages {
        let mut bytes = Vec::new();
        clap_mangen::Man::new(cmd).render(&mut bytes)?;
        let path = args.out.join(format!("{name}.1"));
        crate::store::write_atomic(&path, &bytes)
            .map_err(|e| CommandError::usage(format!("{}: cannot write: {e}", path.display())))?;
        written += 1;
    }
    ui.status(format!(
        "Wrote {written} man pages to {}",
        args.out.display()
    ));
    Ok(0)
}

fn current_store() -> Option<Store> {
    let dir = std::env::current_dir().ok()?;
    let git = git2::Repository::discover(&dir).ok()?;
    Some(Store::new(git.workdir()?.to_path_buf()))
}

/// Completes `SLUG/ID` from the repository in the current directory.
pub fn complete_quote(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(store) = current_store() else {
        return Vec::new();
    };
    let prefix = current.to_string_lossy();
    let mut out = Vec::new();
    for slug in store.slugs().unwrap_or_default() {
        if !slug.starts_with(prefix.split('/').next().unwrap_or("")) {
            continue;
        }
        for id in store.record_ids(&slug).unwrap_or_default() {
            let r = format!("{slug}/{id}");
            if r.starts_with(prefix.as_ref()) {
                out.push(CompletionCandidate::new(r));
            }
        }
    }
    out
}

/// Completes article slugs from the repository in the current directory.
pub fn complete_slug(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(store) = current_store() else {
        return Vec::new();
    };
    let prefix = current.to_string_lossy();
    store
        .slugs()
        .unwrap_or_default()
        .into_iter()
        .filter(|s| s.starts_with(prefix.as_ref()))
        .map(CompletionCandidate::new)
        .collect()
}
