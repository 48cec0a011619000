//! A fast reader for records in the exact shape verbatim writes.
//!
//! `check` reads every record, and reading one through `toml` + serde cost
//! far more than the rest of the work on it. Records are written by
//! [`super::serialize_record`], so almost every file on disk is in one
//! narrow, canonical shape: comment lines, blank lines, `key = value` lines
//! with bare keys and exactly one space either side of `=`, and
//! `[[revision]]` / `[[review]]` headers. [`parse`] reads that shape only,
//! and answers `None` for anything else (an unknown or repeated key, a
//! missing field, odd whitespace, a trailing comment, a carriage return, an
//! escape the writer never produces, a value of an unexpected type…). The
//! caller then reads the file with `toml` as before, so any other valid TOML
//! is read exactly as it always was, and every invalid file gets the same
//! error. Property tests check that whenever this reader answers, `toml`
//! accepts the file and reads the same [`Quote`].

use std::borrow::Cow;

use crate::quote::{Origin, Person, Quote, Review, Revision, Verdict};

/// The record in `text`, or `None` when `text` is not in the canonical
/// shape (then `toml` must read it).
pub(super) fn parse(text: &str) -> Option<Quote> {
    let mut p = Reader { text, pos: 0 };
    let mut top = Top::default();
    let mut revisions: Vec<Revision> = Vec::new();
    let mut reviews: Vec<Review> = Vec::new();
    let mut table = Table::Top;
    while let Some(&b) = p.bytes().get(p.pos) {
        match b {
            b'\n' => p.pos += 1,
            b'#' => p.comment()?,
            b'[' => {
                table.finish(&mut revisions, &mut reviews)?;
                table = p.header()?;
            }
            _ => {
                let key = p.key()?;
                match &mut table {
                    Table::Top => top.set(&mut p, key)?,
                    Table::Revision(r) => r.set(&mut p, key)?,
                    Table::Review(r) => r.set(&mut p, key)?,
                }
                p.end_of_line()?;
            }
        }
    }
    table.finish(&mut revisions, &mut reviews)?;
    if revisions.is_empty() {
        // serde reports the missing `revision` field
        return None;
    }
    Some(Quote {
        schema: top.schema?,
        speaker: top.speaker?,
        original_lang: top.original_lang?,
        origin: top.origin?,
        source: top.source,
        source_url: top.source_url,
        said_on: top.said_on,
        timecode: top.timecode,
        revisions,
        reviews,
    })
}

/// The table the lines being read belong to.
enum Table {
    Top,
    // held inline, not boxed: a box per table was an allocation per table
    Revision(RevisionFields),
    Review(ReviewFields),
}

impl Table {
    /// Completes the `[[revision]]` or `[[review]]` being read.
    fn finish(&mut self, revisions: &mut Vec<Revision>, reviews: &mut Vec<Review>) -> Option<()> {
        match std::mem::replace(self, Table::Top) {
            Table::Top => {}
            Table::Revision(r) => revisions.push(r.build()?),
            Table::Review(r) => reviews.push(r.build()?),
        }
        Some(())
    }
}

#[derive(Default)]
struct Top {
    schema: Option<u32>,
    speaker: Option<String>,
    original_lang: Option<String>,
    origin: Option<Origin>,
    source: Option<String>,
    source_url: Option<String>,
    said_on: Option<String>,
    timecode: Option<String>,
}

impl Top {
    fn set(&mut self, p: &mut Reader<'_>, key: &str) -> Option<()> {
        match key {
            "schema" => put(&mut self.schema, p.integer()?),
            "speaker" => put(&mut self.speaker, p.string()?.into_owned()),
            "original_lang" => put(&mut self.original_lang, p.string()?.into_owned()),
            "origin" => put(&mut self.origin, Origin::parse(&p.string()?).ok()?),
            "source" => put(&mut self.source, p.string()?.into_owned()),
            "source_url" => put(&mut self.source_url, p.string()?.into_owned()),
            "said_on" => put(&mut self.said_on, p.string()?.into_owned()),
            "timecode" => put(&mut self.timecode, p.string()?.into_owned()),
            _ => None,
        }
    }
}

#[derive(Default)]
struct RevisionFields {
    number: Option<u32>,
    original: Option<String>,
    translation: Option<String>,
    author: Option<Person>,
    at: Option<String>,
    note: Option<String>,
}

impl RevisionFields {
    fn set(&mut self, p: &mut Reader<'_>, key: &str) -> Option<()> {
        match key {
            "number" => put(&mut self.number, p.integer()?),
            "original" => put(&mut self.original, p.string()?.into_owned()),
            "translation" => put(&mut self.translation, p.string()?.into_owned()),
            "author" => put(&mut self.author, Person::parse(&p.string()?).ok()?),
            "at" => put(&mut self.at, p.string()?.into_owned()),
            "note" => put(&mut self.note, p.string()?.into_owned()),
            _ => None,
        }
    }

    fn build(self) -> Option<Revision> {
        Some(Revision {
            number: self.number?,
            original: self.original?,
            translation: self.translation,
            author: self.author?,
            at: self.at?,
            note: self.note,
        })
    }
}

#[derive(Default)]
struct ReviewFields {
    verdict: Option<Verdict>,
    reviewer: Option<Person>,
    at: Option<String>,
    revision: Option<u32>,
    digest: Option<String>,
    comment: Option<String>,
    signature: Option<String>,
}

impl ReviewFields {
    fn set(&mut self, p: &mut Reader<'_>, key: &str) -> Option<()> {
        match key {
            "verdict" => {
                let verdict = match &*p.string()? {
                    "approved" => Verdict::Approved,
                    "changes-requested" => Verdict::ChangesRequested,
                    _ => return None,
                };
                put(&mut self.verdict, verdict)
            }
            "reviewer" => put(&mut self.reviewer, Person::parse(&p.string()?).ok()?),
            "at" => put(&mut self.at, p.string()?.into_owned()),
            "revision" => put(&mut self.revision, p.integer()?),
            "digest" => put(&mut self.digest, p.string()?.into_owned()),
            "comment" => put(&mut self.comment, p.string()?.into_owned()),
            "signature" => put(&mut self.signature, p.string()?.into_owned()),
            _ => None,
        }
    }

    fn build(self) -> Option<Review> {
        Some(Review {
            verdict: self.verdict?,
            reviewer: self.reviewer?,
            at: self.at?,
            revision: self.revision?,
            digest: self.digest?,
            comment: self.comment,
            signature: self.signature,
        })
    }
}

/// Sets a field once; a repeated key is not canonical (and an error in TOML).
fn put<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value);
    Some(())
}

/// Whether a byte may stand as itself in a string or comment: TOML refuses
/// the control characters other than tab there (newlines are handled by
/// the callers).
fn plain(b: u8) -> bool {
    (b >= 0x20 && b != 0x7f) || b == b'\t'
}

/// A run of quote marks inside a multi-line string.
enum Run {
    /// This many quotes of content.
    Content(usize),
    /// This many quotes close the string, the first `.1` of them content.
    Close(usize, usize),
}

struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Reader<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// Checks that a line ends here (a line feed or the end of the text).
    fn end_of_line(&mut self) -> Option<()> {
        match self.bytes().get(self.pos) {
            None => Some(()),
            Some(b'\n') => {
                self.pos += 1;
                Some(())
            }
            Some(_) => None,
        }
    }

    /// A `#` line: any text but control characters other than tab.
    fn comment(&mut self) -> Option<()> {
        let bytes = self.bytes();
        let mut i = self.pos + 1;
        loop {
            // the scan for strings also stops at `"`, `\\` and tab, which a
            // comment may hold; any other byte it stops at is refused
            i = skip_plain(bytes, i, b'"');
            match bytes.get(i) {
                None | Some(b'\n') => break,
                Some(b'"' | b'\\' | b'\t') => i += 1,
                Some(_) => return None,
            }
        }
        self.pos = i;
        self.end_of_line()
    }

    /// A `[[revision]]` or `[[review]]` line: the table it opens.
    fn header(&mut self) -> Option<Table> {
        let rest = &self.text[self.pos..];
        let (table, len) = if rest.starts_with("[[revision]]") {
            (
                Table::Revision(RevisionFields::default()),
                "[[revision]]".len(),
            )
        } else if rest.starts_with("[[review]]") {
            (Table::Review(ReviewFields::default()), "[[review]]".len())
        } else {
            return None;
        };
        self.pos += len;
        self.end_of_line()?;
        Some(table)
    }

    /// A key and the ` = ` after it: the text up to the line's first space.
    /// Whatever it is, the table's `set` refuses all but the keys of a
    /// record, which are all bare keys (`a-z` and `_`), so no other check
    /// of its bytes is needed.
    fn key(&mut self) -> Option<&'a str> {
        let rest = &self.bytes()[self.pos..];
        let len = rest.iter().position(|&b| b == b' ')?;
        if !rest[len..].starts_with(b" = ") {
            return None;
        }
        let key = &self.text[self.pos..self.pos + len];
        self.pos += len + 3;
        Some(key)
    }

    /// A decimal integer that fits a `u32`: `0` or digits without a
    /// leading zero, no sign, no underscores.
    fn integer(&mut self) -> Option<u32> {
        let bytes = self.bytes();
        let start = self.pos;
        let mut i = start;
        let mut value: u32 = 0;
        while let Some(&b) = bytes.get(i) {
            if !b.is_ascii_digit() {
                break;
            }
            value = value.checked_mul(10)?.checked_add(u32::from(b - b'0'))?;
            i += 1;
        }
        let digits = i - start;
        if digits == 0 || (digits > 1 && bytes[start] == b'0') {
            return None;
        }
        self.pos = i;
        Some(value)
    }

    /// A string in any of TOML's four notations, borrowed from the text
    /// when it holds no escape.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        let rest = &self.bytes()[self.pos..];
        match rest.first()? {
            b'"' if rest.starts_with(b"\"\"\"") => {
                self.pos += 3;
                self.skip_first_newline();
                self.basic(true)
            }
            b'"' => {
                self.pos += 1;
                self.basic(false)
            }
            b'\'' if rest.starts_with(b"'''") => {
                self.pos += 3;
                self.skip_first_newline();
                self.literal(true).map(Cow::Borrowed)
            }
            b'\'' => {
                self.pos += 1;
                self.literal(false).map(Cow::Borrowed)
            }
            _ => None,
        }
    }

    /// A multi-line string drops a line feed right after its opening quotes.
    fn skip_first_newline(&mut self) {
        if self.bytes().get(self.pos) == Some(&b'\n') {
            self.pos += 1;
        }
    }

    /// What a run of `quote` bytes at `i` is inside a multi-line string:
    /// up to two are content, three to five close the string (the quotes
    /// past the first three are its last content), and more are an error.
    fn run(&self, i: usize, quote: u8) -> Option<Run> {
        let bytes = self.bytes();
        let mut len = 0;
        while bytes.get(i + len) == Some(&quote) {
            len += 1;
        }
        match len {
            0..=2 => Some(Run::Content(len)),
            3..=5 => Some(Run::Close(len, len - 3)),
            _ => None,
        }
    }

    /// The rest of a basic string (`"…"`, or `"""…"""` when `multi`) after
    /// its opening quotes.
    fn basic(&mut self, multi: bool) -> Option<Cow<'a, str>> {
        let bytes = self.bytes();
        let mut owned: Option<String> = None;
        // start of the content not yet copied into `owned`
        let mut from = self.pos;
        let mut i = self.pos;
        loop {
            i = skip_plain(bytes, i, b'"');
            let b = *bytes.get(i)?;
            if b == b'"' {
                let end = if multi {
                    match self.run(i, b'"')? {
                        Run::Content(len) => {
                            i += len;
                            continue;
                        }
                        Run::Close(len, extra) => {
                            self.pos = i + len;
                            i + extra
                        }
                    }
                } else {
                    self.pos = i + 1;
                    i
                };
                let tail = &self.text[from..end];
                return Some(match owned {
                    None => Cow::Borrowed(tail),
                    Some(mut s) => {
                        s.push_str(tail);
                        Cow::Owned(s)
                    }
                });
            } else if b == b'\\' {
                let s = owned.get_or_insert_with(String::new);
                s.push_str(&self.text[from..i]);
                i = escape(bytes, i + 1, s)?;
                from = i;
            } else if plain(b) || (multi && b == b'\n') {
                i += 1;
            } else {
                return None;
            }
        }
    }

    /// The rest of a literal string (`'…'`, or `'''…'''` when `multi`)
    /// after its opening quotes.
    fn literal(&mut self, multi: bool) -> Option<&'a str> {
        let bytes = self.bytes();
        let start = self.pos;
        let mut i = start;
        loop {
            i = skip_plain(bytes, i, b'\'');
            let b = *bytes.get(i)?;
            if b == b'\'' {
                if !multi {
                    self.pos = i + 1;
                    return Some(&self.text[start..i]);
                }
                match self.run(i, b'\'')? {
                    Run::Content(len) => i += len,
                    Run::Close(len, extra) => {
                        self.pos = i + len;
                        return Some(&self.text[start..i + extra]);
                    }
                }
            } else if plain(b) || (multi && b == b'\n') {
                i += 1;
            } else {
                return None;
            }
        }
    }
}

/// The first index from `i` on whose byte is `quote`, a backslash or a
/// control character (tab and line feed included), or the length of
/// `bytes`: the run of bytes before it stand for themselves in any string.
///
/// Reading a record is mostly this scan over its texts, so it tests sixteen
/// bytes at a time, one kind of byte after the other with folds that have
/// no branch and no early exit: that is the shape the compiler turns into a
/// few vector instructions per block (a third fewer instructions for the
/// whole scan than the eight-bytes-in-a-`u64` test this replaced; a single
/// fold of one combined test does not vectorise). The byte-by-byte search
/// then runs only within the block that holds the stop, or the short tail.
fn skip_plain(bytes: &[u8], i: usize, quote: u8) -> usize {
    let rest = bytes.get(i..).unwrap_or_default();
    let mut clean = 0;
    for block in rest.as_chunks::<16>().0 {
        // `|`, not `||`, for the same reason
        if any_in(block, |b| b < 0x20)
            | any_in(block, |b| b == 0x7f)
            | any_in(block, |b| b == quote)
            | any_in(block, |b| b == b'\\')
        {
            break;
        }
        clean += 16;
    }
    let stops = |b: u8| b < 0x20 || b == 0x7f || b == quote || b == b'\\';
    let tail = &rest[clean..];
    i + clean + tail.iter().position(|&b| stops(b)).unwrap_or(tail.len())
}

/// Whether a byte of `block` passes `test`, without branching per byte.
fn any_in(block: &[u8; 16], test: impl Fn(u8) -> bool) -> bool {
    block.iter().fold(false, |any, &b| any | test(b))
}

/// Decodes the escape whose letter is at `i` (just after the backslash)
/// onto `out`, and returns where the text goes on. Only the escapes TOML
/// 1.0 defines are read; anything else (a line-ending backslash, `\e`,
/// `\x`…) is left to `toml`.
fn escape(bytes: &[u8], i: usize, out: &mut String) -> Option<usize> {
    let c = match *bytes.get(i)? {
        b'b' => '\u{8}',
        b't' => '\t',
        b'n' => '\n',
        b'f' => '\u{c}',
        b'r' => '\r',
        b'"' => '"',
        b'\\' => '\\',
        b'u' => return unicode(bytes, i + 1, 4, out),
        b'U' => return unicode(bytes, i + 1, 8, out),
        _ => return None,
    };
    out.push(c);
    Some(i + 1)
}

/// `len` hex digits at `i` naming a Unicode scalar value.
fn unicode(bytes: &[u8], i: usize, len: usize, out: &mut String) -> Option<usize> {
    let digits = bytes.get(i..i + len)?;
    let mut value: u32 = 0;
    for &d in digits {
        value = value * 16 + char::from(d).to_digit(16)?;
    }
    out.push(char::from_u32(value)?);
    Some(i + len)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{parse, plain};
    use crate::quote::{Origin, Person, Quote, Review, Revision, Verdict};
    use crate::store::serialize_record;

    fn with_toml(text: &str) -> Result<Quote, toml::de::Error> {
        toml::from_str(text)
    }

    /// What the fast reader makes of `text`, after checking that whenever
    /// it answers, `toml` reads the same quote.
    fn agreed(text: &str) -> Option<Quote> {
        let fast = parse(text);
        if let Some(fast) = &fast {
            match with_toml(text) {
                Ok(slow) => assert_eq!(fast, &slow, "{text:?}"),
                Err(e) => panic!("the fast reader accepted what toml refuses ({e}): {text:?}"),
            }
        }
        fast
    }

    const HEAD: &str = "# verbatim quote record; docs/FORMAT.md describes it. Edit with `verbatim revise`.\n\
        schema = 1\n\
        speaker = \"Claudia Sheinbaum\"\n\
        original_lang = \"es\"\n\
        origin = \"own\"\n\
        \n\
        [[revision]]\n\
        number = 1\n\
        author = \"Ana <ana@example.org>\"\n\
        at = \"2026-01-13T10:00:00Z\"\n";

    /// A canonical record whose revision's original is written `value`.
    fn record_with_original(value: &str) -> String {
        format!("{HEAD}original = {value}\n")
    }

    /// The original read from a record whose original is written `value`.
    fn original(value: &str) -> Option<String> {
        agreed(&record_with_original(value)).map(|q| q.revisions[0].original.clone())
    }

    #[test]
    fn reads_what_the_writer_writes() {
        let text = record_with_original("\"no es necesario\"");
        let quote = agreed(&text).expect("canonical");
        assert_eq!(quote.speaker, "Claudia Sheinbaum");
        assert_eq!(quote.origin, Origin::Own);
        assert_eq!(quote.revisions[0].original, "no es necesario");
        assert_eq!(quote.revisions[0].author.email, "ana@example.org");
        assert!(quote.reviews.is_empty());
    }

    #[test]
    fn escapes() {
        assert_eq!(original(r#""a\tb""#).as_deref(), Some("a\tb"));
        assert_eq!(original(r#""say \"no\"""#).as_deref(), Some("say \"no\""));
        assert_eq!(original(r#""back\\slash""#).as_deref(), Some("back\\slash"));
        assert_eq!(original(r#""\b\f\n\r""#).as_deref(), Some("\u{8}\u{c}\n\r"));
        assert_eq!(original(r#""caf\u00E9""#).as_deref(), Some("café"));
        assert_eq!(original(r#""caf\u00e9""#).as_deref(), Some("café"));
        assert_eq!(
            original(r#""\u007F\u0000""#).as_deref(),
            Some("\u{7f}\u{0}")
        );
        assert_eq!(original(r#""\U0001F600!""#).as_deref(), Some("😀!"));
        // not scalar values, too short, or escapes the writer never makes:
        // left to toml
        for odd in [
            r#""\uD800""#,
            r#""\U00110000""#,
            r#""\u00E""#,
            r#""\u00G0""#,
            r#""\e""#,
            r#""\x41""#,
            r#""\ ""#,
            r#""\'""#,
            "\"\"\"a\\\n  b\"\"\"",
        ] {
            assert_eq!(original(odd), None, "{odd}");
        }
    }

    #[test]
    fn raw_tab_is_read_and_other_control_characters_are_left_to_toml() {
        assert_eq!(original("\"a\tb\"").as_deref(), Some("a\tb"));
        assert_eq!(original("'a\tb'").as_deref(), Some("a\tb"));
        for odd in [
            "\"a\u{0}b\"",
            "\"a\u{7f}b\"",
            "'a\u{1b}b'",
            "\"\"\"a\u{c}b\"\"\"",
        ] {
            assert_eq!(original(odd), None, "{odd:?}");
        }
    }

    #[test]
    fn all_four_string_notations() {
        assert_eq!(original("'say \"no\"'").as_deref(), Some("say \"no\""));
        assert_eq!(original("'C:\\path'").as_deref(), Some("C:\\path"));
        assert_eq!(
            original("\"\"\"\nline 1\nline 2\"\"\"").as_deref(),
            Some("line 1\nline 2")
        );
        assert_eq!(
            original("\"\"\"it's \"x\"\"\"\"").as_deref(),
            Some("it's \"x\"")
        );
        assert_eq!(
            original("\"\"\"\"\"x\"\"\"\"\"").as_deref(),
            Some("\"\"x\"\"")
        );
        assert_eq!(
            original("\"\"\"a\\\"\"\"b\"\"\"").as_deref(),
            Some("a\"\"\"b")
        );
        assert_eq!(
            original("'''\nit's\n\"x\"\\'''").as_deref(),
            Some("it's\n\"x\"\\")
        );
        assert_eq!(original("'''\n\nx'''''").as_deref(), Some("\nx''"));
        // six quotes in a row end the string and leave a stray one
        assert_eq!(original("\"\"\"x\"\"\"\"\"\"\""), None);
        assert_eq!(original("'''x''''''"), None);
        // unterminated
        assert_eq!(original("\"abc"), None);
        assert_eq!(original("'abc"), None);
        assert_eq!(original("\"\"\"abc\"\""), None);
        assert_eq!(original("\"a\nb\""), None);
        assert_eq!(original("'a\nb'"), None);
    }

    #[test]
    fn empty_strings() {
        assert_eq!(original("\"\"").as_deref(), Some(""));
        assert_eq!(original("''").as_deref(), Some(""));
        assert_eq!(original("\"\"\"\"\"\"").as_deref(), Some(""));
        assert_eq!(original("''''''").as_deref(), Some(""));
        assert_eq!(original("\"\"\"\n\"\"\"").as_deref(), Some(""));
    }

    #[test]
    fn crlf_line_ends_are_left_to_toml() {
        let text = record_with_original("\"x\"").replace('\n', "\r\n");
        assert!(parse(&text).is_none());
        assert!(with_toml(&text).is_ok());
        assert_eq!(original("\"\"\"\r\nx\"\"\""), None);
    }

    #[test]
    fn repeated_keys_and_unknown_keys_are_left_to_toml() {
        for extra in [
            "original = \"again\"\n",
            "number = 1\n",
            "aproved = true\n",
            "schema = 1\n",
        ] {
            let text = format!("{}{extra}", record_with_original("\"x\""));
            assert!(parse(&text).is_none(), "{extra}");
            assert!(with_toml(&text).is_err(), "{extra}");
        }
        let twice = record_with_original("\"x\"").replace("speaker", "original_lang");
        assert!(parse(&twice).is_none());
    }

    #[test]
    fn missing_fields_and_tables_are_left_to_toml() {
        let text = record_with_original("\"x\"");
        for key in ["schema", "speaker", "origin", "number", "author", "at ="] {
            let cut: String = text
                .lines()
                .filter(|l| !l.starts_with(key))
                .map(|l| format!("{l}\n"))
                .collect();
            assert!(parse(&cut).is_none(), "{key}");
            assert!(with_toml(&cut).is_err(), "{key}");
        }
        let no_revision = text.split("[[revision]]").next().unwrap();
        assert!(parse(no_revision).is_none());
        assert!(with_toml(no_revision).is_err());
        let empty_review = format!("{text}\n[[review]]\n");
        assert!(parse(&empty_review).is_none());
        assert!(with_toml(&empty_review).is_err());
    }

    #[test]
    fn trailing_comments_and_whitespace_variants_are_left_to_toml() {
        let text = record_with_original("\"x\"");
        for (from, to) in [
            ("origin = \"own\"", "origin = \"own\" # ours"),
            ("origin = \"own\"", "origin = \"own\" "),
            ("origin = \"own\"", "origin=\"own\""),
            ("origin = \"own\"", "origin  = \"own\""),
            ("origin = \"own\"", "origin =\t\"own\""),
            ("origin = \"own\"", "  origin = \"own\""),
            ("origin = \"own\"", "\"origin\" = \"own\""),
            ("[[revision]]", "[[ revision ]]"),
            ("[[revision]]", "[[revision]] # first"),
            ("[[revision]]", " [[revision]]"),
            ("\n\n", "\n \n"),
            ("# verbatim", " # verbatim"),
        ] {
            let variant = text.replacen(from, to, 1);
            assert_ne!(variant, text);
            assert!(parse(&variant).is_none(), "{to:?}");
            assert!(with_toml(&variant).is_ok(), "{to:?}");
        }
        let no_final_newline = text.trim_end();
        assert!(agreed(no_final_newline).is_some());
    }

    #[test]
    fn only_the_records_own_bare_keys_are_read() {
        let text = record_with_original("\"x\"");
        for (from, to) in [
            ("origin = ", "Origin = "),
            ("origin = ", "orígin = "),
            ("origin = ", "ori-gin = "),
            ("origin = ", "origin.x = "),
            ("origin = ", "'origin' = "),
            ("origin = ", "\torigin = "),
            ("origin = ", "origin\t= "),
            ("origin = ", " = "),
            ("origin = ", "origin\n= "),
            ("speaker = ", "speaker_ = "),
            ("speaker = ", "speake = "),
        ] {
            let variant = text.replacen(from, to, 1);
            assert_ne!(variant, text);
            assert!(parse(&variant).is_none(), "{to:?}");
        }
    }

    #[test]
    fn integers() {
        let with_number = |n: &str| {
            record_with_original("\"x\"").replace("number = 1\n", &format!("number = {n}\n"))
        };
        assert_eq!(agreed(&with_number("1")).unwrap().revisions[0].number, 1);
        assert_eq!(
            agreed(&with_number("4294967295")).unwrap().revisions[0].number,
            u32::MAX
        );
        assert_eq!(agreed(&with_number("0")).unwrap().revisions[0].number, 0);
        for odd in [
            "+1",
            "1_0",
            "01",
            "00",
            "-1",
            "4294967296",
            "99999999999",
            "1.0",
            "1e2",
            "0x1",
            "\"1\"",
            "",
            "1 # one",
            "true",
        ] {
            assert!(parse(&with_number(odd)).is_none(), "{odd}");
        }
        // toml reads these, differently formatted, the same way
        assert!(with_toml(&with_number("+1")).is_ok());
        assert!(with_toml(&with_number("1_0")).is_ok());
        assert!(with_toml(&with_number("01")).is_err());
    }

    #[test]
    fn values_serde_would_refuse_are_left_to_toml() {
        let text = record_with_original("\"x\"");
        for (from, to) in [
            ("\"own\"", "\"ours\""),
            ("\"own\"", "\"outlet: \""),
            ("\"Ana <ana@example.org>\"", "\"Ana\""),
            ("\"es\"", "1"),
            ("number = 1", "number = \"1\""),
        ] {
            let variant = text.replacen(from, to, 1);
            assert!(parse(&variant).is_none(), "{to}");
            assert!(with_toml(&variant).is_err(), "{to}");
        }
        let verdict = |v: &str| {
            format!(
                "{text}\n[[review]]\nverdict = {v}\nreviewer = \"Eva <eva@example.org>\"\n\
                 at = \"2026-01-13T11:00:00Z\"\nrevision = 1\ndigest = \"sha256:ab\"\n"
            )
        };
        assert_eq!(
            agreed(&verdict("\"changes-requested\"")).unwrap().reviews[0].verdict,
            Verdict::ChangesRequested
        );
        assert!(parse(&verdict("\"Approved\"")).is_none());
        assert!(with_toml(&verdict("\"Approved\"")).is_err());
    }

    #[test]
    fn tables_may_interleave() {
        let review = "\n[[review]]\nverdict = \"approved\"\nreviewer = \"Eva <eva@example.org>\"\n\
                      at = \"2026-01-13T11:00:00Z\"\nrevision = 1\ndigest = \"sha256:ab\"\n";
        let text = format!(
            "{}{review}\n[[revision]]\nnumber = 2\noriginal = \"y\"\nauthor = \"Ana <ana@example.org>\"\nat = \"2026-01-13T12:00:00Z\"\n",
            record_with_original("\"x\"")
        );
        let quote = agreed(&text).expect("canonical enough");
        assert_eq!(quote.revisions.len(), 2);
        assert_eq!(quote.reviews.len(), 1);
    }

    /// A record using every notation and escape the writer produces.
    fn rich_record() -> String {
        let mut quote = agreed(&record_with_original("\"x\"")).unwrap();
        quote.source = Some("say \"no\"".into());
        quote.timecode = Some("tab\there".into());
        quote.revisions[0].original = "line 1\nit's \"x\"".into();
        quote.revisions[0].translation = Some("back\\slash\n'quoted'".into());
        quote.revisions[0].note = Some("ctrl\u{1b}\r\n\"\"\"".into());
        quote.reviews.push(Review {
            verdict: Verdict::Approved,
            reviewer: Person::parse("Eva <eva@example.org>").unwrap(),
            at: "2026-01-13T11:00:00Z".into(),
            revision: 1,
            digest: "sha256:ab".into(),
            comment: Some("it's \"fine\"".into()),
            signature: Some("-----BEGIN-----\nAAAA\n-----END-----".into()),
        });
        let text = serialize_record(&quote);
        for notation in ["= '", "= \"\"\"", "= '''", r"\u001B", r"\r", r#"\""#, r"\t"] {
            assert!(text.contains(notation), "{notation} missing from {text}");
        }
        text
    }

    /// Every single-byte replacement, deletion and insertion of a rich
    /// record: the fast reader reads what toml reads, or leaves it to toml.
    #[test]
    fn single_edits_of_a_record_never_disagree_with_toml() {
        let text = rich_record();
        assert!(agreed(&text).is_some());
        let bytes = text.as_bytes();
        let edits: &[&[u8]] = &[
            b"\"", b"'", b"\\", b"\n", b"\r", b" ", b"\t", b"#", b"=", b"[", b"]", b"u", b"U",
            b"e", b"x", b"0", b"9", b"_", b"+", b"-", b".", b"\x00", b"\x7f", b"\"\"", b"''",
        ];
        let mut fast = 0;
        for at in 0..=bytes.len() {
            let mut variants: Vec<Vec<u8>> = Vec::new();
            for edit in edits {
                variants.push([&bytes[..at], edit, &bytes[at..]].concat());
                if at < bytes.len() {
                    variants.push([&bytes[..at], edit, &bytes[at + 1..]].concat());
                }
            }
            if at < bytes.len() {
                variants.push([&bytes[..at], &bytes[at + 1..]].concat());
            }
            for variant in variants {
                if let Ok(variant) = String::from_utf8(variant) {
                    fast += usize::from(agreed(&variant).is_some());
                }
            }
        }
        assert!(fast > 1000, "only {fast} variants were read fast");
    }

    // ---- property tests ----

    fn text() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "\"",
            "\"\"",
            "\"\"\"",
            "'",
            "''",
            "'''",
            "“",
            "”",
            "«",
            "»",
            "\\",
            "\\n",
            "\\u00E9",
            "\n",
            "\r\n",
            "\r",
            "\t",
            "\u{0}",
            "\u{8}",
            "\u{c}",
            "\u{1b}",
            "\u{7f}",
            "a = 1",
            "[[revision]]",
            "# x",
            "é",
            "e\u{301}",
            "\u{202E}",
            "\u{FEFF}",
            "😀",
            " ",
            "x",
        ]);
        prop::collection::vec(
            prop_oneof![
                4 => pieces.prop_map(String::from),
                1 => any::<String>(),
                1 => "[a-zA-Z ]{0,12}",
            ],
            0..8,
        )
        .prop_map(|v| v.concat())
    }

    fn person() -> impl Strategy<Value = Person> {
        (text(), "[a-z0-9.\"'\\\\ é]{1,8}@[a-z.]{1,8}")
            .prop_map(|(name, email)| Person {
                name: name.replace(['<', '>'], "").trim().to_string(),
                email,
            })
            .prop_filter("a name", |p| !p.name.is_empty())
    }

    fn origin() -> impl Strategy<Value = Origin> {
        prop_oneof![
            Just(Origin::Own),
            Just(Origin::Interpreter),
            text()
                .prop_filter("a name", |s| !s.trim().is_empty())
                .prop_map(Origin::Outlet),
        ]
    }

    fn revision() -> impl Strategy<Value = Revision> {
        (
            any::<u32>(),
            text(),
            prop::option::of(text()),
            person(),
            text(),
            prop::option::of(text()),
        )
            .prop_map(
                |(number, original, translation, author, at, note)| Revision {
                    number,
                    original,
                    translation,
                    author,
                    at,
                    note,
                },
            )
    }

    fn review() -> impl Strategy<Value = Review> {
        (
            any::<bool>(),
            person(),
            text(),
            any::<u32>(),
            text(),
            prop::option::of(text()),
            prop::option::of(prop_oneof![
                text(),
                Just(
                    "-----BEGIN SSH SIGNATURE-----\nU1NIU0lHAAAAAQ==\n-----END SSH SIGNATURE-----"
                        .to_string()
                ),
            ]),
        )
            .prop_map(
                |(approved, reviewer, at, revision, digest, comment, signature)| Review {
                    verdict: if approved {
                        Verdict::Approved
                    } else {
                        Verdict::ChangesRequested
                    },
                    reviewer,
                    at,
                    revision,
                    digest,
                    comment,
                    signature,
                },
            )
    }

    fn quote() -> impl Strategy<Value = Quote> {
        (
            (any::<u32>(), text(), text(), origin()),
            (
                prop::option::of(text()),
                prop::option::of(text()),
                prop::option::of(text()),
                prop::option::of(text()),
            ),
            prop::collection::vec(revision(), 1..4),
            prop::collection::vec(review(), 0..3),
        )
            .prop_map(
                |(
                    (schema, speaker, original_lang, origin),
                    (source, source_url, said_on, timecode),
                    revisions,
                    reviews,
                )| Quote {
                    schema,
                    speaker,
                    original_lang,
                    origin,
                    source,
                    source_url,
                    said_on,
                    timecode,
                    revisions,
                    reviews,
                },
            )
    }

    /// One edit of a record's bytes.
    #[derive(Debug, Clone)]
    enum Mutation {
        Replace(usize, u8),
        Insert(usize, &'static str),
        Delete(usize, usize),
        SwapLines(usize, usize),
        RenameKey(usize, &'static str),
    }

    const KEYS: &[&str] = &[
        "schema",
        "speaker",
        "original_lang",
        "origin",
        "source",
        "source_url",
        "said_on",
        "timecode",
        "number",
        "original",
        "translation",
        "author",
        "at",
        "note",
        "verdict",
        "reviewer",
        "revision",
        "digest",
        "comment",
        "signature",
        "review",
        "x",
    ];

    fn mutation() -> impl Strategy<Value = Mutation> {
        let bytes = prop_oneof![
            prop::sample::select(
                b"\"'\\\n\r \t#=[]uUbtnfre0123456789_+-.x\x00\x08\x1b\x7f".to_vec()
            ),
            any::<u8>(),
        ];
        let inserts = prop::sample::select(vec![
            "\\u00e9",
            "\\U0001F600",
            "\\uD800",
            "\\U00110000",
            "\\e",
            "\\x41",
            "\\ ",
            "\\\n",
            "\\'",
            "\"\"\"",
            "'''",
            "\"",
            "'",
            " # c",
            "#",
            "\r\n",
            "\r",
            "\n",
            " ",
            "\t",
            "number = 2\n",
            "[[review]]\n",
            "[[revision]]\n",
            "schema = 1\n",
            "note = \"n\"\n",
            "verdict = \"approved\"\n",
            "x = 1\n",
            "[x]\n",
            "a.b = 1\n",
            "{",
            "}",
            "=",
            "+",
            "_",
            "0",
            "é",
            "\u{FEFF}",
            "\u{0}",
            "\\\\",
            "\\\"",
        ]);
        prop_oneof![
            (any::<usize>(), bytes).prop_map(|(i, b)| Mutation::Replace(i, b)),
            (any::<usize>(), inserts).prop_map(|(i, s)| Mutation::Insert(i, s)),
            (any::<usize>(), 1usize..6).prop_map(|(i, n)| Mutation::Delete(i, n)),
            (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
            (any::<usize>(), prop::sample::select(KEYS))
                .prop_map(|(i, k)| Mutation::RenameKey(i, k)),
        ]
    }

    fn mutate(text: &str, mutation: &Mutation) -> Vec<u8> {
        let mut bytes = text.as_bytes().to_vec();
        let len = bytes.len();
        match *mutation {
            Mutation::Replace(i, b) => {
                if len > 0 {
                    bytes[i % len] = b;
                }
            }
            Mutation::Insert(i, s) => {
                let at = i % (len + 1);
                bytes.splice(at..at, s.bytes());
            }
            Mutation::Delete(i, n) => {
                let at = i % (len + 1);
                bytes.drain(at..(at + n).min(len));
            }
            Mutation::SwapLines(a, b) => {
                let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
                let n = lines.len();
                lines.swap(a % n, b % n);
                bytes = lines.concat().into_bytes();
            }
            Mutation::RenameKey(i, key) => {
                let lines: Vec<&str> = text.split_inclusive('\n').collect();
                let keyed: Vec<usize> = (0..lines.len())
                    .filter(|&j| lines[j].contains(" = "))
                    .collect();
                if !keyed.is_empty() {
                    let j = keyed[i % keyed.len()];
                    let (_, rest) = lines[j].split_once(" = ").unwrap();
                    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
                    out[j] = format!("{key} = {rest}");
                    bytes = out.concat().into_bytes();
                }
            }
        }
        bytes
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        /// The block-at-a-time scan stops where a byte-by-byte one does.
        #[test]
        fn skip_plain_stops_at_the_first_special_byte(
            bytes in prop::collection::vec(
                prop_oneof![any::<u8>(), prop::sample::select(b"\"'\\\t\n\x7f\x1f\x20\x80\xff".to_vec())],
                0..80,
            ),
            start in 0usize..80,
            single in any::<bool>(),
        ) {
            let quote = if single { b'\'' } else { b'"' };
            let start = start.min(bytes.len());
            let naive = (start..bytes.len())
                .find(|&i| !plain(bytes[i]) || bytes[i] == b'\t' || bytes[i] == quote || bytes[i] == b'\\')
                .unwrap_or(bytes.len());
            prop_assert_eq!(super::skip_plain(&bytes, start, quote), naive);
        }

        /// Everything the writer writes is read by the fast reader, the
        /// same way as by toml.
        #[test]
        fn the_writers_records_are_read_fast_and_the_same(quote in quote()) {
            let text = serialize_record(&quote);
            let fast = parse(&text);
            prop_assert!(fast.is_some(), "not read fast: {}", text);
            let slow = with_toml(&text).expect("toml reads what it wrote");
            prop_assert_eq!(fast.as_ref(), Some(&slow));
        }

        /// Whatever edit is made to a record, the fast reader either leaves
        /// it to toml or reads what toml reads.
        #[test]
        fn the_fast_reader_never_disagrees_with_toml(
            quote in quote(),
            mutations in prop::collection::vec(mutation(), 1..3),
        ) {
            let mut text = serialize_record(&quote);
            for m in &mutations {
                let Ok(next) = String::from_utf8(mutate(&text, m)) else { return Ok(()); };
                text = next;
            }
            if let Some(fast) = parse(&text) {
                match with_toml(&text) {
                    Ok(slow) => prop_assert_eq!(fast, slow, "{:?}", text),
                    Err(e) => prop_assert!(false, "accepted what toml refuses ({}): {:?}", e, text),
                }
            }
        }
    }
}
