//! Chronological backtracking (Nadel & Ryvchin 2018; CaDiCaL's `chrono`):
//! the trail may hold literals below the current decision level out of
//! order, so an implied literal's level is the highest among its reason's
//! other literals, and a conflict is first resolved at its own level.
//! `backtrack` keeps the out-of-order literals that stay assigned.

use super::clause_db::CRef;
use super::solver::Solver;
use super::watch::Watcher;

impl Solver {
    /// The level a literal implied by clause `c` (its first literal) takes.
    #[inline]
    pub(super) fn implied_level(&self, c: CRef) -> u32 {
        self.db.lits(c)[1..]
            .iter()
            .map(|l| self.level[l.var().index()])
            .max()
            .unwrap_or(0)
    }

    /// The highest level in the falsified clause `c`, and whether only one
    /// of its literals is on that level (then the clause is a missed unit
    /// and that literal is now in slot 0). Moves the two highest-level
    /// literals into the watched slots so that backtracking below them
    /// keeps the two-watched-literal invariant.
    pub(super) fn conflict_level(&mut self, c: CRef) -> (u32, bool) {
        let lits = self.db.lits(c);
        let (mut top, mut count) = (0u32, 0u32);
        for l in lits {
            let lv = self.level[l.var().index()];
            if lv > top {
                top = lv;
                count = 1;
            } else if lv == top {
                count += 1;
            }
        }
        let binary = lits.len() == 2;
        for i in 0..2 {
            let lits = self.db.lits(c);
            let mut best = i;
            let mut best_level = self.level[lits[i].var().index()];
            for (j, l) in lits.iter().enumerate().skip(i + 1) {
                let lv = self.level[l.var().index()];
                if lv > best_level {
                    best = j;
                    best_level = lv;
                    if lv == top {
                        break;
                    }
                }
            }
            if best == i {
                continue;
            }
            let old = lits[i];
            let new = lits[best];
            if best > 1 {
                self.watches.remove(old, c);
            }
            let lits = self.db.lits_mut(c);
            lits[i] = new;
            lits[best] = old;
            if best > 1 {
                let other = lits[1 - i];
                self.watches.push(new, Watcher::new(c, other, binary));
            }
        }
        (top, count == 1)
    }
}
