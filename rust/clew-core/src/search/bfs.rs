//! Breadth-first search: the shallowest goal, in the environment's order.

use std::collections::VecDeque;

use super::budget::{Book, Budget, Outcome};
use super::env::Env;
use crate::trace::tree::{NoRecord, Recorder};

pub fn bfs<E: Env>(env: &mut E, root: E::State, budget: Budget) -> Outcome<E::State> {
    bfs_recorded(env, root, budget, &mut NoRecord)
}

/// [`bfs`], recording the search tree into `rec` (payload: the action
/// into each node; value: its heuristic, NaN without one).
pub fn bfs_recorded<E: Env, R: Recorder<u32>>(
    env: &mut E,
    root: E::State,
    budget: Budget,
    rec: &mut R,
) -> Outcome<E::State> {
    let mut book = Book::new(budget, rec);
    book.seen_root(env, &root);
    let id = book.root(f64::NAN);
    let mut queue = VecDeque::from([(id, root)]);
    let mut actions = Vec::new();
    while let Some((id, state)) = queue.pop_front() {
        let push = |cid, child, _, _| queue.push_back((cid, child));
        if let Some(stop) = book.visit(env, id, &state, false, &mut actions, push) {
            return book.end(stop, (id, state));
        }
    }
    book.exhausted(env)
}
