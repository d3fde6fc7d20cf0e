//! Breadth-first search: the shallowest goal, in the environment's order.
//! A batched environment expands each depth in one call.

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
    // Level by level: the order of a FIFO queue, one batched expansion per
    // depth.
    let mut level = vec![(id, root)];
    let mut next = Vec::new();
    let mut actions = Vec::new();
    while !level.is_empty() {
        book.prepare(env, &level.iter().map(|x| &x.1).collect::<Vec<_>>(), true);
        for (id, state) in level.drain(..) {
            let push = |cid, child, _, _| next.push((cid, child));
            if let Some(stop) = book.visit(env, id, &state, false, &mut actions, push) {
                return book.end(stop, (id, state));
            }
        }
        std::mem::swap(&mut level, &mut next);
    }
    book.exhausted(env)
}
