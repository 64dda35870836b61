//! `smp-academy`: the academy's server and its command line.
//!
//! `smp-academy serve` starts it on the embedded default (SQLite in the data folder, listening
//! on 127.0.0.1:8080); `smp-academy admin …` sets an academy up; `smp-academy rescore`
//! rescores stored attempts. Exit codes: 0 success, 1 a refusal (a duplicate, a missing
//! account), 2 bad input.

use std::io::BufRead as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use smp_academy::domain::{CourseCode, Password, Policy, Role, ShownName, Username};
use smp_academy::error::AppError;
use smp_academy::startup::AppState;
use smp_academy::{Application, Settings, admin, configuration};

/// smp-academy: trainees submit, the server rescores, instructors review and sign in a browser.
#[derive(Parser)]
#[command(name = "smp-academy", version, about, long_about = None)]
struct Cli {
    /// The data folder (default: $SMP_ACADEMY_DATA, else ~/.local/share/smp-academy).
    #[arg(long, global = true)]
    data: Option<PathBuf>,
    /// The database: postgres://USER@HOST/DB for PostgreSQL, or sqlite://FILE (default:
    /// academy.db in the data folder). Better given in the environment than on the command
    /// line, where other users can see a password.
    #[arg(
        long,
        global = true,
        env = "SMP_ACADEMY_DATABASE",
        hide_env_values = true
    )]
    database: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the academy (Ctrl+C or SIGTERM stops it, finishing the requests in flight).
    Serve {
        /// Where to listen.
        #[arg(long, default_value = configuration::DEFAULT_LISTEN)]
        listen: SocketAddr,
        /// The largest attempt file taken, MiB.
        #[arg(long, default_value_t = configuration::DEFAULT_UPLOAD_LIMIT / (1024 * 1024))]
        upload_limit_mib: u64,
        /// Attempts parsed and scored at once (default: the cores).
        #[arg(long)]
        scoring_slots: Option<usize>,
        /// Mark cookies Secure (when the academy is served over HTTPS, e.g. behind a proxy).
        #[arg(long)]
        secure_cookies: bool,
    },
    /// Set the academy up: accounts, courses, assignments, tokens.
    Admin {
        #[command(subcommand)]
        action: AdminAction,
    },
    /// Rescore stored attempts from their kept files (after the rules or a level changed).
    Rescore {
        /// Only this course's attempts.
        #[arg(long)]
        course: Option<String>,
    },
}

#[derive(Subcommand)]
enum AdminAction {
    /// Create the first admin (the password from stdin with --password-stdin, or
    /// $SMP_ACADEMY_PASSWORD).
    Init {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Add an instructor (their signing key is made and the trusted-keys file written).
    AddInstructor {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Add a trainee (without a password they can submit with a token but not sign in).
    AddTrainee {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set an account's password (its sessions end).
    SetPassword {
        #[arg(long)]
        username: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Add a course.
    AddCourse {
        /// Its code: 1–32 of A–Z, a–z, 0–9, '-', '_'.
        #[arg(long)]
        code: String,
        #[arg(long)]
        title: String,
    },
    /// An instructor teaches a course.
    Teach {
        #[arg(long)]
        course: String,
        #[arg(long)]
        instructor: String,
    },
    /// Enroll trainees in a course.
    Enroll {
        #[arg(long)]
        course: String,
        /// A trainee's user name (repeat for more).
        #[arg(long, required = true)]
        trainee: Vec<String>,
    },
    /// Assign a level to a course.
    Assign {
        #[arg(long)]
        course: String,
        /// The level's id (shipped, or in the data folder's levels/).
        #[arg(long)]
        level: String,
        /// Due: YYYY-MM-DD (end of that day, UTC) or YYYY-MM-DDTHH:MM (UTC).
        #[arg(long)]
        due: String,
        /// The title shown (default: the level's).
        #[arg(long)]
        title: Option<String>,
        /// At most this many attempts.
        #[arg(long, conflicts_with = "until_passed", value_parser = clap::value_parser!(u32).range(1..=1000))]
        max_attempts: Option<u32>,
        /// Resubmit until one passes (the default).
        #[arg(long)]
        until_passed: bool,
    },
    /// Make a device token for an account: printed once, on standard output.
    Token {
        #[arg(long)]
        user: String,
        /// What it is for (e.g. "Ana's tablet").
        #[arg(long, default_value = "device")]
        label: String,
    },
    /// Revoke every device token of an account.
    RevokeTokens {
        #[arg(long)]
        user: String,
    },
    /// Print the academy's trusted-keys file (for `smp-trainer grade --trusted-keys`).
    TrustedKeys,
}

fn password(from_stdin: bool) -> Result<Option<Password>, AppError> {
    let raw = if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| AppError::BadRequest(format!("reading the password: {e}")))?;
        Some(line.trim_end_matches(['\n', '\r']).to_string())
    } else {
        std::env::var("SMP_ACADEMY_PASSWORD").ok()
    };
    raw.map(|p| Password::new(p).map_err(|e| AppError::BadRequest(e.0)))
        .transpose()
}

fn bad(e: smp_academy::domain::Invalid) -> AppError {
    AppError::BadRequest(e.0)
}

async fn admin_action(state: &AppState, action: AdminAction) -> Result<(), AppError> {
    match action {
        AdminAction::Init {
            username,
            name,
            password_stdin,
        } => {
            let p = password(password_stdin)?.ok_or_else(|| {
                AppError::BadRequest(
                    "the admin needs a password: --password-stdin or SMP_ACADEMY_PASSWORD".into(),
                )
            })?;
            let u = Username::parse(&username).map_err(bad)?;
            admin::init(state, &u, &ShownName::parse(&name).map_err(bad)?, p).await?;
            println!("admin {u} created");
        }
        AdminAction::AddInstructor {
            username,
            name,
            password_stdin,
        } => add(state, Role::Instructor, &username, &name, password_stdin).await?,
        AdminAction::AddTrainee {
            username,
            name,
            password_stdin,
        } => add(state, Role::Trainee, &username, &name, password_stdin).await?,
        AdminAction::SetPassword {
            username,
            password_stdin,
        } => {
            let p = password(password_stdin)?.ok_or_else(|| {
                AppError::BadRequest(
                    "give the password: --password-stdin or SMP_ACADEMY_PASSWORD".into(),
                )
            })?;
            let u = Username::parse(&username).map_err(bad)?;
            admin::set_password(state, &u, p).await?;
            println!("password of {u} set");
        }
        AdminAction::AddCourse { code, title } => {
            let c = CourseCode::parse(&code).map_err(bad)?;
            let id = admin::add_course(state, &c, &ShownName::parse(&title).map_err(bad)?).await?;
            println!("course {} added (id {id})", c.as_str());
        }
        AdminAction::Teach { course, instructor } => {
            let c = CourseCode::parse(&course).map_err(bad)?;
            let u = Username::parse(&instructor).map_err(bad)?;
            admin::teach(state, &c, &u).await?;
            println!("{u} teaches {}", c.as_str());
        }
        AdminAction::Enroll { course, trainee } => {
            let c = CourseCode::parse(&course).map_err(bad)?;
            for t in trainee {
                let u = Username::parse(&t).map_err(bad)?;
                admin::enroll(state, &c, &u).await?;
                println!("{u} enrolled in {}", c.as_str());
            }
        }
        AdminAction::Assign {
            course,
            level,
            due,
            title,
            max_attempts,
            until_passed: _,
        } => {
            let c = CourseCode::parse(&course).map_err(bad)?;
            let due_at = smp_academy::time::parse_due(&due).ok_or_else(|| {
                AppError::BadRequest(format!(
                    "--due {due:?}: give YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)"
                ))
            })?;
            let title = title
                .map(|t| ShownName::parse(&t))
                .transpose()
                .map_err(bad)?;
            let policy = max_attempts.map_or(Policy::UntilPassed, Policy::AtMost);
            let id = admin::assign(state, &c, &level, title.as_ref(), due_at, policy).await?;
            println!(
                "assignment {id}: {level} in {}, due {} UTC, {}",
                c.as_str(),
                smp_academy::time::minute(due_at),
                policy.describe()
            );
        }
        AdminAction::Token { user, label } => {
            let u = Username::parse(&user).map_err(bad)?;
            let label = ShownName::parse(&label).map_err(bad)?;
            let token = admin::make_token(state, &u, label.as_str()).await?;
            eprintln!("a device token for {u} (shown once; keep it secret):");
            println!("{token}");
        }
        AdminAction::RevokeTokens { user } => {
            let u = Username::parse(&user).map_err(bad)?;
            let n = admin::revoke_tokens(state, &u).await?;
            println!("{n} token(s) of {u} revoked");
        }
        AdminAction::TrustedKeys => {
            print!("{}", admin::write_trusted_keys(state).await?);
        }
    }
    Ok(())
}

async fn add(
    state: &AppState,
    role: Role,
    username: &str,
    name: &str,
    stdin: bool,
) -> Result<(), AppError> {
    let u = Username::parse(username).map_err(bad)?;
    let n = ShownName::parse(name).map_err(bad)?;
    let p = password(stdin)?;
    let has_password = p.is_some();
    let id = admin::add_user(state, role, &u, &n, p).await?;
    println!(
        "{} {u} added (id {id}){}",
        role.as_str(),
        if has_password {
            ""
        } else {
            "; no password: set one with admin set-password to sign in"
        }
    );
    Ok(())
}

fn exit_code(e: &AppError) -> u8 {
    match e {
        AppError::BadRequest(_) | AppError::Unprocessable(_) => 2,
        _ => 1,
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("stopping: finishing the requests in flight");
}

async fn run(cli: Cli) -> Result<(), (String, u8)> {
    let data = cli.data.unwrap_or_else(configuration::default_data_dir);
    let mut settings = Settings::new(data);
    settings.database_url = cli.database;
    match cli.command {
        Command::Serve {
            listen,
            upload_limit_mib,
            scoring_slots,
            secure_cookies,
        } => {
            settings.listen = listen;
            settings.upload_limit = upload_limit_mib.saturating_mul(1024 * 1024).max(1024);
            if let Some(n) = scoring_slots {
                settings.scoring_slots = n.max(1);
            }
            settings.secure_cookies = secure_cookies;
            let data_dir = settings.data_dir.clone();
            let app = Application::build(settings)
                .await
                .map_err(|e| (e.to_string(), 2))?;
            admin::write_trusted_keys(app.state())
                .await
                .map_err(|e| (e.to_string(), 1))?;
            let addr = app.local_addr().map_err(|e| (e.to_string(), 1))?;
            tracing::info!(
                "smp-academy listening on http://{addr} (data in {}, {:?} database)",
                data_dir.display(),
                app.state().db.backend
            );
            app.run_until(shutdown_signal())
                .await
                .map_err(|e| (e.to_string(), 1))
        }
        Command::Admin { action } => {
            let state = AppState::open(settings)
                .await
                .map_err(|e| (e.to_string(), 2))?;
            admin_action(&state, action)
                .await
                .map_err(|e| (e.to_string(), exit_code(&e)))
        }
        Command::Rescore { course } => {
            let state = AppState::open(settings)
                .await
                .map_err(|e| (e.to_string(), 2))?;
            let course = course
                .map(|c| CourseCode::parse(&c))
                .transpose()
                .map_err(|e| (e.0, 2))?;
            let report = admin::rescore(&state, course.as_ref())
                .await
                .map_err(|e| (e.to_string(), exit_code(&e)))?;
            for c in &report.changed {
                println!(
                    "attempt {}: {:.2} -> {:.2} ({})",
                    c.id,
                    c.before,
                    c.after,
                    if c.passed { "passed" } else { "failed" }
                );
            }
            for (id, why) in &report.failed {
                eprintln!("attempt {id}: {why}");
            }
            println!(
                "{} attempt(s) rescored, {} changed, {} could not be",
                report.attempts,
                report.changed.len(),
                report.failed.len()
            );
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let level = match std::env::var("SMP_ACADEMY_LOG").as_deref() {
        Ok("debug") => tracing::Level::DEBUG,
        Ok("warn") => tracing::Level::WARN,
        Ok("error") => tracing::Level::ERROR,
        _ => tracing::Level::INFO,
    };
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("smp-academy: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err((message, code)) => {
            eprintln!("smp-academy: {message}");
            ExitCode::from(code)
        }
    }
}
