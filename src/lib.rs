//! verbatim: quote records for bilingual newsrooms, kept in git.
//!
//! The domain (records, states, matching, extraction, policy) lives in
//! modules that know nothing of the command line; `cli` and `commands` are
//! the edge. `docs/ARCHITECTURE.md` draws the picture.

pub mod article;
pub mod changes;
pub mod check;
pub mod cli;
pub mod commands;
pub mod error;
pub mod history;
pub mod history_index;
pub mod index_file;
pub mod interchange;
pub mod lint;
pub mod matching;
pub mod memory;
pub mod newsroom;
pub mod policy;
pub mod progress;
pub mod prompt;
pub mod provenance;
pub mod publication;
pub mod publishing;
pub mod quality;
pub mod quote;
pub mod render;
pub mod repo;
pub mod review;
pub mod signing;
pub mod store;
pub mod ui;

use std::ffi::OsString;

use clap::Parser;

/// Parses arguments, runs the command, prints errors, and returns the exit
/// status of SPEC.md: 0 success, 1 findings, 2 usage error or bad input.
pub fn main_with_args(args: impl IntoIterator<Item = OsString>) -> u8 {
    // When the shell asks for completions (VERBATIM_COMPLETE is set), answer
    // and exit; otherwise this returns at once.
    clap_complete::CompleteEnv::with_factory(<cli::Cli as clap::CommandFactory>::command)
        .var(commands::completions::COMPLETE_ENV)
        .complete();
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                error::EXIT_ERROR
            } else {
                error::EXIT_OK
            };
            let _ = e.print();
            return code;
        }
    };
    let mut ui = ui::Ui::stdio(cli.color, cli.quiet);
    ui.no_pager = cli.no_pager;
    let result = cli::run(&cli, &mut ui);
    let _ = ui.flush();
    match result {
        Ok(code) => code,
        Err(e) if e.kind == error::ErrorKind::BrokenPipe => e.exit_code(),
        Err(e) => {
            let color = ui.color && std::io::IsTerminal::is_terminal(&std::io::stderr());
            let label = if color {
                console::style("error:")
                    .red()
                    .bold()
                    .force_styling(true)
                    .to_string()
            } else {
                "error:".to_string()
            };
            eprintln!("{label} {}", render::sanitize(&e.message));
            if let Some(hint) = &e.hint {
                eprintln!("hint: {}", render::sanitize(hint));
            }
            e.exit_code()
        }
    }
}
