use sea_orm::entity::prelude::*;

/// One version of a department's 年度抽查计划.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plans")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub department_id: i64,
    pub year: i32,
    /// 1 for the original plan; n+1 for each adjustment after publication.
    pub version: i32,
    /// A `PlanStatus` code.
    pub status: String,
    /// Empty for version 1; the published reason of an adjustment otherwise.
    pub adjustment_reason: String,
    pub created_at: DateTimeUtc,
    /// Username of the author.
    pub created_by: String,
    pub updated_at: DateTimeUtc,
    /// The last 报备 (a returned plan is filed again).
    pub filed_at: Option<DateTimeUtc>,
    /// The superior's last answer (确认 or 退回).
    pub answered_at: Option<DateTimeUtc>,
    pub answer_comment: String,
    pub published_at: Option<DateTimeUtc>,
    pub superseded_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
