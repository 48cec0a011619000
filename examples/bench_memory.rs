//! Memory benchmark: insert 100,000 entries built from Europarl and time
//! lookups.
//!
//! `cargo run --release --example bench_memory [-- DIR [ENTRIES [QUERIES]]]`

use std::time::{Duration, Instant};

use verbatim::memory::{DEFAULT_MIN_SIMILARITY, Entry, Memory};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/corpus/europarl-sample"
        )
        .to_string()
    });
    let count: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let queries: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(200);
    let read = |name: &str| std::fs::read_to_string(format!("{dir}/{name}")).unwrap_or_default();
    let (es, en) = (read("es.txt"), read("en.txt"));
    let pairs: Vec<(&str, &str)> = es
        .split('\n')
        .zip(en.split('\n'))
        .filter(|(o, t)| !o.trim().is_empty() && !t.trim().is_empty())
        .collect();
    if pairs.is_empty() {
        eprintln!("no pairs in {dir}");
        return;
    }
    let n = pairs.len();
    // same construction as tests/memory_scale.rs
    let entries: Vec<Entry> = (0..count)
        .map(|i| {
            let a = i % n;
            let b = (a + 1 + i / n) % n;
            Entry {
                key: format!("europarl/{i:06}"),
                original: format!("{} {}", pairs[a].0, pairs[b].0),
                translation: format!("{} {}", pairs[a].1, pairs[b].1),
            }
        })
        .collect();

    let t = Instant::now();
    let mut m = Memory::new();
    for e in entries.iter().cloned() {
        m.insert(e);
    }
    let insert = t.elapsed();
    println!(
        "inserted {} entries in {:.1} ms ({:.2} µs/entry)",
        m.len(),
        insert.as_secs_f64() * 1e3,
        insert.as_secs_f64() * 1e6 / count.max(1) as f64
    );

    // queries: every k-th entry, with one word replaced (near match),
    // plus single Europarl sentences (partial matches)
    let mut times: Vec<Duration> = Vec::new();
    let mut found = 0;
    let step = (count / queries.max(1)).max(1);
    for i in (0..count).step_by(step).take(queries) {
        let mut words: Vec<&str> = entries[i].original.split(' ').collect();
        let mid = words.len() / 2;
        words[mid] = "palabrainexistente";
        let q = words.join(" ");
        let t = Instant::now();
        let r = m.lookup(&q, DEFAULT_MIN_SIMILARITY, 5);
        times.push(t.elapsed());
        if r.first().is_some_and(|(_, e)| e.key == entries[i].key) {
            found += 1;
        }
    }
    let mut single: Vec<Duration> = Vec::new();
    for (o, _) in pairs.iter().take(queries) {
        let t = Instant::now();
        let _ = m.lookup(o, DEFAULT_MIN_SIMILARITY, 5);
        single.push(t.elapsed());
    }
    let mut short: Vec<Duration> = Vec::new();
    for q in [
        "Señora Presidenta, una cuestión de procedimiento.",
        "Gracias.",
        "Sí.",
        "El debate queda cerrado.",
    ] {
        let t = Instant::now();
        let _ = m.lookup(q, DEFAULT_MIN_SIMILARITY, 5);
        short.push(t.elapsed());
    }
    let report = |name: &str, v: &mut Vec<Duration>| {
        v.sort();
        if v.is_empty() {
            return;
        }
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "{name}: {} lookups, median {:.3} ms, p95 {:.3} ms, max {:.3} ms",
            v.len(),
            ms(v[v.len() / 2]),
            ms(v[(v.len() * 95 / 100).min(v.len() - 1)]),
            ms(v[v.len() - 1])
        );
    };
    report("near-duplicate queries (one word changed)", &mut times);
    println!("  right entry ranked first: {found}/{}", times.len());
    report("single-sentence queries", &mut single);
    report("short frequent queries", &mut short);
}
