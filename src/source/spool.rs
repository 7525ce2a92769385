//! Inputs that cannot be read as they are: standard input (`-`), FIFOs, process
//! substitution (`<(cmd)`, a `/dev/fd/N` pipe), character devices, and UTF-16/UTF-32
//! text. Reading a file means looking at its start (gzip, format, encoding, dialect)
//! and then reading it whole, more than once; a pipe gives its bytes only once. Such an
//! input is copied once, as a stream, to an unnamed temporary file in the system's
//! temporary directory (`TMPDIR`), gone when wort exits or is killed; wide text is
//! decoded to UTF-8 on the way. The file is then read as usual, and every message
//! names the input as the user wrote it (`-` as "standard input").

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use super::temp::TempFile;
use super::wide::{self, Detected};
use super::{Encoding, SourceError, decode};

/// How the command line names standard input.
pub const STDIN: &str = "-";

/// An input ready to be read as a file.
#[derive(Debug, Clone)]
pub(super) struct Prepared {
    /// The file to read: the input itself, or its spooled copy.
    pub read: PathBuf,
    /// The input as messages name it.
    pub shown: String,
    /// The name whose extension tells the format (the user's name).
    pub name: PathBuf,
    /// The wide encoding the text was decoded from, if any.
    pub decoded: Option<Detected>,
    /// The input was gzip-compressed and is now decompressed (wide text inside gzip).
    pub gunzipped: bool,
}

/// Make `path` readable more than once, as UTF-8 where it was wide text. `encoding` is
/// the encoding the command was given: wide text is looked for only under the default
/// (UTF-8); a single-byte encoding given on purpose is taken as given.
pub(super) fn prepare(
    path: &Path,
    encoding: Encoding,
    temps: &mut Vec<TempFile>,
) -> Result<Prepared, SourceError> {
    let stdin = path.as_os_str() == STDIN;
    let shown = if stdin {
        "standard input".to_string()
    } else {
        path.display().to_string()
    };
    let fail = |what: &str, e: io::Error| SourceError::Io {
        path: shown.clone(),
        message: format!("{what}: {e}"),
    };
    let mut prepared = Prepared {
        read: path.to_path_buf(),
        shown: shown.clone(),
        name: path.to_path_buf(),
        decoded: None,
        gunzipped: false,
    };
    if stdin {
        if stdin_is_file() {
            prepared.read = PathBuf::from("/dev/stdin");
        } else {
            let spooled = spool(&mut io::stdin().lock(), None)
                .map_err(|e| fail("cannot copy it to a temporary file", e))?;
            prepared.read = spooled.path().to_path_buf();
            temps.push(spooled);
        }
    } else {
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => SourceError::NotFound {
                path: shown.clone(),
            },
            _ => SourceError::Io {
                path: shown.clone(),
                message: e.to_string(),
            },
        })?;
        if !meta.is_file() && !meta.is_dir() {
            let mut from = File::open(path).map_err(|e| fail("cannot open it", e))?;
            let spooled = spool(&mut from, None)
                .map_err(|e| fail("cannot copy it to a temporary file", e))?;
            prepared.read = spooled.path().to_path_buf();
            temps.push(spooled);
        }
    }
    if encoding != Encoding::Utf8 || prepared.read.is_dir() {
        return Ok(prepared);
    }
    let gzip = decode::is_gzip(&prepared.read).map_err(|e| fail("cannot read it", e))?;
    let head = {
        let mut r = decode::open_utf8(&prepared.read, gzip, Encoding::Utf8)
            .map_err(|e| fail("cannot read it", e))?;
        decode::read_prefix(&mut r, wide::DETECT_BYTES)
            .map_err(|e| fail("cannot read it", e))?
            .0
    };
    if let Some(found) = wide::detect(&head) {
        let mut r = decode::open_utf8(&prepared.read, gzip, Encoding::Utf8)
            .map_err(|e| fail("cannot read it", e))?;
        let spooled = spool(&mut r, Some(found)).map_err(|e| fail("cannot decode it", e))?;
        prepared.read = spooled.path().to_path_buf();
        prepared.decoded = Some(found);
        prepared.gunzipped = gzip;
        temps.push(spooled);
    }
    Ok(prepared)
}

/// Copy `from` to a new unnamed temporary file, decoding wide text to UTF-8.
fn spool(from: &mut dyn Read, decode: Option<Detected>) -> io::Result<TempFile> {
    let temp = TempFile::new(".spool")?;
    let mut to = BufWriter::with_capacity(1 << 20, temp.file());
    match decode {
        Some(found) => io::copy(&mut wide::Decoder::new(from, found.wide), &mut to)?,
        None => io::copy(from, &mut to)?,
    };
    to.flush()?;
    drop(to);
    Ok(temp)
}

/// Whether standard input is a regular file (`< file`), which can be read again.
fn stdin_is_file() -> bool {
    std::fs::metadata("/dev/stdin").is_ok_and(|m| m.is_file())
}

/// Refuse standard input given twice: it can be read only once.
pub(super) fn check_stdin_once(inputs: &[String]) -> Result<(), SourceError> {
    if inputs.iter().filter(|i| i.as_str() == STDIN).count() > 1 {
        return Err(SourceError::Io {
            path: "standard input".into(),
            message: "`-` is given more than once, and standard input can be read only once; \
                      give it once, or save it to a file first"
                .into(),
        });
    }
    Ok(())
}
