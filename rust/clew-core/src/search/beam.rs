//! Beam search: each level keeps the `width` children with the lowest
//! heuristic (ties in generation order), as in step-level beam search.

use super::budget::{Book, Budget, Outcome, Stop};
use super::env::Env;

pub fn beam<E: Env>(
    env: &mut E,
    root: E::State,
    width: usize,
    budget: Budget,
) -> Outcome<E::State> {
    let mut book = Book::new(budget);
    let id = book.root();
    let mut level = vec![(0.0, id, root)];
    let mut next: Vec<(f64, u32, E::State)> = Vec::new();
    let mut actions = Vec::new();
    while !level.is_empty() {
        for (_, id, state) in level.drain(..) {
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
                let h = book.evaluate(env, &child);
                next.push((h, book.node(id, a, cost), child));
            }
        }
        next.sort_by(|x, y| x.0.total_cmp(&y.0));
        next.truncate(width.max(1));
        std::mem::swap(&mut level, &mut next);
    }
    let stop = if env.failed() {
        Stop::Failed
    } else {
        Stop::Exhausted
    };
    book.finish(stop, None)
}
