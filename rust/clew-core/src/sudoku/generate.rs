//! Puzzle generation: a random solution grid from a randomised search (MRV
//! with the values of every choice point shuffled, from an empty grid), then
//! clues removed in random order while the solution stays unique.
//!
//! Uniqueness after removing the clue `v` at `c` from a puzzle whose unique
//! solution is `S`: any other solution of the smaller puzzle must have
//! `c != v` (one with `c = v` solves the bigger puzzle, so it is `S`); so one
//! search for a solution with `v` forbidden at `c` decides it. Removals that
//! leave `v` as the only candidate of `c` (its peers hold every other value)
//! skip the search, and so do removals that a second solution found earlier
//! already refutes (it agrees with every other clue). The same seed gives
//! the same puzzle.

use super::board::{Geometry, Grid};
use super::rate::{Difficulty, Rater, Rating};
use super::rng::Rng;
use super::solve::{Branching, Deduction, SolveOptions, Solver, Status};
use crate::error::{ClewError, Result};

/// What difficulty to accept.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DifficultyTarget {
    /// Exactly this band.
    Label(Difficulty),
    /// An SE-like rating in `min..=max`.
    SeLike { min: f32, max: f32 },
}

impl DifficultyTarget {
    pub fn accepts(&self, r: &Rating) -> bool {
        match *self {
            DifficultyTarget::Label(d) => r.difficulty == Some(d),
            DifficultyTarget::SeLike { min, max } => r.se_like >= min && r.se_like <= max,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GenerateOptions {
    /// Blank cells wanted; `None`: remove clues until every remaining one is
    /// needed for uniqueness (a minimal puzzle). Needed when `unique` is false.
    pub empty: Option<usize>,
    /// Keep the solution unique (true) or blank cells at random (false).
    pub unique: bool,
    pub difficulty: Option<DifficultyTarget>,
    pub seed: u64,
    /// Solution grids tried before giving up (each is dug once).
    pub max_attempts: u32,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions {
            empty: None,
            unique: true,
            difficulty: None,
            seed: 0,
            max_attempts: 2000,
        }
    }
}

/// A generated puzzle.
#[derive(Clone, Debug, PartialEq)]
pub struct Generated {
    pub puzzle: Grid,
    pub solution: Grid,
    /// Present when a difficulty was asked for.
    pub rating: Option<Rating>,
    /// Solution grids dug before this one was accepted (1 = first try).
    pub attempts: u32,
}

/// Second solutions kept for the search-free check in `try_remove`.
const POOL: usize = 64;

/// Rounds of [`Generator::improve`] per solution grid.
const IMPROVE_ROUNDS: usize = 40;
/// Nodes a uniqueness check may take before the clue is kept anyway (on
/// big grids, proving that no second solution exists gets expensive past
/// about half the cells blank; such clues stay).
fn check_node_limit(n: usize) -> u64 {
    match n {
        0..=9 => 200_000,
        10..=16 => 20_000,
        _ => 5_000,
    }
}
/// Nodes a random fill may take before it restarts with another seed.
const FILL_NODE_LIMIT: u64 = 100_000;

/// Generates puzzles of one geometry; reuse it for many.
pub struct Generator {
    geom: &'static Geometry,
    filler: Solver,
    checker: Solver,
    rater: Option<Rater>,
    out: Vec<u8>,
    order: Vec<u16>,
    /// Per clue cell: a second solution of the puzzle without it, as the
    /// cells where it differs from the solution (a bitset of `words` u64s).
    witness: Vec<u64>,
    has_witness: Vec<bool>,
    /// The latest second solutions found (same form, [`POOL`] at most, a
    /// ring): one that agrees with every clue but `c` shows that `c` is
    /// needed without a search.
    pool: Vec<u64>,
    pool_len: usize,
    pool_next: usize,
    words: usize,
    clue_mask: Vec<u64>,
    solution: Vec<u8>,
    pins: Vec<u64>,
    pinned: Vec<bool>,
}

impl Generator {
    pub fn new(geom: &'static Geometry) -> Generator {
        Generator {
            geom,
            filler: Solver::fast(
                geom,
                SolveOptions {
                    deduction: Deduction::HiddenSingles,
                    branching: Branching::Mrv,
                    shuffle_values: true,
                    node_limit: Some(FILL_NODE_LIMIT),
                    ..SolveOptions::default()
                },
            ),
            // Singles only: on the many small checks of digging, locked
            // candidates cost more than the guesses they save.
            checker: Solver::fast(
                geom,
                SolveOptions {
                    deduction: Deduction::HiddenSingles,
                    node_limit: Some(check_node_limit(geom.n)),
                    ..SolveOptions::default()
                },
            ),
            rater: None,
            out: vec![0; geom.cells],
            order: (0..geom.cells as u16).collect(),
            witness: vec![0; geom.cells * geom.cells.div_ceil(64)],
            has_witness: vec![false; geom.cells],
            pool: vec![0; POOL * geom.cells.div_ceil(64)],
            pool_len: 0,
            pool_next: 0,
            words: geom.cells.div_ceil(64),
            clue_mask: vec![0; geom.cells.div_ceil(64)],
            solution: Vec::new(),
            pins: Vec::new(),
            pinned: Vec::new(),
        }
    }

    pub fn geometry(&self) -> &'static Geometry {
        self.geom
    }

    /// Check options against the geometry.
    pub fn validate(&self, opts: &GenerateOptions) -> Result<()> {
        let g = self.geom;
        if let Some(e) = opts.empty {
            if e > g.cells {
                return Err(ClewError::InvalidInput(format!(
                    "empty={e} is more than the {} cells of a {n}x{n} grid",
                    g.cells,
                    n = g.n
                )));
            }
            if opts.unique && g.n == 9 && g.box_rows == 3 && e > 64 {
                return Err(ClewError::InvalidInput(format!(
                    "empty={e}: a 9x9 puzzle with a unique solution has at least 17 givens (empty <= 64)"
                )));
            }
            if opts.unique && g.n > 1 && e > g.cells - (g.n - 1) {
                return Err(ClewError::InvalidInput(format!(
                    "empty={e}: a {n}x{n} puzzle with a unique solution needs at least {} givens",
                    g.n - 1,
                    n = g.n
                )));
            }
        } else if !opts.unique {
            return Err(ClewError::InvalidInput(
                "generate with unique=False needs empty= (the number of blank cells)".into(),
            ));
        }
        if opts.max_attempts == 0 {
            return Err(ClewError::InvalidInput(
                "max_attempts must be at least 1".into(),
            ));
        }
        Ok(())
    }

    /// A random complete grid.
    pub fn random_solution(&mut self, rng: &mut Rng) -> Result<Vec<u8>> {
        let empty = vec![0u8; self.geom.cells];
        for _ in 0..1000 {
            let mut o = self.filler.options();
            o.seed = rng.next_u64();
            self.filler.set_options(o);
            let (status, _) = self
                .filler
                .solve_cells(&empty, None, &mut self.out, &mut || false);
            if status == Status::LimitReached {
                return Ok(self.out.clone());
            }
        }
        Err(ClewError::InvalidInput(format!(
            "could not fill a {n}x{n} grid with {}x{} boxes",
            self.geom.box_rows,
            self.geom.box_cols,
            n = self.geom.n
        )))
    }

    /// Whether `v` is the only value left for `c` given the other clues.
    fn forced(&self, puzzle: &[u8], c: usize, v: u8) -> bool {
        let seen = self.geom.peers(c).iter().fold(0u32, |m, &p| {
            let x = puzzle[p as usize];
            if x == 0 {
                m
            } else {
                m | 1 << (x - 1)
            }
        });
        seen | 1 << (v - 1) == self.geom.all
    }

    /// Blank the clue at `c` if the solution stays unique (recording a
    /// witness second solution when it does not).
    fn try_remove(&mut self, puzzle: &mut [u8], c: usize) -> bool {
        let v = puzzle[c];
        puzzle[c] = 0;
        if self.forced(puzzle, c, v) {
            return true;
        }
        let w = self.words;
        if let Some(k) = self.pool_hit(puzzle, c) {
            puzzle[c] = v;
            self.has_witness[c] = true;
            self.witness[c * w..(c + 1) * w].copy_from_slice(&self.pool[k * w..(k + 1) * w]);
            return false;
        }
        let (status, _) =
            self.checker
                .solve_cells(puzzle, Some((c, v)), &mut self.out, &mut || false);
        if status == Status::Exhausted {
            return true;
        }
        puzzle[c] = v;
        self.has_witness[c] = status == Status::LimitReached;
        if self.has_witness[c] {
            let diff = &mut self.witness[c * w..(c + 1) * w];
            diff.fill(0);
            for (i, (&a, &b)) in self.out.iter().zip(&self.solution).enumerate() {
                diff[i / 64] |= ((a != b) as u64) << (i % 64);
            }
            let k = self.pool_next;
            self.pool[k * w..(k + 1) * w].copy_from_slice(diff);
            self.pool_next = (k + 1) % POOL;
            self.pool_len = (self.pool_len + 1).min(POOL);
        }
        false
    }

    fn set_clue_mask(&mut self, puzzle: &[u8]) {
        self.clue_mask.fill(0);
        for (i, &x) in puzzle.iter().enumerate() {
            self.clue_mask[i / 64] |= ((x != 0) as u64) << (i % 64);
        }
    }

    /// A kept second solution that differs from the solution at `c` and
    /// agrees with every clue of `puzzle` (where `c` is blank): it solves
    /// `puzzle`, so the clue at `c` is needed.
    fn pool_hit(&mut self, puzzle: &[u8], c: usize) -> Option<usize> {
        if self.pool_len == 0 {
            return None;
        }
        let w = self.words;
        self.set_clue_mask(puzzle);
        let (cw, cb) = (c / 64, 1u64 << (c % 64));
        (0..self.pool_len).find(|&k| {
            let d = &self.pool[k * w..(k + 1) * w];
            d[cw] & cb != 0 && d.iter().zip(&self.clue_mask).all(|(&a, &m)| a & m == 0)
        })
    }

    /// For every clue `a` of `puzzle` that some known second solution pins
    /// (it agrees with every clue but `a`): the blanks where all of them
    /// differ from the solution, in `self.pins` (only such a blank, put
    /// back, can make `a` removable); `self.pinned[a]` says whether any does.
    fn find_pins(&mut self, puzzle: &[u8]) {
        let (w, cells) = (self.words, self.geom.cells);
        self.set_clue_mask(puzzle);
        self.pins.clear();
        self.pins.resize(cells * w, u64::MAX);
        self.pinned.clear();
        self.pinned.resize(cells, false);
        let own = (0..cells).filter(|&a| self.has_witness[a]);
        let sources = own
            .map(|a| (true, a))
            .chain((0..self.pool_len).map(|k| (false, k)));
        for (own, k) in sources {
            let d = if own {
                &self.witness[k * w..(k + 1) * w]
            } else {
                &self.pool[k * w..(k + 1) * w]
            };
            // The clue it disagrees with, when there is exactly one.
            let mut at = usize::MAX;
            let mut count = 0;
            for (i, (&x, &m)) in d.iter().zip(&self.clue_mask).enumerate() {
                let h = x & m;
                if h != 0 {
                    count += if h & (h - 1) == 0 { 1 } else { 2 };
                    at = i * 64 + h.trailing_zeros() as usize;
                }
            }
            if count == 1 {
                self.pinned[at] = true;
                for (p, &x) in self.pins[at * w..(at + 1) * w].iter_mut().zip(d) {
                    *p &= x;
                }
            }
        }
    }

    /// Whether putting blank `b` back may free clue `a` (see [`Self::find_pins`]).
    #[inline]
    fn frees(&self, a: usize, b: usize) -> bool {
        !self.pinned[a] || self.pins[a * self.words + b / 64] >> (b % 64) & 1 != 0
    }

    /// Blank cells of `puzzle` in the order of `self.order` while the
    /// solution stays unique, up to `target` blanks; returns the blanks made.
    /// Stops early (short of `target`) once `terminate` returns true.
    fn dig(
        &mut self,
        puzzle: &mut [u8],
        target: usize,
        unique: bool,
        terminate: &mut dyn FnMut() -> bool,
    ) -> usize {
        let mut empties = puzzle.iter().filter(|&&v| v == 0).count();
        for i in 0..self.order.len() {
            if empties >= target || terminate() {
                break;
            }
            let c = self.order[i] as usize;
            if puzzle[c] == 0 {
                continue;
            }
            if !unique {
                puzzle[c] = 0;
                empties += 1;
            } else if self.try_remove(puzzle, c) {
                empties += 1;
            }
        }
        empties
    }

    /// From a minimal puzzle short of `target` blanks, trade clues: put
    /// back the blank `b` that may free the most clues (a witness of clue
    /// `a` is a second solution of the puzzle without `a`; while one that
    /// agrees with `b` survives, `a` is still needed; every witness found
    /// so far counts, see [`Self::find_pins`]), then try to remove those
    /// clues. A round that frees one clue breaks even, two
    /// gains one; a round that frees none is undone. Up to
    /// [`IMPROVE_ROUNDS`] rounds.
    fn improve(
        &mut self,
        puzzle: &mut [u8],
        solution: &[u8],
        target: usize,
        mut empties: usize,
        rng: &mut Rng,
        terminate: &mut dyn FnMut() -> bool,
    ) -> usize {
        let cells = self.geom.cells;
        let mut candidates: Vec<u16> = Vec::new();
        for _ in 0..IMPROVE_ROUNDS {
            if empties >= target || terminate() {
                break;
            }
            // The blank that may free the most clues (random tie-break).
            self.find_pins(puzzle);
            let mut best = (0usize, 0u64, usize::MAX);
            for b in (0..cells).filter(|&b| puzzle[b] == 0) {
                let score = (0..cells)
                    .filter(|&a| puzzle[a] != 0 && self.frees(a, b))
                    .count();
                let tie = rng.next_u64();
                if (score, tie) > (best.0, best.1) {
                    best = (score, tie, b);
                }
            }
            let (score, _, b) = best;

            if score < 2 {
                break;
            }
            puzzle[b] = solution[b];
            empties -= 1;
            candidates.clear();
            candidates.extend((0..cells as u16).filter(|&a| {
                let a = a as usize;
                a != b && puzzle[a] != 0 && self.frees(a, b)
            }));
            rng.shuffle(&mut candidates);
            let mut freed = 0;
            for &a in &candidates {
                if empties >= target {
                    break;
                }
                if self.try_remove(puzzle, a as usize) {
                    empties += 1;
                    freed += 1;
                }
            }
            if freed == 0 {
                puzzle[b] = 0;
                empties += 1;
            }
        }
        empties
    }

    /// Generate one puzzle with `rng` (the options' seed is not used here).
    pub fn generate_with(&mut self, opts: &GenerateOptions, rng: &mut Rng) -> Result<Generated> {
        Ok(self
            .generate_until(opts, rng, &mut || false)?
            .expect("never terminated"))
    }

    /// [`Generator::generate_with`], polling `terminate` between attempts and
    /// clue removals: `Ok(None)` once it returns true (Ctrl-C in Python).
    pub fn generate_until(
        &mut self,
        opts: &GenerateOptions,
        rng: &mut Rng,
        terminate: &mut dyn FnMut() -> bool,
    ) -> Result<Option<Generated>> {
        self.validate(opts)?;
        let cells = self.geom.cells;
        let target = opts.empty.unwrap_or(cells);
        for attempt in 1..=opts.max_attempts {
            if terminate() {
                return Ok(None);
            }
            let solution = self.random_solution(rng)?;
            // From the identity each time, so an item does not depend on
            // what this generator made before (batches are thread-independent).
            for (i, o) in self.order.iter_mut().enumerate() {
                *o = i as u16;
            }
            rng.shuffle(&mut self.order);
            self.has_witness.fill(false);
            self.pool_len = 0;
            self.pool_next = 0;
            self.solution.clone_from(&solution);
            let mut puzzle = solution.clone();
            let mut empties = self.dig(&mut puzzle, target, opts.unique, terminate);
            if opts.unique && opts.empty.is_some() && empties < target {
                empties = self.improve(&mut puzzle, &solution, target, empties, rng, terminate);
            }
            if terminate() {
                return Ok(None);
            }
            if opts.empty.is_some() && empties != target {
                continue;
            }
            let rating = match opts.difficulty {
                None => None,
                Some(want) => {
                    let rater = self.rater.get_or_insert_with(|| Rater::new(self.geom));
                    let r = rater.rate_cells(&puzzle)?;
                    if !want.accepts(&r) {
                        continue;
                    }
                    Some(r)
                }
            };
            return Ok(Some(Generated {
                puzzle: Grid {
                    geom: self.geom,
                    cells: puzzle,
                },
                solution: Grid {
                    geom: self.geom,
                    cells: solution,
                },
                rating,
                attempts: attempt,
            }));
        }
        let n = self.geom.n;
        let what = match (opts.empty, opts.difficulty) {
            (Some(e), Some(d)) => format!("{e} empty cells and difficulty {d:?}"),
            (Some(e), None) => format!("{e} empty cells"),
            (None, Some(d)) => format!("difficulty {d:?}"),
            (None, None) => "the options".to_string(),
        };
        Err(ClewError::InvalidInput(format!(
            "no {n}x{n} puzzle with {what} found in {} attempts (ask for fewer empty cells, \
             another difficulty, or raise max_attempts)",
            opts.max_attempts
        )))
    }

    /// Generate one puzzle from `opts.seed`.
    pub fn generate(&mut self, opts: &GenerateOptions) -> Result<Generated> {
        let mut rng = Rng::new(opts.seed);
        self.generate_with(opts, &mut rng)
    }
}

/// Generate one puzzle (see [`Generator`]).
pub fn generate(geom: &'static Geometry, opts: &GenerateOptions) -> Result<Generated> {
    Generator::new(geom).generate(opts)
}
