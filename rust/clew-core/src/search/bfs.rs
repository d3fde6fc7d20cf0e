//! Breadth-first search: the shallowest goal, in the environment's order.

use std::collections::VecDeque;

use super::budget::{Book, Budget, Outcome};
use super::env::Env;

pub fn bfs<E: Env>(env: &mut E, root: E::State, budget: Budget) -> Outcome<E::State> {
    let mut book = Book::new(budget);
    let id = book.root();
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
