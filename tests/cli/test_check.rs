//! `verbatim check`: extraction, matching, every finding code, every format,
//! every exit code.

use crate::common::{ANA, EVA, TestEnv};

const DISCLOSURE: &str = "\n\n*Quotes were translated from Spanish by the author.*\n";

/// A newsroom with one approved quote in article `call`.
fn approved_newsroom(article: &str) -> TestEnv {
    let env = TestEnv::new();
    env.add_quote(
        "call/no-necesario",
        "Siempre insiste en la participación de fuerzas militares de Estados Unidos, y le respondo que no es necesario.",
        "He always insists on the participation of U.S. military forces, and I answer him that it is not necessary.",
    );
    env.run(EVA, &["approve", "call/no-necesario"]).ok();
    env.write("articles/call.md", article);
    env
}

fn findings(env: &TestEnv, args: &[&str]) -> (i32, Vec<serde_json::Value>) {
    let mut full = vec!["check", "--format", "json"];
    full.extend(args);
    let run = env.run(EVA, &full);
    (run.code, run.json_lines())
}

#[test]
fn founding_story_quotations_in_order_with_positions() {
    let env = TestEnv::new();
    env.write(
        "articles/founding.md",
        include_str!("../fixtures/founding-story.md"),
    );
    let (code, found) = findings(&env, &[]);
    assert_eq!(code, 1);
    let got: Vec<(u64, u64, String)> = found
        .iter()
        .filter(|f| f["code"] == "untracked-quote")
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: Vec<(u64, u64, &str)> = vec![
        (1, 257, "cordial"),
        (
            2,
            84,
            "security with respect for our national sovereignties.",
        ),
        (2, 324, "of mutual respect,"),
        (2, 350, "always lead to results,"),
        (
            4,
            178,
            "would destroy trust, eviscerate cooperation with Mexican authorities, and make it harder to keep drugs out",
        ),
        (
            7,
            288,
            "wanted to have more participation in México’s security.",
        ),
        (
            8,
            1,
            "Under these conditions, it is always better to look for a conversation,",
        ),
        (
            8,
            120,
            "always insists in the participation of U.S. military forces,",
        ),
        (8, 210, "it is not necessary,"),
        (8, 361, "is working,"),
        (8, 410, "unnecessary."),
        (9, 75, "ruled out"),
        (
            10,
            224,
            "Secretary Rubio reaffirmed the United States’s commitment to stopping narcoterrorism and stressed the need for tangible results to protect our homeland and hemisphere.",
        ),
        (11, 86, "narcoterrorism,"),
        (12, 45, "disagreed"),
        (12, 130, "implies an American intervention of México."),
        (
            12,
            323,
            "the Mexican state rejects any form of foreign intervention.",
        ),
        (13, 190, "neighbors"),
        (13, 206, "commercial partners,"),
        (14, 112, "ruled out"),
    ];
    let expected: Vec<(u64, u64, String)> = expected
        .into_iter()
        .map(|(l, c, t)| (l, c, t.to_string()))
        .collect();
    assert_eq!(got, expected);
    for f in &found {
        assert_eq!(f["file"], "articles/founding.md");
        assert_eq!(f["severity"], "error");
    }
}

#[test]
fn approved_fragments_elisions_and_insertions_pass() {
    let article = format!(
        "---\ntitle: \"Not a quote\"\n---\n# Call\n\nSheinbaum said Trump “always insists on the participation of U.S. military forces,” \
         and that “it is not necessary.” She said “[Trump] always insists … that it is not necessary.”\n\
         Also: “He always insists on the participation [...] it is not necessary.”\n\n\
         Code `\"it is not necessary\"` and a [link](https://x.org/\"q\") are not quotations.{DISCLOSURE}"
    );
    let env = approved_newsroom(&article);
    let run = env.run(EVA, &["check"]);
    run.code(0)
        .stdout_has("0 errors, 0 warnings in 1 article (4 quotations checked)");
    let (code, found) = findings(&env, &["call"]);
    assert_eq!((code, found.len()), (0, 0), "{found:?}");
    let junit = env.run(EVA, &["check", "--format", "junit"]);
    junit.code(0);
    let doc = roxmltree::Document::parse(&junit.stdout).expect("valid JUnit XML");
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 4);
    assert!(doc.descendants().all(|n| !n.has_tag_name("failure")));
}

#[test]
fn spanish_original_quoted_in_the_article_matches() {
    let article = format!("She said: “no es necesario”.{DISCLOSURE}");
    let env = approved_newsroom(&article);
    env.run(EVA, &["check"]).code(0);
}

#[test]
fn every_error_code_and_format() {
    let article = "# Call\n\n\
        Trump “always insists in the participation of U.S. military forces,” she said.\n\n\
        She also said “we will never accept it”.\n\n\
        And “la soberanía no se negocia”.\n\n\
        A \u{201c}hidden\u{202e} text\u{201d} here.\n";
    let env = approved_newsroom(article);
    env.add_quote(
        "call/soberania",
        "La soberanía no se negocia.",
        "Sovereignty is not negotiable.",
    );
    env.add_quote("call/orphan", "Otra cosa.", "Something else entirely.");
    env.write("translations/call/broken.toml", "schema = 1\nspeaker = [\n");
    let (code, found) = findings(&env, &[]);
    assert_eq!(code, 1);
    let codes: Vec<&str> = found.iter().map(|f| f["code"].as_str().unwrap()).collect();
    for expected in [
        "drift",
        "untracked-quote",
        "unapproved",
        "invalid-record",
        "missing-disclosure",
        "orphan-record",
        "suspicious-text",
    ] {
        assert!(
            codes.contains(&expected),
            "{expected} missing from {codes:?}"
        );
    }
    for f in &found {
        for key in ["code", "severity", "file", "line", "column", "message"] {
            assert!(!f[key].is_null(), "{key} missing in {f}");
        }
    }
    let drift = found.iter().find(|f| f["code"] == "drift").unwrap();
    assert_eq!(
        (drift["line"].as_u64(), drift["column"].as_u64()),
        (Some(3), Some(7))
    );
    assert_eq!(drift["quote"], "call/no-necesario");
    assert_eq!(
        drift["diff_text"],
        "always insists [-on-]{+in+} the participation of U.S. military forces"
    );
    let invalid = found
        .iter()
        .find(|f| f["code"] == "invalid-record")
        .unwrap();
    assert_eq!(invalid["file"], "translations/call/broken.toml");
    assert_eq!(invalid["line"], 2);
    let orphan = found.iter().find(|f| f["code"] == "orphan-record").unwrap();
    assert_eq!(orphan["severity"], "warning");
    assert_eq!(orphan["quote"], "call/orphan");

    let human = env.run(EVA, &["check"]);
    human.code(1);
    human
        .stdout_has("articles/call.md:3:7: error[drift]")
        .stdout_has("{+in+}");
    human.stdout_has("translations/call/broken.toml:2:");

    let gh = env.run(EVA, &["check", "--format", "github"]);
    gh.code(1);
    assert!(
        gh.stdout
            .lines()
            .all(|l| l.starts_with("::error ") || l.starts_with("::warning ")),
        "{}",
        gh.stdout
    );
    gh.stdout_has("::error file=articles/call.md,line=3,col=7,title=verbatim drift::");

    let junit = env.run(EVA, &["check", "--format", "junit"]);
    junit.code(1);
    let doc = roxmltree::Document::parse(&junit.stdout).expect("valid JUnit XML");
    let failures = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .count();
    assert!(failures >= 6, "{}", junit.stdout);
    assert!(
        !junit.stdout.contains('\u{202e}'),
        "bidi control escaped in XML"
    );
}

#[test]
fn stale_approval_and_self_approval() {
    let article =
        format!("He “always insists on the participation of U.S. military forces”.{DISCLOSURE}");
    let env = approved_newsroom(&article);
    env.run(EVA, &["check"]).code(0);
    env.run(
        ANA,
        &["revise", "call/no-necesario", "--translation", "He always insists on the participation of U.S. military forces, and I tell him it is not needed.", "--note", "closer"],
    )
    .ok();
    let (code, found) = findings(&env, &[]);
    assert_eq!(code, 1);
    assert_eq!(found[0]["code"], "stale-approval", "{found:?}");
    // A hand-typed approval by the translator herself never counts.
    let rel = "translations/call/no-necesario.toml";
    let text = env.read(rel);
    let digest = env
        .run(ANA, &["show", "call/no-necesario", "--format", "json"])
        .json_lines()[0]["digest"]
        .clone();
    env.write(
        rel,
        &format!(
            "{text}\n[[review]]\nverdict = \"approved\"\nreviewer = \"Ana Traductora <ana@example.org>\"\nat = \"2026-01-13T10:00:00Z\"\nrevision = 2\ndigest = {digest}\n"
        ),
    );
    let (_, found) = findings(&env, &[]);
    let codes: Vec<&str> = found.iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"self-approval"), "{codes:?}");
    assert!(codes.contains(&"stale-approval"), "{codes:?}");
}

#[test]
fn exemption_comment_excuses_a_scare_quote() {
    let article = format!(
        "The so-called “war on drugs” continues.\n<!-- verbatim:ignore \"war on drugs\" -->{DISCLOSURE}"
    );
    let env = approved_newsroom(&article);
    let (code, found) = findings(&env, &[]);
    assert_eq!(code, 0, "{found:?}");
    // The disclosure is only required when a translated quotation appears.
    let env2 = approved_newsroom(
        "The so-called “war on drugs” continues.\n<!-- verbatim:ignore “war on drugs” -->\n",
    );
    let (code, found) = findings(&env2, &[]);
    assert_eq!(code, 0, "{found:?}");
    assert_eq!(found.len(), 1, "only the orphan warning: {found:?}");
}

#[test]
fn exit_two_when_the_check_cannot_run() {
    let env = approved_newsroom("Nothing quoted.\n");
    env.run(EVA, &["check", "missing-article"])
        .code(2)
        .stderr_has("articles/missing-article.md does not exist");
    env.run(EVA, &["check", "../etc"])
        .code(2)
        .stderr_has("not a valid article slug");
    env.run(EVA, &["check", "--format", "yaml"]).code(2);
    env.run(EVA, &["check", "--changed-since", "no-such-rev"])
        .code(2)
        .stderr_has("no-such-rev");
    env.write("verbatim.toml", "required_approvals = 0\n");
    env.run(EVA, &["check"])
        .code(2)
        .stderr_has("verbatim.toml:1:");
    let outside = TestEnv::bare();
    outside
        .run(EVA, &["check"])
        .code(2)
        .stderr_has("not inside a git repository");
}

#[test]
fn named_articles_and_changed_since_limit_the_check() {
    let env = approved_newsroom(&format!("“it is not necessary”{DISCLOSURE}"));
    env.write("articles/other.md", "An “untracked” quotation.\n");
    env.git(&["add", "-A"]);
    env.git(&["commit", "-q", "-m", "articles"]);
    env.run(EVA, &["check", "call"]).code(0);
    env.run(EVA, &["check", "other"]).code(1);
    env.run(EVA, &["check", "--changed-since", "HEAD"])
        .code(0)
        .stdout_has("in 0 articles");
    env.write(
        "articles/call.md",
        &format!("“it is not needed at all, we told him”{DISCLOSURE}"),
    );
    let (code, found) = findings(&env, &["--changed-since", "HEAD"]);
    assert_eq!(code, 1);
    assert!(
        found.iter().all(|f| f["file"] != "articles/other.md"),
        "{found:?}"
    );
    assert!(found.iter().any(|f| f["file"] == "articles/call.md"));
}

/// Articles are checked on several threads; when some cannot be read, the
/// error named is the first unreadable article in slug order, every time.
#[test]
fn the_first_unreadable_article_in_slug_order_is_named() {
    let env = TestEnv::new();
    for i in 0..40 {
        env.write(
            &format!("articles/s{i:02}.md"),
            "She said “Yes.” Translated from Spanish.\n",
        );
    }
    for slug in ["s07", "s23", "s31"] {
        std::fs::write(
            env.root().join(format!("articles/{slug}.md")),
            b"\xff\xfe bad",
        )
        .unwrap();
    }
    for _ in 0..5 {
        let run = env.run(EVA, &["check"]);
        run.code(2).stderr_has("articles/s07.md");
        assert!(
            !run.stderr.contains("s23") && !run.stderr.contains("s31"),
            "{}",
            run.stderr
        );
    }
}
