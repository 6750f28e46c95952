//! spotcheck-app: the use cases. Each one authorises the actor (role and
//! jurisdiction), validates its input, applies the domain rules and writes
//! through the store together with its audit entry in one transaction. The
//! web server and the command line both call these; neither holds business
//! logic of its own.

pub mod actor;
pub mod archive;
mod audit;
pub mod audit_log;
pub mod auth;
pub mod calendar;
pub mod crypto;
pub mod dashboard;
pub mod deadlines;
pub mod demo;
mod demo_directory;
mod demo_inspections;
mod demo_items;
mod demo_outside;
mod demo_plans;
pub mod departments;
pub mod documents;
pub mod draws;
pub mod error;
pub mod evidence;
pub mod followups;
pub mod home;
pub mod import;
pub mod init;
pub mod inspections;
pub mod inspectors;
pub mod items;
pub mod messages;
pub mod objections;
pub mod objects;
pub mod outbound;
pub mod outside;
pub mod plans;
pub mod public_results;
pub mod publication;
pub mod replacements;
pub mod settings;
pub mod tasks;
pub mod teams;
pub mod users;

pub use actor::{Actor, RequestMeta};
pub use error::AppError;
pub use settings::Settings;
pub use spotcheck_store as store;

use chrono::{DateTime, Utc};
use crypto::Sealer;
use spotcheck_store::Store;
use std::sync::Arc;

/// Where "now" comes from: the system clock, or a fixed clock in tests.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// The application: the store, the settings and the platform key. Cheap to clone.
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    settings: Settings,
    sealer: Sealer,
    clock: Clock,
    running_imports: import::RunningImports,
    /// Where evidence files go; `None` until [`App::with_evidence`].
    evidence: Option<spotcheck_evidence::EvidenceStore>,
    /// The PDF renderer, made on first use (or the reason it cannot be).
    renderer: std::sync::OnceLock<Result<Arc<spotcheck_documents::Renderer>, String>>,
    /// Moves on after every commit that changes what the public search shows,
    /// so that a cache of public answers keyed by it never serves this
    /// process's stale ones (see [`App::public_generation`]).
    public_generation: std::sync::atomic::AtomicU64,
    /// The public name search's counts of common bigrams.
    gram_counts: spotcheck_store::public_search::GramCounts,
}

impl App {
    pub fn new(store: Store, settings: Settings, sealer: Sealer) -> Self {
        Self::with_clock(store, settings, sealer, Arc::new(Utc::now))
    }

    pub fn with_clock(store: Store, settings: Settings, sealer: Sealer, clock: Clock) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                settings,
                sealer,
                clock,
                running_imports: Default::default(),
                evidence: None,
                renderer: Default::default(),
                public_generation: Default::default(),
                gram_counts: Default::default(),
            }),
        }
    }

    /// The evidence store to use. Called once, right after construction.
    pub fn with_evidence(mut self, store: spotcheck_evidence::EvidenceStore) -> Self {
        Arc::get_mut(&mut self.inner)
            .expect("with_evidence is called before the app is shared")
            .evidence = Some(store);
        self
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Which state of the published results this process last wrote: it
    /// changes after each committed publication, approved correction and
    /// follow-up step. Another process's changes are not seen here, so a
    /// cache keyed by it must also expire (web's public cache: seconds).
    pub fn public_generation(&self) -> u64 {
        self.inner.public_generation.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Called after the commit of a change to `public_results`.
    pub(crate) fn public_changed(&self) {
        self.inner
            .public_generation
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }

    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    pub(crate) fn sealer(&self) -> &Sealer {
        &self.inner.sealer
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.inner.clock)()
    }

    /// Today in Beijing: the calendar date of the regulation's deadlines.
    pub fn today(&self) -> chrono::NaiveDate {
        self.now().with_timezone(&actor::china()).date_naive()
    }

    /// Runs `check` now and then every `every` until the handle is aborted,
    /// logging what it did (`done`: how many things) and any failure; used
    /// for the checks every server process runs beside its requests.
    pub(crate) fn spawn_periodic<F, Fut>(
        &self,
        every: std::time::Duration,
        done: &'static str,
        check: F,
    ) -> tokio::task::JoinHandle<()>
    where
        F: Fn(App) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = Result<u64, AppError>> + Send,
    {
        let app = self.clone();
        tokio::spawn(async move {
            loop {
                match check(app.clone()).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(count = n, "{done}"),
                    Err(e) => tracing::warn!(error = %e, "{done}: the check failed"),
                }
                tokio::time::sleep(every).await;
            }
        })
    }
}
