//! Solver correctness: every answer checked (models against the formula,
//! UNSAT and cores against brute force on small formulas), incremental use,
//! budgets and the interrupt flag.

use clew_core::budget::{Limits, StopReason};
use clew_core::sat::{model_satisfies, ProofFormat, SolveResult, Solver, SolverOptions};

/// SplitMix64: a tiny deterministic generator for test formulas.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E3779B97F4A7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn random_ksat(rng: &mut Rng, vars: i32, clauses: usize, k: usize) -> Vec<Vec<i32>> {
    (0..clauses)
        .map(|_| {
            (0..k)
                .map(|_| {
                    let v = rng.below(vars as u64) as i32 + 1;
                    if rng.below(2) == 0 {
                        v
                    } else {
                        -v
                    }
                })
                .collect()
        })
        .collect()
}

fn brute_force_sat(vars: i32, clauses: &[Vec<i32>], assumptions: &[i32]) -> bool {
    (0u64..1 << vars).any(|bits| {
        let val = |l: i32| ((bits >> (l.unsigned_abs() - 1)) & 1 == 1) == (l > 0);
        assumptions.iter().all(|&a| val(a)) && clauses.iter().all(|c| c.iter().any(|&l| val(l)))
    })
}

fn pigeonhole(holes: i32) -> (i32, Vec<Vec<i32>>) {
    let pigeons = holes + 1;
    let var = |p: i32, h: i32| p * holes + h + 1;
    let mut cls: Vec<Vec<i32>> = (0..pigeons)
        .map(|p| (0..holes).map(|h| var(p, h)).collect())
        .collect();
    for h in 0..holes {
        for p in 0..pigeons {
            for q in p + 1..pigeons {
                cls.push(vec![-var(p, h), -var(q, h)]);
            }
        }
    }
    (pigeons * holes, cls)
}

fn random_assumptions(rng: &mut Rng, vars: i32, count: u64) -> Vec<i32> {
    (0..count)
        .map(|_| {
            let v = rng.below(vars as u64) as i32 + 1;
            if rng.below(2) == 0 {
                v
            } else {
                -v
            }
        })
        .collect()
}

fn solver_with(clauses: &[Vec<i32>], opts: SolverOptions) -> Solver {
    let mut s = Solver::new(opts);
    for c in clauses {
        s.add_clause(c).unwrap();
    }
    s
}

#[test]
fn small_random_formulas_agree_with_brute_force() {
    let mut rng = Rng(1);
    let mut unsat = 0;
    for round in 0..1500 {
        let vars = 3 + (round % 10) as i32;
        let n = (vars as f64 * (3.0 + rng.below(30) as f64 / 10.0)) as usize;
        let k = 2 + (round % 3);
        let cls = random_ksat(&mut rng, vars, n, k);
        let opts = if round % 2 == 0 {
            SolverOptions::default()
        } else {
            SolverOptions::preset("luby").unwrap()
        };
        let mut s = solver_with(&cls, opts);
        let expected = brute_force_sat(vars, &cls, &[]);
        let got = s.solve(&[], Limits::UNLIMITED).unwrap();
        assert_eq!(got == SolveResult::Sat, expected, "round {round}: {cls:?}");
        if got == SolveResult::Sat {
            assert!(model_satisfies(&cls, &s.model().unwrap()));
        } else {
            unsat += 1;
            assert!(s.model().is_none());
        }
        // Assumptions and cores on the same solver.
        let assumptions = random_assumptions(&mut rng, vars, 3);
        let expected = brute_force_sat(vars, &cls, &assumptions);
        let got = s.solve(&assumptions, Limits::UNLIMITED).unwrap();
        assert_eq!(
            got == SolveResult::Sat,
            expected,
            "round {round} under {assumptions:?}"
        );
        match got {
            SolveResult::Sat => {
                let m = s.model().unwrap();
                assert!(model_satisfies(&cls, &m));
                assert!(assumptions.iter().all(|a| m.contains(a)));
            }
            _ => {
                if let Some(core) = s.core() {
                    assert!(
                        core.iter().all(|l| assumptions.contains(l)),
                        "{core:?} not within {assumptions:?}"
                    );
                    assert!(
                        !brute_force_sat(vars, &cls, &core),
                        "core {core:?} is satisfiable"
                    );
                } else {
                    assert!(!brute_force_sat(vars, &cls, &[]));
                }
            }
        }
    }
    assert!(unsat > 200, "too few UNSAT instances ({unsat})");
}

#[test]
fn incremental_clauses_between_solves() {
    let mut rng = Rng(7);
    for _ in 0..200 {
        let vars = 10;
        let mut s = Solver::default();
        let mut all = Vec::new();
        for _step in 0..6 {
            let batch = random_ksat(&mut rng, vars, 8, 3);
            for c in &batch {
                s.add_clause(c).unwrap();
            }
            all.extend(batch);
            let expected = brute_force_sat(vars, &all, &[]);
            let got = s.solve(&[], Limits::UNLIMITED).unwrap();
            assert_eq!(got == SolveResult::Sat, expected);
            if got == SolveResult::Sat {
                assert!(model_satisfies(&all, &s.model().unwrap()));
            }
        }
    }
}

#[test]
fn pigeonhole_is_unsat_with_a_proof() {
    for holes in 4..=8 {
        let (_, cls) = pigeonhole(holes);
        for preset in ["default", "luby"] {
            let mut s = Solver::new(SolverOptions::preset(preset).unwrap());
            s.enable_proof(ProofFormat::Text);
            for c in &cls {
                s.add_clause(c).unwrap();
            }
            assert_eq!(s.solve(&[], Limits::UNLIMITED).unwrap(), SolveResult::Unsat);
            let proof = s.proof_mut().unwrap().take_bytes();
            assert!(
                proof.ends_with(b"\n0\n"),
                "proof must end with the empty clause"
            );
        }
    }
}

#[test]
fn budgets_stop_and_the_solver_stays_usable() {
    let (_, cls) = pigeonhole(8);
    let mut s = solver_with(&cls, SolverOptions::default());
    let r = s
        .solve(
            &[],
            Limits {
                conflicts: Some(100),
                ..Limits::UNLIMITED
            },
        )
        .unwrap();
    assert_eq!(r, SolveResult::Unknown(StopReason::Conflicts));
    let r = s
        .solve(
            &[],
            Limits {
                propagations: Some(1000),
                ..Limits::UNLIMITED
            },
        )
        .unwrap();
    assert_eq!(r, SolveResult::Unknown(StopReason::Propagations));
    let r = s
        .solve(
            &[],
            Limits {
                seconds: Some(0.01),
                ..Limits::UNLIMITED
            },
        )
        .unwrap();
    assert_eq!(r, SolveResult::Unknown(StopReason::Time));
    s.interrupt_handle().set();
    let r = s.solve(&[], Limits::UNLIMITED).unwrap();
    assert_eq!(r, SolveResult::Unknown(StopReason::Interrupted));
    s.interrupt_handle().clear();
    // After every kind of early stop, a full solve still gives the answer.
    assert_eq!(s.solve(&[], Limits::UNLIMITED).unwrap(), SolveResult::Unsat);
}

#[test]
fn phases_are_honoured() {
    let mut s = Solver::default();
    s.add_clause(&[1, 2, 3, 4, 5]).unwrap();
    s.set_phases(&[1, 2, 3, 4, 5]).unwrap();
    assert_eq!(s.solve(&[], Limits::UNLIMITED).unwrap(), SolveResult::Sat);
    assert_eq!(s.model().unwrap(), vec![1, 2, 3, 4, 5]);
    s.set_phases(&[-1, -2, -3, -4, 5]).unwrap();
    assert_eq!(s.solve(&[], Limits::UNLIMITED).unwrap(), SolveResult::Sat);
    assert_eq!(s.model().unwrap(), vec![-1, -2, -3, -4, 5]);
}

#[test]
fn propagate_reports_implications_and_conflicts() {
    let mut s = Solver::default();
    for c in [vec![-1, 2], vec![-2, 3], vec![-3, -4]] {
        s.add_clause(&c).unwrap();
    }
    let (ok, lits) = s.propagate_assumptions(&[1], false).unwrap();
    assert!(ok);
    assert_eq!(lits, vec![1, 2, 3, -4]);
    let (ok, _) = s.propagate_assumptions(&[1, 4], false).unwrap();
    assert!(!ok);
    assert_eq!(s.solve(&[], Limits::UNLIMITED).unwrap(), SolveResult::Sat);
}

#[test]
fn bad_literals_are_errors_not_panics() {
    let mut s = Solver::default();
    assert!(s.add_clause(&[1, 0]).is_err());
    assert!(s.add_clause(&[i32::MIN]).is_err());
    assert!(s.solve(&[0], Limits::UNLIMITED).is_err());
    assert!(s.set_activity(-3, 1.0).is_err());
}

#[test]
fn empty_clause_and_units() {
    let mut s = Solver::default();
    assert!(s.add_clause(&[1]).unwrap());
    assert!(!s.add_clause(&[-1]).unwrap());
    assert_eq!(s.solve(&[], Limits::UNLIMITED).unwrap(), SolveResult::Unsat);
    assert!(s.core().is_none());
    let mut t = Solver::default();
    assert!(!t.add_clause(&[]).unwrap());
    assert_eq!(t.solve(&[], Limits::UNLIMITED).unwrap(), SolveResult::Unsat);
}

#[test]
fn medium_random_3sat_models_check() {
    let mut rng = Rng(42);
    let (mut sat, mut unsat) = (0, 0);
    for _ in 0..40 {
        let cls = random_ksat(&mut rng, 150, 639, 3);
        let mut s = solver_with(&cls, SolverOptions::default());
        match s.solve(&[], Limits::UNLIMITED).unwrap() {
            SolveResult::Sat => {
                sat += 1;
                assert!(model_satisfies(&cls, &s.model().unwrap()));
            }
            SolveResult::Unsat => unsat += 1,
            r => panic!("unexpected {r:?}"),
        }
    }
    assert!(sat > 5 && unsat > 5, "sat {sat} unsat {unsat}");
}

/// Every technique option on and off, with thresholds small enough that
/// mode switches, rephases, chronological backtracks and reductions happen
/// on tiny formulas.
const OPTION_CONFIGS: &[&str] = &[
    "default,chrono=0,stable=0,target=0,rephase=0,lazy_detach=0,reuse_trail=0,walk=0,vivify=0,subsume=0,elim=0,probe=0",
    "default,rephase=1,walk=1,rephase_interval=2,walk_effort=50",
    "default,subsume=1,elim=0,probe=0,inprocess_interval=1,first_reduce=8,reduce_increment=4",
    "default,subsume=0,elim=1,probe=0,elim_occurrences=64,inprocess_interval=1,first_reduce=8,reduce_increment=4",
    "default,subsume=0,elim=0,probe=1,inprocess_interval=1,first_reduce=8,reduce_increment=4",
    // Whether substitution finds equivalences on these small formulas depends
    // on the search path, so its "fired" check pins vivify and bump_reasons off.
    "default,subsume=0,elim=0,probe=0,subst=1,vivify=0,bump_reasons=0,inprocess_interval=1,first_reduce=8,reduce_increment=4",
    "default,subst=1,vivify=0,bump_reasons=0,elim_occurrences=64,inprocess_interval=1,first_reduce=8,reduce_increment=4",
    "luby,subsume=1,elim=1,probe=1,inprocess_interval=2,first_reduce=10,reduce_increment=3,chrono=1,lazy_detach=1,reuse_trail=1",
    "default,chrono=1,stable=0,rephase=0,reuse_trail=0",
    "default,chrono=1,first_reduce=8,reduce_increment=4,lazy_detach=1",
    "default,reuse_trail=1,chrono=0,stable=0,walk=0",
    "default,reuse_trail=1,chrono=1,stable=1,stable_first=4",
    "default,stable=1,stable_first=6,target=1,rephase=0,chrono=0",
    "default,stable=1,stable_first=6,target=2,rephase=1,rephase_interval=3",
    "default,lazy_detach=1,first_reduce=8,reduce_increment=4,stable=0,rephase=0",
    "luby,chrono=1,stable=1,stable_first=5,target=1,rephase=1,rephase_interval=4,lazy_detach=1,first_reduce=10,reduce_increment=3,reuse_trail=1",
    "default,chrono=2,stable=1,stable_first=9,target=2,rephase=1,rephase_interval=2,lazy_detach=1,first_reduce=6,reduce_increment=2",
    "default,vivify=1,first_reduce=8,reduce_increment=2",
    "default,vivify=1,vivify_interval=20,first_reduce=5,reduce_increment=1,reuse_trail=1,walk=0",
    "default,vivify=1,vivify_irred=1,first_reduce=6,reduce_increment=2,chrono=1,lazy_detach=1",
    "luby,vivify=1,vivify_irred=1,vivify_effort=2000,first_reduce=5,reduce_increment=1,stable=0,reuse_trail=0,chrono=0",
    "default,vivify=0,vivify_irred=1",
    "default,shrink=1",
    "default,bump_reasons=1,shrink=1,chrono=1",
    "luby,bump_reasons=1,stable=0",
    "default,shrink=1,chrono=1,first_reduce=8,reduce_increment=4,lazy_detach=1",
    "luby,shrink=1,vivify=1,vivify_irred=1,vivify_interval=20,first_reduce=5,reduce_increment=1,stable=0,reuse_trail=1,chrono=0",
    "default,vmtf=1,stable=0,chrono=0,reuse_trail=0",
    "default,vmtf=1,stable=0,chrono=1,reuse_trail=1,first_reduce=8,reduce_increment=4",
    "default,vmtf=1,stable=1,stable_first=4,reuse_trail=1,chrono=2,rephase_interval=3,walk=1",
    "luby,vmtf=1,elim=1,subsume=1,probe=1,subst=1,inprocess_interval=1,first_reduce=8,reduce_increment=4,reuse_trail=1",
    "default,vmtf=0",
    "default,vmtf=2",
    "default,vmtf=auto,stable=0,chrono=1",
];

/// A random combination of the technique options (fuzzing).
fn random_config(rng: &mut Rng) -> String {
    let base = if rng.below(3) == 0 { "luby" } else { "default" };
    format!(
        "{base},chrono={},stable={},stable_first={},target={},rephase={},rephase_interval={},lazy_detach={},first_reduce={},reduce_increment={},reuse_trail={},walk={},vmtf={},vivify={},vivify_irred={},vivify_effort={},vivify_interval={},subsume={},elim={},probe={},subst={},inprocess_interval={},shrink={},bump_reasons={}",
        rng.below(4),
        rng.below(2),
        1 + rng.below(20),
        rng.below(3),
        rng.below(2),
        1 + rng.below(10),
        rng.below(2),
        2 + rng.below(30),
        rng.below(10),
        rng.below(2),
        rng.below(2),
        rng.below(3),
        rng.below(2),
        rng.below(2),
        rng.below(3000),
        rng.below(50),
        rng.below(2),
        rng.below(2),
        rng.below(2),
        rng.below(2),
        rng.below(4),
        rng.below(2),
        rng.below(2),
    )
}

#[test]
fn options_parse_and_reject_bad_input() {
    let o = SolverOptions::parse("luby, chrono=100 ,stable=on,target=2").unwrap();
    assert_eq!(o.chrono, 100);
    assert!(o.stable);
    assert_eq!(o.target, 2);
    for bad in [
        "nope",
        "default,chrono",
        "default,what=1",
        "default,target=3",
        "default,var_decay=1.5",
        "default,stable=maybe",
    ] {
        assert!(SolverOptions::parse(bad).is_err(), "{bad}");
    }
}

fn check_against_brute_force(rng: &mut Rng, config: &str, rounds: usize) {
    for round in 0..rounds {
        let vars = 4 + (round % 9) as i32;
        let n = (vars as f64 * (3.5 + rng.below(20) as f64 / 10.0)) as usize;
        let cls = random_ksat(rng, vars, n, 3);
        let mut s = solver_with(&cls, SolverOptions::parse(config).unwrap());
        for _ in 0..3 {
            let count = rng.below(4);
            let assumptions = random_assumptions(rng, vars, count);
            solve_and_check(
                &mut s,
                vars,
                &cls,
                &assumptions,
                &format!("{config} round {round}"),
            );
        }
    }
}

/// Solve under `assumptions` and check the answer, the model (against
/// every clause) and the core (a subset of the assumptions that is itself
/// unsatisfiable) by brute force.
fn solve_and_check(s: &mut Solver, vars: i32, cls: &[Vec<i32>], assumptions: &[i32], what: &str) {
    let expected = brute_force_sat(vars, cls, assumptions);
    let got = s.solve(assumptions, Limits::UNLIMITED).unwrap();
    assert_eq!(
        got == SolveResult::Sat,
        expected,
        "{what} under {assumptions:?}: {cls:?}"
    );
    if got == SolveResult::Sat {
        let m = s.model().unwrap();
        assert!(model_satisfies(cls, &m), "{what}: bad model");
        assert!(assumptions.iter().all(|a| m.contains(a)));
    } else if let Some(core) = s.core() {
        assert!(core.iter().all(|l| assumptions.contains(l)));
        assert!(!brute_force_sat(vars, cls, &core), "{what}: core {core:?}");
    } else {
        assert!(!brute_force_sat(vars, cls, &[]));
    }
}

#[test]
fn every_option_agrees_with_brute_force() {
    for (i, config) in OPTION_CONFIGS.iter().enumerate() {
        let mut rng = Rng(100 + i as u64);
        check_against_brute_force(&mut rng, config, 300);
    }
}

#[test]
fn fuzzed_option_combinations_agree_with_brute_force() {
    let mut rng = Rng(4242);
    for _ in 0..60 {
        let config = random_config(&mut rng);
        check_against_brute_force(&mut rng, &config, 25);
    }
}

#[test]
fn every_option_agrees_on_medium_formulas() {
    // Near the 3-SAT threshold: enough conflicts for every technique to act.
    let mut rng = Rng(99);
    let formulas: Vec<Vec<Vec<i32>>> = (0..12).map(|_| random_ksat(&mut rng, 60, 256, 3)).collect();
    let answers: Vec<bool> = formulas
        .iter()
        .map(|f| {
            solver_with(f, SolverOptions::default())
                .solve(&[], Limits::UNLIMITED)
                .unwrap()
                == SolveResult::Sat
        })
        .collect();
    assert!(answers.iter().any(|&a| a) && answers.iter().any(|&a| !a));
    let mut configs: Vec<String> = OPTION_CONFIGS.iter().map(|s| s.to_string()).collect();
    configs.extend((0..6).map(|_| random_config(&mut rng)));
    let mut inprocessed = std::collections::HashMap::new();
    for config in &configs {
        let mut tally = (0, 0, 0, 0);
        let mut count = |st: &clew_core::sat::Stats| {
            tally.0 += st.subsumed + st.strengthened;
            tally.1 += st.eliminated_vars;
            tally.2 += st.failed_literals;
            tally.3 += st.substituted;
        };
        for (f, &sat) in formulas.iter().zip(&answers) {
            let mut s = solver_with(f, SolverOptions::parse(config).unwrap());
            let got = s.solve(&[], Limits::UNLIMITED).unwrap();
            count(s.stats());
            assert_eq!(got == SolveResult::Sat, sat, "{config}");
            if sat {
                assert!(model_satisfies(f, &s.model().unwrap()), "{config}");
            }
        }
        let (_, php) = pigeonhole(5);
        let mut s = solver_with(&php, SolverOptions::parse(config).unwrap());
        assert_eq!(
            s.solve(&[], Limits::UNLIMITED).unwrap(),
            SolveResult::Unsat,
            "{config}"
        );
        count(s.stats());
        inprocessed.insert(config.as_str(), tally);
        let o = SolverOptions::parse(config).unwrap();
        let st = s.stats();
        if o.inprocess_interval == 1 && OPTION_CONFIGS.contains(&config.as_str()) {
            // Summed over the medium formulas and the pigeonhole one.
            let t = &inprocessed[config.as_str()];
            assert!(
                !o.subsume || t.0 > 0,
                "{config}: nothing subsumed or strengthened"
            );
            assert!(!o.elim || t.1 > 0, "{config}: no variable eliminated");
            assert!(!o.probe || t.2 > 0, "{config}: no failed literal");
            assert!(!o.subst || t.3 > 0, "{config}: no equivalent literal");
        }
        if o.chrono == 1 {
            assert!(
                st.chrono_backtracks > 0,
                "{config}: no chronological backtrack"
            );
        }
        if o.stable && o.stable_first < 10 {
            assert!(st.mode_switches > 0, "{config}: no mode switch");
        }
        if o.reuse_trail && st.restarts > 20 {
            assert!(st.reused_levels > 0, "{config}: no level kept on restart");
        }
        if o.walk && o.rephase && o.rephase_interval < 3 {
            assert!(st.walks > 0, "{config}: no walk");
        }
        if o.vivify && o.first_reduce < 10 && o.vivify_interval < 30 {
            assert!(st.vivify_rounds > 0, "{config}: no vivification round");
            assert!(
                st.vivified > 0 && st.vivify_literals_removed >= st.vivified,
                "{config}: vivification shortened nothing"
            );
        }
        if o.rephase && o.rephase_interval < 5 {
            assert!(st.rephases > 0, "{config}: no rephase");
        }
        if o.shrink && st.conflicts > 1000 {
            assert!(
                st.shrunk_clauses > 0 && st.shrunk_literals >= st.shrunk_clauses,
                "{config}: shrinking shortened nothing"
            );
        }
    }
}

/// Elimination under incremental use: clauses added later and assumptions
/// over eliminated variables reactivate them; answers, models (against
/// every clause so far) and cores agree with brute force.
#[test]
fn elimination_stays_correct_under_incremental_use() {
    let mut rng = Rng(2024);
    let (mut eliminated, mut reactivated) = (0, 0);
    for round in 0..150 {
        let vars = 6 + round % 7;
        let mut cls = random_ksat(&mut rng, vars, (vars as usize) * 3, 3);
        let config = [
            "default,elim=1,elim_occurrences=64",
            "default,subst=1,elim=0",
        ][round as usize % 2];
        let opts = SolverOptions::parse(config).unwrap();
        let mut s = solver_with(&cls, opts);
        for step in 0..5 {
            // Prefer eliminated variables in what comes next.
            let gone: Vec<i32> = (1..=vars).filter(|&v| s.is_eliminated(v)).collect();
            let pick = |rng: &mut Rng| -> i32 {
                let v = if !gone.is_empty() && rng.below(2) == 0 {
                    gone[rng.below(gone.len() as u64) as usize]
                } else {
                    1 + rng.below(vars as u64) as i32
                };
                if rng.below(2) == 0 {
                    v
                } else {
                    -v
                }
            };
            if step > 0 && rng.below(2) == 0 {
                let c: Vec<i32> = (0..3).map(|_| pick(&mut rng)).collect();
                s.add_clause(&c).unwrap();
                cls.push(c);
            }
            let mut assumptions: Vec<i32> = (0..rng.below(3)).map(|_| pick(&mut rng)).collect();
            assumptions.dedup_by_key(|l| l.abs());
            solve_and_check(&mut s, vars, &cls, &assumptions, &format!("round {round}"));
        }
        eliminated += s.stats().eliminated_vars;
        reactivated += s.stats().reactivated_vars;
    }
    assert!(
        eliminated > 100 && reactivated > 20,
        "{eliminated} {reactivated}"
    );
}

#[test]
fn frozen_variables_are_not_eliminated() {
    // x2 only links x1 and x3: eliminated unless frozen.
    let cls = vec![vec![-1, 2], vec![-2, 3], vec![1, 3, 4]];
    let mut s = solver_with(&cls, SolverOptions::parse("default,elim=1").unwrap());
    s.freeze(2).unwrap();
    assert!(s.is_frozen(2));
    assert_eq!(s.solve(&[], Limits::UNLIMITED).unwrap(), SolveResult::Sat);
    assert!(!s.is_eliminated(2));
    s.melt(2).unwrap();
    assert!(!s.is_frozen(2));
    s.add_clause(&[1, 4]).unwrap();
    assert_eq!(s.solve(&[], Limits::UNLIMITED).unwrap(), SolveResult::Sat);
    assert!(s.is_eliminated(2));
    assert!(model_satisfies(&cls, &s.model().unwrap()));
    // Mentioning it brings it back, with its clauses.
    assert_eq!(
        s.solve(&[2, -3], Limits::UNLIMITED).unwrap(),
        SolveResult::Unsat
    );
    assert_eq!(s.core().unwrap(), vec![2, -3]);
    assert!(!s.is_eliminated(2));
    assert!(s.freeze(0).is_err());
}
