package hearth

import (
	"context"
	"time"
)

// Urgency is how soon a member asks to be contacted.
type Urgency string

// Urgencies, as the /struggling option values.
const (
	UrgencyLater Urgency = "later" // "when you can"
	UrgencyToday Urgency = "today"
	UrgencyNow   Urgency = "now"
)

// Label is how the urgency reads to people.
func (u Urgency) Label() string {
	switch u {
	case UrgencyNow:
		return "now"
	case UrgencyToday:
		return "today"
	default:
		return "when you can"
	}
}

// ParseUrgency accepts the option values and labels of /struggling.
func ParseUrgency(s string) (Urgency, error) {
	switch s {
	case "now":
		return UrgencyNow, nil
	case "today":
		return UrgencyToday, nil
	case "later", "when you can", "":
		return UrgencyLater, nil
	}
	return "", Errorf(EINVALID, "Urgency must be `when you can`, `today` or `now`.")
}

// EscalateAfter returns how long an alert of urgency u may stay
// unacknowledged before it escalates.
func (c AlertsConfig) EscalateAfter(u Urgency) time.Duration {
	switch u {
	case UrgencyNow:
		return c.EscalateNow
	case UrgencyToday:
		return c.EscalateToday
	default:
		return c.EscalateLater
	}
}

// AlertStatus is the lifecycle of an alert.
type AlertStatus string

// Alert statuses.
const (
	AlertOpen         AlertStatus = "open"
	AlertAcknowledged AlertStatus = "acknowledged"
	AlertResolved     AlertStatus = "resolved"
)

// MaxAlertNote is the longest note /struggling accepts.
const MaxAlertNote = 1000

// Alert is a member's private report to their group's psychologists.
type Alert struct {
	ID      int64
	GuildID string
	GroupID int64
	UserID  string
	Urgency Urgency
	Relapse bool
	Note    string // private; encrypted at rest; never put in a Discord message
	// HasNote says whether the member left a note, without reading it: only
	// showing or exporting the note needs its key (Note is empty elsewhere).
	HasNote     bool
	Status      AlertStatus
	CreatedAt   time.Time
	AckBy       string
	AckAt       time.Time
	ResolvedBy  string
	ResolvedAt  time.Time
	EscalatedAt time.Time // zero until escalated
	// ResolutionNote is the psychologist's private closing note; encrypted at rest.
	ResolutionNote string
	// Revision counts the alert's changes; the store bumps it before each
	// change, so the keys of the jobs a change makes are new every time
	// (an alert may be acknowledged, handed over and acknowledged again).
	Revision int
	// Escalations counts the escalations that ran; an escalation job
	// carries the number it would make, so a retried job runs once.
	Escalations int
}

// Recipient roles of an alert delivery.
const (
	RoleFacilitator = "facilitator"
	RoleObserver    = "observer"
	RoleLead        = "lead"
)

// DeliveryStatus is the state of one alert DM.
type DeliveryStatus string

// Delivery statuses.
const (
	DeliveryPending     DeliveryStatus = "pending"
	DeliverySent        DeliveryStatus = "sent"
	DeliveryUnreachable DeliveryStatus = "unreachable" // DMs closed (50007, 50278)
	// DeliveryRevoked: the recipient no longer may act on the alert (replaced
	// as psychologist or as clinical lead); their DM says it passed on.
	DeliveryRevoked DeliveryStatus = "revoked"
)

// Active reports whether the delivery still belongs to someone who may act
// on the alert.
func (d *AlertDelivery) Active() bool { return d.Status != DeliveryRevoked }

// AlertDelivery is one alert DM to one recipient.
type AlertDelivery struct {
	ID          int64
	AlertID     int64
	RecipientID string
	Role        string
	ChannelID   string // DM channel, once known
	MessageID   string // the DM, once sent
	Status      DeliveryStatus
	UpdatedAt   time.Time
}

// AlertStore reads and writes alerts and their deliveries.
type AlertStore interface {
	// CreateAlert stores an alert, its deliveries and the jobs that deliver
	// them in one transaction, so nothing is lost if the process dies after.
	CreateAlert(ctx context.Context, a *Alert, deliveries []*AlertDelivery, jobs []*Job) error
	// Alert returns an alert without its notes (HasNote says whether it has
	// one), or ENOTFOUND: acting on an alert never needs the note's key.
	Alert(ctx context.Context, id int64) (*Alert, error)
	// AlertNote returns the alert's note, decrypted, or ENOTFOUND: for
	// View note only.
	AlertNote(ctx context.Context, id int64) (string, error)
	// Deliveries returns an alert's deliveries.
	Deliveries(ctx context.Context, alertID int64) ([]*AlertDelivery, error)
	// AddDelivery adds a delivery (for the clinical lead on escalation) unless
	// one exists for that recipient, and returns the stored one.
	AddDelivery(ctx context.Context, d *AlertDelivery) (*AlertDelivery, error)
	// UpdateDelivery saves a delivery's channel, message and status.
	UpdateDelivery(ctx context.Context, d *AlertDelivery) error
	// TransitionAlert applies fn to the alert and saves it together with the
	// jobs fn returns and an audit entry, atomically. fn returning an error
	// changes nothing.
	TransitionAlert(ctx context.Context, id int64, fn func(*Alert) ([]*Job, *AuditEntry, error)) (*Alert, error)
	// OpenAlerts returns the open and acknowledged alerts of the given
	// groups, without their notes.
	OpenAlerts(ctx context.Context, groupIDs []int64) ([]*Alert, error)
	// ReassignAlert applies fn to the alert and its deliveries and saves,
	// atomically, the alert, the deliveries fn changed (or added, ID zero),
	// the jobs and the audit entry fn returns. Like TransitionAlert it bumps
	// Revision before calling fn; an error from fn changes nothing.
	ReassignAlert(ctx context.Context, id int64, fn func(*Alert, []*AlertDelivery) ([]*AlertDelivery, []*Job, *AuditEntry, error)) (*Alert, error)
}
