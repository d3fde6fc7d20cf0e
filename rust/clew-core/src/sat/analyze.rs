//! Conflict analysis: first-UIP learning, recursive clause minimisation
//! (MiniSat's `litRedundant` with abstract levels), LBD, and the final
//! analysis that extracts failed assumptions.

use super::clause_db::{CRef, CREF_NONE};
use super::lit::{Lit, Var};
use super::solver::Solver;

/// Learnt clauses longer than this skip reason bumping (CaDiCaL: 100).
const BUMP_REASONS_MAX_CLAUSE: usize = 100;
/// Reason variables bumped per learnt literal at most (CaDiCaL: 10).
const BUMP_REASONS_PER_LITERAL: usize = 10;

impl Solver {
    /// Analyse `conflict` at the current level. Leaves the learnt clause in
    /// `self.learnt` (asserting literal first, a literal of the backjump
    /// level second) and returns `(backjump level, lbd)`.
    pub(super) fn analyze(&mut self, conflict: CRef) -> (u32, u32) {
        let current = self.decision_level();
        self.learnt.clear();
        self.learnt.push(Lit::UNDEF);
        let mut pending = 0u32;
        let mut p = Lit::UNDEF;
        let mut index = self.trail.len();
        let mut c = conflict;
        loop {
            debug_assert!(c != CREF_NONE);
            if self.db.is_learnt(c) {
                self.bump_clause(c);
                self.db.set_used(c, true);
                self.refresh_lbd(c);
            }
            for k in 0..self.db.len(c) {
                let q = self.db.lits(c)[k];
                if q == p {
                    continue;
                }
                let v = q.var();
                if self.seen[v.index()] == 0 && self.level[v.index()] > 0 {
                    self.bump_variable(v);
                    self.seen[v.index()] = 1;
                    if self.level[v.index()] >= current {
                        pending += 1;
                    } else {
                        self.learnt.push(q);
                    }
                }
            }
            // Walk the trail back to the next marked literal of this level
            // (with chronological backtracking, lower levels interleave).
            loop {
                index -= 1;
                let v = self.trail[index].var().index();
                if self.seen[v] != 0 && self.level[v] == current {
                    break;
                }
            }
            p = self.trail[index];
            c = self.reason[p.var().index()];
            self.seen[p.var().index()] = 0;
            pending -= 1;
            if pending == 0 {
                break;
            }
        }
        self.learnt[0] = !p;
        self.stats.learnt_literals_before_minimize += self.learnt.len() as u64;
        self.minimize_learnt();
        if self.opts.shrink {
            self.shrink_learnt();
        }
        self.stats.learnt_literals += self.learnt.len() as u64;
        // Only while VSIDS decides: with VMTF it cost most of VMTF's gain on
        // factoring (18 instances: 0.81x vs 0.51x of VSIDS's PAR-2).
        if self.opts.bump_reasons
            && !self.use_vmtf()
            && self.learnt.len() <= BUMP_REASONS_MAX_CLAUSE
        {
            self.bump_reason_literals();
        }
        if self.use_vmtf() {
            self.bump_analyzed_on_queue();
        }

        // Backjump level: the highest level among the other literals.
        let mut backjump = 0;
        if self.learnt.len() > 1 {
            let mut max_i = 1;
            for i in 2..self.learnt.len() {
                if self.level[self.learnt[i].var().index()]
                    > self.level[self.learnt[max_i].var().index()]
                {
                    max_i = i;
                }
            }
            self.learnt.swap(1, max_i);
            backjump = self.level[self.learnt[1].var().index()];
        }
        let lbd = self.compute_lbd_of_learnt();
        (backjump, lbd)
    }

    /// Bump `v` on the active heuristic: VSIDS now, or VMTF once the
    /// analysis ends (`bump_analyzed_on_queue`).
    #[inline]
    pub(super) fn bump_variable(&mut self, v: Var) {
        if self.use_vmtf() {
            self.analyzed.push(v);
        } else {
            self.order.bump(v);
        }
    }

    /// CaDiCaL's `bumpreason`: also bump the variables of the reasons of
    /// the learnt clause's literals (one step deep). They imply the clause,
    /// so deciding them soon revisits the conflict's neighbourhood.
    fn bump_reason_literals(&mut self) {
        self.mark_learnt();
        let mut budget = BUMP_REASONS_PER_LITERAL * self.learnt.len();
        'clause: for i in 1..self.learnt.len() {
            let c = self.reason[self.learnt[i].var().index()];
            if c == CREF_NONE {
                continue;
            }
            for k in 0..self.db.len(c) {
                let v = self.db.lits(c)[k].var();
                if self.seen[v.index()] != 0 || self.level[v.index()] == 0 {
                    continue;
                }
                self.seen[v.index()] = 1;
                self.to_clear.push(self.db.lits(c)[k]);
                self.bump_variable(v);
                budget -= 1;
                if budget == 0 {
                    break 'clause;
                }
            }
        }
        self.unmark_from(0);
    }

    /// Mark the learnt clause's variables in `seen`, listed in `to_clear`.
    pub(super) fn mark_learnt(&mut self) {
        self.to_clear.clear();
        for k in 0..self.learnt.len() {
            let l = self.learnt[k];
            self.seen[l.var().index()] = 1;
            self.to_clear.push(l);
        }
    }

    /// Clear the `seen` marks listed in `to_clear` from position `top` on,
    /// and forget them.
    pub(super) fn unmark_from(&mut self, top: usize) {
        for k in top..self.to_clear.len() {
            self.seen[self.to_clear[k].var().index()] = 0;
        }
        self.to_clear.truncate(top);
    }

    /// Remove literals implied by the rest of the clause (recursively).
    fn minimize_learnt(&mut self) {
        self.to_clear.clear();
        self.to_clear.extend_from_slice(&self.learnt);
        let abstract_levels = self.learnt[1..]
            .iter()
            .fold(0u32, |acc, l| acc | self.abstract_level(l.var()));
        let mut j = 1;
        for i in 1..self.learnt.len() {
            let l = self.learnt[i];
            if self.reason[l.var().index()] == CREF_NONE || !self.redundant(l, abstract_levels) {
                self.learnt[j] = l;
                j += 1;
            }
        }
        self.learnt.truncate(j);
        self.unmark_from(0);
    }

    #[inline]
    pub(super) fn abstract_level(&self, v: Var) -> u32 {
        1 << (self.level[v.index()] & 31)
    }

    /// Is `p` implied by literals already in the learnt clause? Marks what
    /// it proves redundant (via `seen`), undoing the marks on failure.
    pub(super) fn redundant(&mut self, p: Lit, abstract_levels: u32) -> bool {
        self.minimize_stack.clear();
        self.minimize_stack.push(p);
        let top = self.to_clear.len();
        while let Some(q) = self.minimize_stack.pop() {
            let c = self.reason[q.var().index()];
            debug_assert!(c != CREF_NONE);
            for k in 0..self.db.len(c) {
                let l = self.db.lits(c)[k];
                let v = l.var();
                if v == q.var() || self.seen[v.index()] != 0 || self.level[v.index()] == 0 {
                    continue;
                }
                if self.reason[v.index()] != CREF_NONE
                    && self.abstract_level(v) & abstract_levels != 0
                {
                    self.seen[v.index()] = 1;
                    self.minimize_stack.push(l);
                    self.to_clear.push(l);
                } else {
                    self.unmark_from(top);
                    return false;
                }
            }
        }
        true
    }

    /// Literal block distance: the number of distinct decision levels.
    fn compute_lbd_of_learnt(&mut self) -> u32 {
        self.lbd_stamp_counter += 1;
        let stamp = self.lbd_stamp_counter;
        let mut lbd = 0;
        for l in &self.learnt {
            let lv = self.level[l.var().index()] as usize;
            if self.lbd_stamps[lv] != stamp {
                self.lbd_stamps[lv] = stamp;
                lbd += 1;
            }
        }
        lbd
    }

    /// Glucose: a learnt clause met in analysis gets its LBD recomputed,
    /// and keeps the smaller value.
    fn refresh_lbd(&mut self, c: CRef) {
        let old = self.db.lbd(c);
        if old <= 2 {
            return;
        }
        self.lbd_stamp_counter += 1;
        let stamp = self.lbd_stamp_counter;
        let mut lbd = 0;
        for k in 0..self.db.len(c) {
            let lv = self.level[self.db.lits(c)[k].var().index()] as usize;
            if self.lbd_stamps[lv] != stamp {
                self.lbd_stamps[lv] = stamp;
                lbd += 1;
                if lbd >= old {
                    return;
                }
            }
        }
        self.db.set_lbd(c, lbd);
    }

    /// `failed` is an assumption found false. Collect the assumptions that
    /// imply its negation into `self.core` (as the caller gave them).
    pub(super) fn analyze_final(&mut self, failed: Lit) {
        self.core.clear();
        self.core.push(failed);
        if self.decision_level() == 0 {
            return;
        }
        self.seen[failed.var().index()] = 1;
        for i in (self.trail_lim[0]..self.trail.len()).rev() {
            let x = self.trail[i].var();
            if self.seen[x.index()] == 0 {
                continue;
            }
            let c = self.reason[x.index()];
            if c == CREF_NONE {
                debug_assert!(self.level[x.index()] > 0);
                // Decisions below the assumption count are assumptions.
                self.core.push(self.trail[i]);
            } else {
                for k in 0..self.db.len(c) {
                    let l = self.db.lits(c)[k];
                    if l.var() != x && self.level[l.var().index()] > 0 {
                        self.seen[l.var().index()] = 1;
                    }
                }
            }
            self.seen[x.index()] = 0;
        }
        self.seen[failed.var().index()] = 0;
    }
}
