//! SIGINT / SIGTERM / SIGHUP during a writing run: the first signal sets a flag, so the
//! run reads no more files and starts no new write (the write in progress finishes
//! with its rename, so every file is either as it was or fully fixed, and no temp
//! file is left); the run then reports how many changed files it did not write and
//! exits with `EXIT_INTERRUPTED`. A second signal exits at once: still no partial
//! file, but the temp file of the write in progress may stay behind (`.iac-fix-*`),
//! as after SIGKILL.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Exit code of a run stopped by a signal (128 + SIGINT, the shell convention).
pub const EXIT_INTERRUPTED: i32 = 130;

/// Install the handler (once per process; later calls do nothing).
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Failure (another handler already installed) leaves the default behaviour.
        let _ = ctrlc::set_handler(|| {
            if INTERRUPTED.swap(true, Ordering::SeqCst) {
                std::process::exit(EXIT_INTERRUPTED);
            }
        });
    });
}

/// True once a signal arrived.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}
