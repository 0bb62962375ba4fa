//! `secassess finding add|plan|done|accept|exception|escalate|close|acknowledge FILE ...`:
//! records a finding or its treatment without the terminal UI, for screen-reader users
//! and scripts. Each takes the file's lock (refusing while someone else has it open),
//! makes one change through `assessment::findings`, which checks and audits it, and
//! saves atomically. Who acts comes from `--as`, the environment or the saved identity.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use secassess::assessment::findings::{self, Actor, FindingError, NewFinding};
use secassess::assessment::identity::{self, parse_signature};
use secassess::assessment::record::{
    ExceptionApproval, FindingStatus, MitigationPlan, Person, RiskAcceptance, Severity,
};
use secassess::assessment::signature::{self, Kind};
use secassess::assessment::Assessment;
use secassess::plain::passphrase::{self, Unlocked};
use secassess::plain::PlainError;
use secassess::questionnaire::{Catalogue, EvidenceRef};
use secassess::session::check_text;
use secassess::store::signing_key::{KeyChoice, Signer};
use secassess::text::sanitise_line;
use ssh_key::PrivateKey;

use super::findings::{parse_date, today};
use super::new::current_person;
use super::{CliError, Context};

const MAX_LINE_CHARS: usize = 200;
const MAX_TEXT_CHARS: usize = 10_000;

#[derive(clap::Subcommand)]
pub enum Action {
    /// Raise a finding for an unmet obligation (pre-filled from it) or for any issue.
    Add(AddArgs),
    /// Record (or replace) the mitigation plan: actions, owner, target date.
    Plan(PlanArgs),
    /// Mark the mitigation plan done, with evidence of the fix.
    Done(DoneArgs),
    /// Record the business owner's acceptance of the risk.
    Accept(AcceptArgs),
    /// Record a pre-approved exception (e.g. the Cyber Security team approving shared
    /// accounts): who approved it, their reference, when.
    Exception(ExceptionArgs),
    /// Escalate the risk to the directorate or organisation risk owner.
    Escalate(EscalateArgs),
    /// Close a finding whose obligation is now met (or a hand-raised issue now fixed).
    Close(IdArgs),
    /// Record in the audit trail an edit made to a finding outside secassess, once you
    /// have checked it is genuine.
    Acknowledge(IdArgs),
    /// Sign, with your SSH key, the risk acceptance or exception approval on a finding
    /// that names you (recorded earlier, perhaps by someone else on your behalf).
    Sign(IdArgs),
}

#[derive(clap::Args)]
pub struct AddArgs {
    /// The assessment file (*.secassess.toml).
    assessment: PathBuf,
    /// The unmet obligation the finding is about (`secassess findings FILE` lists them).
    #[arg(long, value_name = "ID", required_unless_present = "title")]
    obligation: Option<String>,
    /// A short title saying what is wrong (taken from the obligation if not given).
    #[arg(long, value_name = "TEXT")]
    title: Option<String>,
    /// low, medium, high or critical (from the obligation's level if not given).
    #[arg(long, value_parser = parse_severity, value_name = "SEVERITY")]
    severity: Option<Severity>,
    /// Who is responsible for dealing with it.
    #[arg(long, value_name = "NAME")]
    owner: Option<String>,
    /// What the issue is (taken from the obligation's reasons if not given).
    #[arg(long, value_name = "TEXT")]
    description: Option<String>,
    /// Take over the file if it was left open by a secassess that is no longer running
    /// (after a crash); a file open in a running secassess is never taken.
    #[arg(long)]
    take_over: bool,
    /// Add it although the assessment is signed off: it then shows as changed since
    /// sign-off until it is reviewed again.
    #[arg(long)]
    after_sign_off: bool,
}

#[derive(clap::Args)]
pub struct IdArgs {
    /// The assessment file (*.secassess.toml).
    assessment: PathBuf,
    /// The finding, e.g. F-001.
    id: String,
    /// Take over the file if it was left open by a secassess that is no longer running
    /// (after a crash); a file open in a running secassess is never taken.
    #[arg(long)]
    take_over: bool,
    /// Change it although the assessment is signed off: it then shows as changed since
    /// sign-off until it is reviewed again.
    #[arg(long)]
    after_sign_off: bool,
}

#[derive(clap::Args)]
pub struct PlanArgs {
    #[command(flatten)]
    finding: IdArgs,
    /// What will be done to fix or reduce the risk.
    #[arg(long, value_name = "TEXT")]
    actions: String,
    /// Who will carry it out.
    #[arg(long, value_name = "NAME")]
    owner: String,
    /// When it will be done: today or later.
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    target: NaiveDate,
}

#[derive(clap::Args)]
pub struct DoneArgs {
    #[command(flatten)]
    finding: IdArgs,
    /// Evidence of the fix: a document title, a ticket, or a link.
    #[arg(long, value_name = "TEXT OR LINK")]
    evidence: Option<String>,
    /// When the actions were completed (today if not given).
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    on: Option<NaiveDate>,
}

#[derive(clap::Args)]
pub struct AcceptArgs {
    #[command(flatten)]
    finding: IdArgs,
    /// The business owner accepting the risk: "Name <email>".
    #[arg(long, value_name = "NAME <EMAIL>")]
    by: String,
    /// Their role, e.g. "Business owner" or "Senior Responsible Owner".
    #[arg(long, value_name = "ROLE")]
    role: String,
    /// Why they accept the risk.
    #[arg(long, value_name = "TEXT")]
    rationale: String,
    /// When the acceptance must be reviewed: after today.
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    review: NaiveDate,
    /// When they accepted it (today if not given).
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    on: Option<NaiveDate>,
}

#[derive(clap::Args)]
pub struct ExceptionArgs {
    #[command(flatten)]
    finding: IdArgs,
    /// Who approved it: "Name <email>".
    #[arg(long, value_name = "NAME <EMAIL>")]
    by: String,
    /// Their role, e.g. "Cyber Security team".
    #[arg(long, value_name = "ROLE", default_value = "")]
    role: String,
    /// The approval's reference: ticket, letter or decision number.
    #[arg(long, value_name = "REF")]
    reference: String,
    /// When it was approved (today if not given).
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    on: Option<NaiveDate>,
}

#[derive(clap::Args)]
pub struct EscalateArgs {
    #[command(flatten)]
    finding: IdArgs,
    /// The directorate or organisation risk owner it goes to: "Name <email>" (or a name).
    /// They become its owner.
    #[arg(long, value_name = "NAME <EMAIL>")]
    to: String,
    /// Their role, e.g. "Director of Digital" or "Organisation risk owner".
    #[arg(long, value_name = "ROLE")]
    role: String,
}

fn parse_severity(text: &str) -> Result<Severity, String> {
    Severity::parse(text)
        .ok_or_else(|| format!("'{text}' is not a severity; use low, medium, high or critical"))
}

pub fn run(context: &Context, action: Action) -> Result<ExitCode, CliError> {
    match action {
        Action::Add(args) => add(context, args),
        Action::Plan(args) => {
            line("--owner", &args.owner)?;
            text("--actions", &args.actions)?;
            let plan = MitigationPlan {
                actions: args.actions,
                owner: args.owner,
                target_date: args.target,
                completed_on: None,
                evidence: None,
            };
            edit(
                context,
                &args.finding,
                "mitigation plan",
                |a, c, actor, id| findings::set_mitigation_plan(a, c, id, plan, actor),
            )
        }
        Action::Done(args) => {
            let Some(evidence) = args.evidence.filter(|e| !e.trim().is_empty()) else {
                return Err(CliError::Usage(
                    "a finding counts as mitigated only with evidence of the fix; give --evidence \"Change CHG-1042\" or a link".into(),
                ));
            };
            line("--evidence", &evidence)?;
            let evidence = evidence_ref(&evidence);
            edit(
                context,
                &args.finding,
                "completed mitigation",
                |a, c, actor, id| {
                    let on = args.on.unwrap_or(actor.today);
                    findings::complete_mitigation(a, c, id, on, evidence, actor)
                },
            )
        }
        Action::Accept(args) => {
            let accepted_by = person(&args.by, &args.role, "--by")?;
            text("--rationale", &args.rationale)?;
            let key = key_for(context, &accepted_by, &args.finding)?;
            edit(
                context,
                &args.finding,
                "risk acceptance",
                |a, c, actor, id| {
                    let acceptance = RiskAcceptance {
                        accepted_by,
                        accepted_on: args.on.unwrap_or(actor.today),
                        rationale: args.rationale,
                        review_date: args.review,
                        signature: None,
                    };
                    findings::accept_risk(a, c, id, acceptance, actor)?;
                    match &key {
                        Some(key) => {
                            signature::sign_decision(a, c, id, Kind::RiskAcceptance, key, actor)
                        }
                        None => Ok(()),
                    }
                },
            )
        }
        Action::Exception(args) => {
            let approved_by = person(&args.by, &args.role, "--by")?;
            line("--reference", &args.reference)?;
            let key = key_for(context, &approved_by, &args.finding)?;
            edit(
                context,
                &args.finding,
                "exception approval",
                |a, c, actor, id| {
                    let approval = ExceptionApproval {
                        approved_by,
                        reference: args.reference,
                        approved_on: args.on.unwrap_or(actor.today),
                        signature: None,
                    };
                    findings::record_exception(a, c, id, approval, actor)?;
                    match &key {
                        Some(key) => {
                            signature::sign_decision(a, c, id, Kind::ExceptionApproval, key, actor)
                        }
                        None => Ok(()),
                    }
                },
            )
        }
        Action::Sign(args) => sign(context, &args),
        Action::Escalate(args) => {
            let to = person(&args.to, &args.role, "--to")?;
            edit(context, &args.finding, "escalation", |a, c, actor, id| {
                findings::escalate(a, c, id, &to, actor)
            })
        }
        Action::Close(args) => edit(context, &args, "closure", |a, c, actor, id| {
            findings::set_status(a, c, id, FindingStatus::Closed, actor)
        }),
        Action::Acknowledge(args) => edit(context, &args, "acknowledgement", |a, _, actor, id| {
            findings::acknowledge_outside_edit(a, id, actor).map(|_| ())
        }),
    }
}

fn add(context: &Context, args: AddArgs) -> Result<ExitCode, CliError> {
    for (what, value) in [("--title", &args.title), ("--owner", &args.owner)] {
        if let Some(value) = value {
            line(what, value)?;
        }
    }
    if let Some(description) = &args.description {
        text("--description", description)?;
    }
    let target = IdArgs {
        assessment: args.assessment.clone(),
        id: String::new(),
        take_over: args.take_over,
        after_sign_off: args.after_sign_off,
    };
    edit(context, &target, "new finding", |a, c, actor, _| {
        let mut new = match &args.obligation {
            Some(obligation) => {
                let (evaluation, _) = findings::evaluate(a, c);
                findings::draft_from_obligation(c, &evaluation, obligation.trim())?
            }
            None => NewFinding {
                title: String::new(),
                obligations: Vec::new(),
                questions: Vec::new(),
                description: String::new(),
                severity: Severity::Medium,
                owner: String::new(),
            },
        };
        if let Some(title) = &args.title {
            new.title = title.clone();
        }
        if let Some(severity) = args.severity {
            new.severity = severity;
        }
        if let Some(owner) = &args.owner {
            new.owner = owner.clone();
        }
        if let Some(description) = &args.description {
            new.description = description.clone();
        }
        findings::create_finding(a, c, new, actor).map(|_| ())
    })
}

/// The key to sign `decider`'s decision with: only when the person acting is the
/// decider (a business owner signs their own acceptance), asking an encrypted key's
/// passphrase. `None` signs nothing, and says why.
fn key_for(
    context: &Context,
    decider: &Person,
    target: &IdArgs,
) -> Result<Option<PrivateKey>, CliError> {
    let who = current_person(context, true)?;
    if !identity::same(&who, decider) {
        let later = format!(
            "secassess finding sign {} {} --as \"{}\"",
            sanitise_line(&target.assessment.display().to_string()),
            sanitise_line(target.id.trim()),
            sanitise_line(&decider.signature())
        );
        if matches!(context.key, KeyChoice::File(_)) {
            return Err(CliError::Usage(format!(
                "--key signs only your own decision, and this one is {}'s; they sign it themselves with their key ({later}). Nothing was saved.",
                sanitise_line(&decider.signature())
            )));
        }
        if !matches!(context.key, KeyChoice::Off) {
            println!(
                "Unsigned: recorded on behalf of {}, who can sign it with their own SSH key: {later}",
                sanitise_line(&decider.signature())
            );
        }
        return Ok(None);
    }
    unlock(context, &who)
}

/// The acting person's key, opened (passphrase asked when encrypted); `None` when there
/// is none to sign with (said why). A key given with `--key` that cannot be used, or a
/// passphrase not given, stops the command.
fn unlock(context: &Context, who: &Person) -> Result<Option<PrivateKey>, CliError> {
    let signer = Signer::from_choice(&context.key)?;
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut output = std::io::stdout().lock();
    let unlocked = passphrase::unlock(
        &mut input,
        &mut output,
        &signer,
        &who.email,
        super::passphrase_entry(),
    )
    .map_err(|e| match e {
        PlainError::Io(e) => CliError::Output(e),
        PlainError::Session(e) => CliError::Session(e),
    })?;
    match unlocked {
        Unlocked::Key(key) => Ok(Some(*key)),
        Unlocked::Unsigned => Ok(None),
        Unlocked::Stop => Err(CliError::Usage(String::from(
            "the SSH key was not opened, so nothing was signed or saved",
        ))),
    }
}

/// `finding sign FILE ID`: signs each decision on the finding that names the person
/// acting (a risk acceptance, an exception approval).
fn sign(context: &Context, target: &IdArgs) -> Result<ExitCode, CliError> {
    let who = current_person(context, true)?;
    let id = target.id.trim();
    let kinds: Vec<Kind> = {
        let loaded = secassess::store::load(&target.assessment)?;
        let finding = loaded
            .assessment
            .findings
            .iter()
            .find(|f| f.id == id)
            .cloned()
            .ok_or_else(|| FindingError::NoSuchFinding { id: id.to_string() })?;
        let mut kinds = Vec::new();
        if finding
            .acceptance
            .as_ref()
            .is_some_and(|a| identity::same(&a.accepted_by, &who))
        {
            kinds.push(Kind::RiskAcceptance);
        }
        if finding
            .exception
            .as_ref()
            .is_some_and(|e| identity::same(&e.approved_by, &who))
        {
            kinds.push(Kind::ExceptionApproval);
        }
        kinds
    };
    if kinds.is_empty() {
        return Err(CliError::Usage(format!(
            "{} has no risk acceptance or exception approval that names {}, so there is nothing for you to sign; a decision is signed by the person it names, acting as themselves (--as). Nothing was saved.",
            sanitise_line(id),
            sanitise_line(&who.signature())
        )));
    }
    let Some(key) = unlock(context, &who)? else {
        return Err(CliError::Usage(String::from(
            "there is no SSH key to sign with (give --key FILE); nothing was saved",
        )));
    };
    edit(context, target, "signature", |a, c, actor, id| {
        for kind in &kinds {
            signature::sign_decision(a, c, id, *kind, &key, actor)?;
        }
        Ok(())
    })
}

/// Opens the file for editing, applies one change to finding `target.id` and saves;
/// then says what the finding now is and whether it still blocks `check`.
fn edit(
    context: &Context,
    target: &IdArgs,
    what: &str,
    change: impl FnOnce(&mut Assessment, &Catalogue, &Actor<'_>, &str) -> Result<(), FindingError>,
) -> Result<ExitCode, CliError> {
    let catalogue = Arc::new(context.catalogue()?);
    let who = current_person(context, true)?;
    let now = Utc::now();
    let path = &target.assessment;
    let mut session = super::open_to_change(
        path,
        Arc::clone(&catalogue),
        who.clone(),
        target.take_over,
        now,
    )?;
    super::refuse_after_sign_off(&session, target.after_sign_off)?;
    let assessment = session.assessment_mut()?;
    let before: Vec<String> = assessment.findings.iter().map(|f| f.id.clone()).collect();
    let actor = Actor {
        who: &who,
        now,
        today: today(None),
    };
    change(assessment, &catalogue, &actor, target.id.trim())?;
    session.save()?;
    if let Some(warning) = session.size_warning() {
        eprintln!("secassess: warning: {warning}");
    }
    let assessment = session.assessment();
    // `add` names no id: the finding is the one that was not there before.
    let id = if target.id.trim().is_empty() {
        assessment
            .findings
            .iter()
            .map(|f| f.id.clone())
            .find(|id| !before.contains(id))
            .unwrap_or_default()
    } else {
        target.id.trim().to_string()
    };
    report(path, assessment, &catalogue, &id, what, actor.today)?;
    Ok(ExitCode::SUCCESS)
}

fn report(
    path: &Path,
    assessment: &Assessment,
    catalogue: &Catalogue,
    id: &str,
    what: &str,
    today: NaiveDate,
) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    let file = sanitise_line(&path.display().to_string());
    if what == "new finding" {
        writeln!(out, "Raised {} and saved it in {file}.", sanitise_line(id))?;
    } else {
        writeln!(out, "Saved the {what} of {} in {file}.", sanitise_line(id))?;
    }
    let Some(finding) = assessment.findings.iter().find(|f| f.id == id) else {
        return Ok(());
    };
    for check in signature::check_all(assessment, None)
        .iter()
        .filter(|c| c.finding.as_deref() == Some(id) && c.state.signed())
    {
        writeln!(
            out,
            "    Signature: {}: {}",
            check.kind.words(),
            sanitise_line(&check.state.words())
        )?;
    }
    writeln!(
        out,
        "{}  [{}] {}: {}",
        sanitise_line(id),
        finding.severity.name(),
        finding.status.label(),
        sanitise_line(&finding.title)
    )?;
    writeln!(
        out,
        "    Treatment: {}",
        sanitise_line(&findings::treatment_summary(finding, today))
    )?;
    let (evaluation, _) = findings::evaluate(assessment, catalogue);
    if findings::needs_escalation(finding, catalogue, &evaluation) {
        writeln!(
            out,
            "    ESCALATE ({}): a risk acceptance on a MUST obligation of an OFFICIAL-SENSITIVE system; escalate it (secassess finding escalate {file} {} --to \"NAME <EMAIL>\" --role ROLE)",
            findings::ESCALATION_POLICY,
            sanitise_line(id)
        )?;
    }
    let gate = findings::gate(assessment, catalogue, today);
    for blocker in gate
        .blockers
        .iter()
        .filter(|b| finding.obligations.contains(&b.obligation))
    {
        writeln!(
            out,
            "    Still blocks `secassess check`: {}: {}",
            blocker.obligation,
            sanitise_line(&blocker.reason)
        )?;
    }
    Ok(())
}

fn line(what: &'static str, value: &str) -> Result<(), CliError> {
    Ok(check_text(what, value, MAX_LINE_CHARS, false)?)
}

fn text(what: &'static str, value: &str) -> Result<(), CliError> {
    Ok(check_text(what, value, MAX_TEXT_CHARS, true)?)
}

/// "Name <email>" with a role, checked like any identity.
fn person(signature: &str, role: &str, flag: &str) -> Result<Person, CliError> {
    let mut person = parse_signature(signature, flag)?;
    person.role = role.trim().to_string();
    line("--role", &person.role)?;
    Ok(person)
}

/// A link when it looks like one, otherwise a title (a document, a ticket number).
fn evidence_ref(text: &str) -> EvidenceRef {
    let text = text.trim();
    let is_link = ["https://", "http://", "file://"]
        .iter()
        .any(|p| text.to_ascii_lowercase().starts_with(p));
    EvidenceRef {
        title: text.to_string(),
        link: is_link.then(|| text.to_string()),
        ..EvidenceRef::default()
    }
}
