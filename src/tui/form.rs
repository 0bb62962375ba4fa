//! Forms: a titled set of text fields (who you are, a new assessment, a mitigation plan,
//! a risk acceptance, ...) typed one after another. What a form does with its values is
//! up to its kind (`app::submit_form` sends it to `register::submit`, `home::submit`, ...); this module owns how any form
//! behaves while it is filled in, the same for every kind:
//!
//! - Tab/Shift-Tab (and ↑/↓) move between fields; Enter moves on, and saves on the last;
//! - Enter on an empty required field says so next to it and stays there;
//! - a problem found when saving is shown next to the field at fault, and the form stays
//!   open with everything typed;
//! - Esc closes an untouched form, and asks before throwing away anything typed.
//!
//! Pure state and key handling: no terminal.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::keymap::{command_for, Command, Context};
use super::text_box::{Pasted, TextBox};
use crate::assessment::findings::NewFinding;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    Identity,
    NewAssessment,
    OpenPath,
    /// The folder the home screen lists.
    Folder,
    Date,
    Evidence,
    FindingDetails,
    MitigationPlan,
    Mitigated,
    AcceptRisk,
    Exception,
    ReviewQuery,
    SignOff,
    /// Escalate a finding: to whom (name, role).
    Escalate,
    /// The system's name and description.
    System,
    /// "This assessment is signed off ...; change it?": Enter agrees, Esc does not.
    ConfirmChange,
    /// The passphrase of the SSH key that signs, in a masked box; see `signing`.
    Passphrase,
}

/// One field of a form.
#[derive(Clone)]
pub struct Field {
    pub label: String,
    pub text: TextBox,
    /// Saving is refused while it is blank, with a message next to it.
    pub required: bool,
    /// The record field it fills, as the core names it (`mitigation.target_date`), so a
    /// problem the core finds there is shown next to it.
    pub record: Option<&'static str>,
    /// What is wrong with it, shown under it until it is edited.
    pub error: Option<String>,
}

pub struct Form {
    pub kind: FormKind,
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// A problem with the form as a whole (not one field), shown under the fields.
    pub error: Option<String>,
    /// Guidance shown under the fields (such as the severity rubric).
    pub hint: Option<String>,
    /// What the form changes: a finding id or a question id.
    pub target: Option<String>,
    /// A new finding's links (obligations, questions) kept while its details are typed.
    pub draft: Option<NewFinding>,
    /// The key to carry out once the user agrees (a [`FormKind::ConfirmChange`]).
    pub replay: Option<KeyEvent>,
}

/// What a key did to a form, for the app to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormStep {
    /// Handled inside the form (typing, moving, a message next to a field).
    Stay,
    /// Enter on the last field with every required field filled: save it.
    Submit,
    /// Esc on a form where nothing was typed: close it.
    Close,
    /// Esc after typing: ask whether to keep or throw away what was typed.
    AskToLeave,
}

impl Form {
    /// A form of one-line fields, each `(label, pre-filled text)`, none required: chain
    /// [`Form::required`], [`Form::multiline`] and [`Form::records`] to say more.
    pub(crate) fn new(kind: FormKind, title: &str, fields: &[(&str, &str)]) -> Form {
        Form {
            kind,
            title: title.to_string(),
            fields: fields
                .iter()
                .map(|(label, value)| Field {
                    label: label.to_string(),
                    text: TextBox::new(value, false),
                    required: false,
                    record: None,
                    error: None,
                })
                .collect(),
            focus: 0,
            error: None,
            hint: None,
            target: None,
            draft: None,
            replay: None,
        }
    }

    /// Marks fields (by index) that must not be left blank.
    pub(crate) fn required(mut self, indexes: &[usize]) -> Form {
        for &i in indexes {
            if let Some(field) = self.fields.get_mut(i) {
                field.required = true;
            }
        }
        self
    }

    /// Makes fields (by index) take several lines: a paste keeps its line breaks there.
    pub(crate) fn multiline(mut self, indexes: &[usize]) -> Form {
        for &i in indexes {
            if let Some(field) = self.fields.get_mut(i) {
                field.text = TextBox::new(&field.text.text(), true);
            }
        }
        self
    }

    /// Names the record field each form field fills, `(index, "mitigation.owner")`.
    pub(crate) fn records(mut self, records: &[(usize, &'static str)]) -> Form {
        for &(i, record) in records {
            if let Some(field) = self.fields.get_mut(i) {
                field.record = Some(record);
            }
        }
        self
    }

    /// A field's text, trimmed; a field of several lines keeps its line breaks.
    pub fn value(&self, index: usize) -> String {
        self.fields
            .get(index)
            .map(|f| f.text.value())
            .unwrap_or_default()
    }

    /// Whether anything was typed into any field.
    pub fn changed(&self) -> bool {
        self.fields.iter().any(|f| f.text.changed())
    }

    /// Shows `problem` next to field `index` and moves there.
    pub fn field_error(&mut self, index: usize, problem: impl Into<String>) {
        if let Some(field) = self.fields.get_mut(index) {
            field.error = Some(problem.into());
            self.focus = index;
        }
    }

    /// Shows `problem` next to the field filling record field `record` (or a field
    /// within it: `acceptance.accepted_by.name` goes to `acceptance.accepted_by`), or
    /// under the whole form when no field does.
    pub fn place_error(&mut self, record: Option<&str>, problem: impl Into<String>) {
        let problem = problem.into();
        // The field filling exactly that record field, else the one filling the most
        // specific part of it.
        let index = record.and_then(|record| {
            self.fields
                .iter()
                .enumerate()
                .filter_map(|(i, f)| {
                    let r = f.record?;
                    let fits = record == r
                        || record
                            .strip_prefix(r)
                            .is_some_and(|rest| rest.starts_with('.'));
                    fits.then_some((r.len(), i))
                })
                .max_by_key(|&(length, i)| (length, std::cmp::Reverse(i)))
                .map(|(_, i)| i)
        });
        match index {
            Some(index) => self.field_error(index, problem),
            None => self.error = Some(problem),
        }
    }

    /// The first required field left blank.
    pub fn first_missing(&self) -> Option<usize> {
        self.fields
            .iter()
            .position(|f| f.required && f.text.is_blank())
    }

    fn say_missing(&mut self, index: usize) {
        let label = self
            .fields
            .get(index)
            .map(|f| f.label.clone())
            .unwrap_or_default();
        self.field_error(
            index,
            format!("{label} is needed: type it here, then press Enter."),
        );
    }

    /// Applies a key: typing, moving between fields, Enter and Esc.
    pub fn key(&mut self, key: KeyEvent) -> FormStep {
        let command = command_for(&key, &[Context::Form])
            .or_else(|| (key.code == KeyCode::Esc).then_some(Command::Back));
        let focus_lines = self.fields.get(self.focus).map(|f| f.text.cursor_line());
        // In a field of several lines ↑/↓ move between its lines, and out of it only from
        // its first or last line.
        let within = |command| match (command, focus_lines) {
            (Some(Command::NextField), Some((line, lines))) => {
                key.code == KeyCode::Down && line + 1 < lines
            }
            (Some(Command::PreviousField), Some((line, _))) => key.code == KeyCode::Up && line > 0,
            _ => false,
        };
        match command {
            _ if within(command) => {
                self.type_key(key);
                FormStep::Stay
            }
            Some(Command::NextField) => {
                self.focus = (self.focus + 1) % self.fields.len().max(1);
                FormStep::Stay
            }
            Some(Command::PreviousField) => {
                self.focus = self
                    .focus
                    .checked_sub(1)
                    .unwrap_or(self.fields.len().saturating_sub(1));
                FormStep::Stay
            }
            Some(Command::Back) if self.changed() => FormStep::AskToLeave,
            Some(Command::Back) => FormStep::Close,
            Some(Command::Confirm) => {
                let blank_here = self
                    .fields
                    .get(self.focus)
                    .is_some_and(|f| f.required && f.text.is_blank());
                if blank_here {
                    self.say_missing(self.focus);
                    return FormStep::Stay;
                }
                if self.focus + 1 < self.fields.len() {
                    self.focus += 1;
                    return FormStep::Stay;
                }
                if let Some(missing) = self.first_missing() {
                    self.say_missing(missing);
                    return FormStep::Stay;
                }
                self.error = None;
                FormStep::Submit
            }
            _ => {
                self.type_key(key);
                FormStep::Stay
            }
        }
    }

    fn type_key(&mut self, key: KeyEvent) {
        if let Some(field) = self.fields.get_mut(self.focus) {
            let before = field.text.text();
            field.text.key(key);
            if field.text.text() != before {
                field.error = None;
                self.error = None;
            }
        }
    }

    /// Pastes into the focused field.
    pub fn paste(&mut self, text: &str) -> Pasted {
        let Some(field) = self.fields.get_mut(self.focus) else {
            return Pasted::Inserted {
                joined: false,
                dropped: 0,
            };
        };
        let pasted = field.text.paste(text);
        if matches!(pasted, Pasted::Inserted { .. }) {
            field.error = None;
            self.error = None;
        }
        pasted
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyModifiers;

    fn press(form: &mut Form, code: KeyCode) -> FormStep {
        form.key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn plan() -> Form {
        Form::new(
            FormKind::MitigationPlan,
            "Plan",
            &[("Actions", ""), ("Owner", "Sam Tech"), ("Target date", "")],
        )
        .required(&[0, 1, 2])
        .multiline(&[0])
        .records(&[(0, "mitigation.actions"), (2, "mitigation.target_date")])
    }

    #[test]
    fn enter_on_an_empty_required_field_says_so_and_stays() {
        let mut form = plan();
        assert_eq!(press(&mut form, KeyCode::Enter), FormStep::Stay);
        assert_eq!(form.focus, 0);
        let error = form.fields[0].error.clone().unwrap_or_default();
        assert!(error.contains("Actions is needed"), "{error}");
        form.key(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE));
        assert_eq!(form.fields[0].error, None, "typing clears it");
        assert_eq!(press(&mut form, KeyCode::Enter), FormStep::Stay);
        assert_eq!(press(&mut form, KeyCode::Enter), FormStep::Stay);
        assert_eq!(form.focus, 2);
        // The last field is blank: saving is refused there.
        assert_eq!(press(&mut form, KeyCode::Enter), FormStep::Stay);
        assert!(form.fields[2].error.is_some());
        form.paste("2099-01-31");
        assert_eq!(press(&mut form, KeyCode::Enter), FormStep::Submit);
    }

    #[test]
    fn esc_closes_an_untouched_form_and_asks_after_typing() {
        let mut form = plan();
        assert_eq!(press(&mut form, KeyCode::Esc), FormStep::Close);
        form.paste("Enable MFA");
        assert_eq!(press(&mut form, KeyCode::Esc), FormStep::AskToLeave);
    }

    #[test]
    fn problems_are_placed_next_to_the_field_at_fault() {
        let mut form = plan();
        form.place_error(Some("mitigation.target_date"), "has passed");
        assert_eq!(form.focus, 2);
        assert_eq!(form.fields[2].error.as_deref(), Some("has passed"));
        form.place_error(Some("acceptance.review_date"), "elsewhere");
        assert_eq!(form.error.as_deref(), Some("elsewhere"));
    }

    #[test]
    fn a_paste_keeps_line_breaks_only_in_a_field_of_several_lines() {
        let mut form = plan();
        form.paste("one\ntwo");
        assert_eq!(form.value(0), "one\ntwo");
        // ↑ moves within the lines first, then ↓ past the last line leaves the field.
        press(&mut form, KeyCode::Up);
        assert_eq!(form.focus, 0);
        press(&mut form, KeyCode::Down);
        press(&mut form, KeyCode::Down);
        assert_eq!(form.focus, 1);
        form.paste(" and\nSam");
        assert_eq!(form.value(1), "Sam Tech and Sam");
    }
}
