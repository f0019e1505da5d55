//! The actors' data as tables, with the rows written by the current step
//! highlighted (new rows and changed rows differently).
//!
//! Written as HTML text (every cell escaped) rather than with `html!`:
//! the tables only show data, and text costs a fraction of the WebAssembly
//! that building each element through Yew does.

use crate::markup::Markup;
use faultline_sim::trace::Table;
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

/// The data tables. (Text, not a component: see the module's doc.)
pub fn data_tables(p: &Props) -> Html {
    let mut out = Markup::from_lit("<div class=\"tables\">");
    for t in &p.tables {
        out.lit("<section class=\"data-table\"><h3>");
        out.text(&t.title);
        out.lit("</h3><div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"");
        out.text(&t.title);
        out.lit(" (scrollable)\"><table data-table=\"");
        out.text(&t.title);
        out.lit("\"><thead><tr>");
        for c in &t.columns {
            out.lit("<th scope=\"col\">");
            out.text(c);
            out.lit("</th>");
        }
        out.lit("</tr></thead><tbody>");
        if t.rows.is_empty() {
            markup!(
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
            out.lit(match change {
                Some((_, _, true)) => "<tr class=\"row-new\">",
                Some((_, _, false)) => "<tr class=\"row-changed\">",
                None => "<tr>",
            });
            for c in r {
                out.lit("<td>");
                out.text(c);
                out.lit("</td>");
            }
            out.lit("</tr>");
        }
        out.lit("</tbody></table></div></section>");
    }
    out.lit("</div>");
    out.into_html()
}
