//! The team's view drawn: a [`Listing`] (the rows of [`crate::portfolio`], filtered and
//! sorted, with the files that could not be read and what git said) as a text table
//! fitted to a terminal ([`text`]), versioned JSON ([`json`]), CSV by the export's rules
//! ([`csv`]), one self-contained HTML page ([`html`]) and a PDF register laid out as a
//! [`crate::report::Document`] ([`register`]). The columns ([`Column`]) are defined once,
//! here, for the text table, the HTML page and the TUI's home screen.
//!
//! Pure: times are shown by the [`LocalTime`] passed in (the offset in force at each
//! instant); nothing reads a clock or a file. The
//! rows' strings were sanitised when the rows were made.

pub mod html;
pub mod register;
pub mod text;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::Serialize;

use crate::portfolio::{Change, Filter, GitState, Row, SignOffStatus, Sort, Totals, Unreadable};

/// How an instant is shown as local time: with the offset in force at that instant (the
/// shell's time zone), or a fixed one in tests. Any `Copy` closure of that shape.
pub trait LocalTime: Fn(DateTime<Utc>) -> DateTime<FixedOffset> + Copy {}

impl<F: Fn(DateTime<Utc>) -> DateTime<FixedOffset> + Copy> LocalTime for F {}

/// Everything one run of `secassess portfolio` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listing {
    pub schema: &'static str,
    pub schema_version: u32,
    pub tool_version: &'static str,
    /// The folders (or files) given, as given.
    pub folders: Vec<String>,
    /// The date target and review dates were judged against.
    pub date: NaiveDate,
    pub filter: Filter,
    pub sort: Sort,
    /// Assessments read, before filtering.
    pub found: usize,
    /// Rows the classification filter left out that could match once their
    /// classification is settled.
    pub could_match: usize,
    /// The highest protective marking among the rows listed.
    pub marking: String,
    pub totals: Totals,
    pub assessments: Vec<Row>,
    /// Files that look like assessments but could not be read, with why.
    pub unreadable: Vec<Unreadable>,
    /// What the walk did not look at, with why (symbolic links, folders it could not
    /// list).
    pub skipped: Vec<Unreadable>,
    /// What git said, or why it could not be asked.
    pub git: Vec<String>,
    /// `--since REV`: what changed since a revision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<Since>,
}

impl Listing {
    /// Filters and sorts `results` (one per file read, in any order) into a listing:
    /// rows that match `filter`, sorted by `sort`, with their totals and highest marking;
    /// files that could not be read kept whatever the filter.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        folders: Vec<String>,
        date: NaiveDate,
        filter: Filter,
        sort: Sort,
        results: Vec<Result<Row, Unreadable>>,
        skipped: Vec<Unreadable>,
        git: Vec<String>,
        catalogue: &crate::questionnaire::model::Catalogue,
    ) -> Listing {
        let mut rows = Vec::new();
        let mut unreadable = Vec::new();
        for result in results {
            match result {
                Ok(row) => rows.push(row),
                Err(u) => unreadable.push(u),
            }
        }
        let found = rows.len();
        let could_match = rows.iter().filter(|r| filter.could_match(r)).count();
        rows.retain(|r| filter.matches(r));
        crate::portfolio::sort(&mut rows, sort);
        unreadable.sort_by(|a, b| a.file.cmp(&b.file));
        Listing {
            schema: crate::portfolio::SCHEMA,
            schema_version: crate::portfolio::SCHEMA_VERSION,
            tool_version: env!("CARGO_PKG_VERSION"),
            folders: folders
                .iter()
                .map(|f| crate::text::sanitise_line(f))
                .collect(),
            date,
            filter,
            sort,
            found,
            could_match,
            marking: crate::portfolio::highest_marking(&rows, catalogue),
            totals: crate::portfolio::totals(&rows),
            assessments: rows,
            unreadable,
            skipped,
            git: git.iter().map(|g| crate::text::sanitise_line(g)).collect(),
            since: None,
        }
    }
}

/// What changed since a git revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Since {
    /// As the user gave it.
    pub revision: String,
    pub commit: String,
    pub committed_at: DateTime<FixedOffset>,
    /// The date the gate was judged on at the revision (the commit's date).
    pub judged_then: NaiveDate,
    pub changes: Vec<Change>,
    /// Files compared that had nothing to report (unchanged, or left out by the filter).
    pub unchanged: usize,
}

/// One column of the table, in the order shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    System,
    Classification,
    Answered,
    Gate,
    Gaps,
    Overdue,
    Escalated,
    SignOff,
    Trail,
    Questionnaires,
    Git,
    Changed,
    Assessor,
    File,
}

impl Column {
    /// Left to right.
    pub const ORDER: [Column; 14] = [
        Column::System,
        Column::Classification,
        Column::Answered,
        Column::Gate,
        Column::Gaps,
        Column::Overdue,
        Column::Escalated,
        Column::SignOff,
        Column::Trail,
        Column::Questionnaires,
        Column::Git,
        Column::Changed,
        Column::Assessor,
        Column::File,
    ];

    /// What is kept first when the table is narrower than every column: what a team
    /// acts on before what it looks up.
    pub const PRIORITY: [Column; 14] = [
        Column::System,
        Column::Gate,
        Column::Classification,
        Column::SignOff,
        Column::Gaps,
        Column::Overdue,
        Column::Escalated,
        Column::Trail,
        Column::Answered,
        Column::Questionnaires,
        Column::Git,
        Column::Changed,
        Column::Assessor,
        Column::File,
    ];

    pub fn header(self) -> &'static str {
        match self {
            Column::System => "SYSTEM",
            Column::Classification => "CLASSIFICATION",
            Column::Answered => "ANSWERED",
            Column::Gate => "GATE",
            Column::Gaps => "GAPS",
            Column::Overdue => "OVERDUE",
            Column::Escalated => "ESCALATED",
            Column::SignOff => "SIGN-OFF",
            Column::Trail => "TRAIL",
            Column::Questionnaires => "QUESTIONS",
            Column::Git => "GIT",
            Column::Changed => "CHANGED",
            Column::Assessor => "ASSESSOR",
            Column::File => "FILE",
        }
    }

    /// The column's name in sentence case, for HTML and PDF.
    pub fn title(self) -> &'static str {
        match self {
            Column::System => "System",
            Column::Classification => "Classification",
            Column::Answered => "Answered",
            Column::Gate => "Gate",
            Column::Gaps => "MUST gaps untreated",
            Column::Overdue => "Overdue findings",
            Column::Escalated => "Escalated",
            Column::SignOff => "Sign-off",
            Column::Trail => "Audit trail",
            Column::Questionnaires => "Questionnaires",
            Column::Git => "Git",
            Column::Changed => "Last change",
            Column::Assessor => "Assessor",
            Column::File => "File",
        }
    }

    /// What the column says, for a key under the table and the HTML and PDF headers.
    pub fn meaning(self) -> &'static str {
        match self {
            Column::System => "the system assessed",
            Column::Classification => {
                "effective classification (\"at least\" while answers are missing)"
            }
            Column::Answered => "questions answered of those asked",
            Column::Gate => "what `secassess check` says on the date judged",
            Column::Gaps => "MUST obligations not met that no finding treats",
            Column::Overdue => "findings with a target or review date passed",
            Column::Escalated => {
                "findings escalated; \"+N due\": risk acceptances on MUST obligations of an OFFICIAL-SENSITIVE system still to escalate"
            }
            Column::SignOff => {
                "valid, CHANGED (the content or an evidence file changed since it was signed off), LAPSED (unchanged, but no longer valid: it would not be ready to sign off today, as `secassess verify` says) or none; then whether the sign-off carries an SSH signature over this content (signed, no signature, SIGNATURE BAD; whose key it is: `secassess verify --allowed-signers`)"
            }
            Column::Trail => {
                "whether the file matches its audit trail (EDITED: changed outside secassess, see `secassess verify`; CUT SHORT: its last line is missing)"
            }
            Column::Questionnaires => {
                "whether it was answered against the questionnaire versions loaded now (OLD: see `secassess show`)"
            }
            Column::Git => "whether git has the file as it is",
            Column::Changed => "the assessment's last change",
            Column::Assessor => "who leads the assessment",
            Column::File => "where it is",
        }
    }

    /// Columns whose cells may be cut short (with "…") to fit.
    pub fn shrinks(self) -> bool {
        matches!(self, Column::System | Column::Assessor | Column::File)
    }

    /// The cell for one row; dates in `local`.
    pub fn cell(self, row: &Row, local: impl LocalTime) -> String {
        match self {
            Column::System => row.system.clone(),
            Column::Classification => row.classification.text.clone(),
            Column::Answered => format!("{}/{}", row.progress.answered, row.progress.total),
            Column::Gate => gate_word(row).to_string(),
            Column::Gaps => row.must_gaps_untreated.len().to_string(),
            Column::Overdue => row.overdue_findings().to_string(),
            Column::Escalated => escalated_words(row),
            Column::SignOff => match row.sign_off.signature_word() {
                Some(signature) => format!("{}, {signature}", sign_off_word(row)),
                None => sign_off_word(row).to_string(),
            },
            Column::Trail => trail_words(row),
            Column::Questionnaires => {
                if row.questionnaires.current {
                    String::from("current")
                } else {
                    String::from("OLD")
                }
            }
            Column::Git => row.git.map(git_word).unwrap_or_default().to_string(),
            Column::Changed => local(row.last_change).format("%Y-%m-%d").to_string(),
            Column::Assessor => row.assessor.clone(),
            Column::File => row.file.clone(),
        }
    }
}

/// "passed" or "FAILED": capitals for what needs attention, so it never rests on colour.
pub fn gate_word(row: &Row) -> &'static str {
    if row.gate.passed {
        "passed"
    } else {
        "FAILED"
    }
}

pub fn sign_off_word(row: &Row) -> &'static str {
    match row.sign_off.state {
        SignOffStatus::Valid => "valid",
        SignOffStatus::ChangedSince => "CHANGED",
        SignOffStatus::NoLongerValid => "LAPSED",
        SignOffStatus::None => "none",
    }
}

pub fn git_word(state: GitState) -> &'static str {
    match state {
        GitState::Committed => "committed",
        GitState::Uncommitted => "UNCOMMITTED",
        GitState::Untracked => "NOT IN GIT",
        GitState::Ignored => "IGNORED",
    }
}

/// "0", "2", "1 +2 due".
pub fn escalated_words(row: &Row) -> String {
    let done = row.escalation.escalated.len();
    match row.escalation.to_escalate.len() {
        0 => done.to_string(),
        due => format!("{done} +{due} due"),
    }
}

/// "ok", "EDITED", "CUT SHORT", or both.
pub fn trail_words(row: &Row) -> String {
    let mut parts = Vec::new();
    if row.integrity_problems > 0 {
        parts.push("EDITED");
    }
    if !row.file_complete {
        parts.push("CUT SHORT");
    }
    if parts.is_empty() {
        String::from("ok")
    } else {
        parts.join(", ")
    }
}

/// The sign-off in a few words for HTML and PDF: "valid: Ivy Reviewer <...>, 2026-06-20".
pub fn sign_off_long(row: &Row, local: impl LocalTime) -> String {
    let who_when = match (&row.sign_off.signed_by, row.sign_off.signed_at) {
        (Some(by), Some(at)) => format!(" by {by} on {}", local(at).format("%Y-%m-%d")),
        _ => String::new(),
    };
    let why = if row.sign_off.reasons.is_empty() {
        String::new()
    } else {
        format!(": {}", row.sign_off.reasons.join("; "))
    };
    // The signature's words name a principal and a reason taken from the file.
    let why = match &row.sign_off.signature {
        // Not "unsigned": `--unsigned` means no valid sign-off.
        Some(crate::assessment::signature::SignatureState::Unsigned) => {
            format!("{why}; no SSH signature")
        }
        Some(signature) => format!("{why}; {}", crate::text::sanitise_line(&signature.words())),
        None => why,
    };
    match row.sign_off.state {
        SignOffStatus::Valid => format!("valid: signed off{who_when}{why}"),
        SignOffStatus::ChangedSince => {
            format!("CHANGED SINCE SIGN-OFF (signed off{who_when}){why}")
        }
        SignOffStatus::NoLongerValid => {
            format!("NO LONGER VALID (signed off{who_when}){why}")
        }
        SignOffStatus::None => String::from("not signed off"),
    }
}

/// Whether any row has a git state, so the GIT column is worth showing.
pub fn any_git(rows: &[Row]) -> bool {
    rows.iter().any(|r| r.git.is_some())
}

/// The listing as JSON: pretty-printed, ending with a newline, versioned by `schema` and
/// `schema_version` (a field is only ever added within a version). Times are RFC 3339
/// in UTC, dates `YYYY-MM-DD`. Deterministic for the same input.
pub fn json(listing: &Listing) -> Result<String, serde_json::Error> {
    let mut text = serde_json::to_string_pretty(listing)?;
    text.push('\n');
    Ok(text)
}

/// The CSV columns, in order.
pub const CSV_HEADER: [&str; 29] = [
    "file",
    "system",
    "assessor",
    "classification",
    "answered",
    "total",
    "dont_know",
    "gate",
    "gate_blocking",
    "must_gaps_untreated",
    "must_gap_ids",
    "overdue_findings",
    "overdue",
    "escalated",
    "to_escalate",
    "sign_off",
    "sign_off_reasons",
    "signed_by",
    "signed_at",
    "sign_off_signature",
    "questionnaires",
    "questionnaire_changes",
    "answers_to_reconfirm",
    "audit_trail",
    "last_change",
    "git",
    "date_judged",
    "error",
    "marking",
];

/// One record per assessment, then one per file that could not be read (with only
/// `file`, `error` and the date filled in); written by [`crate::report::csv::write_table`]
/// as the export's CSV is (UTF-8 byte-order mark for Excel, every cell quoted, formula
/// cells neutralised). The last column is the assessment's own protective marking.
pub fn csv(listing: &Listing) -> Vec<u8> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let date = listing.date.to_string();
    for r in &listing.assessments {
        let ids = |v: &[String]| v.join(", ");
        rows.push(vec![
            r.file.clone(),
            r.system.clone(),
            r.assessor.clone(),
            r.classification.text.clone(),
            r.progress.answered.to_string(),
            r.progress.total.to_string(),
            r.progress.dont_know.to_string(),
            gate_word(r).to_lowercase(),
            ids(&r.gate.blocking),
            r.must_gaps_untreated.len().to_string(),
            ids(&r.must_gaps_untreated),
            r.overdue_findings().to_string(),
            r.overdue
                .iter()
                .map(|o| format!("{}: {} {} ({} days)", o.finding, o.what, o.date, o.days))
                .collect::<Vec<_>>()
                .join("\n"),
            ids(&r.escalation.escalated),
            ids(&r.escalation.to_escalate),
            match r.sign_off.state {
                SignOffStatus::Valid => "valid",
                SignOffStatus::ChangedSince => "changed-since",
                SignOffStatus::NoLongerValid => "no-longer-valid",
                SignOffStatus::None => "none",
            }
            .to_string(),
            r.sign_off.reasons.join("\n"),
            r.sign_off.signed_by.clone().unwrap_or_default(),
            r.sign_off
                .signed_at
                .map(|t| t.to_rfc3339())
                .unwrap_or_default(),
            r.sign_off
                .signature_word()
                .map(|w| w.to_lowercase().replace(' ', "-"))
                .unwrap_or_default(),
            if r.questionnaires.current {
                "current"
            } else {
                "old"
            }
            .to_string(),
            r.questionnaires.changes.join("\n"),
            r.questionnaires.reconfirm.to_string(),
            trail_words(r).to_lowercase(),
            r.last_change.to_rfc3339(),
            r.git
                .map(|g| git_word(g).to_lowercase())
                .unwrap_or_default(),
            date.clone(),
            String::new(),
            r.marking.clone(),
        ]);
    }
    for u in &listing.unreadable {
        let mut cells: Vec<String> = vec![String::new(); CSV_HEADER.len()];
        let at = |name: &str| CSV_HEADER.iter().position(|h| *h == name).unwrap_or(0);
        cells[at("file")] = u.file.clone();
        cells[at("date_judged")] = date.clone();
        cells[at("error")] = u.error.clone();
        rows.push(cells);
    }
    crate::report::csv::write_table(&CSV_HEADER, rows)
}

/// `--since` as CSV: one record per change.
pub fn changes_csv(since: &Since) -> Vec<u8> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    for c in &since.changes {
        rows.push(vec![
            c.file.clone(),
            c.system.clone(),
            change_word(c.kind).to_lowercase(),
            c.before.clone(),
            c.after.clone(),
            since.revision.clone(),
            since.commit.clone(),
        ]);
    }
    crate::report::csv::write_table(
        &[
            "file", "system", "change", "before", "after", "since", "commit",
        ],
        rows,
    )
}

/// "NEW", "SIGN-OFF", ...: the kind of a change, for lists.
pub fn change_word(kind: crate::portfolio::ChangeKind) -> &'static str {
    use crate::portfolio::ChangeKind as K;
    match kind {
        K::New => "NEW",
        K::Removed => "REMOVED",
        K::SignOff => "SIGN-OFF",
        K::Gate => "GATE",
        K::Classification => "CLASSIFICATION",
        // Not "EDITED": in the TRAIL column that means changed outside secassess.
        K::Edited => "UPDATED",
        K::Unreadable => "UNREADABLE",
    }
}

/// A change in one line: "team/a.secassess.toml (Portal): passed -> FAILED (2 blocking)".
pub fn change_line(c: &Change) -> String {
    let what = match (c.before.is_empty(), c.after.is_empty()) {
        (true, _) => c.after.clone(),
        (_, true) => format!("was {}", c.before),
        _ => format!("{} -> {}", c.before, c.after),
    };
    if c.system.is_empty() {
        format!("{}: {what}", c.file)
    } else {
        format!("{} ({}): {what}", c.file, c.system)
    }
}

/// Times as UTC, to the minute, as the evidence pack prints them.
pub fn when(at: DateTime<Utc>) -> String {
    crate::report::model::when(at)
}

#[cfg(test)]
mod tests;
