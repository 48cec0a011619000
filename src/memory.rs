//! Translation memory: find earlier quotes whose original resembles a new one.
//!
//! # Similarity
//!
//! [`similarity`] is the **Dice coefficient over multisets of normalised word
//! tokens**:
//!
//! 1. normalise: Unicode canonical decomposition, combining marks removed
//!    (accent folding, so "México" = "Mexico"), lowercase;
//! 2. tokens: maximal runs of alphanumeric characters (all punctuation and
//!    whitespace separate tokens and are otherwise ignored);
//! 3. `2 × |A ∩ B| / (|A| + |B|)` where `A`, `B` are the token multisets and
//!    `∩` takes the minimum count of each token.
//!
//! Identical texts score 1.0; so do texts differing only in case, accents,
//! punctuation or word order. If both texts have no tokens, the score is 1.0
//! when their trimmed forms are equal and 0.0 otherwise; if exactly one has no
//! tokens, 0.0. The score is symmetric and always within `0.0..=1.0`.
//!
//! # Index
//!
//! [`Memory`] keeps an inverted index (token → entries containing it). A
//! lookup with threshold `min > 0` uses two exact filters (no false
//! negatives):
//!
//! * **length bound**: `Dice ≥ min` implies
//!   `|B| ∈ [|A|·min/(2−min), |A|·(2−min)/min]`;
//! * **prefix filter**: the query's distinct tokens are sorted rarest first;
//!   a qualifying entry must share at least `t = ⌈min·(|A| + |B|min)/2⌉`
//!   tokens, so it must contain one of the rarest tokens whose removal would
//!   leave fewer than `t` query tokens. Only those tokens' postings are read.
//!
//! Candidates are then scored exactly. With `min ≤ 0` every entry qualifies
//! and all are scored.
//!
//! Inserting an entry whose key already exists replaces the old entry.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Default threshold for [`Memory::lookup`].
pub const DEFAULT_MIN_SIMILARITY: f64 = 0.75;

/// One remembered quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// `"slug/id"`.
    pub key: String,
    /// The original words.
    pub original: String,
    /// Their approved translation.
    pub translation: String,
}

/// Normalised word tokens (see module docs).
fn tokens(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in s.chars() {
        if c.is_alphanumeric() {
            if c.is_ascii() {
                cur.push(c.to_ascii_lowercase());
            } else {
                decompose_canonical(c, |d| {
                    if !is_combining_mark(d) {
                        cur.extend(d.to_lowercase());
                    }
                });
            }
        } else if !is_combining_mark(c) && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn dice(common: usize, a: usize, b: usize) -> f64 {
    if a + b == 0 {
        return 0.0;
    }
    (2 * common) as f64 / (a + b) as f64
}

/// Dice coefficient over normalised word-token multisets; see the module docs.
pub fn similarity(a: &str, b: &str) -> f64 {
    let mut ta = tokens(a);
    let mut tb = tokens(b);
    if ta.is_empty() || tb.is_empty() {
        return if ta.is_empty() && tb.is_empty() && a.trim() == b.trim() {
            1.0
        } else {
            0.0
        };
    }
    ta.sort_unstable();
    tb.sort_unstable();
    let common = sorted_intersection(&ta, &tb);
    dice(common, ta.len(), tb.len())
}

/// Size of the multiset intersection of two sorted slices.
fn sorted_intersection<T: Ord>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

struct Slot {
    entry: Entry,
    /// Sorted token ids (multiset).
    tokens: Vec<u32>,
    alive: bool,
}

/// An in-memory translation memory with an inverted word index.
#[derive(Default)]
pub struct Memory {
    slots: Vec<Slot>,
    by_key: HashMap<String, usize>,
    vocab: HashMap<String, u32>,
    /// token id → slot indexes containing it (each slot once, ascending).
    postings: Vec<Vec<u32>>,
    /// slots whose original has no tokens.
    tokenless: Vec<u32>,
    live: usize,
}

impl Memory {
    /// An empty memory.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an entry; an existing entry with the same key is replaced.
    pub fn insert(&mut self, e: Entry) {
        if let Some(&old) = self.by_key.get(&e.key)
            && let Some(slot) = self.slots.get_mut(old)
            && slot.alive
        {
            slot.alive = false;
            self.live -= 1;
        }
        let Ok(id) = u32::try_from(self.slots.len()) else {
            return; // > 4 billion entries: ignore rather than panic
        };
        let mut ids: Vec<u32> = Vec::new();
        for t in tokens(&e.original) {
            let next = self.postings.len() as u32;
            let tid = *self.vocab.entry(t).or_insert(next);
            if tid == next {
                self.postings.push(Vec::new());
            }
            ids.push(tid);
        }
        ids.sort_unstable();
        if ids.is_empty() {
            self.tokenless.push(id);
        }
        let mut prev = None;
        for &t in &ids {
            if prev != Some(t) {
                if let Some(p) = self.postings.get_mut(t as usize) {
                    p.push(id);
                }
                prev = Some(t);
            }
        }
        self.by_key.insert(e.key.clone(), self.slots.len());
        self.slots.push(Slot {
            entry: e,
            tokens: ids,
            alive: true,
        });
        self.live += 1;
    }

    /// Number of (live) entries.
    pub fn len(&self) -> usize {
        self.live
    }

    /// Whether the memory holds no entry.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Best matches with similarity >= `min` (see [`DEFAULT_MIN_SIMILARITY`]),
    /// best first (ties: key order), at most `limit`.
    pub fn lookup(&self, original: &str, min: f64, limit: usize) -> Vec<(f64, &Entry)> {
        if limit == 0 || min.is_nan() || min > 1.0 {
            return Vec::new();
        }
        let raw_tokens = tokens(original);
        let mut results: Vec<(f64, &Entry)> = Vec::new();
        if raw_tokens.is_empty() {
            // only tokenless entries can score > 0
            let ids: Vec<u32> = if min <= 0.0 {
                (0..self.slots.len() as u32).collect()
            } else {
                self.tokenless.clone()
            };
            for id in ids {
                if let Some(slot) = self.slots.get(id as usize)
                    && slot.alive
                {
                    let s = similarity(original, &slot.entry.original);
                    if s >= min {
                        results.push((s, &slot.entry));
                    }
                }
            }
            return finish(results, limit);
        }
        // query as sorted token ids; unknown tokens get ids above the vocab
        // (they never match but count in |A|)
        let mut q: Vec<u32> = Vec::with_capacity(raw_tokens.len());
        let mut unknown = 0u32;
        for t in &raw_tokens {
            match self.vocab.get(t) {
                Some(&id) => q.push(id),
                None => {
                    q.push(u32::MAX - unknown);
                    unknown = unknown.saturating_add(1);
                }
            }
        }
        q.sort_unstable();
        let qa = q.len();

        let candidates: Vec<u32> = if min <= 0.0 {
            (0..self.slots.len() as u32).collect()
        } else {
            // length bound for entries
            let lo_len = (qa as f64 * min / (2.0 - min) - 1e-9).ceil().max(1.0) as usize;
            // minimum overlap for the smallest admissible entry
            let t_min = ((min * (qa + lo_len) as f64 / 2.0) - 1e-9).ceil().max(1.0) as usize;
            // distinct query tokens with multiplicity, rarest first
            let mut distinct: Vec<(usize, u32, usize)> = Vec::new(); // (df, id, count)
            for &id in &q {
                match distinct.last_mut() {
                    Some(last) if last.1 == id => last.2 += 1,
                    _ => {
                        let df = self.postings.get(id as usize).map_or(0, Vec::len);
                        distinct.push((df, id, 1));
                    }
                }
            }
            distinct.sort_unstable();
            let mut remaining = qa;
            let mut cands: Vec<u32> = Vec::new();
            for &(_, id, count) in &distinct {
                if remaining < t_min {
                    break;
                }
                if let Some(p) = self.postings.get(id as usize) {
                    cands.extend_from_slice(p);
                }
                remaining -= count;
            }
            cands.sort_unstable();
            cands.dedup();
            cands
        };

        let hi_len = if min > 0.0 {
            (qa as f64 * (2.0 - min) / min + 1e-9).floor()
        } else {
            f64::INFINITY
        };
        let lo_len = if min > 0.0 {
            (qa as f64 * min / (2.0 - min) - 1e-9).ceil()
        } else {
            0.0
        };
        for id in candidates {
            let Some(slot) = self.slots.get(id as usize) else {
                continue;
            };
            if !slot.alive {
                continue;
            }
            let n = slot.tokens.len() as f64;
            if n < lo_len || n > hi_len {
                continue;
            }
            let s = if slot.tokens.is_empty() {
                similarity(original, &slot.entry.original)
            } else {
                dice(sorted_intersection(&q, &slot.tokens), qa, slot.tokens.len())
            };
            if s >= min {
                results.push((s, &slot.entry));
            }
        }
        finish(results, limit)
    }
}

fn finish(mut results: Vec<(f64, &Entry)>, limit: usize) -> Vec<(f64, &Entry)> {
    results.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.key.cmp(&b.1.key)));
    results.truncate(limit);
    results
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(key: &str, original: &str) -> Entry {
        Entry {
            key: key.to_string(),
            original: original.to_string(),
            translation: format!("EN: {original}"),
        }
    }

    #[test]
    fn similarity_basics() {
        assert_eq!(similarity("Hubo 72 muertos", "hubo 72 MUERTOS."), 1.0);
        assert_eq!(similarity("México", "Mexico"), 1.0);
        assert_eq!(similarity("", ""), 1.0);
        assert_eq!(similarity("¡!", "¡!"), 1.0);
        assert_eq!(similarity("¡!", "?"), 0.0);
        assert_eq!(similarity("a", ""), 0.0);
        let s = similarity("hubo 72 muertos en Sinaloa", "hubo 72 heridos en Sinaloa");
        assert!((s - 0.8).abs() < 1e-12, "{s}");
        assert_eq!(similarity("uno dos", "tres cuatro"), 0.0);
    }

    #[test]
    fn ranking_exact_then_one_word_then_unrelated() {
        let mut m = Memory::new();
        m.insert(e(
            "b/1",
            "El gobierno anunció hoy nuevas medidas contra la violencia en Sinaloa",
        ));
        m.insert(e(
            "a/2",
            "El gobierno anunció ayer nuevas medidas contra la violencia en Sinaloa",
        ));
        m.insert(e(
            "c/3",
            "La selección ganó el partido de fútbol por tres goles",
        ));
        assert_eq!(m.len(), 3);
        let r = m.lookup(
            "El gobierno anunció hoy nuevas medidas contra la violencia en Sinaloa",
            0.0,
            10,
        );
        let keys: Vec<&str> = r.iter().map(|(_, e)| e.key.as_str()).collect();
        assert_eq!(keys, ["b/1", "a/2", "c/3"]);
        assert_eq!(r[0].0, 1.0);
        assert!(r[1].0 < 1.0 && r[1].0 > r[2].0);
        let r = m.lookup(
            "El gobierno anunció hoy nuevas medidas contra la violencia en Sinaloa",
            DEFAULT_MIN_SIMILARITY,
            10,
        );
        assert_eq!(r.len(), 2);
        let r = m.lookup(
            "El gobierno anunció hoy nuevas medidas contra la violencia en Sinaloa",
            DEFAULT_MIN_SIMILARITY,
            1,
        );
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].1.key, "b/1");
    }

    #[test]
    fn ties_by_key_and_replacement() {
        let mut m = Memory::new();
        m.insert(e("z/1", "mismo texto aquí"));
        m.insert(e("a/1", "mismo texto aquí"));
        let r = m.lookup("mismo texto aquí", 0.75, 5);
        assert_eq!(
            r.iter().map(|x| x.1.key.as_str()).collect::<Vec<_>>(),
            ["a/1", "z/1"]
        );
        m.insert(e("a/1", "otra cosa distinta"));
        assert_eq!(m.len(), 2);
        let r = m.lookup("mismo texto aquí", 0.75, 5);
        assert_eq!(
            r.iter().map(|x| x.1.key.as_str()).collect::<Vec<_>>(),
            ["z/1"]
        );
        assert!(m.lookup("x", f64::NAN, 5).is_empty());
        assert!(m.lookup("mismo texto aquí", 0.75, 0).is_empty());
        assert!(m.lookup("", 0.75, 5).is_empty());
        m.insert(e("p/1", "¿?"));
        assert_eq!(m.lookup("¿?", 0.75, 5).len(), 1);
    }
}
