//! The quotation extractor against other projects' quote-mark test suites
//! and 2,084 real news articles (`../shared/corpus`, see its README).

mod corpus;
mod peer_suites;
