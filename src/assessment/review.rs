//! The review of an assessment by an Information Governance (or Cyber Security)
//! reviewer, and its sign-off: decisions on answers (accepted, query, not reviewed), query
//! threads between reviewer and project lead, decisions going stale when the answer they
//! were made on changes, what still blocks a sign-off, and the sign-off itself, pinned to
//! a hash of the assessment's content so a later change shows "changed since sign-off".
//!
//! Pure: every function takes `who` and `now`, nothing reads a clock or a file. Every
//! change is appended to the audit trail with the hash of the review it leaves
//! ([`review_hash`]) as its pin, so `verify` can tell a review edited in a text editor
//! from one recorded here.
//!
//! Identities are self-declared (see README): the trail shows who said they did what,
//! and detects edits; it does not prove authorship.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::audit::{self, Action, Change};
use super::findings::{self, ConsistencyProblem};
use super::record::{
    timestamp, AnswerRecord, Assessment, Comment, Finding, FindingStatus, Person, Review,
    ReviewDecision, SignOff,
};
use super::verify;
use crate::questionnaire::expr::Truth;
use crate::questionnaire::loader::hex_sha256;
use crate::questionnaire::model::{Catalogue, Level};
use crate::rules::Evaluation;
use crate::walkthrough::{self, StepState};

/// Longest comment or sign-off statement accepted.
pub const MAX_COMMENT_CHARS: usize = 10_000;

/// The audit subject of sign-off entries.
pub const SIGN_OFF_SUBJECT: &str = "assessment";

/// Offered when the reviewer gives no statement of their own.
pub const STANDARD_STATEMENT: &str = "I have reviewed the answers, notes and evidence in this assessment and the treatment of its findings, and I accept them.";

/// The label every front end shows for a decision made on an answer that has changed.
pub const STALE_LABEL: &str = "stale — answer changed after review";

/// The audit actions that change a review.
pub const REVIEW_ACTIONS: [Action; 3] = [
    Action::ReviewDecision,
    Action::ReviewComment,
    Action::ReviewResolved,
];

/// Why a review change was refused. Nothing is changed when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    #[error("'{question}' has no answer to review yet; the project lead answers it first (secassess open FILE)")]
    NotAnswered { question: String },
    #[error("the current answer to '{question}' was given by {who}, who cannot also review it; ask another person to review it, acting as themselves (--as)")]
    OwnAnswer { question: String, who: String },
    #[error("there is no open query on '{question}' to {what}; `secassess review FILE --only queried` lists the queries")]
    NoOpenQuery {
        question: String,
        what: &'static str,
    },
    #[error("{what} is empty; {fix}")]
    Empty {
        what: &'static str,
        fix: &'static str,
    },
    #[error("{what} {problem}")]
    InvalidText { what: &'static str, problem: String },
    #[error("the assessment cannot be signed off yet; {} thing(s) stand in the way: {}", .blockers.len(), join_blockers(.blockers))]
    NotEligible { blockers: Vec<Blocker> },
}

fn join_blockers(blockers: &[Blocker]) -> String {
    let shown: Vec<String> = blockers
        .iter()
        .take(5)
        .map(|b| format!("{}: {}", b.subject, b.reason))
        .collect();
    let more = blockers.len().saturating_sub(shown.len());
    if more > 0 {
        format!("{}; and {more} more", shown.join("; "))
    } else {
        shown.join("; ")
    }
}

/// A reviewer's decision, as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision<'a> {
    Accept,
    /// A query, with the comment that says what needs answering.
    Query(&'a str),
    /// Withdraw an earlier decision.
    NotReviewed,
}

/// Where one answer stands in the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReviewStatus {
    /// The decision recorded (`NotReviewed` when there is none).
    pub decision: ReviewDecision,
    /// The decision was made on an answer that has changed since.
    pub stale: bool,
    /// A query that has not been resolved.
    pub open_query: bool,
}

impl ReviewStatus {
    /// Accepted, on the answer as it is now.
    pub fn is_accepted(&self) -> bool {
        self.decision == ReviewDecision::Accepted && !self.stale
    }

    /// Needs a (new) decision: never reviewed, or stale.
    pub fn needs_review(&self) -> bool {
        self.decision == ReviewDecision::NotReviewed || self.stale
    }

    /// "accepted", "queried", "stale — answer changed after review (was accepted)", ...
    pub fn label(&self) -> String {
        let base = match (self.decision, self.open_query) {
            (ReviewDecision::NotReviewed, _) => "not reviewed",
            (ReviewDecision::Accepted, _) => "accepted",
            (ReviewDecision::Query, true) => "queried",
            (ReviewDecision::Query, false) => "query resolved, not accepted yet",
        };
        if self.stale {
            format!("{STALE_LABEL} (was {base})")
        } else {
            base.to_string()
        }
    }
}

/// The stored name of a decision.
pub fn decision_name(decision: ReviewDecision) -> &'static str {
    match decision {
        ReviewDecision::NotReviewed => "not-reviewed",
        ReviewDecision::Accepted => "accepted",
        ReviewDecision::Query => "query",
    }
}

/// Whether a record holds an answer (a value, evidence or "don't know yet"), rather than
/// only notes or an "answer later" mark.
pub fn has_answer(record: &AnswerRecord) -> bool {
    record.value.is_some() || record.evidence.is_some() || record.dont_know
}

/// Where the review of one question stands now.
pub fn status(assessment: &Assessment, question: &str) -> ReviewStatus {
    let Some(review) = assessment.reviews.get(question) else {
        return ReviewStatus {
            decision: ReviewDecision::NotReviewed,
            stale: false,
            open_query: false,
        };
    };
    let stale = review.decision != ReviewDecision::NotReviewed
        && assessment
            .answers
            .get(question)
            .is_none_or(|record| audit::answer_hash(record) != review.answer_hash);
    ReviewStatus {
        decision: review.decision,
        stale,
        open_query: review.decision == ReviewDecision::Query && !review.resolved,
    }
}

/// The hash of everything a review says: the pin of its audit entries.
pub fn review_hash(review: &Review) -> String {
    let thread: Vec<serde_json::Value> = review
        .thread
        .iter()
        .map(|c| serde_json::json!([c.author, c.at.to_rfc3339(), c.text]))
        .collect();
    let canonical = serde_json::json!([
        decision_name(review.decision),
        review.answer_hash,
        review.reviewer,
        review.decided_at.to_rfc3339(),
        thread,
        review.resolved,
    ]);
    hex_sha256(canonical.to_string().as_bytes())
}

fn check_text(what: &'static str, text: &str, fix: &'static str) -> Result<String, ReviewError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ReviewError::Empty { what, fix });
    }
    if text.chars().count() > MAX_COMMENT_CHARS {
        return Err(ReviewError::InvalidText {
            what,
            problem: format!("is longer than {MAX_COMMENT_CHARS} characters; shorten it"),
        });
    }
    if text.chars().any(crate::text::is_unsafe_control) {
        return Err(ReviewError::InvalidText {
            what,
            problem: String::from("contains control characters; type it again as plain text"),
        });
    }
    Ok(text.to_string())
}

fn record_change(
    assessment: &mut Assessment,
    question: &str,
    action: Action,
    (old, new): (String, String),
    who: &Person,
    now: DateTime<Utc>,
) {
    let pin = assessment
        .reviews
        .get(question)
        .map(review_hash)
        .unwrap_or_default();
    assessment.updated_at = now;
    audit::append(
        assessment,
        who,
        Change {
            action,
            subject: question,
            old,
            new,
            pin,
        },
        now,
    );
}

/// Records a reviewer's decision on the current answer to `question`, pinned to its
/// hash. A query adds its comment to the thread; accepting closes an open thread. The same
/// decision on the same answer again changes nothing and records nothing.
pub fn decide(
    assessment: &mut Assessment,
    question: &str,
    decision: Decision<'_>,
    who: &Person,
    now: DateTime<Utc>,
) -> Result<(), ReviewError> {
    let now = timestamp(now);
    let record = assessment
        .answers
        .get(question)
        .filter(|r| has_answer(r))
        .ok_or_else(|| ReviewError::NotAnswered {
            question: question.to_string(),
        })?;
    if record.answered_by == who.signature() && decision != Decision::NotReviewed {
        return Err(ReviewError::OwnAnswer {
            question: question.to_string(),
            who: who.signature(),
        });
    }
    let answer_hash = audit::answer_hash(record);
    let comment = match decision {
        Decision::Query(text) => Some(check_text(
            "the query",
            text,
            "say what the project lead needs to answer or change",
        )?),
        _ => None,
    };
    let before = status(assessment, question);
    let new_decision = match decision {
        Decision::Accept => ReviewDecision::Accepted,
        Decision::Query(_) => ReviewDecision::Query,
        Decision::NotReviewed => ReviewDecision::NotReviewed,
    };
    let existing = assessment.reviews.get(question);
    let unchanged = match existing {
        None => new_decision == ReviewDecision::NotReviewed,
        Some(r) => {
            comment.is_none()
                && r.decision == new_decision
                && (new_decision == ReviewDecision::NotReviewed || r.answer_hash == answer_hash)
        }
    };
    if unchanged {
        return Ok(());
    }
    let review = assessment
        .reviews
        .entry(question.to_string())
        .or_insert_with(|| Review {
            decision: ReviewDecision::NotReviewed,
            answer_hash: String::new(),
            reviewer: String::new(),
            decided_at: now,
            thread: Vec::new(),
            resolved: false,
        });
    review.decision = new_decision;
    review.answer_hash = answer_hash;
    review.reviewer = who.signature();
    review.decided_at = now;
    let new_words = match &comment {
        Some(text) => {
            review.thread.push(Comment {
                author: who.signature(),
                at: now,
                text: text.clone(),
            });
            review.resolved = false;
            format!("queried: {text}")
        }
        None => {
            if new_decision == ReviewDecision::Accepted && !review.thread.is_empty() {
                review.resolved = true;
            }
            status(assessment, question).label()
        }
    };
    record_change(
        assessment,
        question,
        Action::ReviewDecision,
        (before.label(), new_words),
        who,
        now,
    );
    Ok(())
}

fn open_review<'a>(
    assessment: &'a mut Assessment,
    question: &str,
    what: &'static str,
) -> Result<&'a mut Review, ReviewError> {
    assessment
        .reviews
        .get_mut(question)
        .filter(|r| r.decision == ReviewDecision::Query && !r.resolved)
        .ok_or_else(|| ReviewError::NoOpenQuery {
            question: question.to_string(),
            what,
        })
}

/// Adds a reply (usually the project lead's) to the open query on `question`.
/// What a comment on an answer turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentKind {
    /// The person who gave the answer replied to the open query on it.
    Reply,
    /// A reviewer queried the answer.
    Query,
}

/// A comment from a front end that has one "comment" action: the answer's author
/// replying to an open query, otherwise a reviewer's query.
pub fn comment(
    assessment: &mut Assessment,
    question: &str,
    text: &str,
    who: &Person,
    now: DateTime<Utc>,
) -> Result<CommentKind, ReviewError> {
    let answered_by_them = assessment
        .answers
        .get(question)
        .is_some_and(|r| r.answered_by == who.signature());
    if status(assessment, question).open_query && answered_by_them {
        reply(assessment, question, text, who, now)?;
        Ok(CommentKind::Reply)
    } else {
        decide(assessment, question, Decision::Query(text), who, now)?;
        Ok(CommentKind::Query)
    }
}

pub fn reply(
    assessment: &mut Assessment,
    question: &str,
    text: &str,
    who: &Person,
    now: DateTime<Utc>,
) -> Result<(), ReviewError> {
    let now = timestamp(now);
    let text = check_text("the reply", text, "say how the query is answered")?;
    let review = open_review(assessment, question, "reply to")?;
    review.thread.push(Comment {
        author: who.signature(),
        at: now,
        text: text.clone(),
    });
    record_change(
        assessment,
        question,
        Action::ReviewComment,
        (String::new(), text),
        who,
        now,
    );
    Ok(())
}

/// Closes the open query on `question` (the reviewer's call). The answer still needs to
/// be accepted before sign-off.
pub fn resolve(
    assessment: &mut Assessment,
    question: &str,
    who: &Person,
    now: DateTime<Utc>,
) -> Result<(), ReviewError> {
    let now = timestamp(now);
    let review = open_review(assessment, question, "resolve")?;
    review.resolved = true;
    record_change(
        assessment,
        question,
        Action::ReviewResolved,
        (String::from("queried"), String::from("query resolved")),
        who,
        now,
    );
    Ok(())
}

/// Which answers a review walks through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Filter {
    #[default]
    All,
    /// Never reviewed, or stale.
    Unreviewed,
    /// With a query, open or resolved.
    Queried,
    /// Deciding whether a MUST obligation applies or is met: see [`must_related`].
    Must,
}

/// One answer to review, in walking order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub question: String,
    pub questionnaire: String,
    pub section: String,
    pub status: ReviewStatus,
}

/// The questions whose answers decide a MUST obligation: every question read by the
/// `applies_if` of any MUST obligation (an answer that makes one not apply matters most)
/// and by the `met_if` of those that apply or may apply, directly or through a derived
/// value such as the effective classification.
pub fn must_related(catalogue: &Catalogue, evaluation: &Evaluation) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut seen_derived = BTreeSet::new();
    let mut pending: Vec<String> = Vec::new();
    for obligation in &catalogue.obligations {
        let applies = evaluation
            .obligation(&obligation.id)
            .map_or(Truth::Unknown, |o| o.applies);
        if obligation.level != Level::Must {
            continue;
        }
        // What decides whether it applies matters even when it does not: an answer that
        // takes a MUST obligation away deserves the closest look.
        let mut exprs = vec![&obligation.applies_if];
        if applies != Truth::False {
            exprs.push(&obligation.met_if);
        }
        for expr in exprs {
            pending.extend(expr.names().into_iter().map(|(name, _)| name.to_string()));
        }
    }
    while let Some(name) = pending.pop() {
        if catalogue.question(&name).is_some() {
            out.insert(name);
        } else if let Some(derived) = catalogue.derived(&name) {
            if seen_derived.insert(name.clone()) {
                pending.push(derived.from.clone());
                for raise in &derived.raise {
                    pending.extend(raise.when.names().into_iter().map(|(n, _)| n.to_string()));
                }
            }
        }
    }
    out
}

/// The answered questions that are asked, in walking order, with their review status,
/// keeping those `filter` selects.
pub fn items(
    assessment: &Assessment,
    catalogue: &Catalogue,
    evaluation: &Evaluation,
    filter: Filter,
) -> Vec<Item> {
    let must = match filter {
        Filter::Must => must_related(catalogue, evaluation),
        _ => BTreeSet::new(),
    };
    walkthrough::steps(catalogue)
        .into_iter()
        .filter(|step| {
            matches!(
                walkthrough::step_state(&step.question, evaluation, assessment),
                StepState::Answered | StepState::DontKnow
            )
        })
        .map(|step| Item {
            status: status(assessment, &step.question),
            question: step.question,
            questionnaire: step.questionnaire,
            section: step.section,
        })
        .filter(|item| match filter {
            Filter::All => true,
            Filter::Unreviewed => item.status.needs_review(),
            Filter::Queried => item.status.decision == ReviewDecision::Query,
            Filter::Must => must.contains(&item.question),
        })
        .collect()
}

/// How far the review has got, over the answered questions that are asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Progress {
    pub answers: usize,
    /// Accepted on the answer as it is now.
    pub accepted: usize,
    pub open_queries: usize,
    pub resolved_queries: usize,
    pub stale: usize,
    pub not_reviewed: usize,
}

pub fn progress(
    assessment: &Assessment,
    catalogue: &Catalogue,
    evaluation: &Evaluation,
) -> Progress {
    let mut p = Progress::default();
    for item in items(assessment, catalogue, evaluation, Filter::All) {
        p.answers += 1;
        let s = item.status;
        if s.stale {
            p.stale += 1;
        } else {
            match s.decision {
                ReviewDecision::Accepted => p.accepted += 1,
                ReviewDecision::NotReviewed => p.not_reviewed += 1,
                ReviewDecision::Query if s.open_query => p.open_queries += 1,
                ReviewDecision::Query => p.resolved_queries += 1,
            }
        }
    }
    p
}

impl std::fmt::Display for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} of {} answers accepted; {} queried, {} with the query resolved, {} stale, {} not reviewed",
            self.accepted,
            self.answers,
            self.open_queries,
            self.resolved_queries,
            self.stale,
            self.not_reviewed
        )
    }
}

/// A query still waiting, for the project lead's overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenQuery {
    pub question: String,
    pub thread: Vec<Comment>,
    /// The answer has changed since the query was raised.
    pub answer_changed: bool,
}

/// Every open query, in question id order.
pub fn open_queries(assessment: &Assessment) -> Vec<OpenQuery> {
    assessment
        .reviews
        .iter()
        .filter(|(_, r)| r.decision == ReviewDecision::Query && !r.resolved)
        .map(|(id, r)| OpenQuery {
            question: id.clone(),
            thread: r.thread.clone(),
            answer_changed: status(assessment, id).stale,
        })
        .collect()
}

/// What one blocker is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BlockerKind {
    NotAnswered,
    NotReviewed,
    OpenQuery,
    QueryNotAccepted,
    Stale,
    Finding,
    /// An applicable MUST obligation is not met and no finding records it: the Base
    /// requirements want every issue documented with a mitigation or a risk sign-off, so
    /// a reviewer cannot sign over it.
    MustGap,
    Integrity,
}

/// One thing that stops a sign-off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Blocker {
    pub kind: BlockerKind,
    /// A question id, a finding id, or "audit entry N".
    pub subject: String,
    pub reason: String,
}

/// Whether the assessment can be signed off, and exactly what stands in the way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Eligibility {
    pub blockers: Vec<Blocker>,
}

impl Eligibility {
    pub fn eligible(&self) -> bool {
        self.blockers.is_empty()
    }
}

/// Whether a finding is treated for sign-off: closed, mitigated, a mitigation planned
/// with an owner and a target date not passed, or a risk accepted (or escalated with an
/// acceptance) whose review date has not passed; and no consistency problem. `Ok` says
/// how, `Err` says what is missing.
pub fn finding_treatment(
    finding: &Finding,
    problems: &[ConsistencyProblem],
    today: NaiveDate,
) -> Result<String, String> {
    let id = &finding.id;
    if let Some(p) = problems.iter().find(|p| p.finding == finding.id) {
        return Err(format!("{} {}", p.problem, p.fix));
    }
    if let Some(o) = findings::overdue(finding, today).first() {
        return Err(format!("{o}; update the finding"));
    }
    match (finding.status, &finding.mitigation, &finding.acceptance) {
        (FindingStatus::Closed, _, _) => Ok(String::from("closed")),
        (FindingStatus::Mitigated, Some(_), _) => Ok(String::from("mitigated")),
        (FindingStatus::MitigationPlanned, Some(plan), _) if !plan.owner.trim().is_empty() => {
            Ok(format!(
                "mitigation planned by {}, target date {}",
                plan.owner, plan.target_date
            ))
        }
        (FindingStatus::RiskAccepted | FindingStatus::Escalated, _, Some(a)) => Ok(format!(
            "risk accepted by {} on {}",
            a.accepted_by.name, a.accepted_on
        )),
        (FindingStatus::Escalated, _, None) => {
            Err(format!("{id} is escalated with no decision recorded yet"))
        }
        (status, _, _) => Err(format!(
            "{id} is {} with no mitigation plan or risk acceptance",
            status.label()
        )),
    }
}

/// Every asked question answered, and its answer accepted and not stale; no open query;
/// every finding treated; and the record intact (audit chain, answer, review and finding
/// pins: a review edited by hand must not count as accepted).
pub fn sign_off_eligibility(
    assessment: &Assessment,
    catalogue: &Catalogue,
    today: NaiveDate,
) -> Eligibility {
    let (evaluation, _) = findings::evaluate(assessment, catalogue);
    let mut blockers = Vec::new();
    for step in walkthrough::steps(catalogue) {
        let id = &step.question;
        let block = |kind, reason: String| Blocker {
            kind,
            subject: id.clone(),
            reason,
        };
        match walkthrough::step_state(id, &evaluation, assessment) {
            StepState::Skipped => {}
            StepState::Open | StepState::Pending => blockers.push(block(
                BlockerKind::NotAnswered,
                String::from("not answered yet"),
            )),
            StepState::Answered | StepState::DontKnow => {
                let s = status(assessment, id);
                let kind = if s.stale {
                    Some(BlockerKind::Stale)
                } else {
                    match s.decision {
                        ReviewDecision::Accepted => None,
                        ReviewDecision::NotReviewed => Some(BlockerKind::NotReviewed),
                        ReviewDecision::Query if s.open_query => Some(BlockerKind::OpenQuery),
                        ReviewDecision::Query => Some(BlockerKind::QueryNotAccepted),
                    }
                };
                if let Some(kind) = kind {
                    blockers.push(block(kind, s.label()));
                }
            }
        }
    }
    let problems = findings::check_consistency(assessment, catalogue);
    for finding in &assessment.findings {
        if let Err(reason) = finding_treatment(finding, &problems, today) {
            blockers.push(Blocker {
                kind: BlockerKind::Finding,
                subject: finding.id.clone(),
                reason,
            });
        }
    }
    for problem in verify::verify(assessment).problems {
        // The sign-off being replaced is not a reason to refuse a new one.
        if problem.kind == verify::ProblemKind::SignOff {
            continue;
        }
        blockers.push(Blocker {
            kind: BlockerKind::Integrity,
            subject: problem.subject,
            reason: problem.message,
        });
    }
    for gap in must_gaps(assessment, &evaluation) {
        blockers.push(Blocker {
            kind: BlockerKind::MustGap,
            subject: gap.id.clone(),
            reason: format!(
                "MUST obligation \"{}\" applies and is not met, and no finding records it; raise a finding with a mitigation plan or the business owner's risk acceptance",
                gap.title
            ),
        });
    }
    Eligibility { blockers }
}

fn must_gaps<'e>(
    assessment: &Assessment,
    evaluation: &'e Evaluation,
) -> Vec<&'e crate::rules::ObligationResult> {
    findings::gaps_without_finding(&assessment.findings, evaluation)
        .into_iter()
        .filter(|o| o.level == Level::Must)
        .collect()
}

/// Ids of applicable MUST obligations not met that no finding records: shown before a
/// sign-off, not blocking it (the pipeline gate, `check`, fails on them).
pub fn must_gaps_without_finding(assessment: &Assessment, catalogue: &Catalogue) -> Vec<String> {
    let (evaluation, _) = findings::evaluate(assessment, catalogue);
    must_gaps(assessment, &evaluation)
        .into_iter()
        .map(|o| o.id.clone())
        .collect()
}

/// The hash a sign-off is pinned to: the system, the assessor, the questionnaire
/// versions, what every answer says ([`audit::answer_hash`]: value, "don't know",
/// evidence, notes), every finding ([`findings::finding_hash`]) and every review decision
/// with the answer it was made on. Left out, so saving again or reading it changes
/// nothing: the sign-off itself, the audit trail, timestamps of the file, where the
/// walkthrough was left, "answer later" marks, who answered and when (the answer content
/// is what is signed), and review threads (conversation, not content).
pub fn content_hash(assessment: &Assessment) -> String {
    let answers: Vec<serde_json::Value> = assessment
        .answers
        .iter()
        .filter(|(_, r)| has_answer(r) || !r.notes.is_empty())
        .map(|(id, r)| serde_json::json!([id, audit::answer_hash(r)]))
        .collect();
    let findings: Vec<serde_json::Value> = assessment
        .findings
        .iter()
        .map(|f| serde_json::json!([f.id, findings::finding_hash(f)]))
        .collect();
    let reviews: Vec<serde_json::Value> = assessment
        .reviews
        .iter()
        .filter(|(_, r)| r.decision != ReviewDecision::NotReviewed)
        .map(|(id, r)| serde_json::json!([id, decision_name(r.decision), r.answer_hash]))
        .collect();
    let questionnaires: Vec<serde_json::Value> = assessment
        .questionnaires
        .iter()
        .map(|q| serde_json::json!([q.id, q.version, q.sha256]))
        .collect();
    let canonical = serde_json::json!([
        "secassess-content-v1",
        [assessment.system.name, assessment.system.description],
        [
            assessment.assessor.name,
            assessment.assessor.role,
            assessment.assessor.email
        ],
        questionnaires,
        answers,
        findings,
        reviews,
    ]);
    hex_sha256(canonical.to_string().as_bytes())
}

/// Signs off the assessment as `who` with `statement`, pinned to [`content_hash`].
/// Refused, with every blocker, unless [`sign_off_eligibility`] finds none. Replaces an
/// earlier sign-off (both stay in the audit trail).
pub fn sign_off(
    assessment: &mut Assessment,
    catalogue: &Catalogue,
    today: NaiveDate,
    statement: &str,
    who: &Person,
    now: DateTime<Utc>,
) -> Result<(), ReviewError> {
    let now = timestamp(now);
    let statement = check_text(
        "the sign-off statement",
        statement,
        "say what you have reviewed and accept",
    )?;
    let eligibility = sign_off_eligibility(assessment, catalogue, today);
    if !eligibility.eligible() {
        return Err(ReviewError::NotEligible {
            blockers: eligibility.blockers,
        });
    }
    let hash = content_hash(assessment);
    let old = assessment
        .sign_off
        .as_ref()
        .map(|s| {
            format!(
                "signed off by {} at {}",
                s.signed_by.signature(),
                s.signed_at.to_rfc3339()
            )
        })
        .unwrap_or_default();
    assessment.sign_off = Some(SignOff {
        signed_by: who.clone(),
        signed_at: now,
        statement: statement.clone(),
        content_hash: hash.clone(),
    });
    assessment.updated_at = now;
    audit::append(
        assessment,
        who,
        Change {
            action: Action::SignOff,
            subject: SIGN_OFF_SUBJECT,
            old,
            new: statement,
            pin: hash,
        },
        now,
    );
    Ok(())
}

/// `Some(true)` when the content has changed since the sign-off, `Some(false)` when it
/// has not, `None` when there is no sign-off.
pub fn changed_since_sign_off(assessment: &Assessment) -> Option<bool> {
    assessment
        .sign_off
        .as_ref()
        .map(|s| s.content_hash != content_hash(assessment))
}

#[cfg(test)]
pub(crate) mod tests;
