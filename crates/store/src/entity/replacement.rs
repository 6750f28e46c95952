use sea_orm::entity::prelude::*;

/// A request to replace one member of a 检查组 (第十八条).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "replacements")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub task_id: i64,
    pub team_id: i64,
    /// The `team_members` row to be replaced.
    pub member_id: i64,
    /// A `ReplacementReason` code.
    pub reason: String,
    pub note: String,
    /// `pending`, `approved` (replacement draw committed), `done` (revealed) or `rejected`.
    pub status: String,
    pub requested_by: String,
    pub requested_at: DateTimeUtc,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_note: String,
    pub draw_id: Option<String>,
    pub new_member_id: Option<i64>,
}

impl ActiveModelBehavior for ActiveModel {}
