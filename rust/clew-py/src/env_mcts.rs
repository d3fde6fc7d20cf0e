//! Python bindings for clew_core::search::env_mcts: MCTS over the built-in
//! Countdown environment, its ASTRO-style trace and its value targets.
//!
//! Same conventions as `search.rs`: ask/tell keep the GIL (short calls),
//! arrays cross as bytes, the playout loop runs detached.

use std::sync::{Mutex, MutexGuard};

use clew_core::countdown::{HeuristicKind, Rules};
use clew_core::search::env_mcts::{countdown_trace, EnvMcts};
use clew_core::search::mcts::{Leaf, NO_NODE};
use clew_core::search::CountdownEnv;
use clew_core::trace::Style;
use pyo3::buffer::PyBuffer;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyDict};

use crate::errors::to_py;
use crate::run::{detached, guarded};
use crate::search::{array, bytes_of, config, input, lock_trees, root_visits_bytes};

#[pyclass(frozen, module = "clew._core")]
pub struct CountdownMcts {
    inner: Mutex<EnvMcts<CountdownEnv>>,
    /// The observation width (numbers padded with -1, then the target).
    obs_dim: usize,
}

impl CountdownMcts {
    fn lock(&self) -> PyResult<MutexGuard<'_, EnvMcts<CountdownEnv>>> {
        lock_trees(&self.inner)
    }
}

fn ids_of(obj: &Bound<'_, PyAny>) -> PyResult<Vec<u64>> {
    let buf = PyBuffer::<i64>::get(obj)
        .map_err(|_| input("leaf_ids must be an int64 array (as returned by ask)".into()))?;
    let ids = buf.to_vec(obj.py())?;
    if let Some(bad) = ids.iter().find(|&&id| id < 0) {
        return Err(input(format!("unknown leaf id {bad}")));
    }
    Ok(ids.into_iter().map(|id| id as u64).collect())
}

#[pymethods]
impl CountdownMcts {
    #[new]
    #[pyo3(signature = (roots, target, rules = "sos", heuristic = "sum", rule = "uct", c = 1.0,
                        virtual_loss = 1.0, dirichlet_alpha = 0.3, dirichlet_fraction = 0.0,
                        fpu = 0.0, seed = 0, gumbel = None, gumbel_considered = 16,
                        gumbel_value_scale = 0.1, widening = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        roots: Vec<Vec<u64>>,
        target: u64,
        rules: &str,
        heuristic: &str,
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
    ) -> PyResult<Self> {
        if roots.is_empty() {
            return Err(input("at least one root is needed".into()));
        }
        let rules = Rules::from_name(rules)
            .ok_or_else(|| input(format!("unknown rules '{rules}' (sos, classic, subset)")))?;
        let heuristic = HeuristicKind::from_name(heuristic)
            .ok_or_else(|| input(format!("unknown heuristic '{heuristic}' (sum, mult)")))?;
        let states = roots
            .iter()
            .map(|r| CountdownEnv::root(r))
            .collect::<Result<Vec<_>, _>>()
            .map_err(to_py)?;
        let most = roots.iter().map(Vec::len).max().unwrap_or(1);
        let cfg = config(
            CountdownEnv::max_actions(most),
            rule,
            c,
            virtual_loss,
            (dirichlet_alpha, dirichlet_fraction),
            false,
            fpu,
            (gumbel, gumbel_considered, gumbel_value_scale),
            widening,
            seed,
        )?;
        let env = CountdownEnv::new(target, rules, heuristic);
        let mut obs = Vec::new();
        let mut probe = env.clone();
        clew_core::search::Env::observe(&mut probe, &states[0], &mut obs);
        let inner = EnvMcts::new(env, states, cfg).map_err(to_py)?;
        Ok(CountdownMcts {
            inner: Mutex::new(inner),
            obs_dim: obs.len(),
        })
    }

    /// Up to k leaves needing an evaluation: (int64 leaf ids, float32
    /// observations (n * obs_dim), int64 (tree, parent, action) rows).
    #[allow(clippy::type_complexity)]
    fn ask<'py>(
        &self,
        py: Python<'py>,
        k: i64,
    ) -> PyResult<(
        Bound<'py, PyByteArray>,
        Bound<'py, PyByteArray>,
        Bound<'py, PyByteArray>,
    )> {
        if k < 0 {
            return Err(input(format!("k must be >= 0, got {k}")));
        }
        let mut m = self.lock()?;
        let (ids, obs, rows) = guarded(|| {
            let (mut leaves, mut obs) = (Vec::<Leaf>::new(), Vec::new());
            m.ask(k as usize, &mut leaves, &mut obs).map_err(to_py)?;
            let ids: Vec<i64> = leaves.iter().map(|l| l.id() as i64).collect();
            let signed = |v: u32| if v == NO_NODE { -1 } else { v as i64 };
            let rows: Vec<i64> = leaves
                .iter()
                .flat_map(|l| [l.tree as i64, signed(l.parent), signed(l.action)])
                .collect();
            Ok((ids, obs, rows))
        })?;
        Ok((
            PyByteArray::new(py, bytes_of(&ids)),
            PyByteArray::new(py, bytes_of(&obs)),
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
        let mut m = self.lock()?;
        let a = m.forest().config().num_actions;
        let priors: Vec<f32> = array(priors, "priors", "float32", &[ids.len(), a])?;
        let values: Vec<f32> = array(values, "values", "float32", &[ids.len()])?;
        guarded(|| m.tell(&ids, &priors, &values).map_err(to_py))
    }

    /// Evaluate the leaves with uniform priors and one random playout each.
    fn tell_rollouts(&self, leaf_ids: &Bound<'_, PyAny>) -> PyResult<()> {
        let ids = ids_of(leaf_ids)?;
        let mut m = self.lock()?;
        guarded(|| m.tell_rollouts(&ids).map_err(to_py))
    }

    /// `simulations` rounds evaluated by playouts, with the GIL released.
    fn run_rollouts(&self, py: Python<'_>, simulations: usize) -> PyResult<()> {
        let mut m = self.lock()?;
        let m = &mut *m;
        detached(py, move |_| m.run_rollouts(simulations).map_err(to_py))
    }

    /// Tree t's reached nodes in visit order, as columns.
    fn values<'py>(&self, py: Python<'py>, t: usize) -> PyResult<Bound<'py, PyDict>> {
        let mut m = self.lock()?;
        if t >= m.num_trees() {
            return Err(input(format!("no tree {t} (there are {})", m.num_trees())));
        }
        let vals = m.values(t);
        let mut steps = Vec::with_capacity(vals.len());
        for v in &vals {
            steps.push(if v.parent == NO_NODE {
                String::new()
            } else {
                let s = *m.state(t, v.parent).expect("handed out");
                m.env_mut().step(&s, v.action).op.to_string()
            });
        }
        let signed = |x: u32| if x == NO_NODE { -1 } else { x as i64 };
        let d = PyDict::new(py);
        let col = |f: &dyn Fn(&clew_core::search::NodeValue) -> f64| -> Vec<f64> {
            vals.iter().map(f).collect()
        };
        d.set_item(
            "node",
            vals.iter().map(|v| v.node as i64).collect::<Vec<_>>(),
        )?;
        d.set_item(
            "parent",
            vals.iter().map(|v| signed(v.parent)).collect::<Vec<_>>(),
        )?;
        d.set_item(
            "action",
            vals.iter().map(|v| signed(v.action)).collect::<Vec<_>>(),
        )?;
        d.set_item(
            "depth",
            vals.iter().map(|v| v.depth as i64).collect::<Vec<_>>(),
        )?;
        d.set_item(
            "visits",
            vals.iter().map(|v| v.visits as i64).collect::<Vec<_>>(),
        )?;
        d.set_item("value", col(&|v| v.mean as f64))?;
        d.set_item("prior", col(&|v| v.prior as f64))?;
        d.set_item(
            "finished",
            vals.iter().map(|v| v.finished as i64).collect::<Vec<_>>(),
        )?;
        d.set_item(
            "correct",
            vals.iter().map(|v| v.correct as i64).collect::<Vec<_>>(),
        )?;
        d.set_item("p_correct", col(&|v| v.p_correct()))?;
        d.set_item(
            "terminal",
            vals.iter().map(|v| v.terminal).collect::<Vec<_>>(),
        )?;
        d.set_item("goal", vals.iter().map(|v| v.goal).collect::<Vec<_>>())?;
        d.set_item("step", steps)?;
        Ok(d)
    }

    /// Tree t as a trace record (see clew.search.EnvMCTS.export_trace).
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
        let mut m = self.lock()?;
        let tr = guarded(|| countdown_trace(&mut m, t, st, backtracks).map_err(to_py))?;
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

    /// Root visit counts, (num_trees * num_actions) int32 as bytes.
    fn root_visits<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyByteArray>> {
        Ok(root_visits_bytes(py, self.lock()?.forest()))
    }

    fn simulations(&self) -> PyResult<Vec<u32>> {
        let m = self.lock()?;
        Ok((0..m.num_trees())
            .map(|t| m.forest().simulations(t))
            .collect())
    }

    #[getter]
    fn num_actions(&self) -> PyResult<usize> {
        Ok(self.lock()?.forest().config().num_actions)
    }

    #[getter]
    fn num_trees(&self) -> PyResult<usize> {
        Ok(self.lock()?.num_trees())
    }

    #[getter]
    fn obs_dim(&self) -> usize {
        self.obs_dim
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<CountdownMcts>()
}
