//! Equivalent-literal substitution: strongly connected components of the
//! binary implication graph (Tarjan) are equivalent literals; every
//! clause is rewritten in terms of one representative per component and
//! the other variables leave the formula like eliminated ones. The
//! equivalence x <-> r goes to the extension stack as two binary clauses
//! (witness x), so the model gives x the value of r, and mentioning x
//! later reactivates it with those two clauses. DRAT: the two binaries are
//! added first (RUP along the implication chains), then each rewritten
//! clause before its old version is deleted; the binaries stay in the
//! proof, as eliminated clauses do.

use super::clause_db::CRef;
use super::lit::{Lit, Var, UNASSIGNED};
use super::solver::Solver;

const NONE: u32 = u32::MAX;

impl Solver {
    pub(super) fn substitute(&mut self) {
        let n = self.num_vars();
        let mut adj: Vec<Vec<Lit>> = vec![Vec::new(); 2 * n];
        let clauses = self.live_clauses(true);
        for &c in &clauses {
            if let [a, b] = *self.db.lits(c) {
                adj[(!a).index()].push(b);
                adj[(!b).index()].push(a);
            }
        }
        if !self.simp.spend(clauses.len()) {
            return;
        }
        let comp = components(&adj);
        if (0..n).any(|v| comp[2 * v] != NONE && comp[2 * v] == comp[2 * v + 1]) {
            return; // x <-> !x: unsatisfiable; the search proves it.
        }
        let mut keep = vec![false; n];
        for a in &self.assumptions {
            keep[a.var().index()] = true;
        }
        for (v, k) in keep.iter_mut().enumerate() {
            *k |= self.simp.frozen[v] > 0;
        }
        // Representative: a kept (frozen or assumed) variable if the
        // component has one, else its smallest variable; the mirror
        // component picks the negation, so repr[!l] == !repr[l].
        let components = comp
            .iter()
            .filter(|&&c| c != NONE)
            .max()
            .map_or(0, |&c| c as usize + 1);
        let mut best = vec![Lit::UNDEF; components];
        for kept in [true, false] {
            for i in 0..2 * n {
                let c = comp[i];
                if c != NONE && keep[i / 2] == kept && best[c as usize] == Lit::UNDEF {
                    best[c as usize] = Lit(i as u32);
                }
            }
        }
        let mut repr: Vec<Lit> = (0..2 * n).map(|i| Lit(i as u32)).collect();
        let mut any = false;
        for (v, &kept) in keep.iter().enumerate() {
            let pos = Lit::new(Var(v as u32), false);
            let c = comp[pos.index()];
            if c == NONE || kept || self.vals[pos.index()] != UNASSIGNED {
                continue;
            }
            let r = best[c as usize];
            if r == pos || self.simp.is_eliminated(pos.var()) {
                continue;
            }
            repr[pos.index()] = r;
            repr[(!pos).index()] = !r;
            any = true;
        }
        if !any {
            return;
        }
        // The equivalences first, while every chain is in the formula.
        for v in 0..n {
            let pos = Lit(2 * v as u32);
            let r = repr[pos.index()];
            if r == pos {
                continue;
            }
            for (witness, other) in [(pos, !r), (!pos, r)] {
                if let Some(p) = self.proof.as_mut() {
                    p.add(&[witness, other]);
                }
                self.simp.stack.push((witness, vec![witness, other]));
            }
            self.simp.eliminated[v] = true;
            self.simp.num_eliminated += 1;
            self.stats.substituted += 1;
        }
        for c in clauses {
            if self.db.is_deleted(c) || self.db.lits(c).iter().all(|l| repr[l.index()] == *l) {
                continue;
            }
            self.rewrite(c, &repr);
        }
    }

    /// Rewrite clause `c` through `repr`: learnt clauses go, tautologies go,
    /// the others shrink in place (duplicates merged).
    fn rewrite(&mut self, c: CRef, repr: &[Lit]) {
        if self.db.is_learnt(c) {
            self.delete_clause(c);
            return;
        }
        let mut lits: Vec<Lit> = self.db.lits(c).iter().map(|l| repr[l.index()]).collect();
        lits.sort_unstable();
        lits.dedup();
        if lits.windows(2).any(|w| w[1] == !w[0]) {
            self.delete_clause(c);
        } else {
            // Never empty: a clause has at least one literal.
            let _ = self.replace_lits(c, lits);
        }
    }
}

/// Tarjan's strongly connected components (iteratively): the component of
/// each literal, `NONE` for literals never reached.
fn components(adj: &[Vec<Lit>]) -> Vec<u32> {
    let m = adj.len();
    let (mut index, mut low) = (vec![NONE; m], vec![0u32; m]);
    let mut on_stack = vec![false; m];
    let mut comp = vec![NONE; m];
    let (mut stack, mut calls): (Vec<usize>, Vec<(usize, usize)>) = (Vec::new(), Vec::new());
    let (mut next, mut count) = (0u32, 0u32);
    for root in 0..m {
        if index[root] != NONE || adj[root].is_empty() {
            continue;
        }
        macro_rules! enter {
            ($v:expr) => {{
                let v = $v;
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
                calls.push((v, 0));
            }};
        }
        enter!(root);
        while let Some(&(v, i)) = calls.last() {
            if i < adj[v].len() {
                calls.last_mut().expect("non-empty").1 += 1;
                let w = adj[v][i].index();
                if index[w] == NONE {
                    enter!(w);
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(u, _)) = calls.last() {
                low[u] = low[u].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp[w] = count;
                    if w == v {
                        break;
                    }
                }
                count += 1;
            }
        }
    }
    comp
}
