//! Bounded variable elimination (SatELite/CaDiCaL style) and its model
//! reconstruction. A variable goes when its non-tautological resolvents
//! are no more than the irredundant clauses containing it; those clauses
//! move to the extension stack and the model is extended by them, newest
//! first, before `solve` returns it. Learnt clauses with the variable are
//! deleted. DRAT: resolvents are added; the removed clauses stay in the
//! proof (see `eliminate`), so reactivation needs no proof step.
//!
//! Incremental use: variables of the current assumptions and frozen ones
//! (`Solver::freeze`) are never eliminated, and any later mention of an
//! eliminated variable (a clause, an assumption, phases, `freeze`)
//! reactivates it: its clauses come back from the stack (CaDiCaL's
//! `restore_clauses`), with every eliminated variable they mention.

use super::clause_db::CRef;
use super::lit::{Lit, Var, FALSE, TRUE, UNASSIGNED};
use super::solver::Solver;
use crate::error::{ClewError, Result};

/// Longer resolvents are not worth their memory and propagation cost.
const MAX_RESOLVENT_LEN: usize = 64;

impl Solver {
    /// Eliminate what the step budget allows; cheapest variables first.
    pub(super) fn eliminate(&mut self) {
        let n = self.num_vars();
        let mut occ = self.occurrences(false);
        let mut assumed = vec![false; n];
        for a in &self.assumptions {
            assumed[a.var().index()] = true;
        }
        let limit = self.opts.elim_occurrences as usize;
        let count = |v: usize| occ[2 * v].len() + occ[2 * v + 1].len();
        let mut candidates: Vec<usize> = (0..n)
            .filter(|&v| {
                self.vals[2 * v] == UNASSIGNED
                    && !self.simp.eliminated[v]
                    && self.simp.frozen[v] == 0
                    && !assumed[v]
                    && (1..=limit).contains(&count(v))
            })
            .collect();
        candidates.sort_by_key(|&v| count(v));
        let mut marks = vec![false; 2 * n];
        let before = self.stats.eliminated_vars;
        for v in candidates {
            if !self.simp.units.is_empty() || self.simp.steps == 0 {
                break;
            }
            let pos = Lit::new(Var(v as u32), false);
            let live = |l: Lit, s: &Solver| -> Vec<CRef> {
                occ[l.index()]
                    .iter()
                    .copied()
                    .filter(|&c| !s.db.is_deleted(c))
                    .collect()
            };
            let (p, q) = (live(pos, self), live(!pos, self));
            if p.len() + q.len() > limit {
                continue;
            }
            let Some(resolvents) = self.resolvents(pos, &p, &q, &mut marks) else {
                continue;
            };
            for r in resolvents {
                if let Some(proof) = self.proof.as_mut() {
                    proof.add(&r);
                }
                if r.len() == 1 {
                    self.simp.units.push(r[0]);
                } else {
                    let c = self.db.alloc(&r, false, 0);
                    for l in &r {
                        occ[l.index()].push(c);
                    }
                }
            }
            for (witness, list) in [(pos, &p), (!pos, &q)] {
                for &c in list {
                    self.simp.stack.push((witness, self.db.lits(c).to_vec()));
                    // Not deleted in the proof: a later clause may bring it
                    // back, and re-adding it would be neither RUP nor RAT
                    // against clauses the user adds after the elimination.
                    self.db.delete(c);
                }
            }
            self.simp.eliminated[v] = true;
            self.simp.num_eliminated += 1;
            self.stats.eliminated_vars += 1;
        }
        if self.stats.eliminated_vars > before {
            for c in self.db.learnts.clone() {
                if !self.db.is_deleted(c)
                    && self
                        .db
                        .lits(c)
                        .iter()
                        .any(|l| self.simp.is_eliminated(l.var()))
                {
                    self.delete_clause(c);
                }
            }
        }
    }

    /// The non-tautological resolvents on `pos` of clauses `p` (with `pos`)
    /// and `q` (with `!pos`), or None when they are more than `p` and `q`
    /// together, too long, or the budget ran out.
    fn resolvents(
        &mut self,
        pos: Lit,
        p: &[CRef],
        q: &[CRef],
        marks: &mut [bool],
    ) -> Option<Vec<Vec<Lit>>> {
        let bound = p.len() + q.len();
        let mut out: Vec<Vec<Lit>> = Vec::new();
        for &a in p {
            let base: Vec<Lit> = self
                .db
                .lits(a)
                .iter()
                .copied()
                .filter(|&l| l != pos)
                .collect();
            for &l in &base {
                marks[l.index()] = true;
            }
            let mut fits = true;
            for &b in q {
                let lits = self.db.lits(b);
                if !self.simp.spend(base.len() + lits.len()) {
                    fits = false;
                    break;
                }
                let mut r = base.clone();
                let mut tautology = false;
                for &x in lits {
                    if x == !pos || marks[x.index()] {
                        continue;
                    }
                    if marks[(!x).index()] {
                        tautology = true;
                        break;
                    }
                    r.push(x);
                }
                if tautology {
                    continue;
                }
                if r.len() > MAX_RESOLVENT_LEN || out.len() >= bound {
                    fits = false;
                    break;
                }
                out.push(r);
            }
            for &l in &base {
                marks[l.index()] = false;
            }
            if !fits {
                return None;
            }
        }
        Some(out)
    }

    /// Give eliminated variables values that satisfy the removed clauses:
    /// newest first, a clause not yet satisfied makes its witness true.
    pub(super) fn extend_model(&mut self) {
        if self.simp.stack.is_empty() {
            return;
        }
        // Start from the preferred phases (user phases included), so a
        // variable keeps them unless a removed clause needs otherwise.
        for v in 0..self.num_vars() {
            if self.model[v] == UNASSIGNED {
                let positive = self.phases.preferred(Var(v as u32), false);
                self.model[v] = if positive { TRUE } else { FALSE };
            }
        }
        self.simp.extend(&mut self.model);
    }

    /// Bring back eliminated variable `v` and, transitively, every
    /// eliminated variable its restored clauses mention.
    pub(super) fn reactivate(&mut self, v: Var) {
        let mut work = vec![v];
        self.simp.eliminated[v.index()] = false;
        let mut restored: Vec<(Lit, Vec<Lit>)> = Vec::new();
        while let Some(w) = work.pop() {
            self.simp.num_eliminated -= 1;
            self.stats.reactivated_vars += 1;
            self.make_decidable(w);
            let (back, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.simp.stack)
                .into_iter()
                .partition(|(witness, _)| witness.var() == w);
            self.simp.stack = kept;
            for (_, clause) in &back {
                for l in clause {
                    if self.simp.eliminated[l.var().index()] {
                        self.simp.eliminated[l.var().index()] = false;
                        work.push(l.var());
                    }
                }
            }
            restored.extend(back);
        }
        self.restore(restored);
    }

    /// Bring back every eliminated variable (before `propagate`, which
    /// must report every implied literal).
    pub(super) fn reactivate_all(&mut self) {
        if self.simp.num_eliminated == 0 {
            return;
        }
        for v in 0..self.num_vars() {
            if self.simp.eliminated[v] {
                self.simp.eliminated[v] = false;
                self.stats.reactivated_vars += 1;
                self.make_decidable(Var(v as u32));
            }
        }
        self.simp.num_eliminated = 0;
        let all = std::mem::take(&mut self.simp.stack);
        self.restore(all);
    }

    /// Re-add removed clauses as irredundant ones (the proof still has them).
    fn restore(&mut self, clauses: Vec<(Lit, Vec<Lit>)>) {
        for (_, clause) in clauses {
            self.add_lits(clause);
        }
    }

    /// Never eliminate `var` (1-based) until as many `melt` calls; an
    /// eliminated one is reactivated. For clauses or assumptions that will
    /// mention it later, freezing keeps its clauses in place meanwhile.
    pub fn freeze(&mut self, var: i32) -> Result<()> {
        let v = self.import_var(var, "freeze")?;
        self.simp.frozen[v.index()] += 1;
        Ok(())
    }

    /// Undo one `freeze` of `var` (no effect on a variable not frozen).
    pub fn melt(&mut self, var: i32) -> Result<()> {
        let v = self.import_var(var, "melt")?;
        let f = &mut self.simp.frozen[v.index()];
        *f = f.saturating_sub(1);
        Ok(())
    }

    /// Whether `freeze` holds `var` (1-based).
    pub fn is_frozen(&self, var: i32) -> bool {
        var > 0
            && self
                .simp
                .frozen
                .get(var as usize - 1)
                .is_some_and(|&f| f > 0)
    }

    /// Whether `var` (1-based) is eliminated now (its value comes from the
    /// model reconstruction).
    pub fn is_eliminated(&self, var: i32) -> bool {
        var > 0 && self.simp.eliminated.get(var as usize - 1) == Some(&true)
    }

    fn import_var(&mut self, var: i32, what: &str) -> Result<Var> {
        if var <= 0 {
            return Err(ClewError::InvalidInput(format!(
                "{what} needs a positive variable (got {var})"
            )));
        }
        Ok(self.import_lit(var)?.var())
    }
}
