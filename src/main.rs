fn main() {
    // Die quietly on a closed pipe (`iac-fix --explain x | head`) instead of panicking in println!.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    std::process::exit(iac_fix::cli::main());
}
