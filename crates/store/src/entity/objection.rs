use sea_orm::entity::prelude::*;

/// An objection (异议) to a result (第二十六条).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "objections")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub inspection_id: i64,
    /// The executing unit that reviews it.
    pub department_id: i64,
    /// An `ObjectionChannel` code.
    pub channel: String,
    pub submitter: String,
    pub contact: String,
    pub content: String,
    pub received_on: Date,
    pub recorded_by: String,
    pub recorded_at: DateTimeUtc,
    /// An `ObjectionStatus` code.
    pub status: String,
    /// An `ObjectionDecision` code, empty until decided.
    pub decision: String,
    pub decision_reason: String,
    pub decided_by: String,
    pub decided_on: Option<Date>,
    pub correction_id: Option<i64>,
    /// A `FeedbackMethod` code, empty until answered.
    pub feedback_method: String,
    pub feedback_note: String,
    pub feedback_on: Option<Date>,
    pub feedback_by: String,
}

impl ActiveModelBehavior for ActiveModel {}
