package commands

import (
	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

// Err returns an error shown to the caller: catalog message k in their
// language.
func (r *Request) Err(code string, k locale.Key, args ...locale.Arg) *hearth.Error {
	return &hearth.Error{Code: code, Message: r.T(k, args...)}
}

// urgencyLabel is how urgency u reads in l (the /struggling choices).
func urgencyLabel(l locale.Lang, u hearth.Urgency) string {
	switch u {
	case hearth.UrgencyNow:
		return l.T(locale.UrgencyNow)
	case hearth.UrgencyToday:
		return l.T(locale.UrgencyToday)
	}
	return l.T(locale.UrgencyLater)
}

// pageButtons are the Previous and Next buttons of a paged list in l, to
// the custom ids prev and next.
func pageButtons(l locale.Lang, prev, next string, first, last bool) []hearth.Button {
	return []hearth.Button{
		{Label: l.T(locale.CmdCommonPrevious), CustomID: prev, Style: hearth.ButtonSecondary, Disabled: first},
		{Label: l.T(locale.CmdCommonNext), CustomID: next, Style: hearth.ButtonSecondary, Disabled: last},
	}
}
