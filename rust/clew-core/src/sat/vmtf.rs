//! VMTF decisions (variable move-to-front: Ryan 2004; Biere and Fröhlich,
//! SAT'15), CaDiCaL's and Kissat's heuristic in focused mode. The variables
//! met in each conflict analysis move to the front of a queue, and the next
//! decision is the frontmost unassigned variable. A cached search position
//! (CaDiCaL's `queue.unassigned`) keeps every variable in front of it
//! assigned, which makes deciding O(1) amortised.

use super::lit::{Lit, Var};
use super::solver::Solver;

const NONE: u32 = u32::MAX;

#[derive(Clone, Copy)]
struct Link {
    prev: u32,
    next: u32,
}

/// The decision queue: a doubly linked list from the back (`first`) to the
/// front (`last`), ordered by enqueue time stamps.
pub struct Vmtf {
    links: Vec<Link>,
    /// When each variable was last moved to the front (CaDiCaL's `btab`):
    /// larger is nearer the front.
    stamp: Vec<u32>,
    first: u32,
    last: u32,
    clock: u32,
    /// Every variable in front of `search` is assigned or eliminated.
    search: u32,
    /// `stamp[search]` (0 when `search` is `NONE`), compared on every unassign.
    search_stamp: u32,
    /// Renumber all stamps when the clock reaches this.
    stamp_limit: u32,
}

impl Default for Vmtf {
    fn default() -> Self {
        Vmtf {
            links: Vec::new(),
            stamp: Vec::new(),
            first: NONE,
            last: NONE,
            clock: 0,
            search: NONE,
            search_stamp: 0,
            stamp_limit: u32::MAX,
        }
    }
}

impl Vmtf {
    /// New variables go to the front (as in CaDiCaL): in incremental use
    /// they belong to the clauses just added.
    pub fn grow_to(&mut self, num_vars: usize) {
        while self.links.len() < num_vars {
            let v = self.links.len() as u32;
            self.links.push(Link {
                prev: NONE,
                next: NONE,
            });
            self.stamp.push(0);
            self.enqueue(v);
            self.unassigned(Var(v));
        }
    }

    #[inline]
    pub fn stamp(&self, v: Var) -> u32 {
        self.stamp[v.index()]
    }

    fn dequeue(&mut self, v: u32) {
        let Link { prev, next } = self.links[v as usize];
        match prev {
            NONE => self.first = next,
            p => self.links[p as usize].next = next,
        }
        match next {
            NONE => self.last = prev,
            n => self.links[n as usize].prev = prev,
        }
    }

    /// Append `v` at the front with a fresh stamp.
    fn enqueue(&mut self, v: u32) {
        self.links[v as usize] = Link {
            prev: self.last,
            next: NONE,
        };
        match self.last {
            NONE => self.first = v,
            l => self.links[l as usize].next = v,
        }
        self.last = v;
        if self.clock == self.stamp_limit {
            self.renumber();
        }
        self.clock += 1;
        self.stamp[v as usize] = self.clock;
        if v == self.search {
            // Keep the cache exact: `unassigned` must never move the search
            // position backwards.
            self.search_stamp = self.clock;
        }
    }

    /// Stamps 1, 2, ... from the back, keeping the order (the clock would
    /// overflow otherwise).
    fn renumber(&mut self) {
        self.clock = 0;
        let mut v = self.first;
        while v != NONE {
            self.clock += 1;
            self.stamp[v as usize] = self.clock;
            v = self.links[v as usize].next;
        }
        if self.search != NONE {
            self.search_stamp = self.stamp[self.search as usize];
        }
    }

    /// `v` became unassigned (or decidable again): search from it if it is
    /// in front of the search position.
    #[inline]
    pub fn unassigned(&mut self, v: Var) {
        let s = self.stamp[v.index()];
        if s > self.search_stamp {
            self.search = v.0;
            self.search_stamp = s;
        }
    }

    /// Move `v` to the front; `free` says whether it is unassigned.
    pub fn move_to_front(&mut self, v: Var, free: bool) {
        if self.last != v.0 {
            self.dequeue(v.0);
            self.enqueue(v.0);
        }
        if free {
            self.unassigned(v);
        }
    }

    /// The frontmost variable that `free` accepts, at or behind the search
    /// position, which moves there.
    pub fn next(&mut self, free: impl Fn(Var) -> bool) -> Option<Var> {
        let mut v = self.search;
        while v != NONE && !free(Var(v)) {
            v = self.links[v as usize].prev;
        }
        self.search = v;
        if v == NONE {
            self.search_stamp = 0;
            None
        } else {
            self.search_stamp = self.stamp[v as usize];
            Some(Var(v))
        }
    }

    /// The variables from front to back (for tests and checks).
    #[cfg(test)]
    fn front_to_back(&self) -> Vec<u32> {
        let mut out = Vec::new();
        let mut v = self.last;
        while v != NONE {
            out.push(v);
            v = self.links[v as usize].prev;
        }
        out
    }
}

impl Solver {
    /// VMTF decides in focused mode (all the time without `stable`).
    #[inline]
    pub(super) fn use_vmtf(&self) -> bool {
        self.vmtf_on && !self.stable_mode
    }

    /// The next decision variable on the queue: unassigned, not eliminated.
    pub(super) fn next_on_queue(&mut self) -> Option<Var> {
        let (vals, simp) = (&self.vals, &self.simp);
        self.queue
            .next(|v| vals[Lit::new(v, false).index()] == 0 && !simp.is_eliminated(v))
    }

    /// Move the variables of the last analysis (`self.analyzed`) to the
    /// front, in the order of their old stamps so that they keep their
    /// relative order (CaDiCaL's `bump_variables`).
    pub(super) fn bump_analyzed_on_queue(&mut self) {
        let queue = &mut self.queue;
        self.analyzed.sort_unstable_by_key(|&v| queue.stamp(v));
        for &v in &self.analyzed {
            let free = self.vals[Lit::new(v, false).index()] == 0;
            queue.move_to_front(v, free);
        }
        self.analyzed.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(n: usize) -> Vmtf {
        let mut q = Vmtf::default();
        q.grow_to(n);
        q
    }

    #[test]
    fn new_variables_go_to_the_front() {
        let mut q = queue(4);
        assert_eq!(q.front_to_back(), [3, 2, 1, 0]);
        assert_eq!(q.next(|_| true), Some(Var(3)));
        q.grow_to(5);
        assert_eq!(q.next(|_| true), Some(Var(4)));
    }

    #[test]
    fn move_to_front_keeps_the_order_of_the_rest() {
        let mut q = queue(5);
        q.move_to_front(Var(1), false);
        q.move_to_front(Var(3), false);
        assert_eq!(q.front_to_back(), [3, 1, 4, 2, 0]);
        // Moving the front variable is a no-op.
        q.move_to_front(Var(3), false);
        assert_eq!(q.front_to_back(), [3, 1, 4, 2, 0]);
        let stamps: Vec<u32> = q.front_to_back().iter().map(|&v| q.stamp(Var(v))).collect();
        assert!(stamps.windows(2).all(|w| w[0] > w[1]), "{stamps:?}");
    }

    #[test]
    fn unassign_moves_the_search_position_forward() {
        let mut q = queue(5);
        // Assign 4, 3 and 2 (the front three): the search passes them.
        let assigned = [4u32, 3, 2];
        assert_eq!(q.next(|v| !assigned.contains(&v.0)), Some(Var(1)));
        // Unassigning 3 puts the search position in front again.
        q.unassigned(Var(3));
        assert_eq!(q.next(|v| v.0 != 4 && v.0 != 2), Some(Var(3)));
        // Unassigning a variable behind the position changes nothing.
        q.unassigned(Var(0));
        assert_eq!(q.next(|v| v.0 != 4 && v.0 != 2), Some(Var(3)));
        // Everything assigned: no decision; an unassign brings one back.
        assert_eq!(q.next(|_| false), None);
        q.unassigned(Var(2));
        assert_eq!(q.next(|v| v.0 == 2), Some(Var(2)));
        // A free variable moved to the front becomes the next decision.
        q.move_to_front(Var(0), true);
        assert_eq!(q.next(|_| true), Some(Var(0)));
    }

    #[test]
    fn stamps_are_renumbered_before_they_overflow() {
        let mut q = Vmtf {
            stamp_limit: 8,
            ..Vmtf::default()
        };
        q.grow_to(4);
        assert_eq!(q.next(|v| v.0 < 2), Some(Var(1)));
        for v in [0, 2, 1, 3, 0, 2, 1] {
            q.move_to_front(Var(v), false);
        }
        assert_eq!(q.front_to_back(), [1, 2, 0, 3]);
        let stamps: Vec<u32> = q.front_to_back().iter().map(|&v| q.stamp(Var(v))).collect();
        assert!(stamps.iter().all(|&s| s <= 8), "{stamps:?}");
        assert!(stamps.windows(2).all(|w| w[0] > w[1]), "{stamps:?}");
        // The cached search stamp followed the renumbering.
        assert_eq!(q.search_stamp, q.stamp(Var(q.search)));
        q.unassigned(Var(2));
        assert_eq!(q.next(|v| v.0 != 1), Some(Var(2)));
    }

    #[test]
    fn auto_uses_vsids_on_uniform_random_ksat_only() {
        use crate::budget::Limits;
        use crate::sat::random::random_ksat;
        use crate::sat::solver::SolverOptions;

        let vmtf_on = |clauses: &[Vec<i32>]| {
            let mut s = Solver::new(SolverOptions::parse("default,vmtf=auto").unwrap());
            for c in clauses {
                s.add_clause(c).unwrap();
            }
            s.solve(&[], Limits::UNLIMITED).unwrap();
            s.vmtf_on
        };
        let uniform = random_ksat(40, 150, 3, 7);
        assert!(!vmtf_on(&uniform));
        let mut mixed = uniform.clone();
        mixed.push(vec![1, -2]);
        assert!(vmtf_on(&mixed));
    }
}
