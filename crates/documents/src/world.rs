//! The typst `World` of one render: a virtual file system holding the
//! templates (compiled into the binary) and `/data.json`, the fonts of the
//! renderer, no packages, no clock, no access to the disk.

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, World};
use typst_kit::fonts::FontStore;

use crate::model::DocumentKind;

/// The shared helpers every template imports as `/common.typ`.
const COMMON: &str = include_str!("../templates/common.typ");

fn template(kind: DocumentKind) -> (&'static str, &'static str) {
    match kind {
        DocumentKind::Notice => ("/notice.typ", include_str!("../templates/notice.typ")),
        DocumentKind::SiteRecord => ("/site-record.typ", include_str!("../templates/site-record.typ")),
        DocumentKind::ResultNotice => ("/result-notice.typ", include_str!("../templates/result-notice.typ")),
        DocumentKind::RightsNotice => ("/rights-notice.typ", include_str!("../templates/rights-notice.typ")),
        DocumentKind::Statement => ("/statement.typ", include_str!("../templates/statement.typ")),
        DocumentKind::DutyRecord => ("/duty-record.typ", include_str!("../templates/duty-record.typ")),
    }
}

fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("template paths are valid virtual paths");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// The parsed templates, made once per renderer.
pub(crate) struct Templates {
    common: Source,
    main: Vec<(DocumentKind, Source)>,
    data: FileId,
}

impl Templates {
    pub(crate) fn new() -> Templates {
        let main = DocumentKind::ALL
            .iter()
            .map(|&kind| {
                let (path, text) = template(kind);
                (kind, Source::new(file_id(path), text.to_string()))
            })
            .collect();
        Templates {
            common: Source::new(file_id("/common.typ"), COMMON.to_string()),
            main,
            data: file_id("/data.json"),
        }
    }

    fn main(&self, kind: DocumentKind) -> &Source {
        &self
            .main
            .iter()
            .find(|(k, _)| *k == kind)
            .expect("every kind has a template")
            .1
    }
}

pub(crate) struct DocWorld<'a> {
    library: &'a LazyHash<Library>,
    fonts: &'a FontStore,
    templates: &'a Templates,
    main: &'a Source,
    data: Bytes,
}

impl<'a> DocWorld<'a> {
    pub(crate) fn new(
        library: &'a LazyHash<Library>,
        fonts: &'a FontStore,
        templates: &'a Templates,
        kind: DocumentKind,
        data: Bytes,
    ) -> Self {
        DocWorld {
            library,
            fonts,
            templates,
            main: templates.main(kind),
            data,
        }
    }

    fn not_found(id: FileId) -> FileError {
        FileError::NotFound(id.vpath().get_with_slash().into())
    }
}

impl World for DocWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else if id == self.templates.common.id() {
            Ok(self.templates.common.clone())
        } else {
            Err(Self::not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.templates.data {
            Ok(self.data.clone())
        } else {
            Err(Self::not_found(id))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.font(index)
    }

    /// Documents carry their own dates; `datetime.today()` is not for them.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}
