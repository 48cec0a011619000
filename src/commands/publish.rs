//! `verbatim publish`: the publish gate, the publication record and its tag.

use std::path::Path;

use clap::Args;

use crate::error::CommandError;
use crate::newsroom::Newsroom;
use crate::publication::{Publication, serialize};
use crate::publishing::{PlanError, plan, tag_message};
use crate::repo::{self, commit_message};
use crate::store::{Store, validate_slug};
use crate::ui::Ui;

/// Publish an article behind the check gate, and tag it.
///
/// Publish an article: record which revision of each quote went out, commit
/// that record (publications/SLUG/N.toml) and tag the commit
/// `published/SLUG/N`.
///
/// Refuses (exit 1, writing nothing) and names every reason when the article
/// or its quote records have uncommitted changes, when `verbatim check`
/// finds an error in the article, when the tag already exists, or when
/// nothing changed since the last publication. Publishing again after a
/// correction records N+1 and lists the corrected quotes. A publication
/// committed but never tagged (an interrupted publish) is tagged instead.
///
/// Examples:
///   verbatim publish sheinbaum-call --dry-run
///   verbatim publish sheinbaum-call
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct PublishArgs {
    /// The article to publish.
    #[arg(add = clap_complete::ArgValueCompleter::new(super::completions::complete_slug))]
    pub slug: String,
    /// Run the gate and show what would be recorded; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// Runs `publish`.
pub fn run(ui: &mut Ui, dir: &Path, args: &PublishArgs) -> Result<u8, CommandError> {
    validate_slug(&args.slug)?;
    let newsroom = Newsroom::open(dir)?;
    if !args.dry_run {
        // The gate and the write see the same files: nobody changes them in between.
        newsroom.hold_lock()?;
    }
    let slug = &args.slug;
    if !newsroom.store.article_exists(slug) {
        return Err(CommandError::usage(format!(
            "no article `{slug}`: {} does not exist",
            Store::article_rel_path(slug)
        )));
    }
    let publisher = newsroom.repo.identity()?;
    let moment = repo::now()?;
    if let Some(code) = tag_untagged_publication(ui, &newsroom, slug, args, &publisher, &moment)? {
        return Ok(code);
    }
    let plan = plan(
        &newsroom.repo,
        &newsroom.store,
        &newsroom.policy,
        slug,
        &publisher,
        &moment,
    )
    .map_err(|e| match e {
        PlanError::Status(e) => CommandError::usage(e.to_string()),
        PlanError::Repo(e) => e.into(),
    })?;
    let p = &plan.publication;
    if !plan.refusals.is_empty() {
        let mut msg = format!(
            "cannot publish {slug}: {} reason{}",
            plan.refusals.len(),
            if plan.refusals.len() == 1 { "" } else { "s" }
        );
        for reason in &plan.refusals {
            msg.push_str("\n  - ");
            msg.push_str(reason);
        }
        return Err(CommandError::gate(msg).with_hint(format!(
            "fix every reason above, then run `verbatim publish {slug}` again; `verbatim status {slug}` shows each quotation"
        )));
    }

    let rel = Publication::rel_path(slug, p.number);
    if args.dry_run {
        ui.line(format!(
            "Would publish {slug} as publication {} and tag {}:",
            p.number, p.tag
        ))?;
        describe(ui, p)?;
        ui.line(format!(
            "Would write and commit {rel}. Nothing was written."
        ))?;
        return Ok(0);
    }

    let body = if p.corrections.is_empty() {
        None
    } else {
        Some(format!(
            "Corrections: {}",
            p.corrections
                .iter()
                .map(|id| format!("{slug}/{id}"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    };
    let quotes: Vec<String> = p
        .quotes
        .iter()
        .map(|q| format!("{slug}/{}", q.id))
        .collect();
    let message = commit_message(
        "publish",
        &format!("publish {slug} ({})", p.number),
        body.as_deref(),
        &quotes,
    );
    let changes = vec![(rel.clone(), serialize(p).into_bytes())];
    let commit = newsroom
        .write_and_commit(&changes, &message, &publisher, &moment, false)?
        .ok_or_else(|| CommandError::internal("the publication commit was not made"))?;
    if let Err(e) = newsroom
        .repo
        .create_tag(&p.tag, commit, &tag_message(p), &publisher, &moment)
    {
        return Err(CommandError::internal(format!(
            "publication {} of {slug} is recorded in commit {commit} ({rel}), but the tag {} could not be created: {e}",
            p.number, p.tag
        ))
        .with_hint(format!(
            "create it by hand: git tag -a {} {commit} -m \"Publish {slug} ({})\"",
            p.tag, p.number
        )));
    }
    ui.status(format!(
        "Published {slug} ({}): recorded {rel} in commit {:.12} and tagged {}.",
        p.number,
        commit.to_string(),
        p.tag
    ));
    if !ui.quiet {
        describe(ui, p)?;
    }
    Ok(0)
}

/// The latest publication of `slug` is committed (the file on disk is
/// HEAD's) but its tag is missing: a `publish` killed between its commit and
/// its tag. Tags the commit that recorded it, and says so. `None` when
/// there is nothing to finish.
fn tag_untagged_publication(
    ui: &mut Ui,
    newsroom: &Newsroom,
    slug: &str,
    args: &PublishArgs,
    publisher: &crate::quote::Person,
    moment: &repo::Moment,
) -> Result<Option<u8>, CommandError> {
    let Some(p) = crate::publication::latest(&newsroom.store, slug)
        .map_err(|e| CommandError::usage(e.to_string()))?
    else {
        return Ok(None);
    };
    if newsroom.repo.tag_exists(&p.tag) {
        return Ok(None);
    }
    let rel = Publication::rel_path(slug, p.number);
    // Uncommitted (killed before the commit): the gate names the file.
    let Some(blob) = newsroom.repo.blob_at_head(&rel)? else {
        return Ok(None);
    };
    let on_disk = std::fs::read(newsroom.store.abs(&rel))
        .ok()
        .and_then(|bytes| git2::Oid::hash_object(git2::ObjectType::Blob, &bytes).ok());
    if on_disk != Some(blob) {
        return Ok(None);
    }
    let git = &newsroom.repo.git;
    let mut index = crate::history_index::HistoryIndex::open(git);
    let Some(commit) = crate::history::adding_commit(git, &mut index, &rel)? else {
        return Ok(None);
    };
    if args.dry_run {
        ui.line(format!(
            "Would tag commit {:.12}, which recorded publication {} of {slug}, as {}: a publish was interrupted before its tag. Nothing was written.",
            commit.to_string(),
            p.number,
            p.tag
        ))?;
        return Ok(Some(0));
    }
    index.save();
    newsroom
        .repo
        .create_tag(&p.tag, commit, &tag_message(&p), publisher, moment)?;
    ui.status(format!(
        "Publication {} of {slug} was recorded in commit {:.12} but never tagged (an interrupted publish); tagged it {} now.",
        p.number,
        commit.to_string(),
        p.tag
    ));
    Ok(Some(0))
}

/// Lists the quotes of a publication and its corrections.
fn describe(ui: &mut Ui, p: &Publication) -> Result<(), CommandError> {
    for q in &p.quotes {
        let mark = if p.corrections.contains(&q.id) {
            "  (correction)"
        } else {
            ""
        };
        ui.line(format!(
            "  {}/{} revision {}{mark}",
            p.article, q.id, q.revision
        ))?;
    }
    if !p.corrections.is_empty() {
        ui.line(format!(
            "Corrections since publication {}: {}",
            p.number - 1,
            p.corrections.join(", ")
        ))?;
    }
    Ok(())
}
