//! Running out of memory: one sentence and exit code 2, instead of Rust's
//! "memory allocation of N bytes failed" and an abort (SIGABRT) that leaves the
//! workbench's terminal raw.
//!
//! Stable Rust has no allocation-error hook (`std::alloc::set_alloc_error_hook` is
//! unstable), so the binary installs [`Reporting`] as its global allocator: the system
//! allocator, which on a failed allocation runs [`before_exit`] (the binary gives the
//! terminal back there), prints the message naming what wort was reading
//! ([`reading`]) and exits. Nothing on that path allocates except the terminal
//! restore, and a failure inside it is not reported twice.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

/// The system allocator, reporting failure in words (see the module doc).
pub struct Reporting;

static READING: OnceLock<String> = OnceLock::new();
static REPORTING: AtomicBool = AtomicBool::new(false);
static BEFORE_EXIT: OnceLock<fn()> = OnceLock::new();

/// What to run before the message (the binary gives the terminal back): set once at
/// start, so this module depends on no other.
pub fn before_exit(f: fn()) {
    let _ = BEFORE_EXIT.set(f);
}

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
/// caller's null reaches Rust's handler) only on a failure inside the report itself.
fn report(size: usize) {
    thread_local! {
        static HERE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    // A failure inside this report (the terminal restore allocates): let Rust's
    // handler abort rather than recurse.
    if HERE.with(|h| h.replace(true)) {
        return;
    }
    // Another thread is reporting and will exit the process: wait for it, so its
    // message is the one printed.
    if REPORTING.swap(true, Ordering::SeqCst) {
        loop {
            std::thread::park();
        }
    }
    if let Some(f) = BEFORE_EXIT.get() {
        f();
    }
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
    // One write of a buffer on the stack, so no other thread's output splits it.
    let mut buf = [0u8; 1024];
    let mut len = 0;
    for piece in [
        b"error: wort ran out of memory reading ".as_slice(),
        what.as_bytes(),
        b" (an allocation of ",
        &digits[i..],
        b" bytes failed); read a sample (--sample first:N or random:N), give the process \
          more memory, or split the input\n",
    ] {
        let n = piece.len().min(buf.len() - len);
        buf[len..len + n].copy_from_slice(&piece[..n]);
        len += n;
    }
    let _ = std::io::stderr().write_all(&buf[..len]);
    std::process::exit(2);
}

/// A panic because the system would not give a thread or its stack (a rayon or polars
/// pool starting under an address-space limit): the same kind of message and exit code
/// as a failed allocation. Other panics keep Rust's own report.
pub fn report_resource_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        let starved = text.contains("Resource temporarily unavailable")
            || text.contains("ThreadPoolBuildError")
            || text.contains("failed to spawn thread");
        if !starved {
            return default(info);
        }
        if REPORTING.swap(true, Ordering::SeqCst) {
            loop {
                std::thread::park();
            }
        }
        if let Some(f) = BEFORE_EXIT.get() {
            f();
        }
        let what = READING.get().map_or("its input", String::as_str);
        eprintln!(
            "error: wort could not start a thread while reading {what} (the system refused \
             memory for its stack: {text}); give the process more memory, or read a sample \
             (--sample first:N or random:N)"
        );
        std::process::exit(2);
    }));
}
