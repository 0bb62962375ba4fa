//! Imports between source files go one way: no two files (or rings of files) import each
//! other, and the shell's layers keep their order (store, the file layer, sits below the
//! renderers and front ends; the renderers never reach up into front ends or the store).
//!
//! A cycle between files means neither can be read, tested or moved without the other, and
//! it is how a "pure" module ends up reaching for the terminal. The compiler allows cycles
//! inside a crate, so this test is what keeps them out (issue 21).
//!
//! How it reads the code: each crate's modules are found from its root (`lib.rs`, `main.rs`)
//! by following `mod` declarations, as rustc does, skipping `#[cfg(test)]` items (test-only
//! code may reach anywhere). Every path in `use` items, types and expressions that starts
//! with `crate`, `self`, `super` or a child module is resolved to the file that defines it,
//! following `pub use` re-exports, so `super::Finding` counts as an import of the file that
//! defines `Finding`, not of the `mod.rs` that re-exports it. Re-exports themselves are
//! plumbing, not dependencies, and so is a child module's use of its own parent (see
//! `edges`). Paths inside macro invocations are not seen (syn does not
//! parse macro bodies); a cycle hidden only in a `format!` argument would slip through.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use petgraph::algo::tarjan_scc;
use petgraph::graph::DiGraph;
use syn::visit::Visit;

/// A module path within one crate, e.g. `["assessment", "findings"]`; empty for the root.
type ModulePath = Vec<String>;

struct Module {
    file: PathBuf,
    /// Public (or crate-visible) re-exports: name -> absolute path it refers to.
    reexports: BTreeMap<String, Vec<String>>,
    children: BTreeSet<String>,
}

struct Crate {
    modules: BTreeMap<ModulePath, Module>,
}

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.parse_args::<syn::Meta>()
                .map(|m| m.path().is_ident("test"))
                .unwrap_or(false)
    })
}

fn parse(file: &Path) -> syn::File {
    let text = std::fs::read_to_string(file)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    syn::parse_file(&text).unwrap_or_else(|e| panic!("cannot parse {}: {e}", file.display()))
}

/// The file a `mod name;` in `parent` (a file of module `parent_is_dir_root` kind) refers to.
fn child_file(parent: &Path, name: &str) -> PathBuf {
    let dir = match parent.file_name().and_then(|n| n.to_str()) {
        Some("lib.rs" | "main.rs" | "mod.rs") => parent.parent().expect("file has a dir").into(),
        _ => parent.with_extension(""),
    };
    let flat = dir.join(format!("{name}.rs"));
    if flat.exists() {
        flat
    } else {
        dir.join(name).join("mod.rs")
    }
}

/// Flattens a use tree into (path, alias-or-last-segment) pairs; globs are skipped.
fn flatten_use(
    tree: &syn::UseTree,
    prefix: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, String)>,
) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            flatten_use(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            let mut path = prefix.clone();
            if name != "self" {
                path.push(name.clone());
            }
            let alias = path.last().cloned().unwrap_or_default();
            out.push((path, alias));
        }
        syn::UseTree::Rename(r) => {
            let mut path = prefix.clone();
            path.push(r.ident.to_string());
            out.push((path, r.rename.to_string()));
        }
        syn::UseTree::Group(g) => {
            for t in &g.items {
                flatten_use(t, prefix, out);
            }
        }
        syn::UseTree::Glob(_) => {}
    }
}

/// Makes `path`, written inside module `at`, absolute within the crate (without `crate`).
/// Returns None for paths into other crates (std, secassess_core, serde, ...).
fn absolute(path: &[String], at: &ModulePath, children: &BTreeSet<String>) -> Option<Vec<String>> {
    let first = path.first()?;
    match first.as_str() {
        "crate" => Some(path[1..].to_vec()),
        "self" => Some(
            at.iter()
                .cloned()
                .chain(path[1..].iter().cloned())
                .collect(),
        ),
        "super" => {
            let mut base = at.clone();
            let mut rest = path;
            while rest.first().map(String::as_str) == Some("super") {
                base.pop();
                rest = &rest[1..];
            }
            Some(base.into_iter().chain(rest.iter().cloned()).collect())
        }
        name if children.contains(name) => {
            Some(at.iter().cloned().chain(path.iter().cloned()).collect())
        }
        _ => None,
    }
}

impl Crate {
    fn load(root: &Path) -> Crate {
        let mut modules = BTreeMap::new();
        let mut pending = vec![(Vec::new(), root.to_path_buf())];
        while let Some((path, file)) = pending.pop() {
            let syntax = parse(&file);
            let mut module = Module {
                file: file.clone(),
                reexports: BTreeMap::new(),
                children: BTreeSet::new(),
            };
            for item in &syntax.items {
                match item {
                    syn::Item::Mod(m) if !is_cfg_test(&m.attrs) => {
                        let name = m.ident.to_string();
                        module.children.insert(name.clone());
                        let mut child: ModulePath = path.clone();
                        child.push(name.clone());
                        if m.content.is_none() {
                            pending.push((child, child_file(&file, &name)));
                        }
                    }
                    _ => {}
                }
            }
            for item in &syntax.items {
                if let syn::Item::Use(u) = item {
                    if is_cfg_test(&u.attrs) || matches!(u.vis, syn::Visibility::Inherited) {
                        continue;
                    }
                    let mut flat = Vec::new();
                    flatten_use(&u.tree, &mut Vec::new(), &mut flat);
                    for (target, alias) in flat {
                        if let Some(target) = absolute(&target, &path, &module.children) {
                            module.reexports.insert(alias, target);
                        }
                    }
                }
            }
            modules.insert(path, module);
        }
        Crate { modules }
    }

    /// The file defining what the absolute `path` names: the deepest module on the path,
    /// then through that module's re-exports (a bounded number of hops).
    fn resolve(&self, path: &[String]) -> Option<(&ModulePath, &Module)> {
        let mut path = path.to_vec();
        for _ in 0..8 {
            let depth = (0..=path.len())
                .rev()
                .find(|&n| self.modules.contains_key(&path[..n]))?;
            let (found, module) = self.modules.get_key_value(&path[..depth])?;
            match path.get(depth).and_then(|item| module.reexports.get(item)) {
                Some(target) if target.as_slice() != path.as_slice() => {
                    let rest = path[depth + 1..].to_vec();
                    path = target.iter().cloned().chain(rest).collect();
                }
                _ => return Some((found, module)),
            }
        }
        None
    }
}

/// Collects every `crate`/`self`/`super`/child-module path a file uses outside test code.
struct Paths<'a> {
    at: &'a ModulePath,
    children: &'a BTreeSet<String>,
    found: Vec<Vec<String>>,
    /// Every `std::...` path, as written (for `the_core_does_no_io`).
    std: Vec<Vec<String>>,
}

impl<'ast> Visit<'ast> for Paths<'_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs = match item {
            syn::Item::Fn(i) => &i.attrs,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Mod(i) => &i.attrs,
            syn::Item::Use(i) => &i.attrs,
            syn::Item::Struct(i) => &i.attrs,
            syn::Item::Enum(i) => &i.attrs,
            syn::Item::Const(i) => &i.attrs,
            syn::Item::Static(i) => &i.attrs,
            syn::Item::Trait(i) => &i.attrs,
            _ => return syn::visit::visit_item(self, item),
        };
        if is_cfg_test(attrs) {
            return;
        }
        if let syn::Item::Use(u) = item {
            let mut flat = Vec::new();
            flatten_use(&u.tree, &mut Vec::new(), &mut flat);
            self.std.extend(
                flat.iter()
                    .filter(|(p, _)| p.first().map(String::as_str) == Some("std"))
                    .map(|(p, _)| p.clone()),
            );
            // A re-export is plumbing; a private `use` is a dependency.
            if matches!(u.vis, syn::Visibility::Inherited) {
                self.found.extend(
                    flat.into_iter()
                        .filter_map(|(p, _)| absolute(&p, self.at, self.children)),
                );
            }
            return;
        }
        syn::visit::visit_item(self, item);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if !is_cfg_test(&f.attrs) {
            syn::visit::visit_impl_item_fn(self, f);
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if segments.first().map(String::as_str) == Some("std") {
            self.std.push(segments.clone());
        }
        if let Some(abs) = absolute(&segments, self.at, self.children) {
            self.found.push(abs);
        }
        syn::visit::visit_path(self, path);
    }
}

/// File-level import edges of one crate, as paths relative to the repository root.
fn edges(root: &Path) -> BTreeSet<(String, String)> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let krate = Crate::load(&repo.join(root));
    let relative = |p: &Path| p.strip_prefix(repo).unwrap_or(p).display().to_string();
    let mut out = BTreeSet::new();
    for (at, module) in &krate.modules {
        let syntax = parse(&module.file);
        let mut paths = Paths {
            at,
            children: &module.children,
            found: Vec::new(),
            std: Vec::new(),
        };
        paths.visit_file(&syntax);
        for path in paths.found {
            let Some((target_at, target)) = krate.resolve(&path) else {
                continue;
            };
            // A child using what its parent module defines is how Rust nests modules (the
            // parent is its namespace); counting it would forbid every `mod.rs` that holds
            // shared types. Every other edge counts, the parent's own uses of its children
            // included, so a ring through a parent is still caught.
            let is_ancestor = target_at.len() < at.len() && at.starts_with(target_at);
            if target.file != module.file && !is_ancestor {
                out.insert((relative(&module.file), relative(&target.file)));
            }
        }
    }
    out
}

/// Each ring of files that import each other, as a sorted list of files.
fn cycles(edges: &BTreeSet<(String, String)>) -> Vec<Vec<String>> {
    let mut graph = DiGraph::<&str, ()>::new();
    let mut index = BTreeMap::new();
    for (from, to) in edges {
        for name in [from, to] {
            index
                .entry(name.as_str())
                .or_insert_with(|| graph.add_node(name.as_str()));
        }
        graph.add_edge(index[from.as_str()], index[to.as_str()], ());
    }
    let mut rings: Vec<Vec<String>> = tarjan_scc(&graph)
        .into_iter()
        .filter(|scc| scc.len() > 1)
        .map(|scc| {
            let mut files: Vec<String> = scc.iter().map(|&n| graph[n].to_string()).collect();
            files.sort();
            files
        })
        .collect();
    rings.sort();
    rings
}

/// The edges of a ring, so the failure says which imports to break.
fn explain(ring: &[String], edges: &BTreeSet<(String, String)>) -> String {
    edges
        .iter()
        .filter(|(a, b)| ring.contains(a) && ring.contains(b))
        .map(|(a, b)| format!("    {a} -> {b}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn assert_acyclic(root: &str) {
    let edges = edges(Path::new(root));
    assert!(
        edges.len() > 20,
        "{root}: only {} import edges found; the scan is broken",
        edges.len()
    );
    let rings = cycles(&edges);
    let report: Vec<String> = rings
        .iter()
        .map(|ring| format!("  {}\n{}", ring.join(", "), explain(ring, &edges)))
        .collect();
    assert!(
        rings.is_empty(),
        "files in {root}'s crate import each other; make each ring one-way by moving the \
         shared piece into its own file below both, or by merging what is one concept:\n{}",
        report.join("\n")
    );
}

#[test]
fn the_core_has_no_import_cycles_between_files() {
    assert_acyclic("crates/secassess-core/src/lib.rs");
}

#[test]
fn the_shell_library_has_no_import_cycles_between_files() {
    assert_acyclic("src/lib.rs");
}

#[test]
fn the_command_line_has_no_import_cycles_between_files() {
    assert_acyclic("src/main.rs");
}

/// The shell's layers, bottom up: `store` (files) may use the core only; the renderers in
/// `report` may use the core and nothing of the shell's front ends or files; front ends sit
/// above both.
#[test]
fn the_file_layer_and_the_renderers_do_not_reach_up() {
    let edges = edges(Path::new("src/lib.rs"));
    let forbidden: &[(&str, &[&str])] = &[
        (
            "src/store/",
            &[
                "src/report/",
                "src/tui/",
                "src/plain/",
                "src/portfolio",
                "src/session",
            ],
        ),
        (
            "src/report/",
            &["src/store/", "src/tui/", "src/plain/", "src/session"],
        ),
    ];
    let mut wrong = Vec::new();
    for (layer, above) in forbidden {
        for (from, to) in &edges {
            if from.starts_with(layer) && above.iter().any(|a| to.starts_with(a)) {
                wrong.push(format!("    {from} -> {to}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "a lower layer of the shell imports a higher one; move the code that needs both \
         into a module above them (see ARCHITECTURE.md):\n{}",
        wrong.join("\n")
    );
}

/// The core's modules, bottom up. Each may import those before it, never those after:
/// text helpers; questionnaire content and its expressions; the rules that decide which
/// obligations apply; the assessment record and everything done to it (the walkthrough
/// included: it reads an assessment's answers); the evidence pack's model and document;
/// the portfolio of many assessments.
const CORE_ORDER: &[&str] = &[
    "text",
    "questionnaire",
    "rules",
    "assessment",
    "report",
    "portfolio",
];

/// The top-level module a core file belongs to: `assessment` for
/// `crates/secassess-core/src/assessment/sign_off/pin.rs`, `text` for `.../text.rs`.
fn core_module(file: &str) -> Option<&str> {
    let inside = file.strip_prefix("crates/secassess-core/src/")?;
    let first = inside.split('/').next()?;
    Some(first.strip_suffix(".rs").unwrap_or(first))
}

#[test]
fn the_core_modules_keep_their_order() {
    let edges = edges(Path::new("crates/secassess-core/src/lib.rs"));
    let rank = |file: &str| core_module(file).and_then(|m| CORE_ORDER.iter().position(|&o| o == m));
    let wrong: Vec<String> = edges
        .iter()
        .filter(|(from, to)| matches!((rank(from), rank(to)), (Some(a), Some(b)) if a < b))
        .map(|(from, to)| format!("    {from} -> {to}"))
        .collect();
    assert!(
        wrong.is_empty(),
        "a core module imports one above it (order, bottom up: {}); move what both need \
         down, or take it as a parameter:\n{}",
        CORE_ORDER.join(", "),
        wrong.join("\n")
    );
    let unranked: BTreeSet<&str> = edges
        .iter()
        .flat_map(|(a, b)| [a.as_str(), b.as_str()])
        .filter_map(core_module)
        .filter(|m| *m != "lib" && !CORE_ORDER.contains(m))
        .collect();
    assert!(
        unranked.is_empty(),
        "core modules missing from CORE_ORDER in tests/layering.rs: {unranked:?}"
    );
}

/// Every `std::...` path each file of a crate uses outside test code, by file.
fn std_paths(root: &Path) -> BTreeMap<String, Vec<Vec<String>>> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let krate = Crate::load(&repo.join(root));
    let mut out = BTreeMap::new();
    for (at, module) in &krate.modules {
        let mut paths = Paths {
            at,
            children: &module.children,
            found: Vec::new(),
            std: Vec::new(),
        };
        paths.visit_file(&parse(&module.file));
        let file = module.file.strip_prefix(repo).unwrap_or(&module.file);
        out.insert(file.display().to_string(), paths.std);
    }
    out
}

/// Whether a `std` path reaches the world outside the process's memory: files, the
/// environment, other processes, the network, threads, the clock, standard input and
/// output. Naming `std::io::Error` (to carry an error the shell met) is not.
fn reaches_out(path: &[String]) -> bool {
    match path.get(1).map(String::as_str) {
        Some("fs" | "env" | "process" | "net" | "thread" | "time") => true,
        Some("io") => !matches!(
            path.get(2).map(String::as_str),
            Some("Error" | "ErrorKind" | "Result")
        ),
        _ => false,
    }
}

/// The core is given the time, today's date and the files' contents; it never reaches
/// for them. The crate boundary (tests/core_boundary.rs) keeps shell crates out, and the
/// core-alone build in `.ci/run` keeps chrono's clock out; this keeps the standard
/// library's files, environment, processes, network, threads and clock out. What it cannot
/// see: I/O through a method of a type named elsewhere (`Path::exists`), or inside a macro.
#[test]
fn the_core_does_no_io() {
    let wrong: Vec<String> = std_paths(Path::new("crates/secassess-core/src/lib.rs"))
        .into_iter()
        .flat_map(|(file, paths)| {
            paths
                .into_iter()
                .filter(|p| reaches_out(p))
                .map(move |p| format!("    {file}: {}", p.join("::")))
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "core code reaches outside the process; do it in the shell (src/store, src/session) \
         and pass the result in:\n{}",
        wrong.join("\n")
    );
    // The scan sees such paths where they belong: the store reads files.
    let store = std_paths(Path::new("src/lib.rs"));
    assert!(
        store
            .iter()
            .any(|(file, paths)| file.starts_with("src/store/")
                && paths.iter().any(|p| reaches_out(p))),
        "the scan found no std::fs in src/store; it is broken"
    );
}

/// The scan itself: a known one-way import is seen, and a re-export is followed to the
/// file that defines the item.
#[test]
fn the_scan_sees_imports_and_follows_re_exports() {
    let core = edges(Path::new("crates/secassess-core/src/lib.rs"));
    assert!(
        core.iter()
            .any(|(from, to)| from.ends_with("assessment/sign_off.rs")
                && to.ends_with("assessment/record.rs")),
        "sign_off.rs uses record.rs's Assessment, but no such edge was found"
    );
    assert!(
        !core
            .iter()
            .any(|(_, to)| to.ends_with("/mod.rs") && to.contains("assessment/mod.rs")),
        "imports through assessment's re-exports should land on the defining file"
    );
    let rings = cycles(&BTreeSet::from([
        ("a.rs".to_string(), "b.rs".to_string()),
        ("b.rs".to_string(), "c.rs".to_string()),
        ("c.rs".to_string(), "a.rs".to_string()),
        ("c.rs".to_string(), "d.rs".to_string()),
    ]));
    assert_eq!(rings, vec![vec!["a.rs", "b.rs", "c.rs"]]);
}
