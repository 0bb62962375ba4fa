//! Fuzzes the condition language (`ask_if`, `applies_if`, `met_if`, ...): any text must
//! parse or give an error whose span lies inside the text (the loader turns it into a
//! line and column), never a panic, a hang or a stack overflow; and whatever parses must
//! evaluate, with Kleene logic holding for `not`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use secassess::questionnaire::expr::{self, CompareOp, Expr, Fact, Facts, Truth};

/// Answers every atom from a hash of its text, so the same atom always gets the same
/// truth and all three truths occur.
struct Hashed;

fn truth_of(text: &str) -> Truth {
    match text.bytes().fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b))) % 3 {
        0 => Truth::True,
        1 => Truth::False,
        _ => Truth::Unknown,
    }
}

fn fact(name: &str) -> Fact {
    Fact {
        subject: name.to_string(),
        text: format!("{name} is something"),
    }
}

impl Facts for Hashed {
    fn compare(&self, name: &str, op: CompareOp, value: &str) -> (Truth, Fact) {
        (truth_of(&format!("{name}{}{value}", op.symbol())), fact(name))
    }
    fn includes(&self, name: &str, value: &str) -> (Truth, Fact) {
        (truth_of(&format!("{name} includes {value}")), fact(name))
    }
    fn answered(&self, name: &str) -> (bool, Fact) {
        (truth_of(name) == Truth::True, fact(name))
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match expr::parse(text) {
        Ok(parsed) => {
            for (name, span) in parsed.names() {
                assert!(span.start <= span.end && span.end <= text.len(), "name span {span:?} outside the text");
                assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
                assert!(!name.is_empty(), "an empty name parsed");
            }
            let outcome = expr::evaluate(&parsed, &Hashed);
            let negated = expr::evaluate(&Expr::Not(Box::new(parsed.clone())), &Hashed);
            assert_eq!(negated.truth, outcome.truth.negate(), "not is not Kleene negation");
            assert!(parsed.depth() >= 1);
        }
        Err(e) => {
            let span = e.span.clone();
            assert!(span.start <= span.end && span.end <= text.len(), "error span {span:?} outside the text ({} bytes)", text.len());
            assert!(!e.message.is_empty());
        }
    }
});
