//! The build pipeline. [`build`] reads like its table of contents:
//! load → index → templates → search index → GeoJSON → pages (rendered in parallel,
//! written by one thread) with the CSV/HSDS exports beside them → the data catalogue
//! page → sitemap, robots → assets → swap. Each stage is timed; every file goes into a
//! staging directory that is swapped in whole only when all succeeded.

pub mod index;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::load::{self, Diagnostic};
use crate::model::Content;
use crate::output::OutputFile;
use crate::render::pages::{Job, PageSet};
use crate::render::{RenderError, Renderer};
use crate::write::{Staging, WriteError};
use index::Index;

/// Where to read from and write to.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub content_dir: PathBuf,
    /// Directory holding themes; the theme used is `<themes_dir>/default`.
    pub themes_dir: PathBuf,
    pub theme: String,
    pub out_dir: PathBuf,
    /// The date "next dates" count from; `None` = today in Japan (or the
    /// `TSUNAGU_BUILD_DATE` environment variable, YYYY-MM-DD, for reproducible builds).
    pub today: Option<NaiveDate>,
    /// Hard-link files whose bytes did not change from the previous output instead of
    /// writing them again (see `write::Staging::reuse_previous`). On by default;
    /// `TSUNAGU_NO_REUSE=1` turns it off (for measuring).
    pub reuse: bool,
}

impl BuildOptions {
    pub fn new(
        content_dir: impl Into<PathBuf>,
        themes_dir: impl Into<PathBuf>,
        out_dir: impl Into<PathBuf>,
    ) -> Self {
        Self {
            content_dir: content_dir.into(),
            themes_dir: themes_dir.into(),
            theme: "default".into(),
            out_dir: out_dir.into(),
            today: None,
            reuse: std::env::var_os("TSUNAGU_NO_REUSE").is_none(),
        }
    }

    /// The site's own template overrides: `templates/` next to the content directory.
    pub fn override_dir(&self) -> Option<PathBuf> {
        let root = self.content_dir.parent()?;
        let root = if root.as_os_str().is_empty() {
            Path::new(".")
        } else {
            root
        };
        Some(root.join("templates"))
    }

    pub fn theme_dir(&self) -> PathBuf {
        self.themes_dir.join(&self.theme)
    }

    pub fn build_date(&self) -> NaiveDate {
        if let Some(d) = self.today {
            return d;
        }
        if let Some(d) = std::env::var("TSUNAGU_BUILD_DATE")
            .ok()
            .and_then(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok())
        {
            return d;
        }
        // Residents live in JST: a build at 23:30 UTC is already "tomorrow" for them.
        (chrono::Utc::now() + chrono::Duration::hours(9)).date_naive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("content/ に {} 件の誤りがあります。出力は書き換えていません。", .0.iter().filter(|d| d.severity == load::Severity::Error).count())]
    Invalid(Vec<Diagnostic>),
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error("テーマの静的ファイル {path} を読めません: {source}")]
    Assets {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("テーマ {0} が見つかりません（templates/ がありません）")]
    NoTheme(PathBuf),
}

/// Told about progress by the build; the terminal implements it (see `progress`).
pub trait Progress: Sync {
    /// A named stage starts.
    fn stage(&self, _name: &str) {}
    /// Pages to render in the render stage.
    fn pages(&self, _total: u64) {}
    fn page_done(&self) {}
}

/// Reports nothing (tests, `--quiet`).
pub struct Silent;
impl Progress for Silent {}

/// What a successful build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub resources: usize,
    pub pages: usize,
    pub files: u64,
    /// Files hard-linked unchanged from the previous output.
    pub reused: u64,
    pub bytes: u64,
    pub warnings: Vec<Diagnostic>,
    /// Wall time of each stage, in order.
    pub stages: Vec<(&'static str, Duration)>,
    /// Template rendering time summed over worker threads.
    pub render_threads: Duration,
    pub total: Duration,
}

struct Timer<'p> {
    stages: Vec<(&'static str, Duration)>,
    progress: &'p dyn Progress,
}

impl Timer<'_> {
    fn time<T>(&mut self, name: &'static str, f: impl FnOnce() -> T) -> T {
        self.progress.stage(name);
        let t = Instant::now();
        let out = f();
        self.stages.push((name, t.elapsed()));
        crate::procstat::trace(name);
        out
    }
}

/// Loads and validates `content/` without writing anything (`tsunagu check`).
pub fn check(content_dir: &Path) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    load::load(content_dir).map(|l| l.warnings)
}

/// Builds the portal: loads `content/`, then [`build_content`].
pub fn build(opts: &BuildOptions, progress: &dyn Progress) -> Result<BuildReport, BuildError> {
    let t = Instant::now();
    progress.stage("load");
    let loaded = load::load(&opts.content_dir).map_err(BuildError::Invalid)?;
    let load_time = t.elapsed();
    crate::procstat::trace("load");
    let mut report = build_content(&loaded.content, loaded.warnings, opts, progress)?;
    report.stages.insert(0, ("load", load_time));
    report.total += load_time;
    Ok(report)
}

/// Builds the portal from already-loaded content (also used by the benchmark).
pub fn build_content(
    content: &Content,
    warnings: Vec<Diagnostic>,
    opts: &BuildOptions,
    progress: &dyn Progress,
) -> Result<BuildReport, BuildError> {
    let started = Instant::now();
    let mut timer = Timer {
        stages: Vec::new(),
        progress,
    };
    let theme_dir = opts.theme_dir();
    if !theme_dir.join("templates").is_dir() {
        return Err(BuildError::NoTheme(theme_dir));
    }

    let renderer = timer.time("templates", || {
        Renderer::new(&theme_dir, opts.override_dir().as_deref())
    })?;
    let mut staging = Staging::new(&opts.out_dir)?;
    if opts.reuse {
        staging = staging.reuse_previous();
    }

    // Files other parts of the crate make (search index, open data exports). The search
    // index is made on its own thread while the index (category tree, areas, tags, the
    // r-tree for "nearby") and then the page set (every list entry rendered once) are
    // made on the others: it reads only the content, and alone it left the second core
    // idle for a third of its second. Its tables are dropped once its files are made,
    // before the exports start: at 100,000 resources they hold hundreds of MB, and
    // making them beside the exports was the build's peak. (`ix_cell` holds the index
    // outside the scope, since the page set made inside it borrows the index.)
    let ix_cell = std::sync::OnceLock::new();
    let (search_files, mut pages) = std::thread::scope(|scope| {
        let search = scope.spawn(|| {
            let t = Instant::now();
            (crate::search_index::files(content), t.elapsed())
        });
        let ix = timer.time("index", || ix_cell.get_or_init(|| Index::new(content)));
        let pages = timer.time("page setup", || {
            PageSet::new(ix, &renderer, opts.build_date())
        });
        let (files, search_time) = search
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        timer.stages.push(("search index", search_time));
        Ok::<_, BuildError>((files, pages?))
    })?;
    let ix = ix_cell.get().expect("the index is made above");
    let mut provided: HashSet<String> = HashSet::new();
    let mut search_stats: Vec<crate::export::FileStat> = Vec::new();
    let search_files = unique_extra(search_files, &mut provided, &mut search_stats);
    pages.set_provided(provided.clone());
    crate::procstat::trace("search index");
    let jobs = pages.jobs();
    progress.pages(jobs.len() as u64);
    // The GeoJSON and then the exports (CSV, HSDS) are made on one thread beside the page
    // stage: alone they left the second core idle for seconds, and the page stage holds
    // little memory. One after the other on that thread, not side by side (both beside
    // the pages, the national set's peak rose from 786 to 948 MB). The data catalogue
    // page lists them, so it is rendered once they are done.
    // The search index's files (some 14,000 at 100,000 resources) are written on their
    // own thread beside the page stage too: written before it, they left a core idle
    // for about half a second on disk.
    let (open_data, open_data_times, search_write_time) = std::thread::scope(|scope| {
        let search_written = scope.spawn(|| -> Result<Duration, WriteError> {
            let t = Instant::now();
            for f in search_files {
                staging.write(&f.path, &f.bytes)?;
            }
            crate::procstat::trace("search index written");
            Ok(t.elapsed())
        });
        let open_data = scope.spawn(|| {
            let t = Instant::now();
            let geo = write_geojson(ix, &staging);
            crate::procstat::trace("geojson");
            let geo_time = t.elapsed();
            let t = Instant::now();
            let exports = write_exports(content, &staging);
            crate::procstat::trace("exports");
            ((geo, exports), (geo_time, t.elapsed()))
        });
        let rendered = timer.time("render+write", || {
            render_pages(&pages, &renderer, &jobs, &staging, progress)
        });
        let open_data = open_data
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let search_written = search_written
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        rendered?;
        let (open_data, times) = open_data;
        Ok::<_, BuildError>((open_data, times, search_written?))
    })?;
    timer.stages.push(("search files", search_write_time));
    timer.stages.push(("geojson", open_data_times.0));
    timer.stages.push(("exports", open_data_times.1));
    let (geo_stats, exports) = open_data;
    let geo_stats = geo_stats?;
    let (export_paths, export_stats) = exports?;
    provided.extend(export_paths);
    pages.set_data_files(crate::export::catalogue(
        content,
        geo_stats
            .into_iter()
            .chain(search_stats)
            .chain(export_stats),
    ));
    if jobs.iter().any(|job| matches!(job, Job::Data)) {
        let (file, bytes) = pages.render(&renderer, Job::Data)?;
        staging.write_in_new_dir(&file, &bytes)?;
        progress.page_done();
    }

    timer.time("data", || -> Result<(), BuildError> {
        let mut entries: Vec<_> = jobs
            .iter()
            .filter_map(|&j| pages.sitemap_entry(j))
            .collect();
        for path in &provided {
            // Pages other modules render (e.g. search/index.html) belong in the sitemap too.
            if let Some(dir) = path.strip_suffix("index.html") {
                entries.push(crate::seo::sitemap::Entry {
                    path: format!("/{dir}"),
                    lastmod: None,
                });
            }
        }
        let base = &content.site.base_url;
        for (path, bytes) in crate::seo::sitemap::files(base, &entries, opts.build_date()) {
            staging.write(&path, &bytes)?;
        }
        staging.write("robots.txt", crate::seo::robots(base).as_bytes())?;
        // Security headers for the static host (wrangler assets); see headers.rs.
        staging.write("_headers", crate::headers::file(&content.site).as_bytes())?;
        Ok(())
    })?;

    timer.time("assets", || -> Result<(), BuildError> {
        copy_tree(&theme_dir.join("static"), &staging, "assets")?;
        if let Some(site_static) = opts
            .override_dir()
            .and_then(|d| d.parent().map(|p| p.join("static")))
        {
            copy_tree(&site_static, &staging, "assets")?;
        }
        Ok(())
    })?;

    let (files, bytes, reused) = (staging.files(), staging.bytes(), staging.reused());
    // The previous output is removed in the background (see `write`); not waited for.
    let cleanup = timer.time("swap", || staging.commit())?;
    drop(cleanup);

    let ns = |a: &std::sync::atomic::AtomicU64| {
        Duration::from_nanos(a.load(std::sync::atomic::Ordering::Relaxed))
    };
    Ok(BuildReport {
        resources: ix.published.len(),
        pages: jobs.len(),
        files,
        reused,
        bytes,
        warnings,
        stages: timer.stages,
        render_threads: ns(&renderer.times.template_ns),
        total: started.elapsed(),
    })
}

/// Renders every page but the data catalogue (see `build_content`) on every core, in the
/// render pool, and hands them to the writer threads (see `Staging::with_writer`) in
/// batches of [`PAGE_BATCH`]; 16 queued batches are about 3 MB.
/// Pages rendered in a row by one render thread and queued together.
const PAGE_BATCH: usize = 16;

fn render_pages(
    pages: &PageSet,
    renderer: &Renderer,
    jobs: &[Job],
    staging: &Staging,
    progress: &dyn Progress,
) -> Result<(), BuildError> {
    let pool = render_pool();
    in_pool(pool.as_ref(), || {
        staging.with_writer(16, |w| {
            jobs.par_chunks(PAGE_BATCH).try_for_each_init(
                || pages.scratch(),
                |scratch, chunk| -> Result<(), BuildError> {
                    let mut batch = Vec::with_capacity(chunk.len());
                    for &job in chunk.iter().filter(|job| !matches!(job, Job::Data)) {
                        batch.push(pages.render_with(renderer, job, scratch)?);
                        progress.page_done();
                    }
                    // Every page has its own URL directory, most of them new.
                    w.write_batch_in_new_dirs(batch)?;
                    Ok(())
                },
            )
        })?
    })
}

/// Makes the GeoJSON files one at a time, so the data catalogue page can give each
/// file's size and record count, and returns their stats.
fn write_geojson(
    ix: &Index,
    staging: &Staging,
) -> Result<Vec<crate::export::FileStat>, BuildError> {
    let mut stats = Vec::new();
    staging.with_writer(2, |w| {
        crate::geo::files(ix, |path, bytes| {
            stats.push(crate::export::stat(&path, &bytes));
            w.write(path, bytes)
        })
    })??;
    Ok(stats)
}

/// Makes the CSV and HSDS exports one file at a time (see `export::each_file`): whole
/// files go to a writer thread (two in the queue bound the bytes held), the large ones
/// are written part by part as they are made. Returns the paths written and their stats
/// for the data catalogue.
fn write_exports(
    content: &Content,
    staging: &Staging,
) -> Result<(HashSet<String>, Vec<crate::export::FileStat>), BuildError> {
    let mut paths = HashSet::new();
    let mut stats = Vec::new();
    staging.with_writer(2, |w| {
        let mut sink = ExportSink {
            staging,
            writer: w,
            paths: &mut paths,
            stats: &mut stats,
            open: None,
        };
        crate::export::each_file(content, &mut sink)
    })??;
    Ok((paths, stats))
}

/// Writes the exports into staging and notes what was written (see `write_exports`).
struct ExportSink<'a, 's> {
    staging: &'s Staging,
    writer: &'a crate::write::Writer,
    paths: &'a mut HashSet<String>,
    stats: &'a mut Vec<crate::export::FileStat>,
    /// The file being written in parts, with its path.
    open: Option<(String, crate::write::StagedFile<'s>)>,
}

impl crate::export::Sink for ExportSink<'_, '_> {
    type Error = BuildError;
    fn file(&mut self, f: OutputFile) -> Result<(), BuildError> {
        record_extra(&f, self.paths, self.stats);
        Ok(self.writer.write(f.path, f.bytes)?)
    }
    fn begin(&mut self, path: &str) -> Result<(), BuildError> {
        self.open = Some((path.to_string(), self.staging.create(path)?));
        Ok(())
    }
    fn part(&mut self, bytes: &[u8]) -> Result<(), BuildError> {
        let (_, file) = self.open.as_mut().expect("a file was begun");
        Ok(file.append(bytes)?)
    }
    fn end(&mut self, records: usize) -> Result<(), BuildError> {
        let (path, file) = self.open.take().expect("a file was begun");
        self.stats.push(crate::export::FileStat {
            path: path.clone(),
            bytes: file.written() as usize,
            records: Some(records),
        });
        self.paths.insert(path);
        Ok(())
    }
}

/// The threads that render pages, at a lower priority (nice 10) than the rest of the
/// build: the writer thread and the exports thread are each one thread that the others
/// wait for, so when the cores are short they should be the ones that run. Without it,
/// at 115,402 resources the exports finished 2.4 s after the last page, alone on one
/// core. `None` (the global pool) where threads have no priority of their own.
fn render_pool() -> Option<rayon::ThreadPool> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("tsunagu-render-{i}"))
        .start_handler(|_| {
            // On Linux, PRIO_PROCESS with no pid names the calling thread alone.
            // Raising one's own nice value needs no privilege; should it fail, the
            // thread keeps the normal priority and the build is only slower.
            if let Err(e) = rustix::process::setpriority_process(None, 10) {
                eprintln!("警告: 描画スレッドの優先度を下げられません: {e}");
            }
        })
        .build()
        .ok()
}

fn in_pool<T: Send>(pool: Option<&rayon::ThreadPool>, f: impl FnOnce() -> T + Send) -> T {
    match pool {
        Some(pool) => pool.install(f),
        None => f(),
    }
}

/// Files another module made, each path once (content-hashed files can come twice:
/// same name, same bytes; the last one wins, as it would on disk), each recorded in
/// `provided` and its size in `stats`.
fn unique_extra(
    files: Vec<OutputFile>,
    provided: &mut HashSet<String>,
    stats: &mut Vec<crate::export::FileStat>,
) -> Vec<OutputFile> {
    let mut seen = HashSet::new();
    let mut unique: Vec<OutputFile> = files
        .into_iter()
        .rev()
        .filter(|f| seen.insert(f.path.clone()))
        .collect();
    unique.reverse();
    for f in &unique {
        record_extra(f, provided, stats);
    }
    unique
}

/// Notes a written file in `provided` and its size in `stats` (a path written again
/// replaces its earlier stat: the last one wins, as on disk).
fn record_extra(
    f: &OutputFile,
    provided: &mut HashSet<String>,
    stats: &mut Vec<crate::export::FileStat>,
) {
    let stat = crate::export::stat(&f.path, &f.bytes);
    if provided.insert(f.path.clone()) {
        stats.push(stat);
    } else if let Some(old) = stats.iter_mut().find(|s| s.path == f.path) {
        *old = stat;
    }
}

/// Copies `src/**` to `<staging>/<dest>/**`; a missing `src` is nothing to copy.
fn copy_tree(src: &Path, staging: &Staging, dest: &str) -> Result<(), BuildError> {
    let entries = match std::fs::read_dir(src) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(BuildError::Assets {
                path: src.to_path_buf(),
                source,
            });
        }
    };
    for entry in entries {
        let entry = entry.map_err(|source| BuildError::Assets {
            path: src.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = format!("{dest}/{name}");
        let ft = entry.file_type().map_err(|source| BuildError::Assets {
            path: path.clone(),
            source,
        })?;
        if ft.is_dir() {
            copy_tree(&path, staging, &rel)?;
        } else {
            let bytes = std::fs::read(&path).map_err(|source| BuildError::Assets {
                path: path.clone(),
                source,
            })?;
            staging.write(&rel, &bytes)?;
        }
    }
    Ok(())
}

/// `tsunagu build` options (also used by `tsunagu serve`).
#[derive(Debug, Clone, clap::Args)]
pub struct BuildArgs {
    #[arg(
        long,
        value_name = "DIR",
        default_value = "content",
        help = "地域資源の YAML とページがあるディレクトリ"
    )]
    pub content: PathBuf,
    #[arg(
        long,
        value_name = "DIR",
        default_value = "themes",
        help = "テーマのディレクトリ（default テーマを使います）"
    )]
    pub themes: PathBuf,
    #[arg(
        long,
        value_name = "DIR",
        default_value = "public",
        help = "出力先（丸ごと入れ替えます）"
    )]
    pub out: PathBuf,
    #[arg(long, short, help = "進み具合と結果を表示しません（誤りは表示します）")]
    pub quiet: bool,
}

impl BuildArgs {
    pub fn options(&self) -> BuildOptions {
        BuildOptions::new(&self.content, &self.themes, &self.out)
    }
}

/// `tsunagu check` options.
#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    #[arg(
        long,
        value_name = "DIR",
        default_value = "content",
        help = "検査するディレクトリ"
    )]
    pub content: PathBuf,
}
