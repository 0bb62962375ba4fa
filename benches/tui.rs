//! Benchmarks of the TUI's pure half, run with `cargo bench --bench tui`.
//!
//! - `keypress_to_frame_*`: one key through `update` and a full redraw with `view` into a
//!   120x40 buffer, with the whole questionnaire loaded and a half-answered assessment.
//!   Moving to the next question; and answering one, which re-evaluates every
//!   obligation. Target: under 2 ms.
//! - `startup_to_first_frame`: what `secassess open FILE` does before the first frame
//!   apart from terminal set-up and reading the file: load and validate the embedded
//!   questionnaires, build the app, type the answers, evaluate, draw. Target: under 50 ms.

use chrono::{DateTime, Utc};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;

use secassess::assessment::record::{Assessment, Person, System};
use secassess::questionnaire::answer::parse_answer;
use secassess::questionnaire::{load_embedded, AnswerKind, Catalogue};
use secassess::tui::app::{update, App, Msg};
use secassess::tui::theme::Theme;
use secassess::tui::view::view;

fn main() {
    divan::main();
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T09:00:00Z")
        .expect("valid time")
        .with_timezone(&Utc)
}

fn who() -> Person {
    Person {
        name: "Ann Lead".into(),
        role: "Project lead".into(),
        email: "ann@example.org".into(),
    }
}

/// An assessment with every other question answered, as one halfway through looks.
fn half_answered(catalogue: &Catalogue) -> Assessment {
    let mut assessment = Assessment::new(
        System {
            name: "Benchmark system".into(),
            description: String::new(),
        },
        who(),
        catalogue,
        now(),
    );
    for question in catalogue.questions_in_order().step_by(2) {
        let text = match question.kind {
            AnswerKind::YesNo => "yes",
            AnswerKind::Single | AnswerKind::Multiple => question
                .options
                .first()
                .map(|o| o.value.as_str())
                .unwrap_or_default(),
            AnswerKind::Text => "Answered for the benchmark",
            AnswerKind::Date => "2026-01-15",
            AnswerKind::Evidence => "https://example.invalid/evidence.pdf",
        };
        let value = parse_answer(question, text).expect("a valid answer");
        assessment
            .set_answer(question, &value, &who(), now())
            .expect("answer recorded");
    }
    assessment
}

fn open_app(catalogue: Catalogue) -> App {
    let assessment = half_answered(&catalogue);
    let mut app = App::new(
        catalogue,
        Theme::from_env(None, None),
        Some(who()),
        Vec::new(),
    );
    app.open("bench.secassess.toml".into(), assessment, None);
    app
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

#[divan::bench]
fn keypress_to_frame_next_question(bencher: divan::Bencher) {
    let mut app = open_app(load_embedded().expect("content loads"));
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    let mut forward = true;
    bencher.bench_local(|| {
        // Back and forth, so every iteration moves and redraws a different question.
        let code = if forward {
            KeyCode::Right
        } else {
            KeyCode::Left
        };
        forward = !forward;
        update(&mut app, key(code), now());
        terminal.draw(|frame| view(&app, frame)).expect("drawn");
    });
}

#[divan::bench]
fn keypress_to_frame_answering(bencher: divan::Bencher) {
    let mut app = open_app(load_embedded().expect("content loads"));
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    bencher.bench_local(|| {
        // Answer the first question (classification) and come back to it: each answer
        // re-evaluates every obligation and announces what changed.
        update(&mut app, key(KeyCode::Char('2')), now());
        update(&mut app, key(KeyCode::Left), now());
        terminal.draw(|frame| view(&app, frame)).expect("drawn");
    });
}

#[divan::bench]
fn startup_to_first_frame(bencher: divan::Bencher) {
    let catalogue = load_embedded().expect("content loads");
    let assessment = half_answered(&catalogue);
    bencher.bench_local(|| {
        let catalogue = load_embedded().expect("content loads");
        let mut app = App::new(
            catalogue,
            Theme::from_env(None, None),
            Some(who()),
            Vec::new(),
        );
        app.open("bench.secassess.toml".into(), assessment.clone(), None);
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
        terminal.draw(|frame| view(&app, frame)).expect("drawn");
    });
}
