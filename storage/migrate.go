package storage

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// A migration is one step of the schema. Steps are never edited once
// released: a change is a new step appended to migrations.
//
// Statements are written once for both databases; the placeholders {id}
// (an auto-increment primary key that never reuses ids) and {ts} (a UTC
// timestamp) are replaced per dialect.
type migration struct {
	version int
	name    string
	stmts   []string
}

var migrations = []migration{
	{1, "create tables", []string{
		`CREATE TABLE guild_settings (
			guild_id TEXT PRIMARY KEY,
			crisis_text TEXT NOT NULL DEFAULT '',
			staff_channel_id TEXT NOT NULL DEFAULT '',
			lead_id TEXT NOT NULL DEFAULT '',
			retention_days INTEGER NOT NULL,
			timezone TEXT NOT NULL DEFAULT '',
			updated_at {ts} NOT NULL)`,
		`CREATE TABLE "groups" (
			id {id},
			guild_id TEXT NOT NULL,
			name TEXT NOT NULL,
			name_key TEXT NOT NULL,
			channel_id TEXT NOT NULL DEFAULT '',
			role_id TEXT NOT NULL DEFAULT '',
			facilitator_id TEXT NOT NULL DEFAULT '',
			observer_id TEXT NOT NULL DEFAULT '',
			timezone TEXT NOT NULL DEFAULT '',
			schedule TEXT NOT NULL DEFAULT '',
			schedule_set_at {ts},
			length_minutes INTEGER NOT NULL,
			reminder_offsets TEXT NOT NULL DEFAULT '',
			sharers INTEGER NOT NULL,
			created_at {ts} NOT NULL,
			updated_at {ts} NOT NULL,
			CONSTRAINT groups_guild_name UNIQUE (guild_id, name_key))`,
		`CREATE TABLE memberships (
			id {id},
			group_id BIGINT NOT NULL REFERENCES "groups" (id) ON DELETE CASCADE,
			user_id TEXT NOT NULL,
			joined_at {ts} NOT NULL,
			agreed_at {ts},
			away_until {ts},
			dm_reminders BOOLEAN NOT NULL DEFAULT FALSE,
			shares INTEGER NOT NULL DEFAULT 0,
			last_shared {ts},
			seq BIGINT NOT NULL,
			CONSTRAINT memberships_group_user UNIQUE (group_id, user_id))`,
		`CREATE INDEX memberships_user ON memberships (user_id)`,
		`CREATE TABLE meetings (
			id {id},
			group_id BIGINT NOT NULL REFERENCES "groups" (id) ON DELETE CASCADE,
			starts_at {ts} NOT NULL,
			ends_at {ts} NOT NULL,
			status TEXT NOT NULL,
			one_off BOOLEAN NOT NULL DEFAULT FALSE,
			event_id TEXT NOT NULL DEFAULT '',
			rota TEXT NOT NULL DEFAULT '',
			CONSTRAINT meetings_group_start UNIQUE (group_id, starts_at))`,
		`CREATE TABLE check_ins (
			id {id},
			meeting_id BIGINT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
			group_id BIGINT NOT NULL REFERENCES "groups" (id) ON DELETE CASCADE,
			user_id TEXT NOT NULL,
			mood INTEGER NOT NULL DEFAULT 0,
			note TEXT NOT NULL DEFAULT '',
			created_at {ts} NOT NULL,
			CONSTRAINT check_ins_meeting_user UNIQUE (meeting_id, user_id))`,
		`CREATE INDEX check_ins_group ON check_ins (group_id)`,
		`CREATE TABLE alerts (
			id {id},
			guild_id TEXT NOT NULL,
			group_id BIGINT NOT NULL REFERENCES "groups" (id) ON DELETE CASCADE,
			user_id TEXT NOT NULL,
			urgency TEXT NOT NULL,
			relapse BOOLEAN NOT NULL DEFAULT FALSE,
			note TEXT NOT NULL DEFAULT '',
			status TEXT NOT NULL,
			created_at {ts} NOT NULL,
			ack_by TEXT NOT NULL DEFAULT '',
			ack_at {ts},
			resolved_by TEXT NOT NULL DEFAULT '',
			resolved_at {ts},
			escalated_at {ts})`,
		`CREATE TABLE alert_deliveries (
			id {id},
			alert_id BIGINT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
			recipient_id TEXT NOT NULL,
			role TEXT NOT NULL DEFAULT '',
			channel_id TEXT NOT NULL DEFAULT '',
			message_id TEXT NOT NULL DEFAULT '',
			status TEXT NOT NULL,
			updated_at {ts} NOT NULL,
			CONSTRAINT alert_deliveries_alert_recipient UNIQUE (alert_id, recipient_id))`,
		`CREATE TABLE jobs (
			id {id},
			kind TEXT NOT NULL,
			key TEXT NOT NULL,
			priority INTEGER NOT NULL DEFAULT 0,
			due_at {ts} NOT NULL,
			status TEXT NOT NULL,
			attempts INTEGER NOT NULL DEFAULT 0,
			lease_owner TEXT NOT NULL DEFAULT '',
			lease_until {ts},
			last_error TEXT NOT NULL DEFAULT '',
			guild_id TEXT NOT NULL DEFAULT '',
			group_id BIGINT NOT NULL DEFAULT 0,
			meeting_id BIGINT NOT NULL DEFAULT 0,
			alert_id BIGINT NOT NULL DEFAULT 0,
			user_id TEXT NOT NULL DEFAULT '',
			arg TEXT NOT NULL DEFAULT '',
			result TEXT NOT NULL DEFAULT '',
			created_at {ts} NOT NULL,
			updated_at {ts} NOT NULL,
			CONSTRAINT jobs_key UNIQUE (key))`,
		`CREATE INDEX jobs_claim ON jobs (status, priority, due_at)`,
		`CREATE INDEX jobs_group ON jobs (group_id)`,
		`CREATE TABLE audit_log (
			id {id},
			guild_id TEXT NOT NULL,
			actor_id TEXT NOT NULL DEFAULT '',
			action TEXT NOT NULL,
			target TEXT NOT NULL DEFAULT '',
			at {ts} NOT NULL)`,
	}},
	{2, "indexes for next-due jobs, open alerts and the audit log", []string{
		`CREATE INDEX jobs_status_due ON jobs (status, due_at)`,
		`CREATE INDEX alerts_group_status ON alerts (group_id, status)`,
		`CREATE INDEX audit_log_guild_at ON audit_log (guild_id, at)`,
	}},
	{3, "the alert a low-mood check-in raised, so its button raises one only", []string{
		`ALTER TABLE check_ins ADD COLUMN alert_id BIGINT NOT NULL DEFAULT 0`,
	}},
	{4, "gateway identifies, for the crash-loop backoff", []string{
		`CREATE TABLE gateway_identifies (
			id {id},
			shard_id INTEGER NOT NULL,
			at {ts} NOT NULL)`,
		`CREATE INDEX gateway_identifies_at ON gateway_identifies (at)`,
	}},
	{5, "the psychologist's closing note of an alert, encrypted like every note", []string{
		`ALTER TABLE alerts ADD COLUMN resolution_note TEXT NOT NULL DEFAULT ''`,
	}},
	{6, "meeting plans: how far each group's meetings are planned, and from which settings", []string{
		`CREATE TABLE meeting_plans (
			group_id BIGINT PRIMARY KEY REFERENCES "groups" (id) ON DELETE CASCADE,
			plan_key TEXT NOT NULL DEFAULT '',
			planned_until {ts} NOT NULL)`,
		`CREATE INDEX meetings_group_status ON meetings (group_id, status, starts_at)`,
	}},
	// jobs_claim served no query jobs_status_due does not (the claim ranges
	// over due_at and sorts the few due rows), yet every planned job paid a
	// random insert into it: with it, planning 10,000 groups took ~5.4 s
	// instead of ~3.1 s on SQLite.
	{7, "drop the jobs index no query needs", []string{
		`DROP INDEX IF EXISTS jobs_claim`,
	}},
	// NextDue asks for the earliest lease of a job held by a worker; without
	// this index SQLite scanned every pending job for it (~130 ms an idle
	// poll with 200,000 planned jobs). Few jobs are held at once, so it is small.
	{8, "an index of the leases of held jobs", []string{
		`CREATE INDEX jobs_held_lease ON jobs (lease_until) WHERE status = 'pending' AND lease_until IS NOT NULL`,
	}},
	// An open alert belongs to the group's psychologists of now: a hand-over
	// or a second acknowledgement makes new jobs, keyed by the alert's
	// revision; escalations are numbered so a retried one runs once. The
	// summary's Details answers only the people that summary was sent to;
	// the summaries already sent are taken from their finished jobs.
	{9, "alert revisions and escalation numbers; who each meeting summary was sent to", []string{
		`ALTER TABLE alerts ADD COLUMN revision INTEGER NOT NULL DEFAULT 0`,
		`ALTER TABLE alerts ADD COLUMN escalations INTEGER NOT NULL DEFAULT 0`,
		`CREATE TABLE summary_recipients (
			meeting_id BIGINT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
			user_id TEXT NOT NULL,
			sent_at {ts} NOT NULL,
			PRIMARY KEY (meeting_id, user_id))`,
		`INSERT INTO summary_recipients (meeting_id, user_id, sent_at)
			SELECT DISTINCT j.meeting_id, j.user_id, j.updated_at FROM jobs j
			JOIN meetings m ON m.id = j.meeting_id
			WHERE j.kind = 'meeting.summary' AND j.status = 'done' AND j.user_id <> ''`,
	}},
	// has_note lets delivery, acknowledgement, escalation and listing run
	// without the note's key; migrationFuncs[10] then binds every note to
	// its row (AES-GCM additional data), so a copied ciphertext fails.
	{10, "whether an alert has a note; notes bound to their rows", []string{
		`ALTER TABLE alerts ADD COLUMN has_note BOOLEAN NOT NULL DEFAULT FALSE`,
		`UPDATE alerts SET has_note = TRUE WHERE note <> ''`,
	}},
	// A meeting's Discord event: event_off marks one never to publish again
	// (an admin ended or deleted it, or Discord refused it for good);
	// event_sig is what the published event says, so a sync edits only the
	// events whose meeting changed.
	// jobs.failing_since: when a job's first try failed, so the engine
	// stops retrying 24 hours after it began to fail (not after it was
	// planned, which may be weeks before it was due).
	{12, "meeting events: left alone, and what the published one says; when a job began to fail", []string{
		`ALTER TABLE meetings ADD COLUMN event_off BOOLEAN NOT NULL DEFAULT FALSE`,
		`ALTER TABLE meetings ADD COLUMN event_sig TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE jobs ADD COLUMN failing_since {ts}`,
	}},
	// The dashboard (SPEC §11) keeps its logins server-side, so that any
	// process serves any visitor and a logout ends the session at once; it
	// finds a person's groups across servers by their psychologists and
	// members, and a group's alerts newest first.
	{13, "dashboard sessions and cross-server lookups", []string{
		`CREATE TABLE web_sessions (
			id TEXT PRIMARY KEY,
			user_id TEXT NOT NULL,
			user_name TEXT NOT NULL DEFAULT '',
			csrf TEXT NOT NULL,
			timezone TEXT NOT NULL DEFAULT '',
			created_at {ts} NOT NULL,
			expires_at {ts} NOT NULL)`,
		`CREATE INDEX web_sessions_user ON web_sessions (user_id)`,
		`CREATE INDEX web_sessions_expires ON web_sessions (expires_at)`,
		`CREATE INDEX groups_facilitator ON "groups" (facilitator_id)`,
		`CREATE INDEX groups_observer ON "groups" (observer_id)`,
		`CREATE INDEX alerts_group_created ON alerts (group_id, created_at)`,
	}},
	// Running the meeting (SPEC §12). Presence is kept as intervals, one
	// row per stay in the voice channel around a meeting, and at most one
	// open interval per member and meeting (the partial unique index), so
	// the rows per member per meeting are bounded by their joins, not by
	// Discord's voice updates.
	{14, "running the meeting: voice channel, presence, the round, session notes", []string{
		`ALTER TABLE "groups" ADD COLUMN voice_channel_id TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE check_ins ADD COLUMN from_presence BOOLEAN NOT NULL DEFAULT FALSE`,
		`CREATE TABLE voice_presence (
			id {id},
			meeting_id BIGINT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
			group_id BIGINT NOT NULL REFERENCES "groups" (id) ON DELETE CASCADE,
			user_id TEXT NOT NULL,
			joined_at {ts} NOT NULL,
			left_at {ts})`,
		`CREATE INDEX voice_presence_meeting ON voice_presence (meeting_id, user_id)`,
		`CREATE INDEX voice_presence_user ON voice_presence (user_id)`,
		`CREATE UNIQUE INDEX voice_presence_open ON voice_presence (meeting_id, user_id) WHERE left_at IS NULL`,
		`CREATE TABLE meeting_rounds (
			meeting_id BIGINT PRIMARY KEY REFERENCES meetings (id) ON DELETE CASCADE,
			phase TEXT NOT NULL,
			idx INTEGER NOT NULL DEFAULT 0,
			done TEXT NOT NULL DEFAULT '',
			skipped TEXT NOT NULL DEFAULT '',
			step INTEGER NOT NULL DEFAULT 0,
			channel_id TEXT NOT NULL DEFAULT '',
			message_id TEXT NOT NULL DEFAULT '')`,
		`CREATE TABLE session_notes (
			id {id},
			group_id BIGINT NOT NULL REFERENCES "groups" (id) ON DELETE CASCADE,
			meeting_id BIGINT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
			author_id TEXT NOT NULL,
			note TEXT NOT NULL DEFAULT '',
			created_at {ts} NOT NULL)`,
		`CREATE INDEX session_notes_meeting ON session_notes (meeting_id)`,
		`CREATE INDEX session_notes_group_created ON session_notes (group_id, created_at)`,
	}},
	// SPEC §10. A user's language is kept per server, like the rest of their
	// data, so /privacy in a server shows, exports and erases that server's
	// row only.
	{15, "languages: of a group's posts, of each crisis text, of each user's DMs", []string{
		`ALTER TABLE "groups" ADD COLUMN language TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE guild_settings ADD COLUMN crisis_text_es TEXT NOT NULL DEFAULT ''`,
		`CREATE TABLE user_languages (
			guild_id TEXT NOT NULL,
			user_id TEXT NOT NULL,
			language TEXT NOT NULL,
			updated_at {ts} NOT NULL,
			PRIMARY KEY (guild_id, user_id))`,
	}},
}

// migrationFuncs are the steps of a migration that SQL cannot do, run
// after its statements in the same transaction, keyed by version.
var migrationFuncs = map[int]func(db *DB, tx *gorm.DB) error{
	10: (*DB).bindNotes,
}

// LatestVersion is the schema version this build migrates to.
func LatestVersion() int { return migrations[len(migrations)-1].version }

// dialectSQL replaces the placeholders of a migration statement.
func (db *DB) dialectSQL(stmt string) string {
	if db.driver == DriverPostgres {
		return strings.NewReplacer("{id}", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "{ts}", "TIMESTAMPTZ").Replace(stmt)
	}
	// DATETIME makes mattn/go-sqlite3 parse the column back into a time.
	return strings.NewReplacer("{id}", "INTEGER PRIMARY KEY AUTOINCREMENT", "{ts}", "DATETIME").Replace(stmt)
}

// Migrate applies the migrations the database lacks. It is safe to run from
// several processes at once.
func (db *DB) Migrate(ctx context.Context) error { return db.MigrateTo(ctx, LatestVersion()) }

// MigrateTo applies the missing migrations up to version, each in its own
// transaction. On PostgreSQL each transaction holds an advisory lock for the
// current schema, and on SQLite an immediate transaction, so concurrent
// migrators apply every step once. A database newer than this build is an
// error.
func (db *DB) MigrateTo(ctx context.Context, version int) error {
	if version < 0 || version > LatestVersion() {
		return fmt.Errorf("migrate: unknown schema version %d (latest is %d)", version, LatestVersion())
	}
	err := db.tx(ctx, func(tx *gorm.DB) error {
		if err := db.lockMigrations(tx); err != nil {
			return err
		}
		return tx.Exec(db.dialectSQL(`CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY,
			applied_at {ts} NOT NULL)`)).Error
	})
	if err != nil {
		return fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	current, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if current > LatestVersion() {
		return fmt.Errorf("migrate: database schema version %d is newer than this build (%d)", current, LatestVersion())
	}
	for _, m := range migrations {
		if m.version > version {
			break
		}
		if err := db.tx(ctx, func(tx *gorm.DB) error { return db.applyMigration(tx, m) }); err != nil {
			return fmt.Errorf("migrate: version %d (%s): %w", m.version, m.name, err)
		}
	}
	return nil
}

func (db *DB) applyMigration(tx *gorm.DB, m migration) error {
	if err := db.lockMigrations(tx); err != nil {
		return err
	}
	var n int64
	if err := tx.Table("schema_migrations").Where("version = ?", m.version).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return nil // applied already, perhaps by another process
	}
	for _, stmt := range m.stmts {
		if err := tx.Exec(db.dialectSQL(stmt)).Error; err != nil {
			return err
		}
	}
	if fn := migrationFuncs[m.version]; fn != nil {
		if err := fn(db, tx); err != nil {
			return err
		}
	}
	return tx.Exec("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", m.version, db.now()).Error
}

// lockMigrations serialises migrators until tx ends. On PostgreSQL it is an
// advisory lock keyed by the current schema; on SQLite the immediate
// transaction already holds the write lock.
func (db *DB) lockMigrations(tx *gorm.DB) error {
	if db.driver != DriverPostgres {
		return nil
	}
	return tx.Exec("SELECT pg_advisory_xact_lock(417730, hashtext(current_schema()))").Error
}

// SchemaVersion returns the highest applied migration, 0 for an empty database.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	g := db.gorm.WithContext(ctx)
	if !g.Migrator().HasTable("schema_migrations") {
		return 0, nil
	}
	var v int
	if err := g.Raw("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v).Error; err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}
