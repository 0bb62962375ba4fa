//! The evaluation every front end shows for an assessment ([`evaluate`]): answers typed,
//! rules evaluated, and two things only the register knows applied on top: an
//! obligation whose standard requires pre-approval is not shown as met until the approval
//! is recorded on a finding the audit trail vouches for, and answers given to an earlier
//! version of a question are marked to confirm again.

use super::register::{blank, matches_audit_trail};
use crate::assessment::record::{AnswerProblem, Assessment, ExceptionApproval, Finding};
use crate::questionnaire::expr::Truth;
use crate::questionnaire::model::Catalogue;
use crate::rules::{self, Evaluation, ObligationResult, Status};

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
                .is_some_and(|record| crate::assessment::upgrade::needs_reconfirmation(record, q))
        })
        .map(|q| q.id.clone())
        .collect();
    (evaluation, problems)
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
