//! `site.yaml` → `model::Site`.

use super::decode::{Ctx, MapView};
use super::geo::check_point;
use super::normalize;
use super::yaml::Node;
use crate::model::{Contact, Credit, LatLon, License, Localized, MapSettings, Notice, Site};

pub const DEFAULT_TILE_URL: &str = "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png";
pub const DEFAULT_ATTRIBUTION: &str =
    r#"<a href="https://maps.gsi.go.jp/development/ichiran.html">地理院タイル</a>"#;

const FIELDS: &[&str] = &[
    "name",
    "code",
    "base_url",
    "map",
    "contact",
    "data_license",
    "notices",
    "credits",
];

pub fn decode(cx: &mut Ctx, root: &Node) -> Option<Site> {
    let m = cx.map(root, "", FIELDS)?;
    let name = localized(cx, &m, "name");
    let code = cx
        .req_str(&m, "code")
        .and_then(|c| check(cx, &m, "code", normalize::municipal_code(&c)));
    let base_url = cx
        .req_str(&m, "base_url")
        .and_then(|u| check(cx, &m, "base_url", normalize::url(&u)))
        .map(|u| u.trim_end_matches('/').to_owned());
    let map = match m.get("map") {
        Some(n) => map_settings(cx, n),
        None => {
            cx.error(
                m.pos,
                "map",
                "必須の項目がありません（地図の中心 center と zoom を書いてください）。",
            );
            None
        }
    };
    let contact = match m.get("contact") {
        Some(n) => contact(cx, n),
        None => {
            cx.error(
                m.pos,
                "contact",
                "必須の項目がありません（問い合わせ先の部署 department を書いてください）。",
            );
            None
        }
    };
    let data_license = match m.get("data_license") {
        Some(n) => license(cx, n),
        None => {
            cx.error(
                m.pos,
                "data_license",
                "必須の項目がありません（公開データのライセンス、例: CC BY 4.0）。",
            );
            None
        }
    };
    let mut notices = Vec::new();
    if let Some(n) = m.get("notices") {
        for (path, item) in cx.seq(n, "notices").unwrap_or_default() {
            if let Some(x) = notice(cx, item, &path) {
                notices.push(x);
            }
        }
    }
    notices.sort_by_key(|n| std::cmp::Reverse(n.date));
    let mut credits = Vec::new();
    if let Some(n) = m.get("credits") {
        for (path, item) in cx.seq(n, "credits").unwrap_or_default() {
            if let Some(x) = credit(cx, item, &path) {
                credits.push(x);
            }
        }
    }
    Some(Site {
        name: name?,
        code: code?,
        base_url: base_url?,
        map: map?,
        contact: contact?,
        data_license: data_license?,
        notices,
        credits,
    })
}

/// Reports `r`'s error at the field's value and passes the value on.
fn check(
    cx: &mut Ctx,
    m: &MapView<'_, '_>,
    key: &str,
    r: Result<String, String>,
) -> Option<String> {
    match r {
        Ok(v) => Some(v),
        Err(msg) => {
            let pos = m.get(key).map_or(m.pos, |n| n.pos);
            cx.error(pos, &m.path(key), msg);
            None
        }
    }
}

/// `{ ja, en }`, both required.
pub fn localized(cx: &mut Ctx, m: &MapView<'_, '_>, key: &str) -> Option<Localized> {
    let Some(n) = m.get(key) else {
        cx.error(
            m.pos,
            &m.path(key),
            "必須の項目がありません（ja と en を書いてください）。",
        );
        return None;
    };
    let field = m.path(key);
    let l = cx.map(n, &field, &["ja", "en"])?;
    let ja = cx.req_str(&l, "ja");
    let en = cx.req_str(&l, "en");
    Some(Localized { ja: ja?, en: en? })
}

fn map_settings(cx: &mut Ctx, n: &Node) -> Option<MapSettings> {
    let m = cx.map(n, "map", &["center", "zoom", "tile_url", "attribution"])?;
    let center = match m.get("center") {
        Some(c) => {
            let cm = cx.map(c, "map.center", &["lat", "lon"])?;
            let lat = lat_lon_part(cx, &cm, "lat");
            let lon = lat_lon_part(cx, &cm, "lon");
            match (lat, lon) {
                (Some(lat), Some(lon)) => {
                    if let Err(msg) = check_point(lat, lon) {
                        cx.error(c.pos, "map.center", msg);
                        None
                    } else {
                        Some(LatLon { lat, lon })
                    }
                }
                _ => None,
            }
        }
        None => {
            cx.error(
                m.pos,
                "map.center",
                "必須の項目がありません（地図の中心の緯度 lat と経度 lon）。",
            );
            None
        }
    };
    let zoom = match m.get("zoom") {
        Some(z) => cx.int(z, "map.zoom").and_then(|v| {
            if (1..=18).contains(&v) {
                Some(v as u8)
            } else {
                cx.error(
                    z.pos,
                    "map.zoom",
                    format!("ズームは1〜18で書いてください（{v}）。"),
                );
                None
            }
        }),
        None => Some(14),
    };
    let tile_url = match cx.opt_str(&m, "tile_url") {
        Some(t) => {
            if ["{z}", "{x}", "{y}"].iter().all(|p| t.contains(p))
                && (t.starts_with("https://") || t.starts_with("http://"))
            {
                Some(t)
            } else {
                let pos = m.get("tile_url").map_or(m.pos, |n| n.pos);
                cx.error(
                    pos,
                    "map.tile_url",
                    "タイルURLは {z}, {x}, {y} を含む https:// のURLで書いてください。",
                );
                None
            }
        }
        None => Some(DEFAULT_TILE_URL.to_owned()),
    };
    let attribution = cx
        .opt_str(&m, "attribution")
        .unwrap_or_else(|| DEFAULT_ATTRIBUTION.to_owned());
    Some(MapSettings {
        center: center?,
        zoom: zoom?,
        tile_url: tile_url?,
        attribution,
    })
}

fn lat_lon_part(cx: &mut Ctx, m: &MapView<'_, '_>, key: &str) -> Option<f64> {
    match m.get(key) {
        Some(n) => cx.f64(n, &m.path(key)),
        None => {
            cx.error(m.pos, &m.path(key), "必須の項目がありません。");
            None
        }
    }
}

fn contact(cx: &mut Ctx, n: &Node) -> Option<Contact> {
    let m = cx.map(n, "contact", &["department", "phone", "email", "url"])?;
    let department = cx.req_str(&m, "department");
    let phone = opt_checked(cx, &m, "phone", normalize::phone);
    let email = opt_checked(cx, &m, "email", normalize::email);
    let url = opt_checked(cx, &m, "url", normalize::url);
    Some(Contact {
        department: department?,
        phone: phone?,
        email: email?,
        url: url?,
    })
}

/// An optional value checked by `f`: `Some(None)` when absent, `None` on error.
pub fn opt_checked(
    cx: &mut Ctx,
    m: &MapView<'_, '_>,
    key: &str,
    f: fn(&str) -> Result<String, String>,
) -> Option<Option<String>> {
    match cx.opt_str(m, key) {
        None => Some(None),
        Some(v) => check(cx, m, key, f(&v)).map(Some),
    }
}

fn license(cx: &mut Ctx, n: &Node) -> Option<License> {
    let m = cx.map(n, "data_license", &["name", "url"])?;
    let name = cx.req_str(&m, "name");
    let url = cx
        .req_str(&m, "url")
        .and_then(|u| check(cx, &m, "url", normalize::url(&u)));
    Some(License {
        name: name?,
        url: url?,
    })
}

/// A link on the site: absolute, or a path on the site itself.
fn link(v: &str) -> Result<String, String> {
    if v.starts_with('/') && !v.starts_with("//") && !v.chars().any(char::is_whitespace) {
        Ok(v.to_owned())
    } else {
        normalize::url(v).map_err(|_| {
            format!(
                "リンク「{v}」は https:// で始まるURLか、/ で始まるサイト内のパスで書いてください。"
            )
        })
    }
}

fn notice(cx: &mut Ctx, n: &Node, field: &str) -> Option<Notice> {
    let m = cx.map(n, field, &["date", "title", "url"])?;
    let date = match m.get("date") {
        Some(d) => cx.date(d, &m.path("date")),
        None => {
            cx.error(m.pos, &m.path("date"), "必須の項目がありません。");
            None
        }
    };
    let title = cx.req_str(&m, "title");
    let url = opt_checked(cx, &m, "url", link);
    Some(Notice {
        date: date?,
        title: title?,
        url: url?,
    })
}

fn credit(cx: &mut Ctx, n: &Node, field: &str) -> Option<Credit> {
    let m = cx.map(n, field, &["name", "url", "license"])?;
    let name = cx.req_str(&m, "name");
    let url = opt_checked(cx, &m, "url", normalize::url);
    let license = cx.opt_str(&m, "license");
    Some(Credit {
        name: name?,
        url: url?,
        license,
    })
}
