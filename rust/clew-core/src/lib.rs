//! clew-core: the pure-Rust engine behind clew (no pyo3 here).
//!
//! * [`sat`]: a CDCL SAT solver (MiniSat/Glucose core, DRAT proofs,
//!   assumptions, budgets, interrupt flag) and a DIMACS reader.
//! * [`sudoku`]: N x N Sudoku with r x c boxes: solving, counting, generating, rating.
//! * [`countdown`]: the Countdown numbers game: solving and generating.
//! * [`search`]: one search core: batched ask/tell MCTS, the `Env` trait.
//! * [`trace`]: recorded search trees and their renderings as text.
//! * [`dataset`]: column buffers, record seeds and keys for dataset generation.

pub mod budget;
pub mod countdown;
pub mod dataset;
pub mod error;
pub mod sat;
pub mod search;
pub mod sudoku;
pub mod trace;

pub use error::{ClewError, Result};
