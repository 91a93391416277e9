//! Standing rules of the source tree (issue 14), checked on every test run so they stay
//! true: `src/lib.rs` is a short table of contents, no file under `src/` is over 800 lines
//! and no function over 120, the top-level modules import each other without cycles, and
//! no client's file name appears as a string literal outside that client's folder and the
//! rules (help texts and doc comments may name files).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| e.into_path())
        .collect();
    out.sort();
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn lib_rs_is_a_short_table_of_contents() {
    let lines = read(Path::new("src/lib.rs")).lines().count();
    assert!(lines <= 150, "src/lib.rs has {lines} lines (at most 150)");
}

#[test]
fn no_source_file_is_over_800_lines() {
    let long: Vec<String> = rust_files(Path::new("src"))
        .into_iter()
        .filter_map(|p| {
            let n = read(&p).lines().count();
            (n > 800).then(|| format!("{} ({n} lines)", p.display()))
        })
        .collect();
    assert!(long.is_empty(), "over 800 lines: {long:#?}");
}

/// The functions of a Rust source, as (name, first line, line count): a `fn` item's
/// extent is counted from its `fn` line to the line that closes its body, by matching
/// braces outside strings, chars and comments. Good enough for rustfmt-formatted code.
fn functions(text: &str) -> Vec<(String, usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut line_of = vec![0usize; bytes.len() + 1];
    let mut line = 1;
    for (i, b) in bytes.iter().enumerate() {
        line_of[i] = line;
        if *b == b'\n' {
            line += 1;
        }
    }
    line_of[bytes.len()] = line;
    // Mask strings, chars and comments so braces inside them do not count.
    let mut code = bytes.to_vec();
    let mut i = 0;
    while i < code.len() {
        match code[i] {
            b'/' if code.get(i + 1) == Some(&b'/') => {
                while i < code.len() && code[i] != b'\n' {
                    code[i] = b' ';
                    i += 1;
                }
            }
            b'/' if code.get(i + 1) == Some(&b'*') => {
                while i + 1 < code.len() && !(code[i] == b'*' && code[i + 1] == b'/') {
                    if code[i] != b'\n' {
                        code[i] = b' ';
                    }
                    i += 1;
                }
                code[i] = b' ';
                if i + 1 < code.len() {
                    code[i + 1] = b' ';
                }
                i += 2;
            }
            b'r' if code.get(i + 1) == Some(&b'#') || code.get(i + 1) == Some(&b'"') => {
                // Raw string r"…" or r#"…"#.
                let mut j = i + 1;
                let mut hashes = 0;
                while code.get(j) == Some(&b'#') {
                    hashes += 1;
                    j += 1;
                }
                if code.get(j) != Some(&b'"') || (i > 0 && code[i - 1].is_ascii_alphanumeric()) {
                    i += 1;
                    continue;
                }
                j += 1;
                loop {
                    if j >= code.len() {
                        break;
                    }
                    if code[j] == b'"' && (0..hashes).all(|h| code.get(j + 1 + h) == Some(&b'#')) {
                        j += 1 + hashes;
                        break;
                    }
                    if code[j] != b'\n' {
                        code[j] = b' ';
                    }
                    j += 1;
                }
                i = j;
            }
            b'"' => {
                i += 1;
                while i < code.len() && code[i] != b'"' {
                    if code[i] == b'\\' {
                        code[i] = b' ';
                        i += 1;
                    }
                    if i < code.len() && code[i] != b'\n' {
                        code[i] = b' ';
                    }
                    i += 1;
                }
                i += 1;
            }
            b'\'' => {
                // A char literal ('x', '\n', '\u{..}') or a lifetime ('a).
                let close = (i + 2..(i + 12).min(code.len())).find(|&j| code[j] == b'\'');
                let is_char = match close {
                    Some(j) => {
                        code[i + 1] == b'\\' || j == i + 2 || !code[i + 1].is_ascii_alphabetic()
                    }
                    None => false,
                };
                if let (true, Some(j)) = (is_char, close) {
                    for c in code.iter_mut().take(j).skip(i + 1) {
                        *c = b' ';
                    }
                    i = j + 1;
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    let code = String::from_utf8_lossy(&code).into_owned();
    let cb = code.as_bytes();
    let mut search = 0;
    while let Some(at) = code[search..].find("fn ") {
        let start = search + at;
        search = start + 3;
        if start > 0 && (cb[start - 1].is_ascii_alphanumeric() || cb[start - 1] == b'_') {
            continue;
        }
        let name: String = code[start + 3..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() {
            continue;
        }
        // The body starts at the first `{` before any `;` (a trait method without a body
        // ends at `;`).
        let rest = &code[start..];
        let (Some(open), semi) = (rest.find('{'), rest.find(';')) else {
            continue;
        };
        if semi.is_some_and(|s| s < open) {
            continue;
        }
        let mut depth = 0;
        let mut end = None;
        for (k, c) in rest[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(start + open + k);
                        break;
                    }
                }
                _ => {}
            }
        }
        if let Some(end) = end {
            let lines = line_of[end] - line_of[start] + 1;
            out.push((name, line_of[start], lines));
        }
    }
    out
}

#[test]
fn the_function_scanner_counts_lines() {
    let text = "fn a() {\n    let s = \"}\";\n    // }\n}\n\nfn b(x: u8) -> u8 {\n    x\n}\n";
    assert_eq!(
        functions(text),
        vec![("a".to_owned(), 1, 4), ("b".to_owned(), 6, 3)]
    );
}

#[test]
fn no_function_is_over_120_lines() {
    let mut long = Vec::new();
    for path in rust_files(Path::new("src")) {
        for (name, line, lines) in functions(&read(&path)) {
            if lines > 120 {
                long.push(format!(
                    "{}:{line} fn {name} ({lines} lines)",
                    path.display()
                ));
            }
        }
    }
    assert!(long.is_empty(), "over 120 lines: {long:#?}");
}

/// `crate::<module>` references of each top-level module of `src/`.
fn module_imports() -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in rust_files(Path::new("src")) {
        let rel = path.strip_prefix("src").unwrap_or(&path);
        let module = rel
            .components()
            .next()
            .map(|c| {
                c.as_os_str()
                    .to_string_lossy()
                    .trim_end_matches(".rs")
                    .to_owned()
            })
            .unwrap_or_default();
        if module == "lib" || module == "main" {
            continue;
        }
        // Code only: a doc comment may mention another module.
        let text: String = read(&path)
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let deps = graph.entry(module.clone()).or_default();
        for (at, _) in text.match_indices("crate::") {
            let name: String = text[at + 7..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && name != module {
                deps.insert(name);
            }
        }
    }
    graph
}

#[test]
fn top_level_modules_have_no_import_cycles() {
    let graph = module_imports();
    // Depth-first search for a back edge.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        cycles: &mut Vec<String>,
    ) {
        if done.contains(node) {
            return;
        }
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(node.to_owned());
            cycles.push(cycle.join(" → "));
            return;
        }
        stack.push(node.to_owned());
        for dep in graph.get(node).into_iter().flatten() {
            visit(dep, graph, stack, done, cycles);
        }
        stack.pop();
        done.insert(node.to_owned());
    }
    let mut cycles = Vec::new();
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        visit(node, &graph, &mut Vec::new(), &mut done, &mut cycles);
    }
    assert!(cycles.is_empty(), "import cycles: {cycles:#?}");
}

/// The file names the clients read. A literal naming one belongs in its client's folder.
const CLIENT_FILE_NAMES: &[&str] = &[
    "prefs.js",
    "user.js",
    "profiles.ini",
    "policies.json",
    "filezilla.xml",
    "sitemanager.xml",
    "recentservers.xml",
    "fzdefaults.xml",
    "winscp.ini",
];

#[test]
fn client_file_names_appear_only_in_their_clients_and_the_rules() {
    let mut found = Vec::new();
    for path in rust_files(Path::new("src")) {
        let rel = path.to_string_lossy().replace('\\', "/");
        if rel.starts_with("src/clients/") || rel.starts_with("src/rules/") {
            continue;
        }
        let text = read(&path);
        // Test modules may name files freely.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (n, line) in code.lines().enumerate() {
            let trimmed = line.trim_start();
            if trimmed.starts_with("//")
                || trimmed.starts_with("#[arg")
                || trimmed.starts_with("///")
            {
                continue;
            }
            for name in CLIENT_FILE_NAMES {
                let quoted_inside =
                    line.match_indices('"')
                        .collect::<Vec<_>>()
                        .chunks(2)
                        .any(|pair| match pair {
                            [(a, _), (b, _)] => line[*a..*b].to_ascii_lowercase().contains(name),
                            _ => false,
                        });
                if quoted_inside {
                    found.push(format!("{rel}:{}: {}", n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "client file names outside src/clients: {found:#?}"
    );
}
