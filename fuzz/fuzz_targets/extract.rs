//! Any text as an article: extraction never panics, and every quotation's
//! offset, line and column point at the same place inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// Line and column of `offset` counted independently of the extractor:
/// lines end at `\n`, `\r\n` or a lone `\r`; columns count characters; a
/// byte-order mark does not count.
fn position(source: &str, offset: usize) -> (usize, usize) {
    let (mut line, mut column) = (1, 1);
    for (i, c) in source[..offset].char_indices() {
        match c {
            '\n' => (line, column) = (line + 1, 1),
            '\r' if !source[i + 1..].starts_with('\n') => (line, column) = (line + 1, 1),
            '\r' => {}
            '\u{feff}' if i == 0 => {}
            _ => column += 1,
        }
    }
    (line, column)
}

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let article = verbatim::article::extract(source);
    for q in &article.quotations {
        assert!(q.offset < source.len(), "offset {} past the end", q.offset);
        assert!(source.is_char_boundary(q.offset));
        assert_eq!(
            (q.line, q.column),
            position(source, q.offset),
            "offset {}",
            q.offset
        );
    }
});
