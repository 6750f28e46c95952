//! spotcheck-documents: the 行政执法检查文书 (第二十二条) as PDF.
//!
//! Plain data in ([`Document`]: 检查通知书, 现场检查笔录, 检查结果告知书,
//! 权利告知书, 陈述申辩笔录, and a department's 履职记录), PDF bytes out; no
//! database, no web. The caller builds one [`Renderer`] at start-up (it scans
//! the font folders) and calls [`Renderer::render`] for each document:
//!
//! ```no_run
//! # fn demo(doc: &spotcheck_documents::Document) -> Result<(), spotcheck_documents::DocumentError> {
//! use spotcheck_documents::Renderer;
//! let renderer = Renderer::new(&[Renderer::default_font_dir()])?;
//! let pdf: Vec<u8> = renderer.render(doc)?;
//! # Ok(()) }
//! ```
//!
//! Why typst (as a library, in this crate of its own because it is the
//! heaviest dependency of the tree): real layout — CJK line breaking, tables
//! with ruled lines that break across pages, "第 1 页 共 2 页" — and a PDF
//! writer that embeds only the glyphs used (subsetting), so a document with
//! a 20 MB CJK font stays small. Each 文书 is a `.typ` template kept in
//! `templates/` and compiled into the binary; the data reaches it as JSON
//! (`json("/data.json")`), never spliced into markup, so user text with `#`,
//! `*`, `$`, `[`, `\` or `<script>` prints as written.
//!
//! Fonts: the official 仿宋_GB2312 / 方正小标宋 are commercial, so no font is
//! bundled and the font folders are configurable (default
//! [`Renderer::default_font_dir`], where Debian's fonts-noto-cjk lives). The
//! renderer prefers the official fonts when present, then Noto Serif CJK SC
//! (宋体-like) for the body and Noto Sans CJK SC for titles; see [`FontChoice`].
//!
//! Rendering is synchronous and CPU-bound (tens of milliseconds): call it
//! from `spawn_blocking` in async code. A [`Renderer`] is `Send + Sync`;
//! share one behind an `Arc`.

#![forbid(unsafe_code)]

mod error;
mod fonts;
mod model;
mod view;
mod world;

use std::path::PathBuf;

pub use error::DocumentError;
pub use fonts::{DEFAULT_FONT_DIR, FontChoice};
pub use model::*;

use typst::Library;
use typst::LibraryExt;
use typst::diag::SourceDiagnostic;
use typst::ecow::EcoVec;
use typst::foundations::Bytes;
use typst::utils::LazyHash;
use typst_layout::PagedDocument;

use crate::fonts::Fonts;
use crate::world::{DocWorld, Templates};

/// Renders [`Document`]s to PDF. Build one, keep it, use it from any thread.
pub struct Renderer {
    library: LazyHash<Library>,
    fonts: Fonts,
    templates: Templates,
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer")
            .field("fonts", &self.fonts.choice)
            .finish_non_exhaustive()
    }
}

impl Renderer {
    /// Scans `font_dirs` (recursively) for fonts and chooses the families to
    /// use. Fails with [`DocumentError::NoCjkFont`] when none of them holds a
    /// font with Chinese characters. Takes about as long as reading the
    /// folders' font headers (well under a second for /usr/share/fonts).
    pub fn new(font_dirs: &[PathBuf]) -> Result<Renderer, DocumentError> {
        let fonts = Fonts::scan(font_dirs)?;
        Ok(Renderer {
            library: LazyHash::new(Library::default()),
            fonts,
            templates: Templates::new(),
        })
    }

    /// `/usr/share/fonts`: where Debian's fonts-noto-cjk (and fonts-lxgw-wenkai) install.
    pub fn default_font_dir() -> PathBuf {
        PathBuf::from(DEFAULT_FONT_DIR)
    }

    /// The font families chosen for body, titles and codes.
    pub fn fonts(&self) -> &FontChoice {
        &self.fonts.choice
    }

    /// Lays `doc` out on A4 pages and returns the PDF file's bytes.
    pub fn render(&self, doc: &Document) -> Result<Vec<u8>, DocumentError> {
        let kind = doc.kind();
        let data = view::data(doc, &self.fonts.choice)?;
        let data = Bytes::new(serde_json::to_vec(&data).expect("JSON values always serialise"));
        let world = DocWorld::new(&self.library, &self.fonts.store, &self.templates, kind, data);
        let compiled = typst::compile::<PagedDocument>(&world).output;
        // typst memoises across compilations; keep only what recent renders
        // used (the templates), so a long-running server does not grow.
        typst::comemo::evict(10);
        let document = compiled.map_err(|e| DocumentError::Layout {
            kind,
            message: diagnostics(&e),
        })?;
        let options = typst_pdf::PdfOptions::default();
        typst_pdf::pdf(&document, &options).map_err(|e| DocumentError::Pdf {
            kind,
            message: diagnostics(&e),
        })
    }
}

fn diagnostics(errors: &EcoVec<SourceDiagnostic>) -> String {
    errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("；")
}
