use sea_orm::entity::prelude::*;

/// One published version of an item (动态调整并及时公布). Written once, never
/// updated or deleted: tasks refer to a version by its id.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "check_item_versions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub item_id: i64,
    /// 1, 2, …; unique per item.
    pub version: i32,
    pub name: String,
    /// Empty when the item has no 子项.
    pub sub_item: String,
    /// `key` or `general`.
    pub category: String,
    /// `enterprise`, `practitioner` or `project`.
    pub object_kind: String,
    /// JSON array of 企业类别.
    pub enterprise_kinds: String,
    /// JSON array of check points, one per checklist line.
    pub check_points: String,
    /// JSON array of 检查方式 codes.
    pub methods: String,
    /// 抽查比例 in basis points (500 = 5 %).
    pub ratio_bp: i32,
    /// 比例上限 in basis points; NULL for 重点 items.
    pub ratio_cap_bp: Option<i32>,
    pub frequency: String,
    /// JSON array of 实施层级 codes.
    pub levels: String,
    /// JSON array of `{"law": …, "article": …}`.
    pub legal_basis: String,
    /// JSON array of 专业领域.
    pub fields: String,
    /// `published` or `withdrawn`.
    pub status: String,
    pub change_reason: String,
    pub effective_date: Date,
    pub published_at: DateTimeUtc,
    /// Username of the publisher (`system` for demo data).
    pub published_by: String,
}

impl ActiveModelBehavior for ActiveModel {}
