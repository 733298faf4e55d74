//! The pipeline every fuzz target drives: classify → strict verify → parse → fix with
//! every transform (`--unsafe`) → verify the output. Panics (the fuzzer's crashes) on
//! a panic inside the tool, on an output that does not parse, and on a second run
//! that still changes the output (set IAC_FIX_FUZZ_NO_IDEMPOTENCE=1 to skip that check).
//! Every input is also run with its line breaks rewritten (all CR, all CRLF, and a mix
//! chosen by the input's bytes): the CR-only and CRLF forms must be fixed exactly like
//! the LF form (no byte lost or moved), a mix with lone CRs refused, any other mix
//! fixed to text that parses.

use iac_fix::files::{has_lone_cr, process_text};
use iac_fix::fixer::Settings;
use iac_fix::lang::{verify, Syntax};
use iac_fix::transforms::REGISTRY;
use std::path::Path;

pub fn run(syntax: Syntax, data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return; // files::process reports it as "not UTF-8" before any parser runs
    };
    run_text(syntax, text);
    line_breaks(syntax, text);
}

/// The line-break mutations of `text` (see the module documentation).
pub fn line_breaks(syntax: Syntax, text: &str) {
    if text.contains('\r') {
        return;
    }
    let settings = Settings {
        unsafe_fixes: true,
        ..Default::default()
    };
    let path = Path::new(match syntax {
        Syntax::TypeScript => "fuzz.ts",
        Syntax::Json => "fuzz.json",
        Syntax::Yaml => "fuzz.yaml",
    });
    let fix = |t: &str| {
        process_text(path, syntax, t, REGISTRY, &settings).map(|r| r.map(|(_, o)| o.fixed))
    };
    let lf = fix(text);
    for newline in ["\r", "\r\n"] {
        let other = fix(&text.replace('\n', newline));
        match (&lf, &other) {
            (Ok(Some(a)), Ok(Some(b))) => assert!(
                *b == a.replace('\n', newline),
                "{newline:?} form fixed differently\n--- LF\n{a}\n--- other\n{b}"
            ),
            (Ok(None), Ok(None)) | (Err(_), Err(_)) => {}
            (a, b) => panic!(
                "{newline:?} form classified differently: {:?} vs {:?}",
                a.as_ref().map(|_| ()),
                b.as_ref().map(|_| ())
            ),
        }
    }
    let mixed = mix_line_breaks(text);
    if let Ok(Some(out)) = fix(&mixed) {
        // Judged on the final text, as the tool judges it: a CR chosen for one line
        // followed by an empty LF line is a CRLF, not a lone CR.
        assert!(
            !(has_lone_cr(&mixed) && mixed.contains('\n')),
            "a mix with lone CRs was fixed"
        );
        if out != mixed {
            let body = out.strip_prefix('\u{feff}').unwrap_or(&out);
            if let Err(e) = verify::check(syntax, body) {
                panic!("mixed line breaks: output does not parse: {e}\n--- output\n{out}");
            }
        }
    }
}

/// `text` (LF breaks only) with each line break replaced by LF, CRLF or CR, chosen by
/// the length and index of its line (deterministic, so a failure reproduces).
pub fn mix_line_breaks(text: &str) -> String {
    let mut mixed = String::with_capacity(text.len() + 16);
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let Some(body) = line.strip_suffix('\n') else {
            mixed.push_str(line);
            break;
        };
        mixed.push_str(body);
        mixed.push_str(["\n", "\r\n", "\r"][(body.len() + i) % 3]);
    }
    mixed
}

fn run_text(syntax: Syntax, text: &str) {
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
