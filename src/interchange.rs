//! Exchange of quote records with CAT tools (OmegaT, Trados, memoQ, Weblate).
//!
//! Export formats: XLIFF 2.1, XLIFF 1.2, TMX 1.4b, CSV (RFC 4180) and JSON Lines.
//! Import formats: XLIFF 2.1 (2.0 accepted too), XLIFF 1.2, CSV and JSON Lines
//! (TMX is export-only).
//!
//! # Decisions
//!
//! * **English-original quotes** (`translation == None`): exported to XLIFF as
//!   `translate="no"` units whose target is a copy of the source (so the
//!   translator sees the whole article, but CAT tools keep them locked); left
//!   out of TMX (an en→en pair would pollute translation memories); written with
//!   an empty `translation` cell in CSV and `"translation": null` in JSON.
//!   Import skips `translate="no"` units, so they never come back.
//! * **States, XLIFF 2.1** (`<segment state>`; our own state always kept in
//!   `subState="verbatim:<state>"` and in a `state` note):
//!   pending, changes-requested, stale → `translated`; approved, published →
//!   `final`.
//! * **States, XLIFF 1.2** (`<target state>`): pending, changes-requested,
//!   stale → `needs-review-translation`; approved → `signed-off`; published →
//!   `final`. `approved="yes"` only for approved and published; our state is also
//!   kept in `<note from="state">`.
//! * **Metadata**: speaker, source, source-url, said-on, timecode, state,
//!   revision, revision-note (and source-language when a unit's language differs
//!   from the document's) as XLIFF 2.1 `<note category=…>` / XLIFF 1.2
//!   `<note from=…>`; TMX gets `<prop type="x-speaker|x-article|x-state|
//!   x-revision|x-said-on">`. Units are grouped into one `<file>` per slug in
//!   first-appearance order.
//! * **Import reads only** the target text and the quote id (2.1: `<file id>`
//!   and `<unit id>`; 1.2: `<trans-unit id="slug/id">`). `translate="no"` (also
//!   inherited from `<file>`/`<group>`) is skipped. Multi-segment 2.x units are
//!   joined (ignorables without target contribute their source); a unit with
//!   some segments untranslated is an error. Text-only wrappers (`mrk`, `g`,
//!   `pc`; `sm`/`em` markers) are flattened, `<cp hex>` is decoded, and inline
//!   codes (`ph`, `x`, `bpt`, …) are refused. A quote appearing twice is an
//!   error.
//! * **Approvals never come from files**: import ignores `state`, `subState`,
//!   `approved` and any state column/field entirely; it only returns target texts.
//! * **Blank targets** (missing, empty or whitespace-only) mean "untranslated":
//!   such units/rows are skipped on import.
//! * **Languages**: compared case-insensitively with `_` read as `-`. A file tag
//!   equal to the expected tag, or more specific than it, matches
//!   (`es-MX`/`es_mx` match an expected `es`; `es` does not match an expected
//!   `es-MX`). XLIFF 2: `srcLang`/`trgLang`; XLIFF 1.2: every `<file>`'s
//!   `source-language`/`target-language` (both required); CSV/JSON: the
//!   optional `source_lang`/`target_lang` cells of rows that carry a
//!   translation.
//! * **Input encoding**: UTF-8 only (a BOM is accepted); UTF-16 or a declared
//!   non-UTF-8 encoding is an `Encoding` error.
//! * **Control characters**: XML 1.0 cannot carry C0 controls other than
//!   TAB/LF/CR, nor U+FFFE/U+FFFF. XML exports (XLIFF, TMX) refuse such texts
//!   with an `InvalidData` error naming the quote, field and code point, before
//!   writing anything; CSV and JSON carry them unchanged. TAB/LF/CR are written
//!   as character references where XML would otherwise normalise them (CR in
//!   text; TAB/LF/CR in attributes) so they round-trip exactly.
//! * **No Unicode normalisation** anywhere: NFD text stays NFD.
//! * **CSV**: UTF-8 without BOM, CRLF record terminator (RFC 4180), quoting only
//!   where needed. Import accepts a BOM, CRLF or LF, and a `;` delimiter
//!   (Spanish-locale spreadsheets), and finds columns by header name.
//! * **JSON Lines**: one object per line, LF terminated; `quote` plus every
//!   `Unit` field.
//! * **Quote ids**: `slug/id`; import splits at the *last* `/`, so export
//!   refuses empty slugs/ids and ids containing `/`.
//! * **XML safety**: any DOCTYPE (and so any DTD or entity declaration) is
//!   refused; only the five predefined entities and numeric character
//!   references are expanded. Files over 64 MiB are refused before parsing.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::{NsReader, XmlVersion};

/// Largest file `parse_import` accepts (64 MiB).
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

/// The quote states verbatim knows.
pub const STATES: [&str; 5] = [
    "pending",
    "changes-requested",
    "approved",
    "stale",
    "published",
];

const NS_XLIFF2: &str = "urn:oasis:names:tc:xliff:document:2.0";
const NS_XLIFF12: &str = "urn:oasis:names:tc:xliff:document:1.2";
const MAX_DEPTH: usize = 256;

/// One quote as exported.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Unit {
    /// The article's slug.
    pub slug: String,
    /// The quote's id within its article.
    pub id: String,
    /// Language of the original words.
    pub source_lang: String,
    /// Language of the translation (the newsroom's target language).
    pub target_lang: String,
    /// The original words.
    pub original: String,
    /// `None`: English-original quote (see module docs for how it is exported).
    pub translation: Option<String>,
    /// Who said it.
    pub speaker: String,
    /// Where it was said (free text).
    pub source: Option<String>,
    /// Link to the recording or transcript.
    pub source_url: Option<String>,
    /// The day it was said, `YYYY-MM-DD`.
    pub said_on: Option<String>,
    /// Where in the recording.
    pub timecode: Option<String>,
    /// One of [`STATES`].
    pub state: String,
    /// Number of the current revision.
    pub revision: u32,
    /// Latest revision note.
    pub note: Option<String>,
}

impl Unit {
    fn quote(&self) -> String {
        format!("{}/{}", self.slug, self.id)
    }
    fn is_approved(&self) -> bool {
        matches!(self.state.as_str(), "approved" | "published")
    }
}

/// Interchange formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// XLIFF 2.1.
    Xliff,
    /// XLIFF 1.2.
    Xliff12,
    /// TMX 1.4b (export only).
    Tmx,
    /// CSV, RFC 4180.
    Csv,
    /// JSON Lines.
    Json,
}

impl Format {
    /// `xliff`, `xliff12`, `tmx`, `csv`, `json` (case-insensitive; also
    /// `xliff2`, `xliff21`, `xliff-2.1`, `xliff-1.2`, `xlf`, `jsonl`, `ndjson`).
    pub fn from_name(s: &str) -> Option<Format> {
        match s.trim().to_ascii_lowercase().as_str() {
            "xliff" | "xliff2" | "xliff21" | "xliff-2.1" | "xliff2.1" | "xlf" => {
                Some(Format::Xliff)
            }
            "xliff12" | "xliff-1.2" | "xliff1.2" => Some(Format::Xliff12),
            "tmx" => Some(Format::Tmx),
            "csv" => Some(Format::Csv),
            "json" | "jsonl" | "ndjson" => Some(Format::Json),
            _ => None,
        }
    }

    /// The canonical name accepted by [`Format::from_name`].
    pub fn name(self) -> &'static str {
        match self {
            Format::Xliff => "xliff",
            Format::Xliff12 => "xliff12",
            Format::Tmx => "tmx",
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }

    /// Conventional file extension (without dot).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Xliff | Format::Xliff12 => "xlf",
            Format::Tmx => "tmx",
            Format::Csv => "csv",
            Format::Json => "jsonl",
        }
    }

    /// Guess the format of a file. XML content decides by its root element
    /// (`<xliff>` 1.x vs 2.x, `<tmx>`); otherwise the extension decides
    /// (`.csv`, `.json`/`.jsonl`/`.ndjson`; `.xlf`/`.xliff` only when the
    /// content could not be sniffed); otherwise a leading `{` means JSON and a
    /// first line naming `quote` and `translation` columns means CSV.
    pub fn detect(path: &str, bytes: &[u8]) -> Option<Format> {
        let head = &bytes[..bytes.len().min(64 * 1024)];
        let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        let text = String::from_utf8_lossy(head);
        let trimmed = text.trim_start();
        if trimmed.starts_with('<')
            && let Some(f) = sniff_xml(trimmed)
        {
            return Some(f);
        }
        let ext = path
            .rsplit(['/', '\\'])
            .next()
            .and_then(|name| name.rsplit_once('.'))
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "csv" => return Some(Format::Csv),
            "json" | "jsonl" | "ndjson" => return Some(Format::Json),
            "tmx" => return Some(Format::Tmx),
            "xlf" | "xliff" => {
                return Some(if trimmed.contains("version=\"1.") {
                    Format::Xliff12
                } else {
                    Format::Xliff
                });
            }
            _ => {}
        }
        if trimmed.starts_with('{') {
            return Some(Format::Json);
        }
        let first = trimmed.lines().next().unwrap_or("");
        let cols: Vec<String> = first
            .split([',', ';'])
            .map(|c| c.trim().trim_matches('"').to_ascii_lowercase())
            .collect();
        if cols.iter().any(|c| c == "quote") && cols.iter().any(|c| c == "translation") {
            return Some(Format::Csv);
        }
        None
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Find the root start tag, skipping the XML declaration, comments, PIs and a
/// DOCTYPE, and decide the format from it.
fn sniff_xml(text: &str) -> Option<Format> {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("<?") {
            rest = &r[r.find("?>")? + 2..];
        } else if let Some(r) = rest.strip_prefix("<!--") {
            rest = &r[r.find("-->")? + 3..];
        } else if rest.starts_with("<!") {
            // DOCTYPE, possibly with an internal subset.
            let close = match (rest.find('['), rest.find('>')) {
                (Some(b), Some(g)) if b < g => rest[b..].find("]")? + b,
                _ => 0,
            };
            rest = &rest[close + rest[close..].find('>')? + 1..];
        } else if rest.starts_with('<') {
            break;
        } else {
            return None;
        }
    }
    let tag_end = rest.find('>').unwrap_or(rest.len());
    let tag = &rest[1..tag_end];
    let name_end = tag
        .find(|c: char| c.is_whitespace() || c == '/')
        .unwrap_or(tag.len());
    let name = &tag[..name_end];
    let local = name.rsplit(':').next().unwrap_or(name);
    match local {
        "tmx" => Some(Format::Tmx),
        "xliff" => {
            if tag.contains(NS_XLIFF12) {
                Some(Format::Xliff12)
            } else if tag.contains(NS_XLIFF2) {
                Some(Format::Xliff)
            } else if tag.contains("version=\"1.") || tag.contains("version='1.") {
                Some(Format::Xliff12)
            } else if tag.contains("version=\"2.") || tag.contains("version='2.") {
                Some(Format::Xliff)
            } else {
                None
            }
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------

/// Write `units` in `format`. `source_lang`/`target_lang` are the document
/// languages (e.g. `es`, `en`). XML formats validate every text first and write
/// nothing if one cannot be represented (see module docs).
pub fn export(
    units: &[Unit],
    format: Format,
    source_lang: &str,
    target_lang: &str,
    out: &mut dyn Write,
) -> io::Result<()> {
    check_lang_arg(source_lang)?;
    check_lang_arg(target_lang)?;
    for u in units {
        check_unit(u)?;
    }
    match format {
        Format::Xliff | Format::Xliff12 | Format::Tmx => {
            for u in units {
                if format != Format::Tmx || (u.is_approved() && u.translation.is_some()) {
                    check_xml_unit(u)?;
                }
            }
            let doc = match format {
                Format::Xliff => xliff2_document(units, source_lang, target_lang),
                Format::Xliff12 => xliff12_document(units, source_lang, target_lang),
                _ => tmx_document(units, source_lang, target_lang),
            };
            out.write_all(doc.as_bytes())?;
            out.flush()
        }
        Format::Csv => export_csv(units, out),
        Format::Json => export_json(units, out),
    }
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg)
}

fn check_lang_arg(lang: &str) -> io::Result<()> {
    if lang.is_empty()
        || !lang
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(invalid(format!(
            "invalid language tag {lang:?} (expected something like \"es\" or \"en-US\")"
        )));
    }
    Ok(())
}

fn check_unit(u: &Unit) -> io::Result<()> {
    if u.slug.is_empty() || u.id.is_empty() || u.id.contains('/') {
        return Err(invalid(format!(
            "quote {:?}: slug and id must be non-empty and the id must not contain '/'",
            u.quote()
        )));
    }
    if !STATES.contains(&u.state.as_str()) {
        return Err(invalid(format!(
            "quote {}: unknown state {:?} (expected one of {})",
            u.quote(),
            u.state,
            STATES.join(", ")
        )));
    }
    Ok(())
}

/// Characters XML 1.0 can carry.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn check_xml_unit(u: &Unit) -> io::Result<()> {
    let fields: [(&str, Option<&str>); 13] = [
        ("slug", Some(&u.slug)),
        ("id", Some(&u.id)),
        ("source_lang", Some(&u.source_lang)),
        ("target_lang", Some(&u.target_lang)),
        ("original", Some(&u.original)),
        ("translation", u.translation.as_deref()),
        ("speaker", Some(&u.speaker)),
        ("source", u.source.as_deref()),
        ("source_url", u.source_url.as_deref()),
        ("said_on", u.said_on.as_deref()),
        ("timecode", u.timecode.as_deref()),
        ("state", Some(&u.state)),
        ("note", u.note.as_deref()),
    ];
    for (name, value) in fields {
        let Some(value) = value else { continue };
        if let Some((pos, c)) = value.chars().enumerate().find(|(_, c)| !is_xml_char(*c)) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "quote {}: field `{name}` contains U+{:04X} at character {}, which XML 1.0 cannot \
                     carry; remove it or export as csv/json",
                    u.quote(),
                    u32::from(c),
                    pos + 1
                ),
            ));
        }
    }
    Ok(())
}

fn esc_text(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}

fn esc_attr(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}

/// Small helper that writes indented XML into a string.
struct XmlOut {
    buf: String,
}

impl XmlOut {
    fn new() -> Self {
        XmlOut {
            buf: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
        }
    }
    fn tag(&mut self, depth: usize, name: &str, attrs: &[(&str, &str)], close: bool) {
        for _ in 0..depth {
            self.buf.push_str("  ");
        }
        self.buf.push('<');
        self.buf.push_str(name);
        for (k, v) in attrs {
            self.buf.push(' ');
            self.buf.push_str(k);
            self.buf.push_str("=\"");
            esc_attr(v, &mut self.buf);
            self.buf.push('"');
        }
        self.buf.push_str(if close { "/>\n" } else { ">\n" });
    }
    fn open(&mut self, depth: usize, name: &str, attrs: &[(&str, &str)]) {
        self.tag(depth, name, attrs, false);
    }
    fn empty(&mut self, depth: usize, name: &str, attrs: &[(&str, &str)]) {
        self.tag(depth, name, attrs, true);
    }
    fn close(&mut self, depth: usize, name: &str) {
        for _ in 0..depth {
            self.buf.push_str("  ");
        }
        self.buf.push_str("</");
        self.buf.push_str(name);
        self.buf.push_str(">\n");
    }
    /// `<name attrs>text</name>` on one line (text written verbatim, escaped).
    fn leaf(&mut self, depth: usize, name: &str, attrs: &[(&str, &str)], text: &str) {
        for _ in 0..depth {
            self.buf.push_str("  ");
        }
        self.buf.push('<');
        self.buf.push_str(name);
        for (k, v) in attrs {
            self.buf.push(' ');
            self.buf.push_str(k);
            self.buf.push_str("=\"");
            esc_attr(v, &mut self.buf);
            self.buf.push('"');
        }
        self.buf.push('>');
        esc_text(text, &mut self.buf);
        self.buf.push_str("</");
        self.buf.push_str(name);
        self.buf.push_str(">\n");
    }
}

/// Group units by slug, keeping first-appearance order.
fn by_slug(units: &[Unit]) -> Vec<(&str, Vec<&Unit>)> {
    let mut groups: Vec<(&str, Vec<&Unit>)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for u in units {
        let i = *index.entry(u.slug.as_str()).or_insert_with(|| {
            groups.push((u.slug.as_str(), Vec::new()));
            groups.len() - 1
        });
        if let Some(g) = groups.get_mut(i) {
            g.1.push(u);
        }
    }
    groups
}

/// Metadata carried as notes: (category, value).
fn unit_notes(u: &Unit, source_lang: &str) -> Vec<(&'static str, String)> {
    let mut notes = vec![("speaker", u.speaker.clone())];
    let optional = [
        ("source", &u.source),
        ("source-url", &u.source_url),
        ("said-on", &u.said_on),
        ("timecode", &u.timecode),
    ];
    for (k, v) in optional {
        if let Some(v) = v {
            notes.push((k, v.clone()));
        }
    }
    notes.push(("state", u.state.clone()));
    notes.push(("revision", u.revision.to_string()));
    if let Some(n) = &u.note {
        notes.push(("revision-note", n.clone()));
    }
    if !u.source_lang.eq_ignore_ascii_case(source_lang) {
        notes.push(("source-language", u.source_lang.clone()));
    }
    notes
}

fn xliff2_state(state: &str) -> &'static str {
    match state {
        "approved" | "published" => "final",
        _ => "translated",
    }
}

fn xliff12_state(state: &str) -> &'static str {
    match state {
        "approved" => "signed-off",
        "published" => "final",
        _ => "needs-review-translation",
    }
}

fn xliff2_document(units: &[Unit], src: &str, tgt: &str) -> String {
    let mut x = XmlOut::new();
    x.open(
        0,
        "xliff",
        &[
            ("xmlns", NS_XLIFF2),
            ("version", "2.1"),
            ("srcLang", src),
            ("trgLang", tgt),
        ],
    );
    for (slug, group) in by_slug(units) {
        x.open(1, "file", &[("id", slug), ("original", slug)]);
        for u in group {
            let quote = u.quote();
            let mut attrs = vec![("id", u.id.as_str()), ("name", quote.as_str())];
            if u.translation.is_none() {
                attrs.push(("translate", "no"));
            }
            x.open(2, "unit", &attrs);
            x.open(3, "notes", &[]);
            for (category, value) in unit_notes(u, src) {
                x.leaf(4, "note", &[("category", category)], &value);
            }
            x.close(3, "notes");
            let sub = format!("verbatim:{}", u.state);
            x.open(
                3,
                "segment",
                &[("state", xliff2_state(&u.state)), ("subState", &sub)],
            );
            let target = u.translation.as_deref().unwrap_or(&u.original);
            x.leaf(4, "source", &[("xml:space", "preserve")], &u.original);
            x.leaf(4, "target", &[("xml:space", "preserve")], target);
            x.close(3, "segment");
            x.close(2, "unit");
        }
        x.close(1, "file");
    }
    x.close(0, "xliff");
    x.buf
}

fn xliff12_document(units: &[Unit], src: &str, tgt: &str) -> String {
    let mut x = XmlOut::new();
    x.open(0, "xliff", &[("version", "1.2"), ("xmlns", NS_XLIFF12)]);
    for (slug, group) in by_slug(units) {
        x.open(
            1,
            "file",
            &[
                ("original", slug),
                ("source-language", src),
                ("target-language", tgt),
                ("datatype", "plaintext"),
            ],
        );
        x.open(2, "header", &[]);
        x.empty(
            3,
            "tool",
            &[("tool-id", "verbatim"), ("tool-name", "verbatim")],
        );
        x.close(2, "header");
        x.open(2, "body", &[]);
        for u in group {
            let quote = u.quote();
            let mut attrs = vec![("id", quote.as_str()), ("resname", u.id.as_str())];
            if u.is_approved() {
                attrs.push(("approved", "yes"));
            }
            if u.translation.is_none() {
                attrs.push(("translate", "no"));
            }
            attrs.push(("xml:space", "preserve"));
            x.open(3, "trans-unit", &attrs);
            x.leaf(4, "source", &[("xml:lang", src)], &u.original);
            let target = u.translation.as_deref().unwrap_or(&u.original);
            x.leaf(
                4,
                "target",
                &[("xml:lang", tgt), ("state", xliff12_state(&u.state))],
                target,
            );
            for (from, value) in unit_notes(u, src) {
                x.leaf(4, "note", &[("from", from)], &value);
            }
            x.close(3, "trans-unit");
        }
        x.close(2, "body");
        x.close(1, "file");
    }
    x.close(0, "xliff");
    x.buf
}

fn tmx_document(units: &[Unit], src: &str, tgt: &str) -> String {
    let mut x = XmlOut::new();
    x.open(0, "tmx", &[("version", "1.4")]);
    x.empty(
        1,
        "header",
        &[
            ("creationtool", "verbatim"),
            ("creationtoolversion", env!("CARGO_PKG_VERSION")),
            ("datatype", "plaintext"),
            ("segtype", "sentence"),
            ("adminlang", "en"),
            ("srclang", src),
            ("o-tmf", "verbatim"),
        ],
    );
    x.open(1, "body", &[]);
    for u in units.iter().filter(|u| u.is_approved()) {
        let Some(translation) = &u.translation else {
            continue;
        };
        let quote = u.quote();
        x.open(2, "tu", &[("tuid", &quote)]);
        x.leaf(3, "prop", &[("type", "x-speaker")], &u.speaker);
        x.leaf(3, "prop", &[("type", "x-article")], &u.slug);
        x.leaf(3, "prop", &[("type", "x-state")], &u.state);
        x.leaf(
            3,
            "prop",
            &[("type", "x-revision")],
            &u.revision.to_string(),
        );
        if let Some(d) = &u.said_on {
            x.leaf(3, "prop", &[("type", "x-said-on")], d);
        }
        x.open(3, "tuv", &[("xml:lang", src)]);
        x.leaf(4, "seg", &[], &u.original);
        x.close(3, "tuv");
        x.open(3, "tuv", &[("xml:lang", tgt)]);
        x.leaf(4, "seg", &[], translation);
        x.close(3, "tuv");
        x.close(2, "tu");
    }
    x.close(1, "body");
    x.close(0, "tmx");
    x.buf
}

/// CSV columns, in order.
pub const CSV_COLUMNS: [&str; 13] = [
    "quote",
    "state",
    "revision",
    "speaker",
    "source_lang",
    "original",
    "target_lang",
    "translation",
    "source",
    "source_url",
    "said_on",
    "timecode",
    "note",
];

fn export_csv(units: &[Unit], out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(CSV_COLUMNS).map_err(io::Error::other)?;
    for u in units {
        let revision = u.revision.to_string();
        let opt = |o: &Option<String>| o.clone().unwrap_or_default();
        let row = [
            u.quote(),
            u.state.clone(),
            revision,
            u.speaker.clone(),
            u.source_lang.clone(),
            u.original.clone(),
            u.target_lang.clone(),
            opt(&u.translation),
            opt(&u.source),
            opt(&u.source_url),
            opt(&u.said_on),
            opt(&u.timecode),
            opt(&u.note),
        ];
        w.write_record(&row).map_err(io::Error::other)?;
    }
    w.flush()
}

#[derive(serde::Serialize)]
struct JsonRecord<'a> {
    quote: String,
    #[serde(flatten)]
    unit: &'a Unit,
}

fn export_json(units: &[Unit], out: &mut dyn Write) -> io::Result<()> {
    for u in units {
        let rec = JsonRecord {
            quote: u.quote(),
            unit: u,
        };
        serde_json::to_writer(&mut *out, &rec).map_err(io::Error::other)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

// ---------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------

/// What an import file says about one quote.
#[derive(Debug, Clone, PartialEq)]
pub struct Incoming {
    /// The article's slug.
    pub slug: String,
    /// The quote's id within its article.
    pub id: String,
    /// The target text the file holds (never blank).
    pub target: String,
    /// 1-based line where the unit/row starts in the file.
    pub line: usize,
}

fn at(line: &usize, column: &Option<usize>) -> String {
    match column {
        Some(c) => format!("line {line}, column {c}"),
        None => format!("line {line}"),
    }
}

/// Why an import file was refused. Lines and columns are 1-based; whole-file
/// conditions (unsupported format) report line 1.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file exceeds [`MAX_IMPORT_BYTES`].
    #[error(
        "line {line}: file is too large ({size} bytes; the limit is {limit} bytes), nothing was read"
    )]
    TooLarge {
        /// Size of the file in bytes.
        size: usize,
        /// [`MAX_IMPORT_BYTES`].
        limit: usize,
        /// Line at which the limit is crossed.
        line: usize,
    },
    /// The format cannot be imported (TMX).
    #[error("line {line}: cannot import {format}: {message}")]
    Unsupported {
        /// The format asked for.
        format: Format,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// Not UTF-8.
    #[error("{}: encoding error: {message}", at(.line, .column))]
    Encoding {
        /// 1-based line.
        line: usize,
        /// 1-based column in characters, where known.
        column: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// Not well-formed XML.
    #[error("{}: malformed XML: {message}", at(.line, .column))]
    Xml {
        /// 1-based line.
        line: usize,
        /// 1-based column in characters, where known.
        column: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// A DOCTYPE, DTD or entity declaration.
    #[error(
        "{}: DOCTYPE/DTD and entity declarations are refused (only the five predefined entities and numeric character references are allowed)",
        at(.line, .column)
    )]
    Dtd {
        /// 1-based line.
        line: usize,
        /// 1-based column in characters, where known.
        column: Option<usize>,
    },
    /// Well-formed, but not the expected document.
    #[error("{}: unexpected document structure: {message}", at(.line, .column))]
    Structure {
        /// 1-based line.
        line: usize,
        /// 1-based column in characters, where known.
        column: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// The file is for other languages than the newsroom's.
    #[error(
        "{}: wrong languages: expected {expected_source}→{expected_target}, file says {found_source}→{found_target}",
        at(.line, .column)
    )]
    Languages {
        /// 1-based line.
        line: usize,
        /// 1-based column in characters, where known.
        column: Option<usize>,
        /// Source language the newsroom expects.
        expected_source: String,
        /// Target language the newsroom expects.
        expected_target: String,
        /// Source language the file declares.
        found_source: String,
        /// Target language the file declares.
        found_target: String,
    },
    /// A unit or row without a usable `slug/id`.
    #[error("{}: missing or invalid quote id: {message}", at(.line, .column))]
    MissingId {
        /// 1-based line.
        line: usize,
        /// 1-based column in characters, where known.
        column: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// The same quote twice.
    #[error("line {line}: quote {quote} appears twice (first at line {first_line})")]
    Duplicate {
        /// 1-based line.
        line: usize,
        /// The quote, as `slug/id`.
        quote: String,
        /// Line of its first appearance.
        first_line: usize,
    },
    /// The CSV header lacks a required column.
    #[error("line {line}: bad CSV header: {message}")]
    CsvHeader {
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A CSV row cannot be read.
    #[error("line {line}: bad CSV row: {message}")]
    CsvRow {
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A JSON line cannot be read.
    #[error("{}: JSON error: {message}", at(.line, .column))]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column in characters, where known.
        column: Option<usize>,
        /// What is wrong.
        message: String,
    },
}

impl ImportError {
    /// 1-based line the error refers to.
    pub fn line(&self) -> usize {
        match self {
            ImportError::TooLarge { line, .. }
            | ImportError::Unsupported { line, .. }
            | ImportError::Encoding { line, .. }
            | ImportError::Xml { line, .. }
            | ImportError::Dtd { line, .. }
            | ImportError::Structure { line, .. }
            | ImportError::Languages { line, .. }
            | ImportError::MissingId { line, .. }
            | ImportError::Duplicate { line, .. }
            | ImportError::CsvHeader { line, .. }
            | ImportError::CsvRow { line, .. }
            | ImportError::Json { line, .. } => *line,
        }
    }

    /// 1-based column (in characters), where known.
    pub fn column(&self) -> Option<usize> {
        match self {
            ImportError::Encoding { column, .. }
            | ImportError::Xml { column, .. }
            | ImportError::Dtd { column, .. }
            | ImportError::Structure { column, .. }
            | ImportError::Languages { column, .. }
            | ImportError::MissingId { column, .. }
            | ImportError::Json { column, .. } => *column,
            _ => None,
        }
    }
}

/// Read the target texts of a file. Returns one [`Incoming`] per quote that
/// has a non-blank target, in file order. Never reads approvals or states.
pub fn parse_import(
    bytes: &[u8],
    format: Format,
    source_lang: &str,
    target_lang: &str,
) -> Result<Vec<Incoming>, ImportError> {
    if bytes.len() > MAX_IMPORT_BYTES {
        let line = bytes
            .get(..MAX_IMPORT_BYTES)
            .unwrap_or(bytes)
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        return Err(ImportError::TooLarge {
            size: bytes.len(),
            limit: MAX_IMPORT_BYTES,
            line,
        });
    }
    if format == Format::Tmx {
        return Err(ImportError::Unsupported {
            format,
            line: 1,
            message: "TMX is export-only; import xliff, xliff12, csv or json".into(),
        });
    }
    let text = decode_utf8(bytes)?;
    let langs = Langs {
        source: source_lang,
        target: target_lang,
    };
    let mut lines = LineIndex::new(text.as_bytes());
    let mut sink = Sink::default();
    match format {
        Format::Xliff | Format::Xliff12 => {
            let root = parse_xml(text, &mut lines)?;
            let mut walker = Walker {
                lines: &mut lines,
                sink: &mut sink,
                ns: root.ns.clone(),
            };
            if format == Format::Xliff {
                walker.xliff2(&root, langs)?;
            } else {
                walker.xliff12(&root, langs)?;
            }
        }
        Format::Csv => import_csv(text, langs, &mut sink)?,
        Format::Json => import_json(text, langs, &mut sink)?,
        Format::Tmx => {}
    }
    Ok(sink.out)
}

#[derive(Clone, Copy)]
struct Langs<'a> {
    source: &'a str,
    target: &'a str,
}

impl Langs<'_> {
    fn check(
        &self,
        found_source: &str,
        found_target: &str,
        line: usize,
        column: Option<usize>,
    ) -> Result<(), ImportError> {
        if lang_matches(self.source, found_source) && lang_matches(self.target, found_target) {
            return Ok(());
        }
        let show = |s: &str| {
            if s.is_empty() {
                "(none)".to_string()
            } else {
                s.to_string()
            }
        };
        Err(ImportError::Languages {
            line,
            column,
            expected_source: self.source.to_string(),
            expected_target: self.target.to_string(),
            found_source: show(found_source),
            found_target: show(found_target),
        })
    }
}

fn lang_matches(expected: &str, found: &str) -> bool {
    let norm = |s: &str| s.trim().replace('_', "-").to_ascii_lowercase();
    let (e, f) = (norm(expected), norm(found));
    !e.is_empty() && (f == e || f.strip_prefix(&e).is_some_and(|r| r.starts_with('-')))
}

/// Collects results and refuses duplicates.
#[derive(Default)]
struct Sink {
    out: Vec<Incoming>,
    seen: HashMap<(String, String), usize>,
}

impl Sink {
    fn push(&mut self, inc: Incoming) -> Result<(), ImportError> {
        let key = (inc.slug.clone(), inc.id.clone());
        if let Some(first) = self.seen.get(&key) {
            return Err(ImportError::Duplicate {
                line: inc.line,
                quote: format!("{}/{}", inc.slug, inc.id),
                first_line: *first,
            });
        }
        self.seen.insert(key, inc.line);
        self.out.push(inc);
        Ok(())
    }
}

fn split_quote(quote: &str) -> Option<(String, String)> {
    let quote = quote.trim();
    let (slug, id) = quote.rsplit_once('/')?;
    if slug.is_empty() || id.is_empty() {
        return None;
    }
    Some((slug.to_string(), id.to_string()))
}

fn is_blank(s: &str) -> bool {
    s.trim().is_empty()
}

fn decode_utf8(bytes: &[u8]) -> Result<&str, ImportError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(ImportError::Encoding {
            line: 1,
            column: Some(1),
            message: "file is UTF-16; save it as UTF-8".into(),
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = LineIndex::new(bytes).pos(e.valid_up_to());
        ImportError::Encoding {
            line,
            column: Some(column),
            message: "invalid UTF-8 byte sequence (only UTF-8 files are accepted)".into(),
        }
    })
}

/// Maps byte offsets to 1-based (line, column); fast for increasing offsets.
struct LineIndex<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: usize,
    line_start: usize,
}

impl<'a> LineIndex<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineIndex {
            bytes,
            offset: 0,
            line: 1,
            line_start: 0,
        }
    }

    fn pos(&mut self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.bytes.len());
        if offset < self.offset {
            self.offset = 0;
            self.line = 1;
            self.line_start = 0;
        }
        let chunk = self.bytes.get(self.offset..offset).unwrap_or(&[]);
        for (i, b) in chunk.iter().enumerate() {
            if *b == b'\n' {
                self.line += 1;
                self.line_start = self.offset + i + 1;
            }
        }
        self.offset = offset;
        let column = self
            .bytes
            .get(self.line_start..offset)
            .unwrap_or(&[])
            .iter()
            .filter(|b| (**b & 0xC0) != 0x80)
            .count()
            + 1;
        (self.line, column)
    }
}

// --- XML: a small owned tree, built without recursion --------------------

struct Elem {
    ns: Option<String>,
    name: String,
    attrs: Vec<(Option<String>, String, String)>,
    children: Vec<Node>,
    offset: usize,
}

enum Node {
    Elem(Elem),
    Text(String),
}

impl Elem {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(ns, n, _)| ns.is_none() && n == name)
            .map(|(_, _, v)| v.as_str())
    }
    fn elems(&self) -> impl Iterator<Item = &Elem> {
        self.children.iter().filter_map(|c| match c {
            Node::Elem(e) => Some(e),
            Node::Text(_) => None,
        })
    }
}

fn xml_err(lines: &mut LineIndex, offset: usize, message: String) -> ImportError {
    let (line, column) = lines.pos(offset);
    ImportError::Xml {
        line,
        column: Some(column),
        message,
    }
}

fn check_chars(lines: &mut LineIndex, offset: usize, s: &str) -> Result<(), ImportError> {
    match s.chars().find(|c| !is_xml_char(*c)) {
        Some(c) => Err(xml_err(
            lines,
            offset,
            format!("character U+{:04X} is not allowed in XML 1.0", u32::from(c)),
        )),
        None => Ok(()),
    }
}

fn owned_ns(r: ResolveResult<'_>) -> Result<Option<String>, String> {
    match r {
        ResolveResult::Unbound => Ok(None),
        ResolveResult::Bound(ns) => Ok(Some(ns.0.to_string())),
        ResolveResult::Unknown(p) => Err(format!("undeclared namespace prefix `{p}`")),
    }
}

fn push_text(stack: &mut [Elem], s: &str) {
    if let Some(top) = stack.last_mut() {
        if let Some(Node::Text(t)) = top.children.last_mut() {
            t.push_str(s);
        } else {
            top.children.push(Node::Text(s.to_string()));
        }
    }
}

fn parse_xml(text: &str, lines: &mut LineIndex) -> Result<Elem, ImportError> {
    let mut reader = NsReader::from_str(text);
    {
        let cfg = reader.config_mut();
        cfg.check_end_names = true;
        cfg.check_comments = true;
        cfg.expand_empty_elements = false;
        cfg.trim_text(false);
    }
    let mut stack: Vec<Elem> = Vec::new();
    let mut root: Option<Elem> = None;
    loop {
        let pos = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let (ns, event) = match reader.read_resolved_event() {
            Ok((ns, ev)) => (owned_ns(ns), ev),
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(pos);
                return Err(xml_err(lines, at, e.to_string()));
            }
        };
        match event {
            Event::Decl(d) => {
                if let Some(Ok(enc)) = d.encoding() {
                    let enc = enc.to_ascii_lowercase();
                    if enc != "utf-8" && enc != "utf8" {
                        let (line, column) = lines.pos(pos);
                        return Err(ImportError::Encoding {
                            line,
                            column: Some(column),
                            message: format!(
                                "declared encoding {enc:?} is not supported; save the file as UTF-8"
                            ),
                        });
                    }
                }
            }
            Event::DocType(_) => {
                let (line, column) = lines.pos(pos);
                return Err(ImportError::Dtd {
                    line,
                    column: Some(column),
                });
            }
            Event::Start(ref s) | Event::Empty(ref s) => {
                let is_empty = matches!(event, Event::Empty(_));
                let ns = ns.map_err(|m| xml_err(lines, pos, m))?;
                if stack.is_empty() && root.is_some() {
                    return Err(xml_err(
                        lines,
                        pos,
                        "more than one root element".to_string(),
                    ));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(xml_err(
                        lines,
                        pos,
                        format!("elements nested deeper than {MAX_DEPTH} levels"),
                    ));
                }
                let name = s.local_name().as_ref().to_string();
                let mut attrs = Vec::new();
                for a in s.attributes() {
                    let a = a.map_err(|e| xml_err(lines, pos, e.to_string()))?;
                    if a.key.as_ref() == "xmlns" || a.key.as_ref().starts_with("xmlns:") {
                        continue;
                    }
                    let (ans, local) = reader.resolver().resolve_attribute(a.key);
                    let ans = owned_ns(ans).map_err(|m| xml_err(lines, pos, m))?;
                    let local = local.as_ref().to_string();
                    let value = a
                        .normalized_value(XmlVersion::Implicit1_0)
                        .map_err(|e| xml_err(lines, pos, e.to_string()))?;
                    check_chars(lines, pos, &value)?;
                    attrs.push((ans, local, value.into_owned()));
                }
                let elem = Elem {
                    ns,
                    name,
                    attrs,
                    children: Vec::new(),
                    offset: pos,
                };
                if is_empty {
                    attach(&mut stack, &mut root, elem);
                } else {
                    stack.push(elem);
                }
            }
            Event::End(_) => match stack.pop() {
                Some(e) => attach(&mut stack, &mut root, e),
                None => {
                    return Err(xml_err(lines, pos, "unexpected closing tag".to_string()));
                }
            },
            Event::Text(t) => {
                let s = t.xml10_content();
                check_chars(lines, pos, &s)?;
                if stack.is_empty() {
                    if !s.chars().all(|c| matches!(c, ' ' | '\t' | '\n' | '\r')) {
                        return Err(xml_err(
                            lines,
                            pos,
                            "text outside the root element".to_string(),
                        ));
                    }
                } else {
                    push_text(&mut stack, &s);
                }
            }
            Event::CData(c) => {
                let s = c.xml10_content();
                check_chars(lines, pos, &s)?;
                if stack.is_empty() {
                    return Err(xml_err(
                        lines,
                        pos,
                        "CDATA outside the root element".to_string(),
                    ));
                }
                push_text(&mut stack, &s);
            }
            Event::GeneralRef(r) => {
                let resolved: String = match r.resolve_char_ref() {
                    Ok(Some(c)) => {
                        if !is_xml_char(c) {
                            return Err(xml_err(
                                lines,
                                pos,
                                format!(
                                    "character reference &{}; (U+{:04X}) is not allowed in XML 1.0",
                                    &*r,
                                    u32::from(c)
                                ),
                            ));
                        }
                        c.to_string()
                    }
                    Ok(None) => match &*r {
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "amp" => "&".into(),
                        "apos" => "'".into(),
                        "quot" => "\"".into(),
                        other => {
                            return Err(xml_err(
                                lines,
                                pos,
                                format!(
                                    "undefined entity &{other}; (only &lt; &gt; &amp; &apos; &quot; and numeric character references are allowed)"
                                ),
                            ));
                        }
                    },
                    Err(e) => return Err(xml_err(lines, pos, e.to_string())),
                };
                if stack.is_empty() {
                    return Err(xml_err(
                        lines,
                        pos,
                        "reference outside the root element".to_string(),
                    ));
                }
                push_text(&mut stack, &resolved);
            }
            Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        let (line, _) = lines.pos(open.offset);
        return Err(xml_err(
            lines,
            text.len(),
            format!(
                "unexpected end of file: <{}> opened at line {line} is not closed",
                open.name
            ),
        ));
    }
    root.ok_or_else(|| xml_err(lines, text.len(), "no root element".to_string()))
}

fn attach(stack: &mut [Elem], root: &mut Option<Elem>, elem: Elem) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(Node::Elem(elem)),
        None => *root = Some(elem),
    }
}

// --- XLIFF walkers ---------------------------------------------------------

/// Effective `translate="no"` of an element, inheriting from its parent.
fn locked(e: &Elem, inherited: bool) -> bool {
    match e.attr("translate") {
        Some("no") => true,
        Some("yes") => false,
        _ => inherited,
    }
}

struct Walker<'l, 'b> {
    lines: &'l mut LineIndex<'b>,
    sink: &'l mut Sink,
    /// Namespace of the root element; XLIFF elements must share it.
    ns: Option<String>,
}

impl Walker<'_, '_> {
    fn is(&self, e: &Elem, name: &str) -> bool {
        e.name == name && e.ns == self.ns
    }

    fn structure(&mut self, e: &Elem, message: String) -> ImportError {
        let (line, column) = self.lines.pos(e.offset);
        ImportError::Structure {
            line,
            column: Some(column),
            message,
        }
    }

    fn missing_id(&mut self, e: &Elem, message: String) -> ImportError {
        let (line, column) = self.lines.pos(e.offset);
        ImportError::MissingId {
            line,
            column: Some(column),
            message,
        }
    }

    fn check_langs(
        &mut self,
        e: &Elem,
        langs: Langs,
        src: &str,
        tgt: &str,
    ) -> Result<(), ImportError> {
        let (line, column) = self.lines.pos(e.offset);
        langs.check(src, tgt, line, Some(column))
    }

    fn xliff2(&mut self, root: &Elem, langs: Langs) -> Result<(), ImportError> {
        let version = root.attr("version").unwrap_or("");
        if root.name != "xliff" {
            let m = format!("root element is <{}>, expected <xliff>", root.name);
            return Err(self.structure(root, m));
        }
        if root.ns.as_deref() == Some(NS_XLIFF12) || version.starts_with("1.") {
            let m = "this is an XLIFF 1.x file; import it with format xliff12".to_string();
            return Err(self.structure(root, m));
        }
        if root.ns.as_deref() != Some(NS_XLIFF2) {
            let m = format!("<xliff> must be in namespace {NS_XLIFF2}");
            return Err(self.structure(root, m));
        }
        if !version.starts_with("2.") {
            let m = format!("unsupported XLIFF version {version:?} (expected 2.0 or 2.1)");
            return Err(self.structure(root, m));
        }
        let src = root.attr("srcLang").unwrap_or("");
        let tgt = root.attr("trgLang").unwrap_or("");
        self.check_langs(root, langs, src, tgt)?;
        let ns = self.ns.clone();
        for file in root.elems().filter(|e| e.name == "file" && e.ns == ns) {
            let Some(slug) = file.attr("id").filter(|s| !s.trim().is_empty()) else {
                return Err(self.missing_id(file, "<file> without an id (the article slug)".into()));
            };
            let locked = locked(file, false);
            self.container2(file, slug.trim(), locked)?;
        }
        Ok(())
    }

    fn container2(
        &mut self,
        parent: &Elem,
        slug: &str,
        locked_in: bool,
    ) -> Result<(), ImportError> {
        for e in parent.elems() {
            if self.is(e, "group") {
                self.container2(e, slug, locked(e, locked_in))?;
            } else if self.is(e, "unit") {
                self.unit2(e, slug, locked_in)?;
            }
        }
        Ok(())
    }

    fn unit2(&mut self, unit: &Elem, slug: &str, locked_in: bool) -> Result<(), ImportError> {
        let Some(id) = unit.attr("id").map(str::trim).filter(|s| !s.is_empty()) else {
            return Err(self.missing_id(unit, format!("<unit> without an id in file {slug:?}")));
        };
        if locked(unit, locked_in) {
            return Ok(());
        }
        let mut text = String::new();
        let mut any_target = false;
        let mut missing_target = false;
        for part in unit.elems() {
            let is_segment = self.is(part, "segment");
            if !is_segment && !self.is(part, "ignorable") {
                continue;
            }
            let target = part.elems().find(|e| self.is(e, "target"));
            match target {
                Some(t) => {
                    any_target = true;
                    self.inline(t, &mut text, slug, id, true)?;
                }
                None if is_segment => missing_target = true,
                None => {
                    if let Some(s) = part.elems().find(|e| self.is(e, "source")) {
                        self.inline(s, &mut text, slug, id, true)?;
                    }
                }
            }
        }
        if !any_target || is_blank(&text) {
            return Ok(());
        }
        if missing_target {
            let m = format!("unit {slug}/{id} is only partly translated (a segment has no target)");
            return Err(self.structure(unit, m));
        }
        let (line, _) = self.lines.pos(unit.offset);
        self.sink.push(Incoming {
            slug: slug.to_string(),
            id: id.to_string(),
            target: text,
            line,
        })
    }

    /// Collect the plain text of a source/target, flattening text-only wrappers
    /// and refusing inline codes (quotes are plain text).
    fn inline(
        &mut self,
        e: &Elem,
        out: &mut String,
        slug: &str,
        id: &str,
        v2: bool,
    ) -> Result<(), ImportError> {
        for child in &e.children {
            match child {
                Node::Text(t) => out.push_str(t),
                Node::Elem(c) => {
                    let ours = c.ns == self.ns;
                    match c.name.as_str() {
                        "mrk" if ours => self.inline(c, out, slug, id, v2)?,
                        "pc" if ours && v2 => self.inline(c, out, slug, id, v2)?,
                        "g" if ours && !v2 => self.inline(c, out, slug, id, v2)?,
                        "sm" | "em" if ours && v2 => {}
                        "cp" if ours && v2 => {
                            let ch = c
                                .attr("hex")
                                .and_then(|h| u32::from_str_radix(h.trim(), 16).ok())
                                .and_then(char::from_u32);
                            match ch {
                                Some(ch) => out.push(ch),
                                None => {
                                    let m =
                                        format!("<cp> with an invalid hex value in {slug}/{id}");
                                    return Err(self.structure(c, m));
                                }
                            }
                        }
                        other => {
                            let m = format!(
                                "inline element <{other}> in the target of {slug}/{id} is not supported (quotes are plain text)"
                            );
                            return Err(self.structure(c, m));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn xliff12(&mut self, root: &Elem, langs: Langs) -> Result<(), ImportError> {
        let version = root.attr("version").unwrap_or("");
        if root.name != "xliff" {
            let m = format!("root element is <{}>, expected <xliff>", root.name);
            return Err(self.structure(root, m));
        }
        if root.ns.as_deref() == Some(NS_XLIFF2) || version.starts_with("2.") {
            let m = "this is an XLIFF 2 file; import it with format xliff".to_string();
            return Err(self.structure(root, m));
        }
        if root.ns.is_some() && root.ns.as_deref() != Some(NS_XLIFF12) {
            let m = format!("<xliff> must be in namespace {NS_XLIFF12}");
            return Err(self.structure(root, m));
        }
        if !version.starts_with("1.") {
            let m = format!("unsupported XLIFF version {version:?} (expected 1.2)");
            return Err(self.structure(root, m));
        }
        let ns = self.ns.clone();
        for file in root.elems().filter(|e| e.name == "file" && e.ns == ns) {
            let src = file.attr("source-language").unwrap_or("");
            let tgt = file.attr("target-language").unwrap_or("");
            self.check_langs(file, langs, src, tgt)?;
            for body in file.elems().filter(|e| e.name == "body" && e.ns == ns) {
                self.container12(body, false)?;
            }
        }
        Ok(())
    }

    fn container12(&mut self, parent: &Elem, locked_in: bool) -> Result<(), ImportError> {
        for e in parent.elems() {
            if self.is(e, "group") {
                self.container12(e, locked(e, locked_in))?;
            } else if self.is(e, "trans-unit") {
                self.unit12(e, locked_in)?;
            }
        }
        Ok(())
    }

    fn unit12(&mut self, unit: &Elem, locked_in: bool) -> Result<(), ImportError> {
        let raw = unit.attr("id").unwrap_or("");
        let Some((slug, id)) = split_quote(raw) else {
            let m = format!("<trans-unit id={raw:?}> is not of the form \"slug/id\"");
            return Err(self.missing_id(unit, m));
        };
        if locked(unit, locked_in) {
            return Ok(());
        }
        let Some(target) = unit.elems().find(|e| self.is(e, "target")) else {
            return Ok(());
        };
        let mut text = String::new();
        self.inline(target, &mut text, &slug, &id, false)?;
        if is_blank(&text) {
            return Ok(());
        }
        let (line, _) = self.lines.pos(unit.offset);
        self.sink.push(Incoming {
            slug,
            id,
            target: text,
            line,
        })
    }
}

// --- CSV and JSON -----------------------------------------------------------

/// Line of a CSV position. csv's own line counter lags by one after a CRLF
/// terminator, so derive the line from the byte offset, skipping the line
/// break the record start may still point at.
fn csv_line(lines: &mut LineIndex, pos: Option<&csv::Position>) -> usize {
    let Some(pos) = pos else { return 1 };
    let mut byte = usize::try_from(pos.byte()).unwrap_or(usize::MAX);
    while matches!(lines.bytes.get(byte), Some(b'\r' | b'\n')) {
        byte += 1;
    }
    lines.pos(byte).0
}

fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("expected {expected_len} fields like the header, found {len}"),
        _ => e.to_string(),
    }
}

fn import_csv(text: &str, langs: Langs, sink: &mut Sink) -> Result<(), ImportError> {
    let mut lines = LineIndex::new(text.as_bytes());
    let first_line = text.lines().next().unwrap_or("");
    let has = |sep: char, name: &str| {
        first_line
            .split(sep)
            .any(|c| c.trim().trim_matches('"').trim().eq_ignore_ascii_case(name))
    };
    let delimiter = if !has(',', "quote") && has(';', "quote") {
        b';'
    } else {
        b','
    };
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| ImportError::CsvHeader {
            line: 1,
            message: csv_message(&e),
        })?
        .clone();
    let find = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let missing = |col: &str| ImportError::CsvHeader {
        line: 1,
        message: format!(
            "no `{col}` column (header is: {})",
            headers.iter().collect::<Vec<_>>().join(", ")
        ),
    };
    let qi = find("quote").ok_or_else(|| missing("quote"))?;
    let ti = find("translation").ok_or_else(|| missing("translation"))?;
    let si = find("source_lang");
    let gi = find("target_lang");
    for rec in rdr.records() {
        let rec = rec.map_err(|e| ImportError::CsvRow {
            line: csv_line(&mut lines, e.position()),
            message: csv_message(&e),
        })?;
        let line = csv_line(&mut lines, rec.position());
        let quote = rec.get(qi).unwrap_or("");
        let Some((slug, id)) = split_quote(quote) else {
            return Err(ImportError::MissingId {
                line,
                column: None,
                message: format!("`quote` cell {quote:?} is not of the form \"slug/id\""),
            });
        };
        let target = rec.get(ti).unwrap_or("");
        if is_blank(target) {
            continue;
        }
        let src = si.and_then(|i| rec.get(i)).unwrap_or("");
        let tgt = gi.and_then(|i| rec.get(i)).unwrap_or("");
        check_optional_langs(langs, src, tgt, line, None)?;
        sink.push(Incoming {
            slug,
            id,
            target: target.to_string(),
            line,
        })?;
    }
    Ok(())
}

/// Per-row language columns/fields are optional; check whichever are given.
fn check_optional_langs(
    langs: Langs,
    src: &str,
    tgt: &str,
    line: usize,
    column: Option<usize>,
) -> Result<(), ImportError> {
    let src_ok = is_blank(src) || lang_matches(langs.source, src);
    let tgt_ok = is_blank(tgt) || lang_matches(langs.target, tgt);
    if src_ok && tgt_ok {
        return Ok(());
    }
    langs.check(src, tgt, line, column)
}

fn import_json(text: &str, langs: Langs, sink: &mut Sink) -> Result<(), ImportError> {
    for (i, raw) in text.split('\n').enumerate() {
        let line = i + 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if raw.trim().is_empty() {
            continue;
        }
        let json_err = |column: Option<usize>, message: String| ImportError::Json {
            line,
            column,
            message,
        };
        let value: serde_json::Value = serde_json::from_str(raw).map_err(|e| {
            let mut m = e.to_string();
            if let Some(i) = m.rfind(" at line ") {
                m.truncate(i);
            }
            json_err(
                Some(e.column()),
                format!("{m} (expected one JSON object per line, JSON Lines)"),
            )
        })?;
        let serde_json::Value::Object(obj) = value else {
            return Err(json_err(
                Some(1),
                "expected a JSON object (one per line, JSON Lines)".into(),
            ));
        };
        let get = |k: &str| obj.get(k).and_then(|v| v.as_str());
        let from_quote = get("quote").and_then(split_quote);
        let from_parts = match (get("slug"), get("id")) {
            (Some(s), Some(i))
                if !s.trim().is_empty() && !i.trim().is_empty() && !i.contains('/') =>
            {
                Some((s.trim().to_string(), i.trim().to_string()))
            }
            _ => None,
        };
        let (slug, id) = match (from_quote, from_parts) {
            (Some(q), Some(p)) if q != p => {
                return Err(json_err(
                    None,
                    format!(
                        "`quote` {}/{} disagrees with `slug`/`id` {}/{}",
                        q.0, q.1, p.0, p.1
                    ),
                ));
            }
            (Some(q), _) => q,
            (None, Some(p)) => p,
            (None, None) => {
                return Err(ImportError::MissingId {
                    line,
                    column: None,
                    message: "object has no valid `quote` (\"slug/id\") nor `slug` + `id`".into(),
                });
            }
        };
        let target = match obj.get("translation") {
            None | Some(serde_json::Value::Null) => continue,
            Some(serde_json::Value::String(s)) => s,
            Some(_) => {
                return Err(json_err(
                    None,
                    "`translation` must be a string or null".into(),
                ));
            }
        };
        if is_blank(target) {
            continue;
        }
        check_optional_langs(
            langs,
            get("source_lang").unwrap_or(""),
            get("target_lang").unwrap_or(""),
            line,
            None,
        )?;
        sink.push(Incoming {
            slug,
            id,
            target: target.clone(),
            line,
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn unit(
        slug: &str,
        id: &str,
        state: &str,
        original: &str,
        tr: Option<&str>,
    ) -> Unit {
        Unit {
            slug: slug.into(),
            id: id.into(),
            source_lang: if tr.is_some() { "es" } else { "en" }.into(),
            target_lang: "en".into(),
            original: original.into(),
            translation: tr.map(Into::into),
            speaker: "Ana Pérez".into(),
            source: Some("Rueda de prensa".into()),
            source_url: Some("https://example.org/a?b=1&c=2".into()),
            said_on: Some("2024-05-01".into()),
            timecode: Some("00:01:02".into()),
            state: state.into(),
            revision: 3,
            note: Some("fixed \"typo\"\nline two".into()),
        }
    }

    #[test]
    fn lang_matching() {
        assert!(lang_matches("es", "es"));
        assert!(lang_matches("es", "ES-mx"));
        assert!(lang_matches("es", "es_MX"));
        assert!(!lang_matches("es", "en"));
        assert!(!lang_matches("es", "esp"));
        assert!(!lang_matches("es-MX", "es"));
        assert!(!lang_matches("", ""));
    }

    #[test]
    fn line_index() {
        let b = "ab\ncñd\n\nx".as_bytes();
        let mut l = LineIndex::new(b);
        assert_eq!(l.pos(0), (1, 1));
        assert_eq!(l.pos(3), (2, 1));
        assert_eq!(l.pos(6), (2, 3));
        assert_eq!(l.pos(9), (4, 1));
        assert_eq!(l.pos(1), (1, 2));
        assert_eq!(l.pos(1000), (4, 2));
    }

    #[test]
    fn names_and_detection() {
        assert_eq!(Format::from_name("XLIFF"), Some(Format::Xliff));
        assert_eq!(Format::from_name("xliff12"), Some(Format::Xliff12));
        assert_eq!(Format::from_name("jsonl"), Some(Format::Json));
        assert_eq!(Format::from_name("po"), None);
        let units = vec![unit("a", "1", "approved", "Hola", Some("Hello"))];
        for f in [
            Format::Xliff,
            Format::Xliff12,
            Format::Tmx,
            Format::Csv,
            Format::Json,
        ] {
            let mut buf = Vec::new();
            export(&units, f, "es", "en", &mut buf).unwrap();
            assert_eq!(Format::detect("export", &buf), Some(f), "{f}");
            assert_eq!(
                Format::detect(&format!("x.{}", f.extension()), &buf),
                Some(f)
            );
        }
        assert_eq!(Format::detect("a.csv", b"whatever"), Some(Format::Csv));
        assert_eq!(Format::detect("a.txt", b"hello"), None);
        assert_eq!(
            Format::detect(
                "a",
                b"<?xml version='1.0'?>\n<!-- c -->\n<xliff version='1.2'>"
            ),
            Some(Format::Xliff12)
        );
    }

    #[test]
    fn refuses_control_characters_in_xml_only() {
        let units = vec![unit("a", "1", "pending", "Hola\u{7}", Some("Hello"))];
        let mut buf = Vec::new();
        let err = export(&units, Format::Xliff, "es", "en", &mut buf).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(err.to_string().contains("U+0007"), "{err}");
        assert!(buf.is_empty());
        // TMX skips the pending unit, so nothing to refuse.
        export(&units, Format::Tmx, "es", "en", &mut buf).unwrap();
        export(&units, Format::Csv, "es", "en", &mut Vec::new()).unwrap();
        export(&units, Format::Json, "es", "en", &mut Vec::new()).unwrap();
    }

    #[test]
    fn refuses_bad_units() {
        let mut u = unit("a", "1/2", "pending", "Hola", Some("Hello"));
        assert!(export(&[u.clone()], Format::Json, "es", "en", &mut Vec::new()).is_err());
        u.id = "1".into();
        u.state = "bogus".into();
        assert!(export(&[u.clone()], Format::Csv, "es", "en", &mut Vec::new()).is_err());
        u.state = "stale".into();
        assert!(export(&[u], Format::Csv, "es", "e n", &mut Vec::new()).is_err());
    }
}
