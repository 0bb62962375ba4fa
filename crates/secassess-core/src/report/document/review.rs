//! The review and sign-off part: question by question in the order asked, with the
//! answer, the decision and the thread; decisions on answers no longer asked apart.

use super::*;

fn review_state(r: &ReviewView) -> String {
    let mut words = format!("{}\nby {}, {}", r.label, r.reviewer, when(r.decided_at));
    if r.edited_outside {
        words.push_str("\nEDITED OUTSIDE SECASSESS: this review does not match its audit entry");
    }
    words
}

fn thread_words(r: &ReviewView) -> String {
    r.thread
        .iter()
        .map(|c| format!("{}, {}: {}", c.author, when(c.at), c.text))
        .collect::<Vec<_>>()
        .join("\n")
}

fn answer_words(a: &AnswerView) -> String {
    let mut words = match (&a.answer, a.flagged) {
        (Some(answer), _) => answer.clone(),
        (None, true) => "NOT ANSWERED (marked \"answer later\")".into(),
        (None, false) => "NOT ANSWERED".into(),
    };
    if let Some(e) = &a.evidence {
        if !a
            .answer
            .as_deref()
            .unwrap_or_default()
            .contains(e.title.as_str())
        {
            words.push_str(&format!("\nEvidence: {}", e.title));
        }
        if let Some(check) = e.check.as_ref().filter(|c| c.needs_attention()) {
            words.push_str(&format!("\n{}", check.words()));
        }
    }
    if a.edited_outside {
        words.push_str("\nEDITED OUTSIDE SECASSESS");
    }
    words
}

/// One row of the review: the question, the answer, the decision and the thread.
fn review_row(a: &AnswerView, review: Option<&ReviewView>) -> Vec<String> {
    vec![
        format!("{}\n({})", a.prompt, a.question),
        answer_words(a),
        review.map_or_else(|| String::from("not reviewed"), review_state),
        review.map(thread_words).unwrap_or_default(),
    ]
}

const REVIEW_COLUMNS: [(&str, u16); 4] = [
    ("Question", 30),
    ("Answer", 24),
    ("Decision", 20),
    ("Thread", 26),
];

pub(super) fn review(b: &mut Builder, pack: &Pack) {
    b.heading(1, PARTS[5]);
    b.key_value(vec![("Review status", review_status(&pack.reviews))]);
    b.paragraph("Every answer that counts, section by section in the order the questions are asked: the question, the answer, the reviewer's decision and the conversation about it.");
    let reviews: BTreeMap<&str, &ReviewView> = pack
        .review_records
        .iter()
        .map(|r| (r.question.as_str(), r))
        .collect();
    let mut current = "";
    let mut any = false;
    for section in &pack.sections {
        let answered: Vec<&AnswerView> = section
            .answers
            .iter()
            .filter(|a| a.answer.is_some() || a.dont_know)
            .collect();
        if answered.is_empty() {
            continue;
        }
        any = true;
        if section.questionnaire != current {
            current = &section.questionnaire;
            b.heading(2, section.questionnaire_title.clone());
        }
        b.heading(3, section.title.clone());
        let anchors = answered
            .iter()
            .map(|a| review_anchor(&a.question))
            .collect();
        let rows = answered
            .iter()
            .map(|a| review_row(a, reviews.get(a.question.as_str()).copied()))
            .collect();
        b.anchored_table(&REVIEW_COLUMNS, rows, anchors, false);
    }
    if !any {
        b.paragraph("No question is answered yet.");
    }
    // Decisions on answers that count nowhere: kept in the file, shown apart.
    let apart: Vec<Vec<String>> = pack
        .no_longer_asked
        .iter()
        .chain(&pack.other_answers)
        .filter_map(|a| {
            let r = reviews.get(a.question.as_str())?;
            Some(review_row(a, Some(r)))
        })
        .collect();
    if !apart.is_empty() {
        b.heading(2, "Decisions on answers no longer asked");
        b.paragraph("These answers are no longer asked (or the questionnaires no longer have the question): the decisions and queries on them are kept, and count nowhere (not in the review status, readiness for sign-off or the gate).");
        b.table(&REVIEW_COLUMNS, apart);
    }
    b.heading(2, "Ready for sign-off");
    if pack.readiness.ready {
        b.paragraph("Yes: every asked question is answered and accepted on its current content, no query is open, every finding is treated, the gate passes and the file matches its audit trail.");
    } else {
        b.paragraph(format!(
            "No: {} thing(s) stand in the way, as `secassess review` lists them:",
            pack.readiness.blockers.len()
        ));
        b.list(pack.readiness.blockers.clone());
    }
    b.anchor(anchor_id("section", "sign-off"));
    b.heading(2, "Sign-off");
    b.key_value(sign_off_rows(pack, true));
    // The other sign-offs in one place, as `verify` lists them, so a reader can see at a
    // glance whether every risk acceptance and exception carries its decider's signature
    // without reading the whole register.
    let decisions: Vec<&SignatureView> = pack
        .signatures
        .iter()
        .filter(|s| s.kind != signature::Kind::SignOff)
        .collect();
    if !decisions.is_empty() {
        b.heading(3, "Signatures of risk acceptances and exceptions");
        b.paragraph(
            "Each is signed with the SSH key of the person it names, or unsigned (self-declared):",
        );
        b.list(
            decisions
                .iter()
                .map(|s| format!("{}: {}", s.what, s.words))
                .collect(),
        );
    }
}
