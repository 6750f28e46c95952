//! Backends for the tests: a temp directory, and a real S3-compatible server (moto, started by
//! `scripts/s3-test-server` once per test binary, one fresh bucket per test).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use spotcheck_evidence::{EvidenceConfig, EvidenceStore, S3Config};

/// One backend under test, with what is needed to look behind the API.
pub struct Backend {
    pub config: EvidenceConfig,
    /// The local directory (local backend only).
    pub dir: Option<tempfile::TempDir>,
    /// The S3 server's port and the bucket (S3 backend only).
    pub s3: Option<(u16, String)>,
}

impl Backend {
    pub fn open(&self) -> EvidenceStore {
        EvidenceStore::open(&self.config).expect("store opens")
    }

    pub fn with_limit(&self, max_file_size: u64) -> EvidenceStore {
        EvidenceStore::open(&EvidenceConfig {
            max_file_size,
            ..self.config.clone()
        })
        .expect("store opens")
    }

    /// Every file on disk under the evidence directory, including object_store's hidden staging
    /// files (`name#n`), or every object and unfinished multipart upload in the bucket.
    pub fn leftovers(&self) -> Vec<String> {
        if let Some(dir) = &self.dir {
            let root = dir.path().join("evidence");
            let mut found = Vec::new();
            let mut todo = vec![root.clone()];
            while let Some(d) = todo.pop() {
                for e in std::fs::read_dir(&d).unwrap() {
                    let p = e.unwrap().path();
                    if p.is_dir() {
                        todo.push(p);
                    } else {
                        found.push(p.strip_prefix(&root).unwrap().display().to_string());
                    }
                }
            }
            found.sort();
            return found;
        }
        let (port, bucket) = self.s3.as_ref().unwrap();
        let mut found = Vec::new();
        let listing = http(*port, "GET", &format!("/{bucket}?list-type=2&max-keys=1000")).1;
        found.extend(xml_values(&listing, "Key"));
        let uploads = http(*port, "GET", &format!("/{bucket}?uploads")).1;
        found.extend(
            xml_values(&uploads, "UploadId")
                .into_iter()
                .map(|u| format!("multipart upload {u}")),
        );
        found.sort();
        found
    }
}

pub fn local() -> Backend {
    let dir = tempfile::tempdir().unwrap();
    Backend {
        config: EvidenceConfig::local(dir.path()),
        dir: Some(dir),
        s3: None,
    }
}

pub fn s3() -> Backend {
    let port = *S3_PORT.get_or_init(start_s3_server);
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let bucket = format!("evidence-{}-{n}", std::process::id());
    let (status, body) = http(port, "PUT", &format!("/{bucket}"));
    assert_eq!(status, 200, "create bucket: {body}");
    let config = EvidenceConfig::s3(S3Config {
        endpoint: format!("http://127.0.0.1:{port}"),
        region: "us-east-1".into(),
        bucket: bucket.clone(),
        access_key_id: "testing".into(),
        secret_access_key: "testing".into(),
        path_style: true,
        copy_if_not_exists: "multipart".into(),
    });
    Backend {
        config,
        dir: None,
        s3: Some((port, bucket)),
    }
}

static S3_PORT: OnceLock<u16> = OnceLock::new();

/// Runs the script (which installs moto on first use), reads its port, waits until it answers.
/// The script watches this process and stops the server when the test binary exits.
fn start_s3_server() -> u16 {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/s3-test-server");
    let mut child = Command::new("bash")
        .arg(&script)
        .env("S3_TEST_SERVER_PARENT", std::process::id().to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("run scripts/s3-test-server (needs bash and python3 with venv)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line
        .trim()
        .strip_prefix("PORT=")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| {
            panic!(
                "s3-test-server printed {line:?}, not PORT=<n>; status {:?}",
                child.try_wait()
            )
        });
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() && http(port, "GET", "/").0 == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "moto did not answer on port {port} within 60 s"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // Dropping `child` neither waits nor kills: the script ends with this process.
    port
}

/// A bare HTTP/1.1 request to moto (which does not check signatures), for what object_store does
/// not offer: creating buckets and listing unfinished multipart uploads.
pub fn http(port: u16, method: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    s.read_to_string(&mut response).unwrap();
    let status = response.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn xml_values(xml: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    xml.split(&open)
        .skip(1)
        .filter_map(|s| s.split_once(&close).map(|(v, _)| v.to_string()))
        .collect()
}

// ---- real small files --------------------------------------------------------------------------

/// A real PNG (decodable): `w`×`h` grey gradient, zlib with stored blocks.
pub fn png(w: u32, h: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let crc = crc32(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }
    let mut raw = Vec::new();
    for y in 0..h {
        raw.push(0); // filter: none
        raw.extend((0..w).map(|x| ((x + y) * 255 / (w + h)) as u8));
    }
    let mut z = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65535).collect();
    for (i, b) in blocks.iter().enumerate() {
        z.push(u8::from(i + 1 == blocks.len()));
        z.extend_from_slice(&(b.len() as u16).to_le_bytes());
        z.extend_from_slice(&(!(b.len() as u16)).to_le_bytes());
        z.extend_from_slice(b);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &x in &raw {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    z.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit greyscale
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &z);
    chunk(&mut out, b"IEND", &[]);
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A JPEG as a camera starts one: SOI, JFIF APP0, an EXIF-like comment, padding, EOI.
pub fn jpeg(len: usize) -> Vec<u8> {
    let mut v = vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
    ];
    let comment = "现场照片 哈尔滨市道里区".as_bytes();
    v.extend_from_slice(&[0xFF, 0xFE]);
    v.extend_from_slice(&((comment.len() + 2) as u16).to_be_bytes());
    v.extend_from_slice(comment);
    v.extend((0..len.saturating_sub(v.len() + 2)).map(|i| (i * 31 % 251) as u8));
    v.extend_from_slice(&[0xFF, 0xD9]);
    v
}

/// A real one-page PDF with a correct cross-reference table.
pub fn pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R >>",
        "<< /Length 26 >>\nstream\n0 0 1 rg 20 20 160 60 re f\nendstream",
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// An MP4 as a phone starts one: `ftyp` (isom, mp42) and `free` boxes, then an `mdat` box of
/// `len` bytes in all.
pub fn mp4(len: usize) -> Vec<u8> {
    let mut v = mp4_head(len as u64);
    v.extend((0..len - v.len()).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8));
    v
}

/// The first bytes of [`mp4`] for a file of `len` bytes (for generated streams).
pub fn mp4_head(len: u64) -> Vec<u8> {
    let mut v = vec![0, 0, 0, 0x18];
    v.extend_from_slice(b"ftypisom\0\0\x02\0isommp42");
    v.extend_from_slice(&[0, 0, 0, 8]);
    v.extend_from_slice(b"free");
    let mdat = (len - v.len() as u64) as u32;
    v.extend_from_slice(&mdat.to_be_bytes());
    v.extend_from_slice(b"mdat");
    v
}

/// `bytes` as a stream of `chunk`-sized pieces, as a request body arrives.
pub fn body(
    bytes: &[u8],
    chunk: usize,
) -> impl futures_util::Stream<Item = Result<bytes::Bytes, std::io::Error>> + use<> {
    let pieces: Vec<_> = bytes
        .chunks(chunk)
        .map(|c| Ok(bytes::Bytes::copy_from_slice(c)))
        .collect();
    futures_util::stream::iter(pieces)
}

/// What `sha256sum` says of `bytes` (written to a temp file).
pub fn sha256sum(bytes: &[u8]) -> String {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(bytes).unwrap();
    let out = Command::new("sha256sum").arg(f.path()).output().expect("sha256sum");
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}
