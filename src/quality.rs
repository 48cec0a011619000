//! Quality checks and translation memory applied to quote records: turns the
//! hits of [`crate::lint`] into [`Finding`]s under the newsroom's policy,
//! finds originals translated inconsistently across articles, and builds a
//! [`Memory`] of approved translations. Pure domain, like `check`.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::check::{Finding, Severity};
use crate::lint::{Check, LintOptions, LintScratch, lint_pair_with};
use crate::matching;
use crate::memory::{Entry, Memory};
use crate::policy::Policy;
use crate::quote::{Quote, State};
use crate::store::{QuoteRef, Store, serialize_record};

/// Code of the cross-article check: one original, several translations.
pub const INCONSISTENT: &str = "inconsistent";

/// Every quality check code `[lint] disabled` and `fail_on` accept.
pub fn known_codes() -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = Check::ALL.iter().map(|c| c.code()).collect();
    codes.push(INCONSISTENT);
    codes
}

/// Whether the policy runs the check `code`.
pub fn enabled(policy: &Policy, code: &str) -> bool {
    !policy.lint.disabled.iter().any(|d| d == code)
}

/// The severity the policy gives the check `code`: warning, unless it is
/// listed in `fail_on`.
pub fn severity(policy: &Policy, code: &str) -> Severity {
    if policy.lint.fail_on.iter().any(|f| f == code) {
        Severity::Error
    } else {
        Severity::Warning
    }
}

/// 1-based line of the current revision's translation (or original, for an
/// English original) in the record file. Record files are written
/// deterministically, so serialising the record gives the file's lines.
pub fn current_text_line(quote: &Quote) -> usize {
    let text = serialize_record(quote);
    let field = if quote.current().translation.is_some() {
        "translation"
    } else {
        "original"
    };
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .rposition(|l| l.trim() == "[[revision]]")
        .unwrap_or(0);
    lines[start..]
        .iter()
        .position(|l| {
            l.strip_prefix(field)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| start + i + 1)
        .unwrap_or(1)
}

thread_local! {
    /// The lint's room, reused from record to record: `check` lints every
    /// record it reads (one thread per article), and allocating the room
    /// anew each time was a tenth of the lint's time.
    static LINT_SCRATCH: std::cell::RefCell<LintScratch> = std::cell::RefCell::default();
}

/// The quality findings of one record's current revision, under `policy`.
pub fn record_findings(policy: &Policy, r: &QuoteRef, quote: &Quote) -> Vec<Finding> {
    // most newsrooms list no renderings of their own: no copy per record then
    let renderings: Vec<(String, String)> = if policy.lint.names.is_empty() {
        Vec::new()
    } else {
        policy
            .lint
            .names
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    let opts = LintOptions {
        known_renderings: &renderings,
        ..LintOptions::default()
    };
    let cur = quote.current();
    let hits = LINT_SCRATCH.with_borrow_mut(|scratch| {
        lint_pair_with(&cur.original, cur.translation.as_deref(), &opts, scratch)
    });
    let hits: Vec<_> = hits
        .into_iter()
        .filter(|h| enabled(policy, h.check.code()))
        .collect();
    if hits.is_empty() {
        return Vec::new();
    }
    let line = current_text_line(quote);
    hits.into_iter()
        .map(|h| Finding {
            code: h.check.code(),
            severity: severity(policy, h.check.code()),
            file: Store::record_rel_path(r),
            line,
            column: 1,
            quote: Some(r.to_string()),
            message: format!("{r} (revision {}): {}", cur.number, h.message),
            text: None,
            diff: None,
        })
        .collect()
}

/// `inconsistent` findings: records whose current original, normalised,
/// is also recorded in another article with a different translation. One
/// finding per record whose article is in `selected` (all when `None`).
pub fn inconsistent_findings(
    policy: &Policy,
    records: &[(QuoteRef, Quote)],
    selected: Option<&[String]>,
) -> Vec<Finding> {
    if !enabled(policy, INCONSISTENT) {
        return Vec::new();
    }
    let key = |t: &str| {
        let n = matching::normalize(t);
        let mut chars = n.chars();
        match chars.next() {
            Some(first) => first.to_lowercase().chain(chars).collect::<String>(),
            None => n,
        }
    };
    let mut groups: BTreeMap<String, Vec<(usize, String)>> = BTreeMap::new();
    for (i, (_, q)) in records.iter().enumerate() {
        let cur = q.current();
        if let Some(t) = &cur.translation {
            groups
                .entry(key(&cur.original))
                .or_default()
                .push((i, key(t)));
        }
    }
    let mut findings = Vec::new();
    for members in groups.values().filter(|m| m.len() > 1) {
        for (i, translation) in members {
            let (r, q) = &records[*i];
            if selected.is_some_and(|s| !s.contains(&r.slug)) {
                continue;
            }
            let others: Vec<String> = members
                .iter()
                .filter(|(j, t)| records[*j].0.slug != r.slug && t != translation)
                .map(|(j, _)| {
                    let (o, oq) = &records[*j];
                    format!(
                        "{o} (“{}”)",
                        crate::render::ellipsize(
                            &crate::render::sanitize_inline(oq.current().english()),
                            60
                        )
                    )
                })
                .collect();
            if others.is_empty() {
                continue;
            }
            findings.push(Finding {
                code: INCONSISTENT,
                severity: severity(policy, INCONSISTENT),
                file: Store::record_rel_path(r),
                line: current_text_line(q),
                column: 1,
                quote: Some(r.to_string()),
                message: format!(
                    "{r} translates the same original differently from {}",
                    others.join(", ")
                ),
                text: None,
                diff: None,
            });
        }
    }
    findings
}

/// One approved translation suggested for an original.
#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    /// Similarity of the originals, 0 to 1.
    pub similarity: f64,
    /// The approved quote, `SLUG/ID`.
    pub quote: String,
    /// Its article's slug.
    pub article: String,
    /// Who said it.
    pub speaker: String,
    /// Its original.
    pub original: String,
    /// Its approved translation.
    pub translation: String,
}

/// The translation memory of a newsroom: approved (or published) records
/// with a translation, and their speakers.
#[derive(Default)]
pub struct ApprovedMemory {
    memory: Memory,
    speakers: BTreeMap<String, String>,
}

impl ApprovedMemory {
    /// Builds the memory from every readable record of every article;
    /// unreadable records and publications are left out (`check` reports them).
    pub fn build(store: &Store, policy: &Policy) -> ApprovedMemory {
        let mut out = ApprovedMemory::default();
        let rules = policy.rules();
        for slug in store.slugs().unwrap_or_default() {
            let latest = crate::publication::latest(store, &slug).ok().flatten();
            let (records, _) = crate::check::load_records(store, &slug);
            for (r, q) in records {
                let state = q.state(&rules, latest.as_ref().and_then(|p| p.digest_of(&r.id)));
                if !matches!(state, State::Approved | State::Published) {
                    continue;
                }
                let cur = q.current();
                let Some(translation) = &cur.translation else {
                    continue;
                };
                out.speakers.insert(r.to_string(), q.speaker.clone());
                out.memory.insert(Entry {
                    key: r.to_string(),
                    original: cur.original.clone(),
                    translation: translation.clone(),
                });
            }
        }
        out
    }

    /// Number of approved translations remembered.
    pub fn len(&self) -> usize {
        self.memory.len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.memory.is_empty()
    }

    /// The best matches for `original` with similarity ≥ `min`, best first.
    pub fn suggest(&self, original: &str, min: f64, limit: usize) -> Vec<Suggestion> {
        self.memory
            .lookup(original, min, limit)
            .into_iter()
            .map(|(similarity, e)| Suggestion {
                similarity,
                quote: e.key.clone(),
                article: e.key.split('/').next().unwrap_or_default().to_string(),
                speaker: self.speakers.get(&e.key).cloned().unwrap_or_default(),
                original: e.original.clone(),
                translation: e.translation.clone(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quote::{Origin, Person, Revision, SCHEMA_VERSION};

    fn quote(original: &str, translation: &str) -> Quote {
        Quote {
            schema: SCHEMA_VERSION,
            speaker: "Claudia Sheinbaum".into(),
            original_lang: "es".into(),
            origin: Origin::Own,
            source: None,
            source_url: None,
            said_on: None,
            timecode: None,
            revisions: vec![Revision {
                number: 1,
                original: original.into(),
                translation: Some(translation.into()),
                author: Person {
                    name: "Ana".into(),
                    email: "ana@example.org".into(),
                },
                at: "2026-01-13T10:00:00Z".into(),
                note: None,
            }],
            reviews: Vec::new(),
        }
    }

    fn r(s: &str) -> QuoteRef {
        QuoteRef::parse(s).unwrap()
    }

    #[test]
    fn numbers_follow_policy() {
        let q = quote("Hubo 72 muertos.", "There were 27 dead.");
        let mut policy = Policy::default();
        let f = record_findings(&policy, &r("a/b"), &q);
        // 72 lost and 27 added.
        assert_eq!(f.len(), 2, "{f:?}");
        assert!(f.iter().all(|f| f.code == "numbers"));
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(f[0].file, "translations/a/b.toml");
        let text = serialize_record(&q);
        let line = text.lines().nth(f[0].line - 1).unwrap();
        assert!(line.starts_with("translation"), "{line}");
        policy.lint.fail_on = vec!["numbers".into()];
        assert_eq!(
            record_findings(&policy, &r("a/b"), &q)[0].severity,
            Severity::Error
        );
        policy.lint.disabled = vec!["numbers".into()];
        assert!(record_findings(&policy, &r("a/b"), &q).is_empty());
    }

    #[test]
    fn inconsistent_needs_two_articles() {
        let records = vec![
            (r("a/x"), quote("No es necesario.", "It is not necessary.")),
            (r("a/y"), quote("No es necesario.", "It isn't needed.")),
            (r("b/z"), quote("no es  necesario.", "It is not necessary.")),
            (r("c/w"), quote("No es necesario.", "There is no need.")),
        ];
        let policy = Policy::default();
        let f = inconsistent_findings(&policy, &records, Some(&["b".to_string()]));
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("a/y") && f[0].message.contains("c/w"));
        assert!(!f[0].message.contains("a/x"), "{}", f[0].message);
        assert_eq!(inconsistent_findings(&policy, &records, None).len(), 4);
    }
}
