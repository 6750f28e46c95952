//! 站内消息 and the 待办 count. Use cases call [`notify`] inside their own
//! transaction whenever they hand work over to someone (a filed plan to the
//! superior, a dispatched list to the executing unit, an assignment to an
//! inspector, a replacement to the 分管负责人), so the message exists exactly
//! when the hand-over commits; and [`close_todos`] once the thing has been
//! done, by whoever did it. The outbound channel (SMS, e-mail) is fed from
//! the same write, after commit, by [`crate::outbound`]; nothing here waits
//! for it.
//!
//! A user only ever sees their own messages: those addressed to them, and
//! those addressed to their department for a permission their role holds.

use crate::users::Page;
use crate::{Actor, App, AppError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use spotcheck_domain::role::{Permission, Role};
use spotcheck_store::ConnectionTrait;
use spotcheck_store::messages::{self as store, Folder, MessageRow, NewMessage, Reader, To};
use utoipa::ToSchema;

/// Who receives a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recipient {
    /// One user account.
    User(i64),
    /// Every active user of a department who holds the permission (e.g. the
    /// 分管负责人 who may approve a replacement, the users who may acknowledge
    /// a filed plan).
    Department { department_id: i64, permission: Permission },
}

/// A message about to be sent.
#[derive(Clone, Debug)]
pub struct Notice {
    pub to: Recipient,
    /// A stable machine key: "plan_filed", "plan_returned", "plan_acknowledged",
    /// "task_dispatched", "assignment", "replacement_requested",
    /// "replacement_decided", … (free string, at most 40 chars).
    pub kind: &'static str,
    /// One Chinese line, e.g. "哈尔滨市住房和城乡建设局报备了2026年度抽查计划，待您确认".
    pub title: String,
    /// Optional longer text.
    pub body: String,
    /// Relative link to where to act, e.g. "/plans/12".
    pub link: String,
    /// true when the recipient must do something (counts in 待办 until done);
    /// false for information.
    pub action_required: bool,
    /// What the action is about, e.g. ("plan", 12): lets the use case close
    /// the 待办 when the thing is done by anyone.
    pub subject: (&'static str, i64),
}

/// The most a title may hold (characters); longer titles are cut with "…".
const TITLE_MAX: usize = 200;

/// A link inside the platform: a path, never another site.
fn check_link(link: &str) -> Result<(), AppError> {
    let ok = link.is_empty()
        || (link.starts_with('/')
            && !link.starts_with("//")
            && !link.contains('\\')
            && !link.chars().any(char::is_control));
    if ok {
        Ok(())
    } else {
        Err(AppError::Internal(format!("消息链接须为平台内的相对路径：{link}")))
    }
}

/// Sends a message. Called by use cases inside their own transaction, so the
/// message exists exactly when the hand-over commits.
pub(crate) async fn notify(db: &impl ConnectionTrait, now: DateTime<Utc>, notice: Notice) -> Result<(), AppError> {
    let kind = notice.kind.trim();
    if kind.is_empty() || kind.chars().count() > 40 {
        return Err(AppError::Internal(format!("消息类型须为1–40个字符：{kind}")));
    }
    let title = notice.title.trim();
    if title.is_empty() {
        return Err(AppError::Internal("消息标题不能为空".into()));
    }
    let title = if title.chars().count() > TITLE_MAX {
        format!("{}…", title.chars().take(TITLE_MAX - 1).collect::<String>())
    } else {
        title.to_string()
    };
    check_link(&notice.link)?;
    let to = match notice.to {
        Recipient::User(id) => To::User(id),
        Recipient::Department {
            department_id,
            permission,
        } => {
            let roles: Vec<String> = Role::ALL
                .into_iter()
                .filter(|r| r.may(permission))
                .map(|r| r.code().to_string())
                .collect();
            if roles.is_empty() {
                return Err(AppError::Internal(format!("没有角色具有权限 {permission:?}")));
            }
            To::Department {
                department_id,
                permission: format!("{permission:?}"),
                roles,
            }
        }
    };
    store::insert(
        db,
        NewMessage {
            created_at: now,
            kind: kind.to_string(),
            title,
            body: notice.body,
            link: notice.link,
            action_required: notice.action_required,
            subject_type: notice.subject.0.to_string(),
            subject_id: notice.subject.1,
            to,
        },
    )
    .await?;
    Ok(())
}

/// Marks every open 待办 about `subject` (for everyone) as done, when the
/// action has been taken (e.g. the plan was acknowledged by one of several
/// users who could).
pub(crate) async fn close_todos(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    subject: (&'static str, i64),
) -> Result<(), AppError> {
    store::close_subject(db, subject.0, subject.1, now).await?;
    Ok(())
}

/// [`notify`] and [`close_todos`] for tests of other crates, which have no
/// use case that sends messages of their own.
#[cfg(any(test, feature = "testing"))]
pub mod testing {
    use super::*;

    pub async fn notify(db: &impl ConnectionTrait, now: DateTime<Utc>, notice: Notice) -> Result<(), AppError> {
        super::notify(db, now, notice).await
    }

    pub async fn close_todos(
        db: &impl ConnectionTrait,
        now: DateTime<Utc>,
        subject: (&'static str, i64),
    ) -> Result<(), AppError> {
        super::close_todos(db, now, subject).await
    }
}

/// A message as its reader sees it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MessageView {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    /// Machine key, e.g. `plan_filed`.
    pub kind: String,
    pub title: String,
    pub body: String,
    /// Where to act (a path of the platform); may be empty.
    pub link: String,
    /// The recipient must do something.
    pub action_required: bool,
    /// An open 待办: action required and not yet done by anyone.
    pub todo: bool,
    /// When the action was taken (by anyone).
    pub done_at: Option<DateTime<Utc>>,
    pub read: bool,
    pub read_at: Option<DateTime<Utc>>,
    /// `本人`, or e.g. `本部门（审核计划）` for a message to the department's holders of a permission.
    pub addressed_to: String,
    pub subject_type: String,
    pub subject_id: i64,
}

fn permission_label(code: &str) -> &str {
    match code {
        "ReviewPlans" => "计划报备确认",
        "ManagePlans" => "年度抽查计划",
        "ViewPlans" => "抽查计划",
        "ManageTasks" => "抽查任务",
        "ManageDirectories" => "名录库维护",
        "ManageUsers" => "用户管理",
        "ReadAudit" => "审计",
        "ViewDepartments" => "监督管理",
        _ => "相关职责",
    }
}

impl From<MessageRow> for MessageView {
    fn from(m: MessageRow) -> Self {
        let todo = m.is_open_todo();
        let addressed_to = match (&m.recipient_user_id, &m.recipient_permission) {
            (Some(_), _) => "本人".to_string(),
            (None, Some(p)) => format!("本部门（{}）", permission_label(p)),
            (None, None) => "本部门".to_string(),
        };
        Self {
            id: m.id,
            created_at: m.created_at,
            kind: m.kind,
            title: m.title,
            body: m.body,
            link: m.link,
            action_required: m.action_required,
            todo,
            done_at: m.done_at,
            read: m.read_at.is_some(),
            read_at: m.read_at,
            addressed_to,
            subject_type: m.subject_type,
            subject_id: m.subject_id,
        }
    }
}

/// The figures of the top bar.
#[derive(Clone, Copy, Debug, Default, Serialize, ToSchema, PartialEq, Eq)]
pub struct MessageCounts {
    /// Messages not yet read.
    pub unread: u64,
    /// Open 待办: messages asking the user (or their department) to act, not yet done.
    pub todo: u64,
}

/// Which messages a list shows and which page.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MessageQuery {
    /// `all` (default), `unread`, or `todo` (open 待办).
    #[serde(rename = "box")]
    pub folder: Option<String>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

impl MessageQuery {
    pub fn folder(&self) -> Result<Folder, AppError> {
        match self.folder.as_deref().map(str::trim).unwrap_or("") {
            "" | "all" => Ok(Folder::All),
            "unread" => Ok(Folder::Unread),
            "todo" => Ok(Folder::Todo),
            other => Err(AppError::invalid(
                "box",
                format!("消息分类“{other}”无效，可选：all（全部）、unread（未读）、todo（待办）"),
            )),
        }
    }
}

fn reader(actor: &Actor) -> Reader {
    Reader {
        user_id: actor.user.id,
        department_id: actor.department.id,
        role: actor.role().code().to_string(),
    }
}

impl App {
    /// One page of the actor's own messages, newest first.
    pub async fn list_messages(&self, actor: &Actor, q: &MessageQuery) -> Result<Page<MessageView>, AppError> {
        let folder = q.folder()?;
        let page = q.page.unwrap_or(1).max(1);
        let page_size = q.page_size.unwrap_or(20).clamp(1, 100);
        let (rows, total) = store::list_for(self.store().conn(), &reader(actor), folder, page, page_size).await?;
        Ok(Page {
            items: rows.into_iter().map(Into::into).collect(),
            total,
            page,
            page_size,
        })
    }

    /// Unread messages and open 待办 of the actor, for the top bar and the home page.
    pub async fn message_counts(&self, actor: &Actor) -> Result<MessageCounts, AppError> {
        let (unread, todo) = store::counts_for(self.store().conn(), &reader(actor)).await?;
        Ok(MessageCounts { unread, todo })
    }

    /// One of the actor's messages (404 for anybody else's).
    pub async fn get_message(&self, actor: &Actor, id: i64) -> Result<MessageView, AppError> {
        store::get_for(self.store().conn(), &reader(actor), id)
            .await?
            .map(Into::into)
            .ok_or_else(|| AppError::not_found("消息"))
    }

    /// Marks one of the actor's messages read; returns it (404 for anybody else's).
    /// Reading does not close a 待办: doing the work does.
    pub async fn mark_message_read(&self, actor: &Actor, id: i64) -> Result<MessageView, AppError> {
        let r = reader(actor);
        let tx = self.store().begin().await?;
        if !store::mark_read(&tx, &r, id, self.now()).await? {
            return Err(AppError::not_found("消息"));
        }
        tx.commit().await.map_err(spotcheck_store::StoreError::from)?;
        self.get_message(actor, id).await
    }

    /// Marks all the actor's messages read; returns how many were unread.
    pub async fn mark_all_messages_read(&self, actor: &Actor) -> Result<u64, AppError> {
        let tx = self.store().begin().await?;
        let n = store::mark_all_read(&tx, &reader(actor), self.now()).await?;
        tx.commit().await.map_err(spotcheck_store::StoreError::from)?;
        Ok(n)
    }
}
