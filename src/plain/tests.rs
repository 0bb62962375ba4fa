//! Plain mode driven with in-memory input and output on assessments in a temp directory.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Utc;

use super::home::{ask_identity, home, HomeChoice};
use super::*;
use crate::assessment::record::{Person, StoredValue};
use crate::session::create_assessment;
use crate::store;

fn ann() -> Person {
    Person {
        name: "Ann Lead".into(),
        role: "Project lead".into(),
        email: "ann@example.org".into(),
    }
}

fn catalogue() -> Arc<Catalogue> {
    Arc::new(crate::questionnaire::load_embedded().expect("content loads"))
}

fn new_assessment(dir: &Path, catalogue: &Catalogue) -> PathBuf {
    create_assessment(
        dir,
        "Ward rota",
        "Staff rota",
        catalogue,
        &ann(),
        Utc::now(),
    )
    .expect("created")
}

/// Runs plain mode on `path` with `input`; returns the outcome and the output.
fn run_plain(path: &Path, catalogue: &Arc<Catalogue>, input: &str) -> (Outcome, String) {
    let mut session = Session::open(path, Arc::clone(catalogue), ann(), Utc::now()).expect("opens");
    run_session(&mut session, input)
}

fn run_session(session: &mut Session, input: &str) -> (Outcome, String) {
    let mut input = Cursor::new(input.as_bytes().to_vec());
    let mut output = Vec::new();
    let outcome = run(&mut input, &mut output, session).expect("runs");
    let output = String::from_utf8(output).expect("UTF-8 output");
    assert!(!output.contains('\u{1b}'), "no escape codes in plain mode");
    (outcome, output)
}

fn saved(path: &Path) -> crate::assessment::record::Assessment {
    store::load(path).expect("saved file loads").assessment
}

fn one(path: &Path, id: &str) -> Option<String> {
    match saved(path).answers.get(id)?.value.as_ref()? {
        StoredValue::One(v) => Some(v.clone()),
        StoredValue::Many(vs) => Some(vs.join(",")),
    }
}

fn web_only_question(catalogue: &Catalogue) -> &Question {
    catalogue
        .questions_in_order()
        .find(|q| {
            q.ask_if
                .as_ref()
                .is_some_and(|(_, t)| t.trim() == "web_application == yes")
        })
        .expect("content has web-only questions")
}

#[test]
fn a_short_walkthrough_is_saved_answer_by_answer() {
    let dir = tempfile::tempdir().expect("temp dir");
    let catalogue = catalogue();
    let path = new_assessment(dir.path(), &catalogue);
    // Classification by number, personal data by word, commercial by label; then EOF.
    let (outcome, output) = run_plain(&path, &catalogue, "2\nyes\nNo\n");
    assert_eq!(outcome, Outcome::EndOfInput);
    assert!(output.contains("Question 1 of "), "{output}");
    assert!(output.contains("(Data and classification)"), "{output}");
    assert!(output.contains("Options:\n  1) OFFICIAL: "), "{output}");
    assert!(output.contains("Saved: OFFICIAL-SENSITIVE."), "{output}");
    assert!(
        output.contains("Now applies: Have the system penetration tested (MUST) because "),
        "{output}"
    );
    assert!(output.contains("Summary of Ward rota"), "{output}");
    assert!(
        output.contains("Effective classification: OFFICIAL-SENSITIVE."),
        "{output}"
    );
    assert!(output.contains("Next: Answer: "), "{output}");

    assert_eq!(
        one(&path, "classification").as_deref(),
        Some("official-sensitive")
    );
    assert_eq!(one(&path, "personal_data").as_deref(), Some("yes"));
    assert_eq!(one(&path, "commercially_sensitive").as_deref(), Some("no"));
    let a = saved(&path);
    assert!(a
        .answers
        .values()
        .all(|r| r.answered_by == ann().signature()));
    assert_eq!(
        a.audit.len(),
        4,
        "the creation, then one audit entry per answer"
    );
    assert!(a.audit.iter().all(|e| e.who == ann().signature()));
    assert_eq!(a.audit[0].action, "created");
    assert_eq!(a.audit[1].subject, "classification");
    // The question on screen when the input ended is where it resumes.
    assert_eq!(a.last_question.as_deref(), Some("public_information_only"));
}

#[test]
fn reopening_resumes_where_it_was_left() {
    let dir = tempfile::tempdir().expect("temp dir");
    let catalogue = catalogue();
    let path = new_assessment(dir.path(), &catalogue);
    run_plain(&path, &catalogue, "1\nno\n");
    let (_, output) = run_plain(&path, &catalogue, "no\n");
    let first = output.find("\nQuestion ").expect("a question is asked");
    let commercial = catalogue
        .question("commercially_sensitive")
        .expect("question exists");
    assert!(
        output[first..].starts_with("\nQuestion 3 of "),
        "{}",
        &output[first..]
    );
    assert!(output.contains(&commercial.prompt));
    assert_eq!(one(&path, "commercially_sensitive").as_deref(), Some("no"));
}

#[test]
fn invalid_input_is_asked_again_with_the_reason() {
    let dir = tempfile::tempdir().expect("temp dir");
    let catalogue = catalogue();
    let path = new_assessment(dir.path(), &catalogue);
    let (_, output) = run_plain(&path, &catalogue, "7\nsecret-ish\n\n1\nmaybe\ny\n");
    assert!(
        output.contains("Not used: there is no option 7; type a number from 1 to 4"),
        "{output}"
    );
    assert!(
        output.contains("Not used: 'secret-ish' is not a valid answer"),
        "{output}"
    );
    assert!(output.contains("Not used: nothing was typed"), "{output}");
    assert!(output.contains("Not used: 'maybe' is not a valid answer to 'personal_data': answer yes, no or dont-know"), "{output}");
    assert_eq!(one(&path, "classification").as_deref(), Some("official"));
    assert_eq!(one(&path, "personal_data").as_deref(), Some("yes"));
    assert_eq!(
        saved(&path).audit.len(),
        3,
        "the creation and two answers: invalid input records nothing"
    );
}

#[test]
fn a_conditional_question_appears_once_it_applies() {
    let catalogue = catalogue();
    let web = web_only_question(&catalogue).clone();
    // Answer web_application, then pass over everything else: the walkthrough ends
    // having shown every question asked.
    let skips = "skip\n".repeat(catalogue.questions.len() + 5);
    let mut seen = Vec::new();
    for answer in ["no", "yes"] {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = new_assessment(dir.path(), &catalogue);
        let mut session =
            Session::open(&path, Arc::clone(&catalogue), ann(), Utc::now()).expect("opens");
        session.set_last_question("web_application");
        let (outcome, output) = run_session(&mut session, &format!("{answer}\n{skips}"));
        assert_eq!(outcome, Outcome::Finished, "{output}");
        assert!(output.contains("That was the last question still open."));
        seen.push(output.contains(&web.prompt));
        assert_eq!(
            one(&path, "web_application").as_deref(),
            Some(answer),
            "{output}"
        );
    }
    assert_eq!(
        seen,
        [false, true],
        "{} shown only for a web application",
        web.id
    );
}

#[test]
fn later_notes_dont_know_and_why_are_recorded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let catalogue = catalogue();
    let path = new_assessment(dir.path(), &catalogue);
    let input = "why\nnotes\nAsked the IG lead\nlater\ndont-know\nquit\n";
    let (outcome, output) = run_plain(&path, &catalogue, input);
    assert_eq!(outcome, Outcome::Quit);
    assert!(output.contains("Who can answer this: "), "{output}");
    assert!(output.contains("Marked to answer later."), "{output}");
    assert!(output.contains("Saved: Don't know yet."), "{output}");
    let a = saved(&path);
    let classification = &a.answers["classification"];
    assert_eq!(classification.notes, "Asked the IG lead");
    assert!(classification.flagged);
    assert!(a.answers["personal_data"].dont_know);
    assert!(output.contains("1 marked to answer later"), "{output}");
    assert!(output.contains("1 \"don't know yet\""), "{output}");
}

#[test]
fn a_text_answer_can_span_lines() {
    let dir = tempfile::tempdir().expect("temp dir");
    let catalogue = catalogue();
    let path = new_assessment(dir.path(), &catalogue);
    let text = catalogue
        .questions_in_order()
        .find(|q| q.kind == AnswerKind::Text)
        .expect("a text question")
        .id
        .clone();
    let mut session =
        Session::open(&path, Arc::clone(&catalogue), ann(), Utc::now()).expect("opens");
    session.set_last_question(&text);
    let (_, output) = run_session(
        &mut session,
        "<<<\nAzure tenancy\nBuilt by the ward team\n>>>\n",
    );
    assert!(output.contains("finish with a line >>>"), "{output}");
    drop(session);
    assert_eq!(
        one(&path, &text).as_deref(),
        Some("Azure tenancy\nBuilt by the ward team")
    );
}

#[test]
fn a_second_opener_sees_a_read_only_summary() {
    let dir = tempfile::tempdir().expect("temp dir");
    let catalogue = catalogue();
    let path = new_assessment(dir.path(), &catalogue);
    let _first = Session::open(&path, Arc::clone(&catalogue), ann(), Utc::now()).expect("opens");
    let mut other = Person {
        name: "Bob".into(),
        ..Person::default()
    };
    other.email = "bob@example.org".into();
    let mut second =
        Session::open(&path, Arc::clone(&catalogue), other, Utc::now()).expect("opens");
    let (outcome, output) = run_session(&mut second, "1\n");
    assert_eq!(outcome, Outcome::ReadOnly);
    assert!(
        output.contains("Read-only: it is open in Ann Lead <ann@example.org>'s secassess"),
        "{output}"
    );
    assert!(!output.contains("Question 1"), "{output}");
    assert!(saved(&path).answers.is_empty());
}

#[test]
fn text_from_the_file_cannot_drive_the_terminal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let catalogue = catalogue();
    let path = new_assessment(dir.path(), &catalogue);
    let mut a = saved(&path);
    a.system.name = "Rota\u{1b}[2J\u{1b}]0;pwned\u{7}".into();
    a.answers.insert(
        "classification".into(),
        crate::assessment::record::AnswerRecord {
            value: None,
            dont_know: false,
            evidence: None,
            notes: "see \u{1b}[31mred".into(),
            flagged: false,
            question_fingerprint: String::new(),
            answered_by: "x".into(),
            answered_at: Utc::now(),
        },
    );
    store::save(&path, &a).expect("saved");
    // run_plain asserts that no ESC reaches the output.
    let (_, output) = run_plain(&path, &catalogue, "");
    assert!(
        output.contains("Your notes: see \u{fffd}[31mred"),
        "{output}"
    );
}

#[test]
fn home_lists_creates_and_opens() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let catalogue = catalogue();
    let home_with = |input: &str| {
        let mut input = Cursor::new(input.as_bytes().to_vec());
        let mut output = Vec::new();
        let choice = home(
            &mut input,
            &mut output,
            &data,
            &catalogue,
            &ann(),
            Utc::now(),
        )
        .expect("home runs");
        (choice, String::from_utf8(output).expect("UTF-8"))
    };
    let (choice, output) = home_with("");
    assert_eq!(choice, HomeChoice::Quit);
    assert!(output.contains("No assessments in"), "{output}");

    let (choice, _) = home_with("n\nWard rota\nStaff rota for wards\n");
    let created = data.join("ward-rota.secassess.toml");
    assert_eq!(choice, HomeChoice::Open(created.clone()));
    assert_eq!(saved(&created).system.description, "Staff rota for wards");

    let (choice, output) = home_with("n\nWard rota\n\n5\n1\n");
    assert!(output.contains("Not created: "), "{output}");
    assert!(output.contains("Not understood"), "{output}");
    assert!(
        output.contains("1) Ward rota: at least OFFICIAL, 0 of "),
        "{output}"
    );
    assert_eq!(choice, HomeChoice::Open(created));
    assert_eq!(home_with("q\n").0, HomeChoice::Quit);
}

#[test]
fn identity_is_asked_until_usable() {
    let mut input = Cursor::new(
        b"Ann Lead\nLead\nnot-an-email\nAnn Lead\nProject lead\nann@example.org\n".to_vec(),
    );
    let mut output = Vec::new();
    let person = ask_identity(&mut input, &mut output, Path::new("identity.toml"))
        .expect("runs")
        .expect("a person");
    assert_eq!(person, ann());
    let output = String::from_utf8(output).expect("UTF-8");
    assert!(
        output.contains("does not look like an email address"),
        "{output}"
    );
    let mut input = Cursor::new(b"Ann\n".to_vec());
    assert_eq!(
        ask_identity(&mut input, &mut Vec::new(), Path::new("identity.toml")).expect("runs"),
        None
    );
}

#[test]
fn a_change_to_a_signed_off_assessment_is_asked_first() {
    let dir = tempfile::tempdir().expect("temp dir");
    let catalogue = catalogue();
    // Signed off before a question existed (as after a questionnaire upgrade): the
    // question is asked, and answering it would change what was signed.
    let mut a = crate::assessment::review::tests::signed_off(&catalogue);
    let steps = walkthrough::steps(&catalogue);
    // A yes/no question whose answer no other question depends on: without it, it is
    // the only one to ask.
    let id = catalogue
        .questions_in_order()
        .filter(|q| q.kind == AnswerKind::YesNo && a.answers.contains_key(&q.id))
        .map(|q| q.id.clone())
        .find(|id| {
            let mut b = a.clone();
            b.answers.remove(id);
            let (evaluation, _) = crate::assessment::findings::evaluate(&b, &catalogue);
            let open: Vec<&walkthrough::Step> = steps
                .iter()
                .filter(|s| {
                    walkthrough::needs_answer(walkthrough::step_state(&s.question, &evaluation, &b))
                })
                .collect();
            open.len() == 1 && open[0].question == *id
        })
        .expect("an answered yes/no question nothing depends on");
    a.answers.remove(&id);
    a.reviews.remove(&id);
    let hash = crate::assessment::sign_off::content_hash(&a);
    if let Some(s) = a.sign_off.as_mut() {
        s.content_hash = hash;
    }
    let path = dir.path().join("rota.secassess.toml");
    store::create(&path, &a).expect("saved");

    let (_, output) = run_plain(&path, &catalogue, "1\nno\n");
    assert!(
        output.contains("This assessment is signed off by Ivy Reviewer <ivy@example.org> on "),
        "{output}"
    );
    assert!(output.contains(
        "changing this will mark the assessment changed since sign-off until it is reviewed again."
    ));
    assert!(output.contains("Change it anyway? Type yes or no"));
    assert!(output.contains("Not changed."), "{output}");
    assert!(!saved(&path).answers.contains_key(&id));

    let (_, output) = run_plain(&path, &catalogue, "1\nyes\n");
    assert!(output.contains("Saved: Yes."), "{output}");
    assert_eq!(one(&path, &id).as_deref(), Some("yes"));
}
