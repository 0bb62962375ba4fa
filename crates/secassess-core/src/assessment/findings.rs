//! The findings register: every gap the assessment finds (and any issue raised by hand)
//! becomes a finding, and every finding must be treated, by a mitigation plan or by the
//! business owner signing off the risk, because the Base requirements say "any
//! discovered issues must be formally documented with either a mitigation plan or a
//! sign-off of the risk by the business owner".
//!
//! Everything here is pure: the caller passes `today` (for overdue dates) and `now` (for
//! the audit trail), so the same file gives the same answer in a test, in a pipeline run
//! with `--date`, and in the terminal UI. Every change goes through [`audit::append`]
//! with the finding's content hash as its pin, so an edit made outside secassess is
//! reported by [`check_consistency`] rather than trusted.
//!
//! Three rules shape what is shown:
//! - a risk acceptance never makes an obligation met: it is "not met — risk accepted by
//!   NAME on DATE";
//! - an obligation whose standard requires pre-approval ([`Obligation::requires_approval`])
//!   is never shown as met until that approval is recorded as an [`ExceptionApproval`] on
//!   a linked finding, whatever the answers say ([`apply_recorded_approvals`]);
//! - a finding with a consistency problem treats nothing, so `check` cannot be passed by
//!   a half-recorded acceptance;
//! - a gap in an obligation whose standard routes exceptions through a named approver
//!   ([`Obligation::exception_approver`], such as the Architecture Review Board for the
//!   authentication standard) is treated only by that approval or a mitigation, never by
//!   a business owner's risk acceptance.
//!
//! Organisation duties (scope `organisation`, such as the DSPT) are context: they never
//! block the gate or sign-off, and [`gate`] reports them separately. A showing "stop"
//! notice (the content's way of saying "outside self-assessment", for example SECRET)
//! fails the gate whatever the obligations say.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::audit::{self, Action, Change};
use super::index::{linked_obligations, AuditIndex, FindingIds, ProblemsByFinding};
use super::record::{
    timestamp, AnswerProblem, Assessment, ExceptionApproval, Finding, FindingStatus,
    MitigationPlan, Person, RiskAcceptance, Severity,
};
use crate::questionnaire::answer::{AnswerValue, Answers, EvidenceRef};
use crate::questionnaire::expr::Truth;
use crate::questionnaire::model::{Catalogue, Level, Obligation, Scope};
use crate::rules::{self, Evaluation, ObligationResult, Status, EFFECTIVE_CLASSIFICATION};
use crate::text::{nfc, same_text, shorten};

/// The classification value from which a MUST obligation's risk acceptance is flagged
/// for escalation: the business owner alone should not sign off a MUST gap on a system
/// holding personal, patient or commercially sensitive information.
pub const ESCALATION_CLASSIFICATION: &str = "official-sensitive";

/// Escalation is secassess's policy, not the standard's requirement: the Base
/// requirements say only that "Risks may be escalated to organisation level if needed".
/// Every message that asks for escalation says so with these words.
pub const ESCALATION_POLICY: &str = "secassess policy, not a requirement of the standard, which says \"Risks may be escalated to organisation level if needed\"";

/// What each severity means, for the TUI's picker and for exports.
pub const SEVERITY_RUBRIC: [(Severity, &str); 4] = [
    (
        Severity::Critical,
        "Could expose OFFICIAL-SENSITIVE information or give an attacker control of the system now; act before the system goes live or keeps running.",
    ),
    (
        Severity::High,
        "A MUST obligation is not met, or a weakness that is likely to be exploited; fix it or escalate it before go-live.",
    ),
    (
        Severity::Medium,
        "A SHOULD obligation is not met, or a weakness that needs other failures before it can be exploited; plan a fix.",
    ),
    (
        Severity::Low,
        "Good practice not followed with little direct risk; fix it when convenient.",
    ),
];

impl Severity {
    /// Every severity, most severe first.
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];

    /// The stored name: "critical", "high", "medium", "low".
    pub fn name(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// What this severity means (see [`SEVERITY_RUBRIC`]).
    pub fn rubric(self) -> &'static str {
        SEVERITY_RUBRIC
            .iter()
            .find(|(s, _)| *s == self)
            .map(|(_, text)| *text)
            .unwrap_or_default()
    }

    pub fn parse(text: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|s| s.name().eq_ignore_ascii_case(text.trim()))
    }
}

impl FindingStatus {
    /// Every status, in the order a finding usually moves through them.
    pub const ALL: [FindingStatus; 6] = [
        FindingStatus::Open,
        FindingStatus::MitigationPlanned,
        FindingStatus::Mitigated,
        FindingStatus::RiskAccepted,
        FindingStatus::Escalated,
        FindingStatus::Closed,
    ];

    /// The stored name: "open", "mitigation-planned", ...
    pub fn name(self) -> &'static str {
        match self {
            FindingStatus::Open => "open",
            FindingStatus::MitigationPlanned => "mitigation-planned",
            FindingStatus::Mitigated => "mitigated",
            FindingStatus::RiskAccepted => "risk-accepted",
            FindingStatus::Escalated => "escalated",
            FindingStatus::Closed => "closed",
        }
    }

    /// In words: "mitigation planned".
    pub fn label(self) -> &'static str {
        match self {
            FindingStatus::Open => "open",
            FindingStatus::MitigationPlanned => "mitigation planned",
            FindingStatus::Mitigated => "mitigated",
            FindingStatus::RiskAccepted => "risk accepted",
            FindingStatus::Escalated => "escalated",
            FindingStatus::Closed => "closed",
        }
    }

    /// Reads a name or label ("risk-accepted", "risk accepted", "risk_accepted").
    pub fn parse(text: &str) -> Option<FindingStatus> {
        let wanted = text.trim().to_ascii_lowercase().replace([' ', '_'], "-");
        FindingStatus::ALL.into_iter().find(|s| s.name() == wanted)
    }
}

/// Who is making a change, and when: `now` stamps the audit entry, `today` is the date
/// target, acceptance and review dates are checked against.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub who: &'a Person,
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
}

/// Why a change to the register was refused. Nothing is changed when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FindingError {
    #[error("there is no finding {}; `secassess findings FILE` lists the findings", shorten(.id))]
    NoSuchFinding { id: String },
    #[error("finding id {} is used by {count} findings, so secassess cannot tell which one to change; give each a different id in a text editor first", shorten(.id))]
    DuplicateId { id: String, count: usize },
    #[error("there is no obligation '{}' in the loaded questionnaires; `secassess obligations` lists their ids", shorten(.id))]
    UnknownObligation { id: String },
    #[error("{} was changed outside secassess (or added in a text editor) since its last recorded change, so it was not changed again; check the file, then acknowledge the edit (`secassess finding acknowledge FILE {}`) to record it in the audit trail", shorten(.id), shorten(.id))]
    ChangedOutside { id: String },
    #[error("{} was not changed: {problem}", shorten(.finding))]
    Invalid {
        finding: String,
        problem: String,
        /// The field at fault, as in [`ConsistencyProblem::field`]
        /// (`mitigation.target_date`, or a part of one such as `owner.role`), when it is
        /// one field: a form shows the problem next to it.
        field: Option<&'static str>,
    },
    #[error("{} was not changed: {}", shorten(.finding), join_problems(.problems))]
    Inconsistent {
        finding: String,
        problems: Vec<ConsistencyProblem>,
    },
}

fn join_problems(problems: &[ConsistencyProblem]) -> String {
    problems
        .iter()
        .map(|p| format!("{} {}", p.problem, p.fix))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One thing wrong with the register, explained: which finding, which field, what is
/// wrong and what to do. Never fixed silently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsistencyProblem {
    pub finding: String,
    /// The field in the file, e.g. `acceptance.review_date`.
    pub field: String,
    pub problem: String,
    pub fix: String,
}

impl std::fmt::Display for ConsistencyProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}): {} {}",
            shorten(&self.finding),
            self.field,
            self.problem,
            self.fix
        )
    }
}

fn problem(finding: &Finding, field: &str, problem: String, fix: &str) -> ConsistencyProblem {
    ConsistencyProblem {
        finding: if finding.id.trim().is_empty() {
            format!("finding '{}'", shorten(&finding.title))
        } else {
            finding.id.clone()
        },
        field: field.to_string(),
        problem,
        fix: fix.to_string(),
    }
}

/// Records a problem for each required text left blank. Each row is
/// (value, field, what is wrong, how to fix it).
fn require_text(
    finding: &Finding,
    rows: &[(&str, &str, &str, &str)],
    out: &mut Vec<ConsistencyProblem>,
) {
    for &(value, field, what, fix) in rows {
        if blank(value) {
            out.push(problem(finding, field, what.to_string(), fix));
        }
    }
}

fn blank(text: &str) -> bool {
    text.trim().is_empty()
}

fn has_evidence(evidence: &EvidenceRef) -> bool {
    !blank(&evidence.title)
        || evidence.link.as_deref().is_some_and(|l| !blank(l))
        || evidence.path.as_deref().is_some_and(|p| !blank(p))
}

/// The answers typed against the catalogue, the rules evaluated, recorded approvals
/// applied, and the answers to confirm again after a questionnaire upgrade marked: the
/// evaluation every front end should show for an assessment.
pub fn evaluate(
    assessment: &Assessment,
    catalogue: &Catalogue,
) -> (Evaluation, Vec<AnswerProblem>) {
    let (answers, problems) = assessment.typed_answers(catalogue);
    let mut evaluation = rules::evaluate(catalogue, &answers);
    // Only a finding with an exception can approve anything: the others need not be
    // checked against the audit trail here (each check hashes the finding).
    let approving: Vec<Finding> = assessment
        .findings
        .iter()
        .filter(|f| f.exception.is_some())
        .filter(|f| assessment.findings.iter().filter(|g| g.id == f.id).count() == 1)
        .filter(|f| matches_audit_trail(assessment, f))
        .cloned()
        .collect();
    apply_recorded_approvals(&mut evaluation, &approving);
    evaluation.reconfirm = catalogue
        .questions
        .values()
        .filter(|q| {
            assessment
                .answers
                .get(&q.id)
                .is_some_and(|record| super::upgrade::needs_reconfirmation(record, q))
        })
        .map(|q| q.id.clone())
        .collect();
    (evaluation, problems)
}

/// The findings whose content the audit trail vouches for (unique id, last recorded pin
/// matches): only their approvals can show an obligation as met, so an exception typed
/// into the file by hand never does.
pub fn trusted_findings(assessment: &Assessment) -> Vec<Finding> {
    let ids = FindingIds::new(&assessment.findings);
    let audit = AuditIndex::new(&assessment.audit);
    assessment
        .findings
        .iter()
        .filter(|f| ids.count(&f.id) == 1)
        // Hashed only when there is a pin to compare with.
        .filter(|f| {
            audit
                .last_pin(&f.id, &FINDING_ACTIONS)
                .is_some_and(|pin| pin == finding_hash(f))
        })
        .cloned()
        .collect()
}

/// The approval recorded for an obligation: an [`ExceptionApproval`] with an approver
/// and a reference on a finding linked to it.
pub fn recorded_approval<'a>(
    obligation: &str,
    findings: &'a [Finding],
) -> Option<(&'a Finding, &'a ExceptionApproval)> {
    findings
        .iter()
        .filter(|f| f.obligations.iter().any(|o| o == obligation))
        .find_map(|f| {
            f.exception
                .as_ref()
                .filter(|e| !blank(&e.approved_by.name) && !blank(&e.reference))
                .map(|e| (f, e))
        })
}

/// Whether an obligation needs a pre-approval that is not recorded: who must approve.
pub fn approval_missing<'a>(
    obligation: &'a ObligationResult,
    findings: &[Finding],
) -> Option<&'a str> {
    let who = obligation.requires_approval.as_deref()?;
    (obligation.applies != Truth::False && recorded_approval(&obligation.id, findings).is_none())
        .then_some(who)
}

/// An obligation whose standard requires pre-approval is not met, whatever the answers
/// say, until the approval is recorded on a linked finding. Changes such obligations
/// from met to not met and says why.
pub fn apply_recorded_approvals(evaluation: &mut Evaluation, findings: &[Finding]) {
    for obligation in &mut evaluation.obligations {
        if obligation.status != Status::Met {
            continue;
        }
        let Some(who) = approval_missing(obligation, findings).map(str::to_string) else {
            continue;
        };
        obligation.status = Status::NotMet;
        let at = obligation
            .reasons
            .iter()
            .position(|r| r.starts_with("Met"))
            .map_or(obligation.reasons.len(), |i| i + 1);
        obligation.reasons.insert(
            at,
            format!(
                "Not shown as met: the approval by the {who} is not recorded. Record it (who approved, their reference, the date) as an exception on a finding for '{}'.",
                obligation.id
            ),
        );
    }
}

/// Whether the effective classification is at least OFFICIAL-SENSITIVE, so a risk
/// acceptance on a MUST obligation is flagged for escalation. Uses the lowest value the
/// classification can still be, so an unsettled classification flags only once known.
pub fn is_sensitive(catalogue: &Catalogue, evaluation: &Evaluation) -> bool {
    let Some(ec) = &evaluation.effective_classification else {
        return false;
    };
    let Some(from) = catalogue
        .derived(EFFECTIVE_CLASSIFICATION)
        .and_then(|d| catalogue.question(&d.from))
    else {
        return false;
    };
    match (
        from.option(&ec.at_least),
        from.option(ESCALATION_CLASSIFICATION),
    ) {
        (Some((at_least, _)), Some((threshold, _))) => at_least >= threshold,
        _ => false,
    }
}

/// Whether a finding's risk acceptance must be escalated: it is accepted (not yet
/// escalated) and linked to an applicable MUST obligation of an OFFICIAL-SENSITIVE
/// system.
pub fn needs_escalation(finding: &Finding, catalogue: &Catalogue, evaluation: &Evaluation) -> bool {
    finding.status == FindingStatus::RiskAccepted
        && is_sensitive(catalogue, evaluation)
        && finding.obligations.iter().any(|id| {
            evaluation
                .obligation(id)
                .is_some_and(|o| o.level == Level::Must && o.applies == Truth::True)
        })
}

/// A date that has passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overdue {
    /// "mitigation target date" or "risk acceptance review date".
    pub what: &'static str,
    pub date: NaiveDate,
    /// Days since the date (at least 1).
    pub days: i64,
}

impl std::fmt::Display for Overdue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = if self.days == 1 { "" } else { "s" };
        write!(
            f,
            "{} {} passed {} day{plural} ago",
            self.what, self.date, self.days
        )
    }
}

/// The dates of a finding that have passed: a mitigation target not yet completed, and
/// the review date of a risk acceptance still in force.
pub fn overdue(finding: &Finding, today: NaiveDate) -> Vec<Overdue> {
    let mut out = Vec::new();
    let days = |date: NaiveDate| (today - date).num_days();
    if let Some(plan) = &finding.mitigation {
        let live = matches!(
            finding.status,
            FindingStatus::Open | FindingStatus::MitigationPlanned | FindingStatus::Escalated
        );
        if live && plan.completed_on.is_none() && plan.target_date < today {
            out.push(Overdue {
                what: "mitigation target date",
                date: plan.target_date,
                days: days(plan.target_date),
            });
        }
    }
    if let Some(acceptance) = &finding.acceptance {
        let live = matches!(
            finding.status,
            FindingStatus::RiskAccepted | FindingStatus::Escalated
        );
        if live && acceptance.review_date < today {
            out.push(Overdue {
                what: "risk acceptance review date",
                date: acceptance.review_date,
                days: days(acceptance.review_date),
            });
        }
    }
    out
}

/// The hash of everything a finding says: the pin of its audit entries.
pub fn finding_hash(finding: &Finding) -> String {
    let canonical = serde_json::to_vec(finding).unwrap_or_default();
    crate::questionnaire::loader::hex_sha256(&canonical)
}

/// Every consistency problem in the register: run on load and before export. A finding
/// with a problem treats nothing (see [`standings`]).
pub fn check_consistency(
    assessment: &Assessment,
    catalogue: &Catalogue,
) -> Vec<ConsistencyProblem> {
    let (evaluation, _) = evaluate(assessment, catalogue);
    consistency(assessment, catalogue, &evaluation)
}

fn consistency(
    assessment: &Assessment,
    catalogue: &Catalogue,
    evaluation: &Evaluation,
) -> Vec<ConsistencyProblem> {
    let mut problems = Vec::new();
    let ids = FindingIds::new(&assessment.findings);
    let audit = AuditIndex::new(&assessment.audit);
    // Worked out once, and only when there are duplicates to name it for.
    let mut free_id: Option<String> = None;
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for finding in &assessment.findings {
        let count = ids.count(&finding.id);
        let n = seen.entry(finding.id.as_str()).or_default();
        *n += 1;
        if count > 1 && !blank(&finding.id) && *n == 2 {
            let free = free_id.get_or_insert_with(|| next_id(assessment));
            problems.push(problem(
                finding,
                "id",
                format!("{count} findings have the id {}.", shorten(&finding.id)),
                &format!(
                    "Give each a different id in a text editor (the next free one is {free}); ids link the audit trail to the finding."
                ),
            ));
        }
        problems.extend(finding_problems(finding, catalogue, evaluation));
        if count == 1 {
            problems.extend(audit_problem(&audit, finding));
        }
    }
    problems.extend(deleted_outside(&ids, &audit));
    problems
}

/// Findings the audit trail recorded that are no longer in the file: deleted in a text
/// editor, which would otherwise silently drop a gap from the register.
fn deleted_outside(ids: &FindingIds<'_>, audit: &AuditIndex<'_>) -> Vec<ConsistencyProblem> {
    audit
        .subjects(&FINDING_ACTIONS)
        .into_iter()
        .filter(|id| !ids.contains(id))
        .filter(|id| audit.last_pin(id, &FINDING_ACTIONS) != Some(DELETED_PIN))
        .map(|id| ConsistencyProblem {
            finding: id.to_string(),
            field: String::from("id"),
            problem: String::from(
                "this finding is in the audit trail but not in the file: it was deleted outside secassess.",
            ),
            fix: String::from(
                "Restore it from the previous version (FILE.bak) or from version control; if the deletion is genuine, acknowledge it in secassess so the audit trail records it.",
            ),
        })
        .collect()
}

fn audit_problem(audit: &AuditIndex<'_>, finding: &Finding) -> Option<ConsistencyProblem> {
    let pin = audit.last_pin(&finding.id, &FINDING_ACTIONS);
    let fix = "Check the change is genuine, then acknowledge it in secassess (which records it in the audit trail); until then it treats nothing and cannot be changed.";
    match pin {
        None => Some(problem(
            finding,
            "id",
            String::from("this finding is not in the audit trail: it was added outside secassess."),
            fix,
        )),
        Some(pin) if pin != finding_hash(finding) => Some(problem(
            finding,
            "id",
            String::from(
                "this finding was changed outside secassess after its last recorded change.",
            ),
            fix,
        )),
        Some(_) => None,
    }
}

/// The problems of one finding on its own (not duplicates or the audit trail).
pub fn finding_problems(
    finding: &Finding,
    catalogue: &Catalogue,
    evaluation: &Evaluation,
) -> Vec<ConsistencyProblem> {
    let mut out = Vec::new();
    require_text(
        finding,
        &[
            (
                &finding.id,
                "id",
                "the finding has no id.",
                "Give it the next free id (F-001, F-002, ...) in a text editor.",
            ),
            (
                &finding.title,
                "title",
                "the finding has no title.",
                "Give it a short title saying what is wrong.",
            ),
        ],
        &mut out,
    );
    for id in &finding.obligations {
        if catalogue.obligation(id).is_none() {
            out.push(problem(
                finding,
                "obligations",
                format!(
                    "it links to obligation '{}', which the loaded questionnaires do not have.",
                    shorten(id)
                ),
                "Correct the id (`secassess obligations` lists them) or remove the link.",
            ));
        }
    }
    for id in &finding.questions {
        if catalogue.question(id).is_none() {
            out.push(problem(
                finding,
                "questions",
                format!(
                    "it links to question '{}', which the loaded questionnaires do not have.",
                    shorten(id)
                ),
                "Correct the id (`secassess questions` lists them) or remove the link.",
            ));
        }
    }
    plan_problems(finding, &mut out);
    acceptance_problems(finding, &mut out);
    exception_problems(finding, catalogue, &mut out);
    match finding.status {
        FindingStatus::Open | FindingStatus::RiskAccepted | FindingStatus::MitigationPlanned => {}
        FindingStatus::Mitigated => {
            if finding
                .mitigation
                .as_ref()
                .is_some_and(|p| p.completed_on.is_none())
            {
                out.push(problem(
                    finding,
                    "mitigation.completed_on",
                    String::from("it is mitigated but the plan has no completion date."),
                    "Record the date the actions were completed, or change the status back to mitigation planned.",
                ));
            }
        }
        FindingStatus::Escalated => {
            if blank(&finding.owner) {
                out.push(problem(
                    finding,
                    "owner",
                    String::from("it is escalated but does not say to whom."),
                    "Set the owner to the directorate or organisation risk owner it was escalated to.",
                ));
            }
        }
        FindingStatus::Closed => {
            for id in &finding.obligations {
                let still_open = evaluation
                    .obligation(id)
                    .filter(|o| o.applies == Truth::True && o.status == Status::NotMet);
                if still_open.is_some() {
                    out.push(problem(
                        finding,
                        "status",
                        format!("it is closed but obligation '{}' is still not met.", shorten(id)),
                        "Reopen it and treat it (mitigation plan or risk acceptance), or update the answers if the gap has been fixed.",
                    ));
                }
            }
        }
    }
    out
}

fn plan_problems(finding: &Finding, out: &mut Vec<ConsistencyProblem>) {
    let needs_plan = matches!(
        finding.status,
        FindingStatus::MitigationPlanned | FindingStatus::Mitigated
    );
    let Some(plan) = &finding.mitigation else {
        if needs_plan {
            out.push(problem(
                finding,
                "mitigation",
                format!(
                    "it is {} but has no mitigation plan.",
                    finding.status.label()
                ),
                "Record the plan (actions, owner, target date), or change the status.",
            ));
        }
        return;
    };
    require_text(
        finding,
        &[
            (
                &plan.actions,
                "mitigation.actions",
                "the mitigation plan does not say what will be done.",
                "Describe the actions that fix or reduce the risk.",
            ),
            (
                &plan.owner,
                "mitigation.owner",
                "the mitigation plan has no owner.",
                "Name the person responsible for carrying it out.",
            ),
        ],
        out,
    );
    if finding.status == FindingStatus::Mitigated
        && !plan.evidence.as_ref().is_some_and(has_evidence)
    {
        out.push(problem(
            finding,
            "mitigation.evidence",
            String::from("it is mitigated but no evidence of the fix is recorded."),
            "Attach evidence (a document, link or ticket), or change the status back to mitigation planned.",
        ));
    }
}

fn acceptance_problems(finding: &Finding, out: &mut Vec<ConsistencyProblem>) {
    let Some(acceptance) = &finding.acceptance else {
        if finding.status == FindingStatus::RiskAccepted {
            out.push(problem(
                finding,
                "acceptance",
                String::from("it is risk accepted but no acceptance is recorded."),
                "Record the business owner's name, role, date, rationale and review date, or change the status.",
            ));
        }
        return;
    };
    require_text(
        finding,
        &[
            (
                &acceptance.accepted_by.name,
                "acceptance.accepted_by.name",
                "the risk acceptance does not say who accepted the risk.",
                "Record the business owner's name.",
            ),
            (
                &acceptance.accepted_by.role,
                "acceptance.accepted_by.role",
                "the risk acceptance does not give the acceptor's role.",
                "Record their role (for example Business owner or Senior Responsible Owner).",
            ),
            (
                &acceptance.rationale,
                "acceptance.rationale",
                "the risk acceptance gives no rationale.",
                "Record why the business owner accepts the risk.",
            ),
        ],
        out,
    );
    if acceptance.review_date <= acceptance.accepted_on {
        out.push(problem(
            finding,
            "acceptance.review_date",
            format!(
                "the review date {} is not after the acceptance date {}.",
                acceptance.review_date, acceptance.accepted_on
            ),
            "Set a review date after the acceptance, typically within a year.",
        ));
    }
}

fn exception_problems(finding: &Finding, catalogue: &Catalogue, out: &mut Vec<ConsistencyProblem>) {
    let Some(exception) = &finding.exception else {
        return;
    };
    require_text(
        finding,
        &[
            (
                &exception.approved_by.name,
                "exception.approved_by.name",
                "the exception approval does not say who approved it.",
                "Record the approver's name.",
            ),
            (
                &exception.reference,
                "exception.reference",
                "the exception approval has no reference.",
                "Record the approval's reference (for example the ticket or letter number).",
            ),
        ],
        out,
    );
    let approvable = finding.obligations.iter().any(|id| {
        catalogue
            .obligation(id)
            .is_some_and(|o| o.exception_approver.is_some())
    });
    if !approvable {
        out.push(problem(
            finding,
            "exception",
            String::from("it records an exception approval but links to no obligation whose standard names who approves exceptions."),
            "Link it to the obligation the approval is for (such as shared-account-exception or mfa-elevated-accounts), or record a risk acceptance instead.",
        ));
    }
}

/// What a new finding says; the register adds the id, who raised it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFinding {
    pub title: String,
    pub obligations: Vec<String>,
    pub questions: Vec<String>,
    pub description: String,
    pub severity: Severity,
    pub owner: String,
}

/// The severity suggested for an unmet obligation, by its level; the user may change it.
pub fn suggested_severity(level: Level) -> Severity {
    match level {
        Level::Must => Severity::High,
        Level::Should => Severity::Medium,
        Level::May | Level::GoodPractice => Severity::Low,
    }
}

/// A new finding pre-filled from an obligation: its title, the questions that decide
/// whether it is met, why it is not met and what to do, and a severity by its level.
pub fn draft_from_obligation(
    catalogue: &Catalogue,
    evaluation: &Evaluation,
    obligation_id: &str,
) -> Result<NewFinding, FindingError> {
    let unknown = || FindingError::UnknownObligation {
        id: obligation_id.to_string(),
    };
    let obligation = catalogue.obligation(obligation_id).ok_or_else(unknown)?;
    let result = evaluation.obligation(obligation_id).ok_or_else(unknown)?;
    let mut questions: Vec<String> = Vec::new();
    let names = obligation.met_if.names();
    let evidence = obligation.evidence.as_deref().into_iter();
    for name in names.iter().map(|(n, _)| *n).chain(evidence) {
        if catalogue.question(name).is_some() && !questions.iter().any(|q| q == name) {
            questions.push(name.to_string());
        }
    }
    let mut description = result.reasons.join("\n");
    if !obligation.guidance.is_empty() {
        description.push_str("\n\nWhat to do: ");
        description.push_str(&obligation.guidance);
    }
    Ok(NewFinding {
        title: obligation.title.clone(),
        obligations: vec![obligation.id.clone()],
        questions,
        description,
        severity: suggested_severity(obligation.level),
        owner: String::new(),
    })
}

/// The next free id: one more than the highest F-NNN in the register or its audit
/// trail, so the id of a finding deleted in a text editor is never given to a new one
/// (its history would otherwise read as the new finding's).
pub fn next_id(assessment: &Assessment) -> String {
    let number = |id: &str| {
        id.strip_prefix("F-")
            .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))?
            .parse::<u32>()
            .ok()
    };
    let highest = assessment
        .findings
        .iter()
        .filter_map(|f| number(&f.id))
        .chain(
            assessment
                .audit
                .iter()
                .filter(|e| is_finding_action(&e.action))
                .filter_map(|e| number(&e.subject)),
        )
        .max()
        .unwrap_or(0);
    format!("F-{:03}", highest.saturating_add(1))
}

const FINDING_ACTIONS: [Action; 2] = [Action::FindingCreated, Action::FindingChanged];

fn is_finding_action(name: &str) -> bool {
    FINDING_ACTIONS.iter().any(|a| a.name() == name)
}

/// The pin recorded when a finding deleted outside secassess is acknowledged: no
/// finding's content hashes to it.
pub const DELETED_PIN: &str = "deleted";

/// Adds a finding, checked and audited; returns its id.
pub fn create_finding(
    assessment: &mut Assessment,
    catalogue: &Catalogue,
    new: NewFinding,
    actor: &Actor<'_>,
) -> Result<String, FindingError> {
    let now = timestamp(actor.now);
    let id = next_id(assessment);
    let finding = Finding {
        id: id.clone(),
        title: recorded(&new.title),
        obligations: new.obligations,
        questions: new.questions,
        description: nfc(&new.description).into_owned(),
        severity: new.severity,
        owner: recorded(&new.owner),
        status: FindingStatus::Open,
        raised_by: actor.who.signature(),
        raised_at: now,
        updated_at: now,
        mitigation: None,
        acceptance: None,
        exception: None,
    };
    let (evaluation, _) = evaluate(assessment, catalogue);
    let problems = finding_problems(&finding, catalogue, &evaluation);
    if !problems.is_empty() {
        return Err(FindingError::Inconsistent {
            finding: id,
            problems,
        });
    }
    let new_words = describe_words(&finding);
    let pin = finding_hash(&finding);
    assessment.findings.push(finding);
    assessment.updated_at = now;
    audit::append(
        assessment,
        actor.who,
        Change {
            action: Action::FindingCreated,
            subject: &id,
            old: String::new(),
            new: new_words,
            pin,
        },
        now,
    );
    Ok(id)
}

/// Creates a finding for an unmet obligation, pre-filled by [`draft_from_obligation`]
/// with `owner` set.
pub fn create_from_obligation(
    assessment: &mut Assessment,
    catalogue: &Catalogue,
    obligation_id: &str,
    owner: &str,
    actor: &Actor<'_>,
) -> Result<String, FindingError> {
    let (evaluation, _) = evaluate(assessment, catalogue);
    let mut draft = draft_from_obligation(catalogue, &evaluation, obligation_id)?;
    draft.owner = owner.to_string();
    create_finding(assessment, catalogue, draft, actor)
}

/// Changes what a finding says (title, links, description, severity, owner), keeping
/// its treatment.
pub fn update_details(
    assessment: &mut Assessment,
    catalogue: &Catalogue,
    id: &str,
    details: NewFinding,
    actor: &Actor<'_>,
) -> Result<(), FindingError> {
    modify(assessment, catalogue, id, actor, |f| {
        f.title = recorded(&details.title);
        f.obligations = details.obligations;
        f.questions = details.questions;
        if !same_text(&f.description, &details.description) {
            f.description = nfc(&details.description).into_owned();
        }
        f.severity = details.severity;
        f.owner = recorded(&details.owner);
        Ok(())
    })
}

/// Records (or replaces) the mitigation plan. The status becomes "mitigated" when the
/// plan is completed with evidence, "mitigation planned" otherwise. A new target date
/// must not have passed.
pub fn set_mitigation_plan(
    assessment: &mut Assessment,
    catalogue: &Catalogue,
    id: &str,
    plan: MitigationPlan,
    actor: &Actor<'_>,
) -> Result<(), FindingError> {
    let today = actor.today;
    modify(assessment, catalogue, id, actor, |f| {
        let done = plan.completed_on.is_some();
        let moved = f
            .mitigation
            .as_ref()
            .is_none_or(|old| old.target_date != plan.target_date);
        if !done && moved && plan.target_date < today {
            return Err(invalid(
                f,
                "mitigation.target_date",
                format!(
                    "the target date {} has already passed (today is {today}); choose today or a later date",
                    plan.target_date
                ),
            ));
        }
        if let Some(completed) = plan.completed_on.filter(|d| *d > today) {
            return Err(invalid(
                f,
                "mitigation.completed_on",
                format!("the completion date {completed} is after today ({today}); record it once the actions are done"),
            ));
        }
        f.status = if done && plan.evidence.as_ref().is_some_and(has_evidence) {
            FindingStatus::Mitigated
        } else {
            FindingStatus::MitigationPlanned
        };
        f.mitigation = Some(MitigationPlan {
            actions: recorded(&plan.actions),
            owner: recorded(&plan.owner),
            evidence: plan.evidence.map(|e| EvidenceRef {
                title: nfc(&e.title).into_owned(),
                ..e
            }),
            ..plan
        });
        Ok(())
    })
}

/// Marks the mitigation plan done on `completed_on` with its evidence: "mitigated".
pub fn complete_mitigation(
    assessment: &mut Assessment,
    catalogue: &Catalogue,
    id: &str,
    completed_on: NaiveDate,
    evidence: EvidenceRef,
    actor: &Actor<'_>,
) -> Result<(), FindingError> {
    let index = position(assessment, id)?;
    let Some(plan) = assessment.findings[index].mitigation.clone() else {
        return Err(FindingError::Invalid {
            finding: id.to_string(),
            problem: String::from("it has no mitigation plan to complete; record the plan first"),
            field: None,
        });
    };
    if !has_evidence(&evidence) {
        return Err(FindingError::Invalid {
            finding: id.to_string(),
            problem: String::from(
                "no evidence given; attach a document, link or ticket showing the fix",
            ),
            field: Some("mitigation.evidence"),
        });
    }
    set_mitigation_plan(
        assessment,
        catalogue,
        id,
        MitigationPlan {
            completed_on: Some(completed_on),
            evidence: Some(evidence),
            ..plan
        },
        actor,
    )
}

/// A decision (an acceptance, an approval) is recorded once it has been given, so its date
/// cannot be later than today.
fn not_after_today(
    finding: &Finding,
    what: &str,
    field: &'static str,
    on: NaiveDate,
    today: NaiveDate,
) -> Result<(), FindingError> {
    if on > today {
        return Err(invalid(
            finding,
            field,
            format!(
                "the {what} date {on} is after today ({today}); record the {what} once it is given"
            ),
        ));
    }
    Ok(())
}

/// Records the business owner's acceptance of the risk. The status becomes "risk
/// accepted", or stays "escalated" when the decision was made at the level the risk was
/// escalated to. The acceptance date must not be in the future, the review date must be.
pub fn accept_risk(
    assessment: &mut Assessment,
    catalogue: &Catalogue,
    id: &str,
    acceptance: RiskAcceptance,
    actor: &Actor<'_>,
) -> Result<(), FindingError> {
    let today = actor.today;
    modify(assessment, catalogue, id, actor, |f| {
        not_after_today(
            f,
            "acceptance",
            "acceptance.accepted_on",
            acceptance.accepted_on,
            today,
        )?;
        if acceptance.review_date <= today {
            return Err(invalid(
                f,
                "acceptance.review_date",
                format!(
                    "the review date {} is not in the future (today is {today}); choose a later review date",
                    acceptance.review_date
                ),
            ));
        }
        if f.status != FindingStatus::Escalated {
            f.status = FindingStatus::RiskAccepted;
        }
        f.acceptance = Some(RiskAcceptance {
            accepted_by: trimmed(&acceptance.accepted_by),
            rationale: recorded(&acceptance.rationale),
            ..acceptance
        });
        Ok(())
    })
}

/// Records a pre-approved exception (who approved it, their reference, when). The
/// finding must link to an obligation that needs pre-approval. The status is unchanged:
/// the approval is what treats it.
pub fn record_exception(
    assessment: &mut Assessment,
    catalogue: &Catalogue,
    id: &str,
    approval: ExceptionApproval,
    actor: &Actor<'_>,
) -> Result<(), FindingError> {
    let today = actor.today;
    modify(assessment, catalogue, id, actor, |f| {
        not_after_today(
            f,
            "approval",
            "exception.approved_on",
            approval.approved_on,
            today,
        )?;
        f.exception = Some(ExceptionApproval {
            approved_by: trimmed(&approval.approved_by),
            reference: recorded(&approval.reference),
            ..approval
        });
        Ok(())
    })
}

/// Escalates the risk to the directorate or organisation risk owner `to` (a name and a
/// role, an email if known), who becomes the finding's owner, recorded as "Name <email>
/// (Role)". Refused without a name or a role, and to the person escalating: an
/// escalation goes to someone else.
pub fn escalate(
    assessment: &mut Assessment,
    catalogue: &Catalogue,
    id: &str,
    to: &Person,
    actor: &Actor<'_>,
) -> Result<(), FindingError> {
    let to = trimmed(to);
    modify(assessment, catalogue, id, actor, |f| {
        if blank(&to.name) || blank(&to.role) {
            // The part left out, so a form can point at it.
            let part = if blank(&to.name) {
                "owner"
            } else {
                "owner.role"
            };
            return Err(invalid(
                f,
                part,
                String::from("say to whom it is escalated: their name and their role (for example Director of Digital, or the organisation risk owner)"),
            ));
        }
        if super::identity::same(&to, actor.who) {
            return Err(invalid(
                f,
                "owner",
                format!(
                    "{} is escalating it, and an escalation goes to someone else: the directorate or organisation risk owner",
                    actor.who.signature()
                ),
            ));
        }
        f.owner = person_words(&to);
        f.status = FindingStatus::Escalated;
        Ok(())
    })
}

/// When every obligation a finding is about no longer applies to the system (and it is
/// not closed): why, and the suggestion to close it. `None` otherwise, and for a finding
/// raised by hand (no obligation). The evaluation should come from [`evaluate`].
pub fn no_longer_applies(finding: &Finding, evaluation: &Evaluation) -> Option<String> {
    if finding.status == FindingStatus::Closed || finding.obligations.is_empty() {
        return None;
    }
    let results: Vec<&ObligationResult> = finding
        .obligations
        .iter()
        .map(|id| evaluation.obligation(id))
        .collect::<Option<Vec<_>>>()?;
    if !results.iter().all(|o| o.applies == Truth::False) {
        return None;
    }
    let why: Vec<String> = results
        .iter()
        .map(|o| {
            let reason = o.reasons.first().map_or(String::new(), |r| {
                let r = r.trim_end_matches('.');
                let mut chars = r.chars();
                chars
                    .next()
                    .map(|c| c.to_lowercase().chain(chars).collect())
                    .unwrap_or_default()
            });
            format!("{} ({reason})", o.id)
        })
        .collect();
    Some(format!(
        "its obligation no longer applies to this system: {}; if the gap it recorded has gone, close it (secassess finding close FILE {})",
        why.join(", "),
        finding.id
    ))
}

/// Changes the status, refusing one the finding's record does not support (for
/// example "risk accepted" with no acceptance recorded).
pub fn set_status(
    assessment: &mut Assessment,
    catalogue: &Catalogue,
    id: &str,
    status: FindingStatus,
    actor: &Actor<'_>,
) -> Result<(), FindingError> {
    modify(assessment, catalogue, id, actor, |f| {
        f.status = status;
        Ok(())
    })
}

/// Records a change made outside secassess (reported by [`check_consistency`]) in the
/// audit trail, once someone has checked it is genuine: an edit, an addition, or (for an
/// id the trail knows but the file no longer has) a deletion. Returns whether anything
/// was recorded.
pub fn acknowledge_outside_edit(
    assessment: &mut Assessment,
    id: &str,
    actor: &Actor<'_>,
) -> Result<bool, FindingError> {
    let last = audit::last_pin(&assessment.audit, id, &FINDING_ACTIONS).map(str::to_string);
    let (pin, new) = match position(assessment, id) {
        Ok(index) => {
            let finding = &assessment.findings[index];
            (finding_hash(finding), describe_words(finding))
        }
        Err(FindingError::NoSuchFinding { .. })
            if last.as_deref().is_some_and(|p| p != DELETED_PIN) =>
        {
            (DELETED_PIN.to_string(), String::from("(deleted)"))
        }
        Err(e) => return Err(e),
    };
    if last.as_deref() == Some(pin.as_str()) {
        return Ok(false);
    }
    let now = timestamp(actor.now);
    assessment.updated_at = now;
    audit::append(
        assessment,
        actor.who,
        Change {
            action: Action::FindingChanged,
            subject: id,
            old: String::from("(changed outside secassess)"),
            new,
            pin,
        },
        now,
    );
    Ok(true)
}

/// Whether the finding's content is what the audit trail last recorded for it.
pub fn matches_audit_trail(assessment: &Assessment, finding: &Finding) -> bool {
    audit::last_pin(&assessment.audit, &finding.id, &FINDING_ACTIONS)
        == Some(finding_hash(finding).as_str())
}

fn describe_words(finding: &Finding) -> String {
    describe(finding)
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A person as recorded: trimmed, in NFC.
fn trimmed(person: &Person) -> Person {
    Person {
        name: recorded(&person.name),
        role: recorded(&person.role),
        email: recorded(&person.email),
    }
}

/// One line of text as recorded: trimmed, in NFC ([`crate::text::nfc`]).
fn recorded(text: &str) -> String {
    nfc(text.trim()).into_owned()
}

fn invalid(finding: &Finding, field: &'static str, problem: String) -> FindingError {
    FindingError::Invalid {
        finding: finding.id.clone(),
        problem,
        field: Some(field),
    }
}

fn position(assessment: &Assessment, id: &str) -> Result<usize, FindingError> {
    let matching: Vec<usize> = assessment
        .findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.id == id)
        .map(|(i, _)| i)
        .collect();
    match matching.as_slice() {
        [] => Err(FindingError::NoSuchFinding { id: id.to_string() }),
        [one] => Ok(*one),
        more => Err(FindingError::DuplicateId {
            id: id.to_string(),
            count: more.len(),
        }),
    }
}

/// Applies `change` to a copy of the finding, refuses it if it adds a consistency
/// problem, and otherwise stores it and appends the audit entry (old -> new in words).
pub(crate) fn modify(
    assessment: &mut Assessment,
    catalogue: &Catalogue,
    id: &str,
    actor: &Actor<'_>,
    change: impl FnOnce(&mut Finding) -> Result<(), FindingError>,
) -> Result<(), FindingError> {
    let index = position(assessment, id)?;
    let old = assessment.findings[index].clone();
    // Changing it now would pin the outside edit as if secassess had made it.
    if !matches_audit_trail(assessment, &old) {
        return Err(FindingError::ChangedOutside { id: id.to_string() });
    }
    let mut candidate = old.clone();
    change(&mut candidate)?;
    if candidate == old {
        return Ok(());
    }
    let (answers, _) = assessment.typed_answers(catalogue);
    let base = rules::evaluate(catalogue, &answers);
    let mut before_eval = base.clone();
    apply_recorded_approvals(&mut before_eval, &assessment.findings);
    let before = finding_problems(&old, catalogue, &before_eval);
    let mut after_findings = assessment.findings.clone();
    after_findings[index] = candidate.clone();
    let mut after_eval = base;
    apply_recorded_approvals(&mut after_eval, &after_findings);
    let added: Vec<ConsistencyProblem> = finding_problems(&candidate, catalogue, &after_eval)
        .into_iter()
        .filter(|p| !before.contains(p))
        .collect();
    if !added.is_empty() {
        return Err(FindingError::Inconsistent {
            finding: id.to_string(),
            problems: added,
        });
    }
    let now = timestamp(actor.now);
    candidate.updated_at = now;
    let (old_words, new_words) = describe_change(&old, &candidate);
    let pin = finding_hash(&candidate);
    assessment.findings[index] = candidate;
    assessment.updated_at = now;
    audit::append(
        assessment,
        actor.who,
        Change {
            action: Action::FindingChanged,
            subject: id,
            old: old_words,
            new: new_words,
            pin,
        },
        now,
    );
    Ok(())
}

fn person_words(person: &Person) -> String {
    if blank(&person.role) {
        person.signature()
    } else {
        format!("{} ({})", person.signature(), person.role)
    }
}

fn evidence_words(evidence: &EvidenceRef) -> String {
    match (&evidence.link, &evidence.path) {
        (Some(link), _) if *link != evidence.title => format!("{} <{link}>", evidence.title),
        (_, Some(path)) if *path != evidence.title => format!("{} ({path})", evidence.title),
        _ => evidence.title.clone(),
    }
}

/// A finding field by field, in words, for audit entries.
fn describe(f: &Finding) -> Vec<(&'static str, String)> {
    let mitigation = f.mitigation.as_ref().map(|p| {
        let mut text = format!("{} by {}: {}", p.owner, p.target_date, p.actions);
        if let Some(done) = p.completed_on {
            text.push_str(&format!("; completed {done}"));
        }
        if let Some(evidence) = &p.evidence {
            text.push_str(&format!("; evidence {}", evidence_words(evidence)));
        }
        text
    });
    let signed = |s: &Option<super::record::SshSignature>| {
        s.as_ref()
            .map(|s| format!("; signed with key {}", s.fingerprint))
            .unwrap_or_default()
    };
    let acceptance = f.acceptance.as_ref().map(|a| {
        format!(
            "accepted by {} on {}, review {}: {}{}",
            person_words(&a.accepted_by),
            a.accepted_on,
            a.review_date,
            a.rationale,
            signed(&a.signature)
        )
    });
    let exception = f.exception.as_ref().map(|e| {
        format!(
            "approved by {} on {}, reference {}{}",
            person_words(&e.approved_by),
            e.approved_on,
            e.reference,
            signed(&e.signature)
        )
    });
    vec![
        ("title", f.title.clone()),
        ("severity", f.severity.name().to_string()),
        ("status", f.status.label().to_string()),
        ("owner", f.owner.clone()),
        ("obligations", f.obligations.join(", ")),
        ("questions", f.questions.join(", ")),
        ("description", f.description.clone()),
        ("mitigation", mitigation.unwrap_or_default()),
        ("acceptance", acceptance.unwrap_or_default()),
        ("exception", exception.unwrap_or_default()),
    ]
}

fn describe_change(old: &Finding, new: &Finding) -> (String, String) {
    let mut olds = Vec::new();
    let mut news = Vec::new();
    for ((key, before), (_, after)) in describe(old).into_iter().zip(describe(new)) {
        if before != after {
            let word = |v: String| {
                if v.is_empty() {
                    String::from("(none)")
                } else {
                    v
                }
            };
            olds.push(format!("{key}: {}", word(before)));
            news.push(format!("{key}: {}", word(after)));
        }
    }
    (olds.join("; "), news.join("; "))
}

/// How a finding treats an obligation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TreatmentKind {
    ExceptionApproved,
    Mitigated,
    RiskAccepted,
    Escalated,
    MitigationPlanned,
    Untreated,
}

/// What one finding does for one obligation, and whether that is enough for `check`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Treatment {
    pub finding: String,
    pub kind: TreatmentKind,
    /// The plan owner, the acceptor, the approver, or who it was escalated to.
    pub by: String,
    /// When it was completed, accepted or approved.
    pub on: Option<NaiveDate>,
    /// The target date or the review date.
    pub due: Option<NaiveDate>,
    pub overdue: bool,
    /// A risk acceptance of a MUST obligation on an OFFICIAL-SENSITIVE system.
    pub needs_escalation: bool,
    /// Whether it lets `check` pass.
    pub counts: bool,
    /// Why it does not count, when it does not.
    pub shortfall: Option<String>,
    /// In words: "risk accepted by Pat Owner on 2025-06-02, review due 2026-06-02 (F-001)".
    pub summary: String,
}

fn treatment(
    finding: &Finding,
    obligation: Option<&Obligation>,
    level_must_sensitive: bool,
    has_problems: bool,
    today: NaiveDate,
) -> Treatment {
    let id = &finding.id;
    let needs_approval = obligation.and_then(|o| o.exception_approver.as_deref());
    let acceptance_words = |a: &RiskAcceptance| {
        let review = if a.review_date < today {
            format!("review overdue since {}", a.review_date)
        } else {
            format!("review due {}", a.review_date)
        };
        format!(
            "risk accepted by {} on {}, {review}",
            a.accepted_by.name, a.accepted_on
        )
    };
    let mut t = Treatment {
        finding: id.clone(),
        kind: TreatmentKind::Untreated,
        by: String::new(),
        on: None,
        due: None,
        overdue: false,
        needs_escalation: false,
        counts: false,
        shortfall: None,
        summary: String::new(),
    };
    let exception = finding.exception.as_ref().filter(|e| {
        needs_approval.is_some() && !blank(&e.approved_by.name) && !blank(&e.reference)
    });
    if let Some(e) = exception {
        t.kind = TreatmentKind::ExceptionApproved;
        t.by = e.approved_by.name.clone();
        t.on = Some(e.approved_on);
        t.counts = true;
        t.summary = format!(
            "exception approved by {} on {}, reference {}",
            e.approved_by.name, e.approved_on, e.reference
        );
    } else {
        match (finding.status, &finding.mitigation, &finding.acceptance) {
            (FindingStatus::Mitigated, Some(plan), _) => {
                t.kind = TreatmentKind::Mitigated;
                t.by = plan.owner.clone();
                t.on = plan.completed_on;
                t.counts = true;
                t.summary = match plan.completed_on {
                    Some(on) => format!("mitigated by {} on {on}", plan.owner),
                    None => format!("mitigated by {}", plan.owner),
                };
            }
            (FindingStatus::MitigationPlanned, Some(plan), _) => {
                t.kind = TreatmentKind::MitigationPlanned;
                t.by = plan.owner.clone();
                t.due = Some(plan.target_date);
                t.overdue = plan.target_date < today;
                t.counts = !blank(&plan.owner) && !t.overdue;
                t.summary = if t.overdue {
                    format!(
                        "mitigation by {} overdue: target date {} has passed",
                        plan.owner, plan.target_date
                    )
                } else {
                    format!(
                        "mitigation planned by {}, target date {}",
                        plan.owner, plan.target_date
                    )
                };
                if t.overdue {
                    t.shortfall = Some(format!(
                        "the mitigation target date {} of {id} has passed; complete it or agree a new date",
                        plan.target_date
                    ));
                }
            }
            (FindingStatus::RiskAccepted, _, Some(a)) => {
                t.kind = TreatmentKind::RiskAccepted;
                t.by = a.accepted_by.name.clone();
                t.on = Some(a.accepted_on);
                t.due = Some(a.review_date);
                t.overdue = a.review_date < today;
                t.needs_escalation = level_must_sensitive;
                t.counts = !t.overdue;
                t.summary = acceptance_words(a);
                if t.overdue {
                    t.shortfall = Some(format!(
                        "the review date {} of the risk acceptance on {id} has passed; have the business owner review it",
                        a.review_date
                    ));
                }
            }
            (FindingStatus::Escalated, _, acceptance) => {
                t.kind = TreatmentKind::Escalated;
                t.by = finding.owner.clone();
                match acceptance {
                    Some(a) => {
                        t.on = Some(a.accepted_on);
                        t.due = Some(a.review_date);
                        t.overdue = a.review_date < today;
                        t.counts = !t.overdue;
                        t.summary =
                            format!("escalated to {}; {}", finding.owner, acceptance_words(a));
                        if t.overdue {
                            t.shortfall = Some(format!(
                                "the review date {} of the risk acceptance on {id} has passed",
                                a.review_date
                            ));
                        }
                    }
                    None => {
                        t.summary =
                            format!("escalated to {}, awaiting their decision", finding.owner);
                        t.shortfall = Some(format!(
                            "{id} is escalated to {} with no decision recorded yet",
                            finding.owner
                        ));
                    }
                }
            }
            (status, _, _) => {
                t.summary = format!("finding {id} is {}", status.label());
                t.shortfall = Some(match status {
                    FindingStatus::Closed => format!("finding {id} is closed"),
                    _ => format!(
                        "finding {id} is {} with no mitigation plan or risk acceptance",
                        status.label()
                    ),
                });
            }
        }
    }
    if let Some(who) = needs_approval {
        if matches!(
            t.kind,
            TreatmentKind::RiskAccepted | TreatmentKind::Escalated
        ) && t.counts
        {
            t.counts = false;
            t.shortfall = Some(format!(
                "the standard routes exceptions through the {who}, so a risk acceptance does not treat it; record their approval as an exception on {id}, or mitigate it"
            ));
        }
    }
    if has_problems && t.counts {
        t.counts = false;
        t.shortfall = Some(format!(
            "{id} has consistency problems (see the warnings), so it treats nothing until they are fixed"
        ));
    }
    t.summary = format!("{} ({id})", t.summary);
    t
}

/// How one obligation stands once findings are taken into account.
#[derive(Debug, Clone, Serialize)]
pub struct Standing {
    pub obligation: String,
    pub title: String,
    pub level: Level,
    pub applies: Truth,
    /// The status to show: the rules' status, with approvals applied.
    pub status: Status,
    /// Who must approve, when the obligation needs an approval that is not recorded.
    pub approval_missing: Option<String>,
    /// Every finding linked to it.
    pub findings: Vec<String>,
    /// The best treatment among those findings.
    pub treatment: Option<Treatment>,
    /// "not met — risk accepted by Pat Owner on 2025-06-02, review due 2026-06-02 (F-001)".
    pub summary: String,
    /// Why `check` fails on it (MUST obligations only); `None` when it does not block.
    pub blocks: Option<String>,
}

fn status_phrase(status: Status) -> &'static str {
    match status {
        Status::NotMet => "not met",
        Status::Unknown => "not known yet",
        Status::Met => "met",
        Status::NotApplicable => "not applicable",
    }
}

/// Every obligation with its findings, treatment and whether it blocks `check`. The
/// evaluation should come from [`evaluate`] (approvals applied); `problems` from
/// [`check_consistency`].
pub fn standings(
    findings: &[Finding],
    problems: &[ConsistencyProblem],
    catalogue: &Catalogue,
    evaluation: &Evaluation,
    today: NaiveDate,
) -> Vec<Standing> {
    let sensitive = is_sensitive(catalogue, evaluation);
    // Only an approval on a finding without problems (in particular, one the audit trail
    // vouches for) counts as recorded.
    let by_finding = ProblemsByFinding::new(problems);
    let sound: Vec<Finding> = findings
        .iter()
        .filter(|f| !by_finding.any(&f.id))
        .cloned()
        .collect();
    evaluation
        .obligations
        .iter()
        .map(|o| {
            let definition = catalogue.obligation(&o.id);
            let linked: Vec<&Finding> = findings
                .iter()
                .filter(|f| f.obligations.contains(&o.id))
                .collect();
            let must_sensitive = o.level == Level::Must && o.applies == Truth::True && sensitive;
            let mut treatments: Vec<Treatment> = linked
                .iter()
                .map(|f| {
                    let has_problems = by_finding.any(&f.id);
                    treatment(f, definition, must_sensitive, has_problems, today)
                })
                .collect();
            treatments.sort_by_key(|t| (!t.counts, t.kind));
            let best = treatments.into_iter().next();
            let approval = approval_missing(o, &sound).map(str::to_string);
            let status = if o.status == Status::Met && approval.is_some() {
                Status::NotMet
            } else {
                o.status
            };
            let mut details = Vec::new();
            if let (Some(who), true) = (&approval, o.applies == Truth::True) {
                details.push(format!("approval by the {who} not recorded"));
            }
            if let Some(t) = &best {
                details.push(t.summary.clone());
            } else if status == Status::NotMet {
                details.push(String::from("no finding"));
            }
            let summary = if details.is_empty() {
                status_phrase(status).to_string()
            } else {
                format!("{} — {}", status_phrase(status), details.join("; "))
            };
            // Not knowing whether a MUST applies or is met blocks whatever is recorded:
            // the gate is there to notice an assessment falling behind.
            let blocks = (o.level == Level::Must
                && o.scope == Scope::System
                && o.applies != Truth::False
                && (status == Status::Unknown
                    || (status != Status::Met && !best.as_ref().is_some_and(|t| t.counts))))
            .then(|| blocking_reason(o, status, approval.as_deref(), best.as_ref()));
            Standing {
                obligation: o.id.clone(),
                title: o.title.clone(),
                level: o.level,
                applies: o.applies,
                status,
                approval_missing: approval,
                findings: linked.iter().map(|f| f.id.clone()).collect(),
                treatment: best,
                summary,
                blocks,
            }
        })
        .collect()
}

fn blocking_reason(
    o: &ObligationResult,
    status: Status,
    approval: Option<&str>,
    best: Option<&Treatment>,
) -> String {
    let lead = match (status, o.applies) {
        (Status::Unknown, Truth::Unknown) => "may apply; not answered yet",
        (Status::Unknown, _) => "not answered yet",
        _ => "not met",
    };
    let mut reason = lead.to_string();
    if let (Some(who), Status::NotMet) = (approval, status) {
        reason.push_str(&format!(": approval by the {who} not recorded"));
    }
    match best {
        Some(t) => {
            if let Some(shortfall) = &t.shortfall {
                reason.push_str(&format!("; {shortfall}"));
            }
        }
        None if status == Status::NotMet => match &o.exception_approver {
            Some(who) => reason.push_str(&format!(
                " and no finding: raise one and treat it with a mitigation plan, or record the {who}'s approval of an exception (a risk acceptance does not treat it)"
            )),
            None => reason.push_str(
                " and no finding: raise one and treat it with a mitigation plan or a risk acceptance",
            ),
        },
        None => {}
    }
    reason
}

/// Applicable MUST and SHOULD obligations of the system (not organisation duties) that
/// are not met and that no finding links to: what still needs a finding. The evaluation
/// should come from [`evaluate`].
pub fn gaps_without_finding<'e>(
    findings: &[Finding],
    evaluation: &'e Evaluation,
) -> Vec<&'e ObligationResult> {
    let linked = linked_obligations(findings);
    evaluation
        .obligations
        .iter()
        .filter(|o| {
            o.applies == Truth::True
                && o.status == Status::NotMet
                && o.scope == Scope::System
                && matches!(o.level, Level::Must | Level::Should)
                && !linked.contains(o.id.as_str())
        })
        .collect()
}

/// A finding with what is worked out about it, for lists and exports.
#[derive(Debug, Clone, Serialize)]
pub struct FindingView<'a> {
    #[serde(flatten)]
    pub finding: &'a Finding,
    /// What is recorded to treat it, in words ("none" when nothing is).
    pub treatment: String,
    pub overdue: Vec<Overdue>,
    pub needs_escalation: bool,
    pub problems: Vec<ConsistencyProblem>,
    /// Its obligations no longer apply: why, and the suggestion to close it
    /// ([`no_longer_applies`]).
    pub no_longer_applies: Option<String>,
}

/// Every treatment recorded on a finding, in words: "mitigation planned by Sam Tech,
/// target date 2026-03-31; risk accepted by Pat Owner on 2026-01-10, review due
/// 2027-01-10". "none" when nothing is recorded.
pub fn treatment_summary(finding: &Finding, today: NaiveDate) -> String {
    let mut parts = Vec::new();
    if let Some(plan) = &finding.mitigation {
        parts.push(match (plan.completed_on, &plan.evidence) {
            (Some(on), Some(evidence)) => format!(
                "mitigated by {} on {on}, evidence: {}",
                plan.owner,
                evidence_words(evidence)
            ),
            (Some(on), None) => format!("mitigated by {} on {on}, no evidence", plan.owner),
            (None, _) => format!(
                "mitigation planned by {}, target date {}{}: {}",
                plan.owner,
                plan.target_date,
                if plan.target_date < today {
                    " (overdue)"
                } else {
                    ""
                },
                plan.actions
            ),
        });
    }
    if let Some(a) = &finding.acceptance {
        parts.push(format!(
            "risk accepted by {} on {}, review {} {}",
            person_words(&a.accepted_by),
            a.accepted_on,
            if a.review_date < today {
                "overdue since"
            } else {
                "due"
            },
            a.review_date
        ));
    }
    if let Some(e) = &finding.exception {
        parts.push(format!(
            "exception approved by {} on {}, reference {}",
            person_words(&e.approved_by),
            e.approved_on,
            e.reference
        ));
    }
    if parts.is_empty() {
        String::from("none")
    } else {
        parts.join("; ")
    }
}

/// Every finding with its overdue dates, escalation flag and consistency problems.
pub fn views<'a>(
    assessment: &'a Assessment,
    catalogue: &Catalogue,
    evaluation: &Evaluation,
    problems: &[ConsistencyProblem],
    today: NaiveDate,
) -> Vec<FindingView<'a>> {
    let by_finding = ProblemsByFinding::new(problems);
    assessment
        .findings
        .iter()
        .map(|f| FindingView {
            finding: f,
            treatment: treatment_summary(f, today),
            overdue: overdue(f, today),
            needs_escalation: needs_escalation(f, catalogue, evaluation),
            no_longer_applies: no_longer_applies(f, evaluation),
            problems: by_finding.of(&f.id).iter().map(|p| (*p).clone()).collect(),
        })
        .collect()
}

/// One obligation that stops `check` from passing, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Blocker {
    pub obligation: String,
    pub title: String,
    pub reason: String,
    /// For an obligation not known yet: the questions still to answer (or answered
    /// "don't know yet") that decide it.
    pub answer: Vec<String>,
    /// Not met (a gap nothing treats) or not known yet.
    pub status: Status,
    /// Who must approve an exception to it, when a risk acceptance cannot treat it.
    pub exception_approver: Option<String>,
}

/// An organisation duty (scope `organisation`) as context for the project: its status
/// and what that means, never a blocker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrganisationDuty {
    pub obligation: String,
    pub title: String,
    pub level: Level,
    pub status: Status,
    /// The reasons the rules give: why it is (not) met, in words.
    pub reasons: Vec<String>,
}

/// The questions that decide whether an obligation applies and is met that have no real
/// answer yet and may still be asked: what to answer to settle it. A derived value (such
/// as the effective classification) stands for the questions it is worked out from.
pub fn questions_to_answer(
    catalogue: &Catalogue,
    evaluation: &Evaluation,
    answers: &Answers,
    obligation: &Obligation,
) -> Vec<String> {
    let mut names: Vec<&str> = Vec::new();
    for (name, _) in obligation
        .applies_if
        .names()
        .into_iter()
        .chain(obligation.met_if.names())
    {
        match catalogue.derived(name) {
            Some(derived) => {
                names.push(&derived.from);
                for raise in &derived.raise {
                    names.extend(raise.when.names().into_iter().map(|(n, _)| n));
                }
            }
            None => names.push(name),
        }
    }
    let mut out: Vec<String> = Vec::new();
    for name in names {
        let open = catalogue.question(name).is_some()
            && evaluation.asked.get(name) != Some(&Truth::False)
            && matches!(answers.get(name), None | Some(AnswerValue::DontKnow));
        if open && !out.iter().any(|q| q == name) {
            out.push(name.to_string());
        }
    }
    out
}

/// The pipeline gate's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct GateReport {
    pub passed: bool,
    pub today: NaiveDate,
    /// "Stop" notices that show: the system is outside self-assessment (for example
    /// SECRET) and the gate fails whatever the obligations say.
    pub outside_self_assessment: Vec<rules::NoticeResult>,
    /// Applicable (or possibly applicable) MUST obligations considered.
    pub must: usize,
    pub met: usize,
    pub treated: usize,
    pub blockers: Vec<Blocker>,
    /// Consistency problems: the findings they name treat nothing.
    pub problems: Vec<ConsistencyProblem>,
    /// Things to act on that do not block: escalations, overdue dates, unusable answers.
    pub warnings: Vec<String>,
    /// Organisation duties that apply, with their status: context, not blockers.
    pub organisation: Vec<OrganisationDuty>,
}

/// Passes only when no "stop" notice shows (a system outside self-assessment, such as
/// SECRET, never passes) and every applicable MUST obligation of the system is met, or
/// has a finding treated by a mitigation plan with an owner and a target date not
/// passed, a risk acceptance whose review date has not passed, a completed mitigation
/// with evidence, or (for one whose exceptions need an approver) a recorded exception.
/// Unknown MUST obligations block; organisation duties never do (they are reported as
/// context). Every front end that decides "passed?" (check, the pack, sign-off) calls
/// this one function.
pub fn gate(assessment: &Assessment, catalogue: &Catalogue, today: NaiveDate) -> GateReport {
    let (evaluation, answer_problems) = evaluate(assessment, catalogue);
    gate_on(assessment, catalogue, today, &evaluation, answer_problems)
}

/// [`gate`] on an evaluation the caller already made with [`evaluate`] (with the answer
/// problems it gave), so a caller that needs both evaluates once: `secassess portfolio`
/// does this for every file it reads.
pub fn gate_on(
    assessment: &Assessment,
    catalogue: &Catalogue,
    today: NaiveDate,
    evaluation: &Evaluation,
    answer_problems: Vec<AnswerProblem>,
) -> GateReport {
    let problems = consistency(assessment, catalogue, evaluation);
    let standings = standings(
        &assessment.findings,
        &problems,
        catalogue,
        evaluation,
        today,
    );
    let scope_of = |id: &str| evaluation.obligation(id).map(|o| o.scope);
    let must: Vec<&Standing> = standings
        .iter()
        .filter(|s| s.level == Level::Must && s.applies != Truth::False)
        .filter(|s| scope_of(&s.obligation) == Some(Scope::System))
        .collect();
    let organisation = evaluation
        .obligations
        .iter()
        .filter(|o| o.scope == Scope::Organisation && o.applies != Truth::False)
        .map(|o| OrganisationDuty {
            obligation: o.id.clone(),
            title: o.title.clone(),
            level: o.level,
            status: o.status,
            reasons: o
                .reasons
                .iter()
                .filter(|r| !r.starts_with(rules::REQUIRED_BY))
                .cloned()
                .collect(),
        })
        .collect();
    let outside_self_assessment: Vec<rules::NoticeResult> = evaluation.stops().cloned().collect();
    let (answers, _) = assessment.typed_answers(catalogue);
    let blockers: Vec<Blocker> = must
        .iter()
        .filter_map(|s| {
            let reason = s.blocks.as_ref()?;
            let answer = match catalogue.obligation(&s.obligation) {
                Some(o) if s.status == Status::Unknown => {
                    questions_to_answer(catalogue, evaluation, &answers, o)
                }
                _ => Vec::new(),
            };
            let reason = if answer.is_empty() {
                reason.clone()
            } else {
                format!("{reason}; answer: {}", answer.join(", "))
            };
            Some(Blocker {
                obligation: s.obligation.clone(),
                title: s.title.clone(),
                reason,
                answer,
                status: s.status,
                exception_approver: evaluation
                    .obligation(&s.obligation)
                    .and_then(|o| o.exception_approver.clone()),
            })
        })
        .collect();
    let mut warnings: Vec<String> = answer_problems.into_iter().map(|p| p.problem).collect();
    for view in views(assessment, catalogue, evaluation, &problems, today) {
        let id = shorten(&view.finding.id);
        if view.needs_escalation {
            warnings.push(format!(
                "{id}: a risk acceptance on a MUST obligation of an OFFICIAL-SENSITIVE system is flagged for escalation ({ESCALATION_POLICY}); escalate it through the business owner to the directorate or organisation risk register"
            ));
        }
        for o in &view.overdue {
            warnings.push(format!("{id}: {o}"));
        }
    }
    GateReport {
        passed: blockers.is_empty() && outside_self_assessment.is_empty(),
        today,
        outside_self_assessment,
        must: must.len(),
        met: must.iter().filter(|s| s.status == Status::Met).count(),
        treated: must
            .iter()
            .filter(|s| s.status != Status::Met && s.blocks.is_none())
            .count(),
        blockers,
        problems,
        warnings,
        organisation,
    }
}

#[cfg(test)]
mod tests;
