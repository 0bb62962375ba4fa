//! The TUI's imperative shell: the only part of the terminal front end that touches the
//! terminal, the clock and the files. It reads keys, feeds them to `app::update`, draws
//! with `view::view`, and carries out the effects `update` asks for: opening, creating
//! and saving assessments, saving the identity, fingerprinting evidence files.
//!
//! Saving runs on a worker thread that owns the open assessment's lock, so typing never
//! waits for a disk (or a shared drive) to fsync. The worker always saves the newest
//! snapshot it has been given, and quitting waits for it, so no answer is lost. The
//! terminal (raw mode, alternate screen, cursor, bracketed paste) is restored on every way
//! out: normal exit, error (a drop guard), panic (a hook), and a request to stop from
//! outside (`signals`: SIGTERM, SIGHUP, SIGINT; the console closing or Ctrl-Break on
//! Windows), after which the last save still finishes and the lock is released before
//! the process ends with the conventional status.
//!
//! Bracketed paste is turned on, so a terminal reports a paste as one piece of text;
//! `input` also takes a burst of characters for a paste where the terminal cannot (the
//! Windows console). Either way a paste reaches the app as text, never as keys.

use std::collections::VecDeque;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::{DateTime, Local, Utc};
use ratatui::crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste, Event};
use ratatui::crossterm::{cursor, execute, terminal};
use ratatui::DefaultTerminal;

use super::app;
use super::input::{self, Input};
use super::signals::{Stop, StopRequests};
use super::state::{Access, App, Effect, HomeEntry, Msg, Tone};
use super::theme::Theme;
use super::view;
use super::zone::Zone;
use crate::assessment::record::{Assessment, Person};
use crate::pack;
use crate::questionnaire::answer::EvidenceRef;
use crate::questionnaire::model::Catalogue;
use crate::session::{self, Session, SessionError};
use crate::store::{self, evidence, identity, locations};

/// Everything the TUI needs to start.
pub struct Launch {
    pub catalogue: Catalogue,
    /// Who is using it; `None` on first run, when the TUI asks.
    pub who: Option<Person>,
    pub data_dir: PathBuf,
    pub config_dir: PathBuf,
    /// Go straight into this assessment (`secassess open FILE`).
    pub open: Option<PathBuf>,
    pub theme: Theme,
    /// The SSH key sign-offs are signed with (`--key`, `--no-key`, `~/.ssh`).
    pub signer: crate::store::signing_key::Signer,
    /// `--verbose`: ids beside titles in messages.
    pub verbose: bool,
}

/// How the TUI ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The user quit.
    Quit,
    /// Asked to stop from outside; everything was saved and the terminal restored, and
    /// the caller ends the process with [`Stop::exit`].
    Stopped(Stop),
}

#[derive(Debug, thiserror::Error)]
pub enum ShellError {
    #[error(
        "the terminal could not be used: {0}. Try `secassess --plain` for line-by-line questions."
    )]
    Terminal(#[from] io::Error),
    #[error("the last changes to {path} could not be saved: {problem}. {recovery}")]
    NotSaved {
        path: PathBuf,
        problem: String,
        recovery: String,
    },
}

/// Runs the TUI until the user quits or it is asked to stop.
pub fn run(launch: Launch) -> Result<Ended, ShellError> {
    let catalogue = Arc::new(launch.catalogue);
    let home = home_entries(&launch.data_dir, &catalogue);
    let mut app = App::new((*catalogue).clone(), launch.theme, launch.who, home);
    app.signer = launch.signer;
    app.zone = Zone::Local;
    app.verbose = launch.verbose;
    app.home_folder = launch.data_dir.display().to_string();
    let stops = StopRequests::install()?;
    let mut shell = Shell {
        catalogue,
        data_dir: launch.data_dir,
        config_dir: launch.config_dir,
        saver: None,
        held: None,
        pending_open: None,
        quit: false,
    };
    if let Some(path) = launch.open {
        shell.open_when_known(&mut app, path);
    }

    let mut terminal = ratatui::try_init()?;
    let restore = RestoreTerminal::start();
    let inputs = spawn_input_reader();
    let looped = event_loop(&mut terminal, &mut app, &mut shell, &stops, &inputs);
    let stop = stops.requested();
    let mut dropped = None;
    if stop.is_some() {
        // Nobody can be asked about text still being typed: it is not kept, and is
        // shown on stderr instead.
        dropped = typed_text(&app);
        let effects = app::update(&mut app, Msg::Stop, Utc::now());
        shell.carry_out(&mut app, effects);
    }
    // Not dropped: ratatui's drop prints to stderr when the terminal has gone (after
    // SIGHUP), and printing to a closed terminal panics. The terminal is restored below.
    std::mem::forget(terminal);
    drop(restore);
    let finished = shell.finish(&app);
    if let Some(stop) = stop {
        report_stop(stop, dropped.as_deref(), finished.as_ref().err());
        return Ok(Ended::Stopped(stop));
    }
    finished?;
    looped?;
    Ok(Ended::Quit)
}

/// Reads the terminal on its own thread and sends each burst of events (see
/// [`read_burst`]), or the error that ended reading. Reading never blocks the event loop:
/// when the terminal goes away, crossterm 0.29 can spin inside `event::read` for ever
/// (crossterm issue 793) and that must not stop the loop from seeing SIGHUP, saving and
/// releasing the lock. The thread ends with the process.
fn spawn_input_reader() -> Receiver<io::Result<Vec<Event>>> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || loop {
        let burst = read_burst();
        let failed = burst.is_err();
        if sender.send(burst).is_err() || failed {
            return;
        }
    });
    receiver
}

/// Hands keys and pastes to the app until it quits or a stop is asked for (the caller
/// then tells the app).
fn event_loop(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    shell: &mut Shell,
    stops: &StopRequests,
    inputs: &Receiver<io::Result<Vec<Event>>>,
) -> io::Result<()> {
    // Drawn only when something may have changed, so an idle TUI writes nothing.
    let mut redraw = true;
    while !shell.quit {
        if stops.requested().is_some() {
            return Ok(());
        }
        if redraw {
            terminal.draw(|frame| view::view(app, frame))?;
            redraw = false;
        }
        // A short wait so save results and stop requests are seen promptly even when no
        // key is pressed.
        match inputs.recv_timeout(Duration::from_millis(100)) {
            Ok(burst) => {
                redraw = true;
                for input in input::coalesce(burst?) {
                    let msg = match input {
                        Input::Key(key) => Msg::Key(key),
                        Input::Paste(text) => Msg::Paste(text),
                        // A resize needs nothing but the redraw at the top of the loop.
                        Input::Redraw => continue,
                    };
                    let effects = app::update(app, msg, Utc::now());
                    shell.carry_out(app, effects);
                    if shell.quit {
                        break;
                    }
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                return Err(io::Error::other("reading the terminal stopped"))
            }
        }
        redraw |= shell.collect_save_results(app);
    }
    Ok(())
}

/// The next event, and every character key that follows it without a pause (see
/// `input`): a paste delivered as keys arrives in one burst, typing never does.
fn read_burst() -> io::Result<Vec<Event>> {
    let mut events = Vec::new();
    let mut next = event::read()?;
    loop {
        let more = input::continues_burst(&next);
        // Windows reports key releases too; only presses (and repeats) are input.
        if !input::is_release(&next) {
            events.push(next);
        }
        if !more || !event::poll(input::BURST_GAP)? {
            return Ok(events);
        }
        next = event::read()?;
    }
}

/// The text being typed when a stop came, which is not kept: "what: text".
fn typed_text(app: &App) -> Option<String> {
    if let Some(editor) = app.editor.as_ref().filter(|e| e.area.changed()) {
        return Some(format!("{}:\n{}", editor.what(), editor.area.text()));
    }
    let form = app.form.as_ref().filter(|f| f.changed())?;
    let fields: Vec<String> = form
        .fields
        .iter()
        .filter(|f| f.text.changed())
        .map(|f| format!("{}: {}", f.label, f.text.text()))
        .collect();
    Some(format!(
        "the form \"{}\":\n{}",
        form.title,
        fields.join("\n")
    ))
}

/// Says on stderr, once the terminal is back to normal, why secassess stopped and what
/// was and was not saved. Best effort: after SIGHUP nobody may be reading.
fn report_stop(stop: Stop, dropped: Option<&str>, problem: Option<&ShellError>) {
    use std::io::Write;
    let mut text = format!("secassess stopped ({}).", stop.name());
    match problem {
        None => text.push_str(" Every answer given was saved and the assessment's lock released."),
        Some(problem) => text.push_str(&format!(" {problem}")),
    }
    if let Some(dropped) = dropped {
        text.push_str(&format!(
            "\nText still being typed was not saved; here it is, to copy if you need it. In {}",
            crate::text::sanitise(dropped)
        ));
    }
    let _ = writeln!(io::stderr(), "{text}");
}

/// Restores the terminal when the event loop ends for any reason, errors included, and
/// turns bracketed paste off again (also on a panic). Quietly: after SIGHUP the terminal
/// is gone, every write fails, and nobody is there to read about it.
struct RestoreTerminal;

impl RestoreTerminal {
    fn start() -> RestoreTerminal {
        // The Windows console without virtual terminal support refuses; pastes then come
        // as keys, which `input` turns back into a paste.
        let _ = execute!(io::stdout(), EnableBracketedPaste);
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = execute!(io::stdout(), DisableBracketedPaste);
            previous(info);
        }));
        RestoreTerminal
    }
}

impl Drop for RestoreTerminal {
    fn drop(&mut self) {
        let _ = terminal::disable_raw_mode();
        let _ = execute!(
            io::stdout(),
            DisableBracketedPaste,
            terminal::LeaveAlternateScreen,
            cursor::Show
        );
    }
}

struct Shell {
    catalogue: Arc<Catalogue>,
    data_dir: PathBuf,
    config_dir: PathBuf,
    /// The open assessment's saver, when it is editable.
    saver: Option<Saver>,
    /// A read-only session whose stale lock the user may take over.
    held: Option<Session>,
    /// A file to open once the user has said who they are.
    pending_open: Option<PathBuf>,
    quit: bool,
}

impl Shell {
    fn carry_out(&mut self, app: &mut App, effects: Vec<Effect>) {
        let mut queue: VecDeque<Effect> = effects.into();
        while let Some(effect) = queue.pop_front() {
            let more = self.carry_out_one(app, effect);
            queue.extend(more);
        }
    }

    fn carry_out_one(&mut self, app: &mut App, effect: Effect) -> Vec<Effect> {
        let now = Utc::now();
        match effect {
            Effect::Save => {
                match (&self.saver, &app.document) {
                    (Some(saver), Some(document)) => saver.save(document.assessment.clone()),
                    _ => {
                        return app::update(
                            app,
                            Msg::Saved(Err(String::from(
                                "this assessment is open read-only, so nothing can be saved",
                            ))),
                            now,
                        )
                    }
                }
                Vec::new()
            }
            Effect::Quit => {
                self.quit = true;
                Vec::new()
            }
            Effect::Open(path) => {
                self.open(app, &path, now);
                Vec::new()
            }
            Effect::ShowFolder(folder) => {
                if !folder.is_dir() {
                    return app::update(
                        app,
                        Msg::Failed(format!(
                            "{} is not a folder; give the path of a folder that holds assessments",
                            crate::text::sanitise_line(&folder.display().to_string())
                        )),
                        now,
                    );
                }
                app.form = None;
                app.home = home_entries(&folder, &self.catalogue);
                app.home_cursor = 0;
                app.home_folder = folder.display().to_string();
                self.data_dir = folder;
                Vec::new()
            }
            Effect::Create { name, description } => {
                let Some(who) = app.who.clone() else {
                    return Vec::new();
                };
                match session::create_assessment(
                    &self.data_dir,
                    &name,
                    &description,
                    &self.catalogue,
                    &who,
                    now,
                ) {
                    Ok(path) => {
                        app.form = None;
                        self.open(app, &path, now);
                        app.home = home_entries(&self.data_dir, &self.catalogue);
                        Vec::new()
                    }
                    Err(e) => app::update(app, Msg::Failed(e.to_string()), now),
                }
            }
            Effect::SaveIdentity(person) => {
                if let Err(e) = identity::save_identity(&self.config_dir, &person) {
                    // The identity still holds for this run; only remembering it failed.
                    return app::update(
                        app,
                        Msg::Failed(format!("{e}. You will be asked again next time.")),
                        now,
                    );
                }
                if let Some(path) = self.pending_open.take() {
                    self.open(app, &path, now);
                }
                Vec::new()
            }
            Effect::AttachFile {
                question,
                title,
                path,
            } => {
                let Some(question) = app.catalogue.question(&question).cloned() else {
                    return Vec::new();
                };
                let message = match evidence::fingerprint(&path) {
                    Ok(print) => Msg::Attached {
                        question: question.id.clone(),
                        evidence: EvidenceRef {
                            title,
                            link: None,
                            path: Some(print.path.display().to_string()),
                            sha256: Some(print.sha256),
                            size: Some(print.size),
                        },
                    },
                    Err(e) => Msg::AttachFailed(e.to_string()),
                };
                app::update(app, message, now)
            }
            Effect::ExportPack => {
                let Some(path) = app.document.as_ref().map(|d| d.path.clone()) else {
                    return Vec::new();
                };
                // The pack is made from the file, so it must hold every answer first.
                if let Some(saver) = &self.saver {
                    saver.flush();
                }
                self.collect_save_results(app);
                let options = pack::Options {
                    generated_at: Some(now),
                    today: now.with_timezone(&Local).date_naive(),
                    marking: None,
                    recheck_evidence: false,
                    allowed_signers: None,
                };
                let outputs = pack::beside(&path);
                let message = match pack::export(&path, &self.catalogue, &outputs, &options) {
                    Ok(written) => {
                        let mut words = vec![
                            format!("{}.", written.files.join("; ")),
                            written.headline.clone(),
                        ];
                        words.extend(written.notes().into_iter().map(|n| format!("Note: {n}")));
                        Msg::Exported(Ok(words.join(" ")))
                    }
                    Err(e) => Msg::Exported(Err(e.to_string())),
                };
                app::update(app, message, now)
            }
            Effect::CheckEvidence => {
                let Some(document) = app.document.as_ref() else {
                    return Vec::new();
                };
                let files = session::observe_evidence(&document.assessment, &document.path);
                app::update(app, Msg::EvidenceChecked(files), now)
            }
            Effect::TakeOver => {
                let Some(mut session) = self.held.take() else {
                    return Vec::new();
                };
                match session.take_over(now) {
                    Err(e) => {
                        self.held = Some(session);
                        app::update(app, Msg::Failed(e.to_string()), now)
                    }
                    Ok(notice) => {
                        self.show(app, session, now);
                        if let Some(notice) = notice {
                            app.say(Tone::Good, notice);
                        }
                        Vec::new()
                    }
                }
            }
        }
    }

    fn open_when_known(&mut self, app: &mut App, path: PathBuf) {
        if app.who.is_some() {
            self.open(app, &path, Utc::now());
        } else {
            self.pending_open = Some(path);
        }
    }

    /// Opens `path` for editing (or read-only when someone else has it), after the
    /// previous assessment's last save has finished and its lock is released.
    fn open(&mut self, app: &mut App, path: &Path, now: DateTime<Utc>) {
        let Some(who) = app.who.clone() else {
            return;
        };
        if let Some(problem) = self.close(app) {
            app::update(app, Msg::Failed(problem), now);
        }
        match Session::open(path, Arc::clone(&self.catalogue), who, now) {
            Ok(session) => self.show(app, session, now),
            Err(e) => {
                app::update(app, Msg::Failed(e.to_string()), now);
            }
        }
    }

    /// Puts an opened session in front of the user; an editable one goes to a saver.
    fn show(&mut self, app: &mut App, session: Session, now: DateTime<Utc>) {
        let path = session.path().to_path_buf();
        let assessment = Box::new(session.assessment().clone());
        let access = match (session.is_editable(), session.access()) {
            (true, _) => Access::Editable,
            (false, session::Access::StaleLock(_, staleness)) => Access::StaleLock {
                reason: session.read_only_reason().unwrap_or_default(),
                warn: staleness.needs_warning(),
            },
            (false, _) => Access::ReadOnly(session.read_only_reason().unwrap_or_default()),
        };
        let editable = access == Access::Editable;
        let evidence = session.evidence().clone();
        let effects = app::update(
            app,
            Msg::Opened {
                path,
                assessment,
                access,
            },
            now,
        );
        app::update(app, Msg::EvidenceChecked(evidence), now);
        if editable {
            self.saver = Some(Saver::start(session));
        } else {
            self.held = Some(session);
        }
        // Opening may have changed it (moved onto the current questionnaire versions):
        // saved once the saver is there.
        self.carry_out(app, effects);
    }

    /// Waits for the open assessment's saves and releases its lock. When the last save
    /// failed, writes a recovery copy of what the user sees and returns what to tell them.
    fn close(&mut self, app: &App) -> Option<String> {
        self.held = None;
        let saver = self.saver.take()?;
        let problem = saver.finish().err()?;
        let document = app.document.as_ref()?;
        let recovery = recover(&document.path, &self.data_dir, &document.assessment);
        Some(format!(
            "The last changes to {} could not be saved: {problem}. {recovery}",
            document.path.display()
        ))
    }

    /// Applies the saver's news; says whether there was any.
    fn collect_save_results(&mut self, app: &mut App) -> bool {
        let Some(saver) = &self.saver else {
            return false;
        };
        let mut any = false;
        while let Some(result) = saver.result() {
            app::update(app, Msg::Saved(result), Utc::now());
            any = true;
        }
        any
    }

    /// After the loop: the last save must have happened. If it could not, a recovery copy
    /// is written next to the file (or in the data folder) so the answers are not lost.
    fn finish(mut self, app: &App) -> Result<(), ShellError> {
        self.held = None;
        let Some(saver) = self.saver.take() else {
            return Ok(());
        };
        let Err(problem) = saver.finish() else {
            return Ok(());
        };
        let Some(document) = app.document.as_ref() else {
            return Ok(());
        };
        Err(ShellError::NotSaved {
            path: document.path.clone(),
            problem,
            recovery: recover(&document.path, &self.data_dir, &document.assessment),
        })
    }
}

/// Writes the unsaved assessment beside the original, or into the data folder, and says
/// where; the original file is left exactly as it was.
fn recover(path: &Path, data_dir: &Path, assessment: &Assessment) -> String {
    let stamp = Utc::now().format("%Y%m%dT%H%M%SZ");
    let name = format!(
        "{}.recovered-{stamp}.secassess.toml",
        locations::slug(&assessment.system.name)
    );
    let beside = path.parent().map(|dir| dir.join(&name));
    for candidate in beside.into_iter().chain([data_dir.join(&name)]) {
        if store::create(&candidate, assessment).is_ok() {
            return format!(
                "Your answers were written to {}; the original file is unchanged. Check it, then rename it over the original.",
                candidate.display()
            );
        }
    }
    String::from(
        "A recovery copy could not be written either; the original file is unchanged and holds everything up to its last successful save.",
    )
}

/// The assessments under a folder (subfolders included) for the home screen, read as
/// `secassess portfolio` reads them (in parallel, the same rows with git's state, dates
/// judged today),
/// most recently changed first. A file that cannot be read is listed last with why, so it
/// is not silently missing.
pub fn home_entries(folder: &Path, catalogue: &Catalogue) -> Vec<HomeEntry> {
    let Ok(found) = store::portfolio::find(&[folder.to_path_buf()]) else {
        // A data folder not made yet holds no assessments.
        return Vec::new();
    };
    let today = Local::now().date_naive();
    let mut rows = store::portfolio::summarise(&found.files, catalogue, today);
    // The GIT column as `secassess portfolio` fills it; what git could not say is left
    // out here (the command line prints it).
    let folders = [folder.to_path_buf()];
    let mut notes = Vec::new();
    let trees = store::portfolio::work_trees(&folders, &mut notes);
    store::portfolio::mark_git_states(&found, &trees, &mut rows, &mut notes);
    let mut entries: Vec<HomeEntry> = found
        .files
        .into_iter()
        .zip(rows)
        .map(|(file, row)| HomeEntry {
            path: file.path,
            row,
        })
        .collect();
    entries.sort_by_key(|e| std::cmp::Reverse(e.row.as_ref().ok().map(|r| r.last_change)));
    entries
}

/// The worker thread that saves the open assessment. It owns the session (and so the
/// lock); the UI thread sends it snapshots and hears back when each save is done.
enum Request {
    Save(Box<Assessment>),
    /// Answer on the sender once every save asked for before has been done.
    Flush(Sender<()>),
}

struct Saver {
    requests: Sender<Request>,
    results: Receiver<Result<DateTime<Utc>, String>>,
    /// Ends with the problem of the last save, if it failed.
    worker: JoinHandle<Result<(), String>>,
}

impl Saver {
    fn start(mut session: Session) -> Saver {
        let (requests, inbox) = mpsc::channel::<Request>();
        let (outbox, results) = mpsc::channel();
        let worker = std::thread::spawn(move || {
            let mut last_problem = None;
            let mut pending: Option<Assessment> = None;
            let mut waiting: Vec<Sender<()>> = Vec::new();
            while let Ok(first) = inbox.recv() {
                // Only the newest snapshot matters: it contains every earlier change.
                let mut next = Some(first);
                while let Some(request) = next.take().or_else(|| inbox.try_recv().ok()) {
                    match request {
                        Request::Save(assessment) => pending = Some(*assessment),
                        Request::Flush(done) => waiting.push(done),
                    }
                }
                if let Some(latest) = pending.take() {
                    let result = save(&mut session, latest);
                    last_problem = result.as_ref().err().cloned();
                    // The UI may have stopped listening when quitting; the result then
                    // only matters through `finish`.
                    let _ = outbox.send(result);
                }
                for done in waiting.drain(..) {
                    let _ = done.send(());
                }
            }
            // Dropping the session here releases the lock.
            match last_problem {
                None => Ok(()),
                Some(problem) => Err(problem),
            }
        });
        Saver {
            requests,
            results,
            worker,
        }
    }

    fn save(&self, assessment: Assessment) {
        // A send fails only if the worker has ended, which `finish` reports.
        let _ = self.requests.send(Request::Save(Box::new(assessment)));
    }

    /// Waits until every save asked for so far is done (or has failed).
    fn flush(&self) {
        let (done, wait) = mpsc::channel();
        if self.requests.send(Request::Flush(done)).is_ok() {
            let _ = wait.recv();
        }
    }

    fn result(&self) -> Option<Result<DateTime<Utc>, String>> {
        self.results.try_recv().ok()
    }

    /// Waits for every save asked for, then releases the lock.
    fn finish(self) -> Result<(), String> {
        drop(self.requests);
        self.worker.join().unwrap_or_else(|_| {
            Err(String::from(
                "the saving thread stopped unexpectedly (a bug in secassess; please report it)",
            ))
        })
    }
}

fn save(session: &mut Session, latest: Assessment) -> Result<DateTime<Utc>, String> {
    let assessment = session.assessment_mut().map_err(|e| e.to_string())?;
    *assessment = latest;
    session.save().map_err(|e: SessionError| e.to_string())?;
    Ok(Utc::now())
}
