//! Runs every lint check over the Europarl sample and prints, per check, the
//! number of hits and sample hits.
//!
//! `cargo run --release --example measure [-- DIR [SAMPLES]]`
//! (DIR defaults to ../shared/corpus/europarl-sample next to the project, SAMPLES to 5).
//!
//! Line N of es.txt translates line N of en.txt (1000 lines each; the files
//! have no final newline, so `wc -l` reports 999). Pairs where either side is
//! empty are sentence-alignment gaps and are skipped.

use std::collections::BTreeMap;

use verbatim::lint::{Check, LintOptions, lint_pair};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/corpus/europarl-sample"
        )
        .to_string()
    });
    let samples: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(5);
    let read = |name: &str| std::fs::read_to_string(format!("{dir}/{name}")).unwrap_or_default();
    let (es, en) = (read("es.txt"), read("en.txt"));
    let es: Vec<&str> = es.split('\n').collect();
    let en: Vec<&str> = en.split('\n').collect();
    println!("es lines: {}, en lines: {}", es.len(), en.len());
    let opts = LintOptions::default();
    let mut by_check: BTreeMap<Check, Vec<(usize, String)>> = BTreeMap::new();
    let mut pairs = 0;
    let mut pairs_with_hits = 0;
    for (i, (o, t)) in es.iter().zip(en.iter()).enumerate() {
        if o.trim().is_empty() || t.trim().is_empty() {
            println!("skipped alignment gap at line {}", i + 1);
            continue;
        }
        pairs += 1;
        let hits = lint_pair(o, Some(t), &opts);
        if !hits.is_empty() {
            pairs_with_hits += 1;
        }
        for h in hits {
            by_check
                .entry(h.check)
                .or_default()
                .push((i + 1, h.message));
        }
    }
    println!("pairs checked: {pairs}, pairs with any hit: {pairs_with_hits}");
    // Recall of the function-word rule: a *different* Spanish sentence
    // passed off as the translation (so the identity rule cannot fire).
    let spanish: Vec<&str> = es
        .iter()
        .copied()
        .filter(|l| !l.trim().is_empty())
        .collect();
    let mut caught = 0;
    let total = spanish.len().saturating_sub(1);
    for w in spanish.windows(2) {
        if lint_pair(w[0], Some(w[1]), &opts)
            .iter()
            .any(|h| h.check == Check::Untranslated)
        {
            caught += 1;
        }
    }
    println!(
        "untranslated recall (Spanish line N+1 given as translation of line N): {caught}/{total}"
    );
    for c in Check::ALL {
        let hits = by_check.get(&c).map(Vec::as_slice).unwrap_or(&[]);
        println!("\n== {} : {} hits", c.code(), hits.len());
        for (line, msg) in hits.iter().take(samples) {
            println!("  line {line}: {msg}");
            println!("    es: {}", es.get(line - 1).copied().unwrap_or(""));
            println!("    en: {}", en.get(line - 1).copied().unwrap_or(""));
        }
    }
}
