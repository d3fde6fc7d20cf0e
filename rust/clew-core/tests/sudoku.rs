//! Sudoku engine tests: parsing and errors, every size, every deduction
//! level and branching rule against a brute-force counter, step logs,
//! generator uniqueness and determinism, ratings, batches, budgets.

use clew_core::sudoku::board::{find_clash, is_complete_solution};
use clew_core::sudoku::rng::Rng;
use clew_core::sudoku::{
    count_solutions, default_box, generate, generate_batch, rate, solve, solve_batch, solve_logged,
    Branching, Deduction, Difficulty, DifficultyTarget, GenerateOptions, Generator, Geometry, Grid,
    SolveOptions, Solver, Status, Step, Technique,
};
use clew_core::ClewError;

const LEVELS: [Deduction; 5] = [
    Deduction::None,
    Deduction::NakedSingles,
    Deduction::HiddenSingles,
    Deduction::LockedCandidates,
    Deduction::Pairs,
];

const EASY: &str =
    "53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79";
const SEVENTEEN: &str =
    "000000010400000000020000000000050407008000300001090000300400200050100000000806000";

/// Independent brute force: number of solutions up to `limit`.
fn brute_count(geom: &Geometry, cells: &mut Vec<u8>, limit: u64) -> u64 {
    let n = geom.n;
    let Some(c) = cells.iter().position(|&v| v == 0) else {
        return 1;
    };
    let (r, col) = (c / n, c % n);
    let (br, bc) = (geom.box_rows, geom.box_cols);
    let mut total = 0;
    for v in 1..=n as u8 {
        let ok = (0..n).all(|i| cells[r * n + i] != v && cells[i * n + col] != v)
            && (0..br).all(|dr| {
                (0..bc).all(|dc| cells[(r / br * br + dr) * n + col / bc * bc + dc] != v)
            });
        if ok {
            cells[c] = v;
            total += brute_count(geom, cells, limit - total);
            cells[c] = 0;
            if total >= limit {
                break;
            }
        }
    }
    total
}

/// A random consistent partial grid (many have no solution, some several).
fn random_partial(geom: &'static Geometry, rng: &mut Rng, fill: f64) -> Grid {
    let mut cells = vec![0u8; geom.cells];
    for c in 0..geom.cells {
        if (rng.below(1000) as f64) < fill * 1000.0 {
            let v = rng.below(geom.n as u32) as u8 + 1;
            cells[c] = v;
            if find_clash(geom, &cells).is_some() {
                cells[c] = 0;
            }
        }
    }
    Grid { geom, cells }
}

#[test]
fn default_boxes() {
    assert_eq!(default_box(4), Some((2, 2)));
    assert_eq!(default_box(6), Some((2, 3)));
    assert_eq!(default_box(9), Some((3, 3)));
    assert_eq!(default_box(12), Some((3, 4)));
    assert_eq!(default_box(16), Some((4, 4)));
    assert_eq!(default_box(25), Some((5, 5)));
    assert_eq!(default_box(8), Some((2, 4)));
    assert_eq!(default_box(7), None);
    assert_eq!(default_box(26), None);
}

#[test]
fn parse_and_errors() {
    let g = Grid::parse(EASY, None).unwrap();
    assert_eq!(g.n(), 9);
    assert_eq!(g.to_text().replace('.', "0"), EASY.replace('.', "0"));
    // whitespace ignored, '0' blank, lowercase letters
    let msg = |r: Result<Grid, ClewError>| match r {
        Err(ClewError::Puzzle(m)) => m,
        other => panic!("expected a PuzzleError, got {other:?}"),
    };
    assert!(msg(Grid::parse(&EASY[..80], None)).contains("80 cells"));
    assert!(msg(Grid::parse("", None)).contains("empty"));
    assert!(msg(Grid::parse(&format!("x{}", &EASY[1..]), None))
        .contains("bad character 'x' at position 0"));
    assert!(msg(Grid::parse(&format!("A{}", &EASY[1..]), None)).contains("out of range"));
    let clash = format!("55{}", &EASY[2..]);
    let g = Grid::parse(&clash, None).unwrap();
    assert!(msg(solve(&g).map(|_| g.clone())).contains("clashing givens: 5 appears twice in row 1"));
    assert!(msg(Grid::from_values(&[0; 49], None)).contains("no default box"));
    assert!(Grid::from_values(&[0; 49], Some((1, 7))).is_ok());
    assert!(msg(Grid::from_values(&[0; 81], Some((2, 4)))).contains("does not fit"));
    assert!(msg(Grid::from_values(&[10; 81], None)).contains("value 10 at index 0"));
    assert!(msg(Grid::from_values(&[-1; 16], None)).contains("value -1"));
    assert!(msg(Grid::from_values(&[0; 26 * 26], None)).contains("676 cells"));
    let p16 = "a".to_string() + &".".repeat(255);
    assert_eq!(Grid::parse(&p16, None).unwrap().cells[0], 10);
}

#[test]
fn solves_known_puzzles_at_every_level_and_branching() {
    for text in [EASY, SEVENTEEN] {
        let g = Grid::parse(text, None).unwrap();
        let reference = solve(&g).unwrap().unwrap();
        assert!(reference.solves(&g));
        for level in LEVELS {
            for branching in [Branching::Mrv, Branching::First, Branching::Random] {
                if level == Deduction::None && text == SEVENTEEN {
                    continue; // pure backtracking on a 17-clue puzzle is slow
                }
                for simplest_first in [false, true] {
                    let opts = SolveOptions {
                        deduction: level,
                        branching,
                        seed: 7,
                        simplest_first,
                        limit: 2,
                        ..SolveOptions::default()
                    };
                    let out = Solver::new(g.geom, opts).solve(&g).unwrap();
                    assert_eq!(out.solutions, 1, "{level:?} {branching:?}");
                    assert_eq!(out.status, Status::Exhausted);
                    assert_eq!(out.solution.as_ref(), Some(&reference));
                }
            }
        }
    }
}

#[test]
fn unsolvable_consistent_puzzle_has_no_solution() {
    // r1 holds 1..8, so r1c9 must be 9, but column 9 already has a 9.
    let mut cells = vec![0u8; 81];
    for (c, v) in (1..=8).enumerate() {
        cells[c] = v;
    }
    cells[5 * 9 + 8] = 9;
    let g = Grid {
        geom: Geometry::cached(3, 3).unwrap(),
        cells,
    };
    assert!(g.clash().is_none());
    assert_eq!(solve(&g).unwrap(), None);
    assert_eq!(count_solutions(&g, 2).unwrap(), 0);
}

#[test]
fn counts_match_brute_force_on_small_random_puzzles() {
    let mut rng = Rng::new(42);
    let mut checked = [0usize; 3];
    for &(r, c) in &[(2, 2), (2, 3), (3, 2), (1, 4), (2, 1)] {
        let geom = Geometry::cached(r, c).unwrap();
        for i in 0..150 {
            let fill = 0.15 + 0.35 * (i % 10) as f64 / 10.0;
            let g = random_partial(geom, &mut rng, fill);
            let expect = brute_count(geom, &mut g.cells.clone(), 50);
            checked[expect.min(2) as usize] += 1;
            for level in LEVELS {
                for branching in [Branching::Mrv, Branching::First, Branching::Random] {
                    let opts = SolveOptions {
                        deduction: level,
                        branching,
                        seed: i,
                        limit: 50,
                        simplest_first: i % 2 == 0,
                        ..SolveOptions::default()
                    };
                    let out = Solver::new(geom, opts).solve(&g).unwrap();
                    assert_eq!(
                        out.solutions,
                        expect,
                        "{r}x{c} {level:?} {branching:?} {}",
                        g.to_text()
                    );
                    if let Some(s) = &out.solution {
                        assert!(s.solves(&g));
                    }
                }
            }
        }
    }
    // the sample covers unsolvable, unique and multi-solution puzzles
    assert!(checked.iter().all(|&k| k >= 20), "{checked:?}");
}

#[test]
fn every_size_generates_and_solves() {
    for &(r, c) in &[
        (1, 1),
        (2, 2),
        (2, 3),
        (3, 2),
        (3, 3),
        (2, 4),
        (3, 4),
        (4, 3),
        (4, 4),
        (5, 5),
    ] {
        let geom = Geometry::cached(r, c).unwrap();
        for seed in 0..3 {
            let opts = GenerateOptions {
                seed,
                empty: Some(geom.cells / 2),
                ..GenerateOptions::default()
            };
            let gen = generate(geom, &opts).unwrap();
            assert_eq!(gen.puzzle.empties(), geom.cells / 2, "{r}x{c}");
            assert!(is_complete_solution(geom, &gen.solution.cells));
            assert!(gen.solution.solves(&gen.puzzle));
            assert_eq!(count_solutions(&gen.puzzle, 2).unwrap(), 1, "{r}x{c}");
            let s = solve(&gen.puzzle).unwrap().unwrap();
            assert_eq!(s, gen.solution);
        }
    }
}

#[test]
fn generator_hits_targets_and_is_deterministic() {
    let geom = Geometry::cached(3, 3).unwrap();
    for empty in [0, 30, 50, 55, 58, 60] {
        let opts = GenerateOptions {
            empty: Some(empty),
            seed: empty as u64,
            ..GenerateOptions::default()
        };
        let a = generate(geom, &opts).unwrap();
        assert_eq!(a.puzzle.empties(), empty);
        assert_eq!(count_solutions(&a.puzzle, 2).unwrap(), 1);
        let b = generate(geom, &opts).unwrap();
        assert_eq!(a, b, "same seed, same puzzle");
        let c = generate(
            geom,
            &GenerateOptions {
                seed: 1000 + empty as u64,
                ..opts
            },
        )
        .unwrap();
        if empty > 0 {
            assert_ne!(a.puzzle, c.puzzle);
        }
    }
    // an item depends only on its seed stream, not on what the generator made before
    let opts = GenerateOptions {
        empty: Some(56),
        ..GenerateOptions::default()
    };
    let mut reused = Generator::new(geom);
    for i in 0..5u64 {
        let a = reused.generate_with(&opts, &mut Rng::derive(1, i)).unwrap();
        let b = Generator::new(geom)
            .generate_with(&opts, &mut Rng::derive(1, i))
            .unwrap();
        assert_eq!(a, b);
    }
    // minimal puzzles: removing any clue breaks uniqueness
    let m = generate(
        geom,
        &GenerateOptions {
            seed: 3,
            ..GenerateOptions::default()
        },
    )
    .unwrap();
    for c in 0..81 {
        if m.puzzle.cells[c] != 0 {
            let mut p = m.puzzle.clone();
            p.cells[c] = 0;
            assert_eq!(count_solutions(&p, 2).unwrap(), 2);
        }
    }
    // not unique: exactly `empty` blanks, still consistent with the solution
    let opts = GenerateOptions {
        empty: Some(70),
        unique: false,
        seed: 5,
        ..GenerateOptions::default()
    };
    let g = generate(geom, &opts).unwrap();
    assert_eq!(g.puzzle.empties(), 70);
    assert!(g.solution.solves(&g.puzzle));
    // impossible or malformed requests
    for bad in [
        GenerateOptions {
            empty: Some(65),
            ..GenerateOptions::default()
        },
        GenerateOptions {
            empty: Some(82),
            unique: false,
            ..GenerateOptions::default()
        },
        GenerateOptions {
            unique: false,
            ..GenerateOptions::default()
        },
    ] {
        assert!(matches!(
            generate(geom, &bad),
            Err(ClewError::InvalidInput(_))
        ));
    }
}

#[test]
fn generator_difficulty_targets() {
    let geom = Geometry::cached(3, 3).unwrap();
    for d in Difficulty::ALL {
        let opts = GenerateOptions {
            difficulty: Some(DifficultyTarget::Label(d)),
            seed: 11,
            ..GenerateOptions::default()
        };
        let g = generate(geom, &opts).unwrap();
        let r = rate(&g.puzzle).unwrap();
        assert_eq!(r.difficulty, Some(d));
        assert_eq!(g.rating.as_ref(), Some(&r));
        assert_eq!(r.solutions, 1);
        assert_eq!(r.logical, d != Difficulty::Expert);
        if d == Difficulty::Expert {
            assert!(r.guesses >= 1 && r.se_like > 4.0);
        } else {
            assert_eq!(r.guesses, 0);
            assert!(r.se_like <= 3.4);
        }
    }
    let opts = GenerateOptions {
        difficulty: Some(DifficultyTarget::SeLike { min: 2.5, max: 3.0 }),
        seed: 2,
        ..GenerateOptions::default()
    };
    let r = generate(geom, &opts).unwrap().rating.unwrap();
    assert!((2.5..=3.0).contains(&r.se_like));
}

#[test]
fn ratings() {
    let easy = rate(&Grid::parse(EASY, None).unwrap()).unwrap();
    assert_eq!(easy.difficulty, Some(Difficulty::Easy));
    assert!(easy.logical && easy.hardest.is_some());
    // a puzzle with several solutions is rated, and says so
    let mut cells = Grid::parse(EASY, None).unwrap().cells;
    cells[0] = 0;
    cells[1] = 0;
    cells[4] = 0;
    cells[9] = 0;
    let g = Grid {
        geom: Geometry::cached(3, 3).unwrap(),
        cells,
    };
    let r = rate(&g).unwrap();
    assert_eq!(r.solutions, count_solutions(&g, 2).unwrap());
    // no solution: no difficulty
    let mut cells = vec![0u8; 81];
    for (c, v) in (1..=8).enumerate() {
        cells[c] = v;
    }
    cells[5 * 9 + 8] = 9;
    let r = rate(&Grid {
        geom: Geometry::cached(3, 3).unwrap(),
        cells,
    })
    .unwrap();
    assert_eq!((r.solutions, r.difficulty), (0, None));
}

#[test]
fn step_logs_are_labelled_and_sound() {
    let geom = Geometry::cached(3, 3).unwrap();
    for seed in 0..20 {
        let gen = generate(
            geom,
            &GenerateOptions {
                seed,
                ..GenerateOptions::default()
            },
        )
        .unwrap();
        let solution = &gen.solution.cells;
        for simplest_first in [false, true] {
            let opts = SolveOptions {
                deduction: Deduction::Pairs,
                simplest_first,
                ..SolveOptions::default()
            };
            let (out, log) = solve_logged(&gen.puzzle, opts).unwrap();
            // the log costs nothing when off: same search either way
            let plain = Solver::new(geom, opts).solve(&gen.puzzle).unwrap();
            assert_eq!(out, plain);
            assert_eq!(log.steps.last(), Some(&Step::Solution));
            let placed = log
                .steps
                .iter()
                .filter(|s| matches!(s, Step::Place { .. }))
                .count() as u64;
            assert_eq!(
                placed,
                Technique::ALL[..4]
                    .iter()
                    .map(|&t| out.stats.technique(t))
                    .sum::<u64>()
            );
            // before the first guess every deduction agrees with the solution
            let mut grid = gen.puzzle.cells.clone();
            for step in log
                .steps
                .iter()
                .take_while(|s| !matches!(s, Step::Guess { .. }))
            {
                match step {
                    Step::Place {
                        cell,
                        value,
                        technique,
                        unit,
                    } => {
                        assert_eq!(solution[*cell as usize], *value, "{technique:?}");
                        assert_eq!(grid[*cell as usize], 0);
                        grid[*cell as usize] = *value;
                        if *technique != Technique::NakedSingle {
                            assert!(geom.unit(*unit as usize).contains(cell));
                        }
                    }
                    Step::Eliminate { .. } => {
                        for &(cell, mask) in log.removals_of(step) {
                            assert_eq!(mask >> (solution[cell as usize] - 1) & 1, 0);
                        }
                    }
                    Step::Solution => {}
                    other => panic!("unexpected {other:?} before any guess"),
                }
            }
            if out.stats.guesses == 0 {
                assert_eq!(&grid, solution);
            }
        }
    }
    // guesses and backtracks are logged on a search that needs them
    let g = Grid::parse(SEVENTEEN, None).unwrap();
    let (out, log) = solve_logged(
        &g,
        SolveOptions {
            deduction: Deduction::NakedSingles,
            ..SolveOptions::default()
        },
    )
    .unwrap();
    let guesses = log
        .steps
        .iter()
        .filter(|s| matches!(s, Step::Guess { candidates, .. } if candidates.count_ones() > 1))
        .count() as u64;
    let backtracks = log
        .steps
        .iter()
        .filter(|s| matches!(s, Step::Backtrack { .. }))
        .count() as u64;
    assert_eq!(
        (guesses, backtracks),
        (out.stats.guesses, out.stats.backtracks)
    );
    assert!(out.stats.backtracks > 0);
}

#[test]
fn budgets_and_terminate() {
    let g = Grid::parse(SEVENTEEN, None).unwrap();
    let opts = SolveOptions {
        deduction: Deduction::None,
        node_limit: Some(100),
        ..SolveOptions::default()
    };
    let out = Solver::new(g.geom, opts).solve(&g).unwrap();
    assert!(matches!(out.status, Status::Stopped(_)));
    assert!(out.stats.nodes <= 100);
    let opts = SolveOptions {
        deduction: Deduction::None,
        ..SolveOptions::default()
    };
    let mut calls = 0;
    let out = Solver::new(g.geom, opts)
        .solve_with(&g, &mut || {
            calls += 1;
            calls > 2
        })
        .unwrap();
    assert!(matches!(out.status, Status::Stopped(_)));
}

#[test]
fn batches() {
    let geom = Geometry::cached(3, 3).unwrap();
    let mut boards = Vec::new();
    let mut expect = Vec::new();
    for i in 0..300u64 {
        let gen = generate(
            geom,
            &GenerateOptions {
                seed: i,
                empty: Some(40 + (i % 20) as usize),
                ..GenerateOptions::default()
            },
        )
        .unwrap();
        let mut cells = gen.puzzle.cells.clone();
        let status = match i % 3 {
            0 => 1,
            1 => {
                // clash: copy a given into a blank of its row
                let r = (0..9)
                    .find(|&r| {
                        (0..9).any(|c| cells[r * 9 + c] == 0)
                            && (0..9).any(|c| cells[r * 9 + c] != 0)
                    })
                    .unwrap();
                let given = (0..9).map(|c| cells[r * 9 + c]).find(|&v| v != 0).unwrap();
                let blank = (0..9).find(|&c| cells[r * 9 + c] == 0).unwrap();
                cells[r * 9 + blank] = given;
                -1
            }
            _ => {
                // consistent but unsolvable: a blank cell given a wrong, non-clashing value, if any
                let p = Grid {
                    geom,
                    cells: cells.clone(),
                };
                let wrong = (0..81).find_map(|c| {
                    if cells[c] != 0 {
                        return None;
                    }
                    (1..=9u8)
                        .find(|&v| {
                            v != gen.solution.cells[c] && {
                                let mut t = p.cells.clone();
                                t[c] = v;
                                find_clash(geom, &t).is_none()
                            }
                        })
                        .map(|v| (c, v))
                });
                let (c, v) = wrong.unwrap();
                cells[c] = v;
                0
            }
        };
        boards.extend_from_slice(&cells);
        expect.push(status);
    }
    let mut outs = Vec::new();
    for threads in [1, 3] {
        let mut out = vec![0u8; boards.len()];
        let mut status = vec![9i8; expect.len()];
        assert!(solve_batch(geom, &boards, &mut out, &mut status, threads, &mut || false).unwrap());
        assert_eq!(status, expect);
        for (i, row) in out.chunks(81).enumerate() {
            let puzzle = Grid {
                geom,
                cells: boards[i * 81..(i + 1) * 81].to_vec(),
            };
            if status[i] == 1 {
                let s = Grid {
                    geom,
                    cells: row.to_vec(),
                };
                assert!(s.solves(&puzzle));
                assert_eq!(Some(s), solve(&puzzle).unwrap());
            } else {
                assert!(row.iter().all(|&v| v == 0));
            }
        }
        outs.push(out);
    }
    assert_eq!(outs[0], outs[1]);
    // out-of-range values are an error naming the board
    let mut bad = boards[..162].to_vec();
    bad[81 + 5] = 12;
    let err = solve_batch(geom, &bad, &mut [0; 162], &mut [0; 2], 1, &mut || false).unwrap_err();
    assert!(matches!(err, ClewError::Puzzle(m) if m.contains("board 1") && m.contains("index 5")));
    // generate_batch does not depend on the thread count
    let opts = GenerateOptions {
        empty: Some(50),
        seed: 9,
        ..GenerateOptions::default()
    };
    let a = generate_batch(geom, &opts, 17, 1, &mut || false)
        .unwrap()
        .unwrap();
    let b = generate_batch(geom, &opts, 17, 4, &mut || false)
        .unwrap()
        .unwrap();
    assert_eq!(a, b);
    assert_eq!(a.len(), 17);
    assert!(a.windows(2).all(|w| w[0].puzzle != w[1].puzzle));
    let err = generate_batch(
        geom,
        &GenerateOptions {
            empty: Some(64),
            max_attempts: 1,
            ..opts
        },
        3,
        2,
        &mut || false,
    );
    assert!(err.is_err());
}

#[test]
fn seventeen_clue_sample_if_present() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/benchmarks/sudoku/17-clue.txt"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("17-clue set not found; skipped");
        return;
    };
    let geom = Geometry::cached(3, 3).unwrap();
    let mut solver = Solver::new(
        geom,
        SolveOptions {
            limit: 2,
            ..SolveOptions::default()
        },
    );
    for line in text.lines().filter(|l| !l.starts_with('#')).step_by(97) {
        let g = Grid::parse(&line[..81], None).unwrap();
        let out = solver.solve(&g).unwrap();
        assert_eq!(out.solutions, 1);
        assert!(out.solution.unwrap().solves(&g));
    }
}

/// The band engine behind `Solver::fast` must walk the generic engine's
/// search tree: same status, solutions (first one included), nodes,
/// guesses, backtracks, contradictions and depth, on unique, multi-solution,
/// sparse, unsolvable and forbidden-value searches, at both levels it runs.
#[test]
fn fast_solver_walks_the_generic_search_tree() {
    let geom = Geometry::cached(3, 3).unwrap();
    let mut rng = Rng::new(7);
    let mut gen = Generator::new(geom);
    let mut puzzles: Vec<Vec<u8>> = vec![
        Grid::parse(EASY, None).unwrap().cells,
        Grid::parse(SEVENTEEN, None).unwrap().cells,
        vec![0; 81],
    ];
    for empty in [40, 55, 60] {
        for _ in 0..15 {
            let p = gen
                .generate_with(
                    &GenerateOptions {
                        empty: Some(empty),
                        ..GenerateOptions::default()
                    },
                    &mut rng,
                )
                .unwrap();
            let mut cells = p.puzzle.cells.clone();
            puzzles.push(cells.clone());
            // Fewer clues: several solutions; a changed clue: often none.
            for _ in 0..4 {
                let c = rng.below(81) as usize;
                cells[c] = 0;
            }
            puzzles.push(cells.clone());
            let c = (0..81).find(|&c| cells[c] != 0).unwrap();
            cells[c] = cells[c] % 9 + 1;
            puzzles.push(cells);
        }
    }
    for deduction in [Deduction::HiddenSingles, Deduction::LockedCandidates] {
        for (limit, shuffle) in [(1, false), (2, false), (50, false), (1, true)] {
            let opts = SolveOptions {
                deduction,
                limit,
                shuffle_values: shuffle,
                seed: 3,
                node_limit: Some(20_000),
                ..SolveOptions::default()
            };
            let mut plain = Solver::new(geom, opts);
            let mut fast = Solver::fast(geom, opts);
            for (k, p) in puzzles.iter().enumerate() {
                let forbid = (k % 3 == 0)
                    .then(|| (0..81).find(|&c| p[c] != 0))
                    .flatten()
                    .map(|c| ((c + 1) % 81, p[c]));
                let (mut a, mut b) = (vec![0u8; 81], vec![0u8; 81]);
                let ra = plain.solve_cells(p, forbid, &mut a, &mut || false);
                let rb = fast.solve_cells(p, forbid, &mut b, &mut || false);
                assert_eq!(ra, rb, "{deduction:?} limit {limit} puzzle {k}");
                if ra.1 > 0 {
                    assert_eq!(a, b, "{deduction:?} limit {limit} puzzle {k}");
                }
                let (sa, sb) = (plain.stats(), fast.stats());
                assert_eq!(
                    (
                        sa.nodes,
                        sa.guesses,
                        sa.backtracks,
                        sa.contradictions,
                        sa.max_depth
                    ),
                    (
                        sb.nodes,
                        sb.guesses,
                        sb.backtracks,
                        sb.contradictions,
                        sb.max_depth
                    ),
                    "{deduction:?} limit {limit} puzzle {k}"
                );
            }
        }
    }
}
