// Owned by the interop suite (issue 15): chrome-context script run through Marionette by
// tb_layers_case.sh. The harness prepends `const NAMES = [...];` (every pref the case's files
// name). For each of those, plus max_cached_connections / check_time / check_new_mail of every
// server found under mail.server.*, it reports the default-branch value, the user value (read
// under a temporary unlock when the pref is locked), the effective value, the lock, and what the
// int getter answers; then the account manager's view of every server; then which files and
// directories this Thunderbird says it uses (SysConfD, distribution, default-pref dirs), the
// enterprise-policy status, and the console messages about prefs, policies and AutoConfig.
// Order matters: the raw prefs are read before the account manager is touched, because some
// server getters write a value back (e.g. maximumConnectionsNumber 0 -> 5); `writtenBack` lists
// every reported pref whose state changed while the account manager was read.
const { MailServices } = ChromeUtils.importESModule("resource:///modules/MailServices.sys.mjs");
const P = Services.prefs;
const D = P.getDefaultBranch("");
const TYPE = { [P.PREF_INT]: "int", [P.PREF_BOOL]: "bool", [P.PREF_STRING]: "string", [P.PREF_INVALID]: "none" };
let out = { version: Services.appinfo.version, prefs: {}, servers: [], spellings: {}, oracleErrors: [] };

function read(branch, name, type) {
  try {
    if (type == P.PREF_INT) return branch.getIntPref(name);
    if (type == P.PREF_BOOL) return branch.getBoolPref(name);
    if (type == P.PREF_STRING) return branch.getStringPref(name);
    return null;
  } catch (e) {
    return { error: String(e.name || e) };
  }
}
function snapshot(name) {
  const type = P.getPrefType(name);
  const locked = P.prefIsLocked(name);
  const hasUser = P.prefHasUserValue(name);
  let hasDefault = null;
  try { hasDefault = P.prefHasDefaultValue(name); } catch (e) {}
  const r = { type: TYPE[type] ?? String(type), locked, hasDefault, hasUser };
  r.default = hasDefault === false ? null : read(D, name, type);
  if (hasUser) {
    if (locked) {
      // The effective getter returns the default under a lock: unlock for one read, relock.
      P.unlockPref(name);
      r.user = read(P, name, type);
      P.lockPref(name);
    } else {
      r.user = read(P, name, type);
    }
  } else {
    r.user = null;
  }
  r.effective = type == P.PREF_INVALID ? null : read(P, name, type);
  if (type != P.PREF_INT && type != P.PREF_INVALID) {
    try { r.intGetter = P.getIntPref(name); } catch (e) { r.intGetter = { error: String(e.name || e) }; }
  }
  return r;
}

// Server keys as the pref tree has them (not only those the account manager loaded).
let names = new Set(NAMES);
let keys = new Set();
for (let n of P.getChildList("mail.server.")) {
  let k = n.split(".")[2];
  if (k) keys.add(k);
}
keys.add("default");
for (let k of keys) {
  for (let a of ["max_cached_connections", "check_time", "check_new_mail"]) names.add(`mail.server.${k}.${a}`);
}
out.serverKeysInPrefs = [...keys].sort();
for (let n of [...names].sort()) out.prefs[n] = snapshot(n);

function attr(obj, what, list, iface) {
  let o = obj;
  if (iface) { try { o = obj.QueryInterface(iface); } catch (e) { return { error: `not ${iface.name}` }; } }
  for (let n of list) {
    let v;
    try { v = o[n]; } catch (e) { out.spellings[what] = n; return { error: String(e.name || e) }; }
    if (v !== undefined) { out.spellings[what] = n; return v; }
  }
  out.oracleErrors.push(`${what}: none of ${list.join("/")} answered`);
  return undefined;
}
const IN = Ci.nsIMsgIncomingServer;
for (let s of MailServices.accounts.allServers) {
  let e = {
    key: attr(s, "key", ["key"], IN),
    type: attr(s, "type", ["type"], IN),
    hostName: attr(s, "hostName", ["hostName", "hostname"], IN),
    port: attr(s, "port", ["port"], IN),
    socketType: attr(s, "socketType", ["socketType"], IN),
    biffMinutes: attr(s, "biffMinutes", ["biffMinutes"], IN),
    doBiff: attr(s, "doBiff", ["doBiff"], IN),
  };
  if (e.type == "imap") {
    e.maximumConnectionsNumber = attr(s, "maximumConnectionsNumber", ["maximumConnectionsNumber"], Ci.nsIImapIncomingServer);
  }
  out.servers.push(e);
}
out.writtenBack = {};
for (let n of Object.keys(out.prefs)) {
  let after = snapshot(n);
  if (JSON.stringify(after) != JSON.stringify(out.prefs[n])) out.writtenBack[n] = after;
}

function path(key) {
  try { return Services.dirsvc.get(key, Ci.nsIFile).path; } catch (e) { return { error: String(e.name || e) }; }
}
out.dirs = { SysConfD: path("SysConfD"), XREAppDist: path("XREAppDist"), GreD: path("GreD"), XCurProcD: path("XCurProcD") };
try {
  out.dirs.PrefDL = [];
  let en = Services.dirsvc.get("PrefDL", Ci.nsISimpleEnumerator);
  while (en.hasMoreElements()) out.dirs.PrefDL.push(en.getNext().QueryInterface(Ci.nsIFile).path);
} catch (e) {
  out.dirs.PrefDL = { error: String(e.name || e) };
}
const EP = Ci.nsIEnterprisePolicies;
const STATUS = { [EP.UNINITIALIZED]: "UNINITIALIZED", [EP.INACTIVE]: "INACTIVE", [EP.ACTIVE]: "ACTIVE", [EP.FAILED]: "FAILED" };
try {
  out.policies = { status: STATUS[Services.policies.status] ?? Services.policies.status,
                   active: Services.policies.getActivePolicies() ?? null };
} catch (e) {
  out.policies = { error: String(e) };
}
out.console = [];
for (let m of Services.console.getMessageArray()) {
  let t = m.message ?? String(m);
  if (/polic|autoconfig|\.cfg|pref|lockPref|general\.config|configuration file/i.test(t)) out.console.push(t);
}
// Enterprise Policies log through Console.sys.mjs (ConsoleAPI), which the console service does
// not hold: read the ConsoleAPI storage too.
try {
  let storage = Cc["@mozilla.org/consoleAPI-storage;1"].getService(Ci.nsIConsoleAPIStorage);
  for (let ev of storage.getEvents()) {
    let t = [ev.prefix, ...(ev.arguments || []).map(a => String(a))].filter(Boolean).join(" ");
    if (/polic|autoconfig|\.cfg|pref|general\.config/i.test(t)) out.console.push(`[${ev.level}] ${t}`);
  }
} catch (e) {
  out.oracleErrors.push(`consoleAPI storage: ${e}`);
}
return out;
