//! Recorded search trees and their renderings as text.
//!
//! * [`tree`]: the [`Tree`] record and the [`Recorder`] trait every search
//!   writes through ([`NoRecord`] makes recording free when off);
//! * [`render`]: one renderer per text style;
//! * [`validate`]: replays a rendered Countdown trace and checks every step;
//! * [`validate_sudoku`]: the same for Sudoku traces.

pub mod render;
pub mod tree;
pub mod validate;
pub mod validate_sudoku;

pub use render::Style;
pub use tree::{NoRecord, Node, NodeId, Outcome, Recorder, Tree, NONE};
