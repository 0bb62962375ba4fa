//! Every key binding, in one list: the key handling, the help overlay and the hint line
//! all read it, so what the help says is what the keys do. Arrow keys and vim keys both
//! work everywhere a direction is meaningful. The editing keys of a text box belong to
//! `text_box` (and ratatui-textarea); [`TEXT_BOX_KEYS`] lists them for the help.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key asks for. Keys never change state themselves: `app::update` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Quit,
    Help,
    Back,
    Up,
    Down,
    Next,
    Previous,
    Confirm,
    Toggle,
    Choose(u8),
    DontKnow,
    AnswerLater,
    Notes,
    Search,
    Jump,
    NextSection,
    PreviousSection,
    ShowWalkthrough,
    ShowObligations,
    ShowOverview,
    NextScreen,
    NewAssessment,
    OpenPath,
    /// Home: list the assessments in another folder.
    ChooseFolder,
    GoToQuestion,
    /// Take over an assessment whose lock was left by a program no longer running.
    TakeOver,
    ScrollDown,
    ScrollUp,
    ShowFindings,
    /// Raise a finding: from the selected obligation, or about the current question.
    RaiseFinding,
    NewFinding,
    EditFinding,
    PlanMitigation,
    MarkMitigated,
    AcceptRisk,
    RecordException,
    Escalate,
    CloseFinding,
    /// Review: accept the current answer.
    ReviewAccept,
    /// Review: query the current answer, or reply to the reviewer's query.
    ReviewComment,
    /// Review: sign off the whole assessment.
    SignOff,
    /// Go to the next open review query (the project lead's side).
    NextQuery,
    /// Change the system's name and description.
    EditSystem,
    /// Write the evidence pack beside the assessment.
    ExportPack,
    /// Finish editing and keep the text.
    SaveEdit,
    NextField,
    PreviousField,
}

/// Where a binding applies. `Global` bindings work on every screen outside text editing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Global,
    Home,
    Walkthrough,
    Obligations,
    Findings,
    Overview,
    Lists,
    Editor,
    Form,
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Home => "Home",
            Context::Walkthrough => "Questions",
            Context::Obligations => "Obligations",
            Context::Findings => "Findings register",
            Context::Overview => "Overview",
            Context::Lists => "Lists, search and jump",
            Context::Editor => "While typing (answers, notes, form fields)",
            Context::Form => "Forms",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

const fn key(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::NONE,
    }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
    }
}

const fn ch(c: char) -> Key {
    key(KeyCode::Char(c))
}

pub struct Binding {
    pub context: Context,
    pub keys: &'static [Key],
    /// How the keys are written in help and hints.
    pub label: &'static str,
    pub command: Command,
    pub help: &'static str,
}

const fn bind(
    context: Context,
    keys: &'static [Key],
    label: &'static str,
    command: Command,
    help: &'static str,
) -> Binding {
    Binding {
        context,
        keys,
        label,
        command,
        help,
    }
}

use Command as C;
use Context as X;

pub const BINDINGS: &[Binding] = &[
    bind(
        X::Global,
        &[ch('?'), key(KeyCode::F(1))],
        "?",
        C::Help,
        "show or hide this help (F1 too, also while typing)",
    ),
    bind(
        X::Global,
        &[ch('q'), ctrl('c')],
        "q",
        C::Quit,
        "quit (answers are already saved)",
    ),
    bind(
        X::Global,
        &[key(KeyCode::Esc)],
        "Esc",
        C::Back,
        "close, cancel or go back (the innermost thing first)",
    ),
    bind(X::Global, &[ch('w')], "w", C::ShowWalkthrough, "questions"),
    bind(
        X::Global,
        &[ch('T')],
        "T",
        C::TakeOver,
        "take over a stale lock, or one from another computer (asks)",
    ),
    bind(
        X::Global,
        &[ch('o')],
        "o",
        C::ShowObligations,
        "obligations: what applies and why",
    ),
    bind(
        X::Global,
        &[ch('v')],
        "v",
        C::ShowOverview,
        "overview: progress and what to do next",
    ),
    bind(
        X::Global,
        &[ch('P')],
        "P",
        C::ExportPack,
        "write the evidence pack (PDF, HTML, Markdown) by the file",
    ),
    bind(
        X::Global,
        &[ch('S')],
        "S",
        C::SignOff,
        "review: sign off the assessment (reviewers)",
    ),
    bind(
        X::Global,
        &[ch('E')],
        "E",
        C::EditSystem,
        "edit the system's name and description",
    ),
    bind(
        X::Global,
        &[ch('f')],
        "f",
        C::ShowFindings,
        "findings: gaps and how each is treated",
    ),
    bind(
        X::Global,
        &[key(KeyCode::Tab)],
        "Tab",
        C::NextScreen,
        "next screen",
    ),
    bind(
        X::Global,
        &[key(KeyCode::Up), ch('k')],
        "↑/k",
        C::Up,
        "move up",
    ),
    bind(
        X::Global,
        &[key(KeyCode::Down), ch('j')],
        "↓/j",
        C::Down,
        "move down",
    ),
    bind(
        X::Home,
        &[key(KeyCode::Enter)],
        "Enter",
        C::Confirm,
        "open the selected assessment",
    ),
    bind(X::Home, &[ch('n')], "n", C::NewAssessment, "new assessment"),
    bind(
        X::Home,
        &[ch('f')],
        "f",
        C::OpenPath,
        "open a file by its path",
    ),
    bind(
        X::Home,
        &[ch('d')],
        "d",
        C::ChooseFolder,
        "list the assessments in another folder or git repository",
    ),
    bind(
        X::Walkthrough,
        &[key(KeyCode::Right), ch('l')],
        "→/l",
        C::Next,
        "next question",
    ),
    bind(
        X::Walkthrough,
        &[key(KeyCode::Left), ch('h')],
        "←/h",
        C::Previous,
        "previous question",
    ),
    bind(
        X::Walkthrough,
        &[key(KeyCode::Enter)],
        "Enter",
        C::Confirm,
        "answer with the option picked with ↑/↓, or start typing",
    ),
    bind(
        X::Walkthrough,
        &[ch(' ')],
        "Space",
        C::Toggle,
        "tick or untick an option (multiple choice)",
    ),
    bind(
        X::Walkthrough,
        &[
            ch('1'),
            ch('2'),
            ch('3'),
            ch('4'),
            ch('5'),
            ch('6'),
            ch('7'),
            ch('8'),
            ch('9'),
        ],
        "1-9",
        C::Choose(0),
        "answer with that option (multiple choice: tick it)",
    ),
    bind(
        X::Walkthrough,
        &[ch('d')],
        "d",
        C::DontKnow,
        "don't know yet (says who can answer)",
    ),
    bind(
        X::Walkthrough,
        &[ch('a')],
        "a",
        C::AnswerLater,
        "flag to answer later (or unflag)",
    ),
    bind(
        X::Walkthrough,
        &[ch('n')],
        "n",
        C::Notes,
        "write notes on this question",
    ),
    bind(
        X::Walkthrough,
        &[ch('/')],
        "/",
        C::Search,
        "search questions",
    ),
    bind(
        X::Walkthrough,
        &[ch('g')],
        "g",
        C::Jump,
        "jump to a section",
    ),
    bind(
        X::Walkthrough,
        &[ch(']'), key(KeyCode::PageDown)],
        "]",
        C::NextSection,
        "next section",
    ),
    bind(
        X::Walkthrough,
        &[ch('['), key(KeyCode::PageUp)],
        "[",
        C::PreviousSection,
        "previous section",
    ),
    bind(
        X::Walkthrough,
        &[ch('J'), ctrl('d')],
        "J",
        C::ScrollDown,
        "scroll \"why this is asked\" down",
    ),
    bind(
        X::Walkthrough,
        &[ch('K'), ctrl('u')],
        "K",
        C::ScrollUp,
        "scroll \"why this is asked\" up",
    ),
    bind(
        X::Walkthrough,
        &[ch('c')],
        "c",
        C::RaiseFinding,
        "raise a finding about this question",
    ),
    bind(
        X::Obligations,
        &[ch('J'), ctrl('d')],
        "J",
        C::ScrollDown,
        "scroll the obligation's detail down",
    ),
    bind(
        X::Obligations,
        &[ch('K'), ctrl('u')],
        "K",
        C::ScrollUp,
        "scroll the obligation's detail up",
    ),
    bind(
        X::Findings,
        &[ch('J'), ctrl('d')],
        "J",
        C::ScrollDown,
        "scroll the finding's detail down",
    ),
    bind(
        X::Findings,
        &[ch('K'), ctrl('u')],
        "K",
        C::ScrollUp,
        "scroll the finding's detail up",
    ),
    bind(
        X::Walkthrough,
        &[ch('A')],
        "A",
        C::ReviewAccept,
        "review: accept this answer (reviewers)",
    ),
    bind(
        X::Walkthrough,
        &[ch('Q')],
        "Q",
        C::ReviewComment,
        "review: query this answer, or reply to a query",
    ),
    bind(
        X::Walkthrough,
        &[ch('N')],
        "N",
        C::NextQuery,
        "go to the next open review query",
    ),
    bind(
        X::Obligations,
        &[ch('c')],
        "c",
        C::RaiseFinding,
        "raise a finding for this obligation, pre-filled",
    ),
    bind(
        X::Findings,
        &[ch('n')],
        "n",
        C::NewFinding,
        "raise a finding by hand",
    ),
    bind(
        X::Findings,
        &[key(KeyCode::Enter)],
        "Enter",
        C::EditFinding,
        "edit title, severity, owner, description",
    ),
    bind(
        X::Findings,
        &[ch('p')],
        "p",
        C::PlanMitigation,
        "mitigation plan: actions, owner, target date",
    ),
    bind(
        X::Findings,
        &[ch('m')],
        "m",
        C::MarkMitigated,
        "mitigated: the date and the evidence",
    ),
    bind(
        X::Findings,
        &[ch('a')],
        "a",
        C::AcceptRisk,
        "risk accepted by the business owner",
    ),
    bind(
        X::Findings,
        &[ch('x')],
        "x",
        C::RecordException,
        "pre-approved exception (e.g. by Cyber Security)",
    ),
    bind(
        X::Findings,
        &[ch('e')],
        "e",
        C::Escalate,
        "escalate to the directorate or organisation risk owner",
    ),
    bind(
        X::Findings,
        &[ch('c')],
        "c",
        C::CloseFinding,
        "close the finding",
    ),
    bind(
        X::Overview,
        &[key(KeyCode::Down), ch('j')],
        "↓/j",
        C::Down,
        "scroll down",
    ),
    bind(
        X::Overview,
        &[key(KeyCode::Up), ch('k')],
        "↑/k",
        C::Up,
        "scroll up",
    ),
    bind(
        X::Obligations,
        &[key(KeyCode::Enter)],
        "Enter",
        C::GoToQuestion,
        "go to the question that decides it",
    ),
    bind(
        X::Lists,
        &[key(KeyCode::Enter)],
        "Enter",
        C::Confirm,
        "go to the selected item",
    ),
    bind(
        X::Editor,
        &[ctrl('s')],
        "Ctrl-S",
        C::SaveEdit,
        "keep the text and stop typing",
    ),
    bind(
        X::Editor,
        &[key(KeyCode::Esc)],
        "Esc",
        C::Back,
        "stop typing (asks first whether to keep what you typed)",
    ),
    bind(
        X::Form,
        &[key(KeyCode::Tab), key(KeyCode::Down)],
        "Tab/↓",
        C::NextField,
        "next field",
    ),
    bind(
        X::Form,
        &[key(KeyCode::BackTab), key(KeyCode::Up)],
        "Shift-Tab/↑",
        C::PreviousField,
        "previous field",
    ),
    bind(
        X::Form,
        &[key(KeyCode::Enter)],
        "Enter",
        C::Confirm,
        "next field, or save on the last",
    ),
];

/// What a text box does with keys (ratatui-textarea's bindings, with Ctrl-U and Ctrl-Z
/// as in a shell: see `text_box`), for the help. Not dispatched from here.
pub const TEXT_BOX_KEYS: &[(&str, &str)] = &[
    ("Home/End", "start or end of the line"),
    ("Ctrl-←/→", "a word back or forward"),
    ("Ctrl-U/Ctrl-K", "delete to the start or end of the line"),
    ("Ctrl-W", "delete the word before the cursor"),
    ("Ctrl-Z/Ctrl-R", "undo, redo"),
    ("Enter", "a new line (answers and notes)"),
    ("paste", "goes in whole, as text, never as keys"),
    ("Ctrl-C", "quit; asks first whether to keep what you typed"),
];

/// The key groups of the help overlay, the current screen's first.
pub fn help_order(current: Context) -> Vec<Context> {
    let all = [
        Context::Global,
        Context::Walkthrough,
        Context::Obligations,
        Context::Findings,
        Context::Overview,
        Context::Home,
        Context::Lists,
        Context::Editor,
        Context::Form,
    ];
    // A form's fields are text boxes: their editing keys come next.
    let second = (current == Context::Form).then_some(Context::Editor);
    std::iter::once(current)
        .chain(second)
        .chain(
            all.into_iter()
                .filter(|c| *c != current && Some(*c) != second),
        )
        .collect()
}

fn matches(binding_key: &Key, event: &KeyEvent) -> bool {
    // Shift is part of the character for '?', '[' and friends on many layouts.
    let modifiers = event.modifiers - KeyModifiers::SHIFT;
    binding_key.code == event.code && binding_key.modifiers == modifiers
        || matches!(event.code, KeyCode::BackTab) && binding_key.code == KeyCode::BackTab
}

/// The command a key means in the given contexts, first match wins. `Choose` carries the
/// digit pressed.
pub fn command_for(event: &KeyEvent, contexts: &[Context]) -> Option<Command> {
    for context in contexts {
        for binding in BINDINGS.iter().filter(|b| b.context == *context) {
            if binding.keys.iter().any(|k| matches(k, event)) {
                return Some(match (binding.command, event.code) {
                    (Command::Choose(_), KeyCode::Char(c)) => Command::Choose(
                        c.to_digit(10)
                            .and_then(|d| u8::try_from(d).ok())
                            .unwrap_or(0),
                    ),
                    (command, _) => command,
                });
            }
        }
    }
    None
}

/// The label of the first binding for a command, for hint lines.
pub fn label(command: Command, context: Context) -> &'static str {
    BINDINGS
        .iter()
        .find(|b| b.command == command && (b.context == context || b.context == Context::Global))
        .map(|b| b.label)
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn arrows_and_vim_keys_agree() {
        let contexts = [Context::Walkthrough, Context::Global];
        assert_eq!(
            command_for(&press(KeyCode::Right), &contexts),
            Some(Command::Next)
        );
        assert_eq!(
            command_for(&press(KeyCode::Char('l')), &contexts),
            Some(Command::Next)
        );
        assert_eq!(
            command_for(&press(KeyCode::Down), &contexts),
            Some(Command::Down)
        );
        assert_eq!(
            command_for(&press(KeyCode::Char('j')), &contexts),
            Some(Command::Down)
        );
        assert_eq!(
            command_for(&press(KeyCode::Char('3')), &contexts),
            Some(Command::Choose(3))
        );
    }

    #[test]
    fn ctrl_c_quits_and_shifted_question_mark_is_help() {
        let contexts = [Context::Global];
        assert_eq!(
            command_for(
                &KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
                &contexts
            ),
            Some(Command::Quit)
        );
        assert_eq!(
            command_for(
                &KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT),
                &contexts
            ),
            Some(Command::Help)
        );
    }

    #[test]
    fn context_order_decides_between_meanings() {
        // 'n' is "new assessment" at home and "notes" on a question.
        assert_eq!(
            command_for(
                &press(KeyCode::Char('n')),
                &[Context::Home, Context::Global]
            ),
            Some(Command::NewAssessment)
        );
        assert_eq!(
            command_for(
                &press(KeyCode::Char('n')),
                &[Context::Walkthrough, Context::Global]
            ),
            Some(Command::Notes)
        );
    }

    #[test]
    fn the_help_lists_every_binding_and_every_findings_key() {
        let order = help_order(Context::Walkthrough);
        assert_eq!(order[0], Context::Walkthrough);
        for binding in BINDINGS {
            assert!(
                order.contains(&binding.context),
                "{:?} is bound in {:?}, which the help does not show",
                binding.command,
                binding.context
            );
        }
        for findings_key in ["m", "x", "e", "p", "a", "c", "n"] {
            assert!(
                BINDINGS
                    .iter()
                    .any(|b| b.context == Context::Findings && b.label == findings_key),
                "{findings_key}"
            );
        }
    }

    #[test]
    fn every_help_line_fits_the_help_box() {
        // The help box is 76 columns inside; each line is the label padded to 16.
        let lines = BINDINGS
            .iter()
            .map(|b| (b.label, b.help))
            .chain(TEXT_BOX_KEYS.iter().copied());
        for (label, help) in lines {
            let width = 16 + help.chars().count();
            assert!(width <= 76, "{label}: {help} ({width} columns)");
        }
    }

    #[test]
    fn no_two_bindings_in_one_context_share_a_key() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                let overlapping = a.context == b.context
                    || a.context == Context::Global
                    || b.context == Context::Global;
                if !overlapping
                    || a.context == Context::Editor
                    || b.context == Context::Editor
                    || a.context == Context::Form
                    || b.context == Context::Form
                {
                    continue;
                }
                for ka in a.keys {
                    for kb in b.keys {
                        let same = ka.code == kb.code && ka.modifiers == kb.modifiers;
                        // A screen binding may deliberately shadow a global one only for Enter/Esc.
                        assert!(
                            !same || a.context != b.context,
                            "{:?} and {:?} both bind {:?} in {:?}",
                            a.command,
                            b.command,
                            ka.code,
                            a.context
                        );
                    }
                }
            }
        }
    }
}
