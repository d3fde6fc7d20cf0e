//! Searches that sample paths instead of enumerating them: best-of-N
//! (`n` independent paths from the root, the best reward kept) and particle
//! filtering (`n` particles stepped together, resampled by weight each
//! step, as in particle-filtering decoding for reasoning).
//!
//! A step samples one child with probability `exp(-(h - h_min) / (T *
//! spread))` over its siblings' heuristics `h` (`spread` = max - min, so the
//! temperature `T` is relative: at `T = 1` the worst sibling weighs `1/e`
//! of the best); without a heuristic, uniformly. A node's children are
//! generated (and recorded) once, however many paths pass through it.

use std::collections::HashMap;

use super::budget::{Book, Budget, Outcome, Stop};
use super::env::Env;
use crate::sudoku::rng::Rng;
use crate::trace::tree::{NoRecord, Recorder};

/// A node's children once generated: (id, state, heuristic), or none.
type Kids<S> = Vec<(u32, S, f64)>;

/// Children generated once per node, shared by every path through it.
struct Expander<S> {
    kids: HashMap<u32, Kids<S>>,
    actions: Vec<u32>,
}

enum Step {
    /// The node has children (in the cache).
    Inner,
    /// A goal or a dead end.
    Leaf,
    Stop(Stop),
}

impl<S: Clone> Expander<S> {
    fn new() -> Self {
        Expander {
            kids: HashMap::new(),
            actions: Vec::new(),
        }
    }

    fn expand<E: Env<State = S>, R: Recorder<u32>>(
        &mut self,
        book: &mut Book<'_, R>,
        env: &mut E,
        id: u32,
        state: &S,
    ) -> Step {
        if !self.kids.contains_key(&id) {
            let mut kids = Vec::new();
            let push = |cid, child, h, _| kids.push((cid, child, h));
            match book.visit(env, id, state, true, &mut self.actions, push) {
                Some(Stop::Solved) => {}
                Some(stop) => return Step::Stop(stop),
                None => {}
            }
            self.kids.insert(id, kids);
        }
        if self.kids[&id].is_empty() {
            Step::Leaf
        } else {
            Step::Inner
        }
    }

    /// Sample a child of `id` (expanded, with children).
    fn sample(&self, id: u32, temperature: f64, rng: &mut Rng) -> (u32, S) {
        let kids = &self.kids[&id];
        let w = weights(kids.iter().map(|k| k.2), temperature);
        let i = pick(&w, rng);
        (kids[i].0, kids[i].1.clone())
    }
}

/// A sampler's book (transpositions off: merging would cut the paths that
/// share a state), its root, its expander and its random stream.
fn start<S: Clone, R: Recorder<u32>>(
    budget: Budget,
    rec: &mut R,
    seed: u64,
) -> (Book<'_, R>, u32, Expander<S>, Rng) {
    let budget = Budget {
        transpositions: false,
        ..budget
    };
    let mut book = Book::new(budget, rec);
    let root = book.root(f64::NAN);
    (book, root, Expander::new(), Rng::new(seed))
}

/// `exp(-(h - min) / (T * spread))`; uniform when the heuristics are all
/// equal or missing (NaN).
fn weights(hs: impl Iterator<Item = f64> + Clone, temperature: f64) -> Vec<f64> {
    let (lo, hi) = hs
        .clone()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), h| {
            (lo.min(h), hi.max(h))
        });
    let spread = hi - lo;
    hs.map(|h| {
        if spread.is_finite() && spread > 0.0 && h.is_finite() {
            (-(h - lo) / (temperature.max(1e-12) * spread)).exp()
        } else {
            1.0
        }
    })
    .collect()
}

/// An index drawn with probability proportional to `w`.
fn pick(w: &[f64], rng: &mut Rng) -> usize {
    let total: f64 = w.iter().sum();
    let mut x = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * total;
    for (i, &wi) in w.iter().enumerate() {
        if x < wi {
            return i;
        }
        x -= wi;
    }
    w.len() - 1
}

/// Best-of-N: `n` sampled paths from the root to a leaf; the outcome is the
/// path with the highest reward (the first on ties): `Solved` when it is a
/// goal, else `Exhausted`. A budget that runs out keeps the best so far.
pub fn best_of_n<E: Env>(
    env: &mut E,
    root: E::State,
    n: usize,
    temperature: f64,
    seed: u64,
    budget: Budget,
) -> Outcome<E::State> {
    best_of_n_recorded(env, root, n, temperature, seed, budget, &mut NoRecord)
}

/// [`best_of_n`], recording the tree of every sampled path into `rec`.
pub fn best_of_n_recorded<E: Env, R: Recorder<u32>>(
    env: &mut E,
    root: E::State,
    n: usize,
    temperature: f64,
    seed: u64,
    budget: Budget,
    rec: &mut R,
) -> Outcome<E::State> {
    let (mut book, root_id, mut ex, mut rng) = start(budget, rec, seed);
    let mut best: Option<(f64, u32, E::State)> = None;
    let mut stopped = None;
    'samples: for _ in 0..n {
        let (mut id, mut state) = (root_id, root.clone());
        loop {
            match ex.expand(&mut book, env, id, &state) {
                Step::Inner => (id, state) = ex.sample(id, temperature, &mut rng),
                Step::Leaf => break,
                Step::Stop(stop) => {
                    stopped = Some(stop);
                    break 'samples;
                }
            }
        }
        let r = env.reward(&state);
        if best.as_ref().is_none_or(|b| r > b.0) {
            best = Some((r, id, state));
        }
    }
    finish(book, env, best.map(|(_, id, s)| (id, s)), stopped)
}

/// The outcome of a sampling search: solved when `best` is a goal, else the
/// budget or failure that stopped it, else exhausted.
fn finish<E: Env, R: Recorder<u32>>(
    book: Book<'_, R>,
    env: &mut E,
    best: Option<(u32, E::State)>,
    stopped: Option<Stop>,
) -> Outcome<E::State> {
    match best {
        Some((id, s)) if env.is_goal(&s) => book.finish(Stop::Solved, Some((id, s))),
        _ => match stopped {
            Some(stop) => book.finish(stop, None),
            None => book.exhausted(env),
        },
    }
}

/// Particle filtering: `n` particles start at the root; each step every
/// live particle samples a child, the new particles are weighted
/// `exp(-(h - min) / (T * spread))` over the population and `n` are
/// resampled from them (systematic resampling). Particles on dead ends
/// drop out; the first to reach a goal ends the search (`Solved`);
/// `Exhausted` when none is left.
pub fn particle_filter<E: Env>(
    env: &mut E,
    root: E::State,
    n: usize,
    temperature: f64,
    seed: u64,
    budget: Budget,
) -> Outcome<E::State> {
    particle_filter_recorded(env, root, n, temperature, seed, budget, &mut NoRecord)
}

/// [`particle_filter`], recording the tree the particles grew into `rec`.
pub fn particle_filter_recorded<E: Env, R: Recorder<u32>>(
    env: &mut E,
    root: E::State,
    n: usize,
    temperature: f64,
    seed: u64,
    budget: Budget,
    rec: &mut R,
) -> Outcome<E::State> {
    let (mut book, root_id, mut ex, mut rng) = start(budget, rec, seed);
    let n = n.max(1);
    let mut particles: Vec<(u32, E::State)> = vec![(root_id, root); n];
    let mut proposed: Vec<(u32, E::State, f64)> = Vec::new();
    while !particles.is_empty() {
        proposed.clear();
        for (id, state) in &particles {
            match ex.expand(&mut book, env, *id, state) {
                Step::Inner => {
                    let (cid, child) = ex.sample(*id, temperature, &mut rng);
                    let h = ex.kids[id].iter().find(|k| k.0 == cid).map_or(0.0, |k| k.2);
                    proposed.push((cid, child, h));
                }
                Step::Leaf if env.is_goal(state) => {
                    return book.finish(Stop::Solved, Some((*id, state.clone())));
                }
                Step::Leaf => {}
                Step::Stop(stop) => return book.finish(stop, None),
            }
        }
        if proposed.is_empty() {
            break;
        }
        let w = weights(proposed.iter().map(|p| p.2), temperature);
        let total: f64 = w.iter().sum();
        // Systematic resampling: one uniform offset, n evenly spaced points.
        let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        particles.clear();
        let (mut i, mut acc) = (0, w[0]);
        for k in 0..n {
            let x = (u + k as f64) / n as f64 * total;
            while x >= acc && i + 1 < w.len() {
                i += 1;
                acc += w[i];
            }
            particles.push((proposed[i].0, proposed[i].1.clone()));
        }
    }
    book.exhausted(env)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_relative_to_the_spread() {
        let w = weights([0.0, 10.0, 5.0].into_iter(), 1.0);
        assert_eq!(w[0], 1.0);
        assert!((w[1] - (-1f64).exp()).abs() < 1e-12);
        assert_eq!(weights([3.0, 3.0].into_iter(), 1.0), vec![1.0, 1.0]);
        assert_eq!(
            weights([f64::NAN, f64::NAN].into_iter(), 1.0),
            vec![1.0, 1.0]
        );
    }

    #[test]
    fn pick_follows_the_weights() {
        let mut rng = Rng::new(1);
        let mut hits = [0; 3];
        for _ in 0..3000 {
            hits[pick(&[1.0, 0.0, 2.0], &mut rng)] += 1;
        }
        assert_eq!(hits[1], 0);
        assert!(hits[2] > hits[0] * 3 / 2, "{hits:?}");
    }
}
