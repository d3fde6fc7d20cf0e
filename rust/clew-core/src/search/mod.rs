//! One search core for every strategy.
//!
//! * [`mcts`]: batched Monte Carlo tree search driven by ask/tell (PUCT
//!   with priors, UCT, virtual loss, Dirichlet noise, subtree reuse).
//! * [`env`]: the [`Env`] trait and its Countdown and Sudoku implementations.
//! * [`env_mcts`]: MCTS over an `Env` (leaves stepped in Rust, evaluated by
//!   the caller or by random playouts) and its export: an ASTRO-style
//!   trace and per-node value targets.
//! * [`dfs()`], [`bfs()`], [`beam()`], [`best_first()`], [`iddfs()`],
//!   [`best_of_n()`], [`particle_filter()`]: searches over any `Env`,
//!   stopped by a [`Budget`] and reporting what they spent ([`Outcome`]);
//!   each has a `_recorded` twin that writes its search tree through a
//!   [`Recorder`](crate::trace::Recorder).
//!   A batched environment ([`Env::prepare`]) is handed a beam level, a
//!   BFS depth, the live particles or best-of-N samples in one call; DFS,
//!   best-first and iterative deepening expand one node per call.

pub mod beam;
pub mod best_first;
pub mod bfs;
pub mod budget;
pub mod dfs;
pub mod env;
pub mod env_mcts;
pub mod iddfs;
pub mod mcts;
pub mod sampling;

pub use beam::{beam, beam_recorded};
pub use best_first::{best_first, best_first_recorded};
pub use bfs::{bfs, bfs_recorded};
pub use budget::{Budget, Outcome, Spent, Stop};
pub use dfs::{dfs, dfs_recorded};
pub use env::{
    CountdownEnv, CountdownStates, CountdownTargetsEnv, Env, Scores, SudokuEnv, Targeted,
};
pub use env_mcts::{countdown_trace, CountdownMctsTrace, EnvMcts, NodeValue};
pub use iddfs::{iddfs, iddfs_recorded};
pub use mcts::{Evaluation, Forest, Leaf, MctsConfig, NodeStats, Rule};
pub use sampling::{best_of_n, best_of_n_recorded, particle_filter, particle_filter_recorded};
