//! Review mode driven with in-memory input on assessment files in a temp directory.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Utc;

use super::*;
use crate::assessment::record::{Person, ReviewDecision};
use crate::assessment::review::tests::{
    answered, catalogue, judged, lead, reviewer, today, unchecked,
};
use crate::questionnaire::model::Catalogue;
use crate::store;

fn setup(dir: &Path) -> (Arc<Catalogue>, PathBuf, usize) {
    let catalogue = Arc::new(catalogue());
    let path = dir.join("rota.secassess.toml");
    let assessment = answered(&catalogue);
    store::create(&path, &assessment).expect("created");
    let (typed, _) = assessment.typed_answers(&catalogue);
    let evaluation = crate::rules::evaluate(&catalogue, &typed);
    let count = review::items(
        &assessment,
        &catalogue,
        &evaluation,
        unchecked(),
        Filter::All,
    )
    .len();
    (catalogue, path, count)
}

fn drive(
    path: &Path,
    catalogue: &Arc<Catalogue>,
    who: Person,
    input: &str,
    lead_side: bool,
    filter: Filter,
) -> (Outcome, String) {
    let mut session = Session::open(path, Arc::clone(catalogue), who, Utc::now()).expect("opens");
    let mut input = Cursor::new(input.as_bytes().to_vec());
    let mut output = Vec::new();
    let outcome = if lead_side {
        reply(&mut input, &mut output, &mut session)
    } else {
        run(
            &mut input,
            &mut output,
            &mut session,
            ReviewOptions {
                filter,
                today: today(),
                signer: crate::store::signing_key::Signer::unsigned("no key in this test"),
                passphrase: crate::plain::passphrase::Entry::Line,
            },
        )
    }
    .expect("runs");
    let output = String::from_utf8(output).expect("UTF-8");
    assert!(!output.contains('\u{1b}'));
    (outcome, output)
}

fn saved(path: &Path) -> crate::assessment::Assessment {
    store::load(path).expect("loads").assessment
}

#[test]
fn query_reply_change_accept_and_sign_off() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (catalogue, path, count) = setup(dir.path());

    // The reviewer queries the first answer (the classification) and accepts the rest.
    let mut input = String::from("q\nIs it really only OFFICIAL?\n");
    input.push_str(&"a\n".repeat(count - 1));
    let (outcome, output) = drive(&path, &catalogue, reviewer(), &input, false, Filter::All);
    assert_eq!(outcome, Outcome::Finished, "{output}");
    assert!(output.contains("Reviewing as Ivy Reviewer <ivy@example.org>, IG representative."));
    assert!(output.contains(&format!(
        "Answer 1 of {count} [not reviewed]: classification"
    )));
    assert!(output.contains("Answered by Ann Lead <ann@example.org> on "));
    assert!(output.contains("Query saved."));
    assert!(output.contains("Not ready for sign-off: 1 thing(s) stand in the way:"));
    assert!(output.contains("  - classification: queried"), "{output}");
    let a = saved(&path);
    assert_eq!(a.reviews.len(), count);
    assert_eq!(review::open_queries(&a).len(), 1);

    // The lead sees the query and changes the answer, then replies.
    let (_, output) = drive(
        &path,
        &catalogue,
        lead(),
        "c\n2\nr\nYes: it holds staff rotas with names.\n",
        true,
        Filter::All,
    );
    assert!(output.contains("1 open review query(ies)."), "{output}");
    assert!(output.contains("Ivy Reviewer <ivy@example.org> on "));
    assert!(output.contains("Is it really only OFFICIAL?"));
    assert!(output.contains("Answer changed and saved"), "{output}");
    assert!(output.contains("Reply saved."));
    let a = saved(&path);
    assert!(review::status(&a, "classification", unchecked()).stale);
    assert_eq!(a.reviews["classification"].thread.len(), 2);

    // The reviewer looks at the queried answer only and accepts it; more questions may
    // now be asked (the classification changed), so sign-off may still be blocked.
    let (_, output) = drive(&path, &catalogue, reviewer(), "a\n", false, Filter::Queried);
    assert!(
        output.contains("[stale — answer changed after review (was queried)]"),
        "{output}"
    );
    assert!(output.contains("Thread:"));
    let a = saved(&path);
    assert_eq!(
        a.reviews["classification"].decision,
        ReviewDecision::Accepted
    );
    assert!(review::open_queries(&a).is_empty());

    // Answer whatever is now asked, then review everything still unreviewed and sign off.
    let mut a = saved(&path);
    let more = {
        let c = &catalogue;
        let before = a.answers.len();
        let steps = walkthrough::steps(c);
        loop {
            let (typed, _) = a.typed_answers(c);
            let e = crate::rules::evaluate(c, &typed);
            let Some(step) = steps
                .iter()
                .find(|s| walkthrough::needs_answer(walkthrough::step_state(&s.question, &e, &a)))
            else {
                break;
            };
            let q = c.question(&step.question).expect("exists");
            a.set_answer(
                q,
                &crate::assessment::review::tests::some_answer(q),
                &lead(),
                Utc::now(),
            )
            .expect("fits");
        }
        a.answers.len() - before
    };
    crate::assessment::review::tests::plan_for_must_gaps(&mut a, &catalogue);
    store::save(&path, &a).expect("saved");
    let (typed, _) = a.typed_answers(&catalogue);
    let e = crate::rules::evaluate(&catalogue, &typed);
    let open = review::items(&a, &catalogue, &e, unchecked(), Filter::Unreviewed).len();
    assert!(open >= more);
    let input = format!("{}yes\n\n", "a\n".repeat(open));
    let (_, output) = drive(
        &path,
        &catalogue,
        reviewer(),
        &input,
        false,
        Filter::Unreviewed,
    );
    assert!(output.contains("Sign off the assessment now?"), "{output}");
    assert!(output.contains("Signed off by Ivy Reviewer <ivy@example.org> on "));
    let a = saved(&path);
    let s = a.sign_off.as_ref().expect("signed off");
    assert_eq!(s.statement, sign_off::STANDARD_STATEMENT);
    assert_eq!(sign_off::changed_since_sign_off(&a), Some(false));
    assert!(verify::verify(&a, &judged(&catalogue, unchecked())).is_ok());
}

#[test]
fn refusals_are_said_and_the_walk_goes_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (catalogue, path, _) = setup(dir.path());
    // The project lead does not review their own assessment: told once, with what to do.
    let (outcome, output) = drive(&path, &catalogue, lead(), "a\nquit\n", false, Filter::All);
    assert_eq!(outcome, Outcome::Finished);
    assert!(output.contains(
        "Ann Lead <ann@example.org> is this assessment's project lead (its assessor), and the project lead does not review or sign off their own assessment"
    ), "{output}");
    assert!(
        output.contains("run secassess review FILE --reply"),
        "{output}"
    );
    assert!(!output.contains("Answer 1 of"), "{output}");
    // An empty query is refused; unknown words are explained; resolving with no query is
    // refused.
    let (outcome, output) = drive(
        &path,
        &catalogue,
        reviewer(),
        "q\n\nwhat\nr\nquit\n",
        false,
        Filter::All,
    );
    assert_eq!(outcome, Outcome::Quit);
    assert!(output.contains("Not done: the query is empty"), "{output}");
    assert!(output.contains("Type a to accept the answer, q to query it"));
    assert!(output.contains("Not done: there is no open query on 'classification'"));
    assert!(saved(&path).reviews.is_empty());
}

#[test]
fn the_end_of_input_keeps_what_was_decided() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (catalogue, path, count) = setup(dir.path());
    let (outcome, output) = drive(
        &path,
        &catalogue,
        reviewer(),
        "a\ns\na\n",
        false,
        Filter::Must,
    );
    assert_eq!(outcome, Outcome::EndOfInput);
    assert!(output.contains("(End of input.)"));
    let a = saved(&path);
    assert_eq!(a.reviews.len(), 2);
    assert!(a.reviews.len() < count);
    // Nothing to reply to yet.
    let (outcome, output) = drive(&path, &catalogue, lead(), "", true, Filter::All);
    assert_eq!(outcome, Outcome::Finished);
    assert!(output.contains("There are no open review queries."));
}

#[test]
fn a_file_open_elsewhere_is_shown_read_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (catalogue, path, _) = setup(dir.path());
    let _held = Session::open(&path, Arc::clone(&catalogue), lead(), Utc::now()).expect("opens");
    let (outcome, output) = drive(&path, &catalogue, reviewer(), "a\n", false, Filter::All);
    assert_eq!(outcome, Outcome::ReadOnly);
    assert!(output.contains("Read-only: "), "{output}");
    assert!(saved(&path).reviews.is_empty());
}
