//! Normalisation and matching of quotations against records (placeholder:
//! normalisation and digest only, until the matcher lands).

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

/// Normalises a text for comparison and digests.
pub fn normalize(text: &str) -> String {
    let nfc: String = text.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Digest of a quote's content.
pub fn digest(original: &str, translation: Option<&str>) -> String {
    let mut h = Sha256::new();
    h.update(b"verbatim-digest-v1\0");
    h.update(normalize(original).as_bytes());
    h.update(b"\0");
    if let Some(t) = translation {
        h.update(normalize(t).as_bytes());
    }
    let out = h.finalize();
    let mut s = String::from("sha256:");
    for b in out.iter() {
        s.push_str(&format!("{b:02x}"));
    }
    s
}
