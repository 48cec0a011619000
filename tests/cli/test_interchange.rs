//! Interchange with translation tools: the interchange module's round
//! trips and bad input, third-party readers (translate-toolkit), and
//! `verbatim export` / `verbatim import` through the binary.

/// Sample units and helpers shared by the module-level tests below.
#[allow(dead_code)]
mod samples {
    use verbatim::interchange::{Format, Incoming, Unit, export, parse_import};

    pub fn unit(
        slug: &str,
        id: &str,
        state: &str,
        original: &str,
        translation: Option<&str>,
    ) -> Unit {
        Unit {
            slug: slug.into(),
            id: id.into(),
            source_lang: if translation.is_some() { "es" } else { "en" }.into(),
            target_lang: "en".into(),
            original: original.into(),
            translation: translation.map(Into::into),
            speaker: "Ana Pérez «la Jefa»".into(),
            source: Some("Rueda de prensa & <TV>".into()),
            source_url: Some("https://example.org/a?b=1&c=\"2\"".into()),
            said_on: Some("2024-05-01".into()),
            timecode: Some("00:01:02".into()),
            state: state.into(),
            revision: 3,
            note: Some("fixed \"typo\"\nline two\ttab".into()),
        }
    }

    /// A realistic set: every state, tricky texts, two articles, one English original.
    pub fn sample_units() -> Vec<Unit> {
        vec![
            unit(
                "elecciones-2024",
                "q1",
                "approved",
                "«Sí, claro» — dijo",
                Some("“Yes, of course,” she said"),
            ),
            unit(
                "elecciones-2024",
                "q2",
                "pending",
                "Línea 1\nLínea 2 <b> & ]]>",
                Some("Line 1\nLine 2 <b> & ]]>"),
            ),
            unit(
                "elecciones-2024",
                "q3",
                "published",
                "Cafe\u{301} 'único'",
                Some("Cafe\u{301} \"only\"\r\nend"),
            ),
            unit("presupuesto", "q1", "stale", "¿Qué?", Some("What?")),
            unit(
                "presupuesto",
                "q2",
                "changes-requested",
                "¡Ya!",
                Some("  Now!  "),
            ),
            unit("presupuesto", "q3", "approved", "We will win", None),
            unit(
                "presupuesto",
                "q4",
                "published",
                "„Nein“ ‹x› ‘y’",
                Some("'No' ‹x› ‘y’ &amp; &lt;"),
            ),
        ]
    }

    pub fn export_string(units: &[Unit], format: Format) -> String {
        let mut buf = Vec::new();
        export(units, format, "es", "en", &mut buf).expect("export");
        String::from_utf8(buf).expect("utf-8 export")
    }

    /// (slug, id, target) sorted, without line numbers.
    pub fn triples(incoming: &[Incoming]) -> Vec<(String, String, String)> {
        let mut v: Vec<_> = incoming
            .iter()
            .map(|i| (i.slug.clone(), i.id.clone(), i.target.clone()))
            .collect();
        v.sort();
        v
    }

    pub fn expected_triples(units: &[Unit]) -> Vec<(String, String, String)> {
        let mut v: Vec<_> = units
            .iter()
            .filter_map(|u| {
                u.translation
                    .as_ref()
                    .filter(|t| !t.trim().is_empty())
                    .map(|t| (u.slug.clone(), u.id.clone(), t.clone()))
            })
            .collect();
        v.sort();
        v
    }

    pub fn import(bytes: &[u8], format: Format) -> Vec<Incoming> {
        parse_import(bytes, format, "es", "en").expect("import")
    }
}

/// export → parse_import round trips for every importable format.
mod roundtrip {
    // export → parse_import round trips for every importable format.

    use super::samples::*;
    use proptest::prelude::*;
    use verbatim::interchange::{Format, Unit, export, parse_import};

    const IMPORTABLE: [Format; 4] = [Format::Xliff, Format::Xliff12, Format::Csv, Format::Json];

    #[test]
    fn sample_round_trips_exactly() {
        let units = sample_units();
        for format in IMPORTABLE {
            let out = export_string(&units, format);
            let got = import(out.as_bytes(), format);
            assert_eq!(triples(&got), expected_triples(&units), "{format}");
        }
    }

    #[test]
    fn incoming_lines_point_at_units() {
        let units = sample_units();
        type Needle = fn(&str, &str) -> String;
        let cases: [(Format, Needle); 4] = [
            (Format::Xliff, |_, id| format!("<unit id=\"{id}\"")),
            (Format::Xliff12, |s, id| {
                format!("<trans-unit id=\"{s}/{id}\"")
            }),
            (Format::Csv, |s, id| format!("{s}/{id},")),
            (Format::Json, |s, id| format!("{{\"quote\":\"{s}/{id}\"")),
        ];
        for (format, needle) in cases {
            let out = export_string(&units, format);
            for inc in import(out.as_bytes(), format) {
                let n = needle(&inc.slug, &inc.id);
                let line_text = out.lines().nth(inc.line - 1).unwrap_or("");
                // XLIFF 2.1 unit ids repeat across files; the line must hold one of them.
                assert!(
                    line_text.contains(&n),
                    "{format}: line {} is {line_text:?}, wanted {n:?}",
                    inc.line
                );
            }
        }
    }

    #[test]
    fn english_originals_are_locked_and_never_imported() {
        let units = sample_units();
        let x2 = export_string(&units, Format::Xliff);
        assert!(x2.contains("<unit id=\"q3\" name=\"presupuesto/q3\" translate=\"no\">"));
        let x1 = export_string(&units, Format::Xliff12);
        assert!(
            x1.contains("id=\"presupuesto/q3\" resname=\"q3\" approved=\"yes\" translate=\"no\"")
        );
        let tmx = export_string(&units, Format::Tmx);
        assert!(!tmx.contains("presupuesto/q3"));
        for format in IMPORTABLE {
            let out = export_string(&units, format);
            let got = import(out.as_bytes(), format);
            assert!(
                !got.iter().any(|i| i.slug == "presupuesto" && i.id == "q3"),
                "{format}"
            );
        }
    }

    #[test]
    fn json_lines_carry_the_whole_unit() {
        let units = sample_units();
        let out = export_string(&units, Format::Json);
        let back: Vec<Unit> = out
            .lines()
            .map(|l| serde_json::from_str(l).expect("unit"))
            .collect();
        assert_eq!(back, units);
        assert!(out.lines().all(|l| l.starts_with("{\"quote\":")));
    }

    #[test]
    fn csv_is_rfc4180_with_crlf_and_header() {
        let units = sample_units();
        let out = export_string(&units, Format::Csv);
        assert!(out.starts_with(
            "quote,state,revision,speaker,source_lang,original,target_lang,translation,source,source_url,said_on,timecode,note\r\n"
        ));
        let mut rdr = csv::Reader::from_reader(out.as_bytes());
        let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.expect("row")).collect();
        assert_eq!(rows.len(), units.len());
        for (row, u) in rows.iter().zip(&units) {
            assert_eq!(&row[5], u.original);
            assert_eq!(&row[7], u.translation.as_deref().unwrap_or(""));
            assert_eq!(&row[12], u.note.as_deref().unwrap_or(""));
        }
    }

    // --- property tests --------------------------------------------------------

    fn piece(xml_safe: bool) -> BoxedStrategy<String> {
        let fixed = prop::sample::select(vec![
            "e\u{301}",
            "n\u{303}",
            "A\u{30a}",
            "“",
            "”",
            "«",
            "»",
            "‘",
            "’",
            "'",
            "\"",
            "„",
            "‹",
            "›",
            "<",
            ">",
            "&",
            "]]>",
            "&amp;",
            "&lt;",
            "&#10;",
            "<![CDATA[x]]>",
            "<!--",
            "-->",
            "?>",
            "\n",
            "\r\n",
            "\r",
            "\n\r",
            "\t",
            " ",
            "  ",
            "\u{a0}",
            "\u{2028}",
            "\u{85}",
            "\u{feff}",
            "😀",
            "á",
            ",",
            ";",
            "\"\"",
            "/",
            "Sí",
            "word",
        ])
        .prop_map(String::from);
        let any_char = any::<char>()
            .prop_filter("XML 1.0 char", move |c| {
                !xml_safe
                    || matches!(*c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
            })
            .prop_map(|c| c.to_string());
        if xml_safe {
            prop_oneof![3 => fixed, 1 => any_char].boxed()
        } else {
            let controls = prop::sample::select(vec![
                "\u{0}", "\u{1}", "\u{b}", "\u{1b}", "\u{7f}", "\u{fffe}", "\u{ffff}",
            ])
            .prop_map(String::from);
            prop_oneof![3 => fixed, 1 => any_char, 1 => controls].boxed()
        }
    }

    fn text(xml_safe: bool) -> impl Strategy<Value = String> {
        prop::collection::vec(piece(xml_safe), 0..10).prop_map(|v| v.concat())
    }

    fn nonblank(xml_safe: bool) -> impl Strategy<Value = String> {
        text(xml_safe).prop_filter("non-blank", |s| !s.trim().is_empty())
    }

    fn units(xml_safe: bool) -> impl Strategy<Value = Vec<Unit>> {
        let one = (
            0..3usize,
            nonblank(xml_safe),
            prop::option::weighted(0.85, nonblank(xml_safe)),
            text(xml_safe),
            prop::option::of(text(xml_safe)),
            prop::sample::select(vec![
                "pending",
                "changes-requested",
                "approved",
                "stale",
                "published",
            ]),
            any::<u32>(),
        );
        prop::collection::vec(one, 0..8).prop_map(|v| {
            v.into_iter()
                .enumerate()
                .map(
                    |(i, (slug, original, translation, speaker, note, state, revision))| Unit {
                        slug: ["elecciones-2024", "presupuesto", "a.b_c-1"][slug].to_string(),
                        id: format!("q{i}"),
                        source_lang: "es".into(),
                        target_lang: "en".into(),
                        original,
                        translation,
                        speaker,
                        source: note.clone(),
                        source_url: None,
                        said_on: Some("2024-01-02".into()),
                        timecode: note.clone(),
                        state: state.to_string(),
                        revision,
                        note,
                    },
                )
                .collect()
        })
    }

    fn round_trip(units: &[Unit], format: Format) -> Result<(), TestCaseError> {
        let mut buf = Vec::new();
        export(units, format, "es", "en", &mut buf)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let got = parse_import(&buf, format, "es", "en").map_err(|e| {
            TestCaseError::fail(format!("{e}\n---\n{}", String::from_utf8_lossy(&buf)))
        })?;
        prop_assert_eq!(triples(&got), expected_triples(units));
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn xliff21_round_trip(units in units(true)) { round_trip(&units, Format::Xliff)?; }

        #[test]
        fn xliff12_round_trip(units in units(true)) { round_trip(&units, Format::Xliff12)?; }

        #[test]
        fn csv_round_trip(units in units(false)) { round_trip(&units, Format::Csv)?; }

        #[test]
        fn json_round_trip(units in units(false)) { round_trip(&units, Format::Json)?; }

        #[test]
        fn tmx_export_is_well_formed(units in units(true)) {
            let mut buf = Vec::new();
            export(&units, Format::Tmx, "es", "en", &mut buf).map_err(|e| TestCaseError::fail(e.to_string()))?;
            // Reuse the XLIFF reader's XML layer: a TMX root is well-formed but not XLIFF.
            match parse_import(&buf, Format::Xliff, "es", "en") {
                Err(verbatim::interchange::ImportError::Structure { .. }) => {}
                other => prop_assert!(false, "unexpected {:?}", other),
            }
        }

        #[test]
        fn xml_export_refuses_what_xml_cannot_carry(units in units(false)) {
            let bad = units.iter().any(|u| {
                [Some(&u.original), u.translation.as_ref(), Some(&u.speaker), u.note.as_ref()]
                    .into_iter()
                    .flatten()
                    .any(|s| s.chars().any(|c| matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')))
            });
            for format in [Format::Xliff, Format::Xliff12] {
                let mut buf = Vec::new();
                let res = export(&units, format, "es", "en", &mut buf);
                prop_assert_eq!(res.is_err(), bad);
                if bad { prop_assert!(buf.is_empty()); } else { round_trip(&units, format)?; }
            }
        }

        #[test]
        fn import_never_panics_on_garbage(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            for format in [Format::Xliff, Format::Xliff12, Format::Tmx, Format::Csv, Format::Json] {
                let _ = parse_import(&bytes, format, "es", "en");
            }
            let _ = Format::detect("x", &bytes);
        }

        #[test]
        fn import_never_panics_on_damaged_exports(units in units(true), cut in any::<prop::sample::Index>(), junk in text(false)) {
            for format in IMPORTABLE {
                let mut buf = Vec::new();
                export(&units, format, "es", "en", &mut buf).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let at = cut.index(buf.len() + 1);
                let mut damaged = buf[..at].to_vec();
                damaged.extend_from_slice(junk.as_bytes());
                damaged.extend_from_slice(&buf[at..]);
                let _ = parse_import(&damaged, format, "es", "en");
                let _ = parse_import(&buf[..at], format, "es", "en");
                let _ = Format::detect("x", &damaged);
            }
        }
    }
}

/// Bad input is refused with the right error and a line number; never a panic.
mod bad_input {
    // Bad input is refused with the right error and a line number; never a panic.

    use super::samples::*;
    use verbatim::interchange::{Format, ImportError, MAX_IMPORT_BYTES, parse_import};

    fn err(bytes: &[u8], format: Format) -> ImportError {
        match parse_import(bytes, format, "es", "en") {
            Ok(v) => panic!("expected an error, got {v:?}"),
            Err(e) => {
                // Every message names its line.
                assert!(
                    e.to_string().starts_with(&format!("line {}", e.line())),
                    "{e}"
                );
                e
            }
        }
    }

    const X2_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" version=\"2.1\" srcLang=\"es\" trgLang=\"en\">\n";
    const X1_HEAD: &str = "<?xml version=\"1.0\"?>\n<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\">\n";

    fn x2(body: &str) -> String {
        format!("{X2_HEAD}{body}</xliff>\n")
    }
    fn x1(body: &str) -> String {
        format!(
            "{X1_HEAD}<file original=\"a\" source-language=\"es\" target-language=\"en\" datatype=\"plaintext\"><body>\n{body}</body></file>\n</xliff>\n"
        )
    }

    #[test]
    fn malformed_xml() {
        let doc = x2(
            "<file id=\"a\">\n<unit id=\"1\"><segment><source>x</source><target>y</segment></unit>\n</file>\n",
        );
        let e = err(doc.as_bytes(), Format::Xliff);
        assert!(matches!(e, ImportError::Xml { line: 4, .. }), "{e:?}");

        let e = err(b"<xliff version=\"1.2\"><file", Format::Xliff12);
        assert!(matches!(e, ImportError::Xml { line: 1, .. }), "{e:?}");

        let doc = x1("<trans-unit id=\"a/1\"><source>x</source><target>y</target></trans-unit>\n")
            .replace("</xliff>", "");
        let e = err(doc.as_bytes(), Format::Xliff12);
        assert!(matches!(e, ImportError::Xml { .. }), "{e:?}");
        assert!(e.to_string().contains("not closed"), "{e}");

        let e = err(b"", Format::Xliff);
        assert!(matches!(e, ImportError::Xml { line: 1, .. }), "{e:?}");

        let e = err(format!("{}\n<extra/>", x1("")).as_bytes(), Format::Xliff12);
        assert!(matches!(e, ImportError::Xml { .. }), "{e:?}");

        // Control characters are not XML, raw or as references.
        for bad in ["a\u{1}b", "a&#1;b", "a&#xFFFE;b"] {
            let doc = x1(&format!(
                "<trans-unit id=\"a/1\"><source>x</source>\n<target>{bad}</target></trans-unit>\n"
            ));
            let e = err(doc.as_bytes(), Format::Xliff12);
            assert!(
                matches!(e, ImportError::Xml { line: 5, .. }),
                "{bad}: {e:?}"
            );
        }
    }

    #[test]
    fn wrong_languages() {
        let units = sample_units();
        let mut buf = Vec::new();
        verbatim::interchange::export(&units, Format::Xliff, "en", "fr", &mut buf).unwrap();
        let e = err(&buf, Format::Xliff);
        match &e {
            ImportError::Languages {
                line,
                found_source,
                found_target,
                expected_source,
                expected_target,
                ..
            } => {
                assert_eq!(*line, 2);
                assert_eq!((found_source.as_str(), found_target.as_str()), ("en", "fr"));
                assert_eq!(
                    (expected_source.as_str(), expected_target.as_str()),
                    ("es", "en")
                );
            }
            _ => panic!("{e:?}"),
        }
        assert!(
            e.to_string().contains("expected es→en, file says en→fr"),
            "{e}"
        );

        let mut buf = Vec::new();
        verbatim::interchange::export(&units, Format::Xliff12, "es", "pt", &mut buf).unwrap();
        let e = err(&buf, Format::Xliff12);
        assert!(matches!(e, ImportError::Languages { line: 3, .. }), "{e:?}");

        // Missing target language.
        let doc = x2("").replace(" trgLang=\"en\"", "");
        let e = err(doc.as_bytes(), Format::Xliff);
        assert!(e.to_string().contains("file says es→(none)"), "{e}");

        // CSV and JSON rows with languages are checked too.
        let csv =
            "quote,source_lang,target_lang,translation\r\na/1,es,en,Hi\r\na/2,es,de,Hallo\r\n";
        let e = err(csv.as_bytes(), Format::Csv);
        assert!(matches!(e, ImportError::Languages { line: 3, .. }), "{e:?}");
        let json = "{\"quote\":\"a/1\",\"translation\":\"Hi\"}\n{\"quote\":\"a/2\",\"source_lang\":\"ca\",\"translation\":\"Hi\"}\n";
        let e = err(json.as_bytes(), Format::Json);
        assert!(matches!(e, ImportError::Languages { line: 2, .. }), "{e:?}");
    }

    #[test]
    fn region_subtags_are_accepted() {
        let doc = x1("<trans-unit id=\"a/1\"><source>x</source><target>y</target></trans-unit>\n")
            .replace("source-language=\"es\"", "source-language=\"es-MX\"")
            .replace("target-language=\"en\"", "target-language=\"EN_us\"");
        assert_eq!(import(doc.as_bytes(), Format::Xliff12).len(), 1);
    }

    #[test]
    fn unknown_and_unsupported_formats() {
        assert_eq!(Format::from_name("po"), None);
        assert_eq!(Format::detect("notes.txt", b"just text"), None);
        let tmx = export_string(&sample_units(), Format::Tmx);
        let e = err(tmx.as_bytes(), Format::Tmx);
        assert!(
            matches!(
                e,
                ImportError::Unsupported {
                    line: 1,
                    format: Format::Tmx,
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(e.to_string().contains("export-only"), "{e}");
        // A TMX (or XLIFF 1.2) file handed to the XLIFF 2 reader.
        let e = err(tmx.as_bytes(), Format::Xliff);
        assert!(matches!(e, ImportError::Structure { line: 2, .. }), "{e:?}");
        let x12 = export_string(&sample_units(), Format::Xliff12);
        let e = err(x12.as_bytes(), Format::Xliff);
        assert!(e.to_string().contains("xliff12"), "{e}");
        let x21 = export_string(&sample_units(), Format::Xliff);
        let e = err(x21.as_bytes(), Format::Xliff12);
        assert!(e.to_string().contains("format xliff"), "{e}");
    }

    #[test]
    fn billion_laughs_is_refused() {
        let doc = r#"<?xml version="1.0"?>
<!DOCTYPE xliff [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
<file original="a" source-language="es" target-language="en" datatype="plaintext"><body>
<trans-unit id="a/1"><source>x</source><target>&lol9;</target></trans-unit>
</body></file></xliff>
"#;
        for format in [Format::Xliff12, Format::Xliff] {
            let e = err(doc.as_bytes(), format);
            assert!(
                matches!(
                    e,
                    ImportError::Dtd {
                        line: 2,
                        column: Some(1)
                    }
                ),
                "{e:?}"
            );
            assert!(e.to_string().contains("DTD"), "{e}");
        }
        // The entity reference alone, without its declaration, is undefined.
        let body = doc.split("]>\n").nth(1).unwrap();
        let e = err(body.as_bytes(), Format::Xliff12);
        assert!(matches!(e, ImportError::Xml { line: 3, .. }), "{e:?}");
        assert!(e.to_string().contains("undefined entity &lol9;"), "{e}");
    }

    #[test]
    fn any_dtd_is_refused() {
        let doc = format!(
            "<?xml version=\"1.0\"?>\n\n<!DOCTYPE xliff PUBLIC \"-//XLIFF//DTD XLIFF//EN\" \"http://www.oasis-open.org/committees/xliff/documents/xliff.dtd\">\n{}",
            x1("").lines().skip(1).collect::<Vec<_>>().join("\n")
        );
        let e = err(doc.as_bytes(), Format::Xliff12);
        assert!(matches!(e, ImportError::Dtd { line: 3, .. }), "{e:?}");
        // External entity (XXE) attempt.
        let xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n<xliff version=\"1.2\">&xxe;</xliff>";
        let e = err(xxe.as_bytes(), Format::Xliff12);
        assert!(matches!(e, ImportError::Dtd { line: 2, .. }), "{e:?}");
    }

    #[test]
    fn huge_file_is_refused_before_parsing() {
        // Valid-looking start, then filler: refused on size alone. One
        // format only: the size check comes before any format is looked at,
        // and 64 MiB per case is slow in debug builds.
        let mut bytes = x1("").into_bytes();
        bytes.resize(MAX_IMPORT_BYTES + 1, b'\n');
        match err(&bytes, Format::Xliff12) {
            ImportError::TooLarge { size, limit, line } => {
                assert_eq!(size, MAX_IMPORT_BYTES + 1);
                assert_eq!(limit, 64 * 1024 * 1024);
                assert!(line > 1000, "line {line}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn missing_ids() {
        let doc =
            x1("<trans-unit id=\"no-slash\"><source>x</source><target>y</target></trans-unit>\n");
        let e = err(doc.as_bytes(), Format::Xliff12);
        assert!(matches!(e, ImportError::MissingId { line: 4, .. }), "{e:?}");
        let doc = x1("\n<trans-unit><source>x</source><target>y</target></trans-unit>\n");
        let e = err(doc.as_bytes(), Format::Xliff12);
        assert!(matches!(e, ImportError::MissingId { line: 5, .. }), "{e:?}");
        let doc = x2(
            "<file id=\"a\">\n<unit><segment><source>x</source><target>y</target></segment></unit>\n</file>\n",
        );
        let e = err(doc.as_bytes(), Format::Xliff);
        assert!(matches!(e, ImportError::MissingId { line: 4, .. }), "{e:?}");
        let doc = x2("<file>\n<unit id=\"1\"/></file>\n");
        let e = err(doc.as_bytes(), Format::Xliff);
        assert!(matches!(e, ImportError::MissingId { line: 3, .. }), "{e:?}");
        let e = err(b"quote,translation\na/1,x\n/2,y\n", Format::Csv);
        assert!(matches!(e, ImportError::MissingId { line: 3, .. }), "{e:?}");
        let e = err(b"{\"translation\":\"x\"}\n", Format::Json);
        assert!(matches!(e, ImportError::MissingId { line: 1, .. }), "{e:?}");
    }

    #[test]
    fn duplicates_are_refused() {
        let e = err(
            b"quote,translation\r\na/1,x\r\nb/1,y\r\na/1,z\r\n",
            Format::Csv,
        );
        assert!(
            matches!(
                e,
                ImportError::Duplicate {
                    line: 4,
                    first_line: 2,
                    ..
                }
            ),
            "{e:?}"
        );
    }

    #[test]
    fn bad_csv() {
        let e = err(b"id,translation\na/1,x\n", Format::Csv);
        assert!(matches!(e, ImportError::CsvHeader { line: 1, .. }), "{e:?}");
        assert!(e.to_string().contains("no `quote` column"), "{e}");
        let e = err(
            b"quote,translation\r\na/1,x\r\na/2,y,extra\r\n",
            Format::Csv,
        );
        assert!(matches!(e, ImportError::CsvRow { line: 3, .. }), "{e:?}");
        let e = err(b"quote,translation\na/1,\"x\nstill x\"\na/2\n", Format::Csv);
        assert!(matches!(e, ImportError::CsvRow { line: 4, .. }), "{e:?}");
        let e = err(b"quote,translation\na/1,\xff\n", Format::Csv);
        assert!(
            matches!(
                e,
                ImportError::Encoding {
                    line: 2,
                    column: Some(5),
                    ..
                }
            ),
            "{e:?}"
        );
    }

    #[test]
    fn csv_tolerates_bom_semicolons_lf_and_column_order() {
        let csv =
            "\u{feff}translation;note;quote\nHello;x;a/1\n\"Two\nlines; \"\"q\"\"\";;a/2\n;;a/3\n";
        let got = import(csv.as_bytes(), Format::Csv);
        assert_eq!(
            triples(&got),
            vec![
                ("a".into(), "1".into(), "Hello".into()),
                ("a".into(), "2".into(), "Two\nlines; \"q\"".into()),
            ]
        );
        assert_eq!(got[1].line, 3);
    }

    #[test]
    fn bad_json() {
        let e = err(
            b"{\"quote\":\"a/1\",\"translation\":\"x\"}\n{\"quote\": nope}\n",
            Format::Json,
        );
        assert!(
            matches!(
                e,
                ImportError::Json {
                    line: 2,
                    column: Some(_),
                    ..
                }
            ),
            "{e:?}"
        );
        let e = err(b"\n[1,2]\n", Format::Json);
        assert!(matches!(e, ImportError::Json { line: 2, .. }), "{e:?}");
        let e = err(b"{\"quote\":\"a/1\",\"translation\":5}\n", Format::Json);
        assert!(matches!(e, ImportError::Json { line: 1, .. }), "{e:?}");
        let e = err(
            b"{\"quote\":\"a/1\",\"slug\":\"b\",\"id\":\"1\",\"translation\":\"x\"}\n",
            Format::Json,
        );
        assert!(e.to_string().contains("disagrees"), "{e}");
        let deep = "[".repeat(100_000);
        let e = err(deep.as_bytes(), Format::Json);
        assert!(matches!(e, ImportError::Json { line: 1, .. }), "{e:?}");
    }

    #[test]
    fn deep_nesting_and_encodings() {
        let deep = format!("{X2_HEAD}{}", "<group>".repeat(100_000));
        let e = err(deep.as_bytes(), Format::Xliff);
        assert!(matches!(e, ImportError::Xml { line: 3, .. }), "{e:?}");
        let e = err(b"\xff\xfe<\x00x\x00", Format::Xliff);
        assert!(matches!(e, ImportError::Encoding { .. }), "{e:?}");
        assert!(e.to_string().contains("UTF-16"), "{e}");
        let doc = x1("").replace(
            "<?xml version=\"1.0\"?>",
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>",
        );
        let e = err(doc.as_bytes(), Format::Xliff12);
        assert!(matches!(e, ImportError::Encoding { line: 1, .. }), "{e:?}");
    }

    #[test]
    fn inline_codes_are_refused_wrappers_flattened() {
        let doc = x1(
            "<trans-unit id=\"a/1\"><source>x</source>\n<target>Hi <x id=\"1\"/></target></trans-unit>\n",
        );
        let e = err(doc.as_bytes(), Format::Xliff12);
        assert!(matches!(e, ImportError::Structure { line: 5, .. }), "{e:?}");
        assert!(e.to_string().contains("<x>"), "{e}");
        let doc = x1(
            "<trans-unit id=\"a/1\"><source>x</source><target><mrk mtype=\"seg\" mid=\"1\">Hi <g id=\"2\">there</g></mrk></target></trans-unit>\n",
        );
        assert_eq!(
            import(doc.as_bytes(), Format::Xliff12)[0].target,
            "Hi there"
        );
        let doc = x2(
            "<file id=\"a\"><unit id=\"1\">\n<segment><source>x</source><target>Hi <pc id=\"1\">there</pc><cp hex=\"0007\"/></target></segment>\n<ignorable><source> </source></ignorable>\n<segment><source>y</source><target>!</target></segment></unit></file>\n",
        );
        assert_eq!(
            import(doc.as_bytes(), Format::Xliff)[0].target,
            "Hi there\u{7} !"
        );
        let doc = x2(
            "<file id=\"a\"><unit id=\"1\">\n<segment><source>x</source><target>Hi</target></segment>\n<segment><source>y</source></segment></unit></file>\n",
        );
        let e = err(doc.as_bytes(), Format::Xliff);
        assert!(e.to_string().contains("partly translated"), "{e}");
    }

    #[test]
    fn approvals_never_come_from_files() {
        let approved = x1(
            "<trans-unit id=\"a/1\" approved=\"yes\"><source>x</source><target state=\"final\">y</target></trans-unit>\n<trans-unit id=\"a/2\"><source>x</source><target state=\"new\">z</target></trans-unit>\n",
        );
        let got = import(approved.as_bytes(), Format::Xliff12);
        assert_eq!(
            triples(&got),
            vec![
                ("a".into(), "1".into(), "y".into()),
                ("a".into(), "2".into(), "z".into())
            ]
        );
        // Units without a (non-blank) target and translate="no" units are skipped.
        let doc = x1(
            "<trans-unit id=\"a/1\"><source>x</source></trans-unit>\n<trans-unit id=\"a/2\"><source>x</source><target>  </target></trans-unit>\n<trans-unit id=\"a/3\" translate=\"no\"><source>x</source><target>x</target></trans-unit>\n",
        );
        assert!(import(doc.as_bytes(), Format::Xliff12).is_empty());
    }

    #[test]
    fn comments_cdata_prefixes_and_char_refs_are_read() {
        let doc = "<?xml version=\"1.0\"?>\n<!-- c -->\n<x:xliff xmlns:x=\"urn:oasis:names:tc:xliff:document:2.0\" version=\"2.0\" srcLang=\"es\" trgLang=\"en\">\n<x:file id=\"a\"><x:unit id=\"1\"><x:segment><x:source>s</x:source><x:target><![CDATA[<b>]]> &amp;&#x41;&#66;&quot;<!-- no -->&#13;\r\n</x:target></x:segment></x:unit></x:file></x:xliff>\n";
        let got = import(doc.as_bytes(), Format::Xliff);
        assert_eq!(got[0].target, "<b> &AB\"\r\n");
        assert_eq!(got[0].line, 4);
    }

    #[test]
    fn translate_no_is_inherited() {
        let doc = x1(
            "<group translate=\"no\"><trans-unit id=\"a/1\"><source>x</source><target>y</target></trans-unit>\n<trans-unit id=\"a/2\" translate=\"yes\"><source>x</source><target>z</target></trans-unit></group>\n",
        );
        let got = import(doc.as_bytes(), Format::Xliff12);
        assert_eq!(triples(&got), vec![("a".into(), "2".into(), "z".into())]);
        let doc = x2(
            "<file id=\"a\" translate=\"no\"><unit id=\"1\"><segment><source>x</source><target>y</target></segment></unit></file>\n",
        );
        assert!(import(doc.as_bytes(), Format::Xliff).is_empty());
    }
}

mod translate_toolkit {
    // Third-party readers: translate-toolkit (XLIFF 1.2, TMX) and Python's
    // xml.etree.ElementTree (XLIFF 2.1) read our exports.
    //
    // Needs `VERBATIM_TT_PYTHON` pointing at a Python with translate-toolkit:
    //     python3 -m venv target/tt-venv
    //     target/tt-venv/bin/pip install translate-toolkit
    //     VERBATIM_TT_PYTHON=target/tt-venv/bin/python cargo test translate_toolkit
    // `.ci/run` does exactly that. Without the variable the test is skipped
    // with a loud warning on a developer's machine, and fails under CI
    // (`CI` set), so a broken CI setup can never pass silently.

    use std::collections::BTreeMap;
    use std::process::Command;

    use super::samples::*;
    use serde_json::Value;
    use verbatim::interchange::{Format, Unit};

    fn xliff12_state(state: &str) -> &'static str {
        match state {
            "approved" => "signed-off",
            "published" => "final",
            _ => "needs-review-translation",
        }
    }

    fn xliff2_state(state: &str) -> &'static str {
        match state {
            "approved" | "published" => "final",
            _ => "translated",
        }
    }

    fn s(v: &Value) -> String {
        v.as_str()
            .unwrap_or_else(|| panic!("not a string: {v}"))
            .to_string()
    }

    #[test]
    fn translate_toolkit_reads_our_exports() {
        let Some(python) = std::env::var_os("VERBATIM_TT_PYTHON") else {
            // Same reading of CI as src/ui.rs: set, and not "", "0" or "false".
            let ci =
                std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0");
            assert!(
                !ci,
                "VERBATIM_TT_PYTHON is unset under CI: .ci/run must install translate-toolkit \
                 (python3 -m venv target/tt-venv && target/tt-venv/bin/pip install translate-toolkit)"
            );
            eprintln!();
            eprintln!("==================================================================");
            eprintln!("SKIPPED translate_toolkit_reads_our_exports: VERBATIM_TT_PYTHON is unset.");
            eprintln!("Set it to a Python with translate-toolkit installed, e.g.");
            eprintln!("  VERBATIM_TT_PYTHON=target/tt-venv/bin/python");
            eprintln!("==================================================================");
            return;
        };
        let mut units = sample_units();
        // Two more awkward-but-legal texts.
        units.push(unit(
            "z",
            "q9",
            "approved",
            "\u{2028}sep\u{85}\u{a0}",
            Some("tab\there \u{1F600}"),
        ));
        let dir = tempfile::tempdir().expect("temp dir");
        let paths: Vec<_> = [Format::Xliff12, Format::Tmx, Format::Xliff]
            .iter()
            .map(|f| {
                let p = dir.path().join(format!("export-{f}.{}", f.extension()));
                std::fs::write(&p, export_string(&units, *f)).expect("write export");
                p
            })
            .collect();
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/cli/read_with_translate_toolkit.py"
        );
        let out = Command::new(&python)
            .arg(script)
            .args(&paths)
            .output()
            .expect("run python");
        assert!(
            out.status.success(),
            "python failed: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        let seen: Value = serde_json::from_slice(&out.stdout).expect("script prints JSON");

        // --- XLIFF 1.2 via translate-toolkit: every unit, same pairs, approvals.
        let x12 = &seen["xliff12"];
        assert_eq!(x12["source_language"], "es");
        assert_eq!(x12["target_language"], "en");
        let got: BTreeMap<String, &Value> = x12["units"]
            .as_array()
            .expect("units")
            .iter()
            .map(|u| (s(&u["id"]), u))
            .collect();
        assert_eq!(got.len(), units.len());
        for u in &units {
            let q = format!("{}/{}", u.slug, u.id);
            let g = got.get(&q).unwrap_or_else(|| panic!("{q} missing"));
            assert_eq!(s(&g["source"]), u.original, "{q} source");
            assert_eq!(
                s(&g["target"]),
                u.translation.clone().unwrap_or(u.original.clone()),
                "{q} target"
            );
            let approved = matches!(u.state.as_str(), "approved" | "published");
            assert_eq!(g["approved"], approved, "{q} approved flag");
            assert_eq!(s(&g["state"]), xliff12_state(&u.state), "{q} state");
            assert_eq!(
                g["translatable"],
                u.translation.is_some(),
                "{q} translatable"
            );
        }

        // --- TMX via translate-toolkit: only approved/published translated units.
        let expected: Vec<&Unit> = units
            .iter()
            .filter(|u| {
                matches!(u.state.as_str(), "approved" | "published") && u.translation.is_some()
            })
            .collect();
        let tmx = seen["tmx"]["units"].as_array().expect("tmx units");
        assert_eq!(tmx.len(), expected.len());
        for (g, u) in tmx.iter().zip(&expected) {
            assert_eq!(s(&g["id"]), format!("{}/{}", u.slug, u.id));
            assert_eq!(s(&g["source"]), u.original);
            assert_eq!(Some(s(&g["target"])), u.translation);
            assert_eq!(s(&g["props"]["x-speaker"]), u.speaker);
            assert_eq!(s(&g["props"]["x-article"]), u.slug);
        }

        // --- XLIFF 2.1 via ElementTree: structure, states, notes.
        let x2 = &seen["xliff21"];
        assert_eq!(x2["root"], "{urn:oasis:names:tc:xliff:document:2.0}xliff");
        assert_eq!(x2["version"], "2.1");
        assert_eq!(x2["srcLang"], "es");
        assert_eq!(x2["trgLang"], "en");
        let got = x2["units"].as_array().expect("units");
        assert_eq!(got.len(), units.len());
        for g in got {
            let u = units
                .iter()
                .find(|u| g["file"] == u.slug.as_str() && g["id"] == u.id.as_str())
                .unwrap_or_else(|| panic!("unexpected unit {g}"));
            assert_eq!(s(&g["source"]), u.original);
            assert_eq!(
                s(&g["target"]),
                u.translation.clone().unwrap_or(u.original.clone())
            );
            assert_eq!(s(&g["state"]), xliff2_state(&u.state));
            assert_eq!(s(&g["subState"]), format!("verbatim:{}", u.state));
            assert_eq!(
                s(&g["translate"]),
                if u.translation.is_some() { "yes" } else { "no" }
            );
            assert_eq!(s(&g["notes"]["speaker"]), u.speaker);
            assert_eq!(s(&g["notes"]["revision"]), u.revision.to_string());
            assert_eq!(g["notes"]["revision-note"].as_str(), u.note.as_deref());
        }
    }
}

/// `verbatim export` / `verbatim import` through the real binary.
mod through_binary {
    use crate::common::{ANA, EVA, LUIS, TestEnv};

    const Q1_EN: &str = "It is not necessary.";
    const Q2_EN: &str = "We will insist, with respect.";

    /// Two translated quotes (Ana's) and one English original.
    fn newsroom() -> TestEnv {
        let env = TestEnv::new();
        env.add_quote("sheinbaum-call/no-necesario", "No es necesario.", Q1_EN);
        env.add_quote(
            "sheinbaum-call/insistir",
            "Vamos a insistir, con respeto.",
            Q2_EN,
        );
        env.run(
            ANA,
            &[
                "add",
                "sheinbaum-call/statement",
                "--original-lang",
                "en",
                "--speaker",
                "Tommy Pigott",
                "--original",
                "We welcome the call.",
                "--source",
                "State Department",
            ],
        )
        .ok();
        env
    }

    /// A path outside the work tree, so writing it changes nothing there.
    fn outside(env: &TestEnv, name: &str) -> String {
        env.dir.path().join(name).display().to_string()
    }

    fn show(env: &TestEnv, quote: &str) -> serde_json::Value {
        let run = env.run(ANA, &["show", quote, "--format", "json"]);
        run.ok();
        run.json_lines().remove(0)
    }

    #[test]
    fn export_then_import_unchanged_changes_nothing() {
        let env = newsroom();
        for format in ["xliff", "xliff12", "csv", "json"] {
            let file = outside(&env, &format!("quotes.{format}"));
            env.run(ANA, &["export", "--format", format, "-o", &file])
                .ok();
            let before = env.snapshot();
            env.run(EVA, &["import", &file])
                .code(0)
                .stderr_has("2 unchanged");
            assert_eq!(env.snapshot(), before, "{format}");
        }
    }

    #[test]
    fn export_writes_stdout_and_every_format() {
        let env = newsroom();
        let x = env.run(ANA, &["export", "--format", "xliff12"]);
        x.ok();
        x.stdout_has("<trans-unit id=\"sheinbaum-call/no-necesario\"")
            .stdout_has(Q1_EN)
            .stdout_has("source-language=\"es\" target-language=\"en\"");
        let tmx = env.run(ANA, &["export", "--format", "tmx", "sheinbaum-call"]);
        // Nothing is approved yet, so the translation memory is empty.
        assert!(!tmx.ok().contains(Q1_EN));
        let csv = env.run(ANA, &["export", "--format", "csv"]);
        assert!(csv.ok().starts_with("quote,state,revision,"));
        let json = env.run(ANA, &["export", "--format", "json"]);
        let lines = json.json_lines();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0]["state"], "pending");
        env.run(ANA, &["export", "--format", "po"])
            .code(2)
            .stderr_has("unknown format");
        env.run(ANA, &["export", "--format", "csv", "no-such-article"])
            .code(2)
            .stderr_has("no article `no-such-article`");
    }

    #[test]
    fn edited_xliff12_target_becomes_a_revision_and_the_approval_goes_stale() {
        let env = newsroom();
        env.run(EVA, &["approve", "sheinbaum-call/no-necesario"])
            .ok();
        assert_eq!(
            show(&env, "sheinbaum-call/no-necesario")["state"],
            "approved"
        );
        let file = outside(&env, "quotes.xlf");
        env.run(ANA, &["export", "--format", "xliff12", "-o", &file])
            .ok();
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains("approved=\"yes\""));
        let edited = text.replace(&format!(">{Q1_EN}</target>"), ">There is no need.</target>");
        assert_ne!(edited, text);
        std::fs::write(&file, edited).unwrap();
        let commits = env.commit_count();
        env.run(LUIS, &["import", &file])
            .code(0)
            .stderr_has("1 revised, 1 unchanged");
        assert_eq!(env.commit_count(), commits + 1);
        let files = env.git(&["show", "--name-only", "--format=%an <%ae>", "HEAD"]);
        assert_eq!(
            files.trim(),
            "Luis Editor <luis@example.org>\n\ntranslations/sheinbaum-call/no-necesario.toml"
        );
        let q = show(&env, "sheinbaum-call/no-necesario");
        assert_eq!(q["state"], "stale");
        assert_eq!(q["revision"], 2);
        assert_eq!(q["translation"], "There is no need.");
        let rev = &q["record"]["revision"][1];
        assert_eq!(rev["author"], "Luis Editor <luis@example.org>");
        assert_eq!(rev["note"], format!("imported from {file}"));
        assert_eq!(rev["original"], "No es necesario.");
        // Approved state in the file is ignored: no review appeared.
        assert_eq!(q["record"]["review"].as_array().map(Vec::len), Some(1));
        assert_eq!(show(&env, "sheinbaum-call/insistir")["revision"], 1);
    }

    #[test]
    fn edited_csv_translation_is_imported() {
        let env = newsroom();
        env.run(ANA, &["export", "--format", "csv", "-o", "quotes.csv"])
            .ok();
        let text = env.read("quotes.csv");
        std::fs::remove_file(env.root().join("quotes.csv")).unwrap();
        let file = outside(&env, "quotes.csv");
        std::fs::write(
            &file,
            text.replace(Q2_EN, "We will insist, \"\"respectfully\"\",\nto the end."),
        )
        .unwrap();
        env.run(EVA, &["import", &file])
            .code(0)
            .stderr_has("1 revised, 1 unchanged");
        let q = show(&env, "sheinbaum-call/insistir");
        assert_eq!(
            q["translation"],
            "We will insist, \"respectfully\",\nto the end."
        );
        assert_eq!(q["state"], "pending");
        assert_eq!(
            q["record"]["revision"][1]["author"],
            "Eva Editora <eva@example.org>"
        );
    }

    #[test]
    fn unknown_quotes_and_english_originals_refuse_the_whole_file() {
        let env = newsroom();
        let file = outside(&env, "bad.csv");
        std::fs::write(
            &file,
            "quote,translation\r\n\
             sheinbaum-call/no-necesario,A good change\r\n\
             sheinbaum-call/nope,Who?\r\n\
             other-article/q1,Nope\r\n\
             sheinbaum-call/statement,An English original given a translation\r\n\
             sheinbaum-call/insistir,A bell \u{7} rings\r\n",
        )
        .unwrap();
        let before = env.snapshot();
        env.run(ANA, &["import", &file])
            .code(2)
            .stderr_has("4 problem(s), nothing was imported")
            .stderr_has(":3: sheinbaum-call/nope: no such quote")
            .stderr_has(":4: other-article/q1: no such quote")
            .stderr_has(":5: sheinbaum-call/statement: an en-original quote has no translation")
            .stderr_has(":6: sheinbaum-call/insistir: the translation contains the control character U+0007");
        assert_eq!(env.snapshot(), before);
    }

    #[test]
    fn wrong_languages_and_bad_files_change_nothing() {
        let env = newsroom();
        let file = outside(&env, "quotes.xlf");
        env.run(ANA, &["export", "--format", "xliff", "-o", &file])
            .ok();
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, text.replace("trgLang=\"en\"", "trgLang=\"fr\"")).unwrap();
        let before = env.snapshot();
        env.run(ANA, &["import", &file])
            .code(2)
            .stderr_has("wrong languages: expected es→en, file says es→fr")
            .stderr_has("nothing was imported");
        let bad = outside(&env, "bad.xlf");
        std::fs::write(
            &bad,
            "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY a \"b\">]>\n<xliff version=\"1.2\"/>\n",
        )
        .unwrap();
        env.run(ANA, &["import", &bad])
            .code(2)
            .stderr_has("line 2")
            .stderr_has("DTD");
        let tmx = outside(&env, "memory.tmx");
        env.run(ANA, &["export", "--format", "tmx", "-o", &tmx])
            .ok();
        env.run(ANA, &["import", &tmx])
            .code(2)
            .stderr_has("export-only");
        let txt = outside(&env, "notes.txt");
        std::fs::write(&txt, "just words").unwrap();
        env.run(ANA, &["import", &txt])
            .code(2)
            .stderr_has("cannot tell the format");
        env.run(ANA, &["import", &outside(&env, "missing.xlf")])
            .code(2)
            .stderr_has("cannot read");
        assert_eq!(env.snapshot(), before);
    }

    #[test]
    fn approved_yes_in_the_file_adds_no_review() {
        let env = newsroom();
        let file = outside(&env, "signed-off.xlf");
        std::fs::write(
            &file,
            "<?xml version=\"1.0\"?>\n<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\">\n\
             <file original=\"sheinbaum-call\" source-language=\"es\" target-language=\"en\" datatype=\"plaintext\"><body>\n\
             <trans-unit id=\"sheinbaum-call/no-necesario\" approved=\"yes\"><source>No es necesario.</source>\
             <target state=\"signed-off\">That is not needed.</target></trans-unit>\n\
             </body></file>\n</xliff>\n",
        )
        .unwrap();
        env.run(EVA, &["import", &file]).code(0);
        let q = show(&env, "sheinbaum-call/no-necesario");
        assert_eq!(q["translation"], "That is not needed.");
        assert_eq!(q["state"], "pending");
        assert!(
            q["record"]
                .get("review")
                .is_none_or(|r| r.as_array().is_some_and(Vec::is_empty))
        );
    }
}
