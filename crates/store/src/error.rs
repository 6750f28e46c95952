use sea_orm::{DbErr, SqlErr};

/// What can go wrong below the use cases.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Unavailable(String),
    /// A unique constraint refused the write; `column` names the column when known.
    #[error("唯一性约束冲突：{column}")]
    Duplicate { column: String },
    #[error("{0}")]
    Unsupported(String),
    #[error("数据库错误：{0}")]
    Db(DbErr),
}

impl From<DbErr> for StoreError {
    fn from(e: DbErr) -> Self {
        if let Some(SqlErr::UniqueConstraintViolation(msg)) = e.sql_err() {
            return StoreError::Duplicate {
                column: unique_column(&msg),
            };
        }
        StoreError::Db(e)
    }
}

/// The column named in a unique-violation message: SQLite says
/// `UNIQUE constraint failed: users.username`, PostgreSQL names the
/// constraint `users_username_key`.
fn unique_column(msg: &str) -> String {
    if let Some(rest) = msg.split("UNIQUE constraint failed: ").nth(1) {
        let first = rest.split(',').next().unwrap_or(rest).trim();
        return first.rsplit('.').next().unwrap_or(first).to_string();
    }
    if let Some(name) = msg.split('"').nth(1) {
        let name = name.strip_suffix("_key").unwrap_or(name);
        // table_column: drop the table name (which has no underscore in our schema
        // except where noted, so take what follows the first underscore).
        return name
            .split_once('_')
            .map(|(_, c)| c.to_string())
            .unwrap_or_else(|| name.to_string());
    }
    msg.to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn column_from_messages() {
        assert_eq!(
            super::unique_column("UNIQUE constraint failed: users.username"),
            "username"
        );
        assert_eq!(
            super::unique_column("duplicate key value violates unique constraint \"users_username_key\""),
            "username"
        );
    }
}
