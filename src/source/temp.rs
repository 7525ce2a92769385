//! Temporary files a killed process cannot leave behind.
//!
//! On Linux a temporary file is created unnamed (`O_TMPFILE` in the directory it
//! belongs to): it has no name until [`TempFile::link_over`] gives it one, so `kill -9`
//! at any moment frees it with the process. Readers and writers that want a path (polars)
//! get `/proc/self/fd/N`, which opens the same file.
//!
//! Where that is not possible (another system, a file system without `O_TMPFILE`, no
//! `/proc`), the file is named `.wort-PID-XXXXXX…` and removed when dropped; a file of
//! that shape whose process is gone (killed) is removed by the next wort that creates a
//! temporary file in the same directory ([`sweep`]). A file of a live process, a file of
//! another user and any file not named that way are left alone.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// The name every temporary file of wort starts with.
pub const PREFIX: &str = ".wort-";

/// A temporary file: unnamed where the system allows, else named with the process id.
#[derive(Debug)]
pub struct TempFile {
    file: File,
    /// The path that opens this file: `/proc/self/fd/N`, or the file's name.
    path: PathBuf,
    /// For a named file: removed on drop unless linked into place.
    named: bool,
}

impl TempFile {
    /// A new temporary file in `dir`; `suffix` ends the name it gets if it must have
    /// one (readers that pick a format by extension see it).
    pub fn new_in(dir: &Path, suffix: &str) -> io::Result<TempFile> {
        sweep(dir);
        if let Some(t) = unnamed(dir)? {
            return Ok(t);
        }
        let (file, path) = named_in(dir, suffix)?;
        Ok(TempFile {
            file,
            path,
            named: true,
        })
    }

    /// A new temporary file in the system's temporary directory (`TMPDIR`).
    pub fn new(suffix: &str) -> io::Result<TempFile> {
        TempFile::new_in(&std::env::temp_dir(), suffix)
    }

    /// The path that opens this file (for polars and other readers by name).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the file has a name in its directory (a killed process would leave it).
    pub fn is_named(&self) -> bool {
        self.named
    }

    /// The open file (read and write; its offset is shared with other users of it).
    pub fn file(&self) -> &File {
        &self.file
    }

    /// Put the file at `target` (in the same directory as the file was created),
    /// replacing what is there atomically: readers see the old file or the new one,
    /// never a part. An unnamed file is first linked under a `.wort-PID-…` name and
    /// renamed over the target at once.
    pub fn link_over(mut self, target: &Path) -> io::Result<()> {
        if self.named {
            std::fs::rename(&self.path, target)?;
            self.named = false;
            return Ok(());
        }
        let dir = parent_dir(target);
        let staged = link_named(&self.path, &dir)?;
        std::fs::rename(&staged, target).inspect_err(|_| {
            let _ = std::fs::remove_file(&staged);
        })
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if self.named {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// The directory of `path` (`.` for a bare file name).
pub fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `.wort-PID-XXXXXX`: the name of a temporary file of this process.
fn name_prefix() -> String {
    format!("{PREFIX}{}-", std::process::id())
}

fn named_in(dir: &Path, suffix: &str) -> io::Result<(File, PathBuf)> {
    use std::os::unix::fs::PermissionsExt;
    let temp = tempfile::Builder::new()
        .prefix(&name_prefix())
        .suffix(suffix)
        .rand_bytes(6)
        .permissions(std::fs::Permissions::from_mode(0o666))
        .tempfile_in(dir)?;
    let (file, path) = temp.keep().map_err(|e| e.error)?;
    Ok((file, path))
}

#[cfg(target_os = "linux")]
fn unnamed(dir: &Path) -> io::Result<Option<TempFile>> {
    use rustix::fs::{CWD, Mode, OFlags};
    use std::os::fd::AsRawFd;
    if !Path::new("/proc/self/fd").is_dir() {
        return Ok(None);
    }
    let flags = OFlags::TMPFILE | OFlags::RDWR | OFlags::CLOEXEC;
    match rustix::fs::openat(CWD, dir, flags, Mode::from_raw_mode(0o666)) {
        Ok(fd) => {
            let file = File::from(fd);
            let path = PathBuf::from(format!("/proc/self/fd/{}", file.as_raw_fd()));
            Ok(Some(TempFile {
                file,
                path,
                named: false,
            }))
        }
        // The file system or kernel has no O_TMPFILE: a named file instead.
        Err(e)
            if e == rustix::io::Errno::OPNOTSUPP
                || e == rustix::io::Errno::ISDIR
                || e == rustix::io::Errno::INVAL
                || e == rustix::io::Errno::NOSYS =>
        {
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn unnamed(_dir: &Path) -> io::Result<Option<TempFile>> {
    Ok(None)
}

/// Give the unnamed file at `proc_path` a `.wort-PID-…` name in `dir`.
#[cfg(target_os = "linux")]
fn link_named(proc_path: &Path, dir: &Path) -> io::Result<PathBuf> {
    use rustix::fs::{AtFlags, CWD};
    for _ in 0..100 {
        let random: String = rand::Rng::sample_iter(rand::rng(), &rand::distr::Alphanumeric)
            .take(6)
            .map(char::from)
            .collect();
        let name = dir.join(format!("{}{random}.part", name_prefix()));
        match rustix::fs::linkat(CWD, proc_path, CWD, &name, AtFlags::SYMLINK_FOLLOW) {
            Ok(()) => return Ok(name),
            Err(e) if e == rustix::io::Errno::EXIST => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(io::Error::other("no free temporary name after 100 tries"))
}

#[cfg(not(target_os = "linux"))]
fn link_named(_proc_path: &Path, _dir: &Path) -> io::Result<PathBuf> {
    Err(io::Error::other(
        "unnamed temporary files exist on Linux only",
    ))
}

/// Remove the temporary files of dead wort processes from `dir`: regular files of this
/// user named `.wort-PID-XXXXXX…` whose process no longer exists. Errors are ignored
/// (the directory may be unreadable; another wort may remove the same file first).
pub fn sweep(dir: &Path) {
    use std::os::unix::fs::MetadataExt;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    // /proc/self belongs to the process's effective user; without /proc, no process
    // can be told dead, and nothing is removed.
    let Ok(me) = std::fs::metadata("/proc/self").map(|m| m.uid()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(stale_pid) else {
            continue;
        };
        if pid == std::process::id() || alive(pid) {
            continue;
        }
        let Ok(meta) = entry.path().symlink_metadata() else {
            continue;
        };
        if meta.file_type().is_file() && meta.uid() == me {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The process id in a wort temporary file's name: `.wort-PID-XXXXXX` followed by
/// nothing or a suffix starting with `.`.
fn stale_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(PREFIX)?;
    let (pid, rest) = rest.split_once('-')?;
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let random = rest.get(..6)?;
    let tail = &rest[6..];
    if !random.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    if !(tail.is_empty() || tail.starts_with('.')) {
        return None;
    }
    pid.parse().ok().filter(|&p| p > 0)
}

/// Whether a process with this id exists (one of another user counts as alive).
fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Seek, Write};

    #[test]
    fn names_of_wort_temporary_files() {
        assert_eq!(stale_pid(".wort-123-aB3xYz.part.csv"), Some(123));
        assert_eq!(stale_pid(".wort-123-aB3xYz"), Some(123));
        assert_eq!(stale_pid(".wort-123-aB3xYzmore"), None);
        assert_eq!(stale_pid(".wort-abc-aB3xYz.part"), None);
        assert_eq!(stale_pid(".wort--aB3xYz.part"), None);
        assert_eq!(stale_pid(".wort-0-aB3xYz.part"), None);
        assert_eq!(stale_pid(".wort-12-ab.part"), None);
        assert_eq!(stale_pid("wort-12-aB3xYz.part"), None);
        assert_eq!(stale_pid(".wortx-12-aB3xYz.part"), None);
    }

    #[test]
    fn sweep_removes_dead_processes_files_only() {
        let dir = tempfile::tempdir().unwrap();
        // A pid above the kernel's maximum (4194304) cannot be alive.
        let dead = dir.path().join(".wort-99999999-aB3xYz.part.csv");
        let mine = dir.path().join(format!("{}abcdef.part", name_prefix()));
        let live = dir.path().join(".wort-1-abcdef.part");
        let other = dir.path().join(".wort-99999999-notours.txt");
        let plain = dir.path().join("data.csv");
        for p in [&dead, &mine, &live, &other, &plain] {
            std::fs::write(p, "x").unwrap();
        }
        let dead_dir = dir.path().join(".wort-99999999-zzzzzz");
        std::fs::create_dir(&dead_dir).unwrap();
        sweep(dir.path());
        assert!(!dead.exists());
        for p in [&mine, &live, &other, &plain, &dead_dir] {
            assert!(p.exists(), "{} was removed", p.display());
        }
    }

    #[test]
    fn an_unnamed_file_is_invisible_until_linked() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        std::fs::write(&target, "old\n").unwrap();
        let t = TempFile::new_in(dir.path(), ".part.csv").unwrap();
        std::fs::write(t.path(), "new\n").unwrap();
        let names = |d: &Path| -> Vec<String> {
            let mut v: Vec<String> = std::fs::read_dir(d)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };
        if cfg!(target_os = "linux") && !t.is_named() {
            assert_eq!(names(dir.path()), vec!["out.csv"]);
        }
        let mut f = t.file();
        let mut text = String::new();
        f.seek(io::SeekFrom::Start(0)).unwrap();
        f.read_to_string(&mut text).unwrap();
        assert_eq!(text, "new\n");
        f.write_all(b"more\n").unwrap();
        t.link_over(&target).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new\nmore\n");
        assert_eq!(names(dir.path()), vec!["out.csv"]);
    }

    #[test]
    fn a_dropped_file_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let t = TempFile::new_in(dir.path(), ".part").unwrap();
        std::fs::write(t.path(), "x").unwrap();
        drop(t);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
