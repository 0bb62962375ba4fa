//! An assessment answered before the questionnaires learned the kinds of system
//! (profile 1.0.0 and the other questionnaires at 1.0.0) opens on today's content, says
//! what changed, asks the new profile questions and asks again the answered questions
//! whose wording or options changed. The fixture was written by the `main` binary of the
//! day (`secassess new` then `secassess answer`), so it is the real file format, audit
//! trail and question fingerprints, not a hand-made imitation.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use chrono::Utc;
use secassess::assessment::record::Person;
use secassess::assessment::upgrade::{upgrade_report, VersionChange};
use secassess::questionnaire::answer::AnswerValue;
use secassess::questionnaire::load_embedded;
use secassess::session::Session;
use secassess::store;
use secassess::walkthrough;

const FIXTURE: &str = "tests/fixtures/ward-rota-questionnaires-1.0.0.secassess.toml";

/// The new profile questions a 1.0.0 assessment has never been asked.
const NEW_PROFILE: &[&str] = &[
    "delivery",
    "live_service",
    "user_interface",
    "email_use",
    "user_sign_in",
    "admin_sign_in",
];

/// Answered questions whose prompt or options changed in 2.0.0.
const CHANGED: &[&str] = &[
    "privacy_assessment_status",
    "pen_test_status",
    "login_required_everywhere",
    "linting_in_use",
    "licences_permissive",
    "dspt_status",
];

fn copy_of_fixture(dir: &Path) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE);
    let file = dir.join("ward-rota.secassess.toml");
    std::fs::copy(&source, &file).expect("the fixture copies");
    file
}

fn who() -> Person {
    Person {
        name: "Ann Lead".into(),
        role: String::new(),
        email: "ann@example.nhs.uk".into(),
    }
}

#[test]
fn a_file_from_before_the_upgrade_reports_every_change() {
    let catalogue = load_embedded().expect("content loads");
    let loaded = store::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE))
        .expect("the old file loads");
    let (_, problems) = loaded.assessment.typed_answers(&catalogue);
    assert!(
        problems.is_empty(),
        "every old answer is still usable: {problems:?}"
    );
    let report = upgrade_report(&loaded.assessment, &catalogue);
    for id in [
        "profile",
        "base-requirements",
        "authentication",
        "organisational",
    ] {
        assert!(
            report.questionnaires.iter().any(|q| q.id == id
                && matches!(&q.change, VersionChange::Upgraded { from, to } if from == "1.0.0" && to == "2.0.0")),
            "{id}: {:?}",
            report.questionnaires
        );
    }
    for id in ["email", "service-procurement"] {
        assert!(
            report
                .questionnaires
                .iter()
                .any(|q| q.id == id && matches!(q.change, VersionChange::Added { .. })),
            "{id}"
        );
    }
    for id in NEW_PROFILE {
        assert!(report.new_questions.iter().any(|q| q == id), "{id} is new");
    }
    assert_eq!(report.reconfirm, CHANGED);
}

#[test]
fn opening_it_asks_the_new_profile_questions_and_the_changed_answers_again() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = copy_of_fixture(dir.path());
    let catalogue = load_embedded().expect("content loads");
    let mut session = Session::open(&file, catalogue, who(), Utc::now()).expect("opens");
    assert!(session.is_editable());

    // The walk starts from the beginning, and every new profile question and every
    // changed answer is among the questions it stops at.
    let mut stops = Vec::new();
    let mut at = session.resume_step();
    while let Some(index) = at {
        let id = session.steps()[index].question.clone();
        if stops.contains(&id) {
            break;
        }
        stops.push(id);
        at = walkthrough::next_open(
            session.steps(),
            index,
            session.evaluation(),
            session.assessment(),
        );
    }
    for id in NEW_PROFILE.iter().filter(|id| **id != "admin_sign_in") {
        assert!(stops.iter().any(|s| s == id), "{id} is asked: {stops:?}");
    }
    for id in CHANGED {
        assert!(
            stops.iter().any(|s| s == id),
            "{id} is asked again: {stops:?}"
        );
    }
    // The first stop is in the profile, before anything answered later.
    assert_eq!(
        session.steps()[session.resume_step().expect("a step")].questionnaire,
        "profile"
    );

    // Confirming a changed answer (the same value, given again) clears the mark.
    let before = session.answers().get("dspt_status").cloned();
    assert_eq!(before, Some(AnswerValue::Choice("approaching".into())));
    session
        .answer(
            "dspt_status",
            AnswerValue::Choice("approaching".into()),
            Utc::now(),
        )
        .expect("answered");
    assert!(!session.evaluation().reconfirm.contains("dspt_status"));
    assert!(session.evaluation().reconfirm.contains("pen_test_status"));
    session
        .accept_questionnaire_upgrade(Utc::now())
        .expect("accepted");
    session.save().expect("saved");
    let saved = store::load(&file).expect("saved file loads");
    let report = upgrade_report(&saved.assessment, &load_embedded().expect("content"));
    assert!(report.questionnaires.is_empty() && report.new_questions.is_empty());
    assert_eq!(report.reconfirm.len(), CHANGED.len() - 1);
}

fn plain(dir: &Path, file: &Path, input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_secassess"))
        .args(["--as", "Ann Lead <ann@example.nhs.uk>", "--plain", "open"])
        .arg(file)
        .env("SECASSESS_DATA_DIR", dir)
        .env("SECASSESS_CONFIG_DIR", dir.join("config"))
        .env_remove("SECASSESS_QUESTIONNAIRES")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("secassess starts");
    let _ = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes());
    child.wait_with_output().expect("secassess ends")
}

#[test]
fn the_plain_walkthrough_says_what_changed_and_asks_again() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = copy_of_fixture(dir.path());
    // Pass over every question: the walk goes through all it wants answered once.
    let run = plain(dir.path(), &file, &"skip\n".repeat(200));
    let out = String::from_utf8_lossy(&run.stdout).into_owned();
    assert!(run.status.success(), "{out}");
    assert!(
        out.contains("The questionnaires have changed since this assessment was answered"),
        "{out}"
    );
    assert!(out.contains("new question(s) will be asked"), "{out}");
    assert!(
        out.contains(
            "asked again so you can confirm or change your answers: privacy_assessment_status"
        ),
        "{out}"
    );
    assert!(
        out.contains("How is the system delivered: built by NHS England, built for NHS England by a supplier, or bought as a product?"),
        "{out}"
    );
    assert!(out.contains("Who signs in to use the system?"), "{out}");
    assert!(
        out.contains("This question changed after you answered it. Your answer was: Submitted: Approaching Standards, with an improvement plan."),
        "{out}"
    );
}
