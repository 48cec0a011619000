//! `verbatim suggest`: the translation memory.

use std::path::Path;

use clap::Args;

use super::{check_text, text_arg};
use crate::error::CommandError;
use crate::newsroom::Newsroom;
use crate::quality::{ApprovedMemory, Suggestion};
use crate::render::{ellipsize, sanitize_inline, table::new_table};
use crate::ui::{Format, Ui};

/// Translation memory: approved translations of similar originals.
///
/// Find approved translations of originals like this one: the translation
/// memory of every article's approved (or published) quotes, best match
/// first.
///
/// Similarity compares the words of the originals, ignoring case, accents,
/// punctuation and word order (1.00 is the same words). Only matches at or
/// above `--min` (default: `[memory] min_similarity` of verbatim.toml, 0.75)
/// are shown.
///
/// Examples:
///   verbatim suggest --original "No es necesario."
///   pbpaste | verbatim suggest --original - --format json --limit 3
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct SuggestArgs {
    /// The original words to find (`-` reads standard input).
    #[arg(long, allow_hyphen_values = true)]
    pub original: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Show at most N matches.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub limit: usize,
    /// Smallest similarity shown, 0 to 1.
    #[arg(long, value_name = "F")]
    pub min: Option<f64>,
}

/// Runs `suggest`.
pub fn run(ui: &mut Ui, dir: &Path, args: &SuggestArgs) -> Result<u8, CommandError> {
    let newsroom = Newsroom::open(dir)?;
    let mut stdin_taken = false;
    let original = text_arg("original", &args.original, &mut stdin_taken)?;
    check_text("original", &original)?;
    let min = args.min.unwrap_or(newsroom.policy.memory.min_similarity);
    if !(0.0..=1.0).contains(&min) {
        return Err(CommandError::usage(format!(
            "--min {min}: give a similarity between 0 and 1"
        )));
    }
    let memory = ApprovedMemory::build(&newsroom.store, &newsroom.policy);
    let suggestions = memory.suggest(&original, min, args.limit);
    match args.format {
        Format::Json => {
            for s in &suggestions {
                ui.json(s)?;
            }
        }
        Format::Human if suggestions.is_empty() => ui.status(format!(
            "No approved translation of a similar original ({} approved quote{} searched, similarity ≥ {min:.2}).",
            memory.len(),
            if memory.len() == 1 { "" } else { "s" }
        )),
        Format::Human => ui.line(table(&suggestions, ui.width))?,
    }
    Ok(0)
}

/// Suggestions as a table: similarity, quote, speaker, article, translation.
pub fn table(suggestions: &[Suggestion], width: Option<u16>) -> String {
    let mut table = new_table(
        &["SIMILARITY", "QUOTE", "SPEAKER", "ARTICLE", "TRANSLATION"],
        width,
    );
    for s in suggestions {
        table.add_row(vec![
            format!("{:.2}", s.similarity),
            sanitize_inline(&s.quote),
            ellipsize(&sanitize_inline(&s.speaker), 24),
            s.article.clone(),
            ellipsize(&sanitize_inline(&s.translation), 60),
        ]);
    }
    table.to_string()
}
