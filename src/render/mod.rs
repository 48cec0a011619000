//! Turning values into text: terminal-safe quote text, tables, diffs and
//! machine-readable reports. Pure functions; the caller writes the result.

pub mod diff;
pub mod report;
pub mod table;

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

/// Quote text made safe for a terminal: every unsafe character is shown as a
/// visible escape like `\u{202E}`; newlines and tabs are kept.
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

/// Like [`sanitize`], for one-line contexts (table cells, messages):
/// newlines and tabs are shown as `\n` and `\t` too.
pub fn sanitize_inline(text: &str) -> String {
    sanitize(text).replace('\n', "\\n").replace('\t', "\\t")
}

/// Shortens a one-line text to `max` characters with an ellipsis.
pub fn ellipsize(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
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
}
