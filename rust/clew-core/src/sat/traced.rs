//! Random formulas solved with the search recorded: the rows of the `sat`
//! and `nlsat` dataset tasks.

use super::natural;
use super::random::{formula_key, random_ksat};
use super::search_log::{self, LogStyle, SearchLog};
use super::solver::{SolveResult, Solver, SolverOptions};
use crate::budget::Limits;
use crate::error::{ClewError, Result};

/// What to generate: `vars` in `min_vars..=max_vars` (drawn from the seed),
/// `round(ratio * vars)` clauses of `k` literals.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FormulaSpec {
    pub min_vars: u32,
    pub max_vars: u32,
    pub ratio: f64,
    pub k: usize,
}

impl FormulaSpec {
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(ClewError::InvalidInput(m));
        if self.k < 1 || self.min_vars < self.k as u32 || self.min_vars > self.max_vars {
            return bad(format!(
                "need k >= 1 and k <= min_vars <= max_vars, got k={} vars {}..{}",
                self.k, self.min_vars, self.max_vars
            ));
        }
        if !(self.ratio > 0.0 && self.ratio <= 100.0) {
            return bad(format!(
                "the clause/variable ratio must be in (0, 100], got {}",
                self.ratio
            ));
        }
        Ok(())
    }

    /// The formula of `seed`: (variables, clauses).
    pub fn formula(&self, seed: u64) -> (u32, Vec<Vec<i32>>) {
        let span = (self.max_vars - self.min_vars + 1) as u64;
        let n = self.min_vars + (crate::dataset::mix64(seed ^ 0x7a) % span) as u32;
        let m = (self.ratio * n as f64).round() as usize;
        (n, random_ksat(n, m, self.k, seed))
    }

    pub fn key(&self, seed: u64) -> u64 {
        let (n, f) = self.formula(seed);
        formula_key(n, &f)
    }
}

/// A solved, recorded formula.
pub struct Traced {
    pub vars: u32,
    /// Conflicts of the whole run (the log may be capped).
    pub conflicts: u64,
    pub clauses: Vec<Vec<i32>>,
    /// The satisfying assignment (every variable), or None: unsatisfiable.
    pub model: Option<Vec<i32>>,
    pub log: SearchLog,
}

/// Solve the formula of `seed` with the CDCL solver, recording at most
/// `cap` events of its search.
pub fn solve_traced(spec: &FormulaSpec, seed: u64, cap: usize) -> Result<Traced> {
    let (vars, clauses) = spec.formula(seed);
    let mut s = Solver::new(SolverOptions::default());
    s.reserve_vars(vars as usize)?;
    for c in &clauses {
        s.add_clause(c)?;
    }
    s.set_search_log(SearchLog::new(cap));
    let r = s.solve(&[], Limits::default())?;
    let log = s.take_search_log().unwrap_or_default();
    let conflicts = s.stats().conflicts;
    let model = match r {
        SolveResult::Sat => s.model(),
        SolveResult::Unsat => None,
        SolveResult::Unknown(_) => {
            return Err(ClewError::InvalidInput(
                "the solver stopped without an answer".into(),
            ))
        }
    };
    Ok(Traced {
        vars,
        conflicts,
        clauses,
        model,
        log,
    })
}

impl Traced {
    /// The formula as DIMACS text.
    pub fn dimacs(&self) -> String {
        let mut out = format!("p cnf {} {}\n", self.vars, self.clauses.len());
        for c in &self.clauses {
            for l in c {
                out.push_str(&l.to_string());
                out.push(' ');
            }
            out.push_str("0\n");
        }
        out
    }

    /// The search as text: variables as `x3=1`, or in natural language.
    pub fn trace(&self, style: LogStyle, natural_language: bool) -> String {
        if natural_language {
            search_log::render_named(&self.log, self.model.as_deref(), style, &natural::statement)
        } else {
            search_log::render(&self.log, self.model.as_deref(), style)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sat::model_satisfies;
    use crate::sat::search_log::Event;

    #[test]
    fn traced_runs_are_right_and_logged() {
        let spec = FormulaSpec {
            min_vars: 12,
            max_vars: 30,
            ratio: 4.26,
            k: 3,
        };
        let (mut sat, mut unsat) = (0, 0);
        for seed in 0..200 {
            let t = solve_traced(&spec, seed, usize::MAX).unwrap();
            match &t.model {
                Some(m) => {
                    sat += 1;
                    assert!(model_satisfies(&t.clauses, m));
                }
                None => unsat += 1,
            }
            // Every conflict is followed by what was learnt from it (or the
            // end, at level 0), every learn by a backjump below a decision.
            let ev = &t.log.events;
            for (i, e) in ev.iter().enumerate() {
                if let Event::Conflict { .. } = e {
                    assert!(i + 1 == ev.len() || matches!(ev[i + 1], Event::Learn { .. }));
                }
            }
            if t.model.is_none() {
                assert!(t.log.conflicts() >= 1);
            }
            let text = t.trace(LogStyle::Backtrack, false);
            assert!(text.ends_with(if t.model.is_some() {
                "\n"
            } else {
                "Unsatisfiable\n"
            }));
        }
        assert!(sat > 30 && unsat > 30, "{sat} sat, {unsat} unsat");
    }
}
