//! The listing as a register for the PDF writer (`secassess portfolio --pdf FILE`): a
//! [`Document`] of blocks that [`crate::report::pdf::render`] lays out, like the evidence
//! pack. Every page carries the highest protective marking among the assessments listed
//! (a register of OFFICIAL-SENSITIVE systems is itself OFFICIAL-SENSITIVE), and its
//! header the start of the SHA-256 of the listing as `--format json` prints it, with the
//! command that prints it at the end, so a reader can check the register against the
//! folder.

use chrono::{DateTime, Utc};

use super::{
    change_line, change_word, escalated_words, gate_word, sign_off_long, trail_words, Column,
    Listing, LocalTime,
};
use crate::portfolio::Row;
use crate::report::document::{Block, Document};
use crate::report::model::when;

/// The title on every page.
pub const TITLE: &str = "Assessment register";

fn row_cells(r: &Row, local: impl LocalTime) -> Vec<String> {
    let gate = if r.gate.passed {
        gate_word(r).to_string()
    } else if !r.gate.outside_self_assessment.is_empty() {
        format!("{}\noutside self-assessment", gate_word(r))
    } else {
        format!("{}\n{} blocking", gate_word(r), r.gate.blocking.len())
    };
    let mut changed = Column::Changed.cell(r, local);
    if let Some(git) = r.git {
        changed.push('\n');
        changed.push_str(&super::git_word(git).to_lowercase());
    }
    vec![
        format!("{}\n{}\n{}", r.system, r.file, r.assessor),
        format!(
            "{}\n{} of {} answered",
            r.classification.text, r.progress.answered, r.progress.total
        ),
        gate,
        format!(
            "gaps {}\noverdue {}\nescalated {}",
            r.must_gaps_untreated.len(),
            r.overdue_findings(),
            escalated_words(r)
        ),
        sign_off_long(r, local),
        format!(
            "{}\ntrail {}",
            if r.questionnaires.current {
                "current"
            } else {
                "OLD"
            },
            trail_words(r)
        ),
        changed,
    ]
}

/// The register. `fingerprint` is the SHA-256 of the JSON listing and `check` the command
/// that prints that JSON.
pub fn document(
    listing: &Listing,
    generated_at: DateTime<Utc>,
    local: impl LocalTime,
    fingerprint: &str,
    check: &str,
) -> Document {
    let mut blocks = vec![Block::Heading {
        level: 1,
        text: TITLE.to_string(),
    }];
    let filter = if listing.filter.is_empty() {
        String::from("none")
    } else {
        listing.filter.words()
    };
    blocks.push(Block::KeyValue {
        rows: vec![
            ("Folders".into(), listing.folders.join(", ")),
            (
                "Assessments".into(),
                format!(
                    "{} read, {} listed (filter: {filter}), sorted by {}",
                    listing.found,
                    listing.assessments.len(),
                    listing.sort.name()
                ),
            ),
            ("Dates judged on".into(), listing.date.to_string()),
            (
                "Protective marking".into(),
                format!(
                    "{}: the highest among the assessments listed",
                    listing.marking
                ),
            ),
            (
                "Generated".into(),
                format!(
                    "{} by secassess {}",
                    when(generated_at),
                    listing.tool_version
                ),
            ),
        ],
    });

    let t = &listing.totals;
    let mut summary = vec![
        format!("Gate failed: {} of {}", t.gate_failed, t.assessments),
        format!("With MUST gaps untreated: {}", t.with_must_gaps),
        format!("With overdue dates: {}", t.with_overdue),
        format!("With escalations: {}", t.with_escalations),
        format!(
            "Signed off: {} valid, {} CHANGED SINCE SIGN-OFF, {} NO LONGER VALID, {} not signed off",
            t.signed_off_valid, t.changed_since_sign_off, t.no_longer_valid, t.not_signed_off
        ),
        format!(
            "Answered against old questionnaires: {}",
            t.old_questionnaires
        ),
        format!("Not matching their audit trail: {}", t.integrity_problems),
    ];
    if super::any_git(&listing.assessments) {
        summary.push(format!("Not committed to git: {}", t.uncommitted));
    }
    if listing.could_match > 0 {
        summary.push(format!(
            "{} more could match the classification filter once their classification is settled",
            listing.could_match
        ));
    }
    if !listing.unreadable.is_empty() {
        summary.push(format!(
            "Files that could not be read: {} (listed below)",
            listing.unreadable.len()
        ));
    }
    summary.extend(listing.git.iter().map(|n| format!("Git: {n}")));
    blocks.push(Block::Heading {
        level: 2,
        text: "Summary".into(),
    });
    blocks.push(Block::List { items: summary });

    blocks.push(Block::Heading {
        level: 2,
        text: "Assessments".into(),
    });
    if listing.assessments.is_empty() {
        blocks.push(Block::Paragraph {
            text: "None.".into(),
        });
    } else {
        blocks.push(Block::Table {
            columns: [
                "System, file, assessor",
                "Classification, progress",
                "Gate",
                "Findings",
                "Sign-off",
                "Versions, trail",
                "Last change",
            ]
            .map(String::from)
            .to_vec(),
            widths: vec![27, 20, 9, 13, 18, 10, 11],
            rows: listing
                .assessments
                .iter()
                .map(|r| row_cells(r, local))
                .collect(),
            anchors: Vec::new(),
            compact: false,
        });
    }

    if !listing.unreadable.is_empty() || !listing.skipped.is_empty() {
        blocks.push(Block::Heading {
            level: 2,
            text: "Files not read".into(),
        });
        blocks.push(Block::Table {
            columns: vec!["File".into(), "Why".into()],
            widths: vec![40, 60],
            rows: listing
                .unreadable
                .iter()
                .chain(&listing.skipped)
                .map(|u| vec![u.file.clone(), u.error.clone()])
                .collect(),
            anchors: Vec::new(),
            compact: false,
        });
    }

    if let Some(since) = &listing.since {
        blocks.push(Block::Heading {
            level: 2,
            text: format!("Changes since {}", since.revision),
        });
        blocks.push(Block::Paragraph {
            text: format!(
                "Commit {} of {}. The gate then is judged on {}; {} other file(s) compared with nothing to report.",
                since.commit,
                since.committed_at.format("%Y-%m-%d %H:%M %:z"),
                since.judged_then,
                since.unchanged
            ),
        });
        if since.changes.is_empty() {
            blocks.push(Block::Paragraph {
                text: "Nothing changed.".into(),
            });
        } else {
            blocks.push(Block::Table {
                columns: vec!["Change".into(), "What".into()],
                widths: vec![15, 85],
                rows: since
                    .changes
                    .iter()
                    .map(|c| vec![change_word(c.kind).to_string(), change_line(c)])
                    .collect(),
                anchors: Vec::new(),
                compact: false,
            });
        }
    }

    blocks.push(Block::Heading {
        level: 2,
        text: "Key to the columns".into(),
    });
    blocks.push(Block::KeyValue {
        rows: Column::ORDER
            .into_iter()
            .filter(|c| !matches!(c, Column::System | Column::File | Column::Assessor))
            .map(|c| (c.title().to_string(), c.meaning().to_string()))
            .collect(),
    });
    blocks.push(Block::Heading {
        level: 2,
        text: "How to check this register".into(),
    });
    blocks.push(Block::Paragraph {
        text: format!(
            "The header of every page gives the first 16 characters of the SHA-256 of this register's content in JSON, which is {fingerprint}. Run `{check}` where the register was made and compute the SHA-256 of what it prints (sha256sum, or Get-FileHash in PowerShell): the same folders, in the same state, give the same value."
        ),
    });

    Document {
        title: format!("{TITLE}: {}", listing.folders.join(", ")),
        subject: format!(
            "Register of security self-assessments ({}), generated by secassess {}",
            listing.marking, listing.tool_version
        ),
        author: String::from("secassess"),
        marking: listing.marking.clone(),
        marking_reason: String::from(
            "the highest marking among the assessments listed, each marked as its own evidence pack would be",
        ),
        generated_at,
        fingerprint: fingerprint.to_string(),
        fingerprint_of: String::from("Register"),
        blocks,
    }
}
