//! Tracing output captured in memory: a fmt subscriber at TRACE level writing into a shared
//! buffer, so a test can search everything the client (and the crates under it) logged.

use std::io;
use std::sync::{Arc, Mutex, PoisonError};

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::util::SubscriberInitExt;

/// The buffer the subscriber writes into.
#[derive(Clone, Default)]
pub struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

impl CapturedLogs {
    /// Installs a TRACE-level fmt subscriber writing here as the process-wide default, with
    /// spans printed (fields included) when they open and close, and `log` records (reqwest's)
    /// forwarded into it. Returns `None` if a global subscriber was already installed.
    pub fn install_global() -> Option<Self> {
        let logs = Self::default();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(FmtSpan::NEW | FmtSpan::CLOSE)
            .with_ansi(false)
            .with_writer(logs.clone())
            .finish();
        subscriber.try_init().ok()?;
        Some(logs)
    }

    /// Everything written so far.
    pub fn text(&self) -> String {
        self.text_since(0)
    }

    /// How many bytes were written so far: a mark for [`text_since`](Self::text_since).
    pub fn len(&self) -> usize {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// True when nothing was written yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// What was written after the first `mark` bytes, so a test that shares the capture with
    /// others searches its own stretch rather than everything again.
    pub fn text_since(&self, mark: usize) -> String {
        let written = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(written.get(mark..).unwrap_or_default()).into_owned()
    }
}

impl io::Write for CapturedLogs {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for CapturedLogs {
    type Writer = Self;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}
