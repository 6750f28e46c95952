//! Standalone `verify` until `spotcheck verify` is wired in the CLI: the same
//! code as crates/cli/src/verify.rs (included verbatim), so benchmarks and
//! users can run it today:
//!
//!     cargo run --release -p spotcheck-draw --example verify -- FILE…

#[path = "../../cli/src/verify.rs"]
mod verify;

fn main() -> std::process::ExitCode {
    let files: Vec<std::path::PathBuf> = std::env::args_os().skip(1).map(Into::into).collect();
    verify::run(&files)
}
