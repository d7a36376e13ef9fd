//! Times the search-index stage alone on a content directory and reports its size:
//! `cargo run --release -p tsunagu --example search_bench -- <content-dir> [out-dir]
//! [--repeat N]`. With `--repeat N` the index is built N times over the same loaded
//! content (each time reported), so a profiler samples the index more than the loader.
//! Figures are reported, never asserted (docs/search.md lists them). Loading the YAML is
//! timed separately: it is the loader's cost, not the index's.

use std::path::PathBuf;

/// The allocator `tsunagu build` runs with (see `main.rs`), so the figures are the build's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::time::Instant;

fn peak_rss_mib() -> Option<f64> {
    tsunagu::procstat::peak_rss_kib().map(|k| k as f64 / 1024.0)
}

fn main() -> anyhow::Result<()> {
    let usage = || anyhow::anyhow!("usage: search_bench <content-dir> [out-dir] [--repeat N]");
    let mut positional = Vec::new();
    let mut repeat = 1usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--repeat" {
            repeat = args.next().and_then(|n| n.parse().ok()).ok_or_else(usage)?;
        } else {
            positional.push(arg);
        }
    }
    let mut positional = positional.into_iter();
    let content = PathBuf::from(positional.next().ok_or_else(usage)?);
    let out = positional.next().map(PathBuf::from);

    let t = Instant::now();
    let loaded = tsunagu::load::load(&content)
        .map_err(|d| anyhow::anyhow!("{} problem(s) loading {}", d.len(), content.display()))?;
    let load_s = t.elapsed().as_secs_f64();
    let rss_before = peak_rss_mib();

    println!("resources:        {}", loaded.content.resources.len());
    println!("load (YAML):      {load_s:.2} s");
    let mut built = None;
    for run in 1..=repeat.max(1) {
        // The previous run's files are dropped first, as the build drops them once written.
        drop(built.take());
        let cpu0 = tsunagu::procstat::cpu_seconds();
        let t = Instant::now();
        let (files, stats) =
            tsunagu::search_index::files_with(&loaded.content, &tsunagu_search::Options::default());
        let index_s = t.elapsed().as_secs_f64();
        let index_cpu = tsunagu::procstat::cpu_seconds()
            .zip(cpu0)
            .map(|(b, a)| b - a);
        println!(
            "index build:      {index_s:.2} s wall, {} CPU{}",
            index_cpu.map_or("?".into(), |c| format!("{c:.2} s")),
            if repeat > 1 {
                format!(" (run {run} of {repeat})")
            } else {
                String::new()
            }
        );
        built = Some((files, stats));
    }
    let Some((files, stats)) = built else {
        unreachable!("the loop runs at least once")
    };
    let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();

    if let Some(out) = &out {
        for f in &files {
            let path = out.join(&f.path);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(&path, &f.bytes)?;
        }
    }
    println!(
        "index files:      {} ({} index chunks)",
        files.len(),
        stats.index_chunks
    );
    println!(
        "index size:       {:.1} MB uncompressed",
        bytes as f64 / 1e6
    );
    println!("tokens/postings:  {} / {}", stats.tokens, stats.postings);
    println!(
        "manifest:         {:.1} kB; largest chunk {:.1} kB",
        stats.manifest_bytes as f64 / 1e3,
        stats.largest_index_chunk_bytes as f64 / 1e3
    );
    if let (Some(before), Some(after)) = (rss_before, peak_rss_mib()) {
        println!("peak RSS:         {after:.0} MiB (after loading: {before:.0} MiB)");
    }
    Ok(())
}
