//! Translation quality checks for Spanish→English quote pairs.
//!
//! [`lint_pair`] runs every [`Check`] on one quote (Spanish original plus
//! English translation, or an English original without translation) and
//! returns human-readable [`Hit`]s. The exact rules, thresholds and the
//! measured false-positive rates on Europarl are documented in `CHECKS.md`.
//!
//! The checks are heuristics: they never panic, whatever the input, and every
//! message escapes invisible/control characters as `\u{XXXX}`.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// One kind of quality check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// Numbers of the original missing from the translation, or added.
    Numbers,
    /// Names of the original missing from the translation.
    Names,
    /// A translation left in Spanish, empty, or identical to the original.
    Untranslated,
    /// A translation much shorter or longer than the original.
    Length,
    /// Questions or exclamations lost, unbalanced quotes, stray spaces.
    Punctuation,
    /// Invisible, direction-changing or mixed-script characters.
    SuspiciousText,
}

impl Check {
    /// Every check, in reporting order.
    pub const ALL: [Check; 6] = [
        Check::Numbers,
        Check::Names,
        Check::Untranslated,
        Check::Length,
        Check::Punctuation,
        Check::SuspiciousText,
    ];

    /// Stable code used on the command line and in config files.
    pub fn code(self) -> &'static str {
        match self {
            Check::Numbers => "numbers",
            Check::Names => "names",
            Check::Untranslated => "untranslated",
            Check::Length => "length",
            Check::Punctuation => "punctuation",
            Check::SuspiciousText => "suspicious-text",
        }
    }

    /// Inverse of [`Check::code`] (exact, case-sensitive match).
    pub fn from_code(s: &str) -> Option<Check> {
        Check::ALL.into_iter().find(|c| c.code() == s)
    }

    /// One-line explanation for `--help` / `verbatim checks`.
    pub fn explanation(self) -> &'static str {
        match self {
            Check::Numbers => {
                "numbers (digits or number words) in the original missing from the translation, or added by it"
            }
            Check::Names => {
                "capitalised names in the original that do not appear in the translation"
            }
            Check::Untranslated => {
                "translation is empty, identical to the original, or mostly Spanish function words"
            }
            Check::Length => {
                "translation much shorter or longer than the original (character ratio outside the band)"
            }
            Check::Punctuation => {
                "question/exclamation lost, unbalanced quotes or brackets, stray or doubled spaces"
            }
            Check::SuspiciousText => {
                "bidi controls, zero-width or control characters, words mixing Latin with Cyrillic/Greek"
            }
        }
    }
}

/// One finding of a check.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The check that found it.
    pub check: Check,
    /// Human-readable; invisible/control characters are escaped as `\u{XXXX}`.
    pub message: String,
}

/// Options for [`lint_pair`].
#[derive(Debug, Clone, Copy)]
pub struct LintOptions<'a> {
    /// Original name → accepted English rendering, e.g.
    /// `("Ciudad de México", "Mexico City")`. Several renderings for the same
    /// name may be listed. Compared accent- and case-insensitively. A built-in
    /// list (countries, cities, acronyms such as UE→EU) is always used too.
    pub known_renderings: &'a [(String, String)],
    /// Accepted band for `chars(translation) / chars(original)`, inclusive.
    pub length_band: (f64, f64),
}

/// Default accepted length band (inclusive).
pub const DEFAULT_LENGTH_BAND: (f64, f64) = (0.5, 2.0);
/// The length check only runs when the trimmed original has at least this
/// many characters.
pub const LENGTH_MIN_ORIGINAL_CHARS: usize = 20;

impl Default for LintOptions<'_> {
    fn default() -> Self {
        LintOptions {
            known_renderings: &[],
            length_band: DEFAULT_LENGTH_BAND,
        }
    }
}

/// Checks one quote pair.
///
/// `original` is Spanish when `translation` is `Some` (English). When
/// `translation` is `None` the quote is an English original and only
/// `suspicious-text` and `punctuation` (balance and spacing) run on it.
/// Hits are ordered by [`Check::ALL`] order, then by position found.
pub fn lint_pair(original: &str, translation: Option<&str>, opts: &LintOptions) -> Vec<Hit> {
    lint_pair_with(original, translation, opts, &mut LintScratch::default())
}

/// Room [`lint_pair_with`] reuses from one call to the next: the word lists
/// and fold buffers of the texts. `check` lints every record it reads, and
/// allocating them anew for each was a tenth of the lint's time.
#[derive(Default)]
pub struct LintScratch {
    /// The original's and the translation's folds ([`collect_words`]).
    original_folds: String,
    translation_folds: String,
    /// The word lists, empty between calls (see [`reuse`]).
    original_words: Vec<NameWord<'static>>,
    translation_words: Vec<NameWord<'static>>,
    /// The words folded into a fold buffer ([`collect_words`]).
    refolded: Vec<(usize, usize, usize)>,
    /// One name's words and phrase ([`check_names`]).
    names: NameScratch,
}

/// [`lint_pair`], reusing `scratch`'s room: same hits.
pub fn lint_pair_with(
    original: &str,
    translation: Option<&str>,
    opts: &LintOptions,
    scratch: &mut LintScratch,
) -> Vec<Hit> {
    let mut hits = Vec::new();
    match translation {
        Some(tr) => {
            let mut buf = String::with_capacity(original.len());
            check_numbers(original, tr, &mut buf, &mut hits);
            // the original's words names need, and all the translation's
            // (shared by two checks)
            let orig = name_words(
                original,
                &mut scratch.original_folds,
                reuse(std::mem::take(&mut scratch.original_words)),
                &mut scratch.refolded,
            );
            let tran = folded_words(
                tr,
                &mut scratch.translation_folds,
                reuse(std::mem::take(&mut scratch.translation_words)),
                &mut scratch.refolded,
            );
            check_names(original, &orig, &tran, opts, &mut scratch.names, &mut hits);
            check_untranslated(original, tr, &tran, &mut buf, &mut hits);
            scratch.original_words = reuse(orig.words);
            scratch.translation_words = reuse(tran.words);
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
    // one hit can not repeat itself
    if hits.len() > 1 {
        let mut seen = BTreeSet::new();
        hits.retain(|h| seen.insert((h.check, h.message.clone())));
    }
    hits
}

/// `words` emptied, as a list of words of another lifetime, keeping its
/// allocation: the standard library collects a `Vec`'s `into_iter()` into
/// a `Vec` of a type of the same size and alignment in place (the test
/// `reuse_keeps_the_allocation` pins it). So [`LintScratch`] keeps its
/// lists between calls without borrowing any text.
fn reuse<'b>(mut words: Vec<NameWord<'_>>) -> Vec<NameWord<'b>> {
    words.clear();
    words
        .into_iter()
        .map(|_| unreachable!("the list was emptied"))
        .collect()
}

// ---------------------------------------------------------------------------
// shared text helpers

/// Accent-folds and lowercases: canonical decomposition, combining marks
/// removed, then lowercase (so "México" → "mexico", "Señoría" → "senoria").
fn fold(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        fold_char_into(c, &mut out);
    }
    out
}

/// [`fold`], borrowing when folding would change nothing (lowercase ASCII,
/// most words): `check` lints every record, and a `String` per word was a
/// quarter of its time.
fn fold_cow(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
        Cow::Owned(fold(s))
    } else {
        Cow::Borrowed(s)
    }
}

/// The fold of U+00C0..=U+00FF ("À".."ÿ") when it is one ASCII letter (an
/// accented letter), else 0 (Æ Ð × Ø Þ ß æ ð ÷ ø þ: folded the long way).
const LATIN1_FOLD: [u8; 64] =
    *b"aaaaaa\0ceeeeiiii\0nooooo\0\0uuuuy\0\0aaaaaa\0ceeeeiiii\0nooooo\0\0uuuuy\0y";

/// The fold of `c` when it is one ASCII byte: ASCII (lowercased) and the
/// accented Latin-1 letters, most of the non-ASCII in Spanish text.
#[inline]
fn quick_fold(c: char) -> Option<u8> {
    if c.is_ascii() {
        return Some((c as u8).to_ascii_lowercase());
    }
    match LATIN1_FOLD.get((c as usize).wrapping_sub(0xC0)) {
        Some(&l) if l != 0 => Some(l),
        _ => None,
    }
}

/// Whether `c` is a Latin-1 letter (À..ÿ but × and ÷): alphabetic, told
/// without the Unicode tables, for the accented letters of Spanish text.
#[inline]
fn is_latin1_letter(c: char) -> bool {
    ('\u{C0}'..='\u{FF}').contains(&c) && c != '×' && c != '÷'
}

/// `c.is_alphabetic()`, quick for the Latin-1 letters.
#[inline]
fn is_alphabetic(c: char) -> bool {
    is_latin1_letter(c) || c.is_alphabetic()
}

/// `c.is_alphanumeric()`, quick for the Latin-1 letters.
#[inline]
fn is_alphanumeric(c: char) -> bool {
    is_latin1_letter(c) || c.is_alphanumeric()
}

fn fold_char_into(c: char, out: &mut String) {
    if let Some(l) = quick_fold(c) {
        out.push(char::from(l));
        return;
    }
    decompose_canonical(c, |d| {
        if !is_combining_mark(d) {
            out.extend(d.to_lowercase());
        }
    });
}

use crate::render::{is_bidi_control, is_zero_width};

/// Hit messages are one line with every invisible character made visible,
/// like all text verbatim shows (`render::sanitize_inline`).
fn hit(hits: &mut Vec<Hit>, check: Check, message: String) {
    hits.push(Hit {
        check,
        message: crate::render::sanitize_inline(&message),
    });
}

/// The words of `s` (maximal alphanumeric runs), each folded, after one
/// leading space and each followed by one space (" el presidente dijo "),
/// so that a phrase is found with `contains`. One allocation for the text.
fn folded_phrase(s: &str) -> String {
    let mut p = String::with_capacity(s.len() + 2);
    p.push(' ');
    let mut in_word = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            fold_char_into(c, &mut p);
            in_word = true;
        } else if in_word {
            p.push(' ');
            in_word = false;
        }
    }
    if in_word {
        p.push(' ');
    }
    p
}

/// The folded words of a [`folded_phrase`].
fn phrase_words(phrase: &str) -> impl Iterator<Item = &str> {
    let inner = phrase
        .strip_prefix(' ')
        .and_then(|p| p.strip_suffix(' '))
        .unwrap_or("");
    inner.split(' ').filter(move |_| !inner.is_empty())
}

/// Whether some word of `s` starts with a lowercase letter.
fn has_lowercase_word(s: &str) -> bool {
    let mut prev_alnum = false;
    for c in s.chars() {
        let alnum = c.is_alphanumeric();
        if alnum && !prev_alnum && c.is_lowercase() {
            return true;
        }
        prev_alnum = alnum;
    }
    false
}

// ---------------------------------------------------------------------------
// numbers

#[derive(Clone, Copy, PartialEq, Eq)]
enum Lang {
    Es,
    En,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum NTok<'a> {
    /// Digits with internal separators; `ordinal` when followed by an ordinal
    /// suffix (1º, 2ª, 1st, 3rd, 1.º).
    Num {
        raw: &'a str,
        ordinal: bool,
    },
    /// A word that is not a name and is a number word, connector or marker
    /// ([`number_vocab`]: `folded` is its folded form) or a roman numeral
    /// (`folded` is "" unless the numeral is also such a word).
    Word {
        folded: &'static str,
        raw: &'a str,
    },
    Break,
}

/// A canonical number value. Two keys are equal exactly when the strings
/// `"{r}"` (`r` rounded to 3 decimals, |v| < 1e15), `"{v:e}"` (larger or
/// not finite) or `"t{h}:{mm}"` (clock time) that stood for them were.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    /// Bits of the value rounded to 3 decimals (|v| < 1e15).
    Value(u64),
    /// Bits of a larger or non-finite value (one NaN).
    Large(u64),
    /// A 12-hour clock time.
    Clock(u8, u8),
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Key::Value(b) => write!(f, "{}", f64::from_bits(b)),
            Key::Large(b) => write!(f, "{:e}", f64::from_bits(b)),
            Key::Clock(h, m) => write!(f, "t{h}:{m:02}"),
        }
    }
}

/// How a mention is shown in a hit, built only when one is reported.
#[derive(Debug, Clone, Copy)]
enum Shown {
    /// The raw text of tokens `from..to` joined by one space; the first one
    /// shown as "a" when `lead_a` ("A thousand" → "a thousand").
    Tokens {
        from: usize,
        to: usize,
        lead_a: bool,
    },
    /// A folded vague plural ("millones").
    Folded(&'static str),
}

#[derive(Debug, Clone)]
struct NumMention {
    /// Canonical value keys (usually one): `keys[from..to]` of the text's
    /// [`Numbers`].
    keys: (usize, usize),
    shown: Shown,
    /// Strict mentions must be matched; soft ones ("one", "un", "millones",
    /// ordinals) are never reported but satisfy matches.
    strict: bool,
    /// A plain 4-digit year 1000..=2100 (not reported when only the
    /// translation has it).
    year: bool,
}

/// The number mentions of one text, or of two in turn ([`check_numbers`]).
#[derive(Default)]
struct Numbers<'a> {
    toks: Vec<NTok<'a>>,
    keys: Vec<Key>,
    mentions: Vec<NumMention>,
}

impl Numbers<'_> {
    fn keys_of(&self, m: &NumMention) -> &[Key] {
        &self.keys[m.keys.0..m.keys.1]
    }

    fn display(&self, m: &NumMention) -> String {
        match m.shown {
            Shown::Folded(w) => w.to_string(),
            Shown::Tokens { from, to, lead_a } => {
                let mut d = String::new();
                for (n, t) in self.toks[from..to].iter().enumerate() {
                    if n > 0 {
                        d.push(' ');
                    }
                    match t {
                        _ if n == 0 && lead_a => d.push('a'),
                        NTok::Num { raw, .. } | NTok::Word { raw, .. } => d.push_str(raw),
                        NTok::Break => {}
                    }
                }
                d
            }
        }
    }
}

fn is_digit_group_sep(c: char) -> bool {
    matches!(c, '.' | ',' | '\u{00A0}' | '\u{202F}' | '\u{2009}')
}

/// The char at byte `i` of `s` (a char boundary), if any.
fn char_at(s: &str, i: usize) -> Option<char> {
    match s.as_bytes().get(i) {
        None => None,
        Some(&b) if b < 0x80 => Some(char::from(b)),
        Some(_) => s[i..].chars().next(),
    }
}

/// Folds `s` into `buf` (cleared first), giving up once `buf` is longer
/// than `max` bytes (folding never shrinks it): false then.
fn fold_into_at_most(s: &str, buf: &mut String, max: usize) -> bool {
    buf.clear();
    if s.is_ascii() {
        if s.len() > max {
            return false;
        }
        buf.push_str(s);
        buf.make_ascii_lowercase();
        return true;
    }
    for c in s.chars() {
        match quick_fold(c) {
            Some(l) => buf.push(char::from(l)),
            None => fold_char_into(c, buf),
        }
        if buf.len() > max {
            return false;
        }
    }
    true
}

/// The longest word of [`NUMBER_VOCAB`].
const NUMBER_VOCAB_MAX_LEN: usize = 13;

/// Every folded word that [`extract_numbers`] compares a word with (number
/// words, implied numbers, vague plurals, connectors and markers of both
/// languages).
const NUMBER_VOCAB: &[&str] = &[
    // Spanish number words
    "cero",
    "un",
    "uno",
    "una",
    "dos",
    "tres",
    "cuatro",
    "cinco",
    "seis",
    "siete",
    "ocho",
    "nueve",
    "diez",
    "once",
    "doce",
    "trece",
    "catorce",
    "quince",
    "dieciseis",
    "diecisiete",
    "dieciocho",
    "diecinueve",
    "veinte",
    "veintiun",
    "veintiuno",
    "veintiuna",
    "veintidos",
    "veintitres",
    "veinticuatro",
    "veinticinco",
    "veintiseis",
    "veintisiete",
    "veintiocho",
    "veintinueve",
    "treinta",
    "cuarenta",
    "cincuenta",
    "sesenta",
    "setenta",
    "ochenta",
    "noventa",
    "cien",
    "ciento",
    "doscientos",
    "doscientas",
    "trescientos",
    "trescientas",
    "cuatrocientos",
    "cuatrocientas",
    "quinientos",
    "quinientas",
    "seiscientos",
    "seiscientas",
    "setecientos",
    "setecientas",
    "ochocientos",
    "ochocientas",
    "novecientos",
    "novecientas",
    "mil",
    "millon",
    "millones",
    "millardo",
    "millardos",
    "billon",
    "billones",
    // English number words
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "thousand",
    "million",
    "millions",
    "billion",
    "billions",
    "trillion",
    "trillions",
    // implied numbers
    "ambos",
    "ambas",
    "sendos",
    "sendas",
    "doble",
    "par",
    "pareja",
    "bienal",
    "bienio",
    "triple",
    "trienal",
    "trienio",
    "quinquenal",
    "quinquenio",
    "lustro",
    "semestre",
    "semestral",
    "septenio",
    "decenio",
    "decada",
    "docena",
    "both",
    "twice",
    "double",
    "pair",
    "couple",
    "biennial",
    "thrice",
    "treble",
    "decade",
    "dozen",
    // vague plurals
    "miles",
    "millares",
    "cientos",
    "centenares",
    "decenas",
    "docenas",
    "hundreds",
    "thousands",
    "dozens",
    "tens",
    "scores",
    // connectors and markers
    "por",
    "bajo",
    "sobre",
    "below",
    "above",
    "a",
    "y",
    "and",
];

/// For each first letter and length of a [`NUMBER_VOCAB`] word, the last
/// letters of the words with them (bit n: letter `b'a' + n`).
const NUMBER_VOCAB_ENDS: [[u32; NUMBER_VOCAB_MAX_LEN + 1]; 26] = {
    let mut ends = [[0u32; NUMBER_VOCAB_MAX_LEN + 1]; 26];
    let mut k = 0;
    while k < NUMBER_VOCAB.len() {
        let w = NUMBER_VOCAB[k].as_bytes();
        ends[(w[0] - b'a') as usize][w.len()] |= 1 << (w[w.len() - 1] - b'a');
        k += 1;
    }
    ends
};

/// False when the fold of the non-ASCII word `w` is surely not in
/// [`NUMBER_VOCAB`], which is most accented words ("recomendación",
/// "está"): told from its chars' [`quick_fold`]s, cheaper than folding it.
/// The fold of `w` is the folds of its chars in turn; when each of them
/// folds to one ASCII letter, its fold is those letters, as many as its
/// chars, and a vocabulary word must have their first and last letters
/// and length ([`NUMBER_VOCAB_ENDS`]). When more than
/// [`NUMBER_VOCAB_MAX_LEN`] chars do, its fold is longer than any
/// vocabulary word. Otherwise (a char folding to nothing or to several
/// chars) it can not tell: true.
fn may_fold_into_vocab(w: &str) -> bool {
    let (mut first, mut last, mut len) = (0u8, 0u8, 0usize);
    for c in w.chars() {
        let Some(l) = quick_fold(c) else {
            return true;
        };
        if len == 0 {
            first = l;
        }
        last = l;
        len += 1;
        if len > NUMBER_VOCAB_MAX_LEN {
            return false;
        }
    }
    if len == 0 {
        return true;
    }
    first.is_ascii_lowercase()
        && last.is_ascii_lowercase()
        && NUMBER_VOCAB_ENDS[usize::from(first - b'a')][len] & (1 << (last - b'a')) != 0
}

/// Words by first letter (a..z) and length, each with its [`packed_lower`].
type VocabIndex = [[Vec<(u128, &'static str)>; NUMBER_VOCAB_MAX_LEN + 1]; 26];

/// [`NUMBER_VOCAB`] by first letter and length, so that most words are
/// ruled out by one look-up; each word with its [`packed_lower`] form.
static NUMBER_VOCAB_INDEX: std::sync::LazyLock<VocabIndex> = std::sync::LazyLock::new(|| {
    let mut index: VocabIndex = Default::default();
    for w in NUMBER_VOCAB {
        index[usize::from(w.as_bytes()[0] - b'a')][w.len()].push((packed_lower(w.as_bytes()), w));
    }
    index
});

/// The ASCII lowercase of `b` (at most 16 bytes) as one number, padded
/// with zero bytes: two words of the same length have the same number
/// exactly when they are equal ignoring ASCII case.
fn packed_lower(b: &[u8]) -> u128 {
    let mut k = [0u8; 16];
    for (d, s) in k.iter_mut().zip(b) {
        *d = s.to_ascii_lowercase();
    }
    u128::from_le_bytes(k)
}

/// The word of [`NUMBER_VOCAB`] equal to `w` ignoring ASCII case, else "".
/// A word's fold is in the vocabulary exactly when it is: for ASCII `w`
/// its fold is its ASCII lowercase, and a folded `w` is lowercase already.
///
/// Inline, as most words are ruled out by their first letter and length
/// alone and a call would cost more than that.
#[inline]
fn number_vocab(w: &str) -> &'static str {
    number_vocab_bytes(w.as_bytes())
}

/// [`number_vocab`] of the bytes of a word.
#[inline]
fn number_vocab_bytes(b: &[u8]) -> &'static str {
    let Some(first) = b.first().map(u8::to_ascii_lowercase) else {
        return "";
    };
    // `| 0x20` is the ASCII lowercase of a letter, and a lowercase letter
    // only for letters
    let last = b[b.len() - 1] | 0x20;
    if b.len() > NUMBER_VOCAB_MAX_LEN
        || !first.is_ascii_lowercase()
        || !last.is_ascii_lowercase()
        || NUMBER_VOCAB_ENDS[usize::from(first - b'a')][b.len()] & (1 << (last - b'a')) == 0
    {
        return "";
    }
    number_vocab_of(b, first)
}

/// [`number_vocab`] for a word of at most [`NUMBER_VOCAB_MAX_LEN`] bytes
/// whose first byte lowercased is `first`, an ASCII letter.
fn number_vocab_of(b: &[u8], first: u8) -> &'static str {
    number_vocab_by_key(first, b.len(), packed_lower(b))
}

/// The word of [`NUMBER_VOCAB`] with the first letter `first` (ASCII
/// lowercase), `len` bytes (at most [`NUMBER_VOCAB_MAX_LEN`]) and the
/// [`packed_lower`] `key`, else "".
fn number_vocab_by_key(first: u8, len: usize, key: u128) -> &'static str {
    NUMBER_VOCAB_INDEX[usize::from(first - b'a')][len]
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("", |(_, v)| v)
}

/// [`number_vocab`] of the word `bytes[start..end]` of ASCII letters, at
/// most [`NUMBER_VOCAB_MAX_LEN`] long. Its [`packed_lower`] is read at
/// once from the text when sixteen bytes are there: the ASCII lowercase
/// of a letter is the letter `| 0x20`.
fn plain_number_vocab(bytes: &[u8], start: usize, end: usize) -> &'static str {
    let len = end - start;
    let key = match bytes.get(start..start + 16) {
        Some(chunk) => {
            let x = u128::from_le_bytes(chunk.try_into().unwrap_or_default());
            // the word's bytes, the rest zero
            let word = u128::MAX >> (8 * (16 - len));
            (x | u128::from_le_bytes([0x20; 16])) & word
        }
        None => packed_lower(&bytes[start..end]),
    };
    number_vocab_by_key(bytes[start] | 0x20, len, key)
}

/// A [`NTok::Break`], one for several in a row: the tokens around a break
/// are only ever asked whether they are next to a word.
fn push_break(toks: &mut Vec<NTok<'_>>) {
    if !matches!(toks.last(), Some(NTok::Break)) {
        toks.push(NTok::Break);
    }
}

/// How [`num_tokens`] treats a text byte that starts a char.
#[derive(Clone, Copy, PartialEq, Eq)]
enum NumByte {
    /// An ASCII digit: a number starts.
    Digit,
    /// An ASCII letter: a word starts.
    Letter,
    /// ASCII whitespace (as `char::is_whitespace` has it) or '-': nothing.
    Skip,
    /// Any other ASCII char: a break.
    Break,
    /// The first byte of a non-ASCII char, classified the long way.
    NonAscii,
}

const NUM_BYTES: [NumByte; 256] = {
    let mut t = [NumByte::NonAscii; 128 * 2];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_digit() {
            NumByte::Digit
        } else if c.is_ascii_alphabetic() {
            NumByte::Letter
        } else if matches!(c, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' | b'-') {
            NumByte::Skip
        } else {
            NumByte::Break
        };
        b += 1;
    }
    t
};

/// Number tokens of `s` into `toks`; `buf` is scratch space. A word that
/// [`extract_numbers`] has no use for ([`number_vocab`] "" and no roman
/// numeral) is a break, as its neighbours see no difference.
fn num_tokens<'a>(s: &'a str, toks: &mut Vec<NTok<'a>>, buf: &mut String) {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let first = match NUM_BYTES[usize::from(b)] {
            NumByte::Skip => {
                i += 1;
                continue;
            }
            NumByte::Break => {
                push_break(toks);
                i = past_space(bytes, i + 1);
                continue;
            }
            NumByte::Letter => {
                // most words, told without `word_token`
                i = plain_words(s, i, toks);
                match bytes.get(i) {
                    Some(&b) if b.is_ascii_alphabetic() => char::from(b),
                    _ => continue,
                }
            }
            NumByte::Digit => {
                i = past_space(bytes, num_token(s, i, toks, buf));
                continue;
            }
            NumByte::NonAscii => {
                let c = char_at(s, i).unwrap_or_default();
                if !is_alphabetic(c) {
                    if !(c.is_whitespace() || c == '\u{2010}') {
                        push_break(toks);
                    }
                    i += c.len_utf8();
                    continue;
                }
                c
            }
        };
        i = past_space(bytes, word_token(s, i, first, toks, buf));
    }
}

/// The letters of the roman numerals (bit n: byte 0x40 + n).
const ROMAN_LETTERS: u64 = {
    let mut bits = 0u64;
    let letters = b"IVXLCDM";
    let mut k = 0;
    while k < letters.len() {
        bits |= 1 << (letters[k] - 0x40);
        k += 1;
    }
    bits
};

/// For each first letter and length under 16 of a word of ASCII letters,
/// its last letters that a [`number_vocab`] word or a roman numeral with
/// them has: indexed by the first letter's low five bits (either case)
/// and the length, bit n for the last letter 0x40 + n (either case).
const PLAIN_TOKEN_ENDS: [[u64; 16]; 32] = {
    let mut ends = [[0u64; 16]; 32];
    let mut k = 0;
    while k < NUMBER_VOCAB.len() {
        let w = NUMBER_VOCAB[k].as_bytes();
        let last = w[w.len() - 1];
        ends[(w[0] & 0x1f) as usize][w.len()] |= 1 << (last - 0x40) | 1 << (last - 0x60);
        k += 1;
    }
    let numerals = b"IVXLCDM";
    let mut f = 0;
    while f < numerals.len() {
        // the longest numeral is 12 letters (roman_value_of)
        let mut len = 1;
        while len <= 12 {
            ends[(numerals[f] & 0x1f) as usize][len] |= ROMAN_LETTERS;
            len += 1;
        }
        f += 1;
    }
    ends
};

/// False when the word `w` of ASCII letters is surely neither a
/// [`number_vocab`] word nor a roman numeral, told from its first and
/// last letters and length: most words.
#[inline]
fn may_be_plain_token(w: &[u8]) -> bool {
    match (w.first(), w.last()) {
        (Some(&first), Some(&last)) if w.len() < 16 => {
            PLAIN_TOKEN_ENDS[usize::from(first & 0x1f)][w.len()] >> (last & 0x3f) & 1 != 0
        }
        _ => false,
    }
}

/// Number tokens of the ASCII text from byte `i` of `s` (an ASCII letter)
/// into `toks`, up to a digit or a non-ASCII char: returns the byte of
/// that (or of the word before it, which may go on with it or be code
/// such as "A5"), or of a word that may be a name, all for [`num_tokens`]
/// and [`word_token`]; or the end of `s`.
///
/// The same as [`num_tokens`] on that text, as a word is the whole run of
/// letters from its start when an ASCII char follows it, a word that is
/// neither a [`number_vocab`] word nor a roman numeral is a break whatever
/// surrounds it, and a lowercase word is no name (and no numeral); and
/// ASCII punctuation and spaces are a break or nothing ([`NUM_BYTES`]).
/// But several times cheaper, and nine words in ten are breaks: the ends
/// of the words in eight bytes are found at once, and most words are told
/// from their first and last letters and length alone.
fn plain_words<'a>(s: &'a str, i: usize, toks: &mut Vec<NTok<'a>>) -> usize {
    let bytes = s.as_bytes();
    // the byte after those dealt with: a word's first letter, or not a
    // letter
    let mut start = i;
    let mut window = i;
    // whether `toks` ends with a break ([`push_break`])
    let mut broken = matches!(toks.last(), Some(NTok::Break));
    // up to the end of `s`, a non-letter
    'windows: while window <= bytes.len() {
        // eight bytes from `window`, zeros after the end of `s`
        let x = match bytes.get(window..window + 8) {
            Some(chunk) => u64::from_le_bytes(chunk.try_into().unwrap_or_default()),
            None => {
                let mut tail = [0u8; 8];
                tail[..bytes.len() - window].copy_from_slice(&bytes[window..]);
                u64::from_le_bytes(tail)
            }
        };
        // the bytes that are no ASCII letter (as their high bit): the
        // bytes after words
        let mut ends = !bytes_in(x | 0x2020_2020_2020_2020, b'a', b'z') & HIGH_BITS;
        while ends != 0 {
            // little-endian: the first byte is the lowest
            let end = window + ends.trailing_zeros() as usize / 8;
            ends &= ends - 1;
            let after = bytes.get(end).map(|&b| NUM_BYTES[usize::from(b)]);
            if after == Some(NumByte::Digit) {
                return start;
            }
            if after == Some(NumByte::NonAscii) {
                // Most often an accented letter, in a word or starting one:
                // the word is a break when its fold is surely no
                // vocabulary word (a word with a non-ASCII char is no
                // roman numeral), else it goes the long way.
                match latin1_word(bytes, start) {
                    Some((word_end, false)) => {
                        if !broken {
                            toks.push(NTok::Break);
                            broken = true;
                        }
                        start = word_end;
                        window = word_end;
                        continue 'windows;
                    }
                    _ => return start,
                }
            }
            if end > start {
                let w = &bytes[start..end];
                // the fold of a word token; most words are surely breaks
                let token = may_be_plain_token(w)
                    // as long as a vocabulary word or a numeral at most
                    .then(|| plain_number_vocab(bytes, start, end))
                    .filter(|folded| !folded.is_empty() || roman_bytes_value(w).is_some());
                match token {
                    None => {
                        if !broken {
                            toks.push(NTok::Break);
                            broken = true;
                        }
                    }
                    // a lowercase word is no name and no numeral
                    Some(folded)
                        if w[0].is_ascii_lowercase()
                            && !(start > 0 && bytes[start - 1].is_ascii_digit()) =>
                    {
                        toks.push(NTok::Word {
                            folded,
                            raw: &s[start..end],
                        });
                        broken = false;
                    }
                    Some(_) => return start,
                }
            }
            match after {
                None => return end,
                Some(NumByte::Break) if !broken => {
                    toks.push(NTok::Break);
                    broken = true;
                }
                _ => {}
            }
            start = end + 1;
        }
        window += 8;
    }
    start
}

/// The end of the word from byte `start` of `bytes` (a word's first byte)
/// and whether its fold may be a [`NUMBER_VOCAB`] word, when its chars are
/// ASCII letters and letters "À".."ÿ" with a [`quick_fold`] (U+00C0..=U+00FF:
/// two bytes, the first 0xC3), most Spanish words; else (no such word there,
/// or another char in it) `None`. For such a word, the end of its run of
/// letters and [`may_fold_into_vocab`], but read byte by byte rather than
/// decoded, in one pass.
fn latin1_word(bytes: &[u8], start: usize) -> Option<(usize, bool)> {
    let (mut first, mut last, mut len) = (0u8, 0u8, 0usize);
    let mut k = start;
    loop {
        let l = match bytes.get(k) {
            Some(&b) if b.is_ascii_alphabetic() => {
                k += 1;
                b | 0x20
            }
            Some(0xC3) => {
                // 0 for "×" and "÷" (no letters) and the letters with no
                // quick fold ("ß", "æ"…)
                let l = bytes
                    .get(k + 1)
                    .map_or(0, |&b| LATIN1_FOLD[usize::from(b & 0x3F)]);
                if l == 0 {
                    return None;
                }
                k += 2;
                l
            }
            Some(b) if !b.is_ascii() => return None,
            _ => break,
        };
        if len == 0 {
            first = l;
        }
        last = l;
        len += 1;
    }
    if len == 0 {
        return None;
    }
    let may_be_vocab = len <= NUMBER_VOCAB_MAX_LEN
        && NUMBER_VOCAB_ENDS[usize::from(first - b'a')][len] & (1 << (last - b'a')) != 0;
    Some((k, may_be_vocab))
}

/// The word token starting with the letter `first` at byte `start` of `s`
/// into `toks` (or a break); `buf` is scratch space. Returns the byte
/// after the word.
fn word_token<'a>(
    s: &'a str,
    start: usize,
    first: char,
    toks: &mut Vec<NTok<'a>>,
    buf: &mut String,
) -> usize {
    let bytes = s.as_bytes();
    let digit_at = |k: usize| bytes.get(k).is_some_and(u8::is_ascii_digit);
    // a word: the run of letters from `start`
    let mut i = start;
    let mut ascii = true;
    loop {
        // ASCII letters at once
        i += ascii_letter_run(&bytes[i..]);
        match char_at(s, i) {
            Some(d) if !d.is_ascii() && is_alphabetic(d) => {
                i += d.len_utf8();
                ascii = false;
            }
            _ => break,
        }
    }
    let raw = &s[start..i];
    // Every way but one to a word token is a break: rule out the words
    // that are neither a number word nor a numeral (most) first.
    let folded = if ascii {
        number_vocab(raw)
    } else if may_fold_into_vocab(raw) && fold_into_at_most(raw, buf, NUMBER_VOCAB_MAX_LEN) {
        number_vocab(buf)
    } else {
        ""
    };
    let roman = roman_value(raw).is_some();
    if folded.is_empty() && !roman
        // code such as "A5", "CO2", "5G": not a number word
        || digit_at(i)
        || start > 0 && bytes[start - 1].is_ascii_digit()
        // a name such as "Sra. Díez": never a number word
        || first.is_uppercase() && !starts_sentence(s, start) && !roman
    {
        push_break(toks);
    } else {
        toks.push(NTok::Word { folded, raw });
    }
    i
}

/// `i`, or the byte after it when that is a space: for [`num_tokens`]
/// after a token. Most tokens are followed by one space and the next
/// word: a space (a [`NumByte::Skip`]) stepped over here, by a
/// well-predicted branch, spares the dispatch of `num_tokens`
/// alternating between spaces and letters, which its jump mispredicts.
#[inline]
fn past_space(bytes: &[u8], i: usize) -> usize {
    if bytes.get(i) == Some(&b' ') {
        i + 1
    } else {
        i
    }
}

/// The number token starting with the digit at byte `i` of `s` into
/// `toks`: digits with internal separators and an ordinal suffix. Returns
/// the byte after it.
fn num_token<'a>(s: &'a str, mut i: usize, toks: &mut Vec<NTok<'a>>, buf: &mut String) -> usize {
    let bytes = s.as_bytes();
    let digit_at = |k: usize| bytes.get(k).is_some_and(u8::is_ascii_digit);
    let start = i;
    let mut group_len = 0usize;
    // every char looked at is ASCII but the separators, so a digit
    // k chars on is k bytes on
    while let Some(c) = char_at(s, i) {
        if c.is_ascii_digit() {
            group_len += 1;
            i += 1;
        } else if is_digit_group_sep(c) && digit_at(i + c.len_utf8()) {
            group_len = 0;
            i += c.len_utf8();
        } else if c == ' '
            && (1..=3).contains(&group_len)
            && digit_at(i + 1)
            && digit_at(i + 2)
            && digit_at(i + 3)
            && !digit_at(i + 4)
        {
            // "60 000": plain space as thousands separator
            group_len = 0;
            i += 1;
        } else if c == ':' && digit_at(i + 1) && digit_at(i + 2) && !digit_at(i + 3) {
            // clock time "20:25"
            group_len = 0;
            i += 1;
        } else {
            break;
        }
    }
    let raw = &s[start..i];
    // ordinal suffix: 1º 1ª 1.º 1st 2nd 3rd 4th 1er 1o
    let mut j = i;
    if bytes.get(j) == Some(&b'.') && matches!(char_at(s, j + 1), Some('º' | 'ª')) {
        j += 1;
    }
    let suffix_start = j;
    let mut suffix_chars = 0;
    while let Some(c) = char_at(s, j)
        && c.is_alphabetic()
        && suffix_chars < 4
    {
        j += c.len_utf8();
        suffix_chars += 1;
    }
    let suffix_ends = char_at(s, j).is_none_or(|c| !c.is_alphanumeric());
    let ordinal = suffix_ends
        && fold_into_at_most(&s[suffix_start..j], buf, 4)
        && matches!(
            buf.as_str(),
            "º" | "ª" | "o" | "a" | "os" | "as" | "er" | "era" | "st" | "nd" | "rd" | "th"
        );
    if ordinal {
        i = j;
    }
    toks.push(NTok::Num { raw, ordinal });
    i
}

/// Whether the word at byte `start` of `s` begins a sentence (start of text
/// or after `. ! ? : ; …`, skipping spaces and opening quotes/brackets).
fn starts_sentence(s: &str, start: usize) -> bool {
    for (i, c) in s[..start].char_indices().rev() {
        if c.is_whitespace()
            || matches!(
                c,
                '"' | '\'' | '«' | '“' | '‘' | '(' | '[' | '¿' | '¡' | '-' | '—' | '–'
            )
        {
            if c == '\n' {
                return true;
            }
            continue;
        }
        if c == '.' {
            // "Sra. Díez": a full stop after an abbreviation ends no sentence
            let w = s[..i]
                .char_indices()
                .rev()
                .take_while(|(_, c)| c.is_alphabetic())
                .last()
                .map_or(i, |(w, _)| w);
            let word = fold_cow(&s[w..i]);
            return word.is_empty() || !ABBREVIATIONS.contains(&word.as_ref());
        }
        return matches!(c, '!' | '?' | ':' | ';' | '…');
    }
    true
}

/// Value of an upper-case Roman numeral (canonical form only, ≤ 3999).
#[inline]
fn roman_value(s: &str) -> Option<u32> {
    roman_bytes_value(s.as_bytes())
}

/// [`roman_value`] of the bytes of a word.
#[inline(always)]
fn roman_bytes_value(b: &[u8]) -> Option<u32> {
    let is_numeral = |c: &u8| matches!(c, b'I' | b'V' | b'X' | b'L' | b'C' | b'D' | b'M');
    // most words: not even their first and last letters are numerals
    // ("La", "Consejo")
    if b.first().is_some_and(is_numeral) && b.last().is_some_and(is_numeral) {
        roman_value_of(b)
    } else {
        None
    }
}

/// [`roman_value`] of a word: its canonical numeral is the numerals of
/// its thousands ("", "M", "MM" or "MMM"), hundreds, tens and units in
/// turn, each of the last three written with the letters of its place
/// (one, five, ten: "I", "V", "X" for the units) as "", "I", "II", "III",
/// "IV", "V", "VI", "VII", "VIII" or "IX". Which of them a place has is
/// told by its first two letters, as the places after it have other
/// letters.
fn roman_value_of(b: &[u8]) -> Option<u32> {
    if b.len() > 12 {
        return None;
    }
    // the number of `one`s (at most three) from byte `k`
    let ones_from = |k: usize, one: u8| b[k..].iter().take(3).take_while(|&&c| c == one).count();
    let mut at = ones_from(0, b'M');
    let mut total = 1000 * at;
    for (one, five, ten, value) in [
        (b'C', b'D', b'M', 100),
        (b'X', b'L', b'C', 10),
        (b'I', b'V', b'X', 1),
    ] {
        let (digit, len) = match &b[at..] {
            [o, t, ..] if *o == one && *t == ten => (9, 2),
            [o, f, ..] if *o == one && *f == five => (4, 2),
            [f, ..] if *f == five => {
                let ones = ones_from(at + 1, one);
                (5 + ones, 1 + ones)
            }
            _ => {
                let ones = ones_from(at, one);
                (ones, ones)
            }
        };
        total += value * digit;
        at += len;
    }
    u32::try_from(total)
        .ok()
        .filter(|&total| at == b.len() && total > 0)
}

/// Words that imply a number without being one ("twice", "both",
/// "quinquenal"): soft mentions.
fn implied_number(w: &str, lang: Lang) -> Option<f64> {
    let v = match lang {
        Lang::Es => match w {
            "ambos" | "ambas" | "sendos" | "sendas" | "doble" | "par" | "pareja" | "bienal"
            | "bienio" => 2.0,
            "triple" | "trienal" | "trienio" => 3.0,
            "quinquenal" | "quinquenio" | "lustro" => 5.0,
            "semestre" | "semestral" => 6.0,
            "septenio" => 7.0,
            "decenio" | "decada" => 10.0,
            "docena" => 12.0,
            _ => return None,
        },
        Lang::En => match w {
            "once" => 1.0,
            "both" | "twice" | "double" | "pair" | "couple" | "biennial" => 2.0,
            "thrice" | "triple" | "treble" => 3.0,
            "decade" => 10.0,
            "dozen" => 12.0,
            _ => return None,
        },
    };
    Some(v)
}

enum WordKind {
    /// Adds to the current group (units, tens, Spanish hundreds).
    Add(f64),
    /// Multiplies the current group only (Spanish "mil", English "hundred").
    Group(f64),
    /// Multiplies everything so far (million, billion…).
    Scale(f64),
}

fn word_kind(w: &str, lang: Lang) -> Option<WordKind> {
    use WordKind::*;
    if w.is_empty() {
        // most words ([`number_vocab`] "")
        return None;
    }
    let v = match lang {
        Lang::Es => match w {
            "cero" => Add(0.0),
            "un" | "uno" | "una" => Add(1.0),
            "dos" => Add(2.0),
            "tres" => Add(3.0),
            "cuatro" => Add(4.0),
            "cinco" => Add(5.0),
            "seis" => Add(6.0),
            "siete" => Add(7.0),
            "ocho" => Add(8.0),
            "nueve" => Add(9.0),
            "diez" => Add(10.0),
            "once" => Add(11.0),
            "doce" => Add(12.0),
            "trece" => Add(13.0),
            "catorce" => Add(14.0),
            "quince" => Add(15.0),
            "dieciseis" => Add(16.0),
            "diecisiete" => Add(17.0),
            "dieciocho" => Add(18.0),
            "diecinueve" => Add(19.0),
            "veinte" => Add(20.0),
            "veintiun" | "veintiuno" | "veintiuna" => Add(21.0),
            "veintidos" => Add(22.0),
            "veintitres" => Add(23.0),
            "veinticuatro" => Add(24.0),
            "veinticinco" => Add(25.0),
            "veintiseis" => Add(26.0),
            "veintisiete" => Add(27.0),
            "veintiocho" => Add(28.0),
            "veintinueve" => Add(29.0),
            "treinta" => Add(30.0),
            "cuarenta" => Add(40.0),
            "cincuenta" => Add(50.0),
            "sesenta" => Add(60.0),
            "setenta" => Add(70.0),
            "ochenta" => Add(80.0),
            "noventa" => Add(90.0),
            "cien" | "ciento" => Add(100.0),
            "doscientos" | "doscientas" => Add(200.0),
            "trescientos" | "trescientas" => Add(300.0),
            "cuatrocientos" | "cuatrocientas" => Add(400.0),
            "quinientos" | "quinientas" => Add(500.0),
            "seiscientos" | "seiscientas" => Add(600.0),
            "setecientos" | "setecientas" => Add(700.0),
            "ochocientos" | "ochocientas" => Add(800.0),
            "novecientos" | "novecientas" => Add(900.0),
            "mil" => Group(1e3),
            "millon" | "millones" => Scale(1e6),
            "millardo" | "millardos" => Scale(1e9),
            "billon" | "billones" => Scale(1e12),
            _ => return None,
        },
        Lang::En => match w {
            "zero" => Add(0.0),
            "one" => Add(1.0),
            "two" => Add(2.0),
            "three" => Add(3.0),
            "four" => Add(4.0),
            "five" => Add(5.0),
            "six" => Add(6.0),
            "seven" => Add(7.0),
            "eight" => Add(8.0),
            "nine" => Add(9.0),
            "ten" => Add(10.0),
            "eleven" => Add(11.0),
            "twelve" => Add(12.0),
            "thirteen" => Add(13.0),
            "fourteen" => Add(14.0),
            "fifteen" => Add(15.0),
            "sixteen" => Add(16.0),
            "seventeen" => Add(17.0),
            "eighteen" => Add(18.0),
            "nineteen" => Add(19.0),
            "twenty" => Add(20.0),
            "thirty" => Add(30.0),
            "forty" => Add(40.0),
            "fifty" => Add(50.0),
            "sixty" => Add(60.0),
            "seventy" => Add(70.0),
            "eighty" => Add(80.0),
            "ninety" => Add(90.0),
            "hundred" => Group(100.0),
            "thousand" => Group(1e3),
            "million" | "millions" => Scale(1e6),
            "billion" | "billions" => Scale(1e9),
            "trillion" | "trillions" => Scale(1e12),
            _ => return None,
        },
    };
    Some(v)
}

/// Plural magnitude words that are vague when not preceded by a number
/// ("millones de personas", "thousands of jobs"): soft mentions.
fn is_vague_plural(w: &str, lang: Lang) -> bool {
    match lang {
        Lang::Es => matches!(
            w,
            "miles"
                | "millares"
                | "cientos"
                | "centenares"
                | "decenas"
                | "docenas"
                | "millones"
                | "millardos"
                | "billones"
        ),
        Lang::En => matches!(
            w,
            "hundreds"
                | "thousands"
                | "millions"
                | "billions"
                | "trillions"
                | "dozens"
                | "tens"
                | "scores"
        ),
    }
}

fn is_article_one(w: &str, lang: Lang) -> bool {
    match lang {
        Lang::Es => matches!(w, "un" | "una" | "uno"),
        Lang::En => w == "one",
    }
}

fn level(v: f64) -> u8 {
    if v >= 100.0 {
        3
    } else if v >= 10.0 {
        2
    } else {
        1
    }
}

fn value_key(v: f64) -> Key {
    if v.is_finite() && v.abs() < 1e15 {
        let r = (v * 1000.0).round() / 1000.0;
        Key::Value(r.to_bits())
    } else if v.is_nan() {
        Key::Large(f64::NAN.to_bits())
    } else {
        Key::Large(v.to_bits())
    }
}

/// "20.25", "8:25" → 8:25 (12-hour clock), so 24- and 12-hour times match.
fn clock_key(raw: &str) -> Option<Key> {
    let (h, m) = raw.split_once(['.', ':'])?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u8, u8) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 24 && m < 60).then_some(Key::Clock(h % 12, m))
}

/// Parses a digit string with `.`/`,`/narrow-space separators into `out`.
/// Spanish prefers `.` thousands + `,` decimal, English the reverse; the
/// preferred reading is used when valid, else the other, else each digit
/// group is a separate number. `buf` is scratch space.
fn parse_digits(raw: &str, lang: Lang, out: &mut Vec<f64>, buf: &mut String) {
    let (thousands, decimal) = match lang {
        Lang::Es => ('.', ','),
        Lang::En => (',', '.'),
    };
    if let Some(v) = parse_with(raw, thousands, decimal, buf) {
        out.push(v);
        return;
    }
    if let Some(v) = parse_with(raw, decimal, thousands, buf) {
        out.push(v);
        if lang == Lang::Es && raw.contains('.') && !raw.contains(',') {
            // "artículo 81.1" is a section number: also its parts
            out.extend(raw.split('.').filter_map(|g| g.parse::<f64>().ok()));
        }
        return;
    }
    out.extend(
        raw.split(|c: char| !c.is_ascii_digit())
            .filter(|g| !g.is_empty())
            .filter_map(|g| g.parse::<f64>().ok()),
    );
}

fn parse_with(raw: &str, thousands: char, decimal: char, buf: &mut String) -> Option<f64> {
    let (int_part, frac_part) = match raw.split_once(decimal) {
        Some((a, b)) => (a, Some(b)),
        None => (raw, None),
    };
    if let Some(f) = frac_part
        && (f.is_empty() || !f.bytes().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let mut groups = int_part.split([thousands, ' ', '\u{00A0}', '\u{202F}', '\u{2009}']);
    let first = groups.next()?;
    if first.is_empty() || first.len() > 18 || !first.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut grouped = false;
    let mut rest = groups.peekable();
    if rest.peek().is_none() && frac_part.is_none() {
        // the common case: plain digits
        return first.parse::<f64>().ok();
    }
    buf.clear();
    buf.push_str(first);
    for g in rest {
        if g.len() != 3 || !g.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        grouped = true;
        buf.push_str(g);
    }
    if grouped && first.len() > 3 {
        return None;
    }
    if let Some(f) = frac_part {
        buf.push('.');
        buf.push_str(f);
    }
    buf.parse::<f64>().ok()
}

/// The number mentions of `s` appended to `out`, which may hold another
/// text's already (its tokens, keys and mentions before those of `s`);
/// `buf` is scratch space.
fn extract_numbers<'a>(s: &'a str, lang: Lang, out: &mut Numbers<'a>, buf: &mut String) {
    // the tokens of `s` are those from `first` (a break of the text before
    // at its start, if any, stands for its own, as nothing comes before
    // it)
    let first = out.toks.len();
    num_tokens(s, &mut out.toks, buf);
    let toks = &out.toks;
    let keys = &mut out.keys;
    let mentions = &mut out.mentions;
    let mut vals: Vec<f64> = Vec::new();
    let mut k = first;
    let word_at = |k: usize| -> Option<&'static str> {
        match toks.get(k) {
            Some(NTok::Word { folded, .. }) => Some(*folded),
            _ => None,
        }
    };
    while k < toks.len() {
        match toks[k] {
            NTok::Break => k += 1,
            NTok::Num { raw, ordinal } => {
                vals.clear();
                parse_digits(raw, lang, &mut vals, buf);
                let from = k;
                let mut scaled = false;
                k += 1;
                while let Some(w) = word_at(k) {
                    match word_kind(w, lang) {
                        Some(WordKind::Group(m)) | Some(WordKind::Scale(m)) if !ordinal => {
                            for v in &mut vals {
                                *v *= m;
                            }
                            scaled = true;
                            k += 1;
                        }
                        _ => break,
                    }
                }
                let year = !scaled
                    && raw.len() == 4
                    && raw.bytes().all(|c| c.is_ascii_digit())
                    && vals.len() == 1
                    && (1000.0..=2100.0).contains(&vals[0]);
                let first_key = keys.len();
                keys.extend(vals.iter().map(|v| value_key(*v)));
                if let Some(t) = clock_key(raw) {
                    keys.push(t);
                }
                if keys.len() > first_key {
                    mentions.push(NumMention {
                        keys: (first_key, keys.len()),
                        shown: Shown::Tokens {
                            from,
                            to: k,
                            lead_a: false,
                        },
                        strict: !ordinal,
                        year,
                    });
                }
            }
            NTok::Word { folded, raw } => {
                let prev = if k > first { word_at(k - 1) } else { None };
                // "por ciento" / "cien por cien" are percent markers;
                // "bajo cero" is a sign
                if lang == Lang::Es && prev == Some("por") && matches!(folded, "ciento" | "cien")
                    || matches!(prev, Some("bajo" | "sobre" | "below" | "above"))
                        && matches!(folded, "cero" | "zero")
                {
                    k += 1;
                    continue;
                }
                let single = |keys: &mut Vec<Key>, v: f64, shown: Shown| {
                    keys.push(value_key(v));
                    NumMention {
                        keys: (keys.len() - 1, keys.len()),
                        shown,
                        strict: false,
                        year: false,
                    }
                };
                let this = Shown::Tokens {
                    from: k,
                    to: k + 1,
                    lead_a: false,
                };
                if let Some(v) = roman_value(raw).filter(|_| !(lang == Lang::En && raw == "I")) {
                    mentions.push(single(keys, f64::from(v), this));
                    k += 1;
                    continue;
                }
                if let Some(v) = implied_number(folded, lang) {
                    mentions.push(single(keys, v, this));
                    k += 1;
                    continue;
                }
                if is_vague_plural(folded, lang) {
                    // plural magnitude without a number before it
                    let m = match word_kind(folded, lang) {
                        Some(WordKind::Scale(m)) | Some(WordKind::Group(m)) => m,
                        _ => match folded {
                            "miles" | "millares" | "thousands" => 1e3,
                            "cientos" | "centenares" | "hundreds" => 100.0,
                            _ => 10.0,
                        },
                    };
                    mentions.push(single(keys, m, Shown::Folded(folded)));
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
                let mut any_multiplier = false;
                if starts_with_a {
                    cur = 1.0;
                    k += 1;
                }
                while let Some(w) = word_at(k) {
                    match word_kind(w, lang) {
                        Some(WordKind::Add(v)) => {
                            if let Some(last) = last_add
                                && level(v) >= level(last)
                            {
                                break;
                            }
                            cur += v;
                            last_add = Some(v);
                            k += 1;
                        }
                        Some(WordKind::Group(m)) => {
                            cur = cur.max(1.0) * m;
                            last_add = None;
                            any_multiplier = true;
                            k += 1;
                        }
                        Some(WordKind::Scale(m)) => {
                            // plural scale words need a number before them
                            if k == start && is_vague_plural(w, lang) {
                                break;
                            }
                            total = (total + cur.max(1.0)) * m;
                            cur = 0.0;
                            last_add = None;
                            any_multiplier = true;
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
                // the words taken are the tokens start..k
                let only_one = k - start == 1 && is_article_one(folded, lang);
                keys.push(value_key(value));
                mentions.push(NumMention {
                    keys: (keys.len() - 1, keys.len()),
                    shown: Shown::Tokens {
                        from: start,
                        to: k,
                        lead_a: starts_with_a,
                    },
                    strict: !only_one,
                    year: false,
                });
            }
        }
    }
}

fn check_numbers(original: &str, translation: &str, buf: &mut String, hits: &mut Vec<Hit>) {
    // Tokens are the number words and numbers (about one word in ten)
    // and a break between them: room for them all at once rather than
    // growing by doubling, but no more, as a small block is a cheaper
    // allocation. Both texts' tokens, keys and mentions are in one vector
    // each (the original's first): half the allocations.
    let mut nums = Numbers {
        toks: Vec::with_capacity((original.len() + translation.len()) / 16),
        ..Numbers::default()
    };
    extract_numbers(original, Lang::Es, &mut nums, buf);
    let (orig_keys, orig_mentions) = (nums.keys.len(), nums.mentions.len());
    extract_numbers(translation, Lang::En, &mut nums, buf);
    let (orig_keys, tran_keys) = nums.keys.split_at(orig_keys);
    let (orig_mentions, tran_mentions) = nums.mentions.split_at(orig_mentions);
    let mut reported: Vec<String> = Vec::new();
    for m in orig_mentions.iter().filter(|m| m.strict) {
        if !nums.keys_of(m).iter().any(|k| tran_keys.contains(k)) {
            let display = nums.display(m);
            if !reported.contains(&display) {
                hit(
                    hits,
                    Check::Numbers,
                    format!("number \"{display}\" in the original is missing from the translation"),
                );
                reported.push(display);
            }
        }
    }
    reported.clear();
    for m in tran_mentions.iter().filter(|m| m.strict && !m.year) {
        if !nums.keys_of(m).iter().any(|k| orig_keys.contains(k)) {
            let display = nums.display(m);
            if !reported.contains(&display) {
                hit(
                    hits,
                    Check::Numbers,
                    format!(
                        "number \"{display}\" in the translation does not appear in the original"
                    ),
                );
                reported.push(display);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// names

/// Capitalised Spanish words that are normally translated rather than kept
/// (institutions, titles, articles…); folded. A name made only of these is
/// ignored, and these words are not required in the translation.
const NAME_STOP_WORDS: &[&str] = &[
    // articles, prepositions, pronouns, conjunctions, frequent sentence starters
    "el",
    "la",
    "los",
    "las",
    "lo",
    "un",
    "una",
    "unos",
    "unas",
    "de",
    "del",
    "al",
    "a",
    "en",
    "por",
    "para",
    "con",
    "sin",
    "sobre",
    "y",
    "e",
    "o",
    "u",
    "ni",
    "que",
    "su",
    "sus",
    "mi",
    "mis",
    "tu",
    "nuestro",
    "nuestra",
    "este",
    "esta",
    "estos",
    "estas",
    "ese",
    "esa",
    "esos",
    "esas",
    "aquel",
    "usted",
    "ustedes",
    "ud",
    "uds",
    "vd",
    "si",
    "no",
    "pero",
    "como",
    "cuando",
    "ya",
    // titles and forms of address
    "senor",
    "senora",
    "senores",
    "senorita",
    "senoria",
    "senorias",
    "sr",
    "sra",
    "srta",
    "sres",
    "don",
    "dona",
    "dr",
    "dra",
    "presidente",
    "presidenta",
    "vicepresidente",
    "vicepresidenta",
    "comisario",
    "comisaria",
    "ministro",
    "ministra",
    "primer",
    "primera",
    "secretario",
    "secretaria",
    "general",
    "ponente",
    "diputado",
    "diputada",
    "diputados",
    "senador",
    "senadora",
    "alcalde",
    "alcaldesa",
    "gobernador",
    "gobernadora",
    "rey",
    "reina",
    "principe",
    "papa",
    "jefe",
    "jefa",
    "director",
    "directora",
    "portavoz",
    "fiscal",
    "juez",
    "jueza",
    // institutions and bodies
    "estado",
    "estados",
    "miembro",
    "miembros",
    "gobierno",
    "gobiernos",
    "constitucion",
    "parlamento",
    "parlamentos",
    "comision",
    "comisiones",
    "consejo",
    "union",
    "europea",
    "europeo",
    "europeos",
    "europeas",
    "comunidad",
    "comunidades",
    "tratado",
    "tratados",
    "asamblea",
    "camara",
    "grupo",
    "grupos",
    "tribunal",
    "corte",
    "suprema",
    "supremo",
    "congreso",
    "senado",
    "ministerio",
    "presidencia",
    "mesa",
    "conferencia",
    "cumbre",
    "banco",
    "central",
    "mercado",
    "interior",
    "exterior",
    "asuntos",
    "exteriores",
    "justicia",
    "defensor",
    "pueblo",
    "fiscalia",
    "policia",
    "ejercito",
    "fuerzas",
    "armadas",
    "guardia",
    "civil",
    "nacional",
    "federal",
    "republica",
    "reino",
    "iglesia",
    "dios",
    "partido",
    "popular",
    "socialista",
    "socialistas",
    "liberal",
    "liberales",
    "verdes",
    "izquierda",
    "derecha",
    "democrata",
    "democratas",
    "cristianos",
    "oficina",
    "agencia",
    "organizacion",
    "instituto",
    "secretaria",
    "autoridad",
    // documents and procedure
    "ley",
    "leyes",
    "reglamento",
    "directiva",
    "articulo",
    "apartado",
    "anexo",
    "informe",
    "libro",
    "blanco",
    "carta",
    "derechos",
    "derecho",
    "humanos",
    "fundamentales",
    "fondo",
    "fondos",
    "estructural",
    "estructurales",
    "programa",
    "plan",
    "acuerdo",
    "protocolo",
    "convenio",
    "convencion",
    "declaracion",
    "orden",
    "dia",
    "sesion",
    "periodo",
    "pregunta",
    "preguntas",
    "turno",
    "votacion",
    "enmienda",
    "enmiendas",
    "resolucion",
    "decreto",
    "codigo",
    "politica",
    "agricola",
    "comun",
    "pesquera",
    // committees, programmes and other common nouns capitalised in EU Spanish
    "comite",
    "junta",
    "acta",
    "actas",
    "distinguida",
    "distinguido",
    "milenio",
    "comunicacion",
    "objetivo",
    "objetivos",
    "escuela",
    "escuelas",
    "superior",
    "superiores",
    "ensenanza",
    "numero",
    "numeros",
    "norte",
    "sur",
    "oeste",
    "oriental",
    "occidental",
    "primero",
    "segundo",
    "tercero",
    "tercer",
    "cuarto",
    "quinto",
    "sexto",
    "septimo",
    "octavo",
    "noveno",
    "decimo",
    "direccion",
    "pesca",
    "aprobacion",
    "presupuestos",
    "presupuesto",
    "ayudas",
    "ayuda",
    "siderurgia",
    "unico",
    "intergubernamental",
    "tesoro",
    "pleno",
    "normalizacion",
    "competencia",
    "sanidad",
    "seguridad",
    "empleo",
    "sociales",
    "transporte",
    "turismo",
    "regional",
    "economicos",
    "monetarios",
    "medio",
    "ambiente",
    "cuestores",
    "servicio",
    "servicios",
    "administracion",
    "desarrollo",
    "hacienda",
    "economia",
    "educacion",
    "cultura",
    "salud",
    "trabajo",
    "estatuto",
    // calendar / misc capitalised in Spanish titles
    "navidad",
    "semana",
    "santa",
    "ano",
    "nuevo",
];

/// Connectors allowed inside a multi-word name ("Ciudad de México").
const NAME_CONNECTORS: &[&str] = &["de", "del", "la", "las", "los", "y", "e"];

/// Abbreviations after which a full stop does not end the sentence.
const ABBREVIATIONS: &[&str] = &[
    "sr", "sra", "srta", "sres", "dr", "dra", "d", "dna", "ud", "uds", "vd", "vds", "etc", "art",
    "num", "no", "pag", "cap", "av", "avda", "prof", "lic", "ing", "gral", "mr", "mrs", "ms", "st",
    "vs", "ee", "uu",
];

/// Built-in renderings (original → English), folded at use.
const BUILTIN_RENDERINGS: &[(&str, &str)] = &[
    ("UE", "EU"),
    ("ONU", "UN"),
    ("ONU", "United Nations"),
    ("OTAN", "NATO"),
    ("EE UU", "US"),
    ("EE UU", "USA"),
    ("EE UU", "United States"),
    ("EEUU", "US"),
    ("EEUU", "United States"),
    ("Estados Unidos", "United States"),
    ("Estados Unidos", "U.S."),
    ("EE.UU.", "U.S."),
    ("EE. UU.", "U.S."),
    ("Estados Unidos", "US"),
    ("Estados Unidos", "USA"),
    ("Estados Unidos", "America"),
    ("Naciones Unidas", "United Nations"),
    ("Naciones Unidas", "UN"),
    ("Reino Unido", "United Kingdom"),
    ("Reino Unido", "UK"),
    ("Reino Unido", "Britain"),
    ("Países Bajos", "Netherlands"),
    ("Países Bajos", "Holland"),
    ("Ciudad de México", "Mexico City"),
    ("Nueva York", "New York"),
    ("Alemania", "Germany"),
    ("Alemania", "German"),
    ("Francia", "France"),
    ("Francia", "French"),
    ("España", "Spain"),
    ("España", "Spanish"),
    ("Grecia", "Greece"),
    ("Grecia", "Greek"),
    ("Suecia", "Sweden"),
    ("Suecia", "Swedish"),
    ("Dinamarca", "Denmark"),
    ("Dinamarca", "Danish"),
    ("Finlandia", "Finland"),
    ("Irlanda", "Ireland"),
    ("Irlanda", "Irish"),
    ("Luxemburgo", "Luxembourg"),
    ("Bélgica", "Belgium"),
    ("Turquía", "Turkey"),
    ("Turquía", "Turkish"),
    ("Japón", "Japan"),
    ("Marruecos", "Morocco"),
    ("Rusia", "Russia"),
    ("Suiza", "Switzerland"),
    ("Hungría", "Hungary"),
    ("Polonia", "Poland"),
    ("Chipre", "Cyprus"),
    ("Escocia", "Scotland"),
    ("Gales", "Wales"),
    ("Inglaterra", "England"),
    ("Londres", "London"),
    ("Bruselas", "Brussels"),
    ("Estrasburgo", "Strasbourg"),
    ("Ginebra", "Geneva"),
    ("Lisboa", "Lisbon"),
    ("Europa", "Europe"),
    ("Europa", "European"),
    ("Brasil", "Brazil"),
    ("Perú", "Peru"),
    ("PIB", "GDP"),
    ("ONG", "NGO"),
    ("ONGs", "NGOs"),
    ("PYME", "SME"),
    ("PYMES", "SMEs"),
    ("IVA", "VAT"),
    ("OMC", "WTO"),
    ("BEI", "EIB"),
    ("BCE", "ECB"),
    ("CIG", "IGC"),
    ("PESC", "CFSP"),
    ("PAC", "CAP"),
    ("OMS", "WHO"),
    ("FMI", "IMF"),
    ("CE", "EC"),
    ("CECA", "ECSC"),
    ("UEM", "EMU"),
    ("PPE", "EPP"),
    ("PPE", "People s Party"),
    ("PYME", "SMEs"),
    ("PYMES", "SME"),
    ("DG", "Directorate General"),
    ("FEDER", "ERDF"),
    ("Fondo Europeo de Desarrollo Regional", "ERDF"),
    ("FSE", "ESF"),
    ("Fondo Social Europeo", "ESF"),
    ("Fondo de Cohesión", "Cohesion Fund"),
    ("OCDE", "OECD"),
    ("OIT", "ILO"),
    ("Noruega", "Norway"),
    ("Gran Bretaña", "Britain"),
    ("Bretaña", "Brittany"),
    ("Bretaña", "Britain"),
    ("Laponia", "Lapland"),
    ("País Vasco", "Basque"),
    ("Cataluña", "Catalonia"),
    ("Andalucía", "Andalusia"),
    ("Alemana", "German"),
    ("Alemán", "German"),
    ("Británico", "British"),
    ("Británica", "British"),
    ("Francés", "French"),
    ("Francesa", "French"),
    ("Italiano", "Italian"),
    ("Italiana", "Italian"),
    ("Sudáfrica", "South Africa"),
    ("Oriente Medio", "Middle East"),
    ("Oriente Próximo", "Middle East"),
    ("Europa Central", "Central Europe"),
    ("Europa Oriental", "Eastern Europe"),
    ("Mediterráneo", "Mediterranean"),
    ("Atlántico", "Atlantic"),
];

/// A text's words with their folds. Its [`folded_phrase`] is never built:
/// whether it contains another phrase is told by the words
/// ([`FoldedWords::contains_run`]).
struct FoldedWords<'a> {
    /// Every word, in order.
    words: Vec<NameWord<'a>>,
}

/// The folds of a [`folded_phrase`] `p`, in order, as
/// [`FoldedWords::contains_run`] takes them: what is between its spaces,
/// one empty fold for "  " (a word folded to nothing), none for " " (no
/// words; unlike [`phrase_words`], which gives none for both).
fn phrase_folds(p: &str) -> impl Iterator<Item = &str> + Clone {
    p.get(1..p.len().saturating_sub(1))
        .into_iter()
        .flat_map(|inner| inner.split(' '))
}

impl FoldedWords<'_> {
    /// The words [`phrase_words`] gives for the phrase: the folds, none
    /// when the phrase is "  " (one word folded to nothing). A fold never
    /// contains ' ' (see the tests).
    fn phrase_words(&self) -> &[NameWord<'_>] {
        match self.words.as_slice() {
            [only] if only.folded.is_empty() => &[],
            all => all,
        }
    }

    /// Whether the folds `run` are the folds of words of the text one
    /// after the other: whether the text's [`folded_phrase`] contains the
    /// phrase of `run` (a space, then each fold followed by a space),
    /// without building the text's phrase. The same: the phrases' spaces
    /// are where their words begin and end (a fold never contains ' '), so
    /// an occurrence starts at a space before some word and each fold of
    /// `run` between two spaces is that of the next word.
    fn contains_run<'r>(&self, mut run: impl Iterator<Item = &'r str> + Clone) -> bool {
        let Some(first) = run.next() else {
            return true;
        };
        self.words.iter().enumerate().any(|(k, w)| {
            w.folded == first && {
                let mut next = self.words[k + 1..].iter();
                run.clone()
                    .all(|fold| next.next().is_some_and(|w| w.folded == fold))
            }
        })
    }

    /// The [`folded_phrase`] of the text: a space, then each word's fold
    /// followed by a space (for the tests: the lint never builds it).
    #[cfg(test)]
    fn phrase(&self) -> String {
        let mut p = String::from(" ");
        for w in &self.words {
            p.push_str(w.folded);
            p.push(' ');
        }
        p
    }
}

/// How [`folded_words`] treats a byte that starts a char.
#[derive(Clone, Copy, PartialEq, Eq)]
enum WordByte {
    /// An ASCII lowercase letter or digit: its own fold.
    Plain,
    /// An ASCII uppercase letter: folds to its lowercase.
    Upper,
    /// Any other ASCII char: not in a word.
    Other,
    /// The first byte of a non-ASCII char, classified the long way.
    NonAscii,
}

const WORD_BYTES: [WordByte; 256] = {
    let mut t = [WordByte::NonAscii; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_lowercase() || c.is_ascii_digit() {
            WordByte::Plain
        } else if c.is_ascii_uppercase() {
            WordByte::Upper
        } else {
            WordByte::Other
        };
        b += 1;
    }
    t
};

/// The length of the run of [`WordByte::Plain`] bytes (ASCII lowercase
/// letters and digits) at the start of `bytes`, eight bytes at a time
/// ([`byte_run`]).
#[inline]
fn plain_run(bytes: &[u8]) -> usize {
    byte_run(
        bytes,
        |x| bytes_in(x, b'a', b'z') | bytes_in(x, b'0', b'9'),
        |b| WORD_BYTES[usize::from(b)] == WordByte::Plain,
    )
}

/// The length of the run of ASCII letters at the start of `bytes`, eight
/// bytes at a time ([`byte_run`]). A byte `| 0x20` is a lowercase letter
/// exactly when the byte is an ASCII letter.
#[inline]
fn ascii_letter_run(bytes: &[u8]) -> usize {
    byte_run(
        bytes,
        |x| bytes_in(x | 0x2020_2020_2020_2020, b'a', b'z'),
        |b| b.is_ascii_alphabetic(),
    )
}

const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
const LOW_BITS: u64 = 0x0101_0101_0101_0101;

/// The bytes of the eight bytes `x` that are in `lo..=hi` (ASCII, `lo` >
/// 0), as their high bit set, all other bits clear. Each byte is compared
/// on its own: with its high bit cleared a byte is at most 0x7f, and
/// adding at most 0x7f to it carries nothing into the next byte; its
/// high bit then tells whether it reached the bound. Bytes with the high
/// bit set (non-ASCII) are never in the range.
#[inline]
fn bytes_in(x: u64, lo: u8, hi: u8) -> u64 {
    let low7 = x & !HIGH_BITS;
    let at_least_lo = low7 + LOW_BITS * u64::from(0x80 - lo);
    let above_hi = low7 + LOW_BITS * u64::from(0x7f - hi);
    at_least_lo & !above_hi & !x & HIGH_BITS
}

/// The length of the run of bytes at the start of `bytes` in a class,
/// given as `in_class` of eight bytes at once (the high bit of each byte
/// in it, by [`bytes_in`]) and `is_in` of one byte (for the last few).
///
/// Word runs are short and of every length, so a byte-at-a-time loop
/// mispredicts its exit once per word; here a word of up to seven bytes
/// costs one branch-free look at eight bytes.
#[inline]
fn byte_run(bytes: &[u8], in_class: impl Fn(u64) -> u64, is_in: impl Fn(u8) -> bool) -> usize {
    let mut n = 0;
    while let Some(chunk) = bytes.get(n..n + 8) {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let outside = !in_class(x) & HIGH_BITS;
        if outside != 0 {
            // little-endian: the first byte is the lowest
            return n + outside.trailing_zeros() as usize / 8;
        }
        n += 8;
    }
    n + bytes[n..]
        .iter()
        .position(|&b| !is_in(b))
        .unwrap_or(bytes.len() - n)
}

/// The alphanumeric char at byte `i` of `text` (a char boundary), if any.
fn alnum_at(text: &str, i: usize) -> Option<char> {
    char_at(text, i).filter(|&c| is_alphanumeric(c))
}

/// The byte offset of the first word char (alphanumeric) at or after byte
/// `i` of `text` (a char boundary), if any. Inlined: it runs once per word.
#[inline(always)]
fn next_word_start(text: &str, mut i: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    while i < bytes.len() {
        match WORD_BYTES[usize::from(bytes[i])] {
            WordByte::Other => i += 1,
            WordByte::NonAscii => {
                let c = char_at(text, i).unwrap_or_default();
                if is_alphanumeric(c) {
                    return Some(i);
                }
                i += c.len_utf8();
            }
            WordByte::Plain | WordByte::Upper => return Some(i),
        }
    }
    None
}

/// Reads the word (maximal alphanumeric run) that starts at byte `start`
/// of `text` ([`next_word_start`]): returns its end, and whether its fold
/// differs from it, in which case the fold was appended to `buf`.
///
/// Most words are lowercase ASCII, their own fold: found by a scan that
/// writes nothing. Inlined: it runs once per word.
#[inline(always)]
fn read_word(text: &str, start: usize, buf: &mut String) -> (usize, bool) {
    let bytes = text.as_bytes();
    // first its plain bytes, its own fold
    let mut i = start + plain_run(&bytes[start..]);
    let changes = match bytes.get(i).map(|&b| WORD_BYTES[usize::from(b)]) {
        Some(WordByte::Upper) => true,
        Some(WordByte::NonAscii) => alnum_at(text, i).is_some(),
        _ => false,
    };
    if !changes {
        return (i, false);
    }
    // the rest of the word folded after the plain bytes, into `buf`
    buf.push_str(&text[start..i]);
    loop {
        match bytes.get(i).map(|&b| WORD_BYTES[usize::from(b)]) {
            Some(WordByte::Plain) => {
                let n = plain_run(&bytes[i..]);
                buf.push_str(&text[i..i + n]);
                i += n;
            }
            Some(WordByte::Upper) => {
                buf.push(char::from(bytes[i].to_ascii_lowercase()));
                i += 1;
                // most often the rest of a capitalised word ("Gobierno"):
                // its plain bytes at once, rather than by one more
                // (mispredicted) turn of the match
                let n = plain_run(&bytes[i..]);
                buf.push_str(&text[i..i + n]);
                i += n;
            }
            Some(WordByte::NonAscii) => match alnum_at(text, i) {
                Some(c) => {
                    fold_char_into(c, buf);
                    i += c.len_utf8();
                }
                None => break,
            },
            Some(WordByte::Other) | None => break,
        }
    }
    (i, true)
}

/// Collects words of `text` with their folds, the folds that are not the
/// word itself going into `buf`: each word [`read_word`] reads from a start
/// `next` gives, until `next` gives none. `next` is told the byte range of
/// the previous word (`None` at first).
fn collect_words<'a>(
    text: &'a str,
    buf: &'a mut String,
    mut words: Vec<NameWord<'a>>,
    refolded: &mut Vec<(usize, usize, usize)>,
    mut next: impl FnMut(Option<(usize, usize)>) -> Option<usize>,
) -> FoldedWords<'a> {
    // (word, byte range of `buf`) of the words folded into `buf`, whose
    // folds are filled in once `buf` is complete
    refolded.clear();
    let mut previous = None;
    while let Some(start) = next(previous) {
        let from = buf.len();
        let (end, changes) = read_word(text, start, buf);
        previous = Some((start, end));
        if changes {
            refolded.push((words.len(), from, buf.len()));
        }
        let word = &text[start..end];
        words.push(NameWord {
            start,
            end,
            text: word,
            // filled in below when folded into `buf`
            folded: if changes { "" } else { word },
        });
    }
    let buf: &'a str = buf;
    for &(w, from, to) in refolded.iter() {
        words[w].folded = &buf[from..to];
    }
    FoldedWords { words }
}

/// The words of `text` (maximal alphanumeric runs) with their folds.
/// The capitalised and accented words (about one in ten) are folded into
/// `buf`. `words` (empty) and `refolded` are room to reuse.
fn folded_words<'a>(
    text: &'a str,
    buf: &'a mut String,
    mut words: Vec<NameWord<'a>>,
    refolded: &mut Vec<(usize, usize, usize)>,
) -> FoldedWords<'a> {
    // Room for all at once rather than growing by doubling: the folds in
    // `buf` are usually shorter than the text.
    buf.clear();
    buf.reserve(text.len());
    words.reserve(text.len() / 5 + 1);
    collect_words(text, buf, words, refolded, |previous| {
        next_word_start(text, previous.map_or(0, |(_, end)| end))
    })
}

/// Whether `text` has words and they fold to the folds of `words`, in
/// order: whether the [`folded_phrase`]s of `text` and of the text of
/// `words` ([`folded_words`]) are equal (a fold never contains ' ').
/// Reads `text` only up to the first word that differs, most often its
/// first; `buf` is room for one word's fold.
fn same_folds(text: &str, words: &[NameWord], buf: &mut String) -> bool {
    let mut listed = 0;
    let mut at = next_word_start(text, 0);
    while let Some(start) = at {
        let Some(other) = words.get(listed) else {
            return false;
        };
        buf.clear();
        let (end, changes) = read_word(text, start, buf);
        let folded = if changes {
            buf.as_str()
        } else {
            &text[start..end]
        };
        if folded != other.folded {
            return false;
        }
        listed += 1;
        at = next_word_start(text, end);
    }
    listed > 0 && listed == words.len()
}

/// Whether `c`, the first char of a word, makes it a candidate name word:
/// [`is_capitalised`] asks the same of its first char.
fn starts_name(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_uppercase()
    } else if is_latin1_letter(c) {
        // À..Þ are uppercase, ß..ÿ lowercase
        c <= 'Þ'
    } else {
        c.is_uppercase()
    }
}

/// Whether the char whose UTF-8 starts with byte `b`, followed by byte
/// `next`, may be uppercase: an ASCII capital or a non-ASCII char, but
/// not one of U+0080..=U+00BF (lead byte 0xC2: no letter is uppercase)
/// nor of U+00DF..=U+00FF (0xC3 then 0x9F or more: ß..ÿ, lowercase, and
/// ÷), the accented lowercase letters of Spanish text.
#[inline]
fn may_start_name(b: u8, next: u8) -> bool {
    let ascii_capital = b.wrapping_sub(b'A') < 26;
    let latin1_lowercase = (b == 0xC3) & (next >= 0x9F);
    ascii_capital | ((b >= 0xC3) & !latin1_lowercase)
}

/// The first byte at or after `from` in `bytes` that [`may_start_name`],
/// 16 bytes at a time while none does, as [`find_byte`].
fn find_name_start(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    // each byte with the one after it
    while let Some(chunk) = bytes.get(at..at + 17) {
        if (0..16).fold(false, |any, k| any | may_start_name(chunk[k], chunk[k + 1])) {
            break;
        }
        at += 16;
    }
    (at..bytes.len()).find(|&k| may_start_name(bytes[k], bytes.get(k + 1).copied().unwrap_or(0)))
}

/// The words of `original` that [`check_names`] can look at, in order: each
/// word whose first char is uppercase, the word just before it, and the
/// word just after it. Lowercase words elsewhere, most of a text, are
/// skipped by a byte scan instead of being split and listed.
///
/// [`check_names`] gives the same hits for this list as for all the words:
/// - it starts a name only at a word whose first char is uppercase;
/// - it grows a name by the next word if capitalised, or by one or two
///   connectors then a capitalised word: the first connector is the word
///   after the name's last word, the second the word before the
///   capitalised one, all listed, one after the other;
/// - two words listed next to each other that are not next to each other
///   in the text have a word between them, so the gap between them is never
///   a name's (" ", "-", "." or ". "), and a name never grows across them;
/// - `sentence_initial` looks at the word just before the name, listed.
fn name_words<'a>(
    original: &'a str,
    buf: &'a mut String,
    words: Vec<NameWord<'a>>,
    refolded: &mut Vec<(usize, usize, usize)>,
) -> FoldedWords<'a> {
    let bytes = original.as_bytes();
    // words listed since the last one that starts with an uppercase char
    let mut after_upper = NAME_LOOKAHEAD;
    // a word that starts with an uppercase char, listed after the word
    // just before it
    let mut pending = None;
    let next = |previous: Option<(usize, usize)>| {
        let listed_to = previous.map_or(0, |(_, end)| end);
        if let Some((start, end)) = previous {
            let first = char_at(original, start).unwrap_or_default();
            after_upper = if starts_name(first) {
                0
            } else {
                after_upper.saturating_add(1)
            };
            if let Some(at) = pending.take() {
                return Some(at);
            }
            if after_upper < NAME_LOOKAHEAD {
                return next_word_start(original, end);
            }
        }
        // the next word that starts with an uppercase char
        let mut from = listed_to;
        while let Some(at) = find_name_start(bytes, from) {
            let c = char_at(original, at).unwrap_or_default();
            from = at + c.len_utf8();
            if !starts_name(c)
                || !is_alphanumeric(c)
                || original[..at]
                    .chars()
                    .next_back()
                    .is_some_and(is_alphanumeric)
            {
                continue;
            }
            // the word just before it, if any and not listed yet, first
            let gap_from = original[listed_to..at].trim_end_matches(|c: char| !is_alphanumeric(c));
            let word_from = gap_from.trim_end_matches(is_alphanumeric);
            if word_from.len() < gap_from.len() {
                pending = Some(at);
                return Some(listed_to + word_from.len());
            }
            return Some(at);
        }
        None
    };
    buf.clear();
    collect_words(original, buf, words, refolded, next)
}

/// How many words after a word that starts with an uppercase char
/// [`name_words`] lists (see there why one is enough; the tests fail with
/// none).
const NAME_LOOKAHEAD: usize = 1;

struct NameWord<'a> {
    /// Byte range in the original.
    start: usize,
    end: usize,
    text: &'a str,
    folded: &'a str,
}

/// Whether `w` is an uppercase char followed by at least one more.
/// Inline with an ASCII fast path: it is asked of every word of every
/// original.
#[inline]
fn is_capitalised(w: &str) -> bool {
    match w.as_bytes() {
        [first, rest @ ..] if first.is_ascii() => first.is_ascii_uppercase() && !rest.is_empty(),
        _ => {
            let mut cs = w.chars();
            match cs.next() {
                Some(c) => c.is_uppercase() && cs.next().is_some(),
                None => false,
            }
        }
    }
}

fn sentence_initial(text: &str, words: &[NameWord], idx: usize) -> bool {
    let Some(w) = words.get(idx) else {
        return false;
    };
    // `i` is the byte offset just past `c`
    let mut i = w.start;
    for c in text[..w.start].chars().rev() {
        if c.is_whitespace()
            || matches!(
                c,
                '"' | '\''
                    | '«'
                    | '“'
                    | '‘'
                    | '('
                    | '['
                    | '¿'
                    | '¡'
                    | '-'
                    | '—'
                    | '–'
                    | '*'
                    | '>'
                    | '•'
            )
        {
            if c == '\n' {
                return true;
            }
            i -= c.len_utf8();
            continue;
        }
        if matches!(c, '.' | '!' | '?' | ':' | ';' | '…') {
            if c == '.' {
                // previous word an abbreviation ("Sr. Berend")?
                if let Some(prev) = words[..idx].iter().rev().find(|p| p.end < i)
                    && prev.end == i - 1
                    && ABBREVIATIONS.contains(&prev.folded)
                {
                    return false;
                }
            }
            return true;
        }
        return false;
    }
    true
}

fn common_prefix_len(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

/// `w` (folded name word) matches some translation word: equal, or a shared
/// prefix of ≥ 4 chars covering ≥ 50% of the shorter word (Italia/Italy,
/// Británico/British).
fn word_present(w: &str, tr_words: &[NameWord]) -> bool {
    if tr_words.iter().any(|t| t.folded == w) {
        return true;
    }
    let wl = w.chars().count();
    if wl < 4 {
        return false;
    }
    tr_words.iter().map(|t| t.folded).any(|t| {
        let tl = t.chars().count();
        let p = common_prefix_len(w, t);
        p >= 4 && (p as f64) >= 0.5 * (wl.min(tl) as f64)
    })
}

/// A word list as a set, its words by first byte and length (no hashing):
/// the lists are looked up for every word of every record `check` reads.
struct WordSet {
    buckets: Vec<Vec<&'static str>>,
}

/// Lengths told apart by [`WordSet`]; longer words share the last bucket.
const WORD_SET_LENS: usize = 16;

impl WordSet {
    fn new(words: &[&'static str]) -> WordSet {
        let mut buckets = vec![Vec::new(); 256 * WORD_SET_LENS];
        for &w in words {
            buckets[WordSet::bucket(w)].push(w);
        }
        WordSet { buckets }
    }

    fn bucket(w: &str) -> usize {
        let first = w.as_bytes().first().copied().unwrap_or(0);
        usize::from(first) * WORD_SET_LENS + w.len().min(WORD_SET_LENS - 1)
    }

    fn contains(&self, w: &str) -> bool {
        self.buckets[WordSet::bucket(w)].contains(&w)
    }
}

static NAME_STOP_SET: std::sync::LazyLock<WordSet> =
    std::sync::LazyLock::new(|| WordSet::new(NAME_STOP_WORDS));

/// [`BUILTIN_RENDERINGS`] folded once per process, not once per record:
/// `check` lints every record, and folding the table dominated its time.
static BUILTIN_FOLDED: std::sync::LazyLock<Vec<(String, String)>> =
    std::sync::LazyLock::new(|| {
        BUILTIN_RENDERINGS
            .iter()
            .map(|(a, b)| (folded_phrase(a), folded_phrase(b)))
            .collect()
    });

/// [`BUILTIN_FOLDED`] by the first word of the original name: a name's
/// phrase can contain a rendering's only if it has that word.
static BUILTIN_BY_FIRST_WORD: std::sync::LazyLock<
    std::collections::HashMap<&'static str, Vec<&'static (String, String)>>,
> = std::sync::LazyLock::new(|| {
    let mut index = std::collections::HashMap::<_, Vec<_>>::new();
    for r in BUILTIN_FOLDED.iter() {
        let first = phrase_words(&r.0).next().expect("a name has words");
        index.entry(first).or_default().push(r);
    }
    index
});

/// Room [`check_names`] reuses from name to name.
#[derive(Default)]
struct NameScratch {
    /// The name's word indices.
    group: Vec<usize>,
    /// Its content words' indices.
    content: Vec<usize>,
    /// Its folded phrase.
    phrase: String,
}

/// `orig` and `tran` are the original's ([`name_words`]) and the
/// translation's words.
fn check_names(
    original: &str,
    orig: &FoldedWords,
    tran: &FoldedWords,
    opts: &LintOptions,
    scratch: &mut NameScratch,
    hits: &mut Vec<Hit>,
) {
    let words = orig.words.as_slice();
    let tr_words = tran.phrase_words();
    // the newsroom's own renderings are folded only if a name needs them
    let own = std::cell::OnceCell::new();
    let own = || {
        own.get_or_init(|| {
            opts.known_renderings
                .iter()
                .map(|(a, b)| (folded_phrase(a), folded_phrase(b)))
                .collect::<Vec<_>>()
        })
    };

    let mut reported = BTreeSet::new();
    // a name's word indices, content words and phrase: reused from name to
    // name (and record to record) rather than allocated for each
    let NameScratch {
        group,
        content,
        phrase: name_phrase,
    } = scratch;
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
        group.clear();
        group.push(i);
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
        let initial = sentence_initial(original, words, group[0]);
        content.clear();
        content.extend(
            group
                .iter()
                .enumerate()
                .filter(|(pos, _)| !(*pos == 0 && initial))
                .map(|(_, &g)| g)
                .filter(|&g| {
                    let w = &words[g];
                    is_capitalised(w.text)
                        && !NAME_STOP_SET.contains(w.folded)
                        && roman_value(w.text).is_none()
                }),
        );
        if content.is_empty() {
            continue;
        }
        // 1. whole name present (its phrase in the translation's)
        if tran.contains_run(group.iter().map(|&g| words[g].folded)) {
            continue;
        }
        name_phrase.clear();
        name_phrase.push(' ');
        for &g in group.iter() {
            name_phrase.push_str(words[g].folded);
            name_phrase.push(' ');
        }
        let display = {
            let first = words[group[0]].start;
            let last = words[group[group.len() - 1]].end;
            &original[first..last]
        };
        // 2. a known rendering of (part of) the name is present
        let rendered = |(from, to): &(String, String)| {
            name_phrase.contains(from.as_str())
                && (tran.contains_run(phrase_folds(to))
                    || to.split_whitespace().all(|w| word_present(w, tr_words)))
        };
        if group
            .iter()
            .filter_map(|&g| BUILTIN_BY_FIRST_WORD.get(words[g].folded))
            .flatten()
            .any(|r| rendered(r))
            || own().iter().any(rendered)
        {
            continue;
        }
        // 3. any content word present (accent-insensitive, prefix-tolerant)
        if content
            .iter()
            .any(|&g| word_present(words[g].folded, tr_words))
        {
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

/// Frequent Spanish function words that are not (common) English words.
const SPANISH_FUNCTION_WORDS: &[&str] = &[
    "de", "la", "que", "el", "en", "los", "del", "las", "por", "con", "una", "para", "es", "se",
    "lo", "su", "sus", "al", "pero", "mas", "como", "este", "esta", "estos", "estas", "muy",
    "tambien", "sobre", "entre", "cuando", "porque", "hay", "todo", "nos", "fue", "ser", "donde",
    "desde", "hasta", "cual", "esto", "ha", "han", "hemos", "le", "les", "y", "ya", "sino", "ni",
    "unos", "unas", "otro", "otra", "ella", "ellos", "esa", "ese", "eso", "tiene", "son", "estan",
    "sido",
];

/// Frequent English function words that are not Spanish words.
const ENGLISH_FUNCTION_WORDS: &[&str] = &[
    "the", "of", "and", "to", "is", "that", "for", "it", "with", "was", "on", "be", "by", "this",
    "are", "we", "have", "not", "which", "you", "they", "from", "will", "would", "an", "at", "or",
    "been", "there", "their", "our", "these", "should", "must", "can", "all", "what", "has", "who",
    "were", "its", "i", "he", "she", "his", "her", "in", "but", "if", "also", "into", "than",
    "them", "do", "does",
];

/// The lists as sets, for the tests of [`FUNCTION_WORDS`].
#[cfg(test)]
static SPANISH_FUNCTION_SET: std::sync::LazyLock<WordSet> =
    std::sync::LazyLock::new(|| WordSet::new(SPANISH_FUNCTION_WORDS));
#[cfg(test)]
static ENGLISH_FUNCTION_SET: std::sync::LazyLock<WordSet> =
    std::sync::LazyLock::new(|| WordSet::new(ENGLISH_FUNCTION_WORDS));

/// [`SPANISH_FUNCTION_WORDS`] and [`ENGLISH_FUNCTION_WORDS`] in one hash
/// table, a word Spanish if in both lists: one look-up per word of every
/// translation instead of two. The words are at most 7 bytes long and
/// compared as numbers ([`function_word_key`]), not by a call to `memcmp`
/// each. Open addressing with linear probing in a table a little over
/// twice the number of words: most look-ups end at their first slot,
/// with no list to walk.
struct FunctionWords {
    /// [`function_word_key`]s, 0 for an empty slot (no key is 0).
    keys: [u64; FUNCTION_WORD_SLOTS],
    langs: [Lang; FUNCTION_WORD_SLOTS],
}

/// A power of two, more than twice the number of function words.
const FUNCTION_WORD_SLOTS: usize = 256;

/// The longest function word (see the assertion in [`FunctionWords::new`]).
const FUNCTION_WORD_MAX_LEN: usize = 7;

/// `w` (at most [`FUNCTION_WORD_MAX_LEN`] bytes) as one number: its bytes,
/// then its length in the top byte, so two words have the same key exactly
/// when they are equal (and no key is 0: a word has a length).
#[inline]
fn function_word_key(w: &[u8]) -> u64 {
    let bytes = w.iter().fold(0, |k, &b| (k << 8) | u64::from(b));
    bytes | (w.len() as u64) << 56
}

/// The first slot [`FunctionWords`] tries for `key`: its top bits after a
/// multiplication, which mixes every byte into them.
#[inline]
fn function_word_slot(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as usize % FUNCTION_WORD_SLOTS
}

impl FunctionWords {
    fn new() -> FunctionWords {
        let mut table = FunctionWords {
            keys: [0; FUNCTION_WORD_SLOTS],
            langs: [Lang::Es; FUNCTION_WORD_SLOTS],
        };
        let lists = [
            (SPANISH_FUNCTION_WORDS, Lang::Es),
            (ENGLISH_FUNCTION_WORDS, Lang::En),
        ];
        assert!(
            2 * (SPANISH_FUNCTION_WORDS.len() + ENGLISH_FUNCTION_WORDS.len()) < FUNCTION_WORD_SLOTS
        );
        for (list, lang) in lists {
            for &w in list {
                assert!(!w.is_empty() && w.len() <= FUNCTION_WORD_MAX_LEN, "{w}");
                let key = function_word_key(w.as_bytes());
                let mut slot = function_word_slot(key);
                // the first list's word when in both
                while table.keys[slot] != 0 && table.keys[slot] != key {
                    slot = (slot + 1) % FUNCTION_WORD_SLOTS;
                }
                if table.keys[slot] == 0 {
                    table.keys[slot] = key;
                    table.langs[slot] = lang;
                }
            }
        }
        table
    }

    /// Whose function word `w` is, if any.
    #[inline]
    fn of(&self, w: &str) -> Option<Lang> {
        if w.is_empty() || w.len() > FUNCTION_WORD_MAX_LEN {
            return None;
        }
        let key = function_word_key(w.as_bytes());
        let mut slot = function_word_slot(key);
        loop {
            match self.keys[slot] {
                0 => return None,
                known if known == key => return Some(self.langs[slot]),
                _ => slot = (slot + 1) % FUNCTION_WORD_SLOTS,
            }
        }
    }
}

static FUNCTION_WORDS: std::sync::LazyLock<FunctionWords> =
    std::sync::LazyLock::new(FunctionWords::new);

/// Minimum number of Spanish function words before the ratio rule applies.
pub const UNTRANSLATED_MIN_SPANISH_WORDS: usize = 2;

/// `orig` and `tran` are the original's and the translation's words.
fn check_untranslated(
    original: &str,
    translation: &str,
    tran: &FoldedWords,
    buf: &mut String,
    hits: &mut Vec<Hit>,
) {
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
    // equal phrases are equal word lists; " " has no words
    if same_folds(original, &tran.words, buf) && has_lowercase_word(original) {
        hit(
            hits,
            Check::Untranslated,
            "translation is identical to the original".to_string(),
        );
        return;
    }
    let function_words = &*FUNCTION_WORDS;
    let (mut spanish, mut english) = (0usize, 0usize);
    for w in tran.phrase_words() {
        match function_words.of(w.folded) {
            Some(Lang::Es) => spanish += 1,
            Some(Lang::En) => english += 1,
            None => {}
        }
    }
    if spanish >= UNTRANSLATED_MIN_SPANISH_WORDS && spanish >= english {
        // the Spanish words themselves only for the message
        let sample: Vec<&str> = tran
            .phrase_words()
            .iter()
            .map(|w| w.folded)
            .filter(|w| function_words.of(w) == Some(Lang::Es))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .take(5)
            .collect();
        hit(
            hits,
            Check::Untranslated,
            format!(
                "translation looks Spanish: {spanish} Spanish function words ({}) vs {english} English",
                sample.join(", "),
            ),
        );
    }
}

// ---------------------------------------------------------------------------
// length

fn check_length(original: &str, translation: &str, opts: &LintOptions, hits: &mut Vec<Hit>) {
    let o = original.trim().chars().count();
    if o < LENGTH_MIN_ORIGINAL_CHARS {
        return;
    }
    let t = translation.trim().chars().count();
    let ratio = t as f64 / o as f64;
    let (lo, hi) = opts.length_band;
    if ratio < lo || ratio > hi {
        hit(
            hits,
            Check::Length,
            format!(
                "translation/original length ratio {ratio:.2} ({t}/{o} chars) is outside {lo}..={hi}"
            ),
        );
    }
}

// ---------------------------------------------------------------------------
// punctuation

/// The bytes [`imbalance`] looks at: brackets, '"', the first bytes of
/// «» (0xC2) and “”‘’ (0xE2), and for [`Marks`] '?' and '!' (¿ and ¡
/// start with 0xC2 too).
const IMBALANCE_BYTES: [bool; 256] = {
    let mut t = [false; 256];
    let set = [
        b'(', b'[', b'{', b')', b']', b'}', b'"', 0xC2, 0xE2, b'?', b'!',
    ];
    let mut k = 0;
    while k < set.len() {
        t[set[k] as usize] = true;
        k += 1;
    }
    t
};

/// The first byte at or after `from` in `bytes` for which `flagged` holds.
///
/// Texts are long and flagged bytes rare, so 16 bytes are skipped at a
/// time while none of them is flagged: `flagged` is applied to all 16
/// with no branch in between, which compiles to a few vector
/// instructions when `flagged` is made of comparisons joined by `&` and
/// `|` (a `&&` or `||` would be one branch per byte), and to a load and
/// an `or` per byte when it is a table look-up.
#[inline]
fn find_byte(bytes: &[u8], from: usize, flagged: impl Fn(u8) -> bool) -> Option<usize> {
    let rest = &bytes[from..];
    let mut clean = 0;
    for chunk in rest.as_chunks::<16>().0 {
        if chunk.iter().fold(false, |any, &b| any | flagged(b)) {
            break;
        }
        clean += 16;
    }
    rest[clean..]
        .iter()
        .position(|&b| flagged(b))
        .map(|k| from + clean + k)
}

/// Which of '?', '¿', '!' and '¡' a text has, as [`imbalance`] saw them
/// on its way: the question and exclamation checks need them for the
/// original, whose brackets and quotes are scanned anyway, and four more
/// searches of it cost more than the scan.
#[derive(Default)]
struct Marks {
    /// '?' or '¿' seen.
    question: bool,
    /// '!' or '¡' seen.
    exclamation: bool,
    /// The whole text was scanned: [`imbalance`] stops at the first
    /// imbalance, and then the marks seen are not all there are.
    complete: bool,
}

/// Returns a description of the first imbalance, if any.
fn imbalance(s: &str) -> Option<String> {
    imbalance_and_marks(s, &mut Marks::default())
}

/// [`imbalance`], noting in `marks` the question and exclamation marks
/// seen.
fn imbalance_and_marks(s: &str, marks: &mut Marks) -> Option<String> {
    let mut stack: Vec<char> = Vec::new();
    let mut straight_double = 0usize;
    let mut single_open = 0usize;
    let bytes = s.as_bytes();
    let mut i = 0;
    // the next byte looked at: never a UTF-8 continuation byte, so `i` is a
    // char boundary
    while let Some(at) = find_byte(bytes, i, |b| IMBALANCE_BYTES[usize::from(b)]) {
        i = at;
        let b = bytes[i];
        i += 1;
        // every character looked at is ASCII or starts with 0xC2 («»¿¡)
        // or 0xE2 (“”‘’)
        let c = match b {
            0xC2 | 0xE2 => s[i - 1..].chars().next().unwrap_or_default(),
            _ => char::from(b),
        };
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
            '?' | '¿' => marks.question = true,
            '!' | '¡' => marks.exclamation = true,
            '‘' => single_open += 1,
            // ’ closes an open ‘; otherwise it is an apostrophe
            '’' => single_open = single_open.saturating_sub(1),
            _ => {}
        }
    }
    marks.complete = true;
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

fn check_spacing(label: &str, s: &str, hits: &mut Vec<Hit>) {
    if s.starts_with(char::is_whitespace) {
        hit(
            hits,
            Check::Punctuation,
            format!("{label} has leading whitespace"),
        );
    }
    if s.ends_with(char::is_whitespace) {
        hit(
            hits,
            Check::Punctuation,
            format!("{label} has trailing whitespace"),
        );
    }
    if s.trim().contains("  ") {
        hit(
            hits,
            Check::Punctuation,
            format!("{label} has doubled spaces"),
        );
    }
}

fn check_punctuation(original: &str, translation: &str, hits: &mut Vec<Hit>) {
    let mut marks = Marks::default();
    let original_imbalance = imbalance_and_marks(original, &mut marks);
    if !marks.complete {
        marks.question = original.contains('?') || original.contains('¿');
        marks.exclamation = original.contains('!') || original.contains('¡');
    }
    if marks.question && !translation.contains('?') {
        hit(
            hits,
            Check::Punctuation,
            "original asks a question (?) but the translation has no '?'".to_string(),
        );
    }
    if marks.exclamation && !translation.contains('!') {
        hit(
            hits,
            Check::Punctuation,
            "original has an exclamation (!) but the translation has no '!'".to_string(),
        );
    }
    if original_imbalance.is_none()
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

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Script {
    Latin,
    Greek,
    Cyrillic,
}

fn script_of(c: char) -> Option<Script> {
    match c {
        'A'..='Z' | 'a'..='z' | '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}' => {
            if c == '×' || c == '÷' {
                None
            } else {
                Some(Script::Latin)
            }
        }
        '\u{0370}'..='\u{03FF}' | '\u{1F00}'..='\u{1FFF}' => Some(Script::Greek),
        '\u{0400}'..='\u{052F}'
        | '\u{1C80}'..='\u{1C8F}'
        | '\u{2DE0}'..='\u{2DFF}'
        | '\u{A640}'..='\u{A69F}' => Some(Script::Cyrillic),
        _ => None,
    }
}

fn script_name(s: Script) -> &'static str {
    match s {
        Script::Latin => "Latin",
        Script::Greek => "Greek",
        Script::Cyrillic => "Cyrillic",
    }
}

/// The bytes [`check_suspicious`] looks at first: C0 controls but '\n' and
/// '\t', DEL, and the first bytes of non-ASCII chars but 0xC3..=0xC9
/// (U+00C0..U+027F: Latin letters, × and ÷, IPA letters; no control,
/// bidi, zero-width, Greek or Cyrillic char). Comparisons rather than a
/// table, so that [`find_byte`] can test many bytes at once.
fn is_suspicious_byte(b: u8) -> bool {
    // `&` and `|`, not `&&` nor `||`: no branch, see [`find_byte`] (a
    // range's `contains` is one subtraction and comparison)
    let c0_control = (b < 0x20) & (b != b'\n') & (b != b'\t');
    let outside_latin = (b >= 0xC0) & !(0xC3..=0xC9).contains(&b);
    c0_control | (b == 0x7F) | outside_latin
}

fn check_suspicious(label: &str, s: &str, hits: &mut Vec<Hit>) {
    // (char, times) in char order; a Greek or Cyrillic letter seen?
    let mut found: Vec<(char, usize)> = Vec::new();
    let mut non_latin = false;
    let bytes = s.as_bytes();
    let mut i = 0;
    // the next byte looked at: an ASCII byte or a char's first byte, so `i`
    // is a char boundary; the chars skipped can not be suspicious
    while let Some(at) = find_byte(bytes, i, is_suspicious_byte) {
        i = at;
        let c = char_at(s, i).unwrap_or_default();
        i += c.len_utf8();
        if c.is_ascii() {
            // a C0 control but '\n' or '\t', or DEL
            count_char(&mut found, c);
            continue;
        }
        if is_bidi_control(c) || is_zero_width(c) || c.is_control() {
            count_char(&mut found, c);
        }
        non_latin = non_latin || matches!(script_of(c), Some(Script::Greek | Script::Cyrillic));
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
    if !non_latin {
        // only Latin letters: no word mixes scripts
        return;
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

/// Counts one more `c` in `found`, kept in char order.
fn count_char(found: &mut Vec<(char, usize)>, c: char) {
    match found.binary_search_by_key(&c, |&(f, _)| f) {
        Ok(i) => found[i].1 += 1,
        Err(i) => found.insert(i, (c, 1)),
    }
}

/// Reports one word with letters of two or more scripts, once per shown form.
fn mixed_script_word(label: &str, word: &str, seen: &mut BTreeSet<String>, hits: &mut Vec<Hit>) {
    let word: Vec<char> = word.chars().collect();
    let scripts: BTreeSet<Script> = word.iter().filter_map(|&c| script_of(c)).collect();
    if scripts.len() < 2 {
        return;
    }
    // the majority script is "expected"; escape the others
    let mut counts: BTreeMap<Script, usize> = BTreeMap::new();
    for c in &word {
        if let Some(sc) = script_of(*c) {
            *counts.entry(sc).or_insert(0) += 1;
        }
    }
    let major = counts
        .iter()
        .max_by_key(|(sc, n)| (**n, std::cmp::Reverse(**sc)))
        .map(|(sc, _)| *sc)
        .unwrap_or(Script::Latin);
    let shown: String = word
        .iter()
        .map(|&c| match script_of(c) {
            Some(sc) if sc != major => format!("\\u{{{:04X}}}", c as u32),
            _ => c.to_string(),
        })
        .collect();
    if seen.insert(shown.clone()) {
        let names: Vec<&str> = scripts.iter().map(|s| script_name(*s)).collect();
        hit(
            hits,
            Check::SuspiciousText,
            format!(
                "{label} has mixed-script word \"{shown}\" ({})",
                names.join(" + ")
            ),
        );
    }
}

#[cfg(test)]
mod reference;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn quick_char_classes_are_the_std_ones() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_alphabetic(c), c.is_alphabetic(), "{c:?}");
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn latin1_fold_table_is_the_long_fold() {
        for (k, &l) in LATIN1_FOLD.iter().enumerate() {
            let c = char::from_u32(0xC0 + k as u32).unwrap();
            let mut long = String::new();
            decompose_canonical(c, |d| {
                if !is_combining_mark(d) {
                    long.extend(d.to_lowercase());
                }
            });
            if l != 0 {
                assert_eq!(long, char::from(l).to_string(), "{c}");
            } else {
                assert!(
                    !(long.len() == 1 && long.is_ascii()),
                    "{c} could be in the table"
                );
            }
            let mut fast = String::new();
            fold_char_into(c, &mut fast);
            assert_eq!(fast, long, "{c}");
        }
    }

    #[test]
    fn bytes_in_is_the_range_check_for_every_byte_at_every_place() {
        for b in 0..=255u8 {
            for place in 0..8 {
                // the other bytes both in and out of the ranges
                for filler in [b'a', b'Z', b'5', 0x00, 0x7f, 0xc3, 0xff, b'`', b'{'] {
                    let mut chunk = [filler; 8];
                    chunk[place] = b;
                    let x = u64::from_le_bytes(chunk);
                    for (lo, hi) in [(b'a', b'z'), (b'0', b'9'), (1, 0x7f)] {
                        let got = bytes_in(x, lo, hi).to_le_bytes();
                        for (k, &c) in chunk.iter().enumerate() {
                            let want = if (lo..=hi).contains(&c) { 0x80 } else { 0 };
                            assert_eq!(got[k], want, "{b:#x} at {place} in {filler:#x}");
                        }
                    }
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn byte_runs_are_the_byte_at_a_time_ones(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    b'a'..=b'z',
                    b'A'..=b'Z',
                    b'0'..=b'9',
                    proptest::num::u8::ANY,
                ],
                0..40,
            )
        ) {
            let run = |f: fn(&u8) -> bool| bytes.iter().position(|b| !f(b)).unwrap_or(bytes.len());
            prop_assert_eq!(ascii_letter_run(&bytes), run(u8::is_ascii_alphabetic));
            prop_assert_eq!(
                plain_run(&bytes),
                run(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            );
        }
    }

    fn checks(original: &str, translation: Option<&str>) -> Vec<Hit> {
        lint_pair(original, translation, &LintOptions::default())
    }

    fn of(hits: &[Hit], check: Check) -> Vec<String> {
        hits.iter()
            .filter(|h| h.check == check)
            .map(|h| h.message.clone())
            .collect()
    }

    fn only(original: &str, translation: &str, check: Check) -> Vec<String> {
        of(&checks(original, Some(translation)), check)
    }

    #[test]
    fn codes_roundtrip() {
        for c in Check::ALL {
            assert_eq!(Check::from_code(c.code()), Some(c));
            assert!(!c.explanation().contains('\n'));
        }
        assert_eq!(Check::from_code("nope"), None);
    }

    #[test]
    fn numbers_positive() {
        let h = only(
            "Hubo 72 muertos en Sinaloa",
            "There were 27 dead in Sinaloa",
            Check::Numbers,
        );
        assert_eq!(h.len(), 2, "{h:?}");
        assert!(h[0].contains("\"72\""));
        assert!(h[1].contains("\"27\""));
        let h = only(
            "El 35 por ciento de los votos",
            "Thirty percent of the votes",
            Check::Numbers,
        );
        assert_eq!(h.len(), 2, "{h:?}");
        let h = only(
            "Murieron treinta y cinco personas",
            "Twenty-five people died",
            Check::Numbers,
        );
        assert!(h.iter().any(|m| m.contains("treinta y cinco")), "{h:?}");
        let h = only("Costó 1.000 euros", "It cost 100 euros", Check::Numbers);
        assert_eq!(h.len(), 2, "{h:?}");
        let h = only("Creció un 1,5 %", "It grew by 15%", Check::Numbers);
        assert_eq!(h.len(), 2, "{h:?}");
        let h = only(
            "Llegaron dos millones de turistas",
            "Two thousand tourists arrived",
            Check::Numbers,
        );
        assert_eq!(h.len(), 2, "{h:?}");
    }

    #[test]
    fn numbers_negative() {
        for (es, en) in [
            (
                "Hubo 72 muertos en Sinaloa",
                "There were 72 dead in Sinaloa",
            ),
            ("Hubo 72 muertos", "Seventy-two people died"),
            (
                "Murieron treinta y cinco personas",
                "Thirty-five people died",
            ),
            ("Murieron 35 personas", "thirty five people died"),
            ("Costó 1.000,5 euros", "It cost 1,000.5 euros"),
            ("Costó 1.000 euros", "It cost a thousand euros"),
            ("Costó mil euros", "It cost 1,000 euros"),
            ("Hay un millón de parados", "There are a million unemployed"),
            (
                "Hay 1,5 millones de parados",
                "There are 1.5 million unemployed",
            ),
            ("Hay 2.500.000 parados", "There are 2.5 million unemployed"),
            ("El 35 % de los votos", "35 percent of the votes"),
            ("El 35 por ciento de los votos", "35% of the votes"),
            ("Firmaron un acuerdo", "They signed an agreement"),
            ("Una de las víctimas", "One of the victims"),
            ("Es el 1.º de mayo", "It is the 1st of May"),
            ("Millones de personas", "Millions of people"),
            ("Miles de manifestantes", "Thousands of protesters"),
            ("veintidós detenidos", "22 detained"),
            ("cien por cien seguro", "100% sure"),
            ("mil millones de euros", "one billion euros"),
            ("dos mil millones de euros", "EUR 2 billion"),
            (
                "el viernes 17 de diciembre pasado",
                "on Friday 17 December 1999",
            ),
        ] {
            let h = only(es, en, Check::Numbers);
            assert!(h.is_empty(), "{es} / {en}: {h:?}");
        }
    }

    #[test]
    fn number_parsing() {
        let keys = |s: &str, l| -> Vec<String> {
            let mut n = Numbers::default();
            extract_numbers(s, l, &mut n, &mut String::new());
            n.mentions
                .iter()
                .filter(|m| m.strict)
                .flat_map(|m| n.keys_of(m).iter().map(Key::to_string))
                .collect()
        };
        assert_eq!(keys("treinta y cinco", Lang::Es), vec!["35"]);
        assert_eq!(
            keys("doscientos cuarenta y dos mil", Lang::Es),
            vec!["242000"]
        );
        assert_eq!(keys("un millón", Lang::Es), vec!["1000000"]);
        assert_eq!(
            keys("dos millones trescientos mil", Lang::Es),
            vec!["2300000"]
        );
        assert_eq!(keys("two hundred and five", Lang::En), vec!["205"]);
        assert_eq!(keys("a thousand", Lang::En), vec!["1000"]);
        assert_eq!(keys("1.000,5", Lang::Es), vec!["1000.5"]);
        assert_eq!(keys("1,000.5", Lang::En), vec!["1000.5"]);
        // a dotted number in Spanish may be a section number ("81.1")
        assert_eq!(keys("1.5", Lang::Es), vec!["1.5", "1", "5"]);
        assert_eq!(keys("20.25", Lang::Es), vec!["20.25", "20", "25", "t8:25"]);
        assert_eq!(keys("60 000", Lang::En), vec!["60000"]);
        assert_eq!(keys("Sra. Díez", Lang::Es), Vec::<String>::new());
        assert_eq!(keys("1 2 3", Lang::En), vec!["1", "2", "3"]);
        assert!(keys("un acuerdo", Lang::Es).is_empty());
        assert!(keys("one of them", Lang::En).is_empty());
    }

    #[test]
    fn names_positive() {
        let h = only(
            "Hubo 72 muertos en Sinaloa",
            "There were 72 dead in the north",
            Check::Names,
        );
        assert_eq!(h.len(), 1, "{h:?}");
        assert!(h[0].contains("Sinaloa"));
        let h = only(
            "Lo dijo ayer el ministro Juan Pérez en Monterrey.",
            "The minister said so yesterday in the capital.",
            Check::Names,
        );
        assert_eq!(h.len(), 2, "{h:?}");
        let h = only(
            "La visita del Sr. Wurtz fue breve.",
            "The visit was short.",
            Check::Names,
        );
        assert_eq!(h.len(), 1, "{h:?}");
    }

    #[test]
    fn names_negative() {
        for (es, en) in [
            (
                "Hubo 72 muertos en Sinaloa",
                "There were 72 dead in Sinaloa",
            ),
            (
                "Viajó a México el lunes",
                "She travelled to Mexico on Monday",
            ),
            ("Vive en la Ciudad de México", "She lives in Mexico City"),
            (
                "Lo aprobó el Parlamento Europeo",
                "The European Parliament approved it",
            ),
            (
                "Lo dijo el Presidente del Gobierno",
                "The Prime Minister said so",
            ),
            ("Lo firmó la Unión Europea", "The EU signed it"),
            (
                "Según la Constitución del Estado",
                "According to the state constitution",
            ),
            ("Ayer llegó a Alemania", "Yesterday he arrived in Germany"),
            ("Me reuní con la señora Pérez", "I met Mrs Perez"),
            ("Sinaloa es violento", "The state is violent"),
            ("Trabaja en Italia", "She works in Italy"),
        ] {
            let h = only(es, en, Check::Names);
            assert!(h.is_empty(), "{es} / {en}: {h:?}");
        }
        let renderings = vec![("Nuevo León".to_string(), "the northern state".to_string())];
        let opts = LintOptions {
            known_renderings: &renderings,
            ..LintOptions::default()
        };
        let h = lint_pair(
            "Llegó a Nuevo León",
            Some("He reached the northern state"),
            &opts,
        );
        assert!(of(&h, Check::Names).is_empty(), "{h:?}");
    }

    #[test]
    fn untranslated() {
        let h = only(
            "Hubo 72 muertos en Sinaloa.",
            "Hubo 72 muertos en Sinaloa",
            Check::Untranslated,
        );
        assert_eq!(h.len(), 1, "{h:?}");
        let h = only(
            "El gobierno dijo que la situación es grave",
            "The government dijo que la situación es grave",
            Check::Untranslated,
        );
        assert_eq!(h.len(), 1, "{h:?}");
        let h = only("Gracias.", "", Check::Untranslated);
        assert_eq!(h.len(), 1, "{h:?}");
        for (es, en) in [
            (
                "El gobierno dijo que la situación es grave",
                "The government said the situation is serious",
            ),
            ("Sri Lanka", "Sri Lanka"),
            (
                "Es miembro del Partido de la Revolución Democrática",
                "He is a member of the Partido de la Revolución Democrática, the party of the left",
            ),
        ] {
            let h = only(es, en, Check::Untranslated);
            assert!(h.is_empty(), "{es} / {en}: {h:?}");
        }
    }

    #[test]
    fn length() {
        let h = only(
            "El gobierno dijo que la situación es muy grave en todo el país",
            "Serious.",
            Check::Length,
        );
        assert_eq!(h.len(), 1, "{h:?}");
        let h = only(
            "El gobierno dijo que la situación es grave",
            "The government said that the situation is serious, very serious, extremely serious, \
             and that nothing can be done about it at all, ever, by anyone",
            Check::Length,
        );
        assert_eq!(h.len(), 1, "{h:?}");
        assert!(only("Sí.", "Yes, absolutely, without any doubt.", Check::Length).is_empty());
        assert!(
            only(
                "El gobierno dijo que la situación es grave",
                "The government said the situation is serious",
                Check::Length
            )
            .is_empty()
        );
        let opts = LintOptions {
            length_band: (f64::NAN, f64::NAN),
            ..LintOptions::default()
        };
        let _ = lint_pair(
            "El gobierno dijo que la situación es grave",
            Some("x"),
            &opts,
        );
    }

    #[test]
    fn punctuation() {
        let h = only("¿Quién lo hizo?", "Who did it.", Check::Punctuation);
        assert_eq!(h.len(), 1, "{h:?}");
        let h = only("¡Basta ya!", "Enough.", Check::Punctuation);
        assert_eq!(h.len(), 1, "{h:?}");
        let h = only(
            "Dijo «no» (dos veces)",
            "He said “no” (twice",
            Check::Punctuation,
        );
        assert_eq!(h.len(), 1, "{h:?}");
        let h = only("Dijo que no", " He said  no ", Check::Punctuation);
        assert_eq!(h.len(), 3, "{h:?}");
        for (es, en) in [
            ("¿Quién lo hizo?", "Who did it?"),
            (
                "Dijo «no» (dos veces)",
                "He said ‘no’ (twice) — the members’ vote",
            ),
            ("Es el minuto de silencio", "It is the minute' s silence"),
            ("Dijo \"no\"", "He said \"no\""),
        ] {
            let h = only(es, en, Check::Punctuation);
            assert!(h.is_empty(), "{es} / {en}: {h:?}");
        }
        // original already unbalanced: not the translator's fault
        assert!(only("Dijo «no", "He said “no", Check::Punctuation).is_empty());
        // English original
        let h = checks("He said (twice", None);
        assert_eq!(of(&h, Check::Punctuation).len(), 1);
    }

    #[test]
    fn suspicious_text() {
        let h = only(
            "Llegó a Moscú",
            "He arrived in M\u{43E}scow",
            Check::SuspiciousText,
        );
        assert_eq!(h.len(), 1, "{h:?}");
        assert!(h[0].contains("M\\u{043E}scow"), "{h:?}");
        let h = checks("Texto \u{202E}oculto\u{200B} y\u{7}", None);
        let s = of(&h, Check::SuspiciousText);
        assert_eq!(s.len(), 3, "{s:?}");
        let is_invisible = |c: char| c.is_control() || crate::render::is_unsafe_char(c);
        assert!(s.iter().all(|m| !m.chars().any(is_invisible)), "{s:?}");
        assert!(s[0].contains("\\u{0007}"));
        // pure ASCII takes a short path; its controls are still found
        for (t, code) in [("bell\u{7} here", "0007"), ("del\u{7f}ete", "007F")] {
            let s = of(&checks(t, None), Check::SuspiciousText);
            assert_eq!(s.len(), 1, "{t:?}: {s:?}");
            assert!(s[0].contains(&format!("\\u{{{code}}}")), "{s:?}");
        }
        // every message is escaped, whatever the check
        let h = checks("  «x\u{202E}", None);
        assert!(h.iter().all(|m| !m.message.chars().any(is_invisible)));
        for t in [
            "Москва и Афины",
            "Αθήνα",
            "Crème brûlée",
            "line\nbreak\tand tab",
        ] {
            assert!(
                checks(t, None)
                    .iter()
                    .all(|h| h.check != Check::SuspiciousText),
                "{t}"
            );
        }
    }

    #[test]
    fn english_original_runs_only_two_checks() {
        let h = checks("There were 27 dead in M\u{43E}scow (really", None);
        assert!(
            h.iter()
                .all(|h| matches!(h.check, Check::SuspiciousText | Check::Punctuation))
        );
        assert_eq!(h.len(), 2, "{h:?}");
    }

    /// New and reference implementations agree on one pair (and on both
    /// texts as English originals).
    fn same_as_reference(o: &str, t: &str, opts: &LintOptions) {
        assert_eq!(
            lint_pair(o, Some(t), opts),
            reference::lint_pair(o, Some(t), opts),
            "{o:?} / {t:?}"
        );
        // and with a scratch reused from pair to pair, as `check` does
        thread_local! {
            static SCRATCH: std::cell::RefCell<LintScratch> = std::cell::RefCell::default();
        }
        SCRATCH.with_borrow_mut(|scratch| {
            assert_eq!(
                lint_pair_with(o, Some(t), opts, scratch),
                reference::lint_pair(o, Some(t), opts),
                "{o:?} / {t:?} (reused scratch)"
            );
        });
        assert_eq!(
            lint_pair(o, None, opts),
            reference::lint_pair(o, None, opts),
            "{o:?}"
        );
    }

    #[test]
    fn reuse_keeps_the_allocation() {
        let text = String::from("Una palabra y otra");
        let mut buf = String::new();
        let words = folded_words(&text, &mut buf, Vec::new(), &mut Vec::new()).words;
        let (ptr, capacity) = (words.as_ptr().cast::<u8>(), words.capacity());
        assert!(capacity > 0);
        let reused: Vec<NameWord<'static>> = reuse(words);
        assert!(reused.is_empty());
        assert_eq!(
            (reused.as_ptr().cast::<u8>(), reused.capacity()),
            (ptr, capacity)
        );
    }

    /// One scratch reused over many pairs gives every pair the hits of a
    /// fresh call (nothing carries over from one record to the next).
    #[test]
    fn scratch_reused_same_as_fresh() {
        let pairs = [
            (
                "El Presidente del Parlamento Europeo dijo que sí.",
                "The President of the European Parliament said yes.",
            ),
            ("", ""),
            (
                "Señor Comisario, la Comisión de Asuntos Económicos y Monetarios.",
                "la de que el en los",
            ),
            (
                "Sr. Wurtz habló de Ciudad de México y de Nuevo León.",
                "Mr Wurtz spoke about Mexico City.",
            ),
            ("igual texto aquí", "igual texto aquí"),
            ("Москва и M\u{43E}scow?", "Moscow"),
        ];
        let mut scratch = LintScratch::default();
        for _ in 0..2 {
            for (o, t) in pairs {
                let opts = LintOptions::default();
                assert_eq!(
                    lint_pair_with(o, Some(t), &opts, &mut scratch),
                    reference::lint_pair(o, Some(t), &opts),
                    "{o:?}"
                );
                assert_eq!(
                    lint_pair_with(t, None, &opts, &mut scratch),
                    reference::lint_pair(t, None, &opts)
                );
            }
        }
    }

    #[test]
    fn europarl_same_as_reference() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/corpus/europarl-sample"
        );
        let (Ok(es), Ok(en)) = (
            std::fs::read_to_string(format!("{dir}/es.txt")),
            std::fs::read_to_string(format!("{dir}/en.txt")),
        ) else {
            eprintln!("europarl sample not found; skipping");
            return;
        };
        let renderings = vec![
            ("Nuevo León".to_string(), "the northern state".to_string()),
            ("Señoría".to_string(), "Honourable Member".to_string()),
        ];
        let own = LintOptions {
            known_renderings: &renderings,
            ..LintOptions::default()
        };
        for (o, t) in es.split('\n').zip(en.split('\n')) {
            same_as_reference(o, t, &LintOptions::default());
            same_as_reference(t, o, &LintOptions::default());
            same_as_reference(o, t, &own);
        }
    }

    /// Pieces of Spanish/English-ish text that exercise every check.
    fn piece() -> impl Strategy<Value = String> {
        const PIECES: &[&str] = &[
            "0",
            "1",
            "7",
            "12",
            "35",
            "72",
            "100",
            "1999",
            "2024",
            "2101",
            "0999",
            "1.000",
            "1,5",
            "1.000,5",
            "1,000.5",
            "2.500.000",
            "60",
            "000",
            "20.25",
            "8:25",
            "20:25",
            "81.1",
            "12345678901234567890",
            "1.º",
            "1º",
            "2ª",
            "1st",
            "2nd",
            "3rd",
            "4th",
            "1er",
            "1o",
            "3a",
            "5G",
            "A5",
            "CO2",
            "%",
            "€",
            "uno",
            "un",
            "una",
            "Una",
            "dos",
            "tres",
            "Tres",
            "cinco",
            "diez",
            "once",
            "veintidós",
            "treinta",
            "y",
            "cien",
            "ciento",
            "por",
            "mil",
            "Mil",
            "millón",
            "millones",
            "Millones",
            "millardos",
            "billón",
            "miles",
            "Miles",
            "cientos",
            "decenas",
            "docena",
            "ambos",
            "doble",
            "lustro",
            "década",
            "cero",
            "bajo",
            "sobre",
            "one",
            "One",
            "two",
            "three",
            "twenty",
            "five",
            "a",
            "A",
            "and",
            "hundred",
            "thousand",
            "million",
            "millions",
            "billion",
            "hundreds",
            "thousands",
            "tens",
            "scores",
            "dozen",
            "twice",
            "both",
            "once",
            "zero",
            "below",
            "above",
            "I",
            "II",
            "IV",
            "XX",
            "MCMXCIX",
            "IIII",
            "VX",
            "C",
            "D",
            "M",
            "Sr",
            "Sra",
            "Sr.",
            "Sra.",
            "Dr.",
            "EE",
            "UU",
            "EE.UU.",
            "UE",
            "EU",
            "ONU",
            "UN",
            "Estados",
            "Unidos",
            "United",
            "States",
            "Ciudad",
            "de",
            "del",
            "la",
            "las",
            "México",
            "Mexico",
            "City",
            "Nuevo",
            "León",
            "Díez",
            "Pérez",
            "Perez",
            "Wurtz",
            "Italia",
            "Italy",
            "Británico",
            "British",
            "Sinaloa",
            "Parlamento",
            "Europeo",
            "European",
            "Parliament",
            "Presidente",
            "Señoría",
            "señora",
            "el",
            "los",
            "que",
            "en",
            "es",
            "se",
            "con",
            "para",
            "the",
            "of",
            "to",
            "is",
            "that",
            "was",
            "he",
            "said",
            "dijo",
            "hubo",
            "muertos",
            "people",
            "gobierno",
            "government",
            "situación",
            "situation",
            "Ñandú",
            "ÉCOLE",
            "crème",
            "ﬁn",
            "ǅemal",
            "İstanbul",
            "ß",
            "Москва",
            "M\u{43E}scow",
            "Αθήνα",
            "\u{3b1}lpha",
            "e\u{301}",
            "\u{202E}",
            "\u{200B}",
            "\u{7}",
            "\u{7f}",
            "\u{A0}",
            "\u{202F}",
            "\u{2009}",
            "\t",
            "\n",
            "\r\n",
            "?",
            "¿",
            "!",
            "¡",
            "(",
            ")",
            "[",
            "]",
            "{",
            "}",
            "«",
            "»",
            "“",
            "”",
            "‘",
            "’",
            "\"",
            "'",
            "-",
            "‐",
            "—",
            "–",
            ".",
            ",",
            ":",
            ";",
            "…",
            "*",
            ">",
            "•",
            "/",
            "٣",
            "²",
            "½",
            "Ⅻ",
            "१",
            "\u{345}",
            "\u{93F}",
            "Å",
            "K",
            "Ω",
            "Reino",
            "Unido",
            "Gran",
            "Bretaña",
            "Britain",
            "Naciones",
            "Unidas",
            "Nations",
            "Fondo",
            "Social",
            "Europeo",
            "ESF",
            "Países",
            "Bajos",
            "Netherlands",
            "Oriente",
            "Medio",
            "Middle",
            "East",
            "Francés",
            "French",
        ];
        prop_oneof![
            8 => proptest::sample::select(PIECES).prop_map(str::to_string),
            1 => "[0-9]{1,6}([.,: \u{A0}][0-9]{1,4}){0,3}",
            1 => "[a-zA-ZáéíóúñÁÉÍÓÚÑ]{1,8}",
            1 => "\\PC{0,3}",
        ]
    }

    /// Up to `most` pieces, each followed by one of `seps`.
    fn joined(
        piece: impl Strategy<Value = String>,
        seps: &'static [&'static str],
        most: usize,
    ) -> impl Strategy<Value = String> {
        let sep = proptest::sample::select(seps);
        proptest::collection::vec((piece, sep), 0..most).prop_map(|v| {
            v.into_iter()
                .map(|(p, s)| format!("{p}{s}"))
                .collect::<String>()
        })
    }

    fn text() -> impl Strategy<Value = String> {
        joined(
            piece(),
            &[" ", " ", " ", "", "-", ". ", ", ", "  ", "\n"],
            24,
        )
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(3000))]
        #[test]
        fn same_as_reference_on_generated_text(o in text(), t in text(), own in proptest::bool::ANY) {
            let renderings = vec![
                ("Nuevo León".to_string(), "the northern state".to_string()),
                ("Sinaloa".to_string(), "Sinaloa state".to_string()),
            ];
            let opts = LintOptions {
                known_renderings: if own { &renderings } else { &[] },
                ..LintOptions::default()
            };
            same_as_reference(&o, &t, &opts);
        }

        #[test]
        fn folded_words_are_the_folded_phrase(t in text(), a in "\\PC*") {
            for s in [&t, &a] {
                let mut buf = String::new();
                let words = folded_words(s, &mut buf, Vec::new(), &mut Vec::new());
                let phrase = folded_phrase(s);
                prop_assert_eq!(words.phrase(), phrase.as_str());
                // a phrase in the text's, as the words tell it
                for part in [&t, &a] {
                    for p in [folded_phrase(part), folded_phrase(&part[..part.floor_char_boundary(part.len() / 2)])] {
                        prop_assert_eq!(
                            words.contains_run(phrase_folds(&p)),
                            phrase.contains(p.as_str()),
                            "{:?} in {:?}", p, phrase
                        );
                    }
                    let last_two: Vec<&str> = phrase_folds(&phrase).skip(1).take(2).collect();
                    let p = format!(" {} ", last_two.join(" "));
                    prop_assert_eq!(words.contains_run(phrase_folds(&p)), phrase.contains(p.as_str()));
                }
                let folds: Vec<&str> = words.phrase_words().iter().map(|w| w.folded).collect();
                prop_assert_eq!(folds, phrase_words(&phrase).collect::<Vec<_>>());
                for w in &words.words {
                    prop_assert_eq!(w.text, &s[w.start..w.end]);
                    prop_assert_eq!(w.folded, fold(w.text));
                }
                // equal phrases, and unequal ones
                for other in [s.to_uppercase(), s.to_lowercase(), t.clone(), a.clone()] {
                    let mut other_buf = String::new();
                    let other_words =
                        folded_words(&other, &mut other_buf, Vec::new(), &mut Vec::new());
                    prop_assert_eq!(
                        same_folds(s, &other_words.words, &mut String::new()),
                        !words.words.is_empty() && phrase == folded_phrase(&other)
                    );
                }
            }
        }

        #[test]
        fn same_as_reference_on_any_text(o in "\\PC*", t in "\\PC*") {
            same_as_reference(&o, &t, &LintOptions::default());
        }
    }

    /// [`num_tokens`] the simple way, one char at a time: a word is
    /// folded whole and looked up, with none of the fast paths
    /// ([`plain_words`], [`latin1_word`], [`may_fold_into_vocab`],
    /// [`plain_number_vocab`], the roman numeral filters).
    fn num_tokens_simple(s: &str) -> Vec<NTok<'_>> {
        let bytes = s.as_bytes();
        let mut toks = Vec::new();
        let mut buf = String::new();
        let mut i = 0;
        while let Some(c) = s[i..].chars().next() {
            if c.is_ascii_digit() {
                i = num_token(s, i, &mut toks, &mut buf);
            } else if c.is_alphabetic() {
                let start = i;
                i += s[i..]
                    .char_indices()
                    .find(|&(_, d)| !d.is_alphabetic())
                    .map_or(s.len() - i, |(k, _)| k);
                let raw = &s[start..i];
                let folded = number_vocab(&fold(raw));
                let roman = reference::roman_value(raw).is_some();
                if folded.is_empty() && !roman
                    || bytes.get(i).is_some_and(u8::is_ascii_digit)
                    || start > 0 && bytes[start - 1].is_ascii_digit()
                    || c.is_uppercase() && !starts_sentence(s, start) && !roman
                {
                    push_break(&mut toks);
                } else {
                    toks.push(NTok::Word { folded, raw });
                }
            } else {
                if !(c.is_whitespace() || c == '-' || c == '\u{2010}') {
                    push_break(&mut toks);
                }
                i += c.len_utf8();
            }
        }
        toks
    }

    fn tokens(s: &str) -> Vec<NTok<'_>> {
        let mut toks = Vec::new();
        num_tokens(s, &mut toks, &mut String::new());
        toks
    }

    fn number_hits(o: &str, t: &str) -> Vec<Hit> {
        let mut hits = Vec::new();
        check_numbers(o, t, &mut String::new(), &mut hits);
        hits
    }

    fn reference_number_hits(o: &str, t: &str) -> Vec<Hit> {
        let mut hits = Vec::new();
        reference::check_numbers(o, t, &mut hits);
        hits
    }

    /// Pieces of text for the number check: digits, number words of both
    /// languages (any case, accented), roman numerals and words like them,
    /// percent and degree words, words that pass the first-and-last-letter
    /// filters without being number words, long words, punctuation.
    fn number_piece() -> impl Strategy<Value = String> {
        const PIECES: &[&str] = &[
            "uno",
            "un",
            "Un",
            "una",
            "UNA",
            "dos",
            "Dos",
            "tres",
            "veintidós",
            "veintidos",
            "dieciséis",
            "Dieciséis",
            "millón",
            "Millón",
            "millones",
            "mil",
            "cien",
            "ciento",
            "doscientas",
            "cuatrocientos",
            "por",
            "y",
            "Y",
            "a",
            "A",
            "and",
            "one",
            "One",
            "two",
            "twenty",
            "hundred",
            "thousand",
            "million",
            "billions",
            "hundreds",
            "thousands",
            "miles",
            "decenas",
            "docena",
            "década",
            "lustro",
            "once",
            "Once",
            "twice",
            "both",
            "ambos",
            "cero",
            "zero",
            "bajo",
            "sobre",
            "below",
            "above",
            "I",
            "II",
            "IV",
            "V",
            "IX",
            "XIV",
            "XXI",
            "CD",
            "MCMXCIX",
            "MMXXIV",
            "MMMDCCCLXXXVIII",
            "IIII",
            "VX",
            "Mi",
            "iv",
            "Xi",
            "percent",
            "per",
            "cent",
            "grados",
            "degrees",
            "%",
            "º",
            "ª",
            "1.º",
            "2nd",
            "3rd",
            "1er",
            "this",
            "there",
            "these",
            "state",
            "states",
            "miembros",
            "european",
            "dangerous",
            "está",
            "Comisión",
            "también",
            "recomendación",
            "Sr.",
            "Sra.",
            "Díez",
            "Dos.",
            "abcdefg",
            "abcdefgh",
            "abcdefghi",
            "abcdefghijklmnop",
            "«",
            "»",
            "—",
            "’",
            "“",
            "\u{a0}",
            "\u{2010}",
            "...",
            "(",
            ")",
            ":",
            ";",
            "?",
            "¿",
            "!",
            "-",
            "A5",
            "5G",
            "CO2",
            "×",
            "÷",
            "ß",
            "straße",
            "Æther",
            "ÿ",
            "Ø",
            "é",
            "Él",
            "último",
            "dósé",
            "millónx",
            "ñ",
        ];
        prop_oneof![
            8 => proptest::sample::select(PIECES).prop_map(str::to_string),
            2 => "[0-9]{1,5}([.,: ][0-9]{1,4}){0,2}",
            2 => "[a-zA-ZáéíóúñÁÉÍÓÚÑIVXLCDM]{1,15}",
            1 => "\\PC{0,3}",
        ]
    }

    fn number_text() -> impl Strategy<Value = String> {
        joined(
            number_piece(),
            &[
                " ", " ", " ", "", "-", ". ", ", ", "  ", "\n", "\u{a0}", "«", "» ",
            ],
            32,
        )
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(3000))]
        #[test]
        fn num_tokens_same_as_simple(t in number_text(), a in "\\PC*") {
            for s in [&t, &a] {
                prop_assert_eq!(tokens(s), num_tokens_simple(s), "{:?}", s);
            }
        }

        #[test]
        fn number_check_same_as_reference(o in number_text(), t in number_text()) {
            prop_assert_eq!(number_hits(&o, &t), reference_number_hits(&o, &t));
            prop_assert_eq!(number_hits(&t, &o), reference_number_hits(&t, &o));
        }

        #[test]
        fn may_fold_into_vocab_rules_out_no_vocab_word(w in "\\p{Alphabetic}{1,15}") {
            if !may_fold_into_vocab(&w) {
                prop_assert_eq!(number_vocab(&fold(&w)), "", "{:?}", w);
            }
        }
    }

    #[test]
    fn number_check_texts_do_not_see_each_other() {
        // the translation's tokens follow the original's in one vector:
        // its first word must not see the original's last one
        let ends = [
            "bajo",
            "sobre",
            "por",
            "a",
            "y",
            "treinta y",
            "below",
            "above",
            "and",
            "5",
        ];
        let starts = [
            "cero", "zero", "ciento", "cien", "hundred", "cinco", "five", "0", "mil",
        ];
        for o in ends {
            for t in starts {
                for (o, t) in [
                    (o.to_string(), t.to_string()),
                    (format!("{o} "), format!(" {t}")),
                ] {
                    assert_eq!(
                        number_hits(&o, &t),
                        reference_number_hits(&o, &t),
                        "{o:?} {t:?}"
                    );
                    assert_eq!(
                        number_hits(&t, &o),
                        reference_number_hits(&t, &o),
                        "{t:?} {o:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn num_tokens_same_as_simple_at_every_offset() {
        // every word at every place in the eight bytes `plain_words`
        // reads at once, and at the end of the text
        let words = [
            "a",
            "y",
            "and",
            "un",
            "una",
            "Una",
            "dos",
            "this",
            "there",
            "I",
            "IV",
            "MCMXCIX",
            "Mi",
            "abcdefgh",
            "veintidós",
            "millón",
            "está",
            "5",
            "12,5",
            "1º",
            "A5",
            "º",
            "×",
            "ß",
            "Él",
            "éxito",
            "dieciséis",
        ];
        let befores = [
            "",
            "x",
            "xx ",
            "Sr. ",
            "«",
            "é",
            "5",
            ". ",
            "\n",
            "-",
            "a b c d e ",
        ];
        let afters = [
            "", " ", ".", ",x", "5", "é", "»", " mil", " y cinco", "-dos", "\u{a0}",
        ];
        for pad in 0..10 {
            for w in words {
                for before in befores {
                    for after in afters {
                        let s = format!("{}{before}{w}{after}", " ".repeat(pad));
                        assert_eq!(tokens(&s), num_tokens_simple(&s), "{s:?}");
                        let s = format!("{}{before}{w}{after}", "ab ".repeat(pad));
                        assert_eq!(tokens(&s), num_tokens_simple(&s), "{s:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn number_vocab_has_every_word_extract_numbers_compares() {
        // every lowercase ASCII literal of this file that the number
        // functions know
        let src = include_str!("lint.rs");
        let mut known = 0;
        for lit in src.split('"').skip(1).step_by(2) {
            if lit.is_empty() || !lit.bytes().all(|b| b.is_ascii_lowercase()) {
                continue;
            }
            for lang in [Lang::Es, Lang::En] {
                if word_kind(lit, lang).is_some()
                    || implied_number(lit, lang).is_some()
                    || is_vague_plural(lit, lang)
                    || is_article_one(lit, lang)
                {
                    known += 1;
                    assert_eq!(number_vocab(lit), lit);
                    assert!(lit.len() <= NUMBER_VOCAB_MAX_LEN, "{lit}");
                }
            }
        }
        assert!(known > 150, "{known}");
        for w in ["por", "bajo", "sobre", "below", "above", "a", "y", "and"] {
            assert_eq!(number_vocab(w), w);
        }
    }

    #[test]
    fn may_fold_into_vocab_keeps_every_vocab_word() {
        // every word folding into the vocabulary: accented, capitalised
        let accent = |c: char| match c {
            'a' => 'á',
            'e' => 'é',
            'i' => 'í',
            'o' => 'ó',
            'u' => 'ú',
            'n' => 'ñ',
            c => c,
        };
        let mut buf = String::new();
        for v in NUMBER_VOCAB {
            let chars: Vec<char> = v.chars().collect();
            for k in 0..chars.len() {
                for upper in [false, true] {
                    let w: String = chars
                        .iter()
                        .enumerate()
                        .map(|(n, &c)| if n == k { accent(c) } else { c })
                        .map(|c| {
                            if upper {
                                c.to_uppercase().next().unwrap()
                            } else {
                                c
                            }
                        })
                        .collect();
                    assert!(fold_into_at_most(&w, &mut buf, NUMBER_VOCAB_MAX_LEN));
                    assert_eq!(number_vocab(&buf), *v);
                    assert!(may_fold_into_vocab(&w), "{w}");
                }
            }
        }
        // and some that do not
        for w in ["recomendación", "está", "Gobernación", "región"] {
            assert!(!may_fold_into_vocab(w), "{w}");
        }
        for w in ["", "\u{345}", "ǅemal", "e\u{301}"] {
            assert!(may_fold_into_vocab(w), "{w}");
        }
    }

    #[test]
    fn number_vocab_is_a_case_insensitive_search() {
        let plain = |w: &str| {
            NUMBER_VOCAB
                .iter()
                .find(|v| v.eq_ignore_ascii_case(w))
                .copied()
                .unwrap_or("")
        };
        let mut words: Vec<String> = vec![String::new(), "É".into(), "año".into()];
        for v in NUMBER_VOCAB {
            words.push(v.to_string());
            words.push(v.to_ascii_uppercase());
            words.push(format!("{v}s"));
            words.push(v[1..].to_string());
            words.push(v[..v.len() - 1].to_string());
            // the last letter changed, in both cases, and to a non-letter
            for last in [b'a', b'Z', b'e', b'S', b'@', b'[', b'{', b'`', b'0', b' '] {
                let mut w = v.as_bytes().to_vec();
                *w.last_mut().unwrap() = last;
                words.push(String::from_utf8(w).unwrap());
            }
        }
        for w in &words {
            assert_eq!(number_vocab(w), plain(w), "{w:?}");
        }
    }

    #[test]
    fn roman_value_same_as_reference() {
        let letters = b"IVXLCDMi";
        let mut s = Vec::new();
        for len in 0..=6u32 {
            for mut n in 0..letters.len().pow(len) {
                s.clear();
                for _ in 0..len {
                    s.push(letters[n % letters.len()]);
                    n /= letters.len();
                }
                let s = std::str::from_utf8(&s).unwrap();
                assert_eq!(roman_value(s), reference::roman_value(s), "{s}");
            }
        }
        for s in ["MMMCMXCIX", "MMMM", "MMMDCCCLXXXVIII", "MMMMMMMMMMMMM", "É"] {
            assert_eq!(roman_value(s), reference::roman_value(s), "{s}");
        }
    }

    #[test]
    fn keys_same_as_reference() {
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            0.0005,
            0.0015,
            1e15,
            999_999_999_999_999.9,
            1e15 - 0.001,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::NAN,
            1e300,
            2.5e6,
        ];
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            values.push(f64::from_bits(x));
            values.push((x % 10_000_000) as f64 / 1000.0);
        }
        for &a in &values {
            assert_eq!(value_key(a).to_string(), reference::value_key(a), "{a}");
        }
        // equal keys exactly when the former strings were equal
        for w in values.windows(2).take(2000) {
            let (a, b) = (w[0], w[1]);
            assert_eq!(
                value_key(a) == value_key(b),
                reference::value_key(a) == reference::value_key(b)
            );
            assert_eq!(value_key(a), value_key(a));
        }
        for raw in [
            "20.25", "8:25", "24:00", "25:00", "1.000", "12:60", "0:05", "7.5",
        ] {
            assert_eq!(
                clock_key(raw).map(|k| k.to_string()),
                reference::clock_key(raw)
            );
        }
    }

    #[test]
    fn find_byte_is_position() {
        let flagged = |b: u8| IMBALANCE_BYTES[usize::from(b)];
        let mut bytes = Vec::new();
        for len in 0..50 {
            for at in 0..=len {
                for special in [0u8, b'(', 0x7F, 0xC2, 0xC3, 0xE2, b'\n', 0xFF] {
                    bytes.clear();
                    bytes.resize(len, b'a');
                    if at < len {
                        bytes[at] = special;
                    }
                    for from in 0..=len {
                        for pred in [&flagged as &dyn Fn(u8) -> bool, &is_suspicious_byte] {
                            assert_eq!(
                                find_byte(&bytes, from, pred),
                                bytes[from..]
                                    .iter()
                                    .position(|&b| pred(b))
                                    .map(|k| from + k),
                                "{bytes:?} from {from}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn chunked_scans_same_as_reference() {
        // flagged chars on both sides of the 16-byte chunk boundaries
        for special in [
            "\u{7}", "\u{7f}", "\u{202E}", "\u{200B}", "(", "»", "“", "\"", "д", "\t", "?", "¿",
            "!", "¡",
        ] {
            for n in 0..40 {
                let lead = "a".repeat(n);
                let o = format!("{lead}{special} dos{special}{lead})");
                same_as_reference(&o, &o.replace("dos", "two"), &LintOptions::default());
            }
        }
    }

    #[test]
    fn folds_of_alphanumerics_have_no_space() {
        // FoldedWords::phrase_words and the renderings index rely on it
        let mut buf = String::new();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            if c.is_alphanumeric() {
                buf.clear();
                fold_char_into(c, &mut buf);
                assert!(!buf.contains(' '), "{c:?}");
            }
        }
    }

    #[test]
    fn word_sets_hold_their_lists() {
        for (set, list) in [
            (&*NAME_STOP_SET, NAME_STOP_WORDS),
            (&*SPANISH_FUNCTION_SET, SPANISH_FUNCTION_WORDS),
            (&*ENGLISH_FUNCTION_SET, ENGLISH_FUNCTION_WORDS),
        ] {
            for w in list {
                assert!(set.contains(w), "{w}");
                assert!(!set.contains(&format!("{w}x")), "{w}");
                assert!(!set.contains(&w[1..]) || list.contains(&&w[1..]), "{w}");
            }
            assert!(!set.contains(""));
            assert!(!set.contains("internationalisation"));
        }
        assert_eq!(
            BUILTIN_BY_FIRST_WORD.values().map(Vec::len).sum::<usize>(),
            BUILTIN_RENDERINGS.len()
        );
    }

    /// The one-table look-up answers as the two sets, Spanish first.
    #[test]
    fn function_words_are_the_two_sets() {
        let mut words: Vec<String> = SPANISH_FUNCTION_WORDS
            .iter()
            .chain(ENGLISH_FUNCTION_WORDS)
            .flat_map(|w| {
                [
                    w.to_string(),
                    format!("{w}s"),
                    w[1..].to_string(),
                    w.to_uppercase(),
                ]
            })
            .collect();
        words.extend(["", "internationalisation", "tambien", "the", "x"].map(String::from));
        for w in &words {
            let expected = if SPANISH_FUNCTION_SET.contains(w) {
                Some(Lang::Es)
            } else if ENGLISH_FUNCTION_SET.contains(w) {
                Some(Lang::En)
            } else {
                None
            };
            assert!(FUNCTION_WORDS.of(w) == expected, "{w}");
        }
    }

    proptest! {
        /// The hash table answers as the two sets for any short word.
        #[test]
        fn function_words_are_the_two_sets_for_any_word(
            w in prop_oneof!["[a-z]{0,9}", "[a-zñé]{0,4}", "\\PC{0,8}"],
        ) {
            let expected = if SPANISH_FUNCTION_SET.contains(&w) {
                Some(Lang::Es)
            } else if ENGLISH_FUNCTION_SET.contains(&w) {
                Some(Lang::En)
            } else {
                None
            };
            prop_assert!(FUNCTION_WORDS.of(&w) == expected, "{w:?}");
        }
    }

    proptest! {
        /// The marks the bracket scan notes are those the text has, when it
        /// scanned the whole text.
        #[test]
        fn marks_are_the_texts(t in text(), a in "[?¿!¡()«»“”\"a ]{0,12}") {
            for s in [&t, &a] {
                let mut marks = Marks::default();
                let problem = imbalance_and_marks(s, &mut marks);
                prop_assert_eq!(problem.clone(), imbalance(s));
                prop_assert_eq!(problem.clone(), reference::imbalance(s));
                prop_assert!(marks.complete || problem.is_some());
                if marks.complete {
                    prop_assert_eq!(marks.question, s.contains('?') || s.contains('¿'));
                    prop_assert_eq!(marks.exclamation, s.contains('!') || s.contains('¡'));
                }
            }
        }
    }

    /// A run of folds is in a text's words as its phrase is in the text's.
    #[test]
    fn contains_run_is_phrase_contains() {
        // U+0345 is alphabetic and a combining mark: a word folded to nothing
        for text in ["el Presidente Prodi", "Prodi", "", "a \u{345} b", "\u{345}"] {
            let mut buf = String::new();
            let words = folded_words(text, &mut buf, Vec::new(), &mut Vec::new());
            let phrase = folded_phrase(text);
            for p in [
                " ",
                "  ",
                "   ",
                " prodi ",
                " prodi x ",
                " presidente prodi ",
                " el prodi ",
                " a  b ",
                " a  ",
                "  b ",
                " b ",
                " el presidente prodi ",
            ] {
                assert_eq!(
                    words.contains_run(phrase_folds(p)),
                    phrase.contains(p),
                    "{p:?} in {phrase:?}"
                );
            }
        }
    }

    /// The quick name-start tests agree with the standard library.
    #[test]
    fn name_start_classes_are_the_std_ones() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(starts_name(c), c.is_uppercase(), "{c:?}");
            if c.is_uppercase() {
                let mut utf8 = [0; 4];
                let bytes = c.encode_utf8(&mut utf8).as_bytes();
                assert!(
                    may_start_name(bytes[0], bytes.get(1).copied().unwrap_or(0)),
                    "{c:?}"
                );
            }
        }
    }
}
