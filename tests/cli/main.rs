//! One integration-test binary: every module drives the real `verbatim`
//! binary in a temporary git repository (see `common`).

mod common;

mod test_bench;
mod test_changed_since;
mod test_check;
mod test_ecosystem;
mod test_foundation;
mod test_hardening;
mod test_help;
mod test_history;
mod test_interchange;
mod test_publish;
mod test_quality;
mod test_records;
mod test_review;
mod test_signing;
