//! The findings register against a small questionnaire written for these tests, so each
//! rule is exercised by exactly the obligation that shows it: a MUST that always applies
//! (`use-mfa`), a SHOULD (`patch-monthly`), a MUST that needs the Cyber Security team's
//! pre-approval (`shared-exception`) and a MUST that applies only to OFFICIAL-SENSITIVE
//! systems (`sensitive-logging`). The profile questions are the real ones.

use chrono::{Days, TimeZone};
use proptest::prelude::*;

use chrono::{DateTime, NaiveDate, Utc};

use super::*;
use crate::assessment::record::{
    Assessment, ExceptionApproval, Finding, FindingStatus, MitigationPlan, Person, RiskAcceptance,
    Severity, System,
};
use crate::questionnaire::answer::parse_answer;
use crate::questionnaire::answer::EvidenceRef;
use crate::questionnaire::expr::Truth;
use crate::questionnaire::loader::{embedded_files, load_files, SourceFile};
use crate::questionnaire::model::{Catalogue, Level};
use crate::rules::{self, Evaluation, Status};

const TEST_QUESTIONNAIRE: &str = r#"
[questionnaire]
id = "findings-test"
version = "1.0.0"
title = "Findings test"
order = 10
summary = "Obligations for the findings register's tests."

[[sections]]
id = "ft"
title = "Test"

[[questions]]
id = "mfa"
section = "ft"
kind = "yes-no"
short = "MFA on accounts"
help = "Asked by the findings tests."
who_can_answer = "The technical lead"
prompt = "Do all accounts use multi-factor authentication?"
when_yes = "accounts use MFA"
when_no = "accounts do not use MFA"

[[questions]]
id = "patching"
section = "ft"
kind = "yes-no"
short = "monthly patching"
help = "Asked by the findings tests."
who_can_answer = "The technical lead"
prompt = "Are security patches applied every month?"
when_yes = "patches are applied monthly"
when_no = "patches are not applied monthly"

[[questions]]
id = "shared_ok"
section = "ft"
kind = "yes-no"
short = "approval of shared accounts"
help = "Asked by the findings tests."
who_can_answer = "The technical lead"
prompt = "Did the Cyber Security team approve the shared accounts in advance?"
ask_if = "shared_accounts == yes"
when_yes = "the shared accounts were approved"
when_no = "the shared accounts were not approved"

[[questions]]
id = "logging"
section = "ft"
kind = "yes-no"
short = "access logging"
help = "Asked by the findings tests."
who_can_answer = "The technical lead"
prompt = "Are access logs kept?"
when_yes = "access logs are kept"
when_no = "no access logs are kept"

[[obligations]]
id = "use-mfa"
level = "MUST"
title = "Use MFA on every account"
applies_if = "always"
met_if = "mfa == yes"
guidance = "Turn on MFA for every account."
[[obligations.sources]]
standard = "security"
section = "Base requirements"
quote = "Accounts MUST use MFA."

[[obligations]]
id = "patch-monthly"
level = "SHOULD"
title = "Patch every month"
applies_if = "always"
met_if = "patching == yes"
guidance = "Apply patches monthly."
[[obligations.sources]]
standard = "security"
section = "Base requirements"
quote = "Systems SHOULD be patched."

[[obligations]]
id = "shared-exception"
level = "MUST"
title = "Get shared accounts pre-approved"
applies_if = "shared_accounts == yes"
met_if = "shared_ok == yes"
requires_approval = "Cyber Security team"
guidance = "Ask the Cyber Security team first."
[[obligations.sources]]
standard = "security"
section = "Base requirements"
quote = "Exceptions MUST be pre-approved."

[[obligations]]
id = "sensitive-logging"
level = "MUST"
title = "Keep access logs for sensitive systems"
applies_if = "effective_classification >= official-sensitive"
met_if = "logging == yes"
guidance = "Keep access logs."
[[obligations.sources]]
standard = "security"
section = "Base requirements"
quote = "Sensitive systems MUST keep logs."
"#;

/// Everything met on a plain OFFICIAL system with no shared accounts.
const COMPLIANT: &[(&str, &str)] = &[
    ("classification", "official"),
    ("personal_data", "no"),
    ("commercially_sensitive", "no"),
    ("shared_accounts", "no"),
    ("mfa", "yes"),
    ("patching", "yes"),
    ("logging", "yes"),
];

fn catalogue() -> Catalogue {
    let mut files: Vec<SourceFile> = embedded_files()
        .into_iter()
        .filter(|f| f.name.ends_with("/standards.toml") || f.name.ends_with("/00-profile.toml"))
        .collect();
    files.push(SourceFile {
        name: "findings-test.toml".into(),
        text: TEST_QUESTIONNAIRE.into(),
    });
    load_files(files).unwrap_or_else(|e| panic!("the test questionnaire loads:\n{e}"))
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date")
}

/// The day the tests run on.
fn today() -> NaiveDate {
    date("2026-03-02")
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("a time")
}

fn lead() -> Person {
    Person {
        name: "Ann Lead".into(),
        role: "Project lead".into(),
        email: "ann@example.nhs.uk".into(),
    }
}

fn business_owner() -> Person {
    Person {
        name: "Pat Owner".into(),
        role: "Business owner".into(),
        email: "pat@example.nhs.uk".into(),
    }
}

struct Fixture {
    catalogue: Catalogue,
    assessment: Assessment,
    who: Person,
}

impl Fixture {
    /// The compliant answers with `changes` on top.
    fn new(changes: &[(&str, &str)]) -> Fixture {
        let catalogue = catalogue();
        let who = lead();
        let assessment = Assessment::new(System::default(), who.clone(), &catalogue, now());
        let mut fixture = Fixture {
            catalogue,
            assessment,
            who,
        };
        for (id, value) in COMPLIANT.iter().chain(changes) {
            fixture.answer(id, value);
        }
        fixture
    }

    fn answer(&mut self, id: &str, value: &str) {
        let question = self.catalogue.question(id).expect("a question").clone();
        let value = parse_answer(&question, value).expect("a valid answer");
        self.assessment
            .set_answer(&question, &value, &self.who, now())
            .expect("answer recorded");
    }

    fn unanswer(&mut self, id: &str) {
        self.assessment.answers.remove(id);
    }

    fn raise(&mut self, obligation: &str) -> String {
        let actor = Actor {
            who: &self.who,
            now: now(),
            today: today(),
        };
        create_from_obligation(
            &mut self.assessment,
            &self.catalogue,
            obligation,
            "Sam Tech",
            &actor,
        )
        .expect("finding raised")
    }

    fn plan(&mut self, id: &str, owner: &str, target: &str) -> Result<(), FindingError> {
        let actor = Actor {
            who: &self.who,
            now: now(),
            today: today(),
        };
        set_mitigation_plan(
            &mut self.assessment,
            &self.catalogue,
            id,
            MitigationPlan {
                actions: "Turn on MFA in the identity provider".into(),
                owner: owner.into(),
                target_date: date(target),
                completed_on: None,
                evidence: None,
            },
            &actor,
        )
    }

    fn accept(&mut self, id: &str, on: &str, review: &str) -> Result<(), FindingError> {
        let actor = Actor {
            who: &self.who,
            now: now(),
            today: today(),
        };
        accept_risk(
            &mut self.assessment,
            &self.catalogue,
            id,
            acceptance(on, review),
            &actor,
        )
    }

    fn approve(&mut self, id: &str) -> Result<(), FindingError> {
        let actor = Actor {
            who: &self.who,
            now: now(),
            today: today(),
        };
        record_exception(
            &mut self.assessment,
            &self.catalogue,
            id,
            ExceptionApproval {
                signature: None,
                approved_by: Person {
                    name: "Cy Security".into(),
                    role: "Cyber Security team".into(),
                    email: "cyber@example.nhs.uk".into(),
                },
                reference: "CS-2026-014".into(),
                approved_on: date("2026-02-20"),
            },
            &actor,
        )
    }

    fn gate(&self, on: NaiveDate) -> GateReport {
        gate(&self.assessment, &self.catalogue, on)
    }

    fn evaluation(&self) -> Evaluation {
        evaluate(&self.assessment, &self.catalogue).0
    }

    fn standing(&self, obligation: &str, on: NaiveDate) -> Standing {
        let evaluation = self.evaluation();
        let problems = check_consistency(&self.assessment, &self.catalogue);
        standings(
            &self.assessment.findings,
            &problems,
            &self.catalogue,
            &evaluation,
            on,
        )
        .into_iter()
        .find(|s| s.obligation == obligation)
        .expect("a standing")
    }

    fn finding(&self, id: &str) -> &Finding {
        self.assessment
            .findings
            .iter()
            .find(|f| f.id == id)
            .expect("the finding")
    }

    fn finding_mut(&mut self, id: &str) -> &mut Finding {
        self.assessment
            .findings
            .iter_mut()
            .find(|f| f.id == id)
            .expect("the finding")
    }

    fn problems(&self) -> Vec<ConsistencyProblem> {
        check_consistency(&self.assessment, &self.catalogue)
    }
}

fn acceptance(on: &str, review: &str) -> RiskAcceptance {
    RiskAcceptance {
        signature: None,
        accepted_by: business_owner(),
        accepted_on: date(on),
        rationale: "Only two internal users; MFA arrives with the next release.".into(),
        review_date: date(review),
    }
}

fn evidence(title: &str) -> EvidenceRef {
    EvidenceRef {
        title: title.into(),
        ..EvidenceRef::default()
    }
}

fn blocker_ids(report: &GateReport) -> Vec<&str> {
    report
        .blockers
        .iter()
        .map(|b| b.obligation.as_str())
        .collect()
}

fn hand_finding(id: &str, obligations: &[&str]) -> Finding {
    Finding {
        id: id.into(),
        title: "Typed in by hand".into(),
        obligations: obligations.iter().map(|o| o.to_string()).collect(),
        questions: Vec::new(),
        description: String::new(),
        severity: Severity::High,
        owner: "Sam Tech".into(),
        status: FindingStatus::Open,
        raised_by: "Ann Lead".into(),
        raised_at: now(),
        updated_at: now(),
        mitigation: None,
        acceptance: None,
        exception: None,
    }
}

// ------------------------------------------------------------------ gaps and findings

#[test]
fn every_applicable_unmet_must_and_should_is_a_gap_until_a_finding_links_it() {
    let mut f = Fixture::new(&[("mfa", "no"), ("patching", "no")]);
    let evaluation = f.evaluation();
    let gaps: Vec<&str> = gaps_without_finding(&f.assessment.findings, &evaluation)
        .iter()
        .map(|o| o.id.as_str())
        .collect();
    assert_eq!(gaps, ["use-mfa", "patch-monthly"]);

    let id = f.raise("use-mfa");
    let evaluation = f.evaluation();
    let gaps: Vec<&str> = gaps_without_finding(&f.assessment.findings, &evaluation)
        .iter()
        .map(|o| o.id.as_str())
        .collect();
    assert_eq!(gaps, ["patch-monthly"]);
    assert_eq!(id, "F-001");
}

#[test]
fn met_and_not_applicable_obligations_are_not_gaps() {
    let f = Fixture::new(&[]);
    let evaluation = f.evaluation();
    assert!(gaps_without_finding(&f.assessment.findings, &evaluation).is_empty());
}

#[test]
fn a_finding_raised_from_an_obligation_is_prefilled_and_audited() {
    let mut f = Fixture::new(&[("mfa", "no")]);
    let id = f.raise("use-mfa");
    let finding = f.finding(&id).clone();
    assert_eq!(finding.title, "Use MFA on every account");
    assert_eq!(finding.obligations, ["use-mfa"]);
    assert_eq!(finding.questions, ["mfa"]);
    assert_eq!(finding.severity, Severity::High);
    assert_eq!(finding.status, FindingStatus::Open);
    assert_eq!(finding.owner, "Sam Tech");
    assert_eq!(finding.raised_by, "Ann Lead <ann@example.nhs.uk>");
    assert!(
        finding.description.contains("accounts do not use MFA"),
        "{}",
        finding.description
    );
    assert!(finding
        .description
        .contains("What to do: Turn on MFA for every account."));
    let entry = f.assessment.audit.last().expect("an audit entry");
    assert_eq!(entry.action, "finding-created");
    assert_eq!(entry.subject, id);
    assert_eq!(entry.pin, finding_hash(&finding));
    assert!(f.problems().is_empty(), "{:?}", f.problems());
}

#[test]
fn a_should_obligation_suggests_medium_severity() {
    let f = Fixture::new(&[("patching", "no")]);
    let draft =
        draft_from_obligation(&f.catalogue, &f.evaluation(), "patch-monthly").expect("a draft");
    assert_eq!(draft.severity, Severity::Medium);
    assert_eq!(suggested_severity(Level::May), Severity::Low);
}

#[test]
fn a_hand_raised_issue_needs_a_title_and_known_links() {
    let mut f = Fixture::new(&[]);
    let actor_who = f.who.clone();
    let actor = Actor {
        who: &actor_who,
        now: now(),
        today: today(),
    };
    let new = |title: &str, obligations: Vec<String>| NewFinding {
        title: title.into(),
        obligations,
        questions: Vec::new(),
        description: "The supplier's support desk can reset passwords by phone.".into(),
        severity: Severity::Medium,
        owner: String::new(),
    };
    let id = create_finding(
        &mut f.assessment,
        &f.catalogue,
        new("Password resets by phone", vec![]),
        &actor,
    )
    .expect("a hand-raised finding");
    assert_eq!(id, "F-001");
    assert!(f.finding(&id).obligations.is_empty());

    let blank = create_finding(&mut f.assessment, &f.catalogue, new("  ", vec![]), &actor);
    assert!(
        matches!(&blank, Err(FindingError::Inconsistent { problems, .. }) if problems[0].field == "title"),
        "{blank:?}"
    );
    let unknown = create_finding(
        &mut f.assessment,
        &f.catalogue,
        new("Links nowhere", vec!["no-such-obligation".into()]),
        &actor,
    );
    assert!(
        matches!(&unknown, Err(FindingError::Inconsistent { problems, .. }) if problems[0].field == "obligations"),
        "{unknown:?}"
    );
    assert_eq!(
        f.assessment.findings.len(),
        1,
        "refused findings are not added"
    );
    assert!(matches!(
        draft_from_obligation(&f.catalogue, &f.evaluation(), "no-such-obligation"),
        Err(FindingError::UnknownObligation { .. })
    ));
}

// ------------------------------------------------------------------ ids

#[test]
fn ids_count_up_from_the_highest_in_use() {
    let mut f = Fixture::new(&[("mfa", "no"), ("patching", "no")]);
    assert_eq!(next_id(&f.assessment), "F-001");
    f.raise("use-mfa");
    f.raise("patch-monthly");
    assert_eq!(next_id(&f.assessment), "F-003");
    f.assessment.findings.push(hand_finding("F-041", &[]));
    f.assessment.findings.push(hand_finding("F-+99", &[]));
    f.assessment.findings.push(hand_finding("risk-7", &[]));
    assert_eq!(next_id(&f.assessment), "F-042");
}

#[test]
fn the_id_of_a_finding_deleted_by_hand_is_never_reused() {
    let mut f = Fixture::new(&[("mfa", "no"), ("patching", "no")]);
    f.raise("use-mfa");
    let second = f.raise("patch-monthly");
    f.assessment.findings.retain(|x| x.id != second);
    assert_eq!(next_id(&f.assessment), "F-003");
}

#[test]
fn duplicate_ids_are_reported_and_refused() {
    let mut f = Fixture::new(&[("mfa", "no")]);
    let id = f.raise("use-mfa");
    let copy = f.finding(&id).clone();
    f.assessment.findings.push(copy);
    let problems = f.problems();
    assert!(
        problems
            .iter()
            .any(|p| p.problem.contains("2 findings have the id F-001")),
        "{problems:?}"
    );
    assert!(matches!(
        f.plan(&id, "Sam Tech", "2026-06-30"),
        Err(FindingError::DuplicateId { count: 2, .. })
    ));
    assert!(matches!(
        f.plan("F-404", "Sam Tech", "2026-06-30"),
        Err(FindingError::NoSuchFinding { .. })
    ));
}

// ------------------------------------------------------------------ mitigation

#[test]
fn a_mitigation_plan_with_an_owner_and_a_future_target_treats_a_must() {
    let mut f = Fixture::new(&[("mfa", "no")]);
    assert_eq!(blocker_ids(&f.gate(today())), ["use-mfa"]);
    let id = f.raise("use-mfa");
    let report = f.gate(today());
    assert!(!report.passed);
    assert!(
        report.blockers[0]
            .reason
            .contains("no mitigation plan or risk acceptance"),
        "{:?}",
        report.blockers
    );

    f.plan(&id, "Sam Tech", "2026-06-30")
        .expect("plan recorded");
    assert_eq!(f.finding(&id).status, FindingStatus::MitigationPlanned);
    let report = f.gate(today());
    assert!(report.passed, "{:?}", report.blockers);
    assert_eq!((report.must, report.met, report.treated), (1, 0, 1));
    let standing = f.standing("use-mfa", today());
    assert_eq!(
        standing.status,
        Status::NotMet,
        "a plan does not make it met"
    );
    assert!(
        standing
            .summary
            .starts_with("not met — mitigation planned by Sam Tech, target date 2026-06-30"),
        "{}",
        standing.summary
    );
    // The target date itself has not passed yet; the day after, it has.
    assert!(f.gate(date("2026-06-30")).passed);
    let late = f.gate(date("2026-07-01"));
    assert!(!late.passed);
    assert!(
        late.blockers[0]
            .reason
            .contains("the mitigation target date 2026-06-30 of F-001 has passed"),
        "{:?}",
        late.blockers
    );
    assert!(
        late.warnings
            .iter()
            .any(|w| w == "F-001: mitigation target date 2026-06-30 passed 1 day ago"),
        "{:?}",
        late.warnings
    );
}

#[test]
fn a_plan_needs_an_owner_and_a_target_not_already_passed() {
    let mut f = Fixture::new(&[("mfa", "no")]);
    let id = f.raise("use-mfa");
    let past = f.plan(&id, "Sam Tech", "2026-03-01");
    assert!(
        matches!(&past, Err(FindingError::Invalid { problem, .. }) if problem.contains("has already passed")),
        "{past:?}"
    );
    let ownerless = f.plan(&id, "  ", "2026-06-30");
    assert!(
        matches!(&ownerless, Err(FindingError::Inconsistent { problems, .. }) if problems.iter().any(|p| p.field == "mitigation.owner")),
        "{ownerless:?}"
    );
    assert_eq!(
        f.finding(&id).status,
        FindingStatus::Open,
        "nothing changed"
    );
    assert!(
        f.plan(&id, "Sam Tech", "2026-03-02").is_ok(),
        "today is allowed"
    );
}

#[test]
fn completing_a_plan_needs_evidence_and_then_it_is_mitigated() {
    let mut f = Fixture::new(&[("mfa", "no")]);
    let id = f.raise("use-mfa");
    let who = f.who.clone();
    let actor = Actor {
        who: &who,
        now: now(),
        today: today(),
    };
    let without_plan = complete_mitigation(
        &mut f.assessment,
        &f.catalogue,
        &id,
        today(),
        evidence("ticket"),
        &actor,
    );
    assert!(matches!(without_plan, Err(FindingError::Invalid { .. })));
    f.plan(&id, "Sam Tech", "2026-06-30").expect("plan");
    let no_evidence = complete_mitigation(
        &mut f.assessment,
        &f.catalogue,
        &id,
        today(),
        evidence("  "),
        &actor,
    );
    assert!(
        matches!(&no_evidence, Err(FindingError::Invalid { problem, .. }) if problem.contains("no evidence")),
        "{no_evidence:?}"
    );
    let future = complete_mitigation(
        &mut f.assessment,
        &f.catalogue,
        &id,
        date("2026-03-03"),
        evidence("CHG-1"),
        &actor,
    );
    assert!(matches!(future, Err(FindingError::Invalid { .. })));
    complete_mitigation(
        &mut f.assessment,
        &f.catalogue,
        &id,
        today(),
        evidence("Change CHG-1042: MFA enforced"),
        &actor,
    )
    .expect("completed");
    let finding = f.finding(&id);
    assert_eq!(finding.status, FindingStatus::Mitigated);
    // A completed plan is no longer overdue, however late it is checked.
    let years_later = date("2030-01-01");
    assert!(overdue(finding, years_later).is_empty());
    assert!(f.gate(years_later).passed);
    assert!(treatment_summary(finding, today()).starts_with("mitigated by Sam Tech on 2026-03-02"));
}

// ------------------------------------------------------------------ risk acceptance

#[test]
fn a_risk_acceptance_treats_a_must_but_never_makes_it_met() {
    let mut f = Fixture::new(&[("mfa", "no")]);
    let id = f.raise("use-mfa");
    f.accept(&id, "2026-03-01", "2027-03-01").expect("accepted");
    assert_eq!(f.finding(&id).status, FindingStatus::RiskAccepted);
    let evaluation = f.evaluation();
    assert_eq!(
        evaluation.obligation("use-mfa").map(|o| o.status),
        Some(Status::NotMet)
    );
    let standing = f.standing("use-mfa", today());
    assert_eq!(standing.status, Status::NotMet);
    assert!(
        standing
            .summary
            .starts_with("not met — risk accepted by Pat Owner on 2026-03-01"),
        "{}",
        standing.summary
    );
    assert!(standing.summary.ends_with("review due 2027-03-01 (F-001)"));
    let report = f.gate(today());
    assert!(report.passed, "{:?}", report.blockers);
    assert_eq!(report.met, 0);
    assert_eq!(report.treated, 1);
}

#[test]
fn an_acceptance_past_its_review_date_no_longer_counts_and_is_overdue() {
    let mut f = Fixture::new(&[("mfa", "no")]);
    let id = f.raise("use-mfa");
    f.accept(&id, "2026-03-01", "2026-09-01").expect("accepted");
    assert!(f.gate(date("2026-09-01")).passed);
    let late = f.gate(date("2026-09-11"));
    assert!(!late.passed);
    assert!(
        late.blockers[0].reason.contains("review date 2026-09-01"),
        "{:?}",
        late.blockers
    );
    assert!(late
        .warnings
        .iter()
        .any(|w| w == "F-001: risk acceptance review date 2026-09-01 passed 10 days ago"));
    let standing = f.standing("use-mfa", date("2026-09-11"));
    assert!(
        standing.summary.contains("review overdue since 2026-09-01"),
        "{}",
        standing.summary
    );
}

#[test]
fn an_acceptance_needs_a_role_a_rationale_and_a_future_review_date() {
    let mut f = Fixture::new(&[("mfa", "no")]);
    let id = f.raise("use-mfa");
    assert!(matches!(
        f.accept(&id, "2026-03-01", "2026-03-02"),
        Err(FindingError::Invalid { .. })
    ));
    assert!(matches!(
        f.accept(&id, "2026-03-03", "2027-03-03"),
        Err(FindingError::Invalid { .. })
    ));
    let who = f.who.clone();
    let actor = Actor {
        who: &who,
        now: now(),
        today: today(),
    };
    let mut roleless = acceptance("2026-03-01", "2027-03-01");
    roleless.accepted_by.role = String::new();
    roleless.rationale = " ".into();
    let refused = accept_risk(&mut f.assessment, &f.catalogue, &id, roleless, &actor);
    let Err(FindingError::Inconsistent { problems, .. }) = refused else {
        panic!("refused: {refused:?}");
    };
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        ["acceptance.accepted_by.role", "acceptance.rationale"]
    );
    assert_eq!(f.finding(&id).status, FindingStatus::Open);
}

// ------------------------------------------------------------------ escalation

#[test]
fn accepting_a_must_on_an_official_sensitive_system_is_flagged_for_escalation() {
    let mut f = Fixture::new(&[("mfa", "no"), ("patching", "no"), ("personal_data", "yes")]);
    let must = f.raise("use-mfa");
    let should = f.raise("patch-monthly");
    f.accept(&must, "2026-03-01", "2027-03-01")
        .expect("accepted");
    f.accept(&should, "2026-03-01", "2027-03-01")
        .expect("accepted");
    let evaluation = f.evaluation();
    assert!(is_sensitive(&f.catalogue, &evaluation));
    assert!(needs_escalation(
        f.finding(&must),
        &f.catalogue,
        &evaluation
    ));
    assert!(
        !needs_escalation(f.finding(&should), &f.catalogue, &evaluation),
        "a SHOULD is not flagged"
    );
    let report = f.gate(today());
    let flagged: Vec<&String> = report
        .warnings
        .iter()
        .filter(|w| w.contains("flagged for escalation"))
        .collect();
    assert_eq!(flagged.len(), 1, "{:?}", report.warnings);
    assert!(flagged[0].starts_with("F-001:"));
    let standing = f.standing("use-mfa", today());
    assert!(standing.treatment.expect("treated").needs_escalation);

    let who = f.who.clone();
    let actor = Actor {
        who: &who,
        now: now(),
        today: today(),
    };
    let dee = Person {
        name: "Dee Director".into(),
        role: "Directorate risk owner".into(),
        email: "dee@example.org".into(),
    };
    escalate(&mut f.assessment, &f.catalogue, &must, &dee, &actor).expect("escalated");
    let finding = f.finding(&must);
    assert_eq!(finding.status, FindingStatus::Escalated);
    assert_eq!(
        finding.owner,
        "Dee Director <dee@example.org> (Directorate risk owner)"
    );
    assert!(!needs_escalation(finding, &f.catalogue, &f.evaluation()));
    let report = f.gate(today());
    assert!(
        report.passed,
        "the acceptance still stands: {:?}",
        report.blockers
    );
    assert!(!report.warnings.iter().any(|w| w.contains("escalation")));
}

#[test]
fn the_same_acceptance_on_an_official_system_is_not_flagged() {
    let mut f = Fixture::new(&[("mfa", "no")]);
    let id = f.raise("use-mfa");
    f.accept(&id, "2026-03-01", "2027-03-01").expect("accepted");
    assert!(!is_sensitive(&f.catalogue, &f.evaluation()));
    assert!(!needs_escalation(
        f.finding(&id),
        &f.catalogue,
        &f.evaluation()
    ));
    assert!(!f
        .gate(today())
        .warnings
        .iter()
        .any(|w| w.contains("escalation")));
}

#[test]
fn escalating_says_to_whom_name_and_role_and_never_to_oneself() {
    let mut f = Fixture::new(&[("mfa", "no")]);
    let id = f.raise("use-mfa");
    let who = f.who.clone();
    let actor = Actor {
        who: &who,
        now: now(),
        today: today(),
    };
    let before = f.assessment.clone();
    let nobody = Person::default();
    let no_role = Person {
        name: "Dee Director".into(),
        ..Person::default()
    };
    let me = Person {
        name: "Someone Else".into(),
        role: "Risk owner".into(),
        email: who.email.to_uppercase(),
    };
    for to in [&nobody, &no_role, &me] {
        let refused = escalate(&mut f.assessment, &f.catalogue, &id, to, &actor);
        assert!(
            matches!(&refused, Err(FindingError::Invalid { .. })),
            "{refused:?}"
        );
    }
    assert_eq!(f.assessment, before, "a refusal changes nothing");
    let dee = Person {
        name: "Dee Director".into(),
        role: "Organisation risk owner".into(),
        email: String::new(),
    };
    escalate(&mut f.assessment, &f.catalogue, &id, &dee, &actor).expect("escalated");
    assert_eq!(
        f.finding(&id).owner,
        "Dee Director (Organisation risk owner)"
    );
    let report = f.gate(today());
    assert!(
        report.blockers[0].reason.contains(
            "escalated to Dee Director (Organisation risk owner) with no decision recorded yet"
        ),
        "{:?}",
        report.blockers
    );
    // The audit entry records to whom.
    let last = f.assessment.audit.last().expect("an entry");
    assert!(
        last.new.contains("Dee Director (Organisation risk owner)"),
        "{}",
        last.new
    );
}

#[test]
fn a_finding_whose_obligation_no_longer_applies_is_flagged_with_a_suggestion_to_close_it() {
    let mut f = Fixture::new(&[("mfa", "no")]);
    let id = f.raise("use-mfa");
    assert_eq!(no_longer_applies(f.finding(&id), &f.evaluation()), None);
    let mut evaluation = f.evaluation();
    for o in &mut evaluation.obligations {
        if o.id == "use-mfa" {
            o.applies = Truth::False;
            o.reasons = vec!["Does not apply because the system has no accounts.".into()];
        }
    }
    let why = no_longer_applies(f.finding(&id), &evaluation).expect("flagged");
    assert!(
        why.contains("use-mfa (does not apply because the system has no accounts)"),
        "{why}"
    );
    assert!(
        why.contains(&format!("secassess finding close FILE {id}")),
        "{why}"
    );
}

// ------------------------------------------------------------------ pre-approval

#[test]
fn an_obligation_needing_pre_approval_is_never_met_without_a_recorded_exception() {
    let mut f = Fixture::new(&[("shared_accounts", "yes"), ("shared_ok", "yes")]);
    // The answers alone say it is met; that is what must not be shown.
    let (answers, _) = f.assessment.typed_answers(&f.catalogue);
    let raw = rules::evaluate(&f.catalogue, &answers);
    assert_eq!(
        raw.obligation("shared-exception").map(|o| o.status),
        Some(Status::Met)
    );
    let evaluation = f.evaluation();
    let shown = evaluation.obligation("shared-exception").expect("present");
    assert_eq!(shown.status, Status::NotMet);
    assert!(
        shown
            .reasons
            .iter()
            .any(|r| r.contains("the approval by the Cyber Security team is not recorded")),
        "{:?}",
        shown.reasons
    );
    let report = f.gate(today());
    assert_eq!(blocker_ids(&report), ["shared-exception"]);
    assert!(report.blockers[0]
        .reason
        .contains("approval by the Cyber Security team not recorded"));

    let id = f.raise("shared-exception");
    f.approve(&id).expect("approval recorded");
    let evaluation = f.evaluation();
    assert_eq!(
        evaluation.obligation("shared-exception").map(|o| o.status),
        Some(Status::Met)
    );
    assert!(f.gate(today()).passed);
}

#[test]
fn an_approved_exception_treats_a_pre_approval_obligation_the_answers_say_is_unmet() {
    let mut f = Fixture::new(&[("shared_accounts", "yes"), ("shared_ok", "no")]);
    let id = f.raise("shared-exception");
    f.approve(&id).expect("approval recorded");
    let report = f.gate(today());
    assert!(report.passed, "{:?}", report.blockers);
    let standing = f.standing("shared-exception", today());
    assert!(
        standing
            .summary
            .contains("exception approved by Cy Security on 2026-02-20, reference CS-2026-014"),
        "{}",
        standing.summary
    );
}

#[test]
fn a_risk_acceptance_is_not_enough_where_pre_approval_is_required() {
    let mut f = Fixture::new(&[("shared_accounts", "yes"), ("shared_ok", "no")]);
    let id = f.raise("shared-exception");
    f.accept(&id, "2026-03-01", "2027-03-01").expect("accepted");
    let report = f.gate(today());
    assert_eq!(blocker_ids(&report), ["shared-exception"]);
    assert!(
        report.blockers[0]
            .reason
            .contains("so a risk acceptance does not treat it"),
        "{:?}",
        report.blockers
    );
}

#[test]
fn an_exception_must_be_for_an_obligation_that_needs_pre_approval() {
    let mut f = Fixture::new(&[("mfa", "no")]);
    let id = f.raise("use-mfa");
    let refused = f.approve(&id);
    assert!(
        matches!(&refused, Err(FindingError::Inconsistent { problems, .. }) if problems[0].field == "exception"),
        "{refused:?}"
    );
    assert!(f.finding(&id).exception.is_none());
}

#[test]
fn an_exception_typed_into_the_file_by_hand_shows_nothing_as_met() {
    let mut f = Fixture::new(&[("shared_accounts", "yes"), ("shared_ok", "yes")]);
    let id = f.raise("shared-exception");
    f.finding_mut(&id).exception = Some(ExceptionApproval {
        signature: None,
        approved_by: business_owner(),
        reference: "made-up".into(),
        approved_on: today(),
    });
    let evaluation = f.evaluation();
    assert_eq!(
        evaluation.obligation("shared-exception").map(|o| o.status),
        Some(Status::NotMet)
    );
    let report = f.gate(today());
    assert_eq!(blocker_ids(&report), ["shared-exception"]);
    assert!(report
        .problems
        .iter()
        .any(|p| p.finding == id && p.problem.contains("changed outside secassess")));
}

// ------------------------------------------------------------------ consistency

#[test]
fn an_edit_outside_secassess_is_detected_refused_and_can_be_acknowledged() {
    let mut f = Fixture::new(&[("mfa", "no")]);
    let id = f.raise("use-mfa");
    f.accept(&id, "2026-03-01", "2027-03-01").expect("accepted");
    assert!(f.problems().is_empty());
    assert!(f.gate(today()).passed);

    // Someone moves the review date in a text editor.
    if let Some(a) = f.finding_mut(&id).acceptance.as_mut() {
        a.review_date = date("2030-01-01");
    }
    let problems = f.problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].finding, id);
    assert!(problems[0]
        .problem
        .contains("changed outside secassess after its last recorded change"));
    let report = f.gate(today());
    assert!(!report.passed, "a tampered finding treats nothing");
    assert!(report.blockers[0].reason.contains("consistency problems"));
    let refused = f.plan(&id, "Sam Tech", "2026-06-30");
    assert!(
        matches!(&refused, Err(FindingError::ChangedOutside { id: x }) if *x == id),
        "{refused:?}"
    );

    let who = f.who.clone();
    let actor = Actor {
        who: &who,
        now: now(),
        today: today(),
    };
    assert_eq!(
        acknowledge_outside_edit(&mut f.assessment, &id, &actor),
        Ok(true)
    );
    assert_eq!(
        acknowledge_outside_edit(&mut f.assessment, &id, &actor),
        Ok(false),
        "nothing more to acknowledge"
    );
    let entry = f.assessment.audit.last().expect("entry");
    assert_eq!(entry.old, "(changed outside secassess)");
    assert!(entry.new.contains("review 2030-01-01"), "{}", entry.new);
    assert!(f.problems().is_empty());
    assert!(f.plan(&id, "Sam Tech", "2026-06-30").is_ok());
}

#[test]
fn a_finding_added_by_hand_is_reported_until_acknowledged() {
    let mut f = Fixture::new(&[("mfa", "no")]);
    f.assessment
        .findings
        .push(hand_finding("F-001", &["use-mfa"]));
    let problems = f.problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].problem.contains("added outside secassess"));
    let who = f.who.clone();
    let actor = Actor {
        who: &who,
        now: now(),
        today: today(),
    };
    acknowledge_outside_edit(&mut f.assessment, "F-001", &actor).expect("acknowledged");
    assert!(f.problems().is_empty());
}

#[test]
fn a_finding_deleted_by_hand_is_reported_until_acknowledged() {
    let mut f = Fixture::new(&[("mfa", "no")]);
    let id = f.raise("use-mfa");
    f.accept(&id, "2026-03-01", "2027-03-01").expect("accepted");
    f.assessment.findings.clear();
    let problems = f.problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].finding, id);
    assert!(problems[0].problem.contains("deleted outside secassess"));
    assert!(!f.gate(today()).passed, "the gap is back");

    let who = f.who.clone();
    let actor = Actor {
        who: &who,
        now: now(),
        today: today(),
    };
    assert_eq!(
        acknowledge_outside_edit(&mut f.assessment, &id, &actor),
        Ok(true)
    );
    assert!(f.problems().is_empty());
    assert_eq!(
        f.assessment.audit.last().map(|e| e.pin.as_str()),
        Some(DELETED_PIN)
    );
    assert!(matches!(
        acknowledge_outside_edit(&mut f.assessment, "F-404", &actor),
        Err(FindingError::NoSuchFinding { .. })
    ));
}

/// Makes `finding` say what a text editor made it say, acknowledged, so only the rule
/// under test is reported.
fn edit_and_acknowledge(f: &mut Fixture, id: &str, edit: impl FnOnce(&mut Finding)) {
    edit(f.finding_mut(id));
    let who = f.who.clone();
    let actor = Actor {
        who: &who,
        now: now(),
        today: today(),
    };
    acknowledge_outside_edit(&mut f.assessment, id, &actor).expect("acknowledged");
}

#[test]
fn each_status_needs_the_record_that_supports_it() {
    let cases: [(FindingStatus, &str); 4] = [
        (FindingStatus::RiskAccepted, "acceptance"),
        (FindingStatus::MitigationPlanned, "mitigation"),
        (FindingStatus::Mitigated, "mitigation"),
        (FindingStatus::Escalated, "owner"),
    ];
    for (status, field) in cases {
        let mut f = Fixture::new(&[("mfa", "no")]);
        let id = f.raise("use-mfa");
        edit_and_acknowledge(&mut f, &id, |x| {
            x.status = status;
            x.owner = String::new();
        });
        let problems = f.problems();
        assert_eq!(
            problems
                .iter()
                .map(|p| p.field.as_str())
                .collect::<Vec<_>>(),
            [field],
            "{status:?}: {problems:?}"
        );
        assert!(!problems[0].fix.is_empty());
        let report = f.gate(today());
        assert!(
            !report.passed,
            "{status:?} without its record treats nothing"
        );
    }
}

#[test]
fn a_mitigated_finding_needs_evidence_and_a_completion_date() {
    let mut f = Fixture::new(&[("mfa", "no")]);
    let id = f.raise("use-mfa");
    f.plan(&id, "Sam Tech", "2026-06-30").expect("plan");
    edit_and_acknowledge(&mut f, &id, |x| x.status = FindingStatus::Mitigated);
    let fields: Vec<String> = f.problems().into_iter().map(|p| p.field).collect();
    assert_eq!(
        fields,
        ["mitigation.evidence", "mitigation.completed_on"],
        "mitigated without evidence or completion date"
    );
    assert!(!f.gate(today()).passed);
}

#[test]
fn a_half_recorded_acceptance_treats_nothing() {
    let mut f = Fixture::new(&[("mfa", "no")]);
    let id = f.raise("use-mfa");
    f.accept(&id, "2026-03-01", "2027-03-01").expect("accepted");
    edit_and_acknowledge(&mut f, &id, |x| {
        if let Some(a) = x.acceptance.as_mut() {
            a.accepted_by.name = String::new();
            a.review_date = a.accepted_on;
        }
    });
    let fields: Vec<String> = f.problems().into_iter().map(|p| p.field).collect();
    assert_eq!(
        fields,
        ["acceptance.accepted_by.name", "acceptance.review_date"]
    );
    let report = f.gate(today());
    assert!(!report.passed);
    assert_eq!(report.problems.len(), 2);
}

#[test]
fn a_finding_cannot_be_closed_while_its_obligation_is_unmet() {
    let mut f = Fixture::new(&[("mfa", "no")]);
    let id = f.raise("use-mfa");
    let who = f.who.clone();
    let actor = Actor {
        who: &who,
        now: now(),
        today: today(),
    };
    let refused = set_status(
        &mut f.assessment,
        &f.catalogue,
        &id,
        FindingStatus::Closed,
        &actor,
    );
    assert!(
        matches!(&refused, Err(FindingError::Inconsistent { problems, .. }) if problems[0].problem.contains("still not met")),
        "{refused:?}"
    );
    f.answer("mfa", "yes");
    set_status(
        &mut f.assessment,
        &f.catalogue,
        &id,
        FindingStatus::Closed,
        &actor,
    )
    .expect("closed once met");
    assert_eq!(f.finding(&id).status, FindingStatus::Closed);
    assert!(f.gate(today()).passed);
    let refused = set_status(
        &mut f.assessment,
        &f.catalogue,
        &id,
        FindingStatus::RiskAccepted,
        &actor,
    );
    assert!(matches!(refused, Err(FindingError::Inconsistent { .. })));
}

#[test]
fn a_change_that_says_nothing_new_records_nothing() {
    let mut f = Fixture::new(&[("mfa", "no")]);
    let id = f.raise("use-mfa");
    f.plan(&id, "Sam Tech", "2026-06-30").expect("plan");
    let entries = f.assessment.audit.len();
    f.plan(&id, "Sam Tech", "2026-06-30").expect("same plan");
    assert_eq!(f.assessment.audit.len(), entries);
    let entry = f.assessment.audit.last().expect("entry");
    assert_eq!(entry.action, "finding-changed");
    assert!(entry.old.contains("status: open"), "{}", entry.old);
    assert!(
        entry.new.contains("status: mitigation planned"),
        "{}",
        entry.new
    );
}

// ------------------------------------------------------------------ the gate

#[test]
fn the_gate_passes_when_every_applicable_must_is_met() {
    let f = Fixture::new(&[]);
    let report = f.gate(today());
    assert!(report.passed, "{:?}", report.blockers);
    assert_eq!((report.must, report.met, report.treated), (1, 1, 0));
    assert!(report.warnings.is_empty() && report.problems.is_empty());
}

#[test]
fn an_unmet_should_does_not_block() {
    let f = Fixture::new(&[("patching", "no")]);
    assert!(f.gate(today()).passed);
}

#[test]
fn an_unknown_must_blocks_and_names_the_questions_to_answer() {
    let mut f = Fixture::new(&[]);
    f.unanswer("mfa");
    f.answer("logging", "dont-know");
    f.unanswer("classification");
    let report = f.gate(today());
    assert_eq!(blocker_ids(&report), ["use-mfa", "sensitive-logging"]);
    assert_eq!(report.blockers[0].answer, ["mfa"]);
    assert!(report.blockers[0]
        .reason
        .starts_with("not answered yet; answer: mfa"));
    assert_eq!(report.blockers[1].answer, ["classification", "logging"]);
    assert!(report.blockers[1].reason.starts_with("may apply"));

    // A treatment does not settle what is not known.
    let who = f.who.clone();
    let actor = Actor {
        who: &who,
        now: now(),
        today: today(),
    };
    let id = create_from_obligation(&mut f.assessment, &f.catalogue, "use-mfa", "Sam", &actor)
        .expect("raised");
    f.accept(&id, "2026-03-01", "2027-03-01").expect("accepted");
    assert_eq!(
        blocker_ids(&f.gate(today())),
        ["use-mfa", "sensitive-logging"]
    );
}

#[test]
fn answers_that_cannot_be_used_are_warnings() {
    let mut f = Fixture::new(&[]);
    f.assessment.answers.insert(
        "retired_question".into(),
        f.assessment.answers["mfa"].clone(),
    );
    let report = f.gate(today());
    assert!(report.passed);
    assert!(report.warnings[0].contains("retired_question"));
}

// ------------------------------------------------------------------ overdue and words

#[test]
fn overdue_dates_count_days_and_ignore_settled_findings() {
    let mut f = Fixture::new(&[("mfa", "no")]);
    let id = f.raise("use-mfa");
    f.plan(&id, "Sam Tech", "2026-03-10").expect("plan");
    let finding = f.finding(&id).clone();
    assert!(overdue(&finding, date("2026-03-10")).is_empty());
    let late = overdue(&finding, date("2026-03-12"));
    assert_eq!(late.len(), 1);
    assert_eq!(late[0].days, 2);
    assert_eq!(
        late[0].to_string(),
        "mitigation target date 2026-03-10 passed 2 days ago"
    );
    assert!(treatment_summary(&finding, date("2026-03-12")).contains("(overdue)"));
    let mut closed = finding.clone();
    closed.status = FindingStatus::Closed;
    assert!(overdue(&closed, date("2026-03-12")).is_empty());
    let mut accepted = finding;
    accepted.status = FindingStatus::RiskAccepted;
    accepted.acceptance = Some(acceptance("2026-03-01", "2026-03-11"));
    let late = overdue(&accepted, date("2026-03-12"));
    assert_eq!(
        late.len(),
        1,
        "the plan is not live once the risk is accepted"
    );
    assert_eq!(late[0].what, "risk acceptance review date");
    assert_eq!(
        late[0].to_string(),
        "risk acceptance review date 2026-03-11 passed 1 day ago"
    );
}

#[test]
fn names_and_labels_read_back() {
    for status in FindingStatus::ALL {
        assert_eq!(FindingStatus::parse(status.name()), Some(status));
        assert_eq!(FindingStatus::parse(status.label()), Some(status));
    }
    assert_eq!(
        FindingStatus::parse(" Risk_Accepted "),
        Some(FindingStatus::RiskAccepted)
    );
    assert_eq!(FindingStatus::parse("done"), None);
    for severity in Severity::ALL {
        assert_eq!(Severity::parse(severity.name()), Some(severity));
        assert!(!severity.rubric().is_empty());
    }
    assert_eq!(Severity::parse("HIGH"), Some(Severity::High));
    assert_eq!(Severity::parse("urgent"), None);
}

#[test]
fn views_carry_treatment_overdue_escalation_and_problems() {
    let mut f = Fixture::new(&[("mfa", "no"), ("personal_data", "yes")]);
    let id = f.raise("use-mfa");
    f.accept(&id, "2026-03-01", "2026-04-01").expect("accepted");
    let evaluation = f.evaluation();
    let problems = f.problems();
    let on = date("2026-04-05");
    let views = views(&f.assessment, &f.catalogue, &evaluation, &problems, on);
    assert_eq!(views.len(), 1);
    let view = &views[0];
    assert!(view.needs_escalation);
    assert_eq!(view.overdue.len(), 1);
    assert!(view
        .treatment
        .starts_with("risk accepted by Pat Owner <pat@example.nhs.uk> (Business owner) on 2026-03-01, review overdue since 2026-04-01"));
    let json = serde_json::to_value(view).expect("serialises");
    assert_eq!(json["id"], "F-001");
    assert_eq!(json["status"], "risk-accepted");
    assert_eq!(json["needs_escalation"], true);
    assert_eq!(json["overdue"][0]["days"], 4);
}

// ------------------------------------------------------------------ properties

/// Text as people type it and as a hostile file might hold it: any characters,
/// including quotes, newlines, control characters and TOML syntax.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,40}",
        "[ -~\n\r\t\"'\\\\\\[\\]=#]{0,60}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever a finding says survives the file format exactly, so its audit pin still
    /// matches after a save and a load: no false "changed outside secassess".
    #[test]
    fn finding_text_round_trips_through_the_file_format(
        title in any_text().prop_filter("a title", |t| !t.trim().is_empty()),
        description in any_text(),
        owner in any_text(),
        actions in any_text().prop_filter("actions", |t| !t.trim().is_empty()),
        rationale in any_text().prop_filter("a rationale", |t| !t.trim().is_empty()),
    ) {
        let mut f = Fixture::new(&[("mfa", "no")]);
        let who = f.who.clone();
        let actor = Actor { who: &who, now: now(), today: today() };
        let owner = if owner.trim().is_empty() { "Sam".to_string() } else { owner };
        let id = create_finding(
            &mut f.assessment,
            &f.catalogue,
            NewFinding {
                title,
                obligations: vec!["use-mfa".into()],
                questions: vec!["mfa".into()],
                description,
                severity: Severity::Critical,
                owner: owner.clone(),
            },
            &actor,
        ).expect("created");
        set_mitigation_plan(&mut f.assessment, &f.catalogue, &id, MitigationPlan {
            actions,
            owner,
            target_date: date("2026-06-30"),
            completed_on: None,
            evidence: None,
        }, &actor).expect("planned");
        let mut accepted = acceptance("2026-03-01", "2027-03-01");
        accepted.rationale = rationale;
        accept_risk(&mut f.assessment, &f.catalogue, &id, accepted, &actor).expect("accepted");

        let text = crate::assessment::format::encode(&f.assessment).expect("encodes");
        let decoded = crate::assessment::format::decode(std::path::Path::new("t.secassess.toml"), &text)
            .expect("decodes")
            .assessment;
        prop_assert_eq!(&decoded.findings, &f.assessment.findings);
        prop_assert!(check_consistency(&decoded, &f.catalogue).is_empty());
        prop_assert!(gate(&decoded, &f.catalogue, today()).passed);
    }

    /// Whatever a text editor leaves in the register, the gate answers without
    /// panicking, and passes only with no blockers.
    #[test]
    fn the_gate_never_panics_on_a_hand_edited_register(
        findings in prop::collection::vec(any_finding(), 0..6),
        day in 0u64..4000,
    ) {
        let mut f = Fixture::new(&[("mfa", "no"), ("shared_accounts", "yes")]);
        f.assessment.findings = findings;
        let on = date("2024-01-01").checked_add_days(Days::new(day)).expect("a date");
        let report = f.gate(on);
        prop_assert_eq!(report.passed, report.blockers.is_empty());
        prop_assert!(!report.passed, "hand-edited findings treat nothing");
        let evaluation = f.evaluation();
        let problems = f.problems();
        let _ = views(&f.assessment, &f.catalogue, &evaluation, &problems, on);
        prop_assert_eq!(next_id(&f.assessment).starts_with("F-"), true);
    }
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    (0u64..5000).prop_map(|d| {
        date("2023-01-01")
            .checked_add_days(Days::new(d))
            .expect("a date")
    })
}

fn any_person() -> impl Strategy<Value = Person> {
    (any_text(), any_text(), any_text()).prop_map(|(name, role, email)| Person {
        name,
        role,
        email,
    })
}

fn any_finding() -> impl Strategy<Value = Finding> {
    let ids = prop_oneof![Just("F-001".to_string()), Just(String::new()), any_text()];
    let links = prop::collection::vec(
        prop_oneof![
            Just("use-mfa".to_string()),
            Just("shared-exception".to_string()),
            any_text()
        ],
        0..3,
    );
    let status = prop::sample::select(FindingStatus::ALL.to_vec());
    let severity = prop::sample::select(Severity::ALL.to_vec());
    let plan = prop::option::of(
        (
            any_text(),
            any_text(),
            any_date(),
            prop::option::of(any_date()),
        )
            .prop_map(
                |(actions, owner, target_date, completed_on)| MitigationPlan {
                    actions,
                    owner,
                    target_date,
                    completed_on,
                    evidence: completed_on.map(|_| EvidenceRef::default()),
                },
            ),
    );
    let accepted = prop::option::of((any_person(), any_date(), any_text(), any_date()).prop_map(
        |(accepted_by, accepted_on, rationale, review_date)| RiskAcceptance {
            signature: None,
            accepted_by,
            accepted_on,
            rationale,
            review_date,
        },
    ));
    let exception = prop::option::of((any_person(), any_text(), any_date()).prop_map(
        |(approved_by, reference, approved_on)| ExceptionApproval {
            signature: None,
            approved_by,
            reference,
            approved_on,
        },
    ));
    (
        ids,
        any_text(),
        links,
        status,
        severity,
        any_text(),
        plan,
        accepted,
        exception,
    )
        .prop_map(
            |(
                id,
                title,
                obligations,
                status,
                severity,
                owner,
                mitigation,
                acceptance,
                exception,
            )| {
                Finding {
                    id,
                    title,
                    obligations,
                    questions: Vec::new(),
                    description: String::new(),
                    severity,
                    owner,
                    status,
                    raised_by: String::new(),
                    raised_at: now(),
                    updated_at: now(),
                    mitigation,
                    acceptance,
                    exception,
                }
            },
        )
}
