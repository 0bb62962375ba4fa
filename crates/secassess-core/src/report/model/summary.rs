//! What the pack says in short: the next steps it lists, worked out from the gathered
//! views (`next_steps`, called by `build`), and the one line printed after an export
//! ([`headline`]).

use super::pack::{
    FindingView, GateView, Pack, ProgressView, ReviewSummary, SignOffView, VerifyProblemView,
    SIGN_OFF_UNRELIABLE,
};
use crate::assessment::findings;
use crate::assessment::sign_off::{SIGN_OFF_CHANGED, SIGN_OFF_LAPSED, SIGN_OFF_VALID};
use crate::questionnaire::model::{Level, Scope};
use crate::rules::Status;

#[allow(clippy::too_many_arguments)]
pub(super) fn next_steps(
    progress: &ProgressView,
    gate: &GateView,
    gaps: usize,
    findings: &[FindingView],
    reviews: &ReviewSummary,
    sign_off: Option<&SignOffView>,
    integrity: &[VerifyProblemView],
    evidence_attention: usize,
) -> Vec<String> {
    let mut steps = Vec::new();
    for stop in &gate.outside_self_assessment {
        steps.push(format!("First: {stop}"));
    }
    let open = progress.total.saturating_sub(progress.answered);
    if open > 0 {
        steps.push(format!(
            "Answer the {open} question(s) still open ({} answered \"don't know yet\").",
            progress.dont_know
        ));
    }
    if gaps > 0 {
        steps.push(format!(
            "Raise a finding for each of the {gaps} unmet MUST or SHOULD obligation(s) that has none."
        ));
    }
    for b in &gate.blockers {
        steps.push(format!("{} ({}): {}.", b.obligation, b.title, b.reason));
    }
    let overdue = findings.iter().filter(|f| !f.overdue.is_empty()).count();
    if overdue > 0 {
        steps.push(format!(
            "Deal with the {overdue} finding(s) with passed dates: complete the mitigation, agree a new date or have the risk reviewed."
        ));
    }
    let escalate = findings.iter().filter(|f| f.needs_escalation).count();
    if escalate > 0 {
        steps.push(format!(
            "Escalate the {escalate} risk acceptance(s) on MUST obligations of this OFFICIAL-SENSITIVE system to the directorate or organisation risk register ({}).",
            findings::ESCALATION_POLICY
        ));
    }
    if reviews.stale > 0 {
        steps.push(format!(
            "Ask the reviewer to look again at the {} answer(s) changed since their review.",
            reviews.stale
        ));
    }
    if reviews.open_queries > 0 {
        steps.push(format!(
            "Answer the {} open review query(ies).",
            reviews.open_queries
        ));
    }
    match sign_off {
        // A system outside self-assessment is not signed off as a self-assessment.
        None if !gate.outside_self_assessment.is_empty() => {}
        None => {
            steps.push("Ask the reviewer to sign off the assessment once it is complete.".into())
        }
        Some(s) if s.changed_since => steps.push(
            "The assessment has changed since it was signed off: ask the reviewer to review the changes (secassess diff) and sign off again.".into(),
        ),
        Some(s) if !s.holds => steps.push(
            "The sign-off no longer holds (see the sign-off): deal with what it lists and ask the reviewer to sign off again.".into(),
        ),
        Some(_) => {}
    }
    if !integrity.is_empty() {
        steps.push(format!(
            "Find out why the file does not match its audit trail ({} problem(s), listed in the integrity appendix; secassess verify FILE says the same) before relying on this pack.",
            integrity.len()
        ));
    }
    if evidence_attention > 0 {
        steps.push(format!(
            "Check the {evidence_attention} evidence file(s) that changed, went missing or could not be read, and attach them again."
        ));
    }
    if steps.is_empty() {
        steps.push(
            "Nothing outstanding: keep the assessment up to date as the system changes.".into(),
        );
    }
    steps
}

/// What the pack says, in one line, for the terminal after an export: the marking, MUST
/// obligations met / not met / unknown, findings not treated / treated, the review, the
/// sign-off and whether the file matches its audit trail.
pub fn headline(pack: &Pack) -> String {
    let must = |status: Status| {
        pack.obligations
            .iter()
            .filter(|o| o.level == Level::Must && o.scope == Scope::System && o.status == status)
            .count()
    };
    let treated = pack.findings.iter().filter(|f| f.treated).count();
    let r = &pack.reviews;
    let sign_off = match &pack.sign_off {
        Some(_) if !pack.integrity.file_complete => {
            format!("signed off, {SIGN_OFF_UNRELIABLE}")
        }
        Some(s) if s.holds => format!("signed off, {SIGN_OFF_VALID}"),
        Some(s) => format!(
            "{}: {}",
            if s.changed_since {
                SIGN_OFF_CHANGED
            } else {
                SIGN_OFF_LAPSED
            },
            s.reasons.join("; ")
        ),
        None => "not signed off".to_string(),
    };
    // Unsigned too, as the cover says: a pipeline log that reads the headline alone must
    // not take a self-declared sign-off for a signed one.
    let sign_off = match &pack.sign_off {
        Some(s) => format!("{sign_off} (sign-off {})", s.signature),
        None => sign_off,
    };
    let gate = if pack.gate.passed {
        "gate passed"
    } else {
        "gate NOT PASSED"
    };
    let integrity = if !pack.integrity.file_complete {
        "FILE MAY HAVE BEEN CUT SHORT (no end marker)".to_string()
    } else if pack.integrity.matches_audit_trail {
        "file matches its audit trail".to_string()
    } else {
        format!(
            "FILE DOES NOT MATCH ITS AUDIT TRAIL ({} problem(s))",
            pack.integrity.verify_problems.len()
        )
    };
    let outside = if pack.gate.outside_self_assessment.is_empty() {
        String::new()
    } else {
        "OUTSIDE SELF-ASSESSMENT (not a completed self-assessment: take the system to the Cyber Security team); ".to_string()
    };
    format!(
        "The pack says: {outside}{}; MUST obligations {} met, {} not met, {} unknown; {gate}; findings {} untreated, {} treated; review {} of {} answers accepted, {} open queries, {} stale; {sign_off}; {integrity}.",
        pack.marking,
        must(Status::Met),
        must(Status::NotMet),
        must(Status::Unknown),
        pack.findings.len() - treated,
        treated,
        r.accepted,
        r.answers,
        r.open_queries,
        r.stale,
    )
}
