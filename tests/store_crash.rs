//! Saving cannot lose data: the real `secassess answer` is killed with SIGKILL again and
//! again, many of the kills landing inside a save, and after every kill the file must
//! open and hold every answer of the run before or every answer of the killed run (never
//! a mix, never nothing), the backup must open too, and the lock the killed process left
//! must be reported as stale, as a user would be told.
//!
//! Each run answers the same questions with one "generation" of values (A: yes, the first
//! option, "generation A ..."; B: no, the second option, "generation B ..."), alternating,
//! so an answer from the wrong generation shows a mix. Most kills are aimed at the save:
//! the test polls the file and kills when the save's temporary file appears or the file
//! itself changes, at once or after a random delay of up to 3 ms (the write, the fsyncs
//! and the renames); the rest are at a random time during the run. A store that wrote
//! the file in place fails this within a few iterations (the file is found empty).
//! Random choices come from a small PRNG seeded per iteration from SECASSESS_CRASH_SEED
//! (a fixed default), printed, so a failure can be rerun with the same choices; the
//! timing of the machine still varies.
#![cfg(unix)]

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use secassess::assessment::record::{Assessment, Person, StoredValue};
use secassess::questionnaire::model::AnswerKind;
use secassess::store::{self, atomic, lock, LockOutcome, Opened};

const ITERATIONS: u64 = 200;
const DEFAULT_SEED: u64 = 0x5eca_55e5_c4a5_0001;
/// The audit trail grows with every completed save; past this size the file is put back
/// as it was created so every run stays fast (and the test under ~20 s).
const RESET_ABOVE_BYTES: u64 = 64 * 1024;
/// The signal `Child::kill` sends on Unix.
const SIGKILL: i32 = 9;
/// Answers given by each run: enough that a mix would show, few enough to keep runs fast.
const ANSWERS_PER_RUN: usize = 30;
const WHO: &str = "Ann Lead <ann@example.org>";

/// splitmix64: enough randomness for timings, and the same sequence for the same seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// The answers of one generation: (question id, value as given to --set and as stored).
type Generation = Vec<(String, String)>;

fn generations() -> [Generation; 2] {
    let catalogue = secassess::questionnaire::load_embedded().expect("embedded questionnaires");
    let mut a = Generation::new();
    let mut b = Generation::new();
    for q in catalogue.questions_in_order() {
        let (va, vb) = match q.kind {
            AnswerKind::YesNo => ("yes".to_string(), "no".to_string()),
            AnswerKind::Single if q.options.len() >= 2 => {
                (q.options[0].value.clone(), q.options[1].value.clone())
            }
            AnswerKind::Text => (
                "generation A: hosted in the A data centre, supported by team A".repeat(8),
                "generation B: hosted in the B data centre, supported by team B".repeat(8),
            ),
            AnswerKind::Date => ("2030-01-01".to_string(), "2031-02-02".to_string()),
            _ => continue,
        };
        a.push((q.id.clone(), va));
        b.push((q.id.clone(), vb));
        if a.len() == ANSWERS_PER_RUN {
            break;
        }
    }
    assert_eq!(
        a.len(),
        ANSWERS_PER_RUN,
        "expected more answerable questions"
    );
    [a, b]
}

fn secassess(home: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_secassess"));
    command
        .args(["--as", WHO])
        .env("SECASSESS_DATA_DIR", home.join("data"))
        .env("SECASSESS_CONFIG_DIR", home.join("config"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

fn answer(home: &Path, file: &Path, generation: &Generation) -> Child {
    let mut command = secassess(home);
    command.arg("answer").arg(file);
    for (id, value) in generation {
        command.arg("--set").arg(format!("{id}={value}"));
    }
    command.spawn().expect("secassess starts")
}

/// Which generation every tracked answer is from: `None` when none is answered yet.
fn generation_of(a: &Assessment, gens: &[Generation; 2]) -> Result<Option<usize>, String> {
    let mut seen = BTreeMap::new();
    for (id, _) in &gens[0] {
        let stored = a.answers.get(id).and_then(|r| match &r.value {
            Some(StoredValue::One(v)) => Some(v.clone()),
            _ => None,
        });
        let which = match stored {
            None => None,
            Some(v) => match gens
                .iter()
                .position(|g| g.iter().any(|(i, s)| i == id && *s == v))
            {
                Some(g) => Some(g),
                None => return Err(format!("{id} = {v:?} is from no generation")),
            },
        };
        seen.insert(id.clone(), which);
    }
    let kinds: BTreeSet<_> = seen.values().copied().collect();
    match kinds.len() {
        1 => Ok(kinds.into_iter().next().flatten()),
        _ => Err(format!("answers from different generations: {seen:?}")),
    }
}

fn name(g: Option<usize>) -> &'static str {
    match g {
        None => "none",
        Some(0) => "A",
        Some(_) => "B",
    }
}

fn leftover_temps(file: &Path) -> BTreeSet<String> {
    std::fs::read_dir(atomic::parent_dir(file))
        .expect("data dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| atomic::is_leftover_temp(file, n))
        .collect()
}

/// What identifies the file's content without reading it.
fn stamp(file: &Path) -> Option<(u64, u64, i64, i64)> {
    let m = std::fs::metadata(file).ok()?;
    Some((m.ino(), m.len(), m.mtime(), m.mtime_nsec()))
}

/// The temporary file a save by process `pid` writes first (see `store::atomic`).
fn temp_of(file: &Path, pid: u32) -> PathBuf {
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
    let temp = file.with_file_name(format!(".{}.{pid}.tmp", name.unwrap_or_default()));
    let temp_name = temp.file_name().map(|n| n.to_string_lossy().into_owned());
    assert!(atomic::is_leftover_temp(
        file,
        &temp_name.unwrap_or_default()
    ));
    temp
}

/// Kills `child` once its save has visibly started (its temporary file is there, or the
/// file itself changed), after `delay`. Returns false if it finished first. Polls with
/// `stat` as fast as it can, so that even a write in place would be caught while the
/// file is cut short.
fn kill_when_saving(child: &mut Child, file: &Path, delay: Duration) -> bool {
    let temp = temp_of(file, child.id());
    let before = stamp(file);
    let mut polls = 0u32;
    loop {
        if stamp(file) != before || temp.exists() {
            if !delay.is_zero() {
                std::thread::sleep(delay);
            }
            let _ = child.kill();
            return true;
        }
        polls += 1;
        if polls.is_multiple_of(64) {
            if child.try_wait().expect("wait").is_some() {
                return false;
            }
            std::thread::yield_now();
        }
    }
}

#[derive(Default, Debug)]
struct Tally {
    finished: u64,
    killed_before_save: u64,
    killed_mid_save: u64,
    killed_after_rename: u64,
    stale_locks: u64,
    resets: u64,
}

#[test]
fn sigkill_during_saves_leaves_old_or_new_answers_never_a_mix() {
    let seed = std::env::var("SECASSESS_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    println!("crash test seed {seed} (rerun with SECASSESS_CRASH_SEED={seed})");
    let started = Instant::now();
    let gens = generations();
    let home = tempfile::tempdir().expect("temp dir");
    let out = secassess(home.path())
        .args(["new", "Crash test"])
        .output()
        .expect("secassess new");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file: PathBuf = home.path().join("data").join("crash-test.secassess.toml");
    let pristine = std::fs::read(&file).expect("new file");
    let who = Person {
        name: "Ann Lead".into(),
        role: String::new(),
        email: "ann@example.org".into(),
    };

    // How long a whole run takes, for the kills at a random time.
    let mut on_disk: Option<usize> = None;
    let mut full_run = Duration::ZERO;
    for g in [0, 1] {
        let t = Instant::now();
        let child = answer(home.path(), &file, &gens[g]);
        let out = child.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        full_run = full_run.max(t.elapsed());
        on_disk = Some(g);
    }

    let mut tally = Tally::default();
    for i in 0..ITERATIONS {
        let iteration_seed = seed ^ i.wrapping_mul(0x2545_f491_4f6c_dd1d);
        let mut rng = Rng(iteration_seed);
        let context = format!("iteration {i}, seed {seed} (iteration seed {iteration_seed})");
        let before = on_disk;
        let attempt = match before {
            Some(0) => 1,
            _ => 0,
        };
        let bak_before = stamp(&atomic::backup_path(&file));
        let mut child = answer(home.path(), &file, &gens[attempt]);
        let pid = child.id();
        if rng.below(4) == 0 {
            let limit = u64::try_from(full_run.as_micros()).unwrap_or(u64::MAX);
            std::thread::sleep(Duration::from_micros(rng.below(limit + limit / 5)));
            let _ = child.kill();
        } else {
            // Some right away, some within the first writes, the rest spread over the
            // write, fsyncs and renames.
            let delay = match rng.below(4) {
                0 => 0,
                1 => rng.below(200),
                _ => rng.below(3000),
            };
            kill_when_saving(&mut child, &file, Duration::from_micros(delay));
        }
        let status = child.wait().expect("wait");
        let mut stderr = String::new();
        if let Some(mut pipe) = child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
        }
        let killed = status.signal() == Some(SIGKILL);
        assert!(
            killed || status.success(),
            "{context}: secassess failed without being killed: {status}\n{stderr}"
        );
        let temps = leftover_temps(&file);

        // What a user opening the file now would get.
        let now = Utc::now();
        let opened = store::open_for_edit(&file, &who, now)
            .unwrap_or_else(|e| panic!("{context}: the file does not open after the kill: {e}"));
        let loaded = match opened {
            Opened::Editable(editor, loaded) => {
                drop(editor);
                loaded
            }
            Opened::Stale(loaded, info, staleness) => {
                // pid 0: killed between creating the lock file and writing it, which
                // is reported as an unreadable (stale) lock.
                assert!(
                    info.pid == pid || info.pid == 0,
                    "{context}: stale lock from another process: {info:?}"
                );
                assert!(
                    !staleness.needs_warning(),
                    "{context}: a killed process's lock is certainly stale, not {staleness:?}"
                );
                tally.stale_locks += 1;
                match lock::take_over(&file, &info, &who, now).expect("take over") {
                    LockOutcome::Acquired(guard) => drop(guard),
                    other => panic!("{context}: taking over a stale lock gave {other:?}"),
                }
                loaded
            }
            Opened::ReadOnly(_, info) => {
                panic!("{context}: the killed process's lock is not seen as stale: {info:?}")
            }
        };
        assert!(
            loaded.complete,
            "{context}: the file was cut short (its end marker is missing)"
        );
        let now_on_disk =
            generation_of(&loaded.assessment, &gens).unwrap_or_else(|e| panic!("{context}: {e}"));
        assert!(
            now_on_disk == before || now_on_disk == Some(attempt),
            "{context}: the file holds generation {} but was {} and the run wrote {}",
            name(now_on_disk),
            name(before),
            name(Some(attempt))
        );
        if status.success() {
            assert_eq!(
                now_on_disk,
                Some(attempt),
                "{context}: a finished save is missing"
            );
        }

        let backup = atomic::backup_path(&file);
        if backup.exists() {
            let bak = store::load(&backup)
                .unwrap_or_else(|e| panic!("{context}: the backup does not open: {e}"));
            assert!(bak.complete, "{context}: the backup was cut short");
            let bak_generation = generation_of(&bak.assessment, &gens)
                .unwrap_or_else(|e| panic!("{context}: backup: {e}"));
            if now_on_disk != before {
                assert_eq!(
                    bak_generation, before,
                    "{context}: after a save the backup must hold the previous answers"
                );
            }
        } else {
            assert!(bak_before.is_none(), "{context}: the backup disappeared");
        }

        let changed = now_on_disk != before;
        if !killed {
            tally.finished += 1;
        } else if changed {
            tally.killed_after_rename += 1;
        } else if !temps.is_empty() {
            tally.killed_mid_save += 1;
        } else {
            tally.killed_before_save += 1;
        }
        on_disk = now_on_disk;

        if std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0) > RESET_ABOVE_BYTES {
            std::fs::write(&file, &pristine).expect("reset");
            let _ = std::fs::remove_file(&backup);
            on_disk = None;
            tally.resets += 1;
        }
    }

    let kills = ITERATIONS - tally.finished;
    println!(
        "{ITERATIONS} runs in {:.1} s: {kills} killed ({} mid-save with a temporary file left, \
         {} after the rename, {} before the save), {} finished; {} stale locks reported and \
         taken over; file reset {} times",
        started.elapsed().as_secs_f64(),
        tally.killed_mid_save,
        tally.killed_after_rename,
        tally.killed_before_save,
        tally.finished,
        tally.stale_locks,
        tally.resets,
    );
    assert!(
        tally.killed_mid_save + tally.killed_after_rename >= 10,
        "too few kills landed inside a save for the test to mean anything: {tally:?}"
    );
}
