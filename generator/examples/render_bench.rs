//! Times the render stage alone, without the disk: every page of a content directory
//! rendered on one thread, several rounds, and the CPU time per page of the best round:
//! `cargo run --release -p tsunagu --example render_bench -- <content-dir> [themes-dir] [rounds]`.
//!
//! One thread and no writes, because on a shared 2-core machine the build's own wall
//! and CPU times move with other processes and with the disk (file creation is kernel
//! time `cp -r` pays as well); this isolates what the renderer costs, to compare two
//! versions of it. Figures are reported, never asserted (docs/build.md lists them).

use std::path::PathBuf;
use std::time::Instant;

use tsunagu::build::index::Index;
use tsunagu::render::Renderer;
use tsunagu::render::pages::{Job, PageSet};

/// The allocator `tsunagu build` runs with (see `main.rs`), so the figures are the build's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// CPU seconds (user, system) of this thread so far (the render runs on this thread).
fn thread_cpu() -> (f64, f64) {
    tsunagu::procstat::cpu_of("thread-self").unwrap_or_default()
}

fn kind(job: Job) -> &'static str {
    match job {
        Job::Resource(_) => "resource",
        Job::Category { .. } => "category",
        Job::Area { .. } => "area",
        Job::Tag { .. } => "tag",
        _ => "other",
    }
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let content = PathBuf::from(args.next().unwrap_or_else(|| "content".into()));
    let themes = PathBuf::from(args.next().unwrap_or_else(|| "themes".into()));
    let rounds: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(3);

    let loaded = tsunagu::load::load(&content)
        .map_err(|d| anyhow::anyhow!("{} 件の誤り（tsunagu check で確認できます）", d.len()))?;
    let ix = Index::new(&loaded.content);
    let renderer = Renderer::new(&themes.join("default"), None)?;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).expect("valid date");
    // Made once per build, on every core: its CPU time is the whole process's.
    let cpu0 = tsunagu::procstat::cpu_seconds().unwrap_or_default();
    let pages = PageSet::new(&ix, &renderer, today, Default::default())?;
    println!(
        "page set (list entries rendered once): CPU {:.2} s",
        tsunagu::procstat::cpu_seconds().unwrap_or_default() - cpu0
    );
    let jobs = pages.jobs();
    let resources = jobs
        .iter()
        .filter(|j| matches!(j, Job::Resource(_)))
        .count();
    println!(
        "{} pages ({resources} resource pages) from {}",
        jobs.len(),
        content.display()
    );
    let mut best = f64::MAX;
    for round in 1..=rounds {
        let (u0, s0) = thread_cpu();
        let wall = Instant::now();
        let mut bytes = 0usize;
        // Wall time per kind of page (one thread, so close to its CPU time).
        let mut kinds: std::collections::BTreeMap<&str, (usize, f64)> = Default::default();
        let mut scratch = pages.scratch();
        for &job in &jobs {
            let t = Instant::now();
            let (_, html) = pages.render_with(&renderer, job, &mut scratch)?;
            let k = kinds.entry(kind(job)).or_default();
            k.0 += 1;
            k.1 += t.elapsed().as_secs_f64();
            bytes += html.len();
        }
        for (name, (n, secs)) in &kinds {
            println!(
                "  {name}: {n} pages, {secs:.2} s, {:.1} µs per page",
                secs * 1e6 / *n as f64
            );
        }
        let (u1, s1) = thread_cpu();
        let cpu = (u1 - u0) + (s1 - s0);
        best = best.min(cpu);
        println!(
            "round {round}: CPU {cpu:.2} s (user {:.2}, sys {:.2}), wall {:.2} s, {:.1} µs CPU per page, {:.1} KB per page",
            u1 - u0,
            s1 - s0,
            wall.elapsed().as_secs_f64(),
            cpu * 1e6 / jobs.len() as f64,
            bytes as f64 / jobs.len() as f64 / 1000.0
        );
    }
    println!(
        "best: {best:.2} s CPU, {:.1} µs per page",
        best * 1e6 / jobs.len() as f64
    );
    Ok(())
}
