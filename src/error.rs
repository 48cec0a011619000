//! The one error type that reaches the edge of the program.
//!
//! Domain modules return their own `thiserror` errors; commands turn them into
//! a [`CommandError`], whose [`ErrorKind`] decides the exit status of SPEC.md
//! and which may carry a hint telling the user what to do next.

use std::fmt;

/// Exit status: everything went well.
pub const EXIT_OK: u8 = 0;
/// Exit status: a check or gate found problems.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit status: usage error, bad input, or the command could not run.
pub const EXIT_ERROR: u8 = 2;

/// Why a command failed, which decides the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bad flags, bad input, a file at fault, a refused action: exit 2.
    Usage,
    /// A gate said no (publish refused): exit 1.
    Gate,
    /// Something outside the user's input failed (I/O, git): exit 2.
    Internal,
    /// The reader of our output went away (`verbatim log | head`): stop
    /// quietly, like git.
    BrokenPipe,
}

/// An error shown to the user as `error: …` with an optional `hint: …`.
#[derive(Debug)]
pub struct CommandError {
    /// What kind of failure this is.
    pub kind: ErrorKind,
    /// The message, naming the file and line at fault where there is one.
    pub message: String,
    /// What the user can do about it.
    pub hint: Option<String>,
}

impl CommandError {
    /// A usage or input error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        CommandError {
            kind: ErrorKind::Usage,
            message: message.into(),
            hint: None,
        }
    }

    /// A refused gate (exit 1).
    pub fn gate(message: impl Into<String>) -> Self {
        CommandError {
            kind: ErrorKind::Gate,
            message: message.into(),
            hint: None,
        }
    }

    /// An internal failure (exit 2).
    pub fn internal(message: impl Into<String>) -> Self {
        CommandError {
            kind: ErrorKind::Internal,
            message: message.into(),
            hint: None,
        }
    }

    /// Adds a hint shown after the message.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The process exit status for this error.
    pub fn exit_code(&self) -> u8 {
        match self.kind {
            ErrorKind::Gate => EXIT_FINDINGS,
            ErrorKind::Usage | ErrorKind::Internal => EXIT_ERROR,
            ErrorKind::BrokenPipe => EXIT_OK,
        }
    }
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CommandError {}

impl From<std::io::Error> for CommandError {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return CommandError {
                kind: ErrorKind::BrokenPipe,
                message: String::new(),
                hint: None,
            };
        }
        CommandError::internal(format!("I/O error: {e}"))
    }
}

impl From<crate::store::StoreError> for CommandError {
    fn from(e: crate::store::StoreError) -> Self {
        use crate::store::StoreError;
        let hint = match &e {
            StoreError::NotFound { .. } => {
                Some("`verbatim list` shows the quotes that exist".to_string())
            }
            StoreError::Exists { quote } => Some(format!(
                "use `verbatim revise {quote} --translation … --note …` to change it"
            )),
            StoreError::InvalidRecord(_) => {
                Some("fix the file by hand, or restore it with `git checkout -- FILE`".to_string())
            }
            _ => None,
        };
        let kind = match &e {
            StoreError::Io { .. } => ErrorKind::Internal,
            _ => ErrorKind::Usage,
        };
        CommandError {
            kind,
            message: e.to_string(),
            hint,
        }
    }
}

impl From<crate::repo::RepoError> for CommandError {
    fn from(e: crate::repo::RepoError) -> Self {
        use crate::repo::RepoError;
        let hint = match &e {
            RepoError::MissingIdentity { .. } => Some(
                "set it with `git config user.name \"Your Name\"` and `git config user.email you@example.org`"
                    .to_string(),
            ),
            RepoError::NotARepository { .. } => {
                Some("run `verbatim init` to make one here, or use -C DIR".to_string())
            }
            RepoError::Locked { .. } => Some(
                "another git or verbatim command may be running; if none is, remove the lock file yourself"
                    .to_string(),
            ),
            _ => None,
        };
        CommandError {
            kind: ErrorKind::Usage,
            message: e.to_string(),
            hint,
        }
    }
}

impl From<crate::policy::PolicyError> for CommandError {
    fn from(e: crate::policy::PolicyError) -> Self {
        CommandError::usage(e.to_string())
            .with_hint("fix verbatim.toml; docs/FORMAT.md describes every setting")
    }
}

impl From<crate::signing::SigningError> for CommandError {
    fn from(e: crate::signing::SigningError) -> Self {
        let hint = e.hint.clone();
        let err = CommandError::usage(e.message);
        match hint {
            Some(h) => err.with_hint(h),
            None => err,
        }
    }
}
