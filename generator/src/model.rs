//! The validated content model: what the rest of the pipeline (render, search index,
//! exports) sees. Nothing here is built directly from YAML; `load` parses each file into
//! its raw shape and validates it into these types, so a value of these types is known
//! to be well-formed (ids are URL-safe, coordinates lie in Japan, categories exist ...).
//!
//! The YAML shape of each type is documented in README.md ("Content format") and by
//! the full example `content/resources/kutsukake-yunosato-kayoinoba.yaml`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{NaiveDate, NaiveTime};
use serde::Serialize;

/// Everything `content/` holds, validated.
#[derive(Debug, Clone, Serialize)]
pub struct Content {
    pub site: Site,
    /// In file order; parents before children is not guaranteed.
    pub categories: Vec<Category>,
    /// Sorted by id. Includes suspended and closed records: render decides what to show.
    pub resources: Vec<Resource>,
    pub pages: Vec<Page>,
}

/// `content/site.yaml`.
#[derive(Debug, Clone, Serialize)]
pub struct Site {
    pub name: Localized,
    /// 全国地方公共団体コード, 6 digits with a valid check digit (e.g. "232297" for 豊明市).
    pub code: String,
    /// Absolute, without a trailing slash: "https://tsunagu.example.jp".
    pub base_url: String,
    pub map: MapSettings,
    pub contact: Contact,
    /// License of the published data (open data exports, GeoJSON).
    pub data_license: License,
    /// Shown on the top page, newest first.
    pub notices: Vec<Notice>,
    /// Sources to credit on the site (datasets the content was imported from).
    pub credits: Vec<Credit>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Localized {
    pub ja: String,
    pub en: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MapSettings {
    pub center: LatLon,
    pub zoom: u8,
    /// Leaflet-style template, e.g. "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png".
    pub tile_url: String,
    /// HTML allowed (a link to the tile provider).
    pub attribution: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Contact {
    /// The responsible section, e.g. "豊明市 健康福祉部 長寿課".
    pub department: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct License {
    /// e.g. "CC BY 4.0".
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    pub date: NaiveDate,
    pub title: String,
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Credit {
    /// e.g. "国土地理院 指定緊急避難場所・指定避難所データ".
    pub name: String,
    pub url: Option<String>,
    pub license: Option<String>,
}

/// One entry of `content/categories.yaml`.
#[derive(Debug, Clone, Serialize)]
pub struct Category {
    /// `[a-z0-9-]+`; becomes `/categories/<id>/`.
    pub id: String,
    pub name: Localized,
    /// Name of an icon in `themes/<theme>/static/icons/` (without extension).
    pub icon: String,
    /// "#rrggbb"; used for tiles and map markers.
    pub color: String,
    pub parent: Option<String>,
    /// Kind of place for schema.org JSON-LD, e.g. "MedicalClinic"; inherited from the
    /// parent when absent, "Place" at the root.
    pub schema_type: Option<String>,
}

/// A point in WGS84. Always lat/lon in Rust; GeoJSON writes [lon, lat].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

/// One `content/resources/<id>.yaml`.
#[derive(Debug, Clone, Serialize)]
pub struct Resource {
    /// `[a-z0-9][a-z0-9-]*`, at most 80 bytes, equal to the file stem; becomes
    /// `/resources/<id>/` and never changes.
    pub id: String,
    pub name: String,
    /// Reading in hiragana or katakana, used by search and for furigana.
    pub name_kana: Option<String>,
    /// At least one, all known ids; the first is the primary category.
    pub categories: Vec<String>,
    pub tags: Vec<String>,
    /// Markdown source (rendered and sanitised at render time).
    pub description: String,
    pub address: Option<Address>,
    pub location: Option<Location>,
    /// Normalised to half-width digits with hyphens, e.g. "0562-92-1111".
    pub phone: Option<String>,
    pub url: Option<String>,
    pub email: Option<String>,
    /// Operating organisation (運営団体).
    pub organization: Option<String>,
    pub schedule: Schedule,
    pub fees: Option<String>,
    /// Who it is for (対象), free text.
    pub audience: Option<String>,
    pub accessibility: Accessibility,
    pub accepting: Option<Accepting>,
    pub verified: Option<Verified>,
    pub status: Status,
    pub source: Option<Source>,
    /// The file it came from, relative to the content directory (for messages).
    pub file: PathBuf,
}

#[derive(Debug, Clone, Serialize)]
pub struct Address {
    /// "470-1101" form.
    pub postal_code: Option<String>,
    /// Full address as written, e.g. "愛知県豊明市沓掛町森下1-1".
    pub text: String,
    /// 町字 (e.g. "沓掛町"), used for area lists and search; derived from `text` when absent.
    pub town: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Location {
    pub lat: f64,
    pub lon: f64,
    /// True when the point is the representative point of the 町字, not the place itself
    /// (rows imported without coordinates). Shown as such on the page and in the data.
    pub approximate: bool,
}

impl Location {
    pub fn lat_lon(&self) -> LatLon {
        LatLon {
            lat: self.lat,
            lon: self.lon,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    /// "月" .. "日".
    pub fn ja(self) -> &'static str {
        match self {
            Weekday::Mon => "月",
            Weekday::Tue => "火",
            Weekday::Wed => "水",
            Weekday::Thu => "木",
            Weekday::Fri => "金",
            Weekday::Sat => "土",
            Weekday::Sun => "日",
        }
    }

    pub fn to_chrono(self) -> chrono::Weekday {
        match self {
            Weekday::Mon => chrono::Weekday::Mon,
            Weekday::Tue => chrono::Weekday::Tue,
            Weekday::Wed => chrono::Weekday::Wed,
            Weekday::Thu => chrono::Weekday::Thu,
            Weekday::Fri => chrono::Weekday::Fri,
            Weekday::Sat => chrono::Weekday::Sat,
            Weekday::Sun => chrono::Weekday::Sun,
        }
    }
}

/// When a resource is open or meets. Empty when unknown (e.g. shelters, AED).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Schedule {
    pub rules: Vec<ScheduleRule>,
    /// Extra one-off dates (e.g. a seasonal event), each with optional times.
    pub dates: Vec<DatedSession>,
    /// Periods of the year the rules apply in (month-day ranges, may wrap the year end);
    /// empty means all year.
    pub seasons: Vec<Season>,
    pub closed: Closed,
    /// Free text shown as is, e.g. "雨天中止".
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScheduleRule {
    pub when: Recurrence,
    pub time: Option<TimeRange>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Recurrence {
    /// 毎週火曜 / 毎週月・水・金.
    Weekly { days: Vec<Weekday> },
    /// 第2・第4木曜: `nth` in 1..=5 (5 = 第5, which some months lack), or -1 for 最終.
    MonthlyNth { nth: Vec<i8>, day: Weekday },
    /// 毎月15日 (1..=31; months without that day are skipped).
    MonthlyDate { days: Vec<u8> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TimeRange {
    pub start: NaiveTime,
    /// After `start`, on the same day.
    pub end: NaiveTime,
}

#[derive(Debug, Clone, Serialize)]
pub struct DatedSession {
    pub date: NaiveDate,
    pub time: Option<TimeRange>,
    pub note: Option<String>,
}

/// Month-day range, e.g. 04-01 .. 09-30; `from` after `to` wraps the year end.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Season {
    pub from: (u32, u32),
    pub to: (u32, u32),
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Closed {
    /// Closed on 国民の祝日 and 振替休日.
    pub holidays: bool,
    /// Closed on 年末年始 (12/29 – 1/3).
    pub year_end: bool,
    pub dates: Vec<NaiveDate>,
}

/// Yes / no / unknown are three different answers: "unknown" is never shown as "no".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tri {
    Yes,
    No,
    #[default]
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    /// 車椅子で利用できる
    Wheelchair,
    /// 段差なし
    StepFree,
    /// 多目的トイレ
    AccessibleToilet,
    /// オストメイト対応
    Ostomate,
    /// 駐車場
    Parking,
    /// 筆談対応
    WrittenCommunication,
    /// 手話対応
    SignLanguage,
    /// 補助犬同伴可
    AssistanceDog,
    /// 送迎あり
    Pickup,
}

impl Feature {
    pub const ALL: [Feature; 9] = [
        Feature::Wheelchair,
        Feature::StepFree,
        Feature::AccessibleToilet,
        Feature::Ostomate,
        Feature::Parking,
        Feature::WrittenCommunication,
        Feature::SignLanguage,
        Feature::AssistanceDog,
        Feature::Pickup,
    ];

    /// The YAML key.
    pub fn key(self) -> &'static str {
        match self {
            Feature::Wheelchair => "wheelchair",
            Feature::StepFree => "step_free",
            Feature::AccessibleToilet => "accessible_toilet",
            Feature::Ostomate => "ostomate",
            Feature::Parking => "parking",
            Feature::WrittenCommunication => "written_communication",
            Feature::SignLanguage => "sign_language",
            Feature::AssistanceDog => "assistance_dog",
            Feature::Pickup => "pickup",
        }
    }

    pub fn ja(self) -> &'static str {
        match self {
            Feature::Wheelchair => "車椅子",
            Feature::StepFree => "段差なし",
            Feature::AccessibleToilet => "多目的トイレ",
            Feature::Ostomate => "オストメイト",
            Feature::Parking => "駐車場",
            Feature::WrittenCommunication => "筆談",
            Feature::SignLanguage => "手話",
            Feature::AssistanceDog => "補助犬同伴",
            Feature::Pickup => "送迎",
        }
    }
}

/// Every feature has an answer; features the record does not mention are `Unknown`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Accessibility {
    pub features: BTreeMap<Feature, Tri>,
    pub note: Option<String>,
}

impl Accessibility {
    pub fn get(&self, f: Feature) -> Tri {
        self.features.get(&f).copied().unwrap_or_default()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Accepting {
    pub status: AcceptingStatus,
    /// The date the organiser said so.
    pub as_of: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AcceptingStatus {
    /// 空きあり
    Open,
    /// 見学可
    Visit,
    /// 満員
    Full,
}

impl AcceptingStatus {
    pub fn ja(self) -> &'static str {
        match self {
            AcceptingStatus::Open => "空きあり",
            AcceptingStatus::Visit => "見学可",
            AcceptingStatus::Full => "満員",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Verified {
    pub date: NaiveDate,
    pub by: String,
    pub method: VerifyMethod,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VerifyMethod {
    /// 電話
    Phone,
    /// 訪問
    Visit,
    /// 本人申告
    SelfReport,
}

impl VerifyMethod {
    pub fn ja(self) -> &'static str {
        match self {
            VerifyMethod::Phone => "電話",
            VerifyMethod::Visit => "訪問",
            VerifyMethod::SelfReport => "本人申告",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Active,
    /// 休止中: page kept, marked, left out of "near me" and nearby lists.
    Suspended,
    /// 終了: no page is written; the URL answers with the 404 page.
    Closed,
}

/// Where an imported record came from; absent for hand-written records.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    /// Dataset kind as `tsunagu import --list` names it, e.g. "gsi-shelters".
    pub dataset: String,
    /// The row's id in that dataset (共通ID, 事業所番号 ...), stable across editions.
    pub id: String,
    /// Fields the dataset owns: a re-import overwrites these and no others.
    pub fields: Vec<String>,
    /// Date of the import that last touched the record.
    pub imported: Option<NaiveDate>,
}

/// One `content/pages/<slug>.md`, with a YAML front matter (title, description, order).
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// File stem; becomes `/<slug>/`.
    pub slug: String,
    pub title: String,
    pub description: Option<String>,
    /// Position in the footer navigation.
    pub order: i32,
    /// Markdown source.
    pub body: String,
    pub file: PathBuf,
}
