//! Where output goes and how it looks: stdout, colour, quiet, terminal.

use std::io::{IsTerminal, Write};

use console::Style;

/// `--color` choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and NO_COLOR is not set.
    Auto,
    /// Always colour (also when piped).
    Always,
    /// Never colour.
    Never,
}

/// Human or machine output of read commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    /// Tables and text for people.
    #[default]
    Human,
    /// JSON Lines: one object per line.
    Json,
}

/// The user interface of one run: output stream and settings.
pub struct Ui {
    out: Box<dyn Write>,
    /// Whether to colour output.
    pub color: bool,
    /// `--quiet`: only errors and requested data.
    pub quiet: bool,
    /// Whether a person is at a terminal (stdin and stdout are terminals and
    /// CI is not set), so prompting is allowed.
    pub interactive: bool,
    /// Terminal width for tables, when stdout is a terminal.
    pub width: Option<u16>,
}

impl Ui {
    /// The real terminal (or pipe).
    pub fn stdio(color: ColorChoice, quiet: bool) -> Ui {
        let stdout_tty = std::io::stdout().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let forced = std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0");
        let color = match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color && (stdout_tty || forced),
        };
        let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0");
        let interactive = stdout_tty && std::io::stdin().is_terminal() && !ci;
        let width = if stdout_tty {
            console::Term::stdout().size_checked().map(|(_, w)| w)
        } else {
            None
        };
        Ui {
            out: Box::new(std::io::stdout()),
            color,
            quiet,
            interactive,
            width,
        }
    }

    /// A UI writing into a buffer (for tests of renderers).
    pub fn buffer(out: Box<dyn Write>) -> Ui {
        Ui {
            out,
            color: false,
            quiet: false,
            interactive: false,
            width: None,
        }
    }

    /// The output stream.
    pub fn out(&mut self) -> &mut dyn Write {
        &mut self.out
    }

    /// Writes one line to stdout.
    pub fn line(&mut self, text: impl AsRef<str>) -> std::io::Result<()> {
        writeln!(self.out, "{}", text.as_ref())
    }

    /// Writes a status message (suppressed by `--quiet`) to stderr, so
    /// stdout stays clean for data.
    pub fn status(&mut self, text: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", text.as_ref());
        }
    }

    /// Writes a warning to stderr.
    pub fn warn(&mut self, text: impl AsRef<str>) {
        let prefix = self.paint(&Style::new().yellow().bold(), "warning:");
        eprintln!("{prefix} {}", text.as_ref());
    }

    /// Applies a style when colour is on.
    pub fn paint(&self, style: &Style, text: &str) -> String {
        if self.color {
            style.clone().force_styling(true).apply_to(text).to_string()
        } else {
            text.to_string()
        }
    }

    /// Styles a state name with its colour.
    pub fn state(&self, state: crate::quote::State) -> String {
        use crate::quote::State;
        let style = match state {
            State::Pending => Style::new().yellow(),
            State::ChangesRequested => Style::new().red(),
            State::Stale => Style::new().magenta(),
            State::Approved => Style::new().green(),
            State::Published => Style::new().green().bold(),
        };
        self.paint(&style, state.as_str())
    }

    /// Writes one JSON object as a line.
    pub fn json(&mut self, value: &impl serde::Serialize) -> std::io::Result<()> {
        serde_json::to_writer(&mut self.out, value)?;
        writeln!(self.out)
    }

    /// Flushes stdout.
    pub fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}
