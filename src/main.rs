fn main() -> std::process::ExitCode {
    seaworthy::cli::main()
}
