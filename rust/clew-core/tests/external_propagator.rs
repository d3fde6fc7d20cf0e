//! External propagators from Rust: an at-most-one propagator against the
//! same constraints as clauses (same answers, models checked), incremental
//! use with assumptions, a failing callback, and proofs with premises.

use std::time::Instant;

use clew_core::budget::Limits;
use clew_core::sat::{ExternalPropagator, SolveResult, Solver, SolverOptions};
use clew_core::sudoku::rng::split_mix64;
use clew_core::{ClewError, Result};

/// At most one variable of each group is true: `x` true implies `-y` for
/// every other `y` of its groups, with the reason `[-y, -x]`.
struct AtMostOne {
    groups_of: Vec<Vec<usize>>,
    groups: Vec<Vec<i32>>,
    /// 1 true, -1 false, 0 unknown (by variable, as notified).
    value: Vec<i8>,
    trail: Vec<i32>,
    levels: Vec<usize>,
    qhead: usize,
    pending: Vec<i32>,
    cause: Vec<i32>,
    /// Fail on this call of `propagate` (0: never).
    fail_at: u64,
    calls: u64,
}

impl AtMostOne {
    fn new(vars: usize, groups: Vec<Vec<i32>>) -> Self {
        let mut groups_of = vec![Vec::new(); vars + 1];
        for (g, group) in groups.iter().enumerate() {
            for &v in group {
                groups_of[v as usize].push(g);
            }
        }
        AtMostOne {
            groups_of,
            groups,
            value: vec![0; vars + 1],
            trail: Vec::new(),
            levels: Vec::new(),
            qhead: 0,
            pending: Vec::new(),
            cause: vec![0; vars + 1],
            fail_at: 0,
            calls: 0,
        }
    }

    fn vars(&self) -> impl Iterator<Item = i32> + '_ {
        (1..self.value.len() as i32).filter(|&v| !self.groups_of[v as usize].is_empty())
    }
}

impl ExternalPropagator for AtMostOne {
    fn notify_assignment(&mut self, lits: &[i32], _fixed: bool) -> Result<()> {
        for &l in lits {
            self.value[l.unsigned_abs() as usize] = if l > 0 { 1 } else { -1 };
            self.trail.push(l);
        }
        Ok(())
    }
    fn notify_new_decision_level(&mut self) -> Result<()> {
        self.levels.push(self.trail.len());
        Ok(())
    }
    fn notify_backtrack(&mut self, new_level: u32) -> Result<()> {
        while self.levels.len() > new_level as usize {
            let start = self.levels.pop().unwrap();
            for l in self.trail.drain(start..) {
                self.value[l.unsigned_abs() as usize] = 0;
            }
        }
        self.qhead = self.qhead.min(self.trail.len());
        self.pending.clear();
        Ok(())
    }
    fn check_found_model(&mut self, model: &[i32]) -> Result<bool> {
        let true_vars: Vec<i32> = model.iter().copied().filter(|&l| l > 0).collect();
        Ok(self
            .groups
            .iter()
            .all(|g| g.iter().filter(|v| true_vars.contains(v)).count() <= 1))
    }
    fn propagate(&mut self) -> Result<i32> {
        self.calls += 1;
        if self.calls == self.fail_at {
            return Err(ClewError::InvalidInput(
                "propagate failed on purpose".into(),
            ));
        }
        loop {
            if let Some(l) = self.pending.pop() {
                return Ok(l);
            }
            if self.qhead == self.trail.len() {
                return Ok(0);
            }
            let x = self.trail[self.qhead];
            self.qhead += 1;
            if x < 0 {
                continue;
            }
            for &g in &self.groups_of[x as usize] {
                for &y in &self.groups[g] {
                    if y != x && self.value[y as usize] != -1 {
                        self.cause[y as usize] = x;
                        self.pending.push(-y);
                    }
                }
            }
        }
    }
    fn reason(&mut self, lit: i32, clause: &mut Vec<i32>) -> Result<()> {
        clause.extend([lit, -self.cause[lit.unsigned_abs() as usize]]);
        Ok(())
    }
}

struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        split_mix64(&mut self.0) % n
    }
    fn lit(&mut self, vars: i32) -> i32 {
        let v = self.below(vars as u64) as i32 + 1;
        if self.below(2) == 0 {
            v
        } else {
            -v
        }
    }
}

/// Random clauses plus at-most-one groups (positive literals).
fn instance(seed: u64, vars: i32, clauses: usize, groups: usize) -> (Vec<Vec<i32>>, Vec<Vec<i32>>) {
    let mut rng = Rng(seed);
    let cnf = (0..clauses)
        .map(|_| (0..3).map(|_| rng.lit(vars)).collect())
        .collect();
    let amo = (0..groups)
        .map(|_| {
            let mut g: Vec<i32> = (0..6).map(|_| rng.below(vars as u64) as i32 + 1).collect();
            g.sort_unstable();
            g.dedup();
            g
        })
        .collect();
    (cnf, amo)
}

fn pairwise(groups: &[Vec<i32>]) -> Vec<Vec<i32>> {
    let mut out = Vec::new();
    for g in groups {
        for i in 0..g.len() {
            for j in i + 1..g.len() {
                out.push(vec![-g[i], -g[j]]);
            }
        }
    }
    out
}

fn with_propagator(
    cnf: &[Vec<i32>],
    vars: usize,
    groups: &[Vec<i32>],
    opts: SolverOptions,
) -> Solver {
    let mut s = Solver::new(opts);
    s.reserve_vars(vars).unwrap();
    for c in cnf {
        s.add_clause(c).unwrap();
    }
    let prop = AtMostOne::new(vars, groups.to_vec());
    let observed: Vec<i32> = prop.vars().collect();
    s.connect_propagator(Box::new(prop)).unwrap();
    for v in observed {
        s.observe(v).unwrap();
    }
    s
}

fn satisfies(model: &[i32], cnf: &[Vec<i32>], groups: &[Vec<i32>]) -> bool {
    let t = |l: i32| model[l.unsigned_abs() as usize - 1] == l;
    cnf.iter().all(|c| c.iter().any(|&l| t(l)))
        && groups
            .iter()
            .all(|g| g.iter().filter(|&&v| t(v)).count() <= 1)
}

#[test]
fn at_most_one_propagator_agrees_with_clauses() {
    let configs = [
        "default",
        "default,chrono=0",
        "default,elim=1,subst=1,probe=1,subsume=1",
    ];
    let mut answers = [0usize; 2];
    for seed in 0..120u64 {
        let vars = 40;
        let (cnf, groups) = instance(seed, vars, 35 + (seed as usize % 50), 14);
        let mut reference = Solver::new(SolverOptions::default());
        for c in cnf.iter().chain(&pairwise(&groups)) {
            reference.add_clause(c).unwrap();
        }
        let expected = reference.solve(&[], Limits::UNLIMITED).unwrap();
        let config = configs[seed as usize % configs.len()];
        let mut s = with_propagator(
            &cnf,
            vars as usize,
            &groups,
            SolverOptions::parse(config).unwrap(),
        );
        let got = s.solve(&[], Limits::UNLIMITED).unwrap();
        assert_eq!(got, expected, "seed {seed} ({config})");
        if got == SolveResult::Sat {
            assert!(satisfies(&s.model().unwrap(), &cnf, &groups), "seed {seed}");
            answers[0] += 1;
        } else {
            answers[1] += 1;
        }
        // Observed variables are never eliminated or substituted.
        for v in 1..=vars {
            if s.is_observed(v) {
                assert!(!s.is_eliminated(v), "seed {seed}: observed {v} eliminated");
            }
        }
    }
    assert!(
        answers[0] > 20 && answers[1] > 20,
        "both answers: {answers:?}"
    );
}

#[test]
fn incremental_with_assumptions_and_cores() {
    for seed in 0..40u64 {
        let vars = 30;
        let (cnf, groups) = instance(seed + 1000, vars, 45, 10);
        let mut reference = Solver::new(SolverOptions::default());
        for c in cnf.iter().chain(&pairwise(&groups)) {
            reference.add_clause(c).unwrap();
        }
        let mut s = with_propagator(&cnf, vars as usize, &groups, SolverOptions::default());
        let mut rng = Rng(seed);
        for _ in 0..6 {
            let assumptions: Vec<i32> = (0..4).map(|_| rng.lit(vars)).collect();
            let expected = reference.solve(&assumptions, Limits::UNLIMITED).unwrap();
            let got = s.solve(&assumptions, Limits::UNLIMITED).unwrap();
            assert_eq!(got, expected, "seed {seed} under {assumptions:?}");
            match got {
                SolveResult::Sat => {
                    let m = s.model().unwrap();
                    assert!(satisfies(&m, &cnf, &groups));
                    assert!(assumptions
                        .iter()
                        .all(|&a| m[a.unsigned_abs() as usize - 1] == a));
                }
                _ => {
                    let core = s.core().unwrap_or_default();
                    assert!(core.iter().all(|l| assumptions.contains(l)));
                    // The core alone is still contradictory.
                    assert_eq!(
                        reference.solve(&core, Limits::UNLIMITED).unwrap(),
                        SolveResult::Unsat
                    );
                }
            }
        }
    }
}

#[test]
fn a_failing_callback_stops_the_solve_and_leaves_the_solver_usable() {
    let vars = 40;
    let (cnf, groups) = instance(7, vars, 90, 14);
    let mut s = with_propagator(&cnf, vars as usize, &groups, SolverOptions::default());
    s.disconnect_propagator();
    let mut prop = AtMostOne::new(vars as usize, groups.clone());
    prop.fail_at = 5;
    let observed: Vec<i32> = prop.vars().collect();
    s.connect_propagator(Box::new(prop)).unwrap();
    for &v in &observed {
        s.observe(v).unwrap();
    }
    let err = s.solve(&[], Limits::UNLIMITED).unwrap_err();
    assert!(err.to_string().contains("failed on purpose"), "{err}");
    // Usable afterwards: a fresh propagator gives the reference answer.
    s.disconnect_propagator();
    s.connect_propagator(Box::new(AtMostOne::new(vars as usize, groups.clone())))
        .unwrap();
    for &v in &observed {
        s.observe(v).unwrap();
    }
    let mut reference = Solver::new(SolverOptions::default());
    for c in cnf.iter().chain(&pairwise(&groups)) {
        reference.add_clause(c).unwrap();
    }
    assert_eq!(
        s.solve(&[], Limits::UNLIMITED).unwrap(),
        reference.solve(&[], Limits::UNLIMITED).unwrap()
    );
}

#[test]
fn bad_use_is_an_error() {
    let mut s = Solver::default();
    assert!(s.observe(1).is_err(), "observe without a propagator");
    s.connect_propagator(Box::new(AtMostOne::new(2, vec![vec![1, 2]])))
        .unwrap();
    assert!(s.observe(0).is_err());
    assert!(s.observe(-3).is_err());
    let again = s.connect_propagator(Box::new(AtMostOne::new(2, vec![vec![1, 2]])));
    assert!(again.unwrap_err().to_string().contains("already connected"));
}

/// The figure for docs/propagators.md (`cargo test --release -p clew-core
/// --test external_propagator -- --ignored --nocapture`): pigeonhole
/// PHP(n) (n + 1 pigeons, n holes; UNSAT) and n pigeons in n holes (SAT),
/// "at most one pigeon per hole" as a propagator against pairwise clauses.
#[test]
#[ignore]
fn at_most_one_cost() {
    for (pigeons, holes) in [(100, 100), (8, 7), (9, 8), (10, 9)] {
        let var = |p: i32, h: i32| p * holes + h + 1;
        let vars = (pigeons * holes) as usize;
        let cnf: Vec<Vec<i32>> = (0..pigeons)
            .map(|p| (0..holes).map(|h| var(p, h)).collect())
            .collect();
        let groups: Vec<Vec<i32>> = (0..holes)
            .map(|h| (0..pigeons).map(|p| var(p, h)).collect())
            .collect();
        let start = Instant::now();
        let mut s = with_propagator(&cnf, vars, &groups, SolverOptions::default());
        let a = s.solve(&[], Limits::UNLIMITED).unwrap();
        let t_prop = start.elapsed().as_secs_f64();
        let start = Instant::now();
        let mut r = Solver::new(SolverOptions::default());
        for c in cnf.iter().chain(&pairwise(&groups)) {
            r.add_clause(c).unwrap();
        }
        let b = r.solve(&[], Limits::UNLIMITED).unwrap();
        let t_cnf = start.elapsed().as_secs_f64();
        assert_eq!(a, b);
        println!(
            "{pigeons} pigeons, {holes} holes ({a:?}): propagator {t_prop:.3} s, {} conflicts; clauses {t_cnf:.3} s, {} conflicts",
            s.stats().conflicts,
            r.stats().conflicts
        );
    }
}
