//! Best-first search: greedy (priority = heuristic) or A* (priority = cost
//! so far + heuristic). Without a heuristic A* is uniform-cost search.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::budget::{Book, Budget, Outcome};
use super::env::Env;
use crate::trace::tree::{NoRecord, Recorder};

struct Entry<S> {
    priority: f64,
    /// Generation order: ties go to the older node.
    seq: u32,
    g: f64,
    state: S,
}

impl<S> PartialEq for Entry<S> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl<S> Eq for Entry<S> {}
impl<S> PartialOrd for Entry<S> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<S> Ord for Entry<S> {
    // BinaryHeap is a max-heap: reversed, so the lowest priority pops first.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .priority
            .total_cmp(&self.priority)
            .then(other.seq.cmp(&self.seq))
    }
}

pub fn best_first<E: Env>(
    env: &mut E,
    root: E::State,
    astar: bool,
    budget: Budget,
) -> Outcome<E::State> {
    best_first_recorded(env, root, astar, budget, &mut NoRecord)
}

/// [`best_first`], recording the search tree into `rec` (payload: the action
/// into each node; value: its heuristic, NaN without one).
pub fn best_first_recorded<E: Env, R: Recorder<u32>>(
    env: &mut E,
    root: E::State,
    astar: bool,
    budget: Budget,
    rec: &mut R,
) -> Outcome<E::State> {
    let mut book = Book::new(budget, rec);
    book.seen_root(env, &root);
    let h = book.evaluate(env, &root);
    let id = book.root(h);
    let mut heap = BinaryHeap::from([Entry {
        priority: h,
        seq: id,
        g: 0.0,
        state: root,
    }]);
    let mut actions = Vec::new();
    while let Some(Entry {
        seq: id, g, state, ..
    }) = heap.pop()
    {
        let push = |cid, child, h, cost| {
            let g = g + cost;
            heap.push(Entry {
                priority: if astar { g + h } else { h },
                seq: cid,
                g,
                state: child,
            })
        };
        if let Some(stop) = book.visit(env, id, &state, true, &mut actions, push) {
            return book.end(stop, (id, state));
        }
    }
    book.exhausted(env)
}
