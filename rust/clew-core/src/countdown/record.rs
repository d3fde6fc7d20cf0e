//! One call from an instance to a rendered trace and its record: run the
//! chosen search recording its tree, render the tree in the chosen style,
//! and measure it (backtracks, nodes, depth, length).

use super::expr;
use super::heuristic::{Heuristic, HeuristicKind};
use super::pyrandom::PyRandom;
use super::search::{self, SearchResult, Shuffle, Step};
use super::sos;
use super::state::{Rules, State, MAX_NUMBERS};
use crate::error::{ClewError, Result};
use crate::trace::render::walk::NodeLabels;
use crate::trace::render::{self, sos as sos_render, Style};
use crate::trace::tree::{Outcome, Tree, NONE};

/// Which search writes the trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchKind {
    /// Stream of Search's DFS (threshold defaults to the target).
    Dfs,
    /// Stream of Search's BFS (its beam search; `beam_size` defaults to 5).
    Bfs,
    /// Complete greedy best-first.
    BestFirst,
    /// Level-wise beam search (`beam_size` defaults to 5).
    Beam,
}

impl SearchKind {
    pub fn from_name(name: &str) -> Option<SearchKind> {
        match name {
            "dfs" => Some(SearchKind::Dfs),
            "bfs" => Some(SearchKind::Bfs),
            "best_first" | "best-first" | "bestfirst" => Some(SearchKind::BestFirst),
            "beam" => Some(SearchKind::Beam),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            SearchKind::Dfs => "dfs",
            SearchKind::Bfs => "bfs",
            SearchKind::BestFirst => "best_first",
            SearchKind::Beam => "beam",
        }
    }
}

/// The default beam width of `bfs` and `beam` (Stream of Search's `--search bfs`).
pub const DEFAULT_BEAM: usize = 5;

/// Everything that shapes a trace.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceOptions {
    pub search: SearchKind,
    pub heuristic: HeuristicKind,
    pub beam_size: Option<usize>,
    /// DFS only: `None` means the target (as Stream of Search does);
    /// `Some(f64::INFINITY)` keeps every child.
    pub threshold: Option<f64>,
    pub style: Style,
    pub rules: Rules,
    /// BFS only: replay Python's `random.seed(seed)` shuffles; `None` keeps
    /// the kept children sorted.
    pub seed: Option<i128>,
    /// BFS only: the order of each expansion's children, from a recorded
    /// trace (see [`Shuffle::Given`]). Overrides `seed`.
    pub given_order: Option<Vec<Vec<String>>>,
    /// Also compute Stream of Search's `optimal_path` text.
    pub optimal_path: bool,
    /// DFS only: render exactly this many real wrong branches, then the
    /// solution (see [`crate::trace::render::walk::selected_walk`]).
    pub backtracks: Option<usize>,
    /// How the `sos` style labels the nodes of a selected walk (the whole
    /// search's labels are the same either way).
    pub node_labels: NodeLabels,
}

impl Default for TraceOptions {
    fn default() -> Self {
        TraceOptions {
            search: SearchKind::Dfs,
            heuristic: HeuristicKind::Sum,
            beam_size: None,
            threshold: None,
            style: Style::Sos,
            rules: Rules::SOS,
            seed: None,
            given_order: None,
            optimal_path: true,
            backtracks: None,
            node_labels: NodeLabels::Shown,
        }
    }
}

/// A rendered trace and what is known about it.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceRecord {
    pub numbers: Vec<u64>,
    pub target: u64,
    pub text: String,
    /// The steps of the solution the search found (`84/21=4`, ...).
    pub solution: Option<Vec<String>>,
    /// That solution as one expression (`(25-5)*(8-4)`).
    pub answer: Option<String>,
    /// Stream of Search's no-backtracking trace of its own first solution.
    pub optimal_path: Option<String>,
    pub backtracks: u64,
    pub nodes_expanded: u64,
    pub nodes_generated: u64,
    pub nodes_visited: u64,
    /// The deepest level the search visited (the root is 0).
    pub depth: u32,
    /// Length of `text` in characters (it is ASCII: bytes).
    pub length: usize,
}

/// Check an instance and turn it into a [`State`].
pub fn check_instance(numbers: &[i64], target: i64) -> Result<(State, u64)> {
    if numbers.len() < 2 || numbers.len() > MAX_NUMBERS {
        return Err(ClewError::Puzzle(format!(
            "countdown takes 2 to {MAX_NUMBERS} numbers, got {}",
            numbers.len()
        )));
    }
    if let Some(&n) = numbers.iter().find(|&&n| n < 0) {
        return Err(ClewError::Puzzle(format!(
            "numbers must be non-negative integers, got {n}"
        )));
    }
    if target < 0 {
        return Err(ClewError::Puzzle(format!(
            "the target must be a non-negative integer, got {target}"
        )));
    }
    // Every value reachable is at most the product of max(n, 2): keep it in
    // 63 bits so no step can overflow.
    let mut bound: u128 = 1;
    for &n in numbers {
        bound = bound.saturating_mul((n as u128).max(2));
    }
    if bound >= 1u128 << 63 {
        return Err(ClewError::Puzzle(
            "numbers too large: the product of the numbers (each counted as at least 2) must stay below 2**63".into(),
        ));
    }
    let nums: Vec<u64> = numbers.iter().map(|&n| n as u64).collect();
    Ok((State::new(&nums), target as u64))
}

/// Reusable buffers for many traces (a tree arena and a text buffer).
#[derive(Default)]
pub struct Tracer {
    tree: Tree<Step>,
    out: Vec<u8>,
}

impl Tracer {
    pub fn new() -> Tracer {
        Tracer::default()
    }

    /// The tree of the last search.
    pub fn tree(&self) -> &Tree<Step> {
        &self.tree
    }

    /// Run the search and record its tree; returns what it found.
    pub fn search(
        &mut self,
        start: &State,
        target: u64,
        opts: &TraceOptions,
    ) -> Result<SearchResult> {
        let heur = Heuristic::new(opts.heuristic, target);
        let beam = opts.beam_size.unwrap_or(DEFAULT_BEAM);
        self.tree.clear();
        match opts.search {
            SearchKind::Dfs => {
                let th = opts.threshold.unwrap_or(target as f64);
                let th = if th.is_infinite() && th > 0.0 {
                    None
                } else {
                    Some(th)
                };
                Ok(search::sos_dfs(
                    start,
                    target,
                    &heur,
                    th,
                    opts.rules,
                    &mut self.tree,
                ))
            }
            SearchKind::Bfs => {
                let mut rng;
                let mut shuffle = match (&opts.given_order, opts.seed) {
                    (Some(g), _) => Shuffle::Given(g),
                    (None, Some(seed)) => {
                        rng = PyRandom::new(seed);
                        Shuffle::Python(&mut rng)
                    }
                    (None, None) => Shuffle::Sorted,
                };
                search::sos_bfs(
                    start,
                    target,
                    &heur,
                    beam,
                    opts.rules,
                    &mut shuffle,
                    &mut self.tree,
                )
            }
            SearchKind::BestFirst => Ok(search::best_first(
                start,
                target,
                &heur,
                opts.rules,
                &mut self.tree,
            )),
            SearchKind::Beam => {
                search::beam(start, target, &heur, beam, opts.rules, &mut self.tree)
            }
        }
    }

    /// Search and render into `out` (cleared first); the fast path (no
    /// record). Returns the search result.
    pub fn trace_into(
        &mut self,
        start: &State,
        target: u64,
        opts: &TraceOptions,
        out: &mut Vec<u8>,
    ) -> Result<SearchResult> {
        self.trace_into_counted(start, target, opts, out)
            .map(|(r, _)| r)
    }

    /// [`Tracer::trace_into`], also returning the backtracks in the trace.
    pub fn trace_into_counted(
        &mut self,
        start: &State,
        target: u64,
        opts: &TraceOptions,
        out: &mut Vec<u8>,
    ) -> Result<(SearchResult, u64)> {
        let r = self.search(start, target, opts)?;
        out.clear();
        let walked = self.render(start, target, opts, out)?;
        let counted =
            walked.unwrap_or_else(|| backtracks(&self.tree, opts.search == SearchKind::Dfs));
        Ok((r, counted))
    }

    /// Render the last search into `out`; returns the backtracks written
    /// when a walk was rendered.
    fn render(
        &self,
        start: &State,
        target: u64,
        opts: &TraceOptions,
        out: &mut Vec<u8>,
    ) -> Result<Option<u64>> {
        let depth_first = opts.search == SearchKind::Dfs;
        if opts.style != Style::Sos || opts.backtracks.is_some() {
            return render::render_countdown(
                opts.style,
                &self.tree,
                start,
                target,
                depth_first,
                opts.backtracks,
                opts.node_labels,
                out,
            )
            .map(Some);
        }
        if depth_first {
            sos_render::dfs(&self.tree, start, target, out);
        } else {
            let rule = if opts.search == SearchKind::Bfs {
                sos_render::LabelRule::NonTerminal
            } else {
                sos_render::LabelRule::EveryChild
            };
            sos_render::expansions(&self.tree, start, target, rule, out);
        }
        Ok(None)
    }

    /// Search, render, and measure: the full record.
    pub fn trace(
        &mut self,
        numbers: &[i64],
        target: i64,
        opts: &TraceOptions,
    ) -> Result<TraceRecord> {
        let (start, target) = check_instance(numbers, target)?;
        let mut out = std::mem::take(&mut self.out);
        out.clear();
        let r = self.trace_into_counted(&start, target, opts, &mut out);
        let text = String::from_utf8(out.clone()).expect("ascii");
        self.out = out;
        let (r, counted) = r?;
        let solution = r
            .solution
            .as_ref()
            .map(|steps| steps.iter().map(|s| s.op.to_string()).collect());
        let answer = r
            .solution
            .as_ref()
            .and_then(|steps| expr::solution_expr(&start, steps, target).map(|e| e.render()));
        let optimal_path = if opts.optimal_path {
            sos::first_solution(&start, target)
                .map(|ops| sos::optimal_path(start.as_slice(), target, &ops))
        } else {
            None
        };
        Ok(TraceRecord {
            numbers: start.as_slice().to_vec(),
            target,
            length: text.len(),
            text,
            solution,
            answer,
            optimal_path,
            backtracks: counted,
            nodes_expanded: r.stats.expanded,
            nodes_generated: r.stats.generated,
            nodes_visited: r.stats.visited,
            depth: self.tree.max_depth(),
        })
    }
}

/// Backtracks in a recorded tree. Depth-first: every return to a node to try
/// its next child (for each node, its visited children less one). Otherwise:
/// every expansion of a node that is not a child of the node expanded just
/// before it.
pub fn backtracks(tree: &Tree<Step>, depth_first: bool) -> u64 {
    if tree.is_empty() {
        return 0;
    }
    if depth_first {
        let mut total = 0u64;
        for (id, n) in tree.nodes().iter().enumerate() {
            if n.expand == NONE {
                continue;
            }
            let visited = tree
                .children(id as u32)
                .filter(|&c| !matches!(tree.node(c).outcome, Outcome::Open | Outcome::Pruned))
                .count() as u64;
            total += visited.saturating_sub(1);
        }
        total
    } else {
        let order = tree.expansion_order();
        order
            .windows(2)
            .filter(|w| tree.node(w[1]).parent != w[0])
            .count() as u64
    }
}
