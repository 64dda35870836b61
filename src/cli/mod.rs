//! Command-line interface: parsing, dispatch and exit codes.
//!
//! Exit codes: 0 success, 1 the attempt failed or did not verify (`score`), 2 bad input.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

mod grade;
mod head;
mod levels;
mod out;
mod progress;
mod render;
mod score;
mod simulate;
mod submit;

use out::{esay, say};

/// smp-trainer: a training simulator for scalp micropigmentation.
#[derive(Parser)]
#[command(name = "smp-trainer", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Level to open the trainer on (id or path; default: the first level, or the title screen
    /// when an unfinished attempt can be resumed).
    #[arg(long, global = false)]
    level: Option<String>,
    /// Also look for levels in this folder.
    #[arg(long)]
    levels: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Generate an attempt by a synthetic trainee.
    Simulate {
        /// Level id (see `levels list`) or path to a level file.
        #[arg(long)]
        level: String,
        /// Who tattoos: expert, light-hand, heavy-hand, gridder, clumper, rusher, drifter,
        /// one-angle, map-spacer, low-designer, straight-designer.
        #[arg(long)]
        persona: smp_core::persona::Persona,
        /// Seed of every random stream in the attempt.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Trainee name written in the attempt (default: the persona's name).
        #[arg(long)]
        trainee: Option<String>,
        /// Attempt file to write (RON).
        #[arg(long)]
        out: PathBuf,
        /// Also look for level ids in this folder.
        #[arg(long)]
        levels: Option<PathBuf>,
    },
    /// Rescore an attempt and check it against the score stored in it.
    Score {
        /// Attempt file.
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Score against this level file instead of the one named in the attempt.
        #[arg(long)]
        level: Option<PathBuf>,
        /// Also look for level ids in this folder.
        #[arg(long)]
        levels: Option<PathBuf>,
    },
    /// Draw an attempt as it looks on a given day after its last session, to PNG.
    Render {
        /// Attempt file.
        file: PathBuf,
        /// Days after the last session (0 = fresh, 42 = settled, 1826 ≈ 5 years).
        #[arg(long)]
        day: f64,
        /// PNG file to write.
        #[arg(long)]
        out: PathBuf,
        /// Pixels per millimetre of the canvas or scalp map (default 10 on a flat skin, 4 for a
        /// head's map).
        #[arg(long)]
        px_per_mm: Option<f64>,
        /// On a head level: the head from the front, left, right, top or back (default front),
        /// or its scalp map flat. A flat skin has only its canvas.
        #[arg(long, value_enum)]
        view: Option<ViewArg>,
        /// Side of a head view or loupe picture, px.
        #[arg(long, default_value_t = 2048)]
        size: u32,
        /// A loupe around this place instead (canvas or scalp-map mm, `X,Y`), square to the skin.
        #[arg(long, value_parser = parse_place)]
        loupe: Option<(f64, f64)>,
        /// Width of skin the loupe shows, mm.
        #[arg(long, default_value_t = 6.0)]
        loupe_mm: f64,
        /// Render against this level file instead of the one named in the attempt.
        #[arg(long)]
        level: Option<PathBuf>,
        /// Also look for level ids in this folder.
        #[arg(long)]
        levels: Option<PathBuf>,
    },
    /// Replay an attempt through the trainer's input path, as a tablet would feed it.
    #[cfg(feature = "gui")]
    Play {
        /// Level id or path (default: the attempt's level).
        #[arg(long)]
        level: Option<String>,
        /// Attempt whose pen samples to replay.
        #[arg(long)]
        replay: PathBuf,
        /// Replay speed (1 = the attempt's own pace).
        #[arg(long, default_value_t = 1.0)]
        speed: f64,
        /// Write the results screen to this PNG once replay and scoring are done (the practice
        /// screen goes beside it as NAME-practice.png).
        #[arg(long)]
        screenshot: Option<PathBuf>,
        /// Quit when done.
        #[arg(long)]
        exit_when_done: bool,
        /// Also look for levels in this folder.
        #[arg(long)]
        levels: Option<PathBuf>,
    },
    /// Open an attempt for review (read-only): replay, inspect, compare, comment, override.
    #[cfg(feature = "gui")]
    Review {
        /// The attempt file.
        file: PathBuf,
        /// Write the review screen to this PNG and exit.
        #[arg(long)]
        screenshot: Option<PathBuf>,
        /// Heatmap to open with.
        #[arg(long, value_enum, default_value_t = HeatmapArg::Off)]
        heatmap: HeatmapArg,
        /// Open showing the work healed this many days after it was made.
        #[arg(long)]
        day: Option<f64>,
        /// Folder of extra levels.
        #[arg(long)]
        levels: Option<PathBuf>,
        /// The academy's trusted instructor keys (default: the data folder's trusted-keys.ron).
        #[arg(long)]
        trusted_keys: Option<PathBuf>,
    },
    /// Open the level editor on a copy of LEVEL (id or file), or on a blank canvas.
    #[cfg(feature = "gui")]
    Edit {
        /// Level id or file; none for a blank canvas.
        level: Option<String>,
        /// Write the editor's screen to this PNG and exit.
        #[arg(long)]
        screenshot: Option<PathBuf>,
        /// Folder of extra levels.
        #[arg(long)]
        levels: Option<PathBuf>,
    },
    /// Write a review report: an HTML or Markdown page and a PNG of the healed result with
    /// heatmaps beside it.
    Report {
        /// The attempt file.
        file: PathBuf,
        /// The page to write (`.html` or `.md`); the PNG gets the same name. Default: the
        /// attempt's name with `.html`.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Folder of extra levels.
        #[arg(long)]
        levels: Option<PathBuf>,
        /// The academy's trusted instructor keys (default: the data folder's trusted-keys.ron).
        #[arg(long)]
        trusted_keys: Option<PathBuf>,
    },
    /// Grade every attempt under a folder: a CSV row each (or JSON), then per-trainee and
    /// per-level summaries. Unreadable files get a row with the error; the run goes on.
    Grade {
        /// Folder of attempt files (searched recursively).
        dir: PathBuf,
        /// Write the grades here (safe write) instead of printing them.
        #[arg(long)]
        out: Option<PathBuf>,
        /// csv or json.
        #[arg(long, value_enum, default_value_t = GradeFormat::Csv)]
        format: GradeFormat,
        /// Also look for level ids in this folder.
        #[arg(long)]
        levels: Option<PathBuf>,
        /// The academy's trusted instructor keys (default: the data folder's trusted-keys.ron).
        #[arg(long)]
        trusted_keys: Option<PathBuf>,
        /// Also say on stderr how long grading took, on how many threads, and the peak memory.
        #[arg(long)]
        stats: bool,
        /// Use at most this many threads (default: every core, up to 8). Grades do not change.
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..=256))]
        threads: Option<u16>,
    },
    /// A trainee's history: best and latest score per level, and each criterion's average and
    /// trend over their attempts.
    Progress {
        /// Trainee name, as in the attempt files.
        #[arg(long)]
        trainee: String,
        /// Folder of attempts (default: the data folder's attempts).
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Also look for level ids in this folder.
        #[arg(long)]
        levels: Option<PathBuf>,
    },
    /// Print the scoring calibration table (the one in docs/scoring.md), as Markdown.
    ScoringTable,
    /// A head's scalp map and landmarks, and the skin at places of its map (3D point, normal,
    /// area element, region): what a tool writing head levels or attempts needs.
    Head {
        /// The head's name (`adult-male`, `adult-female`).
        name: String,
        /// A map place to describe, `X,Y` mm (repeat for more).
        #[arg(long, value_parser = parse_place)]
        at: Vec<(f64, f64)>,
        /// JSON instead of lines of text.
        #[arg(long)]
        json: bool,
    },
    /// This instructor's signing key: made in the data folder on first use; prints its public
    /// half as a line for an academy's trusted-keys.ron.
    Keys {
        /// The name to put on the line (default: $USER).
        #[arg(long)]
        name: Option<String>,
    },
    /// Send an attempt to the academy's server (smp-academy), which rescores and files it.
    Submit {
        /// The attempt file.
        file: PathBuf,
        /// The academy, http://HOST:PORT (default: $SMP_ACADEMY_SERVER, else academy.ron in
        /// the data folder).
        #[arg(long)]
        server: Option<String>,
        /// This device's token (default: $SMP_ACADEMY_TOKEN, else academy.ron).
        #[arg(long)]
        token: Option<String>,
        /// The assignment, when the level is assigned more than once.
        #[arg(long)]
        assignment: Option<u64>,
    },
    /// List or check levels.
    Levels {
        #[command(subcommand)]
        action: LevelsAction,
    },
}

#[derive(Subcommand)]
enum LevelsAction {
    /// One level a line: id, title, difficulty.
    List {
        /// List the levels in this folder instead of the shipped ones.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Validate every level in a folder (default: the shipped levels); exit 2 if any is invalid.
    Check {
        /// Folder of .ron level files.
        dir: Option<PathBuf>,
    },
}

/// Output format of `score`.
#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// Readable text.
    Text,
    /// JSON for other tools.
    Json,
    /// RON.
    Ron,
}

/// Heatmaps the review can open with.
#[derive(Clone, Copy, ValueEnum)]
pub enum HeatmapArg {
    /// None.
    Off,
    /// Depth outcome of each dot.
    Depth,
    /// Nearest-dot spacing.
    Spacing,
    /// Density against the plan.
    Density,
}

/// What `render` draws of a head level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ViewArg {
    /// The head from the front.
    Front,
    /// From the client's left.
    Left,
    /// From the client's right.
    Right,
    /// From above.
    Top,
    /// From behind.
    Back,
    /// The scalp map, flat.
    Map,
}

/// A place `X,Y` in mm.
fn parse_place(s: &str) -> Result<(f64, f64), String> {
    let (x, y) = s
        .split_once(',')
        .ok_or_else(|| format!("{s:?}: give the place as X,Y in mm"))?;
    let num = |v: &str| {
        v.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("{v:?} is not a number of mm"))
    };
    Ok((num(x)?, num(y)?))
}

/// Output format of `grade`.
#[derive(Clone, Copy, ValueEnum)]
pub enum GradeFormat {
    /// Comma-separated values.
    Csv,
    /// JSON: `rows` and `summary`.
    Json,
}

/// A failure to report: the message, and the exit code.
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl Failure {
    /// Says what failed on stderr and gives the exit code.
    pub fn exit(self) -> ExitCode {
        esay!("smp-trainer: {}", self.message);
        ExitCode::from(self.code)
    }

    /// Bad input (exit 2).
    pub fn input(e: impl std::fmt::Display) -> Self {
        Failure {
            message: e.to_string(),
            code: 2,
        }
    }
}

/// Runs the program and returns its exit code.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // Help and version are successes; usage errors are bad input.
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let result = match cli.command {
        None => open_trainer(cli.level, cli.levels),
        #[cfg(feature = "gui")]
        Some(Command::Play {
            level,
            replay,
            speed,
            screenshot,
            exit_when_done,
            levels,
        }) => {
            if !(speed.is_finite() && speed > 0.0) {
                Err(Failure::input(format!(
                    "--speed {speed} must be a positive number"
                )))
            } else if let Err(e) = smp_core::Attempt::load(&replay) {
                Err(Failure::input(e))
            } else {
                return open_window(smp_app::Options {
                    level,
                    levels_dir: levels,
                    replay: Some(replay),
                    speed,
                    screenshot,
                    exit_when_done,
                    ..Default::default()
                });
            }
        }
        #[cfg(feature = "gui")]
        Some(Command::Review {
            file,
            screenshot,
            heatmap,
            day,
            levels,
            trusted_keys,
        }) => match smp_core::signing::TrustedKeys::load_or_default(trusted_keys.as_deref())
            .map_err(smp_core::review::ReviewError::from)
            .and_then(|t| {
                smp_core::review::ReviewedAttempt::open_trusting(&file, levels.as_deref(), t)
            }) {
            Err(e) => Err(Failure::input(e)),
            Ok(opened) => {
                warn_unverified(&file, &opened);
                return open_window(smp_app::Options {
                    levels_dir: levels,
                    review: Some(file),
                    trusted_keys,
                    heatmap: match heatmap {
                        HeatmapArg::Off => smp_app::Heatmap::None,
                        HeatmapArg::Depth => smp_app::Heatmap::Outcome,
                        HeatmapArg::Spacing => smp_app::Heatmap::Spacing,
                        HeatmapArg::Density => smp_app::Heatmap::Density,
                    },
                    day: day
                        .filter(|d| d.is_finite())
                        .map(|d| d.clamp(0.0, 36_525.0)),
                    exit_when_done: screenshot.is_some(),
                    screenshot,
                    speed: 1.0,
                    ..Default::default()
                });
            }
        },
        #[cfg(feature = "gui")]
        Some(Command::Edit {
            level,
            screenshot,
            levels,
        }) => {
            let found = level
                .as_deref()
                .map(|id| smp_core::Level::find(id, levels.as_deref()));
            if let Some(Err(e)) = found {
                Err(Failure::input(e))
            } else {
                return open_window(smp_app::Options {
                    levels_dir: levels,
                    edit: Some(level.unwrap_or_default()),
                    exit_when_done: screenshot.is_some(),
                    screenshot,
                    speed: 1.0,
                    ..Default::default()
                });
            }
        }
        Some(Command::Report {
            file,
            out,
            levels,
            trusted_keys,
        }) => report(&file, out, levels.as_deref(), trusted_keys.as_deref()),
        Some(Command::Simulate {
            level,
            persona,
            seed,
            trainee,
            out,
            levels,
        }) => simulate::run(&level, persona, seed, trainee, &out, levels.as_deref()),
        Some(Command::Score {
            file,
            format,
            level,
            levels,
        }) => score::run(&file, format, level.as_deref(), levels.as_deref()),
        Some(Command::Render {
            file,
            day,
            out,
            px_per_mm,
            view,
            size,
            loupe,
            loupe_mm,
            level,
            levels,
        }) => render::run(
            &file,
            render::Picture {
                day,
                px_per_mm,
                view,
                size,
                loupe,
                loupe_mm,
            },
            &out,
            level.as_deref(),
            levels.as_deref(),
        ),
        Some(Command::Grade {
            dir,
            out,
            format,
            levels,
            trusted_keys,
            stats,
            threads,
        }) => {
            if let Some(n) = threads {
                smp_core::parallel::limit_threads(usize::from(n));
            }
            grade::run(
                &dir,
                out.as_deref(),
                format,
                levels.as_deref(),
                trusted_keys.as_deref(),
                stats,
            )
        }
        Some(Command::Progress {
            trainee,
            dir,
            levels,
        }) => grade::progress(&trainee, dir.as_deref(), levels.as_deref()),
        Some(Command::Keys { name }) => keys(name),
        Some(Command::Submit {
            file,
            server,
            token,
            assignment,
        }) => submit::run(&file, server, token, assignment),
        Some(Command::Head { name, at, json }) => head::run(&name, &at, json),
        Some(Command::ScoringTable) => {
            out::raw(&smp_core::scoring_table::markdown());
            Ok(0)
        }
        Some(Command::Levels {
            action: LevelsAction::List { dir },
        }) => levels::list(dir.as_deref()),
        Some(Command::Levels {
            action: LevelsAction::Check { dir },
        }) => levels::check(dir.as_deref()),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(f) => f.exit(),
    }
}

fn keys(name: Option<String>) -> Result<u8, Failure> {
    let dir = smp_core::files::data_dir().join("keys");
    let key = smp_core::signing::InstructorKey::load_or_create(&dir).map_err(Failure::input)?;
    let name = name
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "instructor".into());
    esay!(
        "your key is in {}; add this line to the academy's trusted-keys.ron:",
        dir.display()
    );
    say!("(name: {:?}, key: {:?}),", name, key.public());
    Ok(0)
}

fn report(
    file: &std::path::Path,
    out: Option<PathBuf>,
    levels: Option<&std::path::Path>,
    trusted_keys: Option<&std::path::Path>,
) -> Result<u8, Failure> {
    let trusted =
        smp_core::signing::TrustedKeys::load_or_default(trusted_keys).map_err(Failure::input)?;
    let meter = progress::meter();
    meter.stage("scoring", 1, "attempt");
    let opened = smp_core::review::ReviewedAttempt::open_trusting(file, levels, trusted)
        .map_err(Failure::input)?;
    let page = out.unwrap_or_else(|| file.with_extension("html"));
    let written = smp_core::report::export_metered(&opened, &opened.notes(), &page, meter.as_ref())
        .map_err(Failure::input)?;
    drop(meter);
    for path in written {
        say!("{}", path.display());
    }
    warn_unverified(file, &opened);
    Ok(0)
}

/// Says on stderr when an attempt's stored score does not match its samples.
fn warn_unverified(file: &std::path::Path, opened: &smp_core::review::ReviewedAttempt) {
    if opened.verification.is_contradicted() {
        esay!(
            "smp-trainer: {}: NOT VERIFIED: {}",
            file.display(),
            opened.verification
        );
    }
}

/// Opens the trainer window with `options` once there is a display to open it on; the window's
/// exit code is the program's.
#[cfg(feature = "gui")]
fn open_window(options: smp_app::Options) -> ExitCode {
    match no_display_check() {
        Ok(()) => smp_app::run(options),
        Err(f) => f.exit(),
    }
}

#[cfg(feature = "gui")]
fn open_trainer(level: Option<String>, levels_dir: Option<PathBuf>) -> Result<u8, Failure> {
    if let Some(id) = &level {
        smp_core::Level::find(id, levels_dir.as_deref()).map_err(Failure::input)?;
    }
    no_display_check()?;
    // With an unfinished attempt waiting, open the title screen, which offers to resume it.
    let pending = smp_app::autosave::Autosave::default().pending().is_some();
    let level = level.or_else(|| (!pending).then(|| smp_core::levels::DEFAULT_LEVEL.to_string()));
    let options = smp_app::Options {
        level,
        levels_dir,
        speed: 1.0,
        ..Default::default()
    };
    let code = smp_app::run(options);
    Ok(if code == ExitCode::SUCCESS { 0 } else { 1 })
}

/// On Linux and the BSDs a window needs a Wayland or X11 display: say so instead of failing
/// deep inside the windowing library.
#[cfg(feature = "gui")]
pub fn no_display_check() -> Result<(), Failure> {
    let unix_desktop = cfg!(all(unix, not(target_os = "macos")));
    let has_display = ["WAYLAND_DISPLAY", "DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()));
    if unix_desktop && !has_display {
        return Err(Failure {
            message: "no display: the trainer needs a window (set WAYLAND_DISPLAY or DISPLAY); the subcommands work without one, see `smp-trainer --help`".into(),
            code: 1,
        });
    }
    Ok(())
}

#[cfg(not(feature = "gui"))]
fn open_trainer(_level: Option<String>, _levels_dir: Option<PathBuf>) -> Result<u8, Failure> {
    Err(Failure { message: "this build has no trainer window (built without the `gui` feature); see `smp-trainer --help`".into(), code: 2 })
}

/// The level an attempt was made on: the given file, or the level its id names.
///
/// The attempt's `level_id` is an id, never a path: it is looked up among the shipped levels
/// and `levels_dir`. A level file given on the command line (`--level FILE`) is the user's
/// own choice. Either way the attempt must fit the level.
pub fn level_for(
    file: &std::path::Path,
    attempt: &smp_core::Attempt,
    level: Option<&std::path::Path>,
    levels_dir: Option<&std::path::Path>,
) -> Result<smp_core::Level, Failure> {
    let level = match level {
        Some(path) => smp_core::Level::load(path).map_err(Failure::input)?,
        None => smp_core::Level::for_attempt(file, attempt, levels_dir).map_err(Failure::input)?,
    };
    level.fits(file, attempt).map_err(Failure::input)?;
    Ok(level)
}
