use sea_orm::entity::prelude::*;

/// One item of a task: an item version, its scope and the ratio of each risk stratum.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "task_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub task_id: i64,
    /// 1-based.
    pub position: i32,
    /// Whose item (the initiator's, or a participant's in a joint task) and whose directory.
    pub department_id: i64,
    pub plan_entry_id: Option<i64>,
    pub item_version_id: i64,
    /// JSON arrays, as in plan entries.
    pub object_kinds: String,
    pub divisions: String,
    pub risk_classes: String,
    /// The plan entry's ratio (the base of the strata's defaults).
    pub ratio_bp: i32,
    /// JSON object: stratum code → basis points.
    pub stratum_ratios: String,
    /// The object draw, once committed (set at most once).
    pub draw_id: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
