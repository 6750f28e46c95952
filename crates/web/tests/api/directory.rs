//! 一单两库: objects and inspectors by hand and by template import, masking
//! and revealing 身份证号, history, conflicts, 认领.

use crate::support::{TestApp, credit_code, id_number};
use reqwest::StatusCode;
use serde_json::{Value, json};
use spotcheck_store::on_both_backends;
use spotcheck_store::testing::TestDb;

on_both_backends!(
    imports_reject_exactly_the_bad_rows_and_update_on_reimport,
    identity_numbers_are_masked_everywhere_but_the_audited_reveal,
    county_cannot_import_or_read_outside_its_jurisdiction,
    deactivation_keeps_history_and_conflicts_are_recorded,
    a_file_that_breaks_off_halfway_saves_nothing,
    repeated_keys_are_rejected_within_and_across_batches,
);

/// A CSV in the 企业 template's columns (the reader takes CSV as Excel saves it).
fn enterprise_csv(rows: &[[&str; 5]]) -> Vec<u8> {
    let mut s = String::from(
        "统一社会信用代码*,企业名称*,法定代表人,注册地址,所在行政区划代码*,企业类别*,信用风险分类*,列入经营异常名录,重点关注对象,严重违法失信,近一年投诉举报次数,联系电话\n",
    );
    for r in rows {
        s.push_str(&format!(
            "{},{},张三,哈尔滨市,{},{},{},否,否,否,0,\n",
            r[0], r[1], r[2], r[3], r[4]
        ));
    }
    s.into_bytes()
}

/// An .xlsx of the 企业 template with `rows` valid rows whose sheet XML is cut
/// off after them, as a file broken in transfer would be: readable from the
/// start, damaged further on.
fn enterprise_xlsx_broken_after(rows: u32) -> Vec<u8> {
    use std::io::Write;
    let header = [
        "统一社会信用代码*",
        "企业名称*",
        "法定代表人",
        "注册地址",
        "所在行政区划代码*",
        "企业类别*",
        "信用风险分类*",
    ];
    let cell = |col: usize, row: u32, v: &str| {
        let c = (b'A' + col as u8) as char;
        format!(r#"<c r="{c}{row}" t="inlineStr"><is><t>{v}</t></is></c>"#)
    };
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    sheet.push_str(r#"<row r="1">"#);
    for (i, h) in header.iter().enumerate() {
        sheet.push_str(&cell(i, 1, h));
    }
    sheet.push_str("</row>");
    for n in 1..=rows {
        let r = n + 1;
        let values = [
            credit_code("230102", 5000 + n),
            format!("断档测试第{n}号有限公司"),
            "张三".into(),
            "哈尔滨市道里区".into(),
            "230102".into(),
            "建筑业企业".into(),
            "A".into(),
        ];
        sheet.push_str(&format!(r#"<row r="{r}">"#));
        for (i, v) in values.iter().enumerate() {
            sheet.push_str(&cell(i, r, v));
        }
        sheet.push_str("</row>");
    }
    // The damage: a row that never closes, then the end of the document.
    sheet.push_str(&format!(
        r#"<row r="{}"><c r="A{}" t="inlineStr"><is><t>断</sheetData></worksheet>"#,
        rows + 2,
        rows + 2
    ));
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string(),
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="企业" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string(),
        ),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    for (name, body) in parts {
        zip.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

/// Rows are saved while the file is still being read; a file found damaged
/// after several batches must leave the directory as it was.
async fn a_file_that_breaks_off_halfway_saves_nothing(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let admin = t.token("daoli_admin").await;
    let (_, before) = t.get(&admin, "/api/v1/objects?kind=企业&q=断档测试").await;
    assert_eq!(before["total"], 0);
    let (s, out) = t
        .import(
            &admin,
            "企业",
            "230102",
            "断档.xlsx",
            enterprise_xlsx_broken_after(4500),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{out}");
    assert!(out["error"]["message"].as_str().unwrap().contains("损坏"), "{out}");
    let (_, after) = t.get(&admin, "/api/v1/objects?kind=企业&q=断档测试").await;
    assert_eq!(
        after["total"], 0,
        "nothing of the 4,500 rows before the damage is saved"
    );
}

/// A key repeated in the file rejects its second and later rows, naming the
/// first — in the same batch of 2,000 rows as the first, or batches later
/// (the keys met so far are kept in the import's transaction).
async fn repeated_keys_are_rejected_within_and_across_batches(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let admin = t.token("daoli_admin").await;
    // Data rows 2..=4501; row n holds code n unless it repeats an earlier row.
    let repeats = [(3, 2), (2504, 2), (4400, 2), (4450, 2600)];
    let codes: Vec<String> = (2..=4501u32)
        .map(|row| {
            let of = repeats.iter().find(|(r, _)| *r == row).map_or(row, |(_, first)| *first);
            credit_code("230102", 20000 + of)
        })
        .collect();
    let names: Vec<String> = (2..=4501).map(|row| format!("重复测试第{row}行有限公司")).collect();
    let rows: Vec<[&str; 5]> = codes
        .iter()
        .zip(&names)
        .map(|(c, n)| [c.as_str(), n.as_str(), "230102", "建筑业企业", "A"])
        .collect();
    let (s, out) = t
        .import(&admin, "企业", "230102", "重复.csv", enterprise_csv(&rows))
        .await;
    assert_eq!(s, StatusCode::OK, "{out}");
    assert_eq!(out["imported"], 4500 - 4);
    let rejected: Vec<(u64, String)> = out["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert_eq!(r["errors"].as_array().unwrap().len(), 1, "{r}");
            (r["row"].as_u64().unwrap(), r["errors"][0].as_str().unwrap().to_string())
        })
        .collect();
    let expected: Vec<(u64, String)> = repeats
        .iter()
        .map(|&(row, first)| {
            (
                u64::from(row),
                format!(
                    "统一社会信用代码\"{}\"：与第{first}行重复（同一文件中统一社会信用代码不能重复）。请删除重复的行，或核对统一社会信用代码是否填错",
                    credit_code("230102", 20000 + first)
                ),
            )
        })
        .collect();
    assert_eq!(rejected, expected);
    let job = out["job_id"].as_i64().unwrap();
    let (_, j) = t.get(&admin, &format!("/api/v1/imports/{job}")).await;
    assert_eq!(
        (
            j["processed_rows"].as_i64(),
            j["valid_rows"].as_i64(),
            j["rejected"].as_i64()
        ),
        (Some(4500), Some(4496), Some(4)),
        "{j}"
    );
    let (_, page) = t.get(&admin, "/api/v1/objects?kind=企业&q=重复测试").await;
    assert_eq!(page["total"], 4496);

    // The register lived in that transaction only: the next import starts afresh.
    let again = enterprise_csv(&[[&codes[0], "重复测试第2行有限公司", "230102", "建筑业企业", "A"]]);
    let (s, out) = t.import(&admin, "企业", "230102", "再次.csv", again).await;
    assert_eq!(s, StatusCode::OK, "{out}");
    assert_eq!(
        (
            out["imported"].as_u64(),
            out["updated"].as_u64(),
            out["rejected"].as_array().map(Vec::len)
        ),
        (Some(0), Some(0), Some(0)),
        "{out}"
    );
}

async fn imports_reject_exactly_the_bad_rows_and_update_on_reimport(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let admin = t.token("daoli_admin").await;
    let good1 = credit_code("230102", 1);
    let good2 = credit_code("230102", 2);
    let mut bad = credit_code("230102", 3);
    bad.pop();
    bad.push(if bad.ends_with('0') { '1' } else { '0' });
    let file = enterprise_csv(&[
        [&good1, "导入测试建工有限公司", "230102", "建筑业企业", "A"],
        [&bad, "错码公司", "230102", "建筑业企业", "A"],
        [&good2, "导入测试物业服务有限公司", "230102", "物业服务企业", "C"],
        [&credit_code("230103", 4), "南岗公司", "230103", "建筑业企业", "B"],
    ]);
    let (s, out) = t.import(&admin, "企业", "230102", "企业.csv", file.clone()).await;
    assert_eq!(s, StatusCode::OK, "{out}");
    assert_eq!(out["imported"], 2);
    assert_eq!(out["updated"], 0);
    let rejected = out["rejected"].as_array().unwrap();
    assert_eq!(
        rejected.iter().map(|r| r["row"].as_u64().unwrap()).collect::<Vec<_>>(),
        vec![3, 5]
    );
    assert!(rejected[0]["errors"][0].as_str().unwrap().contains("校验码"));
    assert!(rejected[1]["errors"][0].as_str().unwrap().contains("管辖范围"));
    // The job keeps what was read, beside what was saved.
    let job = out["job_id"].as_i64().unwrap();
    let (_, j) = t.get(&admin, &format!("/api/v1/imports/{job}")).await;
    assert_eq!(
        (
            j["status"].as_str(),
            j["processed_rows"].as_i64(),
            j["valid_rows"].as_i64(),
            j["rejected"].as_i64()
        ),
        (Some("done"), Some(4), Some(2), Some(2)),
        "{j}"
    );
    // The error report is downloadable.
    let r = t
        .http
        .get(t.url(&format!("/api/v1/imports/{job}/errors")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"), "an .xlsx file");
    // The valid rows are searchable.
    let (_, page) = t.get(&admin, "/api/v1/objects?kind=企业&q=导入测试").await;
    assert_eq!(page["total"], 2);

    // Re-importing the same keys with a change updates them, keeping history and one audit entry.
    let file = enterprise_csv(&[
        [&good1, "导入测试建工集团有限公司", "230102", "建筑业企业", "D"],
        [&good2, "导入测试物业服务有限公司", "230102", "物业服务企业", "C"],
    ]);
    let (_, out) = t.import(&admin, "企业", "230102", "企业2.csv", file).await;
    assert_eq!(
        (out["imported"].as_u64(), out["updated"].as_u64()),
        (Some(0), Some(1)),
        "{out}"
    );
    let (_, page) = t.get(&admin, &format!("/api/v1/objects?q={good1}")).await;
    let id = page["items"][0]["id"].as_i64().unwrap();
    assert_eq!(page["items"][0]["name"], "导入测试建工集团有限公司");
    assert_eq!(page["items"][0]["risk_class"], "D");
    let (_, detail) = t.get(&admin, &format!("/api/v1/objects/{id}")).await;
    assert_eq!(detail["history"][0]["reason"], "导入更新");
    let auditor = t.token("hlj_auditor").await;
    let (_, audit) = t
        .get(&auditor, "/api/v1/audit?action=object.imported&actor=daoli_admin")
        .await;
    assert_eq!(audit["total"], 2);

    // A file that is not a spreadsheet saves nothing and says why in Chinese.
    let (s, out) = t.import(&admin, "企业", "230102", "x.xlsx", vec![7u8; 4096]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(out["error"]["message"].as_str().unwrap().contains("无法读取"), "{out}");
    let (_, page) = t.get(&admin, "/api/v1/objects?kind=企业&q=导入测试").await;
    assert_eq!(page["total"], 2);
}

fn contains_full(v: &Value, full: &str) -> bool {
    v.to_string().contains(full)
}

async fn identity_numbers_are_masked_everywhere_but_the_audited_reveal(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let admin = t.token("hrb_admin").await;
    let full = id_number("230100", 7);
    let id = t.inspector(&admin, "230100-01", "23010099990007", 7).await;
    let (_, page) = t.get(&admin, "/api/v1/inspectors?q=23010099990007").await;
    assert!(!contains_full(&page, &full), "lists mask the number");
    assert_eq!(
        page["items"][0]["id_masked"],
        format!("{}********{}", &full[..6], &full[14..])
    );
    let (_, detail) = t.get(&admin, &format!("/api/v1/inspectors/{id}")).await;
    assert!(!contains_full(&detail, &full));
    // Exact search by the full number works without showing it.
    let (_, found) = t.get(&admin, &format!("/api/v1/inspectors?id_number={full}")).await;
    assert_eq!(found["total"], 1);
    // The deputy head may read the directory but not the full number.
    let deputy = t.token("hrb_deputy").await;
    let (s, _) = t
        .post(&deputy, &format!("/api/v1/inspectors/{id}/id-number"), json!({}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The admin may, and the viewing is audited.
    let (s, shown) = t
        .post(&admin, &format!("/api/v1/inspectors/{id}/id-number"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(shown["id_number"], full);
    let auditor = t.token("hlj_auditor").await;
    let (_, audit) = t.get(&auditor, "/api/v1/audit?action=personal.id_viewed").await;
    assert_eq!(audit["total"], 1);
    let (_, all) = t.get(&auditor, "/api/v1/audit?page_size=200").await;
    assert!(!contains_full(&all, &full), "the audit trail never holds the number");
    // At rest it is sealed: the database file does not contain it.
    if let spotcheck_store::Target::Sqlite(path) = &db.target {
        let bytes = std::fs::read(path).unwrap();
        let wal = std::fs::read(path.with_extension("db-wal")).unwrap_or_default();
        let hay = [bytes, wal].concat();
        assert!(
            !hay.windows(full.len()).any(|w| w == full.as_bytes()),
            "身份证号 is encrypted at rest"
        );
    }
}

async fn county_cannot_import_or_read_outside_its_jurisdiction(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let daoli = t.token("daoli_admin").await;
    let nangang = t.token("nangang_admin").await;
    let theirs = t.enterprise(&nangang, "230103", "230103", 11).await;
    let file = enterprise_csv(&[[&credit_code("230103", 12), "南岗建工", "230103", "建筑业企业", "A"]]);
    let (s, out) = t.import(&daoli, "企业", "230103", "x.csv", file).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{out}");
    assert_eq!(out["error"]["field"], "department_code");
    let (s, _) = t.get(&daoli, &format!("/api/v1/objects/{theirs}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, page) = t.get(&daoli, "/api/v1/objects?kind=enterprise&page_size=200").await;
    assert!(
        page["total"].as_u64().unwrap() > 0,
        "the demo gives 道里 its own directory"
    );
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["department_code"].as_str().unwrap().starts_with("230102"))
    );
    // An inspector cannot manage the directory.
    let inspector = t.token("hrb_inspector").await;
    let (s, _) = t.get(&inspector, "/api/v1/objects").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

async fn deactivation_keeps_history_and_conflicts_are_recorded(db: &TestDb) {
    let t = TestApp::spawn(db).await;
    let admin = t.token("hrb_admin").await;
    let object = t.enterprise(&admin, "230100", "230102", 21).await;
    let inspector = t.inspector(&admin, "230100-01", "23010099990021", 21).await;
    let (s, c) = t
        .post(
            &admin,
            &format!("/api/v1/inspectors/{inspector}/conflicts"),
            json!({"object_id": object, "reason": "配偶在该企业任职"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let (s, _) = t
        .post(
            &admin,
            &format!("/api/v1/inspectors/{inspector}/conflicts"),
            json!({"object_id": object, "reason": "再次登记"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "the same conflict is recorded once");
    let (s, v) = t
        .post(
            &admin,
            &format!("/api/v1/objects/{object}/active"),
            json!({"active": false, "reason": "企业已注销"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["active"], false);
    let (_, detail) = t.get(&admin, &format!("/api/v1/objects/{object}")).await;
    assert_eq!(detail["history"][0]["reason"], "企业已注销");
    let (s, body) = t
        .post(
            &admin,
            &format!("/api/v1/objects/{object}/active"),
            json!({"active": false, "reason": "x"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    // The key cannot be changed by an edit.
    let (s, body) = t
        .send(
            "PUT",
            &admin,
            &format!("/api/v1/objects/{object}"),
            json!({"fields": {"统一社会信用代码": credit_code("230102", 99),
            "企业名称": "新名称", "所在行政区划代码": "230102", "企业类别": "建筑业企业", "信用风险分类": "A"}}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}
