//! Times the render stage alone, without the disk: every page of a content directory
//! rendered on one thread, several rounds, and the CPU time per page of the best round:
//! `cargo run --release -p tsunagu --example render_bench -- <content-dir> [themes-dir] [rounds]`.
//!
//! One thread and no writes, because on a shared 2-core machine the build's own wall
//! and CPU times move with other processes and with the disk (file creation is kernel
//! time `cp -r` pays as well); this isolates what the renderer costs, to compare two
//! versions of it. Figures are reported, never asserted (docs/build.md lists them).
//!
//! After the rounds, the parts of a resource page made outside the template (QR code,
//! JSON-LD, description, schedule, nearby list) are timed alone over every resource,
//! best of the same number of rounds: on a busy machine a part's own figure moves less
//! than the whole page's, so a change to one part shows there first.

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
    let pages = PageSet::new(&ix, &renderer, today)?;
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
    parts(&ix, rounds, today);
    Ok(())
}

/// Best CPU time per resource of `f` over `rounds` timed rounds over every resource.
/// A round makes each part at least 50,000 times in all (several passes for a small
/// corpus): the thread's CPU clock counts in 10 ms ticks.
fn time_part(ix: &Index<'_>, rounds: usize, name: &str, mut f: impl FnMut(usize) -> usize) {
    let count = ix.published.len().max(1);
    let passes = 50_000usize.div_ceil(count);
    let mut best = f64::MAX;
    let mut bytes = 0;
    for _ in 0..rounds.max(1) {
        let (u0, s0) = thread_cpu();
        for _ in 0..passes {
            bytes = (0..ix.published.len()).map(&mut f).sum::<usize>();
        }
        let (u1, s1) = thread_cpu();
        best = best.min((u1 - u0) + (s1 - s0));
    }
    let n = (count * passes) as f64;
    println!(
        "  part {name}: {:.2} µs per resource ({:.0} bytes)",
        best * 1e6 / n,
        bytes as f64 / count as f64
    );
}

fn parts(ix: &Index<'_>, rounds: usize, today: chrono::NaiveDate) {
    use tsunagu::render::{markdown, view};
    let base = &ix.content.site.base_url;
    let cats: Vec<view::CategoryRef> = (0..ix.categories.len())
        .map(|c| view::category_ref(ix, c))
        .collect();
    println!("parts of a resource page, one thread:");
    time_part(ix, rounds, "qr", |i| {
        let r = ix.published[i];
        let url = format!("{base}/resources/{}/", r.id);
        tsunagu::qr::svg(&url, &format!("{}のページを開くQRコード", r.name)).map_or(0, |s| s.len())
    });
    time_part(ix, rounds, "jsonld", |i| {
        let r = ix.published[i];
        let url = format!("{base}/resources/{}/", r.id);
        let summary = markdown::summary(&r.description, 120);
        let ld = tsunagu::seo::jsonld::resource(r, ix.schema_type(i), &url, &summary);
        tsunagu::seo::jsonld::to_script(&ld).len()
    });
    time_part(ix, rounds, "markdown", |i| {
        markdown::to_html(&ix.published[i].description).len()
    });
    time_part(ix, rounds, "schedule", |i| {
        let s = view::schedule_view(ix.published[i], today, tsunagu::render::pages::NEXT_DATES);
        s.rules.len() + s.next.len()
    });
    time_part(ix, rounds, "nearby", |i| {
        view::nearby_views(ix, &cats, i, tsunagu::render::pages::NEARBY_K).len()
    });
}
