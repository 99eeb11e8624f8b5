package org.bdx.node.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The schema, as an ordered list of migrations. Version N+1 is applied on top of version N.
 *
 * <p>Schema 1:
 *
 * <ul>
 *   <li>{@code alerts}: one row per (origin_node_id, alert_id), the newest version held. {@code
 *       seq} is a monotonic insertion sequence (AUTOINCREMENT, never reused), kept when a newer
 *       version replaces the row. {@code fields} and {@code envelope} are serialized {@code
 *       AlertFields} / {@code SignedAlert}. {@code incident_date}, {@code area_lc} and {@code
 *       plate} are search columns derived from the fields.
 *   <li>{@code alert_phones}, {@code alert_harms}: search index rows, cascade-deleted.
 *   <li>{@code alert_text}: FTS5 (unicode61, diacritics removed), contentless with delete support,
 *       rowid = alerts.seq; indexes description, names, handles, vehicle, area, modus operandi.
 *       Contentless so no second plaintext copy of the text is kept.
 *   <li>{@code alert_plates}: FTS5 trigram table over the canonical plate, rowid = alerts.seq, for
 *       substring search of partial plates.
 *   <li>{@code reports}: the node's own reports as opaque blobs (see {@link ReportCodec}), {@code
 *       seq} for newest-first listing.
 * </ul>
 *
 * <p>Schema 2 (federation):
 *
 * <ul>
 *   <li>{@code partners}: registered partner nodes, pinned by node id; {@code class} is a {@code
 *       PartnerClass} number.
 *   <li>{@code agreements}: one row per agreement with the signed terms bytes and signatures;
 *       {@code state} is an {@code AgreementState} number.
 *   <li>{@code outbox}: per-partner feed of redacted envelopes; {@code seq} is the feed sequence.
 *   <li>{@code sync_state}: per partner, the last feed sequence we stored from them ({@code
 *       inbound_cursor}), the last of ours they acknowledged ({@code outbound_acked}) and counters.
 *   <li>{@code alerts.received_from}, {@code agreement_id}, {@code purge_at}: where a received
 *       alert came from, under which agreement, and when it must be deleted (earlier of expiry and
 *       retention); NULL for local alerts.
 * </ul>
 *
 * <p>Schema 3 (alert lifecycle):
 *
 * <ul>
 *   <li>{@code shared_with}: per partner and alert, the newest version queued for that partner and
 *       whether it carried content ({@code with_content} = 1) or was header-only (a withdrawal or a
 *       retraction). Written in the transaction that queues the outbox row; decides who must get a
 *       withdrawal or retraction later (spec VER-5).
 *   <li>{@code retraction_reasons}: why staff retracted one of this node's alerts; never sent.
 *   <li>FTS5 {@code secure-delete} on both full-text tables, so deleted tokens are removed from the
 *       index rather than hidden behind a delete marker (spec EXP-5).
 * </ul>
 *
 * <p>Schema 5 adds {@code outbox_by_alert} (and {@code outbox_by_partner_alert}, which schema 6
 * drops again as redundant): queuing a version looks up the partner's queued versions of that alert
 * by index.
 *
 * <p>Schema 7: {@code alert_origins} lists every origin an alert was ever held from (never pruned;
 * a stale entry costs one index probe), and {@code alerts_by_alert_id} is dropped: a lookup by id
 * alone probes the {@code (origin_node_id, alert_id)} key per origin.
 *
 * <p>Schema 8: {@code sync_state.inbound_stale}, the partner's items not applied because they were
 * already applied (a version not newer than held, a sequence at or below the cursor).
 *
 * <p>Schema 10 (audit, spec ADM-12): {@code audit_log}, one row per entry, each hash chained to the
 * one before ({@code AuditStore}); {@code audit_head}, one row, the last entry's sequence and hash,
 * moved in the transaction that appends, so removing the last entries shows. Triggers refuse
 * updates and deletes of entries, an entry that does not follow the head, and a head that does not
 * move one forward: they catch a bug, not an attacker who can drop them.
 *
 * <p>Schema 11 (encryption at rest of rows, spec AR-6 and AR-7): {@code alerts.fields}, {@code
 * alerts.envelope}, {@code outbox.envelope} and {@code retraction_reasons.reason} hold sealed
 * values ({@link RowCipher}); existing ones are sealed in place ({@link SealingMigration}) and the
 * file is vacuumed. The full-text tables, {@code alert_phones} and the clear {@code area_lc} and
 * {@code plate} columns are dropped; {@code alert_terms} holds keyed-hash terms (8-byte integers)
 * by alert sequence, {@code alerts.terms} the terms of each alert (so its rows are deleted by key),
 * and {@code search_index_rules} the version of the rules the index was built under (0: rebuild it,
 * which {@link AlertStore#reindexIfNeeded} does at the next open).
 *
 * <p>Schema 12 (spec AR-8, {@link SealingMigration12}): {@code partners.name} becomes {@code
 * name_key}, a keyed hash of the folded name ({@link NameKeys}), still UNIQUE, beside {@code
 * name_sealed}; {@code partners.endpoint}, {@code agreements.terms}, {@code proposer_signature} and
 * {@code acceptor_signature} hold sealed values; {@code staff} is rebuilt keyed by {@code name_key}
 * with {@code name_sealed}; {@code audit_log} and {@code audit_head} are rebuilt with the actor,
 * detail and hashes sealed, and their triggers made again.
 *
 * <p>Schema 13 (signed relay paths, spec RELAY-8, ADM-10): {@code alerts.hops}, the verified hop
 * statements the held version of a received alert arrived with (so a relay can add its own), and
 * {@code outbox.hops}, the statements queued with an item, both sealed (AR-6) and NULL when there
 * are none; {@code inbound_rejections}, per partner and FEED-8 reason, how many items were
 * rejected. Queued items of this node's own alerts carry no statement yet, so their {@code
 * hops_left} becomes 0 (an origin signs the hops it grants, RELAY-3.1).
 *
 * <p>Schema 15 (amendments, spec AGR-12): {@code agreement_amendments}, the new terms pending for
 * an agreement in force, sealed as {@code agreements.terms}; {@code alert_copies.reopened}, set
 * when an amendment takes effect so that the partner may send the copy's version once more under
 * the new terms (FEED-9.1).
 *
 * <p>Schema 14 (copies by several paths, spec FEED-9): {@code alert_copies}, per received alert and
 * partner it came from, the newest version that partner sent, the claim paths it gave of the held
 * version, its agreement, purge time, hop counts and hop statements (sealed, NULL when none). The
 * {@code alerts} row holds the union of the copies' claims; a partner's withdrawal, termination or
 * retention removes only its own.
 *
 * <p>Schema 18 (bulletins by e-mail, {@code org.bdx.node.delivery}): {@code subscribers}, keyed by
 * {@code address_key}, a keyed hash of the folded address ({@link NameKeys}), with the address and
 * the subscriber's language and areas sealed; {@code deliveries}, the durable queue of bulletins
 * still to send, one row per run and subscriber, with the period's first day, attempts, the next
 * attempt's time and the last failure's reason (never an address). A row is deleted when its
 * bulletin is delivered, given up, or its subscriber removed.
 *
 * <p>Schema 4 (relay, spec 10.8):
 *
 * <ul>
 *   <li>{@code outbox.relay_hops}, {@code hops_left}: the unsigned hop counts sent with the item
 *       ({@code FeedItem} fields 4 and 5); 0 and 0 for rows queued before relay existed.
 *   <li>{@code alerts.relay_hops}, {@code hops_left}: the counts the held version of a received
 *       alert arrived with, so it can be relayed later (a new partner, a resumed agreement); 0 for
 *       local alerts.
 * </ul>
 */
public final class Migrations {

  private Migrations() {}

  /** The incident day of alert row {@code a}, as {@link SearchIndex#day} makes it, in SQL. */
  private static final String INCIDENT_DAY = "CAST(replace(a.incident_date, '-', '') AS INTEGER)";

  private static final List<Migration> ALL =
      List.of(
          new Migration(
              1,
              "alerts, search index, reports",
              """
                    CREATE TABLE alerts (
                      seq             INTEGER PRIMARY KEY AUTOINCREMENT,
                      origin_node_id  TEXT    NOT NULL,
                      alert_id        TEXT    NOT NULL,
                      version         INTEGER NOT NULL CHECK (version >= 1),
                      status          INTEGER NOT NULL,
                      issued_at       INTEGER NOT NULL,
                      expires_at      INTEGER NOT NULL,
                      audience        INTEGER NOT NULL,
                      fields          BLOB    NOT NULL,
                      disclosed_paths TEXT    NOT NULL,
                      envelope        BLOB    NOT NULL,
                      local           INTEGER NOT NULL CHECK (local IN (0, 1)),
                      stored_at       INTEGER NOT NULL,
                      incident_date   TEXT    NOT NULL,
                      area_lc         TEXT    NOT NULL,
                      plate           TEXT    NOT NULL,
                      UNIQUE (origin_node_id, alert_id)
                    )""",
              "CREATE INDEX alerts_by_alert_id ON alerts (alert_id)",
              "CREATE INDEX alerts_by_incident ON alerts (incident_date DESC, seq DESC)",
              """
                    CREATE TABLE alert_phones (
                      phone TEXT    NOT NULL,
                      seq   INTEGER NOT NULL REFERENCES alerts (seq) ON DELETE CASCADE,
                      PRIMARY KEY (phone, seq)
                    ) WITHOUT ROWID""",
              "CREATE INDEX alert_phones_by_seq ON alert_phones (seq)",
              """
                    CREATE TABLE alert_harms (
                      harm INTEGER NOT NULL,
                      seq  INTEGER NOT NULL REFERENCES alerts (seq) ON DELETE CASCADE,
                      PRIMARY KEY (harm, seq)
                    ) WITHOUT ROWID""",
              "CREATE INDEX alert_harms_by_seq ON alert_harms (seq)",
              """
                    CREATE VIRTUAL TABLE alert_text USING fts5(
                      body, content='', contentless_delete=1,
                      tokenize='unicode61 remove_diacritics 2')""",
              """
                    CREATE VIRTUAL TABLE alert_plates USING fts5(
                      plate, content='', contentless_delete=1, tokenize='trigram')""",
              """
                    CREATE TABLE reports (
                      seq         INTEGER PRIMARY KEY AUTOINCREMENT,
                      report_id   TEXT    NOT NULL UNIQUE,
                      alert_id    TEXT    NOT NULL,
                      received_at INTEGER NOT NULL,
                      body        BLOB    NOT NULL
                    )""",
              "CREATE INDEX reports_by_alert_id ON reports (alert_id)"),
          new Migration(
              2,
              "partners, agreements, per-partner outbox, sync state, provenance of received alerts",
              """
              CREATE TABLE partners (
                node_id   TEXT    PRIMARY KEY,
                name      TEXT    NOT NULL UNIQUE COLLATE NOCASE,
                endpoint  TEXT    NOT NULL,
                class     INTEGER NOT NULL,
                added_at  INTEGER NOT NULL
              )""",
              """
              CREATE TABLE agreements (
                agreement_id       TEXT    PRIMARY KEY,
                partner_node_id    TEXT    NOT NULL REFERENCES partners (node_id),
                proposed_by_us     INTEGER NOT NULL CHECK (proposed_by_us IN (0, 1)),
                state              INTEGER NOT NULL,
                suspended_by_us    INTEGER NOT NULL DEFAULT 0 CHECK (suspended_by_us IN (0, 1)),
                terms              BLOB    NOT NULL,
                proposer_signature BLOB    NOT NULL,
                acceptor_signature BLOB,
                updated_at         INTEGER NOT NULL
              )""",
              "CREATE INDEX agreements_by_partner ON agreements (partner_node_id)",
              """
              CREATE TABLE outbox (
                seq             INTEGER PRIMARY KEY AUTOINCREMENT,
                partner_node_id TEXT    NOT NULL,
                agreement_id    TEXT    NOT NULL,
                origin_node_id  TEXT    NOT NULL,
                alert_id        TEXT    NOT NULL,
                version         INTEGER NOT NULL,
                envelope        BLOB    NOT NULL,
                created_at      INTEGER NOT NULL
              )""",
              "CREATE INDEX outbox_by_partner ON outbox (partner_node_id, seq)",
              """
              CREATE TABLE sync_state (
                partner_node_id  TEXT    PRIMARY KEY,
                inbound_cursor   INTEGER NOT NULL DEFAULT 0,
                outbound_acked   INTEGER NOT NULL DEFAULT 0,
                last_sync_at     INTEGER NOT NULL DEFAULT 0,
                inbound_waiting  INTEGER NOT NULL DEFAULT 0,
                inbound_rejected INTEGER NOT NULL DEFAULT 0
              )""",
              "ALTER TABLE alerts ADD COLUMN received_from TEXT",
              "ALTER TABLE alerts ADD COLUMN agreement_id TEXT",
              "ALTER TABLE alerts ADD COLUMN purge_at INTEGER",
              "CREATE INDEX alerts_by_agreement ON alerts (agreement_id)"),
          new Migration(
              3,
              "alert lifecycle: what each partner was sent, retraction reasons, FTS secure-delete",
              """
              CREATE TABLE shared_with (
                partner_node_id TEXT    NOT NULL,
                origin_node_id  TEXT    NOT NULL,
                alert_id        TEXT    NOT NULL,
                version         INTEGER NOT NULL,
                with_content    INTEGER NOT NULL CHECK (with_content IN (0, 1)),
                PRIMARY KEY (partner_node_id, origin_node_id, alert_id)
              ) WITHOUT ROWID""",
              "CREATE INDEX shared_with_by_alert ON shared_with (origin_node_id, alert_id)",
              """
              CREATE TABLE retraction_reasons (
                alert_id     TEXT    PRIMARY KEY,
                reason       TEXT    NOT NULL,
                retracted_at INTEGER NOT NULL
              )""",
              "INSERT INTO alert_text (alert_text, rank) VALUES ('secure-delete', 1)",
              "INSERT INTO alert_plates (alert_plates, rank) VALUES ('secure-delete', 1)"),
          new Migration(
              4,
              "relay: hop counts of queued items and of held received alerts",
              "ALTER TABLE outbox ADD COLUMN relay_hops INTEGER NOT NULL DEFAULT 0",
              "ALTER TABLE outbox ADD COLUMN hops_left INTEGER NOT NULL DEFAULT 0",
              "ALTER TABLE alerts ADD COLUMN relay_hops INTEGER NOT NULL DEFAULT 0",
              "ALTER TABLE alerts ADD COLUMN hops_left INTEGER NOT NULL DEFAULT 0"),
          new Migration(
              5,
              "outbox indexes by alert: queuing a version must not scan a partner's backlog",
              // Without these, every new report scanned each absent partner's whole queue:
              // 1.5 s per report with 1M items waiting (docs/benchmarks.md, catch-up section).
              "CREATE INDEX outbox_by_partner_alert"
                  + " ON outbox (partner_node_id, origin_node_id, alert_id, version)",
              "CREATE INDEX outbox_by_alert ON outbox (origin_node_id, alert_id, version)"),
          new Migration(
              6,
              "one outbox index by alert is enough",
              // outbox_by_alert narrows a lookup by (partner, alert) to one row per partner and
              // version queued; the second index only cost a random page write for every row
              // queued and every row acknowledged (OutboxQueryPlanTest keeps the plans honest).
              "DROP INDEX IF EXISTS outbox_by_partner_alert"),
          new Migration(
              7,
              "find an alert by id through the origins held, not an index by alert id",
              // Every received alert wrote a random page of alerts_by_alert_id; a lookup by id
              // alone (GetAlert) now probes the (origin, alert_id) key once per origin instead.
              """
              CREATE TABLE alert_origins (
                origin_node_id TEXT PRIMARY KEY
              ) WITHOUT ROWID""",
              "INSERT INTO alert_origins (origin_node_id) SELECT DISTINCT origin_node_id FROM alerts",
              "DROP INDEX IF EXISTS alerts_by_alert_id"),
          new Migration(
              8,
              "count the items a partner sent that were already applied (spec ADM-10)",
              "ALTER TABLE sync_state ADD COLUMN inbound_stale INTEGER NOT NULL DEFAULT 0"),
          new Migration(
              9,
              "staff accounts with roles, each credential stored only as its hash (spec ADM-11)",
              """
              CREATE TABLE staff (
                name            TEXT PRIMARY KEY COLLATE NOCASE,
                role            INTEGER NOT NULL CHECK (role BETWEEN 1 AND 3),
                credential_hash BLOB NOT NULL UNIQUE CHECK (length(credential_hash) = 32),
                created_at      INTEGER NOT NULL,
                revoked_at      INTEGER NOT NULL DEFAULT 0
              )"""),
          new Migration(
              10,
              "a hash-chained audit log and its head (spec ADM-12)",
              """
              CREATE TABLE audit_log (
                seq       INTEGER PRIMARY KEY CHECK (seq >= 1),
                at        INTEGER NOT NULL,
                actor     TEXT    NOT NULL CHECK (length(actor) BETWEEN 1 AND 80),
                action    TEXT    NOT NULL CHECK (length(action) BETWEEN 1 AND 32),
                detail    TEXT    NOT NULL CHECK (length(detail) <= 2000),
                prev_hash BLOB    NOT NULL CHECK (length(prev_hash) = 32),
                hash      BLOB    NOT NULL CHECK (length(hash) = 32)
              )""",
              """
              CREATE TABLE audit_head (
                one  INTEGER PRIMARY KEY CHECK (one = 1),
                seq  INTEGER NOT NULL,
                hash BLOB    NOT NULL CHECK (length(hash) = 32)
              )""",
              // Guards against a bug, not an attacker (who can drop them): entries are only
              // appended, each right after the head, and the head only moves one entry forward.
              """
              CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
              BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
              """
              CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
              BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
              """
              CREATE TRIGGER audit_log_after_head BEFORE INSERT ON audit_log
              WHEN NEW.seq <> COALESCE((SELECT seq FROM audit_head), 0) + 1
              BEGIN SELECT RAISE(ABORT, 'an audit entry must follow the head'); END""",
              """
              CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head
              WHEN NEW.seq <> OLD.seq + 1
              BEGIN SELECT RAISE(ABORT, 'the audit head moves one entry forward'); END""",
              """
              CREATE TRIGGER audit_head_kept BEFORE DELETE ON audit_head
              BEGIN SELECT RAISE(ABORT, 'the audit head is kept'); END"""),
          new Migration(
              11,
              "seal alerts, queued envelopes and retraction reasons; a keyed-hash search index",
              SealingMigration::run,
              "DROP TABLE alert_text",
              "DROP TABLE alert_plates",
              "DROP TABLE alert_phones",
              "ALTER TABLE alerts DROP COLUMN area_lc",
              "ALTER TABLE alerts DROP COLUMN plate",
              "ALTER TABLE alerts ADD COLUMN terms BLOB NOT NULL DEFAULT x''",
              // No foreign key: a cascade would need a second index by seq, as large as this one.
              """
              CREATE TABLE alert_terms (
                term INTEGER NOT NULL,
                seq  INTEGER NOT NULL,
                PRIMARY KEY (term, seq)
              ) WITHOUT ROWID""",
              """
              CREATE TABLE search_index_rules (
                one   INTEGER PRIMARY KEY CHECK (one = 1),
                rules INTEGER NOT NULL
              )""",
              "INSERT INTO search_index_rules (one, rules) VALUES (1, 0)"),
          new Migration(
              12,
              "seal partner and staff names, endpoints, agreement terms and the audit log",
              SealingMigration12::run,
              SealingMigration12.SQL),
          new Migration(
              13,
              "signed relay paths of held and queued alerts; rejected items by reason",
              "ALTER TABLE alerts ADD COLUMN hops BLOB",
              "ALTER TABLE outbox ADD COLUMN hops BLOB",
              // Queued before origins signed the hops they grant: sent without a statement, an
              // item must carry no hops left (RELAY-8.1), so its receiver will not relay it.
              "UPDATE outbox SET hops_left = 0 WHERE relay_hops = 0",
              """
              CREATE TABLE inbound_rejections (
                partner_node_id TEXT    NOT NULL,
                reason          TEXT    NOT NULL,
                count           INTEGER NOT NULL,
                PRIMARY KEY (partner_node_id, reason)
              ) WITHOUT ROWID"""),
          new Migration(
              14,
              "one row per partner a received alert's copy came from, for merging copies",
              // paths: the claim paths that partner gave of the held version ('' none); names of
              // fields, never values, as alerts.disclosed_paths.
              """
              CREATE TABLE alert_copies (
                origin_node_id TEXT    NOT NULL,
                alert_id       TEXT    NOT NULL,
                sender         TEXT    NOT NULL,
                agreement_id   TEXT    NOT NULL,
                version        INTEGER NOT NULL CHECK (version >= 1),
                paths          TEXT    NOT NULL,
                stored_at      INTEGER NOT NULL,
                purge_at       INTEGER NOT NULL,
                relay_hops     INTEGER NOT NULL DEFAULT 0,
                hops_left      INTEGER NOT NULL DEFAULT 0,
                hops           BLOB,
                PRIMARY KEY (origin_node_id, alert_id, sender)
              ) WITHOUT ROWID""",
              "CREATE INDEX alert_copies_by_agreement ON alert_copies (agreement_id)",
              "CREATE INDEX alert_copies_by_purge ON alert_copies (purge_at)",
              """
              INSERT INTO alert_copies (origin_node_id, alert_id, sender, agreement_id, version,
                paths, stored_at, purge_at, relay_hops, hops_left)
              SELECT origin_node_id, alert_id, received_from, agreement_id, version,
                disclosed_paths, stored_at, COALESCE(purge_at, expires_at), relay_hops, hops_left
              FROM alerts
              WHERE local = 0 AND received_from IS NOT NULL AND agreement_id IS NOT NULL"""),
          new Migration(
              15,
              "amendments: new terms pending for an agreement in force; copies open to a re-send",
              // terms, proposer_signature: sealed with the agreement id (AR-8), as
              // agreements.terms.
              """
              CREATE TABLE agreement_amendments (
                agreement_id       TEXT    PRIMARY KEY,
                version            INTEGER NOT NULL CHECK (version >= 1),
                proposed_by_us     INTEGER NOT NULL CHECK (proposed_by_us IN (0, 1)),
                terms              BLOB    NOT NULL,
                proposer_signature BLOB    NOT NULL,
                proposed_at        INTEGER NOT NULL
              )""",
              // 1 after an amendment: the sender may send the copy's version once more (FEED-9.1).
              "ALTER TABLE alert_copies ADD COLUMN reopened INTEGER NOT NULL DEFAULT 0"),
          new Migration(
              16,
              "the node's own key log (spec KEY-10): public statements, kept in clear",
              """
              CREATE TABLE key_log (
                sequence  INTEGER PRIMARY KEY CHECK (sequence >= 0),
                event     BLOB    NOT NULL,
                signature BLOB    NOT NULL
              )"""),
          new Migration(
              17,
              "partners' key logs (spec KEY-16): public statements, only ever extended; forks seen",
              """
              CREATE TABLE partner_key_logs (
                partner_node_id TEXT    NOT NULL,
                sequence        INTEGER NOT NULL CHECK (sequence >= 0),
                event           BLOB    NOT NULL,
                signature       BLOB    NOT NULL,
                PRIMARY KEY (partner_node_id, sequence)
              )""",
              """
              CREATE TABLE partner_key_log_forks (
                partner_node_id TEXT    PRIMARY KEY,
                forks           INTEGER NOT NULL CHECK (forks >= 1),
                last_seen_at    INTEGER NOT NULL
              )"""),
          new Migration(
              18,
              "bulletin subscribers, sealed, and the durable queue of bulletin deliveries",
              // address_sealed, prefs: sealed with address_key (AR-6); prefs holds the language
              // and areas, which say something about the person.
              """
              CREATE TABLE subscribers (
                address_key    TEXT    PRIMARY KEY,
                address_sealed BLOB    NOT NULL,
                prefs          BLOB    NOT NULL,
                created_at     INTEGER NOT NULL
              ) WITHOUT ROWID""",
              // One row per bulletin still to deliver to one subscriber; deleted once delivered.
              """
              CREATE TABLE deliveries (
                id              INTEGER PRIMARY KEY AUTOINCREMENT,
                run             TEXT    NOT NULL,
                address_key     TEXT    NOT NULL,
                since           TEXT    NOT NULL,
                queued_at       INTEGER NOT NULL,
                attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                next_attempt_at INTEGER NOT NULL,
                last_error      TEXT    NOT NULL DEFAULT '',
                UNIQUE (run, address_key)
              )""",
              "CREATE INDEX deliveries_by_due ON deliveries (next_attempt_at)"),
          new Migration(
              19,
              "a report is stored once per submission key (API-11): retries and re-imports",
              // The keyed hash of the caller's key (AR-8.1's name_key, kind "submission"): the key
              // of an imported row is made from the row's content, so it is never kept in clear.
              "ALTER TABLE reports ADD COLUMN submission_key TEXT",
              "CREATE UNIQUE INDEX reports_by_submission_key ON reports (submission_key)"
                  + " WHERE submission_key IS NOT NULL"),
          new Migration(
              20,
              "the search index ordered by incident date within each term and harm",
              // Each term's and harm's alerts in result order (newest incident first), so a search
              // reads the rarest list of its query newest first and stops at a full page, instead
              // of listing, intersecting and sorting whole lists (docs/benchmarks.md, search at
              // 1 000 000 alerts). The date is in clear in the alert row already (AR-7); here it is
              // the number YYYYMMDD (0 for none), 4 bytes where the text took 11, since it is in
              // every one of about 95 rows per alert. Rows are copied in key order, so the new
              // B-trees are written from end to end.
              """
              CREATE TABLE alert_terms_by_date (
                term         INTEGER NOT NULL,
                incident_day INTEGER NOT NULL,
                seq          INTEGER NOT NULL,
                PRIMARY KEY (term, incident_day, seq)
              ) WITHOUT ROWID""",
              "INSERT INTO alert_terms_by_date (term, incident_day, seq)"
                  + " SELECT t.term, "
                  + INCIDENT_DAY
                  + ", t.seq FROM alert_terms t"
                  + " JOIN alerts a ON a.seq = t.seq ORDER BY 1, 2, 3",
              "DROP TABLE alert_terms",
              "ALTER TABLE alert_terms_by_date RENAME TO alert_terms",
              """
              CREATE TABLE alert_harms_by_date (
                harm         INTEGER NOT NULL,
                incident_day INTEGER NOT NULL,
                seq          INTEGER NOT NULL REFERENCES alerts (seq) ON DELETE CASCADE,
                PRIMARY KEY (harm, incident_day, seq)
              ) WITHOUT ROWID""",
              "INSERT INTO alert_harms_by_date (harm, incident_day, seq)"
                  + " SELECT h.harm, "
                  + INCIDENT_DAY
                  + ", h.seq FROM alert_harms h"
                  + " JOIN alerts a ON a.seq = h.seq ORDER BY 1, 2, 3",
              "DROP TABLE alert_harms",
              "ALTER TABLE alert_harms_by_date RENAME TO alert_harms",
              "CREATE INDEX alert_harms_by_seq ON alert_harms (seq)"),
          new Migration(
              21,
              "the search index's terms as one full-text document per alert",
              // One B-tree row per term and alert (about 70 to 95 an alert) made intake several
              // times slower than the plaintext store: each batch of a thousand alerts rewrote most
              // of the index's leaf pages (docs/benchmarks.md, encrypted store). FTS5 keeps a
              // term's alerts as one compressed list, written per transaction as a new segment and
              // merged in the course of later writes. The words are the same keyed hashes, in hex,
              // and each harm as "h" and its number, in clear as in alert_harms; no positions
              // (detail=none), no per-document sizes (columnsize=0). The rowid is the incident day
              // and row sequence (SearchIndex.key), so each list is in result order. secure-delete
              // removes a deleted document's entries from the lists at once.
              Migrations::termsAsDocuments,
              """
              CREATE VIRTUAL TABLE alert_index USING fts5(
                entry, content='', detail=none, columnsize=0, tokenize='ascii')""",
              "INSERT INTO alert_index (alert_index, rank) VALUES ('secure-delete', 1)",
              "DROP TABLE alert_terms"));

  /** Migration 21: each indexed alert's packed terms ({@code alerts.terms}) and harms. */
  private static void termsAsDocuments(Connection c, RowCipher cipher) throws SQLException {
    try (PreparedStatement read =
            c.prepareStatement(
                "SELECT seq, incident_date, terms FROM alerts WHERE length(terms) > 0 ORDER BY seq");
        PreparedStatement harms = c.prepareStatement("SELECT harm FROM alert_harms WHERE seq = ?");
        PreparedStatement write =
            c.prepareStatement("INSERT INTO alert_index (rowid, entry) VALUES (?, ?)");
        ResultSet rs = read.executeQuery()) {
      while (rs.next()) {
        long seq = rs.getLong(1);
        List<Integer> held = new java.util.ArrayList<>();
        harms.setLong(1, seq);
        try (ResultSet h = harms.executeQuery()) {
          while (h.next()) {
            held.add(h.getInt(1));
          }
        }
        write.setLong(1, SearchIndex.key(SearchIndex.day(rs.getString(2)), seq));
        write.setString(2, SearchIndex.document(rs.getBytes(3), held));
        write.executeUpdate();
      }
    }
  }

  /** All migrations, ascending by version, contiguous from 1. */
  public static List<Migration> all() {
    return ALL;
  }

  /** The newest schema version this code knows. */
  public static int latestVersion() {
    return ALL.get(ALL.size() - 1).version();
  }
}
