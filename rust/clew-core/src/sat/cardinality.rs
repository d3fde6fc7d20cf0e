//! Native AtMostK constraints, `sum(w_i * l_i) <= k` (PySAT's `add_atmost`),
//! propagated by counters in the core.
//!
//! The engine is an [`ExternalPropagator`] written in Rust and connected by
//! the solver itself (as PySAT's CaDiCaL 1.9 does with its `BooleanEngine`),
//! so it shares IPASIR-UP's machinery: assignments of the constrained
//! variables arrive in trail order, implied literals carry the lazy reason
//! `CREF_EXTERNAL`, and conflict analysis, assumptions and cores see each
//! reason as a clause when (and only when) they need it.
//!
//! Each constraint keeps the weight of its true literals. A literal made
//! true adds its weight to every constraint it is in; one whose slack
//! (`k - sum`) falls below its largest weight is queued. Scanning a queued
//! constraint implies `-l` for each unassigned `l` heavier than the slack,
//! its reason being the constraint's literals that were true before; a sum
//! over `k` becomes a conflict (the negation of a true literal, whose reason
//! is falsified). The formula without AtMostK constraints never connects
//! the engine, so the plain search pays nothing.

use super::external_propagator::ExternalPropagator;
use super::solver::Solver;
use crate::error::{ClewError, Result};

struct Constraint {
    lits: Vec<i32>,
    weights: Vec<u64>,
    k: u64,
    /// Weight of the literals true now.
    sum: u64,
    max_weight: u64,
    queued: bool,
}

/// The AtMostK engine: constraints, occurrence lists and the values seen.
#[derive(Default)]
pub struct Cardinality {
    cons: Vec<Constraint>,
    /// By literal index (`2 * var + negative`): (constraint, position).
    occurs: Vec<Vec<(u32, u32)>>,
    /// By variable: 1 true, -1 false, 0 unassigned (as notified).
    value: Vec<i8>,
    /// By variable: assigned at level 0, never undone.
    fixed: Vec<bool>,
    /// By variable: position in `trail` (level-0 literals: 0).
    position: Vec<u32>,
    /// By literal index: the constraint that implied the literal and the
    /// trail length then (by literal: two constraints may imply `l`, `-l`).
    why: Vec<(u32, u32)>,
    /// A violated constraint and the falsified literal handed out for it.
    /// Kept apart from `why`: that literal's variable may be one this
    /// engine implied, whose reason conflict analysis still needs.
    violation: Option<(i32, u32)>,
    trail: Vec<i32>,
    level_starts: Vec<usize>,
    queue: Vec<u32>,
    implied: Vec<i32>,
}

fn var_of(lit: i32) -> usize {
    lit.unsigned_abs() as usize - 1
}

fn lit_index(lit: i32) -> usize {
    2 * var_of(lit) + usize::from(lit < 0)
}

impl Cardinality {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn num_constraints(&self) -> usize {
        self.cons.len()
    }

    /// Add `sum(weights[i] * lits[i]) <= k`. The caller normalises: distinct
    /// variables, weights in `1..=k`.
    pub fn add(&mut self, lits: &[i32], weights: &[u64], k: u64) {
        let id = self.cons.len() as u32;
        let top = lits.iter().map(|&l| var_of(l) + 1).max().unwrap_or(0);
        self.grow(top);
        let mut sum = 0;
        for (i, &l) in lits.iter().enumerate() {
            self.occurs[lit_index(l)].push((id, i as u32));
            if self.is_true(l) {
                sum += weights[i];
            }
        }
        let max_weight = weights.iter().copied().max().unwrap_or(0);
        self.cons.push(Constraint {
            lits: lits.to_vec(),
            weights: weights.to_vec(),
            k,
            sum,
            max_weight,
            queued: false,
        });
        // Checked at the next propagation (it may be tight, or violated, already).
        self.enqueue(id);
    }

    fn grow(&mut self, vars: usize) {
        if self.value.len() < vars {
            self.value.resize(vars, 0);
            self.fixed.resize(vars, false);
            self.position.resize(vars, 0);
            self.why.resize(2 * vars, (u32::MAX, 0));
            self.occurs.resize_with(2 * vars, Vec::new);
        }
    }

    fn is_true(&self, lit: i32) -> bool {
        let v = self.value.get(var_of(lit)).copied().unwrap_or(0);
        v != 0 && (v > 0) == (lit > 0)
    }

    fn is_unassigned(&self, lit: i32) -> bool {
        self.value.get(var_of(lit)).copied().unwrap_or(0) == 0
    }

    fn enqueue(&mut self, c: u32) {
        let con = &mut self.cons[c as usize];
        if !con.queued {
            con.queued = true;
            self.queue.push(c);
        }
    }

    fn assign(&mut self, lit: i32, fixed: bool) {
        let v = var_of(lit);
        self.grow(v + 1);
        if self.value[v] != 0 {
            // Notified again (chronological backtracking keeps it) or now
            // known at level 0.
            self.fixed[v] |= fixed;
            return;
        }
        self.value[v] = if lit > 0 { 1 } else { -1 };
        self.fixed[v] = fixed;
        if fixed {
            self.position[v] = 0;
        } else {
            self.position[v] = self.trail.len() as u32 + 1;
            self.trail.push(lit);
        }
        for i in 0..self.occurs[lit_index(lit)].len() {
            let (c, at) = self.occurs[lit_index(lit)][i];
            let con = &mut self.cons[c as usize];
            con.sum += con.weights[at as usize];
            if con.sum + con.max_weight > con.k {
                self.enqueue(c);
            }
        }
    }

    fn unassign(&mut self, lit: i32) {
        let v = var_of(lit);
        if self.fixed[v] || self.value[v] == 0 {
            return;
        }
        self.value[v] = 0;
        for &(c, at) in &self.occurs[lit_index(lit)] {
            let con = &mut self.cons[c as usize];
            con.sum -= con.weights[at as usize];
        }
    }

    /// Scan the queued constraints: implied literals go to `implied`.
    fn scan(&mut self) {
        while let Some(c) = self.queue.pop() {
            let con = &mut self.cons[c as usize];
            con.queued = false;
            if con.sum + con.max_weight <= con.k {
                continue;
            }
            let stamp = self.trail.len() as u32 + 1;
            let con = &self.cons[c as usize];
            if con.sum > con.k {
                // Violated: the negation of its latest true literal is a
                // falsified literal whose reason is a conflict.
                let latest = con
                    .lits
                    .iter()
                    .copied()
                    .filter(|&l| self.is_true(l))
                    .max_by_key(|&l| self.position[var_of(l)])
                    .expect("a violated constraint has true literals");
                self.violation = Some((-latest, c));
                return;
            }
            let slack = con.k - con.sum;
            for i in 0..con.lits.len() {
                let l = con.lits[i];
                if con.weights[i] > slack && self.is_unassigned(l) {
                    self.why[lit_index(-l)] = (c, stamp);
                    self.implied.push(-l);
                }
            }
        }
    }

    /// The true literals of constraint `c` assigned before trail length `stamp`, negated.
    fn reason_lits(&self, c: u32, stamp: u32, skip: usize, out: &mut Vec<i32>) {
        for &l in &self.cons[c as usize].lits {
            let v = var_of(l);
            if v != skip && self.is_true(l) && self.position[v] < stamp {
                out.push(-l);
            }
        }
    }

    /// Whether `model` (DIMACS literals) satisfies every constraint.
    fn satisfied_by(&self, model: &[i32]) -> bool {
        let mut value = vec![0i8; self.value.len()];
        for &l in model {
            if let Some(x) = value.get_mut(var_of(l)) {
                *x = if l > 0 { 1 } else { -1 };
            }
        }
        self.cons.iter().all(|con| {
            let sum: u64 = con
                .lits
                .iter()
                .zip(&con.weights)
                .filter(|(&l, _)| {
                    let x = value[var_of(l)];
                    x != 0 && (x > 0) == (l > 0)
                })
                .map(|(_, &w)| w)
                .sum();
            sum <= con.k
        })
    }
}

impl ExternalPropagator for Cardinality {
    fn notify_assignment(&mut self, lits: &[i32], fixed: bool) -> Result<()> {
        for &l in lits {
            self.assign(l, fixed);
        }
        Ok(())
    }

    fn notify_new_decision_level(&mut self) -> Result<()> {
        self.level_starts.push(self.trail.len());
        Ok(())
    }

    fn notify_backtrack(&mut self, new_level: u32) -> Result<()> {
        let level = new_level as usize;
        if level < self.level_starts.len() {
            let start = self.level_starts[level];
            self.level_starts.truncate(level);
            while self.trail.len() > start {
                let l = self.trail.pop().expect("non-empty");
                self.unassign(l);
            }
        }
        if let Some((_, c)) = self.violation.take() {
            self.enqueue(c);
        }
        // Implications not handed out yet may be stale: rescan their
        // constraints (the queue itself stays, scanning is idempotent).
        while let Some(l) = self.implied.pop() {
            let (c, _) = self.why[lit_index(l)];
            self.enqueue(c);
        }
        Ok(())
    }

    fn check_found_model(&mut self, model: &[i32]) -> Result<bool> {
        Ok(self.satisfied_by(model))
    }

    fn propagate(&mut self) -> Result<i32> {
        if let Some((lit, _)) = self.violation {
            return Ok(lit);
        }
        loop {
            while let Some(l) = self.implied.pop() {
                // Skip literals the solver has assigned true meanwhile; a
                // false one is a conflict, which its reason explains.
                if !self.is_true(l) {
                    return Ok(l);
                }
            }
            if self.queue.is_empty() {
                return Ok(0);
            }
            self.scan();
            if let Some((lit, _)) = self.violation {
                return Ok(lit);
            }
        }
    }

    fn reason(&mut self, lit: i32, clause: &mut Vec<i32>) -> Result<()> {
        let v = var_of(lit);
        let (c, stamp) = match self.violation {
            // Asked at once: the literal is false, its reason the conflict.
            Some((l, c)) if l == lit => {
                self.violation = None;
                (c, u32::MAX)
            }
            _ => self.why[lit_index(lit)],
        };
        clause.push(lit);
        self.reason_lits(c, stamp, v, clause);
        #[cfg(debug_assertions)]
        {
            let con = &self.cons[c as usize];
            // The reason's literals (and the implied one) outweigh the bound.
            let w = |x: i32| {
                let at = con.lits.iter().position(|&y| y == x);
                at.map_or(0, |i| con.weights[i])
            };
            let s: u64 = clause[1..].iter().map(|&x| w(-x)).sum::<u64>() + w(-lit);
            assert!(s > con.k, "reason {clause:?} of {lit} is not implied");
        }
        Ok(())
    }

    fn has_external_clause(&mut self) -> Result<bool> {
        Ok(false)
    }

    fn cardinality(&mut self) -> Option<&mut Cardinality> {
        Some(self)
    }
}

impl Solver {
    /// Add the native constraint `sum(weights[i] * lits[i]) <= k` (DIMACS
    /// literals, distinct variables, weights in `1..=k`; the Python layer
    /// normalises PySAT's input). The first one connects the engine, which
    /// then holds the propagator slot. False once the formula is UNSAT.
    pub fn add_atmost(&mut self, lits: &[i32], weights: &[u64], k: u64) -> Result<bool> {
        if lits.len() != weights.len() {
            return Err(ClewError::InvalidInput(format!(
                "{} literals but {} weights",
                lits.len(),
                weights.len()
            )));
        }
        let mut seen = std::collections::HashSet::with_capacity(lits.len());
        for (&l, &w) in lits.iter().zip(weights) {
            self.import_lit(l)?;
            if !seen.insert(l.unsigned_abs()) {
                return Err(ClewError::InvalidInput(format!(
                    "variable {} occurs twice in an AtMostK constraint",
                    l.unsigned_abs()
                )));
            }
            if w == 0 || w > k {
                return Err(ClewError::InvalidInput(format!(
                    "weight {w} of literal {l} is not in 1..={k}"
                )));
            }
        }
        self.cancel_until(0);
        if !self.has_propagator() {
            self.connect_propagator(Box::new(Cardinality::new()))?;
        }
        let engine = self
            .ext_propagator()
            .and_then(|p| p.cardinality())
            .ok_or_else(|| {
                ClewError::InvalidInput(
                    "native AtMostK constraints need the propagator slot, \
                     which a user propagator holds (as on PySAT's CaDiCaL)"
                        .into(),
                )
            })?;
        engine.add(lits, weights, k);
        self.native_atmost = true;
        for &l in lits {
            self.observe(l.abs())?;
        }
        Ok(self.is_ok())
    }

    /// Native AtMostK constraints added so far.
    pub fn num_atmost(&mut self) -> usize {
        self.ext_propagator()
            .and_then(|p| p.cardinality())
            .map_or(0, |c| c.num_constraints())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::Limits;
    use crate::sat::{SolveResult, SolverOptions};

    fn xorshift(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn pigeonhole_with_native_at_most_one_is_unsat() {
        let holes = 6;
        let var = |p: i32, h: i32| p * holes + h + 1;
        let mut s = Solver::new(SolverOptions::default());
        for p in 0..=holes {
            let c: Vec<i32> = (0..holes).map(|h| var(p, h)).collect();
            s.add_clause(&c).unwrap();
        }
        for h in 0..holes {
            let lits: Vec<i32> = (0..=holes).map(|p| var(p, h)).collect();
            s.add_atmost(&lits, &vec![1; lits.len()], 1).unwrap();
        }
        assert_eq!(s.num_atmost(), holes as usize);
        let r = s.solve(&[], Limits::UNLIMITED).unwrap();
        assert_eq!(r, SolveResult::Unsat);
    }

    /// Random clauses plus weighted constraints: every model satisfies both,
    /// and (debug builds) every reason given is implied by its constraint.
    #[test]
    fn models_satisfy_weighted_constraints() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..40 {
            let n = 30i32;
            let mut s = Solver::new(SolverOptions::default());
            let mut clauses = Vec::new();
            for _ in 0..60 {
                let c: Vec<i32> = (0..3)
                    .map(|_| {
                        let v = (xorshift(&mut state) % n as u64) as i32 + 1;
                        if xorshift(&mut state).is_multiple_of(2) {
                            v
                        } else {
                            -v
                        }
                    })
                    .collect();
                s.add_clause(&c).unwrap();
                clauses.push(c);
            }
            let mut cons = Vec::new();
            for i in 0..6 {
                let lits: Vec<i32> = (0..8).map(|j| (i * 5 + j) % n + 1).collect();
                let weights: Vec<u64> = (0..8).map(|_| xorshift(&mut state) % 3 + 1).collect();
                let k = 4 + xorshift(&mut state) % 4;
                let weights: Vec<u64> = weights.into_iter().map(|w| w.min(k)).collect();
                s.add_atmost(&lits, &weights, k).unwrap();
                cons.push((lits, weights, k));
            }
            if s.solve(&[], Limits::UNLIMITED).unwrap() == SolveResult::Sat {
                let model = s.model().unwrap();
                let t = |l: i32| model[(l.abs() - 1) as usize] == l;
                assert!(clauses.iter().all(|c| c.iter().any(|&l| t(l))));
                for (lits, weights, k) in &cons {
                    let sum: u64 = lits
                        .iter()
                        .zip(weights)
                        .filter(|(&l, _)| t(l))
                        .map(|(_, &w)| w)
                        .sum();
                    assert!(sum <= *k);
                }
            }
        }
    }

    #[test]
    fn propagate_honours_constraints() {
        let mut s = Solver::new(SolverOptions::default());
        s.add_atmost(&[1, 2, 3], &[1, 1, 1], 1).unwrap();
        s.add_clause(&[-2, 4]).unwrap();
        let (ok, mut lits) = s.propagate_assumptions(&[1], false).unwrap();
        lits.sort();
        assert!(ok && lits == [-3, -2, 1]);
        let (ok, lits) = s.propagate_assumptions(&[4, 1, 2], false).unwrap();
        assert!(!ok && lits[..2] == [4, 1]);
        assert_eq!(
            s.propagate_assumptions(&[-4], false).unwrap(),
            (true, vec![-4, -2])
        );
        // Fixed by the formula alone: at level 0, so not reported.
        s.add_clause(&[3]).unwrap();
        assert_eq!(
            s.propagate_assumptions(&[4], false).unwrap(),
            (true, vec![4])
        );
    }

    #[test]
    fn bad_input_is_an_error() {
        let mut s = Solver::new(SolverOptions::default());
        assert!(s.add_atmost(&[1, 2], &[1], 1).is_err());
        assert!(s.add_atmost(&[1, -1], &[1, 1], 1).is_err());
        assert!(s.add_atmost(&[1, 2], &[3, 1], 2).is_err());
    }
}
