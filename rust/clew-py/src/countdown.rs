//! Python bindings for clew_core::countdown and its traces. Inputs are
//! converted to owned data, the work runs with the GIL released, and core
//! errors map to clew exceptions (bad instances: `PuzzleError`).

use clew_core::countdown::generate::{GenConfig, Generator, Method};
use clew_core::countdown::record::{check_instance, SearchKind, TraceOptions, TraceRecord, Tracer};
use clew_core::countdown::search::{self, Shuffle};
use clew_core::countdown::{expr, solve, sos, Heuristic, HeuristicKind, Rules};
use clew_core::trace::render::walk::NodeLabels;
use clew_core::trace::render::Style;
use clew_core::trace::validate::NodeLabelCheck;
use clew_core::trace::NoRecord;
use clew_core::ClewError as CoreError;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::errors::to_py;
use crate::run::detached;

/// The error for bad input.
pub(crate) fn invalid(message: String) -> PyErr {
    to_py(CoreError::InvalidInput(message))
}

/// The error for an unknown name of a `what` (rules, heuristic, ...).
fn unknown(what: &str, name: &str, expected: &str) -> PyErr {
    invalid(format!("unknown {what} '{name}' (expected {expected})"))
}

pub(crate) fn rules_of(name: &str) -> PyResult<Rules> {
    Rules::from_name(name).ok_or_else(|| unknown("rules", name, "'sos', 'classic' or 'subset'"))
}

pub(crate) fn heuristic_of(name: &str) -> PyResult<HeuristicKind> {
    HeuristicKind::from_name(name).ok_or_else(|| unknown("heuristic", name, "'sum' or 'mult'"))
}

pub(crate) fn search_of(name: &str) -> PyResult<SearchKind> {
    SearchKind::from_name(name)
        .ok_or_else(|| unknown("search", name, "'dfs', 'bfs', 'best_first' or 'beam'"))
}

pub(crate) fn style_of(name: &str) -> PyResult<Style> {
    Style::from_name(name)
        .ok_or_else(|| unknown("style", name, &format!("one of {}", Style::ALL.join(", "))))
}

pub(crate) fn node_labels_of(name: &str) -> PyResult<NodeLabels> {
    NodeLabels::from_name(name).ok_or_else(|| unknown("node_labels", name, "'shown' or 'search'"))
}

pub(crate) fn beam_of(beam_size: Option<i64>) -> PyResult<Option<usize>> {
    match beam_size {
        None => Ok(None),
        Some(b) if b >= 1 => Ok(Some(b as usize)),
        Some(b) => Err(invalid(format!("beam_size must be at least 1, got {b}"))),
    }
}

/// One solution as an expression, or None when there is none.
#[pyfunction]
#[pyo3(signature = (numbers, target, rules = "sos", method = "dfs", heuristic = "sum", beam_size = None))]
fn countdown_solve(
    py: Python<'_>,
    numbers: Vec<i64>,
    target: i64,
    rules: &str,
    method: &str,
    heuristic: &str,
    beam_size: Option<i64>,
) -> PyResult<Option<String>> {
    let rules = rules_of(rules)?;
    let heur = heuristic_of(heuristic)?;
    let beam = beam_of(beam_size)?;
    let (start, target) = check_instance(&numbers, target).map_err(to_py)?;
    let method = method.to_string();
    detached(py, move |terminate| {
        let steps = match method.as_str() {
            "dfs" => {
                return match solve::solve_one(&start, target, rules, terminate) {
                    Ok(s) => Ok(s.map(|s| s.expr)),
                    Err(_) => Ok(None),
                }
            }
            "bfs" | "best_first" | "beam" => {
                let h = Heuristic::new(heur, target);
                let r = match method.as_str() {
                    "bfs" => search::sos_bfs(
                        &start,
                        target,
                        &h,
                        beam.unwrap_or(usize::MAX),
                        rules,
                        &mut Shuffle::Sorted,
                        &mut NoRecord,
                    )
                    .map_err(to_py)?,
                    "best_first" => search::best_first(&start, target, &h, rules, &mut NoRecord),
                    _ => search::beam(
                        &start,
                        target,
                        &h,
                        beam.unwrap_or(clew_core::countdown::record::DEFAULT_BEAM),
                        rules,
                        &mut NoRecord,
                    )
                    .map_err(to_py)?,
                };
                r.solution
            }
            other => {
                return Err(unknown(
                    "method",
                    other,
                    "'dfs', 'bfs', 'best_first' or 'beam'",
                ))
            }
        };
        Ok(steps.and_then(|s| expr::solution_expr(&start, &s, target).map(|e| e.render())))
    })
}

/// Every distinct solution (at most `limit`), sorted by length then text.
#[pyfunction]
#[pyo3(signature = (numbers, target, rules = "sos", limit = None))]
fn countdown_solutions(
    py: Python<'_>,
    numbers: Vec<i64>,
    target: i64,
    rules: &str,
    limit: Option<usize>,
) -> PyResult<Vec<String>> {
    let rules = rules_of(rules)?;
    let (start, target) = check_instance(&numbers, target).map_err(to_py)?;
    detached(py, move |terminate| {
        Ok(solve::solve_all(&start, target, rules, limit, None, terminate).unwrap_or_default())
    })
}

/// The shortest solution (fewest operations, then shortest text), or None.
#[pyfunction]
#[pyo3(signature = (numbers, target, rules = "sos"))]
fn countdown_shortest(
    py: Python<'_>,
    numbers: Vec<i64>,
    target: i64,
    rules: &str,
) -> PyResult<Option<String>> {
    let rules = rules_of(rules)?;
    let (start, target) = check_instance(&numbers, target).map_err(to_py)?;
    detached(py, move |terminate| {
        Ok(solve::shortest(&start, target, rules, terminate).unwrap_or(None))
    })
}

/// A rendered search trace and its record.
#[pyclass(frozen, module = "clew._core", name = "CountdownTrace")]
pub struct CountdownTrace {
    #[pyo3(get)]
    numbers: Vec<u64>,
    #[pyo3(get)]
    target: u64,
    #[pyo3(get)]
    text: String,
    #[pyo3(get)]
    solution: Option<Vec<String>>,
    #[pyo3(get)]
    answer: Option<String>,
    #[pyo3(get)]
    optimal_path: Option<String>,
    #[pyo3(get)]
    backtracks: u64,
    #[pyo3(get)]
    nodes_expanded: u64,
    #[pyo3(get)]
    nodes_generated: u64,
    #[pyo3(get)]
    nodes_visited: u64,
    #[pyo3(get)]
    depth: u32,
    #[pyo3(get)]
    length: usize,
    #[pyo3(get)]
    search: String,
    #[pyo3(get)]
    heuristic: String,
    #[pyo3(get)]
    beam_size: Option<usize>,
    #[pyo3(get)]
    threshold: Option<f64>,
    #[pyo3(get)]
    style: String,
}

#[pymethods]
impl CountdownTrace {
    #[getter]
    fn solved(&self) -> bool {
        self.solution.is_some()
    }

    fn __repr__(&self) -> String {
        format!(
            "CountdownTrace(numbers={:?}, target={}, search='{}', heuristic='{}', solved={}, backtracks={}, nodes_expanded={}, length={})",
            self.numbers,
            self.target,
            self.search,
            self.heuristic,
            if self.solution.is_some() { "True" } else { "False" },
            self.backtracks,
            self.nodes_expanded,
            self.length
        )
    }

    fn __len__(&self) -> usize {
        self.length
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn options(
    search: &str,
    heuristic: &str,
    beam_size: Option<i64>,
    threshold: Option<f64>,
    style: &str,
    rules: &str,
    seed: Option<i64>,
    given_order: Option<Vec<Vec<String>>>,
    optimal_path: bool,
    backtracks: Option<i64>,
) -> PyResult<TraceOptions> {
    let backtracks = match backtracks {
        None => None,
        Some(k) if k >= 0 => Some(k as usize),
        Some(k) => return Err(invalid(format!("backtracks must be non-negative, got {k}"))),
    };
    Ok(TraceOptions {
        search: search_of(search)?,
        heuristic: heuristic_of(heuristic)?,
        beam_size: beam_of(beam_size)?,
        threshold,
        style: style_of(style)?,
        rules: rules_of(rules)?,
        seed: seed.map(|s| s as i128),
        given_order,
        optimal_path,
        backtracks,
        node_labels: NodeLabels::Shown,
    })
}

fn wrap(rec: TraceRecord, opts: &TraceOptions) -> CountdownTrace {
    let beam = match opts.search {
        SearchKind::Bfs | SearchKind::Beam => Some(
            opts.beam_size
                .unwrap_or(clew_core::countdown::record::DEFAULT_BEAM),
        ),
        _ => None,
    };
    let threshold = match opts.search {
        SearchKind::Dfs => Some(opts.threshold.unwrap_or(rec.target as f64)),
        _ => None,
    };
    CountdownTrace {
        numbers: rec.numbers,
        target: rec.target,
        text: rec.text,
        solution: rec.solution,
        answer: rec.answer,
        optimal_path: rec.optimal_path,
        backtracks: rec.backtracks,
        nodes_expanded: rec.nodes_expanded,
        nodes_generated: rec.nodes_generated,
        nodes_visited: rec.nodes_visited,
        depth: rec.depth,
        length: rec.length,
        search: opts.search.name().to_string(),
        heuristic: opts.heuristic.sos_name().to_string(),
        beam_size: beam,
        threshold,
        style: opts.style.name().to_string(),
    }
}

/// Search, render and measure one instance.
#[pyfunction]
#[pyo3(signature = (numbers, target, search = "dfs", heuristic = "sum", beam_size = None, threshold = None, style = "sos", rules = "sos", seed = None, given_order = None, backtracks = None, node_labels = "shown"))]
#[allow(clippy::too_many_arguments)]
fn countdown_trace(
    py: Python<'_>,
    numbers: Vec<i64>,
    target: i64,
    search: &str,
    heuristic: &str,
    beam_size: Option<i64>,
    threshold: Option<f64>,
    style: &str,
    rules: &str,
    seed: Option<i64>,
    given_order: Option<Vec<Vec<String>>>,
    backtracks: Option<i64>,
    node_labels: &str,
) -> PyResult<CountdownTrace> {
    let mut opts = options(
        search,
        heuristic,
        beam_size,
        threshold,
        style,
        rules,
        seed,
        given_order,
        true,
        backtracks,
    )?;
    opts.node_labels = node_labels_of(node_labels)?;
    detached(py, move |_| {
        let rec = Tracer::new()
            .trace(&numbers, target, &opts)
            .map_err(to_py)?;
        Ok(wrap(rec, &opts))
    })
}

/// Traces laid end to end, with the end offset of each.
type Texts = (Vec<u8>, Vec<usize>);

/// The trace texts of many instances (the fast path: no record), in order.
/// `threads` > 1 splits the list across that many threads.
#[pyfunction]
#[pyo3(signature = (instances, search = "dfs", heuristic = "sum", beam_size = None, threshold = None, style = "sos", rules = "sos", seed = None, threads = 1, backtracks = None, node_labels = "shown"))]
#[allow(clippy::too_many_arguments)]
fn countdown_trace_batch<'py>(
    py: Python<'py>,
    instances: Vec<(Vec<i64>, i64)>,
    search: &str,
    heuristic: &str,
    beam_size: Option<i64>,
    threshold: Option<f64>,
    style: &str,
    rules: &str,
    seed: Option<i64>,
    threads: usize,
    backtracks: Option<i64>,
    node_labels: &str,
) -> PyResult<Vec<Bound<'py, PyString>>> {
    let mut opts = options(
        search, heuristic, beam_size, threshold, style, rules, seed, None, false, backtracks,
    )?;
    opts.node_labels = node_labels_of(node_labels)?;
    let checked = instances
        .iter()
        .map(|(n, t)| check_instance(n, *t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(to_py)?;
    // Each worker writes its traces into one buffer with end offsets; the
    // Python strings are made from slices of it once the GIL is back.
    let parts: Vec<Texts> = detached(py, move |_| {
        let run = |chunk: &[(clew_core::countdown::State, u64)]| -> Result<Texts, CoreError> {
            let mut tracer = Tracer::new();
            let mut buf = Vec::with_capacity(1 << 16);
            let mut all: Vec<u8> = Vec::with_capacity(chunk.len() * 8192);
            let mut ends = Vec::with_capacity(chunk.len());
            for (s, t) in chunk {
                tracer.trace_into(s, *t, &opts, &mut buf)?;
                all.extend_from_slice(&buf);
                ends.push(all.len());
            }
            Ok((all, ends))
        };
        let threads = threads.max(1).min(checked.len().max(1));
        if threads == 1 {
            return Ok(vec![run(&checked).map_err(to_py)?]);
        }
        let size = checked.len().div_ceil(threads);
        let results: Vec<Result<Texts, CoreError>> = std::thread::scope(|sc| {
            let handles: Vec<_> = checked
                .chunks(size)
                .map(|c| sc.spawn(move || run(c)))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err(CoreError::Io("worker panicked".into())))
                })
                .collect()
        });
        results.into_iter().map(|r| r.map_err(to_py)).collect()
    })?;
    let mut out = Vec::with_capacity(instances.len());
    for (all, ends) in &parts {
        let mut begin = 0;
        for &end in ends {
            let text = std::str::from_utf8(&all[begin..end])
                .map_err(|_| crate::errors::internal("non-ASCII trace"))?;
            out.push(PyString::new(py, text));
            begin = end;
        }
    }
    Ok(out)
}

/// Replay a rendered trace and check every step:
/// (valid, solved, steps checked, line of the first error or 0, message).
/// `node_labels` (`sos` style): `None` accepts either labelling, `"shown"`
/// or `"search"` checks the label indices of a depth-first trace.
#[pyfunction]
#[pyo3(signature = (text, numbers = None, target = None, style = "sos", node_labels = None))]
fn countdown_validate(
    py: Python<'_>,
    text: String,
    numbers: Option<Vec<i64>>,
    target: Option<i64>,
    style: &str,
    node_labels: Option<&str>,
) -> PyResult<(bool, bool, usize, usize, Option<String>)> {
    let style = style_of(style)?;
    let check = match node_labels {
        None => NodeLabelCheck::Any,
        Some(name) => {
            node_labels_of(name)?;
            NodeLabelCheck::from_name(name).unwrap_or_default()
        }
    };
    let nums: Option<Vec<u64>> = numbers.map(|v| v.into_iter().map(|n| n.max(0) as u64).collect());
    let target = target.map(|t| t.max(0) as u64);
    detached(py, move |_| {
        let v = if style == Style::Sos {
            clew_core::trace::validate::validate_sos_labels(&text, nums.as_deref(), target, check)
        } else {
            clew_core::trace::validate::validate_walk(style.name(), &text, nums.as_deref(), target)
        };
        Ok((v.valid, v.solved, v.steps, v.line, v.message))
    })
}

/// Stream of Search's own first solution (`CountDown.search`), as steps.
#[pyfunction]
fn countdown_sos_solution(numbers: Vec<i64>, target: i64) -> PyResult<Option<Vec<String>>> {
    let (start, target) = check_instance(&numbers, target).map_err(to_py)?;
    Ok(sos::first_solution(&start, target).map(|ops| ops.iter().map(|o| o.to_string()).collect()))
}

/// Stream of Search's `optimal_path` text for its own first solution.
#[pyfunction]
fn countdown_optimal_path(numbers: Vec<i64>, target: i64) -> PyResult<Option<String>> {
    let (start, target) = check_instance(&numbers, target).map_err(to_py)?;
    Ok(sos::first_solution(&start, target)
        .map(|ops| sos::optimal_path(start.as_slice(), target, &ops)))
}

/// Stream of Search's held-out target split: (train, held_out).
#[pyfunction]
#[pyo3(signature = (seed = 0, max_target = 100))]
fn countdown_target_split(seed: i64, max_target: u64) -> (Vec<u64>, Vec<u64>) {
    sos::target_split(seed as i128, max_target)
}

/// The generator configuration for a preset and the caller's overrides
/// (each `None` keeps the preset's value).
#[allow(clippy::too_many_arguments)]
pub(crate) fn gen_config(
    preset: &str,
    split: &str,
    split_seed: i64,
    (min_numbers, max_numbers): (Option<usize>, Option<usize>),
    (min_value, max_value): (Option<u64>, Option<u64>),
    (min_target, max_target): (Option<u64>, Option<u64>),
    targets: Option<Vec<u64>>,
    method: Option<&str>,
) -> PyResult<GenConfig> {
    let mut cfg = match preset {
        "sos" => GenConfig::sos(split, split_seed as i128).map_err(to_py)?,
        "reasoning_gym" | "reasoning-gym" => GenConfig::reasoning_gym(),
        other => return Err(unknown("preset", other, "'sos' or 'reasoning_gym'")),
    };
    let ranged = min_target.is_some() || max_target.is_some();
    if let Some(v) = min_numbers {
        cfg.min_numbers = v;
    }
    if let Some(v) = max_numbers {
        cfg.max_numbers = v;
    }
    if min_numbers.is_some() && max_numbers.is_none() {
        cfg.max_numbers = cfg.max_numbers.max(cfg.min_numbers);
    }
    if max_numbers.is_some() && min_numbers.is_none() {
        cfg.min_numbers = cfg.min_numbers.min(cfg.max_numbers);
    }
    if let Some(v) = min_value {
        cfg.min_value = v;
    }
    if let Some(v) = max_value {
        cfg.max_value = v;
    }
    if let Some(v) = min_target {
        cfg.min_target = v;
    }
    if let Some(v) = max_target {
        cfg.max_target = v;
    }
    if ranged {
        // An explicit target range replaces the preset's target list.
        cfg.targets = None;
    }
    if let Some(t) = targets {
        cfg.targets = Some(t);
    }
    match method {
        None => {}
        Some("target_first") => cfg.method = Method::TargetFirst,
        Some("expression") => cfg.method = Method::Expression,
        Some(other) => return Err(unknown("method", other, "'target_first' or 'expression'")),
    }
    cfg.validate().map_err(to_py)?;
    Ok(cfg)
}

/// `n` solvable instances as (numbers, target) pairs.
#[pyfunction]
#[pyo3(signature = (n, preset = "sos", seed = 0, split = "train", split_seed = 0, min_numbers = None, max_numbers = None, min_value = None, max_value = None, min_target = None, max_target = None, targets = None, method = None))]
#[allow(clippy::too_many_arguments)]
fn countdown_generate(
    py: Python<'_>,
    n: usize,
    preset: &str,
    seed: u64,
    split: &str,
    split_seed: i64,
    min_numbers: Option<usize>,
    max_numbers: Option<usize>,
    min_value: Option<u64>,
    max_value: Option<u64>,
    min_target: Option<u64>,
    max_target: Option<u64>,
    targets: Option<Vec<u64>>,
    method: Option<&str>,
) -> PyResult<Vec<(Vec<u64>, u64)>> {
    let cfg = gen_config(
        preset,
        split,
        split_seed,
        (min_numbers, max_numbers),
        (min_value, max_value),
        (min_target, max_target),
        targets,
        method,
    )?;
    let mut g = Generator::new(cfg, seed).map_err(to_py)?;
    detached(py, move |terminate| {
        let mut out = Vec::with_capacity(n);
        for k in 0..n {
            if k % 4096 == 4095 && terminate() {
                break;
            }
            out.push(g.next_instance().map_err(to_py)?);
        }
        Ok(out)
    })
}

/// Add this module's functions and classes to `clew._core`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<CountdownTrace>()?;
    m.add_function(wrap_pyfunction!(countdown_solve, m)?)?;
    m.add_function(wrap_pyfunction!(countdown_solutions, m)?)?;
    m.add_function(wrap_pyfunction!(countdown_shortest, m)?)?;
    m.add_function(wrap_pyfunction!(countdown_trace, m)?)?;
    m.add_function(wrap_pyfunction!(countdown_trace_batch, m)?)?;
    m.add_function(wrap_pyfunction!(countdown_validate, m)?)?;
    m.add_function(wrap_pyfunction!(countdown_sos_solution, m)?)?;
    m.add_function(wrap_pyfunction!(countdown_optimal_path, m)?)?;
    m.add_function(wrap_pyfunction!(countdown_target_split, m)?)?;
    m.add_function(wrap_pyfunction!(countdown_generate, m)?)?;
    Ok(())
}
