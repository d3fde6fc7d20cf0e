//! External propagators with IPASIR-UP's contract (Fazekas et al., SAT
//! 2023, as CaDiCaL 1.9 implements it): user code that watches some
//! variables, is told their assignments, new decision levels and
//! backtracks, may imply literals (explained lazily, only when conflict
//! analysis needs the reason), suggest decisions, add clauses at any time
//! (the empty one too), and must accept every model before `Sat` is
//! reported.
//!
//! How the solver keeps its side of the contract:
//! - Assignments are notified in trail order, in batches, just before the
//!   propagator is asked anything (CaDiCaL's `notify_assignments`); level-0
//!   ones carry `fixed`. A backtrack resets the notified prefix, so literals
//!   that chronological backtracking keeps are notified again.
//! - A literal the propagator implies gets the reason `CREF_EXTERNAL`.
//!   Before a conflict (or a failed assumption) is analysed, every such
//!   literal backward reachable from it is explained: its reason clause
//!   becomes a learnt clause (CaDiCaL's `explain_external_propagations`).
//!   At level 0 implied literals are explained at once, so that level 0
//!   never holds an unexplained literal.
//! - Observed variables are frozen: never eliminated, never substituted.
//! - Clauses from the propagator (reasons and external clauses) are its
//!   premises: while a proof is written they are kept
//!   (`Solver::propagator_clauses`), and the DRAT proof checks against the
//!   formula plus those clauses.
//!
//! Nothing here runs without a connected propagator: the search pays one
//! `Option` test per propagation round.

use super::clause_db::{CRef, CREF_NONE};
use super::lit::{Lit, Var, FALSE, TRUE, UNASSIGNED};
use super::solver::Solver;
use crate::error::{ClewError, Result};

/// The reason of a literal the propagator implied and has not explained.
pub(super) const CREF_EXTERNAL: CRef = CREF_NONE - 1;

/// User reasoning attached to the solver (IPASIR-UP). Literals are DIMACS
/// integers over observed variables. Every callback may fail; the solve then
/// stops and returns that error, the solver back at level 0 and usable.
/// Defaults make a propagator that does nothing and accepts every model.
pub trait ExternalPropagator: Send {
    /// The core's own AtMostK engine answers with itself (see `cardinality.rs`).
    fn cardinality(&mut self) -> Option<&mut super::cardinality::Cardinality> {
        None
    }
    /// A lazy propagator is only asked to check models (and for the clauses
    /// that reject them); nothing is notified.
    fn is_lazy(&self) -> bool {
        false
    }
    /// Observed literals just assigned, in trail order; `fixed`: at level 0,
    /// never undone.
    fn notify_assignment(&mut self, _lits: &[i32], _fixed: bool) -> Result<()> {
        Ok(())
    }
    fn notify_new_decision_level(&mut self) -> Result<()> {
        Ok(())
    }
    /// Every assignment above `new_level` is undone.
    fn notify_backtrack(&mut self, _new_level: u32) -> Result<()> {
        Ok(())
    }
    /// The values of all observed variables; `false` rejects the model and
    /// then `has_external_clause` must offer a clause.
    fn check_found_model(&mut self, _model: &[i32]) -> Result<bool> {
        Ok(true)
    }
    /// The next decision (an unassigned observed literal), or 0.
    fn decide(&mut self) -> Result<i32> {
        Ok(0)
    }
    /// A literal implied by the current assignment, or 0 when none (the
    /// solver asks until it gets 0).
    fn propagate(&mut self) -> Result<i32> {
        Ok(0)
    }
    /// Write into `clause` the reason of `lit`, which `propagate` returned:
    /// `lit` and literals false before it was implied.
    fn reason(&mut self, lit: i32, _clause: &mut Vec<i32>) -> Result<()> {
        Err(ClewError::InvalidInput(format!(
            "the propagator implied {lit} but gives no reasons"
        )))
    }
    /// Whether a clause is waiting for `external_clause`.
    fn has_external_clause(&mut self) -> Result<bool> {
        Ok(false)
    }
    /// Write the waiting clause (empty: the formula is unsatisfiable).
    fn external_clause(&mut self, _clause: &mut Vec<i32>) -> Result<()> {
        Ok(())
    }
}

/// The connected propagator and the solver's bookkeeping for it.
pub(super) struct External {
    prop: Box<dyn ExternalPropagator>,
    lazy: bool,
    observed: Vec<bool>,
    /// Trail prefix already notified.
    notified: usize,
    /// Decision levels the propagator has been told about.
    level: u32,
    /// The first error a callback returned (or a broken contract).
    error: Option<ClewError>,
    /// A conflict found while checking a model, for the search loop.
    pending_conflict: CRef,
    /// Clauses the propagator gave, kept while a proof is written.
    premises: Vec<Vec<i32>>,
    /// Marks for the explanation walk.
    marks: Vec<bool>,
    /// Facts (unit reasons) found while explaining, for level 0.
    units: Vec<Lit>,
    batch: Vec<i32>,
    clause: Vec<i32>,
}

/// What the search loop does after asking the propagator.
pub(super) enum ExtStep {
    /// Nothing left to do here: go on (to restarts, decisions).
    Done,
    Conflict(CRef),
    /// The trail changed: propagate again.
    Repeat,
    Unsat,
    /// A callback failed; the error is kept for `solve` to return.
    Failed,
}

/// Where `propagate_with_propagator` stopped.
pub(super) enum Fixpoint {
    Done,
    Conflict(CRef),
    Unsat,
}

/// What adding a clause from the propagator did.
enum Added {
    Nothing,
    Changed,
    Conflict(CRef),
    Unsat,
}

/// Which callback a clause came from (for the error messages).
#[derive(Clone, Copy)]
enum Source {
    Reason(i32),
    External,
}

impl Source {
    fn name(self) -> String {
        match self {
            Source::Reason(l) => format!("the reason of {l} (provide_reason)"),
            Source::External => "an external clause (add_clause)".to_string(),
        }
    }
}

impl Solver {
    // ----- public API -------------------------------------------------

    /// Attach `prop`; at most one at a time. Call between solves.
    pub fn connect_propagator(&mut self, prop: Box<dyn ExternalPropagator>) -> Result<()> {
        if self.ext.is_some() {
            return Err(ClewError::InvalidInput(
                "a propagator is already connected (disconnect_propagator first)".into(),
            ));
        }
        self.cancel_until(0);
        let lazy = prop.is_lazy();
        self.ext = Some(Box::new(External {
            prop,
            lazy,
            observed: vec![false; self.num_vars],
            // Nothing is observed yet; `observe` reports fixed values.
            notified: self.trail.len(),
            level: 0,
            error: None,
            pending_conflict: CREF_NONE,
            premises: Vec::new(),
            marks: vec![false; self.num_vars],
            units: Vec::new(),
            batch: Vec::new(),
            clause: Vec::new(),
        }));
        Ok(())
    }

    /// Detach the propagator (its variables are no longer observed, nor
    /// frozen by it) and give it back.
    pub fn disconnect_propagator(&mut self) -> Option<Box<dyn ExternalPropagator>> {
        self.cancel_until(0);
        let ext = self.ext.take()?;
        for (v, &o) in ext.observed.iter().enumerate() {
            if o {
                let f = &mut self.simp.frozen[v];
                *f = f.saturating_sub(1);
            }
        }
        Some(ext.prop)
    }

    pub(super) fn ext_propagator(&mut self) -> Option<&mut dyn ExternalPropagator> {
        match self.ext.as_mut() {
            Some(ext) => Some(ext.prop.as_mut()),
            None => None,
        }
    }

    pub fn has_propagator(&self) -> bool {
        self.ext.is_some()
    }

    /// Tell the propagator about `var` (1-based) from now on; it is frozen
    /// meanwhile (an eliminated variable comes back).
    pub fn observe(&mut self, var: i32) -> Result<()> {
        if var <= 0 || var > super::solver::MAX_VAR {
            return Err(ClewError::InvalidLiteral(format!(
                "observe needs a variable 1..={} (got {var})",
                super::solver::MAX_VAR
            )));
        }
        if self.ext.is_none() {
            return Err(ClewError::InvalidInput(
                "observe needs a connected propagator (connect_propagator first)".into(),
            ));
        }
        let l = self.import_lit(var)?;
        let n = self.num_vars;
        let v = l.var().index();
        let ext = self.ext.as_mut().expect("checked above");
        ext.observed.resize(n, false);
        ext.marks.resize(n, false);
        if ext.observed[v] {
            return Ok(());
        }
        ext.observed[v] = true;
        self.simp.frozen[v] += 1;
        // Already fixed and past the notified prefix: say so now (CaDiCaL).
        let value = self.vals[l.index()];
        if value != UNASSIGNED
            && !ext.lazy
            && self.level[v] == 0
            && (self.trail_pos[v] as usize) < ext.notified
        {
            let lit = if value == TRUE { var } else { -var };
            ext.prop.notify_assignment(&[lit], true)?;
        }
        Ok(())
    }

    /// Stop telling the propagator about `var` (and melt it).
    pub fn ignore(&mut self, var: i32) -> Result<()> {
        if var <= 0 || var > super::solver::MAX_VAR {
            return Err(ClewError::InvalidLiteral(format!(
                "ignore needs a variable 1..={} (got {var})",
                super::solver::MAX_VAR
            )));
        }
        let v = var as usize - 1;
        if let Some(ext) = self.ext.as_mut() {
            if ext.observed.get(v).copied().unwrap_or(false) {
                ext.observed[v] = false;
                let f = &mut self.simp.frozen[v];
                *f = f.saturating_sub(1);
            }
        }
        Ok(())
    }

    /// Ignore every observed variable.
    pub fn reset_observed(&mut self) {
        let vars: Vec<i32> = match self.ext.as_ref() {
            Some(ext) => (0..ext.observed.len())
                .filter(|&v| ext.observed[v])
                .map(|v| v as i32 + 1)
                .collect(),
            None => return,
        };
        for v in vars {
            let _ = self.ignore(v);
        }
    }

    pub fn is_observed(&self, var: i32) -> bool {
        var > 0
            && self
                .ext
                .as_ref()
                .and_then(|e| e.observed.get(var as usize - 1).copied())
                .unwrap_or(false)
    }

    /// The clauses the propagator gave (reasons it was asked for and
    /// external clauses) since it was connected, recorded while a proof is
    /// on: a proof checks against the formula plus these.
    pub fn propagator_clauses(&self) -> &[Vec<i32>] {
        self.ext.as_ref().map_or(&[], |e| &e.premises)
    }

    // ----- hooks the search calls ---------------------------------------

    /// The error a callback returned during the last solve, if any.
    pub(super) fn take_propagator_error(&mut self) -> Option<ClewError> {
        self.ext.as_mut().and_then(|e| e.error.take())
    }

    fn ext_fail(&mut self, e: ClewError) {
        if let Some(ext) = self.ext.as_mut() {
            ext.error.get_or_insert(e);
        }
    }

    /// Notify the trail past the notified prefix, in runs of equal `fixed`.
    fn ext_flush(&mut self) -> bool {
        let Some(ext) = self.ext.as_mut() else {
            return true;
        };
        if ext.lazy || ext.error.is_some() {
            return ext.error.is_none();
        }
        while ext.notified < self.trail.len() {
            let fixed = self.level[self.trail[ext.notified].var().index()] == 0;
            ext.batch.clear();
            while ext.notified < self.trail.len() {
                let l = self.trail[ext.notified];
                let v = l.var().index();
                if (self.level[v] == 0) != fixed {
                    break;
                }
                ext.notified += 1;
                if ext.observed.get(v).copied().unwrap_or(false) {
                    ext.batch.push(l.to_dimacs());
                }
            }
            if !ext.batch.is_empty() {
                if let Err(e) = ext.prop.notify_assignment(&ext.batch, fixed) {
                    ext.error = Some(e);
                    return false;
                }
            }
        }
        true
    }

    /// Just before the search opens a decision level: pending assignments
    /// belong to the level below.
    pub(super) fn ext_new_level(&mut self) {
        let flushed = self.ext_flush();
        let Some(ext) = self.ext.as_mut() else { return };
        ext.level += 1;
        if flushed && !ext.lazy {
            if let Err(e) = ext.prop.notify_new_decision_level() {
                ext.error.get_or_insert(e);
            }
        }
    }

    /// From `backtrack`: the trail from `start` on was undone (kept
    /// literals are notified again).
    #[cold]
    pub(super) fn ext_backtrack(&mut self, level: u32, start: usize) {
        let Some(ext) = self.ext.as_mut() else { return };
        ext.notified = ext.notified.min(start);
        if ext.level > level {
            ext.level = level;
            if !ext.lazy {
                if let Err(e) = ext.prop.notify_backtrack(level) {
                    ext.error.get_or_insert(e);
                }
            }
        }
    }

    /// Import a literal a callback returned: it must be observed.
    fn ext_lit(&self, d: i32, callback: &str) -> Result<Lit> {
        let ok = d != 0 && d != i32::MIN && self.is_observed(d.abs());
        if !ok {
            return Err(ClewError::InvalidInput(format!(
                "the propagator's {callback} returned {d}, which is not a literal of an observed variable"
            )));
        }
        Ok(Lit::from_dimacs(d))
    }

    /// After a conflict-free unit propagation: pending errors and model
    /// conflicts, then the propagator's implications and clauses.
    pub(super) fn ext_step(&mut self, conflict: CRef) -> ExtStep {
        let ext = self.ext.as_mut().expect("ext_step needs a propagator");
        if ext.error.is_some() {
            return ExtStep::Failed;
        }
        let pending = std::mem::replace(&mut ext.pending_conflict, CREF_NONE);
        if conflict != CREF_NONE {
            return ExtStep::Conflict(conflict);
        }
        if pending != CREF_NONE {
            return ExtStep::Conflict(pending);
        }
        match self.ext_propagate() {
            Ok(step) => step,
            Err(e) => {
                self.ext_fail(e);
                ExtStep::Failed
            }
        }
    }

    fn ext_propagate(&mut self) -> Result<ExtStep> {
        if !self.ext_flush() {
            return Ok(ExtStep::Failed);
        }
        let ext = self.ext.as_mut().expect("checked by ext_step");
        if ext.lazy {
            return Ok(ExtStep::Done);
        }
        loop {
            let d = self.ext.as_mut().expect("connected").prop.propagate()?;
            if d == 0 {
                break;
            }
            let l = self.ext_lit(d, "propagate")?;
            match self.vals[l.index()] {
                TRUE => {}
                UNASSIGNED if self.decision_level() > 0 => {
                    self.assign(l, CREF_EXTERNAL);
                    let c = self.propagate();
                    if c != CREF_NONE {
                        return Ok(ExtStep::Conflict(c));
                    }
                    if !self.ext_flush() {
                        return Ok(ExtStep::Failed);
                    }
                }
                // Unassigned at level 0 (explained at once) or false (the
                // reason is a conflict): learn the reason now.
                _ => {
                    let clause = self.ext_reason(d)?;
                    match self.ext_add_clause(clause, Source::Reason(d))? {
                        Added::Unsat => return Ok(ExtStep::Unsat),
                        Added::Conflict(c) => return Ok(ExtStep::Conflict(c)),
                        Added::Nothing | Added::Changed => {
                            let c = self.propagate();
                            if c != CREF_NONE {
                                return Ok(ExtStep::Conflict(c));
                            }
                            if !self.ext_flush() {
                                return Ok(ExtStep::Failed);
                            }
                        }
                    }
                }
            }
        }
        let mut changed = false;
        while self
            .ext
            .as_mut()
            .expect("connected")
            .prop
            .has_external_clause()?
        {
            let clause = self.ext_external_clause()?;
            match self.ext_add_clause(clause, Source::External)? {
                Added::Unsat => return Ok(ExtStep::Unsat),
                Added::Conflict(c) => return Ok(ExtStep::Conflict(c)),
                Added::Changed => changed = true,
                Added::Nothing => {}
            }
            let c = self.propagate();
            if c != CREF_NONE {
                return Ok(ExtStep::Conflict(c));
            }
            if !self.ext_flush() {
                return Ok(ExtStep::Failed);
            }
        }
        Ok(if changed {
            ExtStep::Repeat
        } else {
            ExtStep::Done
        })
    }

    fn ext_reason(&mut self, lit: i32) -> Result<Vec<i32>> {
        let ext = self.ext.as_mut().expect("connected");
        let mut clause = std::mem::take(&mut ext.clause);
        clause.clear();
        let r = ext.prop.reason(lit, &mut clause);
        r.map(|_| clause)
    }

    fn ext_external_clause(&mut self) -> Result<Vec<i32>> {
        let ext = self.ext.as_mut().expect("connected");
        let mut clause = std::mem::take(&mut ext.clause);
        clause.clear();
        let r = ext.prop.external_clause(&mut clause);
        r.map(|_| clause)
    }

    /// Keep a clause the propagator gave as a premise while a proof is on.
    fn ext_premise(&mut self, clause: &[i32]) {
        if self.proof.is_some() {
            if let Some(ext) = self.ext.as_mut() {
                ext.premises.push(clause.to_vec());
            }
        }
    }

    /// Add a clause from the propagator in the middle of the search,
    /// CaDiCaL's `handle_external_clause`: falsified clauses become
    /// conflicts at the level of their second-highest literal, propagating
    /// ones propagate there, units go to level 0.
    fn ext_add_clause(&mut self, clause: Vec<i32>, source: Source) -> Result<Added> {
        let mut lits = Vec::with_capacity(clause.len());
        for &d in &clause {
            lits.push(self.ext_lit(d, &source.name())?);
        }
        if let Source::Reason(p) = source {
            self.ext_check_reason(&clause, &lits, p, false)?;
        }
        self.ext_premise(&clause);
        self.ext_give_back(clause);
        lits.sort_unstable();
        lits.dedup();
        if lits.windows(2).any(|w| w[1] == !w[0]) {
            return Ok(Added::Nothing);
        }
        let before = lits.len();
        let mut root_true = false;
        lits.retain(|&l| {
            let at_root = self.level[l.var().index()] == 0 && self.vals[l.index()] != UNASSIGNED;
            root_true |= at_root && self.vals[l.index()] == TRUE;
            !at_root
        });
        if root_true {
            return Ok(Added::Nothing);
        }
        self.log_units_to_proof();
        if let Some(p) = self.proof.as_mut() {
            if lits.len() < before || before == 0 {
                p.add(&lits);
            }
        }
        match lits.len() {
            0 => {
                self.cancel_until(0);
                self.set_unsat_at_level_zero();
                Ok(Added::Unsat)
            }
            1 => {
                self.cancel_until(0);
                self.assign(lits[0], CREF_NONE);
                Ok(Added::Changed)
            }
            _ => {
                self.order_for_watches(&mut lits);
                let learnt = matches!(source, Source::Reason(_));
                let c = self.db.alloc(&lits, learnt, lits.len() as u32);
                self.watches.attach(&self.db, c);
                let (l0, l1) = (lits[0], lits[1]);
                let (v0, v1) = (self.vals[l0.index()], self.vals[l1.index()]);
                if v0 == FALSE || (v0 == UNASSIGNED && v1 == FALSE) {
                    let at = self.level[l1.var().index()];
                    self.backtrack(at, true);
                    if self.vals[l0.index()] == FALSE {
                        return Ok(Added::Conflict(c));
                    }
                    self.assign_at(l0, c, at);
                    return Ok(Added::Changed);
                }
                Ok(Added::Nothing)
            }
        }
    }

    fn ext_give_back(&mut self, clause: Vec<i32>) {
        if let Some(ext) = self.ext.as_mut() {
            ext.clause = clause;
        }
    }

    /// A reason must hold `p` and otherwise literals false before `p` was
    /// assigned (`assigned`: `p` is on the trail).
    fn ext_check_reason(&self, clause: &[i32], lits: &[Lit], p: i32, assigned: bool) -> Result<()> {
        let pl = Lit::from_dimacs(p);
        let bad = |why: String| {
            Err(ClewError::InvalidInput(format!(
                "the propagator's provide_reason({p}) returned {clause:?}, {why}"
            )))
        };
        if !lits.contains(&pl) {
            return bad(format!("which does not contain {p}"));
        }
        for &l in lits {
            if l == pl {
                continue;
            }
            let v = l.var().index();
            if self.vals[l.index()] != FALSE {
                return bad(format!(
                    "but {} is not false, so it does not imply {p}",
                    l.to_dimacs()
                ));
            }
            if assigned && self.trail_pos[v] > self.trail_pos[pl.var().index()] {
                return bad(format!(
                    "but {} became false after {p} was implied",
                    l.to_dimacs()
                ));
            }
        }
        Ok(())
    }

    /// Watch order (CaDiCaL's `move_literal_to_watch`): true literals
    /// (lowest level first), then unassigned, then false (highest first).
    fn order_for_watches(&self, lits: &mut [Lit]) {
        lits.sort_by_key(|&l| {
            let lv = self.level[l.var().index()] as i64;
            match self.vals[l.index()] {
                TRUE => (0, lv),
                UNASSIGNED => (1, 0),
                _ => (2, -lv),
            }
        });
    }

    /// Before analysing a conflict (or a failed assumption): give every
    /// implied literal backward reachable from `seeds` a reason clause.
    /// Returns false when one reason was a unit: the solver then went back
    /// to level 0 with it, and the conflict is dropped.
    pub(super) fn ext_explain(&mut self, seeds: &[Lit]) -> bool {
        match self.ext_explain_walk(seeds) {
            Ok(done) => done,
            Err(e) => {
                self.ext_fail(e);
                false
            }
        }
    }

    fn ext_explain_walk(&mut self, seeds: &[Lit]) -> Result<bool> {
        let mut open = 0usize;
        let mut marked: Vec<Var> = Vec::new();
        let mut result = Ok(true);
        for &l in seeds {
            if let Err(e) = self.ext_mark(l, &mut open, &mut marked) {
                result = Err(e);
                break;
            }
        }
        let mut i = self.trail.len();
        while result.is_ok() && open > 0 && i > 0 {
            i -= 1;
            let l = self.trail[i];
            let v = l.var();
            let ext = self.ext.as_mut().expect("connected");
            if !ext.marks[v.index()] {
                continue;
            }
            ext.marks[v.index()] = false;
            open -= 1;
            let c = self.reason[v.index()];
            if c == CREF_NONE {
                continue; // a unit reason took it to level 0
            }
            for k in 0..self.db.len(c) {
                let q = self.db.lits(c)[k];
                if q.var() == v {
                    continue;
                }
                if let Err(e) = self.ext_mark(q, &mut open, &mut marked) {
                    result = Err(e);
                    break;
                }
            }
        }
        let ext = self.ext.as_mut().expect("connected");
        for v in marked {
            ext.marks[v.index()] = false;
        }
        match result {
            Ok(true) if !ext.units.is_empty() => Ok(false),
            other => other,
        }
    }

    /// Mark `l`'s variable for the walk, explaining it first if needed.
    fn ext_mark(&mut self, l: Lit, open: &mut usize, marked: &mut Vec<Var>) -> Result<()> {
        let v = l.var();
        if self.level[v.index()] == 0 || self.ext.as_ref().expect("connected").marks[v.index()] {
            return Ok(());
        }
        if self.reason[v.index()] == CREF_EXTERNAL {
            let implied = if self.vals[l.index()] == TRUE { l } else { !l };
            self.ext_explain_one(implied)?;
        }
        if self.level[v.index()] > 0 && self.reason[v.index()] != CREF_NONE {
            self.ext.as_mut().expect("connected").marks[v.index()] = true;
            marked.push(v);
            *open += 1;
        }
        Ok(())
    }

    /// Ask for the reason of the implied (true) literal `p` and make it a
    /// learnt clause that is `p`'s reason.
    fn ext_explain_one(&mut self, p: Lit) -> Result<()> {
        let d = p.to_dimacs();
        let clause = self.ext_reason(d)?;
        let mut lits = Vec::with_capacity(clause.len());
        for &x in &clause {
            lits.push(self.ext_lit(x, &Source::Reason(d).name())?);
        }
        self.ext_check_reason(&clause, &lits, d, true)?;
        self.ext_premise(&clause);
        self.ext_give_back(clause);
        lits.sort_unstable();
        lits.dedup();
        let before = lits.len();
        lits.retain(|&l| l == p || self.level[l.var().index()] > 0);
        self.log_units_to_proof();
        if let Some(pr) = self.proof.as_mut() {
            if lits.len() < before {
                pr.add(&lits);
            }
        }
        if lits.len() == 1 {
            // A fact: remember it for level 0, and treat p as a decision
            // for this walk (the conflict is then dropped).
            self.reason[p.var().index()] = CREF_NONE;
            self.ext.as_mut().expect("connected").units.push(p);
            return Ok(());
        }
        // p first, the highest other literal second (the watch invariant).
        let pos = lits.iter().position(|&l| l == p).expect("checked");
        lits.swap(0, pos);
        let best = (1..lits.len())
            .max_by_key(|&k| {
                (
                    self.level[lits[k].var().index()],
                    self.trail_pos[lits[k].var().index()],
                )
            })
            .expect("two literals at least");
        lits.swap(1, best);
        let c = self.db.alloc(&lits, true, lits.len() as u32);
        self.watches.attach(&self.db, c);
        self.reason[p.var().index()] = c;
        Ok(())
    }

    /// Facts found while explaining go to level 0 (after the walk).
    pub(super) fn ext_assert_units(&mut self) {
        self.cancel_until(0);
        let units = std::mem::take(&mut self.ext.as_mut().expect("connected").units);
        for p in units {
            match self.vals[p.index()] {
                UNASSIGNED => self.assign(p, CREF_NONE),
                FALSE => self.set_unsat_at_level_zero(),
                _ => {}
            }
        }
    }

    /// Every variable assigned: let the propagator check the model. `Done`
    /// accepts it; a rejection adds its clauses and goes on searching.
    pub(super) fn ext_check_model(&mut self) -> ExtStep {
        match self.ext_check_model_inner() {
            Ok(step) => step,
            Err(e) => {
                self.ext_fail(e);
                ExtStep::Failed
            }
        }
    }

    fn ext_check_model_inner(&mut self) -> Result<ExtStep> {
        // Rejections whose clauses leave the model as it is: one more look
        // (CaDiCaL asks again), then it is the propagator's error.
        let mut futile = 0;
        loop {
            if !self.ext_flush() {
                return Ok(ExtStep::Failed);
            }
            let ext = self.ext.as_mut().expect("connected");
            let model: Vec<i32> = (0..ext.observed.len().min(self.num_vars))
                .filter(|&v| ext.observed[v])
                .map(|v| {
                    let d = v as i32 + 1;
                    if self.vals[2 * v] == TRUE {
                        d
                    } else {
                        -d
                    }
                })
                .collect();
            if ext.prop.check_found_model(&model)? {
                return Ok(ExtStep::Done);
            }
            if !ext.prop.has_external_clause()? {
                return Err(ClewError::InvalidInput(
                    "the propagator's check_model rejected the model but gave no clause \
                     (has_clause/add_clause must offer one)"
                        .into(),
                ));
            }
            loop {
                let clause = self.ext_external_clause()?;
                match self.ext_add_clause(clause, Source::External)? {
                    Added::Unsat => return Ok(ExtStep::Unsat),
                    Added::Conflict(c) => {
                        self.ext.as_mut().expect("connected").pending_conflict = c;
                        return Ok(ExtStep::Repeat);
                    }
                    Added::Changed => return Ok(ExtStep::Repeat),
                    Added::Nothing => {}
                }
                if !self
                    .ext
                    .as_mut()
                    .expect("connected")
                    .prop
                    .has_external_clause()?
                {
                    break;
                }
            }
            // Every clause was satisfied by the model: ask again (CaDiCaL).
            futile += 1;
            if futile == 2 {
                return Err(ClewError::InvalidInput(
                    "the propagator's check_model keeps rejecting a model that its clauses \
                     (add_clause) do not exclude"
                        .into(),
                ));
            }
        }
    }

    /// The propagator's decision, if it makes one.
    pub(super) fn ext_decide(&mut self) -> Option<Lit> {
        if !self.ext_flush() {
            return None;
        }
        let ext = self.ext.as_mut()?;
        if ext.lazy {
            return None;
        }
        let d = match ext.prop.decide() {
            Ok(d) => d,
            Err(e) => {
                ext.error.get_or_insert(e);
                return None;
            }
        };
        if d == 0 {
            return None;
        }
        match self.ext_lit(d, "decide") {
            Ok(l) if self.vals[l.index()] == UNASSIGNED => Some(l),
            Ok(_) => None, // assigned already: the solver chooses (CaDiCaL)
            Err(e) => {
                self.ext_fail(e);
                None
            }
        }
    }

    /// Whether a callback failed (the search stops).
    #[inline]
    /// For `propagate_assumptions`: unit propagation and the propagator's
    /// step (its implications and clauses, as in the search, which may
    /// backtrack to where a clause it adds propagates) to a fixpoint.
    pub(super) fn propagate_with_propagator(&mut self) -> Result<Fixpoint> {
        loop {
            let conflict = self.propagate();
            if self.ext.is_none() {
                return Ok(if conflict == CREF_NONE {
                    Fixpoint::Done
                } else {
                    Fixpoint::Conflict(conflict)
                });
            }
            let assigned = self.trail.len();
            match self.ext_step(conflict) {
                // A Python propagator ends each list it gives with a 0:
                // done only once a step assigns nothing.
                ExtStep::Done if self.trail.len() == assigned => return Ok(Fixpoint::Done),
                ExtStep::Done | ExtStep::Repeat => {}
                ExtStep::Conflict(c) => return Ok(Fixpoint::Conflict(c)),
                ExtStep::Unsat => return Ok(Fixpoint::Unsat),
                ExtStep::Failed => {
                    return Err(self.take_propagator_error().unwrap_or_else(|| {
                        ClewError::InvalidInput("the propagator failed".into())
                    }))
                }
            }
        }
    }

    pub(super) fn ext_failed(&self) -> bool {
        self.ext.as_ref().is_some_and(|e| e.error.is_some())
    }
}

/// Variables the propagator observes must grow with the solver.
impl External {
    pub(super) fn grow_to(&mut self, n: usize) {
        if self.observed.len() < n {
            self.observed.resize(n, false);
            self.marks.resize(n, false);
        }
    }
}
