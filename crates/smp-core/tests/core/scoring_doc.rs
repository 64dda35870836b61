//! `docs/scoring.md` holds exactly the calibration table the scorer produces today.

#[test]
fn the_calibration_table_in_the_docs_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/scoring.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let (open, close) = ("<!-- scoring-table -->\n", "<!-- /scoring-table -->");
    let start = doc.find(open).expect("the opening marker") + open.len();
    let end = doc.find(close).expect("the closing marker");
    let table = smp_core::scoring_table::markdown();
    assert!(
        doc[start..end] == table,
        "docs/scoring.md is stale: run `smp-trainer scoring-table` and paste its output between the markers"
    );
    // The table shows what it says: more faults, a lower score.
    assert!(table.contains("| shallow | 50% |") && table.contains("| 100% |"));
}
