//! Budgets for the searches over an [`Env`](super::env::Env), and what a
//! search reports: how it stopped, the path it found, what it spent.

use crate::trace::tree::{Outcome as TreeOutcome, Recorder};

/// Limits; `None` is unlimited. `nodes` counts states generated (the root
/// included), `evaluations` heuristic calls (or child values from a batched
/// expansion), `cost` the sum of [`Env::cost`](super::env::Env::cost) over
/// the actions applied, `seconds` the wall-clock time since the search
/// started (the searches over an `Env` only; [`EnvMcts`](super::EnvMcts)
/// ignores it). Budgets are checked before each child is generated and
/// before each batched [`Env::prepare`](super::env::Env::prepare), never
/// inside one: a batch can overshoot by what it spends.
/// `transpositions`: spend less by merging states with the same
/// [`Env::key`](super::env::Env::key) (a transposition table): a child
/// whose key was generated before is dropped, its step's cost still
/// counted, not a node. DFS, BFS, beam and best-first honour it; iterative
/// deepening and the samplers ignore it (it would cost them solutions).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Budget {
    pub nodes: Option<u64>,
    pub evaluations: Option<u64>,
    pub cost: Option<f64>,
    pub seconds: Option<f64>,
    pub transpositions: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Spent {
    pub nodes: u64,
    pub evaluations: u64,
    pub cost: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// A goal was reached.
    Solved,
    /// Everything reachable (within the algorithm's limits) was searched.
    Exhausted,
    /// A budget ran out: `"nodes"`, `"evaluations"`, `"cost"` or `"seconds"`.
    Budget(&'static str),
    /// The environment failed (a Python method raised).
    Failed,
}

impl Stop {
    pub fn name(self) -> &'static str {
        match self {
            Stop::Solved => "solved",
            Stop::Exhausted => "exhausted",
            Stop::Budget(what) => what,
            Stop::Failed => "failed",
        }
    }
}

/// A search's answer: the actions from the root to the goal (empty when
/// none was found), the goal state, and what was spent.
#[derive(Clone, Debug)]
pub struct Outcome<S> {
    pub stop: Stop,
    pub path: Vec<u32>,
    pub goal: Option<S>,
    pub spent: Spent,
}

/// The searched nodes (parent, action) for path reconstruction, the meter,
/// and the recorder every search writes its tree through (node ids are the
/// same in both: the root is 0, then generation order).
pub(crate) struct Book<'r, R: Recorder<u32>> {
    pub budget: Budget,
    pub spent: Spent,
    links: Vec<(u32, u32)>,
    rec: &'r mut R,
    /// Keys of the states generated so far, when transpositions are merged.
    seen: Option<std::collections::HashSet<u64>>,
    started: std::time::Instant,
}

impl<'r, R: Recorder<u32>> Book<'r, R> {
    pub fn new(budget: Budget, rec: &'r mut R) -> Self {
        Book {
            budget,
            spent: Spent::default(),
            links: Vec::new(),
            rec,
            seen: budget.transpositions.then(std::collections::HashSet::new),
            started: std::time::Instant::now(),
        }
    }

    /// Whether `state` was generated before (and remember it if not).
    fn transposed<E: super::env::Env>(&mut self, env: &mut E, state: &E::State) -> bool {
        match (&mut self.seen, env.key(state)) {
            (Some(seen), Some(k)) => !seen.insert(k),
            _ => false,
        }
    }

    /// Which budget is exhausted, if any.
    pub fn over(&self) -> Option<Stop> {
        let b = &self.budget;
        if b.nodes.is_some_and(|n| self.spent.nodes >= n) {
            Some(Stop::Budget("nodes"))
        } else if b.evaluations.is_some_and(|n| self.spent.evaluations >= n) {
            Some(Stop::Budget("evaluations"))
        } else if b.cost.is_some_and(|c| self.spent.cost >= c) {
            Some(Stop::Budget("cost"))
        } else if b
            .seconds
            .is_some_and(|s| self.started.elapsed().as_secs_f64() >= s)
        {
            Some(Stop::Budget("seconds"))
        } else {
            None
        }
    }

    /// Record a generated node (heuristic `h`); returns its id.
    pub fn node(&mut self, parent: u32, action: u32, cost: f64, h: f64) -> u32 {
        self.spent.nodes += 1;
        self.spent.cost += cost;
        self.links.push((parent, action));
        if parent == u32::MAX {
            self.rec.root(|| action, h);
        } else {
            self.rec.child(parent, || action, h, TreeOutcome::Open);
        }
        (self.links.len() - 1) as u32
    }

    pub fn root(&mut self, h: f64) -> u32 {
        self.node(u32::MAX, u32::MAX, 0.0, h)
    }

    /// Remember the root's key (a transposition back to it is dropped).
    pub fn seen_root<E: super::env::Env>(&mut self, env: &mut E, root: &E::State) {
        self.transposed(env, root);
    }

    /// Hand `states` (about to be expanded) to a batched environment's
    /// [`Env::prepare`](super::env::Env::prepare), unless it failed or a
    /// budget is spent. A node budget bounds the batch: each expansion that
    /// is not a dead end generates a node, so the states past what is left
    /// would not be expanded anyway; nor, with `until_goal` (a search that
    /// stops at the first goal it visits), those after a goal.
    pub fn prepare<E: super::env::Env>(&self, env: &mut E, states: &[&E::State], until_goal: bool) {
        if !env.batched() || env.failed() || self.over().is_some() {
            return;
        }
        let room = self.budget.nodes.map_or(usize::MAX, |n| {
            usize::try_from(n.saturating_sub(self.spent.nodes)).unwrap_or(usize::MAX)
        });
        let states = &states[..states.len().min(room.max(1))];
        let end = if until_goal {
            states.iter().position(|s| env.is_goal(s))
        } else {
            None
        };
        env.prepare(&states[..end.unwrap_or(states.len())]);
    }

    /// The heuristic of `state`, counted as an evaluation when there is one.
    pub fn evaluate<E: super::env::Env>(&mut self, env: &mut E, state: &E::State) -> f64 {
        match env.heuristic(state) {
            Some(h) => {
                self.spent.evaluations += 1;
                h
            }
            None => 0.0,
        }
    }

    /// The step every search shares: end on a failed environment, a goal
    /// or an exhausted budget (that `Stop` is returned), else generate each
    /// child of `state` and hand it to `child(id, state, heuristic, step
    /// cost)`; the heuristic is evaluated (and counted) only if `evaluate`:
    /// `1 - value` where the environment scored the children
    /// ([`Env::scores`](super::env::Env::scores)), else
    /// [`Env::heuristic`](super::env::Env::heuristic).
    pub fn visit<E: super::env::Env>(
        &mut self,
        env: &mut E,
        id: u32,
        state: &E::State,
        evaluate: bool,
        actions: &mut Vec<u32>,
        mut child: impl FnMut(u32, E::State, f64, f64),
    ) -> Option<Stop> {
        if env.failed() {
            return Some(Stop::Failed);
        }
        if env.is_goal(state) {
            self.rec.visit(id, TreeOutcome::Goal);
            return Some(Stop::Solved);
        }
        // A batched environment expands in legal_actions (a model call):
        // not once a budget is spent.
        if env.batched() {
            if let Some(stop) = self.over() {
                return Some(stop);
            }
        }
        actions.clear();
        env.legal_actions(state, actions);
        if actions.is_empty() {
            self.rec.visit(id, TreeOutcome::DeadEnd);
            return None;
        }
        self.rec.visit(id, TreeOutcome::Visited);
        self.rec.expand(id);
        let scores = if evaluate { env.scores(state) } else { None };
        for (i, &a) in actions.iter().enumerate() {
            if let Some(stop) = self.over() {
                return Some(stop);
            }
            let cost = env.cost(state, a);
            let next = env.apply(state, a);
            if self.transposed(env, &next) {
                self.spent.cost += cost;
                continue;
            }
            let h = match &scores {
                Some(s) => {
                    self.spent.evaluations += 1;
                    1.0 - s.values[i]
                }
                None if evaluate => self.evaluate(env, &next),
                None => f64::NAN,
            };
            child(self.node(id, a, cost, h), next, h, cost);
        }
        None
    }

    /// The outcome once the search stops; the goal's path when `stop` is
    /// `Solved` (then `last` is the node being visited).
    pub fn end<S>(self, stop: Stop, last: (u32, S)) -> Outcome<S> {
        let goal = (stop == Stop::Solved).then_some(last);
        self.finish(stop, goal)
    }

    /// The outcome of a search that ran out of nodes to visit.
    pub fn exhausted<E: super::env::Env>(self, env: &E) -> Outcome<E::State> {
        let stop = if env.failed() {
            Stop::Failed
        } else {
            Stop::Exhausted
        };
        self.finish(stop, None)
    }

    pub fn finish<S>(self, stop: Stop, goal: Option<(u32, S)>) -> Outcome<S> {
        let mut path = Vec::new();
        let goal = goal.map(|(mut n, s)| {
            while self.links[n as usize].0 != u32::MAX {
                path.push(self.links[n as usize].1);
                n = self.links[n as usize].0;
            }
            path.reverse();
            s
        });
        Outcome {
            stop,
            path,
            goal,
            spent: self.spent,
        }
    }
}
