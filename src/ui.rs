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
    /// The pager reading our output, once started.
    pager: Option<std::process::Child>,
    /// Whether stdout is a terminal (pager and progress only then).
    stdout_tty: bool,
    /// `--no-pager`.
    pub no_pager: bool,
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
            pager: None,
            stdout_tty,
            no_pager: false,
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
            pager: None,
            stdout_tty: false,
            no_pager: false,
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

    /// Sends the rest of stdout through a pager, like git: `$VERBATIM_PAGER`,
    /// else `$PAGER`, else `less -FRX`; only when stdout is a terminal and
    /// `--no-pager` was not given. An empty pager setting, or `cat`, means
    /// none. If the pager can't start, output goes to stdout as usual.
    pub fn start_pager(&mut self) {
        if !self.stdout_tty || self.no_pager || self.pager.is_some() {
            return;
        }
        let setting = std::env::var("VERBATIM_PAGER")
            .or_else(|_| std::env::var("PAGER"))
            .unwrap_or_else(|_| "less -FRX".to_string());
        let words: Vec<&str> = setting.split_whitespace().collect();
        let Some((program, args)) = words.split_first() else {
            return;
        };
        if *program == "cat" {
            return;
        }
        let child = std::process::Command::new(program)
            .args(args)
            .env(
                "LESS",
                std::env::var("LESS").unwrap_or_else(|_| "FRX".into()),
            )
            .stdin(std::process::Stdio::piped())
            .spawn();
        if let Ok(mut child) = child
            && let Some(stdin) = child.stdin.take()
        {
            self.out = Box::new(stdin);
            self.pager = Some(child);
        }
    }

    /// Flushes stdout and, with a pager, waits for the reader to quit it.
    pub fn flush(&mut self) -> std::io::Result<()> {
        let flushed = self.out.flush();
        if let Some(mut child) = self.pager.take() {
            // Closing our end lets the pager see the end of the text.
            self.out = Box::new(std::io::sink());
            let _ = child.wait();
        }
        match flushed {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other,
        }
    }
}
