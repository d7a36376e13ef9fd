//! `tsunagu synth` writes a synthetic corpus of realistic Japanese resource records;
//! `tsunagu bench` builds corpora of several sizes in child processes and reports wall
//! time, peak memory (the child's VmHWM from /proc, Linux only) and the disk floor: the
//! time `cp -r` takes to copy the very output tree the build wrote, measured in the same
//! run so both see the same disk and page-cache state.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{what} が失敗しました（終了コード {code:?}）")]
    Child { what: String, code: Option<i32> },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BenchError + '_ {
    move |source| BenchError::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[derive(Debug, Clone, clap::Args)]
pub struct SynthArgs {
    #[arg(long, default_value_t = 1000, help = "書き出す資源の件数")]
    pub count: usize,
    #[arg(
        long,
        value_name = "DIR",
        help = "書き出す先（DIR/content/ を作ります）"
    )]
    pub out: PathBuf,
    #[arg(
        long,
        value_name = "DIR",
        default_value = "content",
        help = "site.yaml と categories.yaml を写す元"
    )]
    pub from: PathBuf,
    #[arg(long, default_value_t = 42, help = "乱数の種（同じ種なら同じ内容）")]
    pub seed: u64,
}

#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "1000,10000,100000",
        help = "測る件数（カンマ区切り）"
    )]
    pub sizes: Vec<usize>,
    #[arg(
        long,
        value_name = "DIR",
        default_value = "target/bench",
        help = "作業ディレクトリ"
    )]
    pub work: PathBuf,
    #[arg(
        long,
        value_name = "DIR",
        default_value = "content",
        help = "site.yaml と categories.yaml を写す元"
    )]
    pub from: PathBuf,
    #[arg(long, value_name = "DIR", default_value = "themes")]
    pub themes: PathBuf,
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 360,
        help = "前回の出力を削除したあと、測り始めるまで待つ秒数（ext4 は削除直後の inode をしばらく再利用しないため）"
    )]
    pub settle: u64,
}

/// One line of YAML (writing to a String cannot fail, so no Result to handle).
macro_rules! yl {
    ($y:expr, $($t:tt)*) => {{
        $y.push_str(&format!($($t)*));
        $y.push('\n');
    }};
}

/// A small deterministic generator (xorshift64*): the corpus must be the same on every
/// machine so figures compare, and no randomness crate is needed for that.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const TOWNS: &[(&str, &str, &str)] = &[
    ("沓掛町", "470-1101", "くつかけちょう"),
    ("阿野町", "470-1141", "あのちょう"),
    ("新田町", "470-1195", "しんでんちょう"),
    ("前後町", "470-1131", "ぜんごちょう"),
    ("二村台", "470-1124", "ふたむらだい"),
    ("三崎町", "470-1121", "みさきちょう"),
    ("栄町", "470-1112", "さかえちょう"),
    ("大久伝町", "470-1111", "おおくでんちょう"),
    ("間米町", "470-1113", "まごめちょう"),
    ("西川町", "470-1137", "にしかわちょう"),
    ("正戸町", "470-1126", "しょうどちょう"),
    ("中島町", "470-1127", "なかしまちょう"),
    ("吉池町", "470-1161", "よしいけちょう"),
    ("四季の台", "470-1102", "しきのだい"),
    ("舘町", "470-1162", "たてちょう"),
    ("大脇町", "470-1156", "おおわきちょう"),
    ("桶狭間", "470-1153", "おけはざま"),
    ("夏山町", "470-1106", "なつやまちょう"),
    ("串田町", "470-1144", "くしだちょう"),
    ("高鴨町", "470-1122", "たかがもちょう"),
];
const PLACE: &[(&str, &str)] = &[
    ("公民館", "こうみんかん"),
    ("集会所", "しゅうかいじょ"),
    ("コミュニティセンター", "こみゅにてぃせんたー"),
    ("福祉会館", "ふくしかいかん"),
    ("会館", "かいかん"),
    ("寺", "てら"),
    ("喫茶", "きっさ"),
    ("カフェ", "かふぇ"),
    ("体育館", "たいいくかん"),
    ("老人憩の家", "ろうじんいこいのいえ"),
    ("地区センター", "ちくせんたー"),
];
type Kind = (&'static str, &'static str);
const KAYOI: &[(&str, Kind, &[&str])] = &[
    (
        "salon",
        ("ふれあいサロン", "ふれあいさろん"),
        &["おしゃべり", "お茶会", "手芸"],
    ),
    (
        "salon",
        ("いきいきサロン", "いきいきさろん"),
        &["お茶会", "歌", "脳トレ"],
    ),
    (
        "exercise",
        ("いきいき体操教室", "いきいきたいそうきょうしつ"),
        &["体操", "筋トレ", "転倒予防"],
    ),
    (
        "exercise",
        ("朝のラジオ体操", "あさのらじおたいそう"),
        &["体操", "朝", "ラジオ体操"],
    ),
    (
        "dementia-cafe",
        ("オレンジカフェ", "おれんじかふぇ"),
        &["認知症", "相談", "家族会"],
    ),
    (
        "hobby",
        ("健康マージャンの会", "けんこうまーじゃんのかい"),
        &["麻雀", "脳トレ"],
    ),
    (
        "hobby",
        ("囲碁・将棋の会", "いごしょうぎのかい"),
        &["囲碁", "将棋"],
    ),
];
const FACILITY: &[(&str, &[Kind], &str)] = &[
    (
        "care",
        &[
            ("デイサービス", "でいさーびす"),
            ("訪問介護ステーション", "ほうもんかいごすてーしょん"),
            ("グループホーム", "ぐるーぷほーむ"),
        ],
        "介護",
    ),
    (
        "clinic",
        &[
            ("内科クリニック", "ないかくりにっく"),
            ("整形外科", "せいけいげか"),
            ("眼科医院", "がんかいいん"),
        ],
        "診療",
    ),
    (
        "hospital",
        &[("病院", "びょういん"), ("記念病院", "きねんびょういん")],
        "病院",
    ),
    (
        "dental",
        &[
            ("歯科医院", "しかいいん"),
            ("デンタルクリニック", "でんたるくりにっく"),
        ],
        "歯科",
    ),
    (
        "pharmacy",
        &[("薬局", "やっきょく"), ("調剤薬局", "ちょうざいやっきょく")],
        "薬",
    ),
    (
        "houkatsu",
        &[("地域包括支援センター", "ちいきほうかつしえんせんたー")],
        "相談",
    ),
    (
        "accessible-toilet",
        &[("多目的トイレ", "たもくてきといれ")],
        "トイレ",
    ),
    (
        "orange-supporter",
        &[
            ("商店", "しょうてん"),
            ("書店", "しょてん"),
            ("スーパー", "すーぱー"),
        ],
        "見守り",
    ),
    (
        "kodomo-shokudo",
        &[("子ども食堂", "こどもしょくどう")],
        "食事",
    ),
    (
        "mobile-market",
        &[("移動スーパー", "いどうすーぱー")],
        "買い物",
    ),
    (
        "welfare-taxi",
        &[("福祉タクシー", "ふくしたくしー")],
        "送迎",
    ),
    (
        "emergency-site",
        &[("公園", "こうえん"), ("グラウンド", "ぐらうんど")],
        "避難",
    ),
    (
        "shelter",
        &[("小学校", "しょうがっこう"), ("中学校", "ちゅうがっこう")],
        "避難",
    ),
    ("aed", &[("AED", "えーいーでぃー")], "AED"),
];
const SURNAME: &[&str] = &[
    "さくら",
    "ひまわり",
    "すずらん",
    "あおば",
    "みどり",
    "はなみずき",
    "つばき",
    "ゆりのき",
    "こもれび",
    "やまびこ",
    "ほほえみ",
    "なごみ",
];
const DAYS: &[&str] = &["mon", "tue", "wed", "thu", "fri", "sat"];

fn write_resource(rng: &mut Rng, i: usize, dir: &Path) -> Result<(), BenchError> {
    let (town, postal, town_kana) = TOWNS[rng.below(TOWNS.len())];
    let kayoi = rng.below(10) < 4;
    let mut y = String::with_capacity(1500);
    let (cat, name, kana, tags): (&str, String, String, Vec<&str>) = if kayoi {
        let (cat, (kind, kind_kana), tags) = KAYOI[rng.below(KAYOI.len())];
        let (place, place_kana) = PLACE[rng.below(PLACE.len())];
        let stem = town.trim_end_matches('町');
        let stem_kana = town_kana.trim_end_matches("ちょう");
        (
            cat,
            format!("{stem}{place} {kind}"),
            format!("{stem_kana}{place_kana} {kind_kana}"),
            tags.to_vec(),
        )
    } else {
        let (cat, kinds, tag) = FACILITY[rng.below(FACILITY.len())];
        let (kind, kind_kana) = kinds[rng.below(kinds.len())];
        let first = rng.pick(SURNAME);
        (
            cat,
            format!("{first}{kind}"),
            format!("{first}{kind_kana}"),
            vec![tag],
        )
    };
    let id = format!("synth-{cat}-{i:06}");
    let lat = 35.0505 + (rng.unit() - 0.5) * 0.06;
    let lon = 137.0128 + (rng.unit() - 0.5) * 0.07;
    yl!(y, "id: {id}");
    yl!(y, "name: {name}");
    yl!(y, "name_kana: {kana}");
    yl!(y, "categories: [{cat}]");
    yl!(y, "tags: [{}]", tags.join(", "));
    yl!(
        y,
        "description: |\n  {town}の{name}です。地域の皆さんが気軽に立ち寄れる場所として、{}年から活動しています。\n\n  - 初めての方も歓迎します\n  - 詳しくはお電話でお問い合わせください",
        2000 + rng.below(25)
    );
    yl!(
        y,
        "address:\n  postal_code: {postal}\n  text: 愛知県豊明市{town}{}-{}\n  town: {town}",
        1 + rng.below(120),
        1 + rng.below(30)
    );
    yl!(y, "location:\n  lat: {lat:.6}\n  lon: {lon:.6}");
    yl!(
        y,
        "phone: 0562-{:02}-{:04}",
        90 + rng.below(9),
        rng.below(10000)
    );
    if kayoi {
        let d1 = rng.pick(DAYS);
        let h = 9 + rng.below(6);
        yl!(
            y,
            "schedule:\n  rules:\n    - weekly: [{d1}]\n      time: \"{h:02}:00-{:02}:30\"",
            h + 1
        );
        if rng.below(2) == 0 {
            yl!(
                y,
                "    - monthly_nth: [2, 4]\n      day: {}\n      time: \"13:30-15:00\"",
                rng.pick(DAYS)
            );
        }
        yl!(y, "  closed:\n    holidays: true\n    year_end: true");
        yl!(y, "fees: 1回{}円", [0, 100, 200, 300][rng.below(4)]);
        yl!(y, "audience: 市内在住のおおむね65歳以上の方");
        yl!(
            y,
            "accepting:\n  status: {}\n  as_of: 2026-10-01",
            ["open", "visit", "full"][rng.below(3)]
        );
    }
    let tri = |r: &mut Rng| ["yes", "no", "unknown"][r.below(3)];
    yl!(
        y,
        "accessibility:\n  wheelchair: {}\n  step_free: {}\n  accessible_toilet: {}\n  parking: {}",
        tri(rng),
        tri(rng),
        tri(rng),
        tri(rng)
    );
    yl!(
        y,
        "verified:\n  date: 2026-{:02}-{:02}\n  by: 豊明市 長寿課\n  method: phone",
        1 + rng.below(10),
        1 + rng.below(28)
    );
    let path = dir.join(format!("{id}.yaml"));
    std::fs::write(&path, y).map_err(io(&path))
}

/// Writes `<out>/content/` with `count` synthetic resources.
pub fn synth(args: &SynthArgs) -> Result<(), BenchError> {
    let content = args.out.join("content");
    let res = content.join("resources");
    std::fs::create_dir_all(&res).map_err(io(&res))?;
    for f in ["site.yaml", "categories.yaml"] {
        let src = args.from.join(f);
        std::fs::copy(&src, content.join(f)).map_err(io(&src))?;
    }
    let mut rng = Rng(args.seed.max(1));
    for i in 0..args.count {
        write_resource(&mut rng, i, &res)?;
    }
    eprintln!(
        "{} 件の資源を {} に書き出しました。",
        args.count,
        res.display()
    );
    Ok(())
}

/// Runs `cmd` and times it. Everything written before is flushed to the disk first: the
/// kernel writes dirty pages back on its own threads, on the same two cores, once they
/// pass a share of memory or 30 seconds; a step started right after a 2 GB step
/// otherwise pays for that step's write-back (measured: 13.8 s for a 100,000 build
/// on a clean page cache, 16.3 s started right after another).
fn timed(what: &str, cmd: &mut Command) -> Result<(f64, String), BenchError> {
    rustix::fs::sync();
    let t = Instant::now();
    let out = cmd.output().map_err(|source| BenchError::Io {
        path: PathBuf::from(what),
        source,
    })?;
    let secs = t.elapsed().as_secs_f64();
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        return Err(BenchError::Child {
            what: what.to_string(),
            code: out.status.code(),
        });
    }
    Ok((secs, String::from_utf8_lossy(&out.stderr).into_owned()))
}

fn peak_from(stderr: &str) -> Option<u64> {
    stderr
        .lines()
        .find_map(|l| l.strip_prefix("tsunagu-peak-rss-kib: "))
        .and_then(|v| v.trim().parse().ok())
}

fn cpu_from(stderr: &str) -> Option<f64> {
    stderr
        .lines()
        .find_map(|l| l.strip_prefix("tsunagu-cpu-seconds: "))
        .and_then(|v| v.trim().parse().ok())
}

/// Runs the benchmark and prints a Markdown table.
pub fn run(args: &BenchArgs) -> Result<(), BenchError> {
    let exe = std::env::current_exe().map_err(io(Path::new("tsunagu")))?;
    let mut table = String::from(
        "| resources | files | build (empty output) | CPU | peak RSS | rebuild (previous output reused) | CPU | peak RSS | cp -r floor | build / floor |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let dirs: Vec<PathBuf> = args
        .sizes
        .iter()
        .map(|n| args.work.join(format!("n{n}")))
        .collect();
    for (&n, dir) in args.sizes.iter().zip(&dirs) {
        if !dir.join("content/resources").is_dir() {
            synth(&SynthArgs {
                count: n,
                out: dir.clone(),
                from: args.from.clone(),
                seed: 42,
            })?;
        }
    }
    // What the previous run left is removed first, once, and then nothing is deleted
    // until every build has been timed (see `clear_outputs`).
    let mut removed = false;
    for dir in &dirs {
        removed |= clear_outputs(dir)?;
    }
    if removed && args.settle > 0 {
        eprintln!(
            "tsunagu bench: 前回の出力を削除しました。{} 秒待ってから測ります（ext4 は削除直後の inode をしばらく再利用しません）",
            args.settle
        );
        rustix::fs::sync();
        std::thread::sleep(std::time::Duration::from_secs(args.settle));
    }
    let build = |dir: &Path| {
        let mut c = Command::new(&exe);
        c.arg("build")
            .arg("--content")
            .arg(dir.join("content"))
            .arg("--themes")
            .arg(&args.themes)
            .arg("--out")
            .arg(dir.join("public"))
            .arg("--quiet")
            .env("TSUNAGU_PRINT_PEAK", "1");
        c
    };
    // First every size's build into an empty output, each followed by `cp -r` of what
    // it wrote: the two see the same disk. Then every rebuild, since a rebuild removes
    // the tree it replaced, and a build timed after that would pay for the removal.
    let mut first = Vec::new();
    for dir in &dirs {
        read_all(&dir.join("content"));
        let (cold, e1) = timed("tsunagu build", &mut build(dir))?;
        let files = count_files(&dir.join("public"));
        let (floor, _) = timed(
            "cp -r",
            Command::new("cp")
                .arg("-r")
                .arg(dir.join("public"))
                .arg(dir.join("public-copy")),
        )?;
        first.push((cold, e1, files, floor));
    }
    let mib = |s: &str| {
        peak_from(s)
            .map(|k| format!("{:.0} MiB", k as f64 / 1024.0))
            .unwrap_or_else(|| "?".into())
    };
    let cpu = |s: &str| {
        cpu_from(s)
            .map(|c| format!("{c:.1} s"))
            .unwrap_or_else(|| "?".into())
    };
    for ((n, dir), (cold, e1, files, floor)) in args.sizes.iter().zip(&dirs).zip(first) {
        read_all(&dir.join("content"));
        let (warm, e2) = timed("tsunagu build (2)", &mut build(dir))?;
        let row = format!(
            "| {n} | {files} | {cold:.2} s | {} | {} | {warm:.2} s | {} | {} | {floor:.2} s | {:.2}× |\n",
            cpu(&e1),
            mib(&e1),
            cpu(&e2),
            mib(&e2),
            cold / floor
        );
        eprint!("{row}");
        table.push_str(&row);
    }
    println!("{table}");
    Ok(())
}

/// Reads every file under `dir` once, so that a timed build finds its content in the
/// page cache, as on a machine that builds again and again (and as benchmark tools
/// measure after a warm-up run). This machine's kernel evicts pages left unread for a
/// couple of minutes, so a corpus written earlier is otherwise read from the disk:
/// measured at 100,000 resources after `drop_caches`, `tsunagu check` took 3.3-3.4 s
/// instead of 1.5 s. Unreadable entries are skipped: the build reports them.
fn read_all(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        match e.file_type() {
            Ok(t) if t.is_dir() => read_all(&e.path()),
            Ok(_) => {
                let _ = std::fs::read(e.path());
            }
            Err(_) => {}
        }
    }
}

/// Removes what an earlier run left in `dir` (the output, its copy, a replaced output a
/// build had not finished deleting); true when there was something. The caller then
/// lets the disk settle before timing anything (`--settle`): ext4 without a journal
/// (this machine's disk) does not hand out an inode freed in the last 60 seconds, 360
/// while its inode table block is dirty (and allocating new inodes there dirties it
/// again), and it checks the candidates one by one. Creating 100,000 small pages right
/// after a large delete was measured at 23-28 s instead of 6.2 s; a build timed in that
/// window measures the delete before it.
fn clear_outputs(dir: &Path) -> Result<bool, BenchError> {
    let mut removed = false;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(false);
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name == "public" || name == "public-copy" || name.starts_with(".public.") {
            let path = e.path();
            std::fs::remove_dir_all(&path).map_err(io(&path))?;
            removed = true;
        }
    }
    Ok(removed)
}

fn count_files(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => count_files(&e.path()),
            Ok(_) => 1,
            Err(_) => 0,
        })
        .sum()
}
