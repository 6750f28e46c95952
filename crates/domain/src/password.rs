//! 口令策略: the password rules of 等保2.0 third-level practice — a minimum
//! length and several kinds of character — configurable per deployment.

/// The four kinds of character the policy counts.
fn kinds(password: &str) -> usize {
    let lower = password.chars().any(|c| c.is_ascii_lowercase());
    let upper = password.chars().any(|c| c.is_ascii_uppercase());
    let digit = password.chars().any(|c| c.is_ascii_digit());
    let other = password.chars().any(|c| !c.is_ascii_alphanumeric());
    [lower, upper, digit, other].into_iter().filter(|b| *b).count()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswordPolicy {
    pub min_length: usize,
    /// How many of lower case, upper case, digits and other characters must appear.
    pub min_kinds: usize,
}

/// Long enough for any passphrase, short enough that hashing stays cheap.
pub const MAX_PASSWORD_CHARS: usize = 128;

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_length: 8,
            min_kinds: 3,
        }
    }
}

impl PasswordPolicy {
    /// Checks a new password; the error is the sentence shown under the field.
    pub fn check(&self, username: &str, password: &str) -> Result<(), String> {
        let n = password.chars().count();
        if n < self.min_length {
            return Err(format!("密码至少{}位，当前{}位", self.min_length, n));
        }
        if n > MAX_PASSWORD_CHARS {
            return Err(format!("密码不能超过{MAX_PASSWORD_CHARS}位"));
        }
        if kinds(password) < self.min_kinds {
            return Err(format!(
                "密码须包含大写字母、小写字母、数字、特殊字符中的至少{}类",
                self.min_kinds
            ));
        }
        if !username.is_empty() && password.to_lowercase().contains(&username.to_lowercase()) {
            return Err("密码不能包含用户名".to_string());
        }
        Ok(())
    }

    /// A one-line description for forms.
    pub fn describe(&self) -> String {
        format!(
            "至少{}位，包含大写字母、小写字母、数字、特殊字符中的至少{}类，且不含用户名",
            self.min_length, self.min_kinds
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy() {
        let p = PasswordPolicy::default();
        assert!(p.check("zhang", "Abcdef12").is_ok());
        assert!(p.check("zhang", "abcdef12").unwrap_err().contains("至少3类"));
        assert!(p.check("zhang", "Ab1!").unwrap_err().contains("至少8位"));
        assert!(p.check("zhang", "Zhang2026!").unwrap_err().contains("用户名"));
        assert!(p.check("zhang", "密码Password1").is_ok());
        assert!(p.check("zhang", &"Aa1".repeat(50)).is_err());
    }
}
