//! Demo directories: enterprises, practitioners and projects for the demo
//! departments (哈尔滨市, 道里区, 南岗区, 齐齐哈尔市), a province master list with
//! entries still to claim, inspectors of every demo unit (two of them linked to
//! the demo inspector accounts), experts, and a declared conflict. Generated
//! deterministically, with valid codes; loaded once.

use crate::audit::{By, Change, record};
use crate::objects::{inspector_data, object_data};
use crate::{App, AppError, RequestMeta};
use chrono::NaiveDate;
use spotcheck_domain::audit::AuditAction;
use spotcheck_domain::credit_code;
use spotcheck_domain::department::DepartmentCode;
use spotcheck_domain::directory::{
    EnforcementCertNo, EnterpriseRecord, InspectorRecord, PractitionerRecord, ProjectCode, ProjectRecord, Record,
    RegistrationCertNo, RiskInfo,
};
use spotcheck_domain::division::DivisionCode;
use spotcheck_domain::id_number::{self, IdNumber};
use spotcheck_domain::vocab::{InspectorStatus, ProjectStage, RiskClass};
use spotcheck_store::StoreError;
use spotcheck_store::departments;
use spotcheck_store::inspectors::{self, ExpertData};
use spotcheck_store::objects::{self, ObjectData, Source};

/// A small deterministic generator (xorshift): the same demo every time.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const PREFIXES: &[&str] = &[
    "龙江",
    "冰城",
    "松花江",
    "北方",
    "黑土",
    "兴安",
    "三江",
    "鸿达",
    "恒泰",
    "鑫源",
    "华厦",
    "金桥",
    "万达",
    "宏图",
    "远大",
    "瑞丰",
    "东升",
    "福瑞",
    "嘉禾",
    "新城",
    "润丰",
    "广厦",
    "天成",
    "众诚",
    "盛华",
    "百联",
];
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗",
];
const GIVEN: &[&str] = &[
    "建华", "志强", "海燕", "丽娟", "国庆", "晓东", "秀英", "立新", "桂兰", "永明", "春雷", "红梅", "文博", "佳慧",
    "子涵", "浩然", "雪松", "晨阳",
];
const STREETS: &[&str] = &[
    "中央大街",
    "红军街",
    "学府路",
    "长江路",
    "友谊路",
    "和兴路",
    "文昌街",
    "哈平路",
    "民主路",
    "卜奎大街",
];

/// Enterprise kinds of the demo with the name suffix they carry.
const KINDS: &[(&str, &str)] = &[
    ("建筑业企业", "建筑工程有限公司"),
    ("建筑业企业", "建设集团有限公司"),
    ("房地产开发企业", "房地产开发有限公司"),
    ("工程监理企业", "工程监理有限公司"),
    ("物业服务企业", "物业服务有限公司"),
    ("建设工程质量检测机构", "建设工程质量检测有限公司"),
    ("燃气经营企业", "燃气有限公司"),
    ("房地产经纪机构", "房地产经纪有限公司"),
    ("预拌混凝土生产企业", "商品混凝土有限公司"),
    ("建设单位", "置业有限公司"),
];

fn credit_code_for(division: &str, n: u64) -> credit_code::CreditCode {
    const CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut body = String::from("MA");
    let mut x = n.wrapping_mul(2654435761).wrapping_add(977);
    for _ in 0..6 {
        body.push(CHARS[(x % 31) as usize] as char);
        x /= 31;
    }
    let org = format!("{body}{}", credit_code::org_code_check_char(&body).expect("valid body"));
    let first17 = format!("91{division}{org}");
    let code = format!("{first17}{}", credit_code::check_char(&first17).expect("valid"));
    credit_code::CreditCode::parse(&code).expect("generated codes are valid")
}

fn id_for(division: &str, rng: &mut Rng, today: NaiveDate) -> IdNumber {
    let year = 1965 + rng.below(30);
    let month = 1 + rng.below(12);
    let day = 1 + rng.below(28);
    let first17 = format!("{division}{year}{month:02}{day:02}{:03}", rng.below(999));
    IdNumber::parse(
        &format!("{first17}{}", id_number::check_char(&first17).expect("digits")),
        today,
    )
    .expect("valid")
}

fn risk(rng: &mut Rng) -> RiskInfo {
    let r = rng.below(100);
    let risk_class = match r {
        0..40 => RiskClass::A,
        40..75 => RiskClass::B,
        75..93 => RiskClass::C,
        _ => RiskClass::D,
    };
    RiskInfo {
        risk_class,
        abnormal: rng.chance(4),
        key_focus: rng.chance(5),
        serious_violation: rng.chance(2),
        complaints: [0, 0, 0, 0, 1, 1, 2, 3, 5][rng.below(9)],
    }
}

fn name(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

/// (department code, division, area name, enterprises, practitioners, projects)
const DEPARTMENTS: &[(&str, &str, &str, usize, usize, usize)] = &[
    ("230100", "230102", "哈尔滨", 60, 24, 20),
    ("230102", "230102", "道里", 48, 16, 14),
    ("230103", "230103", "南岗", 40, 12, 12),
    ("230200", "230202", "齐齐哈尔", 40, 12, 12),
];

/// Inspectors per unit: (department code, count).
const INSPECTOR_UNITS: &[(&str, usize)] = &[
    ("230000-01", 6),
    ("230100-01", 12),
    ("230100-02", 8),
    ("230102-01", 8),
    ("230103", 6),
    ("230200-01", 8),
];

const TITLES: &[&str] = &[
    "科长",
    "副科长",
    "一级主任科员",
    "四级主任科员",
    "科员",
    "执法队长",
    "执法队员",
];
const FIELD_GROUPS: &[&[&str]] = &[
    &["建筑市场", "工程质量", "施工安全"],
    &["工程质量", "质量检测"],
    &["施工安全", "建筑起重机械"],
    &["房地产开发", "房地产市场"],
    &["物业管理", "房地产市场"],
    &["城镇燃气", "施工安全"],
    &["建筑市场", "招标投标", "农民工工资"],
    &["勘察设计", "施工图审查", "消防设计审查验收"],
    &["工程监理", "注册执业人员"],
    &["工程造价", "建筑市场"],
];

impl App {
    /// Loads the demo directories unless they are already there.
    pub(crate) async fn load_demo_directory(&self) -> Result<usize, AppError> {
        let db = self.store().conn();
        let Some(harbin) = departments::by_code(db, "230100").await? else {
            return Ok(0);
        };
        if !objects::by_keys(
            db,
            harbin.id,
            "enterprise",
            &[credit_code_for("230102", 1).as_str().to_string()],
        )
        .await?
        .is_empty()
        {
            return Ok(0);
        }
        let today = self.today();
        let now = self.now();
        let sealer = self.sealer().clone();
        let mut rng = Rng(0x5eed_2026_1127);
        let root = departments::root(db)
            .await?
            .ok_or_else(|| AppError::Internal("请先初始化部门".into()))?;
        let by = By::system(root.code.as_str(), RequestMeta::cli());
        let tx = self.store().begin().await?;
        let mut total = 0usize;
        let mut serial = 0u64;
        for (dept_code, division, area, n_ent, n_prac, n_proj) in DEPARTMENTS {
            let dept = departments::by_code(&tx, dept_code)
                .await?
                .ok_or_else(|| AppError::Internal(format!("部门{dept_code}不存在")))?;
            let div = DivisionCode::parse(division).map_err(AppError::Internal)?;
            let mut enterprises: Vec<(String, String)> = Vec::new();
            let mut rows: Vec<ObjectData> = Vec::new();
            for i in 0..*n_ent {
                serial += 1;
                let (kind, suffix) = KINDS[i % KINDS.len()];
                let code = credit_code_for(division, serial);
                let ent_name = format!(
                    "{}{}{}{}",
                    if i % 3 == 0 { "黑龙江" } else { area },
                    rng.pick(PREFIXES),
                    rng.pick(PREFIXES),
                    suffix
                );
                enterprises.push((code.as_str().to_string(), kind.to_string()));
                let rec = Record::Enterprise(EnterpriseRecord {
                    credit_code: code,
                    name: ent_name,
                    legal_rep: Some(name(&mut rng)),
                    address: Some(format!("{area}{}{}号", rng.pick(STREETS), 1 + rng.below(300))),
                    division: div.clone(),
                    kinds: vec![kind.to_string()],
                    risk: risk(&mut rng),
                    phone: Some(format!("0451-8{:07}", rng.below(9_999_999))),
                });
                rows.push(object_data(&rec, &sealer).expect("object"));
            }
            let builders: Vec<&String> = enterprises
                .iter()
                .filter(|e| e.1 == "建设单位" || e.1 == "房地产开发企业")
                .map(|e| &e.0)
                .collect();
            let contractors: Vec<&String> = enterprises
                .iter()
                .filter(|e| e.1 == "建筑业企业")
                .map(|e| &e.0)
                .collect();
            let supervisors: Vec<&String> = enterprises
                .iter()
                .filter(|e| e.1 == "工程监理企业")
                .map(|e| &e.0)
                .collect();
            for i in 0..*n_prac {
                let quals = [
                    "一级注册建造师",
                    "二级注册建造师",
                    "注册监理工程师",
                    "一级注册造价工程师",
                    "注册房地产估价师",
                ];
                let rec = Record::Practitioner(PractitionerRecord {
                    cert_no: RegistrationCertNo::parse(&format!(
                        "黑{}{}{:05}",
                        1 + i % 2,
                        2016 + i % 9,
                        10_000 + rng.below(89_999)
                    ))
                    .map_err(AppError::Internal)?,
                    name: name(&mut rng),
                    id_number: id_for(division, &mut rng, today),
                    qualification: quals[i % quals.len()].to_string(),
                    employer: credit_code::CreditCode::parse(contractors[i % contractors.len()]).expect("valid"),
                    division: div.clone(),
                    risk: risk(&mut rng),
                });
                rows.push(object_data(&rec, &sealer).expect("object"));
            }
            for i in 0..*n_proj {
                let stage = match rng.below(20) {
                    0 => ProjectStage::Suspended,
                    1..6 => ProjectStage::Completed,
                    _ => ProjectStage::UnderConstruction,
                };
                let year = 2024 + (i % 3) as i32;
                let kinds = [
                    "小区",
                    "学校综合楼",
                    "医院门诊楼",
                    "商业综合体",
                    "保障性住房",
                    "产业园厂房",
                ];
                let rec = Record::Project(ProjectRecord {
                    code: ProjectCode::parse(&format!("{year}-{division}-47-01-{:06}", 100_000 + rng.below(899_999)))
                        .map_err(AppError::Internal)?,
                    name: format!(
                        "{area}{}{}{}号楼工程",
                        rng.pick(PREFIXES),
                        kinds[i % kinds.len()],
                        1 + i % 12
                    ),
                    builder: credit_code::CreditCode::parse(builders[i % builders.len()]).expect("valid"),
                    contractor: credit_code::CreditCode::parse(contractors[(i + 1) % contractors.len()])
                        .expect("valid"),
                    supervisor: Some(
                        credit_code::CreditCode::parse(supervisors[i % supervisors.len()]).expect("valid"),
                    ),
                    address: Some(format!("{area}{}{}号", rng.pick(STREETS), 1 + rng.below(300))),
                    division: div.clone(),
                    stage,
                    start_date: NaiveDate::from_ymd_opt(year, 3 + (i % 6) as u32, 1 + (i % 27) as u32),
                    risk: risk(&mut rng),
                });
                rows.push(object_data(&rec, &sealer).expect("object"));
            }
            // Keys must be unique within a department's directory.
            rows.sort_by(|a, b| (&a.kind, &a.key_code).cmp(&(&b.kind, &b.key_code)));
            rows.dedup_by(|a, b| a.kind == b.kind && a.key_code == b.key_code);
            for chunk in rows.chunks(100) {
                objects::insert_many(&tx, dept.id, chunk, Source::Import, now).await?;
            }
            total += rows.len();
            record(
                &tx,
                &by,
                Change::new(AuditAction::ObjectsImported, "directory", dept.code.as_str())
                    .in_department(dept.code.as_str())
                    .summary(format!("演示数据：{}名录{}条", dept.name, rows.len())),
            )
            .await?;
        }

        // The province's master list: entries across the demo divisions, some still unclaimed.
        let mut master = Vec::new();
        for (division, area) in [
            ("230102", "道里"),
            ("230103", "南岗"),
            ("230104", "道外"),
            ("230202", "齐齐哈尔"),
        ] {
            for i in 0..12 {
                serial += 1;
                let (kind, suffix) = KINDS[i % KINDS.len()];
                let rec = Record::Enterprise(EnterpriseRecord {
                    credit_code: credit_code_for(division, 10_000 + serial),
                    name: format!("{area}{}{}{}", rng.pick(PREFIXES), rng.pick(PREFIXES), suffix),
                    legal_rep: Some(name(&mut rng)),
                    address: Some(format!("{area}{}{}号", rng.pick(STREETS), 1 + rng.below(300))),
                    division: DivisionCode::parse(division).map_err(AppError::Internal)?,
                    kinds: vec![kind.to_string()],
                    risk: risk(&mut rng),
                    phone: None,
                });
                master.push(object_data(&rec, &sealer).expect("object"));
            }
        }
        objects::upsert_master(&tx, &master, now).await?;
        record(
            &tx,
            &by,
            Change::new(AuditAction::MasterListLoaded, "directory", root.code.as_str())
                .in_department(root.code.as_str())
                .summary(format!("演示数据：全省企业名录{}条", master.len())),
        )
        .await?;

        // Inspectors of every demo unit; the first two of 执法支队 are the demo inspector accounts.
        let mut n = 0u32;
        for (dept_code, count) in INSPECTOR_UNITS {
            let dept = departments::by_code(&tx, dept_code)
                .await?
                .ok_or_else(|| AppError::Internal(format!("部门{dept_code}不存在")))?;
            for i in 0..*count {
                n += 1;
                // The demo inspector account holds the qualifications of the
                // demo tasks' items, so its home page shows real assignments.
                let fields: &[&str] = match (*dept_code, i) {
                    ("230100-01", 0) => &["建筑市场", "施工安全", "房地产开发"],
                    // A third holder of 房地产开发 beside 赵明 and the group's
                    // own: a team of two can still be drawn for an object
                    // that one of them inspected last time.
                    ("230100-01", 2) => &["工程造价", "建筑市场", "房地产开发"],
                    _ => FIELD_GROUPS[(n as usize) % FIELD_GROUPS.len()],
                };
                let status = match n % 17 {
                    5 => InspectorStatus::OnLeave,
                    11 => InspectorStatus::Seconded,
                    _ => InspectorStatus::OnDuty,
                };
                let person = match (*dept_code, i) {
                    ("230100-01", 0) => "赵明".to_string(),
                    ("230100-01", 1) => "马骏".to_string(),
                    _ => name(&mut rng),
                };
                let rec = Record::Inspector(InspectorRecord {
                    name: person,
                    cert_no: EnforcementCertNo::parse(&format!("{}{:04}", &dept_code[..6], 1000 + n))
                        .map_err(AppError::Internal)?,
                    id_number: id_for(&dept_code[..6], &mut rng, today),
                    title: Some(TITLES[(n as usize) % TITLES.len()].to_string()),
                    department: DepartmentCode::parse(dept_code).map_err(AppError::Internal)?,
                    qualifications: fields.iter().map(|s| s.to_string()).collect(),
                    non_business: None,
                    // A few certificates run out soon or have run out: the draw must notice.
                    cert_valid_until: NaiveDate::from_ymd_opt(
                        if n.is_multiple_of(13) {
                            2026
                        } else {
                            2028 + (n % 3) as i32
                        },
                        12,
                        31,
                    )
                    .expect("date"),
                    phone: Some(format!("139{:08}", 45_100_000 + n)),
                    status,
                    status_since: (status != InspectorStatus::OnDuty)
                        .then(|| NaiveDate::from_ymd_opt(2026, 11, 1).expect("date")),
                    status_until: (status != InspectorStatus::OnDuty)
                        .then(|| NaiveDate::from_ymd_opt(2027, 1, 31).expect("date")),
                });
                let (data, _) = inspector_data(&rec, &sealer).expect("inspector");
                let row = inspectors::insert(&tx, dept.id, &data, now).await?;
                let username = match (*dept_code, i) {
                    ("230100-01", 0) => Some("hrb_inspector"),
                    ("230100-01", 1) => Some("hrb_inspector2"),
                    _ => None,
                };
                if let Some(u) = username
                    && let Some(user) = spotcheck_store::users::by_username(&tx, u).await?
                {
                    inspectors::link_user(&tx, row.id, Some(user.id)).await?;
                }
                total += 1;
            }
            record(
                &tx,
                &by,
                Change::new(AuditAction::InspectorCreated, "directory", dept.code.as_str())
                    .in_department(dept.code.as_str())
                    .summary(format!("演示数据：{}检查人员{}名", dept.name, count)),
            )
            .await?;
        }

        for (dept_code, name, org, kind, expertise) in [
            (
                "230000",
                "孙立军",
                "黑龙江省建设工程质量检测中心",
                "检测机构",
                "混凝土结构检测、钢结构检测",
            ),
            (
                "230000",
                "钱学文",
                "哈尔滨工业大学土木工程学院",
                "高等院校",
                "岩土工程、深基坑支护",
            ),
            (
                "230000",
                "周丽华",
                "黑龙江省寒地建筑科学研究院",
                "科研院所",
                "建筑节能、寒地建筑材料",
            ),
            ("230000", "吴振国", "黑龙江省燃气协会", "其他", "城镇燃气安全"),
            (
                "230100",
                "郑海涛",
                "哈尔滨市建筑工程质量检测站",
                "检测机构",
                "建设工程质量检测",
            ),
            (
                "230100",
                "冯雪",
                "东北林业大学土木与交通学院",
                "高等院校",
                "建筑起重机械、施工安全",
            ),
        ] {
            let dept = departments::by_code(&tx, dept_code)
                .await?
                .ok_or_else(|| AppError::Internal("部门不存在".into()))?;
            inspectors::insert_expert(
                &tx,
                dept.id,
                &ExpertData {
                    name: name.into(),
                    organisation: org.into(),
                    organisation_kind: kind.into(),
                    expertise: expertise.into(),
                    phone: String::new(),
                },
                now,
            )
            .await?;
        }
        record(
            &tx,
            &by,
            Change::new(AuditAction::ExpertCreated, "directory", root.code.as_str())
                .in_department(root.code.as_str())
                .summary("演示数据：专家6名"),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(total)
    }
}
