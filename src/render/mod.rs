//! Turning values into text: terminal-safe quote text, tables, diffs and
//! machine-readable reports. Pure functions; the caller writes the result.

pub mod diff;
pub mod report;
pub mod table;

use std::fmt::Write as _;

/// Bidi controls: they change the order in which text is displayed, so a
/// quotation can read differently from what it says.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that take no space: zero-width space and joiners, word joiner
/// and invisible operators, byte-order mark.
pub fn is_zero_width(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// Bidi controls and zero-width characters: invisible in print, flagged by
/// `check` and `lint` as `suspicious-text`.
pub fn is_suspicious(c: char) -> bool {
    is_bidi_control(c) || is_zero_width(c)
}

/// Whether a character must never reach a terminal raw: control characters
/// (C0 except newline and tab, DEL, C1), bidi controls, zero-width and other
/// invisible characters, and line/paragraph separators.
pub fn is_unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || is_suspicious(c)
        || matches!(
            c,
            '\u{00AD}' | '\u{2028}' | '\u{2029}' | '\u{FFF9}'..='\u{FFFB}'
        )
}

/// Whether [`sanitize`] (`inline` false) or [`sanitize_inline`] (`inline`
/// true) shows `c` as an escape rather than as itself.
fn needs_escape(c: char, inline: bool) -> bool {
    if c.is_ascii() {
        // The only unsafe ASCII characters are the controls (C0 and DEL),
        // i.e. everything outside ' '..='~'; newline and tab are kept
        // except in one-line contexts.
        !matches!(c, ' '..='~') && (inline || !matches!(c, '\n' | '\t'))
    } else {
        is_unsafe_char(c)
    }
}

/// Writes the visible escape of a character [`needs_escape`] flagged.
fn push_escape(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        _ => {
            // Writing to a String cannot fail.
            let _ = write!(out, "\\u{{{:X}}}", c as u32);
        }
    }
}

/// [`sanitize`] and [`sanitize_inline`] in one pass. Texts that need no
/// escape (almost all) are copied whole; the first byte that is not
/// printable ASCII ends the fast scan, and the rest is read by character.
fn sanitize_with(text: &str, inline: bool) -> String {
    // An ASCII byte or the lead byte of a character: a char boundary.
    let ascii_end = text
        .bytes()
        .position(|b| !b.is_ascii() || needs_escape(char::from(b), inline))
        .unwrap_or(text.len());
    let Some(first) = text[ascii_end..]
        .char_indices()
        .find(|&(_, c)| needs_escape(c, inline))
        .map(|(i, _)| ascii_end + i)
    else {
        return text.to_string();
    };
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        if needs_escape(c, inline) {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// Quote text made safe for a terminal: every unsafe character is shown as a
/// visible escape like `\u{202E}`; newlines and tabs are kept.
pub fn sanitize(text: &str) -> String {
    sanitize_with(text, false)
}

/// Like [`sanitize`], for one-line contexts (table cells, messages):
/// newlines and tabs are shown as `\n` and `\t` too.
pub fn sanitize_inline(text: &str) -> String {
    sanitize_with(text, true)
}

/// Shortens a one-line text to `max` characters with an ellipsis.
pub fn ellipsize(text: &str, max: usize) -> String {
    // No more bytes than `max` means no more characters either.
    if text.len() <= max || text.char_indices().nth(max).is_none() {
        return text.to_string();
    }
    // More than `max` characters: keep the first `max - 1`.
    let cut = text
        .char_indices()
        .nth(max.saturating_sub(1))
        .map_or(text.len(), |(i, _)| i);
    let mut s = String::with_capacity(cut + '…'.len_utf8());
    s.push_str(&text[..cut]);
    s.push('…');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_a_terminal_would_obey() {
        assert_eq!(sanitize("a\u{1b}[31mb"), "a\\u{1B}[31mb");
        assert_eq!(sanitize("x\u{202E}y"), "x\\u{202E}y");
        assert_eq!(sanitize("l1\nl2\tz"), "l1\nl2\tz");
        assert_eq!(sanitize("\r\u{9B}\u{200B}"), "\\u{D}\\u{9B}\\u{200B}");
        assert_eq!(sanitize_inline("a\nb"), "a\\nb");
        assert_eq!(sanitize("México “sí”"), "México “sí”");
    }

    /// The definitions before the one-pass rewrite, kept as the reference.
    mod reference {
        use super::super::is_unsafe_char;

        pub fn sanitize(text: &str) -> String {
            if !text.chars().any(is_unsafe_char) {
                return text.to_string();
            }
            let mut out = String::with_capacity(text.len() + 8);
            for c in text.chars() {
                if is_unsafe_char(c) {
                    out.push_str(&format!("\\u{{{:X}}}", c as u32));
                } else {
                    out.push(c);
                }
            }
            out
        }

        pub fn sanitize_inline(text: &str) -> String {
            sanitize(text).replace('\n', "\\n").replace('\t', "\\t")
        }

        pub fn ellipsize(text: &str, max: usize) -> String {
            if text.chars().count() <= max {
                return text.to_string();
            }
            let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
            s.push('…');
            s
        }
    }

    /// Mostly characters whose treatment differs: printable ASCII, newline,
    /// tab, C0/C1 controls, DEL, bidi and zero-width characters, separators,
    /// soft hyphen, interlinear annotations, and ordinary non-ASCII letters
    /// and quote marks.
    const TRICKY: &str = "[a-z ~\n\t\x00-\x1f\x7f\u{80}-\u{a0}\u{ad}\u{61c}\u{200b}-\u{200f}\u{2028}-\u{202e}\u{2060}-\u{2069}\u{feff}\u{fff9}-\u{fffb}éñ“”…😀]{0,40}";

    proptest::proptest! {
        #[test]
        fn sanitize_matches_reference(text in TRICKY) {
            proptest::prop_assert_eq!(sanitize(&text), reference::sanitize(&text));
            proptest::prop_assert_eq!(sanitize_inline(&text), reference::sanitize_inline(&text));
        }

        #[test]
        fn sanitize_matches_reference_on_any_string(text in proptest::prelude::any::<String>()) {
            proptest::prop_assert_eq!(sanitize(&text), reference::sanitize(&text));
            proptest::prop_assert_eq!(sanitize_inline(&text), reference::sanitize_inline(&text));
        }

        #[test]
        fn ellipsize_matches_reference(text in TRICKY, max in 0usize..45) {
            proptest::prop_assert_eq!(ellipsize(&text, max), reference::ellipsize(&text, max));
        }
    }
}
