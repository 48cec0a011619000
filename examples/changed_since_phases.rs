//! Times the steps of `check --changed-since REV` (src/changes.rs) on a
//! repository: REV's tree against HEAD's (committed), then HEAD against the
//! index and the work tree (uncommitted). Reads only; writes nothing.
//!
//! `cargo run --release --example changed_since_phases -- DIR [REV [RUNS]]`
//! (REV defaults to HEAD~1, RUNS to 5; prints the median of each step after
//! one warm-up run).

use std::time::{Duration, Instant};

use verbatim::changes::{committed_paths, head_tree, uncommitted_paths};

const DIRS: [&str; 2] = ["articles", "translations"];

fn main() -> Result<(), git2::Error> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| ".".to_string());
    let rev = args.next().unwrap_or_else(|| "HEAD~1".to_string());
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(5);
    let git = git2::Repository::discover(&dir)?;
    let rev_tree = git.revparse_single(&rev)?.peel_to_tree()?;
    let (mut committed, mut uncommitted) = (Vec::new(), Vec::new());
    let (mut n_committed, mut n_uncommitted) = (0, 0);
    for run in 0..=runs {
        let t0 = Instant::now();
        let head = head_tree(&git)?;
        let c = committed_paths(&git, &rev_tree, head.as_ref(), &DIRS)?;
        let t1 = Instant::now();
        let u = uncommitted_paths(&git, head.as_ref(), &DIRS)?;
        let t2 = Instant::now();
        if run > 0 {
            committed.push(t1 - t0);
            uncommitted.push(t2 - t1);
        }
        (n_committed, n_uncommitted) = (c.len(), u.len());
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2].as_secs_f64() * 1000.0
    };
    println!(
        "committed ({rev} against HEAD, tree to tree): {:.1} ms, {n_committed} paths",
        median(&mut committed)
    );
    println!(
        "uncommitted (HEAD against index and work tree): {:.1} ms, {n_uncommitted} paths",
        median(&mut uncommitted)
    );
    Ok(())
}
