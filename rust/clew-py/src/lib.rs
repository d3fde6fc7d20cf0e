//! `clew._core`: the thin PyO3 layer over clew-core. Inputs are converted to
//! owned Rust data first, then the GIL is released for the work.

mod buffer;
mod countdown;
mod dataset;
mod env_mcts;
mod errors;
mod formula;
mod propagator;
mod run;
mod search;
mod sudoku;

use pyo3::prelude::*;

#[pymodule]
mod _core {
    use std::collections::HashMap;
    use std::sync::{Mutex, MutexGuard, TryLockError};

    use clew_core::budget::{Interrupt, Limits};
    use clew_core::sat::{
        self, ProcessOptions, Proof, ProofFormat, SolveResult, Solver, SolverOptions,
    };
    use pyo3::exceptions::PyRuntimeError;
    use pyo3::prelude::*;
    use pyo3::types::PyBytes;

    use crate::errors::{self, to_py};
    use crate::run::{detached, guarded};

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        errors::register(m)?;
        crate::sudoku::register(m)?;
        crate::search::register(m)?;
        crate::countdown::register(m)?;
        crate::dataset::register(m)?;
        crate::formula::register(m)?;
        m.add("__version__", env!("CARGO_PKG_VERSION"))?;
        m.add(
            "__build_profile__",
            if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            },
        )?;
        Ok(())
    }

    /// Parse DIMACS CNF text; returns (num_vars, clauses, warnings).
    #[pyfunction]
    #[pyo3(signature = (text, strict = true))]
    fn parse_dimacs(
        py: Python<'_>,
        text: String,
        strict: bool,
    ) -> PyResult<(usize, Vec<Vec<i32>>, Vec<String>)> {
        let parsed = detached(py, move |_| {
            sat::dimacs::parse(&text, strict).map_err(to_py)
        })?;
        Ok((parsed.num_vars, parsed.clauses, parsed.warnings))
    }

    /// The solver options a configuration string selects, as name -> value.
    #[pyfunction]
    #[pyo3(signature = (config = "default"))]
    fn sat_options(config: &str) -> PyResult<Vec<(&'static str, String)>> {
        Ok(SolverOptions::parse(config).map_err(to_py)?.describe())
    }

    /// The CDCL solver; see `_core.pyi` for the contract of each call.
    #[pyclass(frozen, module = "clew._core")]
    struct SatSolver {
        inner: Mutex<Solver>,
        /// Outside the lock, so `interrupt()` works while `solve()` runs.
        interrupt: Interrupt,
        /// The Python propagator's flags and exceptions, outside the lock too.
        prop: crate::propagator::Connection,
    }

    impl SatSolver {
        fn lock(&self) -> PyResult<MutexGuard<'_, Solver>> {
            match self.inner.try_lock() {
                Ok(g) => Ok(g),
                Err(TryLockError::WouldBlock) => Err(PyRuntimeError::new_err(
                    "this SatSolver is busy in another thread (one call at a time per solver)",
                )),
                Err(TryLockError::Poisoned(_)) => Err(errors::internal(
                    "the solver is unusable after an earlier internal error",
                )),
            }
        }
    }

    /// Literals arrive as i64 so that an out-of-range value is an InputError
    /// naming it, not an OverflowError from the conversion.
    fn literals(values: Vec<i64>) -> PyResult<Vec<i32>> {
        values
            .into_iter()
            .map(|v| {
                i32::try_from(v)
                    .ok()
                    .filter(|&l| l != i32::MIN)
                    .ok_or_else(|| {
                        to_py(clew_core::ClewError::InvalidLiteral(format!(
                            "invalid literal {v} (literals are non-zero integers with |lit| <= {})",
                            sat::MAX_VAR
                        )))
                    })
            })
            .collect()
    }

    fn proof_format(name: Option<&str>) -> PyResult<Option<ProofFormat>> {
        match name {
            None => Ok(None),
            Some("text") | Some("drat") => Ok(Some(ProofFormat::Text)),
            Some("binary") => Ok(Some(ProofFormat::Binary)),
            Some(other) => Err(to_py(clew_core::ClewError::InvalidInput(format!(
                "unknown proof format '{other}' (expected 'text' or 'binary')"
            )))),
        }
    }

    #[pymethods]
    impl SatSolver {
        #[new]
        #[pyo3(signature = (config = "default", proof = None, proof_path = None))]
        fn new(config: &str, proof: Option<&str>, proof_path: Option<&str>) -> PyResult<Self> {
            let opts = SolverOptions::parse(config).map_err(to_py)?;
            let mut solver = Solver::new(opts);
            let format = proof_format(proof)?;
            match (format, proof_path) {
                (Some(f), Some(path)) => solver.set_proof(Proof::to_file(f, path).map_err(to_py)?),
                (Some(f), None) => solver.set_proof(Proof::in_memory(f)),
                (None, Some(path)) => {
                    solver.set_proof(Proof::to_file(ProofFormat::Text, path).map_err(to_py)?)
                }
                (None, None) => {}
            }
            let interrupt = solver.interrupt_handle();
            Ok(SatSolver {
                inner: Mutex::new(solver),
                interrupt,
                prop: Default::default(),
            })
        }

        fn add_clause(&self, clause: Vec<i64>) -> PyResult<bool> {
            let clause = literals(clause)?;
            let mut s = self.lock()?;
            guarded(|| s.add_clause(&clause).map_err(to_py))
        }

        fn add_clauses(&self, py: Python<'_>, clauses: Vec<Vec<i64>>) -> PyResult<bool> {
            let clauses = clauses
                .into_iter()
                .map(literals)
                .collect::<PyResult<Vec<_>>>()?;
            let mut guard = self.lock()?;
            let s: &mut Solver = &mut guard;
            detached(py, |_| {
                let mut ok = true;
                for c in &clauses {
                    ok &= s.add_clause(c).map_err(to_py)?;
                }
                Ok(ok)
            })
        }

        #[pyo3(signature = (assumptions = Vec::new(), conflicts = None, propagations = None, seconds = None))]
        fn solve(
            &self,
            py: Python<'_>,
            assumptions: Vec<i64>,
            conflicts: Option<i64>,
            propagations: Option<i64>,
            seconds: Option<f64>,
        ) -> PyResult<Option<bool>> {
            let assumptions = literals(assumptions)?;
            let limits = Limits {
                conflicts: conflicts.filter(|&c| c >= 0).map(|c| c as u64),
                propagations: propagations.filter(|&p| p >= 0).map(|p| p as u64),
                seconds: seconds.filter(|&s| s >= 0.0),
            };
            let mut guard = self.lock()?;
            let s: &mut Solver = &mut guard;
            let result = detached(py, |terminate| {
                s.solve_with(&assumptions, limits, terminate).map_err(to_py)
            });
            let result = self.prop.reraise(result)?;
            Ok(match result {
                SolveResult::Sat => Some(true),
                SolveResult::Unsat => Some(false),
                // Budgets, interrupt(), or a signal handler that returned
                // without raising: "stopped".
                SolveResult::Unknown(_) => None,
            })
        }

        fn model(&self) -> PyResult<Option<Vec<i32>>> {
            Ok(self.lock()?.model())
        }

        fn core(&self) -> PyResult<Option<Vec<i32>>> {
            Ok(self.lock()?.core())
        }

        #[pyo3(signature = (assumptions = Vec::new(), phase_saving = 0))]
        fn propagate(
            &self,
            py: Python<'_>,
            assumptions: Vec<i32>,
            phase_saving: i32,
        ) -> PyResult<(bool, Vec<i32>)> {
            let mut guard = self.lock()?;
            let s: &mut Solver = &mut guard;
            let result = detached(py, |_| {
                s.propagate_assumptions(&assumptions, phase_saving > 0)
                    .map_err(to_py)
            });
            // A propagator's exception comes first.
            self.prop.reraise(result)
        }

        /// Preprocess (see `Solver::process`): (satisfiable, processed clauses).
        #[pyo3(signature = (rounds = 1, subsume = true, elim = true, probe = true, decompose = true, vivify = true, transred = true, freeze = Vec::new()))]
        #[allow(clippy::too_many_arguments)]
        fn process(
            &self,
            py: Python<'_>,
            rounds: u32,
            subsume: bool,
            elim: bool,
            probe: bool,
            decompose: bool,
            vivify: bool,
            transred: bool,
            freeze: Vec<i64>,
        ) -> PyResult<(bool, Vec<Vec<i32>>)> {
            let opts = ProcessOptions {
                rounds,
                subsume,
                elim,
                probe,
                decompose,
                vivify,
                transred,
                freeze: literals(freeze)?,
            };
            let mut guard = self.lock()?;
            let s: &mut Solver = &mut guard;
            let processed = detached(py, |_| s.process(&opts).map_err(to_py))?;
            Ok((processed.satisfiable, processed.clauses))
        }

        /// A model of the original formula from one of the processed formula.
        fn restore_model(&self, model: Vec<i64>) -> PyResult<Vec<i32>> {
            let model = literals(model)?;
            let s = self.lock()?;
            guarded(|| s.restore_model(&model).map_err(to_py))
        }

        fn freeze(&self, var: i64) -> PyResult<()> {
            let v = literals(vec![var])?[0];
            let mut s = self.lock()?;
            guarded(|| s.freeze(v).map_err(to_py))
        }

        fn melt(&self, var: i64) -> PyResult<()> {
            let v = literals(vec![var])?[0];
            let mut s = self.lock()?;
            guarded(|| s.melt(v).map_err(to_py))
        }

        fn is_frozen(&self, var: i64) -> PyResult<bool> {
            Ok(self.lock()?.is_frozen(var.clamp(0, i32::MAX as i64) as i32))
        }

        fn is_eliminated(&self, var: i64) -> PyResult<bool> {
            Ok(self
                .lock()?
                .is_eliminated(var.clamp(0, i32::MAX as i64) as i32))
        }

        #[pyo3(signature = (literals, sticky = true))]
        fn set_phases(&self, literals: Vec<i64>, sticky: bool) -> PyResult<()> {
            let phases = self::literals(literals)?;
            let mut s = self.lock()?;
            if sticky {
                guarded(|| s.set_phases(&phases).map_err(to_py))
            } else {
                guarded(|| s.seed_phases(&phases).map_err(to_py))
            }
        }

        fn set_activities(&self, variables: Vec<i64>, activities: Vec<f64>) -> PyResult<()> {
            let variables = literals(variables)?;
            if variables.len() != activities.len() {
                return Err(to_py(clew_core::ClewError::InvalidInput(format!(
                    "set_activities got {} variables but {} activities",
                    variables.len(),
                    activities.len()
                ))));
            }
            let mut s = self.lock()?;
            guarded(|| {
                for (&v, &a) in variables.iter().zip(&activities) {
                    s.set_activity(v, a).map_err(to_py)?;
                }
                Ok(())
            })
        }

        /// Attach a Python propagator (`pysat.engines.Propagator`'s callbacks).
        fn connect_propagator(&self, propagator: &Bound<'_, PyAny>) -> PyResult<()> {
            let mut s = self.lock()?;
            if s.has_propagator() {
                return Err(to_py(clew_core::ClewError::InvalidInput(
                    "a propagator is already connected (disconnect_propagator first)".into(),
                )));
            }
            let prop = self.prop.attach(propagator)?;
            guarded(|| s.connect_propagator(Box::new(prop)).map_err(to_py))
        }

        fn disconnect_propagator(&self) -> PyResult<()> {
            let mut s = self.lock()?;
            if s.num_atmost() > 0 {
                return Ok(()); // the slot holds the AtMostK engine, not a user's
            }
            let result = guarded(|| {
                s.disconnect_propagator();
                Ok(())
            });
            self.prop.detach();
            self.prop.reraise(result)
        }

        fn has_propagator(&self) -> PyResult<bool> {
            Ok(self.lock()?.has_propagator())
        }

        /// Lock-free, so that callbacks may call these while a solve runs.
        fn enable_propagator(&self) -> PyResult<()> {
            self.prop.flags()?.enable();
            Ok(())
        }

        fn disable_propagator(&self) -> PyResult<()> {
            self.prop.flags()?.disable();
            Ok(())
        }

        fn propagator_active(&self) -> PyResult<bool> {
            Ok(self.prop.flags()?.active())
        }

        fn observe(&self, var: i64) -> PyResult<()> {
            let v = i32::try_from(var).unwrap_or(0);
            let mut s = self.lock()?;
            let result = guarded(|| s.observe(v).map_err(to_py));
            self.prop.reraise(result)
        }

        fn ignore(&self, var: i64) -> PyResult<()> {
            let v = i32::try_from(var).unwrap_or(0);
            let mut s = self.lock()?;
            guarded(|| s.ignore(v).map_err(to_py))
        }

        fn reset_observed(&self) -> PyResult<()> {
            self.lock()?.reset_observed();
            Ok(())
        }

        fn is_observed(&self, var: i64) -> PyResult<bool> {
            Ok(self
                .lock()?
                .is_observed(var.clamp(0, i32::MAX as i64) as i32))
        }

        fn propagator_clauses(&self) -> PyResult<Vec<Vec<i32>>> {
            Ok(self.lock()?.propagator_clauses().to_vec())
        }

        fn interrupt(&self) {
            self.interrupt.set();
        }

        fn clear_interrupt(&self) {
            self.interrupt.clear();
        }

        fn stats(&self) -> PyResult<HashMap<&'static str, f64>> {
            let s = self.lock()?;
            let st = s.stats();
            Ok(HashMap::from([
                ("solves", st.solves as f64),
                ("decisions", st.decisions as f64),
                ("propagations", st.propagations as f64),
                ("conflicts", st.conflicts as f64),
                ("restarts", st.restarts as f64),
                ("learned", st.learnt_clauses as f64),
                ("learned_units", st.learnt_units as f64),
                ("deleted", st.deleted_clauses as f64),
                ("reductions", st.reductions as f64),
                ("simplifications", st.simplifications as f64),
                ("garbage_collections", st.garbage_collections as f64),
                ("learned_literals", st.learnt_literals as f64),
                (
                    "minimized_literals",
                    (st.learnt_literals_before_minimize - st.learnt_literals) as f64,
                ),
                ("mode_switches", st.mode_switches as f64),
                ("rephases", st.rephases as f64),
                ("chrono_backtracks", st.chrono_backtracks as f64),
                ("reused_levels", st.reused_levels as f64),
                ("vivify_rounds", st.vivify_rounds as f64),
                ("vivified", st.vivified as f64),
                ("vivify_literals_removed", st.vivify_literals_removed as f64),
                ("shrunk_clauses", st.shrunk_clauses as f64),
                ("shrunk_literals", st.shrunk_literals as f64),
                ("inprocessings", st.inprocessings as f64),
                ("subsumed", st.subsumed as f64),
                ("strengthened", st.strengthened as f64),
                ("eliminated_vars", st.eliminated_vars as f64),
                ("reactivated_vars", st.reactivated_vars as f64),
                ("failed_literals", st.failed_literals as f64),
                ("substituted", st.substituted as f64),
                ("transitive_reductions", st.transitive_reductions as f64),
                ("solve_time", st.solve_seconds),
            ]))
        }

        fn num_vars(&self) -> PyResult<usize> {
            Ok(self.lock()?.num_vars())
        }

        fn num_clauses(&self) -> PyResult<usize> {
            Ok(self.lock()?.num_clauses())
        }

        /// Native `sum(weights[i] * lits[i]) <= k` (normalised by clew.sat).
        fn add_atmost(&self, lits: Vec<i64>, weights: Vec<u64>, k: u64) -> PyResult<bool> {
            let lits = literals(lits)?;
            let mut s = self.lock()?;
            s.add_atmost(&lits, &weights, k).map_err(to_py)
        }

        fn num_atmost(&self) -> PyResult<usize> {
            Ok(self.lock()?.num_atmost())
        }

        fn num_stored_clauses(&self) -> PyResult<usize> {
            Ok(self.lock()?.num_stored_clauses())
        }

        #[pyo3(signature = (limit = None))]
        fn set_decision_limit(&self, limit: Option<i64>) -> PyResult<()> {
            let limit = limit.filter(|&d| d >= 0).map(|d| d as u64);
            self.lock()?.set_decision_limit(limit);
            Ok(())
        }

        fn reserve_vars(&self, n: usize) -> PyResult<()> {
            self.lock()?.reserve_vars(n).map_err(to_py)
        }

        fn take_proof<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
            // A file-backed proof gives nothing here (Proof::take_bytes).
            let bytes = self
                .lock()?
                .proof_mut()
                .map(|p| p.take_bytes())
                .unwrap_or_default();
            Ok(PyBytes::new(py, &bytes))
        }

        fn flush_proof(&self) -> PyResult<()> {
            let mut s = self.lock()?;
            match s.proof_mut() {
                Some(p) => p.flush().map_err(to_py),
                None => Ok(()),
            }
        }
    }
}
