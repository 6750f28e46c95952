//! Renders the sample documents (tests/samples) to PDF files and times the
//! renderer: `cargo run --release -p spotcheck-documents --example render_samples -- OUT_DIR [FONT_DIR…]`.

#[path = "../tests/samples/mod.rs"]
mod samples;

use std::path::PathBuf;
use std::time::Instant;

use spotcheck_documents::{Document, Renderer};

/// Another document of the same kind: its 文号 and object's name changed.
fn vary(doc: &mut Document, i: usize) {
    let (issuer, object) = match doc {
        Document::Notice(d) => (&mut d.issuer, &mut d.object),
        Document::SiteRecord(d) => (&mut d.issuer, &mut d.object),
        Document::ResultNotice(d) => (&mut d.issuer, &mut d.object),
        Document::RightsNotice(d) => (&mut d.issuer, &mut d.object),
        Document::Statement(d) => (&mut d.issuer, &mut d.object),
        // A 履职记录 has no object: another task name instead.
        Document::DutyRecord(d) => {
            for t in &mut d.tasks {
                t.name = format!("2026年第{}批建筑施工安全生产抽查", i + 1);
            }
            return;
        }
    };
    issuer.doc_number = format!("哈住建检〔2026〕{}号", 100 + i);
    object.name = format!("哈尔滨第{}建筑工程有限公司", i + 1);
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().unwrap_or_else(|| "target/document-samples".into()));
    let mut dirs: Vec<PathBuf> = args.map(PathBuf::from).collect();
    if dirs.is_empty() {
        dirs.push(Renderer::default_font_dir());
    }
    std::fs::create_dir_all(&out)?;

    let start = Instant::now();
    let renderer = Renderer::new(&dirs)?;
    println!("font scan: {:?}, fonts: {:?}", start.elapsed(), renderer.fonts());

    for (name, doc) in samples::all() {
        let start = Instant::now();
        let pdf = renderer.render(&doc)?;
        let first = start.elapsed();
        let path = out.join(format!("{name}.pdf"));
        std::fs::write(&path, &pdf)?;
        // 20 different documents (another 文号 and object each), as a server renders
        // them: typst's caches help with the templates, not with new data.
        let start = Instant::now();
        for i in 0..20 {
            let mut doc = doc.clone();
            vary(&mut doc, i);
            renderer.render(&doc)?;
        }
        let each = start.elapsed() / 20;
        println!(
            "{}: {} KiB; first render {first:.0?}, then {each:.1?} per render (mean of 20 different documents)",
            path.display(),
            pdf.len() / 1024,
        );
    }
    Ok(())
}
