// Composition root: builds the domain services from a configuration (database, blob store,
// mail store, accounts, queue, audit) for the servers and the CLI. Nothing else wires parts.
import path from 'node:path';
import pino, { type Logger } from 'pino';
import type { Config } from './config/config.ts';
import { localDomains, resolveDataPath } from './config/config.ts';
import { openDatabase, type Db } from './storage/database.ts';
import { BlobStore } from './storage/blobs.ts';
import { MailEvents } from './core/events.ts';
import { MailStore } from './core/mailstore.ts';
import { AccountService } from './core/accounts.ts';
import { AuditLog } from './core/audit.ts';
import { MailboxAccessLog } from './core/mailbox-access.ts';
import { SignInHistory } from './core/sign-in-history.ts';
import { DirectoryService } from './directory/service.ts';
import { OutboundQueue } from './core/queue.ts';
import { RoleService } from './core/roles.ts';
import { TokenService } from './core/tokens.ts';
import { DelegationService } from './core/delegations.ts';
import { ListService } from './directory/lists.ts';
import { DomainMap } from './core/domains.ts';
import { DkimKeyStore } from './mailauth/keys.ts';
import { DkimSigner } from './mailauth/dkim.ts';
import { Reclaimer } from './core/reclaim.ts';
import { StoreMaintenance } from './core/maintenance.ts';
import { StoreCheck } from './core/store-check.ts';
import { SessionRegistry } from './core/sessions.ts';
import { SecondFactorService, loadSecondFactorKey } from './core/second-factor.ts';
import { AppPasswordService } from './core/app-passwords.ts';
import { SignInService } from './core/sign-in.ts';
import { MaildropLocks } from './core/maildrop-locks.ts';
import { SieveScriptService } from './core/sieve-scripts.ts';
import { SieveDelivery } from './core/sieve-delivery.ts';
import { LeaverReplies } from './core/leaver-reply.ts';
import { MailboxMetadata } from './core/mailbox-metadata.ts';
import { RequestService } from './requests/service.ts';
import { RequestNotices } from './requests/notices.ts';
import { BackupService } from './backup/backup.ts';
import { BackupScheduler } from './backup/schedule.ts';
import { RspamdClient } from './hygiene/rspamd.ts';
import { SpamLists } from './core/spam-lists.ts';
import { SpamLearner } from './core/spam-learning.ts';
import { TicketService } from './core/tickets.ts';
import { QuarantineService } from './core/quarantine.ts';
import { ClamdClient } from './hygiene/clamd.ts';
import { normalizeAddress } from './core/accounts.ts';
import { freeMailMatcher } from './core/free-mail.ts';
import { ForwardingService } from './core/forwarding.ts';
import { IdentityService } from './core/identities.ts';
import { SubmissionLog } from './core/email-submissions.ts';
import { Notices } from './core/notices.ts';
import { SendLimits } from './core/send-limits.ts';
import { FreeMailPolicy } from './core/free-mail-policy.ts';
import { MailHygiene } from './core/hygiene.ts';
import { LegalHoldService } from './core/legal-hold.ts';
import { JournalService } from './core/journal.ts';
import { RetentionPolicies } from './core/retention-policies.ts';
import { ConsoleStats } from './core/console-stats.ts';
import { Metrics } from './core/metrics.ts';
import { MailDaily } from './core/mail-daily.ts';
import { PENDING as PENDING_REQUESTS } from './requests/lifecycle.ts';
import { handoverPorts } from './requests/handover.ts';
import { PurgeSchedule } from './directory/purge-schedule.ts';
import { WorkQueue } from './core/work-queue.ts';

export interface App {
  config: Config;
  log: Logger;
  db: Db;
  blobs: BlobStore;
  events: MailEvents;
  store: MailStore;
  accounts: AccountService;
  audit: AuditLog;
  queue: OutboundQueue;
  /** The province's directory: units, people, search, history, CSV (src/directory/service.ts). */
  directory: DirectoryService;
  roles: RoleService;
  tokens: TokenService;
  delegations: DelegationService;
  /** Every checked sign-in of every door, for auditors, and its hash chain (src/core/sign-in-history.ts). */
  signInHistory: SignInHistory;
  /** The access audit: openings of a mailbox by someone other than its owner (src/core/mailbox-access.ts). */
  mailboxAccess: MailboxAccessLog;
  /** Distribution lists, static and derived from the tree (src/directory/lists.ts). */
  lists: ListService;
  /** Local and alias domains (src/core/domains.ts). */
  domains: DomainMap;
  /** DKIM signer for outgoing mail (src/mailauth/dkim.ts). */
  dkim: DkimSigner;
  /** Unlinks blobs whose contents row is gone, and sweeps orphans (src/core/reclaim.ts). */
  reclaimer: Reclaimer;
  /** Periodic sweep, change-log compaction, done-queue pruning (src/core/maintenance.ts); `serve` starts it. */
  maintenance: StoreMaintenance;
  /** `thutin store check [--repair]` (src/core/store-check.ts). */
  storeCheck: StoreCheck;
  /** The one sign-in of every door: throttle, forced change, lockouts, history (src/core/sign-in.ts). */
  signIn: SignInService;
  /** Every signed-in session per account, ended at once on suspend, leave, password change or reset (src/core/sessions.ts). */
  sessions: SessionRegistry;
  /** The TOTP second factor of the web/API sign-in (src/core/second-factor.ts). */
  secondFactor: SecondFactorService;
  /** App passwords for mail clients (src/core/app-passwords.ts). */
  appPasswords: AppPasswordService;
  /** POP3's maildrop locks: one session per mailbox, across processes (src/core/maildrop-locks.ts). */
  maildropLocks: MaildropLocks;
  /** Each account's Sieve scripts, the active one compiled, vacation replies sent (src/core/sieve-scripts.ts). */
  sieveScripts: SieveScriptService;
  /** Each local recipient's active Sieve script applied between a received message's plan and its commit (src/core/sieve-delivery.ts). */
  sieveDelivery: SieveDelivery;
  /** IMAP METADATA entries of folders and the server (src/core/mailbox-metadata.ts). */
  mailboxMetadata: MailboxMetadata;
  /** Incident tickets: reports of spam, viruses and faults, by API and by mail to `tickets.address` (src/core/tickets.ts). */
  tickets: TicketService;
  /** clamd, asked by the `virus` stage and `thutin doctor` (src/hygiene/clamd.ts; config hygiene.virus). */
  clamd: ClamdClient;
  /** Infected messages kept for administrators (src/core/quarantine.ts). */
  quarantine: QuarantineService;
  /** rspamd, asked by the `spam` stage, the learner and `thutin doctor` (src/hygiene/rspamd.ts; config hygiene.spam); null when hygiene.spam.enabled is false. */
  rspamd: RspamdClient | null;
  /** Each recipient's spam allow / block lists (src/core/spam-lists.ts). */
  spamLists: SpamLists;
  /** Moves into / out of Junk teach rspamd through a durable queue (src/core/spam-learning.ts); `serve` starts its worker. */
  spamLearner: SpamLearner;
  /** Online backups of the database, the blobs and the data directory's files (src/backup/backup.ts). */
  backup: BackupService;
  /** `backup.schedule`: the backup and rotation `serve` starts (src/backup/schedule.ts). */
  backupSchedule: BackupScheduler;
  /** Legal holds on mailboxes and units: what they hold is kept, their accounts are not deleted (src/core/legal-hold.ts; issue 14). */
  legalHold: LegalHoldService;
  /** The journal archive of units: every message sent and received, read-only, searched and exported by auditors (src/core/journal.ts). */
  journal: JournalService;
  /** Retention policies and their runs; `serve` starts them (src/core/retention-policies.ts). */
  retention: RetentionPolicies;
  /** Requests of the decision's processes: filing, approval, execution through the directory, notices (src/requests/service.ts); `serve` starts its executor. */
  requests: RequestService;
  /** Account forwarding, never to free-mail (src/core/forwarding.ts; issue 12). */
  forwarding: ForwardingService;
  /** Sending rate limits and the held-account flag (src/core/send-limits.ts; hygiene.sendLimits). */
  sendLimits: SendLimits;
  /** Article 9: attachments to free-mail at submission, the per-unit free-mail report (src/core/free-mail-policy.ts). */
  freeMail: FreeMailPolicy;
  /** Forwards, limits and free-mail rules applied to each received message before its commit (src/core/hygiene.ts). */
  hygiene: MailHygiene;
  /** The unit mailbox as a shared work queue: assignee, handled, note, history; keywords $Assigned/$Handled (src/core/work-queue.ts; issue 10). */
  workQueue: WorkQueue;
  /** JMAP sending identities' settings: name, Reply-To, Bcc, signatures (src/core/identities.ts; issue 10). */
  identities: IdentityService;
  /** The record of mail sent through JMAP, EmailSubmission (src/core/email-submissions.ts; issue 10). */
  submissions: SubmissionLog;
  /** The console's numbers: storage per agency, mailboxes per state, requests waiting, queue depth (src/core/console-stats.ts). */
  consoleStats: ConsoleStats;
  /** `/metrics` in Prometheus' text format (src/core/metrics.ts). */
  metrics: Metrics;
  /** Mail per day in and out, the console's chart (src/core/mail-daily.ts, table mail_daily). */
  mailDaily: MailDaily;
  /** Leavers purged after retention, every directory.purgeIntervalMs (src/directory/purge-schedule.ts); `serve` starts it. */
  purges: PurgeSchedule;
  /** Whether the database answers (`/health`, `thutin doctor`): its dialect, or an error thrown. */
  health(): Promise<{ database: 'sqlite' | 'postgres' }>;
  close(): Promise<void>;
}

export async function createApp(config: Config, opts: { log?: Logger; sharedStore?: boolean } = {}): Promise<App> {
  const log =
    opts.log ??
    pino({
      level: config.log.level,
      // Never log secrets: redact anything that looks like one if it is ever passed.
      redact: { paths: ['password', '*.password', 'pass', '*.pass', 'auth.password'], censor: '[redacted]' },
    });
  const dbc = config.database;
  const db = await openDatabase(
    dbc.driver === 'sqlite' ? { driver: 'sqlite', file: resolveDataPath(config, dbc.file), sqliteCacheMb: dbc.sqliteCacheMb, sqliteMmapMb: dbc.sqliteMmapMb } : { driver: 'postgres', url: dbc.url },
  );
  const blobs = new BlobStore(path.join(config.dataDir, 'blobs'), { writers: config.store.ingestWorkers });
  const events = new MailEvents();
  if (config.database.driver === 'postgres') await events.attachPostgres(config.database.url!);
  // One server process per blob directory (SQLite, or PostgreSQL without store.sharedBlobs; and no
  // inbound processes, opts.sharedStore): pins alone protect blobs in flight. Processes sharing the
  // blobs leave a blob touched within the grace to the sweep.
  const exclusive = !opts.sharedStore && (config.database.driver === 'sqlite' || !config.store.sharedBlobs);
  const reclaimer = new Reclaimer(db.kysely, blobs, { sharedGraceMs: exclusive ? 0 : config.store.orphanGraceMs });
  const store = new MailStore(db, blobs, events, reclaimer, { mime: { maxHeaderSize: config.smtp.maxHeaderBytes } });
  const audit = new AuditLog(db.kysely);
  const domains = DomainMap.fromConfig(config);
  const sessions = new SessionRegistry(db.kysely, { pollMs: config.security.sessionPollMs, log: log.child({ component: 'sessions' }) });
  const accounts = new AccountService(db.kysely, audit, {
    sessions,
    localDomains: localDomains(config),
    defaultQuotaBytes: config.quota.defaultBytes,
    canonical: (a) => domains.canonical(a),
    contents: store.contents,
  });
  const queue = new OutboundQueue(db.kysely, store, audit);
  const delegations = new DelegationService(db.kysely, audit);
  const mailboxAccess = new MailboxAccessLog(audit);
  const signInHistory = new SignInHistory(db.kysely);
  const lists = new ListService(db.kysely, audit, { isLocalDomain: (d) => domains.isLocal(d) });
  const dkim = new DkimSigner(new DkimKeyStore(config), log.child({ component: 'dkim' }));
  const maintenance = new StoreMaintenance(db.kysely, reclaimer, {
    orphanGraceMs: config.store.orphanGraceMs,
    intervalMs: config.store.maintenanceIntervalMs,
    changesRetentionMs: config.store.changesRetentionMs,
    doneRetentionMs: config.outbound.doneRetentionMs,
    exclusive,
    log: log.child({ component: 'maintenance' }),
  });
  const storeCheck = new StoreCheck(db.kysely, db.dialect, blobs, reclaimer, { orphanGraceMs: config.store.orphanGraceMs });
  const roles = new RoleService(db.kysely, audit);
  const si = config.security.signIn;
  const signIn = new SignInService(db.kysely, accounts, audit, store, log.child({ component: 'sign-in' }), {
    limits: {
      account: { max: si.accountMaxFailures, windowMs: si.accountWindowMs, lockoutMs: si.accountLockoutMs, freeFailures: si.freeFailures, baseDelayMs: si.baseDelayMs, maxDelayMs: si.maxDelayMs },
      // No delays per address: one person's typos behind a NAT must not slow the whole office down.
      address: { max: si.addressMaxFailures, windowMs: si.addressWindowMs, lockoutMs: si.addressLockoutMs, freeFailures: Infinity, baseDelayMs: 0, maxDelayMs: 0 },
      knownAddressTtlMs: si.knownAddressTtlMs,
      historyRetentionMs: si.historyRetentionMs,
    },
    firstPasswordDeadlineMs: config.security.firstPasswordDeadlineHours * 3600_000,
    noticeFrom: `postmaster@${config.domains.primary}`,
  });
  maintenance.signIns = signIn;
  const secondFactor = new SecondFactorService(db.kysely, audit, { key: loadSecondFactorKey(config.dataDir), issuer: config.domains.primary, sessions });
  const appPasswords = new AppPasswordService(db.kysely, audit, { sessions });
  signIn.factors = { secondFactor, appPasswords };
  const tokens = new TokenService(db.kysely, signIn, roles, log, { ttlMs: config.http.tokenTtlMs });
  sessions.onEnd((end) => {
    if (end.appPasswordId === null) tokens.forgetAccount(end.accountId); // app passwords open no API session
  });
  const tickets = new TicketService(db.kysely, store, roles, audit, {
    address: config.tickets.address || `baocao@${config.domains.primary}`,
    log: log.child({ component: 'tickets' }),
  });
  // /metrics (issue 11): counters fed by the store's mail flow and the request executor, gauges read at each scrape.
  const consoleStats = new ConsoleStats(db.kysely, { pendingRequestStates: [...PENDING_REQUESTS, 'scheduled', 'executing', 'failed'], queueDoneState: 'done' });
  const metrics = new Metrics(consoleStats, events);
  const mailDaily = new MailDaily(db.kysely, events);
  const directory = new DirectoryService({
    db: db.kysely,
    accounts,
    audit,
    primaryDomain: config.domains.primary,
    rules: config.directory,
    delegations: () => delegations,
    leaverReplies: () => leaverReplies,
  });
  const requests = new RequestService({
    db: db.kysely,
    directory,
    audit,
    approvers: async () => (await roles.list()).filter((a) => a.role === 'sysadmin' || a.role === 'directory-manager').map((a) => a.account),
    resetPassword: (personId, ctx) => directory.resetPassword(personId, ctx),
    notices: new RequestNotices({ store, accountOf: (a) => accounts.byAddress(a), from: `postmaster@${config.domains.primary}`, log: log.child({ component: 'requests' }), now: () => Date.now() }),
    config: config.requests,
    log: log.child({ component: 'requests' }),
    onExecuted: (kind, submittedAt, executedAt) => metrics.requestExecuted(kind, submittedAt, executedAt),
    handover: handoverPorts({ directory, accounts, store, delegations }),
  });
  // clamd's deadline stays inside the stage's (smtp.stageTimeoutMs): a slow clamd meets the
  // hygiene.virus.unreachable policy, not the pipeline's generic 451.
  const clamd = new ClamdClient({ ...config.hygiene.virus, timeoutMs: Math.max(100, Math.min(config.hygiene.virus.timeoutMs, Math.floor(config.smtp.stageTimeoutMs * 0.8))) });
  const quarantine = new QuarantineService(
    db.kysely,
    store,
    audit,
    {
      isLocalDomain: (d) => domains.isLocal(d),
      localAccount: async (address) => {
        const canonical = domains.canonical(normalizeAddress(address));
        const role = await directory.roleRecipient(canonical);
        if (role) return role.accountId;
        return (await accounts.resolveRecipient(canonical))?.id ?? null;
      },
      listMembers: async (address) => ((await lists.get(normalizeAddress(address))) ? lists.expand(normalizeAddress(address)) : null),
    },
    { retentionDays: config.hygiene.virus.quarantineDays },
  );
  maintenance.quarantine = quarantine;
  // Issue 14: the legal hold keeps what leaves a held mailbox and refuses its deletion; the journal
  // records every commit of a journaled unit; retention policies know when mail entered a folder.
  const legalHold = new LegalHoldService(db.kysely, store, audit);
  store.removalHooks.push(legalHold);
  accounts.holds = legalHold;
  const journal = new JournalService(db.kysely, store, audit);
  store.deliveryHook = journal;
  const retention = new RetentionPolicies(db.kysely, store, audit, legalHold, journal, { runIntervalMs: config.retention.runIntervalMs, log: log.child({ component: 'retention' }) });
  store.copyHooks.push(retention);
  const sp = config.hygiene.spam;
  const rspamd = sp.enabled ? new RspamdClient({ url: sp.url, controllerUrl: sp.controllerUrl, password: sp.password, timeoutMs: sp.timeoutMs }) : null;
  const spamLists = new SpamLists(db.kysely, audit);
  const spamLearner = new SpamLearner(db.kysely, store, audit, rspamd, log.child({ component: 'spam-learner' }), { retryMs: sp.learnRetryMs });
  store.copyHooks.push(spamLearner);
  const workQueue = new WorkQueue(db.kysely, store, delegations, accounts, audit, log.child({ component: 'work-queue' }));
  store.copyHooks.push(workQueue); // a move keeps a message's place in the unit's queue
  // Issue 12: forwarding, sending limits, Article 9's free-mail rules.
  const localAccount = async (address: string): Promise<number | null> => {
    const canonical = domains.canonical(normalizeAddress(address));
    const role = await directory.roleRecipient(canonical);
    if (role) return role.accountId;
    return (await accounts.resolveRecipient(canonical))?.id ?? null;
  };
  const isFreeMail = freeMailMatcher(config.hygiene.freeMail.domains);
  const notices = new Notices(store, log.child({ component: 'notices' }), { from: `postmaster@${config.domains.primary}`, accountOf: localAccount });
  const forwarding = new ForwardingService(db.kysely, audit, { isFreeMail, localAccount, isLocalDomain: (d) => domains.isLocal(d) });
  const sendLimits = new SendLimits(db.kysely, audit, queue, notices, log.child({ component: 'send-limits' }), {
    ...config.hygiene.sendLimits,
    postmaster: `postmaster@${config.domains.primary}`,
    addressesOf: (id) => accounts.addresses(id),
  });
  const freeMail = new FreeMailPolicy(db.kysely, notices, { isFreeMail, attachments: config.hygiene.freeMail.attachments });
  const sieveScripts = new SieveScriptService(db.kysely, audit, { maxScripts: config.sieve.maxScripts, maxScriptBytes: config.sieve.maxScriptBytes });
  const leaverReplies = new LeaverReplies(sieveScripts);
  maintenance.vacationReplies = sieveScripts;
  const hygiene = new MailHygiene(forwarding, sendLimits, freeMail, log.child({ component: 'hygiene' }), localAccount);
  const dbFile = config.database.driver === 'sqlite' ? resolveDataPath(config, config.database.file) : undefined;
  const backup = new BackupService({ dataDir: config.dataDir, db: { driver: config.database.driver, file: dbFile, url: config.database.url }, blobs, audit });
  const backupSchedule = new BackupScheduler(backup, {
    schedule: config.backup.schedule,
    dir: config.backup.dir ? resolveDataPath(config, config.backup.dir) : '',
    keep: config.backup.keep,
    passphraseFile: config.backup.passphraseFile ? resolveDataPath(config, config.backup.passphraseFile) : undefined,
    recipientKeyFile: config.backup.recipientKeyFile ? resolveDataPath(config, config.backup.recipientKeyFile) : undefined,
    log: log.child({ component: 'backup' }),
  });
  const purges = new PurgeSchedule(directory, { intervalMs: config.directory.purgeIntervalMs, log: log.child({ component: 'purges' }) });
  return {
    config,
    consoleStats,
    metrics,
    mailDaily,
    purges,
    workQueue,
    identities: new IdentityService(db.kysely),
    submissions: new SubmissionLog(db.kysely),
    forwarding,
    sendLimits,
    freeMail,
    hygiene,
    rspamd,
    spamLists,
    spamLearner,
    clamd,
    quarantine,
    log,
    db,
    blobs,
    events,
    store,
    accounts,
    audit,
    mailboxAccess,
    signInHistory,
    queue,
    directory,
    requests,
    roles,
    tokens,
    delegations,
    lists,
    domains,
    dkim,
    reclaimer,
    maintenance,
    storeCheck,
    signIn,
    sessions,
    secondFactor,
    appPasswords,
    tickets,
    backup,
    backupSchedule,
    legalHold,
    journal,
    retention,
    sieveScripts,
    mailboxMetadata: new MailboxMetadata(db.kysely, { maxSize: 64 * 1024, maxEntries: 100 }, { admin: `mailto:postmaster@${config.domains.primary}`, comment: '' }),
    sieveDelivery: new SieveDelivery({
      scripts: sieveScripts,
      store,
      addressOf: async (id) => (await accounts.byId(id))?.username ?? null,
      localAccount,
      isLocalDomain: (d) => domains.isLocal(d),
      isFreeMail,
      countRedirect: (account) => sendLimits.submitted(account, 1),
      hostname: config.hostname,
      maxRedirects: config.sieve.maxRedirects,
      log: log.child({ component: 'sieve' }),
    }),
    maildropLocks: new MaildropLocks(db.kysely, { ttlMs: config.pop3.lockTtlMs, log: log.child({ component: 'maildrop-locks' }) }),
    health: async () => {
      await db.ping();
      return { database: db.dialect };
    },
    close: async () => {
      await purges.stop();
      await requests.stop();
      await backupSchedule.stop();
      await retention.stop();
      await spamLearner.stop();
      await maintenance.stop();
      await sessions.stop();
      await mailDaily.stop();
      await events.close();
      await blobs.close();
      await db.close();
    },
  };
}
