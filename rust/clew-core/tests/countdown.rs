//! Countdown core: complete solving against brute force, searches with and
//! without recording agree, every rendered trace replays through the
//! validator, and generators only give solvable instances.

use clew_core::countdown::expr::python_eval;
use clew_core::countdown::generate::{GenConfig, Generator, Rng};
use clew_core::countdown::record::{check_instance, SearchKind, TraceOptions, Tracer};
use clew_core::countdown::search::{self, Shuffle};
use clew_core::countdown::solve::{solvable, solve_all, solve_one};
use clew_core::countdown::{Heuristic, HeuristicKind, Rules, State};
use clew_core::trace::validate::validate_sos;
use clew_core::trace::{NoRecord, Tree};
use clew_core::ClewError;

/// Every value reachable using all the numbers, by plain recursion.
fn brute(nums: &[u64], out: &mut Vec<u64>) {
    if nums.len() == 1 {
        out.push(nums[0]);
        return;
    }
    for i in 0..nums.len() {
        for j in i + 1..nums.len() {
            let (a, b) = (nums[i], nums[j]);
            let (big, small) = (a.max(b), a.min(b));
            let mut vals = vec![a + b, a * b, big - small];
            if small != 0 && big % small == 0 {
                vals.push(big / small);
            }
            let rest: Vec<u64> = (0..nums.len())
                .filter(|&k| k != i && k != j)
                .map(|k| nums[k])
                .collect();
            for v in vals {
                let mut next = rest.clone();
                next.push(v);
                brute(&next, out);
            }
        }
    }
}

#[test]
fn solve_one_is_complete_and_exact() {
    let mut rng = Rng::new(1);
    let (mut yes, mut no) = (0, 0);
    for _ in 0..600 {
        let k = rng.range(2, 4) as usize;
        let nums: Vec<u64> = (0..k).map(|_| rng.range(0, 25)).collect();
        let target = rng.range(0, 100);
        let mut reach = Vec::new();
        brute(&nums, &mut reach);
        let found = solve_one(&State::new(&nums), target, Rules::SOS, &mut || false).unwrap();
        assert_eq!(
            found.is_some(),
            reach.contains(&target),
            "{nums:?} -> {target}"
        );
        assert_eq!(solvable(&nums, target), reach.contains(&target));
        if let Some(sol) = found {
            assert!(
                python_eval(&sol.expr).unwrap().equals(target),
                "{}",
                sol.expr
            );
            assert_eq!(sol.steps.len(), k - 1);
            yes += 1;
        } else {
            no += 1;
        }
    }
    assert!(yes > 50 && no > 50);
}

#[test]
fn all_solutions_are_distinct_and_valid() {
    let s = State::new(&[1, 2, 3, 4]);
    let all = solve_all(&s, 10, Rules::SOS, None, None, &mut || false).unwrap();
    assert!(all.len() > 10);
    let mut dedup = all.clone();
    dedup.dedup();
    assert_eq!(dedup.len(), all.len());
    for e in &all {
        assert!(python_eval(e).unwrap().equals(10), "{e}");
    }
    assert!(all.contains(&"4+3+2+1".to_string()));
}

#[test]
fn interrupt_stops_a_long_solve() {
    let s = State::new(&[3, 7, 11, 13, 17, 19, 23, 29]);
    let mut calls = 0;
    let r = solve_one(&s, 100_000_007, Rules::SOS, &mut || {
        calls += 1;
        calls > 3
    });
    assert!(r.is_err());
}

#[test]
fn recording_does_not_change_the_search() {
    let mut g = Generator::new(GenConfig::sos("all", 0).unwrap(), 5).unwrap();
    for _ in 0..100 {
        let (nums, t) = g.next_instance().unwrap();
        let s = State::new(&nums);
        for kind in [HeuristicKind::Sum, HeuristicKind::Mult] {
            let h = Heuristic::new(kind, t);
            let mut tree = Tree::new();
            let a = search::sos_dfs(&s, t, &h, Some(t as f64), Rules::SOS, &mut NoRecord);
            let b = search::sos_dfs(&s, t, &h, Some(t as f64), Rules::SOS, &mut tree);
            assert_eq!(a, b);
            assert_eq!(tree.expansions() as u64, a.stats.expanded);
            let a = search::sos_bfs(
                &s,
                t,
                &h,
                3,
                Rules::SOS,
                &mut Shuffle::Sorted,
                &mut NoRecord,
            )
            .unwrap();
            let b =
                search::sos_bfs(&s, t, &h, 3, Rules::SOS, &mut Shuffle::Sorted, &mut tree).unwrap();
            assert_eq!(a, b);
        }
    }
}

#[test]
fn every_trace_validates() {
    let mut g = Generator::new(GenConfig::reasoning_gym(), 9).unwrap();
    let mut tracer = Tracer::new();
    for n in 0..60 {
        let (nums, t) = g.next_instance().unwrap();
        let nums: Vec<u64> = nums.into_iter().take(4).collect();
        let numbers: Vec<i64> = nums.iter().map(|&v| v as i64).collect();
        for search in [
            SearchKind::Dfs,
            SearchKind::Bfs,
            SearchKind::BestFirst,
            SearchKind::Beam,
        ] {
            let opts = TraceOptions {
                search,
                heuristic: if n % 2 == 0 {
                    HeuristicKind::Sum
                } else {
                    HeuristicKind::Mult
                },
                beam_size: Some(1 + n % 5),
                seed: Some(n as i128),
                ..TraceOptions::default()
            };
            let rec = tracer.trace(&numbers, (t % 100) as i64, &opts).unwrap();
            let v = validate_sos(&rec.text, Some(&nums), Some(t % 100));
            assert!(v.valid, "{search:?} {nums:?} {}: {v:?}", t % 100);
            assert_eq!(v.solved, rec.solution.is_some());
            assert_eq!(rec.length, rec.text.len());
        }
    }
}

#[test]
fn bad_instances_are_puzzle_errors() {
    for (nums, t) in [
        (vec![1], 3),
        (vec![1; 9], 3),
        (vec![1, -1], 3),
        (vec![1, 2], -1),
        (vec![1 << 40, 1 << 40], 3),
    ] {
        assert!(
            matches!(check_instance(&nums, t), Err(ClewError::Puzzle(_))),
            "{nums:?}"
        );
    }
    assert!(check_instance(&[25, 50, 75, 100, 3, 6, 7, 8], 952).is_ok());
}

#[test]
fn the_walk_renderer_agrees_with_the_sos_renderer() {
    use clew_core::trace::render::{sos, walk};
    let mut g = Generator::new(GenConfig::sos("all", 0).unwrap(), 11).unwrap();
    for n in 0..200 {
        let (nums, t) = g.next_instance().unwrap();
        let s = State::new(&nums);
        let kind = if n % 2 == 0 {
            HeuristicKind::Sum
        } else {
            HeuristicKind::Mult
        };
        let h = Heuristic::new(kind, t);
        let mut tree = Tree::new();
        search::sos_dfs(&s, t, &h, Some(t as f64), Rules::SOS, &mut tree);
        let mut a = Vec::new();
        sos::dfs(&tree, &s, t, &mut a);
        let mut b = Vec::new();
        let w = walk::dfs_walk(&tree);
        // The whole search shows every node it labels: both labellings agree.
        for labels in [walk::NodeLabels::Shown, walk::NodeLabels::Search] {
            b.clear();
            walk::render(walk::WalkStyle::Sos, &tree, &w, &s, t, labels, &mut b);
            assert_eq!(
                String::from_utf8(a.clone()).unwrap(),
                String::from_utf8(b.clone()).unwrap()
            );
        }
    }
}

#[test]
fn selected_walks_label_the_nodes_they_show() {
    use clew_core::trace::render::walk::NodeLabels;
    use clew_core::trace::validate::{validate_sos_labels, NodeLabelCheck};
    let mut g = Generator::new(GenConfig::sos("all", 0).unwrap(), 5).unwrap();
    let mut tracer = Tracer::new();
    let mut gaps = 0;
    for _ in 0..150 {
        let (nums, t) = g.next_instance().unwrap();
        let numbers: Vec<i64> = nums.iter().map(|&v| v as i64).collect();
        for k in 0..3 {
            let opts = |node_labels| TraceOptions {
                backtracks: Some(k),
                node_labels,
                ..TraceOptions::default()
            };
            let Ok(shown) = tracer.trace(&numbers, t as i64, &opts(NodeLabels::Shown)) else {
                continue;
            };
            let search = tracer
                .trace(&numbers, t as i64, &opts(NodeLabels::Search))
                .unwrap();
            let check = |text: &str, c| validate_sos_labels(text, Some(&nums), Some(t), c);
            assert!(
                check(&shown.text, NodeLabelCheck::Shown).valid,
                "{}",
                shown.text
            );
            assert!(check(&search.text, NodeLabelCheck::Search).valid);
            assert!(check(&search.text, NodeLabelCheck::Any).valid);
            if !check(&search.text, NodeLabelCheck::Shown).valid {
                gaps += 1;
            }
            assert!(shown.text.len() <= search.text.len());
        }
    }
    assert!(gaps > 50, "{gaps}");
}
