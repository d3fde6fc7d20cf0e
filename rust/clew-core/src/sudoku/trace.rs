//! Sudoku search traces: the backtracking search recorded as a tree of
//! guesses, rendered in a named style, and the record around it.
//!
//! The solver's opt-in [`StepLog`] is the recording: it lists every
//! deduction (with its technique), guess, dead end and the solution in
//! search order, and costs nothing in solves that do not ask for it. From
//! it [`build_tree`] makes a [`Tree`] whose nodes are the guesses (the root
//! is the puzzle), so the walks Countdown uses apply unchanged: the whole
//! search, or exactly `k` real wrong branches followed to their real dead
//! ends, then the solution.
//!
//! Traces use singles only (no deduction, naked singles, or naked and hidden
//! singles): every step of such a search can be checked from the grid alone
//! (no hidden candidate eliminations), which is what lets the validator
//! replay each one.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use super::batch::{collect_items, run_parallel, thread_count};
use super::board::{check_cells, Geometry, Grid};
use super::rate::Rater;
use super::rng::Rng;
use super::solve::{Branching, Deduction, SolveOptions, Solver, Status};
use super::steps::{Step, StepLog, NONE16};
use crate::error::{ClewError, Result};
use crate::trace::render::{self, sudoku as sudoku_render, Style};
use crate::trace::tree::{NodeId, Outcome, Recorder, Tree};

/// A node of the guess tree: the guess that made it (none for the root) and
/// where its steps start in the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GuessNode {
    /// The guessed cell ([`NONE16`] for the root).
    pub cell: u16,
    pub value: u8,
    /// The cell's candidates at the choice point (bit `v-1` for `v`).
    pub candidates: u32,
    /// Index in the log of the node's first step after the guess: its
    /// deductions, then its dead end or the solution.
    pub first: u32,
}

/// Turn a solve's step log into its guess tree (cleared first).
pub fn build_tree(log: &StepLog, tree: &mut Tree<GuessNode>) {
    let root = tree.root(
        || GuessNode {
            cell: NONE16,
            value: 0,
            candidates: 0,
            first: 0,
        },
        f64::NAN,
    );
    // The node at each depth of the current path.
    let mut path: Vec<NodeId> = vec![root];
    for (i, step) in log.steps.iter().enumerate() {
        match *step {
            Step::Guess {
                cell,
                value,
                depth,
                candidates,
            } => {
                path.truncate(depth as usize);
                let parent = *path.last().expect("the root stays");
                tree.expand(parent);
                let id = tree.child(
                    parent,
                    || GuessNode {
                        cell,
                        value,
                        candidates,
                        first: i as u32 + 1,
                    },
                    f64::NAN,
                    Outcome::Open,
                );
                tree.visit(id, Outcome::Visited);
                path.push(id);
            }
            Step::Contradiction { .. } => tree.visit(*path.last().expect("root"), Outcome::DeadEnd),
            Step::Solution => tree.visit(*path.last().expect("root"), Outcome::Goal),
            _ => {}
        }
    }
}

/// Everything that shapes a Sudoku trace.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TraceOptions {
    /// `compact`, `wait`, `backtrack` or `astro` (`sos` is Countdown's).
    pub style: Style,
    /// `None`: the whole search; `Some(k)`: exactly `k` real wrong branches,
    /// then the solution (`0`: the shortcut with no backtracking).
    pub backtracks: Option<usize>,
    /// Order of the values tried at each guess: `None` ascending, else
    /// shuffled from this seed. The guessed cell is always the one with the
    /// fewest candidates (first such in row-major order).
    pub seed: Option<u64>,
    /// `None`, `NakedSingles` or `HiddenSingles` (the default).
    pub deduction: Deduction,
    /// Also render the backtrack-free path (`optimal_path`).
    pub optimal_path: bool,
    /// Also rate the puzzle (`difficulty`, SE-like).
    pub rate: bool,
}

impl Default for TraceOptions {
    fn default() -> Self {
        TraceOptions {
            style: Style::Backtrack,
            backtracks: None,
            seed: Some(0),
            deduction: Deduction::HiddenSingles,
            optimal_path: true,
            rate: true,
        }
    }
}

impl TraceOptions {
    /// Errors for options traces do not support.
    pub fn check(&self) -> Result<()> {
        if self.style == Style::Sos {
            return Err(ClewError::InvalidInput(
                "style 'sos' is Stream of Search's Countdown format; Sudoku traces come in \
                 'backtrack', 'wait', 'astro' and 'compact'"
                    .into(),
            ));
        }
        if self.deduction > Deduction::HiddenSingles {
            return Err(ClewError::InvalidInput(
                "Sudoku traces use deduction 'none', 'naked_singles' or 'hidden_singles' \
                 (eliminations by locked candidates or pairs cannot be replayed from the grid)"
                    .into(),
            ));
        }
        Ok(())
    }

    fn solve_options(&self) -> SolveOptions {
        SolveOptions {
            deduction: self.deduction,
            branching: Branching::Mrv,
            seed: self.seed.unwrap_or(0),
            shuffle_values: self.seed.is_some(),
            limit: 1,
            ..SolveOptions::default()
        }
    }
}

/// A rendered Sudoku trace and what is known about it.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceRecord {
    /// The givens (N*N values, 0 for blank).
    pub puzzle: Vec<u8>,
    /// The solution the search found.
    pub answer: Option<Vec<u8>>,
    pub text: String,
    /// The same style without wrong branches (when asked for and solved).
    pub optimal_path: Option<String>,
    /// Backtracks written in `text`.
    pub backtracks: u64,
    /// Search nodes: the root and every guess.
    pub nodes: u64,
    /// Guesses at cells with two or more candidates.
    pub guesses: u64,
    /// The deepest guess level reached (0: no guess).
    pub depth: u32,
    /// Length of `text` in characters (ASCII: bytes).
    pub length: usize,
    /// The SE-like rating (when asked for; `None` without a solution).
    pub difficulty: Option<f32>,
    /// The seed the values were shuffled with (`None`: ascending).
    pub seed: Option<u64>,
}

/// Reusable solver, tree and buffers for many traces of one geometry.
pub struct Tracer {
    geom: &'static Geometry,
    solver: Solver,
    rater: Option<Rater>,
    tree: Tree<GuessNode>,
    log: StepLog,
    answer: Vec<u8>,
}

impl Tracer {
    pub fn new(geom: &'static Geometry) -> Tracer {
        Tracer {
            geom,
            solver: Solver::with_log(geom, TraceOptions::default().solve_options()),
            rater: None,
            tree: Tree::new(),
            log: StepLog::new(),
            answer: vec![0; geom.cells],
        }
    }

    pub fn geometry(&self) -> &'static Geometry {
        self.geom
    }

    /// The guess tree of the last search.
    pub fn tree(&self) -> &Tree<GuessNode> {
        &self.tree
    }

    /// Search `cells` (N*N values `0..=N`) recording its tree. Returns
    /// whether it was solved; clashing givens are an error.
    fn search(&mut self, cells: &[u8], opts: &TraceOptions) -> Result<bool> {
        opts.check()?;
        self.solver.set_options(opts.solve_options());
        let (status, solutions) =
            self.solver
                .solve_cells(cells, None, &mut self.answer, &mut || false);
        if status == Status::Invalid {
            return Err(ClewError::Puzzle(
                super::board::find_clash(self.geom, cells).unwrap_or_default(),
            ));
        }
        // Keep the log's allocations across searches.
        let mut log = self.solver.take_log();
        std::mem::swap(&mut log, &mut self.log);
        self.tree.clear();
        build_tree(&self.log, &mut self.tree);
        Ok(solutions > 0)
    }

    /// Render the last search into `out` (appending); returns the
    /// backtracks written.
    fn render(
        &self,
        cells: &[u8],
        style: Style,
        backtracks: Option<usize>,
        out: &mut Vec<u8>,
    ) -> Result<u64> {
        let walk = render::choose_walk(&self.tree, backtracks)?;
        sudoku_render::render(
            style.walk_style(),
            self.geom,
            &self.tree,
            &self.log,
            &walk,
            cells,
            out,
        );
        Ok(render::walk::backtracks(&walk))
    }

    /// Search and render into `out` (cleared first): the fast path, no
    /// record. Returns the backtracks written.
    pub fn trace_into(
        &mut self,
        cells: &[u8],
        opts: &TraceOptions,
        out: &mut Vec<u8>,
    ) -> Result<u64> {
        check_cells(self.geom, cells)?;
        self.search(cells, opts)?;
        out.clear();
        self.render(cells, opts.style, opts.backtracks, out)
    }

    /// Search, render and measure: the full record.
    pub fn trace(&mut self, cells: &[u8], opts: &TraceOptions) -> Result<TraceRecord> {
        check_cells(self.geom, cells)?;
        let solved = self.search(cells, opts)?;
        let mut out = Vec::with_capacity(4096);
        let backtracks = self.render(cells, opts.style, opts.backtracks, &mut out)?;
        let optimal_path = if opts.optimal_path && solved {
            let mut p = Vec::with_capacity(out.len());
            self.render(cells, opts.style, Some(0), &mut p)?;
            Some(String::from_utf8(p).expect("ascii"))
        } else {
            None
        };
        let difficulty = if opts.rate && solved {
            let geom = self.geom;
            let rater = self.rater.get_or_insert_with(|| Rater::new(geom));
            Some(rater.rate_cells(cells)?.se_like)
        } else {
            None
        };
        let text = String::from_utf8(out).expect("ascii");
        let stats = self.solver.stats();
        Ok(TraceRecord {
            puzzle: cells.to_vec(),
            answer: solved.then(|| self.answer.clone()),
            length: text.len(),
            text,
            optimal_path,
            backtracks,
            nodes: self.tree.len() as u64,
            guesses: stats.guesses,
            depth: self.tree.max_depth(),
            difficulty,
            seed: opts.seed,
        })
    }
}

/// Trace one puzzle with the default tracer.
pub fn trace(grid: &Grid, opts: &TraceOptions) -> Result<TraceRecord> {
    Tracer::new(grid.geom).trace(&grid.cells, opts)
}

/// The seed of item `index` of a batch seeded with `seed`: the same on any
/// number of threads.
pub fn item_seed(seed: u64, index: u64) -> u64 {
    Rng::derive(seed, index).next_u64()
}

const TRACE_CHUNK: usize = 16;

/// Trace `count` puzzles (`boards`: count * N*N values). With
/// `derive_seeds`, item `i` uses [`item_seed`]`(seed, i)`, else `opts.seed`
/// itself (`opts.seed = None`: ascending values for every item). The result does not depend on `threads` (0: every core).
/// `Ok(None)` when `terminate` stopped it; the first failing item's error
/// (named by its index) otherwise.
pub fn trace_batch(
    geom: &'static Geometry,
    boards: &[u8],
    opts: &TraceOptions,
    derive_seeds: bool,
    threads: usize,
    terminate: &mut dyn FnMut() -> bool,
) -> Result<Option<Vec<TraceRecord>>> {
    opts.check()?;
    let cells = geom.cells;
    if !boards.len().is_multiple_of(cells) {
        return Err(ClewError::Puzzle(format!(
            "trace_batch: {} values is not a whole number of {}-cell boards",
            boards.len(),
            cells
        )));
    }
    let count = boards.len() / cells;
    let chunks = count.div_ceil(TRACE_CHUNK);
    let threads = thread_count(threads, chunks);
    let stop = AtomicBool::new(false);
    let results: Vec<Mutex<Option<Result<TraceRecord>>>> =
        (0..count).map(|_| Mutex::new(None)).collect();
    run_parallel(chunks, threads, &stop, terminate, || {
        let mut tracer = Tracer::new(geom);
        let (results, stop) = (&results, &stop);
        move |chunk: usize| {
            let end = ((chunk + 1) * TRACE_CHUNK).min(count);
            for i in chunk * TRACE_CHUNK..end {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                let mut o = *opts;
                if derive_seeds {
                    o.seed = opts.seed.map(|s| item_seed(s, i as u64));
                }
                let r = tracer
                    .trace(&boards[i * cells..(i + 1) * cells], &o)
                    .map_err(|e| match e {
                        ClewError::Puzzle(m) => ClewError::Puzzle(format!("puzzle {i}: {m}")),
                        ClewError::InvalidInput(m) => {
                            ClewError::InvalidInput(format!("puzzle {i}: {m}"))
                        }
                        e => e,
                    });
                *results[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
            }
        }
    });
    // Every item runs (an error does not stop the others), so the first
    // error in index order is the same on any number of threads.
    collect_items(results)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sudoku::generate::{generate, GenerateOptions};
    use crate::trace::render::walk::WalkStyle;
    use crate::trace::validate_sudoku::validate_sudoku;

    const STYLES: [Style; 4] = [Style::Backtrack, Style::Wait, Style::Astro, Style::Compact];

    fn puzzles(n: usize, box_rows: usize, empty: usize, count: u64) -> Vec<Grid> {
        let geom = Geometry::cached(box_rows, n / box_rows).unwrap();
        (0..count)
            .map(|seed| {
                let opts = GenerateOptions {
                    empty: Some(empty),
                    seed,
                    ..GenerateOptions::default()
                };
                generate(geom, &opts).unwrap().puzzle
            })
            .collect()
    }

    fn check(grid: &Grid, opts: &TraceOptions) -> Option<TraceRecord> {
        let rec = match trace(grid, opts) {
            Ok(r) => r,
            Err(ClewError::InvalidInput(m)) if opts.backtracks.is_some() => {
                assert!(m.contains("wrong branches"), "{m}");
                return None;
            }
            Err(e) => panic!("{e}"),
        };
        let boxed = Some((grid.geom.box_rows, grid.geom.box_cols));
        let v = validate_sudoku(&rec.text, opts.style.walk_style(), Some(&grid.cells), boxed);
        assert!(
            v.valid && v.solved,
            "{:?} {:?}\n{}",
            opts.style,
            v,
            rec.text
        );
        if let Some(k) = opts.backtracks {
            assert_eq!(rec.backtracks, k as u64);
        }
        let answer = rec.answer.clone().unwrap();
        assert!(crate::sudoku::is_solution_of(
            grid.geom,
            &grid.cells,
            &answer
        ));
        let p = rec.optimal_path.as_deref().unwrap();
        let v = validate_sudoku(p, opts.style.walk_style(), Some(&grid.cells), boxed);
        assert!(v.valid && v.solved, "{v:?}\n{p}");
        Some(rec)
    }

    #[test]
    fn every_style_round_trips_on_every_size() {
        for (n, r, empty, count) in [
            (4, 2, 12, 20),
            (6, 2, 26, 20),
            (9, 3, 58, 30),
            (16, 4, 110, 2),
        ] {
            // Pure backtracking on 16x16 is slow: singles there.
            let first = if n > 9 { 1 } else { 0 };
            let levels = [
                Deduction::None,
                Deduction::NakedSingles,
                Deduction::HiddenSingles,
            ];
            for grid in puzzles(n, r, empty, count) {
                for style in STYLES {
                    for &deduction in &levels[first..] {
                        for backtracks in [None, Some(0), Some(1), Some(2)] {
                            let opts = TraceOptions {
                                style,
                                backtracks,
                                deduction,
                                seed: Some(n as u64),
                                ..TraceOptions::default()
                            };
                            check(&grid, &opts);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn whole_search_counts_its_returns() {
        for grid in puzzles(9, 3, 60, 20) {
            let opts = TraceOptions {
                deduction: Deduction::None,
                ..TraceOptions::default()
            };
            let rec = check(&grid, &opts).unwrap();
            let returns = rec
                .text
                .lines()
                .filter(|l| l.starts_with("revert "))
                .count();
            assert_eq!(rec.backtracks, returns as u64);
        }
    }

    #[test]
    fn tampered_traces_fail() {
        let grid = &puzzles(9, 3, 58, 1)[0];
        let opts = TraceOptions {
            deduction: Deduction::None,
            ..TraceOptions::default()
        };
        let rec = trace(grid, &opts).unwrap();
        let boxed = Some((3, 3));
        // Change the first placed value.
        let line = rec
            .text
            .lines()
            .position(|l| l.starts_with("guess "))
            .unwrap();
        let mut lines: Vec<String> = rec.text.lines().map(String::from).collect();
        let l = &mut lines[line];
        let eq = l.find('=').unwrap();
        let v = l.as_bytes()[eq + 1];
        let w = if v == b'9' { b'1' } else { v + 1 };
        l.replace_range(eq + 1..eq + 2, std::str::from_utf8(&[w]).unwrap());
        let bad = lines.join("\n");
        let v = validate_sudoku(&bad, WalkStyle::Backtrack, Some(&grid.cells), boxed);
        assert!(!v.valid);
        assert_eq!(v.line, line + 1);
        let v = validate_sudoku(&rec.text, WalkStyle::Wait, Some(&grid.cells), boxed);
        assert!(!v.valid);
    }

    #[test]
    fn too_many_backtracks_is_an_error() {
        let grid = &puzzles(4, 2, 10, 1)[0];
        let opts = TraceOptions {
            backtracks: Some(50),
            ..TraceOptions::default()
        };
        let e = trace(grid, &opts).unwrap_err();
        assert!(e.to_string().contains("50 backtracks asked"), "{e}");
    }

    #[test]
    fn batch_is_the_same_on_any_number_of_threads() {
        let grids = puzzles(9, 3, 55, 40);
        let geom = grids[0].geom;
        let boards: Vec<u8> = grids.iter().flat_map(|g| g.cells.iter().copied()).collect();
        let opts = TraceOptions::default();
        let one = trace_batch(geom, &boards, &opts, true, 1, &mut || false)
            .unwrap()
            .unwrap();
        let three = trace_batch(geom, &boards, &opts, true, 3, &mut || false)
            .unwrap()
            .unwrap();
        assert_eq!(one, three);
        assert_eq!(one[7].seed, Some(item_seed(0, 7)));
    }
}
