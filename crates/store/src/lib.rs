//! spotcheck-store: the database. One schema and one repository API for both
//! backends — an embedded SQLite file for one machine, PostgreSQL when a
//! province outgrows it. Nothing above this crate knows which one it runs on.
//!
//! Repository functions take any `ConnectionTrait`, so the same function runs
//! on a plain connection or inside the transaction of a use case; every query
//! that reads a department's records takes the caller's [`Jurisdiction`] and
//! filters through [`scope::department_ids_in`], the one place where scope
//! becomes SQL.

pub mod archives;
pub mod audit;
pub mod calendar;
pub mod dashboard;
pub mod deadline_alerts;
pub mod departments;
mod entity;
mod error;
pub mod imports;
pub mod inspections;
pub mod inspectors;
pub mod items;
pub mod messages;
mod migration;
pub mod objects;
pub mod outside;
pub mod plans;
pub mod population;
pub mod public_search;
pub mod publication;
pub mod scope;
pub mod sessions;
mod sqlite_reads;
pub mod tasks;
pub mod teams;
#[cfg(feature = "testing")]
pub mod testing;
pub mod users;

pub use error::StoreError;
pub use sea_orm::{ConnectionTrait, DatabaseTransaction, Statement};
pub use spotcheck_domain::jurisdiction::Jurisdiction;

use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DbBackend, SqliteTransactionMode, SqlxSqliteConnector,
    TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// SQLite's page cache per connection, in KiB (negative: a size, not pages).
const CACHE_SIZE: &str = "-32768";

/// SQLite's page cache of the connection that runs an import, while it runs
/// (see [`Store::import_cache`]).
const IMPORT_CACHE_SIZE: &str = "-131072";

/// Where the data lives.
#[derive(Clone, Debug)]
pub enum Target {
    /// An SQLite file (created when missing).
    Sqlite(PathBuf),
    /// A `postgres://` URL.
    Postgres(String),
}

impl Target {
    /// A short description for logs and messages, without any password.
    pub fn describe(&self) -> String {
        match self {
            Target::Sqlite(p) => format!("SQLite {}", p.display()),
            Target::Postgres(url) => match url.split_once('@') {
                Some((_, host)) => format!("PostgreSQL {host}"),
                None => "PostgreSQL".to_string(),
            },
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The handle every use case goes through. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
    backend: Backend,
    sqlite_path: Option<PathBuf>,
    /// SQLite only: connections for the public search's direct reads.
    readers: Option<Arc<sqlite_reads::Readers>>,
}

impl Store {
    /// Connects without touching the schema.
    pub async fn connect(target: &Target) -> Result<Self, StoreError> {
        match target {
            Target::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| StoreError::Unavailable(format!("无法创建数据目录 {}：{e}", dir.display())))?;
                }
                // WAL lets readers run beside the writer; FULL makes every
                // committed audit entry durable; the busy timeout lets a second
                // process (a CLI command beside the server) wait its turn.
                let opts = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(15))
                    // 32 MB of page cache per connection (SQLite's default is
                    // 2 MB), imports included.
                    .pragma("cache_size", CACHE_SIZE)
                    .pragma("temp_store", "memory");
                // No ping before each acquire (sqlx's default): an SQLite
                // connection is a file and a thread of this process, with no
                // peer that can hang up, and the ping was a round trip to
                // that thread — two context switches — on every query (a
                // third of a lone indexed search's cost, docs/performance.md).
                let pool = SqlitePoolOptions::new()
                    .test_before_acquire(false)
                    .max_connections(8)
                    .connect_with(opts)
                    .await
                    .map_err(|e| StoreError::Unavailable(format!("无法打开数据库 {}：{e}", path.display())))?;
                Ok(Self {
                    db: SqlxSqliteConnector::from_sqlx_sqlite_pool(pool),
                    backend: Backend::Sqlite,
                    sqlite_path: Some(path.clone()),
                    readers: Some(Arc::new(sqlite_reads::Readers::new(path, sqlite_reads::INLINE_STEPS))),
                })
            }
            Target::Postgres(url) => {
                let mut opts = ConnectOptions::new(url.clone());
                // A connection is pinged before use only after 30 s idle (a
                // server restart or a firewall may have closed it); sqlx's
                // default pings before every acquire, a network round trip
                // per query on a busy pool.
                opts.max_connections(32)
                    .min_connections(1)
                    .test_before_acquire_if_idle_for(Duration::from_secs(30))
                    .connect_timeout(Duration::from_secs(10))
                    .sqlx_logging(false);
                let db = Database::connect(opts)
                    .await
                    .map_err(|e| StoreError::Unavailable(format!("无法连接数据库 {}：{e}", target.describe())))?;
                Ok(Self {
                    db,
                    backend: Backend::Postgres,
                    sqlite_path: None,
                    readers: None,
                })
            }
        }
    }

    /// Connects and brings the schema up to date.
    pub async fn open(target: &Target) -> Result<Self, StoreError> {
        let store = Self::connect(target).await?;
        store.migrate().await?;
        Ok(store)
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        migration::Migrator::up(&self.db, None).await.map_err(StoreError::from)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The connection for reads outside a transaction.
    pub fn conn(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so two writers queue instead of failing midway.
    pub async fn begin(&self) -> Result<DatabaseTransaction, StoreError> {
        let opts = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        Ok(self.db.begin_with_options(opts).await?)
    }

    /// SQLite: gives the connection of an import's transaction a page cache
    /// of 128 MB instead of 32 MB (`importing`), or gives it back the usual
    /// one; nothing on PostgreSQL. Called after `BEGIN` and again before
    /// `COMMIT` or `ROLLBACK`, so that the pooled connection goes back with
    /// the usual cache (a panic in between would leave it the larger one:
    /// bounded all the same).
    ///
    /// Why: an import inserts codes in random order into three indexes (≈ 86
    /// MB at 1,000,000 rows). In 32 MB their pages were spilled to the WAL
    /// mid-transaction and read back again and again: a 1,000,000-row csv
    /// import took 5.5–6 s of system time instead of 2.1–2.4 s, and ≈ 15 %
    /// more wall time (docs/performance.md, 名录导入; 256 MB was no faster).
    /// The cache is a cap, filled only as pages are touched, so memory still
    /// does not grow with the file.
    pub async fn import_cache(db: &impl ConnectionTrait, importing: bool) -> Result<(), StoreError> {
        if db.get_database_backend() != DbBackend::Sqlite {
            return Ok(());
        }
        let size = if importing { IMPORT_CACHE_SIZE } else { CACHE_SIZE };
        db.execute_unprepared(&format!("PRAGMA cache_size = {size}")).await?;
        Ok(())
    }

    /// True when the database answers.
    pub async fn ping(&self) -> bool {
        self.db.ping().await.is_ok()
    }

    /// A consistent online copy of the SQLite database (`VACUUM INTO`), safe
    /// while the server is running.
    pub async fn backup_to(&self, to: &Path) -> Result<(), StoreError> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Unsupported(
                "PostgreSQL 数据库请使用 pg_dump 备份，例如：pg_dump -Fc -f spotcheck.dump \"$SPOTCHECK_DATABASE_URL\""
                    .into(),
            ));
        }
        if to.exists() {
            return Err(StoreError::Unsupported(format!(
                "备份文件 {} 已存在，不会覆盖",
                to.display()
            )));
        }
        let target = to
            .to_str()
            .ok_or_else(|| StoreError::Unsupported("备份文件路径须为 UTF-8".into()))?;
        let sql = format!("VACUUM INTO '{}'", target.replace('\'', "''"));
        self.db.execute_unprepared(&sql).await?;
        Ok(())
    }

    pub fn sqlite_path(&self) -> Option<&Path> {
        self.sqlite_path.as_deref()
    }

    pub(crate) fn sqlite_readers(&self) -> Option<&Arc<sqlite_reads::Readers>> {
        self.readers.as_ref()
    }

    /// The same database with every read through the pool: the reference
    /// the direct reads are tested against.
    #[cfg(feature = "testing")]
    pub fn without_direct_reads(&self) -> Store {
        Store {
            readers: None,
            ..self.clone()
        }
    }

    /// The same database with direct reads that leave the request's thread
    /// after `steps` SQLite VM steps (0: at the first progress check), to
    /// test the reads that are moved to the blocking pool.
    #[cfg(feature = "testing")]
    pub fn with_inline_steps(&self, steps: u32) -> Store {
        Store {
            readers: self
                .sqlite_path
                .as_ref()
                .map(|p| Arc::new(sqlite_reads::Readers::new(p, steps))),
            ..self.clone()
        }
    }

    /// How many direct reads left the request's thread (0 on PostgreSQL).
    #[cfg(feature = "testing")]
    pub fn direct_reads_moved(&self) -> u64 {
        self.readers.as_ref().map_or(0, |r| r.moved())
    }

    pub async fn close(self) {
        let _ = self.db.close().await;
    }

    pub fn db_backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }
}
