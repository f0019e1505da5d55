//! The actors' data as tables, with the rows written by the current step
//! highlighted (new rows and changed rows differently).
//!
use faultline_sim::trace::Table;
use std::rc::Rc;
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
    data_tables(p.clone())
}

/// One table and the rows the current step wrote to it: (row key, is it new).
#[derive(Properties, PartialEq, Clone)]
struct OneProps {
    table: Rc<Table>,
    changed: Vec<(String, bool)>,
}

/// One row of a table, and its highlight.
#[derive(Properties, Clone)]
struct RowProps {
    table: Rc<Table>,
    index: usize,
    class: Option<&'static str>,
}

/// Equal when the row's cells and highlight are: an unchanged row is not
/// drawn again (nor its cells copied to be compared).
impl PartialEq for RowProps {
    fn eq(&self, o: &Self) -> bool {
        self.class == o.class && self.table.rows.get(self.index) == o.table.rows.get(o.index)
    }
}

#[component]
fn DataRow(p: &RowProps) -> Html {
    let cells = p
        .table
        .rows
        .get(p.index)
        .map(Vec::as_slice)
        .unwrap_or_default();
    html! {
        <tr class={p.class}>
            { for cells.iter().map(|c| html! { <td>{ c.clone() }</td> }) }
        </tr>
    }
}

/// One data table. Each row is a component of its own (rows are only
/// ever added at the end), and a table whose rows and highlights did not
/// change is not drawn again: a long run's tables hold thousands of
/// cells, and a step that changes one row redraws that row alone.
#[component]
fn DataTable(p: &OneProps) -> Html {
    let t = &p.table;
    let rows = t.rows.iter().enumerate().map(|(index, r)| {
        let key = r.first().map(String::as_str).unwrap_or_default();
        let class = match p.changed.iter().find(|(k, _)| k == key) {
            Some((_, true)) => Some("row-new"),
            Some((_, false)) => Some("row-changed"),
            None => None,
        };
        html! { <DataRow table={t.clone()} {index} {class} /> }
    });
    let label = format!("{} (scrollable)", t.title);
    html! {
        <section class="data-table">
            <h3>{ t.title.clone() }</h3>
            <div class="table-scroll" tabindex="0" role="region" aria-label={label}>
                <table data-table={t.title.clone()}>
                    <thead><tr>{ for t.columns.iter().map(|c| html! { <th scope="col">{ c.clone() }</th> }) }</tr></thead>
                    <tbody>
                        if t.rows.is_empty() {
                            <tr class="empty"><td colspan={t.columns.len().to_string()}>{ "(empty)" }</td></tr>
                        }
                        { for rows }
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// The data tables.
pub fn data_tables(p: Props) -> Html {
    let table = |t: Table| {
        let changed: Vec<(String, bool)> = p
            .changed
            .iter()
            .filter(|(table, _, _)| *table == t.title)
            .map(|(_, k, new)| (k.clone(), *new))
            .collect();
        html! { <DataTable table={Rc::new(t)} {changed} /> }
    };
    html! { <div class="tables">{ for p.tables.into_iter().map(table) }</div> }
}
