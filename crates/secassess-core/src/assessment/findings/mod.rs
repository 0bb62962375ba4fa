//! The findings register: every gap the assessment finds (and any issue raised by hand)
//! becomes a finding, and every finding must be treated, by a mitigation plan or by the
//! business owner signing off the risk, because the Base requirements say "any
//! discovered issues must be formally documented with either a mitigation plan or a
//! sign-off of the risk by the business owner".
//!
//! Everything here is pure: the caller passes `today` (for overdue dates) and `now` (for
//! the audit trail), so the same file gives the same answer in a test, in a pipeline run
//! with `--date`, and in the terminal UI. Every change goes through [`audit::append`](crate::assessment::audit::append)
//! with the finding's content hash as its pin, so an edit made outside secassess is
//! reported by [`check_consistency`] rather than trusted.
//!
//! Three rules shape what is shown:
//! - a risk acceptance never makes an obligation met: it is "not met — risk accepted by
//!   NAME on DATE";
//! - an obligation whose standard requires pre-approval ([`Obligation::requires_approval`](crate::questionnaire::model::Obligation::requires_approval))
//!   is never shown as met until that approval is recorded as an [`ExceptionApproval`](crate::assessment::record::ExceptionApproval) on
//!   a linked finding, whatever the answers say ([`apply_recorded_approvals`]);
//! - a finding with a consistency problem treats nothing, so `check` cannot be passed by
//!   a half-recorded acceptance;
//! - a gap in an obligation whose standard routes exceptions through a named approver
//!   ([`Obligation::exception_approver`](crate::questionnaire::model::Obligation::exception_approver), such as the Architecture Review Board for the
//!   authentication standard) is treated only by that approval or a mitigation, never by
//!   a business owner's risk acceptance.
//!
//! Organisation duties (scope `organisation`, such as the DSPT) are context: they never
//! block the gate or sign-off, and [`gate`] reports them separately. A showing "stop"
//! notice (the content's way of saying "outside self-assessment", for example SECRET)
//! fails the gate whatever the obligations say.
//!
//! Where each part lives; each file imports only from those below it:
//! - `gate`: how each obligation stands once findings are counted, and the pipeline gate;
//! - `view`: a finding with what is worked out about it, for lists and exports;
//! - `treatment`: mitigation plans, risk acceptances, exceptions, escalation, passed dates;
//! - `changes`: creating and editing findings, the one audited way a finding changes;
//! - `consistency`: the consistency rules and edits made outside secassess;
//! - `evaluation`: the evaluation every front end shows, recorded approvals applied;
//! - `register`: the vocabulary the others share (names, errors, ids, audit pins).
//!
//! This file only declares them and re-exports their public items, so callers write
//! `findings::gate` whichever file it is in.

mod changes;
mod consistency;
mod evaluation;
mod gate;
mod register;
mod treatment;
mod view;

pub(crate) use changes::modify;
pub use changes::{
    create_finding, create_from_obligation, draft_from_obligation, set_status, suggested_severity,
    update_details,
};
pub use consistency::{
    acknowledge_outside_edit, check_consistency, finding_problems, trusted_findings, DELETED_PIN,
};
pub use evaluation::{apply_recorded_approvals, approval_missing, evaluate, recorded_approval};
pub use gate::{
    gaps_without_finding, gate, gate_on, questions_to_answer, standings, Blocker, GateReport,
    OrganisationDuty, Standing,
};
pub use register::{
    finding_hash, matches_audit_trail, next_id, Actor, ConsistencyProblem, FindingError,
    NewFinding, SEVERITY_RUBRIC,
};
pub use treatment::{
    accept_risk, complete_mitigation, escalate, is_sensitive, needs_escalation, overdue,
    record_exception, set_mitigation_plan, treatment_summary, Overdue, Treatment, TreatmentKind,
    ESCALATION_CLASSIFICATION, ESCALATION_POLICY,
};
pub use view::{no_longer_applies, views, FindingView};

#[cfg(test)]
mod tests;
