//! A global allocator that makes a decoder's trusted-length allocations harmless.
//!
//! kafka-protocol decodes an array by reading its declared count and calling
//! `Vec::with_capacity(count)` before reading any element, so a 23-byte request that claims two
//! billion elements asks for tens of gigabytes. The system allocator then fails and the process
//! aborts. `LazyHugeAlloc` serves any allocation of `HUGE_BYTES` or more with an
//! `mmap(MAP_NORESERVE)` reservation: address space only, no memory until touched. The decoder
//! then fails at the first missing element (the frame is bounded) and the reservation is
//! unmapped. Touched memory stays bounded by the frame size. Every such reservation is counted,
//! so the fronts can reject the request and tests can prove the path was taken.
//!
//! Install it in a binary with `#[global_allocator] static A: LazyHugeAlloc = LazyHugeAlloc;`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

/// Allocations at least this large are reserved lazily.
pub const HUGE_BYTES: usize = 256 << 20;

static HUGE_RESERVATIONS: AtomicU64 = AtomicU64::new(0);

/// How many huge lazy reservations were made since start.
pub fn huge_reservations() -> u64 {
    HUGE_RESERVATIONS.load(Ordering::Relaxed)
}

pub struct LazyHugeAlloc;

fn page_size() -> usize {
    4096
}

unsafe fn reserve(size: usize) -> *mut u8 {
    let p = libc::mmap(
        std::ptr::null_mut(),
        size,
        libc::PROT_READ | libc::PROT_WRITE,
        libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
        -1,
        0,
    );
    if p == libc::MAP_FAILED {
        return std::ptr::null_mut();
    }
    HUGE_RESERVATIONS.fetch_add(1, Ordering::Relaxed);
    p as *mut u8
}

fn is_huge(layout: &Layout) -> bool {
    layout.size() >= HUGE_BYTES && layout.align() <= page_size()
}

unsafe impl GlobalAlloc for LazyHugeAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if is_huge(&layout) {
            reserve(layout.size())
        } else {
            System.alloc(layout)
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if is_huge(&layout) {
            reserve(layout.size()) // anonymous mappings are zero-filled
        } else {
            System.alloc_zeroed(layout)
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if is_huge(&layout) {
            libc::munmap(ptr as *mut libc::c_void, layout.size());
        } else {
            System.dealloc(ptr, layout)
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
        if !is_huge(&layout) && !is_huge(&new_layout) {
            return System.realloc(ptr, layout, new_size);
        }
        let new = self.alloc(new_layout);
        if !new.is_null() {
            std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
            self.dealloc(ptr, layout);
        }
        new
    }
}
