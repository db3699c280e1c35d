//! The few system calls std does not wrap the way the log needs them: a positioned vectored
//! write that finishes short writes, a directory fsync, a whole-filesystem sync (syncfs(2), and
//! whether this kernel reports write errors through it), and a file's modification time.
//!
//! This is the only module with `unsafe`; everything else reads with `FileExt::read_exact_at`
//! and writes with `FileExt::write_all_at`.

use std::fs::File;
use std::io::{self, IoSlice};
use std::os::fd::AsRawFd;

/// Most slices one pwritev call accepts (IOV_MAX on Linux and the BSDs).
const SLICES_PER_CALL_MAX: usize = 1024;

/// Write every byte of `slices` at `position` with pwritev(2), retrying short writes and
/// EINTR. Nothing is copied in user space: the kernel gathers from the slices.
pub(crate) fn pwritev_all(
    file: &File,
    mut slices: &mut [IoSlice<'_>],
    mut position: u64,
) -> io::Result<()> {
    IoSlice::advance_slices(&mut slices, 0); // drop leading empty slices
    while !slices.is_empty() {
        let count = slices.len().min(SLICES_PER_CALL_MAX);
        let offset = libc::off_t::try_from(position).map_err(|_| {
            io::Error::new(io::ErrorKind::InvalidInput, "file position beyond off_t")
        })?;
        // SAFETY: IoSlice is ABI-compatible with iovec on Unix (std guarantees it), the slices
        // borrow live buffers for the duration of the call, and `count` does not exceed them.
        let written = unsafe {
            libc::pwritev(
                file.as_raw_fd(),
                slices.as_ptr().cast::<libc::iovec>(),
                count as libc::c_int,
                offset,
            )
        };
        if written < 0 {
            let err = io::Error::last_os_error();
            if err.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(err);
        }
        if written == 0 {
            return Err(io::Error::new(
                io::ErrorKind::WriteZero,
                "pwritev wrote nothing",
            ));
        }
        position += written as u64;
        IoSlice::advance_slices(&mut slices, written as usize);
    }
    Ok(())
}

/// syncfs(2) on the filesystem holding `file`, retrying EINTR. Since Linux 5.8 it fails if a
/// write-back error hit that filesystem since `file` was opened (or one no caller has seen yet).
#[cfg(target_os = "linux")]
pub(crate) fn syncfs(file: &File) -> io::Result<()> {
    loop {
        // SAFETY: syncfs on a valid, owned descriptor; it touches no memory of ours.
        if unsafe { libc::syncfs(file.as_raw_fd()) } == 0 {
            return Ok(());
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn syncfs(_file: &File) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "syncfs(2) is Linux-only",
    ))
}

/// Whether syncfs(2) reports write-back errors here: Linux 5.8 or later. Before 5.8 it returned
/// success even when data could not be written, so it cannot stand in for fsync.
pub(crate) fn syncfs_reports_errors() -> bool {
    static REPORTS: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *REPORTS.get_or_init(|| cfg!(target_os = "linux") && kernel_version() >= Some((5, 8)))
}

/// (major, minor) of the running kernel, from uname(2).
fn kernel_version() -> Option<(u32, u32)> {
    // SAFETY: utsname is plain bytes, so all-zero is a valid value; uname fills it in.
    let mut name: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: `name` is a valid, writable utsname.
    if unsafe { libc::uname(&mut name) } != 0 {
        return None;
    }
    // SAFETY: uname NUL-terminates `release`, which lives as long as `name`.
    let release = unsafe { std::ffi::CStr::from_ptr(name.release.as_ptr()) };
    parse_kernel_version(&release.to_string_lossy())
}

/// "6.18.44-fc" -> (6, 18).
fn parse_kernel_version(release: &str) -> Option<(u32, u32)> {
    let mut parts = release.split(|c: char| !c.is_ascii_digit());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// A file's modification time in ms since the Unix epoch (0 if the platform will not say).
pub(crate) fn modified_ms(file: &File) -> io::Result<i64> {
    let modified = file.metadata()?.modified()?;
    let since_epoch = modified
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    Ok(i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::FileExt;

    #[test]
    fn pwritev_all_gathers_slices_at_the_position() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(dir.path().join("f"));
        let file = file.expect("open");
        file.write_all_at(b"0123456789", 0).expect("seed");
        let (a, b, c) = (b"ab".as_slice(), b"".as_slice(), b"cde".as_slice());
        let mut slices = [IoSlice::new(a), IoSlice::new(b), IoSlice::new(c)];
        pwritev_all(&file, &mut slices, 3).expect("pwritev");
        let mut back = [0u8; 10];
        file.read_exact_at(&mut back, 0).expect("read");
        assert_eq!(&back, b"012abcde89");
    }

    #[test]
    fn kernel_versions_parse_and_compare_by_major_then_minor() {
        assert_eq!(parse_kernel_version("6.18.44-fc-v657"), Some((6, 18)));
        assert_eq!(parse_kernel_version("5.8.0"), Some((5, 8)));
        assert_eq!(parse_kernel_version("4.19"), Some((4, 19)));
        assert_eq!(parse_kernel_version("garbage"), None);
        assert!(Some((5, 10)) >= Some((5, 8)) && Some((4, 19)) < Some((5, 8)));
    }
}
