//! Reads of the public search on SQLite, run without sqlx's connection
//! thread; and the draw's scans of a whole directory ([`Readers::read_long`],
//! `population::scan`), which read a million rows in place instead of
//! receiving them one message each.
//!
//! sqlx runs each SQLite connection on a thread of its own: a query is a
//! command sent there and every row a message sent back, each a wake-up of
//! the other side. For the public search — a page of 21 rows of 23 columns,
//! the busiest route of the open web — that hand-over cost more than the
//! query (`perf`: context switches and futexes were a third of the server's
//! CPU under a load of different searches; docs/performance.md, 公开结果查询);
//! so does a hand-over to tokio's blocking pool for every read.
//!
//! Here the same SQL (built by sea-query, as for every other query) runs on
//! a few connections of rusqlite over the same file, on the thread of the
//! request that asks, within a budget of SQLite VM steps ([`INLINE_STEPS`]):
//! a read still running when it is spent is interrupted and run again on
//! tokio's blocking pool, so that no request holds an async worker for long,
//! while the usual read (a code's rows, a page found through the name index:
//! 3,000–9,000 steps) never leaves the thread. The budget counts steps, not
//! time: a thread descheduled under load must not push reads off it. The
//! connections only read (`query_only`); WAL lets them run beside the writer
//! and see each commit as soon as it is made, as the pool's readers do.
//!
//! rusqlite is built on the same `libsqlite3-sys` as sqlx (one SQLite in the
//! binary, compiled with the flags of `.cargo/config.toml`).

use crate::StoreError;
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;

/// Connections kept, and reads at once: as many as the pool's (8).
const READERS: usize = 8;
/// Statements kept prepared per connection: the search has a handful of shapes.
const STATEMENTS: usize = 64;
/// SQLite calls the progress handler every this many VM steps.
const PROGRESS_EVERY: u32 = 1_000;
/// The VM steps a read may take on the request's thread: 50,000 are a few
/// milliseconds (a full read of a million results is 6,000,000).
pub const INLINE_STEPS: u32 = 50_000;
/// The bytes of the file each reader maps (`PRAGMA mmap_size`): more than any
/// database here, so every page is read from the map, not copied by `pread`
/// into the connection's page cache — a page search touches ~40 pages, most of
/// them not in that cache (docs/performance.md, 公开结果查询). The build's
/// ceiling is raised to match (`SQLITE_MAX_MMAP_SIZE`, .cargo/config.toml);
/// the map is read-only (SQLite maps writable only when built with
/// `SQLITE_MMAP_READWRITE`), and the pool's connections, which write, do not map.
const MMAP_BYTES: i64 = 1 << 40;
/// A budget of progress calls that is never spent.
const UNLIMITED: u32 = u32::MAX;

/// A connection with its progress handler's budget.
struct Reader {
    conn: Connection,
    /// Progress calls left to the running read ([`UNLIMITED`]: no budget).
    calls_left: Arc<AtomicU32>,
    /// The handler stopped the last read.
    stopped: Arc<AtomicBool>,
}

/// The read connections of one SQLite database.
pub struct Readers {
    path: PathBuf,
    /// Progress calls a read may take inline.
    inline_calls: u32,
    idle: Mutex<Vec<Reader>>,
    permits: Arc<Semaphore>,
    /// Reads moved to the blocking pool, for the logs and the tests.
    moved: AtomicU64,
}

impl std::fmt::Debug for Readers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Readers")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Readers {
    /// Reads of `path`, each on the request's thread for up to `inline_steps`.
    pub fn new(path: &Path, inline_steps: u32) -> Self {
        Self {
            path: path.to_path_buf(),
            inline_calls: inline_steps / PROGRESS_EVERY,
            idle: Mutex::new(Vec::new()),
            permits: Arc::new(Semaphore::new(READERS)),
            moved: AtomicU64::new(0),
        }
    }

    fn open(&self) -> Result<Reader, StoreError> {
        let unavailable = |e: rusqlite::Error| StoreError::Unavailable(format!("无法读取数据库：{e}"));
        // Read-write flags with `query_only`: a read-only open of a WAL
        // database needs its -shm writable anyway, and fails in odd ways when
        // it is not.
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(unavailable)?;
        conn.busy_timeout(Duration::from_secs(15)).map_err(unavailable)?;
        conn.pragma_update(None, "query_only", true).map_err(unavailable)?;
        let cache: i64 = crate::CACHE_SIZE.parse().expect("a number");
        conn.pragma_update(None, "cache_size", cache).map_err(unavailable)?;
        conn.pragma_update(None, "mmap_size", MMAP_BYTES).map_err(unavailable)?;
        conn.set_prepared_statement_cache_capacity(STATEMENTS);
        let calls_left = Arc::new(AtomicU32::new(UNLIMITED));
        let stopped = Arc::new(AtomicBool::new(false));
        let (left, s) = (calls_left.clone(), stopped.clone());
        let every = std::os::raw::c_int::try_from(PROGRESS_EVERY).expect("small");
        conn.progress_handler(
            every,
            Some(move || match left.load(Ordering::Relaxed) {
                UNLIMITED => false,
                0 => {
                    s.store(true, Ordering::Relaxed);
                    true
                }
                n => {
                    left.store(n - 1, Ordering::Relaxed);
                    false
                }
            }),
        )
        .map_err(unavailable)?;
        Ok(Reader {
            conn,
            calls_left,
            stopped,
        })
    }

    /// Runs `f` on an idle connection (one is opened when none is idle),
    /// stopped after `calls` progress calls if a number is given; `None` when
    /// it was stopped.
    fn with<T>(
        &self,
        calls: Option<u32>,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        let idle = self.idle.lock().expect("never poisoned: no panics while held").pop();
        let reader = match idle {
            Some(r) => r,
            None => self.open()?,
        };
        reader.calls_left.store(calls.unwrap_or(UNLIMITED), Ordering::Relaxed);
        reader.stopped.store(false, Ordering::Relaxed);
        let out = f(&reader.conn);
        reader.calls_left.store(UNLIMITED, Ordering::Relaxed);
        let stopped = reader.stopped.load(Ordering::Relaxed);
        self.idle
            .lock()
            .expect("never poisoned: no panics while held")
            .push(reader);
        match out {
            _ if stopped => Ok(None),
            Ok(v) => Ok(Some(v)),
            Err(e) => Err(e),
        }
    }

    /// Runs `f` on the caller's thread, or — when it outlasts the inline
    /// budget — again from the start on the blocking pool. `f` only reads,
    /// so running it twice changes nothing.
    pub async fn read<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl Fn(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let permit = self.permits.clone().acquire_owned().await.expect("never closed");
        if let Some(v) = self.with(Some(self.inline_calls), &f)? {
            return Ok(v);
        }
        let n = self.moved.fetch_add(1, Ordering::Relaxed) + 1;
        tracing::debug!(
            moved = n,
            "a direct SQLite read outlasted its inline budget: run on the blocking pool"
        );
        self.blocking(permit, f).await
    }

    /// Runs `f` on the blocking pool at once: a read known to be long, such
    /// as a scan of a department's whole directory for a draw, which would
    /// only spend the inline budget before moving there.
    pub async fn read_long<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let permit = self.permits.clone().acquire_owned().await.expect("never closed");
        self.blocking(permit, f).await
    }

    /// Runs `f` without a budget on the blocking pool, holding `permit`.
    async fn blocking<T: Send + 'static>(
        self: &Arc<Self>,
        permit: tokio::sync::OwnedSemaphorePermit,
        f: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let me = self.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            me.with(None, f)
        })
        .await
        .map_err(|e| StoreError::Unavailable(format!("数据库读取中断：{e}")))?
        .map(|v| v.expect("no budget, never stopped"))
    }

    /// How many reads were moved to the blocking pool.
    #[cfg(feature = "testing")]
    pub fn moved(&self) -> u64 {
        self.moved.load(Ordering::Relaxed)
    }
}

/// A value sea-query bound, as SQLite takes it — the same storage sqlx
/// gives each type (dates as `YYYY-MM-DD` text, booleans as 0 and 1).
pub fn value(v: &sea_orm::Value) -> Result<rusqlite::types::Value, StoreError> {
    use rusqlite::types::Value as R;
    use sea_orm::Value as V;
    let unsupported = || StoreError::Unavailable(format!("SQLite 直接读取不支持的参数类型：{v:?}"));
    Ok(match v {
        V::Bool(b) => b.map_or(R::Null, |b| R::Integer(i64::from(b))),
        V::TinyInt(i) => i.map_or(R::Null, |i| R::Integer(i64::from(i))),
        V::SmallInt(i) => i.map_or(R::Null, |i| R::Integer(i64::from(i))),
        V::Int(i) => i.map_or(R::Null, |i| R::Integer(i64::from(i))),
        V::BigInt(i) => i.map_or(R::Null, R::Integer),
        V::TinyUnsigned(u) => u.map_or(R::Null, |u| R::Integer(i64::from(u))),
        V::SmallUnsigned(u) => u.map_or(R::Null, |u| R::Integer(i64::from(u))),
        V::Unsigned(u) => u.map_or(R::Null, |u| R::Integer(i64::from(u))),
        V::BigUnsigned(u) => match u {
            None => R::Null,
            Some(u) => R::Integer(i64::try_from(*u).map_err(|_| unsupported())?),
        },
        V::String(s) => s.as_ref().map_or(R::Null, |s| R::Text(s.to_string())),
        V::ChronoDate(d) => d.as_ref().map_or(R::Null, |d| R::Text(d.format("%F").to_string())),
        _ => return Err(unsupported()),
    })
}

/// The bound values of a statement sea-query built.
pub fn values(stmt: &sea_orm::Statement) -> Result<Vec<rusqlite::types::Value>, StoreError> {
    stmt.values
        .as_ref()
        .map_or(Ok(Vec::new()), |v| v.0.iter().map(value).collect())
}

/// A date column (`YYYY-MM-DD`, as sqlx writes `NaiveDate`) read with
/// chrono's `FromStr`, whose parser is fixed, rather than rusqlite's
/// `FromSql`, which interprets the format string `%F` for every value: with
/// the timestamps below, ≈ 4 % of a name search's CPU (a page is 21 rows of
/// three dates; docs/performance.md, 公开结果查询). A value it does not take
/// goes to rusqlite's reading, so nothing is read differently.
pub fn date(row: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<chrono::NaiveDate> {
    match text(row, i).and_then(|s| s.parse().ok()) {
        Some(d) => Ok(d),
        None => row.get(i),
    }
}

/// [`date`] of a column that may be NULL.
pub fn date_or_null(row: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<chrono::NaiveDate>> {
    match row.get_ref(i)? {
        rusqlite::types::ValueRef::Null => Ok(None),
        _ => date(row, i).map(Some),
    }
}

/// A timestamp column (RFC 3339, as sqlx writes `DateTime<Utc>`) read with
/// chrono's RFC 3339 parser; anything else as rusqlite's `FromSql` reads it.
pub fn timestamp(row: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<chrono::DateTime<chrono::Utc>> {
    match text(row, i).and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok()) {
        Some(t) => Ok(t.to_utc()),
        None => row.get(i),
    }
}

fn text<'a>(row: &'a rusqlite::Row<'_>, i: usize) -> Option<&'a str> {
    match row.get_ref(i) {
        Ok(rusqlite::types::ValueRef::Text(t)) => std::str::from_utf8(t).ok(),
        _ => None,
    }
}

/// A read's error, as the pool's would be reported.
pub fn failed(e: rusqlite::Error) -> StoreError {
    StoreError::Unavailable(format!("数据库读取失败：{e}"))
}
