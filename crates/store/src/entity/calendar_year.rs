use sea_orm::entity::prelude::*;

/// A year's official holiday schedule as entered by the province. Append-only;
/// the newest row of a year is in force.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "calendar_years")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub year: i32,
    /// `date,kind,name` lines (the format of data/cn-workday-calendar.csv).
    pub entries: String,
    /// The notice it comes from (title or address).
    pub source: String,
    pub added_by: String,
    pub added_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
