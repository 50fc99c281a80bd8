"""The store's schema, as an ordered list of migrations.

Each migration is frozen once released: a database at version N is brought to the current version
by running migrations N+1.. in order (migrations.py). Never edit a released step; add one.
"""
from __future__ import annotations

# Version 1: documents, versions and their blobs, the fetch log, events and the rules registry.
V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE sources (name TEXT PRIMARY KEY, kind TEXT, url TEXT, last_run TEXT, last_ok TEXT, last_error TEXT);
CREATE TABLE blobs (sha256 TEXT PRIMARY KEY, data BLOB NOT NULL, size INTEGER NOT NULL, stored_size INTEGER NOT NULL);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY, source TEXT, url TEXT NOT NULL UNIQUE, title TEXT, number TEXT, issuer TEXT,
    doc_type TEXT, section TEXT, issue TEXT, published TEXT, effective TEXT, expires TEXT, rule_id INTEGER,
    first_seen TEXT, last_seen TEXT, gone_at TEXT);
CREATE TABLE versions (
    id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL REFERENCES documents(id), seq INTEGER NOT NULL,
    fetched_at TEXT NOT NULL, raw_sha TEXT REFERENCES blobs(sha256), text_sha TEXT NOT NULL REFERENCES blobs(sha256),
    content_type TEXT, formatting_only INTEGER NOT NULL DEFAULT 0, diff_json TEXT, UNIQUE (document_id, seq));
CREATE TABLE fetches (
    id INTEGER PRIMARY KEY, source TEXT, url TEXT, at TEXT, http_status INTEGER, outcome TEXT,
    elapsed_ms INTEGER, bytes INTEGER, error TEXT);
CREATE TABLE events (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL, source TEXT,
    document_id INTEGER REFERENCES documents(id), version_id INTEGER REFERENCES versions(id),
    rule_id INTEGER REFERENCES rules(id), title TEXT, url TEXT, payload TEXT);
CREATE TABLE rules (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, number TEXT, status TEXT, since TEXT,
    by_document_id INTEGER REFERENCES documents(id), by_title TEXT, by_url TEXT, effective TEXT, expires TEXT,
    document_id INTEGER REFERENCES documents(id));
CREATE TABLE rule_history (
    id INTEGER PRIMARY KEY, rule_id INTEGER NOT NULL REFERENCES rules(id), status TEXT NOT NULL, since TEXT,
    by_document_id INTEGER REFERENCES documents(id), by_title TEXT, by_url TEXT, recorded_at TEXT);
CREATE INDEX events_at ON events(at);
CREATE INDEX events_kind ON events(kind, at);
CREATE INDEX fetches_url ON fetches(url);
CREATE INDEX rule_history_rule ON rule_history(rule_id, since);
"""

# Version 2: the notification tables, decisions, per-URL fetch state (a document lineage may live
# at several URLs once a rule is republished at a new one) and the identity keys of documents
# and rules (filled for existing rows by migrations.py).
V2 = """
CREATE TABLE decisions (document_id INTEGER PRIMARY KEY REFERENCES documents(id), parsed_json TEXT, applied_json TEXT);
CREATE TABLE urls (
    url TEXT PRIMARY KEY, document_id INTEGER NOT NULL REFERENCES documents(id), etag TEXT, last_modified TEXT,
    text_sha TEXT, listed_at TEXT, gone_at TEXT);
INSERT INTO urls (url, document_id, text_sha)
    SELECT d.url, d.id, (SELECT v.text_sha FROM versions v WHERE v.document_id = d.id ORDER BY v.seq DESC LIMIT 1)
    FROM documents d;
CREATE TABLE subscriptions (
    id INTEGER PRIMARY KEY, name TEXT, emails TEXT NOT NULL, filters TEXT, frequency TEXT NOT NULL DEFAULT 'immediate',
    hour INTEGER, heartbeat INTEGER NOT NULL DEFAULT 0, created_at TEXT);
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY, message_id TEXT NOT NULL UNIQUE, subscription_id INTEGER REFERENCES subscriptions(id)
    ON DELETE SET NULL, recipients TEXT, subject TEXT, body TEXT, status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT, last_error TEXT, created_at TEXT, sent_at TEXT);
CREATE TABLE deliveries (
    subscription_id INTEGER NOT NULL, event_id INTEGER NOT NULL REFERENCES events(id),
    outbox_id INTEGER REFERENCES outbox(id), UNIQUE (subscription_id, event_id));
CREATE INDEX outbox_status ON outbox(status, next_attempt_at);
CREATE INDEX documents_rule ON documents(rule_id);
ALTER TABLE documents ADD COLUMN name_key TEXT;
ALTER TABLE documents ADD COLUMN number_key TEXT;
CREATE INDEX documents_name_key ON documents(source, name_key);
CREATE INDEX documents_number_key ON documents(source, number_key);
ALTER TABLE rules ADD COLUMN name_key TEXT;
ALTER TABLE rules ADD COLUMN number_key TEXT;
CREATE INDEX rules_name_key ON rules(name_key);
CREATE INDEX rules_number_key ON rules(number_key);
"""

# Version 3: full-text search. One row per distinct text (keyed by its blob), trigram-tokenised so
# Chinese matches without word segmentation; existing texts are indexed by the migration itself
# (migrations.py fills it, since the texts are compressed blobs).
V3 = """
CREATE VIRTUAL TABLE search_texts USING fts5(text_sha UNINDEXED, text, tokenize = 'trigram');
"""

# Version 4: "is this text already stored?" must not scan the FTS table (text_sha is UNINDEXED
# there, so that lookup was a full scan and saving slowed as the store grew); versions answer it.
V4 = """
CREATE INDEX versions_text_sha ON versions(text_sha);
"""

# Version 5 (issue 11): 令 numbers keyed by the year they were issued, and lineages that an older
# regwatch merged on a bare 令 number split again (migrations.py, SPLIT_LINEAGES). Rule events are
# looked up by rule, whichever document they are filed under.
V5_LINEAGES = """
CREATE INDEX events_rule ON events(rule_id, kind);
"""


# The review workflow (snapshots/reviews.py): who has read which change. Creates its own table only.
REVIEWS = """
CREATE TABLE reviews (
    reviewer TEXT NOT NULL, event_id INTEGER NOT NULL REFERENCES events(id), document_id INTEGER,
    version_id INTEGER, reviewed_at TEXT NOT NULL, UNIQUE (reviewer, event_id));
CREATE INDEX reviews_document ON reviews(reviewer, document_id);
"""

# Delivery channels and at-least-once mail (issues 13 and 16). An outbox row is for one channel
# ('' = email, else the Apprise URL as configured); deliveries become unique per channel, so an
# event reaches each subscriber once on each of its channels. `handed_at`: the whole message was
# handed over and no answer seen yet; `claimed_by`: the process sending it (host:pid:start), so a
# restart after a crash resends at once instead of waiting for the lease; `accepted`/`refused`:
# recipients the server took (250) or refused for good (5xx), so a retry goes to the others only;
# `transport_failures`: attempts lost to a broken way out (connection, TLS, AUTH), which never use
# up a message's attempts.
# Rows a crash left "sending" after the hand-over, and rows earlier versions marked sent without
# an answer ("unconfirmed"), are queued again: their outcome is unknown, so they are resent.
OUTBOX_CHANNELS = """
ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN handed_at TEXT;
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN accepted TEXT;
ALTER TABLE outbox ADD COLUMN refused TEXT;
ALTER TABLE outbox ADD COLUMN transport_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscriptions ADD COLUMN channels TEXT;
CREATE TABLE deliveries_by_channel (
    subscription_id INTEGER NOT NULL, event_id INTEGER NOT NULL REFERENCES events(id),
    outbox_id INTEGER REFERENCES outbox(id), channel TEXT NOT NULL DEFAULT '',
    UNIQUE (subscription_id, channel, event_id));
INSERT INTO deliveries_by_channel (subscription_id, event_id, outbox_id)
    SELECT subscription_id, event_id, outbox_id FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_by_channel RENAME TO deliveries;
UPDATE outbox SET handed_at = sent_at, sent_at = NULL WHERE status = 'sending';
UPDATE outbox SET status = 'pending', handed_at = sent_at, sent_at = NULL, next_attempt_at = NULL,
    last_error = 'outcome unknown (no answer after the end of DATA): queued again'
    WHERE status = 'sent' AND last_error LIKE 'unconfirmed%';
"""

# Suspect versions (issue 16): a fetched text that looks like an error or placeholder page is held
# here instead of becoming a version until a later cycle sees it again ('held' -> 'confirmed' or
# 'dropped'); `regwatch repair` flags versions stored before this existed ('flagged', version_id set).
SUSPECTS = """
CREATE TABLE held_versions (
    id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL REFERENCES documents(id), url TEXT NOT NULL,
    text_sha TEXT NOT NULL REFERENCES blobs(sha256), raw_sha TEXT REFERENCES blobs(sha256), title TEXT,
    reasons TEXT NOT NULL, held_at TEXT NOT NULL, cycle TEXT, status TEXT NOT NULL DEFAULT 'held',
    resolved_at TEXT, version_id INTEGER REFERENCES versions(id));
CREATE INDEX held_versions_url ON held_versions(url, status);
CREATE INDEX held_versions_document ON held_versions(document_id);
"""

# Discovery memo: listing pages (an issue's table of contents, a past year's page) a source has read
# completely, how often, and the links they held, so a cycle does not fetch them again.
DISCOVERY = """
CREATE TABLE IF NOT EXISTS discovery_pages (
    source TEXT NOT NULL, url TEXT NOT NULL, checks INTEGER NOT NULL, links_json TEXT NOT NULL, read_at TEXT,
    PRIMARY KEY (source, url));
"""

# Compact store: the search index holds each document's latest text only (contentless, rowid =
# document id, no positions: a quarter of the text's size instead of three times it; the text is
# read from its blob for the page of results shown; segments merged early, automerge 2, since each
# new version deletes and re-adds a document's row: half the index size for a third more time
# per save); blobs may be deltas of another blob
# (blobs.base); urls.raw_sha is the last page fetched at a URL, so an unchanged page is known
# by its bytes before any extraction. migrations.py re-packs existing blobs and fills the index.
COMPACT = """
DROP TABLE search_texts;
CREATE VIRTUAL TABLE search_latest USING fts5(text, tokenize = 'trigram', content = '', detail = 'none');
INSERT INTO search_latest (search_latest, rank) VALUES ('automerge', 2);
ALTER TABLE blobs ADD COLUMN base TEXT;
ALTER TABLE urls ADD COLUMN raw_sha TEXT;
CREATE INDEX versions_fetched ON versions(fetched_at, id);
CREATE INDEX rules_name ON rules(name, id);
"""

MIGRATIONS: list[str] = [V1, V2, V3, V4, V5_LINEAGES, REVIEWS, OUTBOX_CHANNELS, SUSPECTS, DISCOVERY, COMPACT]
SCHEMA_VERSION = len(MIGRATIONS)
#: The schema version COMPACT brings (its data step in migrations.AFTER is keyed by it).
COMPACT_VERSION = MIGRATIONS.index(COMPACT) + 1
