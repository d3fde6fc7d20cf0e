//! Vivification (Piette, Hamadi and Saïs 2008; Luo et al. 2017; CaDiCaL's
//! and Kissat's `vivify`): to vivify a clause C, assign the negations of
//! its literals one by one, each at a new decision level, and propagate
//! without C. A conflict, or a literal of C implied true, shows that the
//! negated literals which took part already imply a subset of C; a literal
//! implied false can be dropped. Every shortened clause is RUP while C is
//! still present, so it goes into the proof before C is deleted.
//!
//! A round runs at level 0 after a reduction (so assumptions play no part)
//! on the tier-2 and core learnt clauses not tried yet, and with
//! `vivify_irred` on the original clauses too, within a propagation budget.

use super::clause_db::{CRef, CREF_NONE};
use super::lit::{Lit, FALSE, TRUE};
use super::reduce::TIER2_LBD;
use super::solver::Solver;

impl Solver {
    /// One round at level 0. Returns false when the formula became
    /// unsatisfiable (a shortened clause was empty or its unit conflicted).
    pub(super) fn vivify(&mut self) -> bool {
        self.cancel_until(0);
        if self.propagate() != CREF_NONE {
            self.set_unsat_at_level_zero();
            return false;
        }
        self.next_vivify =
            self.stats.conflicts + self.opts.vivify_interval * (self.stats.vivify_rounds + 1);
        let since = self.stats.propagations - self.vivified_at_propagations;
        // A floor so that early rounds (and tiny formulas) do something.
        let budget = (since.saturating_mul(self.opts.vivify_effort) / 1000).max(1000);
        self.vivify_round(budget)
    }

    /// One round within `budget` propagations, at level 0 with everything
    /// propagated (watches attached). Returns false on unsatisfiability.
    pub(super) fn vivify_round(&mut self, budget: u64) -> bool {
        self.stats.vivify_rounds += 1;
        let start = self.stats.propagations;
        let (candidates, sorted, ranges) = self.vivify_schedule();
        let mut decided: Vec<Lit> = Vec::new();
        let mut ok = true;
        for (i, &c) in candidates.iter().enumerate() {
            if self.stats.propagations - start > budget {
                break;
            }
            let (from, to) = ranges[i];
            if !self.vivify_clause(c, &sorted[from..to], &mut decided) {
                ok = false;
                break;
            }
        }
        self.backtrack(0, false);
        self.vivified_at_propagations = self.stats.propagations;
        self.db.prune_lists();
        if let Some(old) = self.collect_garbage_if_wasteful() {
            self.watches.relocate(&old);
        }
        ok
    }

    /// The clauses to try, each with its literals sorted by how often they
    /// occur among the candidates (most first), and the candidates sorted
    /// by those sequences so that consecutive clauses share a prefix of
    /// decisions, which `vivify_clause` keeps instead of redoing.
    fn vivify_schedule(&mut self) -> (Vec<CRef>, Vec<Lit>, Vec<(usize, usize)>) {
        let satisfied = |s: &Solver, c: CRef| s.db.lits(c).iter().any(|&l| s.value(l) == TRUE);
        let mut candidates: Vec<CRef> = Vec::new();
        for retry in [false, true] {
            for list in 0..2 {
                let clauses = if list == 0 {
                    &self.db.learnts
                } else if self.opts.vivify_irred {
                    &self.db.originals
                } else {
                    continue;
                };
                candidates.extend(clauses.iter().copied().filter(|&c| {
                    !self.db.is_deleted(c)
                        && self.db.len(c) > 2
                        && (!self.db.is_learnt(c) || self.db.lbd(c) <= TIER2_LBD)
                        && (retry || !self.db.is_vivified(c))
                        && !satisfied(self, c)
                }));
            }
            // Once every candidate was tried, try them all again: new
            // learnt clauses may shorten them further.
            if !candidates.is_empty() {
                break;
            }
        }
        let mut occurrences = vec![0u32; self.vals.len()];
        for &c in &candidates {
            for l in self.db.lits(c) {
                occurrences[l.index()] += 1;
            }
        }
        let key = |l: &Lit| (std::cmp::Reverse(occurrences[l.index()]), l.0);
        let mut sorted: Vec<Lit> = Vec::new();
        let mut ranges: Vec<(usize, usize)> = Vec::with_capacity(candidates.len());
        for &c in &candidates {
            let from = sorted.len();
            sorted.extend_from_slice(self.db.lits(c));
            sorted[from..].sort_unstable_by_key(key);
            ranges.push((from, sorted.len()));
        }
        let mut order: Vec<usize> = (0..candidates.len()).collect();
        order.sort_by(|&a, &b| {
            let (x, y) = (
                &sorted[ranges[a].0..ranges[a].1],
                &sorted[ranges[b].0..ranges[b].1],
            );
            x.iter().map(key).cmp(y.iter().map(key))
        });
        let candidates = order.iter().map(|&i| candidates[i]).collect();
        let ranges = order.iter().map(|&i| ranges[i]).collect();
        (candidates, sorted, ranges)
    }

    /// Try to shorten `c` (its literals in `lits`, in decision order).
    /// `decided` holds the clause literals whose negations are the current
    /// decision levels, shared with the previous clause. Returns false on
    /// unsatisfiability.
    fn vivify_clause(&mut self, c: CRef, lits: &[Lit], decided: &mut Vec<Lit>) -> bool {
        self.db.set_vivified(c);
        // Satisfied at level 0 (by a unit found earlier in this round):
        // `simplify` will remove it.
        if lits
            .iter()
            .any(|&l| self.value(l) == TRUE && self.level[l.var().index()] == 0)
        {
            return true;
        }
        let mut keep = 0;
        while keep < decided.len() && keep < lits.len() && decided[keep] == lits[keep] {
            keep += 1;
        }
        self.backtrack(keep as u32, false);
        decided.truncate(keep);
        // The clause must not propagate itself: detach it, and give up
        // kept levels where it already did.
        let (w0, w1) = (self.db.lits(c)[0], self.db.lits(c)[1]);
        self.watches.remove(w0, c);
        self.watches.remove(w1, c);
        if keep > 0 {
            let first = self.trail_lim[0];
            if let Some(l) = self.trail[first..]
                .iter()
                .find(|l| self.reason[l.var().index()] == c)
            {
                let level = self.level[l.var().index()] - 1;
                self.backtrack(level, false);
                decided.truncate(level as usize);
            }
        }
        let mut conflict = CREF_NONE;
        let mut implied = Lit::UNDEF;
        for &l in lits {
            match self.value(l) {
                TRUE => {
                    implied = l;
                    break;
                }
                FALSE => {}
                _ => {
                    self.new_decision_level();
                    decided.push(l);
                    self.assign(!l, CREF_NONE);
                    conflict = self.propagate();
                    if conflict != CREF_NONE {
                        break;
                    }
                }
            }
        }
        let mut shorter: Vec<Lit> = Vec::new();
        if conflict != CREF_NONE {
            self.vivify_analyze(conflict, Lit::UNDEF, &mut shorter);
        } else if implied != Lit::UNDEF {
            let reason = self.reason[implied.var().index()];
            if reason == CREF_NONE {
                // Only a tautology could hold a decision's negation.
                self.watches.attach(&self.db, c);
                return true;
            }
            shorter.push(implied);
            self.vivify_analyze(reason, implied, &mut shorter);
        } else {
            // Every literal is false: the decided ones imply the others.
            shorter.extend(lits.iter().copied().filter(|&l| {
                let v = l.var().index();
                self.level[v] > 0 && self.reason[v] == CREF_NONE
            }));
        }
        if shorter.len() >= self.db.len(c) {
            self.watches.attach(&self.db, c);
            return true;
        }
        decided.clear();
        self.vivify_replace(c, &shorter)
    }

    /// Collect the negated decisions that imply the literals of clause
    /// `from` (except `skip`) into `out`: they are literals of the vivified
    /// clause.
    fn vivify_analyze(&mut self, from: CRef, skip: Lit, out: &mut Vec<Lit>) {
        for &q in self.db.lits(from) {
            if q != skip && self.level[q.var().index()] > 0 {
                self.seen[q.var().index()] = 1;
            }
        }
        for i in (self.trail_lim[0]..self.trail.len()).rev() {
            let t = self.trail[i];
            let v = t.var().index();
            if self.seen[v] == 0 {
                continue;
            }
            self.seen[v] = 0;
            let r = self.reason[v];
            if r == CREF_NONE {
                out.push(!t);
                continue;
            }
            for k in 0..self.db.len(r) {
                let q = self.db.lits(r)[k];
                if q.var() != t.var() && self.level[q.var().index()] > 0 {
                    self.seen[q.var().index()] = 1;
                }
            }
        }
    }

    /// Replace `c` (detached) by its subset `shorter`, at level 0.
    fn vivify_replace(&mut self, c: CRef, shorter: &[Lit]) -> bool {
        self.backtrack(0, false);
        self.stats.vivified += 1;
        self.stats.vivify_literals_removed += (self.db.len(c) - shorter.len()) as u64;
        // Level-0 units justify dropping level-0 false literals.
        self.log_units_to_proof();
        if let Some(p) = self.proof.as_mut() {
            p.add(shorter);
        }
        let (learnt, lbd, activity) = (self.db.is_learnt(c), self.db.lbd(c), self.db.activity(c));
        self.delete_clause(c);
        match shorter.len() {
            0 => {
                self.set_unsat_at_level_zero();
                false
            }
            1 => {
                self.stats.learnt_units += 1;
                self.assign(shorter[0], CREF_NONE);
                if self.propagate() != CREF_NONE {
                    self.set_unsat_at_level_zero();
                    return false;
                }
                true
            }
            n => {
                let lbd = if learnt { lbd.min(n as u32 - 1) } else { 0 };
                let d = self.db.alloc(shorter, learnt, lbd);
                self.db.set_activity(d, activity);
                self.db.set_used(d, true);
                self.db.set_vivified(d);
                self.watches.attach(&self.db, d);
                true
            }
        }
    }
}
