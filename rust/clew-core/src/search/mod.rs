//! One search core for every strategy.
//!
//! * [`mcts`]: batched Monte Carlo tree search driven by ask/tell (PUCT
//!   with priors, UCT, virtual loss, Dirichlet noise, subtree reuse).
//! * [`env`]: the [`Env`] trait and its Countdown and Sudoku implementations.
//! * [`env_mcts`]: MCTS over an `Env` (leaves stepped in Rust, evaluated by
//!   the caller or by random playouts) and its export: an ASTRO-style
//!   trace and per-node value targets.
//! * [`dfs()`], [`bfs()`], [`beam()`], [`best_first()`]: searches over any `Env`,
//!   stopped by a [`Budget`] and reporting what they spent ([`Outcome`]).

pub mod beam;
pub mod best_first;
pub mod bfs;
pub mod budget;
pub mod dfs;
pub mod env;
pub mod env_mcts;
pub mod mcts;

pub use beam::{beam, beam_recorded};
pub use best_first::{best_first, best_first_recorded};
pub use bfs::{bfs, bfs_recorded};
pub use budget::{Budget, Outcome, Spent, Stop};
pub use dfs::{dfs, dfs_recorded};
pub use env::{CountdownEnv, Env, SudokuEnv};
pub use env_mcts::{countdown_trace, CountdownMctsTrace, EnvMcts, NodeValue};
pub use mcts::{Evaluation, Forest, Leaf, MctsConfig, NodeStats, Rule};
