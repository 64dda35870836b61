//! Putting the server together: the data folder, the database and its migrations, the level
//! catalog, the scoring slots, the listener and the router.

use std::net::SocketAddr;
use std::ops::Deref;
use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderName, HeaderValue};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::configuration::Settings;
use crate::db::Db;
use crate::levels::LevelCatalog;
use crate::store::BlobStore;

/// What every request can reach.
pub struct Shared {
    /// How the server runs.
    pub settings: Settings,
    /// The database.
    pub db: Db,
    /// Attempt files by content hash.
    pub store: BlobStore,
    /// The academy's levels.
    pub levels: Arc<LevelCatalog>,
    /// Slots for parsing and scoring: as many at once as there are cores.
    pub scoring: Arc<Semaphore>,
}

/// The server's state, shared by every request.
#[derive(Clone)]
pub struct AppState(pub Arc<Shared>);

impl Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The data folder could not be made or used.
    #[error("{path}: {source}")]
    Data {
        /// The folder.
        path: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// The database could not be opened or migrated.
    #[error("the database: {0}")]
    Db(#[from] crate::db::DbError),
    /// The address could not be listened on.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address.
        addr: SocketAddr,
        /// What the system said.
        source: std::io::Error,
    },
}

impl AppState {
    /// Opens the data folder and the database (migrated), ready to serve or to be run by the
    /// command line.
    pub async fn open(settings: Settings) -> Result<AppState, StartError> {
        let data = |source| StartError::Data {
            path: settings.data_dir.display().to_string(),
            source,
        };
        std::fs::create_dir_all(&settings.data_dir).map_err(data)?;
        let store = BlobStore::open(&settings.data_dir).map_err(data)?;
        let db = Db::connect(&settings.database_url()).await?;
        let levels = Arc::new(LevelCatalog::new(settings.levels_dir()));
        let scoring = Arc::new(Semaphore::new(settings.scoring_slots.max(1)));
        Ok(AppState(Arc::new(Shared {
            settings,
            db,
            store,
            levels,
            scoring,
        })))
    }
}

/// A server bound to its address, not yet serving.
pub struct Application {
    listener: TcpListener,
    state: AppState,
}

impl Application {
    /// Opens everything and binds the listener (port 0 picks a free one).
    pub async fn build(settings: Settings) -> Result<Application, StartError> {
        let listen = settings.listen;
        let state = AppState::open(settings).await?;
        let listener = TcpListener::bind(listen)
            .await
            .map_err(|source| StartError::Listen {
                addr: listen,
                source,
            })?;
        Ok(Application { listener, state })
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The state (for tests and tools that set up an academy beside the server).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves (then finishes the requests in flight).
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let app = router(self.state);
        axum::serve(self.listener, app)
            .with_graceful_shutdown(shutdown)
            .await
    }
}

/// Every route, with the security headers every answer carries.
pub fn router(state: AppState) -> Router {
    let header = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        )
    };
    crate::routes::routes()
        .with_state(state)
        .layer(header(
            "content-security-policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; form-action 'self'; frame-ancestors 'none'",
        ))
        .layer(header("x-content-type-options", "nosniff"))
        .layer(header("referrer-policy", "same-origin"))
        .layer(header("x-frame-options", "DENY"))
        .layer(tower_http::catch_panic::CatchPanicLayer::new())
        .layer(TraceLayer::new_for_http())
}
