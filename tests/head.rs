//! Issue 18 from the command line: every head level is listed, simulated, scored, drawn from
//! every view, as its scalp map and in a loupe, and reported.

use crate::support::{smp, temp_dir, text};

fn is_png(path: &std::path::Path) -> bool {
    std::fs::read(path).is_ok_and(|b| b.starts_with(b"\x89PNG\r\n\x1a\n") && b.len() > 500)
}

#[test]
fn every_head_level_simulates_scores_renders_and_reports_from_the_command_line() {
    let list = smp(&["levels", "list"]);
    assert!(list.status.success());
    let listed = text(&list.stdout);
    let heads = [
        "head-hairline",
        "head-crown",
        "head-strip-scar",
        "norwood-3",
        "norwood-5",
        "norwood-7",
        "head-full",
    ];
    for id in heads {
        assert!(listed.contains(&format!("{id}\t")), "{id} listed: {listed}");
    }
    let dir = temp_dir("head-cli");
    // The full head is simulated and scored like the others; drawing it is covered by the
    // smaller levels (the same code).
    for id in heads {
        let a = dir.join(format!("{id}.ron"));
        let a_str = a.to_str().unwrap();
        let o = smp(&[
            "simulate",
            "--level",
            id,
            "--persona",
            "expert",
            "--seed",
            "4",
            "--out",
            a_str,
        ]);
        assert!(o.status.success(), "{id}: {}", text(&o.stderr));
        let s = smp(&["score", a_str]);
        assert_eq!(s.status.code(), Some(0), "{id}: {}", text(&s.stdout));
        assert!(
            text(&s.stdout).contains("PASSED"),
            "{id}: {}",
            text(&s.stdout)
        );
        if id == "head-full" {
            continue;
        }
        for view in ["front", "left", "right", "top", "back"] {
            let png = dir.join(format!("{id}-{view}.png"));
            let o = smp(&[
                "render",
                a_str,
                "--day",
                "42",
                "--view",
                view,
                "--size",
                "160",
                "--out",
                png.to_str().unwrap(),
            ]);
            assert!(o.status.success(), "{id} {view}: {}", text(&o.stderr));
            assert!(text(&o.stdout).contains(&format!("the {view} view")));
            assert!(is_png(&png), "{id} {view}");
        }
        let map = dir.join(format!("{id}-map.png"));
        let o = smp(&[
            "render",
            a_str,
            "--day",
            "0",
            "--view",
            "map",
            "--px-per-mm",
            "1",
            "--out",
            map.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{id} map: {}", text(&o.stderr));
        assert!(text(&o.stdout).contains("580 × 580 px, the scalp map"));
        assert!(is_png(&map));
        let page = dir.join(format!("{id}.md"));
        let o = smp(&["report", a_str, "--out", page.to_str().unwrap()]);
        assert!(o.status.success(), "{id} report: {}", text(&o.stderr));
        let md = std::fs::read_to_string(&page).unwrap();
        assert!(md.contains("healed head from the front"), "{md}");
        assert!(is_png(&page.with_extension("png")));
    }
    // A loupe over a dot of the hairline, and what a flat skin answers to a head's view.
    let a = dir.join("head-hairline.ron");
    let loupe = dir.join("loupe.png");
    let o = smp(&[
        "render",
        a.to_str().unwrap(),
        "--day",
        "42",
        "--loupe",
        "290,215",
        "--loupe-mm",
        "5",
        "--size",
        "200",
        "--out",
        loupe.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(is_png(&loupe));
    let off = smp(&[
        "render",
        a.to_str().unwrap(),
        "--day",
        "42",
        "--loupe",
        "5,5",
        "--out",
        loupe.to_str().unwrap(),
    ]);
    assert_eq!(off.status.code(), Some(2));
    assert!(
        text(&off.stderr).contains("not on the skin"),
        "{}",
        text(&off.stderr)
    );
    let flat = dir.join("flat.ron");
    let o = smp(&[
        "simulate",
        "--level",
        "depth-drill",
        "--persona",
        "expert",
        "--out",
        flat.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let o = smp(&[
        "render",
        flat.to_str().unwrap(),
        "--day",
        "42",
        "--view",
        "front",
        "--out",
        dir.join("no.png").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("flat practice skin"),
        "{}",
        text(&o.stderr)
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_design_level_is_simulated_scored_and_drawn_from_the_command_line() {
    // An academy's level: the shipped soft hairline with a design step for a mature client.
    let dir = temp_dir("design-cli");
    let shipped = include_str!("../levels/10-head-hairline.ron")
        .replace("id: \"head-hairline\"", "id: \"design-mature\"");
    let end = shipped.trim_end().rfind(')').unwrap();
    let level = format!(
        "{}    design: Some((mfp_height_mm: (85.0, 100.0))),\n)\n",
        &shipped[..end]
    );
    let level_path = dir.join("design-mature.ron");
    std::fs::write(&level_path, level).unwrap();
    let levels = dir.to_str().unwrap();
    let check = smp(&["levels", "check", levels]);
    assert!(check.status.success(), "{}", text(&check.stderr));

    for (persona, passes, says) in [
        ("expert", true, "the design follows the rules"),
        ("low-designer", false, "too low: the mid-frontal point is"),
        ("straight-designer", false, "straight:"),
    ] {
        let out = dir.join(format!("{persona}.ron"));
        let sim = smp(&[
            "simulate",
            "--level",
            level_path.to_str().unwrap(),
            "--persona",
            persona,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(sim.status.success(), "{}", text(&sim.stderr));
        assert!(
            std::fs::read_to_string(&out)
                .unwrap()
                .contains("format_version: 4")
        );
        let score = smp(&["score", out.to_str().unwrap(), "--levels", levels]);
        let said = text(&score.stdout);
        assert_eq!(score.status.success(), passes, "{persona}: {said}");
        assert!(said.contains("\ndesign "), "{persona}: {said}");
        assert!(said.contains(says), "{persona}: {said}");
        assert!(said.contains("verified"), "{persona}: {said}");
    }
    let png = dir.join("low.png");
    let render = smp(&[
        "render",
        dir.join("low-designer.ron").to_str().unwrap(),
        "--levels",
        levels,
        "--day",
        "42",
        "--size",
        "400",
        "--out",
        png.to_str().unwrap(),
    ]);
    assert!(render.status.success(), "{}", text(&render.stderr));
    assert!(text(&render.stdout).contains("with the designed hairline and its rule lines"));
    assert!(is_png(&png));
    std::fs::remove_dir_all(dir).unwrap();
}
