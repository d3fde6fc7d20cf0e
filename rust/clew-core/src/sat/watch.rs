//! Two watched literals with blocking literals. `watches[l]` lists the
//! clauses to visit when literal `l` becomes false. Binary clauses are
//! flagged in the watcher itself: the blocker is the other literal, so
//! propagating them never touches the arena.

use super::clause_db::{relocate_in, CRef, ClauseDb, CREF_NONE};
use super::lit::Lit;

const BINARY: u32 = 1 << 31;

#[derive(Copy, Clone, Debug)]
pub struct Watcher {
    /// A literal of the clause; if it is true the clause needs no visit.
    pub blocker: Lit,
    cref_and_flag: u32,
}

impl Watcher {
    #[inline]
    pub fn new(cref: CRef, blocker: Lit, binary: bool) -> Self {
        debug_assert!(cref & BINARY == 0, "clause arena exceeds 2^31 words");
        Watcher {
            blocker,
            cref_and_flag: cref | if binary { BINARY } else { 0 },
        }
    }
    #[inline]
    pub fn cref(self) -> CRef {
        self.cref_and_flag & !BINARY
    }
    #[inline]
    pub fn is_binary(self) -> bool {
        self.cref_and_flag & BINARY != 0
    }
}

#[derive(Default)]
pub struct Watches {
    lists: Vec<Vec<Watcher>>,
}

impl Watches {
    pub fn grow_to_vars(&mut self, num_vars: usize) {
        self.lists.resize_with(2 * num_vars, Vec::new);
    }

    /// Watch the first two literals of a clause (len >= 2).
    pub fn attach(&mut self, db: &ClauseDb, c: CRef) {
        let lits = db.lits(c);
        let binary = lits.len() == 2;
        let (a, b) = (lits[0], lits[1]);
        self.lists[a.index()].push(Watcher::new(c, b, binary));
        self.lists[b.index()].push(Watcher::new(c, a, binary));
    }

    #[inline]
    pub fn take(&mut self, l: Lit) -> Vec<Watcher> {
        std::mem::take(&mut self.lists[l.index()])
    }
    #[inline]
    pub fn put_back(&mut self, l: Lit, list: Vec<Watcher>) {
        self.lists[l.index()] = list;
    }
    #[inline]
    pub fn push(&mut self, l: Lit, w: Watcher) {
        self.lists[l.index()].push(w);
    }

    /// Stop watching clause `c` on literal `l` (a linear scan).
    pub fn remove(&mut self, l: Lit, c: CRef) {
        let list = &mut self.lists[l.index()];
        if let Some(k) = list.iter().position(|w| w.cref() == c) {
            list.swap_remove(k);
        }
    }

    /// Drop watchers of deleted clauses and move the others to where
    /// `collect_garbage` put their clauses (`old` is the arena it returned).
    pub fn relocate(&mut self, old: &[Lit]) {
        for list in &mut self.lists {
            list.retain_mut(|w| {
                let moved = relocate_in(old, w.cref());
                if moved == CREF_NONE {
                    return false;
                }
                *w = Watcher::new(moved, w.blocker, w.is_binary());
                true
            });
        }
    }

    /// Drop every watcher and re-attach all live clauses (after garbage
    /// collection, or after clauses were deleted in bulk). Any trail state
    /// is fine: watches depend only on the first two positions of each clause.
    pub fn rebuild(&mut self, db: &ClauseDb) {
        for l in &mut self.lists {
            l.clear();
        }
        for list in [&db.originals, &db.learnts] {
            for &c in list {
                if !db.is_deleted(c) {
                    self.attach(db, c);
                }
            }
        }
    }
}
