//! The small expression language of `ask_if`, `applies_if`, `met_if`, derived `when` and
//! notice `show_if`: parsing with byte spans (so the loader can report file:line:column)
//! and three-valued evaluation (true / false / unknown) against any [`Facts`] source.
//!
//! # Grammar
//!
//! As [`parse`] reads it (also in `questionnaires/FORMAT.md`, for content authors):
//!
//! ```text
//! expr     := or
//! or       := and ("or" and)*
//! and      := unary ("and" unary)*
//! unary    := "not" unary | primary
//! primary  := "(" expr ")" | "always" | "never"
//!           | NAME OP VALUE
//!           | NAME "includes" VALUE
//!           | NAME "is" "answered" | NAME "is" "not" "answered"
//! OP       := "==" | "!=" | "<" | "<=" | ">" | ">="
//! NAME     := WORD that is not a keyword (a question or derived value id)
//! VALUE    := WORD (an option value, or yes / no; a keyword is allowed here)
//! WORD     := one or more ASCII letters, digits, "_" or "-"
//! keywords := and or not always never is answered includes (lowercase only)
//! ```
//!
//! Whitespace only separates tokens. `and` binds tighter than `or`, and `not` tighter
//! still, applying to the one comparison or bracket after it (`not a == yes` is
//! `not (a == yes)`). A chain of one operator
//! is one node (`a and b and c` is an [`Expr::And`] of three). Values are never quoted.
//! Text longer than 4,096 bytes, or brackets and `not` nested more than 64 deep, is
//! refused rather than parsed, so hostile content cannot exhaust the stack. The parser
//! checks only the shape: whether a name exists, whether a value is one of its options
//! and whether the operator suits its kind are the loader's checks.
//!
//! # Truth
//!
//! Evaluation is Kleene's strong three-valued logic over [`Truth`]:
//!
//! - `and` is false if any operand is false, otherwise unknown if any is unknown,
//!   otherwise true; `or` is true if any operand is true, otherwise unknown if any is
//!   unknown, otherwise false; `not` swaps true and false and leaves unknown unknown;
//!   `always` is true and `never` false. Every operand is evaluated (no short cut), so
//!   the reasons can name each one that decided the result.
//! - The atoms are answered by a [`Facts`] source; for an assessment that is
//!   `rules::facts::AnswerFacts`: a comparison or `includes` on a question not answered
//!   yet, answered "don't know yet", or whose own `ask_if` is unknown, is unknown, so an
//!   obligation never looks settled while the answer that decides it is missing; on a
//!   question that is not asked (its
//!   `ask_if` is false) it is false, whatever the operator (`!=` too); on a derived value
//!   whose answers are partly missing it is unknown only when the value's range
//!   straddles the value compared with.
//! - `is answered` is two-valued: true when the question is asked and has an answer
//!   other than "don't know yet" (for a derived value: when it is settled), false
//!   otherwise, never unknown; `is not answered` is its negation.

use std::fmt;
use std::ops::Range;

/// Byte range inside the expression text.
pub type Span = Range<usize>;

/// Longest expression accepted; content expressions are a line or two.
const MAX_EXPRESSION_LEN: usize = 4096;
/// Deepest nesting of brackets and `not`, so hostile input cannot exhaust the stack.
const MAX_DEPTH: usize = 64;

/// A comparison operator of `NAME OP VALUE`. On a choice question or a derived value it
/// compares option positions (the ordering operators need an ordered question); on a
/// yes-no question only [`CompareOp::Eq`] and [`CompareOp::Ne`] are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    /// `==`: the answer is the value.
    Eq,
    /// `!=`: the answer is another value.
    Ne,
    /// `<`: the answer ranks below the value.
    Lt,
    /// `<=`: the answer ranks at or below the value.
    Le,
    /// `>`: the answer ranks above the value.
    Gt,
    /// `>=`: the answer ranks at or above the value, e.g.
    /// `effective_classification >= official-sensitive`.
    Ge,
}

impl CompareOp {
    /// Whether the operator compares ranks (`<`, `<=`, `>`, `>=`), which the loader allows
    /// only on an ordered single-choice question or a derived value.
    pub fn is_ordering(self) -> bool {
        !matches!(self, CompareOp::Eq | CompareOp::Ne)
    }

    /// The operator as written in expressions, for messages.
    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Eq => "==",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
        }
    }
}

/// A parsed expression. Names and values are kept as written; the loader checks them
/// against the questionnaire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// `always`: true for every system (an obligation of every system says
    /// `applies_if = "always"`).
    Always,
    /// `never`: false.
    Never,
    /// `not X`: true and false swapped, unknown kept.
    Not(Box<Expr>),
    /// `X and Y and ...`: as parsed, two or more operands, in the order written.
    And(Vec<Expr>),
    /// `X or Y or ...`: as parsed, two or more operands, in the order written.
    Or(Vec<Expr>),
    /// `NAME OP VALUE`, e.g. `personal_data == yes`.
    Compare {
        /// The question or derived value id, as written.
        name: String,
        /// Where `name` is in the expression text (bytes).
        name_span: Span,
        /// The operator.
        op: CompareOp,
        /// The option value (or `yes`/`no`) compared with, as written.
        value: String,
        /// Where `value` is in the expression text (bytes).
        value_span: Span,
    },
    /// `NAME includes VALUE`: a multiple-choice answer contains the option.
    Includes {
        /// The multiple-choice question's id, as written.
        name: String,
        /// Where `name` is in the expression text (bytes).
        name_span: Span,
        /// The option value looked for, as written.
        value: String,
        /// Where `value` is in the expression text (bytes).
        value_span: Span,
    },
    /// `NAME is answered`, or `NAME is not answered` when `negated`.
    Answered {
        /// The question or derived value id, as written.
        name: String,
        /// Where `name` is in the expression text (bytes).
        name_span: Span,
        /// Written `is not answered`.
        negated: bool,
    },
}

impl Expr {
    /// How deeply the expression nests: 1 for a comparison or a constant, one more for
    /// each `not`, `and` or `or` around it. Evaluation recurses this deep; the rules
    /// engine counts it against its depth limit (`model::MAX_DEPENDENCY_DEPTH`).
    pub fn depth(&self) -> usize {
        match self {
            Expr::Not(inner) => 1 + inner.depth(),
            Expr::And(items) | Expr::Or(items) => {
                1 + items.iter().map(Expr::depth).max().unwrap_or(0)
            }
            _ => 1,
        }
    }

    /// Every question or derived name the expression reads, with where it is written, in
    /// the order written (repeated names repeated). The loader builds its dependency
    /// graph from them; the TUI and findings use them to find the questions that decide
    /// an obligation.
    pub fn names(&self) -> Vec<(&str, Span)> {
        let mut out = Vec::new();
        self.collect_names(&mut out);
        out
    }

    fn collect_names<'a>(&'a self, out: &mut Vec<(&'a str, Span)>) {
        match self {
            Expr::Always | Expr::Never => {}
            Expr::Not(inner) => inner.collect_names(out),
            Expr::And(items) | Expr::Or(items) => {
                for item in items {
                    item.collect_names(out);
                }
            }
            Expr::Compare {
                name, name_span, ..
            }
            | Expr::Includes {
                name, name_span, ..
            }
            | Expr::Answered {
                name, name_span, ..
            } => out.push((name.as_str(), name_span.clone())),
        }
    }
}

/// Why an expression text does not parse. Shown as its message alone; the loader adds
/// the file, line and column from `span`, and the content author fixes the expression.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// What is wrong and what was expected, e.g. "this '(' is never closed" or "unexpected
    /// 'b'; join conditions with 'and' or 'or'".
    pub message: String,
    /// The bytes of the expression text it points at: the offending token, or an empty
    /// span at the end when the text ends too early; the whole text when it is too long
    /// or empty.
    pub span: Span,
}

impl ParseError {
    fn new(message: impl Into<String>, span: Span) -> Self {
        ParseError {
            message: message.into(),
            span,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Op(CompareOp),
    Open,
    Close,
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Word(w) => write!(f, "'{w}'"),
            Token::Op(op) => write!(f, "'{}'", op.symbol()),
            Token::Open => f.write_str("'('"),
            Token::Close => f.write_str("')'"),
        }
    }
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

fn tokenize(text: &str) -> Result<Vec<(Token, Span)>, ParseError> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        let token = match c {
            '(' => Token::Open,
            ')' => Token::Close,
            '=' | '!' | '<' | '>' => {
                let followed_by_eq = matches!(chars.peek(), Some((_, '=')));
                if followed_by_eq {
                    chars.next();
                }
                let op = match (c, followed_by_eq) {
                    ('=', true) => CompareOp::Eq,
                    ('!', true) => CompareOp::Ne,
                    ('<', false) => CompareOp::Lt,
                    ('<', true) => CompareOp::Le,
                    ('>', false) => CompareOp::Gt,
                    ('>', true) => CompareOp::Ge,
                    _ => {
                        return Err(ParseError::new(
                            format!("'{c}' is not an operator; use ==, !=, <, <=, > or >="),
                            start..start + 1,
                        ))
                    }
                };
                tokens.push((Token::Op(op), start..start + if followed_by_eq { 2 } else { 1 }));
                continue;
            }
            c if is_word_char(c) => {
                let mut end = start + c.len_utf8();
                while let Some(&(i, next)) = chars.peek() {
                    if !is_word_char(next) {
                        break;
                    }
                    end = i + next.len_utf8();
                    chars.next();
                }
                tokens.push((Token::Word(text[start..end].to_string()), start..end));
                continue;
            }
            other => {
                return Err(ParseError::new(
                    format!("unexpected character {other:?}; names and values use letters, digits, '_' and '-'"),
                    start..start + other.len_utf8(),
                ))
            }
        };
        tokens.push((token, start..start + 1));
    }
    Ok(tokens)
}

const KEYWORDS: &[&str] = &[
    "and", "or", "not", "always", "never", "is", "answered", "includes",
];

struct Parser {
    tokens: Vec<(Token, Span)>,
    position: usize,
    end: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.position).map(|(t, _)| t)
    }

    fn peek_word(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(w)) if w == word)
    }

    fn next(&mut self) -> Option<(Token, Span)> {
        let item = self.tokens.get(self.position).cloned();
        if item.is_some() {
            self.position += 1;
        }
        item
    }

    fn here(&self) -> Span {
        self.tokens
            .get(self.position)
            .map(|(_, s)| s.clone())
            .unwrap_or(self.end..self.end)
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError::new(
                format!("expression nested more than {MAX_DEPTH} deep"),
                self.here(),
            ));
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut items = vec![self.and()?];
        while self.peek_word("or") {
            self.next();
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Expr::Or(items)
        })
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut items = vec![self.unary()?];
        while self.peek_word("and") {
            self.next();
            items.push(self.unary()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Expr::And(items)
        })
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.peek_word("not") {
            self.next();
            self.enter()?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let at = self.here();
        match self.next() {
            None => Err(ParseError::new(
                "expression ends too early: expected a question name, 'always', 'never' or '('",
                at,
            )),
            Some((Token::Open, open_span)) => {
                self.enter()?;
                let inner = self.or()?;
                self.depth -= 1;
                match self.next() {
                    Some((Token::Close, _)) => Ok(inner),
                    _ => Err(ParseError::new("this '(' is never closed", open_span)),
                }
            }
            Some((Token::Word(word), span)) => match word.as_str() {
                "always" => Ok(Expr::Always),
                "never" => Ok(Expr::Never),
                w if KEYWORDS.contains(&w) => Err(ParseError::new(
                    format!("expected a question name, found the keyword '{w}'"),
                    span,
                )),
                _ => self.after_name(word, span),
            },
            Some((token, span)) => Err(ParseError::new(
                format!("expected a question name, 'always', 'never' or '(', found {token}"),
                span,
            )),
        }
    }

    fn after_name(&mut self, name: String, name_span: Span) -> Result<Expr, ParseError> {
        let at = self.here();
        match self.next() {
            Some((Token::Op(op), _)) => {
                let (value, value_span) = self.value()?;
                Ok(Expr::Compare {
                    name,
                    name_span,
                    op,
                    value,
                    value_span,
                })
            }
            Some((Token::Word(w), _)) if w == "includes" => {
                let (value, value_span) = self.value()?;
                Ok(Expr::Includes {
                    name,
                    name_span,
                    value,
                    value_span,
                })
            }
            Some((Token::Word(w), _)) if w == "is" => {
                let negated = self.peek_word("not");
                if negated {
                    self.next();
                }
                match self.next() {
                    Some((Token::Word(w), _)) if w == "answered" => Ok(Expr::Answered {
                        name,
                        name_span,
                        negated,
                    }),
                    other => Err(ParseError::new(
                        "expected 'answered' after 'is' (as in 'name is answered')",
                        other.map(|(_, s)| s).unwrap_or(at),
                    )),
                }
            }
            Some((token, span)) => Err(ParseError::new(
                format!(
                    "expected ==, !=, <, <=, >, >=, 'includes' or 'is' after '{name}', found {token}"
                ),
                span,
            )),
            None => Err(ParseError::new(
                format!("expected ==, !=, <, <=, >, >=, 'includes' or 'is' after '{name}'"),
                at,
            )),
        }
    }

    fn value(&mut self) -> Result<(String, Span), ParseError> {
        let at = self.here();
        match self.next() {
            // Only a value can follow an operator, so keywords are fine here ("never").
            Some((Token::Word(w), span)) => Ok((w, span)),
            Some((token, span)) => Err(ParseError::new(
                format!("expected a value such as 'yes' or 'official-sensitive', found {token}"),
                span,
            )),
            None => Err(ParseError::new(
                "expected a value such as 'yes' or 'official-sensitive'",
                at,
            )),
        }
    }
}

/// Parses one expression (see the grammar above); the whole text must be consumed.
///
/// Fails with a [`ParseError`] when the text is longer than 4,096 bytes, is empty or
/// only whitespace ("write 'always' ..."), holds a character outside names, values,
/// brackets and operators, has a lone `=` or `!`, puts a keyword where a name belongs,
/// misses an operator, a value or `answered`, leaves a `(` unclosed, nests brackets or
/// `not` more than 64 deep, or has anything left over after a complete expression.
pub fn parse(text: &str) -> Result<Expr, ParseError> {
    if text.len() > MAX_EXPRESSION_LEN {
        return Err(ParseError::new(
            format!("expression is longer than {MAX_EXPRESSION_LEN} bytes"),
            0..text.len(),
        ));
    }
    let tokens = tokenize(text)?;
    if tokens.is_empty() {
        return Err(ParseError::new(
            "empty expression: write 'always' if it holds for every system",
            0..text.len(),
        ));
    }
    let mut parser = Parser {
        tokens,
        position: 0,
        end: text.len(),
        depth: 0,
    };
    let expr = parser.or()?;
    if let Some((token, span)) = parser.next() {
        return Err(ParseError::new(
            format!("unexpected {token}; join conditions with 'and' or 'or'"),
            span,
        ));
    }
    Ok(expr)
}

/// Three-valued truth: the value of an expression, whether a question is asked, and
/// whether an obligation applies. Serialised as `true`, `false`, `unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Truth {
    /// Settled true by the answers given.
    True,
    /// Settled false by the answers given.
    False,
    /// Not settled: an answer it depends on is missing or "don't know yet".
    Unknown,
}

impl Truth {
    /// `True` or `False`; never `Unknown`.
    pub fn from_bool(b: bool) -> Truth {
        if b {
            Truth::True
        } else {
            Truth::False
        }
    }

    /// Kleene negation: true and false swapped, unknown kept.
    pub fn negate(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }
}

/// One observation that decided (part of) an evaluation, in words a user can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// The question or derived id it is about.
    pub subject: String,
    /// The answer behind it as a clause a reason joins with others ("it handles personal
    /// data", "personal data is not answered yet (your Information Governance representative
    /// can answer it)"); worded from the content's `when_yes`, `when_no`, `when_chosen`,
    /// `when_not_chosen` and `short` phrases.
    pub text: String,
}

/// The result of evaluating an expression, with the facts that decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The expression's value.
    pub truth: Truth,
    /// The facts that decided it (see [`evaluate`]), without duplicates, in the order
    /// they are to be said; empty for `always` and `never`.
    pub because: Vec<Fact>,
}

/// What an expression can ask about the answers. Implemented by the rules engine; each
/// method returns the truth of the atom and a sentence describing the answer behind it.
pub trait Facts {
    /// `name op value`: the truth of the comparison of the question's or derived
    /// value's current answer with the option `value`, and the fact saying what that
    /// answer is (or why there is none). What a missing answer gives is the source's
    /// rule; for `AnswerFacts` see the module's "Truth".
    fn compare(&self, name: &str, op: CompareOp, value: &str) -> (Truth, Fact);
    /// `name includes value`: whether a multiple-choice answer contains the option, and
    /// the fact saying so (or why there is no answer).
    fn includes(&self, name: &str, value: &str) -> (Truth, Fact);
    /// `name is answered`: whether there is a usable answer (never unknown), and the fact
    /// saying so or why not.
    fn answered(&self, name: &str) -> (bool, Fact);
}

/// Evaluates with Kleene logic (see the module's "Truth") and keeps only the facts that
/// decided the result: for a true `or` its true branches, for a false `and` its false
/// branches; when every branch counts (a false `or`, a true `and`), every branch, except
/// that a compound branch already explained by a fact given is not added to; for an
/// unknown result, its unknown branches, a compound one only when none of its facts is
/// given yet. `not` keeps its operand's facts. Never fails: a name the source does not
/// know is the source's to answer.
pub fn evaluate(expr: &Expr, facts: &dyn Facts) -> Outcome {
    match expr {
        Expr::Always => Outcome {
            truth: Truth::True,
            because: Vec::new(),
        },
        Expr::Never => Outcome {
            truth: Truth::False,
            because: Vec::new(),
        },
        Expr::Not(inner) => {
            let outcome = evaluate(inner, facts);
            Outcome {
                truth: outcome.truth.negate(),
                because: outcome.because,
            }
        }
        Expr::And(items) => combine(items, facts, Truth::False),
        Expr::Or(items) => combine(items, facts, Truth::True),
        Expr::Compare {
            name, op, value, ..
        } => {
            let (truth, fact) = facts.compare(name, *op, value);
            Outcome {
                truth,
                because: vec![fact],
            }
        }
        Expr::Includes { name, value, .. } => {
            let (truth, fact) = facts.includes(name, value);
            Outcome {
                truth,
                because: vec![fact],
            }
        }
        Expr::Answered { name, negated, .. } => {
            let (answered, fact) = facts.answered(name);
            Outcome {
                truth: Truth::from_bool(answered != *negated),
                because: vec![fact],
            }
        }
    }
}

/// `and` (dominant = false) and `or` (dominant = true) share one rule: the dominant value
/// wins, then unknown, then the other value.
fn combine(items: &[Expr], facts: &dyn Facts, dominant: Truth) -> Outcome {
    let outcomes: Vec<Outcome> = items.iter().map(|item| evaluate(item, facts)).collect();
    let truth = if outcomes.iter().any(|o| o.truth == dominant) {
        dominant
    } else if outcomes.iter().any(|o| o.truth == Truth::Unknown) {
        Truth::Unknown
    } else {
        dominant.negate()
    };
    // The branches whose value equals the result are the ones that decided it. When every
    // branch is needed (a false `or`, a true `and`), a branch that is itself decided by
    // any one of its facts (a false `and`, a true `or`) is already explained when one of
    // those facts is in: "the penetration test is booked" explains both "done" and
    // "(earlier version and no significant change)" being false, so the second does
    // not add "it is new or going through significant change".
    // The same goes for an unknown result: the first missing answer named is the one to
    // give (the gate lists every question that decides it separately).
    let every_branch_needed = truth != dominant;
    let mut deciding: Vec<(bool, Vec<Fact>)> = items
        .iter()
        .zip(outcomes)
        .filter(|(_, outcome)| outcome.truth == truth)
        .map(|(item, outcome)| {
            let any_one_fact = match item {
                Expr::And(_) | Expr::Or(_) if truth == Truth::Unknown => true,
                Expr::And(_) => every_branch_needed && truth == Truth::False,
                Expr::Or(_) => every_branch_needed && truth == Truth::True,
                _ => false,
            };
            (any_one_fact, outcome.because)
        })
        .collect();
    // Single facts first, so they can explain the compound branches after them.
    deciding.sort_by_key(|(any_one_fact, facts)| (*any_one_fact, facts.len()));
    let mut because: Vec<Fact> = Vec::new();
    for (any_one_fact, facts) in deciding {
        if any_one_fact && facts.iter().any(|f| because.contains(f)) {
            continue;
        }
        for fact in facts {
            if !because.contains(&fact) {
                because.push(fact);
            }
        }
    }
    Outcome { truth, because }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn compare(name: &str, op: CompareOp, value: &str) -> Expr {
        Expr::Compare {
            name: name.into(),
            name_span: 0..0,
            op,
            value: value.into(),
            value_span: 0..0,
        }
    }

    fn strip_spans(expr: Expr) -> Expr {
        match expr {
            Expr::Compare {
                name, op, value, ..
            } => compare(&name, op, &value),
            Expr::Includes { name, value, .. } => Expr::Includes {
                name,
                name_span: 0..0,
                value,
                value_span: 0..0,
            },
            Expr::Answered { name, negated, .. } => Expr::Answered {
                name,
                name_span: 0..0,
                negated,
            },
            Expr::Not(inner) => Expr::Not(Box::new(strip_spans(*inner))),
            Expr::And(items) => Expr::And(items.into_iter().map(strip_spans).collect()),
            Expr::Or(items) => Expr::Or(items.into_iter().map(strip_spans).collect()),
            other => other,
        }
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let expr = strip_spans(parse("a == yes or b == no and c >= official-sensitive").unwrap());
        assert_eq!(
            expr,
            Expr::Or(vec![
                compare("a", CompareOp::Eq, "yes"),
                Expr::And(vec![
                    compare("b", CompareOp::Eq, "no"),
                    compare("c", CompareOp::Ge, "official-sensitive"),
                ]),
            ])
        );
    }

    #[test]
    fn brackets_not_and_answered() {
        let expr = strip_spans(parse("not (a != yes) and b is not answered").unwrap());
        assert_eq!(
            expr,
            Expr::And(vec![
                Expr::Not(Box::new(compare("a", CompareOp::Ne, "yes"))),
                Expr::Answered {
                    name: "b".into(),
                    name_span: 0..0,
                    negated: true
                },
            ])
        );
    }

    #[test]
    fn spans_point_at_the_problem() {
        let err = parse("a == yes and (b == no").unwrap_err();
        assert_eq!(err.span, 13..14, "{err}");
        let err = parse("a == yes b == no").unwrap_err();
        assert_eq!(err.span, 9..10);
        assert!(err.message.contains("'and' or 'or'"));
        let err = parse("a = yes").unwrap_err();
        assert_eq!(err.span, 2..3);
        let err = parse("a ==").unwrap_err();
        assert_eq!(err.span, 4..4);
        let err = parse("a == yes and").unwrap_err();
        assert!(err.message.contains("ends too early"));
        let err = parse("   ").unwrap_err();
        assert!(err.message.contains("empty"));
        let err = parse("a == \"yes\"").unwrap_err();
        assert_eq!(err.span, 5..6);
    }

    #[test]
    fn keywords_are_not_names_or_values() {
        assert!(parse("and == yes").is_err());
        // After an operator only a value can follow, so a keyword there is a value.
        assert!(parse("a == never").is_ok());
        assert!(parse("a is maybe").is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!("{}a == yes{}", "(".repeat(1000), ")".repeat(1000));
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("nested"), "{err}");
        let text = format!("{}a == yes", "not ".repeat(1000));
        assert!(parse(&text).is_err());
        assert!(parse(&"a == yes or ".repeat(2000)).is_err());
    }

    struct Table(HashMap<&'static str, Truth>);

    impl Facts for Table {
        fn compare(&self, name: &str, _: CompareOp, _: &str) -> (Truth, Fact) {
            let truth = self.0.get(name).copied().unwrap_or(Truth::Unknown);
            (
                truth,
                Fact {
                    subject: name.into(),
                    text: format!("{name} is {truth:?}"),
                },
            )
        }
        fn includes(&self, name: &str, value: &str) -> (Truth, Fact) {
            self.compare(name, CompareOp::Eq, value)
        }
        fn answered(&self, name: &str) -> (bool, Fact) {
            let (t, f) = self.compare(name, CompareOp::Eq, "");
            (t != Truth::Unknown, f)
        }
    }

    fn eval(text: &str, table: &[(&'static str, Truth)]) -> Outcome {
        evaluate(
            &parse(text).unwrap(),
            &Table(table.iter().copied().collect()),
        )
    }

    #[test]
    fn a_fact_that_already_explains_a_compound_branch_is_not_joined_by_the_rest() {
        // "p == done or (p == earlier and change == no)": with p false everywhere, p's
        // fact explains both branches; change's adds nothing.
        let table = Table(HashMap::from([
            ("p", Truth::False),
            ("change", Truth::False),
        ]));
        let expr = parse("p == done or (p == earlier and change == no)").unwrap();
        let outcome = evaluate(&expr, &table);
        assert_eq!(outcome.truth, Truth::False);
        let texts: Vec<&str> = outcome.because.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(texts, ["p is False"]);
        // Where no single fact covers every branch, each branch keeps its own reason.
        let table = Table(HashMap::from([("a", Truth::False), ("b", Truth::False)]));
        let outcome = evaluate(&parse("a == yes or b == yes").unwrap(), &table);
        assert_eq!(outcome.because.len(), 2);
    }

    #[test]
    fn kleene_logic() {
        use Truth::*;
        let t = [("t", True), ("f", False), ("u", Unknown)];
        let cases = [
            ("t == yes and u == yes", Unknown),
            ("f == yes and u == yes", False),
            ("t == yes or u == yes", True),
            ("f == yes or u == yes", Unknown),
            ("not u == yes", Unknown),
            ("not f == yes", True),
            ("always", True),
            ("never or t == yes", True),
            ("u is answered", False),
            ("u is not answered", True),
        ];
        for (text, expected) in cases {
            assert_eq!(eval(text, &t).truth, expected, "{text}");
        }
    }

    #[test]
    fn only_deciding_facts_are_kept() {
        use Truth::*;
        let t = [("t", True), ("f", False), ("u", Unknown)];
        let subjects = |o: Outcome| o.because.into_iter().map(|f| f.subject).collect::<Vec<_>>();
        assert_eq!(subjects(eval("t == yes or f == yes", &t)), ["t"]);
        assert_eq!(subjects(eval("t == yes and f == yes", &t)), ["f"]);
        assert_eq!(subjects(eval("f == yes or u == yes", &t)), ["u"]);
        assert_eq!(subjects(eval("f == yes or f == no", &t)), ["f"]);
    }

    proptest::proptest! {
        #[test]
        fn parser_never_panics(text in "\\PC{0,200}") {
            let _ = parse(&text);
        }

        #[test]
        fn parser_never_panics_on_expression_like_text(
            text in "[a-z_ ()=!<>-]{0,120}"
        ) {
            let _ = parse(&text);
        }
    }
}
