//! A table's rows as actors report them and a run logs them: a table's
//! title and columns (`TableSchema`), a row a step wrote, known by a
//! numeric id with its cells formatted only when shown (`RowChange`,
//! `LazyCells`), and that row change with its step (`LoggedRow`).

use serde::Serialize;
use std::rc::Rc;

/// A table an actor shows: its title and column names. Several actors may
/// share one (all clients write to "Client attempts").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct TableSchema {
    pub title: &'static str,
    pub columns: &'static [&'static str],
}

/// A row's cells after its key, formatted only when a view shows the row:
/// formatting every version of every row as it was written was most of a
/// full run's cost, and a view shows only the latest version at a cursor.
#[derive(Clone)]
pub struct LazyCells(Rc<dyn Fn() -> Vec<String>>);

impl LazyCells {
    pub fn new(make: impl Fn() -> Vec<String> + 'static) -> Self {
        Self(Rc::new(make))
    }

    /// Cells already formatted.
    pub fn ready(cells: Vec<String>) -> Self {
        Self::new(move || cells.clone())
    }

    pub fn get(&self) -> Vec<String> {
        (self.0)()
    }
}

impl std::fmt::Debug for LazyCells {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

impl PartialEq for LazyCells {
    fn eq(&self, o: &Self) -> bool {
        self.get() == o.get()
    }
}

impl Serialize for LazyCells {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.get().serialize(s)
    }
}

/// A row written (inserted or replaced) by a step.
#[derive(Clone, Debug, PartialEq)]
pub struct RowChange {
    pub table: &'static str,
    /// The row's identity in its table (its key cell, as a number).
    pub id: u64,
    /// All the row's cells, the key first, formatted when shown.
    pub cells: LazyCells,
}

impl RowChange {
    /// A row given as all its cells; the first is its key.
    pub fn new(table: &'static str, row: Vec<String>) -> Self {
        let id = row.first().map_or(0, |k| text_id(k));
        Self {
            table,
            id,
            cells: LazyCells::ready(row),
        }
    }

    /// A row known by `id` (unique in its table), whose cells (the key
    /// first) are formatted only when shown.
    pub fn lazy(table: &'static str, id: u64, cells: impl Fn() -> Vec<String> + 'static) -> Self {
        Self {
            table,
            id,
            cells: LazyCells::new(cells),
        }
    }
}

/// A row identity from its key text (FNV-1a), for rows given as text.
fn text_id(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// Note that row `key` changed, once (rows are reported in the order they
/// were first touched; no sorting, which costs code size in the wasm).
pub fn mark_changed<T: PartialEq>(changed: &mut Vec<T>, key: T) {
    if !changed.contains(&key) {
        changed.push(key);
    }
}

/// A row change and the step that made it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LoggedRow {
    pub step: u32,
    pub table: &'static str,
    /// The row's identity in its table.
    pub id: u64,
    /// All its cells, the key first.
    pub cells: LazyCells,
}

impl LoggedRow {
    /// The row's key cell.
    pub fn key(&self) -> String {
        self.cells.get().into_iter().next().unwrap_or_default()
    }
}
