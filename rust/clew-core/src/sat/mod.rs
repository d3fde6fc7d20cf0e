//! A CDCL SAT solver in the MiniSat/Glucose tradition, one file per
//! technique, and a DIMACS reader.

mod analyze;
mod chrono;
pub mod clause_db;
mod decide;
pub mod dimacs;
pub mod lit;
mod phases;
pub mod proof;
mod propagate;
mod reduce;
pub mod restart;
mod solver;
mod walk;
mod watch;

pub use proof::{Proof, ProofFormat};
pub use restart::RestartPolicy;
pub use solver::{
    model_satisfies, SolveResult, Solver, SolverOptions, Stats, MAX_VAR, OPTION_NAMES,
};
