//! 检查组: the team of each drawn object (第十七条), its members, and the
//! requests to replace a member (第十八条).
//!
//! Members and requests are never deleted. A member leaves only through a
//! replacement ([`deactivate_member`], conditional on the member still being
//! active), and a request moves forward only from the status it was read in
//! ([`decide_replacement`], [`finish_replacement`]), so two people acting on
//! the same request at once cannot both succeed.

use crate::StoreError;
use crate::entity::{replacement, task, team, team_member};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

pub use replacement::Model as ReplacementRow;
pub use team::Model as TeamRow;
pub use team_member::Model as MemberRow;

pub struct NewTeam {
    pub task_id: i64,
    pub object_id: i64,
    pub object_kind: String,
    pub object_code: String,
    pub department_id: i64,
    pub draw_id: String,
    pub now: DateTime<Utc>,
}

/// A new team; [`StoreError::Duplicate`] when the object already has one in the task.
pub async fn insert_team(db: &impl ConnectionTrait, t: NewTeam) -> Result<i64, StoreError> {
    Ok(team::Entity::insert(team::ActiveModel {
        task_id: Set(t.task_id),
        object_id: Set(t.object_id),
        object_kind: Set(t.object_kind),
        object_code: Set(t.object_code),
        department_id: Set(t.department_id),
        draw_id: Set(t.draw_id),
        created_at: Set(t.now),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id)
}

pub struct NewMember {
    pub team_id: i64,
    pub inspector_id: Option<i64>,
    pub expert_id: Option<i64>,
    pub name: String,
    pub cert_no: String,
    /// `leader`, `member` or `expert`.
    pub role: &'static str,
    pub position: i32,
    pub draw_id: Option<String>,
    pub added_by: String,
    pub now: DateTime<Utc>,
}

pub async fn insert_member(db: &impl ConnectionTrait, m: NewMember) -> Result<i64, StoreError> {
    Ok(team_member::Entity::insert(team_member::ActiveModel {
        team_id: Set(m.team_id),
        inspector_id: Set(m.inspector_id),
        expert_id: Set(m.expert_id),
        name: Set(m.name),
        cert_no: Set(m.cert_no),
        role: Set(m.role.to_string()),
        position: Set(m.position),
        active: Set(true),
        draw_id: Set(m.draw_id),
        added_by: Set(m.added_by),
        added_at: Set(m.now),
        left_at: Set(None),
        left_reason: Set(String::new()),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id)
}

/// Takes a member off its team. Refuses when the member already left.
pub async fn deactivate_member(
    db: &impl ConnectionTrait,
    member_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let r = team_member::Entity::update_many()
        .col_expr(team_member::Column::Active, Expr::value(false))
        .col_expr(team_member::Column::LeftAt, Expr::value(now))
        .col_expr(team_member::Column::LeftReason, Expr::value(reason))
        .filter(team_member::Column::Id.eq(member_id))
        .filter(team_member::Column::Active.eq(true))
        .exec(db)
        .await?;
    if r.rows_affected != 1 {
        return Err(StoreError::Unsupported("该成员刚刚已经离开检查组，请刷新页面".into()));
    }
    Ok(())
}

/// The teams of a task, in the order they were made.
pub async fn teams_of(db: &impl ConnectionTrait, task_id: i64) -> Result<Vec<TeamRow>, StoreError> {
    Ok(team::Entity::find()
        .filter(team::Column::TaskId.eq(task_id))
        .order_by_asc(team::Column::Id)
        .all(db)
        .await?)
}

pub async fn team(db: &impl ConnectionTrait, id: i64) -> Result<Option<TeamRow>, StoreError> {
    Ok(team::Entity::find_by_id(id).one(db).await?)
}

/// Every member (past ones included) of a task's teams, by team and position.
pub async fn members_of_task(db: &impl ConnectionTrait, task_id: i64) -> Result<Vec<MemberRow>, StoreError> {
    Ok(team_member::Entity::find()
        .filter(
            team_member::Column::TeamId.in_subquery(
                Query::select()
                    .column(team::Column::Id)
                    .from(team::Entity)
                    .and_where(team::Column::TaskId.eq(task_id))
                    .to_owned(),
            ),
        )
        .order_by_asc(team_member::Column::TeamId)
        .order_by_asc(team_member::Column::Position)
        .order_by_asc(team_member::Column::Id)
        .all(db)
        .await?)
}

pub async fn member(db: &impl ConnectionTrait, id: i64) -> Result<Option<MemberRow>, StoreError> {
    Ok(team_member::Entity::find_by_id(id).one(db).await?)
}

/// 执法证号 of the members who were on the object's most recent team in
/// another task when it ended (rotation, 第十七条).
pub async fn last_inspectors(
    db: &impl ConnectionTrait,
    object_id: i64,
    except_task: i64,
) -> Result<Vec<String>, StoreError> {
    let Some(last) = team::Entity::find()
        .filter(team::Column::ObjectId.eq(object_id))
        .filter(team::Column::TaskId.ne(except_task))
        .order_by_desc(team::Column::CreatedAt)
        .order_by_desc(team::Column::Id)
        .one(db)
        .await?
    else {
        return Ok(Vec::new());
    };
    Ok(team_member::Entity::find()
        .select_only()
        .column(team_member::Column::CertNo)
        .filter(team_member::Column::TeamId.eq(last.id))
        .filter(team_member::Column::Active.eq(true))
        .filter(team_member::Column::InspectorId.is_not_null())
        .into_tuple()
        .all(db)
        .await?)
}

/// For each inspector, on how many teams (as a current member) of tasks
/// whose window starts in `year` — the starting load of a draw (均衡).
pub async fn loads_in_year(db: &impl ConnectionTrait, year: i32) -> Result<HashMap<i64, u64>, StoreError> {
    let from = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year");
    let to = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year");
    let rows: Vec<Option<i64>> = team_member::Entity::find()
        .select_only()
        .column(team_member::Column::InspectorId)
        .filter(team_member::Column::Active.eq(true))
        .filter(team_member::Column::InspectorId.is_not_null())
        .filter(
            team_member::Column::TeamId.in_subquery(
                Query::select()
                    .column(team::Column::Id)
                    .from(team::Entity)
                    .and_where(
                        team::Column::TaskId.in_subquery(
                            Query::select()
                                .column(task::Column::Id)
                                .from(task::Entity)
                                .and_where(task::Column::WindowStart.between(from, to))
                                .to_owned(),
                        ),
                    )
                    .to_owned(),
            ),
        )
        .into_tuple()
        .all(db)
        .await?;
    let mut out: HashMap<i64, u64> = HashMap::new();
    for id in rows.into_iter().flatten() {
        *out.entry(id).or_default() += 1;
    }
    Ok(out)
}

/// An inspector's current places on teams, newest first: (member, team).
pub async fn assignments_of(
    db: &impl ConnectionTrait,
    inspector_id: i64,
) -> Result<Vec<(MemberRow, TeamRow)>, StoreError> {
    let members = team_member::Entity::find()
        .filter(team_member::Column::InspectorId.eq(inspector_id))
        .filter(team_member::Column::Active.eq(true))
        .order_by_desc(team_member::Column::Id)
        .limit(200)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(members.len());
    for m in members {
        if let Some(t) = team::Entity::find_by_id(m.team_id).one(db).await? {
            out.push((m, t));
        }
    }
    Ok(out)
}

// ---- replacements (第十八条) ----

pub struct NewReplacement {
    pub task_id: i64,
    pub team_id: i64,
    pub member_id: i64,
    pub reason: String,
    pub note: String,
    pub requested_by: String,
    pub now: DateTime<Utc>,
}

pub async fn insert_replacement(db: &impl ConnectionTrait, r: NewReplacement) -> Result<i64, StoreError> {
    Ok(replacement::Entity::insert(replacement::ActiveModel {
        task_id: Set(r.task_id),
        team_id: Set(r.team_id),
        member_id: Set(r.member_id),
        reason: Set(r.reason),
        note: Set(r.note),
        status: Set("pending".into()),
        requested_by: Set(r.requested_by),
        requested_at: Set(r.now),
        decided_by: Set(None),
        decided_at: Set(None),
        decision_note: Set(String::new()),
        draw_id: Set(None),
        new_member_id: Set(None),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id)
}

pub async fn replacement(db: &impl ConnectionTrait, id: i64) -> Result<Option<ReplacementRow>, StoreError> {
    Ok(replacement::Entity::find_by_id(id).one(db).await?)
}

/// The replacement requests of a task, oldest first.
pub async fn replacements_of(db: &impl ConnectionTrait, task_id: i64) -> Result<Vec<ReplacementRow>, StoreError> {
    Ok(replacement::Entity::find()
        .filter(replacement::Column::TaskId.eq(task_id))
        .order_by_asc(replacement::Column::Id)
        .all(db)
        .await?)
}

/// The member's request still under way (pending or approved, not yet drawn), if any.
pub async fn open_replacement_of(
    db: &impl ConnectionTrait,
    member_id: i64,
) -> Result<Option<ReplacementRow>, StoreError> {
    Ok(replacement::Entity::find()
        .filter(replacement::Column::MemberId.eq(member_id))
        .filter(replacement::Column::Status.is_in(["pending", "approved"]))
        .one(db)
        .await?)
}

/// Records the 分管负责人's decision on a pending request: `approved` with
/// the committed replacement draw, or `rejected`. Refuses a request no longer pending.
pub async fn decide_replacement(
    db: &impl ConnectionTrait,
    id: i64,
    status: &str,
    by: &str,
    note: &str,
    draw_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let r = replacement::Entity::update_many()
        .col_expr(replacement::Column::Status, Expr::value(status))
        .col_expr(replacement::Column::DecidedBy, Expr::value(by))
        .col_expr(replacement::Column::DecidedAt, Expr::value(now))
        .col_expr(replacement::Column::DecisionNote, Expr::value(note))
        .col_expr(replacement::Column::DrawId, Expr::value(draw_id.map(str::to_string)))
        .filter(replacement::Column::Id.eq(id))
        .filter(replacement::Column::Status.eq("pending"))
        .exec(db)
        .await?;
    if r.rows_affected != 1 {
        return Err(StoreError::Unsupported("该调整申请刚刚已被处理，请刷新页面".into()));
    }
    Ok(())
}

/// Marks an approved request done once its draw is revealed and the new member is on the team.
pub async fn finish_replacement(db: &impl ConnectionTrait, id: i64, new_member_id: i64) -> Result<(), StoreError> {
    let r = replacement::Entity::update_many()
        .col_expr(replacement::Column::Status, Expr::value("done"))
        .col_expr(replacement::Column::NewMemberId, Expr::value(new_member_id))
        .filter(replacement::Column::Id.eq(id))
        .filter(replacement::Column::Status.eq("approved"))
        .exec(db)
        .await?;
    if r.rows_affected != 1 {
        return Err(StoreError::Unsupported("该调整已经完成，请刷新页面".into()));
    }
    Ok(())
}
