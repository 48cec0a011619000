//! Asking a person for input, behind a trait so that the command logic does
//! not depend on a terminal.

use crate::error::CommandError;

/// Asks for missing values.
pub trait Prompter {
    /// Asks for a one-line value; `None` when the user gives nothing and the
    /// value is optional.
    fn ask(&mut self, label: &str, required: bool) -> Result<Option<String>, CommandError>;
}

/// Prompts on the terminal with dialoguer.
pub struct TerminalPrompter;

impl Prompter for TerminalPrompter {
    fn ask(&mut self, label: &str, required: bool) -> Result<Option<String>, CommandError> {
        let value: String = dialoguer::Input::new()
            .with_prompt(label)
            .allow_empty(!required)
            .interact_text()
            .map_err(|e| CommandError::usage(format!("prompt for {label} failed: {e}")))?;
        Ok(if value.trim().is_empty() {
            None
        } else {
            Some(value)
        })
    }
}
