//! An opt-in log of the CDCL search (decisions, propagations, conflicts,
//! learnt clauses, backjumps, restarts), for rendering a solver run as a
//! text trace. Off by default: the search loop pays one `Option` test per
//! event when no log is attached.

use std::fmt::Write;

use super::lit::Lit;

/// One step of the search, literals in DIMACS numbering.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A branching decision opening `level`.
    Decide { level: u32, lit: i32 },
    /// Literals implied by unit propagation since the last event.
    Propagate { lits: Vec<i32> },
    /// A clause became false.
    Conflict { clause: Vec<i32> },
    /// The clause learnt from the last conflict and the level jumped back to.
    Learn {
        clause: Vec<i32>,
        backjump: u32,
        lbd: u32,
    },
    /// Back to level 0.
    Restart,
}

/// The recorded events, with a cap on their number (searches of hard
/// instances are long: a trace is only useful while it is short).
#[derive(Clone, Debug, Default)]
pub struct SearchLog {
    pub events: Vec<Event>,
    /// Stop recording after this many events (`usize::MAX`: no cap).
    pub cap: usize,
    /// Whether events were dropped because of the cap.
    pub truncated: bool,
    /// Trail position up to which propagations were logged.
    pub(super) logged_trail: usize,
}

impl SearchLog {
    pub fn new(cap: usize) -> SearchLog {
        SearchLog {
            cap,
            ..SearchLog::default()
        }
    }

    pub(super) fn push(&mut self, e: Event) {
        if self.events.len() < self.cap {
            self.events.push(e);
        } else {
            self.truncated = true;
        }
    }

    /// Log the trail entries implied since the last call (`decisions` are
    /// the literals that opened levels, logged as decisions instead).
    pub(super) fn implied(&mut self, trail: &[Lit], is_decision: impl Fn(usize) -> bool) {
        let from = self.logged_trail.min(trail.len());
        let lits: Vec<i32> = (from..trail.len())
            .filter(|&i| !is_decision(i))
            .map(|i| trail[i].to_dimacs())
            .collect();
        self.logged_trail = trail.len();
        if !lits.is_empty() {
            self.push(Event::Propagate { lits });
        }
    }

    /// The trail shrank to `len` (backjump or restart).
    pub(super) fn trail_cut(&mut self, len: usize) {
        self.logged_trail = self.logged_trail.min(len);
    }

    pub fn decisions(&self) -> usize {
        self.events
            .iter()
            .filter(|e| matches!(e, Event::Decide { .. }))
            .count()
    }

    pub fn conflicts(&self) -> usize {
        self.events
            .iter()
            .filter(|e| matches!(e, Event::Conflict { .. }))
            .count()
    }

    pub fn max_level(&self) -> u32 {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Decide { level, .. } => Some(*level),
                _ => None,
            })
            .max()
            .unwrap_or(0)
    }
}

/// Writes a literal as an assignment (`x3=1`) or, in natural language, as
/// a statement.
pub type Namer = dyn Fn(&mut String, i32);

/// `x3=1` / `x3=0`.
pub fn assignment_name(out: &mut String, l: i32) {
    let _ = write!(out, "x{}={}", l.unsigned_abs(), u8::from(l > 0));
}

fn clause_text(out: &mut String, c: &[i32], name: &Namer) {
    out.push('(');
    for (i, &l) in c.iter().enumerate() {
        if i > 0 {
            out.push_str(" or ");
        }
        name(out, l);
    }
    out.push(')');
}

/// How a log is rendered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogStyle {
    /// One line per event in words: `Decide x3=1 at level 1`,
    /// `Conflict: (x1=0 or x2=1) is false`, `Learn (...), backtrack to level 1`.
    Backtrack,
    /// Few tokens: `d3 p-5,7 c l-3,1 b1`.
    Compact,
}

/// Render `log` and the result (`model`: the satisfying assignment, or
/// `None` for UNSAT).
pub fn render(log: &SearchLog, model: Option<&[i32]>, style: LogStyle) -> String {
    render_named(log, model, style, &assignment_name)
}

/// [`render`] with literals written by `name` (the `Backtrack` style only).
pub fn render_named(
    log: &SearchLog,
    model: Option<&[i32]>,
    style: LogStyle,
    name: &Namer,
) -> String {
    let mut out = String::new();
    match style {
        LogStyle::Backtrack => {
            for e in &log.events {
                match e {
                    Event::Decide { level, lit } => {
                        out.push_str("Decide ");
                        name(&mut out, *lit);
                        let _ = writeln!(out, " at level {level}");
                    }
                    Event::Propagate { lits } => {
                        out.push_str("Propagate ");
                        for (i, &l) in lits.iter().enumerate() {
                            if i > 0 {
                                out.push_str(", ");
                            }
                            name(&mut out, l);
                        }
                        out.push('\n');
                    }
                    Event::Conflict { clause } => {
                        out.push_str("Conflict: ");
                        clause_text(&mut out, clause, name);
                        out.push_str(" is false\n");
                    }
                    Event::Learn {
                        clause, backjump, ..
                    } => {
                        out.push_str("Learn ");
                        clause_text(&mut out, clause, name);
                        let _ = writeln!(out, ", backtrack to level {backjump}");
                    }
                    Event::Restart => out.push_str("Restart\n"),
                }
            }
            if log.truncated {
                out.push_str("...\n");
            }
            match model {
                Some(m) => {
                    out.push_str("Satisfiable: ");
                    for (i, &l) in m.iter().enumerate() {
                        if i > 0 {
                            out.push(' ');
                        }
                        name(&mut out, l);
                    }
                    out.push('\n');
                }
                None => out.push_str("Unsatisfiable\n"),
            }
        }
        LogStyle::Compact => {
            let list = |out: &mut String, ls: &[i32]| {
                for (i, l) in ls.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    let _ = write!(out, "{l}");
                }
            };
            for e in &log.events {
                match e {
                    Event::Decide { lit, .. } => {
                        let _ = write!(out, "d{lit} ");
                    }
                    Event::Propagate { lits } => {
                        out.push('p');
                        list(&mut out, lits);
                        out.push(' ');
                    }
                    Event::Conflict { .. } => out.push_str("c "),
                    Event::Learn {
                        clause, backjump, ..
                    } => {
                        out.push('l');
                        list(&mut out, clause);
                        let _ = write!(out, " b{backjump} ");
                    }
                    Event::Restart => out.push_str("r "),
                }
            }
            if log.truncated {
                out.push_str("... ");
            }
            match model {
                Some(m) => {
                    out.push_str("SAT ");
                    list(&mut out, m);
                }
                None => out.push_str("UNSAT"),
            }
            out.push('\n');
        }
    }
    out
}
