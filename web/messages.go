package web

// The dashboard's English text outside the templates, gathered here with
// key-like names so it can move into the locale catalogs.
const (
	msgNotFound    = "There is nothing here, or it is not yours to see."
	msgInternal    = "Something went wrong on our side. Please try again in a moment."
	msgCrossOrigin = "This form was sent from another site, so it was refused."
	msgBadToken    = "This form has expired or was not sent from the dashboard. Go back, reload the page and try again."
	msgLoginFailed = "Logging in with Discord did not work. Please try again."
	msgNoNote      = "The member left no note with this alert."
	msgBadTimezone = "Unknown time zone: use an IANA name such as Europe/Madrid, America/New_York or UTC."
	msgBadForm     = "Some fields are missing or not valid."
)

// flashes are the notices a page shows after an action redirected to it
// (?done=KEY).
var flashes = map[string]string{
	"ack":      "You acknowledged the alert. Both alert messages show it, and the member was told.",
	"resolve":  "The alert is resolved. Both alert messages show it.",
	"created":  "The group was created.",
	"saved":    "Saved.",
	"deleted":  "The group and all its data were deleted.",
	"erased":   "Your data in that server was erased.",
	"timezone": "Times are now shown in your time zone.",
	"settings": "The settings were saved.",
}
