use sea_orm::entity::prelude::*;

/// A spotcheck-draw-v1 record, public from its commit.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "draws")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The record's `draw_id`, e.g. `RW2026-230102-001-1`.
    pub draw_id: String,
    pub task_id: i64,
    pub task_item_id: Option<i64>,
    /// `objects`, `inspectors` or `replacement`.
    pub kind: String,
    /// `committed` or `revealed`.
    pub status: String,
    pub beacon_source: String,
    pub commitment: String,
    /// The committed record (JSON, spec §8 without the reveal fields).
    pub committed_record: String,
    /// The complete record after the reveal.
    pub revealed_record: Option<String>,
    /// The nonce, sealed with the platform key until it is revealed.
    pub nonce_sealed: String,
    pub committed_by: String,
    pub committed_at: DateTimeUtc,
    pub revealed_at: Option<DateTimeUtc>,
    /// The executing unit of an inspectors or replacement draw.
    pub department_id: Option<i64>,
}

impl ActiveModelBehavior for ActiveModel {}
