//! `verbatim add`: record a quote pair.

use std::path::Path;

use clap::Args;

use super::{check_line, check_text, text_arg};
use crate::error::CommandError;
use crate::newsroom::Newsroom;
use crate::prompt::{Prompter, TerminalPrompter};
use crate::quality::{ApprovedMemory, Suggestion};
use crate::quote::{Origin, Quote, Revision, SCHEMA_VERSION};
use crate::render::{ellipsize, sanitize_inline};
use crate::repo::{self, commit_message};
use crate::store::{QuoteRef, Store, StoreError, serialize_record};
use crate::ui::Ui;

/// Record a quote pair: an original and its translation (revision 1).
///
/// Record a quote pair: the original words, who said them and where, and
/// the translation (revision 1, pending review).
///
/// On a terminal, verbatim asks for what is missing; without one, it names
/// the missing flags. Give a text as `-` to read it from standard input
/// (long quotes, several paragraphs).
///
/// Examples:
///   verbatim add sheinbaum-call/no-necesario --speaker "Claudia Sheinbaum" \
///     --original "No es necesario." --translation "It is not necessary." \
///     --source "Mañanera, Palacio Nacional" --said-on 2026-01-13 --timecode 00:41:10
///   verbatim add state-dept/statement --original-lang en --speaker "Tommy Pigott" \
///     --original "Secretary Rubio reaffirmed…"
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct AddArgs {
    /// The quote, as SLUG/ID (article slug / quote id).
    #[arg(value_name = "SLUG/ID", add = clap_complete::ArgValueCompleter::new(super::completions::complete_quote))]
    pub quote: String,
    /// Who said it.
    #[arg(long)]
    pub speaker: Option<String>,
    /// The original words (`-` reads standard input).
    #[arg(long, allow_hyphen_values = true)]
    pub original: Option<String>,
    /// The translation (`-` reads standard input). Not given when the
    /// original is already in the articles' language.
    #[arg(long, allow_hyphen_values = true)]
    pub translation: Option<String>,
    /// Language of the original (default: the policy's source_lang, `es`).
    #[arg(long, value_name = "LANG")]
    pub original_lang: Option<String>,
    /// Where it was said (free text: event, interview, document).
    #[arg(long)]
    pub source: Option<String>,
    /// Link to the recording or transcript.
    #[arg(long, value_name = "URL")]
    pub source_url: Option<String>,
    /// The day it was said, YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    pub said_on: Option<String>,
    /// Where in the recording, e.g. 00:41:10.
    #[arg(long)]
    pub timecode: Option<String>,
    /// Where the translation comes from: own, interpreter or outlet:NAME.
    #[arg(long, default_value = "own")]
    pub origin: String,
    /// A note on this first revision.
    #[arg(long, allow_hyphen_values = true)]
    pub note: Option<String>,
    /// Write the record but make no commit.
    #[arg(long)]
    pub no_commit: bool,
}

/// Runs `add`.
pub fn run(ui: &mut Ui, dir: &Path, args: &AddArgs) -> Result<u8, CommandError> {
    let r = QuoteRef::parse(&args.quote)?;
    let newsroom = Newsroom::open_for_change(dir)?;
    let rel = Store::record_rel_path(&r);
    // A record on disk that no commit holds was left by an `add` killed
    // between its write and its commit: rerunning the same `add` commits it.
    let leftover = if newsroom.store.exists(&r) {
        if newsroom.repo.blob_at_head(&rel)?.is_some() {
            return Err(StoreError::Exists {
                quote: r.to_string(),
            }
            .into());
        }
        Some(newsroom.store.load(&r)?)
    } else {
        None
    };
    let mut stdin_taken = false;
    let mut take = |field: &str, v: &Option<String>| -> Result<Option<String>, CommandError> {
        v.as_deref()
            .map(|v| text_arg(field, v, &mut stdin_taken))
            .transpose()
    };
    let mut speaker = take("speaker", &args.speaker)?;
    let mut original = take("original", &args.original)?;
    let mut translation = take("translation", &args.translation)?;
    let note = take("note", &args.note)?;
    let original_lang = args
        .original_lang
        .clone()
        .unwrap_or_else(|| newsroom.policy.source_lang.clone());
    if !crate::policy::valid_lang(&original_lang) {
        return Err(CommandError::usage(format!(
            "--original-lang `{}` is not a language tag like `es` or `en`",
            crate::render::sanitize_inline(&original_lang)
        )));
    }
    let english_original = original_lang == newsroom.policy.target_lang;
    if english_original && translation.is_some() {
        return Err(CommandError::usage(format!(
            "the original is already in `{original_lang}`, the articles' language, so it has no translation; drop --translation"
        )));
    }

    let mut suggested: Option<Vec<Suggestion>> = None;
    let mut missing = Vec::new();
    if speaker.is_none() {
        missing.push("--speaker");
    }
    if original.is_none() {
        missing.push("--original");
    }
    if translation.is_none() && !english_original {
        missing.push("--translation");
    }
    if !missing.is_empty() {
        if !ui.interactive {
            return Err(CommandError::usage(format!(
                "missing {} for {r}",
                missing.join(", ")
            ))
            .with_hint("give them as flags (a text as `-` is read from standard input), or run on a terminal to be asked"));
        }
        let mut prompter = TerminalPrompter;
        let ask = |p: &mut TerminalPrompter, label: &str, slot: &mut Option<String>| {
            if slot.is_none() {
                *slot = p.ask(label, true)?;
            }
            Ok::<(), CommandError>(())
        };
        ask(&mut prompter, "Speaker", &mut speaker)?;
        ask(
            &mut prompter,
            &format!("Original ({original_lang})"),
            &mut original,
        )?;
        if !english_original && translation.is_none() {
            let found = similar_approved(&newsroom, original.as_deref().unwrap_or_default());
            note_suggestions(ui, &found);
            suggested = Some(found.clone());
            translation = offer_suggestions(&found)?;
        }
        if !english_original {
            ask(
                &mut prompter,
                &format!("Translation ({})", newsroom.policy.target_lang),
                &mut translation,
            )?;
        }
    }
    let speaker = speaker.unwrap_or_default();
    let original = original.unwrap_or_default();
    check_line("speaker", &speaker)?;
    check_text("original", &original)?;
    if let Some(t) = &translation {
        check_text("translation", t)?;
    }
    if let Some(n) = &note {
        check_text("note", n)?;
    }
    if suggested.is_none() && !english_original {
        note_suggestions(ui, &similar_approved(&newsroom, &original));
    }
    let origin =
        Origin::parse(&args.origin).map_err(|e| CommandError::usage(format!("--origin: {e}")))?;
    let metadata = Metadata::check(args)?;

    let author = newsroom.repo.identity()?;
    let moment = repo::now()?;
    let quote = Quote {
        schema: SCHEMA_VERSION,
        speaker,
        original_lang,
        origin,
        source: metadata.source,
        source_url: metadata.source_url,
        said_on: metadata.said_on,
        timecode: metadata.timecode,
        revisions: vec![Revision {
            number: 1,
            original,
            translation,
            author: author.clone(),
            at: moment.rfc3339.clone(),
            note,
        }],
        reviews: Vec::new(),
    };
    let quote = match leftover {
        Some(existing) if same_but_for_time(&existing, &quote) => {
            ui.status(format!(
                "{rel} was written by an interrupted `verbatim add` and never committed; committing it now"
            ));
            existing
        }
        Some(_) => {
            return Err(CommandError::usage(format!(
                "quote {r} already exists: {rel} is in the work tree but in no commit, and differs from what this add would record"
            ))
            .with_hint(format!(
                "check it with `verbatim show {r}`; keep it with `git add {rel} && git commit`, or delete the file and add again"
            )));
        }
        None => quote,
    };
    let changes = vec![(rel.clone(), serialize_record(&quote).into_bytes())];
    let msg = commit_message(
        "add",
        &format!("add {r}"),
        quote.current().note.as_deref(),
        &[r.to_string()],
    );
    let commit = newsroom.write_and_commit(&changes, &msg, &author, &moment, args.no_commit)?;
    ui.status(format!(
        "Recorded {r} (revision 1, pending review) in {rel}{}",
        commit
            .map(|c| format!(", commit {}", &c.to_string()[..10]))
            .unwrap_or_default()
    ));
    if !newsroom.store.article_exists(&r.slug) {
        ui.status(format!(
            "note: {} does not exist yet; the quote will be checked once the article is written",
            Store::article_rel_path(&r.slug)
        ));
    }
    Ok(0)
}

/// Whether two first revisions record the same thing, whenever they were
/// written.
fn same_but_for_time(a: &Quote, b: &Quote) -> bool {
    let mut a = a.clone();
    if let (Some(ra), Some(rb)) = (a.revisions.first_mut(), b.revisions.first()) {
        ra.at.clone_from(&rb.at);
    }
    a == *b
}

/// Approved translations of originals like `original`, as similar as the
/// policy's `[memory] min_similarity` asks.
fn similar_approved(newsroom: &Newsroom, original: &str) -> Vec<Suggestion> {
    if original.trim().is_empty() {
        return Vec::new();
    }
    ApprovedMemory::build(&newsroom.store, &newsroom.policy).suggest(
        original,
        newsroom.policy.memory.min_similarity,
        SUGGESTIONS_SHOWN,
    )
}

/// How many translation-memory matches `add` shows.
const SUGGESTIONS_SHOWN: usize = 3;

/// Tells the translator (on stderr) that similar originals were approved.
fn note_suggestions(ui: &mut Ui, found: &[Suggestion]) {
    if found.is_empty() {
        return;
    }
    let mut text = String::from(
        "note: approved translations of similar originals (`verbatim suggest` shows more):",
    );
    for s in found {
        text.push_str(&format!(
            "\n  {:.2}  {}  “{}”",
            s.similarity,
            sanitize_inline(&s.quote),
            ellipsize(&sanitize_inline(&s.translation), 80)
        ));
    }
    ui.status(text);
}

/// On a terminal: lets the translator reuse one of the approved
/// translations; `None` means they will type a new one.
fn offer_suggestions(found: &[Suggestion]) -> Result<Option<String>, CommandError> {
    if found.is_empty() {
        return Ok(None);
    }
    let mut items = vec!["Type a new translation".to_string()];
    items.extend(found.iter().map(|s| {
        format!(
            "{:.2} {}: {}",
            s.similarity,
            sanitize_inline(&s.quote),
            ellipsize(&sanitize_inline(&s.translation), 70)
        )
    }));
    let choice = dialoguer::Select::new()
        .with_prompt("Reuse an approved translation?")
        .items(&items)
        .default(0)
        .interact()
        .map_err(|e| CommandError::usage(format!("prompt for a translation failed: {e}")))?;
    Ok(choice
        .checked_sub(1)
        .and_then(|i| found.get(i))
        .map(|s| s.translation.clone()))
}

/// The optional one-line fields of a record, validated.
struct Metadata {
    source: Option<String>,
    source_url: Option<String>,
    said_on: Option<String>,
    timecode: Option<String>,
}

impl Metadata {
    fn check(args: &AddArgs) -> Result<Metadata, CommandError> {
        if let Some(s) = &args.source {
            check_line("source", s)?;
        }
        if let Some(u) = &args.source_url {
            check_line("source-url", u)?;
            let scheme_ok = u.split_once(':').is_some_and(|(scheme, rest)| {
                !scheme.is_empty()
                    && scheme
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphabetic())
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
                    && !rest.is_empty()
            });
            if !scheme_ok || u.contains(char::is_whitespace) {
                return Err(CommandError::usage(format!(
                    "--source-url `{}` is not a URL like https://example.org/video",
                    crate::render::sanitize_inline(u)
                )));
            }
        }
        if let Some(d) = &args.said_on {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            if d.len() != 10 || time::Date::parse(d, &format).is_err() {
                return Err(CommandError::usage(format!(
                    "--said-on `{}` is not a date like 2026-01-13",
                    crate::render::sanitize_inline(d)
                )));
            }
        }
        if let Some(t) = &args.timecode {
            check_line("timecode", t)?;
            if !valid_timecode(t) {
                return Err(CommandError::usage(format!(
                    "--timecode `{}` is not a timecode like 00:41:10, 41:10 or 00:41:10.500",
                    crate::render::sanitize_inline(t)
                )));
            }
        }
        Ok(Metadata {
            source: args.source.clone(),
            source_url: args.source_url.clone(),
            said_on: args.said_on.clone(),
            timecode: args.timecode.clone(),
        })
    }
}

/// `[H]H:MM:SS`, `M:SS` or `MM:SS`, optionally with a fraction after `.` or `,`.
fn valid_timecode(t: &str) -> bool {
    let (main, fraction) = match t.split_once(['.', ',']) {
        Some((m, f)) => (m, Some(f)),
        None => (t, None),
    };
    if fraction
        .is_some_and(|f| f.is_empty() || f.len() > 3 || !f.chars().all(|c| c.is_ascii_digit()))
    {
        return false;
    }
    let parts: Vec<&str> = main.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return false;
    }
    parts.iter().enumerate().all(|(i, p)| {
        let digits = !p.is_empty() && p.len() <= 2 && p.chars().all(|c| c.is_ascii_digit());
        let below_60 = i == 0 || p.len() == 2 && p.parse::<u32>().is_ok_and(|n| n < 60);
        digits && below_60
    })
}

#[cfg(test)]
mod tests {
    use super::valid_timecode;

    #[test]
    fn timecodes() {
        for ok in ["00:41:10", "41:10", "1:02:03", "00:41:10.500", "0:05"] {
            assert!(valid_timecode(ok), "{ok}");
        }
        for bad in [
            "",
            "41",
            "00:61:00",
            "a:b",
            "00:41:10.",
            "1:2",
            "00:00:00:00",
        ] {
            assert!(!valid_timecode(bad), "{bad}");
        }
    }
}
