//! Where the workspace is, and where the tests build the scratch crates they make outside it.

use std::path::{Path, PathBuf};

/// The workspace's root folder (the tests crate's parent).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the tests crate is a folder of the workspace")
}

/// The target folder of a scratch crate a test builds outside the workspace: `name` under the
/// workspace's target folder (`CARGO_TARGET_DIR` when set). One folder per scratch crate, so
/// its builds neither mix with the workspace's nor start from nothing on every run; CI removes
/// them once the tests are done.
pub fn scratch_target(name: &str) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from).join(name)
}
