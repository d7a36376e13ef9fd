//! Times the open-data exports alone, without the disk: the CSV and HSDS files of a
//! content directory made as `tsunagu build` makes them (`export::each_file`, each whole
//! file measured with `export::stat` for the data catalogue, then dropped; the parts of
//! the large files counted and dropped), and the GeoJSON
//! files (`geo::files`), on one thread, several rounds; prints the CPU time per resource
//! of the best round:
//! `cargo run --release -p tsunagu --example export_bench -- <content-dir> [rounds]`.
//!
//! One thread (a rayon pool of one, so the exports' parallel parts run in line) and no
//! writes, because on a shared 2-core machine the build's own times move with other
//! processes and with the disk; this isolates what the exports cost, to compare two
//! versions of them. Figures are reported, never asserted (docs/opendata.md lists them).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use tsunagu::build::index::Index;

/// The allocator `tsunagu build` runs with (see `main.rs`), so the figures are the build's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// CPU seconds (user + system) of the whole process so far: the work runs on the pool's
/// one thread, and this thread only waits.
fn cpu() -> f64 {
    tsunagu::procstat::cpu_seconds().unwrap_or_default()
}

/// What a file is, for the per-kind lines: "csv", "hsds", "geojson".
fn kind(path: &str) -> &'static str {
    if path.ends_with(".csv") {
        "csv"
    } else if path.ends_with(".geojson") {
        "geojson"
    } else {
        "hsds"
    }
}

/// Per kind of file: files, bytes, and the time they took to make (the time between one
/// file handed over and the next, plus its stat).
struct Tally {
    kinds: BTreeMap<&'static str, (usize, usize, f64)>,
    stat_secs: f64,
    last: Instant,
    /// The kind of the file being handed over in parts.
    open: &'static str,
}

impl Tally {
    fn done(&mut self, kind: &'static str, bytes: usize) {
        let k = self.kinds.entry(kind).or_default();
        k.0 += 1;
        k.1 += bytes;
        k.2 += self.last.elapsed().as_secs_f64();
        self.last = Instant::now();
    }
}

impl tsunagu::export::Sink for Tally {
    type Error = std::convert::Infallible;
    fn file(&mut self, f: tsunagu::output::OutputFile) -> Result<(), Self::Error> {
        let t = Instant::now();
        let stat = tsunagu::export::stat(&f.path, &f.bytes);
        self.stat_secs += t.elapsed().as_secs_f64();
        self.done(kind(&f.path), stat.bytes);
        Ok(())
    }
    fn begin(&mut self, path: &str) -> Result<(), Self::Error> {
        self.open = kind(path);
        Ok(())
    }
    fn part(&mut self, bytes: &[u8]) -> Result<(), Self::Error> {
        self.kinds.entry(self.open).or_default().1 += bytes.len();
        Ok(())
    }
    fn end(&mut self, _records: usize) -> Result<(), Self::Error> {
        self.done(self.open, 0);
        Ok(())
    }
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let content = PathBuf::from(args.next().unwrap_or_else(|| "content".into()));
    let rounds: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(5);

    let loaded = tsunagu::load::load(&content)
        .map_err(|d| anyhow::anyhow!("{} 件の誤り（tsunagu check で確認できます）", d.len()))?;
    let content_ref = &loaded.content;
    let n = content_ref.resources.len();
    let ix = Index::new(content_ref);
    println!("{n} resources from {}", content.display());
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;

    let mut best_exports = f64::MAX;
    let mut best_geo = f64::MAX;
    for round in 1..=rounds {
        pool.install(|| -> anyhow::Result<()> {
            // Wall time between files (one thread, so close to CPU time), per kind:
            // a file's time is what it took to make since the previous file was handed
            // over, plus its stat.
            let mut tally = Tally {
                kinds: BTreeMap::new(),
                stat_secs: 0.0,
                last: Instant::now(),
                open: "",
            };
            let c0 = cpu();
            let wall = Instant::now();
            tsunagu::export::each_file(content_ref, &mut tally)
                .unwrap_or_else(|never| match never {});
            let Tally {
                kinds, stat_secs, ..
            } = tally;
            let c1 = cpu();
            let exports = c1 - c0;
            best_exports = best_exports.min(exports);
            for (name, (files, bytes, secs)) in &kinds {
                println!(
                    "  {name}: {files} files, {:.1} MB, made in {secs:.2} s",
                    *bytes as f64 / 1e6
                );
            }
            println!(
                "round {round}: CSV+HSDS CPU {exports:.2} s (wall {:.2} s; stat {stat_secs:.2} s), {:.1} µs CPU per resource",
                wall.elapsed().as_secs_f64(),
                exports * 1e6 / n as f64
            );

            let mut geo_bytes = 0usize;
            let g0 = cpu();
            tsunagu::geo::files(&ix, |path, bytes| {
                let stat = tsunagu::export::stat(&path, &bytes);
                geo_bytes += stat.bytes;
                Ok::<(), std::convert::Infallible>(())
            })
            .unwrap_or_else(|never| match never {});
            let geo = cpu() - g0;
            best_geo = best_geo.min(geo);
            println!(
                "round {round}: GeoJSON CPU {geo:.2} s ({:.1} MB), {:.1} µs CPU per resource",
                geo_bytes as f64 / 1e6,
                geo * 1e6 / n as f64
            );
            Ok(())
        })?;
    }
    println!(
        "best: CSV+HSDS {best_exports:.2} s CPU, {:.1} µs per resource; GeoJSON {best_geo:.2} s CPU, {:.1} µs per resource",
        best_exports * 1e6 / n as f64,
        best_geo * 1e6 / n as f64
    );
    Ok(())
}
