//! Runs the extractor over the real Hugo articles of the shared corpus
//! (`digitalgov-news/`): every 10th file in the normal test run, all of them
//! in the ignored `corpus_full` test
//! (`cargo test --release --test extraction -- --ignored`).
//!
//! Checks per file:
//! * no panic;
//! * each quotation's `line:column` is consistent with its byte offset and
//!   points at a quote mark (`“`, `"`, `«`, or the `&` of `&ldquo;` /
//!   `&#8220;`), or, for a block quote, at text on a `>` line;
//! * no quotation starts in the front matter, in a fenced code block, in a
//!   code span, in a shortcode, inside an HTML tag or in a link destination
//!   (checked with a simple line-based scanner independent of the extractor);
//! * every curly `“` in prose belongs to a quotation: the number of `“` a
//!   simple independent scanner finds in prose equals the number in the
//!   extractor's prose, and those are all accounted for by the quotations
//!   (opening marks, nested marks kept in the text, continuation marks of
//!   multi-paragraph quotations, and mis-typed closing `“`).

use std::path::{Path, PathBuf};
use std::time::Instant;
use verbatim::article::{ExtractedArticle, extract};

/// Root of the shared corpus. In the final project:
/// `concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus")`.
const CORPUS_ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus");

fn articles() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "md") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(CORPUS_ROOT).join("digitalgov-news"), &mut out);
    out.sort();
    out
}

/// Byte ranges of `source` that the independent scanner considers not prose.
struct Hidden {
    ranges: Vec<(usize, usize)>,
}

impl Hidden {
    fn contains(&self, offset: usize) -> bool {
        self.ranges.iter().any(|&(s, e)| s <= offset && offset < e)
    }
}

/// A deliberately simple scanner, independent of pulldown-cmark: front
/// matter, fenced code blocks, HTML blocks (from a line starting with a tag
/// to the next blank line), HTML comments, code spans, shortcodes, tags,
/// link/image destinations and image alt text.
fn hidden_ranges(source: &str) -> Hidden {
    let mut ranges = Vec::new();
    let bytes = source.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\n' {
            lines.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < bytes.len() {
        lines.push((start, bytes.len()));
    }
    let text = |(s, e): (usize, usize)| source[s..e].trim_end_matches(['\n', '\r']);
    let mut index = 0;
    let body = source.trim_start_matches('\u{feff}');
    if body.starts_with("---") || body.starts_with("+++") {
        let delimiter = &body[..3];
        if let Some(end) = lines
            .iter()
            .skip(1)
            .position(|&l| text(l).trim_end() == delimiter)
        {
            ranges.push((0, lines[end + 1].1));
            index = end + 2;
        }
    }
    let mut fence: Option<&str> = None;
    // End condition of the current HTML block: a blank line, or a string.
    let mut html_block: Option<&str> = None;
    let mut previous_blank = true;
    let mut list_indent: Option<usize> = None;
    let mut in_indented_code = false;
    while index < lines.len() {
        let line = lines[index];
        let content = text(line);
        let trimmed = content.trim_start();
        let blank = trimmed.is_empty();
        let indent = indentation(content);
        if let Some(f) = fence {
            ranges.push(line);
            if trimmed.starts_with(f) {
                fence = None;
            }
        } else if let Some(until) = html_block {
            if until.is_empty() && blank {
                html_block = None;
            } else {
                ranges.push(line);
                if !until.is_empty() && content.contains(until) {
                    html_block = None;
                }
            }
        } else if !blank
            && indent >= 4
            && (in_indented_code || previous_blank)
            && list_indent.is_none_or(|l| indent < l)
        {
            in_indented_code = true;
            list_indent = None;
            ranges.push(line);
        } else if blank {
            // Blank lines do not end an indented code block by themselves.
        } else {
            in_indented_code = false;
            if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
                fence = Some(&trimmed[..3]);
                ranges.push(line);
            } else if let Some(until) = html_block_start(content, previous_blank) {
                if until.is_empty() || !content.contains(until) {
                    html_block = Some(until);
                }
                ranges.push(line);
            }
            if let Some(item) = list_item_content_indent(content) {
                list_indent = Some(item);
            } else if previous_blank && list_indent.is_some_and(|l| indent < l) {
                list_indent = None;
            }
        }
        previous_blank = blank;
        index += 1;
    }
    // Inline constructs, over the whole text (crude but independent).
    let mut pos = 0;
    while pos < bytes.len() {
        let rest = &source[pos..];
        if let Some(escaped) = rest.strip_prefix('\\') {
            // A backslash escape is text; skip the escaped character.
            pos += 1 + escaped.chars().next().map_or(0, char::len_utf8);
            continue;
        }
        let skip = if rest.starts_with("<!--") {
            rest.find("-->").map(|e| e + 3)
        } else if rest.starts_with("{{") || rest.starts_with("{%") {
            let close = if rest.starts_with("{%") { "%}" } else { "}}" };
            rest.find(close).map(|e| e + 2)
        } else if rest.starts_with('`') {
            let run = rest.len() - rest.trim_start_matches('`').len();
            let fence = &rest[..run];
            rest[run..].find(fence).map(|e| e + 2 * run)
        } else if rest.starts_with('<')
            && rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/')
        {
            rest.find('>').map(|e| e + 1)
        } else if rest.starts_with("](") {
            rest.find(')').map(|e| e + 1)
        } else if rest.starts_with("![") {
            rest.find(']').map(|e| e + 1)
        } else {
            None
        };
        match skip {
            Some(len) => {
                ranges.push((pos, pos + len));
                pos += len;
            }
            None => pos += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    Hidden { ranges }
}

fn indentation(line: &str) -> usize {
    let mut width = 0;
    for c in line.chars() {
        match c {
            ' ' => width += 1,
            '\t' => width += 4 - width % 4,
            _ => break,
        }
    }
    width
}

/// Removes indentation and list markers (and block quote markers).
fn strip_container_markers(line: &str) -> &str {
    let mut rest = line.trim_start();
    loop {
        let before = rest;
        for marker in ["* ", "- ", "+ ", ">"] {
            if let Some(r) = rest.strip_prefix(marker) {
                rest = r.trim_start();
            }
        }
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if let Some(r) = rest[digits..].strip_prefix(". ").filter(|_| digits > 0) {
            rest = r.trim_start();
        }
        if rest.len() == before.len() {
            return rest;
        }
    }
}

/// Content indentation of a list item line.
fn list_item_content_indent(line: &str) -> Option<usize> {
    let indent = indentation(line);
    let rest = line.trim_start();
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let marker = if rest.starts_with(['*', '-', '+']) {
        1
    } else if digits > 0 && rest[digits..].starts_with(['.', ')']) {
        digits + 1
    } else {
        return None;
    };
    let after = &rest[marker..];
    let spaces = after.len() - after.trim_start_matches(' ').len();
    if spaces == 0 || after.trim().is_empty() {
        return None;
    }
    Some(indent + marker + spaces.min(4))
}

/// Is `text` only inline markup (tags, emphasis, link openers, spaces)?
fn is_only_markup(text: &str) -> bool {
    let mut in_tag = false;
    text.chars().all(|c| {
        if in_tag {
            in_tag = c != '>';
            return true;
        }
        if c == '<' {
            in_tag = true;
            return true;
        }
        c.is_whitespace() || matches!(c, '*' | '_' | '[' | '`' | '~' | '#')
    })
}

const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "col",
    "colgroup",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "iframe",
    "legend",
    "li",
    "link",
    "main",
    "menu",
    "menuitem",
    "nav",
    "noframes",
    "ol",
    "optgroup",
    "option",
    "p",
    "param",
    "search",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "track",
    "ul",
];

/// If the line (after container markers) starts an HTML block, its end
/// condition: `""` for a blank line, else a string that ends it.
fn html_block_start(line: &str, previous_blank: bool) -> Option<&'static str> {
    let rest = strip_container_markers(line);
    if rest.starts_with("<!--") {
        return Some("-->");
    }
    let tag = rest.strip_prefix('<')?;
    let tag = tag.strip_prefix('/').unwrap_or(tag);
    let name: String = tag
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    match name.as_str() {
        "script" => return Some("</script>"),
        "pre" => return Some("</pre>"),
        "style" => return Some("</style>"),
        "textarea" => return Some("</textarea>"),
        _ => {}
    }
    if BLOCK_TAGS.contains(&name.as_str()) {
        return Some("");
    }
    // Any other complete tag alone on its line, not interrupting a paragraph.
    let alone = rest.trim_end().ends_with('>') && rest.matches('>').count() == 1;
    (!name.is_empty() && alone && previous_blank).then_some("")
}

const LEFT_ENTITIES: [&str; 2] = ["&ldquo;", "&#8220;"];

/// Offsets of left double quotation marks (also as entities) in prose,
/// according to the independent scanner.
fn prose_left_quotes(source: &str, hidden: &Hidden) -> Vec<usize> {
    let mut out = Vec::new();
    for (i, c) in source.char_indices() {
        let is_mark =
            c == '“' || (c == '&' && LEFT_ENTITIES.iter().any(|e| source[i..].starts_with(e)));
        if is_mark && !hidden.contains(i) {
            out.push(i);
        }
    }
    out
}

fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset];
    let line = 1 + before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = source[line_start..offset]
        .trim_start_matches('\u{feff}')
        .chars()
        .count()
        + 1;
    (line, column)
}

/// Articles where the simple line scanner of this test is known to misread
/// the Markdown (checked by hand against pulldown-cmark's events); the
/// scanner-based checks are skipped for them, the others still run.
const SCANNER_LIMITATIONS: &[(&str, &str)] = &[(
    "2014/07/2014-07-28-should-your-agency-be-offering-chat-service.md",
    "headings and lists indented by 4 spaces inside a list item's content: \
     CommonMark reads them as the item's blocks, the scanner as indented code",
)];

/// Checks one article; returns a description of each problem.
fn check(path: &Path, source: &str, found: &ExtractedArticle) -> Vec<String> {
    let mut problems = Vec::new();
    let name = path.display();
    let scanner_reliable = !SCANNER_LIMITATIONS
        .iter()
        .any(|(file, _)| path.ends_with(file));
    let hidden = if scanner_reliable {
        hidden_ranges(source)
    } else {
        Hidden { ranges: Vec::new() }
    };
    for q in &found.quotations {
        if !source.is_char_boundary(q.offset) {
            problems.push(format!("{name}: offset {} not a char boundary", q.offset));
            continue;
        }
        let (line, column) = line_column(source, q.offset);
        if (line, column) != (q.line, q.column) {
            problems.push(format!(
                "{name}: {}:{} but offset {} is {line}:{column}",
                q.line, q.column, q.offset
            ));
        }
        let rest = &source[q.offset..];
        let at_mark = rest.starts_with(['“', '"', '«', '”'])
            || rest.starts_with("&ldquo;")
            || rest.starts_with("&#8220;")
            || rest.starts_with("&laquo;")
            || rest.starts_with("&#8221;")
            || rest.starts_with("&rdquo;");
        let line_start = source[..q.offset].rfind('\n').map_or(0, |i| i + 1);
        let before = &source[line_start..q.offset];
        // A block quote's position is its first visible character: only
        // container markers, inline markup and tags may precede it.
        let in_block_quote =
            before.contains('>') && is_only_markup(strip_container_markers(before));
        if !at_mark && !in_block_quote {
            problems.push(format!(
                "{name}:{}:{}: not at a quote mark nor in a block quote: {:?}",
                q.line,
                q.column,
                rest.chars().take(20).collect::<String>()
            ));
        }
        if hidden.contains(q.offset) {
            problems.push(format!(
                "{name}:{}:{}: quotation in front matter, code, shortcode, HTML or URL: {:?}",
                q.line,
                q.column,
                rest.chars().take(30).collect::<String>()
            ));
        }
    }

    // Every curly opening mark in prose belongs to a quotation.
    let independent = prose_left_quotes(source, &hidden).len();
    let in_prose = found.prose.matches('“').count();
    if scanner_reliable && independent != in_prose {
        problems.push(format!(
            "{name}: independent scanner sees {independent} “ in prose, extractor's prose has {in_prose}"
        ));
    }
    let mut accounted = 0;
    let mut dropped_allowance = 0;
    for q in &found.quotations {
        let rest = &source[q.offset..];
        let opening_curly =
            rest.starts_with('“') || LEFT_ENTITIES.iter().any(|e| rest.starts_with(e));
        // A block quote's text starts with its first character, marks included.
        let block_quote_text_start = q.text.starts_with('“');
        if opening_curly && !block_quote_text_start {
            accounted += 1;
        }
        accounted += q.text.matches('“').count();
        // Continuation marks and mis-typed closing marks are not in the text.
        dropped_allowance += q.text.matches("\n\n").count() + 1;
    }
    if in_prose < accounted || in_prose > accounted + dropped_allowance {
        problems.push(format!(
            "{name}: {in_prose} “ in prose but quotations account for {accounted} (+ up to {dropped_allowance})"
        ));
    }
    problems
}

fn run(step: usize) -> (usize, usize) {
    let paths = articles();
    assert!(paths.len() > 2000, "corpus not found under {CORPUS_ROOT}");
    let mut files = 0;
    let mut quotations = 0;
    let mut problems = Vec::new();
    for path in paths.iter().step_by(step) {
        let source = std::fs::read_to_string(path).expect("read article");
        let found = extract(&source);
        files += 1;
        quotations += found.quotations.len();
        problems.extend(check(path, &source, &found));
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    (files, quotations)
}

#[test]
fn corpus_sample() {
    let (files, quotations) = run(10);
    assert!(files >= 200);
    assert!(quotations > 100, "only {quotations} quotations");
}

#[test]
#[ignore = "whole corpus: run with --release -- --ignored"]
fn corpus_full() {
    let started = Instant::now();
    let (files, quotations) = run(1);
    eprintln!(
        "{files} articles, {quotations} quotations, {:?} (including the checks)",
        started.elapsed()
    );
    let paths = articles();
    let sources: Vec<String> = paths
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("read article"))
        .collect();
    let started = Instant::now();
    let total: usize = sources.iter().map(|s| extract(s).quotations.len()).sum();
    eprintln!(
        "extract alone: {total} quotations from {} articles in {:?}",
        sources.len(),
        started.elapsed()
    );
}
