//! Hostile inputs through the real pipeline (`files::process` / `process_text` with
//! every transform, `--unsafe`): each must give a clean result or a clear error,
//! never a panic or a stack overflow, and never an output that stops parsing.
//! The README's "Reliability" table lists what each input gets.

use iac_fix::files::{self, FileError};
use iac_fix::fixer::Settings;
use iac_fix::lang::{verify, Syntax};
use iac_fix::transforms::REGISTRY;
use std::fs;
use std::path::{Path, PathBuf};

/// Small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn settings() -> Settings {
    Settings {
        unsafe_fixes: true,
        ..Default::default()
    }
}

fn syntax_of(path: &Path) -> Syntax {
    iac_fix::flavor::syntax_for_path(path).expect("an infrastructure extension")
}

/// Run the pipeline on `text` as if read from `name`; a changed output must parse.
fn run(name: &str, text: &str) -> Result<bool, FileError> {
    let path = Path::new(name);
    let syntax = syntax_of(path);
    match files::process_text(path, syntax, text, REGISTRY, &settings())? {
        None => Ok(false),
        Some((_, outcome)) => {
            if outcome.fixed != text {
                let body = outcome.fixed.trim_start_matches('\u{feff}');
                if let Err(e) = verify::check(syntax, body) {
                    panic!("{name}: output does not parse: {e}");
                }
            }
            Ok(outcome.fixed != text)
        }
    }
}

fn fixture_inputs() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures")).unwrap() {
        for f in fs::read_dir(dir.unwrap().path()).unwrap() {
            let p = f.unwrap().path();
            let name = p.file_name().unwrap().to_str().unwrap();
            if !name.contains(".expected.") && iac_fix::flavor::syntax_for_path(&p).is_some() {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

const CFN_JSON_HEAD: &str = "{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n  \"Resources\": {\n    \"Fn\": {\n      \"Type\": \"AWS::Lambda::Function\",\n      \"Properties\": {\n        \"Runtime\": \"nodejs16.x\",\n        \"Deep\": ";
const CFN_JSON_TAIL: &str = "\n      }\n    }\n  }\n}\n";
const CFN_YAML_HEAD: &str = "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs16.x\n      Deep: ";
const TS_HEAD: &str = "import * as cdk from 'aws-cdk-lib';\nimport * as lambda from 'aws-cdk-lib/aws-lambda';\n\nexport class S extends cdk.Stack {\n  constructor(scope: cdk.App, id: string) {\n    super(scope, id);\n    new lambda.Function(this, 'Fn', {\n      runtime: lambda.Runtime.NODEJS_16_X,\n      handler: 'index.handler',\n      code: lambda.Code.fromInline('x'),\n      description: String(";
const TS_TAIL: &str = "),\n    });\n  }\n}\n";

fn nested(depth: usize) -> String {
    format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
}

#[test]
fn random_bytes_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(0x1ac_f1c5);
    for i in 0..300 {
        let len = rng.below(600);
        let mut bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        // Half the cases start like a template, so they get past the cheap "is it ours" test.
        let ext = ["ts", "json", "yaml"][i % 3];
        if i % 2 == 0 {
            let head: &[u8] = match ext {
                "ts" => b"import * as cdk from 'aws-cdk-lib';\n",
                "json" => b"{\"Resources\": ",
                _ => b"Resources:\n  ",
            };
            bytes.splice(0..0, head.iter().copied());
        }
        let path = dir.path().join(format!("r{i}.{ext}"));
        fs::write(&path, &bytes).unwrap();
        match files::process(&path, REGISTRY, &settings()) {
            Ok(_) => {}
            Err(e @ (FileError::NotUtf8(_) | FileError::Parse(_))) => {
                assert!(!e.to_string().is_empty())
            }
            Err(e) => panic!("unexpected error on {}: {e}", path.display()),
        }
    }
}

#[test]
fn invalid_utf8_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.yaml");
    let mut bytes = b"Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs16.x # caf".to_vec();
    bytes.extend([0xe9, b'\n']);
    fs::write(&path, &bytes).unwrap();
    let err = match files::process(&path, REGISTRY, &settings()) {
        Err(e) => e,
        Ok(_) => panic!("invalid UTF-8 was accepted"),
    };
    assert_eq!(
        err.to_string(),
        format!(
            "not UTF-8 (invalid byte at offset {}); file left untouched",
            bytes.len() - 2
        )
    );
    assert_eq!(fs::read(&path).unwrap(), bytes);
}

#[test]
fn mutated_fixtures_never_panic() {
    let mut rng = Rng(0xdead_beef);
    let junk = [
        "", "\0", "\r\n", "\t", "{", "}", "[", "]", "(", ")", ",", ":", "\"", "'", "`", "!Ref ",
        "&a ", "*a", "- ", "#", "//", "/*", "\u{feff}", "é", "${", "\n  ", "---\n",
    ];
    for path in fixture_inputs() {
        let name = path.to_str().unwrap().to_string();
        let text = fs::read_to_string(&path).unwrap();
        for _ in 0..25 {
            let mut t = text.clone();
            for _ in 0..1 + rng.below(3) {
                let mut a = rng.below(t.len() + 1);
                while !t.is_char_boundary(a) {
                    a -= 1;
                }
                let mut b = (a + rng.below(8)).min(t.len());
                while !t.is_char_boundary(b) {
                    b -= 1;
                }
                t.replace_range(a..b, junk[rng.below(junk.len())]);
            }
            let _ = run(&name, &t);
        }
    }
}

#[test]
fn truncated_fixtures_never_panic() {
    for path in fixture_inputs() {
        let name = path.to_str().unwrap().to_string();
        let text = fs::read_to_string(&path).unwrap();
        let step = (text.len() / 40).max(1);
        for cut in (0..text.len()).step_by(step) {
            if text.is_char_boundary(cut) {
                let _ = run(&name, &text[..cut]);
            }
        }
    }
}

fn deep_case(name: &str, depth: usize) -> String {
    let d = nested(depth);
    match name.rsplit('.').next().unwrap() {
        "json" => format!("{CFN_JSON_HEAD}{d}{CFN_JSON_TAIL}"),
        "yaml" => format!("{CFN_YAML_HEAD}{d}\n"),
        _ => format!("{TS_HEAD}{d}{TS_TAIL}"),
    }
}

/// Runs on a thread with the 2 MiB stack the tool's worker threads get.
fn on_worker_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn deeply_nested_json_is_refused_without_overflow() {
    let err = on_worker_stack(|| run("t.json", &deep_case("t.json", 10_000)).unwrap_err());
    assert!(err.to_string().contains("nested too deeply"), "{err}");
}

#[test]
fn deeply_nested_yaml_is_refused_without_overflow() {
    let err = on_worker_stack(|| run("t.yaml", &deep_case("t.yaml", 10_000)).unwrap_err());
    assert!(err.to_string().contains("nested too deeply"), "{err}");
    // Block nesting: compact sequences, and indentation. tree-sitter-yaml's scanner aborts
    // the process (a C assertion) past ~250 open levels, so these must never reach it.
    let compact = format!("{CFN_YAML_HEAD}\n        {}1\n", "- ".repeat(10_000));
    let err = on_worker_stack(move || run("t.yaml", &compact).unwrap_err());
    assert!(err.to_string().contains("nested too deeply"), "{err}");
    let mut indented = format!("{CFN_YAML_HEAD}\n");
    for level in 0..300 {
        indented.push_str(&format!("{}k{level}:\n", " ".repeat(8 + level)));
    }
    indented.push_str(&format!("{}x: 1\n", " ".repeat(308)));
    let err = on_worker_stack(move || run("t.yaml", &indented).unwrap_err());
    assert!(err.to_string().contains("nested too deeply"), "{err}");
}

#[test]
fn deeply_nested_typescript_is_refused_without_overflow() {
    let err = on_worker_stack(|| run("t.ts", &deep_case("t.ts", 10_000)).unwrap_err());
    assert!(err.to_string().contains("nested too deeply"), "{err}");
}

#[test]
fn moderately_nested_files_are_still_fixed() {
    for name in ["t.json", "t.yaml", "t.ts"] {
        let text = deep_case(name, 100);
        let changed = on_worker_stack(move || run(name, &text).unwrap());
        assert!(changed, "{name}: the runtime fix did not apply");
    }
}

#[test]
fn a_one_megabyte_line_is_handled() {
    let long = "x".repeat(1 << 20);
    let yaml = format!("{CFN_YAML_HEAD}\"{long}\"\n");
    assert!(run("t.yaml", &yaml).unwrap());
    let json = format!("{CFN_JSON_HEAD}\"{long}\"{CFN_JSON_TAIL}").replace('\n', "");
    assert!(run("t.json", &json).unwrap());
    let ts = format!("{TS_HEAD}'{long}'{TS_TAIL}");
    assert!(run("t.ts", &ts).unwrap());
}

#[test]
fn bom_crlf_mixed_line_endings_and_tabs() {
    let yaml = "\u{feff}Resources:\r\n  Fn:\n    Type: AWS::Lambda::Function\r\n    Properties:\n      Runtime: nodejs16.x\r\n";
    assert!(run("t.yaml", yaml).unwrap());
    let json = "\u{feff}{\r\n\t\"Resources\": {\n\t\t\"Fn\": {\r\n\t\t\t\"Type\": \"AWS::Lambda::Function\",\n\t\t\t\"Properties\": {\"Runtime\": \"nodejs16.x\"}\r\n\t\t}\n\t}\r\n}\n";
    assert!(run("t.json", json).unwrap());
    let ts = format!(
        "\u{feff}{}",
        format!("{TS_HEAD}1{TS_TAIL}").replace("  ", "\t")
    )
    .replacen('\n', "\r\n", 3);
    assert!(run("t.ts", &ts).unwrap());
    // Tabs in YAML indentation are a syntax error: reported, not a panic.
    let err = run(
        "t.yaml",
        "Resources:\n\tFn:\n\t\tType: AWS::Lambda::Function\n",
    )
    .unwrap_err();
    assert!(err.to_string().contains("does not parse"), "{err}");
}

#[test]
fn nul_bytes_are_errors_or_left_alone() {
    let yaml = "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs16.x\0\n";
    assert!(run("t.yaml", yaml).is_err());
    let json = "{\"Resources\": {\"Fn\": {\"Type\": \"AWS::Lambda::Function\", \"Properties\": {\"Runtime\": \"nodejs16.x\"}}}}\0";
    assert!(run("t.json", json).is_err());
    let ts = format!("{TS_HEAD}'\0'{TS_TAIL}");
    let _ = run("t.ts", &ts);
    let ts = format!("{TS_HEAD}1{TS_TAIL}\0");
    let _ = run("t.ts", &ts);
}

/// ~50 MB of CloudFormation JSON and YAML: a clear result in bounded time. Slow in a
/// debug build, so `.ci/run` runs it with `cargo test --release -- --ignored`.
#[test]
#[ignore]
fn a_fifty_megabyte_template() {
    for ext in ["json", "yaml"] {
        let mut text = String::with_capacity(52 << 20);
        let n = 200_000;
        // One function in a thousand has a runtime to upgrade: 200 fixes.
        let runtime = |i: usize| {
            if i.is_multiple_of(1000) {
                "nodejs16.x"
            } else {
                "nodejs22.x"
            }
        };
        if ext == "json" {
            text.push_str("{\n  \"Resources\": {\n");
            for i in 0..n {
                text.push_str(&format!("    \"Fn{i}\": {{\n      \"Type\": \"AWS::Lambda::Function\",\n      \"Properties\": {{\n        \"Runtime\": \"{}\",\n        \"Handler\": \"index.handler\",\n        \"Description\": \"{}\"\n      }}\n    }}{}\n", runtime(i), "d".repeat(90), if i + 1 < n { "," } else { "" }));
            }
            text.push_str("  }\n}\n");
        } else {
            text.push_str("Resources:\n");
            for i in 0..n {
                text.push_str(&format!("  Fn{i}:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: {}\n      Handler: index.handler\n      Description: {}\n", runtime(i), "d".repeat(120)));
            }
        }
        assert!(text.len() > 40 << 20, "{}", text.len());
        let started = std::time::Instant::now();
        let name = format!("t.{ext}");
        let result = match run(&name, &text) {
            Ok(changed) => format!("ok, changed: {changed}"),
            Err(e) => {
                assert!(e.to_string().contains("does not parse"), "{e}");
                e.to_string()
            }
        };
        let took = started.elapsed();
        eprintln!("{name}: {} MB in {took:?}: {result}", text.len() >> 20);
        // Debug build: ~45 s for the JSON one; release: a few seconds. A quadratic
        // regression would blow far past this.
        assert!(
            took < std::time::Duration::from_secs(300),
            "{name} took {took:?}"
        );
    }
}

/// Minimized crashers found by the fuzz targets (`fuzz/regressions/<target>-<n>.<ext>`)
/// stay fixed: each goes through the same checks as the fuzz harness.
#[test]
fn fuzz_regressions_stay_fixed() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/regressions");
    let mut count = 0;
    for f in fs::read_dir(dir).unwrap() {
        let path = f.unwrap().path();
        if iac_fix::flavor::syntax_for_path(&path).is_none() {
            continue;
        }
        let bytes = fs::read(&path).unwrap();
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let name = path.to_str().unwrap().to_string();
        let text2 = text.clone();
        if let Ok(true) = on_worker_stack(move || run(&name, &text2)) {
            // Applying twice equals applying once.
            let path2 = path.clone();
            let first = files::process_text(&path, syntax_of(&path), &text, REGISTRY, &settings())
                .unwrap()
                .unwrap()
                .1
                .fixed;
            let second = on_worker_stack(move || {
                files::process_text(&path2, syntax_of(&path2), &first, REGISTRY, &settings())
                    .map(|r| r.map(|(_, o)| (o.fixed == first, o.fixed)))
            });
            if let Ok(Some((same, fixed))) = second {
                assert!(
                    same,
                    "{}: a second run still changes:\n{fixed}",
                    path.display()
                );
            }
        }
        count += 1;
    }
    eprintln!("{count} fuzz regression inputs");
}
