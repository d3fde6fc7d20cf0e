//! Criterion benches of clew's Sudoku engine.
//!
//!     cargo bench -p clew-benches --bench sudoku                        # fast tier
//!     CLEW_BENCH_TIER=normal cargo bench -p clew-benches --bench sudoku
//!
//! * `solve/17-clue`: Gordon Royle's 49,151 17-clue puzzles
//!   (`../shared/benchmarks/sudoku/17-clue.txt`; skipped when absent), solved
//!   one after another on one thread with the default options (locked
//!   candidates, MRV), every solution checked once before timing. The fast tier
//!   times a 5,000-puzzle slice, the others the whole set (elements =
//!   puzzles, so criterion prints puzzles/s).
//! * `solve/generated-*`: seeded generated puzzles (9x9 minimal, 16x16 with 150 blanks, 25x25 with 300).
//! * `generate/9x9-empty-N`: unique 9x9 puzzles with N blanks (50, 55, 58, 60).
//! * `trace/9x9-<style>-record`: search traces of 550 generated 9x9 puzzles
//!   (50 each of 50..=60 blanks) with the whole record (text, the
//!   backtrack-free path, the SE-like rating); `trace/9x9-<style>-text`: the
//!   text alone (elements = traces).
//!
//! The Python harness (`python -m clew.bench.sudoku`) compares against other solvers.

use std::hint::black_box;
use std::time::Duration;

use clew_benches::Tier;
use clew_core::sudoku::rng::Rng;
use clew_core::sudoku::trace::{TraceOptions, Tracer};
use clew_core::sudoku::{
    is_solution_of, GenerateOptions, Generator, Geometry, SolveOptions, Solver, Status,
};
use clew_core::trace::Style;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn config() -> Criterion {
    let secs = match Tier::from_env() {
        Tier::Fast => 2,
        Tier::Normal => 5,
        Tier::Slow => 10,
    };
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(secs))
}

fn load_17_clue() -> Option<Vec<u8>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/benchmarks/sudoku/17-clue.txt"
    );
    let text = std::fs::read_to_string(path).ok()?;
    let mut cells = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && l.len() >= 81)
    {
        cells.extend(
            line.bytes()
                .take(81)
                .map(|b| if b == b'.' { 0 } else { b - b'0' }),
        );
    }
    Some(cells)
}

fn solve_all(solver: &mut Solver, boards: &[u8], out: &mut [u8]) -> usize {
    let cells = solver.geometry().cells;
    let mut solved = 0;
    for b in boards.chunks(cells) {
        let (status, _) = solver.solve_cells(b, None, out, &mut || false);
        solved += (status == Status::LimitReached) as usize;
    }
    solved
}

fn bench_solve(c: &mut Criterion) {
    let tier = Tier::from_env();
    let mut group = c.benchmark_group(format!("solve[{}]", tier.name()));
    let g9 = Geometry::cached(3, 3).unwrap();
    match load_17_clue() {
        Some(all) => {
            let count = if tier == Tier::Fast {
                5000
            } else {
                all.len() / 81
            };
            let boards = &all[..count * 81];
            let mut solver = Solver::new(g9, SolveOptions::default());
            let mut out = vec![0u8; 81];
            for b in boards.chunks(81) {
                solver.solve_cells(b, None, &mut out, &mut || false);
                assert!(is_solution_of(g9, b, &out), "wrong solution");
            }
            group.throughput(Throughput::Elements(count as u64));
            group.bench_function("17-clue", |bench| {
                bench.iter(|| black_box(solve_all(&mut solver, boards, &mut out)))
            });
        }
        None => {
            eprintln!("solve/17-clue skipped: ../shared/benchmarks/sudoku/17-clue.txt not found")
        }
    }
    for (name, r, c, count, empty) in [
        ("generated-9x9-minimal", 3, 3, 2000, None),
        ("generated-16x16-150", 4, 4, 100, Some(150)),
        ("generated-25x25-300", 5, 5, 10, Some(300)),
    ] {
        let geom = Geometry::cached(r, c).unwrap();
        let mut gen = Generator::new(geom);
        let mut rng = Rng::new(1);
        let opts = GenerateOptions {
            empty,
            ..GenerateOptions::default()
        };
        let boards: Vec<u8> = (0..count)
            .flat_map(|_| gen.generate_with(&opts, &mut rng).unwrap().puzzle.cells)
            .collect();
        let mut solver = Solver::new(geom, SolveOptions::default());
        let mut out = vec![0u8; geom.cells];
        group.throughput(Throughput::Elements(count as u64));
        group.bench_function(name, |bench| {
            bench.iter(|| black_box(solve_all(&mut solver, &boards, &mut out)))
        });
    }
    group.finish();
}

fn bench_generate(c: &mut Criterion) {
    let tier = Tier::from_env();
    let mut group = c.benchmark_group(format!("generate[{}]", tier.name()));
    let g9 = Geometry::cached(3, 3).unwrap();
    let mut gen = Generator::new(g9);
    for empty in [50, 55, 58, 60] {
        let opts = GenerateOptions {
            empty: Some(empty),
            ..GenerateOptions::default()
        };
        let mut rng = Rng::new(empty as u64);
        let batch = 50;
        group.throughput(Throughput::Elements(batch));
        group.bench_function(format!("9x9-empty-{empty}"), |bench| {
            bench.iter(|| {
                for _ in 0..batch {
                    black_box(gen.generate_with(&opts, &mut rng).unwrap());
                }
            })
        });
    }
    group.finish();
}

fn bench_trace(c: &mut Criterion) {
    let tier = Tier::from_env();
    let mut group = c.benchmark_group(format!("trace[{}]", tier.name()));
    let g9 = Geometry::cached(3, 3).unwrap();
    let mut gen = Generator::new(g9);
    let mut rng = Rng::new(7);
    let boards: Vec<Vec<u8>> = (50..=60)
        .flat_map(|empty| {
            let opts = GenerateOptions {
                empty: Some(empty),
                ..GenerateOptions::default()
            };
            (0..50)
                .map(|_| gen.generate_with(&opts, &mut rng).unwrap().puzzle.cells)
                .collect::<Vec<_>>()
        })
        .collect();
    let mut tracer = Tracer::new(g9);
    let mut out = Vec::new();
    group.throughput(Throughput::Elements(boards.len() as u64));
    for style in [Style::Backtrack, Style::Compact, Style::Wait, Style::Astro] {
        let opts = TraceOptions {
            style,
            ..TraceOptions::default()
        };
        group.bench_function(format!("9x9-{}-record", style.name()), |bench| {
            bench.iter(|| {
                for b in &boards {
                    black_box(tracer.trace(b, &opts).unwrap());
                }
            })
        });
        group.bench_function(format!("9x9-{}-text", style.name()), |bench| {
            bench.iter(|| {
                for b in &boards {
                    black_box(tracer.trace_into(b, &opts, &mut out).unwrap());
                }
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench_solve, bench_generate, bench_trace
}
criterion_main!(benches);
