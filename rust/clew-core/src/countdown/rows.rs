//! Countdown dataset rows, built column by column for Arrow: candidate
//! instances from per-record seeds, their canonical keys, a feasibility
//! check for backtrack-controlled traces, and the traced rows themselves.
//! No Python object is made per record.

use super::expr;
use super::generate::{GenConfig, Generator};
use super::heuristic::{Heuristic, HeuristicKind};
use super::record::{SearchKind, TraceOptions, Tracer};
use super::search;
use super::solve;
use super::sos;
use super::state::State;
use crate::dataset::{hash_words, parallel_chunks, TextColumn};
use crate::error::Result;
use crate::trace::render::walk;
use crate::trace::NoRecord;

/// One instance: its numbers and target.
pub type Instance = (Vec<u64>, u64);

/// Candidate `i` is the first instance of the generator seeded with
/// `seeds[i]`, so a record's seed alone regenerates its instance
/// (`clew.countdown.generate(1, seed=s, ...)`).
pub fn candidates(cfg: &GenConfig, seeds: &[u64], threads: usize) -> Result<Vec<Instance>> {
    cfg.validate()?;
    let parts = parallel_chunks(seeds, threads, |chunk| {
        chunk
            .iter()
            .map(|&s| Generator::new(cfg.clone(), s)?.next_instance())
            .collect::<Result<Vec<_>>>()
    })?;
    Ok(parts.into_iter().flatten().collect())
}

/// The canonical key of an instance: the multiset of its numbers and its
/// target (order of the numbers does not matter).
pub fn canonical_key(numbers: &[u64], target: u64) -> u64 {
    let mut sorted = numbers.to_vec();
    sorted.sort_unstable();
    hash_words(
        [1u64, sorted.len() as u64]
            .into_iter()
            .chain(sorted)
            .chain([target]),
    )
}

/// Whether a backtrack-controlled trace with `k` backtracks exists for this
/// instance under `opts` (the search must solve it with at least `k` wrong
/// branches before its solution). Without `k`: whether the search solves it
/// (a `--solved-only` dataset keeps just those).
pub fn feasible(
    tracer: &mut Tracer,
    inst: &Instance,
    opts: &TraceOptions,
    k: Option<usize>,
) -> Result<bool> {
    let start = State::new(&inst.0);
    let found = tracer.search(&start, inst.1, opts)?;
    let Some(k) = k else {
        return Ok(found.solution.is_some());
    };
    Ok(walk::wrong_branches(tracer.tree()).is_some_and(|b| b.len() >= k))
}

/// Traced rows, column by column.
#[derive(Clone, Debug, Default)]
pub struct Rows {
    pub trace: TextColumn,
    /// A valid expression using every number once, present even when the
    /// trace ends without reaching the target (then from the complete solver).
    pub answer: TextColumn,
    /// Stream of Search's backtrack-free `optimal_path` text.
    pub optimal_path: TextColumn,
    /// Whether the trace itself reaches the target.
    pub solved: Vec<u8>,
    pub backtracks: Vec<i64>,
    pub nodes: Vec<i64>,
    pub depth: Vec<i64>,
    pub length: Vec<i64>,
    /// Nodes Stream of Search's DFS (sum heuristic, threshold = target)
    /// expands on the instance: its search effort, whatever the trace shows.
    pub difficulty: Vec<i64>,
}

impl Rows {
    fn new() -> Rows {
        Rows {
            trace: TextColumn::new(),
            answer: TextColumn::new(),
            optimal_path: TextColumn::new(),
            ..Rows::default()
        }
    }

    fn extend(&mut self, other: Rows) {
        self.trace.extend(&other.trace);
        self.answer.extend(&other.answer);
        self.optimal_path.extend(&other.optimal_path);
        self.solved.extend(other.solved);
        self.backtracks.extend(other.backtracks);
        self.nodes.extend(other.nodes);
        self.depth.extend(other.depth);
        self.length.extend(other.length);
        self.difficulty.extend(other.difficulty);
    }

    pub fn len(&self) -> usize {
        self.solved.len()
    }

    pub fn is_empty(&self) -> bool {
        self.solved.is_empty()
    }
}

/// Trace every instance (row `i` with `backtracks[i]` when given, which
/// overrides `opts.backtracks`) on up to `threads` threads; the rows come
/// out in order and do not depend on `threads`. An instance whose trace
/// cannot be made is an error: check [`feasible`] first.
pub fn trace_rows(
    instances: &[Instance],
    opts: &TraceOptions,
    backtracks: Option<&[usize]>,
    threads: usize,
) -> Result<Rows> {
    let indexed: Vec<(usize, &Instance)> = instances.iter().enumerate().collect();
    let parts = parallel_chunks(&indexed, threads, |chunk| {
        let mut tracer = Tracer::new();
        let mut rows = Rows::new();
        let mut text = Vec::with_capacity(1 << 16);
        let mut opts = opts.clone();
        // The difficulty search is the trace's own search: reuse its count.
        let is_sos_dfs = opts.search == SearchKind::Dfs
            && opts.heuristic == HeuristicKind::Sum
            && opts.threshold.is_none();
        for &(i, (numbers, target)) in chunk {
            if let Some(k) = backtracks {
                opts.backtracks = Some(k[i]);
            }
            let start = State::new(numbers);
            let (result, counted) = tracer.trace_into_counted(&start, *target, &opts, &mut text)?;
            let found = result
                .solution
                .as_ref()
                .and_then(|steps| expr::solution_expr(&start, steps, *target));
            let answer = match found {
                Some(e) => Some(e.render()),
                None => solve::solve_one(&start, *target, opts.rules, &mut || false)
                    .ok()
                    .flatten()
                    .map(|s| s.expr),
            };
            rows.answer.push(answer.unwrap_or_default().as_bytes());
            let path = sos::first_solution(&start, *target)
                .map(|ops| sos::optimal_path(start.as_slice(), *target, &ops))
                .unwrap_or_default();
            rows.optimal_path.push(path.as_bytes());
            rows.trace.push(&text);
            rows.solved.push(result.solution.is_some() as u8);
            rows.backtracks.push(counted as i64);
            rows.nodes.push(result.stats.expanded as i64);
            rows.depth.push(tracer.tree().max_depth() as i64);
            rows.length.push(text.len() as i64);
            let effort = if is_sos_dfs {
                result.stats.expanded
            } else {
                let heur = Heuristic::new(HeuristicKind::Sum, *target);
                let th = Some(*target as f64);
                search::sos_dfs(&start, *target, &heur, th, opts.rules, &mut NoRecord)
                    .stats
                    .expanded
            };
            rows.difficulty.push(effort as i64);
        }
        Ok(rows)
    })?;
    let mut all = Rows::new();
    for p in parts {
        all.extend(p);
    }
    Ok(all)
}
