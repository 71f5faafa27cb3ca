export * from './errors';
export * from './model/module';
export * from './model/cluster';
export { parseDuration, TIME_UNITS, type TimeUnit } from './values/duration';
export { checkPortableEre, compileEre, EreError } from './values/ere';
export { procNameProblem, systemdUnitProblem } from './values/proc-names';
export {
  parseModuleConfig,
  parseClusterConfig,
  loadModuleConfig,
  loadClusterConfig,
  heartbeatTimingAdvice,
  MIN_PULSES_PER_TIMEOUT,
  type LoadOptions,
  type LoadedModule,
} from './load';
export { HEART_PROFILES } from './schema/heart';
export { checkModuleAgainstCluster, moduleNodes, type Placement } from './relations/module-cluster';
export { lanEndpoints, type Endpoint } from './relations/lan-endpoints';
export { checkModuleExecutables, moduleExecutable, ERRD_ACTIONS } from './relations/module-executables';
export { checkLocalModuleWatches } from './relations/module-watches';
export {
  builtinRules,
  DEGRADED_SERVER_RULE,
  moduleRuleSources,
  DEFAULT_RULES,
  type BuiltinRule,
  type ModuleRuleSource,
} from './generated/rules';
export { generatedCheckers, type LocalAddress, type GeneratedCheckers } from './generated/checkers';
export {
  canonicalAddress,
  netmaskToPrefix,
  networkOf,
  sameNetwork,
  virtualIpProblem,
} from './generated/ip-math';
export { defaultPorts } from './ports';
export {
  ClusterKeyError,
  MIN_CLUSTER_KEY_BYTES,
  parseClusterKey,
  loadClusterKeyFile,
} from './node/cluster-key';
export { assignModuleIds, parseModuleId, type IdAssignment, type InstalledModule } from './node/module-ids';
export { resolveNodeName, type HostFacts, type NodeNameResult } from './node/node-name';
export { thisMachine, type Machine } from './node/machine';
export {
  discoverModules,
  installedModuleNames,
  type DiscoveredModule,
  type FailedModule,
  type NodeNote,
} from './node/module-discovery';
export { installedModules, type InstalledModuleConfig, type PlannedModule } from './node/installed-modules';
export {
  nodeBasics,
  nodeClusterKey,
  nodeNameIfKnown,
  NodeStartupError,
  type NodeBasics,
} from './node/node-basics';
export {
  keelHome,
  onlyRootCanChange,
  modulePaths,
  nodePaths,
  type ModulePaths,
  type NodeEnv,
  type NodePaths,
} from './node/node-paths';
export { busFiles, SHIPPED_NATS_SERVER_CONFIG, type BusFiles } from './node/bus-files';
export { scriptEnv, userlogFile, type ScriptPlace } from './node/script-env';
export { readFileTail, type FileTail } from './node/file-tail';
export {
  listUserlogs,
  parseUserlogName,
  readUserlog,
  type UserlogEntry,
  type UserlogText,
} from './node/userlogs';
export {
  installBusFiles,
  localBusFiles,
  type BusFilesPort,
  type BusInstallOptions,
  type BusInstallResult,
} from './node/bus-install';
export { WEB_ROLES, isWebRole, roleAllows, type WebRole } from './web/web-roles';
export { hashPassword, isPasswordHash, verifyPassword, SCRYPT_COST } from './web/password-hash';
export { apiKeyDigest, apiKeyMatches, apiKeyName, newApiKey } from './web/api-keys';
export {
  CREDENTIAL_NAME,
  CredentialFileError,
  formatCredentialFile,
  parseCredentialFile,
  type CredentialEntry,
  type CredentialKind,
} from './web/credential-files';
export { FileCredentialStore, webDir } from './web/file-credential-store';
export {
  defaultTlsFiles,
  HTTP_PORT,
  HTTPS_PORT,
  loadWebConf,
  parseWebConf,
  tlsDir,
  webConfFile,
  WebConfError,
  withHttps,
  type HttpsConf,
  type WebConf,
} from './web/web-conf';
export {
  certificateCovers,
  checkCa,
  checkServerTls,
  parseCertificates,
  type CertProblem,
  type PemFile,
  type ServerTlsCheck,
} from './web/tls/cert-check';
export {
  nodeAddresses,
  readPrivateKeyFile,
  readTlsFiles,
  TlsFileError,
  type TlsFiles,
} from './web/tls/tls-files';
export {
  CA_DAYS,
  certificateNames,
  createCa,
  DEFAULT_CA_SUBJECT,
  ensureTlsDir,
  issueNodeCertificate,
  needsRenewal,
  NODE_CERT_DAYS,
  openSslCli,
  RENEW_BEFORE_DAYS,
  subjectAltName,
  tlsFileNames,
  type OpenSslPort,
} from './web/tls/pki';
export {
  NODE_AUTH_SCHEME,
  NODE_AUTH_WINDOW_MS,
  nodeCredentialKey,
  signNodeRequest,
  verifyNodeRequest,
  type NodeClaim,
  type NodeVerdict,
  type SignedRequest,
} from './web/node-credential';
export {
  nodeCommandAddress,
  nodeRequest,
  NodeUnreachable,
  NODE_REQUEST_TIMEOUT_MS,
  webOrigin,
  type NodeAnswer,
  type NodeRequest,
} from './web/node-request';
export { LoginConfError, parseKeyValues, readSecretFile } from './web/login/key-value-conf';
export { ldapConfFile, loadLdapConf, parseLdapConf, type LdapConf } from './web/login/ldap-conf';
export { loadOpenidConf, openidConfFile, parseOpenidConf, type OpenidConf } from './web/login/openid-conf';
export {
  appendCommandLog,
  COMMAND_LOG_MAX_BYTES,
  commandLogFile,
  commandLogLine,
  hasControlCharacter,
  readCommandLog,
  type CommandLogEntry,
  type CommandLogEnd,
  type CommandLogStart,
} from './node/command-log';
export { keelVersion } from './node/keel-version';
export {
  entryNameProblem,
  PACKAGE_LIMITS,
  readZip,
  writeZip,
  ZipError,
  type ZipEntry,
  type ZipInput,
  type ZipLimits,
} from './package/zip';
export {
  moduleNameProblem,
  packModule,
  PACKAGE_USERCONFIG,
  unpackModule,
  type ModuleFile,
} from './package/module-package';
export { checkModuleDir, type ModuleCheckPlace } from './package/module-check';
export {
  missingTlsFiles,
  MODULE_ENCRYPTION_FILE,
  moduleEncryption,
  nodeTlsPaths,
  setModuleEncryption,
} from './package/module-encryption';
export {
  installedModuleIds,
  installModule,
  moduleIdFor,
  moduleIdsOf,
  ModuleInstallError,
  nextModuleId,
  readModuleFiles,
  STAGING_DIR,
  uninstallModule,
  type Installed,
  type InstallRequest,
} from './package/module-install';
export {
  ChangeError,
  StagedChanges,
  STAGE_TTL_MS,
  type ChangePhase,
  type ClusterChange,
  type ModuleChange,
} from './apply/staged-changes';
export {
  clusterInfo,
  confinfoText,
  modulesInfo,
  fileSignature,
  moduleInfoText,
  moduleSignature,
  sha256,
  type ClusterInfo,
  type ModuleInfo,
  type Signed,
} from './package/signature';
