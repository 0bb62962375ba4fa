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

use super::model::{
    evidence_words, status_word, when, AnswerView, EvidenceCheck, ObligationView, Pack,
    ReviewSummary, ReviewView,
};
use crate::assessment::findings;
use crate::assessment::record::Severity;
use crate::assessment::verify::ProblemKind;
use crate::questionnaire::model::{Level, Scope};
use crate::rules::{Citation, Status, GOOD_PRACTICE_BASIS, REQUIRED_BY};

/// One block of the document. Status is always a word, never colour alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Block {
    /// Level 1 is a part of the pack (each starts on a new page in the PDF), 2 a section,
    /// 3 an item.
    Heading {
        level: u8,
        text: String,
    },
    Paragraph {
        text: String,
    },
    /// Label and value pairs, e.g. the cover details.
    KeyValue {
        rows: Vec<(String, String)>,
    },
    /// A table; `widths` are relative column widths. Rows may contain newlines.
    Table {
        columns: Vec<String>,
        widths: Vec<u16>,
        rows: Vec<Vec<String>>,
        /// The anchor each row stands for (`""` for none), by row; may be shorter.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        anchors: Vec<String>,
        /// Small type and tight rows, for a long table read by looking things up (the full
        /// audit trail).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        compact: bool,
    },
    List {
        items: Vec<String>,
    },
    /// Items that each point to a place in the pack (what needs action): the PDF adds the
    /// page it is on, HTML a link.
    References {
        items: Vec<Reference>,
    },
    /// The list of the pack's parts, in order: the PDF adds the page each starts on.
    Contents {
        entries: Vec<Reference>,
    },
    /// Names the place where the next block starts, for [`Reference`]s to point at.
    Anchor {
        id: String,
    },
}

/// Text pointing at an anchor of the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document {
    pub title: String,
    pub subject: String,
    pub author: String,
    pub marking: String,
    /// Why the pack carries that marking, in words.
    pub marking_reason: String,
    pub generated_at: DateTime<Utc>,
    /// SHA-256 of the assessment file: the PDF's document id is derived from it.
    pub fingerprint: String,
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

/// Where an obligation's row is, in the obligations tables.
pub fn obligation_anchor(id: &str) -> String {
    anchor_id("obligation", id)
}

/// Where a finding's details are, in the findings register.
pub fn finding_anchor(id: &str) -> String {
    anchor_id("finding", id)
}

/// Where an answer's review is, in the review section.
pub fn review_anchor(question: &str) -> String {
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
/// appendix, full audit trail.
pub fn document(pack: &Pack) -> Document {
    let mut b = Builder { blocks: Vec::new() };
    cover(&mut b, pack);
    summary(&mut b, pack);
    obligations(&mut b, pack);
    findings_register(&mut b, pack);
    answers(&mut b, pack);
    review(&mut b, pack);
    audit_trail(&mut b, pack);
    integrity(&mut b, pack);
    audit_appendix(&mut b, pack);
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
        blocks: b.blocks,
    }
}

/// The sign-off in one line: who, when, and whether it still holds.
pub fn sign_off_words(pack: &Pack) -> String {
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

/// Whether the file matches its audit trail, in one line.
pub fn integrity_words(pack: &Pack) -> String {
    let i = &pack.integrity;
    if i.matches_audit_trail {
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
    if pack.reviews.reviewed_by.is_empty() {
        return match &pack.sign_off {
            Some(s) => format!("{}, {}", s.signed_by, s.role),
            None => "none yet".to_string(),
        };
    }
    pack.reviews
        .reviewed_by
        .iter()
        .map(|r| {
            let role = if r.role.is_empty() {
                String::from("role not recorded (a reviewer's role is recorded at sign-off)")
            } else {
                r.role.clone()
            };
            format!("{}, {role}: {} decision(s)", r.who, r.decisions)
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

/// The pipeline gate in one line, as `secassess check` says it.
pub fn gate_words(pack: &Pack) -> String {
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
pub fn readiness_words(pack: &Pack) -> String {
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
pub fn actions(pack: &Pack) -> Vec<Reference> {
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

/// The order obligations are shown in: by status (not met, unknown, met, not
/// applicable), then by level, then as the questionnaires list them.
pub const STATUS_ORDER: [Status; 4] = [
    Status::NotMet,
    Status::Unknown,
    Status::Met,
    Status::NotApplicable,
];

fn status_heading(status: Status) -> &'static str {
    match status {
        Status::NotMet => "Not met",
        Status::Unknown => "Unknown: not known yet whether met",
        Status::Met => "Met",
        Status::NotApplicable => "Not applicable to this system",
    }
}

fn level_rank(level: Level) -> usize {
    Level::ALL
        .iter()
        .position(|l| *l == level)
        .unwrap_or(usize::MAX)
}

/// Every quoted requirement, numbered in the order the obligations tables first cite
/// it: a sentence gets one number however many obligations rest on it, and one entry
/// naming every standard that says it (the Testing and Application Security standards
/// share some sentences word for word).
struct Quotes {
    numbers: BTreeMap<String, usize>,
    /// Sources and the sentence, by number - 1.
    list: Vec<(Vec<String>, String)>,
}

impl Quotes {
    fn number(&mut self, c: &Citation) -> usize {
        let source = format!("{}, {}", c.reference(), c.section);
        if let Some(n) = self.numbers.get(&c.quote) {
            if let Some((sources, _)) = self.list.get_mut(n - 1) {
                if !sources.contains(&source) {
                    sources.push(source);
                }
            }
            return *n;
        }
        self.list.push((vec![source], c.quote.clone()));
        let n = self.list.len();
        self.numbers.insert(c.quote.clone(), n);
        n
    }

    fn rows(self) -> Vec<Vec<String>> {
        self.list
            .into_iter()
            .enumerate()
            .map(|(i, (sources, quote))| {
                vec![
                    format!("[{}]", i + 1),
                    format!("\"{quote}\"\n{}", sources.join("\nAlso: ")),
                ]
            })
            .collect()
    }
}

/// The obligations of `scope` in reading order: grouped by status, then level.
pub fn reading_order(pack: &Pack, scope: Scope) -> Vec<&ObligationView> {
    let mut rows: Vec<&ObligationView> = pack
        .obligations
        .iter()
        .filter(|o| o.scope == scope)
        .collect();
    rows.sort_by_key(|o| {
        (
            STATUS_ORDER.iter().position(|s| *s == o.status),
            level_rank(o.level),
        )
    });
    rows
}

fn obligation_row(o: &ObligationView, quotes: &mut Quotes, with_status: bool) -> Vec<String> {
    // The rules engine ends the reasons with "Required by ...", quoting the source; the
    // requirement is quoted once in the numbered list, so it is not said here.
    let reasons: Vec<&str> = o
        .reasons
        .iter()
        .map(String::as_str)
        .filter(|r| !r.starts_with(REQUIRED_BY) && !r.starts_with(GOOD_PRACTICE_BASIS))
        .collect();
    let mut why = format!("{}\n{}", o.title, reasons.join("\n"));
    if let (Some(who), false) = (&o.exception_approver, o.status == Status::Met) {
        why.push_str(&format!(
            "\nExceptions: only the {who} can approve one; a risk acceptance does not treat a gap."
        ));
    }
    if let Some(t) = &o.treatment {
        why.push_str(&format!("\nTreatment: {t}"));
    }
    if let Some(blocks) = &o.blocks {
        why.push_str(&format!("\nBLOCKS THE GATE: {blocks}"));
    }
    let mut numbers: Vec<usize> = Vec::new();
    for c in &o.sources {
        let n = quotes.number(c);
        if !numbers.contains(&n) {
            numbers.push(n);
        }
    }
    let quoted = numbers
        .iter()
        .map(|n| format!("[{n}]"))
        .collect::<Vec<_>>()
        .join(" ");
    let mut row = vec![o.id.clone(), o.level.name().to_string()];
    if with_status {
        row.push(status_word(o.status).to_string());
    }
    row.push(why);
    row.push(quoted);
    row
}

fn obligations(b: &mut Builder, pack: &Pack) {
    b.heading(1, PARTS[2]);
    if !pack.gate.outside_self_assessment.is_empty() {
        b.paragraph("OUTSIDE SELF-ASSESSMENT: the obligations below are the baseline for OFFICIAL systems only and are NOT sufficient for this system, whatever their status.");
    }
    b.paragraph("Every obligation in the questionnaires, grouped by status (not met, unknown, met, not applicable) and then by level: whether it applies to this system, why, and how a gap is treated. The requirement each comes from is quoted once, in the numbered list \"Requirements quoted\" at the end of this part; the last column gives its numbers. Organisation duties are the organisation's, not the project's: context that never blocks the gate, listed last. Good practice is advice that supports a standard, not a requirement of it.");
    let mut quotes = Quotes {
        numbers: BTreeMap::new(),
        list: Vec::new(),
    };
    let system = reading_order(pack, Scope::System);
    for status in STATUS_ORDER {
        let group: Vec<&&ObligationView> = system.iter().filter(|o| o.status == status).collect();
        b.heading(2, format!("{} ({})", status_heading(status), group.len()));
        if group.is_empty() {
            b.paragraph("None.");
            continue;
        }
        let anchors = group.iter().map(|o| obligation_anchor(&o.id)).collect();
        let rows = group
            .iter()
            .map(|o| obligation_row(o, &mut quotes, false))
            .collect();
        b.anchored_table(
            &[
                ("ID", 22),
                ("Level", 10),
                ("Obligation and why", 56),
                ("Quoted", 12),
            ],
            rows,
            anchors,
            false,
        );
    }
    let organisation = reading_order(pack, Scope::Organisation);
    if !organisation.is_empty() {
        b.heading(
            2,
            format!(
                "Organisation context ({}): the organisation's duties, never the project's blockers",
                organisation.len()
            ),
        );
        let anchors = organisation
            .iter()
            .map(|o| obligation_anchor(&o.id))
            .collect();
        let rows = organisation
            .iter()
            .map(|o| obligation_row(o, &mut quotes, true))
            .collect();
        b.anchored_table(
            &[
                ("ID", 20),
                ("Level", 10),
                ("Status", 11),
                ("Obligation and why", 47),
                ("Quoted", 12),
            ],
            rows,
            anchors,
            false,
        );
    }
    b.heading(2, "Requirements quoted");
    b.paragraph("Each sentence of the standards that an obligation above rests on, quoted once, with the standard, its page and the date it was last updated.");
    let anchors = (1..=quotes.list.len())
        .map(|n| anchor_id("quote", &n.to_string()))
        .collect();
    let rows = quotes.rows();
    b.anchored_table(
        &[("No.", 7), ("Requirement quoted", 93)],
        rows,
        anchors,
        false,
    );
}

fn findings_register(b: &mut Builder, pack: &Pack) {
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

fn answers(b: &mut Builder, pack: &Pack) {
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

fn review(b: &mut Builder, pack: &Pack) {
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
}

fn change_words(old: &str, new: &str) -> String {
    match (old.is_empty(), new.is_empty()) {
        (true, true) => String::new(),
        (true, false) => new.to_string(),
        (false, true) => format!("{old} -> (nothing)"),
        (false, false) => format!("{old} -> {new}"),
    }
}

fn chain_words(pack: &Pack) -> String {
    if pack.audit.chain_intact {
        format!(
            "Chain verification: INTACT. All {} entries follow each other and match their hashes.",
            pack.audit.entries.len()
        )
    } else {
        format!(
            "Chain verification: BROKEN. {} problem(s) found; the entries named below were edited, deleted, inserted or moved outside secassess.",
            pack.audit.problems.len()
        )
    }
}

/// The audit trail on one page: the chain verification, the first and last entries, and
/// how many entries each person made of each kind, with when; the full trail is the last
/// appendix.
fn audit_trail(b: &mut Builder, pack: &Pack) {
    b.heading(1, PARTS[6]);
    b.paragraph(chain_words(pack));
    b.list(pack.audit.problems.clone());
    let entries = &pack.audit.entries;
    let (Some(first), Some(last)) = (entries.first(), entries.last()) else {
        b.paragraph("The audit trail is empty.");
        return;
    };
    let entry_words = |n: usize, e: &super::model::AuditEntryView| {
        format!(
            "#{n}, {}: {} {} by {}",
            when(e.at),
            e.action,
            e.subject,
            e.who
        )
    };
    b.key_value(vec![
        ("Entries", entries.len().to_string()),
        ("First", entry_words(1, first)),
        ("Last", entry_words(entries.len(), last)),
    ]);
    b.heading(2, "Entries by person and action");
    // Entries of one kind by one person: how many, first and last.
    struct Group<'p> {
        who: &'p str,
        action: &'p str,
        entries: usize,
        first: DateTime<Utc>,
        last: DateTime<Utc>,
    }
    let mut groups: Vec<Group<'_>> = Vec::new();
    for e in entries {
        match groups
            .iter_mut()
            .find(|g| g.who == e.who.as_str() && g.action == e.action.as_str())
        {
            Some(g) => {
                g.entries += 1;
                g.first = g.first.min(e.at);
                g.last = g.last.max(e.at);
            }
            None => groups.push(Group {
                who: &e.who,
                action: &e.action,
                entries: 1,
                first: e.at,
                last: e.at,
            }),
        }
    }
    groups.sort_by(|a, b| a.who.cmp(b.who).then(a.first.cmp(&b.first)));
    let rows = groups
        .iter()
        .map(|g| {
            vec![
                g.who.to_string(),
                g.action.to_string(),
                g.entries.to_string(),
                when(g.first),
                when(g.last),
            ]
        })
        .collect();
    b.table(
        &[
            ("Person", 34),
            ("Action", 20),
            ("Entries", 9),
            ("First", 18),
            ("Last", 18),
        ],
        rows,
    );
    b.references(vec![Reference {
        text: format!("Every entry, with what it changed: {}", PARTS[8]),
        target: part_anchor(PARTS[8]),
    }]);
}

/// The name part of "Name <email>".
fn name_of(who: &str) -> &str {
    who.split_once(" <").map_or(who, |(name, _)| name)
}

/// The full audit trail, entry by entry, in a compact table: times to the minute in UTC,
/// people by name (their addresses are in the summary's table; a name two people share
/// keeps its address).
fn audit_appendix(b: &mut Builder, pack: &Pack) {
    b.heading(1, PARTS[8]);
    b.paragraph(chain_words(pack));
    if pack.audit.entries.is_empty() {
        b.paragraph("The audit trail is empty.");
        return;
    }
    let mut people: BTreeMap<&str, std::collections::BTreeSet<&str>> = BTreeMap::new();
    for e in &pack.audit.entries {
        people.entry(name_of(&e.who)).or_default().insert(&e.who);
    }
    let who = |signature: &str| -> String {
        let name = name_of(signature);
        if people.get(name).is_some_and(|all| all.len() == 1) && !name.is_empty() {
            name.to_string()
        } else {
            signature.to_string()
        }
    };
    b.paragraph("Times are UTC. People are named as in \"Entries by person and action\" in the audit trail part, which gives their addresses.");
    let rows = pack
        .audit
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            vec![
                (i + 1).to_string(),
                e.at.format("%Y-%m-%d %H:%M").to_string(),
                who(&e.who),
                format!("{} {}", e.action, e.subject),
                change_words(&e.old, &e.new),
            ]
        })
        .collect();
    b.anchored_table(
        &[
            ("#", 5),
            ("When (UTC)", 14),
            ("Who", 16),
            ("What", 28),
            ("Change", 37),
        ],
        rows,
        Vec::new(),
        true,
    );
}

fn verify_kind(kind: ProblemKind) -> &'static str {
    match kind {
        ProblemKind::AuditChain => "audit chain",
        ProblemKind::Header => "assessment details",
        ProblemKind::Answer => "answer",
        ProblemKind::Review => "review",
        ProblemKind::Finding => "finding",
        ProblemKind::SignOff => "sign-off",
    }
}

/// How a reader checks this pack, with the exact command that makes it again.
fn how_to_check(pack: &Pack) -> Vec<String> {
    let i = &pack.integrity;
    let mut command = format!(
        "secassess export {} --pdf PACK.pdf --generated-at {} --date {}",
        i.assessment_file,
        pack.generated_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        pack.dates_checked_on
    );
    if pack.marking_raised {
        command.push_str(&format!(" --marking {}", pack.marking));
    }
    vec![
        format!(
            "Is this the pack of that file? Compute the SHA-256 of the assessment file (sha256sum FILE on Linux, shasum -a 256 FILE on macOS, Get-FileHash FILE in PowerShell) and compare it with {}. Its first 16 characters are printed at the top of every page.",
            i.assessment_sha256
        ),
        "Does the file match its audit trail? Run secassess verify FILE: it reports the same problems as listed above (none, when it matches).".into(),
        format!(
            "Was the pack changed after it was made? Make it again with secassess {} and the same questionnaires: {command}. The new PDF is byte-identical to an unchanged one (compare their SHA-256).",
            pack.tool_version
        ),
        "What changed since the sign-off, or since last year's assessment? Run secassess diff OLD NEW.".into(),
    ]
}

fn integrity(b: &mut Builder, pack: &Pack) {
    b.heading(1, PARTS[7]);
    let i = &pack.integrity;
    b.key_value(vec![
        ("Assessment file", i.assessment_file.clone()),
        ("SHA-256 of its content", i.assessment_sha256.clone()),
        ("Verification", i.verify.clone()),
        (
            "Audit trail",
            format!(
                "{} entries, chain {}",
                i.audit_entries,
                if i.audit_chain_intact {
                    "intact"
                } else {
                    "BROKEN"
                }
            ),
        ),
        ("Matches its audit trail", integrity_words(pack)),
        ("Sign-off", sign_off_words(pack)),
    ]);
    b.heading(2, "What secassess verify finds");
    if i.verify_problems.is_empty() {
        b.paragraph("Nothing: the audit trail's hash chain is intact, and every answer, review decision, finding and the sign-off is what its latest audit entry recorded.");
    } else {
        let rows = i
            .verify_problems
            .iter()
            .map(|p| {
                vec![
                    p.entry.map(|e| e.to_string()).unwrap_or_else(|| "-".into()),
                    verify_kind(p.kind).to_string(),
                    p.message.clone(),
                    format!("expected {}\nfound {}", p.expected, p.found),
                ]
            })
            .collect();
        b.table(
            &[
                ("Entry", 6),
                ("What", 10),
                ("Problem", 44),
                ("Audit trail says / file holds", 40),
            ],
            rows,
        );
    }
    b.heading(2, "How to check this pack");
    b.list(how_to_check(pack));
    b.heading(2, "Questionnaires used");
    let rows = pack
        .questionnaires
        .iter()
        .map(|q| {
            let recorded = match (&q.recorded_version, &q.recorded_sha256) {
                _ if q.matches_record => "same as recorded".to_string(),
                (Some(v), Some(s)) => format!("recorded {v}, SHA-256 {s}"),
                (Some(v), None) => format!("recorded {v}, no hash"),
                (None, _) => "not recorded in the assessment".to_string(),
            };
            vec![
                format!("{} {}", q.id, q.version),
                q.sha256.clone(),
                recorded,
            ]
        })
        .collect();
    b.table(
        &[
            ("Questionnaire", 22),
            ("SHA-256 used for this pack", 48),
            ("In the assessment", 30),
        ],
        rows,
    );
    if !i.finding_problems.is_empty() {
        b.heading(2, "Findings register problems");
        b.list(i.finding_problems.clone());
    }
    b.heading(2, "Evidence files");
    if i.evidence_files.is_empty() {
        b.paragraph("No local evidence files are referenced.");
    } else {
        let rows = i
            .evidence_files
            .iter()
            .map(|e| {
                vec![
                    e.path.clone(),
                    e.recorded_sha256.clone().unwrap_or_else(|| "none".into()),
                    e.check
                        .as_ref()
                        .map(EvidenceCheck::words)
                        .unwrap_or_else(|| "not checked".into()),
                ]
            })
            .collect();
        b.table(
            &[("Path", 30), ("Recorded SHA-256", 40), ("At export", 30)],
            rows,
        );
    }
}
