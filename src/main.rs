fn main() {
    std::process::exit(iac_fix::cli::main());
}
