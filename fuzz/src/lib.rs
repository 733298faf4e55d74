//! The pipeline every fuzz target drives: classify → strict verify → parse → fix with
//! every transform (`--unsafe`) → verify the output. Panics (the fuzzer's crashes) on
//! a panic inside the tool, on an output that does not parse, and on a second run
//! that still changes the output (set IAC_FIX_FUZZ_NO_IDEMPOTENCE=1 to skip that check).

use iac_fix::files::process_text;
use iac_fix::fixer::Settings;
use iac_fix::lang::{verify, Syntax};
use iac_fix::transforms::REGISTRY;
use std::path::Path;

pub fn run(syntax: Syntax, data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return; // files::process reports it as "not UTF-8" before any parser runs
    };
    let name = match syntax {
        Syntax::TypeScript => "fuzz.ts",
        Syntax::Json => "fuzz.json",
        Syntax::Yaml => "fuzz.yaml",
    };
    let settings = Settings {
        unsafe_fixes: true,
        ..Default::default()
    };
    let path = Path::new(name);
    let Ok(Some((_, first))) = process_text(path, syntax, text, REGISTRY, &settings) else {
        return;
    };
    if first.fixed == text {
        return;
    }
    let body = first.fixed.strip_prefix('\u{feff}').unwrap_or(&first.fixed);
    if let Err(e) = verify::check(syntax, body) {
        panic!("output does not parse: {e}\n--- output\n{}", first.fixed);
    }
    if std::env::var_os("IAC_FIX_FUZZ_NO_IDEMPOTENCE").is_some() {
        return;
    }
    match process_text(path, syntax, &first.fixed, REGISTRY, &settings) {
        Ok(Some((_, second))) => assert!(
            second.fixed == first.fixed,
            "second run still changes the file\n--- first\n{}\n--- second\n{}",
            first.fixed,
            second.fixed
        ),
        Ok(None) => {}
        Err(e) => panic!("the output is refused on a second run: {e}"),
    }
}
