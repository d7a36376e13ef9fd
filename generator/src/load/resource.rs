//! One `resources/<id>.yaml` → `model::Resource`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use super::decode::{Ctx, MapView};
use super::geo::{self, check_point};
use super::normalize;
use super::site::opt_checked;
use super::suggest::suggest;
use super::yaml::{Node, Value};
use crate::model::{
    Accepting, AcceptingStatus, Accessibility, Address, Feature, LatLon, Location, Resource,
    Source, Status, Tri, Verified, VerifyMethod,
};

pub const FIELDS: &[&str] = &[
    "id",
    "name",
    "name_kana",
    "categories",
    "tags",
    "description",
    "address",
    "location",
    "phone",
    "url",
    "email",
    "organization",
    "schedule",
    "fees",
    "audience",
    "accessibility",
    "accepting",
    "verified",
    "status",
    "source",
];

/// A point farther than this from the map centre is flagged as a likely typo, for a
/// town's map (zoom 12 and closer); see [`far_km`].
const FAR_KM: f64 = 30.0;

/// How far from the map centre a point may lie before it is flagged: 30 km for a town
/// (zoom 12 or closer), twice that for each zoom level further out, since a map that
/// shows a prefecture (zoom 9: 240 km) or the whole country (zoom 5: 3,840 km) covers
/// places that far away.
pub fn far_km(zoom: u8) -> f64 {
    FAR_KM * f64::from(1u32 << 12u8.saturating_sub(zoom).min(12))
}
/// A verification older than this is flagged: the facts may have changed.
const STALE_VERIFIED_DAYS: i64 = 365;
/// "空きあり" said more than half a year ago is likely out of date.
const STALE_ACCEPTING_DAYS: i64 = 183;

/// What a resource needs to know about the rest of the content.
pub struct Context<'a> {
    pub categories: &'a HashSet<String>,
    /// Japanese category name → id, to suggest `salon` for `サロン`.
    pub category_names: &'a HashMap<String, String>,
    /// The municipality's name (e.g. 豊明市), to find the 町字 in an address.
    pub municipality: &'a str,
    /// The map centre of site.yaml and how far from it a point may lie ([`far_km`] of
    /// the map's zoom), to flag points far outside the area the site covers.
    pub center: Option<(LatLon, f64)>,
}

pub fn decode(cx: &mut Ctx, root: &Node, stem: &str, ctx: &Context<'_>) -> Option<Resource> {
    let m = cx.map(root, "", FIELDS)?;
    let id = cx.req_str(&m, "id").and_then(|id| {
        let pos = m.get("id").map_or(m.pos, |n| n.pos);
        if let Err(msg) = normalize::check_id(&id) {
            cx.error(pos, "id", msg);
            return None;
        }
        if id != stem {
            cx.error(pos, "id", format!("id「{id}」がファイル名「{stem}.yaml」と違います。ファイル名を {id}.yaml にするか、id を {stem} にしてください。"));
            return None;
        }
        Some(id)
    });
    let name = cx.req_str(&m, "name").map(trimmed);
    let name_kana = cx.opt_str(&m, "name_kana").map(trimmed);
    if let (Some(k), Some(n)) = (&name_kana, m.get("name_kana"))
        && !normalize::is_kana(k)
    {
        cx.warn(
            n.pos,
            "name_kana",
            format!("読み「{k}」にひらがな・カタカナ以外の文字があります。"),
        );
    }
    let categories = categories(cx, &m, ctx);
    let tags: Vec<String> = match m.get("tags") {
        Some(n) => {
            let mut t: Vec<String> = cx
                .str_list(n, "tags")
                .into_iter()
                .map(|(s, _)| trimmed(s))
                .collect();
            // The first of equal tags is kept. A record has a few tags, for which a scan
            // is cheaper than hashing; a long list (up to the file size cap) is hashed.
            if t.len() <= 16 {
                let mut i = 0;
                while i < t.len() {
                    if t[..i].contains(&t[i]) {
                        t.remove(i);
                    } else {
                        i += 1;
                    }
                }
            } else {
                let mut seen = HashSet::new();
                t.retain(|x| seen.insert(x.clone()));
            }
            t
        }
        None => Vec::new(),
    };
    let description = cx.opt_str(&m, "description").unwrap_or_default();
    let address = m
        .get("address")
        .filter(|n| !n.is_null())
        .map(|n| address(cx, n, ctx.municipality));
    let location = m
        .get("location")
        .filter(|n| !n.is_null())
        .map(|n| location(cx, n, ctx.center));
    let phone = opt_checked(cx, &m, "phone", normalize::phone);
    let url = opt_checked(cx, &m, "url", normalize::url);
    let email = opt_checked(cx, &m, "email", normalize::email);
    let organization = cx.opt_str(&m, "organization");
    let schedule = m
        .get("schedule")
        .map(|n| super::schedule::decode(cx, n))
        .unwrap_or_default();
    let fees = cx.opt_str(&m, "fees");
    let audience = cx.opt_str(&m, "audience");
    let accessibility = m
        .get("accessibility")
        .filter(|n| !n.is_null())
        .map(|n| accessibility(cx, n));
    let accepting = m
        .get("accepting")
        .filter(|n| !n.is_null())
        .map(|n| accepting(cx, n));
    let verified = m
        .get("verified")
        .filter(|n| !n.is_null())
        .map(|n| verified(cx, n));
    let status = match m.get("status") {
        Some(n) if !n.is_null() => keyword(
            cx,
            n,
            "status",
            &[
                ("active", Status::Active),
                ("suspended", Status::Suspended),
                ("closed", Status::Closed),
            ],
            &[
                ("公開", Status::Active),
                ("休止中", Status::Suspended),
                ("休止", Status::Suspended),
                ("終了", Status::Closed),
            ],
        ),
        _ => Some(Status::Active),
    };
    let source = m
        .get("source")
        .filter(|n| !n.is_null())
        .map(|n| source(cx, n));
    if name_kana.is_none() && source.is_none() {
        cx.warn(
            m.pos,
            "name_kana",
            "読みがありません。検索やふりがなに使うので、ひらがなかカタカナで書いてください。",
        );
    }
    Some(Resource {
        id: id?,
        name: name?,
        name_kana,
        categories: categories?,
        tags,
        description,
        address: address.flatten(),
        location: location.flatten(),
        phone: phone?,
        url: url?,
        email: email?,
        organization,
        schedule,
        fees,
        audience,
        accessibility: accessibility.flatten().unwrap_or_default(),
        accepting: accepting.flatten(),
        verified: verified.flatten(),
        status: status?,
        source: source.flatten(),
        file: cx.file.to_owned(),
    })
    .filter(|_| !cx.has_errors())
}

fn categories(cx: &mut Ctx, m: &MapView<'_, '_>, ctx: &Context<'_>) -> Option<Vec<String>> {
    let Some(n) = m.get("categories") else {
        cx.error(
            m.pos,
            "categories",
            "必須の項目がありません（categories.yaml の id を1つ以上、例: [salon]）。",
        );
        return None;
    };
    let items = cx.str_list(n, "categories");
    if items.is_empty() {
        cx.error(
            n.pos,
            "categories",
            "カテゴリを1つ以上書いてください（例: [salon]）。",
        );
        return None;
    }
    let mut out = Vec::new();
    let mut ok = true;
    for (c, pos) in items {
        let c = trimmed(c);
        if ctx.categories.contains(&c) {
            if !out.contains(&c) {
                out.push(c);
            }
            continue;
        }
        ok = false;
        let s =
            ctx.category_names.get(&c).cloned().or_else(|| {
                suggest(&c, ctx.categories.iter().map(String::as_str)).map(str::to_owned)
            });
        cx.error_suggest(
            pos,
            "categories",
            &format!("不明なカテゴリ「{c}」です。"),
            s,
        );
    }
    ok.then_some(out)
}

fn address(cx: &mut Ctx, n: &Node, municipality: &str) -> Option<Address> {
    let m = cx.map(n, "address", &["postal_code", "text", "town"])?;
    let postal_code = opt_checked(cx, &m, "postal_code", normalize::postal_code);
    let text = cx.req_str(&m, "text").map(trimmed);
    let town = cx
        .opt_str(&m, "town")
        .or_else(|| text.as_deref().and_then(|t| derive_town(t, municipality)));
    Some(Address {
        postal_code: postal_code?,
        text: text?,
        town,
    })
}

/// `s` without surrounding whitespace, reusing `s` when there is none (the usual case).
fn trimmed(s: String) -> String {
    if s.trim().len() == s.len() {
        s
    } else {
        s.trim().to_owned()
    }
}

/// The 町字 of an address: what follows the prefecture and municipality, up to and
/// including the first 丁目 or 町, else up to the first digit. 大字 and 字 are dropped.
pub fn derive_town(text: &str, municipality: &str) -> Option<String> {
    let mut rest = text.trim();
    if let Some(i) = rest.find(municipality).filter(|_| !municipality.is_empty()) {
        rest = &rest[i + municipality.len()..];
    } else {
        for sep in ["都", "道", "府", "県"] {
            if let Some(i) = rest.find(sep).filter(|i| *i <= 12) {
                rest = &rest[i + sep.len()..];
                break;
            }
        }
        // Cut the municipality: the first 市, 区, 町 or 村 after a 郡 if any.
        if let Some(i) = rest.find('郡') {
            rest = &rest[i + '郡'.len_utf8()..];
        }
        if let Some(i) = rest.find(['市', '区', '村']) {
            rest = &rest[i + 3..];
        }
    }
    let rest = rest.trim_start_matches("大字").trim();
    let cut = if let Some(i) = rest.find("丁目") {
        i + "丁目".len()
    } else if let Some(i) = rest.find('町') {
        i + '町'.len_utf8()
    } else if let Some(i) = rest.find('字') {
        i
    } else {
        rest.find(|c: char| {
            c.is_ascii_digit() || ('０'..='９').contains(&c) || c == '番' || c == '-'
        })
        .unwrap_or(rest.len())
    };
    let town = rest[..cut].trim();
    (!town.is_empty()).then(|| town.to_owned())
}

fn location(cx: &mut Ctx, n: &Node, center: Option<(LatLon, f64)>) -> Option<Location> {
    let m = cx.map(n, "location", &["lat", "lon", "approximate"])?;
    let lat = match m.get("lat") {
        Some(v) => cx.f64(v, "location.lat"),
        None => {
            cx.error(m.pos, "location.lat", "必須の項目がありません（緯度）。");
            None
        }
    };
    let lon = match m.get("lon") {
        Some(v) => cx.f64(v, "location.lon"),
        None => {
            cx.error(m.pos, "location.lon", "必須の項目がありません（経度）。");
            None
        }
    };
    let approximate = match m.get("approximate") {
        Some(v) => cx.bool(v, "location.approximate"),
        None => Some(false),
    };
    let (lat, lon) = (lat?, lon?);
    if let Err(msg) = check_point(lat, lon) {
        let pos = m.get("lat").map_or(m.pos, |n| n.pos);
        cx.error(pos, "location", msg);
        return None;
    }
    // A digit dropped or added (35.5 for 35.05) still lands in Japan; distance from the
    // map centre catches it. A warning: a shelter may lie in the next town.
    if let Some((c, far)) = center {
        let km = geo::distance_km(c.lat, c.lon, lat, lon);
        if km > far {
            let pos = m.get("lat").map_or(m.pos, |n| n.pos);
            cx.warn(pos, "location", format!("地図の中心から {km:.0} km 離れています。緯度・経度の桁が正しいか確かめてください（lat: {lat}, lon: {lon}）。"));
        }
    }
    Some(Location {
        lat,
        lon,
        approximate: approximate?,
    })
}

/// A value out of a small fixed vocabulary (English keys, plus Japanese aliases).
fn keyword<T: Copy>(
    cx: &mut Ctx,
    n: &Node,
    field: &str,
    keys: &[(&str, T)],
    aliases: &[(&str, T)],
) -> Option<T> {
    if let Some(v) = known_keyword(n, keys, aliases) {
        return Some(v);
    }
    let text = cx.string(n, field)?;
    let t = text.trim();
    let names: Vec<&str> = keys.iter().map(|(k, _)| *k).collect();
    let s = suggest(t, names.iter().copied()).map(str::to_owned);
    cx.error_suggest(
        n.pos,
        field,
        &format!(
            "「{t}」は使えません。{} のどれかを書いてください。",
            names.join(" / ")
        ),
        s,
    );
    None
}

/// The value of a scalar that spells one of the keys or aliases (any ASCII case).
fn known_keyword<T: Copy>(n: &Node, keys: &[(&str, T)], aliases: &[(&str, T)]) -> Option<T> {
    let Value::Scalar { text, .. } = &n.value else {
        return None;
    };
    let t = text.trim();
    keys.iter()
        .chain(aliases)
        .find(|(k, _)| *k == t || k.eq_ignore_ascii_case(t))
        .map(|(_, v)| *v)
}

fn accessibility(cx: &mut Ctx, n: &Node) -> Option<Accessibility> {
    let mut known: Vec<&str> = Feature::ALL.iter().map(|f| f.key()).collect();
    known.push("note");
    let m = cx.map(n, "accessibility", &known)?;
    let mut features = BTreeMap::new();
    for f in Feature::ALL {
        let Some(v) = m.get(f.key()) else { continue };
        if v.is_null() {
            continue;
        }
        // true/false are accepted because YAML 1.1 habits write yes/no that way.
        const KEYS: &[(&str, Tri)] = &[
            ("yes", Tri::Yes),
            ("no", Tri::No),
            ("unknown", Tri::Unknown),
        ];
        const ALIASES: &[(&str, Tri)] = &[
            ("true", Tri::Yes),
            ("false", Tri::No),
            ("あり", Tri::Yes),
            ("可", Tri::Yes),
            ("なし", Tri::No),
            ("不可", Tri::No),
            ("不明", Tri::Unknown),
        ];
        // The field path is built only for a value that is reported.
        let tri = known_keyword(v, KEYS, ALIASES)
            .or_else(|| keyword(cx, v, &m.path(f.key()), KEYS, ALIASES));
        if let Some(t) = tri {
            features.insert(f, t);
        }
    }
    let note = cx.opt_str(&m, "note");
    Some(Accessibility { features, note })
}

fn accepting(cx: &mut Ctx, n: &Node) -> Option<Accepting> {
    let m = cx.map(n, "accepting", &["status", "as_of"])?;
    let status = match m.get("status") {
        Some(v) => keyword(
            cx,
            v,
            "accepting.status",
            &[
                ("open", AcceptingStatus::Open),
                ("visit", AcceptingStatus::Visit),
                ("full", AcceptingStatus::Full),
            ],
            &[
                ("空きあり", AcceptingStatus::Open),
                ("見学可", AcceptingStatus::Visit),
                ("満員", AcceptingStatus::Full),
            ],
        ),
        None => {
            cx.error(
                m.pos,
                "accepting.status",
                "必須の項目がありません（open / visit / full）。",
            );
            None
        }
    };
    let as_of = past_date(
        cx,
        &m,
        "as_of",
        "accepting.as_of",
        STALE_ACCEPTING_DAYS,
        "受け入れ状況",
    );
    Some(Accepting {
        status: status?,
        as_of: as_of?,
    })
}

fn verified(cx: &mut Ctx, n: &Node) -> Option<Verified> {
    let m = cx.map(n, "verified", &["date", "by", "method"])?;
    let date = past_date(
        cx,
        &m,
        "date",
        "verified.date",
        STALE_VERIFIED_DAYS,
        "確認日",
    );
    let by = cx.req_str(&m, "by");
    let method = match m.get("method") {
        Some(v) => keyword(
            cx,
            v,
            "verified.method",
            &[
                ("phone", VerifyMethod::Phone),
                ("visit", VerifyMethod::Visit),
                ("self", VerifyMethod::SelfReport),
            ],
            &[
                ("電話", VerifyMethod::Phone),
                ("訪問", VerifyMethod::Visit),
                ("本人申告", VerifyMethod::SelfReport),
            ],
        ),
        None => {
            cx.error(
                m.pos,
                "verified.method",
                "必須の項目がありません（phone / visit / self）。",
            );
            None
        }
    };
    Some(Verified {
        date: date?,
        by: by?,
        method: method?,
    })
}

/// A required date that must not lie in the future, with a warning when it is older
/// than `stale_days`.
fn past_date(
    cx: &mut Ctx,
    m: &MapView<'_, '_>,
    key: &str,
    field: &str,
    stale_days: i64,
    what: &str,
) -> Option<chrono::NaiveDate> {
    let Some(n) = m.get(key) else {
        cx.error(
            m.pos,
            field,
            "必須の項目がありません（2026-10-01 のような日付）。",
        );
        return None;
    };
    let d = cx.date(n, field)?;
    if d > cx.today {
        cx.error(
            n.pos,
            field,
            format!(
                "{what}の日付 {d} が未来になっています（今日は {}）。",
                cx.today
            ),
        );
        return None;
    }
    let age = (cx.today - d).num_days();
    if age > stale_days {
        cx.warn(
            n.pos,
            field,
            format!("{what}が {d} で、{age}日前の情報です。もう一度確かめてください。"),
        );
    }
    Some(d)
}

fn source(cx: &mut Ctx, n: &Node) -> Option<Source> {
    let m = cx.map(n, "source", &["dataset", "id", "fields", "imported"])?;
    let dataset = cx.req_str(&m, "dataset");
    let id = cx.req_str(&m, "id");
    let fields = match m.get("fields") {
        Some(f) => {
            let items = cx.str_list(f, "source.fields");
            let mut out = Vec::new();
            for (name, pos) in items {
                if FIELDS.contains(&name.as_str()) {
                    out.push(name);
                } else {
                    let s = suggest(&name, FIELDS.iter().copied()).map(str::to_owned);
                    cx.error_suggest(
                        pos,
                        "source.fields",
                        &format!("「{name}」はリソースの項目名ではありません。"),
                        s,
                    );
                }
            }
            out
        }
        None => Vec::new(),
    };
    let imported = match m.get("imported") {
        Some(d) if !d.is_null() => Some(cx.date(d, "source.imported")?),
        _ => None,
    };
    Some(Source {
        dataset: dataset?,
        id: id?,
        fields,
        imported,
    })
}

/// The file stem, the id the file must carry.
pub fn stem(path: &Path) -> &str {
    path.file_stem().and_then(|s| s.to_str()).unwrap_or("")
}

#[cfg(test)]
mod tests {
    #[test]
    fn far_doubles_for_each_zoom_level_out_from_a_town_map() {
        assert_eq!(super::far_km(14), 30.0);
        assert_eq!(super::far_km(12), 30.0);
        assert_eq!(super::far_km(11), 60.0);
        assert_eq!(super::far_km(9), 240.0);
        assert_eq!(super::far_km(5), 3840.0);
        assert_eq!(super::far_km(0), 30.0 * 4096.0);
    }

    use super::derive_town;

    #[test]
    fn towns_from_addresses() {
        assert_eq!(
            derive_town("愛知県豊明市沓掛町田楽ケ窪1-53", "豊明市").as_deref(),
            Some("沓掛町")
        );
        assert_eq!(
            derive_town("愛知県豊明市新栄町二丁目5", "豊明市").as_deref(),
            Some("新栄町二丁目")
        );
        assert_eq!(
            derive_town("愛知県豊明市二村台三丁目1-1", "豊明市").as_deref(),
            Some("二村台三丁目")
        );
        assert_eq!(
            derive_town("愛知県豊山町大字豊場字八反107", "豊山町").as_deref(),
            Some("豊場")
        );
        assert_eq!(
            derive_town("豊明市阿野町稲葉14", "豊明市").as_deref(),
            Some("阿野町")
        );
    }
}
