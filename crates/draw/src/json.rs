//! A small strict JSON reader and writer.
//!
//! Why not serde_json: spec §8 makes a record with a repeated member name
//! invalid (serde_json silently keeps the last one), numbers must keep their
//! written form (`3.0` and `3` are different records; serde_json's meaning of
//! numbers also changes if any crate in the build enables its
//! `arbitrary_precision` feature), and one bad record inside a vectors file or
//! a list must be reported as that record's failure, not the file's. So this
//! reader keeps every member in order (duplicates included), keeps numbers as
//! their raw text, and marks strings that are not Unicode instead of failing.
//! Strings without escapes are borrowed from the input, which keeps a
//! million-candidate record cheap to read.

use std::borrow::Cow;

/// A parsed JSON value borrowing from the input text.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    Null,
    Bool(bool),
    /// The number exactly as written (valid JSON number syntax).
    Number(Cow<'a, str>),
    Str(Cow<'a, str>),
    /// A string whose escapes do not form Unicode text (a lone surrogate).
    BadStr,
    Array(Vec<Json<'a>>),
    /// Members in written order; a repeated name is kept, not merged.
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

/// A syntax error: byte offset and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

/// Nesting deeper than this is refused (records nest four levels).
const MAX_DEPTH: usize = 128;

impl<'a> Json<'a> {
    /// Parses one JSON text. A UTF-8 byte order mark at the start is skipped
    /// (files saved by some Windows editors carry one).
    pub fn parse(bytes: &'a [u8]) -> Result<Json<'a>, SyntaxError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = std::str::from_utf8(bytes).map_err(|e| SyntaxError {
            offset: e.valid_up_to(),
            message: "not UTF-8".into(),
        })?;
        let mut p = Parser {
            s: text,
            b: text.as_bytes(),
            i: 0,
            depth: 0,
        };
        p.ws();
        let v = p.value()?;
        p.ws();
        if p.i != p.b.len() {
            return Err(p.err("end of input after the JSON value"));
        }
        Ok(v)
    }

    /// The first member named `name` and whether the name repeats.
    pub fn get(&self, name: &str) -> Option<&Json<'a>> {
        match self {
            Json::Object(m) => m.iter().find(|(k, _)| k == name).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A short name of the value's type for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::Str(_) | Json::BadStr => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }

    /// Structural equality as JSON values: object member order does not
    /// matter, array order does; numbers compare by their written form.
    pub fn same_value(&self, other: &Json<'_>) -> bool {
        match (self, other) {
            (Json::Null, Json::Null) => true,
            (Json::Bool(a), Json::Bool(b)) => a == b,
            (Json::Number(a), Json::Number(b)) => a == b,
            (Json::Str(a), Json::Str(b)) => a == b,
            (Json::Array(a), Json::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same_value(y)),
            (Json::Object(a), Json::Object(b)) => {
                a.len() == b.len()
                    && a.iter().all(|(k, v)| {
                        b.iter()
                            .filter(|(k2, _)| k2 == k)
                            .exactly_one()
                            .is_some_and(|(_, v2)| v.same_value(v2))
                    })
            }
            _ => false,
        }
    }

    /// Finds the first object (depth first) that repeats a member name, with
    /// its path below `base`.
    pub fn find_duplicate_member(&self, base: &str) -> Option<(String, String)> {
        match self {
            Json::Object(m) => {
                if m.len() > 1 {
                    let mut names: Vec<&str> = m.iter().map(|(k, _)| k.as_ref()).collect();
                    names.sort_unstable();
                    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
                        return Some((base.to_owned(), w[0].to_owned()));
                    }
                }
                m.iter()
                    .find_map(|(k, v)| v.find_duplicate_member(&member_path(base, k)))
            }
            Json::Array(a) => a
                .iter()
                .enumerate()
                .find_map(|(i, v)| v.find_duplicate_member(&format!("{base}[{i}]"))),
            _ => None,
        }
    }

    /// Finds the first string (depth first) that is not Unicode text.
    pub fn find_bad_string(&self, base: &str) -> Option<String> {
        match self {
            Json::BadStr => Some(base.to_owned()),
            Json::Object(m) => m.iter().find_map(|(k, v)| v.find_bad_string(&member_path(base, k))),
            Json::Array(a) => a
                .iter()
                .enumerate()
                .find_map(|(i, v)| v.find_bad_string(&format!("{base}[{i}]"))),
            _ => None,
        }
    }
}

trait ExactlyOne: Iterator + Sized {
    fn exactly_one(mut self) -> Option<Self::Item> {
        let first = self.next()?;
        if self.next().is_some() { None } else { Some(first) }
    }
}
impl<I: Iterator> ExactlyOne for I {}

/// `base.name`, or `name` at the top.
pub fn member_path(base: &str, name: &str) -> String {
    if base.is_empty() {
        name.to_owned()
    } else {
        format!("{base}.{name}")
    }
}

struct Parser<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn err(&self, expected: &str) -> SyntaxError {
        let found = match self.b.get(self.i) {
            None => "end of input".to_owned(),
            Some(_) => {
                let c = self.s[self.i..].chars().next().unwrap_or('?');
                format!("{c:?}")
            }
        };
        SyntaxError {
            offset: self.i,
            message: format!("expected {expected}, found {found}"),
        }
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    fn value(&mut self) -> Result<Json<'a>, SyntaxError> {
        match self.b.get(self.i) {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => Ok(match self.string()? {
                Some(s) => Json::Str(s),
                None => Json::BadStr,
            }),
            Some(b't') => self.word("true", Json::Bool(true)),
            Some(b'f') => self.word("false", Json::Bool(false)),
            Some(b'n') => self.word("null", Json::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.err("a JSON value")),
        }
    }

    fn word(&mut self, w: &str, v: Json<'a>) -> Result<Json<'a>, SyntaxError> {
        if self.b[self.i..].starts_with(w.as_bytes()) {
            self.i += w.len();
            Ok(v)
        } else {
            Err(self.err(w))
        }
    }

    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(SyntaxError {
                offset: self.i,
                message: format!("nesting deeper than {MAX_DEPTH}"),
            });
        }
        Ok(())
    }

    fn object(&mut self) -> Result<Json<'a>, SyntaxError> {
        self.enter()?;
        self.i += 1;
        let mut members = Vec::new();
        self.ws();
        if self.b.get(self.i) == Some(&b'}') {
            self.i += 1;
            self.depth -= 1;
            return Ok(Json::Object(members));
        }
        loop {
            self.ws();
            if self.b.get(self.i) != Some(&b'"') {
                return Err(self.err("a member name in double quotes"));
            }
            let at = self.i;
            let name = self.string()?.ok_or(SyntaxError {
                offset: at,
                message: "member name is not Unicode text (lone surrogate escape)".into(),
            })?;
            self.ws();
            if self.b.get(self.i) != Some(&b':') {
                return Err(self.err("':'"));
            }
            self.i += 1;
            self.ws();
            let v = self.value()?;
            members.push((name, v));
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    self.depth -= 1;
                    return Ok(Json::Object(members));
                }
                _ => return Err(self.err("',' or '}'")),
            }
        }
    }

    fn array(&mut self) -> Result<Json<'a>, SyntaxError> {
        self.enter()?;
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.b.get(self.i) == Some(&b']') {
            self.i += 1;
            self.depth -= 1;
            return Ok(Json::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value()?);
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    self.depth -= 1;
                    return Ok(Json::Array(items));
                }
                _ => return Err(self.err("',' or ']'")),
            }
        }
    }

    fn number(&mut self) -> Result<Json<'a>, SyntaxError> {
        let start = self.i;
        let digits = |p: &mut Parser<'a>| {
            let s = p.i;
            while let Some(b'0'..=b'9') = p.b.get(p.i) {
                p.i += 1;
            }
            p.i - s
        };
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        match self.b.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(self.err("a digit")),
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if digits(self) == 0 {
                return Err(self.err("a digit after '.'"));
            }
        }
        if let Some(b'e' | b'E') = self.b.get(self.i) {
            self.i += 1;
            if let Some(b'+' | b'-') = self.b.get(self.i) {
                self.i += 1;
            }
            if digits(self) == 0 {
                return Err(self.err("a digit in the exponent"));
            }
        }
        Ok(Json::Number(Cow::Borrowed(&self.s[start..self.i])))
    }

    /// Reads a string at `"`. `Ok(None)`: valid JSON but not Unicode.
    fn string(&mut self) -> Result<Option<Cow<'a, str>>, SyntaxError> {
        self.i += 1;
        let start = self.i;
        // Fast path: no escapes, borrow.
        loop {
            match self.b.get(self.i) {
                None => return Err(self.err("'\"' closing the string")),
                Some(b'"') => {
                    let s = &self.s[start..self.i];
                    self.i += 1;
                    return Ok(Some(Cow::Borrowed(s)));
                }
                Some(b'\\') => break,
                Some(&c) if c < 0x20 => {
                    return Err(self.err("no raw control character inside a string"));
                }
                Some(_) => self.i += 1,
            }
        }
        let mut out = String::from(&self.s[start..self.i]);
        let mut unicode = true;
        loop {
            match self.b.get(self.i) {
                None => return Err(self.err("'\"' closing the string")),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(unicode.then_some(Cow::Owned(out)));
                }
                Some(b'\\') => {
                    self.i += 1;
                    let c = match self.b.get(self.i) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.i += 1;
                            let hi = self.hex4()?;
                            match hi {
                                0xD800..=0xDBFF => {
                                    if self.b[self.i..].starts_with(b"\\u") {
                                        let save = self.i;
                                        self.i += 2;
                                        let lo = self.hex4()?;
                                        if (0xDC00..=0xDFFF).contains(&lo) {
                                            let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                            out.push(char::from_u32(c).expect("valid pair"));
                                        } else {
                                            unicode = false;
                                            self.i = save;
                                        }
                                    } else {
                                        unicode = false;
                                    }
                                    continue;
                                }
                                0xDC00..=0xDFFF => {
                                    unicode = false;
                                    continue;
                                }
                                _ => {
                                    out.push(char::from_u32(hi).expect("not a surrogate"));
                                    continue;
                                }
                            }
                        }
                        _ => return Err(self.err("a valid escape")),
                    };
                    out.push(c);
                    self.i += 1;
                }
                Some(&c) if c < 0x20 => {
                    return Err(self.err("no raw control character inside a string"));
                }
                Some(_) => {
                    // Copy the run up to the next quote or backslash.
                    let run = self.i;
                    while let Some(&c) = self.b.get(self.i) {
                        if c == b'"' || c == b'\\' || c < 0x20 {
                            break;
                        }
                        self.i += 1;
                    }
                    out.push_str(&self.s[run..self.i]);
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.b.get(self.i) {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                _ => return Err(self.err("four hex digits after \\u")),
            };
            v = v * 16 + d as u32;
            self.i += 1;
        }
        Ok(v)
    }
}

/// Writes JSON with two-space indentation; arrays of scalars one per line.
/// Text is written as UTF-8 (not `\u` escapes) except characters JSON must escape.
pub fn write_pretty(v: &Json<'_>, out: &mut String) {
    write_value(v, out, 0);
    out.push('\n');
}

fn indent(out: &mut String, level: usize) {
    out.push('\n');
    for _ in 0..level {
        out.push_str("  ");
    }
}

fn write_value(v: &Json<'_>, out: &mut String, level: usize) {
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => out.push_str(n),
        Json::Str(s) => write_string(s, out),
        Json::BadStr => out.push_str("\"\\ufffd\""),
        Json::Array(a) if a.is_empty() => out.push_str("[]"),
        Json::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                indent(out, level + 1);
                write_value(x, out, level + 1);
            }
            indent(out, level);
            out.push(']');
        }
        Json::Object(m) if m.is_empty() => out.push_str("{}"),
        Json::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                indent(out, level + 1);
                write_string(k, out);
                out.push_str(": ");
                write_value(x, out, level + 1);
            }
            indent(out, level);
            out.push('}');
        }
    }
}

/// Writes a JSON string literal.
pub fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Compact single-line form, for error messages.
pub fn write_compact(v: &Json<'_>, out: &mut String) {
    match v {
        Json::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_compact(x, out);
            }
            out.push(']');
        }
        Json::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write_compact(x, out);
            }
            out.push('}');
        }
        other => write_value(other, out, 0),
    }
}

/// Shorthands for building values.
pub fn s(v: &str) -> Json<'_> {
    Json::Str(Cow::Borrowed(v))
}

pub fn owned(v: String) -> Json<'static> {
    Json::Str(Cow::Owned(v))
}

pub fn obj<'a>(members: Vec<(&'a str, Json<'a>)>) -> Json<'a> {
    Json::Object(members.into_iter().map(|(k, v)| (Cow::Borrowed(k), v)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_keeps_duplicates_and_raw_numbers() {
        let v = Json::parse(br#"{"a": 1, "a": 3.0, "b": [true, null, "x\u00e9\ud840\udc00"]}"#).unwrap();
        let Json::Object(m) = &v else { panic!() };
        assert_eq!(m.len(), 3);
        assert_eq!(m[1].1, Json::Number("3.0".into()));
        assert_eq!(v.find_duplicate_member(""), Some((String::new(), "a".into())));
        assert_eq!(
            v.get("b").unwrap(),
            &Json::Array(vec![Json::Bool(true), Json::Null, Json::Str(Cow::Owned("xé𠀀".into()))])
        );
    }

    #[test]
    fn lone_surrogate_is_marked_not_fatal() {
        let v = Json::parse(br#"["\ud800", "ok"]"#).unwrap();
        assert_eq!(v.find_bad_string("x"), Some("x[0]".into()));
    }

    #[test]
    fn rejects_bad_syntax() {
        for bad in [
            &b"{"[..],
            b"[1,]",
            b"01",
            b"+1",
            b".5",
            b"1.",
            b"\"a\tb\"",
            b"{\"a\" 1}",
            b"[1] x",
            b"nul",
            b"\"\\x\"",
            b"\xff",
        ] {
            assert!(Json::parse(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
        let deep = "[".repeat(1000) + &"]".repeat(1000);
        assert!(Json::parse(deep.as_bytes()).is_err());
    }

    #[test]
    fn same_value_ignores_member_order() {
        let a = Json::parse(br#"{"x": [1, "a"], "y": {"p": 1, "q": 2}}"#).unwrap();
        let b = Json::parse(br#"{"y": {"q": 2, "p": 1}, "x": [1, "a"]}"#).unwrap();
        let c = Json::parse(br#"{"y": {"q": 2, "p": 1}, "x": ["a", 1]}"#).unwrap();
        assert!(a.same_value(&b));
        assert!(!a.same_value(&c));
    }

    #[test]
    fn writes_and_reads_back() {
        let v = Json::parse("{\"a\": [\"é\\n\\u0001\\\"\", 12, {}], \"b\": {\"c\": []}}".as_bytes()).unwrap();
        let mut out = String::new();
        write_pretty(&v, &mut out);
        assert_eq!(Json::parse(out.as_bytes()).unwrap(), v);
    }
}
