//! Depth-first search with backtracking; children in heuristic order (best
//! first, ties in the environment's order) when the environment has one.

use super::budget::{Book, Budget, Outcome, Stop};
use super::env::Env;
use crate::trace::tree::{NoRecord, Recorder};

/// DFS from `root`, at most `max_depth` steps deep.
pub fn dfs<E: Env>(
    env: &mut E,
    root: E::State,
    max_depth: Option<u32>,
    budget: Budget,
) -> Outcome<E::State> {
    dfs_recorded(env, root, max_depth, budget, &mut NoRecord)
}

/// [`dfs`], recording the search tree into `rec` (payload: the action
/// into each node; value: its heuristic, NaN without one).
pub fn dfs_recorded<E: Env, R: Recorder<u32>>(
    env: &mut E,
    root: E::State,
    max_depth: Option<u32>,
    budget: Budget,
    rec: &mut R,
) -> Outcome<E::State> {
    let mut book = Book::new(budget, rec);
    book.seen_root(env, &root);
    let id = book.root(f64::NAN);
    match pass(&mut book, env, id, root, max_depth) {
        Pass::Stopped(stop, last) => book.end(stop, last),
        Pass::Done { .. } => book.exhausted(env),
    }
}

/// How a depth-first pass ended.
pub(crate) enum Pass<S> {
    /// On a goal, a budget or a failure, at this node.
    Stopped(Stop, (u32, S)),
    /// Everything within the limit searched; `cut`: some non-terminal
    /// state was left at the limit.
    Done { cut: bool },
}

/// One depth-first pass from `root` (node `id`), at most `limit` steps deep,
/// children in heuristic order (stable, best first). Shared by DFS and
/// iterative deepening.
pub(crate) fn pass<E: Env, R: Recorder<u32>>(
    book: &mut Book<'_, R>,
    env: &mut E,
    id: u32,
    root: E::State,
    limit: Option<u32>,
) -> Pass<E::State> {
    let mut stack = vec![(id, root, 0u32)];
    let mut actions = Vec::new();
    let mut kids: Vec<(f64, u32, E::State)> = Vec::new();
    let mut cut = false;
    while let Some((id, state, depth)) = stack.pop() {
        if limit.is_some_and(|d| depth >= d) && !env.is_goal(&state) {
            cut |= !env.is_terminal(&state);
            continue;
        }
        kids.clear();
        let push = |cid, child, h, _| kids.push((h, cid, child));
        if let Some(stop) = book.visit(env, id, &state, true, &mut actions, push) {
            return Pass::Stopped(stop, (id, state));
        }
        // Stable sort, pushed in reverse: the best child is popped first.
        kids.sort_by(|x, y| x.0.total_cmp(&y.0));
        for (_, cid, child) in kids.drain(..).rev() {
            stack.push((cid, child, depth + 1));
        }
    }
    Pass::Done { cut }
}
