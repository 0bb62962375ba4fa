//! The TUI without a terminal: key events in, state and effects out, and each screen
//! rendered into ratatui's TestBackend and compared with insta snapshots, at 80x24 and
//! 120x40, in colour and with NO_COLOR.

use chrono::{DateTime, Utc};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Color, Modifier};
use ratatui::Terminal;

use secassess::assessment::record::{Assessment, Person, System};
use secassess::questionnaire::answer::AnswerValue;
use secassess::questionnaire::{load_embedded, AnswerKind};
use secassess::tui::app::{update, Access, App, Effect, HomeEntry, Msg, SaveState, Screen};
use secassess::tui::theme::Theme;
use secassess::tui::view::view;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T09:41:00Z")
        .expect("valid time")
        .with_timezone(&Utc)
}

fn who() -> Person {
    Person {
        name: "Ann Lead".into(),
        role: "Project lead".into(),
        email: "ann.lead@example.nhs.uk".into(),
    }
}

fn app_with(theme: Theme) -> App {
    let catalogue = load_embedded().expect("embedded content loads");
    let assessment = Assessment::new(
        System {
            name: "Staff rota".into(),
            description: "Shift planning for the regional office".into(),
        },
        who(),
        &catalogue,
        now(),
    );
    let mut app = App::new(catalogue, theme, Some(who()), Vec::new());
    app.open("rota.secassess.toml".into(), assessment, None);
    app
}

fn app() -> App {
    app_with(Theme::from_env(None, None))
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn press(app: &mut App, keys: &[KeyCode]) -> Vec<Effect> {
    let mut effects = Vec::new();
    for code in keys {
        effects.extend(update(app, key(*code), now()));
    }
    effects
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        update(app, key(KeyCode::Char(c)), now());
    }
}

fn current_id(app: &App) -> String {
    app.current_question()
        .map(|q| q.id.clone())
        .unwrap_or_default()
}

fn render(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal.draw(|frame| view(app, frame)).expect("draws");
    terminal
}

fn status(app: &App) -> String {
    app.status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

#[test]
fn answering_records_the_answer_saves_and_moves_on() {
    let mut app = app();
    assert_eq!(current_id(&app), "classification");
    let effects = press(&mut app, &[KeyCode::Char('1')]);
    assert_eq!(effects, vec![Effect::Save]);
    let document = app.document.as_ref().expect("open");
    let record = &document.assessment.answers["classification"];
    assert_eq!(record.answered_by, "Ann Lead <ann.lead@example.nhs.uk>");
    assert_eq!(
        document.assessment.audit.len(),
        2,
        "the creation and the answer"
    );
    assert_eq!(document.save, SaveState::Saving);
    assert_eq!(current_id(&app), "personal_data");
    update(&mut app, Msg::Saved(Ok(now())), now());
    assert_eq!(
        app.document.as_ref().map(|d| d.save.clone()),
        Some(SaveState::Saved(now()))
    );
}

#[test]
fn profile_changes_are_announced_and_obligations_update() {
    let mut app = app();
    press(&mut app, &[KeyCode::Char('1')]); // OFFICIAL
    press(&mut app, &[KeyCode::Char('1')]); // personal data: yes
    let message = status(&app);
    assert!(message.contains("Now applies:"), "{message}");
    // Obligations by title, not by id.
    assert!(
        message.contains("Have the system penetration tested"),
        "{message}"
    );
    assert!(!message.contains("penetration-test"), "{message}");
    assert!(!message.contains("iams-registration"), "{message}");
    let evaluation = &app.document.as_ref().expect("open").evaluation;
    assert_eq!(
        evaluation
            .effective_classification
            .as_ref()
            .and_then(|e| e.value.as_deref()),
        Some("official-sensitive")
    );
}

#[test]
fn conditional_questions_appear_and_disappear() {
    let mut app = app();
    let web_question = app
        .catalogue
        .questions
        .values()
        .find(|q| {
            q.ask_if
                .as_ref()
                .is_some_and(|(_, t)| t.trim() == "web_application == yes")
        })
        .map(|q| q.id.clone())
        .expect("web-only question");
    let position = |app: &App, id: &str| {
        app.steps
            .iter()
            .position(|s| s.question == id)
            .expect("step")
    };
    let web_step = position(&app, &web_question);
    let answer_web = |app: &mut App, yes: bool| {
        let step = position(app, "web_application");
        app.document.as_mut().expect("open").step = step;
        press(app, &[KeyCode::Char(if yes { '1' } else { '2' })]);
    };
    answer_web(&mut app, false);
    assert_eq!(
        app.step_state(web_step),
        secassess::walkthrough::StepState::Skipped
    );
    // Walking forward from just before it never lands on it.
    app.document.as_mut().expect("open").step = web_step.saturating_sub(1);
    press(&mut app, &[KeyCode::Right]);
    assert_ne!(current_id(&app), web_question);
    answer_web(&mut app, true);
    assert_eq!(
        app.step_state(web_step),
        secassess::walkthrough::StepState::Open
    );
}

/// The walkthrough numbers questions as plain mode does, among those not skipped: after
/// "no web application", the last question is no longer "121 of 121".
#[test]
fn question_numbers_count_only_questions_not_skipped() {
    let mut app = app();
    let last = app.steps.len() - 1;
    let web = app
        .steps
        .iter()
        .position(|s| s.question == "web_application")
        .expect("step");
    app.document.as_mut().expect("open").step = web;
    press(&mut app, &[KeyCode::Char('2')]);
    app.document.as_mut().expect("open").step = last;
    let document = app.document.as_ref().expect("open");
    let (number, total) = secassess::walkthrough::position(
        &app.steps,
        last,
        &document.evaluation,
        &document.assessment,
    );
    assert!(total < app.steps.len(), "some questions are skipped now");
    assert_eq!(number, total);
    let screen = screen_text(&app, 120, 40);
    assert!(
        screen.contains(&format!("question {number} of {total} ")),
        "{screen}"
    );
}

#[test]
fn dont_know_says_who_can_answer() {
    let mut app = app();
    press(&mut app, &[KeyCode::Char('d')]);
    let message = status(&app);
    assert!(message.contains("Information Governance"), "{message}");
    let record = &app.document.as_ref().expect("open").assessment.answers["classification"];
    assert!(record.dont_know);
}

#[test]
fn arrows_and_vim_keys_navigate_alike() {
    let mut a = app();
    let mut b = app();
    press(
        &mut a,
        &[KeyCode::Right, KeyCode::Right, KeyCode::Left, KeyCode::Down],
    );
    press(
        &mut b,
        &[
            KeyCode::Char('l'),
            KeyCode::Char('l'),
            KeyCode::Char('h'),
            KeyCode::Char('j'),
        ],
    );
    assert_eq!(current_id(&a), current_id(&b));
    assert_eq!(current_id(&a), "personal_data");
    assert_eq!(
        a.document.as_ref().map(|d| d.cursor),
        b.document.as_ref().map(|d| d.cursor)
    );
}

#[test]
fn read_only_refuses_changes_and_says_why() {
    let catalogue = load_embedded().expect("loads");
    let assessment = Assessment::new(System::default(), who(), &catalogue, now());
    let mut app = App::new(
        catalogue,
        Theme::from_env(None, None),
        Some(who()),
        Vec::new(),
    );
    app.open(
        "x.secassess.toml".into(),
        assessment,
        Some("open in Bo's secassess on host-2 since 09:00".into()),
    );
    let effects = press(&mut app, &[KeyCode::Char('1')]);
    assert!(effects.is_empty());
    assert!(
        status(&app).contains("Read-only: open in Bo's secassess"),
        "{}",
        status(&app)
    );
    assert!(app
        .document
        .as_ref()
        .expect("open")
        .assessment
        .answers
        .is_empty());
}

/// An app on its first free-text question, with its text box open and `text` typed.
fn typing_an_answer(text: &str) -> (App, String) {
    let mut app = app();
    let step = app
        .steps
        .iter()
        .position(|s| {
            app.catalogue
                .question(&s.question)
                .is_some_and(|q| q.kind == secassess::questionnaire::AnswerKind::Text)
        })
        .expect("a free-text question");
    app.document.as_mut().expect("open").step = step;
    let id = current_id(&app);
    press(&mut app, &[KeyCode::Enter]);
    assert!(app.editor.is_some());
    type_text(&mut app, text);
    (app, id)
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

#[test]
fn ctrl_c_while_typing_asks_and_keep_saves_then_quits() {
    let (mut app, id) = typing_an_answer("Hosted in Azure UK South");
    assert!(update(&mut app, ctrl('c'), now()).is_empty(), "nothing yet");
    let prompt = app.prompt.as_ref().expect("asks first");
    assert!(
        prompt.message.contains("not saved yet"),
        "{}",
        prompt.message
    );
    assert!(app
        .document
        .as_ref()
        .expect("open")
        .assessment
        .answers
        .is_empty());
    let effects = press(&mut app, &[KeyCode::Char('k')]);
    assert_eq!(effects, vec![Effect::Save, Effect::Quit]);
    let record = &app.document.as_ref().expect("open").assessment.answers[&id];
    assert_eq!(
        record.value,
        Some(secassess::assessment::record::StoredValue::One(
            "Hosted in Azure UK South".into()
        ))
    );
}

#[test]
fn ctrl_c_while_typing_can_throw_the_text_away_or_go_back() {
    let (mut app, _) = typing_an_answer("half a thou");
    update(&mut app, ctrl('c'), now());
    // Back: still typing, text intact.
    assert!(press(&mut app, &[KeyCode::Char('b')]).is_empty());
    assert!(app.prompt.is_none());
    type_text(&mut app, "ght");
    let text = app
        .editor
        .as_ref()
        .map(|e| e.area.text())
        .unwrap_or_default();
    assert_eq!(text, "half a thought");
    // Discard: quits, and the half-typed text is not an answer.
    let before = app.document.as_ref().expect("open").assessment.clone();
    update(&mut app, ctrl('c'), now());
    let effects = press(&mut app, &[KeyCode::Char('d')]);
    assert_eq!(effects, vec![Effect::Quit]);
    assert_eq!(app.document.as_ref().expect("open").assessment, before);
    // A second Ctrl-C at the prompt does the same, as the prompt says.
    let (mut app, _) = typing_an_answer("x");
    update(&mut app, ctrl('c'), now());
    assert_eq!(update(&mut app, ctrl('c'), now()), vec![Effect::Quit]);
    assert!(app
        .document
        .as_ref()
        .expect("open")
        .assessment
        .answers
        .is_empty());
}

#[test]
fn ctrl_c_with_nothing_typed_just_quits() {
    let mut app = app();
    assert_eq!(update(&mut app, ctrl('c'), now()), vec![Effect::Quit]);
    let (mut app, _) = typing_an_answer("");
    assert_eq!(update(&mut app, ctrl('c'), now()), vec![Effect::Quit]);
}

#[test]
fn notes_are_kept_and_audited() {
    let mut app = app();
    press(&mut app, &[KeyCode::Char('n')]);
    type_text(&mut app, "Asked IG on Monday");
    // Esc asks before leaving what was typed; k keeps it.
    assert!(press(&mut app, &[KeyCode::Esc]).is_empty());
    assert!(app.prompt.is_some());
    let effects = press(&mut app, &[KeyCode::Char('k')]);
    assert_eq!(effects, vec![Effect::Save]);
    let document = app.document.as_ref().expect("open");
    assert_eq!(
        document.assessment.answers["classification"].notes,
        "Asked IG on Monday"
    );
    assert_eq!(
        document.assessment.audit.last().map(|e| e.action.as_str()),
        Some("notes-changed")
    );
}

#[test]
fn search_jumps_to_a_matching_question() {
    let mut app = app();
    press(&mut app, &[KeyCode::Char('/')]);
    type_text(&mut app, "penetration");
    assert!(!app.search_results().is_empty());
    press(&mut app, &[KeyCode::Enter]);
    let prompt = app
        .current_question()
        .map(|q| format!("{} {}", q.prompt, q.help).to_lowercase())
        .unwrap_or_default();
    assert!(prompt.contains("penetration"), "{prompt}");
    assert!(app.overlay.is_none());
}

#[test]
fn answer_later_flags_and_unflags() {
    let mut app = app();
    press(&mut app, &[KeyCode::Char('a')]);
    assert!(app.document.as_ref().expect("open").assessment.answers["classification"].flagged);
    press(&mut app, &[KeyCode::Char('a')]);
    assert!(!app.document.as_ref().expect("open").assessment.answers["classification"].flagged);
}

#[test]
fn reopening_resumes_at_the_last_question() {
    let mut app = app();
    press(&mut app, &[KeyCode::Right, KeyCode::Right, KeyCode::Right]);
    let here = current_id(&app);
    let assessment = app.document.take().expect("open").assessment;
    assert_eq!(assessment.last_question.as_deref(), Some(here.as_str()));
    let mut reopened = App::new(
        load_embedded().expect("loads"),
        Theme::from_env(None, None),
        Some(who()),
        Vec::new(),
    );
    reopened.open("rota.secassess.toml".into(), assessment, None);
    assert_eq!(current_id(&reopened), here);
}

#[test]
fn obligations_screen_goes_to_the_deciding_question() {
    let mut app = app();
    press(&mut app, &[KeyCode::Char('o')]);
    assert_eq!(app.screen, Screen::Obligations);
    press(&mut app, &[KeyCode::Enter]);
    assert_eq!(app.screen, Screen::Walkthrough);
}

#[test]
fn first_run_asks_for_identity_and_saves_it() {
    let catalogue = load_embedded().expect("loads");
    let mut app = App::new(catalogue, Theme::from_env(None, None), None, Vec::new());
    assert!(app.form.is_some());
    // Esc cannot skip it: nothing can be recorded without a name.
    press(&mut app, &[KeyCode::Esc]);
    assert!(app.form.is_some());
    type_text(&mut app, "Ann Lead");
    press(&mut app, &[KeyCode::Enter, KeyCode::Enter]);
    type_text(&mut app, "ann@example.org");
    let effects = press(&mut app, &[KeyCode::Enter]);
    assert_eq!(
        effects,
        vec![Effect::SaveIdentity(Person {
            name: "Ann Lead".into(),
            role: "Project lead".into(),
            email: "ann@example.org".into()
        })]
    );
    assert!(app.form.is_none());
}

/// The home screen's entries for a folder: two assessments (one with its classification
/// and data questions answered) and a file that could not be read, as the shell makes
/// them (`secassess portfolio`'s rows).
fn home_entries() -> Vec<HomeEntry> {
    let catalogue = load_embedded().expect("loads");
    let today = now().date_naive();
    let mut entries = Vec::new();
    for (name, answers) in [
        ("Staff rota", &[][..]),
        (
            "Patient portal",
            &[
                ("classification", "official-sensitive"),
                ("personal_data", "yes"),
                ("commercially_sensitive", "no"),
            ][..],
        ),
    ] {
        let mut a = Assessment::new(
            System {
                name: name.into(),
                description: String::new(),
            },
            who(),
            &catalogue,
            now(),
        );
        for (id, value) in answers {
            let q = catalogue.question(id).expect("question");
            let v = secassess::questionnaire::answer::parse_answer(q, value).expect("valid");
            a.set_answer(q, &v, &who(), now()).expect("answered");
        }
        let file = format!(
            "/data/{}.secassess.toml",
            name.to_lowercase().replace(' ', "-")
        );
        let decoded = secassess::store::format::Decoded {
            assessment: a,
            schema_version: secassess::assessment::record::SCHEMA_VERSION,
            migrations: Vec::new(),
            complete: true,
        };
        entries.push(HomeEntry {
            path: file.clone().into(),
            row: Ok(secassess::portfolio::summarise(
                &file,
                &decoded,
                &secassess::assessment::evidence::EvidenceFiles::not_checked(),
                &catalogue,
                today,
            )),
        });
    }
    entries.push(HomeEntry {
        path: "/data/old/broken.secassess.toml".into(),
        row: Err(secassess::portfolio::Unreadable::new(
            "/data/old/broken.secassess.toml",
            "/data/old/broken.secassess.toml:1:20: unclosed array",
        )),
    });
    entries
}

#[test]
fn home_creates_and_opens() {
    let catalogue = load_embedded().expect("loads");
    let entries = home_entries();
    let mut app = App::new(catalogue, Theme::from_env(None, None), Some(who()), entries);
    assert_eq!(
        press(&mut app, &[KeyCode::Enter]),
        vec![Effect::Open("/data/staff-rota.secassess.toml".into())]
    );
    press(&mut app, &[KeyCode::Char('n')]);
    type_text(&mut app, "Payroll bridge");
    press(&mut app, &[KeyCode::Enter]);
    type_text(&mut app, "Moves payroll data");
    assert_eq!(
        press(&mut app, &[KeyCode::Enter]),
        vec![Effect::Create {
            name: "Payroll bridge".into(),
            description: "Moves payroll data".into()
        }]
    );
}

#[test]
fn home_points_at_another_folder() {
    let catalogue = load_embedded().expect("loads");
    let mut app = App::new(
        catalogue,
        Theme::from_env(None, None),
        Some(who()),
        home_entries(),
    );
    app.home_folder = "/data".into();
    press(&mut app, &[KeyCode::Char('d')]);
    let form = app.form.as_ref().expect("a folder form");
    assert_eq!(form.value(0), "/data", "starts from the folder shown");
    for _ in 0..5 {
        press(&mut app, &[KeyCode::Backspace]);
    }
    type_text(&mut app, "/shared/assessments");
    assert_eq!(
        press(&mut app, &[KeyCode::Enter]),
        vec![Effect::ShowFolder("/shared/assessments".into())]
    );
    // Nothing typed: asked again, nothing done.
    app.form = None;
    press(&mut app, &[KeyCode::Char('d')]);
    for _ in 0..5 {
        press(&mut app, &[KeyCode::Backspace]);
    }
    assert!(press(&mut app, &[KeyCode::Enter]).is_empty());
    assert!(app
        .form
        .as_ref()
        .is_some_and(|f| f.fields[0].error.is_some()));
}

// ---- rendering ----

#[test]
fn snapshot_home_table_80x24() {
    let catalogue = load_embedded().expect("loads");
    let mut app = App::new(
        catalogue,
        Theme::from_env(None, None),
        Some(who()),
        home_entries(),
    );
    app.home_folder = "/data".into();
    insta::assert_snapshot!("home_table_80x24", render(&app, 80, 24).backend());
}

#[test]
fn snapshot_home_table_120x40() {
    let catalogue = load_embedded().expect("loads");
    let mut app = App::new(
        catalogue,
        Theme::from_env(None, None),
        Some(who()),
        home_entries(),
    );
    app.home_folder = "/data".into();
    insta::assert_snapshot!("home_table_120x40", render(&app, 120, 40).backend());
}

#[test]
fn snapshot_walkthrough_80x24() {
    let app = app();
    insta::assert_snapshot!(render(&app, 80, 24).backend());
}

#[test]
fn snapshot_walkthrough_120x40() {
    let mut app = app();
    press(&mut app, &[KeyCode::Char('1'), KeyCode::Char('1')]);
    insta::assert_snapshot!(render(&app, 120, 40).backend());
}

#[test]
fn snapshot_obligations_80x24_and_120x40() {
    let mut app = app();
    press(
        &mut app,
        &[KeyCode::Char('1'), KeyCode::Char('1'), KeyCode::Char('o')],
    );
    insta::assert_snapshot!("obligations_80x24", render(&app, 80, 24).backend());
    insta::assert_snapshot!("obligations_120x40", render(&app, 120, 40).backend());
}

#[test]
fn snapshot_overview_80x24_and_120x40() {
    let mut app = app();
    press(
        &mut app,
        &[KeyCode::Char('1'), KeyCode::Char('d'), KeyCode::Char('v')],
    );
    insta::assert_snapshot!("overview_80x24", render(&app, 80, 24).backend());
    insta::assert_snapshot!("overview_120x40", render(&app, 120, 40).backend());
}

#[test]
fn snapshot_help_80x24() {
    let mut app = app();
    press(&mut app, &[KeyCode::Char('?')]);
    insta::assert_snapshot!(render(&app, 80, 24).backend());
}

#[test]
fn snapshot_home_and_identity_80x24() {
    let catalogue = load_embedded().expect("loads");
    let app = App::new(
        catalogue.clone(),
        Theme::from_env(None, None),
        None,
        Vec::new(),
    );
    insta::assert_snapshot!("identity_80x24", render(&app, 80, 24).backend());
    let app = App::new(
        catalogue,
        Theme::from_env(None, None),
        Some(who()),
        Vec::new(),
    );
    insta::assert_snapshot!("home_empty_80x24", render(&app, 80, 24).backend());
}

#[test]
fn snapshot_text_editor_80x24() {
    let mut app = app();
    let step = app
        .steps
        .iter()
        .position(|s| {
            app.catalogue
                .question(&s.question)
                .is_some_and(|q| q.kind == secassess::questionnaire::AnswerKind::Text)
        })
        .expect("a free-text question");
    app.document.as_mut().expect("open").step = step;
    press(&mut app, &[KeyCode::Enter]);
    type_text(&mut app, "Hosted in Azure UK South");
    insta::assert_snapshot!(render(&app, 80, 24).backend());
}

#[test]
fn too_small_terminal_says_so() {
    let app = app();
    let terminal = render(&app, 70, 20);
    let text = format!("{}", terminal.backend());
    assert!(text.contains("secassess needs at least 80x24"), "{text}");
    assert!(text.contains("--plain"));
}

#[test]
fn no_color_uses_no_colours_and_shows_selection_by_reversing() {
    let mut app = app_with(Theme::from_env(Some("1"), None));
    press(&mut app, &[KeyCode::Char('1'), KeyCode::Char('1')]);
    for (width, height) in [(80, 24), (120, 40)] {
        for screen in ['w', 'o', 'v'] {
            press(&mut app, &[KeyCode::Char(screen)]);
            if screen == 'w' {
                // An unanswered question has nothing selected until the user moves.
                press(&mut app, &[KeyCode::Down]);
            }
            let terminal = render(&app, width, height);
            let buffer = terminal.backend().buffer();
            let mut reversed = false;
            for cell in buffer.content() {
                assert!(
                    cell.fg == Color::Reset && cell.bg == Color::Reset,
                    "NO_COLOR screen '{screen}' at {width}x{height} has a coloured cell {cell:?}"
                );
                reversed |= cell.modifier.contains(Modifier::REVERSED);
            }
            // The overview has no selection; the lists do.
            assert!(
                reversed || screen == 'v',
                "the selection on '{screen}' must be shown without colour"
            );
        }
    }
    press(&mut app, &[KeyCode::Char('w')]);
    insta::assert_snapshot!("walkthrough_no_color_80x24", render(&app, 80, 24).backend());
}

#[test]
fn status_is_never_colour_alone() {
    let mut app = app();
    press(
        &mut app,
        &[KeyCode::Char('1'), KeyCode::Char('1'), KeyCode::Char('o')],
    );
    let text = format!("{}", render(&app, 120, 40).backend());
    assert!(text.contains("[?] unknown"), "{text}");
    // Every row of the list carries its status in words, not only in colour.
    let rows: Vec<&str> = text.lines().skip(2).take(10).collect();
    for row in rows {
        assert!(
            ["[?] unknown", "[-] n/a", "[+] met", "[!] NOT MET"]
                .iter()
                .any(|l| row.contains(l)),
            "{row}"
        );
    }
}

#[test]
fn escape_sequences_in_answers_never_reach_the_screen() {
    let mut app = app();
    let step = app
        .steps
        .iter()
        .position(|s| {
            app.catalogue
                .question(&s.question)
                .is_some_and(|q| q.kind == secassess::questionnaire::AnswerKind::Text)
        })
        .expect("a free-text question");
    let id = app.steps[step].question.clone();
    {
        let document = app.document.as_mut().expect("open");
        document.step = step;
        let question = app.catalogue.question(&id).expect("exists").clone();
        document
            .assessment
            .set_answer(
                &question,
                &secassess::questionnaire::AnswerValue::Text(
                    "evil\u{1b}]0;pwned\u{7}\u{1b}[2J".into(),
                ),
                &who(),
                now(),
            )
            .expect("fits");
        document.assessment.system.name = "Rota\u{1b}[31m".into();
    }
    let terminal = render(&app, 80, 24);
    for cell in terminal.backend().buffer().content() {
        assert!(
            !cell.symbol().chars().any(|c| c.is_control()),
            "control character drawn: {:?}",
            cell.symbol()
        );
    }
}

#[test]
fn a_stale_lock_can_be_taken_over_and_a_held_one_cannot() {
    let mut app = app();
    let assessment = app.document.as_ref().expect("open").assessment.clone();
    update(
        &mut app,
        Msg::Opened {
            path: "rota.secassess.toml".into(),
            assessment: Box::new(assessment.clone()),
            access: Access::StaleLock {
                reason: "it was left open by a program no longer running".into(),
                warn: false,
            },
        },
        now(),
    );
    assert!(
        status(&app).contains("press T to take it over"),
        "{}",
        status(&app)
    );
    assert_eq!(
        update(&mut app, key(KeyCode::Char('T')), now()),
        vec![Effect::TakeOver]
    );
    // Answers are refused until it has been taken over.
    assert!(press(&mut app, &[KeyCode::Char('1')]).is_empty());

    // A lock that may still be in use (another computer): T asks first, with a warning.
    update(
        &mut app,
        Msg::Opened {
            path: "rota.secassess.toml".into(),
            assessment: Box::new(assessment.clone()),
            access: Access::StaleLock {
                reason: "it is locked by Bob's secassess on computer WARD-PC-17".into(),
                warn: true,
            },
        },
        now(),
    );
    assert!(update(&mut app, key(KeyCode::Char('T')), now()).is_empty());
    let prompt = app.prompt.as_ref().expect("asks");
    assert!(prompt.message.contains("WARD-PC-17"), "{}", prompt.message);
    assert!(prompt.message.contains("sure nobody"), "{}", prompt.message);
    assert!(
        press(&mut app, &[KeyCode::Esc]).is_empty(),
        "Esc: not taken"
    );
    assert!(status(&app).contains("Not taken over"), "{}", status(&app));
    update(&mut app, key(KeyCode::Char('T')), now());
    assert_eq!(
        update(&mut app, key(KeyCode::Char('y')), now()),
        vec![Effect::TakeOver]
    );

    update(
        &mut app,
        Msg::Opened {
            path: "rota.secassess.toml".into(),
            assessment: Box::new(assessment),
            access: Access::ReadOnly("it is open in Bob's secassess".into()),
        },
        now(),
    );
    assert!(update(&mut app, key(KeyCode::Char('T')), now()).is_empty());
    assert!(
        status(&app).contains("only be taken over once that program has stopped"),
        "{}",
        status(&app)
    );
}

#[test]
fn the_why_pane_scrolls_and_resets_on_the_next_question() {
    let mut app = app();
    update(&mut app, key(KeyCode::Char('J')), now());
    update(&mut app, key(KeyCode::Char('J')), now());
    assert_eq!(app.document.as_ref().expect("open").detail_scroll, 6);
    update(&mut app, key(KeyCode::Char('K')), now());
    assert_eq!(app.document.as_ref().expect("open").detail_scroll, 3);
    let before = render(&app, 80, 24);
    press(&mut app, &[KeyCode::Char('K')]);
    let after = render(&app, 80, 24);
    assert_ne!(
        format!("{:?}", before.backend()),
        format!("{:?}", after.backend()),
        "scrolling changes what the pane shows"
    );
    press(&mut app, &[KeyCode::Char('J'), KeyCode::Right]);
    assert_eq!(app.document.as_ref().expect("open").detail_scroll, 0);
}

#[test]
fn the_overview_scrolls_on_a_small_terminal() {
    let mut app = app();
    press(
        &mut app,
        &[KeyCode::Char('v'), KeyCode::Down, KeyCode::Char('j')],
    );
    assert_eq!(app.screen, Screen::Overview);
    assert_eq!(app.document.as_ref().expect("open").overview_scroll, 2);
    let text = format!("{:?}", render(&app, 80, 24).backend());
    assert!(!text.contains("Classification:"), "scrolled past the top");
    press(&mut app, &[KeyCode::Up, KeyCode::Up, KeyCode::Up]);
    assert_eq!(app.document.as_ref().expect("open").overview_scroll, 0);
}

/// An app whose assessment has every yes/no question answered "no" by someone else, so
/// obligations are not met and a reviewer (Ann) may review the answers.
fn app_with_gaps() -> App {
    let catalogue = load_embedded().expect("embedded content loads");
    let lead = Person {
        name: "Lee Lead".into(),
        role: "Project lead".into(),
        email: "lee@example.nhs.uk".into(),
    };
    let mut assessment = Assessment::new(
        System {
            name: "Staff rota".into(),
            description: String::new(),
        },
        lead.clone(),
        &catalogue,
        now(),
    );
    for question in catalogue.questions_in_order() {
        if question.kind == AnswerKind::YesNo {
            assessment
                .set_answer(question, &AnswerValue::YesNo(false), &lead, now())
                .expect("answered");
        }
    }
    // Resume on a question Lee answered, for the review test.
    assessment.last_question = Some("personal_data".into());
    let mut app = App::new(
        catalogue,
        Theme::from_env(None, None),
        Some(who()),
        Vec::new(),
    );
    app.open("rota.secassess.toml".into(), assessment, None);
    app
}

fn fill(app: &mut App, fields: &[&str]) -> Vec<Effect> {
    let mut effects = Vec::new();
    for (i, value) in fields.iter().enumerate() {
        type_text(app, value);
        if i + 1 < fields.len() {
            effects.extend(press(app, &[KeyCode::Tab]));
        }
    }
    effects.extend(press(app, &[KeyCode::Enter]));
    effects
}

#[test]
fn a_finding_is_raised_from_an_unmet_obligation_and_treated() {
    let mut app = app_with_gaps();
    press(&mut app, &[KeyCode::Char('o')]);
    let document = app.document.as_ref().expect("open");
    let first = &document.evaluation.obligations
        [secassess::tui::app::obligation_order(&document.evaluation)[0]];
    assert_eq!(first.status, secassess::rules::Status::NotMet);
    let (obligation, title) = (first.id.clone(), first.title.clone());

    press(&mut app, &[KeyCode::Char('c')]);
    let form = app.form.as_ref().expect("pre-filled form");
    assert_eq!(form.value(0), title);
    assert_eq!(form.value(2), "Ann Lead");
    // Accept the pre-filled details as they are.
    let effects = press(
        &mut app,
        &[
            KeyCode::Enter,
            KeyCode::Enter,
            KeyCode::Enter,
            KeyCode::Enter,
        ],
    );
    assert!(
        effects.contains(&Effect::Save),
        "{:?}",
        app.form.as_ref().map(|f| &f.error)
    );
    assert_eq!(app.screen, Screen::Findings);
    let finding = app.document.as_ref().expect("open").assessment.findings[0].clone();
    assert_eq!(finding.obligations, vec![obligation]);

    // A plan with a date in the past is refused and the form stays open with why, next
    // to the target date, everything typed still there.
    press(&mut app, &[KeyCode::Char('p')]);
    fill(&mut app, &["Enable MFA for admins", "", "2001-01-01"]);
    let form = app.form.as_ref().expect("still open");
    assert_eq!(form.focus, 2);
    assert!(
        form.fields[2]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("2001-01-01")),
        "{:?}",
        form.fields[2].error
    );
    assert_eq!(form.value(0), "Enable MFA for admins");
    // Esc after typing asks; d throws it away.
    press(&mut app, &[KeyCode::Esc, KeyCode::Char('d')]);
    assert!(app.form.is_none());

    press(&mut app, &[KeyCode::Char('p')]);
    let effects = fill(&mut app, &["Enable MFA for admins", "", "2099-01-31"]);
    assert!(
        effects.contains(&Effect::Save),
        "{:?}",
        app.form.as_ref().map(|f| &f.error)
    );
    let finding = app.document.as_ref().expect("open").assessment.findings[0].clone();
    let plan = finding.mitigation.expect("planned");
    assert_eq!(plan.actions, "Enable MFA for admins");
    assert_eq!(plan.target_date.to_string(), "2099-01-31");

    press(&mut app, &[KeyCode::Char('a')]);
    let effects = fill(
        &mut app,
        &[
            "Pat Owner <pat@example.nhs.uk>",
            "",
            "Low exposure until go-live",
            "",
            "2099-06-30",
        ],
    );
    assert!(
        effects.contains(&Effect::Save),
        "{:?}",
        app.form.as_ref().map(|f| &f.error)
    );
    let finding = app.document.as_ref().expect("open").assessment.findings[0].clone();
    let acceptance = finding.acceptance.expect("accepted");
    assert_eq!(acceptance.accepted_by.name, "Pat Owner");
    let audit = &app.document.as_ref().expect("open").assessment.audit;
    assert!(audit.iter().any(|e| e.subject == finding.id), "audited");
}

#[test]
fn a_finding_can_be_raised_by_hand_with_a_checked_severity() {
    let mut app = app();
    press(&mut app, &[KeyCode::Char('f'), KeyCode::Char('n')]);
    let form = app.form.as_ref().expect("form");
    assert!(
        form.hint
            .as_deref()
            .is_some_and(|h| h.contains("critical:")),
        "rubric shown"
    );
    // Add to the suggested severity so it is not one any more.
    fill(&mut app, &["Shared admin password", "x", "", ""]);
    let form = app.form.as_ref().expect("still open");
    assert_eq!(form.focus, 1);
    assert!(
        form.fields[1]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("'mediumx' is not one of")),
        "{:?}",
        form.fields[1].error
    );
    assert_eq!(form.value(0), "Shared admin password");
    press(&mut app, &[KeyCode::Esc, KeyCode::Char('d')]);
    assert!(app
        .document
        .as_ref()
        .expect("open")
        .assessment
        .findings
        .is_empty());
}

#[test]
fn a_reviewer_accepts_and_queries_answers_from_the_walkthrough() {
    let mut app = app_with_gaps();
    let question = current_id(&app);
    assert_eq!(question, "personal_data");
    let effects = press(&mut app, &[KeyCode::Char('A')]);
    assert!(effects.contains(&Effect::Save), "{}", status(&app));
    let assessment = &app.document.as_ref().expect("open").assessment;
    assert_eq!(
        assessment.reviews[&question].decision,
        secassess::assessment::record::ReviewDecision::Accepted
    );
    assert_ne!(
        current_id(&app),
        question,
        "moved on to the next answer to review"
    );
    press(&mut app, &[KeyCode::Left]);
    assert_eq!(current_id(&app), question);

    press(&mut app, &[KeyCode::Char('Q')]);
    let effects = fill(&mut app, &["Is staff data really absent?"]);
    assert!(effects.contains(&Effect::Save), "{}", status(&app));
    let text = format!("{:?}", render(&app, 80, 24).backend());
    assert!(text.contains("Review: queried"), "{text}");

    // A reviewer queries rather than changes the lead's answers.
    assert!(press(&mut app, &[KeyCode::Char('1')]).is_empty());
    assert!(
        status(&app).contains("a reviewer does not change the project lead's answers"),
        "{}",
        status(&app)
    );
    assert_eq!(current_id(&app), question);

    // The lead changes the answer after the review: the overview says so.
    let lead = app
        .document
        .as_ref()
        .expect("open")
        .assessment
        .assessor
        .clone();
    app.who = Some(lead);
    press(&mut app, &[KeyCode::Char('1'), KeyCode::Char('v')]);
    let text = format!("{:?}", render(&app, 120, 40).backend());
    assert!(
        text.contains("Changed since the last review: Personal data"),
        "{text}"
    );
    assert!(!text.contains("personal_data"), "{text}");
    // The project lead does not review their own assessment.
    press(&mut app, &[KeyCode::Char('w'), KeyCode::Left]);
    assert_eq!(current_id(&app), question);
    assert!(press(&mut app, &[KeyCode::Char('A')]).is_empty());
    assert!(
        status(&app).contains("project lead does not review"),
        "{}",
        status(&app)
    );
}

/// The findings screen after raising a finding, pre-filled, from the first unmet
/// obligation (o, c, then Enter through the form).
fn app_with_one_raised_finding() -> App {
    let mut app = app_with_gaps();
    press(&mut app, &[KeyCode::Char('o'), KeyCode::Char('c')]);
    press(&mut app, &[KeyCode::Enter; 4]);
    app
}

#[test]
fn snapshot_findings_80x24() {
    let app = app_with_one_raised_finding();
    insta::assert_snapshot!("findings_80x24", render(&app, 80, 24).backend());
    insta::assert_snapshot!("findings_120x40", render(&app, 120, 40).backend());
}

/// The whole screen as text, one line per row.
fn screen_text(app: &App, width: u16, height: u16) -> String {
    let terminal = render(app, width, height);
    let buffer = terminal.backend().buffer();
    (0..height)
        .map(|y| {
            (0..width)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn detail_panes_scroll_with_j_and_k_and_start_at_the_top_for_a_new_selection() {
    let mut app = app_with_one_raised_finding();
    // At 80x24 the finding's detail is longer than its pane: the unmet obligations
    // without a finding, at its end, are out of sight until it is scrolled.
    let gaps_heading = "Not met, and no finding yet";
    assert!(!screen_text(&app, 80, 24).contains(gaps_heading));
    for _ in 0..6 {
        press(&mut app, &[KeyCode::Char('J')]);
    }
    let scrolled = screen_text(&app, 80, 24);
    assert!(scrolled.contains(gaps_heading), "{scrolled}");
    assert!(!scrolled.contains("Severity high"), "{scrolled}");
    press(&mut app, &[KeyCode::Char('K'); 6]);
    assert!(screen_text(&app, 80, 24).contains("Severity high"));

    // The obligations screen: scrolled, then a new selection starts at the top, whichever
    // way the selection moves.
    press(&mut app, &[KeyCode::Char('o')]);
    let first_detail_row = |app: &App| {
        let text = screen_text(app, 80, 24);
        let rows: Vec<&str> = text.lines().collect();
        let border = rows
            .iter()
            .position(|r| r.contains("Why (J/K scroll)"))
            .expect("the detail pane");
        rows[border + 1].to_string()
    };
    let top = first_detail_row(&app);
    for step in [KeyCode::Down, KeyCode::Up] {
        press(&mut app, &[KeyCode::Char('J'), KeyCode::Char('J')]);
        assert_ne!(
            first_detail_row(&app),
            top,
            "J scrolls the obligation's detail"
        );
        press(&mut app, &[step]);
        let row = first_detail_row(&app);
        assert!(
            row.contains("MUST") || row.contains("SHOULD") || row.contains("MAY"),
            "after {step:?} the detail starts with the level and title: {row}"
        );
    }
    assert_eq!(first_detail_row(&app), top);
}

// ---- nothing typed, pasted or pressed changes an answer by accident ----

fn paste(app: &mut App, text: &str) -> Vec<Effect> {
    update(app, Msg::Paste(text.into()), now())
}

fn step_of_kind(app: &App, kind: AnswerKind) -> usize {
    app.steps
        .iter()
        .position(|s| {
            app.catalogue
                .question(&s.question)
                .is_some_and(|q| q.kind == kind)
        })
        .expect("a question of that kind")
}

#[test]
fn enter_on_an_unanswered_question_answers_nothing_and_says_how() {
    let mut app = app();
    assert_eq!(app.document.as_ref().expect("open").cursor, None);
    let before = app.document.as_ref().expect("open").assessment.clone();
    assert!(press(&mut app, &[KeyCode::Enter]).is_empty());
    let document = app.document.as_ref().expect("open");
    assert_eq!(document.assessment, before, "nothing changed");
    let message = status(&app);
    assert!(message.contains("Nothing is chosen yet"), "{message}");
    assert!(message.contains("press the option's number"), "{message}");
    assert_eq!(current_id(&app), "classification", "it stays put");
    // Moving, then Enter, answers; so does a number.
    assert_eq!(
        press(&mut app, &[KeyCode::Down, KeyCode::Enter]),
        vec![Effect::Save]
    );
    assert_eq!(current_id(&app), "personal_data");
    assert_eq!(press(&mut app, &[KeyCode::Char('2')]), vec![Effect::Save]);
    let answers = &app.document.as_ref().expect("open").assessment.answers;
    assert_eq!(
        answers["classification"].value,
        Some(secassess::assessment::record::StoredValue::One(
            "official".into()
        ))
    );
    assert_eq!(
        answers["personal_data"].value,
        Some(secassess::assessment::record::StoredValue::One("no".into()))
    );
    // Back on an answered question the cursor is on its answer, so Enter keeps it.
    press(&mut app, &[KeyCode::Left]);
    assert_eq!(app.document.as_ref().expect("open").cursor, Some(1));
}

#[test]
fn a_paste_on_a_question_changes_nothing_and_says_so() {
    let mut app = app();
    press(&mut app, &[KeyCode::Char('1')]);
    let before = app.document.as_ref().expect("open").assessment.clone();
    for text in ["2 day release window; details to follow", "1\n2\nd\nyes\n"] {
        assert!(paste(&mut app, text).is_empty());
        assert_eq!(app.document.as_ref().expect("open").assessment, before);
        assert!(app.editor.is_none() && app.form.is_none());
        assert!(
            status(&app).contains("Pasted text ignored"),
            "{}",
            status(&app)
        );
    }
    assert_eq!(current_id(&app), "personal_data");
}

#[test]
fn a_paste_goes_into_the_open_text_box_whole() {
    // Notes take several lines: the line breaks stay.
    let mut app = app();
    press(&mut app, &[KeyCode::Char('n')]);
    assert!(paste(&mut app, "Asked IG\r\nwaiting for\nthe DPIA").is_empty());
    update(&mut app, ctrl('s'), now());
    assert_eq!(
        app.document.as_ref().expect("open").assessment.answers["classification"].notes,
        "Asked IG\nwaiting for\nthe DPIA"
    );

    // A one-line field joins the lines with spaces; the description keeps them.
    let catalogue = load_embedded().expect("loads");
    let mut app = App::new(
        catalogue,
        Theme::from_env(None, None),
        Some(who()),
        Vec::new(),
    );
    press(&mut app, &[KeyCode::Char('n')]);
    assert!(paste(&mut app, "Ward\nrota").is_empty());
    assert!(
        status(&app).contains("line breaks became spaces"),
        "{}",
        status(&app)
    );
    press(&mut app, &[KeyCode::Tab]);
    paste(&mut app, "Staff rota\nfor wards\n");
    assert_eq!(
        press(&mut app, &[KeyCode::Enter]),
        vec![Effect::Create {
            name: "Ward rota".into(),
            description: "Staff rota\nfor wards".into()
        }]
    );
}

#[test]
fn pre_filled_fields_start_with_the_cursor_at_the_end() {
    let catalogue = load_embedded().expect("loads");
    let mut app = App::new(catalogue, Theme::from_env(None, None), None, Vec::new());
    type_text(&mut app, "Zoë O'Brien");
    press(&mut app, &[KeyCode::Tab]);
    // Role is pre-filled "Project lead": Backspace deletes its end, typing goes after it.
    press(&mut app, &[KeyCode::Backspace; 4]);
    type_text(&mut app, "manager");
    let form = app.form.as_ref().expect("identity form");
    assert_eq!(form.value(0), "Zoë O'Brien");
    assert_eq!(form.value(1), "Project manager");
}

#[test]
fn q_and_esc_close_the_innermost_thing_first() {
    let mut app = app();
    press(&mut app, &[KeyCode::Char('?')]);
    assert!(app.overlay.is_some());
    assert!(
        press(&mut app, &[KeyCode::Char('q')]).is_empty(),
        "q closes help"
    );
    assert!(app.overlay.is_none());
    press(&mut app, &[KeyCode::Char('g')]);
    assert!(press(&mut app, &[KeyCode::Esc]).is_empty());
    assert!(app.overlay.is_none());
    assert!(!app.quitting);
    assert_eq!(press(&mut app, &[KeyCode::Char('q')]), vec![Effect::Quit]);
}

#[test]
fn enter_on_an_empty_required_field_says_so_next_to_it() {
    let catalogue = load_embedded().expect("loads");
    let mut app = App::new(
        catalogue,
        Theme::from_env(None, None),
        Some(who()),
        Vec::new(),
    );
    press(&mut app, &[KeyCode::Char('n')]);
    assert!(press(&mut app, &[KeyCode::Enter]).is_empty());
    let form = app.form.as_ref().expect("still open");
    assert_eq!(form.focus, 0, "it did not move on");
    let error = form.fields[0].error.clone().unwrap_or_default();
    assert!(error.contains("System name is needed"), "{error}");
    let screen = screen_text(&app, 80, 24);
    assert!(screen.contains("System name is needed"), "{screen}");
}

#[test]
fn a_bad_evidence_path_keeps_the_form_and_what_was_typed() {
    let mut app = app();
    let step = step_of_kind(&app, AnswerKind::Evidence);
    app.document.as_mut().expect("open").step = step;
    let question = current_id(&app);
    press(&mut app, &[KeyCode::Enter]);
    let effects = fill(&mut app, &["Pen test report", "/no/such/report.pdf"]);
    assert_eq!(
        effects,
        vec![Effect::AttachFile {
            question: question.clone(),
            title: "Pen test report".into(),
            path: "/no/such/report.pdf".into()
        }]
    );
    assert!(app.form.is_some(), "open until the file is read");
    update(
        &mut app,
        Msg::AttachFailed("cannot read /no/such/report.pdf: no such file".into()),
        now(),
    );
    let form = app.form.as_ref().expect("still open");
    assert_eq!(form.value(0), "Pen test report");
    assert_eq!(form.value(1), "/no/such/report.pdf");
    assert!(form.fields[1]
        .error
        .as_deref()
        .is_some_and(|e| e.contains("no such file")));
    assert!(app
        .document
        .as_ref()
        .expect("open")
        .assessment
        .answers
        .is_empty());
    // A readable file: the shell says so, the form closes and the answer is recorded.
    let effects = update(
        &mut app,
        Msg::Attached {
            question: question.clone(),
            evidence: secassess::questionnaire::answer::EvidenceRef {
                title: "Pen test report".into(),
                path: Some("/tmp/report.pdf".into()),
                sha256: Some("ab".repeat(32)),
                size: Some(3),
                ..Default::default()
            },
        },
        now(),
    );
    assert_eq!(effects, vec![Effect::Save, Effect::CheckEvidence]);
    assert!(app.form.is_none());
    assert!(app
        .document
        .as_ref()
        .expect("open")
        .assessment
        .answers
        .contains_key(&question));
}

#[test]
fn the_marking_is_never_cut_by_a_long_system_name() {
    let mut app = app();
    app.document.as_mut().expect("open").assessment.system.name =
        "Regional workforce rostering, e-rostering and staff bank booking platform".into();
    press(&mut app, &[KeyCode::Char('2')]);
    let header = screen_text(&app, 80, 24)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(header.contains("│ OFFICIAL-SENSITIVE"), "{header}");
    assert!(header.contains("Regional workforce"), "{header}");
    assert!(header.contains("..."), "{header}");
    assert!(header.contains("[saving...]"), "{header}");
}

#[test]
fn multi_line_answers_and_notes_keep_their_line_breaks() {
    let mut app = app();
    let step = step_of_kind(&app, AnswerKind::Text);
    app.document.as_mut().expect("open").step = step;
    press(&mut app, &[KeyCode::Enter]);
    paste(&mut app, "Azure UK South\nSupport: Acme Ltd");
    update(&mut app, ctrl('s'), now());
    // Answering moved on; back to it for the notes.
    press(&mut app, &[KeyCode::Left, KeyCode::Char('n')]);
    paste(&mut app, "Checked with IG\nDPIA due in May");
    update(&mut app, ctrl('s'), now());
    let screen = screen_text(&app, 120, 40);
    let rows: Vec<&str> = screen.lines().collect();
    let answer = rows
        .iter()
        .position(|r| r.contains("Answer: Azure UK South"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(rows[answer + 1].contains("Support: Acme Ltd"), "{screen}");
    let notes = rows
        .iter()
        .position(|r| r.contains("Notes: Checked with IG"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(rows[notes + 1].contains("DPIA due in May"), "{screen}");
}

#[test]
fn a_long_status_message_wraps_rather_than_being_cut() {
    let mut app = app();
    let long = format!("{} the end of the message.", "A long reason. ".repeat(12));
    update(&mut app, Msg::Failed(long), now());
    let screen = screen_text(&app, 80, 24);
    assert!(screen.contains("the end of the message."), "{screen}");
}

#[test]
fn help_lists_every_key_of_the_screen_it_is_opened_on_first() {
    let mut app = app_with_one_raised_finding();
    press(&mut app, &[KeyCode::Char('?')]);
    let screen = screen_text(&app, 120, 40);
    for text in [
        "Findings register",
        "mitigated: the date and the evidence",
        "pre-approved exception",
        "escalate to the directorate",
    ] {
        assert!(screen.contains(text), "{text}:\n{screen}");
    }
    let rows: Vec<&str> = screen.lines().collect();
    let findings = rows.iter().position(|r| r.contains("Findings register"));
    let questions = rows.iter().position(|r| r.contains("│Questions"));
    assert!(findings < questions || questions.is_none(), "{screen}");
}

#[test]
fn unmet_obligations_with_a_finding_are_marked_and_the_legend_explains() {
    let mut app = app_with_one_raised_finding();
    press(&mut app, &[KeyCode::Char('o')]);
    let screen = screen_text(&app, 120, 40);
    let marked = screen
        .lines()
        .filter(|r| r.contains("[!] NOT MET F  MUST"))
        .count();
    assert_eq!(marked, 1, "{screen}");
    assert!(screen.contains("F has a finding"), "{screen}");
    assert!(
        screen.contains("~MUST may apply, answers will tell"),
        "{screen}"
    );
}

#[test]
fn times_are_shown_in_the_app_time_zone() {
    let mut app = app();
    app.zone =
        secassess::tui::app::Zone::Fixed(chrono::FixedOffset::east_opt(3600).expect("an offset"));
    press(&mut app, &[KeyCode::Char('1'), KeyCode::Left]);
    let screen = screen_text(&app, 120, 40);
    // Answered at 09:41 UTC.
    assert!(screen.contains("on 2026-11-23 at 10:41"), "{screen}");
}

#[test]
fn f1_opens_the_help_over_a_form_and_question_marks_are_typed() {
    let catalogue = load_embedded().expect("loads");
    let mut app = App::new(catalogue, Theme::from_env(None, None), None, Vec::new());
    type_text(&mut app, "Who?");
    assert_eq!(app.form.as_ref().map(|f| f.value(0)), Some("Who?".into()));
    press(&mut app, &[KeyCode::F(1)]);
    let screen = screen_text(&app, 80, 24);
    assert!(screen.contains("Keys ("), "{screen}");
    assert!(
        screen.contains("Ctrl-U/Ctrl-K"),
        "editing keys shown: {screen}"
    );
    press(&mut app, &[KeyCode::Esc]);
    assert!(app.overlay.is_none());
    assert_eq!(app.form.as_ref().map(|f| f.value(0)), Some("Who?".into()));
}

#[test]
fn the_systems_name_and_description_are_changed_through_an_audited_form() {
    let mut app = app();
    press(&mut app, &[KeyCode::Char('E')]);
    let form = app.form.as_ref().expect("the system form");
    assert_eq!(form.value(0), "Staff rota");
    assert_eq!(form.value(1), "Shift planning for the regional office");
    // An empty name is refused and the form stays open.
    press(&mut app, &[KeyCode::End]);
    for _ in 0.."Staff rota".len() {
        press(&mut app, &[KeyCode::Backspace]);
    }
    press(&mut app, &[KeyCode::Tab]);
    let effects = press(&mut app, &[KeyCode::Enter]);
    assert!(effects.is_empty());
    assert!(app
        .form
        .as_ref()
        .and_then(|f| f.error.as_deref())
        .is_some_and(|e| e.contains("the system name is empty")));
    press(&mut app, &[KeyCode::Tab]);
    type_text(&mut app, "Ward rota");
    press(&mut app, &[KeyCode::Tab]);
    let effects = press(&mut app, &[KeyCode::Enter]);
    assert_eq!(effects, vec![Effect::Save], "{}", status(&app));
    let assessment = &app.document.as_ref().expect("open").assessment;
    assert_eq!(assessment.system.name, "Ward rota");
    let last = assessment.audit.last().expect("an entry");
    assert_eq!(last.action, "system-changed");
    assert_eq!(
        last.pin,
        secassess::assessment::record::header_pin(assessment)
    );
}
