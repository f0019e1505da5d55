//! The actors' data as tables, with the rows written by the current step
//! highlighted (new rows and changed rows differently).
//!
//! Written as HTML text (every cell escaped) rather than with `html!`:
//! the tables only show data, and text costs a fraction of the WebAssembly
//! that building each element through Yew does.

use faultline_sim::trace::Table;
use std::fmt::Write as _;
use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct Props {
    pub tables: Vec<Table>,
    /// Rows written by the current step: (table, row key, is it new).
    pub changed: Vec<(String, String, bool)>,
}

/// The tables as a component, for the component tests' renderer.
#[cfg(test)]
#[component]
pub fn DataTables(p: &Props) -> Html {
    data_tables(p)
}

/// `text` with `&`, `<`, `>` and `"` escaped, for HTML text and attributes.
pub fn escape(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

/// The data tables. (Text, not a component: see the module's doc.)
pub fn data_tables(p: &Props) -> Html {
    let mut out = String::from("<div class=\"tables\">");
    let e = |out: &mut String, s: &str| escape(out, s);
    for t in &p.tables {
        out.push_str("<section class=\"data-table\"><h3>");
        e(&mut out, &t.title);
        out.push_str(
            "</h3><div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"",
        );
        e(&mut out, &t.title);
        out.push_str(" (scrollable)\"><table data-table=\"");
        e(&mut out, &t.title);
        out.push_str("\"><thead><tr>");
        for c in &t.columns {
            out.push_str("<th scope=\"col\">");
            e(&mut out, c);
            out.push_str("</th>");
        }
        out.push_str("</tr></thead><tbody>");
        if t.rows.is_empty() {
            let _ = write!(
                out,
                "<tr class=\"empty\"><td colspan=\"{}\">(empty)</td></tr>",
                t.columns.len()
            );
        }
        for r in &t.rows {
            let key = r.first().map(String::as_str).unwrap_or_default();
            let change = p
                .changed
                .iter()
                .find(|(table, k, _)| *table == t.title && k == key);
            out.push_str(match change {
                Some((_, _, true)) => "<tr class=\"row-new\">",
                Some((_, _, false)) => "<tr class=\"row-changed\">",
                None => "<tr>",
            });
            for c in r {
                out.push_str("<td>");
                e(&mut out, c);
                out.push_str("</td>");
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table></div></section>");
    }
    out.push_str("</div>");
    Html::from_html_unchecked(AttrValue::from(out))
}
