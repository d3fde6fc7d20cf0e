//! Replay a rendered Sudoku trace (any style of
//! [`crate::trace::render::sudoku`]) and check every step:
//!
//! * it starts from the puzzle (the one given, when given);
//! * every deduction places a value in an empty cell that no peer holds, and
//!   is the single it claims: a naked single (the cell's only candidate) or a
//!   hidden single (the value's only place in the unit named, or implied by
//!   the technique); `compact` placements must be a single of some kind;
//! * every guess is such a legal placement, with the cell's real candidates
//!   (and, in `wait`, the right step number);
//! * every dead end is real (the cell has no candidate, the value no place
//!   in the unit) and is followed by a return or the end;
//! * every return names a guess of the current path (or a step up it) and
//!   restores the grid as it was before that guess;
//! * `solved` comes with a full grid, and the answer is that grid.

use crate::sudoku::board::{Geometry, UnitKind};
use crate::sudoku::steps::Technique;
use crate::trace::render::walk::WalkStyle;
use crate::trace::validate::{fail, Validation};

/// What a placement claims to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Claim {
    Naked,
    /// Hidden single in this unit.
    HiddenIn(usize),
    /// Hidden single in the cell's unit of this kind.
    HiddenKind(UnitKind),
    /// Some single (`compact`).
    Any,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Ev {
    Start(Vec<u8>),
    Place(usize, u8, Claim),
    Guess {
        cell: usize,
        value: u8,
        candidates: Option<u32>,
        step: Option<usize>,
    },
    DeadCell(usize),
    DeadUnit(u8, usize),
    /// `compact`'s `x`: some cell or unit is dead.
    Dead,
    Revert(usize, u8),
    BackTo(usize),
    Solved,
    Answer(Vec<u8>),
    NoSolution,
}

fn value_of(ch: u8, n: usize) -> Option<u8> {
    let v = match ch {
        b'1'..=b'9' => ch - b'0',
        b'A'..=b'P' => ch - b'A' + 10,
        _ => return None,
    };
    (v as usize <= n).then_some(v)
}

fn parse_grid(s: &str, n: usize) -> Option<Vec<u8>> {
    if s.len() != n * n {
        return None;
    }
    s.bytes()
        .map(|b| if b == b'.' { Some(0) } else { value_of(b, n) })
        .collect()
}

/// `r3c5` -> cell.
fn parse_cell(s: &str, n: usize) -> Option<usize> {
    let (r, c) = s.strip_prefix('r')?.split_once('c')?;
    let (r, c) = (r.parse::<usize>().ok()?, c.parse::<usize>().ok()?);
    (1..=n).contains(&r).then_some(())?;
    (1..=n).contains(&c).then_some(())?;
    Some((r - 1) * n + c - 1)
}

/// `r3c5=7` -> (cell, value).
fn parse_assign(s: &str, n: usize) -> Option<(usize, u8)> {
    let (c, v) = s.split_once('=')?;
    let v = v.as_bytes();
    if v.len() != 1 {
        return None;
    }
    Some((parse_cell(c, n)?, value_of(v[0], n)?))
}

fn parse_value(s: &str, n: usize) -> Option<u8> {
    let b = s.as_bytes();
    (b.len() == 1).then_some(())?;
    value_of(b[0], n)
}

/// `row 3` / `column 5` / `box 2` -> unit.
fn parse_unit(s: &str, n: usize) -> Option<usize> {
    let (kind, i) = s.split_once(' ')?;
    let i = i.parse::<usize>().ok()?;
    (1..=n).contains(&i).then_some(())?;
    let base = match kind {
        "row" => 0,
        "column" => n,
        "box" => 2 * n,
        _ => return None,
    };
    Some(base + i - 1)
}

/// `379` or `3, 7 or 9` -> mask.
fn parse_candidates(s: &str, n: usize, prose: bool) -> Option<u32> {
    let mut mask = 0u32;
    if prose {
        for part in s.split(", ").flat_map(|p| p.split(" or ")) {
            mask |= 1 << (parse_value(part, n)? - 1);
        }
    } else {
        for b in s.bytes() {
            mask |= 1 << (value_of(b, n)? - 1);
        }
    }
    Some(mask)
}

fn dead_claim(s: &str, n: usize) -> Option<Ev> {
    if let Some(c) = s.strip_suffix(" has no candidates") {
        return Some(Ev::DeadCell(parse_cell(c, n)?));
    }
    let (v, u) = s.split_once(" has no place in ")?;
    Some(Ev::DeadUnit(parse_value(v, n)?, parse_unit(u, n)?))
}

fn technique_claim(name: &str) -> Option<Claim> {
    let t = Technique::ALL.into_iter().find(|t| t.name() == name)?;
    Some(match t {
        Technique::NakedSingle => Claim::Naked,
        Technique::HiddenSingleRow => Claim::HiddenKind(UnitKind::Row),
        Technique::HiddenSingleCol => Claim::HiddenKind(UnitKind::Col),
        Technique::HiddenSingleBox => Claim::HiddenKind(UnitKind::Box),
        _ => return None,
    })
}

/// The puzzle text of a trace's first line.
fn first_grid(style: WalkStyle, line: &str) -> Option<&str> {
    match style {
        WalkStyle::Compact => Some(line),
        WalkStyle::Wait => line.strip_prefix("Puzzle: "),
        WalkStyle::Astro => line
            .strip_prefix("I need to fill this Sudoku: ")?
            .strip_suffix('.'),
        _ => line.strip_prefix("start "),
    }
}

/// One line's events (`compact` lines can hold several).
fn parse_line(style: WalkStyle, line: &str, first: bool, n: usize) -> Option<Vec<Ev>> {
    if first {
        return Some(vec![Ev::Start(parse_grid(first_grid(style, line)?, n)?)]);
    }
    let ev = match style {
        WalkStyle::Compact => {
            if let Some(d) = line.strip_prefix('<') {
                return Some(vec![Ev::BackTo(d.parse().ok()?)]);
            }
            let mut evs = Vec::new();
            for tok in line.split(' ') {
                evs.push(match tok {
                    "x" => Ev::Dead,
                    "!" => Ev::Solved,
                    _ => {
                        let (guess, t) = match tok.strip_prefix('?') {
                            Some(t) => (true, t),
                            None => (false, tok),
                        };
                        let (rc, v) = t.split_once('=')?;
                        let rc = rc.as_bytes();
                        if rc.len() != 2 {
                            return None;
                        }
                        let (r, c) = (value_of(rc[0], n)?, value_of(rc[1], n)?);
                        let cell = (r as usize - 1) * n + c as usize - 1;
                        let value = parse_value(v, n)?;
                        if guess {
                            Ev::Guess {
                                cell,
                                value,
                                candidates: None,
                                step: None,
                            }
                        } else {
                            Ev::Place(cell, value, Claim::Any)
                        }
                    }
                });
            }
            return Some(evs);
        }
        WalkStyle::Wait => {
            if let Some(rest) = line.strip_prefix("Fill ") {
                let (a, claim) = rest.split_once(" (")?;
                let (cell, v) = parse_assign(a, n)?;
                let claim = claim.strip_suffix(").")?;
                let claim = match claim.strip_prefix("hidden single in ") {
                    Some(u) => Claim::HiddenIn(parse_unit(u, n)?),
                    None if claim == "naked single" => Claim::Naked,
                    None => return None,
                };
                Ev::Place(cell, v, claim)
            } else if let Some(rest) = line.strip_prefix("Step ") {
                let (k, rest) = rest.split_once(": guess ")?;
                let (a, cands) = rest.split_once(" (candidates ")?;
                let (cell, value) = parse_assign(a, n)?;
                Ev::Guess {
                    cell,
                    value,
                    candidates: Some(parse_candidates(cands.strip_suffix(").")?, n, true)?),
                    step: Some(k.parse().ok()?),
                }
            } else if let Some(rest) = line.strip_prefix("But ") {
                dead_claim(rest.strip_suffix(" left.")?, n)?
            } else if let Some(rest) =
                line.strip_prefix("Wait, this doesn't lead to a solution. Let me go back to ")
            {
                match rest {
                    "the start." => Ev::BackTo(0),
                    _ => Ev::BackTo(
                        rest.strip_prefix("step ")?
                            .strip_suffix('.')?
                            .parse()
                            .ok()?,
                    ),
                }
            } else if line == "The grid is full." {
                Ev::Solved
            } else if let Some(g) = line.strip_prefix("Answer: ") {
                Ev::Answer(parse_grid(g, n)?)
            } else if line == "No solution found." {
                Ev::NoSolution
            } else {
                return None;
            }
        }
        WalkStyle::Astro => {
            if let Some(rest) = line.strip_prefix("No deduction is left, so let me try ") {
                let (v, rest) = rest.split_once(" in ")?;
                let (c, cands) = rest.split_once(" (it could be ")?;
                Ev::Guess {
                    cell: parse_cell(c, n)?,
                    value: parse_value(v, n)?,
                    candidates: Some(parse_candidates(cands.strip_suffix(").")?, n, true)?),
                    step: None,
                }
            } else if let Some(rest) = line.strip_prefix("In ") {
                let (u, rest) = rest.split_once(", ")?;
                let (v, c) = rest.strip_suffix('.')?.split_once(" can only go in ")?;
                Ev::Place(
                    parse_cell(c, n)?,
                    parse_value(v, n)?,
                    Claim::HiddenIn(parse_unit(u, n)?),
                )
            } else if let Some(rest) = line.strip_prefix("Now ") {
                dead_claim(rest.strip_suffix(" left, so that doesn't work.")?, n)?
            } else if let Some(rest) = line.strip_prefix("Hmm, ") {
                let rest =
                    rest.strip_suffix(" was a mistake. Let me undo it and everything after it.")?;
                let (v, c) = rest.split_once(" in ")?;
                Ev::Revert(parse_cell(c, n)?, parse_value(v, n)?)
            } else if line == "Every cell is filled." {
                Ev::Solved
            } else if let Some(g) = line.strip_prefix("So the answer is ") {
                Ev::Answer(parse_grid(g.strip_suffix('.')?, n)?)
            } else if line == "So this Sudoku has no solution." {
                Ev::NoSolution
            } else {
                let (c, v) = line.strip_suffix('.')?.split_once(" can only be ")?;
                Ev::Place(parse_cell(c, n)?, parse_value(v, n)?, Claim::Naked)
            }
        }
        _ => {
            let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
            match word {
                "place" => {
                    let (a, t) = rest.split_once(' ')?;
                    let (cell, v) = parse_assign(a, n)?;
                    Ev::Place(cell, v, technique_claim(t)?)
                }
                "guess" => {
                    let (a, cands) = rest.split_once(" of ")?;
                    let (cell, value) = parse_assign(a, n)?;
                    Ev::Guess {
                        cell,
                        value,
                        candidates: Some(parse_candidates(cands, n, false)?),
                        step: None,
                    }
                }
                "dead" => dead_claim(rest, n)?,
                "revert" => {
                    let (cell, v) = parse_assign(rest, n)?;
                    Ev::Revert(cell, v)
                }
                "solved" if rest.is_empty() => Ev::Solved,
                "answer" => Ev::Answer(parse_grid(rest, n)?),
                "no" if rest == "solution" => Ev::NoSolution,
                _ => return None,
            }
        }
    };
    Some(vec![ev])
}

/// The replay state.
struct Replay<'a> {
    g: &'a Geometry,
    grid: Vec<u8>,
    /// Guesses of the current path: (cell, value, grid before it).
    stack: Vec<(usize, u8, Vec<u8>)>,
    dead: bool,
    solved: bool,
    ended: bool,
    steps: usize,
}

impl Replay<'_> {
    fn candidates(&self, cell: usize) -> u32 {
        let mut used = 0u32;
        for &p in self.g.peers(cell) {
            let v = self.grid[p as usize];
            if v != 0 {
                used |= 1 << (v - 1);
            }
        }
        self.g.all & !used
    }

    /// The empty cells of unit `u` where `v` may go, or None when `u`
    /// already holds `v`.
    fn places(&self, u: usize, v: u8) -> Option<usize> {
        let mut count = 0;
        for &c in self.g.unit(u) {
            let c = c as usize;
            if self.grid[c] == v {
                return None;
            }
            if self.grid[c] == 0 && self.candidates(c) & (1 << (v - 1)) != 0 {
                count += 1;
            }
        }
        Some(count)
    }

    fn legal(&self, cell: usize, v: u8) -> Result<(), String> {
        if self.grid[cell] != 0 {
            return Err(format!("{} is not empty", self.g.cell_name(cell)));
        }
        if self.candidates(cell) & (1 << (v - 1)) == 0 {
            return Err(format!(
                "{} cannot be {v}: a peer holds it",
                self.g.cell_name(cell)
            ));
        }
        Ok(())
    }

    fn unit_of_kind(&self, cell: usize, kind: UnitKind) -> usize {
        let [r, c, b] = self.g.units_of(cell);
        (match kind {
            UnitKind::Row => r,
            UnitKind::Col => c,
            UnitKind::Box => b,
        }) as usize
    }

    fn check_claim(&self, cell: usize, v: u8, claim: Claim) -> Result<(), String> {
        let naked = self.candidates(cell) == 1 << (v - 1);
        let hidden_in =
            |u: usize| self.g.unit(u).contains(&(cell as u16)) && self.places(u, v) == Some(1);
        let ok = match claim {
            Claim::Naked => naked,
            Claim::HiddenIn(u) => hidden_in(u),
            Claim::HiddenKind(k) => hidden_in(self.unit_of_kind(cell, k)),
            Claim::Any => naked || self.g.units_of(cell).iter().any(|&u| hidden_in(u as usize)),
        };
        if ok {
            Ok(())
        } else {
            Err(format!(
                "{}={v} is not the single it claims ({claim:?})",
                self.g.cell_name(cell)
            ))
        }
    }

    fn apply(&mut self, ev: Ev) -> Result<(), String> {
        if self.ended {
            return Err("text after the end of the trace".into());
        }
        let busy = |r: &Self| -> Result<(), String> {
            if r.dead {
                Err("a step after a dead end (expected a return)".into())
            } else if r.solved {
                Err("a step after the grid is solved".into())
            } else {
                Ok(())
            }
        };
        match ev {
            Ev::Start(_) => return Err("a second start".into()),
            Ev::Place(cell, v, claim) => {
                busy(self)?;
                self.legal(cell, v)?;
                self.check_claim(cell, v, claim)?;
                self.grid[cell] = v;
                self.steps += 1;
            }
            Ev::Guess {
                cell,
                value,
                candidates,
                step,
            } => {
                busy(self)?;
                self.legal(cell, value)?;
                if let Some(m) = candidates {
                    if m != self.candidates(cell) {
                        return Err(format!("wrong candidates for {}", self.g.cell_name(cell)));
                    }
                }
                if let Some(k) = step {
                    if k != self.stack.len() + 1 {
                        return Err(format!("step {k} at guess depth {}", self.stack.len() + 1));
                    }
                }
                self.stack.push((cell, value, self.grid.clone()));
                self.grid[cell] = value;
                self.steps += 1;
            }
            Ev::DeadCell(cell) => {
                busy(self)?;
                if self.grid[cell] != 0 || self.candidates(cell) != 0 {
                    return Err(format!("{} still has candidates", self.g.cell_name(cell)));
                }
                self.dead = true;
            }
            Ev::DeadUnit(v, u) => {
                busy(self)?;
                if self.places(u, v) != Some(0) {
                    return Err(format!("{v} still has a place in {}", self.g.unit_name(u)));
                }
                self.dead = true;
            }
            Ev::Dead => {
                busy(self)?;
                let n = self.g.n;
                let cell_dead =
                    (0..self.g.cells).any(|c| self.grid[c] == 0 && self.candidates(c) == 0);
                let unit_dead = (0..self.g.num_units())
                    .any(|u| (1..=n as u8).any(|v| self.places(u, v) == Some(0)));
                if !cell_dead && !unit_dead {
                    return Err("no cell or unit is dead here".into());
                }
                self.dead = true;
            }
            Ev::Revert(cell, v) => {
                if !self.dead {
                    return Err("a return before any dead end".into());
                }
                let Some(j) = self
                    .stack
                    .iter()
                    .rposition(|&(c, x, _)| c == cell && x == v)
                else {
                    return Err(format!(
                        "{}={v} is not a guess of the current path",
                        self.g.cell_name(cell)
                    ));
                };
                self.back_to(j);
            }
            Ev::BackTo(k) => {
                if !self.dead {
                    return Err("a return before any dead end".into());
                }
                if k >= self.stack.len() {
                    return Err(format!(
                        "cannot go back to step {k} from guess depth {}",
                        self.stack.len()
                    ));
                }
                self.back_to(k);
            }
            Ev::Solved => {
                busy(self)?;
                if self.grid.contains(&0) {
                    return Err("'solved' with empty cells left".into());
                }
                self.solved = true;
            }
            Ev::Answer(a) => {
                if !self.solved {
                    return Err("an answer before the grid is solved".into());
                }
                if a != self.grid {
                    return Err("the answer is not the grid the steps built".into());
                }
                self.ended = true;
            }
            Ev::NoSolution => {
                if self.solved {
                    return Err("'no solution' after solving".into());
                }
                self.ended = true;
            }
        }
        Ok(())
    }

    fn back_to(&mut self, j: usize) {
        self.grid = std::mem::take(&mut self.stack[j].2);
        self.stack.truncate(j);
        self.dead = false;
    }
}

/// Replay a Sudoku trace in `style`. `puzzle` (N*N values, 0 for blank),
/// when given, must be the one the trace starts from; `boxed` is the box
/// shape (default for the size when `None`).
pub fn validate_sudoku(
    text: &str,
    style: WalkStyle,
    puzzle: Option<&[u8]>,
    boxed: Option<(usize, usize)>,
) -> Validation {
    let body = text.strip_suffix('\n').unwrap_or(text);
    let mut lines = body.split('\n');
    let first = lines.next().unwrap_or("");
    // The side comes from the grid on the first line.
    let grid_text = first_grid(style, first).unwrap_or("");
    let n = (grid_text.len() as f64).sqrt().round() as usize;
    let g = match crate::sudoku::Geometry::for_size(n, boxed) {
        Ok(g) if n * n == grid_text.len() => g,
        _ => {
            return fail(
                1,
                0,
                "the first line must hold the puzzle (N*N characters)".into(),
            )
        }
    };
    let start = match parse_line(style, first, true, n).as_deref() {
        Some([Ev::Start(s)]) => s.clone(),
        _ => return fail(1, 0, "malformed first line".into()),
    };
    if let Some(p) = puzzle {
        if p != start.as_slice() {
            return fail(1, 0, "the trace starts from another puzzle".into());
        }
    }
    let mut r = Replay {
        g,
        grid: start,
        stack: Vec::new(),
        dead: false,
        solved: false,
        ended: false,
        steps: 0,
    };
    for (k, line) in lines.enumerate() {
        let Some(evs) = parse_line(style, line, false, n) else {
            return fail(k + 2, r.steps, format!("malformed line {line:?}"));
        };
        for ev in evs {
            if let Err(m) = r.apply(ev) {
                return fail(k + 2, r.steps, m);
            }
        }
    }
    let solved = r.solved && (r.ended || style == WalkStyle::Compact);
    if !r.ended && style != WalkStyle::Compact {
        return fail(
            body.split('\n').count(),
            r.steps,
            "the trace has no ending (answer or no solution)".into(),
        );
    }
    Validation {
        valid: true,
        solved,
        steps: r.steps,
        line: 0,
        message: None,
    }
}
