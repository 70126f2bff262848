//! The generator's speed: the real spec end to end (load, validate, emit, format),
//! synthetic specs of 10, 100 and 1,000 endpoints, reported per endpoint so the growth
//! with size is visible, and chains of 300 and 3,000 nested types (the check of types that
//! contain themselves walks all of them), checked alone and generated end to end.

use std::path::Path;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

fn real_spec(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let sources = xtask::sync::read_spec(root).expect("read spec/");
    let endpoints = sources.iter().filter(|s| s.path.matches('/').count() == 2).count() as u64;
    let mut group = c.benchmark_group("generator");
    group.throughput(Throughput::Elements(endpoints));
    group.bench_function("real_spec", |b| {
        b.iter(|| codegen::generate(&sources).expect("the real spec generates"))
    });
    group.finish();
}

fn synthetic(c: &mut Criterion) {
    let mut group = c.benchmark_group("generator_synthetic");
    group.sample_size(10);
    for endpoints in [10usize, 100, 1000] {
        let sources = xtask::synthetic::spec(endpoints, 10);
        group.throughput(Throughput::Elements(endpoints as u64));
        group.bench_with_input(BenchmarkId::from_parameter(endpoints), &sources, |b, sources| {
            b.iter(|| codegen::generate(sources).expect("synthetic specs generate"))
        });
    }
    group.finish();
}

fn deep_chain(c: &mut Criterion) {
    let mut group = c.benchmark_group("generator_deep_chain");
    group.sample_size(10);
    for types in [300usize, 3000] {
        let sources = xtask::synthetic::deep_chain(types);
        group.throughput(Throughput::Elements(types as u64));
        group.bench_with_input(BenchmarkId::new("check", types), &sources, |b, sources| {
            b.iter(|| codegen::check_spec(sources).expect("deep chains are valid"))
        });
        group.bench_with_input(BenchmarkId::new("generate", types), &sources, |b, sources| {
            b.iter(|| codegen::generate(sources).expect("deep chains generate"))
        });
    }
    group.finish();
}

criterion_group!(benches, real_spec, synthetic, deep_chain);
criterion_main!(benches);
