//! The real binary in a real pseudo-terminal, read back through a vt100 parser, for
//! tests that drive the TUI as a user does. On a timeout the screen is dumped, so a
//! failure shows what the user would have seen.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};

pub const WAIT: Duration = Duration::from_secs(20);

pub struct Tui {
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    parser: Arc<Mutex<vt100::Parser>>,
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
        drop(pty.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            non_zero(size.1),
            non_zero(size.0),
            0,
        )));
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let sink = Arc::clone(&parser);
        std::thread::spawn(move || {
            let mut buffer = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                sink.lock().expect("parser lock").process(&buffer[..n]);
            }
        });
        let writer = pty.master.take_writer().expect("pty writer");
        Tui {
            master: pty.master,
            writer,
            child,
            parser,
        }
    }

    pub fn screen(&self) -> String {
        self.parser.lock().expect("parser lock").screen().contents()
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

    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("keys sent");
        self.writer.flush().expect("keys flushed");
        // One key at a time reaches the app as separate events, as typing does.
        std::thread::sleep(Duration::from_millis(60));
    }

    pub fn type_line(&mut self, text: &str) {
        for c in text.chars() {
            self.send(&c.to_string());
        }
        self.send("\r");
    }

    /// Types each value into the next field of the open form (an empty value keeps what
    /// is there) and saves it with Enter on the last.
    pub fn type_line_in_form(&mut self, values: &[&str]) {
        for (i, value) in values.iter().enumerate() {
            for c in value.chars() {
                self.send(&c.to_string());
            }
            self.send(if i + 1 < values.len() { "\t" } else { "\r" });
        }
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

    /// Waits for the process to end; returns its success and whether the terminal was
    /// left in the alternate screen (it must not be).
    pub fn wait_exit(mut self) -> (bool, bool) {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("child status") {
                std::thread::sleep(Duration::from_millis(100));
                let alternate = self
                    .parser
                    .lock()
                    .expect("parser lock")
                    .screen()
                    .alternate_screen();
                return (status.success(), alternate);
            }
            if start.elapsed() > WAIT {
                let _ = self.child.kill();
                panic!("secassess did not exit; the screen was:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(30));
        }
    }
}

fn non_zero(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("a terminal size is never zero")
}
