//! Quotation matching, text normalisation and approval digests.
//!
//! This module decides whether a quotation found in an English news article
//! reproduces an approved translation record, and computes the digest that
//! pins the approved texts of a record.
//!
//! # Normalisation ([`normalize`])
//!
//! Applied identically to quotations, record texts and digest inputs:
//!
//! 1. invisible characters are deleted: U+00AD SOFT HYPHEN, U+200B ZERO WIDTH
//!    SPACE, U+2060 WORD JOINER, U+FEFF ZERO WIDTH NO-BREAK SPACE (BOM);
//! 2. typographic variants are folded: `“ ” „ ‟ « » ″` → `"`,
//!    `‘ ’ ‚ ‛ ′ ‹ ›` → `'`, `‐ ‑ ‒ – — ― −` → `-`, `…` → `...`;
//! 3. Unicode NFC;
//! 4. every run of whitespace (anything with the Unicode `White_Space`
//!    property: spaces, tabs, newlines, NBSP, thin/narrow spaces, …) becomes
//!    one ASCII space, and the result is trimmed.
//!
//! Case is kept. The function is idempotent and gives the same output for
//! NFC and NFD spellings of the same text.
//!
//! # Words ([`words`])
//!
//! The normalised text split on spaces; each piece is stripped of leading and
//! trailing characters that are neither alphanumeric nor combining marks
//! (quotes, commas, full stops, `¿`, `¡`, brackets, …). Inner punctuation is
//! kept (`U.S`, `don't`, `72-hour`); note that a trailing full stop is
//! stripped, so `U.S.` becomes `U.S` on both sides. Empty pieces are dropped.
//!
//! # Matching ([`match_quotation`])
//!
//! The quotation is normalised and split into *segments* at elision markers:
//! a run of three or more full stops (`...`, `…`, `....`, also inside `(...)`),
//! or a bracketed group `[` … `]` (`[...]`, `[…]`, `[Sheinbaum]`: an
//! editorial insertion). An unclosed `[` is ordinary punctuation. Segments
//! without words are dropped.
//!
//! Words compare exactly (case-sensitive, after normalisation and stripping),
//! except that the **first word of every segment** (in particular the first
//! word of the quotation) compares with the case of its first character
//! ignored on both sides: `it` matches `It` and `It` matches `it`.
//!
//! A record text matches *exactly* when the segments occur in it in order,
//! each as a run of consecutive words, with any number (zero or more) of words
//! skipped before, between and after them. For every candidate the
//! translation is tried first, then the original ([`Side`]); a record without
//! translation (English original) is tried on its original only. The first
//! candidate (lowest index) that matches on any side wins. A quotation without
//! words never matches.
//!
//! ## Drift
//!
//! When no candidate matches exactly, the quotation may still be reported as
//! [`Match::Drift`] (a likely misquotation). Let `Q` be all the quotation's
//! words (segments concatenated, markers dropped) and `m = |Q|`. For a window
//! `W` of consecutive words of a record text, with
//! `max(1, m - DRIFT_WINDOW_SLACK) <= |W| <= m + DRIFT_WINDOW_SLACK` (both
//! bounds clamped to the text's word count),
//!
//! ```text
//! similarity(Q, W) = 2 * LCS(Q, W) / (m + |W|)
//! ```
//!
//! where `LCS` is the length of the longest common subsequence of words, words
//! comparing as in exact matching. Drift is reported iff
//! `MIN_DRIFT_WORDS <= m <= MAX_DRIFT_WORDS` and the best window over all
//! candidates and sides has `similarity >= DRIFT_THRESHOLD`. The best window
//! is the one with the highest similarity; ties go to the lower candidate
//! index, then translation before original, then the earlier window start,
//! then the shorter window. With the defaults a two-word quotation is never
//! drift (it is "untracked"), a three-word quotation needs two words in
//! common, and a quotation of `m` words with one inner word changed scores
//! at least `(m - 1) / m`.
//!
//! ## Cost
//!
//! Exact matching is linear per record text: a word-count check on the raw
//! text (before normalising it) and substring probes with up to three of the
//! quotation's longest words (before splitting it into words) reject most
//! records cheaply; the text of each segment is then looked for, in order,
//! as a substring at word edges, which finds the usual verbatim copy
//! without splitting the record into words; failing that, each segment is
//! located with Knuth–Morris–Pratt, splitting the record text into words
//! only as far as the search looks.
//! Each record text is normalised at most once per call. Drift uses a bit-parallel LCS (Hyyrö 2004), costing
//! `O(n · (m + slack) · ⌈m / 64⌉)` word steps per record text of `n` words,
//! after an upper-bound check that skips texts sharing too few words with the
//! quotation. Quotations longer than [`MAX_DRIFT_WORDS`] are never drift.
//!
//! # Digest ([`digest`])
//!
//! See the function's documentation for the exact bytes hashed.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use sha2::{Digest, Sha256};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Minimum similarity (inclusive) for a [`Match::Drift`].
pub const DRIFT_THRESHOLD: f64 = 0.6;

/// Minimum number of quotation words for a [`Match::Drift`]; shorter
/// quotations that do not match exactly are [`Match::None`].
pub const MIN_DRIFT_WORDS: usize = 3;

/// A drift window may be this many words shorter or longer than the quotation.
pub const DRIFT_WINDOW_SLACK: usize = 3;

/// Quotations with more words than this are never reported as drift (this
/// bounds the cost of the similarity search).
pub const MAX_DRIFT_WORDS: usize = 256;

/// Which text of a record a quotation matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The approved English translation.
    Translation,
    /// The original-language text (or the English original of an English
    /// record).
    Original,
}

/// Outcome of [`match_quotation`].
#[derive(Debug, Clone, PartialEq)]
pub enum Match {
    /// The quotation's words are found in candidate `index`'s text.
    Exact {
        /// Index into the candidates slice.
        index: usize,
        /// Which text of the candidate matched.
        side: Side,
    },
    /// No exact match, but candidate `index` is close: `closest` is the
    /// excerpt of that candidate's text (a window of its words, as they
    /// appear in the un-normalised text: a substring of the text of `side`,
    /// from the first character of the window's first word to the last
    /// character of its last word, surrounding punctuation excluded) the
    /// quotation most resembles; `similarity` is in `0..=1`.
    Drift {
        /// Index into the candidates slice.
        index: usize,
        /// Which text of the candidate the excerpt comes from.
        side: Side,
        /// Substring of that text covering the best window.
        closest: String,
        /// `2 * LCS / (quotation words + window words)`.
        similarity: f64,
    },
    /// Neither an exact match nor drift.
    None,
}

/// A record's texts: translation (`None` for English-original quotes) and
/// original.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate<'a> {
    /// Approved English translation, `None` when the original is English.
    pub translation: Option<&'a str>,
    /// The text as originally said or written.
    pub original: &'a str,
}

// ---------------------------------------------------------------------------
// Normalisation
// ---------------------------------------------------------------------------

/// Characters deleted by [`normalize`].
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

/// Folded replacement of a typographic variant, if `c` is one.
fn fold_char(c: char) -> Option<&'static str> {
    match c {
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}'
        | '\u{2033}' => Some("\""),
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{2039}'
        | '\u{203A}' => Some("'"),
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' => Some("-"),
        '\u{2026}' => Some("..."),
        _ => None,
    }
}

/// ASCII whitespace, as `char::is_whitespace` has it: space, tab, line
/// feed, vertical tab, form feed, carriage return.
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r')
}

/// An ASCII text with every whitespace run made one space, and trimmed.
fn collapse_ascii_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_ascii_collapsed(&mut out, text, &mut false);
    out
}

/// Whether the ASCII `text` has no whitespace but single spaces: no control
/// characters (tab, newline and the like; other control characters only
/// make this answer `false`) and no double space. Checked in passes the
/// compiler can vectorise, unlike the byte-by-byte collapse.
fn has_only_single_spaces(text: &str) -> bool {
    !text
        .as_bytes()
        .iter()
        .fold(false, |control, &b| control | (b < b' '))
        && !text.contains("  ")
}

/// Appends `text`, ASCII and [plain characters](is_plain_pair) (whose only
/// whitespace is ASCII, and which it copies byte for byte), to `out` with
/// whitespace runs made one space; `pending_space` carries a run across
/// calls (no space is put first).
fn push_ascii_collapsed(out: &mut String, text: &str, pending_space: &mut bool) {
    if has_only_single_spaces(text) {
        // Stored texts nearly always are collapsed already, but for a space
        // at either end of an ASCII run between other characters.
        if text.starts_with(' ') {
            *pending_space = !out.is_empty();
        }
        let inner = text.trim_matches(' ');
        if !inner.is_empty() {
            if *pending_space {
                out.push(' ');
            }
            out.push_str(inner);
            *pending_space = text.ends_with(' ');
        }
        return;
    }
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if is_ascii_space(bytes[i]) {
            *pending_space = !out.is_empty();
            i += 1;
            continue;
        }
        // Copy a whole stretch of words joined by single spaces at once
        // (most of a text): it is already collapsed. The stretch ends at
        // any other whitespace, at a space followed by whitespace and at a
        // space that ends `text` (the caller's next run may start with more
        // whitespace), so it both starts and ends with a non-space.
        let start = i;
        while i < bytes.len() {
            let b = bytes[i];
            if b > b' ' || !is_ascii_space(b) {
                i += 1;
            } else if b == b' ' && bytes.get(i + 1).is_some_and(|&next| !is_ascii_space(next)) {
                i += 2;
            } else {
                break;
            }
        }
        if *pending_space {
            out.push(' ');
            *pending_space = false;
        }
        out.push_str(&text[start..i]);
    }
}

/// Length of the ASCII prefix of `text`, looked at eight bytes at a time
/// (texts are mostly ASCII even in languages with accents).
fn ascii_prefix_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut chunks = bytes.chunks_exact(8);
    let mut len = 0;
    for chunk in chunks.by_ref() {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        if word & 0x8080_8080_8080_8080 != 0 {
            break;
        }
        len += 8;
    }
    len + bytes[len..].iter().take_while(|b| b.is_ascii()).count()
}

/// Whether the two-byte UTF-8 sequence `lead`, `next` is a *plain*
/// character: one from U+00A1 to U+02FF but the guillemets `«` `»` and the
/// soft hyphen. That is the accented Latin letters (`á`, `ñ`, `ç`, `ő`,
/// `ł`…), `¡`, `¿`, `°`, `§` and the like, and the spacing modifier letters.
/// None of them is whitespace, invisible or folded by [`normalize`], and
/// each passes the NFC quick check with combining class 0 (a test checks
/// every one), so to `normalize` they are as plain as ASCII letters. Below
/// U+00A1 are NBSP and the C1 controls, NEL (whitespace) among them.
fn is_plain_pair(lead: u8, next: u8) -> bool {
    match lead {
        0xC3..=0xCB => true,
        0xC2 => (0xA1..=0xBF).contains(&next) && !matches!(next, 0xAB | 0xAD | 0xBB),
        _ => false,
    }
}

/// Length of the prefix of `text` made of ASCII and of plain characters
/// (see [`is_plain_pair`]): in a text in a language with accents, the whole
/// text between the odd quote mark or dash.
fn plain_prefix_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut len = 0;
    loop {
        len += ascii_prefix_len(&text[len..]);
        // a plain pair is a two-byte character: `len + 2` is the next
        // character boundary
        match bytes.get(len..len + 2) {
            Some(&[lead, next]) if is_plain_pair(lead, next) => len += 2,
            _ => return len,
        }
    }
}

/// Whether `text` passes the NFC quick check. ASCII characters and plain
/// characters (see [`is_plain_pair`]) are NFC and of combining class 0, so
/// only the runs of other characters are looked at, each on its own.
fn is_nfc_quick_runs(text: &str) -> bool {
    let mut rest = text;
    loop {
        let start = plain_prefix_len(rest);
        if start == rest.len() {
            break;
        }
        let tail = &rest[start..];
        let end = tail
            .bytes()
            .position(|b| b.is_ascii())
            .unwrap_or(tail.len());
        if is_nfc_quick(tail[..end].chars()) != IsNormalized::Yes {
            return false;
        }
        rest = &tail[end..];
    }
    true
}

/// Pushes `c` with invisibles deleted and variants folded.
fn push_folded(out: &mut String, c: char) {
    if is_invisible(c) {
        return;
    }
    match fold_char(c) {
        Some(s) => out.push_str(s),
        None => out.push(c),
    }
}

/// Normalises `text` for matching and for digests.
///
/// Deletes invisible characters (soft hyphen, zero-width space, word joiner,
/// BOM), folds typographic quotes, apostrophes, primes, guillemets and dashes
/// to their ASCII forms and `…` to `...`, applies Unicode NFC, collapses every
/// whitespace run (including NBSP, thin spaces and newlines) to one space and
/// trims. Case is kept. Idempotent.
///
/// ```text
/// normalize("  “Don’t” —\u{a0}wait…\n") == "\"Don't\" - wait..."
/// ```
pub fn normalize(text: &str) -> String {
    if text.is_ascii() {
        // No foldable, invisible or non-NFC characters in ASCII: only
        // whitespace to collapse, done on bytes (`check` normalises every
        // record and article).
        return collapse_ascii_whitespace(text);
    }
    // One pass: fold, delete invisibles and collapse whitespace, ASCII a
    // run at a time. When the result is already NFC (nearly every real
    // text: precomposed accents), that is the answer; whitespace is a
    // starter that composes with nothing, so collapsing it before the check
    // changes no composition.
    let mut out = String::with_capacity(text.len() + 8);
    let mut pending_space = false;
    let mut rest = text;
    while !rest.is_empty() {
        // Both cuts fall on character boundaries: at an ASCII byte or at
        // the first byte of a multi-byte character. Plain characters go
        // with the ASCII: nothing to fold, delete or collapse in them.
        let plain = plain_prefix_len(rest);
        push_ascii_collapsed(&mut out, &rest[..plain], &mut pending_space);
        let tail = &rest[plain..];
        let other = tail
            .bytes()
            .position(|b| b.is_ascii())
            .unwrap_or(tail.len());
        for c in tail[..other].chars() {
            if c.is_whitespace() {
                pending_space = !out.is_empty();
            } else if !is_invisible(c) {
                if pending_space {
                    out.push(' ');
                    pending_space = false;
                }
                push_folded(&mut out, c);
            }
        }
        rest = &tail[other..];
    }
    if is_nfc_quick_runs(&out) {
        return out;
    }
    normalize_composing(text)
}

/// [`normalize`] for a text that is not NFC once folded: compose, then fold
/// again (composition may produce a foldable character) and collapse.
fn normalize_composing(text: &str) -> String {
    let mut folded = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_folded(&mut folded, c);
    }
    let composed: String = folded.nfc().collect();
    let mut out = String::with_capacity(composed.len());
    let mut piece_buf = String::new();
    for piece in composed.split_whitespace() {
        piece_buf.clear();
        piece.chars().for_each(|c| push_folded(&mut piece_buf, c));
        if piece_buf.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&piece_buf);
    }
    out
}

// ---------------------------------------------------------------------------
// Words
// ---------------------------------------------------------------------------

/// Characters that are kept at the edges of a word.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// Strips surrounding punctuation from a space-free piece; `None` if nothing
/// is left.
fn strip_word(piece: &str) -> Option<&str> {
    // Most pieces start and end with an ASCII letter or digit: nothing to
    // strip.
    if let (Some(first), Some(last)) = (piece.as_bytes().first(), piece.as_bytes().last())
        && first.is_ascii_alphanumeric()
        && last.is_ascii_alphanumeric()
    {
        return Some(piece);
    }
    let w = piece.trim_matches(|c: char| !is_word_char(c));
    (!w.is_empty()).then_some(w)
}

/// Words of `text`: the normalised text split on spaces, each piece stripped
/// of leading and trailing characters that are not letters, digits or
/// combining marks; inner punctuation is kept (`U.S`, `don't`, `72-hour`).
/// Empty pieces are dropped.
///
/// ```text
/// words("¿Qué? “It’s the U.S., isn’t it”") == ["Qué", "It's", "the", "U.S", "isn't", "it"]
/// ```
pub fn words(text: &str) -> Vec<String> {
    normalize(text)
        .split(' ')
        .filter_map(strip_word)
        .map(str::to_owned)
        .collect()
}

/// Words of an already normalised text, borrowed from it.
fn normalized_words(norm: &str) -> Vec<&str> {
    let mut words = Vec::new();
    push_normalized_words(norm, &mut words);
    words
}

/// Appends the words of an already normalised text to `words`.
fn push_normalized_words<'a>(norm: &'a str, words: &mut Vec<&'a str>) {
    // A normalised text's pieces are separated by single spaces: there is
    // one more piece than spaces, and at most as many words.
    words.reserve(norm.bytes().filter(|&b| b == b' ').count() + 1);
    words.extend(NormWords { rest: Some(norm) });
}

/// Iterator over the words of an already normalised text: its pieces
/// between single spaces, stripped, empty ones skipped.
struct NormWords<'a> {
    /// The text not split yet; `None` once the last piece is taken.
    rest: Option<&'a str>,
}

impl<'a> Iterator for NormWords<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        loop {
            let rest = self.rest?;
            // Split by hand: `str::split` searches for each space with a
            // `memchr` call, which costs more than it saves on words of a
            // few letters.
            let piece = match rest.bytes().position(|b| b == b' ') {
                Some(space) => {
                    self.rest = Some(&rest[space + 1..]);
                    &rest[..space]
                }
                None => {
                    self.rest = None;
                    rest
                }
            };
            if let Some(w) = strip_word(piece) {
                return Some(w);
            }
        }
    }
}

/// Words [`LazyWords`] has room for before it grows.
const LAZY_WORDS_ROOM: usize = 64;

/// The words of a normalised record text, split only as far as a search
/// has looked: an exact match usually ends well before the text does, and
/// the words after it need not be split at all.
struct LazyWords<'a> {
    rest: NormWords<'a>,
    /// The words split so far, in order.
    words: Vec<&'a str>,
}

impl<'a> LazyWords<'a> {
    fn new(norm: &'a str) -> Self {
        LazyWords {
            rest: NormWords { rest: Some(norm) },
            // Every word but the last takes a space after it: an upper
            // bound, without counting the spaces first. Capped at a size
            // the allocator keeps at hand (1 KiB): a record text's hundreds
            // of bytes made a block it had to carve anew for each search,
            // and the search ends within 64 words of most texts anyway.
            words: Vec::with_capacity(norm.len().div_ceil(2).min(LAZY_WORDS_ROOM)),
        }
    }

    /// Word `i` of the text, `None` past its last word.
    fn get(&mut self, i: usize) -> Option<&'a str> {
        while self.words.len() <= i {
            self.words.push(self.rest.next()?);
        }
        Some(self.words[i])
    }
}

/// A word of a record text with its byte span in the un-normalised text.
#[derive(Debug, Clone, PartialEq)]
struct Token {
    word: String,
    start: usize,
    end: usize,
}

/// Tokenises an un-normalised text into the same words as [`words`], each
/// with the byte span of the word (surrounding punctuation excluded) in `raw`.
fn tokenize(raw: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut run_start: Option<usize> = None;
    let push_run = |tokens: &mut Vec<Token>, start: usize, end: usize| {
        let Some(run) = raw.get(start..end) else {
            return;
        };
        let inner = run.trim_start_matches(|c: char| !is_word_char(c));
        let lead = run.len() - inner.len();
        let inner = inner.trim_end_matches(|c: char| !is_word_char(c));
        let (s, e) = if inner.is_empty() {
            (start, end)
        } else {
            (start + lead, start + lead + inner.len())
        };
        if run.is_ascii() {
            // ASCII runs are already normalised.
            if let Some(w) = strip_word(run) {
                tokens.push(Token {
                    word: w.to_owned(),
                    start: s,
                    end: e,
                });
            }
        } else {
            let norm = normalize(run);
            for w in normalized_words(&norm) {
                tokens.push(Token {
                    word: w.to_owned(),
                    start: s,
                    end: e,
                });
            }
        }
    };
    for (i, c) in raw.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = run_start.take() {
                push_run(&mut tokens, s, i);
            }
        } else if run_start.is_none() {
            run_start = Some(i);
        }
    }
    if let Some(s) = run_start {
        push_run(&mut tokens, s, raw.len());
    }
    tokens
}

/// `word` with its first character lowercased.
fn fold_first(word: &str) -> Cow<'_, str> {
    let mut chars = word.chars();
    match chars.next() {
        Some(c) => {
            let mut lower = c.to_lowercase();
            if lower.len() == 1 && lower.next() == Some(c) {
                Cow::Borrowed(word)
            } else {
                let mut s: String = c.to_lowercase().collect();
                s.push_str(chars.as_str());
                Cow::Owned(s)
            }
        }
        None => Cow::Borrowed(word),
    }
}

/// `fold_first(a) == fold_first(b)` without allocating.
fn fold_eq(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let mut ac = a.chars();
    let mut bc = b.chars();
    match (ac.next(), bc.next()) {
        (Some(x), Some(y)) => x
            .to_lowercase()
            .chain(ac.as_str().chars())
            .eq(y.to_lowercase().chain(bc.as_str().chars())),
        _ => false,
    }
}

// ---------------------------------------------------------------------------
// Quotation parsing
// ---------------------------------------------------------------------------

/// A run of consecutive quotation words, with a KMP failure table for
/// `words[1..]` (the first word compares case-folded, the rest exactly),
/// made the first time a search needs it: a quotation found by
/// [`find_as_pieces`] needs none.
struct Segment<'a> {
    /// The quotation's text the words are from, between two markers (or
    /// an end) and without the spaces at its ends.
    text: &'a str,
    words: Vec<&'a str>,
    fail: OnceCell<Vec<usize>>,
}

/// Splits a normalised quotation into segments at elision markers.
fn parse_segments(norm: &str) -> Vec<Segment<'_>> {
    let bytes = norm.as_bytes();
    let mut segments = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    // Past the last `]`, a `[` is unclosed: no need to search (keeps the
    // scan linear on inputs with many unclosed brackets).
    let last_close = bytes.iter().rposition(|&b| b == b']');
    let mut text_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Most bytes are neither `[` nor `.`: skip sixteen at a time, with
        // a fold the compiler turns into a few vector instructions.
        while let Some(block) = bytes[i..].first_chunk::<16>() {
            if block
                .iter()
                .fold(false, |any, &b| any | (b == b'[') | (b == b'.'))
            {
                break;
            }
            i += 16;
        }
        let Some(&b) = bytes.get(i) else {
            break;
        };
        match b {
            b'[' => {
                let close = if last_close.is_some_and(|l| l > i) {
                    bytes
                        .get(i + 1..)
                        .and_then(|rest| rest.iter().position(|&b| b == b']'))
                } else {
                    None
                };
                if let Some(rel) = close {
                    end_segment(&norm[text_start..i], &mut current, &mut segments);
                    i += rel + 2;
                    text_start = i;
                    continue;
                }
                i += 1;
            }
            b'.' => {
                let run = bytes[i..].iter().take_while(|&&b| b == b'.').count();
                if run >= 3 {
                    end_segment(&norm[text_start..i], &mut current, &mut segments);
                    text_start = i + run;
                }
                i += run;
            }
            _ => i += 1,
        }
    }
    end_segment(&norm[text_start..], &mut current, &mut segments);
    segments
}

/// Adds the words of `piece`, the text before an elision marker (or the
/// end), to the `current` segment, and ends that segment if it has words.
/// (Markers are ASCII, so `piece` is cut at character boundaries.)
fn end_segment<'a>(piece: &'a str, current: &mut Vec<&'a str>, segments: &mut Vec<Segment<'a>>) {
    push_normalized_words(piece, current);
    if !current.is_empty() {
        // `current` was empty before: its words are all from `piece`
        segments.push(Segment::new(
            piece.trim_matches(' '),
            std::mem::take(current),
        ));
    }
}

impl<'a> Segment<'a> {
    fn new(text: &'a str, words: Vec<&'a str>) -> Self {
        Segment {
            text,
            words,
            fail: OnceCell::new(),
        }
    }

    /// The KMP failure table of `words[1..]`.
    fn fail(&self) -> &[usize] {
        self.fail
            .get_or_init(|| kmp_table(self.words.get(1..).unwrap_or(&[])))
    }

    /// Earliest `i >= from` where this segment occurs in `text`, splitting
    /// `text` no further than the end of that occurrence (or its end).
    fn find_in(&self, text: &mut LazyWords<'_>, from: usize) -> Option<usize> {
        let (first, pat) = self.words.split_first()?;
        if pat.is_empty() {
            let mut i = from;
            while let Some(w) = text.get(i) {
                if fold_eq(first, w) {
                    return Some(i);
                }
                i += 1;
            }
            return None;
        }
        let fail = self.fail();
        let mut k = 0;
        let mut j = from + 1;
        while let Some(w) = text.get(j) {
            while k > 0 && w != pat[k] {
                k = fail[k - 1];
            }
            if w == pat[k] {
                k += 1;
            }
            if k == pat.len() {
                // `pat` occupies text[j + 1 - k ..= j]; the first word
                // precedes it (and is split already).
                let start = j + 1 - k - 1;
                if fold_eq(first, text.words[start]) {
                    return Some(start);
                }
                k = fail[k - 1];
            }
            j += 1;
        }
        None
    }
}

/// KMP failure table: `t[i]` is the length of the longest proper border of
/// `pat[..=i]`.
fn kmp_table(pat: &[&str]) -> Vec<usize> {
    let mut t = vec![0; pat.len()];
    let mut k = 0;
    for i in 1..pat.len() {
        while k > 0 && pat[i] != pat[k] {
            k = t[k - 1];
        }
        if pat[i] == pat[k] {
            k += 1;
        }
        t[i] = k;
    }
    t
}

/// How many words [`Quotation`] keeps as probes.
const PROBES: usize = 3;

/// Up to [`PROBES`] of the longest distinct `words`, longest first and,
/// among words of one length, earliest first; picked in one pass, without
/// sorting all of a long quotation's words.
fn longest_distinct<'a>(words: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut longest: Vec<&str> = Vec::with_capacity(PROBES + 1);
    for w in words {
        // A word no longer than the shortest kept one would land past the
        // end (an earlier copy of it is kept or was pushed out the same way).
        let too_short = longest.len() == PROBES && longest[PROBES - 1].len() >= w.len();
        if too_short || longest.contains(&w) {
            continue;
        }
        let at = longest
            .iter()
            .position(|l| l.len() < w.len())
            .unwrap_or(longest.len());
        longest.insert(at, w);
        longest.truncate(PROBES);
    }
    longest
}

/// The parsed quotation.
struct Quotation<'a> {
    segments: Vec<Segment<'a>>,
    total: usize,
    /// Up to three of the longest non-first words: each must occur verbatim
    /// in a normalised record text for it to match (quick rejection).
    probes: Vec<&'a str>,
}

/// Where the text of a quotation's segment, `piece`, first occurs in the
/// normalised record text `norm` from byte `from` on with nothing but
/// non-word characters (see [`is_word_char`]) between it and the spaces or
/// ends around it: the end of that occurrence.
///
/// Then `piece`, cut at its single spaces, is a run of `norm`'s pieces,
/// save that the first may have more non-word characters before it and the
/// last more after it in `norm`. Stripping removes those as well, so the
/// segment's words are a run of the text's consecutive words. Occurrences
/// found one after the other for the segments of a quotation are in
/// different pieces of `norm` (the non-word check fails where two would
/// share one), so the quotation matches exactly. This finds the usual
/// match, a quotation copied from its record, with substring searches
/// instead of splitting the record into words. It is a sufficient test
/// only: a quotation that differs in the case of its first letter or in
/// punctuation, or occurs only overlapping a rejected occurrence, is left
/// to the word search.
fn find_as_pieces(norm: &str, piece: &str, from: usize) -> Option<usize> {
    let non_word = |s: &str| s.chars().all(|c| !is_word_char(c));
    let first = piece.chars().next()?;
    // Each place the first character occurs (a `memchr`) is compared in
    // full: cheaper here than setting up the general substring search for
    // a needle of a few hundred bytes.
    let mut from = from;
    while let Some(found) = norm.get(from..)?.find(first) {
        let at = from + found;
        let end = at + piece.len();
        if norm[at..].starts_with(piece) {
            let before = &norm[..at];
            let lead = &before[before.rfind(' ').map_or(0, |space| space + 1)..];
            let after = &norm[end..];
            let trail = &after[..after.find(' ').unwrap_or(after.len())];
            if non_word(lead) && non_word(trail) {
                return Some(end);
            }
        }
        from = at + first.len_utf8();
    }
    None
}

impl<'a> Quotation<'a> {
    fn parse(norm: &'a str) -> Self {
        let segments = parse_segments(norm);
        let total = segments.iter().map(|s| s.words.len()).sum();
        let probes = longest_distinct(
            segments
                .iter()
                .flat_map(|s| s.words.iter().skip(1).copied()),
        );
        Quotation {
            segments,
            total,
            probes,
        }
    }

    /// Whether each segment's text occurs in `norm` after the previous one
    /// as [`find_as_pieces`] has it: then the quotation matches exactly.
    fn found_as_pieces(&self, norm: &str) -> bool {
        let mut from = 0;
        for seg in &self.segments {
            match find_as_pieces(norm, seg.text, from) {
                Some(end) => from = end,
                None => return false,
            }
        }
        true
    }

    /// Cheap necessary condition on the un-normalised record text: every
    /// word needs a whitespace-separated run of its own.
    fn may_fit(&self, raw: &str) -> bool {
        self.total > 0 && raw.split_whitespace().nth(self.total - 1).is_some()
    }

    /// Whether the quotation matches the normalised record text `norm`
    /// exactly.
    fn matches_exactly(&self, norm: &str) -> bool {
        if self.total == 0 {
            return false;
        }
        if self.probes.iter().any(|p| !norm.contains(p)) {
            return false;
        }
        if self.found_as_pieces(norm) {
            return true;
        }
        // No word count check up front: it would split the whole text, and
        // a text with too few words fails the search below anyway.
        let mut text = LazyWords::new(norm);
        let mut pos = 0;
        for seg in &self.segments {
            match seg.find_in(&mut text, pos) {
                Some(i) => pos = i + seg.words.len(),
                None => return false,
            }
        }
        true
    }
}

// ---------------------------------------------------------------------------
// Drift: bit-parallel LCS over windows
// ---------------------------------------------------------------------------

/// A non-negative rational `num / den` (`den > 0`), compared exactly.
#[derive(Debug, Clone, Copy)]
struct Ratio {
    num: u64,
    den: u64,
}

impl Ratio {
    fn cmp(self, other: Ratio) -> Ordering {
        (u128::from(self.num) * u128::from(other.den))
            .cmp(&(u128::from(other.num) * u128::from(self.den)))
    }

    fn value(self) -> f64 {
        if self.den == 0 {
            0.0
        } else {
            self.num as f64 / self.den as f64
        }
    }
}

/// FNV-1a: the keys are short words, for which SipHash is needlessly slow.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

type FnvMap<V> = HashMap<String, V, BuildHasherDefault<Fnv>>;

/// The quotation's words as bit masks for the bit-parallel LCS.
struct DriftPattern {
    m: usize,
    blocks: usize,
    /// Masks of the words compared exactly, keyed by the word.
    exact: FnvMap<Vec<u64>>,
    /// Masks of the segment-first words, keyed by the case-folded word.
    folded: FnvMap<Vec<u64>>,
}

impl DriftPattern {
    fn new(segments: &[Segment<'_>]) -> Self {
        let m: usize = segments.iter().map(|s| s.words.len()).sum();
        let blocks = m.div_ceil(64);
        let mut exact: FnvMap<Vec<u64>> = FnvMap::default();
        let mut folded: FnvMap<Vec<u64>> = FnvMap::default();
        let mut i = 0;
        for seg in segments {
            for (k, w) in seg.words.iter().enumerate() {
                let (map, key) = if k == 0 {
                    (&mut folded, fold_first(w).into_owned())
                } else {
                    (&mut exact, (*w).to_owned())
                };
                let mask = map.entry(key).or_insert_with(|| vec![0; blocks]);
                if let Some(b) = mask.get_mut(i / 64) {
                    *b |= 1 << (i % 64);
                }
                i += 1;
            }
        }
        DriftPattern {
            m,
            blocks,
            exact,
            folded,
        }
    }

    /// Match mask of a record word, written into `out` (`blocks` long).
    fn mask_into(&self, word: &str, out: &mut [u64]) {
        out.fill(0);
        if let Some(mask) = self.exact.get(word) {
            for (o, b) in out.iter_mut().zip(mask) {
                *o |= b;
            }
        }
        if let Some(mask) = self.folded.get(fold_first(word).as_ref()) {
            for (o, b) in out.iter_mut().zip(mask) {
                *o |= b;
            }
        }
    }

    /// LCS length for the current state vector `v`.
    fn lcs(&self, v: &[u64]) -> usize {
        let ones: usize = v
            .iter()
            .enumerate()
            .map(|(b, &x)| {
                let bits = (self.m - b * 64).min(64);
                let keep = if bits == 64 { !0 } else { (1u64 << bits) - 1 };
                (x & keep).count_ones() as usize
            })
            .sum();
        self.m - ones
    }
}

/// One step of Hyyrö's bit-parallel LCS: `V' = (V + (V & M)) | (V & !M)`,
/// with the addition carried across blocks.
fn lcs_step(v: &mut [u64], mask: &[u64]) {
    let mut carry = false;
    for (x, &mk) in v.iter_mut().zip(mask) {
        let u = *x & mk;
        let (s1, c1) = x.overflowing_add(u);
        let (s2, c2) = s1.overflowing_add(u64::from(carry));
        carry = c1 || c2;
        *x = s2 | (*x & !mk);
    }
}

/// Best drift window of one record text: score, first word, word count.
#[derive(Debug, Clone, Copy)]
struct Window {
    score: Ratio,
    start: usize,
    len: usize,
}

/// Best window of the normalised record text `norm` whose score reaches
/// the threshold and strictly beats `floor` (if any).
fn best_window(pat: &DriftPattern, norm: &str, floor: Option<Ratio>) -> Option<Window> {
    let m = pat.m;
    let blocks = pat.blocks;
    if m == 0 || blocks == 0 {
        return None;
    }
    let text = normalized_words(norm);
    let n = text.len();
    if n == 0 {
        return None;
    }
    let mut masks = vec![0u64; n * blocks];
    let mut union = vec![0u64; blocks];
    for (w, chunk) in text.iter().zip(masks.chunks_mut(blocks)) {
        pat.mask_into(w, chunk);
        for (u, c) in union.iter_mut().zip(chunk.iter()) {
            *u |= c;
        }
    }
    let lmin = m.saturating_sub(DRIFT_WINDOW_SLACK).max(1).min(n);
    let lmax = (m + DRIFT_WINDOW_SLACK).min(n);
    let shared: usize = union.iter().map(|x| x.count_ones() as usize).sum();
    // Upper bound on any window's score.
    let bound = Ratio {
        num: 2 * shared.min(lmax) as u64,
        den: (m + lmin) as u64,
    };
    if bound.value() < DRIFT_THRESHOLD {
        return None;
    }
    if let Some(f) = floor
        && bound.cmp(f) != Ordering::Greater
    {
        return None;
    }
    let mut best: Option<(Ratio, usize, usize)> = None;
    let mut v = vec![0u64; blocks];
    'starts: for s in 0..=(n - lmin) {
        v.fill(!0);
        for l in 1..=lmax.min(n - s) {
            let j = s + l - 1;
            lcs_step(&mut v, &masks[j * blocks..(j + 1) * blocks]);
            if l < lmin {
                continue;
            }
            let score = Ratio {
                num: 2 * pat.lcs(&v) as u64,
                den: (m + l) as u64,
            };
            let beats_best = best.is_none_or(|(b, _, _)| score.cmp(b) == Ordering::Greater);
            if beats_best {
                best = Some((score, s, l));
                if score.num == score.den {
                    break 'starts;
                }
            }
        }
    }
    let (score, s, l) = best?;
    if score.value() < DRIFT_THRESHOLD {
        return None;
    }
    if let Some(f) = floor
        && score.cmp(f) != Ordering::Greater
    {
        return None;
    }
    Some(Window {
        score,
        start: s,
        len: l,
    })
}

/// The substring of `raw` spanning its words `start..start + len`.
fn excerpt(raw: &str, start: usize, len: usize) -> String {
    let tokens = tokenize(raw);
    let span = tokens
        .get(start)
        .zip(tokens.get(start + len.saturating_sub(1)))
        .and_then(|(a, b)| raw.get(a.start..b.end.max(a.start)));
    span.unwrap_or_default().to_owned()
}

// ---------------------------------------------------------------------------
// Public matching entry point
// ---------------------------------------------------------------------------

/// The texts of a candidate in the order they are tried.
fn sides<'a>(c: &Candidate<'a>) -> impl Iterator<Item = (Side, &'a str)> {
    c.translation
        .map(|t| (Side::Translation, t))
        .into_iter()
        .chain(std::iter::once((Side::Original, c.original)))
}

/// Matches a quotation against the records of an article.
///
/// Returns [`Match::Exact`] for the lowest-index candidate whose translation
/// (tried first) or original contains the quotation's segments in order,
/// [`Match::Drift`] for the most similar window when no candidate matches
/// exactly (see the [module documentation](self) for the rules and
/// thresholds), and [`Match::None`] otherwise or when the quotation has no
/// words.
///
/// ```text
/// records = [Candidate { translation: Some("It is not necessary, we told him."),
///                        original: "No es necesario, le dijimos." }]
/// match_quotation("it is not necessary", &records)
///     == Match::Exact { index: 0, side: Side::Translation }
/// ```
pub fn match_quotation(quotation: &str, candidates: &[Candidate<'_>]) -> Match {
    match_normalized(&normalize(quotation), candidates, &mut NormCache::default())
}

/// Normalised record texts, computed at most once each and kept across the
/// quotations of one article; a text that is its own normalisation (most
/// are: verbatim stores what it was given, and editors type few doubled
/// spaces) is borrowed, not copied. A cache belongs to one candidate list:
/// use a fresh one for another.
#[derive(Debug, Default)]
pub struct NormCache<'a>(Vec<Option<Cow<'a, str>>>);

impl<'a> NormCache<'a> {
    /// A cache holding every text of `candidates` already normalised, for
    /// a caller that needs them anyway (`check` digests them).
    pub fn filled(candidates: &[Candidate<'a>]) -> Self {
        let mut slots = Vec::with_capacity(candidates.len() * 2);
        for c in candidates {
            slots.push(c.translation.map(normalize_cow));
            slots.push(Some(normalize_cow(c.original)));
        }
        NormCache(slots)
    }

    /// The normalised text of candidate `index`'s `side`, if cached.
    pub fn get(&self, index: usize, side: Side) -> Option<&str> {
        self.0.get(slot(index, side)).and_then(|s| s.as_deref())
    }
}

/// [`normalize`], borrowing `text` when it is its own normalisation: all
/// ASCII and [plain characters](is_plain_pair), with single spaces only
/// and none at either end. (Then `normalize` copies it as one run and finds
/// it NFC.)
pub fn normalize_cow(text: &str) -> Cow<'_, str> {
    let normal = plain_prefix_len(text) == text.len()
        && has_only_single_spaces(text)
        && !text.starts_with(' ')
        && !text.ends_with(' ');
    if normal {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(normalize(text))
    }
}

/// Where a candidate's side lives in a [`NormCache`].
fn slot(index: usize, side: Side) -> usize {
    2 * index + usize::from(side == Side::Original)
}

/// [`match_quotation`] for a quotation already passed through
/// [`normalize`], with the candidates' normalised texts kept in `cache`
/// between calls, so an article's records are normalised once, not once
/// per quotation.
pub fn match_normalized<'a>(
    norm: &str,
    candidates: &[Candidate<'a>],
    cache: &mut NormCache<'a>,
) -> Match {
    let q = Quotation::parse(norm);
    if q.total == 0 {
        return Match::None;
    }
    let cache = &mut cache.0;
    if cache.len() < candidates.len() * 2 {
        cache.resize(candidates.len() * 2, None);
    }
    for (index, c) in candidates.iter().enumerate() {
        for (side, text) in sides(c) {
            let Some(entry) = cache.get_mut(slot(index, side)) else {
                continue;
            };
            // Not normalised yet: a cheap look at the raw text first.
            if entry.is_none() && !q.may_fit(text) {
                continue;
            }
            if q.matches_exactly(entry.get_or_insert_with(|| normalize_cow(text))) {
                return Match::Exact { index, side };
            }
        }
    }
    if q.total < MIN_DRIFT_WORDS || q.total > MAX_DRIFT_WORDS {
        return Match::None;
    }
    let pat = DriftPattern::new(&q.segments);
    let mut best: Option<(Window, usize, Side, &str)> = None;
    for (index, c) in candidates.iter().enumerate() {
        for (side, text) in sides(c) {
            let Some(entry) = cache.get_mut(slot(index, side)) else {
                continue;
            };
            let norm = entry.get_or_insert_with(|| normalize_cow(text));
            let floor = best.map(|(w, ..)| w.score);
            if let Some(w) = best_window(&pat, norm, floor) {
                best = Some((w, index, side, text));
            }
        }
    }
    match best {
        Some((w, index, side, text)) => Match::Drift {
            index,
            side,
            closest: excerpt(text, w.start, w.len),
            similarity: w.score.value(),
        },
        None => Match::None,
    }
}

// ---------------------------------------------------------------------------
// Digest
// ---------------------------------------------------------------------------

/// Digest of a record's approved texts, `"sha256:"` followed by 64 lowercase
/// hex digits.
///
/// The SHA-256 input is, byte for byte (`o = normalize(original)`,
/// `t = normalize(translation)`, lengths as 8-byte big-endian unsigned
/// integers counting UTF-8 bytes):
///
/// ```text
/// "verbatim-digest-v1" 0x00  len(o) o  0x00                (translation None)
/// "verbatim-digest-v1" 0x00  len(o) o  0x01 len(t) t       (translation Some)
/// ```
///
/// The length prefixes make the encoding injective (texts may contain any
/// character, NUL included), and `None` differs from `Some("")`.
pub fn digest(original: &str, translation: Option<&str>) -> String {
    let t = translation.map(normalize);
    digest_normalized(&normalize(original), t.as_deref())
}

/// [`digest`] of texts already passed through [`normalize`] (`check`
/// normalises each record once, for its digest and for matching).
pub fn digest_normalized(original: &str, translation: Option<&str>) -> String {
    let mut h = Sha256::new();
    h.update(b"verbatim-digest-v1\0");
    h.update((original.len() as u64).to_be_bytes());
    h.update(original.as_bytes());
    match translation {
        None => h.update([0u8]),
        Some(t) => {
            h.update([1u8]);
            h.update((t.len() as u64).to_be_bytes());
            h.update(t.as_bytes());
        }
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let out = h.finalize();
    let mut s = String::with_capacity(7 + 2 * out.len());
    s.push_str("sha256:");
    for b in out.iter() {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    s
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::time::{Duration, Instant};

    fn tr<'a>(translation: &'a str, original: &'a str) -> Candidate<'a> {
        Candidate {
            translation: Some(translation),
            original,
        }
    }

    fn en(original: &str) -> Candidate<'_> {
        Candidate {
            translation: None,
            original,
        }
    }

    fn exact(index: usize, side: Side) -> Match {
        Match::Exact { index, side }
    }

    fn is_exact(m: &Match) -> bool {
        matches!(m, Match::Exact { .. })
    }

    const NECESSARY: &str = "It is not necessary, we told him.";
    const NECESARIO: &str = "No es necesario, le dijimos.";

    /// Unwraps a drift result.
    fn drift(m: Match) -> (usize, Side, String, f64) {
        match m {
            Match::Drift {
                index,
                side,
                closest,
                similarity,
            } => (index, side, closest, similarity),
            other => panic!("expected drift, got {other:?}"),
        }
    }

    #[test]
    fn doc_examples() {
        assert_eq!(normalize("  “Don’t” —\u{a0}wait…\n"), "\"Don't\" - wait...");
        assert_eq!(
            words("¿Qué? “It’s the U.S., isn’t it”"),
            ["Qué", "It's", "the", "U.S", "isn't", "it"]
        );
        let records = [tr(NECESSARY, NECESARIO)];
        assert_eq!(
            match_quotation("it is not necessary", &records),
            exact(0, Side::Translation)
        );
    }

    // ----- normalize -------------------------------------------------------

    #[test]
    fn normalize_folds_quotes() {
        assert_eq!(
            normalize("“a” „b‟ «c» 5″ ‘d’ ‚e‛ 5′ ‹f›"),
            "\"a\" \"b\" \"c\" 5\" 'd' 'e' 5' 'f'"
        );
    }

    #[test]
    fn normalize_folds_dashes_and_ellipsis() {
        assert_eq!(normalize("a‐b‑c‒d–e—f―g−h"), "a-b-c-d-e-f-g-h");
        assert_eq!(normalize("wait…"), "wait...");
        assert_eq!(normalize("…"), "...");
    }

    #[test]
    fn normalize_collapses_whitespace_and_trims() {
        assert_eq!(
            normalize(" \t a\u{a0}\u{a0}b\u{2009}c\u{202f}d\n\r\ne\u{3000}f  "),
            "a b c d e f"
        );
        assert_eq!(normalize(""), "");
        assert_eq!(normalize(" \n\u{a0} "), "");
    }

    #[test]
    fn normalize_keeps_case() {
        assert_eq!(normalize("ÉL Dijo"), "ÉL Dijo");
    }

    #[test]
    fn normalize_nfc_and_nfd_agree() {
        let nfc = "canción ñandú Ångström";
        let nfd: String = nfc.nfd().collect();
        assert_ne!(nfc, nfd);
        assert_eq!(normalize(&nfd), normalize(nfc));
        assert_eq!(normalize(&nfd), nfc);
    }

    #[test]
    fn normalize_deletes_invisibles() {
        assert_eq!(
            normalize("in\u{ad}ter\u{200b}na\u{2060}tio\u{feff}nal"),
            "international"
        );
        // Deleting a soft hyphen between a letter and a combining mark still
        // yields NFC.
        assert_eq!(normalize("e\u{ad}\u{301}"), "é");
    }

    #[test]
    fn normalize_is_idempotent_on_examples() {
        for s in [
            "“Don’t” — wait…",
            " \u{301}x",
            "a \u{2000}\u{301}",
            "e\u{ad}\u{301} \u{2026}\u{2026}",
        ] {
            let once = normalize(s);
            assert_eq!(normalize(&once), once, "{s:?}");
        }
    }

    // ----- words -----------------------------------------------------------

    #[test]
    fn words_strip_surrounding_punctuation() {
        assert_eq!(
            words("¿Qué pasó? ¡Nada! (dijo) \"sí\"; 'no': fin."),
            ["Qué", "pasó", "Nada", "dijo", "sí", "no", "fin"]
        );
    }

    #[test]
    fn words_keep_inner_punctuation() {
        assert_eq!(
            words("The U.S. don't accept a 72-hour truce."),
            ["The", "U.S", "don't", "accept", "a", "72-hour", "truce"]
        );
        assert_eq!(words("don’t"), ["don't"]);
    }

    #[test]
    fn words_drop_empty_pieces() {
        assert_eq!(words(" -- ... “ ” , "), Vec::<String>::new());
        assert_eq!(words("a — b"), ["a", "b"]);
    }

    #[test]
    fn words_keep_trailing_combining_marks() {
        // "n" + COMBINING DIAERESIS has no precomposed form.
        assert_eq!(words("Spin\u{308}al."), ["Spin\u{308}al"]);
        assert_eq!(words("xn\u{308}"), ["xn\u{308}"]);
    }

    #[test]
    fn tokenize_agrees_with_words_and_spans() {
        let raw = "  «Él dijo:  “it’s—fine…”»\u{a0}(ok) ";
        let toks = tokenize(raw);
        let ws: Vec<String> = toks.iter().map(|t| t.word.clone()).collect();
        assert_eq!(ws, words(raw));
        let spans: Vec<&str> = toks.iter().map(|t| &raw[t.start..t.end]).collect();
        assert_eq!(spans, ["Él", "dijo", "it’s—fine", "ok"]);
        assert_eq!(ws, ["Él", "dijo", "it's-fine", "ok"]);
    }

    // ----- exact matching --------------------------------------------------

    #[test]
    fn fragment_matches() {
        let c = [tr(NECESSARY, NECESARIO)];
        assert_eq!(
            match_quotation("not necessary", &c),
            exact(0, Side::Translation)
        );
        assert_eq!(match_quotation(NECESSARY, &c), exact(0, Side::Translation));
        assert_eq!(
            match_quotation("we told him", &c),
            exact(0, Side::Translation)
        );
    }

    #[test]
    fn non_consecutive_words_do_not_match() {
        let c = [tr(NECESSARY, NECESARIO)];
        assert_eq!(match_quotation("is necessary", &c), Match::None);
        assert_eq!(match_quotation("necessary not", &c), Match::None);
    }

    #[test]
    fn first_letter_case_of_first_word_is_ignored() {
        let c = [tr(NECESSARY, NECESARIO)];
        assert_eq!(
            match_quotation("it is not necessary", &c),
            exact(0, Side::Translation)
        );
        assert_eq!(
            match_quotation("“It is not necessary”", &c),
            exact(0, Side::Translation)
        );
        // And the other way round: capitalised quotation of a mid-sentence run.
        assert_eq!(
            match_quotation("Not necessary", &c),
            exact(0, Side::Translation)
        );
        assert_eq!(
            match_quotation("We told him.", &c),
            exact(0, Side::Translation)
        );
    }

    #[test]
    fn other_words_compare_case_sensitively() {
        let c = [tr(NECESSARY, NECESARIO)];
        assert_eq!(match_quotation("it is Not necessary", &c), {
            // Not exact; 3 of 4 words in common: drift.
            let (i, s, closest, sim) = drift(match_quotation("it is Not necessary", &c));
            assert_eq!((i, s), (0, Side::Translation));
            assert_eq!(closest, "It is not necessary");
            Match::Drift {
                index: 0,
                side: Side::Translation,
                closest,
                similarity: sim,
            }
        });
        // Only the first *letter* is folded.
        assert!(!is_exact(&match_quotation("IT is not", &c)));
        assert_eq!(match_quotation("is NOT", &c), Match::None);
    }

    #[test]
    fn punctuation_differences_are_ignored() {
        let c = [tr(NECESSARY, NECESARIO)];
        assert_eq!(
            match_quotation("necessary we told him!", &c),
            exact(0, Side::Translation)
        );
        assert_eq!(
            match_quotation("necessary; we, told: him?", &c),
            exact(0, Side::Translation)
        );
        assert_eq!(
            match_quotation("(not necessary)", &c),
            exact(0, Side::Translation)
        );
    }

    #[test]
    fn curly_and_straight_quotes_are_equivalent() {
        let c = [tr("We don’t accept the “deal” — ever.", "x")];
        assert_eq!(
            match_quotation("don't accept the \"deal\" - ever", &c),
            exact(0, Side::Translation)
        );
        let c = [tr("We don't accept the \"deal\" - ever.", "x")];
        assert_eq!(
            match_quotation("don’t accept the «deal» – ever", &c),
            exact(0, Side::Translation)
        );
    }

    #[test]
    fn nfd_and_nfc_are_equivalent() {
        let text = "Señor Muñoz dijo que la situación es crítica.";
        let nfd: String = text.nfd().collect();
        let c = [en(&nfd)];
        assert_eq!(
            match_quotation("la situación es crítica", &c),
            exact(0, Side::Original)
        );
        let c = [en(text)];
        let q: String = "Muñoz dijo".nfd().collect();
        assert_eq!(match_quotation(&q, &c), exact(0, Side::Original));
    }

    #[test]
    fn whitespace_variants_are_equivalent() {
        let c = [tr("It is not\u{a0}necessary,\nwe told him.", "x")];
        assert_eq!(
            match_quotation("not  necessary we\ttold", &c),
            exact(0, Side::Translation)
        );
    }

    #[test]
    fn ellipsis_skips_words() {
        let t = "We will not raise taxes this year, and we will protect the budget for schools.";
        let c = [tr(t, "x")];
        for q in [
            "We will not raise taxes … protect the budget",
            "We will not raise taxes ... protect the budget",
            "We will not raise taxes...protect the budget",
            "We will not raise taxes (...) protect the budget",
            "not raise taxes.... for schools",
            "We will…not raise",
            "…raise taxes…",
            "will … year … budget … schools",
        ] {
            assert_eq!(match_quotation(q, &c), exact(0, Side::Translation), "{q}");
        }
    }

    #[test]
    fn elided_segments_must_be_in_order_and_consecutive() {
        let t = "We will not raise taxes this year, and we will protect the budget for schools.";
        let c = [tr(t, "x")];
        assert!(!is_exact(&match_quotation(
            "protect the budget … raise taxes",
            &c
        )));
        assert!(!is_exact(&match_quotation(
            "raise … the protect budget",
            &c
        )));
        // A repeated phrase can be reused in a later segment.
        assert_eq!(
            match_quotation("we will … we will", &c),
            exact(0, Side::Translation)
        );
        assert!(!is_exact(&match_quotation(
            "we will … we will … we will",
            &c
        )));
    }

    #[test]
    fn first_word_of_each_elided_segment_ignores_case() {
        let t = "We will not raise taxes this year, and we will protect the budget.";
        let c = [tr(t, "x")];
        assert_eq!(
            match_quotation("we will not … Protect the budget", &c),
            exact(0, Side::Translation)
        );
        assert_eq!(
            match_quotation("raise taxes … And we will", &c),
            exact(0, Side::Translation)
        );
        assert!(!is_exact(&match_quotation("raise taxes … and We will", &c)));
    }

    #[test]
    fn brackets_stand_in_for_words() {
        let t = "She said it is working on a new plan for the region.";
        let c = [tr(t, "x")];
        for q in [
            "[Sheinbaum] said it is working",
            "[She] said it is working",
            "said it is working [...] for the region",
            "said it is working […] for the region",
            "said it is working [on the] new plan",
            "it is working [on a new plan]",
            "[The government] is working",
        ] {
            assert_eq!(match_quotation(q, &c), exact(0, Side::Translation), "{q}");
        }
        // An unclosed bracket is punctuation.
        assert_eq!(
            match_quotation("[it is working", &c),
            exact(0, Side::Translation)
        );
        assert_eq!(
            match_quotation("it is] working", &c),
            exact(0, Side::Translation)
        );
    }

    #[test]
    fn original_side_matches() {
        let c = [tr(NECESSARY, NECESARIO)];
        assert_eq!(
            match_quotation("no es necesario", &c),
            exact(0, Side::Original)
        );
        assert_eq!(
            match_quotation("“No es necesario, le dijimos”", &c),
            exact(0, Side::Original)
        );
    }

    #[test]
    fn translation_is_tried_before_original() {
        let c = [tr("the same words here", "the same words here too")];
        assert_eq!(
            match_quotation("same words", &c),
            exact(0, Side::Translation)
        );
        assert_eq!(match_quotation("here too", &c), exact(0, Side::Original));
    }

    #[test]
    fn english_original_records_match_on_original() {
        let c = [en("We are not going to back down on this.")];
        assert_eq!(
            match_quotation("not going to back down", &c),
            exact(0, Side::Original)
        );
        // Dropping a word is not exact (but is drift: a likely misquote).
        let (_, side, closest, _) = drift(match_quotation("we are going", &c));
        assert_eq!(
            (side, closest.as_str()),
            (Side::Original, "We are not going")
        );
    }

    #[test]
    fn lowest_exact_index_wins() {
        let c = [
            tr("Nothing to see here.", "Nada que ver."),
            tr("We will fight for jobs.", "Lucharemos por el empleo."),
            tr(
                "We will fight for jobs and wages.",
                "Lucharemos por el empleo y los salarios.",
            ),
        ];
        assert_eq!(
            match_quotation("fight for jobs", &c),
            exact(1, Side::Translation)
        );
        assert_eq!(
            match_quotation("jobs and wages", &c),
            exact(2, Side::Translation)
        );
    }

    #[test]
    fn lowest_index_wins_even_on_original_side() {
        let c = [
            tr("Something else entirely.", "la misma frase"),
            tr("la misma frase", "otra cosa"),
        ];
        assert_eq!(match_quotation("misma frase", &c), exact(0, Side::Original));
    }

    #[test]
    fn exact_beats_earlier_drift() {
        let c = [
            tr("We will fight for better jobs and wages.", "x"),
            tr("We will fight for jobs and wages.", "y"),
        ];
        assert_eq!(
            match_quotation("fight for jobs and wages", &c),
            exact(1, Side::Translation)
        );
    }

    #[test]
    fn empty_quotation_matches_nothing() {
        let c = [tr(NECESSARY, NECESARIO), en("")];
        for q in ["", "   ", "“”", "…", "[...]", "[Sheinbaum]", " - ; ! "] {
            assert_eq!(match_quotation(q, &c), Match::None, "{q:?}");
        }
        assert_eq!(match_quotation("anything at all", &[]), Match::None);
        assert_eq!(match_quotation("x", &[en(""), en("   ")]), Match::None);
    }

    // ----- drift -----------------------------------------------------------

    #[test]
    fn one_word_changed_is_drift() {
        let c = [tr(NECESSARY, NECESARIO)];
        let (i, side, closest, sim) = drift(match_quotation("It is not needed, we told him", &c));
        assert_eq!((i, side), (0, Side::Translation));
        assert_eq!(closest, "It is not necessary, we told him");
        assert!((sim - 6.0 / 7.0).abs() < 1e-12, "{sim}");
    }

    #[test]
    fn three_word_quotation_can_drift() {
        let c = [tr(NECESSARY, NECESARIO)];
        let (i, _, closest, sim) = drift(match_quotation("not really necessary", &c));
        assert_eq!(i, 0);
        assert!(sim >= DRIFT_THRESHOLD);
        assert!(NECESSARY.contains(&closest));
    }

    #[test]
    fn two_word_quotation_never_drifts() {
        let c = [tr("The minister ruled it out on Monday.", "x")];
        assert_eq!(match_quotation("ruled out", &c), Match::None);
        assert_eq!(
            match_quotation("minister ruled", &c),
            exact(0, Side::Translation)
        );
    }

    #[test]
    fn unrelated_quotation_is_none() {
        let c = [
            tr(NECESSARY, NECESARIO),
            tr(
                "We will fight for jobs and wages.",
                "Lucharemos por el empleo y los salarios.",
            ),
        ];
        assert_eq!(
            match_quotation("an entirely different statement about fisheries", &c),
            Match::None
        );
        // Below the threshold: 2 of 5 words in common.
        assert_eq!(match_quotation("we told them about it", &c), Match::None);
    }

    #[test]
    fn drift_threshold_is_inclusive() {
        let c = [en("alpha delta beta gamma")];
        // m = 6, windows of 3..=4 words; the best is the whole text with 3
        // words in common: 2 * 3 / (6 + 4) = 0.6 exactly, reported.
        let (_, _, closest, sim) = drift(match_quotation("alpha beta gamma x y z", &c));
        assert_eq!(sim, 0.6);
        assert_eq!(closest, "alpha delta beta gamma");
        // m = 7: 2 * 3 / (7 + 4) < 0.6.
        assert_eq!(match_quotation("alpha beta gamma x y z w", &c), Match::None);
    }

    #[test]
    fn drift_picks_best_candidate() {
        let c = [
            tr("The budget will fall next year.", "a"),
            tr("The budget for schools will rise next year.", "b"),
            tr("Completely unrelated words.", "c"),
        ];
        let (i, side, closest, _) = drift(match_quotation(
            "the budget for schools will grow next year",
            &c,
        ));
        assert_eq!((i, side), (1, Side::Translation));
        assert_eq!(closest, "The budget for schools will rise next year");
    }

    #[test]
    fn drift_on_original_side() {
        let c = [tr(
            "Something else said.",
            "No vamos a subir los impuestos este año.",
        )];
        let (i, side, closest, _) = drift(match_quotation("no vamos a bajar los impuestos", &c));
        assert_eq!((i, side), (0, Side::Original));
        assert_eq!(closest, "No vamos a subir los impuestos");
    }

    #[test]
    fn drift_ties_go_to_lowest_index() {
        let c = [
            tr("We must act now on climate.", "x"),
            tr("We must act now on climate.", "y"),
        ];
        let (i, side, _, _) = drift(match_quotation("we must act today on climate", &c));
        assert_eq!((i, side), (0, Side::Translation));
    }

    #[test]
    fn closest_is_a_substring_of_the_raw_text() {
        let raw = "  «Nosotros   no\u{a0}aceptaremos — jamás — este “acuerdo” injusto»,\ndijo.";
        let nfd: String = raw.nfd().collect();
        for text in [raw, nfd.as_str()] {
            let c = [en(text)];
            let (_, _, closest, _) = drift(match_quotation(
                "no aceptaremos nunca este acuerdo injusto",
                &c,
            ));
            assert!(text.contains(&closest), "{closest:?}");
            assert_eq!(
                normalize(&closest),
                "no aceptaremos - jamás - este \"acuerdo\" injusto"
            );
        }
    }

    #[test]
    fn drift_with_elided_quotation_uses_all_words() {
        let c = [en("We will protect the budget for schools and hospitals.")];
        // Segments out of order: not exact, but most words in common.
        let (_, _, closest, sim) = drift(match_quotation(
            "for schools and hospitals … we will protect",
            &c,
        ));
        assert!(sim >= DRIFT_THRESHOLD);
        assert!(c[0].original.contains(&closest));
    }

    // ----- pathological sizes ----------------------------------------------

    fn repeated(word: &str, n: usize) -> String {
        vec![word; n].join(" ")
    }

    #[test]
    fn huge_quotation_is_cheap() {
        let record: String = (0..200)
            .map(|i| format!("w{}", i % 7))
            .collect::<Vec<_>>()
            .join(" ");
        let c: Vec<Candidate<'_>> = (0..50).map(|_| tr(&record, &record)).collect();
        let q = repeated("w1 w2 w3 … [x]", 2_500);
        let start = Instant::now();
        assert_eq!(match_quotation(&q, &c), Match::None);
        let q2 = repeated("w1", 10_000);
        assert_eq!(match_quotation(&q2, &c), Match::None);
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn huge_record_and_quotation_are_linear() {
        // KMP worst case for naive search: "a a a … a b" in "a a a … a".
        let record = repeated("a", 20_000);
        let mut q = repeated("a", 9_999);
        q.push_str(" b");
        let c = [en(&record)];
        let start = Instant::now();
        assert_eq!(match_quotation(&q, &c), Match::None);
        let q = repeated("a", 10_000);
        assert_eq!(match_quotation(&q, &c), exact(0, Side::Original));
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn pathological_punctuation_is_linear() {
        let c = [en("a b c")];
        let start = Instant::now();
        for q in [
            "[".repeat(200_000),
            "[a ".repeat(100_000) + "]",
            ".".repeat(300_000),
            "a.. ".repeat(100_000),
            "…".repeat(100_000),
        ] {
            assert_eq!(match_quotation(&q, &c), Match::None);
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn long_drift_search_is_bounded() {
        let words: Vec<String> = (0..5_000).map(|i| format!("w{}", i % 97)).collect();
        let record = words.join(" ");
        let mut qw: Vec<String> = words[1_000..1_000 + MAX_DRIFT_WORDS].to_vec();
        qw[100] = "changed".to_owned();
        let q = qw.join(" ");
        let c = [en(&record), en(&record)];
        let start = Instant::now();
        let (i, _, closest, sim) = drift(match_quotation(&q, &c));
        assert_eq!(i, 0);
        assert!(sim > 0.99);
        assert!(record.contains(&closest));
        // One word over the cap: no drift.
        qw.push("w0".to_owned());
        assert_eq!(match_quotation(&qw.join(" "), &c), Match::None);
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{:?}",
            start.elapsed()
        );
    }

    // ----- digest ----------------------------------------------------------

    #[test]
    fn digest_format_and_known_value() {
        let d = digest("No es necesario.", Some("It is not necessary."));
        assert!(d.starts_with("sha256:"));
        assert_eq!(d.len(), 7 + 64);
        assert!(
            d[7..]
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        // Cross-checked with Python hashlib over the documented bytes.
        assert_eq!(d, KNOWN_DIGEST_SOME);
        assert_eq!(digest("Hello", None), KNOWN_DIGEST_NONE);
    }

    const KNOWN_DIGEST_SOME: &str =
        "sha256:15bb5c214269532152e46391e85a4b4b33d7b48cba7884ddd6b496ccf3d37b5f";
    const KNOWN_DIGEST_NONE: &str =
        "sha256:759788ee2008fe6652093d237f00644b742cde6600189a491cfe993cfba01865";

    #[test]
    fn digest_is_normalisation_invariant() {
        let a = digest("“Canción”  de\u{a0}cuna…", Some("“Lullaby”\n— song"));
        let nfd: String = "\"Canción\" de cuna...".nfd().collect();
        let b = digest(&nfd, Some("\"Lullaby\" - song "));
        assert_eq!(a, b);
    }

    #[test]
    fn digest_distinguishes_fields() {
        let none = digest("abc", None);
        assert_ne!(none, digest("abc", Some("")));
        assert_ne!(digest("a", Some("b")), digest("b", Some("a")));
        assert_ne!(digest("a\0\u{1}", None), digest("a", Some("")));
        assert_ne!(digest("abc", None), digest("Abc", None));
    }

    // ----- Europarl pairs --------------------------------------------------

    /// Small deterministic PRNG (SplitMix64) for the corpus test.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    /// Reference: is `q` (words) a run of consecutive words of `text`, the
    /// first compared with its first letter case-folded?
    fn reference_contains(text: &str, q: &[String]) -> bool {
        let t = words(text);
        !q.is_empty()
            && t.windows(q.len())
                .any(|w| fold_first(&w[0]) == fold_first(&q[0]) && w[1..] == q[1..])
    }

    /// The shared corpus sits beside the repository (README.md, Tests).
    const CORPUS: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/europarl-sample"
    );

    #[test]
    fn europarl_fragments_match_their_records() {
        let (Ok(es), Ok(en_text)) = (
            std::fs::read_to_string(format!("{CORPUS}/es.txt")),
            std::fs::read_to_string(format!("{CORPUS}/en.txt")),
        ) else {
            panic!(
                "corpus not found at {CORPUS}: the tests need ../shared/corpus beside the repository"
            );
        };
        let mut seen = std::collections::HashSet::new();
        let pairs: Vec<(&str, &str)> = es
            .lines()
            .zip(en_text.lines())
            .filter(|(s, e)| {
                !s.trim().is_empty()
                    && words(e).len() >= 8
                    && !e.contains(['[', '…'])
                    && !e.contains("...")
                    && seen.insert(normalize(e))
            })
            .collect();
        assert!(pairs.len() >= 200, "only {} usable pairs", pairs.len());
        let mut rng = Rng(0x5eed_2024);
        let (mut exact_own, mut drift_own, mut spanish_own) = (0, 0, 0);
        for k in 0..200 {
            let own = k * pairs.len() / 200;
            // 20 candidates: the record plus 19 others, at a random position.
            let pos = rng.below(20);
            let mut ids: Vec<usize> = Vec::with_capacity(20);
            while ids.len() < 19 {
                let other = rng.below(pairs.len());
                if other != own && !ids.contains(&other) {
                    ids.push(other);
                }
            }
            ids.insert(pos, own);
            let cands: Vec<Candidate<'_>> =
                ids.iter().map(|&i| tr(pairs[i].1, pairs[i].0)).collect();

            // Random fragment of the raw English sentence (punctuation kept).
            let (es_s, en_s) = pairs[own];
            let raw: Vec<&str> = en_s.split_whitespace().collect();
            let len = 6 + rng.below(raw.len().saturating_sub(6).min(10) + 1);
            let len = len.min(raw.len());
            let start = rng.below(raw.len() - len + 1);
            let mut fragment = raw[start..start + len].join(" ");
            if rng.below(2) == 0 {
                fragment = fold_first(&fragment).into_owned();
            }
            let qw = words(&fragment);
            let expected = cands
                .iter()
                .enumerate()
                .find_map(|(i, c)| {
                    if reference_contains(c.translation.unwrap_or(""), &qw) {
                        Some(exact(i, Side::Translation))
                    } else if reference_contains(c.original, &qw) {
                        Some(exact(i, Side::Original))
                    } else {
                        None
                    }
                })
                .unwrap_or(Match::None);
            assert!(reference_contains(en_s, &qw), "{fragment}");
            let got = match_quotation(&fragment, &cands);
            assert_eq!(got, expected, "{fragment}");
            if got == exact(pos, Side::Translation) {
                exact_own += 1;
            }

            // The same fragment with one inner word replaced.
            let mut changed: Vec<&str> = raw[start..start + len].to_vec();
            changed[len / 2] = "Zyzzyva";
            let changed = changed.join(" ");
            let (i, side, closest, sim) = drift(match_quotation(&changed, &cands));
            assert!(sim >= DRIFT_THRESHOLD);
            if (i, side) == (pos, Side::Translation) {
                drift_own += 1;
                assert!(en_s.contains(&closest), "{closest}");
            }

            // A fragment of the Spanish original matches on the original side.
            let raw_es: Vec<&str> = es_s.split_whitespace().collect();
            if raw_es.len() >= 6 {
                let s = rng.below(raw_es.len() - 6 + 1);
                let q = raw_es[s..s + 6].join(" ");
                if match_quotation(&q, &cands) == exact(pos, Side::Original) {
                    spanish_own += 1;
                }
            } else {
                spanish_own += 1;
            }
        }
        assert_eq!(exact_own, 200, "exact matches on own record");
        assert_eq!(drift_own, 200, "drift to own record");
        assert_eq!(spanish_own, 200, "Spanish fragments on own record");
    }

    // ----- property tests --------------------------------------------------

    /// Text drawn from an alphabet rich in the characters normalisation
    /// touches.
    fn tricky_text() -> impl Strategy<Value = String> {
        let atoms = prop_oneof![
            Just("a"),
            Just("B"),
            Just("é"),
            Just("e\u{301}"),
            Just("\u{301}"),
            Just("\u{308}"),
            Just("\u{316}"),
            Just("n"),
            Just("I"),
            Just("İ"),
            Just("ß"),
            Just("Å"),
            Just("\u{212b}"),
            Just(" "),
            Just("  "),
            Just("\u{a0}"),
            Just("\u{2009}"),
            Just("\n"),
            Just("\u{2000}"),
            Just("\u{ad}"),
            Just("\u{200b}"),
            Just("\u{feff}"),
            Just("“"),
            Just("”"),
            Just("„"),
            Just("«"),
            Just("»"),
            Just("″"),
            Just("‘"),
            Just("’"),
            Just("′"),
            Just("‹"),
            Just("–"),
            Just("—"),
            Just("−"),
            Just("…"),
            Just("."),
            Just(","),
            Just("["),
            Just("]"),
            Just("'"),
            Just("\""),
            Just("-"),
            Just("¿"),
            Just("한"),
            Just("\u{1100}"),
            Just("\u{1161}"),
            Just("\u{0}"),
        ];
        prop::collection::vec(atoms, 0..40).prop_map(|v| v.concat())
    }

    /// The rule of [`normalize`] step by step, as it was written before the
    /// one-pass version: fold and delete invisibles, compose (NFC), fold
    /// what composing produced, collapse whitespace.
    fn reference_normalize(text: &str) -> String {
        let mut folded = String::new();
        text.chars().for_each(|c| push_folded(&mut folded, c));
        let composed: String = folded.nfc().collect();
        let mut refolded = String::new();
        composed.chars().for_each(|c| push_folded(&mut refolded, c));
        refolded.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// Mostly ASCII words and single spaces, with every way a run of words
    /// joined by single spaces can end: other ASCII whitespace, a double
    /// space, the end of the text, a non-ASCII space, an invisible or
    /// another non-ASCII character (`normalize` copies such runs whole).
    fn wordy_text() -> impl Strategy<Value = String> {
        // Every atom is a regex, so that they share one strategy type.
        let atom = prop_oneof![
            6 => "[a-c,.]{1,4}",
            6 => " ",
            1 => "  ",
            1 => "[\t\n\x0b\x0c\r\x01]",
            1 => "\u{a0}",
            1 => "\u{2009}",
            1 => "\u{ad}",
            1 => "\u{200b}",
            1 => "é",
            1 => "e\u{301}",
            1 => "…",
        ];
        prop::collection::vec(atom, 0..30).prop_map(|atoms| atoms.concat())
    }

    fn any_text() -> impl Strategy<Value = String> {
        prop_oneof![tricky_text(), any::<String>()]
    }

    /// Plain text of words with attached punctuation, no elision markers.
    fn sentence() -> impl Strategy<Value = Vec<String>> {
        let word = (
            prop_oneof![Just(""), Just("“"), Just("("), Just("¿"), Just("'")],
            "[a-zA-Záéñü]{1,6}(['-][a-z]{1,3})?",
            prop_oneof![
                Just(""),
                Just(","),
                Just("."),
                Just("”"),
                Just(")"),
                Just("?"),
                Just(";")
            ],
        )
            .prop_map(|(a, b, c)| format!("{a}{b}{c}"));
        prop::collection::vec(word, 1..40)
    }

    /// LCS lengths of `q` and every prefix `t[..j]` (index `j`), the first
    /// word of `q` case-folded; plain dynamic programming.
    fn lcs_prefixes(q: &[&str], t: &[&str]) -> Vec<usize> {
        let mut dp = vec![vec![0usize; t.len() + 1]; q.len() + 1];
        for i in 1..=q.len() {
            for j in 1..=t.len() {
                let eq = if i == 1 {
                    fold_eq(q[0], t[j - 1])
                } else {
                    q[i - 1] == t[j - 1]
                };
                dp[i][j] = if eq {
                    dp[i - 1][j - 1] + 1
                } else {
                    dp[i - 1][j].max(dp[i][j - 1])
                };
            }
        }
        dp.pop().unwrap_or_default()
    }

    /// [`parse_segments`] as it was before the words went straight into
    /// segments: pieces between markers collected first (`None` a marker).
    fn parse_segments_via_pieces(norm: &str) -> Vec<Vec<&str>> {
        let bytes = norm.as_bytes();
        let mut pieces: Vec<Option<&str>> = Vec::new();
        let mut text_start = 0;
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'[' => {
                    if let Some(rel) = bytes[i + 1..].iter().position(|&b| b == b']') {
                        pieces.push(norm.get(text_start..i));
                        pieces.push(None);
                        i += rel + 2;
                        text_start = i;
                        continue;
                    }
                    i += 1;
                }
                b'.' => {
                    let run = bytes[i..].iter().take_while(|&&b| b == b'.').count();
                    if run >= 3 {
                        pieces.push(norm.get(text_start..i));
                        pieces.push(None);
                        text_start = i + run;
                    }
                    i += run;
                }
                _ => i += 1,
            }
        }
        pieces.push(norm.get(text_start..));
        let mut segments = Vec::new();
        let mut current: Vec<&str> = Vec::new();
        for piece in pieces {
            match piece {
                Some(text) => current.extend(normalized_words(text)),
                None => {
                    if !current.is_empty() {
                        segments.push(std::mem::take(&mut current));
                    }
                }
            }
        }
        if !current.is_empty() {
            segments.push(current);
        }
        segments
    }

    #[test]
    fn plain_characters_are_left_alone_by_normalize() {
        let plain = |c: char| {
            let mut utf8 = [0; 4];
            match *c.encode_utf8(&mut utf8).as_bytes() {
                [lead, next] => is_plain_pair(lead, next),
                _ => false,
            }
        };
        let expected = |c: char| ('\u{A1}'..='\u{2FF}').contains(&c) && !"«»\u{AD}".contains(c);
        for c in (0..0x800).filter_map(char::from_u32) {
            assert_eq!(plain(c), expected(c), "{c:?}");
        }
        for c in ('\u{A1}'..='\u{2FF}').filter(|&c| plain(c)) {
            assert!(
                !c.is_whitespace() && !is_invisible(c) && fold_char(c).is_none(),
                "{c:?}"
            );
            assert_eq!(is_nfc_quick(std::iter::once(c)), IsNormalized::Yes, "{c:?}");
            assert_eq!(
                unicode_normalization::char::canonical_combining_class(c),
                0,
                "{c:?}"
            );
            // and so normalize agrees with the reference around it
            for text in [
                format!("a{c}b"),
                format!(" {c}\u{301} \u{a0}{c}… "),
                c.to_string(),
            ] {
                assert_eq!(normalize(&text), reference_normalize(&text), "{text:?}");
            }
        }
    }

    #[test]
    fn whole_quotation_found_as_pieces() {
        let cases = [
            ("the report", "on the report.", true),
            ("the report", "on “the report”", true),
            ("the rep", "on the report", false),
            ("he report", "on the report", false),
            ("the report", "on the report\u{301}", false),
            ("report", "reportage report", true),
            ("a a", "xa a a", true), // overlapping the rejected first occurrence
            ("é a", "(é a)", true),
        ];
        for (q, t, expected) in cases {
            let q = normalize(q);
            assert_eq!(
                Quotation::parse(&q).found_as_pieces(&normalize(t)),
                expected,
                "{q:?} in {t:?}"
            );
        }
        let texts = |q: &'static str| -> Vec<&'static str> {
            parse_segments(q).into_iter().map(|s| s.text).collect()
        };
        assert_eq!(texts("a b... c [x] d e [f"), ["a b", "c", "d e [f"]);
        assert_eq!(texts("a[b]c (...) d"), ["a", "c (", ") d"]);
        for (q, t, expected) in [
            ("a ... b", "a x b", true),
            ("a ... b", "b x a", false),
            ("a [x] b c", "a, y b c.", true),
            ("a...b", "a...b", false), // one piece of the text, two segments
            ("a ... a", "a", false),
            ("a (...) b", "a (x) b", false), // left to the word search
        ] {
            let q = normalize(q);
            assert_eq!(
                Quotation::parse(&q).found_as_pieces(&normalize(t)),
                expected,
                "{q:?} in {t:?}"
            );
        }
    }

    /// [`Quotation::matches_exactly`] as it was before words were split
    /// lazily: the whole text split up front, each segment located with
    /// KMP over the slice of words.
    fn matches_exactly_eager(q: &Quotation<'_>, norm: &str) -> bool {
        fn find_in(seg: &Segment<'_>, text: &[&str], from: usize) -> Option<usize> {
            let (first, pat) = seg.words.split_first()?;
            if pat.is_empty() {
                return (from..text.len()).find(|&i| fold_eq(first, text[i]));
            }
            let mut k = 0;
            for (j, w) in text.iter().enumerate().skip(from + 1) {
                while k > 0 && *w != pat[k] {
                    k = seg.fail()[k - 1];
                }
                if *w == pat[k] {
                    k += 1;
                }
                if k == pat.len() {
                    let start = j + 1 - k - 1;
                    if fold_eq(first, text[start]) {
                        return Some(start);
                    }
                    k = seg.fail()[k - 1];
                }
            }
            None
        }
        if q.total == 0 || q.probes.iter().any(|p| !norm.contains(p)) {
            return false;
        }
        let text = normalized_words(norm);
        if q.total > text.len() {
            return false;
        }
        let mut pos = 0;
        for seg in &q.segments {
            match find_in(seg, &text, pos) {
                Some(i) => pos = i + seg.words.len(),
                None => return false,
            }
        }
        true
    }

    /// Reference for the segment search: can the segments be placed in
    /// order (each consecutive, first words case-folded)?
    fn segments_reference(segs: &[Vec<&str>], text: &[&str]) -> bool {
        fn place(segs: &[Vec<&str>], text: &[&str], from: usize) -> bool {
            let Some((seg, rest)) = segs.split_first() else {
                return true;
            };
            (from..text.len()).any(|i| {
                i + seg.len() <= text.len()
                    && fold_eq(seg[0], text[i])
                    && seg[1..] == text[i + 1..i + seg.len()]
                    && place(rest, text, i + seg.len())
            })
        }
        place(segs, text, 0)
    }

    proptest! {
        #[test]
        fn prop_normalize_idempotent(s in any_text()) {
            let once = normalize(&s);
            prop_assert_eq!(normalize(&once), once.clone());
            prop_assert!(unicode_normalization::is_nfc(&once));
        }

        #[test]
        fn prop_normalize_agrees_with_fold_then_compose(s in any_text()) {
            prop_assert_eq!(normalize(&s), reference_normalize(&s));
        }

        #[test]
        fn prop_ascii_fast_path_collapses_like_split_whitespace(s in "[ -~\t\n\x0b\x0c\r]{0,40}") {
            let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
            prop_assert_eq!(normalize(&s), joined);
        }

        #[test]
        fn prop_normalize_cow_is_normalize(s in prop_oneof![wordy_text(), any_text(), "[a-z áñ¿¡«\u{a0}\u{85}\u{ad}  \t]{0,30}"]) {
            let (cow, plain) = (normalize_cow(&s), normalize(&s));
            prop_assert_eq!(cow.as_ref(), plain.as_str());
        }

        #[test]
        fn prop_normalize_agrees_on_wordy_text(s in wordy_text()) {
            prop_assert_eq!(normalize(&s), reference_normalize(&s));
        }

        #[test]
        fn prop_normalized_words_agree_with_split_and_trim(s in prop_oneof![wordy_text(), any_text()]) {
            let norm = normalize(&s);
            let expected: Vec<&str> = norm
                .split(' ')
                .map(|piece| piece.trim_matches(|c: char| !is_word_char(c)))
                .filter(|w| !w.is_empty())
                .collect();
            prop_assert_eq!(normalized_words(&norm), expected);
        }

        #[test]
        fn prop_longest_distinct_agrees_with_sorting(
            ws in prop::collection::vec(prop_oneof![Just("a"), Just("b"), Just("cc"), Just("dd"), Just("eee"), Just("f"), Just("gggg")], 0..12),
        ) {
            let mut expected: Vec<&str> = ws.clone();
            expected.sort_by_key(|w| std::cmp::Reverse(w.len()));
            let mut seen = std::collections::HashSet::new();
            expected.retain(|w| seen.insert(*w));
            expected.truncate(PROBES);
            prop_assert_eq!(longest_distinct(ws.iter().copied()), expected);
        }

        #[test]
        fn prop_plain_prefix_len_agrees_with_chars(s in prop_oneof![wordy_text(), any_text(), "[a-z áñüőłɐʰ¡¿°\u{a0}\u{85}\u{ad}«»“\u{301}]{0,30}"]) {
            let plain = |c: char| {
                c.is_ascii() || (('\u{A1}'..='\u{2FF}').contains(&c) && !"«»\u{AD}".contains(c))
            };
            let expected = s
                .char_indices()
                .find(|&(_, c)| !plain(c))
                .map_or(s.len(), |(i, _)| i);
            prop_assert_eq!(plain_prefix_len(&s), expected);
        }

        #[test]
        fn prop_ascii_prefix_len_agrees_with_position(s in prop_oneof![wordy_text(), any_text()]) {
            let expected = s.bytes().position(|b| !b.is_ascii()).unwrap_or(s.len());
            prop_assert_eq!(ascii_prefix_len(&s), expected);
        }

        #[test]
        fn prop_ascii_collapse_agrees_with_split_whitespace(
            s in "[ a\t\n\x0b\x0c\r\x01]{0,40}",
            before in prop_oneof![Just(""), Just("x")],
            pending in any::<bool>(),
        ) {
            // Both paths of push_ascii_collapsed, continuing a run of
            // `before` (a pending space needs something before it) and
            // followed by a non-space.
            let pending = pending && !before.is_empty();
            let mut out = before.to_owned();
            let mut pending_space = pending;
            push_ascii_collapsed(&mut out, &s, &mut pending_space);
            out.push_str(if pending_space { " |" } else { "|" });
            let joined = format!("{before}{}{s}|", if pending { " " } else { "" });
            let expected = joined.split_whitespace().collect::<Vec<_>>().join(" ");
            prop_assert_eq!(out, expected);
        }

        #[test]
        fn prop_normalize_nfc_nfd_agree(s in any_text()) {
            let nfd: String = s.nfd().collect();
            let nfc: String = s.nfc().collect();
            prop_assert_eq!(normalize(&nfd), normalize(&s));
            prop_assert_eq!(normalize(&nfc), normalize(&s));
        }

        #[test]
        fn prop_tokenize_agrees_with_words(s in any_text()) {
            let toks = tokenize(&s);
            let ws: Vec<String> = toks.iter().map(|t| t.word.clone()).collect();
            prop_assert_eq!(&ws, &words(&s));
            for t in &toks {
                prop_assert!(s.get(t.start..t.end).is_some());
            }
        }

        #[test]
        fn prop_run_of_words_matches(ws in sentence(), a in 0usize..40, b in 0usize..40) {
            let text = ws.join(" ");
            let w = words(&text);
            prop_assume!(!w.is_empty());
            let i = a % w.len();
            let j = i + 1 + b % (w.len() - i);
            let q = w[i..j].join(" ");
            let c = [tr(&text, "zzz"), en("qqq")];
            prop_assert_eq!(match_quotation(&q, &c), exact(0, Side::Translation));
            // Raw (punctuated) fragments match too.
            let raw = ws[i.min(ws.len() - 1)..].join(" ");
            prop_assert_eq!(match_quotation(&raw, &c), exact(0, Side::Translation));
        }

        #[test]
        fn prop_run_of_arbitrary_words_matches(s in any_text(), a in 0usize..40, b in 0usize..40) {
            let w = words(&s);
            prop_assume!(!w.is_empty());
            let i = a % w.len();
            let j = i + 1 + b % (w.len() - i);
            let run = &w[i..j];
            prop_assume!(run.iter().all(|x| !x.contains('[') && !x.contains("...")));
            let q = run.join(" ");
            prop_assert_eq!(match_quotation(&q, &[en(&s)]), exact(0, Side::Original));
        }

        #[test]
        fn prop_parse_segments_agrees_with_pieces(s in prop_oneof![
            tricky_text(),
            "[a .\\[\\]…]{0,30}",
            // long plain stretches, for the sixteen-byte skip
            "[ab ]{0,40}(\\.\\.\\.|\\[x\\]|\\[|\\]|\\.)?[ab ]{0,40}(\\.\\.\\.|\\]|\\.\\.)?[ab ]{0,20}",
        ]) {
            let norm = normalize(&s);
            let got: Vec<Vec<&str>> = parse_segments(&norm).into_iter().map(|seg| seg.words).collect();
            prop_assert_eq!(got, parse_segments_via_pieces(&norm));
        }

        #[test]
        fn prop_lazy_search_agrees_with_eager(
            q in prop::collection::vec(prop_oneof![Just("a"), Just("b"), Just("A"), Just("ab"), Just("..."), Just("[x]"), Just("b,"), Just("-")], 0..8),
            t in prop::collection::vec(prop_oneof![Just("a"), Just("b"), Just("A"), Just("ab"), Just("a."), Just("-"), Just("\"B")], 0..16),
        ) {
            let norm_q = normalize(&q.join(" "));
            let norm_t = normalize(&t.join(" "));
            let quotation = Quotation::parse(&norm_q);
            prop_assert_eq!(
                quotation.matches_exactly(&norm_t),
                matches_exactly_eager(&quotation, &norm_t),
                "{:?} in {:?}", norm_q, norm_t
            );
        }

        #[test]
        fn prop_whole_quotation_search_agrees_with_eager(
            q in prop::collection::vec(prop_oneof![Just("a"), Just("b"), Just("A"), Just("ab"), Just("a."), Just("\"b"), Just("(a"), Just("é"), Just("x\u{301}"), Just("-"), Just(".."), Just("["), Just("]"), Just("..."), Just("[x]"), Just("…"), Just("(...)")], 1..8),
            t in prop::collection::vec(prop_oneof![Just("a"), Just("b"), Just("A"), Just("ab"), Just("a."), Just("\"b"), Just("(a"), Just("é"), Just("x\u{301}"), Just("-"), Just("ba"), Just("a,b"), Just("a\u{301}"), Just("...")], 0..14),
            glue in prop_oneof![Just(" "), Just("")],
        ) {
            // The substring path answers first; when it finds nothing, the
            // word search decides.
            let norm_q = normalize(&q.join(glue));
            let norm_t = normalize(&t.join(" "));
            let quotation = Quotation::parse(&norm_q);
            let eager = matches_exactly_eager(&quotation, &norm_t);
            prop_assert_eq!(quotation.matches_exactly(&norm_t), eager, "{:?} in {:?}", norm_q, norm_t);
            if quotation.total > 0 && quotation.found_as_pieces(&norm_t) {
                prop_assert!(eager, "{:?} in {:?}", norm_q, norm_t);
            }
            for seg in &quotation.segments {
                prop_assert_eq!(&normalized_words(seg.text), &seg.words);
            }
        }

        #[test]
        fn prop_segment_search_matches_reference(
            q in prop::collection::vec(prop_oneof![Just("a"), Just("b"), Just("A"), Just("B"), Just("..."), Just("[x]"), Just("a,")], 0..8),
            t in prop::collection::vec(prop_oneof![Just("a"), Just("b"), Just("A"), Just("B")], 0..12),
        ) {
            let q = q.join(" ");
            let text = t.join(" ");
            let norm = normalize(&q);
            let segs: Vec<Vec<&str>> = parse_segments(&norm).into_iter().map(|s| s.words).collect();
            let expected = !segs.is_empty() && segments_reference(&segs, &t);
            let got = match_quotation(&q, &[en(&text)]);
            prop_assert_eq!(matches!(got, Match::Exact { .. }), expected, "{:?} in {:?}", q, text);
        }

        #[test]
        fn prop_bit_parallel_lcs_matches_dp(
            q in prop::collection::vec(prop_oneof![Just("a"), Just("b"), Just("c"), Just("A")], 1..150),
            t in prop::collection::vec(prop_oneof![Just("a"), Just("b"), Just("c"), Just("A"), Just("d")], 0..160),
        ) {
            let segs = vec![Segment::new("", q.clone())];
            let pat = DriftPattern::new(&segs);
            let reference = lcs_prefixes(&q, &t);
            let mut v = vec![!0u64; pat.blocks];
            let mut mask = vec![0u64; pat.blocks];
            for (j, w) in t.iter().enumerate() {
                pat.mask_into(w, &mut mask);
                lcs_step(&mut v, &mask);
                prop_assert_eq!(pat.lcs(&v), reference[j + 1]);
            }
        }

        #[test]
        fn prop_no_panic(q in any_text(), t in any_text(), o in any_text(), some in any::<bool>()) {
            let c = [Candidate { translation: some.then_some(t.as_str()), original: &o }];
            let m = match_quotation(&q, &c);
            if let Match::Drift { closest, similarity, index, side } = &m {
                prop_assert!((0.0..=1.0).contains(similarity));
                prop_assert!(*similarity >= DRIFT_THRESHOLD);
                let text = match side { Side::Translation => t.as_str(), Side::Original => o.as_str() };
                prop_assert_eq!(*index, 0);
                prop_assert!(text.contains(closest.as_str()));
            }
            let d = digest(&o, some.then_some(t.as_str()));
            prop_assert_eq!(d.len(), 71);
        }

        #[test]
        fn prop_no_panic_on_quotes_from_text(t in any_text(), a in 0usize..40, b in 0usize..40) {
            // Quotations cut out of the text at arbitrary char boundaries.
            let chars: Vec<char> = t.chars().collect();
            let i = a.min(chars.len());
            let j = (i + b).min(chars.len());
            let q: String = chars[i..j].iter().collect();
            let _ = match_quotation(&q, &[en(&t), tr(&t, &q)]);
        }
    }
}
