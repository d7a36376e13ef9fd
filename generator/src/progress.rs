//! What the build tells the terminal: a progress bar and a summary when stderr is a
//! terminal, one plain line per stage when it is not (logs, CI), nothing with `--quiet`.

use std::io::IsTerminal;
use std::sync::OnceLock;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::build::{BuildReport, Progress};

/// Japanese label of a pipeline stage.
pub fn stage_ja(name: &str) -> &str {
    match name {
        "load" => "読み込みと検証",
        "index" => "索引づくり（検索索引の生成と並行）",
        "templates" => "テンプレート読み込み",
        "search index" => "検索索引の生成",
        "page setup" => "ページの準備（検索索引の生成と並行）",
        "search files" => "検索索引の書き出し（ページ生成と並行）",
        "exports" => "CSV・HSDS の生成と書き出し（ページ生成と並行）",
        "render+write" => "ページ生成と書き出し",
        "geojson" => "GeoJSON の生成と書き出し（ページ生成と並行）",
        "data" => "サイトマップ・その他",
        "assets" => "静的ファイル",
        "swap" => "出力の入れ替え",
        other => other,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Bar,
    Plain,
    Quiet,
}

impl Mode {
    pub fn detect(quiet: bool) -> Self {
        if quiet {
            Mode::Quiet
        } else if std::io::stderr().is_terminal() {
            Mode::Bar
        } else {
            Mode::Plain
        }
    }
}

pub struct Terminal {
    mode: Mode,
    /// Set once, when the render stage announces its page count.
    bar: OnceLock<ProgressBar>,
}

impl Terminal {
    pub fn new(mode: Mode) -> Self {
        Self {
            mode,
            bar: OnceLock::new(),
        }
    }

    fn finish_bar(&self) {
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
    }

    /// The closing summary: pages, files, warnings, time (and stage times unless quiet).
    pub fn summary(&self, out: &std::path::Path, r: &BuildReport) {
        self.finish_bar();
        if self.mode == Mode::Quiet {
            return;
        }
        eprintln!(
            "{} ページ（資源 {} 件）、{} ファイル（{}、うち変更なし {}）を {} に書き出しました。警告 {} 件、{}。",
            group_digits(r.pages as u64),
            group_digits(r.resources as u64),
            group_digits(r.files),
            human_bytes(r.bytes),
            group_digits(r.reused),
            out.display(),
            r.warnings.len(),
            seconds(r.total)
        );
        let stages: Vec<String> = r
            .stages
            .iter()
            .map(|(n, d)| format!("{} {}", stage_ja(n), seconds(*d)))
            .collect();
        eprintln!("  内訳: {}", stages.join(" / "));
        eprintln!(
            "  ページ生成のスレッド時間（合計）: {}",
            seconds(r.render_threads)
        );
    }
}

impl Progress for Terminal {
    fn stage(&self, name: &str) {
        match self.mode {
            Mode::Quiet => {}
            Mode::Plain => eprintln!("tsunagu: {}…", stage_ja(name)),
            Mode::Bar => {
                if name != "render+write" {
                    self.finish_bar();
                }
            }
        }
    }

    fn pages(&self, total: u64) {
        match self.mode {
            Mode::Quiet => {}
            Mode::Plain => eprintln!("tsunagu: {} ページを生成します", group_digits(total)),
            Mode::Bar => {
                let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
                bar.set_style(
                    ProgressStyle::with_template(
                        "{msg} [{bar:30}] {pos}/{len} ({per_sec}, 残り {eta})",
                    )
                    .expect("static template")
                    .progress_chars("=> "),
                );
                bar.set_message("ページ生成");
                bar.enable_steady_tick(Duration::from_millis(200));
                if self.bar.set(bar).is_err() {
                    // A second render stage in one build does not happen; keep the first bar.
                }
            }
        }
    }

    fn page_done(&self) {
        if self.mode == Mode::Bar
            && let Some(bar) = self.bar.get()
        {
            bar.inc(1);
        }
    }
}

pub fn seconds(d: Duration) -> String {
    format!("{:.2} 秒", d.as_secs_f64())
}

pub fn group_digits(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn human_bytes(b: u64) -> String {
    match b {
        b if b >= 1 << 30 => format!("{:.1} GB", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{:.1} MB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

/// Prints diagnostics, one `path:line:col: …` line each. One write per buffer, not per line: nationwide data can carry 100,000 warnings, and a
/// syscall each was a tenth of `tsunagu check`'s CPU there.
pub fn print_diagnostics(diags: &[crate::load::Diagnostic]) {
    use std::io::Write;
    let mut err = std::io::BufWriter::new(std::io::stderr().lock());
    for d in diags {
        if writeln!(err, "{d}").is_err() {
            return; // stderr closed: nobody is reading the messages
        }
    }
    let _ = err.flush(); // same: a closed stderr has no reader to tell
}

/// Prints why a build failed: every diagnostic for invalid content, else the error.
pub fn print_build_error(e: &crate::build::BuildError) {
    if let crate::build::BuildError::Invalid(diags) = e {
        print_diagnostics(diags);
    }
    eprintln!("エラー: {e}");
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_read_naturally() {
        assert_eq!(super::group_digits(1234567), "1,234,567");
        assert_eq!(super::group_digits(999), "999");
        assert_eq!(super::human_bytes(1536), "1.5 KB");
    }
}
