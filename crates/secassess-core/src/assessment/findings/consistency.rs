//! Consistency of the register, checked on load and before export and never fixed
//! silently: each finding's own fields against its status and the loaded questionnaires
//! ([`finding_problems`]), duplicate ids, and agreement with the audit trail's pins (a
//! finding added, changed or deleted in a text editor); acknowledging such an edit once it
//! is checked ([`acknowledge_outside_edit`]); the findings the audit trail vouches for
//! ([`trusted_findings`]). A finding with a problem treats nothing.

use std::collections::HashMap;

use super::evaluation::evaluate;
use super::register::{
    blank, describe_words, finding_hash, has_evidence, next_id, position, Actor,
    ConsistencyProblem, FindingError, FINDING_ACTIONS,
};
use crate::assessment::audit::{self, Action, Change};
use crate::assessment::index::{AuditIndex, FindingIds};
use crate::assessment::record::{timestamp, Assessment, Finding, FindingStatus};
use crate::questionnaire::expr::Truth;
use crate::questionnaire::model::Catalogue;
use crate::rules::{Evaluation, Status};
use crate::text::shorten;

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

/// Every consistency problem in the register: run on load and before export. A finding
/// with a problem treats nothing (see [`standings`](super::standings)).
pub fn check_consistency(
    assessment: &Assessment,
    catalogue: &Catalogue,
) -> Vec<ConsistencyProblem> {
    let (evaluation, _) = evaluate(assessment, catalogue);
    consistency(assessment, catalogue, &evaluation)
}

pub(super) fn consistency(
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

/// The pin recorded when a finding deleted outside secassess is acknowledged: no
/// finding's content hashes to it.
pub const DELETED_PIN: &str = "deleted";

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
