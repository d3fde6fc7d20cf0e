//! One search core for every strategy.
//!
//! * [`mcts`]: batched Monte Carlo tree search driven by ask/tell (PUCT
//!   with priors, UCT, virtual loss, Dirichlet noise, subtree reuse).
//! * [`env`]: the [`env::Env`] trait and its Countdown and Sudoku
//!   implementations.
//! * [`algo`]: DFS, BFS, beam and best-first search over any `Env`, with
//!   budgets that report what they spent.

pub mod mcts;

pub use mcts::{Evaluation, Forest, Leaf, MctsConfig, Rule};
