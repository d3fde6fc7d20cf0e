//! A CNF formula as a bipartite graph (NeuroBack's form), the input of the
//! phase-predicting graph network in `clew.neural`.
//!
//! Nodes: one per variable (`0..num_vars`, variable `v` is node `v - 1`),
//! then one per clause (`num_vars + i` for clause `i`). Edges: one per
//! literal occurrence, from its variable's node to its clause's node, with
//! the literal's sign (+1 / -1). There is no global node: a per-graph
//! readout is a mean over the nodes of one graph, which the network gets
//! from the graph index without a hub of degree `num_clauses`.
//!
//! Clauses arrive flat (`literals` and CSR `clause_offsets`, offsets[0] = 0,
//! offsets[m] = len(literals)), the phase-data format; a clause list is
//! flattened into it first.

use crate::error::{ClewError, Result};

use super::MAX_VAR;

/// Node kinds (`CnfGraph::node_type`).
pub const VARIABLE_NODE: i8 = 0;
pub const CLAUSE_NODE: i8 = 1;

/// The graph of one formula, as flat arrays.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CnfGraph {
    pub num_vars: usize,
    pub num_clauses: usize,
    /// Source (variable) node of each edge.
    pub edge_src: Vec<i64>,
    /// Target (clause) node of each edge.
    pub edge_dst: Vec<i64>,
    /// +1 for a positive literal, -1 for a negative one.
    pub edge_sign: Vec<i8>,
    /// `VARIABLE_NODE` for the first `num_vars` nodes, `CLAUSE_NODE` after.
    pub node_type: Vec<i8>,
}

/// Check CSR offsets against the literal count: one more offset than
/// clauses, starting at 0, never decreasing, ending at `num_literals`.
fn check_offsets(offsets: &[i64], num_literals: usize) -> Result<()> {
    let bad = |m: String| Err(ClewError::InvalidInput(m));
    match (offsets.first(), offsets.last()) {
        (None, _) => bad("clause_offsets is empty: it needs num_clauses + 1 entries, starting at 0".into()),
        (Some(&first), _) if first != 0 => bad(format!("clause_offsets must start at 0, not {first}")),
        (_, Some(&last)) if last != num_literals as i64 => bad(format!(
            "clause_offsets must end at len(literals) = {num_literals}, not {last} (it holds num_clauses + 1 entries)"
        )),
        _ => match offsets.windows(2).position(|w| w[1] < w[0]) {
            Some(i) => bad(format!(
                "clause_offsets decrease at index {}: {} then {}",
                i + 1,
                offsets[i],
                offsets[i + 1]
            )),
            None => Ok(()),
        },
    }
}

/// The graph of the clauses `literals[offsets[i]..offsets[i + 1]]`.
///
/// `num_vars`: the variable count (every literal must be within it);
/// `None` takes the largest variable used (0 for a formula without
/// literals). A zero literal, a literal beyond `num_vars` or malformed
/// offsets are `InvalidInput`/`InvalidLiteral` errors naming the clause.
/// An empty formula gives `num_vars` variable nodes and no clause nodes;
/// an empty clause gives a clause node without edges.
pub fn cnf_graph(literals: &[i32], offsets: &[i64], num_vars: Option<usize>) -> Result<CnfGraph> {
    check_offsets(offsets, literals.len())?;
    let num_clauses = offsets.len() - 1;
    let clause_of = |k: usize| offsets.partition_point(|&o| o <= k as i64) - 1;
    if let Some(k) = literals.iter().position(|&l| l == 0 || l == i32::MIN) {
        return Err(ClewError::InvalidLiteral(format!(
            "literal {} in clause {} is not a non-zero integer literal",
            literals[k],
            clause_of(k)
        )));
    }
    let used = literals.iter().map(|l| l.unsigned_abs()).max().unwrap_or(0) as usize;
    let num_vars = match num_vars {
        None => used,
        Some(n) if n > MAX_VAR as usize => {
            return Err(ClewError::InvalidInput(format!(
                "num_vars={n} is beyond the largest variable clew accepts ({MAX_VAR})"
            )))
        }
        Some(n) if used > n => {
            let k = literals
                .iter()
                .position(|l| l.unsigned_abs() as usize > n)
                .expect("a literal beyond num_vars");
            return Err(ClewError::InvalidLiteral(format!(
                "literal {} in clause {} is beyond num_vars={n}",
                literals[k],
                clause_of(k)
            )));
        }
        Some(n) => n,
    };
    let mut edge_dst = Vec::with_capacity(literals.len());
    for (i, w) in offsets.windows(2).enumerate() {
        let node = (num_vars + i) as i64;
        edge_dst.extend(std::iter::repeat_n(node, (w[1] - w[0]) as usize));
    }
    let mut node_type = vec![VARIABLE_NODE; num_vars];
    node_type.resize(num_vars + num_clauses, CLAUSE_NODE);
    Ok(CnfGraph {
        num_vars,
        num_clauses,
        edge_src: literals
            .iter()
            .map(|l| (l.unsigned_abs() - 1) as i64)
            .collect(),
        edge_dst,
        edge_sign: literals
            .iter()
            .map(|&l| if l > 0 { 1 } else { -1 })
            .collect(),
        node_type,
    })
}

/// Flatten a clause list into (literals, CSR offsets).
pub fn flatten(clauses: &[Vec<i32>]) -> (Vec<i32>, Vec<i64>) {
    let mut literals = Vec::with_capacity(clauses.iter().map(Vec::len).sum());
    let mut offsets = Vec::with_capacity(clauses.len() + 1);
    offsets.push(0);
    for c in clauses {
        literals.extend_from_slice(c);
        offsets.push(literals.len() as i64);
    }
    (literals, offsets)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(clauses: &[Vec<i32>], n: Option<usize>) -> Result<CnfGraph> {
        let (l, o) = flatten(clauses);
        cnf_graph(&l, &o, n)
    }

    #[test]
    fn small_formula_by_hand() {
        // (x1 | -x2) & (x2 | x3) & (-x1), 3 variables: nodes 0-2, clauses 3-5.
        let g = graph(&[vec![1, -2], vec![2, 3], vec![-1]], None).unwrap();
        assert_eq!((g.num_vars, g.num_clauses), (3, 3));
        assert_eq!(g.edge_src, vec![0, 1, 1, 2, 0]);
        assert_eq!(g.edge_dst, vec![3, 3, 4, 4, 5]);
        assert_eq!(g.edge_sign, vec![1, -1, 1, 1, -1]);
        assert_eq!(g.node_type, vec![0, 0, 0, 1, 1, 1]);
    }

    #[test]
    fn num_vars_pads_and_empty_cases() {
        let g = graph(&[vec![1]], Some(3)).unwrap();
        assert_eq!(g.node_type, vec![0, 0, 0, 1]);
        let g = graph(&[], None).unwrap();
        assert_eq!((g.num_vars, g.num_clauses, g.node_type.len()), (0, 0, 0));
        let g = graph(&[vec![]], Some(2)).unwrap();
        assert_eq!((g.node_type.len(), g.edge_src.len()), (3, 0));
    }

    #[test]
    fn bad_input_is_an_error() {
        let e = graph(&[vec![1], vec![2, 0]], None).unwrap_err();
        assert!(e.to_string().contains("clause 1"), "{e}");
        let e = graph(&[vec![1], vec![-4]], Some(3)).unwrap_err();
        assert!(e.to_string().contains("beyond num_vars=3"), "{e}");
        assert!(cnf_graph(&[1, 2], &[0, 1], None).is_err());
        assert!(cnf_graph(&[1, 2], &[1, 2], None).is_err());
        assert!(cnf_graph(&[1, 2], &[0, 2, 1, 2], None).is_err());
        assert!(cnf_graph(&[], &[], None).is_err());
    }
}
