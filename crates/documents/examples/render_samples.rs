//! Renders the sample documents (tests/samples) to PDF files and times the
//! renderer: `cargo run --release -p spotcheck-documents --example render_samples -- OUT_DIR [FONT_DIR…]`.

#[path = "../tests/samples/mod.rs"]
mod samples;

use std::path::PathBuf;
use std::time::Instant;

use spotcheck_documents::Renderer;

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
        let start = Instant::now();
        for _ in 0..20 {
            renderer.render(&doc)?;
        }
        let each = start.elapsed() / 20;
        println!(
            "{}: {} bytes, first render {first:?}, then {each:?} per render (mean of 20)",
            path.display(),
            pdf.len()
        );
    }
    Ok(())
}
