//! `verbatim.toml`: the newsroom's policy — languages, who may approve, how
//! many approvals, the disclosure sentence, quality checks.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::quote::ApprovalRules;
use crate::store::{key_offset, line_col};

/// File name of the policy, at the repository root.
pub const POLICY_FILE: &str = "verbatim.toml";

/// Default disclosure pattern: a regular expression, matched case-insensitively.
pub const DEFAULT_DISCLOSURE: &str = r"translated from (the )?Spanish";

/// The newsroom's policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Schema version of the file.
    #[serde(default = "one")]
    pub schema: u32,
    /// Language the people quoted speak (default `es`).
    #[serde(default = "es")]
    pub source_lang: String,
    /// Language the articles are written in (default `en`).
    #[serde(default = "en")]
    pub target_lang: String,
    /// How many different reviewers must approve (at least 1).
    #[serde(default = "one")]
    pub required_approvals: u32,
    /// If not empty, only these e-mail addresses may approve.
    #[serde(default)]
    pub reviewers: Vec<String>,
    /// Regular expression (case-insensitive) an article with translated
    /// quotations must contain.
    #[serde(default = "disclosure")]
    pub disclosure: String,
    /// Quality checks.
    #[serde(default)]
    pub lint: LintPolicy,
    /// Translation memory.
    #[serde(default)]
    pub memory: MemoryPolicy,
    /// Every review must carry a valid SSH signature by a key that
    /// `allowed_signers` lists for the reviewer (docs/SIGNING.md).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub require_signed_reviews: bool,
    /// The allowed-signers file (git's format), relative to the repository root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_signers: Option<String>,
    /// The allowed signers read from that file (or from a trusted revision,
    /// `check --trust`); not a setting.
    #[serde(skip)]
    pub signers: Option<crate::signing::AllowedSigners>,
}

/// `[lint]`: which quality checks run and which fail the build.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LintPolicy {
    /// Check codes turned off.
    #[serde(default)]
    pub disabled: Vec<String>,
    /// Check codes that are errors rather than warnings.
    #[serde(default)]
    pub fail_on: Vec<String>,
    /// Accepted English renderings of names: `"Ciudad de México" = "Mexico City"`.
    #[serde(default)]
    pub names: std::collections::BTreeMap<String, String>,
}

/// `[memory]`: translation memory settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemoryPolicy {
    /// Smallest similarity (0–1) shown as a suggestion.
    #[serde(default = "min_similarity")]
    pub min_similarity: f64,
}

impl Default for MemoryPolicy {
    fn default() -> Self {
        MemoryPolicy {
            min_similarity: min_similarity(),
        }
    }
}

fn one() -> u32 {
    1
}
fn es() -> String {
    "es".into()
}
fn en() -> String {
    "en".into()
}
fn disclosure() -> String {
    DEFAULT_DISCLOSURE.into()
}
fn min_similarity() -> f64 {
    0.75
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            schema: 1,
            source_lang: es(),
            target_lang: en(),
            required_approvals: 1,
            reviewers: Vec::new(),
            disclosure: disclosure(),
            lint: LintPolicy::default(),
            memory: MemoryPolicy::default(),
            require_signed_reviews: false,
            allowed_signers: None,
            signers: None,
        }
    }
}

/// A policy file that can't be used.
#[derive(Debug, thiserror::Error)]
#[error("{path}:{line}:{column}: {message}")]
pub struct PolicyError {
    /// The file.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// The text `verbatim init` writes.
pub const DEFAULT_POLICY_TEXT: &str = r#"# verbatim policy: docs/FORMAT.md describes every setting.
schema = 1

# Language the people quoted speak, and the language of the articles.
source_lang = "es"
target_lang = "en"

# How many different reviewers must approve a translation (1 or more).
required_approvals = 1

# E-mail addresses allowed to approve; empty means anyone but the translator.
reviewers = []

# An article with translated quotations must say so: a regular expression,
# matched case-insensitively against the article's prose.
disclosure = "translated from (the )?Spanish"

# Signed sign-off (docs/SIGNING.md): every review must carry a valid SSH
# signature by a key the allowed-signers file (git's format) lists for the
# reviewer. `check --trust origin/main` reads that file from the main branch.
require_signed_reviews = false
# allowed_signers = ".verbatim/allowed_signers"

[lint]
# Quality checks to turn off, and those that fail `check` instead of warning.
disabled = []
fail_on = []

[lint.names]
# Accepted English renderings of names in originals.
# "Ciudad de México" = "Mexico City"

[memory]
# Smallest similarity (0 to 1) for translation-memory suggestions.
min_similarity = 0.75
"#;

impl Policy {
    /// Reads `verbatim.toml` under `root`; defaults when it does not exist.
    pub fn load(root: &Path) -> Result<Policy, PolicyError> {
        let path = root.join(POLICY_FILE);
        let whole = |message: String| PolicyError {
            path: POLICY_FILE.into(),
            line: 1,
            column: 1,
            message,
        };
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Policy::default()),
            Err(e) => return Err(whole(format!("cannot read: {e}"))),
        };
        let text = std::str::from_utf8(&bytes).map_err(|_| whole("is not valid UTF-8".into()))?;
        let mut policy = Policy::parse(text)?;
        if let Some(rel) = policy.allowed_signers.clone() {
            let (line, column) = line_col(text, key_offset(text, "allowed_signers"));
            let at = |message: String| PolicyError {
                path: POLICY_FILE.into(),
                line,
                column,
                message,
            };
            let signers_text = std::fs::read(root.join(&rel))
                .map_err(|e| at(format!("allowed_signers: cannot read `{rel}`: {e}")))?;
            policy.set_signers(&rel, &String::from_utf8_lossy(&signers_text))?;
        }
        Ok(policy)
    }

    /// Reads the allowed-signers file's text (from the work tree or a
    /// trusted revision) into [`Policy::signers`].
    pub fn set_signers(&mut self, rel: &str, text: &str) -> Result<(), PolicyError> {
        let signers =
            crate::signing::AllowedSigners::parse(rel, text).map_err(|e| PolicyError {
                path: rel.to_string(),
                line: e.line,
                column: 1,
                message: e.message,
            })?;
        self.signers = Some(signers);
        Ok(())
    }

    /// Parses and validates policy text.
    pub fn parse(text: &str) -> Result<Policy, PolicyError> {
        let at = |offset: usize, message: String| {
            let (line, column) = line_col(text, offset);
            PolicyError {
                path: POLICY_FILE.into(),
                line,
                column,
                message,
            }
        };
        let policy: Policy = toml::from_str(text).map_err(|e| {
            at(
                e.span().map(|s| s.start).unwrap_or(0),
                e.message().trim().replace('\n', "; "),
            )
        })?;
        let key_at = |key: &str| key_offset(text, key);
        if policy.schema != 1 {
            return Err(at(
                key_at("schema"),
                format!(
                    "schema {} is not supported (this verbatim reads 1)",
                    policy.schema
                ),
            ));
        }
        if policy.required_approvals < 1 {
            return Err(at(
                key_at("required_approvals"),
                "required_approvals must be 1 or more: an unreviewed translation can never be approved".into(),
            ));
        }
        for (key, lang) in [
            ("source_lang", &policy.source_lang),
            ("target_lang", &policy.target_lang),
        ] {
            if !valid_lang(lang) {
                return Err(at(
                    key_at(key),
                    format!("{key} `{lang}` is not a language tag like `es` or `en`"),
                ));
            }
        }
        if let Err(e) = policy.disclosure_regex() {
            return Err(at(
                key_at("disclosure"),
                format!("disclosure is not a valid regular expression: {e}"),
            ));
        }
        let known = crate::quality::known_codes();
        for (key, codes) in [
            ("disabled", &policy.lint.disabled),
            ("fail_on", &policy.lint.fail_on),
        ] {
            if let Some(code) = codes.iter().find(|c| !known.contains(&c.as_str())) {
                let offset = text
                    .find(&format!("\"{code}\""))
                    .unwrap_or_else(|| key_at(key));
                return Err(at(
                    offset,
                    format!(
                        "[lint] {key}: `{code}` is not a quality check; known checks: {}",
                        known.join(", ")
                    ),
                ));
            }
        }
        if !(0.0..=1.0).contains(&policy.memory.min_similarity) {
            return Err(at(
                key_at("min_similarity"),
                "min_similarity must be between 0 and 1".into(),
            ));
        }
        if policy.require_signed_reviews && policy.allowed_signers.is_none() {
            return Err(at(
                key_at("require_signed_reviews"),
                "require_signed_reviews needs `allowed_signers = \"PATH\"`: the file listing the keys that may sign reviews".into(),
            ));
        }
        if let Some(rel) = &policy.allowed_signers
            && (rel.is_empty()
                || Path::new(rel).is_absolute()
                || Path::new(rel)
                    .components()
                    .any(|c| !matches!(c, std::path::Component::Normal(_))))
        {
            return Err(at(
                key_at("allowed_signers"),
                format!(
                    "allowed_signers `{rel}` must be a path inside the repository, like `.verbatim/allowed_signers`"
                ),
            ));
        }
        Ok(policy)
    }

    /// The approval rules for state derivation.
    pub fn rules(&self) -> ApprovalRules<'_> {
        ApprovalRules {
            required_approvals: self.required_approvals,
            reviewers: &self.reviewers,
        }
    }

    /// The compiled disclosure pattern (case-insensitive, at most 1 MiB
    /// compiled).
    pub fn disclosure_regex(&self) -> Result<regex::Regex, regex::Error> {
        regex::RegexBuilder::new(&self.disclosure)
            .case_insensitive(true)
            .size_limit(1 << 20)
            .build()
    }

    /// Whether `text` says what the disclosure pattern asks for.
    ///
    /// `check` asks once per article. Compiling the pattern dominated small
    /// articles, and a clone of a `Regex` starts with an empty search cache,
    /// so each thread keeps the last pattern it compiled and searches with
    /// that one.
    pub fn disclosure_in(&self, text: &str) -> Result<bool, regex::Error> {
        thread_local! {
            static LAST: std::cell::RefCell<Option<(String, regex::Regex)>> =
                const { std::cell::RefCell::new(None) };
        }
        LAST.with_borrow_mut(|last| {
            let re = match last {
                Some((pattern, re)) if *pattern == self.disclosure => re,
                _ => {
                    &last
                        .insert((self.disclosure.clone(), self.disclosure_regex()?))
                        .1
                }
            };
            Ok(re.is_match(text))
        })
    }
}

/// Whether `s` looks like a BCP 47 tag: letters, digits and dashes, starting
/// with 2–3 letters.
pub fn valid_lang(s: &str) -> bool {
    let primary = s.split('-').next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_lowercase())
        && s.len() <= 35
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_text_is_the_default_policy() {
        assert_eq!(
            Policy::parse(DEFAULT_POLICY_TEXT).unwrap(),
            Policy::default()
        );
    }

    #[test]
    fn errors_name_the_line() {
        let e = Policy::parse("schema = 1\nrequired_approvals = 0\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = Policy::parse("schema = 1\naproved = true\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        let e =
            Policy::parse("schema = 1\n[lint]\ndisabled = [\n  \"numbers\",\n  \"nombres\",\n]\n")
                .unwrap_err();
        assert_eq!(e.line, 5, "{e}");
        assert!(e.message.contains("`nombres`"), "{e}");
        let e = Policy::parse("[lint]\nfail_on = [\"spelling\"]\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        Policy::parse(
            "[lint]\ndisabled = [\"inconsistent\"]\nfail_on = [\"numbers\", \"suspicious-text\"]\n",
        )
        .unwrap();
    }
}
