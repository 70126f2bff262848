//! Reading an input whole within a size cap and a time bound. `--json @FILE`, `--json -` and
//! `--file` all come through here, so no input can fill the memory (`/dev/zero`, an endless
//! pipe) or hang the command (a FIFO nobody writes, a pipe held open and never written).
//!
//! - Files must be regular files: the path's metadata is checked before it is opened (opening
//!   a FIFO for reading blocks until a writer comes), and the open handle's metadata again, so
//!   a file swapped after the check is refused too.
//! - At most `cap + 1` bytes are ever read: one byte over the cap is enough to refuse.
//! - Reading happens on a thread of its own, and the command gives up when that thread passes
//!   no bytes for the time bound ([`DEFAULT_TIMEOUT`], or [`TIMEOUT_VAR`] seconds); the process
//!   then exits with the thread still blocked, which is what ends it. A terminal on stdin is
//!   read without a time bound: a person is typing.

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use crate::env;
use crate::failure::Failure;

/// The largest request `--json @FILE` or `--json -` reads: 4 MiB. WeChat's largest JSON
/// requests (a card with 100 items of at most 3 KB of text each) are far smaller.
pub(crate) const JSON_CAP: u64 = 4 * MIB;

/// The variable setting the time bound of every input read, in whole seconds.
pub(crate) const TIMEOUT_VAR: &str = "WECHAT_INPUT_TIMEOUT";

/// How long an input may give no bytes before the command gives up, unless [`TIMEOUT_VAR`]
/// says otherwise.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

const MIB: u64 = 1024 * 1024;

/// The bytes asked for by one read.
const CHUNK: usize = 64 * 1024;

/// Where `--json -` reads from.
pub(crate) struct Stdin<R> {
    /// The reader.
    pub(crate) reader: R,
    /// A person types it: read without a time bound (the size cap stays).
    pub(crate) terminal: bool,
}

impl Stdin<io::Stdin> {
    /// The process's standard input.
    pub(crate) fn of_process() -> Self {
        use std::io::IsTerminal;
        let reader = io::stdin();
        let terminal = reader.is_terminal();
        Self { reader, terminal }
    }
}

/// Why an input was not read whole.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// Not a regular file; what it is instead, e.g. `a FIFO (named pipe)`.
    NotAFile(&'static str),
    /// Longer than the cap.
    TooLarge {
        /// The cap, in bytes.
        cap: u64,
        /// The size, when the file's metadata says it; `None` when the reading passed the cap.
        size: Option<u64>,
    },
    /// No bytes came for this long.
    Timeout(Duration),
    /// The input could not be opened or read.
    Io(io::Error),
}

impl Refusal {
    /// What went wrong reading `input` (`the file`, `stdin`), whose cap is that of `capped`
    /// (`a --json request`).
    pub(crate) fn describe(&self, input: &str, capped: &str) -> String {
        match self {
            Self::NotAFile(what) => format!("{what}, not a regular file"),
            Self::TooLarge { cap, size: Some(size) } => {
                format!("{input} is {size} bytes, over the {} cap of {capped}", bytes(*cap))
            }
            Self::TooLarge { cap, size: None } => {
                format!("{input} holds more than {}, the cap of {capped}", bytes(*cap))
            }
            Self::Timeout(bound) => format!(
                "nothing came from {input} for {} s, the time bound (set by {TIMEOUT_VAR}, in seconds)",
                bound.as_secs()
            ),
            Self::Io(e) => format!("cannot read {input}: {e}"),
        }
    }
}

/// `4194304 bytes (4 MiB)`.
fn bytes(count: u64) -> String {
    if count >= MIB && count.is_multiple_of(MIB) {
        format!("{count} bytes ({} MiB)", count / MIB)
    } else {
        format!("{count} bytes")
    }
}

/// The time bound: [`TIMEOUT_VAR`] seconds, or [`DEFAULT_TIMEOUT`] when it is unset.
pub(crate) fn timeout() -> Result<Duration, Failure> {
    let Some(value) = env::variable(TIMEOUT_VAR)? else {
        return Ok(DEFAULT_TIMEOUT);
    };
    match value.trim().parse::<u64>() {
        Ok(seconds) if seconds > 0 => Ok(Duration::from_secs(seconds)),
        _ => Err(Failure::BadVariable {
            name: TIMEOUT_VAR,
            problem: format!("`{value}` is not a whole number of seconds, at least 1"),
        }),
    }
}

/// The regular file at `path`, whole, if it holds at most `cap` bytes and gives each chunk
/// within `timeout`. Anything else (FIFO, device, directory, socket) is refused before it is
/// opened.
pub(crate) fn file(path: &Path, cap: u64, timeout: Duration) -> Result<Vec<u8>, Refusal> {
    // Before opening: opening a FIFO for reading blocks until something writes to it.
    let metadata = std::fs::metadata(path).map_err(Refusal::Io)?;
    regular(&metadata, cap)?;
    let path: PathBuf = path.to_owned();
    read_within(
        move || {
            let file = File::open(&path).map_err(Refusal::Io)?;
            // The handle's own metadata: the path may name something else by now.
            regular(&file.metadata().map_err(Refusal::Io)?, cap)?;
            Ok(file)
        },
        cap,
        Some(timeout),
    )
}

/// `stdin` whole, if it holds at most `cap` bytes; a pipe must give each chunk within
/// `timeout`, a terminal is waited for.
pub(crate) fn stdin<R: Read + Send + 'static>(
    stdin: Stdin<R>,
    cap: u64,
    timeout: Duration,
) -> Result<Vec<u8>, Refusal> {
    let Stdin { reader, terminal } = stdin;
    read_within(move || Ok(reader), cap, (!terminal).then_some(timeout))
}

/// Refuses what is not a regular file, and a regular file over `cap`.
fn regular(metadata: &Metadata, cap: u64) -> Result<(), Refusal> {
    if !metadata.is_file() {
        return Err(Refusal::NotAFile(kind(metadata)));
    }
    if metadata.len() > cap {
        return Err(Refusal::TooLarge { cap, size: Some(metadata.len()) });
    }
    Ok(())
}

/// What a file that is not a regular file is.
fn kind(metadata: &Metadata) -> &'static str {
    let file_type = metadata.file_type();
    if file_type.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    "not a file"
}

/// Opens the input with `open` and reads it whole, refusing it as soon as it passes `cap`.
/// With a `timeout`, opening and reading happen on a thread of their own, and the wait for each
/// chunk is bounded; without, they happen here.
fn read_within<R: Read>(
    open: impl FnOnce() -> Result<R, Refusal> + Send + 'static,
    cap: u64,
    timeout: Option<Duration>,
) -> Result<Vec<u8>, Refusal> {
    // One byte more than the cap tells an input over it from one just at it.
    let limit = cap.saturating_add(1);
    let Some(timeout) = timeout else {
        let mut bytes = Vec::new();
        open()?.take(limit).read_to_end(&mut bytes).map_err(Refusal::Io)?;
        return within_cap(bytes, cap);
    };
    // Room for one chunk in the channel: the thread reads at most one chunk ahead.
    let (chunks, received) = mpsc::sync_channel::<Result<Vec<u8>, Refusal>>(1);
    std::thread::Builder::new()
        .name("wechat-input".to_owned())
        .spawn(move || {
            let mut reader = match open() {
                Ok(reader) => reader.take(limit),
                Err(refusal) => {
                    let _ = chunks.send(Err(refusal));
                    return;
                }
            };
            loop {
                let mut chunk = vec![0; CHUNK];
                match reader.read(&mut chunk) {
                    Ok(count) => {
                        chunk.truncate(count);
                        // An empty chunk is the end; a closed channel, a reader that gave up.
                        if chunks.send(Ok(chunk)).is_err() || count == 0 {
                            return;
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        let _ = chunks.send(Err(Refusal::Io(e)));
                        return;
                    }
                }
            }
        })
        .map_err(Refusal::Io)?;
    let mut bytes = Vec::new();
    loop {
        match received.recv_timeout(timeout) {
            Ok(Ok(chunk)) if chunk.is_empty() => return within_cap(bytes, cap),
            Ok(Ok(chunk)) => {
                bytes.extend_from_slice(&chunk);
                if bytes.len() as u64 > cap {
                    return Err(Refusal::TooLarge { cap, size: None });
                }
            }
            Ok(Err(refusal)) => return Err(refusal),
            Err(RecvTimeoutError::Timeout) => return Err(Refusal::Timeout(timeout)),
            Err(RecvTimeoutError::Disconnected) => {
                return Err(Refusal::Io(io::Error::other("the reading thread stopped")));
            }
        }
    }
}

fn within_cap(bytes: Vec<u8>, cap: u64) -> Result<Vec<u8>, Refusal> {
    if bytes.len() as u64 > cap { Err(Refusal::TooLarge { cap, size: None }) } else { Ok(bytes) }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const BOUND: Duration = Duration::from_secs(30);

    fn piped<R>(reader: R) -> Stdin<R> {
        Stdin { reader, terminal: false }
    }

    #[test]
    fn an_input_at_the_cap_is_read_and_one_byte_more_is_refused() {
        for terminal in [false, true] {
            let at_cap =
                stdin(Stdin { reader: io::Cursor::new(vec![7u8; 100]), terminal }, 100, BOUND).unwrap();
            assert_eq!(at_cap.len(), 100);
            let over =
                stdin(Stdin { reader: io::Cursor::new(vec![7u8; 101]), terminal }, 100, BOUND).unwrap_err();
            assert!(matches!(over, Refusal::TooLarge { cap: 100, size: None }), "{over:?}");
        }
    }

    #[test]
    fn an_endless_input_is_refused_at_the_cap() {
        let refused = stdin(piped(io::repeat(b' ')), 3 * CHUNK as u64, BOUND).unwrap_err();
        assert!(matches!(refused, Refusal::TooLarge { size: None, .. }), "{refused:?}");
        let refused = stdin(Stdin { reader: io::repeat(b' '), terminal: true }, 1000, BOUND).unwrap_err();
        assert!(matches!(refused, Refusal::TooLarge { size: None, .. }), "{refused:?}");
    }

    #[test]
    fn a_file_over_its_cap_is_refused_by_its_size_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        std::fs::File::create(&path).unwrap().set_len(MIB + 1).unwrap();
        let refused = file(&path, MIB, BOUND).unwrap_err();
        assert_eq!(
            refused.describe("the file", "the `media` part"),
            "the file is 1048577 bytes, over the 1048576 bytes (1 MiB) cap of the `media` part"
        );
        std::fs::write(&path, b"{}").unwrap();
        assert_eq!(file(&path, MIB, BOUND).unwrap(), b"{}");
    }

    #[test]
    fn a_directory_is_not_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let refused = file(dir.path(), MIB, BOUND).unwrap_err();
        assert_eq!(refused.describe("the file", "x"), "a directory, not a regular file");
    }
}
