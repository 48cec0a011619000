//! What quotation extraction costs next to parsing the Markdown alone, on
//! a folder of articles (docs/PERFORMANCE.md):
//!
//! ```sh
//! cargo run --release --example extract_cost -- /tmp/verbatim-bench-5000-10-10000/articles
//! ```
//!
//! Reads every `.md` file of the folder, then times, three times each,
//! pulldown-cmark's events with verbatim's parser options and
//! `article::extract` over all of them.

use std::time::Instant;

use pulldown_cmark::Parser;

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: extract_cost DIR");
        std::process::exit(2);
    };
    let mut texts = Vec::new();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        eprintln!("cannot read {dir}: {e}");
        std::process::exit(2);
    });
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "md")
            && let Ok(text) = std::fs::read_to_string(&path)
        {
            texts.push(text);
        }
    }
    let options = verbatim::article::parser_options();
    for _ in 0..3 {
        let start = Instant::now();
        let events: usize = texts
            .iter()
            .map(|t| Parser::new_ext(t, options).into_offset_iter().count())
            .sum();
        let parse = start.elapsed();
        let start = Instant::now();
        let quotations: usize = texts
            .iter()
            .map(|t| verbatim::article::extract(t).quotations.len())
            .sum();
        let extract = start.elapsed();
        println!(
            "{} articles: pulldown-cmark {parse:.1?} ({events} events), extract {extract:.1?} ({quotations} quotations)",
            texts.len()
        );
    }
}
