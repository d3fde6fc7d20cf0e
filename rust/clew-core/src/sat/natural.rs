//! Formulas as natural-language rules, after NLSat (Richardson and
//! Sabharwal, 2022): each variable is a statement "<name> is <adjective>",
//! each clause a rule "If A and B then C." (the clause's first literals
//! negated as conditions, its last as the conclusion), and the question is
//! whether all the rules can hold at once.

use std::fmt::Write;

const NAMES: [&str; 16] = [
    "Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory",
    "Niaj", "Olivia", "Peggy", "Rupert", "Sybil",
];
const ADJECTIVES: [&str; 16] = [
    "big", "blue", "cold", "kind", "quiet", "red", "rough", "round", "smart", "young", "green",
    "nice", "furry", "white", "tall", "calm",
];

/// Variables a rendering can name.
pub const MAX_VARS: u32 = (NAMES.len() * ADJECTIVES.len()) as u32;

/// A literal as a statement: `Alice is big`, `Bob is not red`.
pub fn statement(out: &mut String, lit: i32) {
    // A bijection onto (name, adjective) pairs that varies both even for a
    // few variables: Alice is big, Bob is red, Carol is green, ...
    let v = lit.unsigned_abs() as usize - 1;
    let (a, b) = (
        v % NAMES.len(),
        (v / NAMES.len() + 5 * (v % NAMES.len())) % ADJECTIVES.len(),
    );
    let (who, what) = (NAMES[a], ADJECTIVES[b]);
    let not = if lit < 0 { "not " } else { "" };
    let _ = write!(out, "{who} is {not}{what}");
}

/// The rules of a formula, one per line, then the question.
pub fn rules(clauses: &[Vec<i32>]) -> String {
    let mut out = String::new();
    for c in clauses {
        match c.split_last() {
            None => out.push_str("Nothing is possible.\n"),
            Some((last, [])) => {
                statement(&mut out, *last);
                out.push_str(".\n");
            }
            Some((last, conds)) => {
                out.push_str("If ");
                for (i, &l) in conds.iter().enumerate() {
                    if i > 0 {
                        out.push_str(" and ");
                    }
                    statement(&mut out, -l);
                }
                out.push_str(" then ");
                statement(&mut out, *last);
                out.push_str(".\n");
            }
        }
    }
    out.push_str("Can all of these rules be true at the same time?\n");
    out
}

/// The answer: "Yes" and the facts of a model, or "No".
pub fn answer(model: Option<&[i32]>) -> String {
    match model {
        None => "No".to_string(),
        Some(m) => {
            let mut out = String::from("Yes: ");
            for (i, &l) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                statement(&mut out, l);
            }
            out.push('.');
            out
        }
    }
}
