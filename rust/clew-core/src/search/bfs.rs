//! Breadth-first search: the shallowest goal, in the environment's order.

use std::collections::VecDeque;

use super::budget::{Book, Budget, Outcome, Stop};
use super::env::Env;

pub fn bfs<E: Env>(env: &mut E, root: E::State, budget: Budget) -> Outcome<E::State> {
    let mut book = Book::new(budget);
    let id = book.root();
    let mut queue = VecDeque::from([(id, root)]);
    let mut actions = Vec::new();
    while let Some((id, state)) = queue.pop_front() {
        if env.failed() {
            return book.finish(Stop::Failed, None);
        }
        if env.is_goal(&state) {
            return book.finish(Stop::Solved, Some((id, state)));
        }
        actions.clear();
        env.legal_actions(&state, &mut actions);
        for &a in &actions {
            if let Some(stop) = book.over() {
                return book.finish(stop, None);
            }
            let cost = env.cost(&state, a);
            let child = env.apply(&state, a);
            queue.push_back((book.node(id, a, cost), child));
        }
    }
    let stop = if env.failed() {
        Stop::Failed
    } else {
        Stop::Exhausted
    };
    book.finish(stop, None)
}
