//! Sudoku walks as text: the `compact`, `wait`, `backtrack` and `astro`
//! styles over a tree of guesses (see [`crate::sudoku::trace`]).
//!
//! Every style writes the same events, one per line (`compact`: one line per
//! node), which [`crate::trace::validate_sudoku`] replays:
//!
//! * the puzzle (`start 53..7....`);
//! * each deduction with its technique (`place r1c3=4 naked_single`);
//! * each guess with the cell's candidates (`guess r2c5=7 of 379`);
//! * each dead end with its reason (`dead r4c4 no candidates`,
//!   `dead 5 no place in row 3`);
//! * each return: `revert r2c5=7` (undo that guess and all after it),
//!   "Let me go back to step N" (`wait`), `<N` (`compact`);
//! * `solved` and the answer grid.
//!
//! Cells are `r<row>c<col>`, 1-based; values and grids use the puzzle
//! alphabet (`1`-`9`, then `A`-`P`; `.` for a blank).

use crate::sudoku::board::{value_char, Geometry, UnitKind};
use crate::sudoku::steps::{Step, StepLog, Technique, NONE16};
use crate::sudoku::trace::GuessNode;
use crate::trace::render::text::push_u64;
use crate::trace::render::walk::{Move, Walk, WalkStyle};
use crate::trace::tree::{NodeId, Outcome, Tree};

/// `r3c5`.
pub(crate) fn push_cell(out: &mut Vec<u8>, n: usize, cell: u16) {
    let cell = cell as usize;
    out.push(b'r');
    push_u64(out, (cell / n + 1) as u64);
    out.push(b'c');
    push_u64(out, (cell % n + 1) as u64);
}

fn push_value(out: &mut Vec<u8>, v: u8) {
    out.push(value_char(v) as u8);
}

/// `r3c5=7`.
fn push_assign(out: &mut Vec<u8>, n: usize, cell: u16, v: u8) {
    push_cell(out, n, cell);
    out.push(b'=');
    push_value(out, v);
}

fn push_grid(out: &mut Vec<u8>, grid: &[u8]) {
    out.extend(grid.iter().map(|&v| value_char(v) as u8));
}

/// `row 3`, `column 5`, `box 2` (1-based).
pub(crate) fn push_unit(out: &mut Vec<u8>, g: &Geometry, unit: u8) {
    let u = unit as usize;
    out.extend_from_slice(match g.unit_kind(u) {
        UnitKind::Row => b"row ",
        UnitKind::Col => b"column ",
        UnitKind::Box => b"box ",
    });
    push_u64(out, (g.unit_index(u) + 1) as u64);
}

/// The candidates of a mask as value characters (`379`), or as a list for
/// prose (`3, 7 or 9`).
fn push_candidates(out: &mut Vec<u8>, mask: u32, prose: bool) {
    let count = mask.count_ones();
    let mut m = mask;
    let mut k = 0;
    while m != 0 {
        let v = m.trailing_zeros() as u8 + 1;
        m &= m - 1;
        if prose && k > 0 {
            out.extend_from_slice(if k + 1 == count { b" or " } else { b", " });
        }
        push_value(out, v);
        k += 1;
    }
}

/// The row/column character of `compact` (`1`-`9`, then `A`-`P`).
fn push_index(out: &mut Vec<u8>, i: usize) {
    push_value(out, i as u8 + 1);
}

/// A space between `compact` tokens on one line.
fn separate(out: &mut Vec<u8>) {
    if !matches!(out.last(), None | Some(b'\n')) {
        out.push(b' ');
    }
}

/// What one node's steps end with.
enum End {
    /// More nodes follow below it.
    Open,
    Dead {
        cell: u16,
        unit: u8,
        value: u8,
    },
    Solved,
}

struct Writer<'a> {
    style: WalkStyle,
    g: &'a Geometry,
    log: &'a StepLog,
    out: &'a mut Vec<u8>,
}

impl Writer<'_> {
    fn opening(&mut self, puzzle: &[u8]) {
        let out = &mut *self.out;
        match self.style {
            WalkStyle::Compact => {}
            WalkStyle::Wait => out.extend_from_slice(b"Puzzle: "),
            WalkStyle::Backtrack | WalkStyle::Sos => out.extend_from_slice(b"start "),
            WalkStyle::Astro => out.extend_from_slice(b"I need to fill this Sudoku: "),
        }
        push_grid(out, puzzle);
        if self.style == WalkStyle::Astro {
            out.push(b'.');
        }
        out.push(b'\n');
    }

    fn guess(&mut self, node: &GuessNode, depth: u32) {
        let n = self.g.n;
        let out = &mut *self.out;
        match self.style {
            WalkStyle::Compact => {
                out.push(b'?');
                push_index(out, node.cell as usize / n);
                push_index(out, node.cell as usize % n);
                out.push(b'=');
                push_value(out, node.value);
            }
            WalkStyle::Wait => {
                out.extend_from_slice(b"Step ");
                push_u64(out, depth as u64);
                out.extend_from_slice(b": guess ");
                push_assign(out, n, node.cell, node.value);
                out.extend_from_slice(b" (candidates ");
                push_candidates(out, node.candidates, true);
                out.extend_from_slice(b").\n");
            }
            WalkStyle::Backtrack | WalkStyle::Sos => {
                out.extend_from_slice(b"guess ");
                push_assign(out, n, node.cell, node.value);
                out.extend_from_slice(b" of ");
                push_candidates(out, node.candidates, false);
                out.push(b'\n');
            }
            WalkStyle::Astro => {
                out.extend_from_slice(b"No deduction is left, so let me try ");
                push_value(out, node.value);
                out.extend_from_slice(b" in ");
                push_cell(out, n, node.cell);
                out.extend_from_slice(b" (it could be ");
                push_candidates(out, node.candidates, true);
                out.extend_from_slice(b").\n");
            }
        }
    }

    fn place(&mut self, cell: u16, value: u8, technique: Technique, unit: u8) {
        let (g, n) = (self.g, self.g.n);
        let out = &mut *self.out;
        let hidden_unit = (technique != Technique::NakedSingle).then_some(unit);
        match self.style {
            WalkStyle::Compact => {
                separate(out);
                push_index(out, cell as usize / n);
                push_index(out, cell as usize % n);
                out.push(b'=');
                push_value(out, value);
            }
            WalkStyle::Wait => {
                out.extend_from_slice(b"Fill ");
                push_assign(out, n, cell, value);
                match hidden_unit {
                    None => out.extend_from_slice(b" (naked single).\n"),
                    Some(u) => {
                        out.extend_from_slice(b" (hidden single in ");
                        push_unit(out, g, u);
                        out.extend_from_slice(b").\n");
                    }
                }
            }
            WalkStyle::Backtrack | WalkStyle::Sos => {
                out.extend_from_slice(b"place ");
                push_assign(out, n, cell, value);
                out.push(b' ');
                out.extend_from_slice(technique.name().as_bytes());
                out.push(b'\n');
            }
            WalkStyle::Astro => match hidden_unit {
                None => {
                    push_cell(out, n, cell);
                    out.extend_from_slice(b" can only be ");
                    push_value(out, value);
                    out.extend_from_slice(b".\n");
                }
                Some(u) => {
                    out.extend_from_slice(b"In ");
                    push_unit(out, g, u);
                    out.extend_from_slice(b", ");
                    push_value(out, value);
                    out.extend_from_slice(b" can only go in ");
                    push_cell(out, n, cell);
                    out.extend_from_slice(b".\n");
                }
            },
        }
    }

    fn end(&mut self, end: &End) {
        let (g, n) = (self.g, self.g.n);
        let out = &mut *self.out;
        match (self.style, end) {
            (WalkStyle::Compact, End::Open) => {
                if out.last() != Some(&b'\n') {
                    out.push(b'\n');
                }
            }
            (WalkStyle::Compact, End::Dead { .. }) => {
                separate(out);
                out.extend_from_slice(b"x\n");
            }
            (WalkStyle::Compact, End::Solved) => {
                separate(out);
                out.extend_from_slice(b"!\n");
            }
            (_, End::Open) => {}
            (_, End::Solved) => out.extend_from_slice(match self.style {
                WalkStyle::Wait => b"The grid is full.\n",
                WalkStyle::Astro => b"Every cell is filled.\n",
                _ => b"solved\n",
            }),
            (style, &End::Dead { cell, unit, value }) => {
                out.extend_from_slice(match style {
                    WalkStyle::Wait => b"But ",
                    WalkStyle::Astro => b"Now ",
                    _ => b"dead ",
                });
                if cell != NONE16 {
                    push_cell(out, n, cell);
                    out.extend_from_slice(b" has no candidates");
                } else {
                    push_value(out, value);
                    out.extend_from_slice(b" has no place in ");
                    push_unit(out, g, unit);
                }
                out.extend_from_slice(match style {
                    WalkStyle::Wait => b" left.\n",
                    WalkStyle::Astro => b" left, so that doesn't work.\n",
                    _ => b"\n",
                });
            }
        }
    }

    /// Back to the node at `depth`, undoing `undone` (the guess below it).
    fn back(&mut self, depth: u32, undone: &GuessNode) {
        let n = self.g.n;
        let out = &mut *self.out;
        match self.style {
            WalkStyle::Compact => {
                out.push(b'<');
                push_u64(out, depth as u64);
                out.push(b'\n');
            }
            WalkStyle::Wait => {
                if depth == 0 {
                    out.extend_from_slice(
                        b"Wait, this doesn't lead to a solution. Let me go back to the start.\n",
                    );
                } else {
                    out.extend_from_slice(
                        b"Wait, this doesn't lead to a solution. Let me go back to step ",
                    );
                    push_u64(out, depth as u64);
                    out.extend_from_slice(b".\n");
                }
            }
            WalkStyle::Backtrack | WalkStyle::Sos => {
                out.extend_from_slice(b"revert ");
                push_assign(out, n, undone.cell, undone.value);
                out.push(b'\n');
            }
            WalkStyle::Astro => {
                out.extend_from_slice(b"Hmm, ");
                push_value(out, undone.value);
                out.extend_from_slice(b" in ");
                push_cell(out, n, undone.cell);
                out.extend_from_slice(b" was a mistake. Let me undo it and everything after it.\n");
            }
        }
    }

    fn closing(&mut self, answer: Option<&[u8]>) {
        let out = &mut *self.out;
        match (self.style, answer) {
            (WalkStyle::Compact, _) => {}
            (WalkStyle::Wait, Some(a)) => {
                out.extend_from_slice(b"Answer: ");
                push_grid(out, a);
                out.push(b'\n');
            }
            (WalkStyle::Astro, Some(a)) => {
                out.extend_from_slice(b"So the answer is ");
                push_grid(out, a);
                out.extend_from_slice(b".\n");
            }
            (_, Some(a)) => {
                out.extend_from_slice(b"answer ");
                push_grid(out, a);
                out.push(b'\n');
            }
            (WalkStyle::Wait, None) => out.extend_from_slice(b"No solution found.\n"),
            (WalkStyle::Astro, None) => out.extend_from_slice(b"So this Sudoku has no solution.\n"),
            (_, None) => out.extend_from_slice(b"no solution\n"),
        }
    }

    /// Write a node's deductions (applying them to `grid`) and how it ends.
    fn node_steps(&mut self, first: u32, grid: &mut [u8]) -> End {
        let log = self.log;
        for step in &log.steps[first as usize..] {
            match *step {
                Step::Place {
                    cell,
                    value,
                    technique,
                    unit,
                } => {
                    grid[cell as usize] = value;
                    self.place(cell, value, technique, unit);
                }
                Step::Eliminate { .. } => {}
                Step::Contradiction { cell, unit, value } => {
                    return End::Dead { cell, unit, value }
                }
                Step::Solution => return End::Solved,
                Step::Guess { .. } | Step::Backtrack { .. } => break,
            }
        }
        End::Open
    }
}

/// Render `walk` over a Sudoku guess tree whose steps are in `log`. Appends
/// to `out`; returns the final grid when the walk reaches the solution.
pub fn render(
    style: WalkStyle,
    g: &Geometry,
    tree: &Tree<GuessNode>,
    log: &StepLog,
    walk: &Walk,
    puzzle: &[u8],
    out: &mut Vec<u8>,
) {
    let cells = g.cells;
    let mut w = Writer { style, g, log, out };
    w.opening(puzzle);
    if tree.is_empty() {
        w.closing(None);
        return;
    }
    // The grid at each depth of the current path (after its deductions),
    // and the node there.
    let mut grids: Vec<u8> = Vec::with_capacity(cells * (tree.max_depth() as usize + 1));
    grids.extend_from_slice(puzzle);
    let mut path: Vec<NodeId> = vec![0];
    let root_end = w.node_steps(tree.payload(0).first, &mut grids[..cells]);
    w.end(&root_end);
    let mut solved = matches!(root_end, End::Solved);
    for m in walk {
        match *m {
            Move::Try(c) => {
                let depth = tree.node(c).depth as usize;
                path.truncate(depth);
                path.push(c);
                grids.truncate(cells * depth);
                grids.extend_from_within(cells * (depth - 1)..);
                let node = tree.payload(c);
                let grid = &mut grids[cells * depth..];
                grid[node.cell as usize] = node.value;
                w.guess(node, depth as u32);
                let end = w.node_steps(node.first, grid);
                w.end(&end);
                solved |= tree.node(c).outcome == Outcome::Goal && matches!(end, End::Solved);
            }
            Move::Back(p) => {
                let depth = tree.node(p).depth as usize;
                let undone = tree.payload(path[depth + 1]);
                w.back(depth as u32, undone);
                path.truncate(depth + 1);
                grids.truncate(cells * (depth + 1));
            }
        }
    }
    let last = grids.len() - cells;
    w.closing(solved.then(|| &grids[last..]));
}
