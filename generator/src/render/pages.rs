//! Every HTML page of the portal as a job: what to render, where it goes, and its
//! sitemap entry. Jobs are independent, so the build renders them in parallel.

use std::collections::HashSet;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};
use tera::Context;

use crate::build::index::{Group, Index};
use crate::model::Status;
use crate::seo::{jsonld, sitemap};

use super::view::{self, Link, Meta};
use super::{RenderError, Renderer, markdown, schedule_text};

/// Resources per list page (category, tag, 町字). Long lists are split so that a phone
/// never loads tens of thousands of rows; page 1 keeps the plain URL.
pub const PAGE_SIZE: usize = 100;
/// Nearby resources shown on a resource page.
pub const NEARBY_K: usize = 6;
/// Upcoming dates shown on a resource page.
pub const NEXT_DATES: usize = 5;
/// The footer every page shows, rendered once per build (named in error messages).
const SITE_FOOTER: &str = "partials/site_footer.html";
/// A resource's entry in the lists, rendered once per build with `it` (see `items`).
const RESOURCE_ITEM: &str = "partials/resource_item.html";

#[derive(Debug, Clone, Copy)]
pub enum Job {
    Top,
    Category { cat: usize, page: usize },
    TagIndex,
    Tag { group: usize, page: usize },
    AreaIndex,
    Area { group: usize, page: usize },
    Resource(usize),
    Page(usize),
    Search,
    Map,
    Data,
    NotFound,
}

pub struct PageSet<'a> {
    ix: &'a Index<'a>,
    base_url: &'a str,
    /// A context holding `site` and `site_footer`, made once: each render thread
    /// starts from one clone of it (see [`PageSet::scratch`]) instead of converting the
    /// site object to a template value again.
    base: Context,
    /// Every published resource's entry in the category, tag and 町字 lists, rendered
    /// once (`partials/resource_item.html`): on the national 国土地理院 set the lists
    /// show each resource five to six times, and rendering the entry on every list
    /// page was a quarter of the render time.
    items: Vec<String>,
    /// Every category's view, by category index, made once.
    cats: Vec<view::CategoryRef>,
    tags: Vec<(&'a String, &'a Group)>,
    areas: Vec<(&'a String, &'a Group)>,
    pages: Vec<usize>,
    today: NaiveDate,
    /// Output paths other parts of the build already provide (search, exports):
    /// the pipeline does not render its placeholder for them.
    provided: HashSet<String>,
    data_files: Vec<crate::export::CatalogueEntry>,
}

fn page_count(n: usize) -> usize {
    n.div_ceil(PAGE_SIZE).max(1)
}

fn paged_path(base: &str, page: usize) -> String {
    if page <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{page}/")
    }
}

fn out_file(path: &str) -> String {
    // "/a/b/" → "a/b/index.html"; percent-encoded segments are decoded for the disk.
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let trimmed = decoded.trim_start_matches('/');
    if trimmed.is_empty() || trimmed.ends_with('/') {
        format!("{trimmed}index.html")
    } else {
        trimmed.to_string()
    }
}

/// The template context one rendering thread reuses from page to page: it keeps the
/// shared part and gets each page's own values added and removed (see [`PageCtx`]).
pub struct Scratch(Context);

/// One page's view of a [`Scratch`]: what it inserts is removed again when it is
/// dropped, so no value of one page can show up on the next.
struct PageCtx<'s> {
    ctx: &'s mut Context,
    keys: Vec<&'static str>,
}

impl<'s> PageCtx<'s> {
    fn new(scratch: &'s mut Scratch, meta: &Meta) -> Self {
        let mut page = Self {
            ctx: &mut scratch.0,
            keys: Vec::with_capacity(8),
        };
        page.insert("meta", meta);
        page
    }

    fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.ctx.insert(key, value);
        self.keys.push(key);
    }
}

impl std::ops::Deref for PageCtx<'_> {
    type Target = Context;
    fn deref(&self) -> &Context {
        self.ctx
    }
}

impl Drop for PageCtx<'_> {
    fn drop(&mut self) {
        for key in &self.keys {
            self.ctx.remove(key);
        }
    }
}

#[derive(Serialize)]
struct Pager {
    current: usize,
    total: usize,
    prev: Option<String>,
    next: Option<String>,
    pages: Vec<PageLink>,
}

#[derive(Serialize)]
struct PageLink {
    n: usize,
    url: String,
    /// Pages were skipped before this one (shown as "…").
    gap_before: bool,
}

fn pager(base: &str, current: usize, total: usize) -> Pager {
    Pager {
        current,
        total,
        prev: (current > 1).then(|| paged_path(base, current - 1)),
        next: (current < total).then(|| paged_path(base, current + 1)),
        // First, last and a window around the current page: a 400-page category must
        // not carry 400 links on every one of its pages.
        pages: {
            let shown: Vec<usize> = (1..=total)
                .filter(|&n| n == 1 || n == total || n.abs_diff(current) <= 3)
                .collect();
            shown
                .iter()
                .enumerate()
                .map(|(i, &n)| PageLink {
                    n,
                    url: paged_path(base, n),
                    gap_before: i > 0 && shown[i - 1] + 1 < n,
                })
                .collect()
        },
    }
}

impl<'a> PageSet<'a> {
    /// Prepares what every page shares; renders the site-wide footer once (see
    /// `partials/site_footer.html`), hence the renderer and the possible error.
    pub fn new(
        ix: &'a Index<'a>,
        renderer: &Renderer,
        today: NaiveDate,
    ) -> Result<Self, RenderError> {
        let site = &ix.content.site;
        let mut pages: Vec<usize> = (0..ix.content.pages.len()).collect();
        pages.sort_by_key(|&i| (ix.content.pages[i].order, ix.content.pages[i].slug.clone()));
        let nav_pages: Vec<Link> = pages
            .iter()
            .map(|&i| {
                let p = &ix.content.pages[i];
                Link {
                    label: p.title.clone(),
                    url: format!("/{}/", p.slug),
                }
            })
            .collect();
        let site_value = json!({
            "name": site.name.ja,
            "name_en": site.name.en,
            "code": site.code,
            "base_url": site.base_url,
            "contact": site.contact,
            "data_license": site.data_license,
            "credits": site.credits,
            "map": site.map,
            "notices": site.notices.iter().map(|n| json!({
                "date": schedule_text::date(n.date), "iso": n.date.to_string(), "title": n.title, "url": n.url,
            })).collect::<Vec<_>>(),
            "pages": nav_pages,
            "build_date": schedule_text::date(today),
        });
        let items = (0..ix.published.len())
            .into_par_iter()
            .map(|i| {
                let mut ctx = Context::new();
                ctx.insert("it", &view::list_item(ix, i));
                renderer.render_fragment(RESOURCE_ITEM, &ctx)
            })
            .collect::<Result<_, RenderError>>()?;
        let cats = (0..ix.categories.len())
            .map(|c| view::category_ref(ix, c))
            .collect();
        Ok(Self {
            ix,
            cats,
            base_url: &site.base_url,
            base: {
                let mut ctx = Context::new();
                ctx.insert("site", &site_value);
                let footer = renderer.render(SITE_FOOTER, SITE_FOOTER, &ctx)?;
                let footer = String::from_utf8(footer).expect("tera renders UTF-8 text");
                ctx.insert("site_footer", &footer);
                ctx
            },
            items,
            tags: ix.tags.iter().collect(),
            areas: ix.areas.iter().collect(),
            pages,
            today,
            provided: HashSet::new(),
            data_files: Vec::new(),
        })
    }

    /// Output paths other parts of the build provide (the search index, made beside the
    /// page set): [`PageSet::jobs`] leaves out the placeholder page for each.
    pub fn set_provided(&mut self, provided: HashSet<String>) {
        self.provided = provided;
    }

    /// The downloadable files the data catalogue page (`Job::Data`) lists; the
    /// exports are made beside the other pages, so they are known last.
    pub fn set_data_files(&mut self, files: Vec<crate::export::CatalogueEntry>) {
        self.data_files = files;
    }

    /// Every page to render, in a stable order (also the sitemap's order).
    pub fn jobs(&self) -> Vec<Job> {
        let mut jobs = vec![Job::Top];
        for c in self.ix.tree_order() {
            for page in 1..=page_count(self.ix.categories[c].members.len()) {
                jobs.push(Job::Category { cat: c, page });
            }
        }
        jobs.push(Job::AreaIndex);
        for (g, (_, group)) in self.areas.iter().enumerate() {
            for page in 1..=page_count(group.members.len()) {
                jobs.push(Job::Area { group: g, page });
            }
        }
        jobs.push(Job::TagIndex);
        for (g, (_, group)) in self.tags.iter().enumerate() {
            for page in 1..=page_count(group.members.len()) {
                jobs.push(Job::Tag { group: g, page });
            }
        }
        jobs.extend((0..self.ix.published.len()).map(Job::Resource));
        jobs.extend(self.pages.iter().map(|&i| Job::Page(i)));
        for (job, path) in [
            (Job::Search, "search/index.html"),
            (Job::Map, "map/index.html"),
            (Job::Data, "data/index.html"),
        ] {
            if !self.provided.contains(path) {
                jobs.push(job);
            }
        }
        jobs.push(Job::NotFound);
        jobs
    }

    /// The page's URL path (percent-encoded), as linked and as listed in the sitemap.
    pub fn path(&self, job: Job) -> String {
        match job {
            Job::Top => "/".into(),
            Job::Category { cat, page } => paged_path(
                &format!("/categories/{}/", self.ix.categories[cat].cat.id),
                page,
            ),
            Job::TagIndex => "/tags/".into(),
            Job::Tag { group, page } => paged_path(&view::tag_url(self.tags[group].0), page),
            Job::AreaIndex => "/areas/".into(),
            Job::Area { group, page } => paged_path(&view::area_url(self.areas[group].0), page),
            Job::Resource(i) => format!("/resources/{}/", self.ix.published[i].id),
            Job::Page(i) => format!("/{}/", self.ix.content.pages[i].slug),
            Job::Search => "/search/".into(),
            Job::Map => "/map/".into(),
            Job::Data => "/data/".into(),
            Job::NotFound => "/404.html".into(),
        }
    }

    pub fn sitemap_entry(&self, job: Job) -> Option<sitemap::Entry> {
        let lastmod = match job {
            Job::NotFound => return None,
            Job::Resource(i) => {
                let r = self.ix.published[i];
                r.verified
                    .as_ref()
                    .map(|v| v.date)
                    .or(r.source.as_ref().and_then(|s| s.imported))
            }
            _ => None,
        };
        Some(sitemap::Entry {
            path: self.path(job),
            lastmod,
        })
    }

    /// A context holding what every page shares (`site`, `site_footer`), to be reused
    /// for page after page on one thread (see [`PageSet::render_with`]).
    pub fn scratch(&self) -> Scratch {
        Scratch(self.base.clone())
    }

    fn meta(
        &self,
        path: String,
        title: String,
        description: String,
        og_type: &'static str,
    ) -> Meta {
        let site = &self.ix.content.site.name.ja;
        let full = if path == "/" {
            format!("{site} 地域資源ポータル")
        } else {
            format!("{title} | {site} 地域資源ポータル")
        };
        Meta::new(self.base_url, path, full, description, og_type)
    }

    fn list(&self, members: &[usize], page: usize) -> Vec<&str> {
        members
            .iter()
            .skip((page - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .map(|&i| self.items[i].as_str())
            .collect()
    }

    /// Renders one job: (file path under public/, minified bytes).
    pub fn render(&self, r: &Renderer, job: Job) -> Result<(String, Vec<u8>), RenderError> {
        self.render_with(r, job, &mut self.scratch())
    }

    /// [`PageSet::render`] with a context reused from the previous page on this thread:
    /// cloning the shared part (the site settings, credits, the footer) for every page
    /// and dropping it again was measurable at 100,000 pages.
    pub fn render_with(
        &self,
        r: &Renderer,
        job: Job,
        scratch: &mut Scratch,
    ) -> Result<(String, Vec<u8>), RenderError> {
        let path = self.path(job);
        let site_name = &self.ix.content.site.name.ja;
        let (template, ctx) = match job {
            Job::Top => {
                let meta = self.meta(
                    path.clone(),
                    String::new(),
                    format!("{site_name}の通いの場・サロン、介護・医療、福祉、買い物・移動支援、防災の情報をまとめて探せます。"),
                    "website",
                );
                let mut ctx = PageCtx::new(scratch, &meta);
                let tiles: Vec<&view::CategoryRef> =
                    self.ix.roots.iter().map(|&c| &self.cats[c]).collect();
                ctx.insert("tiles", &tiles);
                ctx.insert("resource_count", &self.ix.published.len());
                ("index.html", ctx)
            }
            Job::Category { cat, page } => {
                let node = &self.ix.categories[cat];
                let base = format!("/categories/{}/", node.cat.id);
                let total = page_count(node.members.len());
                let title = if page > 1 {
                    format!("{}（{page}/{total}ページ）", node.cat.name.ja)
                } else {
                    node.cat.name.ja.clone()
                };
                let meta = self.meta(
                    path.clone(),
                    title,
                    format!(
                        "{site_name}の{}の一覧（{}件）。",
                        node.cat.name.ja,
                        node.members.len()
                    ),
                    "website",
                );
                let mut ctx = PageCtx::new(scratch, &meta);
                ctx.insert("category", &self.cats[cat]);
                let crumbs: Vec<&view::CategoryRef> =
                    node.ancestors.iter().map(|&a| &self.cats[a]).collect();
                ctx.insert("ancestors", &crumbs);
                let children: Vec<&view::CategoryRef> =
                    node.children.iter().map(|&c| &self.cats[c]).collect();
                ctx.insert("children", &children);
                ctx.insert("items", &self.list(&node.members, page));
                ctx.insert("pager", &pager(&base, page, total));
                ("category.html", ctx)
            }
            Job::TagIndex | Job::AreaIndex => {
                type UrlOf = fn(&str) -> String;
                let (groups, title, desc, url): (&[(&String, &Group)], &str, String, UrlOf) =
                    if matches!(job, Job::TagIndex) {
                        (
                            &self.tags,
                            "タグ一覧",
                            format!("{site_name}の地域資源をタグから探せます。"),
                            view::tag_url,
                        )
                    } else {
                        (
                            &self.areas,
                            "地区（町字）から探す",
                            format!("{site_name}の地域資源を町字ごとに一覧できます。"),
                            view::area_url,
                        )
                    };
                let meta = self.meta(path.clone(), title.to_string(), desc, "website");
                let mut ctx = PageCtx::new(scratch, &meta);
                let links: Vec<Value> = groups
                    .iter()
                    .map(|(slug, g)| json!({"label": g.label, "url": url(slug), "count": g.members.len()}))
                    .collect();
                ctx.insert("heading", title);
                ctx.insert("groups", &links);
                ("groups.html", ctx)
            }
            Job::Tag { group, page } | Job::Area { group, page } => {
                let is_tag = matches!(job, Job::Tag { .. });
                let (slug, g) = if is_tag {
                    self.tags[group]
                } else {
                    self.areas[group]
                };
                let base = if is_tag {
                    view::tag_url(slug)
                } else {
                    view::area_url(slug)
                };
                let total = page_count(g.members.len());
                let heading = if is_tag {
                    format!("タグ「{}」", g.label)
                } else {
                    format!("{}の地域資源", g.label)
                };
                let title = if page > 1 {
                    format!("{heading}（{page}/{total}ページ）")
                } else {
                    heading.clone()
                };
                let meta = self.meta(
                    path.clone(),
                    title,
                    format!("{site_name} {heading}（{}件）。", g.members.len()),
                    "website",
                );
                let mut ctx = PageCtx::new(scratch, &meta);
                ctx.insert("heading", &heading);
                ctx.insert("kind", if is_tag { "tag" } else { "area" });
                ctx.insert("items", &self.list(&g.members, page));
                ctx.insert("pager", &pager(&base, page, total));
                ("list.html", ctx)
            }
            Job::Resource(i) => return self.render_resource(r, i, path, scratch),
            Job::Page(i) => {
                let p = &self.ix.content.pages[i];
                let meta = self.meta(
                    path.clone(),
                    p.title.clone(),
                    p.description
                        .clone()
                        .unwrap_or_else(|| markdown::summary(&p.body, 120)),
                    "article",
                );
                let mut ctx = PageCtx::new(scratch, &meta);
                ctx.insert("title", &p.title);
                ctx.insert("body_html", &markdown::to_html(&p.body));
                ("page.html", ctx)
            }
            Job::Search | Job::Map | Job::Data => {
                let (template, title, desc) = match job {
                    Job::Search => (
                        "search.html",
                        "検索",
                        format!("{site_name}の地域資源をことばで探せます。"),
                    ),
                    Job::Map => (
                        "map.html",
                        "地図から探す",
                        format!("{site_name}の地域資源を地図で探せます。"),
                    ),
                    _ => (
                        "data.html",
                        "オープンデータ",
                        format!(
                            "{site_name}の地域資源データ（GeoJSON ほか）をダウンロードできます。"
                        ),
                    ),
                };
                let meta = self.meta(path.clone(), title.to_string(), desc, "website");
                let mut ctx = PageCtx::new(scratch, &meta);
                let tiles: Vec<&view::CategoryRef> = self
                    .ix
                    .tree_order()
                    .into_iter()
                    .map(|c| &self.cats[c])
                    .collect();
                ctx.insert("categories", &tiles);
                ctx.insert("data_files", &self.data_files);
                (template, ctx)
            }
            Job::NotFound => {
                let meta = self.meta(
                    path.clone(),
                    "ページが見つかりません".into(),
                    String::new(),
                    "website",
                );
                let mut ctx = PageCtx::new(scratch, &meta);
                let tiles: Vec<&view::CategoryRef> =
                    self.ix.roots.iter().map(|&c| &self.cats[c]).collect();
                ctx.insert("tiles", &tiles);
                ("404.html", ctx)
            }
        };
        let bytes = r.render(&path, template, &ctx)?;
        Ok((out_file(&path), bytes))
    }

    fn render_resource(
        &self,
        r: &Renderer,
        i: usize,
        path: String,
        scratch: &mut Scratch,
    ) -> Result<(String, Vec<u8>), RenderError> {
        let res = self.ix.published[i];
        let summary = markdown::summary(&res.description, 120);
        let description = if summary.is_empty() {
            let cat = self.ix.resource_categories[i]
                .first()
                .map(|&c| self.ix.categories[c].cat.name.ja.as_str())
                .unwrap_or("");
            let addr = res.address.as_ref().map(|a| a.text.as_str()).unwrap_or("");
            format!("{}（{cat}）{addr}", res.name)
        } else {
            summary.clone()
        };
        let meta = self.meta(path.clone(), res.name.clone(), description, "article");
        let page_url = meta.canonical.clone();
        let ld = jsonld::resource(res, self.ix.schema_type(i), &page_url, &summary);
        let v = view::ResourceView {
            id: &res.id,
            name: &res.name,
            name_kana: res.name_kana.as_deref(),
            description_html: markdown::to_html(&res.description),
            categories: self.ix.resource_categories[i]
                .iter()
                .map(|&c| &self.cats[c])
                .collect(),
            tags: res
                .tags
                .iter()
                .map(|t| Link {
                    label: t.clone(),
                    url: view::tag_url(&crate::build::index::slug(t)),
                })
                .collect(),
            postal_code: res.address.as_ref().and_then(|a| a.postal_code.as_deref()),
            address: res.address.as_ref().map(|a| a.text.as_str()),
            area: view::area_link(res),
            lat: res.location.map(|l| l.lat),
            lon: res.location.map(|l| l.lon),
            approximate: res.location.is_some_and(|l| l.approximate),
            phone: res.phone.as_deref(),
            phone_tel: res
                .phone
                .as_ref()
                .map(|p| p.chars().filter(|c| c.is_ascii_digit()).collect()),
            website: res.url.as_deref(),
            email: res.email.as_deref(),
            organization: res.organization.as_deref(),
            schedule: view::schedule_view(res, self.today, NEXT_DATES),
            fees: res.fees.as_deref(),
            audience: res.audience.as_deref(),
            accessibility: view::access_rows(res),
            accessibility_note: res.accessibility.note.as_deref(),
            accepting: res.accepting.as_ref().map(|a| Link {
                label: a.status.ja().to_string(),
                url: schedule_text::date(a.as_of),
            }),
            accepting_status: res.accepting.as_ref().map(|a| match a.status {
                crate::model::AcceptingStatus::Open => "open",
                crate::model::AcceptingStatus::Visit => "visit",
                crate::model::AcceptingStatus::Full => "full",
            }),
            verified: res.verified.as_ref().map(|v| {
                format!(
                    "{}（{}・{}）",
                    schedule_text::date(v.date),
                    v.by,
                    v.method.ja()
                )
            }),
            suspended: res.status == Status::Suspended,
            nearby: view::nearby_views(self.ix, &self.cats, i, NEARBY_K),
            qr_svg: crate::qr::svg(&page_url, &format!("{}のページを開くQRコード", res.name)),
            jsonld: jsonld::to_script(&ld),
            source: res.source.as_ref().map(|s| s.dataset.as_str()),
        };
        let mut ctx = PageCtx::new(scratch, &meta);
        ctx.insert("r", &v);
        let bytes = r.render(&path, "resource.html", &ctx)?;
        Ok((out_file(&path), bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_files_for_paths() {
        assert_eq!(out_file("/"), "index.html");
        assert_eq!(out_file("/resources/a/"), "resources/a/index.html");
        assert_eq!(out_file("/404.html"), "404.html");
        assert_eq!(
            out_file("/tags/%E6%B8%A9%E6%B3%89/page/2/"),
            "tags/温泉/page/2/index.html"
        );
    }

    /// Pages rendered one after another with one reused context (as each render thread
    /// does) come out exactly as each rendered alone: no page's values leak into the
    /// next, in either order. A site's `base.html` that prints the whole context makes
    /// any leftover value show.
    #[test]
    fn a_reused_context_carries_nothing_from_one_page_to_the_next() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let loaded = crate::load::load(&root.join("tests/fixtures/site-basic/content"))
            .expect("the fixture site is valid");
        let ix = Index::new(&loaded.content);
        let site = tempfile::tempdir().unwrap();
        std::fs::write(
            site.path().join("base.html"),
            "<!doctype html><html lang=\"ja\"><head>{% block head %}{% endblock head %}</head>\
             <body class=\"{% block body_class %}{% endblock body_class %}\"><pre>{{ __tera_context }}</pre>\
             {% block content %}{% endblock content %}{% block scripts %}{% endblock scripts %}</body></html>",
        )
        .unwrap();
        let renderer = Renderer::new(&root.join("themes/default"), Some(site.path())).unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let pages = PageSet::new(&ix, &renderer, today).unwrap();
        let jobs = pages.jobs();
        assert!(jobs.iter().any(|j| matches!(j, Job::Resource(_))));
        assert!(jobs.iter().any(|j| matches!(j, Job::Category { .. })));
        let mut scratch = pages.scratch();
        for &job in jobs.iter().chain(jobs.iter().rev()) {
            let reused = pages.render_with(&renderer, job, &mut scratch).unwrap();
            let alone = pages.render(&renderer, job).unwrap();
            assert_eq!(reused, alone, "{}", pages.path(job));
        }
    }

    #[test]
    fn pages_split_at_page_size() {
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(PAGE_SIZE), 1);
        assert_eq!(page_count(PAGE_SIZE + 1), 2);
        let p = pager("/categories/a/", 2, 3);
        assert_eq!(p.pages.len(), 3);
        let p10 = pager("/c/", 10, 40);
        let shown: Vec<usize> = p10.pages.iter().map(|l| l.n).collect();
        assert_eq!(shown, [1, 7, 8, 9, 10, 11, 12, 13, 40]);
        assert!(p10.pages[1].gap_before && !p10.pages[2].gap_before && p10.pages[8].gap_before);
        assert_eq!(p.prev.as_deref(), Some("/categories/a/"));
        assert_eq!(p.next.as_deref(), Some("/categories/a/page/3/"));
    }
}
