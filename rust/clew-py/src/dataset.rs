//! Bindings for dataset generation (`clew.datasets`). Everything crosses as
//! bytes of little-endian int64/uint64/uint8 arrays (numpy and Arrow wrap
//! them without a Python object per record) and runs with the GIL released.

use std::collections::HashSet;
use std::sync::Mutex;

use clew_core::countdown::rows::{self, Instance};
use clew_core::countdown::Tracer;
use clew_core::dataset::{parallel_chunks, record_seed, TextColumn};
use clew_core::sat::natural::{answer as nl_answer, rules};
use clew_core::sat::traced::{solve_traced, FormulaSpec};
use clew_core::sat::LogStyle;
use clew_core::sudoku::board::value_char;
use clew_core::sudoku::rng::Rng;
use clew_core::sudoku::symmetry::symmetry_key;
use clew_core::sudoku::trace::Tracer as SudokuTracer;
use clew_core::sudoku::Generator;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::countdown::{gen_config, invalid, node_labels_of, options};
use crate::errors::to_py;
use crate::run::detached;
use crate::sudoku::{generate_geometry, generate_options, trace_options};

fn words_bytes<'py, T: Copy>(
    py: Python<'py>,
    words: &[T],
    to: impl Fn(T) -> [u8; 8],
) -> Bound<'py, PyBytes> {
    let mut out = Vec::with_capacity(words.len() * 8);
    for &w in words {
        out.extend_from_slice(&to(w));
    }
    PyBytes::new(py, &out)
}

fn i64_bytes<'py>(py: Python<'py>, words: &[i64]) -> Bound<'py, PyBytes> {
    words_bytes(py, words, i64::to_le_bytes)
}

fn u64_bytes<'py>(py: Python<'py>, words: &[u64]) -> Bound<'py, PyBytes> {
    words_bytes(py, words, u64::to_le_bytes)
}

fn read_words(bytes: &[u8], what: &str) -> PyResult<Vec<u64>> {
    if !bytes.len().is_multiple_of(8) {
        return Err(invalid(format!(
            "{what}: {} bytes is not a whole number of 8-byte words",
            bytes.len()
        )));
    }
    Ok(bytes
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
        .collect())
}

/// Countdown instances from a `(rows x width)` int64 matrix of numbers
/// padded with -1 and an int64 vector of targets.
fn read_instances(numbers: &[u8], width: usize, targets: &[u8]) -> PyResult<Vec<Instance>> {
    let nums = read_words(numbers, "numbers")?;
    let targets = read_words(targets, "targets")?;
    if width == 0 || nums.len() != targets.len() * width {
        return Err(invalid(format!(
            "numbers hold {} values, expected {} rows x {width}",
            nums.len(),
            targets.len()
        )));
    }
    Ok(nums
        .chunks_exact(width)
        .zip(&targets)
        .map(|(row, &t)| {
            let row: Vec<u64> = row.iter().copied().filter(|&v| v as i64 >= 0).collect();
            (row, t)
        })
        .collect())
}

/// The seeds of record candidates `start..start + count` of a dataset
/// generated with `seed` (uint64 bytes; each below 2**63).
#[pyfunction]
fn dataset_record_seeds<'py>(
    py: Python<'py>,
    seed: u64,
    start: u64,
    count: usize,
) -> Bound<'py, PyBytes> {
    let seeds: Vec<u64> = (0..count as u64)
        .map(|i| record_seed(seed, start + i))
        .collect();
    u64_bytes(py, &seeds)
}

/// Keys seen so far, for streaming deduplication (about 16 bytes a key).
#[pyclass(frozen, module = "clew._core", name = "KeySet")]
pub struct KeySet {
    seen: Mutex<HashSet<u64>>,
}

#[pymethods]
impl KeySet {
    #[new]
    fn new() -> KeySet {
        KeySet {
            seen: Mutex::new(HashSet::new()),
        }
    }

    /// Insert uint64 keys in order; returns one byte per key: 1 when it was
    /// new (its first occurrence, also within this batch), else 0.
    fn add<'py>(&self, py: Python<'py>, keys: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
        let keys = read_words(keys, "keys")?;
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let fresh: Vec<u8> = keys.iter().map(|&k| seen.insert(k) as u8).collect();
        Ok(PyBytes::new(py, &fresh))
    }

    fn __len__(&self) -> usize {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

/// Countdown candidates: (numbers, width, targets, keys).
type Candidates<'py> = (
    Bound<'py, PyBytes>,
    usize,
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
);

/// Countdown candidates for record seeds (uint64 bytes): (numbers int64
/// rows x width padded with -1, width, targets int64, keys uint64).
#[pyfunction]
#[pyo3(signature = (seeds, preset = "sos", split = "all", split_seed = 0, numbers = (None, None), values = (None, None), targets_range = (None, None), targets = None, method = None, threads = 1))]
#[allow(clippy::too_many_arguments)]
fn countdown_candidates<'py>(
    py: Python<'py>,
    seeds: &[u8],
    preset: &str,
    split: &str,
    split_seed: i64,
    numbers: (Option<usize>, Option<usize>),
    values: (Option<u64>, Option<u64>),
    targets_range: (Option<u64>, Option<u64>),
    targets: Option<Vec<u64>>,
    method: Option<&str>,
    threads: usize,
) -> PyResult<Candidates<'py>> {
    let cfg = gen_config(
        preset,
        split,
        split_seed,
        numbers,
        values,
        targets_range,
        targets,
        method,
    )?;
    let seeds = read_words(seeds, "seeds")?;
    let width = cfg.max_numbers;
    let inst = detached(py, move |_| {
        rows::candidates(&cfg, &seeds, threads).map_err(to_py)
    })?;
    let mut nums = Vec::with_capacity(inst.len() * width);
    let mut tgts = Vec::with_capacity(inst.len());
    let mut keys = Vec::with_capacity(inst.len());
    for (n, t) in &inst {
        nums.extend(n.iter().map(|&v| v as i64));
        nums.extend(std::iter::repeat_n(-1, width - n.len()));
        tgts.push(*t as i64);
        keys.push(rows::canonical_key(n, *t));
    }
    Ok((
        i64_bytes(py, &nums),
        width,
        i64_bytes(py, &tgts),
        u64_bytes(py, &keys),
    ))
}

fn backtracks_of(bytes: Option<&[u8]>, rows: usize) -> PyResult<Option<Vec<usize>>> {
    let Some(b) = bytes else { return Ok(None) };
    let k = read_words(b, "backtracks")?;
    if k.len() != rows {
        return Err(invalid(format!(
            "{} backtrack counts for {rows} rows",
            k.len()
        )));
    }
    Ok(Some(k.into_iter().map(|v| v as usize).collect()))
}

/// One byte per instance: 1 when a trace with the row's backtracks exists
/// under these search options (a negative count: when the search solves it).
#[pyfunction]
#[pyo3(signature = (numbers, width, targets, backtracks, search = "dfs", heuristic = "sum", beam_size = None, threshold = None, rules = "sos", threads = 1))]
#[allow(clippy::too_many_arguments)]
fn countdown_feasible<'py>(
    py: Python<'py>,
    numbers: &[u8],
    width: usize,
    targets: &[u8],
    backtracks: &[u8],
    search: &str,
    heuristic: &str,
    beam_size: Option<i64>,
    threshold: Option<f64>,
    rules: &str,
    threads: usize,
) -> PyResult<Bound<'py, PyBytes>> {
    let inst = read_instances(numbers, width, targets)?;
    // A negative count asks only that the search solve the instance.
    let ks: Vec<Option<usize>> = backtracks_of(Some(backtracks), inst.len())?
        .unwrap_or_default()
        .into_iter()
        .map(|k| (k as i64 >= 0).then_some(k))
        .collect();
    let opts = options(
        search, heuristic, beam_size, threshold, "sos", rules, None, None, false, None,
    )?;
    let rows: Vec<(&Instance, Option<usize>)> = inst.iter().zip(ks).collect();
    let parts = detached(py, |_| {
        parallel_chunks(&rows, threads, |chunk| {
            let mut tracer = Tracer::new();
            chunk
                .iter()
                .map(|(i, k)| rows::feasible(&mut tracer, i, &opts, *k).map(u8::from))
                .collect::<clew_core::Result<Vec<u8>>>()
        })
        .map_err(to_py)
    })?;
    Ok(PyBytes::new(py, &parts.concat()))
}

fn text_pair<'py>(py: Python<'py>, col: &TextColumn) -> (Bound<'py, PyBytes>, Bound<'py, PyBytes>) {
    (PyBytes::new(py, &col.data), i64_bytes(py, &col.offsets))
}

/// Trace Countdown instances into columns: a dict with, for the text
/// columns `trace`, `answer`, `optimal_path`, a pair (utf-8 data bytes,
/// int64 offsets bytes), and int64 bytes for `backtracks`, `nodes`,
/// `depth`, `length`, `difficulty`, uint8 bytes for `solved`.
#[pyfunction]
#[pyo3(signature = (numbers, width, targets, backtracks = None, search = "dfs", heuristic = "sum", beam_size = None, threshold = None, style = "sos", rules = "sos", node_labels = "shown", threads = 1))]
#[allow(clippy::too_many_arguments)]
fn countdown_trace_rows<'py>(
    py: Python<'py>,
    numbers: &[u8],
    width: usize,
    targets: &[u8],
    backtracks: Option<&[u8]>,
    search: &str,
    heuristic: &str,
    beam_size: Option<i64>,
    threshold: Option<f64>,
    style: &str,
    rules: &str,
    node_labels: &str,
    threads: usize,
) -> PyResult<Bound<'py, PyDict>> {
    let inst = read_instances(numbers, width, targets)?;
    let ks = backtracks_of(backtracks, inst.len())?;
    let mut opts = options(
        search, heuristic, beam_size, threshold, style, rules, None, None, false, None,
    )?;
    opts.node_labels = node_labels_of(node_labels)?;
    let rows = detached(py, |_| {
        rows::trace_rows(&inst, &opts, ks.as_deref(), threads).map_err(to_py)
    })?;
    let d = PyDict::new(py);
    d.set_item("trace", text_pair(py, &rows.trace))?;
    d.set_item("answer", text_pair(py, &rows.answer))?;
    d.set_item("optimal_path", text_pair(py, &rows.optimal_path))?;
    d.set_item("solved", PyBytes::new(py, &rows.solved))?;
    d.set_item("backtracks", i64_bytes(py, &rows.backtracks))?;
    d.set_item("nodes", i64_bytes(py, &rows.nodes))?;
    d.set_item("depth", i64_bytes(py, &rows.depth))?;
    d.set_item("length", i64_bytes(py, &rows.length))?;
    d.set_item("difficulty", i64_bytes(py, &rows.difficulty))?;
    Ok(d)
}

/// Sudoku candidates for record seeds: puzzle `i` is
/// `clew.sudoku.generate(seed=seeds[i], ...)`. Returns (puzzles bytes,
/// solutions bytes, keys uint64 bytes), rows of N*N cells.
#[pyfunction]
#[pyo3(signature = (seeds, size = 9, empty = None, difficulty = None, se_range = None, box_shape = None, max_attempts = 2000, threads = 1))]
#[allow(clippy::too_many_arguments)]
fn sudoku_candidates<'py>(
    py: Python<'py>,
    seeds: &[u8],
    size: usize,
    empty: Option<i64>,
    difficulty: Option<&str>,
    se_range: Option<(f64, f64)>,
    box_shape: Option<(usize, usize)>,
    max_attempts: i64,
    threads: usize,
) -> PyResult<(
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
)> {
    let geom = generate_geometry(size, box_shape)?;
    let opts = generate_options(empty, true, difficulty, se_range, 0, max_attempts)?;
    Generator::new(geom).validate(&opts).map_err(to_py)?;
    let seeds = read_words(seeds, "seeds")?;
    let parts = detached(py, |terminate| {
        // Ctrl-C: the workers cannot poll Python, so the batch is cut into
        // rounds and the signal is checked between them.
        let mut all = Vec::with_capacity(seeds.len());
        for round in seeds.chunks(256 * threads.max(1)) {
            if terminate() {
                return Ok(all);
            }
            let got = parallel_chunks(round, threads, |chunk| {
                let mut gen = Generator::new(geom);
                chunk
                    .iter()
                    .map(|&s| {
                        let g = gen.generate_with(&opts, &mut Rng::new(s))?;
                        let key = symmetry_key(geom, &g.puzzle.cells);
                        Ok((g.puzzle.cells, g.solution.cells, key))
                    })
                    .collect::<clew_core::Result<Vec<_>>>()
            })
            .map_err(to_py)?;
            all.extend(got.into_iter().flatten());
        }
        Ok(all)
    })?;
    let mut puzzles = Vec::with_capacity(parts.len() * geom.cells);
    let mut solutions = Vec::with_capacity(parts.len() * geom.cells);
    let mut keys = Vec::with_capacity(parts.len());
    for (p, s, k) in &parts {
        puzzles.extend_from_slice(p);
        solutions.extend_from_slice(s);
        keys.push(*k);
    }
    Ok((
        PyBytes::new(py, &puzzles),
        PyBytes::new(py, &solutions),
        u64_bytes(py, &keys),
    ))
}

/// Symmetry keys (uint64 bytes) of puzzles given as rows of N*N cells.
#[pyfunction]
#[pyo3(signature = (puzzles, size = 9, box_shape = None))]
fn sudoku_symmetry_keys<'py>(
    py: Python<'py>,
    puzzles: &[u8],
    size: usize,
    box_shape: Option<(usize, usize)>,
) -> PyResult<Bound<'py, PyBytes>> {
    let geom = generate_geometry(size, box_shape)?;
    if !puzzles.len().is_multiple_of(geom.cells) {
        return Err(invalid(format!(
            "{} bytes is not a whole number of {size}x{size} grids",
            puzzles.len()
        )));
    }
    let keys: Vec<u64> = puzzles
        .chunks_exact(geom.cells)
        .map(|p| symmetry_key(geom, p))
        .collect();
    Ok(u64_bytes(py, &keys))
}

fn formula_spec(vars: (u32, u32), ratio: f64, k: usize) -> PyResult<FormulaSpec> {
    let spec = FormulaSpec {
        min_vars: vars.0,
        max_vars: vars.1,
        ratio,
        k,
    };
    spec.validate().map_err(to_py)?;
    Ok(spec)
}

/// Keys (uint64 bytes) of the random formulas of these record seeds.
#[pyfunction]
#[pyo3(signature = (seeds, vars, ratio = 4.26, k = 3))]
fn sat_keys<'py>(
    py: Python<'py>,
    seeds: &[u8],
    vars: (u32, u32),
    ratio: f64,
    k: usize,
) -> PyResult<Bound<'py, PyBytes>> {
    let spec = formula_spec(vars, ratio, k)?;
    let seeds = read_words(seeds, "seeds")?;
    let keys: Vec<u64> = py.detach(|| seeds.iter().map(|&s| spec.key(s)).collect());
    Ok(u64_bytes(py, &keys))
}

/// Solve and record the formulas of these record seeds: a dict of columns
/// (`puzzle`, `answer`, `trace` as (data, offsets) text pairs; `vars`,
/// `clauses`, `backtracks`, `nodes`, `depth`, `length`, `difficulty` int64
/// bytes; `label` and `truncated` uint8 bytes). `natural`: the NLSat
/// rendering (rules in words) instead of DIMACS.
#[pyfunction]
#[pyo3(signature = (seeds, vars, ratio = 4.26, k = 3, style = "backtrack", natural = false, cap = 2000, threads = 1))]
#[allow(clippy::too_many_arguments)]
fn sat_rows<'py>(
    py: Python<'py>,
    seeds: &[u8],
    vars: (u32, u32),
    ratio: f64,
    k: usize,
    style: &str,
    natural: bool,
    cap: usize,
    threads: usize,
) -> PyResult<Bound<'py, PyDict>> {
    let spec = formula_spec(vars, ratio, k)?;
    if natural && spec.max_vars > clew_core::sat::natural::MAX_VARS {
        return Err(invalid(format!(
            "natural-language formulas name at most {} variables, got {}",
            clew_core::sat::natural::MAX_VARS,
            spec.max_vars
        )));
    }
    let style = match style {
        "backtrack" => LogStyle::Backtrack,
        "compact" if !natural => LogStyle::Compact,
        other => {
            return Err(invalid(format!(
                "no SAT trace style '{other}' (expected 'backtrack' or 'compact')"
            )))
        }
    };
    let seeds = read_words(seeds, "seeds")?;
    #[derive(Default)]
    struct Cols {
        puzzle: TextColumn,
        answer: TextColumn,
        trace: TextColumn,
        ints: [Vec<i64>; 7],
        label: Vec<u8>,
        truncated: Vec<u8>,
    }
    let parts = detached(py, |_| {
        parallel_chunks(&seeds, threads, |chunk| {
            let mut c = Cols {
                puzzle: TextColumn::new(),
                answer: TextColumn::new(),
                trace: TextColumn::new(),
                ..Cols::default()
            };
            for &seed in chunk {
                let t = solve_traced(&spec, seed, cap)?;
                let puzzle = if natural {
                    rules(&t.clauses)
                } else {
                    t.dimacs()
                };
                c.puzzle.push(puzzle.as_bytes());
                let answer = match (&t.model, natural) {
                    (m, true) => nl_answer(m.as_deref()),
                    (Some(m), false) => format!(
                        "SAT: {}",
                        m.iter()
                            .map(|l| l.to_string())
                            .collect::<Vec<_>>()
                            .join(" ")
                    ),
                    (None, false) => "UNSAT".to_string(),
                };
                c.answer.push(answer.as_bytes());
                let text = t.trace(style, natural);
                c.trace.push(text.as_bytes());
                let row = [
                    t.vars as i64,
                    t.clauses.len() as i64,
                    t.log.conflicts() as i64,
                    t.log.decisions() as i64,
                    t.log.max_level() as i64,
                    text.len() as i64,
                    t.conflicts as i64,
                ];
                for (col, v) in c.ints.iter_mut().zip(row) {
                    col.push(v);
                }
                c.label.push(t.model.is_some() as u8);
                c.truncated.push(t.log.truncated as u8);
            }
            Ok(c)
        })
        .map_err(to_py)
    })?;
    let mut all = Cols {
        puzzle: TextColumn::new(),
        answer: TextColumn::new(),
        trace: TextColumn::new(),
        ..Cols::default()
    };
    for p in parts {
        all.puzzle.extend(&p.puzzle);
        all.answer.extend(&p.answer);
        all.trace.extend(&p.trace);
        for (a, b) in all.ints.iter_mut().zip(p.ints) {
            a.extend(b);
        }
        all.label.extend(p.label);
        all.truncated.extend(p.truncated);
    }
    let d = PyDict::new(py);
    d.set_item("puzzle", text_pair(py, &all.puzzle))?;
    d.set_item("answer", text_pair(py, &all.answer))?;
    d.set_item("trace", text_pair(py, &all.trace))?;
    let names = [
        "vars",
        "clauses",
        "backtracks",
        "nodes",
        "depth",
        "length",
        "difficulty",
    ];
    for (name, col) in names.iter().zip(&all.ints) {
        d.set_item(*name, i64_bytes(py, col))?;
    }
    d.set_item("label", PyBytes::new(py, &all.label))?;
    d.set_item("truncated", PyBytes::new(py, &all.truncated))?;
    Ok(d)
}

/// Trace Sudoku puzzles (rows of N*N cells) for a dataset: record `i`
/// shuffles its value order with `seeds[i]` and renders `backtracks[i]`
/// wrong branches (negative: the whole search). With `check_only`, returns
/// just one byte per row: 1 when that trace exists. Else a dict of columns:
/// `puzzle`, `answer`, `trace`, `optimal_path` text pairs; `backtracks`,
/// `nodes`, `depth`, `length` int64 bytes; `difficulty` float64 bytes;
/// `solved` uint8 bytes.
#[pyfunction]
#[pyo3(signature = (puzzles, seeds, backtracks, size = 9, box_shape = None, style = "backtrack", deduction = "hidden_singles", threads = 1, check_only = false))]
#[allow(clippy::too_many_arguments)]
fn sudoku_trace_rows<'py>(
    py: Python<'py>,
    puzzles: &[u8],
    seeds: &[u8],
    backtracks: &[u8],
    size: usize,
    box_shape: Option<(usize, usize)>,
    style: &str,
    deduction: &str,
    threads: usize,
    check_only: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let geom = generate_geometry(size, box_shape)?;
    let base = trace_options(style, None, None, deduction, !check_only, !check_only)?;
    let seeds = read_words(seeds, "seeds")?;
    let ks = read_words(backtracks, "backtracks")?;
    if puzzles.len() != seeds.len() * geom.cells || ks.len() != seeds.len() {
        return Err(invalid(format!(
            "{} puzzle bytes, {} seeds and {} backtrack counts do not match {size}x{size} rows",
            puzzles.len(),
            seeds.len(),
            ks.len()
        )));
    }
    let rows: Vec<(&[u8], u64, i64)> = puzzles
        .chunks_exact(geom.cells)
        .zip(seeds)
        .zip(ks)
        .map(|((p, s), k)| (p, s, k as i64))
        .collect();
    #[derive(Default)]
    struct Cols {
        ok: Vec<u8>,
        text: [TextColumn; 4],
        ints: [Vec<i64>; 4],
        difficulty: Vec<f64>,
        solved: Vec<u8>,
    }
    let parts = detached(py, |_| {
        parallel_chunks(&rows, threads, |chunk| {
            let mut tracer = SudokuTracer::new(geom);
            let mut c = Cols::default();
            for &(cells, seed, k) in chunk {
                let mut opts = base;
                opts.seed = Some(seed);
                opts.backtracks = (k >= 0).then_some(k as usize);
                let r = match tracer.trace(cells, &opts) {
                    Ok(r) => r,
                    Err(clew_core::ClewError::InvalidInput(_)) if check_only => {
                        c.ok.push(0);
                        continue;
                    }
                    Err(e) => return Err(e),
                };
                c.ok.push(1);
                if check_only {
                    continue;
                }
                let grid = |v: &[u8]| v.iter().map(|&x| value_char(x)).collect::<String>();
                let texts = [
                    grid(&r.puzzle),
                    r.answer.as_deref().map(grid).unwrap_or_default(),
                    r.text,
                    r.optimal_path.unwrap_or_default(),
                ];
                for (col, t) in c.text.iter_mut().zip(texts) {
                    col.push(t.as_bytes());
                }
                let ints = [
                    r.backtracks as i64,
                    r.nodes as i64,
                    r.depth as i64,
                    r.length as i64,
                ];
                for (col, v) in c.ints.iter_mut().zip(ints) {
                    col.push(v);
                }
                c.difficulty.push(r.difficulty.map_or(f64::NAN, f64::from));
                c.solved.push(r.answer.is_some() as u8);
            }
            Ok(c)
        })
        .map_err(to_py)
    })?;
    let mut all = Cols::default();
    for p in parts {
        all.ok.extend(p.ok);
        for (a, b) in all.text.iter_mut().zip(&p.text) {
            a.extend(b);
        }
        for (a, b) in all.ints.iter_mut().zip(p.ints) {
            a.extend(b);
        }
        all.difficulty.extend(p.difficulty);
        all.solved.extend(p.solved);
    }
    if check_only {
        return Ok(PyBytes::new(py, &all.ok).into_any());
    }
    let d = PyDict::new(py);
    for (name, col) in ["puzzle", "answer", "trace", "optimal_path"]
        .iter()
        .zip(&all.text)
    {
        d.set_item(*name, text_pair(py, col))?;
    }
    for (name, col) in ["backtracks", "nodes", "depth", "length"]
        .iter()
        .zip(&all.ints)
    {
        d.set_item(*name, i64_bytes(py, col))?;
    }
    d.set_item(
        "difficulty",
        words_bytes(py, &all.difficulty, f64::to_le_bytes),
    )?;
    d.set_item("solved", PyBytes::new(py, &all.solved))?;
    Ok(d.into_any())
}

/// Add this module's functions and classes to `clew._core`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<KeySet>()?;
    m.add_function(wrap_pyfunction!(dataset_record_seeds, m)?)?;
    m.add_function(wrap_pyfunction!(countdown_candidates, m)?)?;
    m.add_function(wrap_pyfunction!(countdown_feasible, m)?)?;
    m.add_function(wrap_pyfunction!(countdown_trace_rows, m)?)?;
    m.add_function(wrap_pyfunction!(sudoku_candidates, m)?)?;
    m.add_function(wrap_pyfunction!(sudoku_symmetry_keys, m)?)?;
    m.add_function(wrap_pyfunction!(sat_keys, m)?)?;
    m.add_function(wrap_pyfunction!(sat_rows, m)?)?;
    m.add_function(wrap_pyfunction!(sudoku_trace_rows, m)?)?;
    Ok(())
}
