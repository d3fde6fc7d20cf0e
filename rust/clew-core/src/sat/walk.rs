//! Local-search rephasing (ProbSAT, Balint and Schöning 2012, as in
//! Kissat's `walk`): from the saved phases, flip variables of random
//! falsified original clauses, each picked with probability `cb^-break`,
//! and hand the assignment with the fewest falsified clauses back as the
//! saved phases. On satisfiable random and crafted formulas this often
//! finds a model, or one so close that the next descent needs few conflicts.

use super::lit::{Lit, Var, FALSE, TRUE};
use super::solver::Solver;

/// xorshift64*: cheap, deterministic (runs must be reproducible).
pub struct Rng(pub u64);

impl Rng {
    #[inline]
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in `0..n` (n > 0).
    #[inline]
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next() >> 32) * n as u64) >> 32) as usize
    }
    /// Uniform in [0, 1).
    #[inline]
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// ProbSAT's exponential base by average clause length (Kissat's table).
fn break_base(average_len: f64) -> f64 {
    const TABLE: [(f64, f64); 5] = [(3.0, 2.5), (4.0, 2.85), (5.0, 3.7), (6.0, 5.1), (7.0, 7.4)];
    if average_len <= TABLE[0].0 {
        return TABLE[0].1;
    }
    for w in TABLE.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        if average_len <= x1 {
            return y0 + (y1 - y0) * (average_len - x0) / (x1 - x0);
        }
    }
    TABLE[4].1
}

impl Solver {
    /// Walk for about `budget` occurrence visits. Call at level 0.
    /// Returns the fewest falsified clauses seen (0: the phases are a model).
    pub(super) fn walk(&mut self, budget: u64) -> usize {
        debug_assert_eq!(self.decision_level(), 0);
        let n = self.num_vars();
        // Clauses not satisfied at level 0, without their level-0 false literals.
        let mut lits: Vec<Lit> = Vec::new();
        let mut starts: Vec<u32> = vec![0];
        for &c in &self.db.originals {
            if self.db.is_deleted(c) {
                continue;
            }
            let cl = self.db.lits(c);
            if cl.iter().any(|&l| self.value(l) == TRUE) {
                continue;
            }
            lits.extend(cl.iter().filter(|&&l| self.value(l) != FALSE));
            starts.push(lits.len() as u32);
        }
        let m = starts.len() - 1;
        if m == 0 {
            return 0;
        }
        let clause = |i: usize| &lits[starts[i] as usize..starts[i + 1] as usize];
        let mut occurs: Vec<Vec<u32>> = vec![Vec::new(); 2 * n];
        for i in 0..m {
            for l in clause(i) {
                occurs[l.index()].push(i as u32);
            }
        }
        // Current assignment: level-0 values are fixed, the rest start saved.
        let mut value: Vec<bool> = (0..n)
            .map(|v| {
                let l = Lit::new(Var(v as u32), false);
                match self.value(l) {
                    TRUE => true,
                    FALSE => false,
                    _ => self.phases.saved(Var(v as u32)),
                }
            })
            .collect();
        let is_true = |value: &[bool], l: Lit| value[l.var().index()] != l.is_negated();
        let mut true_count: Vec<u32> = (0..m)
            .map(|i| clause(i).iter().filter(|&&l| is_true(&value, l)).count() as u32)
            .collect();
        const ABSENT: u32 = u32::MAX;
        let mut position = vec![ABSENT; m];
        let mut falsified: Vec<u32> = Vec::new();
        for i in 0..m {
            if true_count[i] == 0 {
                position[i] = falsified.len() as u32;
                falsified.push(i as u32);
            }
        }
        let base = break_base(lits.len() as f64 / m as f64);
        let weights: Vec<f64> = (0..64).map(|b| base.powi(-b)).collect();
        let mut best = falsified.len();
        // Flips since the best assignment, undone at the end.
        let mut since_best: Vec<u32> = Vec::new();
        let mut scores: Vec<f64> = Vec::new();
        let mut ticks = 0u64;
        let mut flips = 0u64;
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ self.stats.walks.wrapping_add(1));
        while !falsified.is_empty() && ticks < budget {
            let ci = falsified[rng.below(falsified.len())] as usize;
            scores.clear();
            let mut total = 0.0;
            for &l in clause(ci) {
                // `l` is false; flipping it breaks clauses whose only true
                // literal is its negation.
                let occ = &occurs[(!l).index()];
                ticks += 1 + occ.len() as u64;
                let breaks = occ.iter().filter(|&&d| true_count[d as usize] == 1).count();
                let w = weights[breaks.min(63)];
                scores.push(w);
                total += w;
            }
            let mut pick = rng.unit() * total;
            let mut k = 0;
            while k + 1 < scores.len() && pick >= scores[k] {
                pick -= scores[k];
                k += 1;
            }
            let l = clause(ci)[k];
            // Flip: `l` becomes true, `!l` false.
            for &d in &occurs[l.index()] {
                let d = d as usize;
                true_count[d] += 1;
                if true_count[d] == 1 {
                    let p = position[d] as usize;
                    let last = *falsified.last().expect("d was falsified");
                    falsified[p] = last;
                    position[last as usize] = p as u32;
                    falsified.pop();
                    position[d] = ABSENT;
                }
            }
            for &d in &occurs[(!l).index()] {
                let d = d as usize;
                true_count[d] -= 1;
                if true_count[d] == 0 {
                    position[d] = falsified.len() as u32;
                    falsified.push(d as u32);
                }
            }
            ticks += (occurs[l.index()].len() + occurs[(!l).index()].len()) as u64;
            let v = l.var().index();
            value[v] = !value[v];
            flips += 1;
            since_best.push(v as u32);
            if falsified.len() < best {
                best = falsified.len();
                since_best.clear();
            }
        }
        for &v in since_best.iter().rev() {
            value[v as usize] = !value[v as usize];
        }
        for (v, &x) in value.iter().enumerate() {
            let var = Var(v as u32);
            if self.value(Lit::new(var, false)) == 0 {
                self.phases.save(var, x);
            }
        }
        self.stats.walks += 1;
        self.stats.walk_flips += flips;
        best
    }
}
