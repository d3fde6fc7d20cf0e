//! One search core for every strategy.
//!
//! * [`mcts`]: batched Monte Carlo tree search driven by ask/tell (PUCT
//!   with priors, UCT, virtual loss, Dirichlet noise, subtree reuse).
//! * [`env`]: the [`Env`] trait and its Countdown and Sudoku implementations.
//! * [`dfs()`], [`bfs()`], [`beam()`], [`best_first()`]: searches over any `Env`,
//!   stopped by a [`Budget`] and reporting what they spent ([`Outcome`]).

pub mod beam;
pub mod best_first;
pub mod bfs;
pub mod budget;
pub mod dfs;
pub mod env;
pub mod mcts;

pub use beam::beam;
pub use best_first::best_first;
pub use bfs::bfs;
pub use budget::{Budget, Outcome, Spent, Stop};
pub use dfs::dfs;
pub use env::{CountdownEnv, Env, SudokuEnv};
pub use mcts::{Evaluation, Forest, Leaf, MctsConfig, Rule};
