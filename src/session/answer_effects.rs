//! What an answer changed beyond itself: obligations that started or stopped applying
//! and notices that appeared (`effects`, a comparison of two evaluations, pure), and how
//! a front end says so: one line per change (plain mode) or one status line (the TUI).

use crate::questionnaire::expr::Truth;
use crate::questionnaire::model::Level;
use crate::rules::Evaluation;
use crate::text::sanitise_line;

/// An obligation that started or stopped applying after an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObligationChange {
    pub id: String,
    pub level: Level,
    pub title: String,
    /// True when it now applies, false when it no longer does.
    pub applies: bool,
    /// Why, as the rules engine words it ("Applies because ...").
    pub reason: String,
}

/// What an answer changed beyond itself, for a front end to announce.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnswerEffects {
    pub obligations: Vec<ObligationChange>,
    /// Ids of notices (such as the SECRET stop) shown now that were not before.
    pub new_notices: Vec<String>,
}

impl AnswerEffects {
    pub fn is_empty(&self) -> bool {
        self.obligations.is_empty() && self.new_notices.is_empty()
    }
}

/// An obligation as a message names it: its title, and its id in brackets when
/// `with_ids` (`--verbose`). Sanitised.
fn obligation_name(change: &ObligationChange, with_ids: bool) -> String {
    if with_ids {
        format!(
            "{} [{}]",
            sanitise_line(&change.title),
            sanitise_line(&change.id)
        )
    } else {
        sanitise_line(&change.title)
    }
}

/// One line per obligation that started or stopped applying, for line-by-line output:
/// "Now applies: Have the system penetration tested (MUST) because ...". Obligations are
/// named by title, with ids too when `with_ids`. Text is sanitised.
pub fn obligation_change_lines(effects: &AnswerEffects, with_ids: bool) -> Vec<String> {
    let started = effects
        .obligations
        .iter()
        .filter(|c| c.applies)
        .map(|change| {
            let reason = change
                .reason
                .strip_prefix("Applies ")
                .map(|r| format!(" {r}"))
                .unwrap_or_else(|| format!(": {}", change.reason));
            format!(
                "Now applies: {} ({}){}",
                obligation_name(change, with_ids),
                change.level.name(),
                sanitise_line(&reason)
            )
        });
    let stopped = effects
        .obligations
        .iter()
        .filter(|c| !c.applies)
        .map(|change| {
            format!(
                "No longer applies: {} ({}): {}",
                obligation_name(change, with_ids),
                change.level.name(),
                sanitise_line(&change.reason)
            )
        });
    started.chain(stopped).collect()
}

/// At most this many obligations are named per direction on the status line; the rest
/// are counted ("and 2 more").
const NAMED_ON_ONE_LINE: usize = 3;

/// The same changes on one status-bar line, by title (with ids when `with_ids`), MUST
/// before SHOULD before MAY and then alphabetical, so the line reads the same whatever
/// order the questionnaires define them in: "Now applies: A; B. No longer applies: C".
/// More than three in one direction: the first two, and how many more. None when nothing
/// started or stopped applying.
pub fn obligation_change_summary(effects: &AnswerEffects, with_ids: bool) -> Option<String> {
    let names = |applies: bool| -> Option<String> {
        let mut changes: Vec<&ObligationChange> = effects
            .obligations
            .iter()
            .filter(|c| c.applies == applies)
            .collect();
        changes.sort_by_key(|c| (c.level, sanitise_line(&c.title)));
        let mut names: Vec<String> = changes
            .iter()
            .map(|c| obligation_name(c, with_ids))
            .collect();
        if names.len() > NAMED_ON_ONE_LINE {
            let more = names.len() - (NAMED_ON_ONE_LINE - 1);
            names.truncate(NAMED_ON_ONE_LINE - 1);
            names.push(format!("and {more} more"));
        }
        (!names.is_empty()).then(|| names.join("; "))
    };
    let mut parts = Vec::new();
    if let Some(started) = names(true) {
        parts.push(format!("Now applies: {started}"));
    }
    if let Some(stopped) = names(false) {
        parts.push(format!("No longer applies: {stopped}"));
    }
    (!parts.is_empty()).then(|| parts.join(". "))
}

/// Obligations whose "applies" changed to or from true, and notices that appeared.
pub fn effects(before: &Evaluation, after: &Evaluation) -> AnswerEffects {
    let obligations = after
        .obligations
        .iter()
        .filter_map(|now| {
            let was = before
                .obligation(&now.id)
                .is_some_and(|o| o.applies == Truth::True);
            let is = now.applies == Truth::True;
            (was != is).then(|| ObligationChange {
                id: now.id.clone(),
                level: now.level,
                title: now.title.clone(),
                applies: is,
                reason: now.reasons.first().cloned().unwrap_or_default(),
            })
        })
        .collect();
    let new_notices = after
        .notices
        .iter()
        .filter(|n| !before.notices.iter().any(|b| b.id == n.id))
        .map(|n| n.id.clone())
        .collect();
    AnswerEffects {
        obligations,
        new_notices,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn change_summary_lists_sorted_titles_on_one_line_and_ids_only_when_verbose() {
        let change = |id: &str, title: &str, applies: bool| ObligationChange {
            id: id.into(),
            level: Level::Must,
            title: title.into(),
            applies,
            reason: String::from("Applies because it handles personal data."),
        };
        let effects = AnswerEffects {
            obligations: vec![
                change(
                    "penetration-test",
                    "Have the system penetration tested",
                    true,
                ),
                change("iams-registration", "Register the system in IAMS", true),
                change(
                    "mfa-elevated",
                    "Use MFA on \u{1b}[2Jelevated accounts",
                    false,
                ),
            ],
            new_notices: Vec::new(),
        };
        assert_eq!(
            obligation_change_summary(&effects, false).as_deref(),
            Some("Now applies: Have the system penetration tested; Register the system in IAMS. No longer applies: Use MFA on \u{fffd}[2Jelevated accounts")
        );
        let mut many = effects.clone();
        many.obligations.push(change(
            "it-health-check",
            "Carry out an IT Health Check",
            true,
        ));
        many.obligations
            .push(change("dspt", "Record personal data processing", true));
        assert_eq!(
            obligation_change_summary(&many, false).as_deref(),
            Some("Now applies: Carry out an IT Health Check; Have the system penetration tested; and 2 more. No longer applies: Use MFA on \u{fffd}[2Jelevated accounts")
        );
        let verbose = obligation_change_summary(&effects, true).unwrap_or_default();
        assert!(
            verbose.contains("Have the system penetration tested [penetration-test]"),
            "{verbose}"
        );
        let lines = obligation_change_lines(&effects, false);
        assert_eq!(
            lines[0],
            "Now applies: Have the system penetration tested (MUST) because it handles personal data."
        );
        assert!(!lines.concat().contains("penetration-test"));
        assert_eq!(
            obligation_change_summary(&AnswerEffects::default(), false),
            None
        );
    }
}
