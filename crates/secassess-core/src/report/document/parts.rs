//! The findings register and the answers, section by section.

use super::*;

pub(super) fn findings_register(b: &mut Builder, pack: &Pack) {
    b.heading(1, PARTS[3]);
    if pack.findings.is_empty() {
        b.paragraph("No findings are recorded.");
        return;
    }
    let rows = pack
        .findings
        .iter()
        .map(|f| {
            let mut flags = Vec::new();
            if !f.overdue.is_empty() {
                flags.push("OVERDUE");
            }
            if f.needs_escalation {
                flags.push("ESCALATE");
            }
            if f.edited_outside {
                flags.push("EDITED OUTSIDE SECASSESS");
            } else if !f.problems.is_empty() {
                flags.push("PROBLEM");
            }
            vec![
                f.id.clone(),
                f.title.clone(),
                f.severity.name().to_uppercase(),
                f.status.label().to_string(),
                f.owner.clone(),
                flags.join(" "),
            ]
        })
        .collect();
    b.table(
        &[
            ("ID", 8),
            ("Title", 34),
            ("Severity", 10),
            ("Status", 14),
            ("Owner", 18),
            ("Flags", 12),
        ],
        rows,
    );
    for f in &pack.findings {
        b.anchor(finding_anchor(&f.id));
        b.heading(3, format!("{} {}", f.id, f.title));
        let mut rows = vec![
            ("Severity", f.severity.name().to_uppercase()),
            ("Status", f.status.label().to_string()),
            ("Owner", f.owner.clone()),
            ("Obligations", f.obligations.join(", ")),
            ("Questions", f.questions.join(", ")),
            ("Description", f.description.clone()),
            (
                "Raised",
                format!("by {} on {}", f.raised_by, when(f.raised_at)),
            ),
            ("Mitigation plan", f.mitigation.clone().unwrap_or_default()),
            ("Risk acceptance", f.acceptance.clone().unwrap_or_default()),
            ("Exception", f.exception.clone().unwrap_or_default()),
            (
                "Treated",
                if f.treated {
                    format!("yes: {}", f.treatment)
                } else {
                    format!("NO: {}", f.treatment)
                },
            ),
        ];
        if f.edited_outside {
            rows.push((
                "EDITED OUTSIDE SECASSESS",
                "this finding does not match its latest audit entry: it was changed or added in a text editor, not through secassess. It treats nothing until someone checks the change and acknowledges it in secassess.".into(),
            ));
        }
        for o in &f.overdue {
            rows.push(("OVERDUE", o.clone()));
        }
        if f.needs_escalation {
            rows.push((
                "ESCALATE",
                format!("a risk acceptance on a MUST obligation of an OFFICIAL-SENSITIVE system: escalate it through the business owner to the directorate or organisation risk register ({})", findings::ESCALATION_POLICY),
            ));
        }
        if let Some(why) = &f.no_longer_applies {
            rows.push(("NO LONGER APPLIES", why.clone()));
        }
        for p in &f.problems {
            rows.push(("PROBLEM", p.clone()));
        }
        b.key_value(rows);
    }
}

fn answer_rows(a: &AnswerView) -> Vec<(&'static str, String)> {
    let answer = match (&a.answer, a.flagged) {
        (Some(answer), _) => answer.clone(),
        (None, true) => "NOT ANSWERED (marked \"answer later\")".into(),
        (None, false) if a.asked == "not known yet" => {
            "NOT ANSWERED (may not be asked, depending on answers still missing)".into()
        }
        (None, false) => "NOT ANSWERED".into(),
    };
    let answered = match (&a.answered_by, a.answered_at) {
        (Some(by), Some(at)) => format!("{by} on {}", when(at)),
        _ => String::new(),
    };
    let evidence = a.evidence.as_ref().map(evidence_words).unwrap_or_default();
    let mut rows = vec![
        ("Answer", answer),
        ("Answered by", answered),
        ("Notes", a.notes.clone()),
        ("Evidence", evidence),
        ("Review", a.review.clone().unwrap_or_default()),
    ];
    if a.edited_outside {
        rows.push((
            "EDITED OUTSIDE SECASSESS",
            "this answer does not match its latest audit entry: it was changed in a text editor, not through secassess".into(),
        ));
    }
    rows
}

pub(super) fn answers(b: &mut Builder, pack: &Pack) {
    b.heading(1, PARTS[4]);
    let mut current = "";
    for section in &pack.sections {
        if section.questionnaire != current {
            current = &section.questionnaire;
            b.heading(2, section.questionnaire_title.clone());
        }
        b.heading(3, section.title.clone());
        for a in &section.answers {
            b.paragraph(format!("{} ({})", a.prompt, a.question));
            b.key_value(answer_rows(a));
        }
        if !section.not_asked.is_empty() {
            b.paragraph(format!(
                "Not asked of this system: {}",
                section.not_asked.join(" | ")
            ));
        }
    }
    if !pack.no_longer_asked.is_empty() {
        b.heading(2, "Answered earlier, no longer asked");
        b.paragraph("These questions were answered when they applied; later answers mean they are no longer asked, so their answers count nowhere (not in progress, review, sign-off or the gate). They are kept in the file.");
        for a in &pack.no_longer_asked {
            b.paragraph(format!("{} ({})", a.prompt, a.question));
            let mut rows = answer_rows(a);
            let because = a.not_asked_because.clone().unwrap_or_default();
            rows.insert(
                0,
                (
                    "Status",
                    if because.is_empty() {
                        "answered earlier, no longer asked".to_string()
                    } else {
                        format!("answered earlier, no longer asked because {because}")
                    },
                ),
            );
            b.key_value(rows);
        }
    }
    if !pack.other_answers.is_empty() {
        b.heading(2, "Answers to questions the questionnaires no longer have");
        for a in &pack.other_answers {
            b.paragraph(a.question.clone());
            b.key_value(answer_rows(a));
        }
    }
    if !pack.answer_problems.is_empty() {
        b.heading(2, "Answers that could not be used");
        b.list(pack.answer_problems.clone());
    }
}
