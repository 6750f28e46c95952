//! Fresh databases for tests: every test gets its own SQLite file, or its
//! own PostgreSQL database created under `SPOTCHECK_TEST_DATABASE_URL` and
//! dropped afterwards, so suites run in parallel against real servers.

use crate::{Store, Target};
use sea_orm::ConnectionTrait;
use std::sync::atomic::{AtomicU32, Ordering};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestBackend {
    Sqlite,
    Postgres,
}

impl TestBackend {
    pub fn name(self) -> &'static str {
        match self {
            TestBackend::Sqlite => "sqlite",
            TestBackend::Postgres => "postgres",
        }
    }
}

/// The PostgreSQL server tests may use, if any.
pub fn postgres_url() -> Option<String> {
    std::env::var("SPOTCHECK_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

/// A database that exists for the life of one test.
pub struct TestDb {
    pub target: Target,
    pub dir: tempfile::TempDir,
    pg: Option<(String, String)>,
}

fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let prefix = base.rsplit_once('/').map(|(p, _)| p).unwrap_or(base);
    format!("{prefix}/{db}{query}")
}

impl TestDb {
    /// A fresh, empty database; `None` for PostgreSQL when no server is configured.
    pub async fn new(backend: TestBackend) -> Option<Self> {
        let dir = tempfile::tempdir().expect("temp dir");
        match backend {
            TestBackend::Sqlite => Some(Self {
                target: Target::Sqlite(dir.path().join("spotcheck.db")),
                dir,
                pg: None,
            }),
            TestBackend::Postgres => {
                let admin = postgres_url()?;
                static N: AtomicU32 = AtomicU32::new(0);
                let name = format!(
                    "spotcheck_t_{}_{}_{}",
                    std::process::id(),
                    N.fetch_add(1, Ordering::SeqCst),
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .unwrap()
                        .subsec_nanos()
                );
                let admin_store = Store::connect(&Target::Postgres(admin.clone()))
                    .await
                    .expect("test PostgreSQL reachable");
                admin_store
                    .conn()
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .expect("create test database");
                admin_store.close().await;
                Some(Self {
                    target: Target::Postgres(with_database(&admin, &name)),
                    dir,
                    pg: Some((admin, name)),
                })
            }
        }
    }

    /// Connects and migrates.
    pub async fn open(&self) -> Store {
        Store::open(&self.target).await.expect("open test database")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.pg.take() {
            // Drop from a thread of its own: Drop cannot await, and the
            // test's runtime may be shutting down.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(async {
                    if let Ok(s) = Store::connect(&Target::Postgres(admin)).await {
                        let _ = s
                            .conn()
                            .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                            .await;
                        s.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// Runs `f` on each configured backend; reports a PostgreSQL run that could
/// not happen instead of passing silently.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(db) = $crate::testing::TestDb::new($crate::testing::TestBackend::Sqlite).await else { unreachable!() };
                    super::$name(&db).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(db) = $crate::testing::TestDb::new($crate::testing::TestBackend::Postgres).await else {
                        eprintln!("SKIPPED on PostgreSQL: SPOTCHECK_TEST_DATABASE_URL is not set");
                        return;
                    };
                    super::$name(&db).await;
                }
            )*
        }
    };
}
