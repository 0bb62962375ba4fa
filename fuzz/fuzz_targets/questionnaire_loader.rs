//! Fuzzes the questionnaire loader, the way a user's `--questionnaires` folder reaches
//! it: any text, alone or on top of the built-in questionnaires it may override, must
//! give a catalogue or diagnostics with positions inside the file, never a panic, a hang
//! or a stack overflow; and any catalogue it accepts must evaluate (nothing answered,
//! and every question "don't know yet") without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use secassess::questionnaire::answer::{AnswerValue, Answers};
use secassess::questionnaire::loader::{self, SourceFile};
use secassess::rules;

fuzz_target!(|data: &[u8]| {
    // The first byte chooses alone or over the built-in questionnaires.
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let fuzzed = SourceFile {
        name: String::from("questionnaires/20-application-security.toml"),
        text: text.to_string(),
    };
    let files = if mode % 2 == 0 {
        vec![fuzzed]
    } else {
        let mut files: Vec<SourceFile> = loader::embedded_files()
            .into_iter()
            .filter(|f| f.name != fuzzed.name)
            .collect();
        files.push(fuzzed);
        files
    };
    match loader::load_files(files) {
        Ok(catalogue) => {
            let _ = rules::evaluate(&catalogue, &Answers::new());
            let dont_know: Answers = catalogue
                .questions
                .keys()
                .map(|id| (id.clone(), AnswerValue::DontKnow))
                .collect();
            let _ = rules::evaluate(&catalogue, &dont_know);
        }
        Err(e) => {
            // Every diagnostic renders (file:line:column from byte spans).
            assert!(!e.to_string().is_empty());
        }
    }
});
