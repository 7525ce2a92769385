//! Running out of memory: one sentence and exit code 2, instead of Rust's
//! "memory allocation of N bytes failed" and an abort (SIGABRT) that leaves the
//! workbench's terminal raw.
//!
//! Stable Rust has no allocation-error hook (`std::alloc::set_alloc_error_hook` is
//! unstable), so the binary installs [`Reporting`] as its global allocator: the system
//! allocator, which on a failed allocation gives the terminal back, prints the message
//! naming what wort was reading ([`reading`]) and exits. Nothing on that path
//! allocates except the terminal restore, and a failure inside it is not reported
//! twice.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

/// The system allocator, reporting failure in words (see the module doc).
pub struct Reporting;

static READING: OnceLock<String> = OnceLock::new();
static REPORTING: AtomicBool = AtomicBool::new(false);

/// Name the inputs the command reads, for the out-of-memory message (first call wins).
pub fn reading(inputs: &[String]) {
    let _ = READING.set(inputs.join(", "));
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the
// only addition runs when `System` returned null, and does not return.
unsafe impl GlobalAlloc for Reporting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is.
        let p = unsafe { System.alloc(layout) };
        if p.is_null() {
            report(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is.
        let p = unsafe { System.alloc_zeroed(layout) };
        if p.is_null() {
            report(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded as is.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if p.is_null() {
            report(new_size);
        }
        p
    }
}

/// Give the terminal back, say what ran out, and exit with code 2. Returns (so the
/// caller's null reaches Rust's handler) only when already reporting.
fn report(size: usize) {
    if REPORTING.swap(true, Ordering::SeqCst) {
        return;
    }
    crate::tui::restore_if_active();
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = size;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let what = READING.get().map_or("its input", String::as_str);
    let mut err = std::io::stderr().lock();
    for piece in [
        b"error: wort ran out of memory reading ".as_slice(),
        what.as_bytes(),
        b" (an allocation of ",
        &digits[i..],
        b" bytes failed); read a sample (--sample first:N or random:N), give the process \
          more memory, or split the input\n",
    ] {
        let _ = err.write_all(piece);
    }
    std::process::exit(2);
}
