//! What a deployment may configure. Defaults follow 等保2.0 third-level practice.

use crate::outbound::OutboundSettings;
use spotcheck_domain::lockout::LockoutPolicy;
use spotcheck_domain::password::PasswordPolicy;
use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct Settings {
    pub password_policy: PasswordPolicy,
    pub lockout: LockoutPolicy,
    /// A session ends after this many idle minutes.
    pub session_idle_minutes: i64,
    /// Whether 省级管理员 and 审计员 must use a TOTP second factor.
    pub require_totp: bool,
    /// The issuer shown in authenticator apps.
    pub totp_issuer: String,
    /// The platform's name, shown in the page header and documents.
    pub platform_name: String,
    /// The optional SMS / e-mail channel that also carries 站内消息.
    pub outbound: OutboundSettings,
    /// Where the PDF documents take their fonts (a CJK font must be among them).
    pub font_dirs: Vec<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            password_policy: PasswordPolicy::default(),
            lockout: LockoutPolicy::default(),
            session_idle_minutes: 30,
            require_totp: true,
            totp_issuer: "黑龙江住建双随机".to_string(),
            platform_name: "黑龙江省住建系统“双随机、一公开”监管平台".to_string(),
            outbound: OutboundSettings::default(),
            font_dirs: vec![PathBuf::from(spotcheck_documents::DEFAULT_FONT_DIR)],
        }
    }
}
