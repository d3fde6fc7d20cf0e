//! The clause arena: every clause lives in one `Vec<Lit>` behind a
//! three-word header, addressed by its offset (`CRef`). Deleting marks the
//! clause and counts the waste; `collect_garbage` compacts the arena and
//! leaves forwarding addresses so reasons can be relocated.

use super::lit::Lit;

/// Offset of a clause header in the arena.
pub type CRef = u32;
/// No clause (decisions and level-0 facts have no reason).
pub const CREF_NONE: CRef = u32::MAX;

pub(super) const HEADER: usize = 3;
const LEARNT: u32 = 1;
pub(super) const DELETED: u32 = 2;
const RELOCATED: u32 = 4;
/// Set when conflict analysis touched the clause since the last reduction.
const USED: u32 = 8;
/// Set once vivification tried the clause (untried clauses go first).
const VIVIFIED: u32 = 16;
const LBD_SHIFT: u32 = 8;

#[derive(Default)]
pub struct ClauseDb {
    arena: Vec<Lit>,
    /// Words held by deleted clauses; compaction runs when it grows large.
    wasted: usize,
    /// Live original (problem) clauses.
    pub originals: Vec<CRef>,
    /// Live learnt clauses.
    pub learnts: Vec<CRef>,
}

impl ClauseDb {
    pub fn alloc(&mut self, lits: &[Lit], learnt: bool, lbd: u32) -> CRef {
        let cref = self.arena.len() as CRef;
        self.arena.push(Lit(lits.len() as u32));
        self.arena.push(Lit(
            (lbd.min(1 << 23)) << LBD_SHIFT | if learnt { LEARNT } else { 0 }
        ));
        self.arena.push(Lit(0f32.to_bits()));
        self.arena.extend_from_slice(lits);
        if learnt {
            self.learnts.push(cref);
        } else {
            self.originals.push(cref);
        }
        cref
    }

    #[inline]
    pub fn len(&self, c: CRef) -> usize {
        self.arena[c as usize].0 as usize
    }
    #[inline]
    pub fn lits(&self, c: CRef) -> &[Lit] {
        let start = c as usize + HEADER;
        &self.arena[start..start + self.len(c)]
    }
    #[inline]
    pub fn lits_mut(&mut self, c: CRef) -> &mut [Lit] {
        let start = c as usize + HEADER;
        let len = self.len(c);
        &mut self.arena[start..start + len]
    }
    /// The whole arena, for the propagation loop's unchecked access.
    #[inline]
    pub(super) fn arena_mut(&mut self) -> &mut [Lit] {
        &mut self.arena
    }
    #[inline]
    fn flags(&self, c: CRef) -> u32 {
        self.arena[c as usize + 1].0
    }
    #[inline]
    fn set_flag(&mut self, c: CRef, flag: u32, on: bool) {
        let w = &mut self.arena[c as usize + 1].0;
        if on {
            *w |= flag
        } else {
            *w &= !flag
        }
    }
    #[inline]
    pub fn is_learnt(&self, c: CRef) -> bool {
        self.flags(c) & LEARNT != 0
    }
    #[inline]
    pub fn is_deleted(&self, c: CRef) -> bool {
        self.flags(c) & DELETED != 0
    }
    #[inline]
    pub fn lbd(&self, c: CRef) -> u32 {
        self.flags(c) >> LBD_SHIFT
    }
    pub fn set_lbd(&mut self, c: CRef, lbd: u32) {
        let w = &mut self.arena[c as usize + 1].0;
        *w = (*w & ((1 << LBD_SHIFT) - 1)) | (lbd.min(1 << 23) << LBD_SHIFT);
    }
    #[inline]
    pub fn is_used(&self, c: CRef) -> bool {
        self.flags(c) & USED != 0
    }
    #[inline]
    pub fn set_used(&mut self, c: CRef, used: bool) {
        self.set_flag(c, USED, used)
    }
    pub fn is_vivified(&self, c: CRef) -> bool {
        self.flags(c) & VIVIFIED != 0
    }
    pub fn set_vivified(&mut self, c: CRef) {
        self.set_flag(c, VIVIFIED, true)
    }
    #[inline]
    pub fn activity(&self, c: CRef) -> f32 {
        f32::from_bits(self.arena[c as usize + 2].0)
    }
    #[inline]
    pub fn set_activity(&mut self, c: CRef, a: f32) {
        self.arena[c as usize + 2] = Lit(a.to_bits());
    }

    /// Mark a clause deleted (the caller detaches its watches lazily: the
    /// propagator drops watchers of deleted clauses when it meets them, and
    /// garbage collection rebuilds the lists).
    pub fn delete(&mut self, c: CRef) {
        debug_assert!(!self.is_deleted(c));
        self.set_flag(c, DELETED, true);
        self.wasted += HEADER + self.len(c);
    }

    /// Keep the first `len` literals of `c` (the caller moved the kept ones
    /// there); the tail counts as waste until the next compaction.
    pub fn shrink(&mut self, c: CRef, len: usize) {
        let old = self.len(c);
        debug_assert!(len >= 2 && len <= old);
        self.arena[c as usize] = Lit(len as u32);
        self.wasted += old - len;
    }

    /// Forget deleted clauses in `originals` and `learnts`.
    pub fn prune_lists(&mut self) {
        let arena = &self.arena;
        let live = |c: &CRef| arena[*c as usize + 1].0 & DELETED == 0;
        self.originals.retain(live);
        self.learnts.retain(live);
    }

    pub fn wasted(&self) -> usize {
        self.wasted
    }
    pub fn size(&self) -> usize {
        self.arena.len()
    }

    /// Compact the arena: live clauses move to a fresh arena in order and the
    /// old header keeps the new address, so `relocate` maps old references.
    /// Returns the old arena for use by [`relocate_in`].
    pub fn collect_garbage(&mut self) -> Vec<Lit> {
        let mut fresh: Vec<Lit> = Vec::with_capacity(self.arena.len() - self.wasted);
        let mut old = std::mem::take(&mut self.arena);
        for list in [&mut self.originals, &mut self.learnts] {
            list.retain(|&c| old[c as usize + 1].0 & DELETED == 0);
            for c in list.iter_mut() {
                let start = *c as usize;
                let len = old[start].0 as usize;
                let new = fresh.len() as CRef;
                fresh.extend_from_slice(&old[start..start + HEADER + len]);
                old[start + 1].0 |= RELOCATED;
                old[start + 2] = Lit(new);
                *c = new;
            }
        }
        self.arena = fresh;
        self.wasted = 0;
        old
    }
}

/// Where a clause moved in the last `collect_garbage`, or `CREF_NONE` if it
/// was deleted.
pub fn relocate_in(old: &[Lit], c: CRef) -> CRef {
    if c == CREF_NONE || old[c as usize + 1].0 & RELOCATED == 0 {
        CREF_NONE
    } else {
        old[c as usize + 2].0
    }
}
