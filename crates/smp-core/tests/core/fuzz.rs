//! A fuzz harness, run by `cargo test`: structured mutations of the shipped levels, attempts
//! (with and without review notes) and trusted-keys files, each written to a file and put
//! through what the command line does with it (`levels check`, `score`, `render`, `report`,
//! `grade`), by the same core calls. Every case must return within 10 s and never panic, and
//! every error must name the file at fault.
//!
//! `SMP_FUZZ_CASES` sets the number of cases (default 10,000, under a minute here) and
//! `SMP_FUZZ_SEED` the seed; a failing case is kept under the target folder to replay. Longer,
//! coverage-guided runs: see `fuzz/README.md`.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use smp_core::geometry::Point;
use smp_core::notes::{Comment, OverrideGrade, Pin, ReviewNotes};
use smp_core::persona::Persona;
use smp_core::render::{Compositor, dots_on_day};
use smp_core::review::ReviewedAttempt;
use smp_core::signing::{InstructorKey, TrustedKeys};
use smp_core::simulate::simulate;
use smp_core::{Attempt, Level, grade, replay, report, score};

use crate::support::{tap, temp_dir};

/// A small portable random stream (SplitMix64), so a seed gives the same cases everywhere.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A token of RON text worth mutating: its byte range and kind.
#[derive(Clone, Copy, PartialEq)]
enum Token {
    Number,
    Text,
    Name,
}

fn tokens(text: &str) -> Vec<(std::ops::Range<usize>, Token)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'"' {
            let start = i;
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(b.len());
            out.push((start..i, Token::Text));
        } else if c.is_ascii_digit() || (c == b'-' && b.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            let start = i;
            i += 1;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b"._+-".contains(&b[i])) {
                i += 1;
            }
            out.push((start..i, Token::Number));
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push((start..i, Token::Name));
        } else {
            i += 1;
        }
    }
    out
}

const NUMBERS: &[&str] = &[
    "0",
    "-0.0",
    "-1",
    "1e300",
    "-1e300",
    "1e-320",
    "NaN",
    "inf",
    "-inf",
    "4294967296",
    "18446744073709551616",
    "1e9",
    "0.0000001",
    "999999999999999999999999",
    "2000000",
    "65",
    "400.0",
    "1000.0",
    "3650.1",
    "-3",
    "1.5e",
    "0x10",
    "1_0",
];

const STRINGS: &[&str] = &[
    "\"\"",
    "\"../../../../etc/passwd\"",
    "\"/dev/zero\"",
    "\"\\u{1b}[2J\\u{1b}]0;x\\u{7}\"",
    "\"=HYPERLINK(\\\"http://x\\\")\"",
    "\"![x](http://evil/p.png)\"",
    "\"<script>alert(1)</script>\"",
    "\"\\u{202e}gnp.exe\"",
    "\"depth-drill.ron\"",
    "\"-x\"",
    "\"sha256:0\"",
    "\"ed25519:00\"",
    "\"2026-02-31\"",
    "\"\\u{0}\"",
];

const NAMES: &[&str] = &[
    "Pen",
    "Mouse",
    "Synthetic",
    "Linear",
    "Gamma",
    "Points",
    "OneRL",
    "ThreeRL",
    "Dark",
    "Light",
    "Medium",
    "Expert",
    "Clumper",
    "Uniform",
    "Ramp",
    "Some",
    "None",
    "true",
    "false",
    "III",
    "VI",
    "Oily",
    "File",
    "Simulated",
    "Place",
    "Moment",
    "Attempt",
    "X",
    "inf",
    "NaN",
];

/// Applies one to four structured mutations to `text`.
fn mutate(text: &str, dice: &mut Dice) -> Vec<u8> {
    let mut t = text.to_string();
    for _ in 0..1 + dice.below(2) {
        let toks = tokens(&t);
        let lines: Vec<&str> = t.lines().collect();
        match dice.below(20) {
            0..=8 if !toks.is_empty() => {
                // A number nudged or scaled: mostly still valid, so scoring gets exercised.
                let numbers: Vec<_> = toks.iter().filter(|(_, k)| *k == Token::Number).collect();
                if let Some((range, _)) = numbers.get(dice.below(numbers.len()))
                    && let Ok(v) = t[range.clone()].parse::<f64>()
                {
                    let factor =
                        *dice.pick(&[0.0, 0.5, 0.9, 0.99, 1.01, 1.1, 2.0, 10.0, -1.0, 1e3]);
                    let nudged = v * factor + *dice.pick(&[0.0, 0.0, 0.001, -0.25, 1.0]);
                    t.replace_range(range.clone(), &format!("{nudged:?}"));
                }
            }
            9..=10 if !toks.is_empty() => {
                // A value replaced by a hostile one of its kind (or of another kind).
                let (range, kind) = dice.pick(&toks).clone();
                let with = match (kind, dice.below(5)) {
                    (_, 0) => dice.pick(NAMES).to_string(),
                    (Token::Number, _) => dice.pick(NUMBERS).to_string(),
                    (Token::Text, 1) => format!("\"{}\"", "A".repeat(1 + dice.below(5000))),
                    (Token::Text, _) => dice.pick(STRINGS).to_string(),
                    (Token::Name, _) => dice.pick(NAMES).to_string(),
                };
                t.replace_range(range, &with);
            }
            11 if !lines.is_empty() => {
                // A line repeated: more vertices, samples, zones, comments.
                let k = dice.below(lines.len());
                let most = if dice.below(8) == 0 { 5000 } else { 40 };
                let times = 1 + dice.below(most);
                let mut out: Vec<&str> = lines[..=k].to_vec();
                out.extend(std::iter::repeat_n(lines[k], times));
                out.extend(&lines[k + 1..]);
                t = out.join("\n");
            }
            12 if lines.len() > 1 => {
                let k = dice.below(lines.len());
                let mut out = lines.clone();
                out.remove(k);
                t = out.join("\n");
            }
            13 if lines.len() > 1 => {
                let (a, b) = (dice.below(lines.len()), dice.below(lines.len()));
                let mut out = lines.clone();
                out.swap(a, b);
                t = out.join("\n");
            }
            14 => {
                let mut cut = dice.below(t.len() + 1);
                while !t.is_char_boundary(cut) {
                    cut -= 1;
                }
                t.truncate(cut);
            }
            15 => {
                let mut at = dice.below(t.len() + 1);
                while !t.is_char_boundary(at) {
                    at -= 1;
                }
                let what = *dice.pick(&["(", ")", "[", "]", ",", ":", "\"", "//", "/*", "'", "\\"]);
                t.insert_str(at, what);
            }
            16 => {
                let mut at = dice.below(t.len() + 1);
                while !t.is_char_boundary(at) {
                    at -= 1;
                }
                let depth = 1 + dice.below(300);
                t.insert_str(at, &format!("{}{}", "[".repeat(depth), "]".repeat(depth)));
            }
            17 if !toks.is_empty() => {
                // A bracketed value copied over another place: shapes in the wrong field.
                let (a, _) = dice.pick(&toks).clone();
                let (b, _) = dice.pick(&toks).clone();
                let piece = t[a].to_string();
                t.replace_range(b, &piece);
            }
            18 => {
                let mut at = dice.below(t.len() + 1);
                while !t.is_char_boundary(at) {
                    at -= 1;
                }
                let c = *dice.pick(&[
                    '\u{1b}', '\u{0}', '\u{202e}', '\u{feff}', 'é', '\u{7f}', '\r',
                ]);
                t.insert(at, c);
            }
            _ => {
                // Raw bytes: not UTF-8 at all.
                let mut bytes = t.into_bytes();
                let at = dice.below(bytes.len() + 1);
                bytes.insert(at, *dice.pick(&[0xff, 0xc3, 0x80, 0xfe]));
                return bytes;
            }
        }
    }
    t.into_bytes()
}

/// What one case is.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Level,
    Attempt,
    Keys,
}

/// The starting points: every shipped level, small attempts (one, two and three sessions; with
/// a signed review), and a trusted-keys file.
fn seeds() -> Vec<(Kind, String)> {
    let mut out: Vec<(Kind, String)> = smp_core::levels::SHIPPED
        .iter()
        .map(|(_, text)| (Kind::Level, text.to_string()))
        .collect();
    let small = |id: &str, persona: Persona, keep: usize| {
        let level = Level::find(id, None).unwrap();
        let mut a = simulate(&level, persona, 5, "Ana", "2026-11-21");
        for s in &mut a.sessions {
            s.samples.truncate(keep);
        }
        a
    };
    for (id, persona, keep) in [
        ("depth-drill", Persona::Expert, 60),
        ("soft-hairline", Persona::HeavyHand, 45),
        ("crown-blend", Persona::Rusher, 30),
        ("three-sessions", Persona::Drifter, 24),
        ("strip-scar", Persona::Clumper, 30),
    ] {
        let a = small(id, persona, keep);
        out.push((Kind::Attempt, a.to_ron()));
        // The same attempt in format 1 (samples as RON tuples), which is still read: its numbers
        // are nudged one by one, where a format 2 block is mutated as text.
        let v1 = Attempt {
            format_version: 1,
            ..a
        };
        let config = ron::ser::PrettyConfig::new()
            .depth_limit(4)
            .struct_names(false);
        out.push((
            Kind::Attempt,
            ron::ser::to_string_pretty(&v1, config).unwrap(),
        ));
    }
    // An attempt with signed notes: the review section is fuzzed too.
    let mut reviewed = small("depth-drill", Persona::Gridder, 30);
    let key = InstructorKey::from_secret([3; 32]);
    let hash = smp_core::notes::content_hash(&reviewed.to_ron());
    let mut notes = ReviewNotes {
        comments: vec![Comment {
            author: "M. Costa".into(),
            date: "2026-11-21".into(),
            pin: Pin::Place(Point::new(10.0, 10.0)),
            text: "Rows here.".into(),
            signature: None,
        }],
        override_grade: Some(OverrideGrade {
            total: 71.0,
            passed: true,
            reason: "lag".into(),
            instructor: "M. Costa".into(),
            date: "2026-11-21".into(),
            signature: None,
        }),
    };
    notes.comments[0].signature = Some(key.sign_comment(&hash, &notes.comments[0]));
    let g = notes.override_grade.as_mut().unwrap();
    g.signature = Some(key.sign_override(&hash, g));
    reviewed.review = Some(notes);
    out.push((Kind::Attempt, reviewed.to_ron()));
    out.push((
        Kind::Keys,
        format!(
            "[(name: \"M. Costa\", key: {:?}), (name: \"J. Ng\", key: {:?})]\n",
            key.public(),
            InstructorKey::from_secret([4; 32]).public()
        ),
    ));
    out
}

/// Whether an error message names `file` (by its file name) or the level file at fault.
fn names_its_file(message: &str, file: &Path, levels: &Path) -> bool {
    let name = file.file_name().unwrap().to_string_lossy();
    message.contains(&*name) || message.contains(&*levels.to_string_lossy())
}

/// Runs one case the way the command line would; `Err` says what went wrong with the program
/// (not with the file: a refused file is a pass when the refusal names it).
fn run_case(
    kind: Kind,
    file: &Path,
    levels: &Path,
    trusted: &TrustedKeys,
    with_report: bool,
) -> Result<(), String> {
    let check = |e: &dyn std::fmt::Display| -> Result<(), String> {
        let m = e.to_string();
        if names_its_file(&m, file, levels) {
            Ok(())
        } else {
            Err(format!("an error that does not name its file: {m}"))
        }
    };
    match kind {
        Kind::Keys => match TrustedKeys::load(file) {
            Ok(_) => Ok(()),
            Err(e) => check(&e),
        },
        Kind::Level => {
            // `levels check`, then `render` and `score` of an attempt made on it.
            let level = match Level::load(file) {
                Ok(l) => l,
                Err(e) => return check(&e),
            };
            let c = Compositor::new(&level.plan);
            let side = level.plan.canvas_mm.0.max(level.plan.canvas_mm.1);
            if let Err(e) = c.render(&[], (200.0 / side).min(2.0)) {
                return Err(format!("a valid level does not render: {e}"));
            }
            // Thirty taps spread over the canvas, at a firm pressure.
            let (w, h) = level.plan.canvas_mm;
            let samples = (0..30)
                .flat_map(|k| {
                    let at = Point::new(w * ((k * 7) % 30) as f64 / 30.0, h * k as f64 / 30.0);
                    tap(1.0 + k as f64, at, 0.6)
                })
                .collect();
            let a = crate::support::attempt_from(&level, samples);
            let s = score::score(&level.plan, &a, &replay::replay(&level.plan, &a));
            if !(0.0..=100.0).contains(&s.total) {
                return Err(format!("total {} outside 0–100", s.total));
            }
            Ok(())
        }
        Kind::Attempt => {
            // `score`: load, find the level, fit, replay, score, verify.
            let attempt = match Attempt::load(file) {
                Ok(a) => a,
                Err(e) => return check(&e),
            };
            let level = match Level::for_attempt(file, &attempt, Some(levels)) {
                Ok(l) => l,
                Err(e) => return check(&e),
            };
            let replayed = replay::replay(&level.plan, &attempt);
            let s = score::score(&level.plan, &attempt, &replayed);
            if !(0.0..=100.0).contains(&s.total) || s.criteria.iter().any(|c| !c.score.is_finite())
            {
                return Err(format!("score out of range: {}", s.total));
            }
            let _ = s.verify(&attempt, &level.hash).describe();
            // `render` at a small scale.
            let c = Compositor::new(&level.plan);
            let (w, h, px) = c
                .render(&dots_on_day(&replayed, 42.0), 2.0)
                .map_err(|e| format!("render: {e}"))?;
            report::encode_png(w, h, &px).map_err(|e| format!("png: {e}"))?;
            // `report`'s reading of the notes and signatures (now and then: it also replays the
            // level's model attempt).
            if !with_report {
                return Ok(());
            }
            match ReviewedAttempt::open_trusting(file, Some(levels), trusted.clone()) {
                Ok(r) => {
                    let notes = r.notes();
                    let page = report::html(&r, &notes, "x.png");
                    let md = report::markdown(&r, &notes, "x.png");
                    if page.contains("<script>") || md.contains("](http") {
                        return Err("a page passes markup through".into());
                    }
                    Ok(())
                }
                Err(e) => check(&e),
            }
        }
    }
}

#[test]
fn mutated_files_are_refused_cleanly_or_scored() {
    let cases: usize = std::env::var("SMP_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let seed: u64 = std::env::var("SMP_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let seeds = seeds();
    let dir = temp_dir("fuzz");
    let levels = dir.join("levels");
    let class = dir.join("class");
    std::fs::create_dir_all(&levels).unwrap();
    std::fs::create_dir_all(&class).unwrap();
    // The trusted keys of the academy (from the unmutated seed).
    let keys_file = dir.join("trusted-keys.ron");
    std::fs::write(&keys_file, &seeds.last().unwrap().1).unwrap();
    let trusted = TrustedKeys::load(&keys_file).unwrap();
    let mut dice = Dice(seed);
    let started = Instant::now();
    let (mut refused, mut accepted, mut slowest) = (0usize, 0usize, Duration::ZERO);
    let mut valid_levels: Vec<PathBuf> = Vec::new();
    for n in 0..cases {
        let (kind, source) = seeds[dice.below(seeds.len())].clone();
        let bytes = mutate(&source, &mut dice);
        let file: PathBuf = match kind {
            Kind::Level => levels.join(format!("case-{n}.ron")),
            Kind::Attempt => class.join(format!("case-{n}.ron")),
            Kind::Keys => dir.join(format!("keys-{n}.ron")),
        };
        std::fs::write(&file, &bytes).unwrap();
        // Each case on its own thread, so a hang is caught at 10 s instead of never.
        let (tx, rx) = mpsc::channel();
        let (f, l, t) = (file.clone(), levels.clone(), trusted.clone());
        let case_started = Instant::now();
        std::thread::spawn(move || {
            let result = std::panic::catch_unwind(|| run_case(kind, &f, &l, &t, n % 10 == 0));
            let _ = tx.send(result);
        });
        let outcome = match rx.recv_timeout(Duration::from_secs(10)) {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err("panicked".into()),
            Err(_) => Err("still running after 10 s".into()),
        };
        slowest = slowest.max(case_started.elapsed());
        if let Err(why) = outcome {
            let kept =
                Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fuzz-failure-{seed}-{n}.ron"));
            std::fs::write(&kept, &bytes).unwrap();
            panic!(
                "case {n} ({kind:?}, seed {seed}): {why}; the file is kept at {}",
                kept.display()
            );
        }
        if std::fs::metadata(&file).is_ok() {
            // Levels stay only while valid (a later attempt may use one); attempts accumulate
            // for `grade`.
            match kind {
                Kind::Level if Level::load(&file).is_ok() => {
                    accepted += 1;
                    // A handful of valid levels stay for later attempts to find.
                    valid_levels.push(file.clone());
                    if valid_levels.len() > 8 {
                        std::fs::remove_file(valid_levels.remove(0)).unwrap();
                    }
                }
                Kind::Level | Kind::Keys => {
                    refused += 1;
                    std::fs::remove_file(&file).unwrap();
                }
                Kind::Attempt => {
                    if Attempt::load(&file).is_ok() {
                        accepted += 1;
                    } else {
                        refused += 1;
                    }
                }
            }
        }
        // `grade` over what has gathered, every 500 cases: a row per file, errors named.
        if n % 500 == 499 {
            let rows = grade::grade_dir(&class, Some(&levels), &trusted).unwrap();
            let files = grade::attempt_files(&class).unwrap();
            assert_eq!(rows.len(), files.len());
            for r in &rows {
                if let Some(e) = &r.error {
                    let file = Path::new(&r.file);
                    assert!(names_its_file(e, file, &levels), "{}: {e}", r.file);
                }
            }
            for f in files {
                std::fs::remove_file(f).unwrap();
            }
        }
    }
    eprintln!(
        "fuzz: {cases} cases (seed {seed}) in {:.1} s: {accepted} accepted, {refused} refused with a located error, none panicked or hung; slowest case {:.2} s",
        started.elapsed().as_secs_f64(),
        slowest.as_secs_f64()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
