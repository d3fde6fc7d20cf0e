//! Throughput checks, ignored by default (run with
//! `cargo test --release -p clew-core --test sudoku_speed -- --ignored --nocapture`).

use std::time::Instant;

use clew_core::sudoku::{Deduction, Geometry, SolveOptions, Solver, Status};

fn load_17() -> Option<Vec<Vec<u8>>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/benchmarks/sudoku/17-clue.txt"
    );
    let text = std::fs::read_to_string(path).ok()?;
    Some(
        text.lines()
            .filter(|l| l.len() >= 81 && !l.starts_with('#'))
            .map(|l| {
                l.bytes()
                    .take(81)
                    .map(|b| if b == b'.' { 0 } else { b - b'0' })
                    .collect()
            })
            .collect(),
    )
}

#[test]
#[ignore]
fn seventeen_clue_throughput() {
    let Some(puzzles) = load_17() else {
        eprintln!("17-clue set not found; skipped");
        return;
    };
    let g = Geometry::cached(3, 3).unwrap();
    let mut opts = SolveOptions::default();
    if let Ok(level) = std::env::var("CLEW_LEVEL") {
        opts.deduction = Deduction::parse(&level).unwrap();
    }
    // CLEW_GENERIC=1 measures the generic engine instead of the band engine.
    let mut s = if std::env::var_os("CLEW_GENERIC").is_some() {
        Solver::new(g, opts)
    } else {
        Solver::fast(g, opts)
    };
    let mut out = vec![0u8; 81];
    let mut guesses = 0u64;
    let t = Instant::now();
    for p in &puzzles {
        let (st, n) = s.solve_cells(p, None, &mut out, &mut || false);
        assert_eq!((st, n), (Status::LimitReached, 1));
        assert!(clew_core::sudoku::board::is_complete_solution(g, &out));
        assert!(p.iter().zip(&out).all(|(&a, &b)| a == 0 || a == b));
        guesses += s.stats().guesses;
    }
    let dt = t.elapsed().as_secs_f64();
    eprintln!(
        "17-clue: {} puzzles in {:.3}s = {:.0}/s, {:.2} guesses/puzzle",
        puzzles.len(),
        dt,
        puzzles.len() as f64 / dt,
        guesses as f64 / puzzles.len() as f64
    );
}

#[test]
#[ignore]
fn generator_throughput() {
    use clew_core::sudoku::rng::Rng;
    use clew_core::sudoku::{GenerateOptions, Generator};
    let g = Geometry::cached(3, 3).unwrap();
    let mut gen = Generator::new(g);
    let per = 400;
    let mut total_t = 0.0;
    let mut total_n = 0;
    for empty in 50..=60 {
        let opts = GenerateOptions {
            empty: Some(empty),
            ..GenerateOptions::default()
        };
        let mut rng = Rng::new(empty as u64);
        let t = Instant::now();
        let mut attempts = 0;
        for _ in 0..per {
            let p = gen.generate_with(&opts, &mut rng).unwrap();
            assert_eq!(p.puzzle.empties(), empty);
            attempts += p.attempts;
        }
        let dt = t.elapsed().as_secs_f64();
        total_t += dt;
        total_n += per;
        eprintln!(
            "empty={empty}: {:.0} puzzles/s, {:.2} attempts/puzzle",
            per as f64 / dt,
            attempts as f64 / per as f64
        );
    }
    eprintln!("50-60 overall: {:.0} puzzles/s", total_n as f64 / total_t);
    // minimal puzzles
    let mut hist = std::collections::BTreeMap::new();
    let mut rng = Rng::new(1);
    let t = Instant::now();
    for _ in 0..2000 {
        let p = gen
            .generate_with(&GenerateOptions::default(), &mut rng)
            .unwrap();
        *hist.entry(p.puzzle.empties()).or_insert(0) += 1;
    }
    eprintln!(
        "minimal: {:.0}/s, empties histogram {:?}",
        2000.0 / t.elapsed().as_secs_f64(),
        hist
    );
}
