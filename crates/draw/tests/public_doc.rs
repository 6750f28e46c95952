//! The independent Python re-implementation printed in docs/draw-v1-public.md
//! must keep agreeing with the spec vectors: this test takes the code out of
//! the page and runs it (skipped, loudly, where no python3 is installed).

use std::path::{Path, PathBuf};
use std::process::Command;

use spotcheck_draw::json::{self, Json};

fn python_block() -> String {
    let doc = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/draw-v1-public.md");
    let text = std::fs::read_to_string(&doc).expect("docs/draw-v1-public.md");
    let start = text.find("```python\n").expect("a ```python block") + "```python\n".len();
    let end = start + text[start..].find("```").expect("closing fence");
    text[start..end].to_owned()
}

fn run(script: &Path, data: &Path) -> Option<(bool, String)> {
    let out = Command::new("python3").arg(script).arg(data).output().ok()?;
    Some((out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned()))
}

#[test]
fn the_public_python_reproduces_the_vectors_and_catches_tampering() {
    let dir = std::env::temp_dir().join(format!("spotcheck-public-doc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("check.py");
    std::fs::write(&script, python_block()).unwrap();
    let vectors: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/draw-v1-vectors.json");

    let Some((ok, stdout)) = run(&script, &vectors) else {
        eprintln!("SKIPPED: python3 is not installed; the public page's code was not run");
        return;
    };
    assert!(ok, "the page's Python failed on the vectors:\n{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 9, "{stdout}");
    assert_eq!(lines.iter().filter(|l| l.ends_with(" OK")).count(), 8, "{stdout}");
    assert!(lines[8].ends_with("committed, not yet revealed (commitment OK)"));

    // The first four invalid vectors are tampered values (result, nonce,
    // beacon, a removed candidate): the Python must catch each.
    let all = std::fs::read(&vectors).unwrap();
    let parsed = Json::parse(&all).unwrap();
    let Some(Json::Array(invalid)) = parsed.get("invalid") else {
        panic!("invalid")
    };
    let mut text = String::new();
    json::write_pretty(&Json::Array(invalid[..4].to_vec()), &mut text);
    let tampered = dir.join("tampered.json");
    std::fs::write(&tampered, text).unwrap();
    let (ok, stdout) = run(&script, &tampered).unwrap();
    assert!(!ok);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    assert!(lines.iter().all(|l| l.contains("MISMATCH")), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}
