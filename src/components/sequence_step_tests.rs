//! The diagram layout's tests: rows in order as a stable sort would put them.

#[test]
fn by_row_orders_as_a_stable_sort_would() {
    let rows: Vec<Option<u32>> = vec![
        Some(3),
        None,
        Some(0),
        Some(3),
        Some(1),
        None,
        Some(0),
        Some(9),
    ];
    let got = super::by_row(10, rows.len(), &|i| rows[i]);
    let mut want: Vec<u32> = (0..rows.len() as u32)
        .filter(|&i| rows[i as usize].is_some())
        .collect();
    want.sort_by_key(|&i| rows[i as usize]);
    assert_eq!(got, want);
    assert_eq!(got, [2, 6, 4, 0, 3, 7]);
}
