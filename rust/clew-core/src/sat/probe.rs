//! Failed-literal probing on roots of the binary implication graph: a
//! literal that implies others through binary clauses but is implied by
//! none is assumed at level 1; if propagation conflicts, its negation is a
//! level-0 unit (RUP, so the proof just adds it). Probing only roots
//! covers every literal they reach without probing those too.

use super::clause_db::CREF_NONE;
use super::lit::{Lit, UNASSIGNED};
use super::solver::Solver;

impl Solver {
    /// Returns false when a failed literal's negation conflicts at level 0.
    pub(super) fn probe(&mut self) -> bool {
        debug_assert_eq!(self.decision_level(), 0);
        // in_binary[l]: l occurs in a binary clause, so some literal implies it.
        let mut in_binary = vec![false; 2 * self.num_vars()];
        for c in self.live_clauses(true) {
            if self.db.len(c) == 2 {
                for l in self.db.lits(c) {
                    in_binary[l.index()] = true;
                }
            }
        }
        let roots: Vec<Lit> = (0..in_binary.len())
            .map(|i| Lit(i as u32))
            .filter(|&l| in_binary[(!l).index()] && !in_binary[l.index()])
            .collect();
        let start = self.stats.propagations;
        let limit = start + self.simp.steps / 4;
        for r in roots {
            if self.stats.propagations > limit {
                break;
            }
            if self.vals[r.index()] != UNASSIGNED || self.simp.is_eliminated(r.var()) {
                continue;
            }
            self.new_decision_level();
            self.assign(r, CREF_NONE);
            let conflict = self.propagate();
            self.backtrack(0, false);
            if conflict != CREF_NONE {
                self.stats.failed_literals += 1;
                if let Some(p) = self.proof.as_mut() {
                    p.add(&[!r]);
                }
                self.assign(!r, CREF_NONE);
                if self.propagate() != CREF_NONE {
                    return false;
                }
            }
        }
        let used = self.stats.propagations - start;
        self.simp.spend(used as usize);
        true
    }
}
