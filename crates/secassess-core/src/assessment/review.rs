//! The review of an assessment by an Information Governance (or Cyber Security)
//! reviewer: decisions on answers (accepted, query, not reviewed), query threads between
//! reviewer and project lead, and decisions going stale when the answer they were made
//! on, or its local evidence file, changes. What a sign-off needs and the sign-off itself
//! are in [`super::sign_off`].
//!
//! Pure: every function takes `who` and `now`, nothing reads a clock or a file. Every
//! change is appended to the audit trail with the hash of the review it leaves
//! ([`review_hash`]) as its pin, so `verify` can tell a review edited in a text editor
//! from one recorded here.
//!
//! Identities are self-declared (see README): the trail shows who said they did what,
//! and detects edits; it does not prove authorship.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::audit::{self, Action, Change};
use super::evidence::EvidenceFiles;
use super::identity::same_person;
use super::record::{timestamp, AnswerRecord, Assessment, Comment, Person, Review, ReviewDecision};
use super::roles::{self, Role};
use super::sign_off::Blocker;
use crate::questionnaire::expr::Truth;
use crate::questionnaire::loader::hex_sha256;
use crate::questionnaire::model::{Catalogue, Level};
use crate::rules::Evaluation;
use crate::walkthrough::{self, StepState};

/// Longest comment or sign-off statement accepted.
pub const MAX_COMMENT_CHARS: usize = 10_000;

/// The label every front end shows for a decision made on an answer that has changed.
pub const STALE_LABEL: &str = "stale — answer changed after review";

/// The label for a decision whose answer is the same but whose local evidence file has
/// changed, gone or become unreadable since.
pub const EVIDENCE_STALE_LABEL: &str = "stale — evidence file changed after review";

/// The audit actions that change a review.
pub const REVIEW_ACTIONS: [Action; 3] = [
    Action::ReviewDecision,
    Action::ReviewComment,
    Action::ReviewResolved,
];

/// Why a review change was refused. Nothing is changed when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    /// A decision on a question with no answer (nothing, or only notes or an "answer
    /// later" mark).
    #[error("'{question}' has no answer to review yet; the project lead answers it first (secassess open FILE)")]
    NotAnswered {
        /// The question id.
        question: String,
    },
    /// Accepting or querying an answer the decider gave ([`same_person`]): nobody reviews
    /// their own answer. Withdrawing a decision is not refused.
    #[error("the current answer to '{question}' was given by {who}, who cannot also review it; ask another person to review it, acting as themselves (--as)")]
    OwnAnswer {
        /// The question id.
        question: String,
        /// Who gave the answer, as recorded (`Name <email>`).
        who: String,
    },
    /// Accepting an answer of "don't know yet".
    #[error("'{question}' is answered \"don't know yet\", which cannot be accepted; query it, or the project lead answers it first")]
    DontKnow {
        /// The question id.
        question: String,
    },
    /// Accepting an answer whose local evidence file has changed, gone or become
    /// unreadable since it was attached, as the shell found it.
    #[error("the evidence file of '{question}' {what} since it was attached, so it cannot be accepted as it stands; the project lead attaches it again, then it can be reviewed")]
    EvidenceChanged {
        /// The question id.
        question: String,
        /// How the file differs, in [`super::evidence::Drift::verb`]'s words ("changed",
        /// "is missing", "could not be read").
        what: &'static str,
    },
    /// The person's part in the assessment does not allow this (see [`super::roles`]).
    #[error("{0}")]
    Role(String),
    /// A reply to, or the resolving of, a query on a question that has none open.
    #[error("there is no open query on '{question}' to {what}; `secassess review FILE --only queried` lists the queries")]
    NoOpenQuery {
        /// The question id.
        question: String,
        /// The action refused, as it reads after "to": "reply to" or "resolve".
        what: &'static str,
    },
    /// A query, reply or sign-off statement that is empty once trimmed.
    #[error("{what} is empty; {fix}")]
    Empty {
        /// What was empty: "the query", "the reply" or "the sign-off statement".
        what: &'static str,
        /// What to write instead.
        fix: &'static str,
    },
    /// A query, reply or sign-off statement longer than [`MAX_COMMENT_CHARS`] characters
    /// or holding control characters.
    #[error("{what} {problem}")]
    InvalidText {
        /// Which text: "the query", "the reply" or "the sign-off statement".
        what: &'static str,
        /// What is wrong with it and what to do, in words.
        problem: String,
    },
    /// The key given could not sign; nothing was signed off.
    #[error("not signed off: {0}")]
    Signature(super::signature::SignError),
    /// A sign-off refused because [`super::sign_off::readiness`] found something in the
    /// way; the message names the first five.
    #[error("the assessment cannot be signed off yet; {} thing(s) stand in the way: {}", .blockers.len(), join_blockers(.blockers))]
    NotEligible {
        /// Everything in the way, in the order `readiness` found it.
        blockers: Vec<Blocker>,
    },
}

/// The open queries in walking order: where the project lead is taken first.
pub fn open_queries_in_order(assessment: &Assessment, catalogue: &Catalogue) -> Vec<OpenQuery> {
    let order: Vec<String> = walkthrough::steps(catalogue)
        .into_iter()
        .map(|s| s.question)
        .collect();
    let (evaluation, _) = super::findings::evaluate(assessment, catalogue);
    let mut queries = open_queries(assessment, catalogue, &evaluation);
    queries.sort_by_key(|q| {
        order
            .iter()
            .position(|id| *id == q.question)
            .unwrap_or(usize::MAX)
    });
    queries
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
    /// Accept the answer as it is now (pinned to its hash); ends an open query thread.
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
    /// The decision was made on an answer that has changed since, or whose local
    /// evidence file has changed, gone or become unreadable since.
    pub stale: bool,
    /// Stale only because of its evidence file: the answer itself is what was reviewed.
    pub evidence_changed: bool,
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

    /// Waits on the reviewer rather than the project lead: needs a (new) decision, or its
    /// query was resolved and the answer is not accepted yet. Sign-off needs every answer
    /// accepted, so a resolved query is still the reviewer's to accept (or query again).
    pub fn awaits_reviewer(&self) -> bool {
        self.needs_review() || (self.decision == ReviewDecision::Query && !self.open_query)
    }

    /// "accepted", "queried", "stale — answer changed after review (was accepted)", ...
    pub fn label(&self) -> String {
        let base = match (self.decision, self.open_query) {
            (ReviewDecision::NotReviewed, _) => "not reviewed",
            (ReviewDecision::Accepted, _) => "accepted",
            (ReviewDecision::Query, true) => "queried",
            (ReviewDecision::Query, false) => "query resolved, not accepted yet",
        };
        if self.stale && self.evidence_changed {
            format!("{EVIDENCE_STALE_LABEL} (was {base})")
        } else if self.stale {
            format!("{STALE_LABEL} (was {base})")
        } else {
            base.to_string()
        }
    }
}

/// The stored name of a decision: "not-reviewed", "accepted" or "query", as in the file
/// and in what [`review_hash`] and `sign_off::content_hash` hash.
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

/// Whether the answer to `question` is not what its review decision was made on.
fn answer_changed(assessment: &Assessment, question: &str, review: &Review) -> bool {
    assessment
        .answers
        .get(question)
        .is_none_or(|record| audit::answer_hash(record) != review.answer_hash)
}

/// Whether the local evidence file of the answer to `question` is not what was attached
/// (as far as `evidence` knows).
pub fn evidence_drift(
    assessment: &Assessment,
    question: &str,
    evidence: &EvidenceFiles,
) -> Option<super::evidence::Drift> {
    let attached = assessment.answers.get(question)?.evidence.as_ref()?;
    evidence.drift(attached)
}

/// Where the review of one question stands now, with its evidence file as `evidence`
/// found it.
pub fn status(assessment: &Assessment, question: &str, evidence: &EvidenceFiles) -> ReviewStatus {
    let Some(review) = assessment.reviews.get(question) else {
        return ReviewStatus {
            decision: ReviewDecision::NotReviewed,
            stale: false,
            evidence_changed: false,
            open_query: false,
        };
    };
    let decided = review.decision != ReviewDecision::NotReviewed;
    let changed = decided && answer_changed(assessment, question, review);
    let evidence_changed =
        decided && !changed && evidence_drift(assessment, question, evidence).is_some();
    ReviewStatus {
        decision: review.decision,
        stale: changed || evidence_changed,
        evidence_changed,
        open_query: review.decision == ReviewDecision::Query && !review.resolved,
    }
}

/// The hash of everything a review says: the pin of its audit entries. Lowercase hex
/// SHA-256 of the JSON array `[decision name, answer_hash, reviewer, decided_at (RFC
/// 3339), [[author, at, text], ...], resolved]`.
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

pub(crate) fn check_text(
    what: &'static str,
    text: &str,
    fix: &'static str,
) -> Result<String, ReviewError> {
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
    Ok(crate::text::nfc(text).into_owned())
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
/// hash (which covers the local evidence file's recorded SHA-256 and size). A query adds
/// its comment to the thread; accepting closes an open thread. The same decision on the
/// same answer again changes nothing and records nothing.
///
/// Refused: by the project lead (see [`roles::may_review`]); by the person who gave the
/// answer ([`same_person`]); accepting "don't know yet"; accepting an answer whose
/// evidence file is no longer what was attached (as `evidence` found it).
pub fn decide(
    assessment: &mut Assessment,
    question: &str,
    decision: Decision<'_>,
    who: &Person,
    now: DateTime<Utc>,
    evidence: &EvidenceFiles,
) -> Result<(), ReviewError> {
    let now = timestamp(now);
    roles::may_review(assessment, who).map_err(ReviewError::Role)?;
    let record = assessment
        .answers
        .get(question)
        .filter(|r| has_answer(r))
        .ok_or_else(|| ReviewError::NotAnswered {
            question: question.to_string(),
        })?;
    if same_person(&record.answered_by, &who.signature()) && decision != Decision::NotReviewed {
        return Err(ReviewError::OwnAnswer {
            question: question.to_string(),
            who: record.answered_by.clone(),
        });
    }
    if decision == Decision::Accept {
        if record.dont_know {
            return Err(ReviewError::DontKnow {
                question: question.to_string(),
            });
        }
        if let Some(drift) = record.evidence.as_ref().and_then(|e| evidence.drift(e)) {
            return Err(ReviewError::EvidenceChanged {
                question: question.to_string(),
                what: drift.verb(),
            });
        }
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
    let before = status(assessment, question, evidence);
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
            status(assessment, question, evidence).label()
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

/// What a comment on an answer turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentKind {
    /// The person who gave the answer replied to the open query on it.
    Reply,
    /// A reviewer queried the answer.
    Query,
}

/// A comment from a front end that has one "comment" action: the project lead's side
/// (the lead, or whoever gave answers, see [`roles::role_in`]) replying to an open query,
/// otherwise a reviewer's query.
pub fn comment(
    assessment: &mut Assessment,
    question: &str,
    text: &str,
    who: &Person,
    now: DateTime<Utc>,
    evidence: &EvidenceFiles,
) -> Result<CommentKind, ReviewError> {
    let answered_by_them = assessment
        .answers
        .get(question)
        .is_some_and(|r| same_person(&r.answered_by, &who.signature()));
    let leads_side = answered_by_them
        || matches!(
            roles::role_in(assessment, who),
            Role::ProjectLead | Role::Contributor
        );
    if status(assessment, question, evidence).open_query && leads_side {
        reply(assessment, question, text, who, now)?;
        Ok(CommentKind::Reply)
    } else {
        decide(
            assessment,
            question,
            Decision::Query(text),
            who,
            now,
            evidence,
        )?;
        Ok(CommentKind::Query)
    }
}

/// Adds a reply (usually the project lead's) to the open query on `question`, as `who`
/// at `now`: trimmed, in NFC, audited as `review-comment`. Who may reply is not checked
/// here ([`comment`] decides which side a person is on).
///
/// Errors: [`ReviewError::Empty`] or [`ReviewError::InvalidText`] for the text,
/// [`ReviewError::NoOpenQuery`] when the question has no open query; nothing is changed.
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
    /// Every answered question that is asked.
    #[default]
    All,
    /// Waiting on the reviewer ([`ReviewStatus::awaits_reviewer`]): never reviewed,
    /// stale, or a query resolved and not accepted yet.
    Unreviewed,
    /// With a query, open or resolved.
    Queried,
    /// Deciding whether a MUST obligation applies or is met: see [`must_related`].
    Must,
}

/// One answer to review, in walking order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    /// The question id.
    pub question: String,
    /// The id of the questionnaire that asks it.
    pub questionnaire: String,
    /// The id of its section in that questionnaire.
    pub section: String,
    /// Where its review stands now.
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
/// keeping those `filter` selects. Answers to questions no longer asked are left out: they
/// count nowhere.
pub fn items(
    assessment: &Assessment,
    catalogue: &Catalogue,
    evaluation: &Evaluation,
    evidence: &EvidenceFiles,
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
            status: status(assessment, &step.question, evidence),
            question: step.question,
            questionnaire: step.questionnaire,
            section: step.section,
        })
        .filter(|item| match filter {
            Filter::All => true,
            Filter::Unreviewed => item.status.awaits_reviewer(),
            Filter::Queried => item.status.decision == ReviewDecision::Query,
            Filter::Must => must.contains(&item.question),
        })
        .collect()
}

/// How far the review has got, over the answered questions that are asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Progress {
    /// Answered questions that are asked: the sum of the five counts below.
    pub answers: usize,
    /// Accepted on the answer as it is now.
    pub accepted: usize,
    /// With a query still open (and not stale).
    pub open_queries: usize,
    /// With a query resolved and the answer not accepted yet (and not stale).
    pub resolved_queries: usize,
    /// Whose decision is stale: the answer or its evidence file changed since, whatever
    /// the decision was.
    pub stale: usize,
    /// With no decision yet.
    pub not_reviewed: usize,
}

/// How far the review has got: each answered question that is asked counted once, in
/// one of the [`Progress`] counts, with evidence files as `evidence` found them.
pub fn progress(
    assessment: &Assessment,
    catalogue: &Catalogue,
    evaluation: &Evaluation,
    evidence: &EvidenceFiles,
) -> Progress {
    let mut p = Progress::default();
    for item in items(assessment, catalogue, evaluation, evidence, Filter::All) {
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
    /// The question id.
    pub question: String,
    /// The query thread, oldest first: the query, then any replies and further queries.
    pub thread: Vec<Comment>,
    /// The answer has changed since the query was raised.
    pub answer_changed: bool,
}

/// Whether a review of `question` counts: the question is one the questionnaires have and
/// it is asked (or may be, depending on answers still missing). An answer to a question no
/// longer asked counts nowhere, and neither does a decision or a query on it.
pub fn counts(
    question: &str,
    catalogue: &Catalogue,
    evaluation: &Evaluation,
    assessment: &Assessment,
) -> bool {
    catalogue.question(question).is_some()
        && walkthrough::step_state(question, evaluation, assessment) != StepState::Skipped
}

/// Every open query that counts ([`counts`]: on a question still asked), in question id
/// order. A query left open on an answer to a question no longer asked is kept in the file
/// and shown with that answer, but it is not waiting for anyone: it counts nowhere (not in
/// the review status, readiness for sign-off or the project lead's list).
pub fn open_queries(
    assessment: &Assessment,
    catalogue: &Catalogue,
    evaluation: &Evaluation,
) -> Vec<OpenQuery> {
    assessment
        .reviews
        .iter()
        .filter(|(_, r)| r.decision == ReviewDecision::Query && !r.resolved)
        .filter(|(id, _)| counts(id, catalogue, evaluation, assessment))
        .map(|(id, r)| OpenQuery {
            question: id.clone(),
            thread: r.thread.clone(),
            answer_changed: answer_changed(assessment, id, r),
        })
        .collect()
}

/// Assessments built in memory for tests, here and (with the `test-support` feature) in
/// the shell crate's tests.
#[cfg(any(test, feature = "test-support"))]
pub mod tests;
