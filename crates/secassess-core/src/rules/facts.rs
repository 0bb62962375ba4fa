//! How expressions see an assessment's answers: which questions are asked (their
//! `ask_if`), the range a derived value such as the effective classification can take,
//! and the sentence that describes each answer in a reason.
//!
//! Results are memoised per evaluation; the loader has proven the dependencies acyclic
//! and no deeper than [`MAX_DEPENDENCY_DEPTH`], and a depth guard turns any surprise
//! into "unknown" rather than a stack overflow. A result worked out while the guard cut
//! something short is not memoised, so it cannot stand in later for the real answer.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use crate::questionnaire::answer::{AnswerValue, Answers};
use crate::questionnaire::expr::{self, CompareOp, Fact, Facts, Truth};
use crate::questionnaire::model::{Catalogue, Derived, Question, MAX_DEPENDENCY_DEPTH};

const MAX_DEPTH: usize = MAX_DEPENDENCY_DEPTH;

/// The possible values of a derived value, as option indices of its source question
/// (0 is its lowest option): the declared answer, or the whole range while it is
/// missing, raised by every raise whose condition holds and widened up to every raise
/// whose condition is unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivedRange {
    /// The lowest value it can still be (at least the declared value and every raise
    /// that holds).
    pub low: usize,
    /// The highest value it can still be (`low` or more). `low == high`: settled.
    pub high: usize,
    /// The declared value of the source question, when it is asked and answered with
    /// one of its options.
    pub declared: Option<usize>,
    /// Why the value was raised above the declared one: the `because` of every raise
    /// whose condition holds and whose target is `low`, in content order (two raises to
    /// the same value both give their reason; a raise to a lower value than another
    /// that holds is not why the value is what it is). Empty when nothing raised it.
    pub raised_because: Vec<String>,
    /// `declared` is `None`: the source question is unanswered, "don't know yet", not
    /// asked, or answered with something that is not one of its options.
    pub declared_unknown: bool,
    /// The source question is answered "don't know yet" (rather than not at all).
    pub declared_dont_know: bool,
    /// Raises that may still apply: what each depends on, and why it is not settled.
    pub pending: Vec<PendingRaise>,
}

/// A raise of a derived value whose condition is not known yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRaise {
    /// The raise's `because`: "it handles personal data".
    pub because: String,
    /// Why its condition is unknown: "personal data is not answered yet (...)".
    pub why: String,
    /// The option index it would raise the value to.
    pub to: usize,
}

/// One set of answers as expressions see them: the [`Facts`] source the rules engine
/// and the walkthrough evaluate against. Build one per evaluation: it remembers, for
/// these answers, which questions are asked, the range of each derived value and why
/// each skipped question is skipped, so a question named by many conditions is worked
/// out once. Not thread-safe (it memoises through `RefCell`), and cheap to build.
pub struct AnswerFacts<'a> {
    /// The validated content whose questions and derived values the expressions name.
    pub catalogue: &'a Catalogue,
    /// The typed answers, by question id.
    pub answers: &'a Answers,
    asked: RefCell<HashMap<String, Truth>>,
    derived: RefCell<HashMap<String, DerivedRange>>,
    /// Why each question not asked is skipped ([`AnswerFacts::why_not_asked`]).
    why_not: RefCell<HashMap<String, String>>,
    depth: Cell<usize>,
    /// Set when the depth guard has cut an evaluation short since it was last cleared.
    cut: Cell<bool>,
}

impl<'a> AnswerFacts<'a> {
    /// A fact source over these answers; nothing is worked out until asked.
    pub fn new(catalogue: &'a Catalogue, answers: &'a Answers) -> Self {
        AnswerFacts {
            catalogue,
            answers,
            asked: RefCell::new(HashMap::new()),
            derived: RefCell::new(HashMap::new()),
            why_not: RefCell::new(HashMap::new()),
            depth: Cell::new(0),
            cut: Cell::new(false),
        }
    }

    /// Runs `work`, an evaluation nesting `weight` deep (`Expr::depth`), unless that
    /// would go deeper than [`MAX_DEPTH`] in all: then `fallback`, and the cut is noted.
    fn guarded<T>(&self, weight: usize, fallback: T, work: impl FnOnce() -> T) -> T {
        let depth = self.depth.get();
        if depth + weight > MAX_DEPTH {
            self.cut.set(true);
            return fallback;
        }
        self.depth.set(depth + weight);
        let result = work();
        self.depth.set(depth);
        result
    }

    /// Runs `work`, and says whether the depth guard cut anything short inside it (so
    /// its result must not be memoised). Keeps an outer cut visible to the caller.
    fn watching_cuts<T>(&self, work: impl FnOnce() -> T) -> (T, bool) {
        let outer = self.cut.replace(false);
        let result = work();
        let cut = self.cut.get();
        self.cut.set(outer || cut);
        (result, cut)
    }

    /// Whether a question is asked: true, false (its `ask_if` is false) or unknown (its
    /// `ask_if` depends on answers not given yet).
    pub fn asked(&self, question: &Question) -> Truth {
        if let Some(t) = self.asked.borrow().get(&question.id) {
            return *t;
        }
        let (truth, cut) = self.watching_cuts(|| match &question.ask_if {
            None => Truth::True,
            Some((condition, _)) => self.guarded(condition.depth(), Truth::Unknown, || {
                expr::evaluate(condition, self).truth
            }),
        });
        if !cut {
            self.asked.borrow_mut().insert(question.id.clone(), truth);
        }
        truth
    }

    /// Why a question that is not asked is skipped, in words, from its condition ("it
    /// has no administrator accounts"); empty when it cannot be said. Memoised like
    /// [`AnswerFacts::asked`]: every condition naming the question asks again, and
    /// working it out afresh each time would take exponential time on a hostile chain.
    fn why_not_asked(&self, question: &Question) -> String {
        if let Some(why) = self.why_not.borrow().get(&question.id) {
            return why.clone();
        }
        let (why, cut) = self.watching_cuts(|| match &question.ask_if {
            Some((condition, _)) => self.guarded(condition.depth(), String::new(), || {
                sentence_of(&expr::evaluate(condition, self))
            }),
            None => String::new(),
        });
        if !cut {
            self.why_not
                .borrow_mut()
                .insert(question.id.clone(), why.clone());
        }
        why
    }

    /// The range a derived value can take for these answers, memoised. `None` when its
    /// `from` question is not in the catalogue (never for a catalogue from the loader).
    /// A raise whose condition would nest deeper than [`MAX_DEPENDENCY_DEPTH`] counts as
    /// unknown (the loader refuses such content, so this is a guard, not a rule).
    pub fn derived_range(&self, derived: &Derived) -> Option<DerivedRange> {
        if let Some(r) = self.derived.borrow().get(&derived.id) {
            return Some(r.clone());
        }
        let (range, cut) = self.watching_cuts(|| self.work_out_range(derived));
        if !cut {
            if let Some(range) = &range {
                self.derived
                    .borrow_mut()
                    .insert(derived.id.clone(), range.clone());
            }
        }
        range
    }

    fn work_out_range(&self, derived: &Derived) -> Option<DerivedRange> {
        let from = self.catalogue.question(&derived.from)?;
        let top = from.options.len().saturating_sub(1);
        let declared = match (self.asked(from), self.answers.get(&from.id)) {
            (Truth::True, Some(AnswerValue::Choice(c))) => from.option(c).map(|(i, _)| i),
            _ => None,
        };
        let mut range = DerivedRange {
            low: declared.unwrap_or(0),
            high: declared.unwrap_or(top),
            declared,
            raised_because: Vec::new(),
            declared_unknown: declared.is_none(),
            declared_dont_know: matches!(self.answers.get(&from.id), Some(AnswerValue::DontKnow)),
            pending: Vec::new(),
        };
        let mut raised: Vec<(usize, String)> = Vec::new();
        for raise in &derived.raise {
            let Some((to, _)) = from.option(&raise.to) else {
                continue;
            };
            let outcome = self.guarded(
                raise.when.depth(),
                expr::Outcome {
                    truth: Truth::Unknown,
                    because: Vec::new(),
                },
                || expr::evaluate(&raise.when, self),
            );
            match outcome.truth {
                Truth::True => {
                    // Every raise above the declared value is a reason until a higher
                    // one settles the value (filtered below), so two raises to the same
                    // value (personal data and commercially sensitive) both show.
                    if to > declared.unwrap_or(0) {
                        raised.push((to, raise.because.clone()));
                    }
                    range.low = range.low.max(to);
                    range.high = range.high.max(to);
                }
                Truth::Unknown => {
                    range.high = range.high.max(to);
                    if to > range.low {
                        range.pending.push(PendingRaise {
                            because: raise.because.clone(),
                            why: sentence_of(&outcome),
                            to,
                        });
                    }
                }
                Truth::False => {}
            }
        }
        // A raise settled above the lowest value leaves lower pending ones irrelevant,
        // and lower raises are not why the value is what it is.
        let low = range.low;
        range.raised_because = raised
            .into_iter()
            .filter(|(to, _)| *to == low)
            .map(|(_, because)| because)
            .collect();
        range.pending.retain(|p| p.to > low);
        Some(range)
    }

    fn fact(subject: &str, text: String) -> Fact {
        Fact {
            subject: subject.to_string(),
            text,
        }
    }

    /// The state of a question for an atom: `Err` carries the truth and fact to return
    /// when there is no usable answer.
    fn usable_answer(&self, question: &'a Question) -> Result<&'a AnswerValue, (Truth, Fact)> {
        match self.asked(question) {
            Truth::False => {
                // Why it is not asked is the reason that matters: "it has no administrator
                // accounts", not "the question on ... is not asked".
                let why = Some(self.why_not_asked(question))
                    .filter(|why| !why.is_empty())
                    .unwrap_or_else(|| {
                        format!("the question on {} is not asked", question.subject())
                    });
                return Err((Truth::False, Self::fact(&question.id, why)));
            }
            Truth::Unknown => {
                return Err((
                    Truth::Unknown,
                    Self::fact(
                        &question.id,
                        format!(
                            "whether {} matters depends on earlier answers",
                            question.subject()
                        ),
                    ),
                ))
            }
            Truth::True => {}
        }
        match self.answers.get(&question.id) {
            None => Err((
                Truth::Unknown,
                Self::fact(
                    &question.id,
                    format!(
                        "{} is not answered yet ({} can answer it)",
                        subject_phrase(question),
                        lower_first(&question.who_can_answer)
                    ),
                ),
            )),
            Some(AnswerValue::DontKnow) => Err((
                Truth::Unknown,
                Self::fact(
                    &question.id,
                    format!(
                        "{} is \"don't know yet\" ({} can answer it)",
                        subject_phrase(question),
                        lower_first(&question.who_can_answer)
                    ),
                ),
            )),
            Some(value) => Ok(value),
        }
    }

    fn compare_derived(&self, derived: &Derived, op: CompareOp, value: &str) -> (Truth, Fact) {
        let from = self.catalogue.question(&derived.from);
        let (Some(range), Some(from)) = (self.derived_range(derived), from) else {
            return (
                Truth::Unknown,
                Self::fact(
                    &derived.id,
                    format!("{} cannot be worked out", derived.short),
                ),
            );
        };
        let Some((target, _)) = from.option(value) else {
            return (
                Truth::Unknown,
                Self::fact(
                    &derived.id,
                    format!("'{value}' is not a value of {}", derived.short),
                ),
            );
        };
        let truth = compare_range(range.low, range.high, op, target);
        (
            truth,
            Self::fact(&derived.id, describe_range(derived, from, &range)),
        )
    }
}

/// The phrase naming a question in a reason. The loader requires `short` on every
/// question a condition uses, so the id is only a last resort and the prompt never leaks.
fn subject_phrase(question: &Question) -> String {
    question.subject().to_string()
}

/// The facts that decided an outcome, as one clause: "a, b and c". Two questions can
/// give the same reason (both skipped because "it has no administrator accounts"); it is
/// said once.
pub fn sentence_of(outcome: &expr::Outcome) -> String {
    let mut texts: Vec<&str> = Vec::new();
    for fact in &outcome.because {
        if !texts.contains(&fact.text.as_str()) {
            texts.push(&fact.text);
        }
    }
    match texts.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Compares a range of option indices (`low..=high`) with one index: true or false only
/// when every value in the range gives the same answer, unknown otherwise. `==` and `!=`
/// are unknown whenever `target` lies inside a range of more than one value; the
/// ordering operators compare the range's ends. A settled answer is the range
/// `actual..=actual`.
pub fn compare_range(low: usize, high: usize, op: CompareOp, target: usize) -> Truth {
    let holds = |v: usize| match op {
        CompareOp::Eq => v == target,
        CompareOp::Ne => v != target,
        CompareOp::Lt => v < target,
        CompareOp::Le => v <= target,
        CompareOp::Gt => v > target,
        CompareOp::Ge => v >= target,
    };
    let (at_low, at_high) = (holds(low), holds(high));
    match op {
        // Equality can change inside the range even when both ends agree.
        CompareOp::Eq | CompareOp::Ne if low != high => {
            let inside = (low..=high).contains(&target);
            match (op, inside) {
                (CompareOp::Eq, false) => Truth::False,
                (CompareOp::Ne, false) => Truth::True,
                _ => Truth::Unknown,
            }
        }
        _ if at_low == at_high => Truth::from_bool(at_low),
        _ => Truth::Unknown,
    }
}

/// "effective classification is OFFICIAL-SENSITIVE (declared OFFICIAL, treated as
/// OFFICIAL-SENSITIVE because it handles personal data)"; while unsettled, both ends of
/// the range and what it depends on: "effective classification is OFFICIAL or
/// OFFICIAL-SENSITIVE, depending on whether it handles personal data: personal data is
/// not answered yet (...)".
pub fn describe_range(derived: &Derived, from: &Question, range: &DerivedRange) -> String {
    let label = |i: usize| {
        from.options
            .get(i)
            .map(|o| o.label.clone())
            .unwrap_or_default()
    };
    let short = &derived.short;
    let because = range.raised_because.join(" and ");
    let (low, high) = (label(range.low), label(range.high));
    if range.low == range.high {
        return match range.declared {
            Some(d) if d == range.low => format!("{short} is {low}"),
            Some(d) => format!(
                "{short} is {low} (declared {}, treated as {low} because {because})",
                label(d)
            ),
            None => format!("{short} is {low} because {because}"),
        };
    }
    let declared_pending = format!(
        "{} is {} ({} can answer it)",
        from.subject(),
        if range.declared_dont_know {
            "\"don't know yet\""
        } else {
            "not answered yet"
        },
        lower_first(&from.who_can_answer)
    );
    let ends = if range.high == range.low + 1 {
        format!("{low} or {high}")
    } else {
        format!("between {low} and {high}")
    };
    match (range.declared, range.raised_because.is_empty()) {
        (None, true) => format!("{short} is not known yet ({ends}): {declared_pending}"),
        (None, false) => {
            format!("{short} is {ends}: at least {low} because {because}, but {declared_pending}")
        }
        (Some(_), _) => {
            let depends: Vec<String> = range
                .pending
                .iter()
                .map(|p| format!("whether {}", p.because))
                .collect();
            let whys: Vec<&str> = range
                .pending
                .iter()
                .map(|p| p.why.as_str())
                .filter(|w| !w.is_empty())
                .collect();
            let mut text = format!("{short} is {ends}");
            if !range.raised_because.is_empty() {
                text.push_str(&format!(" (at least {low} because {because})"));
            }
            if !depends.is_empty() {
                text.push_str(&format!(", depending on {}", join_or(&depends)));
            }
            if !whys.is_empty() {
                text.push_str(&format!(": {}", whys.join(" and ")));
            }
            text
        }
    }
}

/// "a", "a or b", "a, b or c".
fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

impl Facts for AnswerFacts<'_> {
    fn compare(&self, name: &str, op: CompareOp, value: &str) -> (Truth, Fact) {
        if let Some(derived) = self.catalogue.derived(name) {
            return self.compare_derived(derived, op, value);
        }
        let Some(question) = self.catalogue.question(name) else {
            return (
                Truth::Unknown,
                Self::fact(name, format!("'{name}' is not a known question")),
            );
        };
        let answer = match self.usable_answer(question) {
            Ok(answer) => answer,
            Err(result) => return result,
        };
        match answer {
            AnswerValue::YesNo(actual) => {
                let expected = value == "yes";
                let truth = Truth::from_bool(match op {
                    CompareOp::Ne => *actual != expected,
                    _ => *actual == expected,
                });
                let phrase = if *actual {
                    question.when_yes.clone()
                } else {
                    question.when_no.clone()
                };
                let text = phrase.unwrap_or_else(|| {
                    format!(
                        "{} is {}",
                        question.subject(),
                        if *actual { "yes" } else { "no" }
                    )
                });
                (truth, Self::fact(name, text))
            }
            AnswerValue::Choice(choice) => {
                match (question.option(choice), question.option(value)) {
                    (Some((actual, chosen)), Some((target, _))) => (
                        compare_range(actual, actual, op, target),
                        Self::fact(name, question.chosen_phrase(chosen)),
                    ),
                    _ => (
                        Truth::Unknown,
                        Self::fact(
                            name,
                            format!(
                                "the answer to {} is not one of its options",
                                question.subject()
                            ),
                        ),
                    ),
                }
            }
            _ => (
                Truth::Unknown,
                Self::fact(
                    name,
                    format!(
                        "the answer to {} does not fit the question",
                        question.subject()
                    ),
                ),
            ),
        }
    }

    fn includes(&self, name: &str, value: &str) -> (Truth, Fact) {
        let Some(question) = self.catalogue.question(name) else {
            return (
                Truth::Unknown,
                Self::fact(name, format!("'{name}' is not a known question")),
            );
        };
        let answer = match self.usable_answer(question) {
            Ok(answer) => answer,
            Err(result) => return result,
        };
        let Some((_, option)) = question.option(value) else {
            return (
                Truth::Unknown,
                Self::fact(
                    name,
                    format!("'{value}' is not an option of {}", question.subject()),
                ),
            );
        };
        match answer {
            AnswerValue::Choices(chosen) => {
                let has = chosen.iter().any(|c| c == value);
                // An answer of "nobody" (or nothing chosen, which says the same) explains
                // every option it leaves out in one phrase.
                let exclusive = question
                    .options
                    .iter()
                    .find(|o| o.exclusive && (chosen.is_empty() || chosen.contains(&o.value)));
                let text = match (has, exclusive) {
                    (true, _) => question.chosen_phrase(option),
                    (false, Some(only)) => question.chosen_phrase(only),
                    (false, None) => question.not_chosen_phrase(option),
                };
                (Truth::from_bool(has), Self::fact(name, text))
            }
            _ => (
                Truth::Unknown,
                Self::fact(
                    name,
                    format!(
                        "the answer to {} does not fit the question",
                        question.subject()
                    ),
                ),
            ),
        }
    }

    fn answered(&self, name: &str) -> (bool, Fact) {
        if let Some(derived) = self.catalogue.derived(name) {
            let known = self.derived_range(derived).is_some_and(|r| r.low == r.high);
            let text = format!(
                "{} is {}",
                derived.short,
                if known { "known" } else { "not known yet" }
            );
            return (known, Self::fact(name, text));
        }
        let Some(question) = self.catalogue.question(name) else {
            return (
                false,
                Self::fact(name, format!("'{name}' is not a known question")),
            );
        };
        match self.usable_answer(question) {
            Ok(_) => (
                true,
                Self::fact(name, format!("{} is answered", subject_phrase(question))),
            ),
            Err((_, fact)) => (false, fact),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_comparisons_are_unknown_only_when_the_range_straddles() {
        use CompareOp::*;
        // Range 1..=3 (e.g. at least OFFICIAL-SENSITIVE, classification unanswered).
        assert_eq!(compare_range(1, 3, Ge, 1), Truth::True);
        assert_eq!(compare_range(1, 3, Ge, 2), Truth::Unknown);
        assert_eq!(compare_range(1, 3, Lt, 1), Truth::False);
        assert_eq!(compare_range(1, 3, Eq, 0), Truth::False);
        assert_eq!(compare_range(1, 3, Ne, 0), Truth::True);
        assert_eq!(compare_range(1, 3, Eq, 2), Truth::Unknown);
        assert_eq!(compare_range(2, 2, Eq, 2), Truth::True);
        assert_eq!(compare_range(2, 2, Gt, 2), Truth::False);
        assert_eq!(compare_range(0, 1, Le, 1), Truth::True);
    }

    /// A questionnaire of `n + 1` yes-no questions, each asked only when the one before
    /// is answered yes: a chain of `n` conditions.
    pub(crate) fn chain(n: usize) -> String {
        chain_with(n, "")
    }

    /// [`chain`] with `prefix` before each condition (e.g. "not not ", to nest it).
    pub(crate) fn chain_with(n: usize, prefix: &str) -> String {
        let mut text = String::from(
            "[questionnaire]\nid = \"t\"\nversion = \"1\"\ntitle = \"T\"\n\n[[sections]]\nid = \"s\"\ntitle = \"S\"\n",
        );
        for i in 0..=n {
            text.push_str(&format!(
                "\n[[questions]]\nid = \"q{i}\"\nsection = \"s\"\nkind = \"yes-no\"\nprompt = \"p\"\nhelp = \"h\"\nwho_can_answer = \"w\"\nwhen_yes = \"y\"\nwhen_no = \"n\"\nshort = \"q{i}\"\n"
            ));
            if i > 0 {
                text.push_str(&format!("ask_if = \"{prefix}q{} == yes\"\n", i - 1));
            }
        }
        text
    }

    fn load_chain(n: usize) -> Catalogue {
        load_text(chain(n))
    }

    fn load_text(text: String) -> Catalogue {
        crate::questionnaire::loader::load_files(vec![crate::questionnaire::loader::SourceFile {
            name: "chain.toml".into(),
            text,
        }])
        .expect("the chain loads")
    }

    fn all_yes(catalogue: &Catalogue) -> Answers {
        catalogue
            .questions
            .keys()
            .map(|id| (id.clone(), AnswerValue::YesNo(true)))
            .collect()
    }

    /// Evaluates the last question of `text`'s chain with every answer yes, in a thread
    /// with a 1 MiB stack: the main thread's on Windows, the smallest secassess runs on.
    fn asked_in_small_stack(text: String, last: String) -> Option<Truth> {
        std::thread::Builder::new()
            .stack_size(1024 * 1024)
            .spawn(move || {
                let catalogue = load_text(text);
                let answers = all_yes(&catalogue);
                let facts = AnswerFacts::new(&catalogue, &answers);
                let asked = catalogue.question(&last).map(|q| facts.asked(q));
                asked
            })
            .expect("thread")
            .join()
            .expect("no panic")
    }

    #[test]
    fn the_deepest_chains_the_loader_accepts_are_evaluated_to_the_end() {
        // The longest chain of simple conditions.
        let n = MAX_DEPENDENCY_DEPTH;
        assert_eq!(
            asked_in_small_stack(chain(n), format!("q{n}")),
            Some(Truth::True)
        );
        // Two conditions nested as deep as an expression may (63), and two more.
        let mut text = chain_with(2, &"not not ".repeat(31));
        text.push_str(
            &chain(4)
                .split("[[questions]]")
                .skip(4)
                .map(|q| format!("[[questions]]{q}"))
                .collect::<String>(),
        );
        let catalogue = load_text(text.clone());
        assert_eq!(catalogue.questions.len(), 5);
        assert_eq!(
            asked_in_small_stack(text, String::from("q4")),
            Some(Truth::True)
        );
    }

    #[test]
    fn why_a_question_is_skipped_is_worked_out_once() {
        // Each question asked when either of the two before it is answered yes; the
        // first two answered no, so none after them is asked. Saying why the last is
        // skipped names the two before it, whose reasons name the two before them...:
        // worked out afresh each time, that is 2^60 evaluations.
        let n = 60;
        let mut text = chain(1);
        for i in 2..=n {
            text.push_str(&format!(
                "\n[[questions]]\nid = \"q{i}\"\nsection = \"s\"\nkind = \"yes-no\"\nprompt = \"p\"\nhelp = \"h\"\nwho_can_answer = \"w\"\nwhen_yes = \"y\"\nwhen_no = \"n\"\nshort = \"q{i}\"\nask_if = \"q{} == yes or q{} == yes\"\n",
                i - 1,
                i - 2
            ));
        }
        let catalogue = load_text(text);
        let answers: Answers = [("q0", false), ("q1", false)]
            .into_iter()
            .map(|(id, yes)| (id.to_string(), AnswerValue::YesNo(yes)))
            .collect();
        let facts = AnswerFacts::new(&catalogue, &answers);
        let (truth, fact) = facts.compare(&format!("q{n}"), CompareOp::Eq, "yes");
        assert_eq!(truth, Truth::False);
        assert!(!fact.text.is_empty());
    }

    #[test]
    fn a_result_cut_short_by_the_guard_is_not_remembered() {
        let catalogue = load_chain(20);
        let answers = all_yes(&catalogue);
        let facts = AnswerFacts::new(&catalogue, &answers);
        let last = catalogue.question("q20").expect("q20");
        // As if already deep inside another chain: the guard cuts this one short.
        facts.depth.set(MAX_DEPTH - 5);
        assert!(!facts.cut.get());
        assert_eq!(facts.asked(last), Truth::Unknown);
        facts.depth.set(0);
        assert_eq!(facts.asked(last), Truth::True);
        for i in 0..=20 {
            let q = catalogue.question(&format!("q{i}")).expect("question");
            assert_eq!(facts.asked(q), Truth::True, "q{i}");
        }
    }
}
