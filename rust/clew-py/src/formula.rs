//! Whole-formula calls: the CNF graph (`cnf_graph_arrays`) and the backbone
//! (`sat_backbone`). Clauses come in as a clause list or as flat int32
//! literals with int64 CSR offsets (buffers, e.g. numpy arrays); graph
//! arrays go out as numpy arrays over bytearrays, built with the GIL
//! released.

use clew_core::budget::{Limits, StopReason};
use clew_core::sat::backbone::{backbone, Backbone};
use clew_core::sat::graph::{cnf_graph, flatten};
use clew_core::ClewError as CoreError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyList, PyTuple};

use crate::errors::{budget_exhausted, to_py};
use crate::run::detached;
use crate::search::{buffer, input};

/// A clause list with literals checked to fit i32 (an InputError naming
/// the value otherwise).
fn clause_list(clauses: Vec<Vec<i64>>) -> PyResult<Vec<Vec<i32>>> {
    clauses
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            c.into_iter()
                .map(|l| {
                    i32::try_from(l).map_err(|_| {
                        to_py(CoreError::InvalidLiteral(format!(
                            "literal {l} in clause {i} is out of range"
                        )))
                    })
                })
                .collect()
        })
        .collect()
}

/// A one-dimensional buffer of `T` (dtype named in the error), copied out.
fn vector<T: pyo3::buffer::Element>(
    obj: &Bound<'_, PyAny>,
    name: &str,
    dtype: &str,
) -> PyResult<Vec<T>> {
    let buf = buffer::<T>(obj, name, &format!("one-dimensional {dtype}"))?;
    if buf.dimensions() != 1 {
        return Err(input(format!(
            "{name} must be one-dimensional, got shape {:?}",
            buf.shape()
        )));
    }
    buf.to_vec(obj.py())
}

/// (literals, offsets) from a clause list or a `(literals, clause_offsets)` pair.
fn flat_clauses(obj: &Bound<'_, PyAny>) -> PyResult<(Vec<i32>, Vec<i64>)> {
    if let Ok(pair) = obj.cast::<PyTuple>() {
        // Two arrays, not two clauses (lists or tuples of ints).
        let first_is_clause = pair.len() == 2 && {
            let first = pair.get_item(0)?;
            first.is_instance_of::<PyList>() || first.is_instance_of::<PyTuple>()
        };
        if pair.len() == 2 && !first_is_clause {
            let literals = vector::<i32>(&pair.get_item(0)?, "literals", "int32")?;
            let offsets = vector::<i64>(&pair.get_item(1)?, "clause_offsets", "int64")?;
            return Ok((literals, offsets));
        }
    }
    let clauses: Vec<Vec<i64>> = obj.extract().map_err(|_| {
        input(format!(
            "clauses must be a list of clauses (lists of ints) or a (literals, clause_offsets) pair of arrays, got {}",
            obj.get_type()
        ))
    })?;
    Ok(flatten(&clause_list(clauses)?))
}

fn num_vars_arg(num_vars: Option<i64>) -> PyResult<Option<usize>> {
    num_vars
        .map(|n| {
            usize::try_from(n).map_err(|_| input(format!("num_vars must be 0 or more, got {n}")))
        })
        .transpose()
}

fn numpy_array<'py>(py: Python<'py>, bytes: Vec<u8>, dtype: &str) -> PyResult<Bound<'py, PyAny>> {
    let np = py.import("numpy")?;
    np.call_method1("frombuffer", (PyByteArray::new(py, &bytes), dtype))
}

/// The CNF graph as (edge_index int64 [2, E], edge_sign int8 [E],
/// node_type int8 [N], num_vars, num_clauses).
#[pyfunction]
#[pyo3(signature = (clauses_or_flat, num_vars = None))]
#[allow(clippy::type_complexity)]
fn cnf_graph_arrays<'py>(
    py: Python<'py>,
    clauses_or_flat: &Bound<'py, PyAny>,
    num_vars: Option<i64>,
) -> PyResult<(
    Bound<'py, PyAny>,
    Bound<'py, PyAny>,
    Bound<'py, PyAny>,
    usize,
    usize,
)> {
    let (literals, offsets) = flat_clauses(clauses_or_flat)?;
    let num_vars = num_vars_arg(num_vars)?;
    let (g, edges, signs, types) = detached(py, |_| {
        let g = cnf_graph(&literals, &offsets, num_vars).map_err(to_py)?;
        let mut edges = Vec::with_capacity(16 * g.edge_src.len());
        for x in g.edge_src.iter().chain(&g.edge_dst) {
            edges.extend_from_slice(&x.to_le_bytes());
        }
        let signs: Vec<u8> = g.edge_sign.iter().map(|&s| s as u8).collect();
        let types: Vec<u8> = g.node_type.iter().map(|&t| t as u8).collect();
        Ok((g, edges, signs, types))
    })?;
    let edge_index =
        numpy_array(py, edges, "<i8")?.call_method1("reshape", (2, g.edge_src.len()))?;
    Ok((
        edge_index,
        numpy_array(py, signs, "i1")?,
        numpy_array(py, types, "i1")?,
        g.num_vars,
        g.num_clauses,
    ))
}

/// The backbone of the clauses under the assumptions, sorted by variable;
/// None when UNSAT; BudgetExhausted past the conflict budget.
#[pyfunction]
#[pyo3(signature = (clauses, num_vars = 0, assumptions = Vec::new(), conflicts = None))]
fn sat_backbone(
    py: Python<'_>,
    clauses: Vec<Vec<i64>>,
    num_vars: usize,
    assumptions: Vec<i64>,
    conflicts: Option<i64>,
) -> PyResult<Option<Vec<i32>>> {
    let clauses = clause_list(clauses)?;
    let assumptions = clause_list(vec![assumptions])?.remove(0);
    if let Some(c) = conflicts.filter(|&c| c < 0) {
        return Err(input(format!("conflict budget must be 0 or more, got {c}")));
    }
    let limits = Limits {
        conflicts: conflicts.map(|c| c as u64),
        ..Limits::UNLIMITED
    };
    let result = detached(py, |terminate| {
        backbone(&clauses, num_vars, &assumptions, limits, terminate).map_err(to_py)
    })?;
    match result {
        Backbone::Unsat => Ok(None),
        Backbone::Literals(lits) => Ok(Some(lits)),
        Backbone::Unknown(StopReason::Conflicts) => Err(budget_exhausted(format!(
            "backbone: the conflict budget of {} ran out",
            conflicts.unwrap_or(0)
        ))),
        Backbone::Unknown(why) => Err(budget_exhausted(format!("backbone stopped: {why:?}"))),
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(cnf_graph_arrays, m)?)?;
    m.add_function(wrap_pyfunction!(sat_backbone, m)?)?;
    Ok(())
}
