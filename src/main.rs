fn main() -> std::process::ExitCode {
    cdt2md::cli::run()
}
