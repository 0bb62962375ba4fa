//! Type-checking a condition (`ask_if`, `applies_if`, `met_if`, `show_if`, a derived
//! value's `when`) against the questions and derived values it names: names exist (with
//! a "did you mean" for a near miss), values are options of the question, operators
//! suit its kind, and every question named has the `short` phrase reasons use.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use super::checker::{Checker, PendingExpr};
use crate::questionnaire::expr::Expr;
use crate::questionnaire::model::*;

/// What a name in an expression refers to, for type checking.
enum NameType<'a> {
    Question(&'a Question),
    /// A derived value ranges over the options of an ordered question.
    Derived(&'a Question),
}

pub(super) fn type_check(
    checker: &mut Checker<'_>,
    pending: &PendingExpr,
    questions: &BTreeMap<String, Question>,
    derived_from: &HashMap<String, String>,
) {
    let lookup = |name: &str| -> Option<NameType<'_>> {
        if let Some(q) = questions.get(name) {
            return Some(NameType::Question(q));
        }
        derived_from
            .get(name)
            .and_then(|from| questions.get(from))
            .map(NameType::Derived)
    };
    // A question named in a condition appears in reasons ("personal data is not answered
    // yet"), so it needs a `short` phrase; without one the whole prompt would leak in.
    for (name, span) in pending.expr.names() {
        let unnamed = questions
            .get(name)
            .is_some_and(|q| q.short.as_deref().is_none_or(|s| s.trim().is_empty()));
        if unnamed && checker.missing_short.insert(name.to_string()) {
            let at = checker.inner(pending, &span);
            checker.error(&at, format!("'{name}' is used in a condition, so it needs `short`, the phrase reasons use for it (e.g. \"personal data is not answered yet\")"));
        }
    }
    let mut atoms = Vec::new();
    collect_atoms(&pending.expr, &mut atoms);
    for atom in atoms {
        match atom {
            Expr::Compare {
                name,
                name_span,
                op,
                value,
                value_span,
            } => {
                match lookup(name) {
                    None => unknown_name(checker, pending, name, name_span, questions),
                    Some(NameType::Question(q)) => match q.kind {
                        AnswerKind::YesNo => {
                            if op.is_ordering() {
                                let at = checker.inner(pending, name_span);
                                checker.error(&at, format!("'{name}' is a yes-no question; compare it with == or != only"));
                            } else if value != "yes" && value != "no" {
                                let at = checker.inner(pending, value_span);
                                checker.error(&at, format!("'{name}' is a yes-no question; compare it with yes or no, not '{value}'"));
                            }
                        }
                        AnswerKind::Single => {
                            check_option(checker, pending, q, value, value_span);
                            if op.is_ordering() && !q.ordered {
                                let at = checker.inner(pending, name_span);
                                checker.error(&at, format!("'{name}' is not ordered (set `ordered = true` on the question) so {} cannot be used on it", op.symbol()));
                            }
                        }
                        AnswerKind::Multiple => {
                            let at = checker.inner(pending, name_span);
                            checker.error(&at, format!("'{name}' is a multiple-choice question; use '{name} includes VALUE'"));
                        }
                        kind => {
                            let at = checker.inner(pending, name_span);
                            checker.error(&at, format!("'{name}' is a {} question and cannot be compared; use '{name} is answered'", kind.name()));
                        }
                    },
                    Some(NameType::Derived(from)) => {
                        check_option(checker, pending, from, value, value_span);
                    }
                }
            }
            Expr::Includes {
                name,
                name_span,
                value,
                value_span,
            } => match lookup(name) {
                None => unknown_name(checker, pending, name, name_span, questions),
                Some(NameType::Question(q)) if q.kind == AnswerKind::Multiple => {
                    check_option(checker, pending, q, value, value_span)
                }
                Some(_) => {
                    let at = checker.inner(pending, name_span);
                    checker.error(&at, format!("'includes' works only on multiple-choice questions and '{name}' is not one; use == instead"));
                }
            },
            Expr::Answered {
                name, name_span, ..
            } if lookup(name).is_none() => {
                unknown_name(checker, pending, name, name_span, questions)
            }
            _ => {}
        }
    }
}

fn collect_atoms<'e>(expr: &'e Expr, out: &mut Vec<&'e Expr>) {
    match expr {
        Expr::Not(inner) => collect_atoms(inner, out),
        Expr::And(items) | Expr::Or(items) => items.iter().for_each(|i| collect_atoms(i, out)),
        Expr::Always | Expr::Never => {}
        atom => out.push(atom),
    }
}

fn check_option(
    checker: &mut Checker<'_>,
    pending: &PendingExpr,
    question: &Question,
    value: &str,
    value_span: &Range<usize>,
) {
    if question.option(value).is_none() {
        let values: Vec<&str> = question.options.iter().map(|c| c.value.as_str()).collect();
        let at = checker.inner(pending, value_span);
        checker.error(
            &at,
            format!(
                "'{value}' is not an option of '{}'; its options are: {}",
                question.id,
                values.join(", ")
            ),
        );
    }
}

fn unknown_name(
    checker: &mut Checker<'_>,
    pending: &PendingExpr,
    name: &str,
    span: &Range<usize>,
    questions: &BTreeMap<String, Question>,
) {
    let suggestion = questions
        .keys()
        .find(|k| {
            let distance = edit_distance(k, name);
            distance <= 2 && distance * 3 <= name.len()
        })
        .map(|k| format!(" (did you mean '{k}'?)"))
        .unwrap_or_default();
    let at = checker.inner(pending, span);
    checker.error(
        &at,
        format!("unknown question or derived value '{name}'{suggestion}"),
    );
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}
