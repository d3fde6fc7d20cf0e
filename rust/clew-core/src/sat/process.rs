//! Preprocessing on demand (PySAT's `Processor`, CaDiCaL's `simplify`):
//! run the inprocessing techniques for a number of rounds at level 0 and
//! hand the simplified irredundant clauses out, so that another solver can
//! take the processed formula; [`Solver::restore_model`] turns a model of
//! that formula into one of the original.
//!
//! The formula handed out is equisatisfiable with the original: variables
//! fixed at level 0 leave it (the restored model gives them their values)
//! unless frozen, in which case they stay as unit clauses, so assumptions
//! on frozen variables keep their meaning; eliminated and substituted
//! variables leave it too and come back from the extension stack (elim.rs,
//! subst.rs). The solver keeps the processed formula: solving it later, or
//! adding clauses, works as after any inprocessing pass.

use super::clause_db::CREF_NONE;
use super::lit::{FALSE, TRUE, UNASSIGNED};
use super::solver::Solver;
use crate::error::{ClewError, Result};

/// Steps per round: far more than a solve's pass, since preprocessing is
/// the whole point of the call.
const PROCESS_STEPS: u64 = 50_000_000;
/// Vivification propagations per round.
const VIVIFY_PROPAGATIONS: u64 = 10_000_000;

/// Which techniques [`Solver::process`] runs (PySAT's `process` keywords that
/// clew has; the others are the caller's to report).
#[derive(Clone, Debug)]
pub struct ProcessOptions {
    /// Rounds at most; processing stops earlier once a round changes nothing.
    pub rounds: u32,
    /// Subsumption and self-subsuming strengthening.
    pub subsume: bool,
    /// Bounded variable elimination.
    pub elim: bool,
    /// Failed-literal probing.
    pub probe: bool,
    /// Equivalent-literal substitution (CaDiCaL's `decompose`).
    pub decompose: bool,
    /// Vivification of irredundant clauses.
    pub vivify: bool,
    /// Transitive reduction of the binary implication graph.
    pub transred: bool,
    /// Literals whose variables are frozen during the call: never
    /// eliminated or substituted, kept as units when fixed.
    pub freeze: Vec<i32>,
}

impl Default for ProcessOptions {
    fn default() -> Self {
        ProcessOptions {
            rounds: 1,
            subsume: true,
            elim: true,
            probe: true,
            decompose: true,
            vivify: true,
            transred: true,
            freeze: Vec::new(),
        }
    }
}

/// What [`Solver::process`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Processed {
    /// False when the formula is unsatisfiable (`clauses` is then `[[]]`).
    pub satisfiable: bool,
    /// The processed formula, DIMACS literals.
    pub clauses: Vec<Vec<i32>>,
}

impl Solver {
    /// Preprocess the clauses added so far (see the module doc) and return
    /// the processed formula. Callable between any calls; refused while an
    /// external propagator or native AtMostK constraints are connected (their
    /// constraints are not clauses to hand out) or a search log is attached.
    pub fn process(&mut self, opts: &ProcessOptions) -> Result<Processed> {
        if self.has_propagator() {
            return Err(ClewError::InvalidInput(
                "process() needs a plain CNF: this solver has native AtMostK constraints \
                 or a connected propagator, which cannot be handed out as clauses"
                    .into(),
            ));
        }
        if self.is_logging() {
            return Err(ClewError::InvalidInput(
                "process() while a search log is attached: detach it first".into(),
            ));
        }
        let mut frozen = Vec::with_capacity(opts.freeze.len());
        for &l in &opts.freeze {
            frozen.push(self.import_lit(l)?.var());
        }
        for v in &frozen {
            self.simp.frozen[v.index()] += 1;
        }
        self.cancel_until(0);
        // The last solve's assumptions play no part (elimination keeps them).
        self.assumptions.clear();
        let satisfiable = self.process_rounds(opts);
        let clauses = if satisfiable {
            self.processed_clauses()
        } else {
            vec![Vec::new()]
        };
        for v in &frozen {
            self.simp.frozen[v.index()] -= 1;
        }
        Ok(Processed {
            satisfiable,
            clauses,
        })
    }

    /// Up to `opts.rounds` rounds of the chosen techniques, each option
    /// switched on for the call only. False when the formula is UNSAT.
    fn process_rounds(&mut self, opts: &ProcessOptions) -> bool {
        if !self.ok {
            return false;
        }
        if self.propagate() != CREF_NONE {
            self.set_unsat_at_level_zero();
            return false;
        }
        let saved = self.opts.clone();
        self.opts.subsume = opts.subsume;
        self.opts.elim = opts.elim;
        self.opts.probe = opts.probe;
        self.opts.subst = opts.decompose;
        self.opts.vivify_irred = true;
        let mut ok = true;
        for _ in 0..opts.rounds {
            let before = self.progress();
            self.stats.inprocessings += 1;
            self.simp.steps = PROCESS_STEPS;
            ok = self.simplify_round();
            if ok && opts.transred {
                self.transitive_reduction();
            }
            ok = ok && (!opts.vivify || self.vivify_round(VIVIFY_PROPAGATIONS));
            if !ok || self.progress() == before {
                break;
            }
        }
        self.opts = saved;
        self.simp.clauses_added = false;
        if !ok && self.ok {
            self.set_unsat_at_level_zero();
        }
        ok
    }

    /// What a round may change; equal before and after: a fixpoint.
    fn progress(&self) -> [u64; 9] {
        let s = &self.stats;
        [
            self.trail.len() as u64,
            s.subsumed,
            s.strengthened,
            s.eliminated_vars,
            s.substituted,
            s.failed_literals,
            s.vivified,
            s.vivify_literals_removed,
            s.transitive_reductions,
        ]
    }

    /// The live irredundant clauses without their level-0 literals, after
    /// units for the frozen variables fixed at level 0.
    fn processed_clauses(&self) -> Vec<Vec<i32>> {
        let mut out: Vec<Vec<i32>> = self
            .trail
            .iter()
            .filter(|l| self.simp.frozen[l.var().index()] > 0)
            .map(|l| vec![l.to_dimacs()])
            .collect();
        for &c in &self.db.originals {
            if self.db.is_deleted(c) {
                continue;
            }
            let lits = self.db.lits(c);
            if lits.iter().any(|&l| self.vals[l.index()] == TRUE) {
                continue;
            }
            out.push(
                lits.iter()
                    .filter(|&&l| self.vals[l.index()] == UNASSIGNED)
                    .map(|l| l.to_dimacs())
                    .collect(),
            );
        }
        out
    }

    /// A model of the original formula from `model`, a model (DIMACS
    /// literals, any order, possibly partial) of the formula `process`
    /// handed out: level-0 values win, unmentioned variables are false,
    /// and eliminated or substituted variables get values from the
    /// extension stack. Literals beyond `num_vars()` are ignored.
    pub fn restore_model(&self, model: &[i32]) -> Result<Vec<i32>> {
        if !self.ok {
            return Err(ClewError::InvalidInput(
                "the formula is unsatisfiable: there is no model to restore".into(),
            ));
        }
        let n = self.num_vars();
        let mut values = vec![FALSE; n];
        for &d in model {
            if d == 0 || d == i32::MIN {
                return Err(ClewError::InvalidLiteral(format!(
                    "invalid model literal {d} (literals are non-zero integers)"
                )));
            }
            if let Some(x) = values.get_mut(d.unsigned_abs() as usize - 1) {
                *x = if d > 0 { TRUE } else { FALSE };
            }
        }
        debug_assert_eq!(self.decision_level(), 0);
        for &l in &self.trail {
            values[l.var().index()] = if l.is_negated() { FALSE } else { TRUE };
        }
        self.simp.extend(&mut values);
        Ok(values
            .iter()
            .enumerate()
            .map(|(v, &x)| {
                let d = v as i32 + 1;
                if x == TRUE {
                    d
                } else {
                    -d
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::Limits;
    use crate::sat::{SolveResult, SolverOptions};

    /// Whether a DIMACS literal is true under `values` (a literal per variable).
    fn holds(values: &[i32], l: i32) -> bool {
        values[l.unsigned_abs() as usize - 1] == l
    }

    fn xorshift(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    fn random_cnf(state: &mut u64, n: u64, m: usize) -> Vec<Vec<i32>> {
        (0..m)
            .map(|_| {
                let len = 2 + xorshift(state) % 2;
                (0..len)
                    .map(|_| {
                        let v = (xorshift(state) % n) as i32 + 1;
                        if xorshift(state).is_multiple_of(2) {
                            v
                        } else {
                            -v
                        }
                    })
                    .collect()
            })
            .collect()
    }

    fn solve(clauses: &[Vec<i32>], assumptions: &[i32]) -> Option<Vec<i32>> {
        let mut s = Solver::new(SolverOptions::default());
        for c in clauses {
            s.add_clause(c).unwrap();
        }
        match s.solve(assumptions, Limits::UNLIMITED).unwrap() {
            SolveResult::Sat => s.model(),
            _ => None,
        }
    }

    /// Random 2/3-CNFs: the processed formula is equisatisfiable, its model
    /// restored satisfies the original, and frozen variables keep their
    /// meaning (the same answers under assumptions on them).
    #[test]
    fn round_trips_on_random_formulas() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut eliminated = 0;
        for round in 0..200 {
            let n = 12;
            let clauses = random_cnf(&mut state, n, 20 + round % 30);
            let mut s = Solver::new(SolverOptions::default());
            for c in &clauses {
                s.add_clause(c).unwrap();
            }
            let frozen = [1, 2];
            let opts = ProcessOptions {
                rounds: 3,
                freeze: frozen.to_vec(),
                ..ProcessOptions::default()
            };
            let processed = s.process(&opts).unwrap();
            eliminated += s.stats().eliminated_vars;
            assert!(!s.is_eliminated(1) && !s.is_eliminated(2));
            let original = solve(&clauses, &[]);
            if !processed.satisfiable {
                assert!(original.is_none());
            }
            match solve(&processed.clauses, &[]) {
                Some(model) => {
                    assert!(processed.satisfiable && original.is_some());
                    let restored = s.restore_model(&model).unwrap();
                    assert!(clauses
                        .iter()
                        .all(|c| c.iter().any(|&l| holds(&restored, l))));
                    for (a, b) in [(1, 2), (-1, 2), (1, -2), (-1, -2)] {
                        assert_eq!(
                            solve(&processed.clauses, &[a, b]).is_some(),
                            solve(&clauses, &[a, b]).is_some()
                        );
                    }
                }
                None => assert!(original.is_none()),
            }
        }
        assert!(eliminated > 0);
    }

    #[test]
    fn transitive_reduction_drops_implied_binaries() {
        let mut s = Solver::new(SolverOptions::default());
        for c in [vec![-1, 2], vec![-2, 3], vec![-1, 3], vec![-3, 1, 4]] {
            s.add_clause(&c).unwrap();
        }
        let only = ProcessOptions {
            subsume: false,
            elim: false,
            probe: false,
            decompose: false,
            vivify: false,
            transred: true,
            ..ProcessOptions::default()
        };
        let p = s.process(&only).unwrap();
        let mut clauses = p.clauses;
        clauses.iter_mut().for_each(|c| c.sort());
        clauses.sort();
        assert_eq!(clauses, vec![vec![-3, 1, 4], vec![-2, 3], vec![-1, 2]]);
        assert_eq!(s.stats().transitive_reductions, 1);
    }

    #[test]
    fn unsat_found_in_preprocessing() {
        let mut s = Solver::new(SolverOptions::default());
        for c in [vec![-1, 2], vec![-2, 3], vec![-1, -3], vec![1]] {
            s.add_clause(&c).unwrap();
        }
        let p = s.process(&ProcessOptions::default()).unwrap();
        assert!(!p.satisfiable);
        assert_eq!(p.clauses, vec![Vec::<i32>::new()]);
        assert!(s.restore_model(&[]).is_err());
    }

    #[test]
    fn refused_with_atmost_constraints() {
        let mut s = Solver::new(SolverOptions::default());
        s.add_atmost(&[1, 2, 3], &[1, 1, 1], 1).unwrap();
        assert!(s.process(&ProcessOptions::default()).is_err());
    }

    #[test]
    fn frozen_units_stay_and_zero_rounds_change_nothing() {
        let clauses = [vec![-1, 2], vec![1, -2], vec![-2, 3], vec![1], vec![-3, 4]];
        let mut s = Solver::new(SolverOptions::default());
        for c in &clauses {
            s.add_clause(c).unwrap();
        }
        let opts = ProcessOptions {
            freeze: vec![1, -4],
            ..ProcessOptions::default()
        };
        let p = s.process(&opts).unwrap();
        assert!(p.satisfiable);
        let mut units = p.clauses.clone();
        units.sort();
        assert_eq!(units, vec![vec![1], vec![4]]);
        assert_eq!(s.restore_model(&[]).unwrap(), vec![1, 2, 3, 4]);
        assert!(!s.is_frozen(1));

        let mut s = Solver::new(SolverOptions::default());
        for c in [vec![1, 2], vec![-1, 3], vec![2, 3, 4]] {
            s.add_clause(&c).unwrap();
        }
        let p = s
            .process(&ProcessOptions {
                rounds: 0,
                ..ProcessOptions::default()
            })
            .unwrap();
        assert_eq!(p.clauses.len(), 3);
    }
}
