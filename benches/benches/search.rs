//! Criterion benches of clew's search core, without Python.
//!
//!     cargo bench -p clew-benches --bench search
//!     CLEW_BENCH_TIER=normal cargo bench -p clew-benches --bench search
//!
//! * `search/mcts_B_A_S`: B trees over A actions, S simulations each after
//!   the roots, one leaf per tree per ask/tell round, priors and values from
//!   a cheap hash (the Rust side of `clew bench search`); elements =
//!   simulations.
//! * `search/countdown_*`: DFS / A* over the Countdown `Env` on fixed
//!   instances; elements = searches.
//!
//! The Python harness (`clew bench search`) adds the Python evaluator and
//! compares with LightZero's ctree and mctx.

use std::hint::black_box;
use std::time::Duration;

use clew_core::countdown::{HeuristicKind, Rules};
use clew_core::search::mcts::{Evaluation, Forest, Leaf, MctsConfig};
use clew_core::search::{best_first, dfs, Budget, CountdownEnv};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn tier_secs() -> u64 {
    match std::env::var("CLEW_BENCH_TIER").as_deref() {
        Ok("normal") => 5,
        Ok("slow") => 10,
        _ => 2,
    }
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(tier_secs()))
}

fn search(batch: usize, actions: usize, sims: usize) -> u32 {
    let mut forest = Forest::new(MctsConfig::new(actions), batch).unwrap();
    let mut leaves: Vec<Leaf> = Vec::new();
    let mut priors = vec![0f32; batch * actions];
    let mut x = 0x9E37_79B9u32;
    for _ in 0..=sims {
        forest.ask(batch, &mut leaves);
        for p in priors.iter_mut() {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            *p = (x >> 8) as f32 / (1 << 24) as f32;
        }
        let evals: Vec<Evaluation<'_>> = leaves
            .iter()
            .enumerate()
            .map(|(i, l)| Evaluation {
                leaf_id: l.id(),
                priors: &priors[i * actions..(i + 1) * actions],
                value: priors[i * actions] * 2.0 - 1.0,
                terminal: false,
                legal: None,
            })
            .collect();
        forest.tell(&evals).unwrap();
    }
    forest.simulations(0)
}

fn mcts(c: &mut Criterion) {
    let mut group = c.benchmark_group("search");
    for (b, a, s) in [(256, 16, 50), (64, 256, 100), (1, 16, 800), (64, 4, 100)] {
        group.throughput(Throughput::Elements((b * s) as u64));
        group.bench_function(format!("mcts_{b}_{a}_{s}"), |bench| {
            bench.iter(|| black_box(search(b, a, s)))
        });
    }
    let set: Vec<(Vec<u64>, u64)> = vec![
        (vec![4, 6, 2, 1], 24),
        (vec![25, 5, 3, 7], 30),
        (vec![75, 50, 2, 3], 103),
        (vec![8, 3, 9, 4], 62),
    ];
    group.throughput(Throughput::Elements(set.len() as u64));
    for (name, astar) in [("countdown_dfs", false), ("countdown_astar", true)] {
        group.bench_function(name, |bench| {
            bench.iter(|| {
                let mut nodes = 0;
                for (nums, t) in &set {
                    let mut env = CountdownEnv::new(*t, Rules::SOS, HeuristicKind::Sum);
                    let root = CountdownEnv::root(nums).unwrap();
                    let out = if astar {
                        best_first(&mut env, root, true, Budget::default())
                    } else {
                        dfs(&mut env, root, None, Budget::default())
                    };
                    nodes += out.spent.nodes;
                }
                black_box(nodes)
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = mcts
}
criterion_main!(benches);
