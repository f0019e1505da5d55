//! The actors' data as tables, with the rows written by the current step
//! highlighted (new rows and changed rows differently).

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

/// The data tables. (A plain function, not a component: each component
/// costs about 1 KB of WebAssembly in Yew's glue.)
pub fn data_tables(p: &Props) -> Html {
    let tables = p.tables.iter().map(|t| {
        let rows = t.rows.iter().map(|r| {
            let key = r.first().map(String::as_str).unwrap_or_default();
            let change = p.changed.iter().find(|(table, k, _)| *table == t.title && k == key);
            let class = match change {
                Some((_, _, true)) => Some("row-new"),
                Some((_, _, false)) => Some("row-changed"),
                None => None,
            };
            html! { <tr class={classes!(class)}>{ for r.iter().map(|c| html! { <td>{ c }</td> }) }</tr> }
        });
        html! {
            <section class="data-table">
                <h3>{ &t.title }</h3>
                <div class="table-scroll" tabindex="0" role="region" aria-label={format!("{} (scrollable)", t.title)}>
                    <table data-table={t.title.clone()}>
                        <thead><tr>{ for t.columns.iter().map(|c| html! { <th scope="col">{ c }</th> }) }</tr></thead>
                        <tbody>
                            if t.rows.is_empty() {
                                <tr class="empty"><td colspan={t.columns.len().to_string()}>{"(empty)"}</td></tr>
                            }
                            { for rows }
                        </tbody>
                    </table>
                </div>
            </section>
        }
    });
    html! { <div class="tables">{ for tables }</div> }
}
