//! The validated questionnaire content: questionnaires, sections, questions, obligations,
//! derived values, notices and the standards they quote. Built only by the loader, so
//! every cross-reference here has been checked and every expression type-checked.

/// How deep the rules engine follows a chain of conditions: a question whose `ask_if`
/// names a question whose `ask_if` names another, and so on (a derived value's `raise`
/// conditions count as a link), each counted by how deeply its expression nests
/// (`Expr::depth`: 1 for `q == yes`, 3 for `not (a or b == yes)`). Evaluation recurses
/// that deep, so the limit keeps it well inside the smallest stack secassess runs on (a
/// Windows main thread, 1 MiB). The loader refuses a catalogue with a deeper chain, so
/// the engine never has to cut one short and call "unknown" what the answers settle.
pub const MAX_DEPENDENCY_DEPTH: usize = 128;

use std::collections::BTreeMap;

use serde::Serialize;

use super::expr::Expr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AnswerKind {
    YesNo,
    Single,
    Multiple,
    Text,
    Date,
    Evidence,
}

impl AnswerKind {
    pub fn parse(text: &str) -> Option<AnswerKind> {
        Some(match text {
            "yes-no" => AnswerKind::YesNo,
            "single" => AnswerKind::Single,
            "multiple" => AnswerKind::Multiple,
            "text" => AnswerKind::Text,
            "date" => AnswerKind::Date,
            "evidence" => AnswerKind::Evidence,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            AnswerKind::YesNo => "yes-no",
            AnswerKind::Single => "single",
            AnswerKind::Multiple => "multiple",
            AnswerKind::Text => "text",
            AnswerKind::Date => "date",
            AnswerKind::Evidence => "evidence",
        }
    }
}

/// How binding an obligation is: the standard's own word (MUST, SHOULD, MAY), or good
/// practice the content recommends without a requirement sentence behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Level {
    #[serde(rename = "MUST")]
    Must,
    #[serde(rename = "SHOULD")]
    Should,
    #[serde(rename = "MAY")]
    May,
    /// Not a requirement of any standard: advice that supports one. Its sources are the
    /// context it rests on, not a sentence requiring it.
    #[serde(rename = "GOOD PRACTICE")]
    GoodPractice,
}

impl Level {
    /// Every level, strongest first.
    pub const ALL: [Level; 4] = [Level::Must, Level::Should, Level::May, Level::GoodPractice];

    pub fn parse(text: &str) -> Option<Level> {
        Some(match text {
            "MUST" => Level::Must,
            "SHOULD" => Level::Should,
            "MAY" => Level::May,
            "GOOD PRACTICE" => Level::GoodPractice,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Level::Must => "MUST",
            Level::Should => "SHOULD",
            Level::May => "MAY",
            Level::GoodPractice => "GOOD PRACTICE",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Something the project itself must do.
    System,
    /// An organisation-wide duty the project confirms and contributes evidence to.
    Organisation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NoticeSeverity {
    Stop,
    Warning,
    Info,
}

/// A standards page that requirements are quoted from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Standard {
    pub id: String,
    pub title: String,
    pub path: String,
    pub file: Option<String>,
    pub url: String,
    pub last_updated: String,
    /// Who must approve an exception to any requirement of this page (for example the
    /// Architecture Review Board for the authentication standard), when the page names one.
    pub exceptions_approved_by: Option<String>,
}

/// A citation: which standard, which section, and the requirement quoted verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub standard: String,
    pub section: String,
    pub quote: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub help: Option<String>,
    /// How a reason reads when this option is chosen: "the penetration test is booked,
    /// not done yet". Required on options of unordered choice questions.
    pub when_chosen: Option<String>,
    /// How a reason reads when a multiple-choice answer leaves this option out:
    /// "members of the public do not sign in to use it".
    pub when_not_chosen: Option<String>,
    /// A multiple-choice option that is chosen alone or not at all ("nobody").
    pub exclusive: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Question {
    pub id: String,
    pub questionnaire: String,
    pub section: String,
    pub kind: AnswerKind,
    pub prompt: String,
    pub help: String,
    pub who_can_answer: String,
    /// Noun phrase used in reasons ("declared classification is OFFICIAL").
    pub short: Option<String>,
    pub when_yes: Option<String>,
    pub when_no: Option<String>,
    pub ordered: bool,
    pub options: Vec<Choice>,
    #[serde(rename = "ask_if", serialize_with = "serialize_expr_text")]
    pub ask_if: Option<(Expr, String)>,
    pub sources: Vec<Source>,
}

fn serialize_expr_text<S: serde::Serializer>(
    value: &Option<(Expr, String)>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some((_, text)) => serializer.serialize_some(text),
        None => serializer.serialize_none(),
    }
}

impl Question {
    pub fn option(&self, value: &str) -> Option<(usize, &Choice)> {
        self.options
            .iter()
            .enumerate()
            .find(|(_, choice)| choice.value == value)
    }

    /// The phrase used to name this question in a reason.
    pub fn subject(&self) -> &str {
        self.short.as_deref().unwrap_or(&self.id)
    }

    /// How a reason reads when `choice` is the answer: its `when_chosen`, or "declared
    /// classification is OFFICIAL" for an ordered question whose labels are names.
    pub fn chosen_phrase(&self, choice: &Choice) -> String {
        choice
            .when_chosen
            .clone()
            .unwrap_or_else(|| format!("{} is {}", self.subject(), choice.label))
    }

    /// How a reason reads when a multiple-choice answer leaves `choice` out.
    pub fn not_chosen_phrase(&self, choice: &Choice) -> String {
        choice
            .when_not_chosen
            .clone()
            .unwrap_or_else(|| format!("{} does not include {}", self.subject(), choice.label))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub intro: Option<String>,
    /// Question ids in the order they are asked.
    pub questions: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Questionnaire {
    pub id: String,
    pub version: String,
    pub title: String,
    pub order: i64,
    pub summary: String,
    pub sections: Vec<Section>,
    /// The file it was loaded from (embedded name or user path) and the SHA-256 of its text,
    /// so an evidence pack can say exactly which content it was assessed against.
    pub origin: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Raise {
    pub to: String,
    #[serde(skip)]
    pub when: Expr,
    #[serde(rename = "when")]
    pub when_text: String,
    pub because: String,
}

/// A value computed from answers, such as the effective classification.
#[derive(Debug, Clone, Serialize)]
pub struct Derived {
    pub id: String,
    pub short: String,
    /// An ordered single-choice question whose options this value ranges over.
    pub from: String,
    pub raise: Vec<Raise>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    pub id: String,
    #[serde(skip)]
    pub show_if: Expr,
    pub severity: NoticeSeverity,
    pub title: String,
    pub text: String,
    pub contact: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Obligation {
    pub id: String,
    pub questionnaire: String,
    pub level: Level,
    pub scope: Scope,
    pub title: String,
    pub involves: Vec<String>,
    #[serde(skip)]
    pub applies_if: Expr,
    #[serde(rename = "applies_if")]
    pub applies_if_text: String,
    #[serde(skip)]
    pub met_if: Expr,
    #[serde(rename = "met_if")]
    pub met_if_text: String,
    pub evidence: Option<String>,
    /// The obligation is itself an exception the standard requires to be pre-approved:
    /// never met until the approval is recorded.
    pub requires_approval: Option<String>,
    /// Who must approve an exception when the obligation is not met: a gap can then be
    /// treated only by that approval (or by fixing it), never by a business owner's risk
    /// acceptance. Resolved by the loader from the obligation's `exception_approver`, its
    /// `requires_approval`, or the `exceptions_approved_by` of a standard it quotes.
    pub exception_approver: Option<String>,
    pub guidance: String,
    pub sources: Vec<Source>,
}

/// Everything loaded and validated: the content secassess runs on.
#[derive(Debug, Clone, Serialize)]
pub struct Catalogue {
    /// In walking order (ascending `order`, then id).
    pub questionnaires: Vec<Questionnaire>,
    pub questions: BTreeMap<String, Question>,
    pub obligations: Vec<Obligation>,
    pub derived: Vec<Derived>,
    pub notices: Vec<Notice>,
    pub standards: BTreeMap<String, Standard>,
}

impl Catalogue {
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.get(id)
    }

    pub fn derived(&self, id: &str) -> Option<&Derived> {
        self.derived.iter().find(|d| d.id == id)
    }

    pub fn obligation(&self, id: &str) -> Option<&Obligation> {
        self.obligations.iter().find(|o| o.id == id)
    }

    /// Questions in the order a walkthrough asks them.
    pub fn questions_in_order(&self) -> impl Iterator<Item = &Question> {
        self.questionnaires
            .iter()
            .flat_map(|q| q.sections.iter())
            .flat_map(|s| s.questions.iter())
            .filter_map(|id| self.questions.get(id))
    }

    pub fn standard_for(&self, source: &Source) -> Option<&Standard> {
        self.standards.get(&source.standard)
    }
}
