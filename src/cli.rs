//! The command line: global flags, the subcommands, and the one dispatch.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::commands;
use crate::error::CommandError;
use crate::ui::{ColorChoice, Ui};

/// Keep every translated quotation in a news story traceable, reviewed and
/// signed off, in git.
///
/// Translators record each quote pair (the original words and their
/// translation) under translations/, editors review and approve them, and
/// `verbatim check` fails CI when an article quotes anything that is not an
/// approved translation.
#[derive(Debug, Parser)]
#[command(name = "verbatim", version, about, long_about, max_term_width = 100)]
pub struct Cli {
    /// Run as if started in DIR.
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub directory: Option<PathBuf>,
    /// When to colour output (NO_COLOR is respected).
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "auto",
        value_name = "WHEN"
    )]
    pub color: ColorChoice,
    /// Print only errors and the data asked for.
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// verbatim's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Make articles/, translations/ and verbatim.toml (and the git repository if needed).
    Init(commands::init::InitArgs),
    /// Record a quote pair: the original words and their translation (revision 1).
    Add(commands::add::AddArgs),
    /// Make a new revision of a quote's translation or original.
    Revise(commands::revise::ReviseArgs),
    /// Show a quote's whole record and its state.
    Show(commands::show::ShowArgs),
    /// List quotes, one row each.
    List(commands::list::ListArgs),
    /// The CI gate: every quotation must be an approved translation.
    Check(commands::check::CheckArgs),
    /// Walk through every quote that needs review, interactively.
    Review(commands::review::ReviewArgs),
    /// Approve the current revision of a quote.
    Approve(commands::approve::ApproveArgs),
    /// Ask for changes to the current revision of a quote.
    RequestChanges(commands::approve::RequestChangesArgs),
    /// Where each article stands: quotes by state, untracked quotations, publication.
    Status(commands::status::StatusArgs),
    /// Publish an article: record its quotes, commit, tag published/SLUG/N.
    Publish(commands::publish::PublishArgs),
    /// A quote's revisions, reviews and publications, each with its git commit.
    Log(commands::log::LogArgs),
    /// Word-level diff between revisions of a quote, or of every quote between two commits.
    Diff(commands::diff::DiffArgs),
}

impl Cli {
    /// The directory to work in.
    pub fn dir(&self) -> PathBuf {
        self.directory.clone().unwrap_or_else(|| PathBuf::from("."))
    }
}

/// Runs the parsed command; returns the exit status for success paths
/// (0, or 1 when a check found problems).
pub fn run(cli: &Cli, ui: &mut Ui) -> Result<u8, CommandError> {
    let dir = cli.dir();
    if !dir.is_dir() {
        return Err(CommandError::usage(format!(
            "-C {}: no such directory",
            dir.display()
        )));
    }
    match &cli.command {
        Command::Init(args) => commands::init::run(ui, &dir, args),
        Command::Add(args) => commands::add::run(ui, &dir, args),
        Command::Revise(args) => commands::revise::run(ui, &dir, args),
        Command::Show(args) => commands::show::run(ui, &dir, args),
        Command::List(args) => commands::list::run(ui, &dir, args),
        Command::Check(args) => commands::check::run(ui, &dir, args),
        Command::Review(args) => commands::review::run(ui, &dir, args),
        Command::Approve(args) => commands::approve::run_approve(ui, &dir, args),
        Command::RequestChanges(args) => commands::approve::run_request_changes(ui, &dir, args),
        Command::Status(args) => commands::status::run(ui, &dir, args),
        Command::Publish(args) => commands::publish::run(ui, &dir, args),
        Command::Log(args) => commands::log::run(ui, &dir, args),
        Command::Diff(args) => commands::diff::run(ui, &dir, args),
    }
}
