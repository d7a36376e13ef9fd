//! The dataset kinds `tsunagu import` knows, how each is recognised from its columns, and
//! the shared step that gives every row a place on the map.

pub mod gsi;
pub mod medical;
pub mod mhlw;

use std::sync::Arc;

use crate::import::ImportError;
use crate::import::geocode::TownTable;
use crate::import::mapping::{self, Mapping};
use crate::import::record::{AddressDraft, Draft, LocationDraft};
use crate::import::report::{Issue, Skip};
use crate::import::table::{self, Table};
use crate::import::text::{self, Coord};

/// A decoded input file.
pub struct Input<'a> {
    /// As shown in messages (the path given on the command line).
    pub file: Arc<str>,
    pub text: &'a str,
    /// `--city`: rows of other municipalities are only counted.
    pub city: Option<&'a str>,
}

impl Input<'_> {
    /// Whether a row whose municipality is known by these values (団体コード, 市区町村名,
    /// address) is wanted.
    pub fn wants(&self, values: &[&str]) -> bool {
        match self.city {
            None => true,
            Some(c) => values
                .iter()
                .any(|v| !v.is_empty() && (*v == c || v.contains(c))),
        }
    }
}

/// What parsing one file produced.
#[derive(Debug, Default)]
pub struct Parsed {
    pub drafts: Vec<Draft>,
    pub issues: Vec<Issue>,
    /// Data rows read (blank rows included, header and metadata lines not).
    pub read: usize,
    /// Rows left out by `--city` (counted, not listed).
    pub other_city: usize,
}

impl Parsed {
    pub fn skip(
        &mut self,
        file: &Arc<str>,
        row: u64,
        column: impl Into<String>,
        message: impl Into<String>,
        why: Skip,
    ) {
        self.issues.push(Issue {
            file: file.clone(),
            row,
            column: column.into(),
            message: message.into(),
            skip: Some(why),
        });
    }

    pub fn warn(
        &mut self,
        file: &Arc<str>,
        row: u64,
        column: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.issues.push(Issue {
            file: file.clone(),
            row,
            column: column.into(),
            message: message.into(),
            skip: None,
        });
    }
}

/// A kind of dataset.
#[derive(Debug, Clone)]
pub enum Kind {
    GsiEmergency,
    GsiShelter,
    MhlwKaigo,
    MedicalCodes,
    /// A 自治体標準オープンデータセット kind, or a municipality's own mapping file.
    Mapping(Arc<Mapping>),
}

impl Kind {
    pub fn name(&self) -> &str {
        match self {
            Kind::GsiEmergency => "gsi-emergency",
            Kind::GsiShelter => "gsi-shelter",
            Kind::MhlwKaigo => "mhlw-kaigo",
            Kind::MedicalCodes => "medical-codes",
            Kind::Mapping(m) => &m.dataset,
        }
    }

    pub fn title(&self) -> &str {
        match self {
            Kind::GsiEmergency => "国土地理院 指定緊急避難場所（GeoJSON）",
            Kind::GsiShelter => "国土地理院 指定避難所（GeoJSON）",
            Kind::MhlwKaigo => "厚生労働省 介護サービス情報公表システム オープンデータ（CSV）",
            Kind::MedicalCodes => "医療機関コード一覧（地方厚生局、見出し行なし CSV）",
            Kind::Mapping(m) => m.title.as_deref().unwrap_or(&m.dataset),
        }
    }

    /// Fields the dataset owns (`source.fields` of a new record).
    pub fn fields(&self) -> Vec<String> {
        let fixed: &[&str] = match self {
            Kind::GsiEmergency | Kind::GsiShelter => {
                &["name", "tags", "description", "address", "location"]
            }
            Kind::MhlwKaigo => &[
                "name",
                "name_kana",
                "tags",
                "description",
                "address",
                "location",
                "phone",
                "url",
                "email",
                "organization",
                "schedule",
            ],
            Kind::MedicalCodes => &["name", "address", "location"],
            Kind::Mapping(m) => return m.owned_fields(),
        };
        fixed.iter().map(|s| s.to_string()).collect()
    }

    /// The scope a record of this kind belongs to, from its `source.id` (see `Draft::scope`).
    pub fn scope_of(&self, source_id: &str) -> String {
        match self {
            Kind::GsiEmergency | Kind::GsiShelter => source_id.chars().take(6).collect(),
            Kind::MhlwKaigo => source_id
                .splitn(3, '-')
                .take(2)
                .collect::<Vec<_>>()
                .join("-"),
            Kind::MedicalCodes => source_id.chars().take(4).collect(),
            Kind::Mapping(m) => m.scope_of(source_id),
        }
    }

    pub fn parse(&self, input: &Input, towns: &TownTable) -> Result<Parsed, ImportError> {
        match self {
            Kind::GsiEmergency => gsi::parse(input, towns, gsi::Which::Emergency),
            Kind::GsiShelter => gsi::parse(input, towns, gsi::Which::Shelter),
            Kind::MhlwKaigo => mhlw::parse(input, towns),
            Kind::MedicalCodes => medical::parse(input, towns),
            Kind::Mapping(m) => m.parse(input, towns),
        }
    }
}

/// Every built-in kind, for `--list` and `--dataset`.
pub fn builtin() -> Vec<Kind> {
    let mut out = vec![
        Kind::GsiEmergency,
        Kind::GsiShelter,
        Kind::MhlwKaigo,
        Kind::MedicalCodes,
    ];
    out.extend(mapping::standard().iter().cloned().map(Kind::Mapping));
    out
}

pub fn by_name(name: &str) -> Option<Kind> {
    builtin().into_iter().find(|k| k.name() == name)
}

/// Recognises the kind from the file's content: GeoJSON properties, the header row, or the
/// shape of a headerless 医療機関コード row.
pub fn detect(text: &str) -> Option<Kind> {
    let head = text.trim_start_matches('\u{FEFF}').trim_start();
    if head.starts_with('{') {
        return gsi::detect(head);
    }
    if medical::looks_like(head) {
        return Some(Kind::MedicalCodes);
    }
    let rows = table::records(text).ok()?;
    for row in rows.iter().take(20) {
        let folded: Vec<String> = row.cells.iter().map(|c| table::fold_column(c)).collect();
        if mhlw::is_header(&folded) {
            return Some(Kind::MhlwKaigo);
        }
        if let Some(m) = mapping::standard()
            .iter()
            .find(|m| m.matches_header(&folded))
        {
            return Some(Kind::Mapping(m.clone()));
        }
    }
    None
}

/// Reads a phone number. One the file gives without 市外局番 (大分市's 「554-4111」) is no
/// number to dial on its own, and the file does not say which area code it means: it is kept
/// as written in a description line (the second value), never completed by guess. One that is
/// no phone number at all is left empty. Either way a warning names the row and column, and the
/// row is kept.
pub fn checked_phone(
    parsed: &mut Parsed,
    file: &Arc<str>,
    row: u64,
    column: &str,
    raw: &str,
) -> (Option<String>, Option<String>) {
    let raw = raw.trim();
    match text::phone(raw) {
        Ok(p) => (p, None),
        Err(text::PhoneProblem::NoAreaCode) => {
            parsed.warn(
                file,
                row,
                column,
                format!(
                    "「{raw}」に市外局番がないため、電話番号欄には入れず、説明にそのまま載せました"
                ),
            );
            (None, Some(format!("- {column}（市外局番なし）: {raw}")))
        }
        Err(text::PhoneProblem::NotAPhoneNumber) => {
            parsed.warn(
                file,
                row,
                column,
                format!("「{raw}」は電話番号として読めないため、空にしました"),
            );
            (None, None)
        }
    }
}

/// What `place` found.
pub enum Placed {
    Exact(LocationDraft),
    Approximate(LocationDraft),
    Nowhere,
}

/// Gives a row its location: the file's coordinates when they are good (swapped ones put
/// right), otherwise the representative point of the address's 町字, marked approximate.
/// Fills `address.town` from the table either way. Warnings name the row and column.
pub fn place(
    parsed: &mut Parsed,
    file: &Arc<str>,
    row: u64,
    column: &str,
    coord: Coord,
    address: Option<&mut AddressDraft>,
    towns: &TownTable,
) -> Option<LocationDraft> {
    let town = address.as_ref().and_then(|a| towns.locate(&a.text));
    if let (Some(a), Some(t)) = (address, &town)
        && a.town.is_none()
    {
        a.town = Some(t.town.clone());
    }
    let problem = match coord {
        Coord::Ok { lat, lon } => {
            return Some(LocationDraft {
                lat,
                lon,
                approximate: false,
            });
        }
        Coord::Swapped { lat, lon } => {
            parsed.warn(file, row, column, format!("緯度と経度が入れ替わっていたため、入れ替えて取り込みました（緯度 {lat}、経度 {lon}）"));
            return Some(LocationDraft {
                lat,
                lon,
                approximate: false,
            });
        }
        Coord::Missing => None,
        Coord::Zero => Some("座標が 0,0 です".to_string()),
        Coord::OutsideJapan { lat, lon } => Some(format!("座標（{lat}, {lon}）が日本の範囲外です")),
        Coord::Unreadable => Some("座標が数値ではありません".to_string()),
    };
    match town {
        Some(t) => {
            if let Some(p) = problem {
                parsed.warn(
                    file,
                    row,
                    column,
                    format!(
                        "{p}。住所の町字「{}」の代表点に置きました（おおよその位置）",
                        t.town
                    ),
                );
            }
            Some(LocationDraft {
                lat: t.lat,
                lon: t.lon,
                approximate: true,
            })
        }
        None => {
            let p = problem.unwrap_or_else(|| "座標がありません".to_string());
            parsed.warn(
                file,
                row,
                column,
                format!("{p}。住所から町字も特定できないため、地図には載りません"),
            );
            None
        }
    }
}

/// Adds the prefecture (and city) an address leaves out: 「豊明市阿野町…」 → 「愛知県豊明市阿野町…」.
pub fn full_address(text: &str, prefecture: &str, city: &str) -> String {
    if !prefecture.is_empty() && text.starts_with(prefecture) {
        return text.to_string();
    }
    if !city.is_empty() && !text.starts_with(city) && !text.contains(city) {
        // Some rows lack the city too (「川名山町6番地の4」).
        let city_short = city.split_once('郡').map(|(_, c)| c).unwrap_or(city);
        if !text.starts_with(city_short) {
            return format!("{prefecture}{city}{text}");
        }
    }
    format!("{prefecture}{text}")
}

/// The resource id: `<prefix>-<slug>`, at most 80 bytes.
pub fn resource_id(prefix: &str, source_id: &str) -> String {
    let mut id = format!("{prefix}-{}", text::id_part(source_id));
    id.truncate(80);
    id.trim_end_matches('-').to_string()
}

pub fn header_error(input: &Input, e: table::TableError) -> ImportError {
    ImportError::Table {
        file: input.file.to_string(),
        source: e,
    }
}

pub fn read_table(
    input: &Input,
    expected: &str,
    is_header: impl Fn(&[String]) -> bool,
) -> Result<Table, ImportError> {
    let rows = table::records(input.text).map_err(|e| header_error(input, e))?;
    Table::with_header(rows, 30, expected, is_header).map_err(|e| header_error(input, e))
}

/// The 47 prefectures in JIS X 0401 order (code 01 is 北海道).
pub const PREFECTURES: [&str; 47] = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
];

/// 「愛知県豊明市」 → ("愛知県", "豊明市").
pub fn split_prefecture(s: &str) -> (&str, &str) {
    for p in PREFECTURES {
        if let Some(rest) = s.strip_prefix(p) {
            return (&s[..p.len()], rest);
        }
    }
    ("", s)
}
