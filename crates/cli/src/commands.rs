//! What each command does, on top of the use cases of spotcheck-app.

use crate::{AuditCommand, Command, DataArgs, OutboundArgs, PolicyArgs, ServeArgs, UserCommand, WorkdaysCommand};
use spotcheck_app::crypto::Sealer;
use spotcheck_app::demo::{ACCOUNTS, DEMO_PASSWORD};
use spotcheck_app::import::ImportRequest;
use spotcheck_app::store::{Store, Target};
use spotcheck_app::{App, AppError, Settings};
use spotcheck_domain::directory::ListKind;
use spotcheck_domain::lockout::LockoutPolicy;
use spotcheck_domain::password::PasswordPolicy;
use spotcheck_domain::role::Role;
use spotcheck_evidence::{EvidenceConfig, EvidenceStore, S3Config};
use std::process::ExitCode;
use tokio::io::AsyncReadExt;

type CmdResult = Result<ExitCode, String>;

impl DataArgs {
    fn target(&self) -> Target {
        match &self.database_url {
            Some(url) if !url.trim().is_empty() => Target::Postgres(url.trim().to_string()),
            _ => Target::Sqlite(self.data_dir.join("spotcheck.db")),
        }
    }

    fn key_path(&self) -> std::path::PathBuf {
        self.key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("secret.key"))
    }

    fn check_url(&self) -> Result<(), String> {
        if let Some(url) = self.database_url.as_deref().map(str::trim).filter(|u| !u.is_empty())
            && !(url.starts_with("postgres://") || url.starts_with("postgresql://"))
        {
            return Err(format!("数据库连接串须以 postgres:// 开头，实际为“{url}”"));
        }
        Ok(())
    }

    /// Where evidence files go: the S3-compatible store when configured, else
    /// `<data dir>/evidence`.
    fn evidence(&self) -> Result<EvidenceStore, String> {
        let mut config = match self
            .evidence_s3_endpoint
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            Some(endpoint) => EvidenceConfig::s3(S3Config {
                endpoint: endpoint.to_string(),
                region: self.evidence_s3_region.clone(),
                bucket: self.evidence_s3_bucket.clone(),
                access_key_id: self.evidence_s3_access_key_id.clone(),
                secret_access_key: self.evidence_s3_secret_access_key.clone(),
                path_style: true,
                copy_if_not_exists: "multipart".into(),
            }),
            None => EvidenceConfig::local(&self.data_dir),
        };
        config.max_file_size = self.evidence_max_mb.saturating_mul(1024 * 1024);
        EvidenceStore::open(&config).map_err(|e| e.to_string())
    }

    /// Opens (creating and migrating) the database, the platform key and the evidence store.
    async fn open(&self, mut settings: Settings) -> Result<App, String> {
        self.check_url()?;
        let store = Store::open(&self.target()).await.map_err(|e| e.to_string())?;
        let sealer = Sealer::load_or_create(&self.key_path()).map_err(|e| e.to_string())?;
        settings.font_dirs = self.font_dirs.clone();
        Ok(App::new(store, settings, sealer).with_evidence(self.evidence()?))
    }

    /// Opens an existing database without creating anything.
    async fn open_existing(&self) -> Result<Store, String> {
        self.check_url()?;
        let target = self.target();
        if let Target::Sqlite(path) = &target
            && !path.exists()
        {
            return Err(format!("数据库 {} 不存在，请先运行 spotcheck init", path.display()));
        }
        Store::connect(&target).await.map_err(|e| e.to_string())
    }
}

impl PolicyArgs {
    fn settings(&self) -> Result<Settings, String> {
        if self.password_min_length < 8 || self.password_min_kinds == 0 || self.password_min_kinds > 4 {
            return Err("密码策略无效：最小长度不得少于8位，字符类别数应在1–4之间".into());
        }
        if self.lockout_failures == 0 || self.lockout_minutes <= 0 || self.session_idle_minutes <= 0 {
            return Err("锁定次数、锁定时长与会话超时都必须大于0".into());
        }
        Ok(Settings {
            password_policy: PasswordPolicy {
                min_length: self.password_min_length,
                min_kinds: self.password_min_kinds,
            },
            lockout: LockoutPolicy {
                max_failures: self.lockout_failures,
                lock_minutes: self.lockout_minutes,
            },
            session_idle_minutes: self.session_idle_minutes,
            require_totp: self.require_totp,
            ..Settings::default()
        })
    }
}

impl OutboundArgs {
    fn settings(&self) -> Result<spotcheck_app::outbound::OutboundSettings, String> {
        let clean = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let o = spotcheck_app::outbound::OutboundSettings {
            webhook_url: clean(&self.outbound_webhook_url),
            webhook_token: clean(&self.outbound_webhook_token),
            link_base: clean(&self.public_url),
            ..Default::default()
        };
        o.validate()?;
        Ok(o)
    }
}

fn err(e: AppError) -> String {
    e.to_string()
}

pub async fn run(cmd: Command) -> CmdResult {
    match cmd {
        Command::Init { data, demo } => init(&data, demo).await,
        Command::Serve {
            data,
            serve,
            policy,
            outbound,
        } => {
            init_logging();
            let mut settings = policy.settings()?;
            settings.outbound = outbound.settings()?;
            let app = data.open(settings).await?;
            app.initialize().await.map_err(err)?;
            serve_app(app, &serve, &data).await
        }
        Command::Demo { data, serve } => {
            init_logging();
            init(&data, true).await?;
            // The demo switches the second factor off so that every printed
            // account can log in with its password alone.
            let settings = Settings {
                require_totp: false,
                ..Settings::default()
            };
            let app = data.open(settings).await?;
            print_demo_logins(&serve);
            serve_app(app, &serve, &data).await
        }
        Command::User {
            command:
                UserCommand::Add {
                    data,
                    username,
                    role,
                    department,
                    name,
                },
        } => {
            let role = Role::parse(&role).ok_or_else(|| {
                format!(
                    "角色“{role}”无效，可选：province_admin、department_admin、deputy_head、head、inspector、auditor"
                )
            })?;
            let password = read_password().await?;
            let app = data.open(Settings::default()).await?;
            app.initialize().await.map_err(err)?;
            app.add_user_cli(&username, name.as_deref(), role, &department, &password)
                .await
                .map_err(err)?;
            println!("已新增用户 {username}（{}，部门 {department}）", role.label());
            Ok(ExitCode::SUCCESS)
        }
        Command::Workdays {
            command: WorkdaysCommand::Add { date, n, data },
        } => workdays_add(&data, &date, n).await,
        Command::Audit {
            command: AuditCommand::Verify { data },
        } => {
            let store = data.open_existing().await?;
            let report = spotcheck_app::store::audit::verify_chain(store.conn())
                .await
                .map_err(|e| e.to_string())?;
            let status = spotcheck_app::audit_log::chain_status(report);
            if status.intact {
                println!("审计链完整：已逐条验证 {} 条记录", status.entries);
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("审计链校验失败：{}", status.problem.unwrap_or_default());
                Ok(ExitCode::FAILURE)
            }
        }
        Command::Backup { data, to } => {
            if data.database_url.as_deref().is_some_and(|u| !u.trim().is_empty()) {
                return Err("PostgreSQL 数据库请使用 pg_dump 备份，例如：pg_dump -Fc -f spotcheck.dump \"$SPOTCHECK_DATABASE_URL\"".into());
            }
            let store = data.open_existing().await?;
            store.backup_to(&to).await.map_err(|e| e.to_string())?;
            println!("已备份到 {}", to.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            data,
            kind,
            file,
            department,
            json,
        } => {
            let kind = ListKind::parse(&kind).map_err(|e| e.to_string())?;
            let app = data.open(Settings::default()).await?;
            app.initialize().await.map_err(err)?;
            if !file.exists() {
                return Err(format!("文件 {} 不存在", file.display()));
            }
            let actor = app.system_actor().await.map_err(err)?;
            let req = ImportRequest {
                kind,
                department_code: department,
                path: file.clone(),
                file_name: file
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default(),
            };
            let summary = app.import_file(&actor, &req).await.map_err(err)?;
            if json {
                let out = serde_json::json!({
                    "imported": summary.imported,
                    "updated": summary.updated,
                    "rejected": summary.rejected,
                });
                println!("{out}");
            } else {
                println!(
                    "导入{}名录：新增 {} 条，更新 {} 条，{} 条有问题未导入",
                    kind.label(),
                    summary.imported,
                    summary.updated,
                    summary.rejected.len()
                );
                for r in &summary.rejected {
                    println!("  第{}行：{}", r.row, r.errors.join("；"));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Master { data, kind, file } => {
            let kind = ListKind::parse(&kind).map_err(|e| e.to_string())?;
            let app = data.open(Settings::default()).await?;
            app.initialize().await.map_err(err)?;
            let actor = app.system_actor().await.map_err(err)?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let s = app.load_master_list(&actor, kind, file, &name).await.map_err(err)?;
            println!(
                "载入全省{}名录：新增 {} 条，更新 {} 条，{} 条有问题未载入",
                kind.label(),
                s.added,
                s.refreshed,
                s.rejected.len()
            );
            for r in &s.rejected {
                println!("  第{}行：{}", r.row, r.errors.join("；"));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify { .. } => unreachable!("handled before the runtime starts"),
    }
}

/// The date `n` working days after `date`: with the province's entered years
/// when a platform database is there, else with the schedules shipped.
async fn workdays_add(data: &DataArgs, date: &str, n: u32) -> CmdResult {
    let from = chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
        .map_err(|_| format!("日期“{date}”应为“年-月-日”，如 2025-09-26"))?;
    let deadline = match data.open_existing().await {
        Ok(store) => {
            let sealer = Sealer::load(&data.key_path()).map_err(|e| e.to_string())?;
            App::new(store, Settings::default(), sealer)
                .work_calendar()
                .await
                .map_err(err)?
                .add_workdays(from, n)
        }
        Err(_) => spotcheck_domain::calendar::WorkCalendar::official().add_workdays(from, n),
    };
    println!("{}", deadline.date);
    if deadline.provisional {
        eprintln!(
            "注意：计算跨越了尚未录入放假安排的年份，仅按周末计算，为暂定日期；省级管理员录入该年放假安排后请重新计算"
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn init(data: &DataArgs, demo: bool) -> CmdResult {
    let app = data.open(Settings::default()).await?;
    let report = app.initialize().await.map_err(err)?;
    println!(
        "数据库已就绪（{}）：新增行政区划 {} 个、住建部门 {} 个",
        data.target().describe(),
        report.divisions_added,
        report.departments_added
    );
    if demo {
        let d = app.load_full_demo().await.map_err(err)?;
        println!(
            "演示数据已就绪：新增执行单位 {} 个、演示账号 {} 个、抽查事项 {} 项、名录条目 {} 条、年度抽查计划 {} 份、抽查任务 {} 个（其中已录入结果 {} 个、已公示 {} 个）、不适用双随机的检查 {} 次",
            d.units_added,
            d.users_added,
            d.items_added,
            d.directory_added,
            d.plans_added,
            d.tasks_added + d.entered_added + d.published_added,
            d.entered_added,
            d.published_added,
            d.outside_added
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn print_demo_logins(serve: &ServeArgs) {
    println!();
    println!("黑龙江省住建系统“双随机、一公开”监管平台（演示）");
    println!("访问地址：http://{}/", serve.listen);
    println!("演示账号（初始密码均为 {DEMO_PASSWORD}，首次登录须修改密码；演示环境不要求动态口令）：");
    for a in ACCOUNTS {
        println!("  {:<6} {:<15} 部门 {}", a.role.label(), a.username, a.department);
    }
    println!();
}

async fn serve_app(app: App, serve: &ServeArgs, data: &DataArgs) -> CmdResult {
    if !serve.listen.ip().is_loopback() && !serve.behind_tls_proxy {
        return Err(format!(
            "拒绝在非本机地址 {} 上以明文 HTTP 提供服务：请将平台置于终止 TLS 的反向代理之后，并加 --behind-tls-proxy",
            serve.listen
        ));
    }
    let listener = tokio::net::TcpListener::bind(serve.listen)
        .await
        .map_err(|e| format!("无法监听 {}：{e}", serve.listen))?;
    tracing::info!(listen = %serve.listen, database = %data.target().describe(), "spotcheck serving");
    println!("平台已启动：http://{}/ （Ctrl+C 停止）", serve.listen);
    let cfg = spotcheck_web::WebConfig {
        behind_tls_proxy: serve.behind_tls_proxy,
        public_rate: serve.public_rate,
        periodic_checks: true,
    };
    spotcheck_web::serve(listener, app, cfg, shutdown_signal())
        .await
        .map_err(|e| format!("服务异常退出：{e}"))?;
    println!("平台已停止");
    Ok(ExitCode::SUCCESS)
}

/// Ctrl+C or SIGTERM: stop accepting, finish what is in flight.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}

/// Structured logs on stderr; `SPOTCHECK_LOG_FORMAT=json` for log collectors.
fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("SPOTCHECK_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("SPOTCHECK_LOG_FORMAT").is_ok_and(|v| v == "json") {
        let _ = builder.json().try_init();
    } else {
        let _ = builder.try_init();
    }
}

/// The password from standard input (one line), never from the command line
/// where other users could read it in the process list.
async fn read_password() -> Result<String, String> {
    let mut s = String::new();
    tokio::io::stdin()
        .read_to_string(&mut s)
        .await
        .map_err(|e| format!("无法读取密码：{e}"))?;
    let p = s.lines().next().unwrap_or("").to_string();
    if p.is_empty() {
        return Err("请从标准输入提供密码，例如：printf '%s\\n' '密码' | spotcheck user add …".into());
    }
    Ok(p)
}
