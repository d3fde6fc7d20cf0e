//! Search trees recorded by the classic searches, MCTS over an `Env`, and
//! the exports: ASTRO-style trace (checked by the Countdown validator) and
//! per-node value targets.

use clew_core::countdown::{HeuristicKind, Rules};
use clew_core::search::{
    self, countdown_trace, Budget, CountdownEnv, Env, EnvMcts, MctsConfig, Rule,
};
use clew_core::trace::render::walk::Move;
use clew_core::trace::tree::{Outcome, Recorder, Tree};
use clew_core::trace::validate::validate_walk;
use clew_core::trace::Style;

const NUMBERS: [u64; 4] = [4, 6, 2, 1];
const TARGET: u64 = 24;

fn env() -> CountdownEnv {
    CountdownEnv::new(TARGET, Rules::SOS, HeuristicKind::Sum)
}

#[test]
fn every_search_records_the_tree_it_searched() {
    let root = CountdownEnv::root(&NUMBERS).unwrap();
    let budget = Budget::default();
    for name in ["dfs", "bfs", "beam", "best_first"] {
        let mut tree: Tree<u32> = Tree::new();
        let (plain, recorded) = match name {
            "dfs" => (
                search::dfs(&mut env(), root, None, budget),
                search::dfs_recorded(&mut env(), root, None, budget, &mut tree),
            ),
            "bfs" => (
                search::bfs(&mut env(), root, budget),
                search::bfs_recorded(&mut env(), root, budget, &mut tree),
            ),
            "beam" => (
                search::beam(&mut env(), root, 5, budget),
                search::beam_recorded(&mut env(), root, 5, budget, &mut tree),
            ),
            _ => (
                search::best_first(&mut env(), root, true, budget),
                search::best_first_recorded(&mut env(), root, true, budget, &mut tree),
            ),
        };
        // Recording changes nothing about the search.
        assert_eq!(plain.path, recorded.path, "{name}");
        assert_eq!(plain.spent, recorded.spent, "{name}");
        assert_eq!(tree.len() as u64, recorded.spent.nodes, "{name}");
        if name == "beam" && recorded.stop != search::Stop::Solved {
            assert_eq!(tree.goal(), None);
            continue;
        }
        assert_eq!(recorded.stop, search::Stop::Solved, "{name}");
        let goal = tree.goal().expect(name);
        let actions: Vec<u32> = tree.path(goal)[1..]
            .iter()
            .map(|&n| *tree.payload(n))
            .collect();
        assert_eq!(actions, recorded.path, "{name}");
        assert!(tree.visits() > 1 && tree.expansions() >= 1, "{name}");
    }
}

fn countdown_mcts(seed: u64, simulations: usize) -> EnvMcts<CountdownEnv> {
    let cfg = MctsConfig {
        rule: Rule::Uct,
        c: 1.0,
        seed,
        ..MctsConfig::new(CountdownEnv::max_actions(NUMBERS.len()))
    };
    let root = CountdownEnv::root(&NUMBERS).unwrap();
    let mut m = EnvMcts::new(env(), vec![root], cfg).unwrap();
    m.run_rollouts(simulations).unwrap();
    m
}

#[test]
fn mcts_trace_is_a_valid_walk_that_solves() {
    let mut m = countdown_mcts(0, 300);
    for style in ["astro", "wait", "backtrack", "compact"] {
        let tr = countdown_trace(&mut m, 0, Style::from_name(style).unwrap(), None).unwrap();
        assert!(tr.solved, "{style}");
        let v = validate_walk(style, &tr.text, Some(&NUMBERS), Some(TARGET));
        assert!(v.valid, "{style}: {:?}\n{}", v.message, tr.text);
        assert!(v.solved, "{style}");
        assert!(tr.backtracks > 0, "{style}");
        assert!(tr.answer.is_some());
    }
    let tr = countdown_trace(&mut m, 0, Style::Astro, None).unwrap();
    assert!(tr.text.contains("Let me go back to"));
    assert!(tr
        .text
        .ends_with(&format!("So the answer is {}.\n", tr.answer.unwrap())));
    // At most k wrong branches, each followed by exactly one return.
    for k in [0, 1, 3] {
        let tr = countdown_trace(&mut m, 0, Style::Astro, Some(k)).unwrap();
        assert_eq!(tr.backtracks, k as u64);
        assert!(validate_walk("astro", &tr.text, Some(&NUMBERS), Some(TARGET)).solved);
    }
    assert!(countdown_trace(&mut m, 0, Style::Sos, None).is_err());
    assert!(countdown_trace(&mut m, 1, Style::Astro, None).is_err());
}

#[test]
fn mcts_over_env_is_deterministic_under_a_seed() {
    let text =
        |seed| countdown_trace(&mut countdown_mcts(seed, 200), 0, Style::Astro, None).unwrap();
    assert_eq!(text(3), text(3));
    let values = |seed| countdown_mcts(seed, 200).values(0);
    assert_eq!(values(5), values(5));
    assert_ne!(values(5), values(6));
}

#[test]
fn value_targets_count_finished_simulations() {
    let mut m = countdown_mcts(1, 300);
    let vals = m.values(0);
    let root = vals[0];
    assert_eq!(root.parent, u32::MAX);
    // Every simulation ends on a terminal state (a playout or the tree's own).
    assert_eq!(root.finished, root.visits);
    assert!(root.correct > 0);
    for v in &vals {
        assert!(v.correct <= v.finished);
        assert!(v.finished <= v.visits, "{v:?}");
        if v.goal {
            assert!(v.terminal && v.p_correct() == 1.0);
        }
        if v.parent != u32::MAX {
            let p = vals.iter().find(|p| p.node == v.parent).unwrap();
            assert_eq!(p.depth + 1, v.depth);
        }
    }
    // Children's finished simulations add up to at most the parent's.
    let kids: u32 = vals
        .iter()
        .filter(|v| v.parent == 0)
        .map(|v| v.finished)
        .sum();
    assert!(kids <= root.finished && kids + 1 >= root.finished);
}

#[test]
fn caller_evaluations_drive_the_same_tree() {
    let cfg = MctsConfig::new(CountdownEnv::max_actions(4));
    let root = CountdownEnv::root(&NUMBERS).unwrap();
    let mut m = EnvMcts::new(env(), vec![root, root], cfg).unwrap();
    let (mut leaves, mut obs) = (Vec::new(), Vec::new());
    m.ask(2, &mut leaves, &mut obs).unwrap();
    assert_eq!(leaves.len(), 2);
    // Observations: the numbers padded with -1, then the target.
    assert_eq!(obs.len() % leaves.len(), 0);
    assert_eq!(obs[obs.len() / 2 - 1], TARGET as f32);
    let ids: Vec<u64> = leaves.iter().map(|l| l.id()).collect();
    let a = m.forest().config().num_actions;
    assert!(m.tell(&ids, &vec![1.0; a], &[0.5]).is_err(), "wrong sizes");
    m.tell(&ids, &vec![1.0; 2 * a], &[0.5, 0.5]).unwrap();
    // Only the legal actions became children.
    let root_stats = m.forest().node(0, 0);
    let mut legal = Vec::new();
    use clew_core::search::Env;
    env().legal_actions(&root, &mut legal);
    assert_eq!(root_stats.children.len(), legal.len());
    assert!(
        m.tell(&ids, &vec![1.0; 2 * a], &[0.5, 0.5]).is_err(),
        "told twice"
    );
}

#[test]
fn linearise_returns_once_per_branch() {
    let mut t: Tree<u32> = Tree::new();
    let r = t.root(|| 0, 0.0);
    let a = t.child(r, || 1, 0.0, Outcome::Visited);
    let a1 = t.child(a, || 2, 0.0, Outcome::DeadEnd);
    let a2 = t.child(a, || 3, 0.0, Outcome::DeadEnd);
    let b = t.child(r, || 4, 0.0, Outcome::Visited);
    let b1 = t.child(b, || 5, 0.0, Outcome::Goal);
    let w = clew_core::search::env_mcts::linearise(&t, &[a1, a2], b1);
    assert_eq!(
        w,
        vec![
            Move::Try(a),
            Move::Try(a1),
            Move::Back(a),
            Move::Try(a2),
            Move::Back(r),
            Move::Try(b),
            Move::Try(b1)
        ]
    );
}

// ------------------------------------------- best-of-N, particles, IDDFS

const INSTANCES: [([u64; 4], u64); 6] = [
    ([38, 83, 3, 10], 32),
    ([19, 57, 29, 96], 59),
    ([9, 21, 51, 9], 73),
    ([91, 98, 50, 13], 44),
    ([20, 87, 85, 27], 94),
    ([20, 22, 43, 52], 94),
];

/// Replay `path` from `numbers` and check it reaches `target`.
fn reaches(numbers: &[u64], target: u64, path: &[u32]) -> bool {
    use clew_core::search::Env;
    let mut e = CountdownEnv::new(target, Rules::SOS, HeuristicKind::Sum);
    let mut s = CountdownEnv::root(numbers).unwrap();
    for &a in path {
        s = e.apply(&s, a);
    }
    e.is_goal(&s)
}

#[test]
fn sampling_searches_and_iddfs_solve_countdown() {
    let budget = Budget::default();
    for (k, (numbers, target)) in INSTANCES.into_iter().enumerate() {
        let root = CountdownEnv::root(&numbers).unwrap();
        let mk = || CountdownEnv::new(target, Rules::SOS, HeuristicKind::Sum);
        let mut outs = vec![
            (
                "best_of_n",
                search::best_of_n(&mut mk(), root, 512, 0.3, 0, budget),
            ),
            ("iddfs", search::iddfs(&mut mk(), root, None, budget)),
        ];
        // 128 particles miss the last instance (seed 0): a sampler, not a
        // complete search.
        if k < 5 {
            let out = search::particle_filter(&mut mk(), root, 128, 0.3, 0, budget);
            outs.push(("particle_filter", out));
        }
        for (name, out) in outs {
            assert_eq!(
                out.stop,
                search::Stop::Solved,
                "{name} {numbers:?} {target}"
            );
            assert!(reaches(&numbers, target, &out.path), "{name}");
            assert_eq!(out.path.len(), 3, "{name}");
        }
    }
}

#[test]
fn sampling_searches_are_deterministic_and_record_their_trees() {
    let (numbers, target) = INSTANCES[1];
    let root = CountdownEnv::root(&numbers).unwrap();
    let mk = || CountdownEnv::new(target, Rules::SOS, HeuristicKind::Sum);
    let b = Budget::default();
    for seed in [0, 1] {
        let a = search::best_of_n(&mut mk(), root, 32, 1.0, seed, b);
        let c = search::best_of_n(&mut mk(), root, 32, 1.0, seed, b);
        assert_eq!((a.path, a.spent), (c.path, c.spent));
        let a = search::particle_filter(&mut mk(), root, 16, 1.0, seed, b);
        let c = search::particle_filter(&mut mk(), root, 16, 1.0, seed, b);
        assert_eq!((a.path, a.spent), (c.path, c.spent));
    }
    let mut t1: Tree<u32> = Tree::new();
    let out = search::particle_filter_recorded(&mut mk(), root, 16, 1.0, 0, b, &mut t1);
    assert_eq!(t1.len() as u64, out.spent.nodes);
    let mut t2: Tree<u32> = Tree::new();
    let out = search::best_of_n_recorded(&mut mk(), root, 32, 1.0, 0, b, &mut t2);
    assert_eq!(t2.len() as u64, out.spent.nodes);
    if let Some(g) = t2.goal() {
        let p: Vec<u32> = t2.path(g)[1..].iter().map(|&n| *t2.payload(n)).collect();
        assert_eq!(p, out.path);
    }
    // IDDFS regenerates shallow nodes on each pass.
    let mut t3: Tree<u32> = Tree::new();
    let out = search::iddfs_recorded(&mut mk(), root, None, b, &mut t3);
    let dfs = search::dfs(&mut mk(), root, None, b);
    assert_eq!(t3.len() as u64, out.spent.nodes);
    assert!(t3.children(0).count() > 10);
    assert!(out.spent.nodes >= dfs.spent.nodes.min(30));
}

#[test]
fn sampling_budgets_and_limits_stop_the_search() {
    let (numbers, target) = INSTANCES[0];
    let root = CountdownEnv::root(&numbers).unwrap();
    let mk = || CountdownEnv::new(target, Rules::SOS, HeuristicKind::Sum);
    let b = Budget {
        nodes: Some(20),
        ..Budget::default()
    };
    for out in [
        search::best_of_n(&mut mk(), root, 100, 1.0, 0, b),
        search::particle_filter(&mut mk(), root, 100, 1.0, 0, b),
        search::iddfs(&mut mk(), root, None, b),
    ] {
        assert_eq!(out.spent.nodes, 20);
        assert_ne!(out.stop, search::Stop::Exhausted);
    }
    // An unsolvable instance: every search ends exhausted.
    let mk = || CountdownEnv::new(1000, Rules::SOS, HeuristicKind::Sum);
    let root = CountdownEnv::root(&[1, 2, 3]).unwrap();
    let b = Budget::default();
    assert_eq!(
        search::iddfs(&mut mk(), root, None, b).stop,
        search::Stop::Exhausted
    );
    assert_eq!(
        search::iddfs(&mut mk(), root, Some(1), b).stop,
        search::Stop::Exhausted
    );
    assert_eq!(
        search::best_of_n(&mut mk(), root, 8, 1.0, 0, b).stop,
        search::Stop::Exhausted
    );
    assert_eq!(
        search::particle_filter(&mut mk(), root, 8, 1.0, 0, b).stop,
        search::Stop::Exhausted
    );
}

#[test]
fn transpositions_are_merged_when_asked() {
    use clew_core::search::Env;
    let (numbers, target) = INSTANCES[5];
    let root = CountdownEnv::root(&numbers).unwrap();
    let mk = || CountdownEnv::new(target, Rules::SOS, HeuristicKind::Sum);
    let merged = Budget {
        transpositions: true,
        ..Budget::default()
    };
    for name in ["dfs", "bfs"] {
        let mut tree: Tree<u32> = Tree::new();
        let (plain, out) = if name == "dfs" {
            (
                search::dfs(&mut mk(), root, None, Budget::default()),
                search::dfs_recorded(&mut mk(), root, None, merged, &mut tree),
            )
        } else {
            (
                search::bfs(&mut mk(), root, Budget::default()),
                search::bfs_recorded(&mut mk(), root, merged, &mut tree),
            )
        };
        assert_eq!(out.stop, search::Stop::Solved, "{name}");
        assert!(reaches(&numbers, target, &out.path));
        assert!(out.spent.nodes < plain.spent.nodes, "{name}");
        // Every recorded state is distinct; the dropped steps still cost.
        let mut env = mk();
        let mut keys = std::collections::HashSet::new();
        let mut states = vec![root; tree.len()];
        for id in 1..tree.len() as u32 {
            let p = tree.node(id).parent as usize;
            states[id as usize] = env.apply(&states[p], *tree.payload(id));
            assert!(
                keys.insert(env.key(&states[id as usize]).unwrap()),
                "{name}"
            );
        }
        assert!(out.spent.cost > (out.spent.nodes - 1) as f64, "{name}");
    }
    // Iterative deepening ignores the switch (it would lose solutions).
    let a = search::iddfs(&mut mk(), root, None, merged);
    let b = search::iddfs(&mut mk(), root, None, Budget::default());
    assert_eq!((a.path, a.spent), (b.path, b.spent));
}

/// A hard-ish 9x9 puzzle (needs guesses under the MRV order).
const PUZZLE: &str =
    "..5......3..58...22..9..78.9.....4.8.1...25...4..7...1....39.64..3.6.9.......4...";

#[test]
fn env_mcts_solves_sudoku_and_its_walk_ends_on_the_goal() {
    use clew_core::search::SudokuEnv;
    use clew_core::sudoku::Grid;
    let grid = Grid::parse(PUZZLE, None).unwrap();
    let cfg = MctsConfig {
        rule: Rule::Uct,
        c: 1.0,
        ..MctsConfig::new(729)
    };
    let mut m = EnvMcts::new(SudokuEnv, vec![grid.clone()], cfg).unwrap();
    m.run_rollouts(300).unwrap();
    let (tree, walk) = m.walk(0, None);
    let Some(Move::Try(last)) = walk.last() else {
        panic!("empty walk")
    };
    assert_eq!(tree.node(*last).outcome, Outcome::Goal);
    let mut g = grid;
    for id in tree.path(*last).into_iter().skip(1) {
        let a = *tree.payload(id);
        g.cells[(a / 9) as usize] = (a % 9 + 1) as u8;
    }
    assert_eq!(g.empties(), 0);
    assert!(g.clash().is_none());
}

#[test]
fn env_mcts_budgets_transpositions_and_advance() {
    let root = CountdownEnv::root(&NUMBERS).unwrap();
    let cfg = || MctsConfig {
        rule: Rule::Uct,
        c: 1.0,
        ..MctsConfig::new(CountdownEnv::max_actions(4))
    };
    // Budgets stop the asks and report the spend.
    let budget = Budget {
        nodes: Some(30),
        ..Budget::default()
    };
    let mut m = EnvMcts::with_budget(env(), vec![root], cfg(), budget).unwrap();
    m.run_rollouts(1000).unwrap();
    assert_eq!(m.spent().nodes, 30);
    assert_eq!(m.stop().map(|s| s.name()), Some("nodes"));
    // Transpositions: fewer evaluations for the same simulations.
    let run = |tt: bool| {
        let budget = Budget {
            transpositions: tt,
            ..Budget::default()
        };
        let mut m = EnvMcts::with_budget(env(), vec![root], cfg(), budget).unwrap();
        m.run_rollouts(200).unwrap();
        (m.spent(), m.shared_evaluations())
    };
    let ((plain, shared0), (merged, shared1)) = (run(false), run(true));
    assert_eq!(shared0, 0);
    assert!(shared1 > 0 && merged.evaluations < plain.evaluations);
    // Advance keeps the chosen child's subtree and its records.
    let mut m = EnvMcts::new(env(), vec![root], cfg()).unwrap();
    m.run_rollouts(100).unwrap();
    let best = m.forest().best_action(0).unwrap();
    let before = m.values(0);
    let child = before
        .iter()
        .find(|v| v.parent == 0 && v.action == best)
        .copied()
        .unwrap();
    m.advance(0, best).unwrap();
    let after = m.values(0);
    assert_eq!(after[0].visits, child.visits);
    assert_eq!(after[0].finished, child.finished);
    assert_eq!(m.state(0, 0), Some(&env().apply(&root, best)));
    m.run_rollouts(10).unwrap();
    assert!(m.forest().simulations(0) >= child.visits + 10);
}
