//! The render stage: tera templates (parsed and minified once, see `templates`) fed with
//! views of the content. Pages are rendered in parallel (rayon) and handed to a
//! sink as they are made, so a 100,000-page site never holds all its HTML in memory.

pub mod markdown;
pub mod pages;
pub mod schedule_text;
pub mod templates;
pub mod view;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use tera::{Context, Tera};

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("テンプレートを読み込めません ({path}): {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("テンプレートの誤り: {0}")]
    Template(String),
    #[error("{page} を生成できません（テンプレート {template}）: {message}")]
    Page {
        page: String,
        template: String,
        message: String,
    },
}

/// tera's errors nest the useful part (the template line) in their sources.
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(inner) = cur {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        cur = inner.source();
    }
    s
}

/// Thread time spent rendering, summed over all threads (for the timing summary).
#[derive(Default)]
pub struct StepTimes {
    pub template_ns: AtomicU64,
}

pub struct Renderer {
    tera: Tera,
    pub times: StepTimes,
}

impl Renderer {
    /// Loads `<theme>/templates/**` with `overrides` (the site's `templates/`) on top.
    /// Templates are minified once here, so pages come out minified (see `templates`).
    pub fn new(theme_dir: &Path, overrides: Option<&Path>) -> Result<Self, RenderError> {
        let tera = templates::load(&theme_dir.join("templates"), overrides)?;
        Ok(Self {
            tera,
            times: StepTimes::default(),
        })
    }

    /// Renders `template` for the page at `page` (named in messages).
    pub fn render(
        &self,
        page: &str,
        template: &str,
        ctx: &Context,
    ) -> Result<Vec<u8>, RenderError> {
        let t0 = Instant::now();
        // Straight into bytes: `Tera::render` would build the page in a growing buffer
        // and then check all of it is UTF-8 again to make a String; the pages are
        // written as bytes anyway. 16 KiB holds a resource page (about 13 KB) without
        // regrowing.
        let html = self.render_into(page, template, ctx, 16 * 1024)?;
        self.times
            .template_ns
            .fetch_add(t0.elapsed().as_nanos() as u64, Ordering::Relaxed);
        Ok(html)
    }

    /// Renders a small piece of a page (a list entry) into a String sized for it: the
    /// 16 KiB a page starts with would be most of the cost of a 300-byte fragment.
    pub fn render_fragment(&self, template: &str, ctx: &Context) -> Result<String, RenderError> {
        let html = self.render_into(template, template, ctx, 512)?;
        Ok(String::from_utf8(html).expect("tera renders UTF-8 text"))
    }

    fn render_into(
        &self,
        page: &str,
        template: &str,
        ctx: &Context,
        capacity: usize,
    ) -> Result<Vec<u8>, RenderError> {
        let mut html = Vec::with_capacity(capacity);
        self.tera
            .render_to(template, ctx, &mut html)
            .map_err(|e| RenderError::Page {
                page: page.to_string(),
                template: template.to_string(),
                message: chain(&e),
            })?;
        Ok(html)
    }

    /// Renders a non-HTML template (robots, XML) without minifying.
    pub fn render_raw(&self, template: &str, ctx: &Context) -> Result<String, RenderError> {
        self.tera
            .render(template, ctx)
            .map_err(|e| RenderError::Page {
                page: template.to_string(),
                template: template.to_string(),
                message: chain(&e),
            })
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|n| n == name)
    }
}
