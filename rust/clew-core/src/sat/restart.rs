//! Restart policies: Glucose-style LBD moving averages (restart when the
//! recent learnt clauses are worse than the long-run average) and Luby;
//! in stable mode (see `SolverOptions::stable`) reluctant doubling, a Luby
//! sequence with a large unit, whatever the policy.

/// Exponential moving average with bias correction (as in CaDiCaL), so the
/// first values are not dragged towards zero.
#[derive(Clone, Debug)]
pub struct Ema {
    alpha: f64,
    biased: f64,
    /// (1 - alpha)^updates, for bias correction.
    exp: f64,
}

impl Ema {
    pub fn new(alpha: f64) -> Self {
        Ema {
            alpha,
            biased: 0.0,
            exp: 1.0,
        }
    }
    pub fn update(&mut self, y: f64) {
        self.biased += self.alpha * (y - self.biased);
        self.exp *= 1.0 - self.alpha;
    }
    pub fn value(&self) -> f64 {
        if self.exp >= 1.0 {
            0.0
        } else {
            self.biased / (1.0 - self.exp)
        }
    }
}

/// The Luby sequence 1 1 2 1 1 2 4 1 1 2 ... (`i` is 0-based).
pub fn luby(mut i: u64) -> u64 {
    let (mut size, mut seq) = (1u64, 0u32);
    while size < i + 1 {
        seq += 1;
        size = 2 * size + 1;
    }
    while size - 1 != i {
        size = (size - 1) >> 1;
        seq -= 1;
        i %= size;
    }
    1 << seq
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestartPolicy {
    /// Glucose: restart when fast LBD average > margin * slow average.
    Glucose,
    /// MiniSat: Luby sequence times a unit of conflicts.
    Luby,
}

pub struct Restarts {
    pub policy: RestartPolicy,
    fast_lbd: Ema,
    slow_lbd: Ema,
    conflicts_since: u64,
    luby_index: u64,
    luby_unit: u64,
    margin: f64,
    min_interval: u64,
    /// Glucose 2.1 restart blocking: trail size at conflicts, averaged.
    trail: Ema,
    conflicts: u64,
    pub blocked: u64,
    /// Stable mode: restart on reluctant doubling (Luby x `reluctant_unit`).
    pub stable: bool,
    reluctant_index: u64,
    pub reluctant_unit: u64,
}

impl Restarts {
    pub fn new(policy: RestartPolicy) -> Self {
        Restarts {
            policy,
            fast_lbd: Ema::new(0.03),
            slow_lbd: Ema::new(1e-5),
            conflicts_since: 0,
            luby_index: 0,
            luby_unit: 100,
            margin: 1.1,
            min_interval: 2,
            trail: Ema::new(1.0 / 5000.0),
            conflicts: 0,
            blocked: 0,
            stable: false,
            reluctant_index: 0,
            // CaDiCaL's `reluctant`: 1024 conflicts.
            reluctant_unit: 1024,
        }
    }

    /// Record a conflict's learnt-clause LBD and the trail size when it
    /// happened. A trail much longer than usual suggests the solver is
    /// close to a model, so a pending Glucose restart is postponed.
    pub fn on_conflict(&mut self, lbd: u32, trail_len: usize) {
        self.conflicts += 1;
        self.conflicts_since += 1;
        self.fast_lbd.update(lbd as f64);
        self.slow_lbd.update(lbd as f64);
        let trail = trail_len as f64;
        if self.policy == RestartPolicy::Glucose
            && !self.stable
            && self.conflicts > 10_000
            && self.conflicts_since >= self.min_interval
            && trail > 1.4 * self.trail.value()
        {
            self.blocked += 1;
            self.conflicts_since = 0;
        }
        self.trail.update(trail);
    }

    pub fn should_restart(&self) -> bool {
        if self.stable {
            return self.conflicts_since >= luby(self.reluctant_index) * self.reluctant_unit;
        }
        match self.policy {
            RestartPolicy::Glucose => {
                self.conflicts_since >= self.min_interval
                    && self.fast_lbd.value() > self.margin * self.slow_lbd.value()
            }
            RestartPolicy::Luby => self.conflicts_since >= luby(self.luby_index) * self.luby_unit,
        }
    }

    pub fn restarted(&mut self) {
        self.conflicts_since = 0;
        if self.stable {
            self.reluctant_index += 1;
        } else if self.policy == RestartPolicy::Luby {
            self.luby_index += 1;
        }
    }
}

impl Restarts {
    /// Enter or leave stable mode; the interval count starts afresh.
    pub fn set_stable(&mut self, stable: bool) {
        self.stable = stable;
        self.conflicts_since = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luby_prefix() {
        let seq: Vec<u64> = (0..15).map(luby).collect();
        assert_eq!(seq, [1, 1, 2, 1, 1, 2, 4, 1, 1, 2, 1, 1, 2, 4, 8]);
    }

    #[test]
    fn ema_is_unbiased_on_constant_input() {
        let mut e = Ema::new(1e-5);
        e.update(7.0);
        assert!((e.value() - 7.0).abs() < 1e-9);
    }
}
