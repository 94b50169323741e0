// A faster allocator: conversion allocates many small strings and nodes.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cdt2md::cli::run()
}
