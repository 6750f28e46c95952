//! The directory lists: their columns, row validation with every problem of a
//! row at once, and property tests over generated rows.

use chrono::NaiveDate;
use proptest::prelude::*;
use spotcheck_domain::credit_code::{self, CreditCode};
use spotcheck_domain::directory::{
    CellError, IdShown, ListKind, Record, RowContext, ValueKind, columns, parse_date_cell, validate_row,
};
use spotcheck_domain::division::DivisionCode;
use spotcheck_domain::id_number;
use spotcheck_domain::vocab::{self, InspectorStatus, ProjectStage, RiskClass};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
}

/// 道里区's 住建局: its own division only, and its own units.
fn in_daoli(d: &DivisionCode) -> bool {
    d.as_str() == "230102"
}

fn daoli_department(code: &str) -> bool {
    code == "230102" || code.starts_with("230102-")
}

fn ctx() -> RowContext<'static> {
    RowContext {
        today: today(),
        division_allowed: &in_daoli,
        department_allowed: &daoli_department,
    }
}

fn cells(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn names(kind: ListKind) -> Vec<&'static str> {
    columns(kind).iter().map(|c| c.name).collect()
}

fn errors(kind: ListKind, row: &[&str]) -> Vec<CellError> {
    validate_row(kind, &cells(row), &ctx()).expect_err("row should be rejected")
}

const GOOD_ENTERPRISE: [&str; 12] = [
    "91230102MA1B2C3D8J",
    "哈尔滨市示例建筑工程有限公司",
    "李四",
    "哈尔滨市道里区示例路1号",
    "230102",
    "建筑业企业",
    "B类",
    "否",
    "否",
    "否",
    "0",
    "0451-12345678",
];

#[test]
fn headers_are_the_issue_fields_in_order() {
    assert_eq!(
        names(ListKind::Enterprise),
        [
            "统一社会信用代码",
            "企业名称",
            "法定代表人",
            "注册地址",
            "所在行政区划代码",
            "企业类别",
            "信用风险分类",
            "列入经营异常名录",
            "重点关注对象",
            "严重违法失信",
            "近一年投诉举报次数",
            "联系电话"
        ]
    );
    let risk = [
        "信用风险分类",
        "列入经营异常名录",
        "重点关注对象",
        "严重违法失信",
        "近一年投诉举报次数",
    ];
    let mut practitioner = vec![
        "注册证书编号",
        "姓名",
        "身份证号",
        "执业资格类别",
        "聘用单位统一社会信用代码",
        "所在行政区划代码",
    ];
    practitioner.extend(risk);
    assert_eq!(names(ListKind::Practitioner), practitioner);
    let mut project = vec![
        "项目代码",
        "项目名称",
        "建设单位统一社会信用代码",
        "施工单位统一社会信用代码",
        "监理单位统一社会信用代码",
        "项目地址",
        "所在行政区划代码",
        "项目阶段",
        "开工日期",
    ];
    project.extend(risk);
    assert_eq!(names(ListKind::Project), project);
    assert_eq!(
        names(ListKind::Inspector),
        [
            "姓名",
            "执法证号",
            "身份证号",
            "职务",
            "所属部门",
            "专业执法资格",
            "非业务类别",
            "执法证有效期至",
            "联系电话",
            "状态",
            "状态起始日期",
            "状态截止日期"
        ]
    );
}

#[test]
fn mandatory_columns() {
    let required = |k| -> Vec<&str> { columns(k).iter().filter(|c| c.required).map(|c| c.name).collect() };
    assert_eq!(
        required(ListKind::Enterprise),
        [
            "统一社会信用代码",
            "企业名称",
            "所在行政区划代码",
            "企业类别",
            "信用风险分类"
        ]
    );
    assert_eq!(
        required(ListKind::Practitioner),
        [
            "注册证书编号",
            "姓名",
            "身份证号",
            "执业资格类别",
            "聘用单位统一社会信用代码",
            "所在行政区划代码",
            "信用风险分类"
        ]
    );
    assert_eq!(
        required(ListKind::Project),
        [
            "项目代码",
            "项目名称",
            "建设单位统一社会信用代码",
            "施工单位统一社会信用代码",
            "所在行政区划代码",
            "项目阶段",
            "信用风险分类"
        ]
    );
    assert_eq!(
        required(ListKind::Inspector),
        [
            "姓名",
            "执法证号",
            "身份证号",
            "所属部门",
            "专业执法资格",
            "执法证有效期至",
            "状态"
        ]
    );
    assert_eq!(columns(ListKind::Enterprise)[0].header(), "统一社会信用代码*");
    assert_eq!(columns(ListKind::Enterprise)[2].header(), "法定代表人");
}

#[test]
fn every_column_example_validates_and_choice_columns_list_their_choices() {
    for kind in ListKind::ALL.iter().copied() {
        let row: Vec<String> = columns(kind).iter().map(|c| c.example.to_string()).collect();
        let record = validate_row(kind, &row, &ctx()).unwrap_or_else(|e| panic!("{kind}: {e:?}"));
        assert_eq!(record.kind(), kind);
        for c in columns(kind) {
            assert_eq!(c.value == ValueKind::Choice, c.choices.is_some(), "{}", c.name);
            assert!(!c.help.is_empty());
        }
        // Exported cells (with the full number) read back to the same record.
        let again = validate_row(kind, &record.to_cells(IdShown::Full), &ctx()).unwrap();
        assert_eq!(again, record);
    }
}

#[test]
fn list_kind_parses_the_cli_argument() {
    assert_eq!(ListKind::parse("企业"), Ok(ListKind::Enterprise));
    assert_eq!(ListKind::parse("从业人员"), Ok(ListKind::Practitioner));
    assert_eq!(ListKind::parse("工程项目"), Ok(ListKind::Project));
    assert_eq!(ListKind::parse("检查人员"), Ok(ListKind::Inspector));
    assert_eq!(ListKind::parse("inspector"), Ok(ListKind::Inspector));
    assert_eq!(ListKind::parse(" Project "), Ok(ListKind::Project));
    assert_eq!(
        ListKind::parse("专家").unwrap_err().to_string(),
        "\"专家\"不是有效的名录类型，应为企业、从业人员、工程项目、检查人员之一"
    );
    assert_eq!(ListKind::Inspector.key_column(), "执法证号");
}

#[test]
fn a_good_enterprise_row_with_typical_spreadsheet_noise() {
    let row = [
        "\u{3000}９１２３０１０２ma1b2c3d8j ",
        " 哈尔滨市示例建筑工程有限公司",
        "",
        "",
        "２３０１０２",
        "施工企业、工程监理企业，建筑业企业",
        "a",
        "Y",
        "√",
        "FALSE",
        "3.0",
        "",
    ];
    let Record::Enterprise(e) = validate_row(ListKind::Enterprise, &cells(&row), &ctx()).unwrap() else {
        panic!("kind");
    };
    assert_eq!(e.credit_code.as_str(), "91230102MA1B2C3D8J");
    assert_eq!(e.name, "哈尔滨市示例建筑工程有限公司");
    assert_eq!(e.legal_rep, None);
    assert_eq!(e.division.as_str(), "230102");
    assert_eq!(e.kinds, ["建筑业企业", "工程监理企业"]);
    assert_eq!(e.risk.risk_class, RiskClass::A);
    assert!(e.risk.abnormal && e.risk.key_focus && !e.risk.serious_violation);
    assert_eq!(e.risk.complaints, 3);
    // A short row: the missing optional cells count as empty.
    assert!(validate_row(ListKind::Enterprise, &cells(&row[..10]), &ctx()).is_ok());
}

#[test]
fn wrong_check_character_is_reported_with_the_fix() {
    let mut row = GOOD_ENTERPRISE;
    row[0] = "91230102MA1B2C3D8X";
    assert_eq!(
        errors(ListKind::Enterprise, &row),
        [CellError {
            column: "统一社会信用代码",
            value: "91230102MA1B2C3D8X".into(),
            problem: "第18位校验码应为\"J\"，实际为\"X\"".into(),
            fix: "请核对营业执照上的统一社会信用代码".into(),
        }]
    );
    assert_eq!(
        errors(ListKind::Enterprise, &row)[0].to_string(),
        "统一社会信用代码\"91230102MA1B2C3D8X\"：第18位校验码应为\"J\"，实际为\"X\"。请核对营业执照上的统一社会信用代码"
    );
}

#[test]
fn every_problem_of_a_row_at_once() {
    let row = [
        "91230102MA1B2C3D8",
        "",
        "",
        "",
        "230202",
        "建筑业企业、养殖场",
        "E",
        "也许",
        "",
        "",
        "-1",
        "电话",
    ];
    let e = errors(ListKind::Enterprise, &row);
    let got: Vec<(&str, &str)> = e.iter().map(|e| (e.column, e.problem.as_str())).collect();
    assert_eq!(
        got,
        [
            ("统一社会信用代码", "统一社会信用代码应为18位，实际为17位"),
            ("企业名称", "必填项，不能为空"),
            ("所在行政区划代码", "行政区划230202不在本部门的管辖范围内"),
            ("企业类别", "\"养殖场\"不是有效的企业类别"),
            ("信用风险分类", "不是有效的信用风险分类"),
            ("列入经营异常名录", "应填\"是\"或\"否\""),
            ("近一年投诉举报次数", "应为不小于0的整数"),
            ("联系电话", "联系电话格式不正确"),
        ]
    );
    assert_eq!(e[4].fix, "请从下拉列表中选择：A类、B类、C类、D类");
    assert!(e[1].fix.starts_with("请填写企业名称"));
}

const GOOD_PRACTITIONER: [&str; 11] = [
    "黑1232018201901234",
    "张三",
    "230102198001011236",
    "一级建造师",
    "91230102MA1B2C3D8J",
    "230102",
    "C",
    "",
    "",
    "",
    "",
];

#[test]
fn practitioner_identity_numbers_never_appear_in_full() {
    let Record::Practitioner(p) = validate_row(ListKind::Practitioner, &cells(&GOOD_PRACTITIONER), &ctx()).unwrap()
    else {
        panic!("kind")
    };
    assert_eq!(p.qualification, "一级注册建造师");
    assert_eq!(p.id_number.masked(), "230102********1236");

    // 1990-02-29 does not exist; the check digit is right for the 17 digits.
    let bad_birth = "230102199002291238";
    let mut row = GOOD_PRACTITIONER;
    row[2] = bad_birth;
    let e = errors(ListKind::Practitioner, &row);
    assert_eq!(
        e,
        [CellError {
            column: "身份证号",
            value: "230102********1238".into(),
            problem: "第7—14位出生日期不是有效的日期".into(),
            fix: "请核对身份证上的号码".into(),
        }]
    );
    let all = format!("{e:?}{}", e[0]);
    assert!(!all.contains(bad_birth) && !all.contains("19900229"), "{all}");

    row[2] = "230102198001011237";
    let e = errors(ListKind::Practitioner, &row);
    assert_eq!(e[0].value, "230102********1237");
    assert_eq!(e[0].problem, "第18位校验码应为\"6\"，实际为\"7\"");

    // What Excel makes of a number typed into a General cell.
    row[2] = "2.30102E+17";
    assert_eq!(
        errors(ListKind::Practitioner, &row)[0].problem,
        "身份证号应为18位，实际为11位"
    );

    // A masked number from an export cannot be imported as it is.
    row[2] = "230102********1236";
    let e = errors(ListKind::Practitioner, &row);
    assert_eq!(e[0].problem, "身份证号中间的数字被隐藏（*），无法核对");

    // Columns mixed up: the number lands under 姓名, and is still masked.
    let mut swapped = GOOD_PRACTITIONER;
    swapped[1] = "230102198001011236";
    swapped[2] = "张三";
    let e = errors(ListKind::Practitioner, &swapped);
    assert_eq!(e[0].column, "姓名");
    assert_eq!(e[0].value, "230102********1236");
    assert_eq!(e[0].problem, "姓名中不应有数字");
    assert!(!format!("{e:?}").contains("230102198001011236"));

    // A future birth date: the message does not repeat it.
    row[2] = &*Box::leak(future_id().into_boxed_str());
    let e = errors(ListKind::Practitioner, &row);
    assert_eq!(e[0].problem, "第7—14位出生日期晚于今天");
}

fn future_id() -> String {
    let first17 = "23010220301231001";
    format!("{first17}{}", id_number::check_char(first17).unwrap())
}

#[test]
fn projects() {
    let row = [
        "2026-230102-47-01-000123",
        "示例小区1号楼工程",
        "91230102123456788N",
        "91230102MA1B2C3D8J",
        "",
        "",
        "230102",
        "在建",
        "2026年3月10日",
        "D类",
        "是",
        "",
        "",
        "2",
    ];
    let Record::Project(p) = validate_row(ListKind::Project, &cells(&row), &ctx()).unwrap() else {
        panic!("kind")
    };
    assert_eq!(p.stage, ProjectStage::UnderConstruction);
    assert_eq!(p.start_date, NaiveDate::from_ymd_opt(2026, 3, 10));
    assert_eq!(p.supervisor, None);
    assert_eq!(p.risk.risk_class, RiskClass::D);

    let mut bad = row;
    bad[0] = "2026/230102";
    bad[4] = "123";
    bad[7] = "规划中";
    bad[8] = "2027-01-01";
    let e = errors(ListKind::Project, &bad);
    let cols: Vec<&str> = e.iter().map(|e| e.column).collect();
    assert_eq!(cols, ["项目代码", "监理单位统一社会信用代码", "项目阶段", "开工日期"]);
    assert_eq!(e[3].problem, "开工日期晚于今天（2026-11-27）");
    // Dates stored as Excel serial numbers, given as text.
    bad = row;
    bad[8] = "46091";
    let Ok(Record::Project(p)) = validate_row(ListKind::Project, &cells(&bad), &ctx()) else {
        panic!()
    };
    assert_eq!(p.start_date, NaiveDate::from_ymd_opt(2026, 3, 10));
}

#[test]
fn inspectors() {
    let row = [
        "王五",
        "２３０１０２２０２６０００１",
        "230102198506152341",
        "科员",
        "230102-01",
        "消防；工程质量、工程质量",
        "",
        "2028/12/31",
        "13800000000",
        "休假",
        "2026-11-01",
        "2026-11-30",
    ];
    let Record::Inspector(i) = validate_row(ListKind::Inspector, &cells(&row), &ctx()).unwrap() else {
        panic!("kind")
    };
    assert_eq!(i.cert_no.as_str(), "23010220260001");
    assert_eq!(i.department.as_str(), "230102-01");
    assert_eq!(i.qualifications, ["消防设计审查验收", "工程质量"]);
    assert_eq!(i.status, InspectorStatus::OnLeave);
    assert_eq!(i.cert_valid_until, NaiveDate::from_ymd_opt(2028, 12, 31).unwrap());
    let key = Record::Inspector(i).key().to_string();
    assert_eq!(key, "23010220260001");

    let mut bad = row;
    bad[1] = "AB 12";
    bad[4] = "230202";
    bad[5] = "";
    bad[7] = "";
    bad[11] = "2026-10-01";
    let e = errors(ListKind::Inspector, &bad);
    let got: Vec<(&str, &str)> = e.iter().map(|e| (e.column, e.problem.as_str())).collect();
    assert_eq!(
        got,
        [
            ("执法证号", "执法证号中间含有空格或不可见字符"),
            ("所属部门", "部门230202不是本部门或本部门下属的单位"),
            ("专业执法资格", "必填项，不能为空"),
            ("执法证有效期至", "必填项，不能为空"),
            ("状态截止日期", "状态截止日期早于状态起始日期（2026-11-01）"),
        ]
    );
}

#[test]
fn vocabulary_lists_cover_the_typical_items() {
    assert!(vocab::ENTERPRISE_KINDS.len() >= 17);
    assert!(vocab::FIELDS.len() >= 18);
    assert_eq!(vocab::PRACTITIONER_QUALIFICATIONS.len(), 12);
    assert_eq!(parse_date_cell("2026/3/10"), NaiveDate::from_ymd_opt(2026, 3, 10));
}

// ---------------------------------------------------------------- properties

/// Characters of GB 32100 that are also valid GB 11714 body characters.
const BODY: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

fn credit_code_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(BODY), 8).prop_filter_map("org check char in charset", |body| {
        let body = String::from_utf8(body).ok()?;
        let org = credit_code::org_code_check_char(&body)?;
        let first17 = format!("91230102{body}{org}");
        let check = credit_code::check_char(&first17)?;
        let code = format!("{first17}{check}");
        CreditCode::parse(&code).ok().map(|_| code)
    })
}

fn id_strategy() -> impl Strategy<Value = String> {
    (1950i32..2005, 1u32..=12, 1u32..=28, 0u32..1000).prop_map(|(y, m, d, seq)| {
        let first17 = format!("230102{y:04}{m:02}{d:02}{seq:03}");
        let check = id_number::check_char(&first17).unwrap();
        format!("{first17}{check}")
    })
}

/// The forms a person types for a risk class, a yes/no and a count.
fn risk_strategy() -> impl Strategy<Value = Vec<String>> {
    (
        prop::sample::select(vec!["A", "b", "C类", "Ｄ类", " B "]),
        prop::collection::vec(
            prop::sample::select(vec!["是", "否", "", "Y", "n", "1", "0", "TRUE", "√"]),
            3,
        ),
        prop::sample::select(vec!["", "0", "3", "12.0", "７"]),
    )
        .prop_map(|(class, flags, count)| {
            let mut v = vec![class.to_string()];
            v.extend(flags.iter().map(|s| s.to_string()));
            v.push(count.to_string());
            v
        })
}

fn date_strategy() -> impl Strategy<Value = String> {
    (2000i32..2026, 1u32..=12, 1u32..=28, 0usize..5).prop_map(|(y, m, d, form)| match form {
        0 => format!("{y}-{m:02}-{d:02}"),
        1 => format!("{y}/{m}/{d}"),
        2 => format!("{y}年{m}月{d}日"),
        3 => format!("{y}{m:02}{d:02}"),
        _ => {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            (date - NaiveDate::from_ymd_opt(1899, 12, 30).unwrap())
                .num_days()
                .to_string()
        }
    })
}

fn padded(s: String, pad: usize) -> String {
    match pad {
        0 => s,
        1 => format!(" {s} "),
        _ => format!("\u{3000}{s}"),
    }
}

prop_compose! {
    fn enterprise_row()(code in credit_code_strategy(), pad in 0usize..3, name in "[\\u4e00-\\u9fa5]{2,30}",
                        kinds in prop::sample::subsequence(vocab::ENTERPRISE_KINDS.to_vec(), 1..4),
                        risk in risk_strategy()) -> Vec<String> {
        let mut v = vec![padded(code, pad), name, String::new(), String::new(), "230102".to_string(), kinds.join("、")];
        v.extend(risk);
        v.push("13912345678".to_string());
        v
    }
}

prop_compose! {
    fn practitioner_row()(cert in "[A-Z0-9]{4,20}", id in id_strategy(), employer in credit_code_strategy(),
                          q in prop::sample::select(vocab::PRACTITIONER_QUALIFICATIONS.to_vec()),
                          risk in risk_strategy()) -> Vec<String> {
        let mut v = vec![cert, "张三".to_string(), id, q.to_string(), employer, "230102".to_string()];
        v.extend(risk);
        v
    }
}

prop_compose! {
    fn project_row()(code in "[0-9A-Z-]{2,40}", builder in credit_code_strategy(), contractor in credit_code_strategy(),
                     stage in prop::sample::select(ProjectStage::LABELS.to_vec()), date in date_strategy(),
                     risk in risk_strategy()) -> Vec<String> {
        let mut v = vec![code, "示例工程".to_string(), builder, contractor, String::new(), String::new(),
                         "230102".to_string(), stage.to_string(), date];
        v.extend(risk);
        v
    }
}

prop_compose! {
    fn inspector_row()(cert in "[A-Z0-9]{4,32}", id in id_strategy(),
                       fields in prop::sample::subsequence(vocab::FIELDS.to_vec(), 1..5),
                       until in date_strategy(), status in prop::sample::select(InspectorStatus::LABELS.to_vec()),
                       unit in 0u8..3) -> Vec<String> {
        let department = if unit == 0 { "230102".to_string() } else { format!("230102-{unit:02}") };
        vec!["王五".to_string(), cert, id, String::new(), department, fields.join("、"), String::new(), until,
             String::new(), status.to_string(), String::new(), String::new()]
    }
}

fn any_valid_row() -> impl Strategy<Value = (ListKind, Vec<String>)> {
    prop_oneof![
        enterprise_row().prop_map(|r| (ListKind::Enterprise, r)),
        practitioner_row().prop_map(|r| (ListKind::Practitioner, r)),
        project_row().prop_map(|r| (ListKind::Project, r)),
        inspector_row().prop_map(|r| (ListKind::Inspector, r)),
    ]
}

/// Replaces the character at `pos` (mod length) by a different one of `alphabet`.
fn corrupt(s: &str, pos: usize, pick: usize, alphabet: &[u8]) -> String {
    let mut chars: Vec<char> = s.trim_matches([' ', '\u{3000}']).chars().collect();
    let pos = pos % chars.len();
    let options: Vec<char> = alphabet
        .iter()
        .map(|b| *b as char)
        .filter(|c| *c != chars[pos])
        .collect();
    chars[pos] = options[pick % options.len()];
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn valid_generated_rows_validate((kind, row) in any_valid_row()) {
        let record = validate_row(kind, &row, &ctx());
        prop_assert!(record.is_ok(), "{kind} {row:?}: {:?}", record.err());
        let record = record.unwrap();
        prop_assert_eq!(record.kind(), kind);
        prop_assert_eq!(validate_row(kind, &record.to_cells(IdShown::Full), &ctx()).unwrap(), record);
    }

    /// A single substituted character in a credit code is always caught (GB 32100's
    /// check is a prime modulus), and it is the only error of the row.
    #[test]
    fn one_corrupted_credit_code_gives_exactly_that_error(
        (kind, row) in any_valid_row(), pos in 0usize..18, pick in 0usize..64, which in 0usize..2,
    ) {
        let code_columns: Vec<usize> = columns(kind)
            .iter()
            .enumerate()
            .filter(|(_, c)| c.name.ends_with("统一社会信用代码"))
            .map(|(i, _)| i)
            .filter(|&i| !row[i].is_empty())
            .collect();
        prop_assume!(!code_columns.is_empty());
        let col = code_columns[which % code_columns.len()];
        let mut row = row;
        row[col] = corrupt(&row[col], pos, pick, credit_code::CHARSET.as_bytes());
        let errors = validate_row(kind, &row, &ctx()).unwrap_err();
        prop_assert_eq!(errors.len(), 1, "{:?}", errors);
        prop_assert_eq!(errors[0].column, columns(kind)[col].name);
    }

    /// The same for a 身份证号 (ISO 7064 MOD 11-2 catches every single substitution),
    /// and the message never shows the number in full.
    #[test]
    fn one_corrupted_id_number_gives_exactly_that_error(
        (kind, row) in prop_oneof![
            practitioner_row().prop_map(|r| (ListKind::Practitioner, r)),
            inspector_row().prop_map(|r| (ListKind::Inspector, r)),
        ],
        pos in 0usize..18, pick in 0usize..11,
    ) {
        let col = columns(kind).iter().position(|c| c.name == "身份证号").unwrap();
        let mut row = row;
        let alphabet: &[u8] = if pos % 18 == 17 { b"0123456789X" } else { b"0123456789" };
        row[col] = corrupt(&row[col], pos, pick, alphabet);
        let errors = validate_row(kind, &row, &ctx()).unwrap_err();
        prop_assert_eq!(errors.len(), 1, "{:?}", errors);
        prop_assert_eq!(errors[0].column, "身份证号");
        let text = format!("{:?} {}", errors[0], errors[0]);
        prop_assert!(!text.contains(&row[col]), "{}", text);
        prop_assert!(!text.contains(&row[col][6..14]), "{}", text);
    }

    /// A division outside the jurisdiction, or not a division at all, is one error.
    #[test]
    fn one_bad_division_gives_exactly_that_error(
        (kind, row) in any_valid_row(), division in prop_oneof![Just("230202".to_string()), "[0-9]{1,5}", "[a-z]{6}"],
    ) {
        prop_assume!(kind != ListKind::Inspector);
        let col = columns(kind).iter().position(|c| c.name == "所在行政区划代码").unwrap();
        let mut row = row;
        row[col] = division;
        let errors = validate_row(kind, &row, &ctx()).unwrap_err();
        prop_assert_eq!(errors.len(), 1);
        prop_assert_eq!(errors[0].column, "所在行政区划代码");
    }

    #[test]
    fn validation_never_panics(
        kind in prop::sample::select(ListKind::ALL.to_vec()),
        row in prop::collection::vec(any::<String>(), 0..16),
    ) {
        let _ = validate_row(kind, &row, &ctx());
    }

    #[test]
    fn validation_never_panics_on_near_misses(
        kind in prop::sample::select(ListKind::ALL.to_vec()),
        row in prop::collection::vec("[0-9A-Za-z０-９ 　*年月日./:-]{0,24}", 0..14),
    ) {
        let _ = validate_row(kind, &row, &ctx());
    }
}
