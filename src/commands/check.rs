//! `verbatim check`: the CI gate.

use std::collections::BTreeSet;
use std::path::Path;

use clap::Args;

use crate::check::{ArticleReport, check_article};
use crate::error::CommandError;
use crate::newsroom::Newsroom;
use crate::render::report;
use crate::store::{ARTICLES_DIR, Store, TRANSLATIONS_DIR, validate_slug};
use crate::ui::Ui;

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// Findings grouped by article, with diffs.
    Human,
    /// JSON Lines: one finding per line.
    Json,
    /// GitHub Actions annotations.
    Github,
    /// JUnit XML: one test case per quotation.
    Junit,
}

/// The CI gate: every quotation must be an approved translation.
///
/// Check that every quotation in the articles is an approved translation:
/// each quotation must match a quote record of its article (a fragment is
/// fine, elisions marked with … or [...]), and that record must be approved.
/// Exit 0 when there is no error, 1 when there is, 2 when the check could
/// not run.
///
/// Examples:
///   verbatim check
///   verbatim check sheinbaum-call --format json
///   verbatim check --changed-since origin/main --format github
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct CheckArgs {
    /// Only these articles (slugs).
    #[arg(add = clap_complete::ArgValueCompleter::new(super::completions::complete_slug))]
    pub slugs: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: CheckFormat,
    /// Only articles whose file, records or publications differ between REV
    /// and the work tree (all articles if verbatim.toml or its
    /// allowed-signers file differs).
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,
    /// Verify review signatures against the allowed-signers file (and the
    /// require_signed_reviews setting) of REV's commit, not the work tree's,
    /// so that a change can't trust its own keys. In CI: `--trust origin/main`.
    #[arg(long, value_name = "REV")]
    pub trust: Option<String>,
    /// Also report every review not introduced by a commit its reviewer
    /// authored (`unverified-review`); walks each record's history.
    #[arg(long)]
    pub verify_history: bool,
}

/// Runs `check`.
pub fn run(ui: &mut Ui, dir: &Path, args: &CheckArgs) -> Result<u8, CommandError> {
    let mut newsroom = Newsroom::open(dir)?;
    if let Some(rev) = &args.trust {
        trust_revision(&mut newsroom, rev)?;
    }
    let mut slugs: Vec<String> = Vec::new();
    for slug in &args.slugs {
        validate_slug(slug)?;
        if !newsroom.store.article_exists(slug) {
            return Err(CommandError::usage(format!(
                "no article `{slug}`: {} does not exist",
                Store::article_rel_path(slug)
            )));
        }
        slugs.push(slug.clone());
    }
    if let Some(rev) = &args.changed_since {
        let changed = changed_slugs(&newsroom, rev)?;
        if args.slugs.is_empty() {
            slugs = changed.into_iter().collect();
        } else {
            slugs.retain(|s| changed.contains(s));
        }
    } else if args.slugs.is_empty() {
        slugs = newsroom.store.slugs()?;
    }
    let progress = crate::progress::Progress::new(slugs.len(), "articles", ui.quiet);
    if args.format != CheckFormat::Junit && !args.verify_history {
        let code = run_streaming(ui, &newsroom, &slugs, args.format, &progress);
        progress.finish();
        return code;
    }
    let mut reports = check_all(&newsroom, &slugs, &progress)?;
    progress.finish();
    if args.verify_history {
        verify_history(&newsroom, &slugs, &mut reports)?;
    }
    let text = match args.format {
        CheckFormat::Human => report::human(&reports, ui.color),
        CheckFormat::Json => report::json_lines(&reports),
        CheckFormat::Github => report::github(&reports),
        CheckFormat::Junit => report::junit(&reports),
    };
    if !(ui.quiet
        && args.format == CheckFormat::Human
        && reports.iter().all(|r| r.findings.is_empty()))
    {
        ui.out().write_all(text.as_bytes())?;
    }
    let errors: usize = reports.iter().map(ArticleReport::errors).sum();
    Ok(if errors > 0 { 1 } else { 0 })
}

/// Articles checked, and their reports held, at a time by the streaming
/// formats: memory stays bounded however large the newsroom.
const BATCH: usize = 2048;

/// `check` in the formats that are a concatenation of per-article output
/// (human, JSON Lines, GitHub), without `--verify-history` (which amends
/// the reports after the fact): batch by batch, printed in slug order, the
/// human summary last. The output is the same as rendering all at once.
fn run_streaming(
    ui: &mut Ui,
    newsroom: &Newsroom,
    slugs: &[String],
    format: CheckFormat,
    progress: &crate::progress::Progress,
) -> Result<u8, CommandError> {
    let (mut errors, mut warnings, mut articles, mut quotations) = (0, 0, 0, 0);
    for batch in slugs.chunks(BATCH) {
        let reports = check_all(newsroom, batch, progress)?;
        errors += reports.iter().map(ArticleReport::errors).sum::<usize>();
        warnings += reports.iter().map(ArticleReport::warnings).sum::<usize>();
        articles += reports.len();
        quotations += reports.iter().map(|r| r.quotations.len()).sum::<usize>();
        let text = match format {
            CheckFormat::Json => report::json_lines(&reports),
            CheckFormat::Github => report::github(&reports),
            _ => report::human_sections(&reports, ui.color),
        };
        ui.out().write_all(text.as_bytes())?;
    }
    // --quiet keeps a clean run silent, as when the report was one string.
    if format == CheckFormat::Human && !(ui.quiet && errors + warnings == 0) {
        let summary = report::human_summary(errors, warnings, articles, quotations, ui.color);
        ui.out().write_all(summary.as_bytes())?;
    }
    Ok(if errors > 0 { 1 } else { 0 })
}

/// Checks the articles, in parallel on all cores, in slug order. Each
/// thread takes the next unchecked article as it finishes one, so a slow
/// article (a long history) or a core busy with other work does not leave
/// the other threads idle.
pub fn check_all(
    newsroom: &Newsroom,
    slugs: &[String],
    progress: &crate::progress::Progress,
) -> Result<Vec<ArticleReport>, CommandError> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    // git2 handles are not shared across threads; the check needs only files.
    let store = &newsroom.store;
    let policy = &newsroom.policy;
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(slugs.len().max(1));
    let next = AtomicUsize::new(0);
    type Checked = Vec<(usize, ArticleReport)>;
    // an error carries the position of its article
    let results: Vec<Result<Checked, (usize, CommandError)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(slug) = slugs.get(i) else {
                            break;
                        };
                        // On an error, no thread takes a new article: those
                        // before it in slug order are all taken already, so
                        // the first error in slug order is still found.
                        let fail = |e: String| {
                            next.fetch_max(slugs.len(), Ordering::Relaxed);
                            (i, CommandError::usage(e))
                        };
                        let latest = crate::publication::latest(store, slug)
                            .map_err(|e| fail(e.to_string()))?;
                        let report = check_article(store, policy, slug, latest.as_ref())
                            .map_err(|e| fail(e.to_string()))?;
                        progress.inc();
                        if report.exists || !report.findings.is_empty() {
                            out.push((i, report));
                        }
                    }
                    Ok(out)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err((0, CommandError::internal("a check thread failed"))))
            })
            .collect()
    });
    let mut checked = Vec::new();
    // the error of the first article in slug order, whichever thread met it
    let mut first_error: Option<(usize, CommandError)> = None;
    for r in results {
        match r {
            Ok(part) => checked.extend(part),
            Err((at, e)) => {
                if first_error.as_ref().is_none_or(|(i, _)| at < *i) {
                    first_error = Some((at, e));
                }
            }
        }
    }
    if let Some((_, e)) = first_error {
        return Err(e);
    }
    checked.sort_unstable_by_key(|(i, _)| *i);
    Ok(checked.into_iter().map(|(_, r)| r).collect())
}

/// Adds `unverified-review` findings (crate::provenance) to the reports.
fn verify_history(
    newsroom: &Newsroom,
    slugs: &[String],
    reports: &mut Vec<ArticleReport>,
) -> Result<(), CommandError> {
    let git = &newsroom.repo.git;
    let mut index = crate::history_index::HistoryIndex::open(git);
    for slug in slugs {
        let (records, _) = crate::check::load_records(&newsroom.store, slug);
        let found =
            crate::provenance::unverified_reviews(git, &mut index, &newsroom.store, &records)
                .map_err(|e| CommandError::internal(format!("reading git history: {e}")))?;
        if found.is_empty() {
            continue;
        }
        let at = match reports.iter().position(|r| &r.slug == slug) {
            Some(at) => at,
            None => {
                reports.push(ArticleReport {
                    slug: slug.clone(),
                    file: Store::article_rel_path(slug),
                    ..ArticleReport::default()
                });
                reports.len() - 1
            }
        };
        let report = &mut reports[at];
        report.findings.extend(found);
        report
            .findings
            .sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    }
    index.save();
    reports.sort_by(|a, b| a.slug.cmp(&b.slug));
    Ok(())
}

/// Slugs whose article file or records differ between `rev` and the work
/// tree: committed since, staged, unstaged, untracked or deleted
/// (crate::changes: REV's tree against HEAD's, then HEAD against the
/// index and the work tree).
///
/// A publication record counts for its article; a change to the policy
/// (`verbatim.toml`, or the allowed-signers file it names) counts for every
/// article, since it can change any article's findings.
pub fn changed_slugs(newsroom: &Newsroom, rev: &str) -> Result<BTreeSet<String>, CommandError> {
    let git = &newsroom.repo.git;
    let tree = tree_at(git, rev, "--changed-since")?;
    let mut policy_files = vec![crate::policy::POLICY_FILE.to_string()];
    policy_files.extend(newsroom.policy.allowed_signers.clone());
    let policy_changed = policy_files.iter().any(|rel| {
        let then = tree
            .get_path(Path::new(rel))
            .ok()
            .and_then(|e| e.to_object(git).ok()?.peel_to_blob().ok())
            .map(|b| b.content().to_vec());
        let now = std::fs::read(newsroom.store.abs(rel)).ok();
        then != now
    });
    if policy_changed {
        return Ok(newsroom.store.slugs()?.into_iter().collect());
    }
    let dirs = [
        ARTICLES_DIR,
        TRANSLATIONS_DIR,
        crate::publication::PUBLICATIONS_DIR,
    ];
    let paths = crate::changes::changed_paths(git, &tree, &dirs)
        .map_err(|e| CommandError::internal(format!("git diff failed: {e}")))?;
    Ok(paths.iter().filter_map(|p| slug_of_path(p)).collect())
}

/// The tree of the commit `rev` names, for the flag `flag`.
fn tree_at<'r>(
    git: &'r git2::Repository,
    rev: &str,
    flag: &str,
) -> Result<git2::Tree<'r>, CommandError> {
    git.revparse_single(rev)
        .and_then(|o| o.peel_to_tree())
        .map_err(|_| {
            CommandError::usage(format!(
                "{flag}: `{rev}` is not a revision of this repository"
            ))
        })
}

fn slug_of_path(path: &str) -> Option<String> {
    let slug = if let Some(rest) = path.strip_prefix("articles/") {
        rest.strip_suffix(".md")?
    } else if let Some(rest) = path.strip_prefix("publications/") {
        rest.split('/').next()?
    } else {
        path.strip_prefix("translations/")?.split('/').next()?
    };
    validate_slug(slug).ok().map(|_| slug.to_string())
}

/// `--trust REV`: signing is required if REV's policy or the work tree's
/// requires it, and the allowed signers are those of REV's tree, read with
/// git2 (the work tree's file is ignored).
fn trust_revision(newsroom: &mut Newsroom, rev: &str) -> Result<(), CommandError> {
    let git = &newsroom.repo.git;
    let tree = tree_at(git, rev, "--trust")?;
    let blob_text = |path: &str| -> Option<String> {
        let entry = tree.get_path(Path::new(path)).ok()?;
        let blob = entry.to_object(git).ok()?.peel_to_blob().ok()?;
        Some(String::from_utf8_lossy(blob.content()).into_owned())
    };
    let trusted = match blob_text(crate::policy::POLICY_FILE) {
        Some(text) => crate::policy::Policy::parse(&text)
            .map_err(|e| CommandError::usage(format!("{e} (at {rev})")))?,
        None => crate::policy::Policy::default(),
    };
    let policy = &mut newsroom.policy;
    policy.require_signed_reviews |= trusted.require_signed_reviews;
    policy.signers = None;
    let Some(rel) = trusted
        .allowed_signers
        .clone()
        .or_else(|| policy.allowed_signers.clone())
    else {
        return Ok(());
    };
    let Some(text) = blob_text(&rel) else {
        if policy.require_signed_reviews {
            return Err(CommandError::usage(format!(
                "--trust: {rev} has no allowed-signers file `{rel}`, so no review signature can be trusted"
            ))
            .with_hint(format!("commit `{rel}` (git's allowed-signers format) to {rev} first")));
        }
        return Ok(());
    };
    policy
        .set_signers(&format!("{rel} (at {rev})"), &text)
        .map_err(|e| CommandError::usage(e.to_string()))?;
    Ok(())
}
