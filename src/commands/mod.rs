//! One file per command. Each has an `XArgs` struct (its doc comments are the
//! help text) and `run(ui, dir, &XArgs) -> Result<u8, CommandError>`.

pub mod add;
pub mod approve;
pub mod check;
pub mod completions;
pub mod diff;
pub mod export;
pub mod import;
pub mod init;
pub mod lint;
pub mod list;
pub mod log;
pub mod publish;
pub mod review;
pub mod revise;
pub mod show;
pub mod status;
pub mod suggest;

use std::io::Read;

use crate::error::CommandError;

/// Reads a text given on the command line; `-` means standard input. A
/// final newline from stdin is dropped and CRLF line ends become LF.
pub fn text_arg(field: &str, value: &str, stdin_taken: &mut bool) -> Result<String, CommandError> {
    if value != "-" {
        return Ok(value.to_string());
    }
    if *stdin_taken {
        return Err(CommandError::usage(format!(
            "--{field} -: standard input is already read for another text; give at most one text as `-`"
        )));
    }
    *stdin_taken = true;
    let mut bytes = Vec::new();
    std::io::stdin().read_to_end(&mut bytes).map_err(|e| {
        CommandError::usage(format!("--{field} -: cannot read standard input: {e}"))
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        CommandError::usage(format!(
            "--{field} -: standard input is not valid UTF-8 text"
        ))
    })?;
    let text = text.replace("\r\n", "\n");
    let text = text.strip_suffix('\n').unwrap_or(&text).to_string();
    Ok(text)
}

/// Refuses empty texts and control characters other than newline and tab.
pub fn check_text(field: &str, text: &str) -> Result<(), CommandError> {
    if text.trim().is_empty() {
        return Err(CommandError::usage(format!(
            "--{field} is empty; give the text"
        )));
    }
    if let Some((i, c)) = text
        .char_indices()
        .find(|(_, c)| c.is_control() && *c != '\n' && *c != '\t')
    {
        let line = text[..i].matches('\n').count() + 1;
        return Err(CommandError::usage(format!(
            "--{field} contains the control character U+{:04X} on line {line} of the text; remove it",
            c as u32
        )));
    }
    Ok(())
}

/// Like [`check_text`] for a one-line field (speaker, source…): no newlines.
pub fn check_line(field: &str, text: &str) -> Result<(), CommandError> {
    check_text(field, text)?;
    if text.contains(['\n', '\t']) {
        return Err(CommandError::usage(format!("--{field} must be one line")));
    }
    Ok(())
}
