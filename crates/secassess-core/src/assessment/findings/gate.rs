//! How each obligation stands once findings are taken into account ([`standings`]) and
//! the pipeline gate ([`gate`], [`gate_on`]): the one rule `check`, the evidence pack and
//! sign-off use for "passed?". Only applicable MUST obligations of the system block;
//! organisation duties are reported as context and a showing "stop" notice fails it.

use chrono::NaiveDate;
use serde::Serialize;

use super::consistency::consistency;
use super::evaluation::{approval_missing, evaluate};
use super::register::ConsistencyProblem;
use super::treatment::{is_sensitive, treatment, Treatment, ESCALATION_POLICY};
use super::view::views;
use crate::assessment::index::{linked_obligations, ProblemsByFinding};
use crate::assessment::record::{AnswerProblem, Assessment, Finding};
use crate::questionnaire::answer::{AnswerValue, Answers};
use crate::questionnaire::expr::Truth;
use crate::questionnaire::model::{Catalogue, Level, Obligation, Scope};
use crate::rules::{self, Evaluation, ObligationResult, Status};
use crate::text::shorten;

/// How one obligation stands once findings are taken into account.
#[derive(Debug, Clone, Serialize)]
pub struct Standing {
    /// The obligation's id from the questionnaire, e.g. `mfa-elevated-accounts`.
    pub obligation: String,
    /// The obligation's title as written in the questionnaire.
    pub title: String,
    /// MUST, SHOULD, MAY or good practice, as the standard words it.
    pub level: Level,
    /// Whether it applies to this system: unknown while deciding answers are missing.
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
/// [`check_consistency`](super::check_consistency).
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

/// One obligation that stops `check` from passing, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Blocker {
    /// The obligation's id from the questionnaire.
    pub obligation: String,
    /// The obligation's title as written in the questionnaire.
    pub title: String,
    /// Why it blocks and what would settle it, as one line ("not met and no finding:
    /// raise one ...; answer: pen_test_date").
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
    /// The obligation's id from the questionnaire, e.g. `dspt-submitted`.
    pub obligation: String,
    /// The obligation's title as written in the questionnaire.
    pub title: String,
    /// MUST, SHOULD, MAY or good practice.
    pub level: Level,
    /// The rules' status for it (met, not met, unknown): shown, never blocking.
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
    /// No stop notice shows and no applicable MUST obligation of the system blocks.
    pub passed: bool,
    /// The date target and review dates were checked against.
    pub today: NaiveDate,
    /// "Stop" notices that show: the system is outside self-assessment (for example
    /// SECRET) and the gate fails whatever the obligations say.
    pub outside_self_assessment: Vec<rules::NoticeResult>,
    /// Applicable (or possibly applicable) MUST obligations considered.
    pub must: usize,
    /// Of those, how many are met (approvals applied).
    pub met: usize,
    /// Of those, how many are not met but treated by a finding that lets the gate pass.
    pub treated: usize,
    /// Every MUST obligation that stops the gate, in questionnaire order.
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
