//! Template imports (导入): a spreadsheet of 企业, 从业人员, 工程项目 or 检查人员
//! is read and checked row by row in a worker thread while the valid rows are
//! saved, batch by batch, into one transaction — nothing is ever half-saved —
//! with one audit entry for the import and the previous state of every
//! updated entry kept in its history. A progress bar follows the reading.
//! Every rejected row is reported at once, with row, column, value, problem
//! and fix, as JSON and as a downloadable .xlsx.

use crate::audit::{By, Change, record};
use crate::crypto::Sealer;
use crate::objects::{inspector_data, object_data};
use crate::{Actor, App, AppError};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use spotcheck_domain::audit::AuditAction;
use spotcheck_domain::directory::{CellError, ListKind, RowContext};
use spotcheck_domain::division::DivisionCode;
use spotcheck_domain::role::Permission;
use spotcheck_store::departments::{self, DepartmentRow};
use spotcheck_store::imports::{self, ImportJob, NewJob, Outcome};
use spotcheck_store::inspectors::{self, InspectorData};
use spotcheck_store::objects::{self, ObjectData, Source};
use spotcheck_store::{ConnectionTrait, DatabaseTransaction, Store, StoreError};
use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;
use utoipa::ToSchema;

/// What to import.
#[derive(Clone, Debug)]
pub struct ImportRequest {
    pub kind: ListKind,
    /// The department whose directory receives the rows (for 检查人员: the
    /// department whose jurisdiction the rows' 所属部门 must lie in).
    pub department_code: String,
    /// The uploaded file, on local disk.
    pub path: PathBuf,
    /// The name the user gave the file.
    pub file_name: String,
}

/// One rejected row.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RejectedRow {
    pub row: u32,
    /// Each problem in one line: `列名"值"：问题。修改方法`.
    pub errors: Vec<String>,
}

/// The outcome of an import, as `spotcheck import --json` prints it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ImportSummary {
    pub job_id: i64,
    pub imported: u64,
    pub updated: u64,
    pub rejected: Vec<RejectedRow>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ImportJobView {
    pub id: i64,
    pub kind: String,
    pub kind_label: String,
    pub department_code: String,
    pub department_name: String,
    pub file_name: String,
    pub file_sha256: String,
    /// `parsing`, `saving`, `done` or `failed`.
    pub status: String,
    pub status_label: String,
    pub processed_rows: i64,
    /// 0–100, when the file's format tells how much has been read.
    pub percent: Option<u32>,
    pub valid_rows: i64,
    pub imported: i64,
    pub updated: i64,
    pub rejected: i64,
    pub message: String,
    pub has_error_report: bool,
    pub started_by: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

fn status_label(s: &str) -> &'static str {
    match s {
        "parsing" => "正在导入",
        "saving" => "正在保存",
        "done" => "已完成",
        _ => "未成功",
    }
}

/// Rows read per batch handed to the saving transaction.
const BATCH: usize = 2000;

/// A checked row on its way from the reader thread to the saving transaction.
struct ParsedRow {
    row_no: u32,
    key_code: String,
    entry: Entry,
}

enum Entry {
    Object(ObjectData),
    Inspector { department: String, data: InspectorData },
}

enum Msg {
    Batch {
        rows: Vec<ParsedRow>,
        rejected: Vec<(u32, Vec<CellError>)>,
        read: u64,
        permille: i32,
    },
    Failed(String),
}

/// What an import saved, and what it read.
struct Saved {
    imported: u64,
    updated: u64,
    rejected: Vec<(u32, Vec<CellError>)>,
    read: i64,
    valid: i64,
}

/// Why an import saved nothing: the file (reported in its 问题清单) or the saving.
enum Failure {
    File(String),
    Save(AppError),
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        Failure::Save(e)
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Save(e.into())
    }
}

/// The progress of an import running in this process. The saving
/// transaction holds its rows until the end, so the job's row in the
/// database says only 正在导入 until then; the page asks this registry for the
/// figures (see docs/architecture.md on imports).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Running {
    status: &'static str,
    read: i64,
    permille: i32,
    valid: i64,
    rejected: i64,
}

#[derive(Default)]
pub(crate) struct RunningImports(std::sync::Mutex<HashMap<i64, Running>>);

impl RunningImports {
    /// The import has begun (nothing read yet).
    fn start(&self, job_id: i64) {
        self.set(
            job_id,
            Running {
                status: "parsing",
                read: 0,
                permille: 0,
                valid: 0,
                rejected: 0,
            },
        );
    }

    /// This process's imports whose job row is not final yet.
    fn ids(&self) -> Vec<i64> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .keys()
            .copied()
            .collect()
    }

    fn set(&self, job_id: i64, r: Running) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(job_id, r);
    }

    fn get(&self, job_id: i64) -> Option<Running> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).get(&job_id).copied()
    }

    fn finish(&self, job_id: i64) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).remove(&job_id);
    }
}

/// The saving side of an import: one transaction, batch after batch.
struct Saver<'a> {
    dept: &'a DepartmentRow,
    job_id: i64,
    by: &'a str,
    now: DateTime<Utc>,
    /// Departments the rows may belong to (检查人员 name theirs), by code.
    scope_departments: HashMap<String, i64>,
    imported: u64,
    updated: u64,
    changed_keys: Vec<String>,
    rejected: Vec<(u32, Vec<CellError>)>,
}

impl Saver<'_> {
    async fn save(&mut self, tx: &impl ConnectionTrait, kind: ListKind, rows: Vec<ParsedRow>) -> Result<(), AppError> {
        let keys: Vec<String> = rows.iter().map(|r| r.key_code.clone()).collect();
        match kind {
            ListKind::Inspector => {
                let existing: HashMap<String, inspectors::InspectorRow> = inspectors::by_cert_nos(tx, &keys)
                    .await?
                    .into_iter()
                    .map(|i| (i.data.cert_no.clone(), i))
                    .collect();
                for r in rows {
                    let Entry::Inspector { department, data } = r.entry else {
                        continue;
                    };
                    let Some(&dept_id) = self.scope_departments.get(&department) else {
                        continue;
                    };
                    match existing.get(&r.key_code) {
                        Some(cur) if !self.scope_departments.values().any(|d| *d == cur.department_id) => {
                            self.rejected.push((
                                r.row_no,
                                vec![CellError::new(
                                    "执法证号",
                                    r.key_code.clone(),
                                    "该执法证号已由其他部门登记（执法证号全省唯一）",
                                    "请核对执法证号；人员调动的，请原部门先停用或调出",
                                )],
                            ));
                        }
                        Some(cur) => {
                            let mut data = data;
                            if data.id_lookup == cur.data.id_lookup {
                                data.id_sealed = cur.data.id_sealed.clone();
                            }
                            if !(data.same_as(&cur.data) && dept_id == cur.department_id) {
                                inspectors::update(
                                    tx,
                                    cur,
                                    dept_id,
                                    &data,
                                    self.by,
                                    "导入更新",
                                    Some(self.job_id),
                                    self.now,
                                )
                                .await?;
                                self.updated += 1;
                                self.changed_keys.push(r.key_code);
                            }
                        }
                        None => {
                            inspectors::insert(tx, dept_id, &data, self.now).await?;
                            self.imported += 1;
                        }
                    }
                }
            }
            kind => {
                let object_kind = kind.object_kind().expect("an object list").code();
                let existing: HashMap<String, objects::ObjectRow> =
                    objects::by_keys(tx, self.dept.id, object_kind, &keys)
                        .await?
                        .into_iter()
                        .map(|o| (o.data.key_code.clone(), o))
                        .collect();
                let mut new_rows: Vec<ObjectData> = Vec::with_capacity(rows.len());
                for r in rows {
                    let Entry::Object(mut data) = r.entry else {
                        continue;
                    };
                    match existing.get(&r.key_code) {
                        Some(cur) => {
                            if data.id_lookup == cur.data.id_lookup {
                                data.id_sealed = cur.data.id_sealed.clone();
                            }
                            if !data.same_as(&cur.data) {
                                objects::update(tx, cur, &data, self.by, "导入更新", Some(self.job_id), self.now)
                                    .await?;
                                self.updated += 1;
                                self.changed_keys.push(r.key_code);
                            }
                        }
                        None => new_rows.push(data),
                    }
                }
                // In code order, the batch's inserts into the two indexes that
                // take codes in random order land on neighbouring pages.
                new_rows.sort_unstable_by(|a, b| a.key_code.cmp(&b.key_code));
                // 1,000 rows of ~25 columns per statement stay under SQLite's 32,766 variables.
                let before = self.imported;
                let (backend, dept_id, now) = (tx.get_database_backend(), self.dept.id, self.now);
                let statement = |chunk: &[ObjectData]| {
                    (
                        chunk.len() as u64,
                        objects::insert_statement(backend, dept_id, chunk, Source::Import, now),
                    )
                };
                let mut chunks = new_rows.chunks(1000);
                let mut next = chunks.next().map(statement);
                while let Some((n, current)) = next.take() {
                    // The database runs a statement on its own thread (SQLite)
                    // or server (PostgreSQL); building the next one meanwhile
                    // keeps it busy instead of taking turns with it (a
                    // quarter of a 1,000,000-row import's time went to
                    // building, docs/performance.md). `biased`: the execution
                    // is polled first, which hands the statement over.
                    let (done, built) =
                        tokio::join!(biased; tx.execute_raw(current), async { chunks.next().map(statement) });
                    done.map_err(StoreError::from)?;
                    self.imported += n;
                    next = built;
                }
                // Whenever the rows this import added double (2,000, 4,000, …),
                // the planner learns of them: a handful of times per import.
                if self.imported > 0 && (before == 0 || self.imported.ilog2() > before.ilog2()) {
                    objects::refresh_statistics(tx).await?;
                }
            }
        }
        Ok(())
    }
}

/// Reads and checks `path` in a worker thread and hands its rows to the
/// saving side in batches of [`BATCH`] checked rows, each with the rows
/// rejected meanwhile and the progress: the one way imports and the master
/// list read a file. Keys repeated within the file are left to
/// [`first_occurrences`], in the saving transaction.
fn read_in_batches(
    kind: ListKind,
    path: PathBuf,
    today: NaiveDate,
    division_allowed: impl Fn(&DivisionCode) -> bool + Send + Sync + 'static,
    department_allowed: impl Fn(&str) -> bool + Send + Sync + 'static,
    sealer: Sealer,
) -> (tokio::sync::mpsc::Receiver<Msg>, tokio::task::JoinHandle<()>) {
    let (tx_msg, rx) = tokio::sync::mpsc::channel::<Msg>(4);
    let worker = tokio::task::spawn_blocking(move || {
        let ctx = RowContext {
            today,
            division_allowed: &division_allowed,
            department_allowed: &department_allowed,
        };
        let mut validation = match spotcheck_sheets::validate_file(kind, &path, &ctx) {
            Ok(v) => v.without_repeated_key_check(),
            Err(e) => {
                let _ = tx_msg.blocking_send(Msg::Failed(e.to_string()));
                return;
            }
        };
        let mut rows = Vec::with_capacity(BATCH);
        let mut rejected = Vec::new();
        let send = |validation: &spotcheck_sheets::Validation<'_>,
                    rows: &mut Vec<ParsedRow>,
                    rejected: &mut Vec<(u32, Vec<CellError>)>| {
            let p = validation.progress();
            tx_msg
                .blocking_send(Msg::Batch {
                    rows: std::mem::take(rows),
                    rejected: std::mem::take(rejected),
                    read: p.rows,
                    permille: p.fraction.map(|f| (f * 1000.0).round() as i32).unwrap_or(0),
                })
                .is_ok()
        };
        while let Some(outcome) = validation.next() {
            match outcome {
                Err(e) => {
                    let _ = tx_msg.blocking_send(Msg::Failed(e.to_string()));
                    return;
                }
                Ok(o) => match o.result {
                    Ok(rec) => {
                        let entry = match kind {
                            ListKind::Inspector => {
                                let (data, department) = inspector_data(&rec, &sealer).expect("inspector record");
                                Entry::Inspector { department, data }
                            }
                            _ => Entry::Object(object_data(&rec, &sealer).expect("object record")),
                        };
                        rows.push(ParsedRow {
                            row_no: o.row,
                            key_code: rec.key().to_string(),
                            entry,
                        });
                    }
                    Err(errors) => rejected.push((o.row, errors)),
                },
            }
            // The receiver is gone when saving failed: stop reading.
            if rows.len() >= BATCH && !send(&validation, &mut rows, &mut rejected) {
                return;
            }
        }
        send(&validation, &mut rows, &mut rejected);
    });
    (rx, worker)
}

/// Keeps the rows of a batch whose key (统一社会信用代码, 注册证书编号, 项目代码,
/// 执法证号) no earlier row of the file holds, and rejects the others, naming
/// that first row. The keys met so far are in the transaction's key register
/// (`imports::open_key_register`), not in memory: a batch's worth at a time.
async fn first_occurrences(
    tx: &impl ConnectionTrait,
    kind: ListKind,
    rows: Vec<ParsedRow>,
    rejected: &mut Vec<(u32, Vec<CellError>)>,
) -> Result<Vec<ParsedRow>, StoreError> {
    let firsts: Vec<u32> = {
        let mut in_batch: HashMap<&str, u32> = HashMap::with_capacity(rows.len());
        let mut keys: Vec<(&str, u32)> = Vec::with_capacity(rows.len());
        for r in &rows {
            in_batch.entry(&r.key_code).or_insert_with(|| {
                keys.push((&r.key_code, r.row_no));
                r.row_no
            });
        }
        let earlier = imports::register_keys(tx, &keys).await?;
        rows.iter()
            .map(|r| {
                earlier
                    .get(&r.key_code)
                    .copied()
                    .unwrap_or(in_batch[r.key_code.as_str()])
            })
            .collect()
    };
    let mut kept = Vec::with_capacity(rows.len());
    for (r, first) in rows.into_iter().zip(firsts) {
        if first == r.row_no {
            kept.push(r);
        } else {
            rejected.push((r.row_no, vec![spotcheck_sheets::repeated_key(kind, &r.key_code, first)]));
        }
    }
    Ok(kept)
}

impl App {
    /// The synthetic actor of the command line: the province, as `system`.
    pub async fn system_actor(&self) -> Result<Actor, AppError> {
        let root = departments::root(self.store().conn())
            .await?
            .ok_or_else(|| AppError::Internal("数据库尚未初始化，请先运行 spotcheck init".into()))?;
        let now = self.now();
        Ok(Actor {
            user: spotcheck_store::users::UserRow {
                id: 0,
                username: "system".into(),
                display_name: "命令行".into(),
                role: spotcheck_domain::role::Role::ProvinceAdmin,
                department_id: root.id,
                phone: String::new(),
                password_hash: String::new(),
                must_change_password: false,
                failed_logins: 0,
                locked_until: None,
                totp_secret_sealed: None,
                totp_enabled: false,
                totp_last_step: None,
                active: true,
                created_at: now,
                updated_at: now,
                password_changed_at: None,
                last_login_at: None,
            },
            department: root,
            session: String::new(),
            session_kind: "cli".into(),
            stage: "full".into(),
            csrf_token: String::new(),
            meta: crate::RequestMeta::cli(),
        })
    }

    async fn prepare_import(&self, actor: &Actor, req: &ImportRequest) -> Result<(DepartmentRow, ImportJob), AppError> {
        actor.require(Permission::ManageDirectories)?;
        let dept = self.department_in_scope(actor, &req.department_code).await?;
        let path = req.path.clone();
        let (sha, size) = tokio::task::spawn_blocking(move || -> std::io::Result<(String, u64)> {
            let mut f = std::fs::File::open(path)?;
            let mut h = Sha256::new();
            let mut buf = vec![0u8; 1 << 16];
            let mut n = 0u64;
            loop {
                let k = f.read(&mut buf)?;
                if k == 0 {
                    break;
                }
                n += k as u64;
                h.update(&buf[..k]);
            }
            Ok((hex::encode(h.finalize()), n))
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::invalid("file", format!("无法读取上传的文件：{e}")))?;
        let name: String = req.file_name.chars().filter(|c| !c.is_control()).take(120).collect();
        let job = imports::create(
            self.store().conn(),
            NewJob {
                department_id: dept.id,
                kind: req.kind.code(),
                file_name: &name,
                file_sha256: &sha,
                file_size: size as i64,
                started_by: &actor.user.username,
                now: self.now(),
            },
        )
        .await?;
        Ok((dept, job))
    }

    /// Starts an import in the background and returns its job at once; the
    /// page follows its progress with [`App::import_job`].
    pub async fn start_import(&self, actor: &Actor, req: ImportRequest) -> Result<ImportJobView, AppError> {
        let (dept, job) = self.prepare_import(actor, &req).await?;
        let (app, actor2, id) = (self.clone(), actor.clone(), job.id);
        tokio::spawn(async move {
            if let Err(e) = app.run_import(&actor2, &dept, id, &req).await {
                tracing::warn!(job = id, error = %e, "import did not complete");
            }
            let _ = std::fs::remove_file(&req.path);
        });
        self.import_job(actor, job.id).await
    }

    /// Imports a file and waits for the outcome (the command line, and API
    /// clients that ask to wait).
    pub async fn import_file(&self, actor: &Actor, req: &ImportRequest) -> Result<ImportSummary, AppError> {
        let (dept, job) = self.prepare_import(actor, req).await?;
        // In a task of its own: a caller that stops waiting (a closed
        // connection) does not cut the import off between its transaction's
        // begin and end — it finishes, and its job says how.
        let (app, actor, req) = (self.clone(), actor.clone(), req.clone());
        tokio::spawn(async move { app.run_import(&actor, &dept, job.id, &req).await })
            .await
            .map_err(|e| AppError::Internal(format!("导入未完成：{e}")))?
    }

    /// Runs an import to its end, its job row included; the job counts as
    /// this process's own (never abandoned) until that row is final.
    async fn run_import(
        &self,
        actor: &Actor,
        dept: &DepartmentRow,
        job_id: i64,
        req: &ImportRequest,
    ) -> Result<ImportSummary, AppError> {
        self.inner.running_imports.start(job_id);
        let outcome = self.read_save_and_record(actor, dept, job_id, req).await;
        self.inner.running_imports.finish(job_id);
        outcome
    }

    async fn read_save_and_record(
        &self,
        actor: &Actor,
        dept: &DepartmentRow,
        job_id: i64,
        req: &ImportRequest,
    ) -> Result<ImportSummary, AppError> {
        let outcome = self.read_and_save(actor, dept, job_id, req).await;
        let db = self.store().conn();
        let Saved {
            imported,
            updated,
            mut rejected,
            read,
            valid,
        } = match outcome {
            Ok(x) => x,
            Err(Failure::File(message)) => {
                let report = spotcheck_sheets::error_report(req.kind, &[], std::slice::from_ref(&message)).ok();
                imports::finish(db, job_id, Outcome::failed(&message, report, self.now())).await?;
                return Err(AppError::invalid("file", message));
            }
            Err(Failure::Save(e)) => {
                let message = format!("保存失败，本次导入未保存任何数据：{e}");
                imports::finish(db, job_id, Outcome::failed(&message, None, self.now())).await?;
                return Err(e);
            }
        };
        rejected.sort_by_key(|(row, _)| *row);
        let report = if rejected.is_empty() {
            None
        } else {
            Some(
                spotcheck_sheets::error_report(req.kind, &rejected, &[])
                    .map_err(|e| AppError::Internal(e.to_string()))?,
            )
        };
        let message = format!("新增{imported}条，更新{updated}条，{}条有问题未导入", rejected.len());
        imports::progress(db, job_id, "saving", read, 1000, valid, rejected.len() as i64).await?;
        imports::finish(
            db,
            job_id,
            Outcome {
                status: "done",
                imported: imported as i64,
                updated: updated as i64,
                rejected: rejected.len() as i64,
                message: &message,
                error_report: report,
                now: self.now(),
            },
        )
        .await?;
        Ok(ImportSummary {
            job_id,
            imported,
            updated,
            rejected: rejected
                .into_iter()
                .map(|(row, errors)| RejectedRow {
                    row,
                    errors: errors.iter().map(ToString::to_string).collect(),
                })
                .collect(),
        })
    }

    /// Reads and checks the file in a worker thread while this task saves
    /// its valid rows, batch by batch, into one transaction: both cores work
    /// at once, memory holds a few batches whatever the file's size, and a
    /// file that turns out unreadable halfway rolls everything back.
    async fn read_and_save(
        &self,
        actor: &Actor,
        dept: &DepartmentRow,
        job_id: i64,
        req: &ImportRequest,
    ) -> Result<Saved, Failure> {
        let (division, below) = self.row_context_parts(dept).await?;
        let (rx, worker) = read_in_batches(
            req.kind,
            req.path.clone(),
            self.today(),
            move |d| division.contains(d),
            move |c| below.iter().any(|b| b == c),
            self.sealer().clone(),
        );
        let tx = self.store().begin().await.map_err(AppError::from)?;
        Store::import_cache(&tx, true).await.map_err(AppError::from)?;
        let saved = self.save_rows(&tx, actor, dept, job_id, req, rx, worker).await;
        let usual_cache = Store::import_cache(&tx, false).await;
        // One way out: commit what was saved, or roll all of it back. (A panic
        // here drops the transaction, which rolls back too.)
        match saved.and_then(|saved| usual_cache.map(|()| saved).map_err(|e| AppError::from(e).into())) {
            Ok(saved) => {
                tx.commit().await.map_err(|e| AppError::from(StoreError::from(e)))?;
                Ok(saved)
            }
            Err(failure) => {
                tx.rollback().await.map_err(|e| AppError::from(StoreError::from(e)))?;
                Err(failure)
            }
        }
    }

    /// The saving side of [`App::read_and_save`], inside its transaction:
    /// each batch from the reader, then the audit entry. Leaves the commit
    /// (or rollback) to the caller.
    #[allow(clippy::too_many_arguments)]
    async fn save_rows(
        &self,
        tx: &DatabaseTransaction,
        actor: &Actor,
        dept: &DepartmentRow,
        job_id: i64,
        req: &ImportRequest,
        mut rx: tokio::sync::mpsc::Receiver<Msg>,
        worker: tokio::task::JoinHandle<()>,
    ) -> Result<Saved, Failure> {
        let mut saver = Saver {
            dept,
            job_id,
            by: &actor.user.username,
            now: self.now(),
            scope_departments: departments::list_in(tx, &dept.jurisdiction())
                .await
                .map_err(AppError::from)?
                .into_iter()
                .map(|d| (d.code.as_str().to_string(), d.id))
                .collect(),
            imported: 0,
            updated: 0,
            changed_keys: Vec::new(),
            rejected: Vec::new(),
        };
        imports::open_key_register(tx).await?;
        let mut valid = 0i64;
        while let Some(msg) = rx.recv().await {
            match msg {
                // Returning drops the receiver: the reader stops at its next batch.
                Msg::Failed(m) => return Err(Failure::File(m)),
                Msg::Batch {
                    rows,
                    rejected,
                    read,
                    permille,
                } => {
                    saver.rejected.extend(rejected);
                    let rows = first_occurrences(tx, req.kind, rows, &mut saver.rejected).await?;
                    valid += rows.len() as i64;
                    saver.save(tx, req.kind, rows).await?;
                    self.inner.running_imports.set(
                        job_id,
                        Running {
                            status: "parsing",
                            read: read as i64,
                            permille,
                            valid,
                            rejected: saver.rejected.len() as i64,
                        },
                    );
                }
            }
        }
        worker
            .await
            .map_err(|e| Failure::File(format!("读取文件时出错：{e}")))?;
        let read = self.inner.running_imports.get(job_id).map(|r| r.read).unwrap_or(0);
        self.inner.running_imports.set(
            job_id,
            Running {
                status: "saving",
                read,
                permille: 1000,
                valid,
                rejected: saver.rejected.len() as i64,
            },
        );
        imports::close_key_register(tx).await?;
        let Saver {
            imported,
            updated,
            changed_keys,
            rejected,
            ..
        } = saver;
        record(
            tx,
            &By::actor(actor),
            Change::new(AuditAction::ObjectsImported, "import", job_id)
                .in_department(dept.code.as_str())
                .summary(format!(
                    "导入{}名录（文件“{}”）：新增{imported}条，更新{updated}条，{}条有问题未导入",
                    req.kind.label(),
                    req.file_name,
                    rejected.len()
                ))
                .after(serde_json::json!({
                    "kind": req.kind.code(), "imported": imported, "updated": updated,
                    "rejected": rejected.len(), "updated_keys": changed_keys,
                })),
        )
        .await?;
        Ok(Saved {
            imported,
            updated,
            rejected,
            read,
            valid,
        })
    }

    async fn job_view(&self, mut j: ImportJob, db: &impl ConnectionTrait) -> Result<ImportJobView, AppError> {
        if j.finished_at.is_none()
            && let Some(r) = self.inner.running_imports.get(j.id)
        {
            j.status = r.status.to_string();
            j.processed_rows = r.read;
            j.progress_permille = r.permille;
            j.valid_rows = r.valid;
            j.rejected = r.rejected;
        }
        let d = departments::by_id(db, j.department_id).await?;
        let kind = ListKind::parse(&j.kind).ok();
        Ok(ImportJobView {
            id: j.id,
            kind_label: kind.map(|k| k.label().to_string()).unwrap_or_default(),
            kind: j.kind,
            department_code: d.as_ref().map(|d| d.code.as_str().to_string()).unwrap_or_default(),
            department_name: d.map(|d| d.name).unwrap_or_default(),
            file_name: j.file_name,
            file_sha256: j.file_sha256,
            status_label: status_label(&j.status).to_string(),
            percent: match j.status.as_str() {
                "parsing" if j.progress_permille > 0 => Some((j.progress_permille / 10).clamp(0, 99) as u32),
                "parsing" => None,
                "saving" => Some(99),
                _ => Some(100),
            },
            status: j.status,
            processed_rows: j.processed_rows,
            valid_rows: j.valid_rows,
            imported: j.imported,
            updated: j.updated,
            rejected: j.rejected,
            message: j.message,
            has_error_report: j.has_error_report,
            started_by: j.started_by,
            started_at: j.started_at,
            finished_at: j.finished_at,
        })
    }

    pub async fn import_job(&self, actor: &Actor, id: i64) -> Result<ImportJobView, AppError> {
        actor.require(Permission::ViewDirectories)?;
        let db = self.store().conn();
        let j = imports::get_in(db, &actor.jurisdiction(), id)
            .await?
            .ok_or_else(|| AppError::not_found("导入批次"))?;
        self.job_view(j, db).await
    }

    pub async fn import_error_report(&self, actor: &Actor, id: i64) -> Result<Vec<u8>, AppError> {
        actor.require(Permission::ViewDirectories)?;
        imports::get_in(self.store().conn(), &actor.jurisdiction(), id)
            .await?
            .ok_or_else(|| AppError::not_found("导入批次"))?;
        imports::error_report_in(self.store().conn(), &actor.jurisdiction(), id)
            .await?
            .ok_or_else(|| AppError::NotFound("该批次没有问题清单".into()))
    }

    pub async fn recent_imports(&self, actor: &Actor) -> Result<Vec<ImportJobView>, AppError> {
        actor.require(Permission::ViewDirectories)?;
        let db = self.store().conn();
        let mut out = Vec::new();
        for j in imports::recent_in(db, &actor.jurisdiction(), 10).await? {
            out.push(self.job_view(j, db).await?);
        }
        Ok(out)
    }

    /// Marks this process's running imports alive and fails the jobs of
    /// processes that stopped mid-import (they saved nothing: an import is
    /// one transaction); returns how many were failed. Behind a load balancer
    /// every process does this, each sparing its own jobs and any job seen
    /// alive lately (`imports::ABANDONED_AFTER`). On SQLite (one process) the
    /// marks are not needed, and while an import holds the write lock the
    /// look waits until it is over.
    pub async fn check_imports(&self) -> Result<u64, AppError> {
        let running = self.inner.running_imports.ids();
        let db = self.store().conn();
        let now = self.now();
        if self.store().backend() == spotcheck_store::Backend::Postgres {
            imports::mark_alive(db, &running, now).await?;
        } else if !running.is_empty() {
            return Ok(0);
        }
        Ok(imports::fail_abandoned(db, &running, now).await?)
    }

    /// Starts the minutely [`App::check_imports`].
    pub fn start_import_watch(&self) -> tokio::task::JoinHandle<()> {
        self.spawn_periodic(
            std::time::Duration::from_secs(60),
            "imports abandoned by a stopped server marked failed",
            |app| async move { app.check_imports().await },
        )
    }

    /// The blank template of a list.
    pub fn template(&self, kind: ListKind) -> Vec<u8> {
        spotcheck_sheets::template(kind)
    }
}

/// The outcome of loading the province's master list.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MasterLoadSummary {
    pub added: u64,
    pub refreshed: u64,
    pub rejected: Vec<RejectedRow>,
}

impl App {
    /// The province loads (or refreshes) its master list of objects, from
    /// which departments claim (认领). One transaction: a damaged file loads nothing.
    pub async fn load_master_list(
        &self,
        actor: &Actor,
        kind: ListKind,
        path: PathBuf,
        file_name: &str,
    ) -> Result<MasterLoadSummary, AppError> {
        if actor.department.parent_id.is_some() || !actor.may(Permission::ManageDirectories) {
            return Err(AppError::Forbidden("全省名录由省住房和城乡建设厅载入".into()));
        }
        if kind == ListKind::Inspector {
            return Err(AppError::invalid("kind", "全省名录只包括企业、从业人员和工程项目"));
        }
        let (mut rx, worker) = read_in_batches(
            kind,
            path,
            self.today(),
            |d| d.as_str().starts_with("23"),
            |_| false,
            self.sealer().clone(),
        );
        let tx = self.store().begin().await?;
        imports::open_key_register(&tx).await?;
        let (mut added, mut refreshed, mut rejected) = (0, 0, Vec::new());
        let now = self.now();
        while let Some(msg) = rx.recv().await {
            match msg {
                Msg::Failed(m) => return Err(AppError::invalid("file", m)),
                Msg::Batch {
                    rows, rejected: rej, ..
                } => {
                    rejected.extend(rej);
                    let rows: Vec<ObjectData> = first_occurrences(&tx, kind, rows, &mut rejected)
                        .await?
                        .into_iter()
                        .filter_map(|r| match r.entry {
                            Entry::Object(d) => Some(d),
                            Entry::Inspector { .. } => None,
                        })
                        .collect();
                    let (a, r) = objects::upsert_master(&tx, &rows, now).await?;
                    added += a;
                    refreshed += r;
                }
            }
        }
        worker.await.map_err(|e| AppError::Internal(e.to_string()))?;
        imports::close_key_register(&tx).await?;
        rejected.sort_by_key(|(row, _)| *row);
        record(
            &tx,
            &By::actor(actor),
            Change::new(
                AuditAction::MasterListLoaded,
                "directory",
                actor.department.code.as_str(),
            )
            .in_department(actor.department.code.as_str())
            .summary(format!(
                "载入全省{}名录（文件“{file_name}”）：新增{added}条，更新{refreshed}条，{}条有问题未载入",
                kind.label(),
                rejected.len()
            )),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(MasterLoadSummary {
            added,
            refreshed,
            rejected: rejected
                .into_iter()
                .map(|(row, errors)| RejectedRow {
                    row,
                    errors: errors.iter().map(ToString::to_string).collect(),
                })
                .collect(),
        })
    }
}
