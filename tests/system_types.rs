//! The kinds of system NHS England actually runs, each named test protecting one of them
//! (issue 14): what applies and what does not, with the standard's sentence each rests on
//! in a comment. Every test here failed on the questionnaires before version 2.0.0 of the
//! profile (the questions it sets did not exist, or the obligations applied wrongly).
//!
//! Evaluation tests use the rules engine directly on a full profile; gate tests build an
//! assessment with every question answered and call `findings::gate`, the one function
//! `check`, the evidence pack and sign-off all use; the command-line tests run the binary.

use std::path::Path;
use std::process::{Command, Output};

use chrono::{NaiveDate, TimeZone, Utc};
use secassess::assessment::findings::{self, Actor, GateReport};
use secassess::assessment::record::{
    Assessment, ExceptionApproval, Person, RiskAcceptance, System,
};
use secassess::questionnaire::answer::{parse_answer, Answers};
use secassess::questionnaire::expr::Truth;
use secassess::questionnaire::model::{Level, Scope};
use secassess::questionnaire::{load_embedded, AnswerKind, Catalogue};
use secassess::rules::{self, Evaluation, Status};
use secassess::store;

/// An internal OFFICIAL web application NHS England builds, used by staff who sign in:
/// the profile every test changes.
const INTERNAL_WEB_APP: &[(&str, &str)] = &[
    ("classification", "official"),
    ("personal_data", "no"),
    ("commercially_sensitive", "no"),
    ("public_information_only", "no"),
    ("delivery", "built-in-house"),
    ("live_service", "no"),
    ("internet_accessible", "no"),
    ("new_or_significant_change", "yes"),
    ("audience", "internal"),
    ("web_application", "yes"),
    ("user_interface", "browser"),
    ("email_use", "none"),
    ("user_sign_in", "staff"),
    ("admin_accounts", "no"),
    ("shared_accounts", "no"),
];

fn catalogue() -> Catalogue {
    load_embedded().unwrap_or_else(|e| panic!("embedded questionnaires do not load:\n{e}"))
}

fn answers(catalogue: &Catalogue, changes: &[(&str, &str)]) -> Answers {
    let mut answers = Answers::new();
    for (id, value) in INTERNAL_WEB_APP.iter().chain(changes) {
        let question = catalogue
            .question(id)
            .unwrap_or_else(|| panic!("question '{id}' is missing"));
        let value = parse_answer(question, value).unwrap_or_else(|e| panic!("{e}"));
        answers.insert((*id).to_string(), value);
    }
    answers
}

fn evaluate(changes: &[(&str, &str)]) -> Evaluation {
    let catalogue = catalogue();
    rules::evaluate(&catalogue, &answers(&catalogue, changes))
}

fn applies(evaluation: &Evaluation, id: &str) -> Truth {
    evaluation
        .obligation(id)
        .unwrap_or_else(|| panic!("obligation '{id}' is missing"))
        .applies
}

fn status(evaluation: &Evaluation, id: &str) -> Status {
    evaluation
        .obligation(id)
        .unwrap_or_else(|| panic!("obligation '{id}' is missing"))
        .status
}

fn assert_applies(evaluation: &Evaluation, expected: &[(&str, Truth)]) {
    for (id, truth) in expected {
        assert_eq!(
            applies(evaluation, id),
            *truth,
            "{id}: {:?}",
            evaluation.obligation(id).map(|o| &o.reasons)
        );
    }
}

fn all_reasons(evaluation: &Evaluation) -> Vec<String> {
    evaluation
        .obligations
        .iter()
        .flat_map(|o| o.reasons.iter().cloned())
        .collect()
}

// ---------------------------------------------------------------- assessments

fn lead() -> Person {
    Person {
        name: "Ann Lead".into(),
        role: "Project lead".into(),
        email: "ann@example.nhs.uk".into(),
    }
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).expect("a date")
}

fn actor(who: &Person) -> Actor<'_> {
    Actor {
        who,
        now: Utc
            .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .expect("a time"),
        today: today(),
    }
}

/// An assessment with every question answered: the profile above with `changes`, then
/// the best answer ("yes" or the first option) to everything else, so every obligation
/// that applies is met unless `changes` says otherwise.
fn assessment(catalogue: &Catalogue, changes: &[(&str, &str)]) -> Assessment {
    let who = lead();
    let now = actor(&who).now;
    let mut a = Assessment::new(
        System {
            name: "Rota".into(),
            description: String::new(),
        },
        who.clone(),
        catalogue,
        now,
    );
    let chosen = |id: &str| {
        changes
            .iter()
            .chain(INTERNAL_WEB_APP)
            .find(|(q, _)| *q == id)
            .map(|(_, v)| *v)
    };
    for question in catalogue.questions_in_order() {
        let text = match (chosen(&question.id), question.kind) {
            (Some(value), _) => value.to_string(),
            (None, AnswerKind::YesNo) => "yes".into(),
            (None, AnswerKind::Single | AnswerKind::Multiple) => question.options[0].value.clone(),
            (None, AnswerKind::Date) => "2026-01-31".into(),
            (None, _) => "Report v1".into(),
        };
        let value = parse_answer(question, &text).unwrap_or_else(|e| panic!("{e}"));
        a.set_answer(question, &value, &who, now)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    a
}

/// Everything met, with no password login of its own (which would need an ARB-approved
/// exception recorded on a finding).
const FULLY_MET: &[(&str, &str)] = &[("own_password_login", "no")];

fn gate(a: &Assessment, catalogue: &Catalogue) -> GateReport {
    findings::gate(a, catalogue, today())
}

fn blocker_ids(report: &GateReport) -> Vec<&str> {
    report
        .blockers
        .iter()
        .map(|b| b.obligation.as_str())
        .collect()
}

// ---------------------------------------------------------------- 1. SECRET

#[test]
fn secret_system_is_refused_by_the_gate_even_with_every_obligation_met() {
    // "Systems handling SECRET or TOP SECRET information need specialist, accredited
    // handling": outside self-assessment. The Email Integration standard: "Exchange of
    // information classified at SECRET or above will require additional handling
    // measures. Contact the NHS England IT/Cyber Security team for details."
    let catalogue = catalogue();
    let official = gate(&assessment(&catalogue, FULLY_MET), &catalogue);
    assert!(official.passed, "{:?}", official.blockers);
    assert!(official.outside_self_assessment.is_empty());

    for level in ["secret", "top-secret"] {
        let mut changes = FULLY_MET.to_vec();
        changes.push(("classification", level));
        let report = gate(&assessment(&catalogue, &changes), &catalogue);
        assert!(!report.passed, "{level} passed the gate");
        assert!(report.blockers.is_empty(), "{:?}", report.blockers);
        let stop = &report.outside_self_assessment[0];
        assert!(stop.title.contains("outside self-assessment"), "{stop:?}");
        assert_eq!(stop.contact.as_deref(), Some("Cyber Security team"));
    }
}

// ---------------------------------------------------------------- 2. no login at all

#[test]
fn public_information_website_without_any_login_gets_no_sso_or_account_rules() {
    // "Only systems delivering public information should be accessible without a login."
    // Nobody signs in, so no login, no single sign-on and no individual accounts apply.
    use Truth::*;
    let evaluation = evaluate(&[
        ("public_information_only", "yes"),
        ("audience", "external"),
        ("internet_accessible", "yes"),
        ("user_sign_in", "none"),
        ("admin_accounts", "no"),
    ]);
    assert_applies(
        &evaluation,
        &[
            ("login-required", False),
            ("sso-okta", False),
            ("sso-azure-ad", False),
            ("auth-exception-approval", False),
            ("individual-accounts", False),
            ("login-data-encrypted", False),
            ("https-only", True),
            ("penetration-test", True),
        ],
    );
    let okta = evaluation.obligation("sso-okta").expect("exists");
    assert!(
        okta.reasons[0].contains("nobody signs in to use it"),
        "{:?}",
        okta.reasons
    );
}

// ---------------------------------------------------------------- 3. CMS admin login

#[test]
fn public_site_with_cms_admin_gets_login_rules_for_the_admin_login() {
    // "All administrative access to systems MUST require a login. Administrative access
    // MUST also use multi-factor authentication." The editors are NHS England staff:
    // "Internally facing systems MUST always use Single Sign-On based on NHS England's
    // Azure Active Directory (AAD)." Anonymous visitors do not sign in, so "Externally
    // facing systems MUST use our identity service based on Okta" has no login to govern.
    use Truth::*;
    let evaluation = evaluate(&[
        ("public_information_only", "yes"),
        ("audience", "external"),
        ("internet_accessible", "yes"),
        ("user_sign_in", "none"),
        ("admin_accounts", "yes"),
        ("admin_sign_in", "staff"),
    ]);
    assert_applies(
        &evaluation,
        &[
            ("login-required", True),
            ("mfa-elevated-accounts", True),
            ("sso-azure-ad", True),
            ("login-data-encrypted", True),
            ("no-maintenance-info-unauthenticated", True),
            ("no-public-security-settings", True),
            ("no-own-login", True),
            ("individual-accounts", True),
            ("sso-okta", False),
        ],
    );
    let aad = evaluation.obligation("sso-azure-ad").expect("exists");
    assert!(
        aad.reasons[0].contains("NHS England staff sign in to administer or edit it"),
        "{:?}",
        aad.reasons
    );
    // A supplier's agency editing the same site is an external login: Okta.
    let evaluation = evaluate(&[
        ("public_information_only", "yes"),
        ("user_sign_in", "none"),
        ("admin_accounts", "yes"),
        ("admin_sign_in", "partners"),
    ]);
    assert_applies(&evaluation, &[("sso-okta", True), ("sso-azure-ad", False)]);
}

// ---------------------------------------------------------------- 4. bought products

#[test]
fn bought_saas_product_gets_procurement_rules_not_development_process_rules() {
    // The development standards are for "All systems and services developed by and for
    // NHS England"; bought services follow the Service Procurement standard: "All
    // suppliers and vendors must be at least Cyber Essentials Plus certified", "all
    // services and software MUST remain on in-support versions at all times and must be
    // fully security patched", "All actions and events requiring security must be logged
    // and the individual making changes must be clearly identified".
    use Truth::*;
    let evaluation = evaluate(&[
        ("delivery", "bought-product"),
        ("internet_accessible", "yes"),
        ("live_service", "yes"),
    ]);
    assert_applies(
        &evaluation,
        &[
            ("devops-pipeline", False),
            ("static-code-analysis", False),
            ("secure-coding", False),
            ("server-input-validation", False),
            ("code-review", False),
            ("tests-in-pipeline", False),
            ("permissive-licences-only", False),
            ("supported-dependencies", False),
            ("supplier-cyber-essentials-plus", True),
            ("procured-service-supported", True),
            ("procured-sso", True),
            ("open-standard-interfaces", True),
            ("security-event-logging", True),
            ("data-kept-in-england", True),
            ("procured-pen-test", True),
            ("data-returned-on-exit", True),
            ("exit-plan", True),
            ("business-continuity", True),
            ("service-recorded-in-cmdb", True),
            ("cab-approval", True),
            // Whoever builds it: HTTPS, WCAG, the SLSP and the security review.
            ("https-only", True),
            ("wcag-2-1-aa", True),
            ("accessible-service", True),
            ("slsp", True),
            ("security-privacy-review", True),
        ],
    );
    // "All services will be subject to the requirements to produce a Data Protection
    // Impact Assessment": a screening is not enough for a bought service.
    let evaluation = evaluate(&[
        ("delivery", "bought-product"),
        ("security_assessment_status", "done"),
        ("privacy_assessment_status", "screening"),
    ]);
    assert_eq!(
        status(&evaluation, "security-privacy-review"),
        Status::NotMet
    );
}

#[test]
fn supplier_built_system_needs_a_certified_supplier_but_keeps_development_rules() {
    // "All suppliers and vendors must be at least Cyber Essentials Plus certified."
    use Truth::*;
    let evaluation = evaluate(&[("delivery", "built-by-supplier")]);
    assert_applies(
        &evaluation,
        &[
            ("supplier-cyber-essentials-plus", True),
            ("devops-pipeline", True),
            ("procured-service-supported", False),
            ("exit-plan", False),
        ],
    );
}

// ---------------------------------------------------------------- 5. no user interface

#[test]
fn api_only_service_gets_no_wcag_or_accessibility_testing() {
    // "All web browser based systems and services MUST be designed and tested to meet the
    // Web Content Accessibility Guidelines (WCAG)": an API with no screens is not browser
    // based, and has no users who need reasonable adjustments to use an interface.
    use Truth::*;
    let evaluation = evaluate(&[
        ("user_interface", "api-only"),
        ("user_sign_in", "none"),
        ("audience", "external"),
        ("internet_accessible", "yes"),
    ]);
    assert_applies(
        &evaluation,
        &[
            ("wcag-2-1-aa", False),
            ("accessible-service", False),
            ("accessibility-testing", False),
            ("accessibility-user-involvement", False),
            ("https-only", True),
            ("login-required", True),
        ],
    );
    let wcag = evaluation.obligation("wcag-2-1-aa").expect("exists");
    assert!(
        wcag.reasons[0].contains("only other systems use it, through an API"),
        "{:?}",
        wcag.reasons
    );
}

#[test]
fn batch_job_with_no_interface_gets_no_accessibility_rules_but_an_admin_console_does() {
    // "All user-facing services (both standard and administrative use) must meet the
    // required levels of accessibility."
    use Truth::*;
    let batch = evaluate(&[
        ("user_interface", "none"),
        ("web_application", "no"),
        ("user_sign_in", "none"),
    ]);
    assert_applies(
        &batch,
        &[("accessible-service", False), ("wcag-2-1-aa", False)],
    );
    let console = evaluate(&[
        ("user_interface", "browser"),
        ("user_sign_in", "none"),
        ("admin_accounts", "yes"),
        ("admin_sign_in", "staff"),
    ]);
    assert_applies(
        &console,
        &[("accessible-service", True), ("wcag-2-1-aa", True)],
    );
}

// ---------------------------------------------------------------- 6. met_if

#[test]
fn system_with_no_reviews_done_cannot_claim_no_issues_found() {
    // "Any discovered issues must be formally documented with either a mitigation plan or
    // a sign-off of the risk by the business owner": "none found" means something only
    // once the reviews that would find them are done.
    let not_reviewed = evaluate(&[
        ("risk_treatment_status", "none-found"),
        ("security_assessment_status", "not-started"),
        ("privacy_assessment_status", "not-started"),
    ]);
    assert_eq!(status(&not_reviewed, "risk-treatment"), Status::NotMet);
    let reviewed = evaluate(&[
        ("risk_treatment_status", "none-found"),
        ("security_assessment_status", "done"),
        ("privacy_assessment_status", "screening"),
    ]);
    assert_eq!(status(&reviewed, "risk-treatment"), Status::Met);
}

#[test]
fn system_with_personal_data_needs_a_full_dpia_not_a_screening() {
    // "All IT systems and services MUST be reviewed and assessed for both security and
    // privacy issues." For personal data that means a DPIA; a screening only shows none
    // is needed, which is true only without personal data.
    let screening = [
        ("security_assessment_status", "done"),
        ("privacy_assessment_status", "screening"),
    ];
    let mut with_personal_data = screening.to_vec();
    with_personal_data.push(("personal_data", "yes"));
    assert_eq!(
        status(&evaluate(&with_personal_data), "security-privacy-review"),
        Status::NotMet
    );
    assert_eq!(
        status(&evaluate(&screening), "security-privacy-review"),
        Status::Met
    );
    let mut dpia = with_personal_data.clone();
    dpia.push(("privacy_assessment_status", "done"));
    assert_eq!(
        status(&evaluate(&dpia), "security-privacy-review"),
        Status::Met
    );
}

#[test]
fn web_app_linting_and_licence_questions_ask_what_the_standards_ask() {
    // "MUST use "linting" and/or other static code analysis tools to automatically verify
    // code quality" (where they run is a lowercase "should"), and "Dependent
    // libraries/frameworks with these licenses cannot be used".
    let catalogue = catalogue();
    let linting = catalogue.question("linting_in_use").expect("exists");
    assert!(!linting.prompt.contains("editors"), "{}", linting.prompt);
    assert!(linting
        .prompt
        .contains("linting or other static code analysis"));
    let licences = catalogue.question("licences_permissive").expect("exists");
    assert!(
        licences.prompt.contains("libraries and frameworks")
            && !licences.prompt.contains("components"),
        "{}",
        licences.prompt
    );
}

// ---------------------------------------------------------------- 7. ARB, not acceptance

#[test]
fn admin_console_without_mfa_is_not_treated_by_a_business_owner_acceptance() {
    // "Exceptions to the standards listed here may be permissible but must be discussed
    // with CISW in advance and will be subject to review and approval via the
    // Architecture Review Board (ARB)."
    let catalogue = catalogue();
    let who = lead();
    let mut changes = FULLY_MET.to_vec();
    changes.extend([
        ("admin_accounts", "yes"),
        ("admin_sign_in", "staff"),
        ("admin_mfa", "no"),
    ]);
    let mut a = assessment(&catalogue, &changes);
    assert_eq!(
        blocker_ids(&gate(&a, &catalogue)),
        ["mfa-elevated-accounts"]
    );
    let id = findings::create_from_obligation(
        &mut a,
        &catalogue,
        "mfa-elevated-accounts",
        "Sam Tech",
        &actor(&who),
    )
    .expect("raised");
    findings::accept_risk(
        &mut a,
        &catalogue,
        &id,
        RiskAcceptance {
            accepted_by: Person {
                name: "Pat Owner".into(),
                role: "Business owner".into(),
                email: String::new(),
            },
            accepted_on: today(),
            rationale: "Two administrators on a VPN-only console".into(),
            review_date: NaiveDate::from_ymd_opt(2027, 3, 1).expect("a date"),
            signature: None,
        },
        &actor(&who),
    )
    .expect("accepted");
    let report = gate(&a, &catalogue);
    assert_eq!(blocker_ids(&report), ["mfa-elevated-accounts"]);
    assert!(
        report.blockers[0]
            .reason
            .contains("Architecture Review Board, so a risk acceptance does not treat it"),
        "{:?}",
        report.blockers
    );
    assert_eq!(
        report.blockers[0].exception_approver.as_deref(),
        Some("Architecture Review Board")
    );
    findings::record_exception(
        &mut a,
        &catalogue,
        &id,
        ExceptionApproval {
            approved_by: Person {
                name: "ARB chair".into(),
                role: "Architecture Review Board".into(),
                email: String::new(),
            },
            reference: "ARB-2026-014".into(),
            approved_on: today(),
            signature: None,
        },
        &actor(&who),
    )
    .expect("approval recorded");
    assert!(gate(&a, &catalogue).passed);
}

#[test]
fn every_obligation_quoting_the_authentication_standard_routes_exceptions_to_the_arb() {
    let catalogue = catalogue();
    for o in &catalogue.obligations {
        if o.sources.iter().any(|s| s.standard == "authentication") {
            assert!(
                o.exception_approver.is_some(),
                "{} quotes the authentication standard but a risk acceptance would treat it",
                o.id
            );
        }
    }
    let mfa = catalogue
        .obligation("mfa-elevated-accounts")
        .expect("exists");
    assert_eq!(
        mfa.exception_approver.as_deref(),
        Some("Architecture Review Board")
    );
    // A base requirement with no such route keeps the business owner's sign-off.
    let review = catalogue
        .obligation("security-privacy-review")
        .expect("exists");
    assert_eq!(review.exception_approver, None);
}

// ---------------------------------------------------------------- 8. organisation duties

#[test]
fn organisation_with_dspt_approaching_standards_does_not_block_a_project() {
    // "All organisations that have access to NHS patient data and systems must use this
    // toolkit": the duty is the organisation's, and completing the toolkit meets it.
    // "All NHS organisations are now required to be certified to CE+": the organisation's
    // too. Neither is the project's to meet.
    let catalogue = catalogue();
    let mut changes = FULLY_MET.to_vec();
    changes.extend([
        ("dspt_status", "approaching"),
        ("ce_plus_status", "renewing"),
    ]);
    let a = assessment(&catalogue, &changes);
    let report = gate(&a, &catalogue);
    assert!(report.passed, "{:?}", report.blockers);
    let dspt = report
        .organisation
        .iter()
        .find(|d| d.obligation == "dspt")
        .expect("the DSPT is organisation context");
    assert_eq!(dspt.status, Status::Met);
    assert!(
        dspt.reasons
            .iter()
            .any(|r| r.contains("Approaching Standards")),
        "{:?}",
        dspt.reasons
    );
    let ce = report
        .organisation
        .iter()
        .find(|d| d.obligation == "cyber-essentials-plus")
        .expect("CE+ is organisation context");
    assert_eq!(ce.status, Status::NotMet);
    // Not counted among the project's MUST obligations, and no finding is asked for.
    let (evaluation, _) = findings::evaluate(&a, &catalogue);
    assert!(findings::gaps_without_finding(&a.findings, &evaluation)
        .iter()
        .all(|o| o.scope == Scope::System));
    // Not submitted at all is the organisation failing its duty: still only context.
    let mut changes = FULLY_MET.to_vec();
    changes.push(("dspt_status", "not-submitted"));
    assert!(gate(&assessment(&catalogue, &changes), &catalogue).passed);
}

// ---------------------------------------------------------------- 9. IT Health Check

#[test]
fn internal_official_web_app_gets_no_it_health_check() {
    // "Systems and services classified at OFFICIAL-SENSITIVE or above and all systems and
    // services accessible from the Internet ... They may be required to undertake full
    // (and regular) IT Health Checks": an internal OFFICIAL system is neither.
    use Truth::*;
    let evaluation = evaluate(&[]);
    assert_applies(
        &evaluation,
        &[("ithc-decision", False), ("it-health-check", False)],
    );
}

#[test]
fn internet_facing_system_gets_the_cyber_security_teams_ithc_decision_and_must_act_on_it() {
    // The Cyber Security team decides ("the level and type of security testing
    // required"); once it requires an IT Health Check, it is a MUST, not a MAY.
    use Truth::*;
    let catalogue = catalogue();
    assert_eq!(
        catalogue.obligation("it-health-check").map(|o| o.level),
        Some(Level::Must)
    );
    let undecided = evaluate(&[("internet_accessible", "yes")]);
    assert_applies(
        &undecided,
        &[("ithc-decision", True), ("it-health-check", Unknown)],
    );
    let not_required = evaluate(&[
        ("internet_accessible", "yes"),
        ("ithc_status", "not-required"),
    ]);
    assert_eq!(status(&not_required, "ithc-decision"), Status::Met);
    assert_eq!(applies(&not_required, "it-health-check"), False);
    let planned = evaluate(&[("internet_accessible", "yes"), ("ithc_status", "planned")]);
    assert_eq!(status(&planned, "it-health-check"), Status::NotMet);
    let done = evaluate(&[("internet_accessible", "yes"), ("ithc_status", "done")]);
    assert_eq!(status(&done, "it-health-check"), Status::Met);
}

// ---------------------------------------------------------------- 10. change, labels

#[test]
fn live_service_going_through_significant_change_needs_a_new_pen_test_and_cab_approval() {
    // "Any IT system or service being introduced or going through significant change and
    // that is accessible across the Internet MUST have an appropriate penetration test",
    // and "All changes to live IT services must be submitted to CAB for approval prior to
    // any live change."
    let changing = evaluate(&[
        ("internet_accessible", "yes"),
        ("live_service", "yes"),
        ("new_or_significant_change", "yes"),
        ("pen_test_status", "earlier-version"),
    ]);
    assert_eq!(status(&changing, "penetration-test"), Status::NotMet);
    assert_eq!(applies(&changing, "cab-approval"), Truth::True);
    let steady = evaluate(&[
        ("internet_accessible", "yes"),
        ("live_service", "yes"),
        ("new_or_significant_change", "no"),
        ("pen_test_status", "earlier-version"),
    ]);
    assert_eq!(status(&steady, "penetration-test"), Status::Met);
    let new_system = evaluate(&[("live_service", "no")]);
    assert_eq!(applies(&new_system, "cab-approval"), Truth::False);
}

#[test]
fn records_behind_the_dspt_are_good_practice_and_escalation_is_secassess_policy() {
    // The DSPT sentence requires the organisation to use the toolkit; recording each
    // system in its records is advice, not a sentence of the standard. And the standard
    // says only "Risks may be escalated to organisation level if needed".
    let catalogue = catalogue();
    let records = catalogue.obligation("dspt-system-records").expect("exists");
    assert_eq!(records.level, Level::GoodPractice);
    let evaluation = evaluate(&[("personal_data", "yes")]);
    let reasons = &evaluation
        .obligation("dspt-system-records")
        .expect("exists")
        .reasons;
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("Good practice, not a requirement")),
        "{reasons:?}"
    );
    assert!(findings::ESCALATION_POLICY.contains("secassess policy"));
    assert!(findings::ESCALATION_POLICY.contains("may be escalated"));
}

// ---------------------------------------------------------------- 11. explanations

#[test]
fn official_system_with_personal_data_unanswered_gives_both_ends_and_names_the_open_question() {
    let catalogue = catalogue();
    let mut only = Answers::new();
    let q = catalogue.question("classification").expect("exists");
    only.insert(
        "classification".into(),
        parse_answer(q, "official").expect("valid"),
    );
    let evaluation = rules::evaluate(&catalogue, &only);
    let ec = evaluation.effective_classification.expect("derived");
    assert!(
        !ec.explanation
            .contains("declared classification is not answered"),
        "{}",
        ec.explanation
    );
    assert!(
        ec.explanation.contains("OFFICIAL or OFFICIAL-SENSITIVE"),
        "{}",
        ec.explanation
    );
    assert!(
        ec.explanation.contains("whether it handles personal data")
            && ec.explanation.contains("personal data is not answered yet"),
        "{}",
        ec.explanation
    );
    assert_eq!(ec.at_least, "official");
    assert_eq!(ec.at_most, "official-sensitive");
}

#[test]
fn reasons_read_as_sentences_with_no_option_labels_or_prompts() {
    let evaluation = evaluate(&[
        ("internet_accessible", "yes"),
        ("pen_test_status", "booked"),
        ("security_assessment_status", "in-progress"),
    ]);
    let pen = evaluation.obligation("penetration-test").expect("exists");
    assert!(
        pen.reasons
            .iter()
            .any(|r| r == "Not met: the penetration test is booked, not done yet."),
        "{:?}",
        pen.reasons
    );
    let catalogue = catalogue();
    for reason in all_reasons(&evaluation) {
        if reason.starts_with(rules::REQUIRED_BY) || reason.starts_with(rules::GOOD_PRACTICE_BASIS)
        {
            continue;
        }
        // No question prompt leaks into a reason, and no option label is pasted in.
        assert!(!reason.contains('?'), "a prompt leaked: {reason}");
        for question in catalogue.questions.values() {
            for option in &question.options {
                if option.label.chars().next().is_some_and(char::is_lowercase)
                    || option.label.chars().all(|c| !c.is_lowercase())
                {
                    continue;
                }
                assert!(
                    !reason.contains(&format!(" is {}", option.label)),
                    "an option label is pasted into: {reason}"
                );
            }
        }
    }
}

#[test]
fn personal_data_help_says_at_least_and_covers_pseudonymised_data() {
    let catalogue = catalogue();
    let q = catalogue.question("personal_data").expect("exists");
    assert!(q.help.contains("Pseudonymised"), "{}", q.help);
    assert!(q.help.contains("at least OFFICIAL-SENSITIVE"), "{}", q.help);
    assert!(!q.help.contains("whatever classification you chose"));
}

// ---------------------------------------------------------------- the binary

fn secassess(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_secassess"))
        .args(args)
        .env_remove("SECASSESS_QUESTIONNAIRES")
        .env_remove("SECASSESS_NAME")
        .env_remove("SECASSESS_EMAIL")
        .env_remove("SECASSESS_ROLE")
        .env("SECASSESS_CONFIG_DIR", dir.join("config"))
        .env("SECASSESS_DATA_DIR", dir)
        .output()
        .expect("the secassess binary runs")
}

fn text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn check_on_a_fully_met_secret_assessment_exits_1_and_the_same_answers_at_official_pass() {
    let catalogue = catalogue();
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (level, code) in [("official", 0), ("secret", 1)] {
        let mut changes = FULLY_MET.to_vec();
        changes.push(("classification", level));
        let file = dir.path().join(format!("{level}.secassess.toml"));
        store::save(&file, &assessment(&catalogue, &changes)).expect("saved");
        let path = file.to_str().expect("a UTF-8 path");
        let output = secassess(dir.path(), &["check", path]);
        let out = text(&output);
        assert_eq!(output.status.code(), Some(code), "{level}: {out}");
        if level == "secret" {
            assert!(
                out.starts_with("FAILED (")
                    && out
                        .contains("outside self-assessment and must go to the Cyber Security team"),
                "{out}"
            );
            assert!(!out.contains("PASSED"), "{out}");
            // The obligations view says so before anything else.
            let view = text(&secassess(dir.path(), &["obligations", path]));
            assert!(
                view.starts_with("STOP: SECRET and above is outside self-assessment"),
                "{view}"
            );
            assert!(view.contains("NOT sufficient"), "{view}");
            // The pack never claims a completed self-assessment.
            let md = dir.path().join("secret-pack.md");
            let export = secassess(
                dir.path(),
                &["export", path, "--markdown", md.to_str().expect("UTF-8")],
            );
            assert!(
                export.status.success(),
                "{}",
                String::from_utf8_lossy(&export.stderr)
            );
            assert!(
                text(&export).contains("OUTSIDE SELF-ASSESSMENT"),
                "{}",
                text(&export)
            );
            let pack = std::fs::read_to_string(&md).expect("the pack");
            let cover = pack.split("## Contents").next().unwrap_or_default();
            assert!(cover.contains("OUTSIDE SELF-ASSESSMENT"), "{cover}");
            assert!(!cover.contains("Security self-assessment of"), "{cover}");
            assert!(pack.contains("This is NOT a completed self-assessment"));
        } else {
            assert!(out.starts_with("PASSED ("), "{out}");
        }
    }
}

#[test]
fn obligations_text_shows_what_to_do_and_every_source() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = text(&secassess(
        dir.path(),
        &[
            "obligations",
            "--set",
            "classification=official",
            "--set",
            "internet_accessible=yes",
        ],
    ));
    let pen = out
        .split("\n  [")
        .find(|block| block.contains("penetration-test  Have the system penetration tested"))
        .expect("the penetration test is listed");
    assert!(
        pen.contains("To do: Contact the Cyber Security team early"),
        "{pen}"
    );
    for source in [
        "Required by Application Security",
        "Also required by Security Standards",
        "Also required by Testing",
        "Also required by Web Development Standards",
        "Also required by Standards for new Service Procurements",
    ] {
        assert!(pen.contains(source), "{source} missing from:\n{pen}");
    }
}

#[test]
fn check_advice_on_an_authentication_gap_never_suggests_a_risk_acceptance() {
    let catalogue = catalogue();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut changes = FULLY_MET.to_vec();
    changes.extend([
        ("admin_accounts", "yes"),
        ("admin_sign_in", "staff"),
        ("admin_mfa", "no"),
        ("tls_min_version", "older"),
    ]);
    let file = dir.path().join("gaps.secassess.toml");
    store::save(&file, &assessment(&catalogue, &changes)).expect("saved");
    let out = text(&secassess(
        dir.path(),
        &["check", file.to_str().expect("UTF-8")],
    ));
    let mfa = out
        .split("\n\n")
        .find(|b| b.contains("mfa-elevated-accounts"))
        .expect("the MFA gap blocks");
    assert!(!mfa.contains("finding accept"), "{mfa}");
    assert!(
        mfa.contains("Architecture Review Board's approval"),
        "{mfa}"
    );
    // A gap a business owner may accept still offers it.
    let tls = out
        .split("\n\n")
        .find(|b| b.contains("tls-1-2"))
        .expect("the TLS gap blocks");
    assert!(tls.contains("a risk acceptance (finding accept)"), "{tls}");
    // Organisation duties come last, as context.
    assert!(out.contains("Organisation context"), "{out}");
}
