//! The workspace's shape, checked: the core depends on no engine (as `cargo tree -p smp-core`
//! lists it), and neither the core's
//! modules nor the app's import each other in a cycle.
//!
//! Module imports are read from the sources: every `crate::…` path (in `use` lines and in
//! code), every `super::…` path, and every `mod child;` (a parent composes its children). The
//! crate root is left out: it declares every module and holds the shared `Options` and
//! `AppSystems`, which is what a root is for. So are unit tests, which build their cases from
//! whatever they need.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The packages `package` builds with (normal dependencies, direct or not), as `cargo tree`
/// lists them.
fn dependencies(package: &str) -> BTreeSet<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args([
            "tree",
            "--offline",
            "-e",
            "normal",
            "--prefix",
            "none",
            "-p",
            package,
        ])
        .current_dir(workspace())
        .output()
        .expect("run cargo tree");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split(' ').next())
        .map(String::from)
        .collect()
}

#[test]
fn the_core_depends_on_no_engine_window_or_gpu_crate() {
    let deps = dependencies("smp-core");
    assert!(deps.contains("serde"), "cargo tree was read: {deps:?}");
    let engine: Vec<&String> = deps
        .iter()
        .filter(|d| {
            [
                "bevy",
                "wgpu",
                "winit",
                "egui",
                "naga",
                "octotablet",
                "clap",
            ]
            .iter()
            .any(|e| d.starts_with(e))
        })
        .collect();
    assert!(engine.is_empty(), "smp-core depends on {engine:?}");
    // The app does depend on Bevy: the check above can see an engine when there is one.
    assert!(dependencies("smp-app").contains("bevy"));
}

/// Module name of a source file: `a/b.rs` and `a/b/mod.rs` are `a::b`; the root is "".
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let parts: Vec<&str> = parts
        .iter()
        .map(String::as_str)
        .filter(|p| *p != "mod" && *p != "lib" && *p != "main")
        .collect();
    parts.join("::")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The paths after `prefix` in `code`, with `{a, b::c}` groups expanded.
fn paths_after(code: &str, prefix: &str) -> Vec<String> {
    fn expand(s: &str, base: &str, out: &mut Vec<String>) {
        let s = s.trim_start();
        if let Some(group) = s.strip_prefix('{') {
            let mut depth = 0;
            let mut start = 0;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        expand(&group[start..i], base, out);
                        return;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        expand(&group[start..i], base, out);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            return;
        }
        let ident: String = s
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if ident.is_empty() {
            return;
        }
        let path = if base.is_empty() {
            ident.clone()
        } else {
            format!("{base}::{ident}")
        };
        let rest = &s[ident.len()..];
        match rest.strip_prefix("::") {
            Some(r) => expand(r, &path, out),
            None => out.push(path),
        }
    }
    let mut out = Vec::new();
    for (i, _) in code.match_indices(prefix) {
        let before = code[..i].chars().last();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        expand(&code[i + prefix.len()..], "", &mut out);
    }
    out
}

/// The module graph of one crate: module → the modules it uses.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(src, f)).collect();
    // The longest module that `path` (from the crate root) lies in.
    let resolve = |path: &str| -> Option<String> {
        let parts: Vec<&str> = path.split("::").collect();
        (1..=parts.len())
            .rev()
            .map(|n| parts[..n].join("::"))
            .find(|m| modules.contains(m))
    };
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let me = module_of(src, f);
        if me.is_empty() {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        // Comments are not imports, nor are unit tests (at the end of a file, by convention),
        // which may use any module to build their cases.
        let text = text.split("#[cfg(test)]").next().unwrap_or_default();
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let parent = me.rsplit_once("::").map_or("", |(p, _)| p).to_string();
        let mut uses: Vec<String> = paths_after(&code, "crate::");
        for p in paths_after(&code, "super::") {
            uses.push(if parent.is_empty() {
                p
            } else {
                format!("{parent}::{p}")
            });
        }
        let edges = graph.entry(me.clone()).or_default();
        for u in uses {
            if let Some(m) = resolve(&u)
                && !m.is_empty()
                && m != me
            {
                edges.insert(m);
            }
        }
        for line in code.lines() {
            let l = line
                .trim_start()
                .trim_start_matches("pub(crate) ")
                .trim_start_matches("pub ");
            if let Some(child) = l.strip_prefix("mod ").and_then(|c| c.strip_suffix(';')) {
                edges.insert(format!("{me}::{child}"));
            }
        }
    }
    graph
}

/// A cycle in `graph`, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_string(), 1);
        stack.push(n.to_string());
        for m in graph.get(n).into_iter().flatten() {
            match state.get(m.as_str()).copied().unwrap_or(0) {
                1 => {
                    let from = stack.iter().position(|s| s == m).unwrap();
                    let mut cycle = stack[from..].to_vec();
                    cycle.push(m.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(m, graph, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in graph.keys() {
        if state.get(n.as_str()).copied().unwrap_or(0) == 0
            && let Some(c) = visit(n, graph, &mut state, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

#[test]
fn no_module_of_the_core_or_the_app_imports_itself_through_others() {
    for krate in ["smp-core", "smp-app"] {
        let src = workspace().join("crates").join(krate).join("src");
        let graph = module_graph(&src);
        assert!(graph.len() > 10, "{krate}: {} modules read", graph.len());
        assert_eq!(find_cycle(&graph), None, "{krate} has an import cycle");
    }
}

#[test]
fn the_cycle_check_finds_cycles() {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    assert_eq!(find_cycle(&g), None);
    g.entry("c".into()).or_default().insert("a".into());
    assert_eq!(
        find_cycle(&g).unwrap(),
        vec!["a".to_string(), "b".into(), "c".into(), "a".into()]
    );
    assert_eq!(
        paths_after("use crate::{a::{b, c}, d};", "crate::"),
        vec!["a::b".to_string(), "a::c".into(), "d".into()]
    );
}

#[test]
fn no_screen_is_imported_by_a_shared_module() {
    let src = workspace().join("crates/smp-app/src");
    let graph = module_graph(&src);
    for (module, uses) in &graph {
        if module.starts_with("screens") {
            continue;
        }
        let screens: Vec<&String> = uses.iter().filter(|u| u.starts_with("screens::")).collect();
        assert!(screens.is_empty(), "{module} imports {screens:?}");
    }
}

/// The core's layers as docs/architecture.md states them: each bullet of "The core's modules"
/// is a layer, from the bottom up, holding the top-level modules named in backticks in it.
fn documented_layers(top_level: &BTreeSet<String>) -> Vec<BTreeSet<String>> {
    let doc = std::fs::read_to_string(workspace().join("docs/architecture.md")).unwrap();
    let start = doc.find("## The core's modules").expect("the section");
    let section = &doc[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    let mut bullets: Vec<String> = Vec::new();
    for line in section.lines() {
        if let Some(rest) = line.strip_prefix("- ") {
            bullets.push(rest.to_string());
        } else if line.starts_with("  ")
            && let Some(last) = bullets.last_mut()
        {
            last.push(' ');
            last.push_str(line.trim());
        }
    }
    bullets
        .iter()
        .map(|b| {
            b.split('`')
                .skip(1)
                .step_by(2)
                .filter(|name| top_level.contains(*name))
                .map(String::from)
                .collect()
        })
        .collect()
}

#[test]
fn the_cores_modules_import_only_from_the_layers_the_architecture_doc_puts_below_them() {
    let src = workspace().join("crates/smp-core/src");
    let graph = module_graph(&src);
    let top = |m: &str| m.split("::").next().unwrap_or_default().to_string();
    let top_level: BTreeSet<String> = graph.keys().map(|m| top(m)).collect();
    let layers = documented_layers(&top_level);
    let layer_of = |m: &str| layers.iter().position(|l| l.contains(m));
    // Every module of the core is in the doc.
    for m in &top_level {
        assert!(
            layer_of(m).is_some(),
            "docs/architecture.md does not place module `{m}`"
        );
    }
    for (from, uses) in &graph {
        for to in uses {
            let (a, b) = (top(from), top(to));
            if a == b {
                continue;
            }
            assert!(
                layer_of(&b) <= layer_of(&a),
                "`{from}` imports `{to}`, which docs/architecture.md puts in a higher layer"
            );
        }
    }
}
