//! The findings register and review decisions in the TUI: raising a finding (by hand,
//! from an unmet obligation, or about a question), treating it (mitigation plan,
//! mitigated with evidence, business owner's risk acceptance, pre-approved exception,
//! escalation, closing), and a reviewer's accept/query on an answer. Pure like the rest
//! of `app`: each change goes through `assessment::findings` or `assessment::review`
//! (which audit it) and asks the shell to save. A change refused there leaves its form
//! open, with the reason next to the field at fault.

use chrono::{DateTime, NaiveDate, Utc};

use super::changes::{change, Refusal};
use super::form::{Form, FormKind};
use super::keymap::Command;
use super::state::{capitalised, App, Effect, Screen, Tone};
use crate::assessment::findings::{self, NewFinding, SEVERITY_RUBRIC};
use crate::assessment::identity::parse_signature;
use crate::assessment::record::{
    ExceptionApproval, FindingStatus, MitigationPlan, RiskAcceptance, Severity,
};
use crate::assessment::review::{self, Decision};
use crate::assessment::sign_off::{self, Judged};
use crate::assessment::signature;
use crate::questionnaire::answer::EvidenceRef;

/// The id of the finding under the cursor on the findings screen.
pub fn selected_finding(app: &App) -> Option<String> {
    let document = app.document.as_ref()?;
    document
        .assessment
        .findings
        .get(document.finding_cursor)
        .map(|f| f.id.clone())
}

/// The severity rubric in a few lines, to fit a form on a 24-line terminal; the full
/// wording (`findings::SEVERITY_RUBRIC`) is in the finding's detail and the exports.
fn severity_hint() -> String {
    SEVERITY_RUBRIC
        .iter()
        .map(|(s, text)| {
            let short = text.split(';').next().unwrap_or(text).trim_end_matches('.');
            format!("{}: {short}", s.name())
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn details_form(title: &str, draft: NewFinding, target: Option<String>) -> Form {
    let mut form = Form::new(
        FormKind::FindingDetails,
        title,
        &[
            ("Title", &draft.title),
            (
                "Severity (critical, high, medium, low)",
                draft.severity.name(),
            ),
            ("Owner", &draft.owner),
            ("Description", &draft.description),
        ],
    )
    .required(&[0, 1])
    .multiline(&[3])
    .records(&[
        (0, "title"),
        (1, "severity"),
        (2, "owner"),
        (3, "description"),
    ]);
    form.hint = Some(severity_hint());
    form.target = target;
    form.draft = Some(draft);
    form
}

/// `c` on the obligations screen: a finding pre-filled from the selected obligation.
pub fn raise_from_obligation(app: &mut App, obligation_id: &str) {
    let Some(document) = app.document.as_ref() else {
        return;
    };
    match findings::draft_from_obligation(&app.catalogue, &document.evaluation, obligation_id) {
        Ok(mut draft) => {
            draft.owner = app.who.as_ref().map(|w| w.name.clone()).unwrap_or_default();
            app.form = Some(details_form(
                "Raise a finding for this obligation",
                draft,
                None,
            ));
        }
        Err(e) => app.say(Tone::Error, e.to_string()),
    }
}

/// `c` on a question: a finding about it, raised by hand.
pub fn raise_for_question(app: &mut App, question_id: &str) {
    let Some(question) = app.catalogue.question(question_id) else {
        return;
    };
    let draft = NewFinding {
        title: String::new(),
        obligations: Vec::new(),
        questions: vec![question.id.clone()],
        description: format!("About: {}", question.prompt),
        severity: Severity::Medium,
        owner: app.who.as_ref().map(|w| w.name.clone()).unwrap_or_default(),
    };
    app.form = Some(details_form(
        "Raise a finding about this question",
        draft,
        None,
    ));
}

/// A key on the findings screen.
pub fn on_findings(app: &mut App, command: Command, now: DateTime<Utc>) -> Vec<Effect> {
    let count = app
        .document
        .as_ref()
        .map_or(0, |d| d.assessment.findings.len());
    if let Some(document) = app.document.as_mut() {
        if super::navigate::scroll_detail(document, command) {
            return Vec::new();
        }
        match command {
            Command::Up => {
                document.finding_cursor = document.finding_cursor.saturating_sub(1);
                document.detail_scroll = 0;
                return Vec::new();
            }
            Command::Down => {
                document.finding_cursor =
                    (document.finding_cursor + 1).min(count.saturating_sub(1));
                document.detail_scroll = 0;
                return Vec::new();
            }
            _ => {}
        }
    }
    if command == Command::NewFinding {
        let draft = NewFinding {
            title: String::new(),
            obligations: Vec::new(),
            questions: Vec::new(),
            description: String::new(),
            severity: Severity::Medium,
            owner: app.who.as_ref().map(|w| w.name.clone()).unwrap_or_default(),
        };
        app.form = Some(details_form("Raise a finding", draft, None));
        return Vec::new();
    }
    let Some(id) = selected_finding(app) else {
        if command != Command::NewFinding {
            app.say(
                Tone::Info,
                "No findings yet. Press n to raise one, or c on an unmet obligation.",
            );
        }
        return Vec::new();
    };
    let finding = app
        .document
        .as_ref()
        .and_then(|d| d.assessment.findings.iter().find(|f| f.id == id))
        .cloned();
    let Some(finding) = finding else {
        return Vec::new();
    };
    let today = app.today.to_string();
    let form = match command {
        Command::EditFinding => Some(details_form(
            &format!("Edit {id}"),
            NewFinding {
                title: finding.title.clone(),
                obligations: finding.obligations.clone(),
                questions: finding.questions.clone(),
                description: finding.description.clone(),
                severity: finding.severity,
                owner: finding.owner.clone(),
            },
            Some(id.clone()),
        )),
        Command::PlanMitigation => {
            let plan = finding.mitigation.clone();
            Some(
                Form::new(
                    FormKind::MitigationPlan,
                    &format!("Mitigation plan for {id}"),
                    &[
                        ("Actions", plan.as_ref().map_or("", |p| p.actions.as_str())),
                        (
                            "Owner",
                            plan.as_ref()
                                .map_or(finding.owner.as_str(), |p| p.owner.as_str()),
                        ),
                        (
                            "Target date (YYYY-MM-DD)",
                            &plan
                                .as_ref()
                                .map(|p| p.target_date.to_string())
                                .unwrap_or_default(),
                        ),
                    ],
                )
                .required(&[0, 1, 2])
                .multiline(&[0])
                .records(&[
                    (0, "mitigation.actions"),
                    (1, "mitigation.owner"),
                    (2, "mitigation.target_date"),
                ]),
            )
        }
        Command::MarkMitigated => Some(
            Form::new(
                FormKind::Mitigated,
                &format!("{id} is mitigated: the evidence"),
                &[
                    ("Done on (YYYY-MM-DD)", &today),
                    ("Evidence: document title", ""),
                    ("Evidence: link or file path", ""),
                ],
            )
            .required(&[0])
            .records(&[(0, "mitigation.completed_on"), (1, "mitigation.evidence")]),
        ),
        Command::AcceptRisk => {
            let mut form = Form::new(
                FormKind::AcceptRisk,
                &format!("Business owner's acceptance of the risk in {id}"),
                &[
                    ("Business owner (Name <email>)", ""),
                    ("Their role", "Business owner"),
                    ("Why the risk is accepted", ""),
                    ("Accepted on (YYYY-MM-DD)", &today),
                    ("Review by (YYYY-MM-DD)", ""),
                ],
            )
            .required(&[0, 1, 2, 3, 4])
            .multiline(&[2])
            .records(&[
                (0, "acceptance.accepted_by"),
                (1, "acceptance.accepted_by.role"),
                (2, "acceptance.rationale"),
                (3, "acceptance.accepted_on"),
                (4, "acceptance.review_date"),
            ]);
            form.hint = Some(String::from(
                "Only the business owner can accept a risk. An accepted risk is still shown as not met, with who accepted it and when.",
            ));
            Some(form)
        }
        Command::RecordException => Some(
            Form::new(
                FormKind::Exception,
                &format!("Pre-approved exception for {id}"),
                &[
                    ("Approved by (Name <email>)", ""),
                    ("Approval reference", ""),
                    ("Approved on (YYYY-MM-DD)", &today),
                ],
            )
            .required(&[0, 1, 2])
            .records(&[
                (0, "exception.approved_by"),
                (1, "exception.reference"),
                (2, "exception.approved_on"),
            ]),
        ),
        _ => None,
    };
    if let Some(mut form) = form {
        form.target = Some(id);
        app.form = Some(form);
        return Vec::new();
    }
    if command == Command::Escalate {
        let mut form = Form::new(
            FormKind::Escalate,
            &format!("Escalate {id}: to whom?"),
            &[("Escalate to (Name <email>)", ""), ("Their role", "")],
        )
        .required(&[0])
        .records(&[(0, "owner"), (1, "owner.role")]);
        form.hint = Some(String::from(
            "The directorate or organisation risk owner who takes the decision, for example the Director of Digital or the organisation's risk owner. They become the finding's owner.",
        ));
        form.target = Some(id);
        app.form = Some(form);
        return Vec::new();
    }
    let result = match command {
        Command::CloseFinding => change(app, now, |a, c, actor| {
            Ok(findings::set_status(
                a,
                c,
                &id,
                FindingStatus::Closed,
                actor,
            )?)
        })
        .map(|()| format!("{id} closed.")),
        _ => return Vec::new(),
    };
    finish(app, result)
}

fn finish(app: &mut App, result: Result<String, Refusal>) -> Vec<Effect> {
    match result {
        Ok(message) => {
            app.say(Tone::Good, message);
            vec![Effect::Save]
        }
        Err(problem) => {
            app.say(Tone::Error, problem.text);
            Vec::new()
        }
    }
}

/// A date typed in field `field` of a form, or why it is not one (placed at that field).
fn date(form: &Form, field: usize) -> Result<NaiveDate, (usize, String)> {
    let text = form.value(field);
    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .map_err(|_| (field, format!("'{text}' is not a date like 2026-12-31.")))
}

/// Why a form was not saved: at a field of the form (by index), at a record field (placed
/// with [`Form::place_error`]), or for the form as a whole.
enum FormProblem {
    Field(usize, String),
    Refused(Refusal),
}

impl From<(usize, String)> for FormProblem {
    fn from((field, text): (usize, String)) -> FormProblem {
        FormProblem::Field(field, text)
    }
}

impl From<Refusal> for FormProblem {
    fn from(refusal: Refusal) -> FormProblem {
        FormProblem::Refused(refusal)
    }
}

/// Saves a findings or review form; on a problem the form stays open, everything typed
/// still there, with the reason next to the field at fault.
pub fn submit(app: &mut App, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(form) = app.form.take() else {
        return Vec::new();
    };
    let target = form.target.clone().unwrap_or_default();
    let result: Result<String, FormProblem> = match form.kind {
        FormKind::FindingDetails => submit_details(app, &form, now),
        FormKind::MitigationPlan => submit_plan(app, &form, &target, now),
        FormKind::Mitigated => submit_mitigated(app, &form, &target, now),
        FormKind::AcceptRisk => submit_acceptance(app, &form, &target, now),
        FormKind::Exception => submit_exception(app, &form, &target, now),
        FormKind::Escalate => submit_escalation(app, &form, &target, now),
        FormKind::SignOff => {
            let statement = form.value(0);
            return super::signing::sign_off(app, form, statement, now);
        }
        FormKind::ReviewQuery => {
            let comment = form.value(0);
            let question = target.clone();
            let evidence = evidence_of(app);
            change(app, now, |a, _, actor| {
                review::comment(a, &question, &comment, actor.who, actor.now, &evidence)
                    .map(|kind| match kind {
                        review::CommentKind::Reply => String::from("Reply saved."),
                        review::CommentKind::Query => String::from("Query saved."),
                    })
                    .map_err(|e| Refusal::from(e.to_string()))
            })
            .map_err(FormProblem::from)
        }
        _ => return Vec::new(),
    };
    match result {
        Ok(message) => {
            app.say(Tone::Good, message);
            vec![Effect::Save]
        }
        Err(problem) => {
            let mut form = form;
            match problem {
                FormProblem::Field(field, text) => form.field_error(field, text),
                FormProblem::Refused(refusal) => {
                    form.place_error(refusal.field.as_deref(), refusal.text)
                }
            }
            app.form = Some(form);
            Vec::new()
        }
    }
}

fn submit_plan(
    app: &mut App,
    form: &Form,
    target: &str,
    now: DateTime<Utc>,
) -> Result<String, FormProblem> {
    let plan = MitigationPlan {
        actions: form.value(0),
        owner: form.value(1),
        target_date: date(form, 2)?,
        completed_on: None,
        evidence: None,
    };
    change(app, now, |a, c, actor| {
        Ok(findings::set_mitigation_plan(a, c, target, plan, actor)?)
    })?;
    Ok(format!("Mitigation plan saved for {target}."))
}

fn submit_mitigated(
    app: &mut App,
    form: &Form,
    target: &str,
    now: DateTime<Utc>,
) -> Result<String, FormProblem> {
    let on = date(form, 0)?;
    let location = form.value(2);
    let is_link = location.starts_with("https://") || location.starts_with("http://");
    let evidence = EvidenceRef {
        title: form.value(1),
        link: is_link.then(|| location.clone()),
        path: (!is_link && !location.is_empty()).then_some(location),
        ..EvidenceRef::default()
    };
    change(app, now, |a, c, actor| {
        Ok(findings::complete_mitigation(
            a, c, target, on, evidence, actor,
        )?)
    })?;
    Ok(format!("{target} marked mitigated."))
}

fn submit_acceptance(
    app: &mut App,
    form: &Form,
    target: &str,
    now: DateTime<Utc>,
) -> Result<String, FormProblem> {
    let mut owner = parse_signature(&form.value(0), "the business owner")
        .map_err(|e| (0, capitalised(&e.to_string())))?;
    owner.role = form.value(1);
    let acceptance = RiskAcceptance {
        accepted_by: owner,
        accepted_on: date(form, 3)?,
        rationale: form.value(2),
        review_date: date(form, 4)?,
        signature: None,
    };
    change(app, now, |a, c, actor| {
        Ok(findings::accept_risk(a, c, target, acceptance, actor)?)
    })?;
    let signed = super::signing::after_decision(app, target, signature::Kind::RiskAcceptance, now);
    Ok(format!("Risk acceptance recorded on {target}.{signed}"))
}

fn submit_exception(
    app: &mut App,
    form: &Form,
    target: &str,
    now: DateTime<Utc>,
) -> Result<String, FormProblem> {
    let approver = parse_signature(&form.value(0), "the approver")
        .map_err(|e| (0, capitalised(&e.to_string())))?;
    let approval = ExceptionApproval {
        approved_by: approver,
        reference: form.value(1),
        approved_on: date(form, 2)?,
        signature: None,
    };
    change(app, now, |a, c, actor| {
        Ok(findings::record_exception(a, c, target, approval, actor)?)
    })?;
    let signed =
        super::signing::after_decision(app, target, signature::Kind::ExceptionApproval, now);
    Ok(format!("Exception approval recorded on {target}.{signed}"))
}

fn submit_escalation(
    app: &mut App,
    form: &Form,
    target: &str,
    now: DateTime<Utc>,
) -> Result<String, FormProblem> {
    let mut to = parse_signature(&form.value(0), "the person it is escalated to")
        .map_err(|e| (0, capitalised(&e.to_string())))?;
    to.role = form.value(1);
    change(app, now, |a, c, actor| {
        Ok(findings::escalate(a, c, target, &to, actor)?)
    })?;
    Ok(format!("{target} escalated to {}.", to.signature()))
}

fn submit_details(app: &mut App, form: &Form, now: DateTime<Utc>) -> Result<String, FormProblem> {
    let severity_text = form.value(1);
    let severity = Severity::parse(&severity_text).ok_or_else(|| {
        (
            1,
            format!("'{severity_text}' is not one of critical, high, medium, low."),
        )
    })?;
    let draft = form.draft.clone().unwrap_or(NewFinding {
        title: String::new(),
        obligations: Vec::new(),
        questions: Vec::new(),
        description: String::new(),
        severity,
        owner: String::new(),
    });
    let details = NewFinding {
        title: form.value(0),
        severity,
        owner: form.value(2),
        description: form.value(3),
        ..draft
    };
    match form.target.clone() {
        Some(id) => {
            change(app, now, |a, c, actor| {
                Ok(findings::update_details(a, c, &id, details, actor)?)
            })?;
            Ok(format!("{id} saved."))
        }
        None => {
            let id = change(app, now, |a, c, actor| {
                Ok(findings::create_finding(a, c, details, actor)?)
            })?;
            if let Some(document) = app.document.as_mut() {
                document.finding_cursor = document
                    .assessment
                    .findings
                    .iter()
                    .position(|f| f.id == id)
                    .unwrap_or(0);
            }
            app.screen = Screen::Findings;
            Ok(format!(
                "{id} raised. Now treat it: p mitigation plan, a risk accepted by the business owner."
            ))
        }
    }
}

/// `A` on a question: the reviewer accepts the answer (and closes any query on it), then
/// moves to the next answer that still needs a decision, so a review is a run of `A`s
/// with a `Q` where something needs asking.
pub fn review_accept(app: &mut App, question: &str, now: DateTime<Utc>) -> Vec<Effect> {
    let evidence = evidence_of(app);
    let result = change(app, now, |a, _, actor| {
        review::decide(
            a,
            question,
            Decision::Accept,
            actor.who,
            actor.now,
            &evidence,
        )
        .map_err(|e| Refusal::from(e.to_string()))
    });
    if let Err(problem) = result {
        app.say(Tone::Error, problem.text);
        return Vec::new();
    }
    let name = app.name_of(question);
    match next_to_review(app) {
        Some(step) => {
            super::navigate::go_to_step(app, step);
            app.say(Tone::Good, format!("Review: accepted the answer on {name}."));
        }
        None => app.say(
            Tone::Good,
            format!("Review: accepted the answer on {name}. No answer is waiting for review; press S to sign off."),
        ),
    }
    vec![Effect::Save]
}

/// The step of the first answer that needs a review decision (never reviewed or stale).
fn next_to_review(app: &App) -> Option<usize> {
    let document = app.document.as_ref()?;
    let waiting = review::items(
        &document.assessment,
        &app.catalogue,
        &document.evaluation,
        &document.evidence,
        review::Filter::Unreviewed,
    );
    let first = waiting.first()?;
    app.steps.iter().position(|s| s.question == first.question)
}

/// The open assessment's evidence files as last checked.
fn evidence_of(app: &App) -> crate::assessment::evidence::EvidenceFiles {
    app.document
        .as_ref()
        .map(|d| d.evidence.clone())
        .unwrap_or_default()
}

/// `S`: the reviewer signs off the whole assessment, if nothing stands in the way
/// ([`sign_off::readiness`], the same rule as everywhere).
pub fn sign_off_form(app: &mut App) {
    let Some(document) = app.document.as_ref() else {
        return;
    };
    if let Some(Err(why)) = app
        .who
        .as_ref()
        .map(|who| crate::assessment::roles::may_review(&document.assessment, who))
    {
        app.say(Tone::Warning, format!("Not signed off: {why}."));
        return;
    }
    let judged = Judged {
        catalogue: &app.catalogue,
        evidence: &document.evidence,
        today: app.today,
    };
    let eligibility = sign_off::readiness(&document.assessment, &judged);
    if !eligibility.ready() {
        let first = eligibility
            .blockers
            .iter()
            .take(3)
            .map(|b| format!("{}: {}", app.name_of(&b.subject), b.reason))
            .collect::<Vec<_>>()
            .join("; ");
        app.say(
            Tone::Warning,
            format!(
                "Not ready for sign-off ({} thing(s) stand in the way): {first}",
                eligibility.blockers.len()
            ),
        );
        return;
    }
    let mut form = Form::new(
        FormKind::SignOff,
        "Sign off the assessment",
        &[("Statement", sign_off::STANDARD_STATEMENT)],
    )
    .required(&[0])
    .multiline(&[0]);
    form.hint = Some(format!(
        "Records your name, role and the time, pinned to a hash of the content:\nany later change shows as changed since sign-off.\n{}",
        super::signing::sign_off_hint(app)
    ));
    app.form = Some(form);
}

/// `Q` on a question: the reviewer queries the answer, or the lead replies to the query.
pub fn review_comment(app: &mut App, question: &str) {
    let mut form = Form::new(
        FormKind::ReviewQuery,
        "Review comment (a query, or your reply to one)",
        &[("Comment", "")],
    )
    .required(&[0])
    .multiline(&[0]);
    form.target = Some(question.to_string());
    app.form = Some(form);
}
