use sea_orm::entity::prelude::*;

/// An inspection outside 双随机 (第三条): one object, one department, the
/// reason and its basis. Written once; only voiding (作废) changes it.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outside_inspections")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The inspecting department.
    pub department_id: i64,
    pub object_id: i64,
    /// The object's kind code, as when recorded.
    pub object_kind: String,
    /// The object's public code (统一社会信用代码, 注册证书编号, 项目代码), as when recorded.
    pub object_code: String,
    /// An `OutsideRandomReason` code.
    pub reason: String,
    /// 依据: the deployment document number, the complaint number, …
    pub basis: String,
    pub inspection_date: Date,
    /// The calendar year of the inspection date (第十二条 counts by year).
    pub year: i32,
    /// Names and 执法证号 of those who inspected.
    pub inspectors: String,
    pub note: String,
    /// Username of who recorded it.
    pub created_by: String,
    pub created_at: DateTimeUtc,
    /// Set once when the record is voided (作废); it then no longer counts.
    pub voided_at: Option<DateTimeUtc>,
    pub voided_by: String,
    pub void_reason: String,
}

impl ActiveModelBehavior for ActiveModel {}
