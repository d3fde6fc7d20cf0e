//! Iterative deepening: depth-first passes limited to depth 0, 1, 2, ...
//! (children in heuristic order, as [`dfs`](super::dfs())) until a goal,
//! a pass that cut nothing (everything searched), or `max_depth`. Every
//! pass counts against the one budget and is recorded: a pass regenerates
//! the nodes of the last one, so they appear again in the tree.

use super::budget::{Book, Budget, Outcome};
use super::dfs::{pass, Pass};
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
    let id = book.root(f64::NAN);
    for limit in 0.. {
        match pass(&mut book, env, id, root.clone(), Some(limit)) {
            Pass::Stopped(stop, last) => return book.end(stop, last),
            Pass::Done { cut } if !cut || max_depth.is_some_and(|d| limit >= d) => break,
            Pass::Done { .. } => {}
        }
    }
    book.exhausted(env)
}
