//! Creating and editing findings: a new finding (by hand or drafted from an unmet
//! obligation), its details, its status, and `modify`, the one way a finding changes:
//! refused if the finding was edited outside secassess or the change adds a consistency
//! problem, otherwise stored with an audit entry pinning its new content.

use super::consistency::finding_problems;
use super::evaluation::{apply_recorded_approvals, evaluate};
use super::register::{
    describe_change, describe_words, finding_hash, matches_audit_trail, next_id, position,
    recorded, Actor, ConsistencyProblem, FindingError, NewFinding,
};
use crate::assessment::audit::{self, Action, Change};
use crate::assessment::record::{timestamp, Assessment, Finding, FindingStatus, Severity};
use crate::questionnaire::model::{Catalogue, Level};
use crate::rules::{self, Evaluation};
use crate::text::{nfc, same_text};

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
