//! The record of deadline alerts sent (`deadline_alerts`): claiming an alert
//! is an insert that only one caller can win, so each passed deadline is
//! announced exactly once however many processes watch.

use crate::StoreError;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, OnConflict, Query};

/// Records that the alert `kind` about `subject_id` is being sent; true when
/// this caller is the first (and must send it), false when it was sent before.
/// Call inside the transaction that writes the messages, so a failure sends
/// nothing and leaves the alert unclaimed.
pub async fn claim(
    db: &impl ConnectionTrait,
    kind: &str,
    subject_id: i64,
    due: NaiveDate,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let mut insert = Query::insert();
    insert
        .into_table(Alias::new("deadline_alerts"))
        .columns([
            Alias::new("kind"),
            Alias::new("subject_id"),
            Alias::new("due"),
            Alias::new("sent_at"),
        ])
        .values_panic([kind.into(), subject_id.into(), due.into(), now.into()])
        .on_conflict(
            OnConflict::columns([Alias::new("kind"), Alias::new("subject_id")])
                .do_nothing()
                .to_owned(),
        );
    Ok(db.execute(&insert).await?.rows_affected() == 1)
}
