//! Never lose a byte, never write where the caller may not, and name every limit
//! (issue 21): line breaks, write-time checks, escaped output, per-file errors, the
//! file walk, configuration, and test code skipped by default (issue 14). Each test
//! names the case in `../shared/cases/` it reproduces, plus held-back variants.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_iac-fix"))
}

fn run(dir: &Path, args: &[&str]) -> Output {
    bin().args(args).current_dir(dir).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const ORDERS: &str = "AWSTemplateFormatVersion: '2010-09-09'\nDescription: Orders service\nParameters:\n  Env:\n    Type: String\n    Default: dev\nResources:\n  Table:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      TableName: !Sub 'orders-${Env}'\n      BillingMode: PAY_PER_REQUEST\n      AttributeDefinitions:\n        - AttributeName: pk\n          AttributeType: S\n      KeySchema:\n        - AttributeName: pk\n          KeyType: HASH\n  Queue:\n    Type: AWS::SQS::Queue\n    DependsOn: Table\n    Properties:\n      QueueName: !Sub '${Table}-events'\nOutputs:\n  TableName:\n    Value: !Ref Table\n";

const FN_ZIP: &str = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs16.x\n      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/r\n      Code:\n        ZipFile: |\n          exports.handler = async () => 1;\n  Bucket:\n    Type: AWS::S3::Bucket\n";

const STACK: &str = "import * as cdk from 'aws-cdk-lib';\nimport { Construct } from 'constructs';\nimport * as lambda from 'aws-cdk-lib/aws-lambda';\n\nexport class AppStack extends cdk.Stack {\n  constructor(scope: Construct, id: string, props?: cdk.StackProps) {\n    super(scope, id, props);\n    const fn = new lambda.Function(this, 'Fn', {\n      runtime: lambda.Runtime.NODEJS_16_X,\n      handler: 'index.handler',\n      code: lambda.Code.fromInline('exports.handler = async () => 1;'),\n    });\n  }\n}\n";

const JSON_BUCKET: &str = "{\n  \"Resources\": {\n    \"B\": {\n      \"Type\": \"AWS::S3::Bucket\",\n      \"DependsOn\": \"Q\",\n      \"Properties\": {\"BucketName\": {\"Fn::GetAtt\": [\"Q\", \"QueueName\"]}}\n    },\n    \"Q\": {\"Type\": \"AWS::SQS::Queue\"}\n  }\n}\n";

/// The result of a fixing run over one file named `name` holding `text`.
fn fixed(name: &str, text: &str, args: &[&str]) -> (String, Output) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    fs::write(&path, text).unwrap();
    let mut all = args.to_vec();
    all.push(name);
    let out = run(dir.path(), &all);
    (fs::read_to_string(&path).unwrap(), out)
}

/// cr-only-yaml-truncation, cr-only-yaml-code-corruption, cr-only-ts-broken-output:
/// a file whose line breaks are lone CRs is fixed exactly like its LF twin, and keeps
/// its CRs (inserted lines included).
#[test]
fn lone_cr_files_are_fixed_like_their_lf_twins() {
    let cases: &[(&str, &str, &[&str])] = &[
        ("orders.yaml", ORDERS, &["-t", "cfn-redundant-depends-on"]),
        ("orders.yaml", ORDERS, &[]),
        ("template.yaml", FN_ZIP, &["--unsafe"]),
        ("stack.ts", STACK, &["--unsafe"]),
        ("t.json", JSON_BUCKET, &["--unsafe"]),
    ];
    for (name, lf, args) in cases {
        let (lf_out, o1) = fixed(name, lf, args);
        let cr = lf.replace('\n', "\r");
        let (cr_out, o2) = fixed(name, &cr, args);
        assert_ne!(&lf_out, lf, "{name} {args:?}: the LF twin is fixed");
        assert_eq!(
            cr_out,
            lf_out.replace('\n', "\r"),
            "{name} {args:?}\n{}",
            stderr(&o2)
        );
        assert!(!cr_out.contains('\n'), "{name}: no LF inserted");
        assert_eq!(
            o1.status.code(),
            o2.status.code(),
            "{name}: {}",
            stderr(&o2)
        );
        // Findings point at the same line:column as in the twin.
        assert_eq!(stderr(&o1), stderr(&o2), "{name}");
    }
    // The safe fix removes the `DependsOn` line only (568 → 547 bytes, not 452).
    let (out, o) = fixed(
        "orders.yaml",
        &ORDERS.replace('\n', "\r"),
        &["-t", "cfn-redundant-depends-on"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(out.len(), ORDERS.len() - "    DependsOn: Table\n".len());
    assert!(out.ends_with("    Value: !Ref Table\r"));
    // Idempotent: a second run changes nothing.
    let (again, _) = fixed("orders.yaml", &out, &["-t", "cfn-redundant-depends-on"]);
    assert_eq!(again, out);
}

/// Lone CRs mixed with LF or CRLF: refused with a clear per-file error, untouched,
/// while the other files are fixed.
#[test]
fn mixed_lone_cr_files_are_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let variants = [
        ORDERS.replacen('\n', "\r", 5),
        ORDERS.replace('\n', "\r\n").replacen("\r\n", "\r", 3),
        format!("{}\r", ORDERS),
    ];
    for (i, text) in variants.iter().enumerate() {
        fs::write(dir.path().join(format!("m{i}.yaml")), text).unwrap();
    }
    fs::write(dir.path().join("good.yaml"), ORDERS).unwrap();
    let o = run(dir.path(), &["-t", "cfn-redundant-depends-on", "."]);
    assert_eq!(o.status.code(), Some(2));
    for (i, text) in variants.iter().enumerate() {
        assert!(
            stderr(&o).contains(&format!(
                "m{i}.yaml: does not parse: mixes lone CR line breaks"
            )),
            "{}",
            stderr(&o)
        );
        assert_eq!(
            &fs::read_to_string(dir.path().join(format!("m{i}.yaml"))).unwrap(),
            text
        );
    }
    assert!(!fs::read_to_string(dir.path().join("good.yaml"))
        .unwrap()
        .contains("DependsOn"));
}

/// Unicode line separators: where a consumer of the syntax reads a line break the tool
/// does not count, the file is refused untouched with the line and the character named
/// (exit 2); where they are content (TypeScript and JSON strings) the file is fixed.
#[test]
fn unicode_line_separators_are_refused_where_they_break_lines() {
    let refused: &[(&str, String, &str)] = &[
        // YAML 1.1 (PyYAML, cfn-lint) breaks lines at NEL, LS and PS; YAML 1.2 does not.
        (
            "orders.yaml",
            ORDERS.replace("Orders service", "Orders\u{2028}service"),
            "line 2 holds a LINE SEPARATOR (U+2028)",
        ),
        (
            "orders.yaml",
            ORDERS.replace("  Queue:", "  # queue\u{85}Extra: 1\n  Queue:"),
            "line 19 holds a NEL (U+0085)",
        ),
        (
            "orders.yaml",
            ORDERS.replace("'orders-${Env}'", "'orders-\u{2029}${Env}'"),
            "PARAGRAPH SEPARATOR (U+2029)",
        ),
        // TypeScript: U+2028/U+2029 end a `//` comment and are line terminators in code.
        (
            "stack.ts",
            STACK.replace(
                "super(scope, id, props);",
                "super(scope, id, props); // base\u{2028}",
            ),
            "line 7 holds a LINE SEPARATOR (U+2028) outside a string",
        ),
        (
            "stack.ts",
            STACK.replace("const fn =", "const fn =\u{2029}"),
            "PARAGRAPH SEPARATOR (U+2029) outside a string",
        ),
        (
            "stack.ts",
            STACK.replace("async () => 1;')", "async () => 1;' /* a\u{2028}b */)"),
            "U+2028",
        ),
    ];
    for (name, text, why) in refused {
        let (after, o) = fixed(name, text, &["--unsafe"]);
        assert_eq!(&after, text, "{name}: left untouched");
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains(why) && err.contains("file left untouched"),
            "{why}: {err}"
        );
    }
    // Content of strings and template literals: fixed like the same file without them.
    let fine: &[(&str, String, &str)] = &[
        (
            "stack.ts",
            STACK.replace("'index.handler'", "'index\u{2028}handler'"),
            "index\u{2028}handler",
        ),
        (
            "stack.ts",
            STACK.replace(
                "'exports.handler = async () => 1;'",
                "`exports.handler = async () => 1;\u{2029}// x`",
            ),
            "1;\u{2029}// x`",
        ),
        (
            "stack.ts",
            STACK.replace("'index.handler'", "'index\u{85}handler'"),
            "index\u{85}handler",
        ),
        (
            "t.json",
            JSON_BUCKET.replace(
                "AWS::SQS::Queue\"}",
                "AWS::SQS::Queue\", \"Metadata\": {\"Note\": \"a\u{2028}b\u{85}c\"}}",
            ),
            "a\u{2028}b\u{85}c",
        ),
    ];
    for (name, text, kept) in fine {
        let (after, o) = fixed(name, text, &["--unsafe"]);
        assert_ne!(&after, text, "{name}: fixed: {}", stderr(&o));
        assert!(after.contains(kept), "{name}: {after}");
    }
    // JSON outside strings: not white space, so not JSON at all (the strict parser's error).
    let bad = JSON_BUCKET.replacen("{\n", "{\u{2028}\n", 1);
    let (after, o) = fixed("t.json", &bad, &["--unsafe"]);
    assert_eq!(after, bad);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

/// yaml-cr-deep-abort: a deeply nested lone-CR YAML file is a per-file error (no
/// SIGABRT), in its CR-only and mixed forms; the other file is fixed.
#[test]
fn deep_lone_cr_yaml_is_a_per_file_error() {
    let dir = tempfile::tempdir().unwrap();
    let stairs: String = (0..260)
        .map(|i| format!("{}-", " ".repeat(i)))
        .collect::<Vec<_>>()
        .join("\r");
    fs::write(
        dir.path().join("deep.yaml"),
        format!("Resources:\r{stairs}\r"),
    )
    .unwrap();
    fs::write(
        dir.path().join("mixed.yaml"),
        format!("Resources:\n{stairs}\r"),
    )
    .unwrap();
    fs::write(dir.path().join("good.yaml"), ORDERS).unwrap();
    let o = run(dir.path(), &["-t", "cfn-redundant-depends-on", "."]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("deep.yaml: does not parse: nested too deeply"),
        "{err}"
    );
    assert!(
        err.contains("mixed.yaml: does not parse: mixes lone CR"),
        "{err}"
    );
    assert!(!fs::read_to_string(dir.path().join("good.yaml"))
        .unwrap()
        .contains("DependsOn"));
}

/// A run that does not converge writes nothing for that file and says so (exit 2).
#[test]
fn a_run_that_does_not_converge_writes_nothing() {
    use iac_fix::edit::{Applicability, Edit, Finding, Fix};
    use iac_fix::flavor::Flavor;
    use iac_fix::transform::{Meta, Options, Registered, Transform};
    struct Grows;
    static META: Meta = Meta {
        id: "grows",
        title: "inserts a comment on every pass",
        flavors: &[Flavor::CfnYaml],
        applicability: Applicability::Safe,
        equivalents: &[],
        options: &[],
    };
    impl Transform for Grows {
        fn meta(&self) -> &'static Meta {
            &META
        }
        fn check(&self, doc: &iac_fix::model::Document, _: &Options) -> Vec<Finding> {
            let _ = doc;
            vec![Finding {
                transform: "grows",
                message: "again".into(),
                offset: 0,
                fix: Some(Fix::new(
                    Applicability::Safe,
                    vec![Edit::insert(0, "# x\n")],
                )),
            }]
        }
    }
    static GROWS: Grows = Grows;
    let registry = [Registered {
        transform: &GROWS,
        source: "",
    }];
    let outcome = iac_fix::fixer::fix(
        Path::new("t.yaml"),
        Flavor::CfnYaml,
        ORDERS,
        &registry,
        &Default::default(),
    );
    assert_eq!(outcome.fixed, ORDERS);
    assert!(outcome.fixes.iter().all(|f| !f.applied));
    assert!(
        outcome
            .internal_errors
            .iter()
            .any(|e| e.contains("did not converge") && e.contains("nothing written")),
        "{:?}",
        outcome.internal_errors
    );
}

fn is_root() -> bool {
    // SAFETY: no arguments, no side effects.
    unsafe { libc::geteuid() == 0 }
}

fn chown(path: &Path, uid: u32, gid: u32) {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid path.
    assert_eq!(unsafe { libc::chown(c.as_ptr(), uid, gid) }, 0);
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

const NOBODY: u32 = 65534;

/// rewrite-bypasses-file-permission: a file the caller may not write is refused
/// (exit 2, "permission denied"), though its folder is writable. Run as `nobody`.
#[test]
fn a_file_the_caller_may_not_write_is_refused() {
    if !is_root() {
        eprintln!("SKIPPED: needs root to set up another user's file");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    chown(dir.path(), NOBODY, NOBODY);
    let path = dir.path().join("protected.yaml");
    fs::write(&path, ORDERS).unwrap();
    set_mode(&path, 0o644);
    let o = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_iac-fix"))
        .args(["-t", "cfn-redundant-depends-on", "protected.yaml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("protected.yaml: cannot write: permission denied; not written"),
        "{}",
        stderr(&o)
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), ORDERS);
}

/// rewrite-drops-owner-and-xattrs: owner, group, mode and extended attributes are
/// kept; a user who cannot give the new file the owner writes in place (same inode).
#[test]
fn owner_group_mode_and_xattrs_are_kept() {
    use std::os::unix::fs::MetadataExt;
    if !is_root() {
        eprintln!("SKIPPED: needs root to give files other owners");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.yaml");
    fs::write(&path, ORDERS).unwrap();
    chown(&path, 1234, 2345);
    set_mode(&path, 0o664);
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: valid NUL-terminated strings and a buffer with its length.
    let xattr = unsafe {
        libc::setxattr(
            c.as_ptr(),
            c"user.note".as_ptr(),
            b"kept".as_ptr().cast(),
            4,
            0,
        ) == 0
    };
    let o = run(dir.path(), &["-t", "cfn-redundant-depends-on", "t.yaml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let meta = fs::metadata(&path).unwrap();
    assert!(!fs::read_to_string(&path).unwrap().contains("DependsOn"));
    assert_eq!(
        (meta.uid(), meta.gid(), meta.mode() & 0o7777),
        (1234, 2345, 0o664)
    );
    if xattr {
        let mut buf = [0u8; 16];
        // SAFETY: as above.
        let n = unsafe {
            libc::getxattr(
                c.as_ptr(),
                c"user.note".as_ptr(),
                buf.as_mut_ptr().cast(),
                buf.len(),
            )
        };
        assert_eq!(&buf[..n.max(0) as usize], b"kept");
    } else {
        eprintln!("SKIPPED (part): this file system has no user xattrs");
    }
    // As nobody, on a group-writable file owned by root: cannot chown a new file to
    // root, so the file is rewritten in place and keeps its owner and inode.
    let shared = tempfile::tempdir().unwrap();
    chown(shared.path(), NOBODY, NOBODY);
    let path = shared.path().join("t.yaml");
    fs::write(&path, ORDERS).unwrap();
    chown(&path, 0, NOBODY);
    set_mode(&path, 0o664);
    let inode = fs::metadata(&path).unwrap().ino();
    let o = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_iac-fix"))
        .args(["-t", "cfn-redundant-depends-on", "t.yaml"])
        .current_dir(shared.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let meta = fs::metadata(&path).unwrap();
    assert_eq!((meta.uid(), meta.gid(), meta.ino()), (0, NOBODY, inode));
    assert!(!fs::read_to_string(&path).unwrap().contains("DependsOn"));
    assert_eq!(
        fs::read_dir(shared.path()).unwrap().count(),
        1,
        "temp file left"
    );
}

/// symlink-swap-writes-outside: a file swapped for a symlink after it was read (or
/// after the walk) is neither read through nor written, even when the target has the
/// same content.
#[test]
fn a_file_swapped_for_a_symlink_is_not_written() {
    use iac_fix::files;
    let dir = tempfile::tempdir().unwrap();
    let (tree, victim) = (dir.path().join("tree"), dir.path().join("victim"));
    fs::create_dir_all(&tree).unwrap();
    fs::create_dir_all(&victim).unwrap();
    let path = tree.join("c.yaml");
    fs::write(&path, ORDERS).unwrap();
    fs::write(victim.join("c.yaml"), ORDERS).unwrap();
    let settings = iac_fix::fixer::Settings::default();
    let p = files::process_path(&path, false, iac_fix::transforms::REGISTRY, &settings)
        .unwrap()
        .unwrap();
    assert!(p.changed());
    // Swapped after the read: the write is refused.
    fs::remove_file(&path).unwrap();
    std::os::unix::fs::symlink("../victim/c.yaml", &path).unwrap();
    let err = files::write_processed(&p).unwrap_err();
    assert!(err.to_string().contains("another file"), "{err}");
    assert_eq!(fs::read_to_string(victim.join("c.yaml")).unwrap(), ORDERS);
    // Swapped after the walk, before the read: not read through.
    let err = files::process_path(&path, false, iac_fix::transforms::REGISTRY, &settings)
        .err()
        .unwrap();
    assert!(err.to_string().contains("replaced by a symlink"), "{err}");
    // A symlink named on the command line is still followed (and the link kept).
    let p = files::process_path(&path, true, iac_fix::transforms::REGISTRY, &settings)
        .unwrap()
        .unwrap();
    files::write_processed(&p).unwrap();
    assert!(fs::symlink_metadata(&path)
        .unwrap()
        .file_type()
        .is_symlink());
}

/// control-chars-in-output: file names and file-derived text are escaped in text output.
#[test]
fn control_characters_are_escaped_in_text_output() {
    let dir = tempfile::tempdir().unwrap();
    let bucket = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n";
    fs::write(dir.path().join("x\x1b[2J\x1b[1;1Hall clean.yaml"), bucket).unwrap();
    fs::write(
        dir.path()
            .join("y\n::error file=README.md,line=1::injected\n.yaml"),
        bucket,
    )
    .unwrap();
    fs::write(dir.path().join("z\r\u{9b}31m\u{202e}.yaml"), bucket).unwrap();
    fs::write(
        dir.path().join("stack.ts"),
        "import * as cdk from 'aws-cdk-lib';\nimport * as s3 from 'aws-cdk-lib/aws-s3';\nexport class S extends cdk.Stack { constructor(a: cdk.App) { super(a, 'S');\n  new s3.Bucket(this, `B\x1b]0;pwned\x07\n::warning::from file content`, {});\n} }\n",
    )
    .unwrap();
    for args in [
        &["--dry-run", "."][..],
        &["--dry-run", "--unsafe", "."],
        &["--format", "sarif", "."],
    ] {
        let o = run(dir.path(), args);
        for text in [
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr),
        ] {
            // SARIF is JSON (C1 and bidi characters are data there, as in `--format json`).
            let forbidden: &[char] = if args[0] == "--format" {
                &['\x1b', '\x07', '\r']
            } else {
                &['\x1b', '\x07', '\u{9b}', '\u{202e}', '\r']
            };
            assert!(!text.contains(forbidden), "{args:?}: {text}");
            assert!(
                !text.lines().any(|l| l.starts_with("::")),
                "{args:?}: {text}"
            );
        }
        if args[0] == "--dry-run" {
            assert!(
                stderr(&o).contains("y\\n::error file=README.md"),
                "{}",
                stderr(&o)
            );
            assert!(String::from_utf8_lossy(&o.stdout).contains("--- a/x\\x1b[2J"));
        }
    }
}

/// yaml-32768-line-limit: the grammar's limit is named in the error.
#[test]
fn the_yaml_line_limit_is_named() {
    let mut text = String::from("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Metadata:\n");
    for i in 0..32_770 {
        text.push_str(&format!("      k{i}: v\n"));
    }
    let (out, o) = fixed("long.yaml", &text, &["--dry-run"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("YAML files longer than 32767 lines are not supported"),
        "{}",
        stderr(&o)
    );
    assert_eq!(out, text);
}

/// yaml-anchor-and-duplicate-keys: duplicate keys are a parse error (file untouched,
/// exit 2); an anchored value keeps its anchor when replaced.
#[test]
fn duplicate_keys_are_refused_and_anchors_kept() {
    let dup_yaml = "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs16.x\n      Handler: index.handler\n      Runtime: nodejs14.x\n";
    let (out, o) = fixed(
        "d.yaml",
        dup_yaml,
        &["--unsafe", "-t", "lambda-runtime-upgrade"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("duplicate key \"Runtime\" at 7:7"),
        "{}",
        stderr(&o)
    );
    assert_eq!(out, dup_yaml);
    let dup_json = "{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": {}, \"Properties\": {\"VersioningConfiguration\": {\"Status\": \"Suspended\"}}}}}\n";
    let (out, o) = fixed("d.json", dup_json, &["--unsafe", "-t", "s3-versioning"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("duplicate key \"Properties\""),
        "{}",
        stderr(&o)
    );
    assert_eq!(out, dup_json);
    for (anchored, expected) in [
        ("Runtime: &rt nodejs16.x", "Runtime: &rt nodejs24.x"),
        ("Runtime: &rt 'nodejs16.x'", "Runtime: &rt 'nodejs24.x'"),
    ] {
        let text = format!("Resources:\n  A:\n    Type: AWS::Lambda::Function\n    Properties:\n      {anchored}\n      Handler: i.h\n  B:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: *rt\n      Handler: i.h\n");
        let (out, o) = fixed(
            "a.yaml",
            &text,
            &["--unsafe", "-t", "lambda-runtime-upgrade"],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(out.contains(expected), "{out}");
        assert!(out.contains("Runtime: *rt"), "{out}");
    }
}

/// yaml-flow-close-at-parent-indent: read (and fixed) like PyYAML and cfn-lint read it.
#[test]
fn flow_collections_closed_at_the_key_indentation_are_fixed() {
    let text = "Resources:\n  Orders:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      BillingMode: PAY_PER_REQUEST\n      KeySchema: [\n        {AttributeName: id, KeyType: HASH}\n      ]\n      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]\n";
    let (out, o) = fixed("t.yaml", text, &["-t", "dynamodb-point-in-time-recovery"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(out.contains("PointInTimeRecovery"), "{out}");
}

/// special-paths-misreported: named FIFOs and devices are errors, symlink loops report
/// the OS error, non-UTF-8 names are processed.
#[test]
fn special_paths_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.yaml");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    std::os::unix::fs::symlink("loop2.yaml", dir.path().join("loop1.yaml")).unwrap();
    std::os::unix::fs::symlink("loop1.yaml", dir.path().join("loop2.yaml")).unwrap();
    for (arg, message) in [
        ("fifo.yaml", "fifo.yaml: not a regular file; skipped"),
        ("/dev/null", "/dev/null: not a regular file; skipped"),
        (
            "loop1.yaml",
            "loop1.yaml: too many levels of symbolic links",
        ),
    ] {
        let o = run(dir.path(), &["--dry-run", arg]);
        assert_eq!(o.status.code(), Some(2), "{arg}");
        assert!(stderr(&o).contains(message), "{arg}: {}", stderr(&o));
    }
    use std::os::unix::ffi::OsStrExt;
    let latin1 = std::ffi::OsStr::from_bytes(b"caf\xe9.yaml");
    fs::write(dir.path().join(latin1), ORDERS).unwrap();
    let o = bin()
        .args(["-t", "cfn-redundant-depends-on", "--"])
        .arg(latin1)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!fs::read_to_string(dir.path().join(latin1))
        .unwrap()
        .contains("DependsOn"));
    // A name starting with `-` after `--` (as the pre-commit hooks now pass names).
    fs::write(dir.path().join("-old.yaml"), ORDERS).unwrap();
    let o = run(
        dir.path(),
        &["-t", "cfn-redundant-depends-on", "--", "-old.yaml"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let hooks =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"))
            .unwrap();
    assert_eq!(
        hooks.matches("entry: iac-fix").count(),
        hooks.matches(" --\n").count()
    );
}

/// non-utf8-unrelated-file-fails-run: files that are not infrastructure code are
/// skipped silently even when not UTF-8; a would-be template that is not UTF-8 is an error.
#[test]
fn non_utf8_files_that_are_not_ours_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("src")).unwrap();
    fs::write(root.join("template.yaml"), ORDERS).unwrap();
    fs::write(
        root.join("src/format.ts"),
        b"// Fran\xe7ais\nexport const x = 1;\n",
    )
    .unwrap();
    let utf16: Vec<u8> = "\u{feff}{\"Logging\": {}}"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    fs::write(root.join("src/appsettings.json"), utf16).unwrap();
    fs::write(
        root.join("segment0.ts"),
        [0x47u8, 0xff, 0x10, 0x00, 0x47, 0x80],
    )
    .unwrap();
    let o = run(root, &["--dry-run", "-t", "cfn-redundant-depends-on", "."]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!stderr(&o).contains("error:"), "{}", stderr(&o));
    fs::write(
        root.join("bad.yaml"),
        b"Resources:\n  B:\n    Type: AWS::S3::Bucket # \xe9\n",
    )
    .unwrap();
    let o = run(root, &["--dry-run", "-t", "cfn-redundant-depends-on", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bad.yaml: not UTF-8"), "{}", stderr(&o));
}

/// walk-skips-hidden-and-dotignore: hidden folders and files are walked; `.ignore`
/// files do not hide templates; `.gitignore` and the fixed skip list still apply.
#[test]
fn the_walk_sees_hidden_folders_and_ignores_only_gitignore() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for rel in [
        "infra/t.yaml",
        ".infra/t.yaml",
        ".hidden.yaml",
        "other/x.yaml",
        "gen/g.yaml",
        ".aws-sam/build/t.yaml",
        "node_modules/m/t.yaml",
    ] {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, ORDERS).unwrap();
    }
    fs::write(root.join(".ignore"), "other/\n").unwrap();
    fs::write(root.join(".rgignore"), "infra/\n").unwrap();
    fs::write(root.join(".gitignore"), "gen/\n").unwrap();
    let o = run(root, &["-t", "cfn-redundant-depends-on", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for (rel, fixed) in [
        ("infra/t.yaml", true),
        (".infra/t.yaml", true),
        (".hidden.yaml", true),
        ("other/x.yaml", true),
        ("gen/g.yaml", false),
        (".aws-sam/build/t.yaml", false),
        ("node_modules/m/t.yaml", false),
    ] {
        let text = fs::read_to_string(root.join(rel)).unwrap();
        assert_eq!(!text.contains("DependsOn"), fixed, "{rel}");
    }
}

/// config-surprises: option values are checked at load (exit 2 naming key and file);
/// the configuration is found from each given root.
#[test]
fn config_values_are_validated_and_found_from_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    fs::create_dir_all(repo.join("generated")).unwrap();
    fs::create_dir_all(repo.join("src")).unwrap();
    fs::write(repo.join("src/app.yaml"), ORDERS).unwrap();
    fs::write(repo.join("generated/gen.yaml"), ORDERS).unwrap();
    for (section, bad, key) in [
        (
            "lambda-runtime-upgrade",
            "nodejs = \"nodejs24\"",
            "transform.lambda-runtime-upgrade.nodejs",
        ),
        (
            "lambda-runtime-upgrade",
            "python = \"python3\"",
            "transform.lambda-runtime-upgrade.python",
        ),
        (
            "stepfunctions-retry",
            "max-attempts = \"three\"",
            "transform.stepfunctions-retry.max-attempts",
        ),
        (
            "stepfunctions-retry",
            "interval = \"-5\"",
            "transform.stepfunctions-retry.interval",
        ),
        (
            "stepfunctions-retry",
            "backoff-rate = \"fast\"",
            "transform.stepfunctions-retry.backoff-rate",
        ),
        (
            "stepfunctions-retry",
            "backoff-rate = 0.5",
            "transform.stepfunctions-retry.backoff-rate",
        ),
        (
            "stepfunctions-retry",
            "interval = 0",
            "transform.stepfunctions-retry.interval",
        ),
        (
            "stepfunctions-retry",
            "max-attempts = 2.5",
            "transform.stepfunctions-retry.max-attempts",
        ),
        (
            "removal-policy",
            "mode = \"keep\"",
            "transform.removal-policy.mode",
        ),
    ] {
        fs::write(
            repo.join("iac-fix.toml"),
            format!("[transform.{section}]\n{bad}\n"),
        )
        .unwrap();
        let o = run(&repo, &["--dry-run", "."]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert!(
            stderr(&o).contains("iac-fix.toml") && stderr(&o).contains(key),
            "{bad}: {}",
            stderr(&o)
        );
    }
    fs::write(
        repo.join("iac-fix.toml"),
        "[transforms]\nexclude = [\"generated/**\"]\n[transform.lambda-runtime-upgrade]\nnodejs = \"nodejs22.x\"\njava = \"java17\"\n[transform.stepfunctions-retry]\nmax-attempts = 0\nbackoff-rate = \"1.5\"\n",
    )
    .unwrap();
    // From the parent folder and from an unrelated working directory.
    for cwd in [dir.path().to_path_buf(), std::env::temp_dir()] {
        let o = bin()
            .args(["-t", "cfn-redundant-depends-on"])
            .arg(&repo)
            .current_dir(&cwd)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(fs::read_to_string(repo.join("generated/gen.yaml"))
            .unwrap()
            .contains("DependsOn"));
        assert!(!fs::read_to_string(repo.join("src/app.yaml"))
            .unwrap()
            .contains("DependsOn"));
        fs::write(repo.join("src/app.yaml"), ORDERS).unwrap();
    }
    // A file named directly finds the configuration from its folder.
    let o = bin()
        .args(["-t", "cfn-redundant-depends-on"])
        .arg(repo.join("generated/gen.yaml"))
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(fs::read_to_string(repo.join("generated/gen.yaml"))
        .unwrap()
        .contains("DependsOn"));
}

/// Issue 14: test code is skipped by default (also when named, as the pre-commit hooks
/// name every staged file), said in the summary; `include-tests = true` fixes it.
#[test]
fn test_files_are_skipped_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let tests: Vec<PathBuf> = [
        "test/t.yaml",
        "tests/x/t.yaml",
        "lib/__tests__/stack.ts",
        "lib/stack.test.ts",
        "lib/stack.spec.ts",
    ]
    .iter()
    .map(|r| root.join(r))
    .collect();
    let stack = STACK.replace("NODEJS_16_X", "NODEJS_22_X");
    for p in &tests {
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(
            p,
            if p.extension().unwrap() == "ts" {
                &stack
            } else {
                ORDERS
            },
        )
        .unwrap();
    }
    fs::create_dir_all(root.join("lib")).unwrap();
    fs::write(root.join("lib/stack.ts"), &stack).unwrap();
    fs::write(root.join("lib/contest.yaml"), ORDERS).unwrap();
    let args = [
        "--dry-run",
        "--unsafe",
        "-t",
        "cfn-redundant-depends-on,lambda-dead-letter-queue",
    ];
    let o = bin()
        .args(args)
        .arg(".")
        .current_dir(root)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("a/lib/stack.ts") && out.contains("a/lib/contest.yaml"),
        "{out}"
    );
    assert!(
        !out.contains("test")
            || !tests
                .iter()
                .any(|t| out.contains(&format!("a/{}", t.strip_prefix(root).unwrap().display()))),
        "{out}"
    );
    assert!(
        stderr(&o).contains("5 test file(s) skipped"),
        "{}",
        stderr(&o)
    );
    let o = bin()
        .args(args)
        .arg("lib/stack.test.ts")
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A project inside a folder named `tests` is not test code.
    let nested = root.join("tests/x");
    let o = bin()
        .args(args)
        .arg(".")
        .current_dir(&nested)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    fs::write(
        root.join("iac-fix.toml"),
        "[transforms]\ninclude-tests = true\n",
    )
    .unwrap();
    let o = bin()
        .args(args)
        .arg(".")
        .current_dir(root)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    for t in &tests {
        let rel = t.strip_prefix(root).unwrap().display().to_string();
        assert!(out.contains(&format!("a/{rel}")), "{rel}: {out}");
    }
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "core.hooksPath=/dev/null",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A repository on `main` holding `files` (relative path, content), committed.
fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    for (rel, text) in files {
        let p = dir.path().join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "init"]);
    dir
}

fn branches(dir: &Path) -> String {
    git(dir, &["branch", "--format=%(refname:short)"])
}

/// pr-partial-failure: a file that cannot be written is reported and left out while
/// the others are committed; files outside the work tree or ignored by git are never
/// written.
#[test]
fn pr_reports_unwritable_outside_and_ignored_files_and_goes_on() {
    let dir = repo(&[
        ("a.yaml", ORDERS),
        ("b.yaml", ORDERS),
        (".gitignore", "gen/\n"),
    ]);
    let root = dir.path();
    let b = root.join("b.yaml");
    let mut perms = fs::metadata(&b).unwrap().permissions();
    perms.set_readonly(true);
    fs::set_permissions(&b, perms).unwrap();
    fs::create_dir_all(root.join("gen")).unwrap();
    fs::write(root.join("gen/g.yaml"), ORDERS).unwrap();
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("x.yaml"), ORDERS).unwrap();
    let o = bin()
        .args([
            "pr",
            "-t",
            "cfn-redundant-depends-on",
            "--branch",
            "fixes",
            ".",
            "gen/g.yaml",
        ])
        .arg(outside.path().join("x.yaml"))
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("b.yaml: cannot write: file is read-only"),
        "{err}"
    );
    assert!(
        err.contains("gen/g.yaml: ignored by git; not written"),
        "{err}"
    );
    assert!(err.contains("x.yaml: outside the git work tree"), "{err}");
    assert_eq!(fs::read_to_string(root.join("gen/g.yaml")).unwrap(), ORDERS);
    assert_eq!(
        fs::read_to_string(outside.path().join("x.yaml")).unwrap(),
        ORDERS
    );
    assert_eq!(fs::read_to_string(&b).unwrap(), ORDERS);
    // a.yaml's fix is committed on the branch; the tree is back on main, clean.
    assert!(branches(root).contains("fixes"));
    let on_branch = git(root, &["show", "fixes:a.yaml"]);
    assert!(!on_branch.contains("DependsOn"));
    assert_eq!(
        git(root, &["status", "--porcelain", "--branch"]).trim(),
        "## main"
    );
}

/// pr-runs-repository-hooks, case 3: a hook that would edit files never runs, so the
/// run ends on the original branch with a clean tree.
#[test]
fn pr_does_not_run_a_hook_that_edits_files() {
    let dir = repo(&[("app.yaml", ORDERS)]);
    let root = dir.path();
    let hook = root.join(".git/hooks/pre-commit");
    fs::write(&hook, "#!/bin/sh\necho '# reformatted' >> app.yaml\n").unwrap();
    set_mode(&hook, 0o755);
    let o = run(root, &["pr", "-t", "cfn-redundant-depends-on"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        git(root, &["status", "--porcelain", "--branch"]).trim(),
        "## main"
    );
    assert_eq!(fs::read_to_string(root.join("app.yaml")).unwrap(), ORDERS);
}

/// pr-interrupt-leaves-branch: SIGINT or SIGTERM at any moment leaves the repository
/// on its original branch, clean, without the partial branch (exit 130), or the run
/// finished before the signal.
#[test]
fn pr_interrupted_returns_to_the_original_branch() {
    let files: Vec<(String, String)> = (0..40)
        .map(|i| (format!("t{i:02}.yaml"), FN_ZIP.to_string()))
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    for (signal, delay) in [("-INT", 300u64), ("-TERM", 900), ("-INT", 1500)] {
        let dir = repo(&refs);
        let root = dir.path();
        let child = bin()
            .args(["pr", "--unsafe", "--branch", "partial"])
            .current_dir(root)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay));
        Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        let o = child.wait_with_output().unwrap();
        let code = o.status.code();
        eprintln!("{signal} after {delay} ms: exit {code:?}");
        assert!(
            matches!(code, Some(0) | Some(130)),
            "{signal} {delay}: {code:?} {}",
            stderr(&o)
        );
        assert_eq!(
            git(root, &["status", "--porcelain", "--branch"]).trim(),
            "## main",
            "{signal} {delay}"
        );
        if code == Some(130) {
            assert!(!branches(root).contains("partial"), "{}", branches(root));
            assert!(
                stderr(&o).contains("interrupted: branch `partial` deleted"),
                "{}",
                stderr(&o)
            );
        }
    }
}

#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod fuzz_pipeline;

/// Inputs the line-break fuzzer once stopped on (`fuzz/regressions/`) pass its checks:
/// `yaml-lone-cr-before-blank-line-is-crlf.yaml` (a CR chosen before an empty LF line is
/// a CRLF: the mix is not refused, and the harness must not call it a lone-CR mix) and
/// `ts-stepfunctions-broken-embedded-json-crlf.ts` (a broken embedded definition got a
/// `Retry` in its CRLF form only).
#[test]
fn line_break_fuzz_regressions_stay_fixed() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/regressions");
    let mut count = 0;
    for f in fs::read_dir(dir).unwrap() {
        let p = f.unwrap().path();
        let Some(syntax) = iac_fix::flavor::syntax_for_path(&p) else {
            continue;
        };
        let text = fs::read_to_string(&p).unwrap();
        if p.file_name().unwrap().to_string_lossy().contains("-deep-")
            || text.lines().count() > 2000
        {
            continue; // the deep-nesting crashers are tests/hostile.rs's
        }
        fuzz_pipeline::line_breaks(syntax, &text);
        count += 1;
    }
    assert!(count >= 2, "{count} regression inputs");
    // The lone-CR regression really is the case: the CR chosen for `Properties:` and the
    // LF of the blank line after it form one CRLF, so the mix has no lone CR, and it is fixed rather than refused.
    let yaml =
        fs::read_to_string(format!("{dir}/yaml-lone-cr-before-blank-line-is-crlf.yaml")).unwrap();
    let mixed = fuzz_pipeline::mix_line_breaks(&yaml);
    assert!(
        mixed.contains("Properties:\r\n      BucketName") && !iac_fix::files::has_lone_cr(&mixed),
        "{mixed:?}"
    );
    let path = Path::new("t.yaml");
    let settings = iac_fix::fixer::Settings {
        unsafe_fixes: true,
        ..Default::default()
    };
    let out = iac_fix::files::process_text(
        path,
        iac_fix::lang::Syntax::Yaml,
        &mixed,
        iac_fix::transforms::REGISTRY,
        &settings,
    );
    assert!(matches!(out, Ok(Some(_))), "the CRLF/LF mix is read");
}

/// The fuzzer's line-break mutation (`fuzz/src/lib.rs`) over every fixture input and
/// seeded mutations of them: CR-only and CRLF forms fixed exactly like the LF form, a
/// mix with lone CRs refused, other mixes parse. `IAC_FIX_LINE_FUZZ_SECS=N` keeps
/// mutating for N seconds (a bounded fuzzing run without cargo-fuzz);
/// `IAC_FIX_LINE_FUZZ_SYNTAX=ts|json|yaml` limits the mutated inputs to one syntax and
/// `IAC_FIX_LINE_FUZZ_SEED=N` picks another sequence, so runs can share the cores.
#[test]
fn line_break_mutations_lose_nothing() {
    let mut inputs = Vec::new();
    for dir in fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures")).unwrap() {
        for f in fs::read_dir(dir.unwrap().path()).unwrap() {
            let p = f.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if let Some(syntax) =
                iac_fix::flavor::syntax_for_path(&p).filter(|_| !name.contains(".expected."))
            {
                inputs.push((syntax, fs::read_to_string(&p).unwrap()));
            }
        }
    }
    for (syntax, text) in &inputs {
        fuzz_pipeline::line_breaks(*syntax, text);
    }
    if let Ok(only) = std::env::var("IAC_FIX_LINE_FUZZ_SYNTAX") {
        let wanted = match only.as_str() {
            "ts" => iac_fix::lang::Syntax::TypeScript,
            "json" => iac_fix::lang::Syntax::Json,
            "yaml" => iac_fix::lang::Syntax::Yaml,
            other => panic!("IAC_FIX_LINE_FUZZ_SYNTAX: `{other}` is not ts, json or yaml"),
        };
        inputs.retain(|(syntax, _)| *syntax == wanted);
    }
    let secs: u64 = std::env::var("IAC_FIX_LINE_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let until = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    let junk = [
        "", "\n", "\n\n", "  ", "\t", "#", "- ", ": ", "{", "}", "[", "]", ",", "'", "\"", "|\n",
        ">-\n", "//", "/*", "*/", "`", "\u{2028}", "\u{85}",
    ];
    let mut seed: u64 = std::env::var("IAC_FIX_LINE_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .map_or(0x9e37_79b9_7f4a_7c15, |s| s | 1);
    let mut next = move || {
        seed ^= seed >> 12;
        seed ^= seed << 25;
        seed ^= seed >> 27;
        seed.wrapping_mul(0x2545_F491_4F6C_DD1D) as usize
    };
    let mut runs = 0;
    while std::time::Instant::now() < until {
        let (syntax, text) = &inputs[next() % inputs.len()];
        let mut t = text.clone();
        for _ in 0..1 + next() % 3 {
            let mut a = next() % (t.len() + 1);
            while !t.is_char_boundary(a) {
                a -= 1;
            }
            let mut b = (a + next() % 6).min(t.len());
            while !t.is_char_boundary(b) {
                b -= 1;
            }
            t.replace_range(a..b, junk[next() % junk.len()]);
        }
        fuzz_pipeline::line_breaks(*syntax, &t);
        runs += 1;
    }
    if secs > 0 {
        eprintln!("{runs} mutated inputs in {secs} s");
    }
}

/// Two fixes of one pass that are each fine but not together (two transforms give the same
/// bucket without `Properties` a `Properties` mapping at different places) leave the fixer
/// keeping only the first; the CloudFormation write guard must then read the template again,
/// not compare the next pass against the template before that fallback (it reported a
/// change to a bucket no edit touched and wrote nothing).
#[test]
fn write_guard_follows_the_one_fix_fallback() {
    let template = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Uploads:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketEncryption:\n        ServerSideEncryptionConfiguration:\n          - ServerSideEncryptionByDefault:\n              SSEAlgorithm: AES256\n  Reports:\n    Type: AWS::S3::Bucket\n  Archive:\n    Type: AWS::S3::Bucket\n    Properties:\n      VersioningConfiguration:\n        Status: Enabled\n";
    let args = [
        "--unsafe",
        "-t",
        "s3-access-logging",
        "-t",
        "removal-policy",
        "-t",
        "s3-versioning",
    ];
    let (text, out) = fixed("template.yaml", template, &args);
    assert!(!stderr(&out).contains("internal error"), "{}", stderr(&out));
    assert!(text.contains("LogFilePrefix: Reports/"), "{text}");
    assert!(text.contains("AccessLogsBucket:"), "{text}");
}
