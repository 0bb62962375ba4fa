//! Treating a finding, as the Base requirements ask ("either a mitigation plan or a
//! sign-off of the risk by the business owner"): recording a mitigation plan and its
//! completion, a risk acceptance, a pre-approved exception, an escalation; the dates
//! that have passed ([`overdue`]); the escalation flag (secassess policy,
//! [`ESCALATION_POLICY`]); and how one finding treats one obligation ([`Treatment`]),
//! in words too ([`treatment_summary`]). Every change goes through `changes::modify`.

use chrono::NaiveDate;
use serde::Serialize;

use super::changes::modify;
use super::register::{
    blank, evidence_words, has_evidence, invalid, person_words, position, recorded, trimmed, Actor,
    FindingError,
};
use crate::assessment::record::{
    Assessment, ExceptionApproval, Finding, FindingStatus, MitigationPlan, Person, RiskAcceptance,
};
use crate::questionnaire::answer::EvidenceRef;
use crate::questionnaire::expr::Truth;
use crate::questionnaire::model::{Catalogue, Level, Obligation};
use crate::rules::{Evaluation, EFFECTIVE_CLASSIFICATION};
use crate::text::nfc;

/// The classification value from which a MUST obligation's risk acceptance is flagged
/// for escalation: the business owner alone should not sign off a MUST gap on a system
/// holding personal, patient or commercially sensitive information.
pub const ESCALATION_CLASSIFICATION: &str = "official-sensitive";

/// Escalation is secassess's policy, not the standard's requirement: the Base
/// requirements say only that "Risks may be escalated to organisation level if needed".
/// Every message that asks for escalation says so with these words.
pub const ESCALATION_POLICY: &str = "secassess policy, not a requirement of the standard, which says \"Risks may be escalated to organisation level if needed\"";

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
    /// The date that has passed.
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
/// role, an email if known), who becomes the finding's owner, recorded as
/// `Name <email> (Role)`. Refused without a name or a role, and to the person escalating: an
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
        if crate::assessment::identity::same(&to, actor.who) {
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

/// How a finding treats an obligation. The order is the order of preference when
/// several findings treat one obligation (after whether each lets `check` pass).
/// Serialised in kebab-case ("exception-approved").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TreatmentKind {
    /// An approval recorded as an exception, for an obligation whose standard names who
    /// approves exceptions.
    ExceptionApproved,
    /// The mitigation plan is completed (status "mitigated").
    Mitigated,
    /// The business owner accepted the risk (status "risk accepted").
    RiskAccepted,
    /// Escalated to a directorate or organisation risk owner, with or without their
    /// decision yet.
    Escalated,
    /// A mitigation plan with a target date, not yet completed.
    MitigationPlanned,
    /// Nothing recorded treats it (open or closed).
    Untreated,
}

/// What one finding does for one obligation, and whether that is enough for `check`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Treatment {
    /// The id of the finding doing the treating.
    pub finding: String,
    /// What kind of treatment it is.
    pub kind: TreatmentKind,
    /// The plan owner, the acceptor, the approver, or who it was escalated to.
    pub by: String,
    /// When it was completed, accepted or approved.
    pub on: Option<NaiveDate>,
    /// The target date or the review date.
    pub due: Option<NaiveDate>,
    /// `due` is before the date it was judged on, so the treatment no longer counts.
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

pub(super) fn treatment(
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
