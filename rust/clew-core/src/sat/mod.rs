//! A CDCL SAT solver in the MiniSat/Glucose tradition, one file per
//! technique, and a DIMACS reader.

mod analyze;
pub mod backbone;
mod cardinality;
mod chrono;
pub mod clause_db;
mod decide;
pub mod dimacs;
mod elim;
mod external_propagator;
pub mod graph;
mod inprocess;
pub mod lit;
pub mod natural;
mod phases;
mod probe;
mod process;
pub mod proof;
mod propagate;
pub mod random;
mod reduce;
pub mod restart;
pub mod search_log;
mod shrink;
mod solver;
mod subst;
mod subsume;
pub mod traced;
mod transred;
mod vivify;
mod vmtf;
mod walk;
mod watch;

pub use cardinality::Cardinality;
pub use external_propagator::ExternalPropagator;
pub use process::{ProcessOptions, Processed};
pub use proof::{Proof, ProofFormat};
pub use restart::RestartPolicy;
pub use search_log::{Event, LogStyle, SearchLog};
pub use solver::{
    model_satisfies, SolveResult, Solver, SolverOptions, Stats, MAX_VAR, OPTION_NAMES,
};
