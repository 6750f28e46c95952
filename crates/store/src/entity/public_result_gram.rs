use sea_orm::entity::prelude::*;

/// A two-character piece of a public result's object name (ASCII folded to
/// lower case) with the result's date: the name index of the public search,
/// kept by database triggers on `public_results` (migration 000015).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "public_result_grams")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub gram: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub inspected_on: Date,
    #[sea_orm(primary_key, auto_increment = false)]
    pub inspection_id: i64,
}

impl ActiveModelBehavior for ActiveModel {}
