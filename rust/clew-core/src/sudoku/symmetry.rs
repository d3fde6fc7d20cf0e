//! A key for a puzzle up to its symmetries, for deduplicating datasets and
//! assigning splits: the same key for every puzzle reachable by relabelling
//! the values, permuting rows within a band, bands, columns within a stack,
//! stacks, and transposing.
//!
//! Computing a true canonical form (minlex) costs thousands of candidate
//! transformations per puzzle; instead the puzzle becomes a graph (cells,
//! lines, boxes, bands/stacks, values) and the key hashes its colour
//! refinement (Weisfeiler-Leman). Every symmetry is an isomorphism of that
//! graph, so equivalent puzzles always share a key; distinct puzzles share
//! one only by a rare collision of the refinement, which can only make a
//! dataset drop a puzzle, never hold one twice or in two splits.

use super::board::Geometry;
use crate::dataset::{hash_words, mix64};

/// Refinement rounds: enough to carry a value through cell, line, band.
const ROUNDS: usize = 4;

// Edge kinds. Rows and columns share one kind (and bands and stacks one),
// so that transposing changes nothing.
const LINE: u64 = 0x1111_2222_3333_4444;
const BOX: u64 = 0x5555_6666_7777_8888;
const VALUE: u64 = 0x9999_aaaa_bbbb_cccc;
const CHUTE: u64 = 0xdddd_eeee_ffff_0001;

#[inline]
fn edge(kind: u64, colour: u64) -> u64 {
    mix64(colour ^ kind)
}

/// The symmetry key of a grid (`cells`: 0 for blank, 1..=N for values).
pub fn symmetry_key(geom: &Geometry, cells: &[u8]) -> u64 {
    let n = geom.n;
    let (br, bc) = (geom.box_rows, geom.box_cols);
    // Node layout: cells, then 2n lines (rows, columns), n boxes, the
    // chutes (n/br bands, n/bc stacks), n values.
    let lines = n * n;
    let boxes = lines + 2 * n;
    let chutes = boxes + n;
    let values = chutes + n / br + n / bc;
    let total = values + n;
    let kind_of = |v: usize| -> u64 {
        if v < lines {
            1
        } else if v < boxes {
            2
        } else if v < chutes {
            3
        } else if v < values {
            4
        } else {
            5
        }
    };
    let mut colour: Vec<u64> = (0..total).map(|v| mix64(kind_of(v))).collect();
    let mut acc = vec![0u64; total];
    for _ in 0..ROUNDS {
        acc.iter_mut().for_each(|a| *a = 0);
        for (cell, &value) in cells.iter().enumerate() {
            let (r, c) = (cell / n, cell % n);
            let b = (r / br) * (n / bc) + c / bc;
            let nbrs = [(lines + r, LINE), (lines + n + c, LINE), (boxes + b, BOX)];
            for (other, kind) in nbrs {
                acc[cell] = acc[cell].wrapping_add(edge(kind, colour[other]));
                acc[other] = acc[other].wrapping_add(edge(kind, colour[cell]));
            }
            if value != 0 {
                let v = values + value as usize - 1;
                acc[cell] = acc[cell].wrapping_add(edge(VALUE, colour[v]));
                acc[v] = acc[v].wrapping_add(edge(VALUE, colour[cell]));
            }
        }
        for r in 0..n {
            for (line, chute) in [
                (lines + r, chutes + r / br),
                (lines + n + r, chutes + n / br + r / bc),
            ] {
                acc[line] = acc[line].wrapping_add(edge(CHUTE, colour[chute]));
                acc[chute] = acc[chute].wrapping_add(edge(CHUTE, colour[line]));
            }
        }
        for (c, a) in colour.iter_mut().zip(&acc) {
            *c = mix64(*c ^ mix64(*a));
        }
    }
    // The multiset of final colours, with the geometry up to transposition.
    let multiset = colour.iter().fold(0u64, |s, &c| s.wrapping_add(mix64(c)));
    hash_words([2, n as u64, br.min(bc) as u64, br.max(bc) as u64, multiset])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sudoku::rng::Rng;
    use crate::sudoku::{generate, GenerateOptions};

    /// Apply a random symmetry of the geometry to `cells`.
    fn transform(geom: &Geometry, cells: &[u8], rng: &mut Rng) -> Vec<u8> {
        let n = geom.n;
        let (br, bc) = (geom.box_rows, geom.box_cols);
        let perm = |groups: usize, size: usize, rng: &mut Rng| -> Vec<usize> {
            let mut outer: Vec<usize> = (0..groups).collect();
            rng.shuffle(&mut outer);
            let mut out = Vec::new();
            for g in outer {
                let mut inner: Vec<usize> = (0..size).collect();
                rng.shuffle(&mut inner);
                out.extend(inner.into_iter().map(|i| g * size + i));
            }
            out
        };
        let rows = perm(n / br, br, rng);
        let cols = perm(n / bc, bc, rng);
        let mut relabel: Vec<u8> = (1..=n as u8).collect();
        rng.shuffle(&mut relabel);
        let transpose = br == bc && rng.below(2) == 1;
        let mut out = vec![0u8; n * n];
        for r in 0..n {
            for c in 0..n {
                let v = cells[rows[r] * n + cols[c]];
                let v = if v == 0 { 0 } else { relabel[v as usize - 1] };
                let at = if transpose { c * n + r } else { r * n + c };
                out[at] = v;
            }
        }
        out
    }

    #[test]
    fn invariant_under_symmetries_and_distinct_otherwise() {
        for (br, bc) in [(2, 2), (2, 3), (3, 3), (4, 4)] {
            let geom = Geometry::cached(br, bc).unwrap();
            let mut rng = Rng::new(7);
            let mut keys = std::collections::HashSet::new();
            let count = if br * bc >= 16 { 20 } else { 200 };
            for seed in 0..count {
                let opts = GenerateOptions {
                    seed,
                    ..Default::default()
                };
                let g = generate(geom, &opts).unwrap();
                let cells = g.puzzle.cells.clone();
                let key = symmetry_key(geom, &cells);
                for _ in 0..5 {
                    assert_eq!(key, symmetry_key(geom, &transform(geom, &cells, &mut rng)));
                }
                keys.insert(key);
            }
            // 4x4 minimal puzzles repeat up to symmetry; larger ones should not.
            if br * bc >= 6 {
                assert_eq!(keys.len(), count as usize, "{br}x{bc}");
            }
        }
    }
}
