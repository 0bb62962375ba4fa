//! The dependency graph of conditions (a question's `ask_if` on the questions it names,
//! a derived value on its source and its `raise` conditions): circular conditions are
//! reported once each with their path, and a chain deeper than the rules engine follows
//! (`MAX_DEPENDENCY_DEPTH`) is refused. Both searches are iterative, so no file can
//! overflow the stack.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::checker::{At, Checker};
use crate::questionnaire::model::MAX_DEPENDENCY_DEPTH;

pub(super) fn report_cycles(
    checker: &mut Checker<'_>,
    depends: &BTreeMap<String, Vec<(String, At)>>,
) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Visiting,
        Done,
    }
    let mut marks: HashMap<&str, Mark> = HashMap::new();
    let mut reported: HashSet<String> = HashSet::new();
    // Iterative depth-first search, so a long dependency chain cannot overflow the stack.
    for start in depends.keys() {
        if marks.contains_key(start.as_str()) {
            continue;
        }
        let mut stack: Vec<(&str, usize)> = vec![(start.as_str(), 0)];
        marks.insert(start.as_str(), Mark::Visiting);
        while let Some((node, edge)) = stack.last().cloned() {
            let edges = depends.get(node).map(Vec::as_slice).unwrap_or(&[]);
            if let Some((next, at)) = edges.get(edge) {
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                }
                match marks.get(next.as_str()) {
                    Some(Mark::Visiting) => {
                        let mut path: Vec<&str> = stack
                            .iter()
                            .map(|(n, _)| *n)
                            .skip_while(|n| *n != next.as_str())
                            .collect();
                        path.push(next.as_str());
                        let key = {
                            let mut members: Vec<&str> = path.clone();
                            members.sort();
                            members.dedup();
                            members.join(",")
                        };
                        if reported.insert(key) {
                            checker.error(
                                at,
                                format!(
                                    "circular condition: {} (a question cannot depend, through ask_if or derived values, on itself)",
                                    path.join(" -> ")
                                ),
                            );
                        }
                    }
                    Some(Mark::Done) => {}
                    None => {
                        marks.insert(next.as_str(), Mark::Visiting);
                        stack.push((next.as_str(), 0));
                    }
                }
            } else {
                marks.insert(node, Mark::Done);
                stack.pop();
            }
        }
    }
}

/// Refuses a chain of conditions deeper than the rules engine follows
/// ([`MAX_DEPENDENCY_DEPTH`]): beyond it the engine would have to call "unknown" what the
/// answers settle. Each question with an `ask_if` and each derived value on the chain
/// counts as deep as its condition nests (`weights`; the engine's own count, or a little
/// more, never less). Reports the deepest chain once. Only called on an acyclic graph.
pub(super) fn report_deep_chain(
    checker: &mut Checker<'_>,
    depends: &BTreeMap<String, Vec<(String, At)>>,
    weights: &HashMap<String, usize>,
) {
    // For each node: the length of the longest chain starting there, and the next node
    // on it. Iterative, so a long chain cannot overflow the stack.
    let mut longest: HashMap<&str, (usize, Option<&str>)> = HashMap::new();
    for start in depends.keys() {
        if longest.contains_key(start.as_str()) {
            continue;
        }
        let mut stack: Vec<(&str, usize)> = vec![(start.as_str(), 0)];
        let mut on_stack: HashSet<&str> = HashSet::from([start.as_str()]);
        while let Some((node, edge)) = stack.last().cloned() {
            let edges = depends.get(node).map(Vec::as_slice).unwrap_or(&[]);
            if let Some((next, _)) = edges.get(edge) {
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                }
                let next = next.as_str();
                if depends.contains_key(next)
                    && !longest.contains_key(next)
                    && on_stack.insert(next)
                {
                    stack.push((next, 0));
                }
            } else {
                let best = edges
                    .iter()
                    .filter_map(|(n, _)| longest.get(n.as_str()).map(|(len, _)| (*len, n.as_str())))
                    .max_by_key(|(len, _)| *len);
                let weight = weights.get(node).copied().unwrap_or(1);
                longest.insert(
                    node,
                    (
                        weight + best.map_or(0, |(len, _)| len),
                        best.map(|(_, n)| n),
                    ),
                );
                on_stack.remove(node);
                stack.pop();
            }
        }
    }
    let Some((start, (length, _))) = longest
        .iter()
        .max_by_key(|(name, (len, _))| (*len, std::cmp::Reverse(**name)))
    else {
        return;
    };
    if *length <= MAX_DEPENDENCY_DEPTH {
        return;
    }
    let mut chain = vec![*start];
    while let Some(Some(next)) = chain
        .last()
        .and_then(|n| longest.get(n))
        .map(|(_, next)| *next)
    {
        chain.push(next);
    }
    let shown = if chain.len() > 6 {
        format!(
            "{} -> ... -> {}",
            chain[..3].join(" -> "),
            chain[chain.len() - 2..].join(" -> ")
        )
    } else {
        chain.join(" -> ")
    };
    let Some((_, at)) = depends.get(*start).and_then(|edges| {
        edges
            .iter()
            .find(|(n, _)| Some(n.as_str()) == chain.get(1).copied())
            .or(edges.first())
    }) else {
        return;
    };
    let at = at.clone();
    checker.error(
        &at,
        format!(
            "'{start}' depends, through ask_if and derived values, on a chain of {} conditions nesting {length} deep in all ({shown}); secassess follows at most {MAX_DEPENDENCY_DEPTH}, so shorten the chain or simplify its conditions (ask_if can name the question a chain starts from directly)",
            chain.len()
        ),
    );
}
