//! Searches that sample paths instead of enumerating them: best-of-N
//! (`n` independent paths from the root, the best reward kept) and particle
//! filtering (`n` particles stepped together, resampled by weight each
//! step, as in particle-filtering decoding for reasoning).
//!
//! A step samples one child with probability `exp(-(h - h_min) / (T *
//! spread))` over its siblings' heuristics `h` (`spread` = max - min, so the
//! temperature `T` is relative: at `T = 1` the worst sibling weighs `1/e`
//! of the best); without a heuristic, uniformly. Where the environment
//! scored the children ([`Env::scores`]: a batched expansion), with
//! probability proportional to `prior^(1/T)`, and the particle filter
//! weights particles by their values. A node's children are generated (and
//! recorded) once, however many paths pass through it. A batched
//! environment expands the live particles (best-of-N: the live samples,
//! advanced in lockstep) in one call per step.

use std::collections::HashMap;

use super::budget::{Book, Budget, Outcome, Stop};
use super::env::Env;
use crate::sudoku::rng::Rng;
use crate::trace::tree::{NoRecord, Recorder};

/// A generated child: its node, state, heuristic, and (prior, value) where
/// the environment scored it.
struct Kid<S> {
    id: u32,
    state: S,
    h: f64,
    scored: Option<(f64, f64)>,
}

/// A node's children once generated, or none.
type Kids<S> = Vec<Kid<S>>;

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
            let push = |id, state, h, _| {
                kids.push(Kid {
                    id,
                    state,
                    h,
                    scored: None,
                })
            };
            match book.visit(env, id, state, true, &mut self.actions, push) {
                Some(Stop::Solved) => {}
                Some(stop) => return Step::Stop(stop),
                None => {}
            }
            // Samplers merge no transpositions: a child per action, in order.
            if let Some(s) = env.scores(state).filter(|s| s.priors.len() == kids.len()) {
                for (k, (&p, &v)) in kids.iter_mut().zip(s.priors.iter().zip(&s.values)) {
                    k.scored = Some((p, v));
                }
            }
            self.kids.insert(id, kids);
        }
        if self.kids[&id].is_empty() {
            Step::Leaf
        } else {
            Step::Inner
        }
    }

    /// Hand the states of `nodes` not expanded yet to the environment's
    /// batched expansion, in one call (see [`Book::prepare`]).
    fn prepare<'s, E: Env<State = S>, R: Recorder<u32>>(
        &self,
        book: &Book<'_, R>,
        env: &mut E,
        nodes: impl Iterator<Item = (u32, &'s S)>,
        until_goal: bool,
    ) where
        S: 's,
    {
        if env.batched() {
            let fresh: Vec<&S> = nodes
                .filter(|(id, _)| !self.kids.contains_key(id))
                .map(|(_, s)| s)
                .collect();
            book.prepare(env, &fresh, until_goal);
        }
    }

    /// Sample a child of `id` (expanded, with children).
    fn sample(&self, id: u32, temperature: f64, rng: &mut Rng) -> &Kid<S> {
        let kids = &self.kids[&id];
        let w = match kids.iter().map(|k| k.scored).collect::<Option<Vec<_>>>() {
            Some(scored) => prior_weights(scored.iter().map(|s| s.0), temperature),
            None => weights(kids.iter().map(|k| k.h), temperature),
        };
        &kids[pick(&w, rng)]
    }
}

/// `(p / max p)^(1/T)`; uniform when every prior is 0.
fn prior_weights(priors: impl Iterator<Item = f64> + Clone, temperature: f64) -> Vec<f64> {
    let max = priors.clone().fold(0.0, f64::max);
    priors
        .map(|p| {
            if max > 0.0 {
                (p / max).powf(1.0 / temperature.max(1e-12))
            } else {
                1.0
            }
        })
        .collect()
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
    // Samples run in waves advanced in lockstep: all `n` at once for a
    // batched environment (one expansion per depth), else one at a time,
    // each to its leaf before the next starts.
    let wave = if env.batched() { n } else { 1 };
    let mut begun = 0;
    while begun < n && stopped.is_none() {
        let size = wave.min(n - begun);
        begun += size;
        let mut live: Vec<(usize, u32, E::State)> =
            (0..size).map(|i| (i, root_id, root.clone())).collect();
        let mut leaves: Vec<Option<(u32, E::State)>> = (0..size).map(|_| None).collect();
        while !live.is_empty() && stopped.is_none() {
            ex.prepare(&book, env, live.iter().map(|l| (l.1, &l.2)), false);
            let mut next = Vec::with_capacity(live.len());
            for (i, id, state) in live.drain(..) {
                match ex.expand(&mut book, env, id, &state) {
                    Step::Inner => {
                        let kid = ex.sample(id, temperature, &mut rng);
                        next.push((i, kid.id, kid.state.clone()));
                    }
                    Step::Leaf => leaves[i] = Some((id, state)),
                    Step::Stop(stop) => {
                        stopped = Some(stop);
                        break;
                    }
                }
            }
            live = next;
        }
        // In sample order: the first of the best wins ties.
        for (id, state) in leaves.into_iter().flatten() {
            let r = env.reward(&state);
            if best.as_ref().is_none_or(|b| r > b.0) {
                best = Some((r, id, state));
            }
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
/// `exp(-(h - min) / (T * spread))` over the population (by their values
/// where the environment scored them) and `n` are resampled from them
/// (systematic resampling). Particles on dead ends
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
    let mut proposed: Vec<(u32, E::State, f64, Option<f64>)> = Vec::new();
    while !particles.is_empty() {
        proposed.clear();
        ex.prepare(&book, env, particles.iter().map(|p| (p.0, &p.1)), true);
        for (id, state) in &particles {
            match ex.expand(&mut book, env, *id, state) {
                Step::Inner => {
                    let kid = ex.sample(*id, temperature, &mut rng);
                    let value = kid.scored.map(|s| s.1);
                    proposed.push((kid.id, kid.state.clone(), kid.h, value));
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
        let w = match proposed.iter().map(|p| p.3).collect::<Option<Vec<f64>>>() {
            // Values all 0: no evidence either way, uniform.
            Some(values) if values.iter().sum::<f64>() > 0.0 => values,
            Some(values) => vec![1.0; values.len()],
            None => weights(proposed.iter().map(|p| p.2), temperature),
        };
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
