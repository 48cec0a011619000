//! The quotation extraction of [`super::extract`] before blocks were kept as
//! text plus a list of quote marks (it kept one `Piece` per visible
//! character), kept as a test oracle: the differential tests in
//! `super::tests` assert that both find the same quotations and prose.
//!
//! What the rewrite did not change is shared, not copied: stripping,
//! positions, the walk over the parser's events (`walk_events`, feeding
//! this module's collector of pieces), the quote-mark rules (`can_open`,
//! `can_close`, `mark_action`) and the scanner's types, and the removal of
//! malformed markup, which still works on pieces.

use super::{
    Action, BlockSink, Found, Level, LineIndex, MarkKind, Nesting, Open, PLACEHOLDER, Piece,
    PieceKind, Quotation, Stripped, can_close, can_open, curly_kind, drop_malformed_markup,
    last_index, mark_action, walk_events,
};
use std::ops::Range;

/// Quotations and prose of `source`, as the old extraction found them.
pub(super) fn extract(source: &str) -> (Vec<Quotation>, String) {
    let stripped = Stripped::new(source);
    let text = stripped.text.as_str();
    let (blocks, _) = collect_blocks(text);
    let lines = LineIndex::new(source);
    let quotations = find_quotations(text, &blocks)
        .into_iter()
        .map(|found| {
            let offset = stripped.to_source(found.offset);
            let (line, column) = lines.position(source, offset);
            Quotation {
                line,
                column,
                offset,
                text: found.text,
            }
        })
        .collect();
    let mut prose = String::new();
    for block in &blocks {
        let chars = block.prose();
        if chars.clone().all(char::is_whitespace) {
            continue;
        }
        if !prose.is_empty() {
            prose.push_str("\n\n");
        }
        prose.extend(chars);
    }
    (quotations, prose)
}

/// The visible characters of one inline block.
#[derive(Debug, Default)]
struct Block {
    pieces: Vec<Piece>,
    paragraph: bool,
    /// Changes whenever a block-level event other than a paragraph boundary
    /// happens: two paragraphs with the same generation are adjacent siblings.
    generation: u64,
    /// Id of the outermost block quote containing this block.
    block_quote: Option<u64>,
}

impl Block {
    /// The block's visible text, inline code included (quotation text).
    fn visible(&self) -> String {
        self.pieces.iter().map(|p| p.visible).collect()
    }

    /// The block's visible characters without inline code (prose).
    fn prose(&self) -> impl Iterator<Item = char> + Clone + '_ {
        self.pieces
            .iter()
            .filter(|p| p.kind != PieceKind::Code)
            .map(|p| p.visible)
    }
}

struct Collector<'a> {
    source: &'a str,
    blocks: Vec<Block>,
    current: Vec<Piece>,
    nesting: Nesting,
}

impl BlockSink for Collector<'_> {
    fn nesting(&mut self) -> &mut Nesting {
        &mut self.nesting
    }

    fn flush(&mut self) {
        while self
            .current
            .last()
            .is_some_and(|p| p.kind == PieceKind::Break)
        {
            self.current.pop();
        }
        if self.current.is_empty() {
            return;
        }
        self.blocks.push(Block {
            pieces: std::mem::take(&mut self.current),
            paragraph: self.nesting.in_paragraph,
            generation: self.nesting.generation,
            block_quote: self.nesting.block_quote(),
        });
    }

    fn push_text(&mut self, text: &str, range: Range<usize>) {
        let raw = self.source.get(range.clone()).unwrap_or("");
        // At most one piece per byte: grow once, not by doubling.
        self.current.reserve(text.len());
        if raw == text {
            for (i, c) in text.char_indices() {
                if c == PLACEHOLDER {
                    continue;
                }
                self.current.push(Piece {
                    visible: c,
                    offset: range.start + i,
                    len: c.len_utf8(),
                    kind: curly_kind(c).map_or(PieceKind::Text, PieceKind::Mark),
                });
            }
        } else if raw == "\"" && (text == "“" || text == "”") {
            let kind = if text == "“" {
                MarkKind::StraightLeft
            } else {
                MarkKind::StraightRight
            };
            self.current.push(Piece {
                visible: '"',
                offset: range.start,
                len: 1,
                kind: PieceKind::Mark(kind),
            });
        } else if !raw.is_empty() && raw.bytes().all(|b| matches!(b, b'\'' | b'-' | b'.')) {
            // Smart punctuation: keep what the author wrote.
            for (i, c) in raw.char_indices() {
                self.current.push(Piece {
                    visible: c,
                    offset: range.start + i,
                    len: 1,
                    kind: PieceKind::Text,
                });
            }
        } else {
            // Entities and other synthesized text: every character at the
            // start of its source.
            for c in text.chars().filter(|&c| c != PLACEHOLDER) {
                self.current.push(Piece {
                    visible: c,
                    offset: range.start,
                    len: range.len(),
                    kind: curly_kind(c).map_or(PieceKind::Text, PieceKind::Mark),
                });
            }
        }
    }

    fn push_code(&mut self, text: &str, offset: usize) {
        self.push_simple(text, offset, PieceKind::Code);
    }

    fn push_break(&mut self, text: &str, offset: usize) {
        self.push_simple(text, offset, PieceKind::Break);
    }
}

impl Collector<'_> {
    fn push_simple(&mut self, text: &str, offset: usize, kind: PieceKind) {
        if kind == PieceKind::Break && self.current.is_empty() {
            return;
        }
        for c in text.chars().filter(|&c| c != PLACEHOLDER) {
            self.current.push(Piece {
                visible: c,
                offset,
                len: 0,
                kind,
            });
        }
    }
}

/// Parses the stripped text (the event walk is the fast extraction's own,
/// `super::walk_events`); returns the inline blocks and the ranges of raw
/// HTML (block and inline).
fn collect_blocks(text: &str) -> (Vec<Block>, Vec<Range<usize>>) {
    let mut c = Collector {
        source: text,
        blocks: Vec::new(),
        current: Vec::new(),
        nesting: Nesting::default(),
    };
    let html = walk_events(text, &mut c);
    let mut blocks = c.blocks;
    for block in &mut blocks {
        drop_malformed_markup(&mut block.pieces, text);
    }
    blocks.retain(|b| !b.pieces.is_empty());
    (blocks, html)
}

/// Scans blocks in order, carrying an unclosed quotation to the next
/// paragraph when that paragraph opens with a quote mark.
struct Scanner<'a> {
    text: &'a str,
    out: Vec<Found>,
    /// Unclosed quotation at the end of block `pending_block`.
    pending: Option<(Open, usize)>,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        Scanner {
            text,
            out: Vec::new(),
            pending: None,
        }
    }

    fn finish_pending(&mut self) {
        if let Some((open, block)) = self.pending.take() {
            self.out.push(Found {
                offset: open.offset,
                text: open.text,
                end_block: block,
                closed_at: None,
            });
        }
    }

    fn classify(&self, piece: &Piece, stack: &[Level], straight_open: &mut bool) -> Action {
        let PieceKind::Mark(mark) = piece.kind else {
            return Action::Literal;
        };
        let opens = can_open(self.text, piece.offset, piece.len);
        let closes = can_close(self.text, piece.offset, piece.len);
        mark_action(mark, opens, closes, stack, straight_open)
    }

    fn feed(&mut self, index: usize, block: &Block, previous: Option<&Block>) {
        let mut straight_open = false;
        let mut active: Option<Open> = None;
        let mut start = 0;
        if let Some((mut open, _)) = self.pending.take() {
            let adjacent = previous.is_some_and(|p| {
                p.paragraph && block.paragraph && p.generation == block.generation
            });
            let continues = adjacent
                && block.pieces.first().is_some_and(|first| {
                    matches!(
                        self.classify(first, &[], &mut straight_open),
                        Action::Open(_)
                    )
                });
            if continues {
                if let Some(first) = block.pieces.first() {
                    straight_open = matches!(first.kind, PieceKind::Mark(MarkKind::StraightLeft));
                    let level = match first.kind {
                        PieceKind::Mark(MarkKind::GuillemetOpen) => Level::Guillemet,
                        _ => Level::Double,
                    };
                    open.text.push_str("\n\n");
                    open.stack = vec![level];
                }
                start = 1;
                active = Some(open);
            } else {
                straight_open = false;
                self.pending = Some((open, index.saturating_sub(1)));
                self.finish_pending();
            }
        }

        for (i, piece) in block.pieces.iter().enumerate().skip(start) {
            // Anything but a quote mark is literal text: kept inside a
            // quotation, nothing outside.
            if !matches!(piece.kind, PieceKind::Mark(_)) {
                if let Some(open) = active.as_mut() {
                    open.text.push(piece.visible);
                }
                continue;
            }
            let stack: &[Level] = active.as_ref().map_or(&[], |a| &a.stack);
            match self.classify(piece, stack, &mut straight_open) {
                Action::Open(level) => match active.as_mut() {
                    None => {
                        active = Some(Open {
                            offset: piece.offset,
                            text: String::new(),
                            stack: vec![level],
                        })
                    }
                    Some(open) => {
                        open.text.push(piece.visible);
                        open.stack.push(level);
                    }
                },
                Action::Close(level) => {
                    if let Some(open) = active.as_mut() {
                        while let Some(top) = open.stack.pop() {
                            if top == level {
                                break;
                            }
                        }
                        if open.stack.is_empty() {
                            if let Some(done) = active.take() {
                                self.out.push(Found {
                                    offset: done.offset,
                                    text: done.text,
                                    end_block: index,
                                    closed_at: Some(i),
                                });
                            }
                        } else {
                            open.text.push(piece.visible);
                        }
                    }
                }
                Action::Literal => {
                    if let Some(open) = active.as_mut() {
                        open.text.push(piece.visible);
                    }
                }
            }
        }
        if let Some(open) = active {
            self.pending = Some((open, index));
        }
    }

    fn run(mut self, blocks: &[&Block]) -> Vec<Found> {
        for (index, block) in blocks.iter().enumerate() {
            let previous = index.checked_sub(1).and_then(|i| blocks.get(i)).copied();
            self.feed(index, block, previous);
        }
        self.finish_pending();
        self.out
    }
}

/// The quotation(s) of one block quote (see the module docs).
fn block_quote_quotations(text: &str, group: &[&Block]) -> Vec<Found> {
    let is_blank = |p: &&Piece| p.visible.is_whitespace();
    let Some(first) = group
        .iter()
        .flat_map(|b| b.pieces.iter())
        .find(|p| !is_blank(p))
    else {
        return Vec::new();
    };
    let natural = Scanner::new(text).run(group);
    if let [only] = natural.as_slice() {
        let last_block = group.len() - 1;
        let covers_end = only.end_block == last_block
            && match only.closed_at {
                None => true,
                Some(at) => group[last_block].pieces.iter().skip(at + 1).all(|p| {
                    p.visible.is_whitespace()
                        || matches!(p.visible, '.' | ',' | ';' | ':' | '!' | '?')
                }),
            };
        if only.offset == first.offset && covers_end {
            return natural;
        }
    }
    let mut all = String::new();
    for block in group {
        let visible = block.visible();
        if visible.trim().is_empty() {
            continue;
        }
        if !all.is_empty() {
            all.push_str("\n\n");
        }
        all.push_str(&visible);
    }
    vec![Found {
        offset: first.offset,
        text: all,
        end_block: last_index(group),
        closed_at: None,
    }]
}

fn find_quotations(text: &str, blocks: &[Block]) -> Vec<Found> {
    let mut out = Vec::new();
    let mut plain: Vec<&Block> = Vec::new();
    let mut i = 0;
    while i < blocks.len() {
        match blocks[i].block_quote {
            None => {
                plain.push(&blocks[i]);
                i += 1;
            }
            Some(id) => {
                out.extend(Scanner::new(text).run(&plain));
                plain.clear();
                let mut group = Vec::new();
                while i < blocks.len() && blocks[i].block_quote == Some(id) {
                    group.push(&blocks[i]);
                    i += 1;
                }
                out.extend(block_quote_quotations(text, &group));
            }
        }
    }
    out.extend(Scanner::new(text).run(&plain));
    out
}
