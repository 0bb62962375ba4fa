//! The TUI's imperative shell: the only part of the terminal front end that touches the
//! terminal, the clock and the files. It reads keys, feeds them to `app::update`, draws
//! with `view::view`, and carries out the effects `update` asks for: opening, creating
//! and saving assessments, saving the identity, fingerprinting evidence files.
//!
//! Saving runs on a worker thread that owns the open assessment's lock, so typing never
//! waits for a disk (or a shared drive) to fsync. The worker always saves the newest
//! snapshot it has been given, and quitting waits for it, so no answer is lost. The
//! terminal is restored on every way out: normal exit, error (a drop guard) and panic
//! (the hook `ratatui::try_init` installs).

use std::collections::VecDeque;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::{DateTime, Local, Offset, Utc};
use ratatui::crossterm::event::{self, Event, KeyEventKind};

use super::app::{self, Access, App, Effect, HomeEntry, Msg};
use super::theme::Theme;
use super::view;
use crate::assessment::record::{Assessment, Person};
use crate::questionnaire::answer::{AnswerValue, EvidenceRef};
use crate::questionnaire::model::Catalogue;
use crate::session::{self, Session, SessionError};
use crate::store::{self, evidence, identity, locations, pack};

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

/// Runs the TUI until the user quits.
pub fn run(launch: Launch) -> Result<(), ShellError> {
    let catalogue = Arc::new(launch.catalogue);
    let home = home_entries(&launch.data_dir, &catalogue);
    let mut app = App::new((*catalogue).clone(), launch.theme, launch.who, home);
    app.local_offset = Local::now().offset().fix();
    app.home_folder = launch.data_dir.display().to_string();
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
    let _restore = RestoreTerminal;
    // Drawn only when something may have changed, so an idle TUI writes nothing.
    let mut redraw = true;
    while !shell.quit {
        if redraw {
            terminal.draw(|frame| view::view(&app, frame))?;
            redraw = false;
        }
        // A short wait so save results show promptly even when no key is pressed.
        if event::poll(Duration::from_millis(200))? {
            redraw = true;
            match event::read()? {
                // Windows reports key releases too; only presses (and repeats) are input.
                Event::Key(key) if key.kind != KeyEventKind::Release => {
                    let effects = app::update(&mut app, Msg::Key(key), Utc::now());
                    shell.carry_out(&mut app, effects);
                }
                Event::Paste(text) => {
                    for c in text.chars() {
                        let key = event::KeyEvent::from(event::KeyCode::Char(c));
                        let effects = app::update(&mut app, Msg::Key(key), Utc::now());
                        shell.carry_out(&mut app, effects);
                    }
                }
                // A resize needs nothing but the redraw at the top of the loop.
                _ => {}
            }
        }
        redraw |= shell.collect_save_results(&mut app);
    }
    drop(terminal);
    shell.finish(&app)
}

/// Restores the terminal when the event loop ends for any reason, errors included.
struct RestoreTerminal;

impl Drop for RestoreTerminal {
    fn drop(&mut self) {
        ratatui::restore();
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
                match evidence::fingerprint(&path) {
                    Ok(print) => {
                        let value = AnswerValue::Evidence(EvidenceRef {
                            title,
                            link: None,
                            path: Some(print.path.display().to_string()),
                            sha256: Some(print.sha256),
                            size: Some(print.size),
                        });
                        let mut effects = app::answer(app, &question, value, now);
                        effects.push(Effect::CheckEvidence);
                        effects
                    }
                    Err(e) => app::update(app, Msg::Failed(e.to_string()), now),
                }
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
                };
                let outputs = pack::beside(&path);
                let message = match pack::export(&path, &self.catalogue, &outputs, &options) {
                    Ok(written) => Msg::Exported(Ok(format!(
                        "{} {}",
                        written.files.join("; "),
                        written.headline
                    ))),
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
                if let Err(e) = session.take_over(now) {
                    return app::update(app, Msg::Failed(e.to_string()), now);
                }
                self.show(app, session, now);
                Vec::new()
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
            (false, session::Access::StaleLock(_)) => {
                Access::StaleLock(session.read_only_reason().unwrap_or_default())
            }
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
/// `secassess portfolio` reads them (in parallel, the same rows, dates judged today),
/// most recently changed first. A file that cannot be read is listed last with why, so it
/// is not silently missing.
pub fn home_entries(folder: &Path, catalogue: &Catalogue) -> Vec<HomeEntry> {
    let Ok(found) = store::portfolio::find(&[folder.to_path_buf()]) else {
        // A data folder not made yet holds no assessments.
        return Vec::new();
    };
    let today = Local::now().date_naive();
    let rows = store::portfolio::summarise(&found.files, catalogue, today);
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
