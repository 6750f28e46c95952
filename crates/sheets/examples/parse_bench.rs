//! Throughput and memory of reading and validating a large 企业 list.
//!
//!   cargo run --release -p spotcheck-sheets --example parse_bench -- generate 100000 /tmp/e100k.xlsx
//!   /usr/bin/time -v target/release/examples/parse_bench validate /tmp/e100k.xlsx
//!
//! `generate` writes valid rows with unique codes, names and addresses through
//! the shared-string table, as Excel, WPS and LibreOffice do (`--inline` writes
//! inline strings instead, as streaming writers and our own export do); a
//! FILE ending in `.csv` gets CSV (UTF-8, or GB18030 when `--inline` is
//! given). `validate` reads the file with `validate_file` and counts
//! outcomes, printing rows per second; `read` only reads; `raw` only runs
//! calamine's cell reader (the floor).

use std::time::Instant;

use rust_xlsxwriter::Workbook;
use spotcheck_domain::credit_code;
use spotcheck_domain::directory::{ListKind, RowContext, columns};

const BODY: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// The `n`th valid credit code (distinct for every n below 31^7).
fn code(n: u64) -> String {
    let mut body = Vec::with_capacity(8);
    let mut x = n;
    for _ in 0..7 {
        body.push(BODY[(x % 31) as usize]);
        x /= 31;
    }
    // Positions 9–16: a fixed letter then seven varying characters.
    let mut body8 = String::from("M");
    body8.push_str(std::str::from_utf8(&body).unwrap());
    let org = credit_code::org_code_check_char(&body8).unwrap();
    if !credit_code::CHARSET.contains(org) {
        return String::new();
    }
    let first17 = format!("91230102{body8}{org}");
    format!("{first17}{}", credit_code::check_char(&first17).unwrap())
}

/// The cells of data row `i` (1-based) with credit code `c`.
fn row_cells(i: u64, c: String) -> Vec<String> {
    let kinds = [
        "建筑业企业",
        "工程监理企业",
        "房地产开发企业、物业服务企业",
        "燃气经营企业",
    ];
    let risks = ["A类", "B类", "C类", "D类"];
    vec![
        c,
        format!("哈尔滨市道里区示例第{i}建筑工程有限公司"),
        ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏"][(i % 8) as usize].to_string(),
        format!("哈尔滨市道里区示例路{i}号"),
        "230102".to_string(),
        kinds[(i % 4) as usize].to_string(),
        risks[(i % 4) as usize].to_string(),
        if i.is_multiple_of(17) { "是" } else { "否" }.to_string(),
        "否".to_string(),
        "否".to_string(),
        (i % 5).to_string(),
        format!("1380000{:04}", i % 10000),
    ]
}

/// Calls `f` with the 1-based row number and cells of `rows` valid rows.
fn for_rows(rows: u64, mut f: impl FnMut(u64, Vec<String>)) {
    let (mut n, mut i) = (0u64, 1u64);
    while i <= rows {
        let c = code(n);
        n += 1;
        if !c.is_empty() {
            f(i, row_cells(i, c));
            i += 1;
        }
    }
}

/// Valid rows as CSV, UTF-8 or (with `gbk`) GB18030 as a Chinese Excel saves it.
fn generate_csv(rows: u64, path: &str, gbk: bool) {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut write = |line: String| {
        let bytes = if gbk {
            encoding_rs::GB18030.encode(&line).0.into_owned()
        } else {
            line.into_bytes()
        };
        out.write_all(&bytes).unwrap();
    };
    let header: Vec<String> = columns(ListKind::Enterprise).iter().map(|c| c.header()).collect();
    write(header.join(",") + "\r\n");
    for_rows(rows, |_, cells| write(cells.join(",") + "\r\n"));
}

fn generate(rows: u64, path: &str, inline: bool) {
    if path.ends_with(".csv") {
        return generate_csv(rows, path, inline);
    }
    let mut workbook = Workbook::new();
    let sheet = if inline {
        workbook.add_worksheet_with_constant_memory().unwrap()
    } else {
        workbook.add_worksheet_with_low_memory().unwrap()
    };
    sheet.set_name("企业").unwrap();
    for (i, c) in columns(ListKind::Enterprise).iter().enumerate() {
        sheet.write_string(0, i as u16, c.header()).unwrap();
    }
    for_rows(rows, |i, cells| {
        let r = i as u32;
        for (j, v) in cells.iter().enumerate() {
            if j == 10 {
                sheet.write_number(r, 10, v.parse::<f64>().unwrap()).unwrap();
            } else {
                sheet.write_string(r, j as u16, v).unwrap();
            }
        }
    });
    workbook.save(path).unwrap();
}

fn validate(path: &str) {
    let ctx = RowContext {
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
        division_allowed: &|d| d.as_str() == "230102",
        department_allowed: &|c| c.starts_with("230102"),
    };
    let start = Instant::now();
    let mut valid = 0u64;
    let mut rejected = 0u64;
    let validation = spotcheck_sheets::validate_file(ListKind::Enterprise, path, &ctx).unwrap();
    let opened = start.elapsed();
    for outcome in validation {
        match outcome.unwrap().result {
            Ok(_) => valid += 1,
            Err(_) => rejected += 1,
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{path}: {valid} valid, {rejected} rejected in {secs:.2} s (open {:.2} s) = {:.0} rows/s",
        opened.as_secs_f64(),
        (valid + rejected) as f64 / secs
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("generate") => generate(
            args[2].parse().unwrap(),
            &args[3],
            args.get(4).is_some_and(|a| a == "--inline"),
        ),
        Some("validate") => validate(&args[2]),
        Some("raw") => {
            use calamine::Reader;
            let start = Instant::now();
            let file = std::io::BufReader::new(std::fs::File::open(&args[2]).unwrap());
            let mut wb = calamine::Xlsx::new(file).unwrap();
            let mut cells = wb.worksheet_cells_reader("企业").unwrap();
            let mut n = 0u64;
            while let Some(c) = cells.next_cell_with_formula_metadata().unwrap() {
                n += u64::from(c.pos.0 & 1);
            }
            println!("raw {n} in {:.2} s", start.elapsed().as_secs_f64());
        }
        Some("read") => {
            let start = Instant::now();
            let n = spotcheck_sheets::SheetReader::open(ListKind::Enterprise, &args[2])
                .unwrap()
                .count();
            println!("read {n} rows in {:.2} s", start.elapsed().as_secs_f64());
        }
        _ => eprintln!("usage: parse_bench generate ROWS FILE [--inline] | validate FILE"),
    }
}
