//! The spreadsheet engine against files written by LibreOffice (see
//! fixtures/make-fixtures.sh), against bad files, and in round trips through
//! our own writer.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use calamine::{Data, Reader, Xlsx, open_workbook_auto};
use chrono::NaiveDate;
use spotcheck_domain::directory::{CellError, IdShown, ListKind, Record, RowContext, columns, validate_row};
use spotcheck_domain::vocab::{InspectorStatus, ProjectStage, RiskClass};
use spotcheck_sheets::{
    ErrorReport, Format, INSTRUCTIONS_SHEET, SheetError, SheetReader, error_report, export, template, validate_file,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn in_daoli(d: &spotcheck_domain::division::DivisionCode) -> bool {
    d.as_str() == "230102"
}

fn daoli_department(code: &str) -> bool {
    code == "230102" || code.starts_with("230102-")
}

/// 道里区's 住建局 on 2026-11-27.
fn ctx() -> RowContext<'static> {
    RowContext {
        today: NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
        division_allowed: &in_daoli,
        department_allowed: &daoli_department,
    }
}

/// What an import of a file gives: records by row, rejected rows with their
/// (column, problem) pairs.
#[derive(Debug, Default, PartialEq)]
struct Outcome {
    accepted: Vec<(u32, Record)>,
    rejected: Vec<(u32, Vec<CellError>)>,
}

impl Outcome {
    fn accepted_rows(&self) -> Vec<u32> {
        self.accepted.iter().map(|(r, _)| *r).collect()
    }

    fn problems(&self) -> Vec<(u32, &'static str, String)> {
        self.rejected
            .iter()
            .flat_map(|(r, es)| es.iter().map(move |e| (*r, e.column, e.problem.clone())))
            .collect()
    }

    fn record(&self, row: u32) -> &Record {
        &self.accepted.iter().find(|(r, _)| *r == row).unwrap().1
    }
}

fn import(kind: ListKind, path: &Path) -> Result<Outcome, SheetError> {
    let ctx = ctx();
    let mut out = Outcome::default();
    for outcome in validate_file(kind, path, &ctx)? {
        let outcome = outcome?;
        match outcome.result {
            Ok(r) => out.accepted.push((outcome.row, r)),
            Err(e) => out.rejected.push((outcome.row, e)),
        }
    }
    Ok(out)
}

fn file_error(kind: ListKind, path: &Path) -> SheetError {
    match validate_file(kind, path, &ctx()) {
        Err(e) => e,
        Ok(mut v) => match v.next() {
            Some(Err(e)) => e,
            other => panic!("expected an error for {}, got {other:?}", path.display()),
        },
    }
}

fn p(s: &str) -> String {
    s.to_string()
}

// ------------------------------------------------------------- the four lists

fn expected_enterprise_problems(shift: u32) -> Vec<(u32, &'static str, String)> {
    let r = |n: u32| n + shift;
    vec![
        (r(3), "统一社会信用代码", p("第18位校验码应为\"F\"，实际为\"X\"")),
        (r(5), "所在行政区划代码", p("行政区划230202不在本部门的管辖范围内")),
        (
            r(7),
            "统一社会信用代码",
            format!("与第{}行重复（同一文件中统一社会信用代码不能重复）", r(2)),
        ),
        (r(10), "统一社会信用代码", p("必填项，不能为空")),
        (r(10), "企业名称", p("必填项，不能为空")),
        (r(10), "所在行政区划代码", p("必填项，不能为空")),
        (r(10), "企业类别", p("\"养殖场\"不是有效的企业类别")),
        (r(10), "信用风险分类", p("不是有效的信用风险分类")),
        (r(10), "列入经营异常名录", p("应填\"是\"或\"否\"")),
        (r(10), "近一年投诉举报次数", p("应为不小于0的整数")),
        (r(10), "联系电话", p("联系电话格式不正确")),
    ]
}

#[test]
fn enterprises_valid_and_invalid_codes_from_libreoffice_xlsx() {
    let out = import(ListKind::Enterprise, &fixture("enterprise.xlsx")).unwrap();
    assert_eq!(out.accepted_rows(), [2, 4, 6, 9]);
    assert_eq!(out.problems(), expected_enterprise_problems(0));
    assert_eq!(out.rejected[0].1[0].fix, "请核对营业执照上的统一社会信用代码");

    // Full-width characters and spaces around the code, the division as a number.
    let Record::Enterprise(e) = out.record(4) else { panic!() };
    assert_eq!(e.credit_code.as_str(), "9123010212DD272H26");
    assert_eq!(e.name, "哈尔滨市道里区第三监理有限公司");
    assert_eq!(e.division.as_str(), "230102");
    assert_eq!(e.kinds, ["工程监理企业", "建筑业企业"]);
    assert_eq!(e.risk.risk_class, RiskClass::B);
    assert!(e.risk.abnormal && e.risk.key_focus && !e.risk.serious_violation);
    assert_eq!(e.risk.complaints, 3);
    // Real boolean cells and a number.
    let Record::Enterprise(e) = out.record(6) else { panic!() };
    assert!(e.risk.abnormal && !e.risk.key_focus && e.risk.serious_violation);
    assert_eq!(e.risk.complaints, 12);
    assert_eq!(e.risk.risk_class, RiskClass::D);
}

#[test]
fn the_same_file_as_xls_ods_and_gbk_csv_gives_the_same_outcome() {
    let xlsx = import(ListKind::Enterprise, &fixture("enterprise.xlsx")).unwrap();
    for name in ["enterprise.xls", "enterprise.ods", "enterprise-gbk.csv"] {
        let other = import(ListKind::Enterprise, &fixture(name)).unwrap();
        assert_eq!(other, xlsx, "{name}");
    }
    let formats: Vec<Format> = [
        "enterprise.xlsx",
        "enterprise.xls",
        "enterprise.ods",
        "enterprise-gbk.csv",
    ]
    .iter()
    .map(|n| SheetReader::open(ListKind::Enterprise, fixture(n)).unwrap().format())
    .collect();
    assert_eq!(formats, [Format::Xlsx, Format::Xls, Format::Ods, Format::Csv]);
}

#[test]
fn a_title_row_above_the_header_is_skipped_with_a_warning() {
    // UTF-8 with BOM, and a title line before the header: every row one lower.
    let path = fixture("enterprise-title-bom.csv");
    let reader = SheetReader::open(ListKind::Enterprise, &path).unwrap();
    assert_eq!(reader.header_row(), 2);
    assert_eq!(reader.warnings(), ["表头在第2行，第1行在表头之前，已忽略"]);
    let out = import(ListKind::Enterprise, &path).unwrap();
    assert_eq!(out.accepted_rows(), [3, 5, 7, 10]);
    assert_eq!(out.problems(), expected_enterprise_problems(1));
}

#[test]
fn practitioners_identity_numbers_checked_and_never_shown_in_full() {
    for name in ["practitioner.xlsx", "practitioner.xls"] {
        let out = import(ListKind::Practitioner, &fixture(name)).unwrap();
        assert_eq!(out.accepted_rows(), [2, 6, 7], "{name}");
        let problems: Vec<(u32, &str, String)> = out.problems();
        assert_eq!(
            problems[..2],
            [
                (3, "身份证号", p("第18位校验码应为\"6\"，实际为\"7\"")),
                (4, "身份证号", p("第7—14位出生日期不是有效的日期")),
            ],
            "{name}"
        );
        // Stored as a number: Excel kept 15 digits; the rest is lost.
        assert_eq!(problems[2].0, 5);
        assert_eq!(
            problems[2].2,
            "号码被存成了数字，超过15位的数字Excel只保留前15位，末尾几位已经改变，原来的号码无法恢复"
        );
        assert_eq!(problems.len(), 3);
        let values: Vec<&str> = out.rejected.iter().map(|(_, e)| e[0].value.as_str()).collect();
        assert_eq!(values[..2], ["230102********1237", "230102********1238"]);
        assert!(values[2].starts_with("230102********"), "{}", values[2]);
        let all = format!("{:?}", out.rejected);
        for full in [
            "230102199002291238",
            "19900229",
            "2301021985061523",
            "230102198001011237",
        ] {
            assert!(!all.contains(full), "{name}: {full} in {all}");
        }
        let Record::Practitioner(p6) = out.record(6) else {
            panic!()
        };
        assert_eq!(p6.id_number.masked(), "230102********123X");
        assert_eq!(p6.qualification, "注册土木工程师（岩土）");
        assert_eq!(p6.risk.complaints, 2);
    }
}

#[test]
fn project_dates_stored_as_numbers_and_as_text() {
    let out = import(ListKind::Project, &fixture("project.xlsx")).unwrap();
    assert_eq!(out.accepted_rows(), [2, 3, 4, 5, 6, 7]);
    let march_10 = NaiveDate::from_ymd_opt(2026, 3, 10);
    for (row, r) in &out.accepted {
        let Record::Project(p) = r else { panic!() };
        assert_eq!(p.start_date, march_10, "row {row}");
    }
    let Record::Project(p7) = out.record(7) else { panic!() };
    assert_eq!(p7.stage, ProjectStage::Suspended);
    assert_eq!(p7.code.as_str(), "2026-230102-47-01-000006");
    assert_eq!(
        out.problems(),
        [
            (8, "开工日期", p("开工日期晚于今天（2026-11-27）")),
            (9, "开工日期", p("不是有效的日期")),
        ]
    );
}

#[test]
fn inspectors() {
    let out = import(ListKind::Inspector, &fixture("inspector.xlsx")).unwrap();
    assert_eq!(out.accepted_rows(), [2, 3]);
    let Record::Inspector(i) = out.record(3) else { panic!() };
    assert_eq!(i.department.as_str(), "230102-01");
    assert_eq!(i.qualifications, ["消防设计审查验收", "城镇燃气"]);
    assert_eq!(i.status, InspectorStatus::OnLeave);
    assert_eq!(i.cert_valid_until, NaiveDate::from_ymd_opt(2027, 6, 30).unwrap());
    assert_eq!(i.status_until, NaiveDate::from_ymd_opt(2026, 12, 31));
    assert_eq!(
        out.problems(),
        [
            (4, "状态截止日期", p("状态截止日期早于状态起始日期（2026-11-01）")),
            (5, "所属部门", p("部门230202不是本部门或本部门下属的单位")),
            (6, "执法证号", p("与第2行重复（同一文件中执法证号不能重复）")),
        ]
    );
}

// --------------------------------------------------------------- bad files

#[test]
fn wrong_header_names_every_problem() {
    let e = file_error(ListKind::Enterprise, &fixture("wrong-header.xlsx"));
    assert_eq!(
        e.to_string(),
        "表头与「企业」模板不符：缺少必填列\"企业名称\"；列\"信用风险分类\"出现了2次（第G列和第H列）。\
         请使用平台下载的模板，不要修改、删除或合并表头"
    );
}

#[test]
fn a_file_of_another_list_says_which_list_it_is() {
    let e = file_error(ListKind::Practitioner, &fixture("enterprise.xlsx"));
    let msg = e.to_string();
    assert!(
        msg.starts_with("表头与「从业人员」模板不符：缺少必填列\"注册证书编号\"、\"姓名\"、\"身份证号\""),
        "{msg}"
    );
    assert!(
        msg.ends_with("（这个文件的表头与「企业」模板一致，请确认导入的名录类型是否选错）"),
        "{msg}"
    );
}

#[test]
fn header_only_and_empty_files() {
    let e = file_error(ListKind::Enterprise, &fixture("header-only.xlsx"));
    assert!(matches!(e, SheetError::NoDataRows { first_row: 2 }));
    assert_eq!(e.to_string(), "文件只有表头，没有数据行。请从第2行起逐行填写后再导入");

    let e = file_error(ListKind::Enterprise, &fixture("empty.xlsx"));
    assert!(matches!(e, SheetError::NoContent), "{e}");

    let dir = tempfile::tempdir().unwrap();
    for name in ["empty.xlsx", "empty.csv"] {
        let path = dir.path().join(name);
        std::fs::write(&path, b"").unwrap();
        let e = file_error(ListKind::Enterprise, &path);
        assert_eq!(e.to_string(), "文件是空的（0字节）。请选择填写好的模板文件");
    }
    let path = dir.path().join("blank.csv");
    std::fs::write(&path, " \r\n,,,\r\n\u{3000}\r\n").unwrap();
    assert!(matches!(file_error(ListKind::Enterprise, &path), SheetError::NoContent));
}

/// A fast, dependency-free pseudo-random byte stream.
fn junk(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    let mut v = Vec::with_capacity(len);
    while v.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.extend_from_slice(&x.to_le_bytes());
    }
    v.truncate(len);
    v
}

#[test]
fn fifty_megabytes_of_junk_fail_fast_whatever_the_name() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = junk(50 * 1024 * 1024, 42);
    // Printable junk without NUL bytes or line breaks, named .csv.
    let printable: Vec<u8> = bytes.iter().map(|b| b'A' + b % 26).collect();
    let path = dir.path().join("letters.csv");
    std::fs::write(&path, &printable).unwrap();
    let start = Instant::now();
    let e = file_error(ListKind::Enterprise, &path);
    assert_eq!(
        e.to_string(),
        "无法读取：有一行超过1MB，这不是表格文件。请上传平台模板填写后的.xlsx文件（也可以是.xls或.csv）"
    );
    assert!(start.elapsed() < Duration::from_secs(5));

    let cases: [(&str, &[u8], &str); 4] = [
        ("junk.xlsx", &[], "文件扩展名是.xlsx，但内容不是Excel表格"),
        ("junk.csv", &[], "文件含有二进制内容，不是文本（CSV）文件"),
        (
            "junk.xls",
            &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
            "文件已损坏或不完整",
        ),
        ("junk-zip.xlsx", b"PK\x03\x04", "文件已损坏或不完整"),
    ];
    for (name, prefix, expected) in cases {
        let path = dir.path().join(name);
        let mut f = std::fs::File::create(&path).unwrap();
        f.write_all(prefix).unwrap();
        f.write_all(&bytes).unwrap();
        drop(f);
        let start = Instant::now();
        let e = file_error(ListKind::Enterprise, &path);
        let took = start.elapsed();
        assert!(e.to_string().contains(expected), "{name}: {e}");
        assert!(took < Duration::from_secs(5), "{name} took {took:?}");
    }
}

#[test]
fn other_kinds_of_files_are_named() {
    let e = file_error(ListKind::Enterprise, &fixture("word-renamed.xlsx"));
    assert_eq!(
        e.to_string(),
        "无法读取：这是Word文档（.docx）。请上传平台模板填写后的.xlsx文件（也可以是.xls或.csv）"
    );
    let e = file_error(ListKind::Enterprise, &fixture("html-table.xls"));
    assert!(
        e.to_string()
            .starts_with("无法读取：这是网页（HTML）格式的文件，只是扩展名为.xls"),
        "{e}"
    );
    let e = file_error(ListKind::Enterprise, &fixture("encrypted.xlsx"));
    assert!(matches!(e, SheetError::Password), "{e}");
    assert!(e.to_string().starts_with("文件设置了打开密码"));
}

#[test]
fn an_absurd_shared_string_count_is_refused_not_allocated() {
    // calamine reserves memory for the count a file declares; a crafted count
    // must be refused before it gets there.
    let src = std::fs::File::open(fixture("enterprise.xlsx")).unwrap();
    let mut zin = zip::ZipArchive::new(src).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crafted.xlsx");
    let mut zout = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    for i in 0..zin.len() {
        let mut entry = zin.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        if name == "xl/sharedStrings.xml" {
            let text = String::from_utf8(data).unwrap();
            let start = text.find("uniqueCount=\"").unwrap() + 13;
            let end = start + text[start..].find('"').unwrap();
            data = format!("{}1000000000000{}", &text[..start], &text[end..]).into_bytes();
        }
        zout.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        zout.write_all(&data).unwrap();
    }
    zout.finish().unwrap();
    let e = file_error(ListKind::Enterprise, &path);
    assert!(
        e.to_string()
            .contains("共享字符串表声明了1000000000000个条目，与文件内容不符"),
        "{e}"
    );
}

#[test]
fn an_ods_that_would_expand_to_billions_of_cells_is_refused() {
    // A valued cell repeated over 16,384 columns and a million rows: a few
    // bytes of XML that calamine would expand in memory.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.ods");
    let mut zout = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zout.start_file("mimetype", stored).unwrap();
    zout.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zout.start_file("content.xml", zip::write::SimpleFileOptions::default())
        .unwrap();
    zout.write_all(
        br#"<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="x"><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#,
    )
    .unwrap();
    zout.finish().unwrap();
    let e = file_error(ListKind::Enterprise, &path);
    assert!(e.to_string().contains("这个ods表格展开后超过1500万个单元格"), "{e}");
}

#[test]
fn formulas_use_their_results_and_missing_results_are_reported() {
    let out = import(ListKind::Enterprise, &fixture("formulas.xlsx")).unwrap();
    assert_eq!(out.accepted_rows(), [2, 4]);
    let Record::Enterprise(e) = out.record(2) else { panic!() };
    assert_eq!(e.credit_code.as_str(), "91230102AY4CL12T25");
    assert_eq!(e.division.as_str(), "230102");
    assert_eq!(e.risk.complaints, 3);
    assert_eq!(
        out.problems(),
        [(3, "近一年投诉举报次数", p("单元格是错误值#DIV/0!（公式计算出错）"))]
    );

    let out = import(ListKind::Enterprise, &fixture("formulas-no-cache.xlsx")).unwrap();
    assert_eq!(out.accepted_rows(), [2]);
    let problems = out.problems();
    assert_eq!(problems.len(), 2);
    assert_eq!(
        problems[1],
        (
            4,
            "近一年投诉举报次数",
            p("单元格是公式，但文件中没有保存公式的计算结果")
        )
    );
    assert_eq!(
        out.rejected[1].1[0].fix,
        "请在Excel或WPS中打开此文件并保存一次，或把公式改成直接填写的内容"
    );
}

#[test]
fn cells_emptied_by_merging_are_reported_as_such() {
    for name in ["merged.xlsx", "merged.xls"] {
        let out = import(ListKind::Enterprise, &fixture(name)).unwrap();
        assert_eq!(out.accepted_rows(), [2], "{name}");
        let expected: Vec<(u32, &str, String)> = [3, 4]
            .iter()
            .flat_map(|&r| {
                [
                    (
                        r,
                        "企业类别",
                        p("必填项，不能为空（该单元格在合并单元格F2:F4中，合并后只有第一行有内容）"),
                    ),
                    (
                        r,
                        "信用风险分类",
                        p("必填项，不能为空（该单元格在合并单元格G2:G4中，合并后只有第一行有内容）"),
                    ),
                ]
            })
            .collect();
        assert_eq!(out.problems(), expected, "{name}");
        assert_eq!(out.rejected[0].1[0].fix, "请取消合并单元格，在每一行都填写企业类别");
    }
}

#[test]
fn the_list_is_read_from_the_sheet_named_after_it() {
    let reader = SheetReader::open(ListKind::Enterprise, fixture("second-sheet.xlsx")).unwrap();
    assert_eq!(reader.sheet_name(), "企业");
    let out = import(ListKind::Enterprise, &fixture("second-sheet.xlsx")).unwrap();
    assert_eq!(out.accepted_rows(), [2]);
    assert_eq!(out.rejected.len(), 1);
}

// ------------------------------------------------------------ csv variants

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

const ENTERPRISE_CSV: &str = "\
统一社会信用代码*,企业名称*,所在行政区划代码*,企业类别*,信用风险分类*,备注
91230102AY4CL12T25,\"哈尔滨市道里区\n第一建筑工程有限公司\",230102,建筑业企业,A类,
91230102LJY1JJC156,哈尔滨市道里区第五物业服务有限公司,230102,物业服务企业,B类,\"多行
备注\"
2.30102E+17,哈尔滨市道里区某公司,230102,建筑业企业,A类,
";

#[test]
fn csv_rows_are_numbered_as_a_spreadsheet_shows_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "e.csv", ENTERPRISE_CSV.as_bytes());
    let reader = SheetReader::open(ListKind::Enterprise, &path).unwrap();
    assert_eq!(
        reader.warnings(),
        [
            "第F列\"备注\"不是模板中的列，已忽略",
            "缺少选填列\"法定代表人\"，按未填写处理",
            "缺少选填列\"注册地址\"，按未填写处理",
            "缺少选填列\"列入经营异常名录\"，按未填写处理",
            "缺少选填列\"重点关注对象\"，按未填写处理",
            "缺少选填列\"严重违法失信\"，按未填写处理",
            "缺少选填列\"近一年投诉举报次数\"，按未填写处理",
            "缺少选填列\"联系电话\"，按未填写处理",
        ]
    );
    let out = import(ListKind::Enterprise, &path).unwrap();
    // Row 2 holds a line break inside a name: rejected, and the next records
    // are still rows 3 and 4 as Excel shows them.
    assert_eq!(out.accepted_rows(), [3]);
    assert_eq!(
        out.problems(),
        [
            (2, "企业名称", p("含有换行或不可见的控制字符")),
            (4, "统一社会信用代码", p("号码被显示成了科学计数法，原来的数字已经丢失")),
        ]
    );
}

#[test]
fn utf16_tab_separated_and_semicolon_csv() {
    let dir = tempfile::tempdir().unwrap();
    let text = "统一社会信用代码\t企业名称\t所在行政区划代码\t企业类别\t信用风险分类\r\n\
                91230102AY4CL12T25\t哈尔滨市道里区第一建筑工程有限公司\t230102\t建筑业企业\tA\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let path = write_file(dir.path(), "unicode.txt", &bytes);
    assert_eq!(import(ListKind::Enterprise, &path).unwrap().accepted_rows(), [2]);

    let semicolons = text.replace('\t', ";");
    // CRLF line ends, a blank line (row 3) and a record after it (row 4).
    let semicolons =
        format!("{semicolons}\r\n91230102LJY1JJC156;哈尔滨市道里区第五物业服务有限公司;230102;物业服务企业;D\r\n");
    let path = write_file(dir.path(), "semi.csv", semicolons.as_bytes());
    assert_eq!(import(ListKind::Enterprise, &path).unwrap().accepted_rows(), [2, 4]);
}

// ---------------------------------------------------- templates and exports

fn sheet_rows(bytes: &[u8], sheet: &str) -> Vec<Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "t.xlsx", bytes);
    let mut wb = open_workbook_auto(&path).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::Float(f) => format!("{f}"),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

fn sheet_xml(bytes: &[u8], part: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(part).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn templates_have_the_header_the_instructions_and_the_drop_downs() {
    for kind in ListKind::ALL.iter().copied() {
        let bytes = template(kind);
        let dir = tempfile::tempdir().unwrap();
        let path = write_file(dir.path(), "template.xlsx", &bytes);
        let wb: Xlsx<_> = calamine::open_workbook(&path).unwrap();
        assert_eq!(wb.sheet_names(), [kind.label(), INSTRUCTIONS_SHEET]);

        let rows = sheet_rows(&bytes, kind.label());
        let headers: Vec<String> = columns(kind).iter().map(|c| c.header()).collect();
        assert_eq!(
            rows,
            std::slice::from_ref(&headers),
            "{kind}: only the header, no example row"
        );
        assert!(headers.iter().any(|h| h.ends_with('*')));

        // The template reads back as a list with no rows.
        let e = file_error(kind, &path);
        assert!(matches!(e, SheetError::NoDataRows { first_row: 2 }), "{kind}: {e}");

        let instructions = sheet_rows(&bytes, INSTRUCTIONS_SHEET);
        assert_eq!(instructions[0], ["列名", "必填/选填", "填写说明", "可选值", "示例"]);
        for (i, c) in columns(kind).iter().enumerate() {
            let row = &instructions[i + 1];
            assert_eq!(row[0], c.header());
            assert_eq!(row[1], if c.required { "必填" } else { "选填" });
            assert_eq!(row[2], c.help);
            assert_eq!(row[4], c.example);
        }

        let xml = sheet_xml(&bytes, "xl/worksheets/sheet1.xml");
        assert!(xml.contains(r#"<pane ySplit="1""#), "frozen header");
        for c in columns(kind).iter().filter(|c| c.choices.is_some() && !c.multi) {
            let list = format!("\"{}\"", c.choices.unwrap().join(","));
            assert!(xml.contains(&list), "{kind}: drop-down {list}");
        }
        assert!(xml.contains(r#"sqref="A2:A100001""#), "validations over rows 2–100001");
    }
    // The 身份证号 column is formatted as text, so Excel keeps all 18 digits.
    let bytes = template(ListKind::Practitioner);
    let styles = sheet_xml(&bytes, "xl/styles.xml");
    assert!(styles.contains(r#"formatCode="@""#) || styles.contains(r#"numFmtId="49""#));
}

fn sample_records(kind: ListKind) -> Vec<Record> {
    let examples: Vec<String> = columns(kind).iter().map(|c| c.example.to_string()).collect();
    let first = validate_row(kind, &examples, &ctx()).unwrap();
    let mut second = first.to_cells(IdShown::Full);
    // A second record with another key and blanks in the optional cells.
    let key = columns(kind).iter().position(|c| c.name == kind.key_column()).unwrap();
    second[key] = match kind {
        ListKind::Enterprise => p("9123010212DD272H26"),
        ListKind::Practitioner => p("黑1232018201900099"),
        ListKind::Project => p("2026-230102-47-01-000999"),
        ListKind::Inspector => p("23010220269999"),
    };
    for (i, c) in columns(kind).iter().enumerate() {
        if !c.required && i != key {
            second[i].clear();
        }
    }
    vec![first, validate_row(kind, &second, &ctx()).unwrap()]
}

#[test]
fn an_export_reads_back_as_the_same_records() {
    for kind in ListKind::ALL.iter().copied() {
        let records = sample_records(kind);
        let bytes = export(kind, records.iter().map(|r| r.to_cells(IdShown::Full))).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = write_file(dir.path(), "export.xlsx", &bytes);
        let out = import(kind, &path).unwrap();
        assert!(out.rejected.is_empty(), "{kind}: {:?}", out.rejected);
        let back: Vec<Record> = out.accepted.into_iter().map(|(_, r)| r).collect();
        assert_eq!(back, records, "{kind}");
        // Exports carry the template's header and instructions.
        let rows = sheet_rows(&bytes, kind.label());
        assert_eq!(rows[0], columns(kind).iter().map(|c| c.header()).collect::<Vec<_>>());
        assert_eq!(
            calamine::open_workbook_auto(&path).unwrap().sheet_names(),
            [kind.label(), INSTRUCTIONS_SHEET]
        );
    }
}

#[test]
fn a_masked_export_cannot_be_imported_as_it_is() {
    let records = sample_records(ListKind::Practitioner);
    let bytes = export(
        ListKind::Practitioner,
        records.iter().map(|r| r.to_cells(IdShown::Masked)),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "masked.xlsx", &bytes);
    let out = import(ListKind::Practitioner, &path).unwrap();
    assert_eq!(
        out.problems(),
        [
            (2, "身份证号", p("身份证号中间的数字被隐藏（*），无法核对")),
            (3, "身份证号", p("身份证号中间的数字被隐藏（*），无法核对")),
        ]
    );
}

#[test]
fn the_error_report_lists_every_problem_by_row() {
    let out = import(ListKind::Enterprise, &fixture("enterprise.xlsx")).unwrap();
    let mut rejected = out.rejected.clone();
    rejected.reverse();
    let bytes = error_report(
        ListKind::Enterprise,
        &rejected,
        &[p("第F列\"备注\"不是模板中的列，已忽略")],
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "errors.xlsx", &bytes);
    let wb = open_workbook_auto(&path).unwrap();
    assert_eq!(wb.sheet_names(), ["企业导入错误清单"]);
    let rows = sheet_rows(&bytes, "企业导入错误清单");
    assert_eq!(rows[0], ["行号", "列名", "填写内容", "问题", "修改方法"]);
    assert_eq!(rows[1][0], "整个文件");
    assert_eq!(
        rows[2],
        [
            "3",
            "统一社会信用代码",
            "91230102H3BJ1XG69X",
            "第18位校验码应为\"F\"，实际为\"X\"",
            "请核对营业执照上的统一社会信用代码"
        ]
    );
    let row_numbers: Vec<&str> = rows[2..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        row_numbers,
        ["3", "5", "7", "10", "10", "10", "10", "10", "10", "10", "10"]
    );

    // The streaming writer gives the same file content.
    let mut report = ErrorReport::new(ListKind::Enterprise).unwrap();
    report.add_file_error("第F列\"备注\"不是模板中的列，已忽略").unwrap();
    for (row, errors) in &out.rejected {
        report.add_row(*row, errors).unwrap();
    }
    assert_eq!(report.len(), 12);
    assert_eq!(sheet_rows(&report.finish().unwrap(), "企业导入错误清单"), rows);
}

#[test]
fn progress_and_early_stop() {
    let ctx = ctx();
    let mut v = validate_file(ListKind::Enterprise, fixture("enterprise.xlsx"), &ctx).unwrap();
    assert_eq!(v.reader().format(), Format::Xlsx);
    let first = v.next().unwrap().unwrap();
    assert_eq!(first.row, 2);
    assert_eq!(v.progress().rows, 1);
    v.by_ref().for_each(drop);
    let progress = v.progress();
    assert_eq!((progress.rows, progress.valid, progress.rejected), (8, 4, 4));
    assert_eq!(progress.fraction, Some(1.0));
    // Dropping a validation part-way stops its reader thread.
    let mut v = validate_file(ListKind::Enterprise, fixture("enterprise.xlsx"), &ctx).unwrap();
    v.next();
    drop(v);
}

#[test]
fn a_validation_can_move_between_threads() {
    // So that an async import can hold it across an .await (in spawn_blocking or a task).
    fn assert_send<T: Send>() {}
    assert_send::<spotcheck_sheets::Validation<'static>>();
    assert_send::<SheetReader>();
    assert_send::<ErrorReport>();
}
