//! `verbatim list`: one row per quote.

use std::path::Path;

use clap::Args;

use super::show::QuoteView;
use crate::error::CommandError;
use crate::newsroom::Newsroom;
use crate::quote::State;
use crate::render::{ellipsize, sanitize_inline, table::new_table};
use crate::store::QuoteRef;
use crate::ui::{Format, Ui};

/// List quotes, one row each: id, state, revision, speaker, translation.
///
/// Examples:
///   verbatim list
///   verbatim list sheinbaum-call --state pending
///   verbatim list --format json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ListArgs {
    /// Only this article's quotes.
    #[arg(add = clap_complete::ArgValueCompleter::new(super::completions::complete_slug))]
    pub slug: Option<String>,
    /// Only quotes in this state: pending, changes-requested, stale, approved, published.
    #[arg(long, value_name = "STATE", value_parser = parse_state)]
    pub state: Option<State>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
}

fn parse_state(s: &str) -> Result<State, String> {
    State::parse(s).ok_or_else(|| {
        format!(
            "unknown state `{s}`; one of: {}",
            State::ALL.map(|s| s.as_str()).join(", ")
        )
    })
}

/// Runs `list`.
pub fn run(ui: &mut Ui, dir: &Path, args: &ListArgs) -> Result<u8, CommandError> {
    let newsroom = Newsroom::open(dir)?;
    let slugs = match &args.slug {
        Some(slug) => {
            newsroom.known_slug(slug)?;
            vec![slug.clone()]
        }
        None => newsroom.store.slugs()?,
    };
    let mut table = new_table(
        &["QUOTE", "STATE", "REV", "SPEAKER", "TRANSLATION"],
        ui.width,
    );
    let mut rows = 0;
    for slug in &slugs {
        let latest = newsroom.latest_publication(slug)?;
        for id in newsroom.store.record_ids(slug)? {
            if crate::store::validate_id(&id).is_err() {
                return Err(CommandError::usage(format!(
                    "translations/{slug}/{}.toml: `{}` is not a valid quote id; rename the file",
                    crate::render::sanitize_inline(&id),
                    crate::render::sanitize_inline(&id)
                )));
            }
            let r = QuoteRef {
                slug: slug.clone(),
                id,
            };
            let quote = newsroom.store.load(&r)?;
            let state = newsroom.state_of(&r, &quote, latest.as_ref());
            if args.state.is_some_and(|s| s != state) {
                continue;
            }
            rows += 1;
            if args.format == Format::Json {
                ui.json(&QuoteView::new(&r, &quote, state))?;
                continue;
            }
            let cur = quote.current();
            table.add_row(vec![
                r.to_string(),
                ui.state(state),
                cur.number.to_string(),
                ellipsize(&sanitize_inline(&quote.speaker), 24),
                ellipsize(&sanitize_inline(cur.english()), 60),
            ]);
        }
    }
    if args.format == Format::Human {
        if rows == 0 {
            ui.status("No quotes.");
        } else {
            ui.line(table.to_string())?;
        }
    }
    Ok(0)
}
