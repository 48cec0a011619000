//! Generates a realistic newsroom for benchmarks, deterministic for a seed.
//!
//! `cargo run --release --example gen_newsroom -- --articles N
//! --quotes-per-article Q --commits K --out DIR [--seed S] [--corpus DIR]`
//!
//! DIR becomes a git repository with `verbatim.toml`, N articles and N×Q
//! quote records built from the Europarl sample (line N of `es.txt`
//! translates line N of `en.txt`): each record joins one to three aligned
//! sentence pairs picked by the seed, so no two records are copies. Each
//! article quotes each of its records once — whole, as a fragment, or with an
//! elision `…` — and says its quotations are translated from Spanish. Every
//! record is approved by a second identity, so `verbatim check` passes.
//!
//! All of that is one commit. Then come K small commits, each revising one
//! record and approving the new revision: every tenth touches the same
//! *hot* quote (printed at the end, for `verbatim log`), the others go round
//! the other articles, so the hot quote's history is spread over the whole
//! log the way a real newsroom's is. Commits are built directly with git2
//! (blobs and tree updates, no work-tree scans) for speed; the work tree and
//! index are written once at the end.
//!
//! Records are serialised by `verbatim::store::serialize_record`, the one
//! writer of the format; the bulk files are written without the per-file
//! fsync of `store::write_atomic` (half a million fsyncs would dominate
//! generation and buy nothing for a throw-away fixture).

use std::collections::BTreeMap;
use std::error::Error;
use std::path::{Path, PathBuf};

use git2::{FileMode, Repository, Signature, Time};
use verbatim::matching::digest;
use verbatim::policy::DEFAULT_POLICY_TEXT;
use verbatim::quote::{Origin, Person, Quote, Review, Revision, SCHEMA_VERSION, Verdict};
use verbatim::store::{QuoteRef, Store, serialize_record};

/// What to generate.
#[derive(Debug, Clone)]
pub struct GenOptions {
    /// Number of articles.
    pub articles: usize,
    /// Quote records per article.
    pub quotes_per_article: usize,
    /// Small commits after the initial one.
    pub commits: usize,
    /// Where the repository goes (created, must be empty or absent).
    pub out: PathBuf,
    /// Seed of the pseudo-random choices.
    pub seed: u64,
    /// Directory holding `es.txt` and `en.txt`.
    pub corpus: PathBuf,
    /// Also write every current pair as one gettext PO file here, for the
    /// `msgfmt --check` comparison.
    pub po: Option<PathBuf>,
}

/// What was generated.
#[derive(Debug, Clone)]
pub struct GenSummary {
    /// An article slug in the middle of the newsroom.
    pub sample_slug: String,
    /// The quote the history commits keep revising, `SLUG/ID`.
    pub hot_quote: String,
    /// Number of record files.
    pub records: usize,
}

/// The Europarl sample next to the project.
pub fn default_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/europarl-sample")
}

/// SplitMix64: small, fast, and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SPEAKERS: &[&str] = &[
    "Claudia Sheinbaum",
    "Marcelo Ebrard",
    "Rosa Icela Rodríguez",
    "Omar García Harfuch",
    "Gustavo Petro",
    "Javier Milei",
    "Gabriel Boric",
    "Pedro Sánchez",
    "Isabel Díaz Ayuso",
    "Luisa María Alcalde",
];

const PLACES: &[&str] = &[
    "at the morning press conference",
    "in an interview with local radio",
    "before the Senate",
    "at a rally in the capital",
    "in a statement posted online",
    "during a visit to the border",
];

const FILLER: &[&str] = &[
    "The remarks came after a week of negotiations over tariffs and migration.",
    "Officials did not immediately respond to a request for comment.",
    "Analysts said the statement marked a shift in tone from earlier this year.",
    "The government has faced mounting pressure from business groups.",
    "Opposition lawmakers criticised the plan as vague and underfunded.",
    "The ministry published the full transcript later in the day.",
    "Similar proposals have stalled in congress twice before.",
];

fn translator() -> Person {
    Person {
        name: "Ana Traductora".into(),
        email: "ana@newsroom.example".into(),
    }
}

fn editor() -> Person {
    Person {
        name: "Eva Editora".into(),
        email: "eva@newsroom.example".into(),
    }
}

/// Aligned sentence pairs that an article can quote safely: no quotation
/// marks or Markdown syntax of their own, and long enough to be fragmented.
fn corpus_pairs(dir: &Path) -> Result<Vec<(String, String)>, Box<dyn Error>> {
    let es = std::fs::read_to_string(dir.join("es.txt"))?;
    let en = std::fs::read_to_string(dir.join("en.txt"))?;
    let unsafe_char = |c: char| {
        matches!(
            c,
            '"' | '“'
                | '”'
                | '«'
                | '»'
                | '‘'
                | '’'
                | '\''
                | '*'
                | '_'
                | '`'
                | '['
                | ']'
                | '<'
                | '>'
                | '#'
                | '\\'
                | '…'
                | '|'
                | '&'
        ) || c.is_control()
    };
    let pairs: Vec<(String, String)> = es
        .split('\n')
        .zip(en.split('\n'))
        .map(|(o, t)| (o.trim().to_string(), t.trim().to_string()))
        .filter(|(o, t)| {
            t.split_whitespace().count() >= 8
                && o.split_whitespace().count() >= 6
                && !o.contains(unsafe_char)
                && !t.contains(unsafe_char)
                && !t.contains("..")
                && !o.contains("..")
        })
        .collect();
    if pairs.len() < 10 {
        return Err(format!("too few usable sentence pairs in {}", dir.display()).into());
    }
    Ok(pairs)
}

/// The moment of the `n`-th event, a minute apart from 2026-01-05.
fn moment(n: u64) -> (i64, String) {
    let unix = 1_767_600_000 + 60 * n as i64;
    let t = time::OffsetDateTime::from_unix_timestamp(unix).expect("in range");
    let text = t
        .format(&time::format_description::well_known::Rfc3339)
        .expect("formats");
    (unix, text)
}

fn new_quote(rng: &mut Rng, pairs: &[(String, String)], clock: &mut u64) -> (Quote, Vec<usize>) {
    let parts = 1 + rng.below(3);
    let picks: Vec<usize> = (0..parts).map(|_| rng.below(pairs.len())).collect();
    let original = picks
        .iter()
        .map(|&i| pairs[i].0.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let translation = picks
        .iter()
        .map(|&i| pairs[i].1.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    *clock += 1;
    let (_, at) = moment(*clock);
    let mut quote = Quote {
        schema: SCHEMA_VERSION,
        speaker: SPEAKERS[rng.below(SPEAKERS.len())].to_string(),
        original_lang: "es".into(),
        origin: Origin::Own,
        source: Some(format!("Press conference {}", 1 + rng.below(400))),
        source_url: None,
        said_on: Some(format!("2026-01-{:02}", 1 + rng.below(28))),
        timecode: None,
        revisions: vec![Revision {
            number: 1,
            original,
            translation: Some(translation),
            author: translator(),
            at: at.clone(),
            note: Some("first translation".into()),
        }],
        reviews: Vec::new(),
    };
    approve(&mut quote, clock);
    (quote, picks)
}

/// Appends the editor's approval of the current revision.
fn approve(quote: &mut Quote, clock: &mut u64) {
    *clock += 1;
    let (_, at) = moment(*clock);
    let current = quote.revisions.last().expect("one revision");
    let review = Review {
        verdict: Verdict::Approved,
        reviewer: editor(),
        at,
        revision: current.number,
        digest: digest(&current.original, current.translation.as_deref()),
        comment: None,
        signature: None,
    };
    quote.reviews.push(review);
}

/// How the article quotes a translation: whole, a fragment of consecutive
/// words, or the first and last words with an elision between.
fn quotation_of(rng: &mut Rng, translation: &str) -> String {
    let words: Vec<&str> = translation.split_whitespace().collect();
    match rng.below(3) {
        0 => translation.to_string(),
        1 => {
            let len = 6 + rng.below(words.len() - 5);
            let len = len.min(words.len());
            let start = rng.below(words.len() - len + 1);
            words[start..start + len].join(" ")
        }
        _ => {
            let head = 3 + rng.below(3);
            let tail = 3 + rng.below(3);
            if head + tail + 1 >= words.len() {
                translation.to_string()
            } else {
                format!(
                    "{} … {}",
                    words[..head].join(" "),
                    words[words.len() - tail..].join(" ")
                )
            }
        }
    }
}

fn article_text(rng: &mut Rng, slug: &str, quotes: &[(String, Quote)]) -> String {
    let mut text = format!(
        "---\ntitle: {}\n---\n\n# {}\n\n",
        slug.replace('-', " "),
        slug.replace('-', " ")
    );
    for (i, (_, q)) in quotes.iter().enumerate() {
        let translation = q
            .revisions
            .last()
            .and_then(|r| r.translation.as_deref())
            .unwrap_or("");
        let quoted = quotation_of(rng, translation);
        let place = PLACES[rng.below(PLACES.len())];
        match i % 3 {
            0 => text.push_str(&format!("{} said {place}: “{quoted}”", q.speaker)),
            1 => text.push_str(&format!("“{quoted}”, {} said {place}.", q.speaker)),
            _ => text.push_str(&format!(
                "Asked about it {place}, {} replied that “{quoted}”",
                q.speaker
            )),
        }
        text.push(' ');
        text.push_str(FILLER[rng.below(FILLER.len())]);
        text.push_str("\n\n");
    }
    text.push_str("*Quotations translated from Spanish by the newsroom.*\n");
    text
}

/// Generates the newsroom.
pub fn generate(opts: &GenOptions) -> Result<GenSummary, Box<dyn Error>> {
    let pairs = corpus_pairs(&opts.corpus)?;
    let mut rng = Rng(opts.seed ^ 0x005E_ED0F_7E57);
    let mut clock = 0u64;
    std::fs::create_dir_all(&opts.out)?;
    let git = Repository::init(&opts.out)?;
    {
        let mut cfg = git.config()?;
        cfg.set_str("user.name", &translator().name)?;
        cfg.set_str("user.email", &translator().email)?;
    }
    let store = Store::new(&opts.out);
    std::fs::write(opts.out.join("verbatim.toml"), DEFAULT_POLICY_TEXT)?;
    std::fs::create_dir_all(opts.out.join("articles"))?;
    std::fs::create_dir_all(opts.out.join("translations"))?;

    // Tree of the initial commit, built bottom-up in memory.
    let mut articles_tree = git.treebuilder(None)?;
    let mut translations_tree = git.treebuilder(None)?;
    let width = opts.articles.max(1).to_string().len();
    let slugs: Vec<String> = (0..opts.articles)
        .map(|i| {
            let topic = ["tariffs", "migration", "security", "energy", "budget"][i % 5];
            format!("story-{i:0width$}-{topic}")
        })
        .collect();
    let mut records = 0usize;
    for slug in &slugs {
        let quotes: Vec<(String, Quote)> = (0..opts.quotes_per_article)
            .map(|j| {
                (
                    format!("q{j:02}"),
                    new_quote(&mut rng, &pairs, &mut clock).0,
                )
            })
            .collect();
        let article = article_text(&mut rng, slug, &quotes);
        let path = store.abs(&Store::article_rel_path(slug));
        std::fs::write(&path, &article)?;
        articles_tree.insert(
            format!("{slug}.md"),
            git.blob(article.as_bytes())?,
            0o100644,
        )?;
        let mut dir = git.treebuilder(None)?;
        std::fs::create_dir_all(store.abs(&format!("translations/{slug}")))?;
        for (id, quote) in &quotes {
            let bytes = serialize_record(quote);
            let r = QuoteRef {
                slug: slug.clone(),
                id: id.clone(),
            };
            std::fs::write(store.abs(&Store::record_rel_path(&r)), &bytes)?;
            dir.insert(format!("{id}.toml"), git.blob(bytes.as_bytes())?, 0o100644)?;
            records += 1;
        }
        if !quotes.is_empty() {
            translations_tree.insert(slug, dir.write()?, 0o040000)?;
        }
    }
    let mut root = git.treebuilder(None)?;
    root.insert(
        "verbatim.toml",
        git.blob(DEFAULT_POLICY_TEXT.as_bytes())?,
        0o100644,
    )?;
    root.insert("articles", articles_tree.write()?, 0o040000)?;
    if records > 0 {
        root.insert("translations", translations_tree.write()?, 0o040000)?;
    }
    let tree = git.find_tree(root.write()?)?;
    let (unix, _) = moment(clock);
    let sig = Signature::new(&translator().name, &translator().email, &Time::new(unix, 0))?;
    let mut head = git.commit(
        Some("HEAD"),
        &sig,
        &sig,
        &format!(
            "newsroom: {} articles, {records} approved quotes (gen_newsroom, seed {})",
            opts.articles, opts.seed
        ),
        &tree,
        &[],
    )?;

    // History: small commits revising and re-approving one quote each.
    let sample_slug = slugs.get(slugs.len() / 2).cloned().unwrap_or_default();
    let hot = QuoteRef {
        slug: sample_slug.clone(),
        id: "q00".into(),
    };
    let mut touched: BTreeMap<String, (QuoteRef, Quote)> = BTreeMap::new();
    if opts.quotes_per_article > 0 && !slugs.is_empty() {
        let mut tree = tree;
        for k in 0..opts.commits {
            let r = if k % 10 == 0 {
                hot.clone()
            } else {
                QuoteRef {
                    slug: slugs[(k * 7919) % slugs.len()].clone(),
                    id: format!("q{:02}", (k / slugs.len()) % opts.quotes_per_article),
                }
            };
            let rel = Store::record_rel_path(&r);
            let mut quote = match touched.remove(&rel) {
                Some((_, q)) => q,
                None => store.load_path(&rel)?,
            };
            revise(&mut quote, &mut rng, &mut clock);
            approve(&mut quote, &mut clock);
            let bytes = serialize_record(&quote);
            let mut update = git2::build::TreeUpdateBuilder::new();
            update.upsert(rel.as_str(), git.blob(bytes.as_bytes())?, FileMode::Blob);
            tree = git.find_tree(update.create_updated(&git, &tree)?)?;
            let (unix, _) = moment(clock);
            let sig = Signature::new(&editor().name, &editor().email, &Time::new(unix, 0))?;
            let parent = git.find_commit(head)?;
            let n = quote.revisions.len();
            head = git.commit(
                Some("HEAD"),
                &sig,
                &sig,
                &format!(
                    "verbatim: revise {r} (revision {n})\n\nVerbatim-Action: revise\nVerbatim-Quote: {r}\n"
                ),
                &tree,
                &[&parent],
            )?;
            touched.insert(rel, (r, quote));
        }
    }
    for (r, quote) in touched.values() {
        std::fs::write(
            store.abs(&Store::record_rel_path(r)),
            serialize_record(quote),
        )?;
    }
    if let Some(po) = &opts.po {
        write_po(&store, &slugs, opts.quotes_per_article, po)?;
    }
    // The index with the files' stat data, so that status and diffs against
    // the work tree need not hash every file.
    let mut index = git.index()?;
    index.add_all(
        ["verbatim.toml", "articles", "translations"],
        git2::IndexAddOption::DEFAULT,
        None,
    )?;
    index.write()?;
    let _ = head;
    Ok(GenSummary {
        sample_slug,
        hot_quote: hot.to_string(),
        records,
    })
}

/// Every record's current pair as one PO file: `msgctxt` is `SLUG/ID`
/// (so no two entries collide), `msgid` the original, `msgstr` the translation.
fn write_po(
    store: &Store,
    slugs: &[String],
    quotes: usize,
    path: &Path,
) -> Result<(), Box<dyn Error>> {
    fn po_string(s: &str) -> String {
        let mut out = String::with_capacity(s.len() + 2);
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }
    let mut text = String::from(concat!(
        "msgid \"\"\nmsgstr \"\"\n",
        "\"Project-Id-Version: verbatim benchmark\\n\"\n",
        "\"PO-Revision-Date: 2026-01-05 00:00+0000\\n\"\n",
        "\"Last-Translator: Ana Traductora <ana@newsroom.example>\\n\"\n",
        "\"Language-Team: Newsroom <desk@newsroom.example>\\n\"\n",
        "\"Language: en\\n\"\n",
        "\"MIME-Version: 1.0\\n\"\n",
        "\"Content-Type: text/plain; charset=UTF-8\\n\"\n",
        "\"Content-Transfer-Encoding: 8bit\\n\"\n\n",
    ));
    for slug in slugs {
        for j in 0..quotes {
            let r = QuoteRef {
                slug: slug.clone(),
                id: format!("q{j:02}"),
            };
            let quote = store.load_path(&Store::record_rel_path(&r))?;
            let current = quote.current();
            text.push_str(&format!(
                "msgctxt {}\nmsgid {}\nmsgstr {}\n\n",
                po_string(&r.to_string()),
                po_string(&current.original),
                po_string(current.translation.as_deref().unwrap_or("")),
            ));
        }
    }
    std::fs::write(path, text)?;
    Ok(())
}

/// A new revision: the transcription of the original corrected (a word
/// swapped), the translation kept, so the article still quotes it word for
/// word; the new content needs (and gets) a new approval.
fn revise(quote: &mut Quote, rng: &mut Rng, clock: &mut u64) {
    const SWAPS: &[(&str, &str)] = &[
        (" el ", " este "),
        (" este ", " el "),
        (" la ", " esta "),
        (" esta ", " la "),
        (" muy ", " realmente "),
        (" realmente ", " muy "),
    ];
    let current = quote.revisions.last().expect("one revision").clone();
    let original = current.original;
    let mut next = original.clone();
    let first = rng.below(SWAPS.len());
    for i in 0..SWAPS.len() {
        let (from, to) = SWAPS[(first + i) % SWAPS.len()];
        if next.contains(from) {
            next = next.replacen(from, to, 1);
            break;
        }
    }
    if next == original {
        next = match next.strip_suffix(" Gracias.") {
            Some(shorter) => shorter.to_string(),
            None => format!("{next} Gracias."),
        };
    }
    *clock += 1;
    let (_, at) = moment(*clock);
    quote.revisions.push(Revision {
        number: current.number + 1,
        original: next,
        translation: current.translation,
        author: translator(),
        at,
        note: Some("corrected the transcription of the original".into()),
    });
}

#[allow(dead_code)]
fn main() {
    let mut opts = GenOptions {
        articles: 5_000,
        quotes_per_article: 10,
        commits: 0,
        out: PathBuf::from("newsroom"),
        seed: 1,
        corpus: default_corpus(),
        po: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .unwrap_or_else(|| usage(&format!("{flag} needs a value")));
        let number = || {
            value
                .parse::<usize>()
                .unwrap_or_else(|_| usage(&format!("{flag}: `{value}` is not a number")))
        };
        match flag.as_str() {
            "--articles" => opts.articles = number(),
            "--quotes-per-article" => opts.quotes_per_article = number(),
            "--commits" => opts.commits = number(),
            "--seed" => opts.seed = number() as u64,
            "--out" => opts.out = PathBuf::from(&value),
            "--corpus" => opts.corpus = PathBuf::from(&value),
            "--po" => opts.po = Some(PathBuf::from(&value)),
            _ => usage(&format!("unknown flag {flag}")),
        }
    }
    if opts.out.exists()
        && std::fs::read_dir(&opts.out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        usage(&format!("{} exists and is not empty", opts.out.display()));
    }
    match generate(&opts) {
        Ok(summary) => {
            println!("records {}", summary.records);
            println!("sample_slug {}", summary.sample_slug);
            println!("hot_quote {}", summary.hot_quote);
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}

#[allow(dead_code)]
fn usage(message: &str) -> ! {
    eprintln!("error: {message}");
    eprintln!(
        "usage: gen_newsroom --articles N --quotes-per-article Q --commits K --out DIR [--seed S] [--corpus DIR] [--po FILE]"
    );
    std::process::exit(2);
}
