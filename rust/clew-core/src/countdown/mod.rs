//! The Countdown numbers game: reach a target from 2 to 8 numbers with
//! `+ - * /`, each number used once.
//!
//! * [`state`]: states, steps and rule sets (Stream of Search's
//!   `combine_nums` by default);
//! * [`heuristic`]: Stream of Search's `sum` and `mult` heuristics;
//! * [`search`]: its DFS and BFS (recording their trees), best-first, beam;
//! * [`solve`]: complete solving (one, all, shortest);
//! * [`expr`]: solutions as ASCII expressions, checked like Python's `eval`;
//! * [`generate`]: solvable instances (SoS and reasoning-gym distributions);
//! * [`sos`]: Stream of Search's own solver, `optimal_path` and target split;
//! * [`record`]: search + render + measure in one call;
//! * [`rows`]: dataset rows, column by column (candidates, keys, traces);
//! * [`pyrandom`]: Python's Mersenne Twister, for exact replays.

pub mod expr;
pub mod generate;
pub mod heuristic;
pub mod pyrandom;
pub mod record;
pub mod rows;
pub mod search;
pub mod solve;
pub mod sos;
pub mod state;

pub use heuristic::{Heuristic, HeuristicKind};
pub use record::{check_instance, SearchKind, TraceOptions, TraceRecord, Tracer};
pub use search::{SearchResult, SearchStats, Step};
pub use state::{Op, OpKind, Rules, State, MAX_NUMBERS};
