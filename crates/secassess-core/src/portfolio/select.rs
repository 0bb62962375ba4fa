//! Which rows of the team's view to show and in what order: `--classification`,
//! `--gate`, `--overdue`, `--unsigned` ([`Filter`]) and `--sort` ([`Sort`]). Pure.

use std::cmp::Ordering;

use serde::Serialize;

use super::{classification_options, Classification, Row, SignOffStatus};
use crate::questionnaire::model::Catalogue;
use crate::text::sanitise_line;

/// `--classification VALUE` (exactly) or `VALUE+` (that or higher).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassificationFilter {
    /// The classification option's value, e.g. `official-sensitive`.
    pub value: String,
    /// Its label, e.g. "OFFICIAL-SENSITIVE".
    pub label: String,
    /// Its position among the classification options (0 = lowest).
    #[serde(skip)]
    pub rank: usize,
    /// True for `VALUE+`: that classification or any higher one.
    pub or_above: bool,
}

impl ClassificationFilter {
    /// Reads "official-sensitive+" (or a label such as "OFFICIAL-SENSITIVE"): a
    /// classification option of the loaded questionnaires, `+` for that or above. The
    /// error lists the options.
    pub fn parse(text: &str, catalogue: &Catalogue) -> Result<ClassificationFilter, String> {
        let trimmed = text.trim();
        let (name, or_above) = match trimmed.strip_suffix('+') {
            Some(name) => (name.trim(), true),
            None => (trimmed, false),
        };
        let options = classification_options(catalogue);
        options
            .iter()
            .position(|(v, l)| v.eq_ignore_ascii_case(name) || l.eq_ignore_ascii_case(name))
            .and_then(|rank| {
                options.get(rank).map(|(value, label)| ClassificationFilter {
                    value: value.clone(),
                    label: label.clone(),
                    rank,
                    or_above,
                })
            })
            .ok_or_else(|| {
                let known: Vec<&str> = options.iter().map(|(v, _)| v.as_str()).collect();
                format!(
                    "'{}' is not a classification; use one of {}, with + for that or above (e.g. official-sensitive+)",
                    sanitise_line(text),
                    known.join(", ")
                )
            })
    }

    /// Judged on the lowest value the classification can still be, as the protective
    /// marking is: an assessment "at least OFFICIAL" whose answers are missing is
    /// OFFICIAL here. A classification not known at all matches nothing.
    pub fn matches(&self, c: &Classification) -> bool {
        match c.rank {
            Some(rank) if self.or_above => rank >= self.rank,
            Some(rank) => rank == self.rank,
            None => false,
        }
    }

    /// Whether a row this filter leaves out could match once its classification is
    /// settled (it is "at least" something lower, or not known yet).
    pub fn could_match(&self, c: &Classification) -> bool {
        !self.matches(c)
            && !c.settled()
            && match c.rank {
                Some(rank) => rank <= self.rank,
                None => true,
            }
    }
}

/// `--gate passed|failed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GateFilter {
    /// Only assessments whose gate passes.
    Passed,
    /// Only assessments whose gate fails.
    Failed,
}

/// Which rows to show. Every condition given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Filter {
    /// `--classification`: only rows of that classification (or above); `None` for all.
    pub classification: Option<ClassificationFilter>,
    /// `--gate`: only rows whose gate passes, or fails; `None` for all.
    pub gate: Option<GateFilter>,
    /// Only assessments with a finding whose target or review date has passed.
    pub overdue: bool,
    /// Only assessments without a valid sign-off (none, or changed since).
    pub unsigned: bool,
}

impl Filter {
    /// True when no condition is given, so every row is shown.
    pub fn is_empty(&self) -> bool {
        self == &Filter::default()
    }

    /// Whether `row` meets every condition given.
    pub fn matches(&self, row: &Row) -> bool {
        self.classification
            .as_ref()
            .is_none_or(|c| c.matches(&row.classification))
            && self.gate.is_none_or(|g| match g {
                GateFilter::Passed => row.gate.passed,
                GateFilter::Failed => !row.gate.passed,
            })
            && (!self.overdue || !row.overdue.is_empty())
            && (!self.unsigned || row.sign_off.state != SignOffStatus::Valid)
    }

    /// Rows the classification filter alone leaves out that could match once their
    /// classification is settled, and which pass every other condition.
    pub fn could_match(&self, row: &Row) -> bool {
        let Some(c) = &self.classification else {
            return false;
        };
        let others = Filter {
            classification: None,
            ..self.clone()
        };
        c.could_match(&row.classification) && others.matches(row)
    }

    /// The filter in words: "gate failed, official-sensitive or above".
    pub fn words(&self) -> String {
        let mut parts = Vec::new();
        if let Some(c) = &self.classification {
            parts.push(if c.or_above {
                format!("{} or above", c.label)
            } else {
                c.label.clone()
            });
        }
        match self.gate {
            Some(GateFilter::Failed) => parts.push(String::from("gate failed")),
            Some(GateFilter::Passed) => parts.push(String::from("gate passed")),
            None => {}
        }
        if self.overdue {
            parts.push(String::from("overdue"));
        }
        if self.unsigned {
            parts.push(String::from("no valid sign-off"));
        }
        parts.join(", ")
    }
}

/// The order of rows. Each puts what needs attention first; ties go by system, then
/// file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Sort {
    /// By system name, A to Z.
    System,
    /// By file path.
    File,
    /// Highest classification first; not known last.
    Classification,
    /// Failed gates first, most blockers first.
    Gate,
    /// Most untreated MUST gaps first.
    Gaps,
    /// Most overdue dates first.
    Overdue,
    /// Changed since sign-off first, then not signed off, then valid.
    SignOff,
    /// Most recently changed first.
    Changed,
}

impl Sort {
    /// Every sort order; [`Sort::parse`] names them in this order when a value is wrong.
    pub const ALL: [Sort; 8] = [
        Sort::System,
        Sort::File,
        Sort::Classification,
        Sort::Gate,
        Sort::Gaps,
        Sort::Overdue,
        Sort::SignOff,
        Sort::Changed,
    ];

    /// The order's name on the command line (`--sort NAME`), e.g. `sign-off`.
    pub fn name(self) -> &'static str {
        match self {
            Sort::System => "system",
            Sort::File => "file",
            Sort::Classification => "classification",
            Sort::Gate => "gate",
            Sort::Gaps => "gaps",
            Sort::Overdue => "overdue",
            Sort::SignOff => "sign-off",
            Sort::Changed => "changed",
        }
    }

    /// Reads a `--sort` value: one of the [`Sort::name`]s, any case, spaces around
    /// ignored. The error, a sentence for the user, lists the names.
    pub fn parse(text: &str) -> Result<Sort, String> {
        Sort::ALL
            .into_iter()
            .find(|s| s.name().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| {
                let names: Vec<&str> = Sort::ALL.iter().map(|s| s.name()).collect();
                format!(
                    "'{}' is not a sort order; use one of {}",
                    sanitise_line(text),
                    names.join(", ")
                )
            })
    }

    /// How `a` and `b` compare in this order: what needs attention first, ties by system
    /// name (any case), then file; [`Sort::File`] by file alone.
    pub fn compare(self, a: &Row, b: &Row) -> Ordering {
        let sign_off_order = |r: &Row| match r.sign_off.state {
            SignOffStatus::ChangedSince => 0,
            SignOffStatus::NoLongerValid => 1,
            SignOffStatus::None => 2,
            SignOffStatus::Valid => 3,
        };
        let first = match self {
            Sort::System | Sort::File => Ordering::Equal,
            Sort::Classification => b.classification.rank.cmp(&a.classification.rank),
            Sort::Gate => a
                .gate
                .passed
                .cmp(&b.gate.passed)
                .then(b.gate.blocking.len().cmp(&a.gate.blocking.len())),
            Sort::Gaps => b
                .must_gaps_untreated
                .len()
                .cmp(&a.must_gaps_untreated.len()),
            Sort::Overdue => b.overdue.len().cmp(&a.overdue.len()),
            Sort::SignOff => sign_off_order(a).cmp(&sign_off_order(b)),
            Sort::Changed => b.last_change.cmp(&a.last_change),
        };
        let by_system = || {
            a.system
                .to_lowercase()
                .cmp(&b.system.to_lowercase())
                .then_with(|| a.file.cmp(&b.file))
        };
        if self == Sort::File {
            return a.file.cmp(&b.file);
        }
        first.then_with(by_system)
    }
}

/// Sorts rows in place; stable.
pub fn sort(rows: &mut [Row], by: Sort) {
    rows.sort_by(|a, b| by.compare(a, b));
}
