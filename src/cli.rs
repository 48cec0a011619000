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
        value_name = "WHEN",
        env = "VERBATIM_COLOR"
    )]
    pub color: ColorChoice,
    /// Print only errors and the data asked for.
    #[arg(long, short = 'q', global = true, env = "VERBATIM_QUIET", value_parser = clap::builder::BoolishValueParser::new())]
    pub quiet: bool,
    /// Never send output through a pager.
    #[arg(long, global = true)]
    pub no_pager: bool,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// verbatim's commands. Each command's help text is the doc comment of its
/// `XArgs` struct in `commands/`, so the variants carry none.
#[allow(missing_docs)]
#[derive(Debug, Subcommand)]
pub enum Command {
    Init(commands::init::InitArgs),
    Add(commands::add::AddArgs),
    Revise(commands::revise::ReviseArgs),
    Show(commands::show::ShowArgs),
    List(commands::list::ListArgs),
    Check(commands::check::CheckArgs),
    Review(commands::review::ReviewArgs),
    Approve(commands::approve::ApproveArgs),
    RequestChanges(commands::approve::RequestChangesArgs),
    Status(commands::status::StatusArgs),
    Publish(commands::publish::PublishArgs),
    Completions(commands::completions::CompletionsArgs),
    Man(commands::completions::ManArgs),
    Export(commands::export::ExportArgs),
    Import(commands::import::ImportArgs),
    Lint(commands::lint::LintArgs),
    Suggest(commands::suggest::SuggestArgs),
    Log(commands::log::LogArgs),
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
        Command::Completions(args) => return commands::completions::run_completions(ui, args),
        Command::Man(args) => return commands::completions::run_man(ui, args),
        _ => {}
    }
    match &cli.command {
        Command::Completions(_) | Command::Man(_) => Ok(0),
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
        Command::Export(args) => commands::export::run(ui, &dir, args),
        Command::Import(args) => commands::import::run(ui, &dir, args),
        Command::Lint(args) => commands::lint::run(ui, &dir, args),
        Command::Suggest(args) => commands::suggest::run(ui, &dir, args),
        Command::Log(args) => commands::log::run(ui, &dir, args),
        Command::Diff(args) => commands::diff::run(ui, &dir, args),
    }
}
