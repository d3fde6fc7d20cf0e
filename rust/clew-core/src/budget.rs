//! Budgets and the interrupt flag shared by every long-running call.
//!
//! A budget is relative to the call it is given to; the interrupt flag is an
//! `Arc<AtomicBool>` that another thread (or a signal handler) may set at any
//! time. Long loops poll [`Budget::exhausted`] at cheap, regular points.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Limits for one call. `None` means unlimited.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Limits {
    pub conflicts: Option<u64>,
    pub propagations: Option<u64>,
    pub seconds: Option<f64>,
}

impl Limits {
    pub const UNLIMITED: Limits = Limits {
        conflicts: None,
        propagations: None,
        seconds: None,
    };
}

/// A shareable stop flag. Cloning shares the same flag.
#[derive(Debug, Clone, Default)]
pub struct Interrupt(Arc<AtomicBool>);

impl Interrupt {
    pub fn new() -> Self {
        Self::default()
    }
    /// Ask the running call to stop at its next check.
    pub fn set(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
    pub fn clear(&self) {
        self.0.store(false, Ordering::Relaxed);
    }
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Why a budgeted call stopped early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    Conflicts,
    Propagations,
    /// A SAT solve's decision limit (`Solver::set_decision_limit`).
    Decisions,
    Time,
    Interrupted,
    /// The caller's terminate callback asked to stop (e.g. Ctrl-C in Python).
    Terminated,
}

/// The running state of one budgeted call: start counters and deadline.
#[derive(Debug, Clone)]
pub struct Budget {
    conflict_limit: u64,
    propagation_limit: u64,
    deadline: Option<Instant>,
}

impl Budget {
    /// Start a budget for a call whose counters currently read
    /// `conflicts` and `propagations`.
    pub fn start(limits: Limits, conflicts: u64, propagations: u64) -> Self {
        Budget {
            conflict_limit: limits
                .conflicts
                .map_or(u64::MAX, |c| conflicts.saturating_add(c)),
            propagation_limit: limits
                .propagations
                .map_or(u64::MAX, |p| propagations.saturating_add(p)),
            deadline: limits
                .seconds
                .filter(|s| s.is_finite() && *s >= 0.0)
                .map(|s| Instant::now() + Duration::from_secs_f64(s)),
        }
    }

    /// Check the counted limits: cheap, so callers check at every conflict.
    #[inline]
    pub fn counts_exhausted(&self, conflicts: u64, propagations: u64) -> Option<StopReason> {
        if conflicts >= self.conflict_limit {
            Some(StopReason::Conflicts)
        } else if propagations >= self.propagation_limit {
            Some(StopReason::Propagations)
        } else {
            None
        }
    }

    /// Check the counted limits and the deadline (the clock read is the
    /// expensive part: callers poll this every few milliseconds at most).
    pub fn exhausted(&self, conflicts: u64, propagations: u64) -> Option<StopReason> {
        if let Some(reason) = self.counts_exhausted(conflicts, propagations) {
            return Some(reason);
        }
        if let Some(d) = self.deadline {
            if Instant::now() >= d {
                return Some(StopReason::Time);
            }
        }
        None
    }
}
