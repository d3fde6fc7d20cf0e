//! Phase selection: saved phases (phase saving), target and best phases
//! (CaDiCaL/Kissat), rephasing, and caller-given phases that take
//! precedence over all of them (PySAT's `set_phases`; the GNN phase
//! predictor plugs in here), and seeded phases: initial saved phases that
//! phase saving then overwrites (NeuroBack's "initial" mode), to which an
//! "original" rephase may return (`rephase_to_initial`).
//!
//! Target phase: the assignment of the longest conflict-free trail prefix
//! since the last rephase, used for decisions in stable mode (it steers the
//! search back to the largest consistent partial assignment seen). Best
//! phase: the same, but kept until a rephase to "best" copies it into the
//! saved phases.

use super::lit::{Lit, Var};

#[derive(Default)]
pub struct Phases {
    /// Last polarity of each variable (true = positive); starts negative as in MiniSat.
    saved: Vec<bool>,
    /// Caller's phase: 1 positive, -1 negative, 0 none.
    user: Vec<i8>,
    /// Seeded initial phase: 1 positive, -1 negative, 0 none (negative).
    initial: Vec<i8>,
    /// Target phase: 1 positive, -1 negative, 0 none.
    target: Vec<i8>,
    best: Vec<i8>,
    /// Length of the trail prefix `target`/`best` were taken from.
    pub target_assigned: usize,
    pub best_assigned: usize,
    /// Rephases done (picks the next kind in the cycle).
    pub rephased: u64,
}

/// What a rephase resets the saved phases to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rephase {
    /// The initial phase (negative, as in MiniSat; the seeded phase
    /// instead where one was seeded, with `rephase_to_initial`).
    Original,
    Inverted,
    Best,
    /// Local search from the saved phases (`Solver::walk`); the phases
    /// module itself leaves the saved phases to the walker.
    Walk,
}

impl Phases {
    pub fn grow_to(&mut self, num_vars: usize) {
        self.saved.resize(num_vars, false);
        self.user.resize(num_vars, 0);
        self.initial.resize(num_vars, 0);
        self.target.resize(num_vars, 0);
        self.best.resize(num_vars, 0);
    }

    #[inline]
    pub fn preferred(&self, v: Var, use_target: bool) -> bool {
        match self.user[v.index()] {
            0 => {
                if use_target {
                    match self.target[v.index()] {
                        0 => self.saved[v.index()],
                        t => t > 0,
                    }
                } else {
                    self.saved[v.index()]
                }
            }
            u => u > 0,
        }
    }

    #[inline]
    pub fn save(&mut self, v: Var, positive: bool) {
        self.saved[v.index()] = positive;
    }

    pub fn set_user(&mut self, v: Var, positive: bool) {
        self.user[v.index()] = if positive { 1 } else { -1 };
    }

    /// Seed the saved phase (phase saving may overwrite it); the latest
    /// call decides, so this also drops a caller's phase for `v`.
    pub fn seed(&mut self, v: Var, positive: bool) {
        self.saved[v.index()] = positive;
        self.initial[v.index()] = if positive { 1 } else { -1 };
        self.user[v.index()] = 0;
    }

    pub fn clear_user(&mut self) {
        self.user.iter_mut().for_each(|u| *u = 0);
    }

    /// `prefix` is a conflict-free trail prefix: remember it as the target
    /// (and best) phase when it is the longest seen.
    pub fn update_target_and_best(&mut self, prefix: &[Lit], track_best: bool) {
        let n = prefix.len();
        if n > self.target_assigned {
            for l in prefix {
                self.target[l.var().index()] = if l.is_negated() { -1 } else { 1 };
            }
            self.target_assigned = n;
        }
        if track_best && n > self.best_assigned {
            for l in prefix {
                self.best[l.var().index()] = if l.is_negated() { -1 } else { 1 };
            }
            self.best_assigned = n;
        }
    }

    /// Forget the target (a new search mode or rephase starts afresh).
    pub fn reset_target(&mut self) {
        self.target_assigned = 0;
        self.target.iter_mut().for_each(|t| *t = 0);
    }

    /// The kind of the next rephase, CaDiCaL's cycles: without walking
    /// B O B I B O B I ..., with it B W O B W I ...
    pub fn next_rephase(&mut self, walk: bool) -> Rephase {
        let k = self.rephased;
        self.rephased += 1;
        if walk {
            return match k % 6 {
                0 | 3 => Rephase::Best,
                1 | 4 => Rephase::Walk,
                2 => Rephase::Original,
                _ => Rephase::Inverted,
            };
        }
        match k % 4 {
            0 | 2 => Rephase::Best,
            1 => Rephase::Original,
            _ => Rephase::Inverted,
        }
    }

    #[inline]
    pub fn saved(&self, v: Var) -> bool {
        self.saved[v.index()]
    }

    /// Reset the saved phases (and the target) as `kind` says; `to_initial`:
    /// `Original` goes back to the seeded phases.
    pub fn rephase(&mut self, kind: Rephase, to_initial: bool) {
        match kind {
            Rephase::Original if to_initial => {
                for (s, &i) in self.saved.iter_mut().zip(&self.initial) {
                    *s = i > 0;
                }
            }
            Rephase::Original => self.saved.iter_mut().for_each(|s| *s = false),
            Rephase::Inverted => self.saved.iter_mut().for_each(|s| *s = true),
            Rephase::Best => {
                for (s, &b) in self.saved.iter_mut().zip(&self.best) {
                    if b != 0 {
                        *s = b > 0;
                    }
                }
                self.best_assigned = 0;
            }
            Rephase::Walk => {}
        }
        self.reset_target();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn original_rephase_returns_to_seeded_phases_only_when_asked() {
        let mut p = Phases::default();
        p.grow_to(3);
        p.seed(Var(0), true);
        p.seed(Var(2), false);
        assert!(p.preferred(Var(0), false) && !p.preferred(Var(1), false));
        // Phase saving overwrites the seed.
        p.save(Var(0), false);
        p.save(Var(1), true);
        assert!(!p.preferred(Var(0), false));
        p.rephase(Rephase::Original, true);
        assert_eq!(
            [p.saved(Var(0)), p.saved(Var(1)), p.saved(Var(2))],
            [true, false, false]
        );
        p.rephase(Rephase::Original, false);
        assert!(!p.saved(Var(0)));
        // A caller's (sticky) phase wins over saved ones; seeding drops it.
        p.set_user(Var(1), true);
        p.save(Var(1), false);
        assert!(p.preferred(Var(1), false));
        p.seed(Var(1), false);
        assert!(!p.preferred(Var(1), false));
    }
}
