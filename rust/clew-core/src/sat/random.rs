//! Random k-SAT formulas from a seed (the dataset generator's instances):
//! `m` clauses of `k` distinct variables out of `n`, each negated with
//! probability 1/2. Near `m/n = 4.26` for k = 3 about half are satisfiable
//! and they are hardest.

use crate::countdown::generate::Rng;
use crate::dataset::hash_words;

/// The formula for `seed`, in DIMACS literals.
pub fn random_ksat(n: u32, m: usize, k: usize, seed: u64) -> Vec<Vec<i32>> {
    assert!(k as u32 <= n, "k-SAT needs at least k variables");
    let mut rng = Rng::new(seed);
    (0..m)
        .map(|_| {
            let mut clause: Vec<i32> = Vec::with_capacity(k);
            while clause.len() < k {
                let v = rng.below(n as u64) as i32 + 1;
                if clause.iter().all(|l| l.abs() != v) {
                    clause.push(if rng.below(2) == 1 { -v } else { v });
                }
            }
            clause
        })
        .collect()
}

/// A key for a formula up to the order of its clauses and of the literals
/// in each clause (variable renaming is not folded: random formulas that
/// differ only by a renaming are rare and count as different puzzles).
pub fn formula_key(n: u32, clauses: &[Vec<i32>]) -> u64 {
    let mut sorted: Vec<Vec<i32>> = clauses
        .iter()
        .map(|c| {
            let mut c = c.clone();
            c.sort_unstable();
            c
        })
        .collect();
    sorted.sort_unstable();
    let words = [3u64, n as u64].into_iter().chain(
        sorted
            .iter()
            .flat_map(|c| std::iter::once(u64::MAX).chain(c.iter().map(|&l| l as i64 as u64))),
    );
    hash_words(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_seeded_and_keys_ignore_order() {
        let f = random_ksat(20, 85, 3, 7);
        assert_eq!(f, random_ksat(20, 85, 3, 7));
        assert_ne!(f, random_ksat(20, 85, 3, 8));
        assert!(f
            .iter()
            .all(|c| c.len() == 3 && c.iter().all(|l| (1..=20).contains(&l.abs()))));
        let mut g = f.clone();
        g.reverse();
        g[0].reverse();
        assert_eq!(formula_key(20, &f), formula_key(20, &g));
        assert_ne!(formula_key(20, &f), formula_key(21, &f));
    }
}
