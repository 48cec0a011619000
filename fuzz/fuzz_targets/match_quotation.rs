//! Any quotation against any records: matching never panics, and what it
//! reports points at a candidate that exists.
#![no_main]

use libfuzzer_sys::fuzz_target;
use verbatim::matching::{Candidate, Match, match_quotation};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Fields separated by NUL: the quotation, then pairs of translation and
    // original (an empty translation stands for an English original).
    let mut fields = text.split('\0');
    let quotation = fields.next().unwrap_or_default();
    let rest: Vec<&str> = fields.collect();
    let candidates: Vec<Candidate<'_>> = rest
        .chunks(2)
        .map(|pair| Candidate {
            translation: Some(pair[0]).filter(|t| !t.is_empty()),
            original: pair.get(1).copied().unwrap_or_default(),
        })
        .collect();
    match match_quotation(quotation, &candidates) {
        Match::None => {}
        Match::Exact { index, .. } | Match::Drift { index, .. } => {
            assert!(index < candidates.len());
        }
    }
});
