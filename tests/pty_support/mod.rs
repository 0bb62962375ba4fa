//! The real binary in a real pseudo-terminal, read back through a vt100 parser, for the
//! end-to-end TUI tests: keys, pastes, resizes and signals in; the screen, the terminal's
//! modes (`stty -a` on the same pty) and the exit status out. On a timeout the screen is
//! dumped, so a failure shows what the user would have seen; a child still running when
//! a test fails is killed.
#![cfg(unix)]
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize, SlavePty};

pub const WAIT: Duration = Duration::from_secs(20);

pub struct Tui {
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    /// Kept open so the terminal outlives the program and its modes can be read back.
    slave: Box<dyn SlavePty + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    /// Every byte the terminal received, for output that is not drawn on a screen.
    raw: Arc<Mutex<Vec<u8>>>,
}

/// How the program ended.
#[derive(Debug)]
pub struct Exit {
    pub success: bool,
    /// The signal that ended it, as the C library names it ("Terminated", "Hangup").
    pub signal: Option<String>,
    /// Whether it left the terminal on the alternate screen (it must not).
    pub alternate_screen: bool,
    /// Whether it left the cursor hidden (it must not).
    pub cursor_hidden: bool,
    /// Whether it left bracketed paste on (it must not).
    pub bracketed_paste: bool,
}

impl Tui {
    /// Starts secassess with `args` in a pseudo-terminal of `size` (columns, rows), with
    /// only the environment a user's terminal would have plus `env`.
    pub fn start(home: &Path, args: &[&str], size: (u16, u16), env: &[(&str, &str)]) -> Tui {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: size.1,
                cols: size.0,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_secassess"));
        command.args(args);
        command.env_clear();
        command.env("TERM", "xterm-256color");
        command.env("PATH", std::env::var("PATH").unwrap_or_default());
        command.env("HOME", home);
        command.env("SECASSESS_DATA_DIR", home.join("data"));
        command.env("SECASSESS_CONFIG_DIR", home.join("config"));
        command.env("NO_COLOR", "1");
        for (name, value) in env {
            command.env(name, value);
        }
        let child = pty.slave.spawn_command(command).expect("secassess starts");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            non_zero(size.1),
            non_zero(size.0),
            0,
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let (sink, raw_sink) = (Arc::clone(&parser), Arc::clone(&raw));
        std::thread::spawn(move || {
            let mut buffer = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                sink.lock().expect("parser lock").process(&buffer[..n]);
                raw_sink
                    .lock()
                    .expect("raw lock")
                    .extend_from_slice(&buffer[..n]);
            }
        });
        let writer = pty.master.take_writer().expect("pty writer");
        Tui {
            master: pty.master,
            writer,
            child,
            slave: pty.slave,
            parser,
            raw,
        }
    }

    pub fn screen(&self) -> String {
        self.parser.lock().expect("parser lock").screen().contents()
    }

    /// The screen as running text: rows joined, runs of white space as one space, so a
    /// message wrapped over several rows can be found whole.
    pub fn text(&self) -> String {
        self.screen()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Waits until the screen, read as running text, holds `text`.
    pub fn wait_for_text(&self, text: &str) {
        let start = Instant::now();
        while start.elapsed() < WAIT {
            if self.text().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(30));
        }
        panic!(
            "timed out waiting for {text:?}; the screen was:\n{}",
            self.screen()
        );
    }

    pub fn wait_for(&self, text: &str) {
        let start = Instant::now();
        while start.elapsed() < WAIT {
            if self.screen().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(30));
        }
        panic!(
            "timed out waiting for {text:?}; the screen was:\n{}",
            self.screen()
        );
    }

    /// Writes bytes to the terminal as one write: several characters at once arrive
    /// together, as a paste from a terminal without bracketed paste does.
    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("keys sent");
        self.writer.flush().expect("keys flushed");
        // One key at a time reaches the app as separate events, as typing does.
        std::thread::sleep(Duration::from_millis(60));
    }

    /// Types text one key at a time, as a person does.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.send(&c.to_string());
        }
    }

    pub fn type_line(&mut self, text: &str) {
        self.type_text(text);
        self.send("\r");
    }

    /// Types each value into the next field of the open form (an empty value keeps what
    /// is there) and saves it with Enter on the last.
    pub fn type_line_in_form(&mut self, values: &[&str]) {
        for (i, value) in values.iter().enumerate() {
            self.type_text(value);
            self.send(if i + 1 < values.len() { "\t" } else { "\r" });
        }
    }

    /// Pastes text as a terminal with bracketed paste does.
    pub fn paste(&mut self, text: &str) {
        self.send(&format!("\x1b[200~{text}\x1b[201~"));
    }

    pub fn resize(&self, cols: u16, rows: u16) {
        self.parser
            .lock()
            .expect("parser lock")
            .set_size(non_zero(rows), non_zero(cols));
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resized");
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("a process id")
    }

    /// Sends a signal to the program, as `kill -SIGNAL PID` does.
    pub fn signal(&self, signal: i32) {
        let pid = libc::pid_t::try_from(self.pid()).expect("a pid");
        // SAFETY: kill takes plain values; the pid is our own child's.
        let result = unsafe { libc::kill(pid, signal) };
        assert_eq!(result, 0, "signal sent");
    }

    /// Waits for the process to end; returns its success and whether the terminal was
    /// left in the alternate screen (it must not be).
    pub fn wait_exit(mut self) -> (bool, bool) {
        let exit = self.wait_end();
        (exit.success, exit.alternate_screen)
    }

    /// Waits for the process to end and says how it left the terminal.
    pub fn wait_end(&mut self) -> Exit {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("child status") {
                std::thread::sleep(Duration::from_millis(150));
                let parser = self.parser.lock().expect("parser lock");
                let screen = parser.screen();
                return Exit {
                    success: status.success(),
                    signal: status.signal().map(str::to_string),
                    alternate_screen: screen.alternate_screen(),
                    cursor_hidden: screen.hide_cursor(),
                    bracketed_paste: screen.bracketed_paste(),
                };
            }
            if start.elapsed() > WAIT {
                let _ = self.child.kill();
                panic!("secassess did not exit; the screen was:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// `stty -a` run on this terminal now (after the program has ended): its modes as
    /// the next program, or the user's shell, finds them.
    pub fn terminal_modes(&mut self) -> String {
        let before = self.raw.lock().expect("raw lock").len();
        let mut stty = self
            .slave
            .spawn_command(CommandBuilder::new("stty").tap_arg("-a"))
            .expect("stty runs");
        let status = stty.wait().expect("stty ends");
        assert!(status.success(), "stty -a failed");
        std::thread::sleep(Duration::from_millis(200));
        let raw = self.raw.lock().expect("raw lock");
        String::from_utf8_lossy(&raw[before..]).into_owned()
    }
}

trait TapArg {
    fn tap_arg(self, arg: &str) -> Self;
}

impl TapArg for CommandBuilder {
    fn tap_arg(mut self, arg: &str) -> Self {
        self.arg(arg);
        self
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        // A test that failed midway must not leave secassess running.
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn non_zero(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("a terminal size is never zero")
}

pub fn assessment_file(home: &Path) -> PathBuf {
    home.join("data").join("ward-rota.secassess.toml")
}

/// First run to first answer: identity, a new assessment, one answer, quit.
pub fn first_run(home: &Path) {
    let mut tui = Tui::start(home, &[], (80, 24), &[]);
    tui.wait_for("Who are you?");
    tui.type_line("Ann Lead");
    tui.type_line("");
    tui.type_line("ann@example.org");
    tui.wait_for("No assessments yet");
    tui.send("n");
    tui.wait_for("New assessment");
    tui.type_line("Ward rota");
    tui.type_line("Staff rota for wards");
    tui.wait_for("highest security classification");
    tui.send("2");
    tui.wait_for("OFFICIAL-SENSITIVE");
    tui.wait_for("question 2 of");
    tui.send("q");
    let (success, alternate) = tui.wait_exit();
    assert!(success);
    assert!(!alternate, "the terminal was restored");
}
