//! 登录失败处理: after a number of consecutive failed logins the account is
//! locked for a while (等保 practice; 5 failures and 30 minutes by default).

use chrono::{DateTime, Duration, Utc};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LockoutPolicy {
    pub max_failures: u32,
    pub lock_minutes: i64,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        Self {
            max_failures: 5,
            lock_minutes: 30,
        }
    }
}

/// What a failed attempt does to an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AfterFailure {
    pub failures: u32,
    /// Set when this failure locks the account.
    pub locked_until: Option<DateTime<Utc>>,
}

impl LockoutPolicy {
    /// `failures_before` is the count of consecutive failures so far.
    pub fn after_failure(&self, failures_before: u32, now: DateTime<Utc>) -> AfterFailure {
        let failures = failures_before.saturating_add(1);
        let locked_until = (failures >= self.max_failures).then(|| now + Duration::minutes(self.lock_minutes));
        AfterFailure { failures, locked_until }
    }

    pub fn is_locked(locked_until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
        locked_until.is_some_and(|t| t > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifth_failure_locks_for_thirty_minutes() {
        let p = LockoutPolicy::default();
        let now = DateTime::from_timestamp(1_790_000_000, 0).unwrap();
        let mut n = 0;
        for _ in 0..4 {
            let a = p.after_failure(n, now);
            assert!(a.locked_until.is_none());
            n = a.failures;
        }
        let a = p.after_failure(n, now);
        assert_eq!(a.failures, 5);
        let until = a.locked_until.unwrap();
        assert_eq!(until.signed_duration_since(now), Duration::minutes(30));
        assert!(LockoutPolicy::is_locked(Some(until), now + Duration::minutes(29)));
        assert!(!LockoutPolicy::is_locked(Some(until), now + Duration::minutes(31)));
    }
}
