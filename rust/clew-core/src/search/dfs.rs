//! Depth-first search with backtracking; children in heuristic order (best
//! first, ties in the environment's order) when the environment has one.

use super::budget::{Book, Budget, Outcome, Stop};
use super::env::Env;

/// DFS from `root`, at most `max_depth` steps deep.
pub fn dfs<E: Env>(
    env: &mut E,
    root: E::State,
    max_depth: Option<u32>,
    budget: Budget,
) -> Outcome<E::State> {
    let mut book = Book::new(budget);
    let id = book.root();
    let mut stack = vec![(id, root, 0u32)];
    let mut actions = Vec::new();
    let mut kids: Vec<(f64, u32, E::State)> = Vec::new();
    while let Some((id, state, depth)) = stack.pop() {
        if env.failed() {
            return book.finish(Stop::Failed, None);
        }
        if env.is_goal(&state) {
            return book.finish(Stop::Solved, Some((id, state)));
        }
        if max_depth.is_some_and(|d| depth >= d) {
            continue;
        }
        actions.clear();
        env.legal_actions(&state, &mut actions);
        kids.clear();
        for &a in &actions {
            if let Some(stop) = book.over() {
                return book.finish(stop, None);
            }
            let cost = env.cost(&state, a);
            let child = env.apply(&state, a);
            let h = book.evaluate(env, &child);
            let cid = book.node(id, a, cost);
            kids.push((h, cid, child));
        }
        // Stable sort, pushed in reverse: the best child is popped first.
        kids.sort_by(|x, y| x.0.total_cmp(&y.0));
        for (_, cid, child) in kids.drain(..).rev() {
            stack.push((cid, child, depth + 1));
        }
    }
    let stop = if env.failed() {
        Stop::Failed
    } else {
        Stop::Exhausted
    };
    book.finish(stop, None)
}
