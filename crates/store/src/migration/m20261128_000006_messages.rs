//! 站内消息: messages to a user or to the holders of a permission in a
//! department, each user's read marks, and the outbox from which a
//! configured outbound channel (SMS gateway, e-mail) is fed after commit.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000006_messages"
    }
}

fn ts(name: &'static str) -> ColumnDef {
    timestamp_with_time_zone(name)
}

fn ts_null(name: &'static str) -> ColumnDef {
    timestamp_with_time_zone_null(name)
}

async fn index(
    m: &SchemaManager<'_>,
    table: &'static str,
    name: &'static str,
    cols: &[&'static str],
) -> Result<(), DbErr> {
    let mut idx = Index::create();
    idx.name(name).table(table).if_not_exists();
    for c in cols {
        idx.col(*c);
    }
    m.create_index(idx.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("messages")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(ts("created_at"))
                .col(string_len("kind", 40))
                .col(text("title"))
                .col(text("body"))
                .col(text("link"))
                .col(boolean("action_required"))
                .col(string("subject_type"))
                .col(big_integer("subject_id"))
                // Exactly one of the two recipients is set.
                .col(big_integer_null("recipient_user_id"))
                .col(big_integer_null("recipient_department_id"))
                // For a department: the permission asked for, and the roles
                // holding it, as `,deputy_head,head,` (matched at read time).
                .col(string_null("recipient_permission"))
                .col(string_null("recipient_roles"))
                // When the action was taken (by anyone): the 待办 is closed.
                .col(ts_null("done_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("messages", "recipient_user_id")
                        .to("users", "id"),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("messages", "recipient_department_id")
                        .to("departments", "id"),
                )
                .to_owned(),
        )
        .await?;
        index(m, "messages", "idx_messages_user", &["recipient_user_id", "id"]).await?;
        index(
            m,
            "messages",
            "idx_messages_department",
            &["recipient_department_id", "id"],
        )
        .await?;
        index(m, "messages", "idx_messages_subject", &["subject_type", "subject_id"]).await?;

        m.create_table(
            Table::create()
                .table("message_reads")
                .if_not_exists()
                .col(big_integer("message_id"))
                .col(big_integer("user_id"))
                .col(ts("read_at"))
                .primary_key(Index::create().col("message_id").col("user_id"))
                .foreign_key(
                    ForeignKey::create()
                        .from("message_reads", "message_id")
                        .to("messages", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("message_reads", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        index(m, "message_reads", "idx_message_reads_user", &["user_id", "message_id"]).await?;

        m.create_table(
            Table::create()
                .table("message_outbox")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("message_id"))
                .col(ts("created_at"))
                // pending, delivered, failed (gave up), skipped (no channel or no recipient).
                .col(string("state"))
                .col(integer("attempts"))
                .col(ts("next_attempt_at"))
                // A process delivering the row holds it until then.
                .col(ts_null("claimed_until"))
                .col(ts_null("finished_at"))
                .col(text("last_error"))
                .foreign_key(
                    ForeignKey::create()
                        .from("message_outbox", "message_id")
                        .to("messages", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        index(
            m,
            "message_outbox",
            "idx_message_outbox_due",
            &["state", "next_attempt_at"],
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["message_outbox", "message_reads", "messages"] {
            m.drop_table(Table::drop().table(t).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
