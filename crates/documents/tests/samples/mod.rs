//! Realistic sample documents: one inspection of a Harbin builder's project,
//! from the notice to the result. Shared by the tests and the
//! `render_samples` example (which includes this file by path).

#![allow(dead_code)]

use chrono::{NaiveDate, NaiveDateTime};
use spotcheck_documents::*;

/// Text with every character that means something in typst markup or HTML.
pub const TRICKY: &str =
    r#"#set text(red) *粗体* _斜体_ $x^2$ [方括号] "引号" \反斜杠 <script>alert(1)</script> @ref // 注释"#;

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

pub const AUTHORITY: &str = "哈尔滨市住房和城乡建设局";
pub const TASK: &str = "2026年度建筑施工安全生产“双随机、一公开”抽查";
pub const URL: &str = "https://spotcheck.zjj.harbin.gov.cn/public/verify";

pub fn issuer(number: &str, date: NaiveDate) -> Issuer {
    Issuer {
        authority: AUTHORITY.into(),
        doc_number: number.into(),
        date,
    }
}

pub fn object() -> InspectionObject {
    InspectionObject {
        name: "哈尔滨松江建筑工程有限公司".into(),
        code: ObjectCode::CreditCode("91230102MA1C4K7X55".into()),
        address: "哈尔滨市道里区友谊路388号松江大厦12层".into(),
        legal_representative: Some("陈建华".into()),
    }
}

pub fn team() -> Vec<Inspector> {
    vec![
        Inspector {
            name: "王立军".into(),
            cert_no: "23010020260015".into(),
            leader: true,
        },
        Inspector {
            name: "刘晓燕".into(),
            cert_no: "23010020260042".into(),
            leader: false,
        },
    ]
}

pub fn contact() -> Person {
    Person {
        name: "张明".into(),
        position: "建筑市场监管处".into(),
        phone: "0451-84662315".into(),
    }
}

pub fn items() -> Vec<String> {
    vec!["建筑施工企业安全生产许可检查".into(), "建设工程质量检查".into()]
}

pub fn finding() -> Finding {
    Finding {
        description: "江畔雅苑二期3号楼12层以上悬挑脚手架（搭设高度24米）专项施工方案未组织专家论证即实施，\
                      东侧部分连墙件缺失。"
            .into(),
        legal_basis: "《危险性较大的分部分项工程安全管理规定》（住房城乡建设部令第37号）第十二条".into(),
        measures: vec![
            Measure::OnSiteRecord,
            Measure::EvidenceTaken,
            Measure::OrderedToStop,
            Measure::Rectification {
                deadline: day(2026, 3, 26),
            },
        ],
    }
}

pub fn result() -> OverallResult {
    OverallResult {
        category: "发现问题已责令改正".into(),
        summary: "检查5项要点，符合3项、不符合1项、不适用1项。".into(),
    }
}

pub fn notice() -> Notice {
    Notice {
        issuer: issuer("哈住建检通〔2026〕12号", day(2026, 3, 6)),
        object: object(),
        task_name: TASK.into(),
        items: items(),
        method: InspectionMethod::OnSite,
        planned_date: day(2026, 3, 12),
        planned_until: None,
        team: team(),
        legal_basis: vec![
            "《建设工程安全生产管理条例》第四十三条".into(),
            "《建筑施工企业安全生产许可证管理规定》（建设部令第128号）第二十三条".into(),
            "《建设工程质量管理条例》第四十七条".into(),
        ],
        materials: vec![
            "企业营业执照、资质证书和安全生产许可证（原件及复印件）".into(),
            "江畔雅苑二期项目的施工组织设计、危险性较大的分部分项工程专项施工方案及论证资料".into(),
            "项目负责人、专职安全生产管理人员的安全生产考核合格证书".into(),
        ],
        contact: contact(),
    }
}

pub fn check_points() -> Vec<CheckPoint> {
    let safety = "建筑施工企业安全生产许可检查";
    vec![
        CheckPoint {
            item: safety.into(),
            content: "安全生产许可证是否在有效期内，企业是否超范围施工".into(),
            result: PointResult::Compliant,
            note: "证书编号（黑）JZ安许证字〔2024〕010235，有效期至2027年5月".into(),
        },
        CheckPoint {
            item: safety.into(),
            content: "项目负责人、专职安全生产管理人员是否持有效的安全生产考核合格证书".into(),
            result: PointResult::Compliant,
            note: String::new(),
        },
        CheckPoint {
            item: safety.into(),
            content: "危险性较大的分部分项工程是否编制专项施工方案并按规定组织专家论证".into(),
            result: PointResult::Noncompliant,
            note: "3号楼悬挑脚手架专项方案未经专家论证".into(),
        },
        CheckPoint {
            item: safety.into(),
            content: "施工现场临时用电是否采用TN-S接零保护系统，是否做到“一机一闸一漏”".into(),
            result: PointResult::Compliant,
            note: String::new(),
        },
        CheckPoint {
            item: "建设工程质量检查".into(),
            content: "原材料进场检验和使用是否符合标准要求".into(),
            result: PointResult::NotApplicable,
            note: "本次检查期间无原材料进场".into(),
        },
    ]
}

pub fn site_record() -> SiteRecord {
    SiteRecord {
        issuer: issuer("哈住建检录〔2026〕12-1号", day(2026, 3, 12)),
        task_name: TASK.into(),
        object: object(),
        started_at: at("2026-03-12 09:30"),
        ended_at: at("2026-03-12 11:45"),
        place: "哈尔滨市松北区世茂大道99号 江畔雅苑二期项目施工现场".into(),
        method: InspectionMethod::OnSite,
        inspectors: team(),
        present: vec![
            Person {
                name: "赵国庆".into(),
                position: "项目经理".into(),
                phone: "13804511234".into(),
            },
            Person {
                name: "孙丽".into(),
                position: "专职安全员".into(),
                phone: "13945067890".into(),
            },
        ],
        recorder: "刘晓燕".into(),
        check_points: check_points(),
        findings: vec![finding()],
        result: result(),
        evidence: vec![
            Evidence {
                file_name: "IMG_20260312_100412.jpg".into(),
                kind: EvidenceKind::Photo,
                sha256: "9f2c1d4b7a0e83f56c2d9b1e4a7f0c3d6e9b2a5f8c1d4e7a0b3c6d9e2f5a8b1c".into(),
            },
            Evidence {
                file_name: "现场检查录像_3号楼.mp4".into(),
                kind: EvidenceKind::Video,
                sha256: "4E1A7B0C3D6F9A2B5C8D1E4F7A0B3C6D9E2F5A8B1C4D7E0F3A6B9C2D5E8F1A4B".into(),
            },
        ],
    }
}

pub fn result_notice() -> ResultNotice {
    ResultNotice {
        issuer: issuer("哈住建检告〔2026〕12号", day(2026, 3, 16)),
        object: object(),
        task_name: TASK.into(),
        inspected_on: day(2026, 3, 12),
        method: InspectionMethod::OnSite,
        items: items(),
        check_points: check_points(),
        result: result(),
        findings: vec![finding()],
        team: team(),
        confirmations: vec![
            Confirmation {
                name: "王立军".into(),
                cert_no: "23010020260015".into(),
                confirmed_at: at("2026-03-13 16:02"),
                method: ConfirmMethod::PasswordReentry,
            },
            Confirmation {
                name: "刘晓燕".into(),
                cert_no: "23010020260042".into(),
                confirmed_at: at("2026-03-13 16:20"),
                method: ConfirmMethod::OneTimeCode,
            },
        ],
        verification_code: "K7Q2-9XPM-3D".into(),
        public_url: URL.into(),
        contact: contact(),
    }
}

pub fn rights_notice() -> RightsNotice {
    RightsNotice {
        issuer: issuer("哈住建检权〔2026〕12号", day(2026, 3, 12)),
        object: object(),
        task_name: TASK.into(),
        team: team(),
        contact: contact(),
        public_url: URL.into(),
    }
}

const STATEMENT_SHORT: &str = "我是哈尔滨松江建筑工程有限公司江畔雅苑二期项目经理赵国庆，受公司委托就3号楼悬挑脚手架问题作如下陈述和申辩。\n\
    一、3号楼悬挑脚手架专项施工方案已于2026年2月20日编制完成并经公司技术负责人审批，专家论证会原定于3月5日召开，\
    因两名专家临时出差推迟至3月18日，我方在论证前先行搭设了12层至14层的脚手架，这是我们的错误。\n\
    二、东侧连墙件缺失是3月11日外墙抹灰作业时工人私自拆除所致，我方已于检查当日下午恢复，并对相关班组进行了处罚。\n\
    三、我方已按检查组要求停止悬挑脚手架上的作业，将于3月18日完成专家论证并按论证意见修改方案，整改报告将于3月26日前报送贵局。\n\
    请检查组考虑我方已主动整改的情况，依法从轻处理。";

pub fn statement() -> Statement {
    Statement {
        issuer: issuer("哈住建检陈〔2026〕12号", day(2026, 3, 14)),
        object: object(),
        task_name: TASK.into(),
        started_at: at("2026-03-14 14:00"),
        ended_at: at("2026-03-14 14:50"),
        place: "哈尔滨市住房和城乡建设局312会议室".into(),
        stater: Person {
            name: "赵国庆".into(),
            position: "项目经理（受委托）".into(),
            phone: "13804511234".into(),
        },
        inspectors: team(),
        recorder: "刘晓燕".into(),
        statement: STATEMENT_SHORT.into(),
    }
}

/// A statement several pages long (the 陈述 is read back paragraph by paragraph).
pub fn long_statement() -> Statement {
    let mut s = statement();
    let mut text = String::from(STATEMENT_SHORT);
    for i in 1..=14 {
        text.push_str(&format!(
            "\n补充说明第{i}点：关于江畔雅苑二期项目的安全管理，我公司设立了安全生产管理机构，配备专职安全生产管理人员六名，\
             每日开展班前安全教育和安全巡查，每周组织一次安全生产检查，对发现的隐患建立台账、限期整改、逐项销号。\
             本次检查发现的问题暴露出我方在危险性较大的分部分项工程管理上存在薄弱环节，我方将举一反三，\
             对公司在建的全部项目开展自查，确保类似问题不再发生。"
        ));
    }
    text.push_str("\n陈述完毕。");
    s.statement = text;
    s
}

/// A draw of the sample task.
pub fn draw(id: &str, kind: &str) -> DutyDraw {
    DutyDraw {
        draw_id: id.into(),
        kind: kind.into(),
        status: "已揭晓".into(),
        beacon: "drand".into(),
        committed_at: "2026-07-01 09:30".into(),
        revealed_at: "2026-07-01 09:31".into(),
        operator: "张明".into(),
        record_url: format!("/public/draws/{id}.json"),
    }
}

/// The 履职记录 of one task: two draws, `teams` inspections, published late.
pub fn duty_record(teams: usize) -> DutyRecord {
    let inspections = (1..=teams)
        .map(|i| DutyInspection {
            unit: AUTHORITY.into(),
            object_name: format!("哈尔滨第{i}建筑工程有限公司"),
            object_code: format!("91230102MA1C4K{i:04}"),
            team: vec![
                "王立军（组长，23010020260015）".into(),
                "刘晓燕（组员，23010020260042）".into(),
            ],
            draw_id: "RW2026-230100-003-2".into(),
            status: "已确认".into(),
            inspected_at: "2026-08-12 09:00".into(),
            document_no: format!("〔2026〕RW2026-230100-003-{i:03}"),
            confirmed_at: "2026-08-12 11:20".into(),
        })
        .collect();
    DutyRecord {
        issuer: issuer("", day(2026, 11, 27)),
        scope: DutyScope::Task {
            code: "RW2026-230100-003".into(),
            name: "2026年第三季度建筑施工安全生产许可证动态核查".into(),
        },
        tasks: vec![DutyTask {
            code: "RW2026-230100-003".into(),
            name: "2026年第三季度建筑施工安全生产许可证动态核查".into(),
            department: AUTHORITY.into(),
            window: "2026-07-01 至 2026-10-09".into(),
            status: "结果已录入".into(),
            plan: "2026年度抽查计划 第1版（已公开，2026-03-02 公开）".into(),
            draws: vec![
                draw("RW2026-230100-003-1", "检查对象抽取"),
                draw("RW2026-230100-003-2", "检查人员抽取"),
            ],
            inspections,
            publish_due: "2026-11-03".into(),
            published_on: "未公示".into(),
            publication: "已逾期 18 个工作日".into(),
            published_by: String::new(),
        }],
    }
}

/// Every sample, one per kind.
pub fn all() -> Vec<(&'static str, Document)> {
    vec![
        ("notice", Document::Notice(notice())),
        ("rights-notice", Document::RightsNotice(rights_notice())),
        ("site-record", Document::SiteRecord(site_record())),
        ("statement", Document::Statement(long_statement())),
        ("result-notice", Document::ResultNotice(result_notice())),
        ("duty-record", Document::DutyRecord(duty_record(3))),
    ]
}
