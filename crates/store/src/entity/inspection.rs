use sea_orm::entity::prelude::*;

/// The inspection of one drawn object by its team (一次到位).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspections")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub task_id: i64,
    #[sea_orm(unique)]
    pub team_id: i64,
    pub object_id: i64,
    /// The executing unit whose team inspects.
    pub department_id: i64,
    /// An `InspectionStatus` code.
    pub status: String,
    /// Grows at each reopening; confirmations of older revisions no longer count.
    pub revision: i32,
    /// 检查工作方案: 分工, 程序规范, 时间节点 (第十七条).
    pub plan_division: String,
    pub plan_procedure: String,
    pub plan_schedule: String,
    pub plan_recorded_by: String,
    pub plan_recorded_at: Option<DateTimeUtc>,
    /// An `InspectionMethod` code, empty until chosen.
    pub method: String,
    pub started_at: Option<DateTimeUtc>,
    pub ended_at: Option<DateTimeUtc>,
    pub place: String,
    /// JSON array of the persons present (`[{"name","position","phone"}]`).
    pub present: String,
    /// A `result_categories.code`, empty until chosen.
    pub result_category: String,
    pub result_summary: String,
    /// When the 权利告知书 was given to the object.
    pub rights_notified_at: Option<DateTimeUtc>,
    /// Who made the 陈述申辩 for the object.
    pub statement_person: String,
    pub statement: String,
    /// The object declined to make a statement.
    pub statement_waived: bool,
    pub statement_recorded_at: Option<DateTimeUtc>,
    /// When the object was heard (陈述申辩时间), from and to.
    pub statement_started_at: Option<DateTimeUtc>,
    pub statement_ended_at: Option<DateTimeUtc>,
    /// 文号 of the inspection's documents.
    pub document_no: String,
    /// The 核验码, sealed with the platform key.
    pub verification_sealed: String,
    /// Keyed hash of the 核验码, to find the inspection from a typed code.
    pub verification_hash: String,
    pub closed_by: String,
    pub closed_at: Option<DateTimeUtc>,
    pub finalized_at: Option<DateTimeUtc>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub updated_by: String,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
