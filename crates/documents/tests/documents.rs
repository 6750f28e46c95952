//! Renders every 文书 with realistic data and checks the PDF with poppler's
//! tools (pdftotext, pdffonts, pdfinfo, pdftoppm): real fonts, real PDF, no
//! mocks. Needs fonts-noto-cjk and poppler-utils (scripts/test installs both).

mod samples;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::LazyLock;

use samples::TRICKY;
use spotcheck_documents::*;

static RENDERER: LazyLock<Renderer> =
    LazyLock::new(|| Renderer::new(&[Renderer::default_font_dir()]).expect("fonts-noto-cjk is installed"));

/// Where the PDFs and PNGs of the tests are left for a look: under the
/// target directory, overwritten by the next run.
fn out_dir() -> PathBuf {
    static DIR: LazyLock<PathBuf> = LazyLock::new(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("documents");
        std::fs::create_dir_all(&dir).unwrap();
        dir
    });
    DIR.clone()
}

fn tool(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} could not run ({e}): install poppler-utils"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A rendered PDF on disk, with what poppler reads from it.
struct Pdf {
    path: PathBuf,
}

impl Pdf {
    fn render(name: &str, doc: &Document) -> Pdf {
        let bytes = RENDERER.render(doc).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(bytes.starts_with(b"%PDF-"), "{name}: not a PDF");
        let path = out_dir().join(format!("{name}.pdf"));
        std::fs::write(&path, bytes).unwrap();
        Pdf { path }
    }

    fn arg(&self) -> &str {
        self.path.to_str().unwrap()
    }

    /// The text in content order (`-raw`: a table cell's lines stay
    /// together), with all white space removed: typst spaces CJK from Latin
    /// and breaks lines, neither of which matters to what is printed.
    fn text(&self) -> String {
        squeeze(&tool("pdftotext", &["-raw", self.arg(), "-"]))
    }

    fn pages(&self) -> usize {
        let info = tool("pdfinfo", &[self.arg()]);
        let line = info.lines().find(|l| l.starts_with("Pages:")).unwrap();
        line["Pages:".len()..].trim().parse().unwrap()
    }

    fn assert_contains(&self, expected: &[&str]) {
        let text = self.text();
        for e in expected {
            assert!(
                text.contains(&squeeze(e)),
                "{}: “{e}” not found in:\n{text}",
                self.path.display()
            );
        }
    }

    /// Every page A4 portrait (595 x 842 pt), the CJK fonts embedded as
    /// subsets, the first page rasterised by pdftoppm.
    fn assert_well_formed(&self) {
        self.assert_well_formed_on((595.0, 842.0));
    }

    /// As [`Pdf::assert_well_formed`], on pages of `page` (width, height) in pt.
    fn assert_well_formed_on(&self, page: (f64, f64)) {
        let info = tool("pdfinfo", &[self.arg()]);
        let size = info
            .lines()
            .find(|l| l.starts_with("Page size:"))
            .expect("pdfinfo prints the page size");
        let dims: Vec<f64> = size.split_whitespace().filter_map(|w| w.parse::<f64>().ok()).collect();
        assert_eq!(
            (dims[0].round(), dims[1].round()),
            page,
            "{}: page size {size}",
            self.path.display()
        );

        let fonts = tool("pdffonts", &[self.arg()]);
        let cjk: Vec<&str> = fonts.lines().filter(|l| l.contains("CJK")).collect();
        assert!(!cjk.is_empty(), "no CJK font in the PDF:\n{fonts}");
        for line in cjk {
            // name type encoding emb sub uni object ID: emb and sub read "yes".
            let cols: Vec<&str> = line.split_whitespace().collect();
            let n = cols.len();
            assert_eq!(
                &cols[n - 5..n - 2],
                ["yes", "yes", "yes"],
                "CJK font not embedded as a subset: {line}"
            );
            assert!(cols[0].contains('+'), "subset fonts carry a tag: {line}");
        }

        let png = self.path.with_extension("");
        tool(
            "pdftoppm",
            &[
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                self.arg(),
                png.to_str().unwrap(),
            ],
        );
        let png = png.with_extension("png");
        let bytes = std::fs::read(&png).unwrap();
        assert!(bytes.starts_with(b"\x89PNG"), "{} is not a PNG", png.display());
        assert!(bytes.len() > 10_000, "{}: page 1 looks empty", png.display());
    }
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn notice_prints_object_items_team_and_contact() {
    let pdf = Pdf::render("notice", &Document::Notice(samples::notice()));
    pdf.assert_well_formed();
    pdf.assert_contains(&[
        "哈尔滨市住房和城乡建设局",
        "检 查 通 知 书",
        "哈住建检通〔2026〕12号",
        "哈尔滨松江建筑工程有限公司：",
        "统一社会信用代码：91230102MA1C4K7X55",
        "定于2026年3月12日，以实地核查方式",
        "建筑施工企业安全生产许可检查",
        "王立军",
        "23010020260015",
        "组长",
        "《建设工程安全生产管理条例》第四十三条",
        "联系人：张明（建筑市场监管处）",
        "0451-84662315",
        "（盖章）",
        "2026年3月6日",
        "第 1 页 共 1 页",
    ]);
}

#[test]
fn site_record_prints_points_findings_evidence_and_signatures() {
    let pdf = Pdf::render("site-record", &Document::SiteRecord(samples::site_record()));
    pdf.assert_well_formed();
    pdf.assert_contains(&[
        "现 场 检 查 笔 录",
        "2026年3月12日 9时30分至11时45分",
        "哈尔滨市松北区世茂大道99号",
        "实地核查",
        "赵国庆（项目经理）13804511234",
        "危险性较大的分部分项工程是否编制专项施工方案并按规定组织专家论证",
        "符合",
        "不符合",
        "不适用",
        "3号楼悬挑脚手架专项方案未经专家论证",
        "《危险性较大的分部分项工程安全管理规定》",
        "制作现场笔录",
        "初步提取证据",
        "责令停止违法违规活动",
        "督促整改，整改期限至2026年3月26日",
        "发现问题已责令改正",
        "IMG_20260312_100412.jpg",
        "9f2c1d4b7a0e83f56c2d9b1e4a7f0c3d",
        "6e9b2a5f8c1d4e7a0b3c6d9e2f5a8b1c",
        "4e1a7b0c3d6f9a2b5c8d1e4f7a0b3c6d",
        "以上笔录共 2 页",
        "被检查对象意见",
        "签名人 姓名 执法证号 / 职务 签名 日期",
        "检查人员 王立军 23010020260015 年 月 日",
        "检查人员 刘晓燕 23010020260042 年 月 日",
        "记录人 刘晓燕 年 月 日",
        "被检查对象代表 年 月 日",
    ]);
}

#[test]
fn result_notice_prints_result_confirmations_code_and_remedies() {
    let pdf = Pdf::render("result-notice", &Document::ResultNotice(samples::result_notice()));
    pdf.assert_well_formed();
    pdf.assert_contains(&[
        "检 查 结 果 告 知 书",
        "哈住建检告〔2026〕12号",
        "一、检查事项及检查情况",
        "安全生产许可证是否在有效期内",
        "二、检查结果",
        "发现问题已责令改正",
        "督促整改，整改期限至2026年3月26日",
        "王立军（组长）",
        "2026年3月13日 16:02",
        "重新输入登录密码",
        "一次性验证码",
        "K7Q2-9XPM-3D",
        samples::URL,
        "20个工作日内进行复核",
        "15个工作日内将复核情况反馈你单位",
        "陈述和申辩",
        "2026年3月16日",
    ]);
}

#[test]
fn rights_notice_lists_the_rights_and_the_acknowledgement() {
    let pdf = Pdf::render("rights-notice", &Document::RightsNotice(samples::rights_notice()));
    pdf.assert_well_formed();
    pdf.assert_contains(&[
        "权 利 告 知 书",
        "王立军（执法证号 23010020260015，组长）",
        "要求出示执法证件",
        "申请回避",
        "陈述、申辩",
        "对检查结果提出异议",
        "申请行政复议、提起行政诉讼",
        "被检查对象代表（签名）",
        "知悉上述权利",
    ]);
}

#[test]
fn long_statement_flows_over_pages() {
    let pdf = Pdf::render("statement", &Document::Statement(samples::long_statement()));
    pdf.assert_well_formed();
    let pages = pdf.pages();
    assert!(pages >= 2, "a long statement takes {pages} page(s)");
    pdf.assert_contains(&[
        "陈 述 申 辩 笔 录",
        "陈述申辩人赵国庆",
        "2026年3月14日 14时00分至14时50分",
        "补充说明第14点",
        "陈述完毕。",
        &format!("第 1 页 共 {pages} 页"),
        &format!("第 {pages} 页 共 {pages} 页"),
        &format!("以上笔录共 {pages} 页"),
        "陈述申辩人 赵国庆 年 月 日",
        "承办人 王立军 23010020260015 年 月 日",
        "承办人 刘晓燕 23010020260042 年 月 日",
    ]);
}

#[test]
fn short_statement_fits_one_page() {
    let pdf = Pdf::render("statement-short", &Document::Statement(samples::statement()));
    assert_eq!(pdf.pages(), 1);
}

/// User text that is markup in typst (or HTML) prints as written, in every document.
#[test]
fn markup_characters_print_as_written() {
    let mut object = samples::object();
    object.name = format!("哈尔滨{TRICKY}有限公司");
    object.address = TRICKY.into();
    let mut notice = samples::notice();
    notice.object = object.clone();
    notice.items.push(TRICKY.into());
    let mut record = samples::site_record();
    record.object = object.clone();
    record.findings[0].description = TRICKY.into();
    let mut result = samples::result_notice();
    result.object = object.clone();
    result.result.summary = TRICKY.into();
    let mut rights = samples::rights_notice();
    rights.object = object.clone();
    let mut statement = samples::statement();
    statement.object = object.clone();
    statement.statement = format!("第一段。\n{TRICKY}\n第三段。");
    let mut duty = samples::duty_record(1);
    duty.tasks[0].inspections[0].object_name = object.name.clone();
    duty.tasks[0].plan = TRICKY.into();

    for (name, doc) in [
        ("tricky-notice", Document::Notice(notice)),
        ("tricky-site-record", Document::SiteRecord(record)),
        ("tricky-result-notice", Document::ResultNotice(result)),
        ("tricky-rights-notice", Document::RightsNotice(rights)),
        ("tricky-statement", Document::Statement(statement)),
        ("tricky-duty-record", Document::DutyRecord(duty)),
    ] {
        let pdf = Pdf::render(name, &doc);
        pdf.assert_contains(&[&format!("哈尔滨{TRICKY}有限公司"), TRICKY, "<script>alert(1)</script>"]);
        if !name.ends_with("record") && !name.ends_with("statement") {
            // The letters are addressed to the object.
            pdf.assert_contains(&[&format!("哈尔滨{TRICKY}有限公司：")]);
        }
    }
}

/// The 履职记录 of a task: its plan, each draw with its public record, each
/// inspection with its team and 文号, the publication against its deadline;
/// landscape A4, the department's seal area at the end.
#[test]
fn duty_record_prints_plan_draws_inspections_and_publication() {
    let pdf = Pdf::render("duty-record", &Document::DutyRecord(samples::duty_record(3)));
    pdf.assert_well_formed_on((842.0, 595.0));
    pdf.assert_contains(&[
        "哈尔滨市住房和城乡建设局",
        "履 职 记 录",
        "抽查任务RW2026-230100-0032026年第三季度建筑施工安全生产许可证动态核查",
        "记录日期2026年11月27日",
        "抽查任务 1 项，随机抽取 2 次，检查组 3 个",
        "一、年度抽查计划",
        "2026年度抽查计划 第1版（已公开，2026-03-02 公开）",
        "二、随机抽取",
        "RW2026-230100-003-1",
        "/public/draws/RW2026-230100-003-2.json",
        "三、现场检查",
        "哈尔滨第3建筑工程有限公司",
        "91230102MA1C4K0003",
        "王立军（组长，23010020260015）",
        "〔2026〕RW2026-230100-003-003",
        "四、结果公示",
        "2026-11-03",
        "已逾期 18 个工作日",
        "（盖章）",
        "第 1 页",
    ]);
}

/// A year's record with many inspections runs over pages, every team printed.
#[test]
fn a_long_duty_record_runs_over_pages() {
    let pdf = Pdf::render("duty-record-long", &Document::DutyRecord(samples::duty_record(60)));
    assert!(pdf.pages() >= 3, "{} pages", pdf.pages());
    pdf.assert_contains(&[
        "哈尔滨第1建筑工程有限公司",
        "哈尔滨第60建筑工程有限公司",
        "〔2026〕RW2026-230100-003-060",
    ]);
}

/// A year without tasks is still a record: each section says there is none.
#[test]
fn a_year_without_tasks_says_none() {
    let mut record = samples::duty_record(0);
    record.scope = DutyScope::Year { year: 2026 };
    record.tasks.clear();
    let pdf = Pdf::render("duty-record-empty", &Document::DutyRecord(record));
    pdf.assert_contains(&[
        "年度2026年度",
        "抽查任务 0 项",
        "一、年度抽查计划无。",
        "四、结果公示无。",
    ]);
}

#[test]
fn fonts_prefer_serif_body_and_sans_titles() {
    let fonts = RENDERER.fonts();
    assert_eq!(fonts.body, "Noto Serif CJK SC");
    assert_eq!(fonts.heading, "Noto Sans CJK SC");
}

#[test]
fn no_cjk_font_says_where_it_looked_and_what_to_install() {
    let empty = out_dir().join("no-fonts");
    std::fs::create_dir_all(&empty).unwrap();
    let nowhere = Path::new("/nonexistent/fonts").to_path_buf();
    let err = Renderer::new(&[empty.clone(), nowhere.clone()]).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, DocumentError::NoCjkFont { .. }));
    assert!(msg.contains(empty.to_str().unwrap()), "{msg}");
    assert!(msg.contains("/nonexistent/fonts 不存在"), "{msg}");
    assert!(msg.contains("fonts-noto-cjk"), "{msg}");
    assert!(Renderer::new(&[]).unwrap_err().to_string().contains("没有配置字体目录"));
}

#[test]
fn missing_fields_are_named() {
    let mut notice = samples::notice();
    notice.object.name = "  ".into();
    let err = RENDERER.render(&Document::Notice(notice)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "检查通知书的“检查对象名称”不能为空，请补全或改正后再生成。"
    );

    let mut record = samples::site_record();
    record.evidence[0].sha256 = "abc".into();
    let err = RENDERER.render(&Document::SiteRecord(record)).unwrap_err();
    assert!(
        err.to_string()
            .contains("IMG_20260312_100412.jpg 的 SHA-256 值”不是 64 位十六进制数"),
        "{err}"
    );
}

#[test]
fn documents_round_trip_through_json() {
    for (_, doc) in samples::all() {
        let json = serde_json::to_string(&doc).unwrap();
        assert_eq!(serde_json::from_str::<Document>(&json).unwrap(), doc);
    }
}

/// A table row longer than a page breaks over pages instead of running off one.
#[test]
fn a_finding_longer_than_a_page_is_printed_whole() {
    let mut record = samples::site_record();
    record.findings[0].description = format!("问题开头。{}问题结尾。", "脚手架连墙件缺失，".repeat(600));
    let pdf = Pdf::render("long-finding", &Document::SiteRecord(record));
    let pages = pdf.pages();
    assert!(pages >= 3);
    // At each page break the footer and the repeated header row come
    // between the two halves of a phrase in pdftotext's reading.
    let whole = pdf.text().matches("脚手架连墙件缺失，").count();
    assert!(whole >= 600 - (pages - 1), "{whole} of 600 phrases on {pages} pages");
    pdf.assert_contains(&["问题开头。", "问题结尾。", "被检查对象代表"]);
}

#[test]
fn a_folder_without_chinese_fonts_is_refused() {
    // Debian's fonts-dejavu-core: Latin, Greek, Cyrillic, no Chinese.
    let dejavu = PathBuf::from("/usr/share/fonts/truetype/dejavu");
    if !dejavu.exists() {
        return;
    }
    let err = Renderer::new(std::slice::from_ref(&dejavu)).unwrap_err();
    assert!(matches!(err, DocumentError::NoCjkFont { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("/usr/share/fonts/truetype/dejavu 中没有找到中文字体"),
        "{err}"
    );
}

/// Without a serif CJK font the body falls back to the sans one, and renders.
#[test]
fn body_falls_back_to_sans_without_serif() {
    let dir = out_dir().join("sans-only");
    std::fs::create_dir_all(&dir).unwrap();
    let sans = Path::new("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc");
    let link = dir.join("NotoSansCJK-Regular.ttc");
    if !link.exists() {
        std::os::unix::fs::symlink(sans, &link).unwrap();
    }
    let renderer = Renderer::new(&[dir]).unwrap();
    assert_eq!(renderer.fonts().body, "Noto Sans CJK SC");
    assert_eq!(renderer.fonts().heading, "Noto Sans CJK SC");
    let pdf = renderer
        .render(&Document::RightsNotice(samples::rights_notice()))
        .unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
}

#[test]
fn one_renderer_serves_several_threads() {
    fn shared<T: Send + Sync>(_: &T) {}
    shared(&*RENDERER);
    let handles: Vec<_> = samples::all()
        .into_iter()
        .map(|(name, doc)| std::thread::spawn(move || (name, RENDERER.render(&doc).map(|pdf| pdf.len()))))
        .collect();
    for h in handles {
        let (name, len) = h.join().unwrap();
        assert!(len.unwrap_or_else(|e| panic!("{name}: {e}")) > 10_000, "{name}");
    }
}
