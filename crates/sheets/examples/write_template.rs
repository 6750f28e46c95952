//! Writes the four import templates into a folder, to look at them in a
//! spreadsheet program:
//!
//!   cargo run -p spotcheck-sheets --example write_template -- /tmp/templates

use spotcheck_domain::directory::ListKind;

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".to_string());
    std::fs::create_dir_all(&dir).unwrap();
    for kind in ListKind::ALL.iter().copied() {
        let path = format!("{dir}/{}模板.xlsx", kind.label());
        std::fs::write(&path, spotcheck_sheets::template(kind)).unwrap();
        println!("{path}");
    }
}
