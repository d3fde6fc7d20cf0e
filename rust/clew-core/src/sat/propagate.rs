//! Unit propagation over the watch lists (MiniSat's loop with blocking
//! literals; binary clauses resolved from the watcher alone).
//!
//! This is the hot loop (80%+ of the run time), so the literal values and
//! the clause arena are read without bounds checks. The invariants that
//! make this sound: every literal in a clause or on the trail was imported
//! through `Solver::import_lit`, which grows `vals` to cover it, and every
//! watcher's `CRef` points at a live clause header (watches are rebuilt
//! whenever the arena is compacted).

use super::clause_db::{CRef, CREF_NONE, DELETED, HEADER};
use super::lit::{Lit, FALSE, TRUE};
use super::solver::Solver;
use super::watch::Watcher;

impl Solver {
    /// Make `lit` true at the current decision level with `reason` (or
    /// `CREF_NONE` for decisions and assumptions).
    #[inline]
    pub(super) fn assign(&mut self, lit: Lit, reason: CRef) {
        self.assign_at(lit, reason, self.trail_lim.len() as u32);
    }

    /// Like `assign`, at an explicit level: with chronological backtracking
    /// an implied literal takes the highest level of its reason's other
    /// literals, which may be below the current decision level.
    #[inline]
    pub(super) fn assign_at(&mut self, lit: Lit, reason: CRef, level: u32) {
        debug_assert_eq!(self.vals[lit.index()], 0);
        let v = lit.var().index();
        self.vals[lit.index()] = TRUE;
        self.vals[(!lit).index()] = FALSE;
        self.level[v] = level;
        self.reason[v] = reason;
        self.trail_pos[v] = self.trail.len() as u32;
        self.trail.push(lit);
    }

    /// Propagate everything on the trail after `qhead`. Returns the
    /// conflicting clause or `CREF_NONE`.
    pub(super) fn propagate(&mut self) -> CRef {
        let mut conflict = CREF_NONE;
        let (chrono, lazy) = (self.chrono_on, self.opts.lazy_detach);
        while self.qhead < self.trail.len() {
            let p = self.trail[self.qhead];
            self.qhead += 1;
            self.stats.propagations += 1;
            let false_lit = !p;
            let mut ws = self.watches.take(false_lit);
            let n = ws.len();
            let (mut i, mut j) = (0, 0);
            while i < n {
                // SAFETY: i < n = ws.len() and j <= i.
                let w = unsafe { *ws.get_unchecked(i) };
                i += 1;
                let blocker_value = self.value(w.blocker);
                if blocker_value == TRUE {
                    unsafe { *ws.get_unchecked_mut(j) = w };
                    j += 1;
                    continue;
                }
                if w.is_binary() {
                    unsafe { *ws.get_unchecked_mut(j) = w };
                    j += 1;
                    if blocker_value == FALSE {
                        conflict = w.cref();
                        break;
                    }
                    let at = if chrono {
                        self.level[p.var().index()]
                    } else {
                        self.trail_lim.len() as u32
                    };
                    self.assign_at(w.blocker, w.cref(), at);
                    continue;
                }
                let c = w.cref() as usize;
                let arena = self.db.arena_mut();
                debug_assert!(c + HEADER + 2 <= arena.len());
                // SAFETY: `c` is a live clause header (module invariant), so
                // its size word and its `len >= 3` literals are in the arena.
                let len = unsafe { arena.get_unchecked(c).0 } as usize;
                // A clause `reduce_db` deleted: drop its watcher now.
                if lazy && unsafe { arena.get_unchecked(c + 1).0 } & DELETED != 0 {
                    continue;
                }
                let base = c + HEADER;
                let (mut first, second) =
                    unsafe { (*arena.get_unchecked(base), *arena.get_unchecked(base + 1)) };
                // Keep the false literal in slot 1.
                if first == false_lit {
                    first = second;
                    unsafe {
                        *arena.get_unchecked_mut(base) = second;
                        *arena.get_unchecked_mut(base + 1) = false_lit;
                    }
                }
                let kept = Watcher::new(c as CRef, first, false);
                let first_value = unsafe { *self.vals.get_unchecked(first.index()) };
                if first != w.blocker && first_value == TRUE {
                    unsafe { *ws.get_unchecked_mut(j) = kept };
                    j += 1;
                    continue;
                }
                let mut moved = false;
                for k in base + 2..base + len {
                    let l = unsafe { *arena.get_unchecked(k) };
                    if unsafe { *self.vals.get_unchecked(l.index()) } != FALSE {
                        unsafe {
                            *arena.get_unchecked_mut(base + 1) = l;
                            *arena.get_unchecked_mut(k) = false_lit;
                        }
                        self.watches.push(l, kept);
                        moved = true;
                        break;
                    }
                }
                if moved {
                    continue;
                }
                unsafe { *ws.get_unchecked_mut(j) = kept };
                j += 1;
                if first_value == FALSE {
                    conflict = c as CRef;
                    break;
                }
                // The falsified literal's level bounds the others' from
                // below; at the current level it is the maximum, so only
                // out-of-order literals need the scan over the clause.
                let current = self.trail_lim.len() as u32;
                let at = if chrono && self.level[p.var().index()] != current {
                    self.implied_level(c as CRef)
                } else {
                    current
                };
                self.assign_at(first, c as CRef, at);
            }
            // On conflict keep the watchers not yet visited.
            ws.copy_within(i..n, j);
            ws.truncate(j + (n - i));
            self.watches.put_back(false_lit, ws);
            if conflict != CREF_NONE {
                self.qhead = self.trail.len();
                break;
            }
        }
        conflict
    }

    #[inline(always)]
    pub(super) fn value(&self, l: Lit) -> i8 {
        debug_assert!(l.index() < self.vals.len());
        // SAFETY: every literal the solver holds was imported through
        // `import_lit`, which sizes `vals` to cover it.
        unsafe { *self.vals.get_unchecked(l.index()) }
    }
}
