//! 抽查任务, their items, their draw records and the drawn objects.
//!
//! A task is visible to every department taking part in it (`task_units`);
//! the scope test is in one place, [`visible_in`]. A task item's object draw
//! is claimed with a conditional update ([`claim_item_draw`]): of two
//! operators locking the same item at once, exactly one commits. Draw records
//! are written once at commit and completed once at reveal
//! ([`set_revealed`], also conditional), never otherwise changed.

use crate::entity::{draw, task, task_item, task_object, task_unit};
use crate::{StoreError, scope};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use spotcheck_domain::jurisdiction::Jurisdiction;
use std::collections::HashMap;

pub use draw::Model as DrawRow;
pub use task::Model as TaskRow;
pub use task_item::Model as TaskItemRow;
pub use task_object::Model as TaskObjectRow;
pub use task_unit::Model as TaskUnitRow;

/// The condition "some department of the task, or some executing unit its
/// objects were dispatched to, lies in `scope`" (a 执法支队 sees the tasks it staffs).
fn visible_in(scope: &Jurisdiction) -> Condition {
    Condition::any()
        .add(
            task::Column::Id.in_subquery(
                Query::select()
                    .column(task_unit::Column::TaskId)
                    .from(task_unit::Entity)
                    .and_where(task_unit::Column::DepartmentId.in_subquery(scope::department_ids_in(scope)))
                    .to_owned(),
            ),
        )
        .add(
            task::Column::Id.in_subquery(
                Query::select()
                    .column(task_object::Column::TaskId)
                    .from(task_object::Entity)
                    .and_where(task_object::Column::ExecutingDepartmentId.in_subquery(scope::department_ids_in(scope)))
                    .to_owned(),
            ),
        )
}

/// Serialises task numbering for a department until the end of the calling
/// transaction. SQLite's write transactions (`BEGIN IMMEDIATE`) already run
/// one at a time; PostgreSQL's run side by side, and two of them counting the
/// same tasks would give the same number, so there a transaction-scoped
/// advisory lock on (task numbering, department) makes the second wait.
pub async fn lock_numbering(db: &impl ConnectionTrait, department_id: i64) -> Result<(), StoreError> {
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        /// The first key of the advisory lock: what is being numbered.
        const TASK_NUMBERING: i32 = 7301;
        db.execute_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1, $2)",
            // Ids beyond 2^31 would share a lock with another department:
            // more waiting, never a wrong number.
            [TASK_NUMBERING.into(), (department_id as i32).into()],
        ))
        .await?;
    }
    Ok(())
}

/// How many tasks the department has started in `year`; call it after
/// [`lock_numbering`] in the transaction that inserts the next one.
pub async fn count_started(db: &impl ConnectionTrait, department_id: i64, year: i32) -> Result<u64, StoreError> {
    let from = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year");
    let to = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year");
    Ok(task::Entity::find()
        .filter(task::Column::DepartmentId.eq(department_id))
        .filter(task::Column::WindowStart.between(from, to))
        .count(db)
        .await?)
}

pub struct NewTask {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub department_id: i64,
    pub plan_id: Option<i64>,
    pub window_start: NaiveDate,
    pub window_end: NaiveDate,
    pub team_size: i32,
    pub complaint_threshold: i32,
    pub status: String,
    pub created_by: String,
    pub now: DateTime<Utc>,
}

pub async fn insert_task(db: &impl ConnectionTrait, t: NewTask) -> Result<i64, StoreError> {
    let am = task::ActiveModel {
        code: Set(t.code),
        name: Set(t.name),
        kind: Set(t.kind),
        department_id: Set(t.department_id),
        plan_id: Set(t.plan_id),
        window_start: Set(t.window_start),
        window_end: Set(t.window_end),
        team_size: Set(t.team_size),
        complaint_threshold: Set(t.complaint_threshold),
        status: Set(t.status),
        created_by: Set(t.created_by),
        created_at: Set(t.now),
        updated_at: Set(t.now),
        dispatched_at: Set(None),
        ..Default::default()
    };
    Ok(task::Entity::insert(am).exec(db).await?.last_insert_id)
}

pub async fn insert_unit(
    db: &impl ConnectionTrait,
    task_id: i64,
    department_id: i64,
    role: &str,
) -> Result<(), StoreError> {
    task_unit::Entity::insert(task_unit::ActiveModel {
        task_id: Set(task_id),
        department_id: Set(department_id),
        role: Set(role.to_string()),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

pub struct NewTaskItem {
    pub task_id: i64,
    pub position: i32,
    pub department_id: i64,
    pub plan_entry_id: Option<i64>,
    pub item_version_id: i64,
    pub object_kinds: String,
    pub divisions: String,
    pub risk_classes: String,
    pub ratio_bp: i32,
    pub stratum_ratios: String,
}

pub async fn insert_item(db: &impl ConnectionTrait, i: NewTaskItem) -> Result<i64, StoreError> {
    let am = task_item::ActiveModel {
        task_id: Set(i.task_id),
        position: Set(i.position),
        department_id: Set(i.department_id),
        plan_entry_id: Set(i.plan_entry_id),
        item_version_id: Set(i.item_version_id),
        object_kinds: Set(i.object_kinds),
        divisions: Set(i.divisions),
        risk_classes: Set(i.risk_classes),
        ratio_bp: Set(i.ratio_bp),
        stratum_ratios: Set(i.stratum_ratios),
        draw_id: Set(None),
        ..Default::default()
    };
    Ok(task_item::Entity::insert(am).exec(db).await?.last_insert_id)
}

/// A task if one of its departments lies in `scope`.
pub async fn get_in(db: &impl ConnectionTrait, scope: &Jurisdiction, id: i64) -> Result<Option<TaskRow>, StoreError> {
    Ok(task::Entity::find_by_id(id).filter(visible_in(scope)).one(db).await?)
}

pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<TaskRow>, StoreError> {
    Ok(task::Entity::find_by_id(id).one(db).await?)
}

/// Tasks visible in `scope`, newest first.
pub async fn list_in(db: &impl ConnectionTrait, scope: &Jurisdiction) -> Result<Vec<TaskRow>, StoreError> {
    Ok(task::Entity::find()
        .filter(visible_in(scope))
        .order_by_desc(task::Column::WindowStart)
        .order_by_desc(task::Column::Id)
        .all(db)
        .await?)
}

/// Tasks with at least one committed draw (their draws are public), newest first.
pub async fn list_public(db: &impl ConnectionTrait) -> Result<Vec<TaskRow>, StoreError> {
    Ok(task::Entity::find()
        .filter(
            task::Column::Id.in_subquery(
                Query::select()
                    .column(draw::Column::TaskId)
                    .from(draw::Entity)
                    .to_owned(),
            ),
        )
        .order_by_desc(task::Column::WindowStart)
        .order_by_desc(task::Column::Id)
        .all(db)
        .await?)
}

pub async fn units(db: &impl ConnectionTrait, task_id: i64) -> Result<Vec<TaskUnitRow>, StoreError> {
    Ok(task_unit::Entity::find()
        .filter(task_unit::Column::TaskId.eq(task_id))
        .order_by_asc(task_unit::Column::Id)
        .all(db)
        .await?)
}

pub async fn items(db: &impl ConnectionTrait, task_id: i64) -> Result<Vec<TaskItemRow>, StoreError> {
    Ok(task_item::Entity::find()
        .filter(task_item::Column::TaskId.eq(task_id))
        .order_by_asc(task_item::Column::Position)
        .all(db)
        .await?)
}

/// Moves a task from `from` to `to`; refuses when someone else moved it first.
pub async fn set_status(
    db: &impl ConnectionTrait,
    id: i64,
    from: &str,
    to: &str,
    now: DateTime<Utc>,
    dispatched: bool,
) -> Result<(), StoreError> {
    let mut q = task::Entity::update_many()
        .col_expr(task::Column::Status, Expr::value(to))
        .col_expr(task::Column::UpdatedAt, Expr::value(now));
    if dispatched {
        q = q.col_expr(task::Column::DispatchedAt, Expr::value(now));
    }
    let moved = q
        .filter(task::Column::Id.eq(id))
        .filter(task::Column::Status.eq(from))
        .exec(db)
        .await?;
    if moved.rows_affected != 1 {
        return Err(StoreError::Unsupported(
            "该任务的状态刚刚已被其他人改变，请刷新页面查看最新状态后再操作".into(),
        ));
    }
    Ok(())
}

/// Gives a task item its object draw, if it has none yet. `false` when
/// another commit got there first (the caller's transaction must then roll back).
pub async fn claim_item_draw(db: &impl ConnectionTrait, item_id: i64, draw_id: &str) -> Result<bool, StoreError> {
    let r = task_item::Entity::update_many()
        .col_expr(task_item::Column::DrawId, Expr::value(draw_id))
        .filter(task_item::Column::Id.eq(item_id))
        .filter(task_item::Column::DrawId.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Sets a task item's per-stratum ratios (JSON: stratum code → basis
/// points), only while its draw is not committed: the committed record holds
/// the quotas. `false` when a commit got there first.
pub async fn set_item_ratios(db: &impl ConnectionTrait, item_id: i64, ratios_json: &str) -> Result<bool, StoreError> {
    let r = task_item::Entity::update_many()
        .col_expr(task_item::Column::StratumRatios, Expr::value(ratios_json))
        .filter(task_item::Column::Id.eq(item_id))
        .filter(task_item::Column::DrawId.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

pub struct NewDraw {
    pub draw_id: String,
    pub task_id: i64,
    pub task_item_id: Option<i64>,
    pub kind: String,
    pub beacon_source: String,
    pub commitment: String,
    pub committed_record: String,
    pub nonce_sealed: String,
    pub committed_by: String,
    /// The executing unit of an inspectors or replacement draw.
    pub department_id: Option<i64>,
    pub now: DateTime<Utc>,
}

pub async fn insert_draw(db: &impl ConnectionTrait, d: NewDraw) -> Result<i64, StoreError> {
    let am = draw::ActiveModel {
        draw_id: Set(d.draw_id),
        task_id: Set(d.task_id),
        task_item_id: Set(d.task_item_id),
        kind: Set(d.kind),
        status: Set("committed".to_string()),
        beacon_source: Set(d.beacon_source),
        commitment: Set(d.commitment),
        committed_record: Set(d.committed_record),
        revealed_record: Set(None),
        nonce_sealed: Set(d.nonce_sealed),
        committed_by: Set(d.committed_by),
        committed_at: Set(d.now),
        revealed_at: Set(None),
        department_id: Set(d.department_id),
        ..Default::default()
    };
    Ok(draw::Entity::insert(am).exec(db).await?.last_insert_id)
}

pub async fn draw_by_draw_id(db: &impl ConnectionTrait, draw_id: &str) -> Result<Option<DrawRow>, StoreError> {
    Ok(draw::Entity::find()
        .filter(draw::Column::DrawId.eq(draw_id))
        .one(db)
        .await?)
}

/// A draw without its records and sealed nonce: what pages and lists show.
/// A record holds every candidate's code, tens of megabytes for a directory
/// of a million objects, so only the draw itself and the public record
/// download read them ([`draw_by_draw_id`], [`public_record`]).
#[derive(Clone, Debug, FromQueryResult)]
pub struct DrawSummary {
    pub id: i64,
    pub draw_id: String,
    pub task_id: i64,
    pub task_item_id: Option<i64>,
    pub kind: String,
    pub status: String,
    pub beacon_source: String,
    pub commitment: String,
    pub committed_by: String,
    pub committed_at: DateTime<Utc>,
    pub revealed_at: Option<DateTime<Utc>>,
    pub department_id: Option<i64>,
}

fn summaries() -> sea_orm::Select<draw::Entity> {
    use draw::Column as C;
    draw::Entity::find().select_only().columns([
        C::Id,
        C::DrawId,
        C::TaskId,
        C::TaskItemId,
        C::Kind,
        C::Status,
        C::BeaconSource,
        C::Commitment,
        C::CommittedBy,
        C::CommittedAt,
        C::RevealedAt,
        C::DepartmentId,
    ])
}

pub async fn draw_summary(db: &impl ConnectionTrait, draw_id: &str) -> Result<Option<DrawSummary>, StoreError> {
    Ok(summaries()
        .filter(draw::Column::DrawId.eq(draw_id))
        .into_model::<DrawSummary>()
        .one(db)
        .await?)
}

/// The draws of a task, in commit order.
pub async fn draws_of(db: &impl ConnectionTrait, task_id: i64) -> Result<Vec<DrawSummary>, StoreError> {
    Ok(summaries()
        .filter(draw::Column::TaskId.eq(task_id))
        .order_by_asc(draw::Column::Id)
        .into_model::<DrawSummary>()
        .all(db)
        .await?)
}

/// The published record of a draw: complete after the reveal, else the committed one.
pub async fn public_record(db: &impl ConnectionTrait, draw_id: &str) -> Result<Option<String>, StoreError> {
    let revealed: Option<Option<String>> = draw::Entity::find()
        .select_only()
        .column(draw::Column::RevealedRecord)
        .filter(draw::Column::DrawId.eq(draw_id))
        .into_tuple()
        .one(db)
        .await?;
    match revealed {
        None => Ok(None),
        Some(Some(record)) => Ok(Some(record)),
        Some(None) => Ok(draw::Entity::find()
            .select_only()
            .column(draw::Column::CommittedRecord)
            .filter(draw::Column::DrawId.eq(draw_id))
            .into_tuple()
            .one(db)
            .await?),
    }
}

/// Every published draw's id, in commit order.
pub async fn public_draw_ids(db: &impl ConnectionTrait) -> Result<Vec<String>, StoreError> {
    Ok(draw::Entity::find()
        .select_only()
        .column(draw::Column::DrawId)
        .order_by_asc(draw::Column::Id)
        .into_tuple()
        .all(db)
        .await?)
}

/// Completes a committed record with its reveal. Refuses a second reveal.
pub async fn set_revealed(
    db: &impl ConnectionTrait,
    id: i64,
    record: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let r = draw::Entity::update_many()
        .col_expr(draw::Column::Status, Expr::value("revealed"))
        .col_expr(draw::Column::RevealedRecord, Expr::value(record))
        .col_expr(draw::Column::RevealedAt, Expr::value(now))
        .filter(draw::Column::Id.eq(id))
        .filter(draw::Column::Status.eq("committed"))
        .exec(db)
        .await?;
    if r.rows_affected != 1 {
        return Err(StoreError::Unsupported("该抽取已经揭晓，请刷新页面".into()));
    }
    Ok(())
}

#[derive(Clone, Debug)]
pub struct NewTaskObject {
    pub task_id: i64,
    pub task_item_id: i64,
    pub object_id: i64,
    pub object_kind: String,
    pub object_code: String,
    pub stratum: String,
    pub position: i32,
    pub executing_department_id: Option<i64>,
    pub year: i32,
    pub random: bool,
}

/// Writes the drawn objects, a thousand rows a statement with the values
/// inline: a reveal can write hundreds of thousands of rows, and binding
/// them one value at a time through the driver cost ≈ 50 µs a row. Every value
/// is an integer or a code from the directory; text is quoted all the same.
pub async fn insert_objects(db: &impl ConnectionTrait, mut rows: Vec<NewTaskObject>) -> Result<(), StoreError> {
    // In the directory's order, not the draw's (`position` keeps that): each
    // row's foreign key is checked by a look-up of its object, and in this
    // order those look-ups walk the directory once instead of jumping about
    // it. 295,270 rows into SQLite: 3.4 s in the draw's order, 1.5 s in this
    // one (docs/performance.md, 抽查任务的对象抽取).
    rows.sort_unstable_by_key(|o| o.object_id);
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        return insert_objects_pg(db, &rows).await;
    }
    fn text(s: &str) -> String {
        format!("'{}'", s.replace('\'', "''"))
    }
    for chunk in rows.chunks(1000) {
        let values: Vec<String> = chunk
            .iter()
            .map(|o| {
                format!(
                    "({}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
                    o.task_id,
                    o.task_item_id,
                    o.object_id,
                    text(&o.object_kind),
                    text(&o.object_code),
                    text(&o.stratum),
                    o.position,
                    o.executing_department_id
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "NULL".into()),
                    o.year,
                    if o.random { "TRUE" } else { "FALSE" },
                )
            })
            .collect();
        db.execute_unprepared(&format!(
            "INSERT INTO task_objects (task_id, task_item_id, object_id, object_kind, object_code, stratum, \
             position, executing_department_id, year, random) VALUES {}",
            values.join(", ")
        ))
        .await?;
    }
    Ok(())
}

/// PostgreSQL: the drawn objects as ten arrays bound to one statement per
/// 20,000 rows (`INSERT … SELECT FROM unnest(…)`). A thousand-row VALUES list
/// costs PostgreSQL ≈ 47 µs a row to parse and plan (13.8 s for 295,270 rows);
/// arrays bound as parameters are neither parsed nor quoted.
async fn insert_objects_pg(db: &impl ConnectionTrait, rows: &[NewTaskObject]) -> Result<(), StoreError> {
    use sea_orm::sea_query::{ArrayType, Value};
    fn array<T>(ty: ArrayType, rows: &[NewTaskObject], f: impl Fn(&NewTaskObject) -> T) -> Value
    where
        T: Into<Value>,
    {
        Value::Array(ty, Some(Box::new(rows.iter().map(|o| f(o).into()).collect())))
    }
    for chunk in rows.chunks(20_000) {
        let values = vec![
            array(ArrayType::BigInt, chunk, |o| o.task_id),
            array(ArrayType::BigInt, chunk, |o| o.task_item_id),
            array(ArrayType::BigInt, chunk, |o| o.object_id),
            array(ArrayType::String, chunk, |o| o.object_kind.clone()),
            array(ArrayType::String, chunk, |o| o.object_code.clone()),
            array(ArrayType::String, chunk, |o| o.stratum.clone()),
            array(ArrayType::Int, chunk, |o| o.position),
            array(ArrayType::BigInt, chunk, |o| o.executing_department_id),
            array(ArrayType::Int, chunk, |o| o.year),
            array(ArrayType::Bool, chunk, |o| o.random),
        ];
        db.execute_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "INSERT INTO task_objects (task_id, task_item_id, object_id, object_kind, object_code, stratum, \
             position, executing_department_id, year, random) \
             SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], \
             $7::integer[], $8::bigint[], $9::integer[], $10::boolean[])",
            values,
        ))
        .await?;
    }
    Ok(())
}

/// Names and kinds of objects by id: (kind, name, masked id for practitioners' display).
pub async fn object_labels(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, (String, String)>, StoreError> {
    use crate::entity::object;
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(i64, String, String)> = object::Entity::find()
            .select_only()
            .columns([object::Column::Id, object::Column::Kind, object::Column::Name])
            .filter(object::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        for (id, kind, name) in rows {
            out.insert(id, (kind, name));
        }
    }
    Ok(out)
}

/// The drawn objects of a task, by item and draw order.
pub async fn objects_of(db: &impl ConnectionTrait, task_id: i64) -> Result<Vec<TaskObjectRow>, StoreError> {
    Ok(task_object::Entity::find()
        .filter(task_object::Column::TaskId.eq(task_id))
        .order_by_asc(task_object::Column::TaskItemId)
        .order_by_asc(task_object::Column::Position)
        .all(db)
        .await?)
}

/// How many different objects of a task each executing unit has, by unit
/// id, counted by the database: the task page shows these counts, and
/// reading a task's every drawn object to count them took a second at
/// 295,270 objects.
pub async fn unit_object_counts(db: &impl ConnectionTrait, task_id: i64) -> Result<Vec<(i64, u64)>, StoreError> {
    use sea_orm::sea_query::{Expr, Func};
    let rows: Vec<(i64, i64)> = task_object::Entity::find()
        .select_only()
        .column(task_object::Column::ExecutingDepartmentId)
        .column_as(
            Expr::expr(Func::count_distinct(Expr::col(task_object::Column::ObjectId))),
            "n",
        )
        .filter(task_object::Column::TaskId.eq(task_id))
        .filter(task_object::Column::ExecutingDepartmentId.is_not_null())
        .group_by(task_object::Column::ExecutingDepartmentId)
        .order_by_asc(task_object::Column::ExecutingDepartmentId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(unit, n)| (unit, n.max(0) as u64)).collect())
}

/// How many objects each item of a task drew, by task item id.
pub async fn object_counts(db: &impl ConnectionTrait, task_id: i64) -> Result<HashMap<i64, u64>, StoreError> {
    let rows: Vec<(i64, i64)> = task_object::Entity::find()
        .select_only()
        .column(task_object::Column::TaskItemId)
        .column_as(task_object::Column::Id.count(), "n")
        .filter(task_object::Column::TaskId.eq(task_id))
        .group_by(task_object::Column::TaskItemId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(item, n)| (item, n.max(0) as u64)).collect())
}

/// One page of a task item's drawn objects, in draw order.
pub async fn objects_page(
    db: &impl ConnectionTrait,
    task_item_id: i64,
    offset: u64,
    limit: u64,
) -> Result<Vec<TaskObjectRow>, StoreError> {
    Ok(task_object::Entity::find()
        .filter(task_object::Column::TaskItemId.eq(task_item_id))
        .order_by_asc(task_object::Column::Position)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?)
}

/// 第十四条: for each object code of `kind` drawn in double-random tasks in
/// `year`, in how many tasks (other than `except_task`).
pub async fn draws_per_code(
    db: &impl ConnectionTrait,
    kind: &str,
    year: i32,
    except_task: i64,
) -> Result<HashMap<String, u32>, StoreError> {
    let rows: Vec<(String, i64)> = task_object::Entity::find()
        .select_only()
        .column(task_object::Column::ObjectCode)
        .column(task_object::Column::TaskId)
        .filter(task_object::Column::ObjectKind.eq(kind))
        .filter(task_object::Column::Year.eq(year))
        .filter(task_object::Column::Random.eq(true))
        .filter(task_object::Column::TaskId.ne(except_task))
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    let mut out: HashMap<String, u32> = HashMap::new();
    for (code, _) in rows {
        *out.entry(code).or_default() += 1;
    }
    Ok(out)
}

/// The task items that drew `object_id` in a task.
pub async fn items_drawing(db: &impl ConnectionTrait, task_id: i64, object_id: i64) -> Result<Vec<i64>, StoreError> {
    Ok(task_object::Entity::find()
        .select_only()
        .column(task_object::Column::TaskItemId)
        .filter(task_object::Column::TaskId.eq(task_id))
        .filter(task_object::Column::ObjectId.eq(object_id))
        .into_tuple()
        .all(db)
        .await?)
}
