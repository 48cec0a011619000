//! `verbatim review`: the interactive walk through what needs review.

use std::path::Path;

use clap::Args;

use crate::error::CommandError;
use crate::newsroom::Newsroom;
use crate::render::table::new_table;
use crate::repo;
use crate::review::session::{Item, Session, TerminalDecider};
use crate::store::{QuoteRef, validate_slug};
use crate::ui::Ui;

/// Walk through every quote that needs review, interactively.
///
/// Walk through every quote that needs review (pending, changes requested,
/// stale), oldest article first. For each: who said it, where and when, the
/// original, the translation, a word diff against what was approved before,
/// where the article quotes it; then approve, request changes, edit the
/// translation ($EDITOR), skip or quit. Each decision is saved as it is
/// made, in one commit for the session.
///
/// Needs a terminal; without one, use `verbatim approve` and
/// `verbatim request-changes`.
///
/// Examples:
///   verbatim review
///   verbatim review sheinbaum-call
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ReviewArgs {
    /// Only these articles.
    #[arg(add = clap_complete::ArgValueCompleter::new(super::completions::complete_slug))]
    pub slugs: Vec<String>,
    /// Write the records but make no commit.
    #[arg(long)]
    pub no_commit: bool,
    /// Sign each verdict with your SSH key (git's user.signingkey), even
    /// when verbatim.toml does not require signed reviews.
    #[arg(long)]
    pub sign: bool,
}

/// Runs `review`.
pub fn run(ui: &mut Ui, dir: &Path, args: &ReviewArgs) -> Result<u8, CommandError> {
    let newsroom = Newsroom::open(dir)?;
    for slug in &args.slugs {
        validate_slug(slug)?;
    }
    let items = items_to_review(&newsroom, &args.slugs)?;
    if !ui.interactive {
        return Err(CommandError::usage(format!(
            "verbatim review needs a terminal ({} quote(s) need review)",
            items.len()
        ))
        .with_hint(
            "use `verbatim approve SLUG/ID` and `verbatim request-changes SLUG/ID --comment …`; `verbatim list --state pending` lists what needs review",
        ));
    }
    if items.is_empty() {
        ui.status("Nothing needs review.");
        return Ok(0);
    }
    let reviewer = newsroom.repo.identity()?;
    let signer = super::approve::signer_for(&newsroom, args.sign)?;
    let moment = repo::now()?;
    let mut session = Session::new(&newsroom, reviewer, moment, args.no_commit);
    session.signer = signer;
    let mut decider = TerminalDecider;
    let result = session.run(items, &mut decider, ui.color);
    let s = &session.summary;
    let mut table = new_table(&["", "QUOTES"], ui.width);
    for (label, list) in [
        ("approved", &s.approved),
        ("changes requested", &s.changes_requested),
        ("edited", &s.edited),
        ("skipped", &s.skipped),
    ] {
        table.add_row(vec![format!("{label} ({})", list.len()), list.join("\n")]);
    }
    eprintln!("{table}");
    if let Some(c) = s.commit {
        ui.status(format!("Committed {}", &c.to_string()[..10]));
    }
    result.map(|_| 0)
}

/// Every quote needing review in `slugs` (all articles when empty), oldest
/// article first: articles are ordered by the time of their oldest revision.
pub fn items_to_review(newsroom: &Newsroom, slugs: &[String]) -> Result<Vec<Item>, CommandError> {
    let slugs = if slugs.is_empty() {
        newsroom.store.slugs()?
    } else {
        slugs.to_vec()
    };
    let memory = crate::quality::ApprovedMemory::build(&newsroom.store, &newsroom.policy);
    let mut groups: Vec<(String, Vec<Item>)> = Vec::new();
    for slug in slugs {
        let latest = newsroom.latest_publication(&slug)?;
        let article = std::fs::read_to_string(
            newsroom
                .store
                .abs(&crate::store::Store::article_rel_path(&slug)),
        )
        .ok();
        let mut items = Vec::new();
        let mut oldest: Option<String> = None;
        for id in newsroom.store.record_ids(&slug)? {
            let r = QuoteRef {
                slug: slug.clone(),
                id,
            };
            let quote = newsroom.store.load(&r)?;
            let first = quote.revisions[0].at.clone();
            if oldest.as_ref().is_none_or(|o| first < *o) {
                oldest = Some(first);
            }
            let state = newsroom.state_of(&r, &quote, latest.as_ref());
            if state.needs_review() {
                let locations = article
                    .as_deref()
                    .map(|a| crate::check::locate(a, quote.current()))
                    .unwrap_or_default();
                let name = r.to_string();
                let suggestions = memory
                    .suggest(
                        &quote.current().original,
                        newsroom.policy.memory.min_similarity,
                        4,
                    )
                    .into_iter()
                    .filter(|m| m.quote != name)
                    .take(3)
                    .collect();
                items.push(Item {
                    quote_ref: r,
                    quote,
                    state,
                    locations,
                    suggestions,
                });
            }
        }
        if !items.is_empty() {
            groups.push((oldest.unwrap_or_default(), items));
        }
    }
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(groups.into_iter().flat_map(|(_, items)| items).collect())
}
