//! Backbones: the literals true in every model, found incrementally as
//! CadiBack does (Biere, Froleyks, Wang 2023).
//!
//! Solve once; the model's literals are the candidates. Each model found
//! later drops every candidate it falsifies. A candidate is tested by one
//! solve assuming its negation: UNSAT proves it (it is then added as a
//! clause, so later calls propagate it), SAT gives a model that prunes.
//! Before each test the current model is also "flipped" (CadiBack's
//! `flip`): a candidate whose every clause has another true literal can be
//! negated without breaking the model, so it is not in the backbone, and
//! no solve is spent on it; nor on a candidate the proven ones already
//! imply at level 0.

use crate::budget::{Limits, StopReason};
use crate::error::Result;

use super::lit::{Lit, TRUE};
use super::{SolveResult, Solver, SolverOptions};

/// What [`backbone`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Backbone {
    /// The clauses (with the assumptions) have no model.
    Unsat,
    /// The backbone literals, sorted by variable (assumptions included).
    Literals(Vec<i32>),
    /// A budget ran out, or `terminate` asked to stop.
    Unknown(StopReason),
}

/// The backbone of `clauses` under `assumptions`, over variables
/// `1..=num_vars` (`num_vars` grows to the largest variable mentioned).
/// `limits` bound the whole computation, all solves together.
pub fn backbone(
    clauses: &[Vec<i32>],
    num_vars: usize,
    assumptions: &[i32],
    limits: Limits,
    terminate: &mut dyn FnMut() -> bool,
) -> Result<Backbone> {
    let mut solver = Solver::new(SolverOptions::default());
    solver.reserve_vars(num_vars)?;
    for c in clauses {
        solver.add_clause(c)?;
    }
    // Validate the assumptions (and make their variables exist) up front.
    let mut spent = Spent::new(limits);
    let first = solver.solve_with(assumptions, spent.remaining(&solver), terminate)?;
    match first {
        SolveResult::Unsat => return Ok(Backbone::Unsat),
        SolveResult::Unknown(why) => return Ok(Backbone::Unknown(why)),
        SolveResult::Sat => {}
    }
    let n = solver.num_vars();
    let occurrences = Occurrences::new(clauses, n);
    let mut model = solver.model().expect("a model after Sat");
    // candidate[v]: the literal of variable v + 1 still possibly in the backbone.
    let mut candidate: Vec<Option<i32>> = model.iter().map(|&l| Some(l)).collect();
    let mut assumed = vec![false; n];
    for &a in assumptions {
        assumed[a.unsigned_abs() as usize - 1] = true;
    }
    let mut proven = vec![false; n];
    // Clause "c or some assumption false": implied, so sound to keep.
    let guard: Vec<i32> = assumptions.iter().map(|&a| -a).collect();
    let mut tests: Vec<i32> = assumptions.to_vec();
    tests.push(0);
    occurrences.flip(&model, &mut candidate, &assumed);
    for v in 0..n {
        let Some(lit) = candidate[v] else { continue };
        if proven[v] || assumed[v] {
            continue;
        }
        // Implied by the literals proven so far: at level 0, no solve needed.
        if solver.vals[Lit::from_dimacs(lit).index()] == TRUE {
            proven[v] = true;
            continue;
        }
        *tests.last_mut().expect("the tested literal") = -lit;
        match solver.solve_with(&tests, spent.remaining(&solver), terminate)? {
            SolveResult::Unsat => {
                proven[v] = true;
                let mut clause = guard.clone();
                clause.push(lit);
                solver.add_clause(&clause)?;
            }
            SolveResult::Sat => {
                model = solver.model().expect("a model after Sat");
                for (c, &m) in candidate.iter_mut().zip(&model) {
                    if *c != Some(m) {
                        *c = None;
                    }
                }
                occurrences.flip(&model, &mut candidate, &assumed);
            }
            SolveResult::Unknown(why) => return Ok(Backbone::Unknown(why)),
        }
    }
    Ok(Backbone::Literals(
        candidate.into_iter().flatten().collect(),
    ))
}

/// The budget left for the next solve, from what earlier ones used.
struct Spent {
    limits: Limits,
    start: std::time::Instant,
    conflicts: Option<u64>,
    propagations: Option<u64>,
}

impl Spent {
    fn new(limits: Limits) -> Self {
        Spent {
            limits,
            start: std::time::Instant::now(),
            conflicts: None,
            propagations: None,
        }
    }

    fn remaining(&mut self, solver: &Solver) -> Limits {
        let stats = solver.stats();
        let c0 = *self.conflicts.get_or_insert(stats.conflicts);
        let p0 = *self.propagations.get_or_insert(stats.propagations);
        Limits {
            conflicts: self
                .limits
                .conflicts
                .map(|c| c.saturating_sub(stats.conflicts - c0)),
            propagations: self
                .limits
                .propagations
                .map(|p| p.saturating_sub(stats.propagations - p0)),
            seconds: self
                .limits
                .seconds
                .map(|s| (s - self.start.elapsed().as_secs_f64()).max(0.0)),
        }
    }
}

/// Which clauses each literal occurs in, for the flip filter.
struct Occurrences {
    /// CSR by literal index (2 * var + negated).
    starts: Vec<usize>,
    clauses: Vec<u32>,
    literals: Vec<Vec<i32>>,
}

fn lit_index(l: i32) -> usize {
    2 * (l.unsigned_abs() as usize - 1) + usize::from(l < 0)
}

impl Occurrences {
    fn new(clauses: &[Vec<i32>], n: usize) -> Self {
        // A repeated literal would count twice as true.
        let clauses: Vec<Vec<i32>> = clauses
            .iter()
            .map(|c| {
                let mut c = c.clone();
                c.sort_unstable();
                c.dedup();
                c
            })
            .collect();
        let mut counts = vec![0usize; 2 * n + 1];
        for c in &clauses {
            for &l in c {
                counts[lit_index(l) + 1] += 1;
            }
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        let mut fill = counts.clone();
        let mut occ = vec![0u32; counts[2 * n]];
        for (i, c) in clauses.iter().enumerate() {
            for &l in c {
                let k = &mut fill[lit_index(l)];
                occ[*k] = i as u32;
                *k += 1;
            }
        }
        Occurrences {
            starts: counts,
            clauses: occ,
            literals: clauses,
        }
    }

    /// Drop the candidates that can be flipped in `model` (kept a model:
    /// each flip updates the true-literal counts), assumptions excepted.
    fn flip(&self, model: &[i32], candidate: &mut [Option<i32>], assumed: &[bool]) {
        let value = |l: i32| (model[l.unsigned_abs() as usize - 1] == l) as u32;
        let mut true_count: Vec<u32> = self
            .literals
            .iter()
            .map(|c| c.iter().map(|&l| value(l)).sum())
            .collect();
        for v in 0..candidate.len() {
            let Some(lit) = candidate[v] else { continue };
            if assumed[v] {
                continue;
            }
            let range = |l: i32| self.starts[lit_index(l)]..self.starts[lit_index(l) + 1];
            let occ = &self.clauses[range(lit)];
            if occ.iter().all(|&c| true_count[c as usize] >= 2) {
                candidate[v] = None;
                for &c in occ {
                    true_count[c as usize] -= 1;
                }
                for &c in &self.clauses[range(-lit)] {
                    true_count[c as usize] += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bb(clauses: &[Vec<i32>], n: usize, assumptions: &[i32]) -> Backbone {
        backbone(clauses, n, assumptions, Limits::UNLIMITED, &mut || false).unwrap()
    }

    #[test]
    fn small_cases() {
        // x1 forced, x2 | x3 free, x4 unused.
        let f = vec![vec![1], vec![-1, 2, 3]];
        assert_eq!(bb(&f, 4, &[]), Backbone::Literals(vec![1]));
        assert_eq!(bb(&f, 4, &[-2]), Backbone::Literals(vec![1, -2, 3]));
        assert_eq!(bb(&f, 4, &[-1]), Backbone::Unsat);
        assert_eq!(bb(&[vec![1], vec![-1]], 1, &[]), Backbone::Unsat);
        assert_eq!(bb(&[], 0, &[]), Backbone::Literals(vec![]));
        // x1 -> x2, x2 -> x3, x1: all three.
        let chain = vec![vec![-1, 2], vec![-2, 3], vec![1]];
        assert_eq!(bb(&chain, 3, &[]), Backbone::Literals(vec![1, 2, 3]));
    }

    #[test]
    fn budget_runs_out() {
        // PHP(6 pigeons, 5 holes) is UNSAT but needs many conflicts; with
        // one extra free variable it has no model at all, so the first
        // solve is what runs out.
        let (p, h) = (6, 5);
        let var = |i: i32, j: i32| i * h + j + 1;
        let mut f: Vec<Vec<i32>> = (0..p)
            .map(|i| (0..h).map(|j| var(i, j)).collect())
            .collect();
        for j in 0..h {
            for a in 0..p {
                for b in a + 1..p {
                    f.push(vec![-var(a, j), -var(b, j)]);
                }
            }
        }
        let limits = Limits {
            conflicts: Some(10),
            ..Limits::UNLIMITED
        };
        let r = backbone(&f, 30, &[], limits, &mut || false).unwrap();
        assert_eq!(r, Backbone::Unknown(StopReason::Conflicts));
    }
}
