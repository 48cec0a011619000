//! `verbatim show`: one quote's whole record and its state.

use std::path::Path;

use clap::Args;
use console::Style;

use crate::error::CommandError;
use crate::newsroom::Newsroom;
use crate::quote::{Quote, State};
use crate::render::sanitize;
use crate::store::{QuoteRef, Store};
use crate::ui::{Format, Ui};

/// Show a quote's whole record and its state.
///
/// Show a quote's whole record: who said it, where and when, the original,
/// the translation, every revision and review, and its state.
///
/// Examples:
///   verbatim show sheinbaum-call/no-necesario
///   verbatim show sheinbaum-call/no-necesario --format json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ShowArgs {
    /// The quote, as SLUG/ID.
    #[arg(value_name = "SLUG/ID", add = clap_complete::ArgValueCompleter::new(super::completions::complete_quote))]
    pub quote: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
}

/// A quote with its derived state, as JSON output shows it.
#[derive(serde::Serialize)]
pub struct QuoteView<'a> {
    /// `SLUG/ID`.
    pub quote: String,
    /// The article slug.
    pub slug: &'a str,
    /// The quote id.
    pub id: &'a str,
    /// The record file.
    pub file: String,
    /// Derived state.
    pub state: State,
    /// Current revision number.
    pub revision: u32,
    /// Digest of the current content.
    pub digest: String,
    /// Current original.
    pub original: &'a str,
    /// Current translation.
    pub translation: Option<&'a str>,
    /// The whole record.
    pub record: &'a Quote,
}

impl<'a> QuoteView<'a> {
    /// Builds the view.
    pub fn new(r: &'a QuoteRef, quote: &'a Quote, state: State) -> QuoteView<'a> {
        let cur = quote.current();
        QuoteView {
            quote: r.to_string(),
            slug: &r.slug,
            id: &r.id,
            file: Store::record_rel_path(r),
            state,
            revision: cur.number,
            digest: cur.digest(),
            original: &cur.original,
            translation: cur.translation.as_deref(),
            record: quote,
        }
    }
}

/// Runs `show`.
pub fn run(ui: &mut Ui, dir: &Path, args: &ShowArgs) -> Result<u8, CommandError> {
    let r = QuoteRef::parse(&args.quote)?;
    let newsroom = Newsroom::open(dir)?;
    let quote = newsroom.store.load(&r)?;
    let latest = newsroom.latest_publication(&r.slug)?;
    let state = newsroom.state_of(&r, &quote, latest.as_ref());
    ui.start_pager();
    if args.format == Format::Json {
        ui.json(&QuoteView::new(&r, &quote, state))?;
        return Ok(0);
    }
    let text = render_quote(ui, &r, &quote, state);
    ui.out().write_all(text.as_bytes())?;
    Ok(0)
}

/// The human view of a record.
pub fn render_quote(ui: &Ui, r: &QuoteRef, quote: &Quote, state: State) -> String {
    let bold = Style::new().bold();
    let dim = Style::new().dim();
    let cur = quote.current();
    let mut out = String::new();
    out.push_str(&format!(
        "{}  {}  (revision {})\n",
        ui.paint(&bold, &r.to_string()),
        ui.state(state),
        cur.number
    ));
    let mut field = |name: &str, value: &str| {
        out.push_str(&format!(
            "{:<12}{}\n",
            ui.paint(&dim, name),
            sanitize(value).replace('\n', "\n            ")
        ));
    };
    field("speaker", &quote.speaker);
    if let Some(s) = &quote.source {
        field("source", s);
    }
    if let Some(u) = &quote.source_url {
        field("url", u);
    }
    if let Some(d) = &quote.said_on {
        field("said on", d);
    }
    if let Some(t) = &quote.timecode {
        field("timecode", t);
    }
    field("origin", &quote.origin.to_string());
    field("file", &Store::record_rel_path(r));
    out.push('\n');
    out.push_str(&format!(
        "{} ({})\n",
        ui.paint(&bold, "Original"),
        quote.original_lang
    ));
    out.push_str(&indent(&sanitize(&cur.original)));
    if let Some(t) = &cur.translation {
        out.push_str(&format!("\n{}\n", ui.paint(&bold, "Translation")));
        out.push_str(&indent(&sanitize(t)));
    }
    out.push_str(&format!("\n{}\n", ui.paint(&bold, "Revisions")));
    for rev in &quote.revisions {
        out.push_str(&format!(
            "  {}  {}  {}{}\n",
            rev.number,
            rev.at,
            sanitize(&rev.author.to_string()),
            rev.note
                .as_deref()
                .map(|n| format!(": {}", crate::render::sanitize_inline(n)))
                .unwrap_or_default()
        ));
    }
    if !quote.reviews.is_empty() {
        out.push_str(&format!("\n{}\n", ui.paint(&bold, "Reviews")));
        for review in &quote.reviews {
            let current = review.digest == cur.digest();
            out.push_str(&format!(
                "  {}  {}  {} of revision {}{}{}\n",
                review.at,
                sanitize(&review.reviewer.to_string()),
                review.verdict.as_str(),
                review.revision,
                if current { "" } else { " (earlier text)" },
                review
                    .comment
                    .as_deref()
                    .map(|c| format!(": {}", crate::render::sanitize_inline(c)))
                    .unwrap_or_default()
            ));
            if let Some(sig) = &review.signature {
                out.push_str(&format!(
                    "    {}\n",
                    crate::signing::describe_signature(sig)
                ));
            }
        }
    }
    out
}

fn indent(text: &str) -> String {
    let mut s = String::new();
    for line in text.lines() {
        s.push_str("  ");
        s.push_str(line);
        s.push('\n');
    }
    if text.is_empty() {
        s.push('\n');
    }
    s
}
