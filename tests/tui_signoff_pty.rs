//! The sign-off points that live in the terminal UI, in a real pseudo-terminal: escalation
//! asks to whom, a change to a signed-off assessment asks first (and a reviewer queries
//! rather than changes an answer), and the project lead is taken to the open queries.
#![cfg(unix)]

mod pty_support;
mod signoff_support;

use std::path::Path;

use pty_support::Tui;
use signoff_support::*;

const SIZE: (u16, u16) = (120, 40);

/// The TUI on `file` as `who` (name and email as the environment gives them).
fn open(dir: &Path, who: (&str, &str)) -> Tui {
    let file = dir.join(FILE).display().to_string();
    Tui::start(
        dir,
        &["open", &file],
        SIZE,
        &[("SECASSESS_NAME", who.0), ("SECASSESS_EMAIL", who.1)],
    )
}

const ANN: (&str, &str) = ("Ann Lead", "ann@example.nhs.uk");
const IVY: (&str, &str) = ("Ivy Reviewer", "ivy@example.nhs.uk");

/// The section list (`g`), its first section, its first question.
fn to_first_question(tui: &mut Tui) {
    tui.send("g");
    // More presses than there are sections: the list starts at the current one.
    for _ in 0..80 {
        tui.send("k");
    }
    tui.send("\r");
    tui.wait_for("highest security classification");
}

fn quit(mut tui: Tui) {
    tui.send("q");
    let (success, alternate) = tui.wait_exit();
    assert!(success && !alternate, "quit cleanly");
}

#[test]
fn point_5_escalating_in_the_tui_asks_to_whom_and_records_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    answered(dir.path());
    let mut tui = open(dir.path(), ANN);
    tui.wait_for("[saved");
    tui.send("f");
    tui.wait_for("Findings:");
    tui.send("e");
    tui.wait_for("Escalate F-001: to whom?");
    tui.wait_for("Their role");
    // A name alone is not enough.
    tui.type_line_in_form(&["Dee Director <dee@example.nhs.uk>", ""]);
    tui.wait_for("say to whom it is escalated");
    // The form stays open on the field left empty.
    tui.type_line("Director of Digital");
    tui.wait_for("F-001 escalated to Dee Director <dee@example.nhs.uk>.");
    tui.wait_for("[saved");
    quit(tui);
    let text = std::fs::read_to_string(dir.path().join(FILE)).expect("readable");
    assert!(
        text.contains("owner = \"Dee Director <dee@example.nhs.uk> (Director of Digital)\""),
        "{text}"
    );
    assert!(text.contains("status = \"escalated\""));
}

#[test]
fn point_6_a_signed_off_assessment_asks_before_it_changes_and_a_reviewer_cannot_change_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    signed_off(dir.path());

    // The reviewer queries; they do not change the lead's answers.
    let mut tui = open(dir.path(), IVY);
    tui.wait_for("[saved");
    to_first_question(&mut tui);
    tui.send("1");
    tui.wait_for("is reviewing this assessment");
    quit(tui);
    // Only where the walkthrough was left is saved: the sign-off still holds.
    let o = secassess(dir.path(), REVIEWER, &["verify", FILE], "");
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));

    // The lead is asked first; Esc leaves it as it is.
    let mut tui = open(dir.path(), ANN);
    tui.wait_for("[saved");
    to_first_question(&mut tui);
    tui.send("1");
    tui.wait_for("Change a signed-off assessment?");
    tui.wait_for("signed off by Ivy Reviewer <ivy@example.nhs.uk> on ");
    tui.wait_for("changing this will mark the assessment changed");
    tui.send("\x1b");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(!tui.screen().contains("Change a signed-off assessment?"));
    // Enter agrees, and the answer goes ahead.
    tui.send("1");
    tui.wait_for("Change a signed-off assessment?");
    tui.send("\r");
    tui.wait_for("No longer applies");
    tui.send("v");
    tui.wait_for("signed off; CHANGED SINCE SIGN-OFF: answer to");
    quit(tui);
    let o = secassess(dir.path(), REVIEWER, &["verify", FILE], "");
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("  - answer to classification changed"));
}

#[test]
fn point_7_the_lead_is_taken_to_the_open_queries_on_opening() {
    let dir = tempfile::tempdir().expect("temp dir");
    answered(dir.path());
    ok(
        dir.path(),
        REVIEWER,
        &["review", FILE],
        "s\nq\nWhy does it hold personal data?\nquit\n",
    );
    let mut tui = open(dir.path(), ANN);
    tui.wait_for("1 open review query from the reviewer; this is the first, on personal_data.");
    tui.wait_for("Will the system hold or process personally identifiable");
    tui.wait_for("Review: queried");
    tui.send("Q");
    tui.wait_for("Review comment");
    tui.type_line_in_form(&["Staff names and rotas only."]);
    tui.wait_for("Reply saved.");
    tui.wait_for("[saved");
    quit(tui);
    let text = std::fs::read_to_string(dir.path().join(FILE)).expect("readable");
    assert!(text.contains("Staff names and rotas only."));

    // The reviewer is not taken anywhere: the queries are theirs.
    let tui = open(dir.path(), IVY);
    tui.wait_for("[saved");
    assert!(
        !tui.screen().contains("open review query"),
        "{}",
        tui.screen()
    );
    quit(tui);
}
