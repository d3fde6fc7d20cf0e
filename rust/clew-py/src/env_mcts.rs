//! Python bindings for clew_core::search::env_mcts: MCTS over an
//! environment -- built-in Countdown or Sudoku (stepped in Rust) or one
//! written in Python -- with budgets, transpositions, subtree reuse, the
//! ASTRO-style walk and per-node value targets.
//!
//! Same conventions as `search.rs`: ask/tell keep the GIL (short calls),
//! arrays cross as bytes; playouts over a built-in environment run detached.

use std::sync::{Mutex, MutexGuard};

use clew_core::countdown::{HeuristicKind, Rules};
use clew_core::search::env_mcts::{countdown_trace, EnvMcts};

use clew_core::search::mcts::{Leaf, MctsConfig, NO_NODE};
use clew_core::search::{
    Budget, CountdownEnv, CountdownStates, CountdownTargetsEnv, Env, NodeValue, SudokuEnv, Targeted,
};
use clew_core::sudoku::Grid;
use clew_core::trace::render::walk::Move;
use clew_core::trace::tree::Outcome;
use clew_core::trace::Style;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyDict, PyList};

use crate::buffer;
use crate::errors::to_py;
use crate::run::{detached, guarded};
use crate::search::{
    array, bytes_of, config, gumbel_policy_bytes, input, lock_trees, root_visits_bytes, PyEnv,
};

/// The trees over one of the environments.
enum AnyMcts {
    Countdown(EnvMcts<CountdownTargetsEnv>),
    Sudoku(EnvMcts<SudokuEnv>),
    Python(EnvMcts<PyEnv>),
}

/// `$body` with `$m` bound to the trees, whichever the environment.
macro_rules! with_mcts {
    ($any:expr, $m:ident => $body:expr) => {
        match $any {
            AnyMcts::Countdown($m) => $body,
            AnyMcts::Sudoku($m) => $body,
            AnyMcts::Python($m) => $body,
        }
    };
}

#[pyclass(frozen, module = "clew._core")]
pub struct EnvMctsTrees {
    inner: Mutex<AnyMcts>,
    /// The observation width of a built-in environment (None: Python env,
    /// whose observations are whatever `env.observe` returns).
    obs_dim: Option<usize>,
}

impl EnvMctsTrees {
    fn lock(&self) -> PyResult<MutexGuard<'_, AnyMcts>> {
        lock_trees(&self.inner)
    }
}

fn ids_of(obj: &Bound<'_, PyAny>) -> PyResult<Vec<u64>> {
    let (ids, _) = buffer::read::<i64>(obj)
        .ok_or_else(|| input("leaf_ids must be an int64 array (as returned by ask)".into()))?;
    if let Some(bad) = ids.iter().find(|&&id| id < 0) {
        return Err(input(format!("unknown leaf id {bad}")));
    }
    Ok(ids.into_iter().map(|id| id as u64).collect())
}

/// The error a Python environment raised, else `e` as a Python error.
fn env_error(m: &mut AnyMcts, e: clew_core::ClewError) -> PyErr {
    match m {
        AnyMcts::Python(m) => m.env_mut().error.take().unwrap_or_else(|| to_py(e)),
        _ => to_py(e),
    }
}

fn width<E: Env>(env: &mut E, state: &E::State) -> usize {
    let mut obs = Vec::new();
    env.observe(state, &mut obs);
    obs.len()
}

/// Tree t's reached nodes in visit order as columns; `step(parent state,
/// action)` names each step.
fn value_columns<'py, E: Env>(
    py: Python<'py>,
    m: &mut EnvMcts<E>,
    t: usize,
    mut step: impl FnMut(&mut E, &E::State, u32) -> String,
) -> PyResult<Bound<'py, PyDict>> {
    let vals = m.values(t);
    let mut steps = Vec::with_capacity(vals.len());
    for v in &vals {
        steps.push(if v.parent == NO_NODE {
            String::new()
        } else {
            let s = m.state(t, v.parent).expect("handed out").clone();
            step(m.env_mut(), &s, v.action)
        });
    }
    let signed = |x: u32| if x == NO_NODE { -1 } else { x as i64 };
    let ints = |f: &dyn Fn(&NodeValue) -> i64| -> Vec<i64> { vals.iter().map(f).collect() };
    let floats = |f: &dyn Fn(&NodeValue) -> f64| -> Vec<f64> { vals.iter().map(f).collect() };
    let d = PyDict::new(py);
    d.set_item("node", ints(&|v| v.node as i64))?;
    d.set_item("parent", ints(&|v| signed(v.parent)))?;
    d.set_item("action", ints(&|v| signed(v.action)))?;
    d.set_item("depth", ints(&|v| v.depth as i64))?;
    d.set_item("visits", ints(&|v| v.visits as i64))?;
    d.set_item("value", floats(&|v| v.mean as f64))?;
    d.set_item("prior", floats(&|v| v.prior as f64))?;
    d.set_item("finished", ints(&|v| v.finished as i64))?;
    d.set_item("correct", ints(&|v| v.correct as i64))?;
    d.set_item("p_correct", floats(&|v| v.p_correct()))?;
    d.set_item(
        "terminal",
        vals.iter().map(|v| v.terminal).collect::<Vec<_>>(),
    )?;
    d.set_item("goal", vals.iter().map(|v| v.goal).collect::<Vec<_>>())?;
    d.set_item("step", steps)?;
    Ok(d)
}

/// Tree t's ASTRO-style walk as (move, actions from the root, outcome)
/// rows: "try" a child (its outcome "goal", "dead_end" or "visited"), or go
/// "back" to a state of the current path.
fn walk_rows<E: Env>(
    m: &mut EnvMcts<E>,
    t: usize,
    backtracks: Option<usize>,
) -> Vec<(&'static str, Vec<u32>, &'static str)> {
    let (tree, walk) = m.walk(t, backtracks);
    let actions = |id| -> Vec<u32> {
        tree.path(id)
            .into_iter()
            .skip(1)
            .map(|p| *tree.payload(p))
            .collect()
    };
    walk.iter()
        .map(|mv| match *mv {
            Move::Try(id) => {
                let outcome = match tree.node(id).outcome {
                    Outcome::Goal => "goal",
                    Outcome::DeadEnd => "dead_end",
                    _ => "visited",
                };
                ("try", actions(id), outcome)
            }
            Move::Back(id) => ("back", actions(id), "visited"),
        })
        .collect()
}

#[pymethods]
impl EnvMctsTrees {
    /// `kind`: "countdown" (roots: lists of numbers; target, or targets
    /// one per root; rules, heuristic), "sudoku" (roots: puzzle texts; box_shape) or "python"
    /// (roots: states of `env`; num_actions).
    #[new]
    #[pyo3(signature = (kind, roots, *, env = None, num_actions = None, target = 0, targets = None, rules = "sos",
                        heuristic = "sum", box_shape = None, rule = "uct", c = 1.0,
                        virtual_loss = 1.0, dirichlet_alpha = 0.3, dirichlet_fraction = 0.0,
                        fpu = 0.0, seed = 0, gumbel = None, gumbel_considered = 16,
                        gumbel_value_scale = 0.1, widening = None, max_nodes = None,
                        max_evaluations = None, max_cost = None, transpositions = false))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        kind: &str,
        roots: &Bound<'_, PyAny>,
        env: Option<&Bound<'_, PyAny>>,
        num_actions: Option<usize>,
        target: u64,
        targets: Option<Vec<u64>>,
        rules: &str,
        heuristic: &str,
        box_shape: Option<(usize, usize)>,
        rule: &str,
        c: f32,
        virtual_loss: f32,
        dirichlet_alpha: f32,
        dirichlet_fraction: f32,
        fpu: f32,
        seed: u64,
        gumbel: Option<u32>,
        gumbel_considered: usize,
        gumbel_value_scale: f32,
        widening: Option<(f32, f32)>,
        max_nodes: Option<u64>,
        max_evaluations: Option<u64>,
        max_cost: Option<f64>,
        transpositions: bool,
    ) -> PyResult<Self> {
        let cfg = |actions: usize| -> PyResult<MctsConfig> {
            config(
                actions,
                rule,
                c,
                virtual_loss,
                (dirichlet_alpha, dirichlet_fraction),
                false,
                fpu,
                (gumbel, gumbel_considered, gumbel_value_scale),
                widening,
                seed,
            )
        };
        let budget = Budget {
            nodes: max_nodes,
            evaluations: max_evaluations,
            cost: max_cost,
            seconds: None,
            transpositions,
        };
        let roots: Vec<Bound<'_, PyAny>> = roots.try_iter()?.collect::<PyResult<_>>()?;
        if roots.is_empty() {
            return Err(input("at least one root is needed".into()));
        }
        let (inner, obs_dim) = match kind {
            "countdown" => {
                let rules = Rules::from_name(rules).ok_or_else(|| {
                    input(format!("unknown rules '{rules}' (sos, classic, subset)"))
                })?;
                let heuristic = HeuristicKind::from_name(heuristic)
                    .ok_or_else(|| input(format!("unknown heuristic '{heuristic}' (sum, mult)")))?;
                let numbers: Vec<Vec<u64>> =
                    roots.iter().map(|r| r.extract()).collect::<PyResult<_>>()?;
                let targets = targets.unwrap_or_else(|| vec![target; numbers.len()]);
                if targets.len() != numbers.len() {
                    return Err(input(format!(
                        "{} targets for {} countdown roots",
                        targets.len(),
                        numbers.len()
                    )));
                }
                let states = numbers
                    .iter()
                    .zip(&targets)
                    .map(|(r, &target)| {
                        CountdownEnv::root(r).map(|numbers| Targeted { target, numbers })
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(to_py)?;
                let most = numbers.iter().map(Vec::len).max().unwrap_or(1);
                let mut env = CountdownTargetsEnv::new(rules, heuristic);
                let dim = width(&mut env, &states[0]);
                let m = EnvMcts::with_budget(
                    env,
                    states,
                    cfg(CountdownEnv::max_actions(most))?,
                    budget,
                )
                .map_err(to_py)?;
                (AnyMcts::Countdown(m), Some(dim))
            }
            "sudoku" => {
                let grids = roots
                    .iter()
                    .map(|r| Grid::parse(&r.extract::<String>()?, box_shape).map_err(to_py))
                    .collect::<PyResult<Vec<_>>>()?;
                let cells = grids[0].geom.cells;
                if grids.iter().any(|g| g.geom.cells != cells) {
                    return Err(input("every sudoku root must have the same size".into()));
                }
                let actions = cells * grids[0].n();
                let mut env = SudokuEnv;
                let dim = width(&mut env, &grids[0]);
                let m = EnvMcts::with_budget(env, grids, cfg(actions)?, budget).map_err(to_py)?;
                (AnyMcts::Sudoku(m), Some(dim))
            }
            "python" => {
                let env = env.ok_or_else(|| input("kind 'python' needs env".into()))?;
                let actions = num_actions
                    .ok_or_else(|| input("a Python environment needs num_actions".into()))?;
                let mut py_env = PyEnv::new(env);
                py_env.states = roots.iter().map(|r| r.clone().unbind()).collect();
                let states = (0..roots.len() as u32).collect();
                let m =
                    EnvMcts::with_budget(py_env, states, cfg(actions)?, budget).map_err(to_py)?;
                (AnyMcts::Python(m), None)
            }
            other => {
                return Err(input(format!(
                    "unknown environment '{other}' (countdown, sudoku, python)"
                )))
            }
        };
        Ok(EnvMctsTrees {
            inner: Mutex::new(inner),
            obs_dim,
        })
    }

    /// Up to k leaves needing an evaluation: (int64 leaf ids, observations
    /// -- float32 bytes (n * obs_dim) for a built-in environment, a list of
    /// `env.observe(state)` for a Python one --, int64 (tree, parent,
    /// action) rows).
    #[allow(clippy::type_complexity)]
    fn ask<'py>(
        &self,
        py: Python<'py>,
        k: i64,
    ) -> PyResult<(
        Bound<'py, PyByteArray>,
        Bound<'py, PyAny>,
        Bound<'py, PyByteArray>,
    )> {
        if k < 0 {
            return Err(input(format!("k must be >= 0, got {k}")));
        }
        let mut guard = self.lock()?;
        let any = &mut *guard;
        let (mut leaves, mut obs) = (Vec::<Leaf>::new(), Vec::<f32>::new());
        let asked =
            guarded(|| Ok(with_mcts!(&mut *any, m => m.ask(k as usize, &mut leaves, &mut obs))))?;
        if let Err(e) = asked {
            return Err(env_error(any, e));
        }
        let observations = match any {
            AnyMcts::Python(m) => {
                let list = PyList::empty(py);
                for l in &leaves {
                    let s = *m.state(l.tree as usize, l.node).expect("handed out");
                    let st = m.env_mut().states[s as usize].bind(py).clone();
                    list.append(m.env_mut().env(py).call_method1("observe", (st,))?)?;
                }
                list.into_any()
            }
            _ => PyByteArray::new(py, bytes_of(&obs)).into_any(),
        };
        let ids: Vec<i64> = leaves.iter().map(|l| l.id() as i64).collect();
        let signed = |v: u32| if v == NO_NODE { -1 } else { v as i64 };
        let rows: Vec<i64> = leaves
            .iter()
            .flat_map(|l| [l.tree as i64, signed(l.parent), signed(l.action)])
            .collect();
        Ok((
            PyByteArray::new(py, bytes_of(&ids)),
            observations,
            PyByteArray::new(py, bytes_of(&rows)),
        ))
    }

    /// Expand the leaves with float32 priors (n, num_actions) and values (n,).
    fn tell(
        &self,
        leaf_ids: &Bound<'_, PyAny>,
        priors: &Bound<'_, PyAny>,
        values: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let ids = ids_of(leaf_ids)?;
        let mut guard = self.lock()?;
        let any = &mut *guard;
        let a = with_mcts!(&*any, m => m.forest().config().num_actions);
        let priors: Vec<f32> = array(priors, "priors", "float32", &[ids.len(), a])?;
        let values: Vec<f32> = array(values, "values", "float32", &[ids.len()])?;
        let told = guarded(|| Ok(with_mcts!(&mut *any, m => m.tell(&ids, &priors, &values))))?;
        told.map_err(|e| env_error(any, e))
    }

    /// Evaluate the leaves with uniform priors and one random playout each.
    fn tell_rollouts(&self, leaf_ids: &Bound<'_, PyAny>) -> PyResult<()> {
        let ids = ids_of(leaf_ids)?;
        let mut guard = self.lock()?;
        let any = &mut *guard;
        let told = guarded(|| Ok(with_mcts!(&mut *any, m => m.tell_rollouts(&ids))))?;
        told.map_err(|e| env_error(any, e))
    }

    /// `simulations` rounds evaluated by playouts (the GIL released for a
    /// built-in environment); stops early when a budget runs out.
    fn run_rollouts(&self, py: Python<'_>, simulations: usize) -> PyResult<()> {
        let mut guard = self.lock()?;
        let any = &mut *guard;
        let ran = match any {
            AnyMcts::Countdown(m) => detached(py, move |_| Ok(m.run_rollouts(simulations)))?,
            AnyMcts::Sudoku(m) => detached(py, move |_| Ok(m.run_rollouts(simulations)))?,
            AnyMcts::Python(m) => guarded(|| Ok(m.run_rollouts(simulations)))?,
        };
        ran.map_err(|e| env_error(any, e))
    }

    /// Make each tree's child by `actions[i]` its new root (subtree reuse).
    fn advance(&self, actions: Vec<i64>) -> PyResult<()> {
        let mut guard = self.lock()?;
        let any = &mut *guard;
        let n = with_mcts!(&*any, m => m.num_trees());
        if actions.len() != n {
            return Err(input(format!(
                "advance got {} actions for {n} trees",
                actions.len()
            )));
        }
        if let Some(bad) = actions.iter().find(|&&a| a < 0 || a > u32::MAX as i64) {
            return Err(input(format!("action {bad} out of range")));
        }
        let moved = guarded(|| {
            Ok(with_mcts!(&mut *any, m => actions
                .iter()
                .enumerate()
                .try_for_each(|(t, &a)| m.advance(t, a as u32))))
        })?;
        moved.map_err(|e| env_error(any, e))
    }

    /// Tree t's reached nodes in visit order, as columns.
    fn values<'py>(&self, py: Python<'py>, t: usize) -> PyResult<Bound<'py, PyDict>> {
        let mut guard = self.lock()?;
        let n = with_mcts!(&*guard, m => m.num_trees());
        if t >= n {
            return Err(input(format!("no tree {t} (there are {n})")));
        }
        match &mut *guard {
            AnyMcts::Countdown(m) => value_columns(py, m, t, |env, s, a| {
                env.countdown_step(s, a).op.to_string()
            }),
            AnyMcts::Sudoku(m) => value_columns(py, m, t, |_, g, a| {
                let n = g.n() as u32;
                let cell = a / n;
                format!("r{}c{}={}", cell / n + 1, cell % n + 1, a % n + 1)
            }),
            AnyMcts::Python(m) => value_columns(py, m, t, |_, _, a| a.to_string()),
        }
    }

    /// Tree t's ASTRO-style walk: (move, actions from the root, outcome) rows.
    #[pyo3(signature = (t = 0, backtracks = None))]
    fn walk(
        &self,
        t: usize,
        backtracks: Option<usize>,
    ) -> PyResult<Vec<(&'static str, Vec<u32>, &'static str)>> {
        let mut guard = self.lock()?;
        let n = with_mcts!(&*guard, m => m.num_trees());
        if t >= n {
            return Err(input(format!("no tree {t} (there are {n})")));
        }
        Ok(with_mcts!(&mut *guard, m => walk_rows(m, t, backtracks)))
    }

    /// Tree t of a Countdown search as a trace record (see
    /// clew.search.EnvMCTS.export_trace).
    #[pyo3(signature = (t = 0, style = "astro", backtracks = None))]
    fn trace<'py>(
        &self,
        py: Python<'py>,
        t: usize,
        style: &str,
        backtracks: Option<usize>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let st = Style::from_name(style).ok_or_else(|| {
            input(format!(
                "unknown style '{style}' (compact, wait, backtrack, astro)"
            ))
        })?;
        let mut guard = self.lock()?;
        let AnyMcts::Countdown(m) = &mut *guard else {
            return Err(input(
                "a text trace is rendered in Rust for Countdown only: use walk() for other environments".into(),
            ));
        };
        let tr = guarded(|| countdown_trace(m, t, st, backtracks).map_err(to_py))?;
        let d = PyDict::new(py);
        d.set_item("length", tr.text.chars().count())?;
        d.set_item("trace", tr.text)?;
        d.set_item("answer", tr.answer)?;
        d.set_item("backtracks", tr.backtracks)?;
        d.set_item("nodes", tr.nodes)?;
        d.set_item("depth", tr.depth)?;
        d.set_item("solved", tr.solved)?;
        d.set_item("style", style)?;
        Ok(d)
    }

    /// Tree t's root state: the numbers, the grid text, or the Python state.
    fn root_state<'py>(&self, py: Python<'py>, t: usize) -> PyResult<Bound<'py, PyAny>> {
        let guard = self.lock()?;
        let missing = || input(format!("no tree {t}"));
        Ok(match &*guard {
            AnyMcts::Countdown(m) => {
                let s = m.state(t, 0).ok_or_else(missing)?;
                s.numbers.as_slice().to_vec().into_pyobject(py)?.into_any()
            }
            AnyMcts::Sudoku(m) => {
                let g = m.state(t, 0).ok_or_else(missing)?;
                g.to_text().into_pyobject(py)?.into_any()
            }
            AnyMcts::Python(m) => {
                let s = *m.state(t, 0).ok_or_else(missing)?;
                m.env().states[s as usize].bind(py).clone()
            }
        })
    }

    /// (nodes, evaluations, cost) spent, the budget that ran out (or
    /// None), and the leaves valued from the transposition table.
    #[allow(clippy::type_complexity)]
    fn spent(&self) -> PyResult<((u64, u64, f64), Option<&'static str>, u64)> {
        let guard = self.lock()?;
        Ok(with_mcts!(&*guard, m => {
            let s = m.spent();
            ((s.nodes, s.evaluations, s.cost), m.stop().map(|x| x.name()), m.shared_evaluations())
        }))
    }

    /// Root visit counts, (num_trees * num_actions) int32 as bytes.
    fn root_visits<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyByteArray>> {
        let guard = self.lock()?;
        Ok(with_mcts!(&*guard, m => root_visits_bytes(py, m.forest())))
    }

    /// Gumbel policy targets, (num_trees * num_actions) float32 bytes.
    fn gumbel_policy<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyByteArray>> {
        let guard = self.lock()?;
        with_mcts!(&*guard, m => gumbel_policy_bytes(py, m.forest()))
    }

    fn simulations(&self) -> PyResult<Vec<u32>> {
        let guard = self.lock()?;
        Ok(
            with_mcts!(&*guard, m => (0..m.num_trees()).map(|t| m.forest().simulations(t)).collect()),
        )
    }

    #[getter]
    fn num_actions(&self) -> PyResult<usize> {
        Ok(with_mcts!(&*self.lock()?, m => m.forest().config().num_actions))
    }

    #[getter]
    fn num_trees(&self) -> PyResult<usize> {
        Ok(with_mcts!(&*self.lock()?, m => m.num_trees()))
    }

    #[getter]
    fn obs_dim(&self) -> Option<usize> {
        self.obs_dim
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<EnvMctsTrees>()
}
