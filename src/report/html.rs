//! The HTML report: one self-contained file rendered server-side with tera (autoescaped), with
//! the canonical JSON embedded for the client-side filters.

use super::Analysis;

pub fn render(analysis: &Analysis) -> Result<String, tera::Error> {
    let mut tera = tera::Tera::default();
    tera.add_raw_template("report.html", include_str!("../../templates/report.html.tera"))?;
    let mut context = tera::Context::new();
    context.insert("report", &analysis.report);
    tera.render("report.html", &context)
}
