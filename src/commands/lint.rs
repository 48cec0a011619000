//! `verbatim lint`: translation quality checks on the quote records.

use std::path::Path;

use clap::Args;

use crate::check::{ArticleReport, Finding, Severity, load_records};
use crate::error::CommandError;
use crate::newsroom::Newsroom;
use crate::quality::{inconsistent_findings, record_findings};
use crate::render::report;
use crate::ui::{Format, Ui};

/// Translation quality checks on the quote records (warnings).
///
/// Check the translations of quote records for likely mistakes: numbers or
/// names lost, text left untranslated, a suspicious length, questions or
/// quotes lost, invisible characters, and the same original translated
/// differently in another article (`inconsistent`).
///
/// Hits are warnings, unless verbatim.toml lists the check in
/// `[lint] fail_on`; checks in `[lint] disabled` do not run. docs/CHECKS.md
/// describes every check. Exit 0 when there is no error, 1 when there is,
/// 2 when the lint could not run.
///
/// Examples:
///   verbatim lint
///   verbatim lint sheinbaum-call --format json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct LintArgs {
    /// Only the records of these articles (slugs).
    pub slugs: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
}

/// Runs `lint`.
pub fn run(ui: &mut Ui, dir: &Path, args: &LintArgs) -> Result<u8, CommandError> {
    let newsroom = Newsroom::open(dir)?;
    let store = &newsroom.store;
    let policy = &newsroom.policy;
    for slug in &args.slugs {
        newsroom.known_slug(slug)?;
    }
    // Every article's records are read: `inconsistent` compares across them.
    let mut all = Vec::new();
    let slugs = store.slugs()?;
    let progress = crate::progress::Progress::new(slugs.len(), "articles", ui.quiet);
    for slug in slugs {
        progress.inc();
        let (records, bad) = load_records(store, &slug);
        if let Some(e) = bad.first() {
            return Err(CommandError::usage(e.to_string())
                .with_hint("fix the file by hand, or restore it with `git checkout -- FILE`"));
        }
        all.extend(records);
    }
    progress.finish();
    let selected = (!args.slugs.is_empty()).then_some(args.slugs.as_slice());
    let mut findings: Vec<Finding> = all
        .iter()
        .filter(|(r, _)| selected.is_none_or(|s| s.contains(&r.slug)))
        .flat_map(|(r, q)| record_findings(policy, r, q))
        .collect();
    findings.extend(inconsistent_findings(policy, &all, selected));
    findings.sort_by(|a, b| (&a.file, a.line, a.code).cmp(&(&b.file, b.line, b.code)));
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    match args.format {
        Format::Json => {
            for f in &findings {
                ui.line(report::finding_json(f))?;
            }
        }
        Format::Human => {
            let records = all
                .iter()
                .filter(|(r, _)| selected.is_none_or(|s| s.contains(&r.slug)))
                .count();
            if !(ui.quiet && findings.is_empty()) {
                ui.line(human(&findings, records, ui.color))?;
            }
        }
    }
    Ok(if errors > 0 { 1 } else { 0 })
}

/// The human report: `check`'s layout, one block per record file, then a
/// summary counting records instead of quotations.
fn human(findings: &[Finding], records: usize, color: bool) -> String {
    let mut by_file: Vec<ArticleReport> = Vec::new();
    for f in findings {
        match by_file.last_mut() {
            Some(r) if r.file == f.file => r.findings.push(f.clone()),
            _ => by_file.push(ArticleReport {
                file: f.file.clone(),
                exists: true,
                findings: vec![f.clone()],
                ..ArticleReport::default()
            }),
        }
    }
    let text = report::human(&by_file, color);
    // check's summary counts articles and quotations; lint's counts records.
    let body = text
        .rsplit_once('\n')
        .map(|(head, _)| head)
        .unwrap_or("")
        .rsplit_once('\n')
        .map(|(head, _)| head)
        .unwrap_or("");
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    format!(
        "{body}{}{errors} error{}, {warnings} warning{} in {records} quote record{}",
        if body.is_empty() { "" } else { "\n" },
        plural(errors),
        plural(warnings),
        plural(records)
    )
}
