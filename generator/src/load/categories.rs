//! `categories.yaml` → `Vec<model::Category>`: unique ids, known parents, no cycles,
//! colours readable as text on white.

use std::collections::HashMap;

use super::decode::Ctx;
use super::normalize;
use super::site::localized;
use super::suggest::suggest;
use super::yaml::{Node, Pos};
use crate::model::Category;

const FIELDS: &[&str] = &["id", "name", "icon", "color", "parent", "schema_type"];

/// WCAG AA for normal text; category colours are used as text and on markers.
const MIN_CONTRAST: f64 = 4.5;

pub fn decode(cx: &mut Ctx, root: &Node) -> Vec<Category> {
    let Some(items) = cx.seq(root, "") else {
        return Vec::new();
    };
    let mut out: Vec<(Category, Pos, Option<Pos>)> = Vec::new();
    let mut seen: HashMap<String, Pos> = HashMap::new();
    for (_, item) in items {
        let Some(m) = cx.map(item, "", FIELDS) else {
            continue;
        };
        let id_pos = m.get("id").map_or(m.pos, |n| n.pos);
        let id = cx
            .req_str(&m, "id")
            .filter(|id| match normalize::check_id(id) {
                Ok(()) => true,
                Err(msg) => {
                    cx.error(id_pos, "id", msg);
                    false
                }
            });
        if let Some(id) = &id {
            if let Some(first) = seen.get(id) {
                cx.error(
                    id_pos,
                    "id",
                    format!(
                        "id「{id}」が重複しています（{}行目と同じです）。",
                        first.line
                    ),
                );
            } else {
                seen.insert(id.clone(), id_pos);
            }
        }
        let name = localized(cx, &m, "name");
        let icon = cx.req_str(&m, "icon").filter(|icon| {
            let ok = !icon.is_empty()
                && icon
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !ok {
                cx.error(
                    m.get("icon").map_or(m.pos, |n| n.pos),
                    "icon",
                    format!(
                        "アイコン名「{icon}」には半角の英小文字・数字・ハイフンだけが使えます。"
                    ),
                );
            }
            ok
        });
        let color = cx.req_str(&m, "color").and_then(|c| {
            let pos = m.get("color").map_or(m.pos, |n| n.pos);
            match normalize::hex_color(&c) {
                None => {
                    cx.error(pos, "color", format!("色「{c}」は #1d4ed8 のように # と16進数6桁で書いてください（値は \"…\" で囲みます）。"));
                    None
                }
                Some(rgb) => {
                    let ratio = normalize::contrast_on_white(rgb);
                    if ratio < MIN_CONTRAST {
                        cx.error(pos, "color", format!("色「{c}」は白地の文字として読みにくい色です（コントラスト比 {ratio:.2}:1、4.5:1 以上が必要です）。もっと濃い色にしてください。"));
                        None
                    } else {
                        Some(c.to_ascii_lowercase())
                    }
                }
            }
        });
        let parent = cx.opt_str(&m, "parent");
        let parent_pos = m.get("parent").map(|n| n.pos);
        let schema_type = cx.opt_str(&m, "schema_type").filter(|t| {
            let ok = t.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
                && t.bytes().all(|b| b.is_ascii_alphanumeric());
            if !ok {
                cx.error(
                    m.get("schema_type").map_or(m.pos, |n| n.pos),
                    "schema_type",
                    format!(
                        "schema.org の型名「{t}」は MedicalClinic のように英字で書いてください。"
                    ),
                );
            }
            ok
        });
        // A category with a bad colour is kept (the load fails anyway) so that its
        // children and parent are still checked and reported in the same run.
        if let (Some(id), Some(name), Some(icon)) = (id, name, icon) {
            let color = color.unwrap_or_default();
            out.push((
                Category {
                    id,
                    name,
                    icon,
                    color,
                    parent,
                    schema_type,
                },
                id_pos,
                parent_pos,
            ));
        }
    }
    check_parents(cx, &out);
    out.into_iter().map(|(c, _, _)| c).collect()
}

/// Every parent exists, and following parents never comes back to where it started.
fn check_parents(cx: &mut Ctx, cats: &[(Category, Pos, Option<Pos>)]) {
    let by_id: HashMap<&str, &Category> = cats.iter().map(|(c, _, _)| (c.id.as_str(), c)).collect();
    for (c, id_pos, parent_pos) in cats {
        let Some(parent) = &c.parent else { continue };
        let pos = parent_pos.unwrap_or(*id_pos);
        if !by_id.contains_key(parent.as_str()) {
            let s = suggest(parent, by_id.keys().copied()).map(str::to_owned);
            cx.error_suggest(
                pos,
                "parent",
                &format!("親カテゴリ「{parent}」はありません。"),
                s,
            );
            continue;
        }
        let mut seen = vec![c.id.as_str()];
        let mut cur = parent.as_str();
        while let Some(next) = by_id.get(cur) {
            if seen.contains(&cur) {
                cx.error(
                    pos,
                    "parent",
                    format!(
                        "親カテゴリをたどると「{}」に戻ってしまいます（{}）。",
                        c.id,
                        seen.join(" → ") + " → " + cur
                    ),
                );
                break;
            }
            seen.push(cur);
            match &next.parent {
                Some(p) => cur = p,
                None => break,
            }
        }
    }
}
