//! The home screen's keys: the assessments of a folder (Enter opens one), a new
//! assessment, a file by its path, another folder to list.

use super::form::{Form, FormKind};
use super::keymap::Command;
use std::path::PathBuf;

use super::state::{capitalised, App, Effect};
use crate::assessment::record::Person;
use crate::session;

pub(crate) fn on_home(app: &mut App, command: Command) -> Vec<Effect> {
    match command {
        Command::Up => app.home_cursor = app.home_cursor.saturating_sub(1),
        Command::Down if app.home_cursor + 1 < app.home.len() => app.home_cursor += 1,
        Command::Confirm => {
            if let Some(entry) = app.home.get(app.home_cursor) {
                return vec![Effect::Open(entry.path.clone())];
            }
            app.form = Some(new_assessment_form());
        }
        Command::NewAssessment => app.form = Some(new_assessment_form()),
        Command::OpenPath => {
            app.form = Some(
                Form::new(
                    FormKind::OpenPath,
                    "Open an assessment file",
                    &[("Path", "")],
                )
                .required(&[0]),
            );
        }
        Command::ChooseFolder => {
            // Pre-filled with the folder shown, the cursor at its end, to go down or up
            // from it.
            let current = app.home_folder.clone();
            let mut form = Form::new(
                FormKind::Folder,
                "List the assessments in a folder",
                &[("Folder", &current)],
            )
            .required(&[0]);
            form.hint = Some(String::from(
                "A shared drive or a git repository: every *.secassess.toml under it is listed, subfolders included. New assessments are created there too.",
            ));
            app.form = Some(form);
        }
        _ => {}
    }
    Vec::new()
}

fn new_assessment_form() -> Form {
    Form::new(
        FormKind::NewAssessment,
        "New assessment",
        &[("System name", ""), ("Description", "")],
    )
    .required(&[0])
    .multiline(&[1])
}

/// Saves a form of the home screen (who you are, a new assessment, a file's path, a
/// folder to list): asks the shell to do it, or keeps the form open with the reason next
/// to the field at fault.
pub(crate) fn submit(app: &mut App) -> Vec<Effect> {
    let Some(form) = app.form.as_mut() else {
        return Vec::new();
    };
    match form.kind {
        FormKind::Identity => {
            let person = Person {
                name: form.value(0),
                role: form.value(1),
                email: form.value(2),
            };
            if person.name.is_empty() {
                form.field_error(0, "Please give your name.");
                return Vec::new();
            }
            app.who = Some(person.clone());
            app.form = None;
            vec![Effect::SaveIdentity(person)]
        }
        FormKind::NewAssessment => {
            let name = form.value(0);
            let description = form.value(1);
            // The same checks as creating the file, before the shell is asked to.
            let checks = [
                (
                    0,
                    session::check_text(
                        "the system name",
                        &name,
                        session::MAX_SYSTEM_NAME_CHARS,
                        false,
                    ),
                ),
                (
                    1,
                    session::check_text(
                        "the description",
                        &description,
                        session::MAX_DESCRIPTION_CHARS,
                        true,
                    ),
                ),
            ];
            for (field, check) in checks {
                if let Err(problem) = check {
                    form.field_error(field, capitalised(&problem.to_string()));
                    return Vec::new();
                }
            }
            if name.is_empty() {
                form.field_error(0, "Please give the system a name.");
                return Vec::new();
            }
            vec![Effect::Create { name, description }]
        }
        FormKind::OpenPath => {
            let path = form.value(0);
            if path.is_empty() {
                form.field_error(0, "Please give the path of a .secassess.toml file.");
                return Vec::new();
            }
            vec![Effect::Open(PathBuf::from(path))]
        }
        FormKind::Folder => {
            let folder = form.value(0);
            if folder.is_empty() {
                form.field_error(0, "Please give the path of a folder.");
                return Vec::new();
            }
            vec![Effect::ShowFolder(PathBuf::from(folder))]
        }
        _ => Vec::new(),
    }
}
