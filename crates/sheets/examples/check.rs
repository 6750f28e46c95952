//! Checks a filled-in list as the import would, as 道里区 (230102) on
//! 2026-11-27, and prints every outcome: a quick look at what a file gives.
//!
//!   cargo run -p spotcheck-sheets --example check -- 企业 crates/sheets/tests/fixtures/enterprise.xlsx

use spotcheck_domain::directory::{ListKind, RowContext};
fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: check <企业|从业人员|工程项目|检查人员> FILE");
        return;
    }
    let kind = ListKind::parse(&args[1]).unwrap();
    let ctx = RowContext {
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
        division_allowed: &|d| d.as_str() == "230102",
        department_allowed: &|c| c.starts_with("230102"),
    };
    match spotcheck_sheets::validate_file(kind, &args[2], &ctx) {
        Err(e) => println!("FILE ERROR: {e}"),
        Ok(mut v) => {
            println!(
                "format {:?} header {} sheet {} warnings {:?}",
                v.reader().format(),
                v.reader().header_row(),
                v.reader().sheet_name(),
                v.reader().warnings()
            );
            for o in v.by_ref() {
                match o {
                    Err(e) => println!("ERR {e}"),
                    Ok(o) => match o.result {
                        Ok(r) => println!("{} OK {:?}", o.row, r),
                        Err(es) => {
                            for e in es {
                                println!("{} ERR {}", o.row, e);
                            }
                        }
                    },
                }
            }
            println!("{:?}", v.progress());
        }
    }
}
