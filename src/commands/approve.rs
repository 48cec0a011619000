//! `verbatim approve` and `verbatim request-changes`: a verdict on the
//! current revision, without the interactive walk.

use std::path::Path;

use clap::Args;

use super::{check_text, text_arg};
use crate::error::CommandError;
use crate::newsroom::Newsroom;
use crate::quote::Verdict;
use crate::repo::{self, commit_message};
use crate::review::record_verdict;
use crate::store::{QuoteRef, Store, serialize_record};
use crate::ui::Ui;

/// Approve the current revision of a quote.
///
/// Approve the current revision of a quote: you vouch that the translation
/// is faithful to the original. The approval binds to the exact text: any
/// change of words later makes it stale. You cannot approve a revision you
/// wrote.
///
/// Examples:
///   verbatim approve sheinbaum-call/no-necesario
///   verbatim approve sheinbaum-call/no-necesario --comment "checked against the video"
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ApproveArgs {
    /// The quote, as SLUG/ID.
    #[arg(value_name = "SLUG/ID", add = clap_complete::ArgValueCompleter::new(super::completions::complete_quote))]
    pub quote: String,
    /// A comment kept with the approval.
    #[arg(long, allow_hyphen_values = true)]
    pub comment: Option<String>,
    /// Write the record but make no commit.
    #[arg(long)]
    pub no_commit: bool,
    /// Sign the approval with your SSH key (git's user.signingkey), even
    /// when verbatim.toml does not require signed reviews.
    #[arg(long)]
    pub sign: bool,
}

/// Ask for changes to the current revision of a quote, saying what.
///
/// Examples:
///   verbatim request-changes sheinbaum-call/no-necesario --comment "'insists on', not 'in'"
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct RequestChangesArgs {
    /// The quote, as SLUG/ID.
    #[arg(value_name = "SLUG/ID", add = clap_complete::ArgValueCompleter::new(super::completions::complete_quote))]
    pub quote: String,
    /// What should change.
    #[arg(long, allow_hyphen_values = true)]
    pub comment: String,
    /// Write the record but make no commit.
    #[arg(long)]
    pub no_commit: bool,
    /// Sign the request with your SSH key (git's user.signingkey), even
    /// when verbatim.toml does not require signed reviews.
    #[arg(long)]
    pub sign: bool,
}

/// Runs `approve`.
pub fn run_approve(ui: &mut Ui, dir: &Path, args: &ApproveArgs) -> Result<u8, CommandError> {
    verdict(
        ui,
        dir,
        &args.quote,
        Verdict::Approved,
        args.comment.as_deref(),
        args.no_commit,
        args.sign,
    )
}

/// Runs `request-changes`.
pub fn run_request_changes(
    ui: &mut Ui,
    dir: &Path,
    args: &RequestChangesArgs,
) -> Result<u8, CommandError> {
    verdict(
        ui,
        dir,
        &args.quote,
        Verdict::ChangesRequested,
        Some(&args.comment),
        args.no_commit,
        args.sign,
    )
}

fn verdict(
    ui: &mut Ui,
    dir: &Path,
    quote_arg: &str,
    verdict: Verdict,
    comment: Option<&str>,
    no_commit: bool,
    sign: bool,
) -> Result<u8, CommandError> {
    let r = QuoteRef::parse(quote_arg)?;
    let newsroom = Newsroom::open_for_change(dir)?;
    let mut quote = newsroom.store.load(&r)?;
    let mut stdin_taken = false;
    let comment = comment
        .map(|c| text_arg("comment", c, &mut stdin_taken))
        .transpose()?;
    if let Some(c) = &comment {
        check_text("comment", c)?;
    }
    let reviewer = newsroom.repo.identity()?;
    let signer = signer_for(&newsroom, sign)?;
    let moment = repo::now()?;
    if verdict == Verdict::ChangesRequested
        && !no_commit
        && request_left_uncommitted(&newsroom, &r, &quote, &reviewer, comment.as_deref())?
    {
        // A `request-changes` killed between its write and its commit: the
        // rerun finishes it instead of asking a second time.
        let number = quote.current().number;
        let msg = commit_message(
            "request-changes",
            &format!("request-changes {r} (revision {number})"),
            comment.as_deref(),
            &[r.to_string()],
        );
        let rel = Store::record_rel_path(&r);
        let bytes = serialize_record(&quote).into_bytes();
        newsroom.write_and_commit(&vec![(rel, bytes)], &msg, &reviewer, &moment, false)?;
        ui.status(format!(
            "Your request for changes to revision {number} of {r} was written by an interrupted verbatim but never committed; committed it now."
        ));
        return Ok(0);
    }
    let changed = record_verdict(
        &mut quote,
        &r.to_string(),
        verdict,
        &reviewer,
        comment.clone(),
        &moment.rfc3339,
        &newsroom.policy,
    )
    .map_err(|e| CommandError::usage(e.to_string()))?;
    if changed && let Some(signer) = &signer {
        let review = quote
            .reviews
            .last_mut()
            .expect("record_verdict just appended a review");
        signer.sign_review(&r.to_string(), review)?;
    }
    let number = quote.current().number;
    let action = match verdict {
        Verdict::Approved => "approve",
        Verdict::ChangesRequested => "request-changes",
    };
    if !changed {
        if !no_commit && newest_review_left_uncommitted(&newsroom, &r, &quote, &reviewer)? {
            // An `approve` killed between its write and its commit: the
            // rerun finishes it.
            let msg = commit_message(
                action,
                &format!("{action} {r} (revision {number})"),
                None,
                &[r.to_string()],
            );
            let rel = Store::record_rel_path(&r);
            let bytes = serialize_record(&quote).into_bytes();
            newsroom.write_and_commit(
                &vec![(rel.clone(), bytes)],
                &msg,
                &reviewer,
                &moment,
                false,
            )?;
            ui.status(format!(
                "Your approval of revision {number} of {r} was written by an interrupted verbatim but never committed; committed it now."
            ));
            return Ok(0);
        }
        ui.status(format!(
            "You already approved revision {number} of {r}; nothing to do."
        ));
        return Ok(0);
    }
    let changes = vec![(
        Store::record_rel_path(&r),
        serialize_record(&quote).into_bytes(),
    )];
    let msg = commit_message(
        action,
        &format!("{action} {r} (revision {number})"),
        comment.as_deref(),
        &[r.to_string()],
    );
    newsroom.write_and_commit(&changes, &msg, &reviewer, &moment, no_commit)?;
    let latest = newsroom.latest_publication(&r.slug)?;
    let state = newsroom.state_of(&r, &quote, latest.as_ref());
    let what = match verdict {
        Verdict::Approved => "Approved",
        Verdict::ChangesRequested => "Requested changes to",
    };
    ui.status(format!(
        "{what} revision {number} of {r}: now {}",
        ui.state(state)
    ));
    if verdict == Verdict::Approved && !state.is_approved() {
        let have = crate::signing::under_policy(&newsroom.policy, &r, &quote)
            .valid_approvers(&newsroom.policy.rules())
            .len();
        ui.status(format!(
            "{have} of {} required approvals so far.",
            newsroom.policy.required_approvals
        ));
    }
    Ok(0)
}

/// The reviewer's signing key, when the policy requires signed reviews or
/// `--sign` asks for one; found before anything is written, so a missing
/// key refuses the command with nothing changed.
pub fn signer_for(
    newsroom: &Newsroom,
    sign: bool,
) -> Result<Option<crate::signing::Signer>, CommandError> {
    if !(sign || newsroom.policy.require_signed_reviews) {
        return Ok(None);
    }
    let config = newsroom
        .repo
        .git
        .config()
        .map_err(|e| CommandError::internal(format!("cannot read git config: {e}")))?;
    Ok(Some(crate::signing::Signer::from_git_config(&config)?))
}

/// Whether the record's newest review is this reviewer's request for
/// changes to the current content, with this comment, and is the only
/// difference from HEAD's record: a `request-changes` that wrote the record
/// and was killed before committing it.
fn request_left_uncommitted(
    newsroom: &Newsroom,
    r: &QuoteRef,
    quote: &crate::quote::Quote,
    reviewer: &crate::quote::Person,
    comment: Option<&str>,
) -> Result<bool, CommandError> {
    let Some(newest) = quote.reviews.last() else {
        return Ok(false);
    };
    if newest.verdict != Verdict::ChangesRequested
        || newest.comment.as_deref() != comment
        || newest.digest != quote.current_digest()
    {
        return Ok(false);
    }
    newest_review_left_uncommitted(newsroom, r, quote, reviewer)
}

/// Whether the work tree's record differs from HEAD's by exactly one more
/// review, the newest, by `reviewer`: the trace of a verdict written and
/// never committed.
fn newest_review_left_uncommitted(
    newsroom: &Newsroom,
    r: &QuoteRef,
    quote: &crate::quote::Quote,
    reviewer: &crate::quote::Person,
) -> Result<bool, CommandError> {
    let rel = Store::record_rel_path(r);
    let Some(blob) = newsroom.repo.blob_at_head(&rel)? else {
        return Ok(false);
    };
    let Ok(blob) = newsroom.repo.git.find_blob(blob) else {
        return Ok(false);
    };
    let Ok(committed) = crate::store::parse_record(&rel, blob.content()) else {
        return Ok(false);
    };
    let mut without_newest = quote.clone();
    let newest = without_newest.reviews.pop();
    Ok(
        newest.is_some_and(|review| review.reviewer.same_as(reviewer))
            && without_newest == committed,
    )
}
