//! A 9x9 engine on band-wise bitboards (the layout of tdoku and JCZSolve):
//! for each digit and each band of three rows, a 27-bit mask of the cells
//! that may hold it (a filled cell keeps its own digit's bit). Naked and
//! hidden singles and locked candidates become a few word operations per
//! digit instead of walks over cells and peers, and a search state is 27
//! words instead of 81.
//!
//! It deduces to the same fixpoint as the generic engine (the deductions
//! only remove candidates and stay valid when more are removed, so the order
//! they run in does not change where they end) and branches the same way
//! (MRV with the generic engine's tie-breaks, values ascending or shuffled
//! by the same seeded picks), so its search tree, node, guess and backtrack
//! counts, solutions and their order are the generic engine's. It does not
//! count techniques and keeps no step log: [`Solver::fast`](super::Solver::fast)
//! uses it for 9x9 grids with 3x3 boxes at the singles and locked-candidates
//! levels, and the generic engine otherwise.

use super::rng::Rng;
use super::solve::{Branching, Deduction, RunEnd, SolveOptions, Stats};
use crate::budget::StopReason;

const ROW: u32 = 0x1ff;
/// Box 0 of a band: bits 0-2, 9-11, 18-20.
const BOX: u32 = 0x1c0e07;

/// Column `c` of a band (its three rows).
const fn col(c: usize) -> u32 {
    (1 | 1 << 9 | 1 << 18) << c
}

/// Peers of band position `i` inside its band: its row and its box, itself excluded.
const BAND_PEERS: [u32; 27] = {
    let mut t = [0u32; 27];
    let mut i = 0;
    while i < 27 {
        t[i] = ((ROW << (i / 9 * 9)) | (BOX << (i % 9 / 3 * 3))) & !(1 << i);
        i += 1;
    }
    t
};

/// Horizontal locked candidates of one digit in one band. Index bit 3k + r:
/// row r meets box k in a candidate; value: the cells that lose the digit
/// (pointing: a box's only row leaves the rest of that row; claiming: a
/// row's only box leaves the box's other rows).
const H_CLEAR: [u32; 512] = {
    let mut t = [0u32; 512];
    let mut idx = 0usize;
    while idx < 512 {
        let mut clear = 0u32;
        let mut k = 0;
        while k < 3 {
            let rows = (idx >> (3 * k)) & 7;
            if rows != 0 && rows & (rows - 1) == 0 {
                let r = rows.trailing_zeros() as usize;
                clear |= (ROW << (9 * r)) & !(7 << (9 * r + 3 * k));
            }
            k += 1;
        }
        let mut r = 0;
        while r < 3 {
            let boxes =
                ((idx >> r) & 1) | ((idx >> (3 + r)) & 1) << 1 | ((idx >> (6 + r)) & 1) << 2;
            if boxes != 0 && boxes & (boxes - 1) == 0 {
                let k = boxes.trailing_zeros() as usize;
                clear |= (BOX << (3 * k)) & !(ROW << (9 * r));
            }
            r += 1;
        }
        t[idx] = clear;
        idx += 1;
    }
    t
};

/// Vertical locked candidates of one digit in one stack. Index bit 3b + c:
/// band b has a candidate in the stack's column c; value bit 3b + c: band b
/// loses the digit in column c (pointing: a box's only column leaves the
/// other bands; claiming: a column's only band keeps it out of the box's
/// other columns).
const V_CLEAR: [u16; 512] = {
    let mut t = [0u16; 512];
    let mut idx = 0usize;
    while idx < 512 {
        let mut clear = 0u16;
        let mut b = 0;
        while b < 3 {
            let cols = (idx >> (3 * b)) & 7;
            if cols != 0 && cols & (cols - 1) == 0 {
                let c = cols.trailing_zeros() as usize;
                let mut b2 = 0;
                while b2 < 3 {
                    if b2 != b {
                        clear |= 1 << (3 * b2 + c);
                    }
                    b2 += 1;
                }
            }
            b += 1;
        }
        let mut c = 0;
        while c < 3 {
            let bands =
                ((idx >> c) & 1) | ((idx >> (3 + c)) & 1) << 1 | ((idx >> (6 + c)) & 1) << 2;
            if bands != 0 && bands & (bands - 1) == 0 {
                let b = bands.trailing_zeros() as usize;
                clear |= (7 << (3 * b)) & !(1 << (3 * b + c));
            }
            c += 1;
        }
        t[idx] = clear;
        idx += 1;
    }
    t
};

/// The columns (of a band, in stack 0) named by 3 bits.
const COLS3: [u32; 8] = {
    let mut t = [0u32; 8];
    let mut p = 0;
    while p < 8 {
        let mut c = 0;
        while c < 3 {
            if p >> c & 1 != 0 {
                t[p] |= col(c);
            }
            c += 1;
        }
        p += 1;
    }
    t
};

/// The search state: `f[3 * d + b]` holds digit `d`'s cells in band `b`.
#[derive(Clone, Copy)]
struct Board {
    f: [u32; 27],
    open: [u32; 3],
    unsolved: u32,
}

impl Board {
    /// The candidates of cell `c` as value bits (bit d = digit d + 1).
    #[inline]
    fn cands(&self, c: usize) -> u32 {
        let (b, bit) = (c / 27, 1u32 << (c % 27));
        (0..9).fold(0, |m, d| m | (((self.f[3 * d + b] & bit) != 0) as u32) << d)
    }

    /// Fill band position `i` of band `b` with digit `d` (a candidate of an open cell).
    #[inline]
    fn assign(&mut self, d: usize, b: usize, i: usize) {
        let bit = 1u32 << i;
        for e in 0..9 {
            self.f[3 * e + b] &= !bit;
        }
        self.f[3 * d + b] = (self.f[3 * d + b] & !BAND_PEERS[i]) | bit;
        let c = col(i % 9);
        for b2 in 0..3 {
            if b2 != b {
                self.f[3 * d + b2] &= !c;
            }
        }
        self.open[b] &= !bit;
        self.unsolved -= 1;
    }

    /// Place `d` at `i` of band `b` when the cell is still open and holds
    /// it; a stale single (the cell changed since) is left for the next
    /// checking pass, which finds the contradiction it implies.
    #[inline]
    fn try_assign(&mut self, d: usize, b: usize, i: usize) -> bool {
        let bit = 1u32 << i;
        if self.open[b] & self.f[3 * d + b] & bit != 0 {
            self.assign(d, b, i);
            true
        } else {
            false
        }
    }

    /// Naked singles of every band; false on an open cell with no candidate.
    #[inline]
    fn naked(&mut self, changed: &mut bool) -> bool {
        for b in 0..3 {
            let (mut ones, mut twos) = (0u32, 0u32);
            for d in 0..9 {
                let x = self.f[3 * d + b];
                twos |= ones & x;
                ones |= x;
            }
            let open = self.open[b];
            if ones & open != open {
                return false;
            }
            let singles = ones & !twos & open;
            if singles != 0 {
                for d in 0..9 {
                    let mut m = self.f[3 * d + b] & singles;
                    while m != 0 {
                        let i = m.trailing_zeros() as usize;
                        m &= m - 1;
                        *changed |= self.try_assign(d, b, i);
                    }
                }
            }
        }
        true
    }

    /// Hidden singles of digit `d` in the rows and boxes of band `b`;
    /// false when one has no place left for it. Singles are looked for in
    /// the open cells only (`y`): a unit that already holds `d` has none
    /// there, which keeps the common case (filled units) off the branch.
    #[inline]
    fn hidden_band(&mut self, d: usize, b: usize, changed: &mut bool) -> bool {
        let x = self.f[3 * d + b];
        if (x & ROW) == 0 || (x & ROW << 9) == 0 || (x & ROW << 18) == 0 {
            return false;
        }
        if (x & BOX) == 0 || (x & BOX << 3) == 0 || (x & BOX << 6) == 0 {
            return false;
        }
        // Units with exactly one open place, gathered without branches.
        let y = x & self.open[b];
        let mut singles = 0u32;
        for unit in [ROW, ROW << 9, ROW << 18, BOX, BOX << 3, BOX << 6] {
            let g = y & unit;
            singles |= g & 0u32.wrapping_sub((g & g.wrapping_sub(1) == 0) as u32);
        }
        while singles != 0 {
            let i = singles.trailing_zeros() as usize;
            singles &= singles - 1;
            *changed |= self.try_assign(d, b, i);
        }
        true
    }

    /// Hidden singles of digit `d` in the columns; false when one has no
    /// place left for it.
    #[inline]
    fn hidden_cols(&mut self, d: usize, changed: &mut bool) -> bool {
        let (mut any, mut once, mut twice) = (0u32, 0u32, 0u32);
        for b in 0..3 {
            let x = self.f[3 * d + b];
            any |= x;
            let y = x & self.open[b];
            for r in 0..3 {
                let s = (y >> (9 * r)) & ROW;
                twice |= once & s;
                once |= s;
            }
        }
        if (any | any >> 9 | any >> 18) & ROW != ROW {
            return false;
        }
        let mut cols = once & !twice;
        while cols != 0 {
            let c = cols.trailing_zeros() as usize;
            cols &= cols - 1;
            for b in 0..3 {
                let s = self.f[3 * d + b] & self.open[b] & col(c);
                if s != 0 {
                    *changed |= self.try_assign(d, b, s.trailing_zeros() as usize);
                    break;
                }
            }
        }
        true
    }

    /// One pass of pointing and claiming for the digits whose boards
    /// changed since the last pass (`seen`), horizontal (inside a band) and
    /// vertical (inside a stack), by table lookups; whether anything was
    /// removed.
    fn locked(&mut self, seen: &mut [u32; 27]) -> bool {
        let mut changed = false;
        for d in 0..9 {
            let f = &mut self.f[3 * d..3 * d + 3];
            if *f == seen[3 * d..3 * d + 3] {
                continue;
            }
            // Column occupancy of each band, by stack: bit 3b + c.
            let mut stacks = [0usize; 3];
            for (b, fb) in f.iter_mut().enumerate() {
                let x = *fb;
                let y = (x | x >> 1 | x >> 2) & 0x1249249;
                let idx = (y & 0x49) | (y >> 8 & 0x92) | (y >> 16 & 0x124);
                let x2 = x & !H_CLEAR[idx as usize];
                *fb = x2;
                let occ = (x2 | x2 >> 9 | x2 >> 18) & ROW;
                for (s, st) in stacks.iter_mut().enumerate() {
                    *st |= (((occ >> (3 * s)) & 7) as usize) << (3 * b);
                }
            }
            for (s, &st) in stacks.iter().enumerate() {
                let v = V_CLEAR[st];
                if v != 0 {
                    for b in 0..3 {
                        f[b] &= !(COLS3[(v as usize >> (3 * b)) & 7] << (3 * s));
                    }
                }
            }
            changed |= *f != seen[3 * d..3 * d + 3];
            seen[3 * d..3 * d + 3].copy_from_slice(f);
        }
        changed
    }

    /// Deduce to the fixpoint; false on a contradiction. Hidden singles are
    /// looked for only in the digits whose boards changed since their last
    /// look (`seen` holds the boards as they were then).
    fn propagate(&mut self, locked: bool) -> bool {
        let mut seen = [u32::MAX; 27];
        let mut lseen = [u32::MAX; 27];
        loop {
            loop {
                let mut changed = false;
                loop {
                    let mut naked = false;
                    if !self.naked(&mut naked) {
                        return false;
                    }
                    if !naked {
                        break;
                    }
                }
                for d in 0..9 {
                    let mut any = false;
                    for b in 0..3 {
                        let k = 3 * d + b;
                        if self.f[k] != seen[k] {
                            seen[k] = self.f[k];
                            any = true;
                            if !self.hidden_band(d, b, &mut changed) {
                                return false;
                            }
                        }
                    }
                    if any && !self.hidden_cols(d, &mut changed) {
                        return false;
                    }
                }
                if !changed {
                    break;
                }
            }
            if !locked || self.unsolved == 0 || !self.locked(&mut lseen) {
                return true;
            }
        }
    }

    /// The branching cell: the first with two candidates, else the first
    /// with the fewest (the generic engine's MRV). Candidate counts are
    /// kept bit-sliced (bit j of every cell's count in one word per band).
    fn choose(&self) -> usize {
        let mut counts = [[0u32; 4]; 3];
        for (b, n) in counts.iter_mut().enumerate() {
            for d in 0..9 {
                let x = self.f[3 * d + b];
                let c1 = n[0] & x;
                n[0] ^= x;
                let c2 = n[1] & c1;
                n[1] ^= c1;
                let c3 = n[2] & c2;
                n[2] ^= c2;
                n[3] |= c3;
            }
        }
        for k in 2..=9u32 {
            for (b, n) in counts.iter().enumerate() {
                let mut m = self.open[b];
                for (j, &bits) in n.iter().enumerate() {
                    m &= if k >> j & 1 != 0 { bits } else { !bits };
                }
                if m != 0 {
                    return 27 * b + m.trailing_zeros() as usize;
                }
            }
        }
        0
    }
}

struct Frame {
    bd: Board,
    cell: u8,
    rest: u32,
    cands: u32,
    trial: u32,
}

/// The band engine's reusable search stack and statistics.
pub(crate) struct BandEngine {
    pub opts: SolveOptions,
    pub stats: Stats,
    stack: Vec<Frame>,
}

impl BandEngine {
    pub fn new(opts: SolveOptions) -> BandEngine {
        BandEngine {
            opts,
            stats: Stats::default(),
            stack: Vec::with_capacity(64),
        }
    }

    /// Whether these options are ones this engine reproduces exactly.
    pub fn supports(opts: &SolveOptions) -> bool {
        matches!(
            opts.deduction,
            Deduction::HiddenSingles | Deduction::LockedCandidates
        ) && opts.branching == Branching::Mrv
            && !opts.simplest_first
    }

    /// Givens (0 blank) to a board; `Err(true)` on clashing givens,
    /// `Err(false)` on a cell with no candidate (or a forbidden given).
    fn load(cells: &[u8], forbid: Option<(usize, u8)>) -> Result<Board, bool> {
        let mut used = [0u32; 27];
        for (c, &v) in cells[..81].iter().enumerate() {
            if v != 0 {
                let (r, co) = (c / 9, c % 9);
                let bx = 18 + r / 3 * 3 + co / 3;
                let vb = 1u32 << (v - 1);
                if (used[r] | used[9 + co] | used[bx]) & vb != 0 {
                    return Err(true);
                }
                used[r] |= vb;
                used[9 + co] |= vb;
                used[bx] |= vb;
            }
        }
        let mut bd = Board {
            f: [0; 27],
            open: [0; 3],
            unsolved: 0,
        };
        for (c, &v) in cells[..81].iter().enumerate() {
            let (b, bit) = (c / 27, 1u32 << (c % 27));
            if v == 0 {
                bd.open[b] |= bit;
                bd.unsolved += 1;
            } else {
                bd.f[3 * (v as usize - 1) + b] |= bit;
            }
        }
        // Digit by digit: the open cells whose row, column and box lack it.
        for d in 0..9 {
            let vb = 1u32 << d;
            let cols = (0..9).fold(0u32, |m, c| m | (((used[9 + c] & vb) == 0) as u32) << c);
            let cols = cols | cols << 9 | cols << 18;
            for b in 0..3 {
                let mut m = bd.open[b] & cols;
                for r in 0..3 {
                    if used[3 * b + r] & vb != 0 {
                        m &= !(ROW << (9 * r));
                    }
                    if used[18 + 3 * b + r] & vb != 0 {
                        m &= !(BOX << (3 * r));
                    }
                }
                bd.f[3 * d + b] |= m;
            }
        }
        let mut dead = false;
        if let Some((c, v)) = forbid {
            let (b, bit) = (c / 27, 1u32 << (c % 27));
            bd.f[3 * (v as usize - 1) + b] &= !bit;
            dead |= cells[c] == v;
        }
        for b in 0..3 {
            let ones = (0..9).fold(0, |m, d| m | bd.f[3 * d + b]);
            dead |= ones & bd.open[b] != bd.open[b];
        }
        if dead {
            Err(false)
        } else {
            Ok(bd)
        }
    }

    /// The search; the same contract as the generic engine's `run`.
    pub(crate) fn run(
        &mut self,
        cells: &[u8],
        forbid: Option<(usize, u8)>,
        sol: &mut [u8],
        solutions: &mut u64,
        terminate: &mut dyn FnMut() -> bool,
    ) -> RunEnd {
        self.stats = Stats::default();
        let mut rng = Rng::new(self.opts.seed);
        self.stack.clear();
        *solutions = 0;
        let limit = self.opts.limit.max(1);
        let node_limit = self.opts.node_limit.unwrap_or(u64::MAX);
        let locked = self.opts.deduction >= Deduction::LockedCandidates;
        let shuffle = self.opts.shuffle_values;
        let mut cur = match Self::load(cells, forbid) {
            Ok(bd) => bd,
            Err(true) => return RunEnd::Invalid,
            Err(false) => {
                self.stats.nodes = 1;
                self.stats.contradictions = 1;
                return RunEnd::Exhausted;
            }
        };
        let mut ok = cur.propagate(locked);
        loop {
            self.stats.nodes += 1;
            if !ok {
                self.stats.contradictions += 1;
            } else if cur.unsolved == 0 {
                if *solutions == 0 {
                    for (k, &x) in cur.f.iter().enumerate() {
                        let (d, b) = (k / 3, k % 3);
                        let mut m = x;
                        while m != 0 {
                            sol[27 * b + m.trailing_zeros() as usize] = d as u8 + 1;
                            m &= m - 1;
                        }
                    }
                }
                *solutions += 1;
                if *solutions >= limit {
                    return RunEnd::LimitReached;
                }
            } else {
                let c = cur.choose();
                let m = cur.cands(c);
                self.stack.push(Frame {
                    bd: cur,
                    cell: c as u8,
                    rest: m,
                    cands: m,
                    trial: 0,
                });
                let depth = self.stack.len() as u32;
                self.stats.max_depth = self.stats.max_depth.max(depth);
            }
            if self.stats.nodes >= node_limit {
                return RunEnd::Stopped(StopReason::Propagations);
            }
            if self.stats.nodes & 1023 == 0 && terminate() {
                return RunEnd::Stopped(StopReason::Terminated);
            }
            loop {
                let Some(top) = self.stack.last_mut() else {
                    return RunEnd::Exhausted;
                };
                if top.trial != 0 {
                    self.stats.backtracks += 1;
                    top.trial = 0;
                }
                if top.rest == 0 {
                    self.stack.pop();
                    continue;
                }
                let vb = if shuffle {
                    rng.pick_bit(top.rest)
                } else {
                    top.rest & top.rest.wrapping_neg()
                };
                top.rest ^= vb;
                top.trial = vb;
                if top.cands & top.cands.wrapping_sub(1) != 0 {
                    self.stats.guesses += 1;
                }
                cur = top.bd;
                let c = top.cell as usize;
                cur.assign(vb.trailing_zeros() as usize, c / 27, c % 27);
                ok = cur.propagate(locked);
                break;
            }
        }
    }
}
