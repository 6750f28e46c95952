use sea_orm::entity::prelude::*;

/// One step in the life of a plan version (created, filed, returned, …), shown
/// on the plan's page; the audit trail holds the same facts, hash-chained.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub plan_id: i64,
    pub at: DateTimeUtc,
    /// A `PlanAction` code, or `create`.
    pub action: String,
    pub actor_name: String,
    pub actor_department: String,
    pub comment: String,
}

impl ActiveModelBehavior for ActiveModel {}
