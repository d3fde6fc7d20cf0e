//! N x N Sudoku with r x c boxes (N <= 25): solving, counting, generating
//! and rating.
//!
//! * [`board`]: geometry tables, [`Grid`] and its text form, clash checks.
//! * [`propagate`]: bitmask candidates and the deductions (naked and hidden
//!   singles, locked candidates, naked and hidden pairs), each step labelled.
//! * `band`: a 9x9 engine on band-wise bitboards with the generic engine's
//!   search tree, behind [`Solver::fast`].
//! * [`solve`]: depth-first search with a chosen deduction level and
//!   branching rule, solution counting, the reusable [`Solver`].
//! * [`steps`]: the techniques and the opt-in step log.
//! * [`rate`]: difficulty (techniques needed, guesses, an SE-like number).
//! * [`generate`]: random solution grids and unique puzzles dug from them.
//! * [`batch`]: many puzzles on several threads.
//! * [`symmetry`]: a key for a puzzle up to its symmetries (dataset dedup).
//! * [`trace`]: the search as a tree of guesses, rendered as text traces.
//!
//! ```
//! use clew_core::sudoku::{solve, Grid};
//! let g = Grid::parse("1...\n..2.\n.3..\n...4", None).unwrap();
//! let s = solve(&g).unwrap().unwrap();
//! assert!(s.solves(&g));
//! ```

mod band;
pub mod batch;
pub mod board;
pub mod generate;
mod propagate;
pub mod rate;
pub mod rng;
pub mod solve;
pub mod steps;
pub mod symmetry;
pub mod trace;

pub use batch::{generate_batch, solve_batch};
pub use board::{default_box, is_solution_of, Geometry, Grid, UnitKind, MAX_SIZE};
pub use generate::{generate, DifficultyTarget, GenerateOptions, Generated, Generator};
pub use rate::{rate, Difficulty, Rater, Rating};
pub use solve::{
    count_solutions, solve, solve_logged, Branching, Deduction, SolveOptions, SolveOutcome, Solver,
    Stats, Status,
};
pub use steps::{NoLog, Recorder, Step, StepLog, Technique};
