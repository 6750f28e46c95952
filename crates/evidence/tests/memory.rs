//! Memory stays bounded whatever the file's size: a 300 MB stream, generated on the fly, is
//! stored and its peak resident memory (VmHWM) checked. A test binary of its own, so that no
//! other test's allocations count.

use bytes::Bytes;
use futures_util::StreamExt;
use spotcheck_evidence::{EvidenceConfig, EvidenceStore};

const MIB: u64 = 1024 * 1024;

fn peak_rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).expect("VmHWM");
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib * 1024
}

/// An MP4 of `total` bytes in 64 KiB chunks, made as it is read.
pub fn generated_mp4(total: u64) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    let mut head = vec![0, 0, 0, 0x18];
    head.extend_from_slice(b"ftypisom\0\0\x02\0isommp42");
    head.extend_from_slice(&((total - head.len() as u64) as u32).to_be_bytes());
    head.extend_from_slice(b"mdat");
    let chunk = 64 * 1024u64;
    futures_util::stream::iter(0..total.div_ceil(chunk)).map(move |i| {
        let len = chunk.min(total - i * chunk) as usize;
        let mut bytes: Vec<u8> = (0..len).map(|j| ((i as usize * 7 + j) % 251) as u8).collect();
        if i == 0 {
            bytes[..head.len()].copy_from_slice(&head);
        }
        Ok(Bytes::from(bytes))
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_300_mb_stream_is_stored_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let store = EvidenceStore::open(&EvidenceConfig::local(dir.path())).unwrap();
    let before = peak_rss_bytes();
    let total = 300 * MIB;
    let r = store.store(generated_mp4(total)).await.unwrap();
    assert_eq!(r.size, total);
    assert!(store.verify(&r.key, &r.sha256).await.unwrap());
    let peak = peak_rss_bytes();
    eprintln!(
        "peak RSS {} MiB (before: {} MiB) for a {} MiB file",
        peak / MIB,
        before / MIB,
        total / MIB
    );
    assert!(
        peak < 100 * MIB,
        "peak RSS {} MiB: the file is being held in memory",
        peak / MIB
    );
}
