use sea_orm::entity::prelude::*;

/// A 站内消息: to one user, or to the users of a department whose role holds a permission.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "messages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub action_required: bool,
    pub subject_type: String,
    pub subject_id: i64,
    pub recipient_user_id: Option<i64>,
    pub recipient_department_id: Option<i64>,
    pub recipient_permission: Option<String>,
    /// `,deputy_head,head,`: the roles that held the permission when the message was written.
    pub recipient_roles: Option<String>,
    pub done_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
