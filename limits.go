package hearth

import "unicode/utf16"

// Discord's limits on one message (shared/discord/LIMITS.md). Every message
// hearth builds keeps within them; a list that does not fit is split.
const (
	MaxContent      = 2000 // characters of content
	MaxMentionUsers = 100  // users in allowed_mentions
	MaxFieldValue   = 1024 // characters of an embed field's value
	MaxEmbedsTotal  = 6000 // characters across all embeds of a message
	MaxDescription  = 4096 // characters of an embed description
)

// TextLen counts s as Discord counts characters, erring long: in UTF-16
// units, so an emoji outside the basic plane counts twice.
func TextLen(s string) int {
	n := 0
	for _, r := range s {
		if l := utf16.RuneLen(r); l > 0 {
			n += l
		} else {
			n++
		}
	}
	return n
}

// Fits reports whether m's content and pings are within Discord's limits.
func Fits(m *Message) bool {
	return TextLen(m.Content) <= MaxContent && len(m.MentionUsers) <= MaxMentionUsers
}

// ClipText shortens s to at most n characters (as TextLen counts), ending
// with "…" when it was cut.
func ClipText(s string, n int) string {
	if TextLen(s) <= n {
		return s
	}
	out := make([]rune, 0, n)
	used := 0
	for _, r := range s {
		l := max(utf16.RuneLen(r), 1)
		if used+l > n-1 {
			break
		}
		out = append(out, r)
		used += l
	}
	return string(out) + "…"
}
