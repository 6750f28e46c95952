//! What a file is, read from its first bytes (magic numbers), never from its name: a phone or a
//! browser names files as it likes, and an allowlist by extension would let a script named
//! `现场.jpg` into the record. Only the kinds an inspector records on site are accepted.

/// A kind of evidence file the store accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Kind {
    pub mime: &'static str,
    pub ext: &'static str,
}

const fn kind(mime: &'static str, ext: &'static str) -> Kind {
    Kind { mime, ext }
}

/// How many bytes of the head the type check looks at. OOXML (docx/xlsx) is the greediest: infer
/// scans up to three ZIP local headers, each up to 6,000 bytes apart.
pub(crate) const SNIFF_LEN: usize = 64 * 1024;

/// The allowlist, with why each kind is evidence:
/// - images: JPEG (every camera and phone), PNG (screenshots of apps and documents), HEIC/HEIF
///   (iPhones' default photo format), WebP (what WeChat and some Android cameras save);
/// - audio: MP3 and M4A/AAC (phone recorder apps), WAV (recorders, 执法记录仪), AMR (older
///   Android recorders and WeChat voice), Ogg and WebM (what a browser's MediaRecorder produces);
/// - video: MP4 (phones, 执法记录仪), MOV (iPhones), 3GP (older phones), WebM (browser recording);
/// - documents: PDF (scanned 文书, signed records), DOCX/XLSX and the older DOC/XLS (the 检查表
///   and 记录 the unit hands over, still often in Office 97 formats).
///
/// Everything else (archives, executables, scripts, HTML, SVG with script...) is refused: the
/// record must be something a person can open and look at, not something that runs.
pub(crate) fn sniff(head: &[u8]) -> Sniffed {
    use infer::{archive, audio, doc, image, video};
    if image::is_jpeg(head) {
        return Sniffed::Known(kind("image/jpeg", "jpg"));
    }
    if image::is_png(head) {
        return Sniffed::Known(kind("image/png", "png"));
    }
    if image::is_webp(head) {
        return Sniffed::Known(kind("image/webp", "webp"));
    }
    if let Some(k) = iso_bmff(head) {
        return Sniffed::Known(k);
    }
    if audio::is_mp3(head) {
        return Sniffed::Known(kind("audio/mpeg", "mp3"));
    }
    if audio::is_aac(head) {
        return Sniffed::Known(kind("audio/aac", "aac"));
    }
    if audio::is_wav(head) {
        return Sniffed::Known(kind("audio/wav", "wav"));
    }
    if audio::is_amr(head) {
        return Sniffed::Known(kind("audio/amr", "amr"));
    }
    if audio::is_ogg(head) || audio::is_ogg_opus(head) {
        return Sniffed::Known(kind("audio/ogg", "ogg"));
    }
    if video::is_webm(head) {
        return Sniffed::Known(kind("video/webm", "webm"));
    }
    if archive::is_pdf(head) {
        return Sniffed::Known(kind("application/pdf", "pdf"));
    }
    if doc::is_docx(head) {
        return Sniffed::Known(kind(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ));
    }
    if doc::is_xlsx(head) {
        return Sniffed::Known(kind(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ));
    }
    if let Some(ole) = Ole2::from_header(head) {
        return Sniffed::Ole2(ole);
    }
    Sniffed::Refused(describe(head))
}

/// The outcome of looking at a file's head.
#[derive(Debug)]
pub(crate) enum Sniffed {
    Known(Kind),
    /// An Office 97 compound file: DOC or XLS is told by the root entry's class id, which lies
    /// wherever the directory sector is, so it is picked out of the stream as it goes by.
    Ole2(Ole2),
    /// Not an allowed kind; the text says what it looked like, for the message.
    Refused(String),
}

/// ISO base media files (the `ftyp` box): MP4, MOV, 3GP, M4A and HEIC/HEIF share the container and
/// are told apart by the brands.
fn iso_bmff(head: &[u8]) -> Option<Kind> {
    if head.len() < 12 || &head[4..8] != b"ftyp" {
        return None;
    }
    let box_len = u32::from_be_bytes(head[0..4].try_into().ok()?) as usize;
    let end = box_len.clamp(12, head.len());
    let major = &head[8..12];
    let compatible: Vec<&[u8]> = head.get(16..end).unwrap_or_default().chunks_exact(4).collect();
    let brands = || std::iter::once(major).chain(compatible.iter().copied());
    let has = |b: &[u8]| brands().any(|x| x == b);
    if ["heic", "heix", "heim", "heis", "hevc", "hevx"]
        .iter()
        .any(|b| major == b.as_bytes())
        || (matches!(major, b"mif1" | b"msf1") && ["heic", "heix", "hevc", "hevx"].iter().any(|b| has(b.as_bytes())))
    {
        return Some(kind("image/heic", "heic"));
    }
    if matches!(major, b"M4A " | b"M4B ") {
        return Some(kind("audio/mp4", "m4a"));
    }
    if major.starts_with(b"3gp") || major.starts_with(b"3g2") || major.starts_with(b"3ge") {
        return Some(kind("video/3gpp", "3gp"));
    }
    if major == b"qt  " {
        return Some(kind("video/quicktime", "mov"));
    }
    const MP4: [&[u8]; 12] = [
        b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"mmp4", b"M4V ", b"dash",
    ];
    if MP4.contains(&major) || compatible.iter().any(|b| MP4.contains(b)) {
        return Some(kind("video/mp4", "mp4"));
    }
    None
}

/// A short description of a refused head for the message: what infer takes it for, or whether it
/// is text.
fn describe(head: &[u8]) -> String {
    if head.starts_with(b"#!") {
        return "脚本（以 #! 开头的文本）".into();
    }
    if let Some(t) = infer::Infer::new().get(head) {
        return format!("{}（{}）", t.mime_type(), t.extension());
    }
    if head.is_empty() {
        return "空文件".into();
    }
    let sample = &head[..head.len().min(512)];
    if std::str::from_utf8(sample).is_ok() || sample.iter().all(|b| b.is_ascii()) {
        return "纯文本".into();
    }
    "未知的二进制格式".into()
}

/// Tracks an Office 97 compound file (OLE2/CFB) while it streams past, to read the class id of
/// its root directory entry, which says Word (DOC) or Excel (XLS).
#[derive(Debug)]
pub(crate) struct Ole2 {
    /// Absolute byte offset of the root entry's 16-byte class id.
    clsid_at: u64,
    clsid: Vec<u8>,
}

const OLE2_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

impl Ole2 {
    fn from_header(head: &[u8]) -> Option<Self> {
        if head.len() < 0x34 || head[..8] != OLE2_MAGIC {
            return None;
        }
        let shift = u16::from_le_bytes([head[0x1E], head[0x1F]]);
        if !(shift == 9 || shift == 12) {
            return None;
        }
        let sector = u32::from_le_bytes(head[0x30..0x34].try_into().ok()?);
        if sector >= 0xFFFF_FFFA {
            return None;
        }
        // Sector n starts at (n + 1) << shift; the root is the directory's first entry, its class id
        // at 0x50 within the entry.
        let clsid_at = ((u64::from(sector) + 1) << shift) + 0x50;
        Some(Ole2 {
            clsid_at,
            clsid: Vec::with_capacity(16),
        })
    }

    /// Sees the bytes `[offset, offset + chunk.len())` of the file go by.
    pub(crate) fn feed(&mut self, offset: u64, chunk: &[u8]) {
        let want = self.clsid_at + self.clsid.len() as u64;
        if self.clsid.len() == 16 || want < offset || want >= offset + chunk.len() as u64 {
            return;
        }
        let start = (want - offset) as usize;
        let take = (16 - self.clsid.len()).min(chunk.len() - start);
        self.clsid.extend_from_slice(&chunk[start..start + take]);
    }

    /// DOC or XLS once the whole file went by; `Err` with a description otherwise.
    pub(crate) fn finish(&self) -> Result<Kind, String> {
        if self.clsid.len() < 16 {
            return Err("损坏的 Office 97 复合文档".into());
        }
        // The class id is stored as a little-endian GUID: compare its first field.
        let first = u32::from_le_bytes(self.clsid[0..4].try_into().unwrap_or_default());
        let tail_ok = self.clsid[4..] == [0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46];
        match (first, tail_ok) {
            (0x0002_0906, true) => Ok(kind("application/msword", "doc")),
            (0x0002_0810 | 0x0002_0820, true) => Ok(kind("application/vnd.ms-excel", "xls")),
            (0x6481_8D10, _) => Err("PowerPoint 97 演示文稿（ppt）".into()),
            _ => Err("既非 Word 也非 Excel 的 Office 97 复合文档".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ftyp(major: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
        let len = 16 + 4 * compatible.len();
        let mut v = (len as u32).to_be_bytes().to_vec();
        v.extend_from_slice(b"ftyp");
        v.extend_from_slice(major);
        v.extend_from_slice(&[0, 0, 0, 0]);
        for c in compatible {
            v.extend_from_slice(*c);
        }
        v.extend_from_slice(&[0, 0, 0, 8, b'f', b'r', b'e', b'e']);
        v
    }

    fn known(head: &[u8]) -> Option<&'static str> {
        match sniff(head) {
            Sniffed::Known(k) => Some(k.ext),
            _ => None,
        }
    }

    #[test]
    fn iso_bmff_brands() {
        assert_eq!(known(&ftyp(b"isom", &[b"isom", b"avc1"])), Some("mp4"));
        assert_eq!(known(&ftyp(b"qt  ", &[b"qt  "])), Some("mov"));
        assert_eq!(known(&ftyp(b"3gp4", &[b"3gp4", b"isom"])), Some("3gp"));
        assert_eq!(known(&ftyp(b"M4A ", &[b"M4A ", b"mp42"])), Some("m4a"));
        assert_eq!(known(&ftyp(b"heic", &[b"mif1", b"heic"])), Some("heic"));
        assert_eq!(known(&ftyp(b"mif1", &[b"mif1", b"heic"])), Some("heic"));
        // AVIF shares the HEIF container but is not on the list.
        assert_eq!(known(&ftyp(b"mif1", &[b"mif1", b"avif"])), None);
        assert_eq!(known(&ftyp(b"crx ", &[b"crx "])), None);
    }

    #[test]
    fn refusals_say_what_they_saw() {
        match sniff(b"#!/bin/sh\nrm -rf /\n") {
            Sniffed::Refused(s) => assert!(s.contains("脚本"), "{s}"),
            other => panic!("{other:?}"),
        }
        match sniff(b"PK\x03\x04\x14\x00\x00\x00\x08\x00") {
            Sniffed::Refused(s) => assert!(s.contains("zip"), "{s}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn ole2_class_id_is_read_from_the_stream() {
        // Header says: 512-byte sectors, directory at sector 3 → root entry at 4 * 512.
        let mut file = vec![0u8; 8 * 512];
        file[..8].copy_from_slice(&OLE2_MAGIC);
        file[0x1E] = 9;
        file[0x30] = 3;
        let at = 4 * 512 + 0x50;
        file[at..at + 4].copy_from_slice(&0x0002_0820u32.to_le_bytes());
        file[at + 4..at + 16].copy_from_slice(&[0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46]);
        let Sniffed::Ole2(mut ole) = sniff(&file[..600]) else {
            panic!("not OLE2")
        };
        // Chunk boundaries that split the class id.
        let mut offset = 0;
        for chunk in file.chunks(710) {
            ole.feed(offset, chunk);
            offset += chunk.len() as u64;
        }
        assert_eq!(ole.finish().map(|k| k.ext), Ok("xls"));
    }
}
