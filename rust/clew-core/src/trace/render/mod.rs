//! Renderers: a recorded search tree to text, one file per style.
//!
//! * [`sos`]: Stream of Search's format (byte-identical for its DFS);
//! * [`walk`]: walks through a depth-first tree (the whole search, or exactly
//!   `k` real wrong branches then the solution) and the styles `compact`,
//!   `wait`, `backtrack`, `astro` (and `sos` for selected walks).
//!
//! Every renderer writes bytes into a caller's buffer: no allocation per
//! step, no Python object per step.

pub mod sos;
pub mod sudoku;
pub mod text;
pub mod walk;

use crate::countdown::search::Step;
use crate::countdown::state::State;
use crate::error::{ClewError, Result};
use crate::trace::tree::Tree;

/// A named text style.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Style {
    /// Stream of Search's search stream.
    Sos,
    /// One short line per event, for small models.
    Compact,
    /// Numbered steps and "Wait, this doesn't lead to ... Let me go back to step N".
    Wait,
    /// guess / revert lines.
    Backtrack,
    /// Natural-language reflection.
    Astro,
}

impl Style {
    pub fn from_name(name: &str) -> Option<Style> {
        match name {
            "sos" => Some(Style::Sos),
            "compact" => Some(Style::Compact),
            "wait" => Some(Style::Wait),
            "backtrack" => Some(Style::Backtrack),
            "astro" => Some(Style::Astro),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Style::Sos => "sos",
            Style::Compact => "compact",
            Style::Wait => "wait",
            Style::Backtrack => "backtrack",
            Style::Astro => "astro",
        }
    }

    /// Every style, by name.
    pub const ALL: &'static [&'static str] = &["sos", "compact", "wait", "backtrack", "astro"];

    pub fn walk_style(self) -> walk::WalkStyle {
        match self {
            Style::Sos => walk::WalkStyle::Sos,
            Style::Compact => walk::WalkStyle::Compact,
            Style::Wait => walk::WalkStyle::Wait,
            Style::Backtrack => walk::WalkStyle::Backtrack,
            Style::Astro => walk::WalkStyle::Astro,
        }
    }
}

/// Render a depth-first Countdown tree as a walk: the whole search, or with
/// `backtracks = Some(k)` exactly `k` real wrong branches then the solution
/// (the `sos` style's nodes labelled by `labels`). Returns the number of
/// backtracks written.
#[allow(clippy::too_many_arguments)]
pub fn render_countdown(
    style: Style,
    tree: &Tree<Step>,
    start: &State,
    target: u64,
    depth_first: bool,
    backtracks: Option<usize>,
    labels: walk::NodeLabels,
    out: &mut Vec<u8>,
) -> Result<u64> {
    if !depth_first {
        return Err(ClewError::InvalidInput(format!(
            "style '{}' and backtrack control need search='dfs'",
            style.name()
        )));
    }
    let w = choose_walk(tree, backtracks)?;
    walk::render(style.walk_style(), tree, &w, start, target, labels, out);
    Ok(walk::backtracks(&w))
}

/// The walk to render from a depth-first tree: the whole search
/// (`backtracks = None`), or exactly `k` real wrong branches then the
/// solution; an error saying how many there are when `k` is too many.
pub fn choose_walk<P>(tree: &Tree<P>, backtracks: Option<usize>) -> Result<walk::Walk> {
    let Some(k) = backtracks else {
        return Ok(walk::dfs_walk(tree));
    };
    walk::selected_walk(tree, k).ok_or_else(|| {
        ClewError::InvalidInput(match walk::wrong_branches(tree).map(|b| b.len()) {
            None => "backtrack control needs an instance the search solves".into(),
            Some(n) => format!(
                "the search tree has {n} wrong branches before its solution; {k} backtracks asked"
            ),
        })
    })
}
