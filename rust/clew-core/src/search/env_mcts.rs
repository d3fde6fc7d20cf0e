//! MCTS over an [`Env`]: a [`Forest`] whose nodes are states.
//!
//! The forest stays ask/tell; this layer steps the environment to every
//! leaf handed out, settles terminal leaves itself (their reward is exact),
//! and hands the others to the caller with their observations and legal
//! actions. A caller without a model can let [`EnvMcts::tell_rollouts`]
//! evaluate instead: uniform priors and one random playout to a terminal
//! state, whose reward is the value.
//!
//! Beside the forest's statistics it keeps what an export needs: each
//! node's state, the order nodes were first reached (visit order), and per
//! node how many simulations through it ended on a terminal state (in the
//! tree or by a playout) and how many of those on a goal, the
//! process-reward target of ReST-MCTS*/Math-Shepherd.
//!
//! Budgets ([`Budget`]: nodes reached, leaves handed to the evaluator, the
//! summed [`Env::cost`] of the steps taken) bound what `ask` hands out.
//! With `Budget::transpositions`, a leaf whose [`Env::key`] matches an
//! already evaluated node of its tree is not evaluated again: it is
//! expanded with that node's priors and valued at that node's current mean
//! (statistics shared, nodes not merged: the tree stays a tree).

use std::collections::HashMap;

use super::budget::{Budget, Spent, Stop};
use super::env::Env;
use super::mcts::{Evaluation, Forest, Leaf, MctsConfig, NO_NODE};
use crate::error::{ClewError, Result};
use crate::sudoku::rng::Rng;
use crate::trace::render::walk::{Move, Walk};
use crate::trace::tree::{NodeId, Outcome, Recorder, Tree};

/// Steps a playout may take before it is abandoned (uncounted).
const MAX_PLAYOUT: usize = 10_000;

/// A batch of MCTS trees over one environment, one tree per root state.
pub struct EnvMcts<E: Env> {
    env: E,
    forest: Forest,
    /// Per tree, per forest node: its state once handed out.
    states: Vec<Vec<Option<E::State>>>,
    /// Per tree: nodes in the order they were first handed out.
    order: Vec<Vec<u32>>,
    /// Per tree, per node: simulations through it that ended on a terminal
    /// state, and those of them that ended on a goal.
    finished: Vec<Vec<u32>>,
    correct: Vec<Vec<u32>>,
    /// Per tree: the first playout that reached a goal (its start node and
    /// its actions), so that a trace can end on a solution the tree itself
    /// has not reached yet.
    playout_goal: Vec<Option<(u32, Vec<u32>)>>,
    rngs: Vec<Rng>,
    raw: Vec<Leaf>,
    actions: Vec<u32>,
    zeros: Vec<f32>,
    budget: Budget,
    spent: Spent,
    stop: Option<Stop>,
    /// Per tree (with `budget.transpositions`): state key -> the first node
    /// with it that went to the evaluator.
    table: Vec<HashMap<u64, u32>>,
    /// Leaves settled from the table instead of the evaluator.
    shared: u64,
}

/// One node's statistics, for value targets (see [`EnvMcts::values`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NodeValue {
    pub node: u32,
    /// [`NO_NODE`] for the root.
    pub parent: u32,
    pub action: u32,
    pub depth: u32,
    pub visits: u32,
    /// Mean backed-up value (NaN when unvisited).
    pub mean: f32,
    pub prior: f32,
    /// Simulations through the node that ended on a terminal state.
    pub finished: u32,
    /// Those that ended on a goal.
    pub correct: u32,
    pub terminal: bool,
    pub goal: bool,
}

impl NodeValue {
    /// `correct / finished`; NaN when no simulation through it finished.
    pub fn p_correct(&self) -> f64 {
        if self.finished == 0 {
            f64::NAN
        } else {
            self.correct as f64 / self.finished as f64
        }
    }
}

fn split(id: u64) -> (usize, u32) {
    ((id >> 32) as usize, (id & 0xFFFF_FFFF) as u32)
}

impl<E: Env> EnvMcts<E> {
    /// One tree per root; `cfg.num_actions` must bound every action id the
    /// environment lists. Playouts of tree `i` draw from `(cfg.seed, i)`
    /// offset from the forest's own streams.
    pub fn new(env: E, roots: Vec<E::State>, cfg: MctsConfig) -> Result<Self> {
        Self::with_budget(env, roots, cfg, Budget::default())
    }

    /// [`new`](Self::new) with limits and optional transpositions (see the
    /// module's notes). Spending is counted over every tree together.
    pub fn with_budget(
        env: E,
        roots: Vec<E::State>,
        cfg: MctsConfig,
        budget: Budget,
    ) -> Result<Self> {
        if cfg.two_player {
            return Err(ClewError::InvalidInput(
                "MCTS over an environment is single-agent: two_player must be false".into(),
            ));
        }
        let n = roots.len();
        let seed = cfg.seed;
        let a = cfg.num_actions;
        let forest = Forest::new(cfg, n)?;
        Ok(EnvMcts {
            env,
            forest,
            states: roots.into_iter().map(|r| vec![Some(r)]).collect(),
            order: vec![Vec::new(); n],
            finished: vec![Vec::new(); n],
            correct: vec![Vec::new(); n],
            playout_goal: vec![None; n],
            rngs: (0..n)
                .map(|i| Rng::derive(seed ^ 0x9E37_79B9_7F4A_7C15, i as u64))
                .collect(),
            raw: Vec::new(),
            actions: Vec::new(),
            zeros: vec![0.0; a],
            budget,
            spent: Spent::default(),
            stop: None,
            table: vec![HashMap::new(); n],
            shared: 0,
        })
    }

    /// What the search spent so far: nodes reached (roots included), leaves
    /// handed to the evaluator (or to playouts), summed step costs.
    pub fn spent(&self) -> Spent {
        self.spent
    }

    /// The budget that ran out (`ask` then hands nothing out), if any.
    pub fn stop(&self) -> Option<Stop> {
        self.stop
    }

    /// Leaves valued from the transposition table instead of the evaluator.
    pub fn shared_evaluations(&self) -> u64 {
        self.shared
    }

    /// `k` cut to what the budgets leave (0, and `stop` set, when spent).
    fn affordable(&mut self, k: usize) -> usize {
        let b = self.budget;
        let left =
            |limit: Option<u64>, used: u64| limit.map_or(u64::MAX, |l| l.saturating_sub(used));
        let over = if left(b.nodes, self.spent.nodes) == 0 {
            Some("nodes")
        } else if left(b.evaluations, self.spent.evaluations) == 0 {
            Some("evaluations")
        } else if b.cost.is_some_and(|c| self.spent.cost >= c) {
            Some("cost")
        } else {
            None
        };
        if let Some(what) = over {
            self.stop = Some(Stop::Budget(what));
            return 0;
        }
        let room = left(b.nodes, self.spent.nodes).min(left(b.evaluations, self.spent.evaluations));
        k.min(usize::try_from(room).unwrap_or(usize::MAX))
    }

    pub fn forest(&self) -> &Forest {
        &self.forest
    }

    pub fn env(&self) -> &E {
        &self.env
    }

    pub fn env_mut(&mut self) -> &mut E {
        &mut self.env
    }

    pub fn num_trees(&self) -> usize {
        self.forest.num_trees()
    }

    /// The state of node `node` of tree `t`, once it was handed out.
    pub fn state(&self, t: usize, node: u32) -> Option<&E::State> {
        self.states.get(t)?.get(node as usize)?.as_ref()
    }

    /// Tree `t`'s nodes in the order they were first reached.
    pub fn visit_order(&self, t: usize) -> &[u32] {
        &self.order[t]
    }

    /// Count one finished simulation through `node` and its ancestors.
    fn finish(&mut self, t: usize, node: u32, goal: bool) {
        let len = self.forest.tree_len(t);
        let (f, c) = (&mut self.finished[t], &mut self.correct[t]);
        f.resize(len.max(f.len()), 0);
        c.resize(len.max(c.len()), 0);
        let mut n = node;
        while n != NO_NODE {
            f[n as usize] += 1;
            c[n as usize] += goal as u32;
            n = self.forest.node(t, n).parent;
        }
    }

    /// Hand out up to `k` leaves that need an evaluation, appending each
    /// one's observation to `obs`. Terminal leaves met on the way are told
    /// their reward at once and are not handed out, nor are transpositions
    /// (so fewer than `k` may come back even while the search goes on).
    /// Nothing comes back once a budget is spent (see [`stop`](Self::stop)):
    /// `k` is cut to the nodes and evaluations left; the cost is checked
    /// before each ask, so the last one may overshoot it by one round.
    pub fn ask(&mut self, k: usize, out: &mut Vec<Leaf>, obs: &mut Vec<f32>) -> Result<()> {
        out.clear();
        let k = self.affordable(k);
        if k == 0 {
            return Ok(());
        }
        self.forest.ask(k, &mut self.raw);
        for i in 0..self.forest.terminal_hits().len() {
            let hit = self.forest.terminal_hits()[i];
            let (t, n) = (hit.tree as usize, hit.node);
            let goal = match &self.states[t][n as usize] {
                Some(s) => self.env.is_goal(s),
                None => false,
            };
            self.finish(t, n, goal);
        }
        let mut settled: Vec<(u64, f32)> = Vec::new();
        let (mut shared_ids, mut shared_priors, mut shared_values) =
            (Vec::new(), Vec::new(), Vec::new());
        for i in 0..self.raw.len() {
            let leaf = self.raw[i];
            let (t, n) = (leaf.tree as usize, leaf.node);
            if leaf.parent != NO_NODE {
                let parent = self.states[t][leaf.parent as usize]
                    .clone()
                    .expect("a parent is handed out before its children");
                self.spent.cost += self.env.cost(&parent, leaf.action);
                let s = self.env.apply(&parent, leaf.action);
                let v = &mut self.states[t];
                v.resize(v.len().max(n as usize + 1), None);
                v[n as usize] = Some(s);
            }
            self.spent.nodes += 1;
            self.order[t].push(n);
            let s = self.states[t][n as usize].clone().expect("just stored");
            if self.env.is_terminal(&s) {
                let r = self.env.reward(&s);
                let goal = self.env.is_goal(&s);
                settled.push((leaf.id(), r as f32));
                self.finish(t, n, goal);
            } else if let Some(value) = self.transposed(t, n, &s, &mut shared_priors) {
                shared_ids.push(leaf.id());
                shared_values.push(value);
                self.shared += 1;
            } else {
                self.env.observe(&s, obs);
                self.spent.evaluations += 1;
                out.push(leaf);
            }
        }
        if self.env.failed() {
            return Err(ClewError::InvalidInput("the environment failed".into()));
        }
        let zeros = &self.zeros;
        let evals: Vec<Evaluation<'_>> = settled
            .iter()
            .map(|&(id, v)| Evaluation {
                leaf_id: id,
                priors: zeros,
                value: v,
                terminal: true,
                legal: None,
            })
            .collect();
        self.forest.tell(&evals)?;
        self.tell(&shared_ids, &shared_priors, &shared_values)
    }

    /// With transpositions on: the value of node `n` of tree `t` (state `s`)
    /// taken from the evaluated node with the same key, its priors appended
    /// to `priors`; `None` (and `n` entered in the table when the key is
    /// new) when it must go to the evaluator.
    fn transposed(&mut self, t: usize, n: u32, s: &E::State, priors: &mut Vec<f32>) -> Option<f32> {
        if !self.budget.transpositions {
            return None;
        }
        let key = self.env.key(s)?;
        let Some(&first) = self.table[t].get(&key) else {
            self.table[t].insert(key, n);
            return None;
        };
        let st = self.forest.node(t, first);
        // Still in flight (asked in this very round): evaluate this one too.
        if !st.expanded || st.visits == 0 {
            return None;
        }
        let at = priors.len();
        priors.resize(at + self.zeros.len(), 0.0);
        for c in st.children.clone() {
            let ch = self.forest.node(t, c);
            priors[at + ch.action as usize] = ch.prior;
        }
        Some(st.mean)
    }

    /// Make tree `t`'s child by `action` its new root, keeping the subtree,
    /// its statistics and the per-node records (visit order, finished and
    /// correct counts, the transposition table); an action never expanded
    /// starts afresh from the stepped state. Errors while leaves of `t` are
    /// in flight, or for an action the root does not allow.
    pub fn advance(&mut self, t: usize, action: u32) -> Result<()> {
        let root = self
            .state(t, 0)
            .cloned()
            .ok_or_else(|| ClewError::InvalidInput(format!("no tree {t}")))?;
        self.actions.clear();
        self.env.legal_actions(&root, &mut self.actions);
        if !self.actions.contains(&action) {
            return Err(ClewError::InvalidInput(format!(
                "action {action} is not legal at tree {t}'s root"
            )));
        }
        let kept = self.forest.advance_keeping(t, action)?;
        let remap = |v: &Vec<u32>| -> Vec<u32> {
            kept.iter()
                .map(|&o| v.get(o as usize).copied().unwrap_or(0))
                .collect()
        };
        self.finished[t] = remap(&self.finished[t]);
        self.correct[t] = remap(&self.correct[t]);
        let mut new_id = vec![NO_NODE; self.states[t].len().max(1)];
        for (new, &old) in kept.iter().enumerate() {
            if let Some(slot) = new_id.get_mut(old as usize) {
                *slot = new as u32;
            }
        }
        let old_states = std::mem::take(&mut self.states[t]);
        let mut states: Vec<Option<E::State>> = kept
            .iter()
            .map(|&o| old_states.get(o as usize).cloned().flatten())
            .collect();
        // The new root was reached before (its subtree is kept) or not (it
        // is handed out afresh by the next ask and enters the order then).
        let reached = states.first().is_some_and(|s| s.is_some());
        if !reached {
            let s = self.env.apply(&root, action);
            if states.is_empty() {
                states.push(None);
            }
            states[0] = Some(s);
        }
        self.states[t] = states;
        let old_order = std::mem::take(&mut self.order[t]);
        self.order[t] = old_order
            .into_iter()
            .filter_map(|o| new_id.get(o as usize).copied().filter(|&n| n != NO_NODE))
            .collect();
        if !reached {
            self.order[t].clear();
        }
        self.table[t].retain(|_, n| {
            let m = new_id.get(*n as usize).copied().unwrap_or(NO_NODE);
            *n = m;
            m != NO_NODE
        });
        self.playout_goal[t] = self.playout_goal[t].take().and_then(|(start, path)| {
            let m = new_id.get(start as usize).copied().unwrap_or(NO_NODE);
            (m != NO_NODE).then_some((m, path))
        });
        if self.env.failed() {
            return Err(ClewError::InvalidInput("the environment failed".into()));
        }
        Ok(())
    }

    /// The legal-action mask of a handed-out leaf, into `mask`.
    fn legal(&mut self, id: u64, mask: &mut [bool]) -> Result<()> {
        let (t, n) = split(id);
        let Some(s) = self
            .states
            .get(t)
            .and_then(|v| v.get(n as usize))
            .and_then(|s| s.as_ref())
        else {
            return Err(ClewError::InvalidInput(format!(
                "leaf id {id} was never handed out"
            )));
        };
        self.actions.clear();
        self.env.legal_actions(s, &mut self.actions);
        mask.fill(false);
        for &a in &self.actions {
            match mask.get_mut(a as usize) {
                Some(m) => *m = true,
                None => {
                    return Err(ClewError::InvalidInput(format!(
                        "the environment lists action {a}, beyond num_actions = {}",
                        mask.len()
                    )))
                }
            }
        }
        Ok(())
    }

    /// Expand the leaves `ids` with the caller's `priors` (`ids.len() x
    /// num_actions`, row-major) and `values`; children are the legal
    /// actions. All-or-nothing, as [`Forest::tell`].
    pub fn tell(&mut self, ids: &[u64], priors: &[f32], values: &[f32]) -> Result<()> {
        if ids.is_empty() && priors.is_empty() && values.is_empty() {
            return Ok(());
        }
        let a = self.forest.config().num_actions;
        if priors.len() != ids.len() * a || values.len() != ids.len() {
            return Err(ClewError::InvalidInput(format!(
                "{} leaves need {} priors and {} values, got {} and {}",
                ids.len(),
                ids.len() * a,
                ids.len(),
                priors.len(),
                values.len()
            )));
        }
        let mut legal = vec![false; ids.len() * a];
        for (i, &id) in ids.iter().enumerate() {
            self.legal(id, &mut legal[i * a..(i + 1) * a])?;
        }
        let evals: Vec<Evaluation<'_>> = ids
            .iter()
            .enumerate()
            .map(|(i, &id)| Evaluation {
                leaf_id: id,
                priors: &priors[i * a..(i + 1) * a],
                value: values[i],
                terminal: false,
                legal: Some(&legal[i * a..(i + 1) * a]),
            })
            .collect();
        self.forest.tell(&evals)
    }

    /// The built-in evaluator: uniform priors, and as value the reward of
    /// one uniformly random playout from the leaf to a terminal state.
    pub fn tell_rollouts(&mut self, ids: &[u64]) -> Result<()> {
        let a = self.forest.config().num_actions;
        let mut values = Vec::with_capacity(ids.len());
        for &id in ids {
            let (t, n) = split(id);
            let Some(mut s) = self.state(t, n).cloned() else {
                return Err(ClewError::InvalidInput(format!(
                    "leaf id {id} was never handed out"
                )));
            };
            let mut path = Vec::new();
            let mut ended = false;
            for _ in 0..MAX_PLAYOUT {
                if self.env.is_terminal(&s) {
                    ended = true;
                    break;
                }
                self.actions.clear();
                self.env.legal_actions(&s, &mut self.actions);
                if self.actions.is_empty() {
                    ended = true;
                    break;
                }
                let pick = self.actions[self.rngs[t].below(self.actions.len() as u32) as usize];
                path.push(pick);
                s = self.env.apply(&s, pick);
            }
            let value = if ended { self.env.reward(&s) } else { 0.0 };
            if ended {
                let goal = self.env.is_goal(&s);
                self.finish(t, n, goal);
                if goal && self.playout_goal[t].is_none() {
                    self.playout_goal[t] = Some((n, path));
                }
            }
            values.push(value as f32);
        }
        let priors = vec![1.0; ids.len() * a];
        self.tell(ids, &priors, &values)
    }

    /// `simulations` rounds of ask (one leaf per tree) and
    /// [`tell_rollouts`](Self::tell_rollouts), after the roots' own round.
    pub fn run_rollouts(&mut self, simulations: usize) -> Result<()> {
        let (mut leaves, mut obs) = (Vec::new(), Vec::new());
        for _ in 0..=simulations {
            self.ask(self.num_trees(), &mut leaves, &mut obs)?;
            if self.stop.is_some() {
                break;
            }
            obs.clear();
            let ids: Vec<u64> = leaves.iter().map(Leaf::id).collect();
            self.tell_rollouts(&ids)?;
        }
        Ok(())
    }

    /// Tree `t`'s ASTRO-style walk (see [`export`](Self::export)) over a
    /// tree whose payloads are the actions into each node.
    pub fn walk(&mut self, t: usize, max_backtracks: Option<usize>) -> (Tree<u32>, Walk) {
        self.export(t, NO_NODE, |_, _, a| a, max_backtracks)
    }

    /// The statistics of tree `t`'s reached nodes, in visit order.
    pub fn values(&mut self, t: usize) -> Vec<NodeValue> {
        let mut depth = vec![0u32; self.forest.tree_len(t)];
        let mut out = Vec::with_capacity(self.order[t].len());
        for i in 0..self.order[t].len() {
            let n = self.order[t][i];
            let st = self.forest.node(t, n);
            if st.parent != NO_NODE {
                depth[n as usize] = depth[st.parent as usize] + 1;
            }
            let goal = match &self.states[t][n as usize] {
                Some(s) => st.terminal && self.env.is_goal(s),
                None => false,
            };
            let get = |v: &Vec<u32>| v.get(n as usize).copied().unwrap_or(0);
            out.push(NodeValue {
                node: n,
                parent: st.parent,
                action: st.action,
                depth: depth[n as usize],
                visits: st.visits,
                mean: st.mean,
                prior: st.prior,
                finished: get(&self.finished[t]),
                correct: get(&self.correct[t]),
                terminal: st.terminal,
                goal,
            });
        }
        out
    }

    /// Tree `t` as a recorded search [`Tree`] (nodes in visit order, each
    /// with `payload(parent state, action)`; terminal nodes are goals or
    /// dead ends) and its ASTRO-style linearisation (see [`linearise`]),
    /// at most `max_backtracks` wrong branches. The final path is the most
    /// visited one when it ends on a goal, else the first goal the tree
    /// reached, else the first playout that reached one (its steps are
    /// added to the tree), else the most visited path.
    pub fn export<P>(
        &mut self,
        t: usize,
        root: P,
        payload: impl FnMut(&mut E, &E::State, u32) -> P,
        max_backtracks: Option<usize>,
    ) -> (Tree<P>, Walk) {
        let mut payload = payload;
        let mut root = Some(root);
        let mut tree: Tree<P> = Tree::new();
        let mut id_of = vec![NodeId::MAX; self.forest.tree_len(t)];
        let mut dead = Vec::new();
        let mut first_goal = None;
        for i in 0..self.order[t].len() {
            let n = self.order[t][i];
            let st = self.forest.node(t, n);
            let s = self.states[t][n as usize].clone().expect("handed out");
            let outcome = if st.terminal && self.env.is_goal(&s) {
                Outcome::Goal
            } else if st.terminal {
                Outcome::DeadEnd
            } else {
                Outcome::Visited
            };
            let id = if st.parent == NO_NODE {
                tree.root(|| root.take().expect("one root"), st.mean as f64)
            } else {
                let ps = self.states[t][st.parent as usize]
                    .clone()
                    .expect("handed out");
                let p = payload(&mut self.env, &ps, st.action);
                tree.child(id_of[st.parent as usize], || p, st.mean as f64, outcome)
            };
            id_of[n as usize] = id;
            tree.visit(id, outcome);
            match outcome {
                Outcome::DeadEnd => dead.push(id),
                Outcome::Goal if first_goal.is_none() => first_goal = Some(id),
                _ => {}
            }
        }
        // The most visited path.
        let mut n = 0u32;
        loop {
            let st = self.forest.node(t, n);
            let best = st
                .children
                .clone()
                .filter(|&c| id_of[c as usize] != NodeId::MAX)
                .max_by_key(|&c| (self.forest.node(t, c).visits, std::cmp::Reverse(c)));
            match best {
                Some(c) => n = c,
                None => break,
            }
        }
        let most_visited = id_of[n as usize];
        let last = if tree.node(most_visited).outcome == Outcome::Goal {
            most_visited
        } else if let Some(g) = first_goal {
            g
        } else if let Some((start, actions)) = self.playout_goal[t].clone() {
            let mut s = self.states[t][start as usize].clone().expect("handed out");
            let mut cur = id_of[start as usize];
            // Follow the tree while the playout's steps are in it.
            let mut node = Some(start);
            for (k, &a) in actions.iter().enumerate() {
                node = node.and_then(|n| {
                    self.forest.node(t, n).children.find(|&c| {
                        self.forest.node(t, c).action == a && id_of[c as usize] != NodeId::MAX
                    })
                });
                if let Some(c) = node {
                    cur = id_of[c as usize];
                    s = self.states[t][c as usize].clone().expect("handed out");
                    continue;
                }
                let p = payload(&mut self.env, &s, a);
                s = self.env.apply(&s, a);
                let outcome = if k + 1 == actions.len() {
                    Outcome::Goal
                } else {
                    Outcome::Visited
                };
                cur = tree.child(cur, || p, f64::NAN, outcome);
                tree.visit(cur, outcome);
            }
            cur
        } else {
            most_visited
        };
        dead.retain(|&d| d != last);
        if let Some(k) = max_backtracks {
            dead.truncate(k);
        }
        let walk = linearise(&tree, &dead, last);
        (tree, walk)
    }
}

/// An ASTRO-style walk through `tree`: each branch of `branches` (leaves,
/// in the order the search reached them) tried from where the walk stands,
/// then a return to the deepest state it shares with the next branch; the
/// walk ends on the path to `last`. One return per branch.
pub fn linearise<P>(tree: &Tree<P>, branches: &[NodeId], last: NodeId) -> Walk {
    let mut walk = Walk::new();
    // The current path (the states the reader can go back to).
    let mut cur: Vec<NodeId> = vec![0];
    let mut after_branch = false;
    let leaf = |id: NodeId| matches!(tree.node(id).outcome, Outcome::Goal | Outcome::DeadEnd);
    for &b in branches.iter().chain(std::iter::once(&last)) {
        if b == 0 {
            continue;
        }
        let path = tree.path(b);
        let shared = cur.iter().zip(&path).take_while(|(x, y)| x == y).count();
        if after_branch {
            walk.push(Move::Back(cur[shared - 1]));
        }
        cur.truncate(shared);
        for &n in &path[shared..] {
            walk.push(Move::Try(n));
            if !leaf(n) {
                cur.push(n);
            }
        }
        after_branch = true;
    }
    walk
}

/// A Countdown MCTS tree rendered as a trace (see [`countdown_trace`]).
#[derive(Clone, Debug, PartialEq)]
pub struct CountdownMctsTrace {
    pub text: String,
    /// The solution as an expression, when the trace ends on the target.
    pub answer: Option<String>,
    pub backtracks: u64,
    /// Nodes the search reached (evaluated or terminal).
    pub nodes: usize,
    /// The deepest node reached.
    pub depth: u32,
    pub solved: bool,
}

/// Render tree `t` of a Countdown MCTS in a walk style (`compact`, `wait`,
/// `backtrack`, `astro`) over its ASTRO-style linearisation (see
/// [`EnvMcts::export`]); the text passes
/// [`validate_walk`](crate::trace::validate::validate_walk).
pub fn countdown_trace<E: super::env::CountdownStates>(
    mcts: &mut EnvMcts<E>,
    t: usize,
    style: crate::trace::Style,
    max_backtracks: Option<usize>,
) -> Result<CountdownMctsTrace> {
    use crate::countdown::search::Step;
    use crate::trace::render::walk;
    if style == crate::trace::Style::Sos {
        return Err(ClewError::InvalidInput(
            "an MCTS trace is a walk: style 'compact', 'wait', 'backtrack' or 'astro'".into(),
        ));
    }
    if t >= mcts.num_trees() {
        return Err(ClewError::InvalidInput(format!(
            "no tree {t} (there are {})",
            mcts.num_trees()
        )));
    }
    let root = mcts.state(t, 0).expect("the root");
    let (start, target) = (E::numbers(root), E::target(root, &mcts.env));
    let (tree, w) = mcts.export(
        t,
        Step::ROOT,
        |env, s, a| env.countdown_step(s, a),
        max_backtracks,
    );
    let mut out = Vec::new();
    walk::render(
        style.walk_style(),
        &tree,
        &w,
        &start,
        target,
        walk::NodeLabels::Shown,
        &mut out,
    );
    let text = String::from_utf8(out).expect("renderers write UTF-8");
    let solved = w
        .last()
        .is_some_and(|m| matches!(m, Move::Try(n) if tree.node(*n).outcome == Outcome::Goal));
    let answer = if solved {
        let Some(Move::Try(g)) = w.last() else {
            unreachable!()
        };
        let steps: Vec<Step> = tree
            .path(*g)
            .into_iter()
            .skip(1)
            .map(|p| *tree.payload(p))
            .collect();
        crate::countdown::expr::solution_expr(&start, &steps, target).map(|e| e.render())
    } else {
        None
    };
    Ok(CountdownMctsTrace {
        text,
        answer,
        backtracks: walk::backtracks(&w),
        nodes: mcts.visit_order(t).len(),
        depth: tree.max_depth(),
        solved,
    })
}
