//! The interactive review session: a walk through every quote that needs
//! review. A [`Decider`] only *returns* a decision; [`Session::apply`]
//! writes it. Each decision is written and committed as it is made, by
//! amending the session's one commit, so quitting or Ctrl-C loses nothing
//! decided before.

use console::Style;

use crate::error::CommandError;
use crate::newsroom::Newsroom;
use crate::quote::{Person, Quote, Revision, State, Verdict};
use crate::render::diff::{render, word_diff};
use crate::render::{sanitize, sanitize_inline};
use crate::repo::{Moment, commit_message};
use crate::store::{QuoteRef, Store, serialize_record};

/// A quote waiting for review, with everything the screen shows.
pub struct Item {
    /// The quote.
    pub quote_ref: QuoteRef,
    /// Its record.
    pub quote: Quote,
    /// Its state.
    pub state: State,
    /// Where its text appears in the article: (line, the line's text).
    pub locations: Vec<(usize, String)>,
    /// Approved translations of similar originals (translation memory).
    pub suggestions: Vec<crate::quality::Suggestion>,
}

/// What the reviewer decided for one quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Approve the current revision.
    Approve,
    /// Request changes, with a comment.
    RequestChanges(String),
    /// Replace the translation with this text, noting why.
    Edit {
        /// The new translation.
        translation: String,
        /// The revision note.
        note: String,
    },
    /// Leave it for later.
    Skip,
    /// Stop the session here.
    Quit,
}

/// Asks for decisions. The terminal implementation uses dialoguer; tests
/// can script one.
pub trait Decider {
    /// Shows `screen` and returns the decision on `item`. `can_approve` is
    /// false when the reviewer wrote the current revision.
    fn decide(
        &mut self,
        item: &Item,
        screen: &str,
        can_approve: bool,
    ) -> Result<Decision, CommandError>;
    /// Reports a refusal or note to the reviewer.
    fn tell(&mut self, message: &str);
}

/// What happened to each quote in a session.
#[derive(Debug, Default)]
pub struct Summary {
    /// Approved quotes.
    pub approved: Vec<String>,
    /// Quotes with changes requested.
    pub changes_requested: Vec<String>,
    /// Quotes edited (a new revision by the reviewer).
    pub edited: Vec<String>,
    /// Quotes skipped or not reached.
    pub skipped: Vec<String>,
    /// The session's commit, if any decision was written.
    pub commit: Option<git2::Oid>,
}

/// One review session.
pub struct Session<'a> {
    newsroom: &'a Newsroom,
    reviewer: Person,
    moment: Moment,
    no_commit: bool,
    /// Signs each verdict, when signing is required or asked for.
    pub signer: Option<crate::signing::Signer>,
    /// What was decided so far.
    pub summary: Summary,
}

impl<'a> Session<'a> {
    /// A session for `reviewer`.
    pub fn new(
        newsroom: &'a Newsroom,
        reviewer: Person,
        moment: Moment,
        no_commit: bool,
    ) -> Session<'a> {
        Session {
            newsroom,
            reviewer,
            moment,
            no_commit,
            signer: None,
            summary: Summary::default(),
        }
    }

    /// Walks through `items`, asking `decider` and applying each decision.
    pub fn run(
        &mut self,
        items: Vec<Item>,
        decider: &mut dyn Decider,
        color: bool,
    ) -> Result<(), CommandError> {
        let total = items.len();
        let mut pending = items.into_iter().enumerate();
        while let Some((i, mut item)) = pending.next() {
            let can_approve = !item.quote.current().author.same_as(&self.reviewer);
            let screen = render_item(&item, i + 1, total, self.newsroom, color);
            let decision = decider.decide(&item, &screen, can_approve)?;
            if decision == Decision::Quit {
                self.summary.skipped.push(item.quote_ref.to_string());
                self.summary
                    .skipped
                    .extend(pending.map(|(_, it)| it.quote_ref.to_string()));
                break;
            }
            if let Err(message) = self.apply(&mut item, decision) {
                decider.tell(&message);
                self.summary.skipped.push(item.quote_ref.to_string());
            }
        }
        Ok(())
    }

    /// Writes one decision to the record and the session commit.
    pub fn apply(&mut self, item: &mut Item, decision: Decision) -> Result<(), String> {
        let name = item.quote_ref.to_string();
        let loaded = item.quote.clone();
        let quote = &mut item.quote;
        let (verdict, comment) = match decision {
            Decision::Approve => (Some(Verdict::Approved), None),
            Decision::RequestChanges(c) => (Some(Verdict::ChangesRequested), Some(c)),
            Decision::Edit { translation, note } => {
                let cur = quote.current().clone();
                if cur.translation.as_deref() == Some(translation.as_str()) {
                    return Err(format!(
                        "{name}: the translation is unchanged; nothing recorded"
                    ));
                }
                if let Err(e) = crate::commands::check_text("translation", &translation) {
                    return Err(e.message);
                }
                quote.revisions.push(Revision {
                    number: cur.number + 1,
                    original: cur.original.clone(),
                    translation: Some(translation),
                    author: self.reviewer.clone(),
                    at: self.moment.rfc3339.clone(),
                    note: Some(note),
                });
                (None, None)
            }
            Decision::Skip | Decision::Quit => {
                self.summary.skipped.push(name);
                return Ok(());
            }
        };
        if let Some(verdict) = verdict {
            let changed = super::record_verdict(
                quote,
                &name,
                verdict,
                &self.reviewer,
                comment,
                &self.moment.rfc3339,
                &self.newsroom.policy,
            )
            .map_err(|e| e.to_string())?;
            if changed
                && let Some(signer) = &self.signer
                && let Some(review) = quote.reviews.last_mut()
            {
                signer
                    .sign_review(&name, review)
                    .map_err(|e| e.to_string())?;
            }
        }
        match verdict {
            Some(Verdict::Approved) => self.summary.approved.push(name.clone()),
            Some(Verdict::ChangesRequested) => self.summary.changes_requested.push(name.clone()),
            None => self.summary.edited.push(name.clone()),
        }
        let changes = vec![(
            Store::record_rel_path(&item.quote_ref),
            serialize_record(quote).into_bytes(),
        )];
        self.write(&item.quote_ref, &loaded, &changes).map_err(|e| {
            // Undo the bookkeeping of a decision that could not be written.
            for list in [
                &mut self.summary.approved,
                &mut self.summary.changes_requested,
                &mut self.summary.edited,
            ] {
                if list.last() == Some(&name) {
                    list.pop();
                }
            }
            e.message
        })
    }

    /// Writes the record and amends the session commit, under verbatim's
    /// lock (taken only for the write, so others can work while the editor
    /// reads), after checking nobody changed the record since it was shown.
    fn write(
        &mut self,
        r: &QuoteRef,
        loaded: &Quote,
        changes: &crate::newsroom::Changes,
    ) -> Result<(), CommandError> {
        let _lock = self.newsroom.repo.lock()?;
        match self.newsroom.store.load(r) {
            Ok(now) if now == *loaded => {}
            _ => {
                return Err(CommandError::usage(format!(
                    "{r} changed while you were reviewing it; nothing recorded, run `verbatim review` again"
                )));
            }
        }
        if !self.no_commit {
            self.newsroom.repo.check_git_locks()?;
        }
        for (rel, bytes) in changes {
            crate::store::write_atomic(&self.newsroom.store.abs(rel), bytes)?;
        }
        if self.no_commit {
            return Ok(());
        }
        let paths: Vec<String> = changes.iter().map(|(p, _)| p.clone()).collect();
        let message = self.commit_message();
        match self.newsroom.repo.commit_paths_amending(
            self.summary.commit,
            &paths,
            &message,
            &self.reviewer,
            &self.moment,
        ) {
            Ok(oid) => {
                self.summary.commit = Some(oid);
                Ok(())
            }
            Err(e) => {
                // Put the record back as it was: nothing half-done.
                let _ = self.newsroom.store.save(r, loaded);
                Err(e.into())
            }
        }
    }

    fn commit_message(&self) -> String {
        let s = &self.summary;
        let mut body = String::new();
        for (label, list) in [
            ("approved", &s.approved),
            ("changes requested", &s.changes_requested),
            ("edited", &s.edited),
        ] {
            for q in list {
                body.push_str(&format!("{label}: {q}\n"));
            }
        }
        let mut quotes: Vec<String> = s
            .approved
            .iter()
            .chain(&s.changes_requested)
            .chain(&s.edited)
            .cloned()
            .collect();
        quotes.sort();
        quotes.dedup();
        commit_message(
            "review",
            &format!(
                "review ({} approved, {} changes requested, {} edited)",
                s.approved.len(),
                s.changes_requested.len(),
                s.edited.len()
            ),
            Some(&body),
            &quotes,
        )
    }
}

/// The screen for one quote: where it comes from, the original, the
/// translation, the diff against what was approved before, where the
/// article quotes it, and its state.
pub fn render_item(
    item: &Item,
    n: usize,
    total: usize,
    newsroom: &Newsroom,
    color: bool,
) -> String {
    let paint = |style: Style, text: &str| {
        if color {
            style.force_styling(true).apply_to(text).to_string()
        } else {
            text.to_string()
        }
    };
    let q = &item.quote;
    let cur = q.current();
    let mut s = String::new();
    s.push_str(&format!(
        "── {n}/{total}  {}  {}  (revision {})\n",
        paint(Style::new().bold(), &item.quote_ref.to_string()),
        item.state,
        cur.number
    ));
    s.push_str(&format!(
        "article     {}\n",
        Store::article_rel_path(&item.quote_ref.slug)
    ));
    s.push_str(&format!("speaker     {}\n", sanitize_inline(&q.speaker)));
    let mut place = Vec::new();
    if let Some(x) = &q.source {
        place.push(sanitize_inline(x));
    }
    if let Some(x) = &q.said_on {
        place.push(x.clone());
    }
    if let Some(x) = &q.timecode {
        place.push(format!("at {}", sanitize_inline(x)));
    }
    if !place.is_empty() {
        s.push_str(&format!("said        {}\n", place.join(", ")));
    }
    if let Some(u) = &q.source_url {
        s.push_str(&format!("url         {}\n", sanitize_inline(u)));
    }
    s.push_str(&format!(
        "by          {} ({})\n",
        sanitize_inline(&cur.author.to_string()),
        cur.note
            .as_deref()
            .map(sanitize_inline)
            .unwrap_or_else(|| "no note".into())
    ));
    s.push_str(&format!(
        "\n{} ({})\n",
        paint(Style::new().bold(), "Original"),
        q.original_lang
    ));
    s.push_str(&indent(&sanitize(&cur.original)));
    if let Some(t) = &cur.translation {
        s.push_str(&format!(
            "\n{}\n",
            paint(Style::new().bold(), "Translation")
        ));
        s.push_str(&indent(&sanitize(t)));
    }
    let rules = newsroom.policy.rules();
    let base = q
        .last_approved_revision(&rules)
        .map(|r| (r, "last approved"))
        .or_else(|| {
            q.revisions
                .len()
                .checked_sub(2)
                .map(|i| (&q.revisions[i], "previous"))
        });
    if let Some((base, label)) = base
        && base.number != cur.number
    {
        s.push_str(&format!(
            "\n{}\n",
            paint(
                Style::new().bold(),
                &format!("Changes since revision {} ({label})", base.number)
            )
        ));
        if base.original != cur.original {
            s.push_str(&indent(&format!(
                "original: {}",
                render(&word_diff(&base.original, &cur.original), color)
            )));
        }
        if base.translation != cur.translation {
            s.push_str(&indent(&render(
                &word_diff(base.english(), cur.english()),
                color,
            )));
        }
    }
    if !item.suggestions.is_empty() {
        s.push_str(&format!(
            "\n{}\n",
            paint(Style::new().bold(), "Translation memory")
        ));
        for m in &item.suggestions {
            s.push_str(&format!(
                "  {:.2}  {}  {}\n        {}\n",
                m.similarity,
                m.quote,
                sanitize_inline(&m.speaker),
                crate::render::ellipsize(&sanitize_inline(&m.translation), 100)
            ));
        }
    }
    let quality = crate::quality::record_findings(&newsroom.policy, &item.quote_ref, q);
    if !quality.is_empty() {
        s.push_str(&format!("\n{}\n", paint(Style::new().bold(), "Quality")));
        for f in &quality {
            let label = format!("{}[{}]", f.severity.as_str(), f.code);
            let label = match f.severity {
                crate::check::Severity::Error => paint(Style::new().red(), &label),
                crate::check::Severity::Warning => paint(Style::new().yellow(), &label),
            };
            // The finding message starts with `SLUG/ID (revision N): `,
            // which the screen already shows.
            let message = f.message.split_once("): ").map_or(&*f.message, |m| m.1);
            s.push_str(&format!("  {label} {}\n", sanitize_inline(message)));
        }
    }
    if let Some(last) = q.reviews.last() {
        s.push_str(&format!(
            "\nlast review {} by {} on revision {}{}\n",
            last.verdict.as_str(),
            sanitize_inline(&last.reviewer.to_string()),
            last.revision,
            last.comment
                .as_deref()
                .map(|c| format!(": {}", sanitize_inline(c)))
                .unwrap_or_default()
        ));
    }
    s.push_str(&format!(
        "\n{}\n",
        paint(Style::new().bold(), "In the article")
    ));
    if item.locations.is_empty() {
        s.push_str("  (not quoted in the article yet)\n");
    }
    for (line, text) in &item.locations {
        s.push_str(&format!(
            "  {line:>4} │ {}\n",
            crate::render::ellipsize(&sanitize_inline(text), 100)
        ));
    }
    s
}

fn indent(text: &str) -> String {
    let mut s = String::new();
    for line in text.lines() {
        s.push_str("  ");
        s.push_str(line);
        s.push('\n');
    }
    s
}

/// The decider for people at a terminal.
pub struct TerminalDecider;

impl Decider for TerminalDecider {
    fn decide(
        &mut self,
        item: &Item,
        screen: &str,
        can_approve: bool,
    ) -> Result<Decision, CommandError> {
        let term = console::Term::stderr();
        let _ = term.write_line(screen);
        let mut labels = Vec::new();
        if can_approve {
            labels.push("approve");
        }
        labels.extend(["request changes", "edit translation"]);
        let reuse: Vec<String> = item
            .suggestions
            .iter()
            .filter(|m| {
                item.quote.current().translation.is_some()
                    && item.quote.current().translation.as_deref() != Some(m.translation.as_str())
            })
            .map(|m| format!("use the translation of {}", m.quote))
            .collect();
        labels.extend(reuse.iter().map(String::as_str));
        labels.extend(["skip", "quit"]);
        if !can_approve {
            let _ = term.write_line("You wrote this revision, so you cannot approve it.");
        }
        let fail = |e: dialoguer::Error| CommandError::internal(format!("prompt failed: {e}"));
        let choice = dialoguer::Select::new()
            .with_prompt(format!("{}: decision", item.quote_ref))
            .items(&labels)
            .default(0)
            .interact_on(&term)
            .map_err(fail)?;
        Ok(match labels[choice] {
            "approve" => Decision::Approve,
            "request changes" => {
                let comment: String = dialoguer::Input::new()
                    .with_prompt("What should change?")
                    .interact_text_on(&term)
                    .map_err(fail)?;
                Decision::RequestChanges(comment)
            }
            "edit translation" => {
                let current = item.quote.current().english().to_string();
                match dialoguer::Editor::new().edit(&current).map_err(fail)? {
                    Some(text) => {
                        let text = text.trim_end_matches('\n').to_string();
                        let note: String = dialoguer::Input::new()
                            .with_prompt("Why (revision note)")
                            .default("edited during review".into())
                            .interact_text_on(&term)
                            .map_err(fail)?;
                        Decision::Edit {
                            translation: text,
                            note,
                        }
                    }
                    None => Decision::Skip,
                }
            }
            "skip" => Decision::Skip,
            "quit" => Decision::Quit,
            other => {
                let quote = other.trim_start_matches("use the translation of ");
                match item.suggestions.iter().find(|m| m.quote == quote) {
                    Some(m) => Decision::Edit {
                        translation: m.translation.clone(),
                        note: format!("reused the approved translation of {quote}"),
                    },
                    None => Decision::Skip,
                }
            }
        })
    }

    fn tell(&mut self, message: &str) {
        let _ = console::Term::stderr().write_line(&sanitize(message));
    }
}
