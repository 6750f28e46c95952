//! `spotcheck`: the one binary of the platform. Every command that touches
//! data takes `--data-dir` and `--database-url` (or `SPOTCHECK_DATA_DIR` and
//! `SPOTCHECK_DATABASE_URL`); every error is one Chinese line and a non-zero
//! exit status.

#![forbid(unsafe_code)]

mod commands;
mod verify;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// 黑龙江省住建系统“双随机、一公开”监管平台
#[derive(Parser)]
#[command(name = "spotcheck", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the data lives.
#[derive(Args, Clone, Debug)]
struct DataArgs {
    /// 数据目录：SQLite 数据库 spotcheck.db 与平台密钥 secret.key 所在目录
    #[arg(long, env = "SPOTCHECK_DATA_DIR", default_value = "./spotcheck-data")]
    data_dir: PathBuf,
    /// PostgreSQL 连接串（postgres://…）；不填则使用数据目录中的 SQLite
    #[arg(long, env = "SPOTCHECK_DATABASE_URL")]
    database_url: Option<String>,
    /// 平台密钥文件（加密身份证号、动态口令密钥）；默认为 <数据目录>/secret.key。多台服务器须使用同一密钥
    #[arg(long, env = "SPOTCHECK_KEY_FILE")]
    key_file: Option<PathBuf>,
    /// 证据文件存放的 S3 兼容对象存储地址（http(s)://…）；不填则存放在 <数据目录>/evidence。多台服务器须使用对象存储
    #[arg(long, env = "SPOTCHECK_EVIDENCE_S3_ENDPOINT")]
    evidence_s3_endpoint: Option<String>,
    /// 对象存储的存储桶
    #[arg(long, env = "SPOTCHECK_EVIDENCE_S3_BUCKET", default_value = "spotcheck-evidence")]
    evidence_s3_bucket: String,
    /// 对象存储的区域
    #[arg(long, env = "SPOTCHECK_EVIDENCE_S3_REGION", default_value = "us-east-1")]
    evidence_s3_region: String,
    /// 对象存储的访问密钥 ID
    #[arg(long, env = "SPOTCHECK_EVIDENCE_S3_ACCESS_KEY_ID", default_value = "")]
    evidence_s3_access_key_id: String,
    /// 对象存储的访问密钥
    #[arg(
        long,
        env = "SPOTCHECK_EVIDENCE_S3_SECRET_ACCESS_KEY",
        default_value = "",
        hide_env_values = true
    )]
    evidence_s3_secret_access_key: String,
    /// 单个证据文件的大小上限（MB）
    #[arg(long, env = "SPOTCHECK_EVIDENCE_MAX_MB", default_value_t = 2048)]
    evidence_max_mb: u64,
    /// 生成检查文书所用字体的目录（须含中文字体），可重复
    #[arg(
        long = "font-dir",
        env = "SPOTCHECK_FONT_DIRS",
        value_delimiter = ':',
        default_value = "/usr/share/fonts"
    )]
    font_dirs: Vec<PathBuf>,
}

/// Security settings a deployment may change.
#[derive(Args, Clone, Debug)]
struct PolicyArgs {
    /// 省级管理员与审计员是否必须使用动态口令
    #[arg(long, env = "SPOTCHECK_REQUIRE_TOTP", default_value_t = true, action = clap::ArgAction::Set)]
    require_totp: bool,
    /// 会话无操作超时（分钟）
    #[arg(long, env = "SPOTCHECK_SESSION_IDLE_MINUTES", default_value_t = 30)]
    session_idle_minutes: i64,
    /// 连续登录失败多少次锁定账号
    #[arg(long, env = "SPOTCHECK_LOCKOUT_FAILURES", default_value_t = 5)]
    lockout_failures: u32,
    /// 锁定时长（分钟）
    #[arg(long, env = "SPOTCHECK_LOCKOUT_MINUTES", default_value_t = 30)]
    lockout_minutes: i64,
    /// 密码最小长度
    #[arg(long, env = "SPOTCHECK_PASSWORD_MIN_LENGTH", default_value_t = 8)]
    password_min_length: usize,
    /// 密码须包含的字符类别数（大写、小写、数字、特殊字符中的几类）
    #[arg(long, env = "SPOTCHECK_PASSWORD_MIN_KINDS", default_value_t = 3)]
    password_min_kinds: usize,
}

/// The optional outbound channel for 站内消息 (SMS gateway or e-mail relay).
#[derive(Args, Clone, Debug)]
struct OutboundArgs {
    /// 站内消息外发渠道（短信网关或邮件中继）的地址：每条消息以 JSON POST 发送；不填则只在平台内提示
    #[arg(long, env = "SPOTCHECK_OUTBOUND_WEBHOOK_URL")]
    outbound_webhook_url: Option<String>,
    /// 外发渠道的访问令牌（以 Authorization: Bearer 发送）
    #[arg(long, env = "SPOTCHECK_OUTBOUND_WEBHOOK_TOKEN", hide_env_values = true)]
    outbound_webhook_token: Option<String>,
    /// 平台对外访问地址（如 https://jg.example.gov.cn），外发消息中的链接据此写成完整地址
    #[arg(long, env = "SPOTCHECK_PUBLIC_URL")]
    public_url: Option<String>,
}

#[derive(Args, Clone, Debug)]
struct ServeArgs {
    /// 监听地址
    #[arg(long, env = "SPOTCHECK_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// 本服务位于终止 TLS 的反向代理之后（允许监听非本机地址，Cookie 加 Secure，响应加 HSTS）
    #[arg(long, env = "SPOTCHECK_BEHIND_TLS_PROXY", default_value_t = false)]
    behind_tls_proxy: bool,
    /// 公开网站每个访问者每秒可请求的次数（0 为不限，仅用于性能测试）；核验码相关的请求另限每分钟 10 次
    #[arg(long, env = "SPOTCHECK_PUBLIC_RATE", default_value_t = 20)]
    public_rate: u32,
}

#[derive(Subcommand)]
enum Command {
    /// 创建或升级数据库，初始化行政区划与住建部门（--demo 同时载入演示数据）
    Init {
        #[command(flatten)]
        data: DataArgs,
        /// 同时载入演示数据（可重复运行，不会重复创建）
        #[arg(long)]
        demo: bool,
    },
    /// 启动平台
    Serve {
        #[command(flatten)]
        data: DataArgs,
        #[command(flatten)]
        serve: ServeArgs,
        #[command(flatten)]
        policy: PolicyArgs,
        #[command(flatten)]
        outbound: OutboundArgs,
    },
    /// 初始化并载入演示数据后启动平台，打印访问地址和各角色演示账号
    Demo {
        #[command(flatten)]
        data: DataArgs,
        #[command(flatten)]
        serve: ServeArgs,
    },
    /// 用户管理
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// 审计链
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// 工作日计算（按国务院放假安排，含调休）
    Workdays {
        #[command(subcommand)]
        command: WorkdaysCommand,
    },
    /// 在线备份 SQLite 数据库（PostgreSQL 请使用 pg_dump）
    Backup {
        #[command(flatten)]
        data: DataArgs,
        /// 备份文件路径（不得已存在）
        #[arg(long)]
        to: PathBuf,
    },
    /// 按模板导入名录：企业、从业人员、工程项目或检查人员（.xlsx、.xls、.csv）
    Import {
        #[command(flatten)]
        data: DataArgs,
        /// 名录类型：企业、从业人员、工程项目、检查人员
        kind: String,
        /// 填好的模板文件
        file: PathBuf,
        /// 导入到哪个部门的名录（部门编码，如 230102）
        #[arg(long)]
        department: String,
        /// 以 JSON 输出结果：{"imported":N,"updated":N,"rejected":[{"row":R,"errors":["…"]}]}
        #[arg(long)]
        json: bool,
    },
    /// 载入全省名录（供各部门认领）：企业、从业人员或工程项目
    Master {
        #[command(flatten)]
        data: DataArgs,
        kind: String,
        file: PathBuf,
    },
    /// 验证公开的随机抽取记录（spotcheck-draw-v1）
    Verify {
        /// 记录文件：单条记录、记录列表或测试向量文件
        files: Vec<PathBuf>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// 新增用户，密码从标准输入读取
    Add {
        #[command(flatten)]
        data: DataArgs,
        /// 用户名（3–32位小写字母、数字或 _ . -）
        #[arg(long)]
        username: String,
        /// 角色：province_admin 省级管理员, department_admin 部门管理员, deputy_head 分管负责人, head 主要负责人, inspector 检查人员, auditor 审计员
        #[arg(long)]
        role: String,
        /// 所属部门编码，如 230000（省厅）、230102（道里区）、230100-01（执行单位）
        #[arg(long)]
        department: String,
        /// 姓名（默认同用户名）
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Subcommand)]
enum WorkdaysCommand {
    /// 打印 DATE 之后第 N 个工作日（不含 DATE 当日），如 `workdays add 2025-09-26 20` 打印 2025-10-30
    Add {
        /// 起算日期（年-月-日）
        date: String,
        /// 工作日数
        n: u32,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// 逐条重算审计链哈希；发现改动、删除或调换时以非零状态退出并指出第一条问题记录
    Verify {
        #[command(flatten)]
        data: DataArgs,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            let detail = e.to_string();
            let first = detail.lines().next().unwrap_or("").trim_start_matches("error: ");
            eprintln!("错误：命令行参数无效（{first}）。运行 spotcheck --help 查看用法");
            return ExitCode::from(2);
        }
    };
    if let Command::Verify { files } = &cli.command {
        return verify::run(files);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("错误：无法启动运行时：{e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli.command)) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("错误：{message}");
            ExitCode::FAILURE
        }
    }
}
