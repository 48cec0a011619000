//! `verbatim diff`: word-level diffs between revisions of one quote, or of
//! every quote between two commits.

use std::collections::BTreeSet;
use std::path::Path;

use clap::Args;
use console::Style;
use serde::Serialize;

use crate::error::CommandError;
use crate::history::{self, QuoteKey};
use crate::newsroom::Newsroom;
use crate::quote::{Quote, Revision, Verdict};
use crate::render::diff::{Segment, has_changes, render, word_diff};
use crate::render::sanitize_inline;
use crate::store::{QuoteRef, validate_slug};
use crate::ui::{Format, Ui};

/// Show what changed in a quote, word by word: between two of its revisions,
/// or for every quote between two commits.
///
/// FROM and TO are revision numbers or `approved` (the last revision that
/// had enough approvals), `published` (the revision in the article's latest
/// publication) or `current`. FROM defaults to the last approved revision
/// (else the previous one), TO to the current one. When the original also
/// changed, its diff comes first. Without colour, removed words are shown
/// `[-like this-]` and added words `{+like this+}`.
///
/// With `--git REV1..REV2`, every quote added, removed, revised, reviewed or
/// published between two commits (branches, tags, `HEAD~2`…), read from git,
/// not from the work tree; an optional SLUG limits it to one article.
///
/// Examples:
///   verbatim diff sheinbaum-call/no-necesario
///   verbatim diff sheinbaum-call/no-necesario 1 3
///   verbatim diff sheinbaum-call/no-necesario published current
///   verbatim diff --git published/sheinbaum-call/1..HEAD
///   verbatim diff --git main..translation-fixes sheinbaum-call --format json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct DiffArgs {
    /// The quote as SLUG/ID (with --git: an optional article SLUG).
    #[arg(value_name = "SLUG/ID", add = clap_complete::ArgValueCompleter::new(super::completions::complete_quote))]
    pub target: Option<String>,
    /// The old side: a revision number, `approved`, `published` or `current`.
    #[arg(value_name = "FROM")]
    pub from: Option<String>,
    /// The new side (default `current`).
    #[arg(value_name = "TO")]
    pub to: Option<String>,
    /// Compare every quote between two commits, written REV1..REV2.
    #[arg(long, value_name = "REV1..REV2")]
    pub git: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
}

/// One side of a text diff, as JSON shows it.
#[derive(Debug, Serialize)]
pub struct TextDiff {
    /// Whether any word changed.
    pub changed: bool,
    /// The operations: `{"op": "equal"|"delete"|"insert", "text": …}`.
    pub ops: Vec<Segment>,
}

impl TextDiff {
    fn new(old: &str, new: &str) -> TextDiff {
        let ops = word_diff(old, new);
        TextDiff {
            changed: has_changes(&ops),
            ops,
        }
    }
}

/// A diff between two revisions of one quote, as `--format json` prints it.
#[derive(Debug, Serialize)]
pub struct RevisionDiff {
    /// `SLUG/ID`.
    pub quote: String,
    /// The old revision number.
    pub from: u32,
    /// The new revision number.
    pub to: u32,
    /// The original's diff, when the original changed; else null.
    pub original: Option<TextDiff>,
    /// The translation's diff; null for a quote without translation.
    pub translation: Option<TextDiff>,
}

/// Runs `diff`.
pub fn run(ui: &mut Ui, dir: &Path, args: &DiffArgs) -> Result<u8, CommandError> {
    ui.start_pager();
    match &args.git {
        Some(range) => run_git(ui, dir, args, range),
        None => run_quote(ui, dir, args),
    }
}

fn revisions_that_exist(quote: &Quote) -> String {
    match quote.revisions.len() {
        1 => "it has only revision 1".to_string(),
        n => format!("it has revisions 1 to {n}"),
    }
}

/// Finds the revision a FROM/TO name stands for.
fn resolve<'q>(
    newsroom: &Newsroom,
    r: &QuoteRef,
    quote: &'q Quote,
    spec: &str,
) -> Result<&'q Revision, CommandError> {
    let exists = revisions_that_exist(quote);
    match spec {
        "current" => Ok(quote.current()),
        "approved" => quote
            .last_approved_revision(&newsroom.policy.rules())
            .ok_or_else(|| {
                CommandError::usage(format!(
                    "{r} has never been approved, so `approved` names no revision; {exists}"
                ))
                .with_hint("give revision numbers instead, or see `verbatim log` for its history")
            }),
        "published" => {
            let latest = newsroom.latest_publication(&r.slug)?;
            let Some(latest) = latest else {
                return Err(CommandError::usage(format!(
                    "{} has never been published, so `published` names no revision of {r}; {exists}",
                    r.slug
                )));
            };
            let Some(published) = latest.quotes.iter().find(|q| q.id == r.id) else {
                return Err(CommandError::usage(format!(
                    "publication {} of {} does not include {r}, so `published` names no revision; {exists}",
                    latest.number, r.slug
                )));
            };
            quote.revision(published.revision).ok_or_else(|| {
                CommandError::usage(format!(
                    "publication {} of {} holds revision {} of {r}, which its record does not have; {exists}",
                    latest.number, r.slug, published.revision
                ))
            })
        }
        _ => {
            let Ok(n) = spec.parse::<u32>() else {
                return Err(CommandError::usage(format!(
                    "`{}` is not a revision: give a number, `approved`, `published` or `current`",
                    sanitize_inline(spec)
                )));
            };
            quote.revision(n).ok_or_else(|| {
                CommandError::usage(format!("{r} has no revision {n}; {exists}"))
                    .with_hint(format!("`verbatim log {r}` lists its revisions"))
            })
        }
    }
}

fn run_quote(ui: &mut Ui, dir: &Path, args: &DiffArgs) -> Result<u8, CommandError> {
    let Some(target) = &args.target else {
        return Err(CommandError::usage(
            "name a quote as SLUG/ID, or give --git REV1..REV2",
        ));
    };
    let r = QuoteRef::parse(target)?;
    let newsroom = Newsroom::open(dir)?;
    let quote = newsroom.store.load(&r)?;
    let to = resolve(
        &newsroom,
        &r,
        &quote,
        args.to.as_deref().unwrap_or("current"),
    )?;
    let from = match &args.from {
        Some(spec) => resolve(&newsroom, &r, &quote, spec)?,
        None => match quote.last_approved_revision(&newsroom.policy.rules()) {
            Some(rev) => rev,
            None => quote.revision(to.number.saturating_sub(1)).unwrap_or(to),
        },
    };
    if from.number == to.number && args.format == Format::Human {
        ui.status(format!(
            "No changes: both sides are revision {} of {r}.",
            from.number
        ));
        return Ok(0);
    }
    let original = TextDiff::new(&from.original, &to.original);
    let translation = match (&from.translation, &to.translation) {
        (None, None) => None,
        (a, b) => Some(TextDiff::new(
            a.as_deref().unwrap_or_default(),
            b.as_deref().unwrap_or_default(),
        )),
    };
    let view = RevisionDiff {
        quote: r.to_string(),
        from: from.number,
        to: to.number,
        // Without a translation, the original is the whole quote: always shown.
        original: (original.changed || translation.is_none()).then_some(original),
        translation,
    };
    if args.format == Format::Json {
        ui.json(&view)?;
        return Ok(0);
    }
    let bold = Style::new().bold();
    ui.line(ui.paint(
        &bold,
        &format!("{r}: revision {} → revision {}", from.number, to.number),
    ))?;
    if let Some(o) = &view.original {
        ui.line(format!("Original ({})", quote.original_lang))?;
        ui.line(indent(&render(&o.ops, ui.color)))?;
    }
    if let Some(t) = &view.translation {
        ui.line("Translation")?;
        ui.line(indent(&render(&t.ops, ui.color)))?;
    }
    let changed = view.original.as_ref().is_some_and(|o| o.changed)
        || view.translation.as_ref().is_some_and(|t| t.changed);
    if !changed {
        ui.status("The words are the same; only the revision number differs.");
    }
    Ok(0)
}

fn indent(text: &str) -> String {
    format!("  {}", text.replace('\n', "\n  "))
}

/// One quote changed between two commits, as `--format json` prints it.
#[derive(Debug, Serialize)]
pub struct QuoteChange {
    /// `SLUG/ID`.
    pub quote: String,
    /// `added`, `removed` or `changed`.
    pub status: &'static str,
    /// The current revision in the old commit (null when added).
    pub from_revision: Option<u32>,
    /// The current revision in the new commit (null when removed).
    pub to_revision: Option<u32>,
    /// What happened, one phrase each: `revised 2 → 3`, `approved by Eva`…
    pub actions: Vec<String>,
    /// The original's diff, when it changed; else null.
    pub original: Option<TextDiff>,
    /// The translation's diff, when it changed; else null.
    pub translation: Option<TextDiff>,
}

/// Names reviewers like a sentence: "Eva", "Eva and Luis", "Ana, Eva and Luis".
fn names(people: &[String]) -> String {
    match people {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn run_git(ui: &mut Ui, dir: &Path, args: &DiffArgs, range: &str) -> Result<u8, CommandError> {
    if args.from.is_some() || args.to.is_some() {
        return Err(CommandError::usage(
            "with --git, give at most one article SLUG, not revisions",
        )
        .with_hint("verbatim diff --git REV1..REV2 [SLUG]"));
    }
    let slug = args.target.as_deref();
    if let Some(s) = slug {
        validate_slug(s)?;
    }
    let Some((old_spec, new_spec)) = range.split_once("..").filter(|(_, b)| !b.starts_with('.'))
    else {
        return Err(CommandError::usage(format!(
            "--git {}: write the two commits as REV1..REV2",
            sanitize_inline(range)
        ))
        .with_hint("e.g. --git published/SLUG/1..HEAD or --git HEAD~2..HEAD"));
    };
    let old_spec = if old_spec.is_empty() {
        "HEAD"
    } else {
        old_spec
    };
    let new_spec = if new_spec.is_empty() {
        "HEAD"
    } else {
        new_spec
    };
    let newsroom = Newsroom::open(dir)?;
    let git = &newsroom.repo.git;
    let old = history::resolve_commit(git, old_spec)?;
    let new = history::resolve_commit(git, new_spec)?;
    let old_records = history::records_at(git, &old, slug)?;
    let new_records = history::records_at(git, &new, slug)?;
    let old_pubs = history::publications_at(git, &old, slug)?;
    let new_pubs = history::publications_at(git, &new, slug)?;
    let keys: BTreeSet<&QuoteKey> = old_records.keys().chain(new_records.keys()).collect();
    let mut changes = Vec::new();
    for key in keys {
        let (slug, id) = key;
        let published: Vec<u32> = new_pubs
            .iter()
            .filter(|(path, p)| {
                !old_pubs.contains_key(*path) && p.article == *slug && p.digest_of(id).is_some()
            })
            .map(|(_, p)| p.number)
            .collect();
        let change = describe(
            format!("{slug}/{id}"),
            old_records.get(key),
            new_records.get(key),
            &published,
        );
        if let Some(c) = change {
            changes.push(c);
        }
    }
    if args.format == Format::Json {
        for c in &changes {
            ui.json(c)?;
        }
        return Ok(0);
    }
    if changes.is_empty() {
        ui.status(format!(
            "No quote changed between {} and {}.",
            sanitize_inline(old_spec),
            sanitize_inline(new_spec)
        ));
        return Ok(0);
    }
    let bold = Style::new().bold();
    for (i, c) in changes.iter().enumerate() {
        if i > 0 {
            ui.line("")?;
        }
        ui.line(format!(
            "{}: {}",
            ui.paint(&bold, &c.quote),
            sanitize_inline(&c.actions.join(", "))
        ))?;
        if let Some(o) = &c.original {
            ui.line("Original")?;
            ui.line(indent(&render(&o.ops, ui.color)))?;
        }
        if let Some(t) = &c.translation {
            ui.line("Translation")?;
            ui.line(indent(&render(&t.ops, ui.color)))?;
        }
    }
    Ok(0)
}

/// What happened to one quote between two commits; `None` when nothing did.
fn describe(
    quote: String,
    old: Option<&(git2::Oid, Quote)>,
    new: Option<&(git2::Oid, Quote)>,
    published: &[u32],
) -> Option<QuoteChange> {
    let mut actions = Vec::new();
    let old_rev = old.map(|(_, q)| q.current());
    let new_rev = new.map(|(_, q)| q.current());
    let status = match (old, new) {
        (None, None) => return None,
        (None, Some(_)) => {
            actions.push(format!("added (revision {})", new_rev?.number));
            "added"
        }
        (Some(_), None) => {
            actions.push(format!("removed (was revision {})", old_rev?.number));
            "removed"
        }
        (Some((old_blob, _)), Some((new_blob, _))) => {
            if old_blob == new_blob && published.is_empty() {
                return None;
            }
            let (a, b) = (old_rev?.number, new_rev?.number);
            if a != b {
                actions.push(format!("revised {a} → {b}"));
            }
            "changed"
        }
    };
    if let Some((_, new_quote)) = new {
        let old_reviews = old.map(|(_, q)| q.reviews.as_slice()).unwrap_or_default();
        for (verdict, phrase) in [
            (Verdict::Approved, "approved by"),
            (Verdict::ChangesRequested, "changes requested by"),
        ] {
            let mut who: Vec<String> = Vec::new();
            for review in &new_quote.reviews {
                if review.verdict == verdict
                    && !old_reviews.contains(review)
                    && !who.contains(&review.reviewer.name)
                {
                    who.push(review.reviewer.name.clone());
                }
            }
            if !who.is_empty() {
                actions.push(format!("{phrase} {}", names(&who)));
            }
        }
    }
    for n in published {
        actions.push(format!("published (publication {n})"));
    }
    if actions.is_empty() {
        actions.push("record edited".to_string());
    }
    let old_original = old_rev.map(|r| r.original.as_str()).unwrap_or_default();
    let new_original = new_rev.map(|r| r.original.as_str()).unwrap_or_default();
    let old_translation = old_rev.and_then(|r| r.translation.as_deref());
    let new_translation = new_rev.and_then(|r| r.translation.as_deref());
    let original = TextDiff::new(old_original, new_original);
    let translation = match (old_translation, new_translation) {
        (None, None) => None,
        (a, b) => Some(TextDiff::new(a.unwrap_or_default(), b.unwrap_or_default())),
    };
    Some(QuoteChange {
        quote,
        status,
        from_revision: old_rev.map(|r| r.number),
        to_revision: new_rev.map(|r| r.number),
        actions,
        original: original.changed.then_some(original),
        translation: translation.filter(|t| t.changed),
    })
}
