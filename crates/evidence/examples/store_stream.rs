//! Stores a generated MP4 of the given size (MiB, default 300) in a local evidence directory and
//! prints the record: for measuring memory with `/usr/bin/time -v`, e.g.
//!
//! ```sh
//! cargo build --release -p spotcheck-evidence --example store_stream
//! /usr/bin/time -v target/release/examples/store_stream 300 /tmp/evidence-rss
//! ```

use bytes::Bytes;
use futures_util::StreamExt;
use spotcheck_evidence::{EvidenceConfig, EvidenceStore};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut args = std::env::args().skip(1);
    let mib: u64 = args.next().map_or(300, |a| a.parse().expect("size in MiB"));
    let data_dir = args
        .next()
        .unwrap_or_else(|| std::env::temp_dir().join("evidence-rss").display().to_string());
    let total = mib * 1024 * 1024;
    let mut head = vec![0, 0, 0, 0x18];
    head.extend_from_slice(b"ftypisom\0\0\x02\0isommp42");
    head.extend_from_slice(&((total - head.len() as u64) as u32).to_be_bytes());
    head.extend_from_slice(b"mdat");
    let chunk = 64 * 1024u64;
    let body = futures_util::stream::iter(0..total.div_ceil(chunk)).map(move |i| {
        let len = chunk.min(total - i * chunk) as usize;
        let mut bytes: Vec<u8> = (0..len).map(|j| ((i as usize * 7 + j) % 251) as u8).collect();
        if i == 0 {
            bytes[..head.len()].copy_from_slice(&head);
        }
        Ok::<_, std::io::Error>(Bytes::from(bytes))
    });
    let store = EvidenceStore::open(&EvidenceConfig::local(&data_dir)).expect("store opens");
    let started = std::time::Instant::now();
    let r = store.store(body).await.expect("stored");
    println!("{r:?} in {:.1} s", started.elapsed().as_secs_f64());
}
