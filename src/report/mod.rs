//! HTML reports: the profile and the data-quality check as one self-contained page each.
//!
//! A page is rendered by minijinja from templates compiled into the binary
//! (`templates/`): inline CSS, a few lines of inline JavaScript and inline SVG charts,
//! nothing fetched from the network, so the file opens from disk and can be attached
//! to a ticket. The templates are named `*.html`, which turns on minijinja's HTML
//! auto-escaping: every value from the data (column names, values, rule text) is
//! escaped wherever it is printed, in text, attributes and SVG `<title>`s.
//!
//! The Rust side computes view models (numbers already formatted, chart geometry from
//! [`svg`]); the templates only lay them out.

mod check;
mod profile;
pub mod svg;

use minijinja::Environment;
use serde::Serialize;

pub use check::check_html;
pub use profile::profile_html;

/// Rendering a page failed: a template bug, never the data's fault.
#[derive(Debug, thiserror::Error)]
#[error("rendering the HTML report failed: {0}")]
pub struct HtmlError(#[from] minijinja::Error);

fn environment() -> Result<Environment<'static>, HtmlError> {
    let mut env = Environment::new();
    env.add_template("style.css", include_str!("templates/style.css"))?;
    env.add_template("script.js", include_str!("templates/script.js"))?;
    env.add_template("chart.html", include_str!("templates/chart.html"))?;
    env.add_template("base.html", include_str!("templates/base.html"))?;
    env.add_template("profile.html", include_str!("templates/profile.html"))?;
    env.add_template("check.html", include_str!("templates/check.html"))?;
    Ok(env)
}

/// Render `template` with `ctx`.
fn render(template: &str, ctx: impl Serialize) -> Result<String, HtmlError> {
    let env = environment()?;
    let tmpl = env.get_template(template)?;
    Ok(tmpl.render(minijinja::context! {
        page => minijinja::value::Serde(ctx),
        version => env!("CARGO_PKG_VERSION"),
    })?)
}

/// A value from the data as shown on a page: text as it is (the empty string and
/// surrounding spaces made visible), numbers formatted for people.
pub fn show_value(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::String(s) if s.is_empty() || s.trim() != s => format!("{s:?}"),
        Value::String(s) => s.clone(),
        Value::Number(n) => n
            .as_f64()
            .map(crate::profile::render::fmt_num)
            .unwrap_or_else(|| n.to_string()),
        Value::Null => "null".into(),
        other => other.to_string(),
    }
}

/// A percentage for people: 0–100 with one decimal, "<0.1%" for tiny shares.
pub fn pct(p: f64) -> String {
    if !p.is_finite() {
        "–".into()
    } else if p == 0.0 || p == 100.0 {
        format!("{p:.0}%")
    } else if p < 0.1 {
        "<0.1%".into()
    } else {
        format!("{p:.1}%")
    }
}
