//! Progress on long work: a bar on stderr, shown only when stderr is a
//! terminal (never in CI logs or when piped) and only once the work has
//! taken more than a second.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long work runs before a bar appears.
const SHOW_AFTER: Duration = Duration::from_secs(1);

/// A progress bar that stays hidden for short work. Cheap to clone and
/// share between threads.
#[derive(Clone)]
pub struct Progress {
    bar: ProgressBar,
    started: Instant,
    enabled: bool,
}

impl Progress {
    /// A bar over `total` items, labelled `what` ("articles", "records").
    /// `quiet` hides it.
    pub fn new(total: usize, what: &str, quiet: bool) -> Progress {
        let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0");
        let enabled = !quiet && !ci && std::io::stderr().is_terminal();
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
        if let Ok(style) =
            ProgressStyle::with_template(&format!("{{bar:30}} {{pos}}/{{len}} {what} {{elapsed}}"))
        {
            bar.set_style(style);
        }
        Progress {
            bar,
            started: Instant::now(),
            enabled,
        }
    }

    /// One more item done.
    pub fn inc(&self) {
        if self.enabled && self.bar.is_hidden() && self.started.elapsed() > SHOW_AFTER {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        self.bar.inc(1);
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_disabled_bar_stays_hidden_however_long_the_work() {
        let p = Progress::new(3, "articles", true);
        p.inc();
        std::thread::sleep(SHOW_AFTER + Duration::from_millis(100));
        p.inc();
        assert!(
            p.bar.is_hidden(),
            "--quiet (or no terminal, or CI) never draws"
        );
        assert_eq!(p.bar.position(), 2, "work is still counted");
        p.finish();
    }
}
