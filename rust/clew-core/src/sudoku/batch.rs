//! Many puzzles at once on several threads (`std::thread::scope`; each
//! worker owns its solver or generator and takes chunks of work from a
//! shared queue). The calling thread only coordinates: it polls the
//! caller's terminate callback (Ctrl-C in Python) while the workers run.
//! Results do not depend on the number of threads.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

use super::board::Geometry;
use super::generate::{GenerateOptions, Generated, Generator};
use super::rng::Rng;
use super::solve::{SolveOptions, Solver, Status};
use crate::error::{ClewError, Result};

/// Status codes of [`solve_batch`].
pub const SOLVED: i8 = 1;
pub const NO_SOLUTION: i8 = 0;
pub const INVALID: i8 = -1;

/// The number of threads to use: `requested`, or every available core for 0.
pub fn thread_count(requested: usize, jobs: usize) -> usize {
    let t = if requested == 0 {
        thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        requested
    };
    t.clamp(1, jobs.max(1))
}

/// Run `work(chunk_index)` for chunk indices `0..chunks` on `threads`
/// workers; the calling thread polls `terminate` and raises `stop`.
pub(crate) fn run_parallel<F>(
    chunks: usize,
    threads: usize,
    stop: &AtomicBool,
    terminate: &mut dyn FnMut() -> bool,
    make_worker: impl Fn() -> F + Sync,
) where
    F: FnMut(usize),
{
    let next = AtomicUsize::new(0);
    let running = AtomicUsize::new(threads);
    thread::scope(|scope| {
        let main = thread::current();
        for _ in 0..threads {
            let (next, running, main, make_worker) = (&next, &running, main.clone(), &make_worker);
            scope.spawn(move || {
                let mut work = make_worker();
                loop {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= chunks {
                        break;
                    }
                    work(i);
                }
                running.fetch_sub(1, Ordering::Release);
                main.unpark();
            });
        }
        while running.load(Ordering::Acquire) > 0 {
            if terminate() {
                stop.store(true, Ordering::Relaxed);
            }
            thread::park_timeout(Duration::from_millis(10));
        }
    });
}

const SOLVE_CHUNK: usize = 64;

/// Solve `boards` (B * N*N values, `0..=N` each) into `out` (B * N*N; rows
/// of unsolved boards are all zero) and `status` (B: [`SOLVED`],
/// [`NO_SOLUTION`], [`INVALID`] for clashing givens). `threads = 0` uses
/// every core. Returns false when `terminate` stopped it (then some rows
/// are left unsolved with status 0).
pub fn solve_batch(
    geom: &'static Geometry,
    boards: &[u8],
    out: &mut [u8],
    status: &mut [i8],
    threads: usize,
    terminate: &mut dyn FnMut() -> bool,
) -> Result<bool> {
    let cells = geom.cells;
    let count = status.len();
    if boards.len() != count * cells || out.len() != count * cells {
        return Err(ClewError::InvalidInput(format!(
            "solve_batch: {} boards need {} input and output values, got {} and {}",
            count,
            count * cells,
            boards.len(),
            out.len()
        )));
    }
    if let Some(i) = boards.iter().position(|&v| v as usize > geom.n) {
        return Err(ClewError::Puzzle(format!(
            "board {}: value {} at index {} is out of range for a {n}x{n} grid (0 for blank, 1..={n})",
            i / cells,
            boards[i],
            i % cells,
            n = geom.n
        )));
    }
    out.fill(0);
    status.fill(NO_SOLUTION);
    let chunks = count.div_ceil(SOLVE_CHUNK);
    let threads = thread_count(threads, chunks);
    let stop = AtomicBool::new(false);
    let slots: Vec<Mutex<(&mut [u8], &mut [i8])>> = out
        .chunks_mut(SOLVE_CHUNK * cells)
        .zip(status.chunks_mut(SOLVE_CHUNK))
        .map(Mutex::new)
        .collect();
    run_parallel(chunks, threads, &stop, terminate, || {
        let mut solver = Solver::fast(geom, SolveOptions::default());
        let (slots, stop) = (&slots, &stop);
        move |i: usize| {
            let mut guard = slots[i].lock().unwrap_or_else(|e| e.into_inner());
            let (out, status) = &mut *guard;
            let input = &boards[i * SOLVE_CHUNK * cells..];
            for (k, st) in status.iter_mut().enumerate() {
                let row = &mut out[k * cells..(k + 1) * cells];
                let (s, _) =
                    solver.solve_cells(&input[k * cells..(k + 1) * cells], None, row, &mut || {
                        stop.load(Ordering::Relaxed)
                    });
                *st = match s {
                    Status::LimitReached => SOLVED,
                    Status::Invalid => INVALID,
                    Status::Exhausted | Status::Stopped(_) => NO_SOLUTION,
                };
                if *st != SOLVED {
                    row.fill(0);
                }
            }
        }
    });
    Ok(!stop.load(Ordering::Relaxed))
}

const GENERATE_CHUNK: usize = 4;

/// Generate `count` puzzles; item `i` uses the seed stream derived from
/// `(opts.seed, i)`, so the batch is the same on any number of threads.
/// `Ok(None)` when `terminate` stopped it; the first error of any item
/// (e.g. a target no attempt met) is returned.
pub fn generate_batch(
    geom: &'static Geometry,
    opts: &GenerateOptions,
    count: usize,
    threads: usize,
    terminate: &mut dyn FnMut() -> bool,
) -> Result<Option<Vec<Generated>>> {
    Generator::new(geom).validate(opts)?;
    let chunks = count.div_ceil(GENERATE_CHUNK);
    let threads = thread_count(threads, chunks);
    let stop = AtomicBool::new(false);
    let results: Vec<Mutex<Option<Result<Generated>>>> =
        (0..count).map(|_| Mutex::new(None)).collect();
    run_parallel(chunks, threads, &stop, terminate, || {
        let mut gen = Generator::new(geom);
        let (results, stop) = (&results, &stop);
        move |i: usize| {
            let end = ((i + 1) * GENERATE_CHUNK).min(count);
            for (item, slot) in results
                .iter()
                .enumerate()
                .take(end)
                .skip(i * GENERATE_CHUNK)
            {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                let mut rng = Rng::derive(opts.seed, item as u64);
                // A long item (16x16, a rare difficulty) stops early too.
                let r = gen.generate_until(opts, &mut rng, &mut || stop.load(Ordering::Relaxed));
                if r.is_err() {
                    stop.store(true, Ordering::Relaxed);
                }
                *slot.lock().unwrap_or_else(|e| e.into_inner()) = r.transpose();
            }
        }
    });
    collect_items(results)
}

/// The items of a batch in order: the first error by index, or `None` when
/// an item is missing (the batch was stopped).
pub(crate) fn collect_items<T>(results: Vec<Mutex<Option<Result<T>>>>) -> Result<Option<Vec<T>>> {
    let slots: Vec<Option<Result<T>>> = results
        .into_iter()
        .map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()))
        .collect();
    if let Some(Some(Err(e))) = slots.iter().find(|s| matches!(s, Some(Err(_)))) {
        return Err(e.clone());
    }
    Ok(slots
        .into_iter()
        .map(|s| s.and_then(|r| r.ok()))
        .collect::<Option<Vec<_>>>())
}
