//! The search core: ask/tell MCTS on a bandit and tic-tac-toe, batching
//! and virtual loss against sequential search, determinism, bad input.

use std::collections::HashMap;

use clew_core::search::mcts::{Evaluation, Forest, Gumbel, Leaf, MctsConfig, Rule, Widening};
use clew_core::sudoku::rng::Rng;

/// Run `rounds` ask/tell rounds of `k` leaves, `eval(leaf) -> (priors, value, terminal, legal)`.
fn drive(
    forest: &mut Forest,
    k: usize,
    rounds: usize,
    mut eval: impl FnMut(&Leaf) -> (Vec<f32>, f32, bool, Option<Vec<bool>>),
) {
    let mut leaves = Vec::new();
    for _ in 0..rounds {
        forest.ask(k, &mut leaves);
        let results: Vec<_> = leaves.iter().map(&mut eval).collect();
        let evals: Vec<Evaluation<'_>> = leaves
            .iter()
            .zip(&results)
            .map(|(l, (p, v, t, legal))| Evaluation {
                leaf_id: l.id(),
                priors: p,
                value: *v,
                terminal: *t,
                legal: legal.as_deref(),
            })
            .collect();
        forest.tell(&evals).unwrap();
    }
}

fn visits(forest: &Forest, t: usize) -> Vec<u32> {
    let mut v = vec![0; forest.config().num_actions];
    forest.root_visits(t, &mut v);
    v
}

/// A 4-armed bandit: arm `a` pays 1 with probability MEANS[a]; a leaf's
/// value is one pull of the arm its path starts with.
const MEANS: [f64; 4] = [0.2, 0.5, 0.8, 0.4];

fn bandit(rule: Rule, seed: u64) -> Forest {
    let cfg = MctsConfig {
        rule,
        c: 1.0,
        seed,
        ..MctsConfig::new(4)
    };
    let mut forest = Forest::new(cfg, 1).unwrap();
    let mut rng = Rng::new(seed);
    // Every node below arm `a` is one more pull of arm `a`.
    let mut arm: HashMap<u32, usize> = HashMap::new();
    drive(&mut forest, 1, 2000, |leaf| {
        if leaf.action == u32::MAX {
            return (vec![0.25; 4], 0.0, false, None);
        }
        let a = if leaf.parent == 0 {
            leaf.action as usize
        } else {
            arm[&leaf.parent]
        };
        arm.insert(leaf.node, a);
        let p = MEANS[a];
        let r = if (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 > p {
            0.0
        } else {
            1.0
        };
        (vec![0.25; 4], r, false, None)
    });
    forest
}

#[test]
fn bandit_visits_go_to_the_best_arm() {
    for rule in [Rule::Puct, Rule::Uct] {
        let forest = bandit(rule, 7);
        let v = visits(&forest, 0);
        assert_eq!(forest.best_action(0), Some(2), "{rule:?}: visits {v:?}");
        assert!(
            v[2] as f64 > 0.5 * v.iter().sum::<u32>() as f64,
            "{rule:?}: {v:?}"
        );
    }
}

/// A 16-armed bandit with noisy pulls (uniform noise of +-0.08 around means
/// 1/16 apart): `sims` simulations with uniform priors; the root's choice.
fn bandit16(cfg: MctsConfig, sims: usize) -> (Forest, u32) {
    let means = |a: usize| ((a * 7) % 16) as f32 / 16.0; // best arm: 9
    let mut forest = Forest::new(cfg.clone(), 1).unwrap();
    let mut rng = Rng::new(cfg.seed ^ 0xABCD);
    let mut arm: HashMap<u32, usize> = HashMap::new();
    drive(&mut forest, 1, sims + 1, |leaf| {
        if leaf.action == u32::MAX {
            return (vec![1.0; 16], 0.5, false, None);
        }
        let a = if leaf.parent == 0 {
            leaf.action as usize
        } else {
            arm[&leaf.parent]
        };
        arm.insert(leaf.node, a);
        let noise = (rng.next_u64() >> 40) as f32 / (1u64 << 24) as f32 * 0.16 - 0.08;
        (vec![1.0; 16], means(a) + noise, false, None)
    });
    let best = forest.best_action(0).unwrap();
    (forest, best)
}

#[test]
fn gumbel_root_finds_the_best_arm_with_few_simulations() {
    let sims = 48;
    let mut found = [0, 0];
    for seed in 0..20 {
        // value_scale 1: arms 1/16 apart outweigh the Gumbel noise, so the
        // root's final choice is the best arm rather than a sample near it.
        let gumbel = MctsConfig {
            gumbel: Some(Gumbel {
                value_scale: 1.0,
                ..Gumbel::new(sims as u32)
            }),
            seed,
            ..MctsConfig::new(16)
        };
        let (forest, best) = bandit16(gumbel, sims);
        found[0] += (best == 9) as u32;
        // Sequential halving: every arm is tried, the survivors most.
        let v = visits(&forest, 0);
        assert!(v.iter().all(|&n| n >= 1), "{v:?}");
        assert_eq!(v.iter().sum::<u32>(), sims as u32);
        let puct = MctsConfig {
            seed,
            ..MctsConfig::new(16)
        };
        found[1] += (bandit16(puct, sims).1 == 9) as u32;
    }
    eprintln!("best arm found (gumbel, puct) of 20: {found:?}");
    assert!(
        found[0] >= 18,
        "gumbel found the best arm {} times of 20",
        found[0]
    );
    assert!(found[0] > found[1], "gumbel {found:?} vs puct");
}

#[test]
fn gumbel_halving_schedule_is_mctx_s() {
    // mctx: get_sequence_of_considered_visits(4, 16) (seq_halving_test.py).
    let cfg = MctsConfig {
        gumbel: Some(Gumbel {
            considered: 4,
            ..Gumbel::new(16)
        }),
        ..MctsConfig::new(4)
    };
    let (forest, _) = bandit16_like(cfg, 16);
    // 2 phases: 4 arms x 2 visits, then the best 2 arms x 4 visits.
    let mut v = visits(&forest, 0);
    v.sort_unstable();
    assert_eq!(v, vec![2, 2, 6, 6]);
}

/// A 4-armed deterministic bandit (arm a pays a / 4).
fn bandit16_like(cfg: MctsConfig, sims: usize) -> (Forest, u32) {
    let mut forest = Forest::new(cfg, 1).unwrap();
    let mut arm: HashMap<u32, usize> = HashMap::new();
    drive(&mut forest, 1, sims + 1, |leaf| {
        if leaf.action == u32::MAX {
            return (vec![1.0; 4], 0.0, false, None);
        }
        let a = if leaf.parent == 0 {
            leaf.action as usize
        } else {
            arm[&leaf.parent]
        };
        arm.insert(leaf.node, a);
        (vec![1.0; 4], a as f32 / 4.0, false, None)
    });
    let best = forest.best_action(0).unwrap();
    (forest, best)
}

#[test]
fn progressive_widening_admits_children_as_visits_grow() {
    // 100 actions, priors decreasing with the action's index reversed (the
    // best prior is action 99); every value 0, so only the widening and the
    // priors decide.
    let priors: Vec<f32> = (0..100).map(|a| (a + 1) as f32).collect();
    let run = |widening| {
        let cfg = MctsConfig {
            widening,
            ..MctsConfig::new(100)
        };
        let mut forest = Forest::new(cfg, 1).unwrap();
        drive(&mut forest, 1, 1 + 64, |_| {
            (priors.clone(), 0.0, false, None)
        });
        visits(&forest, 0)
    };
    let wide = run(Some(Widening { c: 1.0, alpha: 0.5 }));
    let tried: Vec<usize> = (0..100).filter(|&a| wide[a] > 0).collect();
    // ceil(sqrt(64)) = 8 candidates at most, the 8 of highest prior.
    assert!(tried.len() <= 8, "{tried:?}");
    assert!(tried.iter().all(|&a| a >= 92), "{tried:?}");
    assert_eq!(wide.iter().sum::<u32>(), 64);
    let plain = run(None);
    assert!((0..100).filter(|&a| plain[a] > 0).count() > tried.len());
    let bad = MctsConfig {
        widening: Some(Widening { c: 0.0, alpha: 0.5 }),
        ..MctsConfig::new(4)
    };
    assert!(Forest::new(bad, 1).is_err());
}

// ------------------------------------------------------------ tic-tac-toe

type Board = [i8; 9]; // 1: X, -1: O, 0: empty

fn winner(b: &Board) -> i8 {
    const LINES: [[usize; 3]; 8] = [
        [0, 1, 2],
        [3, 4, 5],
        [6, 7, 8],
        [0, 3, 6],
        [1, 4, 7],
        [2, 5, 8],
        [0, 4, 8],
        [2, 4, 6],
    ];
    for l in LINES {
        if b[l[0]] != 0 && b[l[0]] == b[l[1]] && b[l[1]] == b[l[2]] {
            return b[l[0]];
        }
    }
    0
}

fn to_move(b: &Board) -> i8 {
    if b.iter().filter(|&&c| c != 0).count() % 2 == 0 {
        1
    } else {
        -1
    }
}

/// The value of a random playout for the player to move at `b`.
fn rollout(b: &Board, rng: &mut Rng) -> f32 {
    let me = to_move(b);
    let mut b = *b;
    loop {
        let w = winner(&b);
        let empty: Vec<usize> = (0..9).filter(|&i| b[i] == 0).collect();
        if w != 0 || empty.is_empty() {
            return (w * me) as f32;
        }
        let m = empty[rng.below(empty.len() as u32) as usize];
        b[m] = to_move(&b);
    }
}

/// Search `root` with PUCT, uniform priors, rollout values; `k` leaves per ask.
fn tictactoe(root: Board, sims: usize, k: usize, vl: f32) -> Forest {
    let cfg = MctsConfig {
        two_player: true,
        virtual_loss: vl,
        c: 1.5,
        ..MctsConfig::new(9)
    };
    let mut forest = Forest::new(cfg, 1).unwrap();
    let mut states: HashMap<u32, Board> = HashMap::new();
    let mut rng = Rng::new(3);
    drive(&mut forest, k, sims.div_ceil(k), |leaf| {
        let b = if leaf.parent == u32::MAX {
            root
        } else {
            let mut b = states[&leaf.parent];
            b[leaf.action as usize] = to_move(&b);
            b
        };
        states.insert(leaf.node, b);
        let legal: Vec<bool> = b.iter().map(|&c| c == 0).collect();
        let w = winner(&b);
        if w != 0 || !legal.contains(&true) {
            // The player to move at a won position has lost.
            return (vec![1.0; 9], -(w.abs() as f32), true, None);
        }
        (vec![1.0; 9], rollout(&b, &mut rng), false, Some(legal))
    });
    forest
}

#[test]
fn tictactoe_takes_the_win() {
    // X to move: X X . / O O . / . . .  -> 2 wins at once.
    let b = [1, 1, 0, -1, -1, 0, 0, 0, 0];
    let forest = tictactoe(b, 800, 1, 1.0);
    assert_eq!(forest.best_action(0), Some(2), "{:?}", visits(&forest, 0));
}

#[test]
fn tictactoe_blocks_the_threat() {
    // O to move: X X . / . O . / . . .  -> 2 blocks; anything else loses.
    let b = [1, 1, 0, 0, -1, 0, 0, 0, 0];
    let forest = tictactoe(b, 1500, 1, 1.0);
    assert_eq!(forest.best_action(0), Some(2), "{:?}", visits(&forest, 0));
    // With virtual loss and 8 leaves per ask the answer is the same.
    let forest = tictactoe(b, 1500, 8, 1.0);
    assert_eq!(forest.best_action(0), Some(2), "{:?}", visits(&forest, 0));
}

#[test]
fn one_leaf_per_tree_is_sequential_search() {
    // Nothing is in flight during a walk, so virtual loss changes nothing.
    let b = [1, 0, 0, 0, -1, 0, 0, 0, 0];
    let a = tictactoe(b, 300, 1, 0.0);
    let c = tictactoe(b, 300, 1, 3.0);
    assert_eq!(visits(&a, 0), visits(&c, 0));
}

fn random_eval(
    seed: u64,
    a: usize,
) -> impl FnMut(&Leaf) -> (Vec<f32>, f32, bool, Option<Vec<bool>>) {
    move |leaf| {
        // A pure function of (tree, node), so batching cannot change it.
        let mut r = Rng::derive(seed, leaf.id());
        let p = (0..a).map(|_| r.below(1000) as f32 + 1.0).collect();
        (p, r.below(2001) as f32 / 1000.0 - 1.0, false, None)
    }
}

#[test]
fn a_batch_of_trees_searches_like_each_tree_alone() {
    let cfg = MctsConfig {
        dirichlet_fraction: 0.25,
        seed: 11,
        ..MctsConfig::new(5)
    };
    let mut batch = Forest::new(cfg.clone(), 3).unwrap();
    drive(&mut batch, 3, 60, random_eval(1, 5));
    for t in 0..3 {
        let mut alone = Forest::new(cfg.clone(), 3).unwrap();
        // Serve only tree t: ask one leaf at a time, skipping the others.
        let mut leaves = Vec::new();
        let mut eval = random_eval(1, 5);
        let mut told = 0;
        while told < 60 {
            alone.ask(1, &mut leaves);
            let l = leaves[0];
            let (p, v, _, _) = eval(&l);
            alone
                .tell(&[Evaluation {
                    leaf_id: l.id(),
                    priors: &p,
                    value: v,
                    terminal: false,
                    legal: None,
                }])
                .unwrap();
            if l.tree as usize == t {
                told += 1;
            }
        }
        assert_eq!(visits(&batch, t), visits(&alone, t), "tree {t}");
    }
}

#[test]
fn same_seed_same_tree() {
    let run = |seed| {
        let cfg = MctsConfig {
            dirichlet_fraction: 0.25,
            seed,
            ..MctsConfig::new(6)
        };
        let mut f = Forest::new(cfg, 4).unwrap();
        drive(&mut f, 8, 50, random_eval(5, 6));
        (0..4).map(|t| visits(&f, t)).collect::<Vec<_>>()
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1), run(2));
}

#[test]
fn virtual_loss_spreads_leaves_within_a_tree() {
    let mut f = Forest::new(MctsConfig::new(4), 1).unwrap();
    drive(&mut f, 1, 1, random_eval(0, 4)); // the root
    let mut leaves = Vec::new();
    f.ask(4, &mut leaves);
    let mut nodes: Vec<u32> = leaves.iter().map(|l| l.node).collect();
    nodes.dedup();
    assert_eq!(nodes.len(), 4, "{leaves:?}");
    assert_eq!(f.pending(), 4);
}

#[test]
fn advance_keeps_the_subtree() {
    let mut f = Forest::new(MctsConfig::new(3), 2).unwrap();
    drive(&mut f, 2, 100, random_eval(9, 3));
    let best = f.best_action(0).unwrap();
    let before = visits(&f, 0)[best as usize];
    f.advance(0, best).unwrap();
    assert_eq!(f.simulations(0), before);
    // The reused tree goes on searching.
    drive(&mut f, 2, 10, random_eval(9, 3));
    assert_eq!(f.simulations(0), before + 10);
}

#[test]
fn bad_tells_are_errors_and_change_nothing() {
    let mut f = Forest::new(MctsConfig::new(2), 1).unwrap();
    let mut leaves = Vec::new();
    f.ask(1, &mut leaves);
    let id = leaves[0].id();
    let ok = Evaluation {
        leaf_id: id,
        priors: &[0.5, 0.5],
        value: 0.0,
        terminal: false,
        legal: None,
    };
    let cases = [
        Evaluation {
            leaf_id: id + 5,
            ..ok
        },
        Evaluation {
            leaf_id: 7 << 32,
            ..ok
        },
        Evaluation {
            priors: &[0.5],
            ..ok
        },
        Evaluation {
            priors: &[-1.0, 0.5],
            ..ok
        },
        Evaluation {
            value: f32::NAN,
            ..ok
        },
    ];
    for bad in cases {
        assert!(f.tell(&[bad]).is_err());
        assert_eq!(f.pending(), 1);
    }
    let twice = [Evaluation { ..ok }, Evaluation { ..ok }];
    assert!(f.tell(&twice).is_err());
    assert_eq!(f.pending(), 1);
    f.tell(&[ok]).unwrap();
    assert_eq!(f.pending(), 0);
    assert!(f.tell(&[Evaluation { ..ok }]).is_err(), "told twice");
    assert!(Forest::new(MctsConfig::new(0), 1).is_err());
    assert!(Forest::new(MctsConfig::new(2), 0).is_err());
}

// ------------------------------------------- DFS, BFS, beam, best-first

mod algorithms {
    use clew_core::countdown::{HeuristicKind, Rules};
    use clew_core::search::{
        beam, best_first, bfs, dfs, Budget, CountdownEnv, Env, Stop, SudokuEnv,
    };
    use clew_core::sudoku::Grid;

    const SUDOKU: &str =
        "53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79";

    /// Replays `path` from `root` and checks it ends on a goal.
    fn replays<E: Env>(env: &mut E, root: &E::State, path: &[u32]) -> bool {
        let mut s = root.clone();
        for &a in path {
            let mut legal = Vec::new();
            env.legal_actions(&s, &mut legal);
            if !legal.contains(&a) {
                return false;
            }
            s = env.apply(&s, a);
        }
        env.is_goal(&s)
    }

    #[test]
    fn every_algorithm_solves_countdown() {
        for (nums, target) in [
            (vec![4u64, 6, 2, 1], 24u64),
            (vec![25, 5, 3, 7], 30),
            (vec![75, 50, 2, 3], 103),
        ] {
            let mut env = CountdownEnv::new(target, Rules::SOS, HeuristicKind::Sum);
            let root = CountdownEnv::root(&nums).unwrap();
            let runs = [
                ("dfs", dfs(&mut env, root, None, Budget::default())),
                ("bfs", bfs(&mut env, root, Budget::default())),
                ("beam", beam(&mut env, root, 500, Budget::default())),
                (
                    "greedy",
                    best_first(&mut env, root, false, Budget::default()),
                ),
                ("astar", best_first(&mut env, root, true, Budget::default())),
            ];
            for (name, out) in runs {
                assert_eq!(out.stop, Stop::Solved, "{name} {nums:?} {target}");
                assert_eq!(out.path.len(), nums.len() - 1, "{name}");
                assert!(replays(&mut env, &root, &out.path), "{name}");
                assert_eq!(out.goal.unwrap().as_slice(), &[target]);
                assert!(out.spent.nodes > 1 && out.spent.cost == out.spent.cost.floor());
            }
        }
    }

    #[test]
    fn every_algorithm_solves_sudoku() {
        let root = Grid::parse(SUDOKU, None).unwrap();
        let mut env = SudokuEnv;
        let runs = [
            ("dfs", dfs(&mut env, root.clone(), None, Budget::default())),
            ("beam", beam(&mut env, root.clone(), 8, Budget::default())),
            (
                "greedy",
                best_first(&mut env, root.clone(), false, Budget::default()),
            ),
        ];
        for (name, out) in runs {
            assert_eq!(out.stop, Stop::Solved, "{name}");
            assert!(out.goal.as_ref().unwrap().solves(&root), "{name}");
            assert_eq!(out.path.len(), root.empties(), "{name}");
            assert!(replays(&mut env, &root, &out.path), "{name}");
        }
    }

    #[test]
    fn budgets_stop_and_report() {
        let mut env = CountdownEnv::new(999, Rules::SOS, HeuristicKind::Sum);
        let root = CountdownEnv::root(&[1, 2, 3, 4, 5]).unwrap();
        let nodes = Budget {
            nodes: Some(100),
            ..Budget::default()
        };
        let out = bfs(&mut env, root, nodes);
        assert_eq!(out.stop, Stop::Budget("nodes"));
        assert_eq!(out.spent.nodes, 100);
        assert!(out.path.is_empty() && out.goal.is_none());
        let evals = Budget {
            evaluations: Some(50),
            ..Budget::default()
        };
        let out = best_first(&mut env, root, true, evals);
        assert_eq!(
            (out.stop, out.spent.evaluations),
            (Stop::Budget("evaluations"), 50)
        );
        let cost = Budget {
            cost: Some(30.0),
            ..Budget::default()
        };
        let out = dfs(&mut env, root, None, cost);
        assert_eq!((out.stop, out.spent.cost), (Stop::Budget("cost"), 30.0));
        // 1..5 cannot make 999 with every number used: exhausted, not solved.
        let small = CountdownEnv::root(&[1, 2, 3]).unwrap();
        assert_eq!(
            dfs(&mut env, small, None, Budget::default()).stop,
            Stop::Exhausted
        );
    }
}

// ------------------------------------------- batched expansion (Env::prepare)

mod batched {
    use clew_core::countdown::{HeuristicKind, Rules, State};
    use clew_core::search::{
        beam, best_first, best_of_n, bfs, dfs, particle_filter, Budget, CountdownEnv, Env, Scores,
        Stop,
    };

    /// Countdown answering in batches: `prepare` records each batch and
    /// scores the children with value `1 - h / 2^20` (exact, so `1 -
    /// value` orders them as the heuristic does) and prior `1 / (1 + h)`.
    struct Batched {
        inner: CountdownEnv,
        batches: Vec<Vec<State>>,
    }

    impl Batched {
        fn new(target: u64) -> Batched {
            Batched {
                inner: CountdownEnv::new(target, Rules::SOS, HeuristicKind::Sum),
                batches: Vec::new(),
            }
        }
    }

    impl Env for Batched {
        type State = State;
        fn legal_actions(&mut self, s: &State, out: &mut Vec<u32>) {
            self.inner.legal_actions(s, out)
        }
        fn apply(&mut self, s: &State, a: u32) -> State {
            self.inner.apply(s, a)
        }
        fn is_terminal(&mut self, s: &State) -> bool {
            self.inner.is_terminal(s)
        }
        fn reward(&mut self, s: &State) -> f64 {
            self.inner.reward(s)
        }
        /// As a Python env's: the terminal states are not expanded.
        fn prepare(&mut self, states: &[&State]) {
            let live: Vec<State> = states
                .iter()
                .map(|&&s| s)
                .filter(|s| !self.inner.is_terminal(s))
                .collect();
            if !live.is_empty() {
                self.batches.push(live);
            }
        }
        fn batched(&self) -> bool {
            true
        }
        fn scores(&mut self, s: &State) -> Option<Scores> {
            let mut actions = Vec::new();
            self.inner.legal_actions(s, &mut actions);
            let hs: Vec<f64> = actions
                .iter()
                .map(|&a| {
                    let child = self.inner.apply(s, a);
                    self.inner.heuristic(&child).unwrap()
                })
                .collect();
            let values = hs.iter().map(|h| 1.0 - h / f64::from(1 << 20)).collect();
            let priors = hs.iter().map(|h| 1.0 / (1.0 + h)).collect();
            Some(Scores { priors, values })
        }
    }

    const NUMBERS: [u64; 4] = [4, 6, 2, 1];

    #[test]
    fn scores_stand_in_for_the_heuristic() {
        let root = CountdownEnv::root(&NUMBERS).unwrap();
        let b = Budget::default();
        let plain = &mut CountdownEnv::new(24, Rules::SOS, HeuristicKind::Sum);
        let pairs = [
            (
                beam(plain, root, 20, b),
                beam(&mut Batched::new(24), root, 20, b),
            ),
            (bfs(plain, root, b), bfs(&mut Batched::new(24), root, b)),
            (
                dfs(plain, root, None, b),
                dfs(&mut Batched::new(24), root, None, b),
            ),
            (
                best_first(plain, root, false, b),
                best_first(&mut Batched::new(24), root, false, b),
            ),
        ];
        for (p, q) in pairs {
            assert_eq!(q.stop, Stop::Solved);
            assert_eq!(
                (p.stop, &p.path, p.spent.nodes),
                (q.stop, &q.path, q.spent.nodes)
            );
        }
    }

    #[test]
    fn one_batch_per_level_and_per_step() {
        let root = CountdownEnv::root(&NUMBERS).unwrap();
        let b = Budget::default();
        // Countdown with 4 numbers is 3 steps deep: a beam level, a BFS
        // depth, a particle step or a best-of-N depth per batch, each
        // batch's states one step deeper than the last.
        let mut env = Batched::new(999);
        beam(&mut env, root, 5, b);
        assert_eq!(
            env.batches.iter().map(Vec::len).collect::<Vec<_>>(),
            [1, 5, 5]
        );
        let depths = |env: &Batched| -> Vec<usize> {
            env.batches
                .iter()
                .map(|batch| {
                    let n = batch[0].len();
                    assert!(batch.iter().all(|s| s.len() == n));
                    NUMBERS.len() - n
                })
                .collect()
        };
        for run in [
            |e: &mut Batched, r| drop(bfs(e, r, Budget::default())),
            |e: &mut Batched, r| drop(particle_filter(e, r, 8, 1.0, 7, Budget::default())),
            |e: &mut Batched, r| drop(best_of_n(e, r, 8, 1.0, 7, Budget::default())),
        ] {
            let mut env = Batched::new(999);
            run(&mut env, root);
            assert_eq!(depths(&env), [0, 1, 2]);
        }
    }

    #[test]
    fn best_of_n_in_lockstep_is_deterministic() {
        let root = CountdownEnv::root(&NUMBERS).unwrap();
        let run = || {
            let mut env = Batched::new(24);
            let out = best_of_n(&mut env, root, 64, 0.5, 3, Budget::default());
            (out.stop, out.path, out.spent.nodes, env.batches)
        };
        let first = run();
        assert_eq!(first.0, Stop::Solved);
        assert_eq!(first, run());
    }
}
