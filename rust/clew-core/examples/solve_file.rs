//! Solve one DIMACS file and print the answer and statistics; handy for
//! profiling the core without Python (`cargo run --release --example
//! solve_file -- FILE [config]`, config as in
//! `SolverOptions::parse`, e.g. `default,chrono=100`).

use clew_core::budget::Limits;
use clew_core::sat::{dimacs, SolveResult, Solver, SolverOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).ok_or("usage: solve_file FILE [config]")?;
    let preset = args.get(2).map_or("default", |s| s.as_str());
    let text = std::fs::read_to_string(path)?;
    let formula = dimacs::parse(&text, false)?;
    let mut opts = SolverOptions::parse(preset)?;
    // Tuning knobs for experiments.
    if let Ok(v) = std::env::var("CLEW_FIRST_REDUCE") {
        opts.first_reduce = v.parse()?;
    }
    if let Ok(v) = std::env::var("CLEW_REDUCE_INCREMENT") {
        opts.reduce_increment = v.parse()?;
    }
    let mut solver = Solver::new(opts);
    solver.reserve_vars(formula.num_vars)?;
    for clause in &formula.clauses {
        solver.add_clause(clause)?;
    }
    let result = solver.solve(&[], Limits::UNLIMITED)?;
    println!(
        "{}",
        match result {
            SolveResult::Sat => "SATISFIABLE",
            SolveResult::Unsat => "UNSATISFIABLE",
            SolveResult::Unknown(_) => "UNKNOWN",
        }
    );
    println!("{:?}", solver.stats());
    Ok(())
}
