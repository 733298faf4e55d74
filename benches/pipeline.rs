//! `cargo bench`: (a) parse-only throughput per flavor — the floor no fixer can
//! beat — and (b) the full fixer (every transform, review fixes included) per
//! flavor, on representative files: the shipped fixtures, plus up to 40 of the
//! largest `before/` files per flavor of `../shared/corpus` when it is present.
//! Throughput is reported in bytes/s; compare (b) with (a) per flavor.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use iac_fix::files::process_text;
use iac_fix::fixer::Settings;
use iac_fix::flavor::syntax_for_path;
use iac_fix::lang::Parsed;
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
        group.finish();
    }
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
