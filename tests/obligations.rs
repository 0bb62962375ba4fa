//! The obligations contract: for system profiles drawn from the standards, each listed
//! obligation id applies where the standards say it must and does not where they say it
//! need not, the effective classification is derived as NHS England's Application
//! Security standard says, and reasons explain it in words that cite the standard.

use secassess::questionnaire::answer::{parse_answer, Answers};
use secassess::questionnaire::expr::Truth;
use secassess::questionnaire::{load_embedded, Catalogue};
use secassess::rules::{self, Evaluation, Status};

/// The obligation ids scripts and reviewers rely on.
const CONTRACT_IDS: &[&str] = &[
    "security-privacy-review",
    "risk-treatment",
    "penetration-test",
    "it-health-check",
    "mfa-elevated-accounts",
    "individual-accounts",
    "shared-account-exception",
    "automated-security-testing",
    "contact-cyber-security",
    "slsp",
    "iams-registration",
    "tls-1-2",
    "login-required",
    "sso-azure-ad",
    "sso-okta",
    "password-length",
    "https-only",
    "tls-quality-test",
    "dspt",
    "cyber-essentials-plus",
];

/// A plain internal OFFICIAL system with nothing that triggers extra obligations.
const BASELINE: &[(&str, &str)] = &[
    ("classification", "official"),
    ("personal_data", "no"),
    ("commercially_sensitive", "no"),
    ("public_information_only", "no"),
    ("internet_accessible", "no"),
    ("new_or_significant_change", "yes"),
    ("delivery", "built-in-house"),
    ("live_service", "no"),
    ("audience", "internal"),
    ("web_application", "no"),
    ("user_interface", "app"),
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
    for (id, value) in BASELINE.iter().chain(changes) {
        let question = catalogue
            .question(id)
            .unwrap_or_else(|| panic!("profile question '{id}' is missing"));
        let value = parse_answer(question, value).unwrap_or_else(|e| panic!("{e}"));
        answers.insert((*id).to_string(), value);
    }
    answers
}

fn evaluate(changes: &[(&str, &str)]) -> Evaluation {
    let catalogue = catalogue();
    let answers = answers(&catalogue, changes);
    rules::evaluate(&catalogue, &answers)
}

fn applies(evaluation: &Evaluation, id: &str) -> Truth {
    evaluation
        .obligation(id)
        .unwrap_or_else(|| panic!("obligation '{id}' is missing"))
        .applies
}

fn assert_applies(changes: &[(&str, &str)], expected: &[(&str, Truth)]) {
    let evaluation = evaluate(changes);
    for (id, truth) in expected {
        assert_eq!(
            applies(&evaluation, id),
            *truth,
            "{id} with {changes:?}: {:?}",
            evaluation.obligation(id).map(|o| &o.reasons)
        );
    }
}

#[test]
fn every_contract_id_exists() {
    let catalogue = catalogue();
    for id in CONTRACT_IDS {
        assert!(
            catalogue.obligation(id).is_some(),
            "obligation '{id}' is missing"
        );
    }
    for id in [
        "classification",
        "personal_data",
        "commercially_sensitive",
        "internet_accessible",
        "new_or_significant_change",
        "admin_accounts",
        "shared_accounts",
        "audience",
        "web_application",
        "public_information_only",
        "delivery",
        "user_interface",
        "user_sign_in",
        "admin_sign_in",
        "live_service",
        "email_use",
    ] {
        assert!(
            catalogue.question(id).is_some(),
            "profile question '{id}' is missing"
        );
    }
}

#[test]
fn baseline_obligations_apply_to_every_system() {
    use Truth::*;
    assert_applies(
        &[],
        &[
            ("security-privacy-review", True),
            ("risk-treatment", True),
            ("contact-cyber-security", True),
            ("automated-security-testing", True),
            ("slsp", True),
            ("individual-accounts", True),
            ("tls-1-2", True),
            ("dspt", True),
            ("cyber-essentials-plus", True),
            ("login-required", True),
            ("sso-azure-ad", True),
        ],
    );
}

#[test]
fn a_plain_internal_official_system_has_no_extra_obligations() {
    use Truth::*;
    assert_applies(
        &[],
        &[
            ("penetration-test", False),
            ("it-health-check", False),
            ("iams-registration", False),
            ("mfa-elevated-accounts", False),
            ("shared-account-exception", False),
            ("sso-okta", False),
            ("https-only", False),
            ("tls-quality-test", False),
        ],
    );
    let evaluation = evaluate(&[]);
    let ec = evaluation.effective_classification.expect("derived");
    assert_eq!(ec.value.as_deref(), Some("official"));
}

/// Application Security treats personal and commercially sensitive information as
/// OFFICIAL-SENSITIVE: a system with both is OFFICIAL-SENSITIVE for both reasons, and
/// the pack's cover and the reasons must say so, not only the first one found.
#[test]
fn both_reasons_for_official_sensitive_are_given() {
    let evaluation = evaluate(&[("personal_data", "yes"), ("commercially_sensitive", "yes")]);
    let ec = evaluation.effective_classification.expect("derived");
    assert_eq!(ec.value.as_deref(), Some("official-sensitive"));
    assert_eq!(
        ec.because,
        [
            "it handles personal data",
            "it handles commercially sensitive data"
        ]
    );
    assert!(
        ec.explanation.contains(
            "because it handles personal data and it handles commercially sensitive data"
        ),
        "{}",
        ec.explanation
    );
    let only_commercial = evaluate(&[("personal_data", "no"), ("commercially_sensitive", "yes")]);
    let ec = only_commercial.effective_classification.expect("derived");
    assert_eq!(ec.because, ["it handles commercially sensitive data"]);
}

#[test]
fn personal_data_makes_an_official_system_official_sensitive() {
    use Truth::*;
    let evaluation = evaluate(&[("personal_data", "yes")]);
    let ec = evaluation
        .effective_classification
        .clone()
        .expect("derived");
    assert_eq!(ec.value.as_deref(), Some("official-sensitive"));
    assert_eq!(ec.declared.as_deref(), Some("official"));
    assert!(
        ec.explanation.contains("because it handles personal data"),
        "{}",
        ec.explanation
    );
    assert_eq!(applies(&evaluation, "iams-registration"), True);
    assert_eq!(applies(&evaluation, "penetration-test"), True);
    let iams = evaluation.obligation("iams-registration").expect("exists");
    assert!(
        iams.reasons.iter().any(|r| r.contains("effective classification is OFFICIAL-SENSITIVE (declared OFFICIAL, treated as OFFICIAL-SENSITIVE because it handles personal data)")),
        "{:?}",
        iams.reasons
    );
    assert!(
        iams.reasons
            .iter()
            .any(|r| r.starts_with("Required by Application Security")),
        "reasons must cite the standard: {:?}",
        iams.reasons
    );
}

#[test]
fn commercially_sensitive_data_raises_the_classification_too() {
    let evaluation = evaluate(&[("commercially_sensitive", "yes")]);
    let ec = evaluation
        .effective_classification
        .clone()
        .expect("derived");
    assert_eq!(ec.value.as_deref(), Some("official-sensitive"));
    assert_eq!(applies(&evaluation, "iams-registration"), Truth::True);
}

#[test]
fn declared_official_sensitive_needs_pen_test_and_iams() {
    use Truth::*;
    assert_applies(
        &[("classification", "official-sensitive")],
        &[("penetration-test", True), ("iams-registration", True)],
    );
}

#[test]
fn internet_access_needs_a_pen_test_but_not_iams() {
    use Truth::*;
    assert_applies(
        &[("internet_accessible", "yes")],
        &[("penetration-test", True), ("iams-registration", False)],
    );
}

#[test]
fn accounts_drive_mfa_and_the_shared_account_exception() {
    use Truth::*;
    assert_applies(
        &[("admin_accounts", "yes")],
        &[("mfa-elevated-accounts", True)],
    );
    assert_applies(
        &[("shared_accounts", "yes")],
        &[("shared-account-exception", True)],
    );
}

#[test]
fn who_signs_in_picks_the_single_sign_on_service() {
    use Truth::*;
    assert_applies(
        &[("audience", "external"), ("user_sign_in", "public")],
        &[("sso-okta", True), ("sso-azure-ad", False)],
    );
    assert_applies(
        &[("audience", "both"), ("user_sign_in", "staff, partners")],
        &[("sso-okta", True), ("sso-azure-ad", True)],
    );
}

#[test]
fn web_applications_need_https_and_a_tls_quality_test() {
    use Truth::*;
    assert_applies(
        &[("web_application", "yes")],
        &[("https-only", True), ("tls-quality-test", True)],
    );
}

#[test]
fn public_information_only_needs_no_login() {
    assert_applies(
        &[("public_information_only", "yes")],
        &[("login-required", Truth::False)],
    );
}

#[test]
fn secret_is_out_of_the_self_assessment_route() {
    let evaluation = evaluate(&[("classification", "secret")]);
    let stop = evaluation
        .notices
        .iter()
        .find(|n| n.id == "secret-out-of-scope")
        .expect("SECRET must raise the out-of-scope notice");
    assert!(stop.text.contains("Cyber Security team"));
    assert!(evaluate(&[])
        .notices
        .iter()
        .all(|n| n.id != "secret-out-of-scope"));
}

#[test]
fn unanswered_classification_keeps_dependent_obligations_unknown() {
    let catalogue = catalogue();
    let mut answers = answers(&catalogue, &[]);
    answers.remove("classification");
    let evaluation = rules::evaluate(&catalogue, &answers);
    assert_eq!(applies(&evaluation, "iams-registration"), Truth::Unknown);
    assert_eq!(
        evaluation.obligation("iams-registration").map(|o| o.status),
        Some(Status::Unknown)
    );
    let reasons = &evaluation
        .obligation("iams-registration")
        .expect("exists")
        .reasons;
    assert!(reasons[0].contains("not answered yet"), "{reasons:?}");
    // Personal data settles it even without a declared classification.
    answers.insert(
        "personal_data".into(),
        parse_answer(catalogue.question("personal_data").expect("exists"), "yes").expect("valid"),
    );
    let evaluation = rules::evaluate(&catalogue, &answers);
    assert_eq!(applies(&evaluation, "iams-registration"), Truth::True);
    let ec = evaluation.effective_classification.expect("derived");
    assert_eq!(ec.value, None);
    assert_eq!(ec.at_least, "official-sensitive");
}

#[test]
fn dont_know_keeps_obligations_unknown_and_says_who_can_answer() {
    let evaluation = evaluate(&[("classification", "dont-know")]);
    let iams = evaluation.obligation("iams-registration").expect("exists");
    assert_eq!(iams.applies, Truth::Unknown);
    assert!(
        iams.reasons[0].contains("Information Governance"),
        "{:?}",
        iams.reasons
    );
}

#[test]
fn every_obligation_becomes_met_or_not_met_when_everything_is_answered() {
    let catalogue = catalogue();
    let mut answers = answers(&catalogue, &[]);
    // Answer every question with its first option / yes / some text.
    for question in catalogue.questions_in_order() {
        if answers.contains_key(&question.id) {
            continue;
        }
        let value = match question.kind {
            secassess::questionnaire::AnswerKind::YesNo => "yes".to_string(),
            secassess::questionnaire::AnswerKind::Single
            | secassess::questionnaire::AnswerKind::Multiple => question.options[0].value.clone(),
            secassess::questionnaire::AnswerKind::Date => "2026-01-31".into(),
            _ => "Report v1".into(),
        };
        answers.insert(
            question.id.clone(),
            parse_answer(question, &value).expect("valid"),
        );
    }
    let evaluation = rules::evaluate(&catalogue, &answers);
    for o in &evaluation.obligations {
        assert_ne!(
            o.status,
            Status::Unknown,
            "{} stays unknown with every question answered: {:?}",
            o.id,
            o.reasons
        );
    }
}
