//! Replay a rendered Countdown trace and check every step.
//!
//! [`validate_sos`] reads the `sos` grammar (Stream of Search's DFS and BFS
//! streams and clew's other searches in that format):
//!
//! * the first line is the root's `Current State: T:[...], Operations: []`
//!   (and matches the instance when one is given);
//! * every `Current State` is reached by replaying its operations from the
//!   root, each legal, and its numbers are what they produce;
//! * every `Exploring Operation: a?b=c, Resulting Numbers: [...]` is a legal
//!   step (SoS rules: `a+b`, `a*b`, larger minus smaller, exact division,
//!   both operands available) from the current state, and the numbers are
//!   the current ones less `a` and `b` plus `c` (`c` last);
//! * it is followed by the right verdict (`n,T equal: Goal Reached` exactly
//!   when the single number is the target, else `unequal: No Solution`) or by
//!   `Generated Node #label: T:[...] Operation: ...` naming the same step,
//!   whose label is a new child label of the current node (the root is `0`,
//!   a node reached by `Moving to Node #label` is `label`); with
//!   [`NodeLabelCheck::Shown`] its last index must also be the number of
//!   children explored from that node before it (what a depth-first trace
//!   with shown labels writes), with [`NodeLabelCheck::Search`] at least that
//!   (the full search's labels skip the siblings a selected trace leaves out);
//! * `Moving to Node #label` names a known label and is followed by a
//!   `Current State`; a goal line or `No solution found.` ends the text.

use std::collections::{HashMap, HashSet};

use crate::countdown::state::OpKind;

/// The verdict on one trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Validation {
    /// Every line checked out.
    pub valid: bool,
    /// It ends with a correct "Goal Reached".
    pub solved: bool,
    /// Steps (`Exploring Operation` lines) checked.
    pub steps: usize,
    /// 1-based line of the first error (0 when valid).
    pub line: usize,
    pub message: Option<String>,
}

fn parse_list(s: &str) -> Option<Vec<u64>> {
    let inner = s.strip_prefix('[')?.strip_suffix(']')?;
    if inner.is_empty() {
        return Some(Vec::new());
    }
    inner.split(", ").map(|x| x.parse::<u64>().ok()).collect()
}

/// `a?b=c` -> (a, kind, b, c).
fn parse_op(s: &str) -> Option<(u64, OpKind, u64, u64)> {
    let (lhs, rhs) = s.split_once('=')?;
    let c = rhs.parse::<u64>().ok()?;
    let pos = lhs.find(['+', '-', '*', '/'])?;
    let kind = OpKind::from_symbol(lhs.as_bytes()[pos])?;
    let a = lhs[..pos].parse::<u64>().ok()?;
    let b = lhs[pos + 1..].parse::<u64>().ok()?;
    Some((a, kind, b, c))
}

/// Apply `op` to `nums` under SoS rules: Err(message) when illegal.
fn apply(nums: &[u64], op: (u64, OpKind, u64, u64)) -> Result<Vec<u64>, String> {
    let (a, kind, b, c) = op;
    let legal = match kind {
        OpKind::Add => a.checked_add(b) == Some(c),
        OpKind::Mul => a.checked_mul(b) == Some(c),
        OpKind::Sub => a >= b && a - b == c,
        OpKind::Div => a >= b && b != 0 && a % b == 0 && a / b == c,
    };
    if !legal {
        return Err(format!(
            "{a}{}{b}={c} is not a legal step",
            kind.symbol() as char
        ));
    }
    let mut rest = nums.to_vec();
    for v in [a, b] {
        match rest.iter().position(|&x| x == v) {
            Some(p) => {
                rest.remove(p);
            }
            None => return Err(format!("{v} is not available in {nums:?}")),
        }
    }
    rest.push(c);
    Ok(rest)
}

fn same_result(expected: &[u64], got: &[u64]) -> bool {
    if expected.len() != got.len() || expected.last() != got.last() {
        return false;
    }
    let mut a = expected.to_vec();
    let mut b = got.to_vec();
    a.sort_unstable();
    b.sort_unstable();
    a == b
}

/// The verdict on a trace whose first error is on `line`.
pub(crate) fn fail(line: usize, steps: usize, message: String) -> Validation {
    Validation {
        valid: false,
        solved: false,
        steps,
        line,
        message: Some(message),
    }
}

/// How strictly [`validate_sos_labels`] checks the indices of node labels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NodeLabelCheck {
    /// Any index (BFS traces advance theirs only after non-terminal children).
    #[default]
    Any,
    /// Depth-first, labelled by the nodes shown: a child's index is the number
    /// of children explored from its parent before it.
    Shown,
    /// Depth-first, labelled by the full search: at least that number.
    Search,
}

impl NodeLabelCheck {
    pub fn from_name(name: &str) -> Option<NodeLabelCheck> {
        match name {
            "any" => Some(NodeLabelCheck::Any),
            "shown" => Some(NodeLabelCheck::Shown),
            "search" => Some(NodeLabelCheck::Search),
            _ => None,
        }
    }
}

/// Check a `sos`-style trace; `numbers`/`target` (when given) must match its
/// first line.
pub fn validate_sos(text: &str, numbers: Option<&[u64]>, target: Option<u64>) -> Validation {
    validate_sos_labels(text, numbers, target, NodeLabelCheck::Any)
}

/// [`validate_sos`], checking node label indices as `check` says.
pub fn validate_sos_labels(
    text: &str,
    numbers: Option<&[u64]>,
    target: Option<u64>,
    check: NodeLabelCheck,
) -> Validation {
    let lines: Vec<&str> = text
        .strip_suffix('\n')
        .unwrap_or(text)
        .split('\n')
        .collect();
    let mut steps = 0usize;
    // Root.
    let first = lines.first().copied().unwrap_or("");
    let Some(rest) = first.strip_prefix("Current State: ") else {
        return fail(1, 0, "the trace must start with 'Current State: '".into());
    };
    let Some((head, ops)) = rest.split_once(", Operations: ") else {
        return fail(1, 0, "malformed Current State line".into());
    };
    let Some((t, list)) = head.split_once(':') else {
        return fail(1, 0, "malformed Current State line".into());
    };
    let (Ok(t), Some(root)) = (t.parse::<u64>(), parse_list(list)) else {
        return fail(1, 0, "malformed Current State line".into());
    };
    if ops != "[]" {
        return fail(1, 0, "the root has no operations".into());
    }
    if let Some(n) = numbers {
        let mut a = n.to_vec();
        let mut b = root.clone();
        a.sort_unstable();
        b.sort_unstable();
        if a != b {
            return fail(1, 0, format!("the trace starts from {root:?}, not {n:?}"));
        }
    }
    if let Some(want) = target {
        if want != t {
            return fail(1, 0, format!("the trace's target is {t}, not {want}"));
        }
    }
    let target = t;
    let mut labels: HashSet<String> = HashSet::new();
    labels.insert("0".into());
    // The label of the node whose state was shown last, the label a
    // `Moving to Node` line announces, and children explored per node.
    let mut current_label = String::from("0");
    let mut moving_to = String::new();
    let mut explored: HashMap<String, u32> = HashMap::new();
    // States reached (by their operations list text), to check "Moving to".
    let mut current: Vec<u64> = root.clone();
    let mut current_ops: Vec<String> = Vec::new();
    let mut reached: HashSet<String> = HashSet::new();
    reached.insert(String::new());
    let mut k = 1usize;
    // What the previous line asks for next.
    #[derive(PartialEq)]
    enum Want {
        Any,
        StateLine,
        /// The result, the operation, and the child's index among those
        /// explored from the current node.
        AfterExplore(Vec<u64>, String, u32),
    }
    let mut want = Want::Any;
    while k < lines.len() {
        let line = lines[k];
        let ln = k + 1;
        k += 1;
        if let Want::AfterExplore(result, op, explored_before) = &want {
            if result.len() == 1 {
                let n = result[0];
                let expect = if n == target {
                    format!("{n},{target} equal: Goal Reached")
                } else {
                    format!("{n},{target} unequal: No Solution")
                };
                if line != expect {
                    return fail(ln, steps, format!("expected '{expect}'"));
                }
                if n == target {
                    if k < lines.len() && !(k + 1 == lines.len() && lines[k].is_empty()) {
                        return fail(k + 1, steps, "text after the goal".into());
                    }
                    return Validation {
                        valid: true,
                        solved: true,
                        steps,
                        line: 0,
                        message: None,
                    };
                }
                want = Want::Any;
                continue;
            }
            let Some(rest) = line.strip_prefix("Generated Node #") else {
                return fail(ln, steps, "expected 'Generated Node #...'".into());
            };
            let Some((label, body)) = rest.split_once(": ") else {
                return fail(ln, steps, "malformed Generated Node line".into());
            };
            let Some((state, gop)) = body.split_once(" Operation: ") else {
                return fail(ln, steps, "malformed Generated Node line".into());
            };
            let Some((gt, glist)) = state.split_once(':') else {
                return fail(ln, steps, "malformed Generated Node line".into());
            };
            if gt != target.to_string()
                || parse_list(glist).as_deref() != Some(&result[..])
                || gop != op
            {
                return fail(
                    ln,
                    steps,
                    "the generated node does not match the step explored".into(),
                );
            }
            let Some(idx) = label
                .rsplit_once(',')
                .filter(|(parent, _)| *parent == current_label)
                .and_then(|(_, idx)| idx.parse::<u32>().ok())
            else {
                return fail(
                    ln,
                    steps,
                    format!("label #{label} is not a child of the current node #{current_label}"),
                );
            };
            if labels.contains(label) {
                return fail(ln, steps, format!("node #{label} is generated twice"));
            }
            let want_idx = *explored_before;
            let bad_index = match check {
                NodeLabelCheck::Any => false,
                NodeLabelCheck::Shown => idx != want_idx,
                NodeLabelCheck::Search => idx < want_idx,
            };
            if bad_index {
                let rule = if check == NodeLabelCheck::Shown {
                    "shown labels number the explored children"
                } else {
                    "search labels are at least the explored children's count"
                };
                return fail(
                    ln,
                    steps,
                    format!(
                        "label #{label}: {rule}, expected index {}{want_idx}",
                        if check == NodeLabelCheck::Shown {
                            ""
                        } else {
                            ">= "
                        }
                    ),
                );
            }
            labels.insert(label.to_string());
            want = Want::Any;
            continue;
        }
        if want == Want::StateLine && !line.starts_with("Current State: ") {
            return fail(
                ln,
                steps,
                "expected 'Current State: ...' after 'Moving to Node'".into(),
            );
        }
        if let Some(rest) = line.strip_prefix("Current State: ") {
            let Some((head, ops)) = rest.split_once(", Operations: ") else {
                return fail(ln, steps, "malformed Current State line".into());
            };
            let Some((st, list)) = head.split_once(':') else {
                return fail(ln, steps, "malformed Current State line".into());
            };
            let Some(nums) = parse_list(list) else {
                return fail(ln, steps, "malformed number list".into());
            };
            if st != target.to_string() {
                return fail(ln, steps, format!("the target changed to {st}"));
            }
            let Some(inner) = ops.strip_prefix('[').and_then(|o| o.strip_suffix(']')) else {
                return fail(ln, steps, "malformed operations list".into());
            };
            let op_texts: Vec<String> = if inner.is_empty() {
                Vec::new()
            } else {
                inner
                    .split(", ")
                    .map(|o| o.trim_matches('\'').to_string())
                    .collect()
            };
            // Replay from the root.
            let mut s = root.clone();
            for o in &op_texts {
                let Some(p) = parse_op(o) else {
                    return fail(ln, steps, format!("malformed operation '{o}'"));
                };
                match apply(&s, p) {
                    Ok(n) => s = n,
                    Err(m) => return fail(ln, steps, m),
                }
            }
            if !same_result(&s, &nums) {
                return fail(
                    ln,
                    steps,
                    format!("operations {op_texts:?} give {s:?}, not {nums:?}"),
                );
            }
            if !reached.contains(&op_texts.join("|")) {
                return fail(ln, steps, "a state the search never reached".into());
            }
            current = nums;
            current_ops = op_texts;
            if want == Want::StateLine {
                current_label = std::mem::take(&mut moving_to);
            }
            want = Want::Any;
            continue;
        }
        if let Some(rest) = line.strip_prefix("Exploring Operation: ") {
            let Some((op, res)) = rest.split_once(", Resulting Numbers: ") else {
                return fail(ln, steps, "malformed Exploring Operation line".into());
            };
            let Some(p) = parse_op(op) else {
                return fail(ln, steps, format!("malformed operation '{op}'"));
            };
            let Some(got) = parse_list(res) else {
                return fail(ln, steps, "malformed number list".into());
            };
            let expected = match apply(&current, p) {
                Ok(n) => n,
                Err(m) => return fail(ln, steps, m),
            };
            if !same_result(&expected, &got) {
                return fail(
                    ln,
                    steps,
                    format!("{op} on {current:?} gives {expected:?}, not {got:?}"),
                );
            }
            steps += 1;
            let mut path = current_ops.clone();
            path.push(op.to_string());
            reached.insert(path.join("|"));
            let count = explored.entry(current_label.clone()).or_insert(0);
            want = Want::AfterExplore(got, op.to_string(), *count);
            *count += 1;
            continue;
        }
        if let Some(label) = line.strip_prefix("Moving to Node #") {
            let known = labels.contains(label)
                || label
                    .rsplit_once(',')
                    .is_some_and(|(p, i)| labels.contains(p) && i.parse::<u32>().is_ok());
            if !known {
                return fail(ln, steps, format!("unknown node #{label}"));
            }
            moving_to = label.to_string();
            want = Want::StateLine;
            continue;
        }
        if line == "No solution found." {
            if k < lines.len() {
                return fail(ln + 1, steps, "text after 'No solution found.'".into());
            }
            return Validation {
                valid: true,
                solved: false,
                steps,
                line: 0,
                message: None,
            };
        }
        if line.is_empty() && k == lines.len() {
            break;
        }
        return fail(ln, steps, format!("unexpected line '{line}'"));
    }
    if want != Want::Any {
        return fail(
            lines.len(),
            steps,
            "the trace ends in the middle of a step".into(),
        );
    }
    Validation {
        valid: true,
        solved: false,
        steps,
        line: 0,
        message: None,
    }
}

// ---------------------------------------------------------------- walk styles

/// One parsed line of a walk-style trace.
enum Ev {
    Try {
        op: (u64, OpKind, u64, u64),
        nums: Option<Vec<u64>>,
        verdict: Option<bool>,
    },
    BackDepth(usize),
    BackState(Vec<u64>),
    Answer(Option<String>),
}

fn parse_natural(s: &str) -> Option<Vec<u64>> {
    let s = s.replace(" and ", ", ");
    s.split(", ")
        .map(|x| x.trim().parse::<u64>().ok())
        .collect()
}

fn parse_spaced(s: &str) -> Option<Vec<u64>> {
    s.split(' ').map(|x| x.parse::<u64>().ok()).collect()
}

/// Parse the opening line: (target, numbers).
fn parse_start(style: &str, line: &str) -> Option<(u64, Vec<u64>)> {
    match style {
        "compact" => {
            let (t, n) = line.split_once(':')?;
            Some((t.parse().ok()?, parse_spaced(n)?))
        }
        "wait" => {
            let rest = line.strip_prefix("Target ")?.strip_suffix('.')?;
            let (t, n) = rest.split_once(" from ")?;
            Some((t.parse().ok()?, parse_list(n)?))
        }
        "backtrack" => {
            let rest = line.strip_prefix("start ")?;
            let (n, t) = rest.split_once(" target ")?;
            Some((t.parse().ok()?, parse_list(n)?))
        }
        "astro" => {
            let rest = line
                .strip_prefix("I need to reach ")?
                .strip_suffix(", each exactly once.")?;
            let (t, n) = rest.split_once(" using ")?;
            Some((t.parse().ok()?, parse_natural(n)?))
        }
        _ => None,
    }
}

fn parse_event(style: &str, line: &str, target: u64) -> Option<Ev> {
    let t = target.to_string();
    match style {
        "compact" => {
            if let Some(d) = line.strip_prefix('<') {
                return Some(Ev::BackDepth(d.parse().ok()?));
            }
            if let Some(op) = line.strip_suffix(" x") {
                return Some(Ev::Try {
                    op: parse_op(op)?,
                    nums: None,
                    verdict: Some(false),
                });
            }
            if let Some(op) = line.strip_suffix(" =") {
                return Some(Ev::Try {
                    op: parse_op(op)?,
                    nums: None,
                    verdict: Some(true),
                });
            }
            let (op, n) = line.split_once(':')?;
            Some(Ev::Try {
                op: parse_op(op)?,
                nums: Some(parse_spaced(n)?),
                verdict: None,
            })
        }
        "wait" => {
            if let Some(rest) = line.strip_prefix("Wait, this doesn't lead to ") {
                let rest = rest.strip_prefix(t.as_str())?;
                if rest == ". Let me go back to the start." {
                    return Some(Ev::BackDepth(0));
                }
                let d = rest
                    .strip_prefix(". Let me go back to step ")?
                    .strip_suffix('.')?;
                return Some(Ev::BackDepth(d.parse().ok()?));
            }
            if let Some(a) = line.strip_prefix("Answer: ") {
                return Some(Ev::Answer(Some(a.to_string())));
            }
            if line == "No solution found." {
                return Some(Ev::Answer(None));
            }
            let rest = line.strip_prefix("Step ")?;
            let (_, rest) = rest.split_once(": ")?;
            let (op, rest) = rest.split_once(" leaves ")?;
            let (list, tail) = rest.split_once("].")?;
            let nums = parse_list(&format!("{list}]"))?;
            let verdict = if tail.is_empty() {
                None
            } else if tail == format!(" That's {t}.") {
                Some(true)
            } else if tail.ends_with(&format!(" is not {t}.")) {
                Some(false)
            } else {
                return None;
            };
            Some(Ev::Try {
                op: parse_op(op)?,
                nums: Some(nums),
                verdict,
            })
        }
        "backtrack" => {
            if let Some(n) = line.strip_prefix("revert ") {
                return Some(Ev::BackState(parse_list(n)?));
            }
            if let Some(a) = line.strip_prefix("answer ") {
                return Some(Ev::Answer(Some(a.to_string())));
            }
            if line == "no solution" {
                return Some(Ev::Answer(None));
            }
            let rest = line.strip_prefix("guess ")?;
            let (op, rest) = rest.split_once(" -> ")?;
            let (list, verdict) = if let Some(l) = rest.strip_suffix(" solved") {
                (l, Some(true))
            } else if let Some(l) = rest.strip_suffix(" fail") {
                (l, Some(false))
            } else {
                (rest, None)
            };
            Some(Ev::Try {
                op: parse_op(op)?,
                nums: Some(parse_list(list)?),
                verdict,
            })
        }
        "astro" => {
            if let Some(rest) = line.strip_prefix("Hmm, that doesn't work. Let me go back to ") {
                let n = rest.strip_suffix(" and try something else.")?;
                return Some(Ev::BackState(parse_natural(n)?));
            }
            if let Some(a) = line.strip_prefix("So the answer is ") {
                return Some(Ev::Answer(Some(a.strip_suffix('.')?.to_string())));
            }
            if line == "There is no way to reach the target." {
                return Some(Ev::Answer(None));
            }
            let rest = line.strip_prefix("Let me try ")?;
            let (op, rest) = rest.split_once(", which leaves ")?;
            let (list, verdict) =
                if let Some(l) = rest.strip_suffix(&format!(". That is {t}, so I'm done.")) {
                    (l, Some(true))
                } else if let Some(l) = rest.strip_suffix(&format!(". That is not {t}.")) {
                    (l, Some(false))
                } else {
                    (rest.strip_suffix('.')?, None)
                };
            Some(Ev::Try {
                op: parse_op(op)?,
                nums: Some(parse_natural(list)?),
                verdict,
            })
        }
        _ => None,
    }
}

fn sorted(v: &[u64]) -> Vec<u64> {
    let mut v = v.to_vec();
    v.sort_unstable();
    v
}

/// Check a trace in one of the walk styles (`compact`, `wait`, `backtrack`,
/// `astro`): every step legal from the current state, every verdict right,
/// every return to a state on the current path, and the answer (when the
/// style writes one) an expression equal to the target using each number once.
pub fn validate_walk(
    style: &str,
    text: &str,
    numbers: Option<&[u64]>,
    target: Option<u64>,
) -> Validation {
    let lines: Vec<&str> = text
        .strip_suffix('\n')
        .unwrap_or(text)
        .split('\n')
        .collect();
    let Some((t, root)) = parse_start(style, lines[0]) else {
        return fail(1, 0, format!("the first line is not a '{style}' opening"));
    };
    if let Some(n) = numbers {
        if sorted(n) != sorted(&root) {
            return fail(1, 0, format!("the trace starts from {root:?}, not {n:?}"));
        }
    }
    if target.is_some_and(|w| w != t) {
        return fail(
            1,
            0,
            format!("the trace's target is {t}, not {}", target.unwrap_or(0)),
        );
    }
    let mut stack: Vec<Vec<u64>> = vec![root.clone()];
    let mut steps = 0;
    let mut solved = false;
    let mut answered = false;
    for (k, line) in lines.iter().enumerate().skip(1) {
        let ln = k + 1;
        if answered {
            return fail(ln, steps, "text after the answer".into());
        }
        let Some(ev) = parse_event(style, line, t) else {
            return fail(ln, steps, format!("unexpected line '{line}'"));
        };
        if solved && !matches!(ev, Ev::Answer(_)) {
            return fail(ln, steps, "text after the goal".into());
        }
        match ev {
            Ev::Try { op, nums, verdict } => {
                let cur = stack.last().expect("non-empty");
                let next = match apply(cur, op) {
                    Ok(n) => n,
                    Err(m) => return fail(ln, steps, m),
                };
                if let Some(shown) = &nums {
                    if !same_result(&next, shown) {
                        return fail(ln, steps, format!("the step gives {next:?}, not {shown:?}"));
                    }
                }
                steps += 1;
                if next.len() == 1 {
                    let goal = next[0] == t;
                    if verdict != Some(goal) {
                        return fail(ln, steps, "wrong or missing verdict".into());
                    }
                    solved = goal;
                } else {
                    if verdict.is_some() {
                        return fail(
                            ln,
                            steps,
                            "a verdict on a state with several numbers".into(),
                        );
                    }
                    stack.push(next);
                }
            }
            Ev::BackDepth(d) => {
                if d >= stack.len() {
                    return fail(ln, steps, format!("step {d} is not on the current path"));
                }
                stack.truncate(d + 1);
            }
            Ev::BackState(nums) => {
                let want = sorted(&nums);
                match stack.iter().rposition(|s| sorted(s) == want) {
                    Some(p) => stack.truncate(p + 1),
                    None => return fail(ln, steps, format!("{nums:?} is not on the current path")),
                }
            }
            Ev::Answer(None) => {
                if solved {
                    return fail(ln, steps, "no solution claimed after the goal".into());
                }
                answered = true;
            }
            Ev::Answer(Some(a)) => {
                if !solved {
                    return fail(ln, steps, "an answer without reaching the goal".into());
                }
                let ok = crate::countdown::expr::python_eval(&a).is_some_and(|v| v.equals(t));
                let used: Option<Vec<u64>> = a
                    .split(|c: char| !c.is_ascii_digit())
                    .filter(|s| !s.is_empty())
                    .map(|s| s.parse().ok())
                    .collect();
                if !ok || used.map(|u| sorted(&u)) != Some(sorted(&root)) {
                    return fail(ln, steps, format!("the answer '{a}' is wrong"));
                }
                answered = true;
            }
        }
    }
    Validation {
        valid: true,
        solved,
        steps,
        line: 0,
        message: None,
    }
}
