//! CSV as Excel and WPS in China write it: UTF-8 with or without a BOM
//! ("CSV UTF-8"), UTF-16 with a BOM ("Unicode 文本", tab-separated), or —
//! the default "CSV (逗号分隔)" of a Chinese Windows — GB18030/GBK. The
//! encoding is decided from a BOM or from whether the first 64 KiB are valid
//! UTF-8, and the text is decoded as a stream, so memory stays flat.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::mpsc::SyncSender;

use encoding_rs::{CoderResult, Decoder, Encoding, GB18030, UTF_8};
use spotcheck_domain::directory::ListKind;

use crate::error::SheetError;
use crate::read::{Assembler, Flow, RawCell};

const SAMPLE: usize = 64 * 1024;

/// The encoding of a text file from its first bytes: UTF-8 (BOM or valid
/// UTF-8, allowing a character cut at the end of the sample), UTF-16 (BOM),
/// else GB18030 (a superset of GBK and GB2312).
pub(crate) fn sniff_encoding(sample: &[u8]) -> &'static Encoding {
    if let Some((enc, _)) = Encoding::for_bom(sample) {
        return enc;
    }
    match std::str::from_utf8(sample) {
        Ok(_) => UTF_8,
        Err(e) if e.error_len().is_none() && sample.len() >= SAMPLE => UTF_8,
        Err(_) => GB18030,
    }
}

/// A `Read` that turns bytes in any encoding into UTF-8 (dropping a BOM).
pub(crate) struct DecodingReader<R> {
    inner: R,
    decoder: Decoder,
    input: Box<[u8]>,
    in_pos: usize,
    in_len: usize,
    eof: bool,
    output: Box<[u8]>,
    out_pos: usize,
    out_len: usize,
    finished: bool,
    /// Bytes of the source consumed so far (for progress).
    pub(crate) consumed: u64,
}

impl<R: Read> DecodingReader<R> {
    pub(crate) fn new(inner: R, encoding: &'static Encoding) -> Self {
        Self {
            inner,
            decoder: encoding.new_decoder(),
            input: vec![0; 32 * 1024].into_boxed_slice(),
            in_pos: 0,
            in_len: 0,
            eof: false,
            output: vec![0; 64 * 1024].into_boxed_slice(),
            out_pos: 0,
            out_len: 0,
            finished: false,
            consumed: 0,
        }
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.out_pos < self.out_len {
                let n = buf.len().min(self.out_len - self.out_pos);
                buf[..n].copy_from_slice(&self.output[self.out_pos..self.out_pos + n]);
                self.out_pos += n;
                return Ok(n);
            }
            if self.finished {
                return Ok(0);
            }
            if self.in_pos == self.in_len && !self.eof {
                self.in_len = self.inner.read(&mut self.input)?;
                self.in_pos = 0;
                self.eof = self.in_len == 0;
            }
            let (result, read, written, _) =
                self.decoder
                    .decode_to_utf8(&self.input[self.in_pos..self.in_len], &mut self.output, self.eof);
            self.in_pos += read;
            self.consumed += read as u64;
            self.out_pos = 0;
            self.out_len = written;
            if self.eof && result == CoderResult::InputEmpty {
                self.finished = true;
            }
        }
    }
}

/// Counts the line breaks of the decoded text, so that a record's line can
/// be found from the byte offset the csv crate reports for it (its own line
/// numbers are off for CRLF files and after blank lines). Only the breaks not
/// yet passed are kept: the csv reader reads ahead by a buffer at most.
pub(crate) struct LineCounter<R> {
    inner: R,
    offset: u64,
    /// Offsets of `\n` not yet passed, and whether a `\r` precedes each.
    breaks_ahead: VecDeque<(u64, bool)>,
    breaks_before: u64,
    last_was_cr: bool,
    /// Bytes since the last line break: a "line" of megabytes is no table.
    line_len: usize,
}

/// No row of a list comes near this; binary junk without NUL bytes does.
const MAX_LINE: usize = 1 << 20;

impl<R: Read> LineCounter<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            offset: 0,
            breaks_ahead: VecDeque::new(),
            breaks_before: 0,
            last_was_cr: false,
            line_len: 0,
        }
    }

    fn pass(&mut self) {
        self.breaks_ahead.pop_front();
        self.breaks_before += 1;
    }

    /// The 1-based line of the record the csv crate says starts at `offset`
    /// (that is where the previous record ended: the csv crate skips blank
    /// lines and, for CRLF, reports the `\n` of the previous line end).
    fn line_at(&mut self, offset: u64) -> u64 {
        while self.breaks_ahead.front().is_some_and(|(b, _)| *b < offset) {
            self.pass();
        }
        let mut cursor = offset;
        if self.breaks_ahead.front() == Some(&(offset, true)) {
            self.pass();
            cursor += 1;
        }
        loop {
            match self.breaks_ahead.front() {
                Some(&(b, _)) if b == cursor => cursor += 1,
                Some(&(b, true)) if b == cursor + 1 => cursor += 2,
                _ => break,
            }
            self.pass();
        }
        self.breaks_before + 1
    }
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for (i, b) in buf[..n].iter().enumerate() {
            if *b == b'\n' {
                self.breaks_ahead.push_back((self.offset + i as u64, self.last_was_cr));
                self.line_len = 0;
            } else {
                self.line_len += 1;
            }
            self.last_was_cr = *b == b'\r';
        }
        if self.line_len > MAX_LINE {
            return Err(io::Error::other("有一行超过1MB，这不是表格文件"));
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// The separator of the first line: the most frequent of `,` `\t` `;`
/// outside quotes (comma when none).
fn sniff_delimiter(text: &str) -> u8 {
    let first_line = text.lines().next().unwrap_or("");
    let mut counts = [(b',', 0usize), (b'\t', 0), (b';', 0)];
    let mut quoted = false;
    for c in first_line.bytes() {
        if c == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(entry) = counts.iter_mut().find(|(d, _)| *d == c) {
            entry.1 += 1;
        }
    }
    counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0)
        .map_or(b',', |(d, _)| *d)
}

pub(crate) fn produce(path: &Path, kind: ListKind, tx: &SyncSender<crate::read::Msg>) -> Result<(), SheetError> {
    let mut file = File::open(path)?;
    let total = file.metadata()?.len().max(1);
    let mut sample = Vec::with_capacity(SAMPLE);
    file.by_ref().take(SAMPLE as u64).read_to_end(&mut sample)?;
    let encoding = sniff_encoding(&sample);
    let is_utf16 = encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE;
    if !is_utf16 && sample.contains(&0) {
        return Err(SheetError::NotASpreadsheet {
            what: "文件含有二进制内容，不是文本（CSV）文件，也不是Excel表格".to_string(),
        });
    }
    let (decoded_sample, _, _) = encoding.decode(&sample);
    let delimiter = sniff_delimiter(&decoded_sample);
    let source = io::Cursor::new(sample).chain(file);
    let mut lines = LineCounter::new(DecodingReader::new(source, encoding));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(&mut lines);
    let mut asm = Assembler::new(kind, tx, String::new(), None).check_encoding();
    let mut record = csv::StringRecord::new();
    // Excel's row of a record: its first line, less the line breaks inside
    // quoted cells of earlier records.
    let mut inner_breaks: u64 = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let detail = match e.kind() {
                    csv::ErrorKind::Io(io) => io.to_string(),
                    _ => format!("CSV格式有误：{e}"),
                };
                return Err(SheetError::NotASpreadsheet { what: detail });
            }
        }
        let start = record.position().map_or(0, |p| p.byte());
        let line = reader.get_mut().line_at(start);
        let row0 = u32::try_from(line.saturating_sub(1 + inner_breaks)).unwrap_or(u32::MAX);
        let cells: Vec<(u32, RawCell)> = record
            .iter()
            .enumerate()
            .filter(|(_, f)| !f.trim().is_empty())
            .map(|(i, f)| {
                inner_breaks += f.matches('\n').count() as u64;
                (i as u32, RawCell::Text(f.to_string()))
            })
            .collect();
        let read = reader.get_ref().inner.consumed;
        let fraction = Some((read as f64 / total as f64).min(1.0));
        if asm.row(row0, cells, fraction)? == Flow::Stop {
            return Ok(());
        }
    }
    asm.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        assert_eq!(sniff_encoding("名称,代码\n".as_bytes()), UTF_8);
        assert_eq!(sniff_encoding(b"\xEF\xBB\xBFa,b"), UTF_8);
        let (gbk, _, _) = GB18030.encode("企业名称,统一社会信用代码\n");
        assert_eq!(sniff_encoding(&gbk), GB18030);
        assert_eq!(sniff_encoding(b"\xFF\xFEa\x00"), encoding_rs::UTF_16LE);
    }

    #[test]
    fn decoding_reader_streams_across_small_buffers() {
        let text = "企业名称,代码\n哈尔滨市示例公司,1\n".repeat(5000);
        let (gbk, _, _) = GB18030.encode(&text);
        let mut reader = DecodingReader::new(io::Cursor::new(gbk.into_owned()), GB18030);
        let mut out = Vec::new();
        let mut buf = [0u8; 7];
        loop {
            let n = reader.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        assert_eq!(String::from_utf8(out).unwrap(), text);
        let mut again = String::new();
        let (gbk, _, _) = GB18030.encode(&text);
        DecodingReader::new(io::Cursor::new(gbk.into_owned()), GB18030)
            .read_to_string(&mut again)
            .unwrap();
        assert_eq!(again, text);
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice("a,b".as_bytes());
        let mut s = String::new();
        DecodingReader::new(io::Cursor::new(with_bom), UTF_8)
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s, "a,b");
    }

    fn lines_of(text: &str) -> Vec<(String, u64)> {
        let mut lines = LineCounter::new(text.as_bytes());
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(&mut lines);
        let mut record = csv::StringRecord::new();
        let mut out = Vec::new();
        while reader.read_record(&mut record).unwrap() {
            let start = record.position().unwrap().byte();
            out.push((record[0].to_string(), reader.get_mut().line_at(start)));
        }
        out
    }

    #[test]
    fn line_numbers_with_blank_lines_and_crlf() {
        let expected: Vec<(String, u64)> = [("a", 1), ("1", 2), ("3", 4), ("5", 7), ("6", 9)]
            .iter()
            .map(|(s, n)| (s.to_string(), *n))
            .collect();
        assert_eq!(lines_of("a,b\n1,2\n\n3,4\n\n\n5,\"x\ny\"\n6,7\n"), expected);
        assert_eq!(
            lines_of("a,b\r\n1,2\r\n\r\n3,4\r\n\r\n\r\n5,\"x\r\ny\"\r\n6,7\r\n"),
            expected
        );
        assert_eq!(lines_of("\n\na,b\n1,2")[0].1, 3);
    }

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter("a,b,c\n1,2,3"), b',');
        assert_eq!(sniff_delimiter("a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter("a;b;\"c,d\""), b';');
        assert_eq!(sniff_delimiter("abc"), b',');
    }
}
