//! The benchmark's newsroom generator (`examples/gen_newsroom.rs`): what it
//! makes passes `verbatim check`, and the same seed makes the same history.

use crate::common::{EVA, TestEnv};

#[path = "../../examples/gen_newsroom.rs"]
mod gen_newsroom;

use gen_newsroom::{GenOptions, default_corpus, generate};

fn options(out: std::path::PathBuf) -> GenOptions {
    GenOptions {
        articles: 20,
        quotes_per_article: 4,
        commits: 25,
        out,
        seed: 7,
        corpus: default_corpus(),
        po: None,
    }
}

#[test]
fn generated_newsroom_passes_check() {
    let env = TestEnv::bare();
    let summary = generate(&options(env.root())).expect("generates");
    assert_eq!(summary.records, 80);
    let run = env.run(EVA, &["check", "--format", "json"]);
    let errors: Vec<_> = run
        .json_lines()
        .into_iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "errors: {errors:#?}");
    assert_eq!(run.code, 0);
    // One initial commit, then the history commits; the work tree is clean.
    assert_eq!(env.commit_count(), 26);
    assert_eq!(env.git(&["status", "--porcelain"]), "");
    // The hot quote carries every tenth history commit.
    let shown = env.run(EVA, &["show", &summary.hot_quote]);
    shown.ok();
    shown.stdout_has("approved");
    let status = env.run(EVA, &["status", &summary.sample_slug]);
    status.ok();
}

#[test]
fn generator_is_deterministic_for_a_seed() {
    let (a, b) = (TestEnv::bare(), TestEnv::bare());
    generate(&options(a.root())).expect("generates");
    generate(&options(b.root())).expect("generates");
    assert_eq!(a.git(&["rev-parse", "HEAD"]), b.git(&["rev-parse", "HEAD"]));
}
