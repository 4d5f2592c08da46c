//! What the bench targets share.

/// Tell glibc to keep what it frees (mallopt(3)); `false` where that is not possible.
///
/// glibc gives large freed blocks back to the kernel (munmap, trimming the heap top), so every
/// iteration of a bench that builds a trace of megabytes and drops it faults thousands of fresh
/// pages in (≈ 3 µs each on this VM: more than the simulation itself). A long-running process
/// keeps reusing its heap, and the browser's wasm memory never shrinks at all, so the simulator
/// is measured with freed memory kept.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn keep_freed_memory() -> bool {
    extern "C" {
        fn mallopt(param: i32, value: i32) -> i32;
    }
    const M_TRIM_THRESHOLD: i32 = -1;
    const M_TOP_PAD: i32 = -2;
    const M_MMAP_THRESHOLD: i32 = -3;
    // SAFETY: mallopt only changes allocator tunables; glibc documents calling it at any time.
    unsafe {
        mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1
            && mallopt(M_TRIM_THRESHOLD, i32::MAX) == 1
            && mallopt(M_TOP_PAD, 64 << 20) == 1
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn keep_freed_memory() -> bool {
    false
}
