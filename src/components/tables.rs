//! The actors' data as tables, new and changed rows highlighted against the
//! previous step.

use faultline_sim::trace::Table;
use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct Props {
    pub tables: Vec<Table>,
    pub previous: Vec<Table>,
}

#[component]
pub fn DataTables(p: &Props) -> Html {
    let tables = p.tables.iter().map(|t| {
        let before = p.previous.iter().find(|x| x.title == t.title);
        let rows = t.rows.iter().map(|r| {
            let old = before.and_then(|b| b.rows.iter().find(|o| o.first() == r.first()));
            let class = match old {
                None => Some("row-new"),
                Some(o) if o != r => Some("row-changed"),
                _ => None,
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
