//! Fuzzes the assessment loader: any bytes must give an assessment or an error, never a
//! panic, a hang or runaway memory; and whatever loads must save and load back the same.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use secassess::assessment::upgrade::upgrade_report;
use secassess::questionnaire::Catalogue;
use secassess::store::format;

fn catalogue() -> Option<&'static Catalogue> {
    static CATALOGUE: OnceLock<Option<Catalogue>> = OnceLock::new();
    CATALOGUE
        .get_or_init(|| secassess::questionnaire::load_embedded().ok())
        .as_ref()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("fuzz.secassess.toml");
    let Ok(decoded) = format::decode(path, text) else {
        return;
    };
    // Whatever was accepted is used the way `show` uses it...
    if let Some(catalogue) = catalogue() {
        let _ = decoded.assessment.typed_answers(catalogue);
        let _ = upgrade_report(&decoded.assessment, catalogue);
    }
    // ...and survives a save and reload unchanged.
    let Ok(saved) = format::encode(&decoded.assessment) else {
        panic!("an accepted assessment could not be written back");
    };
    match format::decode(path, &saved) {
        Ok(again) => assert_eq!(again.assessment, decoded.assessment, "round trip changed the assessment"),
        Err(e) => panic!("a saved assessment did not load again: {e}\n{saved}"),
    }
});
