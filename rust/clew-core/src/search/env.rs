//! The [`Env`] trait every search runs over, and its Countdown and Sudoku
//! implementations. (Python environments implement it in the binding.)
//!
//! Actions are small integers: `legal_actions` lists them for a state and
//! `apply` takes one of those. Methods take `&mut self` so an environment
//! can keep caches or, for a Python one, remember the exception it met.
//!
//! Batched expansion: an environment that answers many states in one call
//! (a Python env's `expand_batch`, one language-model batch) implements
//! [`Env::prepare`], [`Env::batched`] and [`Env::scores`]; the searches call
//! `prepare` on the states they are about to expand together (a beam level,
//! the live particles or samples). The defaults do nothing, so the built-in
//! environments search exactly as without them.

use crate::countdown::{self, Heuristic, HeuristicKind, Rules};
use crate::error::{ClewError, Result};
use crate::sudoku::Grid;

pub trait Env {
    type State: Clone;

    /// The legal actions of `state`, appended to `out` (empty when terminal).
    fn legal_actions(&mut self, state: &Self::State, out: &mut Vec<u32>);
    /// The state after `action` (one of `legal_actions(state)`).
    fn apply(&mut self, state: &Self::State, action: u32) -> Self::State;
    fn is_terminal(&mut self, state: &Self::State) -> bool;
    /// The reward of a terminal state; a goal has a positive one.
    fn reward(&mut self, state: &Self::State) -> f64;
    /// Estimated distance to a goal (lower is closer); `None`: no heuristic.
    fn heuristic(&mut self, _state: &Self::State) -> Option<f64> {
        None
    }
    /// What taking `action` costs the caller (tokens, calls...); 1 by default.
    fn cost(&mut self, _state: &Self::State, _action: u32) -> f64 {
        1.0
    }
    /// A key equal for states the search may treat as one (transpositions);
    /// `None`: no key, never merged.
    fn key(&mut self, _state: &Self::State) -> Option<u64> {
        None
    }
    /// The state as numbers for an evaluator, appended to `out`.
    fn observe(&mut self, _state: &Self::State, _out: &mut Vec<f32>) {}
    /// True once the environment failed (e.g. a Python method raised); the
    /// search stops and the caller collects the error.
    fn failed(&self) -> bool {
        false
    }
    fn is_goal(&mut self, state: &Self::State) -> bool {
        self.is_terminal(state) && self.reward(state) > 0.0
    }
    /// The search is about to expand `states`: answer them in one call and
    /// keep the answers for `legal_actions` and `scores`. Default: nothing.
    fn prepare(&mut self, _states: &[&Self::State]) {}
    /// True when `prepare` answers many states at once (best-of-N then
    /// advances its samples in lockstep, one `prepare` per depth).
    fn batched(&self) -> bool {
        false
    }
    /// What the expansion said of `state`'s children, in the order of
    /// `legal_actions(state)`; `None` without scores.
    fn scores(&mut self, _state: &Self::State) -> Option<Scores> {
        None
    }
}

/// A batched expansion's scores of a state's children, one per action: the
/// prior (a non-negative weight) and the child's value in [0, 1] (higher
/// is closer to a goal; the searches use `1 - value` as its heuristic).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scores {
    pub priors: Vec<f64>,
    pub values: Vec<f64>,
}

fn hash_of<T: std::hash::Hash + ?Sized>(value: &T) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(value)
}

/// Countdown: combine two numbers per step until the target is made.
/// Action `a` is the `a`-th step in Stream of Search's generation order.
#[derive(Clone, Debug)]
pub struct CountdownEnv {
    pub target: u64,
    pub rules: Rules,
    heuristic: Heuristic,
    moves: Vec<countdown::state::Move>,
}

impl CountdownEnv {
    pub fn new(target: u64, rules: Rules, heuristic: HeuristicKind) -> CountdownEnv {
        CountdownEnv {
            target,
            rules,
            heuristic: Heuristic::new(heuristic, target),
            moves: Vec::new(),
        }
    }

    /// The step action `action` takes from `state`, as a trace records it.
    pub fn step(&mut self, state: &countdown::State, action: u32) -> countdown::search::Step {
        self.moves.clear();
        countdown::state::moves(state, self.rules, &mut self.moves);
        let m = self.moves[action as usize];
        countdown::search::Step::new(m.i as usize, m.j as usize, m.op)
    }

    /// The most actions a state of `n` numbers has: four steps per pair.
    pub fn max_actions(n: usize) -> usize {
        (n * n.saturating_sub(1) / 2 * 4).max(1)
    }

    pub fn root(numbers: &[u64]) -> Result<countdown::State> {
        if numbers.is_empty() || numbers.len() > countdown::state::MAX_NUMBERS {
            return Err(ClewError::InvalidInput(format!(
                "countdown needs 1 to {} numbers, got {}",
                countdown::state::MAX_NUMBERS,
                numbers.len()
            )));
        }
        Ok(countdown::State::new(numbers))
    }
}

impl Env for CountdownEnv {
    type State = countdown::State;

    fn legal_actions(&mut self, state: &Self::State, out: &mut Vec<u32>) {
        if self.is_terminal(state) {
            return;
        }
        self.moves.clear();
        countdown::state::moves(state, self.rules, &mut self.moves);
        out.extend(0..self.moves.len() as u32);
    }

    fn apply(&mut self, state: &Self::State, action: u32) -> Self::State {
        self.moves.clear();
        countdown::state::moves(state, self.rules, &mut self.moves);
        self.moves[action as usize].state
    }

    fn is_terminal(&mut self, state: &Self::State) -> bool {
        state.len() <= 1 || self.rules.is_goal(state, self.target)
    }

    fn reward(&mut self, state: &Self::State) -> f64 {
        if self.rules.is_goal(state, self.target) {
            1.0
        } else {
            0.0
        }
    }

    fn heuristic(&mut self, state: &Self::State) -> Option<f64> {
        Some(self.heuristic.eval(state.as_slice()))
    }

    /// The multiset of numbers left (their order is not part of the state).
    fn key(&mut self, state: &Self::State) -> Option<u64> {
        let mut nums = state.as_slice().to_vec();
        nums.sort_unstable();
        Some(hash_of(&nums))
    }

    fn observe(&mut self, state: &Self::State, out: &mut Vec<f32>) {
        let nums = state.as_slice();
        for k in 0..countdown::state::MAX_NUMBERS {
            out.push(nums.get(k).map_or(-1.0, |&v| v as f32));
        }
        out.push(self.target as f32);
    }
}

/// A Countdown environment, whichever way it holds its target (what
/// [`countdown_trace`](super::env_mcts::countdown_trace) renders).
pub trait CountdownStates: Env {
    fn numbers(state: &Self::State) -> countdown::State;
    fn target(state: &Self::State, env: &Self) -> u64;
    /// The step `action` takes from `state`, as a trace records it.
    fn countdown_step(&mut self, state: &Self::State, action: u32) -> countdown::search::Step;
}

impl CountdownStates for CountdownEnv {
    fn numbers(state: &countdown::State) -> countdown::State {
        *state
    }
    fn target(_: &countdown::State, env: &Self) -> u64 {
        env.target
    }
    fn countdown_step(&mut self, state: &countdown::State, action: u32) -> countdown::search::Step {
        self.step(state, action)
    }
}

impl CountdownStates for CountdownTargetsEnv {
    fn numbers(state: &Targeted) -> countdown::State {
        state.numbers
    }
    fn target(state: &Targeted, _: &Self) -> u64 {
        state.target
    }
    fn countdown_step(&mut self, state: &Targeted, action: u32) -> countdown::search::Step {
        self.inner.step(&state.numbers, action)
    }
}

/// A Countdown state with its own target, so one search (one MCTS forest)
/// can hold instances with different targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Targeted {
    pub target: u64,
    pub numbers: countdown::State,
}

/// Countdown whose states carry their target ([`Targeted`]): otherwise
/// exactly [`CountdownEnv`] (same actions, rewards, keys, observations).
#[derive(Clone, Debug)]
pub struct CountdownTargetsEnv {
    inner: CountdownEnv,
    kind: HeuristicKind,
}

impl CountdownTargetsEnv {
    pub fn new(rules: Rules, heuristic: HeuristicKind) -> CountdownTargetsEnv {
        CountdownTargetsEnv {
            inner: CountdownEnv::new(0, rules, heuristic),
            kind: heuristic,
        }
    }

    /// The single-target environment for `state`'s target.
    pub fn at(&mut self, state: &Targeted) -> &mut CountdownEnv {
        if self.inner.target != state.target {
            self.inner.target = state.target;
            self.inner.heuristic = Heuristic::new(self.kind, state.target);
        }
        &mut self.inner
    }
}

impl Env for CountdownTargetsEnv {
    type State = Targeted;

    fn legal_actions(&mut self, state: &Targeted, out: &mut Vec<u32>) {
        self.at(state).legal_actions(&state.numbers, out)
    }

    fn apply(&mut self, state: &Targeted, action: u32) -> Targeted {
        Targeted {
            target: state.target,
            numbers: self.at(state).apply(&state.numbers, action),
        }
    }

    fn is_terminal(&mut self, state: &Targeted) -> bool {
        self.at(state).is_terminal(&state.numbers)
    }

    fn reward(&mut self, state: &Targeted) -> f64 {
        self.at(state).reward(&state.numbers)
    }

    fn heuristic(&mut self, state: &Targeted) -> Option<f64> {
        self.at(state).heuristic(&state.numbers)
    }

    /// The target and the multiset of numbers left.
    fn key(&mut self, state: &Targeted) -> Option<u64> {
        let numbers = self.at(state).key(&state.numbers)?;
        Some(hash_of(&(state.target, numbers)))
    }

    fn observe(&mut self, state: &Targeted, out: &mut Vec<f32>) {
        self.at(state).observe(&state.numbers, out)
    }
}

/// Sudoku: fill the empty cell with the fewest candidates. Action `cell * n
/// + (digit - 1)`; a state with an empty cell and no candidate is a dead end.
#[derive(Clone, Debug, Default)]
pub struct SudokuEnv;

impl SudokuEnv {
    /// Candidate mask of each empty cell's best choice: (cell, mask) with
    /// the fewest candidates, or None when the grid is full.
    fn most_constrained(grid: &Grid) -> Option<(usize, u32)> {
        let geom = grid.geom;
        let mut best: Option<(usize, u32)> = None;
        for cell in 0..geom.cells {
            if grid.cells[cell] != 0 {
                continue;
            }
            let mut mask = geom.all;
            for &p in geom.peers(cell) {
                let v = grid.cells[p as usize];
                if v != 0 {
                    mask &= !(1u32 << (v - 1));
                }
            }
            if best.is_none_or(|(_, m)| mask.count_ones() < m.count_ones()) {
                best = Some((cell, mask));
                if mask.count_ones() <= 1 {
                    break;
                }
            }
        }
        best
    }
}

impl Env for SudokuEnv {
    type State = Grid;

    fn legal_actions(&mut self, state: &Grid, out: &mut Vec<u32>) {
        if let Some((cell, mask)) = Self::most_constrained(state) {
            let n = state.n() as u32;
            for d in 0..n {
                if mask >> d & 1 == 1 {
                    out.push(cell as u32 * n + d);
                }
            }
        }
    }

    fn apply(&mut self, state: &Grid, action: u32) -> Grid {
        let n = state.n() as u32;
        let mut next = state.clone();
        next.cells[(action / n) as usize] = (action % n + 1) as u8;
        next
    }

    fn is_terminal(&mut self, state: &Grid) -> bool {
        Self::most_constrained(state).is_none_or(|(_, mask)| mask == 0)
    }

    fn reward(&mut self, state: &Grid) -> f64 {
        if state.empties() == 0 && state.clash().is_none() {
            1.0
        } else {
            0.0
        }
    }

    fn key(&mut self, state: &Grid) -> Option<u64> {
        Some(hash_of(&state.cells))
    }

    /// Empty cells left (every step fills one).
    fn heuristic(&mut self, state: &Grid) -> Option<f64> {
        Some(state.empties() as f64)
    }

    fn observe(&mut self, state: &Grid, out: &mut Vec<f32>) {
        out.extend(state.cells.iter().map(|&v| v as f32));
    }
}
