//! Roles and what each may do. One table ([`Role::may`]) decides; the web
//! layer asks it to show a menu entry and the app layer asks it again before
//! acting, so a hidden button is never the only guard.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// 省级管理员: keeps the province-wide lists, sees everything.
    ProvinceAdmin,
    /// 部门管理员: a department's operator.
    DepartmentAdmin,
    /// 分管负责人: approves the replacement of an inspector (第十八条).
    DeputyHead,
    /// 主要负责人: approves the correction of a published result (第二十三条).
    Head,
    /// 检查人员: a law-enforcement inspector.
    Inspector,
    /// 审计员: reads the audit trail.
    Auditor,
}

/// Something a role may do. Scope (which departments) is decided separately,
/// by the user's jurisdiction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Create and edit accounts inside the jurisdiction.
    ManageUsers,
    /// Create executing units under a department.
    ManageDepartments,
    /// Read the audit trail of the jurisdiction.
    ReadAudit,
    /// See the department tree and the figures of the jurisdiction.
    ViewDepartments,
    /// Keep the province's 随机抽查事项清单 (create items, publish adjusted versions, withdraw).
    ManageItems,
    /// Keep the department's 检查对象名录库 and 执法检查人员名录库 (add, edit, import, claim).
    ManageDirectories,
    /// Read the directories of the jurisdiction.
    ViewDirectories,
    /// See a 身份证号 in full (each viewing is audited); everyone else sees it masked.
    ViewIdNumbers,
    /// Read the 年度抽查计划 and 抽查任务 of the jurisdiction.
    ViewPlans,
    /// Write the department's 年度抽查计划 (draft, file, publish, adjust).
    ManagePlans,
    /// Acknowledge or return the plans subordinate departments file (报备).
    ReviewPlans,
    /// Create the department's 抽查任务, draw their objects (lock, reveal) and dispatch them.
    ManageTasks,
    /// Approve or refuse the replacement of a drawn inspector (第十八条: 经分管负责人批准).
    ApproveReplacements,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::ProvinceAdmin,
        Role::DepartmentAdmin,
        Role::DeputyHead,
        Role::Head,
        Role::Inspector,
        Role::Auditor,
    ];

    /// The stable code used in the database, the API and the CLI.
    pub fn code(self) -> &'static str {
        match self {
            Role::ProvinceAdmin => "province_admin",
            Role::DepartmentAdmin => "department_admin",
            Role::DeputyHead => "deputy_head",
            Role::Head => "head",
            Role::Inspector => "inspector",
            Role::Auditor => "auditor",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::ProvinceAdmin => "省级管理员",
            Role::DepartmentAdmin => "部门管理员",
            Role::DeputyHead => "分管负责人",
            Role::Head => "主要负责人",
            Role::Inspector => "检查人员",
            Role::Auditor => "审计员",
        }
    }

    /// Accepts the code or the Chinese label.
    pub fn parse(s: &str) -> Option<Role> {
        let s = s.trim();
        Role::ALL.into_iter().find(|r| r.code() == s || r.label() == s)
    }

    /// Roles whose accounts must use a second factor unless the configuration
    /// turns the requirement off (等保 practice for privileged accounts).
    pub fn requires_totp(self) -> bool {
        matches!(self, Role::ProvinceAdmin | Role::Auditor)
    }

    pub fn may(self, p: Permission) -> bool {
        use Permission::*;
        match p {
            ManageUsers | ManageDepartments => {
                matches!(self, Role::ProvinceAdmin | Role::DepartmentAdmin)
            }
            ReadAudit => matches!(self, Role::ProvinceAdmin | Role::Auditor),
            ViewDepartments => !matches!(self, Role::Inspector),
            ManageItems => matches!(self, Role::ProvinceAdmin),
            ManageDirectories => matches!(self, Role::ProvinceAdmin | Role::DepartmentAdmin),
            ViewDirectories => !matches!(self, Role::Inspector | Role::Auditor),
            ViewIdNumbers => matches!(self, Role::ProvinceAdmin | Role::DepartmentAdmin),
            ViewPlans => !matches!(self, Role::Inspector),
            ManagePlans => matches!(self, Role::ProvinceAdmin | Role::DepartmentAdmin),
            // The superior's answer to a filing is the unit's decision: its
            // operator or its leaders may give it.
            ManageTasks => matches!(self, Role::ProvinceAdmin | Role::DepartmentAdmin),
            // 第十八条 names the 分管负责人, and only them.
            ApproveReplacements => matches!(self, Role::DeputyHead),
            ReviewPlans => matches!(
                self,
                Role::ProvinceAdmin | Role::DepartmentAdmin | Role::Head | Role::DeputyHead
            ),
        }
    }

    /// Whether an account of role `self` may create or edit an account of role
    /// `target`. Only the province creates province administrators.
    pub fn may_assign(self, target: Role) -> bool {
        match self {
            Role::ProvinceAdmin => true,
            Role::DepartmentAdmin => target != Role::ProvinceAdmin,
            _ => false,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_labels_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Some(r));
            assert_eq!(Role::parse(r.label()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn only_admins_manage_users_and_only_the_province_makes_province_admins() {
        for r in Role::ALL {
            let admin = matches!(r, Role::ProvinceAdmin | Role::DepartmentAdmin);
            assert_eq!(r.may(Permission::ManageUsers), admin);
            assert_eq!(r.may_assign(Role::Inspector), admin);
        }
        assert!(!Role::DepartmentAdmin.may_assign(Role::ProvinceAdmin));
        assert!(Role::Auditor.may(Permission::ReadAudit));
        assert!(!Role::DepartmentAdmin.may(Permission::ReadAudit));
    }
}
