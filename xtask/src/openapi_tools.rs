//! The third-party OpenAPI tools the tests run against `docs/openapi.json` and the mock, in a
//! Python virtual environment that `cargo xtask test` sets up under the target directory
//! (`<target>/tools/openapi-venv`) and reuses while the pinned versions match its stamp.
//!
//! When PyPI cannot be reached the tools are not installed: the tests are told why through
//! [`SKIPPED_VAR`] and each says "skipped" loudly. Any other failure to set them up fails the
//! run, as a missing redis-server does.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::test_setup::{SetupError, apt_install, on_path};

/// The variable through which the tests learn where the virtual environment is.
pub const VENV_VAR: &str = "WECHAT_TEST_OPENAPI_VENV";

/// The variable through which the tests learn that the tools could not be installed, and why.
pub const SKIPPED_VAR: &str = "WECHAT_TEST_OPENAPI_TOOLS_SKIPPED";

/// The tools, pinned: the one place their versions are written.
pub const PINNED: &[(&str, &str)] =
    &[("openapi-spec-validator", "0.9.0"), ("schemathesis", "4.32.5"), ("openapi-python-client", "0.29.1")];

/// The stamp in the virtual environment: what was installed into it.
const STAMP: &str = "wechat-pinned.txt";

/// What `cargo xtask test` could do about the tools.
#[derive(Debug)]
pub enum Tools {
    /// A virtual environment with the pinned tools.
    Ready {
        /// The environment's directory (`bin/` holds the tools).
        venv: PathBuf,
        /// What was done, for the user.
        how: String,
    },
    /// PyPI could not be reached: nothing installed; why, for the user and the tests.
    Unreachable(String),
}

/// The pins as pip requirements, one a line: the stamp's text.
pub fn requirements() -> String {
    PINNED.iter().map(|(name, version)| format!("{name}=={version}\n")).collect()
}

/// Whether `venv` holds the pinned versions (its stamp says so) and every tool's executable.
fn reusable(venv: &Path) -> bool {
    std::fs::read_to_string(venv.join(STAMP)).is_ok_and(|stamp| stamp == requirements())
        && PINNED.iter().all(|(name, _)| venv.join("bin").join(name).is_file())
}

/// The virtual environment under `target_dir`, reused when its stamp names the pinned
/// versions, else created afresh and the pins installed with pip.
pub fn setup(target_dir: &Path) -> Result<Tools, SetupError> {
    let venv = target_dir.join("tools").join("openapi-venv");
    if reusable(&venv) {
        return Ok(Tools::Ready { how: format!("reused {} (pinned versions match)", venv.display()), venv });
    }
    let python = python3()?;
    if venv.exists() {
        std::fs::remove_dir_all(&venv)
            .map_err(|e| SetupError(format!("cannot remove the stale {}: {e}", venv.display())))?;
    }
    let created = run(Command::new(&python).arg("-m").arg("venv").arg(&venv))?;
    if !created.status.success() {
        return Err(SetupError(format!(
            "`{} -m venv {}` failed: {}",
            python.display(),
            venv.display(),
            String::from_utf8_lossy(&created.stderr).trim()
        )));
    }
    let pins: Vec<String> = PINNED.iter().map(|(name, version)| format!("{name}=={version}")).collect();
    eprintln!("installing the OpenAPI tools into {}: pip install {}", venv.display(), pins.join(" "));
    let pip = venv.join("bin").join("pip");
    let installed = run(Command::new(&pip)
        .args(["install", "--disable-pip-version-check", "--quiet", "--timeout", "30"])
        .args(&pins))?;
    if !installed.status.success() {
        let why = String::from_utf8_lossy(&installed.stderr).trim().to_owned();
        // Leave no half-made environment to be mistaken for a ready one.
        let _ = std::fs::remove_dir_all(&venv);
        return match pypi_unreachable(&python) {
            Some(unreachable) => Ok(Tools::Unreachable(format!(
                "PyPI is unreachable ({unreachable}); the OpenAPI tools ({}) are not installed",
                pins.join(", ")
            ))),
            None => Err(SetupError(format!(
                "`pip install {}` failed although PyPI answers: {why}",
                pins.join(" ")
            ))),
        };
    }
    std::fs::write(venv.join(STAMP), requirements())
        .map_err(|e| SetupError(format!("cannot write the stamp in {}: {e}", venv.display())))?;
    Ok(Tools::Ready { how: format!("installed {} into {}", pins.join(", "), venv.display()), venv })
}

fn run(command: &mut Command) -> Result<Output, SetupError> {
    command.output().map_err(|e| SetupError(format!("cannot run {:?}: {e}", command.get_program())))
}

/// `python3` with its `venv` module, installed with apt-get (`python3 python3-venv`) when
/// either is missing.
fn python3() -> Result<PathBuf, SetupError> {
    let usable = |python: &Path| {
        Command::new(python)
            .args(["-c", "import venv, ensurepip"])
            .output()
            .is_ok_and(|out| out.status.success())
    };
    if let Some(python) = on_path("python3", std::env::var_os("PATH").as_ref()).filter(|p| usable(p)) {
        return Ok(python);
    }
    apt_install(&["python3", "python3-venv"])?;
    on_path("python3", std::env::var_os("PATH").as_ref()).filter(|p| usable(p)).ok_or_else(|| {
        SetupError("apt-get installed python3 and python3-venv but python3 -m venv is still unusable".into())
    })
}

/// Why the package index pip uses does not answer, or `None` when it does.
fn pypi_unreachable(python: &Path) -> Option<String> {
    let index = std::env::var("PIP_INDEX_URL").unwrap_or_else(|_| "https://pypi.org/simple".to_owned());
    let probe = format!(
        "import sys, urllib.request\ntry:\n    urllib.request.urlopen({:?} + '/schemathesis/', timeout=15)\n\
         except Exception as e:\n    print(type(e).__name__, e); sys.exit(1)",
        index.trim_end_matches('/')
    );
    match Command::new(python).args(["-c", &probe]).output() {
        Ok(out) if out.status.success() => None,
        Ok(out) => Some(format!("{index}: {}", String::from_utf8_lossy(&out.stdout).trim())),
        Err(e) => Some(format!("cannot probe {index}: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tool_is_pinned_to_an_exact_version() {
        for (name, version) in PINNED {
            assert!(!name.is_empty());
            assert!(version.split('.').count() == 3 && version.split('.').all(|n| n.parse::<u32>().is_ok()));
        }
        assert!(requirements().lines().all(|line| line.contains("==")));
    }

    #[test]
    fn an_environment_is_reused_only_when_its_stamp_names_the_pinned_versions() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let venv = dir.path().join("openapi-venv");
        std::fs::create_dir_all(venv.join("bin")).expect("mkdir");
        for (name, _) in PINNED {
            std::fs::write(venv.join("bin").join(name), "").expect("write");
        }
        assert!(!reusable(&venv), "no stamp");
        std::fs::write(venv.join(STAMP), "schemathesis==0.0.1\n").expect("write");
        assert!(!reusable(&venv), "a stamp naming other versions");
        std::fs::write(venv.join(STAMP), requirements()).expect("write");
        assert!(reusable(&venv));
        std::fs::remove_file(venv.join("bin").join("schemathesis")).expect("rm");
        assert!(!reusable(&venv), "a tool missing");
    }
}
