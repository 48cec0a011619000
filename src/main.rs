//! The `verbatim` binary: parse, run, exit.

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(verbatim::main_with_args(std::env::args_os()))
}
