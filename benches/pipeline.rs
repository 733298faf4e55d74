//! `cargo bench`: (a) parse-only throughput per flavor — the floor no fixer can
//! beat — and (b) the full fixer (every transform, review fixes included) per
//! flavor, on representative files: the shipped fixtures, plus up to 40 of the
//! largest `before/` files per flavor of `../shared/corpus` when it is present.
//! Throughput is reported in bytes/s; compare (b) with (a) per flavor. (b') `fix-one-transform`:
//! the same files with one transform selected; the difference to (b) is the cost of the
//! other transforms (per-transform cost = difference / (transforms − 1)).
//! (c) `large-*`: one generated stack/template of 250, 1000 and 4000 functions; the
//! throughput must stay flat (a quadratic lookup shows up here first).
//! (f) `mixed-cdktf-ts`: one generated CDKTF stack of 250, 500, 1000 and 2000 constructs,
//! a third each `LambdaFunction` (DLQ, runtime), `DynamodbTable` (KMS key, PITR) and
//! `S3Bucket`; doubling must cost at most ~2.2× (`cargo bench --bench pipeline --
//! mixed --quick`). Per-function scans of every construct, per-fix scans of the whole
//! text for declared names and for free construct ids showed up here.
//! (d) `schema`: loading the vendored CloudFormation schemas (`cargo bench -- schema`).
//! (e) `buckets-*`: one generated template/stack of 250, 500, 1000 and 2000 S3 buckets
//! (cfn-json, cfn-yaml, cdktf-ts; each bucket gets a policy, a public access block,
//! versioning…), every transform on: doubling the buckets must cost at most ~2.2×
//! (`cargo bench --bench pipeline -- buckets --quick`). Quadratic per-bucket lookups
//! (every bucket scanning every policy) showed up here first.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use iac_fix::files::process_text;
use iac_fix::fixer::Settings;
use iac_fix::flavor::syntax_for_path;
use iac_fix::lang::Parsed;
use iac_fix::schema::Catalogue;
use iac_fix::transforms::REGISTRY;
use std::hint::black_box;
use std::path::{Path, PathBuf};

/// (file, text) pairs for one flavor folder of the corpus / extension set of fixtures.
fn inputs(corpus_dir: &str, exts: &[&str]) -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = Vec::new();
    let fixtures = ignore::WalkBuilder::new(root.join("fixtures")).build();
    let corpus = root.join("../shared/corpus").join(corpus_dir);
    let mut corpus_files: Vec<PathBuf> = if corpus.is_dir() {
        ignore::WalkBuilder::new(&corpus)
            .build()
            .filter_map(Result::ok)
            .map(|e| e.into_path())
            .filter(|p| p.to_string_lossy().contains("/before/"))
            .collect()
    } else {
        vec![]
    };
    corpus_files.sort_by_key(|p| std::cmp::Reverse(p.metadata().map(|m| m.len()).unwrap_or(0)));
    files.extend(fixtures.filter_map(Result::ok).map(|e| e.into_path()));
    files.extend(
        corpus_files
            .into_iter()
            .filter(|p| has_ext(p, exts))
            .take(40),
    );
    files
        .into_iter()
        .filter(|p| has_ext(p, exts) && !p.to_string_lossy().contains(".expected."))
        .filter_map(|p| Some((p.clone(), std::fs::read_to_string(&p).ok()?)))
        .collect()
}

fn has_ext(p: &Path, exts: &[&str]) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| exts.contains(&e))
}

fn pipeline(c: &mut Criterion) {
    let settings = Settings {
        unsafe_fixes: true,
        ..Default::default()
    };
    for (flavor, dir, exts) in [
        ("cdk-ts", "cdk-ts", &["ts"][..]),
        ("cdktf-ts", "cdktf-ts", &["ts"][..]),
        ("cfn-json", "cfn-json", &["json"][..]),
        ("cfn-yaml", "cfn-yaml", &["yaml", "yml"][..]),
    ] {
        let files = inputs(dir, exts);
        let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
        let mut group = c.benchmark_group(flavor);
        group.throughput(Throughput::Bytes(bytes as u64));
        group.sample_size(10);
        group.bench_function("parse-only", |b| {
            b.iter(|| {
                for (path, text) in &files {
                    let syntax = syntax_for_path(path).unwrap();
                    black_box(Parsed::new(syntax, text.clone()));
                }
            })
        });
        group.bench_function("fix", |b| {
            b.iter(|| {
                for (path, text) in &files {
                    let syntax = syntax_for_path(path).unwrap();
                    let _ = black_box(process_text(path, syntax, text, REGISTRY, &settings));
                }
            })
        });
        // The same files with one transform: (fix − fix-one-transform) / (transforms − 1)
        // is what one more transform costs (issue 20: the next 20 must not move the
        // fix/parse ratio by more than 10 %).
        let one = Settings {
            select: vec!["s3-versioning".into()],
            ..settings.clone()
        };
        group.bench_function("fix-one-transform", |b| {
            b.iter(|| {
                for (path, text) in &files {
                    let syntax = syntax_for_path(path).unwrap();
                    let _ = black_box(process_text(path, syntax, text, REGISTRY, &one));
                }
            })
        });
        group.finish();
    }
}

/// One generated file with `n` functions (each needing a DLQ, some a runtime, a KMS
/// alias or a grant narrowed): throughput must stay flat as `n` grows, since one
/// large template or stack is one file and gets no help from parallelism.
fn large_file(flavor: &str, n: usize) -> (PathBuf, String) {
    let mut text = String::new();
    if flavor == "cfn-json" {
        text.push_str("{\n  \"Resources\": {\n");
        for i in 0..n {
            let sep = if i + 1 < n { "," } else { "" };
            text.push_str(&format!("    \"Fn{i}\": {{\n      \"Type\": \"AWS::Lambda::Function\",\n      \"Properties\": {{\n        \"Runtime\": \"nodejs16.x\",\n        \"Handler\": \"index.handler\"\n      }}\n    }}{sep}\n"));
        }
        text.push_str("  }\n}\n");
        return (PathBuf::from("large.json"), text);
    }
    text.push_str("import * as cdk from 'aws-cdk-lib';\nimport * as lambda from 'aws-cdk-lib/aws-lambda';\nimport * as kms from 'aws-cdk-lib/aws-kms';\nimport * as s3 from 'aws-cdk-lib/aws-s3';\n\nexport class S extends cdk.Stack {\n  constructor(scope: cdk.App, id: string) {\n    super(scope, id);\n");
    for i in 0..n {
        text.push_str(&format!("    const fn{i} = new lambda.Function(this, 'Fn{i}', {{\n      runtime: lambda.Runtime.NODEJS_16_X,\n      handler: 'index.handler',\n      code: lambda.Code.fromInline('exports.handler = async () => {{}};'),\n    }});\n    const key{i} = new kms.Key(this, 'Key{i}', {{ alias: 'k{i}' }});\n    const b{i} = new s3.Bucket(this, 'B{i}');\n    b{i}.grantReadWrite(fn{i});\n"));
    }
    text.push_str("  }\n}\n");
    (PathBuf::from("large.ts"), text)
}

fn large_files(c: &mut Criterion) {
    let settings = Settings {
        unsafe_fixes: true,
        ..Default::default()
    };
    for flavor in ["cdk-ts", "cfn-json"] {
        let mut group = c.benchmark_group(format!("large-{flavor}"));
        group.sample_size(10);
        for n in [250, 1000, 4000] {
            let (path, text) = large_file(flavor, n);
            let syntax = syntax_for_path(&path).unwrap();
            group.throughput(Throughput::Bytes(text.len() as u64));
            group.bench_function(format!("fix-{n}-functions"), |b| {
                b.iter(|| black_box(process_text(&path, syntax, &text, REGISTRY, &settings)))
            });
        }
        group.finish();
    }
}

/// One generated file with `n` S3 buckets (SSE-KMS, nothing else set): every S3
/// transform fires on each, and `s3-enforce-ssl` adds one policy per bucket, which
/// later passes then look up per bucket.
fn bucket_file(flavor: &str, n: usize) -> (PathBuf, String) {
    let mut text = String::new();
    match flavor {
        "cfn-json" => {
            text.push_str(
                "{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n  \"Resources\": {\n",
            );
            for i in 0..n {
                let sep = if i + 1 < n { "," } else { "" };
                text.push_str(&format!("    \"Bucket{i}\": {{\n      \"Type\": \"AWS::S3::Bucket\",\n      \"Properties\": {{\n        \"BucketEncryption\": {{\n          \"ServerSideEncryptionConfiguration\": [\n            {{\n              \"ServerSideEncryptionByDefault\": {{\n                \"SSEAlgorithm\": \"aws:kms\"\n              }}\n            }}\n          ]\n        }}\n      }}\n    }}{sep}\n"));
            }
            text.push_str("  }\n}\n");
            (PathBuf::from("buckets.json"), text)
        }
        "cfn-yaml" => {
            text.push_str("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n");
            for i in 0..n {
                text.push_str(&format!("  Bucket{i}:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketEncryption:\n        ServerSideEncryptionConfiguration:\n          - ServerSideEncryptionByDefault:\n              SSEAlgorithm: aws:kms\n"));
            }
            (PathBuf::from("buckets.yaml"), text)
        }
        _ => {
            text.push_str("import { Construct } from 'constructs';\nimport { TerraformStack } from 'cdktf';\nimport { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';\n\nexport class S extends TerraformStack {\n  constructor(scope: Construct, id: string) {\n    super(scope, id);\n");
            for i in 0..n {
                text.push_str(&format!(
                    "    const b{i} = new S3Bucket(this, 'b{i}', {{ bucket: 'example-b{i}' }});\n"
                ));
            }
            text.push_str("  }\n}\n");
            (PathBuf::from("buckets.ts"), text)
        }
    }
}

fn large_buckets(c: &mut Criterion) {
    let settings = Settings {
        unsafe_fixes: true,
        ..Default::default()
    };
    for flavor in ["cfn-json", "cfn-yaml", "cdktf-ts"] {
        let mut group = c.benchmark_group(format!("buckets-{flavor}"));
        group.sample_size(10);
        for n in [250, 500, 1000, 2000] {
            let (path, text) = bucket_file(flavor, n);
            let syntax = syntax_for_path(&path).unwrap();
            // Per bucket, so a flat line means linear time.
            group.throughput(Throughput::Elements(n as u64));
            group.bench_function(format!("fix-{n}-buckets"), |b| {
                b.iter(|| black_box(process_text(&path, syntax, &text, REGISTRY, &settings)))
            });
        }
        group.finish();
    }
}

/// One generated CDKTF stack of `n` constructs: `LambdaFunction`, `DynamodbTable` and
/// `S3Bucket` in turn, each bound to a `const` (as large stacks write them).
fn mixed_cdktf_stack(n: usize) -> String {
    let mut text = String::from("import { Construct } from 'constructs';\nimport { TerraformStack } from 'cdktf';\nimport { AwsProvider } from '@cdktf/provider-aws/lib/provider';\nimport { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';\nimport { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';\nimport { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';\n\nexport class S extends TerraformStack {\n  constructor(scope: Construct, id: string) {\n    super(scope, id);\n    new AwsProvider(this, 'aws', { region: 'eu-west-1' });\n");
    for i in 0..n {
        text.push_str(&match i % 3 {
            0 => format!("    const fn{i} = new LambdaFunction(this, 'fn{i}', {{\n      functionName: 'fn{i}',\n      role: 'arn:aws:iam::123456789012:role/r',\n      runtime: 'nodejs16.x',\n      handler: 'index.handler',\n      filename: 'fn.zip',\n    }});\n"),
            1 => format!("    const t{i} = new DynamodbTable(this, 't{i}', {{\n      name: 't{i}',\n      billingMode: 'PAY_PER_REQUEST',\n      hashKey: 'pk',\n      attribute: [{{ name: 'pk', type: 'S' }}],\n    }});\n"),
            _ => format!("    const b{i} = new S3Bucket(this, 'b{i}', {{ bucket: 'example-b{i}' }});\n"),
        });
    }
    text.push_str("  }\n}\n");
    text
}

fn mixed_stacks(c: &mut Criterion) {
    let settings = Settings {
        unsafe_fixes: true,
        ..Default::default()
    };
    let mut group = c.benchmark_group("mixed-cdktf-ts");
    group.sample_size(10);
    for n in [250, 500, 1000, 2000] {
        let text = mixed_cdktf_stack(n);
        let path = PathBuf::from("mixed.ts");
        let syntax = syntax_for_path(&path).unwrap();
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(format!("fix-{n}-constructs"), |b| {
            b.iter(|| black_box(process_text(&path, syntax, &text, REGISTRY, &settings)))
        });
    }
    group.finish();
}

/// (d) `schema`: what the first CloudFormation lookup costs a run — decompress and
/// index the vendored resource schemas — and then parsing one type's model. The
/// target is well under 50 ms.
fn schema(c: &mut Criterion) {
    let mut group = c.benchmark_group("schema");
    group.sample_size(20);
    group.bench_function("load", |b| b.iter(|| black_box(Catalogue::load())));
    group.bench_function("load+first-type", |b| {
        b.iter(|| {
            let catalogue = Catalogue::load();
            black_box(catalogue.schema("AWS::S3::Bucket").is_some())
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    pipeline,
    large_files,
    large_buckets,
    mixed_stacks,
    schema
);
criterion_main!(benches);
