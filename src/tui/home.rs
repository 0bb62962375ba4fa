//! The home screen's keys: the assessments of a folder (Enter opens one), a new
//! assessment, a file by its path, another folder to list.

use super::form::{Form, FormKind};
use super::keymap::Command;
use super::state::{App, Effect};

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
