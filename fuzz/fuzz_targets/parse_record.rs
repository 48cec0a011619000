//! Any bytes given as a record file: `parse_record` returns a record or an
//! error at a place inside the file, and never panics. A record it accepts
//! serialises and parses back to the same record.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let rel = "translations/fuzz/q.toml";
    match verbatim::store::parse_record(rel, data) {
        Ok(quote) => {
            let text = verbatim::store::serialize_record(&quote);
            let again = verbatim::store::parse_record(rel, text.as_bytes())
                .expect("a record verbatim wrote parses back");
            assert_eq!(verbatim::store::serialize_record(&again), text);
        }
        Err(e) => {
            assert_eq!(e.path, rel);
            assert!(e.line >= 1 && e.column >= 1);
            let lines = data.split(|b| *b == b'\n').count();
            assert!(e.line <= lines.max(1), "line {} of {lines}", e.line);
        }
    }
});
