//! `verbatim status`: where each article stands, or one article's
//! quotations one by one.

use std::path::Path;

use clap::Args;
use console::Style;
use serde::Serialize;

use crate::error::CommandError;
use crate::newsroom::Newsroom;
use crate::publishing::{ArticleState, ArticleStatus, article_status};
use crate::quote::State;
use crate::render::{ellipsize, sanitize_inline, table::new_table};
use crate::ui::{Format, Ui};

/// Show where each article stands: quotes by state, publication state.
///
/// Show where articles stand: for each article, its quotes by state, the
/// quotations in its text that no record covers (untracked or drifted),
/// exempt quotations, its publication state and latest publication tag.
///
/// Publication states: `draft` (check finds errors, never published),
/// `ready` (check passes, never published), `published` (article and quotes
/// exactly as last published), `changed since publication` (changed, and
/// check finds errors), `correction pending` (changed, check passes again:
/// `verbatim publish` would record a correction).
///
/// With SLUG, one row per quotation of that article in text order, then the
/// records that no quotation matches.
///
/// Examples:
///   verbatim status
///   verbatim status sheinbaum-call
///   verbatim status --format json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct StatusArgs {
    /// Only this article, quotation by quotation.
    #[arg(add = clap_complete::ArgValueCompleter::new(super::completions::complete_slug))]
    pub slug: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
}

/// One article's row.
#[derive(Debug, Serialize)]
pub struct ArticleRow {
    /// The slug.
    pub article: String,
    /// Quotes by state.
    pub pending: usize,
    /// Quotes by state.
    pub changes_requested: usize,
    /// Quotes by state.
    pub stale: usize,
    /// Quotes by state.
    pub approved: usize,
    /// Quotes by state.
    pub published: usize,
    /// Quotations in the text matching no record, or drifted from one.
    pub untracked: usize,
    /// Quotations exempted by the article.
    pub exempt: usize,
    /// Error findings of `check`.
    pub errors: usize,
    /// Publication state.
    pub state: ArticleState,
    /// Number of publications so far.
    pub publications: u32,
    /// The latest `published/SLUG/N` tag.
    pub tag: Option<String>,
}

/// One quotation's (or unquoted record's) row.
#[derive(Debug, Serialize)]
pub struct QuotationRow {
    /// `quotation` (in the text) or `record` (a record no quotation matches).
    pub kind: &'static str,
    /// Line in the article, for quotations.
    pub line: Option<usize>,
    /// Column in the article, for quotations.
    pub column: Option<usize>,
    /// The quoted text, or the record's English text.
    pub text: String,
    /// `SLUG/ID` of the record.
    pub quote: Option<String>,
    /// The record's state, or `untracked`, `drift`, `exempt`.
    pub state: String,
}

/// Runs `status`.
pub fn run(ui: &mut Ui, dir: &Path, args: &StatusArgs) -> Result<u8, CommandError> {
    let newsroom = Newsroom::open(dir)?;
    ui.start_pager();
    match &args.slug {
        Some(slug) => {
            newsroom.known_slug(slug)?;
            one_article(ui, &newsroom, slug, args.format)
        }
        None => all_articles(ui, &newsroom, args.format),
    }
}

fn status_of(newsroom: &Newsroom, slug: &str) -> Result<ArticleStatus, CommandError> {
    article_status(&newsroom.store, &newsroom.policy, slug)
        .map_err(|e| CommandError::usage(e.to_string()))
}

/// The row of one article.
pub fn article_row(slug: &str, status: &ArticleStatus) -> ArticleRow {
    let count = |s: State| {
        status
            .report
            .records
            .iter()
            .filter(|(_, st)| *st == s)
            .count()
    };
    let quotations = &status.report.quotations;
    ArticleRow {
        article: slug.to_string(),
        pending: count(State::Pending),
        changes_requested: count(State::ChangesRequested),
        stale: count(State::Stale),
        approved: count(State::Approved),
        published: count(State::Published),
        untracked: quotations
            .iter()
            .filter(|q| q.status == "untracked" || q.status == "drift")
            .count(),
        exempt: quotations.iter().filter(|q| q.status == "exempt").count(),
        errors: status.report.errors(),
        state: status.state,
        publications: status.latest().map_or(0, |p| p.number),
        tag: status.latest().map(|p| p.tag.clone()),
    }
}

fn all_articles(ui: &mut Ui, newsroom: &Newsroom, format: Format) -> Result<u8, CommandError> {
    let slugs = newsroom.store.slugs()?;
    let mut table = new_table(
        &[
            "ARTICLE",
            "PENDING",
            "CHANGES",
            "STALE",
            "APPROVED",
            "PUBLISHED",
            "UNTRACKED",
            "EXEMPT",
            "STATE",
            "TAG",
        ],
        ui.width,
    );
    for slug in &slugs {
        let status = status_of(newsroom, slug)?;
        let row = article_row(slug, &status);
        if format == Format::Json {
            ui.json(&row)?;
            continue;
        }
        let untracked = if row.untracked > 0 {
            ui.paint(&Style::new().red(), &row.untracked.to_string())
        } else {
            "0".to_string()
        };
        table.add_row(vec![
            row.article.clone(),
            row.pending.to_string(),
            row.changes_requested.to_string(),
            row.stale.to_string(),
            row.approved.to_string(),
            row.published.to_string(),
            untracked,
            row.exempt.to_string(),
            paint_article_state(ui, row.state),
            row.tag.clone().unwrap_or_else(|| "-".into()),
        ]);
    }
    if format == Format::Human {
        if slugs.is_empty() {
            ui.status("No articles.");
        } else {
            ui.line(table.to_string())?;
        }
    }
    Ok(0)
}

fn one_article(
    ui: &mut Ui,
    newsroom: &Newsroom,
    slug: &str,
    format: Format,
) -> Result<u8, CommandError> {
    let status = status_of(newsroom, slug)?;
    let report = &status.report;
    let mut rows: Vec<(QuotationRow, Option<State>)> = report
        .quotations
        .iter()
        .map(|q| {
            let state = match q.status {
                "matched" => q.state.map_or("untracked".to_string(), |s| s.to_string()),
                other => other.to_string(),
            };
            let quote_state = if q.status == "matched" { q.state } else { None };
            (
                QuotationRow {
                    kind: "quotation",
                    line: Some(q.line),
                    column: Some(q.column),
                    text: q.text.clone(),
                    quote: q.quote.clone(),
                    state,
                },
                quote_state,
            )
        })
        .collect();
    for id in &report.orphans {
        let state = report
            .records
            .iter()
            .find(|(rid, _)| rid == id)
            .map(|(_, s)| *s);
        let r = crate::store::QuoteRef {
            slug: slug.to_string(),
            id: id.clone(),
        };
        let text = newsroom
            .store
            .load(&r)
            .map(|q| q.current().english().to_string())
            .unwrap_or_default();
        rows.push((
            QuotationRow {
                kind: "record",
                line: None,
                column: None,
                text,
                quote: Some(r.to_string()),
                state: state.map_or("invalid".to_string(), |s| s.to_string()),
            },
            state,
        ));
    }
    if format == Format::Json {
        for (row, _) in &rows {
            ui.json(row)?;
        }
        return Ok(0);
    }
    let tag = status
        .latest()
        .map(|p| format!(" (latest: {})", p.tag))
        .unwrap_or_default();
    ui.line(format!(
        "{slug}: {}{tag}",
        paint_article_state(ui, status.state)
    ))?;
    if rows.is_empty() {
        ui.status("No quotations and no quote records.");
        return Ok(0);
    }
    let mut table = new_table(&["LINE", "QUOTATION", "QUOTE", "STATE"], ui.width);
    for (row, state) in &rows {
        let shown_state = match state {
            Some(s) => ui.state(*s),
            None if row.state == "exempt" => ui.paint(&Style::new().dim(), &row.state),
            None => ui.paint(&Style::new().red(), &row.state),
        };
        table.add_row(vec![
            row.line.map_or("-".to_string(), |l| l.to_string()),
            ellipsize(&sanitize_inline(&row.text), 60),
            row.quote.clone().unwrap_or_else(|| "-".into()),
            shown_state,
        ]);
    }
    ui.line(table.to_string())?;
    Ok(0)
}

fn paint_article_state(ui: &Ui, state: ArticleState) -> String {
    let style = match state {
        ArticleState::Draft => Style::new().yellow(),
        ArticleState::Ready => Style::new().green(),
        ArticleState::Published => Style::new().green().bold(),
        ArticleState::ChangedSincePublication => Style::new().red(),
        ArticleState::CorrectionPending => Style::new().magenta(),
    };
    ui.paint(&style, state.as_str())
}
