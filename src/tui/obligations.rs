//! The obligations screen's keys: moving through the list (in [`obligation_order`], the
//! order the view draws it in too), raising a finding from an obligation, and going to
//! the question that decides it.

use super::keymap::Command;
use super::navigate::{go_to_step, scroll_detail};
use super::register;
use super::state::{App, Effect, Tone};
use crate::questionnaire::expr::Truth;
use crate::rules::{Evaluation, Status};
use crate::walkthrough;

/// Obligations in the order the obligations screen lists them: not met, then unknown,
/// then met, then not applicable; MUST before SHOULD within each.
pub fn obligation_order(evaluation: &Evaluation) -> Vec<usize> {
    let mut order: Vec<usize> = (0..evaluation.obligations.len()).collect();
    order.sort_by_key(|&i| {
        let o = &evaluation.obligations[i];
        let applies_rank = match o.applies {
            Truth::True => 0,
            Truth::Unknown => 1,
            Truth::False => 2,
        };
        let status_rank = match o.status {
            Status::NotMet => 0,
            Status::Unknown => 1,
            Status::Met => 2,
            Status::NotApplicable => 3,
        };
        (status_rank, applies_rank, o.level)
    });
    order
}

pub(crate) fn on_obligations(app: &mut App, command: Command) -> Vec<Effect> {
    let Some(document) = app.document.as_mut() else {
        return Vec::new();
    };
    let count = document.evaluation.obligations.len();
    if scroll_detail(document, command) {
        return Vec::new();
    }
    match command {
        Command::Up => {
            document.obligation_cursor = document.obligation_cursor.saturating_sub(1);
            document.detail_scroll = 0;
        }
        Command::Down => {
            document.obligation_cursor =
                (document.obligation_cursor + 1).min(count.saturating_sub(1));
            document.detail_scroll = 0;
        }
        Command::RaiseFinding => {
            let order = obligation_order(&document.evaluation);
            let selected = order
                .get(document.obligation_cursor)
                .and_then(|&i| document.evaluation.obligations.get(i))
                .map(|o| o.id.clone());
            if let Some(id) = selected {
                register::raise_from_obligation(app, &id);
            }
        }
        Command::GoToQuestion => {
            let order = obligation_order(&document.evaluation);
            let Some(result) = order
                .get(document.obligation_cursor)
                .and_then(|&i| document.evaluation.obligations.get(i))
            else {
                return Vec::new();
            };
            let Some(obligation) = app.catalogue.obligation(&result.id) else {
                return Vec::new();
            };
            let names: Vec<String> = obligation
                .applies_if
                .names()
                .into_iter()
                .chain(obligation.met_if.names())
                .map(|(n, _)| n.to_string())
                .chain(obligation.evidence.clone())
                .collect();
            let positions: Vec<usize> = names
                .iter()
                .filter_map(|n| app.steps.iter().position(|s| s.question == *n))
                .collect();
            let open = positions.iter().copied().find(|&p| {
                walkthrough::wants_answer(
                    &app.steps[p].question,
                    &document.evaluation,
                    &document.assessment,
                )
            });
            match open.or(positions.first().copied()) {
                Some(step) => go_to_step(app, step),
                None => app.say(
                    Tone::Info,
                    "This obligation is decided by derived values only.",
                ),
            }
        }
        _ => {}
    }
    Vec::new()
}
