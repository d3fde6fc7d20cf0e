//! Beam search: each level keeps the `width` children with the lowest
//! heuristic (ties in generation order), as in step-level beam search.
//! A batched environment expands each level in one call.

use super::budget::{Book, Budget, Outcome};
use super::env::Env;
use crate::trace::tree::{NoRecord, Recorder};

pub fn beam<E: Env>(
    env: &mut E,
    root: E::State,
    width: usize,
    budget: Budget,
) -> Outcome<E::State> {
    beam_recorded(env, root, width, budget, &mut NoRecord)
}

/// [`beam`], recording the search tree into `rec` (payload: the action
/// into each node; value: its heuristic, NaN without one).
pub fn beam_recorded<E: Env, R: Recorder<u32>>(
    env: &mut E,
    root: E::State,
    width: usize,
    budget: Budget,
    rec: &mut R,
) -> Outcome<E::State> {
    let mut book = Book::new(budget, rec);
    book.seen_root(env, &root);
    let id = book.root(f64::NAN);
    let mut level = vec![(0.0, id, root)];
    let mut next: Vec<(f64, u32, E::State)> = Vec::new();
    let mut actions = Vec::new();
    while !level.is_empty() {
        // One batched expansion per level.
        book.prepare(env, &level.iter().map(|x| &x.2).collect::<Vec<_>>(), true);
        for (_, id, state) in level.drain(..) {
            let push = |cid, child, h, _| next.push((h, cid, child));
            if let Some(stop) = book.visit(env, id, &state, true, &mut actions, push) {
                return book.end(stop, (id, state));
            }
        }
        next.sort_by(|x, y| x.0.total_cmp(&y.0));
        next.truncate(width.max(1));
        std::mem::swap(&mut level, &mut next);
    }
    book.exhausted(env)
}
