package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/hearthbot/hearth"
)

type alertRow struct {
	ID          int64 `gorm:"primaryKey"`
	GuildID     string
	GroupID     int64
	UserID      string
	Urgency     string
	Relapse     bool
	Note        string // encrypted: see Keyring
	HasNote     bool   // Note is set, readable without the key
	Status      string
	CreatedAt   time.Time
	AckBy       string
	AckAt       sql.NullTime
	ResolvedBy  string
	ResolvedAt  sql.NullTime
	EscalatedAt sql.NullTime
	// ResolutionNote is the psychologist's closing note, encrypted like Note.
	ResolutionNote string
	Revision       int
	Escalations    int
}

func (alertRow) TableName() string { return "alerts" }

type deliveryRow struct {
	ID          int64 `gorm:"primaryKey"`
	AlertID     int64
	RecipientID string
	Role        string
	ChannelID   string
	MessageID   string
	Status      string
	UpdatedAt   time.Time
}

func (deliveryRow) TableName() string { return "alert_deliveries" }

// newAlertRow is the row of a, notes left out: they are encrypted bound to
// the row id (see sealAlertNotes) and kept as stored by TransitionAlert.
func newAlertRow(a *hearth.Alert) *alertRow {
	return &alertRow{
		ID: a.ID, GuildID: a.GuildID, GroupID: a.GroupID, UserID: a.UserID,
		Urgency: string(a.Urgency), Relapse: a.Relapse, HasNote: a.Note != "" || a.HasNote, Status: string(a.Status),
		CreatedAt: utc(a.CreatedAt), AckBy: a.AckBy, AckAt: nullTime(a.AckAt),
		ResolvedBy: a.ResolvedBy, ResolvedAt: nullTime(a.ResolvedAt), EscalatedAt: nullTime(a.EscalatedAt),
		Revision: a.Revision, Escalations: a.Escalations,
	}
}

// sealNote encrypts an alert's note column bound to the alert's row.
func (db *DB) sealNote(plain, column string, id int64) (string, error) {
	return db.keyring().encrypt(plain, "alerts", column, id)
}

// alert is the domain alert of a row, notes not decrypted: delivering,
// acknowledging, escalating and listing never need the key.
func (db *DB) alert(r *alertRow) *hearth.Alert {
	return &hearth.Alert{
		ID: r.ID, GuildID: r.GuildID, GroupID: r.GroupID, UserID: r.UserID,
		Urgency: hearth.Urgency(r.Urgency), Relapse: r.Relapse, HasNote: r.HasNote,
		Status: hearth.AlertStatus(r.Status), CreatedAt: r.CreatedAt.UTC(),
		AckBy: r.AckBy, AckAt: fromNull(r.AckAt), ResolvedBy: r.ResolvedBy,
		ResolvedAt: fromNull(r.ResolvedAt), EscalatedAt: fromNull(r.EscalatedAt),
		Revision: r.Revision, Escalations: r.Escalations,
	}
}

// alertWithNotes is alert with both notes decrypted, for export.
func (db *DB) alertWithNotes(r *alertRow) (*hearth.Alert, error) {
	a := db.alert(r)
	var err error
	if a.Note, err = db.keyring().decrypt(r.Note, "alerts", "note", r.ID); err != nil {
		return nil, fmt.Errorf("alert %d: %w", r.ID, err)
	}
	if a.ResolutionNote, err = db.keyring().decrypt(r.ResolutionNote, "alerts", "resolution_note", r.ID); err != nil {
		return nil, fmt.Errorf("alert %d: %w", r.ID, err)
	}
	return a, nil
}

func newDeliveryRow(d *hearth.AlertDelivery) *deliveryRow {
	return &deliveryRow{
		ID: d.ID, AlertID: d.AlertID, RecipientID: d.RecipientID, Role: d.Role,
		ChannelID: d.ChannelID, MessageID: d.MessageID, Status: string(d.Status), UpdatedAt: utc(d.UpdatedAt),
	}
}

func (r *deliveryRow) domain() *hearth.AlertDelivery {
	return &hearth.AlertDelivery{
		ID: r.ID, AlertID: r.AlertID, RecipientID: r.RecipientID, Role: r.Role,
		ChannelID: r.ChannelID, MessageID: r.MessageID, Status: hearth.DeliveryStatus(r.Status),
		UpdatedAt: r.UpdatedAt.UTC(),
	}
}

func errNoAlert() error { return hearth.Errorf(hearth.ENOTFOUND, "That alert does not exist.") }

// alertJobs points jobs at alert id: an unset AlertID becomes id and
// hearth.AlertKeyPlaceholder in a key becomes the id ("alert:{alert}:dm:123"
// becomes "alert:7:dm:123").
func alertJobs(jobs []*hearth.Job, id int64) {
	for _, j := range jobs {
		if j.AlertID == 0 {
			j.AlertID = id
		}
		j.Key = strings.ReplaceAll(j.Key, hearth.AlertKeyPlaceholder, strconv.FormatInt(id, 10))
	}
}

// CreateAlert stores an alert (note encrypted; status open and CreatedAt the
// clock, if unset), its deliveries (pending, if unset) and the jobs that
// deliver them, in one transaction, and sets the ids. Deliveries and jobs
// get the new alert's id; a job key may hold hearth.AlertKeyPlaceholder
// ("{alert}"), which is replaced by it.
// An unknown group is ENOTFOUND.
func (db *DB) CreateAlert(ctx context.Context, a *hearth.Alert, deliveries []*hearth.AlertDelivery, jobs []*hearth.Job) error {
	return db.durableTx(ctx, func(tx *gorm.DB) error { return db.createAlert(tx, a, deliveries, jobs) })
}

// createAlert is CreateAlert inside the caller's transaction.
func (db *DB) createAlert(tx *gorm.DB, a *hearth.Alert, deliveries []*hearth.AlertDelivery, jobs []*hearth.Job) error {
	row := newAlertRow(a)
	row.ID = 0
	if row.Status == "" {
		row.Status = string(hearth.AlertOpen)
	}
	if row.CreatedAt.IsZero() {
		row.CreatedAt = db.now()
	}
	if err := tx.Create(row).Error; err != nil {
		if isForeignKey(err) {
			return errNoGroup()
		}
		return fmt.Errorf("create alert: %w", err)
	}
	// The notes are bound to the row id, known only now: same transaction.
	note, err := db.sealNote(a.Note, "note", row.ID)
	if err != nil {
		return err
	}
	closing, err := db.sealNote(a.ResolutionNote, "resolution_note", row.ID)
	if err != nil {
		return err
	}
	if note != "" || closing != "" {
		if err := tx.Model(row).Updates(map[string]any{"note": note, "resolution_note": closing}).Error; err != nil {
			return fmt.Errorf("create alert: %w", err)
		}
	}
	now := db.now()
	drows := make([]*deliveryRow, len(deliveries))
	for i, d := range deliveries {
		drows[i] = newDeliveryRow(d)
		drows[i].ID, drows[i].AlertID, drows[i].UpdatedAt = 0, row.ID, now
		if drows[i].Status == "" {
			drows[i].Status = string(hearth.DeliveryPending)
		}
		if err := tx.Create(drows[i]).Error; err != nil {
			if isDuplicate(err) {
				return fmt.Errorf("create alert: recipient %s listed twice", d.RecipientID)
			}
			return fmt.Errorf("create alert: delivery: %w", err)
		}
	}
	alertJobs(jobs, row.ID)
	if err := db.enqueue(tx, jobs); err != nil {
		return err
	}
	a.ID, a.Status, a.CreatedAt, a.HasNote = row.ID, hearth.AlertStatus(row.Status), row.CreatedAt, row.HasNote
	for i, d := range deliveries {
		*d = *drows[i].domain()
	}
	return nil
}

// Alert returns an alert without its notes (HasNote says whether it has
// one), or ENOTFOUND.
func (db *DB) Alert(ctx context.Context, id int64) (*hearth.Alert, error) {
	var row alertRow
	if err := db.gorm.WithContext(ctx).Omit("note", "resolution_note").Where("id = ?", id).Take(&row).Error; err != nil {
		if isNotFound(err) {
			return nil, errNoAlert()
		}
		return nil, fmt.Errorf("read alert %d: %w", id, err)
	}
	return db.alert(&row), nil
}

// AlertNote returns an alert's note, decrypted ("" when it has none), or
// ENOTFOUND. Only View note reads it.
func (db *DB) AlertNote(ctx context.Context, id int64) (string, error) {
	var row alertRow
	if err := db.gorm.WithContext(ctx).Select("id", "note").Where("id = ?", id).Take(&row).Error; err != nil {
		if isNotFound(err) {
			return "", errNoAlert()
		}
		return "", fmt.Errorf("read alert %d: %w", id, err)
	}
	return db.keyring().decrypt(row.Note, "alerts", "note", row.ID)
}

// Deliveries returns an alert's deliveries in the order they were added.
func (db *DB) Deliveries(ctx context.Context, alertID int64) ([]*hearth.AlertDelivery, error) {
	var rows []deliveryRow
	if err := db.gorm.WithContext(ctx).Where("alert_id = ?", alertID).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read deliveries of alert %d: %w", alertID, err)
	}
	out := make([]*hearth.AlertDelivery, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// AddDelivery adds a delivery (pending, if Status is unset) unless the
// alert already has one for that recipient, and returns the stored one.
// An unknown alert is ENOTFOUND.
func (db *DB) AddDelivery(ctx context.Context, d *hearth.AlertDelivery) (*hearth.AlertDelivery, error) {
	var out *hearth.AlertDelivery
	err := db.tx(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&alertRow{}).Where("id = ?", d.AlertID).Count(&n).Error; err != nil {
			return fmt.Errorf("add delivery: %w", err)
		}
		if n == 0 {
			return errNoAlert()
		}
		row := newDeliveryRow(d)
		row.ID, row.UpdatedAt = 0, db.now()
		if row.Status == "" {
			row.Status = string(hearth.DeliveryPending)
		}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(row).Error; err != nil {
			return fmt.Errorf("add delivery: %w", err)
		}
		var stored deliveryRow
		if err := tx.Where("alert_id = ? AND recipient_id = ?", d.AlertID, d.RecipientID).Take(&stored).Error; err != nil {
			return fmt.Errorf("add delivery: %w", err)
		}
		out = stored.domain()
		return nil
	})
	return out, err
}

// UpdateDelivery saves a delivery's channel, message and status, or returns
// ENOTFOUND. A delivery revoked meanwhile (its recipient may no longer act
// on the alert) stays revoked: d.Status says so on return.
func (db *DB) UpdateDelivery(ctx context.Context, d *hearth.AlertDelivery) error {
	now := db.now()
	revoked := string(hearth.DeliveryRevoked)
	res := db.gorm.WithContext(ctx).Model(&deliveryRow{}).Where("id = ?", d.ID).Updates(map[string]any{
		"channel_id": d.ChannelID, "message_id": d.MessageID, "updated_at": now,
		"status": gorm.Expr("CASE WHEN status = ? THEN status ELSE ? END", revoked, string(d.Status)),
	})
	if res.Error != nil {
		return fmt.Errorf("update delivery %d: %w", d.ID, res.Error)
	}
	if res.RowsAffected == 0 {
		return hearth.Errorf(hearth.ENOTFOUND, "That alert delivery does not exist.")
	}
	d.UpdatedAt = now
	var status string
	if err := db.gorm.WithContext(ctx).Raw("SELECT status FROM alert_deliveries WHERE id = ?", d.ID).Scan(&status).Error; err != nil {
		return fmt.Errorf("update delivery %d: %w", d.ID, err)
	}
	d.Status = hearth.DeliveryStatus(status)
	return nil
}

// TransitionAlert applies fn to the alert and saves it together with the
// jobs fn returns (enqueued as by EnqueueJobs, pointed at the alert as by
// CreateAlert) and its audit entry, if any, in one transaction. fn may not
// change the alert's id, guild, group, member or creation time. An error
// from fn changes nothing and is returned as is.
func (db *DB) TransitionAlert(ctx context.Context, id int64, fn func(*hearth.Alert) ([]*hearth.Job, *hearth.AuditEntry, error)) (*hearth.Alert, error) {
	var out *hearth.Alert
	err := db.tx(ctx, func(tx *gorm.DB) error {
		var row alertRow
		if err := forUpdate(tx).Where("id = ?", id).Take(&row).Error; err != nil {
			if isNotFound(err) {
				return errNoAlert()
			}
			return fmt.Errorf("transition alert %d: %w", id, err)
		}
		a := db.alert(&row)
		a.Revision = row.Revision + 1
		jobs, audit, err := fn(a)
		if err != nil {
			return err
		}
		a.ID, a.GuildID, a.GroupID, a.UserID, a.CreatedAt = row.ID, row.GuildID, row.GroupID, row.UserID, row.CreatedAt.UTC()
		// The member's note is never rewritten here (nor read: the key may
		// be away); a closing note fn sets is sealed to this row.
		newRow := newAlertRow(a)
		newRow.Note, newRow.HasNote, newRow.ResolutionNote = row.Note, row.HasNote, row.ResolutionNote
		if a.ResolutionNote != "" {
			if newRow.ResolutionNote, err = db.sealNote(a.ResolutionNote, "resolution_note", id); err != nil {
				return err
			}
		}
		if err := tx.Save(newRow).Error; err != nil {
			return fmt.Errorf("transition alert %d: %w", id, err)
		}
		if err := db.alertWork(tx, a, id, jobs, audit); err != nil {
			return err
		}
		out = a
		return db.saveAudit(tx, audit)
	})
	return out, err
}

// alertWork queues the jobs a change of alert id made, pointed at it, and
// fills in the audit entry's server and target (saved by the caller).
func (db *DB) alertWork(tx *gorm.DB, a *hearth.Alert, id int64, jobs []*hearth.Job, audit *hearth.AuditEntry) error {
	alertJobs(jobs, id)
	if err := db.enqueue(tx, jobs); err != nil {
		return err
	}
	if audit != nil {
		if audit.GuildID == "" {
			audit.GuildID = a.GuildID
		}
		if audit.Target == "" {
			audit.Target = "alert:" + strconv.FormatInt(id, 10)
		}
	}
	return nil
}

// OpenAlerts returns the open and acknowledged alerts of the given groups,
// oldest first, without their notes.
func (db *DB) OpenAlerts(ctx context.Context, groupIDs []int64) ([]*hearth.Alert, error) {
	if len(groupIDs) == 0 {
		return nil, nil
	}
	var rows []alertRow
	err := db.gorm.WithContext(ctx).
		Where("group_id IN ? AND status IN ?", groupIDs, []string{string(hearth.AlertOpen), string(hearth.AlertAcknowledged)}).
		Omit("note", "resolution_note").Order("created_at, id").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("read open alerts: %w", err)
	}
	out := make([]*hearth.Alert, len(rows))
	for i := range rows {
		out[i] = db.alert(&rows[i])
	}
	return out, nil
}
