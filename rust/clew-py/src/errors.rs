//! The exception hierarchy, mapped from the core's error enum in one place.
//!
//! `ClewError` is the base of every clew exception; input errors also derive
//! from `ValueError` (`DimacsError(ClewError, ValueError)`), which
//! `create_exception!` cannot express, so those classes are made with
//! `type(name, bases, namespace)` when the module loads. The same goes for
//! `CheckpointError(ClewError, ValueError)` (bad weights are bad input) and
//! `BudgetExhausted(ClewError, RuntimeError)` (a budgeted call that could not
//! finish is a run-time condition, as `TimeoutError` would be for a clock).

use clew_core::ClewError as CoreError;
use pyo3::exceptions::{PyException, PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

pyo3::create_exception!(
    clew._core,
    ClewError,
    PyException,
    "Base class of every clew exception."
);

static DIMACS_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static INPUT_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static PUZZLE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static CHECKPOINT_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static BUDGET_EXHAUSTED: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// One exception class: where it is kept, its name, its builtin base, its doc.
type ClassSpec<'a, 'py> = (
    &'a PyOnceLock<Py<PyType>>,
    &'a str,
    &'a Bound<'py, PyType>,
    &'a str,
);

/// A class `name(ClewError, builtin)`.
fn subclass(
    py: Python<'_>,
    name: &str,
    builtin: Bound<'_, PyType>,
    doc: &str,
) -> PyResult<Py<PyType>> {
    let bases = PyTuple::new(py, [py.get_type::<ClewError>(), builtin])?;
    let namespace = PyDict::new(py);
    namespace.set_item("__module__", "clew._core")?;
    namespace.set_item("__doc__", doc)?;
    let class = py.get_type::<PyType>().call1((name, bases, namespace))?;
    Ok(class.cast_into::<PyType>()?.unbind())
}

/// Create the exception classes and add them to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("ClewError", py.get_type::<ClewError>())?;
    let value_error = py.get_type::<PyValueError>();
    let runtime_error = py.get_type::<PyRuntimeError>();
    let classes: [ClassSpec<'_, '_>; 5] = [
        (
            &DIMACS_ERROR,
            "DimacsError",
            &value_error,
            "Malformed DIMACS input; the message starts with `line N: `.",
        ),
        (
            &INPUT_ERROR,
            "InputError",
            &value_error,
            "Invalid argument value (a bad literal, option or size).",
        ),
        (
            &PUZZLE_ERROR,
            "PuzzleError",
            &value_error,
            "An invalid puzzle: wrong size, bad characters, clashing givens.",
        ),
        (
            &CHECKPOINT_ERROR,
            "CheckpointError",
            &value_error,
            "Model weights that cannot be used: missing, truncated, tampered or of another architecture.",
        ),
        (
            &BUDGET_EXHAUSTED,
            "BudgetExhausted",
            &runtime_error,
            "A budgeted call (conflicts, propagations, seconds) ran out before it had an answer.",
        ),
    ];
    for (cell, name, builtin, doc) in classes {
        let class = cell.get_or_try_init(py, || subclass(py, name, builtin.clone(), doc))?;
        m.add(name, class.bind(py))?;
    }
    Ok(())
}

fn raise(py: Python<'_>, class: &PyOnceLock<Py<PyType>>, message: String) -> PyErr {
    match class.get(py) {
        Some(ty) => PyErr::from_type(ty.bind(py).clone(), message),
        None => PyValueError::new_err(message),
    }
}

/// Map a core error to its Python exception.
pub fn to_py(e: CoreError) -> PyErr {
    Python::attach(|py| match e {
        CoreError::Dimacs { .. } => raise(py, &DIMACS_ERROR, e.to_string()),
        CoreError::InvalidLiteral(m) | CoreError::InvalidInput(m) => raise(py, &INPUT_ERROR, m),
        CoreError::Puzzle(m) => raise(py, &PUZZLE_ERROR, m),
        CoreError::Io(m) => PyOSError::new_err(m),
    })
}

/// `BudgetExhausted(message)`.
pub fn budget_exhausted(message: String) -> PyErr {
    Python::attach(|py| match BUDGET_EXHAUSTED.get(py) {
        Some(ty) => PyErr::from_type(ty.bind(py).clone(), message),
        None => PyRuntimeError::new_err(message),
    })
}

/// An internal error (a caught panic, a poisoned lock): a ClewError, never a
/// PanicException.
pub fn internal(message: impl std::fmt::Display) -> PyErr {
    ClewError::new_err(format!(
        "internal error in clew (please report it): {message}"
    ))
}
