//! The `tsunagu` command line: build, check, serve, and the benchmark tools.
//! Errors are typed in the library; this is the one place that uses anyhow.

use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use tsunagu::build::{self, BuildArgs, CheckArgs};
use tsunagu::progress::{self, Mode, Terminal};
use tsunagu::serve::{self, ServeArgs};

/// glibc's malloc took about a fifth of a large build's CPU time (profiled with perf on
/// 10,000 resources: many threads allocating small strings and JSON values); mimalloc
/// is built for exactly that.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "tsunagu",
    version,
    about = "tsunagu（つなぐ）: 地域資源の YAML から静的ポータルを作ります",
    disable_help_subcommand = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// content/ と themes/ からポータルを public/ に書き出します
    Build(BuildArgs),
    /// content/ を検査し、誤りを「ファイル:行:列: 内容」で表示します（誤りがあれば終了コード 1）
    Check(CheckArgs),
    /// ビルドして 127.0.0.1 で配信し、変更のたびに再ビルドします
    Serve(ServeArgs),
    /// ベンチマーク用に架空の地域資源を N 件書き出します
    Synth(tsunagu::bench::SynthArgs),
    /// 1,000 / 10,000 / 100,000 件でビルド時間と最大メモリを測ります
    Bench(tsunagu::bench::BenchArgs),
    /// オープンデータ（CSV・GeoJSON）を content/resources/*.yaml に取り込みます
    Import(tsunagu::import::ImportArgs),
}

fn run_build(args: BuildArgs) -> anyhow::Result<ExitCode> {
    let term = Terminal::new(Mode::detect(args.quiet));
    match build::build(&args.options(), &term) {
        Ok(report) => {
            progress::print_diagnostics(&report.warnings);
            term.summary(&args.out, &report);
            if std::env::var_os("TSUNAGU_PRINT_PEAK").is_some() {
                // Read by `tsunagu bench`, which runs builds as child processes.
                if let Some(kib) = tsunagu::procstat::peak_rss_kib() {
                    eprintln!("tsunagu-peak-rss-kib: {kib}");
                }
                if let Some(cpu) = tsunagu::procstat::cpu_seconds() {
                    eprintln!("tsunagu-cpu-seconds: {cpu:.2}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            progress::print_build_error(&e);
            Ok(ExitCode::FAILURE)
        }
    }
}

fn run_check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    match build::check(&args.content) {
        Ok(warnings) => {
            progress::print_diagnostics(&warnings);
            eprintln!("誤りはありません（警告 {} 件）。", warnings.len());
            Ok(ExitCode::SUCCESS)
        }
        Err(diags) => {
            progress::print_diagnostics(&diags);
            let errors = diags
                .iter()
                .filter(|d| d.severity == tsunagu::load::Severity::Error)
                .count();
            eprintln!("誤りが {errors} 件あります。");
            Ok(ExitCode::FAILURE)
        }
    }
}

fn run_serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let workspace = tsunagu::workspace::open(&args.workspace).context("tsunagu serve")?;
    let router = workspace.map(|(router, accounts)| {
        tsunagu::workspace::print_accounts(args.port, &args.workspace.workspace_db, &accounts);
        router
    });
    serve::run(args, router).context("tsunagu serve")?;
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => run_build(args),
        Command::Check(args) => run_check(args),
        Command::Serve(args) => run_serve(args),
        Command::Synth(args) => tsunagu::bench::synth(&args)
            .context("tsunagu synth")
            .map(|()| ExitCode::SUCCESS),
        Command::Bench(args) => tsunagu::bench::run(&args)
            .context("tsunagu bench")
            .map(|()| ExitCode::SUCCESS),
        Command::Import(args) => tsunagu::import::main(&args)
            .context("tsunagu import")
            .map(|_| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("エラー: {e:#}");
            ExitCode::FAILURE
        }
    }
}
