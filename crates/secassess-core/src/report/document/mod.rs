//! The evidence pack laid out for reading: [`document`] turns a [`Pack`] into a
//! [`Document`], a list of blocks in the order a reader needs them, which the PDF,
//! Markdown and HTML renderers draw.
//!
//! The order is a reader's: the cover says what the pack is about and where it stands
//! (sign-off, gate, classification, the pack's own marking and why); the summary says
//! first what needs action, each item with where it is; obligations come grouped by
//! status (not met, unknown, met, not applicable) and then level, every standard's
//! sentence quoted once in a numbered list the tables refer to; the review goes question
//! by question in the order asked; the audit trail is summarised in the body and given in
//! full in an appendix. Pure: the pack in, blocks out.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

mod audit;
mod obligations;
mod parts;
mod review;

pub use obligations::STATUS_ORDER;

use super::model::{
    evidence_words, status_word, when, AnswerView, EvidenceCheck, ObligationView, Pack,
    ReviewSummary, ReviewView, SignatureView, INCOMPLETE,
};
use crate::assessment::findings;
use crate::assessment::record::Severity;
use crate::assessment::signature;
use crate::assessment::verify::ProblemKind;
use crate::questionnaire::model::{Level, Scope};
use crate::rules::{Citation, Status, GOOD_PRACTICE_BASIS, REQUIRED_BY};

/// One block of the document. Status is always a word, never colour alone. Text in a
/// block is plain (no markup) and may come from the assessment file: each renderer
/// sanitises and escapes it at its own exit (`text::sanitise`, `markdown::escape`, the
/// HTML and PDF writers). A newline in a text starts a new line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Block {
    /// Level 1 is a part of the pack (each starts on a new page in the PDF), 2 a section,
    /// 3 an item.
    Heading {
        /// 1 to 3, as above; the document's title sits above level 1 in every format.
        level: u8,
        /// The heading's words. A level-1 heading is one of [`PARTS`] in a pack.
        text: String,
    },
    /// A paragraph of running text.
    Paragraph {
        /// The paragraph; newlines are kept as line breaks.
        text: String,
    },
    /// Label and value pairs, e.g. the cover details.
    KeyValue {
        /// (label, value) in the order shown; a pair with an empty value is left out
        /// when the block is built.
        rows: Vec<(String, String)>,
    },
    /// A table; `widths` are relative column widths. Rows may contain newlines.
    Table {
        /// The column headings, repeated at the top of each page the table runs onto.
        columns: Vec<String>,
        /// One relative weight per column: the PDF shares the page width in these
        /// proportions (widening a column too narrow for the longest id or address in
        /// it, while the page allows); Markdown ignores them.
        widths: Vec<u16>,
        /// The rows, each a cell per column in column order; a cell may hold newlines.
        rows: Vec<Vec<String>>,
        /// The anchor each row stands for (`""` for none), by row; may be shorter.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        anchors: Vec<String>,
        /// Small type and tight rows, for a long table read by looking things up (the full
        /// audit trail).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        compact: bool,
    },
    /// A bulleted list; never empty when built here.
    List {
        /// The items, in order.
        items: Vec<String>,
    },
    /// Items that each point to a place in the pack (what needs action): the PDF adds the
    /// page it is on, HTML a link.
    References {
        /// The items, in order; never empty when built here.
        items: Vec<Reference>,
    },
    /// The list of the pack's parts, in order: the PDF adds the page each starts on.
    Contents {
        /// One entry per part after the cover, pointing at its anchor.
        entries: Vec<Reference>,
    },
    /// Names the place where the next block starts, for [`Reference`]s to point at.
    Anchor {
        /// The anchor's id ([`anchor_id`]); references reach the first anchor with it.
        id: String,
    },
}

/// Text pointing at an anchor of the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    /// What is pointed at, in words that stand alone (Markdown drops the link).
    pub text: String,
    /// The anchor's id ([`anchor_id`]); empty for none.
    pub target: String,
}

/// An anchor id from a kind and a name, using only ASCII letters, digits, `-`, `_` and
/// `.`, so every renderer can use it as is (an HTML `id`, a PDF destination).
pub fn anchor_id(kind: &str, name: &str) -> String {
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("{kind}-{name}")
}

/// A document laid out for reading, independent of format: the evidence pack
/// ([`document`]) or the shell's portfolio register. The PDF, HTML and Markdown
/// renderers draw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document {
    /// The title, e.g. "Security self-assessment: Ward rota" ("Outside self-assessment:
    /// ..." when a stop notice shows); the PDF's Title, the top heading elsewhere.
    pub title: String,
    /// One line saying what the document is, with its marking and the secassess version;
    /// the PDF's Subject, the HTML description.
    pub subject: String,
    /// Who it is by: the assessor's name for a pack; the PDF's Author.
    pub author: String,
    /// The protective marking, e.g. "OFFICIAL-SENSITIVE" (uppercase), printed at the top
    /// and bottom of every PDF page and of the Markdown and HTML.
    pub marking: String,
    /// Why the pack carries that marking, in words.
    pub marking_reason: String,
    /// When it was generated, in UTC (given by the caller: `--generated-at` or
    /// `SOURCE_DATE_EPOCH` make it reproducible); shown as `YYYY-MM-DD HH:MM UTC`.
    pub generated_at: DateTime<Utc>,
    /// SHA-256 of the assessment file (or, for the portfolio register, of the register's
    /// JSON): the PDF's document id is derived from it.
    pub fingerprint: String,
    /// What `fingerprint` is the SHA-256 of, as the page header names it ("File").
    pub fingerprint_of: String,
    /// The content, in reading order.
    pub blocks: Vec<Block>,
}

/// The part titles, in the order the evidence pack requires.
pub const PARTS: [&str; 9] = [
    "Evidence pack",
    "Summary",
    "Obligations",
    "Findings register",
    "Answers",
    "Review and sign-off",
    "Audit trail",
    "Integrity appendix",
    "Appendix: full audit trail",
];

/// Where each part starts.
fn part_anchor(part: &str) -> String {
    anchor_id("part", part)
}

/// Where an obligation's row is, in the obligations tables: `obligation-ID`.
pub(crate) fn obligation_anchor(id: &str) -> String {
    anchor_id("obligation", id)
}

/// Where a finding's details are, in the findings register: `finding-ID`.
pub(crate) fn finding_anchor(id: &str) -> String {
    anchor_id("finding", id)
}

/// Where an answer's review is, in the review section: `review-QUESTION`.
pub(crate) fn review_anchor(question: &str) -> String {
    anchor_id("review", question)
}

struct Builder {
    blocks: Vec<Block>,
}

impl Builder {
    fn heading(&mut self, level: u8, text: impl Into<String>) {
        let text = text.into();
        if level == 1 {
            self.anchor(part_anchor(&text));
        }
        self.blocks.push(Block::Heading { level, text });
    }
    fn anchor(&mut self, id: String) {
        self.blocks.push(Block::Anchor { id });
    }
    fn paragraph(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Paragraph { text: text.into() });
    }
    fn key_value(&mut self, rows: Vec<(&str, String)>) {
        let rows: Vec<(String, String)> = rows
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        if !rows.is_empty() {
            self.blocks.push(Block::KeyValue { rows });
        }
    }
    fn table(&mut self, columns: &[(&str, u16)], rows: Vec<Vec<String>>) {
        self.anchored_table(columns, rows, Vec::new(), false);
    }
    fn anchored_table(
        &mut self,
        columns: &[(&str, u16)],
        rows: Vec<Vec<String>>,
        anchors: Vec<String>,
        compact: bool,
    ) {
        self.blocks.push(Block::Table {
            columns: columns.iter().map(|(c, _)| c.to_string()).collect(),
            widths: columns.iter().map(|(_, w)| *w).collect(),
            rows,
            anchors,
            compact,
        });
    }
    fn list(&mut self, items: Vec<String>) {
        if !items.is_empty() {
            self.blocks.push(Block::List { items });
        }
    }
    fn references(&mut self, items: Vec<Reference>) {
        if !items.is_empty() {
            self.blocks.push(Block::References { items });
        }
    }
    fn contents(&mut self) {
        self.blocks.push(Block::Contents {
            entries: PARTS
                .iter()
                .skip(1)
                .map(|p| Reference {
                    text: p.to_string(),
                    target: part_anchor(p),
                })
                .collect(),
        });
    }
}

/// Obligations of the system (organisation duties are counted apart) at one level.
fn count_status(pack: &Pack, level: Level, status: Status) -> usize {
    pack.obligations
        .iter()
        .filter(|o| o.scope == Scope::System && o.level == level && o.status == status)
        .count()
}

/// Lays the pack out in the order the evidence pack requires: cover, summary,
/// obligations, findings, answers, review and sign-off, audit trail (summary), integrity
/// appendix, full audit trail (the level-1 headings are [`PARTS`], in order). Pure and
/// total: the same pack gives the same document.
pub fn document(pack: &Pack) -> Document {
    let mut b = Builder { blocks: Vec::new() };
    cover(&mut b, pack);
    summary(&mut b, pack);
    obligations::obligations(&mut b, pack);
    parts::findings_register(&mut b, pack);
    parts::answers(&mut b, pack);
    review::review(&mut b, pack);
    audit::audit_trail(&mut b, pack);
    audit::integrity(&mut b, pack);
    audit::audit_appendix(&mut b, pack);
    Document {
        title: pack.title.clone(),
        subject: if pack.gate.outside_self_assessment.is_empty() {
            format!(
                "Security self-assessment evidence pack ({}), generated by secassess {}",
                pack.marking, pack.tool_version
            )
        } else {
            format!(
                "Record of answers for a system outside self-assessment ({}), generated by secassess {}",
                pack.marking, pack.tool_version
            )
        },
        author: pack.assessor.clone(),
        marking: pack.marking.clone(),
        marking_reason: pack.marking_reason.clone(),
        generated_at: pack.generated_at,
        fingerprint: pack.integrity.assessment_sha256.clone(),
        fingerprint_of: String::from("File"),
        blocks: b.blocks,
    }
}

/// The sign-off in one line: who, when, and whether it still holds: "SIGNED OFF by NAME
/// (ROLE) on YYYY-MM-DD HH:MM UTC: STATE", or "NOT SIGNED OFF".
pub(crate) fn sign_off_words(pack: &Pack) -> String {
    match &pack.sign_off {
        Some(s) => format!(
            "SIGNED OFF by {} ({}) on {}: {}",
            s.signed_by,
            if s.role.is_empty() {
                "no role given"
            } else {
                &s.role
            },
            when(s.signed_at),
            s.state
        ),
        None => "NOT SIGNED OFF".to_string(),
    }
}

/// The sign-off's rows, built in one place for the cover and the sign-off section (which
/// adds the statement and hashes, `detailed`).
fn sign_off_rows(pack: &Pack, detailed: bool) -> Vec<(&'static str, String)> {
    let Some(s) = &pack.sign_off else {
        return vec![(
            "Sign-off",
            String::from("NOT SIGNED OFF: no reviewer has signed off this assessment"),
        )];
    };
    let mut rows = vec![
        ("Sign-off", s.state.clone()),
        (
            "Signed by",
            if s.role.is_empty() {
                s.signed_by.clone()
            } else {
                format!("{}, {}", s.signed_by, s.role)
            },
        ),
        ("Signed", when(s.signed_at)),
        // Its SSH signature right under it: "unsigned" says a sign-off is self-declared.
        ("Signature", s.signature.clone()),
    ];
    if detailed {
        rows.push(("Statement", s.statement.clone()));
        rows.push(("Content hash signed", s.content_hash.clone()));
        if s.changed_since {
            rows.push(("Content hash now", s.current_content_hash.clone()));
        }
    }
    rows
}

/// Whether the file matches its audit trail, in one line: cut short (no end marker),
/// matching (with the number of audit entries), or not matching (with the number of
/// problems the integrity appendix lists).
pub(crate) fn integrity_words(pack: &Pack) -> String {
    let i = &pack.integrity;
    if !i.file_complete {
        format!("THE FILE MAY HAVE BEEN CUT SHORT: {INCOMPLETE}")
    } else if i.matches_audit_trail {
        format!(
            "the file matches its audit trail: the chain of {} entries is intact and every answer, review{} matches its audit entry",
            i.audit_entries,
            if pack.sign_off.is_some() {
                ", finding and the sign-off"
            } else {
                " and finding"
            }
        )
    } else {
        format!(
            "THE FILE DOES NOT MATCH ITS AUDIT TRAIL: {} problem(s), listed in the integrity appendix",
            i.verify_problems.len()
        )
    }
}

/// The warning printed at the top of the cover and the summary when the file does not
/// match its audit trail.
fn integrity_warning(pack: &Pack) -> Option<String> {
    if !pack.integrity.file_complete {
        return Some(format!(
            "WARNING: THIS ASSESSMENT FILE MAY HAVE BEEN CUT SHORT: {INCOMPLETE}. Do not rely on this pack until that is explained."
        ));
    }
    (!pack.integrity.matches_audit_trail).then(|| {
        format!(
            "WARNING: THIS ASSESSMENT FILE DOES NOT MATCH ITS AUDIT TRAIL. {} problem(s) were found (listed in the integrity appendix): parts of it were changed outside secassess, or its audit trail was edited. Do not rely on this pack until that is explained.",
            pack.integrity.verify_problems.len()
        )
    })
}

/// The reviewers with their roles: a role is recorded with a sign-off, so a reviewer who
/// has not signed off is shown without one, saying so.
fn reviewers_words(pack: &Pack) -> String {
    let role_words = |role: &str| {
        if role.is_empty() {
            String::from("role not recorded (a reviewer's role is recorded at sign-off)")
        } else {
            role.to_string()
        }
    };
    if pack.reviews.reviewed_by.is_empty() {
        return match &pack.sign_off {
            Some(s) => format!("{}, {}", s.signed_by, role_words(&s.role)),
            None => "none yet".to_string(),
        };
    }
    pack.reviews
        .reviewed_by
        .iter()
        .map(|r| {
            format!(
                "{}, {}: {} decision(s)",
                r.who,
                role_words(&r.role),
                r.decisions
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn classification_words(pack: &Pack) -> String {
    let c = &pack.classification;
    let mut words = c.text.clone();
    if !c.because.is_empty() {
        words.push_str(&format!(", because {}", c.because.join(" and ")));
    }
    if !c.explanation.is_empty() && !c.explanation.ends_with(&c.text) {
        words.push_str(&format!(". {}", c.explanation));
    }
    // Always with its reason. Raised or unsettled, the words above give it; settled as
    // declared, the explanation only repeats the value, so say where it comes from.
    if c.settled && c.because.is_empty() {
        words.push_str(
            ": as declared in answer to the classification question; nothing in the answers raises it",
        );
    }
    words
}

fn cover(b: &mut Builder, pack: &Pack) {
    b.heading(1, PARTS[0]);
    // A system outside self-assessment is said first, and the pack does not call itself
    // a self-assessment of it.
    for stop in &pack.gate.outside_self_assessment {
        b.paragraph(format!("OUTSIDE SELF-ASSESSMENT. {stop}"));
    }
    if pack.gate.outside_self_assessment.is_empty() {
        b.paragraph(format!("Security self-assessment of {}", pack.system.name));
    } else {
        b.paragraph(format!(
            "Answers recorded for {}. This is NOT a completed self-assessment and does not show the system is secure enough: it is outside self-assessment, and the obligations in this pack are the OFFICIAL baseline only.",
            pack.system.name
        ));
    }
    if let Some(warning) = integrity_warning(pack) {
        b.paragraph(warning);
    }
    let questionnaires = pack
        .questionnaires
        .iter()
        .map(|q| format!("{} {}", q.id, q.version))
        .collect::<Vec<_>>()
        .join(", ");
    let assessor = if pack.assessor_role.is_empty() {
        pack.assessor.clone()
    } else {
        format!("{}, {}", pack.assessor, pack.assessor_role)
    };
    let mut rows = vec![
        ("System", pack.system.name.clone()),
        ("Description", pack.system.description.clone()),
        ("Assessor", assessor),
        ("Reviewer", reviewers_words(pack)),
    ];
    rows.extend(sign_off_rows(pack, false));
    rows.extend([
        ("Gate", gate_words(pack)),
        ("Ready for sign-off", readiness_words(pack)),
        ("Effective classification", classification_words(pack)),
        (
            "Marking of this pack",
            format!("{}: {}", pack.marking, pack.marking_reason),
        ),
        ("Review status", review_status(&pack.reviews)),
        ("Integrity", integrity_words(pack)),
        ("Started", when(pack.created_at)),
        ("Last changed", when(pack.updated_at)),
        ("Generated", when(pack.generated_at)),
        ("Dates checked on", pack.dates_checked_on.to_string()),
        ("Tool version", format!("secassess {}", pack.tool_version)),
        ("Questionnaires", questionnaires),
        ("Assessment file", pack.integrity.assessment_file.clone()),
        (
            "Assessment SHA-256",
            pack.integrity.assessment_sha256.clone(),
        ),
    ]);
    b.key_value(rows);
    // Stop notices were said first, above.
    for notice in pack.notices.iter().filter(|n| n.severity != "STOP") {
        b.paragraph(format!(
            "{}: {}. {}",
            notice.severity, notice.title, notice.text
        ));
    }
    b.heading(2, "Contents");
    b.contents();
}

/// The pipeline gate in one line, from the same `findings::gate` result `secassess
/// check` reports: "NOT PASSED: OUTSIDE SELF-ASSESSMENT. ..." while a stop notice shows,
/// else "PASSED: ..." with the MUST obligations met and treated, or "NOT PASSED: N of M
/// ...".
pub(crate) fn gate_words(pack: &Pack) -> String {
    if let Some(stop) = pack.gate.outside_self_assessment.first() {
        format!("NOT PASSED: OUTSIDE SELF-ASSESSMENT. {stop}")
    } else if pack.gate.passed {
        format!(
            "PASSED: every applicable MUST obligation is met ({}) or treated ({}).",
            pack.gate.met, pack.gate.treated
        )
    } else {
        format!(
            "NOT PASSED: {} of {} applicable MUST obligations are neither met nor treated.",
            pack.gate.blockers.len(),
            pack.gate.must
        )
    }
}

/// Whether it is ready to sign off, in one line: yes, or how many things stand in the way
/// and the first few.
pub(crate) fn readiness_words(pack: &Pack) -> String {
    let r = &pack.readiness;
    if r.ready {
        return String::from("yes: nothing stands in the way");
    }
    let first: Vec<&str> = r.blockers.iter().take(3).map(String::as_str).collect();
    let more = r.blockers.len().saturating_sub(first.len());
    format!(
        "no: {} thing(s) stand in the way: {}{}",
        r.blockers.len(),
        first.join("; "),
        if more > 0 {
            format!("; and {more} more (listed under Review and sign-off)")
        } else {
            String::new()
        }
    )
}

fn review_status(r: &ReviewSummary) -> String {
    let mut words = r.text.clone();
    if r.open_queries > 0 {
        words.push_str(&format!(
            "; open queries: {}",
            r.open_query_questions.join(", ")
        ));
    }
    words
}

/// What needs action, first, each item pointing at where it is in the pack: stop notices,
/// integrity problems, MUST obligations not met or unknown, untreated findings, overdue
/// dates, escalations, open queries and a sign-off that no longer holds.
pub(crate) fn actions(pack: &Pack) -> Vec<Reference> {
    let mut items = Vec::new();
    let mut item = |text: String, target: String| items.push(Reference { text, target });
    for stop in &pack.gate.outside_self_assessment {
        item(
            format!("OUTSIDE SELF-ASSESSMENT: {stop}"),
            part_anchor(PARTS[0]),
        );
    }
    if !pack.integrity.matches_audit_trail {
        item(
            format!(
                "INTEGRITY: the file does not match its audit trail ({} problem(s))",
                pack.integrity.verify_problems.len()
            ),
            part_anchor(PARTS[7]),
        );
    }
    let musts = |status: Status| {
        pack.obligations.iter().filter(move |o| {
            o.scope == Scope::System && o.level == Level::Must && o.status == status
        })
    };
    for o in musts(Status::NotMet) {
        let treatment = match (&o.blocks, &o.treatment) {
            (Some(blocks), _) => format!("BLOCKS THE GATE: {blocks}"),
            (None, Some(t)) => format!("treated: {t}"),
            (None, None) => String::from("no finding treats it"),
        };
        item(
            format!("NOT MET MUST {}: {}; {treatment}", o.id, o.title),
            obligation_anchor(&o.id),
        );
    }
    for o in musts(Status::Unknown) {
        item(
            format!("UNKNOWN MUST {}: {}", o.id, o.title),
            obligation_anchor(&o.id),
        );
    }
    for f in pack.findings.iter().filter(|f| !f.treated) {
        item(
            format!(
                "UNTREATED finding {} ({}): {}; {}",
                f.id,
                f.severity.name(),
                f.title,
                f.treatment
            ),
            finding_anchor(&f.id),
        );
    }
    for f in &pack.findings {
        for o in &f.overdue {
            item(
                format!("OVERDUE: {} ({}): {o}", f.id, f.title),
                finding_anchor(&f.id),
            );
        }
    }
    for f in pack.findings.iter().filter(|f| f.needs_escalation) {
        item(
            format!(
                "ESCALATE: {} ({}): a risk acceptance on a MUST obligation of an OFFICIAL-SENSITIVE system ({})",
                f.id, f.title, findings::ESCALATION_POLICY
            ),
            finding_anchor(&f.id),
        );
    }
    for q in &pack.reviews.open_query_questions {
        item(format!("OPEN QUERY on {q}"), review_anchor(q));
    }
    if let Some(s) = pack.sign_off.as_ref().filter(|s| !s.holds) {
        item(
            format!("SIGN-OFF: {}", s.state),
            anchor_id("section", "sign-off"),
        );
    }
    items
}

fn summary(b: &mut Builder, pack: &Pack) {
    b.heading(1, PARTS[1]);
    if let Some(warning) = integrity_warning(pack) {
        b.paragraph(warning);
    }
    b.heading(2, "What needs action");
    let actions = actions(pack);
    if actions.is_empty() {
        b.paragraph("Nothing: no MUST obligation is unmet or unknown, every finding is treated, nothing is overdue or waiting for escalation, and no query is open.");
    } else {
        b.paragraph(format!(
            "{} item(s), each with the page it is on:",
            actions.len()
        ));
        b.references(actions);
    }
    b.heading(2, "Where it stands");
    let p = &pack.progress;
    let mut rows = vec![
        (
            "Progress",
            format!(
                "{} of {} questions answered ({} \"don't know yet\")",
                p.answered, p.total, p.dont_know
            ),
        ),
        ("Gate", gate_words(pack)),
        ("Review", review_status(&pack.reviews)),
    ];
    rows.extend(sign_off_rows(pack, false).into_iter().take(1));
    rows.extend([
        ("Ready for sign-off", readiness_words(pack)),
        ("Integrity", integrity_words(pack)),
    ]);
    b.key_value(rows);
    b.heading(2, "Obligations by status and level");
    let statuses = [
        Status::NotMet,
        Status::Unknown,
        Status::Met,
        Status::NotApplicable,
    ];
    let mut rows = Vec::new();
    for level in Level::ALL {
        let mut row = vec![level.name().to_string()];
        row.extend(
            statuses
                .iter()
                .map(|s| count_status(pack, level, *s).to_string()),
        );
        rows.push(row);
    }
    // Organisation duties are context, counted apart from the system's obligations.
    let mut row = vec!["Organisation (context)".to_string()];
    row.extend(statuses.iter().map(|s| {
        pack.obligations
            .iter()
            .filter(|o| o.scope == Scope::Organisation && o.status == *s)
            .count()
            .to_string()
    }));
    rows.push(row);
    b.table(
        &[
            ("Level", 2),
            ("Not met", 2),
            ("Unknown", 2),
            ("Met", 2),
            ("N/A", 2),
        ],
        rows,
    );
    // "Treated" is the sign-off's sense (a plan with an owner and date, a valid risk
    // acceptance or exception, mitigated or closed), the same the headline counts.
    b.heading(2, "Findings by severity");
    let rows = Severity::ALL
        .iter()
        .map(|s| {
            let of_severity = || pack.findings.iter().filter(move |f| f.severity == *s);
            vec![
                s.name().to_uppercase(),
                of_severity().filter(|f| !f.treated).count().to_string(),
                of_severity().filter(|f| f.treated).count().to_string(),
            ]
        })
        .collect();
    b.table(&[("Severity", 2), ("Untreated", 2), ("Treated", 2)], rows);
    b.heading(2, "What to do next");
    b.list(pack.next_steps.clone());
}
