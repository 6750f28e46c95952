//! Demo data: executing units and one account per role, so that a new user
//! of `spotcheck demo` can log in as each role. Loading twice changes nothing.

use crate::audit::{By, Change, record};
use crate::crypto::hash_password;
use crate::init::ensure_department;
use crate::{App, AppError, RequestMeta};
use spotcheck_domain::audit::AuditAction;
use spotcheck_domain::department::{DepartmentCode, DepartmentKind};
use spotcheck_domain::role::Role;
use spotcheck_store::StoreError;
use spotcheck_store::departments;
use spotcheck_store::users::{self, NewUser};

/// The first-login password of every demo account (each must change it).
pub const DEMO_PASSWORD: &str = "Demo#2026";

/// Units under departments: (code, name, parent code).
const UNITS: &[(&str, &str, &str)] = &[
    ("230000-01", "黑龙江省建设工程质量安全监督总站", "230000"),
    ("230100-01", "哈尔滨市住房和城乡建设综合行政执法支队", "230100"),
    ("230100-02", "哈尔滨市建设工程质量安全监督站", "230100"),
    ("230102-01", "道里区住房和城乡建设执法大队", "230102"),
    ("230200-01", "齐齐哈尔市建设工程质量安全监督站", "230200"),
];

/// A demo account: username, name, role, department code, phone.
pub struct DemoAccount {
    pub username: &'static str,
    pub display_name: &'static str,
    pub role: Role,
    pub department: &'static str,
    pub phone: &'static str,
}

pub const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        username: "hlj_admin",
        display_name: "王建国",
        role: Role::ProvinceAdmin,
        department: "230000",
        phone: "0451-53620001",
    },
    DemoAccount {
        username: "hlj_auditor",
        display_name: "李淑芬",
        role: Role::Auditor,
        department: "230000",
        phone: "0451-53620002",
    },
    DemoAccount {
        username: "hrb_admin",
        display_name: "张立新",
        role: Role::DepartmentAdmin,
        department: "230100",
        phone: "0451-86361001",
    },
    DemoAccount {
        username: "hrb_deputy",
        display_name: "刘志强",
        role: Role::DeputyHead,
        department: "230100",
        phone: "0451-86361002",
    },
    DemoAccount {
        username: "hrb_head",
        display_name: "陈海涛",
        role: Role::Head,
        department: "230100",
        phone: "0451-86361003",
    },
    DemoAccount {
        username: "hrb_inspector",
        display_name: "赵明",
        role: Role::Inspector,
        department: "230100-01",
        phone: "13904510001",
    },
    DemoAccount {
        username: "hrb_inspector2",
        display_name: "马骏",
        role: Role::Inspector,
        department: "230100-01",
        phone: "13904510002",
    },
    DemoAccount {
        username: "daoli_admin",
        display_name: "孙丽娟",
        role: Role::DepartmentAdmin,
        department: "230102",
        phone: "0451-84651001",
    },
    DemoAccount {
        username: "nangang_admin",
        display_name: "周伟",
        role: Role::DepartmentAdmin,
        department: "230103",
        phone: "0451-82631001",
    },
    DemoAccount {
        username: "qqhr_admin",
        display_name: "吴晓东",
        role: Role::DepartmentAdmin,
        department: "230200",
        phone: "0452-2401001",
    },
];

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DemoReport {
    pub units_added: usize,
    pub users_added: usize,
    pub items_added: usize,
    pub directory_added: usize,
    pub plans_added: usize,
    pub tasks_added: usize,
    /// Inspections outside 双随机 (第三条).
    pub outside_added: usize,
    /// Tasks whose results are entered, and published ([`App::load_full_demo`] only).
    pub entered_added: usize,
    pub published_added: usize,
}

impl App {
    /// Everything the demo has: accounts, items, directories, plans, tasks with
    /// their teams, and inspections outside 双随机. Loading twice adds nothing.
    pub async fn load_demo(&self) -> Result<DemoReport, AppError> {
        self.load_demo_in_order(false).await
    }

    /// What `spotcheck demo` loads: [`App::load_demo`]'s records with, in the
    /// order of the year, the June task published on time (before the
    /// autumn's tasks and inspections, so that its draw and staffing see the
    /// directory as June did), and the finished third-quarter task.
    pub async fn load_full_demo(&self) -> Result<DemoReport, AppError> {
        let mut report = self.load_demo_in_order(true).await?;
        report.entered_added = self.load_demo_inspections().await?;
        Ok(report)
    }

    async fn load_demo_in_order(&self, published: bool) -> Result<DemoReport, AppError> {
        let mut report = self.load_demo_accounts().await?;
        report.items_added = self.load_demo_items().await?;
        report.directory_added = self.load_demo_directory().await?;
        report.plans_added = self.load_demo_plans().await?;
        if published {
            report.published_added = self.load_demo_published().await?;
        }
        report.tasks_added = self.load_demo_tasks().await?;
        report.outside_added = self.load_demo_outside().await?;
        Ok(report)
    }

    /// Only the executing units and one account per role (for tests of
    /// mechanics that the demo's own records would disturb, such as counting messages).
    pub async fn load_demo_accounts(&self) -> Result<DemoReport, AppError> {
        let now = self.now();
        let hash = tokio::task::spawn_blocking(|| hash_password(DEMO_PASSWORD))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))??;
        let root = departments::root(self.store().conn())
            .await?
            .ok_or_else(|| AppError::Internal("请先初始化部门".into()))?;
        let tx = self.store().begin().await?;
        let mut report = DemoReport::default();
        let by = By::system(root.code.as_str(), RequestMeta::cli());
        for (code, name, parent) in UNITS {
            let code = DepartmentCode::parse(code).map_err(AppError::Internal)?;
            let division = code.division();
            if ensure_department(
                &tx,
                &code,
                name,
                DepartmentKind::ExecutingUnit,
                division.as_str(),
                Some(parent),
                now,
            )
            .await?
            {
                report.units_added += 1;
                record(
                    &tx,
                    &by,
                    Change::new(AuditAction::DepartmentCreated, "department", code.as_str())
                        .in_department(code.as_str())
                        .summary(format!("演示数据：设立执行单位 {name}（{code}）")),
                )
                .await?;
            }
        }
        for a in ACCOUNTS {
            if users::by_username(&tx, a.username).await?.is_some() {
                continue;
            }
            let dept = departments::by_code(&tx, a.department)
                .await?
                .ok_or_else(|| AppError::Internal(format!("演示部门{}不存在", a.department)))?;
            let row = users::insert(
                &tx,
                NewUser {
                    username: a.username,
                    display_name: a.display_name,
                    role: a.role,
                    department_id: dept.id,
                    phone: a.phone,
                    password_hash: &hash,
                    must_change_password: true,
                    now,
                },
            )
            .await?;
            record(
                &tx,
                &by,
                Change::new(AuditAction::UserCreated, "user", row.id)
                    .in_department(a.department)
                    .summary(format!(
                        "演示数据：新增用户 {}（{}，{}）",
                        a.username,
                        a.display_name,
                        a.role.label()
                    ))
                    .after(
                        serde_json::json!({"username": a.username, "role": a.role.code(), "department": a.department}),
                    ),
            )
            .await?;
            report.users_added += 1;
        }
        if report != DemoReport::default() {
            record(
                &tx,
                &by,
                Change::new(AuditAction::DemoLoaded, "system", root.code.as_str())
                    .in_department(root.code.as_str())
                    .summary(format!(
                        "载入演示数据：执行单位{}个、账号{}个",
                        report.units_added, report.users_added
                    )),
            )
            .await?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(report)
    }
}
