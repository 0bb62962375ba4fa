//! The register's vocabulary, shared by every other part of `findings`: severity and
//! status names, who is acting ([`Actor`]), why a change is refused ([`FindingError`],
//! [`ConsistencyProblem`]), what a new finding says ([`NewFinding`]), the next free id,
//! the audit pin of a finding ([`finding_hash`], [`matches_audit_trail`]) and a finding
//! in words for audit entries. It imports nothing else from `findings`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::assessment::audit::{self, Action};
use crate::assessment::record::{Assessment, Finding, FindingStatus, Person, Severity};
use crate::questionnaire::answer::EvidenceRef;
use crate::text::{nfc, shorten};

/// What each severity means, for the TUI's picker and for exports.
pub const SEVERITY_RUBRIC: [(Severity, &str); 4] = [
    (
        Severity::Critical,
        "Could expose OFFICIAL-SENSITIVE information or give an attacker control of the system now; act before the system goes live or keeps running.",
    ),
    (
        Severity::High,
        "A MUST obligation is not met, or a weakness that is likely to be exploited; fix it or escalate it before go-live.",
    ),
    (
        Severity::Medium,
        "A SHOULD obligation is not met, or a weakness that needs other failures before it can be exploited; plan a fix.",
    ),
    (
        Severity::Low,
        "Good practice not followed with little direct risk; fix it when convenient.",
    ),
];

impl Severity {
    /// Every severity, most severe first.
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];

    /// The stored name: "critical", "high", "medium", "low".
    pub fn name(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// What this severity means (see [`SEVERITY_RUBRIC`]).
    pub fn rubric(self) -> &'static str {
        SEVERITY_RUBRIC
            .iter()
            .find(|(s, _)| *s == self)
            .map(|(_, text)| *text)
            .unwrap_or_default()
    }

    /// Reads a stored name in any case, surrounding spaces ignored ("High", " low ");
    /// `None` for anything else, so a caller can say which names are allowed.
    pub fn parse(text: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|s| s.name().eq_ignore_ascii_case(text.trim()))
    }
}

impl FindingStatus {
    /// Every status, in the order a finding usually moves through them.
    pub const ALL: [FindingStatus; 6] = [
        FindingStatus::Open,
        FindingStatus::MitigationPlanned,
        FindingStatus::Mitigated,
        FindingStatus::RiskAccepted,
        FindingStatus::Escalated,
        FindingStatus::Closed,
    ];

    /// The stored name: "open", "mitigation-planned", ...
    pub fn name(self) -> &'static str {
        match self {
            FindingStatus::Open => "open",
            FindingStatus::MitigationPlanned => "mitigation-planned",
            FindingStatus::Mitigated => "mitigated",
            FindingStatus::RiskAccepted => "risk-accepted",
            FindingStatus::Escalated => "escalated",
            FindingStatus::Closed => "closed",
        }
    }

    /// In words: "mitigation planned".
    pub fn label(self) -> &'static str {
        match self {
            FindingStatus::Open => "open",
            FindingStatus::MitigationPlanned => "mitigation planned",
            FindingStatus::Mitigated => "mitigated",
            FindingStatus::RiskAccepted => "risk accepted",
            FindingStatus::Escalated => "escalated",
            FindingStatus::Closed => "closed",
        }
    }

    /// Reads a name or label ("risk-accepted", "risk accepted", "risk_accepted").
    pub fn parse(text: &str) -> Option<FindingStatus> {
        let wanted = text.trim().to_ascii_lowercase().replace([' ', '_'], "-");
        FindingStatus::ALL.into_iter().find(|s| s.name() == wanted)
    }
}

/// Who is making a change, and when: `now` stamps the audit entry, `today` is the date
/// target, acceptance and review dates are checked against.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    /// The person acting, recorded in the audit entry (and refused where the rule says
    /// so, e.g. escalating to themselves).
    pub who: &'a Person,
    /// When the change is made, UTC: the audit entry's and the finding's `updated_at`.
    pub now: DateTime<Utc>,
    /// The date, in the user's calendar, that new target dates must not be before and
    /// acceptance or approval dates must not be after.
    pub today: NaiveDate,
}

/// Why a change to the register was refused. Nothing is changed when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FindingError {
    /// No finding in the register has this id.
    #[error("there is no finding {}; `secassess findings FILE` lists the findings", shorten(.id))]
    NoSuchFinding {
        /// The id asked for, as given.
        id: String,
    },
    /// More than one finding has this id, so a change cannot say which it means.
    #[error("finding id {} is used by {count} findings, so secassess cannot tell which one to change; give each a different id in a text editor first", shorten(.id))]
    DuplicateId {
        /// The id shared by more than one finding.
        id: String,
        /// How many findings have it (at least 2).
        count: usize,
    },
    /// A finding was to be drafted from an obligation the loaded questionnaires do not have.
    #[error("there is no obligation '{}' in the loaded questionnaires; `secassess obligations` lists their ids", shorten(.id))]
    UnknownObligation {
        /// The obligation id asked for, as given.
        id: String,
    },
    /// The finding does not match what the audit trail last recorded for it (edited or
    /// added in a text editor): it is not changed again until the edit is acknowledged
    /// ([`acknowledge_outside_edit`](super::acknowledge_outside_edit)).
    #[error("{} was changed outside secassess (or added in a text editor) since its last recorded change, so it was not changed again; check the file, then acknowledge the edit (`secassess finding acknowledge FILE {}`) to record it in the audit trail", shorten(.id), shorten(.id))]
    ChangedOutside {
        /// The finding whose content does not match its last audit pin.
        id: String,
    },
    /// A value given for the change breaks a rule checked when it is made (a target date
    /// already passed, an acceptance dated after today, an escalation without a role).
    #[error("{} was not changed: {problem}", shorten(.finding))]
    Invalid {
        /// The finding's id.
        finding: String,
        /// What is wrong and what to do, in words, ending without a full stop.
        problem: String,
        /// The field at fault, as in [`ConsistencyProblem::field`]
        /// (`mitigation.target_date`, or a part of one such as `owner.role`), when it is
        /// one field: a form shows the problem next to it.
        field: Option<&'static str>,
    },
    /// The change would give the finding consistency problems it did not have before
    /// (for example "risk accepted" with no acceptance recorded); only the new ones are
    /// listed.
    #[error("{} was not changed: {}", shorten(.finding), join_problems(.problems))]
    Inconsistent {
        /// The finding's id (for a new finding, the id it would have had).
        finding: String,
        /// The problems the change would add.
        problems: Vec<ConsistencyProblem>,
    },
}

fn join_problems(problems: &[ConsistencyProblem]) -> String {
    problems
        .iter()
        .map(|p| format!("{} {}", p.problem, p.fix))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One thing wrong with the register, explained: which finding, which field, what is
/// wrong and what to do. Never fixed silently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsistencyProblem {
    /// The finding's id, or "finding 'TITLE'" for one without an id.
    pub finding: String,
    /// The field in the file, e.g. `acceptance.review_date`.
    pub field: String,
    /// What is wrong, as a sentence ("the mitigation plan has no owner.").
    pub problem: String,
    /// What to do about it, as a sentence.
    pub fix: String,
}

impl std::fmt::Display for ConsistencyProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}): {} {}",
            shorten(&self.finding),
            self.field,
            self.problem,
            self.fix
        )
    }
}

pub(super) fn blank(text: &str) -> bool {
    text.trim().is_empty()
}

pub(super) fn has_evidence(evidence: &EvidenceRef) -> bool {
    !blank(&evidence.title)
        || evidence.link.as_deref().is_some_and(|l| !blank(l))
        || evidence.path.as_deref().is_some_and(|p| !blank(p))
}

/// The hash of everything a finding says: the pin of its audit entries.
pub fn finding_hash(finding: &Finding) -> String {
    let canonical = serde_json::to_vec(finding).unwrap_or_default();
    crate::questionnaire::loader::hex_sha256(&canonical)
}

/// What a new finding says; the register adds the id, who raised it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFinding {
    /// A short title saying what is wrong; required (recorded trimmed, in NFC).
    pub title: String,
    /// Ids of the obligations it is a gap in; empty for an issue raised by hand.
    pub obligations: Vec<String>,
    /// Ids of the questions whose answers show the gap.
    pub questions: Vec<String>,
    /// The finding in the user's words, any number of lines.
    pub description: String,
    /// How serious it is ([`SEVERITY_RUBRIC`]).
    pub severity: Severity,
    /// Who is responsible for treating it, as free text; may be empty.
    pub owner: String,
}

/// The next free id: one more than the highest F-NNN in the register or its audit
/// trail, so the id of a finding deleted in a text editor is never given to a new one
/// (its history would otherwise read as the new finding's).
pub fn next_id(assessment: &Assessment) -> String {
    let number = |id: &str| {
        id.strip_prefix("F-")
            .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))?
            .parse::<u32>()
            .ok()
    };
    let highest = assessment
        .findings
        .iter()
        .filter_map(|f| number(&f.id))
        .chain(
            assessment
                .audit
                .iter()
                .filter(|e| is_finding_action(&e.action))
                .filter_map(|e| number(&e.subject)),
        )
        .max()
        .unwrap_or(0);
    format!("F-{:03}", highest.saturating_add(1))
}

pub(super) const FINDING_ACTIONS: [Action; 2] = [Action::FindingCreated, Action::FindingChanged];

fn is_finding_action(name: &str) -> bool {
    FINDING_ACTIONS.iter().any(|a| a.name() == name)
}

/// Whether the finding's content is what the audit trail last recorded for it.
pub fn matches_audit_trail(assessment: &Assessment, finding: &Finding) -> bool {
    audit::last_pin(&assessment.audit, &finding.id, &FINDING_ACTIONS)
        == Some(finding_hash(finding).as_str())
}

pub(super) fn describe_words(finding: &Finding) -> String {
    describe(finding)
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A person as recorded: trimmed, in NFC.
pub(super) fn trimmed(person: &Person) -> Person {
    Person {
        name: recorded(&person.name),
        role: recorded(&person.role),
        email: recorded(&person.email),
    }
}

/// One line of text as recorded: trimmed, in NFC ([`crate::text::nfc`]).
pub(super) fn recorded(text: &str) -> String {
    nfc(text.trim()).into_owned()
}

pub(super) fn invalid(finding: &Finding, field: &'static str, problem: String) -> FindingError {
    FindingError::Invalid {
        finding: finding.id.clone(),
        problem,
        field: Some(field),
    }
}

pub(super) fn position(assessment: &Assessment, id: &str) -> Result<usize, FindingError> {
    let matching: Vec<usize> = assessment
        .findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.id == id)
        .map(|(i, _)| i)
        .collect();
    match matching.as_slice() {
        [] => Err(FindingError::NoSuchFinding { id: id.to_string() }),
        [one] => Ok(*one),
        more => Err(FindingError::DuplicateId {
            id: id.to_string(),
            count: more.len(),
        }),
    }
}

pub(super) fn person_words(person: &Person) -> String {
    if blank(&person.role) {
        person.signature()
    } else {
        format!("{} ({})", person.signature(), person.role)
    }
}

pub(super) fn evidence_words(evidence: &EvidenceRef) -> String {
    match (&evidence.link, &evidence.path) {
        (Some(link), _) if *link != evidence.title => format!("{} <{link}>", evidence.title),
        (_, Some(path)) if *path != evidence.title => format!("{} ({path})", evidence.title),
        _ => evidence.title.clone(),
    }
}

/// A finding field by field, in words, for audit entries.
fn describe(f: &Finding) -> Vec<(&'static str, String)> {
    let mitigation = f.mitigation.as_ref().map(|p| {
        let mut text = format!("{} by {}: {}", p.owner, p.target_date, p.actions);
        if let Some(done) = p.completed_on {
            text.push_str(&format!("; completed {done}"));
        }
        if let Some(evidence) = &p.evidence {
            text.push_str(&format!("; evidence {}", evidence_words(evidence)));
        }
        text
    });
    let signed = |s: &Option<crate::assessment::record::SshSignature>| {
        s.as_ref()
            .map(|s| format!("; signed with key {}", s.fingerprint))
            .unwrap_or_default()
    };
    let acceptance = f.acceptance.as_ref().map(|a| {
        format!(
            "accepted by {} on {}, review {}: {}{}",
            person_words(&a.accepted_by),
            a.accepted_on,
            a.review_date,
            a.rationale,
            signed(&a.signature)
        )
    });
    let exception = f.exception.as_ref().map(|e| {
        format!(
            "approved by {} on {}, reference {}{}",
            person_words(&e.approved_by),
            e.approved_on,
            e.reference,
            signed(&e.signature)
        )
    });
    vec![
        ("title", f.title.clone()),
        ("severity", f.severity.name().to_string()),
        ("status", f.status.label().to_string()),
        ("owner", f.owner.clone()),
        ("obligations", f.obligations.join(", ")),
        ("questions", f.questions.join(", ")),
        ("description", f.description.clone()),
        ("mitigation", mitigation.unwrap_or_default()),
        ("acceptance", acceptance.unwrap_or_default()),
        ("exception", exception.unwrap_or_default()),
    ]
}

pub(super) fn describe_change(old: &Finding, new: &Finding) -> (String, String) {
    let mut olds = Vec::new();
    let mut news = Vec::new();
    for ((key, before), (_, after)) in describe(old).into_iter().zip(describe(new)) {
        if before != after {
            let word = |v: String| {
                if v.is_empty() {
                    String::from("(none)")
                } else {
                    v
                }
            };
            olds.push(format!("{key}: {}", word(before)));
            news.push(format!("{key}: {}", word(after)));
        }
    }
    (olds.join("; "), news.join("; "))
}
