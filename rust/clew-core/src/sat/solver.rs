//! The solver facade: the public API and the CDCL search loop that ties
//! the techniques (one file each) together.
//!
//! State contract (as in CaDiCaL's facade): between calls the solver is at
//! decision level 0. `add_clause` may be called at any time between solves;
//! `solve` answers for all clauses added so far under the given
//! assumptions; `model` is valid after `Sat` until the next change, and
//! `core` after `Unsat` under assumptions. Literals are DIMACS integers.

use std::time::Instant;

use super::clause_db::{relocate_in, CRef, ClauseDb, CREF_NONE};
use super::decide::VarOrder;
use super::external_propagator::{ExtStep, External, Fixpoint, CREF_EXTERNAL};
use super::inprocess::Simp;
use super::lit::{Lit, Var, FALSE, TRUE, UNASSIGNED};
use super::phases::{Phases, Rephase};
use super::proof::{Proof, ProofFormat};
use super::reduce::ReduceSchedule;
use super::restart::{RestartPolicy, Restarts};
use super::search_log::{Event, SearchLog};
use super::vmtf::Vmtf;
use super::watch::Watches;
use crate::budget::{Budget, Interrupt, Limits, StopReason};
use crate::error::{ClewError, Result};

/// The largest variable index accepted (keeps literals in 31 bits).
pub const MAX_VAR: i32 = (1 << 29) - 1;

#[derive(Clone, Debug)]
pub struct SolverOptions {
    pub restart: RestartPolicy,
    /// EVSIDS decay factor (MiniSat: 0.95); in stable mode `stable_var_decay`.
    pub var_decay: f64,
    /// Learnt clause activity decay.
    pub clause_decay: f64,
    /// Reduce the learnt database every `first_reduce + k * reduce_increment` conflicts.
    pub first_reduce: u64,
    pub reduce_increment: u64,
    /// Alternate focused mode (the `restart` policy) with stable mode
    /// (reluctant doubling, `stable_var_decay`), CaDiCaL/Kissat style.
    pub stable: bool,
    /// Conflicts in the first focused phase; later phases get as many
    /// propagations as it took, doubling after every stable phase.
    pub stable_first: u64,
    pub stable_var_decay: f64,
    /// Decide with VMTF (variable move-to-front) in focused mode and VSIDS
    /// in stable mode, as CaDiCaL and Kissat do: 0 never (VSIDS in both),
    /// 1 always, 2 unless every irredundant clause has the same length
    /// (uniform random k-SAT, where VSIDS's longer memory wins; checked
    /// when a solve starts). Activity hints (`Solver::set_activity`) act
    /// in stable mode only while VMTF is in use.
    pub vmtf: u8,
    /// Decide with target phases: 0 never, 1 in stable mode (and in
    /// focused mode too once native AtMostK constraints are added: on
    /// random at-most-k families that cut the conflicts of satisfiable
    /// instances by more than half; see docs/pysat.md), 2 always.
    pub target: u8,
    /// Reset the saved phases every `rephase_interval * k` conflicts
    /// (k = 1, 2, ...) to best, original, best, inverted, ...
    pub rephase: bool,
    pub rephase_interval: u64,
    /// Rephasing to "original" returns to the phases seeded by
    /// `Solver::seed_phases` (negative where none was seeded) instead of
    /// all-negative.
    pub rephase_to_initial: bool,
    /// Chronological backtracking: when a backjump would undo more than
    /// this many levels, undo one level only (0: off; CaDiCaL: 100).
    pub chrono: u32,
    /// Leave watchers of clauses deleted by `reduce_db` for the propagator
    /// to drop when it meets them, instead of rebuilding every watch list.
    pub lazy_detach: bool,
    /// On restart keep the decision levels that would be made again
    /// (trail reuse) instead of going back to level 0.
    pub reuse_trail: bool,
    /// Make every third rephase a local search (ProbSAT) from the saved
    /// phases; needs `rephase`.
    pub walk: bool,
    /// Walk budget: occurrence-list visits per 1000 propagations since the
    /// last walk.
    pub walk_effort: u64,
    /// Vivify tier-2 and core learnt clauses after each reduction.
    pub vivify: bool,
    /// Vivification budget: propagations per 1000 search propagations
    /// since the last round.
    pub vivify_effort: u64,
    /// Vivify original clauses too (needs `vivify`).
    pub vivify_irred: bool,
    /// Vivify at the first reduction after `vivify_interval * k` more
    /// conflicts (k = 1, 2, ...; 0: at every reduction), since each round
    /// restarts the search.
    pub vivify_interval: u64,
    /// Shrink learnt clauses: replace the literals of one level by that
    /// level's UIP when resolution allows it (Kissat's `shrink`).
    pub shrink: bool,
    /// Also bump the variables in the reasons of the learnt clause's
    /// literals (CaDiCaL's `bumpreason`), while VSIDS decides.
    pub bump_reasons: bool,
    /// Inprocessing (at the start of a solve and every `inprocess_interval`
    /// reductions, at level 0): subsumption and self-subsuming
    /// strengthening of irredundant clauses (learnt ones as targets).
    pub subsume: bool,
    /// Bounded variable elimination with model reconstruction.
    pub elim: bool,
    /// Skip variables with more clauses than this (both signs together).
    pub elim_occurrences: u32,
    /// Failed-literal probing on roots of the binary implication graph.
    pub probe: bool,
    /// Equivalent-literal substitution (SCCs of binary implications).
    pub subst: bool,
    /// Reductions between inprocessing passes (0: only when a solve starts).
    pub inprocess_interval: u64,
    /// Inprocessing budget: steps per 1000 propagations since the last pass
    /// (on top of a fixed base per pass).
    pub inprocess_effort: u64,
}

impl Default for SolverOptions {
    fn default() -> Self {
        SolverOptions {
            restart: RestartPolicy::Glucose,
            var_decay: 0.95,
            clause_decay: 0.999,
            // Tuned on UF250/UUF250: Glucose's 2000/300 kept too many local
            // clauses (propagation slows with watch-list length).
            first_reduce: 1000,
            reduce_increment: 100,
            // Issue 3's techniques; each default was measured off vs on
            // (README, Performance: the ablation table).
            stable: true,
            stable_first: 1000,
            stable_var_decay: 0.975,
            // Off: VMTF wins on structured families but loses 2-3x on
            // random 3-SAT (CPU PAR-2, 4 instances each, off -> on; CaDiCaL
            // 1.9.5 in the same run): factoring 4.20 -> 4.05 (3.59),
            // bmc-counter 1.84 -> 1.40 (1.25), UF250 0.36 -> 4.17 (1.71),
            // UUF250 7.28 -> 20.59 (17.39), random3sat-200 0.31 -> 0.69 (0.71).
            // Reason-side bumping or VSIDS bumps in focused mode too did not
            // close the gap (UUF250 14.3 and 21.5). `vmtf=2` (VSIDS only on
            // uniform random k-SAT) halves factoring's PAR-2 (CaDiCaL's
            // level) but costs 1.3x on BMC and 5x on PHP 8-10 (README).
            vmtf: 0,
            target: 1,
            rephase: true,
            rephase_interval: 1000,
            rephase_to_initial: false,
            chrono: 100,
            lazy_detach: false,
            reuse_trail: true,
            walk: true,
            walk_effort: 1000,
            // Measured (README): neutral on random 3-SAT, 0.8-0.9x PAR-2
            // on factoring and BMC with originals included and rounds
            // spaced out (each one restarts the search).
            vivify: true,
            vivify_effort: 100,
            vivify_irred: true,
            vivify_interval: 2000,
            // Shrinking off, reason bumping on (README, "Shrinking, reason
            // bumping, VMTF"): shrinking solved more industrial instances
            // (SAT Race 2015 + SC21 at 60 s) but took PHP(10) from 35 s to
            // 62-65 s CPU; reason bumping alone proves PHP(10) in 3 s.
            shrink: false,
            bump_reasons: true,
            // Off: on SC21 (60 s) clew solved 1/5 with them on vs 2/5 off
            // (SAT Race 2015 3/3 both), although generated families ran
            // 0.90x CPU with them on (README).
            subsume: false,
            elim: false,
            elim_occurrences: 32,
            probe: false,
            subst: false,
            inprocess_interval: 8,
            inprocess_effort: 100,
        }
    }
}

/// The option names `SolverOptions::parse` accepts after the preset.
pub const OPTION_NAMES: &[&str] = &[
    "restart",
    "var_decay",
    "clause_decay",
    "first_reduce",
    "reduce_increment",
    "stable",
    "stable_first",
    "stable_var_decay",
    "vmtf",
    "target",
    "rephase",
    "rephase_interval",
    "rephase_to_initial",
    "chrono",
    "lazy_detach",
    "reuse_trail",
    "walk",
    "walk_effort",
    "vivify",
    "vivify_effort",
    "vivify_irred",
    "vivify_interval",
    "shrink",
    "bump_reasons",
    "subsume",
    "elim",
    "elim_occurrences",
    "probe",
    "subst",
    "inprocess_interval",
    "inprocess_effort",
];

impl SolverOptions {
    /// Named presets: "default", "glucose", "luby" (MiniSat-like).
    pub fn preset(name: &str) -> Result<Self> {
        let mut o = SolverOptions::default();
        match name {
            "default" | "glucose" => {}
            "luby" | "minisat" => o.restart = RestartPolicy::Luby,
            _ => {
                return Err(ClewError::InvalidInput(format!(
                    "unknown solver configuration '{name}' (expected default, glucose, luby or minisat)"
                )))
            }
        }
        Ok(o)
    }

    /// A preset followed by comma-separated `name=value` overrides, e.g.
    /// `"default,chrono=0,stable=1"` (booleans as 0/1, true/false, on/off).
    pub fn parse(config: &str) -> Result<Self> {
        let mut parts = config.split(',').map(str::trim);
        let mut o = SolverOptions::preset(parts.next().unwrap_or("default"))?;
        for part in parts.filter(|p| !p.is_empty()) {
            let (key, value) = part.split_once('=').ok_or_else(|| {
                ClewError::InvalidInput(format!("solver option '{part}' is not name=value"))
            })?;
            o.set(key.trim(), value.trim())?;
        }
        Ok(o)
    }

    /// Every option of `OPTION_NAMES` with its value, as `parse` reads it.
    pub fn describe(&self) -> Vec<(&'static str, String)> {
        let flag = |b: bool| if b { "1" } else { "0" }.to_string();
        let restart = match self.restart {
            RestartPolicy::Glucose => "glucose",
            RestartPolicy::Luby => "luby",
        };
        vec![
            ("restart", restart.to_string()),
            ("var_decay", self.var_decay.to_string()),
            ("clause_decay", self.clause_decay.to_string()),
            ("first_reduce", self.first_reduce.to_string()),
            ("reduce_increment", self.reduce_increment.to_string()),
            ("stable", flag(self.stable)),
            ("stable_first", self.stable_first.to_string()),
            ("stable_var_decay", self.stable_var_decay.to_string()),
            ("vmtf", self.vmtf.to_string()),
            ("target", self.target.to_string()),
            ("rephase", flag(self.rephase)),
            ("rephase_interval", self.rephase_interval.to_string()),
            ("rephase_to_initial", flag(self.rephase_to_initial)),
            ("chrono", self.chrono.to_string()),
            ("lazy_detach", flag(self.lazy_detach)),
            ("reuse_trail", flag(self.reuse_trail)),
            ("walk", flag(self.walk)),
            ("walk_effort", self.walk_effort.to_string()),
            ("vivify", flag(self.vivify)),
            ("vivify_effort", self.vivify_effort.to_string()),
            ("vivify_irred", flag(self.vivify_irred)),
            ("vivify_interval", self.vivify_interval.to_string()),
            ("shrink", flag(self.shrink)),
            ("bump_reasons", flag(self.bump_reasons)),
            ("subsume", flag(self.subsume)),
            ("elim", flag(self.elim)),
            ("elim_occurrences", self.elim_occurrences.to_string()),
            ("probe", flag(self.probe)),
            ("subst", flag(self.subst)),
            ("inprocess_interval", self.inprocess_interval.to_string()),
            ("inprocess_effort", self.inprocess_effort.to_string()),
        ]
    }

    /// Set one option by name from text.
    pub fn set(&mut self, key: &str, value: &str) -> Result<()> {
        let bad =
            || ClewError::InvalidInput(format!("bad value '{value}' for solver option '{key}'"));
        let flag = || match value {
            "1" | "true" | "on" | "yes" => Ok(true),
            "0" | "false" | "off" | "no" => Ok(false),
            _ => Err(bad()),
        };
        let decay = || match value.parse::<f64>() {
            Ok(x) if x > 0.0 && x < 1.0 => Ok(x),
            _ => Err(bad()),
        };
        match key {
            "restart" => {
                self.restart = match value {
                    "glucose" => RestartPolicy::Glucose,
                    "luby" => RestartPolicy::Luby,
                    _ => return Err(bad()),
                }
            }
            "var_decay" => self.var_decay = decay()?,
            "clause_decay" => self.clause_decay = decay()?,
            "stable_var_decay" => self.stable_var_decay = decay()?,
            "first_reduce" => self.first_reduce = value.parse().map_err(|_| bad())?,
            "reduce_increment" => self.reduce_increment = value.parse().map_err(|_| bad())?,
            "stable" => self.stable = flag()?,
            "vmtf" => {
                self.vmtf = match value {
                    "2" | "auto" => 2,
                    _ => flag()? as u8,
                }
            }
            "stable_first" => {
                self.stable_first = value.parse().ok().filter(|&n| n > 0).ok_or_else(bad)?
            }
            "target" => self.target = value.parse().ok().filter(|&n| n <= 2).ok_or_else(bad)?,
            "rephase" => self.rephase = flag()?,
            "rephase_interval" => {
                self.rephase_interval = value.parse().ok().filter(|&n| n > 0).ok_or_else(bad)?
            }
            "rephase_to_initial" => self.rephase_to_initial = flag()?,
            "chrono" => self.chrono = value.parse().map_err(|_| bad())?,
            "lazy_detach" => self.lazy_detach = flag()?,
            "reuse_trail" => self.reuse_trail = flag()?,
            "walk" => self.walk = flag()?,
            "walk_effort" => self.walk_effort = value.parse().map_err(|_| bad())?,
            "vivify" => self.vivify = flag()?,
            "vivify_effort" => self.vivify_effort = value.parse().map_err(|_| bad())?,
            "vivify_irred" => self.vivify_irred = flag()?,
            "vivify_interval" => self.vivify_interval = value.parse().map_err(|_| bad())?,
            "shrink" => self.shrink = flag()?,
            "bump_reasons" => self.bump_reasons = flag()?,
            "subsume" => self.subsume = flag()?,
            "elim" => self.elim = flag()?,
            "elim_occurrences" => self.elim_occurrences = value.parse().map_err(|_| bad())?,
            "probe" => self.probe = flag()?,
            "subst" => self.subst = flag()?,
            "inprocess_interval" => self.inprocess_interval = value.parse().map_err(|_| bad())?,
            "inprocess_effort" => self.inprocess_effort = value.parse().map_err(|_| bad())?,
            _ => {
                return Err(ClewError::InvalidInput(format!(
                    "unknown solver option '{key}' (expected one of {})",
                    OPTION_NAMES.join(", ")
                )))
            }
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SolveResult {
    Sat,
    /// Unsatisfiable (under the assumptions, if any were given).
    Unsat,
    /// Stopped early; the reason says which budget or signal.
    Unknown(StopReason),
}

#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub solves: u64,
    pub decisions: u64,
    pub propagations: u64,
    pub conflicts: u64,
    pub restarts: u64,
    pub learnt_clauses: u64,
    pub learnt_units: u64,
    pub deleted_clauses: u64,
    pub reductions: u64,
    pub simplifications: u64,
    pub garbage_collections: u64,
    pub learnt_literals_before_minimize: u64,
    pub learnt_literals: u64,
    /// Switches between focused and stable mode.
    pub mode_switches: u64,
    pub rephases: u64,
    /// Backtracks that undid fewer levels than the backjump asked for.
    pub chrono_backtracks: u64,
    /// Decision levels kept by restarts (`SolverOptions::reuse_trail`).
    pub reused_levels: u64,
    pub walks: u64,
    pub walk_flips: u64,
    pub vivify_rounds: u64,
    /// Clauses vivification shortened, and the literals it removed.
    pub vivified: u64,
    pub vivify_literals_removed: u64,
    /// Learnt clauses shrinking shortened, and the literals it removed.
    pub shrunk_clauses: u64,
    pub shrunk_literals: u64,
    /// Inprocessing passes and what they did.
    pub inprocessings: u64,
    pub subsumed: u64,
    pub strengthened: u64,
    pub eliminated_vars: u64,
    /// Eliminated variables brought back (incremental use mentioned them).
    pub reactivated_vars: u64,
    pub failed_literals: u64,
    /// Variables replaced by an equivalent literal.
    pub substituted: u64,
    /// Binary clauses removed by transitive reduction (`Solver::process`).
    pub transitive_reductions: u64,
    pub solve_seconds: f64,
}

pub struct Solver {
    pub(super) opts: SolverOptions,
    pub(super) db: ClauseDb,
    pub(super) watches: Watches,
    /// Value of each literal (indexed by `Lit::index`).
    pub(super) vals: Vec<i8>,
    pub(super) level: Vec<u32>,
    pub(super) reason: Vec<CRef>,
    /// Where each assigned variable sits on the trail (for shrinking).
    pub(super) trail_pos: Vec<u32>,
    pub(super) trail: Vec<Lit>,
    /// Trail position where each decision level starts.
    pub(super) trail_lim: Vec<usize>,
    pub(super) qhead: usize,
    pub(super) order: VarOrder,
    /// The VMTF queue (`SolverOptions::vmtf`), kept up to date in both modes.
    pub(super) queue: Vmtf,
    /// Whether focused mode decides with VMTF in this solve (`opts.vmtf`).
    pub(super) vmtf_on: bool,
    /// Variables met in the last conflict analysis, to move on the queue.
    pub(super) analyzed: Vec<Var>,
    pub(super) phases: Phases,
    pub(super) restarts: Restarts,
    pub(super) reduce: ReduceSchedule,
    pub(super) proof: Option<Proof>,
    pub(super) stats: Stats,
    pub(super) clause_increment: f32,
    // Scratch space for analysis, reused across conflicts.
    pub(super) seen: Vec<u8>,
    pub(super) learnt: Vec<Lit>,
    pub(super) to_clear: Vec<Lit>,
    pub(super) minimize_stack: Vec<Lit>,
    pub(super) lbd_stamps: Vec<u64>,
    pub(super) lbd_stamp_counter: u64,
    pub(super) core: Vec<Lit>,
    /// False once the clauses are unsatisfiable at level 0.
    pub(super) ok: bool,
    pub(super) num_vars: usize,
    num_original: usize,
    /// Original clauses stored as MiniSat would count them (see `num_stored_clauses`).
    stored_clauses: usize,
    stored_recount: bool,
    /// Decisions allowed per solve (PySAT's `dec_budget`), and where this call stops.
    decision_limit: Option<u64>,
    decision_stop: u64,
    pub(super) assumptions: Vec<Lit>,
    pub(super) model: Vec<i8>,
    has_model: bool,
    has_core: bool,
    interrupt: Interrupt,
    /// Level-0 trail literals already written to the proof as units.
    pub(super) proof_units_logged: usize,
    /// Level-0 trail size at the last simplification.
    pub(super) simplified_at: usize,
    /// No simplification before this many propagations (MiniSat's
    /// `simpDB_props`: a sweep over all clauses is paid for by as many
    /// propagations as the clauses have literals).
    next_simplify_propagations: u64,
    /// The opt-in search log (see [`SearchLog`]).
    log: Option<Box<SearchLog>>,
    /// In stable mode now (see `SolverOptions::stable`).
    pub(super) stable_mode: bool,
    /// The current mode ends at this many conflicts (first phase) or
    /// propagations (later phases, once `mode_ticks` is known).
    mode_limit: u64,
    /// Propagations the first focused phase took; 0 until it ended.
    mode_ticks: u64,
    next_rephase: u64,
    walked_at_propagations: u64,
    /// A reduction happened; vivify at the next point without conflict.
    vivify_due: bool,
    pub(super) vivified_at_propagations: u64,
    pub(super) next_vivify: u64,
    /// `opts.chrono > 0`, cached for the propagation loop.
    pub(super) chrono_on: bool,
    /// Inprocessing state: eliminated and frozen variables, the
    /// model-reconstruction stack, the schedule.
    pub(super) simp: Simp,
    /// The connected external propagator, if any.
    pub(super) ext: Option<Box<External>>,
    /// Native AtMostK constraints were added (`add_atmost`).
    pub(super) native_atmost: bool,
}

impl Default for Solver {
    fn default() -> Self {
        Solver::new(SolverOptions::default())
    }
}

impl Solver {
    pub fn new(opts: SolverOptions) -> Self {
        let (opts_mode_limit, opts_rephase, opts_chrono) =
            (opts.stable_first, opts.rephase_interval, opts.chrono > 0);
        Solver {
            order: VarOrder::new(opts.var_decay),
            queue: Vmtf::default(),
            vmtf_on: false,
            analyzed: Vec::new(),
            restarts: Restarts::new(opts.restart),
            reduce: ReduceSchedule {
                next: opts.first_reduce,
                interval: opts.first_reduce,
                increment: opts.reduce_increment,
            },
            opts,
            db: ClauseDb::default(),
            watches: Watches::default(),
            vals: Vec::new(),
            level: Vec::new(),
            reason: Vec::new(),
            trail_pos: Vec::new(),
            trail: Vec::new(),
            trail_lim: Vec::new(),
            qhead: 0,
            phases: Phases::default(),
            proof: None,
            stats: Stats::default(),
            clause_increment: 1.0,
            seen: Vec::new(),
            learnt: Vec::new(),
            to_clear: Vec::new(),
            minimize_stack: Vec::new(),
            lbd_stamps: vec![0],
            lbd_stamp_counter: 0,
            core: Vec::new(),
            ok: true,
            num_vars: 0,
            num_original: 0,
            stored_clauses: 0,
            stored_recount: false,
            decision_limit: None,
            decision_stop: u64::MAX,
            assumptions: Vec::new(),
            model: Vec::new(),
            has_model: false,
            has_core: false,
            interrupt: Interrupt::new(),
            proof_units_logged: 0,
            simplified_at: 0,
            next_simplify_propagations: 0,
            log: None,
            stable_mode: false,
            mode_limit: opts_mode_limit,
            mode_ticks: 0,
            next_rephase: opts_rephase,
            walked_at_propagations: 0,
            vivify_due: false,
            vivified_at_propagations: 0,
            next_vivify: 0,
            chrono_on: opts_chrono,
            simp: Simp::default(),
            ext: None,
            native_atmost: false,
        }
    }

    // ----- public API -------------------------------------------------

    /// Record the search of the next `solve` calls into `log` (decisions,
    /// propagations, conflicts, learnt clauses, backjumps, restarts).
    /// Detach with [`Solver::take_search_log`].
    /// A logged search is plain CDCL: no chronological backtracking and no
    /// trail reuse, so every level in the log is the level of a decision.
    pub fn set_search_log(&mut self, log: SearchLog) {
        let mut log = Box::new(log);
        log.logged_trail = self.trail.len();
        self.log = Some(log);
        self.chrono_on = false;
    }

    pub(super) fn is_logging(&self) -> bool {
        self.log.is_some()
    }

    /// The log attached by [`Solver::set_search_log`], detached.
    pub fn take_search_log(&mut self) -> Option<SearchLog> {
        self.chrono_on = self.opts.chrono > 0;
        self.log.take().map(|b| *b)
    }

    /// Write a DRAT proof of every clause learnt or deleted from now on.
    /// Call before adding clauses so the proof covers the whole run.
    pub fn set_proof(&mut self, proof: Proof) {
        self.proof = Some(proof);
    }
    pub fn proof_mut(&mut self) -> Option<&mut Proof> {
        self.proof.as_mut()
    }
    /// Convenience: start an in-memory proof.
    pub fn enable_proof(&mut self, format: ProofFormat) {
        self.set_proof(Proof::in_memory(format));
    }

    /// A handle that stops a running `solve` from any thread.
    pub fn interrupt_handle(&self) -> Interrupt {
        self.interrupt.clone()
    }

    pub fn num_vars(&self) -> usize {
        self.num_vars
    }
    /// Original clauses added (including ones simplified away).
    pub fn num_clauses(&self) -> usize {
        self.num_original
    }
    /// Original clauses as MiniSat's `nClauses()` counts them: a clause that is
    /// a unit, a tautology or satisfied at level 0 when added is not stored, and
    /// each solve drops the stored ones satisfied at level 0 by then (MiniSat's
    /// `simplify`) as well as those inprocessing removed.
    pub fn num_stored_clauses(&mut self) -> usize {
        if self.stored_recount {
            self.stored_recount = false;
            let (db, vals, level) = (&self.db, &self.vals, &self.level);
            self.stored_clauses = db
                .originals
                .iter()
                .filter(|&&c| !db.is_deleted(c))
                .filter(|&&c| {
                    !db.lits(c)
                        .iter()
                        .any(|&l| vals[l.index()] == TRUE && level[l.var().index()] == 0)
                })
                .count();
        }
        self.stored_clauses
    }
    /// Limit each following solve to `limit` decisions (`None`: no limit).
    pub fn set_decision_limit(&mut self, limit: Option<u64>) {
        self.decision_limit = limit;
    }
    pub fn stats(&self) -> &Stats {
        &self.stats
    }
    /// False once the formula is known unsatisfiable without assumptions.
    pub fn is_ok(&self) -> bool {
        self.ok
    }

    /// Make variables `1..=n` exist.
    pub fn reserve_vars(&mut self, n: usize) -> Result<()> {
        if n > MAX_VAR as usize {
            return Err(ClewError::InvalidInput(format!(
                "{n} variables requested; at most {MAX_VAR} are supported"
            )));
        }
        if n <= self.num_vars {
            return Ok(());
        }
        self.num_vars = n;
        self.vals.resize(2 * n, UNASSIGNED);
        self.level.resize(n, 0);
        self.trail_pos.resize(n, 0);
        self.reason.resize(n, CREF_NONE);
        self.seen.resize(n, 0);
        self.lbd_stamps.resize(n + 1, 0);
        self.order.grow_to(n);
        self.queue.grow_to(n);
        self.phases.grow_to(n);
        self.watches.grow_to_vars(n);
        self.simp.grow_to(n);
        if let Some(ext) = self.ext.as_mut() {
            ext.grow_to(n);
        }
        Ok(())
    }

    pub(super) fn import_lit(&mut self, d: i32) -> Result<Lit> {
        if d == 0 || d == i32::MIN || d.abs() > MAX_VAR {
            return Err(ClewError::InvalidLiteral(format!(
                "invalid literal {d} (literals are non-zero integers with |lit| <= {MAX_VAR})"
            )));
        }
        self.reserve_vars(d.unsigned_abs() as usize)?;
        let l = Lit::from_dimacs(d);
        // Every mention of an eliminated variable brings it back.
        if self.simp.is_eliminated(l.var()) {
            self.reactivate(l.var());
        }
        Ok(l)
    }

    fn import_lits(&mut self, dimacs: &[i32]) -> Result<Vec<Lit>> {
        dimacs.iter().map(|&d| self.import_lit(d)).collect()
    }

    /// Add a clause of DIMACS literals. Returns `Ok(false)` when the formula
    /// has become unsatisfiable (the clause is still recorded as such).
    pub fn add_clause(&mut self, clause: &[i32]) -> Result<bool> {
        let lits = self.import_lits(clause)?;
        self.invalidate_answers();
        self.num_original += 1;
        Ok(self.add_lits(lits))
    }

    /// Add an irredundant clause at level 0 (a user's or a restored one).
    pub(super) fn add_lits(&mut self, mut lits: Vec<Lit>) -> bool {
        self.simp.clauses_added = true;
        if !self.ok {
            return false;
        }
        debug_assert_eq!(self.decision_level(), 0);
        lits.sort_unstable();
        lits.dedup();
        let original_len = lits.len();
        let mut kept = Vec::with_capacity(lits.len());
        for i in 0..lits.len() {
            let l = lits[i];
            if i + 1 < lits.len() && lits[i + 1] == !l {
                return true; // tautology
            }
            match self.vals[l.index()] {
                TRUE => return true, // satisfied at level 0
                FALSE => {}
                _ => kept.push(l),
            }
        }
        if kept.len() < original_len {
            // The shortened clause is RUP given the level-0 units.
            self.log_units_to_proof();
            if let Some(p) = self.proof.as_mut() {
                p.add(&kept);
            }
        }
        match kept.len() {
            0 => {
                self.ok = false;
                return false;
            }
            1 => {
                self.assign(kept[0], CREF_NONE);
                if self.propagate() != CREF_NONE {
                    self.set_unsat_at_level_zero();
                    return false;
                }
            }
            _ => {
                self.stored_clauses += 1;
                let c = self.db.alloc(&kept, false, 0);
                self.watches.attach(&self.db, c);
            }
        }
        true
    }

    /// Prefer these polarities (signs of the literals) when deciding.
    pub fn set_phases(&mut self, lits: &[i32]) -> Result<()> {
        for l in self.phase_lits(lits)? {
            self.phases.set_user(l.var(), !l.is_negated());
        }
        Ok(())
    }

    /// The literals of a phase call, all checked before any is used.
    fn phase_lits(&mut self, lits: &[i32]) -> Result<Vec<Lit>> {
        if let Some(&d) = lits
            .iter()
            .find(|&&d| d == 0 || d == i32::MIN || d.abs() > MAX_VAR)
        {
            return Err(ClewError::InvalidLiteral(format!(
                "invalid phase literal {d} (literals are non-zero integers with |lit| <= {MAX_VAR})"
            )));
        }
        self.import_lits(lits)
    }

    /// Seed the saved phases with these polarities: the first decisions
    /// follow them, phase saving then overwrites them (NeuroBack's
    /// "initial" mode; see `SolverOptions::rephase_to_initial`).
    pub fn seed_phases(&mut self, lits: &[i32]) -> Result<()> {
        for l in self.phase_lits(lits)? {
            self.phases.seed(l.var(), !l.is_negated());
        }
        Ok(())
    }

    pub fn clear_phases(&mut self) {
        self.phases.clear_user();
    }

    /// Set the decision score of variable `var` (1-based); higher is
    /// branched on first.
    pub fn set_activity(&mut self, var: i32, activity: f64) -> Result<()> {
        if var <= 0 || !activity.is_finite() {
            return Err(ClewError::InvalidInput(format!(
                "set_activity needs a positive variable and a finite score (got {var}, {activity})"
            )));
        }
        let l = self.import_lit(var)?;
        self.order.set_activity(l.var(), activity);
        Ok(())
    }

    /// Solve under assumptions within `limits`.
    pub fn solve(&mut self, assumptions: &[i32], limits: Limits) -> Result<SolveResult> {
        self.solve_with(assumptions, limits, &mut || false)
    }

    /// Like `solve`, also calling `terminate` every few milliseconds of
    /// search; it returning true stops the search (`StopReason::Terminated`).
    pub fn solve_with(
        &mut self,
        assumptions: &[i32],
        limits: Limits,
        terminate: &mut dyn FnMut() -> bool,
    ) -> Result<SolveResult> {
        let assumed = self.import_lits(assumptions)?;
        self.invalidate_answers();
        self.assumptions = assumed;
        let start = Instant::now();
        self.stats.solves += 1;
        let budget = Budget::start(limits, self.stats.conflicts, self.stats.propagations);
        self.stored_recount = true;
        self.decision_stop = self
            .decision_limit
            .map_or(u64::MAX, |d| self.stats.decisions.saturating_add(d));
        if self.ok && self.inprocess_due_at_solve() && !self.inprocess() {
            self.set_unsat_at_level_zero();
        }
        self.vmtf_on = match self.opts.vmtf {
            0 => false,
            1 => true,
            _ => !self.uniform_clause_length(),
        };
        let result = if !self.ok {
            SolveResult::Unsat
        } else {
            self.search(&budget, terminate)
        };
        match result {
            SolveResult::Sat => {
                self.model.clear();
                self.model
                    .extend((0..self.num_vars).map(|v| self.vals[2 * v]));
                self.extend_model();
                self.has_model = true;
            }
            SolveResult::Unsat => self.has_core = self.ok,
            SolveResult::Unknown(_) => {}
        }
        self.cancel_until(0);
        self.stats.solve_seconds += start.elapsed().as_secs_f64();
        if let Some(p) = self.proof.as_mut() {
            p.flush()?;
        }
        if let Some(e) = self.take_propagator_error() {
            self.has_model = false;
            self.has_core = false;
            return Err(e);
        }
        Ok(result)
    }

    /// Do all live irredundant clauses have one length, 3 or more (the
    /// shape of uniform random k-SAT)?
    fn uniform_clause_length(&self) -> bool {
        let mut lengths = self
            .db
            .originals
            .iter()
            .filter(|&&c| !self.db.is_deleted(c))
            .map(|&c| self.db.len(c));
        match lengths.next() {
            Some(k) if k >= 3 => lengths.all(|n| n == k),
            _ => false,
        }
    }

    /// After `Sat`: the model as signed DIMACS literals for variables 1..=n.
    pub fn model(&self) -> Option<Vec<i32>> {
        self.has_model.then(|| {
            self.model
                .iter()
                .enumerate()
                .map(|(v, &x)| {
                    if x == FALSE {
                        -(v as i32 + 1)
                    } else {
                        v as i32 + 1
                    }
                })
                .collect()
        })
    }

    /// After `Sat`: the value of a DIMACS literal in the model.
    pub fn model_value(&self, lit: i32) -> Option<bool> {
        if !self.has_model || lit == 0 {
            return None;
        }
        let v = lit.unsigned_abs() as usize - 1;
        let x = *self.model.get(v)?;
        Some((x == TRUE) == (lit > 0))
    }

    /// After `Unsat` under assumptions: the failed assumptions, a subset of
    /// those given (empty when the formula itself is unsatisfiable: `None`).
    pub fn core(&self) -> Option<Vec<i32>> {
        if !self.has_core {
            return None;
        }
        let mut out: Vec<i32> = self.core.iter().map(|l| l.to_dimacs()).collect();
        out.sort_unstable_by_key(|d| (d.unsigned_abs(), *d));
        out.dedup();
        Some(out)
    }

    /// Propagate the assumptions, each at a new decision level, without
    /// searching (PySAT's `propagate`). Returns (no conflict, the literals
    /// assigned from the first new level on, assumptions included; on a
    /// conflict the conflicting clause's first literal, a false one, is
    /// appended, as MiniSat does). A connected propagator takes part as in
    /// the search: native AtMostK constraints propagate here as in MiniCard,
    /// and a user propagator is told the assignments, asked for implied
    /// literals and for its clauses, as PySAT's CaDiCaL 1.9.5 does (a clause
    /// that propagates below the current level backtracks there, and the
    /// assumptions after it are assigned again). `save_phases` keeps the
    /// polarities seen as saved phases.
    pub fn propagate_assumptions(
        &mut self,
        assumptions: &[i32],
        save_phases: bool,
    ) -> Result<(bool, Vec<i32>)> {
        // Elimination keeps satisfiability, not implications: bring every
        // variable back so the answer is complete.
        self.reactivate_all();
        let assumed = self.import_lits(assumptions)?;
        self.invalidate_answers();
        // What the formula implies alone is fixed at level 0 first (as
        // MiniCard propagates its constraints when they are added).
        let outcome = if self.ok {
            self.propagate_assumed(&assumed)
        } else {
            Ok((false, None))
        };
        let (ok, conflict) = match outcome {
            Ok(answer) => answer,
            Err(e) => {
                self.backtrack(0, save_phases);
                return Err(e);
            }
        };
        let mut implied = Vec::new();
        if self.decision_level() > 0 {
            implied.extend(
                self.trail[self.trail_lim[0]..]
                    .iter()
                    .map(|l| l.to_dimacs()),
            );
            if let Some(c) = conflict {
                implied.push(self.db.lits(c)[0].to_dimacs());
            }
            self.backtrack(0, save_phases);
        }
        Ok((ok, implied))
    }

    /// `propagate_assumptions`'s loop: (no conflict, the conflict if any).
    fn propagate_assumed(&mut self, assumed: &[Lit]) -> Result<(bool, Option<CRef>)> {
        // opened[k]: the assumption that opened level k + 1.
        let mut opened: Vec<usize> = Vec::new();
        let mut i = 0;
        let mut fixpoint = self.propagate_with_propagator()?;
        loop {
            match fixpoint {
                Fixpoint::Unsat => return Ok((false, None)),
                Fixpoint::Conflict(_) if self.decision_level() == 0 => {
                    self.set_unsat_at_level_zero();
                    return Ok((false, None));
                }
                Fixpoint::Conflict(c) => return Ok((false, Some(c))),
                Fixpoint::Done => {}
            }
            // A propagator's clause may have backtracked: assume again.
            let level = self.decision_level() as usize;
            if level < opened.len() {
                i = opened[level];
                opened.truncate(level);
            }
            let Some(&p) = assumed.get(i) else {
                return Ok((true, None));
            };
            i += 1;
            match self.vals[p.index()] {
                FALSE => return Ok((false, None)),
                TRUE => {}
                _ => {
                    opened.push(i - 1);
                    self.open_level();
                    self.assign(p, CREF_NONE);
                    fixpoint = self.propagate_with_propagator()?;
                }
            }
        }
    }

    // ----- the search ---------------------------------------------------

    #[inline]
    pub(super) fn decision_level(&self) -> u32 {
        self.trail_lim.len() as u32
    }

    pub(super) fn new_decision_level(&mut self) {
        self.trail_lim.push(self.trail.len());
        if self.lbd_stamps.len() <= self.trail_lim.len() {
            self.lbd_stamps.resize(self.trail_lim.len() + 1, 0);
        }
    }

    pub(super) fn assumption_count(&self) -> usize {
        self.assumptions.len()
    }

    fn invalidate_answers(&mut self) {
        self.has_model = false;
        self.has_core = false;
    }

    pub(super) fn cancel_until(&mut self, level: u32) {
        self.backtrack(level, true);
    }

    pub(super) fn backtrack(&mut self, level: u32, save_phases: bool) {
        if self.decision_level() <= level {
            return;
        }
        let start = self.trail_lim[level as usize];
        if self.chrono_on {
            // Out-of-order literals of levels <= `level` stay, in trail
            // order, and are propagated again (CaDiCaL's `backtrack`).
            let mut j = start;
            for i in start..self.trail.len() {
                let l = self.trail[i];
                let v = l.var();
                if self.level[v.index()] <= level {
                    self.trail_pos[v.index()] = j as u32;
                    self.trail[j] = l;
                    j += 1;
                    continue;
                }
                self.unassign(l, save_phases);
            }
            self.trail.truncate(j);
        } else {
            for i in (start..self.trail.len()).rev() {
                self.unassign(self.trail[i], save_phases);
            }
            self.trail.truncate(start);
        }
        self.trail_lim.truncate(level as usize);
        self.qhead = self.qhead.min(start);
        if self.ext.is_some() {
            self.ext_backtrack(level, start);
        }
        if let Some(log) = self.log.as_mut() {
            log.trail_cut(self.trail.len());
        }
    }

    #[inline]
    fn unassign(&mut self, l: Lit, save_phases: bool) {
        self.vals[l.index()] = UNASSIGNED;
        self.vals[(!l).index()] = UNASSIGNED;
        if save_phases {
            self.phases.save(l.var(), !l.is_negated());
        }
        self.make_decidable(l.var());
    }

    /// `v` is a decision candidate again (unassigned or reactivated): both
    /// heuristics must offer it, whichever mode comes next.
    #[inline]
    pub(super) fn make_decidable(&mut self, v: Var) {
        self.order.insert(v);
        self.queue.unassigned(v);
    }

    pub(super) fn set_unsat_at_level_zero(&mut self) {
        self.ok = false;
        if let Some(p) = self.proof.as_mut() {
            p.add(&[]);
        }
    }

    fn search(&mut self, budget: &Budget, terminate: &mut dyn FnMut() -> bool) -> SolveResult {
        // An interrupt set before the call stops it before any work, as
        // MiniSat's does (otherwise an easy formula would be solved first).
        if self.interrupt.is_set() {
            return SolveResult::Unknown(StopReason::Interrupted);
        }
        let mut ticks: u64 = 0;
        loop {
            let mut conflict = self.propagate();
            if self.ext.is_some() {
                match self.ext_step(conflict) {
                    ExtStep::Done => {}
                    ExtStep::Conflict(c) => conflict = c,
                    ExtStep::Repeat => continue,
                    ExtStep::Unsat => return SolveResult::Unsat,
                    ExtStep::Failed => return SolveResult::Unknown(StopReason::Terminated),
                }
            }
            if self.log.is_some() {
                self.log_propagation(conflict);
            }
            if conflict != CREF_NONE {
                self.stats.conflicts += 1;
                if self.decision_level() == 0 {
                    self.set_unsat_at_level_zero();
                    return SolveResult::Unsat;
                }
                let conflict_level = if self.chrono_on {
                    let (level, forced) = self.conflict_level(conflict);
                    if level == 0 {
                        self.set_unsat_at_level_zero();
                        return SolveResult::Unsat;
                    }
                    self.update_target_and_best(level);
                    if forced {
                        // Only one literal at the top level: the clause
                        // is unit below it, a missed lower implication.
                        self.backtrack(level - 1, true);
                        let l = self.db.lits(conflict)[0];
                        let at = self.implied_level(conflict);
                        self.assign_at(l, conflict, at);
                        continue;
                    }
                    self.backtrack(level, true);
                    level
                } else {
                    let level = self.decision_level();
                    self.update_target_and_best(level);
                    level
                };
                debug_assert_eq!(conflict_level, self.decision_level());
                if self.ext.is_some() && !self.explain_conflict(conflict) {
                    if self.ext_failed() {
                        return SolveResult::Unknown(StopReason::Terminated);
                    }
                    if !self.ok {
                        return SolveResult::Unsat;
                    }
                    continue;
                }
                self.learn_from(conflict);
                if self.stats.conflicts >= self.reduce.next {
                    self.reduce.interval += self.reduce.increment;
                    self.reduce.next = self.stats.conflicts + self.reduce.interval;
                    self.reduce_db();
                    self.vivify_due = self.opts.vivify
                        && self.log.is_none()
                        && self.stats.conflicts >= self.next_vivify;
                    self.simp.reductions += 1;
                }
                if self.interrupt.is_set() {
                    return SolveResult::Unknown(StopReason::Interrupted);
                }
                ticks += 16;
            } else {
                ticks += 1;
                if let Some(reason) =
                    budget.counts_exhausted(self.stats.conflicts, self.stats.propagations)
                {
                    return SolveResult::Unknown(reason);
                }
                if self.stats.decisions >= self.decision_stop {
                    return SolveResult::Unknown(StopReason::Decisions);
                }
                if ticks >= 4096 {
                    ticks = 0;
                    if let Some(reason) =
                        budget.exhausted(self.stats.conflicts, self.stats.propagations)
                    {
                        return SolveResult::Unknown(reason);
                    }
                    if self.interrupt.is_set() {
                        return SolveResult::Unknown(StopReason::Interrupted);
                    }
                    if terminate() {
                        return SolveResult::Unknown(StopReason::Terminated);
                    }
                }
                if self.vivify_due {
                    self.vivify_due = false;
                    if !self.vivify() {
                        return SolveResult::Unsat;
                    }
                }
                if self.opts.stable && self.mode_switch_due() {
                    self.switch_mode();
                }
                if self.restarts.should_restart() {
                    self.restarts.restarted();
                    self.stats.restarts += 1;
                    // A logged search restarts to level 0, as its trace says.
                    let level = if self.opts.reuse_trail && self.log.is_none() {
                        self.reuse_trail_level()
                    } else {
                        0
                    };
                    self.stats.reused_levels += level as u64;
                    self.cancel_until(level);
                    if let Some(log) = self.log.as_mut() {
                        log.push(Event::Restart);
                    }
                }
                if self.inprocess_due_in_search() {
                    self.cancel_until(0);
                    if !self.inprocess() {
                        self.set_unsat_at_level_zero();
                        return SolveResult::Unsat;
                    }
                    continue;
                }
                if self.opts.rephase && self.stats.conflicts >= self.next_rephase {
                    self.rephase();
                }
                if self.decision_level() == 0
                    && self.trail.len() > self.simplified_at
                    && self.stats.propagations >= self.next_simplify_propagations
                {
                    self.simplify();
                }
                match self.decide() {
                    Decision::Made => {}
                    Decision::AllAssigned if self.ext.is_some() => match self.ext_check_model() {
                        ExtStep::Done => return SolveResult::Sat,
                        ExtStep::Unsat => return SolveResult::Unsat,
                        ExtStep::Failed => return SolveResult::Unknown(StopReason::Terminated),
                        ExtStep::Conflict(_) | ExtStep::Repeat => {}
                    },
                    Decision::AllAssigned => return SolveResult::Sat,
                    Decision::AssumptionFailed(p) => {
                        if self.ext.is_some() && !self.ext_explain(&[p]) {
                            if self.ext_failed() {
                                return SolveResult::Unknown(StopReason::Terminated);
                            }
                            self.ext_assert_units();
                            if !self.ok {
                                return SolveResult::Unsat;
                            }
                            continue;
                        }
                        self.analyze_final(p);
                        return SolveResult::Unsat;
                    }
                }
                if self.ext_failed() {
                    return SolveResult::Unknown(StopReason::Terminated);
                }
            }
        }
    }

    /// Log what the last propagation implied, and its conflict.
    fn log_propagation(&mut self, conflict: CRef) {
        let Some(log) = self.log.as_mut() else { return };
        let (trail, trail_lim, level) = (&self.trail, &self.trail_lim, &self.level);
        log.implied(trail, |i| {
            let l = level[trail[i].var().index()];
            l > 0 && trail_lim[l as usize - 1] == i
        });
        if conflict != CREF_NONE {
            let clause = self
                .db
                .lits(conflict)
                .iter()
                .map(|l| l.to_dimacs())
                .collect();
            log.push(Event::Conflict { clause });
        }
    }

    /// With a propagator: explain the conflict's implied literals; false
    /// when the conflict was dropped (a unit reason, or a failed callback).
    fn explain_conflict(&mut self, conflict: CRef) -> bool {
        let seeds = self.db.lits(conflict).to_vec();
        if self.ext_explain(&seeds) {
            return true;
        }
        if !self.ext_failed() {
            self.ext_assert_units();
        }
        false
    }

    fn learn_from(&mut self, conflict: CRef) {
        let trail_at_conflict = self.trail.len();
        let (backjump, lbd) = self.analyze(conflict);
        if let Some(log) = self.log.as_mut() {
            log.push(Event::Learn {
                clause: self.learnt.iter().map(|l| l.to_dimacs()).collect(),
                backjump,
                lbd,
            });
        }
        let current = self.decision_level();
        // Units always go to level 0, which keeps level 0 a trail prefix
        // whenever the search stops at a decision.
        if self.chrono_on && self.learnt.len() > 1 && current - backjump > self.opts.chrono {
            self.stats.chrono_backtracks += 1;
            self.cancel_until(current - 1);
        } else {
            self.cancel_until(backjump);
        }
        if let Some(p) = self.proof.as_mut() {
            p.add(&self.learnt);
        }
        let asserting = self.learnt[0];
        if self.learnt.len() == 1 {
            self.stats.learnt_units += 1;
            self.assign(asserting, CREF_NONE);
        } else {
            let c = self.db.alloc(&self.learnt, true, lbd);
            self.watches.attach(&self.db, c);
            self.bump_clause(c);
            self.stats.learnt_clauses += 1;
            self.assign_at(asserting, c, backjump);
        }
        self.restarts.on_conflict(lbd, trail_at_conflict);
        // Like CaDiCaL, only the heuristic in use learns from conflicts.
        if !self.use_vmtf() {
            self.order.decay_all();
        }
        self.clause_increment /= self.opts.clause_decay as f32;
    }

    /// Remember the trail below `conflict_level` (conflict-free) as target
    /// and best phase when it is the longest yet.
    fn update_target_and_best(&mut self, conflict_level: u32) {
        let use_target = self.use_target_phases();
        if !use_target && !self.opts.rephase {
            return;
        }
        let prefix = self.trail_lim[conflict_level as usize - 1];
        if prefix > self.phases.target_assigned || prefix > self.phases.best_assigned {
            let (trail, phases) = (&self.trail, &mut self.phases);
            phases.update_target_and_best(&trail[..prefix], self.opts.rephase);
        }
    }

    #[inline]
    pub(super) fn use_target_phases(&self) -> bool {
        self.opts.target == 2 || (self.opts.target == 1 && (self.stable_mode || self.native_atmost))
    }

    fn mode_switch_due(&self) -> bool {
        if self.mode_ticks == 0 {
            self.stats.conflicts >= self.mode_limit
        } else {
            self.stats.propagations >= self.mode_limit
        }
    }

    /// Focused <-> stable. Phases are measured in propagations (a proxy for
    /// CaDiCaL's ticks) so both modes get similar time: each gets as many
    /// as the first focused phase took, doubling after every stable phase.
    fn switch_mode(&mut self) {
        if self.mode_ticks == 0 {
            self.mode_ticks = self.stats.propagations.max(1);
        }
        self.stats.mode_switches += 1;
        self.stable_mode = !self.stable_mode;
        let doublings = (self.stats.mode_switches / 2).min(40) as u32;
        self.mode_limit = self.stats.propagations + (self.mode_ticks << doublings);
        self.restarts.set_stable(self.stable_mode);
        self.order.decay = if self.stable_mode {
            self.opts.stable_var_decay
        } else {
            self.opts.var_decay
        };
        self.phases.reset_target();
        self.cancel_until(0);
    }

    fn rephase(&mut self) {
        self.stats.rephases += 1;
        self.cancel_until(0);
        let kind = self.phases.next_rephase(self.opts.walk);
        if kind == Rephase::Walk {
            let since = self.stats.propagations - self.walked_at_propagations;
            let budget =
                (since.saturating_mul(self.opts.walk_effort) / 1000).max(2 * self.db.size() as u64);
            self.walk(budget);
            self.walked_at_propagations = self.stats.propagations;
        }
        self.phases.rephase(kind, self.opts.rephase_to_initial);
        self.next_rephase =
            self.stats.conflicts + self.opts.rephase_interval * (self.stats.rephases + 1);
    }

    fn decide(&mut self) -> Decision {
        while (self.decision_level() as usize) < self.assumptions.len() {
            let p = self.assumptions[self.decision_level() as usize];
            match self.vals[p.index()] {
                TRUE => self.open_level(),
                FALSE => return Decision::AssumptionFailed(p),
                _ => {
                    self.open_level();
                    self.assign(p, CREF_NONE);
                    return Decision::Made;
                }
            }
        }
        let external = if self.ext.is_some() {
            self.ext_decide()
        } else {
            None
        };
        match external.or_else(|| self.pick_branch_lit()) {
            None => Decision::AllAssigned,
            Some(l) => {
                self.stats.decisions += 1;
                self.open_level();
                self.assign(l, CREF_NONE);
                if let Some(log) = self.log.as_mut() {
                    log.push(Event::Decide {
                        level: self.trail_lim.len() as u32,
                        lit: l.to_dimacs(),
                    });
                }
                Decision::Made
            }
        }
    }

    /// A decision level of the search (the propagator hears of it).
    fn open_level(&mut self) {
        if self.ext.is_some() {
            self.ext_new_level();
        }
        self.new_decision_level();
    }

    pub(super) fn bump_clause(&mut self, c: CRef) {
        let a = self.db.activity(c) + self.clause_increment;
        self.db.set_activity(c, a);
        if a > 1e20 {
            for i in 0..self.db.learnts.len() {
                let l = self.db.learnts[i];
                let scaled = self.db.activity(l) * 1e-20;
                self.db.set_activity(l, scaled);
            }
            self.clause_increment *= 1e-20;
        }
    }

    /// Delete a clause, recording the deletion in the proof.
    pub(super) fn delete_clause(&mut self, c: CRef) {
        if let Some(p) = self.proof.as_mut() {
            p.delete(self.db.lits(c));
        }
        self.db.delete(c);
        self.stats.deleted_clauses += 1;
    }

    /// Write level-0 implied literals to the proof as unit clauses, so that
    /// deleting their reason clauses later keeps the proof checkable.
    pub(super) fn log_units_to_proof(&mut self) {
        if let Some(p) = self.proof.as_mut() {
            let end = if self.trail_lim.is_empty() {
                self.trail.len()
            } else {
                self.trail_lim[0]
            };
            for &l in &self.trail[self.proof_units_logged.min(end)..end] {
                p.add(&[l]);
            }
            self.proof_units_logged = end;
        }
    }

    /// At level 0: remove clauses satisfied by level-0 assignments
    /// (MiniSat's `simplify`).
    fn simplify(&mut self) {
        debug_assert_eq!(self.decision_level(), 0);
        self.stats.simplifications += 1;
        self.log_units_to_proof();
        for list in 0..2 {
            let n = if list == 0 {
                self.db.originals.len()
            } else {
                self.db.learnts.len()
            };
            for i in 0..n {
                let c = if list == 0 {
                    self.db.originals[i]
                } else {
                    self.db.learnts[i]
                };
                if !self.db.is_deleted(c)
                    && self.db.lits(c).iter().any(|l| self.vals[l.index()] == TRUE)
                {
                    self.delete_clause(c);
                }
            }
        }
        // Level-0 facts need no reasons any more.
        for i in 0..self.trail.len() {
            let v = self.trail[i].var().index();
            self.reason[v] = CREF_NONE;
        }
        self.db.prune_lists();
        let _ = self.collect_garbage_if_wasteful();
        self.watches.rebuild(&self.db);
        self.simplified_at = self.trail.len();
        self.next_simplify_propagations = self.stats.propagations + self.db.size() as u64;
    }

    /// Compact the arena when a fifth of it is dead, relocating reasons.
    /// Returns the old arena when it compacted (for `Watches::relocate`).
    pub(super) fn collect_garbage_if_wasteful(&mut self) -> Option<Vec<Lit>> {
        if self.db.wasted() * 5 < self.db.size() {
            return None;
        }
        self.stats.garbage_collections += 1;
        let old = self.db.collect_garbage();
        for i in 0..self.trail.len() {
            let v = self.trail[i].var().index();
            let r = self.reason[v];
            if r != CREF_NONE && r != CREF_EXTERNAL {
                let moved = relocate_in(&old, r);
                debug_assert!(moved != CREF_NONE, "a reason clause was deleted");
                self.reason[v] = moved;
            }
        }
        Some(old)
    }
}

enum Decision {
    Made,
    AllAssigned,
    AssumptionFailed(Lit),
}

/// Check a model (signed literals, any order) against clauses.
pub fn model_satisfies(clauses: &[Vec<i32>], model: &[i32]) -> bool {
    let n = model
        .iter()
        .map(|l| l.unsigned_abs() as usize)
        .max()
        .unwrap_or(0);
    let mut value = vec![0i8; n + 1];
    for &l in model {
        value[l.unsigned_abs() as usize] = if l > 0 { 1 } else { -1 };
    }
    clauses.iter().all(|c| {
        c.iter().any(|&l| {
            let v = l.unsigned_abs() as usize;
            v <= n && value[v] == if l > 0 { 1 } else { -1 }
        })
    })
}
