//! The team's view of many assessments: one [`Row`] per assessment file, what a Cyber
//! Security or IG team asks of every project each week (which systems handle
//! OFFICIAL-SENSITIVE data and are not signed off, which gates fail, which risk
//! acceptances are past their review date, which MUST gaps were escalated, which files
//! were answered against old questionnaires, which sign-offs no longer match).
//!
//! Pure: [`summarise`] takes an assessment already read and decoded by the shell (a
//! [`Decoded`], no file access here) and the date to judge dates against (no clock), and makes its row from the same functions the single-file commands use,
//! never working anything out again: the gate from [`findings::gate`] (`secassess
//! check`; [`findings::gate_on`], on the evaluation already made), and from its blockers
//! the untreated MUST gaps (blocking because not met, rather than not known yet), overdue
//! dates from [`findings::overdue`], escalations from
//! [`findings::needs_escalation`], the sign-off and the audit trail from
//! [`verify::verify`] (`secassess verify`), questionnaire versions from
//! [`upgrade_report`] (`secassess show`) and the protective marking from
//! [`crate::report::model::pack_marking`] (the evidence pack's). Filters ([`Filter`]) and sort
//! orders ([`Sort`]) are in `select`, what changed between two versions of a file
//! ([`changes`]) in `changes`. Finding the files, reading them in parallel and asking git
//! is the shell crate's job (`store::portfolio`, `store::git`, which fill in
//! [`Row::git`]); drawing rows is its `report::portfolio`'s.
//!
//! Every string taken from a file is passed through [`sanitise_line`] here, so no
//! renderer can be handed a control character.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::assessment::evidence::EvidenceFiles;
use crate::assessment::findings;
use crate::assessment::format::Decoded;
use crate::assessment::record::FindingStatus;
use crate::assessment::sign_off::{Judged, SignOffState};
use crate::assessment::signature::{self, SignatureState};
use crate::assessment::upgrade::{upgrade_report, VersionChange};
use crate::assessment::verify;
use crate::questionnaire::model::Catalogue;
use crate::rules::{Status, EFFECTIVE_CLASSIFICATION};
use crate::text::sanitise_line;

/// The `schema` field of the JSON listing.
pub const SCHEMA: &str = "secassess-portfolio";
/// The version of the JSON listing's shape; raised when a field changes meaning or goes.
pub const SCHEMA_VERSION: u32 = 1;

/// One assessment, summarised. Every string is sanitised (no control characters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The file as found: the folder given, then the path under it.
    pub file: String,
    /// The system's name as the assessment records it.
    pub system: String,
    /// "Name \<email\>" as the assessment records it.
    pub assessor: String,
    /// The effective classification the rules work out from the answers.
    pub classification: Classification,
    /// The protective marking the evidence pack of this assessment carries.
    pub marking: String,
    /// How many questions are answered, of those asked.
    pub progress: Progress,
    /// What `secassess check` says on the date judged.
    pub gate: Gate,
    /// MUST obligations the gate blocks on because they are not met (no finding treats
    /// them in a way that counts), rather than because they are not known yet:
    /// obligation ids.
    pub must_gaps_untreated: Vec<String>,
    /// Dates passed, one entry per date (a finding can have two).
    pub overdue: Vec<OverdueDate>,
    /// Findings escalated, and risk acceptances still to escalate.
    pub escalation: Escalation,
    /// Where the sign-off stands, as `secassess verify` says.
    pub sign_off: SignOff,
    /// Whether the answers were given against the questionnaire versions loaded now.
    pub questionnaires: Questionnaires,
    /// How many things do not match the audit trail (`secassess verify`): an answer,
    /// review, finding or sign-off edited outside secassess, or a broken chain.
    pub integrity_problems: usize,
    /// When the assessment last changed (its own record, not the file's time).
    pub last_change: DateTime<Utc>,
    /// False when the file lacks the line secassess always writes last (cut short?).
    pub file_complete: bool,
    /// The schema version found in the file when it is older than this build writes.
    pub older_format: Option<u32>,
    /// Whether the file has changes git does not have; `None` outside a git work tree.
    /// Always `None` from [`summarise`]: the shell asks git and fills it in.
    pub git: Option<GitState>,
}

/// An assessment's effective classification (the derived value
/// `effective_classification` of the profile questionnaire), settled or the range the
/// answers so far allow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Classification {
    /// "OFFICIAL-SENSITIVE", "at least OFFICIAL" while answers are missing, or "not
    /// known yet".
    pub text: String,
    /// The option value when it is settled, e.g. `official-sensitive`; `None` while
    /// answers that could raise it are missing.
    pub value: Option<String>,
    /// The lowest value it can still be (what the marking rests on).
    pub at_least: Option<String>,
    /// Position of `at_least` among the classification options (0 = lowest); for
    /// filters and sorting.
    #[serde(skip)]
    pub rank: Option<usize>,
}

impl Classification {
    /// True when no missing answer could change it ([`Classification::value`] is known).
    pub fn settled(&self) -> bool {
        self.value.is_some()
    }
}

/// Questions answered so far, as the rules' evaluation counts them (`rules::Progress`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Questions asked (or possibly asked) with a real answer.
    pub answered: usize,
    /// Questions answered "don't know yet".
    pub dont_know: usize,
    /// Questions that are, or may yet be, asked.
    pub total: usize,
}

/// The gate `secassess check` applies ([`findings::gate`]), judged on the date given to
/// [`summarise`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gate {
    /// True when no "stop" notice shows and every applicable MUST obligation is met or
    /// treated by a finding that counts; one not known yet blocks.
    pub passed: bool,
    /// Applicable (or possibly applicable) MUST obligations considered.
    pub must: usize,
    /// Of those, how many the answers meet.
    pub met: usize,
    /// Of those, how many are not met but treated by a finding that counts on the date
    /// judged (a plan on time, an acceptance not past review, a completed mitigation, an
    /// exception).
    pub treated: usize,
    /// The obligations that block, in the gate's order.
    pub blocking: Vec<String>,
    /// The "stop" notices that fail it whatever the obligations say: the system is
    /// outside self-assessment (for example SECRET). Their titles.
    pub outside_self_assessment: Vec<String>,
}

/// A date of a finding that has passed on the date judged ([`findings::overdue`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverdueDate {
    /// The finding's id, e.g. `F-001`.
    pub finding: String,
    /// "mitigation target date" or "risk acceptance review date".
    pub what: String,
    /// The date that passed.
    pub date: NaiveDate,
    /// Days since that date, on the date judged (at least 1).
    pub days: i64,
}

/// What is escalated, or should be, in one assessment: finding ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Escalation {
    /// Findings escalated (status "escalated").
    pub escalated: Vec<String>,
    /// Risk acceptances on a MUST obligation of an OFFICIAL-SENSITIVE system still to
    /// escalate ([`findings::needs_escalation`]).
    pub to_escalate: Vec<String>,
}

/// Where the sign-off stands, as `secassess verify` says ([`SignOffState`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignOffStatus {
    /// Signed off, the content and evidence are what was signed, and it would still be
    /// ready to sign off.
    Valid,
    /// Signed off, but the content or an evidence file changed since.
    ChangedSince,
    /// Signed off and unchanged, but it would not be ready to sign off now (the gate
    /// fails today, the file does not match its audit trail, ...).
    NoLongerValid,
    /// Not signed off.
    None,
}

/// The sign-off of one assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignOff {
    /// Valid, changed since, no longer valid, or none.
    pub state: SignOffStatus,
    /// "Name \<email\>" of who signed off, as recorded; `None` when not signed off.
    pub signed_by: Option<String>,
    /// When it was signed off (UTC); `None` when not signed off.
    pub signed_at: Option<DateTime<Utc>>,
    /// Why it changed or no longer holds, as `secassess verify` words it.
    pub reasons: Vec<String>,
    /// Its SSH signature (`signature::sign_off_signature`, as `secassess verify` checks
    /// it without an allowed-signers file): whether it is signed, and whether the
    /// signature is over this content. Whose key it is takes `verify --allowed-signers`.
    /// `None` when not signed off.
    pub signature: Option<SignatureState>,
}

impl SignOff {
    /// "signed", "no signature" or "SIGNATURE BAD" (not over this content); `None` when
    /// not signed off. Not "unsigned", which `--unsigned` uses for "no valid sign-off".
    pub fn signature_word(&self) -> Option<&'static str> {
        self.signature.as_ref().map(|s| match s {
            SignatureState::Unsigned => "no signature",
            SignatureState::DoesNotMatch { .. } => "SIGNATURE BAD",
            SignatureState::Trusted { .. }
            | SignatureState::NotChecked { .. }
            | SignatureState::KeyNotAllowed { .. } => "signed",
        })
    }
}

impl SignOff {
    /// Signed off, whether or not it still holds.
    pub fn exists(&self) -> bool {
        self.state != SignOffStatus::None
    }
}

/// The questionnaire versions an assessment was answered against, compared with those
/// loaded now ([`upgrade_report`], as `secassess show` reports it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Questionnaires {
    /// Answered against the questionnaire versions loaded now.
    pub current: bool,
    /// "profile 1.0.0 -> 1.1.0", one per questionnaire that differs.
    pub changes: Vec<String>,
    /// Answers to confirm again because their question changed.
    pub reconfirm: usize,
}

/// How git sees the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GitState {
    /// Tracked, and the working copy is what was committed.
    Committed,
    /// Tracked, with changes not committed (staged or not).
    Uncommitted,
    /// Not in git yet.
    Untracked,
    /// Not in git, and ignored by a `.gitignore` rule.
    Ignored,
}

impl GitState {
    /// The state in a word or two for tables and messages: "committed", "uncommitted",
    /// "not in git" or "ignored".
    pub fn word(self) -> &'static str {
        match self {
            GitState::Committed => "committed",
            GitState::Uncommitted => "uncommitted",
            GitState::Untracked => "not in git",
            GitState::Ignored => "ignored",
        }
    }
}

/// A file that could not be summarised, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unreadable {
    /// The file as found (as [`Row::file`] names it), sanitised.
    pub file: String,
    /// Why it could not be read, as the store says, sanitised to one line.
    pub error: String,
}

impl Unreadable {
    /// `file` and `error` as given, each sanitised to one line (control characters
    /// replaced, line breaks made spaces).
    pub fn new(file: &str, error: &str) -> Unreadable {
        Unreadable {
            file: sanitise_line(file),
            error: sanitise_line(error),
        }
    }

    /// One sentence naming the file and why: the error itself when it names the file
    /// already (the store's messages do), else the file, a colon and the error.
    pub fn sentence(&self) -> String {
        if self.error.contains(&self.file) {
            self.error.clone()
        } else {
            format!("{}: {}", self.file, self.error)
        }
    }
}

/// The classification options in order, lowest first, as (value, label).
pub fn classification_options(catalogue: &Catalogue) -> Vec<(String, String)> {
    catalogue
        .derived(EFFECTIVE_CLASSIFICATION)
        .and_then(|d| catalogue.question(&d.from))
        .map(|q| {
            q.options
                .iter()
                .map(|o| (o.value.clone(), o.label.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// The row of one assessment file. `file` is how to name it (sanitised here); `evidence`
/// the local evidence files it records as the shell found them (as `secassess verify`
/// looks at them); `today` the date target and review dates are judged against, as
/// `check --date` does.
pub fn summarise(
    file: &str,
    decoded: &Decoded,
    evidence: &EvidenceFiles,
    catalogue: &Catalogue,
    today: NaiveDate,
) -> Row {
    let a = &decoded.assessment;
    let (evaluation, answer_problems) = findings::evaluate(a, catalogue);
    let options = classification_options(catalogue);
    let classification = match &evaluation.effective_classification {
        Some(ec) => Classification {
            text: sanitise_line(
                &ec.label
                    .clone()
                    .unwrap_or_else(|| format!("at least {}", ec.at_least_label)),
            ),
            value: ec.value.clone(),
            at_least: Some(ec.at_least.clone()),
            rank: options.iter().position(|(v, _)| *v == ec.at_least),
        },
        None => Classification {
            text: String::from("not known yet"),
            value: None,
            at_least: None,
            rank: None,
        },
    };
    // The marking this assessment's own pack would carry (the pack's one rule: its
    // classification, raised when it lists open weaknesses). Without a requested marking
    // this cannot fail; the pack's default stands in.
    let problems = findings::check_consistency(a, catalogue);
    let weaknesses =
        crate::report::model::weaknesses_listed(a, catalogue, &evaluation, &problems, today);
    let marking = crate::report::model::pack_marking(
        &crate::report::model::marking_levels(catalogue),
        evaluation
            .effective_classification
            .as_ref()
            .map(|ec| ec.at_least.as_str()),
        weaknesses,
        None,
    )
    .map_or_else(|_| String::from("OFFICIAL"), |m| m.marking);

    // The gate on the same evaluation: `findings::gate` is exactly this.
    let gate = findings::gate_on(a, catalogue, today, &evaluation, answer_problems);
    // A gap the gate blocks on because it is not met (the rest block because they are
    // not known yet): no finding treats it in a way that counts.
    let must_gaps_untreated = gate
        .blockers
        .iter()
        .filter(|b| b.status == Status::NotMet)
        .map(|b| sanitise_line(&b.obligation))
        .collect();
    let overdue = a
        .findings
        .iter()
        .flat_map(|f| {
            findings::overdue(f, today)
                .into_iter()
                .map(|o| OverdueDate {
                    finding: sanitise_line(&f.id),
                    what: o.what.to_string(),
                    date: o.date,
                    days: o.days,
                })
        })
        .collect();
    let escalation = Escalation {
        escalated: a
            .findings
            .iter()
            .filter(|f| f.status == FindingStatus::Escalated)
            .map(|f| sanitise_line(&f.id))
            .collect(),
        to_escalate: a
            .findings
            .iter()
            .filter(|f| findings::needs_escalation(f, catalogue, &evaluation))
            .map(|f| sanitise_line(&f.id))
            .collect(),
    };
    // Where the sign-off stands, as `secassess verify` says: the content and the
    // evidence files as found, and whether it would still be ready to sign off today.
    let judged = Judged {
        catalogue,
        evidence,
        today,
    };
    let report = verify::verify(a, &judged);
    let (signed_by, signed_at) = match report.sign_off.signer() {
        Some((by, _, at)) => (Some(sanitise_line(by)), Some(at)),
        None => (None, None),
    };
    let signature = signature::sign_off_signature(a, None);
    let sign_off = match &report.sign_off {
        SignOffState::NotSignedOff => SignOff {
            state: SignOffStatus::None,
            signed_by,
            signed_at,
            reasons: Vec::new(),
            signature: signature.clone(),
        },
        SignOffState::Intact { .. } => SignOff {
            state: SignOffStatus::Valid,
            signed_by,
            signed_at,
            reasons: Vec::new(),
            signature: signature.clone(),
        },
        SignOffState::ChangedSince { reasons, .. } => SignOff {
            state: SignOffStatus::ChangedSince,
            signed_by,
            signed_at,
            reasons: reasons.iter().map(|r| sanitise_line(r)).collect(),
            signature: signature.clone(),
        },
        SignOffState::NoLongerValid { reasons, .. } => SignOff {
            state: SignOffStatus::NoLongerValid,
            signed_by,
            signed_at,
            reasons: reasons.iter().map(|r| sanitise_line(r)).collect(),
            signature: signature.clone(),
        },
    };
    let upgrade = upgrade_report(a, catalogue);
    let questionnaires = Questionnaires {
        current: upgrade.questionnaires.is_empty(),
        changes: upgrade
            .questionnaires
            .iter()
            .map(|q| {
                let change = match &q.change {
                    VersionChange::Upgraded { from, to } => format!("{from} -> {to}"),
                    VersionChange::ContentChanged { version } => {
                        format!("{version}, content changed")
                    }
                    VersionChange::Added { version } => format!("new, {version}"),
                    VersionChange::Removed { version } => format!("{version}, no longer loaded"),
                };
                sanitise_line(&format!("{} {change}", q.id))
            })
            .collect(),
        reconfirm: upgrade.reconfirm.len(),
    };
    Row {
        file: sanitise_line(file),
        system: sanitise_line(&a.system.name),
        assessor: sanitise_line(&a.assessor.signature()),
        classification,
        marking,
        progress: Progress {
            answered: evaluation.progress.answered,
            dont_know: evaluation.progress.dont_know,
            total: evaluation.progress.total,
        },
        gate: Gate {
            passed: gate.passed,
            must: gate.must,
            met: gate.met,
            treated: gate.treated,
            blocking: gate
                .blockers
                .iter()
                .map(|b| sanitise_line(&b.obligation))
                .collect(),
            outside_self_assessment: gate
                .outside_self_assessment
                .iter()
                .map(|n| sanitise_line(&n.title))
                .collect(),
        },
        must_gaps_untreated,
        overdue,
        escalation,
        sign_off,
        questionnaires,
        integrity_problems: report.problems.len(),
        last_change: a.updated_at,
        file_complete: decoded.complete,
        older_format: (!decoded.migrations.is_empty()).then_some(decoded.schema_version),
        git: None,
    }
}

impl Row {
    /// Findings with at least one date passed.
    pub fn overdue_findings(&self) -> usize {
        let mut ids: Vec<&str> = self.overdue.iter().map(|o| o.finding.as_str()).collect();
        ids.dedup();
        ids.len()
    }
}

/// The highest protective marking among `rows` (OFFICIAL when there are none), with the
/// classification options to rank them.
pub fn highest_marking(rows: &[Row], catalogue: &Catalogue) -> String {
    let options = classification_options(catalogue);
    let rank = |marking: &str| {
        options
            .iter()
            .position(|(_, label)| label.eq_ignore_ascii_case(marking))
    };
    rows.iter()
        .map(|r| r.marking.as_str())
        .max_by_key(|m| rank(m))
        .map(str::to_string)
        .unwrap_or_else(|| {
            options
                .first()
                .map(|(_, l)| l.to_uppercase())
                .unwrap_or_else(|| String::from("OFFICIAL"))
        })
}

/// Totals over rows, for a summary line: each a number of assessments (rows).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Rows counted.
    pub assessments: usize,
    /// Whose gate fails.
    pub gate_failed: usize,
    /// With at least one untreated MUST gap ([`Row::must_gaps_untreated`]).
    pub with_must_gaps: usize,
    /// With at least one date passed.
    pub with_overdue: usize,
    /// With a finding escalated or a risk acceptance still to escalate.
    pub with_escalations: usize,
    /// Signed off, and the sign-off still holds.
    pub signed_off_valid: usize,
    /// Signed off, with the content or an evidence file changed since.
    pub changed_since_sign_off: usize,
    /// Signed off and unchanged, but no longer ready to sign off.
    pub no_longer_valid: usize,
    /// Not signed off.
    pub not_signed_off: usize,
    /// Answered against questionnaire versions other than those loaded now.
    pub old_questionnaires: usize,
    /// With at least one thing that does not match the audit trail.
    pub integrity_problems: usize,
    /// Whose file git does not have as it is: uncommitted changes, not in git, or
    /// ignored.
    pub uncommitted: usize,
}

/// Counts `rows` into [`Totals`].
pub fn totals(rows: &[Row]) -> Totals {
    let count = |f: &dyn Fn(&Row) -> bool| rows.iter().filter(|r| f(r)).count();
    Totals {
        assessments: rows.len(),
        gate_failed: count(&|r| !r.gate.passed),
        with_must_gaps: count(&|r| !r.must_gaps_untreated.is_empty()),
        with_overdue: count(&|r| !r.overdue.is_empty()),
        with_escalations: count(&|r| {
            !r.escalation.escalated.is_empty() || !r.escalation.to_escalate.is_empty()
        }),
        signed_off_valid: count(&|r| r.sign_off.state == SignOffStatus::Valid),
        changed_since_sign_off: count(&|r| r.sign_off.state == SignOffStatus::ChangedSince),
        no_longer_valid: count(&|r| r.sign_off.state == SignOffStatus::NoLongerValid),
        not_signed_off: count(&|r| r.sign_off.state == SignOffStatus::None),
        old_questionnaires: count(&|r| !r.questionnaires.current),
        integrity_problems: count(&|r| r.integrity_problems > 0),
        uncommitted: count(&|r| {
            matches!(
                r.git,
                Some(GitState::Uncommitted | GitState::Untracked | GitState::Ignored)
            )
        }),
    }
}

mod changes;
mod select;

pub use changes::{changes, Change, ChangeKind};
pub use select::{sort, ClassificationFilter, Filter, GateFilter, Sort};

/// Rows built from assessments made in memory, for tests here and (with the
/// `test-support` feature) in the shell crate's tests of the portfolio's renderers.
#[cfg(any(test, feature = "test-support"))]
pub mod tests;
