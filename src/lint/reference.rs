//! The implementation of [`super::lint_pair`] before it was made cheaper
//! (commit b89ace4), kept as a test oracle: the differential tests in
//! `super::tests` assert that both give the same hits.

#![allow(dead_code)]

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use unicode_normalization::char::is_combining_mark;

use super::{
    ABBREVIATIONS, BUILTIN_RENDERINGS, Check, ENGLISH_FUNCTION_WORDS, Hit, LintOptions,
    NAME_CONNECTORS, NAME_STOP_WORDS, SPANISH_FUNCTION_WORDS, UNTRANSLATED_MIN_SPANISH_WORDS,
};
use crate::render::{is_bidi_control, is_zero_width};

// What the fast version did not change is shared, not copied: the oracle
// differs from `super` exactly where the checks were rewritten
// (`word_kind` gained only an early `None` for the empty word).
use super::{
    Lang, NameWord, WordKind, check_length, check_spacing, common_prefix_len, fold, fold_char_into,
    fold_cow, folded_phrase, has_lowercase_word, hit, implied_number, is_article_one,
    is_capitalised, is_digit_group_sep, is_vague_plural, level, mixed_script_word, phrase_words,
    script_of, sentence_initial, word_kind,
};
///
/// `original` is Spanish when `translation` is `Some` (English). When
/// `translation` is `None` the quote is an English original and only
/// `suspicious-text` and `punctuation` (balance and spacing) run on it.
/// Hits are ordered by [`Check::ALL`] order, then by position found.
pub fn lint_pair(original: &str, translation: Option<&str>, opts: &LintOptions) -> Vec<Hit> {
    let mut hits = Vec::new();
    match translation {
        Some(tr) => {
            check_numbers(original, tr, &mut hits);
            // the translation's folded words, shared by two checks
            let tr_phrase = folded_phrase(tr);
            check_names(original, &tr_phrase, opts, &mut hits);
            check_untranslated(original, tr, &tr_phrase, &mut hits);
            check_length(original, tr, opts, &mut hits);
            check_punctuation(original, tr, &mut hits);
            check_suspicious("original", original, &mut hits);
            check_suspicious("translation", tr, &mut hits);
        }
        None => {
            check_punctuation_single("original", original, &mut hits);
            check_suspicious("original", original, &mut hits);
        }
    }
    let mut seen = BTreeSet::new();
    hits.retain(|h| seen.insert((h.check, h.message.clone())));
    hits
}

// ---------------------------------------------------------------------------
// shared text helpers

/// Maximal runs of alphanumeric characters, as byte ranges of `s`.
fn word_spans(s: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
        } else if let Some(a) = start.take() {
            spans.push((a, i));
        }
    }
    if let Some(a) = start {
        spans.push((a, s.len()));
    }
    spans
}

// ---------------------------------------------------------------------------
// numbers

#[derive(Debug)]
enum NTok<'a> {
    /// Digits with internal separators; `ordinal` when followed by an ordinal
    /// suffix (1º, 2ª, 1st, 3rd, 1.º).
    Num {
        raw: &'a str,
        ordinal: bool,
    },
    Word {
        folded: Cow<'a, str>,
        raw: &'a str,
    },
    Break,
}

#[derive(Debug, Clone)]
struct NumMention {
    /// Canonical value keys (usually one).
    keys: Vec<String>,
    display: String,
    /// Strict mentions must be matched; soft ones ("one", "un", "millones",
    /// ordinals) are never reported but satisfy matches.
    strict: bool,
    /// A plain 4-digit year 1000..=2100 (not reported when only the
    /// translation has it).
    year: bool,
}

fn num_tokens(s: &str) -> Vec<NTok<'_>> {
    let chars: Vec<char> = s.chars().collect();
    // byte offset of each char, and of the end
    let offsets: Vec<usize> = s
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(s.len()))
        .collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            let start = i;
            let mut group_len = 0usize;
            while i < chars.len() {
                let next_digit = |k: usize| chars.get(k).is_some_and(|d| d.is_ascii_digit());
                if chars[i].is_ascii_digit() {
                    group_len += 1;
                    i += 1;
                } else if is_digit_group_sep(chars[i]) && next_digit(i + 1) {
                    group_len = 0;
                    i += 1;
                } else if chars[i] == ' '
                    && (1..=3).contains(&group_len)
                    && next_digit(i + 1)
                    && next_digit(i + 2)
                    && next_digit(i + 3)
                    && !next_digit(i + 4)
                {
                    // "60 000": plain space as thousands separator
                    group_len = 0;
                    i += 1;
                } else if chars[i] == ':'
                    && next_digit(i + 1)
                    && next_digit(i + 2)
                    && !next_digit(i + 3)
                {
                    // clock time "20:25"
                    group_len = 0;
                    i += 1;
                } else {
                    break;
                }
            }
            let raw = &s[offsets[start]..offsets[i]];
            // ordinal suffix: 1º 1ª 1.º 1st 2nd 3rd 4th 1er 1o
            let mut j = i;
            if chars.get(j) == Some(&'.') && matches!(chars.get(j + 1), Some('º' | 'ª')) {
                j += 1;
            }
            let suffix_start = j;
            while j < chars.len() && chars[j].is_alphabetic() && j - suffix_start < 4 {
                j += 1;
            }
            let suffix = &s[offsets[suffix_start]..offsets[j]];
            let suffix_ends = j >= chars.len() || !chars[j].is_alphanumeric();
            let ordinal = suffix_ends
                && matches!(
                    fold_cow(suffix).as_ref(),
                    "º" | "ª" | "o" | "a" | "os" | "as" | "er" | "era" | "st" | "nd" | "rd" | "th"
                );
            if ordinal {
                i = j;
            }
            toks.push(NTok::Num { raw, ordinal });
        } else if c.is_alphabetic() {
            let start = i;
            while i < chars.len() && chars[i].is_alphabetic() {
                i += 1;
            }
            let capitalised_mid_sentence =
                chars[start].is_uppercase() && !starts_sentence(&chars, start);
            if chars.get(i).is_some_and(|d| d.is_ascii_digit())
                || start > 0 && chars[start - 1].is_ascii_digit()
            {
                // code such as "A5", "CO2", "5G": not a number word
                toks.push(NTok::Break);
            } else {
                let raw = &s[offsets[start]..offsets[i]];
                if capitalised_mid_sentence && roman_value(raw).is_none() {
                    // a name such as "Sra. Díez": never a number word
                    toks.push(NTok::Break);
                } else {
                    toks.push(NTok::Word {
                        folded: fold_cow(raw),
                        raw,
                    });
                }
            }
        } else if c.is_whitespace() || c == '-' || c == '\u{2010}' {
            i += 1;
        } else {
            toks.push(NTok::Break);
            i += 1;
        }
    }
    toks
}

/// Whether the word at `start` begins a sentence (start of text or after
/// `. ! ? : ; …`, skipping spaces and opening quotes/brackets).
fn starts_sentence(chars: &[char], start: usize) -> bool {
    let mut i = start;
    while i > 0 {
        let c = chars[i - 1];
        if c.is_whitespace()
            || matches!(
                c,
                '"' | '\'' | '«' | '“' | '‘' | '(' | '[' | '¿' | '¡' | '-' | '—' | '–'
            )
        {
            if c == '\n' {
                return true;
            }
            i -= 1;
            continue;
        }
        if c == '.' {
            // "Sra. Díez": a full stop after an abbreviation ends no sentence
            let mut w = i - 1;
            while w > 0 && chars[w - 1].is_alphabetic() {
                w -= 1;
            }
            let word = fold(&chars[w..i - 1].iter().collect::<String>());
            return word.is_empty() || !ABBREVIATIONS.contains(&word.as_str());
        }
        return matches!(c, '!' | '?' | ':' | ';' | '…');
    }
    true
}

/// Value of an upper-case Roman numeral (canonical form only, ≤ 3999).
pub(super) fn roman_value(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 12 || !s.bytes().all(|b| b"IVXLCDM".contains(&b)) {
        return None;
    }
    let digit = |c: char| match c {
        'I' => Some(1),
        'V' => Some(5),
        'X' => Some(10),
        'L' => Some(50),
        'C' => Some(100),
        'D' => Some(500),
        'M' => Some(1000),
        _ => None,
    };
    let vals: Vec<u32> = s.chars().map(digit).collect::<Option<_>>()?;
    let mut signed = 0i64;
    for (k, v) in vals.iter().enumerate() {
        if vals.get(k + 1).is_some_and(|n| n > v) {
            signed -= i64::from(*v);
        } else {
            signed += i64::from(*v);
        }
    }
    let total = u32::try_from(signed).ok()?;
    // canonical re-encoding must give back the input
    let table = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    if total == 0 || total > 3999 {
        return None;
    }
    let mut rest = total;
    let mut enc = String::new();
    for (v, r) in table {
        while rest >= v {
            enc.push_str(r);
            rest -= v;
        }
    }
    (enc == s).then_some(total)
}

pub(super) fn value_key(v: f64) -> String {
    if v.is_finite() && v.abs() < 1e15 {
        let r = (v * 1000.0).round() / 1000.0;
        format!("{r}")
    } else {
        format!("{v:e}")
    }
}

/// "20.25", "8:25" → "t8:25" (12-hour clock), so 24- and 12-hour times match.
pub(super) fn clock_key(raw: &str) -> Option<String> {
    let (h, m) = raw.split_once(['.', ':'])?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 24 && m < 60).then(|| format!("t{}:{m:02}", h % 12))
}

/// Parses a digit string with `.`/`,`/narrow-space separators. Spanish
/// prefers `.` thousands + `,` decimal, English the reverse; the preferred
/// reading is used when valid, else the other, else each digit group is a
/// separate number.
fn parse_digits(raw: &str, lang: Lang) -> Vec<f64> {
    let (thousands, decimal) = match lang {
        Lang::Es => ('.', ','),
        Lang::En => (',', '.'),
    };
    if let Some(v) = parse_with(raw, thousands, decimal) {
        return vec![v];
    }
    if let Some(v) = parse_with(raw, decimal, thousands) {
        let mut out = vec![v];
        if lang == Lang::Es && raw.contains('.') && !raw.contains(',') {
            // "artículo 81.1" is a section number: also its parts
            out.extend(raw.split('.').filter_map(|g| g.parse::<f64>().ok()));
        }
        return out;
    }
    raw.split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .filter_map(|g| g.parse::<f64>().ok())
        .collect()
}

fn parse_with(raw: &str, thousands: char, decimal: char) -> Option<f64> {
    let (int_part, frac_part) = match raw.split_once(decimal) {
        Some((a, b)) => (a, Some(b)),
        None => (raw, None),
    };
    if let Some(f) = frac_part
        && (f.is_empty() || !f.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let mut groups = int_part.split([thousands, ' ', '\u{00A0}', '\u{202F}', '\u{2009}']);
    let first = groups.next()?;
    if first.is_empty() || first.len() > 18 || !first.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut digits = first.to_string();
    let mut grouped = false;
    for g in groups {
        if g.len() != 3 || !g.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        grouped = true;
        digits.push_str(g);
    }
    if grouped && first.len() > 3 {
        return None;
    }
    let text = match frac_part {
        Some(f) => format!("{digits}.{f}"),
        None => digits,
    };
    text.parse::<f64>().ok()
}

fn extract_numbers(s: &str, lang: Lang) -> Vec<NumMention> {
    let toks = num_tokens(s);
    let mut out = Vec::new();
    let mut k = 0;
    let word_at = |k: usize| -> Option<&str> {
        match toks.get(k) {
            Some(NTok::Word { folded, .. }) => Some(folded.as_ref()),
            _ => None,
        }
    };
    while k < toks.len() {
        match &toks[k] {
            NTok::Break => k += 1,
            NTok::Num { raw, ordinal } => {
                let mut vals = parse_digits(raw, lang);
                let mut display = raw.to_string();
                let mut scaled = false;
                k += 1;
                while let Some(w) = word_at(k) {
                    match word_kind(w, lang) {
                        Some(WordKind::Group(m)) | Some(WordKind::Scale(m)) if !*ordinal => {
                            for v in &mut vals {
                                *v *= m;
                            }
                            if let Some(NTok::Word { raw, .. }) = toks.get(k) {
                                display.push(' ');
                                display.push_str(raw);
                            }
                            scaled = true;
                            k += 1;
                        }
                        _ => break,
                    }
                }
                let year = !scaled
                    && raw.len() == 4
                    && raw.chars().all(|c| c.is_ascii_digit())
                    && vals.len() == 1
                    && (1000.0..=2100.0).contains(&vals[0]);
                let mut keys: Vec<String> = vals.iter().map(|v| value_key(*v)).collect();
                if let Some(t) = clock_key(raw) {
                    keys.push(t);
                }
                if !keys.is_empty() {
                    out.push(NumMention {
                        keys,
                        display,
                        strict: !*ordinal,
                        year,
                    });
                }
            }
            NTok::Word { folded, .. } => {
                let folded: &str = folded;
                let prev = if k > 0 { word_at(k - 1) } else { None };
                // "por ciento" / "cien por cien" are percent markers;
                // "bajo cero" is a sign
                if lang == Lang::Es && prev == Some("por") && matches!(folded, "ciento" | "cien")
                    || matches!(prev, Some("bajo" | "sobre" | "below" | "above"))
                        && matches!(folded, "cero" | "zero")
                {
                    k += 1;
                    continue;
                }
                let raw_word = match &toks[k] {
                    NTok::Word { raw, .. } => *raw,
                    _ => "",
                };
                if let Some(v) =
                    roman_value(raw_word).filter(|_| !(lang == Lang::En && raw_word == "I"))
                {
                    out.push(NumMention {
                        keys: vec![value_key(f64::from(v))],
                        display: raw_word.to_string(),
                        strict: false,
                        year: false,
                    });
                    k += 1;
                    continue;
                }
                if let Some(v) = implied_number(folded, lang) {
                    out.push(NumMention {
                        keys: vec![value_key(v)],
                        display: raw_word.to_string(),
                        strict: false,
                        year: false,
                    });
                    k += 1;
                    continue;
                }
                if is_vague_plural(folded, lang) {
                    // plural magnitude without a number before it
                    if let Some(WordKind::Scale(m)) | Some(WordKind::Group(m)) =
                        word_kind(folded, lang)
                    {
                        out.push(NumMention {
                            keys: vec![value_key(m)],
                            display: folded.to_string(),
                            strict: false,
                            year: false,
                        });
                    } else {
                        let m = match folded {
                            "miles" | "millares" | "thousands" => 1e3,
                            "cientos" | "centenares" | "hundreds" => 100.0,
                            _ => 10.0,
                        };
                        out.push(NumMention {
                            keys: vec![value_key(m)],
                            display: folded.to_string(),
                            strict: false,
                            year: false,
                        });
                    }
                    k += 1;
                    continue;
                }
                // English "a hundred/thousand/million"
                let starts_with_a = lang == Lang::En
                    && folded == "a"
                    && word_at(k + 1).is_some_and(|n| {
                        matches!(
                            word_kind(n, lang),
                            Some(WordKind::Group(_) | WordKind::Scale(_))
                        )
                    });
                if word_kind(folded, lang).is_none() && !starts_with_a {
                    k += 1;
                    continue;
                }
                let start = k;
                let mut total = 0.0f64;
                let mut cur = 0.0f64;
                let mut last_add: Option<f64> = None;
                let mut words: Vec<&str> = Vec::new();
                let mut any_multiplier = false;
                if starts_with_a {
                    cur = 1.0;
                    words.push("a");
                    k += 1;
                }
                while let Some(w) = word_at(k) {
                    let raw_w = match &toks[k] {
                        NTok::Word { raw, .. } => *raw,
                        _ => "",
                    };
                    match word_kind(w, lang) {
                        Some(WordKind::Add(v)) => {
                            if let Some(last) = last_add
                                && level(v) >= level(last)
                            {
                                break;
                            }
                            cur += v;
                            last_add = Some(v);
                            words.push(raw_w);
                            k += 1;
                        }
                        Some(WordKind::Group(m)) => {
                            cur = cur.max(1.0) * m;
                            last_add = None;
                            any_multiplier = true;
                            words.push(raw_w);
                            k += 1;
                        }
                        Some(WordKind::Scale(m)) => {
                            // plural scale words need a number before them
                            if words.is_empty() && is_vague_plural(w, lang) {
                                break;
                            }
                            total = (total + cur.max(1.0)) * m;
                            cur = 0.0;
                            last_add = None;
                            any_multiplier = true;
                            words.push(raw_w);
                            k += 1;
                        }
                        None => {
                            // connectors: "treinta y cinco", "two hundred and five"
                            let next_add = word_at(k + 1).and_then(|n| match word_kind(n, lang) {
                                Some(WordKind::Add(v)) => Some(v),
                                _ => None,
                            });
                            let ok = match (lang, w, next_add) {
                                (Lang::Es, "y", Some(n)) => {
                                    last_add.is_some_and(|l| {
                                        (20.0..100.0).contains(&l) && l % 10.0 == 0.0
                                    }) && (1.0..10.0).contains(&n)
                                }
                                (Lang::En, "and", Some(n)) => {
                                    any_multiplier && last_add.is_none() && n < 100.0
                                }
                                _ => false,
                            };
                            if ok {
                                words.push(raw_w);
                                k += 1;
                            } else {
                                break;
                            }
                        }
                    }
                }
                if k == start {
                    k += 1;
                    continue;
                }
                let value = total + cur;
                let only_one = words.len() == 1 && is_article_one(&fold(words[0]), lang);
                out.push(NumMention {
                    keys: vec![value_key(value)],
                    display: words.join(" "),
                    strict: !only_one,
                    year: false,
                });
            }
        }
    }
    out
}

pub(super) fn check_numbers(original: &str, translation: &str, hits: &mut Vec<Hit>) {
    let orig = extract_numbers(original, Lang::Es);
    let tran = extract_numbers(translation, Lang::En);
    let orig_keys: BTreeSet<&str> = orig
        .iter()
        .flat_map(|m| m.keys.iter().map(String::as_str))
        .collect();
    let tran_keys: BTreeSet<&str> = tran
        .iter()
        .flat_map(|m| m.keys.iter().map(String::as_str))
        .collect();
    let mut reported = BTreeSet::new();
    for m in orig.iter().filter(|m| m.strict) {
        if !m.keys.iter().any(|k| tran_keys.contains(k.as_str()))
            && reported.insert(("o", m.display.clone()))
        {
            hit(
                hits,
                Check::Numbers,
                format!(
                    "number \"{}\" in the original is missing from the translation",
                    m.display
                ),
            );
        }
    }
    for m in tran.iter().filter(|m| m.strict && !m.year) {
        if !m.keys.iter().any(|k| orig_keys.contains(k.as_str()))
            && reported.insert(("t", m.display.clone()))
        {
            hit(
                hits,
                Check::Numbers,
                format!(
                    "number \"{}\" in the translation does not appear in the original",
                    m.display
                ),
            );
        }
    }
}

// ---------------------------------------------------------------------------
// names

/// `w` (folded name word) matches some translation word: equal, or a shared
/// prefix of ≥ 4 chars covering ≥ 50% of the shorter word (Italia/Italy,
/// Británico/British).
fn word_present(w: &str, tr_words: &BTreeSet<&str>) -> bool {
    if tr_words.contains(w) {
        return true;
    }
    let wl = w.chars().count();
    if wl < 4 {
        return false;
    }
    tr_words.iter().any(|t| {
        let tl = t.chars().count();
        let p = common_prefix_len(w, t);
        p >= 4 && (p as f64) >= 0.5 * (wl.min(tl) as f64)
    })
}

/// A word list as a set: the lists are looked up for every word of every
/// record `check` reads.
type WordSet = std::sync::LazyLock<std::collections::HashSet<&'static str>>;

static NAME_STOP_SET: WordSet =
    std::sync::LazyLock::new(|| NAME_STOP_WORDS.iter().copied().collect());

/// [`BUILTIN_RENDERINGS`] folded once per process, not once per record:
/// `check` lints every record, and folding the table dominated its time.
static BUILTIN_FOLDED: std::sync::LazyLock<Vec<(String, String)>> =
    std::sync::LazyLock::new(|| {
        BUILTIN_RENDERINGS
            .iter()
            .map(|(a, b)| (folded_phrase(a), folded_phrase(b)))
            .collect()
    });

/// `tr_phrase` is the translation's [`folded_phrase`].
fn check_names(original: &str, tr_phrase: &str, opts: &LintOptions, hits: &mut Vec<Hit>) {
    let spans = word_spans(original);
    // every word folded into one buffer, then sliced
    let mut buf = String::with_capacity(original.len());
    let mut ranges = Vec::with_capacity(spans.len());
    for &(a, b) in &spans {
        let from = buf.len();
        for c in original[a..b].chars() {
            fold_char_into(c, &mut buf);
        }
        ranges.push((from, buf.len()));
    }
    let words: Vec<NameWord> = spans
        .iter()
        .zip(&ranges)
        .map(|(&(a, b), &(fa, fb))| NameWord {
            start: a,
            end: b,
            text: &original[a..b],
            folded: &buf[fa..fb],
        })
        .collect();
    // built only if some name is not found as a phrase
    let tr_words_cell = std::cell::OnceCell::new();
    let tr_words =
        || -> &BTreeSet<&str> { tr_words_cell.get_or_init(|| phrase_words(tr_phrase).collect()) };
    // the newsroom's own renderings are folded only if a name needs them
    let own = std::cell::OnceCell::new();
    let renderings = || {
        BUILTIN_FOLDED.iter().chain(own.get_or_init(|| {
            opts.known_renderings
                .iter()
                .map(|(a, b)| (folded_phrase(a), folded_phrase(b)))
                .collect::<Vec<_>>()
        }))
    };

    let mut reported = BTreeSet::new();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        if !is_capitalised(w.text)
            || w.text.chars().all(|c| c.is_numeric())
            || roman_value(w.text).is_some()
        {
            i += 1;
            continue;
        }
        // grow the name: capitalised words separated by spaces/hyphens, with
        // connectors ("de la") between capitalised words
        let mut group = vec![i];
        let mut j = i + 1;
        loop {
            // words separated by one space or hyphen; a '.' only after an
            // abbreviation or short acronym ("Sr. Wurtz", "EE.UU.")
            let gap_ok = |a: usize, b: usize| {
                let (Some(x), Some(y)) = (words.get(a), words.get(b)) else {
                    return false;
                };
                let gap = &original[x.end..y.start];
                let plain = gap == " " || gap == "-";
                let dotted = (gap == "." || gap == ". ")
                    && (ABBREVIATIONS.contains(&x.folded)
                        || (x.text.chars().count() <= 3 && x.text.chars().all(char::is_uppercase)));
                plain || dotted
            };
            if j < words.len() && is_capitalised(words[j].text) && gap_ok(j - 1, j) {
                group.push(j);
                j += 1;
                continue;
            }
            // connectors
            let mut c = j;
            while c < words.len()
                && NAME_CONNECTORS.contains(&words[c].folded)
                && gap_ok(c - 1, c)
                && c - j < 2
            {
                c += 1;
            }
            if c > j && c < words.len() && is_capitalised(words[c].text) && gap_ok(c - 1, c) {
                group.extend(j..=c);
                j = c + 1;
                continue;
            }
            break;
        }
        i = j;
        // a sentence-initial first word may just be capitalised by position
        let initial = sentence_initial(original, &words, group[0]);
        let content: Vec<&NameWord> = group
            .iter()
            .enumerate()
            .filter(|(pos, _)| !(*pos == 0 && initial))
            .map(|(_, &g)| &words[g])
            .filter(|w| {
                is_capitalised(w.text)
                    && !NAME_STOP_SET.contains(w.folded)
                    && roman_value(w.text).is_none()
            })
            .collect();
        if content.is_empty() {
            continue;
        }
        let name_phrase = {
            let mut p = String::from(" ");
            for &g in &group {
                p.push_str(words[g].folded);
                p.push(' ');
            }
            p
        };
        let display = {
            let first = words[group[0]].start;
            let last = words[group[group.len() - 1]].end;
            &original[first..last]
        };
        // 1. whole name present
        if tr_phrase.contains(&name_phrase) {
            continue;
        }
        // 2. a known rendering of (part of) the name is present
        if renderings().any(|(from, to)| {
            name_phrase.contains(from.as_str())
                && (tr_phrase.contains(to.as_str())
                    || to.split_whitespace().all(|w| word_present(w, tr_words())))
        }) {
            continue;
        }
        // 3. any content word present (accent-insensitive, prefix-tolerant)
        if content.iter().any(|w| word_present(w.folded, tr_words())) {
            continue;
        }
        if reported.insert(display) {
            hit(
                hits,
                Check::Names,
                format!("name \"{display}\" from the original does not appear in the translation"),
            );
        }
    }
}

// ---------------------------------------------------------------------------
// untranslated

static SPANISH_FUNCTION_SET: WordSet =
    std::sync::LazyLock::new(|| SPANISH_FUNCTION_WORDS.iter().copied().collect());
static ENGLISH_FUNCTION_SET: WordSet =
    std::sync::LazyLock::new(|| ENGLISH_FUNCTION_WORDS.iter().copied().collect());

/// `tp` is the translation's [`folded_phrase`].
fn check_untranslated(original: &str, translation: &str, tp: &str, hits: &mut Vec<Hit>) {
    if translation.trim().is_empty() {
        if !original.trim().is_empty() {
            hit(
                hits,
                Check::Untranslated,
                "translation is empty".to_string(),
            );
        }
        return;
    }
    let op = folded_phrase(original);
    // equal phrases are equal word lists; " " has no words
    if op.len() > 1 && op == tp && has_lowercase_word(original) {
        hit(
            hits,
            Check::Untranslated,
            "translation is identical to the original".to_string(),
        );
        return;
    }
    let mut spanish: Vec<&str> = Vec::new();
    let mut english = 0usize;
    for w in phrase_words(tp) {
        if SPANISH_FUNCTION_SET.contains(w) {
            spanish.push(w);
        } else if ENGLISH_FUNCTION_SET.contains(w) {
            english += 1;
        }
    }
    if spanish.len() >= UNTRANSLATED_MIN_SPANISH_WORDS && spanish.len() >= english {
        let sample: Vec<&str> = spanish
            .iter()
            .copied()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .take(5)
            .collect();
        hit(
            hits,
            Check::Untranslated,
            format!(
                "translation looks Spanish: {} Spanish function words ({}) vs {} English",
                spanish.len(),
                sample.join(", "),
                english
            ),
        );
    }
}

// ---------------------------------------------------------------------------
// length

// ---------------------------------------------------------------------------
// punctuation

/// Returns a description of the first imbalance, if any.
pub(super) fn imbalance(s: &str) -> Option<String> {
    let mut stack: Vec<char> = Vec::new();
    let mut straight_double = 0usize;
    let mut single_open = 0usize;
    for c in s.chars() {
        match c {
            '(' | '[' | '{' | '«' | '“' => stack.push(c),
            ')' | ']' | '}' | '»' | '”' => {
                let open = match c {
                    ')' => '(',
                    ']' => '[',
                    '}' => '{',
                    '»' => '«',
                    _ => '“',
                };
                match stack.pop() {
                    Some(o) if o == open => {}
                    Some(o) => return Some(format!("'{o}' closed by '{c}'")),
                    None => return Some(format!("unmatched '{c}'")),
                }
            }
            '"' => straight_double += 1,
            '‘' => single_open += 1,
            // ’ closes an open ‘; otherwise it is an apostrophe
            '’' => single_open = single_open.saturating_sub(1),
            _ => {}
        }
    }
    if let Some(o) = stack.last() {
        return Some(format!("unclosed '{o}'"));
    }
    if straight_double % 2 == 1 {
        return Some("odd number of '\"'".to_string());
    }
    if single_open > 0 {
        return Some("unclosed '‘'".to_string());
    }
    None
}

fn check_punctuation(original: &str, translation: &str, hits: &mut Vec<Hit>) {
    if (original.contains('?') || original.contains('¿')) && !translation.contains('?') {
        hit(
            hits,
            Check::Punctuation,
            "original asks a question (?) but the translation has no '?'".to_string(),
        );
    }
    if (original.contains('!') || original.contains('¡')) && !translation.contains('!') {
        hit(
            hits,
            Check::Punctuation,
            "original has an exclamation (!) but the translation has no '!'".to_string(),
        );
    }
    if imbalance(original).is_none()
        && let Some(problem) = imbalance(translation)
    {
        hit(
            hits,
            Check::Punctuation,
            format!("translation has unbalanced quotes/brackets: {problem}"),
        );
    }
    check_spacing("translation", translation, hits);
}

fn check_punctuation_single(label: &str, s: &str, hits: &mut Vec<Hit>) {
    if let Some(problem) = imbalance(s) {
        hit(
            hits,
            Check::Punctuation,
            format!("{label} has unbalanced quotes/brackets: {problem}"),
        );
    }
    check_spacing(label, s, hits);
}

// ---------------------------------------------------------------------------
// suspicious text

fn check_suspicious(label: &str, s: &str, hits: &mut Vec<Hit>) {
    // ASCII text has no bidi, zero-width or non-Latin letters: only C0
    // controls (and DEL) can be suspicious in it
    if s.is_ascii()
        && !s
            .bytes()
            .any(|b| (b.is_ascii_control()) && b != b'\n' && b != b'\t')
    {
        return;
    }
    let mut found: BTreeMap<char, usize> = BTreeMap::new();
    for c in s.chars() {
        if is_bidi_control(c) || is_zero_width(c) || (c.is_control() && c != '\n' && c != '\t') {
            *found.entry(c).or_insert(0) += 1;
        }
    }
    for (c, n) in found {
        let kind = if is_bidi_control(c) {
            "bidi control"
        } else if is_zero_width(c) {
            "zero-width character"
        } else {
            "control character"
        };
        let times = if n == 1 {
            String::new()
        } else {
            format!(" ({n} times)")
        };
        hit(
            hits,
            Check::SuspiciousText,
            format!("{label} contains {kind} \\u{{{:04X}}}{times}", c as u32),
        );
    }
    // mixed-script words: a word is a letter and the letters and
    // combining marks after it; only a word with letters of two scripts
    // (a bit each in `scripts`) is looked at closely
    let mut seen = BTreeSet::new();
    let mut start: Option<usize> = None;
    let mut scripts_seen = 0u8;
    for (i, c) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
        if start.is_some() && (c.is_alphabetic() || is_combining_mark(c)) {
            scripts_seen |= script_of(c).map_or(0, |sc| 1 << sc as u8);
            continue;
        }
        if let Some(from) = start.take()
            && scripts_seen.count_ones() >= 2
        {
            mixed_script_word(label, &s[from..i], &mut seen, hits);
        }
        if c.is_alphabetic() {
            start = Some(i);
            scripts_seen = script_of(c).map_or(0, |sc| 1 << sc as u8);
        }
    }
}
