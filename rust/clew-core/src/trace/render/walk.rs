//! Walks through a recorded depth-first tree, and the styles rendered from them.
//!
//! A [`Walk`] is what a reader of a trace sees: a sequence of *tries* (a step
//! from the current state to one of its children) and *returns* (going back
//! to a state on the current path). [`dfs_walk`] is the whole depth-first
//! search, exactly as Stream of Search writes it (one return before every
//! child but the first); [`selected_walk`] keeps exactly `k` wrong branches,
//! each a real branch of the real tree followed to its real dead end, then the
//! solution path (`k = 0`: the shortcut with no backtracking).
//!
//! Styles rendered from a walk:
//!
//! * `sos`: Stream of Search's lines (for [`dfs_walk`], byte-identical to
//!   [`super::sos::dfs`]);
//! * `compact`: one short line per event, for small models:
//!   `83:84 64 21 23` (start), `21+23=44:84 64 44` (try), `108-84=24 x`
//!   (dead end), `87-4=83 =` (goal), `<1` (return to the state after step 1);
//! * `wait`: numbered steps and "Wait, this doesn't lead to 83. Let me go back
//!   to step 1." (in the manner of "How Much Backtracking is Enough?");
//! * `backtrack`: guess/revert lines (`guess 21+23=44 -> [84, 64, 44]`,
//!   `revert [84, 64, 44]`), in the manner of "To Backtrack or Not to
//!   Backtrack";
//! * `astro`: natural-language reflection over the walk, in the manner of
//!   ASTRO ("Let me try ... Hmm, that doesn't work. Let me go back to ...").

use crate::countdown::expr;
use crate::countdown::search::Step;
use crate::countdown::state::State;
use crate::trace::render::sos;
use crate::trace::render::text::{push_op, push_u64, push_u64_list};
use crate::trace::tree::{NodeId, Outcome, Tree};

/// One event of a walk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    /// Try this child of the current node (it becomes current unless it is
    /// a leaf).
    Try(NodeId),
    /// Go back to this node of the current path.
    Back(NodeId),
}

pub type Walk = Vec<Move>;

fn visited<P>(tree: &Tree<P>, id: NodeId) -> bool {
    !matches!(tree.node(id).outcome, Outcome::Open | Outcome::Pruned)
}

fn is_leaf<P>(tree: &Tree<P>, id: NodeId) -> bool {
    matches!(tree.node(id).outcome, Outcome::Goal | Outcome::DeadEnd)
}

/// The whole depth-first search of `tree` (recorded by `sos_dfs`, or a
/// Sudoku search).
pub fn dfs_walk<P>(tree: &Tree<P>) -> Walk {
    fn go<P>(tree: &Tree<P>, id: NodeId, w: &mut Walk) -> bool {
        let kept = tree
            .children(id)
            .filter(|&c| tree.node(c).outcome != Outcome::Pruned)
            .count();
        let mut g = 0;
        for c in tree.children(id) {
            if tree.node(c).outcome == Outcome::Pruned {
                continue;
            }
            if !visited(tree, c) {
                break;
            }
            w.push(Move::Try(c));
            if tree.node(c).outcome == Outcome::Goal {
                return true;
            }
            if !is_leaf(tree, c) && go(tree, c, w) {
                return true;
            }
            if g + 1 < kept {
                w.push(Move::Back(id));
            }
            g += 1;
        }
        false
    }
    let mut w = Walk::new();
    if !tree.is_empty() {
        go(tree, 0, &mut w);
    }
    w
}

/// How many wrong branches [`selected_walk`] can use: the children the
/// search visited, before the solution's, of every node on the solution path.
pub fn wrong_branches<P>(tree: &Tree<P>) -> Option<Vec<(NodeId, NodeId)>> {
    let goal = tree.goal()?;
    let path = tree.path(goal);
    let mut out = Vec::new();
    for w in path.windows(2) {
        for c in tree.children(w[0]) {
            if c == w[1] {
                break;
            }
            if visited(tree, c) {
                out.push((w[0], c));
            }
        }
    }
    Some(out)
}

/// A walk with exactly `k` wrong branches, then the solution. Each wrong
/// branch is a child the search really visited before the solution's, at a
/// node of the solution path, followed (first visited child each time) to a
/// real dead end; the walk then returns to the path node. The first `k` in
/// the search's own order are used. None when the tree has no solution or
/// fewer than `k` wrong branches.
pub fn selected_walk<P>(tree: &Tree<P>, k: usize) -> Option<Walk> {
    let goal = tree.goal()?;
    let path = tree.path(goal);
    let branches = wrong_branches(tree)?;
    if branches.len() < k {
        return None;
    }
    let chosen = &branches[..k];
    let mut w = Walk::new();
    for pair in path.windows(2) {
        let (p, next) = (pair[0], pair[1]);
        for &(_, c) in chosen.iter().filter(|(q, _)| *q == p) {
            // Follow the branch down to a dead end.
            let mut cur = c;
            loop {
                w.push(Move::Try(cur));
                if is_leaf(tree, cur) {
                    break;
                }
                match tree.children(cur).find(|&x| visited(tree, x)) {
                    Some(x) => cur = x,
                    None => break,
                }
            }
            w.push(Move::Back(p));
        }
        w.push(Move::Try(next));
    }
    Some(w)
}

/// The returns in a walk.
pub fn backtracks(walk: &Walk) -> u64 {
    walk.iter().filter(|m| matches!(m, Move::Back(_))).count() as u64
}

/// A text style rendered from walks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WalkStyle {
    Sos,
    Compact,
    Wait,
    Backtrack,
    Astro,
}

fn natural_list(out: &mut Vec<u8>, nums: &[u64]) {
    for (k, &n) in nums.iter().enumerate() {
        if k > 0 {
            out.extend_from_slice(if k + 1 == nums.len() { b" and " } else { b", " });
        }
        push_u64(out, n);
    }
}

fn spaced(out: &mut Vec<u8>, nums: &[u64]) {
    for (k, &n) in nums.iter().enumerate() {
        if k > 0 {
            out.push(b' ');
        }
        push_u64(out, n);
    }
}

/// How the `sos` style labels the nodes of a walk (`Generated Node #0,1`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum NodeLabels {
    /// Number the nodes the trace shows: a node's index among its parent's
    /// children tried *in the walk*, so a selected walk's labels have no gaps.
    /// For the whole search ([`dfs_walk`]) this is the same as `Search`.
    #[default]
    Shown,
    /// The full search's labels (index among the parent's kept children),
    /// as Stream of Search numbers them; a selected walk skips indices.
    Search,
}

impl NodeLabels {
    pub fn from_name(name: &str) -> Option<NodeLabels> {
        match name {
            "shown" => Some(NodeLabels::Shown),
            "search" => Some(NodeLabels::Search),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            NodeLabels::Shown => "shown",
            NodeLabels::Search => "search",
        }
    }
}

/// The label of a node (replacing `out`'s contents): `0` then one index per
/// level, from `shown` (each node's index among the children the walk tried
/// at its parent) or, without it, the node's index among its parent's kept
/// children in the search.
fn label(tree: &Tree<Step>, id: NodeId, shown: Option<&[u32]>, out: &mut Vec<u8>) {
    let path = tree.path(id);
    out.clear();
    out.push(b'0');
    for w in path.windows(2) {
        let idx = match shown {
            Some(s) => s[w[1] as usize] as usize,
            None => tree
                .children(w[0])
                .filter(|&c| tree.node(c).outcome != Outcome::Pruned)
                .position(|c| c == w[1])
                .unwrap_or(0),
        };
        out.push(b',');
        push_u64(out, idx as u64);
    }
}

/// The quoted operations on the path to `id` (`'84/21=4', '64+23=87'`),
/// appended to an empty `out`.
fn ops_text(tree: &Tree<Step>, id: NodeId, out: &mut Vec<u8>) {
    for &p in tree.path(id).iter().skip(1) {
        sos::push_quoted_op(out, &tree.payload(p).op);
    }
}

/// Render `walk` over `tree` in `style`, the `sos` style's nodes labelled
/// by `labels`. Appends to `out`.
pub fn render(
    style: WalkStyle,
    tree: &Tree<Step>,
    walk: &Walk,
    start: &State,
    target: u64,
    labels: NodeLabels,
    out: &mut Vec<u8>,
) {
    if tree.is_empty() {
        return;
    }
    let mut states: Vec<State> = vec![*start; tree.len()];
    // Shown labels: per node, its index among its parent's tried children,
    // and how many children the walk has tried from it so far.
    let shown_labels = style == WalkStyle::Sos && labels == NodeLabels::Shown;
    let (mut shown_idx, mut tried) = if shown_labels {
        (vec![0u32; tree.len()], vec![0u32; tree.len()])
    } else {
        (Vec::new(), Vec::new())
    };
    let t = target;
    // Scratch for the `sos` style's labels and operation lists.
    let mut l = Vec::new();
    let mut ops = Vec::new();
    let mut state_line = |out: &mut Vec<u8>, id: NodeId, s: &State| {
        ops.clear();
        ops_text(tree, id, &mut ops);
        sos::state_line(out, t, s.as_slice(), &ops);
    };
    // Opening.
    match style {
        WalkStyle::Sos => state_line(out, 0, start),
        WalkStyle::Compact => {
            push_u64(out, t);
            out.push(b':');
            spaced(out, start.as_slice());
            out.push(b'\n');
        }
        WalkStyle::Wait => {
            out.extend_from_slice(b"Target ");
            push_u64(out, t);
            out.extend_from_slice(b" from ");
            push_u64_list(out, start.as_slice());
            out.extend_from_slice(b".\n");
        }
        WalkStyle::Backtrack => {
            out.extend_from_slice(b"start ");
            push_u64_list(out, start.as_slice());
            out.extend_from_slice(b" target ");
            push_u64(out, t);
            out.push(b'\n');
        }
        WalkStyle::Astro => {
            out.extend_from_slice(b"I need to reach ");
            push_u64(out, t);
            out.extend_from_slice(b" using ");
            natural_list(out, start.as_slice());
            out.extend_from_slice(b", each exactly once.\n");
        }
    }
    let mut solved: Option<NodeId> = None;
    for m in walk {
        match *m {
            Move::Try(c) => {
                let parent = tree.node(c).parent;
                let step = tree.payload(c);
                let s =
                    states[parent as usize].apply(step.i as usize, step.j as usize, step.op.result);
                states[c as usize] = s;
                let nums = s.as_slice();
                let outcome = tree.node(c).outcome;
                let depth = tree.node(c).depth;
                if shown_labels {
                    shown_idx[c as usize] = tried[parent as usize];
                    tried[parent as usize] += 1;
                }
                let shown = shown_labels.then_some(&shown_idx[..]);
                match style {
                    WalkStyle::Sos => {
                        sos::explore_line(out, &step.op, nums);
                        match outcome {
                            Outcome::Goal | Outcome::DeadEnd => {
                                sos::verdict_line(out, &s, t, outcome == Outcome::Goal)
                            }
                            _ => {
                                label(tree, c, shown, &mut l);
                                sos::generated_line(out, &l, t, nums, &step.op);
                                sos::moving_line(out, &l);
                                state_line(out, c, &s);
                            }
                        }
                    }
                    WalkStyle::Compact => {
                        push_op(out, &step.op);
                        match outcome {
                            Outcome::Goal => out.extend_from_slice(b" =\n"),
                            Outcome::DeadEnd => out.extend_from_slice(b" x\n"),
                            _ => {
                                out.push(b':');
                                spaced(out, nums);
                                out.push(b'\n');
                            }
                        }
                    }
                    WalkStyle::Wait => {
                        out.extend_from_slice(b"Step ");
                        push_u64(out, depth as u64);
                        out.extend_from_slice(b": ");
                        push_op(out, &step.op);
                        out.extend_from_slice(b" leaves ");
                        push_u64_list(out, nums);
                        out.push(b'.');
                        match outcome {
                            Outcome::Goal => {
                                out.extend_from_slice(b" That's ");
                                push_u64(out, t);
                                out.extend_from_slice(b".\n");
                            }
                            Outcome::DeadEnd => {
                                out.push(b' ');
                                push_u64(out, nums[0]);
                                out.extend_from_slice(b" is not ");
                                push_u64(out, t);
                                out.extend_from_slice(b".\n");
                            }
                            _ => out.push(b'\n'),
                        }
                    }
                    WalkStyle::Backtrack => {
                        out.extend_from_slice(b"guess ");
                        push_op(out, &step.op);
                        out.extend_from_slice(b" -> ");
                        push_u64_list(out, nums);
                        match outcome {
                            Outcome::Goal => out.extend_from_slice(b" solved\n"),
                            Outcome::DeadEnd => out.extend_from_slice(b" fail\n"),
                            _ => out.push(b'\n'),
                        }
                    }
                    WalkStyle::Astro => {
                        out.extend_from_slice(b"Let me try ");
                        push_op(out, &step.op);
                        out.extend_from_slice(b", which leaves ");
                        natural_list(out, nums);
                        out.push(b'.');
                        match outcome {
                            Outcome::Goal => {
                                out.extend_from_slice(b" That is ");
                                push_u64(out, t);
                                out.extend_from_slice(b", so I'm done.\n");
                            }
                            Outcome::DeadEnd => {
                                out.extend_from_slice(b" That is not ");
                                push_u64(out, t);
                                out.extend_from_slice(b".\n");
                            }
                            _ => out.push(b'\n'),
                        }
                    }
                }
                if outcome == Outcome::Goal {
                    solved = Some(c);
                }
            }
            Move::Back(n) => {
                let s = states[n as usize];
                let depth = tree.node(n).depth;
                match style {
                    WalkStyle::Sos => {
                        label(tree, n, shown_labels.then_some(&shown_idx[..]), &mut l);
                        sos::moving_line(out, &l);
                        state_line(out, n, &s);
                    }
                    WalkStyle::Compact => {
                        out.push(b'<');
                        push_u64(out, depth as u64);
                        out.push(b'\n');
                    }
                    WalkStyle::Wait => {
                        out.extend_from_slice(b"Wait, this doesn't lead to ");
                        push_u64(out, t);
                        if depth == 0 {
                            out.extend_from_slice(b". Let me go back to the start.\n");
                        } else {
                            out.extend_from_slice(b". Let me go back to step ");
                            push_u64(out, depth as u64);
                            out.extend_from_slice(b".\n");
                        }
                    }
                    WalkStyle::Backtrack => {
                        out.extend_from_slice(b"revert ");
                        push_u64_list(out, s.as_slice());
                        out.push(b'\n');
                    }
                    WalkStyle::Astro => {
                        out.extend_from_slice(b"Hmm, that doesn't work. Let me go back to ");
                        natural_list(out, s.as_slice());
                        out.extend_from_slice(b" and try something else.\n");
                    }
                }
            }
        }
    }
    // Closing.
    let answer = solved.and_then(|g| {
        let steps: Vec<Step> = tree
            .path(g)
            .into_iter()
            .skip(1)
            .map(|p| *tree.payload(p))
            .collect();
        expr::solution_expr(start, &steps, t).map(|e| e.render())
    });
    match (style, answer) {
        (WalkStyle::Sos, _) | (WalkStyle::Compact, _) => {}
        (WalkStyle::Wait, Some(a)) => {
            out.extend_from_slice(b"Answer: ");
            out.extend_from_slice(a.as_bytes());
            out.push(b'\n');
        }
        (WalkStyle::Astro, Some(a)) => {
            out.extend_from_slice(b"So the answer is ");
            out.extend_from_slice(a.as_bytes());
            out.extend_from_slice(b".\n");
        }
        (WalkStyle::Backtrack, Some(a)) => {
            out.extend_from_slice(b"answer ");
            out.extend_from_slice(a.as_bytes());
            out.push(b'\n');
        }
        (WalkStyle::Wait, None) => out.extend_from_slice(b"No solution found.\n"),
        (WalkStyle::Astro, None) => {
            out.extend_from_slice(b"There is no way to reach the target.\n")
        }
        (WalkStyle::Backtrack, None) => out.extend_from_slice(b"no solution\n"),
    }
}
