//! Sign-off: the rules for recording a verdict (shared by `approve`,
//! `request-changes` and the interactive `review`), and the interactive
//! session itself.

pub mod session;

use crate::policy::Policy;
use crate::quote::{Person, Quote, Review, Verdict};

/// Why a verdict can't be recorded.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Refusal {
    /// The reviewer wrote the revision under review.
    #[error(
        "{who} wrote revision {revision} of {quote}, so cannot approve it: a translator never approves their own work"
    )]
    SelfApproval {
        /// The reviewer.
        who: String,
        /// The revision.
        revision: u32,
        /// `SLUG/ID`.
        quote: String,
    },
    /// The policy names the reviewers and this is not one of them.
    #[error("{who} is not among the reviewers verbatim.toml allows to approve ({allowed})")]
    NotAReviewer {
        /// The reviewer.
        who: String,
        /// The allowed list.
        allowed: String,
    },
    /// A request for changes needs a comment saying what to change.
    #[error("a request for changes needs a comment saying what to change")]
    NoComment,
}

/// Appends a verdict on the current revision to `quote`, after checking
/// the rules: nobody approves a revision they wrote, and when the policy
/// names reviewers only they approve. Returns whether anything changed (an
/// approval repeated by the same reviewer on the same content adds nothing).
pub fn record_verdict(
    quote: &mut Quote,
    quote_name: &str,
    verdict: Verdict,
    reviewer: &Person,
    comment: Option<String>,
    at: &str,
    policy: &Policy,
) -> Result<bool, Refusal> {
    let current = quote.current().clone();
    let digest = current.digest();
    if verdict == Verdict::Approved {
        if current.author.same_as(reviewer) {
            return Err(Refusal::SelfApproval {
                who: reviewer.to_string(),
                revision: current.number,
                quote: quote_name.to_string(),
            });
        }
        if !policy.reviewers.is_empty()
            && !policy
                .reviewers
                .iter()
                .any(|r| r.eq_ignore_ascii_case(&reviewer.email))
        {
            return Err(Refusal::NotAReviewer {
                who: reviewer.to_string(),
                allowed: policy.reviewers.join(", "),
            });
        }
        let newest_mine = quote
            .reviews
            .iter()
            .rev()
            .find(|r| r.digest == digest && r.reviewer.same_as(reviewer));
        if newest_mine.is_some_and(|r| r.verdict == Verdict::Approved) && comment.is_none() {
            return Ok(false);
        }
    } else if comment.as_deref().is_none_or(|c| c.trim().is_empty()) {
        return Err(Refusal::NoComment);
    }
    quote.reviews.push(Review {
        verdict,
        reviewer: reviewer.clone(),
        at: at.to_string(),
        revision: current.number,
        digest,
        comment,
        signature: None,
    });
    Ok(true)
}
