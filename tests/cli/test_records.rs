//! Record files: any text round-trips exactly, and bytes are deterministic.

use proptest::prelude::*;
use verbatim::quote::{Origin, Person, Quote, Revision, SCHEMA_VERSION};
use verbatim::store::{parse_record, serialize_record};

fn tricky_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "\"",
        "'",
        "“",
        "”",
        "‘",
        "’",
        "«",
        "»",
        "\\",
        "\\n",
        "\n",
        "\t",
        "'''",
        "\"\"\"",
        "a = 1",
        "[[revision]]",
        "#",
        "é",
        "e\u{301}",
        "ñ",
        "\u{202E}",
        " ",
        "\r\n",
        "😀",
        "\u{FEFF}",
    ]);
    prop::collection::vec(
        prop_oneof![pieces.prop_map(String::from), any::<String>()],
        1..8,
    )
    .prop_map(|v| v.concat())
    .prop_filter("non-empty", |s| !s.trim().is_empty())
}

fn quote(original: String, translation: String, note: String) -> Quote {
    Quote {
        schema: SCHEMA_VERSION,
        speaker: "Claudia Sheinbaum".into(),
        original_lang: "es".into(),
        origin: Origin::Outlet("La Jornada".into()),
        source: Some("Mañanera".into()),
        source_url: None,
        said_on: Some("2026-01-13".into()),
        timecode: None,
        revisions: vec![Revision {
            number: 1,
            original,
            translation: Some(translation),
            author: Person {
                name: "Ana".into(),
                email: "ana@example.org".into(),
            },
            at: "2026-01-13T10:00:00Z".into(),
            note: Some(note),
        }],
        reviews: vec![],
    }
}

proptest! {
    #[test]
    fn any_text_round_trips(original in tricky_text(), translation in tricky_text(), note in any::<String>()) {
        let q = quote(original, translation, note);
        let bytes = serialize_record(&q);
        let back = parse_record("translations/a/q.toml", bytes.as_bytes()).expect("parses");
        prop_assert_eq!(&back, &q);
        prop_assert_eq!(serialize_record(&back), bytes);
    }
}
