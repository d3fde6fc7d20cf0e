//! Python bindings for clew_core::search: the ask/tell MCTS forest.
//!
//! ask/tell are short calls made once per evaluator round, so they keep the
//! GIL (releasing it would cost more than the work) and go through
//! `guarded` so a panic is a ClewError. Arrays cross as buffers: leaf ids
//! and observations go out as bytearrays (the Python wrapper views them as
//! numpy arrays without a copy), priors/values come in through the buffer
//! protocol, one check per array, no per-leaf Python objects.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard, TryLockError};

use clew_core::countdown::{HeuristicKind, Rules};
use clew_core::search::mcts::{
    Evaluation, Forest, Gumbel, Leaf, MctsConfig, Rule, Widening, NO_NODE,
};
use clew_core::search::{self, Budget, CountdownEnv, Env, Outcome, Scores, SudokuEnv};
use clew_core::sudoku::Grid;
use clew_core::trace::tree::{NoRecord, Recorder, Tree, NONE};
use clew_core::ClewError as CoreError;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyList};

use crate::buffer::{self, Element};
use crate::errors::{self, to_py};
use crate::run::{detached, guarded};

pub(crate) fn input(message: String) -> PyErr {
    to_py(CoreError::InvalidInput(message))
}

/// A numpy array (or any buffer) of element type `T`, copied out when not
/// C-contiguous. The error names the argument, the expected dtype and the
/// one it got.
pub(crate) fn array<T: Element>(
    obj: &Bound<'_, PyAny>,
    name: &str,
    dtype: &str,
    shape: &[usize],
) -> PyResult<Vec<T>> {
    let (data, got_shape) = elements::<T>(obj, name, dtype)?;
    if got_shape != shape {
        return Err(input(format!(
            "{name} has shape {got_shape:?}, expected {shape:?}"
        )));
    }
    Ok(data)
}

/// The elements (C order) and shape of `obj`, a buffer of `T`; the error
/// names the argument, the expected dtype and the one it got.
pub(crate) fn elements<T: Element>(
    obj: &Bound<'_, PyAny>,
    name: &str,
    dtype: &str,
) -> PyResult<(Vec<T>, Vec<usize>)> {
    buffer::read::<T>(obj).ok_or_else(|| {
        let got = obj
            .getattr("dtype")
            .map(|d| d.to_string())
            .unwrap_or_else(|_| obj.get_type().to_string());
        input(format!("{name} must be a {dtype} array, got {got}"))
    })
}

/// The forest settings from the Python arguments.
#[allow(clippy::too_many_arguments)]
pub(crate) fn config(
    num_actions: usize,
    rule: &str,
    c: f32,
    virtual_loss: f32,
    (dirichlet_alpha, dirichlet_fraction): (f32, f32),
    two_player: bool,
    fpu: f32,
    gumbel: (Option<u32>, usize, f32),
    widening: Option<(f32, f32)>,
    seed: u64,
) -> PyResult<MctsConfig> {
    let widening = widening.map(|(c, alpha)| Widening { c, alpha });
    let (gumbel_simulations, considered, value_scale) = gumbel;
    let gumbel = gumbel_simulations.map(|n| Gumbel {
        considered,
        value_scale,
        ..Gumbel::new(n)
    });
    let rule = match rule {
        "puct" => Rule::Puct,
        "uct" => Rule::Uct,
        other => {
            return Err(input(format!(
                "unknown rule '{other}' (expected 'puct' or 'uct')"
            )))
        }
    };
    Ok(MctsConfig {
        rule,
        c,
        virtual_loss,
        dirichlet_alpha,
        dirichlet_fraction,
        two_player,
        fpu,
        gumbel,
        widening,
        seed,
        ..MctsConfig::new(num_actions)
    })
}

/// Every tree's root visit counts, (num_trees * num_actions) int32 as bytes.
pub(crate) fn root_visits_bytes<'py>(py: Python<'py>, forest: &Forest) -> Bound<'py, PyByteArray> {
    let a = forest.config().num_actions;
    let mut out = vec![0u32; forest.num_trees() * a];
    for (t, row) in out.chunks_mut(a).enumerate() {
        forest.root_visits(t, row);
    }
    PyByteArray::new(py, bytes_of(&out))
}

/// Every tree's Gumbel policy target, (num_trees * num_actions) float32 as
/// bytes; an error without a Gumbel root.
pub(crate) fn gumbel_policy_bytes<'py>(
    py: Python<'py>,
    forest: &Forest,
) -> PyResult<Bound<'py, PyByteArray>> {
    let a = forest.config().num_actions;
    let mut out = vec![0f32; forest.num_trees() * a];
    for (t, row) in out.chunks_mut(a).enumerate() {
        if !forest.gumbel_policy(t, row) {
            return Err(input(
                "improved_policy needs a Gumbel root (gumbel=n)".into(),
            ));
        }
    }
    Ok(PyByteArray::new(py, bytes_of(&out)))
}

#[pyclass(frozen, module = "clew._core")]
pub struct MctsForest {
    inner: Mutex<Forest>,
    /// Reused between asks to avoid an allocation per call.
    leaves: Mutex<Vec<Leaf>>,
}

/// The lock of a tree batch, or an error saying why not: busy in another
/// thread (calls never wait), or poisoned by an earlier panic.
pub(crate) fn lock_trees<T>(m: &Mutex<T>) -> PyResult<MutexGuard<'_, T>> {
    match m.try_lock() {
        Ok(g) => Ok(g),
        Err(TryLockError::WouldBlock) => Err(PyRuntimeError::new_err(
            "this MCTS is busy in another thread (one call at a time per tree batch)",
        )),
        Err(TryLockError::Poisoned(_)) => Err(errors::internal(
            "the tree batch is unusable after an earlier internal error",
        )),
    }
}

impl MctsForest {
    fn lock(&self) -> PyResult<MutexGuard<'_, Forest>> {
        lock_trees(&self.inner)
    }
}

pub(crate) fn bytes_of<T: Copy>(values: &[T]) -> &[u8] {
    // SAFETY: plain-old-data integers, read as their bytes.
    unsafe { std::slice::from_raw_parts(values.as_ptr().cast(), std::mem::size_of_val(values)) }
}

#[pymethods]
impl MctsForest {
    #[new]
    #[pyo3(signature = (num_actions, num_trees = 1, rule = "puct", c = 1.25, virtual_loss = 1.0,
                        dirichlet_alpha = 0.3, dirichlet_fraction = 0.0, two_player = false,
                        fpu = 0.0, seed = 0, gumbel = None, gumbel_considered = 16,
                        gumbel_value_scale = 0.1, widening = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        num_actions: i64,
        num_trees: i64,
        rule: &str,
        c: f32,
        virtual_loss: f32,
        dirichlet_alpha: f32,
        dirichlet_fraction: f32,
        two_player: bool,
        fpu: f32,
        seed: u64,
        gumbel: Option<u32>,
        gumbel_considered: usize,
        gumbel_value_scale: f32,
        widening: Option<(f32, f32)>,
    ) -> PyResult<Self> {
        if num_actions < 1 || num_trees < 1 {
            return Err(input(format!(
                "num_actions and num_trees must be positive, got {num_actions} and {num_trees}"
            )));
        }
        let cfg = config(
            num_actions as usize,
            rule,
            c,
            virtual_loss,
            (dirichlet_alpha, dirichlet_fraction),
            two_player,
            fpu,
            (gumbel, gumbel_considered, gumbel_value_scale),
            widening,
            seed,
        )?;
        let forest = Forest::new(cfg, num_trees as usize).map_err(to_py)?;
        Ok(MctsForest {
            inner: Mutex::new(forest),
            leaves: Mutex::new(Vec::new()),
        })
    }

    /// Up to k leaves: (leaf ids as int64 bytes, (tree, parent, action)
    /// rows as int64 bytes; -1 for a root's parent and action).
    fn ask<'py>(
        &self,
        py: Python<'py>,
        k: i64,
    ) -> PyResult<(Bound<'py, PyByteArray>, Bound<'py, PyByteArray>)> {
        if k < 0 {
            return Err(input(format!("k must be >= 0, got {k}")));
        }
        let mut forest = self.lock()?;
        let mut leaves = self
            .leaves
            .lock()
            .map_err(|_| errors::internal("leaf buffer poisoned"))?;
        let (ids, obs) = guarded(|| {
            forest.ask(k as usize, &mut leaves);
            let ids: Vec<i64> = leaves.iter().map(|l| l.id() as i64).collect();
            let mut obs = Vec::with_capacity(leaves.len() * 3);
            let signed = |v: u32| if v == NO_NODE { -1 } else { v as i64 };
            for l in leaves.iter() {
                obs.extend_from_slice(&[l.tree as i64, signed(l.parent), signed(l.action)]);
            }
            Ok((ids, obs))
        })?;
        Ok((
            PyByteArray::new(py, bytes_of(&ids)),
            PyByteArray::new(py, bytes_of(&obs)),
        ))
    }

    /// Expand and back up; `terminal` and `legal` are uint8 views of bool
    /// arrays (the Python wrapper makes them). All-or-nothing.
    #[pyo3(signature = (leaf_ids, priors, values, terminal = None, legal = None))]
    fn tell(
        &self,
        leaf_ids: &Bound<'_, PyAny>,
        priors: &Bound<'_, PyAny>,
        values: &Bound<'_, PyAny>,
        terminal: Option<&Bound<'_, PyAny>>,
        legal: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let (ids, shape) = buffer::read::<i64>(leaf_ids).ok_or_else(|| {
            input("leaf_ids must be an int64 array (as returned by ask)".to_string())
        })?;
        if shape.len() != 1 {
            return Err(input(format!("leaf_ids must be 1-D, got shape {shape:?}")));
        }
        let n = ids.len();
        let mut forest = self.lock()?;
        let a = forest.config().num_actions;
        let priors: Vec<f32> = array(priors, "priors", "float32", &[n, a])?;
        let values: Vec<f32> = array(values, "values", "float32", &[n])?;
        let terminal: Option<Vec<u8>> = terminal
            .map(|t| array(t, "terminal", "bool", &[n]))
            .transpose()?;
        let legal: Option<Vec<u8>> = legal
            .map(|l| array(l, "legal", "bool", &[n, a]))
            .transpose()?;
        let legal: Option<Vec<bool>> = legal.map(|l| l.into_iter().map(|b| b != 0).collect());
        let evals: Vec<Evaluation<'_>> = (0..n)
            .map(|i| Evaluation {
                leaf_id: ids[i] as u64,
                priors: &priors[i * a..(i + 1) * a],
                value: values[i],
                terminal: terminal.as_ref().is_some_and(|t| t[i] != 0),
                legal: legal.as_ref().map(|l| &l[i * a..(i + 1) * a]),
            })
            .collect();
        if let Some(bad) = ids.iter().find(|&&id| id < 0) {
            return Err(input(format!("unknown leaf id {bad}")));
        }
        guarded(|| forest.tell(&evals).map_err(to_py))
    }

    /// Root visit counts, (num_trees * num_actions) int32 as bytes.
    fn root_visits<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyByteArray>> {
        Ok(root_visits_bytes(py, &*self.lock()?))
    }

    /// Root children's mean values, (num_trees * num_actions) float32 bytes.
    fn root_q<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyByteArray>> {
        let forest = self.lock()?;
        let a = forest.config().num_actions;
        let mut out = vec![0f32; forest.num_trees() * a];
        for (t, row) in out.chunks_mut(a).enumerate() {
            forest.root_q(t, row);
        }
        Ok(PyByteArray::new(py, bytes_of(&out)))
    }

    /// Gumbel MuZero's policy targets, (num_trees * num_actions) float32
    /// bytes; an error without a Gumbel root.
    fn gumbel_policy<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyByteArray>> {
        gumbel_policy_bytes(py, &*self.lock()?)
    }

    fn root_values(&self) -> PyResult<Vec<f32>> {
        let forest = self.lock()?;
        Ok((0..forest.num_trees())
            .map(|t| forest.root_value(t))
            .collect())
    }

    /// Most visited root action per tree (-1 before the root is expanded).
    fn best_actions(&self) -> PyResult<Vec<i64>> {
        let forest = self.lock()?;
        Ok((0..forest.num_trees())
            .map(|t| forest.best_action(t).map_or(-1, |a| a as i64))
            .collect())
    }

    fn simulations(&self) -> PyResult<Vec<u32>> {
        let forest = self.lock()?;
        Ok((0..forest.num_trees())
            .map(|t| forest.simulations(t))
            .collect())
    }

    /// Move every tree's root to the child by its action (subtree reuse).
    fn advance(&self, actions: Vec<i64>) -> PyResult<()> {
        let mut forest = self.lock()?;
        if actions.len() != forest.num_trees() {
            return Err(input(format!(
                "advance got {} actions for {} trees",
                actions.len(),
                forest.num_trees()
            )));
        }
        // Check everything first so that a bad action changes no tree.
        let a = forest.config().num_actions as i64;
        if let Some(bad) = actions.iter().find(|&&x| x < 0 || x >= a) {
            return Err(input(format!(
                "action {bad} out of range (num_actions = {a})"
            )));
        }
        if forest.pending() > 0 {
            return Err(input(format!(
                "{} leaves are in flight: tell them before advancing",
                forest.pending()
            )));
        }
        guarded(|| {
            for (t, &x) in actions.iter().enumerate() {
                forest.advance(t, x as u32).map_err(to_py)?;
            }
            Ok(())
        })
    }

    fn reset(&self) -> PyResult<()> {
        self.lock()?.reset();
        Ok(())
    }

    #[getter]
    fn num_actions(&self) -> PyResult<usize> {
        Ok(self.lock()?.config().num_actions)
    }

    #[getter]
    fn num_trees(&self) -> PyResult<usize> {
        Ok(self.lock()?.num_trees())
    }

    #[getter]
    fn num_nodes(&self) -> PyResult<usize> {
        Ok(self.lock()?.num_nodes())
    }

    #[getter]
    fn pending(&self) -> PyResult<usize> {
        Ok(self.lock()?.pending())
    }
}

// ------------------------------------------------ DFS, BFS, beam, best-first

/// A Python environment seen from Rust: states stay Python objects, kept
/// in `states` and named by their index. Owned (no GIL lifetime) so that an
/// MCTS can keep one between calls; every call attaches to the interpreter,
/// which costs next to nothing on the caller's thread, where the GIL is
/// already held. The first exception is kept and stops the search.
///
/// With [`PyEnv::batching`], an env that has `expand_batch(states) -> [(actions,
/// priors, values)]` is expanded through it: `prepare` asks it for every
/// state not answered yet, `legal_actions` of a state it has not seen asks
/// it for that one state, and the answers are kept, so no state is expanded
/// twice (`step` is remembered per (state, action) too, so iterative
/// deepening's passes meet the same states again). A terminal state is not
/// expanded: it has no actions.
pub(crate) struct PyEnv {
    env: Py<PyAny>,
    pub(crate) states: Vec<Py<PyAny>>,
    pub(crate) error: Option<PyErr>,
    has_heuristic: bool,
    has_cost: bool,
    batch: bool,
    /// expand_batch's answers: (actions, scores) by state.
    expanded: HashMap<u32, (Vec<u32>, Scores)>,
    /// The state `step(state, action)` returned, and `is_terminal`'s
    /// answers, when batching (the batch and the visit both ask).
    children: HashMap<(u32, u32), u32>,
    terminal: HashMap<u32, bool>,
}

impl PyEnv {
    pub(crate) fn new(env: &Bound<'_, PyAny>) -> PyEnv {
        let has = |name: &str| env.hasattr(name).unwrap_or(false);
        PyEnv {
            has_heuristic: has("heuristic"),
            has_cost: has("cost"),
            env: env.clone().unbind(),
            states: Vec::new(),
            error: None,
            batch: false,
            expanded: HashMap::new(),
            children: HashMap::new(),
            terminal: HashMap::new(),
        }
    }

    /// Expand through the env's `expand_batch` when it has one.
    pub(crate) fn batching(mut self) -> PyEnv {
        self.batch = Python::attach(|py| {
            let env = self.env.bind(py);
            env.getattr("expand_batch").is_ok_and(|m| m.is_callable())
        });
        self
    }

    pub(crate) fn env<'py>(&self, py: Python<'py>) -> &Bound<'py, PyAny> {
        self.env.bind(py)
    }

    /// `env.<method>(state, *rest)`, the first error kept (then `default`).
    fn call<T>(
        &mut self,
        default: T,
        method: &str,
        state: u32,
        rest: Option<u32>,
        f: impl FnOnce(Bound<'_, PyAny>) -> PyResult<T>,
    ) -> T {
        if self.error.is_some() {
            return default;
        }
        let out = Python::attach(|py| {
            let s = self.states[state as usize].bind(py);
            let env = self.env.bind(py);
            let r = match rest {
                None => env.call_method1(method, (s,)),
                Some(a) => env.call_method1(method, (s, a)),
            };
            r.and_then(f)
        });
        match out {
            Ok(v) => v,
            Err(e) => {
                self.error = Some(e);
                default
            }
        }
    }
}

/// One state's answer from `expand_batch`, checked: (actions, priors,
/// values) with ints for actions, one finite prior >= 0 and one value in
/// [0, 1] per action. `at` names the answer in the error messages.
fn expansion(item: &Bound<'_, PyAny>, at: &str) -> PyResult<(Vec<u32>, Scores)> {
    let parts: Vec<Bound<'_, PyAny>> = match item.try_iter() {
        Ok(it) => it.collect::<PyResult<_>>()?,
        Err(_) => Vec::new(),
    };
    let [actions, priors, values] = parts.as_slice() else {
        return Err(input(format!(
            "{at} is not an (actions, priors, values) triple: {}",
            short_repr(item)
        )));
    };
    let actions: Vec<u32> = numbers(
        actions,
        at,
        "actions",
        |a| {
            if a.is_instance_of::<pyo3::types::PyFloat>()
                || a.is_instance_of::<pyo3::types::PyBool>()
            {
                return None;
            }
            a.extract::<u32>().ok()
        },
        "ints >= 0",
    )?;
    let n = actions.len();
    let priors = numbers(
        priors,
        at,
        "priors",
        |p| {
            p.extract::<f64>()
                .ok()
                .filter(|p| p.is_finite() && *p >= 0.0)
        },
        "finite numbers >= 0",
    )?;
    let values = numbers(
        values,
        at,
        "values",
        |v| v.extract::<f64>().ok().filter(|v| (0.0..=1.0).contains(v)),
        "numbers in [0, 1]",
    )?;
    if priors.len() != n || values.len() != n {
        return Err(input(format!(
            "{at} has {n} actions but {} priors and {} values (one of each per action)",
            priors.len(),
            values.len()
        )));
    }
    Ok((actions, Scores { priors, values }))
}

/// The items of the sequence `obj`, each read by `read` (None: not `what`).
fn numbers<T>(
    obj: &Bound<'_, PyAny>,
    at: &str,
    name: &str,
    read: impl Fn(&Bound<'_, PyAny>) -> Option<T>,
    what: &str,
) -> PyResult<Vec<T>> {
    let items = obj.try_iter().map_err(|_| {
        input(format!(
            "{at} has {name} {} that are not a sequence",
            short_repr(obj)
        ))
    })?;
    items
        .map(|x| {
            let x = x?;
            read(&x).ok_or_else(|| {
                input(format!(
                    "{at} has {name} that are not all {what}: {}",
                    short_repr(&x)
                ))
            })
        })
        .collect()
}

/// `repr(obj)`, cut to 80 characters.
fn short_repr(obj: &Bound<'_, PyAny>) -> String {
    let r = obj
        .repr()
        .map(|r| r.to_string())
        .unwrap_or_else(|_| "?".into());
    match r.char_indices().nth(80) {
        Some((cut, _)) => format!("{}...", &r[..cut]),
        None => r,
    }
}

impl Env for PyEnv {
    type State = u32;

    fn prepare(&mut self, states: &[&u32]) {
        if !self.batch || self.error.is_some() {
            return;
        }
        let mut todo: Vec<u32> = Vec::new();
        let mut seen = HashSet::new();
        for &&s in states {
            if !self.expanded.contains_key(&s) && seen.insert(s) && !self.is_terminal(&s) {
                todo.push(s);
            }
        }
        if todo.is_empty() || self.error.is_some() {
            return;
        }
        let answers = Python::attach(|py| -> PyResult<Vec<(Vec<u32>, Scores)>> {
            let batch = PyList::new(py, todo.iter().map(|&s| self.states[s as usize].bind(py)))?;
            let out = self.env.bind(py).call_method1("expand_batch", (batch,))?;
            let items: Vec<Bound<'_, PyAny>> = match out.try_iter() {
                Ok(it) => it.collect::<PyResult<_>>()?,
                Err(_) => {
                    return Err(input(format!(
                        "expand_batch must return a list of (actions, priors, values), got {}",
                        short_repr(&out)
                    )))
                }
            };
            if items.len() != todo.len() {
                return Err(input(format!(
                    "expand_batch returned {} answers for {} states (one per state, in order)",
                    items.len(),
                    todo.len()
                )));
            }
            items
                .iter()
                .enumerate()
                .map(|(i, item)| expansion(item, &format!("expand_batch's answer {i}")))
                .collect()
        });
        match answers {
            Ok(answers) => self.expanded.extend(todo.into_iter().zip(answers)),
            Err(e) => self.error = Some(e),
        }
    }

    fn batched(&self) -> bool {
        self.batch
    }

    fn scores(&mut self, state: &u32) -> Option<Scores> {
        self.expanded.get(state).map(|e| e.1.clone())
    }

    fn legal_actions(&mut self, state: &u32, out: &mut Vec<u32>) {
        if self.batch {
            self.prepare(&[state]);
            if let Some((actions, _)) = self.expanded.get(state) {
                out.extend(actions);
            }
            return;
        }
        let actions = self.call(Vec::new(), "legal_actions", *state, None, |r| {
            r.try_iter()?
                .map(|a| a?.extract::<u32>())
                .collect::<PyResult<Vec<u32>>>()
        });
        out.extend(actions);
    }

    fn apply(&mut self, state: &u32, action: u32) -> u32 {
        if let Some(&child) = self.children.get(&(*state, action)) {
            return child;
        }
        match self.call(None, "step", *state, Some(action), |r| Ok(Some(r.unbind()))) {
            Some(s) => {
                self.states.push(s);
                let child = (self.states.len() - 1) as u32;
                if self.batch {
                    self.children.insert((*state, action), child);
                }
                child
            }
            None => *state,
        }
    }

    fn is_terminal(&mut self, state: &u32) -> bool {
        if let Some(&t) = self.terminal.get(state) {
            return t;
        }
        let t = self.call(true, "is_terminal", *state, None, |r| r.is_truthy());
        if self.batch && self.error.is_none() {
            self.terminal.insert(*state, t);
        }
        t
    }

    fn reward(&mut self, state: &u32) -> f64 {
        self.call(0.0, "reward", *state, None, |r| r.extract())
    }

    fn heuristic(&mut self, state: &u32) -> Option<f64> {
        if !self.has_heuristic {
            return None;
        }
        Some(self.call(0.0, "heuristic", *state, None, |r| r.extract()))
    }

    fn cost(&mut self, state: &u32, action: u32) -> f64 {
        if !self.has_cost {
            return 1.0;
        }
        self.call(0.0, "cost", *state, Some(action), |r| r.extract())
    }

    /// Python's hash of the state (asked only when merging transpositions).
    fn key(&mut self, state: &u32) -> Option<u64> {
        if self.error.is_some() {
            return None;
        }
        let h = Python::attach(|py| self.states[*state as usize].bind(py).hash());
        match h {
            Ok(h) => Some(h as u64),
            Err(e) => {
                self.error = Some(e);
                None
            }
        }
    }

    fn failed(&self) -> bool {
        self.error.is_some()
    }
}

/// Which algorithm, parsed once.
#[derive(Clone, Copy)]
enum Algorithm {
    Dfs(Option<u32>),
    Iddfs(Option<u32>),
    Bfs,
    Beam(usize),
    BestFirst {
        astar: bool,
    },
    /// `particles`: particle filtering, else best-of-N.
    Sampling {
        particles: bool,
        n: usize,
        temperature: f64,
        seed: u64,
    },
}

/// How the sampling searches sample: (samples, temperature, seed).
type SamplingArgs = (i64, f64, u64);

fn algorithm(
    name: &str,
    beam_width: i64,
    max_depth: Option<i64>,
    (samples, temperature, seed): SamplingArgs,
) -> PyResult<Algorithm> {
    let depth = max_depth.map(|d| d.clamp(0, u32::MAX as i64) as u32);
    Ok(match name {
        "dfs" => Algorithm::Dfs(depth),
        "iddfs" => Algorithm::Iddfs(depth),
        "best_of_n" | "particle_filter" => {
            if samples < 1 || !(temperature.is_finite() && temperature > 0.0) {
                return Err(input(format!(
                    "{name} needs samples >= 1 and a temperature > 0, got {samples} and {temperature}"
                )));
            }
            Algorithm::Sampling {
                particles: name == "particle_filter",
                n: samples as usize,
                temperature,
                seed,
            }
        }
        "bfs" => Algorithm::Bfs,
        "beam" => {
            if beam_width < 1 {
                return Err(input(format!("beam_width must be >= 1, got {beam_width}")));
            }
            Algorithm::Beam(beam_width as usize)
        }
        "greedy" | "best_first" => Algorithm::BestFirst { astar: false },
        "astar" => Algorithm::BestFirst { astar: true },
        other => {
            return Err(input(format!(
                "unknown algorithm '{other}' (expected dfs, bfs, beam, best_first, greedy, astar, \
                 iddfs, best_of_n or particle_filter)"
            )))
        }
    })
}

fn run_algorithm<E: Env, R: Recorder<u32>>(
    env: &mut E,
    root: E::State,
    algo: Algorithm,
    budget: Budget,
    rec: &mut R,
) -> Outcome<E::State> {
    match algo {
        Algorithm::Dfs(depth) => search::dfs_recorded(env, root, depth, budget, rec),
        Algorithm::Bfs => search::bfs_recorded(env, root, budget, rec),
        Algorithm::Beam(width) => search::beam_recorded(env, root, width, budget, rec),
        Algorithm::BestFirst { astar } => {
            search::best_first_recorded(env, root, astar, budget, rec)
        }
        Algorithm::Iddfs(depth) => search::iddfs_recorded(env, root, depth, budget, rec),
        Algorithm::Sampling {
            particles: true,
            n,
            temperature,
            seed,
        } => search::particle_filter_recorded(env, root, n, temperature, seed, budget, rec),
        Algorithm::Sampling {
            n,
            temperature,
            seed,
            ..
        } => search::best_of_n_recorded(env, root, n, temperature, seed, budget, rec),
    }
}

/// Run with a tree recorder when `record`, else with none (free).
fn run_maybe_recorded<E: Env>(
    env: &mut E,
    root: E::State,
    algo: Algorithm,
    budget: Budget,
    record: bool,
) -> (Outcome<E::State>, Option<Tree<u32>>) {
    if record {
        let mut tree = Tree::new();
        let out = run_algorithm(env, root, algo, budget, &mut tree);
        (out, Some(tree))
    } else {
        (run_algorithm(env, root, algo, budget, &mut NoRecord), None)
    }
}

/// A recorded tree as columns: (parent, action, depth, value, outcome,
/// visit, expand); -1 for "none"/"never".
type TreeColumns = (
    Vec<i64>,
    Vec<i64>,
    Vec<u32>,
    Vec<f64>,
    Vec<String>,
    Vec<i64>,
    Vec<i64>,
);

fn columns(tree: &Tree<u32>) -> TreeColumns {
    let signed = |v: u32| if v == NONE { -1 } else { v as i64 };
    let nodes = tree.nodes();
    (
        nodes.iter().map(|n| signed(n.parent)).collect(),
        (0..nodes.len() as u32)
            .map(|i| signed(*tree.payload(i)))
            .collect(),
        nodes.iter().map(|n| n.depth).collect(),
        nodes.iter().map(|n| n.value).collect(),
        nodes.iter().map(|n| n.outcome.name().to_string()).collect(),
        nodes.iter().map(|n| signed(n.visit)).collect(),
        nodes.iter().map(|n| signed(n.expand)).collect(),
    )
}

/// The limits (max_nodes, max_evaluations, max_cost, max_seconds).
type Limits = (Option<i64>, Option<i64>, Option<f64>, Option<f64>);

fn budget(
    (max_nodes, max_evaluations, max_cost, max_seconds): Limits,
    transpositions: bool,
) -> PyResult<Budget> {
    if let Some(s) = max_seconds.filter(|s| s.is_nan() || *s < 0.0) {
        return Err(input(format!("max_seconds must be >= 0, got {s}")));
    }
    Ok(Budget {
        nodes: max_nodes.map(|n| n.max(0) as u64),
        evaluations: max_evaluations.map(|n| n.max(0) as u64),
        cost: max_cost,
        seconds: max_seconds,
        transpositions,
    })
}

/// (stop, actions, goal, (nodes, evaluations, cost), recorded tree)
type Found = (
    String,
    Vec<u32>,
    Option<Py<PyAny>>,
    (u64, u64, f64),
    Option<TreeColumns>,
);

fn found<S>(out: &Outcome<S>, goal: Option<Py<PyAny>>, tree: Option<Tree<u32>>) -> Found {
    let s = out.spent;
    (
        out.stop.name().to_string(),
        out.path.clone(),
        goal,
        (s.nodes, s.evaluations, s.cost),
        tree.as_ref().map(columns),
    )
}

/// Search a Python environment (see clew.search.Env) from `root`.
#[pyfunction]
#[pyo3(signature = (env, root, algorithm = "best_first", beam_width = 10, max_depth = None,
                    max_nodes = None, max_evaluations = None, max_cost = None, record = false,
                    samples = 16, temperature = 1.0, seed = 0, transpositions = false,
                    max_seconds = None))]
#[allow(clippy::too_many_arguments)]
fn search_python(
    env: &Bound<'_, PyAny>,
    root: &Bound<'_, PyAny>,
    algorithm: &str,
    beam_width: i64,
    max_depth: Option<i64>,
    max_nodes: Option<i64>,
    max_evaluations: Option<i64>,
    max_cost: Option<f64>,
    record: bool,
    samples: i64,
    temperature: f64,
    seed: u64,
    transpositions: bool,
    max_seconds: Option<f64>,
) -> PyResult<Found> {
    let algo = self::algorithm(
        algorithm,
        beam_width,
        max_depth,
        (samples, temperature, seed),
    )?;
    let limits = (max_nodes, max_evaluations, max_cost, max_seconds);
    let budget = budget(limits, transpositions)?;
    let mut py_env = PyEnv::new(env).batching();
    py_env.states.push(root.clone().unbind());
    let (out, tree) = guarded(|| Ok(run_maybe_recorded(&mut py_env, 0, algo, budget, record)))?;
    if let Some(e) = py_env.error.take() {
        return Err(e);
    }
    let goal = out
        .goal
        .map(|g| py_env.states[g as usize].clone_ref(env.py()));
    Ok(found(&out, goal, tree))
}

/// Search a built-in environment: `"countdown"` (root: the numbers;
/// `target`, `rules`, `heuristic`) or `"sudoku"` (root: the puzzle text).
/// Runs with the GIL released.
#[pyfunction]
#[pyo3(signature = (kind, root, algorithm = "best_first", beam_width = 10, max_depth = None,
                    max_nodes = None, max_evaluations = None, max_cost = None,
                    target = 0, rules = "sos", heuristic = "sum", box_shape = None, record = false,
                    samples = 16, temperature = 1.0, seed = 0, transpositions = false,
                    max_seconds = None))]
#[allow(clippy::too_many_arguments)]
fn search_builtin(
    py: Python<'_>,
    kind: &str,
    root: &Bound<'_, PyAny>,
    algorithm: &str,
    beam_width: i64,
    max_depth: Option<i64>,
    max_nodes: Option<i64>,
    max_evaluations: Option<i64>,
    max_cost: Option<f64>,
    target: u64,
    rules: &str,
    heuristic: &str,
    box_shape: Option<(usize, usize)>,
    record: bool,
    samples: i64,
    temperature: f64,
    seed: u64,
    transpositions: bool,
    max_seconds: Option<f64>,
) -> PyResult<Found> {
    let algo = self::algorithm(
        algorithm,
        beam_width,
        max_depth,
        (samples, temperature, seed),
    )?;
    let limits = (max_nodes, max_evaluations, max_cost, max_seconds);
    let budget = budget(limits, transpositions)?;
    match kind {
        "countdown" => {
            let numbers: Vec<u64> = root.extract()?;
            let rules = Rules::from_name(rules)
                .ok_or_else(|| input(format!("unknown rules '{rules}' (sos, classic, subset)")))?;
            let heuristic = HeuristicKind::from_name(heuristic)
                .ok_or_else(|| input(format!("unknown heuristic '{heuristic}' (sum, mult)")))?;
            let state = CountdownEnv::root(&numbers).map_err(to_py)?;
            let (out, tree) = detached(py, move |_| {
                let mut env = CountdownEnv::new(target, rules, heuristic);
                Ok(run_maybe_recorded(&mut env, state, algo, budget, record))
            })?;
            let goal = out
                .goal
                .map(|g| {
                    g.as_slice()
                        .to_vec()
                        .into_pyobject(py)
                        .map(|o| o.into_any().unbind())
                })
                .transpose()?;
            Ok(found(&out, goal, tree))
        }
        "sudoku" => {
            let text: String = root.extract()?;
            let grid = Grid::parse(&text, box_shape).map_err(to_py)?;
            grid.check_givens().map_err(to_py)?;
            let (out, tree) = detached(py, move |_| {
                Ok(run_maybe_recorded(
                    &mut SudokuEnv,
                    grid,
                    algo,
                    budget,
                    record,
                ))
            })?;
            let goal = out
                .goal
                .as_ref()
                .map(|g| g.to_text().into_pyobject(py).map(|o| o.into_any().unbind()))
                .transpose()?;
            Ok(found(&out, goal, tree))
        }
        other => Err(input(format!(
            "unknown built-in environment '{other}' (countdown, sudoku)"
        ))),
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<MctsForest>()?;
    m.add_function(wrap_pyfunction!(search_python, m)?)?;
    m.add_function(wrap_pyfunction!(search_builtin, m)?)?;
    crate::env_mcts::register(m)
}
