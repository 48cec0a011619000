//! Check reports: human text, JSON Lines, GitHub workflow commands, JUnit XML.

use console::Style;

use super::diff::render;
use super::sanitize;
use crate::check::{ArticleReport, Finding, Severity};

/// Human report: findings grouped by article, each as
/// `file:line:column: severity[code]: message`, drift with its word diff,
/// then a summary line.
pub fn human(reports: &[ArticleReport], color: bool) -> String {
    let mut out = human_sections(reports, color);
    let quotations = reports.iter().map(|r| r.quotations.len()).sum();
    let errors = reports.iter().map(ArticleReport::errors).sum();
    let warnings = reports.iter().map(ArticleReport::warnings).sum();
    out.push_str(&human_summary(
        errors,
        warnings,
        reports.len(),
        quotations,
        color,
    ));
    out
}

fn paint(color: bool, style: Style, text: &str) -> String {
    if color {
        style.force_styling(true).apply_to(text).to_string()
    } else {
        text.to_string()
    }
}

/// The findings part of [`human`]: one section per article with findings.
/// `check` prints it batch by batch, so that it need not hold every
/// article's report at once.
pub fn human_sections(reports: &[ArticleReport], color: bool) -> String {
    let paint = |style: Style, text: &str| paint(color, style, text);
    let mut out = String::new();
    for report in reports {
        if report.findings.is_empty() {
            continue;
        }
        out.push_str(&paint(Style::new().bold(), &report.file));
        out.push('\n');
        for f in &report.findings {
            let label = match f.severity {
                Severity::Error => paint(Style::new().red().bold(), &format!("error[{}]", f.code)),
                Severity::Warning => paint(
                    Style::new().yellow().bold(),
                    &format!("warning[{}]", f.code),
                ),
            };
            out.push_str(&format!(
                "  {}:{}:{}: {label}: {}\n",
                f.file,
                f.line,
                f.column,
                sanitize(&f.message)
            ));
            if let Some(diff) = &f.diff {
                out.push_str(&format!(
                    "      record → article: {}\n",
                    render(diff, color).replace('\n', "\n      ")
                ));
            }
        }
        out.push('\n');
    }
    out
}

/// The last line of [`human`]: the totals.
pub fn human_summary(
    errors: usize,
    warnings: usize,
    articles: usize,
    quotations: usize,
    color: bool,
) -> String {
    let paint = |style: Style, text: &str| paint(color, style, text);
    let mut out = String::new();
    let summary = format!(
        "{} error{}, {} warning{} in {articles} article{} ({quotations} quotation{} checked)",
        errors,
        if errors == 1 { "" } else { "s" },
        warnings,
        if warnings == 1 { "" } else { "s" },
        if articles == 1 { "" } else { "s" },
        if quotations == 1 { "" } else { "s" },
    );
    let summary = if errors > 0 {
        paint(Style::new().red().bold(), &summary)
    } else {
        paint(Style::new().green().bold(), &summary)
    };
    out.push_str(&summary);
    out.push('\n');
    out
}

/// One JSON object per finding, per line.
pub fn json_lines(reports: &[ArticleReport]) -> String {
    let mut out = String::new();
    for f in reports.iter().flat_map(|r| &r.findings) {
        out.push_str(&finding_json(f));
        out.push('\n');
    }
    out
}

/// A finding as one JSON object (the diff as operations and as plain text).
pub fn finding_json(f: &Finding) -> String {
    let mut v = serde_json::to_value(f).unwrap_or_default();
    if let (Some(diff), Some(obj)) = (&f.diff, v.as_object_mut()) {
        obj.insert(
            "diff_text".into(),
            serde_json::Value::String(render(diff, false)),
        );
    }
    v.to_string()
}

/// GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`.
pub fn github(reports: &[ArticleReport]) -> String {
    let mut out = String::new();
    for f in reports.iter().flat_map(|r| &r.findings) {
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = sanitize(&f.message);
        if let Some(diff) = &f.diff {
            message.push('\n');
            message.push_str(&render(diff, false));
        }
        out.push_str(&format!(
            "::{level} file={},line={},col={},title={}::{}\n",
            gh_property(&f.file),
            f.line,
            f.column,
            gh_property(&format!("verbatim {}", f.code)),
            gh_data(&message)
        ));
    }
    out
}

fn gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// JUnit XML: one test suite per article, one test case per quotation (and
/// one per record-level finding); a case fails on an error finding.
pub fn junit(reports: &[ArticleReport]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let tests: usize = reports.iter().map(|r| cases(r).len()).sum();
    let failures: usize = reports
        .iter()
        .map(|r| {
            cases(r)
                .iter()
                .filter(|c| c.2.iter().any(|f| f.severity == Severity::Error))
                .count()
        })
        .sum();
    out.push_str(&format!("<testsuites name=\"verbatim check\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">\n"));
    for report in reports {
        let cases = cases(report);
        let failed = cases
            .iter()
            .filter(|c| c.2.iter().any(|f| f.severity == Severity::Error))
            .count();
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failed}\" errors=\"0\" skipped=\"0\">\n",
            xml(&report.file),
            cases.len()
        ));
        for (name, file, findings) in cases {
            out.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\"",
                xml(&report.slug),
                xml(&name),
                xml(&file)
            ));
            let errors: Vec<&&Finding> = findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .collect();
            let warnings: Vec<&&Finding> = findings
                .iter()
                .filter(|f| f.severity == Severity::Warning)
                .collect();
            if errors.is_empty() && warnings.is_empty() {
                out.push_str("/>\n");
                continue;
            }
            out.push_str(">\n");
            for f in errors {
                let mut body = format!("{}:{}:{}: {}", f.file, f.line, f.column, f.message);
                if let Some(diff) = &f.diff {
                    body.push('\n');
                    body.push_str(&render(diff, false));
                }
                out.push_str(&format!(
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                    f.code,
                    xml(&f.message),
                    xml(&body)
                ));
            }
            if !warnings.is_empty() {
                let text: Vec<String> = warnings
                    .iter()
                    .map(|f| {
                        format!(
                            "warning[{}] {}:{}:{}: {}",
                            f.code, f.file, f.line, f.column, f.message
                        )
                    })
                    .collect();
                out.push_str(&format!(
                    "      <system-out>{}</system-out>\n",
                    xml(&text.join("\n"))
                ));
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Test cases of one article: (name, file, findings).
fn cases(report: &ArticleReport) -> Vec<(String, String, Vec<&Finding>)> {
    let mut cases: Vec<(String, String, Vec<&Finding>)> = report
        .quotations
        .iter()
        .map(|q| {
            let findings = report
                .findings
                .iter()
                .filter(|f| f.file == report.file && f.line == q.line && f.column == q.column)
                .collect();
            (
                format!(
                    "{}:{} “{}”",
                    q.line,
                    q.column,
                    super::ellipsize(&super::sanitize_inline(&q.text), 60)
                ),
                report.file.clone(),
                findings,
            )
        })
        .collect();
    let other: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| {
            !report
                .quotations
                .iter()
                .any(|q| f.file == report.file && f.line == q.line && f.column == q.column)
        })
        .collect();
    for f in other {
        cases.push((
            format!("{} {}:{}", f.code, f.file, f.line),
            f.file.clone(),
            vec![f],
        ));
    }
    cases
}

/// Escapes text for XML 1.0 attributes and content; characters XML cannot
/// carry are written as visible `\u{…}` escapes.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                out.push_str(&format!("\\u{{{:X}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}
