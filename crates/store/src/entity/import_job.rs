use sea_orm::entity::prelude::*;

/// One template import: its progress and outcome.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_jobs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub department_id: i64,
    pub kind: String,
    pub file_name: String,
    pub file_sha256: String,
    pub file_size: i64,
    /// `parsing`, `saving`, `done` or `failed`.
    pub status: String,
    pub processed_rows: i64,
    /// How much of the file has been read, in thousandths (when the format tells).
    pub progress_permille: i32,
    pub valid_rows: i64,
    pub imported: i64,
    pub updated: i64,
    pub rejected: i64,
    pub message: String,
    /// The downloadable .xlsx listing every problem.
    pub error_report: Option<Vec<u8>>,
    pub started_by: String,
    pub started_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    /// When the process running the import last said it still is (PostgreSQL;
    /// see `imports::mark_alive`).
    pub seen_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
