//! Decisions: EVSIDS scores in an indexed binary max-heap (VMTF, the
//! focused-mode alternative, is in vmtf.rs).

use super::lit::{Lit, Var};
use super::solver::Solver;

const RESCALE_LIMIT: f64 = 1e100;

/// Variable activities and the heap of decision candidates.
#[derive(Default)]
pub struct VarOrder {
    pub activity: Vec<f64>,
    /// Bump amount; grows by 1/decay per conflict (exponential VSIDS).
    pub increment: f64,
    pub decay: f64,
    heap: Vec<u32>,
    /// Position of each variable in `heap`, or `usize::MAX` if absent.
    position: Vec<usize>,
}

impl VarOrder {
    pub fn new(decay: f64) -> Self {
        VarOrder {
            increment: 1.0,
            decay,
            ..Default::default()
        }
    }

    pub fn grow_to(&mut self, num_vars: usize) {
        while self.activity.len() < num_vars {
            let v = self.activity.len() as u32;
            self.activity.push(0.0);
            self.position.push(usize::MAX);
            self.insert(Var(v));
        }
    }

    #[inline]
    pub fn contains(&self, v: Var) -> bool {
        self.position[v.index()] != usize::MAX
    }

    pub fn insert(&mut self, v: Var) {
        if self.contains(v) {
            return;
        }
        self.position[v.index()] = self.heap.len();
        self.heap.push(v.0);
        self.sift_up(self.heap.len() - 1);
    }

    pub fn peek(&self) -> Option<Var> {
        self.heap.first().map(|&v| Var(v))
    }

    pub fn pop_max(&mut self) -> Option<Var> {
        let top = *self.heap.first()?;
        let last = self.heap.pop().expect("non-empty heap");
        self.position[top as usize] = usize::MAX;
        if !self.heap.is_empty() {
            self.heap[0] = last;
            self.position[last as usize] = 0;
            self.sift_down(0);
        }
        Some(Var(top))
    }

    pub fn bump(&mut self, v: Var) {
        let a = &mut self.activity[v.index()];
        *a += self.increment;
        if *a > RESCALE_LIMIT {
            for x in &mut self.activity {
                *x *= 1.0 / RESCALE_LIMIT;
            }
            self.increment *= 1.0 / RESCALE_LIMIT;
        }
        if let Some(&pos) = self.position.get(v.index()).filter(|&&p| p != usize::MAX) {
            self.sift_up(pos);
        }
    }

    pub fn decay_all(&mut self) {
        self.increment /= self.decay;
    }

    /// Replace scores wholesale (activity hints) and rebuild the heap.
    pub fn set_activity(&mut self, v: Var, value: f64) {
        self.activity[v.index()] = value;
        if self.contains(v) {
            let pos = self.position[v.index()];
            self.sift_up(pos);
            let pos = self.position[v.index()];
            self.sift_down(pos);
        }
    }

    fn less(&self, a: u32, b: u32) -> bool {
        // Ties go to the smaller variable index: deterministic and
        // MiniSat-like on a fresh solver.
        let (x, y) = (self.activity[a as usize], self.activity[b as usize]);
        x < y || (x == y && a > b)
    }

    fn sift_up(&mut self, mut i: usize) {
        let v = self.heap[i];
        while i > 0 {
            let parent = (i - 1) / 2;
            let p = self.heap[parent];
            if !self.less(p, v) {
                break;
            }
            self.heap[i] = p;
            self.position[p as usize] = i;
            i = parent;
        }
        self.heap[i] = v;
        self.position[v as usize] = i;
    }

    fn sift_down(&mut self, mut i: usize) {
        let v = self.heap[i];
        let n = self.heap.len();
        loop {
            let left = 2 * i + 1;
            if left >= n {
                break;
            }
            let right = left + 1;
            let child = if right < n && self.less(self.heap[left], self.heap[right]) {
                right
            } else {
                left
            };
            if !self.less(v, self.heap[child]) {
                break;
            }
            self.heap[i] = self.heap[child];
            self.position[self.heap[i] as usize] = i;
            i = child;
        }
        self.heap[i] = v;
        self.position[v as usize] = i;
    }
}

impl Solver {
    /// Trail reuse on restart (van der Tak, Ramos and Heule 2011; CaDiCaL's
    /// `restartreusetrail`): the levels whose decisions score higher than
    /// the next decision candidate would be decided again in the same
    /// order, so a restart keeps them. Assumption levels always stay.
    pub(super) fn reuse_trail_level(&mut self) -> u32 {
        if self.use_vmtf() {
            // Compare enqueue stamps instead of scores (as CaDiCaL does).
            let Some(next) = self.next_on_queue() else {
                return self.decision_level();
            };
            let bar = self.queue.stamp(next);
            return self.levels_to_keep(|s, d| s.queue.stamp(d) > bar);
        }
        let next = loop {
            match self.order.peek() {
                None => return self.decision_level(),
                Some(v) if self.vals[Lit::new(v, false).index()] != 0 => {
                    // Assigned: drop it now; backtracking puts it back.
                    self.order.pop_max();
                }
                Some(v) => break v,
            }
        };
        let bar = self.order.activity[next.index()];
        self.levels_to_keep(|s, d| s.order.activity[d.index()] > bar)
    }

    /// Assumption levels, then levels while their decision beats the next
    /// candidate (`ahead`).
    fn levels_to_keep(&self, ahead: impl Fn(&Solver, Var) -> bool) -> u32 {
        let mut level = (self.assumption_count() as u32).min(self.decision_level());
        while level < self.decision_level() {
            let decision = self.trail[self.trail_lim[level as usize]].var();
            if !ahead(self, decision) {
                break;
            }
            level += 1;
        }
        level
    }

    /// The next decision literal, or `None` when every variable is assigned.
    pub(super) fn pick_branch_lit(&mut self) -> Option<Lit> {
        let v = if self.use_vmtf() {
            self.next_on_queue()?
        } else {
            loop {
                let v = self.order.pop_max()?;
                // Eliminated variables get their values from the model extension.
                if self.vals[Lit::new(v, false).index()] == 0 && !self.simp.is_eliminated(v) {
                    break v;
                }
            }
        };
        let positive = self.phases.preferred(v, self.use_target_phases());
        Some(Lit::new(v, !positive))
    }
}
