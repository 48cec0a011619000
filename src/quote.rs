//! The quote record: an original, its translation's revisions and the reviews
//! of them, and the state derived from those.
//!
//! This module is pure data and rules; reading and writing files is
//! [`crate::store`]'s job, and the TOML layout is documented in
//! `docs/FORMAT.md`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::matching;

/// The record schema this build reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

/// One quote of one article: `translations/<slug>/<id>.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quote {
    /// Schema version of the file ([`SCHEMA_VERSION`]).
    pub schema: u32,
    /// Who said it.
    pub speaker: String,
    /// Language of the original words (BCP 47 primary tag, e.g. `es`).
    pub original_lang: String,
    /// Where the translation comes from.
    pub origin: Origin,
    /// Free-text description of where it was said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Link to the recording or transcript.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    /// The day it was said, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub said_on: Option<String>,
    /// Where in the recording, e.g. `00:41:10`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timecode: Option<String>,
    /// Revisions, oldest first; never rewritten, only appended to.
    #[serde(rename = "revision")]
    pub revisions: Vec<Revision>,
    /// Reviews, oldest first; never rewritten, only appended to.
    #[serde(rename = "review", default, skip_serializing_if = "Vec::is_empty")]
    pub reviews: Vec<Review>,
}

/// One revision of the quote pair: the full original and translation as they
/// stood after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revision {
    /// 1, 2, 3, … in order.
    pub number: u32,
    /// The original words.
    pub original: String,
    /// The translation; absent when the original is already in the target language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translation: Option<String>,
    /// Who made it (git identity).
    pub author: Person,
    /// When, RFC 3339 UTC.
    pub at: String,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One verdict on one revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// Approved or changes requested.
    pub verdict: Verdict,
    /// Who reviewed (git identity).
    pub reviewer: Person,
    /// When, RFC 3339 UTC.
    pub at: String,
    /// The revision number reviewed.
    pub revision: u32,
    /// Digest of exactly what was reviewed (see [`matching::digest`]).
    pub digest: String,
    /// The reviewer's comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The reviewer's SSH signature (armored SSHSIG, namespace `verbatim`)
    /// over the review's canonical message ([`crate::signing::message`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

/// A reviewer's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The translation is faithful.
    Approved,
    /// It needs work; the comment says what.
    ChangesRequested,
}

impl Verdict {
    /// The name used in files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Approved => "approved",
            Verdict::ChangesRequested => "changes-requested",
        }
    }
}

/// Where a translation comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Translated by the newsroom.
    Own,
    /// An official interpretation.
    Interpreter,
    /// Taken from another outlet, named.
    Outlet(String),
}

impl Origin {
    /// Parses `own`, `interpreter` or `outlet:NAME`.
    pub fn parse(s: &str) -> Result<Origin, String> {
        match s {
            "own" => Ok(Origin::Own),
            "interpreter" => Ok(Origin::Interpreter),
            _ => match s.strip_prefix("outlet:") {
                Some(name) if !name.trim().is_empty() => Ok(Origin::Outlet(name.to_string())),
                _ => Err(format!(
                    "origin must be `own`, `interpreter` or `outlet:NAME`, not `{s}`"
                )),
            },
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Own => f.write_str("own"),
            Origin::Interpreter => f.write_str("interpreter"),
            Origin::Outlet(name) => write!(f, "outlet:{name}"),
        }
    }
}

impl Serialize for Origin {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Origin {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Origin::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A git identity, written `Name <email>` like git does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// `user.name`.
    pub name: String,
    /// `user.email`.
    pub email: String,
}

impl Person {
    /// Parses `Name <email>`.
    pub fn parse(s: &str) -> Result<Person, String> {
        let bad = || format!("a person is written `Name <email>`, not `{s}`");
        let (name, rest) = s.split_once('<').ok_or_else(bad)?;
        let email = rest.strip_suffix('>').ok_or_else(bad)?;
        let name = name.trim();
        // bytes, not chars: `<` and `>` are ASCII, and no byte of another
        // character's UTF-8 is ASCII (each record's people are read this way)
        let bracket = |b: u8| b == b'<' || b == b'>';
        if name.is_empty() || email.is_empty() || email.bytes().any(bracket) {
            return Err(bad());
        }
        Ok(Person {
            name: name.to_string(),
            email: email.to_string(),
        })
    }

    /// Whether two identities are the same person: git identities are
    /// compared by e-mail address, case-insensitively.
    pub fn same_as(&self, other: &Person) -> bool {
        self.email.eq_ignore_ascii_case(&other.email)
    }
}

impl fmt::Display for Person {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} <{}>", self.name, self.email)
    }
}

impl Serialize for Person {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Person {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Person::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// The state of a quote, derived from its revisions, reviews, the policy and
/// the article's publications; never stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// The current content has no verdict yet.
    Pending,
    /// The newest verdict on the current content asks for changes.
    ChangesRequested,
    /// Approved once, but the original or translation changed since.
    Stale,
    /// Enough valid approvals of the current content.
    Approved,
    /// Approved, and the article's latest publication holds this digest.
    Published,
}

impl State {
    /// Every state, in workflow order.
    pub const ALL: [State; 5] = [
        State::Pending,
        State::ChangesRequested,
        State::Stale,
        State::Approved,
        State::Published,
    ];

    /// The name used on the command line and in output.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::ChangesRequested => "changes-requested",
            State::Stale => "stale",
            State::Approved => "approved",
            State::Published => "published",
        }
    }

    /// Parses a state name.
    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Whether an editor still has to look at it.
    pub fn needs_review(self) -> bool {
        matches!(
            self,
            State::Pending | State::ChangesRequested | State::Stale
        )
    }

    /// Whether an article may be published with it.
    pub fn is_approved(self) -> bool {
        matches!(self, State::Approved | State::Published)
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the state derivation needs to know from the policy.
#[derive(Debug, Clone, Copy)]
pub struct ApprovalRules<'a> {
    /// How many different reviewers must approve.
    pub required_approvals: u32,
    /// If not empty, only these e-mail addresses may approve.
    pub reviewers: &'a [String],
}

impl Quote {
    /// The newest revision. A valid record always has one.
    pub fn current(&self) -> &Revision {
        // `store` refuses records without revisions, so this never fails on
        // a loaded record; a fresh `Quote` is always built with revision 1.
        self.revisions
            .last()
            .expect("a quote record always has at least one revision")
    }

    /// The revision with this number.
    pub fn revision(&self, number: u32) -> Option<&Revision> {
        self.revisions.iter().find(|r| r.number == number)
    }

    /// Digest of the current content.
    pub fn current_digest(&self) -> String {
        self.current().digest()
    }

    /// Whether this review is an approval that counts for the content with
    /// `digest`: the digest matches, the reviewer did not author the revision
    /// reviewed, and the reviewer is allowed by the policy.
    pub fn approval_counts(&self, review: &Review, digest: &str, rules: &ApprovalRules) -> bool {
        review.verdict == Verdict::Approved
            && review.digest == digest
            && !self.is_self_review(review)
            && reviewer_allowed(&review.reviewer, rules.reviewers)
    }

    /// Whether the review's reviewer authored the revision it reviewed.
    pub fn is_self_review(&self, review: &Review) -> bool {
        self.revision(review.revision)
            .is_some_and(|r| r.author.same_as(&review.reviewer))
    }

    /// The different reviewers whose approvals count for the current content.
    pub fn valid_approvers(&self, rules: &ApprovalRules) -> Vec<&Person> {
        self.approvers_of(&self.current_digest(), rules)
    }

    /// The distinct reviewers whose approvals count for the content with
    /// `digest`.
    fn approvers_of(&self, digest: &str, rules: &ApprovalRules) -> Vec<&Person> {
        let mut approvers: Vec<&Person> = Vec::new();
        for review in &self.reviews {
            if self.approval_counts(review, digest, rules)
                && !approvers.iter().any(|p| p.same_as(&review.reviewer))
            {
                approvers.push(&review.reviewer);
            }
        }
        approvers
    }

    /// `approvers_of(digest, rules).len()`, without the list: `check` asks
    /// for every record. A reviewer is counted at their first counting
    /// approval (`same_as` is an equivalence, so comparing with earlier
    /// counting reviews is comparing with those already counted).
    fn approver_count(&self, digest: &str, rules: &ApprovalRules) -> usize {
        let counts = |r: &Review| self.approval_counts(r, digest, rules);
        self.reviews
            .iter()
            .enumerate()
            .filter(|&(i, review)| {
                counts(review)
                    && !self.reviews[..i].iter().any(|earlier| {
                        counts(earlier) && earlier.reviewer.same_as(&review.reviewer)
                    })
            })
            .count()
    }

    /// The state, given the policy and the digest the article's latest
    /// publication holds for this quote (if any).
    pub fn state(&self, rules: &ApprovalRules, published_digest: Option<&str>) -> State {
        self.state_of_digest(&self.current_digest(), rules, published_digest)
    }

    /// [`Quote::state`] given the digest of the current revision, for a
    /// caller that has computed it already (`check`, from the texts it
    /// normalises for matching).
    pub fn state_of_digest(
        &self,
        digest: &str,
        rules: &ApprovalRules,
        published_digest: Option<&str>,
    ) -> State {
        let newest_on_current = self.reviews.iter().rev().find(|r| r.digest == digest);
        if newest_on_current.is_some_and(|r| r.verdict == Verdict::ChangesRequested) {
            return State::ChangesRequested;
        }
        if self.approver_count(digest, rules) as u32 >= rules.required_approvals.max(1) {
            return if published_digest == Some(digest) {
                State::Published
            } else {
                State::Approved
            };
        }
        let approved_before = self.reviews.iter().any(|r| {
            r.verdict == Verdict::Approved
                && r.digest != digest
                && !self.is_self_review(r)
                && reviewer_allowed(&r.reviewer, rules.reviewers)
        });
        if approved_before {
            State::Stale
        } else {
            State::Pending
        }
    }

    /// The newest revision whose content was approved (enough valid
    /// approvals for its digest), if any.
    pub fn last_approved_revision(&self, rules: &ApprovalRules) -> Option<&Revision> {
        self.revisions.iter().rev().find(|rev| {
            let digest = rev.digest();
            let mut approvers: Vec<&Person> = Vec::new();
            for review in &self.reviews {
                if review.verdict == Verdict::Approved
                    && review.digest == digest
                    && !self.is_self_review(review)
                    && reviewer_allowed(&review.reviewer, rules.reviewers)
                    && !approvers.iter().any(|p| p.same_as(&review.reviewer))
                {
                    approvers.push(&review.reviewer);
                }
            }
            approvers.len() as u32 >= rules.required_approvals.max(1)
        })
    }
}

impl Revision {
    /// Digest of this revision's content.
    pub fn digest(&self) -> String {
        matching::digest(&self.original, self.translation.as_deref())
    }

    /// The text an English article quotes: the translation, or the original
    /// when there is none.
    pub fn english(&self) -> &str {
        self.translation.as_deref().unwrap_or(&self.original)
    }
}

fn reviewer_allowed(person: &Person, reviewers: &[String]) -> bool {
    reviewers.is_empty()
        || reviewers
            .iter()
            .any(|r| r.eq_ignore_ascii_case(&person.email))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(n: &str) -> Person {
        Person {
            name: n.to_string(),
            email: format!("{n}@example.org"),
        }
    }

    fn quote(translation: &str) -> Quote {
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
                original: "no es necesario".into(),
                translation: Some(translation.into()),
                author: person("ana"),
                at: "2026-01-13T10:00:00Z".into(),
                note: None,
            }],
            reviews: vec![],
        }
    }

    fn review(q: &Quote, who: &str, verdict: Verdict) -> Review {
        Review {
            verdict,
            reviewer: person(who),
            at: "2026-01-13T11:00:00Z".into(),
            revision: q.current().number,
            digest: q.current_digest(),
            comment: None,
            signature: None,
        }
    }

    const ONE: ApprovalRules<'static> = ApprovalRules {
        required_approvals: 1,
        reviewers: &[],
    };

    #[test]
    fn states_follow_reviews_and_revisions() {
        let mut q = quote("it is not necessary");
        assert_eq!(q.state(&ONE, None), State::Pending);
        q.reviews.push(review(&q, "ana", Verdict::Approved));
        assert_eq!(
            q.state(&ONE, None),
            State::Pending,
            "self-approval never counts"
        );
        q.reviews.push(review(&q, "eva", Verdict::Approved));
        assert_eq!(q.state(&ONE, None), State::Approved);
        let digest = q.current_digest();
        assert_eq!(q.state(&ONE, Some(&digest)), State::Published);
        let mut rev = q.current().clone();
        rev.number = 2;
        rev.translation = Some("it isn't necessary".into());
        q.revisions.push(rev);
        assert_eq!(q.state(&ONE, Some(&digest)), State::Stale);
        q.reviews.push(review(&q, "eva", Verdict::ChangesRequested));
        assert_eq!(q.state(&ONE, None), State::ChangesRequested);
    }

    #[test]
    fn typographic_revision_keeps_approval() {
        let mut q = quote("it is \"not\" necessary");
        q.reviews.push(review(&q, "eva", Verdict::Approved));
        let mut rev = q.current().clone();
        rev.number = 2;
        rev.translation = Some("it is  “not” necessary".into());
        q.revisions.push(rev);
        assert_eq!(q.state(&ONE, None), State::Approved);
    }

    #[test]
    fn two_approvals_need_two_people() {
        let rules = ApprovalRules {
            required_approvals: 2,
            reviewers: &[],
        };
        let mut q = quote("it is not necessary");
        q.reviews.push(review(&q, "eva", Verdict::Approved));
        q.reviews.push(review(&q, "eva", Verdict::Approved));
        assert_eq!(q.state(&rules, None), State::Pending);
        q.reviews.push(review(&q, "luis", Verdict::Approved));
        assert_eq!(q.state(&rules, None), State::Approved);
    }

    #[test]
    fn approver_count_is_the_length_of_the_approver_list() {
        let allowed = [
            "eva@example.org".to_string(),
            "LUIS@example.org".to_string(),
        ];
        let anyone = ONE;
        let listed = ApprovalRules {
            required_approvals: 1,
            reviewers: &allowed,
        };
        let mut q = quote("it is not necessary");
        let digest = q.current_digest();
        let mut shouting = review(&q, "eva", Verdict::Approved);
        shouting.reviewer.email = "EVA@example.org".into();
        let mut stale = review(&q, "rosa", Verdict::Approved);
        stale.digest = "sha256:older".into();
        for r in [
            review(&q, "ana", Verdict::Approved),
            review(&q, "eva", Verdict::ChangesRequested),
            review(&q, "eva", Verdict::Approved),
            shouting,
            stale,
            review(&q, "luis", Verdict::Approved),
            review(&q, "eva", Verdict::Approved),
            review(&q, "marta", Verdict::Approved),
        ] {
            q.reviews.push(r);
            for rules in [&anyone, &listed] {
                assert_eq!(
                    q.approver_count(&digest, rules),
                    q.approvers_of(&digest, rules).len()
                );
            }
        }
        assert_eq!(q.approver_count(&digest, &anyone), 3);
    }

    #[test]
    fn person_round_trips() {
        let p = Person::parse("Ana María Pérez <ana@example.org>").unwrap();
        assert_eq!(p.to_string(), "Ana María Pérez <ana@example.org>");
        assert!(Person::parse("no email").is_err());
        assert!(Person::parse("x <>").is_err());
        assert!(Person::parse("x <a<b>").is_err());
        assert!(Person::parse("x <a>b>").is_err());
        assert!(Person::parse("x <a>>").is_err());
        let p = Person::parse("Zoë <zoë@exämple.org>").unwrap();
        assert_eq!(
            (p.name.as_str(), p.email.as_str()),
            ("Zoë", "zoë@exämple.org")
        );
    }
}
