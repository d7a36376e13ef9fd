//! One fixture per kind of bad content under `tests/fixtures/invalid/<name>/`: loading
//! each must fail with exactly the `path:line:col: message` lines a user would read.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use tsunagu::load::{self, Diagnostic, LoadOptions, Severity};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/invalid")
        .join(name)
}

fn options() -> LoadOptions {
    LoadOptions {
        today: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        ..LoadOptions::default()
    }
}

/// The error lines of loading `dir` (warnings left out), which must fail.
fn errors_of(dir: &Path) -> Vec<String> {
    let diags: Vec<Diagnostic> = match load::load_with(dir, &options()) {
        Ok(_) => panic!("{} loaded without errors", dir.display()),
        Err(d) => d,
    };
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(ToString::to_string)
        .collect()
}

fn errors(name: &str) -> Vec<String> {
    errors_of(&fixture(name))
}

#[test]
fn broken_yaml() {
    assert_eq!(
        errors("broken-yaml"),
        [
            "resources/sakae-taiso.yaml:5:5: YAMLの構文エラー: ここに「:」は書けません。前の行までに「[」や「{」が閉じられていないかもしれません（illegal placement of ':' indicator）"
        ]
    );
}

#[test]
fn wrong_type() {
    assert_eq!(
        errors("wrong-type"),
        [
            "resources/sakae-taiso.yaml:6:8: 項目「location.lat」: 数値を書いてください（「北緯35度」は数値ではありません）。"
        ]
    );
}

#[test]
fn unknown_field_with_suggestion() {
    let diags = load::load_with(&fixture("unknown-field"), &options())
        .err()
        .unwrap();
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(
        diags[0].to_string(),
        "resources/sakae-taiso.yaml:5:1: 項目「adress」: 不明な項目です。もしかして「address」?"
    );
    assert_eq!(diags[0].suggestion.as_deref(), Some("address"));
}

#[test]
fn unknown_category_with_suggestion() {
    assert_eq!(
        errors("unknown-category"),
        [
            "resources/sakae-taiso.yaml:4:24: 項目「categories」: 不明なカテゴリ「salonn」です。もしかして「salon」?"
        ]
    );
}

#[test]
fn duplicate_id_names_both_files() {
    assert_eq!(
        errors("duplicate-id"),
        [
            "resources/imported/zengo-salon.yaml:1:5: 項目「id」: id「zengo-salon」が resources/salons/zengo-salon.yaml:1:5 と重複しています。id はリソースごとに違う値にしてください。",
            "resources/salons/zengo-salon.yaml:1:5: 項目「id」: id「zengo-salon」が resources/imported/zengo-salon.yaml:1:5 と重複しています。id はリソースごとに違う値にしてください。",
        ]
    );
}

#[test]
fn swapped_coordinates() {
    assert_eq!(
        errors("swapped-coordinates"),
        [
            "resources/sakae-taiso.yaml:6:8: 項目「location」: 緯度と経度が入れ替わっているようです（lat: 136.9918, lon: 35.0447）。lat に 35.0447、lon に 136.9918 を書いてください。"
        ]
    );
}

#[test]
fn bad_municipal_code_check_digit() {
    assert_eq!(
        errors("bad-municipal-code"),
        [
            "site.yaml:4:7: 項目「code」: 全国地方公共団体コード「232296」の検査数字（6桁目）が正しくありません。最初の5桁が 23229 なら6桁目は 7 です。"
        ]
    );
}

#[test]
fn alias_bomb_is_refused_at_the_first_anchor() {
    assert_eq!(
        errors("alias-bomb"),
        [
            "resources/lol.yaml:4:4: YAMLのアンカー（&）は使えません。同じ内容をそのまま書いてください（アンカー「&」とエイリアス「*」は、展開で処理が止まる攻撃を防ぐため受け付けません）。"
        ]
    );
}

#[test]
fn over_size_cap_is_refused_before_parsing() {
    assert_eq!(
        errors("over-size-cap"),
        [
            "resources/huge.yaml:1:1: ファイルが大きすぎます（301 KiB。上限は 256 KiB）。1つのファイルには1件だけを書いてください。"
        ]
    );
}

/// A file far past the cap (64 MiB, sparse) is refused from its size alone: were it
/// read and parsed, this test would take seconds and hundreds of MiB.
#[test]
fn huge_file_is_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for f in ["site.yaml", "categories.yaml"] {
        std::fs::copy(fixture("unknown-field").join(f), dir.join(f)).unwrap();
    }
    std::fs::create_dir(dir.join("resources")).unwrap();
    let file = std::fs::File::create(dir.join("resources/huge.yaml")).unwrap();
    file.set_len(64 * 1024 * 1024).unwrap();
    assert_eq!(
        errors_of(dir),
        [
            "resources/huge.yaml:1:1: ファイルが大きすぎます（65536 KiB。上限は 256 KiB）。1つのファイルには1件だけを書いてください。"
        ]
    );
}

#[test]
fn impossible_schedules() {
    assert_eq!(
        errors("bad-schedule"),
        [
            "resources/kutsukake-salon.yaml:7:24: 項目「schedule.rules[1].monthly_nth[2]」: 第6週はありません。1〜5（第1〜第5）か、最終週は -1 を書いてください。",
            "resources/kutsukake-salon.yaml:8:12: 項目「schedule.rules[1].day」: 曜日「thurs」がわかりません。mon, tue, wed, thu, fri, sat, sun のどれかを書いてください。もしかして「thu」?",
            "resources/kutsukake-salon.yaml:10:13: 項目「schedule.rules[2].time」: 時間「15:00-13:30」は終了が開始より前（または同じ）です。",
            "resources/kutsukake-salon.yaml:11:22: 項目「schedule.rules[3].monthly_date[1]」: 32日という日はありません。1〜31で書いてください。",
            "resources/kutsukake-salon.yaml:13:13: 項目「schedule.dates[1].date」: 2026年2月30日という日付はありません（「2026-02-30」）。",
            "resources/kutsukake-salon.yaml:16:11: 項目「schedule.seasons[1].to」: 9月31日という日はありません（「09-31」）。",
        ]
    );
}

#[test]
fn non_utf8_names_the_first_bad_byte() {
    assert_eq!(
        errors("non-utf8"),
        [
            "resources/sakae-taiso.yaml:2:7: 文字コードがUTF-8ではありません（Shift_JIS などで保存されていませんか）。UTF-8で保存し直してください。"
        ]
    );
}

#[test]
fn malformed_contact_fields() {
    assert_eq!(
        errors("bad-contact"),
        [
            "resources/sakae-taiso.yaml:6:16: 項目「address.postal_code」: 郵便番号「470-114」は 470-1101 のように7桁で書いてください。",
            "resources/sakae-taiso.yaml:8:8: 項目「phone」: 電話番号「0562-92-111」の桁数が正しくありません（9桁あります。この番号は10桁のはずです）。",
            "resources/sakae-taiso.yaml:9:6: 項目「url」: URL「www.example.jp/taiso」は https:// で始まる完全なURLで書いてください。",
            "resources/sakae-taiso.yaml:10:8: 項目「email」: メールアドレス「taiso@example」の形が正しくありません（例: info@example.jp）。",
        ]
    );
}

#[test]
fn category_cycles_unknown_parents_low_contrast_and_duplicates() {
    assert_eq!(
        errors("category-cycle"),
        [
            "categories.yaml:19:11: 項目「parent」: 親カテゴリをたどると「hobby」に戻ってしまいます（hobby → craft → hobby）。",
            "categories.yaml:24:11: 項目「parent」: 親カテゴリをたどると「craft」に戻ってしまいます（craft → hobby → craft）。",
            "categories.yaml:28:10: 項目「color」: 色「#ffcc00」は白地の文字として読みにくい色です（コントラスト比 1.51:1、4.5:1 以上が必要です）。もっと濃い色にしてください。",
            "categories.yaml:29:11: 項目「parent」: 親カテゴリ「kayoinobaa」はありません。もしかして「kayoinoba」?",
            "categories.yaml:30:7: 項目「id」: id「salon」が重複しています（5行目と同じです）。",
        ]
    );
}

#[test]
fn dates_in_the_future() {
    assert_eq!(
        errors("future-date"),
        [
            "resources/sakae-taiso.yaml:7:10: 項目「accepting.as_of」: 受け入れ状況の日付 2099-04-01 が未来になっています（今日は 2026-11-22）。",
            "resources/sakae-taiso.yaml:9:9: 項目「verified.date」: 確認日の日付 2099-04-01 が未来になっています（今日は 2026-11-22）。",
        ]
    );
}

/// Every fixture directory has a test above; a new one without a test fails here.
#[test]
fn every_fixture_is_tested() {
    let mut names: Vec<String> = std::fs::read_dir(fixture(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "alias-bomb",
            "bad-contact",
            "bad-municipal-code",
            "bad-schedule",
            "broken-yaml",
            "category-cycle",
            "duplicate-id",
            "future-date",
            "non-utf8",
            "over-size-cap",
            "swapped-coordinates",
            "unknown-category",
            "unknown-field",
            "wrong-type",
        ]
    );
}
