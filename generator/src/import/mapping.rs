//! Column mappings: how a CSV's columns become resource fields. The 自治体標準オープン
//! データセット kinds are built-in mappings (`standard.yaml`, current and older 推奨 column
//! names side by side); a municipality's own CSV comes with a small mapping file in the
//! same format (see docs/opendata.md).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use chrono::NaiveTime;
use serde::Deserialize;

use crate::import::ImportError;
use crate::import::geocode::TownTable;
use crate::import::kinds::{
    self, Input, Parsed, checked_phone, full_address, place, read_table, split_prefecture,
};
use crate::import::record::{AddressDraft, DatedDraft, Draft, FIELD_ORDER};
use crate::import::report::Skip;
use crate::import::table::Row;
use crate::import::text::{self, Coord, UrlValue};
use crate::model::{Feature, Tri};

const STANDARD: &str = include_str!("standard.yaml");

/// One column name or several alternatives (the first present in the header is used).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(untagged)]
pub enum Cols {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl Cols {
    fn names(&self) -> Vec<&str> {
        match self {
            Cols::None => vec![],
            Cols::One(s) => vec![s.as_str()],
            Cols::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

/// A mapping file (YAML). Every key but `dataset` and `fields.name` is optional.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// `source.dataset` of the records: names the dataset for re-imports.
    pub dataset: String,
    /// Shown by `--list`.
    #[serde(default)]
    pub title: Option<String>,
    /// Resource ids are `<id_prefix>-<scope>-<id>`; defaults to `dataset`.
    #[serde(default)]
    pub id_prefix: Option<String>,
    /// Column(s) holding the row's id; several are joined with '-'. Without one in the
    /// header, the id is derived from the name and address.
    #[serde(default)]
    pub id: Cols,
    /// Column whose value groups rows (the 団体コード); a re-import only closes records of
    /// the scopes it contains.
    #[serde(default)]
    pub scope: Cols,
    /// Category of every row, unless `categories` says otherwise.
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub categories: Option<CategoryRule>,
    pub fields: Fields,
    /// Accessibility feature key (wheelchair, accessible_toilet …) → column(s) of 有/無, 1/0, ○ or counts.
    #[serde(default)]
    pub accessibility: BTreeMap<String, Cols>,
    /// Rows where none of these columns is truthy are not imported (reported as 取り込み対象外).
    #[serde(default)]
    pub require_any: Option<Require>,
    /// The columns that must all appear in a header for `--dataset` to be guessed.
    #[serde(default)]
    pub detect: Vec<Cols>,
    /// Fields the dataset owns; defaults to every field the mapping fills.
    #[serde(default)]
    pub owned: Option<Vec<String>>,
    /// Fixed tags added to every row.
    #[serde(default)]
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Require {
    pub columns: Vec<String>,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryRule {
    /// Column whose value picks the category.
    #[serde(default)]
    pub column: Cols,
    /// Value (or a word it contains) → category id.
    #[serde(default)]
    pub values: BTreeMap<String, String>,
    /// Word in the name → category id, tried when the column gives nothing (病院 → hospital).
    #[serde(default)]
    pub by_name: Vec<(String, String)>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Fields {
    pub name: Cols,
    #[serde(default)]
    pub name_kana: Cols,
    /// The whole address (所在地_連結表記, 住所), first non-empty wins.
    #[serde(default)]
    pub address: Cols,
    /// Parts joined when `address` is empty (所在地_都道府県, 所在地_市区町村 …).
    #[serde(default)]
    pub address_parts: Vec<String>,
    /// Building name appended to the address (方書).
    #[serde(default)]
    pub address_extra: Cols,
    #[serde(default)]
    pub prefecture: Cols,
    #[serde(default)]
    pub city: Cols,
    #[serde(default)]
    pub postal_code: Cols,
    #[serde(default)]
    pub lat: Cols,
    #[serde(default)]
    pub lon: Cols,
    /// One cell "lat,lon" (高松市's `location`).
    #[serde(default)]
    pub latlon: Cols,
    #[serde(default)]
    pub phone: Cols,
    #[serde(default)]
    pub url: Cols,
    #[serde(default)]
    pub email: Cols,
    #[serde(default)]
    pub organization: Cols,
    /// Every non-empty column becomes a line "列名: 値".
    #[serde(default)]
    pub description: Vec<String>,
    #[serde(default)]
    pub fees: Cols,
    #[serde(default)]
    pub audience: Cols,
    /// Every non-empty column becomes part of the schedule note.
    #[serde(default)]
    pub schedule_note: Vec<String>,
    /// Event date and times (イベント).
    #[serde(default)]
    pub date: Cols,
    #[serde(default)]
    pub start_time: Cols,
    #[serde(default)]
    pub end_time: Cols,
    /// Every non-empty value becomes a tag.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Columns holding a date, western or Japanese era (「H23. 3. 1」, 「令和 02年05月01日」) or a
    /// period (「令和6年1月1日～令和11年12月31日」): each becomes a description line "列名: 2011-03-01".
    #[serde(default)]
    pub dates: Vec<String>,
    /// Flag columns (○, 1, 有 …): the name of each column that is set becomes a tag
    /// (熊本市's 病院一覧 marks each 診療科 with ○ in a column of its own).
    #[serde(default)]
    pub flag_tags: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    #[error("{file}: マッピングファイルの形式が正しくありません: {reason}")]
    Yaml { file: String, reason: String },
    #[error("{file}: {field}: {reason}")]
    Invalid {
        file: String,
        field: String,
        reason: String,
    },
}

/// The built-in 自治体標準オープンデータセット kinds.
pub fn standard() -> &'static [Arc<Mapping>] {
    static STD: OnceLock<Vec<Arc<Mapping>>> = OnceLock::new();
    STD.get_or_init(|| {
        // `<<: *common` merge keys are resolved on the generic value first.
        let mut v: serde_yaml::Value =
            serde_yaml::from_str(STANDARD).expect("standard.yaml is YAML (checked by a test)");
        v.apply_merge().expect("standard.yaml merge keys resolve");
        if let Some(seq) = v.as_sequence_mut() {
            for item in seq {
                item.apply_merge()
                    .expect("standard.yaml merge keys resolve");
                if let Some(f) = item.get_mut("fields") {
                    f.apply_merge().expect("standard.yaml merge keys resolve");
                }
            }
        }
        let list: Vec<Mapping> =
            serde_yaml::from_value(v).expect("standard.yaml is valid (checked by a test)");
        list.into_iter().map(Arc::new).collect()
    })
}

impl Mapping {
    pub fn from_yaml(file: &str, text: &str) -> Result<Mapping, MappingError> {
        let m: Mapping = serde_yaml::from_str(text).map_err(|e| MappingError::Yaml {
            file: file.to_string(),
            reason: e.to_string(),
        })?;
        let bad = |field: &str, reason: String| MappingError::Invalid {
            file: file.to_string(),
            field: field.to_string(),
            reason,
        };
        if text::slug(&m.dataset) != m.dataset {
            return Err(bad(
                "dataset",
                format!(
                    "「{}」には半角英小文字・数字・ハイフンだけが使えます",
                    m.dataset
                ),
            ));
        }
        if m.fields.name.names().is_empty() {
            return Err(bad("fields.name", "名称の列を指定してください".into()));
        }
        for k in m.accessibility.keys() {
            if !Feature::ALL.iter().any(|f| f.key() == k) {
                return Err(bad(
                    "accessibility",
                    format!(
                        "「{k}」は知らない項目です（{}）",
                        Feature::ALL.map(|f| f.key()).join(", ")
                    ),
                ));
            }
        }
        if let Some(o) = &m.owned {
            for f in o {
                if !FIELD_ORDER.contains(&f.as_str()) {
                    return Err(bad(
                        "owned",
                        format!(
                            "「{f}」は取り込みで管理できる項目ではありません（{}）",
                            FIELD_ORDER.join(", ")
                        ),
                    ));
                }
            }
        }
        Ok(m)
    }

    fn prefix(&self) -> &str {
        self.id_prefix.as_deref().unwrap_or(&self.dataset)
    }

    pub fn owned_fields(&self) -> Vec<String> {
        if let Some(o) = &self.owned {
            return o.clone();
        }
        let f = &self.fields;
        let has = |c: &Cols| !c.names().is_empty();
        let mut out = vec!["name"];
        if has(&f.name_kana) {
            out.push("name_kana");
        }
        if !f.tags.is_empty() || !f.flag_tags.is_empty() || !self.tags.is_empty() {
            out.push("tags");
        }
        out.push("description");
        out.push("address");
        out.push("location");
        for (c, k) in [
            (&f.phone, "phone"),
            (&f.url, "url"),
            (&f.email, "email"),
            (&f.organization, "organization"),
        ] {
            if has(c) || (k == "email" && has(&f.url)) {
                out.push(k);
            }
        }
        if !f.schedule_note.is_empty() || has(&f.date) {
            out.push("schedule");
        }
        if has(&f.fees) {
            out.push("fees");
        }
        if has(&f.audience) {
            out.push("audience");
        }
        if !self.accessibility.is_empty() {
            out.push("accessibility");
        }
        out.into_iter().map(String::from).collect()
    }

    pub fn scope_of(&self, source_id: &str) -> String {
        if self.scope.names().is_empty() {
            String::new()
        } else {
            source_id
                .split_once('-')
                .map(|(s, _)| s.to_string())
                .unwrap_or_default()
        }
    }

    pub fn matches_header(&self, folded: &[String]) -> bool {
        !self.detect.is_empty()
            && self.detect.iter().all(|alts| {
                alts.names().iter().any(|n| {
                    let f = crate::import::table::fold_column(n);
                    folded.contains(&f)
                })
            })
    }

    pub fn parse(&self, input: &Input, towns: &TownTable) -> Result<Parsed, ImportError> {
        let names = self.fields.name.names();
        let t = read_table(input, &names.join("・"), |folded| {
            names
                .iter()
                .any(|n| folded.contains(&crate::import::table::fold_column(n)))
        })?;
        let col = |c: &Cols| t.col(&c.names());
        let cols = |v: &[String]| {
            v.iter()
                .filter_map(|n| t.col(&[n.as_str()]).map(|i| (n.clone(), i)))
                .collect::<Vec<_>>()
        };
        let id_cols: Vec<usize> = match &self.id {
            Cols::None => vec![],
            c => c
                .names()
                .iter()
                .filter_map(|n| t.col(&[n]))
                .take(1)
                .collect(),
        };
        let f = &self.fields;
        let name_c = col(&f.name);
        let scope_c = col(&self.scope);
        let (lat_c, lon_c, latlon_c) = (col(&f.lat), col(&f.lon), col(&f.latlon));
        let addr_c = f
            .address
            .names()
            .iter()
            .filter_map(|n| t.col(&[n]))
            .collect::<Vec<_>>();
        let parts_c = cols(&f.address_parts);
        let desc_c = cols(&f.description);
        let sched_c = cols(&f.schedule_note);
        let tag_c = cols(&f.tags);
        let date_c = cols(&f.dates);
        let flag_tag_c = cols(&f.flag_tags);
        let acc: Vec<(Feature, Vec<usize>)> = self
            .accessibility
            .iter()
            .filter_map(|(k, c)| {
                let feat = Feature::ALL.into_iter().find(|f| f.key() == k)?;
                Some((feat, c.names().iter().filter_map(|n| t.col(&[n])).collect()))
            })
            .collect();
        let require: Option<(Vec<usize>, &str)> = self.require_any.as_ref().map(|r| {
            (
                r.columns
                    .iter()
                    .filter_map(|n| t.col(&[n.as_str()]))
                    .collect(),
                r.reason.as_str(),
            )
        });
        let cat_c = self.categories.as_ref().and_then(|r| col(&r.column));
        let mut out = Parsed::default();
        let file = &input.file;
        let mut seen: HashMap<String, u64> = HashMap::new();
        for r in &t.rows {
            out.read += 1;
            let line = r.line;
            if !input.wants(&[
                r.get(scope_c).trim(),
                r.get(col(&f.city)).trim(),
                r.get(addr_c.first().copied()).trim(),
            ]) {
                out.other_city += 1;
                continue;
            }
            if r.is_blank() {
                out.skip(file, line, "", "空行です", Skip::Blank);
                continue;
            }
            if r.cells.first().is_some_and(|c| c.starts_with('#')) {
                out.skip(
                    file,
                    line,
                    "",
                    format!("「{}」で始まるメタデータ行です", r.cells[0]),
                    Skip::Metadata,
                );
                continue;
            }
            let Some(name) = text::name(r.get(name_c)) else {
                // 大分市's 診療所一覧 ends with a totals row (病床数 1304, 4, 1308) and no name.
                let only_numbers = r
                    .cells
                    .iter()
                    .all(|c| c.trim().is_empty() || text::number(c).is_some());
                out.skip(
                    file,
                    line,
                    t.name(name_c, names[0]),
                    if only_numbers {
                        "名称が空で、数値だけの行です（合計行とみられます）"
                    } else {
                        "名称が空です"
                    },
                    Skip::MissingName,
                );
                continue;
            };
            if let Some((rc, reason)) = &require
                && !rc.is_empty()
                && !rc.iter().any(|&i| text::flag(r.get(Some(i))) == Some(true))
            {
                out.skip(file, line, "", reason.to_string(), Skip::NotApplicable);
                continue;
            }
            let pref = first(r, col(&f.prefecture));
            let city = first(r, col(&f.city));
            let mut addr = addr_c.iter().find_map(|&i| text::address(r.get(Some(i))));
            if addr.is_none() && !parts_c.is_empty() {
                let joined: String = parts_c
                    .iter()
                    .map(|(_, i)| r.get(Some(*i)).trim())
                    .collect();
                addr = text::address(&joined);
            }
            let mut address = addr.map(|a| {
                let mut text = if split_prefecture(&a).0.is_empty() && !pref.is_empty() {
                    full_address(&a, &pref, &city)
                } else {
                    a
                };
                if let Some(extra) = text::address(r.get(col(&f.address_extra)))
                    && !text.ends_with(&extra)
                {
                    text = format!("{text} {extra}");
                }
                AddressDraft {
                    postal_code: text::postal_code(r.get(col(&f.postal_code))),
                    text,
                    town: None,
                }
            });
            let scope = scope_c
                .map(|i| text::address(r.get(Some(i))).unwrap_or_default())
                .unwrap_or_default();
            let raw_id = if id_cols.is_empty() {
                // No id column: the name and address identify the row across editions.
                format!(
                    "{name}|{}",
                    address.as_ref().map(|a| a.text.as_str()).unwrap_or("")
                )
            } else {
                match text::non_empty(r.get(Some(id_cols[0]))) {
                    Some(v) => v,
                    None => {
                        out.skip(
                            file,
                            line,
                            t.name(Some(id_cols[0]), "ID"),
                            "ID が空です",
                            Skip::MissingId,
                        );
                        continue;
                    }
                }
            };
            let source_id = if scope_c.is_some() {
                format!("{scope}-{raw_id}")
            } else {
                raw_id.clone()
            };
            if let Some(first) = seen.get(&source_id) {
                out.skip(
                    file,
                    line,
                    t.name(id_cols.first().copied(), "ID"),
                    format!("ID「{raw_id}」は {first} 行目と重複しています"),
                    Skip::Duplicate,
                );
                continue;
            }
            seen.insert(source_id.clone(), line);
            let category = match self.category_for(r, cat_c, &name) {
                Some(c) => c,
                None => {
                    out.skip(
                        file,
                        line,
                        t.name(cat_c, "カテゴリ"),
                        format!(
                            "「{}」に当てはまるカテゴリがありません",
                            r.get(cat_c).trim()
                        ),
                        Skip::NotApplicable,
                    );
                    continue;
                }
            };
            let (coord, coord_col) = if let Some(i) = latlon_c {
                let cell = r.get(Some(i));
                let (a, b) = cell.split_once(',').unwrap_or((cell, ""));
                (text::coord(a, b), t.name(Some(i), "location"))
            } else if lat_c.is_some() || lon_c.is_some() {
                (
                    text::coord(r.get(lat_c), r.get(lon_c)),
                    format!("{}/{}", t.name(lat_c, "緯度"), t.name(lon_c, "経度")),
                )
            } else {
                (Coord::Missing, "住所".to_string())
            };
            let location = place(
                &mut out,
                file,
                line,
                &coord_col,
                coord,
                address.as_mut(),
                towns,
            );
            let tel_c = col(&f.phone);
            let (phone, local_phone) = checked_phone(
                &mut out,
                file,
                line,
                &t.name(tel_c, "電話番号"),
                r.get(tel_c),
            );
            let url_c = col(&f.url);
            let raw_url = r.get(url_c).trim();
            let mut email = text::non_empty(r.get(col(&f.email))).filter(|e| e.contains('@'));
            let url = match text::url(raw_url) {
                Some(UrlValue::Url(u)) => Some(u),
                Some(UrlValue::Email(e)) => {
                    out.warn(
                        file,
                        line,
                        t.name(url_c, "URL"),
                        format!("「{raw_url}」はメールアドレスなので email に入れました"),
                    );
                    email = email.or(Some(e));
                    None
                }
                None => {
                    if !raw_url.is_empty() {
                        out.warn(
                            file,
                            line,
                            t.name(url_c, "URL"),
                            format!("「{raw_url}」は URL として読めないため、空にしました"),
                        );
                    }
                    None
                }
            };
            let mut lines: Vec<String> = desc_c
                .iter()
                .filter_map(|(n, i)| {
                    // A line break inside a cell is where the spreadsheet wrapped the text.
                    text::free(r.get(Some(*i))).map(|v| {
                        format!(
                            "- {n}: {}",
                            v.split('\n').map(str::trim).collect::<Vec<_>>().join(" ")
                        )
                    })
                })
                .collect();
            for (n, i) in &date_c {
                let raw = r.get(Some(*i)).trim();
                if raw.is_empty() {
                    continue;
                }
                match text::date_text(raw) {
                    Some(d) => lines.push(format!("- {n}: {d}")),
                    None => {
                        out.warn(
                            file,
                            line,
                            n.as_str(),
                            format!(
                                "「{raw}」は日付として読めないため、説明に書かれたとおり載せました"
                            ),
                        );
                        lines.push(format!("- {n}: {raw}"));
                    }
                }
            }
            lines.extend(local_phone);
            let description = (!lines.is_empty()).then(|| lines.join("\n"));
            let notes: Vec<String> = sched_c
                .iter()
                .filter_map(|(n, i)| {
                    let v = text::free(r.get(Some(*i)))?;
                    // Times in a time column read alike whatever the file wrote
                    // (「0」 and 「24:00:00」 in 石川県's AED list, 「8:30」 elsewhere).
                    let folded = crate::import::table::fold_column(n);
                    let v = if folded.ends_with("時間") || folded.ends_with("time") {
                        text::clock(&v).unwrap_or(v)
                    } else {
                        v
                    };
                    Some(format!("{n}: {v}"))
                })
                .collect();
            let mut dates = Vec::new();
            if let Some(d) = text::date(r.get(col(&f.date))) {
                let time = match (
                    parse_time(r.get(col(&f.start_time))),
                    parse_time(r.get(col(&f.end_time))),
                ) {
                    (Some(s), Some(e)) if e > s => Some((s, e)),
                    _ => None,
                };
                dates.push(DatedDraft { date: d, time });
            } else if !r.get(col(&f.date)).trim().is_empty() {
                out.warn(
                    file,
                    line,
                    t.name(col(&f.date), "開始日"),
                    format!("「{}」は日付として読めません", r.get(col(&f.date)).trim()),
                );
            }
            let mut tags = self.tags.clone();
            for (_, i) in &tag_c {
                if let Some(v) = text::name(r.get(Some(*i)))
                    && !tags.contains(&v)
                {
                    tags.push(v);
                }
            }
            for (n, i) in &flag_tag_c {
                if text::flag(r.get(Some(*i))) == Some(true) && !tags.contains(n) {
                    tags.push(n.clone());
                }
            }
            let accessibility = acc
                .iter()
                .filter_map(|(feat, cs)| {
                    let v = cs.iter().find_map(|&i| text::flag(r.get(Some(i))))?;
                    Some((*feat, if v { Tri::Yes } else { Tri::No }))
                })
                .collect();
            out.drafts.push(Draft {
                line,
                id: kinds::resource_id(
                    &if scope.is_empty() {
                        self.prefix().to_string()
                    } else {
                        format!("{}-{}", self.prefix(), text::slug(&scope))
                    },
                    &raw_id,
                ),
                scope,
                source_id,
                name,
                name_kana: text::kana(r.get(col(&f.name_kana))),
                categories: vec![category],
                tags,
                description,
                address,
                location,
                phone,
                url,
                email,
                organization: text::name(r.get(col(&f.organization))),
                schedule_note: (!notes.is_empty()).then(|| notes.join("。")),
                dates,
                fees: text::free(r.get(col(&f.fees))),
                audience: text::free(r.get(col(&f.audience))),
                accessibility,
                file: file.clone(),
            });
        }
        Ok(out)
    }

    fn category_for(&self, r: &Row, cat_c: Option<usize>, name: &str) -> Option<String> {
        if let Some(rule) = &self.categories {
            let v = r.get(cat_c).trim();
            if !v.is_empty() {
                if let Some(c) = rule.values.get(v) {
                    return Some(c.clone());
                }
                if let Some((_, c)) = rule.values.iter().find(|(k, _)| v.contains(k.as_str())) {
                    return Some(c.clone());
                }
            }
            if let Some((_, c)) = rule.by_name.iter().find(|(w, _)| name.contains(w.as_str())) {
                return Some(c.clone());
            }
        }
        self.category.clone()
    }
}

fn first(r: &Row, c: Option<usize>) -> String {
    text::non_empty(r.get(c)).unwrap_or_default()
}

/// "9:00", "09:00:00", "9時30分".
pub fn parse_time(s: &str) -> Option<NaiveTime> {
    use unicode_normalization::UnicodeNormalization;
    let n: String = s.nfkc().collect();
    let n = n.trim().replace('時', ":").replace('分', "");
    let mut it = n.split(':');
    let h: u32 = it.next()?.trim().parse().ok()?;
    let m: u32 = it
        .next()
        .map(|m| m.trim().parse().unwrap_or(0))
        .unwrap_or(0);
    NaiveTime::from_hms_opt(h.min(23), m, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_standard_kinds_parse() {
        let s = standard();
        assert!(s.len() >= 8);
        for m in s {
            assert!(!m.detect.is_empty(), "{} needs detect columns", m.dataset);
        }
    }

    #[test]
    fn mapping_errors_name_the_field() {
        let e = Mapping::from_yaml(
            "m.yaml",
            "dataset: Toyoake Salons\nfields: { name: 名称 }\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("dataset"), "{e}");
        let e = Mapping::from_yaml(
            "m.yaml",
            "dataset: salons\nfields: { name: 名称 }\naccessibility: { lift: エレベーター }\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("lift"), "{e}");
    }

    #[test]
    fn dates_and_times() {
        use chrono::NaiveDate;
        assert_eq!(
            text::date("２０２６年４月１日"),
            NaiveDate::from_ymd_opt(2026, 4, 1)
        );
        assert_eq!(parse_time("9時30分"), NaiveTime::from_hms_opt(9, 30, 0));
    }
}
