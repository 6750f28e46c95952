//! The commitment text and the commitment (spec §3).
//!
//! The text is written through a [`Sink`] so that the same code produces the
//! human-readable text (for the public page and for debugging a mismatch) and
//! feeds SHA-256 directly without building a 30 MB string for a
//! million-candidate draw.

use sha2::{Digest as _, Sha256};

use crate::digest::Digest;

/// Where commitment text goes.
pub(crate) trait Sink {
    fn put(&mut self, bytes: &[u8]);

    /// One line: fields separated by TAB, ended by LF.
    fn line(&mut self, fields: &[&str]) {
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                self.put(b"\t");
            }
            self.put(f.as_bytes());
        }
        self.put(b"\n");
    }
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// Hashes the text, batching the many small writes into large updates.
pub(crate) struct HashSink {
    buf: Vec<u8>,
    hasher: Sha256,
}

impl HashSink {
    pub(crate) fn new() -> HashSink {
        HashSink {
            buf: Vec::with_capacity(1 << 16),
            hasher: Sha256::new(),
        }
    }

    pub(crate) fn finish(mut self) -> Digest {
        self.hasher.update(&self.buf);
        Digest(self.hasher.finalize().into())
    }
}

impl Sink for HashSink {
    fn put(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= 1 << 16 {
            self.hasher.update(&self.buf);
            self.buf.clear();
        }
    }
}

/// The four header lines after `spotcheck-draw-v1`.
pub(crate) fn write_header(
    sink: &mut impl Sink,
    kind: &str,
    draw_id: &str,
    beacon_source: &str,
    nonce_sha256: &Digest,
) {
    sink.line(&["spotcheck-draw-v1"]);
    sink.line(&["kind", kind]);
    sink.line(&["draw", draw_id]);
    sink.line(&["beacon-source", beacon_source]);
    sink.line(&["nonce-sha256", &nonce_sha256.to_hex()]);
}
