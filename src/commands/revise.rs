//! `verbatim revise`: a new revision of a quote.

use std::path::Path;

use clap::Args;
use unicode_normalization::UnicodeNormalization;

use super::{check_text, text_arg};
use crate::error::CommandError;
use crate::newsroom::Newsroom;
use crate::quote::{Revision, State};
use crate::repo::{self, commit_message};
use crate::store::{QuoteRef, Store, serialize_record};
use crate::ui::Ui;

/// Make a new revision of a quote, with a note saying why.
///
/// Make a new revision of a quote: a changed translation, a corrected
/// original, or both, with a note saying why. Approvals of the earlier text
/// no longer count (the quote becomes stale) unless the change is only
/// typographic (quote marks, dashes, spacing).
///
/// Examples:
///   verbatim revise sheinbaum-call/no-necesario \
///     --translation "It is not necessary." --note "closer to 'no es necesario'"
///   verbatim revise sheinbaum-call/no-necesario --original - --note "checked the video" < original.txt
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ReviseArgs {
    /// The quote, as SLUG/ID.
    #[arg(value_name = "SLUG/ID", add = clap_complete::ArgValueCompleter::new(super::completions::complete_quote))]
    pub quote: String,
    /// The new translation (`-` reads standard input).
    #[arg(long, allow_hyphen_values = true)]
    pub translation: Option<String>,
    /// The corrected original (`-` reads standard input).
    #[arg(long, allow_hyphen_values = true)]
    pub original: Option<String>,
    /// Why: what was wrong, what changed.
    #[arg(long, allow_hyphen_values = true)]
    pub note: String,
    /// Write the record but make no commit.
    #[arg(long)]
    pub no_commit: bool,
}

/// Runs `revise`.
pub fn run(ui: &mut Ui, dir: &Path, args: &ReviseArgs) -> Result<u8, CommandError> {
    let r = QuoteRef::parse(&args.quote)?;
    let newsroom = Newsroom::open_for_change(dir)?;
    let mut quote = newsroom.store.load(&r)?;
    if args.translation.is_none() && args.original.is_none() {
        return Err(CommandError::usage(format!(
            "nothing to revise in {r}: give --translation, --original, or both"
        )));
    }
    let mut stdin_taken = false;
    let translation = args
        .translation
        .as_deref()
        .map(|t| text_arg("translation", t, &mut stdin_taken))
        .transpose()?;
    let original = args
        .original
        .as_deref()
        .map(|t| text_arg("original", t, &mut stdin_taken))
        .transpose()?;
    let note = text_arg("note", &args.note, &mut stdin_taken)?;
    check_text("note", &note)?;
    let current = quote.current().clone();
    if translation.is_some() && current.translation.is_none() {
        return Err(CommandError::usage(format!(
            "{r} is an {}-original quote and has no translation; revise --original instead",
            quote.original_lang
        )));
    }
    if let Some(t) = &translation {
        check_text("translation", t)?;
    }
    if let Some(o) = &original {
        check_text("original", o)?;
    }
    let new_original = original.unwrap_or_else(|| current.original.clone());
    let new_translation = translation.or_else(|| current.translation.clone());
    if new_original == current.original && new_translation == current.translation {
        return Err(CommandError::usage(format!(
            "the text given is exactly revision {} of {r}; nothing to revise",
            current.number
        )));
    }
    // NFC and NFD spell one text: a "revision" that only changes the
    // Unicode normalisation form would change nothing a reader sees.
    let nfc = |t: &str| t.nfc().collect::<String>();
    if nfc(&new_original) == nfc(&current.original)
        && new_translation.as_deref().map(nfc) == current.translation.as_deref().map(nfc)
    {
        return Err(CommandError::usage(format!(
            "the text given is revision {} of {r} in another Unicode normalisation form (NFC/NFD); nothing to revise",
            current.number
        )));
    }
    let latest = newsroom.latest_publication(&r.slug)?;
    let before = newsroom.state_of(&r, &quote, latest.as_ref());
    let author = newsroom.repo.identity()?;
    let moment = repo::now()?;
    let number = current.number + 1;
    quote.revisions.push(Revision {
        number,
        original: new_original,
        translation: new_translation,
        author: author.clone(),
        at: moment.rfc3339.clone(),
        note: Some(note.clone()),
    });
    let after = newsroom.state_of(&r, &quote, latest.as_ref());
    let rel = Store::record_rel_path(&r);
    let changes = vec![(rel, serialize_record(&quote).into_bytes())];
    let msg = commit_message(
        "revise",
        &format!("revise {r} (revision {number})"),
        Some(&note),
        &[r.to_string()],
    );
    newsroom.write_and_commit(&changes, &msg, &author, &moment, args.no_commit)?;
    ui.status(format!(
        "Recorded revision {number} of {r}: now {}",
        ui.state(after)
    ));
    if before.is_approved() && after == State::Stale {
        ui.status("The earlier approval no longer counts: the quote needs review again.");
    } else if before.is_approved() && after.is_approved() {
        ui.status("The change is only typographic, so the approval still holds.");
    }
    Ok(0)
}
