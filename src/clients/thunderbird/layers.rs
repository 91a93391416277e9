//! The pref table: every statement that decides a Thunderbird pref, from every layer,
//! applied in Thunderbird's order, keeping per pref its default-branch value, its user
//! value, its lock and what set each of them.
//!
//! The order and the rules are those observed on Thunderbird 140.12.0 and written down in
//! `tests/interop/layers/FACTS.md` (each rule names its case there): default prefs files
//! (install dir, then the system directories), then prefs.js and user.js, then AutoConfig
//! (`.cfg`), then enterprise policies. A lock makes the default win over any user value;
//! AutoConfig `pref()`/`clearPref()` and a policy's `"user"`/`"clear"` replace the user
//! value the profile's files gave; a policy `{"Status": "locked"}` or `"default"` cannot
//! change a pref an earlier layer locked, a bare policy value or a `lockPref()` can.

use foldhash::{HashMap, HashMapExt};

use super::Layer;
use crate::source::{FileId, Span};
use crate::syntax::prefs::PrefValue;

/// What AutoConfig does with a pref (`pref`, `defaultPref`, `lockPref`, `clearPref`,
/// `unlockPref`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CfgOp {
    Pref,
    Default,
    Lock,
    Clear,
    Unlock,
}

/// What an enterprise policy does with a pref: the `Preferences` policy's Status, its
/// bare (legacy) form, or another policy that locks a pref.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PolicyOp {
    Default,
    Locked,
    User,
    Clear,
    Bare,
    /// A policy other than `Preferences` that locks the pref (its name).
    Other(&'static str),
}

/// Which layer a statement comes from and what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Src {
    /// prefs.js or user.js: `user_pref`, or `pref(` (a default, which Thunderbird 153 and
    /// 140 accept there; docs/interop.md D4).
    Profile {
        layer: Layer,
        default: bool,
    },
    /// A default prefs file: `pref`/`sticky_pref`, with `, locked` or not.
    Defaults {
        locked: bool,
    },
    Cfg(CfgOp),
    Policy(PolicyOp),
}

impl Src {
    /// True for the profile's own files.
    pub(super) fn is_profile(self) -> bool {
        matches!(self, Src::Profile { .. })
    }

    /// The mechanism in words, for messages: `(Preferences, Status "locked")`.
    pub(super) fn describe(self) -> &'static str {
        match self {
            Src::Profile { default: false, .. } => "user_pref",
            Src::Profile { default: true, .. } => "pref, a default",
            Src::Defaults { locked: false } => "pref, a default",
            Src::Defaults { locked: true } => "pref(…, locked)",
            Src::Cfg(CfgOp::Pref) => "AutoConfig pref(), applied at every start",
            Src::Cfg(CfgOp::Default) => "AutoConfig defaultPref()",
            Src::Cfg(CfgOp::Lock) => "AutoConfig lockPref()",
            Src::Cfg(CfgOp::Clear) => "AutoConfig clearPref(), applied at every start",
            Src::Cfg(CfgOp::Unlock) => "AutoConfig unlockPref()",
            Src::Policy(PolicyOp::Default) => "Preferences, Status \"default\"",
            Src::Policy(PolicyOp::Locked) => "Preferences, Status \"locked\"",
            Src::Policy(PolicyOp::User) => "Preferences, Status \"user\", applied at every start",
            Src::Policy(PolicyOp::Clear) => "Preferences, Status \"clear\", applied at every start",
            Src::Policy(PolicyOp::Bare) => "Preferences, a bare value, which locks",
            Src::Policy(PolicyOp::Other(_)) => "a policy that locks it",
        }
    }
}

/// One statement that assigns (or clears, or unlocks) a pref.
#[derive(Debug, Clone, Copy)]
pub(super) struct Stmt<'a> {
    pub(super) file: FileId,
    pub(super) src: Src,
    pub(super) name: &'a str,
    /// `None` for `clearPref`, `unlockPref` and Status `"clear"`.
    pub(super) value: Option<&'a PrefValue>,
    pub(super) name_span: Span,
    pub(super) value_span: Span,
    pub(super) statement_span: Span,
    /// A policy's 0 or 1 for a pref with no int value yet: Thunderbird makes it a bool,
    /// which the int getter then refuses (FACTS fact 21).
    pub(super) as_bool: bool,
}

impl<'a> Stmt<'a> {
    /// The value as Thunderbird's int getter reads it.
    pub(super) fn int(&self) -> Option<i32> {
        match self.value {
            Some(PrefValue::Int(i)) if !self.as_bool => Some(*i),
            _ => None,
        }
    }

    /// The value as Thunderbird's bool getter reads it.
    pub(super) fn bool(&self) -> Option<bool> {
        match self.value {
            Some(PrefValue::Bool(b)) => Some(*b),
            Some(PrefValue::Int(i)) if self.as_bool => Some(*i != 0),
            _ => None,
        }
    }

    pub(super) fn str(&self) -> Option<&'a str> {
        match self.value {
            Some(PrefValue::Str(s)) => Some(s.as_str()),
            _ => None,
        }
    }
}

/// Everything the layers say about one pref. Most prefs of a profile have a user value
/// and nothing else, so the rest is boxed: the table of a 400-pref profile is then a
/// fifth of the size, and building it no longer dominates a fleet run (issue 18).
#[derive(Debug, Clone, Default)]
pub(super) struct State<'a> {
    pub(super) user: Option<Stmt<'a>>,
    rest: Option<Box<Rest<'a>>>,
}

/// What default branches and managing layers say about a pref.
#[derive(Debug, Clone, Copy, Default)]
struct Rest<'a> {
    default: Option<Stmt<'a>>,
    locked_by: Option<Stmt<'a>>,
    /// The last statement that cleared the user value (`clearPref`, Status `"clear"`).
    cleared_by: Option<Stmt<'a>>,
    /// The profile's own user value, when a later layer replaced or cleared it.
    replaced_profile_value: Option<(Stmt<'a>, Stmt<'a>)>,
}

impl<'a> State<'a> {
    fn rest(&self) -> Rest<'a> {
        self.rest.as_deref().copied().unwrap_or_default()
    }

    fn rest_mut(&mut self) -> &mut Rest<'a> {
        self.rest.get_or_insert_with(Default::default)
    }

    /// The default-branch value.
    pub(super) fn default(&self) -> Option<Stmt<'a>> {
        self.rest().default
    }

    /// The statement that locked the pref, if one did.
    pub(super) fn locked_by(&self) -> Option<Stmt<'a>> {
        self.rest().locked_by
    }

    /// The last statement that cleared the user value (`clearPref`, Status `"clear"`).
    pub(super) fn cleared_by(&self) -> Option<Stmt<'a>> {
        self.rest().cleared_by
    }

    /// The profile's own user value and the later statement that replaced or cleared it.
    pub(super) fn replaced_profile_value(&self) -> Option<(Stmt<'a>, Stmt<'a>)> {
        self.rest().replaced_profile_value
    }
}

/// How the effective value of a pref came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum How {
    /// The profile's own user value (prefs.js, user.js).
    ProfileValue,
    /// A user value a managing layer sets at every start (`pref()`, Status `"user"`).
    Reapplied,
    /// The default-branch value, unlocked: a user value would win over it.
    Default,
    /// The default-branch value under a lock.
    Locked,
}

/// The effective value of a pref and how it came about.
#[derive(Debug, Clone, Copy)]
pub(super) struct Effective<'a> {
    /// The statement whose value applies.
    pub(super) stmt: Stmt<'a>,
    pub(super) how: How,
    /// For [`How::Locked`]: the statement that locked it (it may differ from `stmt` only
    /// when a later unlocked default was ignored, never here: a lock sets both).
    pub(super) locked_by: Option<Stmt<'a>>,
}

/// Every pref the layers name.
#[derive(Debug)]
pub(super) struct Table<'a> {
    prefs: HashMap<&'a str, State<'a>>,
    /// True for a pref Thunderbird itself gives an int default (before any layer).
    builtin_int: fn(&str) -> bool,
}

impl<'a> Table<'a> {
    /// A table that knows no built-in pref (for tests).
    #[cfg(test)]
    pub(super) fn new() -> Self {
        Table {
            prefs: HashMap::new(),
            builtin_int: |_| false,
        }
    }

    /// A table that knows which prefs Thunderbird's own defaults make ints, with room for
    /// `capacity` prefs.
    pub(super) fn with_builtin_ints(builtin_int: fn(&str) -> bool, capacity: usize) -> Self {
        Table {
            prefs: HashMap::with_capacity(capacity),
            builtin_int,
        }
    }

    pub(super) fn state(&self, name: &str) -> Option<&State<'a>> {
        self.prefs.get(name)
    }

    /// Every pref and its state, in no particular order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&&'a str, &State<'a>)> {
        self.prefs.iter()
    }

    /// True when the pref has an int value on either branch (what decides whether a
    /// policy's 0/1 stays an int).
    fn has_int(&self, name: &str) -> bool {
        (self.builtin_int)(name)
            || self.prefs.get(name).is_some_and(|s| {
                s.default().and_then(|d| d.int()).is_some()
                    || s.user.and_then(|u| u.int()).is_some()
            })
    }

    /// Applies one statement, as Thunderbird does at this point of its start.
    pub(super) fn apply(&mut self, mut stmt: Stmt<'a>) {
        if matches!(stmt.src, Src::Policy(_))
            && matches!(stmt.value, Some(PrefValue::Int(0 | 1)))
            && !self.has_int(stmt.name)
        {
            stmt.as_bool = true;
        }
        let state = self.prefs.entry(stmt.name).or_default();
        match stmt.src {
            Src::Profile { default: false, .. } => state.user = Some(stmt),
            Src::Profile { default: true, .. } | Src::Defaults { locked: false } => {
                set_default(state, stmt, false, false)
            }
            Src::Defaults { locked: true } => set_default(state, stmt, true, false),
            Src::Cfg(CfgOp::Pref) | Src::Policy(PolicyOp::User) => replace_user(state, stmt),
            Src::Cfg(CfgOp::Default) | Src::Policy(PolicyOp::Default) => {
                set_default(state, stmt, false, false)
            }
            Src::Cfg(CfgOp::Lock) | Src::Policy(PolicyOp::Bare | PolicyOp::Other(_)) => {
                set_default(state, stmt, true, true)
            }
            Src::Policy(PolicyOp::Locked) => set_default(state, stmt, true, false),
            Src::Cfg(CfgOp::Clear) | Src::Policy(PolicyOp::Clear) => clear_user(state, stmt),
            Src::Cfg(CfgOp::Unlock) => {
                if let Some(rest) = state.rest.as_deref_mut() {
                    rest.locked_by = None;
                }
            }
        }
    }

    /// The value Thunderbird uses for `name`, if any layer gives one.
    pub(super) fn effective(&self, name: &str) -> Option<Effective<'a>> {
        let state = self.prefs.get(name)?;
        if let (Some(lock), Some(default)) = (state.locked_by(), state.default()) {
            return Some(Effective {
                stmt: default,
                how: How::Locked,
                locked_by: Some(lock),
            });
        }
        if let Some(user) = state.user {
            let how = if user.src.is_profile() {
                How::ProfileValue
            } else {
                How::Reapplied
            };
            return Some(Effective {
                stmt: user,
                how,
                locked_by: None,
            });
        }
        state.default().map(|stmt| Effective {
            stmt,
            how: How::Default,
            locked_by: None,
        })
    }
}

/// Sets the default branch (unless an earlier layer locked the pref, which makes the new
/// value be ignored: FACTS facts 9, 35, 38), locking it when asked.
fn set_default<'a>(state: &mut State<'a>, stmt: Stmt<'a>, lock: bool, unlock_first: bool) {
    let rest = state.rest_mut();
    if unlock_first {
        rest.locked_by = None;
    }
    if rest.locked_by.is_some() {
        return;
    }
    rest.default = Some(stmt);
    if lock {
        rest.locked_by = Some(stmt);
    }
}

/// A managing layer sets the user value, replacing the profile's.
fn replace_user<'a>(state: &mut State<'a>, stmt: Stmt<'a>) {
    let own = state.user.filter(|u| u.src.is_profile());
    let rest = state.rest_mut();
    if let Some(own) = own {
        rest.replaced_profile_value = Some((own, stmt));
    }
    rest.cleared_by = None;
    state.user = Some(stmt);
}

/// A managing layer removes the user value.
fn clear_user<'a>(state: &mut State<'a>, stmt: Stmt<'a>) {
    let own = state.user.filter(|u| u.src.is_profile());
    let rest = state.rest_mut();
    if let Some(own) = own {
        rest.replaced_profile_value = Some((own, stmt));
    }
    rest.cleared_by = Some(stmt);
    state.user = None;
}

#[cfg(test)]
mod tests {
    use super::{CfgOp, How, PolicyOp, Src, Stmt, Table};
    use crate::clients::thunderbird::Layer;
    use crate::source::Span;
    use crate::syntax::prefs::PrefValue;

    fn stmt<'a>(src: Src, name: &'a str, value: Option<&'a PrefValue>) -> Stmt<'a> {
        Stmt {
            file: 0,
            src,
            name,
            value,
            name_span: Span::empty(0),
            value_span: Span::empty(0),
            statement_span: Span::empty(0),
            as_bool: false,
        }
    }

    const N: &str = "mail.server.server1.max_cached_connections";
    const USER: Src = Src::Profile {
        layer: Layer::User,
        default: false,
    };

    /// Cases 02, 17, 30: a lock beats the profile; 16, 32: a default does not.
    #[test]
    fn a_lock_beats_the_profile_and_a_default_does_not() {
        let (two, eight) = (PrefValue::Int(2), PrefValue::Int(8));
        for (src, how, value) in [
            (Src::Defaults { locked: true }, How::Locked, 2),
            (Src::Policy(PolicyOp::Locked), How::Locked, 2),
            (Src::Cfg(CfgOp::Lock), How::Locked, 2),
            (Src::Policy(PolicyOp::Default), How::ProfileValue, 8),
            (Src::Cfg(CfgOp::Pref), How::Reapplied, 2),
            (Src::Policy(PolicyOp::User), How::Reapplied, 2),
        ] {
            let mut t = Table::new();
            let managing = stmt(src, N, Some(&two));
            let profile = stmt(USER, N, Some(&eight));
            if matches!(src, Src::Defaults { .. }) {
                t.apply(managing);
                t.apply(profile);
            } else {
                t.apply(profile);
                t.apply(managing);
            }
            let e = t.effective(N).expect("a value");
            assert_eq!((e.how, e.stmt.int()), (how, Some(value)), "{src:?}");
        }
    }

    /// Cases 40 and 43: a policy lock cannot move an earlier lock, a bare value can.
    #[test]
    fn an_earlier_lock_stands_against_a_policy_lock_but_not_a_bare_value() {
        let (two, four) = (PrefValue::Int(2), PrefValue::Int(4));
        let mut t = Table::new();
        t.apply(stmt(Src::Cfg(CfgOp::Lock), N, Some(&two)));
        t.apply(stmt(Src::Policy(PolicyOp::Locked), N, Some(&four)));
        assert_eq!(t.effective(N).and_then(|e| e.stmt.int()), Some(2));
        t.apply(stmt(Src::Policy(PolicyOp::Bare), N, Some(&four)));
        assert_eq!(t.effective(N).and_then(|e| e.stmt.int()), Some(4));
    }

    /// Cases 19, 33, 42: a clear removes the profile's value and a later reapplied one.
    #[test]
    fn clear_removes_the_user_value() {
        let (two, eight) = (PrefValue::Int(2), PrefValue::Int(8));
        let mut t = Table::new();
        t.apply(stmt(USER, N, Some(&eight)));
        t.apply(stmt(Src::Cfg(CfgOp::Pref), N, Some(&two)));
        t.apply(stmt(Src::Policy(PolicyOp::Clear), N, None));
        assert!(t.effective(N).is_none());
        let state = t.state(N).expect("named");
        assert!(state.cleared_by().is_some());
    }

    /// Case 21: 0/1 from a policy is a bool unless the pref already has an int value.
    #[test]
    fn zero_or_one_from_a_policy_becomes_a_bool_without_an_int_value() {
        let one = PrefValue::Int(1);
        let nine = PrefValue::Int(9);
        let mut t = Table::new();
        t.apply(stmt(Src::Policy(PolicyOp::Locked), N, Some(&one)));
        let e = t.effective(N).expect("a value");
        assert_eq!((e.stmt.int(), e.stmt.bool()), (None, Some(true)));
        let mut t = Table::new();
        t.apply(stmt(USER, N, Some(&nine)));
        t.apply(stmt(Src::Policy(PolicyOp::Locked), N, Some(&one)));
        assert_eq!(t.effective(N).and_then(|e| e.stmt.int()), Some(1));
    }
}
