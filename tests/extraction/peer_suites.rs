//! Runs the quotation extractor against other projects' smart-quote test
//! suites (read at run time from the shared corpus).
//!
//! For `cmark-smart_punct.txt` and `markdown-it-smartquotes.txt` the expected
//! quotations are derived from each example's expected HTML: the curly `“ ”`
//! (and `« »`) pairs at top level, per block, with verbatim's own rules for
//! unclosed marks and multi-paragraph quotations applied to the HTML. The
//! texts are compared after normalising typography (`‘’` → `'`, `“”` → `"`,
//! `–` → `--`, `—` → `---`, `…` → `...`), because verbatim reports nested
//! quotes and smart punctuation as written in the source.
//!
//! For `cmark-spec.txt` (rendered without smart punctuation) an example whose
//! HTML shows no double quote character in its text (outside code) and no
//! block quote must yield no quotation: this covers quote characters in code
//! spans, code blocks, raw HTML, attributes, link destinations and titles.

use std::path::PathBuf;
use verbatim::article::extract;

/// Root of the shared corpus. In the final project:
/// `concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus")`.
const CORPUS_ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus");

/// Examples where verbatim deliberately differs from the peer suite's
/// expectation: `(suite file, 1-based example number, why)`.
const DELIBERATE_DIFFERENCES: &[(&str, usize, &str)] = &[
    // `'foo "bar' baz"`: single quotes never open or close for verbatim, so
    // they cannot stop the double quotes from pairing (pulldown-cmark pairs
    // them too): the quotation is `bar' baz`. markdown-it refuses overlaps.
    (
        "markdown-it-smartquotes.txt",
        2,
        "single quotes do not nest-block double quotes",
    ),
    // markdown-it pairs quotes per emphasis level; pulldown-cmark (whose
    // decisions verbatim follows) pairs straight quotes across emphasis
    // boundaries within one block, so `*"foo* bar"` is the quotation
    // `foo bar` for us.
    (
        "markdown-it-smartquotes.txt",
        5,
        "quotes across emphasis levels",
    ),
    (
        "markdown-it-smartquotes.txt",
        6,
        "quotes across emphasis levels",
    ),
    // `"foo "bar 'baz"`: markdown-it matches the *last* opener, pulldown-cmark
    // the first: verbatim reports `foo "bar 'baz`.
    (
        "markdown-it-smartquotes.txt",
        7,
        "first opener wins (pulldown-cmark)",
    ),
    // `"Monitor 21"" and "Monitor""`: pulldown-cmark closes at `21"`, so the
    // inch mark is taken as the closing mark (`Monitor 21`).
    (
        "markdown-it-smartquotes.txt",
        8,
        "inch mark closes (pulldown-cmark)",
    ),
    // `"foo\"` and `"foo&quot;`: the escaped / entity quote is literal, so the
    // first quote is an unmatched opener. markdown-it leaves it straight;
    // pulldown-cmark (like cmark) renders it as an opening `“`, and verbatim
    // never drops an opening mark: the quotation runs to the end of the
    // paragraph (`foo"`).
    (
        "markdown-it-smartquotes.txt",
        18,
        "unmatched opener runs to end of paragraph",
    ),
    (
        "markdown-it-smartquotes.txt",
        19,
        "unmatched opener runs to end of paragraph",
    ),
];

fn corpus(path: &str) -> String {
    let full = PathBuf::from(CORPUS_ROOT).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("read {}: {e}", full.display()))
}

struct Example {
    number: usize,
    markdown: String,
    html: String,
}

const FENCE: &str = "````````````````````````````````";

/// Examples of a CommonMark spec-format file.
fn spec_examples(text: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.starts_with(FENCE) && line.trim_end().ends_with("example") {
            let mut markdown = String::new();
            let mut html = String::new();
            let mut in_html = false;
            for line in lines.by_ref() {
                if line == FENCE {
                    break;
                }
                if line == "." && !in_html {
                    in_html = true;
                    continue;
                }
                let target = if in_html { &mut html } else { &mut markdown };
                target.push_str(line);
                target.push('\n');
            }
            out.push(Example {
                number: out.len() + 1,
                markdown: markdown.replace('→', "\t"),
                html: html.replace('→', "\t"),
            });
        }
    }
    out
}

/// Examples of a markdown-it fixture file (`.` / markdown / `.` / html / `.`).
fn markdown_it_examples(text: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line != "." {
            continue;
        }
        let mut markdown = String::new();
        for line in lines.by_ref() {
            if line == "." {
                break;
            }
            markdown.push_str(line);
            markdown.push('\n');
        }
        let mut html = String::new();
        for line in lines.by_ref() {
            if line == "." {
                break;
            }
            html.push_str(line);
            html.push('\n');
        }
        out.push(Example {
            number: out.len() + 1,
            markdown,
            html,
        });
    }
    out
}

/// One character of HTML text: the character and whether it may be a mark.
type HtmlChar = (char, bool);

#[derive(Default)]
struct HtmlBlock {
    chars: Vec<HtmlChar>,
    paragraph: bool,
    /// Counter of block boundaries other than paragraphs, for adjacency.
    generation: usize,
}

struct HtmlDoc {
    blocks: Vec<HtmlBlock>,
    has_block_quote: bool,
}

fn decode_entity(entity: &str) -> Option<char> {
    match entity {
        "quot" => Some('"'),
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "nbsp" => Some('\u{a0}'),
        _ => {
            let number = entity.strip_prefix('#')?;
            let value = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(value)
        }
    }
}

/// Splits rendered HTML into blocks of visible characters.
fn parse_html(html: &str) -> HtmlDoc {
    let mut doc = HtmlDoc {
        blocks: Vec::new(),
        has_block_quote: false,
    };
    let mut current = HtmlBlock::default();
    let mut generation = 0;
    let mut code_depth = 0usize;
    let mut pre_depth = 0usize;
    let mut skip_newline = false;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            let end = rest.find('>').map_or(rest.len(), |e| e + 1);
            let tag = &rest[..end];
            rest = &rest[end..];
            let name: String = tag
                .trim_start_matches('<')
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            let closing = tag.starts_with("</");
            match name.as_str() {
                "code" => {
                    if closing {
                        code_depth = code_depth.saturating_sub(1);
                    } else {
                        code_depth += 1;
                    }
                }
                // A hard line break renders as `<br />` plus a newline; an
                // inline raw `<br>` without one is just markup.
                "br" => skip_newline = pre_depth == 0 && rest.starts_with('\n'),
                "p" | "li" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "td" | "th" | "ul"
                | "ol" | "hr" | "table" | "tr" | "thead" | "tbody" | "blockquote" | "pre"
                | "div" => {
                    let blank = current.chars.iter().all(|(c, _)| c.is_whitespace());
                    if blank {
                        current.chars.clear();
                    } else {
                        doc.blocks.push(std::mem::take(&mut current));
                    }
                    if name == "p" && !closing {
                        current.paragraph = true;
                    } else if name != "p" {
                        generation += 1;
                    }
                    current.generation = generation;
                    if name == "pre" {
                        if closing {
                            pre_depth = pre_depth.saturating_sub(1);
                        } else {
                            pre_depth += 1;
                        }
                    }
                    if name == "blockquote" {
                        doc.has_block_quote = true;
                    }
                }
                _ => {}
            }
            continue;
        }
        let (ch, len) = if c == '&' {
            match rest.find(';') {
                Some(semi) if semi < 12 => match decode_entity(&rest[1..semi]) {
                    Some(d) => (d, semi + 1),
                    None => (c, 1),
                },
                _ => (c, 1),
            }
        } else {
            (c, c.len_utf8())
        };
        rest = &rest[len..];
        if pre_depth > 0 {
            continue;
        }
        if ch == '\n' {
            if skip_newline {
                skip_newline = false;
                current.chars.push(('\n', false));
                continue;
            }
            current.chars.push((' ', false));
            continue;
        }
        skip_newline = false;
        current.chars.push((ch, code_depth == 0 && c != '&'));
    }
    if !current.chars.is_empty() {
        doc.blocks.push(current);
    }
    for block in &mut doc.blocks {
        while block.chars.last().is_some_and(|(c, _)| *c == ' ') {
            block.chars.pop();
        }
    }
    doc
}

/// Expected quotation texts: top-level `“…”`/`«…»` pairs with verbatim's
/// rules for unclosed marks and multi-paragraph quotations.
fn expected_quotations(doc: &HtmlDoc) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending: Option<(String, usize)> = None;
    for (index, block) in doc.blocks.iter().enumerate() {
        let mut stack: Vec<char> = Vec::new();
        let mut text = String::new();
        let mut active = false;
        let mut start = 0;
        if let Some((open_text, previous)) = pending.take() {
            let prev = &doc.blocks[previous];
            let continues = previous + 1 == index
                && prev.paragraph
                && block.paragraph
                && prev.generation == block.generation
                && matches!(block.chars.first(), Some(('“' | '«', true)));
            if continues {
                text = open_text;
                text.push_str("\n\n");
                stack.push(block.chars[0].0);
                active = true;
                start = 1;
            } else {
                out.push(open_text);
            }
        }
        for &(c, markable) in &block.chars[start..] {
            let opener = match c {
                '”' => '“',
                '»' => '«',
                _ => '\0',
            };
            if markable && (c == '“' || c == '«') {
                if active {
                    text.push(c);
                }
                stack.push(c);
                active = true;
            } else if markable && opener != '\0' && stack.contains(&opener) {
                while let Some(top) = stack.pop() {
                    if top == opener {
                        break;
                    }
                }
                if stack.is_empty() {
                    out.push(std::mem::take(&mut text));
                    active = false;
                } else {
                    text.push(c);
                }
            } else if active {
                text.push(c);
            }
        }
        if active {
            pending = Some((text, index));
        }
    }
    if let Some((text, _)) = pending {
        out.push(text);
    }
    out
}

fn normalise(text: &str) -> String {
    text.replace(['‘', '’'], "'")
        .replace(['“', '”'], "\"")
        .replace('—', "---")
        .replace('–', "--")
        .replace('…', "...")
}

/// Compares one suite; returns the numbers of the differing examples.
fn compare_suite(name: &str, examples: &[Example]) -> Vec<usize> {
    let mut differing = Vec::new();
    for example in examples {
        let doc = parse_html(&example.html);
        if doc.has_block_quote {
            continue;
        }
        let expected: Vec<String> = expected_quotations(&doc)
            .iter()
            .map(|t| normalise(t))
            .collect();
        let found = extract(&example.markdown);
        for q in &found.quotations {
            assert!(
                example.markdown[q.offset..].starts_with(['"', '“', '«', '&']),
                "{name} #{}: offset {} is not a quote mark",
                example.number,
                q.offset
            );
        }
        let got: Vec<String> = found
            .quotations
            .iter()
            .map(|q| normalise(&q.text))
            .collect();
        if got != expected {
            eprintln!(
                "{name} #{}: markdown {:?}\n  expected {expected:?}\n  got      {got:?}",
                example.number, example.markdown
            );
            differing.push(example.number);
        }
    }
    differing
}

fn check_suite(name: &str, examples: &[Example]) {
    assert!(!examples.is_empty(), "{name}: no examples parsed");
    let differing = compare_suite(name, examples);
    let deliberate: Vec<usize> = DELIBERATE_DIFFERENCES
        .iter()
        .filter(|(suite, _, _)| *suite == name)
        .map(|(_, number, _)| *number)
        .collect();
    assert_eq!(
        differing, deliberate,
        "{name}: differing examples vs the deliberate list"
    );
}

#[test]
fn cmark_smart_punct() {
    let name = "cmark-smart_punct.txt";
    let examples = spec_examples(&corpus(&format!("peer-suites/{name}")));
    assert!(examples.len() >= 15, "only {} examples", examples.len());
    check_suite(name, &examples);
}

#[test]
fn markdown_it_smartquotes() {
    let name = "markdown-it-smartquotes.txt";
    let examples = markdown_it_examples(&corpus(&format!("peer-suites/{name}")));
    assert!(examples.len() >= 15, "only {} examples", examples.len());
    check_suite(name, &examples);
}

/// Spec examples whose rendered text has no double quote character (quote
/// characters only in code, raw HTML, attributes, destinations or titles)
/// must yield no quotation; none may panic.
#[test]
fn cmark_spec_no_quotation_outside_prose() {
    let examples = spec_examples(&corpus("peer-suites/cmark-spec.txt"));
    assert!(examples.len() > 600, "only {} examples", examples.len());
    let mut checked_with_quote_chars = 0;
    let mut failures = Vec::new();
    for example in &examples {
        let found = extract(&example.markdown);
        let doc = parse_html(&example.html);
        let prose_has_quote = doc
            .blocks
            .iter()
            .flat_map(|b| b.chars.iter())
            .any(|&(c, _)| matches!(c, '"' | '“' | '”' | '«' | '»'));
        if doc.has_block_quote || prose_has_quote {
            continue;
        }
        if example.markdown.contains(['"', '“', '«']) {
            checked_with_quote_chars += 1;
        }
        if !found.quotations.is_empty() {
            failures.push((example.number, example.markdown.clone(), found.quotations));
        }
    }
    assert!(
        checked_with_quote_chars > 50,
        "only {checked_with_quote_chars} examples with hidden quote characters"
    );
    assert!(failures.is_empty(), "{failures:#?}");
}
