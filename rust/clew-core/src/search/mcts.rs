//! Batched Monte Carlo tree search driven by ask/tell.
//!
//! A [`Forest`] holds many trees (one per game in a batch). [`Forest::ask`]
//! walks each tree down to an unevaluated leaf and hands the leaves out;
//! the caller evaluates them however it likes (a network on a GPU, a
//! language model, a heuristic) and [`Forest::tell`] expands them with the
//! priors and backs the values up. The core never calls the evaluator, so
//! no foreign code runs inside it.
//!
//! Layout: each tree is one `Vec<Node>`; a node's children are one
//! contiguous range of it (`first_child .. first_child + num_children`), so
//! selection scans a slice. Several leaves can come from one tree in one
//! ask thanks to *virtual loss*: a leaf in flight counts as a visit that
//! lost on every node of its path until it is told. With one leaf per tree
//! per ask nothing is ever in flight during selection, so the search is
//! exactly the sequential one.
//!
//! Values are told from the point of view of the player to move at the
//! leaf. In a two-player game (`two_player`) the sign flips at every ply on
//! the way up; otherwise (puzzles, bandits) it never does.

use crate::error::{ClewError, Result};
use crate::sudoku::rng::Rng;

/// "No node" (the root's parent, an unexpanded node's children).
pub const NO_NODE: u32 = u32::MAX;

/// The selection rule below the root (and at the root unless Gumbel).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// AlphaZero's PUCT: `Q + c * P * sqrt(N) / (1 + n)`.
    Puct,
    /// UCB1 (UCT): `Q + c * sqrt(ln N / n)`, unvisited children first; priors unused.
    Uct,
}

/// Gumbel MuZero's root (Danihelka et al. 2022): sample `considered`
/// actions without replacement by Gumbel-top-k on the prior logits, then
/// spread `simulations` over them by sequential halving, keeping the half
/// with the best `g + logits + sigma(q)` after each phase. The root picks
/// exactly as mctx's `gumbel_muzero_policy` does; below the root the tree's
/// [`Rule`] still applies.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Gumbel {
    /// Actions considered at the root (mctx: `max_num_considered_actions`).
    pub considered: usize,
    /// The simulation budget the halving schedule is planned for.
    pub simulations: u32,
    /// `sigma(q) = (maxvisit_init + max_b N(b)) * value_scale * q`, q
    /// completed by the mixed value and rescaled to [0, 1].
    pub value_scale: f32,
    pub maxvisit_init: f32,
}

impl Gumbel {
    /// mctx's defaults: 16 considered actions, value_scale 0.1, maxvisit_init 50.
    pub fn new(simulations: u32) -> Gumbel {
        Gumbel {
            considered: 16,
            simulations,
            value_scale: 0.1,
            maxvisit_init: 50.0,
        }
    }
}

/// Above this many actions PUCT stores children by prior (see
/// `MctsConfig::children_by_prior`).
const PREFIX_SCAN_MIN_ACTIONS: usize = 32;

/// Progressive widening for open-ended actions (sampled text steps, many
/// actions): a node visited `N` times considers only its `ceil(c *
/// N^alpha)` children of highest prior (children are stored by descending
/// prior when it is on), so a new candidate enters as visits grow.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Widening {
    pub c: f32,
    pub alpha: f32,
}

/// Search settings; [`MctsConfig::new`] gives AlphaZero-like defaults.
#[derive(Clone, Debug)]
pub struct MctsConfig {
    pub num_actions: usize,
    pub rule: Rule,
    /// Exploration constant (`c_puct` for PUCT, `c` for UCT).
    pub c: f32,
    /// Value a leaf in flight counts as having lost, per visit.
    pub virtual_loss: f32,
    /// Dirichlet noise mixed into the root's priors: `(1 - fraction) * P +
    /// fraction * Dir(alpha)`; off when `fraction` is 0.
    pub dirichlet_alpha: f32,
    pub dirichlet_fraction: f32,
    /// Flip the value's sign at every ply (zero-sum two-player games).
    pub two_player: bool,
    /// Q of an unvisited child under PUCT ("first play urgency").
    pub fpu: f32,
    /// Select at the root by Gumbel sequential halving (no Dirichlet noise then).
    pub gumbel: Option<Gumbel>,
    /// Progressive widening below a Gumbel root, everywhere otherwise.
    pub widening: Option<Widening>,
    pub seed: u64,
}

impl MctsConfig {
    pub fn new(num_actions: usize) -> MctsConfig {
        MctsConfig {
            num_actions,
            rule: Rule::Puct,
            c: 1.25,
            virtual_loss: 1.0,
            dirichlet_alpha: 0.3,
            dirichlet_fraction: 0.0,
            two_player: false,
            fpu: 0.0,
            gumbel: None,
            widening: None,
            seed: 0,
        }
    }

    /// Whether a node's children are stored by descending prior: with
    /// widening, and under PUCT with many actions, where stopping the scan
    /// at the first unvisited child repays the sort (at 16 actions sorting
    /// cost more than the whole scan it saved: half of `tell`).
    fn children_by_prior(&self) -> bool {
        self.widening.is_some()
            || (self.rule == Rule::Puct && self.num_actions > PREFIX_SCAN_MIN_ACTIONS)
    }

    fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(ClewError::InvalidInput(m));
        if self.num_actions == 0 || self.num_actions > u32::MAX as usize / 2 {
            return bad(format!(
                "num_actions must be positive, got {}",
                self.num_actions
            ));
        }
        if !(self.c.is_finite() && self.c >= 0.0) {
            return bad(format!("c must be finite and >= 0, got {}", self.c));
        }
        if !(self.virtual_loss.is_finite() && self.virtual_loss >= 0.0) {
            return bad(format!(
                "virtual_loss must be finite and >= 0, got {}",
                self.virtual_loss
            ));
        }
        if !(0.0..=1.0).contains(&self.dirichlet_fraction) {
            return bad(format!(
                "dirichlet_fraction must be in [0, 1], got {}",
                self.dirichlet_fraction
            ));
        }
        if self.dirichlet_fraction > 0.0
            && (self.dirichlet_alpha.is_nan() || self.dirichlet_alpha <= 0.0)
        {
            return bad(format!(
                "dirichlet_alpha must be > 0, got {}",
                self.dirichlet_alpha
            ));
        }
        if !self.fpu.is_finite() {
            return bad(format!("fpu must be finite, got {}", self.fpu));
        }
        if let Some(w) = self.widening {
            if !(w.c.is_finite() && w.c > 0.0 && (0.0..=1.0).contains(&w.alpha)) {
                return bad(format!(
                    "widening needs c > 0 and alpha in [0, 1], got {} and {}",
                    w.c, w.alpha
                ));
            }
        }
        if let Some(g) = self.gumbel {
            if g.considered == 0 || g.simulations == 0 || g.simulations > 1 << 24 {
                return bad(format!(
                    "gumbel needs considered >= 1 and 1 <= simulations <= 2^24, got {} and {}",
                    g.considered, g.simulations
                ));
            }
            if !(g.value_scale.is_finite() && g.maxvisit_init.is_finite()) {
                return bad("gumbel value_scale and maxvisit_init must be finite".into());
            }
            if self.two_player {
                return bad(
                    "the gumbel root is for single-agent search (two_player = false)".into(),
                );
            }
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    /// Never handed out.
    New,
    /// Handed out by `ask`, not yet told.
    Pending,
    /// Being told (only inside `tell`'s check, to catch a repeated id).
    Telling,
    /// Told, with children.
    Expanded,
    /// Told as terminal (or with no legal action): its value is exact.
    Terminal,
}

// `Node::first_child` before expansion says which status the node has, so
// the node needs no status byte and stays 32 bytes (two per cache line).
const NEW: u32 = u32::MAX;
const PENDING: u32 = u32::MAX - 1;
const TELLING: u32 = u32::MAX - 2;
const TERMINAL: u32 = u32::MAX - 3;
/// Node ids stay below the status markers.
const MAX_NODES: usize = (u32::MAX - 4) as usize;

/// 32 bytes; selection reads the first four fields of every child, so they
/// lead.
#[derive(Clone, Copy, Debug)]
struct Node {
    /// Sum of backed-up values, from the view of the player who moved here.
    value_sum: f32,
    prior: f32,
    visits: u32,
    /// Leaves in flight below (or at) this node.
    in_flight: u32,
    parent: u32,
    /// The action that led here from the parent.
    action: u32,
    /// The first child once expanded, else NEW, PENDING, TELLING or TERMINAL.
    first_child: u32,
    /// The number of children once expanded; a terminal's exact value (f32
    /// bits, view of the player to move there).
    extra: u32,
}

const _: () = assert!(std::mem::size_of::<Node>() == 32);

impl Node {
    fn new(parent: u32, action: u32, prior: f32) -> Node {
        Node {
            value_sum: 0.0,
            prior,
            visits: 0,
            in_flight: 0,
            parent,
            action,
            first_child: NEW,
            extra: 0,
        }
    }

    #[inline]
    fn status(&self) -> Status {
        match self.first_child {
            NEW => Status::New,
            PENDING => Status::Pending,
            TELLING => Status::Telling,
            TERMINAL => Status::Terminal,
            _ => Status::Expanded,
        }
    }

    fn terminal_value(&self) -> f32 {
        f32::from_bits(self.extra)
    }

    fn set_terminal(&mut self, value: f32) {
        self.first_child = TERMINAL;
        self.extra = value.to_bits();
    }
}

/// One search tree: its arena and its random stream.
#[derive(Clone, Debug)]
struct Tree {
    nodes: Vec<Node>,
    rng: Rng,
    pending: u32,
    /// Gumbel root only: one Gumbel(0, 1) draw per root child, and the
    /// root's own evaluation (the mixed value's anchor).
    gumbel: Vec<f32>,
    /// Gumbel root only: the children's prior logits, the largest 0.
    logits: Vec<f32>,
    root_raw: f32,
}

impl Tree {
    fn new(rng: Rng) -> Tree {
        Tree {
            nodes: vec![Node::new(NO_NODE, NO_NODE, 1.0)],
            rng,
            pending: 0,
            gumbel: Vec::new(),
            logits: Vec::new(),
            root_raw: 0.0,
        }
    }

    fn children(&self, n: u32) -> std::ops::Range<usize> {
        let node = &self.nodes[n as usize];
        if node.status() == Status::Expanded {
            node.first_child as usize..(node.first_child + node.extra) as usize
        } else {
            0..0
        }
    }
}

/// What one descent of one tree found.
enum Descent {
    /// An unevaluated leaf, now pending (virtual loss applied on its path).
    Leaf(u32),
    /// The walk reached a leaf already in flight: nothing handed out.
    Collision,
    /// The walk reached a terminal node; its value was backed up again.
    Terminal(u32),
}

/// A leaf handed out by [`Forest::ask`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leaf {
    pub tree: u32,
    pub node: u32,
    /// The parent node and the action from it ([`NO_NODE`] for a root).
    pub parent: u32,
    pub action: u32,
}

impl Leaf {
    /// `tree << 32 | node`: one integer per leaf for the caller to hand back.
    pub fn id(&self) -> u64 {
        (self.tree as u64) << 32 | self.node as u64
    }
}

/// What the caller tells about one leaf.
#[derive(Clone, Copy, Debug)]
pub struct Evaluation<'a> {
    pub leaf_id: u64,
    /// `num_actions` non-negative weights (normalised over the legal actions).
    pub priors: &'a [f32],
    /// The leaf's value for the player to move there.
    pub value: f32,
    pub terminal: bool,
    /// `num_actions` flags; `None`: every action is legal.
    pub legal: Option<&'a [bool]>,
}

/// A batch of MCTS trees sharing one configuration.
#[derive(Clone, Debug)]
pub struct Forest {
    cfg: MctsConfig,
    trees: Vec<Tree>,
    /// The tree the next ask starts from (round robin when k < trees).
    cursor: usize,
    scratch: Vec<f32>,
    /// The terminal nodes the last ask's walks re-visited (no evaluation).
    terminal_hits: Vec<Leaf>,
    /// Scratch for ordering a leaf's children by prior.
    keys: Vec<u64>,
    /// Gumbel root: `halving[m][i]`, the visit count the `i`-th simulation
    /// gives to one of `m` considered actions (mctx's table).
    halving: Vec<Vec<u32>>,
}

/// A read-only view of one node of one tree (see [`Forest::node`]).
#[derive(Clone, Debug, PartialEq)]
pub struct NodeStats {
    /// [`NO_NODE`] for the root.
    pub parent: u32,
    pub action: u32,
    pub visits: u32,
    /// Mean backed-up value from the view of the player who moved here;
    /// NaN when unvisited.
    pub mean: f32,
    pub prior: f32,
    pub expanded: bool,
    pub terminal: bool,
    /// The children's node ids (contiguous).
    pub children: std::ops::Range<u32>,
}

impl Forest {
    /// `num_trees` fresh trees, each with an unevaluated root. Tree `i`
    /// draws from the stream `(seed, i)`, so the same seed and the same
    /// calls give the same trees.
    pub fn new(cfg: MctsConfig, num_trees: usize) -> Result<Forest> {
        cfg.validate()?;
        if num_trees == 0 || num_trees > u32::MAX as usize {
            return Err(ClewError::InvalidInput(format!(
                "num_trees must be positive, got {num_trees}"
            )));
        }
        let trees = (0..num_trees)
            .map(|i| Tree::new(Rng::derive(cfg.seed, i as u64)))
            .collect();
        let halving = cfg_halving(&cfg);
        Ok(Forest {
            cfg,
            trees,
            cursor: 0,
            scratch: Vec::new(),
            terminal_hits: Vec::new(),
            keys: Vec::new(),
            halving,
        })
    }

    pub fn config(&self) -> &MctsConfig {
        &self.cfg
    }

    pub fn num_trees(&self) -> usize {
        self.trees.len()
    }

    /// Nodes allocated in every tree together.
    pub fn num_nodes(&self) -> usize {
        self.trees.iter().map(|t| t.nodes.len()).sum()
    }

    /// Leaves handed out and not yet told.
    pub fn pending(&self) -> usize {
        self.trees.iter().map(|t| t.pending as usize).sum()
    }

    /// Hand out up to `k` leaves, one per tree per pass, trees in round
    /// robin; a tree gives several only through virtual loss. Fewer come
    /// back when walks collide with leaves in flight. Walks that end on a
    /// terminal node back its exact value up at once (a simulation that
    /// needs no evaluation).
    pub fn ask(&mut self, k: usize, out: &mut Vec<Leaf>) {
        out.clear();
        self.terminal_hits.clear();
        let n = self.trees.len();
        // Each pass serves every tree once; a pass that hands nothing out
        // ends the ask, and so does a bound on passes (terminal walks only).
        let max_passes = k.div_ceil(n).saturating_mul(2) + 2;
        let mut next = self.cursor;
        for _ in 0..max_passes {
            let mut progress = false;
            for step in 0..n {
                if out.len() == k {
                    break;
                }
                let t = (self.cursor + step) % n;
                match self.descend(t) {
                    Descent::Leaf(node) => {
                        let nd = &self.trees[t].nodes[node as usize];
                        out.push(Leaf {
                            tree: t as u32,
                            node,
                            parent: nd.parent,
                            action: nd.action,
                        });
                        next = (t + 1) % n;
                        progress = true;
                    }
                    Descent::Terminal(node) => {
                        let nd = &self.trees[t].nodes[node as usize];
                        self.terminal_hits.push(Leaf {
                            tree: t as u32,
                            node,
                            parent: nd.parent,
                            action: nd.action,
                        });
                        progress = true;
                    }
                    Descent::Collision => {}
                }
            }
            if out.len() == k || !progress {
                break;
            }
        }
        if k < n {
            self.cursor = next;
        }
    }

    fn descend(&mut self, t: usize) -> Descent {
        let cfg = &self.cfg;
        let tree = &mut self.trees[t];
        let mut node = 0u32;
        loop {
            match tree.nodes[node as usize].status() {
                Status::Expanded if node == 0 && cfg.gumbel.is_some() => {
                    node = gumbel_select(cfg, tree, &self.halving, false)
                }
                Status::Expanded => node = select_child(cfg, tree, node),
                Status::New => {
                    tree.nodes[node as usize].first_child = PENDING;
                    tree.pending += 1;
                    let mut n = node;
                    loop {
                        let nd = &mut tree.nodes[n as usize];
                        nd.in_flight += 1;
                        if nd.parent == NO_NODE {
                            break;
                        }
                        n = nd.parent;
                    }
                    return Descent::Leaf(node);
                }
                Status::Pending | Status::Telling => return Descent::Collision,
                Status::Terminal => {
                    let v = tree.nodes[node as usize].terminal_value();
                    backup(cfg, tree, node, v, false);
                    return Descent::Terminal(node);
                }
            }
        }
    }

    /// The terminal nodes the last [`Forest::ask`] walked into: each was a
    /// simulation, its exact value backed up again without an evaluation.
    pub fn terminal_hits(&self) -> &[Leaf] {
        &self.terminal_hits
    }

    /// Nodes of tree `t` (ids `0..len`; the root is 0).
    pub fn tree_len(&self, t: usize) -> usize {
        self.trees[t].nodes.len()
    }

    /// Node `node` of tree `t`.
    pub fn node(&self, t: usize, node: u32) -> NodeStats {
        let tree = &self.trees[t];
        let nd = &tree.nodes[node as usize];
        let r = tree.children(node);
        NodeStats {
            parent: nd.parent,
            action: nd.action,
            visits: nd.visits,
            mean: if nd.visits == 0 {
                f32::NAN
            } else {
                nd.value_sum / nd.visits as f32
            },
            prior: nd.prior,
            expanded: nd.status() == Status::Expanded,
            terminal: nd.status() == Status::Terminal,
            children: r.start as u32..r.end as u32,
        }
    }

    /// Expand the told leaves with their priors and back their values up.
    /// All-or-nothing: every evaluation is checked (known, pending leaf;
    /// each at most once; finite non-negative priors; finite value) before
    /// any tree changes.
    pub fn tell(&mut self, evals: &[Evaluation<'_>]) -> Result<()> {
        let a = self.cfg.num_actions;
        let mut bad = None;
        for (i, e) in evals.iter().enumerate() {
            if let Err(m) = self.check(e, a) {
                bad = Some(format!("evaluation {i}: {m}"));
                break;
            }
            let (t, n) = split(e.leaf_id);
            // Mark as being told so that a repeated id is caught.
            self.trees[t].nodes[n].first_child = TELLING;
        }
        // Undo the marks (the real expansion happens below).
        for e in evals {
            let (t, n) = split(e.leaf_id);
            if let Some(nd) = self.trees.get_mut(t).and_then(|tr| tr.nodes.get_mut(n)) {
                if nd.status() == Status::Telling {
                    nd.first_child = PENDING;
                }
            }
        }
        if let Some(m) = bad {
            return Err(ClewError::InvalidInput(m));
        }
        for e in evals {
            self.expand(e);
        }
        Ok(())
    }

    fn check(&self, e: &Evaluation<'_>, a: usize) -> std::result::Result<(), String> {
        let (t, n) = split(e.leaf_id);
        let status = self
            .trees
            .get(t)
            .and_then(|tr| tr.nodes.get(n))
            .map(Node::status);
        match status {
            Some(Status::Pending) => {}
            Some(Status::Telling) => return Err(format!("leaf id {} is told twice", e.leaf_id)),
            Some(_) => {
                return Err(format!(
                    "leaf id {} is not waiting for an evaluation (already told, or never asked)",
                    e.leaf_id
                ))
            }
            None => return Err(format!("unknown leaf id {}", e.leaf_id)),
        }
        if e.priors.len() != a {
            return Err(format!("{} priors for {a} actions", e.priors.len()));
        }
        if self.trees[t].nodes.len() + a > MAX_NODES {
            return Err(format!("tree {t} is full ({MAX_NODES} nodes)"));
        }
        if let Some(l) = e.legal {
            if l.len() != a {
                return Err(format!("{} legal flags for {a} actions", l.len()));
            }
        }
        if !e.value.is_finite() {
            return Err(format!("value {} is not finite", e.value));
        }
        if let Some(p) = e.priors.iter().find(|p| !(p.is_finite() && **p >= 0.0)) {
            return Err(format!("prior {p} is not a finite non-negative number"));
        }
        Ok(())
    }

    fn expand(&mut self, e: &Evaluation<'_>) {
        let (t, n) = split(e.leaf_id);
        let cfg = &self.cfg;
        let tree = &mut self.trees[t];
        tree.pending -= 1;
        let legal = |i: usize| e.legal.is_none_or(|l| l[i]);
        let count = (0..cfg.num_actions).filter(|&i| legal(i)).count();
        if e.terminal || count == 0 {
            tree.nodes[n].set_terminal(e.value);
        } else {
            let total: f32 = (0..cfg.num_actions)
                .filter(|&i| legal(i))
                .map(|i| e.priors[i])
                .sum();
            let uniform = !(total > 0.0 && total.is_finite());
            let first = tree.nodes.len() as u32;
            let prior = |i: usize| {
                // `+ 0.0` turns a -0.0 prior into +0.0 (for the sort keys).
                if uniform {
                    1.0 / count as f32
                } else {
                    e.priors[i] / total + 0.0
                }
            };
            if cfg.children_by_prior() {
                // Highest prior first, ties in action order: PUCT then visits
                // children in a prefix (see `select_child`). Sorted as u64
                // keys (inverted prior bits, then the action), not as nodes.
                let keys = &mut self.keys;
                keys.clear();
                keys.extend(
                    (0..cfg.num_actions)
                        .filter(|&i| legal(i))
                        .map(|i| ((!prior(i).to_bits()) as u64) << 32 | i as u64),
                );
                keys.sort_unstable();
                for &k in keys.iter() {
                    let p = f32::from_bits(!((k >> 32) as u32));
                    tree.nodes.push(Node::new(n as u32, k as u32, p));
                }
            } else {
                for i in (0..cfg.num_actions).filter(|&i| legal(i)) {
                    tree.nodes.push(Node::new(n as u32, i as u32, prior(i)));
                }
            }
            let nd = &mut tree.nodes[n];
            nd.first_child = first;
            nd.extra = count as u32;
            if n == 0 && cfg.gumbel.is_some() {
                draw_gumbel(tree);
                tree.root_raw = e.value;
            } else if n == 0 && cfg.dirichlet_fraction > 0.0 {
                add_dirichlet(cfg, tree, &mut self.scratch);
            }
        }
        backup(cfg, tree, n as u32, e.value, true);
    }

    /// Visit counts of tree `t`'s root children, indexed by action.
    pub fn root_visits(&self, t: usize, out: &mut [u32]) {
        out.fill(0);
        let tree = &self.trees[t];
        for c in tree.children(0) {
            let nd = &tree.nodes[c];
            out[nd.action as usize] = nd.visits;
        }
    }

    /// Mean value of tree `t`'s root children (view of the player to move
    /// at the root), indexed by action; NaN for unvisited or absent children.
    pub fn root_q(&self, t: usize, out: &mut [f32]) {
        out.fill(f32::NAN);
        let tree = &self.trees[t];
        for c in tree.children(0) {
            let nd = &tree.nodes[c];
            if nd.visits > 0 {
                out[nd.action as usize] = nd.value_sum / nd.visits as f32;
            }
        }
    }

    /// Gumbel MuZero's policy target for tree `t`: `softmax(logits +
    /// sigma(completed q))` over the root's children, indexed by action
    /// (zeros before the root is expanded). `false`, `out` untouched, without
    /// a Gumbel root.
    pub fn gumbel_policy(&self, t: usize, out: &mut [f32]) -> bool {
        match &self.cfg.gumbel {
            Some(g) => {
                gumbel_policy(g, &self.trees[t], out);
                true
            }
            None => false,
        }
    }

    /// The root's value estimate (view of the player to move there); NaN
    /// before the root is evaluated.
    pub fn root_value(&self, t: usize) -> f32 {
        let root = &self.trees[t].nodes[0];
        if root.visits == 0 {
            return f32::NAN;
        }
        let mean = root.value_sum / root.visits as f32;
        if self.cfg.two_player {
            -mean
        } else {
            mean
        }
    }

    /// Completed simulations of tree `t` (the root's visit count).
    pub fn simulations(&self, t: usize) -> u32 {
        self.trees[t].nodes[0].visits
    }

    /// The most visited root action of tree `t` (ties: the higher prior,
    /// then the lower action); with a Gumbel root, the best `g + logits +
    /// sigma(q)` among the most visited considered actions (mctx's
    /// choice). `None` before the root is expanded.
    pub fn best_action(&self, t: usize) -> Option<u32> {
        let tree = &self.trees[t];
        if self.cfg.gumbel.is_some() && tree.nodes[0].status() == Status::Expanded {
            let c = gumbel_select(&self.cfg, tree, &self.halving, true);
            return Some(tree.nodes[c as usize].action);
        }
        tree.children(0)
            .map(|c| &tree.nodes[c])
            .fold(None::<&Node>, |best, nd| match best {
                Some(b) if (b.visits, b.prior) >= (nd.visits, nd.prior) => Some(b),
                _ => Some(nd),
            })
            .map(|nd| nd.action)
    }

    /// Make tree `t`'s child by `action` the new root, keeping its subtree
    /// (statistics included) and dropping the rest. An action that was
    /// never expanded starts a fresh tree. Errors while leaves of `t` are in
    /// flight.
    pub fn advance(&mut self, t: usize, action: u32) -> Result<()> {
        self.advance_keeping(t, action).map(|_| ())
    }

    /// [`advance`](Self::advance), returning the kept nodes' old ids in
    /// their new order (`kept[new] = old`; empty when the tree starts
    /// afresh), for callers that keep per-node data beside the forest.
    pub fn advance_keeping(&mut self, t: usize, action: u32) -> Result<Vec<u32>> {
        let tree = self
            .trees
            .get_mut(t)
            .ok_or_else(|| ClewError::InvalidInput(format!("no tree {t}")))?;
        if tree.pending > 0 {
            return Err(ClewError::InvalidInput(format!(
                "tree {t} has {} leaves in flight: tell them before advancing",
                tree.pending
            )));
        }
        if action as usize >= self.cfg.num_actions {
            return Err(ClewError::InvalidInput(format!(
                "action {action} out of range (num_actions = {})",
                self.cfg.num_actions
            )));
        }
        let child = tree
            .children(0)
            .find(|&c| tree.nodes[c].action == action)
            .map(|c| c as u32);
        let mut nodes = Vec::new();
        let mut kept = Vec::new();
        if let Some(c) = child {
            // Breadth-first copy: each node's children stay contiguous.
            let mut root = tree.nodes[c as usize];
            root.parent = NO_NODE;
            root.action = NO_NODE;
            nodes.push(root);
            kept.push(c);
            let mut i = 0;
            while i < nodes.len() {
                if nodes[i].status() == Status::Expanded {
                    let old_first = nodes[i].first_child;
                    let first = nodes.len() as u32;
                    for k in 0..nodes[i].extra {
                        let mut ch = tree.nodes[(old_first + k) as usize];
                        ch.parent = i as u32;
                        nodes.push(ch);
                        kept.push(old_first + k);
                    }
                    nodes[i].first_child = first;
                }
                i += 1;
            }
        } else {
            nodes.push(Node::new(NO_NODE, NO_NODE, 1.0));
        }
        tree.nodes = nodes;
        if tree.nodes[0].status() == Status::Expanded && self.cfg.gumbel.is_some() {
            draw_gumbel(tree);
            let root = &tree.nodes[0];
            tree.root_raw = root.value_sum / root.visits.max(1) as f32;
        } else if tree.nodes[0].status() == Status::Expanded && self.cfg.dirichlet_fraction > 0.0 {
            add_dirichlet(&self.cfg, tree, &mut self.scratch);
        }
        Ok(kept)
    }

    /// Every tree back to a single unevaluated root (random streams go on).
    pub fn reset(&mut self) {
        for tree in &mut self.trees {
            tree.nodes.clear();
            tree.nodes.push(Node::new(NO_NODE, NO_NODE, 1.0));
            tree.pending = 0;
        }
        self.cursor = 0;
    }
}

fn split(id: u64) -> (usize, usize) {
    ((id >> 32) as usize, (id & 0xFFFF_FFFF) as usize)
}

/// The child of `n` to walk into.
#[inline]
fn select_child(cfg: &MctsConfig, tree: &Tree, n: u32) -> u32 {
    let parent = &tree.nodes[n as usize];
    let mut range = tree.children(n);
    let parent_n = (parent.visits + parent.in_flight) as f32;
    if let Some(w) = cfg.widening {
        let k = (w.c * parent_n.max(1.0).powf(w.alpha)).ceil() as usize;
        range.end = range.end.min(range.start + k.max(1));
    }
    let first = range.start;
    let kids = &tree.nodes[range];
    let vl = cfg.virtual_loss;
    let mut best = 0usize;
    let mut best_score = f32::NEG_INFINITY;
    match cfg.rule {
        Rule::Puct => {
            let explore = cfg.c * parent_n.max(1.0).sqrt();
            // Children are stored by descending prior, and an unvisited
            // child scores `fpu + explore * prior`, so the first unvisited
            // one beats every later one: the visited children are a prefix
            // and the scan ends at the first unvisited child. Not at a root
            // whose priors Dirichlet noise reordered.
            let sorted = cfg.children_by_prior() && !(n == 0 && cfg.dirichlet_fraction > 0.0);
            for (i, c) in kids.iter().enumerate() {
                let visits = c.visits + c.in_flight;
                let q = if visits == 0 {
                    cfg.fpu
                } else {
                    (c.value_sum - vl * c.in_flight as f32) / visits as f32
                };
                let score = q + explore * c.prior / (1 + visits) as f32;
                if score > best_score {
                    best_score = score;
                    best = i;
                }
                if visits == 0 && sorted {
                    break;
                }
            }
        }
        Rule::Uct => {
            let log_n = parent_n.max(1.0).ln();
            for (i, c) in kids.iter().enumerate() {
                let visits = c.visits + c.in_flight;
                if visits == 0 {
                    best = i;
                    break;
                }
                let q = (c.value_sum - vl * c.in_flight as f32) / visits as f32;
                let score = q + cfg.c * (log_n / visits as f32).sqrt();
                if score > best_score {
                    best_score = score;
                    best = i;
                }
            }
        }
    }
    (first + best) as u32
}

/// mctx's `get_table_of_considered_visits` for the config's Gumbel root.
fn cfg_halving(cfg: &MctsConfig) -> Vec<Vec<u32>> {
    let Some(g) = cfg.gumbel else {
        return Vec::new();
    };
    let most = g.considered.min(cfg.num_actions);
    let n = g.simulations as usize;
    (0..=most)
        .map(|m| {
            if m <= 1 {
                return (0..n as u32).collect();
            }
            let log2max = (m as f64).log2().ceil() as usize;
            let mut seq = Vec::with_capacity(n);
            let mut visits = vec![0u32; m];
            let mut considered = m;
            while seq.len() < n {
                let extra = (n / (log2max * considered)).max(1);
                for _ in 0..extra {
                    seq.extend_from_slice(&visits[..considered]);
                    for v in &mut visits[..considered] {
                        *v += 1;
                    }
                }
                considered = (considered / 2).max(2);
            }
            seq.truncate(n);
            seq
        })
        .collect()
}

/// Gumbel(0, 1) noise for each root child, and the children's prior
/// logits (shifted so the largest is 0): computed once per root, not per
/// selection.
fn draw_gumbel(tree: &mut Tree) {
    let range = tree.children(0);
    tree.gumbel.clear();
    for _ in range.clone() {
        let u = uniform(&mut tree.rng);
        tree.gumbel.push(-(-u.ln()).ln() as f32);
    }
    let kids = &tree.nodes[range];
    let max_logit = kids
        .iter()
        .map(|c| c.prior.max(1e-30).ln())
        .fold(f32::NEG_INFINITY, f32::max);
    tree.logits.clear();
    tree.logits
        .extend(kids.iter().map(|c| c.prior.max(1e-30).ln() - max_logit));
}

/// The Gumbel root's completed Q (mctx's `qtransform_completed_by_mix_value`)
/// gathered in one pass over the root's children.
struct CompletedQ {
    /// The value an unvisited child is completed with.
    mixed: f32,
    lo: f32,
    hi: f32,
    /// `sigma`'s factor: `(maxvisit_init + max_b N(b)) * value_scale`.
    scale: f32,
    /// The largest visit count (leaves in flight included) and their sum.
    max_n: u32,
    sum_n: u32,
}

impl CompletedQ {
    fn new(g: &Gumbel, tree: &Tree, kids: &[Node]) -> CompletedQ {
        let (mut sum_n, mut sum_p, mut sum_pq) = (0f32, 0f32, 0f32);
        let (mut lo, mut hi) = (f32::INFINITY, f32::NEG_INFINITY);
        let (mut max_n, mut all_n, mut visited) = (0u32, 0u32, 0usize);
        for c in kids {
            let n = c.visits + c.in_flight;
            max_n = max_n.max(n);
            all_n += n;
            if c.visits > 0 {
                let q = c.value_sum / c.visits as f32;
                sum_n += c.visits as f32;
                sum_p += c.prior;
                sum_pq += c.prior * q;
                lo = lo.min(q);
                hi = hi.max(q);
                visited += 1;
            }
        }
        // The root's raw value blended with the prior-weighted Q.
        let weighted = if sum_p > 0.0 { sum_pq / sum_p } else { 0.0 };
        let mixed = (tree.root_raw + sum_n * weighted) / (sum_n + 1.0);
        if visited < kids.len() {
            lo = lo.min(mixed);
            hi = hi.max(mixed);
        }
        CompletedQ {
            mixed,
            lo,
            hi,
            scale: (g.maxvisit_init + max_n as f32) * g.value_scale,
            max_n,
            sum_n: all_n,
        }
    }

    /// `sigma(q)` of one child: its completed Q rescaled to [0, 1], scaled.
    #[inline]
    fn sigma(&self, c: &Node) -> f32 {
        let q = if c.visits > 0 {
            c.value_sum / c.visits as f32
        } else {
            self.mixed
        };
        self.scale * ((q - self.lo) / (self.hi - self.lo).max(1e-8))
    }
}

/// The Gumbel root's choice, as mctx: among the root children whose visit
/// count (leaves in flight included) is the one the halving schedule asks
/// for now, the best `g + logits + sigma(completed q)`. `last`: the final
/// action (the best among the most visited) instead.
fn gumbel_select(cfg: &MctsConfig, tree: &Tree, halving: &[Vec<u32>], last: bool) -> u32 {
    let g = cfg.gumbel.expect("gumbel root");
    let range = tree.children(0);
    let first = range.start;
    let kids = &tree.nodes[range];
    let cq = CompletedQ::new(&g, tree, kids);
    let want = if last {
        cq.max_n
    } else {
        let m = g.considered.min(kids.len());
        halving[m]
            .get(cq.sum_n as usize)
            .copied()
            .unwrap_or(cq.max_n)
    };
    // Past the planned budget no child may have the wanted count: then the
    // best score over every child.
    let (mut best, mut best_any) = (None::<(usize, f32)>, None::<(usize, f32)>);
    for (i, c) in kids.iter().enumerate() {
        let s = (tree.gumbel[i] + tree.logits[i] + cq.sigma(c)).max(-1e9);
        if best_any.is_none_or(|(_, b)| s > b) {
            best_any = Some((i, s));
        }
        if c.visits + c.in_flight == want && best.is_none_or(|(_, b)| s > b) {
            best = Some((i, s));
        }
    }
    let (i, _) = best.or(best_any).expect("the root has children");
    (first + i) as u32
}

/// Gumbel MuZero's policy target at tree `t`'s root: `softmax(logits +
/// sigma(completed q))` over the root's children, into `out` by action.
fn gumbel_policy(g: &Gumbel, tree: &Tree, out: &mut [f32]) {
    out.fill(0.0);
    let range = tree.children(0);
    let first = range.start;
    let kids = &tree.nodes[range];
    if kids.is_empty() {
        return;
    }
    let cq = CompletedQ::new(g, tree, kids);
    let scores: Vec<f32> = kids
        .iter()
        .enumerate()
        .map(|(i, c)| tree.logits[i] + cq.sigma(c))
        .collect();
    let top = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let total: f32 = scores.iter().map(|s| (s - top).exp()).sum();
    for (i, s) in scores.iter().enumerate() {
        out[tree.nodes[first + i].action as usize] = (s - top).exp() / total;
    }
}

/// Add `value` (view of the player to move at `leaf`) to every node from
/// `leaf` to the root; `settle` also retires one leaf in flight on the path.
#[inline]
fn backup(cfg: &MctsConfig, tree: &mut Tree, leaf: u32, value: f32, settle: bool) {
    // A node stores values from the view of the player who moved into it.
    let mut v = if cfg.two_player { -value } else { value };
    let mut n = leaf;
    loop {
        let nd = &mut tree.nodes[n as usize];
        nd.visits += 1;
        nd.value_sum += v;
        if settle {
            nd.in_flight -= 1;
        }
        if nd.parent == NO_NODE {
            break;
        }
        n = nd.parent;
        if cfg.two_player {
            v = -v;
        }
    }
}

/// Mix Dir(alpha) noise into the root's priors.
fn add_dirichlet(cfg: &MctsConfig, tree: &mut Tree, noise: &mut Vec<f32>) {
    let range = tree.children(0);
    noise.clear();
    for _ in range.clone() {
        noise.push(gamma(&mut tree.rng, cfg.dirichlet_alpha as f64) as f32);
    }
    let total: f32 = noise.iter().sum();
    if total.is_nan() || total <= 0.0 {
        return;
    }
    let f = cfg.dirichlet_fraction;
    for (c, g) in range.zip(noise.iter()) {
        let nd = &mut tree.nodes[c];
        nd.prior = (1.0 - f) * nd.prior + f * g / total;
    }
}

/// Uniform in (0, 1).
fn uniform(rng: &mut Rng) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
}

fn normal(rng: &mut Rng) -> f64 {
    // Box-Muller; one of the pair is enough here.
    let (u, v) = (uniform(rng), uniform(rng));
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// Gamma(alpha, 1) by Marsaglia and Tsang (boosted for alpha < 1).
pub(crate) fn gamma(rng: &mut Rng, alpha: f64) -> f64 {
    if alpha < 1.0 {
        let u = uniform(rng);
        return gamma(rng, alpha + 1.0) * u.powf(1.0 / alpha);
    }
    let d = alpha - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let x = normal(rng);
        let v = 1.0 + c * x;
        if v <= 0.0 {
            continue;
        }
        let v = v * v * v;
        let u = uniform(rng);
        if u.ln() < 0.5 * x * x + d - d * v + d * v.ln() {
            return d * v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// PUCT's argmax over every child, no early exit.
    fn full_scan(cfg: &MctsConfig, tree: &Tree, n: u32) -> u32 {
        let range = tree.children(n);
        let parent = &tree.nodes[n as usize];
        let explore = cfg.c * ((parent.visits + parent.in_flight) as f32).max(1.0).sqrt();
        let mut best = (range.start, f32::NEG_INFINITY);
        for i in range {
            let c = &tree.nodes[i];
            let visits = c.visits + c.in_flight;
            let q = if visits == 0 {
                cfg.fpu
            } else {
                (c.value_sum - cfg.virtual_loss * c.in_flight as f32) / visits as f32
            };
            let score = q + explore * c.prior / (1 + visits) as f32;
            if score > best.1 {
                best = (i, score);
            }
        }
        best.0 as u32
    }

    #[test]
    fn puct_prefix_scan_picks_what_a_full_scan_picks() {
        let mut rng = Rng::derive(7, 0);
        for (actions, fpu, k) in [
            (16usize, 0.0f32, 4usize),
            (5, 1.0, 8),
            (40, -0.5, 2),
            (64, 0.3, 6),
        ] {
            let cfg = MctsConfig {
                fpu,
                ..MctsConfig::new(actions)
            };
            let mut forest = Forest::new(cfg.clone(), 2).unwrap();
            let mut leaves = Vec::new();
            for _ in 0..60 {
                forest.ask(k, &mut leaves);
                // Every expanded node of every tree, mid-search (leaves in flight).
                for tree in &forest.trees {
                    for n in 0..tree.nodes.len() as u32 {
                        if tree.nodes[n as usize].status() == Status::Expanded {
                            assert_eq!(select_child(&cfg, tree, n), full_scan(&cfg, tree, n));
                        }
                    }
                }
                let priors: Vec<Vec<f32>> = leaves
                    .iter()
                    .map(|_| (0..actions).map(|_| uniform(&mut rng) as f32).collect())
                    .collect();
                let evals: Vec<Evaluation<'_>> = leaves
                    .iter()
                    .zip(&priors)
                    .map(|(l, p)| Evaluation {
                        leaf_id: l.id(),
                        priors: p,
                        value: uniform(&mut rng) as f32 * 2.0 - 1.0,
                        terminal: false,
                        legal: None,
                    })
                    .collect();
                forest.tell(&evals).unwrap();
            }
        }
    }
}
