//! Iterative deepening: depth-first passes limited to depth 0, 1, 2, ...
//! (children in heuristic order, as [`dfs`](super::dfs())) until a goal,
//! a pass that cut nothing (everything searched), or `max_depth`. Every
//! pass counts against the one budget and is recorded: a pass regenerates
//! the nodes of the last one, so they appear again in the tree.

use super::budget::{Book, Budget, Outcome};
use super::env::Env;
use crate::trace::tree::{NoRecord, Recorder};

pub fn iddfs<E: Env>(
    env: &mut E,
    root: E::State,
    max_depth: Option<u32>,
    budget: Budget,
) -> Outcome<E::State> {
    iddfs_recorded(env, root, max_depth, budget, &mut NoRecord)
}

/// [`iddfs`], recording every pass into `rec`.
pub fn iddfs_recorded<E: Env, R: Recorder<u32>>(
    env: &mut E,
    root: E::State,
    max_depth: Option<u32>,
    budget: Budget,
    rec: &mut R,
) -> Outcome<E::State> {
    let budget = Budget {
        transpositions: false,
        ..budget
    };
    let mut book = Book::new(budget, rec);
    let root_id = book.root(f64::NAN);
    let mut actions = Vec::new();
    let mut kids: Vec<(f64, u32, E::State)> = Vec::new();
    let mut limit = 0u32;
    loop {
        // Whether this pass left a non-terminal state unexpanded.
        let mut cut = false;
        let mut stack = vec![(root_id, root.clone(), 0u32)];
        while let Some((id, state, depth)) = stack.pop() {
            if depth >= limit && !env.is_goal(&state) {
                cut |= !env.is_terminal(&state);
                continue;
            }
            kids.clear();
            let push = |cid, child, h, _| kids.push((h, cid, child));
            if let Some(stop) = book.visit(env, id, &state, true, &mut actions, push) {
                return book.end(stop, (id, state));
            }
            kids.sort_by(|x, y| x.0.total_cmp(&y.0));
            for (_, cid, child) in kids.drain(..).rev() {
                stack.push((cid, child, depth + 1));
            }
        }
        if !cut || max_depth.is_some_and(|d| limit >= d) {
            return book.exhausted(env);
        }
        limit += 1;
    }
}
