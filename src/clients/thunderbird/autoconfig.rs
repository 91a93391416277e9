//! AutoConfig (`<installdir>/<general.config.filename>`, usually a `.cfg`): the JavaScript
//! file Thunderbird runs at every start, and the prefs it sets (FACTS.md facts 26–41 in
//! `tests/interop/layers/`).
//!
//! Thunderbird shifts every byte down by `general.config.obscure_value` (0 in Thunderbird,
//! 13 in Gecko), drops line 1, and runs the rest as chrome JavaScript with `pref`,
//! `defaultPref`, `lockPref`, `clearPref` and `unlockPref`. A syntax error anywhere means
//! nothing runs; a runtime error (calling something undefined) stops it there. clientlint
//! reads the calls with literal arguments at the top level and says where there is code it
//! cannot evaluate (conditions, `getenv`, other functions) instead of guessing.

use crate::model::{FileFinding, FileFindingKind};
use crate::source::{FileId, SourceFile, Span};
use crate::syntax::prefs::PrefValue;

use super::layers::CfgOp;

/// A pref call with literal arguments.
#[derive(Debug, Clone)]
pub(super) struct CfgPref {
    pub(super) op: CfgOp,
    pub(super) name: String,
    pub(super) value: Option<PrefValue>,
    pub(super) name_span: Span,
    pub(super) value_span: Span,
    pub(super) statement_span: Span,
}

/// What a .cfg makes Thunderbird do to prefs, and what is wrong with it.
#[derive(Debug, Default)]
pub(super) struct Cfg {
    pub(super) prefs: Vec<CfgPref>,
    pub(super) findings: Vec<FileFinding>,
    pub(super) secrets: Vec<Span>,
    /// True when the bytes were shifted (`obscure_value` ≠ 0): values cannot be rewritten
    /// in place.
    pub(super) obscured: bool,
}

/// Functions of AutoConfig's API (prefcalls.js) and globals it exposes that set no pref
/// clientlint reads: calling them does not throw.
const HARMLESS_CALLS: &[&str] = &[
    "getenv",
    "getPref",
    "displayError",
    "setLDAPVersion",
    "getLDAPAttributes",
    "getLDAPValue",
];

/// JavaScript words that start a statement which is not a call.
const KEYWORDS: &[&str] = &[
    "if", "for", "while", "do", "switch", "function", "return", "var", "let", "const", "try",
    "catch", "typeof", "new", "delete", "void", "throw", "with", "else",
];

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num(f64),
    Punct(u8),
}

/// Reads a .cfg whose bytes are shifted by `obscure_value`.
pub(super) fn read(id: FileId, file: &SourceFile, obscure_value: i64) -> Cfg {
    let mut cfg = Cfg {
        obscured: obscure_value % 256 != 0,
        ..Cfg::default()
    };
    let shifted;
    let text: &str = if cfg.obscured {
        // Thunderbird subtracts the value from every byte before it runs the file; the
        // decoded text keeps one byte per byte, so spans stay those of the file.
        let shift = u8::try_from(obscure_value.rem_euclid(256)).unwrap_or(0);
        let bytes: Vec<u8> = file.bytes().iter().map(|b| b.wrapping_sub(shift)).collect();
        shifted = SourceFile::new(file.path.clone(), bytes);
        &shifted.text
    } else {
        &file.text
    };
    // Line 1 is always skipped (fact 30): say so when it holds more than a comment.
    let first_end = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    let first = text.get(..first_end).unwrap_or("").trim();
    if !first.is_empty() && !first.starts_with("//") && !first.starts_with("/*") {
        cfg.findings.push(
            FileFinding::new(
                FileFindingKind::AutoconfigFirstLine,
                id,
                Span::new(0, first_end.saturating_sub(1).max(first.len().min(first_end))),
                "never run",
                "line 1 of an AutoConfig file is always skipped, and it holds more than a comment: Thunderbird never runs it",
            )
            .help("start the file with a comment line such as `// AutoConfig`"),
        );
    }
    let tokens = match lex(text, first_end) {
        Ok(t) => t,
        Err((span, what)) => {
            cfg.findings.push(
                FileFinding::new(
                    FileFindingKind::SyntaxError,
                    id,
                    span,
                    what,
                    format!("{what}: the file is not valid JavaScript, so Thunderbird runs none of it and shows \"Configuration Error\" at every start (it waits there until it is dismissed; headless, it never starts)"),
                )
                .help("correct the file; until then no pref in it applies"),
            );
            return cfg;
        }
    };
    Statements {
        tokens: &tokens,
        at: 0,
        id,
        cfg: &mut cfg,
        unknown: Vec::new(),
    }
    .run();
    cfg
}

/// Tokens from `from` on, or the first lexical error (an unterminated string or comment,
/// an unbalanced bracket).
fn lex(text: &str, from: usize) -> Result<Vec<(Tok, Span)>, (Span, &'static str)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = from;
    let mut brackets: Vec<(u8, usize)> = Vec::new();
    while let Some(&c) = b.get(i) {
        let start = i;
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while b.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                match text.get(i + 2..).and_then(|r| r.find("*/")) {
                    Some(end) => i += end + 4,
                    None => return Err((Span::new(start, start + 2), "unterminated comment")),
                }
            }
            b'"' | b'\'' | b'`' => {
                let (value, end) = string(text, i)
                    .ok_or((Span::new(start, start + 1), "unterminated string literal"))?;
                i = end;
                out.push((Tok::Str(value), Span::new(start, end)));
            }
            b'0'..=b'9' => {
                while b
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'.')
                {
                    i += 1;
                }
                let value = text
                    .get(start..i)
                    .and_then(|s| s.parse::<f64>().ok())
                    .unwrap_or(f64::NAN);
                out.push((Tok::Num(value), Span::new(start, i)));
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c == b'$' => {
                while b
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'$')
                {
                    i += 1;
                }
                out.push((
                    Tok::Ident(text.get(start..i).unwrap_or("").to_owned()),
                    Span::new(start, i),
                ));
            }
            _ => {
                let len = text
                    .get(i..)
                    .and_then(|r| r.chars().next())
                    .map(char::len_utf8)
                    .unwrap_or(1);
                i += len;
                match c {
                    b'(' | b'[' | b'{' => brackets.push((c, start)),
                    b')' | b']' | b'}' => {
                        let open = match c {
                            b')' => b'(',
                            b']' => b'[',
                            _ => b'{',
                        };
                        if brackets.pop().map(|(o, _)| o) != Some(open) {
                            return Err((Span::new(start, i), "unbalanced bracket"));
                        }
                    }
                    _ => {}
                }
                out.push((Tok::Punct(c), Span::new(start, i)));
            }
        }
    }
    match brackets.pop() {
        Some((_, at)) => Err((Span::new(at, at + 1), "bracket never closed")),
        None => Ok(out),
    }
}

/// A string literal at `start`: its value (common escapes) and the offset after it.
fn string(text: &str, start: usize) -> Option<(String, usize)> {
    let b = text.as_bytes();
    let quote = *b.get(start)?;
    let mut out = String::new();
    let mut i = start + 1;
    loop {
        let c = text.get(i..)?.chars().next()?;
        i += c.len_utf8();
        match c {
            _ if c as u32 == u32::from(quote) => return Some((out, i)),
            '\n' if quote != b'`' => return None,
            '\\' => {
                let e = text.get(i..)?.chars().next()?;
                i += e.len_utf8();
                out.push(match e {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    other => other,
                });
            }
            c => out.push(c),
        }
    }
}

struct Statements<'t, 'c> {
    tokens: &'t [(Tok, Span)],
    at: usize,
    id: FileId,
    cfg: &'c mut Cfg,
    /// Code clientlint does not evaluate.
    unknown: Vec<Span>,
}

impl Statements<'_, '_> {
    fn run(mut self) {
        while self.at < self.tokens.len() {
            let start = self.at;
            let stopped = self.statement();
            if self.at == start {
                self.at += 1;
            }
            if stopped {
                break;
            }
        }
        if let Some(first) = self.unknown.first().copied() {
            let pieces = self.unknown.len();
            let mut f = FileFinding::new(
                FileFindingKind::AutoconfigNotEvaluated,
                self.id,
                first,
                "not evaluated",
                format!(
                    "this AutoConfig file runs JavaScript clientlint does not evaluate ({pieces} statement{}): prefs it sets there are not modelled, so the values clientlint reports may differ from Thunderbird's",
                    if pieces == 1 { "" } else { "s" }
                ),
            )
            .help("keep the prefs the desktops need in plain pref()/lockPref() calls at the top level");
            for span in self.unknown.iter().skip(1) {
                f = f.note(self.id, *span, "not evaluated either");
            }
            self.cfg.findings.push(f);
        }
    }

    fn tok(&self, i: usize) -> Option<&Tok> {
        self.tokens.get(i).map(|(t, _)| t)
    }

    fn span(&self, i: usize) -> Span {
        self.tokens.get(i).map(|(_, s)| *s).unwrap_or_default()
    }

    /// One statement from `self.at`; true when it stops the script (a runtime error).
    fn statement(&mut self) -> bool {
        let start = self.at;
        match (self.tok(start), self.tok(start + 1)) {
            (Some(Tok::Punct(b';')), _) => {
                self.at += 1;
                false
            }
            (Some(Tok::Ident(f)), Some(Tok::Punct(b'('))) if !KEYWORDS.contains(&f.as_str()) => {
                let f = f.clone();
                self.call(&f)
            }
            _ => {
                self.skip_statement();
                self.unknown.push(Span::new(
                    self.span(start).start,
                    self.span(self.at.saturating_sub(1)).end,
                ));
                false
            }
        }
    }

    /// A call at the top level: a pref call with literal arguments is modelled; a call to a
    /// harmless function is not; any other name is undefined, so Thunderbird throws and
    /// stops the script there (fact 41).
    fn call(&mut self, f: &str) -> bool {
        let start = self.at;
        let op = match f {
            "pref" => Some(CfgOp::Pref),
            "defaultPref" => Some(CfgOp::Default),
            "lockPref" => Some(CfgOp::Lock),
            "clearPref" => Some(CfgOp::Clear),
            "unlockPref" => Some(CfgOp::Unlock),
            _ => None,
        };
        let args = self.arguments(start + 2);
        let end = self.at;
        if self.tok(self.at) == Some(&Tok::Punct(b';')) {
            self.at += 1;
        }
        let statement_span = Span::new(
            self.span(start).start,
            self.span(self.at.saturating_sub(1)).end,
        );
        match op {
            Some(op) => {
                if !self.pref_call(op, &args, statement_span) {
                    self.unknown.push(statement_span);
                }
                false
            }
            None if HARMLESS_CALLS.contains(&f) => {
                self.unknown.push(statement_span);
                false
            }
            None => {
                let _ = end;
                self.cfg.findings.push(
                    FileFinding::new(
                        FileFindingKind::SyntaxError,
                        self.id,
                        self.span(start),
                        "not defined",
                        format!("`{f}` is not defined in an AutoConfig file: Thunderbird throws here, shows \"Configuration Error\", and runs nothing after this line"),
                    )
                    .help("remove the call, or define the function before it"),
                );
                true
            }
        }
    }

    /// The argument token ranges of a call whose `(` is at `open - 1`, split at commas at
    /// depth 0; `self.at` ends after the `)`.
    fn arguments(&mut self, open: usize) -> Vec<(usize, usize)> {
        let mut args = Vec::new();
        let mut depth = 0usize;
        let mut arg_start = open;
        let mut i = open;
        while let Some(t) = self.tok(i) {
            match t {
                Tok::Punct(b'(' | b'[' | b'{') => depth += 1,
                Tok::Punct(b')' | b']' | b'}') if depth > 0 => depth -= 1,
                Tok::Punct(b')') => {
                    if i > arg_start {
                        args.push((arg_start, i));
                    }
                    self.at = i + 1;
                    return args;
                }
                Tok::Punct(b',') if depth == 0 => {
                    args.push((arg_start, i));
                    arg_start = i + 1;
                }
                _ => {}
            }
            i += 1;
        }
        self.at = i;
        args
    }

    /// Records a pref call whose arguments are literals; false when they are not.
    fn pref_call(&mut self, op: CfgOp, args: &[(usize, usize)], statement_span: Span) -> bool {
        let Some(&(n0, n1)) = args.first() else {
            return false;
        };
        let (Some(Tok::Str(name)), true) = (self.tok(n0), n1 == n0 + 1) else {
            return false;
        };
        let name = name.clone();
        let name_span = self.span(n0);
        let needs_value = matches!(op, CfgOp::Pref | CfgOp::Default | CfgOp::Lock);
        let (value, value_span) = if needs_value {
            let Some(&(v0, v1)) = args.get(1) else {
                return false;
            };
            let Some(value) = self.literal(v0, v1) else {
                return false;
            };
            (
                Some(value),
                Span::new(self.span(v0).start, self.span(v1 - 1).end),
            )
        } else {
            (None, name_span)
        };
        if super::is_secret_pref(&name) && value.is_some() {
            self.cfg.secrets.push(value_span);
        }
        self.cfg.prefs.push(CfgPref {
            op,
            name,
            value,
            name_span,
            value_span,
            statement_span,
        });
        true
    }

    /// A literal value: a string, true/false, or a whole number (optionally negative).
    fn literal(&self, from: usize, to: usize) -> Option<PrefValue> {
        match (self.tok(from)?, to - from) {
            (Tok::Str(s), 1) => Some(PrefValue::Str(s.clone())),
            (Tok::Ident(w), 1) if w == "true" => Some(PrefValue::Bool(true)),
            (Tok::Ident(w), 1) if w == "false" => Some(PrefValue::Bool(false)),
            (Tok::Num(n), 1) => whole(*n),
            (Tok::Punct(b'-'), 2) => match self.tok(from + 1)? {
                Tok::Num(n) => whole(-n),
                _ => None,
            },
            _ => None,
        }
    }

    /// Skips one statement clientlint does not evaluate: to a `;` at depth 0, or past a
    /// block (and its `else`).
    fn skip_statement(&mut self) {
        let mut depth = 0usize;
        while let Some(t) = self.tok(self.at).cloned() {
            self.at += 1;
            match t {
                Tok::Punct(b'(' | b'[' | b'{') => depth += 1,
                Tok::Punct(b')' | b']') => depth = depth.saturating_sub(1),
                Tok::Punct(b'}') => {
                    depth = depth.saturating_sub(1);
                    let continues = matches!(self.tok(self.at), Some(Tok::Ident(w)) if w == "else" || w == "catch" || w == "finally");
                    if depth == 0 && !continues {
                        return;
                    }
                }
                Tok::Punct(b';') if depth == 0 => return,
                _ => {}
            }
        }
    }
}

/// A number as a pref int, when it is whole and in range.
fn whole(n: f64) -> Option<PrefValue> {
    (n.fract() == 0.0 && n >= f64::from(i32::MIN) && n <= f64::from(i32::MAX))
        .then_some(PrefValue::Int(n as i32))
}

#[cfg(test)]
mod tests {
    use super::read;
    use crate::clients::thunderbird::layers::CfgOp;
    use crate::model::FileFindingKind;
    use crate::source::SourceFile;

    fn cfg(text: &str, obscure: i64) -> super::Cfg {
        read(
            0,
            &SourceFile::new("x.cfg", text.as_bytes().to_vec()),
            obscure,
        )
    }

    #[test]
    fn reads_pref_calls_and_skips_line_one() {
        let c = cfg(
            "lockPref(\"a.skipped\", 1);\nlockPref(\"mail.x\", 2);\npref('mail.y', \"s\");\ndefaultPref(\"mail.z\", -3)\nclearPref(\"mail.w\");\n",
            0,
        );
        let got: Vec<(CfgOp, &str)> = c.prefs.iter().map(|p| (p.op, p.name.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (CfgOp::Lock, "mail.x"),
                (CfgOp::Pref, "mail.y"),
                (CfgOp::Default, "mail.z"),
                (CfgOp::Clear, "mail.w")
            ]
        );
        assert_eq!(c.findings.len(), 1);
        assert_eq!(c.findings[0].kind, FileFindingKind::AutoconfigFirstLine);
    }

    #[test]
    fn a_syntax_error_runs_nothing_and_an_undefined_call_stops_there() {
        let c = cfg(
            "// x\nlockPref(\"mail.x\", 2);\nlockPref(\"mail.y\", ;\n",
            0,
        );
        assert!(c.prefs.is_empty());
        assert_eq!(c.findings[0].kind, FileFindingKind::SyntaxError);
        let c = cfg(
            "// x\nlockPref(\"mail.x\", 2);\nnoSuchFunction();\nlockPref(\"mail.y\", 3);\n",
            0,
        );
        assert_eq!(c.prefs.len(), 1);
        assert_eq!(c.findings[0].kind, FileFindingKind::SyntaxError);
        let c = cfg("// x\nlockPref(\"mail.x\", 2;\n", 0);
        assert!(c.prefs.is_empty());
        assert_eq!(c.findings[0].kind, FileFindingKind::SyntaxError);
    }

    #[test]
    fn code_it_cannot_evaluate_is_said_and_skipped() {
        let c = cfg(
            "// x\nvar u = getenv(\"USER\");\nif (u) { lockPref(\"mail.a\", 1); } else { pref(\"mail.b\", 2); }\nlockPref(\"mail.c\", 3);\n",
            0,
        );
        assert_eq!(c.prefs.len(), 1);
        assert_eq!(c.prefs[0].name, "mail.c");
        assert_eq!(c.findings.len(), 1);
        assert_eq!(c.findings[0].kind, FileFindingKind::AutoconfigNotEvaluated);
    }

    #[test]
    fn obscured_bytes_are_shifted_back() {
        let plain = "// x\nlockPref(\"mail.x\", 2);\n";
        let shifted: Vec<u8> = plain.bytes().map(|b| b.wrapping_add(13)).collect();
        let c = read(0, &SourceFile::new("x.cfg", shifted), 13);
        assert!(c.obscured);
        assert_eq!(c.prefs.len(), 1);
        assert_eq!(c.prefs[0].name, "mail.x");
    }
}
