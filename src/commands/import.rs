//! `verbatim import`: translations edited in a CAT tool come back as
//! revisions.

use std::path::{Path, PathBuf};

use clap::Args;

use super::check_text;
use super::export::parse_format;
use crate::error::CommandError;
use crate::interchange::{self, Format};
use crate::newsroom::Newsroom;
use crate::quote::Revision;
use crate::render::sanitize_inline;
use crate::repo::{self, commit_message};
use crate::store::{QuoteRef, Store, serialize_record, validate_id, validate_slug};
use crate::ui::Ui;

/// Import translations edited in a translation tool as new revisions.
///
/// Import translations from a file exported with `verbatim export` and
/// edited in a CAT tool or spreadsheet (XLIFF 2.1, XLIFF 1.2, CSV, JSON
/// Lines). Every quote whose translation in the file differs from its
/// current translation gets a new revision by you, noted "imported from
/// FILE"; the others are left alone. All in one commit, or nothing at all:
/// unknown quotes, a translation for an English-original quote, or a file
/// for other languages stop the import before anything is written.
///
/// Only target texts are read: states and approval flags in the file never
/// approve anything. Review imported revisions as usual.
///
/// Examples:
///   verbatim import quotes.xlf
///   verbatim import sheinbaum-call.csv --format csv
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ImportArgs {
    /// The file to import.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// xliff, xliff12, csv or json (detected from the content and name when not given).
    #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
    pub format: Option<Format>,
    /// Write the records but make no commit.
    #[arg(long)]
    pub no_commit: bool,
}

/// Runs `import`.
pub fn run(ui: &mut Ui, dir: &Path, args: &ImportArgs) -> Result<u8, CommandError> {
    let shown = args.file.display().to_string();
    let bytes = std::fs::read(dir.join(&args.file))
        .map_err(|e| CommandError::usage(format!("cannot read {shown}: {e}")))?;
    let format = match args.format {
        Some(f) => f,
        None => Format::detect(&shown, &bytes).ok_or_else(|| {
            CommandError::usage(format!("cannot tell the format of {shown}"))
                .with_hint("give --format xliff, xliff12, csv or json")
        })?,
    };
    let newsroom = Newsroom::open_for_change(dir)?;
    let policy = &newsroom.policy;
    let incoming =
        interchange::parse_import(&bytes, format, &policy.source_lang, &policy.target_lang)
            .map_err(|e| {
                CommandError::usage(format!("{shown}: {e}; nothing was imported"))
                    .with_hint(format!("the file was read as {format}"))
            })?;

    let mut problems: Vec<String> = Vec::new();
    let mut revised = Vec::new();
    let mut unchanged = 0usize;
    let progress = crate::progress::Progress::new(incoming.len(), "quotes", ui.quiet);
    for inc in &incoming {
        progress.inc();
        let at = format!(
            "{shown}:{}: {}/{}",
            inc.line,
            sanitize_inline(&inc.slug),
            sanitize_inline(&inc.id)
        );
        if validate_slug(&inc.slug).is_err() || validate_id(&inc.id).is_err() {
            problems.push(format!("{at}: not a valid SLUG/ID"));
            continue;
        }
        let r = QuoteRef {
            slug: inc.slug.clone(),
            id: inc.id.clone(),
        };
        if !newsroom.store.exists(&r) {
            problems.push(format!("{at}: no such quote"));
            continue;
        }
        let quote = newsroom.store.load(&r)?;
        let current = quote.current();
        let Some(translation) = &current.translation else {
            problems.push(format!(
                "{at}: an {}-original quote has no translation; remove it from the file",
                quote.original_lang
            ));
            continue;
        };
        if let Err(e) = check_text("translation", &inc.target) {
            let why = e.message.replacen("--translation", "the translation", 1);
            problems.push(format!("{at}: {why}"));
            continue;
        }
        if *translation == inc.target {
            unchanged += 1;
        } else {
            revised.push((r, quote, inc.target.clone()));
        }
    }
    progress.finish();
    if !problems.is_empty() {
        return Err(CommandError::usage(format!(
            "{shown}: {} problem(s), nothing was imported:\n  {}",
            problems.len(),
            problems.join("\n  ")
        ))
        .with_hint(
            "export again with `verbatim export` from this newsroom, or fix the lines named",
        ));
    }
    if revised.is_empty() {
        ui.status(format!(
            "Nothing to import from {shown}: {unchanged} unchanged."
        ));
        return Ok(0);
    }

    let author = newsroom.repo.identity()?;
    let moment = repo::now()?;
    let note = format!("imported from {shown}");
    let mut changes = Vec::new();
    let mut names = Vec::new();
    let mut report = Vec::new();
    for (r, mut quote, target) in revised {
        let latest = newsroom.latest_publication(&r.slug)?;
        let current = quote.current().clone();
        let number = current.number + 1;
        quote.revisions.push(Revision {
            number,
            original: current.original,
            translation: Some(target),
            author: author.clone(),
            at: moment.rfc3339.clone(),
            note: Some(note.clone()),
        });
        let state = newsroom.state_of(&r, &quote, latest.as_ref());
        changes.push((
            Store::record_rel_path(&r),
            serialize_record(&quote).into_bytes(),
        ));
        report.push(format!("  {r}: revision {number}, now {}", ui.state(state)));
        names.push(r.to_string());
    }
    let msg = commit_message(
        "import",
        &format!("import {} revision(s) from {shown}", names.len()),
        None,
        &names,
    );
    newsroom.write_and_commit(&changes, &msg, &author, &moment, args.no_commit)?;
    ui.status(format!(
        "Imported {shown}: {} revised, {unchanged} unchanged.",
        names.len()
    ));
    for line in report {
        ui.status(line);
    }
    Ok(0)
}
