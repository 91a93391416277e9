//! What WinSCP's settings mean: its factory defaults, enums, the keys a site may hold and
//! which values are secret. Every fact names the WinSCP source it was read in
//! (`github:winscp/winscp`, see docs/winscp-facts.md); what could not be verified says so.

use crate::model::{Protocol, Security};

/// `TSessionData::DefaultSettings` (`source/core/SessionData.cpp`): a site's key that is
/// absent means this factory default. Sites are not loaded on top of `Default Settings`
/// (`TStoredSessionList::Load`, `UseDefaults = false` when WinSCP reloads its sites).
pub(super) mod default {
    /// `FSProtocol = fsSFTP` (SFTP, falling back to SCP).
    pub(in crate::clients::winscp) const FS_PROTOCOL: i64 = 1;
    /// `PortNumber = SshPortNumber`, for every protocol: WinSCP writes 21, 990, 80 or 443
    /// explicitly because they differ from it.
    pub(in crate::clients::winscp) const PORT: i64 = 22;
    /// `Timeout = 15` seconds.
    pub(in crate::clients::winscp) const TIMEOUT: i64 = 15;
    /// `Ftps = ftpsNone`.
    pub(in crate::clients::winscp) const FTPS: i64 = 0;
    /// `PingType = ptOff` (SSH keepalive off).
    pub(in crate::clients::winscp) const PING_TYPE: i64 = 0;
    /// `FtpPingType = fptDummyCommand` (FTP keepalive on).
    pub(in crate::clients::winscp) const FTP_PING_TYPE: i64 = 2;
    /// `FtpPingInterval = 30` seconds.
    pub(in crate::clients::winscp) const FTP_PING_INTERVAL: i64 = 30;
    /// `TConfiguration::Default`: `FQueueTransfersLimit = 2`
    /// (`source/core/Configuration.cpp`), stored in `[Configuration\Interface]`.
    pub(in crate::clients::winscp) const QUEUE_TRANSFERS_LIMIT: i64 = 2;
}

/// The most transfers WinSCP's Preferences dialog offers (`QueueTransferLimitMax`,
/// default 9, `source/windows/WinConfiguration.cpp`): how a negative
/// `QueueTransfersLimit`, which removes the cap, is counted in the connection budget. A
/// lower bound: the real count grows with the queue.
pub(super) const UNCAPPED_QUEUE_COUNTED_AS: i64 = 9;

/// The site dialog's range for `Timeout` (`TimeoutEdit`, `MinValue = 5`, `MaxValue =
/// 6000`, `source/forms/SiteAdvanced.dfm`).
pub(super) const TIMEOUT_RANGE: (i64, i64) = (5, 6000);

/// The name of the default-session template (`DefaultName`).
pub(super) const DEFAULT_SETTINGS: &str = "Default Settings";

/// The model's protocol for an `FSProtocol` number (`TFSProtocol`,
/// `source/core/SessionData.h`: 0 SCP, 1 SFTP with SCP fallback, 2 SFTP only, 5 FTP,
/// 6 WebDAV, 7 S3; 3 and 4 are obsolete). `None` for numbers WinSCP has no protocol for:
/// it reads them with a plain cast and no range check.
pub(super) fn protocol(fs_protocol: i64) -> Option<Protocol> {
    Some(match fs_protocol {
        0 => Protocol::Scp,
        1 | 2 => Protocol::Sftp,
        5 => Protocol::Ftp,
        6 => Protocol::WebDav,
        7 => Protocol::S3,
        _ => return None,
    })
}

/// The security of an FTP site's `Ftps` (`TFtps`: 0 none, 1 implicit, 2 explicit SSL,
/// 3 explicit TLS). `None` outside the enum.
pub(super) fn ftp_security(ftps: i64) -> Option<Security> {
    Some(match ftps {
        0 => Security::None,
        1 => Security::ImplicitTls,
        2 | 3 => Security::StartTls,
        _ => return None,
    })
}

/// The security of a WebDAV or S3 site: any `Ftps` other than 0 means HTTPS
/// (`TSessionData::IsSecure`).
pub(super) fn http_security(ftps: i64) -> Security {
    if ftps == 0 {
        Security::None
    } else {
        Security::ImplicitTls
    }
}

/// The `Ftps` number that gives an FTP site `security` (explicit TLS for STARTTLS).
pub(super) fn ftps_for_ftp(security: Security) -> Option<i64> {
    match security {
        Security::None => Some(0),
        Security::ImplicitTls => Some(1),
        Security::StartTls => Some(3),
        Security::TryStartTls | Security::RemovedTryStartTls => None,
    }
}

/// The `Ftps` number that gives a WebDAV or S3 site `security`: 1 for HTTPS (what
/// WinSCP's own URL parser sets for `davs://` is not verified; any non-zero value works).
pub(super) fn ftps_for_http(security: Security) -> Option<i64> {
    match security {
        Security::None => Some(0),
        Security::ImplicitTls => Some(1),
        _ => None,
    }
}

/// True for a value whose data no output may show: every credential name of
/// [`crate::secret`] (passwords in clear and obfuscated, `Password`, `PasswordPlain`,
/// `ProxyPassword`, `ProxyPasswordEnc`, `TunnelPassword…`; passphrases; the master
/// password's `MasterPasswordVerifier`; `S3SessionToken`), and WinSCP's file encryption
/// key (`EncryptKey`, `EncryptKeyPlain`), whose name carries none of those words.
pub(super) fn is_secret_name(name: &str) -> bool {
    crate::secret::is_credential_name(name) || name.to_ascii_lowercase().contains("encryptkey")
}

/// The keys `TSessionData::DoLoad` reads from a site (`source/core/SessionData.cpp`), plus
/// the obsolete ones `DoSave` deletes (`TryGSSKEX`, `UserNameFromEnvironment`,
/// `GSSAPIServerChoosesUserName`, `GSSAPITrustDNS`) and `AuthTIS`, which older versions
/// read: WinSCP ignores any other key in a site. Compared case-insensitively (Delphi's
/// `TMemIniFile` and the registry both ignore case; the INI part is unverified).
pub(super) const SESSION_KEYS: &[&str] = &[
    "PortNumber",
    "UserName",
    "HostName",
    "PasswordPlain",
    "Password",
    "SshHostKey",
    "Note",
    "PingIntervalSecs",
    "PingIntervalSec",
    "PingInterval",
    "PingType",
    "Timeout",
    "TryAgent",
    "AgentFwd",
    "AuthKI",
    "AuthKIPassword",
    "AuthGSSAPI",
    "AuthSSPI",
    "AuthGSSAPIKEX",
    "GSSAPIFwdTGT",
    "GssapiFwd",
    "SSPIFwdTGT",
    "LogicalHostName",
    "GSSAPIServerRealm",
    "KerbPrincipal",
    "ChangeUsername",
    "Compression",
    "Ssh2DES",
    "SshNoUserAuth",
    "Cipher",
    "KEX",
    "HostKey",
    "GSSLibs",
    "GSSCustom",
    "PublicKeyFile",
    "DetachedCertificate",
    "AddressFamily",
    "RekeyBytes",
    "RekeyTime",
    "FSProtocol",
    "LocalDirectory",
    "OtherLocalDirectory",
    "RemoteDirectory",
    "SynchronizeBrowsing",
    "UpdateDirectories",
    "CacheDirectories",
    "CacheDirectoryChanges",
    "PreserveDirectoryChanges",
    "ResolveSymlinks",
    "FollowDirectorySymlinks",
    "ConsiderDST",
    "Special",
    "Shell",
    "ClearAliases",
    "UnsetNationalVars",
    "ListingCommand",
    "AliasGroupList",
    "IgnoreLsWarnings",
    "SCPLsFullTime",
    "Scp1Compatibility",
    "TimeDifference",
    "TimeDifferenceAuto",
    "DeleteToRecycleBin",
    "OverwrittenToRecycleBin",
    "RecycleBinPath",
    "PostLoginCommands",
    "ReturnVar",
    "ExitCode1IsError",
    "LookupUserGroups2",
    "EOLType",
    "TrimVMSVersions",
    "VMSAllRevisions",
    "Utf",
    "SFTPUtfBug",
    "InternalEditorEncoding",
    "S3DefaultRegion",
    "S3SessionToken",
    "S3RoleArn",
    "S3RoleSessionName",
    "S3Profile",
    "S3UrlStyle",
    "S3MaxKeys",
    "S3CredentialsEnv",
    "S3RequesterPays",
    "TcpNoDelay",
    "SendBuf",
    "SshSendBuf",
    "SourceAddress",
    "ProtocolFeatures",
    "SshSimple",
    "ProxyMethod",
    "ProxyHost",
    "ProxyPort",
    "ProxyUsername",
    "ProxyPassword",
    "ProxyPasswordEnc",
    "ProxyTelnetCommand",
    "ProxyDNS",
    "ProxyLocalhost",
    "BugHMAC2",
    "BugDeriveKey2",
    "BugRSAPad2",
    "BugPKSessID2",
    "BugRekey2",
    "BugMaxPkt2",
    "BugIgnore2",
    "BugOldGex2",
    "BugWinAdj",
    "BugChanReq",
    "BuggyMAC",
    "SftpServer",
    "SFTPSymlinkBug",
    "SFTPSignedTSBug",
    "SFTPMaxVersion",
    "SFTPMaxPacketSize",
    "SFTPDownloadQueue",
    "SFTPUploadQueue",
    "SFTPListingQueue",
    "SFTPRealPath",
    "UsePosixRename",
    "Color",
    "Protocol",
    "Tunnel",
    "TunnelPortNumber",
    "TunnelUserName",
    "TunnelHostName",
    "TunnelPasswordPlain",
    "TunnelPassword",
    "TunnelPublicKeyFile",
    "TunnelPassphrasePlain",
    "TunnelPassphrase",
    "TunnelLocalPortNumber",
    "TunnelHostKey",
    "FtpPasvMode",
    "FtpForcePasvIp2",
    "FtpUseMlsd",
    "FtpAccount",
    "FtpPingInterval",
    "FtpPingType",
    "FtpTransferActiveImmediately2",
    "Ftps",
    "FtpListAll",
    "FtpHost",
    "FtpWorkFromCwd",
    "FtpDeleteFromCwd",
    "FtpAnyCodeForPwd",
    "SslSessionReuse",
    "TlsCertificateFile",
    "FtpProxyLogonType",
    "MinTlsVersion",
    "MaxTlsVersion",
    "CompleteTlsShutdown",
    "EncryptKeyPlain",
    "EncryptKey",
    "WebDavLiberalEscaping",
    "WebDavAuthLegacy",
    "IsWorkspace",
    "Link",
    "NameOverride",
    "PuttySettings",
    "CustomParam1",
    "CustomParam2",
    "TryGSSKEX",
    "UserNameFromEnvironment",
    "GSSAPIServerChoosesUserName",
    "GSSAPITrustDNS",
    "AuthTIS",
];

/// The site keys that hold a password or key, with what they protect and whether they
/// hold it in clear: `LOAD_PASSWORD(Password, "PasswordPlain")` and its siblings in
/// `TSessionData::DoLoad`. A clear key is read in preference to its obfuscated one.
/// `ProxyPassword` is the proxy password in clear; its obfuscated form is
/// `ProxyPasswordEnc` ("proxy password is not rewritten").
pub(super) const PASSWORDS: &[(&str, &str, &str)] = &[
    // (clear key, obfuscated key, what it is)
    ("PasswordPlain", "Password", "site"),
    ("ProxyPassword", "ProxyPasswordEnc", "proxy"),
    ("TunnelPasswordPlain", "TunnelPassword", "SSH tunnel"),
    (
        "TunnelPassphrasePlain",
        "TunnelPassphrase",
        "SSH tunnel key passphrase",
    ),
    ("EncryptKeyPlain", "EncryptKey", "file encryption key"),
];

/// True when an obfuscated password value is in fact encrypted with the master password:
/// flag `FF` then version `01` ("external", AES-256), which the XOR with 0x5C stores as
/// `A35D` (`source/core/Security.cpp`, `PWALG_SIMPLE_EXTERNAL`;
/// `TWinConfiguration::StronglyRecryptPassword`). `A35C…` and `A35E…` (versions 00 and 02)
/// and the flagless oldest form are only obfuscated.
pub(super) fn is_master_password_encrypted(value: &str) -> bool {
    value
        .get(..4)
        .map(|p| p.eq_ignore_ascii_case("A35D"))
        .unwrap_or(false)
}
