//! Transitive reduction of the binary implication graph (CaDiCaL's
//! `transred`, for `Solver::process`): an irredundant binary clause
//! (a | b), the edges -a -> b and -b -> a, goes when -a still reaches b
//! through the other binary clauses. The formula keeps its models, so no
//! reconstruction is needed; DRAT: the clause is deleted (removed clauses
//! are never used to justify another removal).

use super::clause_db::CRef;
use super::lit::Lit;
use super::solver::Solver;

impl Solver {
    /// One pass over the irredundant binary clauses within the step budget.
    /// At level 0 with no level-0 literal in any clause (after
    /// `simplify_round`); watches are rebuilt.
    pub(super) fn transitive_reduction(&mut self) {
        // Level-0 facts need no reasons (a removed clause may be one).
        for i in 0..self.trail.len() {
            let v = self.trail[i].var().index();
            self.reason[v] = super::clause_db::CREF_NONE;
        }
        let binaries: Vec<CRef> = self
            .live_clauses(false)
            .into_iter()
            .filter(|&c| self.db.len(c) == 2)
            .collect();
        // adj[l]: (m, c) for each binary clause c = (!l | m), the edge l -> m.
        let mut adj: Vec<Vec<(Lit, CRef)>> = vec![Vec::new(); 2 * self.num_vars()];
        for &c in &binaries {
            let (a, b) = (self.db.lits(c)[0], self.db.lits(c)[1]);
            adj[(!a).index()].push((b, c));
            adj[(!b).index()].push((a, c));
        }
        let mut mark = vec![0u32; adj.len()];
        let mut epoch = 0u32;
        let mut stack: Vec<Lit> = Vec::new();
        let before = self.stats.transitive_reductions;
        for c in binaries {
            if self.simp.steps == 0 {
                break;
            }
            let (a, b) = (self.db.lits(c)[0], self.db.lits(c)[1]);
            // Search -a -> ... -> b without c (nor removed clauses).
            epoch += 1;
            stack.clear();
            stack.push(!a);
            mark[(!a).index()] = epoch;
            let mut found = false;
            'search: while let Some(x) = stack.pop() {
                if !self.simp.spend(adj[x.index()].len()) {
                    break;
                }
                for &(y, d) in &adj[x.index()] {
                    if d == c || self.db.is_deleted(d) || mark[y.index()] == epoch {
                        continue;
                    }
                    if y == b {
                        found = true;
                        break 'search;
                    }
                    mark[y.index()] = epoch;
                    stack.push(y);
                }
            }
            if found {
                self.delete_clause(c);
                self.stats.transitive_reductions += 1;
            }
        }
        if self.stats.transitive_reductions > before {
            self.db.prune_lists();
            let _ = self.collect_garbage_if_wasteful();
            self.watches.rebuild(&self.db);
        }
    }
}
