use super::sources::merge_overrides;
use super::*;
use crate::questionnaire::model::{Catalogue, MAX_DEPENDENCY_DEPTH};
use crate::text::line_column;

const HEADER: &str = r#"
[questionnaire]
id = "t"
version = "1"
title = "Test"

[[sections]]
id = "s"
title = "S"
"#;

fn yes_no(id: &str, extra: &str) -> String {
    format!(
        r#"
[[questions]]
id = "{id}"
section = "s"
kind = "yes-no"
prompt = "p"
help = "h"
who_can_answer = "w"
short = "{id}"
when_yes = "y"
when_no = "n"
{extra}
"#
    )
}

fn load(text: &str) -> Result<Catalogue, LoadError> {
    load_files(vec![SourceFile {
        name: "t.toml".into(),
        text: text.into(),
    }])
}

fn errors(text: &str) -> Vec<String> {
    match load(text) {
        Ok(_) => panic!("expected errors for:\n{text}"),
        Err(e) => e.diagnostics().iter().map(|d| d.to_string()).collect(),
    }
}

#[test]
fn embedded_questionnaires_load() {
    let catalogue = load_embedded().unwrap_or_else(|e| panic!("{e}"));
    assert!(catalogue.question("classification").is_some());
    assert!(catalogue.derived("effective_classification").is_some());
}

#[test]
fn bad_toml_reports_line_and_column() {
    let text = format!("{HEADER}\n[[questions]\nid = 1\n");
    let errs = errors(&text);
    assert_eq!(errs.len(), 1);
    assert!(errs[0].starts_with("t.toml:11:"), "{errs:?}");
}

#[test]
fn missing_field_and_unknown_field_are_located() {
    let text = format!("{HEADER}\n[[questions]]\nid = \"a\"\nsection = \"s\"\nkind = \"yes-no\"\nprompt = \"p\"\nhelp = \"h\"\nwho_can_answer = \"w\"\nwhen_yes = \"y\"\nwhen_no = \"n\"\nprompts = \"typo\"\n");
    let errs = errors(&text);
    assert!(errs[0].contains("prompts"), "{errs:?}");
    assert!(errs[0].starts_with("t.toml:"), "{errs:?}");
}

#[test]
fn unknown_name_in_expression_points_inside_the_string() {
    let text = format!(
        "{HEADER}{}{}",
        yes_no("a", ""),
        yes_no("b", "ask_if = \"a == yes and c == no\"")
    );
    let errs = errors(&text);
    assert_eq!(errs.len(), 1, "{errs:?}");
    // Line of the ask_if; column of 'c' inside the string (after `ask_if = "`).
    let line = text.lines().position(|l| l.starts_with("ask_if")).unwrap() + 1;
    assert_eq!(
        errs[0],
        format!("t.toml:{line}:24: unknown question or derived value 'c'")
    );
}

#[test]
fn suggests_close_names() {
    let text = format!(
        "{HEADER}{}{}",
        yes_no("admin_accounts", ""),
        yes_no("b", "ask_if = \"admin_acounts == yes\"")
    );
    assert!(errors(&text)[0].contains("did you mean 'admin_accounts'"));
}

#[test]
fn wrong_value_and_type_mismatches() {
    let choice = r#"
[[questions]]
id = "c"
section = "s"
kind = "single"
short = "c"
prompt = "p"
help = "h"
who_can_answer = "w"
[[questions.options]]
value = "low"
label = "Low"
when_chosen = "it is low"
[[questions.options]]
value = "high"
label = "High"
when_chosen = "it is high"
"#;
    let cases = [
        ("a == maybe", "compare it with yes or no"),
        ("a >= yes", "compare it with == or != only"),
        (
            "c == medium",
            "'medium' is not an option of 'c'; its options are: low, high",
        ),
        ("c >= low", "is not ordered"),
        ("c includes low", "'includes' works only on multiple-choice"),
    ];
    for (expr, expected) in cases {
        let text = format!(
            "{HEADER}{}{choice}{}",
            yes_no("a", ""),
            yes_no("b", &format!("ask_if = \"{expr}\""))
        );
        let errs = errors(&text);
        assert!(
            errs.iter().any(|e| e.contains(expected)),
            "{expr}: {errs:?}"
        );
    }
}

#[test]
fn reasons_need_their_phrases_so_no_prompt_or_label_is_pasted_in() {
    // A question used in a condition without `short`.
    let bare = yes_no("a", "").replace("short = \"a\"\n", "");
    let text = format!("{HEADER}{bare}{}", yes_no("b", "ask_if = \"a == yes\""));
    assert!(
        errors(&text)
            .iter()
            .any(|e| e.contains("'a' is used in a condition, so it needs `short`")),
        "{:?}",
        errors(&text)
    );
    // An unordered choice option without `when_chosen`; a multiple-choice option without
    // `when_not_chosen`; two exclusive options.
    let choice = r#"
[[questions]]
id = "c"
section = "s"
kind = "multiple"
short = "c"
prompt = "p"
help = "h"
who_can_answer = "w"
[[questions.options]]
value = "none"
label = "Nobody"
exclusive = true
when_chosen = "nobody"
[[questions.options]]
value = "other"
label = "Other"
exclusive = true
when_chosen = "other"
[[questions.options]]
value = "staff"
label = "Staff"
"#;
    let errs = errors(&format!("{HEADER}{choice}"));
    for expected in [
        "option 'staff' needs `when_chosen`",
        "option 'staff' of a multiple-choice question needs `when_not_chosen`",
        "only one `exclusive` option",
    ] {
        assert!(
            errs.iter().any(|e| e.contains(expected)),
            "{expected}: {errs:?}"
        );
    }
}

#[test]
fn an_obligation_quoting_a_standard_with_an_exception_route_inherits_its_approver() {
    let catalogue = load_embedded().unwrap_or_else(|e| panic!("{e}"));
    let standard = catalogue.standards.get("authentication").expect("exists");
    assert_eq!(
        standard.exceptions_approved_by.as_deref(),
        Some("Architecture Review Board")
    );
    let login = catalogue
        .obligation("login-data-encrypted")
        .expect("exists");
    assert_eq!(
        login.exception_approver.as_deref(),
        Some("Architecture Review Board")
    );
    // `requires_approval` names the approver of the exception it is.
    let shared = catalogue
        .obligation("shared-account-exception")
        .expect("exists");
    assert_eq!(
        shared.exception_approver.as_deref(),
        Some("Cyber Security team")
    );
}

#[test]
fn cycles_are_reported_once_with_their_path() {
    let text = format!(
        "{HEADER}{}{}{}",
        yes_no("a", "ask_if = \"c == yes\""),
        yes_no("b", "ask_if = \"a == yes\""),
        yes_no("c", "ask_if = \"b == yes\"")
    );
    let errs = errors(&text);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].contains("circular condition: a -> c -> b -> a"),
        "{errs:?}"
    );
    let text = format!("{HEADER}{}", yes_no("a", "ask_if = \"a == yes\""));
    assert!(errors(&text)[0].contains("circular condition: a -> a"));
}

#[test]
fn a_chain_deeper_than_the_engine_follows_is_refused() {
    let chain = |n: usize| {
        let mut text = String::from(HEADER);
        text.push_str(&yes_no("q0", ""));
        for i in 1..=n {
            text.push_str(&yes_no(
                &format!("q{i}"),
                &format!("ask_if = \"q{} == yes\"", i - 1),
            ));
        }
        text
    };
    assert!(load(&chain(MAX_DEPENDENCY_DEPTH)).is_ok());
    let errs = errors(&chain(MAX_DEPENDENCY_DEPTH + 1));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
            errs[0].contains(&format!(
                "'q{n}' depends, through ask_if and derived values, on a chain of {n} conditions nesting {n} deep in all (q{n} -> q{} -> q{} -> ... -> q2 -> q1)",
                MAX_DEPENDENCY_DEPTH,
                MAX_DEPENDENCY_DEPTH - 1,
                n = MAX_DEPENDENCY_DEPTH + 1
            )),
            "{errs:?}"
        );
    assert!(errs[0].starts_with("t.toml:"), "{errs:?}");
    // Nested conditions count as deep as they nest: five links of 63 levels each.
    let mut nested = String::from(HEADER);
    nested.push_str(&yes_no("q0", ""));
    for i in 1..=5 {
        let condition = format!("{}q{} == yes", "not not ".repeat(31), i - 1);
        nested.push_str(&yes_no(
            &format!("q{i}"),
            &format!("ask_if = \"{condition}\""),
        ));
    }
    let errs = errors(&nested);
    assert!(
        errs[0].contains("a chain of 5 conditions nesting 315 deep"),
        "{errs:?}"
    );
}

#[test]
fn duplicate_ids_name_the_first_definition() {
    let text = format!("{HEADER}{}{}", yes_no("a", ""), yes_no("a", ""));
    let errs = errors(&text);
    assert!(
        errs[0].contains("duplicate question id 'a' (first defined at t.toml:"),
        "{errs:?}"
    );
}

#[test]
fn huge_and_deeply_nested_input_is_refused_without_panic() {
    let deep = format!("a = {}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(errors(&deep)[0].contains("nest more than"));
    let huge = format!("# {}\n", "x".repeat(MAX_FILE_BYTES + 1));
    assert!(errors(&huge)[0].contains("limited to"));
    let inline = format!("a = {}1{}", "{b = ".repeat(10_000), "}".repeat(10_000));
    assert!(!errors(&inline).is_empty());
}

#[test]
fn override_replaces_questionnaire_with_same_id() {
    let user = SourceFile {
        name: "mine/profile.toml".into(),
        text: HEADER.replace("id = \"t\"", "id = \"profile\"") + &yes_no("only", ""),
    };
    let merged = merge_overrides(embedded_files(), vec![user]);
    assert!(merged.iter().all(|f| !f.name.ends_with("00-profile.toml")));
    assert!(merged.iter().any(|f| f.name.ends_with("standards.toml")));
}

#[test]
fn line_column_counts_characters() {
    assert_eq!(line_column("ab\ncé d", 7), (2, 4));
    assert_eq!(line_column("", 10), (1, 1));
}

proptest::proptest! {
    #[test]
    fn loader_never_panics(text in "\\PC{0,400}") {
        let _ = load(&text);
    }

    #[test]
    fn loader_never_panics_on_toml_like_text(text in "[\\[\\]{}=\"a-z0-9_ \n.#,]{0,400}") {
        let _ = load(&text);
    }
}
