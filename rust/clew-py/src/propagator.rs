//! A Python object with `pysat.engines.Propagator`'s callbacks as the
//! core's `ExternalPropagator`, with the glue semantics of PySAT's CaDiCaL
//! 1.9.5 binding (`PyExternalPropagator` in pysolvers.cc): the list that
//! `propagate()` returns is handed out one literal at a time and dropped on
//! backtrack; `add_clause()` alone (no `has_clause`) means "no clause" when
//! it returns `[]`; passive mode (`disable_propagator`) silences everything
//! but model checks, switching only at level 0; `is_lazy` is read once.
//!
//! Each callback takes the GIL for its own run only; a batch of assignments
//! is one GIL acquisition with one `on_assignment` call per literal (the
//! bound methods are looked up once, at connect). An exception is kept here
//! and the solve returns it unchanged.

use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::{Arc, Mutex};

use clew_core::sat::ExternalPropagator;
use clew_core::ClewError;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyList;

/// Passive/active state, shared with the `SatSolver` so that a callback can
/// call `enable_propagator()` / `disable_propagator()` while a solve runs.
#[derive(Default)]
pub struct Flags {
    passive: AtomicBool,
    enable: AtomicBool,
    disable: AtomicBool,
    /// Not zero_level: the solver is above level 0 (PySAT's `zero_level`).
    above_root: AtomicBool,
}

impl Flags {
    pub fn enable(&self) {
        if !self.above_root.load(Relaxed) || !self.passive.load(Relaxed) {
            self.passive.store(false, Relaxed);
            self.enable.store(false, Relaxed);
        } else {
            self.enable.store(true, Relaxed);
        }
        self.disable.store(false, Relaxed);
    }

    pub fn disable(&self) {
        if !self.above_root.load(Relaxed) || self.passive.load(Relaxed) {
            self.passive.store(true, Relaxed);
            self.disable.store(false, Relaxed);
        } else {
            self.disable.store(true, Relaxed);
        }
        self.enable.store(false, Relaxed);
    }

    pub fn active(&self) -> bool {
        !self.passive.load(Relaxed)
    }
}

/// The first exception a callback raised in the current call.
pub type ErrorSlot = Arc<Mutex<Option<PyErr>>>;

struct Methods {
    on_assignment: Py<PyAny>,
    on_new_level: Py<PyAny>,
    on_backtrack: Py<PyAny>,
    check_model: Py<PyAny>,
    decide: Py<PyAny>,
    propagate: Py<PyAny>,
    provide_reason: Py<PyAny>,
    has_clause: Option<Py<PyAny>>,
    add_clause: Py<PyAny>,
}

pub struct PyPropagator {
    /// Kept alive while connected (the methods are bound to it).
    _object: Py<PyAny>,
    m: Methods,
    lazy: bool,
    flags: Arc<Flags>,
    error: ErrorSlot,
    /// `propagate()`'s list, handed out from the back, then a 0.
    queue: Vec<i32>,
    /// The clause `add_clause()` gave when there is no `has_clause`.
    pending_clause: Option<Vec<i32>>,
}

/// Callbacks every propagator needs (a lazy one only checks models).
const EAGER: [&str; 8] = [
    "on_assignment",
    "on_new_level",
    "on_backtrack",
    "check_model",
    "decide",
    "propagate",
    "provide_reason",
    "add_clause",
];
const LAZY: [&str; 2] = ["check_model", "add_clause"];

impl PyPropagator {
    pub fn new(object: &Bound<'_, PyAny>, flags: Arc<Flags>, error: ErrorSlot) -> PyResult<Self> {
        let lazy = match object.getattr("is_lazy") {
            Ok(v) => v.is_truthy()?,
            Err(_) => false,
        };
        let needed: &[&str] = if lazy { &LAZY } else { &EAGER };
        let method = |name: &str| -> PyResult<Py<PyAny>> {
            match object.getattr(name) {
                Ok(m) if m.is_callable() => Ok(m.unbind()),
                _ if !needed.contains(&name) => Ok(object.py().None()),
                _ => Err(crate::errors::to_py(ClewError::InvalidInput(format!(
                    "the propagator has no callback {name}() (see pysat.engines.Propagator)"
                )))),
            }
        };
        let has_clause = object
            .getattr("has_clause")
            .ok()
            .filter(|m| m.is_callable())
            .map(Bound::unbind);
        Ok(PyPropagator {
            m: Methods {
                on_assignment: method("on_assignment")?,
                on_new_level: method("on_new_level")?,
                on_backtrack: method("on_backtrack")?,
                check_model: method("check_model")?,
                decide: method("decide")?,
                propagate: method("propagate")?,
                provide_reason: method("provide_reason")?,
                has_clause,
                add_clause: method("add_clause")?,
            },
            _object: object.clone().unbind(),
            lazy,
            flags,
            error,
            queue: Vec::new(),
            pending_clause: None,
        })
    }

    /// Run `f` with the GIL; keep its exception for the solve to raise.
    fn call<T>(
        &self,
        name: &str,
        f: impl FnOnce(Python<'_>) -> PyResult<T>,
    ) -> clew_core::Result<T> {
        Python::attach(f).map_err(|e| {
            let mut slot = self.error.lock().unwrap_or_else(|p| p.into_inner());
            slot.get_or_insert(e);
            ClewError::InvalidInput(format!("the propagator's {name}() raised an exception"))
        })
    }

    fn failed(&self) -> bool {
        self.error.lock().map(|slot| slot.is_some()).unwrap_or(true)
    }

    fn stop(&self) -> ClewError {
        ClewError::InvalidInput("an earlier propagator callback raised an exception".into())
    }
}

/// Literals from a callback's list (out of range ones become `i32::MIN`,
/// which the solver rejects naming the callback).
fn lits(value: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<i32>> {
    let wrong = || {
        PyTypeError::new_err(format!(
            "the propagator's {name}() must return a list of literals (ints), not {}",
            value
                .get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default()
        ))
    };
    if value.is_instance_of::<pyo3::types::PyString>() {
        return Err(wrong());
    }
    let values: Vec<i64> = value.extract().map_err(|_| wrong())?;
    Ok(values
        .into_iter()
        .map(|v| i32::try_from(v).unwrap_or(i32::MIN))
        .collect())
}

fn int(value: &Bound<'_, PyAny>, name: &str) -> PyResult<i32> {
    let v: i64 = value.extract().map_err(|_| {
        PyTypeError::new_err(format!(
            "the propagator's {name}() must return an int literal (0 for none)"
        ))
    })?;
    Ok(i32::try_from(v).unwrap_or(i32::MIN))
}

impl ExternalPropagator for PyPropagator {
    fn is_lazy(&self) -> bool {
        self.lazy
    }

    fn notify_assignment(&mut self, batch: &[i32], fixed: bool) -> clew_core::Result<()> {
        if self.failed() {
            return Err(self.stop());
        }
        if self.flags.above_root.load(Relaxed) && self.flags.passive.load(Relaxed) && !fixed {
            return Ok(());
        }
        let m = &self.m.on_assignment;
        self.call("on_assignment", |py| {
            for &lit in batch {
                m.call1(py, (lit, fixed))?;
            }
            Ok(())
        })
    }

    fn notify_new_decision_level(&mut self) -> clew_core::Result<()> {
        if self.failed() {
            return Err(self.stop());
        }
        let f = &self.flags;
        if f.enable.load(Relaxed) && !f.above_root.load(Relaxed) {
            f.passive.store(false, Relaxed);
            f.enable.store(false, Relaxed);
        }
        f.above_root.store(true, Relaxed);
        if f.passive.load(Relaxed) {
            return Ok(());
        }
        let m = &self.m.on_new_level;
        self.call("on_new_level", |py| m.call0(py).map(drop))
    }

    fn notify_backtrack(&mut self, new_level: u32) -> clew_core::Result<()> {
        // Called even after a failure, to leave the propagator at the
        // solver's level; a second exception is dropped.
        let mut result = Ok(());
        if !self.flags.passive.load(Relaxed) {
            self.queue.clear();
            let m = &self.m.on_backtrack;
            result = self.call("on_backtrack", |py| m.call1(py, (new_level,)).map(drop));
        }
        let f = &self.flags;
        f.above_root.store(new_level != 0, Relaxed);
        if f.disable.load(Relaxed) && new_level == 0 {
            f.passive.store(true, Relaxed);
            f.disable.store(false, Relaxed);
        }
        result
    }

    fn check_found_model(&mut self, model: &[i32]) -> clew_core::Result<bool> {
        if self.failed() {
            return Err(self.stop());
        }
        let m = &self.m.check_model;
        self.call("check_model", |py| {
            let list = PyList::new(py, model)?;
            m.call1(py, (list,))?.bind(py).is_truthy()
        })
    }

    fn decide(&mut self) -> clew_core::Result<i32> {
        if self.failed() {
            return Err(self.stop());
        }
        if self.flags.passive.load(Relaxed) {
            return Ok(0);
        }
        let m = &self.m.decide;
        self.call("decide", |py| int(m.call0(py)?.bind(py), "decide"))
    }

    fn propagate(&mut self) -> clew_core::Result<i32> {
        if self.failed() {
            return Err(self.stop());
        }
        if self.flags.above_root.load(Relaxed) && self.flags.passive.load(Relaxed) {
            return Ok(0);
        }
        if self.queue.is_empty() {
            let m = &self.m.propagate;
            let mut got = self.call("propagate", |py| lits(m.call0(py)?.bind(py), "propagate"))?;
            if got.is_empty() {
                return Ok(0);
            }
            got.reverse();
            // The list ends the solver's loop with a 0 (PySAT's glue).
            self.queue.push(0);
            self.queue.extend(got);
        }
        Ok(self.queue.pop().unwrap_or(0))
    }

    fn reason(&mut self, lit: i32, clause: &mut Vec<i32>) -> clew_core::Result<()> {
        if self.failed() {
            return Err(self.stop());
        }
        let m = &self.m.provide_reason;
        let got = self.call("provide_reason", |py| {
            lits(m.call1(py, (lit,))?.bind(py), "provide_reason")
        })?;
        clause.extend(got);
        Ok(())
    }

    fn has_external_clause(&mut self) -> clew_core::Result<bool> {
        if self.failed() {
            return Err(self.stop());
        }
        match &self.m.has_clause {
            Some(m) => self.call("has_clause", |py| m.call0(py)?.bind(py).is_truthy()),
            None => {
                let m = &self.m.add_clause;
                let got =
                    self.call("add_clause", |py| lits(m.call0(py)?.bind(py), "add_clause"))?;
                let any = !got.is_empty();
                self.pending_clause = any.then_some(got);
                Ok(any)
            }
        }
    }

    fn external_clause(&mut self, clause: &mut Vec<i32>) -> clew_core::Result<()> {
        if self.failed() {
            return Err(self.stop());
        }
        if self.m.has_clause.is_none() {
            clause.extend(self.pending_clause.take().unwrap_or_default());
            return Ok(());
        }
        let m = &self.m.add_clause;
        let got = self.call("add_clause", |py| lits(m.call0(py)?.bind(py), "add_clause"))?;
        clause.extend(got);
        Ok(())
    }
}

/// The `SatSolver`'s side: the flags of the connected propagator and the
/// slot its callbacks' exceptions go to, outside the solver's lock.
#[derive(Default)]
pub struct Connection {
    flags: Mutex<Option<Arc<Flags>>>,
    error: ErrorSlot,
}

impl Connection {
    /// Wrap `object` for `Solver::connect_propagator`.
    pub fn attach(&self, object: &Bound<'_, PyAny>) -> PyResult<PyPropagator> {
        let flags = Arc::new(Flags::default());
        let prop = PyPropagator::new(object, flags.clone(), self.error.clone())?;
        *self.flags.lock().unwrap_or_else(|p| p.into_inner()) = Some(flags);
        Ok(prop)
    }

    pub fn detach(&self) {
        *self.flags.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    pub fn flags(&self) -> PyResult<Arc<Flags>> {
        self.flags
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| {
                crate::errors::to_py(ClewError::InvalidInput(
                    "no propagator is connected (connect_propagator first)".into(),
                ))
            })
    }

    /// A callback's exception replaces the call's own result.
    pub fn reraise<T>(&self, result: PyResult<T>) -> PyResult<T> {
        match self.error.lock().unwrap_or_else(|p| p.into_inner()).take() {
            Some(e) => Err(e),
            None => result,
        }
    }
}
