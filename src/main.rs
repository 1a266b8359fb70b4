//! The `docket` binary: see `server::cli`.

fn main() -> std::process::ExitCode {
    keep_large_allocations_returnable();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // A request's futures nest deeply (layers, use cases, the database client): unoptimised
        // builds need more than the default 2 MiB; the memory is only reserved, not resident.
        .thread_stack_size(8 << 20)
        .build()
        .expect("the async runtime starts")
        .block_on(docket::server::cli::run())
}

/// Password hashing (argon2id) allocates 19 MiB per hash. glibc raises its mmap threshold after such
/// buffers are freed and then keeps later ones on the heap, resident for good (measured: +4 MiB per
/// sign-in). A fixed 1 MiB threshold keeps large buffers on mmap, returned to the system when freed.
fn keep_large_allocations_returnable() {
    #[cfg(target_env = "gnu")]
    // SAFETY: called once at start-up, before any other thread exists or allocates concurrently.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}
