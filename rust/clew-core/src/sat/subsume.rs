//! Subsumption and self-subsuming strengthening (backward, over occurrence
//! lists): each irredundant clause C, shortest first, visits the clauses
//! containing its rarest literal in either sign. A clause D containing all
//! of C is deleted; one containing all of C but one literal negated loses
//! that literal (the resolvent of C and D on it subsumes D). Learnt clauses
//! are targets only: a learnt subsumer may be deleted by `reduce_db` later.

use super::clause_db::CRef;
use super::lit::Lit;
use super::solver::Solver;

/// Longer subsumers rarely subsume and cost the most.
const MAX_SUBSUMER_LEN: usize = 64;

impl Solver {
    /// Returns false when strengthening produced the empty clause.
    pub(super) fn subsume_all(&mut self) -> bool {
        let occ = self.occurrences(true);
        let mut order: Vec<CRef> = self
            .live_clauses(false)
            .into_iter()
            .filter(|&c| self.db.len(c) <= MAX_SUBSUMER_LEN)
            .collect();
        order.sort_by_key(|&c| self.db.len(c));
        let mut marks = vec![false; 2 * self.num_vars()];
        let mut subsumer: Vec<Lit> = Vec::new();
        for c in order {
            if self.db.is_deleted(c) || !self.simp.units.is_empty() {
                continue;
            }
            subsumer.clear();
            subsumer.extend_from_slice(self.db.lits(c));
            let rarest = *subsumer
                .iter()
                .min_by_key(|l| occ[l.index()].len() + occ[(!**l).index()].len())
                .expect("clauses have two or more literals");
            if !self
                .simp
                .spend(occ[rarest.index()].len() + occ[(!rarest).index()].len())
            {
                break;
            }
            for &l in &subsumer {
                marks[l.index()] = true;
            }
            for &d in occ[rarest.index()].iter().chain(&occ[(!rarest).index()]) {
                if d == c || self.db.is_deleted(d) || self.db.len(d) < subsumer.len() {
                    continue;
                }
                let (found, negated) = match_against(&marks, self.db.lits(d));
                if found + negated.len() != subsumer.len() {
                    continue;
                }
                match negated[..] {
                    [] => {
                        self.stats.subsumed += 1;
                        self.delete_clause(d);
                    }
                    [x] => {
                        self.stats.strengthened += 1;
                        let kept = self
                            .db
                            .lits(d)
                            .iter()
                            .copied()
                            .filter(|&y| y != x)
                            .collect();
                        if !self.replace_lits(d, kept) {
                            return false;
                        }
                    }
                    _ => {}
                }
            }
            for &l in &subsumer {
                marks[l.index()] = false;
            }
        }
        true
    }
}

/// How many literals of `d` are marked, and which appear negated (up to 2;
/// more cannot matter).
fn match_against(marks: &[bool], d: &[Lit]) -> (usize, Vec<Lit>) {
    let mut found = 0;
    let mut negated = Vec::new();
    for &x in d {
        if marks[x.index()] {
            found += 1;
        } else if marks[(!x).index()] {
            negated.push(x);
            if negated.len() > 1 {
                break;
            }
        }
    }
    (found, negated)
}
