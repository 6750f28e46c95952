use sea_orm::entity::prelude::*;

/// A member of a 检查组: a drawn inspector (组长 or 组员) or an expert
/// attached by hand. Never deleted; a replaced member becomes inactive.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "team_members")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub team_id: i64,
    pub inspector_id: Option<i64>,
    pub expert_id: Option<i64>,
    /// The name at the time of the assignment (published with the team).
    pub name: String,
    /// 执法证号; empty for an expert.
    pub cert_no: String,
    /// `leader`, `member` or `expert`.
    pub role: String,
    /// 1-based order in the team (the leader first, then the draw's rank order).
    pub position: i32,
    pub active: bool,
    /// The draw that put the member on the team (none for an expert).
    pub draw_id: Option<String>,
    pub added_by: String,
    pub added_at: DateTimeUtc,
    pub left_at: Option<DateTimeUtc>,
    pub left_reason: String,
}

impl ActiveModelBehavior for ActiveModel {}
