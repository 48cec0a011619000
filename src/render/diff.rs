//! Word-level diffs: one pure function computes the operations, and one
//! renders them. `diff`, `review` and `check`'s drift findings all use it.

use std::time::Duration;

use console::Style;
use serde::Serialize;
use similar::{Algorithm, DiffTag, capture_diff_slices_deadline};

use super::sanitize;

/// How long a diff may search before settling for a coarser result.
const DIFF_TIMEOUT: Duration = Duration::from_millis(200);

/// One piece of a word diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "op", content = "text", rename_all = "lowercase")]
pub enum Segment {
    /// Text in both.
    Equal(String),
    /// Text only in the old side.
    Delete(String),
    /// Text only in the new side.
    Insert(String),
}

/// Splits a text into diff tokens: runs of letters and digits (with inner
/// apostrophes, so "isn't" is one word), runs of whitespace, and single
/// other characters.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        start = pos;
        let mut j = i + 1;
        if c.is_alphanumeric() {
            while j < chars.len() {
                let d = chars[j].1;
                let inner_apostrophe = matches!(d, '\'' | '’')
                    && j + 1 < chars.len()
                    && chars[j + 1].1.is_alphanumeric();
                if d.is_alphanumeric() || unicode_mark(d) || inner_apostrophe {
                    j += 1;
                } else {
                    break;
                }
            }
        } else if c.is_whitespace() {
            while j < chars.len() && chars[j].1.is_whitespace() {
                j += 1;
            }
        }
        let end = chars.get(j).map(|(p, _)| *p).unwrap_or(text.len());
        out.push(&text[start..end]);
        i = j;
    }
    let _ = start;
    out
}

/// Combining marks (NFD accents) stay with their letter.
fn unicode_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// The word diff from `old` to `new`.
/// Both sides are compared in Unicode NFC, so NFC and NFD spellings of the
/// same words show no change.
pub fn word_diff(old: &str, new: &str) -> Vec<Segment> {
    use unicode_normalization::UnicodeNormalization;
    let old: String = old.nfc().collect();
    let new: String = new.nfc().collect();
    let a = tokens(&old);
    let b = tokens(&new);
    let deadline = std::time::Instant::now() + DIFF_TIMEOUT;
    let ops = capture_diff_slices_deadline(Algorithm::Patience, &a, &b, Some(deadline));
    let mut segs: Vec<Segment> = Vec::new();
    let mut push = |seg: Segment| {
        let (text, kind) = match &seg {
            Segment::Equal(t) => (t, 0),
            Segment::Delete(t) => (t, 1),
            Segment::Insert(t) => (t, 2),
        };
        if text.is_empty() {
            return;
        }
        if let Some(last) = segs.last_mut() {
            match (last, kind) {
                (Segment::Equal(l), 0) | (Segment::Delete(l), 1) | (Segment::Insert(l), 2) => {
                    l.push_str(text);
                    return;
                }
                _ => {}
            }
        }
        segs.push(seg);
    };
    for op in ops {
        let (tag, o, n) = op.as_tag_tuple();
        let old_text = a[o].concat();
        let new_text = b[n].concat();
        match tag {
            DiffTag::Equal => push(Segment::Equal(old_text)),
            DiffTag::Delete => push(Segment::Delete(old_text)),
            DiffTag::Insert => push(Segment::Insert(new_text)),
            DiffTag::Replace => {
                push(Segment::Delete(old_text));
                push(Segment::Insert(new_text));
            }
        }
    }
    merge_across_spaces(segs)
}

/// Joins two changes separated only by whitespace into one, so that
/// "[-a-]{+b+} [-c-]{+d+}" reads "[-a c-]{+b d+}".
fn merge_across_spaces(segs: Vec<Segment>) -> Vec<Segment> {
    let is_change = |s: &Segment| !matches!(s, Segment::Equal(_));
    let mut out: Vec<Segment> = Vec::new();
    let mut i = 0;
    while i < segs.len() {
        let seg = &segs[i];
        let space_between = matches!(seg, Segment::Equal(t) if !t.is_empty() && t.trim().is_empty())
            && i > 0
            && i + 1 < segs.len()
            && is_change(&segs[i - 1])
            && is_change(&segs[i + 1]);
        if space_between {
            let Segment::Equal(space) = seg else {
                unreachable!()
            };
            // Collect the changes just before (already in `out`) and after.
            let mut del = String::new();
            let mut ins = String::new();
            while let Some(last) = out.last() {
                match last {
                    Segment::Delete(t) => del.insert_str(0, t),
                    Segment::Insert(t) => ins.insert_str(0, t),
                    Segment::Equal(_) => break,
                }
                out.pop();
            }
            del.push_str(space);
            ins.push_str(space);
            i += 1;
            while i < segs.len() && is_change(&segs[i]) {
                match &segs[i] {
                    Segment::Delete(t) => del.push_str(t),
                    Segment::Insert(t) => ins.push_str(t),
                    Segment::Equal(_) => {}
                }
                i += 1;
            }
            if del.trim().is_empty() {
                del.clear();
            }
            if ins.trim().is_empty() {
                ins.clear();
            }
            if !del.is_empty() {
                out.push(Segment::Delete(del));
            }
            if !ins.is_empty() {
                out.push(Segment::Insert(ins));
            }
            continue;
        }
        out.push(seg.clone());
        i += 1;
    }
    out
}

/// Renders a diff: with colour, deletions red and struck through and
/// insertions green; without, `[-old-]{+new+}` like
/// `git diff --word-diff=plain`. Text is made terminal-safe.
pub fn render(segs: &[Segment], color: bool) -> String {
    let mut out = String::new();
    let del = Style::new().red().strikethrough().force_styling(true);
    let ins = Style::new().green().underlined().force_styling(true);
    for seg in segs {
        match seg {
            Segment::Equal(t) => out.push_str(&sanitize(t)),
            Segment::Delete(t) if color => out.push_str(&del.apply_to(sanitize(t)).to_string()),
            Segment::Insert(t) if color => out.push_str(&ins.apply_to(sanitize(t)).to_string()),
            Segment::Delete(t) => {
                out.push_str("[-");
                out.push_str(&sanitize(t));
                out.push_str("-]");
            }
            Segment::Insert(t) => {
                out.push_str("{+");
                out.push_str(&sanitize(t));
                out.push_str("+}");
            }
        }
    }
    out
}

/// Whether the diff has any change.
pub fn has_changes(segs: &[Segment]) -> bool {
    segs.iter().any(|s| !matches!(s, Segment::Equal(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(a: &str, b: &str) -> String {
        render(&word_diff(a, b), false)
    }

    #[test]
    fn replacements_insertions_deletions() {
        insta::assert_snapshot!(plain("it is not necessary", "it is not needed"), @"it is not [-necessary-]{+needed+}");
        insta::assert_snapshot!(plain("it is necessary", "it is not necessary"), @"it is {+not +}necessary");
        insta::assert_snapshot!(plain("it is not necessary", "it is necessary"), @"it is [-not -]necessary");
        insta::assert_snapshot!(plain("always insists in the participation", "always insists on the involvement"), @"always insists [-in-]{+on+} the [-participation-]{+involvement+}");
    }

    #[test]
    fn punctuation_accents_and_apostrophes() {
        insta::assert_snapshot!(plain("It is not necessary.", "It isn't necessary!"), @"It [-is not-]{+isn't+} necessary[-.-]{+!+}");
        insta::assert_snapshot!(plain("México’s sovereignty", "Mexico’s sovereignty"), @"[-México’s-]{+Mexico’s+} sovereignty");
        assert_eq!(
            plain("Me\u{301}xico sí", "M\u{e9}xico no"),
            "M\u{e9}xico [-sí-]{+no+}"
        );
    }

    #[test]
    fn empty_sides_and_paragraphs() {
        insta::assert_snapshot!(plain("", "new words"), @"{+new words+}");
        insta::assert_snapshot!(plain("old words", ""), @"[-old words-]");
        insta::assert_snapshot!(plain("", ""), @"");
        insta::assert_snapshot!(plain("First.\n\nSecond one.", "First.\n\nSecond two."), @r"
        First.

        Second [-one-]{+two+}.
        ");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(plain("a", "a\u{202E}b"), "a{+\\u{202E}b+}");
        assert!(!render(&word_diff("x", "y\u{1b}[2J"), true).contains("\u{1b}[2J"));
    }
}
