//! The inprocessing driver. At level 0, with everything propagated, it
//! removes satisfied clauses and false literals, then runs equivalent-
//! literal substitution (subst.rs), subsumption (subsume.rs), bounded
//! variable elimination (elim.rs) and failed-literal probing (probe.rs),
//! each behind its own option, within one step budget.
//! It runs when a solve starts after clauses were added and every
//! `inprocess_interval` reductions during search.

use super::clause_db::{CRef, CREF_NONE};
use super::lit::{Lit, Var, FALSE, TRUE, UNASSIGNED};
use super::solver::Solver;

/// A fixed budget per pass, so small formulas are simplified completely.
const BASE_STEPS: u64 = 2_000_000;
const MAX_ROUNDS: usize = 4;

/// Inprocessing state kept across solves.
#[derive(Default)]
pub struct Simp {
    /// Variables removed by elimination (their clauses are on `stack`).
    pub(super) eliminated: Vec<bool>,
    pub(super) num_eliminated: usize,
    /// Freeze counts (`Solver::freeze`): frozen variables are never eliminated.
    pub(super) frozen: Vec<u32>,
    /// Model reconstruction: (witness literal, removed clause), oldest first.
    pub(super) stack: Vec<(Lit, Vec<Lit>)>,
    /// Irredundant clauses arrived since the last pass.
    pub(super) clauses_added: bool,
    pub(super) reductions: u64,
    reductions_at_pass: u64,
    propagations_at_pass: u64,
    /// Work left in this pass (occurrence visits, literals resolved).
    pub(super) steps: u64,
    /// Units found by this pass, assigned once the watches are rebuilt.
    pub(super) units: Vec<Lit>,
}

impl Simp {
    pub(super) fn grow_to(&mut self, n: usize) {
        self.eliminated.resize(n, false);
        self.frozen.resize(n, 0);
    }
    #[inline]
    pub(super) fn is_eliminated(&self, v: Var) -> bool {
        self.num_eliminated > 0 && self.eliminated[v.index()]
    }
    /// Make the removed clauses true in `model` (a value per variable,
    /// all assigned): newest first, a clause not yet satisfied makes its
    /// witness true.
    pub(super) fn extend(&self, model: &mut [i8]) {
        let value = |m: &[i8], l: Lit| (m[l.var().index()] == TRUE) != l.is_negated();
        for (witness, clause) in self.stack.iter().rev() {
            if !clause.iter().any(|&l| value(model, l)) {
                model[witness.var().index()] = if witness.is_negated() { FALSE } else { TRUE };
            }
        }
    }

    /// Charge `n` steps; false once the budget is spent.
    #[inline]
    pub(super) fn spend(&mut self, n: usize) -> bool {
        self.steps = self.steps.saturating_sub(n as u64);
        self.steps > 0
    }
}

impl Solver {
    fn inprocess_enabled(&self) -> bool {
        (self.opts.subsume || self.opts.elim || self.opts.probe || self.opts.subst)
            && !self.is_logging()
    }

    pub(super) fn inprocess_due_at_solve(&self) -> bool {
        self.simp.clauses_added && self.inprocess_enabled()
    }

    pub(super) fn inprocess_due_in_search(&self) -> bool {
        self.opts.inprocess_interval > 0
            && self.simp.reductions >= self.simp.reductions_at_pass + self.opts.inprocess_interval
            && self.inprocess_enabled()
    }

    /// One inprocessing pass at level 0. Returns false when it found the
    /// formula unsatisfiable.
    pub(super) fn inprocess(&mut self) -> bool {
        debug_assert_eq!(self.decision_level(), 0);
        self.stats.inprocessings += 1;
        self.simp.reductions_at_pass = self.simp.reductions;
        self.simp.clauses_added = false;
        let since = self.stats.propagations - self.simp.propagations_at_pass;
        self.simp.steps = BASE_STEPS + since.saturating_mul(self.opts.inprocess_effort) / 1000;
        if self.propagate() != CREF_NONE {
            return false;
        }
        // Units found by a round are propagated, and the next round works
        // on the smaller formula (a few rounds at most).
        for _ in 0..MAX_ROUNDS {
            let assigned = self.trail.len();
            if !self.simplify_round() {
                return false;
            }
            if self.trail.len() == assigned || self.simp.steps == 0 {
                break;
            }
        }
        self.simp.propagations_at_pass = self.stats.propagations;
        true
    }

    /// Strip level-0 facts, subsume, eliminate, assign and propagate the
    /// units found, probe.
    pub(super) fn simplify_round(&mut self) -> bool {
        self.log_units_to_proof();
        // Level-0 facts need no reasons; clauses may now be rewritten.
        for i in 0..self.trail.len() {
            let v = self.trail[i].var().index();
            self.reason[v] = CREF_NONE;
        }
        if !self.strip_level0() {
            return false;
        }
        if self.opts.subst && self.simp.units.is_empty() {
            self.substitute();
        }
        if self.opts.subsume && self.simp.units.is_empty() && !self.subsume_all() {
            return false;
        }
        if self.opts.elim && self.simp.units.is_empty() {
            self.eliminate();
        }
        self.db.prune_lists();
        let _ = self.collect_garbage_if_wasteful();
        self.watches.rebuild(&self.db);
        self.assign_units() && (!self.opts.probe || self.probe())
    }

    /// Assign the units found by the pass and propagate them.
    fn assign_units(&mut self) -> bool {
        for l in std::mem::take(&mut self.simp.units) {
            match self.vals[l.index()] {
                TRUE => {}
                FALSE => return false,
                _ => self.assign(l, CREF_NONE),
            }
        }
        self.propagate() == CREF_NONE
    }

    /// Delete clauses satisfied at level 0 and drop false literals from the
    /// others, so every remaining literal is unassigned.
    fn strip_level0(&mut self) -> bool {
        for c in self.live_clauses(true) {
            let lits = self.db.lits(c);
            if lits.iter().any(|&l| self.vals[l.index()] == TRUE) {
                self.delete_clause(c);
            } else if lits.iter().any(|&l| self.vals[l.index()] == FALSE) {
                let kept: Vec<Lit> = lits
                    .iter()
                    .copied()
                    .filter(|&l| self.vals[l.index()] == UNASSIGNED)
                    .collect();
                if !self.replace_lits(c, kept) {
                    return false;
                }
            }
        }
        true
    }

    /// Live irredundant clauses, then (with `learnts`) live learnt ones.
    pub(super) fn live_clauses(&self, learnts: bool) -> Vec<CRef> {
        let lists = if learnts {
            [&self.db.originals[..], &self.db.learnts[..]]
        } else {
            [&self.db.originals[..], &[][..]]
        };
        lists
            .into_iter()
            .flatten()
            .copied()
            .filter(|&c| !self.db.is_deleted(c))
            .collect()
    }

    /// Occurrence lists (indexed by literal) of live clauses.
    pub(super) fn occurrences(&self, learnts: bool) -> Vec<Vec<CRef>> {
        let mut occ = vec![Vec::new(); 2 * self.num_vars()];
        for c in self.live_clauses(learnts) {
            for l in self.db.lits(c) {
                occ[l.index()].push(c);
            }
        }
        occ
    }

    /// Replace clause `c` by `lits`, a subset of it: DRAT adds the new
    /// clause before deleting the old. A unit goes to `simp.units`.
    /// Returns false for the empty clause.
    pub(super) fn replace_lits(&mut self, c: CRef, lits: Vec<Lit>) -> bool {
        match lits.len() {
            0 => false,
            1 => {
                if let Some(p) = self.proof.as_mut() {
                    p.add(&lits);
                }
                self.delete_clause(c);
                self.simp.units.push(lits[0]);
                true
            }
            n => {
                if let Some(p) = self.proof.as_mut() {
                    p.add(&lits);
                    p.delete(self.db.lits(c));
                }
                self.db.lits_mut(c)[..n].copy_from_slice(&lits);
                self.db.shrink(c, n);
                true
            }
        }
    }
}
