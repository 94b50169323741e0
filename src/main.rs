// The system allocator on purpose: mimalloc was tried and measured ~10% faster on a batch of
// small pages, but slower for one page through stdin (2.7 ms vs 1.9 ms, it sets up its arenas)
// and it held 2-3x the peak RSS on 1 MB pages (67 MB vs 24 MB at -j 2), over the 32 MiB budget.
fn main() -> std::process::ExitCode {
    cdt2md::run()
}
