//! The whole `--help` reference, snapshotted, and clap's own consistency check.

use clap::CommandFactory;

use crate::common::{ANA, TestEnv};

#[test]
fn clap_definitions_are_consistent() {
    verbatim::cli::Cli::command().debug_assert();
}

#[test]
fn help_reference() {
    let env = TestEnv::new();
    let mut all = env.run(ANA, &["--help"]).ok().to_string();
    let root = verbatim::cli::Cli::command();
    for sub in root.get_subcommands() {
        let name = sub.get_name();
        let help = env.run(ANA, &[name, "--help"]);
        let text = help.ok();
        assert!(text.contains("Usage: verbatim"), "{name}");
        if !["help", "completions", "man"].contains(&name) {
            assert!(
                text.contains("Examples:"),
                "`verbatim {name} --help` shows examples"
            );
        }
        all.push_str(&format!("\n===== verbatim {name} --help =====\n{text}"));
    }
    insta::assert_snapshot!("help", all);
}
