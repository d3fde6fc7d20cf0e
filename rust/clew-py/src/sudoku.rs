//! Python bindings for clew_core::sudoku. Puzzles arrive as a string or a
//! list of ints (the Python wrapper `clew.sudoku` turns lists of lists and
//! numpy arrays into flat lists, and batches into bytes); they are copied to
//! owned data, the work runs with the GIL released (Ctrl-C polled), and core
//! errors map to clew exceptions (bad puzzles: `PuzzleError`).

use clew_core::sudoku::board::value_char;
use clew_core::sudoku::generate::DifficultyTarget;
use clew_core::sudoku::rng::Rng;
use clew_core::sudoku::trace::{self as sudoku_trace, TraceOptions, TraceRecord};
use clew_core::sudoku::{
    self as core, batch, Branching, Deduction, Difficulty, GenerateOptions, Generator, Geometry,
    Grid, Rater, Rating, SolveOptions, Solver, Status, Step, StepLog, Technique,
};
use clew_core::trace::validate_sudoku::validate_sudoku;
use clew_core::trace::Style;
use clew_core::ClewError as CoreError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use crate::errors::to_py;
use crate::run::detached;

/// A puzzle as Python gives it: text, or flat integer values.
#[derive(FromPyObject)]
enum PuzzleArg {
    Text(String),
    Values(Vec<i64>),
}

impl PuzzleArg {
    fn grid(&self, box_shape: Option<(usize, usize)>) -> PyResult<Grid> {
        match self {
            PuzzleArg::Text(t) => Grid::parse(t, box_shape),
            PuzzleArg::Values(v) => Grid::from_values(v, box_shape),
        }
        .map_err(to_py)
    }

    fn is_text(&self) -> bool {
        matches!(self, PuzzleArg::Text(_))
    }
}

/// The grid in the form it came: a string for a string, else a list.
fn grid_out(py: Python<'_>, grid: &Grid, text: bool) -> PyResult<Py<PyAny>> {
    Ok(if text {
        grid.to_text().into_pyobject(py)?.into_any().unbind()
    } else {
        PyList::new(py, grid.cells.iter().map(|&v| v as i64))?
            .into_any()
            .unbind()
    })
}

/// The first solution in search order (None when there is none).
#[pyfunction]
#[pyo3(signature = (puzzle, box_shape = None))]
fn sudoku_solve(
    py: Python<'_>,
    puzzle: PuzzleArg,
    box_shape: Option<(usize, usize)>,
) -> PyResult<Option<Py<PyAny>>> {
    let grid = puzzle.grid(box_shape)?;
    grid.check_givens().map_err(to_py)?;
    let outcome = detached(py, |term| {
        let mut solver = Solver::fast(grid.geom, SolveOptions::default());
        solver.solve_with(&grid, term).map_err(to_py)
    })?;
    match outcome.solution {
        Some(s) => Ok(Some(grid_out(py, &s, puzzle.is_text())?)),
        None => Ok(None),
    }
}

/// Number of solutions, counting stops at `limit`.
#[pyfunction]
#[pyo3(signature = (puzzle, limit = 2, box_shape = None))]
fn sudoku_count(
    py: Python<'_>,
    puzzle: PuzzleArg,
    limit: i64,
    box_shape: Option<(usize, usize)>,
) -> PyResult<u64> {
    if limit < 1 {
        return Err(to_py(CoreError::InvalidInput(format!(
            "limit must be at least 1, got {limit}"
        ))));
    }
    let grid = puzzle.grid(box_shape)?;
    grid.check_givens().map_err(to_py)?;
    let outcome = detached(py, |term| {
        let mut solver = Solver::fast(
            grid.geom,
            SolveOptions {
                limit: limit as u64,
                ..SolveOptions::default()
            },
        );
        solver.solve_with(&grid, term).map_err(to_py)
    })?;
    Ok(outcome.solutions)
}

fn techniques_dict<'py>(py: Python<'py>, counts: &[u64]) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for t in Technique::ALL {
        d.set_item(t.name(), counts[t as usize])?;
    }
    Ok(d)
}

fn rating_dict<'py>(py: Python<'py>, r: &Rating) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("difficulty", r.difficulty.map(Difficulty::name))?;
    d.set_item("se_like", (r.se_like as f64 * 10.0).round() / 10.0)?;
    d.set_item("hardest", r.hardest.map(Technique::name))?;
    d.set_item("logical", r.logical)?;
    d.set_item("solutions", r.solutions)?;
    d.set_item("guesses", r.guesses)?;
    d.set_item("backtracks", r.backtracks)?;
    d.set_item("nodes", r.nodes)?;
    d.set_item("techniques", techniques_dict(py, &r.techniques)?)?;
    Ok(d)
}

/// Difficulty measures of one puzzle.
#[pyfunction]
#[pyo3(signature = (puzzle, box_shape = None))]
fn sudoku_rate<'py>(
    py: Python<'py>,
    puzzle: PuzzleArg,
    box_shape: Option<(usize, usize)>,
) -> PyResult<Bound<'py, PyDict>> {
    let grid = puzzle.grid(box_shape)?;
    grid.check_givens().map_err(to_py)?;
    let rating = detached(py, |_| {
        Rater::new(grid.geom).rate_cells(&grid.cells).map_err(to_py)
    })?;
    rating_dict(py, &rating)
}

fn values_list(mask: u32) -> Vec<u8> {
    (0..32)
        .filter(|b| mask >> b & 1 == 1)
        .map(|b| b + 1)
        .collect()
}

fn opt16(x: u16) -> Option<u16> {
    (x != core::steps::NONE16).then_some(x)
}

fn opt8(x: u8) -> Option<u8> {
    (x != core::steps::NONE8).then_some(x)
}

fn steps_list<'py>(py: Python<'py>, log: &StepLog) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    for step in &log.steps {
        let d = PyDict::new(py);
        match step {
            Step::Place {
                cell,
                value,
                technique,
                unit,
            } => {
                d.set_item("kind", "place")?;
                d.set_item("cell", cell)?;
                d.set_item("value", value)?;
                d.set_item("technique", technique.name())?;
                d.set_item("unit", opt8(*unit))?;
            }
            Step::Eliminate {
                technique,
                unit,
                other,
                values,
                cells,
                ..
            } => {
                d.set_item("kind", "eliminate")?;
                d.set_item("technique", technique.name())?;
                d.set_item("unit", unit)?;
                d.set_item("other", opt8(*other))?;
                d.set_item("values", values_list(*values))?;
                let cells: Vec<u16> = cells.iter().copied().filter_map(opt16).collect();
                d.set_item("cells", cells)?;
                let removed: Vec<(u16, Vec<u8>)> = log
                    .removals_of(step)
                    .iter()
                    .map(|&(c, m)| (c, values_list(m)))
                    .collect();
                d.set_item("removed", removed)?;
            }
            Step::Guess {
                cell,
                value,
                depth,
                candidates,
            } => {
                d.set_item("kind", "guess")?;
                d.set_item("cell", cell)?;
                d.set_item("value", value)?;
                d.set_item("depth", depth)?;
                d.set_item("candidates", values_list(*candidates))?;
            }
            Step::Backtrack { cell, value, depth } => {
                d.set_item("kind", "backtrack")?;
                d.set_item("cell", cell)?;
                d.set_item("value", value)?;
                d.set_item("depth", depth)?;
            }
            Step::Contradiction { cell, unit, value } => {
                d.set_item("kind", "contradiction")?;
                d.set_item("cell", opt16(*cell))?;
                d.set_item("unit", opt8(*unit))?;
                d.set_item("value", (*value != 0).then_some(*value))?;
            }
            Step::Solution => {
                d.set_item("kind", "solution")?;
            }
        }
        out.append(d)?;
    }
    Ok(out)
}

/// A configurable search: deduction level, branching, seed, solution limit,
/// node budget, optional step log.
#[pyfunction]
#[pyo3(signature = (puzzle, box_shape = None, deduction = "locked_candidates", branching = "mrv",
                    seed = 0, limit = 1, node_limit = None, simplest_first = false, log = false))]
#[allow(clippy::too_many_arguments)]
fn sudoku_search<'py>(
    py: Python<'py>,
    puzzle: PuzzleArg,
    box_shape: Option<(usize, usize)>,
    deduction: &str,
    branching: &str,
    seed: u64,
    limit: i64,
    node_limit: Option<i64>,
    simplest_first: bool,
    log: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let grid = puzzle.grid(box_shape)?;
    grid.check_givens().map_err(to_py)?;
    if limit < 1 {
        return Err(to_py(CoreError::InvalidInput(format!(
            "limit must be at least 1, got {limit}"
        ))));
    }
    let opts = SolveOptions {
        deduction: Deduction::parse(deduction).map_err(to_py)?,
        branching: Branching::parse(branching).map_err(to_py)?,
        seed,
        shuffle_values: false,
        simplest_first,
        limit: limit as u64,
        node_limit: node_limit.map(|n| n.max(1) as u64),
    };
    let (outcome, steps) = detached(py, |term| {
        let mut solver = if log {
            Solver::with_log(grid.geom, opts)
        } else {
            Solver::new(grid.geom, opts)
        };
        let out = solver.solve_with(&grid, term).map_err(to_py)?;
        Ok((out, solver.take_log()))
    })?;
    let d = PyDict::new(py);
    d.set_item(
        "solution",
        match &outcome.solution {
            Some(s) => Some(grid_out(py, s, puzzle.is_text())?),
            None => None,
        },
    )?;
    d.set_item("solutions", outcome.solutions)?;
    d.set_item(
        "status",
        match outcome.status {
            Status::Exhausted => "exhausted",
            Status::LimitReached => "limit",
            Status::Invalid => "invalid",
            Status::Stopped(_) => "stopped",
        },
    )?;
    let st = outcome.stats;
    d.set_item("nodes", st.nodes)?;
    d.set_item("guesses", st.guesses)?;
    d.set_item("backtracks", st.backtracks)?;
    d.set_item("contradictions", st.contradictions)?;
    d.set_item("max_depth", st.max_depth)?;
    d.set_item("techniques", techniques_dict(py, &st.techniques)?)?;
    if log {
        d.set_item("steps", steps_list(py, &steps)?)?;
    }
    Ok(d)
}

/// Solve B boards given as B*N*N bytes; returns (solutions bytes, status bytes as int8).
#[pyfunction]
#[pyo3(signature = (data, size, box_shape = None, threads = 0))]
fn sudoku_solve_batch<'py>(
    py: Python<'py>,
    data: &[u8],
    size: usize,
    box_shape: Option<(usize, usize)>,
    threads: usize,
) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
    let geom = Geometry::for_size(size, box_shape).map_err(to_py)?;
    if (data.len() / geom.cells) * geom.cells != data.len() {
        return Err(to_py(CoreError::Puzzle(format!(
            "{} values do not make whole {size}x{size} boards",
            data.len()
        ))));
    }
    let boards = data.to_vec();
    let count = boards.len() / geom.cells;
    let (out, status) = detached(py, |term| {
        let mut out = vec![0u8; boards.len()];
        let mut status = vec![0i8; count];
        batch::solve_batch(geom, &boards, &mut out, &mut status, threads, term).map_err(to_py)?;
        Ok((out, status))
    })?;
    let status: Vec<u8> = status.into_iter().map(|s| s as u8).collect();
    Ok((PyBytes::new(py, &out), PyBytes::new(py, &status)))
}

/// An optional count that must not be negative.
fn non_negative(name: &str, value: Option<i64>) -> PyResult<Option<usize>> {
    match value {
        Some(v) if v < 0 => Err(to_py(CoreError::InvalidInput(format!(
            "{name} must be non-negative, got {v}"
        )))),
        v => Ok(v.map(|v| v as usize)),
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn generate_options(
    empty: Option<i64>,
    unique: bool,
    difficulty: Option<&str>,
    se_range: Option<(f64, f64)>,
    seed: u64,
    max_attempts: i64,
) -> PyResult<GenerateOptions> {
    let empty = non_negative("empty", empty)?;
    let difficulty = match (difficulty, se_range) {
        (Some(_), Some(_)) => {
            return Err(to_py(CoreError::InvalidInput(
                "give a difficulty name or an SE-like range, not both".into(),
            )))
        }
        (Some(name), None) => Some(DifficultyTarget::Label(
            Difficulty::parse(name).map_err(to_py)?,
        )),
        (None, Some((lo, hi))) => Some(DifficultyTarget::SeLike {
            min: lo as f32,
            max: hi as f32,
        }),
        (None, None) => None,
    };
    if max_attempts < 1 {
        return Err(to_py(CoreError::InvalidInput(format!(
            "max_attempts must be at least 1, got {max_attempts}"
        ))));
    }
    Ok(GenerateOptions {
        empty,
        unique,
        difficulty,
        seed,
        max_attempts: max_attempts.min(u32::MAX as i64) as u32,
    })
}

/// The geometry to generate on; a bad size or box shape is an input error.
pub(crate) fn generate_geometry(
    size: usize,
    box_shape: Option<(usize, usize)>,
) -> PyResult<&'static Geometry> {
    Geometry::for_size(size, box_shape).map_err(|e| match e {
        CoreError::Puzzle(m) => to_py(CoreError::InvalidInput(m)),
        other => to_py(other),
    })
}

/// (puzzle values, solution values, rating dict when a difficulty was asked).
type Generated<'py> = (Vec<u8>, Vec<u8>, Option<Bound<'py, PyDict>>);

/// One puzzle: (puzzle values, solution values, rating dict or None).
#[pyfunction]
#[pyo3(signature = (size = 9, empty = None, unique = true, difficulty = None, se_range = None,
                    seed = 0, box_shape = None, max_attempts = 2000))]
#[allow(clippy::too_many_arguments)]
fn sudoku_generate<'py>(
    py: Python<'py>,
    size: usize,
    empty: Option<i64>,
    unique: bool,
    difficulty: Option<&str>,
    se_range: Option<(f64, f64)>,
    seed: u64,
    box_shape: Option<(usize, usize)>,
    max_attempts: i64,
) -> PyResult<Generated<'py>> {
    let geom = generate_geometry(size, box_shape)?;
    let opts = generate_options(empty, unique, difficulty, se_range, seed, max_attempts)?;
    // Ctrl-C stops it between clue removals (a 16x16 or 25x25 puzzle, or a
    // rare difficulty, can take long).
    let generated = detached(py, |term| {
        let mut rng = Rng::new(opts.seed);
        Generator::new(geom)
            .generate_until(&opts, &mut rng, term)
            .map_err(to_py)
    })?
    .ok_or_else(|| pyo3::exceptions::PyKeyboardInterrupt::new_err("generate interrupted"))?;
    let rating = match &generated.rating {
        Some(r) => Some(rating_dict(py, r)?),
        None => None,
    };
    Ok((generated.puzzle.cells, generated.solution.cells, rating))
}

/// `count` puzzles in parallel: (puzzles bytes, solutions bytes), B*N*N each.
#[pyfunction]
#[pyo3(signature = (count, size = 9, empty = None, unique = true, difficulty = None,
                    se_range = None, seed = 0, box_shape = None, max_attempts = 2000, threads = 0))]
#[allow(clippy::too_many_arguments)]
fn sudoku_generate_batch<'py>(
    py: Python<'py>,
    count: usize,
    size: usize,
    empty: Option<i64>,
    unique: bool,
    difficulty: Option<&str>,
    se_range: Option<(f64, f64)>,
    seed: u64,
    box_shape: Option<(usize, usize)>,
    max_attempts: i64,
    threads: usize,
) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
    let geom = generate_geometry(size, box_shape)?;
    let opts = generate_options(empty, unique, difficulty, se_range, seed, max_attempts)?;
    let items = detached(py, |term| {
        batch::generate_batch(geom, &opts, count, threads, term).map_err(to_py)
    })?;
    // `None` only after the terminate callback fired, whose exception
    // `detached` has already returned; keep a clear error just in case.
    let items = items.ok_or_else(|| {
        pyo3::exceptions::PyKeyboardInterrupt::new_err("generate_batch interrupted")
    })?;
    let mut puzzles = Vec::with_capacity(count * geom.cells);
    let mut solutions = Vec::with_capacity(count * geom.cells);
    for g in &items {
        puzzles.extend_from_slice(&g.puzzle.cells);
        solutions.extend_from_slice(&g.solution.cells);
    }
    Ok((PyBytes::new(py, &puzzles), PyBytes::new(py, &solutions)))
}

/// Puzzles of a trace batch: B*N*N bytes (with the size) or strings.
#[derive(FromPyObject)]
enum PuzzlesArg {
    Texts(Vec<String>),
    Bytes(Vec<u8>),
}

fn trace_style(name: &str) -> PyResult<Style> {
    Style::from_name(name).ok_or_else(|| {
        to_py(CoreError::InvalidInput(format!(
            "unknown style {name:?} (expected 'backtrack', 'wait', 'astro' or 'compact')"
        )))
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn trace_options(
    style: &str,
    backtracks: Option<i64>,
    seed: Option<u64>,
    deduction: &str,
    optimal_path: bool,
    rate: bool,
) -> PyResult<TraceOptions> {
    let backtracks = non_negative("backtracks", backtracks)?;
    let opts = TraceOptions {
        style: trace_style(style)?,
        backtracks,
        seed,
        deduction: Deduction::parse(deduction).map_err(to_py)?,
        optimal_path,
        rate,
    };
    opts.check().map_err(to_py)?;
    Ok(opts)
}

fn grid_text(cells: &[u8]) -> String {
    cells.iter().map(|&v| value_char(v)).collect()
}

/// Trace records as columns: a dict of column name -> list.
fn trace_columns<'py>(
    py: Python<'py>,
    records: Vec<TraceRecord>,
    style: Style,
) -> PyResult<Bound<'py, PyDict>> {
    let n = records.len();
    let mut puzzle = Vec::with_capacity(n);
    let mut answer = Vec::with_capacity(n);
    let mut trace = Vec::with_capacity(n);
    let mut optimal_path = Vec::with_capacity(n);
    let mut backtracks = Vec::with_capacity(n);
    let mut nodes = Vec::with_capacity(n);
    let mut guesses = Vec::with_capacity(n);
    let mut depth = Vec::with_capacity(n);
    let mut length = Vec::with_capacity(n);
    let mut difficulty = Vec::with_capacity(n);
    let mut seed = Vec::with_capacity(n);
    for r in records {
        puzzle.push(grid_text(&r.puzzle));
        answer.push(r.answer.as_deref().map(grid_text));
        trace.push(r.text);
        optimal_path.push(r.optimal_path);
        backtracks.push(r.backtracks);
        nodes.push(r.nodes);
        guesses.push(r.guesses);
        depth.push(r.depth);
        length.push(r.length);
        difficulty.push(r.difficulty.map(|d| (d as f64 * 10.0).round() / 10.0));
        seed.push(r.seed);
    }
    let d = PyDict::new(py);
    d.set_item("puzzle", puzzle)?;
    d.set_item("answer", answer)?;
    d.set_item("trace", trace)?;
    d.set_item("style", vec![style.name(); n])?;
    d.set_item("backtracks", backtracks)?;
    d.set_item("nodes", nodes)?;
    d.set_item("guesses", guesses)?;
    d.set_item("depth", depth)?;
    d.set_item("length", length)?;
    d.set_item("optimal_path", optimal_path)?;
    d.set_item("difficulty", difficulty)?;
    d.set_item("seed", seed)?;
    Ok(d)
}

/// Trace many puzzles in parallel (GIL released); returns columns.
#[pyfunction]
#[pyo3(signature = (puzzles, size = None, box_shape = None, style = "backtrack", backtracks = None,
                    seed = Some(0), deduction = "hidden_singles", optimal_path = true, rate = true,
                    threads = 1, derive_seeds = true))]
#[allow(clippy::too_many_arguments)]
fn sudoku_trace_batch<'py>(
    py: Python<'py>,
    puzzles: PuzzlesArg,
    size: Option<usize>,
    box_shape: Option<(usize, usize)>,
    style: &str,
    backtracks: Option<i64>,
    seed: Option<u64>,
    deduction: &str,
    optimal_path: bool,
    rate: bool,
    threads: usize,
    derive_seeds: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let opts = trace_options(style, backtracks, seed, deduction, optimal_path, rate)?;
    let (geom, boards) = match puzzles {
        PuzzlesArg::Bytes(b) => {
            let size = size.ok_or_else(|| {
                to_py(CoreError::InvalidInput(
                    "puzzle bytes need their size".into(),
                ))
            })?;
            (Geometry::for_size(size, box_shape).map_err(to_py)?, b)
        }
        PuzzlesArg::Texts(texts) => {
            let mut geom = None;
            let mut boards = Vec::new();
            for (i, t) in texts.iter().enumerate() {
                let g = Grid::parse(t, box_shape)
                    .map_err(|e| to_py(CoreError::Puzzle(format!("puzzle {i}: {e}"))))?;
                if !std::ptr::eq(*geom.get_or_insert(g.geom), g.geom) {
                    return Err(to_py(CoreError::Puzzle(format!(
                        "puzzle {i}: every puzzle of a batch must have the same size"
                    ))));
                }
                boards.extend_from_slice(&g.cells);
            }
            let geom = match geom {
                Some(g) => g,
                None => Geometry::for_size(size.unwrap_or(9), box_shape).map_err(to_py)?,
            };
            (geom, boards)
        }
    };
    let records = detached(py, |term| {
        sudoku_trace::trace_batch(geom, &boards, &opts, derive_seeds, threads, term).map_err(to_py)
    })?;
    let records = records
        .ok_or_else(|| pyo3::exceptions::PyKeyboardInterrupt::new_err("trace_batch interrupted"))?;
    trace_columns(py, records, opts.style)
}

/// Replay a Sudoku trace: (valid, solved, steps, line, message).
#[pyfunction]
#[pyo3(signature = (text, style = "backtrack", puzzle = None, box_shape = None))]
fn sudoku_validate(
    py: Python<'_>,
    text: String,
    style: &str,
    puzzle: Option<PuzzleArg>,
    box_shape: Option<(usize, usize)>,
) -> PyResult<(bool, bool, usize, usize, Option<String>)> {
    let style = trace_style(style)?;
    let cells = match puzzle {
        Some(p) => Some(p.grid(box_shape)?.cells),
        None => None,
    };
    detached(py, move |_| {
        let v = validate_sudoku(&text, style.walk_style(), cells.as_deref(), box_shape);
        Ok((v.valid, v.solved, v.steps, v.line, v.message))
    })
}

/// Add this module's functions and classes to `clew._core`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(sudoku_solve, m)?)?;
    m.add_function(wrap_pyfunction!(sudoku_count, m)?)?;
    m.add_function(wrap_pyfunction!(sudoku_rate, m)?)?;
    m.add_function(wrap_pyfunction!(sudoku_search, m)?)?;
    m.add_function(wrap_pyfunction!(sudoku_solve_batch, m)?)?;
    m.add_function(wrap_pyfunction!(sudoku_generate, m)?)?;
    m.add_function(wrap_pyfunction!(sudoku_generate_batch, m)?)?;
    m.add_function(wrap_pyfunction!(sudoku_trace_batch, m)?)?;
    m.add_function(wrap_pyfunction!(sudoku_validate, m)?)?;
    Ok(())
}
