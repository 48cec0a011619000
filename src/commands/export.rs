//! `verbatim export`: quote records for translation tools.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::error::CommandError;
use crate::interchange::{self, Format, Unit};
use crate::newsroom::Newsroom;
use crate::store::QuoteRef;
use crate::ui::Ui;

/// Export quotes for translation tools: XLIFF, TMX, CSV or JSON.
///
/// Export quotes for CAT tools (OmegaT, Trados, memoQ, Weblate) or
/// spreadsheets: every quote of every article, or of the articles named.
///
/// Formats: xliff (XLIFF 2.1), xliff12 (XLIFF 1.2), tmx (TMX 1.4b: approved
/// and published translations only, for translation memories), csv, json
/// (JSON Lines). English-original quotes are exported locked (XLIFF) and
/// left out of TMX. docs/INTERCHANGE.md describes the mapping.
///
/// Examples:
///   verbatim export --format xliff12 -o quotes.xlf
///   verbatim export --format csv sheinbaum-call > sheinbaum-call.csv
///   verbatim export --format tmx -o memory.tmx
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ExportArgs {
    /// xliff, xliff12, tmx, csv or json.
    #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
    pub format: Format,
    /// Only these articles' quotes.
    #[arg(value_name = "SLUG")]
    pub slugs: Vec<String>,
    /// Write to FILE (atomically) instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Parses an interchange format name for clap.
pub fn parse_format(s: &str) -> Result<Format, String> {
    Format::from_name(s)
        .ok_or_else(|| format!("unknown format `{s}`; one of: xliff, xliff12, tmx, csv, json"))
}

/// Runs `export`.
pub fn run(ui: &mut Ui, dir: &Path, args: &ExportArgs) -> Result<u8, CommandError> {
    let newsroom = Newsroom::open(dir)?;
    let slugs = if args.slugs.is_empty() {
        newsroom.store.slugs()?
    } else {
        for slug in &args.slugs {
            newsroom.known_slug(slug)?;
        }
        let mut slugs = args.slugs.clone();
        slugs.dedup();
        slugs
    };
    let progress = crate::progress::Progress::new(slugs.len(), "articles", ui.quiet);
    let units = units(&newsroom, &slugs, &progress)?;
    progress.finish();
    let policy = &newsroom.policy;
    let mut bytes = Vec::new();
    interchange::export(
        &units,
        args.format,
        &policy.source_lang,
        &policy.target_lang,
        &mut bytes,
    )
    .map_err(|e| CommandError::usage(format!("cannot export as {}: {e}", args.format)))?;
    match &args.output {
        Some(path) => {
            let abs = dir.join(path);
            crate::store::write_atomic(&abs, &bytes).map_err(|e| {
                CommandError::usage(format!("cannot write {}: {e}", path.display()))
            })?;
            ui.status(format!(
                "Exported {} quote(s) as {} to {}",
                units.len(),
                args.format,
                path.display()
            ));
        }
        None => {
            ui.out().write_all(&bytes)?;
        }
    }
    Ok(0)
}

/// One [`Unit`] per record of the articles, in slug then id order.
pub fn units(
    newsroom: &Newsroom,
    slugs: &[String],
    progress: &crate::progress::Progress,
) -> Result<Vec<Unit>, CommandError> {
    let mut units = Vec::new();
    for slug in slugs {
        progress.inc();
        let latest = newsroom.latest_publication(slug)?;
        for id in newsroom.store.record_ids(slug)? {
            let r = QuoteRef {
                slug: slug.clone(),
                id,
            };
            let quote = newsroom.store.load(&r)?;
            let state = newsroom.state_of(&r, &quote, latest.as_ref());
            let current = quote.current();
            units.push(Unit {
                slug: r.slug.clone(),
                id: r.id.clone(),
                source_lang: quote.original_lang.clone(),
                target_lang: newsroom.policy.target_lang.clone(),
                original: current.original.clone(),
                translation: current.translation.clone(),
                speaker: quote.speaker.clone(),
                source: quote.source.clone(),
                source_url: quote.source_url.clone(),
                said_on: quote.said_on.clone(),
                timecode: quote.timecode.clone(),
                state: state.as_str().to_string(),
                revision: current.number,
                note: current.note.clone(),
            });
        }
    }
    Ok(units)
}
