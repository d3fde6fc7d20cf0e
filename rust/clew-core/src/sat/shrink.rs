//! Learnt-clause shrinking (Kissat's `shrink`; Fleury & Biere, "Efficient
//! All-UIP Learned Clause Minimization", SAT 2021). After minimisation,
//! the literals of one decision level (a block) are replaced by a single
//! literal, the block's UIP, when resolving them back along the trail only
//! meets literals of that level, literals already in the clause, or
//! literals the clause implies (MiniSat's redundancy test). The clause gets
//! shorter and keeps its LBD. The result is RUP: unit propagation from the
//! UIP re-derives the block, so DRAT proofs need nothing extra.

use super::clause_db::CREF_NONE;
use super::lit::Lit;
use super::solver::Solver;

impl Solver {
    /// Shrink `self.learnt` (asserting literal first) block by block.
    /// Expects `seen` clear; leaves it clear.
    pub(super) fn shrink_learnt(&mut self) {
        if self.learnt.len() < 3 {
            return;
        }
        let level = &self.level;
        self.learnt[1..].sort_unstable_by_key(|l| std::cmp::Reverse(level[l.var().index()]));
        self.mark_learnt();
        let abstract_levels = self.learnt[1..]
            .iter()
            .fold(0u32, |acc, l| acc | self.abstract_level(l.var()));
        let (mut read, mut write) = (1, 1);
        while read < self.learnt.len() {
            let block_level = self.level[self.learnt[read].var().index()];
            let mut end = read + 1;
            while end < self.learnt.len()
                && self.level[self.learnt[end].var().index()] == block_level
            {
                end += 1;
            }
            let uip = if end - read >= 2 {
                self.block_uip(read, end, block_level, abstract_levels)
            } else {
                None
            };
            match uip {
                Some(uip) => {
                    // Analysis bumped the block; the UIP now stands for it
                    // (CaDiCaL adds it to the analysed variables).
                    self.bump_variable(uip.var());
                    self.stats.shrunk_literals += (end - read - 1) as u64;
                    self.learnt[write] = !uip;
                    write += 1;
                }
                None => {
                    for k in read..end {
                        self.learnt[write] = self.learnt[k];
                        write += 1;
                    }
                }
            }
            read = end;
        }
        if write < self.learnt.len() {
            self.stats.shrunk_clauses += 1;
        }
        self.learnt.truncate(write);
        self.unmark_from(0);
    }

    /// The trail literal that implies every literal of the block
    /// `learnt[from..to]` (all at `block_level`), if resolution stays on
    /// that level apart from literals the clause already covers.
    fn block_uip(
        &mut self,
        from: usize,
        to: usize,
        block_level: u32,
        abstract_levels: u32,
    ) -> Option<Lit> {
        // Mark 2: the literals of this level to resolve. A level literal
        // marked 1 by an earlier redundancy test may depend on the block
        // itself, so it is resolved too rather than taken as covered.
        for k in from..to {
            self.seen[self.learnt[k].var().index()] = 2;
        }
        let mut open = to - from;
        let mut pos = self.learnt[from..to]
            .iter()
            .map(|l| self.trail_pos[l.var().index()])
            .max()
            .expect("a block has literals") as usize;
        loop {
            let t = self.trail[pos];
            let v = t.var().index();
            if self.level[v] == block_level && self.seen[v] == 2 {
                open -= 1;
                if open == 0 {
                    return Some(t);
                }
                let c = self.reason[v];
                if c == CREF_NONE {
                    return None;
                }
                for k in 0..self.db.len(c) {
                    let r = self.db.lits(c)[k];
                    let rv = r.var().index();
                    if rv == v || self.level[rv] == 0 {
                        continue;
                    }
                    if self.level[rv] == block_level {
                        if self.seen[rv] != 2 {
                            self.seen[rv] = 2;
                            self.to_clear.push(r);
                            open += 1;
                        }
                    } else if self.seen[rv] != 0 {
                        continue;
                    } else if self.reason[rv] != CREF_NONE && self.redundant(r, abstract_levels) {
                        // Lower levels hold only what the clause implies.
                        self.seen[rv] = 1;
                        self.to_clear.push(r);
                    } else {
                        return None;
                    }
                }
            }
            if pos == 0 {
                return None;
            }
            pos -= 1;
        }
    }
}
