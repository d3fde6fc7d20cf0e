//! Depth-first search over the propagated states: options (deduction level,
//! branching rule, seed, solution limit, node budget), statistics, and the
//! public [`Solver`].
//!
//! The search is iterative (an explicit stack of copied states), so a 25x25
//! grid cannot overflow a thread's stack. With the defaults (locked candidates,
//! MRV, values ascending) the search order, and so the first solution of a
//! puzzle with several, is fully determined by the puzzle.

use super::band::BandEngine;
use super::board::{Geometry, Grid};
use super::propagate::{Engine, Frame, LoadError, State, SOLVED};
use super::rng::Rng;
use super::steps::{NoLog, Recorder, Step, StepLog, Technique};
use crate::budget::StopReason;
use crate::error::{ClewError, Result};

/// How much deduction runs at every node. Each level includes the ones
/// before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Deduction {
    /// Pure backtracking: placing a value only removes it from the peers'
    /// candidates; a cell left with none is a dead end.
    None,
    /// Cells with one candidate are filled.
    NakedSingles,
    /// And values with one place in a row, column or box are placed.
    HiddenSingles,
    /// And pointing / claiming eliminations (the default: the fastest on
    /// hard puzzles, a quarter of the guesses of singles alone).
    #[default]
    LockedCandidates,
    /// And naked and hidden pairs.
    Pairs,
}

impl Deduction {
    pub fn parse(name: &str) -> Result<Deduction> {
        Ok(match name {
            "none" => Deduction::None,
            "naked" | "naked_singles" => Deduction::NakedSingles,
            "hidden" | "hidden_singles" | "singles" => Deduction::HiddenSingles,
            "locked" | "locked_candidates" => Deduction::LockedCandidates,
            "pairs" => Deduction::Pairs,
            _ => {
                return Err(ClewError::InvalidInput(format!(
                    "unknown deduction level {name:?} (expected 'none', 'naked_singles', \
                     'hidden_singles', 'locked_candidates' or 'pairs')"
                )))
            }
        })
    }
}

/// Which open cell a choice point branches on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Branching {
    /// Fewest candidates (minimum remaining values); ties: lowest index.
    #[default]
    Mrv,
    /// The first open cell in row-major order.
    First,
    /// A uniformly random open cell, its values in random order (seeded).
    Random,
}

impl Branching {
    pub fn parse(name: &str) -> Result<Branching> {
        Ok(match name {
            "mrv" => Branching::Mrv,
            "first" => Branching::First,
            "random" => Branching::Random,
            _ => {
                return Err(ClewError::InvalidInput(format!(
                    "unknown branching {name:?} (expected 'mrv', 'first' or 'random')"
                )))
            }
        })
    }
}

/// Options of one solver.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SolveOptions {
    pub deduction: Deduction,
    pub branching: Branching,
    /// Seed of [`Branching::Random`] and of `shuffle_values`.
    pub seed: u64,
    /// Try a choice point's values in random (seeded) order instead of ascending.
    pub shuffle_values: bool,
    /// Deduce in the simplest-first order (full passes of the easiest
    /// productive technique) instead of the fast eager order; slower, for
    /// ratings and human-style logs.
    pub simplest_first: bool,
    /// Stop after this many solutions (1: find one; 2: check uniqueness).
    pub limit: u64,
    /// Stop (unknown result) after this many search nodes.
    pub node_limit: Option<u64>,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            deduction: Deduction::LockedCandidates,
            branching: Branching::Mrv,
            seed: 0,
            shuffle_values: false,
            simplest_first: false,
            limit: 1,
            node_limit: None,
        }
    }
}

/// Counters of one solve.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// States propagated (the root and every trial).
    pub nodes: u64,
    /// Trials at choice points with two or more candidates.
    pub guesses: u64,
    /// Trials abandoned (search went back to try another value or retreat).
    pub backtracks: u64,
    /// Dead ends met.
    pub contradictions: u64,
    /// Deepest stack of choice points.
    pub max_depth: u32,
    /// Applications of each technique (placements for singles, elimination
    /// steps for the others), indexed by `Technique as usize`.
    pub techniques: [u64; Technique::COUNT],
}

impl Stats {
    pub fn technique(&self, t: Technique) -> u64 {
        self.techniques[t as usize]
    }
}

/// How a search ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// The whole tree was searched (the solution count is exact).
    Exhausted,
    /// `limit` solutions were found; more may exist.
    LimitReached,
    /// Givens clash within a row, column or box.
    Invalid,
    /// A budget or the terminate callback stopped it.
    Stopped(StopReason),
}

/// Result of one solve.
#[derive(Clone, Debug, PartialEq)]
pub struct SolveOutcome {
    pub status: Status,
    /// Solutions found (at most `limit`).
    pub solutions: u64,
    /// The first solution found.
    pub solution: Option<Grid>,
    pub stats: Stats,
}

impl SolveOutcome {
    /// Whether the solution count is known to be `solutions` (exactly) or
    /// at least `limit`.
    pub fn complete(&self) -> bool {
        matches!(self.status, Status::Exhausted | Status::LimitReached)
    }
}

pub(crate) enum RunEnd {
    Exhausted,
    LimitReached,
    Invalid,
    Stopped(StopReason),
}

impl<const NK: usize, const C: usize, R: Recorder> Engine<NK, C, R> {
    /// The search proper. Writes the first solution into `sol` (N*N values).
    pub(crate) fn run(
        &mut self,
        cells: &[u8],
        forbid: Option<(usize, u8)>,
        sol: &mut [u8],
        solutions: &mut u64,
        terminate: &mut dyn FnMut() -> bool,
    ) -> RunEnd {
        self.stats = Stats::default();
        self.rng = Rng::new(self.opts.seed);
        self.stack.clear();
        *solutions = 0;
        let limit = self.opts.limit.max(1);
        let node_limit = self.opts.node_limit.unwrap_or(u64::MAX);
        let mut cur: State<C> = match self.load(cells, forbid) {
            Ok(st) => st,
            Err(LoadError::Clash) => return RunEnd::Invalid,
            Err(LoadError::Dead) => {
                self.stats.nodes = 1;
                return RunEnd::Exhausted;
            }
        };
        let mut ok = self.propagate(&mut cur);
        loop {
            self.stats.nodes += 1;
            if ok {
                if cur.unsolved == 0 {
                    if *solutions == 0 {
                        let all = self.g.all;
                        for (s, &m) in sol.iter_mut().zip(cur.cand.iter()) {
                            *s = (m & all).trailing_zeros() as u8 + 1;
                        }
                    }
                    *solutions += 1;
                    if R::ON {
                        self.rec.step(Step::Solution);
                    }
                    if *solutions >= limit {
                        return RunEnd::LimitReached;
                    }
                } else {
                    let c = self.choose(&cur);
                    let m = cur.cand[c];
                    self.stack.push(Frame {
                        st: cur,
                        cell: c as u16,
                        rest: m,
                        cands: m,
                        trial: 0,
                    });
                    let depth = self.stack.len() as u32;
                    if depth > self.stats.max_depth {
                        self.stats.max_depth = depth;
                    }
                }
            }
            if self.stats.nodes >= node_limit {
                return RunEnd::Stopped(StopReason::Propagations);
            }
            if self.stats.nodes & 1023 == 0 && terminate() {
                return RunEnd::Stopped(StopReason::Terminated);
            }
            // Next trial: the deepest choice point with values left.
            loop {
                let depth = self.stack.len();
                let Some(top) = self.stack.last_mut() else {
                    return RunEnd::Exhausted;
                };
                if top.trial != 0 {
                    self.stats.backtracks += 1;
                    if R::ON {
                        let (cell, value) = (top.cell, top.trial.trailing_zeros() as u8 + 1);
                        self.rec.step(Step::Backtrack {
                            cell,
                            value,
                            depth: depth as u16,
                        });
                    }
                    let top = self.stack.last_mut().expect("non-empty");
                    top.trial = 0;
                }
                let top = self.stack.last_mut().expect("non-empty");
                if top.rest == 0 {
                    self.stack.pop();
                    continue;
                }
                let vb = if self.opts.branching == Branching::Random || self.opts.shuffle_values {
                    let rest = top.rest;
                    self.rng.pick_bit(rest)
                } else {
                    top.rest & top.rest.wrapping_neg()
                };
                let top = self.stack.last_mut().expect("non-empty");
                top.rest ^= vb;
                top.trial = vb;
                cur = top.st;
                let (c, cands) = (top.cell as usize, top.cands);
                if cands & cands.wrapping_sub(1) != 0 {
                    self.stats.guesses += 1;
                }
                if R::ON {
                    self.rec.step(Step::Guess {
                        cell: c as u16,
                        value: vb.trailing_zeros() as u8 + 1,
                        depth: depth as u16,
                        candidates: cands,
                    });
                }
                ok = self.place(&mut cur, c, vb) && self.propagate(&mut cur);
                break;
            }
        }
    }

    /// The open cell to branch on (the state has at least one).
    #[inline]
    fn choose(&mut self, st: &State<C>) -> usize {
        let cells = if NK != 0 { NK * NK } else { self.g.cells };
        match self.opts.branching {
            Branching::Mrv => {
                if self.auto_naked {
                    // No single is left after propagation, so a two-candidate
                    // cell is minimal: find the first without counting bits
                    // (no popcnt in the baseline x86-64).
                    for (c, &m) in st.cand[..cells].iter().enumerate() {
                        let x = m & m.wrapping_sub(1);
                        if m & SOLVED == 0 && x != 0 && x & x.wrapping_sub(1) == 0 {
                            return c;
                        }
                    }
                }
                let mut best = u32::MAX;
                let mut at = 0;
                for (c, &m) in st.cand[..cells].iter().enumerate() {
                    // Filled cells score >= 64.
                    let k = m.count_ones() + ((m >> 31) << 6);
                    if k < best {
                        best = k;
                        at = c;
                        if k <= 1 {
                            break;
                        }
                    }
                }
                at
            }
            Branching::First => st.cand[..cells]
                .iter()
                .position(|&m| m & SOLVED == 0)
                .unwrap_or(0),
            Branching::Random => {
                let mut k = self.rng.below(st.unsolved);
                for (c, &m) in st.cand[..cells].iter().enumerate() {
                    if m & SOLVED == 0 {
                        if k == 0 {
                            return c;
                        }
                        k -= 1;
                    }
                }
                0
            }
        }
    }
}

/// Object-safe face of the monomorphised engines.
pub(crate) trait DynEngine: Send {
    fn run_dyn(
        &mut self,
        cells: &[u8],
        forbid: Option<(usize, u8)>,
        sol: &mut [u8],
        solutions: &mut u64,
        terminate: &mut dyn FnMut() -> bool,
    ) -> RunEnd;
    fn stats(&self) -> Stats;
    fn set_options(&mut self, opts: SolveOptions);
    fn options(&self) -> SolveOptions;
    fn take_log(&mut self) -> StepLog;
}

/// A recorder that can hand its steps over.
pub(crate) trait TakeLog: Recorder + Send + 'static {
    fn take(&mut self) -> StepLog;
}

impl TakeLog for NoLog {
    fn take(&mut self) -> StepLog {
        StepLog::default()
    }
}

impl TakeLog for StepLog {
    fn take(&mut self) -> StepLog {
        std::mem::take(self)
    }
}

impl<const NK: usize, const C: usize, R: TakeLog> DynEngine for Engine<NK, C, R> {
    fn run_dyn(
        &mut self,
        cells: &[u8],
        forbid: Option<(usize, u8)>,
        sol: &mut [u8],
        solutions: &mut u64,
        terminate: &mut dyn FnMut() -> bool,
    ) -> RunEnd {
        self.run(cells, forbid, sol, solutions, terminate)
    }
    fn stats(&self) -> Stats {
        self.stats
    }
    fn set_options(&mut self, opts: SolveOptions) {
        Engine::set_options(self, opts)
    }
    fn options(&self) -> SolveOptions {
        self.opts
    }
    fn take_log(&mut self) -> StepLog {
        self.rec.take()
    }
}

fn make_engine<R: TakeLog>(g: &'static Geometry, opts: SolveOptions, rec: R) -> Box<dyn DynEngine> {
    match g.n {
        4 => Box::new(Engine::<4, 16, R>::new(g, opts, rec)),
        6 => Box::new(Engine::<6, 36, R>::new(g, opts, rec)),
        9 => Box::new(Engine::<9, 81, R>::new(g, opts, rec)),
        12 => Box::new(Engine::<12, 144, R>::new(g, opts, rec)),
        16 => Box::new(Engine::<16, 256, R>::new(g, opts, rec)),
        25 => Box::new(Engine::<25, 625, R>::new(g, opts, rec)),
        0..=4 => Box::new(Engine::<0, 16, R>::new(g, opts, rec)),
        5..=6 => Box::new(Engine::<0, 36, R>::new(g, opts, rec)),
        7..=9 => Box::new(Engine::<0, 81, R>::new(g, opts, rec)),
        10..=12 => Box::new(Engine::<0, 144, R>::new(g, opts, rec)),
        13..=16 => Box::new(Engine::<0, 256, R>::new(g, opts, rec)),
        _ => Box::new(Engine::<0, 625, R>::new(g, opts, rec)),
    }
}

/// 9x9 with 3x3 boxes: the band engine where it reproduces the options
/// (see [`BandEngine::supports`]), the generic engine otherwise.
struct Fast9 {
    band: BandEngine,
    generic: Engine<9, 81, NoLog>,
    band_ran: bool,
}

impl DynEngine for Fast9 {
    fn run_dyn(
        &mut self,
        cells: &[u8],
        forbid: Option<(usize, u8)>,
        sol: &mut [u8],
        solutions: &mut u64,
        terminate: &mut dyn FnMut() -> bool,
    ) -> RunEnd {
        self.band_ran = BandEngine::supports(&self.band.opts);
        if self.band_ran {
            self.band.run(cells, forbid, sol, solutions, terminate)
        } else {
            self.generic.run(cells, forbid, sol, solutions, terminate)
        }
    }
    fn stats(&self) -> Stats {
        if self.band_ran {
            self.band.stats
        } else {
            self.generic.stats
        }
    }
    fn set_options(&mut self, opts: SolveOptions) {
        self.band.opts = opts;
        self.generic.set_options(opts);
    }
    fn options(&self) -> SolveOptions {
        self.band.opts
    }
    fn take_log(&mut self) -> StepLog {
        StepLog::default()
    }
}

/// A reusable solver for one geometry. Reusing it across puzzles (as the
/// batch and generator do) avoids every allocation after the first solve.
pub struct Solver {
    geom: &'static Geometry,
    engine: Box<dyn DynEngine>,
    logging: bool,
    sol: Vec<u8>,
}

impl Solver {
    /// A solver without a step log.
    pub fn new(geom: &'static Geometry, opts: SolveOptions) -> Solver {
        Solver {
            geom,
            engine: make_engine(geom, opts, NoLog),
            logging: false,
            sol: vec![0; geom.cells],
        }
    }

    /// A solver for callers that need solutions, counts and the search
    /// counters but not technique counts: on 9x9 grids with 3x3 boxes it
    /// runs the band-wise engine (2-3x faster; same search tree, solutions
    /// and counters as [`Solver::new`], but `Stats::techniques` stays zero),
    /// elsewhere it is [`Solver::new`].
    pub fn fast(geom: &'static Geometry, opts: SolveOptions) -> Solver {
        if geom.box_rows != 3 || geom.box_cols != 3 {
            return Solver::new(geom, opts);
        }
        Solver {
            geom,
            engine: Box::new(Fast9 {
                band: BandEngine::new(opts),
                generic: Engine::new(geom, opts, NoLog),
                band_ran: false,
            }),
            logging: false,
            sol: vec![0; geom.cells],
        }
    }

    /// A solver that records every step; read it with [`Solver::take_log`].
    pub fn with_log(geom: &'static Geometry, opts: SolveOptions) -> Solver {
        Solver {
            geom,
            engine: make_engine(geom, opts, StepLog::new()),
            logging: true,
            sol: vec![0; geom.cells],
        }
    }

    pub fn geometry(&self) -> &'static Geometry {
        self.geom
    }

    pub fn options(&self) -> SolveOptions {
        self.engine.options()
    }

    pub fn set_options(&mut self, opts: SolveOptions) {
        self.engine.set_options(opts)
    }

    pub fn is_logging(&self) -> bool {
        self.logging
    }

    /// The steps recorded since the last call (empty without a log).
    pub fn take_log(&mut self) -> StepLog {
        self.engine.take_log()
    }

    /// Statistics of the last solve.
    pub fn stats(&self) -> Stats {
        self.engine.stats()
    }

    /// Solve `grid` (its geometry must be this solver's). Clashing givens
    /// are `Err(ClewError::Puzzle)`; an unsolvable puzzle is `Ok` with no
    /// solution.
    pub fn solve(&mut self, grid: &Grid) -> Result<SolveOutcome> {
        self.solve_with(grid, &mut || false)
    }

    /// [`Solver::solve`] polling `terminate` every 1024 nodes.
    pub fn solve_with(
        &mut self,
        grid: &Grid,
        terminate: &mut dyn FnMut() -> bool,
    ) -> Result<SolveOutcome> {
        self.check_geometry(grid)?;
        let mut solutions = 0;
        let end = self
            .engine
            .run_dyn(&grid.cells, None, &mut self.sol, &mut solutions, terminate);
        let status = match end {
            RunEnd::Exhausted => Status::Exhausted,
            RunEnd::LimitReached => Status::LimitReached,
            RunEnd::Invalid => return Err(ClewError::Puzzle(grid.clash().unwrap_or_default())),
            RunEnd::Stopped(r) => Status::Stopped(r),
        };
        Ok(SolveOutcome {
            status,
            solutions,
            solution: (solutions > 0).then(|| Grid {
                geom: self.geom,
                cells: self.sol.clone(),
            }),
            stats: self.engine.stats(),
        })
    }

    /// The allocation-free path: solve `cells` (N*N values in `0..=N`,
    /// unchecked beyond their count) into `out`. Returns the status and the
    /// number of solutions found (up to the limit); `out` holds the first.
    pub fn solve_cells(
        &mut self,
        cells: &[u8],
        forbid: Option<(usize, u8)>,
        out: &mut [u8],
        terminate: &mut dyn FnMut() -> bool,
    ) -> (Status, u64) {
        assert!(cells.len() >= self.geom.cells && out.len() >= self.geom.cells);
        let mut solutions = 0;
        let end = self
            .engine
            .run_dyn(cells, forbid, out, &mut solutions, terminate);
        let status = match end {
            RunEnd::Exhausted => Status::Exhausted,
            RunEnd::LimitReached => Status::LimitReached,
            RunEnd::Invalid => Status::Invalid,
            RunEnd::Stopped(r) => Status::Stopped(r),
        };
        (status, solutions)
    }

    /// Number of solutions, counting stops at `limit`.
    pub fn count(&mut self, grid: &Grid, limit: u64) -> Result<u64> {
        let mut opts = self.options();
        let saved = opts;
        opts.limit = limit.max(1);
        self.set_options(opts);
        let r = self.solve(grid);
        self.set_options(saved);
        Ok(r?.solutions)
    }

    fn check_geometry(&self, grid: &Grid) -> Result<()> {
        if grid.geom.box_rows != self.geom.box_rows || grid.geom.box_cols != self.geom.box_cols {
            return Err(ClewError::Puzzle(format!(
                "this solver is for {n}x{n} grids with {}x{} boxes, got a {m}x{m} grid with {}x{} boxes",
                self.geom.box_rows,
                self.geom.box_cols,
                grid.geom.box_rows,
                grid.geom.box_cols,
                n = self.geom.n,
                m = grid.geom.n
            )));
        }
        if grid.cells.len() != self.geom.cells {
            return Err(ClewError::Puzzle(format!(
                "expected {} cells, got {}",
                self.geom.cells,
                grid.cells.len()
            )));
        }
        Ok(())
    }
}

/// Solve with the default options (locked candidates, MRV): the first
/// solution in search order, `None` when there is none; clashing givens are
/// an error.
pub fn solve(grid: &Grid) -> Result<Option<Grid>> {
    let mut s = Solver::fast(grid.geom, SolveOptions::default());
    Ok(s.solve(grid)?.solution)
}

/// Number of solutions of `grid`, counting stops at `limit`.
pub fn count_solutions(grid: &Grid, limit: u64) -> Result<u64> {
    let mut s = Solver::fast(grid.geom, SolveOptions::default());
    s.count(grid, limit)
}

/// Solve with a step log: the outcome and every step.
pub fn solve_logged(grid: &Grid, opts: SolveOptions) -> Result<(SolveOutcome, StepLog)> {
    let mut s = Solver::with_log(grid.geom, opts);
    let out = s.solve(grid)?;
    Ok((out, s.take_log()))
}
