//! The validated questionnaire content: questionnaires, sections, questions, obligations,
//! derived values, notices and the standards they quote. Built only by the loader, so
//! every cross-reference here has been checked and every expression type-checked.
//!
//! The types mirror the TOML of `questionnaires/*.toml` (described for authors in
//! `questionnaires/FORMAT.md`): each field below says which key it comes from and what
//! the loader checked about it. Ids are stable: assessment files store answers under
//! question ids and option values, findings name obligation ids, and scripts pass them to
//! `--set`, so content adds ids rather than renaming them. Serialised (questions by
//! `secassess questions --format json`) with the TOML's own key names and spellings;
//! parsed expressions are serialised as the text they were written as.

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

/// What kind of answer a question takes (TOML `kind`): it decides the
/// [`AnswerValue`](super::answer::AnswerValue) an answer must be, how an answer typed as
/// text is read (`answer::parse_answer`), and which expressions may use the question (the
/// loader refuses the others).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AnswerKind {
    /// `"yes-no"`: answered yes or no. Compared in expressions with `== yes`, `== no` or
    /// `!=` only; the question needs `when_yes` and `when_no`, the phrases reasons use.
    YesNo,
    /// `"single"`: exactly one of its options (at least two). Compared with `==` and `!=`,
    /// and with `<`, `<=`, `>`, `>=` when the question is `ordered`; needs `short`.
    Single,
    /// `"multiple"`: any set of its options (at least two), at most one of them
    /// `exclusive`. Used in expressions only as `NAME includes VALUE`; needs `short`.
    Multiple,
    /// `"text"`: free text. Used in expressions only as `NAME is answered`.
    Text,
    /// `"date"`: a calendar date, written `YYYY-MM-DD` (no time, no zone). Used in
    /// expressions only as `NAME is answered`.
    Date,
    /// `"evidence"`: a document showing something was done: a title, a link, or a local
    /// file whose SHA-256 and size are recorded when it is attached. Used in expressions
    /// only as `NAME is answered`; an obligation's `evidence` names such a question.
    Evidence,
}

impl AnswerKind {
    /// Reads the TOML spelling of a kind, exactly as written (lowercase: `yes-no`,
    /// `single`, `multiple`, `text`, `date`, `evidence`). `None` for anything else, which
    /// the loader reports as an unknown kind.
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

    /// The TOML spelling ([`AnswerKind::parse`] reversed), as messages name the kind
    /// ("a yes-no question"). Part of a question's fingerprint
    /// (`assessment::record::question_fingerprint`), so changing a question's kind asks
    /// for its answer to be confirmed again.
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

/// How binding an obligation is (TOML `level`): the standard's own word (MUST, SHOULD,
/// MAY), or good practice the content recommends without a requirement sentence behind
/// it. Ordered strongest first (`Must < Should < May < GoodPractice`), the order every
/// list of obligations uses within a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Level {
    /// `"MUST"`: the quoted sentence says MUST (a MUST NOT is a MUST whose title is
    /// negative). Only MUST obligations of the system's own scope that apply or may yet
    /// apply can fail the gate (`secassess check`, the pack, sign-off), when neither met
    /// nor treated by a finding.
    #[serde(rename = "MUST")]
    Must,
    /// `"SHOULD"`: the quoted sentence says SHOULD. Never blocks the gate; when it
    /// applies and is not met, it is listed, as an unmet MUST is, among the gaps no
    /// finding records yet (`assessment::findings::gaps_without_finding`).
    #[serde(rename = "SHOULD")]
    Should,
    /// `"MAY"`: the quoted sentence permits rather than requires. Shown for information;
    /// never blocks the gate.
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

    /// Reads the TOML spelling, exactly as written (uppercase: `MUST`, `SHOULD`, `MAY`,
    /// `GOOD PRACTICE`). `None` for anything else, which the loader reports.
    pub fn parse(text: &str) -> Option<Level> {
        Some(match text {
            "MUST" => Level::Must,
            "SHOULD" => Level::Should,
            "MAY" => Level::May,
            "GOOD PRACTICE" => Level::GoodPractice,
            _ => return None,
        })
    }

    /// The word every front end and the pack show ([`Level::parse`] reversed).
    pub fn name(self) -> &'static str {
        match self {
            Level::Must => "MUST",
            Level::Should => "SHOULD",
            Level::May => "MAY",
            Level::GoodPractice => "GOOD PRACTICE",
        }
    }
}

/// Whose duty an obligation is (TOML `scope`: `system`, the default, or `organisation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Something the project itself must do.
    System,
    /// An organisation-wide duty the project confirms and contributes evidence to (for
    /// example the annual Data Security and Protection Toolkit submission). Shown as
    /// context with its own status, counted apart, and never a blocker of the gate.
    Organisation,
}

/// How much a showing [`Notice`] matters (TOML `severity`: `stop`, `warning` or `info`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NoticeSeverity {
    /// The system is outside self-assessment while the notice shows: the gate fails
    /// whatever the obligations say, and every front end and the pack say so first
    /// (`rules::Evaluation::stops`). The content decides when, as `secret-out-of-scope`
    /// does for SECRET and above; no code names a classification.
    Stop,
    /// Something to act on, shown beside the obligations and in the pack; changes no
    /// status and does not fail the gate.
    Warning,
    /// Background, such as "classification not known yet", shown beside the obligations
    /// and in the pack; changes nothing.
    Info,
}

/// A standards page that requirements are quoted from (a `[[standards]]` table, in
/// `questionnaires/standards.toml` for the embedded content).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Standard {
    /// Stable id that [`Source::standard`] refers to, e.g. `application-security`:
    /// starts with a lowercase letter, then lowercase letters, digits and `-`, at most
    /// 64 characters; unique across all loaded files.
    pub id: String,
    /// The page's title as published, e.g. "Application Security"; shown in citations.
    pub title: String,
    /// The page's path in the nhsengland/it-standards repository, e.g.
    /// `application-development/common-dev/security.md`; shown in citations.
    pub path: String,
    /// The name of the copy kept in `questionnaires/standards/`, which the coverage test
    /// checks every quote against; `None` for a page with no local copy.
    pub file: Option<String>,
    /// Where a reader finds the page online; shown to readers, never fetched.
    pub url: String,
    /// The page's `lastUpdated` front matter as written, e.g. `2024-03-19 10:22:52`
    /// (free text, not parsed; citations show the part before the first space).
    pub last_updated: String,
    /// Who must approve an exception to any requirement of this page (for example the
    /// Architecture Review Board for the authentication standard), when the page names one.
    pub exceptions_approved_by: Option<String>,
}

/// A citation: which standard, which section, and the requirement quoted verbatim (a
/// `[[questions.sources]]` or `[[obligations.sources]]` table).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    /// The [`Standard::id`] quoted; the loader refuses an unknown one.
    pub standard: String,
    /// The heading of the page the sentence sits under, e.g. "Base requirements".
    pub section: String,
    /// The sentence, word for word from the standard (markdown emphasis and link targets
    /// dropped; whitespace may differ); never empty. `tests/coverage.rs` checks it
    /// against the copy in `questionnaires/standards/`.
    pub quote: String,
}

/// One option of a single- or multiple-choice question (a `[[questions.options]]`
/// table).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    /// Stable value stored in assessment files and written in expressions, e.g.
    /// `official-sensitive`: starts with a lowercase letter or digit, then lowercase
    /// letters, digits and `-`; unique within its question. Part of the question's
    /// fingerprint, so changing it asks for answers to be confirmed again.
    pub value: String,
    /// What the user sees and picks, e.g. "OFFICIAL-SENSITIVE". Answers typed as text
    /// match it as well as the value, ignoring ASCII case. For the question a derived
    /// value ranges over, it names the classification in reasons and, uppercased, is the
    /// pack's protective marking.
    pub label: String,
    /// A one-line explanation shown beside the option; optional.
    pub help: Option<String>,
    /// How a reason reads when this option is chosen: "the penetration test is booked,
    /// not done yet". Required on options of unordered choice questions.
    pub when_chosen: Option<String>,
    /// How a reason reads when a multiple-choice answer leaves this option out:
    /// "members of the public do not sign in to use it".
    pub when_not_chosen: Option<String>,
    /// A multiple-choice option that is chosen alone or not at all ("nobody"); TOML
    /// `exclusive = true`, allowed only on multiple-choice questions and on at most one
    /// option of each. A question with one refuses an empty answer, so "nobody" is always said on
    /// purpose.
    pub exclusive: bool,
}

/// One question a project lead answers (a `[[questions]]` table).
#[derive(Debug, Clone, Serialize)]
pub struct Question {
    /// Stable question id, e.g. `personal_data`: what answers are keyed by in
    /// assessment files and [`Answers`](super::answer::Answers), and what expressions
    /// and `--set ID=VALUE` name. Starts with a lowercase letter, then lowercase letters,
    /// digits and `_`, at most 64 characters; unique across all loaded questionnaires and
    /// derived values.
    pub id: String,
    /// The [`Questionnaire::id`] of the file it is in.
    pub questionnaire: String,
    /// The [`Section::id`] it is asked in, a section of the same questionnaire.
    pub section: String,
    /// What kind of answer it takes.
    pub kind: AnswerKind,
    /// The question as asked, in plain English; never empty. Part of its fingerprint, so
    /// rewording it asks for answers to be confirmed again.
    pub prompt: String,
    /// Why it is asked and what it means, in the content's own words; never empty.
    pub help: String,
    /// Who can answer it, e.g. "Your technical lead or supplier"; never empty. Shown when
    /// the answer is "don't know yet", and in reasons while it is unanswered ("(your
    /// technical lead or supplier can answer it)").
    pub who_can_answer: String,
    /// Noun phrase used in reasons ("declared classification is OFFICIAL"). Required on
    /// choice questions and on every question a condition names, so a reason never
    /// quotes a whole prompt.
    pub short: Option<String>,
    /// How a reason reads when a yes-no question is answered yes ("it has administrator
    /// accounts"); required on yes-no questions.
    pub when_yes: Option<String>,
    /// How a reason reads when a yes-no question is answered no; required on yes-no
    /// questions.
    pub when_no: Option<String>,
    /// TOML `ordered = true`, single-choice questions only: the options run from lowest
    /// to highest, which allows `<`, `<=`, `>`, `>=` in expressions and a derived value
    /// over them (the classification).
    pub ordered: bool,
    /// The options of a choice question, in the order shown (lowest first when
    /// `ordered`); empty for other kinds.
    pub options: Vec<Choice>,
    /// When the question is asked: the parsed `ask_if` and its text as written; `None`
    /// for always. A question whose condition is false is skipped and has no value for
    /// expressions (see `rules::facts`).
    #[serde(rename = "ask_if", serialize_with = "serialize_expr_text")]
    pub ask_if: Option<(Expr, String)>,
    /// Sentences of the standards the question rests on, quoted beside it; optional.
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
    /// The option with this exact [`Choice::value`] (case-sensitive) and its position
    /// in [`Question::options`], which for an ordered question is its rank (0 lowest).
    /// `None` when the question has no such option.
    pub fn option(&self, value: &str) -> Option<(usize, &Choice)> {
        self.options
            .iter()
            .enumerate()
            .find(|(_, choice)| choice.value == value)
    }

    /// The phrase used to name this question in a reason: its `short`, or its id when it
    /// has none (which the loader allows only for questions no condition names).
    pub fn subject(&self) -> &str {
        self.short.as_deref().unwrap_or(&self.id)
    }

    /// How a reason reads when `choice` is the answer: its `when_chosen`, or else
    /// "SUBJECT is LABEL" ("declared classification is OFFICIAL"), the form for an
    /// ordered question, whose options may leave `when_chosen` out.
    pub fn chosen_phrase(&self, choice: &Choice) -> String {
        choice
            .when_chosen
            .clone()
            .unwrap_or_else(|| format!("{} is {}", self.subject(), choice.label))
    }

    /// How a reason reads when a multiple-choice answer leaves `choice` out: its
    /// `when_not_chosen`, or else "SUBJECT does not include LABEL" (the loader requires
    /// the phrase on every non-exclusive option of a multiple-choice question).
    pub fn not_chosen_phrase(&self, choice: &Choice) -> String {
        choice
            .when_not_chosen
            .clone()
            .unwrap_or_else(|| format!("{} does not include {}", self.subject(), choice.label))
    }
}

/// A group of questions asked together (a `[[sections]]` table); sections are walked in
/// the order their file lists them.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// Stable id that questions name in `section`, e.g. `profile-accounts`: starts with a
    /// lowercase letter, then lowercase letters, digits and `-`, at most 64 characters;
    /// unique within its questionnaire.
    pub id: String,
    /// The heading shown while its questions are asked and in the pack's answers.
    pub title: String,
    /// Optional text shown when the section starts.
    pub intro: Option<String>,
    /// Question ids in the order they are asked (the order of `[[questions]]` in the
    /// file); never empty, the loader refuses a section without questions.
    pub questions: Vec<String>,
}

/// One questionnaire file's content (its `[questionnaire]` header, sections and
/// questions), e.g. the base requirements.
#[derive(Debug, Clone, Serialize)]
pub struct Questionnaire {
    /// Stable id, e.g. `base-requirements`: starts with a lowercase letter, then
    /// lowercase letters, digits and `-`, at most 64 characters; unique across loaded
    /// files. A user's file with the same id replaces the embedded one.
    pub id: String,
    /// The content's version as its authors number it, e.g. `1.0.0` (free text, never
    /// empty, compared only for equality). Recorded in every assessment, so
    /// `assessment::upgrade` can say a questionnaire changed since it was answered.
    pub version: String,
    /// The title shown to users, e.g. "Base security requirements".
    pub title: String,
    /// Walking position: questionnaires are asked in ascending `order` (the profile is
    /// 0), ties by id; TOML `order`, default 0.
    pub order: i64,
    /// One or two sentences a project lead reads first; may be empty.
    pub summary: String,
    /// Its sections in the order the file lists them.
    pub sections: Vec<Section>,
    /// The file it was loaded from: `questionnaires/NAME.toml` for an embedded file, the
    /// name the shell gave a user's file otherwise. With `sha256`, lets an evidence pack
    /// say exactly which content it was assessed against.
    pub origin: String,
    /// SHA-256 of the file's text as loaded (UTF-8 bytes), 64 lowercase hex digits.
    pub sha256: String,
}

/// One rule raising a derived value (a `[[derived.raise]]` table): while `when` holds,
/// the value is at least `to`. The effective classification's raises are NHS England's
/// reading that personal and commercially sensitive information count as
/// OFFICIAL-SENSITIVE: "Any application that handles information classified at
/// OFFICIAL-SENSITIVE or above (including commercially sensitive or personally
/// identifiable information) ..." (Application Security).
#[derive(Debug, Clone, Serialize)]
pub struct Raise {
    /// The option value of the derived value's source question it raises to, e.g.
    /// `official-sensitive`; the loader checks it is one.
    pub to: String,
    /// The condition, parsed and type-checked.
    #[serde(skip)]
    pub when: Expr,
    /// The condition as written, for messages and serialisation.
    #[serde(rename = "when")]
    pub when_text: String,
    /// Why it raises, as a clause reasons use ("it handles personal data").
    pub because: String,
}

/// A value computed from answers, such as the effective classification (a `[[derived]]`
/// table): the highest of its source question's answer and every raise whose condition
/// holds; while answers are missing, a range (`rules::facts::DerivedRange`).
/// Expressions use it like a question.
#[derive(Debug, Clone, Serialize)]
pub struct Derived {
    /// Stable id expressions name, e.g. `effective_classification`: starts with a
    /// lowercase letter, then lowercase letters, digits and `_`, at most 64 characters;
    /// unique among questions and derived values together.
    pub id: String,
    /// Noun phrase used in reasons ("effective classification").
    pub short: String,
    /// The id of an ordered single-choice question whose options this value ranges over.
    pub from: String,
    /// The raises, in file order.
    pub raise: Vec<Raise>,
}

/// A message shown while its condition holds (a `[[notices]]` table), e.g. "SECRET and
/// above is outside self-assessment".
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    /// Stable id, e.g. `secret-out-of-scope`: starts with a lowercase letter, then
    /// lowercase letters, digits and `-`, at most 64 characters; unique across files.
    pub id: String,
    /// When it shows: only when this is true (unknown does not show it).
    #[serde(skip)]
    pub show_if: Expr,
    /// How much it matters; `Stop` takes the system out of self-assessment.
    pub severity: NoticeSeverity,
    /// One line saying what it is about.
    pub title: String,
    /// What it means and what to do, in plain English.
    pub text: String,
    /// Who to talk to, e.g. "Cyber Security team"; optional.
    pub contact: Option<String>,
}

/// One requirement of a standard as it applies to a system (an `[[obligations]]`
/// table): when it applies, when it is met, and the sentence it rests on. Its conditions
/// are meant to be a faithful reading of the sentence it quotes, no broader and no
/// narrower; the rules engine evaluates them (`rules::evaluate`).
#[derive(Debug, Clone, Serialize)]
pub struct Obligation {
    /// Stable id, e.g. `mfa-elevated-accounts`, that findings and the pack refer to:
    /// starts with a lowercase letter, then lowercase letters, digits and `-`, at most 64
    /// characters; unique across all loaded files.
    pub id: String,
    /// The [`Questionnaire::id`] of the file it is in.
    pub questionnaire: String,
    /// How binding it is.
    pub level: Level,
    /// Whose duty it is.
    pub scope: Scope,
    /// What must be done, in one line ("Use MFA on every account with elevated rights").
    pub title: String,
    /// Roles who take part in meeting it ("Technical lead", "Cyber Security team"); may
    /// be empty.
    pub involves: Vec<String>,
    /// When it applies, parsed and type-checked (TOML `applies_if`; `always` for every
    /// system). False makes it not applicable; unknown leaves its status unknown.
    #[serde(skip)]
    pub applies_if: Expr,
    /// `applies_if` as written.
    #[serde(rename = "applies_if")]
    pub applies_if_text: String,
    /// When it is met, parsed and type-checked (TOML `met_if`); evaluated only when it
    /// applies.
    #[serde(skip)]
    pub met_if: Expr,
    /// `met_if` as written.
    #[serde(rename = "met_if")]
    pub met_if_text: String,
    /// The id of an evidence question whose answer supports it (the loader checks the
    /// kind); a finding raised about the obligation links that question too.
    pub evidence: Option<String>,
    /// Who must pre-approve it, when the obligation is itself an exception the standard
    /// requires to be pre-approved (e.g. "Cyber Security team" for shared accounts,
    /// after "Where exceptions are identified, they MUST be reviewed and pre-approved by
    /// the NHS England Cyber Security team."): never met until that approval is recorded
    /// on a finding (`assessment::findings::apply_recorded_approvals`).
    pub requires_approval: Option<String>,
    /// Who must approve an exception when the obligation is not met: a gap can then be
    /// treated only by that approval (or by fixing it), never by a business owner's risk
    /// acceptance. Resolved by the loader from the obligation's `exception_approver`, its
    /// `requires_approval`, or the `exceptions_approved_by` of a standard it quotes.
    pub exception_approver: Option<String>,
    /// What the project must do to meet it, in plain English; shown with the obligation
    /// and copied into a finding raised about it.
    pub guidance: String,
    /// The sentences it rests on; at least one (the loader refuses an obligation without
    /// a source). The first is quoted in its reasons.
    pub sources: Vec<Source>,
}

/// Everything loaded and validated: the content secassess runs on.
#[derive(Debug, Clone, Serialize)]
pub struct Catalogue {
    /// In walking order (ascending `order`, then id).
    pub questionnaires: Vec<Questionnaire>,
    /// Every question of every questionnaire, by [`Question::id`].
    pub questions: BTreeMap<String, Question>,
    /// Every obligation, in file order (files as loaded: embedded, then the user's).
    pub obligations: Vec<Obligation>,
    /// Every derived value, in file order.
    pub derived: Vec<Derived>,
    /// Every notice, in file order.
    pub notices: Vec<Notice>,
    /// Every standard quoted, by [`Standard::id`].
    pub standards: BTreeMap<String, Standard>,
}

impl Catalogue {
    /// The question with this id; `None` when no loaded questionnaire has it (an answer
    /// kept in a file for a question since removed, or a mistyped `--set`).
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.get(id)
    }

    /// The derived value with this id; `None` when there is none.
    pub fn derived(&self, id: &str) -> Option<&Derived> {
        self.derived.iter().find(|d| d.id == id)
    }

    /// The obligation with this id; `None` when there is none (a finding may name an
    /// obligation a later questionnaire removed). A linear search over all obligations.
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

    /// The standard a citation quotes; `None` only for a catalogue not built by the
    /// loader, which refuses unknown standards.
    pub fn standard_for(&self, source: &Source) -> Option<&Standard> {
        self.standards.get(&source.standard)
    }
}
