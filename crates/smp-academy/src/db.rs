//! The database: one `Any` pool for SQLite (embedded, the default) and PostgreSQL, the
//! embedded migrations of each, and write transactions that cannot meet "database is locked".
//!
//! SQLite runs in WAL mode (readers never wait for the writer) with a busy timeout, full
//! synchronous commits (an acknowledged write survives a crash), and every transaction that
//! writes starts with `BEGIN IMMEDIATE`: it takes the write lock at once, waiting within the
//! busy timeout, instead of failing when a read inside it later turns into a write.

use std::borrow::Cow;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, Executor, SqlSafeStr};

/// How long a SQLite connection waits for another's write lock before it gives up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Which database the `Any` pool talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// SQLite: a file in the data folder.
    Sqlite,
    /// PostgreSQL, given by URL.
    Postgres,
}

/// Why the database could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL names no database this server speaks.
    #[error("{0}: the database URL must start with sqlite: or postgres:")]
    Scheme(String),
    /// sqlx said no.
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    /// A migration failed.
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// The pool and what it talks to.
#[derive(Clone, Debug)]
pub struct Db {
    /// The pool.
    pub pool: AnyPool,
    /// SQLite or PostgreSQL.
    pub backend: Backend,
}

/// A transaction on the pool.
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

impl Db {
    /// Connects to `url` (`sqlite:` or `postgres:`), setting SQLite up for many writers, and
    /// brings the schema up to date.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            // Only the scheme: the rest may hold a password.
            return Err(DbError::Scheme(
                url.split(':').next().unwrap_or_default().to_string(),
            ));
        };
        let options: AnyConnectOptions = url.parse()?;
        let pool = match backend {
            Backend::Sqlite => {
                AnyPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(60))
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            for pragma in [
                                "PRAGMA journal_mode = WAL",
                                "PRAGMA busy_timeout = 30000",
                                "PRAGMA synchronous = FULL",
                                "PRAGMA foreign_keys = ON",
                            ] {
                                conn.execute(pragma).await?;
                            }
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
            Backend::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(60))
                    .connect_with(options)
                    .await?
            }
        };
        let db = Db { pool, backend };
        db.migrator().run(&db.pool).await?;
        Ok(db)
    }

    /// The embedded migrations for this backend.
    fn migrator(&self) -> Migrator {
        let (sql, description) = match self.backend {
            Backend::Sqlite => (
                include_str!("../migrations/sqlite/0001_academy.sql"),
                "academy (sqlite)",
            ),
            Backend::Postgres => (
                include_str!("../migrations/postgres/0001_academy.sql"),
                "academy (postgres)",
            ),
        };
        Migrator::with_migrations(vec![Migration::new(
            1,
            Cow::Borrowed(description),
            MigrationType::Simple,
            sql.into_sql_str(),
            false,
        )])
    }

    /// A transaction that writes: `BEGIN IMMEDIATE` on SQLite (the write lock at once, waiting
    /// within the busy timeout), `BEGIN` on PostgreSQL.
    pub async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }
}
