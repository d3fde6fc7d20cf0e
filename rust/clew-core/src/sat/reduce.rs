//! Learnt-clause database reduction with three LBD tiers (CaDiCaL/Kissat
//! style): core clauses (LBD <= 2) are kept forever; tier-2 clauses
//! (LBD <= 6) are kept while they keep being used; the rest compete on
//! LBD and activity and half of them go at each reduction.

use super::clause_db::CRef;
use super::lit::TRUE;
use super::solver::Solver;

pub const CORE_LBD: u32 = 2;
pub const TIER2_LBD: u32 = 6;

pub struct ReduceSchedule {
    pub next: u64,
    pub interval: u64,
    pub increment: u64,
}

impl Default for ReduceSchedule {
    fn default() -> Self {
        ReduceSchedule {
            next: 2000,
            interval: 2000,
            increment: 300,
        }
    }
}

impl Solver {
    /// A clause that is the reason of a current assignment must stay.
    fn is_locked(&self, c: CRef) -> bool {
        let first = self.db.lits(c)[0];
        self.vals[first.index()] == TRUE && self.reason[first.var().index()] == c
    }

    pub(super) fn reduce_db(&mut self) {
        self.stats.reductions += 1;
        let mut candidates: Vec<CRef> = Vec::new();
        for i in 0..self.db.learnts.len() {
            let c = self.db.learnts[i];
            if self.db.is_deleted(c) {
                continue;
            }
            let lbd = self.db.lbd(c);
            let used = self.db.is_used(c);
            self.db.set_used(c, false);
            if lbd <= CORE_LBD || (lbd <= TIER2_LBD && used) || self.is_locked(c) {
                continue;
            }
            candidates.push(c);
        }
        // Worst first: high LBD, then low activity; ties by age (older first).
        candidates.sort_by(|&a, &b| {
            self.db
                .lbd(b)
                .cmp(&self.db.lbd(a))
                .then(self.db.activity(a).total_cmp(&self.db.activity(b)))
                .then(a.cmp(&b))
        });
        let target = candidates.len() / 2;
        for &c in &candidates[..target] {
            self.delete_clause(c);
        }
        self.db.prune_lists();
        if self.opts.lazy_detach {
            // The propagator drops stale watchers as it meets them; only a
            // compaction (which moves clauses) needs a pass over the lists.
            if let Some(old) = self.collect_garbage_if_wasteful() {
                self.watches.relocate(&old);
            }
        } else {
            let _ = self.collect_garbage_if_wasteful();
            self.watches.rebuild(&self.db);
        }
    }
}
